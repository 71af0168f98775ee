// Screen "Alerts" (/alerts): the live feed of the alerts the rules open
// (docs/alerts.md), with their explanation, acknowledge / resolve, and the
// drill-down to the messages or the case.
//
// Contract
//   Route  /alerts — menu order 30, label nav.alerts, permission read;
//          Acknowledge / Resolve need ack_alerts (hidden otherwise).
//   URL    ?status=active|open|acknowledged|resolved|all (default active = open + acknowledged)
//          &rule=<rule name> &kind=<rule kind> &id=<alert id shown in the detail panel>
//   API    GET  /api/v1/alerts?status&rule&kind&before_id&limit     the feed, newest first, "Load more"
//          GET  /api/v1/alerts/counts                              the open count (a COUNT on the alert store), at
//                                                                  load and again after live events and actions
//          GET  /api/v1/alerts/stream (SSE)  events alert.opened | alert.updated | alert.acknowledged | alert.resolved,
//                                            data = the Alert after the change: new alerts are put at the top
//                                            (highlighted, announced in an aria-live region), others updated in place
//          GET  /api/v1/alerts/{id}                                 detail: history, samples
//          GET  /api/v1/alert-deliveries?alert_id=                  the notification attempts of the alert
//          POST /api/v1/alerts/{id}/ack, /resolve {note?}            optimistic, rolled back on error
//          GET  /api/v1/alert-rules                                  the rules (filters, drill-down search)
//   Drill-down: /search?query=<the rule's filters as a query>&from&to (the alert's window);
//          a snowball: /search?m=<root message> (its detail shows the thread); an sla alert: /inbox/<case id>.
//   Keys   j / k: next / previous alert, a: acknowledge, r: resolve the selected one.
import {
  html, useState, useEffect, useRef, useCallback, useAsync, useNow, useHotkeys, toast,
  Button, ErrorBox, Empty, Field, Select, Panel, PageTitle, Spinner, Time, SentimentBadge, SeverityBadge, CategoryBadge,
} from '../ui.js';
import { get, post, stream, withParams } from '../api.js';
import { route, setQuery } from '../router.js';
import { can, currentUser } from '../session.js';
import { t, registerMessages, fmtNumber, fmtPercent, fmtDateTime } from '../i18n.js';
import { RULE_KINDS, ruleToQuery, levelBadge } from './rules.js';
import { MentionList } from './queries.js';
import './alerts.css';

