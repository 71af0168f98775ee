// Screen "Alert rules" (/rules): the rules that open alerts (docs/alerts.md,
// src/alert/rules.h), with a structured editor for every kind, checked by
// the API as it is typed, and a backtest of the rule on history.
//
// Contract
//   Route  /rules — menu order 80, label nav.rules, permission read; creating,
//          replacing and deleting need manage_alerts (controls hidden, form
//          read-only otherwise). Rules of ecoute.yaml (origin config) are
//          read-only for everyone.
//   URL    ?edit=new | ?edit=<rule name>  the editor is open.
//   API    GET    /api/v1/alert-rules              the list
//          POST   /api/v1/alert-rules/preview      as the user types (debounced 400 ms): the rule checked
//                                                  exactly as a save would check it (200 {valid: false,
//                                                  error} names the field: min_volume, queries[0],
//                                                  quiet_hours.start..., shown on that field), then
//                                                  backtested on the stored history of the chosen range
//                                                  by a fresh engine holding only it: the alerts it would
//                                                  have opened (chart per hour, list with sample messages
//                                                  → /search?m=ID), scanned / truncated noted. Nothing saved.
//          POST   /api/v1/alert-rules              create  ┐ errors (name taken...) shown on their field
//          PUT    /api/v1/alert-rules/{name}       replace ┘
//          DELETE /api/v1/alert-rules/{name}       after a confirmation
//          GET    /api/v1/notifiers, /api/v1/queries, /api/v1/teams (read_cases)   the choices
//   Exports (used by alerts.js): RULE_KINDS, ruleToQuery(rule) → {query, notes}, describeRule(rule).
import {
  html, useState, useEffect, useMemo, useAsync, useDebounced, toast,
  Button, ErrorBox, Empty, Field, Select, ConfirmDialog, Panel, PageTitle, Spinner, Time,
} from '../ui.js';
import { get, post, put, del } from '../api.js';
import { route, setQuery } from '../router.js';
import { can } from '../session.js';
import { t, registerMessages, fmtNumber, fmtPercent, fmtDateTime } from '../i18n.js';
import { queries, setQueries, categoryNames, categoryLabel, CHANNELS, SENTIMENTS, LANGS } from '../labels.js';
import { Chart } from '../charts.js';
import './alerts.css';
import './rules.css';

