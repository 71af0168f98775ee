// One case, as the inbox's right-hand pane (docs/care.md).
//
// <CaseView id query agents actions onClose onChanged compact>
//   id        the case id (route /inbox/:id)
//   agents    GET /api/v1/agents items (for the assignee select), or null
//   actions   a ref the inbox fills for its keyboard shortcuts:
//             {assignMe, reply, note, resolve, pending} (no-ops the role
//             may not do are left out)
//   onClose   back to the list (Escape, the back button)
//   onChanged called after a change of the case (the list refreshes)
//   compact   the list is hidden (narrow screens): show a back button
//
// Data: GET /api/v1/cases/{id} (case, messages, replies, viewers, contact)
// and GET .../events (notes and history), every 10 s; GET .../replies
// every 3 s while a reply is queued. Changes: PATCH /api/v1/cases/{id}
// (status, priority, tags), POST .../assign, POST .../notes, POST
// .../replies (409 soft lock → "send anyway" with force), canned
// responses (GET /api/v1/canned-responses, POST .../{id}/render).
// Presence: POST .../presence every 10 s (viewing, or typing while the
// composer has focus and text) and {state: left} when the case closes;
// read-only roles GET .../presence instead.
import { get, patch, post } from '../api.js';
import { registerMessages, t, fmtDateTime } from '../i18n.js';
import { can, currentUser } from '../session.js';
import { html, useEffect, useMemo, useRef, useState, useAsync, Button, ChannelBadge, CategoryBadge, Dialog, Empty, ErrorBox,
  SentimentBadge, SeverityBadge, Spinner, Time, toast } from '../ui.js';
import { MentionDialog, authorName } from '../mention.js';
import { PRIORITIES, STATUSES, PriorityBadge, StatusBadge, label, usePolled } from './care-common.js';
import { AssistPanel, CustomerPanel, SlaPanel } from './case-side.js';

