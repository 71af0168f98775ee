// Dashboard (route "/", permission read): what a brand or marketing team
// looks at first. Every panel loads on its own (parallel requests, its own
// spinner and error) and follows the filter bar, which lives in the URL:
//   range   24h | 7d (default) | 30d | 90d | custom (then from, to: ISO 8601)
//   query_id, channel, lang, sentiment, category, severity   (as the API takes them)
// The bucket size is chosen from the range: hour up to 3 days, else day.
// Charts refresh every 60 s (relative ranges move with the clock).
//
// Panels and the API routes they read:
// - KPIs: GET /api/v1/stats/volume totals — mentions (with the previous
//   period of the same length for the trend), negative share
//   (group_by=sentiment), needing a reply (needs_reply=true), high +
//   critical (group_by=severity).
// - Volume over time with the sentiment split (group_by=sentiment).
// - Sentiment per brand: one small chart per brand/competitor query
//   (group_by=sentiment&query_id=<id>); hidden when the query filter is set.
// - Share of voice: group_by=query over the brand + competitor query ids
//   (the query filter does not apply: the panel is the comparison).
// - Incident categories over time (group_by=category, without none and "").
// - Channels, languages (bars of totals), severity distribution.
// - Top authors: GET /api/v1/stats/authors (a "not available" note on 404).
// - Live stream: SSE GET /api/v1/mentions/stream (max_rate 10), rendered at
//   most twice a second, last 50 messages, pause/resume; falls back to
//   polling GET /api/v1/mentions?limit=20 every 5 s while the stream
//   route is unavailable (retried every minute).
// A click on a bar, slice or point opens /search with the dashboard's
// filters plus the clicked value and bucket (from/to). An API error
// (e.g. a filter combination the volume route refuses) is shown in the
// panel, never a blank chart.
import { html, useAsync, useEffect, useMemo, useRef, useState, useInterval, Button, Empty, ErrorBox, Field, PageTitle,
  Panel, Select, Spinner } from '../ui.js';
import { get, stream, withParams } from '../api.js';
import { route, navigate, setQuery } from '../router.js';
import { t, registerMessages, fmtDate, fmtDateTime, fmtNumber, fmtPercent, fmtTime } from '../i18n.js';
import { CHANNELS, LANGS, SENTIMENTS, SEVERITIES, categoryLabel, categoryNames, queries } from '../labels.js';
import { Chart, PALETTE, SENTIMENT_COLORS, SEVERITY_COLORS } from '../charts.js';
import { MentionCard, MentionDialog, labelQuery } from '../mention.js';
import './dashboard.css';