registerMessages({
  en: {
    'rules.title': 'Alert rules',
    'rules.new': 'New rule',
    'rules.not_found': 'No rule is named {name}.',
    'rules.list': 'Rules',
    'rules.empty': 'No alert rule yet.',
    'rules.col_name': 'Name', 'rules.col_kind': 'Kind', 'rules.col_level': 'Level', 'rules.col_enabled': 'Enabled',
    'rules.col_what': 'What it watches', 'rules.col_actions': 'Actions',
    'rules.kind.mention': 'Mention', 'rules.kind.severity': 'Severity', 'rules.kind.high_reach': 'High reach',
    'rules.kind.volume_spike': 'Volume spike', 'rules.kind.negative_share': 'Negative spike', 'rules.kind.snowball': 'Snowball',
    'rules.kind.sla': 'SLA',
    'rules.kind_help.mention': 'Every new message that passes the filters (and matches one of the queries, or any monitored query).',
    'rules.kind_help.severity': 'A message at or above the minimum severity, or with one of the reasons.',
    'rules.kind_help.high_reach': 'An author with at least the minimum number of followers.',
    'rules.kind_help.volume_spike': 'A query’s count over 5, 15 or 60 minutes is improbably high for this hour of the week.',
    'rules.kind_help.negative_share': 'A query’s share of negative messages over a window is improbably high against its usual share.',
    'rules.kind_help.snowball': 'A conversation (replies, reshares, quotes of one message) grows fast.',
    'rules.kind_help.sla': 'A case of the care inbox gets an SLA warning or breach.',
    'rules.level.info': 'Info', 'rules.level.warning': 'Warning', 'rules.level.critical': 'Critical',
    'rules.origin_config': 'ecoute.yaml',
    'rules.origin_config_hint': 'Defined in ecoute.yaml: change it in the file (kill -HUP reloads it).',
    'rules.read_only': 'Your role can read the rules but not change them.',
    'rules.view': 'View',
    'rules.alerts_of': 'Alerts',
    'rules.editor_new': 'New alert rule',
    'rules.editor_edit': 'Rule {name}',
    'rules.advanced_json': 'Advanced JSON',
    'rules.json_label': 'The rule as JSON (the API’s body)',
    'rules.json_invalid': 'Not valid JSON: {message}',
    'rules.sec_rule': 'Rule',
    'rules.sec_trigger': 'Trigger',
    'rules.sec_filters': 'Message filters',
    'rules.sec_filters_hint': 'All the filters that are set must hold; an empty list means any.',
    'rules.sec_sla': 'SLA events',
    'rules.sec_noise': 'Noise control',
    'rules.sec_notify': 'Notifications',
    'rules.name': 'Name',
    'rules.name_hint': '1 to 64 letters, digits, “.”, “_” or “-”.',
    'rules.kind': 'Kind',
    'rules.description': 'Description',
    'rules.enabled': 'Enabled',
    'rules.level': 'Level (the highest it raises)',
    'rules.queries': 'Queries',
    'rules.queries_hint': 'None = any monitored query. For spikes each query is its own series.',
    'rules.channels': 'Channels',
    'rules.languages': 'Languages',
    'rules.sentiments': 'Sentiments',
    'rules.categories': 'Categories',
    'rules.needs_reply': 'Needs a reply',
    'rules.needs_reply_any': 'Either',
    'rules.min_followers': 'Minimum followers',
    'rules.min_severity': 'Minimum severity',
    'rules.min_severity_any': 'Any',
    'rules.reasons': 'Severity reasons (any of them)',
    'rules.include_outbound': 'Count the brand’s own messages too',
    'rules.sensitivity': 'Sensitivity',
    'rules.sensitivity.low': 'Low (p < 1e-7)', 'rules.sensitivity.medium': 'Medium (p < 1e-5)', 'rules.sensitivity.high': 'High (p < 1e-4)',
    'rules.min_volume': 'Minimum volume in the window',
    'rules.min_volume_hint_share': 'Negative messages in the window, at least.',
    'rules.per_channel': 'One series per query and channel',
    'rules.min_share_increase': 'Minimum share increase',
    'rules.min_share_increase_hint': 'Share minus usual share, from 0 to 1 (0.15 = 15 points).',
    'rules.cascade_per_minute': 'Events per minute',
    'rules.cascade_window_minutes': 'Window (minutes)',
    'rules.cascade_min': 'Events in the window, at least',
    'rules.fast_start_ratio': 'Fast start ratio',
    'rules.fast_start_ratio_hint': 'Or: first-window events at least this times the author’s usual (0 = off).',
    'rules.events': 'Events',
    'rules.event.warning': 'Warning', 'rules.event.breach': 'Breach',
    'rules.targets': 'Targets',
    'rules.target.first_response': 'First response', 'rules.target.next_response': 'Next response', 'rules.target.resolution': 'Resolution',
    'rules.teams': 'Teams',
    'rules.teams_hint': 'None = any team.',
    'rules.teams_text_hint': 'Team names, separated by commas; empty = any team.',
    'rules.priorities': 'Priorities',
    'rules.priority.low': 'Low', 'rules.priority.normal': 'Normal', 'rules.priority.high': 'High', 'rules.priority.urgent': 'Urgent',
    'rules.group_minutes': 'Group for (minutes)',
    'rules.group_minutes_hint': 'A trigger within this of the open alert folds into it; 0 = every trigger is its own alert.',
    'rules.cooldown_minutes': 'Cooldown (minutes)',
    'rules.cooldown_minutes_hint': 'After a person resolves an alert, no new one for the same key for this long.',
    'rules.throttle_per_hour': 'Notifications per hour, at most',
    'rules.throttle_per_hour_hint': '0 = unlimited.',
    'rules.notify_updates': 'Notify again each time an open alert doubles its triggers',
    'rules.quiet_hours': 'Quiet hours',
    'rules.quiet_hours_on': 'Hold notifications back at these times (alerts are still recorded)',
    'rules.quiet_start': 'From', 'rules.quiet_end': 'To',
    'rules.quiet_days': 'Days the window starts on (none = every day)',
    'rules.except_critical': 'Critical alerts are notified anyway',
    'rules.day.mon': 'Mon', 'rules.day.tue': 'Tue', 'rules.day.wed': 'Wed', 'rules.day.thu': 'Thu', 'rules.day.fri': 'Fri', 'rules.day.sat': 'Sat', 'rules.day.sun': 'Sun',
    'rules.notify': 'Notifiers (none = all)',
    'rules.no_notifier': 'No notifier is configured in ecoute.yaml: alerts show here and in the live stream only.',
    'rules.err_name': 'Use 1 to 64 letters, digits, “.”, “_” or “-”.',
    'rules.err_int': 'A whole number from {min} to {max}.',
    'rules.err_int_min': 'A whole number, at least {min}.',
    'rules.err_num': 'A number from {min} to {max}.',
    'rules.err_num_min': 'A number, at least {min}.',
    'rules.err_time': 'A time HH:MM.',
    'rules.created': 'Rule {name} created.',
    'rules.saved': 'Rule {name} saved.',
    'rules.deleted': 'Rule {name} deleted.',
    'rules.delete_title': 'Delete the rule {name}?',
    'rules.delete_text': 'It stops evaluating at once. Its alerts are kept, with their history.',
    'rules.preview': 'Preview on history',
    'rules.preview_range': 'Over',
    'rules.range.1': 'the last 24 hours', 'rules.range.7': 'the last 7 days', 'rules.range.30': 'the last 30 days',
    'rules.preview_checking': 'Checking the rule…',
    'rules.preview_updating': 'Updating…',
    'rules.preview_valid': 'Valid rule.',
    'rules.preview_invalid': 'Fix the rule to see what it would have done: {message}',
    'rules.preview_invalid_field': 'Fix “{field}” to see what the rule would have done: {message}',
    'rules.preview_opened': { zero: 'It would not have opened any alert.', one: 'It would have opened {count} alert.', other: 'It would have opened {count} alerts.' },
    'rules.preview_notified': { one: '{n} notified', other: '{n} notified' },
    'rules.preview_suppressed': { zero: 'none held back.', one: '{n} held back (throttle, quiet hours).', other: '{n} held back (throttle, quiet hours).' },
    'rules.preview_spike_note': 'A spike rule fires only once a series has 7 days of history (learned from the warm-up before the range, then from the range itself).',
    'rules.preview_scanned': { one: 'Replayed on {n} stored message, in event time, by a fresh engine holding only this rule.', other: 'Replayed on {n} stored messages, in event time, by a fresh engine holding only this rule.' },
    'rules.preview_learned': 'Of them, {n} from {from} taught the baseline first (warm-up).',
    'rules.preview_truncated': 'More history than {max} messages: only the newest part was replayed, from {from}.',
    'rules.preview_disabled': 'The rule is disabled: previewed as if it were enabled.',
    'rules.preview_sla': 'SLA rules fire on the care inbox’s warnings and breaches, which are not replayed: the rule is valid, there is nothing to preview on messages.',
    'rules.preview_chart': 'Alerts the rule would have opened per hour, and the messages it counts',
    'rules.series_opened': 'Alerts opened',
    'rules.series_matched': 'Messages counted',
    'rules.preview_list': 'The alerts it would have opened',
    'rules.preview_none': 'No alert in this range.',
    'rules.preview_more': { one: '… and {count} more alert, not listed.', other: '… and {count} more alerts, not listed.' },
    'rules.pcol_opened': 'Opened',
    'rules.pcol_level': 'Level',
    'rules.pcol_alert': 'Alert',
    'rules.pcol_samples': 'Sample messages',
    'rules.ptriggers': { one: '{count} trigger', other: '{count} triggers' },
    'rules.pstatus.open': 'still open', 'rules.pstatus.acknowledged': 'acknowledged', 'rules.pstatus.resolved': 'resolved by itself',
    'rules.sample_link': 'Open the message from {author}',
    'rules.sum_queries': 'queries: {v}',
    'rules.sum_any_query': 'any query',
    'rules.sum_channels': 'channels: {v}',
    'rules.sum_languages': 'languages: {v}',
    'rules.sum_sentiments': 'sentiments: {v}',
    'rules.sum_categories': 'categories: {v}',
    'rules.sum_needs_reply': 'needs a reply',
    'rules.sum_no_reply': 'needs no reply',
    'rules.sum_followers': '≥ {n} followers',
    'rules.sum_severity': 'severity ≥ {v}',
    'rules.sum_reasons': 'reasons: {v}',
    'rules.sum_spike': '{s} sensitivity, ≥ {n} messages',
    'rules.sum_share': '{s} sensitivity, +{p} share, ≥ {n} negatives',
    'rules.sum_snowball': '≥ {r}/min over {w} min',
    'rules.sum_sla': '{events} · {targets}',
    'rules.sum_teams': 'teams: {v}',
    'rules.sum_priorities': 'priorities: {v}',
  },
  fr: {
    'rules.title': "Règles d'alerte",
    'rules.new': 'Nouvelle règle',
    'rules.not_found': 'Aucune règle ne s’appelle {name}.',
    'rules.list': 'Règles',
    'rules.empty': "Aucune règle d'alerte pour l'instant.",
    'rules.col_name': 'Nom', 'rules.col_kind': 'Type', 'rules.col_level': 'Niveau', 'rules.col_enabled': 'Active',
    'rules.col_what': 'Ce qu’elle surveille', 'rules.col_actions': 'Actions',
    'rules.kind.mention': 'Mention', 'rules.kind.severity': 'Gravité', 'rules.kind.high_reach': 'Forte audience',
    'rules.kind.volume_spike': 'Pic de volume', 'rules.kind.negative_share': 'Pic négatif', 'rules.kind.snowball': 'Effet boule de neige',
    'rules.kind.sla': 'SLA',
    'rules.kind_help.mention': 'Chaque nouveau message qui passe les filtres (et correspond à l’une des requêtes, ou à une requête surveillée).',
    'rules.kind_help.severity': 'Un message de gravité au moins égale au minimum, ou portant l’un des motifs.',
    'rules.kind_help.high_reach': 'Un auteur ayant au moins le nombre d’abonnés indiqué.',
    'rules.kind_help.volume_spike': 'Le volume d’une requête sur 5, 15 ou 60 minutes est anormalement élevé pour cette heure de la semaine.',
    'rules.kind_help.negative_share': 'La part de messages négatifs d’une requête est anormalement élevée par rapport à sa part habituelle.',
    'rules.kind_help.snowball': 'Une conversation (réponses, partages, citations d’un message) s’emballe.',
    'rules.kind_help.sla': 'Un dossier de la boîte de réception reçoit un avertissement ou un dépassement de SLA.',
    'rules.level.info': 'Info', 'rules.level.warning': 'Avertissement', 'rules.level.critical': 'Critique',
    'rules.origin_config': 'ecoute.yaml',
    'rules.origin_config_hint': 'Définie dans ecoute.yaml : modifiez-la dans le fichier (kill -HUP la recharge).',
    'rules.read_only': 'Votre rôle permet de consulter les règles, pas de les modifier.',
    'rules.view': 'Voir',
    'rules.alerts_of': 'Alertes',
    'rules.editor_new': "Nouvelle règle d'alerte",
    'rules.editor_edit': 'Règle {name}',
    'rules.advanced_json': 'JSON avancé',
    'rules.json_label': 'La règle en JSON (le corps envoyé à l’API)',
    'rules.json_invalid': 'JSON invalide : {message}',
    'rules.sec_rule': 'Règle',
    'rules.sec_trigger': 'Déclenchement',
    'rules.sec_filters': 'Filtres sur les messages',
    'rules.sec_filters_hint': 'Tous les filtres renseignés doivent être vérifiés ; une liste vide signifie « tous ».',
    'rules.sec_sla': 'Événements SLA',
    'rules.sec_noise': 'Maîtrise du bruit',
    'rules.sec_notify': 'Notifications',
    'rules.name': 'Nom',
    'rules.name_hint': 'De 1 à 64 lettres, chiffres, « . », « _ » ou « - ».',
    'rules.kind': 'Type',
    'rules.description': 'Description',
    'rules.enabled': 'Active',
    'rules.level': 'Niveau (le plus haut qu’elle déclenche)',
    'rules.queries': 'Requêtes',
    'rules.queries_hint': 'Aucune = toute requête surveillée. Pour les pics, chaque requête est une série.',
    'rules.channels': 'Canaux',
    'rules.languages': 'Langues',
    'rules.sentiments': 'Tonalités',
    'rules.categories': 'Catégories',
    'rules.needs_reply': 'Appelle une réponse',
    'rules.needs_reply_any': 'Indifférent',
    'rules.min_followers': 'Abonnés, au minimum',
    'rules.min_severity': 'Gravité minimale',
    'rules.min_severity_any': 'Toutes',
    'rules.reasons': 'Motifs de gravité (l’un d’eux)',
    'rules.include_outbound': 'Compter aussi les messages de la marque',
    'rules.sensitivity': 'Sensibilité',
    'rules.sensitivity.low': 'Faible (p < 1e-7)', 'rules.sensitivity.medium': 'Moyenne (p < 1e-5)', 'rules.sensitivity.high': 'Haute (p < 1e-4)',
    'rules.min_volume': 'Volume minimal dans la fenêtre',
    'rules.min_volume_hint_share': 'Messages négatifs dans la fenêtre, au minimum.',
    'rules.per_channel': 'Une série par requête et par canal',
    'rules.min_share_increase': 'Hausse minimale de la part',
    'rules.min_share_increase_hint': 'Part moins part habituelle, de 0 à 1 (0,15 = 15 points).',
    'rules.cascade_per_minute': 'Événements par minute',
    'rules.cascade_window_minutes': 'Fenêtre (minutes)',
    'rules.cascade_min': 'Événements dans la fenêtre, au minimum',
    'rules.fast_start_ratio': 'Rapport de démarrage rapide',
    'rules.fast_start_ratio_hint': 'Ou : événements de la première fenêtre au moins égaux à ce multiple de l’habitude de l’auteur (0 = désactivé).',
    'rules.events': 'Événements',
    'rules.event.warning': 'Avertissement', 'rules.event.breach': 'Dépassement',
    'rules.targets': 'Objectifs',
    'rules.target.first_response': 'Première réponse', 'rules.target.next_response': 'Réponse suivante', 'rules.target.resolution': 'Résolution',
    'rules.teams': 'Équipes',
    'rules.teams_hint': 'Aucune = toute équipe.',
    'rules.teams_text_hint': 'Noms d’équipes séparés par des virgules ; vide = toute équipe.',
    'rules.priorities': 'Priorités',
    'rules.priority.low': 'Basse', 'rules.priority.normal': 'Normale', 'rules.priority.high': 'Haute', 'rules.priority.urgent': 'Urgente',
    'rules.group_minutes': 'Regrouper pendant (minutes)',
    'rules.group_minutes_hint': 'Un déclenchement dans ce délai rejoint l’alerte ouverte ; 0 = une alerte par déclenchement.',
    'rules.cooldown_minutes': 'Délai de carence (minutes)',
    'rules.cooldown_minutes_hint': 'Après la résolution d’une alerte par une personne, pas de nouvelle alerte pour la même clé pendant ce délai.',
    'rules.throttle_per_hour': 'Notifications par heure, au maximum',
    'rules.throttle_per_hour_hint': '0 = illimité.',
    'rules.notify_updates': 'Notifier de nouveau chaque fois qu’une alerte ouverte double ses déclenchements',
    'rules.quiet_hours': 'Heures calmes',
    'rules.quiet_hours_on': 'Retenir les notifications à ces heures (les alertes restent enregistrées)',
    'rules.quiet_start': 'De', 'rules.quiet_end': 'À',
    'rules.quiet_days': 'Jours où la plage commence (aucun = tous les jours)',
    'rules.except_critical': 'Les alertes critiques sont tout de même notifiées',
    'rules.day.mon': 'lun.', 'rules.day.tue': 'mar.', 'rules.day.wed': 'mer.', 'rules.day.thu': 'jeu.', 'rules.day.fri': 'ven.', 'rules.day.sat': 'sam.', 'rules.day.sun': 'dim.',
    'rules.notify': 'Canaux de notification (aucun = tous)',
    'rules.no_notifier': 'Aucun canal de notification n’est configuré dans ecoute.yaml : les alertes s’affichent ici et dans le flux en direct seulement.',
    'rules.err_name': 'De 1 à 64 lettres, chiffres, « . », « _ » ou « - ».',
    'rules.err_int': 'Un nombre entier de {min} à {max}.',
    'rules.err_int_min': 'Un nombre entier, au moins {min}.',
    'rules.err_num': 'Un nombre de {min} à {max}.',
    'rules.err_num_min': 'Un nombre, au moins {min}.',
    'rules.err_time': 'Une heure HH:MM.',
    'rules.created': 'Règle {name} créée.',
    'rules.saved': 'Règle {name} enregistrée.',
    'rules.deleted': 'Règle {name} supprimée.',
    'rules.delete_title': 'Supprimer la règle {name} ?',
    'rules.delete_text': 'Elle cesse aussitôt d’être évaluée. Ses alertes sont conservées, avec leur historique.',
    'rules.preview': 'Aperçu sur l’historique',
    'rules.preview_range': 'Sur',
    'rules.range.1': 'les dernières 24 heures', 'rules.range.7': 'les 7 derniers jours', 'rules.range.30': 'les 30 derniers jours',
    'rules.preview_checking': 'Vérification de la règle…',
    'rules.preview_updating': 'Mise à jour…',
    'rules.preview_valid': 'Règle valide.',
    'rules.preview_invalid': 'Corrigez la règle pour voir ce qu’elle aurait fait : {message}',
    'rules.preview_invalid_field': 'Corrigez « {field} » pour voir ce que la règle aurait fait : {message}',
    'rules.preview_opened': { zero: 'Elle n’aurait ouvert aucune alerte.', one: 'Elle aurait ouvert {count} alerte.', other: 'Elle aurait ouvert {count} alertes.' },
    'rules.preview_notified': { one: '{n} notifiée', other: '{n} notifiées' },
    'rules.preview_suppressed': { zero: 'aucune retenue.', one: '{n} retenue (limite horaire, heures calmes).', other: '{n} retenues (limite horaire, heures calmes).' },
    'rules.preview_spike_note': 'Une règle de pic ne se déclenche qu’une fois qu’une série a 7 jours d’historique (appris pendant la période d’apprentissage avant la plage, puis sur la plage elle-même).',
    'rules.preview_scanned': { one: 'Rejouée sur {n} message enregistré, dans l’ordre chronologique, par un moteur neuf qui ne porte que cette règle.', other: 'Rejouée sur {n} messages enregistrés, dans l’ordre chronologique, par un moteur neuf qui ne porte que cette règle.' },
    'rules.preview_learned': 'Parmi eux, {n} à partir du {from} ont d’abord servi à apprendre la référence (période d’apprentissage).',
    'rules.preview_truncated': 'Plus de {max} messages d’historique : seule la partie la plus récente a été rejouée, à partir du {from}.',
    'rules.preview_disabled': 'La règle est désactivée : l’aperçu la traite comme si elle était active.',
    'rules.preview_sla': 'Les règles SLA se déclenchent sur les avertissements et dépassements de la boîte de réception, qui ne sont pas rejoués : la règle est valide, il n’y a rien à prévisualiser sur les messages.',
    'rules.preview_chart': 'Alertes que la règle aurait ouvertes par heure, et messages qu’elle compte',
    'rules.series_opened': 'Alertes ouvertes',
    'rules.series_matched': 'Messages comptés',
    'rules.preview_list': 'Les alertes qu’elle aurait ouvertes',
    'rules.preview_none': 'Aucune alerte sur cette période.',
    'rules.preview_more': { one: '… et {count} autre alerte, non listée.', other: '… et {count} autres alertes, non listées.' },
    'rules.pcol_opened': 'Ouverte le',
    'rules.pcol_level': 'Niveau',
    'rules.pcol_alert': 'Alerte',
    'rules.pcol_samples': 'Messages d’exemple',
    'rules.ptriggers': { one: '{count} déclenchement', other: '{count} déclenchements' },
    'rules.pstatus.open': 'encore ouverte', 'rules.pstatus.acknowledged': 'acquittée', 'rules.pstatus.resolved': 'résolue d’elle-même',
    'rules.sample_link': 'Ouvrir le message de {author}',
    'rules.sum_queries': 'requêtes : {v}',
    'rules.sum_any_query': 'toute requête',
    'rules.sum_channels': 'canaux : {v}',
    'rules.sum_languages': 'langues : {v}',
    'rules.sum_sentiments': 'tonalités : {v}',
    'rules.sum_categories': 'catégories : {v}',
    'rules.sum_needs_reply': 'appelle une réponse',
    'rules.sum_no_reply': 'n’appelle pas de réponse',
    'rules.sum_followers': '≥ {n} abonnés',
    'rules.sum_severity': 'gravité ≥ {v}',
    'rules.sum_reasons': 'motifs : {v}',
    'rules.sum_spike': 'sensibilité {s}, ≥ {n} messages',
    'rules.sum_share': 'sensibilité {s}, +{p} de part, ≥ {n} négatifs',
    'rules.sum_snowball': '≥ {r}/min sur {w} min',
    'rules.sum_sla': '{events} · {targets}',
    'rules.sum_teams': 'équipes : {v}',
    'rules.sum_priorities': 'priorités : {v}',
  },
});

