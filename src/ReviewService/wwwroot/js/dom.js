// Every element is built with createElement and every piece of data goes in as a text node:
// document text is untrusted, so no string is ever parsed as HTML.

/**
 * el('a', { href: '#/queue', className: 'x', onclick: fn, dataset: { check: 'y' } }, 'text', child, [more]).
 * Strings and numbers become text nodes; null, undefined and false children are skipped.
 */
export function el(tag, props = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null) continue;
    if (name === 'dataset') Object.assign(element.dataset, value);
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element[name] = value;
  }
  append(element, children);
  return element;
}

function append(parent, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(parent, child);
    else parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

/** Replaces an element's content (text nodes for strings). */
export function fill(parent, ...children) {
  parent.replaceChildren();
  append(parent, children);
  return parent;
}

/**
 * Splits text at the spans' offsets (UTF-16 code units, end exclusive, as the API gives them) into text nodes and
 * <mark> elements. Spans may overlap: each piece between two consecutive offsets is marked with every span covering it.
 * A span is { start, end, check, kind: 'evidence' | 'candidate' | 'match' } (a match: words a decision rests on, inside its
 * evidence); spans outside the text are ignored.
 */
export function highlight(text, spans) {
  const valid = spans.filter(s => Number.isInteger(s.start) && Number.isInteger(s.end) && s.start >= 0 && s.start < s.end && s.end <= text.length);
  const cuts = [...new Set([0, text.length, ...valid.flatMap(s => [s.start, s.end])])].sort((a, b) => a - b);
  const fragment = document.createDocumentFragment();
  for (let i = 0; i + 1 < cuts.length; i++) {
    const from = cuts[i];
    const to = cuts[i + 1];
    const piece = text.slice(from, to);
    const covering = valid.filter(s => s.start <= from && s.end >= to);
    fragment.append(covering.length === 0 ? document.createTextNode(piece) : mark(piece, from, covering));
  }
  return fragment;
}

function mark(piece, from, covering) {
  const checks = [...new Set(covering.map(s => s.check))];
  const kind = covering.some(s => s.kind === 'evidence' || s.kind === 'match') ? 'evidence' : 'candidate';
  const matched = covering.some(s => s.kind === 'match');
  const classes = [kind, matched ? 'match' : null, covering.filter(s => s.kind !== 'match').length > 1 ? 'overlap' : null].filter(Boolean).join(' ');
  const title = covering.map(s => `${s.check}: ${s.kind}`).join('\n');
  return el('mark', { className: classes, title, dataset: { checks: checks.join(' '), start: String(from) } }, piece);
}

/** The review's passages as highlight spans: evidence (the clause, and the words matched in it) and candidates of the given findings. */
export function passagesOf(findings) {
  return findings.flatMap(f => [
    ...(f.evidence ?? []).map(p => ({ start: p.start, end: p.end, check: f.check, kind: 'evidence' })),
    ...(f.evidence ?? []).flatMap(p => p.marks ?? []).map(m => ({ start: m.start, end: m.end, check: f.check, kind: 'match' })),
    ...(f.candidates ?? []).map(p => ({ start: p.start, end: p.end, check: f.check, kind: 'candidate' })),
  ]);
}

/** Marks the highlights of one check as current (a stronger colour) and returns the first of them. */
export function markCurrent(container, check) {
  let first = null;
  for (const m of container.querySelectorAll('mark')) {
    const on = m.dataset.checks.split(' ').includes(check);
    m.classList.toggle('current', on);
    if (on && first === null) first = m;
  }
  return first;
}

/** Scrolls a scrolling pane (not the window) so that the element sits in its upper third. */
export function scrollWithin(pane, element) {
  if (!element) return;
  pane.scrollTop += element.getBoundingClientRect().top - pane.getBoundingClientRect().top - pane.clientHeight / 3;
}

/** A status line: messages for screen readers and for the tests; errors are alerts. */
export function say(region, message, kind = 'info') {
  region.className = `status ${kind}`;
  region.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  fill(region, message);
}

export function formatTime(iso) {
  return iso ? new Date(iso).toLocaleString() : '';
}

export function badge(text, kind = text) {
  return el('span', { className: `badge ${kind}` }, text);
}

/** Text read by OCR may hold recognition errors: say so, and name the pages to read in the original. */
export function ocrNotice(ocr) {
  if (!ocr) return null;
  const low = ocr.lowConfidencePages ?? [];
  return el('p', { className: 'notice', id: 'ocr-notice', role: 'note' },
    badge('OCR'), ` This document is a scan read by OCR (${ocr.engine}): its text and the evidence quoted from it may contain recognition errors. Check them against the original.`,
    low.length ? [' Low-confidence pages: ', el('strong', { id: 'ocr-low-pages' }, low.join(', ')), '.'] : null);
}
