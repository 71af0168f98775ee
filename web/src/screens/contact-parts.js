// Contact building blocks shared by the inbox's customer panel and the
// contact page (docs/contacts.md):
// - <Identifiers contact editable onChange>: the contact's identifiers
//   (type, value, verified or quoted, where from); with `editable` (the
//   work_cases permission) a remove button each and an add form
//   (POST / DELETE /api/v1/contacts/{id}/identifiers). onChange(contact)
//   receives the contact after a change.
// - <Timeline contactId limit reloadKey full>: GET /api/v1/contacts/{id}/
//   timeline, newest first, each message with its channel badge, its case
//   (a link into the inbox) and an excerpt; `full` pages on with
//   next_before. `reloadKey` changes -> reload.
// - <Suggestions contact reloadKey onDecided>: pending suggested links
//   of the contact (GET /api/v1/link-suggestions?contact=ID&state=pending)
//   with score and evidence, Accept / Reject (POST
//   /api/v1/link-suggestions/{id}/accept|reject, work_cases).
//   onDecided({accepted, suggestion, merge}) is called after a decision.
import { get, post, del, withParams } from '../api.js';
import { registerMessages, t, fmtPercent } from '../i18n.js';
import { can } from '../session.js';
import { html, useState, useAsync, Button, ChannelBadge, ErrorBox, Empty, Spinner, Time, toast } from '../ui.js';
import { CHANNELS } from '../labels.js';
import { IDENTIFIER_TYPES, useContactName, excerpt, forgetContact, label, mentionText } from './care-common.js';

registerMessages({
  en: {
    'contactp.identifiers': 'Identifiers',
    'contactp.no_identifiers': 'No identifier.',
    'contactp.remove': 'Remove',
    'contactp.remove_label': 'Remove {value}',
    'contactp.removed': 'Identifier removed.',
    'contactp.add': 'Add',
    'contactp.add_title': 'Add an identifier',
    'contactp.added': 'Identifier added.',
    'contactp.type': 'Type',
    'contactp.network': 'Network',
    'contactp.value': 'Value',
    'contactp.value_hint': 'E-mail, phone number (06 12 34 56 78), handle, customer or order number.',
    'contactp.timeline': 'Messages of the contact',
    'contactp.timeline_empty': 'No message from this contact.',
    'contactp.case_link': 'case #{id}',
    'contactp.no_case': 'no case',
    'contactp.older': 'Older messages',
    'contactp.suggestions_empty': 'No suggested link.',
    'contactp.score': 'score {score}',
    'contactp.maybe_same': 'May be the same person as',
    'contactp.accept': 'Accept',
    'contactp.reject': 'Reject',
    'contactp.accept_label': 'Accept the link with {name}',
    'contactp.reject_label': 'Reject the link with {name}',
    'contactp.accepted': 'Linked: the two contacts are now one.',
    'contactp.rejected': 'Suggestion rejected: it will not be made again.',
    'contactp.evidence': 'Evidence',
    'contactp.in_message': 'message #{id}',
    'contactp.author': 'by {author}',
  },
  fr: {
    'contactp.identifiers': 'Identifiants',
    'contactp.no_identifiers': 'Aucun identifiant.',
    'contactp.remove': 'Retirer',
    'contactp.remove_label': 'Retirer {value}',
    'contactp.removed': 'Identifiant retiré.',
    'contactp.add': 'Ajouter',
    'contactp.add_title': 'Ajouter un identifiant',
    'contactp.added': 'Identifiant ajouté.',
    'contactp.type': 'Type',
    'contactp.network': 'Réseau',
    'contactp.value': 'Valeur',
    'contactp.value_hint': 'E-mail, téléphone (06 12 34 56 78), pseudo, n° client ou n° de commande.',
    'contactp.timeline': 'Messages du contact',
    'contactp.timeline_empty': 'Aucun message de ce contact.',
    'contactp.case_link': 'dossier n° {id}',
    'contactp.no_case': 'sans dossier',
    'contactp.older': 'Messages plus anciens',
    'contactp.suggestions_empty': 'Aucun lien suggéré.',
    'contactp.score': 'score {score}',
    'contactp.maybe_same': 'Peut-être la même personne que',
    'contactp.accept': 'Accepter',
    'contactp.reject': 'Rejeter',
    'contactp.accept_label': 'Accepter le lien avec {name}',
    'contactp.reject_label': 'Rejeter le lien avec {name}',
    'contactp.accepted': 'Lien accepté : les deux contacts n’en font plus qu’un.',
    'contactp.rejected': 'Suggestion rejetée : elle ne sera plus proposée.',
    'contactp.evidence': 'Indices',
    'contactp.in_message': 'message n° {id}',
    'contactp.author': 'par {author}',
  },
});

