#include "auth/authenticator.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <utility>

#include "auth/password.h"
#include "auth/secrets.h"
#include "base/ascii.h"

namespace ecoute::auth {

using base::Result;
using base::Status;

namespace {

constexpr std::string_view kCsrfPrefix = "ecc_";
constexpr size_t kMaxLoginKey = 64;        // longer logins cannot exist; their failures share one key
constexpr size_t kMaxTrackedLogins = 100'000;

std::string_view TrimSpaces(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Hours(int64_t ms) {
  if (ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + " h";
  return std::to_string(ms / 60'000) + " min";
}

}  // namespace

std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const size_t semi = header.find(';');
    std::string_view item = TrimSpaces(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    const size_t eq = item.find('=');
    if (eq == std::string_view::npos || TrimSpaces(item.substr(0, eq)) != name) continue;
    std::string_view value = TrimSpaces(item.substr(eq + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') value = value.substr(1, value.size() - 2);
    return value;
  }
  return {};
}

bool IsUnsafeMethod(std::string_view method) {
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE";
}

Authenticator::Authenticator(Directory& directory, const base::Clock& clock, AuthOptions options)
    : directory_(directory), clock_(clock), options_(options) {}

const std::string& Authenticator::DummyHash() {
  std::call_once(dummy_once_, [this] {
    Result<std::string> h = HashPassword(GeneratePassword(20), directory_.password_cost());
    dummy_hash_ = h.ok() ? *h : std::string();
  });
  return dummy_hash_;
}

int64_t Authenticator::LockedFor(const std::string& login, base::Timestamp now) {
  std::lock_guard lock(mu_);
  auto it = failures_.find(login);
  if (it == failures_.end()) return 0;
  std::deque<base::Timestamp>& times = it->second;
  while (!times.empty() && times.front() <= now - options_.login_window_ms) times.pop_front();
  if (times.empty()) {
    failures_.erase(it);
    return 0;
  }
  if (static_cast<int>(times.size()) < options_.login_max_failures) return 0;
  // The oldest failure that keeps the count at the limit leaves the window then.
  const base::Timestamp until = times[times.size() - static_cast<size_t>(options_.login_max_failures)] +
                                options_.login_window_ms;
  return std::max<int64_t>(1, (until - now + 999) / 1000);
}

void Authenticator::RecordFailure(const std::string& login, base::Timestamp now) {
  std::lock_guard lock(mu_);
  if (failures_.size() >= kMaxTrackedLogins) {
    // Forget logins whose failures all left the window; if that is not
    // enough, forget arbitrary ones (bounded memory beats a perfect count).
    for (auto it = failures_.begin(); it != failures_.end();) {
      if (it->second.empty() || it->second.back() <= now - options_.login_window_ms) it = failures_.erase(it);
      else ++it;
    }
    while (failures_.size() >= kMaxTrackedLogins) failures_.erase(failures_.begin());
  }
  std::deque<base::Timestamp>& times = failures_[login];
  times.push_back(now);
  while (times.size() > static_cast<size_t>(std::max(1, options_.login_max_failures))) times.pop_front();
}

void Authenticator::ClearFailures(const std::string& login) {
  std::lock_guard lock(mu_);
  failures_.erase(login);
}

Result<SessionGrant> Authenticator::Login(std::string_view login, std::string_view password,
                                          std::string_view client_ip) {
  std::string key = NormalizeLogin(TrimSpaces(login));
  if (key.size() > kMaxLoginKey) key.resize(kMaxLoginKey);
  const base::Timestamp now = clock_.Now();
  const Actor actor{key, std::string(client_ip)};
  if (int64_t wait = LockedFor(key, now); wait > 0)
    return Status::ResourceExhausted("too many failed logins for " + key + "; retry in " + std::to_string(wait) + " s");

  Result<User> user = directory_.FindUser(key);
  if (!user.ok() && user.status().code() != base::StatusCode::kNotFound) return user.status();
  std::string hash;
  if (user.ok()) {
    Result<std::string> h = directory_.PasswordHash(user->id);
    if (!h.ok()) return h.status();
    hash = std::move(*h);
  } else {
    hash = DummyHash();  // the same work as for a real account
  }
  const bool good = VerifyPassword(hash, password) && user.ok();
  if (!good) {
    RecordFailure(key, now);
    Status a = directory_.Record(actor, "login.failed", "user:" + key, user.ok() ? "wrong password" : "unknown login");
    if (!a.ok()) spdlog::warn("auth: audit not written: {}", a.ToString());
    return Status::Unauthenticated("invalid login or password");
  }
  if (user->disabled) {
    Status a = directory_.Record(actor, "login.failed", "user:" + key, "account disabled");
    if (!a.ok()) spdlog::warn("auth: audit not written: {}", a.ToString());
    return Status::Unauthenticated("account " + key + " is disabled");
  }
  ClearFailures(key);
  if (NeedsRehash(hash, directory_.password_cost())) {
    Result<std::string> fresh = HashPassword(password, directory_.password_cost());
    if (fresh.ok()) {
      Status s = directory_.ReplacePasswordHash(user->id, *fresh);
      if (!s.ok()) spdlog::warn("auth: password of {} not rehashed: {}", key, s.ToString());
    }
  }
  Result<int64_t> pruned = directory_.DeleteExpiredSessions(now, now - options_.session_idle_ms);
  if (!pruned.ok()) spdlog::warn("auth: expired sessions not pruned: {}", pruned.status().ToString());

  SessionGrant grant;
  grant.session_token = internal::RandomSecret(kSessionPrefix);
  grant.csrf_token = internal::RandomSecret(kCsrfPrefix);
  grant.expires_at = now + options_.session_max_ms;
  SessionRecord record;
  record.user_id = user->id;
  record.csrf_token = grant.csrf_token;
  record.created_at = now;
  record.last_seen_at = now;
  record.expires_at = grant.expires_at;
  record.client_ip = std::string(client_ip);
  Result<int64_t> id = directory_.InsertSession(record, internal::Digest(grant.session_token));
  if (!id.ok()) return id.status();
  ECOUTE_RETURN_IF_ERROR(directory_.SetLastLogin(user->id, now));
  ECOUTE_RETURN_IF_ERROR(directory_.Record(actor, "login.ok", "user:" + key, "session " + std::to_string(*id)));
  grant.user = std::move(*user);
  grant.user.last_login_at = now;
  return grant;
}

Status Authenticator::Logout(std::string_view session_token) {
  Result<std::optional<SessionRecord>> s = directory_.FindSession(internal::Digest(session_token));
  if (!s.ok()) return s.status();
  if (!s->has_value()) return Status::Ok();
  Result<User> u = directory_.GetUser((*s)->user_id);
  return EndSession((*s)->id, Actor{u.ok() ? u->login : "system", ""});
}

Status Authenticator::EndSession(int64_t session_id, const Actor& by) {
  ECOUTE_RETURN_IF_ERROR(directory_.DeleteSession(session_id));
  return directory_.Record(by, "logout", "session:" + std::to_string(session_id), "");
}

Result<Principal> Authenticator::ForUser(int64_t user_id, std::string_view via) const {
  Result<User> u = directory_.GetUser(user_id);
  if (!u.ok()) {
    if (u.status().code() == base::StatusCode::kNotFound)
      return Status::Unauthenticated("the account of this " + std::string(via) + " no longer exists");
    return u.status();
  }
  if (u->disabled) return Status::Unauthenticated("account " + u->login + " is disabled");
  Principal p;
  p.user_id = u->id;
  p.login = u->login;
  p.display_name = u->display_name;
  p.role = u->role;
  p.via = std::string(via);
  return p;
}

Result<Principal> Authenticator::FromSession(std::string_view secret, const Credentials& c, bool cookie) {
  Result<std::optional<SessionRecord>> found = directory_.FindSession(internal::Digest(secret));
  if (!found.ok()) return found.status();
  if (!found->has_value())
    return Status::Unauthenticated("session not found (signed out, expired or never issued); sign in again");
  const SessionRecord& s = **found;
  const base::Timestamp now = clock_.Now();
  if (now >= s.expires_at || now - s.last_seen_at >= options_.session_idle_ms) {
    (void)directory_.DeleteSession(s.id);
    if (now >= s.expires_at)
      return Status::Unauthenticated("session expired: a session lasts at most " + Hours(options_.session_max_ms) +
                                     "; sign in again");
    return Status::Unauthenticated("session expired after " + Hours(options_.session_idle_ms) +
                                   " without activity; sign in again");
  }
  ECOUTE_ASSIGN_OR_RETURN(Principal p, ForUser(s.user_id, "session"));
  if (cookie && IsUnsafeMethod(c.method) && !internal::SecretsEqual(c.csrf, s.csrf_token))
    return Status::PermissionDenied("missing or wrong X-CSRF-Token");
  p.session_id = s.id;
  if (now - s.last_seen_at >= options_.touch_interval_ms) {
    Status t = directory_.TouchSession(s.id, now);
    if (!t.ok()) spdlog::warn("auth: session {} last-seen not written: {}", s.id, t.ToString());
  }
  return p;
}

Result<Principal> Authenticator::FromToken(std::string_view secret) {
  Result<std::optional<TokenInfo>> found = directory_.FindToken(internal::Digest(secret));
  if (!found.ok()) return found.status();
  if (!found->has_value()) return Status::Unauthenticated("unknown API token");
  const TokenInfo& t = **found;
  const base::Timestamp now = clock_.Now();
  if (t.revoked_at != 0)
    return Status::Unauthenticated("API token \"" + t.name + "\" was revoked at " + base::FormatTimestamp(t.revoked_at));
  if (t.expires_at != 0 && now >= t.expires_at)
    return Status::Unauthenticated("API token \"" + t.name + "\" expired at " + base::FormatTimestamp(t.expires_at));
  ECOUTE_ASSIGN_OR_RETURN(Principal p, ForUser(t.user_id, "token"));
  p.token_id = t.id;
  if (now - t.last_used_at >= options_.touch_interval_ms) {
    Status s = directory_.TouchToken(t.id, now);
    if (!s.ok()) spdlog::warn("auth: token {} last-used not written: {}", t.id, s.ToString());
  }
  return p;
}

Result<Principal> Authenticator::Authenticate(const Credentials& c) {
  if (!c.authorization.empty()) {
    std::string_view value = TrimSpaces(c.authorization);
    const size_t space = value.find(' ');
    std::string_view scheme = value.substr(0, space);
    std::string_view secret = space == std::string_view::npos ? std::string_view() : TrimSpaces(value.substr(space + 1));
    if (!base::EqualsIgnoreAsciiCase(scheme, "bearer") || secret.empty())
      return Status::Unauthenticated("the Authorization header must be \"Bearer <token>\"");
    if (secret.substr(0, kTokenPrefix.size()) == kTokenPrefix) return FromToken(secret);
    if (secret.substr(0, kSessionPrefix.size()) == kSessionPrefix) return FromSession(secret, c, /*cookie=*/false);
    return Status::Unauthenticated("unknown bearer token (API tokens start with \"ect_\")");
  }
  std::string_view session = CookieValue(c.cookie, kSessionCookie);
  if (session.empty())
    return Status::Unauthenticated(
        "sign in first: send \"Authorization: Bearer <API token>\" or the ecoute_session cookie of POST "
        "/api/v1/auth/login");
  return FromSession(session, c, /*cookie=*/true);
}

Result<CreatedToken> Authenticator::CreateToken(int64_t user_id, std::string_view name,
                                                std::optional<base::Timestamp> expires_at, const Actor& by) {
  const base::Timestamp now = clock_.Now();
  if (expires_at && *expires_at <= now)
    return Status::InvalidArgument("expires_at: must be in the future, got " + base::FormatTimestamp(*expires_at));
  CreatedToken out;
  out.token = internal::RandomSecret(kTokenPrefix);
  TokenInfo info;
  info.user_id = user_id;
  info.name = std::string(name);
  info.prefix = out.token.substr(kTokenPrefix.size(), 8);
  info.created_at = now;
  info.expires_at = expires_at.value_or(0);
  ECOUTE_ASSIGN_OR_RETURN(out.info, directory_.InsertToken(std::move(info), internal::Digest(out.token), by));
  return out;
}

Status Authenticator::RevokeToken(int64_t token_id, const Actor& by) { return directory_.RevokeToken(token_id, by); }

Result<std::string> Authenticator::CsrfToken(int64_t session_id) const {
  Result<std::optional<SessionRecord>> s = directory_.GetSession(session_id);
  if (!s.ok()) return s.status();
  if (!s->has_value()) return Status::NotFound("session " + std::to_string(session_id) + ": no such session");
  return (*s)->csrf_token;
}

}  // namespace ecoute::auth
