// Shared pieces for showing one message (a "mention" in the API), used by
// the dashboard's live stream and the search screen. Other screens may
// import them too.
//
// Contracts:
// - <MentionCard mention spans? onOpen? compact? index? selected?>
//   One message as a card: author, channel, time, language, the
//   sentiment / category / severity badges (with the severity reasons),
//   the text with <mark> highlights, the monitored queries it matched and
//   a link to the source. `mention` is a Mention (GET /api/v1/mentions) or
//   a stream frame (GET /api/v1/mentions/stream: author.display_name
//   instead of author.name, no scores). `spans`: the API's byte spans to
//   highlight; by default the item's `highlights`, else the union of its
//   `matches[].spans`. `onOpen(mention)`: called by the "Details" button,
//   a click on the card (not on a link or a text selection) and Enter on
//   the focused card. `index` is written to data-result-index (used by
//   the search screen's j/k navigation).
// - <MentionDialog id onClose onSaved? onOpen?>
//   A modal with every field of mention `id` (GET /api/v1/mentions/{id}
//   ?highlight=true), why the models gave the labels (GET .../explain),
//   the thread (GET /api/v1/mentions?thread=...) and, for roles with the
//   `label` permission, the correction form (PATCH .../labels).
//   `onSaved(mention)` receives the stored mention after a correction;
//   `onOpen(id)` switches to another message (from the thread); without
//   it the dialog switches by itself. Closed when `id` is null.
// - labelQuery({sentiment, category, severity, needs_reply}) → the
//   query-language text ("sentiment:negative AND (severity:high OR
//   severity:critical)") that selects those labels, or '' when none is
//   set. Values are comma-separated lists (any of). GET /api/v1/mentions
//   has no label parameters: the search and the stream's polling fallback
//   apply them through these fields (docs/query-language.md, "Fields").
// - authorName(author) → the display name, else "@handle", else "".
import { html, useAsync, useEffect, useMemo, useState, Button, CategoryBadge, ChannelBadge, Dialog, Empty, ErrorBox,
  Field, Select, SentimentBadge, SeverityBadge, Spinner, Time, Highlighted, toast } from './ui.js';
import { get, patch } from './api.js';
import { t, registerMessages, fmtDateTime, fmtNumber, fmtPercent, fmtTime } from './i18n.js';
import { can } from './session.js';
import { categoryLabel, categoryNames, queryName, SENTIMENTS, SEVERITIES } from './labels.js';
import './mention.css';

