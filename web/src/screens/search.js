// Search (route "/search", permission read): the stored messages, newest
// first, by the query language or by plain words, with filters; message
// cards with highlights, cursor pagination, CSV export and the message
// detail dialog.
//
// URL (every view is linkable; the dashboard's drill-down lands here):
//   mode      "text" = plain full-text words (q); otherwise the query language (query)
//   query     query-language text (docs/query-language.md) — GET /api/v1/mentions?query=…&highlight=true
//   q         words, all must occur (case- and accent-insensitive)
//   query_id, channel, lang, author, from, to      passed to the API as they are
//   sentiment, category, severity, needs_reply     label filters (comma lists = any of). The list route
//             has no label parameters: they are added to the query text as fields
//             ("(<query>) AND sentiment:negative AND (severity:high OR severity:critical)");
//             the CSV export takes them as parameters.
//   m         id of the message shown in the detail dialog
// Keyboard: "/" focuses the query, j / k move between results (also while
// the detail is open), Enter on a result opens it, Escape closes.
// Routes: GET /api/v1/mentions (search, pages via next_cursor), POST
// /api/v1/queries/lint (through <QueryEditor>), GET
// /api/v1/export/mentions.csv (a plain download link), and the detail's
// routes (src/mention.js).
import { html, useAsync, useEffect, useMemo, useRef, useState, useHotkeys, Button, Empty, ErrorBox, Field, PageTitle, Panel,
  Select, Spinner } from '../ui.js';
import { get, withParams } from '../api.js';
import { route, setQuery } from '../router.js';
import { t, registerMessages } from '../i18n.js';
import { CHANNELS, LANGS, SENTIMENTS, SEVERITIES, categoryLabel, categoryNames, queries } from '../labels.js';
import { QueryEditor } from '../query-editor.js';
import { MentionCard, MentionDialog, labelQuery } from '../mention.js';
import './search.css';

