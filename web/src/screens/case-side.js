// The side panels of a case (case-view.js):
// - <SlaPanel c fetchedAt>: the case's SLA policy and its three targets
//   (first response, next response, resolution): live countdown or
//   outcome, target in business minutes, due and met times in the user's
//   time zone.
// - <CustomerPanel c summary onMerged>: the customer (GET
//   /api/v1/contacts/{id}): identifiers, other open cases, suggested
//   links with evidence and Accept / Reject, and the timeline across
//   channels. After a decision the contact and its timeline reload (an
//   accepted link brings the other contact's messages in) and
//   onMerged() is called.
// - <AssistPanel c onInsert>: agent assist (GET /api/v1/cases/{id}/assist,
//   reloaded when a new message arrives): predicted category, severity
//   with reasons, the model's explanation, the canned responses that fit
//   (onInsert(text) puts one into the composer) and similar resolved
//   cases.
import { get } from '../api.js';
import { registerMessages, t, fmtDateTime, fmtDuration, fmtNumber, fmtPercent } from '../i18n.js';
import { can } from '../session.js';
import { html, useAsync, useState, useNow, CategoryBadge, ChannelBadge, ErrorBox, Panel, SentimentBadge, SeverityBadge,
  Spinner } from '../ui.js';
import { TARGETS, SlaBadge, StatusBadge, forgetContact, label } from './care-common.js';
import { Identifiers, Suggestions, Timeline } from './contact-parts.js';

registerMessages({
  en: {
    'side.sla': 'SLA',
    'side.policy': 'Policy {name}',
    'side.no_policy': 'No SLA policy applies to this case.',
    'side.line': '{name}: {value}',
    'side.target': 'Target',
    'side.target_value': '{time} (business time)',
    'side.no_target': 'no target',
    'side.due': 'Due',
    'side.met_at': 'Answered',
    'side.resolved_at': 'Resolved',
    'side.elapsed': 'Took {time}',
    'side.pending_since': 'Pending since {time}: the clocks are stopped.',
    'side.customer': 'Customer',
    'side.no_contact': 'No contact is known for this case.',
    'side.contact_page': 'Contact page',
    'side.vip': 'VIP',
    'side.messages': { one: '{count} message', other: '{count} messages' },
    'side.other_cases': 'Other open cases',
    'side.suggested': 'Suggested links',
    'side.timeline': 'Timeline across channels',
    'side.assist': 'Agent assist',
    'side.assist_none': 'No customer message to analyse.',
    'side.category': 'Category',
    'side.severity': 'Severity',
    'side.sentiment': 'Sentiment',
    'side.needs_reply': 'Needs a reply',
    'side.why': 'Why (the model’s explanation)',
    'side.head.category': 'Category',
    'side.head.needs_reply': 'Needs a reply',
    'side.head.sentiment': 'Sentiment',
    'side.head.severity': 'Severity',
    'side.canned': 'Canned responses that fit',
    'side.canned_none': 'No canned response fits this message.',
    'side.insert': 'Insert',
    'side.insert_label': 'Insert the canned response {name} into the reply',
    'side.similar': 'Similar resolved cases',
    'side.similar_none': 'No similar resolved case.',
    'side.shared': 'shared words: {terms}',
  },
  fr: {
    'side.sla': 'SLA',
    'side.policy': 'Politique {name}',
    'side.no_policy': 'Aucune politique SLA ne s’applique à ce dossier.',
    'side.line': '{name} : {value}',
    'side.target': 'Objectif',
    'side.target_value': '{time} (temps ouvré)',
    'side.no_target': 'sans objectif',
    'side.due': 'Échéance',
    'side.met_at': 'Répondu',
    'side.resolved_at': 'Résolu',
    'side.elapsed': 'En {time}',
    'side.pending_since': 'En attente depuis le {time} : les compteurs sont arrêtés.',
    'side.customer': 'Client',
    'side.no_contact': 'Aucun contact connu pour ce dossier.',
    'side.contact_page': 'Fiche contact',
    'side.vip': 'VIP',
    'side.messages': { one: '{count} message', other: '{count} messages' },
    'side.other_cases': 'Autres dossiers ouverts',
    'side.suggested': 'Liens suggérés',
    'side.timeline': 'Historique multicanal',
    'side.assist': 'Aide à la réponse',
    'side.assist_none': 'Aucun message client à analyser.',
    'side.category': 'Catégorie',
    'side.severity': 'Gravité',
    'side.sentiment': 'Sentiment',
    'side.needs_reply': 'Réponse attendue',
    'side.why': 'Pourquoi (explication du modèle)',
    'side.head.category': 'Catégorie',
    'side.head.needs_reply': 'Réponse attendue',
    'side.head.sentiment': 'Sentiment',
    'side.head.severity': 'Gravité',
    'side.canned': 'Réponses types adaptées',
    'side.canned_none': 'Aucune réponse type ne correspond à ce message.',
    'side.insert': 'Insérer',
    'side.insert_label': 'Insérer la réponse type {name} dans la réponse',
    'side.similar': 'Dossiers résolus similaires',
    'side.similar_none': 'Aucun dossier résolu similaire.',
    'side.shared': 'mots communs : {terms}',
  },
});

