// Reports (route /reports, permission read_reports): for a time range,
// - SLA: GET /api/v1/reports/sla?from&to&group_by&target&wall_clock —
//   the share of targets met, p50 / p90 / mean and the distribution of
//   first-response (or resolution) times per team, channel, agent,
//   account or priority: stacked histogram bars per group, and a table;
// - incident typology: GET /api/v1/stats/volume?group_by=category&
//   interval=day|week — stacked bars per period, a table with each
//   category's share (messages needing no reply and unlabelled ones are
//   left out: they are not incidents);
// - channel split: GET /api/v1/stats/volume?group_by=channel — a donut
//   and a table with shares;
// - CSV exports of the range: one row per message (GET
//   /api/v1/export/mentions.csv?from&to) and one per case (GET
//   /api/v1/export/cases.csv?from&to), plain download links.
// The settings live in the URL query: range (1d|7d|30d|90d|custom), from
// and to (YYYY-MM-DD, for custom; to inclusive), group_by, metric
// (first_response|resolution), target (minutes; empty = the policies'),
// wall_clock (1), interval (day|week).
import { get, downloadUrl } from '../api.js';
import { registerMessages, t, fmtDate, fmtDuration, fmtNumber, fmtPercent } from '../i18n.js';
import { route, setQuery } from '../router.js';
import { html, useAsync, useMemo, ErrorBox, Empty, PageTitle, Panel, Spinner } from '../ui.js';
import { Chart, PALETTE } from '../charts.js';
import { categoryLabel } from '../labels.js';
import { label } from './care-common.js';
import './reports.css';

