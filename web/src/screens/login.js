// Sign-in page (POST /api/v1/auth/login). Shown whenever there is no session.
import { html, useState, Button, ErrorBox } from '../ui.js';
import { login } from '../session.js';
import { t, lang, LANGUAGES, setLocale } from '../i18n.js';

export function Login() {
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const submit = async (ev) => {
    ev.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await login(name.trim(), password);
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  return html`<main class="login-page" id="main">
    <form class="login-card" onSubmit=${submit} aria-labelledby="login-title">
      <div class="lang-switch login-lang" role="group" aria-label=${t('settings.language')}>
        ${LANGUAGES.map((l) => html`<button type="button" key=${l} class=${'btn btn-ghost' + (lang() === l ? ' is-active' : '')}
            aria-pressed=${lang() === l} data-lang=${l} onClick=${() => setLocale(l)}>${l.toUpperCase()}</button>`)}
      </div>
      <h1 id="login-title">${t('login.title')}</h1>
      <p class="muted">${t('login.tagline')}</p>
      <div class="field"><label for="login-name">${t('login.login')}</label>
        <input id="login-name" name="login" autocomplete="username" required value=${name}
          onInput=${(e) => setName(e.target.value)} autofocus /></div>
      <div class="field"><label for="login-password">${t('login.password')}</label>
        <input id="login-password" name="password" type="password" autocomplete="current-password" required value=${password}
          onInput=${(e) => setPassword(e.target.value)} /></div>
      ${error ? html`<${ErrorBox} error=${{ message: t('login.failed', { message: error.message }) }} />` : null}
      <${Button} kind="primary" type="submit" disabled=${busy}>${t('login.submit')}</${Button}>
    </form>
  </main>`;
}