registerMessages({
  en: {
    'case.back': 'Back to the list',
    'case.title': 'Case #{id}',
    'case.status': 'Status',
    'case.priority': 'Priority',
    'case.assignee': 'Assignee',
    'case.assign_me': 'Assign to me',
    'case.assigned_me': 'The case is yours.',
    'case.assigned_to': 'Assigned to {name}.',
    'case.unassigned_done': 'Nobody is assigned now.',
    'case.agent_option': '{name} ({presence}, {load}/{capacity})',
    'case.status_set': 'Status: {status}.',
    'case.priority_set': 'Priority: {priority}.',
    'case.tags': 'Tags',
    'case.tag_add': 'Add a tag',
    'case.tag_remove': 'Remove the tag {tag}',
    'case.no_tags': 'No tag',
    'case.team': 'Team {team}',
    'case.account': 'to {account}',
    'case.conversation': 'Conversation',
    'case.customer': 'Customer',
    'case.brand': 'Brand',
    'case.note': 'Internal note',
    'case.note_by': 'Internal note by {who}',
    'case.by_agent': 'by {who}',
    'case.details': 'Details',
    'case.details_of': 'Details of the message of {time}',
    'case.open_source': 'Source',
    'case.message_gone': 'This message is no longer stored.',
    'case.reply_failed_title': 'Not sent: {error}',
    'case.viewing': { one: '{names} is viewing this case', other: '{names} are viewing this case' },
    'case.typing': { one: '{names} is typing a reply…', other: '{names} are typing a reply…' },
    'case.mode_reply': 'Reply',
    'case.mode_note': 'Internal note',
    'case.composer_reply': 'Reply to the customer',
    'case.composer_note': 'Internal note (never sent to the customer)',
    'case.reply_placeholder': 'Write your reply… (Ctrl+Enter sends)',
    'case.note_placeholder': 'Write a note for the team… (Ctrl+Enter saves)',
    'case.send': 'Send',
    'case.send_pending': 'Send and set pending',
    'case.send_resolve': 'Send and resolve',
    'case.save_note': 'Add the note',
    'case.sent': 'Reply stored on the case.',
    'case.sent_failed': 'Reply stored on the case, but not sent: {error}',
    'case.noted': 'Note added.',
    'case.lock': '{who} is typing a reply to this message.',
    'case.send_anyway': 'Send anyway',
    'case.reply_closed': 'The case is {status}: reopen it to reply.',
    'case.canned': 'Canned responses',
    'case.canned_title': 'Insert a canned response',
    'case.canned_none': 'No canned response yet.',
    'case.canned_preview': 'Preview for this case',
    'case.canned_missing': 'Variables without a value: {names}',
    'case.insert': 'Insert',
    'case.history': 'History',
    'case.history_n': { one: 'History ({count} event)', other: 'History ({count} events)' },
    'case.ev_from_to': '{from} → {to}',
    'case.ev_to_nobody': 'nobody',
    'case.ev_target': '{target}',
    'case.ev_message_in': 'customer message #{id}',
    'case.ev_message_out': 'brand message #{id}',
    'case.not_found': 'This case does not exist.',
    'case.read_only': 'Your role can read cases but not work on them.',
  },
  fr: {
    'case.back': 'Retour à la liste',
    'case.title': 'Dossier n° {id}',
    'case.status': 'Statut',
    'case.priority': 'Priorité',
    'case.assignee': 'Attribué à',
    'case.assign_me': 'Me l’attribuer',
    'case.assigned_me': 'Le dossier vous est attribué.',
    'case.assigned_to': 'Attribué à {name}.',
    'case.unassigned_done': 'Le dossier n’est plus attribué.',
    'case.agent_option': '{name} ({presence}, {load}/{capacity})',
    'case.status_set': 'Statut : {status}.',
    'case.priority_set': 'Priorité : {priority}.',
    'case.tags': 'Étiquettes',
    'case.tag_add': 'Ajouter une étiquette',
    'case.tag_remove': 'Retirer l’étiquette {tag}',
    'case.no_tags': 'Aucune étiquette',
    'case.team': 'Équipe {team}',
    'case.account': 'à {account}',
    'case.conversation': 'Conversation',
    'case.customer': 'Client',
    'case.brand': 'Marque',
    'case.note': 'Note interne',
    'case.note_by': 'Note interne de {who}',
    'case.by_agent': 'par {who}',
    'case.details': 'Détails',
    'case.details_of': 'Détails du message de {time}',
    'case.open_source': 'Source',
    'case.message_gone': 'Ce message n’est plus conservé.',
    'case.reply_failed_title': 'Non envoyée : {error}',
    'case.viewing': { one: '{names} consulte ce dossier', other: '{names} consultent ce dossier' },
    'case.typing': { one: '{names} est en train de répondre…', other: '{names} sont en train de répondre…' },
    'case.mode_reply': 'Réponse',
    'case.mode_note': 'Note interne',
    'case.composer_reply': 'Répondre au client',
    'case.composer_note': 'Note interne (jamais envoyée au client)',
    'case.reply_placeholder': 'Rédigez votre réponse… (Ctrl+Entrée pour envoyer)',
    'case.note_placeholder': 'Rédigez une note pour l’équipe… (Ctrl+Entrée pour enregistrer)',
    'case.send': 'Envoyer',
    'case.send_pending': 'Envoyer et mettre en attente',
    'case.send_resolve': 'Envoyer et résoudre',
    'case.save_note': 'Ajouter la note',
    'case.sent': 'Réponse enregistrée sur le dossier.',
    'case.sent_failed': 'Réponse enregistrée sur le dossier, mais non envoyée : {error}',
    'case.noted': 'Note ajoutée.',
    'case.lock': '{who} est en train de répondre à ce message.',
    'case.send_anyway': 'Envoyer quand même',
    'case.reply_closed': 'Le dossier est {status} : rouvrez-le pour répondre.',
    'case.canned': 'Réponses types',
    'case.canned_title': 'Insérer une réponse type',
    'case.canned_none': 'Aucune réponse type pour l’instant.',
    'case.canned_preview': 'Aperçu pour ce dossier',
    'case.canned_missing': 'Variables sans valeur : {names}',
    'case.insert': 'Insérer',
    'case.history': 'Historique',
    'case.history_n': { one: 'Historique ({count} événement)', other: 'Historique ({count} événements)' },
    'case.ev_from_to': '{from} → {to}',
    'case.ev_to_nobody': 'personne',
    'case.ev_target': '{target}',
    'case.ev_message_in': 'message client n° {id}',
    'case.ev_message_out': 'message de la marque n° {id}',
    'case.not_found': 'Ce dossier n’existe pas.',
    'case.read_only': 'Votre rôle permet de lire les dossiers, pas de les traiter.',
  },
});

