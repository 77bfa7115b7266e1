#!/usr/bin/env python3
"""How far can wording alone go on a labelled set? A ceiling estimate for the rules' coverage target.

A learner that sees every word n-gram of every contract and the labels themselves (TF-IDF of 1-3 word n-grams,
logistic regression per check, 5-fold cross-validation repeated 3 times, so each contract is scored by models that
never saw it) is asked two questions:
  1. alone: at what coverage does it stay at >= 0.97 decided accuracy, deciding its most confident pairs first?
  2. on top of the rules: if it decides the rules' undetermined pairs, most confident first, how far can coverage go
     before the overall decided accuracy falls below 0.97? (The stopping point is chosen with the labels: optimistic.)

Usage (Debian: apt-get install python3-sklearn; about 10 minutes on 2 cores):
  /usr/bin/python3 eval-data/ceiling/lexical_ceiling.py --data ../shared/datasets/cuad-dev \
      --report eval-data/reports/cuad-dev.json --policy rules/contract-review/policy.json
"""
import argparse
import json

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

TARGET = 0.97


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--report", required=True, help="the eval's JSON report (its results give the rules' outcome and the truth per pair)")
    ap.add_argument("--policy", required=True)
    ap.add_argument("--repeats", type=int, default=3)
    args = ap.parse_args()

    ids = [json.loads(line)["id"] for line in open(f"{args.data}/labels.jsonl", encoding="utf-8")]
    report = json.load(open(args.report, encoding="utf-8"))
    results = {(r["contract"], r["check"]): r for r in report["results"]}
    checks = [c["name"] for c in json.load(open(args.policy, encoding="utf-8"))["checks"]]
    texts = [open(f"{args.data}/contracts/{i}.txt", encoding="utf-8").read() for i in ids]
    # The vocabulary is fitted on the texts only (no labels), so sharing it across folds leaks nothing about the labels.
    x = TfidfVectorizer(ngram_range=(1, 3), min_df=3, max_df=0.95, sublinear_tf=True, max_features=300000,
                        dtype=np.float32).fit_transform(texts)

    pairs = []  # (check, contract, truth, out-of-fold probability of present)
    for check in checks:
        y = np.array([results[(i, check)]["truth"] for i in ids], dtype=int)
        p = np.full(len(ids), y.mean())
        if 5 <= y.sum() <= len(y) - 5:
            p[:] = 0
            for r in range(args.repeats):
                for train, test in StratifiedKFold(5, shuffle=True, random_state=r).split(x, y):
                    model = LogisticRegression(C=10, max_iter=2000).fit(x[train], y[train])
                    p[test] += model.predict_proba(x[test])[:, 1] / args.repeats
        pairs += [(check, cid, bool(y[k]), p[k]) for k, cid in enumerate(ids)]

    n = len(pairs)
    by_confidence = sorted(pairs, key=lambda t: -abs(t[3] - 0.5))
    right = np.cumsum([(p >= 0.5) == truth for _, _, truth, p in by_confidence])
    accuracy = right / np.arange(1, n + 1)
    best = max((k for k in range(n) if accuracy[k] >= TARGET), default=-1) + 1
    print(f"learner alone: coverage {best / n:.3f} at decided accuracy >= {TARGET}")
    for coverage in (0.60, 0.68, 0.75):
        k = int(coverage * n)
        print(f"  learner alone at coverage {coverage:.2f}: decided accuracy {accuracy[k - 1]:.4f}")

    decided = [r for r in report["results"] if r["outcome"] != "undetermined"]
    rules_right = sum((r["outcome"] == "present") == r["truth"] for r in decided)
    open_pairs = sorted((t for t in pairs if results[(t[1], t[0])]["outcome"] == "undetermined"), key=lambda t: -abs(t[3] - 0.5))
    added_right = np.cumsum([(p >= 0.5) == truth for _, _, truth, p in open_pairs])
    overall = (rules_right + added_right) / (len(decided) + np.arange(1, len(open_pairs) + 1))
    best = max((k for k in range(len(open_pairs)) if overall[k] >= TARGET), default=-1) + 1
    print(f"rules: coverage {len(decided) / n:.3f} at {rules_right / len(decided):.4f}; rules + learner on the undetermined pairs: "
          f"coverage {(len(decided) + best) / n:.3f} at overall >= {TARGET} (optimistic stopping point)")
    for coverage in (0.70, 0.72, 0.75):
        k = int(coverage * n) - len(decided)
        if 0 < k <= len(open_pairs):
            print(f"  rules + learner at coverage {coverage:.2f}: overall {overall[k - 1]:.4f}, "
                  f"the learner's {k} added pairs {added_right[k - 1] / k:.3f} right")


if __name__ == "__main__":
    main()