// ---- the rule model (mirrors src/alert/rules.h) --------------------------

export const RULE_KINDS = ['mention', 'severity', 'high_reach', 'volume_spike', 'negative_share', 'snowball', 'sla'];
const LEVELS = ['info', 'warning', 'critical'];
const SEVERITY_LEVELS = ['none', 'low', 'medium', 'high', 'critical'];
const REASONS = ['legal_threat', 'safety_risk', 'churn_intent', 'fraud', 'high_reach', 'insult_anger', 'repeated_failure', 'vulnerable_person', 'model'];
const SENSITIVITIES = ['low', 'medium', 'high'];
const SLA_EVENTS = ['warning', 'breach'];
const SLA_TARGETS = ['first_response', 'next_response', 'resolution'];
const PRIORITIES = ['low', 'normal', 'high', 'urgent'];
const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
const LANGUAGE_CODES = [...LANGS, 'und'];

const COMMON_KEYS = ['name', 'kind', 'enabled', 'description', 'level', 'notify', 'group_minutes', 'cooldown_minutes',
  'throttle_per_hour', 'notify_updates', 'quiet_hours'];
const FILTER_KEYS = ['queries', 'channels', 'languages', 'sentiments', 'categories', 'needs_reply', 'min_followers',
  'min_severity', 'reasons', 'include_outbound'];
