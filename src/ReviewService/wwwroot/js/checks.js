// One check of a queue item as the reviewer sees it: why it is here, what the rules and the model said,
// its passages (buttons that scroll to the highlight) and the decision controls.
import { badge, el, highlight } from './dom.js';

/** check: the queue item's check; finding: the review's finding for it; policyCheck: title and question from the policy. */
export function checkPanel({ check, finding, policyCheck, verdict, onDecide, onComment, onPassage, onFocus }) {
  const name = check.check;
  const title = check.title ?? policyCheck?.title ?? name;
  const radios = ['present', 'absent'].map(outcome => el('input', {
    type: 'radio', name: `verdict-${name}`, value: outcome, id: `verdict-${name}-${outcome}`,
    checked: verdict.outcome === outcome, onchange: () => onDecide(outcome),
  }));
  const comment = el('textarea', {
    id: `comment-${name}`, rows: 2, value: verdict.comment, placeholder: 'Optional comment (e)', oninput: event => onComment(event.target.value),
  });
  const panel = el('li', { className: 'check', tabIndex: -1, dataset: { check: name }, onfocus: onFocus, onclick: onFocus },
    el('h2', {}, title, ' ', el('code', {}, name)),
    el('p', { className: 'badges' }, badge(check.reason), ' ', badge(check.severity ?? policyCheck?.severity ?? 'unknown'),
      finding ? [' ', el('span', { className: 'now' }, `now: ${finding.outcome}${finding.decidedBy ? ` (${finding.decidedBy})` : ''}`)] : null),
    policyCheck?.question ? el('p', { className: 'question' }, policyCheck.question) : null,
    el('p', { className: 'rules' }, 'Rules that fired: ',
      finding?.ruleIds?.length ? finding.ruleIds.map((id, i) => [i ? ', ' : '', el('code', { className: 'rule-id' }, id)]) : 'none'),
    finding?.note ? el('p', { className: 'note' }, finding.note) : null,
    proposal(finding?.proposal),
    suggestion(finding?.suggestion),
    passages(finding, onPassage),
    el('fieldset', { className: 'decision' },
      el('legend', {}, 'Decision'),
      radios.map(radio => el('label', { htmlFor: radio.id }, radio, radio.value === 'present' ? ' Present (p)' : ' Absent (a)')),
      el('label', { htmlFor: comment.id, className: 'visually-hidden' }, `Comment on ${title}`),
      comment));
  return { panel, radios, comment };
}

// A rules decision held for verification: the rule, how often it was measured right, and the clause it rests on.
function proposal(p) {
  if (!p) return null;
  const measured = p.decided == null ? 'not measured yet (the calibration does not list it)'
    : `right on ${p.correct} of ${p.decided} labelled contracts`;
  return el('div', { className: 'proposal' },
    el('h3', {}, 'Rule answer held for verification'),
    el('p', {}, 'Rule ', el('code', { className: 'rule-id' }, p.rule), ' said ', el('strong', {}, p.outcome), '.'),
    el('p', { className: 'precision' }, `Measured precision ${Number(p.confidence).toFixed(3)} (${measured}), under the policy\u2019s target of ${p.target}.`),
    (p.evidence ?? []).map(e => el('blockquote', { className: 'proposal-clause' }, e.marks ? clause(e) : e.text)));
}

function suggestion(s) {
  if (!s) return null;
  return el('div', { className: 'suggestion' },
    el('h3', {}, 'LLM suggestion (not accepted)'),
    el('p', {}, 'The model said ', el('strong', {}, s.outcome), ` with confidence ${Number(s.confidence).toFixed(2)}`,
      s.model ? ` (${s.model}, prompt ${s.promptVersion})` : '', '.'),
    s.rationale ? el('p', { className: 'rationale' }, 'Rationale: ', s.rationale) : null,
    s.evidence ? el('blockquote', {}, s.evidence) : null,
    s.rejectedBecause ? el('p', { className: 'rejected' }, 'Not accepted because: ', s.rejectedBecause) : null);
}

function passages(finding, onPassage) {
  const list = [
    ...(finding?.evidence ?? []).map(p => ['evidence', p]),
    ...(finding?.candidates ?? []).map(p => ['candidate', p]),
  ];
  if (list.length === 0) return el('p', { className: 'passages' }, 'No passage was found for this check.');
  return el('ol', { className: 'passages' }, list.map(([kind, p]) =>
    el('li', {}, el('button', { type: 'button', className: `passage ${kind}`, onclick: () => onPassage(p.start) },
      `${kind === 'evidence' ? 'Evidence' : 'Candidate'}: `, p.marks ? clause(p) : snippet(p.text)))));
}

// An evidence clause in full (at most 600 characters), the words the decision rests on marked.
function clause(p) {
  const marks = p.marks.map(m => ({ start: m.start - p.start, end: m.end - p.start, check: '', kind: 'match' }));
  return el('span', { className: 'clause' }, highlight(p.text, marks));
}

function snippet(text) {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > 140 ? `${flat.slice(0, 140)}…` : flat;
}
