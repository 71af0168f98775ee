// Shared pieces of the care screens (inbox, case view, contacts):
// - the care vocabulary in both languages (statuses, priorities, SLA
//   targets and states, event types, identifier types, evidence kinds,
//   audit actions, agent presence), keys prefixed "care.";
// - slaClock(case) / <SlaBadge>: which SLA target matters now for a case
//   (docs/care.md "SLA") and its live countdown;
// - <StatusBadge>, <PriorityBadge>;
// - contact names for the places that hold only a contact's id (a
//   suggested link's other contact): getContact(id) (GET
//   /api/v1/contacts/{id}, cached per page and de-duplicated) and
//   useContactName(id); a Case carries its contact's name itself
//   (`contact`);
// - usePolled(load, deps, ms, cacheKey): useAsync that reloads every `ms`
//   while the tab is visible and starts from the last answer for the same
//   cacheKey (screens remount when the route pattern changes, e.g.
//   /inbox -> /inbox/:id, and must not flash).
import { get } from '../api.js';
import { registerMessages, t, fmtDuration } from '../i18n.js';
import { html, useEffect, useRef, useState, useCallback } from '../ui.js';
import './care.css';

registerMessages({
  en: {
    'care.status.new': 'New', 'care.status.open': 'Open', 'care.status.pending': 'Pending',
    'care.status.resolved': 'Resolved', 'care.status.closed': 'Closed',
    'care.priority.low': 'Low', 'care.priority.normal': 'Normal', 'care.priority.high': 'High', 'care.priority.urgent': 'Urgent',
    'care.target.first_response': 'First response', 'care.target.next_response': 'Next response', 'care.target.resolution': 'Resolution',
    'care.target_short.first_response': '1st resp.', 'care.target_short.next_response': 'Next resp.', 'care.target_short.resolution': 'Resol.',
    'care.sla.none': 'No SLA', 'care.sla.met': 'Met', 'care.sla.breached': 'Breached', 'care.sla.running': 'Running', 'care.sla.paused': 'Paused',
    'care.sla.not_started': 'Not started',
    'care.sla.left': '{time} left', 'care.sla.overdue': 'overdue by {time}',
    'care.sla.clock_title': '{target}: {state}',
    'care.presence.online': 'Online', 'care.presence.away': 'Away', 'care.presence.offline': 'Offline',
    'care.unassigned': 'Unassigned',
    'care.contact_n': 'Contact #{id}',
    'care.case_n': 'Case #{id}',
    'care.ident.email': 'E-mail', 'care.ident.phone': 'Phone', 'care.ident.handle': 'Handle',
    'care.ident.customer_number': 'Customer number', 'care.ident.order_number': 'Order number',
    'care.ident_source.author': 'wrote from it', 'care.ident_source.manual': 'added by an agent', 'care.ident_source.quoted': 'quoted in a message',
    'care.verified': 'verified', 'care.unverified': 'unverified',
    'care.evidence.quoted_email': 'Quoted e-mail address', 'care.evidence.quoted_phone': 'Quoted phone number',
    'care.evidence.quoted_order_number': 'Quoted order number', 'care.evidence.quoted_customer_number': 'Quoted customer number',
    'care.evidence.same_name': 'Same name', 'care.evidence.same_category': 'Same subject',
    'care.event.created': 'Case created', 'care.event.message': 'Message', 'care.event.status': 'Status changed',
    'care.event.priority': 'Priority changed', 'care.event.assigned': 'Assigned', 'care.event.team': 'Team changed',
    'care.event.tagged': 'Tagged', 'care.event.untagged': 'Tag removed', 'care.event.note': 'Internal note',
    'care.event.reply': 'Reply', 'care.event.reply_sent': 'Reply sent', 'care.event.reply_failed': 'Reply not sent',
    'care.event.reopened': 'Reopened', 'care.event.sla_warning': 'SLA warning', 'care.event.sla_breach': 'SLA breached',
    'care.event.sla_met': 'SLA met', 'care.event.contact': 'Contact changed', 'care.event.merged': 'Contacts merged',
    'care.audit.created': 'Created', 'care.audit.identifier_added': 'Identifier added', 'care.audit.identifier_verified': 'Identifier verified',
    'care.audit.identifier_removed': 'Identifier removed', 'care.audit.merged': 'Merged', 'care.audit.merged_into': 'Merged into another',
    'care.audit.unmerged': 'Merge undone', 'care.audit.suggestion_accepted': 'Suggestion accepted',
    'care.audit.suggestion_rejected': 'Suggestion rejected', 'care.audit.vip_changed': 'VIP changed', 'care.audit.renamed': 'Renamed',
    'care.audit.notes_changed': 'Notes changed',
    'care.reply_state.queued': 'Queued', 'care.reply_state.sent': 'Sent', 'care.reply_state.failed': 'Not sent',
  },
  fr: {
    'care.status.new': 'Nouveau', 'care.status.open': 'Ouvert', 'care.status.pending': 'En attente',
    'care.status.resolved': 'Résolu', 'care.status.closed': 'Fermé',
    'care.priority.low': 'Basse', 'care.priority.normal': 'Normale', 'care.priority.high': 'Haute', 'care.priority.urgent': 'Urgente',
    'care.target.first_response': 'Première réponse', 'care.target.next_response': 'Réponse suivante', 'care.target.resolution': 'Résolution',
    'care.target_short.first_response': '1re rép.', 'care.target_short.next_response': 'Rép. suiv.', 'care.target_short.resolution': 'Résol.',
    'care.sla.none': 'Sans SLA', 'care.sla.met': 'Respecté', 'care.sla.breached': 'Dépassé', 'care.sla.running': 'En cours', 'care.sla.paused': 'En pause',
    'care.sla.not_started': 'Pas démarré',
    'care.sla.left': 'reste {time}', 'care.sla.overdue': 'dépassé de {time}',
    'care.sla.clock_title': '{target} : {state}',
    'care.presence.online': 'En ligne', 'care.presence.away': 'Absent', 'care.presence.offline': 'Hors ligne',
    'care.unassigned': 'Non attribué',
    'care.contact_n': 'Contact n° {id}',
    'care.case_n': 'Dossier n° {id}',
    'care.ident.email': 'E-mail', 'care.ident.phone': 'Téléphone', 'care.ident.handle': 'Pseudo',
    'care.ident.customer_number': 'N° client', 'care.ident.order_number': 'N° de commande',
    'care.ident_source.author': 'a écrit depuis', 'care.ident_source.manual': 'ajouté par un agent', 'care.ident_source.quoted': 'cité dans un message',
    'care.verified': 'vérifié', 'care.unverified': 'non vérifié',
    'care.evidence.quoted_email': 'Adresse e-mail citée', 'care.evidence.quoted_phone': 'Numéro de téléphone cité',
    'care.evidence.quoted_order_number': 'Numéro de commande cité', 'care.evidence.quoted_customer_number': 'Numéro client cité',
    'care.evidence.same_name': 'Même nom', 'care.evidence.same_category': 'Même sujet',
    'care.event.created': 'Dossier créé', 'care.event.message': 'Message', 'care.event.status': 'Statut modifié',
    'care.event.priority': 'Priorité modifiée', 'care.event.assigned': 'Attribution', 'care.event.team': 'Équipe modifiée',
    'care.event.tagged': 'Étiquette ajoutée', 'care.event.untagged': 'Étiquette retirée', 'care.event.note': 'Note interne',
    'care.event.reply': 'Réponse', 'care.event.reply_sent': 'Réponse envoyée', 'care.event.reply_failed': 'Réponse non envoyée',
    'care.event.reopened': 'Rouvert', 'care.event.sla_warning': 'Alerte SLA', 'care.event.sla_breach': 'SLA dépassé',
    'care.event.sla_met': 'SLA respecté', 'care.event.contact': 'Contact modifié', 'care.event.merged': 'Contacts fusionnés',
    'care.audit.created': 'Création', 'care.audit.identifier_added': 'Identifiant ajouté', 'care.audit.identifier_verified': 'Identifiant vérifié',
    'care.audit.identifier_removed': 'Identifiant retiré', 'care.audit.merged': 'Fusion', 'care.audit.merged_into': 'Fusionné dans un autre',
    'care.audit.unmerged': 'Fusion annulée', 'care.audit.suggestion_accepted': 'Suggestion acceptée',
    'care.audit.suggestion_rejected': 'Suggestion rejetée', 'care.audit.vip_changed': 'VIP modifié', 'care.audit.renamed': 'Renommé',
    'care.audit.notes_changed': 'Notes modifiées',
    'care.reply_state.queued': 'En file', 'care.reply_state.sent': 'Envoyée', 'care.reply_state.failed': 'Non envoyée',
  },
});