const KIND_KEYS = {
  mention: [], severity: [], high_reach: [],
  volume_spike: ['sensitivity', 'min_volume', 'per_channel'],
  negative_share: ['sensitivity', 'min_volume', 'min_share_increase'],
  snowball: ['cascade_per_minute', 'cascade_window_minutes', 'cascade_min', 'fast_start_ratio'],
  sla: ['events', 'targets', 'teams', 'priorities', 'channels'],
};
// The keys a rule of `kind` is sent with (the API refuses the sla keys on
// other kinds and the message filters on sla rules).
function keysOf(kind) {
  if (kind === 'sla') return [...COMMON_KEYS, ...KIND_KEYS.sla];
  const filters = kind === 'negative_share' ? FILTER_KEYS.filter((k) => k !== 'sentiments') : FILTER_KEYS;
  return [...COMMON_KEYS, ...filters, ...(KIND_KEYS[kind] || [])];
}

// Numeric fields: [min, max, integer] as RuleFromJson checks them (for the
// messages of the API's lint in the user's language).
const NUMBERS = {
  min_followers: [0, 2 ** 40, true], min_volume: [1, 1000000, true], min_share_increase: [0, 1, false],
  cascade_per_minute: [0.01, 1000000, false], cascade_window_minutes: [1, 1440, true], cascade_min: [1, 1000000, true],
  fast_start_ratio: [0, 1000000, false], group_minutes: [0, 10080, true], cooldown_minutes: [0, 10080, true],
  throttle_per_hour: [0, 1000000, true],
};

// The defaults that depend on the kind (RuleFromJson).
function kindDefaults(kind) {
  return {
    level: kind === 'mention' ? 'info' : kind === 'severity' || kind === 'sla' ? 'critical' : 'warning',
    group_minutes: kind === 'snowball' ? 180 : kind === 'sla' ? 1440 : 60,
    min_followers: kind === 'high_reach' ? 50000 : 0,
    min_severity: kind === 'severity' ? 'high' : '',
  };
}

function blankRule(kind = 'mention') {
  return {
    name: '', kind, enabled: true, description: '',
    queries: [], channels: [], languages: [], sentiments: [], categories: [], needs_reply: null,
    reasons: [], include_outbound: false,
    sensitivity: 'medium', min_volume: 10, per_channel: false, min_share_increase: 0.15,
    cascade_per_minute: 5, cascade_window_minutes: 10, cascade_min: 10, fast_start_ratio: 5,
    cooldown_minutes: 30, throttle_per_hour: 20, notify_updates: false, quiet_hours: null, notify: [],
    events: [...SLA_EVENTS], targets: [...SLA_TARGETS], teams: [], priorities: [],
    ...kindDefaults(kind),
  };
}

// An API rule → the form's state (every field present).
function fromApi(rule) {
  const r = { ...blankRule(rule.kind || 'mention'), ...rule };
  delete r.origin;
  if (!r.min_severity) r.min_severity = '';
  for (const k of ['events', 'targets']) if (!r[k] || !r[k].length) r[k] = k === 'events' ? [...SLA_EVENTS] : [...SLA_TARGETS];
  return r;
}

function toNumber(v) {
  if (typeof v === 'number') return v;
  if (v === '' || v === null || v === undefined) return NaN;
  return Number(String(v).replace(',', '.'));
}

// The form's state → the API's body: the kind's keys only; unset optional
// values left out (they take their defaults).
function toBody(form) {
  const out = {};
  for (const k of keysOf(form.kind)) {
    let v = form[k];
    if (k in NUMBERS) {
      const n = toNumber(v);
      v = Number.isFinite(n) ? n : v;
    }
    if (k === 'min_severity' && !v) continue;
    if ((k === 'needs_reply' || k === 'quiet_hours') && (v === null || v === undefined)) continue;
    if (k === 'description' && !v) continue;
    out[k] = v;
  }
  return out;
}

// "queries[0]" → "queries"; "quiet_hours.days[2]" → "quiet_hours.days".
function normalizeField(field) {
  return field ? field.replace(/\[\d+\]/g, '') : '';
}

// The search (query language) that the message filters of `rule` amount
// to, for a preview or a drill-down; `notes` list what it cannot express.
export function ruleToQuery(rule) {
  const parts = [];
  const notes = [];
  const any = (field, values) => (values.length === 1 ? `${field}:${values[0]}` : '(' + values.map((v) => `${field}:${v}`).join(' OR ') + ')');
  if (rule.kind === 'sla' || rule.kind === 'snowball') return { query: '', notes };
  let names = rule.queries || [];
  if (!names.length && rule.kind === 'mention') {
    names = queries().filter((q) => q.enabled).map((q) => q.name);
    notes.push('any_query');
  }
  if (names.length) parts.push(names.length === 1 ? '@' + names[0] : '(' + names.map((n) => '@' + n).join(' OR ') + ')');
  if (rule.channels && rule.channels.length) parts.push(any('channel', rule.channels));
  if (rule.languages && rule.languages.length) parts.push(any('lang', rule.languages));
  if (rule.kind !== 'negative_share' && rule.sentiments && rule.sentiments.length) parts.push(any('sentiment', rule.sentiments));
  if (rule.kind === 'negative_share') parts.push('sentiment:negative');
  if (rule.categories && rule.categories.length) parts.push(any('category', rule.categories));
  if (rule.needs_reply === true || rule.needs_reply === false) parts.push('needs_reply:' + rule.needs_reply);
  const followers = toNumber(rule.min_followers);
  if (followers > 0) parts.push('followers:>=' + followers);
  const reasons = rule.reasons || [];
  // min_severity and reasons: either suffices; reasons have no field, so
  // the severity condition is only added without them (checked on results).
  if (rule.min_severity && !reasons.length) parts.push('severity:>=' + rule.min_severity);
  if (reasons.length) notes.push('reasons');
  if (!rule.include_outbound && (rule.kind === 'mention' || rule.kind === 'severity' || rule.kind === 'high_reach')) notes.push('outbound');
  return { query: parts.join(' AND '), notes };
}

// A short description of what a rule watches, for the list.
export function describeRule(r) {
  const out = [];
  const list = (xs, f = (x) => x) => xs.map(f).join(', ');
  if (r.kind === 'sla') {
    out.push(t('rules.sum_sla', {
      events: list(r.events || SLA_EVENTS, (e) => t('rules.event.' + e)),
      targets: list(r.targets || SLA_TARGETS, (x) => t('rules.target.' + x)),
    }));
    if (r.teams && r.teams.length) out.push(t('rules.sum_teams', { v: list(r.teams) }));
    if (r.priorities && r.priorities.length) out.push(t('rules.sum_priorities', { v: list(r.priorities, (p) => t('rules.priority.' + p)) }));
    if (r.channels && r.channels.length) out.push(t('rules.sum_channels', { v: list(r.channels, (c) => t('channel.' + c)) }));
    return out.join(' · ');
  }
  out.push(r.queries && r.queries.length ? t('rules.sum_queries', { v: list(r.queries) }) : t('rules.sum_any_query'));
  if (r.kind === 'volume_spike') out.push(t('rules.sum_spike', { s: t('rules.sensitivity.' + r.sensitivity).split(' ')[0].toLowerCase(), n: r.min_volume }));
  if (r.kind === 'negative_share')
    out.push(t('rules.sum_share', { s: t('rules.sensitivity.' + r.sensitivity).split(' ')[0].toLowerCase(), p: fmtPercent(r.min_share_increase, 0), n: r.min_volume }));
  if (r.kind === 'snowball') out.push(t('rules.sum_snowball', { r: r.cascade_per_minute, w: r.cascade_window_minutes }));
  if (r.channels && r.channels.length) out.push(t('rules.sum_channels', { v: list(r.channels, (c) => t('channel.' + c)) }));
  if (r.languages && r.languages.length) out.push(t('rules.sum_languages', { v: list(r.languages) }));
  if (r.kind !== 'negative_share' && r.sentiments && r.sentiments.length)
    out.push(t('rules.sum_sentiments', { v: list(r.sentiments, (s) => t('sentiment.' + s).toLowerCase()) }));
  if (r.categories && r.categories.length) out.push(t('rules.sum_categories', { v: list(r.categories, categoryLabel) }));
  if (r.needs_reply === true) out.push(t('rules.sum_needs_reply'));
  if (r.needs_reply === false) out.push(t('rules.sum_no_reply'));
  if (r.min_followers > 0) out.push(t('rules.sum_followers', { n: r.min_followers }));
  if (r.min_severity) out.push(t('rules.sum_severity', { v: t('severity.' + r.min_severity).toLowerCase() }));
  if (r.reasons && r.reasons.length) out.push(t('rules.sum_reasons', { v: list(r.reasons, (x) => t('reason.' + x)) }));
  return out.join(' · ');
}

export function levelBadge(level) {
  return html`<span class=${'badge badge-level-' + level}>${t('rules.level.' + level)}</span>`;
}

// ---- form controls -------------------------------------------------------