registerMessages({
  en: {
    'reports.title': 'Reports',
    'reports.settings': 'Report settings',
    'reports.range': 'Period',
    'reports.range.1d': 'Last 24 hours',
    'reports.range.7d': 'Last 7 days',
    'reports.range.30d': 'Last 30 days',
    'reports.range.90d': 'Last 90 days',
    'reports.range.custom': 'Custom dates',
    'reports.from': 'From',
    'reports.to': 'To (inclusive)',
    'reports.group_by': 'Group by',
    'reports.group.team': 'Team', 'reports.group.channel': 'Channel', 'reports.group.agent': 'Agent',
    'reports.group.account': 'Brand account', 'reports.group.priority': 'Priority',
    'reports.metric': 'Measure',
    'reports.target': 'Target',
    'reports.target_policy': 'SLA policies’ targets',
    'reports.target_fixed': 'Answered within {time}',
    'reports.wall_clock': 'Wall-clock time (not business hours)',
    'reports.interval': 'Periods',
    'reports.interval.day': 'Days', 'reports.interval.week': 'Weeks',
    'reports.export': 'Exports',
    'reports.export_mentions': 'Messages (CSV)',
    'reports.export_mentions_title': 'One row per message of the period',
    'reports.export_cases': 'Cases (CSV)',
    'reports.export_cases_title': 'One row per case created in the period',
    'reports.sla': 'Service levels',
    'reports.sla_unit_business': 'Durations in business time of each case’s SLA policy.',
    'reports.sla_unit_wall': 'Durations in wall-clock time.',
    'reports.kpi.cases': 'Cases',
    'reports.kpi.fr_met': 'First responses in time',
    'reports.kpi.fr_p50': 'Median first response',
    'reports.kpi.fr_p90': '90th percentile',
    'reports.kpi.res_met': 'Resolutions in time',
    'reports.distribution': 'Distribution of {metric} times by {group}',
    'reports.distribution_aria': 'Stacked bars: for each group, the number of cases per duration band.',
    'reports.no_cases': 'No case was created in this period.',
    'reports.col.group': 'Group',
    'reports.col.cases': 'Cases',
    'reports.col.done.first_response': 'Answered',
    'reports.col.done.resolution': 'Resolved',
    'reports.col.met': 'Met',
    'reports.col.breached': 'Breached',
    'reports.col.running': 'Running',
    'reports.col.pct': '% met',
    'reports.col.p50': 'p50',
    'reports.col.p90': 'p90',
    'reports.col.mean': 'Mean',
    'reports.total': 'All',
    'reports.bucket.<=15m': '≤ 15 min', 'reports.bucket.<=1h': '15 min – 1 h', 'reports.bucket.<=3h': '1 – 3 h',
    'reports.bucket.<=8h': '3 – 8 h', 'reports.bucket.<=24h': '8 – 24 h', 'reports.bucket.>24h': '> 24 h',
    'reports.typology': 'Incident typology',
    'reports.typology_hint': 'Messages that need a reply, by category (messages needing no reply are left out).',
    'reports.typology_aria': 'Stacked bars: messages per category for each period.',
    'reports.col.category': 'Category',
    'reports.col.messages': 'Messages',
    'reports.col.share': 'Share',
    'reports.channels': 'Channel split',
    'reports.channels_aria': 'Donut: share of the messages per channel.',
    'reports.col.channel': 'Channel',
    'reports.none': 'No message in this period.',
    'reports.other': 'Other',
    'reports.unknown_group': '(none)',
  },
  fr: {
    'reports.title': 'Rapports',
    'reports.settings': 'Paramètres du rapport',
    'reports.range': 'Période',
    'reports.range.1d': 'Dernières 24 heures',
    'reports.range.7d': '7 derniers jours',
    'reports.range.30d': '30 derniers jours',
    'reports.range.90d': '90 derniers jours',
    'reports.range.custom': 'Dates personnalisées',
    'reports.from': 'Du',
    'reports.to': 'Au (inclus)',
    'reports.group_by': 'Regrouper par',
    'reports.group.team': 'Équipe', 'reports.group.channel': 'Canal', 'reports.group.agent': 'Agent',
    'reports.group.account': 'Compte de marque', 'reports.group.priority': 'Priorité',
    'reports.metric': 'Mesure',
    'reports.target': 'Objectif',
    'reports.target_policy': 'Objectifs des politiques SLA',
    'reports.target_fixed': 'Réponse en moins de {time}',
    'reports.wall_clock': 'Temps calendaire (hors heures ouvrées)',
    'reports.interval': 'Périodes',
    'reports.interval.day': 'Jours', 'reports.interval.week': 'Semaines',
    'reports.export': 'Exports',
    'reports.export_mentions': 'Messages (CSV)',
    'reports.export_mentions_title': 'Une ligne par message de la période',
    'reports.export_cases': 'Dossiers (CSV)',
    'reports.export_cases_title': 'Une ligne par dossier créé dans la période',
    'reports.sla': 'Niveaux de service',
    'reports.sla_unit_business': 'Durées en temps ouvré, selon la politique SLA de chaque dossier.',
    'reports.sla_unit_wall': 'Durées en temps calendaire.',
    'reports.kpi.cases': 'Dossiers',
    'reports.kpi.fr_met': 'Premières réponses dans les temps',
    'reports.kpi.fr_p50': 'Première réponse médiane',
    'reports.kpi.fr_p90': '90e centile',
    'reports.kpi.res_met': 'Résolutions dans les temps',
    'reports.distribution': 'Répartition des délais de {metric} par {group}',
    'reports.distribution_aria': 'Barres empilées : pour chaque groupe, le nombre de dossiers par tranche de délai.',
    'reports.no_cases': 'Aucun dossier créé sur cette période.',
    'reports.col.group': 'Groupe',
    'reports.col.cases': 'Dossiers',
    'reports.col.done.first_response': 'Répondus',
    'reports.col.done.resolution': 'Résolus',
    'reports.col.met': 'Respectés',
    'reports.col.breached': 'Dépassés',
    'reports.col.running': 'En cours',
    'reports.col.pct': '% respectés',
    'reports.col.p50': 'p50',
    'reports.col.p90': 'p90',
    'reports.col.mean': 'Moyenne',
    'reports.total': 'Ensemble',
    'reports.bucket.<=15m': '≤ 15 min', 'reports.bucket.<=1h': '15 min – 1 h', 'reports.bucket.<=3h': '1 – 3 h',
    'reports.bucket.<=8h': '3 – 8 h', 'reports.bucket.<=24h': '8 – 24 h', 'reports.bucket.>24h': '> 24 h',
    'reports.typology': 'Typologie des incidents',
    'reports.typology_hint': 'Messages appelant une réponse, par catégorie (ceux qui n’en appellent pas sont exclus).',
    'reports.typology_aria': 'Barres empilées : messages par catégorie pour chaque période.',
    'reports.col.category': 'Catégorie',
    'reports.col.messages': 'Messages',
    'reports.col.share': 'Part',
    'reports.channels': 'Répartition par canal',
    'reports.channels_aria': 'Anneau : part des messages par canal.',
    'reports.col.channel': 'Canal',
    'reports.none': 'Aucun message sur cette période.',
    'reports.other': 'Autres',
    'reports.unknown_group': '(aucun)',
  },
});