registerMessages({
  en: {
    'alerts.title': 'Alerts',
    'alerts.open_count': { zero: 'No open alert', one: '{count} open alert', other: '{count} open alerts' },
    'alerts.live': 'Live',
    'alerts.reconnecting': 'Reconnecting…',
    'alerts.connecting': 'Connecting…',
    'alerts.closed': 'Live updates stopped',
    'alerts.status': 'Status',
    'alerts.status.active': 'Open or acknowledged',
    'alerts.status.open': 'Open',
    'alerts.status.acknowledged': 'Acknowledged',
    'alerts.status.resolved': 'Resolved',
    'alerts.status.all': 'All',
    'alerts.rule': 'Rule',
    'alerts.kind': 'Kind',
    'alerts.all_rules': 'All rules',
    'alerts.all_kinds': 'All kinds',
    'alerts.feed': 'Feed',
    'alerts.empty': 'No alert matches these filters.',
    'alerts.new_alert': 'New alert: {title}',
    'alerts.ack': 'Acknowledge',
    'alerts.resolve': 'Resolve',
    'alerts.ack_failed': 'Could not acknowledge: {message}',
    'alerts.resolve_failed': 'Could not resolve: {message}',
    'alerts.triggers': { one: '{count} trigger', other: '{count} triggers' },
    'alerts.opened': 'Fired',
    'alerts.updated': 'Last trigger',
    'alerts.acknowledged_by': 'Acknowledged',
    'alerts.resolved_by': 'Resolved',
    'alerts.by': '{when} by {who}',
    'alerts.auto': 'automatically (no trigger for the group window)',
    'alerts.escalations': 'Escalations',
    'alerts.notified': 'Notifications',
    'alerts.notified_value': 'sent: {sent} · held back: {held}',
    'alerts.group_key': 'Grouped on',
    'alerts.note': 'Note',
    'alerts.note_label': 'Note (optional, kept in the history)',
    'alerts.select_hint': 'Select an alert to see why it fired.',
    'alerts.detail': 'Alert #{id}',
    'alerts.why': 'What triggered it',
    'alerts.observed': 'Observed',
    'alerts.expected': 'Usual',
    'alerts.ratio': 'Ratio',
    'alerts.window': 'Window',
    'alerts.window_value': '{n} min, {from} – {to}',
    'alerts.p_value': 'p-value',
    'alerts.z': 'z',
    'alerts.top_terms': 'Top terms of the window',
    'alerts.series': 'Series',
    'alerts.messages': 'Messages',
    'alerts.negatives': 'Negative',
    'alerts.share': 'Negative share',
    'alerts.usual_share': 'Usual share',
    'alerts.root': 'Conversation',
    'alerts.events_in_window': 'Events in the window',
    'alerts.per_minute': 'Per minute',
    'alerts.reason': 'Why',
    'alerts.reason.rate': 'sustained rate',
    'alerts.reason.fast_start': 'unusually fast start',
    'alerts.author_usual': 'Author’s usual',
    'alerts.message': 'The message',
    'alerts.author': 'Author',
    'alerts.followers': { one: '{count} follower', other: '{count} followers' },
    'alerts.queries': 'Queries',
    'alerts.channel': 'Channel',
    'alerts.labels': 'Labels',
    'alerts.reasons': 'Severity reasons',
    'alerts.sent_at': 'Posted',
    'alerts.sla_event': 'Event',
    'alerts.sla_event.warning': 'SLA warning',
    'alerts.sla_event.breach': 'SLA breach',
    'alerts.sla_target': 'Target',
    'alerts.case': 'Case',
    'alerts.subject': 'Subject',
    'alerts.team': 'Team',
    'alerts.priority': 'Priority',
    'alerts.due_at': 'Due',
    'alerts.event_at': 'Happened',
    'alerts.assignee': 'Assignee',
    'alerts.unassigned': 'unassigned',
    'alerts.open_case': 'Open case #{id}',
    'alerts.see_messages': 'See the messages in search',
    'alerts.samples': 'Sample messages',
    'alerts.no_samples': 'The alert carries no sample message.',
    'alerts.history': 'History',
    'alerts.deliveries': 'Deliveries',
    'alerts.no_deliveries': 'No notification was sent for this alert.',
    'alerts.col_at': 'When', 'alerts.col_notifier': 'Notifier', 'alerts.col_attempt': 'Attempt', 'alerts.col_state': 'State',
    'alerts.col_code': 'Code', 'alerts.col_latency': 'Latency', 'alerts.col_error': 'Error',
    'alerts.delivery.delivered': 'delivered', 'alerts.delivery.retry': 'will retry', 'alerts.delivery.dead': 'given up',
    'alerts.h.opened': 'opened', 'alerts.h.updated': 'updated', 'alerts.h.notified': 'notified', 'alerts.h.suppressed': 'held back',
    'alerts.h.acknowledged': 'acknowledged', 'alerts.h.resolved': 'resolved', 'alerts.h.reopened': 'reopened',
    'alerts.keys': 'Keys: j / k next / previous, a acknowledge, r resolve.',
  },
  fr: {
    'alerts.title': 'Alertes',
    'alerts.open_count': { zero: 'Aucune alerte ouverte', one: '{count} alerte ouverte', other: '{count} alertes ouvertes' },
    'alerts.live': 'En direct',
    'alerts.reconnecting': 'Reconnexion…',
    'alerts.connecting': 'Connexion…',
    'alerts.closed': 'Mises à jour en direct arrêtées',
    'alerts.status': 'Statut',
    'alerts.status.active': 'Ouvertes ou acquittées',
    'alerts.status.open': 'Ouverte',
    'alerts.status.acknowledged': 'Acquittée',
    'alerts.status.resolved': 'Résolue',
    'alerts.status.all': 'Toutes',
    'alerts.rule': 'Règle',
    'alerts.kind': 'Type',
    'alerts.all_rules': 'Toutes les règles',
    'alerts.all_kinds': 'Tous les types',
    'alerts.feed': 'Fil',
    'alerts.empty': 'Aucune alerte ne correspond à ces filtres.',
    'alerts.new_alert': 'Nouvelle alerte : {title}',
    'alerts.ack': 'Acquitter',
    'alerts.resolve': 'Résoudre',
    'alerts.ack_failed': 'Impossible d’acquitter : {message}',
    'alerts.resolve_failed': 'Impossible de résoudre : {message}',
    'alerts.triggers': { one: '{count} déclenchement', other: '{count} déclenchements' },
    'alerts.opened': 'Déclenchée',
    'alerts.updated': 'Dernier déclenchement',
    'alerts.acknowledged_by': 'Acquittée',
    'alerts.resolved_by': 'Résolue',
    'alerts.by': '{when} par {who}',
    'alerts.auto': 'automatiquement (plus de déclenchement pendant la fenêtre de regroupement)',
    'alerts.escalations': 'Escalades',
    'alerts.notified': 'Notifications',
    'alerts.notified_value': 'envoyées : {sent} · retenues : {held}',
    'alerts.group_key': 'Regroupée sur',
    'alerts.note': 'Note',
    'alerts.note_label': 'Note (facultative, conservée dans l’historique)',
    'alerts.select_hint': 'Sélectionnez une alerte pour voir pourquoi elle s’est déclenchée.',
    'alerts.detail': 'Alerte nº {id}',
    'alerts.why': 'Ce qui l’a déclenchée',
    'alerts.observed': 'Observé',
    'alerts.expected': 'Habituel',
    'alerts.ratio': 'Rapport',
    'alerts.window': 'Fenêtre',
    'alerts.window_value': '{n} min, {from} – {to}',
    'alerts.p_value': 'valeur p',
    'alerts.z': 'z',
    'alerts.top_terms': 'Termes les plus présents dans la fenêtre',
    'alerts.series': 'Série',
    'alerts.messages': 'Messages',
    'alerts.negatives': 'Négatifs',
    'alerts.share': 'Part négative',
    'alerts.usual_share': 'Part habituelle',
    'alerts.root': 'Conversation',
    'alerts.events_in_window': 'Événements dans la fenêtre',
    'alerts.per_minute': 'Par minute',
    'alerts.reason': 'Motif',
    'alerts.reason.rate': 'rythme soutenu',
    'alerts.reason.fast_start': 'démarrage anormalement rapide',
    'alerts.author_usual': 'Habitude de l’auteur',
    'alerts.message': 'Le message',
    'alerts.author': 'Auteur',
    'alerts.followers': { one: '{count} abonné', other: '{count} abonnés' },
    'alerts.queries': 'Requêtes',
    'alerts.channel': 'Canal',
    'alerts.labels': 'Étiquettes',
    'alerts.reasons': 'Motifs de gravité',
    'alerts.sent_at': 'Publié',
    'alerts.sla_event': 'Événement',
    'alerts.sla_event.warning': 'Avertissement SLA',
    'alerts.sla_event.breach': 'Dépassement SLA',
    'alerts.sla_target': 'Objectif',
    'alerts.case': 'Dossier',
    'alerts.subject': 'Objet',
    'alerts.team': 'Équipe',
    'alerts.priority': 'Priorité',
    'alerts.due_at': 'Échéance',
    'alerts.event_at': 'Survenu',
    'alerts.assignee': 'Attribué à',
    'alerts.unassigned': 'non attribué',
    'alerts.open_case': 'Ouvrir le dossier nº {id}',
    'alerts.see_messages': 'Voir les messages dans la recherche',
    'alerts.samples': 'Messages exemples',
    'alerts.no_samples': 'L’alerte ne porte aucun message exemple.',
    'alerts.history': 'Historique',
    'alerts.deliveries': 'Envois',
    'alerts.no_deliveries': 'Aucune notification n’a été envoyée pour cette alerte.',
    'alerts.col_at': 'Quand', 'alerts.col_notifier': 'Canal', 'alerts.col_attempt': 'Tentative', 'alerts.col_state': 'État',
    'alerts.col_code': 'Code', 'alerts.col_latency': 'Latence', 'alerts.col_error': 'Erreur',
    'alerts.delivery.delivered': 'remis', 'alerts.delivery.retry': 'nouvel essai prévu', 'alerts.delivery.dead': 'abandonné',
    'alerts.h.opened': 'ouverte', 'alerts.h.updated': 'mise à jour', 'alerts.h.notified': 'notifiée', 'alerts.h.suppressed': 'retenue',
    'alerts.h.acknowledged': 'acquittée', 'alerts.h.resolved': 'résolue', 'alerts.h.reopened': 'rouverte',
    'alerts.keys': 'Raccourcis : j / k suivante / précédente, a acquitter, r résoudre.',
  },
});