// A group of checkboxes for a list value; values not among the options
// (a query deleted since) are kept.
function Checks({ field, legend, options, value, onChange, error, hint }) {
  const chosen = new Set(value || []);
  const optionValues = options.map((o) => o.value);
  const toggle = (v, on) => {
    const extra = (value || []).filter((x) => !optionValues.includes(x));
    onChange([...extra, ...optionValues.filter((x) => (x === v ? on : chosen.has(x)))]);
  };
  return html`<fieldset class=${'qr-checks' + (error ? ' field-error' : '')} data-field=${field}>
    <legend>${legend}</legend>
    <div class="checks-options">
      ${options.map((o) => html`<label class="qr-check" key=${o.value}>
        <input type="checkbox" name=${field} value=${o.value} checked=${chosen.has(o.value)}
          onChange=${(e) => toggle(o.value, e.target.checked)} /> ${o.label}</label>`)}
    </div>
    ${error ? html`<div class="hint error-text" role="alert">${error}</div>` : hint ? html`<div class="hint">${hint}</div>` : null}
  </fieldset>`;
}

function NumberInput({ field, label, hint, form, set, errors, step = 1 }) {
  return html`<${Field} label=${label} hint=${hint} error=${errors[field]}>
    ${(id, d) => html`<input id=${id} name=${field} data-field=${field} type="number" step=${step} inputmode="decimal"
        value=${form[field]} onInput=${(e) => set(field, e.target.value)} aria-describedby=${d}
        aria-invalid=${errors[field] ? 'true' : 'false'} />`}
  </${Field}>`;
}

function Toggle({ field, label, form, set, errors }) {
  return html`<div class=${'field' + (errors[field] ? ' field-error' : '')} data-field=${field}>
    <label class="qr-check"><input type="checkbox" name=${field} checked=${!!form[field]} onChange=${(e) => set(field, e.target.checked)} /> ${label}</label>
    ${errors[field] ? html`<div class="hint error-text" role="alert">${errors[field]}</div>` : null}
  </div>`;
}

// ---- the structured form -------------------------------------------------

function RuleFields({ form, set, setKind, errors, choices }) {
  const kind = form.kind;
  const sla = kind === 'sla';
  const opt = (values, prefix) => values.map((v) => ({ value: v, label: prefix ? t(prefix + v) : v }));
  const qh = form.quiet_hours;
  const setQh = (k, v) => set('quiet_hours', { ...qh, [k]: v });

  return html`
    <fieldset class="qr-section"><legend>${t('rules.sec_rule')}</legend>
      <div class="qr-row">
        <${Field} label=${t('rules.name')} hint=${t('rules.name_hint')} error=${errors.name}>
          ${(id, d) => html`<input id=${id} name="name" data-field="name" type="text" maxlength="64" autocomplete="off" spellcheck="false"
              value=${form.name} onInput=${(e) => set('name', e.target.value)} aria-describedby=${d} aria-invalid=${errors.name ? 'true' : 'false'} />`}
        </${Field}>
        <${Field} label=${t('rules.kind')} error=${errors.kind}>
          ${(id, d) => html`<${Select} id=${id} name="kind" data-field="kind" value=${kind} onChange=${setKind} aria-describedby=${d}
              options=${RULE_KINDS.map((k) => ({ value: k, label: t('rules.kind.' + k) }))} />`}
        </${Field}>
        <${Field} label=${t('rules.level')} error=${errors.level}>
          ${(id, d) => html`<${Select} id=${id} name="level" data-field="level" value=${form.level} onChange=${(v) => set('level', v)}
              aria-describedby=${d} options=${opt(LEVELS, 'rules.level.')} />`}
        </${Field}>
      </div>
      <p class="muted small qr-kind-help" data-testid="kind-help">${t('rules.kind_help.' + kind)}</p>
      <${Field} label=${t('rules.description')} error=${errors.description}>
        ${(id, d) => html`<input id=${id} name="description" data-field="description" type="text" value=${form.description}
            onInput=${(e) => set('description', e.target.value)} aria-describedby=${d} />`}
      </${Field}>
      <${Toggle} field="enabled" label=${t('rules.enabled')} form=${form} set=${set} errors=${errors} />
    </fieldset>

    ${['volume_spike', 'negative_share', 'snowball', 'severity', 'high_reach'].includes(kind) ? html`
      <fieldset class="qr-section"><legend>${t('rules.sec_trigger')}</legend>
        ${kind === 'volume_spike' || kind === 'negative_share' ? html`<div class="qr-row">
          <${Field} label=${t('rules.sensitivity')} error=${errors.sensitivity}>
            ${(id, d) => html`<${Select} id=${id} name="sensitivity" data-field="sensitivity" value=${form.sensitivity}
                onChange=${(v) => set('sensitivity', v)} aria-describedby=${d} options=${opt(SENSITIVITIES, 'rules.sensitivity.')} />`}
          </${Field}>
          <${NumberInput} field="min_volume" label=${t('rules.min_volume')} hint=${kind === 'negative_share' ? t('rules.min_volume_hint_share') : null}
            form=${form} set=${set} errors=${errors} />
          ${kind === 'negative_share' ? html`<${NumberInput} field="min_share_increase" label=${t('rules.min_share_increase')}
              hint=${t('rules.min_share_increase_hint')} step="0.01" form=${form} set=${set} errors=${errors} />` : null}
        </div>` : null}
        ${kind === 'volume_spike' ? html`<${Toggle} field="per_channel" label=${t('rules.per_channel')} form=${form} set=${set} errors=${errors} />` : null}
        ${kind === 'snowball' ? html`<div class="qr-row">
          <${NumberInput} field="cascade_per_minute" label=${t('rules.cascade_per_minute')} step="0.1" form=${form} set=${set} errors=${errors} />
          <${NumberInput} field="cascade_window_minutes" label=${t('rules.cascade_window_minutes')} form=${form} set=${set} errors=${errors} />
          <${NumberInput} field="cascade_min" label=${t('rules.cascade_min')} form=${form} set=${set} errors=${errors} />
          <${NumberInput} field="fast_start_ratio" label=${t('rules.fast_start_ratio')} hint=${t('rules.fast_start_ratio_hint')} step="0.1"
            form=${form} set=${set} errors=${errors} />
        </div>` : null}
        ${kind === 'severity' || kind === 'high_reach' ? html`<div class="qr-row">
          ${kind === 'severity' ? html`<${Field} label=${t('rules.min_severity')} error=${errors.min_severity}>
            ${(id, d) => html`<${Select} id=${id} name="min_severity" data-field="min_severity" value=${form.min_severity}
                onChange=${(v) => set('min_severity', v)} aria-describedby=${d} all=${t('rules.min_severity_any')}
                options=${SEVERITY_LEVELS.map((s) => ({ value: s, label: t('severity.' + s) }))} />`}
          </${Field}>` : null}
          ${kind === 'high_reach' ? html`<${NumberInput} field="min_followers" label=${t('rules.min_followers')} form=${form} set=${set} errors=${errors} />` : null}
        </div>` : null}
        ${kind === 'severity' ? html`<${Checks} field="reasons" legend=${t('rules.reasons')} options=${opt(REASONS, 'reason.')}
            value=${form.reasons} onChange=${(v) => set('reasons', v)} error=${errors.reasons} />` : null}
      </fieldset>` : null}

    ${sla ? html`<fieldset class="qr-section"><legend>${t('rules.sec_sla')}</legend>
        <${Checks} field="events" legend=${t('rules.events')} options=${opt(SLA_EVENTS, 'rules.event.')} value=${form.events}
          onChange=${(v) => set('events', v)} error=${errors.events} />
        <${Checks} field="targets" legend=${t('rules.targets')} options=${opt(SLA_TARGETS, 'rules.target.')} value=${form.targets}
          onChange=${(v) => set('targets', v)} error=${errors.targets} />
        ${choices.teams
          ? html`<${Checks} field="teams" legend=${t('rules.teams')} hint=${t('rules.teams_hint')} value=${form.teams}
              options=${choices.teams.map((x) => ({ value: x.name, label: x.display_name || x.name }))}
              onChange=${(v) => set('teams', v)} error=${errors.teams} />`
          : html`<${Field} label=${t('rules.teams')} hint=${t('rules.teams_text_hint')} error=${errors.teams}>
              ${(id, d) => html`<input id=${id} name="teams" data-field="teams" type="text" value=${(form.teams || []).join(', ')}
                  aria-describedby=${d} onInput=${(e) => set('teams', e.target.value.split(',').map((s) => s.trim()).filter(Boolean))} />`}
            </${Field}>`}
        <${Checks} field="priorities" legend=${t('rules.priorities')} options=${opt(PRIORITIES, 'rules.priority.')} value=${form.priorities}
          onChange=${(v) => set('priorities', v)} error=${errors.priorities} />
        <${Checks} field="channels" legend=${t('rules.channels')} options=${opt(CHANNELS, 'channel.')} value=${form.channels}
          onChange=${(v) => set('channels', v)} error=${errors.channels} />
      </fieldset>` : html`<fieldset class="qr-section"><legend>${t('rules.sec_filters')}</legend>
        <p class="muted small">${t('rules.sec_filters_hint')}</p>
        <${Checks} field="queries" legend=${t('rules.queries')} hint=${t('rules.queries_hint')}
          options=${choices.queries.map((q) => ({ value: q.name, label: q.name }))} value=${form.queries}
          onChange=${(v) => set('queries', v)} error=${errors.queries} />
        <${Checks} field="channels" legend=${t('rules.channels')} options=${opt(CHANNELS, 'channel.')} value=${form.channels}
          onChange=${(v) => set('channels', v)} error=${errors.channels} />
        <${Checks} field="languages" legend=${t('rules.languages')} options=${opt(LANGUAGE_CODES, 'lang.')} value=${form.languages}
          onChange=${(v) => set('languages', v)} error=${errors.languages} />
        ${kind !== 'negative_share' ? html`<${Checks} field="sentiments" legend=${t('rules.sentiments')} options=${opt(SENTIMENTS, 'sentiment.')}
            value=${form.sentiments} onChange=${(v) => set('sentiments', v)} error=${errors.sentiments} />` : null}
        <${Checks} field="categories" legend=${t('rules.categories')}
          options=${categoryNames().map((c) => ({ value: c, label: categoryLabel(c) }))} value=${form.categories}
          onChange=${(v) => set('categories', v)} error=${errors.categories} />
        <div class="qr-row">
          <${Field} label=${t('rules.needs_reply')} error=${errors.needs_reply}>
            ${(id, d) => html`<${Select} id=${id} name="needs_reply" data-field="needs_reply" aria-describedby=${d}
                value=${form.needs_reply === null || form.needs_reply === undefined ? '' : String(form.needs_reply)}
                onChange=${(v) => set('needs_reply', v === '' ? null : v === 'true')} all=${t('rules.needs_reply_any')}
                options=${[{ value: 'true', label: t('common.yes') }, { value: 'false', label: t('common.no') }]} />`}
          </${Field}>
          ${kind !== 'high_reach' ? html`<${NumberInput} field="min_followers" label=${t('rules.min_followers')} form=${form} set=${set} errors=${errors} />` : null}
          ${kind !== 'severity' ? html`<${Field} label=${t('rules.min_severity')} error=${errors.min_severity}>
            ${(id, d) => html`<${Select} id=${id} name="min_severity" data-field="min_severity" value=${form.min_severity}
                onChange=${(v) => set('min_severity', v)} aria-describedby=${d} all=${t('rules.min_severity_any')}
                options=${SEVERITY_LEVELS.map((s) => ({ value: s, label: t('severity.' + s) }))} />`}
          </${Field}>` : null}
        </div>
        ${kind !== 'severity' ? html`<${Checks} field="reasons" legend=${t('rules.reasons')} options=${opt(REASONS, 'reason.')}
            value=${form.reasons} onChange=${(v) => set('reasons', v)} error=${errors.reasons} />` : null}
        <${Toggle} field="include_outbound" label=${t('rules.include_outbound')} form=${form} set=${set} errors=${errors} />
      </fieldset>`}

    <fieldset class="qr-section"><legend>${t('rules.sec_noise')}</legend>
      <div class="qr-row">
        <${NumberInput} field="group_minutes" label=${t('rules.group_minutes')} hint=${t('rules.group_minutes_hint')} form=${form} set=${set} errors=${errors} />
        <${NumberInput} field="cooldown_minutes" label=${t('rules.cooldown_minutes')} hint=${t('rules.cooldown_minutes_hint')} form=${form} set=${set} errors=${errors} />
        <${NumberInput} field="throttle_per_hour" label=${t('rules.throttle_per_hour')} hint=${t('rules.throttle_per_hour_hint')} form=${form} set=${set} errors=${errors} />
      </div>
      <${Toggle} field="notify_updates" label=${t('rules.notify_updates')} form=${form} set=${set} errors=${errors} />
      <div class="field" data-field="quiet_hours">
        <label class="qr-check"><input type="checkbox" name="quiet_hours" checked=${!!qh}
          onChange=${(e) => set('quiet_hours', e.target.checked ? { start: '22:00', end: '07:00', days: [], except_critical: true } : null)} />
          ${t('rules.quiet_hours_on')}</label>
        ${errors.quiet_hours ? html`<div class="hint error-text" role="alert">${errors.quiet_hours}</div>` : null}
      </div>
      ${qh ? html`<div class="qr-row">
          <${Field} label=${t('rules.quiet_start')} error=${errors['quiet_hours.start']}>
            ${(id, d) => html`<input id=${id} type="time" name="quiet_hours.start" data-field="quiet_hours.start" value=${qh.start}
                onInput=${(e) => setQh('start', e.target.value)} aria-describedby=${d} />`}
          </${Field}>
          <${Field} label=${t('rules.quiet_end')} error=${errors['quiet_hours.end']}>
            ${(id, d) => html`<input id=${id} type="time" name="quiet_hours.end" data-field="quiet_hours.end" value=${qh.end}
                onInput=${(e) => setQh('end', e.target.value)} aria-describedby=${d} />`}
          </${Field}>
        </div>
        <${Checks} field="quiet_hours.days" legend=${t('rules.quiet_days')} options=${opt(DAYS, 'rules.day.')} value=${qh.days || []}
          onChange=${(v) => setQh('days', v)} error=${errors['quiet_hours.days']} />
        <div class="field"><label class="qr-check"><input type="checkbox" name="quiet_hours.except_critical" checked=${qh.except_critical !== false}
          onChange=${(e) => setQh('except_critical', e.target.checked)} /> ${t('rules.except_critical')}</label></div>` : null}
    </fieldset>

    <fieldset class="qr-section"><legend>${t('rules.sec_notify')}</legend>
      ${choices.notifiers.length
        ? html`<${Checks} field="notify" legend=${t('rules.notify')} options=${choices.notifiers.map((n) => ({ value: n.name, label: n.name + (n.type ? ` (${n.type})` : '') }))}
            value=${form.notify} onChange=${(v) => set('notify', v)} error=${errors.notify} />`
        : html`<p class="muted small" data-field="notify">${t('rules.no_notifier')}</p>
            ${errors.notify ? html`<div class="hint error-text" role="alert">${errors.notify}</div>` : null}`}
    </fieldset>`;
}

