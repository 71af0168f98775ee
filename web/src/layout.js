// The frame around every screen once signed in: skip link, the menu (only
// the screens the user's role may open), the language switch and the
// user's menu. Screens render inside <main id="main">.
import { html, useState, useEffect } from './ui.js';
import { allRoutes, location, onNavigate } from './router.js';
import { can, currentUser, logout, updatePreferences } from './session.js';
import { t, lang, LANGUAGES } from './i18n.js';

export function Layout({ children }) {
  const [path, setPath] = useState(location().path);
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => onNavigate((l) => { setPath(l.path); setMenuOpen(false); }), []);
  const user = currentUser();
  const items = allRoutes()
    .filter((r) => r.nav && (!r.permission || can(r.permission)))
    .sort((a, b) => a.nav.order - b.nav.order);
  const active = (r) => path === r.pattern || (r.pattern !== '/' && path.startsWith(r.nav.prefix || r.pattern));
  const switchLanguage = (l) => updatePreferences({ language: l }).catch(() => {});

  return html`<div class="shell">
    <a class="skip-link" href="#main">${t('app.skip')}</a>
    <header class="topbar">
      <button type="button" class="btn btn-ghost menu-toggle" aria-expanded=${menuOpen} aria-controls="nav"
        onClick=${() => setMenuOpen(!menuOpen)} aria-label=${t('nav.menu')}>☰</button>
      <a class="brand" href="/">${t('app.name')}</a>
      <div class="topbar-right">
        <div class="lang-switch" role="group" aria-label=${t('settings.language')}>
          ${LANGUAGES.map((l) => html`<button type="button" key=${l} class=${'btn btn-ghost' + (lang() === l ? ' is-active' : '')}
              aria-pressed=${lang() === l} lang=${l} data-lang=${l} onClick=${() => switchLanguage(l)}>${l.toUpperCase()}</button>`)}
        </div>
        <a class="user-link" href="/settings" title=${t('nav.signed_in_as', { name: user.display_name || user.login, role: t('role.' + user.role) })}>
          <span class="avatar" aria-hidden="true">${(user.display_name || user.login).slice(0, 1).toUpperCase()}</span>
          <span class="user-name">${user.display_name || user.login}</span>
        </a>
        <button type="button" class="btn btn-ghost" onClick=${() => logout()}>${t('nav.logout')}</button>
      </div>
    </header>
    <nav id="nav" class=${'sidebar' + (menuOpen ? ' open' : '')} aria-label=${t('nav.menu')}>
      <ul>
        ${items.map((r) => html`<li key=${r.pattern}>
          <a href=${r.nav.href || r.pattern} class=${active(r) ? 'active' : ''} aria-current=${active(r) ? 'page' : undefined}>
            <span class="nav-icon" aria-hidden="true">${r.nav.icon}</span>${t(r.nav.label)}</a></li>`)}
      </ul>
    </nav>
    <main id="main" class="content" tabindex="-1">${children}</main>
  </div>`;
}