const PAGE = 50;
const MAX_KEPT = 500; // alerts kept in the feed from the stream
// Live events arriving close together give one count request.
const COUNT_DELAY_MS = 300;
const STATUSES = ['active', 'open', 'acknowledged', 'resolved', 'all'];
const STATUS_PARAM = { active: 'open,acknowledged', open: 'open', acknowledged: 'acknowledged', resolved: 'resolved', all: '' };
const FRESH_MS = 10000;

function statusBadge(status) {
  return html`<span class=${'badge badge-status-' + status} data-status=${status}>${t('alerts.status.' + status)}</span>`;
}

function kindLabel(kind) {
  return t('rules.kind.' + kind);
}

// Whether an alert belongs in the feed filtered by `f`.
function matches(a, f) {
  const st = STATUS_PARAM[f.status];
  if (st && !st.split(',').includes(a.status)) return false;
  if (f.rule && a.rule !== f.rule) return false;
  if (f.kind && a.kind !== f.kind) return false;
  return true;
}

// Inserts or replaces `a` in `items` (newest id first).
function upsert(items, a) {
  const i = items.findIndex((x) => x.id === a.id);
  if (i >= 0) {
    const next = items.slice();
    next[i] = a;
    return next;
  }
  const at = items.findIndex((x) => x.id < a.id);
  const next = items.slice();
  next.splice(at < 0 ? next.length : at, 0, a);
  return next;
}

// The escalations of an alert: history lines "escalated: info -> critical".
function escalations(history) {
  return (history || []).filter((h) => /escalat/i.test(h.detail || ''));
}

// ---- drill-down --------------------------------------------------------

const MINUTE = 60000;
function iso(ms) {
  return new Date(ms).toISOString();
}

// The search that shows the messages behind `a` (null when none applies).
export function searchLink(a, rule) {
  const d = a.details || {};
  const params = {};
  if (a.kind === 'sla') return null;
  if (a.kind === 'snowball') {
    // The search screen has no thread filter: its detail dialog of the
    // root message shows the conversation.
    const root = d.root_mention_id || (a.sample_ids || [])[0];
    return root ? withParams('/search', { m: root }) : null;
  } else if (a.kind === 'volume_spike' || a.kind === 'negative_share') {
    const parts = [];
    if (d.query) parts.push('@' + d.query);
    if (d.channel) parts.push('channel:' + d.channel);
    if (a.kind === 'negative_share') parts.push('sentiment:negative');
    params.query = parts.join(' AND ');
  } else if (rule) {
    params.query = ruleToQuery(rule).query;
  } else if (d.queries && d.queries.length) {
    params.query = d.queries.map((q) => '@' + q).join(' OR ');
  }
  const start = d.window_start ? Date.parse(d.window_start) : Date.parse(a.opened_at) - MINUTE;
  const endOf = d.window_end ? Date.parse(d.window_end) : Date.parse(a.resolved_at || a.last_trigger_at || a.opened_at) + MINUTE;
  params.from = iso(Math.min(start, Date.parse(a.opened_at) - MINUTE));
  params.to = iso(Math.max(endOf, Date.parse(a.last_trigger_at || a.opened_at) + MINUTE));
  return withParams('/search', params);
}

