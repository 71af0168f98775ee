// The inbox's case list: saved views, filters kept in the URL, the rows.
//
// URL query (setQuery, so views are linkable and survive a reload):
//   view      mine | unassigned | open | breaching | resolved (default:
//             mine for who works cases, else open)
//   status, assignee, team, priority, channel, sort, q
//             explicit filters over the view's own ("any" = no filter for
//             status and assignee, where the view sets one)
// caseFilters(query) gives the effective filters; listParams(filters,
// limit, now) the GET /api/v1/cases parameters.
//
// <ViewsNav query compact>: the saved views (a nav of links, or a select
//   when `compact`).
// <CaseFilters query compact searchRef>: search box (searchRef gets the
//   input, "/" focuses it) and the filter selects.
// <CaseRows cases fetchedAt now openId cursor onCursor query rowRefs>:
//   the rows; each row is a link to /inbox/:id (Enter opens it). The
//   customer's name, VIP flag and handle or address come with the case
//   (its `contact`).
//
// "Breaching soon" is the server's filter: new and open cases whose next
// running deadline (first response, next response or resolution) falls
// within the hour or has passed (due_before = the next minute + 60 min, so
// the list's parameters change once a minute), most urgent first; pending
// and resolved cases have no running deadline.
import { registerMessages, t } from '../i18n.js';
import { setQuery } from '../router.js';
import { can } from '../session.js';
import { html, useEffect, useState, ChannelBadge, Time } from '../ui.js';
import { CHANNELS } from '../labels.js';
import { PRIORITIES, PriorityBadge, STATUSES, SlaBadge, StatusBadge, excerpt, label, responseClock } from './care-common.js';

registerMessages({
  en: {
    'inbox.views': 'Views',
    'inbox.view': 'View',
    'inbox.view.mine': 'My cases',
    'inbox.view.unassigned': 'Unassigned',
    'inbox.view.open': 'All open',
    'inbox.view.breaching': 'Breaching soon',
    'inbox.view.resolved': 'Resolved',
    'inbox.view.custom': 'Custom filters',
    'inbox.search': 'Search cases',
    'inbox.search_placeholder': 'Search (press /)',
    'inbox.filters': 'Filters',
    'inbox.filters_n': { one: 'Filters ({count} set)', other: 'Filters ({count} set)' },
    'inbox.f.status': 'Status',
    'inbox.f.status_any': 'Any status',
    'inbox.f.status_active': 'Active (new, open, pending)',
    'inbox.f.assignee': 'Assignee',
    'inbox.f.assignee_any': 'Anyone',
    'inbox.f.assignee_me': 'Me',
    'inbox.f.assignee_none': 'Unassigned',
    'inbox.f.team': 'Team',
    'inbox.f.team_any': 'Any team',
    'inbox.f.priority': 'Priority',
    'inbox.f.priority_any': 'Any priority',
    'inbox.f.channel': 'Channel',
    'inbox.f.channel_any': 'Any channel',
    'inbox.f.sort': 'Sort',
    'inbox.sort.urgency': 'Most urgent',
    'inbox.sort.updated': 'Last updated',
    'inbox.sort.created': 'Newest',
    'inbox.cases': 'Cases',
    'inbox.count': { zero: 'No case', one: '{count} case', other: '{count} cases' },
    'inbox.count_of': { one: '{shown} of {count} case', other: '{shown} of {count} cases' },
    'inbox.updated': 'updated',
    'inbox.no_cases': 'No case matches these filters.',
    'inbox.vip': 'VIP',
    'inbox.vip_title': 'VIP customer',
  },
  fr: {
    'inbox.views': 'Vues',
    'inbox.view': 'Vue',
    'inbox.view.mine': 'Mes dossiers',
    'inbox.view.unassigned': 'Non attribués',
    'inbox.view.open': 'Tous les ouverts',
    'inbox.view.breaching': 'SLA bientôt dépassé',
    'inbox.view.resolved': 'Résolus',
    'inbox.view.custom': 'Filtres personnalisés',
    'inbox.search': 'Rechercher des dossiers',
    'inbox.search_placeholder': 'Rechercher (touche /)',
    'inbox.filters': 'Filtres',
    'inbox.filters_n': { one: 'Filtres ({count} actif)', other: 'Filtres ({count} actifs)' },
    'inbox.f.status': 'Statut',
    'inbox.f.status_any': 'Tous les statuts',
    'inbox.f.status_active': 'Actifs (nouveau, ouvert, en attente)',
    'inbox.f.assignee': 'Attribué à',
    'inbox.f.assignee_any': 'Tout le monde',
    'inbox.f.assignee_me': 'Moi',
    'inbox.f.assignee_none': 'Personne',
    'inbox.f.team': 'Équipe',
    'inbox.f.team_any': 'Toutes les équipes',
    'inbox.f.priority': 'Priorité',
    'inbox.f.priority_any': 'Toutes priorités',
    'inbox.f.channel': 'Canal',
    'inbox.f.channel_any': 'Tous les canaux',
    'inbox.f.sort': 'Tri',
    'inbox.sort.urgency': 'Plus urgents',
    'inbox.sort.updated': 'Mis à jour récemment',
    'inbox.sort.created': 'Plus récents',
    'inbox.cases': 'Dossiers',
    'inbox.count': { zero: 'Aucun dossier', one: '{count} dossier', other: '{count} dossiers' },
    'inbox.count_of': { one: '{shown} sur {count} dossier', other: '{shown} sur {count} dossiers' },
    'inbox.updated': 'mis à jour',
    'inbox.no_cases': 'Aucun dossier ne correspond à ces filtres.',
    'inbox.vip': 'VIP',
    'inbox.vip_title': 'Client VIP',
  },
});

