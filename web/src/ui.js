// Shared building blocks of the screens: the html tag (htm bound to
// Preact), data hooks, and accessible components (buttons, fields,
// dialogs, toasts, badges, highlighted text). Screens import from here
// rather than from preact directly, so that there is one Preact.
import { h, Fragment, render } from 'preact';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import htm from 'htm';
import { t, fmtDateTime, fmtRelative, onLocaleChange } from './i18n.js';
import { categoryLabel } from './labels.js';

export const html = htm.bind(h);
export { h, Fragment, render, useCallback, useEffect, useMemo, useRef, useState };

// Runs `load(signal)` when `deps` change; aborts the previous run.
// Returns {data, error, loading, reload, setData}.
export function useAsync(load, deps) {
  const [state, setState] = useState({ data: undefined, error: null, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true, error: null }));
    Promise.resolve()
      .then(() => load(ctl.signal))
      .then(
        (data) => !ctl.signal.aborted && setState({ data, error: null, loading: false }),
        (error) => !ctl.signal.aborted && error.name !== 'AbortError' && setState((s) => ({ ...s, error, loading: false })),
      );
    return () => ctl.abort();
  }, [...deps, tick]);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  const setData = useCallback((fn) => setState((s) => ({ ...s, data: typeof fn === 'function' ? fn(s.data) : fn })), []);
  return { ...state, reload, setData };
}

export function useInterval(fn, ms) {
  const saved = useRef(fn);
  saved.current = fn;
  useEffect(() => {
    if (!ms) return undefined;
    const id = setInterval(() => saved.current(), ms);
    return () => clearInterval(id);
  }, [ms]);
}

// Re-renders every `ms` (countdowns, relative times).
export function useNow(ms = 1000) {
  const [now, setNow] = useState(Date.now());
  useInterval(() => setNow(Date.now()), ms);
  return now;
}