// ---- one alert in the feed ---------------------------------------------

function AlertItem({ a, selected, fresh, pending, canAck, onAck, onResolve, href }) {
  return html`<li class=${`alert-item level-${a.level} status-${a.status}${selected ? ' is-selected' : ''}${fresh ? ' is-new' : ''}`}
      data-alert-id=${a.id} data-rule=${a.rule} data-status=${a.status} aria-current=${selected ? 'true' : undefined}>
    <div class="alert-head">
      ${levelBadge(a.level)}
      <span class="badge badge-kind">${kindLabel(a.kind)}</span>
      <span class="muted">${a.rule}</span>
      <span class="spacer"></span>
      ${statusBadge(a.status)}
    </div>
    <a class="alert-title" href=${href}>${a.title}</a>
    ${a.text ? html`<div class="alert-text">${a.text}</div>` : null}
    <div class="alert-foot">
      <span><${Time} value=${a.opened_at} relative /></span>
      ${a.trigger_count > 1 ? html`<span>· ${t('alerts.triggers', { count: a.trigger_count })}</span>` : null}
      ${canAck && a.status !== 'resolved' ? html`<span class="alert-actions">
        ${a.status === 'open' ? html`<button type="button" class="btn btn-small" disabled=${pending} data-action="ack"
            onClick=${() => onAck(a)} aria-label=${t('alerts.ack') + ' — ' + a.title}>${t('alerts.ack')}</button>` : null}
        <button type="button" class="btn btn-small" disabled=${pending} data-action="resolve"
          onClick=${() => onResolve(a)} aria-label=${t('alerts.resolve') + ' — ' + a.title}>${t('alerts.resolve')}</button>
      </span>` : null}
    </div>
  </li>`;
}

// ---- the detail panel --------------------------------------------------

function Kv({ items }) {
  const rows = items.filter((x) => x && x[1] !== undefined && x[1] !== null && x[1] !== '');
  if (!rows.length) return null;
  return html`<dl class="al-kv">${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl>`;
}

function Kpis({ items }) {
  return html`<div class="al-kpis">${items.filter(Boolean).map(([label, value]) => html`<div class="kpi">
    <span class="kpi-value">${value}</span><span class="kpi-label">${label}</span></div>`)}</div>`;
}

function fmtP(p) {
  if (typeof p !== 'number') return '';
  return p < 0.001 ? p.toExponential(1) : fmtNumber(p, { maximumSignificantDigits: 2 });
}

// What triggered the alert, by kind (details of src/alert/engine.cc).
function Why({ a }) {
  const d = a.details || {};
  const kind = d.rule_kind || a.kind;
  const windowText = d.window_start
    ? t('alerts.window_value', { n: d.window_minutes, from: fmtDateTime(d.window_start, { timeStyle: 'short' }), to: fmtDateTime(d.window_end, { timeStyle: 'short' }) })
    : null;
  const terms = (d.top_terms || []).length ? html`<h3>${t('alerts.top_terms')}</h3>
    <ul class="al-terms">${d.top_terms.map((x) => html`<li key=${x.term}>${x.term} <span class="muted small">${fmtNumber(x.count)}</span></li>`)}</ul>` : null;
  if (kind === 'volume_spike')
    return html`<${Kpis} items=${[
      [t('alerts.observed'), fmtNumber(d.observed)],
      [t('alerts.expected'), fmtNumber(d.expected, { maximumFractionDigits: 1 })],
      [t('alerts.ratio'), '× ' + fmtNumber(d.ratio, { maximumFractionDigits: 1 })],
      [t('alerts.p_value'), fmtP(d.p_value)],
    ]} /><${Kv} items=${[[t('alerts.series'), d.query + (d.channel ? ' · ' + t('channel.' + d.channel) : '')], [t('alerts.window'), windowText],
      [t('alerts.z'), typeof d.z === 'number' ? fmtNumber(d.z, { maximumFractionDigits: 1 }) : null]]} />${terms}`;
  if (kind === 'negative_share')
    return html`<${Kpis} items=${[
      [t('alerts.share'), fmtPercent(d.share, 0)],
      [t('alerts.usual_share'), fmtPercent(d.usual_share, 0)],
      [t('alerts.negatives'), fmtNumber(d.negatives) + ' / ' + fmtNumber(d.messages)],
      [t('alerts.p_value'), fmtP(d.p_value)],
    ]} /><${Kv} items=${[[t('alerts.series'), d.query], [t('alerts.window'), windowText]]} />${terms}`;
  if (kind === 'snowball')
    return html`<${Kpis} items=${[
      [t('alerts.events_in_window'), fmtNumber(d.events_in_window)],
      [t('alerts.per_minute'), fmtNumber(d.per_minute, { maximumFractionDigits: 1 })],
      d.author_usual !== undefined ? [t('alerts.author_usual'), fmtNumber(d.author_usual, { maximumFractionDigits: 1 })] : null,
    ]} /><${Kv} items=${[[t('alerts.root'), d.root], [t('alerts.author'), d.author], [t('alerts.window'), d.window_minutes ? d.window_minutes + ' min' : null],
      [t('alerts.reason'), d.reason ? t('alerts.reason.' + d.reason) : null]]} />`;
  if (kind === 'sla')
    return html`<${Kv} items=${[
      [t('alerts.sla_event'), d.event ? t('alerts.sla_event.' + d.event) : null],
      [t('alerts.sla_target'), d.target ? t('rules.target.' + d.target) : null],
      [t('alerts.case'), d.case_id ? html`<a href=${'/inbox/' + d.case_id}>${t('alerts.open_case', { id: d.case_id })}</a>` : null],
      [t('alerts.subject'), d.subject],
      [t('alerts.team'), d.team],
      [t('alerts.priority'), d.priority ? t('rules.priority.' + d.priority) : null],
      [t('alerts.due_at'), d.due_at ? html`<${Time} value=${d.due_at} />` : null],
      [t('alerts.event_at'), d.at ? html`<${Time} value=${d.at} />` : null],
      [t('alerts.assignee'), d.assignee_id ? '#' + d.assignee_id : t('alerts.unassigned')],
    ]} />`;
  // Per-message kinds: the (latest) message.
  return html`<${Kv} items=${[
    [t('alerts.author'), d.author ? html`${d.author}${d.followers ? html` <span class="muted small">(${t('alerts.followers', { count: d.followers })})</span>` : null}` : null],
    [t('alerts.channel'), d.channel ? t('channel.' + d.channel) : null],
    [t('alerts.labels'), d.sentiment || d.severity_level || d.category ? html`<span class="row">
      <${SentimentBadge} value=${d.sentiment} /><${SeverityBadge} value=${d.severity_level} reasons=${d.severity_reasons} />
      <${CategoryBadge} value=${d.category} /></span>` : null],
    [t('alerts.reasons'), d.severity_reasons && d.severity_reasons.length ? d.severity_reasons.map((r) => t('reason.' + r)).join(', ') : null],
    [t('alerts.queries'), d.queries && d.queries.length ? d.queries.join(', ') : null],
    [t('alerts.sent_at'), d.created_at ? html`<${Time} value=${d.created_at} />` : null],
  ]} />`;
}