registerMessages({
  en: {
    'search.title': 'Search',
    'search.mode': 'Search with',
    'search.mode.query': 'Query language',
    'search.mode.text': 'Plain words',
    'search.query': 'Query',
    'search.query_placeholder': '(colis OR livraison) NEAR/3 perdu NOT emploi',
    'search.words': 'Words',
    'search.words_placeholder': 'livraison retard',
    'search.words_hint': 'Every word must occur; case and accents do not matter.',
    'search.submit': 'Search',
    'search.from': 'From', 'search.to': 'To', 'search.saved_query': 'Monitored query', 'search.channel': 'Channel',
    'search.lang': 'Language', 'search.author': 'Author', 'search.sentiment': 'Sentiment', 'search.category': 'Category',
    'search.severity': 'Severity', 'search.needs_reply': 'Needs a reply', 'search.all_queries': 'All',
    'search.high_critical': 'High + critical', 'search.all_f': 'All',
    'search.shown': { one: '{count} message shown', other: '{count} messages shown' },
    'search.more_available': 'more available',
    'search.scanned': '{count} examined',
    'search.full_scan': 'The query restricts no words: every message passing the filters is examined (at most 200,000 per page), so a page may be short.',
    'search.labels_applied': 'Label filters applied as query fields:',
    'search.fix_query': 'The query has an error: see the message under the query.',
    'search.none': 'No message matches.',
    'search.load_more': 'Load more',
    'search.export': 'Export CSV',
    'search.export_hint': 'Every message matching the search and the filters, as a CSV file.',
    'search.keys': 'Keyboard: / search · j / k next / previous · Enter open · Escape close',
    'search.results': 'Results',
    'search.clear': 'Clear the filters',
    'search.kind.brand': 'Brands', 'search.kind.competitor': 'Competitors', 'search.kind.topic': 'Topics',
  },
  fr: {
    'search.title': 'Recherche',
    'search.mode': 'Rechercher avec',
    'search.mode.query': 'Langage de requête',
    'search.mode.text': 'Mots simples',
    'search.query': 'Requête',
    'search.query_placeholder': '(colis OR livraison) NEAR/3 perdu NOT emploi',
    'search.words': 'Mots',
    'search.words_placeholder': 'livraison retard',
    'search.words_hint': 'Tous les mots doivent figurer ; casse et accents indifférents.',
    'search.submit': 'Rechercher',
    'search.from': 'Du', 'search.to': 'Au', 'search.saved_query': 'Requête surveillée', 'search.channel': 'Canal',
    'search.lang': 'Langue', 'search.author': 'Auteur', 'search.sentiment': 'Sentiment', 'search.category': 'Catégorie',
    'search.severity': 'Gravité', 'search.needs_reply': 'Réponse attendue', 'search.all_queries': 'Toutes',
    'search.high_critical': 'Haute + critique', 'search.all_f': 'Toutes',
    'search.shown': { one: '{count} message affiché', other: '{count} messages affichés' },
    'search.more_available': 'd’autres sont disponibles',
    'search.scanned': '{count} examinés',
    'search.full_scan': 'La requête ne restreint aucun mot : chaque message passant les filtres est examiné (au plus 200 000 par page), une page peut donc être courte.',
    'search.labels_applied': 'Filtres d’étiquettes appliqués comme champs de requête :',
    'search.fix_query': 'La requête contient une erreur : voir le message sous la requête.',
    'search.none': 'Aucun message ne correspond.',
    'search.load_more': 'Afficher plus',
    'search.export': 'Exporter en CSV',
    'search.export_hint': 'Tous les messages correspondant à la recherche et aux filtres, dans un fichier CSV.',
    'search.keys': 'Clavier : / rechercher · j / k suivant / précédent · Entrée ouvrir · Échap fermer',
    'search.results': 'Résultats',
    'search.clear': 'Effacer les filtres',
    'search.kind.brand': 'Marques', 'search.kind.competitor': 'Concurrents', 'search.kind.topic': 'Sujets',
  },
});

const PAGE = 25;
const FILTER_KEYS = ['query_id', 'channel', 'lang', 'author', 'from', 'to', 'sentiment', 'category', 'severity', 'needs_reply'];

// The API parameters of the search described by the URL `query`.
// `userQuery` is the query-language text as typed; `labels` its label part.
export function searchRequest(query) {
  const mode = query.mode === 'text' ? 'text' : 'query';
  const userQuery = mode === 'query' ? (query.query || '').trim() : '';
  const labels = labelQuery(query);
  const text = userQuery && labels ? `(${userQuery}) AND ${labels}` : userQuery || labels;
  return {
    mode, userQuery, labels,
    params: {
      query: text || undefined,
      q: mode === 'text' ? (query.q || '').trim() || undefined : undefined,
      highlight: true,
      query_id: query.query_id, channel: query.channel, lang: query.lang, author: query.author,
      thread: query.thread, from: query.from, to: query.to, limit: PAGE,
    },
    // The export route takes the label filters as parameters.
    exportParams: {
      query: userQuery || undefined, q: mode === 'text' ? query.q : undefined,
      query_id: query.query_id, channel: query.channel, lang: query.lang, author: query.author, thread: query.thread,
      from: query.from, to: query.to, sentiment: query.sentiment, category: query.category, severity: query.severity, needs_reply: query.needs_reply,
    },
  };
}

// ISO ⇄ the value of a datetime-local input (the browser's time zone).
function toLocalInput(iso) {
  const ms = Date.parse(iso || '');
  if (!Number.isFinite(ms)) return '';
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}
const fromLocalInput = (v) => (v && Number.isFinite(Date.parse(v)) ? new Date(Date.parse(v)).toISOString() : undefined);

