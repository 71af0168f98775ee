// Contacts (docs/contacts.md): one customer across channels.
//
// /contacts?q=...  search by identifier or name (GET /api/v1/contacts?q=;
//                  the query stays in the URL).
// /contacts/:id    the contact page: profile (rename, VIP, notes: PATCH
//                  /api/v1/contacts/{id}, work_cases), identifiers (add /
//                  remove, work_cases), open cases, suggested links
//                  (accept / reject), manual merge of another contact into
//                  this one and the merges with undo (POST .../merge, POST
//                  /api/v1/contact-merges/{id}/undo, merge_contacts), the
//                  full timeline across channels, and the audit trail
//                  (GET .../audit).
// An id merged into another shows the canonical contact, with a notice.
import { get, patch, post } from '../api.js';
import { registerMessages, t, fmtDateTime, fmtNumber } from '../i18n.js';
import { route, setQuery } from '../router.js';
import { can } from '../session.js';
import { html, useAsync, useEffect, useState, Button, ChannelBadge, Empty, ErrorBox, Field, PageTitle, Panel, Spinner, Time,
  toast } from '../ui.js';
import { StatusBadge, PriorityBadge, excerpt, forgetContact, label } from './care-common.js';
import { Identifiers, Suggestions, Timeline } from './contact-parts.js';

registerMessages({
  en: {
    'contacts.title': 'Contacts',
    'contacts.search': 'Find a contact',
    'contacts.search_hint': 'An e-mail address, a phone number, @handle, a customer or order number, or a name.',
    'contacts.search_button': 'Search',
    'contacts.type_something': 'Type an identifier or a name to find a contact.',
    'contacts.none_found': 'No contact matches “{q}”.',
    'contacts.col.name': 'Name',
    'contacts.col.identifiers': 'Identifiers',
    'contacts.col.channels': 'Channels',
    'contacts.col.messages': 'Messages',
    'contacts.col.last_seen': 'Last message',
    'contacts.back': 'All contacts',
    'contacts.resolved_from': 'Contact #{id} is merged into this one: you see the merged contact.',
    'contacts.profile': 'Profile',
    'contacts.name': 'Display name',
    'contacts.vip': 'VIP customer',
    'contacts.notes': 'Notes',
    'contacts.saved': 'Contact saved.',
    'contacts.created': 'Known since',
    'contacts.last_seen': 'Last message',
    'contacts.messages': 'Messages',
    'contacts.merged_ids': 'Merged contacts',
    'contacts.open_cases': 'Open cases',
    'contacts.no_open_cases': 'No open case.',
    'contacts.suggestions': 'Suggested links',
    'contacts.merge': 'Merge another contact into this one',
    'contacts.merge_search': 'Contact to merge (identifier or name)',
    'contacts.merge_reason': 'Reason (kept in the audit)',
    'contacts.merge_here': 'Merge into this contact',
    'contacts.merge_label': 'Merge {name} into this contact',
    'contacts.merged': 'Contacts merged.',
    'contacts.merges': 'Merges',
    'contacts.no_merges': 'No merge.',
    'contacts.merge_line': '#{from} merged into #{into} by {user}',
    'contacts.merge_from_suggestion': 'accepted suggestion #{id}',
    'contacts.merge_undone': 'undone {time} by {user}',
    'contacts.undo': 'Undo',
    'contacts.undo_label': 'Undo the merge of #{from} into #{into}',
    'contacts.undone': 'Merge undone: the two contacts are separate again.',
    'contacts.timeline': 'Timeline across channels',
    'contacts.audit': 'Audit trail',
    'contacts.no_audit': 'No entry.',
    'contacts.col.time': 'Time',
    'contacts.col.actor': 'By',
    'contacts.col.action': 'Action',
    'contacts.col.detail': 'Detail',
  },
  fr: {
    'contacts.title': 'Contacts',
    'contacts.search': 'Trouver un contact',
    'contacts.search_hint': 'Une adresse e-mail, un numéro de téléphone, @pseudo, un n° client ou de commande, ou un nom.',
    'contacts.search_button': 'Rechercher',
    'contacts.type_something': 'Saisissez un identifiant ou un nom pour trouver un contact.',
    'contacts.none_found': 'Aucun contact ne correspond à « {q} ».',
    'contacts.col.name': 'Nom',
    'contacts.col.identifiers': 'Identifiants',
    'contacts.col.channels': 'Canaux',
    'contacts.col.messages': 'Messages',
    'contacts.col.last_seen': 'Dernier message',
    'contacts.back': 'Tous les contacts',
    'contacts.resolved_from': 'Le contact n° {id} est fusionné dans celui-ci : vous voyez le contact fusionné.',
    'contacts.profile': 'Profil',
    'contacts.name': 'Nom affiché',
    'contacts.vip': 'Client VIP',
    'contacts.notes': 'Notes',
    'contacts.saved': 'Contact enregistré.',
    'contacts.created': 'Connu depuis',
    'contacts.last_seen': 'Dernier message',
    'contacts.messages': 'Messages',
    'contacts.merged_ids': 'Contacts fusionnés',
    'contacts.open_cases': 'Dossiers ouverts',
    'contacts.no_open_cases': 'Aucun dossier ouvert.',
    'contacts.suggestions': 'Liens suggérés',
    'contacts.merge': 'Fusionner un autre contact dans celui-ci',
    'contacts.merge_search': 'Contact à fusionner (identifiant ou nom)',
    'contacts.merge_reason': 'Motif (conservé dans l’historique)',
    'contacts.merge_here': 'Fusionner dans ce contact',
    'contacts.merge_label': 'Fusionner {name} dans ce contact',
    'contacts.merged': 'Contacts fusionnés.',
    'contacts.merges': 'Fusions',
    'contacts.no_merges': 'Aucune fusion.',
    'contacts.merge_line': 'n° {from} fusionné dans n° {into} par {user}',
    'contacts.merge_from_suggestion': 'suggestion n° {id} acceptée',
    'contacts.merge_undone': 'annulée le {time} par {user}',
    'contacts.undo': 'Annuler',
    'contacts.undo_label': 'Annuler la fusion de n° {from} dans n° {into}',
    'contacts.undone': 'Fusion annulée : les deux contacts sont de nouveau séparés.',
    'contacts.timeline': 'Historique multicanal',
    'contacts.audit': 'Journal des modifications',
    'contacts.no_audit': 'Aucune entrée.',
    'contacts.col.time': 'Date',
    'contacts.col.actor': 'Par',
    'contacts.col.action': 'Action',
    'contacts.col.detail': 'Détail',
  },
});

