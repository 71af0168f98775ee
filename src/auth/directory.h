// The directory of ecoute's accounts: users, teams, sessions, API tokens
// and the audit log, persisted in SQLite (docs/auth.md).
//
// It lives in the ecoute database file itself (data/ecoute.db), beside the
// store, in tables of its own (auth_*, with their own schema version in
// auth_meta), through its own connection (store::internal::OpenSharedDb:
// whichever of ecoute's repositories opens a new file first stamps it as
// an ecoute database; a foreign SQLite file is refused as Corruption). The
// store's checkpointer moves the WAL into the file (the directory's
// connection never checkpoints by itself; closing the last connection
// does). ":memory:" gives a private in-memory directory (tests).
//
// Secrets never leave in clear: passwords are kept as Argon2id strings
// (auth/password.h) and never returned; sessions and API tokens are stored
// as SHA-256 digests (the Authenticator makes and checks the secrets; the
// *Session / *Token methods here take digests).
//
// Every change that matters is written to the audit log in the same
// transaction, with the Actor that made it.
//
// Thread-safety: every method may be called from any thread; one mutex
// serialises access to the connection (each call is short: a few indexed
// statements). Readers see other processes' changes (e.g. `ecoute user add`
// while `ecoute serve` runs): nothing is cached.
//
// Errors: InvalidArgument "field: ..." for a bad record (login, name,
// display_name, email, role, language, time_zone, capacity, assignment,
// team_ids, member_ids, password); NotFound "user 7: no such user";
// AlreadyExists "login: ..." / "name: ..." for a taken login or team name;
// FailedPrecondition when a change would leave no enabled admin;
// Unavailable when the database stays locked past the busy timeout (10 s);
// IoError / Corruption / Internal from SQLite.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/password.h"
#include "auth/roles.h"
#include "base/clock.h"
#include "base/status.h"
#include "base/time.h"

namespace ecoute::auth {

namespace internal {
struct DirectoryConn;  // directory.cc: the SQLite connection and its statements
}  // namespace internal

// An account. The password hash is never part of it.
struct User {
  int64_t id = 0;
  std::string login;         // [a-z0-9._-]{1,64}; upper case is lowered on create
  std::string display_name;  // at most 128 bytes, no control characters; empty on create = the login
  std::string email;         // empty, or name@domain (at most 254 bytes)
  Role role = Role::kViewer;
  std::string language = "fr";             // fr | en
  std::string time_zone = "Europe/Paris";  // IANA name (base::TimeZone)
  int capacity = 10;                       // max active cases assigned; 0..1000
  bool disabled = false;                   // cannot sign in; sessions end, tokens are refused
  base::Timestamp created_at = 0, updated_at = 0;
  base::Timestamp last_login_at = 0;  // 0 = never
  std::vector<int64_t> team_ids;      // ascending
};

struct Team {
  int64_t id = 0;
  std::string name;                       // [a-z0-9_-]{1,64}
  std::string display_name;               // empty on create = the name
  std::string assignment = "round_robin";  // round_robin | least_loaded | manual
  std::vector<int64_t> member_ids;         // user ids, ascending
  base::Timestamp created_at = 0, updated_at = 0;
};

// Who makes a change, for the audit log.
struct Actor {
  Actor(std::string login_, std::string client_ip_ = {}) : login(std::move(login_)), client_ip(std::move(client_ip_)) {}  // NOLINT: implicit from a login
  std::string login;      // a user's login, or "cli", "system"
  std::string client_ip;  // empty outside HTTP
};

// A signed-in session (its secret is known only by its digest).
struct SessionRecord {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string csrf_token;  // sent back as X-CSRF-Token on unsafe methods
  base::Timestamp created_at = 0;
  base::Timestamp last_seen_at = 0;
  base::Timestamp expires_at = 0;  // absolute end of life
  std::string client_ip;
};

// An API token as listed: never its secret.
struct TokenInfo {
  int64_t id = 0;
  int64_t user_id = 0;
  std::string name;    // 1..64 bytes, no control characters
  std::string prefix;  // the first 8 characters after "ect_", to recognise it
  base::Timestamp created_at = 0;
  base::Timestamp last_used_at = 0;  // 0 = never
  base::Timestamp expires_at = 0;    // 0 = never
  base::Timestamp revoked_at = 0;    // 0 = active
};

// One entry of the audit log. Actions: login.ok, login.failed, logout,
// user.created, user.updated, user.disabled, user.enabled, user.deleted,
// role.changed, password.changed, token.created, token.revoked,
// team.created, team.updated, team.deleted.
struct AuditEntry {
  int64_t id = 0;
  base::Timestamp at = 0;
  std::string actor;   // Actor::login
  std::string action;
  std::string target;  // "user:alice", "team:care", "token:12"
  std::string detail;  // human-readable ("role viewer -> lead", "fields: email, capacity")
  std::string client_ip;
};

// Newest first; every non-empty condition applies.
struct AuditFilter {
  std::string actor;
  std::string action;  // exact, or a prefix ending in '.': "login." for login.ok and login.failed
  std::string target;
  base::Timestamp since = 0, until = 0;  // [since, until); 0 = unbounded
  int64_t before_id = 0;                 // paging: entries with a smaller id
  int limit = 100;                       // 1..1000
};

struct DirectoryOptions {
  PasswordCost password_cost;          // for CreateUser and SetPassword
  const base::Clock* clock = nullptr;  // created_at, audit times; null = system clock; must outlive the directory
};

class Directory {
 public:
  static constexpr int kSchemaVersion = 1;