function Search({ query }) {
  const req = useMemo(() => searchRequest(query), [query]);
  const key = JSON.stringify(req.params);
  const [draftQuery, setDraftQuery] = useState(query.query || '');
  const [draftWords, setDraftWords] = useState(query.q || '');
  const [selected, setSelected] = useState(-1);
  const [more, setMore] = useState({ busy: false, error: null });
  const keyRef = useRef(key);
  keyRef.current = key;
  // Follows the URL when it changes from elsewhere (back, a link).
  useEffect(() => setDraftQuery(query.query || ''), [query.query]);
  useEffect(() => setDraftWords(query.q || ''), [query.q]);

  // Each page remembers the search it answers (`_key`): the list of a
  // previous search stays visible, dimmed, while the new one loads.
  const results = useAsync((signal) => get('/api/v1/mentions', req.params, { signal }).then((d) => ({ ...d, _key: key })), [key]);
  const fresh = !!results.data && results.data._key === key && !results.loading;
  useEffect(() => { setSelected(-1); setMore({ busy: false, error: null }); }, [key]);
  const items = (results.data && results.data.items) || [];

  const set = (changes, opts) => setQuery({ ...query, ...changes }, opts);
  const submit = (ev) => {
    if (ev) ev.preventDefault();
    if (req.mode === 'text') set({ q: draftWords.trim(), m: undefined }, { replace: false });
    else set({ query: draftQuery.trim(), m: undefined }, { replace: false });
  };
  const loadMore = async () => {
    const at = key;
    setMore({ busy: true, error: null });
    try {
      const page = await get('/api/v1/mentions', { ...req.params, cursor: results.data.next_cursor });
      if (keyRef.current !== at) return;
      results.setData((d) => ({ ...page, _key: d._key, scanned: (d.scanned || 0) + (page.scanned || 0), items: [...d.items, ...page.items] }));
      setMore({ busy: false, error: null });
    } catch (e) {
      if (keyRef.current === at) setMore({ busy: false, error: e });
    }
  };
  const open = (id) => set({ m: id }, { replace: !!query.m });
  const close = () => query.m && set({ m: undefined });
  const saved = (m) => results.setData((d) => d && ({ ...d, items: d.items.map((x) => (x.id === m.id ? { ...x, ...m } : x)) }));

  // Keyboard (handlers read the latest state through a ref).
  const keys = useRef(null);
  keys.current = {
    focusQuery: () => {
      const el = document.querySelector('.search-form textarea, .search-form input[type=search]');
      if (el) el.focus();
    },
    move: (delta) => {
      if (!items.length) return;
      const next = Math.max(0, Math.min(items.length - 1, (selected < 0 && delta > 0 ? -1 : selected) + delta));
      setSelected(next);
      if (query.m) open(items[next].id);
      requestAnimationFrame(() => {
        const el = document.querySelector(`[data-result-index="${next}"]`);
        if (el && !query.m) el.focus();
        if (el) el.scrollIntoView({ block: 'nearest' });
      });
    },
    close,
  };
  useHotkeys({
    '/': () => keys.current.focusQuery(),
    'shift+/': () => keys.current.focusQuery(),
    j: () => keys.current.move(1),
    k: () => keys.current.move(-1),
    escape: () => keys.current.close(),
  }, []);

  const queryError = results.error && results.error.field === 'query' && req.userQuery;
  const hasFilters = FILTER_KEYS.some((k) => query[k]);
  return html`<${PageTitle} actions=${html`<a class="btn btn-secondary" href=${withParams('/api/v1/export/mentions.csv', req.exportParams)}
      download title=${t('search.export_hint')} data-testid="export-csv">⤓ ${t('search.export')}</a>`}>${t('search.title')}</${PageTitle}>
    <${Panel}>
      <form class="search-form" onSubmit=${submit} role="search">
        <fieldset class="row search-mode">
          <legend class="small muted">${t('search.mode')}</legend>
          ${['query', 'text'].map((mo) => html`<label key=${mo} class="radio">
            <input type="radio" name="search-mode" value=${mo} checked=${req.mode === mo}
              onChange=${() => set({ mode: mo === 'text' ? 'text' : undefined, m: undefined })} /> ${t('search.mode.' + mo)}</label>`)}
        </fieldset>
        <div class="search-input row">
          ${req.mode === 'query'
            ? html`<div class="search-editor" onKeyDown=${(e) => {
                if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && e.target.tagName === 'TEXTAREA') submit(e);
              }}>
                <${QueryEditor} value=${draftQuery} onInput=${setDraftQuery} label=${t('search.query')} rows=${2}
                  placeholder=${t('search.query_placeholder')} name="query" />
              </div>`
            : html`<div class="search-editor"><${Field} label=${t('search.words')} hint=${t('search.words_hint')}>${(id, describedBy) => html`<input
                id=${id} type="search" name="q" value=${draftWords} aria-describedby=${describedBy} placeholder=${t('search.words_placeholder')}
                onInput=${(e) => setDraftWords(e.target.value)} />`}</${Field}></div>`}
          <${Button} kind="primary" type="submit" class="btn btn-primary search-submit">${t('search.submit')}</${Button}>
        </div>
        <${Filters} query=${query} set=${set} />
        ${hasFilters ? html`<${Button} kind="ghost" class="btn btn-ghost btn-small"
            onClick=${() => set(Object.fromEntries(FILTER_KEYS.map((k) => [k, undefined])))}>${t('search.clear')}</${Button}>` : null}
        <p class="muted small search-keys">${t('search.keys')}</p>
      </form>
    </${Panel}>
    <section class="search-results" aria-labelledby="search-results-h">
      <h2 id="search-results-h" class="sr-only">${t('search.results')}</h2>
      ${req.labels ? html`<p class="small muted">${t('search.labels_applied')} <code>${req.labels}</code></p>` : null}
      ${queryError ? html`<div class="error-box" role="alert">${t('search.fix_query')}</div>`
        : results.error ? html`<${ErrorBox} error=${results.error} />`
        : results.data === undefined ? html`<${Spinner} />`
        : html`<${Summary} data=${results.data} />
          ${items.length ? html`<div class=${'result-list' + (fresh ? '' : ' is-stale')} data-testid="results" data-fresh=${String(fresh)}
              aria-busy=${String(!fresh)}>
              ${items.map((m, i) => html`<${MentionCard} key=${m.id} mention=${m} index=${i} selected=${i === selected}
                  onOpen=${() => { setSelected(i); open(m.id); }} />`)}
            </div>` : html`<${Empty}>${t('search.none')}</${Empty}>`}
          ${results.data.next_cursor ? html`<div class="load-more">
              <${ErrorBox} error=${more.error} />
              <${Button} onClick=${loadMore} disabled=${more.busy} data-testid="load-more">
                ${more.busy ? t('common.loading') : t('search.load_more')}</${Button}>
            </div>` : null}`}
      ${results.loading && results.data !== undefined ? html`<div class="search-reloading" aria-hidden="true"></div>` : null}
    </section>
    <${MentionDialog} id=${query.m ? Number(query.m) : null} onClose=${close} onSaved=${saved} onOpen=${(id) => open(id)} />`;
}

