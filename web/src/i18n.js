// Interface language (fr | en) and the user's locale formats.
// Each screen registers its own messages with registerMessages({en, fr});
// t(key, vars) looks the key up in the current language, then English,
// then returns the key itself (visible, so that a missing text is found).
// A message is a string with {name} placeholders, or an object of plural
// forms ({one, other, zero?}) chosen by vars.count.
// Dates are shown in the user's time zone (IANA name from their profile).

export const LANGUAGES = ['fr', 'en'];

const catalogs = { en: {}, fr: {} };
let current = 'fr';
let zone = undefined;
const listeners = new Set();

export function registerMessages(messages) {
  for (const lang of Object.keys(messages)) {
    if (!catalogs[lang]) catalogs[lang] = {};
    Object.assign(catalogs[lang], messages[lang]);
  }
}

export function lang() {
  return current;
}

export function timeZone() {
  return zone;
}

// Picks a supported language from a user setting or the browser.
export function pickLanguage(preferred) {
  const candidates = [preferred, ...(navigator.languages || [navigator.language])];
  for (const c of candidates) {
    if (!c) continue;
    const base = String(c).toLowerCase().slice(0, 2);
    if (LANGUAGES.includes(base)) return base;
  }
  return 'fr';
}

function validZone(tz) {
  if (!tz) return undefined;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return tz;
  } catch {
    return undefined;
  }
}

export function setLocale(language, timeZoneName) {
  current = LANGUAGES.includes(language) ? language : 'fr';
  zone = validZone(timeZoneName);
  document.documentElement.lang = current;
  for (const fn of listeners) fn();
}

export function onLocaleChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function t(key, vars) {
  let m = catalogs[current][key];
  if (m === undefined) m = catalogs.en[key];
  if (m === undefined) return key;
  if (typeof m === 'object') {
    const n = vars && typeof vars.count === 'number' ? vars.count : 0;
    if (n === 0 && m.zero !== undefined) m = m.zero;
    else m = m[new Intl.PluralRules(current).select(n)] ?? m.other;
  }
  if (!vars) return m;
  return m.replace(/\{(\w+)\}/g, (all, name) => {
    const v = vars[name];
    if (v === undefined || v === null) return all;
    return typeof v === 'number' ? fmtNumber(v) : String(v);
  });
}

const cache = new Map();
function formatter(kind, options) {
  const key = kind + current + (zone || '') + JSON.stringify(options);
  let f = cache.get(key);
  if (!f) {
    const opts = kind === 'date' ? { timeZone: zone, ...options } : options;
    f =
      kind === 'date'
        ? new Intl.DateTimeFormat(current === 'fr' ? 'fr-FR' : 'en-GB', opts)
        : kind === 'number'
          ? new Intl.NumberFormat(current === 'fr' ? 'fr-FR' : 'en-GB', opts)
          : new Intl.RelativeTimeFormat(current, opts);
    cache.set(key, f);
  }
  return f;
}

function toDate(v) {
  if (v === null || v === undefined || v === '') return null;
  const d = v instanceof Date ? v : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

export function fmtDateTime(v, options = { dateStyle: 'medium', timeStyle: 'short' }) {
  const d = toDate(v);
  return d ? formatter('date', options).format(d) : '';
}

export function fmtDate(v, options = { dateStyle: 'medium' }) {
  return fmtDateTime(v, options);
}

export function fmtTime(v, options = { timeStyle: 'medium' }) {
  return fmtDateTime(v, options);
}

export function fmtNumber(n, options = {}) {
  if (n === null || n === undefined || Number.isNaN(n)) return '';
  return formatter('number', options).format(n);
}

export function fmtPercent(ratio, digits = 1) {
  if (ratio === null || ratio === undefined || Number.isNaN(ratio)) return '';
  return formatter('number', { style: 'percent', maximumFractionDigits: digits, minimumFractionDigits: 0 }).format(ratio);
}

// "2 h 05 min", "45 min", "30 s"; negative durations get a minus sign.
export function fmtDuration(ms) {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '';
  const sign = ms < 0 ? '−' : '';
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const unit = current === 'fr' ? { d: 'j', h: 'h', m: 'min', s: 's' } : { d: 'd', h: 'h', m: 'min', s: 's' };
  if (d > 0) return `${sign}${d} ${unit.d} ${h} ${unit.h}`;
  if (h > 0) return `${sign}${h} ${unit.h} ${String(m).padStart(2, '0')} ${unit.m}`;
  if (m > 0) return `${sign}${m} ${unit.m}`;
  return `${sign}${s} ${unit.s}`;
}

// "il y a 5 minutes", "in 2 hours".
export function fmtRelative(v, now = Date.now()) {
  const d = toDate(v);
  if (!d) return '';
  const diff = (d.getTime() - now) / 1000;
  const abs = Math.abs(diff);
  const f = formatter('relative', { numeric: 'auto' });
  if (abs < 60) return f.format(Math.round(diff), 'second');
  if (abs < 3600) return f.format(Math.round(diff / 60), 'minute');
  if (abs < 86400) return f.format(Math.round(diff / 3600), 'hour');
  return f.format(Math.round(diff / 86400), 'day');
}

// Time-zone names offered in the settings.
export function timeZones() {
  try {
    return Intl.supportedValuesOf('timeZone');
  } catch {
    return ['UTC', 'Europe/Paris', 'Europe/London', 'America/New_York'];
  }
}