  // Opens `path` (creating the auth tables when missing). Corruption when
  // they come from a newer build; IoError when the file cannot be opened.
  static base::Result<std::unique_ptr<Directory>> Open(const std::string& path, DirectoryOptions options = {});
  ~Directory();
  Directory(const Directory&) = delete;
  Directory& operator=(const Directory&) = delete;

  // --- users ---
  // Creates `user` (id, times, last_login_at ignored) with `password`
  // (policy of CheckPasswordPolicy) and its team_ids. AlreadyExists when
  // the login is taken.
  base::Result<User> CreateUser(User user, std::string_view password, const Actor& by);
  // Replaces every editable field of user `user.id` (display_name, email,
  // role, language, time_zone, capacity, disabled, team_ids); the login
  // cannot change. Disabling ends the user's sessions.
  base::Result<User> UpdateUser(const User& user, const Actor& by);
  // Sets a new password and ends the user's sessions, except `keep_session`
  // (the caller's own, when users change their own password).
  base::Status SetPassword(int64_t user_id, std::string_view password, const Actor& by, int64_t keep_session = 0);
  // Marks the user disabled and ends their sessions (idempotent).
  base::Status DisableUser(int64_t user_id, const Actor& by);
  // Deletes the user with their sessions, tokens and team memberships (the
  // audit log keeps their login).
  base::Status DeleteUser(int64_t user_id, const Actor& by);
  base::Result<User> GetUser(int64_t id) const;
  base::Result<User> FindUser(std::string_view login) const;  // case-insensitive
  base::Result<std::vector<User>> ListUsers() const;          // by login
  base::Result<int64_t> CountUsers() const;

  // The Argon2id string of the user's password (for the Authenticator).
  base::Result<std::string> PasswordHash(int64_t user_id) const;
  // Replaces the stored hash (a rehash at a new cost; not audited).
  base::Status ReplacePasswordHash(int64_t user_id, const std::string& hash);
  base::Status SetLastLogin(int64_t user_id, base::Timestamp at);
  const PasswordCost& password_cost() const { return options_.password_cost; }

  // --- teams ---
  // Creates `team` (id and times ignored) with its member_ids.
  // AlreadyExists when the name is taken.
  base::Result<Team> CreateTeam(Team team, const Actor& by);
  // Replaces name, display_name, assignment and member_ids of `team.id`.
  base::Result<Team> UpdateTeam(const Team& team, const Actor& by);
  base::Status DeleteTeam(int64_t id, const Actor& by);
  base::Result<Team> GetTeam(int64_t id) const;
  base::Result<Team> FindTeam(std::string_view name) const;
  base::Result<std::vector<Team>> ListTeams() const;  // by name

  // --- sessions (by the digest of their secret) ---
  base::Result<int64_t> InsertSession(const SessionRecord& session, std::string_view digest);
  base::Result<std::optional<SessionRecord>> FindSession(std::string_view digest) const;
  base::Result<std::optional<SessionRecord>> GetSession(int64_t id) const;
  base::Status TouchSession(int64_t id, base::Timestamp at);
  base::Status DeleteSession(int64_t id);
  // Deletes sessions past their absolute end or last seen before
  // `idle_before`; returns how many.
  base::Result<int64_t> DeleteExpiredSessions(base::Timestamp now, base::Timestamp idle_before);

  // --- API tokens (by the digest of their secret) ---
  // Stores a token for `token.user_id` (NotFound if no such user);
  // InvalidArgument "name: ..." for a bad name. Returns it with its id.
  base::Result<TokenInfo> InsertToken(TokenInfo token, std::string_view digest, const Actor& by);
  base::Result<std::optional<TokenInfo>> FindToken(std::string_view digest) const;
  base::Result<TokenInfo> GetToken(int64_t id) const;  // NotFound "token 3: no such token"
  // The tokens of `user_id` (0: everyone's), newest first; revoked ones
  // only with `include_revoked`.
  base::Result<std::vector<TokenInfo>> ListTokens(int64_t user_id, bool include_revoked = false) const;
  base::Status TouchToken(int64_t id, base::Timestamp at);
  // Revokes (idempotent); NotFound if no such token.
  base::Status RevokeToken(int64_t id, const Actor& by);

  // --- audit ---
  base::Status Record(const Actor& by, std::string_view action, std::string_view target, std::string_view detail);
  base::Result<std::vector<AuditEntry>> Audit(const AuditFilter& filter) const;

  const base::Clock& clock() const { return *clock_; }

 private:
  Directory(DirectoryOptions options, std::unique_ptr<internal::DirectoryConn> conn);

  DirectoryOptions options_;
  const base::Clock* clock_;
  mutable std::mutex mu_;
  std::unique_ptr<internal::DirectoryConn> conn_;  // GUARDED_BY(mu_)
};

// Validation shared with the API: "login: ..." errors, or OK.
base::Status CheckLogin(std::string_view login);
// A login as stored: ASCII upper case lowered (then CheckLogin).
std::string NormalizeLogin(std::string_view login);

}  // namespace ecoute::auth
