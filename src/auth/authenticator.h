// Authentication: who is calling. Sign-in with a password (sessions with a
// cookie and a CSRF token), API tokens for scripts, and the check of each
// request's credentials (docs/auth.md).
//
// Secrets: a session is "ecs_" + base64url(32 random bytes), sent as the
// cookie `ecoute_session`; an API token is "ect_" + base64url(32 random
// bytes), sent as "Authorization: Bearer ect_...". Only their SHA-256
// digests are stored (Directory). A session also has a CSRF token (the
// same shape, "ecc_..."): cookie-authenticated requests with an unsafe
// method (POST, PUT, PATCH, DELETE) must repeat it in X-CSRF-Token.
//
// Sessions end after `session_idle_ms` without a request or
// `session_max_ms` after sign-in, whichever comes first; their last-seen
// time (and a token's last-used time) is written at most once per
// `touch_interval_ms`.
//
// Failed sign-ins are counted per login in memory: after
// `login_max_failures` within `login_window_ms`, Login answers
// ResourceExhausted until the oldest failure leaves the window.
//
// Thread-safety: every method may be called concurrently.
#pragma once

#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "auth/directory.h"
#include "auth/roles.h"
#include "base/clock.h"
#include "base/status.h"

namespace ecoute::auth {

inline constexpr std::string_view kSessionCookie = "ecoute_session";
inline constexpr std::string_view kTokenPrefix = "ect_";
inline constexpr std::string_view kSessionPrefix = "ecs_";

struct AuthOptions {
  int64_t session_idle_ms = int64_t{12} * 3'600'000;      // 12 h
  int64_t session_max_ms = int64_t{7} * 24 * 3'600'000;   // 7 days
  int login_max_failures = 5;
  int64_t login_window_ms = int64_t{15} * 60'000;         // 15 min
  int64_t touch_interval_ms = 60'000;                     // last-seen / last-used writes
};

// What a request presents; views into its headers (may be empty).
struct Credentials {
  std::string_view method;         // "GET", "POST", ...
  std::string_view authorization;  // the Authorization header
  std::string_view cookie;         // the Cookie header
  std::string_view csrf;           // the X-CSRF-Token header
};

// Who a request is from.
struct Principal {
  int64_t user_id = 0;
  std::string login;
  std::string display_name;
  Role role = Role::kViewer;
  std::string via;       // "session" | "token"
  int64_t token_id = 0;  // when via == "token"
  int64_t session_id = 0;  // when via == "session"
};

struct SessionGrant {
  std::string session_token;  // the cookie value ("ecs_..."); shown once
  std::string csrf_token;     // for X-CSRF-Token
  base::Timestamp expires_at = 0;  // absolute end of the session
  User user;
};

struct CreatedToken {
  TokenInfo info;
  std::string token;  // "ect_..." in clear: returned once, never stored
};

class Authenticator {
 public:
  // `directory` and `clock` must outlive the authenticator.
  Authenticator(Directory& directory, const base::Clock& clock, AuthOptions options = {});

  // Signs in. Unauthenticated "invalid login or password" for an unknown
  // login or a wrong password (same message, same work), Unauthenticated
  // "account x is disabled" (only after the right password);
  // ResourceExhausted "too many failed logins for x; retry in N s". Audited
  // (login.ok, login.failed). A hash made at an older cost is upgraded.
  base::Result<SessionGrant> Login(std::string_view login, std::string_view password, std::string_view client_ip);

  // Ends the session whose secret is `session_token` (a no-op when unknown).
  base::Status Logout(std::string_view session_token);
  // Ends session `session_id` (the Principal's), audited as logout by `by`.
  base::Status EndSession(int64_t session_id, const Actor& by);

  // Checks a request's credentials: "Authorization: Bearer <token>" first
  // (an API token or a session secret; no CSRF needed), else the
  // ecoute_session cookie (CSRF checked on unsafe methods).
  //   Unauthenticated: nothing presented, a malformed Authorization header,
  //     an unknown / revoked / expired token, an unknown or expired session,
  //     a disabled or deleted user (the message says which);
  //   PermissionDenied "missing or wrong X-CSRF-Token";
  //   Unavailable / IoError when the directory cannot be read.
  base::Result<Principal> Authenticate(const Credentials& credentials);

  // A new API token for `user_id`, expiring at `expires_at` (nullopt:
  // never; must be in the future). InvalidArgument "name: ..." /
  // "expires_at: ..."; NotFound for an unknown user. Audited.
  base::Result<CreatedToken> CreateToken(int64_t user_id, std::string_view name,
                                         std::optional<base::Timestamp> expires_at, const Actor& by);
  base::Status RevokeToken(int64_t token_id, const Actor& by);

  // The CSRF token of a live session (for GET /api/v1/auth/me).
  base::Result<std::string> CsrfToken(int64_t session_id) const;

  Directory& directory() { return directory_; }
  const base::Clock& clock() const { return clock_; }
  const AuthOptions& options() const { return options_; }

 private:
  // Seconds until `login` may try again, or 0. Prunes old failures.
  int64_t LockedFor(const std::string& login, base::Timestamp now);
  void RecordFailure(const std::string& login, base::Timestamp now);
  void ClearFailures(const std::string& login);
  base::Result<Principal> FromSession(std::string_view secret, const Credentials& c, bool cookie);
  base::Result<Principal> FromToken(std::string_view secret);
  base::Result<Principal> ForUser(int64_t user_id, std::string_view via) const;
  const std::string& DummyHash();

  Directory& directory_;
  const base::Clock& clock_;
  const AuthOptions options_;

  std::mutex mu_;
  std::unordered_map<std::string, std::deque<base::Timestamp>> failures_;  // GUARDED_BY(mu_)
  std::once_flag dummy_once_;
  std::string dummy_hash_;  // set once under dummy_once_: a hash no password matches
};

// The value of cookie `name` in a Cookie header ("a=1; ecoute_session=x"),
// or empty.
std::string_view CookieValue(std::string_view cookie_header, std::string_view name);

// Whether `method` changes state (POST, PUT, PATCH, DELETE: CSRF-checked).
bool IsUnsafeMethod(std::string_view method);

}  // namespace ecoute::auth
