// Entry point: loads the session, then shows the login page or the
// signed-in frame with the screen of the current URL.
import './styles.css';
import './messages.js';
import './screens/index.js';
import { html, render, useEffect, useState, Toasts, Spinner, PageTitle, Empty } from './ui.js';
import { Layout } from './layout.js';
import { Login } from './screens/login.js';
import { location, match, onNavigate } from './router.js';
import { can, expire, loadSession, onSessionChange, currentUser } from './session.js';
import { onLocaleChange, setLocale, pickLanguage, t } from './i18n.js';
import { setUnauthenticatedHandler } from './api.js';
import { loadReference } from './labels.js';

setUnauthenticatedHandler(() => expire());

function Screen({ path, query }) {
  const m = match(path);
  if (!m) return html`<${PageTitle}>404</${PageTitle}><${Empty}>${t('common.not_found')}</${Empty}>`;
  if (m.route.permission && !can(m.route.permission))
    return html`<${PageTitle}>403</${PageTitle}><${Empty}>${t('common.forbidden')}</${Empty}>`;
  const S = m.route.screen;
  return html`<${S} params=${m.params} query=${query} key=${m.route.pattern} />`;
}

function App() {
  const [state, setState] = useState({ phase: 'loading', user: null });
  const [loc, setLoc] = useState(location());
  const [, setLocaleTick] = useState(0);

  useEffect(() => onLocaleChange(() => setLocaleTick((n) => n + 1)), []);
  useEffect(() => onNavigate((l) => {
    setLoc(l);
    requestAnimationFrame(() => {
      const h = document.getElementById('page-title');
      if (h) h.focus({ preventScroll: true });
      window.scrollTo(0, 0);
    });
  }), []);
  useEffect(() => {
    const off = onSessionChange(async (me) => {
      if (!me) {
        setState({ phase: 'anonymous', user: null });
        return;
      }
      if (state.phase !== 'ready') await loadReference();
      setState({ phase: 'ready', user: me.user.id });
    });
    loadSession().catch(() => setState({ phase: 'anonymous', user: null }));
    return off;
  }, []);

  if (state.phase === 'loading') return html`<${Spinner} />`;
  if (state.phase === 'anonymous' || !currentUser()) return html`<${Login} /><${Toasts} />`;
  return html`<${Layout}><${Screen} path=${loc.path} query=${loc.query} /></${Layout}><${Toasts} />`;
}

setLocale(pickLanguage(localStorage.getItem('ecoute.lang')));
onLocaleChange(() => localStorage.setItem('ecoute.lang', document.documentElement.lang));
render(html`<${App} />`, document.getElementById('app'));