function identifierText(i) {
  return i.type === 'handle' ? '@' + i.value : i.value;
}

// ---- search ----------------------------------------------------------
function ContactRows({ items, action }) {
  return html`<div class="table-wrap"><table class="table contacts-table">
    <thead><tr>
      <th scope="col">${t('contacts.col.name')}</th><th scope="col">${t('contacts.col.identifiers')}</th>
      <th scope="col">${t('contacts.col.channels')}</th><th scope="col" class="num">${t('contacts.col.messages')}</th>
      <th scope="col">${t('contacts.col.last_seen')}</th>${action ? html`<th scope="col"><span class="sr-only">${t('common.edit')}</span></th>` : null}
    </tr></thead>
    <tbody>${items.map((c) => html`<tr key=${c.id} data-contact=${c.id}>
      <td><a href=${'/contacts/' + c.id}>${c.display_name}</a>${c.vip ? html` <span class="badge badge-warn">VIP</span>` : null}</td>
      <td class="small">${c.identifiers.slice(0, 3).map((i) => html`<div key=${i.type + i.value} class="mono">${identifierText(i)}</div>`)}
        ${c.identifiers.length > 3 ? html`<span class="muted">+${c.identifiers.length - 3}</span>` : null}</td>
      <td>${c.channels.map((ch) => html`<${ChannelBadge} key=${ch} value=${ch} /> `)}</td>
      <td class="num">${fmtNumber(c.message_count || 0)}</td>
      <td class="small"><${Time} value=${c.last_seen_at} /></td>
      ${action ? html`<td>${action(c)}</td>` : null}
    </tr>`)}</tbody>
  </table></div>`;
}