const me = () => currentUser() || {};

function agentName(agents, id, fallback) {
  const a = agents && agents.find((x) => x.id === id);
  return a ? a.display_name || a.login : fallback || '#' + id;
}

// The display name of a user login (event actors, the soft lock), else
// the login itself (engine, sla, a connector...).
function loginName(agents, login) {
  const a = agents && agents.find((x) => x.login === login);
  return a ? a.display_name || a.login : login;
}

// ---- header controls -------------------------------------------------
function StatusSelect({ c, onPatch }) {
  const options = STATUSES.filter((s) => s !== 'new' || c.status === 'new');
  const disabled = !can('work_cases') || c.status === 'closed';
  return html`<div class="field case-field">
    <label for="case-status">${t('case.status')}</label>
    <select id="case-status" value=${c.status} disabled=${disabled} onChange=${(e) => onPatch({ status: e.target.value })}>
      ${options.map((s) => html`<option key=${s} value=${s}>${label('care.status.', s)}</option>`)}
    </select>
  </div>`;
}

function PrioritySelect({ c, onPatch }) {
  if (!can('assign_cases'))
    return html`<div class="field case-field"><span class="field-label">${t('case.priority')}</span><${PriorityBadge} value=${c.priority} /></div>`;
  return html`<div class="field case-field">
    <label for="case-priority">${t('case.priority')}</label>
    <select id="case-priority" value=${c.priority} onChange=${(e) => onPatch({ priority: e.target.value })}>
      ${PRIORITIES.map((p) => html`<option key=${p} value=${p}>${label('care.priority.', p)}</option>`)}
    </select>
  </div>`;
}

function AssigneeControl({ c, agents, onAssign }) {
  const mine = c.assignee_id === me().id;
  const takeButton = can('work_cases') && !mine && c.status !== 'closed'
    ? html`<button type="button" class="btn btn-small" data-action="assign-me" onClick=${() => onAssign('me')}>${t('case.assign_me')}</button>`
    : null;
  if (!can('assign_cases')) {
    return html`<div class="field case-field">
      <span class="field-label">${t('case.assignee')}</span>
      <div class="row"><span class="case-assignee-name" data-assignee=${c.assignee ? c.assignee.login : ''}>
        ${c.assignee ? c.assignee.display_name || c.assignee.login : t('care.unassigned')}</span>${takeButton}</div>
    </div>`;
  }
  const pool = (agents || []).filter((a) => !a.disabled && (c.team_id ? a.team_ids.includes(c.team_id) : a.team_ids.length > 0));
  if (c.assignee_id && !pool.some((a) => a.id === c.assignee_id) && c.assignee)
    pool.push({ id: c.assignee_id, login: c.assignee.login, display_name: c.assignee.display_name, presence: 'offline', active_cases: 0, capacity: 0 });
  return html`<div class="field case-field">
    <label for="case-assignee">${t('case.assignee')}</label>
    <div class="row">
      <select id="case-assignee" value=${c.assignee_id ? String(c.assignee_id) : ''} data-assignee=${c.assignee ? c.assignee.login : ''}
        disabled=${c.status === 'closed'} onChange=${(e) => onAssign(e.target.value ? Number(e.target.value) : null)}>
        <option value="">${t('care.unassigned')}</option>
        ${pool.map((a) => html`<option key=${a.id} value=${String(a.id)}>${t('case.agent_option', {
          name: a.display_name || a.login, presence: label('care.presence.', a.presence), load: a.active_cases, capacity: a.capacity })}</option>`)}
      </select>
      ${takeButton}
    </div>
  </div>`;
}

function TagEditor({ c, onPatch }) {
  const [tag, setTag] = useState('');
  const editable = can('work_cases') && c.status !== 'closed';
  const add = (ev) => {
    ev.preventDefault();
    const v = tag.trim();
    if (!v) return;
    onPatch({ add_tags: [v] }).then((ok) => ok && setTag(''));
  };
  return html`<div class="case-tags" aria-label=${t('case.tags')} role="group">
    ${c.tags.length === 0 ? html`<span class="muted small">${t('case.no_tags')}</span>` : null}
    ${c.tags.map((x) => html`<span key=${x} class="tag">${x}${editable ? html`<button type="button" class="tag-x"
        aria-label=${t('case.tag_remove', { tag: x })} onClick=${() => onPatch({ remove_tags: [x] })}>×</button>` : null}</span>`)}
    ${editable ? html`<form class="tag-add" onSubmit=${add}>
      <label class="sr-only" for="case-tag-input">${t('case.tag_add')}</label>
      <input id="case-tag-input" value=${tag} maxlength="64" placeholder=${t('case.tag_add')} onInput=${(e) => setTag(e.target.value)} />
    </form>` : null}
  </div>`;
}