// ---- identifiers -----------------------------------------------------
function identifierText(i) {
  return i.type === 'handle' ? '@' + i.value : i.value;
}

export function Identifiers({ contact, editable, onChange }) {
  const [error, setError] = useState(null);
  const [type, setType] = useState('email');
  const [network, setNetwork] = useState('twitter');
  const [value, setValue] = useState('');
  const [busy, setBusy] = useState(false);
  const ids = contact.identifiers || [];

  const remove = async (i) => {
    setError(null);
    try {
      const c = await del(
        withParams('/api/v1/contacts/' + contact.id + '/identifiers', { type: i.type, value: i.value, network: i.network || undefined }),
      );
      forgetContact(contact.id);
      toast(t('contactp.removed'), 'success');
      onChange && onChange(c);
    } catch (e) {
      setError(e);
    }
  };
  const add = async (ev) => {
    ev.preventDefault();
    if (!value.trim()) return;
    setError(null);
    setBusy(true);
    try {
      const body = { type, value: value.trim() };
      if (type === 'handle') body.network = network;
      const c = await post('/api/v1/contacts/' + contact.id + '/identifiers', body);
      setValue('');
      forgetContact(contact.id);
      toast(t('contactp.added'), 'success');
      onChange && onChange(c);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return html`<div class="identifiers">
    ${ids.length === 0 ? html`<p class="muted small">${t('contactp.no_identifiers')}</p>` : null}
    <ul class="ident-list">
      ${ids.map((i) => html`<li key=${i.type + i.network + i.value} class="ident">
        <span class="ident-type">${label('care.ident.', i.type)}${i.network ? html` · ${label('channel.', i.network)}` : null}</span>
        <span class="ident-value">${identifierText(i)}</span>
        <span class=${'badge ' + (i.verified ? 'badge-ok' : 'badge-warn')}
          title=${i.source ? label('care.ident_source.', i.source) : undefined}>${i.verified ? t('care.verified') : t('care.unverified')}</span>
        ${editable ? html`<button type="button" class="btn btn-ghost btn-small" onClick=${() => remove(i)}
            aria-label=${t('contactp.remove_label', { value: identifierText(i) })}>${t('contactp.remove')}</button>` : null}
      </li>`)}
    </ul>
    ${editable ? html`<form class="ident-add" onSubmit=${add} aria-label=${t('contactp.add_title')}>
      <label class="sr-only" for=${'ident-type-' + contact.id}>${t('contactp.type')}</label>
      <select id=${'ident-type-' + contact.id} value=${type} onChange=${(e) => setType(e.target.value)}>
        ${IDENTIFIER_TYPES.map((x) => html`<option key=${x} value=${x}>${label('care.ident.', x)}</option>`)}
      </select>
      ${type === 'handle' ? html`<label class="sr-only" for=${'ident-net-' + contact.id}>${t('contactp.network')}</label>
        <select id=${'ident-net-' + contact.id} value=${network} onChange=${(e) => setNetwork(e.target.value)}>
          ${CHANNELS.map((c) => html`<option key=${c} value=${c}>${t('channel.' + c)}</option>`)}
        </select>` : null}
      <label class="sr-only" for=${'ident-val-' + contact.id}>${t('contactp.value')}</label>
      <input id=${'ident-val-' + contact.id} value=${value} onInput=${(e) => setValue(e.target.value)}
        placeholder=${t('contactp.value')} title=${t('contactp.value_hint')} />
      <${Button} type="submit" disabled=${busy || !value.trim()}>${t('contactp.add')}</${Button}>
    </form>` : null}
    <${ErrorBox} error=${error} />
  </div>`;
}

// ---- timeline --------------------------------------------------------
function TimelineItem({ item, currentCaseId }) {
  const m = item.mention;
  const author = m && m.author ? m.author.name || m.author.handle : '';
  return html`<li class=${'tl-item' + (m && m.direction === 'outbound' ? ' tl-out' : '')} data-channel=${item.channel}>
    <div class="tl-head">
      <${ChannelBadge} value=${item.channel} />
      <${Time} value=${item.created_at} />
      ${author ? html`<span class="muted small">${t('contactp.author', { author })}</span>` : null}
      <span class="spacer"></span>
      ${item.case_id
        ? item.case_id === currentCaseId
          ? html`<span class="small muted">${t('contactp.case_link', { id: String(item.case_id) })}</span>`
          : html`<a class="small" href=${'/inbox/' + item.case_id}>${t('contactp.case_link', { id: String(item.case_id) })}</a>`
        : html`<span class="small muted">${t('contactp.no_case')}</span>`}
    </div>
    <div class="tl-text">${m ? excerpt(mentionText(m, ' — '), 220) : '—'}</div>
  </li>`;
}

export function Timeline({ contactId, limit = 20, reloadKey, full, currentCaseId }) {
  const [pages, setPages] = useState([]); // older pages loaded with "Older messages"
  const first = useAsync(
    (signal) => {
      setPages([]);
      return get('/api/v1/contacts/' + contactId + '/timeline', { limit }, { signal });
    },
    [contactId, limit, reloadKey],
  );
  const [busy, setBusy] = useState(false);
  if (first.error && !first.data) return html`<${ErrorBox} error=${first.error} />`;
  if (!first.data) return html`<${Spinner} />`;
  const items = [first.data, ...pages].flatMap((p) => p.items);
  const next = (pages.length ? pages[pages.length - 1] : first.data).next_before;
  const more = async () => {
    setBusy(true);
    try {
      const p = await get('/api/v1/contacts/' + contactId + '/timeline', { limit, before: next });
      setPages((xs) => [...xs, p]);
    } catch (e) {
      toast(e.message, 'error');
    } finally {
      setBusy(false);
    }
  };
  if (!items.length) return html`<${Empty}>${t('contactp.timeline_empty')}</${Empty}>`;
  return html`<div>
    <ol class="timeline" aria-label=${t('contactp.timeline')}>
      ${items.map((it) => html`<${TimelineItem} key=${it.mention_id} item=${it} currentCaseId=${currentCaseId} />`)}
    </ol>
    ${full && next ? html`<${Button} onClick=${more} disabled=${busy}>${t('contactp.older')}</${Button}>` : null}
  </div>`;
}

// ---- suggestions -----------------------------------------------------
function Suggestion({ s, contact, onDecided }) {
  const mine = new Set([contact.id, ...(contact.merged_ids || [])]);
  const other = mine.has(s.contact_a) ? s.contact_b : s.contact_a;
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const decide = async (accept) => {
    setBusy(true);
    setError(null);
    try {
      const r = await post('/api/v1/link-suggestions/' + s.id + (accept ? '/accept' : '/reject'), {});
      forgetContact(contact.id, other);
      toast(t(accept ? 'contactp.accepted' : 'contactp.rejected'), 'success');
      onDecided && onDecided({ accepted: accept, suggestion: s, merge: accept ? r.merge : null });
    } catch (e) {
      setError(e);
      setBusy(false);
    }
  };
  const name = useContactName(other);
  return html`<li class="suggestion" data-suggestion=${s.id}>
    <div class="row">
      <span>${t('contactp.maybe_same')} <a href=${'/contacts/' + other}>${name}</a></span>
      <span class="badge badge-neu" title=${t('contactp.score', { score: s.score })}>${fmtPercent(s.score, 0)}</span>
    </div>
    <ul class="evidence" aria-label=${t('contactp.evidence')}>
      ${s.evidence.map((e, i) => html`<li key=${i}>
        <strong>${label('care.evidence.', e.kind)}</strong>${e.value ? html` <span class="mono">${e.value}</span>` : null}
        <div class="small muted">${e.detail}</div>
      </li>`)}
    </ul>
    ${can('work_cases') ? html`<div class="row">
      <button type="button" class="btn btn-primary btn-small" disabled=${busy} onClick=${() => decide(true)}
        aria-label=${t('contactp.accept_label', { name })}>${t('contactp.accept')}</button>
      <button type="button" class="btn btn-secondary btn-small" disabled=${busy} onClick=${() => decide(false)}
        aria-label=${t('contactp.reject_label', { name })}>${t('contactp.reject')}</button>
    </div>` : null}
    <${ErrorBox} error=${error} />
  </li>`;
}

export function Suggestions({ contact, reloadKey, onDecided }) {
  const list = useAsync(
    (signal) => get('/api/v1/link-suggestions', { contact: contact.id, state: 'pending', limit: 20 }, { signal }),
    [contact.id, reloadKey],
  );
  if (list.error) return html`<${ErrorBox} error=${list.error} />`;
  if (!list.data) return html`<${Spinner} />`;
  if (!list.data.items.length) return html`<p class="muted small">${t('contactp.suggestions_empty')}</p>`;
  return html`<ul class="suggestions">
    ${list.data.items.map((s) => html`<${Suggestion} key=${s.id} s=${s} contact=${contact}
        onDecided=${(r) => { list.reload(); onDecided && onDecided(r); }} />`)}
  </ul>`;
}