export const STATUSES = ['new', 'open', 'pending', 'resolved', 'closed'];
export const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
export const TARGETS = ['first_response', 'next_response', 'resolution'];
export const IDENTIFIER_TYPES = ['email', 'phone', 'handle', 'customer_number', 'order_number'];

// Labels that fall back to the raw value for names the API may add later.
export function label(prefix, value) {
  const key = prefix + value;
  const s = t(key);
  return s === key ? String(value) : s;
}

// ---- SLA -------------------------------------------------------------
// A target's deadline still runs: started, not met, with a deadline (the
// API then gives remaining_ms, negative once overdue).
const runs = (x) => x && x.remaining_ms !== null && x.remaining_ms !== undefined && !x.met_at;

// The response clock a list row shows: the running first or next
// response (soonest due), else the first response's outcome (met,
// breached, paused), else null (no target).
export function responseClock(c) {
  const running = ['first_response', 'next_response'].filter((n) => runs(c[n]));
  if (running.length) {
    const name = running.sort((a, b) => c[a].remaining_ms - c[b].remaining_ms)[0];
    return { name, target: c[name], live: true };
  }
  const fr = c.first_response;
  if (!fr || fr.state === 'none') return null;
  return { name: 'first_response', target: fr, live: false };
}

// Milliseconds left on a target at `now`, from the answer fetched at
// `fetchedAt` (remaining_ms is relative to the server's now then).
export function remainingAt(target, fetchedAt, now) {
  return target.remaining_ms - (now - fetchedAt);
}