registerMessages({
  en: {
    'dash.title': 'Dashboard',
    'dash.range': 'Period',
    'dash.range.24h': '24 h', 'dash.range.7d': '7 days', 'dash.range.30d': '30 days', 'dash.range.90d': '90 days', 'dash.range.custom': 'Custom',
    'dash.from': 'From', 'dash.to': 'To',
    'dash.query': 'Query', 'dash.channel': 'Channel', 'dash.lang': 'Language', 'dash.sentiment': 'Sentiment',
    'dash.category': 'Category', 'dash.severity': 'Severity',
    'dash.all_f': 'All', 'dash.all_queries': 'All messages',
    'dash.kind.brand': 'Brands', 'dash.kind.competitor': 'Competitors', 'dash.kind.topic': 'Topics',
    'dash.high_critical': 'High + critical',
    'dash.updated': 'Updated at {time}', 'dash.refresh': 'Refresh',
    'dash.kpi.mentions': 'Mentions', 'dash.kpi.negative': 'Negative share', 'dash.kpi.reply': 'Needing a reply',
    'dash.kpi.severe': 'High + critical severity',
    'dash.kpi.vs_prev': '{delta} vs previous period', 'dash.kpi.no_prev': 'no data for the previous period',
    'dash.kpi.of_total': '{count} of {total}',
    'dash.kpi.open': 'Show these messages',
    'dash.volume': 'Volume and sentiment',
    'dash.volume_aria': 'Stacked bars: mentions per {interval} split by sentiment',
    'dash.per_brand': 'Sentiment per brand',
    'dash.per_brand_hint': 'One chart per brand and competitor query.',
    'dash.sov': 'Share of voice',
    'dash.sov_hint': 'Brand and competitor queries, whatever the query filter.',
    'dash.sov_share': 'Share over time',
    'dash.sov_aria': 'Share of voice of the brand and competitor queries',
    'dash.categories': 'Incident categories',
    'dash.categories_aria': 'Messages needing a reply per category and {interval}',
    'dash.channels': 'Channels', 'dash.langs': 'Languages',
    'dash.severity_dist': 'Severity',
    'dash.severity_note': 'Without severity: {none} · not labelled: {unlabelled}',
    'dash.authors': 'Top authors',
    'dash.authors.by': 'Rank by', 'dash.authors.reach': 'reach', 'dash.authors.mentions': 'messages',
    'dash.authors.author': 'Author', 'dash.authors.channel': 'Channel', 'dash.authors.followers': 'Followers',
    'dash.authors.count': 'Messages', 'dash.authors.total_reach': 'Reach', 'dash.authors.negative': 'Negative',
    'dash.authors.unavailable': 'Not available on this server yet (GET /api/v1/stats/authors).',
    'dash.authors.ignored': 'The category and severity filters do not apply to this panel.',
    'dash.no_data': 'No message for these filters in this period.',
    'dash.no_brands': 'No brand or competitor query is defined.',
    'dash.interval.hour': 'hour', 'dash.interval.day': 'day',
    'dash.drill_hint': 'Click a bar or a slice to see its messages.',
    'dash.competitor': 'competitor',
    'dash.live': 'Live stream',
    'dash.live.pause': 'Pause', 'dash.live.resume': 'Resume',
    'dash.live.connecting': 'Connecting to the live stream…',
    'dash.live.reconnecting': 'Connection lost, reconnecting…',
    'dash.live.rate': '{rate} msg/s — {shown} shown, {grouped} grouped',
    'dash.live.split': '{negative} negative, {neutral} neutral, {positive} positive',
    'dash.live.severe': '{count} high or critical',
    'dash.live.dropped': '{count} lost (slow connection)',
    'dash.live.polling': 'The live stream is not available: the latest messages are fetched every 5 seconds.',
    'dash.live.paused': { one: 'Paused — {count} new message waiting.', other: 'Paused — {count} new messages waiting.' },
    'dash.live.empty': 'Waiting for messages…',
    'dash.live.announce': { one: '{count} new message, {negative} negative.', other: '{count} new messages, {negative} negative.' },
    'dash.live.feed': 'Latest messages, newest first',
  },
  fr: {
    'dash.title': 'Tableau de bord',
    'dash.range': 'Période',
    'dash.range.24h': '24 h', 'dash.range.7d': '7 jours', 'dash.range.30d': '30 jours', 'dash.range.90d': '90 jours', 'dash.range.custom': 'Personnalisée',
    'dash.from': 'Du', 'dash.to': 'Au',
    'dash.query': 'Requête', 'dash.channel': 'Canal', 'dash.lang': 'Langue', 'dash.sentiment': 'Sentiment',
    'dash.category': 'Catégorie', 'dash.severity': 'Gravité',
    'dash.all_f': 'Toutes', 'dash.all_queries': 'Tous les messages',
    'dash.kind.brand': 'Marques', 'dash.kind.competitor': 'Concurrents', 'dash.kind.topic': 'Sujets',
    'dash.high_critical': 'Haute + critique',
    'dash.updated': 'Mis à jour à {time}', 'dash.refresh': 'Actualiser',
    'dash.kpi.mentions': 'Mentions', 'dash.kpi.negative': 'Part de négatif', 'dash.kpi.reply': 'Réponse attendue',
    'dash.kpi.severe': 'Gravité haute ou critique',
    'dash.kpi.vs_prev': '{delta} par rapport à la période précédente', 'dash.kpi.no_prev': 'aucune donnée sur la période précédente',
    'dash.kpi.of_total': '{count} sur {total}',
    'dash.kpi.open': 'Voir ces messages',
    'dash.volume': 'Volume et sentiment',
    'dash.volume_aria': 'Barres empilées : mentions par {interval}, réparties par sentiment',
    'dash.per_brand': 'Sentiment par marque',
    'dash.per_brand_hint': 'Un graphique par requête de marque et de concurrent.',
    'dash.sov': 'Part de voix',
    'dash.sov_hint': 'Requêtes de marque et de concurrent, quel que soit le filtre de requête.',
    'dash.sov_share': 'Évolution des parts',
    'dash.sov_aria': 'Part de voix des requêtes de marque et de concurrent',
    'dash.categories': 'Catégories d’incident',
    'dash.categories_aria': 'Messages appelant une réponse par catégorie et par {interval}',
    'dash.channels': 'Canaux', 'dash.langs': 'Langues',
    'dash.severity_dist': 'Gravité',
    'dash.severity_note': 'Sans gravité : {none} · non étiquetés : {unlabelled}',
    'dash.authors': 'Principaux auteurs',
    'dash.authors.by': 'Classer par', 'dash.authors.reach': 'audience', 'dash.authors.mentions': 'messages',
    'dash.authors.author': 'Auteur', 'dash.authors.channel': 'Canal', 'dash.authors.followers': 'Abonnés',
    'dash.authors.count': 'Messages', 'dash.authors.total_reach': 'Audience', 'dash.authors.negative': 'Négatifs',
    'dash.authors.unavailable': 'Pas encore disponible sur ce serveur (GET /api/v1/stats/authors).',
    'dash.authors.ignored': 'Les filtres de catégorie et de gravité ne s’appliquent pas à ce panneau.',
    'dash.no_data': 'Aucun message pour ces filtres sur cette période.',
    'dash.no_brands': 'Aucune requête de marque ou de concurrent n’est définie.',
    'dash.interval.hour': 'heure', 'dash.interval.day': 'jour',
    'dash.drill_hint': 'Cliquez sur une barre ou une part pour voir ses messages.',
    'dash.competitor': 'concurrent',
    'dash.live': 'Flux en direct',
    'dash.live.pause': 'Pause', 'dash.live.resume': 'Reprendre',
    'dash.live.connecting': 'Connexion au flux en direct…',
    'dash.live.reconnecting': 'Connexion perdue, reconnexion…',
    'dash.live.rate': '{rate} msg/s — {shown} affichés, {grouped} regroupés',
    'dash.live.split': '{negative} négatifs, {neutral} neutres, {positive} positifs',
    'dash.live.severe': '{count} de gravité haute ou critique',
    'dash.live.dropped': '{count} perdus (connexion lente)',
    'dash.live.polling': 'Le flux en direct n’est pas disponible : les derniers messages sont relevés toutes les 5 secondes.',
    'dash.live.paused': { one: 'En pause — {count} nouveau message en attente.', other: 'En pause — {count} nouveaux messages en attente.' },
    'dash.live.empty': 'En attente de messages…',
    'dash.live.announce': { one: '{count} nouveau message, dont {negative} négatif.', other: '{count} nouveaux messages, dont {negative} négatifs.' },
    'dash.live.feed': 'Derniers messages, du plus récent au plus ancien',
  },
});

// ---- time range ------------------------------------------------------------

const HOUR = 3600e3;
const DAY = 24 * HOUR;
const RANGES = { '24h': DAY, '7d': 7 * DAY, '30d': 30 * DAY, '90d': 90 * DAY };
const INTERVAL_MS = { hour: HOUR, day: DAY };
const REFRESH_MS = 60e3;

// {from, to (ISO), fromMs, toMs, prevFrom (ISO, same length before), interval}.
export function resolveRange(query, now) {
  let toMs = now;
  let fromMs = now - RANGES['7d'];
  const range = query.range || '7d';
  if (range === 'custom') {
    const f = Date.parse(query.from || '');
    const tt = Date.parse(query.to || '');
    if (Number.isFinite(f)) fromMs = f;
    if (Number.isFinite(tt)) toMs = tt;
    if (toMs <= fromMs) toMs = fromMs + HOUR;
  } else if (RANGES[range]) {
    fromMs = now - RANGES[range];
  }
  const interval = toMs - fromMs <= 3 * DAY ? 'hour' : 'day';
  const iso = (ms) => new Date(ms).toISOString();
  return { from: iso(fromMs), to: iso(toMs), fromMs, toMs, prevFrom: iso(fromMs - (toMs - fromMs)), interval };
}

