#!/usr/bin/env python3
"""How Tesseract's mean word confidence on a page tracks its word accuracy: the measurement behind
Extraction:Ocr:LowConfidence (README, "Scanned documents").

Six contracts of eval-data/contracts are printed to PDF by Chromium (a text layer: the ground truth, read back by
pdftotext), and two pages of each are rendered by pdftoppm at 72-300 dpi, degraded by ImageMagick (Gaussian noise,
blur, rotation) at 15 levels and read by Tesseract as the service reads them (--psm 1, TSV, OMP_THREAD_LIMIT=1). A
page's confidence is the mean of its words' confidences (as Tesseract.ParseTsv computes it); its word accuracy is the
share of the ground truth's words (lower-case letters and digits) that a longest-matching alignment finds in the OCR.
Writes pages.json (one row a page and level) and prints, for thresholds, how well "confidence under the threshold"
finds pages under 95 % word accuracy: chosen on the pages of three contracts (tune), reported on the other three (test).

Needs chromium, poppler-utils, imagemagick, tesseract-ocr(-eng). About 10 minutes on 2 cores.
Usage: eval-data/ocr-confidence/calibrate.py [--measure]   (without --measure, only the summary of pages.json)
"""
import difflib, glob, html, json, os, re, subprocess, sys, tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CONTRACTS = ['ALCOSTORESINC', 'BORROWMONEYCOM', 'GULFSOUTHMEDICAL', 'LUCIDINC', 'MOVADOGROUP', 'UAGHINC']
# (name, dpi, noise attenuation, blur sigma, rotation in degrees)
LEVELS = [('clean300', 300, 0, 0, 0), ('noise1', 300, 1.0, 0, 0.8), ('noise3', 300, 3.0, 0.6, 1.5), ('low150', 150, 0.5, 0, 0),
          ('low100', 100, 0.5, 0.4, 0), ('bad75', 75, 2.0, 0.8, 1.0), ('awful', 72, 4.0, 1.2, 2.5),
          ('r90n15', 90, 1.5, 0.3, 0.5), ('r85', 85, 1.0, 0.3, 0), ('r80', 80, 1.0, 0.5, 0.5), ('r100b1', 100, 0.5, 1.0, 0),
          ('r100n25', 100, 2.5, 0.5, 0.7), ('r120n4b1', 120, 4.0, 1.0, 1.0), ('r300n6', 300, 6.0, 0.8, 0.5), ('r300b2', 300, 1.0, 2.0, 0)]
BAR = 0.95


def words(text):
    return re.findall(r"[a-z0-9]+", text.lower())


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, check=True, **kw).stdout


def print_pdf(text, work, name):
    """The text printed to PDF by Chromium (Times 11 pt, 1 inch margins, line breaks kept); the PDF's path."""
    page_html, pdf = os.path.join(work, name + '.html'), os.path.join(work, name + '.pdf')
    with open(page_html, 'w') as f:
        f.write('<html><body style="font: 11pt \'Times New Roman\', serif; margin: 1in;"><div style="white-space: pre-wrap">'
                + html.escape(text) + '</div></body></html>')
    subprocess.run(['chromium', '--headless', '--no-sandbox', '--disable-gpu', '--no-pdf-header-footer', f'--print-to-pdf={pdf}', page_html],
                   capture_output=True, timeout=120)
    return pdf


def read_page(pdf, page, level, base, *output):
    """One page rendered by pdftoppm at a level of LEVELS, degraded by ImageMagick and read by Tesseract as the service
    reads scans; Tesseract's output (plain text, or 'tsv' given as output)."""
    _, dpi, noise, blur, rotate = level
    run('pdftoppm', '-r', str(dpi), '-gray', '-f', str(page), '-l', str(page), '-singlefile', pdf, base)
    args = ['convert', base + '.pgm']
    args += ['-attenuate', str(noise), '+noise', 'Gaussian'] if noise else []
    args += ['-blur', f'0x{blur}'] if blur else []
    args += ['-background', 'white', '-rotate', str(rotate)] if rotate else []
    run(*args, base + '.png')
    return run('tesseract', base + '.png', '-', '--psm', '1', *output, env={**os.environ, 'OMP_THREAD_LIMIT': '1'})


def measure(work):
    rows = []
    for name in CONTRACTS:
        source = glob.glob(os.path.join(HERE, '..', 'contracts', name + '*.txt'))[0]
        pdf = print_pdf(open(source).read(), work, name)
        pages = int(re.search(r'Pages:\s+(\d+)', run('pdfinfo', pdf)).group(1))
        for page in sorted({2, max(2, pages // 2)}):
            truth = words(run('pdftotext', '-f', str(page), '-l', str(page), pdf, '-'))
            for level in LEVELS:
                tsv = read_page(pdf, page, level, os.path.join(work, f'{name}-{page}-{level[0]}'), 'tsv')
                confidences, found = [], []
                for row in tsv.split('\n')[1:]:
                    f = row.split('\t')
                    if len(f) >= 12 and f[0] == '5' and f[11].strip():
                        confidences.append(min(100.0, max(0.0, float(f[10]))))
                        found.append(f[11])
                matcher = difflib.SequenceMatcher(None, truth, words(' '.join(found)), autojunk=False)
                accuracy = sum(b.size for b in matcher.get_matching_blocks()) / len(truth)
                rows.append({'pdf': name, 'page': page, 'level': level[0], 'confidence': round(sum(confidences) / len(confidences) / 100 if confidences else 0, 3),
                             'wordAccuracy': round(accuracy, 3), 'words': len(truth)})
                print(json.dumps(rows[-1]), flush=True)
    json.dump(rows, open(os.path.join(HERE, 'pages.json'), 'w'), indent=0)


def summary():
    rows = json.load(open(os.path.join(HERE, 'pages.json')))
    tune = set(CONTRACTS[0::2])
    halves = {'tune': [r for r in rows if r['pdf'] in tune], 'test': [r for r in rows if r['pdf'] not in tune]}
    print(f'{len(rows)} page readings; a page is "bad" under {BAR:.0%} word accuracy')
    print('threshold | half | pages | bad | flagged | bad flagged (recall) | flagged that are bad (precision) | agreement')
    best = None
    for t in (0.6, 0.7, 0.75, 0.8, 0.85, 0.86, 0.87, 0.88, 0.9):
        for half, rs in halves.items():
            bad = [r for r in rs if r['wordAccuracy'] < BAR]
            flagged = [r for r in rs if r['confidence'] < t]
            hit = sum(1 for r in flagged if r['wordAccuracy'] < BAR)
            agree = sum(1 for r in rs if (r['confidence'] < t) == (r['wordAccuracy'] < BAR)) / len(rs)
            print(f'{t:.2f} | {half} | {len(rs)} | {len(bad)} | {len(flagged)} | {hit / len(bad):.2f} | {hit / len(flagged) if flagged else 1:.2f} | {agree:.3f}')
            if half == 'tune' and (best is None or agree > best[1]):
                best = (t, agree)
    print(f'lowest threshold with the best agreement on the tune half: {best[0]:.2f}')


if __name__ == '__main__':
    if '--measure' in sys.argv:
        with tempfile.TemporaryDirectory() as work:
            measure(work)
    summary()