const ACTIVE = 'new,open,pending';

// The saved views: their filters ("breaching" adds due_before, listParams).
export const VIEWS = [
  { key: 'mine', filters: { assignee: 'me', status: ACTIVE, sort: 'urgency' }, needs: 'work_cases' },
  { key: 'unassigned', filters: { assignee: 'none', status: 'new,open', sort: 'urgency' } },
  { key: 'open', filters: { status: ACTIVE, sort: 'urgency' } },
  { key: 'breaching', filters: { status: 'new,open', sort: 'urgency' }, breaching: true },
  { key: 'resolved', filters: { status: 'resolved,closed', sort: 'updated' } },
];

const FILTER_KEYS = ['status', 'assignee', 'team', 'priority', 'channel', 'sort', 'q'];

export function defaultView() {
  return can('work_cases') ? 'mine' : 'open';
}

export function viewOf(query) {
  const v = VIEWS.find((x) => x.key === query.view && (!x.needs || can(x.needs)));
  return v || VIEWS.find((x) => x.key === defaultView());
}

// The effective filters of the URL query: the view's, then the explicit
// ones; "any" clears one.
export function caseFilters(query) {
  const view = viewOf(query);
  const f = { sort: 'urgency', ...view.filters };
  for (const k of FILTER_KEYS) if (query[k] !== undefined && query[k] !== '') f[k] = query[k];
  for (const k of Object.keys(f)) if (f[k] === 'any') delete f[k];
  return { view: view.key, breaching: !!view.breaching, filters: f, custom: FILTER_KEYS.some((k) => k !== 'q' && query[k]) };
}

// How far ahead "Breaching soon" looks.
export const BREACHING_WITHIN_MS = 60 * 60000;

// GET /api/v1/cases parameters of the filters; for "breaching", the
// deadline bound from `now` (ms), rounded up to the minute so that the
// parameters (the list's reload key) stay the same for a minute.
export function listParams({ filters, breaching }, limit, now = Date.now()) {
  const p = { ...filters, limit };
  if (breaching) p.due_before = new Date(Math.ceil(now / 60000) * 60000 + BREACHING_WITHIN_MS).toISOString();
  return p;
}

// Sets one filter in the URL (keeping the view and the other filters).
function setFilter(query, key, value) {
  setQuery({ ...query, [key]: value });
}