registerMessages({
  en: {
    'mention.details': 'Details',
    'mention.details_of': 'Details of the message from {author}',
    'mention.source': 'Source',
    'mention.followers': { one: '{count} follower', other: '{count} followers' },
    'mention.matched': 'Queries:',
    'mention.needs_reply': 'Needs a reply',
    'mention.corrected': 'corrected',
    'mention.unknown_author': 'Unknown author',
    'mention.title': 'Message',
    'mention.fields': 'Fields',
    'mention.labels': 'Labels',
    'mention.why': 'Why these labels',
    'mention.thread': 'Conversation',
    'mention.thread_alone': 'No other message in this conversation.',
    'mention.thread_current': 'this message',
    'mention.correct': 'Correct the labels',
    'mention.correct_hint': 'Your correction replaces the model’s label, is kept when the message is ingested again, and is used to train the models (ecoute train).',
    'mention.correct_none': 'Change at least one label.',
    'mention.correct_saved': 'Correction saved: it will be used for training.',
    'mention.correct_readonly': 'Your role cannot correct labels.',
    'mention.corrected_fields': 'Corrected by a user: {fields}',
    'mention.score': 'score {score}',
    'mention.stored_differs': '(model’s label; stored: {value})',
    'mention.no_explanation': 'No contributing feature.',
    'mention.explain_unavailable': 'Explanations unavailable: {message}',
    'mention.kind.token': 'word',
    'mention.kind.lexicon': 'lexicon',
    'mention.kind.rule': 'rule',
    'mention.kind.signal': 'signal',
    'mention.weight_hint': 'What the models see: how much each feature pushed towards (right) or against (left) the label they give.',
    'mention.f.id': 'Id',
    'mention.f.channel': 'Channel',
    'mention.f.source': 'Source',
    'mention.f.native_id': 'Id on the channel',
    'mention.f.created_at': 'Date',
    'mention.f.author': 'Author',
    'mention.f.lang': 'Language',
    'mention.f.country': 'Country',
    'mention.f.direction': 'Direction',
    'mention.f.thread_id': 'Thread',
    'mention.f.reply_to': 'Reply to',
    'mention.f.engagement': 'Engagement',
    'mention.f.reach': 'Reach',
    'mention.f.entities': 'Entities',
    'mention.f.attributes': 'Attributes',
    'mention.f.matched': 'Monitored queries',
    'mention.f.sentiment': 'Sentiment',
    'mention.f.needs_reply': 'Needs a reply',
    'mention.f.category': 'Category',
    'mention.f.severity': 'Severity',
    'mention.f.severity_level': 'Severity',
    'mention.f.reasons': 'Reasons',
    'mention.declared': 'declared',
    'mention.confidence': 'confidence {value}',
    'mention.engagement': '{likes} likes · {reshares} reshares · {replies} replies · {views} views',
    'mention.dir.inbound': 'received', 'mention.dir.outbound': 'sent by the brand', 'mention.dir.unknown': 'unknown',
  },
  fr: {
    'mention.details': 'Détails',
    'mention.details_of': 'Détails du message de {author}',
    'mention.source': 'Source',
    'mention.followers': { one: '{count} abonné', other: '{count} abonnés' },
    'mention.matched': 'Requêtes :',
    'mention.needs_reply': 'Réponse attendue',
    'mention.corrected': 'corrigé',
    'mention.unknown_author': 'Auteur inconnu',
    'mention.title': 'Message',
    'mention.fields': 'Champs',
    'mention.labels': 'Étiquettes',
    'mention.why': 'Pourquoi ces étiquettes',
    'mention.thread': 'Conversation',
    'mention.thread_alone': 'Aucun autre message dans cette conversation.',
    'mention.thread_current': 'ce message',
    'mention.correct': 'Corriger les étiquettes',
    'mention.correct_hint': 'Votre correction remplace l’étiquette du modèle, est conservée si le message est réimporté et sert à l’entraînement des modèles (ecoute train).',
    'mention.correct_none': 'Modifiez au moins une étiquette.',
    'mention.correct_saved': 'Correction enregistrée : elle servira à l’entraînement.',
    'mention.correct_readonly': 'Votre rôle ne permet pas de corriger les étiquettes.',
    'mention.corrected_fields': 'Corrigé par un utilisateur : {fields}',
    'mention.score': 'score {score}',
    'mention.stored_differs': '(étiquette du modèle ; enregistrée : {value})',
    'mention.no_explanation': 'Aucun élément déterminant.',
    'mention.explain_unavailable': 'Explications indisponibles : {message}',
    'mention.kind.token': 'mot',
    'mention.kind.lexicon': 'lexique',
    'mention.kind.rule': 'règle',
    'mention.kind.signal': 'signal',
    'mention.weight_hint': 'Ce que voient les modèles : combien chaque élément a poussé vers l’étiquette qu’ils donnent (à droite) ou contre elle (à gauche).',
    'mention.f.id': 'Identifiant',
    'mention.f.channel': 'Canal',
    'mention.f.source': 'Source',
    'mention.f.native_id': 'Identifiant sur le canal',
    'mention.f.created_at': 'Date',
    'mention.f.author': 'Auteur',
    'mention.f.lang': 'Langue',
    'mention.f.country': 'Pays',
    'mention.f.direction': 'Sens',
    'mention.f.thread_id': 'Fil',
    'mention.f.reply_to': 'Réponse à',
    'mention.f.engagement': 'Engagement',
    'mention.f.reach': 'Audience',
    'mention.f.entities': 'Entités',
    'mention.f.attributes': 'Attributs',
    'mention.f.matched': 'Requêtes surveillées',
    'mention.f.sentiment': 'Sentiment',
    'mention.f.needs_reply': 'Réponse attendue',
    'mention.f.category': 'Catégorie',
    'mention.f.severity': 'Gravité',
    'mention.f.severity_level': 'Gravité',
    'mention.f.reasons': 'Motifs',
    'mention.declared': 'déclarée',
    'mention.confidence': 'confiance {value}',
    'mention.engagement': '{likes} j’aime · {reshares} partages · {replies} réponses · {views} vues',
    'mention.dir.inbound': 'reçu', 'mention.dir.outbound': 'envoyé par la marque', 'mention.dir.unknown': 'inconnu',
  },
});

