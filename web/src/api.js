// HTTP client of the ecoute API (docs/api/openapi.yaml), same origin.
// Authentication is the session cookie set by POST /api/v1/auth/login;
// every write carries the session's CSRF token (X-CSRF-Token).
// Errors: every non-2xx answer rejects with an ApiError that carries the
// API's {error: {code, message, field?, column?}}.

let csrfToken = null;
let onUnauthenticated = () => {};

export function setCsrfToken(token) {
  csrfToken = token || null;
}

// Called (once per failing request) when the API answers 401 to a
// request other than the login itself: the session ended.
export function setUnauthenticatedHandler(fn) {
  onUnauthenticated = fn;
}

export class ApiError extends Error {
  constructor(status, error) {
    super((error && error.message) || `HTTP ${status}`);
    this.status = status;
    this.code = (error && error.code) || 'http_' + status;
    this.field = (error && error.field) || null;
    this.column = error && Number.isInteger(error.column) ? error.column : null;
    this.details = error || null;
  }
}

// Appends `params` as a query string. Arrays repeat the key; undefined,
// null and '' are left out.
export function withParams(path, params) {
  if (!params) return path;
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    if (Array.isArray(v)) {
      for (const item of v) if (item !== undefined && item !== null && item !== '') q.append(k, String(item));
    } else {
      q.append(k, String(v));
    }
  }
  const s = q.toString();
  return s ? path + (path.includes('?') ? '&' : '?') + s : path;
}

export async function request(method, path, body, { signal, params } = {}) {
  const headers = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  const res = await fetch(withParams(path, params), {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    credentials: 'same-origin',
    signal,
  });
  if (res.status === 204) return null;
  const text = await res.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = { error: { code: 'bad_response', message: text.slice(0, 200) } };
    }
  }
  if (!res.ok) {
    if (res.status === 401 && path !== '/api/v1/auth/login') onUnauthenticated();
    throw new ApiError(res.status, data && data.error);
  }
  return data;
}

export const get = (path, params, opts = {}) => request('GET', path, undefined, { ...opts, params });
export const post = (path, body = {}, opts) => request('POST', path, body, opts);
export const put = (path, body, opts) => request('PUT', path, body, opts);
export const patch = (path, body, opts) => request('PATCH', path, body, opts);
export const del = (path, opts) => request('DELETE', path, undefined, opts);

// Opens a server-sent event stream. `handlers` maps event names to
// functions receiving the parsed JSON data; `onState` gets 'open' |
// 'reconnecting'. Returns a function that closes the stream. The browser
// reconnects by itself after a drop.
export function stream(path, params, handlers, onState = () => {}) {
  const es = new EventSource(withParams(path, params), { withCredentials: true });
  es.onopen = () => onState('open');
  es.onerror = () => onState(es.readyState === EventSource.CLOSED ? 'closed' : 'reconnecting');
  for (const [name, fn] of Object.entries(handlers)) {
    es.addEventListener(name, (ev) => {
      let data = null;
      try {
        data = JSON.parse(ev.data);
      } catch {
        return;
      }
      fn(data, ev);
    });
  }
  return () => es.close();
}

// Downloads a GET route's answer (a CSV export) as a file, keeping the
// session cookie: a plain link does it, no fetch needed.
export function downloadUrl(path, params) {
  return withParams(path, params);
}