// ok | warning | breached | met | paused | none: the colour of a target.
export function targetTone(target, remaining) {
  if (!target) return 'none';
  if (runs(target)) {
    if (remaining <= 0 || target.breached) return 'breached';
    if (target.warned || remaining < 15 * 60000) return 'warning';
    return 'ok';
  }
  if (target.state === 'met') return 'met';
  if (target.state === 'breached') return 'breached';
  if (target.state === 'paused') return 'paused';
  return 'none';
}

const TONE_CLASS = { ok: 'sla-ok', warning: 'sla-warning', breached: 'sla-breached', met: 'sla-met', paused: 'sla-paused', none: 'sla-none' };

// One SLA target as a badge: a live countdown while it runs, else its
// outcome. `name` is the target's name (first_response...), `short` uses
// the abbreviated target name.
export function SlaBadge({ name, target, fetchedAt, now, short = true, showName = true }) {
  if (!target || target.state === 'none')
    return html`<span class="sla sla-none" data-sla-state="none">${t(target && target.target_minutes ? 'care.sla.not_started' : 'care.sla.none')}</span>`;
  const live = runs(target);
  const remaining = live ? remainingAt(target, fetchedAt, now) : null;
  const tone = targetTone(target, remaining);
  const text = live
    ? remaining > 0 ? fmtDuration(remaining) : '−' + fmtDuration(-remaining)
    : t('care.sla.' + target.state);
  const stateText = live
    ? remaining > 0 ? t('care.sla.left', { time: fmtDuration(remaining) }) : t('care.sla.overdue', { time: fmtDuration(-remaining) })
    : t('care.sla.' + target.state);
  const targetName = t((short ? 'care.target_short.' : 'care.target.') + name);
  return html`<span class=${'sla ' + TONE_CLASS[tone]} data-sla-state=${live ? (remaining > 0 ? 'running' : 'breached') : target.state}
      title=${t('care.sla.clock_title', { target: t('care.target.' + name), state: stateText })}>
    ${showName ? html`<span class="sla-name">${targetName}</span> ` : null}<span class="sla-value">${text}</span>
  </span>`;
}

