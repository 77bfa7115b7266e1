// The API key lives in sessionStorage (gone when the tab closes) and goes out as X-Api-Key on every call.

const keyItem = 'reviewservice.apiKey';
const userItem = 'reviewservice.user';
const noticeItem = 'reviewservice.notice';

export const session = {
  get key() { return sessionStorage.getItem(keyItem); },
  get user() { return JSON.parse(sessionStorage.getItem(userItem) ?? 'null'); },
  signIn(key, user) {
    sessionStorage.setItem(keyItem, key);
    sessionStorage.setItem(userItem, JSON.stringify(user));
  },
  signOut() {
    sessionStorage.removeItem(keyItem);
    sessionStorage.removeItem(userItem);
  },
  has(role) { return (this.user?.roles ?? []).includes(role); },
  /** A message for the sign-in page, shown once. */
  leaveNotice(text) { sessionStorage.setItem(noticeItem, text); },
  takeNotice() {
    const text = sessionStorage.getItem(noticeItem);
    sessionStorage.removeItem(noticeItem);
    return text;
  },
};

/** Where a signed-in user starts: reviewers at the queue, analysts at their reviews. */
export function home() {
  if (!session.key) return '#/signin';
  return session.has('reviewer') ? '#/queue' : '#/reviews';
}

/** A failed call: the problem+json's detail (what to do) is the message shown to the user. */
export class ApiError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `The service answered ${status}.`);
    this.status = status;
    this.problem = problem ?? {};
  }
}

/**
 * Calls the API with the signed-in key (or options.key) and returns the parsed JSON.
 * options: { method, json, form, headers, key }. A 401 signs the user out (the key was revoked or mistyped).
 */
export async function api(path, options = {}) {
  const headers = new Headers(options.headers ?? {});
  headers.set('Accept', 'application/json, application/problem+json');
  const key = options.key ?? session.key;
  if (key) headers.set('X-Api-Key', key);
  let body;
  if (options.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(options.json);
  } else if (options.form !== undefined) {
    body = options.form;
  }
  const response = await fetch(path, { method: options.method ?? (body ? 'POST' : 'GET'), headers, body });
  const text = await response.text();
  const data = text ? parse(text) : null;
  if (!response.ok) {
    if (response.status === 401 && options.key === undefined) {
      session.signOut();
      session.leaveNotice('Your API key was refused. Sign in again.');
      location.hash = '#/signin';
    }
    throw new ApiError(response.status, data);
  }
  return data;
}

function parse(text) {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text };
  }
}
