// Screen "Queries" (/queries): the monitored queries (docs/query-language.md).
//
// Contract
//   Route  /queries — menu order 70, label nav.queries, permission read;
//          creating, editing and deleting need manage_queries (the controls
//          are hidden otherwise, and the form is read-only).
//   URL    ?edit=new | ?edit=<id>  the editor is open on a new / saved query.
//   API    GET    /api/v1/queries                 the list (polled while a query compiles or backfills)
//          POST   /api/v1/queries                 create   ┐ errors {field: name|kind|query|description|enabled,
//          PUT    /api/v1/queries/{id}            replace  ┘ column} are shown on that field
//          DELETE /api/v1/queries/{id}            after a confirmation dialog
//          POST   /api/v1/queries/lint            live lint, through <QueryEditor>
//          GET    /api/v1/mentions?query=&highlight=true&limit=10&from=   preview on the last 30 days
//          GET    /api/v1/stats/volume?query_id=&interval=day&from=       30-day count of a saved, unchanged query
//   Exports (used by rules.js and alerts.js):
//          MentionList {items, spansOf}  messages as src/mention.js cards (spansOf(m): the API byte spans to
//                                        mark; default the card's: highlights, else matches), each opening
//                                        the message's detail dialog;
//          daysAgo(n)                    ISO time n days ago.
import {
  html, useState, useEffect, useMemo, useAsync, useDebounced, useInterval, toast,
  Button, ErrorBox, Empty, Field, Select, ConfirmDialog, Panel, PageTitle, Spinner,
} from '../ui.js';
import { get, post, put, del } from '../api.js';
import { route, setQuery } from '../router.js';
import { can } from '../session.js';
import { t, registerMessages } from '../i18n.js';
import { setQueries } from '../labels.js';
import { QueryEditor } from '../query-editor.js';
import { MentionCard, MentionDialog } from '../mention.js';
import './alerts.css';

