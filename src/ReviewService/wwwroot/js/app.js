// The hash router: #/signin, #/queue, #/queue/{id}, #/agreement, #/submit, #/reviews, #/reviews/{id}.
// Each page renders into <main> and may return { onKey(event), dispose() }.
import { home, session } from './api.js';
import { el, fill } from './dom.js';
import { renderSignIn } from './signin.js';
import { renderQueue } from './queue.js';
import { renderQueueItem } from './item.js';
import { renderAgreement } from './agreement.js';
import { renderSubmit } from './submit.js';
import { renderReviewList, renderReview } from './reviews.js';

const routes = [
  [/^#\/signin$/, renderSignIn],
  [/^#\/queue$/, renderQueue],
  [/^#\/queue\/([0-9a-f-]+)$/i, renderQueueItem],
  [/^#\/agreement$/, renderAgreement],
  [/^#\/submit$/, renderSubmit],
  [/^#\/reviews$/, renderReviewList],
  [/^#\/reviews\/([0-9a-f-]+)$/i, renderReview],
];

let page = null;

function route() {
  page?.dispose?.();
  page = null;
  const hash = location.hash || '#/';
  if (!session.key && hash !== '#/signin') {
    location.replace('#/signin');
    return;
  }
  const match = routes.map(([pattern, render]) => [pattern.exec(hash), render]).find(([m]) => m);
  if (!match) {
    location.replace(home());
    return;
  }
  const [groups, render] = match;
  renderHeader();
  const view = document.getElementById('view');
  view.replaceChildren();
  page = render(view, groups.slice(1)) ?? null;
}

function renderHeader() {
  const links = [];
  if (session.key && session.has('reviewer')) links.push(['#/queue', 'Queue']);
  if (session.key && ['reviewer', 'operator', 'admin'].some(r => session.has(r))) links.push(['#/agreement', 'Agreement']);
  if (session.key && (session.has('analyst') || session.has('admin'))) links.push(['#/submit', 'Upload'], ['#/reviews', 'Reviews']);
  fill(document.getElementById('nav'), links.map(([href, text]) =>
    el('a', { href, className: location.hash.startsWith(href) ? 'active' : '' }, text)));
  const user = session.user;
  fill(document.getElementById('who'), user && session.key
    ? [el('span', { id: 'who-name' }, `${user.name} (${user.roles.join(', ')})`), ' ',
       el('button', { type: 'button', id: 'sign-out', onclick: signOut }, 'Sign out')]
    : []);
}

function signOut() {
  session.signOut();
  location.hash = '#/signin';
}

// One keyboard handler: keys go to the current page unless the user is typing (Ctrl+Enter and Escape still do).
document.addEventListener('keydown', event => {
  const typing = event.target instanceof HTMLElement && event.target.matches('input, textarea, select');
  const submitKey = event.key === 'Enter' && (event.ctrlKey || event.metaKey);
  if (typing && !submitKey && event.key !== 'Escape') return;
  if (event.key === 'Enter' && !submitKey && event.target instanceof HTMLElement && event.target.matches('a, button')) return;
  if ((event.ctrlKey || event.metaKey || event.altKey) && !submitKey) return;
  page?.onKey?.(event);
});

window.addEventListener('hashchange', route);
route();