function ContactSearch({ query }) {
  const [q, setQ] = useState(query.q || '');
  useEffect(() => setQ(query.q || ''), [query.q]);
  const found = useAsync((signal) => (query.q ? get('/api/v1/contacts', { q: query.q, limit: 50 }, { signal }) : null), [query.q]);
  const submit = (ev) => {
    ev.preventDefault();
    setQuery({ q: q.trim() });
  };
  return html`<${PageTitle}>${t('contacts.title')}</${PageTitle}>
    <${Panel}>
      <form class="row contact-search" onSubmit=${submit} role="search">
        <div class="field grow">
          <label for="contact-q">${t('contacts.search')}</label>
          <input id="contact-q" type="search" value=${q} onInput=${(e) => setQ(e.target.value)} aria-describedby="contact-q-hint" />
          <div class="hint" id="contact-q-hint">${t('contacts.search_hint')}</div>
        </div>
        <${Button} kind="primary" type="submit">${t('contacts.search_button')}</${Button}>
      </form>
      ${!query.q ? html`<${Empty}>${t('contacts.type_something')}</${Empty}>` : null}
      <${ErrorBox} error=${found.error} />
      ${query.q && found.loading ? html`<${Spinner} />` : null}
      ${found.data && !found.data.items.length ? html`<${Empty}>${t('contacts.none_found', { q: query.q })}</${Empty}>` : null}
      ${found.data && found.data.items.length ? html`<${ContactRows} items=${found.data.items} />` : null}
    </${Panel}>`;
}

// ---- the contact -----------------------------------------------------
function Profile({ contact, onSaved }) {
  const editable = can('work_cases');
  const [name, setName] = useState(contact.display_name);
  const [vip, setVip] = useState(contact.vip);
  const [notes, setNotes] = useState(contact.notes || '');
  const [error, setError] = useState(null);
  useEffect(() => { setName(contact.display_name); setVip(contact.vip); setNotes(contact.notes || ''); }, [contact]);
  const save = async (ev) => {
    ev.preventDefault();
    setError(null);
    const body = {};
    if (name.trim() && name.trim() !== contact.display_name) body.display_name = name.trim();
    if (vip !== contact.vip) body.vip = vip;
    if (notes !== (contact.notes || '')) body.notes = notes;
    if (!Object.keys(body).length) return;
    try {
      const c = await patch('/api/v1/contacts/' + contact.id, body);
      forgetContact(contact.id);
      toast(t('contacts.saved'), 'success');
      onSaved(c);
    } catch (e) {
      setError(e);
    }
  };
  return html`<${Panel} title=${t('contacts.profile')} id="contact-profile">
    <dl class="contact-facts">
      <div><dt>${t('contacts.created')}</dt><dd><${Time} value=${contact.created_at} /></dd></div>
      <div><dt>${t('contacts.last_seen')}</dt><dd><${Time} value=${contact.last_seen_at} /></dd></div>
      <div><dt>${t('contacts.messages')}</dt><dd>${fmtNumber(contact.message_count || 0)}</dd></div>
      <div><dt>${t('contacts.col.channels')}</dt><dd>${contact.channels.map((ch) => html`<${ChannelBadge} key=${ch} value=${ch} /> `)}</dd></div>
      ${contact.merged_ids.length ? html`<div><dt>${t('contacts.merged_ids')}</dt>
        <dd>${contact.merged_ids.map((id) => html`<span key=${id} class="mono">#${id} </span>`)}</dd></div>` : null}
    </dl>
    ${editable ? html`<form onSubmit=${save} class="contact-form">
      <${Field} label=${t('contacts.name')}>${(id) => html`<input id=${id} value=${name} maxlength="200" onInput=${(e) => setName(e.target.value)} />`}</${Field}>
      <div class="field"><label class="check"><input type="checkbox" checked=${vip} onChange=${(e) => setVip(e.target.checked)} /> ${t('contacts.vip')}</label></div>
      <${Field} label=${t('contacts.notes')}>${(id) => html`<textarea id=${id} rows="3" maxlength="10000" value=${notes} onInput=${(e) => setNotes(e.target.value)}></textarea>`}</${Field}>
      <${ErrorBox} error=${error} />
      <${Button} kind="primary" type="submit">${t('common.save')}</${Button}>
    </form>` : html`${contact.notes ? html`<p class="contact-notes">${contact.notes}</p>` : null}`}
  </${Panel}>`;
}

