"""Half A's governing-law clauses, perturbed the ways real filings are, as data sets the evaluation command scores.

Each labelled choice-of-law clause of half A (even lines of labels.jsonl; half B is never read) is put into a small
contract with no "Governing Law" heading, in five ways:
  wrap   hard line breaks and indentation every ~60 characters;
  page   cut at a random word by a page break with a page number and a running footer, on the third of four pages;
  upper  in capitals;
  noun   "this Agreement" as "this Amendment", "this Lease", "this Side Letter", ...;
  nbsp   every space a no-break space.

  python3 eval-data/governing-law-perturbations/perturb.py ../shared/datasets/cuad-dev /tmp/glpert
  dotnet run --project src/ReviewService.Eval -c Release -- --policy contract-review --data /tmp/glpert/page \
    --half all --rules rules --out /tmp/glpert/page.json
"""
import itertools
import json
import os
import random
import re
import sys

source, out = sys.argv[1], sys.argv[2]
random.seed(7)
rows = [json.loads(l) for l in open(os.path.join(source, 'labels.jsonl'))]

FILL = ("Supplier shall deliver the Products in accordance with the delivery schedule agreed by the parties in writing "
        "from time to time, and shall notify Buyer promptly of any expected delay. ")
nouns = itertools.cycle(['Amendment', 'Lease', 'License', 'Addendum', 'Memorandum', 'Instrument', 'Side Letter', 'Statement of Work'])


def page_break(n):
    return f' {n}\n\nSource: ACME HOLDINGS, INC., 10-K, 3/14/2019\n\n\n\n\n\n'


def wrap(s):
    out, col = [], 0
    for w in s.split(' '):
        if col > 60:
            out.append('\n      ')
            col = 0
        out.append(w + ' ')
        col += len(w) + 1
    return ''.join(out).strip()


def page(s):
    words = s.split(' ')
    k = random.randrange(3, max(4, len(words) - 2))
    pages = [FILL * 14 + page_break(1) + FILL * 14 + page_break(2) + FILL * 6,
             ' '.join(words[:k]) + page_break(3) + ' '.join(words[k:]),
             FILL * 14 + page_break(4) + FILL * 3]
    return '\n\n'.join(pages)


def noun(s):
    n = next(nouns)
    return re.sub(r'\b([Tt]his|[Tt]he) (Agreement|Contract)\b', lambda m: m.group(1) + ' ' + n, s)


KINDS = {'wrap': wrap, 'page': page, 'upper': str.upper, 'noun': noun, 'nbsp': lambda s: s.replace(' ', '\u00a0')}


def contract(clause):
    return ("AGREEMENT\n\n1. Scope. Vendor shall supply the Products listed in Exhibit A.\n\n9. Miscellaneous.\n\n9.2 " + clause +
            "\n\n9.3 Counterparts. This Agreement may be signed in counterparts.\n")


for kind, perturb in KINDS.items():
    os.makedirs(os.path.join(out, kind, 'contracts'), exist_ok=True)
    with open(os.path.join(out, kind, 'labels.jsonl'), 'w') as labels:
        for i, row in enumerate(rows):
            law = row['labels'].get('Governing Law')
            # Half A only; a clause with a value to compare ("[* * *]" and "the state in which ..." name none).
            if i % 2 or not law or not law['clauses'] or not law['answer'] or '*' in law['answer'] or 'STATE IN WHICH' in law['answer']:
                continue
            clause = ' '.join(law['clauses'][0].split())
            cid = f'{kind}-{i:03d}'
            text = contract(perturb(clause))
            with open(os.path.join(out, kind, 'contracts', cid + '.txt'), 'w') as f:
                f.write(text)
            labels.write(json.dumps({'id': cid, 'source_file': cid, 'chars': len(text),
                                     'labels': {'Governing Law': {'answer': law['answer'], 'clauses': [clause]}}}) + '\n')
