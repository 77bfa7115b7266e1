// QA agreement: how often reviewers' verdicts on QA samples agree with the rules and the LLM, per stage and per check.
import { api } from './api.js';
import { el, fill, say } from './dom.js';

const percent = rate => rate === null || rate === undefined ? '—' : `${(rate * 100).toFixed(1)}%`;

export function renderAgreement(view) {
  const status = el('p', { id: 'status', className: 'status' });
  const stages = el('tbody', { id: 'agreement-stages' });
  const checks = el('tbody', { id: 'agreement-checks' });
  const table = (id, headers, body) => el('table', { className: 'queue', id },
    el('thead', {}, el('tr', {}, headers.map(h => el('th', { scope: 'col' }, h)))), body);
  view.append(
    el('h1', {}, 'QA agreement'),
    el('p', { className: 'help' }, 'Reviewers\u2019 verdicts on QA samples compared with the stage that decided; llm-suggestion compares with the judge\u2019s refused answers, rules-held with the rules\u2019 answers held under the policy\u2019s target accuracy.'),
    status,
    el('h2', {}, 'By stage'), table('agreement-by-stage', ['Stage', 'Verdicts', 'Agreed', 'Rate'], stages),
    el('h2', {}, 'By check'), table('agreement-by-check', ['Stage', 'Check', 'Verdicts', 'Agreed', 'Rate'], checks));

  load();

  async function load() {
    say(status, 'Loading…');
    try {
      const stats = await api('/v1/stats/agreement');
      fill(stages, stats.byStage.map(s => el('tr', { dataset: { stage: s.stage } },
        el('td', {}, s.stage), el('td', {}, String(s.verdicts)), el('td', {}, String(s.agreed)), el('td', {}, percent(s.rate)))));
      fill(checks, stats.byCheck.map(c => el('tr', { dataset: { stage: c.stage, check: c.check } },
        el('td', {}, c.stage), el('td', {}, c.check), el('td', {}, String(c.verdicts)), el('td', {}, String(c.agreed)), el('td', {}, percent(c.rate)))));
      const overall = stats.automated;
      say(status, overall.verdicts === 0 ? 'No QA verdicts yet.'
        : `Automated decisions: ${overall.agreed} of ${overall.verdicts} verdicts agree (${percent(overall.rate)}).`);
    } catch (error) {
      say(status, error.message, 'error');
    }
  }
}