// ---- conversation ----------------------------------------------------
// Messages and internal notes in time order.
function conversationItems(detail, events) {
  const replies = new Map((detail.replies || []).filter((r) => r.mention_id).map((r) => [r.mention_id, r]));
  const items = detail.messages.map((m) => ({ kind: m.direction === 'outbound' ? 'out' : 'in', at: m.at, m, reply: replies.get(m.mention_id) }));
  for (const e of events || []) if (e.type === 'note') items.push({ kind: 'note', at: e.at, e });
  return items.sort((a, b) => new Date(a.at) - new Date(b.at));
}

function ReplyState({ reply }) {
  if (!reply) return null;
  const cls = reply.state === 'sent' ? 'badge-ok' : reply.state === 'failed' ? 'badge-bad' : 'badge-warn';
  return html`<span class=${'badge ' + cls} data-reply-state=${reply.state}
    title=${reply.error ? t('case.reply_failed_title', { error: reply.error }) : undefined}>${label('care.reply_state.', reply.state)}</span>`;
}

function Message({ item, agents, onDetails }) {
  if (item.kind === 'note') {
    return html`<li class="msg msg-note" data-kind="note">
      <div class="msg-head"><strong>${t('case.note_by', { who: loginName(agents, item.e.actor) })}</strong><span class="spacer"></span><${Time} value=${item.at} /></div>
      <div class="msg-text">${item.e.detail && item.e.detail.text}</div>
    </li>`;
  }
  const m = item.m;
  const mention = m.mention;
  const out = item.kind === 'out';
  const who = out
    ? m.user_id ? t('case.by_agent', { who: agentName(agents, m.user_id, item.reply && item.reply.user_login) }) : null
    : null;
  return html`<li class=${'msg ' + (out ? 'msg-out' : 'msg-in')} data-kind=${out ? 'brand' : 'customer'} data-mention=${m.mention_id}>
    <div class="msg-head">
      <span class="msg-role">${out ? t('case.brand') : t('case.customer')}</span>
      <strong class="msg-author">${out || !mention ? m.author : authorName(mention.author) || m.author}</strong>
      ${who ? html`<span class="small muted">${who}</span>` : null}
      ${mention ? html`<${ChannelBadge} value=${mention.channel} />` : null}
      <${ReplyState} reply=${item.reply} />
      <span class="spacer"></span>
      <${Time} value=${item.at} />
    </div>
    ${mention ? html`
      ${mention.title ? html`<div class="msg-title">${mention.title}</div>` : null}
      <div class="msg-text">${mention.text}</div>
      ${!out ? html`<div class="msg-foot">
        <${SentimentBadge} value=${mention.sentiment} />
        <${CategoryBadge} value=${mention.category} />
        <${SeverityBadge} value=${mention.severity_level} reasons=${mention.severity_reasons} />
        <span class="spacer"></span>
        ${mention.url ? html`<a class="small" href=${mention.url} target="_blank" rel="noopener noreferrer">${t('case.open_source')}</a>` : null}
        <button type="button" class="btn btn-ghost btn-small" onClick=${() => onDetails(m.mention_id)}
          aria-label=${t('case.details_of', { time: fmtDateTime(item.at) })}>${t('case.details')}</button>
      </div>` : null}`
    : html`<div class="msg-text muted">${t('case.message_gone')}</div>`}
  </li>`;
}