const RANGES = { '1d': 1, '7d': 7, '30d': 30, '90d': 90 };
const GROUPS = ['team', 'channel', 'agent', 'account', 'priority'];
const BUCKETS = ['<=15m', '<=1h', '<=3h', '<=8h', '<=24h', '>24h'];
const BUCKET_COLORS = ['#1e7b45', '#5fa35f', '#b7950b', '#d9822b', '#c0392b', '#7b0d1e'];
const TARGETS = [15, 30, 60, 180, 480, 1440];
const DAY = 86400000;

const isoDay = (d) => d.toISOString().slice(0, 10);

// The API's from / to (ISO) of the URL settings; to is exclusive.
export function rangeOf(query) {
  if (query.range === 'custom' && query.from) {
    const to = query.to ? new Date(Date.parse(query.to) + DAY) : new Date();
    return { from: query.from, to: query.to ? isoDay(to) : to.toISOString() };
  }
  const days = RANGES[query.range] || 7;
  const now = Date.now();
  // Rounded to the minute, so that the answers can be reused a moment.
  const to = new Date(Math.ceil(now / 60000) * 60000);
  return { from: new Date(to.getTime() - days * DAY).toISOString(), to: to.toISOString() };
}

const minutes = (m) => (m === null || m === undefined ? '—' : fmtDuration(m * 60000));
const pct = (p) => (p === null || p === undefined ? '—' : fmtPercent(p / 100));

function groupLabel(groupBy, key) {
  if (key === '' || key === null || key === undefined) return t('reports.unknown_group');
  if (groupBy === 'channel') return label('channel.', key);
  if (groupBy === 'priority') return label('care.priority.', key);
  return key;
}

// ---- settings --------------------------------------------------------
function Settings({ query }) {
  const set = (k, v) => setQuery({ ...query, [k]: v });
  const range = query.range || '7d';
  const sel = (id, key, value, options, text) => html`<div class="field">
    <label for=${id}>${text}</label>
    <select id=${id} value=${value} onChange=${(e) => set(key, e.target.value)}>
      ${options.map(([v, l]) => html`<option key=${v} value=${v}>${l}</option>`)}
    </select></div>`;
  const today = isoDay(new Date());
  return html`<form class="filters report-settings" aria-label=${t('reports.settings')} onSubmit=${(e) => e.preventDefault()}>
    ${sel('rep-range', 'range', range, [...Object.keys(RANGES), 'custom'].map((r) => [r, t('reports.range.' + r)]), t('reports.range'))}
    ${range === 'custom' ? html`
      <div class="field"><label for="rep-from">${t('reports.from')}</label>
        <input id="rep-from" type="date" max=${today} value=${query.from || isoDay(new Date(Date.now() - 7 * DAY))}
          onChange=${(e) => set('from', e.target.value)} /></div>
      <div class="field"><label for="rep-to">${t('reports.to')}</label>
        <input id="rep-to" type="date" max=${today} value=${query.to || today} onChange=${(e) => set('to', e.target.value)} /></div>` : null}
    ${sel('rep-group', 'group_by', query.group_by || 'team', GROUPS.map((g) => [g, t('reports.group.' + g)]), t('reports.group_by'))}
    ${sel('rep-metric', 'metric', query.metric || 'first_response',
      ['first_response', 'resolution'].map((m) => [m, t('care.target.' + m)]), t('reports.metric'))}
    ${sel('rep-target', 'target', query.target || '',
      [['', t('reports.target_policy')], ...TARGETS.map((m) => [String(m), t('reports.target_fixed', { time: fmtDuration(m * 60000) })])],
      t('reports.target'))}
    ${sel('rep-interval', 'interval', query.interval || 'day', ['day', 'week'].map((i) => [i, t('reports.interval.' + i)]), t('reports.interval'))}
    <div class="field"><span class="field-spacer" aria-hidden="true"> </span>
      <label class="check"><input type="checkbox" checked=${query.wall_clock === '1'}
        onChange=${(e) => set('wall_clock', e.target.checked ? '1' : '')} /> ${t('reports.wall_clock')}</label></div>
  </form>`;
}