export function useDebounced(value, ms = 250) {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

// Keyboard shortcuts for a screen: {"j": fn, "k": fn, "shift+r": fn}.
// Ignored while typing in a field (except "escape").
export function useHotkeys(map, deps = []) {
  useEffect(() => {
    const onKey = (ev) => {
      const tag = (ev.target.tagName || '').toLowerCase();
      const typing = tag === 'input' || tag === 'textarea' || tag === 'select' || ev.target.isContentEditable;
      const key = (ev.shiftKey && ev.key.length === 1 ? 'shift+' : '') + ev.key.toLowerCase();
      if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
      if (typing && key !== 'escape') return;
      const fn = map[key];
      if (fn) {
        ev.preventDefault();
        fn(ev);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, deps);
}

// Re-renders the component when the interface language changes.
export function useLocale() {
  const [, setN] = useState(0);
  useEffect(() => onLocaleChange(() => setN((n) => n + 1)), []);
}

// ---- toasts ----------------------------------------------------------
const toastListeners = new Set();
let toastSeq = 0;
export function toast(message, kind = 'info') {
  const item = { id: ++toastSeq, message, kind };
  for (const fn of toastListeners) fn(item);
}

export function Toasts() {
  const [items, setItems] = useState([]);
  useEffect(() => {
    const fn = (item) => {
      setItems((xs) => [...xs, item]);
      setTimeout(() => setItems((xs) => xs.filter((x) => x.id !== item.id)), item.kind === 'error' ? 8000 : 4000);
    };
    toastListeners.add(fn);
    return () => toastListeners.delete(fn);
  }, []);
  return html`<div class="toasts" role="status" aria-live="polite">
    ${items.map((x) => html`<div key=${x.id} class=${'toast toast-' + x.kind}>${x.message}</div>`)}
  </div>`;
}

// ---- small components -----------------------------------------------
export function Spinner({ label }) {
  return html`<div class="spinner" role="status"><span class="spinner-dot" aria-hidden="true"></span>${label || t('common.loading')}</div>`;
}

// Shows an ApiError (or any Error) with the field it names.
export function ErrorBox({ error, title }) {
  if (!error) return null;
  return html`<div class="error-box" role="alert">
    ${title ? html`<strong>${title}</strong> ` : null}${error.message}
    ${error.field ? html` <span class="muted">(${t('common.field')} ${error.field})</span>` : null}
  </div>`;
}

export function Empty({ children }) {
  return html`<div class="empty">${children || t('common.nothing')}</div>`;
}

export function Button({ kind = 'secondary', type = 'button', children, ...rest }) {
  return html`<button type=${type} class=${'btn btn-' + kind} ...${rest}>${children}</button>`;
}

let fieldSeq = 0;
export function useId(prefix = 'f') {
  const ref = useRef(null);
  if (ref.current === null) ref.current = `${prefix}-${++fieldSeq}`;
  return ref.current;
}

// A labelled form control. `children` is a function receiving the id.
export function Field({ label, hint, error, children }) {
  const id = useId();
  return html`<div class=${'field' + (error ? ' field-error' : '')}>
    <label for=${id}>${label}</label>
    ${children(id, error ? id + '-err' : hint ? id + '-hint' : undefined)}
    ${hint && !error ? html`<div class="hint" id=${id + '-hint'}>${hint}</div>` : null}
    ${error ? html`<div class="hint error-text" id=${id + '-err'}>${error}</div>` : null}
  </div>`;
}

// <select> from [{value, label}] (or plain strings); "" = all when `all`.
export function Select({ value, onChange, options, all, ...rest }) {
  return html`<select value=${value ?? ''} onChange=${(e) => onChange(e.target.value)} ...${rest}>
    ${all ? html`<option value="">${all}</option>` : null}
    ${options.map((o) => {
      const v = typeof o === 'string' ? o : o.value;
      return html`<option key=${v} value=${v}>${typeof o === 'string' ? o : o.label}</option>`;
    })}
  </select>`;
}

// A modal dialog (native <dialog>: focus trap and Escape come with it).
export function Dialog({ open, title, onClose, children, wide }) {
  const ref = useRef(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return html`<dialog ref=${ref} class=${'dialog' + (wide ? ' dialog-wide' : '')} aria-label=${title}
      onClose=${() => onClose && onClose()} onCancel=${() => onClose && onClose()}>
    <header class="dialog-head"><h2>${title}</h2>
      <button type="button" class="btn btn-ghost" aria-label=${t('common.close')} onClick=${() => onClose && onClose()}>×</button>
    </header>
    <div class="dialog-body">${open ? children : null}</div>
  </dialog>`;
}

// A confirmation dialog for a destructive action: `text`, the API's error
// if the action was refused, and the confirm (danger) / cancel buttons.
export function ConfirmDialog({ open, title, text, error, onConfirm, onClose, confirmLabel }) {
  return html`<${Dialog} open=${open} title=${title} onClose=${onClose}>
    <p>${text}</p>
    <${ErrorBox} error=${error} />
    <div class="row">
      <${Button} kind="danger" onClick=${onConfirm}>${confirmLabel || t('common.delete')}</${Button}>
      <${Button} onClick=${onClose}>${t('common.cancel')}</${Button}>
    </div>
  </${Dialog}>`;
}

export function Time({ value, relative }) {
  if (!value) return null;
  const full = fmtDateTime(value, { dateStyle: 'full', timeStyle: 'long' });
  return html`<time datetime=${new Date(value).toISOString()} title=${full}>${relative ? fmtRelative(value) : fmtDateTime(value)}</time>`;
}

const SENTIMENT_CLASS = { negative: 'neg', neutral: 'neu', positive: 'pos' };
export function SentimentBadge({ value }) {
  if (!value) return null;
  return html`<span class=${'badge badge-' + (SENTIMENT_CLASS[value] || 'neu')}>${t('sentiment.' + value)}</span>`;
}

export function SeverityBadge({ value, reasons }) {
  if (!value || value === 'none') return null;
  const title = reasons && reasons.length ? reasons.map((r) => t('reason.' + r)).join(', ') : undefined;
  return html`<span class=${'badge badge-sev-' + value} title=${title}>${t('severity.' + value)}</span>`;
}

export function ChannelBadge({ value }) {
  if (!value) return null;
  return html`<span class="badge badge-channel">${t('channel.' + value)}</span>`;
}

export function CategoryBadge({ value }) {
  if (!value || value === 'none') return null;
  return html`<span class="badge badge-cat">${categoryLabel(value)}</span>`;
}

// `text` with <mark> around the UTF-8 byte ranges of `spans`
// ([{field, begin, end}], API Span) that belong to `field`.
export function Highlighted({ text, spans, field = 'text' }) {
  const parts = useMemo(() => splitByByteSpans(text || '', (spans || []).filter((s) => s.field === field)), [text, spans, field]);
  return html`${parts.map((p, i) => (p.mark ? html`<mark key=${i}>${p.text}</mark>` : p.text))}`;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
export function splitByByteSpans(text, spans) {
  if (!spans.length) return [{ text, mark: false }];
  const bytes = encoder.encode(text);
  const sorted = [...spans].sort((a, b) => a.begin - b.begin);
  const out = [];
  let at = 0;
  for (const s of sorted) {
    const begin = Math.max(at, Math.min(s.begin, bytes.length));
    const end = Math.max(begin, Math.min(s.end, bytes.length));
    if (begin > at) out.push({ text: decoder.decode(bytes.subarray(at, begin)), mark: false });
    if (end > begin) out.push({ text: decoder.decode(bytes.subarray(begin, end)), mark: true });
    at = end;
  }
  if (at < bytes.length) out.push({ text: decoder.decode(bytes.subarray(at)), mark: false });
  return out;
}

// A page section with a heading.
export function Panel({ title, actions, children, id, class: cls }) {
  return html`<section class=${'panel ' + (cls || '')} aria-labelledby=${id ? id + '-h' : undefined} id=${id}>
    ${title ? html`<header class="panel-head"><h2 id=${id ? id + '-h' : undefined}>${title}</h2><div class="panel-actions">${actions}</div></header>` : null}
    <div class="panel-body">${children}</div>
  </section>`;
}

// The screen's title (also the document title).
export function PageTitle({ children, actions }) {
  useEffect(() => {
    document.title = (typeof children === 'string' ? children + ' · ' : '') + 'ecoute';
  }, [children]);
  return html`<div class="page-title"><h1 tabindex="-1" id="page-title">${children}</h1><div class="page-actions">${actions}</div></div>`;
}