function History({ history }) {
  if (!history || !history.length) return null;
  return html`<ol class="al-history">${history.map((h) => html`<li key=${h.id} class=${'h-' + h.type + (/escalat/i.test(h.detail || '') ? ' h-escalated' : '')}>
    <${Time} value=${h.at} /> — <strong>${t('alerts.h.' + h.type)}</strong>
    ${h.actor ? html` <span class="muted">(${h.actor})</span>` : null}${h.detail ? html` : ${h.detail}` : null}</li>`)}</ol>`;
}

function Deliveries({ data }) {
  if (data.error) return html`<${ErrorBox} error=${data.error} />`;
  if (!data.data) return html`<${Spinner} />`;
  const rows = data.data.deliveries || [];
  if (!rows.length) return html`<p class="muted small">${t('alerts.no_deliveries')}</p>`;
  return html`<div class="table-wrap"><table class="table">
    <thead><tr><th scope="col">${t('alerts.col_at')}</th><th scope="col">${t('alerts.col_notifier')}</th><th scope="col" class="num">${t('alerts.col_attempt')}</th>
      <th scope="col">${t('alerts.col_state')}</th><th scope="col" class="num">${t('alerts.col_code')}</th><th scope="col" class="num">${t('alerts.col_latency')}</th>
      <th scope="col">${t('alerts.col_error')}</th></tr></thead>
    <tbody>${rows.map((d) => html`<tr key=${d.id}>
      <td><${Time} value=${d.at} /></td><td>${d.notifier}</td><td class="num">${d.attempt}</td>
      <td><span class=${'badge ' + (d.state === 'delivered' ? 'badge-ok' : d.state === 'dead' ? 'badge-bad' : 'badge-warn')}>${t('alerts.delivery.' + d.state)}</span></td>
      <td class="num">${d.code ?? ''}</td><td class="num">${fmtNumber(d.latency_ms)} ms</td><td class="small">${d.error || ''}</td></tr>`)}</tbody>
  </table></div>`;
}