// ---- preview on history: POST /api/v1/alert-rules/preview ---------------

const PREVIEW_DAYS = [1, 7, 30];
const LINT_DEBOUNCE_MS = 400;
const SAMPLE_CHARS = 100;
const DAY_MS = 86400000;

// The rule checked, then backtested, by the API as the user types: the
// answer for the body last left untouched for LINT_DEBOUNCE_MS (an older
// request is aborted). `stale`: the answer shown is not yet the current
// body's.
function useRulePreview(body, days) {
  const now = JSON.stringify({ body, days });
  const key = useDebounced(now, LINT_DEBOUNCE_MS);
  const res = useAsync((signal) => {
    const { body: rule, days: d } = JSON.parse(key);
    return post('/api/v1/alert-rules/preview', { rule, from: new Date(Date.now() - d * DAY_MS).toISOString() }, { signal });
  }, [key]);
  return { ...res, stale: now !== key || res.loading };
}

// A lint error's message for its field: in the user's language for what
// the form knows (names, ranges, times), else the API's, its key prefix
// removed.
function lintMessage(error, body) {
  const raw = error.field || '';
  const field = normalizeField(raw);
  const message = error.message || '';
  if (field === 'name') return t('rules.err_name');
  if (field in NUMBERS) {
    const [min, max, int] = NUMBERS[field];
    const v = toNumber(body[field]);
    const upper = max >= 1e6 && !(v > max);
    return t((int ? 'rules.err_int' : 'rules.err_num') + (upper ? '_min' : ''), { min: fmtNumber(min), max: fmtNumber(max) });
  }
  if (field === 'quiet_hours.start' || field === 'quiet_hours.end') return t('rules.err_time');
  return message.startsWith(raw + ': ') ? message.slice(raw.length + 2) : message;
}

// The form's label of a field the API names ("queries[1]" → "Requêtes"),
// or the name itself.
const FIELD_LABELS = { 'quiet_hours.start': 'rules.quiet_start', 'quiet_hours.end': 'rules.quiet_end', 'quiet_hours.days': 'rules.quiet_days' };
function fieldLabel(raw) {
  const f = normalizeField(raw);
  const key = FIELD_LABELS[f] || 'rules.' + f;
  const label = t(key);
  return label === key ? raw : label;
}

function excerpt(text, n) {
  const s = (text || '').replace(/\s+/g, ' ').trim();
  return s.length > n ? s.slice(0, n - 1) + '…' : s;
}