// ---- helpers -----------------------------------------------------------

export function authorName(author) {
  if (!author) return '';
  return author.name || author.display_name || (author.handle ? '@' + author.handle : '');
}

const list = (v) => String(v || '').split(',').map((x) => x.trim()).filter(Boolean);

// One field's "any of" as query-language text.
function anyOf(field, values) {
  const terms = values.map((v) => `${field}:${v}`);
  return terms.length > 1 ? '(' + terms.join(' OR ') + ')' : terms[0];
}

export function labelQuery({ sentiment, category, severity, needs_reply } = {}) {
  const parts = [];
  if (list(sentiment).length) parts.push(anyOf('sentiment', list(sentiment)));
  if (list(category).length) parts.push(anyOf('category', list(category)));
  if (list(severity).length) parts.push(anyOf('severity', list(severity)));
  if (needs_reply === 'true' || needs_reply === 'false' || typeof needs_reply === 'boolean') parts.push(`needs_reply:${needs_reply}`);
  return parts.join(' AND ');
}

// The spans to highlight in a listed item: the searched query's when there
// was one, else the monitored queries' (highlight=true).
function defaultSpans(m) {
  if (m.highlights) return m.highlights;
  if (m.matches && m.matches.length) return m.matches.flatMap((x) => x.spans || []);
  return [];
}

// Opens a card on a click that is not on a control, a link or a text
// selection.
function isPlainClick(ev) {
  if (ev.target.closest('a, button, input, select, textarea, summary')) return false;
  const sel = window.getSelection && window.getSelection();
  return !(sel && sel.toString());
}

function Reasons({ reasons }) {
  if (!reasons || !reasons.length) return null;
  return html`<span class="mention-reasons small muted">(${reasons.map((r) => t('reason.' + r)).join(', ')})</span>`;
}

// ---- the card ------------------------------------------------------------

export function MentionCard({ mention: m, spans, onOpen, compact, index, selected }) {
  const highlight = spans || defaultSpans(m);
  const who = authorName(m.author) || t('mention.unknown_author');
  const open = onOpen ? () => onOpen(m) : null;
  const followers = m.author && Number.isFinite(m.author.followers) ? m.author.followers : null;
  const queries = m.matched_queries || [];
  return html`<article class=${'mention mention-card' + (compact ? ' mention-compact' : '') + (selected ? ' is-selected' : '') + (open ? ' is-openable' : '')}
      data-id=${m.id} data-result-index=${index} tabindex=${open ? '0' : undefined} aria-label=${who}
      onClick=${open ? (ev) => isPlainClick(ev) && open() : undefined}
      onKeyDown=${open ? (ev) => ev.key === 'Enter' && ev.target === ev.currentTarget && (ev.preventDefault(), open()) : undefined}>
    <div class="mention-head">
      <span class="mention-author">${who}</span>
      ${m.author && m.author.handle && authorName(m.author) !== '@' + m.author.handle
        ? html`<span class="muted small">@${m.author.handle}</span>` : null}
      ${followers !== null && !compact ? html`<span class="muted small">· ${t('mention.followers', { count: followers })}</span>` : null}
      <${ChannelBadge} value=${m.channel} />
      <span class="badge badge-lang" title=${t('lang.' + m.lang)}>${(m.lang || 'und').toUpperCase()}</span>
      <span class="muted small">${compact && m.created_at
        ? html`<time datetime=${m.created_at} title=${fmtDateTime(m.created_at, { dateStyle: 'full', timeStyle: 'long' })}>${fmtTime(m.created_at)}</time>`
        : html`<${Time} value=${m.created_at} />`}</span>
      <span class="spacer"></span>
      ${open ? html`<button type="button" class="btn btn-small btn-ghost mention-open" onClick=${open}
          aria-label=${t('mention.details_of', { author: who })} title=${t('mention.details')}>${compact ? '›' : t('mention.details')}</button>` : null}
    </div>
    ${m.title ? html`<div class="mention-title"><${Highlighted} text=${m.title} spans=${highlight} field="title" /></div>` : null}
    <p class="mention-text"><${Highlighted} text=${m.text} spans=${highlight} field="text" /></p>
    <div class="mention-foot">
      <${SentimentBadge} value=${m.sentiment === 'unknown' ? null : m.sentiment} />
      ${m.needs_reply ? html`<span class="badge badge-warn">${t('mention.needs_reply')}</span>` : null}
      <${CategoryBadge} value=${m.category} />
      <${SeverityBadge} value=${m.severity_level} reasons=${m.severity_reasons} />
      ${compact ? null : html`<${Reasons} reasons=${m.severity_reasons} />`}
      ${m.corrected && m.corrected.length ? html`<span class="badge badge-ok">✓ ${t('mention.corrected')}</span>` : null}
      ${queries.length ? html`<span class="small muted mention-queries">${t('mention.matched')}
          ${queries.map((id) => html`<span key=${id} class="query-chip">${queryName(id)}</span>`)}</span>` : null}
      <span class="spacer"></span>
      ${m.url ? html`<a class="small" href=${m.url} target="_blank" rel="noopener noreferrer">${t('mention.source')} ↗</a>` : null}
    </div>
  </article>`;
}