registerMessages({
  en: {
    'queries.title': 'Monitored queries',
    'queries.new': 'New query',
    'queries.list': 'Queries',
    'queries.col_name': 'Name',
    'queries.col_kind': 'Kind',
    'queries.col_enabled': 'Enabled',
    'queries.col_canonical': 'Canonical form',
    'queries.col_warnings': 'Warnings',
    'queries.col_state': 'State',
    'queries.col_actions': 'Actions',
    'queries.kind.brand': 'Brand',
    'queries.kind.competitor': 'Competitor',
    'queries.kind.topic': 'Topic',
    'queries.warnings': { one: '{count} warning', other: '{count} warnings' },
    'queries.no_warning': 'none',
    'queries.state_compiling': 'Compiling…',
    'queries.state_error': 'Not compiled: {error}',
    'queries.state_backfill': 'Applying to history: {scanned} examined, {matched} found',
    'queries.state_backfill_error': 'History update failed: {error}',
    'queries.state_done': 'Live',
    'queries.state_done_matched': 'Live · {matched} found in history',
    'queries.state_disabled': 'Disabled',
    'queries.origin_config': 'ecoute.yaml',
    'queries.origin_config_hint': 'Defined in ecoute.yaml: change it in the file.',
    'queries.view': 'View',
    'queries.editor_new': 'New query',
    'queries.editor_edit': 'Query {name}',
    'queries.name': 'Name',
    'queries.name_hint': 'Letters, digits and _ (other queries refer to it as @name).',
    'queries.kind': 'Kind',
    'queries.description': 'Description',
    'queries.enabled': 'Enabled: tags new messages and is applied to history',
    'queries.text': 'Query',
    'queries.text_placeholder': '(colis OR livraison) NEAR/3 (perdu OR retard) NOT emploi',
    'queries.canonical': 'Canonical form',
    'queries.server_error_at': 'Column {col}: {message}',
    'queries.created': 'Query {name} created.',
    'queries.saved': 'Query {name} saved.',
    'queries.deleted': 'Query {name} deleted.',
    'queries.delete_title': 'Delete the query {name}?',
    'queries.delete_text': 'Its index, its rollups and its id on the stored messages are removed. This cannot be undone.',
    'queries.read_only': 'Your role can read queries but not change them.',
    'queries.empty': 'No monitored query yet.',
    'queries.preview': 'Preview on the last 30 days',
    'queries.preview_hint': 'The latest messages the query matches, with what it matched highlighted.',
    'queries.preview_invalid': 'Fix the query to see what it matches.',
    'queries.preview_empty_text': 'Type a query to see what it matches.',
    'queries.preview_none': 'No message of the last 30 days matches.',
    'queries.count_exact': { one: '{count} message in 30 days', other: '{count} messages in 30 days' },
    'queries.count_rollup': { one: '{count} message tagged in 30 days', other: '{count} messages tagged in 30 days' },
    'queries.count_more': 'The {count} latest shown; more match.',
    'queries.scanned': { one: '{count} candidate examined', other: '{count} candidates examined' },
    'queries.full_scan': 'The query names no word: only part of the history was examined.',
    'queries.open_search': 'Open in search',
    'queries.not_found': 'No query has the id {id}.',
  },
  fr: {
    'queries.title': 'Requêtes surveillées',
    'queries.new': 'Nouvelle requête',
    'queries.list': 'Requêtes',
    'queries.col_name': 'Nom',
    'queries.col_kind': 'Type',
    'queries.col_enabled': 'Active',
    'queries.col_canonical': 'Forme canonique',
    'queries.col_warnings': 'Avertissements',
    'queries.col_state': 'État',
    'queries.col_actions': 'Actions',
    'queries.kind.brand': 'Marque',
    'queries.kind.competitor': 'Concurrent',
    'queries.kind.topic': 'Thème',
    'queries.warnings': { one: '{count} avertissement', other: '{count} avertissements' },
    'queries.no_warning': 'aucun',
    'queries.state_compiling': 'Compilation…',
    'queries.state_error': 'Non compilée : {error}',
    'queries.state_backfill': 'Application à l’historique : {scanned} examinés, {matched} trouvés',
    'queries.state_backfill_error': 'Échec de la mise à jour de l’historique : {error}',
    'queries.state_done': 'En service',
    'queries.state_done_matched': 'En service · {matched} trouvés dans l’historique',
    'queries.state_disabled': 'Désactivée',
    'queries.origin_config': 'ecoute.yaml',
    'queries.origin_config_hint': 'Définie dans ecoute.yaml : modifiez-la dans le fichier.',
    'queries.view': 'Voir',
    'queries.editor_new': 'Nouvelle requête',
    'queries.editor_edit': 'Requête {name}',
    'queries.name': 'Nom',
    'queries.name_hint': 'Lettres, chiffres et _ (les autres requêtes la désignent par @nom).',
    'queries.kind': 'Type',
    'queries.description': 'Description',
    'queries.enabled': 'Active : étiquette les nouveaux messages et s’applique à l’historique',
    'queries.text': 'Requête',
    'queries.text_placeholder': '(colis OR livraison) NEAR/3 (perdu OR retard) NOT emploi',
    'queries.canonical': 'Forme canonique',
    'queries.server_error_at': 'Colonne {col} : {message}',
    'queries.created': 'Requête {name} créée.',
    'queries.saved': 'Requête {name} enregistrée.',
    'queries.deleted': 'Requête {name} supprimée.',
    'queries.delete_title': 'Supprimer la requête {name} ?',
    'queries.delete_text': 'Son index, ses agrégats et son identifiant sur les messages enregistrés sont supprimés. C’est définitif.',
    'queries.read_only': 'Votre rôle permet de consulter les requêtes, pas de les modifier.',
    'queries.empty': 'Aucune requête surveillée pour l’instant.',
    'queries.preview': 'Aperçu sur les 30 derniers jours',
    'queries.preview_hint': 'Les derniers messages correspondant à la requête, passages trouvés surlignés.',
    'queries.preview_invalid': 'Corrigez la requête pour voir ce qu’elle trouve.',
    'queries.preview_empty_text': 'Saisissez une requête pour voir ce qu’elle trouve.',
    'queries.preview_none': 'Aucun message des 30 derniers jours ne correspond.',
    'queries.count_exact': { one: '{count} message en 30 jours', other: '{count} messages en 30 jours' },
    'queries.count_rollup': { one: '{count} message étiqueté en 30 jours', other: '{count} messages étiquetés en 30 jours' },
    'queries.count_more': 'Les {count} plus récents sont affichés ; d’autres correspondent.',
    'queries.scanned': { one: '{count} candidat examiné', other: '{count} candidats examinés' },
    'queries.full_scan': 'La requête ne nomme aucun mot : seule une partie de l’historique a été examinée.',
    'queries.open_search': 'Ouvrir dans la recherche',
    'queries.not_found': 'Aucune requête n’a l’identifiant {id}.',
  },
});