function PreviewAlerts({ alerts, more }) {
  if (!alerts.length) return html`<${Empty}>${t('rules.preview_none')}</${Empty}>`;
  return html`<h3 class="qr-pv-h">${t('rules.preview_list')}</h3>
    <div class="table-wrap qr-pv-list" tabindex="0" role="region" aria-label=${t('rules.preview_list')}><table class="table qr-pv-table" data-testid="preview-alerts">
      <thead><tr>
        <th scope="col">${t('rules.pcol_opened')}</th><th scope="col">${t('rules.pcol_level')}</th>
        <th scope="col">${t('rules.pcol_alert')}</th><th scope="col">${t('rules.pcol_samples')}</th>
      </tr></thead>
      <tbody>${alerts.map((a) => html`<tr key=${a.id} id=${'pv-alert-' + a.id} tabindex="-1" data-alert-id=${a.id} data-status=${a.status}>
        <td class="qr-pv-time"><${Time} value=${a.opened_at} /></td>
        <td>${levelBadge(a.level)}</td>
        <td><div class="qr-pv-title">${a.title}</div>
          <div class="muted small">${t('rules.ptriggers', { count: a.trigger_count })} · ${t('rules.pstatus.' + a.status)}</div></td>
        <td><ul class="qr-pv-samples">${(a.samples || []).map((m) => html`<li key=${m.id}>
          <a href=${'/search?m=' + m.id} data-mention-id=${m.id} aria-label=${t('rules.sample_link', { author: m.author || m.channel })}>
            <span class="qr-pv-author">${m.author || t('channel.' + m.channel)}</span> ${excerpt(m.title ? m.title + ' — ' + m.text : m.text, SAMPLE_CHARS)}</a>
        </li>`)}</ul></td>
      </tr>`)}</tbody>
    </table></div>
    ${more > 0 ? html`<p class="muted small">${t('rules.preview_more', { count: more })}</p>` : null}`;
}

function PreviewChart({ data }) {
  const { series } = data;
  const option = useMemo(() => {
    const start = Date.parse(series.start);
    const step = series.step_minutes * 60000;
    return {
      tooltip: { trigger: 'axis' },
      legend: { top: 0 },
      grid: { left: 40, right: 40, top: 36, bottom: 56 },
      xAxis: { type: 'time', min: Date.parse(data.covered_from), max: Date.parse(data.to) },
      yAxis: [
        { type: 'value', minInterval: 1 },
        { type: 'value', minInterval: 1, splitLine: { show: false } },
      ],
      dataZoom: [{ type: 'inside' }, { type: 'slider', height: 18, bottom: 8 }],
      series: [
        {
          name: t('rules.series_opened'), type: 'bar', barMaxWidth: 12, itemStyle: { color: '#c0392b' },
          data: series.opened.map((n, i) => [start + i * step, n]),
        },
        {
          name: t('rules.series_matched'), type: 'line', yAxisIndex: 1, showSymbol: false, step: 'end', color: '#1f4e8c',
          lineStyle: { width: 1 }, areaStyle: { opacity: 0.08 },
          data: series.matched.map((n, i) => [start + i * step, n]),
        },
      ],
    };
  }, [data]);
  // A bar: the first alert of that hour in the list, focused.
  const onClick = (p) => {
    if (!p || !Array.isArray(p.value)) return;
    const from = p.value[0];
    const a = data.alerts.find((x) => {
      const at = Date.parse(x.opened_at);
      return at >= from && at < from + series.step_minutes * 60000;
    });
    const row = a && document.getElementById('pv-alert-' + a.id);
    if (row) {
      row.scrollIntoView({ block: 'nearest' });
      row.focus();
    }
  };
  return html`<${Chart} option=${option} onClick=${onClick} height=${240} label=${t('rules.preview_chart')} />`;
}

function Backtest({ data }) {
  const c = data.counts;
  return html`<div data-testid="backtest-result" data-opened=${c.opened} data-scanned=${data.scanned} data-truncated=${String(data.truncated)}>
    <p class="qr-preview-count"><strong>${t('rules.preview_opened', { count: c.opened })}</strong>
      ${c.opened ? html` <span>${t('rules.preview_notified', { count: c.notified, n: fmtNumber(c.notified) })}, ${t('rules.preview_suppressed', { count: c.suppressed, n: fmtNumber(c.suppressed) })}</span>` : null}</p>
    <p class="muted small" data-testid="backtest-scanned">${t('rules.preview_scanned', { count: data.scanned, n: fmtNumber(data.scanned) })}
      ${data.learned ? ' ' + t('rules.preview_learned', { n: fmtNumber(data.learned), from: fmtDateTime(data.warmup_from) }) : ''}</p>
    ${data.truncated ? html`<p class="qr-pv-warn small" role="note" data-testid="backtest-truncated">
        ${t('rules.preview_truncated', { max: fmtNumber(data.max_mentions), from: fmtDateTime(data.covered_from) })}</p>` : null}
    ${data.rule && data.rule.enabled === false ? html`<p class="muted small">${t('rules.preview_disabled')}</p>` : null}
    ${data.rule && (data.rule.kind === 'volume_spike' || data.rule.kind === 'negative_share')
      ? html`<p class="muted small">${t('rules.preview_spike_note')}</p>` : null}
    ${data.series && data.series.start ? html`<${PreviewChart} data=${data} />` : null}
    <${PreviewAlerts} alerts=${data.alerts} more=${c.opened - data.alerts.length} />
  </div>`;
}

// The lint line and the backtest of the API's answer.
function RulePreview({ preview, body: ruleBody, days, setDays }) {
  const { data, error, stale } = preview;
  let body;
  if (error) body = html`<${ErrorBox} error=${error} />`;
  else if (!data) body = html`<p class="muted" data-testid="preview-state" data-state="checking"><${Spinner} /> ${t('rules.preview_checking')}</p>`;
  else if (!data.valid) {
    const field = data.error.field;
    body = html`<p class="qr-pv-invalid error-text" data-testid="preview-state" data-state="invalid" data-field=${field || ''}>
      ${field ? t('rules.preview_invalid_field', { field: fieldLabel(field), message: lintMessage(data.error, ruleBody) })
        : t('rules.preview_invalid', { message: data.error.message })}</p>`;
  } else {
    body = html`<p class="lint-ok small" data-testid="preview-state" data-state="valid">✓ ${t('rules.preview_valid')}</p>
      ${data.backtested ? html`<${Backtest} data=${data} />` : html`<p class="muted" data-testid="preview-sla">${t('rules.preview_sla')}</p>`}`;
  }
  const range = html`<label class="qr-pv-range small">${t('rules.preview_range')}
    <${Select} name="preview_days" value=${String(days)} onChange=${(v) => setDays(Number(v))}
      options=${PREVIEW_DAYS.map((d) => ({ value: String(d), label: t('rules.range.' + d) }))} /></label>`;
  return html`<${Panel} title=${t('rules.preview')} id="rule-preview" actions=${range}>
    <div class=${'qr-pv' + (stale && data ? ' is-stale' : '')} aria-live="polite" aria-busy=${stale ? 'true' : 'false'}
      data-testid="backtest" data-stale=${String(!!stale)}>
      ${stale && data ? html`<p class="muted small qr-pv-updating">${t('rules.preview_updating')}</p>` : null}
      ${body}
    </div>
  </${Panel}>`;
}

// ---- the editor ----------------------------------------------------------

