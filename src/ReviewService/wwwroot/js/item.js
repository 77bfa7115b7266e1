// A queue item: the document with each check's evidence and candidates highlighted, and a decision per check.
// Claim it (c), decide every check (j/k to move, p/a to decide), submit (Ctrl+Enter).
// While the reviewer works (a key, a click or typing since the last claim), the claim is renewed before it lapses; an idle
// reviewer's claim is left to lapse, so an abandoned tab does not hold the item, and the decisions made so far are kept.
import { api, session } from './api.js';
import { el, fill, formatTime, highlight, markCurrent, ocrNotice, passagesOf, say, scrollWithin } from './dom.js';
import { checkPanel } from './checks.js';

export const itemKeys = 'Keys: c claim · j / k next / previous check · p present · a absent · e comment · Esc leave comment · Ctrl+Enter submit · r release';

export function renderQueueItem(view, [id]) {
  const status = el('p', { id: 'status', className: 'status' });
  const heading = el('h1', {}, 'Queue item');
  const lease = el('p', { id: 'lease', className: 'lease' });
  const claim = el('button', { type: 'button', id: 'claim', onclick: claimItem }, 'Claim (c)');
  const release = el('button', { type: 'button', id: 'release', onclick: releaseItem }, 'Release (r)');
  const submit = el('button', { type: 'button', id: 'submit', className: 'primary', onclick: submitVerdicts }, 'Submit decisions (Ctrl+Enter)');
  const documentPane = el('div', { className: 'document-text', id: 'document' });
  const documentScroll = el('article', { className: 'document', ariaLabel: 'Document' }, documentPane);
  const checkList = el('ol', { className: 'checks', id: 'checks' });
  const notice = el('div', { id: 'ocr' });
  view.append(heading, el('p', { className: 'help', id: 'keys' }, itemKeys), notice,
    el('div', { className: 'actions' }, lease, claim, release, submit), status,
    el('div', { className: 'panes' }, documentScroll, checkList));

  let item = null;
  let panels = [];
  let current = 0;
  const verdicts = new Map();
  // The lease as this browser measures it (its clock may differ from the service's): claimed at, lasting, worked on since.
  let claimedAt = 0;
  let leaseMs = 0;
  let workedSinceClaim = false;
  let renewing = false;
  const touch = () => { workedSinceClaim = true; };
  view.addEventListener('click', touch);
  view.addEventListener('input', touch);
  const renewal = setInterval(renewOrLapse, 1000);

  load();

  async function load() {
    say(status, 'Loading…');
    try {
      const loaded = await api(`/v1/queue/${id}`);
      item = loaded.item;
      const review = loaded.review;
      const [documentText, policy] = await Promise.all([
        api(`/v1/reviews/${review.id}/document`),
        api(`/v1/policies/${encodeURIComponent(review.policy.name)}`).catch(() => null),
      ]);
      fill(heading, review.document.fileName, ' ', el('span', { className: 'subtle' }, `${item.kind}, ${item.priority} priority`));
      // The reviewer decides from the recognised text: a scan's may hold recognition errors.
      fill(notice, ocrNotice(review.document.ocr));
      const findings = item.checks.map(c => review.findings.find(f => f.check === c.check)).filter(Boolean);
      fill(documentPane, highlight(documentText.text, passagesOf(findings)));
      for (const c of item.checks) verdicts.set(c.check, { outcome: null, comment: '' });
      panels = item.checks.map((check, index) => checkPanel({
        check,
        finding: review.findings.find(f => f.check === check.check),
        policyCheck: policy?.checks?.find(p => p.name === check.check),
        verdict: verdicts.get(check.check),
        onDecide: outcome => { verdicts.get(check.check).outcome = outcome; },
        onComment: text => { verdicts.get(check.check).comment = text; },
        onPassage: start => scrollToPassage(start),
        onFocus: () => focusCheck(index, false),
      }));
      fill(checkList, panels.map(p => p.panel));
      showLease();
      focusCheck(0, false);
      say(status, item.status === 'resolved' ? 'This item is already resolved.' : `${item.checks.length} check(s) to decide.`);
    } catch (error) {
      say(status, error.message, 'error');
    }
  }

  // The service checks the expiry when the decisions arrive; the browser's clock may differ from its.
  function holdsLease() {
    return Boolean(item?.lease) && item.lease.holder === session.user?.name;
  }

  function showLease() {
    const mine = holdsLease();
    fill(lease, !item.lease ? 'Nobody holds this item: claim it to decide its checks.'
      : mine ? `You hold this item until ${formatTime(item.lease.expiresAt)}.`
      : `Held by ${item.lease.holder} until ${formatTime(item.lease.expiresAt)}.`);
    const open = item.status !== 'resolved';
    claim.disabled = !open;
    release.disabled = !mine;
    submit.disabled = !mine || !open;
    for (const p of panels) {
      for (const control of [...p.radios, p.comment]) control.disabled = !mine || !open;
    }
  }

  function focusCheck(index, scroll = true) {
    if (panels.length === 0) return;
    current = Math.max(0, Math.min(panels.length - 1, index));
    panels.forEach((p, i) => p.panel.classList.toggle('current', i === current));
    const first = markCurrent(documentPane, item.checks[current].check);
    if (scroll) {
      panels[current].panel.focus({ preventScroll: true });
      scrollWithin(checkList, panels[current].panel);
      scrollWithin(documentScroll, first);
    }
  }

  function scrollToPassage(start) {
    const target = documentPane.querySelector(`mark[data-start="${Number(start)}"]`);
    scrollWithin(documentScroll, target);
    target?.classList.add('flash');
    setTimeout(() => target?.classList.remove('flash'), 1200);
  }

  function decide(outcome) {
    const p = panels[current];
    const radio = p?.radios.find(r => r.value === outcome);
    if (!radio || radio.disabled) {
      say(status, 'Claim the item (c) before deciding its checks.', 'error');
      return;
    }
    radio.checked = true;
    verdicts.get(item.checks[current].check).outcome = outcome;
    focusCheck(current + 1);
  }

  async function claimItem() {
    try {
      await takeLease();
      say(status, 'Claimed. Decide each check, then submit.');
      panels[current]?.panel.focus({ preventScroll: true });
    } catch (error) {
      say(status, error.message, 'error');
    }
  }

  async function takeLease() {
    item = await api(`/v1/queue/${id}/claim`, { method: 'POST' });
    claimedAt = Date.now();
    leaseMs = Math.max(2000, Date.parse(item.lease.expiresAt) - claimedAt);
    workedSinceClaim = false;
    showLease();
  }

  // Past half the lease: renew it if the reviewer worked since the last claim. Past its end: say so.
  async function renewOrLapse() {
    if (!holdsLease() || item.status === 'resolved' || claimedAt === 0) return;
    const held = Date.now() - claimedAt;
    if (held >= leaseMs) {
      claimedAt = 0;
      item.lease = null;
      showLease();
      say(status, 'Your claim lapsed while you were away: claim again (c) to go on. Your decisions so far are kept.', 'error');
    } else if (held >= leaseMs / 2 && workedSinceClaim && !renewing) {
      // One renewal at a time: a claim answered slower than this check runs must not be sent again every second.
      renewing = true;
      try {
        await takeLease();
      } catch (error) {
        say(status, `Could not renew your claim: ${error.message}`, 'error');
      } finally {
        renewing = false;
      }
    }
  }

  async function releaseItem() {
    try {
      item = await api(`/v1/queue/${id}/release`, { method: 'POST' });
      showLease();
      say(status, 'Released: another reviewer may claim it.');
    } catch (error) {
      say(status, error.message, 'error');
    }
  }

  async function submitVerdicts() {
    if (!holdsLease()) {
      say(status, 'Claim the item (c) before submitting.', 'error');
      return;
    }
    const missing = item.checks.filter(c => !verdicts.get(c.check).outcome);
    if (missing.length > 0) {
      say(status, `Decide every check first: ${missing.map(c => c.title ?? c.check).join(', ')}.`, 'error');
      focusCheck(item.checks.indexOf(missing[0]));
      return;
    }
    const body = {
      verdicts: item.checks.map(c => {
        const v = verdicts.get(c.check);
        return v.comment.trim() ? { check: c.check, outcome: v.outcome, comment: v.comment.trim() } : { check: c.check, outcome: v.outcome };
      }),
    };
    submit.disabled = true;
    try {
      const resolved = await api(`/v1/queue/${id}/resolve`, { json: body });
      location.hash = `#/reviews/${resolved.review.id}`;
    } catch (error) {
      submit.disabled = false;
      say(status, error.message, 'error');
    }
  }

  return {
    dispose() {
      clearInterval(renewal);
    },
    onKey(event) {
      touch();
      const key = event.key;
      if (key === 'Enter' && (event.ctrlKey || event.metaKey)) submitVerdicts();
      else if (key === 'Escape') document.activeElement?.blur();
      else if (key === 'j') focusCheck(current + 1);
      else if (key === 'k') focusCheck(current - 1);
      else if (key === 'p') decide('present');
      else if (key === 'a') decide('absent');
      else if (key === 'e') panels[current]?.comment.focus();
      else if (key === 'c') claimItem();
      else if (key === 'r') releaseItem();
      else return;
      event.preventDefault();
    },
  };
}
