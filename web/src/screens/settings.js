// The user's own settings: interface language, time zone, display name
// (PATCH /api/v1/auth/me).
import { html, useState, Button, ErrorBox, Field, PageTitle, Panel, Select, toast } from '../ui.js';
import { currentUser, updatePreferences } from '../session.js';
import { t, timeZones, LANGUAGES } from '../i18n.js';
import { route } from '../router.js';

function Settings() {
  const user = currentUser();
  const [language, setLanguage] = useState(user.language || 'fr');
  const [zone, setZone] = useState(user.time_zone || Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC');
  const [displayName, setDisplayName] = useState(user.display_name || '');
  const [error, setError] = useState(null);
  const save = async (ev) => {
    ev.preventDefault();
    setError(null);
    try {
      await updatePreferences({ language, time_zone: zone, display_name: displayName });
      toast(t('common.saved'), 'success');
    } catch (e) {
      setError(e);
    }
  };
  return html`<${PageTitle}>${t('settings.title')}</${PageTitle}>
    <${Panel}>
      <form class="form narrow" onSubmit=${save}>
        <${Field} label=${t('settings.display_name')}>${(id) => html`<input id=${id} value=${displayName} onInput=${(e) => setDisplayName(e.target.value)} />`}</${Field}>
        <${Field} label=${t('settings.language')}>${(id) => html`<${Select} id=${id} value=${language} onChange=${setLanguage}
            options=${LANGUAGES.map((l) => ({ value: l, label: t('lang.' + l) }))} />`}</${Field}>
        <${Field} label=${t('settings.time_zone')} hint=${t('settings.time_zone_hint')}>${(id, describedBy) => html`<${Select} id=${id}
            value=${zone} onChange=${setZone} aria-describedby=${describedBy} options=${timeZones()} />`}</${Field}>
        <${ErrorBox} error=${error} />
        <${Button} kind="primary" type="submit">${t('common.save')}</${Button}>
      </form>
    </${Panel}>`;
}

route('/settings', { screen: Settings, title: 'settings.title', permission: null });