// ---- SLA -------------------------------------------------------------
function SlaKpis({ report }) {
  const fr = report.total.first_response;
  const res = report.total.resolution;
  const kpi = (value, text, id) => html`<div class="panel report-kpi" data-kpi=${id}><div class="panel-body kpi">
    <span class="kpi-value">${value}</span><span class="kpi-label">${text}</span></div></div>`;
  return html`<div class="grid grid-4 report-kpis">
    ${kpi(fmtNumber(report.cases), t('reports.kpi.cases'), 'cases')}
    ${kpi(pct(fr.pct_met), t('reports.kpi.fr_met'), 'fr_met')}
    ${kpi(minutes(fr.p50_minutes) + ' / ' + minutes(fr.p90_minutes), t('reports.kpi.fr_p50') + ' / ' + t('reports.kpi.fr_p90'), 'fr_p')}
    ${kpi(pct(res.pct_met), t('reports.kpi.res_met'), 'res_met')}
  </div>`;
}

function SlaChart({ report, metric, groupBy }) {
  const groups = report.groups.length ? report.groups : [report.total];
  const option = useMemo(() => {
    const names = groups.map((g) => (g.key === 'all' ? t('reports.total') : groupLabel(groupBy, g.key)));
    return {
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (x) => fmtNumber(x) },
      legend: { top: 0 },
      grid: { left: 8, right: 24, top: 36, bottom: 8, containLabel: true },
      xAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (x) => fmtNumber(x) } },
      yAxis: { type: 'category', data: names, inverse: true, axisLabel: { width: 160, overflow: 'truncate' } },
      series: BUCKETS.map((b, i) => ({
        name: t('reports.bucket.' + b),
        type: 'bar',
        stack: 'all',
        itemStyle: { color: BUCKET_COLORS[i] },
        emphasis: { focus: 'series' },
        data: groups.map((g) => (g[metric].histogram || {})[b] || 0),
      })),
    };
  }, [report, metric, groupBy]);
  const height = Math.max(180, 60 + groups.length * 30);
  return html`<${Chart} option=${option} height=${height} label=${t('reports.distribution_aria')} />`;
}

function SlaTable({ report, metric, groupBy }) {
  const row = (g, total) => {
    const m = g[metric];
    return html`<tr key=${g.key} class=${total ? 'total-row' : ''} data-group=${g.key}>
      <th scope="row">${total ? t('reports.total') : groupLabel(groupBy, g.key)}</th>
      <td class="num">${fmtNumber(m.cases)}</td><td class="num">${fmtNumber(m.done)}</td>
      <td class="num">${fmtNumber(m.met)}</td><td class="num">${fmtNumber(m.breached)}</td><td class="num">${fmtNumber(m.running)}</td>
      <td class="num"><span class=${'pct ' + (m.pct_met === null ? '' : m.pct_met >= 90 ? 'pct-good' : m.pct_met >= 70 ? 'pct-mid' : 'pct-bad')}>${pct(m.pct_met)}</span></td>
      <td class="num">${minutes(m.p50_minutes)}</td><td class="num">${minutes(m.p90_minutes)}</td><td class="num">${minutes(m.mean_minutes)}</td>
    </tr>`;
  };
  return html`<div class="table-wrap"><table class="table sla-table">
    <caption class="sr-only">${t('reports.sla')}</caption>
    <thead><tr>
      <th scope="col">${t('reports.group.' + groupBy)}</th><th scope="col" class="num">${t('reports.col.cases')}</th>
      <th scope="col" class="num">${t('reports.col.done.' + metric)}</th><th scope="col" class="num">${t('reports.col.met')}</th>
      <th scope="col" class="num">${t('reports.col.breached')}</th><th scope="col" class="num">${t('reports.col.running')}</th>
      <th scope="col" class="num">${t('reports.col.pct')}</th><th scope="col" class="num">${t('reports.col.p50')}</th>
      <th scope="col" class="num">${t('reports.col.p90')}</th><th scope="col" class="num">${t('reports.col.mean')}</th>
    </tr></thead>
    <tbody>${report.groups.map((g) => row(g, false))}</tbody>
    <tfoot>${row(report.total, true)}</tfoot>
  </table></div>`;
}