function AlertDetail({ summary, rule, canAck, pending, onAck, onResolve }) {
  const id = summary.id;
  // Reloaded when the feed's copy changes (a new trigger, ack, resolve)
  // and once our own ack / resolve has been answered.
  const version = `${summary.status}/${summary.trigger_count}/${summary.last_trigger_at}/${summary.level}/${pending}`;
  const full = useAsync((signal) => get(`/api/v1/alerts/${id}`, null, { signal }), [id, version]);
  const deliveries = useAsync((signal) => get('/api/v1/alert-deliveries', { alert_id: id }, { signal }), [id, version]);
  const [note, setNote] = useState('');
  useEffect(() => setNote(''), [id]);
  const a = { ...(full.data || {}), ...summary };
  const history = full.data ? full.data.history : [];
  const esc = escalations(history);
  const link = searchLink(a, rule);
  const d = a.details || {};

  return html`<div data-testid="alert-detail" data-alert-id=${id}>
    <div class="alert-head">${levelBadge(a.level)} <span class="badge badge-kind">${kindLabel(a.kind)}</span>
      <a href=${'/rules?edit=' + encodeURIComponent(a.rule)} class="small">${a.rule}</a><span class="spacer"></span>${statusBadge(a.status)}</div>
    <h3 class="alert-title">${a.title}</h3>
    ${a.text ? html`<p class="small" style="white-space: pre-wrap">${a.text}</p>` : null}
    <${Kv} items=${[
      [t('alerts.opened'), html`<${Time} value=${a.opened_at} />`],
      [t('alerts.updated'), a.last_trigger_at ? html`<${Time} value=${a.last_trigger_at} /> · ${t('alerts.triggers', { count: a.trigger_count })}` : null],
      [t('alerts.escalations'), esc.length ? html`${esc.map((h, i) => html`${i ? ', ' : ''}<${Time} value=${h.at} /> (${h.detail.replace(/^.*?escalated:?\s*/i, '')})`)}` : null],
      [t('alerts.acknowledged_by'), a.acknowledged_at ? t('alerts.by', { when: fmtDateTime(a.acknowledged_at), who: a.acknowledged_by || '?' }) : null],
      [t('alerts.resolved_by'), a.resolved_at ? (a.resolved_by === 'auto' ? fmtDateTime(a.resolved_at) + ' — ' + t('alerts.auto') : t('alerts.by', { when: fmtDateTime(a.resolved_at), who: a.resolved_by || '?' })) : null],
      [t('alerts.notified'), t('alerts.notified_value', { sent: a.notified_count || 0, held: a.suppressed_count || 0 })],
      [t('alerts.group_key'), html`<span class="mono small">${a.group_key}</span>`],
      [t('alerts.note'), a.note],
    ]} />
    <div class="row">
      ${link ? html`<a class="btn btn-secondary" href=${link} data-testid="drill-search">${t('alerts.see_messages')}</a>` : null}
      ${a.kind === 'sla' && d.case_id ? html`<a class="btn btn-secondary" href=${'/inbox/' + d.case_id} data-testid="drill-case">${t('alerts.open_case', { id: d.case_id })}</a>` : null}
    </div>
    ${canAck && a.status !== 'resolved' ? html`<div class="al-section al-note">
      <${Field} label=${t('alerts.note_label')}>${(fid) => html`<textarea id=${fid} rows="2" maxlength="4096" value=${note}
          onInput=${(e) => setNote(e.target.value)}></textarea>`}</${Field}>
      <div class="row">
        ${a.status === 'open' ? html`<${Button} kind="primary" disabled=${pending} data-action="ack" onClick=${() => onAck(a, note)}>${t('alerts.ack')}</${Button}>` : null}
        <${Button} kind=${a.status === 'open' ? 'secondary' : 'primary'} disabled=${pending} data-action="resolve" onClick=${() => onResolve(a, note)}>${t('alerts.resolve')}</${Button}>
      </div>
    </div>` : null}
    <section class="al-section"><h3>${t('alerts.why')}</h3><${Why} a=${a} /></section>
    ${a.kind !== 'sla' ? html`<section class="al-section"><h3>${t('alerts.samples')}</h3>
      ${full.error ? html`<${ErrorBox} error=${full.error} />` : !full.data ? html`<${Spinner} />`
        : full.data.samples && full.data.samples.length ? html`<${MentionList} items=${full.data.samples} spansOf=${() => []} />`
        : html`<p class="muted small">${t('alerts.no_samples')}</p>`}
    </section>` : null}
    <section class="al-section"><h3>${t('alerts.history')}</h3>${full.data ? html`<${History} history=${history} />` : html`<${Spinner} />`}</section>
    <section class="al-section"><h3>${t('alerts.deliveries')}</h3><${Deliveries} data=${deliveries} /></section>
  </div>`;
}

// ---- the screen ----------------------------------------------------------