export const QUERY_KINDS = ['brand', 'competitor', 'topic'];
const PREVIEW_LIMIT = 10;

export function daysAgo(n) {
  return new Date(Date.now() - n * 86400000).toISOString();
}

// ---- mention lists (shared) -------------------------------------------

// Messages as cards of src/mention.js (highlights: spansOf(m), by default
// the card's own choice); a card opens the message's detail dialog.
export function MentionList({ items, spansOf }) {
  const [openId, setOpenId] = useState(null);
  if (!items || !items.length) return null;
  return html`<ul class="mention-list">
      ${items.map((m) => html`<li key=${m.id}><${MentionCard} mention=${m} compact spans=${spansOf ? spansOf(m) : undefined}
          onOpen=${(x) => setOpenId(x.id)} /></li>`)}
    </ul>
    <${MentionDialog} id=${openId} onClose=${() => setOpenId(null)} />`;
}

// ---- list --------------------------------------------------------------

function backfillState(q) {
  if (q.error) return { text: t('queries.state_error', { error: q.error }), cls: 'badge-bad' };
  if (!q.enabled) return { text: t('queries.state_disabled'), cls: 'badge-neu' };
  if (!q.live) return { text: t('queries.state_compiling'), cls: 'badge-warn' };
  const b = q.backfill || {};
  if (b.pending) return { text: t('queries.state_backfill', { scanned: b.scanned, matched: b.matched }), cls: 'badge-warn' };
  if (b.error) return { text: t('queries.state_backfill_error', { error: b.error }), cls: 'badge-bad' };
  if (b.up_to_id > 0) return { text: t('queries.state_done_matched', { matched: b.matched }), cls: 'badge-ok' };
  return { text: t('queries.state_done'), cls: 'badge-ok' };
}

function QueryTable({ items, savedId, canEdit, onDelete }) {
  if (!items.length) return html`<${Empty}>${t('queries.empty')}</${Empty}>`;
  return html`<div class="table-wrap"><table class="table" data-testid="queries-table">
    <thead><tr>
      <th scope="col">${t('queries.col_name')}</th><th scope="col">${t('queries.col_kind')}</th>
      <th scope="col">${t('queries.col_enabled')}</th><th scope="col">${t('queries.col_canonical')}</th>
      <th scope="col">${t('queries.col_warnings')}</th><th scope="col">${t('queries.col_state')}</th>
      <th scope="col" class="num">${t('queries.col_actions')}</th>
    </tr></thead>
    <tbody>
      ${items.map((q) => {
        const st = backfillState(q);
        const editable = canEdit && q.origin !== 'config';
        return html`<tr key=${q.id} data-query=${q.name} class=${q.id === savedId ? 'just-saved' : ''}>
          <td class="qr-name-cell"><a href=${'/queries?edit=' + q.id}><strong>${q.name}</strong></a>
            ${q.description ? html`<div class="muted small">${q.description}</div>` : null}
            ${q.origin === 'config' ? html`<div><span class="badge badge-neu" title=${t('queries.origin_config_hint')}>${t('queries.origin_config')}</span></div>` : null}</td>
          <td><span class="badge badge-kind">${t('queries.kind.' + q.kind)}</span></td>
          <td>${q.enabled ? t('common.yes') : t('common.no')}</td>
          <td><div class="qr-canonical" title=${q.canonical}>${q.canonical}</div></td>
          <td>${q.warnings && q.warnings.length
            ? html`<span class="badge badge-warn qr-badge-wrap" title=${q.warnings.map((w) => `col ${w.column}: ${w.message}`).join('\n')}>
                ${t('queries.warnings', { count: q.warnings.length })}</span>`
            : html`<span class="muted">${t('queries.no_warning')}</span>`}</td>
          <td><span class=${'badge qr-badge-wrap ' + st.cls}>${st.text}</span></td>
          <td><div class="qr-row-actions">
            <a class="btn btn-small" href=${'/queries?edit=' + q.id} aria-label=${(editable ? t('common.edit') : t('queries.view')) + ' ' + q.name}>
              ${editable ? t('common.edit') : t('queries.view')}</a>
            ${editable ? html`<button type="button" class="btn btn-danger btn-small" aria-label=${t('common.delete') + ' ' + q.name}
                onClick=${() => onDelete(q)}>${t('common.delete')}</button>` : null}
          </div></td>
        </tr>`;
      })}
    </tbody>
  </table></div>`;
}

