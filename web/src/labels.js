// Reference data loaded once per session: the category taxonomy (GET
// /api/v1/categories, with French and English labels) and the monitored
// queries (GET /api/v1/queries). Screens call categoryLabel(name) and
// queries() after loadReference().
import { get } from './api.js';
import { lang, t } from './i18n.js';

let categories = [];
let queryList = [];

export async function loadReference() {
  const [c, q] = await Promise.all([
    get('/api/v1/categories').catch(() => ({ items: [] })),
    get('/api/v1/queries').catch(() => ({ items: [] })),
  ]);
  categories = c.items || [];
  queryList = q.items || q.queries || [];
}

export function categoryNames() {
  return categories.map((c) => c.name);
}

export function categoryLabel(name) {
  const c = categories.find((x) => x.name === name);
  if (c) return lang() === 'fr' ? c.label_fr || c.label_en : c.label_en || c.label_fr;
  return t('category.' + (name || ''));
}

export function queries() {
  return queryList;
}

export function setQueries(list) {
  queryList = list;
}

export function queryName(id) {
  const q = queryList.find((x) => x.id === Number(id));
  return q ? q.name : '#' + id;
}

export const CHANNELS = ['twitter', 'facebook', 'instagram', 'forum', 'blog', 'news', 'review', 'email', 'chat', 'voice', 'sms', 'other'];
export const SENTIMENTS = ['negative', 'neutral', 'positive'];
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'none'];
export const LANGS = ['fr', 'en'];
