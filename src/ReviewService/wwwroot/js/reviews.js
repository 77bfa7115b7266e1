// Analysts follow their reviews: the list, and one review (status, decision, findings, highlighted evidence, audit),
// refreshed while it is pending or waiting for a reviewer.
import { api } from './api.js';
import { badge, el, fill, formatTime, highlight, markCurrent, ocrNotice, passagesOf, say, scrollWithin } from './dom.js';

const refreshMs = 2000;

export function renderReviewList(view) {
  const status = el('p', { id: 'status', className: 'status' });
  const body = el('tbody');
  const more = el('button', { type: 'button', id: 'more', hidden: true, onclick: () => load(more.dataset.cursor) }, 'More');
  view.append(el('h1', {}, 'Reviews'), status,
    el('table', { className: 'reviews', id: 'reviews' },
      el('thead', {}, el('tr', {}, ['Status', 'Document', 'Decision', 'Undetermined', 'Submitted'].map(h => el('th', { scope: 'col' }, h)))),
      body),
    more);
  load();

  async function load(cursor) {
    try {
      const page = await api(`/v1/reviews?limit=50${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      body.append(...page.items.map(r => el('tr', {},
        el('td', {}, badge(r.status)),
        el('td', {}, el('a', { href: `#/reviews/${r.id}` }, r.fileName)),
        el('td', {}, r.decision ?? ''),
        el('td', {}, String(r.undetermined)),
        el('td', {}, formatTime(r.createdAt)))));
      more.hidden = !page.nextCursor;
      more.dataset.cursor = page.nextCursor ?? '';
      say(status, body.childElementCount === 0 ? 'No reviews yet: upload a document.' : '');
    } catch (error) {
      say(status, error.message, 'error');
    }
  }
}

export function renderReview(view, [id]) {
  const status = el('p', { id: 'status', className: 'status' });
  const heading = el('h1', {}, 'Review');
  const summary = el('div', { className: 'summary', id: 'summary' });
  const findings = el('tbody');
  const documentPane = el('div', { className: 'document-text', id: 'document' });
  const documentScroll = el('article', { className: 'document', ariaLabel: 'Document' }, documentPane);
  const audit = el('ol', { className: 'audit', id: 'audit' });
  view.append(heading, status, summary,
    el('div', { className: 'panes' },
      documentScroll,
      el('section', {},
        el('h2', {}, 'Findings'),
        el('table', { className: 'findings', id: 'findings' },
          el('thead', {}, el('tr', {}, ['Check', 'Outcome', 'Decided by', 'Confidence', 'Value'].map(h => el('th', { scope: 'col' }, h)))),
          findings),
        el('h2', {}, 'Audit trail'), audit)));

  let timer = null;
  let shownText = false;
  load();

  async function load() {
    try {
      const review = await api(`/v1/reviews/${id}`);
      fill(heading, review.document.fileName);
      fill(summary,
        el('p', {}, 'Status: ', el('strong', { id: 'review-status', className: `badge ${review.status}` }, review.status),
          review.degraded ? [' ', badge('degraded'), ` ${review.degradedReason ?? ''}`] : null),
        review.decision ? el('p', {}, 'Decision: ', el('strong', { id: 'decision' }, review.decision.outcome),
          review.decision.provisional ? ' (provisional)' : '') : null,
        review.decision?.reasons?.length ? el('ul', { className: 'reasons' },
          review.decision.reasons.map(r => el('li', {}, el('code', {}, r.check), ` ${r.decision}: ${r.reason}`))) : null,
        review.error ? el('p', { className: 'status error' }, review.error) : null,
        ocrNotice(review.document.ocr));
      fill(findings, review.findings.map(f => el('tr', { dataset: { check: f.check }, onclick: () => showPassages(f.check) },
        el('td', {}, el('code', {}, f.check)),
        el('td', {}, badge(f.outcome)),
        el('td', {}, f.decidedBy ?? ''),
        el('td', {}, f.decidedBy ? Number(f.confidence).toFixed(2) : ''),
        el('td', {}, f.value ?? ''))));
      if (!shownText && review.status !== 'pending') {
        const documentText = await api(`/v1/reviews/${id}/document`).catch(error => ({ text: null, error }));
        // Evidence of every finding; candidate passages only where a person still has to decide.
        const open = new Set(review.findings.filter(f => f.outcome === 'undetermined').map(f => f.check));
        const passages = passagesOf(review.findings).filter(p => p.kind !== 'candidate' || open.has(p.check));
        fill(documentPane, documentText.text === null ? documentText.error.message : highlight(documentText.text, passages));
        shownText = true;
      }
      await loadAudit();
      const following = review.status === 'pending' || review.status === 'needs_review';
      say(status, following ? 'Following this review: it refreshes by itself.' : '');
      if (following) timer = setTimeout(load, refreshMs);
    } catch (error) {
      say(status, error.message, 'error');
    }
  }

  function showPassages(check) {
    scrollWithin(documentScroll, markCurrent(documentPane, check));
  }

  async function loadAudit() {
    try {
      const trail = await api(`/v1/reviews/${id}/audit`);
      fill(audit, trail.entries.length === 0 ? el('li', {}, 'Nothing has been changed by hand.')
        : trail.entries.map(e => el('li', {}, `${formatTime(e.at)} ${e.actor} ${e.action}`,
          e.check ? [' ', el('code', {}, e.check)] : null,
          e.previous || e.current ? ` ${e.previous ?? '—'} → ${e.current ?? '—'}` : '',
          e.comment ? [': ', el('q', {}, e.comment)] : null)));
    } catch (error) {
      fill(audit, el('li', {}, `The audit trail is not available: ${error.message}`));
    }
  }

  return { dispose: () => clearTimeout(timer) };
}
