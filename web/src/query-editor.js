// <QueryEditor>: a text area for the boolean query language
// (docs/query-language.md) that lints as the user types (POST
// /api/v1/queries/lint, debounced) and shows an error or a warning at its
// position: the line of the query with a caret under the column the API
// names (1-based, in code points), the message, and a button that puts
// the cursor there. onLint(result) receives {valid, error, warnings,
// canonical} (or null while empty).
import { html, useEffect, useRef, useState, useDebounced, useId } from './ui.js';
import { post } from './api.js';
import { t, registerMessages } from './i18n.js';

registerMessages({
  en: {
    'qe.valid': 'Valid query',
    'qe.error_at': 'Error at line {line}, column {col}:',
    'qe.warning_at': 'Warning at column {col}:',
    'qe.go': 'Go to the error',
    'qe.checking': 'Checking…',
  },
  fr: {
    'qe.valid': 'Requête valide',
    'qe.error_at': 'Erreur ligne {line}, colonne {col} :',
    'qe.warning_at': 'Avertissement colonne {col} :',
    'qe.go': "Aller à l'erreur",
    'qe.checking': 'Vérification…',
  },
});

// Code-point column (1-based) of the whole text → {line, col, lineText,
// offset (UTF-16 index)}.
export function locate(text, column) {
  const cps = Array.from(text);
  const idx = Math.max(0, Math.min(cps.length, column - 1));
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < idx; i++) {
    if (cps[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  let lineEnd = cps.indexOf('\n', lineStart);
  if (lineEnd < 0) lineEnd = cps.length;
  const offset = cps.slice(0, idx).join('').length;
  return { line, col: idx - lineStart + 1, lineText: cps.slice(lineStart, lineEnd).join(''), offset };
}

export function QueryEditor({ value, onInput, onLint, label, rows = 3, placeholder, name = 'query', autofocus }) {
  const id = useId('query');
  const ref = useRef(null);
  const [lint, setLint] = useState(null);
  const [checking, setChecking] = useState(false);
  const debounced = useDebounced(value, 200);

  useEffect(() => {
    const text = (debounced || '').trim() ? debounced : '';
    if (!text) {
      setLint(null);
      onLint && onLint(null);
      return undefined;
    }
    const ctl = new AbortController();
    setChecking(true);
    post('/api/v1/queries/lint', { query: text }, { signal: ctl.signal })
      .then((r) => {
        setLint({ ...r, text });
        onLint && onLint({ ...r, text });
      })
      .catch((e) => {
        if (e.name === 'AbortError') return;
        const r = { valid: false, error: { message: e.message, column: e.column }, warnings: [], text };
        setLint(r);
        onLint && onLint(r);
      })
      .finally(() => !ctl.signal.aborted && setChecking(false));
    return () => ctl.abort();
  }, [debounced]);

  const goTo = (column) => {
    const el = ref.current;
    if (!el || !lint) return;
    const { offset } = locate(lint.text, column);
    el.focus();
    el.setSelectionRange(offset, Math.min(offset + 1, el.value.length));
  };

  const error = lint && !lint.valid ? lint.error : null;
  const errLoc = error && error.column ? locate(lint.text, error.column) : null;
  const describedBy = id + '-lint';
  return html`<div class="query-editor field">
    ${label ? html`<label for=${id}>${label}</label>` : null}
    <textarea id=${id} ref=${ref} name=${name} rows=${rows} spellcheck="false" placeholder=${placeholder} autofocus=${autofocus}
      value=${value} onInput=${(e) => onInput(e.target.value)} aria-invalid=${error ? 'true' : 'false'}
      aria-describedby=${describedBy}></textarea>
    <div class="lint" id=${describedBy} aria-live="polite" data-testid="lint">
      ${checking && !lint ? html`<span class="muted">${t('qe.checking')}</span>` : null}
      ${lint && lint.valid ? html`<span class="lint-ok">✓ ${t('qe.valid')}</span>` : null}
      ${error ? html`<div class="lint-error error-text" data-column=${error.column || ''}>
          ${errLoc ? html`<div>${t('qe.error_at', { line: errLoc.line, col: errLoc.col })}</div>
            <div class="lint-caret" aria-hidden="true">${errLoc.lineText}</div>
            <div class="lint-caret" aria-hidden="true">${' '.repeat(errLoc.col - 1)}^</div>` : null}
          <div class="lint-message">${error.message}</div>
          ${errLoc ? html`<button type="button" class="btn btn-small" onClick=${() => goTo(error.column)}>${t('qe.go')}</button>` : null}
        </div>` : null}
      ${lint && lint.warnings && lint.warnings.length
        ? lint.warnings.map((w, i) => html`<div key=${i} class="lint-warning" data-column=${w.column}>
            ⚠ ${t('qe.warning_at', { col: w.column })} ${w.message}</div>`)
        : null}
    </div>
  </div>`;
}