// ---- the detail dialog -------------------------------------------------------

export function MentionDialog({ id, onClose, onSaved, onOpen }) {
  const [current, setCurrent] = useState(id);
  useEffect(() => setCurrent(id), [id]);
  const shown = onOpen ? id : current;
  return html`<${Dialog} open=${!!shown} wide title=${t('mention.title') + (shown ? ' #' + shown : '')} onClose=${onClose}>
    ${shown ? html`<${MentionDetail} key=${shown} id=${shown} onSaved=${onSaved} onOpen=${onOpen || setCurrent} />` : null}
  </${Dialog}>`;
}

// Every field, the explanations, the thread and the correction form.
export function MentionDetail({ id, onSaved, onOpen }) {
  const mention = useAsync((signal) => get('/api/v1/mentions/' + id, { highlight: true }, { signal }), [id]);
  const explain = useAsync((signal) => get(`/api/v1/mentions/${id}/explain`, null, { signal }), [id]);
  const m = mention.data;
  if (mention.loading && !m) return html`<${Spinner} />`;
  if (mention.error) return html`<${ErrorBox} error=${mention.error} />`;
  if (!m) return null;
  const saved = (updated) => {
    // The PATCH answer has no `matches`: keep the highlighted ones.
    mention.setData((old) => ({ ...old, ...updated, matches: old.matches }));
    explain.reload();
    if (onSaved) onSaved(updated);
  };
  return html`<div class="mention-detail" data-testid="mention-detail">
    <${MentionCard} mention=${m} />
    <div class="detail-grid">
      <section aria-labelledby="md-labels">
        <h3 id="md-labels">${t('mention.labels')}</h3>
        <${LabelSummary} m=${m} />
        <${Corrector} m=${m} onSaved=${saved} />
      </section>
      <section aria-labelledby="md-why">
        <h3 id="md-why">${t('mention.why')}</h3>
        <${Explanations} state=${explain} />
      </section>
    </div>
    <section aria-labelledby="md-fields">
      <h3 id="md-fields">${t('mention.fields')}</h3>
      <${Fields} m=${m} />
    </section>
    ${m.thread_id ? html`<section aria-labelledby="md-thread">
      <h3 id="md-thread">${t('mention.thread')}</h3>
      <${Thread} m=${m} onOpen=${onOpen} />
    </section>` : null}
  </div>`;
}