function SlaSection({ query, range }) {
  const groupBy = query.group_by || 'team';
  const metric = query.metric === 'resolution' ? 'resolution' : 'first_response';
  const params = { from: range.from, to: range.to, group_by: groupBy, wall_clock: query.wall_clock === '1' ? true : undefined };
  if (query.target) params[metric === 'resolution' ? 'resolution_target' : 'target'] = Number(query.target);
  const report = useAsync((signal) => get('/api/v1/reports/sla', params, { signal }), [JSON.stringify(params)]);
  const r = report.data;
  return html`<section class="report-section" aria-labelledby="rep-sla-h" id="report-sla">
    <h2 id="rep-sla-h" class="section-title">${t('reports.sla')}</h2>
    <${ErrorBox} error=${report.error} />
    ${!r ? (report.error ? null : html`<${Spinner} />`) : html`
      <${SlaKpis} report=${r} />
      ${r.cases === 0 ? html`<${Panel}><${Empty}>${t('reports.no_cases')}</${Empty}></${Panel}>` : html`
        <${Panel} title=${t('reports.distribution', { metric: t('care.target.' + metric).toLowerCase(), group: t('reports.group.' + groupBy).toLowerCase() })}>
          <p class="small muted">${r.unit === 'wall_clock_minutes' ? t('reports.sla_unit_wall') : t('reports.sla_unit_business')}</p>
          <${SlaChart} report=${r} metric=${metric} groupBy=${groupBy} />
          <${SlaTable} report=${r} metric=${metric} groupBy=${groupBy} />
        </${Panel}>`}`}
  </section>`;
}

// ---- volumes ---------------------------------------------------------
function shareRows(series, nameOf) {
  const total = series.reduce((n, s) => n + s.total, 0);
  return { total, rows: series.map((s) => ({ key: s.group, name: nameOf(s.group), total: s.total, share: total ? s.total / total : 0 })) };
}

