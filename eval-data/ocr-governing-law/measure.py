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
import html, json, os, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CUAD = os.path.join(HERE, '..', '..', '..', 'shared', 'datasets', 'cuad-dev')
# (name, dpi, noise attenuation, blur sigma, rotation in degrees): levels of eval-data/ocr-confidence
LEVELS = [('clean300', 300, 0, 0, 0), ('noise3', 300, 3.0, 0.6, 1.5), ('low150', 150, 0.5, 0, 0), ('low100', 100, 0.5, 0.4, 0),
          ('r100n25', 100, 2.5, 0.5, 0.7), ('r300b2', 300, 1.0, 2.0, 0)]


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, check=True, **kw).stdout


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def measure(out, count, skip):
    rows = [json.loads(l) for l in open(os.path.join(CUAD, 'labels.jsonl')) if l.strip()]
    chosen = [r for i, r in enumerate(rows) if i % 2 == 0 and re.fullmatch(r"[A-Za-z .,']+", r['labels'].get('Governing Law', {}).get('answer', '') or '-')
              and r['labels']['Governing Law'].get('clauses')][skip:skip + count]
    os.makedirs(os.path.join(out, 'contracts'), exist_ok=True)
    with tempfile.TemporaryDirectory() as work, open(os.path.join(out, 'labels.jsonl'), 'w') as labels:
        for row in chosen:
            cid, law = row['id'], row['labels']['Governing Law']
            source = open(os.path.join(CUAD, 'contracts', cid + '.txt')).read()
            page_html, pdf = os.path.join(work, 'c.html'), os.path.join(work, 'c.pdf')
            with open(page_html, 'w') as f:
                f.write('<html><body style="font: 11pt \'Times New Roman\', serif; margin: 1in;"><div style="white-space: pre-wrap">'
                        + html.escape(source) + '</div></body></html>')
            subprocess.run(['chromium', '--headless', '--no-sandbox', '--disable-gpu', '--no-pdf-header-footer', f'--print-to-pdf={pdf}', page_html],
                           capture_output=True, timeout=120)
            pages = run('pdftotext', '-layout', pdf, '-').split('\f')
            probe = words(law['clauses'][0])[:8]
            page = next((i + 1 for i, p in enumerate(pages) if ' '.join(probe) in ' '.join(words(p))), None)
            if page is None:
                print(f'{cid}: clause not found on one page, skipped', flush=True)
                continue
            for level, dpi, noise, blur, rotate in LEVELS:
                base = os.path.join(work, f'p-{level}')
                run('pdftoppm', '-r', str(dpi), '-gray', '-f', str(page), '-l', str(page), '-singlefile', pdf, base)
                args = ['convert', base + '.pgm']
                args += ['-attenuate', str(noise), '+noise', 'Gaussian'] if noise else []
                args += ['-blur', f'0x{blur}'] if blur else []
                args += ['-background', 'white', '-rotate', str(rotate)] if rotate else []
                run(*args, base + '.png')
                text = run('tesseract', base + '.png', '-', '--psm', '1', env={**os.environ, 'OMP_THREAD_LIMIT': '1'})
                name = f'{cid}~{level}'
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
    for level, _, _, _, _ in LEVELS:
        if level in by:
            print(f'{level:9s} {by[level][0]:3d} of {by[level][1]:3d} right')
    for m in law['misses']:
        print('  miss', m['contract'], '|', m['expected'], '|', m['extracted'])


if __name__ == '__main__':
    if sys.argv[1] == '--score':
        score(sys.argv[2])
    else:
        measure(sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 12, int(sys.argv[3]) if len(sys.argv) > 3 else 0)