// The stored labels with their scores, the severity reasons and which
// fields a user corrected.
function LabelSummary({ m }) {
  const corrected = m.corrected || [];
  const mark = (f) => (corrected.includes(f) ? html` <span class="badge badge-ok" data-corrected=${f}>✓ ${t('mention.corrected')}</span>` : null);
  // A corrected field's score is still the model's (for its own label): not shown.
  const score = (s, f) => (typeof s === 'number' && !corrected.includes(f)
    ? html` <span class="muted small">${t('mention.score', { score: fmtPercent(s, 0) })}</span>` : null);
  return html`<dl class="kv kv-labels">
    <dt>${t('mention.f.sentiment')}</dt>
    <dd><${SentimentBadge} value=${m.sentiment} />${score(m.sentiment_score, 'sentiment')}${mark('sentiment')}</dd>
    <dt>${t('mention.f.needs_reply')}</dt>
    <dd>${m.needs_reply === undefined ? '—' : m.needs_reply ? t('common.yes') : t('common.no')}${score(m.needs_reply_score, 'needs_reply')}${mark('needs_reply')}</dd>
    <dt>${t('mention.f.category')}</dt>
    <dd>${m.category ? categoryLabel(m.category) : '—'}${score(m.category_score, 'category')}${mark('category')}</dd>
    <dt>${t('mention.f.severity')}</dt>
    <dd>${m.severity_level && m.severity_level !== 'none' ? html`<${SeverityBadge} value=${m.severity_level} />` : t('severity.' + (m.severity_level || ''))}
      ${typeof m.severity === 'number' ? html` <span class="muted small">${m.severity}/100</span>` : null}
      ${mark('severity_level')} <${Reasons} reasons=${m.severity_reasons} /></dd>
  </dl>`;
}

// ---- explanations -------------------------------------------------------------

const EXPLAINED = [
  { key: 'sentiment', label: 'mention.f.sentiment', value: (l) => (l.sentiment ? t('sentiment.' + l.sentiment) : '—') },
  { key: 'needs_reply', label: 'mention.f.needs_reply', value: (l) => (l.needs_reply === undefined ? '—' : l.needs_reply ? t('common.yes') : t('common.no')) },
  { key: 'category', label: 'mention.f.category', value: (l) => (l.category ? categoryLabel(l.category) : '—') },
  { key: 'severity', label: 'mention.f.severity', value: (l) => t('severity.' + (l.severity_level || '')) },
];

function Explanations({ state }) {
  if (state.loading && !state.data) return html`<${Spinner} />`;
  if (state.error) return html`<div class="muted small">${t('mention.explain_unavailable', { message: state.error.message })}</div>`;
  const d = state.data;
  if (!d) return null;
  const ex = d.explanation || {};
  const model = ex.model || {};
  const labels = d.labels || {};
  return html`<div class="explain" data-testid="explanations">
    <p class="muted small">${t('mention.weight_hint')}</p>
    ${EXPLAINED.map((e) => {
      // The features explain the label the models give now; the stored one
      // differs after a user's correction or a retraining.
      const stored = e.value(labels);
      const now = ex.model ? e.value(model) : stored;
      return html`<div key=${e.key} class="explain-block" data-label=${e.key}>
        <h4>${t(e.label)} : <span class="explain-value">${now}</span>
          ${now !== stored ? html` <span class="muted small">${t('mention.stored_differs', { value: stored })}</span>` : null}</h4>
        <${Contributions} items=${ex[e.key] || []} />
      </div>`;
    })}
  </div>`;
}

// The top features as a diverging bar list (largest |weight| first).
function Contributions({ items }) {
  const top = useMemo(() => [...items].sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight)).slice(0, 8), [items]);
  if (!top.length) return html`<div class="muted small">${t('mention.no_explanation')}</div>`;
  const max = Math.max(...top.map((x) => Math.abs(x.weight)), 1e-9);
  return html`<ul class="contrib">
    ${top.map((x, i) => {
      const w = (Math.abs(x.weight) / max) * 50;
      return html`<li key=${i} class="contrib-row">
        <span class="contrib-feature mono" title=${x.feature}>${x.feature}</span>
        <span class="contrib-kind small muted">${t('mention.kind.' + x.kind)}</span>
        <span class="contrib-bar" aria-hidden="true">
          <span class=${'contrib-fill ' + (x.weight >= 0 ? 'is-pos' : 'is-neg')}
            style=${x.weight >= 0 ? { left: '50%', width: w + '%' } : { left: 50 - w + '%', width: w + '%' }}></span>
        </span>
        <span class="contrib-weight mono small">${x.weight >= 0 ? '+' : '−'}${fmtNumber(Math.abs(x.weight), { maximumFractionDigits: 2 })}</span>
      </li>`;
    })}
  </ul>`;
}

// ---- the correction form -----------------------------------------------------