function Viewers({ viewers }) {
  const others = (viewers || []).filter((v) => v.user_id !== me().id);
  const typing = others.filter((v) => v.state === 'typing').map((v) => v.display_name || v.login);
  const viewing = others.filter((v) => v.state !== 'typing').map((v) => v.display_name || v.login);
  return html`<div class="viewers" aria-live="polite">
    ${typing.length ? html`<div class="viewers-typing"><span class="dot dot-typing" aria-hidden="true"></span>
      ${t('case.typing', { count: typing.length, names: typing.join(', ') })}</div>` : null}
    ${viewing.length ? html`<div class="viewers-viewing small muted"><span class="dot" aria-hidden="true"></span>
      ${t('case.viewing', { count: viewing.length, names: viewing.join(', ') })}</div>` : null}
  </div>`;
}

// ---- composer --------------------------------------------------------
function CannedPicker({ caseId, open, onClose, onInsert }) {
  const list = useAsync((signal) => (open ? get('/api/v1/canned-responses', null, { signal }) : null), [open]);
  const [picked, setPicked] = useState(null);
  const preview = useAsync(
    (signal) => (picked ? post('/api/v1/canned-responses/' + picked + '/render', { case_id: caseId }, { signal }) : null),
    [picked, caseId],
  );
  useEffect(() => { if (!open) setPicked(null); }, [open]);
  const items = (list.data && list.data.items) || [];
  return html`<${Dialog} open=${open} title=${t('case.canned_title')} onClose=${onClose} wide>
    ${list.error ? html`<${ErrorBox} error=${list.error} />` : null}
    ${list.loading && !list.data ? html`<${Spinner} />` : null}
    ${list.data && !items.length ? html`<${Empty}>${t('case.canned_none')}</${Empty}>` : null}
    ${items.length ? html`<div class="canned-picker">
      <ul class="canned-list" role="listbox" aria-label=${t('case.canned')}>
        ${items.map((x) => html`<li key=${x.id}>
          <button type="button" role="option" aria-selected=${picked === x.id} class=${'canned-item' + (picked === x.id ? ' is-picked' : '')}
            onClick=${() => setPicked(x.id)}>
            <strong>${x.title || x.name}</strong><span class="small muted mono">${x.name}</span>
          </button></li>`)}
      </ul>
      <div class="canned-preview" aria-live="polite">
        <h3>${t('case.canned_preview')}</h3>
        ${preview.error ? html`<${ErrorBox} error=${preview.error} />` : null}
        ${preview.data ? html`<div class="msg-text canned-text">${preview.data.text}</div>
          ${preview.data.missing.length ? html`<p class="small muted">${t('case.canned_missing', { names: preview.data.missing.join(', ') })}</p>` : null}
          <${Button} kind="primary" onClick=${() => { onInsert(preview.data.text); onClose(); }}>${t('case.insert')}</${Button}>` : null}
      </div>
    </div>` : null}
  </${Dialog}>`;
}

