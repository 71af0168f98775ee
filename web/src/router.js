// Client-side routes (History API). Screens register their routes with
// route(pattern, options); the server answers index.html for every path
// without an extension, so deep links and reloads work.
// Patterns: "/inbox/:id" (a segment per parameter).

const routes = [];
const listeners = new Set();

// options: {screen (component), title (message key), permission (or null),
//           nav: {label (message key), order, icon} to appear in the menu}.
export function route(pattern, options) {
  const names = [];
  const re = new RegExp(
    '^' +
      pattern.replace(/\/:(\w+)/g, (_, name) => {
        names.push(name);
        return '/([^/]+)';
      }) +
      '/?$',
  );
  routes.push({ pattern, re, names, ...options });
}

export function allRoutes() {
  return routes;
}

export function match(pathname) {
  for (const r of routes) {
    const m = r.re.exec(pathname);
    if (m) {
      const params = {};
      r.names.forEach((n, i) => (params[n] = decodeURIComponent(m[i + 1])));
      return { route: r, params };
    }
  }
  return null;
}

export function location() {
  return {
    path: window.location.pathname,
    query: Object.fromEntries(new URLSearchParams(window.location.search)),
  };
}

function publish() {
  for (const fn of listeners) fn(location());
}

export function onNavigate(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

// Goes to `to` ("/search?q=x"). replace: no new history entry (filters).
export function navigate(to, { replace = false } = {}) {
  if (to === window.location.pathname + window.location.search) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  publish();
}

// Updates the current URL's query string (screen filters), keeping the path.
export function setQuery(params, { replace = true } = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  navigate(window.location.pathname + (s ? '?' + s : ''), { replace });
}

window.addEventListener('popstate', publish);

// Plain left clicks on same-origin <a href="/..."> links navigate in page.
document.addEventListener('click', (ev) => {
  if (ev.defaultPrevented || ev.button !== 0 || ev.metaKey || ev.ctrlKey || ev.shiftKey || ev.altKey) return;
  const a = ev.target.closest && ev.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const href = a.getAttribute('href');
  if (!href.startsWith('/') || href.startsWith('//') || href.startsWith('/api/')) return;
  ev.preventDefault();
  navigate(href);
});
