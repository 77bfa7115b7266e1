// Sign-in asks for the same API key as the API and checks it with GET /v1/me before keeping it.
import { api, home, session } from './api.js';
import { el, say } from './dom.js';

export function renderSignIn(view) {
  const status = el('p', { id: 'status', className: 'status' });
  const key = el('input', { id: 'api-key', type: 'password', name: 'apiKey', autocomplete: 'current-password', required: true });
  const form = el('form', { className: 'signin', onsubmit: submit },
    el('h1', {}, 'Sign in'),
    el('p', {}, 'Use your ReviewService API key (the one you send as X-Api-Key). It is kept in this tab only, until you sign out or close it.'),
    el('label', { htmlFor: 'api-key' }, 'API key'),
    key,
    el('button', { type: 'submit', id: 'sign-in' }, 'Sign in'),
    status);
  view.append(form);
  const notice = session.takeNotice();
  if (notice) say(status, notice, 'error');
  key.focus();

  async function submit(event) {
    event.preventDefault();
    say(status, 'Checking the key…');
    try {
      const me = await api('/v1/me', { key: key.value });
      session.signIn(key.value, me);
      location.hash = home();
    } catch (error) {
      say(status, error.message, 'error');
    }
  }
}
