// The signed-in user: who they are, their role's permissions (from GET
// /api/v1/auth/me) and their language and time zone. One per page.
import { get, patch, post, setCsrfToken } from './api.js';
import { pickLanguage, setLocale } from './i18n.js';

let me = null;
const listeners = new Set();

function publish() {
  for (const fn of listeners) fn(me);
}

export function onSessionChange(fn) {
  listeners.add(fn);
  return () => listeners.delete(fn);
}

export function currentUser() {
  return me ? me.user : null;
}

// True when the user's role allows `permission` (a name of auth::Permission:
// read, label, manage_queries, manage_alerts, ack_alerts, read_cases,
// work_cases, assign_cases, manage_care, merge_contacts, read_reports,
// manage_users).
export function can(permission) {
  return !!me && me.permissions.includes(permission);
}

function apply(data) {
  me = { user: data.user, permissions: data.permissions || [] };
  setCsrfToken(data.csrf_token);
  setLocale(pickLanguage(data.user.language), data.user.time_zone);
  publish();
  return me;
}

// Loads the session from the cookie; null when not signed in.
export async function loadSession() {
  try {
    return apply(await get('/api/v1/auth/me'));
  } catch (e) {
    if (e.status === 401) {
      me = null;
      publish();
      return null;
    }
    throw e;
  }
}

export async function login(loginName, password) {
  await post('/api/v1/auth/login', { login: loginName, password });
  return loadSession();
}

export async function logout() {
  try {
    await post('/api/v1/auth/logout', {});
  } finally {
    me = null;
    setCsrfToken(null);
    publish();
  }
}

// The session ended elsewhere (401): back to the login page.
export function expire() {
  if (!me) return;
  me = null;
  setCsrfToken(null);
  publish();
}

// Saves the user's language / time zone and applies them at once.
export async function updatePreferences(changes) {
  const user = await patch('/api/v1/auth/me', changes);
  me = { ...me, user };
  setLocale(pickLanguage(user.language), user.time_zone);
  publish();
  return user;
}
