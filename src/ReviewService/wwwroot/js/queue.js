// The reviewers' queue, in the service's priority order. j/k move the selection, Enter opens it.
import { api, session } from './api.js';
import { badge, el, fill, formatTime, say } from './dom.js';

export function renderQueue(view) {
  const status = el('p', { id: 'status', className: 'status' });
  const body = el('tbody');
  view.append(
    el('h1', {}, 'Review queue'),
    el('p', { className: 'help' }, 'Keys: j / k next / previous item · Enter open'),
    status,
    el('table', { className: 'queue', id: 'queue' },
      el('thead', {}, el('tr', {}, ['Priority', 'Document', 'Checks', 'Why', 'Held by', 'Queued'].map(h => el('th', { scope: 'col' }, h)))),
      body));
  let rows = [];
  let selected = -1;

  load();

  async function load() {
    say(status, 'Loading the queue…');
    try {
      const { items } = await api('/v1/queue');
      rows = items.map(row);
      fill(body, rows);
      say(status, items.length === 0 ? 'The queue is empty.' : `${items.length} item(s) waiting.`);
      select(0);
    } catch (error) {
      say(status, error.message, 'error');
    }
  }

  function row(item) {
    const lease = item.lease;
    const held = lease ? `${lease.holder === session.user?.name ? 'you' : lease.holder} until ${formatTime(lease.expiresAt)}` : '—';
    return el('tr', { dataset: { id: item.id } },
      el('td', {}, badge(item.priority)),
      el('td', {}, el('a', { href: `#/queue/${item.id}` }, item.fileName)),
      el('td', {}, item.checks.map(c => c.title ?? c.check).join(', ')),
      el('td', {}, [...new Set(item.checks.map(c => c.reason))].join(', ')),
      el('td', {}, held),
      el('td', {}, formatTime(item.createdAt)));
  }

  function select(index) {
    if (rows.length === 0) return;
    selected = Math.max(0, Math.min(rows.length - 1, index));
    rows.forEach((r, i) => r.classList.toggle('selected', i === selected));
    rows[selected].scrollIntoView({ block: 'nearest' });
  }

  return {
    onKey(event) {
      if (event.key === 'j') select(selected + 1);
      else if (event.key === 'k') select(selected - 1);
      else if (event.key === 'Enter' && selected >= 0) location.hash = `#/queue/${rows[selected].dataset.id}`;
      else return;
      event.preventDefault();
    },
  };
}