function Corrector({ m, onSaved }) {
  const initial = {
    sentiment: SENTIMENTS.includes(m.sentiment) ? m.sentiment : '',
    needs_reply: m.needs_reply === undefined ? '' : String(m.needs_reply),
    category: m.category || '',
    severity_level: m.severity_level || '',
  };
  const [form, setForm] = useState(initial);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  useEffect(() => setForm(initial), [m.sentiment, m.needs_reply, m.category, m.severity_level]);
  if (!can('label')) return html`<p class="muted small">${t('mention.correct_readonly')}</p>`;

  // Keeps the two stages coherent as the API wants (no reply ⇔ category none).
  const set = (key, value) => setForm((f) => {
    const next = { ...f, [key]: value };
    if (key === 'needs_reply' && value === 'false') next.category = 'none';
    if (key === 'needs_reply' && value === 'true' && next.category === 'none') next.category = initial.category !== 'none' ? initial.category : '';
    if (key === 'category' && value) next.needs_reply = value === 'none' ? 'false' : 'true';
    return next;
  });
  const changes = {};
  if (form.sentiment && form.sentiment !== initial.sentiment) changes.sentiment = form.sentiment;
  if (form.needs_reply && form.needs_reply !== initial.needs_reply) changes.needs_reply = form.needs_reply === 'true';
  if (form.category && form.category !== initial.category) changes.category = form.category;
  if (form.severity_level && form.severity_level !== initial.severity_level) changes.severity_level = form.severity_level;
  const dirty = Object.keys(changes).length > 0;

  const submit = async (ev) => {
    ev.preventDefault();
    if (!dirty) {
      setError({ message: t('mention.correct_none') });
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const updated = await patch(`/api/v1/mentions/${m.id}/labels`, changes);
      toast(t('mention.correct_saved'), 'success');
      onSaved(updated);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const sentimentOptions = SENTIMENTS.map((s) => ({ value: s, label: t('sentiment.' + s) }));
  const categoryOptions = [...categoryNames(), 'none'].map((c) => ({ value: c, label: categoryLabel(c) }));
  const severityOptions = SEVERITIES.map((s) => ({ value: s, label: t('severity.' + s) }));
  const yesNo = [{ value: 'true', label: t('common.yes') }, { value: 'false', label: t('common.no') }];
  return html`<form class="corrector" onSubmit=${submit} data-testid="corrector">
    <h4>${t('mention.correct')}</h4>
    <div class="corrector-fields">
      <${Field} label=${t('mention.f.sentiment')}>${(fid) => html`<${Select} id=${fid} name="sentiment" value=${form.sentiment}
          onChange=${(v) => set('sentiment', v)} options=${sentimentOptions} all=${form.sentiment ? undefined : '—'} />`}</${Field}>
      <${Field} label=${t('mention.f.needs_reply')}>${(fid) => html`<${Select} id=${fid} name="needs_reply" value=${form.needs_reply}
          onChange=${(v) => set('needs_reply', v)} options=${yesNo} all=${form.needs_reply ? undefined : '—'} />`}</${Field}>
      <${Field} label=${t('mention.f.category')}>${(fid) => html`<${Select} id=${fid} name="category" value=${form.category}
          onChange=${(v) => set('category', v)} options=${categoryOptions} all=${form.category ? undefined : '—'} />`}</${Field}>
      <${Field} label=${t('mention.f.severity')}>${(fid) => html`<${Select} id=${fid} name="severity_level" value=${form.severity_level}
          onChange=${(v) => set('severity_level', v)} options=${severityOptions} all=${form.severity_level ? undefined : '—'} />`}</${Field}>
    </div>
    <p class="muted small">${t('mention.correct_hint')}</p>
    ${m.corrected && m.corrected.length
      ? html`<p class="small" data-testid="corrected-fields">✓ ${t('mention.corrected_fields', { fields: m.corrected.map((f) => t('mention.f.' + f)).join(', ') })}</p>`
      : null}
    <${ErrorBox} error=${error} />
    <div class="row">
      <${Button} kind="primary" type="submit" disabled=${busy || !dirty}>${t('common.save')}</${Button}>
      ${dirty ? html`<${Button} kind="ghost" onClick=${() => { setForm(initial); setError(null); }}>${t('common.cancel')}</${Button}>` : null}
    </div>
  </form>`;
}

// ---- every other field -----------------------------------------------------------

function Fields({ m }) {
  const a = m.author || {};
  const e = m.engagement;
  const ent = m.entities;
  const rows = [
    ['id', m.id],
    ['created_at', html`<${Time} value=${m.created_at} />`],
    ['channel', html`<${ChannelBadge} value=${m.channel} />`],
    ['source', m.source],
    ['native_id', html`<span class="mono">${m.native_id}</span>`],
    ['author', a.handle || a.name ? html`${authorName(a)} ${a.handle ? html`<span class="muted">@${a.handle}</span>` : null}
        ${a.verified ? ' ✓' : ''} ${Number.isFinite(a.followers) ? html`· ${t('mention.followers', { count: a.followers })}` : null}` : null],
    ['lang', m.lang ? html`${t('lang.' + m.lang)} (${m.lang})${m.lang_declared ? ' · ' + t('mention.declared') : ''}
        ${typeof m.lang_confidence === 'number' ? ' · ' + t('mention.confidence', { value: fmtPercent(m.lang_confidence, 0) }) : ''}` : null],
    ['country', m.country],
    ['direction', m.direction ? t('mention.dir.' + m.direction) : null],
    ['reach', Number.isFinite(m.reach) ? fmtNumber(m.reach) : null],
    ['engagement', e ? t('mention.engagement', { likes: e.likes || 0, reshares: e.reshares || 0, replies: e.replies || 0, views: e.views || 0 }) : null],
    ['thread_id', m.thread_id ? html`<span class="mono">${m.thread_id}</span>` : null],
    ['reply_to', m.reply_to ? html`<span class="mono">${m.reply_to}</span>` : null],
    ['matched', m.matched_queries && m.matched_queries.length
      ? m.matched_queries.map((q) => html`<span key=${q} class="query-chip">${queryName(q)}</span>`) : null],
    ['entities', ent ? [
      ...(ent.mentions || []).map((x) => '@' + x),
      ...(ent.hashtags || []).map((x) => '#' + x),
      ...(ent.urls || []),
    ].join(' ') || null : null],
    ['source', m.url ? html`<a href=${m.url} target="_blank" rel="noopener noreferrer">${m.url}</a>` : null],
  ].filter(([, v]) => v !== null && v !== undefined && v !== '');
  const attrs = Object.entries(m.attributes || {});
  return html`<dl class="kv">
      ${rows.map(([k, v], i) => html`<dt key=${'k' + i}>${t('mention.f.' + k)}</dt><dd key=${'v' + i}>${v}</dd>`)}
    </dl>
    ${attrs.length ? html`<details class="attrs"><summary>${t('mention.f.attributes')} (${attrs.length})</summary>
      <dl class="kv small">${attrs.map(([k, v]) => html`<dt key=${'k' + k} class="mono">${k}</dt><dd key=${'v' + k}>${v}</dd>`)}</dl>
    </details>` : null}`;
}

// ---- the thread ---------------------------------------------------------------

function Thread({ m, onOpen }) {
  const thread = useAsync((signal) => get('/api/v1/mentions', { thread: m.thread_id, limit: 50 }, { signal }), [m.thread_id]);
  if (thread.loading && !thread.data) return html`<${Spinner} />`;
  if (thread.error) return html`<${ErrorBox} error=${thread.error} />`;
  const items = [...((thread.data && thread.data.items) || [])].reverse(); // oldest first
  if (items.length <= 1) return html`<${Empty}>${t('mention.thread_alone')}</${Empty}>`;
  return html`<ol class="thread">
    ${items.map((x) => html`<li key=${x.id} class=${x.id === m.id ? 'is-current' : ''} aria-current=${x.id === m.id ? 'true' : undefined}>
      <div class="row small">
        <strong>${authorName(x.author) || t('mention.unknown_author')}</strong>
        <span class="muted"><${Time} value=${x.created_at} /></span>
        <${SentimentBadge} value=${x.sentiment === 'unknown' ? null : x.sentiment} />
        ${x.id === m.id ? html`<span class="muted">(${t('mention.thread_current')})</span>`
          : html`<button type="button" class="btn btn-small btn-ghost" onClick=${() => onOpen(x.id)}>${t('mention.details')}</button>`}
      </div>
      <div class="thread-text">${x.text}</div>
    </li>`)}
  </ol>`;
}