export function StatusBadge({ value }) {
  if (!value) return null;
  return html`<span class=${'badge case-status case-status-' + value}>${label('care.status.', value)}</span>`;
}

export function PriorityBadge({ value }) {
  if (!value) return null;
  return html`<span class=${'badge case-prio case-prio-' + value}>${label('care.priority.', value)}</span>`;
}

// ---- contacts --------------------------------------------------------
const contactCache = new Map(); // id -> Promise<ContactDetail>
const contactListeners = new Set();

// GET /api/v1/contacts/{id}, once per id until forgetContact(id).
export function getContact(id) {
  if (!id) return Promise.resolve(null);
  let p = contactCache.get(id);
  if (!p) {
    p = get('/api/v1/contacts/' + id).catch((e) => {
      contactCache.delete(id);
      throw e;
    });
    contactCache.set(id, p);
  }
  return p;
}

// Drops cached contacts (after a merge, a rename) and re-renders the
// names useContactName shows.
export function forgetContact(...ids) {
  if (!ids.length) contactCache.clear();
  for (const id of ids) contactCache.delete(id);
  for (const fn of contactListeners) fn();
}

// The display name of contact `id` (fetched lazily), `fallback` meanwhile.
export function useContactName(id, fallback) {
  const [name, setName] = useState(null);
  const [gen, setGen] = useState(0);
  useEffect(() => {
    const fn = () => setGen((n) => n + 1);
    contactListeners.add(fn);
    return () => contactListeners.delete(fn);
  }, []);
  useEffect(() => {
    let live = true;
    setName(null);
    if (id) getContact(id).then((d) => live && d && setName(d.contact.display_name), () => {});
    return () => {
      live = false;
    };
  }, [id, gen]);
  return name || fallback || (id ? t('care.contact_n', { id: String(id) }) : '');
}

// ---- polling ---------------------------------------------------------
const pollCache = new Map(); // cacheKey -> {data, fetchedAt}

// Like useAsync (load(signal) -> data), plus: reloads every `ms` while the
// page is visible (a failed reload keeps the last data and shows the
// error), returns fetchedAt (Date.now() of the answer, for countdowns),
// and starts from the last answer for `cacheKey` when given.
export function usePolled(load, deps, ms, cacheKey) {
  const cached = cacheKey ? pollCache.get(cacheKey) : undefined;
  const [state, setState] = useState({
    data: cached ? cached.data : undefined,
    fetchedAt: cached ? cached.fetchedAt : 0,
    error: null,
    loading: true,
  });
  const [tick, setTick] = useState(0);
  const loadRef = useRef(load);
  loadRef.current = load;
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    Promise.resolve()
      .then(() => loadRef.current(ctl.signal))
      .then(
        (data) => {
          if (ctl.signal.aborted) return;
          const fetchedAt = Date.now();
          if (cacheKey) pollCache.set(cacheKey, { data, fetchedAt });
          setState({ data, fetchedAt, error: null, loading: false });
        },
        (error) => !ctl.signal.aborted && error.name !== 'AbortError' && setState((s) => ({ ...s, error, loading: false })),
      );
    return () => ctl.abort();
  }, [...deps, tick]);
  useEffect(() => {
    if (!ms) return undefined;
    const id = setInterval(() => {
      if (document.visibilityState !== 'hidden') setTick((n) => n + 1);
    }, ms);
    return () => clearInterval(id);
  }, [ms, ...deps]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const setData = useCallback((fn) => setState((s) => ({ ...s, data: typeof fn === 'function' ? fn(s.data) : fn })), []);
  return { ...state, reload, setData };
}

// Text of an API mention for a card: title and text joined.
export function mentionText(m, sep = '\n') {
  if (!m) return '';
  return [m.title, m.text].filter(Boolean).join(sep);
}

// A short excerpt of `s` (one line, at most `n` characters).
export function excerpt(s, n = 140) {
  const one = String(s || '').replace(/\s+/g, ' ').trim();
  return one.length > n ? one.slice(0, n - 1) + '…' : one;
}
