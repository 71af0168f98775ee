// The care inbox (routes /inbox and /inbox/:id; permission read_cases):
// saved views and filters (inbox-list.js), the case list refreshed every
// 10 s, and the open case beside it (case-view.js) — on screens under
// 1100 px the list gives way to the case. The online / away switch shows
// the agent's presence as the server has it (GET /api/v1/presence, again
// every 30 s: another tab may change it); an agent the server has offline
// goes online when the inbox opens (POST /api/v1/presence).
//
// Keyboard (the "?" dialog lists them; ignored while typing in a field):
//   j / k      next / previous case (opens it when a case is open)
//   Enter / o  open the selected case
//   a          assign to me      r  reply      n  internal note
//   e          resolve           p  set pending
//   Escape     back to the list  /  search     ?  this help
// a, e and p act on the open case, else on the selected row.
//
// API: GET /api/v1/cases (filters of the URL; each case carries its
// contact), GET /api/v1/agents (the assignee select, every 30 s), GET
// /api/v1/teams, GET and POST /api/v1/presence; the case view's own routes.
import { get, patch, post } from '../api.js';
import { registerMessages, t, fmtDate, fmtDateTime, fmtTime } from '../i18n.js';
import { navigate, route } from '../router.js';
import { can } from '../session.js';
import { html, useAsync, useEffect, useRef, useState, useHotkeys, useNow, Button, Dialog, Empty, ErrorBox, PageTitle, Spinner,
  toast } from '../ui.js';
import { label, usePolled } from './care-common.js';
import { CaseFilters, CaseRows, ViewsNav, caseFilters, listParams } from './inbox-list.js';
import { CaseView } from './case-view.js';
import './inbox.css';

registerMessages({
  en: {
    'inbox.title': 'Inbox',
    'inbox.presence': 'My availability',
    'inbox.presence_set': 'You are now {status}.',
    'inbox.presence_since': 'since {time}',
    'inbox.presence_since_title': '{status} since {time}',
    'inbox.shortcuts': 'Keyboard shortcuts',
    'inbox.shortcuts_button': 'Shortcuts (?)',
    'inbox.more': 'Show more cases',
    'inbox.select_case': 'Select a case in the list, or press j to start.',
    'inbox.refreshing': 'Refreshing…',
    'inbox.key.jk': 'Next / previous case',
    'inbox.key.open': 'Open the selected case',
    'inbox.key.a': 'Assign the case to me',
    'inbox.key.r': 'Reply (focus the composer)',
    'inbox.key.n': 'Write an internal note',
    'inbox.key.e': 'Resolve the case',
    'inbox.key.p': 'Set the case pending',
    'inbox.key.esc': 'Back to the list (or leave a field)',
    'inbox.key.search': 'Search the cases',
    'inbox.key.help': 'Show this help',
    'inbox.key.send': 'Send the reply or the note (in the composer)',
    'inbox.key_or': 'or',
    'inbox.k.enter': 'Enter', 'inbox.k.escape': 'Escape', 'inbox.k.ctrl_enter': 'Ctrl+Enter',
    'inbox.done': 'Case #{id}: {what}.',
  },
  fr: {
    'inbox.title': 'Boîte de réception',
    'inbox.presence': 'Ma disponibilité',
    'inbox.presence_set': 'Vous êtes maintenant {status}.',
    'inbox.presence_since': 'depuis {time}',
    'inbox.presence_since_title': '{status} depuis {time}',
    'inbox.shortcuts': 'Raccourcis clavier',
    'inbox.shortcuts_button': 'Raccourcis (?)',
    'inbox.more': 'Afficher plus de dossiers',
    'inbox.select_case': 'Choisissez un dossier dans la liste, ou appuyez sur j pour commencer.',
    'inbox.refreshing': 'Actualisation…',
    'inbox.key.jk': 'Dossier suivant / précédent',
    'inbox.key.open': 'Ouvrir le dossier sélectionné',
    'inbox.key.a': 'M’attribuer le dossier',
    'inbox.key.r': 'Répondre (aller à la zone de réponse)',
    'inbox.key.n': 'Écrire une note interne',
    'inbox.key.e': 'Résoudre le dossier',
    'inbox.key.p': 'Mettre le dossier en attente',
    'inbox.key.esc': 'Revenir à la liste (ou quitter un champ)',
    'inbox.key.search': 'Rechercher dans les dossiers',
    'inbox.key.help': 'Afficher cette aide',
    'inbox.key.send': 'Envoyer la réponse ou la note (dans la zone de saisie)',
    'inbox.key_or': 'ou',
    'inbox.k.enter': 'Entrée', 'inbox.k.escape': 'Échap', 'inbox.k.ctrl_enter': 'Ctrl+Entrée',
    'inbox.done': 'Dossier n° {id} : {what}.',
  },
});