function OpenCases({ cases }) {
  return html`<${Panel} title=${t('contacts.open_cases')} id="contact-cases">
    ${cases.length === 0 ? html`<p class="muted small">${t('contacts.no_open_cases')}</p>` : html`<ul class="plain-list">
      ${cases.map((c) => html`<li key=${c.id} class="row">
        <${PriorityBadge} value=${c.priority} /><${StatusBadge} value=${c.status} /><${ChannelBadge} value=${c.channel} />
        <a href=${'/inbox/' + c.id}>#${c.id} ${excerpt(c.subject, 90)}</a>
      </li>`)}</ul>`}
  </${Panel}>`;
}

function MergeForm({ contact, onMerged }) {
  const [q, setQ] = useState('');
  const [reason, setReason] = useState('');
  const [found, setFound] = useState(null);
  const [error, setError] = useState(null);
  const mine = new Set([contact.id, ...contact.merged_ids]);
  const search = async (ev) => {
    ev.preventDefault();
    setError(null);
    if (!q.trim()) return;
    try {
      const r = await get('/api/v1/contacts', { q: q.trim(), limit: 10 });
      setFound(r.items.filter((c) => !mine.has(c.id)));
    } catch (e) {
      setError(e);
    }
  };
  const merge = async (other) => {
    setError(null);
    try {
      const body = { from: other.id };
      if (reason.trim()) body.reason = reason.trim();
      await post('/api/v1/contacts/' + contact.id + '/merge', body);
      forgetContact(contact.id, other.id);
      toast(t('contacts.merged'), 'success');
      setFound(null);
      setQ('');
      setReason('');
      onMerged();
    } catch (e) {
      setError(e);
    }
  };
  return html`<div class="merge-form">
    <h3>${t('contacts.merge')}</h3>
    <form class="row" onSubmit=${search}>
      <label class="sr-only" for="merge-q">${t('contacts.merge_search')}</label>
      <input id="merge-q" type="search" value=${q} placeholder=${t('contacts.merge_search')} onInput=${(e) => setQ(e.target.value)} class="grow" />
      <${Button} type="submit">${t('contacts.search_button')}</${Button}>
    </form>
    ${found ? html`
      ${found.length === 0 ? html`<p class="muted small">${t('contacts.none_found', { q })}</p>` : html`
        <${Field} label=${t('contacts.merge_reason')}>${(id) => html`<input id=${id} value=${reason} maxlength="1000" onInput=${(e) => setReason(e.target.value)} />`}</${Field}>
        <${ContactRows} items=${found} action=${(c) => html`<button type="button" class="btn btn-small"
            aria-label=${t('contacts.merge_label', { name: c.display_name })} onClick=${() => merge(c)}>${t('contacts.merge_here')}</button>`} />`}` : null}
    <${ErrorBox} error=${error} />
  </div>`;
}

function Merges({ merges, onUndone }) {
  const [error, setError] = useState(null);
  const undo = async (m) => {
    setError(null);
    try {
      await post('/api/v1/contact-merges/' + m.id + '/undo', {});
      forgetContact(m.into, m.from);
      toast(t('contacts.undone'), 'success');
      onUndone();
    } catch (e) {
      setError(e);
    }
  };
  return html`<${Panel} title=${t('contacts.merges')} id="contact-merges">
    ${merges.length === 0 ? html`<p class="muted small">${t('contacts.no_merges')}</p>` : html`<ul class="plain-list merges">
      ${merges.map((m) => html`<li key=${m.id} class=${'merge' + (m.undone_at ? ' is-undone' : '')} data-merge=${m.id}>
        <div class="row">
          <span>${t('contacts.merge_line', { from: String(m.from), into: String(m.into), user: m.user })}</span>
          <span class="small muted"><${Time} value=${m.at} /></span>
          ${m.suggestion_id ? html`<span class="small muted">· ${t('contacts.merge_from_suggestion', { id: String(m.suggestion_id) })}</span>` : null}
          <span class="spacer"></span>
          ${!m.undone_at && can('merge_contacts') ? html`<button type="button" class="btn btn-small"
              aria-label=${t('contacts.undo_label', { from: String(m.from), into: String(m.into) })} onClick=${() => undo(m)}>${t('contacts.undo')}</button>` : null}
        </div>
        ${m.reason ? html`<div class="small">${m.reason}</div>` : null}
        ${m.undone_at ? html`<div class="small muted">${t('contacts.merge_undone', { time: fmtDateTime(m.undone_at), user: m.undone_by })}</div>` : null}
      </li>`)}
    </ul>`}
    <${ErrorBox} error=${error} />
  </${Panel}>`;
}