// ---- preview -------------------------------------------------------------

// What `text` matches on the last 30 days; `saved` is the stored query when
// the text is its own (then the count comes from the per-query rollups).
function Preview({ text, lint, saved }) {
  const debounced = useDebounced(text, 350);
  const valid = lint && lint.valid && lint.text === debounced;
  const unchanged = saved && saved.query === debounced && saved.live;
  const page = useAsync(
    (signal) => (valid
      ? get('/api/v1/mentions', { query: debounced, highlight: true, limit: PREVIEW_LIMIT, from: daysAgo(30) }, { signal })
      : null),
    [valid ? debounced : null],
  );
  const count = useAsync(
    (signal) => (unchanged
      ? get('/api/v1/stats/volume', { query_id: saved.id, interval: 'day', from: daysAgo(30) }, { signal })
        .then((v) => v.series.reduce((s, x) => s + x.total, 0))
      : null),
    [unchanged ? saved.id : null, unchanged ? saved.updated_at : null],
  );

  let body;
  if (!debounced.trim()) body = html`<p class="muted">${t('queries.preview_empty_text')}</p>`;
  else if (!valid) body = html`<p class="muted">${lint && !lint.valid ? t('queries.preview_invalid') : t('common.loading')}</p>`;
  else if (page.error) body = html`<${ErrorBox} error=${page.error} />`;
  else if (page.loading || !page.data) body = html`<${Spinner} />`;
  else {
    const p = page.data;
    const exact = !p.next_cursor;
    body = html`<div data-testid="preview">
      <p class="qr-preview-count">
        ${unchanged && typeof count.data === 'number'
          ? html`<strong>${t('queries.count_rollup', { count: count.data })}</strong>`
          : exact
            ? html`<strong>${t('queries.count_exact', { count: p.items.length })}</strong>`
            : html`<strong>${t('queries.count_more', { count: p.items.length })}</strong>`}
        ${typeof p.scanned === 'number' ? html` <span class="muted small">· ${t('queries.scanned', { count: p.scanned })}</span>` : null}
        ${p.full_scan ? html`<br /><span class="muted small">${t('queries.full_scan')}</span>` : null}
      </p>
      ${p.items.length ? html`<${MentionList} items=${p.items} />` : html`<${Empty}>${t('queries.preview_none')}</${Empty}>`}
      <p><a href=${'/search?' + new URLSearchParams({ query: debounced, from: daysAgo(30) }).toString()}>${t('queries.open_search')}</a></p>
    </div>`;
  }
  return html`<${Panel} title=${t('queries.preview')} id="query-preview">
    <p class="muted small">${t('queries.preview_hint')}</p>
    <div aria-live="polite" aria-busy=${page.loading ? 'true' : 'false'}>${body}</div>
  </${Panel}>`;
}

// ---- editor --------------------------------------------------------------