// ---- SLA -------------------------------------------------------------
export function SlaPanel({ c, fetchedAt }) {
  const now = useNow(1000);
  return html`<${Panel} title=${t('side.sla')} id="case-sla" class="side-panel">
    ${c.sla_policy ? html`<p class="small muted">${t('side.policy', { name: c.sla_policy })}</p>` : html`<p class="small muted">${t('side.no_policy')}</p>`}
    <dl class="sla-list">
      ${TARGETS.map((name) => {
        const x = c[name];
        if (!x || (x.state === 'none' && !x.target_minutes)) return null;
        return html`<div key=${name} class="sla-item" data-target=${name} data-state=${x.state}>
          <dt>${t('care.target.' + name)}</dt>
          <dd>
            <${SlaBadge} name=${name} target=${x} fetchedAt=${fetchedAt} now=${now} showName=${false} />
            <div class="small muted">${t('side.line', { name: t('side.target'), value: x.target_minutes
              ? t('side.target_value', { time: fmtDuration(x.target_minutes * 60000) }) : t('side.no_target') })}</div>
            ${x.due_at && !x.met_at ? html`<div class="small">${t('side.line', { name: t('side.due'), value: fmtDateTime(x.due_at) })}</div>` : null}
            ${x.met_at ? html`<div class="small">${t('side.line', { name: t(name === 'resolution' ? 'side.resolved_at' : 'side.met_at'),
              value: fmtDateTime(x.met_at) })}${x.elapsed_minutes !== null
              ? ' · ' + t('side.elapsed', { time: fmtDuration(x.elapsed_minutes * 60000) }) : ''}</div>` : null}
          </dd>
        </div>`;
      })}
    </dl>
    ${c.pending_since ? html`<p class="small muted">${t('side.pending_since', { time: fmtDateTime(c.pending_since) })}</p>` : null}
  </${Panel}>`;
}

// ---- customer --------------------------------------------------------
export function CustomerPanel({ c, summary, onMerged }) {
  const [gen, setGen] = useState(0);
  const contact = useAsync(
    (signal) => (c.contact_id ? get('/api/v1/contacts/' + c.contact_id, null, { signal }) : null),
    [c.contact_id, gen],
  );
  if (!c.contact_id) return html`<${Panel} title=${t('side.customer')} class="side-panel"><p class="muted small">${t('side.no_contact')}</p></${Panel}>`;
  const detail = contact.data;
  const k = detail ? detail.contact : summary;
  const others = detail ? detail.open_cases.filter((x) => x.id !== c.id) : [];
  const decided = (r) => {
    forgetContact();
    setGen((n) => n + 1);
    if (r.accepted && onMerged) onMerged();
  };
  return html`<${Panel} title=${t('side.customer')} id="case-customer" class="side-panel customer-panel"
      actions=${k ? html`<a class="small" href=${'/contacts/' + k.id}>${t('side.contact_page')}</a>` : null}>
    ${contact.error ? html`<${ErrorBox} error=${contact.error} />` : null}
    ${!k ? html`<${Spinner} />` : html`
      <div class="customer-name row">
        <strong>${k.display_name}</strong>
        ${k.vip ? html`<span class="badge badge-warn">${t('side.vip')}</span>` : null}
        <span class="small muted">${t('side.messages', { count: k.message_count || 0 })}</span>
      </div>
      <div class="row customer-channels">${(k.channels || []).map((ch) => html`<${ChannelBadge} key=${ch} value=${ch} />`)}</div>
      <${Identifiers} contact=${k} editable=${false} />
      ${others.length ? html`<h3>${t('side.other_cases')}</h3>
        <ul class="plain-list">${others.map((x) => html`<li key=${x.id}><a href=${'/inbox/' + x.id}>#${x.id}</a>
          <${StatusBadge} value=${x.status} /> <span class="small">${x.subject.slice(0, 80)}</span></li>`)}</ul>` : null}
      ${detail ? html`<section class="customer-suggestions" aria-labelledby="case-sugg-h">
        <h3 id="case-sugg-h">${t('side.suggested')}</h3>
        <${Suggestions} contact=${detail.contact} reloadKey=${gen} onDecided=${decided} />
      </section>` : null}
      <section class="customer-timeline" aria-labelledby="case-tl-h">
        <h3 id="case-tl-h">${t('side.timeline')}</h3>
        <${Timeline} contactId=${c.contact_id} limit=${10} reloadKey=${gen} currentCaseId=${c.id} />
      </section>`}
  </${Panel}>`;
}