function RuleEditor({ saved, canEdit, choices, onSaved, onCancel }) {
  const [form, setForm] = useState(() => (saved ? fromApi(saved) : blankRule('mention')));
  const [serverError, setServerError] = useState(null);
  const [jsonMode, setJsonMode] = useState(false);
  const [jsonText, setJsonText] = useState('');
  const [jsonError, setJsonError] = useState(null);
  const [busy, setBusy] = useState(false);
  const [touched, setTouched] = useState(!!saved);
  const [days, setDays] = useState(7);
  const readOnly = !canEdit || (saved && saved.origin === 'config');

  const set = (k, v) => {
    setTouched(true);
    setForm((f) => ({ ...f, [k]: v }));
    if (serverError && (normalizeField(serverError.field).split('.')[0] === k.split('.')[0])) setServerError(null);
  };
  // A new kind takes its own defaults where the old kind's were untouched.
  const setKind = (kind) => {
    setForm((f) => {
      const before = kindDefaults(f.kind);
      const after = kindDefaults(kind);
      const next = { ...f, kind };
      for (const k of Object.keys(after)) if (String(f[k]) === String(before[k])) next[k] = after[k];
      return next;
    });
    if (serverError) setServerError(null);
  };

  const body = toBody(form);
  const previewBody = jsonMode ? safeParse(jsonText, body) : body;
  // Checked by the API as the user types (the same checks as a save), and
  // backtested on history.
  const preview = useRulePreview(previewBody, days);
  const lint = preview.data && !preview.data.valid && !preview.stale ? preview.data.error : null;
  const shownFields = new Set([...keysOf(form.kind), 'quiet_hours.start', 'quiet_hours.end', 'quiet_hours.days']);
  // The lint's error shows on its field once the user has changed
  // something; a save's error (name taken...) wins.
  const errors = {};
  const lintField = lint ? normalizeField(lint.field) : '';
  if (touched && lint && lintField) errors[lintField] = lintMessage(lint, body);
  const serverField = serverError ? normalizeField(serverError.field) : '';
  if (serverError && serverField) errors[serverField] = serverError.message;
  const generalError = serverError && (!serverField || !shownFields.has(serverField) || jsonMode) ? serverError : null;

  const toggleJson = () => {
    if (!jsonMode) {
      setJsonText(JSON.stringify(body, null, 2));
      setJsonError(null);
      setJsonMode(true);
      return;
    }
    try {
      setForm(fromApi(JSON.parse(jsonText)));
      setJsonMode(false);
      setJsonError(null);
    } catch (e) {
      setJsonError(t('rules.json_invalid', { message: e.message }));
    }
  };

  const submit = async (ev) => {
    ev.preventDefault();
    if (readOnly) return;
    let payload = body;
    if (jsonMode) {
      try {
        payload = JSON.parse(jsonText);
      } catch (e) {
        setJsonError(t('rules.json_invalid', { message: e.message }));
        return;
      }
    } else if (lint && lintField && shownFields.has(lintField)) {
      // Already known invalid: the field says why.
      setTouched(true);
      focusField(lintField);
      return;
    }
    setBusy(true);
    setServerError(null);
    try {
      const res = saved
        ? await put(`/api/v1/alert-rules/${encodeURIComponent(saved.name)}`, payload)
        : await post('/api/v1/alert-rules', payload);
      toast(t(saved ? 'rules.saved' : 'rules.created', { name: res.name }), 'success');
      onSaved(res);
    } catch (e) {
      setServerError(e);
      setBusy(false);
      if (!jsonMode) focusField(normalizeField(e.field));
    }
  };

  return html`<div class="qr-grid">
    <${Panel} title=${saved ? t('rules.editor_edit', { name: saved.name }) : t('rules.editor_new')} id="rule-editor"
      actions=${html`<button type="button" class="btn btn-small" aria-pressed=${jsonMode} onClick=${toggleJson}>${t('rules.advanced_json')}</button>`}>
      ${readOnly ? html`<p class="muted">${saved && saved.origin === 'config' ? t('rules.origin_config_hint') : t('rules.read_only')}</p>` : null}
      <form class="form" id="rule-form" onSubmit=${submit} novalidate>
        <fieldset class="qr-checks" disabled=${readOnly}>
          ${jsonMode
            ? html`<${Field} label=${t('rules.json_label')} error=${jsonError}>
                ${(id, d) => html`<textarea id=${id} class="qr-json" name="json" rows="22" spellcheck="false" value=${jsonText}
                    aria-describedby=${d} onInput=${(e) => { setJsonText(e.target.value); setJsonError(null); }}></textarea>`}
              </${Field}>`
            : html`<${RuleFields} form=${form} set=${set} setKind=${setKind} errors=${errors} choices=${choices} />`}
        </fieldset>
        ${generalError ? html`<${ErrorBox} error=${generalError} />` : null}
        <div class="qr-actions">
          ${!readOnly ? html`<${Button} kind="primary" type="submit" disabled=${busy}>${t('common.save')}</${Button}>` : null}
          <${Button} onClick=${onCancel}>${readOnly ? t('common.close') : t('common.cancel')}</${Button}>
        </div>
      </form>
    </${Panel}>
    <${RulePreview} preview=${preview} body=${previewBody} days=${days} setDays=${setDays} />
  </div>`;
}

function safeParse(text, fallback) {
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' ? v : fallback;
  } catch {
    return fallback;
  }
}

function focusField(field) {
  if (!field) return;
  requestAnimationFrame(() => {
    const el = document.querySelector(`#rule-form [data-field="${field}"]`);
    if (!el) return;
    const target = el.matches('input, select, textarea') ? el : el.querySelector('input, select, textarea');
    (target || el).focus();
  });
}

// ---- the screen ----------------------------------------------------------

function RuleTable({ rules, savedName, canEdit, onDelete }) {
  if (!rules.length) return html`<${Empty}>${t('rules.empty')}</${Empty}>`;
  return html`<div class="table-wrap"><table class="table" data-testid="rules-table">
    <thead><tr>
      <th scope="col">${t('rules.col_name')}</th><th scope="col">${t('rules.col_kind')}</th><th scope="col">${t('rules.col_level')}</th>
      <th scope="col">${t('rules.col_enabled')}</th><th scope="col">${t('rules.col_what')}</th><th scope="col" class="num">${t('rules.col_actions')}</th>
    </tr></thead>
    <tbody>${rules.map((r) => {
      const editable = canEdit && r.origin !== 'config';
      const href = '/rules?edit=' + encodeURIComponent(r.name);
      return html`<tr key=${r.name} data-rule=${r.name} class=${r.name === savedName ? 'just-saved' : ''}>
        <td class="qr-name-cell"><a href=${href}><strong>${r.name}</strong></a>
          ${r.description ? html`<div class="muted small">${r.description}</div>` : null}
          ${r.origin === 'config' ? html`<div><span class="badge badge-neu" title=${t('rules.origin_config_hint')}>${t('rules.origin_config')}</span></div>` : null}</td>
        <td><span class="badge badge-kind qr-badge-wrap">${t('rules.kind.' + r.kind)}</span></td>
        <td>${levelBadge(r.level)}</td>
        <td>${r.enabled ? t('common.yes') : t('common.no')}</td>
        <td class="small">${describeRule(r)}</td>
        <td><div class="qr-row-actions">
          <a class="btn btn-small" href=${'/alerts?' + new URLSearchParams({ rule: r.name, status: 'all' })}>${t('rules.alerts_of')}</a>
          <a class="btn btn-small" href=${href} aria-label=${(editable ? t('common.edit') : t('rules.view')) + ' ' + r.name}>${editable ? t('common.edit') : t('rules.view')}</a>
          ${editable ? html`<button type="button" class="btn btn-danger btn-small" aria-label=${t('common.delete') + ' ' + r.name}
              onClick=${() => onDelete(r)}>${t('common.delete')}</button>` : null}
        </div></td>
      </tr>`;
    })}</tbody>
  </table></div>`;
}

function Rules({ query }) {
  const canEdit = can('manage_alerts');
  const list = useAsync((signal) => get('/api/v1/alert-rules', null, { signal }), []);
  const choices = useAsync(async (signal) => {
    const [n, q, teams] = await Promise.all([
      get('/api/v1/notifiers', null, { signal }).catch(() => ({ notifiers: [] })),
      get('/api/v1/queries', null, { signal }).catch(() => ({ items: queries() })),
      can('read_cases') ? get('/api/v1/teams', null, { signal }).catch(() => null) : null,
    ]);
    setQueries(q.items || []);
    return { notifiers: n.notifiers || [], queries: q.items || [], teams: teams ? teams.teams : null };
  }, []);
  const [savedName, setSavedName] = useState(null);
  const [toDelete, setToDelete] = useState(null);
  const [deleteError, setDeleteError] = useState(null);
  const rules = (list.data && list.data.rules) || [];
  const edit = query.edit;
  const saved = edit && edit !== 'new' ? rules.find((r) => r.name === edit) : null;

  const onSaved = (r) => {
    setSavedName(r.name);
    setQuery({});
    list.reload();
  };
  const confirmDelete = async () => {
    setDeleteError(null);
    try {
      await del(`/api/v1/alert-rules/${encodeURIComponent(toDelete.name)}`);
      toast(t('rules.deleted', { name: toDelete.name }), 'success');
      if (edit === toDelete.name) setQuery({});
      setToDelete(null);
      list.reload();
    } catch (e) {
      setDeleteError(e);
    }
  };
  useEffect(() => {
    if (savedName) {
      const row = document.querySelector(`tr[data-rule="${CSS.escape(savedName)}"]`);
      if (row) row.scrollIntoView({ block: 'nearest' });
    }
  }, [savedName, list.data]);

  const ready = choices.data && list.data;
  return html`<${PageTitle} actions=${canEdit && edit !== 'new'
      ? html`<${Button} kind="primary" onClick=${() => setQuery({ edit: 'new' })}>${t('rules.new')}</${Button}>` : null}>
      ${t('rules.title')}</${PageTitle}>
    ${edit && ready && (edit === 'new' || saved)
      ? html`<${RuleEditor} key=${edit} saved=${saved} canEdit=${canEdit} choices=${choices.data} onSaved=${onSaved} onCancel=${() => setQuery({})} />`
      : edit && !ready ? html`<${Spinner} />`
      : edit ? html`<${ErrorBox} error=${{ message: t('rules.not_found', { name: edit }) }} />` : null}
    <${Panel} title=${t('rules.list')} id="rules-list">
      ${list.error ? html`<${ErrorBox} error=${list.error} />` : null}
      ${list.loading && !list.data ? html`<${Spinner} />` : html`<${RuleTable} rules=${rules} savedName=${savedName} canEdit=${canEdit}
          onDelete=${(r) => { setDeleteError(null); setToDelete(r); }} />`}
    </${Panel}>
    <${ConfirmDialog} open=${!!toDelete} title=${toDelete ? t('rules.delete_title', { name: toDelete.name }) : ''}
      text=${t('rules.delete_text')} error=${deleteError} onConfirm=${confirmDelete} onClose=${() => setToDelete(null)} />`;
}

route('/rules', {
  screen: Rules,
  title: 'nav.rules',
  permission: 'read',
  nav: { label: 'nav.rules', order: 80, icon: '⚙' },
});