function QueryForm({ saved, canEdit, onSaved, onCancel }) {
  const [form, setForm] = useState(() => ({
    name: saved ? saved.name : '',
    kind: saved ? saved.kind : 'topic',
    description: saved ? saved.description : '',
    enabled: saved ? saved.enabled : true,
    query: saved ? saved.query : '',
  }));
  const [lint, setLint] = useState(null);
  const [error, setError] = useState(null); // ApiError of the last save
  const [busy, setBusy] = useState(false);
  const readOnly = !canEdit || (saved && saved.origin === 'config');
  const set = (k) => (v) => {
    setForm((f) => ({ ...f, [k]: v }));
    if (error && (error.field === k || !error.field)) setError(null);
  };
  const nameError = form.name && !/^[A-Za-z0-9_]{1,64}$/.test(form.name) ? t('queries.name_hint') : null;
  const fieldError = (k) => (error && error.field === k ? error.message : null);

  const submit = async (ev) => {
    ev.preventDefault();
    if (readOnly) return;
    setBusy(true);
    setError(null);
    try {
      const body = { ...form };
      const res = saved ? await put(`/api/v1/queries/${saved.id}`, body) : await post('/api/v1/queries', body);
      toast(t(saved ? 'queries.saved' : 'queries.created', { name: res.name }), 'success');
      onSaved(res);
    } catch (e) {
      setError(e);
      setBusy(false);
      // Puts the focus on the field at fault.
      requestAnimationFrame(() => {
        const el = document.querySelector(`#query-form [name="${e.field || ''}"]`);
        if (el) el.focus();
      });
    }
  };

  const queryServerError = error && error.field === 'query' ? error : null;
  return html`<div class="qr-grid">
    <${Panel} title=${saved ? t('queries.editor_edit', { name: saved.name }) : t('queries.editor_new')} id="query-editor-panel">
      ${readOnly ? html`<p class="muted">${saved && saved.origin === 'config' ? t('queries.origin_config_hint') : t('queries.read_only')}</p>` : null}
      <form class="form" id="query-form" onSubmit=${submit} novalidate>
        <fieldset disabled=${readOnly} class="qr-checks">
          <div class="qr-row">
            <${Field} label=${t('queries.name')} hint=${t('queries.name_hint')} error=${fieldError('name') || nameError}>
              ${(id, d) => html`<input id=${id} name="name" type="text" required maxlength="64" autocomplete="off" spellcheck="false"
                  value=${form.name} onInput=${(e) => set('name')(e.target.value)} aria-describedby=${d}
                  aria-invalid=${fieldError('name') || nameError ? 'true' : 'false'} />`}
            </${Field}>
            <${Field} label=${t('queries.kind')} error=${fieldError('kind')}>
              ${(id, d) => html`<${Select} id=${id} name="kind" value=${form.kind} onChange=${set('kind')} aria-describedby=${d}
                  options=${QUERY_KINDS.map((k) => ({ value: k, label: t('queries.kind.' + k) }))} />`}
            </${Field}>
          </div>
          <${QueryEditor} label=${t('queries.text')} value=${form.query} onInput=${set('query')} onLint=${setLint} rows=${4}
            placeholder=${t('queries.text_placeholder')} />
          ${queryServerError ? html`<div class="error-text qr-server-error" role="alert" data-testid="query-server-error" data-column=${queryServerError.column || ''}>
              ${queryServerError.column ? t('queries.server_error_at', { col: queryServerError.column, message: queryServerError.message }) : queryServerError.message}</div>` : null}
          ${lint && lint.valid && lint.canonical ? html`<div class="field"><span class="small muted">${t('queries.canonical')}</span>
              <div class="qr-preview-query" data-testid="canonical">${lint.canonical}</div></div>` : null}
          <${Field} label=${t('queries.description')} error=${fieldError('description')}>
            ${(id, d) => html`<textarea id=${id} name="description" rows="2" value=${form.description} aria-describedby=${d}
                onInput=${(e) => set('description')(e.target.value)}></textarea>`}
          </${Field}>
          <div class="field">
            <label class="qr-check"><input type="checkbox" name="enabled" checked=${form.enabled}
              onChange=${(e) => set('enabled')(e.target.checked)} /> ${t('queries.enabled')}</label>
            ${fieldError('enabled') ? html`<div class="hint error-text">${fieldError('enabled')}</div>` : null}
          </div>
        </fieldset>
        ${error && !['name', 'kind', 'query', 'description', 'enabled'].includes(error.field) ? html`<${ErrorBox} error=${error} />` : null}
        <div class="qr-actions">
          ${!readOnly ? html`<${Button} kind="primary" type="submit" disabled=${busy || !!nameError}>${t('common.save')}</${Button}>` : null}
          <${Button} kind="secondary" onClick=${onCancel}>${readOnly ? t('common.close') : t('common.cancel')}</${Button}>
        </div>
      </form>
    </${Panel}>
    <${Preview} text=${form.query} lint=${lint} saved=${saved} />
  </div>`;
}