// "2024-03-01T12:00:00.000Z" → "2024-03-01T13:00" (the browser's zone, for datetime-local).
function toLocalInput(iso) {
  const ms = Date.parse(iso || '');
  if (!Number.isFinite(ms)) return '';
  const d = new Date(ms);
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

function bucketLabel(iso, interval, long) {
  if (interval === 'hour') {
    if (long) return fmtDateTime(iso, { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' });
    const hm = fmtTime(iso, { hour: '2-digit', minute: '2-digit' });
    return /^0?0[:h]00/.test(hm) ? fmtDate(iso, { day: 'numeric', month: 'short' }) : hm;
  }
  return fmtDate(iso, long ? { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric' } : { day: 'numeric', month: 'short' });
}

// ---- chart helpers -----------------------------------------------------------

const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]);
const AXIS_TEXT = '#55606e';

function axisTooltip(interval, unit = '') {
  return {
    trigger: 'axis',
    axisPointer: { type: 'shadow' },
    formatter: (items) => {
      if (!items.length) return '';
      const head = `<strong>${esc(bucketLabel(items[0].name, interval, true))}</strong>`;
      const rows = items
        .filter((p) => p.value !== null && p.value !== undefined)
        .map((p) => `${p.marker}${esc(p.seriesName)} <strong style="float:right;margin-left:1em">${esc(fmtNumber(p.value, { maximumFractionDigits: 1 }))}${unit}</strong>`);
      return [head, ...rows].join('<br/>');
    },
  };
}

function timeAxis(times, interval) {
  return {
    type: 'category',
    data: times,
    axisLabel: { color: AXIS_TEXT, formatter: (v) => bucketLabel(v, interval), hideOverlap: true },
    axisTick: { alignWithLabel: true },
  };
}

const numberLabel = (v) => fmtNumber(v);
const valueAxis = (extra = {}) => ({ type: 'value', minInterval: 1, ...extra, axisLabel: { color: AXIS_TEXT, formatter: numberLabel, ...(extra.axisLabel || {}) } });

// Stacked bars over time: `series` [{key, name, color?, points}], keys give drill-downs.
function stackedOption(series, interval, { legend = true, compact = false } = {}) {
  const times = series.length ? series[0].points.map((p) => p.t) : [];
  return {
    tooltip: axisTooltip(interval),
    legend: legend ? { top: 0, type: 'scroll', textStyle: { color: '#1b2430' } } : undefined,
    grid: compact ? { left: 4, right: 8, top: 10, bottom: 4, containLabel: true } : { left: 8, right: 12, top: legend ? 34 : 12, bottom: 8, containLabel: true },
    xAxis: timeAxis(times, interval),
    yAxis: valueAxis(),
    series: series.map((s) => ({
      id: s.key,
      name: s.name,
      type: 'bar',
      stack: 'total',
      barMaxWidth: 42,
      itemStyle: s.color ? { color: s.color } : undefined,
      emphasis: { focus: 'series' },
      data: s.points.map((p) => p.count),
    })),
  };
}

const SENTIMENT_ORDER = ['negative', 'neutral', 'positive', 'unknown', ''];
function sentimentSeries(data) {
  return [...(data.series || [])]
    .filter((s) => s.total > 0 || SENTIMENTS.includes(s.group))
    .sort((a, b) => SENTIMENT_ORDER.indexOf(a.group) - SENTIMENT_ORDER.indexOf(b.group))
    .map((s) => ({ key: s.group, name: t('sentiment.' + (s.group || '')), color: SENTIMENT_COLORS[s.group] || SENTIMENT_COLORS[''], points: s.points }));
}

const sumBy = (data, pred) => (data.series || []).filter(pred).reduce((n, s) => n + s.total, 0);
const total = (data) => sumBy(data, () => true);
const queryIdByName = (name) => {
  const q = queries().find((x) => x.name === name);
  return q ? q.id : /^\d+$/.test(name) ? Number(name) : null;
};

// A panel body for one request: spinner while there is nothing to show,
// the API's error, an empty note, or the content.
function Loaded({ state, empty, children }) {
  if (state.error) return html`<${ErrorBox} error=${state.error} />`;
  if (state.data === undefined) return html`<${Spinner} />`;
  if (empty && empty(state.data)) return html`<${Empty}>${t('dash.no_data')}</${Empty}>`;
  return children(state.data);
}

// The message of `prefix + code`, or the code itself when there is none ("es").
const known = (prefix, code) => {
  const m = t(prefix + (code || ''));
  return m === prefix + (code || '') ? code || '—' : m;
};

const volume = (params, signal) => get('/api/v1/stats/volume', params, { signal });

// ---- the screen ---------------------------------------------------------------

function Dashboard({ query }) {
  const [now, setNow] = useState(Date.now());
  const [opened, setOpened] = useState(null);
  useInterval(() => setNow(Date.now()), REFRESH_MS);
  const range = useMemo(() => resolveRange(query, now), [query.range, query.from, query.to, now]);
  const filters = useMemo(() => ({
    query_id: query.query_id, channel: query.channel, lang: query.lang,
    sentiment: query.sentiment, category: query.category, severity: query.severity,
  }), [query.query_id, query.channel, query.lang, query.sentiment, query.category, query.severity]);
  const base = useMemo(() => ({ interval: range.interval, from: range.from, to: range.to, ...filters }), [range, filters]);
  const key = JSON.stringify(base);

  // Opens the messages behind a chart element in the search screen.
  const drill = (extra = {}, bucket) => {
    const p = { ...filters, from: range.from, to: range.to, ...extra };
    if (bucket) {
      const start = Date.parse(bucket);
      p.from = new Date(start).toISOString(); // the bucket as the API counts it (floored)
      p.to = new Date(Math.min(start + INTERVAL_MS[range.interval], range.toMs)).toISOString();
    }
    navigate(withParams('/search', p));
  };
  const ctx = { base, key, range, filters, drill };

  return html`<${PageTitle} actions=${html`<span class="muted small" aria-live="off">${t('dash.updated', { time: fmtTime(now) })}</span>
      <${Button} kind="secondary" onClick=${() => setNow(Date.now())}>↻ ${t('dash.refresh')}</${Button}>`}>${t('dash.title')}</${PageTitle}>
    <${FilterBar} query=${query} range=${range} />
    <${Kpis} ...${ctx} />
    <div class="dash-main">
      <div class="dash-charts">
        <${VolumePanel} ...${ctx} />
        <${ShareOfVoice} ...${ctx} />
        <${Categories} ...${ctx} />
      </div>
      <${LiveStream} filters=${filters} onOpen=${(m) => setOpened(m.id)} />
    </div>
    ${filters.query_id ? null : html`<${PerBrand} ...${ctx} />`}
    <div class="grid grid-3 dash-row">
      <${Totals} ...${ctx} title=${t('dash.channels')} group="channel" label=${(g) => known('channel.', g)} />
      <${Totals} ...${ctx} title=${t('dash.langs')} group="lang" label=${(g) => known('lang.', g)} />
      <${Severity} ...${ctx} />
    </div>
    <${Authors} ...${ctx} />
    <${MentionDialog} id=${opened} onClose=${() => setOpened(null)} />`;
}

// ---- filter bar ----------------------------------------------------------------

function QuerySelect({ id, value, onChange }) {
  const groups = ['brand', 'competitor', 'topic']
    .map((kind) => ({ kind, items: queries().filter((q) => q.kind === kind) }))
    .filter((g) => g.items.length);
  return html`<select id=${id} value=${value || ''} onChange=${(e) => onChange(e.target.value)}>
    <option value="">${t('dash.all_queries')}</option>
    ${groups.map((g) => html`<optgroup key=${g.kind} label=${t('dash.kind.' + g.kind)}>
      ${g.items.map((q) => html`<option key=${q.id} value=${String(q.id)}>${q.name}</option>`)}
    </optgroup>`)}
  </select>`;
}

function FilterBar({ query, range }) {
  const set = (changes) => setQuery({ ...query, ...changes });
  const current = query.range || '7d';
  const setCustom = (which, local) => {
    const ms = Date.parse(local);
    if (!Number.isFinite(ms)) return;
    set({ range: 'custom', from: range.from, to: range.to, [which]: new Date(ms).toISOString() });
  };
  const sentiments = SENTIMENTS.map((s) => ({ value: s, label: t('sentiment.' + s) }));
  const categories = categoryNames().map((c) => ({ value: c, label: categoryLabel(c) }));
  const severities = [{ value: 'high,critical', label: t('dash.high_critical') },
    ...SEVERITIES.filter((s) => s !== 'none').map((s) => ({ value: s, label: t('severity.' + s) }))];
  const hasFilter = ['query_id', 'channel', 'lang', 'sentiment', 'category', 'severity', 'range'].some((k) => query[k]);
  return html`<form class="filters dash-filters" onSubmit=${(e) => e.preventDefault()} aria-label=${t('common.filters')}>
    <div class="field">
      <span class="field-label" id="dash-range-label">${t('dash.range')}</span>
      <div class="seg" role="group" aria-labelledby="dash-range-label">
        ${[...Object.keys(RANGES), 'custom'].map((r) => html`<button type="button" key=${r} class=${'btn' + (current === r ? ' is-active' : '')}
            aria-pressed=${current === r} data-range=${r}
            onClick=${() => (r === 'custom' ? set({ range: 'custom', from: range.from, to: range.to }) : set({ range: r === '7d' ? undefined : r, from: undefined, to: undefined }))}>
          ${t('dash.range.' + r)}</button>`)}
      </div>
    </div>
    ${current === 'custom' ? html`
      <${Field} label=${t('dash.from')}>${(id) => html`<input id=${id} type="datetime-local" value=${toLocalInput(range.from)}
          onChange=${(e) => setCustom('from', e.target.value)} />`}</${Field}>
      <${Field} label=${t('dash.to')}>${(id) => html`<input id=${id} type="datetime-local" value=${toLocalInput(range.to)}
          onChange=${(e) => setCustom('to', e.target.value)} />`}</${Field}>` : null}
    <${Field} label=${t('dash.query')}>${(id) => html`<${QuerySelect} id=${id} value=${query.query_id} onChange=${(v) => set({ query_id: v })} />`}</${Field}>
    <${Field} label=${t('dash.channel')}>${(id) => html`<${Select} id=${id} value=${query.channel} all=${t('common.all')}
        options=${CHANNELS.map((c) => ({ value: c, label: t('channel.' + c) }))} onChange=${(v) => set({ channel: v })} />`}</${Field}>
    <${Field} label=${t('dash.lang')}>${(id) => html`<${Select} id=${id} value=${query.lang} all=${t('dash.all_f')}
        options=${[...LANGS, 'und'].map((l) => ({ value: l, label: t('lang.' + l) }))} onChange=${(v) => set({ lang: v })} />`}</${Field}>
    <${Field} label=${t('dash.sentiment')}>${(id) => html`<${Select} id=${id} value=${query.sentiment} all=${t('common.all')}
        options=${sentiments} onChange=${(v) => set({ sentiment: v })} />`}</${Field}>
    <${Field} label=${t('dash.category')}>${(id) => html`<${Select} id=${id} value=${query.category} all=${t('dash.all_f')}
        options=${categories} onChange=${(v) => set({ category: v })} />`}</${Field}>
    <${Field} label=${t('dash.severity')}>${(id) => html`<${Select} id=${id} value=${query.severity} all=${t('dash.all_f')}
        options=${severities} onChange=${(v) => set({ severity: v })} />`}</${Field}>
    ${hasFilter ? html`<${Button} kind="ghost" onClick=${() => setQuery({})}>${t('common.reset')}</${Button}>` : null}
  </form>`;
}

// ---- KPIs ---------------------------------------------------------------------------

function Kpi({ label, state, value, detail, onOpen, testid }) {
  let body;
  if (state.error) body = html`<div class="kpi-error error-text small" role="alert">${state.error.message}</div>`;
  else if (state.data === undefined) body = html`<div class="kpi-value muted" aria-busy="true">…</div>`;
  else {
    const v = value(state.data);
    body = html`<div class="kpi-value" data-testid=${testid}>${v}</div><div class="kpi-detail small muted">${detail ? detail(state.data) : ''}</div>`;
  }
  const inner = html`<span class="kpi-label">${label}</span>${body}`;
  return html`<div class="panel kpi-card">
    ${onOpen && state.data !== undefined && !state.error
      ? html`<button type="button" class="kpi kpi-button" onClick=${onOpen} title=${t('dash.kpi.open')}>${inner}</button>`
      : html`<div class="kpi">${inner}</div>`}
  </div>`;
}

function Kpis({ base, key, range, drill }) {
  // The mentions KPI reads the previous period too (same length), for the trend.
  const mentions = useAsync((s) => volume({ ...base, from: range.prevFrom }, s), [key]);
  const sentiment = useAsync((s) => volume({ ...base, group_by: 'sentiment' }, s), [key]);
  const reply = useAsync((s) => volume({ ...base, needs_reply: true }, s), [key]);
  const severity = useAsync((s) => volume({ ...base, group_by: 'severity' }, s), [key]);
  const split = (data) => {
    const pts = (data.series[0] && data.series[0].points) || [];
    const start = Date.parse(range.from) - (Date.parse(range.from) % INTERVAL_MS[range.interval]);
    let cur = 0;
    let prev = 0;
    for (const p of pts) (Date.parse(p.t) >= start ? (cur += p.count) : (prev += p.count));
    return { cur, prev };
  };
  const severe = (d) => sumBy(d, (s) => s.group === 'high' || s.group === 'critical');
  return html`<div class="grid grid-4 dash-kpis">
    <${Kpi} label=${t('dash.kpi.mentions')} state=${mentions} testid="kpi-mentions"
      value=${(d) => fmtNumber(split(d).cur)}
      detail=${(d) => {
        const { cur, prev } = split(d);
        if (!prev) return t('dash.kpi.no_prev');
        const delta = (cur - prev) / prev;
        return html`<span class=${delta > 0 ? 'trend-up' : delta < 0 ? 'trend-down' : ''}>${delta > 0 ? '▲' : delta < 0 ? '▼' : '='}</span>
          ${t('dash.kpi.vs_prev', { delta: (delta > 0 ? '+' : '') + fmtPercent(delta) })}`;
      }}
      onOpen=${() => drill()} />
    <${Kpi} label=${t('dash.kpi.negative')} state=${sentiment} testid="kpi-negative"
      value=${(d) => (total(d) ? fmtPercent(sumBy(d, (s) => s.group === 'negative') / total(d)) : '—')}
      detail=${(d) => t('dash.kpi.of_total', { count: sumBy(d, (s) => s.group === 'negative'), total: total(d) })}
      onOpen=${() => drill({ sentiment: 'negative' })} />
    <${Kpi} label=${t('dash.kpi.reply')} state=${reply} testid="kpi-reply"
      value=${(d) => fmtNumber(total(d))}
      onOpen=${() => drill({ needs_reply: 'true' })} />
    <${Kpi} label=${t('dash.kpi.severe')} state=${severity} testid="kpi-severe"
      value=${(d) => fmtNumber(severe(d))}
      detail=${(d) => (total(d) ? fmtPercent(severe(d) / total(d)) : '')}
      onOpen=${() => drill({ severity: 'high,critical' })} />
  </div>`;
}

// ---- volume and sentiment ----------------------------------------------------------

function VolumePanel({ base, key, range, drill }) {
  const state = useAsync((s) => volume({ ...base, group_by: 'sentiment' }, s), [key]);
  const option = useMemo(() => state.data && stackedOption(sentimentSeries(state.data), range.interval), [state.data]);
  return html`<${Panel} id="dash-volume" title=${t('dash.volume')} actions=${html`<span class="muted small">${t('dash.drill_hint')}</span>`}>
    <${Loaded} state=${state} empty=${(d) => !total(d)}>${(d) => {
      const keys = sentimentSeries(d).map((s) => s.key);
      return html`<${Chart} option=${option} height=${280} label=${t('dash.volume_aria', { interval: t('dash.interval.' + range.interval) })}
        onClick=${(p) => drill(keys[p.seriesIndex] ? { sentiment: keys[p.seriesIndex] } : {}, p.name)} />`;
    }}</${Loaded}>
  </${Panel}>`;
}

// One small stacked chart per brand / competitor query.
function PerBrand({ base, key, range, drill }) {
  const brands = queries().filter((q) => q.kind === 'brand' || q.kind === 'competitor').slice(0, 12);
  const state = useAsync(
    (s) => Promise.all(brands.map((q) => volume({ ...base, group_by: 'sentiment', query_id: q.id }, s)
      .then((data) => ({ q, data }), (error) => { if (error.name === 'AbortError') throw error; return { q, error }; }))),
    [key, brands.map((q) => q.id).join(',')],
  );
  if (!brands.length) return null;
  return html`<${Panel} id="dash-brands" title=${t('dash.per_brand')} actions=${html`<span class="muted small">${t('dash.per_brand_hint')}</span>`}>
    <div class="legend-inline small" aria-hidden="true">
      ${SENTIMENTS.map((s) => html`<span key=${s}><i style=${{ background: SENTIMENT_COLORS[s] }}></i>${t('sentiment.' + s)}</span>`)}
    </div>
    <${Loaded} state=${state}>${(rows) => rows.length && rows.every((r) => r.error && r.error.message === rows[0].error.message)
      ? html`<${ErrorBox} error=${rows[0].error} />` // the same refusal for every query: once
      : html`<div class="brand-grid">
      ${rows.map(({ q, data, error }) => html`<div key=${q.id} class="brand-cell">
        <h3 class="brand-name"><span class="mono">${q.name}</span>
          ${q.kind === 'competitor' ? html`<span class="badge badge-neu">${t('dash.competitor')}</span>` : null}
          <span class="spacer"></span><span class="muted small">${error ? '' : fmtNumber(total(data))}</span></h3>
        ${error ? html`<${ErrorBox} error=${error} />`
          : !total(data) ? html`<div class="empty small">${t('dash.no_data')}</div>`
          : html`<${BrandChart} data=${data} interval=${range.interval} name=${q.name}
              onClick=${(keys, p) => drill({ query_id: q.id, ...(keys[p.seriesIndex] ? { sentiment: keys[p.seriesIndex] } : {}) }, p.name)} />`}
      </div>`)}
    </div>`}</${Loaded}>
  </${Panel}>`;
}

function BrandChart({ data, interval, name, onClick }) {
  const series = useMemo(() => sentimentSeries(data), [data]);
  const option = useMemo(() => stackedOption(series, interval, { legend: false, compact: true }), [series, interval]);
  const keys = series.map((s) => s.key);
  return html`<${Chart} option=${option} height=${150} label=${name + ' — ' + t('dash.volume')} onClick=${(p) => onClick(keys, p)} />`;
}

// ---- share of voice ----------------------------------------------------------------

function ShareOfVoice({ base, key, range, drill }) {
  const ids = queries().filter((q) => q.kind === 'brand' || q.kind === 'competitor').map((q) => q.id);
  const state = useAsync(
    (s) => (ids.length ? volume({ ...base, group_by: 'query', query_id: ids.join(',') }, s) : Promise.resolve(null)),
    [key, ids.join(',')],
  );
  const options = useMemo(() => {
    const d = state.data;
    if (!d) return null;
    const series = d.series.filter((s) => s.total > 0);
    const times = series.length ? series[0].points.map((p) => p.t) : [];
    const sums = times.map((_, i) => series.reduce((n, s) => n + s.points[i].count, 0));
    const pie = {
      tooltip: { trigger: 'item', formatter: (p) => `${p.marker}${esc(p.name)}<br/><strong>${esc(fmtNumber(p.value))}</strong> (${esc(fmtPercent(p.percent / 100))})` },
      series: [{
        type: 'pie', radius: ['42%', '70%'], center: ['50%', '52%'], avoidLabelOverlap: true,
        minShowLabelAngle: 20,
        label: { position: 'inside', formatter: (p) => fmtPercent(p.percent / 100, 0), color: '#fff', fontSize: 12, fontWeight: 700,
          textBorderColor: 'rgba(0,0,0,0.35)', textBorderWidth: 2 },
        data: series.map((s) => ({ name: s.group, value: s.total, key: s.group })),
      }],
    };
    // No legend: the colours are the donut's, named in the table below.
    const line = {
      tooltip: axisTooltip(range.interval, ' %'),
      grid: { left: 8, right: 12, top: 12, bottom: 8, containLabel: true },
      xAxis: { ...timeAxis(times, range.interval), boundaryGap: false },
      yAxis: valueAxis({ max: 100, axisLabel: { formatter: (v) => fmtNumber(v) + ' %' } }),
      series: series.map((s) => ({
        name: s.group, type: 'line', showSymbol: times.length < 40, symbolSize: 6, smooth: false,
        data: s.points.map((p, i) => (sums[i] ? Math.round((1000 * p.count) / sums[i]) / 10 : null)),
      })),
    };
    const all = series.reduce((n, s) => n + s.total, 0);
    const rows = series.map((s, i) => ({ name: s.group, total: s.total, share: all ? s.total / all : 0, color: PALETTE[i % PALETTE.length] }));
    return { pie, line, rows, names: series.map((s) => s.group) };
  }, [state.data]);
  return html`<${Panel} id="dash-sov" title=${t('dash.sov')} actions=${html`<span class="muted small">${t('dash.sov_hint')}</span>`}>
    ${!ids.length ? html`<${Empty}>${t('dash.no_brands')}</${Empty}>` : html`<${Loaded} state=${state} empty=${(d) => !total(d)}>${() => html`
      <div class="sov">
        <${Chart} option=${options.pie} height=${260} label=${t('dash.sov_aria')}
          onClick=${(p) => queryIdByName(p.name) && drill({ query_id: queryIdByName(p.name) })} />
        <${Chart} option=${options.line} height=${260} label=${t('dash.sov_share')}
          onClick=${(p) => queryIdByName(options.names[p.seriesIndex]) && drill({ query_id: queryIdByName(options.names[p.seriesIndex]) }, p.name)} />
      </div>
      <ul class="sov-legend small">
        ${options.rows.map((r) => html`<li key=${r.name}>
          <button type="button" class="btn btn-ghost btn-small" onClick=${() => queryIdByName(r.name) && drill({ query_id: queryIdByName(r.name) })}>
            <i style=${{ background: r.color }} aria-hidden="true"></i><span class="mono">${r.name}</span>
            <strong>${fmtPercent(r.share)}</strong> <span class="muted">(${fmtNumber(r.total)})</span>
            ${queries().some((q) => q.name === r.name && q.kind === 'competitor') ? html` <span class="badge badge-neu">${t('dash.competitor')}</span>` : null}
          </button></li>`)}
      </ul>`}</${Loaded}>`}
  </${Panel}>`;
}

// ---- categories ---------------------------------------------------------------------

function Categories({ base, key, range, drill }) {
  const state = useAsync((s) => volume({ ...base, group_by: 'category' }, s), [key]);
  const series = useMemo(() => state.data && state.data.series
    .filter((s) => s.group && s.group !== 'none' && s.total > 0)
    .map((s) => ({ key: s.group, name: categoryLabel(s.group), points: s.points })), [state.data]);
  const option = useMemo(() => series && stackedOption(series, range.interval), [series]);
  return html`<${Panel} id="dash-categories" title=${t('dash.categories')}>
    <${Loaded} state=${state} empty=${() => !series || !series.length}>${() => html`<${Chart} option=${option} height=${260}
        label=${t('dash.categories_aria', { interval: t('dash.interval.' + range.interval) })}
        onClick=${(p) => drill({ category: series[p.seriesIndex].key }, p.name)} />`}</${Loaded}>
  </${Panel}>`;
}

// ---- totals per channel / language -----------------------------------------------------

function barsOption(rows, color) {
  return {
    tooltip: { trigger: 'item', formatter: (p) => `${esc(p.name)} : <strong>${esc(fmtNumber(p.value))}</strong>` },
    grid: { left: 8, right: 40, top: 4, bottom: 4, containLabel: true },
    xAxis: { type: 'value', minInterval: 1, axisLabel: { color: AXIS_TEXT, hideOverlap: true, formatter: numberLabel } },
    yAxis: { type: 'category', inverse: true, data: rows.map((r) => r.name), axisLabel: { color: '#1b2430' } },
    series: [{
      type: 'bar', barMaxWidth: 22, label: { show: true, position: 'right', color: AXIS_TEXT, formatter: (p) => fmtNumber(p.value) },
      data: rows.map((r) => ({ value: r.value, itemStyle: { color: r.color || color } })),
    }],
  };
}

function Totals({ base, key, drill, title, group, label }) {
  const state = useAsync((s) => volume({ ...base, group_by: group }, s), [key]);
  const rows = useMemo(() => state.data && state.data.series.filter((s) => s.total > 0)
    .map((s) => ({ key: s.group, name: label(s.group), value: s.total })), [state.data]);
  const option = useMemo(() => rows && barsOption(rows, '#1f4e8c'), [rows]);
  return html`<${Panel} id=${'dash-' + group} title=${title}>
    <${Loaded} state=${state} empty=${() => !rows || !rows.length}>${() => html`<${Chart} option=${option}
        height=${Math.max(140, rows.length * 30 + 20)} label=${title}
        onClick=${(p) => drill({ [group]: rows[p.dataIndex].key })} />`}</${Loaded}>
  </${Panel}>`;
}

function Severity({ base, key, drill }) {
  const state = useAsync((s) => volume({ ...base, group_by: 'severity' }, s), [key]);
  const levels = ['critical', 'high', 'medium', 'low'];
  const rows = useMemo(() => state.data && levels.map((l) => ({
    key: l, name: t('severity.' + l), color: SEVERITY_COLORS[l], value: sumBy(state.data, (s) => s.group === l),
  })), [state.data]);
  const option = useMemo(() => rows && barsOption(rows), [rows]);
  return html`<${Panel} id="dash-severity" title=${t('dash.severity_dist')}>
    <${Loaded} state=${state} empty=${(d) => !total(d)}>${(d) => html`<${Chart} option=${option} height=${150} label=${t('dash.severity_dist')}
        onClick=${(p) => drill({ severity: rows[p.dataIndex].key })} />
      <p class="muted small">${t('dash.severity_note', { none: sumBy(d, (s) => s.group === 'none'), unlabelled: sumBy(d, (s) => !s.group) })}</p>`}</${Loaded}>
  </${Panel}>`;
}

// ---- top authors -------------------------------------------------------------------------

// GET /api/v1/stats/authors (notes' contract): ?from&to&query_id&channel&lang&sentiment&limit&by=reach|mentions.
// Items are read leniently: {handle | author.handle, name | display_name, channel, followers, mentions | count, reach, negative}.
function Authors({ range, filters }) {
  const [by, setBy] = useState('reach');
  const params = { from: range.from, to: range.to, query_id: filters.query_id, channel: filters.channel, lang: filters.lang,
    sentiment: filters.sentiment, limit: 10, by };
  const state = useAsync((s) => get('/api/v1/stats/authors', params, { signal: s }), [JSON.stringify(params)]);
  const items = state.data ? state.data.items || state.data.authors || [] : [];
  const row = (a) => {
    const au = a.author || {};
    return {
      handle: a.handle || au.handle || '', name: a.name || a.display_name || au.name || au.display_name || '',
      channel: a.channel, followers: a.followers ?? au.followers, count: a.mentions ?? a.count, reach: a.reach, negative: a.negative,
    };
  };
  const ignored = filters.category || filters.severity;
  return html`<${Panel} id="dash-authors" title=${t('dash.authors')} actions=${html`
      <label class="small muted" for="dash-authors-by">${t('dash.authors.by')}</label>
      <select id="dash-authors-by" value=${by} onChange=${(e) => setBy(e.target.value)}>
        <option value="reach">${t('dash.authors.reach')}</option><option value="mentions">${t('dash.authors.mentions')}</option>
      </select>`}>
    ${state.error && state.error.status === 404 ? html`<p class="muted small" data-testid="authors-unavailable">${t('dash.authors.unavailable')}</p>`
      : html`<${Loaded} state=${state} empty=${() => !items.length}>${() => html`<div class="table-wrap"><table class="table">
        <thead><tr><th scope="col">${t('dash.authors.author')}</th><th scope="col">${t('dash.authors.channel')}</th>
          <th scope="col" class="num">${t('dash.authors.followers')}</th><th scope="col" class="num">${t('dash.authors.count')}</th>
          <th scope="col" class="num">${t('dash.authors.total_reach')}</th><th scope="col" class="num">${t('dash.authors.negative')}</th></tr></thead>
        <tbody>${items.map(row).map((a, i) => html`<tr key=${i}>
          <td><a href=${withParams('/search', { author: a.handle, from: range.from, to: range.to, channel: a.channel })}>${a.name || '@' + a.handle}</a>
            ${a.name && a.handle ? html` <span class="muted small">@${a.handle}</span>` : null}</td>
          <td>${a.channel ? t('channel.' + a.channel) : ''}</td>
          <td class="num">${fmtNumber(a.followers)}</td><td class="num">${fmtNumber(a.count)}</td>
          <td class="num">${fmtNumber(a.reach)}</td><td class="num">${fmtNumber(a.negative)}</td>
        </tr>`)}</tbody></table></div>
        ${ignored ? html`<p class="muted small">${t('dash.authors.ignored')}</p>` : null}`}</${Loaded}>`}
  </${Panel}>`;
}

// ---- live stream -------------------------------------------------------------------------

const LIVE_MAX = 50;          // cards kept
const LIVE_RATE = 10;         // max_rate asked of the stream
const FLUSH_MS = 500;         // at most two renders a second
const ANNOUNCE_MS = 15e3;     // screen-reader summary at most every 15 s
const POLL_MS = 5e3;
const RETRY_STREAM_MS = 60e3;

function LiveStream({ filters, onOpen }) {
  const [view, setView] = useState({ items: [], stats: null, mode: 'connecting', waiting: 0 });
  const [paused, setPaused] = useState(false);
  const [announce, setAnnounce] = useState('');
  const buf = useRef(null);
  const pausedRef = useRef(paused);
  pausedRef.current = paused;
  const key = JSON.stringify(filters);

  useEffect(() => {
    // Everything the sources write goes to `b`; the flush timer renders it.
    const b = { incoming: [], stats: null, mode: 'connecting', dirty: true, paused: pausedRef.current, waiting: 0, news: 0, newsNeg: 0 };
    buf.current = b;
    setView({ items: [], stats: null, mode: 'connecting', waiting: 0 });
    let stopped = false;
    let closeStream = null;
    let pollTimer = null;
    let retryTimer = null;
    let pollCtl = null;
    const seen = new Set();
    const setMode = (m) => { b.mode = m; b.dirty = true; };
    const push = (m) => {
      if (!m || seen.has(m.id)) return;
      seen.add(m.id);
      if (seen.size > 4 * LIVE_MAX) seen.delete(seen.values().next().value);
      b.incoming.push(m);
      if (b.incoming.length > LIVE_MAX) b.incoming.splice(0, b.incoming.length - LIVE_MAX);
      if (b.paused) b.waiting++;
      b.news++;
      if (m.sentiment === 'negative') b.newsNeg++;
      b.dirty = true;
    };
    const labelText = labelQuery(filters);
    // The newest 20; when none of them was seen before (more than 20 arrived
    // since the last poll), up to two older pages fill the gap.
    const poll = async () => {
      if (pollCtl) pollCtl.abort();
      const ctl = (pollCtl = new AbortController());
      const params = { limit: 20, query_id: filters.query_id, channel: filters.channel, lang: filters.lang, query: labelText || undefined };
      const got = [];
      try {
        let cursor;
        for (let pages = 0; pages < 3; pages++) {
          const page = await get('/api/v1/mentions', { ...params, cursor }, { signal: ctl.signal });
          got.push(...page.items);
          cursor = page.next_cursor;
          if (!seen.size || !cursor || page.items.some((m) => seen.has(m.id))) break;
        }
      } catch {
        // Shown as it was; the next poll tries again.
      }
      if (!ctl.signal.aborted) got.slice(0, LIVE_MAX).reverse().forEach(push);
    };
    const startPolling = () => {
      if (pollTimer || stopped) return;
      setMode('polling');
      poll();
      pollTimer = setInterval(poll, POLL_MS);
    };
    const stopPolling = () => {
      if (pollTimer) clearInterval(pollTimer);
      pollTimer = null;
      if (pollCtl) pollCtl.abort();
    };
    const openStream = () => {
      retryTimer = null;
      const params = { ...filters, max_rate: LIVE_RATE };
      const close = stream('/api/v1/mentions/stream', params, {
        mention: push,
        stats: (s) => { b.stats = s; b.dirty = true; },
      }, (state) => {
        if (stopped) return;
        if (state === 'open') {
          stopPolling();
          setMode('live');
        } else if (state === 'closed') {
          // Refused (404/503/400) or ended: poll, and try the stream again later.
          close();
          closeStream = null;
          b.stats = null;
          startPolling();
          retryTimer = setTimeout(openStream, RETRY_STREAM_MS);
        } else if (b.mode === 'live') {
          setMode('reconnecting');
        }
      });
      closeStream = close;
    };
    openStream();

    const flush = setInterval(() => {
      if (!b.dirty) return;
      b.dirty = false;
      const fresh = b.paused ? [] : b.incoming.splice(0).reverse();
      const { stats, mode, waiting } = b;
      setView((v) => ({
        items: fresh.length ? [...fresh, ...v.items].slice(0, LIVE_MAX) : v.items,
        stats, mode, waiting,
      }));
    }, FLUSH_MS);
    const announcer = setInterval(() => {
      if (b.paused || !b.news) return;
      setAnnounce(t('dash.live.announce', { count: b.news, negative: b.newsNeg }));
      b.news = 0;
      b.newsNeg = 0;
    }, ANNOUNCE_MS);

    return () => {
      stopped = true;
      if (closeStream) closeStream();
      stopPolling();
      if (retryTimer) clearTimeout(retryTimer);
      clearInterval(flush);
      clearInterval(announcer);
    };
  }, [key]);

  const togglePause = () => {
    const b = buf.current;
    const next = !paused;
    setPaused(next);
    if (b) {
      b.paused = next;
      b.waiting = 0;
      b.dirty = true;
    }
  };

  const s = view.stats;
  const rate = s && s.window_ms ? (s.matched * 1000) / s.window_ms : null;
  const bySent = (s && s.by_sentiment) || {};
  const bySev = (s && s.by_severity) || {};
  const severe = (bySev.high || 0) + (bySev.critical || 0);
  return html`<${Panel} id="dash-live" class="live-panel" title=${t('dash.live')} actions=${html`
      <span class=${'live-dot live-' + view.mode} aria-hidden="true"></span>
      <${Button} kind="secondary" class="btn btn-small btn-secondary" aria-pressed=${paused} onClick=${togglePause} data-testid="live-pause">
        ${paused ? '▶ ' + t('dash.live.resume') : '❚❚ ' + t('dash.live.pause')}</${Button}>`}>
    <div class="live-status small" data-testid="live-status" data-mode=${view.mode}>
      ${view.mode === 'live' && s ? html`<div class="live-rate"><strong>${t('dash.live.rate', { rate: Math.round(rate), shown: s.sent, grouped: s.skipped })}</strong></div>
        <div class="muted">${t('dash.live.split', { negative: bySent.negative || 0, neutral: bySent.neutral || 0, positive: bySent.positive || 0 })}
          ${severe ? html` · <span class="error-text">${t('dash.live.severe', { count: severe })}</span>` : null}
          ${s.dropped ? ' · ' + t('dash.live.dropped', { count: s.dropped }) : ''}</div>` : null}
      ${view.mode === 'connecting' ? html`<span class="muted">${t('dash.live.connecting')}</span>` : null}
      ${view.mode === 'reconnecting' ? html`<span class="muted">${t('dash.live.reconnecting')}</span>` : null}
      ${view.mode === 'polling' ? html`<span class="muted live-polling">${t('dash.live.polling')}</span>` : null}
      ${paused ? html`<div class="live-paused">${t('dash.live.paused', { count: view.waiting })}</div>` : null}
    </div>
    <div class="sr-only" aria-live="polite" aria-atomic="true" data-testid="live-announce">${announce}</div>
    <div class="live-feed" role="feed" aria-label=${t('dash.live.feed')} aria-busy=${view.mode === 'connecting'}>
      ${view.items.length ? view.items.map((m) => html`<${MentionCard} key=${m.id} mention=${m} compact onOpen=${onOpen} />`)
        : html`<${Empty}>${t('dash.live.empty')}</${Empty}>`}
    </div>
  </${Panel}>`;
}

route('/', { screen: Dashboard, title: 'dash.title', permission: 'read', nav: { label: 'nav.dashboard', order: 10, icon: '▦' } });