function Summary({ data }) {
  return html`<p class="small muted search-summary" role="status">
    ${t('search.shown', { count: data.items.length })}${data.next_cursor ? ' — ' + t('search.more_available') : ''}
    ${typeof data.scanned === 'number' ? ' · ' + t('search.scanned', { count: data.scanned }) : ''}
    ${data.full_scan ? html`<br />${t('search.full_scan')}` : null}
  </p>`;
}

function Filters({ query, set }) {
  const groups = ['brand', 'competitor', 'topic']
    .map((kind) => ({ kind, items: queries().filter((q) => q.kind === kind) }))
    .filter((g) => g.items.length);
  const severities = [{ value: 'high,critical', label: t('search.high_critical') }, ...SEVERITIES.map((s) => ({ value: s, label: t('severity.' + s) }))];
  // A value from a link that is not among the options is kept visible.
  const withCurrent = (options, value) => (value && !options.some((o) => o.value === value) ? [...options, { value, label: value }] : options);
  return html`<div class="filters search-filters">
    <${Field} label=${t('search.from')}>${(id) => html`<input id=${id} type="datetime-local" value=${toLocalInput(query.from)}
        onChange=${(e) => set({ from: fromLocalInput(e.target.value) })} />`}</${Field}>
    <${Field} label=${t('search.to')}>${(id) => html`<input id=${id} type="datetime-local" value=${toLocalInput(query.to)}
        onChange=${(e) => set({ to: fromLocalInput(e.target.value) })} />`}</${Field}>
    <${Field} label=${t('search.saved_query')}>${(id) => html`<select id=${id} name="query_id" value=${query.query_id || ''}
        onChange=${(e) => set({ query_id: e.target.value })}>
      <option value="">${t('search.all_queries')}</option>
      ${groups.map((g) => html`<optgroup key=${g.kind} label=${t('search.kind.' + g.kind)}>
        ${g.items.map((q) => html`<option key=${q.id} value=${String(q.id)}>${q.name}</option>`)}</optgroup>`)}
    </select>`}</${Field}>
    <${Field} label=${t('search.channel')}>${(id) => html`<${Select} id=${id} name="channel" value=${query.channel} all=${t('common.all')}
        options=${withCurrent(CHANNELS.map((c) => ({ value: c, label: t('channel.' + c) })), query.channel)} onChange=${(v) => set({ channel: v })} />`}</${Field}>
    <${Field} label=${t('search.lang')}>${(id) => html`<${Select} id=${id} name="lang" value=${query.lang} all=${t('search.all_f')}
        options=${withCurrent([...LANGS, 'und'].map((l) => ({ value: l, label: t('lang.' + l) })), query.lang)} onChange=${(v) => set({ lang: v })} />`}</${Field}>
    <${Field} label=${t('search.author')}>${(id) => html`<input id=${id} name="author" size="12" value=${query.author || ''}
        onChange=${(e) => set({ author: e.target.value.trim().replace(/^@/, '') })} />`}</${Field}>
    <${Field} label=${t('search.sentiment')}>${(id) => html`<${Select} id=${id} name="sentiment" value=${query.sentiment} all=${t('common.all')}
        options=${withCurrent(SENTIMENTS.map((s) => ({ value: s, label: t('sentiment.' + s) })), query.sentiment)} onChange=${(v) => set({ sentiment: v })} />`}</${Field}>
    <${Field} label=${t('search.category')}>${(id) => html`<${Select} id=${id} name="category" value=${query.category} all=${t('search.all_f')}
        options=${withCurrent([...categoryNames(), 'none'].map((c) => ({ value: c, label: categoryLabel(c) })), query.category)}
        onChange=${(v) => set({ category: v })} />`}</${Field}>
    <${Field} label=${t('search.severity')}>${(id) => html`<${Select} id=${id} name="severity" value=${query.severity} all=${t('search.all_f')}
        options=${withCurrent(severities, query.severity)} onChange=${(v) => set({ severity: v })} />`}</${Field}>
    <${Field} label=${t('search.needs_reply')}>${(id) => html`<${Select} id=${id} name="needs_reply" value=${query.needs_reply} all=${t('common.all')}
        options=${[{ value: 'true', label: t('common.yes') }, { value: 'false', label: t('common.no') }]} onChange=${(v) => set({ needs_reply: v })} />`}</${Field}>
  </div>`;
}

route('/search', { screen: Search, title: 'search.title', permission: 'read', nav: { label: 'nav.search', order: 20, icon: '⌕' } });