function Audit({ contactId, reloadKey }) {
  const audit = useAsync((signal) => get('/api/v1/contacts/' + contactId + '/audit', { limit: 200 }, { signal }), [contactId, reloadKey]);
  return html`<${Panel} title=${t('contacts.audit')} id="contact-audit">
    <${ErrorBox} error=${audit.error} />
    ${!audit.data ? (audit.error ? null : html`<${Spinner} />`) : audit.data.items.length === 0 ? html`<p class="muted small">${t('contacts.no_audit')}</p>` : html`
      <div class="table-wrap"><table class="table audit-table">
        <thead><tr><th scope="col">${t('contacts.col.time')}</th><th scope="col">${t('contacts.col.actor')}</th>
          <th scope="col">${t('contacts.col.action')}</th><th scope="col">${t('contacts.col.detail')}</th></tr></thead>
        <tbody>${audit.data.items.slice().reverse().map((a) => html`<tr key=${a.id} data-action=${a.action}>
          <td class="nowrap small"><${Time} value=${a.at} /></td><td class="small">${a.actor}</td>
          <td>${label('care.audit.', a.action)}</td><td class="small">${a.detail}</td></tr>`)}</tbody>
      </table></div>`}
  </${Panel}>`;
}

function ContactPage({ params }) {
  const id = Number(params.id);
  const [gen, setGen] = useState(0);
  const detail = useAsync((signal) => get('/api/v1/contacts/' + id, null, { signal }), [id, gen]);
  const bump = () => setGen((n) => n + 1);
  if (detail.error && !detail.data)
    return html`<${PageTitle}>${t('contacts.title')}</${PageTitle}><${ErrorBox} error=${detail.error} /><a href="/contacts">${t('contacts.back')}</a>`;
  if (!detail.data) return html`<${Spinner} />`;
  const { contact, open_cases: openCases, merges } = detail.data;
  return html`<${PageTitle} actions=${html`<a href="/contacts">${t('contacts.back')}</a>`}>
      ${contact.display_name}${contact.vip ? html` <span class="badge badge-warn">VIP</span>` : null}</${PageTitle}>
    ${contact.resolved_from ? html`<p class="notice" role="note">${t('contacts.resolved_from', { id: String(contact.resolved_from) })}</p>` : null}
    <div class="contact-page grid grid-2">
      <div class="stack">
        <${Profile} contact=${contact} onSaved=${bump} />
        <${Panel} title=${t('contactp.identifiers')} id="contact-identifiers">
          <${Identifiers} contact=${contact} editable=${can('work_cases')} onChange=${bump} />
        </${Panel}>
        <${OpenCases} cases=${openCases} />
        <${Panel} title=${t('contacts.suggestions')} id="contact-suggestions">
          <${Suggestions} contact=${contact} reloadKey=${gen} onDecided=${bump} />
          ${can('merge_contacts') ? html`<${MergeForm} contact=${contact} onMerged=${bump} />` : null}
        </${Panel}>
        <${Merges} merges=${merges} onUndone=${bump} />
      </div>
      <div class="stack">
        <${Panel} title=${t('contacts.timeline')} id="contact-timeline">
          <${Timeline} contactId=${contact.id} limit=${50} reloadKey=${gen} full />
        </${Panel}>
        <${Audit} contactId=${contact.id} reloadKey=${gen} />
      </div>
    </div>`;
}

route('/contacts', { screen: ContactSearch, title: 'nav.contacts', permission: 'read_cases', nav: { label: 'nav.contacts', order: 50, icon: '☺', prefix: '/contacts' } });
route('/contacts/:id', { screen: ContactPage, title: 'nav.contacts', permission: 'read_cases' });