// The reply / note composer. `api` (a ref) gets {focus(mode), insert(text)};
// onTyping(bool) says whether the agent is typing a reply now.
function Composer({ c, api, agents, onDone, onTyping }) {
  const [mode, setMode] = useState('reply');
  const [texts, setTexts] = useState({ reply: '', note: '' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const [lock, setLock] = useState(null); // {who, body} of a 409 soft lock
  const [focused, setFocused] = useState(false);
  const [cannedOpen, setCannedOpen] = useState(false);
  const ref = useRef(null);
  const text = texts[mode];
  const replyClosed = c.status === 'resolved' || c.status === 'closed';
  const canWork = can('work_cases');

  const setText = (v) => setTexts((x) => ({ ...x, [mode]: v }));
  api.current = {
    focus(m) {
      setMode(m);
      if (ref.current) ref.current.focus();
      requestAnimationFrame(() => ref.current && ref.current.focus());
    },
    insert(s) {
      setMode('reply');
      setTexts((x) => ({ ...x, reply: x.reply ? x.reply.replace(/\s*$/, '\n\n') + s : s }));
      requestAnimationFrame(() => ref.current && ref.current.focus());
    },
  };
  useEffect(() => onTyping(mode === 'reply' && focused && text.trim() !== ''), [mode, focused, text === '']);
  useEffect(() => { setTexts({ reply: '', note: '' }); setLock(null); setError(null); }, [c.id]);

  const send = async (statusAfter, force) => {
    if (!text.trim()) return;
    setBusy(true);
    setError(null);
    try {
      if (mode === 'note') {
        await post('/api/v1/cases/' + c.id + '/notes', { text });
        toast(t('case.noted'), 'success');
      } else {
        const body = { text };
        if (statusAfter) body.status_after = statusAfter;
        if (force) body.force = true;
        const r = await post('/api/v1/cases/' + c.id + '/replies', body);
        toast(r.state === 'failed' ? t('case.sent_failed', { error: r.error }) : t('case.sent'), r.state === 'failed' ? 'info' : 'success');
      }
      setLock(null);
      setTexts((x) => ({ ...x, [mode]: '' }));
      onDone();
    } catch (e) {
      const m = /^(\S+) is replying/.exec(e.message || '');
      if (e.status === 409 && m) setLock({ who: m[1], statusAfter });
      else setError(e);
    } finally {
      setBusy(false);
    }
  };
  const onKeyDown = (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      send(null, false);
    }
    if (e.key === 'Escape') e.currentTarget.blur();
  };
  if (!canWork) return html`<p class="muted small composer-ro">${t('case.read_only')}</p>`;
  const disabled = busy || (mode === 'reply' && replyClosed) || c.status === 'closed';

  return html`<section class=${'composer composer-' + mode} aria-label=${mode === 'reply' ? t('case.composer_reply') : t('case.composer_note')}>
    <div class="composer-tabs" role="tablist">
      ${['reply', 'note'].map((m) => html`<button key=${m} type="button" role="tab" aria-selected=${mode === m}
          class=${'composer-tab' + (mode === m ? ' is-active' : '')} data-mode=${m}
          onClick=${() => api.current.focus(m)}>${t(m === 'reply' ? 'case.mode_reply' : 'case.mode_note')}</button>`)}
      <span class="spacer"></span>
      ${mode === 'reply' ? html`<button type="button" class="btn btn-ghost btn-small" onClick=${() => setCannedOpen(true)}
          disabled=${replyClosed}>${t('case.canned')}</button>` : null}
    </div>
    ${mode === 'reply' && replyClosed ? html`<p class="small muted">${t('case.reply_closed', { status: label('care.status.', c.status).toLowerCase() })}</p>` : null}
    <label class="sr-only" for="composer-text">${mode === 'reply' ? t('case.composer_reply') : t('case.composer_note')}</label>
    <textarea id="composer-text" ref=${ref} rows="4" value=${text} disabled=${c.status === 'closed' || (mode === 'reply' && replyClosed)}
      placeholder=${mode === 'reply' ? t('case.reply_placeholder') : t('case.note_placeholder')}
      onInput=${(e) => setText(e.target.value)} onFocus=${() => setFocused(true)} onBlur=${() => setFocused(false)}
      onKeyDown=${onKeyDown}></textarea>
    ${lock ? html`<div class="lock-box" role="alert">
      <span>${t('case.lock', { who: loginName(agents, lock.who) })}</span>
      <${Button} kind="danger" onClick=${() => send(lock.statusAfter, true)} disabled=${busy}>${t('case.send_anyway')}</${Button}>
    </div>` : null}
    <${ErrorBox} error=${error} />
    <div class="row composer-actions">
      ${mode === 'reply' ? html`
        <${Button} kind="primary" disabled=${disabled || !text.trim()} onClick=${() => send(null, false)} data-action="send">${t('case.send')}</${Button}>
        <${Button} disabled=${disabled || !text.trim()} onClick=${() => send('pending', false)}>${t('case.send_pending')}</${Button}>
        <${Button} disabled=${disabled || !text.trim()} onClick=${() => send('resolved', false)}>${t('case.send_resolve')}</${Button}>`
      : html`<${Button} kind="primary" disabled=${disabled || !text.trim()} onClick=${() => send(null, false)} data-action="note">${t('case.save_note')}</${Button}>`}
    </div>
    <${CannedPicker} caseId=${c.id} open=${cannedOpen} onClose=${() => setCannedOpen(false)} onInsert=${(s) => api.current.insert(s)} />
  </section>`;
}

// ---- history ---------------------------------------------------------
function eventSummary(e) {
  const d = e.detail && typeof e.detail === 'object' ? e.detail : {};
  switch (e.type) {
    case 'status':
    case 'reopened':
      return t('case.ev_from_to', { from: label('care.status.', d.from), to: label('care.status.', d.to) });
    case 'priority':
      return t('case.ev_from_to', { from: label('care.priority.', d.from), to: label('care.priority.', d.to) });
    case 'assigned':
      return d.to ? d.to_login || '#' + d.to : t('case.ev_to_nobody');
    case 'tagged':
    case 'untagged':
      return (d.tags || []).join(', ');
    case 'note':
      return d.text || '';
    case 'message':
      return t(d.direction === 'outbound' ? 'case.ev_message_out' : 'case.ev_message_in', { id: String(d.mention_id) });
    case 'reply_failed':
      return d.error || '';
    case 'sla_warning':
    case 'sla_breach':
    case 'sla_met':
      return label('care.target.', d.target) + (d.due_at ? ' · ' + fmtDateTime(d.due_at) : '');
    case 'created':
      return d.priority ? label('care.priority.', d.priority) : '';
    default:
      return typeof e.detail === 'string' ? e.detail : '';
  }
}

function History({ events, agents }) {
  const [open, setOpen] = useState(false);
  const list = events || [];
  return html`<section class="case-history">
    <h3><button type="button" class="btn btn-ghost history-toggle" aria-expanded=${open} aria-controls="case-history-list"
      onClick=${() => setOpen(!open)}>${open ? '▾' : '▸'} ${t('case.history_n', { count: list.length })}</button></h3>
    <ol id="case-history-list" class="history-list" hidden=${!open}>
      ${list.map((e) => html`<li key=${e.id} class=${'hist hist-' + e.type} data-event=${e.type}>
        <span class="hist-time small muted"><${Time} value=${e.at} /></span>
        <span class="hist-type">${label('care.event.', e.type)}</span>
        <span class="hist-actor small muted">${loginName(agents, e.actor)}</span>
        <span class="hist-detail small">${eventSummary(e)}</span>
      </li>`)}
    </ol>
  </section>`;
}

// ---- the case --------------------------------------------------------
export function CaseView({ id, agents, actions, onClose, onChanged, compact }) {
  const detail = usePolled((signal) => get('/api/v1/cases/' + id, null, { signal }), [id], 10000, 'case:' + id);
  const events = usePolled((signal) => get('/api/v1/cases/' + id + '/events', { limit: 1000 }, { signal }), [id], 10000);
  const [viewers, setViewers] = useState([]);
  const [mentionId, setMentionId] = useState(null);
  const composer = useRef({ focus() {}, insert() {} });
  const typing = useRef(false);
  const convEnd = useRef(null);
  const d = detail.data && detail.data.case && detail.data.case.id === id ? detail.data : null;
  const c = d && d.case;

  // Presence heartbeat.
  const beat = useRef(null);
  beat.current = () => {
    const req = can('work_cases')
      ? post('/api/v1/cases/' + id + '/presence', { state: typing.current ? 'typing' : 'viewing' })
      : get('/api/v1/cases/' + id + '/presence');
    return req.then((r) => setViewers(r.items || []), () => {});
  };
  useEffect(() => {
    setViewers([]);
    beat.current();
    const timer = setInterval(() => document.visibilityState !== 'hidden' && beat.current(), 10000);
    return () => {
      clearInterval(timer);
      if (can('work_cases')) post('/api/v1/cases/' + id + '/presence', { state: 'left' }).catch(() => {});
    };
  }, [id]);
  const onTyping = (now) => {
    if (typing.current === now) return;
    typing.current = now;
    beat.current();
  };

  // Replies still queued: follow their state more closely.
  const queued = d && d.replies.some((r) => r.state === 'queued');
  useEffect(() => {
    if (!queued) return undefined;
    const timer = setInterval(() => {
      get('/api/v1/cases/' + id + '/replies').then((r) => detail.setData((x) => (x ? { ...x, replies: r.items } : x)), () => {});
    }, 3000);
    return () => clearInterval(timer);
  }, [queued, id]);

  const refresh = () => {
    detail.reload();
    events.reload();
    onChanged && onChanged();
  };
  const apply = (updated, message) => {
    detail.setData((x) => (x ? { ...x, case: updated } : x));
    events.reload();
    onChanged && onChanged();
    if (message) toast(message, 'success');
    return true;
  };
  const fail = (e) => {
    toast(e.message, 'error');
    return false;
  };
  const onPatch = (body) =>
    patch('/api/v1/cases/' + id, body).then(
      (u) => apply(u, body.status ? t('case.status_set', { status: label('care.status.', body.status) })
        : body.priority ? t('case.priority_set', { priority: label('care.priority.', body.priority) }) : null),
      fail,
    );
  const onAssign = (who) =>
    post('/api/v1/cases/' + id + '/assign', { user_id: who }).then(
      (u) => apply(u, who === 'me' || who === me().id ? t('case.assigned_me')
        : who === null ? t('case.unassigned_done') : t('case.assigned_to', { name: agentName(agents, who) })),
      fail,
    );

  // The inbox's shortcuts act on this case.
  useEffect(() => {
    if (!actions) return undefined;
    actions.current = !c ? {} : {
      ...(can('work_cases') && c.status !== 'closed' ? {
        assignMe: () => c.assignee_id !== me().id && onAssign('me'),
        reply: () => composer.current.focus('reply'),
        note: () => composer.current.focus('note'),
        resolve: () => c.status !== 'resolved' && onPatch({ status: 'resolved' }),
        pending: () => c.status !== 'pending' && onPatch({ status: 'pending' }),
      } : {}),
    };
    return () => { actions.current = {}; };
  });

  const items = useMemo(() => (d ? conversationItems(d, events.data && events.data.items) : []), [d, events.data]);
  useEffect(() => {
    if (convEnd.current) convEnd.current.scrollIntoView({ block: 'nearest' });
  }, [id, items.length]);

  if (detail.error && !d)
    return html`<div class="case-view"><${ErrorBox} error=${detail.error.status === 404 ? { message: t('case.not_found') } : detail.error} />
      <${Button} onClick=${onClose}>${t('case.back')}</${Button}></div>`;
  if (!c) return html`<div class="case-view"><${Spinner} /></div>`;

  return html`<article class="case-view" aria-labelledby="case-title" data-case=${c.id} data-status=${c.status}>
    <header class="case-head">
      <div class="row case-head-top">
        ${compact ? html`<button type="button" class="btn btn-ghost btn-small" onClick=${onClose}>← ${t('case.back')}</button>` : null}
        <${PriorityBadge} value=${c.priority} />
        <${ChannelBadge} value=${c.channel} />
        <${StatusBadge} value=${c.status} />
        <span class="muted small">${t('case.title', { id: String(c.id) })}</span>
        ${c.team ? html`<span class="muted small">· ${t('case.team', { team: c.team.name || c.team.id })}</span>` : null}
        ${c.account ? html`<span class="muted small">· ${t('case.account', { account: c.account })}</span>` : null}
        <span class="spacer"></span>
        ${!compact ? html`<button type="button" class="btn btn-ghost btn-small" onClick=${onClose} aria-label=${t('case.back')}>×</button>` : null}
      </div>
      <h2 id="case-title" class="case-subject">${c.subject}</h2>
      <div class="case-controls">
        <${StatusSelect} c=${c} onPatch=${onPatch} />
        <${PrioritySelect} c=${c} onPatch=${onPatch} />
        <${AssigneeControl} c=${c} agents=${agents} onAssign=${onAssign} />
      </div>
      <${TagEditor} c=${c} onPatch=${onPatch} />
    </header>
    <div class="case-body">
      <div class="case-main">
        <section aria-labelledby="conv-title">
          <h3 id="conv-title" class="sr-only">${t('case.conversation')}</h3>
          <ol class="conversation">
            ${items.map((it, i) => html`<${Message} key=${it.kind + (it.m ? it.m.mention_id : it.e.id) + ':' + i} item=${it}
                agents=${agents} onDetails=${setMentionId} />`)}
          </ol>
          <div ref=${convEnd}></div>
        </section>
        <${Viewers} viewers=${viewers} />
        <${Composer} c=${c} api=${composer} agents=${agents} onDone=${refresh} onTyping=${onTyping} />
        <${History} events=${events.data && events.data.items} agents=${agents} />
      </div>
      <aside class="case-side" aria-label=${t('case.customer')}>
        <${SlaPanel} c=${c} fetchedAt=${detail.fetchedAt} />
        <${CustomerPanel} c=${c} summary=${d.contact} onMerged=${refresh} />
        <${AssistPanel} c=${c} onInsert=${(s) => composer.current.insert(s)} />
      </aside>
    </div>
    <${MentionDialog} id=${mentionId} onClose=${() => setMentionId(null)} />
  </article>`;
}