function useMedia(q) {
  const [on, setOn] = useState(() => window.matchMedia(q).matches);
  useEffect(() => {
    const m = window.matchMedia(q);
    const fn = () => setOn(m.matches);
    m.addEventListener('change', fn);
    return () => m.removeEventListener('change', fn);
  }, [q]);
  return on;
}

// The caller's presence {status, since} as the server has it.
function PresenceToggle({ onChange }) {
  const [presence, setPresence] = useState(null);
  const [busy, setBusy] = useState(false);
  const live = useRef(true);
  const set = async (status, quiet) => {
    setBusy(true);
    try {
      const p = await post('/api/v1/presence', { status });
      if (!live.current) return;
      setPresence(p);
      onChange && onChange(p.status);
      if (!quiet) toast(t('inbox.presence_set', { status: label('care.presence.', p.status).toLowerCase() }), 'success');
    } catch (e) {
      toast(e.message, 'error');
    } finally {
      if (live.current) setBusy(false);
    }
  };
  useEffect(() => {
    live.current = true;
    get('/api/v1/presence').then(
      (p) => {
        if (!live.current) return;
        if (p.status === 'offline') set('online', true);
        else setPresence(p);
      },
      (e) => live.current && toast(e.message, 'error'),
    );
    const id = setInterval(() => {
      if (document.visibilityState === 'hidden') return;
      get('/api/v1/presence').then((p) => live.current && setPresence(p), () => {});
    }, 30000);
    return () => {
      live.current = false;
      clearInterval(id);
    };
  }, []);
  const status = presence ? presence.status : null;
  // Today: the time; before: the date too.
  const since = presence && presence.since && status !== 'offline'
    ? fmtDate(presence.since) === fmtDate(Date.now()) ? fmtTime(presence.since, { timeStyle: 'short' }) : fmtDateTime(presence.since)
    : null;
  return html`<div class="presence" data-status=${status || ''}>
    <div class="presence-toggle" role="group" aria-label=${t('inbox.presence')}>
      ${['online', 'away'].map((s) => html`<button key=${s} type="button" class=${'btn btn-small presence-' + s + (status === s ? ' is-active' : '')}
          aria-pressed=${status === s} data-presence=${s} disabled=${busy || !presence}
          onClick=${() => status !== s && set(s)}>
        <span class=${'dot dot-' + s} aria-hidden="true"></span>${label('care.presence.', s)}</button>`)}
    </div>
    ${since ? html`<span class="presence-since small muted"
        title=${t('inbox.presence_since_title', { status: label('care.presence.', status), time: fmtTime(presence.since) })}>
      ${t('inbox.presence_since', { time: since })}</span>` : null}
  </div>`;
}

function Keys({ keys }) {
  return html`${keys.map((k, i) => html`${i ? html` <span class="muted small">${t('inbox.key_or')}</span> ` : null}<kbd>${k}</kbd>`)}`;
}

function HelpDialog({ open, onClose }) {
  const rows = [
    [['j', 'k'], 'inbox.key.jk'],
    [[t('inbox.k.enter'), 'o'], 'inbox.key.open'],
    [['a'], 'inbox.key.a'],
    [['r'], 'inbox.key.r'],
    [['n'], 'inbox.key.n'],
    [['e'], 'inbox.key.e'],
    [['p'], 'inbox.key.p'],
    [[t('inbox.k.escape')], 'inbox.key.esc'],
    [['/'], 'inbox.key.search'],
    [['?'], 'inbox.key.help'],
    [[t('inbox.k.ctrl_enter')], 'inbox.key.send'],
  ];
  return html`<${Dialog} open=${open} title=${t('inbox.shortcuts')} onClose=${onClose}>
    <table class="table shortcuts">
      <tbody>${rows.map(([keys, text]) => html`<tr key=${text}><td class="nowrap"><${Keys} keys=${keys} /></td><td>${t(text)}</td></tr>`)}</tbody>
    </table>
  </${Dialog}>`;
}