// ---- assist ----------------------------------------------------------
function Explanation({ explanation }) {
  if (!explanation) return null;
  const heads = ['category', 'needs_reply', 'sentiment', 'severity'].filter((h) => Array.isArray(explanation[h]) && explanation[h].length);
  if (!heads.length) return null;
  return html`<details class="explain">
    <summary>${t('side.why')}</summary>
    ${heads.map((h) => html`<div key=${h} class="explain-head">
      <span class="small muted">${t('side.head.' + h)}</span>
      <div class="row">${explanation[h].slice(0, 6).map((f, i) => html`<span key=${i}
          class=${'feature ' + (f.weight >= 0 ? 'feature-pos' : 'feature-neg')}
          title=${fmtNumber(f.weight, { maximumFractionDigits: 2, signDisplay: 'always' })}>${f.feature}</span>`)}</div>
    </div>`)}
  </details>`;
}

export function AssistPanel({ c, onInsert }) {
  const assist = useAsync((signal) => get('/api/v1/cases/' + c.id + '/assist', null, { signal }), [c.id, c.last_message_id]);
  const a = assist.data;
  const l = a && a.labels;
  return html`<${Panel} title=${t('side.assist')} id="case-assist" class="side-panel">
    ${assist.error ? html`<${ErrorBox} error=${assist.error} />` : null}
    ${!a ? (assist.error ? null : html`<${Spinner} />`) : html`
      ${l ? html`<dl class="assist-labels">
        <div><dt>${t('side.category')}</dt><dd><${CategoryBadge} value=${l.category} />
          ${l.category_score ? html` <span class="small muted">${fmtPercent(l.category_score, 0)}</span>` : null}
          ${!l.category || l.category === 'none' ? html`<span class="small muted">${label('category.', l.category || '')}</span>` : null}</dd></div>
        <div><dt>${t('side.severity')}</dt><dd>
          ${l.severity_level && l.severity_level !== 'none' ? html`<${SeverityBadge} value=${l.severity_level} reasons=${l.severity_reasons} />`
            : html`<span class="small muted">${t('severity.none')}</span>`}
          ${l.severity_reasons && l.severity_reasons.length ? html`<div class="small">${l.severity_reasons.map((r) => t('reason.' + r)).join(', ')}</div>` : null}
        </dd></div>
        <div><dt>${t('side.sentiment')}</dt><dd><${SentimentBadge} value=${l.sentiment} /></dd></div>
        <div><dt>${t('side.needs_reply')}</dt><dd>${l.needs_reply === null || l.needs_reply === undefined ? '—' : t(l.needs_reply ? 'common.yes' : 'common.no')}</dd></div>
      </dl>
      <${Explanation} explanation=${l.explanation} />` : html`<p class="small muted">${t('side.assist_none')}</p>`}
      <h3>${t('side.canned')}</h3>
      ${a.canned.length === 0 ? html`<p class="small muted">${t('side.canned_none')}</p>` : html`<ul class="assist-canned">
        ${a.canned.map((x) => html`<li key=${x.id} class="assist-canned-item">
          <div class="row"><strong>${x.title || x.name}</strong><span class="spacer"></span>
            ${can('work_cases') && x.rendered ? html`<button type="button" class="btn btn-small"
                aria-label=${t('side.insert_label', { name: x.title || x.name })}
                onClick=${() => onInsert(x.rendered.text)}>${t('side.insert')}</button>` : null}</div>
          ${x.rendered ? html`<div class="small canned-text">${x.rendered.text}</div>` : null}
          ${x.reasons && x.reasons.length ? html`<div class="small muted">${x.reasons.join(' · ')}</div>` : null}
        </li>`)}
      </ul>`}
      <h3>${t('side.similar')}</h3>
      ${a.similar.length === 0 ? html`<p class="small muted">${t('side.similar_none')}</p>` : html`<ul class="plain-list">
        ${a.similar.map((x) => html`<li key=${x.case_id}>
          <a href=${'/inbox/' + x.case_id}>#${x.case_id} ${x.subject}</a> <${StatusBadge} value=${x.status} />
          ${x.shared_terms && x.shared_terms.length ? html`<div class="small muted">${t('side.shared', { terms: x.shared_terms.join(', ') })}</div>` : null}
        </li>`)}
      </ul>`}`}
  </${Panel}>`;
}