// ---- views -----------------------------------------------------------
export function ViewsNav({ query, compact, counts }) {
  const current = caseFilters(query);
  const views = VIEWS.filter((v) => !v.needs || can(v.needs));
  const href = (v) => '/inbox?view=' + v.key;
  if (compact) {
    return html`<div class="field views-select">
      <label for="inbox-view">${t('inbox.view')}</label>
      <select id="inbox-view" value=${current.view} onChange=${(e) => setQuery({ view: e.target.value, q: query.q })}>
        ${views.map((v) => html`<option key=${v.key} value=${v.key}>${t('inbox.view.' + v.key)}</option>`)}
      </select>
    </div>`;
  }
  return html`<nav class="views-nav" aria-label=${t('inbox.views')}>
    <h2 class="views-title">${t('inbox.views')}</h2>
    <ul>
      ${views.map((v) => {
        const active = current.view === v.key && !current.custom;
        return html`<li key=${v.key}>
          <a href=${href(v)} class=${active ? 'active' : ''} aria-current=${active ? 'page' : undefined} data-view=${v.key}
            onClick=${(e) => { e.preventDefault(); setQuery({ view: v.key }); }}>
            <span>${t('inbox.view.' + v.key)}</span>
            ${counts && counts[v.key] !== undefined ? html`<span class="views-count">${counts[v.key]}</span>` : null}
          </a></li>`;
      })}
    </ul>
    ${current.custom ? html`<p class="small muted views-custom">${t('inbox.view.custom')}</p>` : null}
  </nav>`;
}

// ---- filters ---------------------------------------------------------
export function CaseFilters({ query, compact, searchRef, teams }) {
  const { filters } = caseFilters(query);
  const [q, setQ] = useState(query.q || '');
  const [open, setOpen] = useState(!compact);
  useEffect(() => setQ(query.q || ''), [query.q]);
  useEffect(() => setOpen(!compact), [compact]);
  // Search as one types, a moment after the last key.
  useEffect(() => {
    if ((query.q || '') === q) return undefined;
    const id = setTimeout(() => setFilter(query, 'q', q), 300);
    return () => clearTimeout(id);
  }, [q]);

  const statusOptions = [
    { value: 'any', label: t('inbox.f.status_any') },
    { value: ACTIVE, label: t('inbox.f.status_active') },
    ...STATUSES.map((s) => ({ value: s, label: label('care.status.', s) })),
  ];
  const status = filters.status || 'any';
  if (!statusOptions.some((o) => o.value === status))
    statusOptions.push({ value: status, label: status.split(',').map((s) => label('care.status.', s)).join(', ') });
  const assignee = filters.assignee || 'any';
  const setCount = ['status', 'assignee', 'team', 'priority', 'channel'].filter((k) => query[k]).length;

  const select = (id, key, value, options, text) => html`<div class="field">
    <label for=${id}>${text}</label>
    <select id=${id} value=${value} onChange=${(e) => setFilter(query, key, e.target.value)}>
      ${options.map((o) => html`<option key=${o.value} value=${o.value}>${o.label}</option>`)}
    </select>
  </div>`;

  return html`<div class="case-filters">
    <div class="row case-search">
      <label class="sr-only" for="inbox-search">${t('inbox.search')}</label>
      <input id="inbox-search" type="search" ref=${searchRef} value=${q} placeholder=${t('inbox.search_placeholder')}
        onInput=${(e) => setQ(e.target.value)}
        onKeyDown=${(e) => { if (e.key === 'Enter') setFilter(query, 'q', q); if (e.key === 'Escape') e.target.blur(); }} />
      <button type="button" class="btn btn-ghost btn-small" aria-expanded=${open} aria-controls="inbox-filter-set"
        onClick=${() => setOpen(!open)}>${setCount ? t('inbox.filters_n', { count: setCount }) : t('inbox.filters')} ${open ? '▴' : '▾'}</button>
    </div>
    <div id="inbox-filter-set" class="filters case-filter-set" hidden=${!open}>
      ${select('inbox-f-status', 'status', status, statusOptions, t('inbox.f.status'))}
      ${select('inbox-f-assignee', 'assignee', assignee, [
        { value: 'any', label: t('inbox.f.assignee_any') },
        ...(can('work_cases') ? [{ value: 'me', label: t('inbox.f.assignee_me') }] : []),
        { value: 'none', label: t('inbox.f.assignee_none') },
      ], t('inbox.f.assignee'))}
      ${teams && teams.length > 1 ? select('inbox-f-team', 'team', filters.team || '', [
        { value: '', label: t('inbox.f.team_any') },
        ...teams.map((x) => ({ value: String(x.id), label: x.display_name || x.name })),
      ], t('inbox.f.team')) : null}
      ${select('inbox-f-priority', 'priority', filters.priority || '', [
        { value: '', label: t('inbox.f.priority_any') },
        ...PRIORITIES.slice().reverse().map((p) => ({ value: p, label: label('care.priority.', p) })),
      ], t('inbox.f.priority'))}
      ${select('inbox-f-channel', 'channel', filters.channel || '', [
        { value: '', label: t('inbox.f.channel_any') },
        ...CHANNELS.map((c) => ({ value: c, label: t('channel.' + c) })),
      ], t('inbox.f.channel'))}
      ${select('inbox-f-sort', 'sort', filters.sort || 'urgency',
        ['urgency', 'updated', 'created'].map((s) => ({ value: s, label: t('inbox.sort.' + s) })), t('inbox.f.sort'))}
    </div>
  </div>`;
}