function Inbox({ params, query }) {
  const openId = params.id ? Number(params.id) : null;
  const wide = useMedia('(min-width: 1100px)');
  const spec = caseFilters(query);
  const [limit, setLimit] = useState(50);
  const apiParams = listParams(spec, limit, Date.now());
  const key = JSON.stringify(apiParams);
  const list = usePolled((signal) => get('/api/v1/cases', apiParams, { signal }), [key], 10000, 'cases:' + key);
  const agents = usePolled((signal) => get('/api/v1/agents', null, { signal }), [], 30000, 'agents');
  const teams = useAsync((signal) => get('/api/v1/teams', null, { signal }).catch(() => ({ teams: [] })), []);
  const now = useNow(1000);
  // The selected row: state for rendering, and a ref that the shortcut
  // handlers read (two keys may come before the next render).
  const [cursor, setCursorState] = useState(-1);
  const cursorRef = useRef(-1);
  const setCursor = (i) => {
    cursorRef.current = i;
    setCursorState(i);
  };
  const [help, setHelp] = useState(false);
  const rowRefs = useRef([]);
  const searchRef = useRef(null);
  const actions = useRef({});
  const lastOpen = useRef(null);

  const cases = list.data ? list.data.items : [];
  const search = new URLSearchParams(query).toString();
  const listHref = '/inbox' + (search ? '?' + search : '');
  const caseHref = (id) => '/inbox/' + id + (search ? '?' + search : '');
  const listHidden = openId && !wide;

  // The cursor follows the open case.
  useEffect(() => {
    if (openId) {
      const i = cases.findIndex((c) => c.id === openId);
      if (i >= 0) setCursor(i);
      lastOpen.current = openId;
    } else if (lastOpen.current) {
      // Back to the list: the row of the case just left gets the focus
      // (after the frame's own focus of the page title).
      const id = lastOpen.current;
      lastOpen.current = null;
      requestAnimationFrame(() => requestAnimationFrame(() => {
        const i = cases.findIndex((c) => c.id === id);
        if (i >= 0 && rowRefs.current[i]) {
          setCursor(i);
          rowRefs.current[i].focus();
        }
      }));
    }
  }, [openId, list.data]);
  useEffect(() => setLimit(50), [JSON.stringify(spec.filters)]);

  const moveCursor = (delta) => {
    if (!cases.length) return;
    const from = openId ? cases.findIndex((c) => c.id === openId) : cursorRef.current;
    const i = from < 0 ? 0 : Math.max(0, Math.min(cases.length - 1, from + delta));
    setCursor(i);
    if (openId) navigate(caseHref(cases[i].id));
    else if (rowRefs.current[i]) {
      rowRefs.current[i].focus();
      rowRefs.current[i].scrollIntoView({ block: 'nearest' });
    }
  };
  const openCursor = () => {
    const c = cases[cursorRef.current];
    if (c) navigate(caseHref(c.id));
  };
  // a / e / p on the selected row when no case is open.
  const onRow = async (what) => {
    const c = cases[cursorRef.current];
    if (!c || !can('work_cases')) return;
    try {
      if (what === 'assign') await post('/api/v1/cases/' + c.id + '/assign', { user_id: 'me' });
      else await patch('/api/v1/cases/' + c.id, { status: what });
      toast(t('inbox.done', { id: String(c.id), what: what === 'assign' ? t('case.assigned_me') : label('care.status.', what) }), 'success');
      list.reload();
    } catch (e) {
      toast(e.message, 'error');
    }
  };
  const act = (name, rowWhat) => () => {
    const fn = actions.current[name];
    if (openId) {
      if (fn) fn();
    } else if (rowWhat) onRow(rowWhat);
    else openCursor();
  };
  const guard = (fn) => (ev) => {
    if (document.querySelector('dialog[open]')) return;
    fn(ev);
  };
  const focusSearch = () => searchRef.current && searchRef.current.focus();
  const escape = () => {
    const a = document.activeElement;
    const tag = a ? a.tagName.toLowerCase() : '';
    if (tag === 'input' || tag === 'textarea' || tag === 'select') a.blur();
    else if (openId) navigate(listHref);
  };
  // The handlers of this render, for listeners registered once.
  const keys = useRef({});
  keys.current = {
    j: () => moveCursor(1),
    k: () => moveCursor(-1),
    o: openCursor,
    a: act('assignMe', 'assign'),
    r: act('reply'),
    n: act('note'),
    e: act('resolve', 'resolved'),
    p: act('pending', 'pending'),
    '/': focusSearch,
    'shift+/': focusSearch,
    '?': () => setHelp(true),
    'shift+?': () => setHelp(true),
    escape,
    enter: openCursor,
  };
  const hotkeys = {};
  for (const name of ['j', 'k', 'o', 'a', 'r', 'n', 'e', 'p', '/', 'shift+/', '?', 'shift+?']) hotkeys[name] = guard((ev) => keys.current[name](ev));
  useHotkeys(hotkeys, []);
  // Escape and Enter are not useHotkeys keys, which would take them from
  // dialogs (Escape closes them) and buttons. Escape leaves a field or
  // the case; Enter opens the selected row when the focus is on nothing
  // that takes Enter itself (the rows are links: Enter on one opens it).
  useEffect(() => {
    const onKey = (ev) => {
      if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.shiftKey) return;
      if (ev.key === 'Escape') {
        if (!document.querySelector('dialog[open]')) keys.current.escape();
        return;
      }
      if (ev.key !== 'Enter') return;
      const a = document.activeElement;
      if (a && a !== document.body && !a.matches('h1, main, .content')) return;
      if (document.querySelector('dialog[open]')) return;
      ev.preventDefault();
      keys.current.enter();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);

  const total = list.data ? list.data.total : 0;
  const count = total > cases.length
    ? t('inbox.count_of', { count: total, shown: cases.length })
    : t('inbox.count', { count: total });

  return html`<${PageTitle} actions=${html`
      ${can('work_cases') ? html`<${PresenceToggle} onChange=${() => list.reload()} />` : null}
      <${Button} kind="ghost" onClick=${() => setHelp(true)} aria-keyshortcuts="?">${t('inbox.shortcuts_button')}</${Button}>`}>
      ${t('inbox.title')}</${PageTitle}>
    <div class=${'inbox' + (openId ? ' has-case' : '') + (listHidden ? ' list-hidden' : '')}>
      ${!openId ? html`<${ViewsNav} query=${query} />` : null}
      <section class="inbox-list" aria-label=${t('inbox.cases')} hidden=${listHidden}>
        ${openId ? html`<${ViewsNav} query=${query} compact />` : null}
        <${CaseFilters} query=${query} compact=${!!openId} searchRef=${searchRef} teams=${teams.data && teams.data.teams} />
        <div class="list-count small muted" aria-live="polite">${list.data ? count : ''}</div>
        ${list.error ? html`<${ErrorBox} error=${list.error} />` : null}
        ${!list.data && !list.error ? html`<${Spinner} />` : null}
        ${list.data && !cases.length ? html`<${Empty}>${t('inbox.no_cases')}</${Empty}>` : null}
        <${CaseRows} cases=${cases} fetchedAt=${list.fetchedAt} now=${now} openId=${openId} cursor=${cursor}
          onCursor=${setCursor} query=${query} rowRefs=${rowRefs} />
        ${list.data && total > cases.length
          ? html`<${Button} class="btn btn-secondary more-btn" onClick=${() => setLimit((n) => Math.min(1000, n + 50))}>${t('inbox.more')}</${Button}>`
          : null}
      </section>
      ${openId ? html`<${CaseView} key=${openId} id=${openId} agents=${agents.data && agents.data.items} actions=${actions}
          onClose=${() => navigate(listHref)} onChanged=${() => { list.reload(); agents.reload(); }} compact=${!wide} />` : null}
    </div>
    <${HelpDialog} open=${help} onClose=${() => setHelp(false)} />`;
}

route('/inbox', { screen: Inbox, title: 'nav.inbox', permission: 'read_cases', nav: { label: 'nav.inbox', order: 40, icon: '✉', prefix: '/inbox' } });
route('/inbox/:id', { screen: Inbox, title: 'nav.inbox', permission: 'read_cases' });
