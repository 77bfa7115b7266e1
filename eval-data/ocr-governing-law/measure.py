#!/usr/bin/env python3
"""Governing law read from scans: does OCR damage what the rules extract from clean text?

Contracts of half A of cuad-dev (even lines of labels.jsonl, the tuning half) with a one-jurisdiction governing-law
answer (the policy extracts 124 of half A's 126 answers from the clean text) are printed to PDF by Chromium; the page holding the labelled choice-of-law clause is
rendered by pdftoppm and degraded by ImageMagick at the levels of eval-data/ocr-confidence (noise, blur, rotation, low
resolution), and read by Tesseract as the service reads scans (--psm 1, OMP_THREAD_LIMIT=1). Each reading is written
as a contract of a data set in the cuad-dev layout (<id>~<level>.txt, with the contract's governing-law label), which
the evaluation command then scores:

  eval-data/ocr-governing-law/measure.py OUT [COUNT] [SKIP]      # COUNT contracts (12), after the first SKIP (0)
  dotnet run --project src/ReviewService.Eval -c Release -- --policy contract-review --data OUT --half all --rules rules --out OUT/report.json
  eval-data/ocr-governing-law/measure.py --score OUT/report.json

Needs chromium, poppler-utils, imagemagick, tesseract-ocr(-eng); about 30 s a contract on 2 cores.
"""
import json, os, re, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, '..', 'ocr-confidence'))
import calibrate  # noqa: E402  (printing, rendering, degrading and reading a page, as the threshold's measurement does)
from calibrate import print_pdf, read_page, run, words  # noqa: E402

CUAD = os.path.join(HERE, '..', '..', '..', 'shared', 'datasets', 'cuad-dev')
# Six of the threshold measurement's levels: (name, dpi, noise attenuation, blur sigma, rotation in degrees).
LEVELS = [level for level in calibrate.LEVELS if level[0] in ('clean300', 'noise3', 'low150', 'low100', 'r100n25', 'r300b2')]


def measure(out, count, skip):
    rows = [json.loads(l) for l in open(os.path.join(CUAD, 'labels.jsonl')) if l.strip()]
    chosen = [r for i, r in enumerate(rows) if i % 2 == 0 and re.fullmatch(r"[A-Za-z .,']+", r['labels'].get('Governing Law', {}).get('answer', '') or '-')
              and r['labels']['Governing Law'].get('clauses')][skip:skip + count]
    os.makedirs(os.path.join(out, 'contracts'), exist_ok=True)
    with tempfile.TemporaryDirectory() as work, open(os.path.join(out, 'labels.jsonl'), 'w') as labels:
        for row in chosen:
            cid, law = row['id'], row['labels']['Governing Law']
            source = open(os.path.join(CUAD, 'contracts', cid + '.txt')).read()
            pdf = print_pdf(source, work, 'c')
            pages = run('pdftotext', '-layout', pdf, '-').split('\f')
            probe = words(law['clauses'][0])[:8]
            page = next((i + 1 for i, p in enumerate(pages) if ' '.join(probe) in ' '.join(words(p))), None)
            if page is None:
                print(f'{cid}: clause not found on one page, skipped', flush=True)
                continue
            for level in LEVELS:
                text = read_page(pdf, page, level, os.path.join(work, f'p-{level[0]}'))
                name = f'{cid}~{level[0]}'
                open(os.path.join(out, 'contracts', name + '.txt'), 'w').write(text)
                labels.write(json.dumps({'id': name, 'labels': {'Governing Law': law}}) + '\n')
            print(f'{cid}: page {page} of {len(pages)}', flush=True)


def score(report):
    r = json.load(open(report))
    law = r['extractions']['governingLaw']
    missed = {m['contract'] for m in law['misses']}
    by = {}
    for contract in {p['contract'] for p in r['results']}:
        level = contract.split('~')[1]
        by.setdefault(level, [0, 0])
        by[level][0] += contract not in missed
        by[level][1] += 1
    for level in (level[0] for level in LEVELS):
        if level in by:
            print(f'{level:9s} {by[level][0]:3d} of {by[level][1]:3d} right')
    for m in law['misses']:
        print('  miss', m['contract'], '|', m['expected'], '|', m['extracted'])


if __name__ == '__main__':
    if sys.argv[1] == '--score':
        score(sys.argv[2])
    else:
        measure(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 12, int(sys.argv[3]) if len(sys.argv) > 3 else 0)