// ---- screen --------------------------------------------------------------

function Queries({ query }) {
  const canEdit = can('manage_queries');
  const list = useAsync((signal) => get('/api/v1/queries', null, { signal }), []);
  const [savedId, setSavedId] = useState(null);
  const [toDelete, setToDelete] = useState(null);
  const [deleteError, setDeleteError] = useState(null);
  const items = (list.data && list.data.items) || [];
  useEffect(() => {
    if (list.data) setQueries(items);
  }, [list.data]);
  // While a query compiles or backfills, its state is refreshed.
  const busy = items.some((q) => q.enabled && (!q.live || (q.backfill && q.backfill.pending)));
  useInterval(() => list.reload(), busy ? 2000 : 0);

  const edit = query.edit;
  const saved = useMemo(() => (edit && edit !== 'new' ? items.find((q) => String(q.id) === String(edit)) : null), [edit, list.data]);

  const onSaved = (q) => {
    setSavedId(q.id);
    list.setData((d) => {
      const rest = ((d && d.items) || []).filter((x) => x.id !== q.id);
      return { items: [...rest, q].sort((a, b) => a.id - b.id) };
    });
    setQuery({});
    list.reload();
  };
  const confirmDelete = async () => {
    setDeleteError(null);
    try {
      await del(`/api/v1/queries/${toDelete.id}`);
      toast(t('queries.deleted', { name: toDelete.name }), 'success');
      setToDelete(null);
      if (String(edit) === String(toDelete.id)) setQuery({});
      list.reload();
    } catch (e) {
      setDeleteError(e);
    }
  };

  return html`<${PageTitle} actions=${canEdit && edit !== 'new'
      ? html`<${Button} kind="primary" onClick=${() => setQuery({ edit: 'new' })}>${t('queries.new')}</${Button}>` : null}>
      ${t('queries.title')}</${PageTitle}>
    ${edit && (edit === 'new' || saved)
      ? html`<${QueryForm} key=${edit} saved=${saved} canEdit=${canEdit} onSaved=${onSaved} onCancel=${() => setQuery({})} />`
      : edit && list.loading ? html`<${Spinner} />`
      : edit && list.data ? html`<${ErrorBox} error=${{ message: t('queries.not_found', { id: edit }) }} />` : null}
    <${Panel} title=${t('queries.list')} id="queries-list">
      ${list.error ? html`<${ErrorBox} error=${list.error} />` : null}
      ${list.loading && !list.data ? html`<${Spinner} />` : html`<${QueryTable} items=${items} savedId=${savedId} canEdit=${canEdit}
          onDelete=${(q) => { setDeleteError(null); setToDelete(q); }} />`}
    </${Panel}>
    <${ConfirmDialog} open=${!!toDelete} title=${toDelete ? t('queries.delete_title', { name: toDelete.name }) : ''}
      text=${t('queries.delete_text')} error=${deleteError} onConfirm=${confirmDelete} onClose=${() => setToDelete(null)} />`;
}

route('/queries', {
  screen: Queries,
  title: 'nav.queries',
  permission: 'read',
  nav: { label: 'nav.queries', order: 70, icon: '⌕' },
});