function Alerts({ query }) {
  const f = { status: STATUSES.includes(query.status) ? query.status : 'active', rule: query.rule || '', kind: query.kind || '' };
  const selectedId = query.id ? Number(query.id) : null;
  const canAck = can('ack_alerts');
  useNow(30000); // relative times

  // The filters, for the stream's handlers.
  const filtersRef = useRef(f);
  filtersRef.current = f;
  const rules = useAsync((signal) => get('/api/v1/alert-rules', null, { signal }), []);
  const [items, setItems] = useState([]);
  // Other filters: the feed starts again (alerts the stream brings while
  // the page loads are kept).
  useEffect(() => setItems((cur) => cur.filter((a) => matches(a, filtersRef.current))), [f.status, f.rule, f.kind]);
  const [nextBefore, setNextBefore] = useState(null);
  const feed = useAsync(
    (signal) => get('/api/v1/alerts', { status: STATUS_PARAM[f.status], rule: f.rule, kind: f.kind, limit: PAGE }, { signal }),
    [f.status, f.rule, f.kind],
  );
  useEffect(() => {
    if (!feed.data) return;
    // The page, plus the newer alerts the stream brought in while it loaded.
    const newest = (feed.data.alerts[0] || { id: 0 }).id;
    setItems((cur) => feed.data.alerts.reduce(upsert, cur.filter((a) => matches(a, filtersRef.current) && a.id > newest)));
    setNextBefore(feed.data.next_before_id);
  }, [feed.data]);
  // A long-running feed keeps the newest MAX_KEPT alerts; "Load more"
  // then continues below the last one kept.
  useEffect(() => {
    if (items.length <= MAX_KEPT) return;
    // The selected alert stays, even when older.
    const kept = items.filter((a, i) => i < MAX_KEPT || a.id === selectedId);
    if (kept.length === items.length) return;
    setItems(kept);
    setNextBefore(items[MAX_KEPT - 1].id);
  }, [items.length, selectedId]);
  const [moreLoading, setMoreLoading] = useState(false);
  const [moreError, setMoreError] = useState(null);
  const loadMore = async () => {
    setMoreLoading(true);
    setMoreError(null);
    try {
      const page = await get('/api/v1/alerts', { status: STATUS_PARAM[f.status], rule: f.rule, kind: f.kind, limit: PAGE, before_id: nextBefore });
      setItems((cur) => [...cur, ...page.alerts.filter((a) => !cur.some((x) => x.id === a.id))]);
      setNextBefore(page.next_before_id);
    } catch (e) {
      setMoreError(e);
    } finally {
      setMoreLoading(false);
    }
  };

  // The open count: GET /api/v1/alerts/counts (a COUNT on the alert
  // store), at load, then again after live events (coalesced) and after
  // each acknowledge / resolve; the latest request wins.
  const [openCount, setOpenCount] = useState(null);
  const countTimer = useRef(null);
  const countCtl = useRef(null);
  const refreshCount = useCallback((delay = COUNT_DELAY_MS) => {
    clearTimeout(countTimer.current);
    countTimer.current = setTimeout(() => {
      if (countCtl.current) countCtl.current.abort();
      const ctl = new AbortController();
      countCtl.current = ctl;
      get('/api/v1/alerts/counts', null, { signal: ctl.signal })
        .then((c) => { if (!ctl.signal.aborted) setOpenCount(c.open); })
        .catch(() => {});
    }, delay);
  }, []);
  useEffect(() => {
    refreshCount(0);
    return () => {
      clearTimeout(countTimer.current);
      if (countCtl.current) countCtl.current.abort();
    };
  }, []);

  // Live updates.
  const [streamState, setStreamState] = useState('connecting');
  const [fresh, setFresh] = useState(() => new Set());
  const [announce, setAnnounce] = useState('');
  const pendingRef = useRef(new Set());
  useEffect(() => {
    const onEvent = (type) => (a) => {
      if (!a || typeof a.id !== 'number') return;
      refreshCount();
      // A change we are making ourselves is answered by the POST.
      if (pendingRef.current.has(a.id) && type !== 'alert.opened') return;
      const filters = filtersRef.current;
      setItems((cur) => {
        const known = cur.some((x) => x.id === a.id);
        if (known) return upsert(cur, a);
        if (!matches(a, filters)) return cur;
        // An older alert not loaded yet stays for "Load more".
        if (type !== 'alert.opened' && cur.length && a.id < cur[cur.length - 1].id) return cur;
        return upsert(cur, a);
      });
      if (type === 'alert.opened' && matches(a, filters)) {
        setFresh((s) => new Set(s).add(a.id));
        setTimeout(() => setFresh((s) => {
          const n = new Set(s);
          n.delete(a.id);
          return n;
        }), FRESH_MS);
        setAnnounce(t('alerts.new_alert', { title: a.title }));
      }
    };
    const close = stream('/api/v1/alerts/stream', null, {
      'alert.opened': onEvent('alert.opened'),
      'alert.updated': onEvent('alert.updated'),
      'alert.acknowledged': onEvent('alert.acknowledged'),
      'alert.resolved': onEvent('alert.resolved'),
    }, setStreamState);
    return close;
  }, []);

  // Acknowledge / resolve, optimistic.
  const [pending, setPending] = useState(() => new Set());
  const act = useCallback(async (a, resolve, note) => {
    const before = a;
    const now = new Date().toISOString();
    const me = (currentUser() || {}).login;
    const optimistic = resolve
      ? { ...a, status: 'resolved', resolved_at: now, resolved_by: me }
      : { ...a, status: 'acknowledged', acknowledged_at: now, acknowledged_by: me };
    pendingRef.current.add(a.id);
    setPending(new Set(pendingRef.current));
    setItems((cur) => upsert(cur, optimistic));
    if (before.status === 'open') setOpenCount((n) => (n === null ? n : Math.max(0, n - 1)));
    try {
      const res = await post(`/api/v1/alerts/${a.id}/${resolve ? 'resolve' : 'ack'}`, note ? { note } : {});
      setItems((cur) => upsert(cur, res));
    } catch (e) {
      setItems((cur) => upsert(cur, before));
      toast(t(resolve ? 'alerts.resolve_failed' : 'alerts.ack_failed', { message: e.message }), 'error');
    } finally {
      pendingRef.current.delete(a.id);
      setPending(new Set(pendingRef.current));
      refreshCount(0);
    }
  }, []);
  const onAck = (a, note) => act(a, false, note);
  const onResolve = (a, note) => act(a, true, note);

  const hrefOf = (id) => withParams('/alerts', { status: f.status === 'active' ? undefined : f.status, rule: f.rule, kind: f.kind, id });
  const selected = items.find((a) => a.id === selectedId) || null;
  const ruleOf = (name) => ((rules.data && rules.data.rules) || []).find((r) => r.name === name) || null;

  useHotkeys({
    j: () => move(1),
    k: () => move(-1),
    a: () => selected && canAck && selected.status === 'open' && onAck(selected),
    r: () => selected && canAck && selected.status !== 'resolved' && onResolve(selected),
  }, [items, selectedId, canAck]);
  function move(step) {
    if (!items.length) return;
    const i = items.findIndex((a) => a.id === selectedId);
    const next = items[Math.max(0, Math.min(items.length - 1, i < 0 ? 0 : i + step))];
    setQuery({ status: f.status === 'active' ? undefined : f.status, rule: f.rule, kind: f.kind, id: next.id });
    requestAnimationFrame(() => {
      const el = document.querySelector(`.alert-item[data-alert-id="${next.id}"] .alert-title`);
      if (el) el.focus();
    });
  }

  const setFilter = (k, v) => setQuery({ status: f.status === 'active' ? undefined : f.status, rule: f.rule, kind: f.kind, [k]: v || undefined });
  const ruleNames = ((rules.data && rules.data.rules) || []).map((r) => r.name);
  if (f.rule && !ruleNames.includes(f.rule)) ruleNames.push(f.rule);

  const stateText = { open: t('alerts.live'), reconnecting: t('alerts.reconnecting'), connecting: t('alerts.connecting'), closed: t('alerts.closed') }[streamState];
  return html`<${PageTitle} actions=${html`
      <span class="al-open-count" data-testid="open-count" data-count=${openCount ?? ''} aria-live="polite">
        ${openCount !== null ? html`<span class="badge badge-status-open" aria-hidden="true">${fmtNumber(openCount)}</span>
          <span class=${openCount ? '' : 'muted'}>${t('alerts.open_count', { count: openCount })}</span>` : null}
      </span>
      <span class="al-live-state" data-state=${streamState} data-testid="stream-state" role="status"><span class="al-live-dot" aria-hidden="true"></span>${stateText}</span>`}>
      ${t('alerts.title')}</${PageTitle}>
    <div class="sr-only" aria-live="polite" data-testid="announce">${announce}</div>
    <div class="filters" role="search" aria-label=${t('common.filters')}>
      <${Field} label=${t('alerts.status')}>${(id) => html`<${Select} id=${id} value=${f.status} onChange=${(v) => setFilter('status', v === 'active' ? '' : v)}
          options=${STATUSES.map((s) => ({ value: s, label: t('alerts.status.' + s) }))} />`}</${Field}>
      <${Field} label=${t('alerts.rule')}>${(id) => html`<${Select} id=${id} value=${f.rule} onChange=${(v) => setFilter('rule', v)}
          all=${t('alerts.all_rules')} options=${ruleNames} />`}</${Field}>
      <${Field} label=${t('alerts.kind')}>${(id) => html`<${Select} id=${id} value=${f.kind} onChange=${(v) => setFilter('kind', v)}
          all=${t('alerts.all_kinds')} options=${RULE_KINDS.map((k) => ({ value: k, label: kindLabel(k) }))} />`}</${Field}>
    </div>
    <div class="alerts-layout">
      <${Panel} title=${t('alerts.feed')} id="alerts-feed">
        ${feed.error ? html`<${ErrorBox} error=${feed.error} />` : null}
        ${feed.loading && !items.length ? html`<${Spinner} />` : null}
        ${!feed.loading && !feed.error && !items.length ? html`<${Empty}>${t('alerts.empty')}</${Empty}>` : null}
        <ul class="alert-list" data-testid="alert-list">
          ${items.map((a) => html`<${AlertItem} key=${a.id} a=${a} selected=${a.id === selectedId} fresh=${fresh.has(a.id)}
              pending=${pending.has(a.id)} canAck=${canAck} onAck=${onAck} onResolve=${onResolve} href=${hrefOf(a.id)} />`)}
        </ul>
        ${moreError ? html`<${ErrorBox} error=${moreError} />` : null}
        ${nextBefore ? html`<div class="row" style="margin-top: 0.75rem"><${Button} onClick=${loadMore} disabled=${moreLoading}>${t('common.more')}</${Button}></div>` : null}
        <p class="muted small">${t('alerts.keys')}</p>
      </${Panel}>
      <${Panel} title=${selected ? t('alerts.detail', { id: selected.id }) : t('alerts.detail', { id: selectedId || '—' })} id="alert-detail" class="alert-detail-panel">
        ${selected ? html`<${AlertDetail} key=${selected.id} summary=${selected} rule=${ruleOf(selected.rule)} canAck=${canAck}
            pending=${pending.has(selected.id)} onAck=${onAck} onResolve=${onResolve} />`
          : selectedId ? html`<${DetailById} id=${selectedId} onLoaded=${(a) => setItems((cur) => upsert(cur, a))} />`
          : html`<p class="muted">${t('alerts.select_hint')}</p>`}
      </${Panel}>
    </div>`;
}

// An alert selected by URL that is not in the loaded feed: fetched, then
// added to it.
function DetailById({ id, onLoaded }) {
  const r = useAsync((signal) => get(`/api/v1/alerts/${id}`, null, { signal }), [id]);
  useEffect(() => {
    if (r.data) {
      const { history, deliveries, samples, ...a } = r.data;
      onLoaded(a);
    }
  }, [r.data]);
  if (r.error) return html`<${ErrorBox} error=${r.error} />`;
  return html`<${Spinner} />`;
}

route('/alerts', {
  screen: Alerts,
  title: 'nav.alerts',
  permission: 'read',
  nav: { label: 'nav.alerts', order: 30, icon: '⚑' },
});