// ---- rows ------------------------------------------------------------
function assigneeName(c) {
  if (!c.assignee) return t('care.unassigned');
  return c.assignee.display_name || c.assignee.login || '#' + c.assignee.id;
}

// How a case's contact identifier reads: @handle, an address, a number.
function identifierText(id) {
  if (!id) return '';
  return id.type === 'handle' ? '@' + id.value : id.value;
}

function Customer({ c }) {
  const k = c.contact;
  if (!k) return html`<span class="case-customer">${c.account}</span>`;
  const ident = identifierText(k.identifier);
  const name = k.display_name || ident || t('care.contact_n', { id: String(k.id) });
  return html`<span class="case-customer" data-contact=${k.id} title=${ident && ident !== name ? name + ' — ' + ident : name}>
    <span class="case-customer-name">${name}</span>
    ${k.vip ? html`<span class="badge case-vip" title=${t('inbox.vip_title')}>${t('inbox.vip')}</span>` : null}
    ${ident && ident !== name ? html`<span class="case-ident small muted">${ident}</span>` : null}
  </span>`;
}

function CaseRow({ c, fetchedAt, now, open, cursor, href, linkRef, onFocus }) {
  const clock = responseClock(c);
  return html`<li class=${'case-row' + (open ? ' is-open' : '') + (cursor ? ' is-cursor' : '')} data-case=${c.id}>
    <a class="case-link" href=${href} ref=${linkRef} aria-current=${open ? 'true' : undefined} onFocus=${onFocus}>
      <div class="case-row-top">
        <${PriorityBadge} value=${c.priority} />
        <${Customer} c=${c} />
        <span class="spacer"></span>
        <span class="case-time small muted"><${Time} value=${c.updated_at || c.created_at} relative /></span>
      </div>
      <div class="case-excerpt">${excerpt(c.subject, 160)}</div>
      <div class="case-row-meta small">
        ${clock ? html`<${SlaBadge} name=${clock.name} target=${clock.target} fetchedAt=${fetchedAt} now=${now} />` : null}
        <${ChannelBadge} value=${c.channel} />
        <${StatusBadge} value=${c.status} />
        <span class=${c.assignee ? 'case-assignee' : 'case-assignee muted'}>${assigneeName(c)}</span>
        <span class="muted">#${c.id}</span>
      </div>
    </a>
  </li>`;
}

export function CaseRows({ cases, fetchedAt, now, openId, cursor, onCursor, query, rowRefs }) {
  const search = new URLSearchParams(query).toString();
  return html`<ul class="case-rows" aria-label=${t('inbox.cases')}>
    ${cases.map((c, i) => html`<${CaseRow} key=${c.id} c=${c} fetchedAt=${fetchedAt} now=${now}
        open=${c.id === openId} cursor=${i === cursor}
        href=${'/inbox/' + c.id + (search ? '?' + search : '')}
        linkRef=${(el) => (rowRefs.current[i] = el)}
        onFocus=${() => onCursor(i)} />`)}
  </ul>`;
}