function ShareTable({ rows, total, head, id }) {
  return html`<div class="table-wrap"><table class="table share-table" id=${id}>
    <thead><tr><th scope="col">${head}</th><th scope="col" class="num">${t('reports.col.messages')}</th>
      <th scope="col" class="num">${t('reports.col.share')}</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr key=${r.key} data-group=${r.key}><th scope="row">${r.name}</th>
      <td class="num">${fmtNumber(r.total)}</td>
      <td class="num"><span class="share-bar" style=${{ '--share': (r.share * 100).toFixed(1) + '%' }}>${fmtPercent(r.share)}</span></td></tr>`)}</tbody>
    <tfoot><tr><th scope="row">${t('reports.total')}</th><td class="num">${fmtNumber(total)}</td><td class="num">${fmtPercent(total ? 1 : 0)}</td></tr></tfoot>
  </table></div>`;
}

function periodLabel(iso, interval) {
  return interval === 'week' ? fmtDate(iso, { day: 'numeric', month: 'short' }) : fmtDate(iso, { weekday: 'short', day: 'numeric', month: 'short' });
}

function Typology({ query, range }) {
  const interval = query.interval === 'week' ? 'week' : 'day';
  const params = { group_by: 'category', interval, from: range.from, to: range.to };
  const volume = useAsync((signal) => get('/api/v1/stats/volume', params, { signal }), [JSON.stringify(params)]);
  const v = volume.data;
  const series = v ? v.series.filter((s) => s.group && s.group !== 'none' && s.total > 0) : [];
  const option = useMemo(() => {
    if (!v || !series.length) return null;
    const times = series[0].points.map((p) => p.t);
    return {
      animation: false,
      tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' }, valueFormatter: (x) => fmtNumber(x) },
      legend: { top: 0, type: 'scroll' },
      grid: { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      xAxis: { type: 'category', data: times.map((x) => periodLabel(x, interval)) },
      yAxis: { type: 'value', minInterval: 1, axisLabel: { formatter: (x) => fmtNumber(x) } },
      series: series.map((s, i) => ({
        name: categoryLabel(s.group),
        type: 'bar',
        stack: 'cat',
        itemStyle: { color: PALETTE[i % PALETTE.length] },
        emphasis: { focus: 'series' },
        data: s.points.map((p) => p.count),
      })),
    };
  }, [v, interval]);
  const shares = shareRows(series, categoryLabel);
  return html`<${Panel} title=${t('reports.typology')} id="report-typology">
    <p class="small muted">${t('reports.typology_hint')}</p>
    <${ErrorBox} error=${volume.error} />
    ${!v ? (volume.error ? null : html`<${Spinner} />`) : !series.length ? html`<${Empty}>${t('reports.none')}</${Empty}>` : html`
      <div class="report-split report-split-wide">
        <${Chart} option=${option} height=${320} label=${t('reports.typology_aria')} />
        <${ShareTable} rows=${shares.rows} total=${shares.total} head=${t('reports.col.category')} id="typology-table" />
      </div>`}
  </${Panel}>`;
}

function Channels({ query, range }) {
  const interval = query.interval === 'week' ? 'week' : 'day';
  const params = { group_by: 'channel', interval, from: range.from, to: range.to };
  const volume = useAsync((signal) => get('/api/v1/stats/volume', params, { signal }), [JSON.stringify(params)]);
  const v = volume.data;
  const series = v ? v.series.filter((s) => s.total > 0) : [];
  const option = useMemo(() => (!series.length ? null : {
    animation: false,
    tooltip: { trigger: 'item', valueFormatter: (x) => fmtNumber(x) },
    legend: { type: 'scroll', orient: 'vertical', right: 0, top: 'middle' },
    series: [{
      type: 'pie',
      radius: ['45%', '72%'],
      center: ['38%', '50%'],
      avoidLabelOverlap: true,
      label: { formatter: (p) => (p.percent >= 2 ? fmtPercent(p.percent / 100) : '') },
      labelLine: { show: true },
      data: series.map((s) => ({ name: label('channel.', s.group), value: s.total })),
    }],
  }), [v]);
  const shares = shareRows(series, (g) => label('channel.', g));
  return html`<${Panel} title=${t('reports.channels')} id="report-channels">
    <${ErrorBox} error=${volume.error} />
    ${!v ? (volume.error ? null : html`<${Spinner} />`) : !series.length ? html`<${Empty}>${t('reports.none')}</${Empty}>` : html`
      <div class="report-split">
        <${Chart} option=${option} height=${280} label=${t('reports.channels_aria')} />
        <${ShareTable} rows=${shares.rows} total=${shares.total} head=${t('reports.col.channel')} id="channels-table" />
      </div>`}
  </${Panel}>`;
}

// ---- the screen ------------------------------------------------------
function Exports({ range }) {
  const params = { from: range.from, to: range.to };
  return html`<div class="row report-exports" role="group" aria-label=${t('reports.export')}>
    <a class="btn btn-secondary" id="export-mentions" href=${downloadUrl('/api/v1/export/mentions.csv', params)} download
      title=${t('reports.export_mentions_title')}>⬇ ${t('reports.export_mentions')}</a>
    <a class="btn btn-secondary" id="export-cases" href=${downloadUrl('/api/v1/export/cases.csv', params)} download
      title=${t('reports.export_cases_title')}>⬇ ${t('reports.export_cases')}</a>
  </div>`;
}

function Reports({ query }) {
  // The range is computed once per settings change (not at each render).
  const range = useMemo(() => rangeOf(query), [query.range, query.from, query.to]);
  return html`<${PageTitle} actions=${html`<${Exports} range=${range} />`}>${t('reports.title')}</${PageTitle}>
    <${Panel}><${Settings} query=${query} /></${Panel}>
    <${SlaSection} query=${query} range=${range} />
    <${Typology} query=${query} range=${range} />
    <${Channels} query=${query} range=${range} />`;
}

route('/reports', { screen: Reports, title: 'nav.reports', permission: 'read_reports', nav: { label: 'nav.reports', order: 60, icon: '▤' } });
