#include "auth/directory.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "base/time_zone.h"
#include "store/sqlite_util.h"

namespace ecoute::auth {

using base::Result;
using base::Status;
using store::internal::Db;
using store::internal::Exec;
using store::internal::ResetOnExit;
using store::internal::StatementCache;
using store::internal::Stmt;

struct internal::DirectoryConn {
  Db db;
  StatementCache cache;  // destroyed before db
};

namespace {

using Conn = internal::DirectoryConn;

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS auth_meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS auth_users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  login         TEXT NOT NULL UNIQUE,
  display_name  TEXT NOT NULL,
  email         TEXT NOT NULL,
  role          TEXT NOT NULL,
  language      TEXT NOT NULL,
  time_zone     TEXT NOT NULL,
  capacity      INTEGER NOT NULL,
  disabled      INTEGER NOT NULL,
  password_hash TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  last_login_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_teams (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  name         TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  assignment   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS auth_team_members (
  team_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  PRIMARY KEY (team_id, user_id)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS auth_team_members_user ON auth_team_members(user_id);
CREATE TABLE IF NOT EXISTS auth_sessions (
  id           INTEGER PRIMARY KEY,
  digest       TEXT NOT NULL UNIQUE,
  user_id      INTEGER NOT NULL,
  csrf_token   TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  client_ip    TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS auth_sessions_user ON auth_sessions(user_id);
CREATE TABLE IF NOT EXISTS auth_tokens (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  digest       TEXT NOT NULL UNIQUE,
  user_id      INTEGER NOT NULL,
  name         TEXT NOT NULL,
  prefix       TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_used_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL,
  revoked_at   INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS auth_tokens_user ON auth_tokens(user_id);
CREATE TABLE IF NOT EXISTS auth_audit (
  id        INTEGER PRIMARY KEY,
  at        INTEGER NOT NULL,
  actor     TEXT NOT NULL,
  action    TEXT NOT NULL,
  target    TEXT NOT NULL,
  detail    TEXT NOT NULL,
  client_ip TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS auth_audit_at ON auth_audit(at);
)sql";

constexpr const char* kUserCols =
    "id, login, display_name, email, role, language, time_zone, capacity, disabled, created_at, updated_at, "
    "last_login_at";
constexpr const char* kTeamCols = "id, name, display_name, assignment, created_at, updated_at";
constexpr const char* kSessionCols = "id, user_id, csrf_token, created_at, last_seen_at, expires_at, client_ip";
constexpr const char* kTokenCols = "id, user_id, name, prefix, created_at, last_used_at, expires_at, revoked_at";

constexpr size_t kMaxDisplayNameBytes = 128;
constexpr size_t kMaxEmailBytes = 254;
constexpr size_t kMaxTokenNameBytes = 64;
constexpr int kMaxCapacity = 1000;

std::string Quote(std::string_view v) {
  std::string out = "\"";
  out.append(v.substr(0, 100));
  if (v.size() > 100) out += "...";
  out += '"';
  return out;
}

bool ValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

// OK when `v` is valid UTF-8 of at most `max` bytes without control characters.
Status CheckText(std::string_view field, std::string_view v, size_t max, bool required) {
  const std::string f(field);
  if (required && v.empty()) return Status::InvalidArgument(f + ": must not be empty");
  if (v.size() > max)
    return Status::InvalidArgument(f + ": must be at most " + std::to_string(max) + " bytes, got " +
                                   std::to_string(v.size()));
  if (!ValidUtf8(v)) return Status::InvalidArgument(f + ": is not valid UTF-8");
  for (char ch : v) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x20 || c == 0x7F) return Status::InvalidArgument(f + ": must not hold control characters");
  }
  return Status::Ok();
}

Status CheckTeamName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 64;
  for (char c : name) ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-');
  if (!ok) return Status::InvalidArgument("name: must be 1 to 64 of a-z, 0-9, '_' and '-', got " + Quote(name));
  return Status::Ok();
}

Status CheckEmail(std::string_view email) {
  if (email.empty()) return Status::Ok();
  ECOUTE_RETURN_IF_ERROR(CheckText("email", email, kMaxEmailBytes, false));
  const size_t at = email.find('@');
  const bool ok = at != std::string_view::npos && at > 0 && at + 1 < email.size() &&
                  email.find('@', at + 1) == std::string_view::npos &&
                  email.find_first_of(" \t") == std::string_view::npos;
  if (!ok) return Status::InvalidArgument("email: expected name@domain, got " + Quote(email));
  return Status::Ok();
}

// Checks the editable fields of a user (not the login, not team_ids).
Status CheckUserFields(const User& u) {
  ECOUTE_RETURN_IF_ERROR(CheckText("display_name", u.display_name, kMaxDisplayNameBytes, true));
  ECOUTE_RETURN_IF_ERROR(CheckEmail(u.email));
  if (u.language != "fr" && u.language != "en")
    return Status::InvalidArgument("language: must be fr or en, got " + Quote(u.language));
  if (u.time_zone.empty()) return Status::InvalidArgument("time_zone: must not be empty");
  Result<base::TimeZone> tz = base::TimeZone::Load(u.time_zone);
  if (!tz.ok()) return Status::InvalidArgument("time_zone: " + tz.status().message());
  if (u.capacity < 0 || u.capacity > kMaxCapacity)
    return Status::InvalidArgument("capacity: must be 0 to " + std::to_string(kMaxCapacity) + ", got " +
                                   std::to_string(u.capacity));
  return Status::Ok();
}

Status CheckTeamFields(const Team& t) {
  ECOUTE_RETURN_IF_ERROR(CheckTeamName(t.name));
  ECOUTE_RETURN_IF_ERROR(CheckText("display_name", t.display_name, kMaxDisplayNameBytes, true));
  if (t.assignment != "round_robin" && t.assignment != "least_loaded" && t.assignment != "manual")
    return Status::InvalidArgument("assignment: must be round_robin, least_loaded or manual, got " +
                                   Quote(t.assignment));
  return Status::Ok();
}

std::vector<int64_t> SortedUnique(std::vector<int64_t> ids) {
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& s : items) out += (out.empty() ? "" : ", ") + s;
  return out;
}

// --- statement helpers, on the connection (the caller holds the mutex) ---

Result<Stmt*> Prepare(Conn& c, const std::string& sql, std::string_view step) {
  return c.cache.Get(c.db.get(), sql, step);
}

// Runs BEGIN IMMEDIATE, `body`, then COMMIT (ROLLBACK when anything fails).
Status InTransaction(Conn& c, const std::function<Status()>& body) {
  ECOUTE_RETURN_IF_ERROR(Exec(c.db.get(), "BEGIN IMMEDIATE", "auth: begin"));
  Status s = body();
  if (s.ok()) s = Exec(c.db.get(), "COMMIT", "auth: commit");
  if (!s.ok()) (void)Exec(c.db.get(), "ROLLBACK", "auth: rollback");
  return s;
}

Result<Role> RoleFromColumn(std::string_view v) {
  std::optional<Role> r = ParseRole(v);
  if (!r) return Status::Corruption("auth_users: unknown role " + Quote(v));
  return *r;
}

Result<User> UserFromRow(const Stmt& s) {
  User u;
  u.id = s.Int(0);
  u.login = s.Text(1);
  u.display_name = s.Text(2);
  u.email = s.Text(3);
  ECOUTE_ASSIGN_OR_RETURN(u.role, RoleFromColumn(s.Text(4)));
  u.language = s.Text(5);
  u.time_zone = s.Text(6);
  u.capacity = static_cast<int>(s.Int(7));
  u.disabled = s.Int(8) != 0;
  u.created_at = s.Int(9);
  u.updated_at = s.Int(10);
  u.last_login_at = s.Int(11);
  return u;
}

Team TeamFromRow(const Stmt& s) {
  Team t;
  t.id = s.Int(0);
  t.name = s.Text(1);
  t.display_name = s.Text(2);
  t.assignment = s.Text(3);
  t.created_at = s.Int(4);
  t.updated_at = s.Int(5);
  return t;
}

SessionRecord SessionFromRow(const Stmt& s) {
  SessionRecord r;
  r.id = s.Int(0);
  r.user_id = s.Int(1);
  r.csrf_token = s.Text(2);
  r.created_at = s.Int(3);
  r.last_seen_at = s.Int(4);
  r.expires_at = s.Int(5);
  r.client_ip = s.Text(6);
  return r;
}

TokenInfo TokenFromRow(const Stmt& s) {
  TokenInfo t;
  t.id = s.Int(0);
  t.user_id = s.Int(1);
  t.name = s.Text(2);
  t.prefix = s.Text(3);
  t.created_at = s.Int(4);
  t.last_used_at = s.Int(5);
  t.expires_at = s.Int(6);
  t.revoked_at = s.Int(7);
  return t;
}

// Ids from a one-column query bound with one integer.
Result<std::vector<int64_t>> Ids(Conn& c, const std::string& sql, int64_t arg, std::string_view step) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c, sql, step));
  ResetOnExit reset(*s);
  s->BindInt(1, arg);
  std::vector<int64_t> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(s->Int(0));
  }
  return out;
}

Result<bool> Exists(Conn& c, const std::string& sql, int64_t id, std::string_view step) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c, sql, step));
  ResetOnExit reset(*s);
  s->BindInt(1, id);
  return s->Step();
}

// A user by a WHERE clause bound with one value (integer or text).
Result<std::optional<User>> QueryUser(Conn& c, const std::string& where, std::optional<int64_t> id,
                                      std::string_view text) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s,
                          Prepare(c, std::string("SELECT ") + kUserCols + " FROM auth_users WHERE " + where,
                                  "auth: read user"));
  std::optional<User> out;
  {
    ResetOnExit reset(*s);
    if (id) s->BindInt(1, *id);
    else s->BindText(1, text);
    ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return out;
    ECOUTE_ASSIGN_OR_RETURN(User u, UserFromRow(*s));
    out = std::move(u);
  }
  ECOUTE_ASSIGN_OR_RETURN(out->team_ids,
                          Ids(c, "SELECT team_id FROM auth_team_members WHERE user_id = ? ORDER BY team_id", out->id,
                              "auth: read user teams"));
  return out;
}

Result<User> UserById(Conn& c, int64_t id) {
  ECOUTE_ASSIGN_OR_RETURN(std::optional<User> u, QueryUser(c, "id = ?", id, {}));
  if (!u) return Status::NotFound("user " + std::to_string(id) + ": no such user");
  return std::move(*u);
}

Result<std::optional<Team>> QueryTeam(Conn& c, const std::string& where, std::optional<int64_t> id,
                                      std::string_view text) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s,
                          Prepare(c, std::string("SELECT ") + kTeamCols + " FROM auth_teams WHERE " + where,
                                  "auth: read team"));
  std::optional<Team> out;
  {
    ResetOnExit reset(*s);
    if (id) s->BindInt(1, *id);
    else s->BindText(1, text);
    ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return out;
    out = TeamFromRow(*s);
  }
  ECOUTE_ASSIGN_OR_RETURN(out->member_ids,
                          Ids(c, "SELECT user_id FROM auth_team_members WHERE team_id = ? ORDER BY user_id", out->id,
                              "auth: read team members"));
  return out;
}

Result<Team> TeamById(Conn& c, int64_t id) {
  ECOUTE_ASSIGN_OR_RETURN(std::optional<Team> t, QueryTeam(c, "id = ?", id, {}));
  if (!t) return Status::NotFound("team " + std::to_string(id) + ": no such team");
  return std::move(*t);
}

Status WriteAudit(Conn& c, base::Timestamp at, const Actor& by, std::string_view action,
                  std::string_view target, std::string_view detail) {
  ECOUTE_ASSIGN_OR_RETURN(
      Stmt * s, Prepare(c,
                        "INSERT INTO auth_audit(at, actor, action, target, detail, client_ip) VALUES (?, ?, ?, ?, ?, ?)",
                        "auth: write audit"));
  ResetOnExit reset(*s);
  s->BindInt(1, at);
  s->BindText(2, by.login);
  s->BindText(3, action);
  s->BindText(4, target);
  s->BindText(5, detail);
  s->BindText(6, by.client_ip);
  return s->Run();
}

Result<int64_t> EnabledAdmins(Conn& c) {
  ECOUTE_ASSIGN_OR_RETURN(
      Stmt * s, Prepare(c, "SELECT count(*) FROM auth_users WHERE role = 'admin' AND disabled = 0", "auth: count admins"));
  ResetOnExit reset(*s);
  ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Int(0) : 0;
}

// FailedPrecondition when `before` is the last enabled admin and would stop
// being one.
Status KeepAnAdmin(Conn& c, const User& before, std::string_view field, std::string_view what) {
  if (before.role != Role::kAdmin || before.disabled) return Status::Ok();
  ECOUTE_ASSIGN_OR_RETURN(int64_t admins, EnabledAdmins(c));
  if (admins <= 1)
    return Status::FailedPrecondition(std::string(field) + ": " + before.login + " is the last enabled admin; " +
                                      std::string(what) + " would leave nobody to manage users (make another admin first)");
  return Status::Ok();
}

Status SetMemberships(Conn& c, const char* key_column, int64_t key, const std::vector<int64_t>& others) {
  const bool by_user = std::string_view(key_column) == "user_id";
  {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * del, Prepare(c, std::string("DELETE FROM auth_team_members WHERE ") + key_column + " = ?",
                                                "auth: clear memberships"));
    ResetOnExit reset(*del);
    del->BindInt(1, key);
    ECOUTE_RETURN_IF_ERROR(del->Run());
  }
  ECOUTE_ASSIGN_OR_RETURN(Stmt * ins, Prepare(c, "INSERT INTO auth_team_members(team_id, user_id) VALUES (?, ?)",
                                              "auth: add membership"));
  for (int64_t other : others) {
    ResetOnExit reset(*ins);
    ins->BindInt(1, by_user ? other : key);
    ins->BindInt(2, by_user ? key : other);
    ECOUTE_RETURN_IF_ERROR(ins->Run());
  }
  return Status::Ok();
}

Status CheckAllExist(Conn& c, const std::vector<int64_t>& ids, const char* table, std::string_view field,
                     std::string_view what) {
  for (int64_t id : ids) {
    ECOUTE_ASSIGN_OR_RETURN(bool found, Exists(c, std::string("SELECT 1 FROM ") + table + " WHERE id = ?", id,
                                               "auth: check reference"));
    if (!found)
      return Status::InvalidArgument(std::string(field) + ": no " + std::string(what) + " with id " + std::to_string(id));
  }
  return Status::Ok();
}

Status RunWithInt(Conn& c, const std::string& sql, int64_t v, std::string_view step) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c, sql, step));
  ResetOnExit reset(*s);
  s->BindInt(1, v);
  return s->Run();
}

Status DeleteSessionsOf(Conn& c, int64_t user_id, int64_t keep) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c, "DELETE FROM auth_sessions WHERE user_id = ? AND id != ?",
                                            "auth: end sessions"));
  ResetOnExit reset(*s);
  s->BindInt(1, user_id);
  s->BindInt(2, keep);
  return s->Run();
}

}  // namespace

Status CheckLogin(std::string_view login) {
  bool ok = !login.empty() && login.size() <= 64;
  for (char c : login)
    ok = ok && ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-');
  if (!ok) return Status::InvalidArgument("login: must be 1 to 64 of a-z, 0-9, '.', '_' and '-', got " + Quote(login));
  return Status::Ok();
}

std::string NormalizeLogin(std::string_view login) {
  std::string out(login);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

Directory::Directory(DirectoryOptions options, std::unique_ptr<internal::DirectoryConn> conn)
    : options_(options),
      clock_(options.clock != nullptr ? options.clock : &base::SystemClock()),
      conn_(std::move(conn)) {}

Directory::~Directory() = default;

Result<std::unique_ptr<Directory>> Directory::Open(const std::string& path, DirectoryOptions options) {
  if (path.empty()) return Status::InvalidArgument("auth: empty database path");
  auto conn = std::make_unique<Conn>();
  ECOUTE_ASSIGN_OR_RETURN(conn->db, store::internal::OpenSharedDb(path, "auth", "FULL"));
  sqlite3* db = conn->db.get();
  const std::string where = "auth: \"" + path + "\"";
  // Checkpoints are left to the store's checkpointer thread and to the last
  // close: an automatic one here would run inside a request, holding the
  // directory's mutex, whenever the store's WAL is long.
  ECOUTE_RETURN_IF_ERROR(Exec(db, "PRAGMA wal_autocheckpoint = 0", "auth: configure").WithPrefix(where));
  Status created = InTransaction(*conn, [&]() -> Status {
    ECOUTE_RETURN_IF_ERROR(Exec(db, kSchema, "auth: create tables"));
    Result<int64_t> version =
        store::internal::QueryInt(db, "SELECT value FROM auth_meta WHERE key = 'schema_version'", "auth: read version");
    if (!version.ok() && version.status().code() != base::StatusCode::kNotFound) return version.status();
    if (!version.ok())
      return Exec(db,
                  "INSERT INTO auth_meta(key, value) VALUES ('schema_version', " + std::to_string(kSchemaVersion) + ")",
                  "auth: write version");
    if (*version > kSchemaVersion)
      return Status::Corruption("the auth tables are version " + std::to_string(*version) +
                                ", newer than this build's " + std::to_string(kSchemaVersion) + "; use a newer ecoute");
    return Status::Ok();
  });
  if (!created.ok()) return created.WithPrefix(where);
  return std::unique_ptr<Directory>(new Directory(options, std::move(conn)));
}

// --- users ---

Result<User> Directory::CreateUser(User user, std::string_view password, const Actor& by) {
  user.login = NormalizeLogin(user.login);
  ECOUTE_RETURN_IF_ERROR(CheckLogin(user.login));
  if (user.display_name.empty()) user.display_name = user.login;
  ECOUTE_RETURN_IF_ERROR(CheckUserFields(user));
  user.team_ids = SortedUnique(std::move(user.team_ids));
  // Hashing is slow (tens of ms): outside the lock.
  ECOUTE_ASSIGN_OR_RETURN(std::string hash, HashPassword(password, options_.password_cost));
  const base::Timestamp now = clock_->Now();
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  int64_t id = 0;
  ECOUTE_RETURN_IF_ERROR(InTransaction(c, [&]() -> Status {
    ECOUTE_ASSIGN_OR_RETURN(std::optional<User> taken, QueryUser(c, "login = ?", std::nullopt, user.login));
    if (taken) return Status::AlreadyExists("login: " + Quote(user.login) + " is taken");
    ECOUTE_RETURN_IF_ERROR(CheckAllExist(c, user.team_ids, "auth_teams", "team_ids", "team"));
    ECOUTE_ASSIGN_OR_RETURN(
        Stmt * s,
        Prepare(c,
                "INSERT INTO auth_users(login, display_name, email, role, language, time_zone, capacity, disabled, "
                "password_hash, created_at, updated_at, last_login_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0)",
                "auth: insert user"));
    {
      ResetOnExit reset(*s);
      const std::string_view role = RoleName(user.role);
      s->BindText(1, user.login);
      s->BindText(2, user.display_name);
      s->BindText(3, user.email);
      s->BindText(4, role);
      s->BindText(5, user.language);
      s->BindText(6, user.time_zone);
      s->BindInt(7, user.capacity);
      s->BindInt(8, user.disabled ? 1 : 0);
      s->BindText(9, hash);
      s->BindInt(10, now);
      s->BindInt(11, now);
      ECOUTE_RETURN_IF_ERROR(s->Run());
    }
    id = sqlite3_last_insert_rowid(c.db.get());
    ECOUTE_RETURN_IF_ERROR(SetMemberships(c, "user_id", id, user.team_ids));
    return WriteAudit(c, now, by, "user.created", "user:" + user.login,
                      "role " + std::string(RoleName(user.role)) + (user.disabled ? ", disabled" : ""));
  }));
  return UserById(c, id);
}

Result<User> Directory::UpdateUser(const User& user, const Actor& by) {
  ECOUTE_RETURN_IF_ERROR(CheckUserFields(user));
  const std::vector<int64_t> teams = SortedUnique(user.team_ids);
  const base::Timestamp now = clock_->Now();
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  ECOUTE_RETURN_IF_ERROR(InTransaction(c, [&]() -> Status {
    ECOUTE_ASSIGN_OR_RETURN(User before, UserById(c, user.id));
    if (NormalizeLogin(user.login) != before.login && !user.login.empty())
      return Status::InvalidArgument("login: cannot be changed (" + before.login + ")");
    const bool demoted = before.role == Role::kAdmin && user.role != Role::kAdmin;
    if (demoted) ECOUTE_RETURN_IF_ERROR(KeepAnAdmin(c, before, "role", "changing their role"));
    if (user.disabled && !before.disabled) ECOUTE_RETURN_IF_ERROR(KeepAnAdmin(c, before, "disabled", "disabling them"));
    ECOUTE_RETURN_IF_ERROR(CheckAllExist(c, teams, "auth_teams", "team_ids", "team"));
    std::vector<std::string> changed;
    if (user.display_name != before.display_name) changed.emplace_back("display_name");
    if (user.email != before.email) changed.emplace_back("email");
    if (user.language != before.language) changed.emplace_back("language");
    if (user.time_zone != before.time_zone) changed.emplace_back("time_zone");
    if (user.capacity != before.capacity) changed.emplace_back("capacity");
    if (teams != before.team_ids) changed.emplace_back("team_ids");
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c,
                                              "UPDATE auth_users SET display_name = ?, email = ?, role = ?, language = ?, "
                                              "time_zone = ?, capacity = ?, disabled = ?, updated_at = ? WHERE id = ?",
                                              "auth: update user"));
    {
      ResetOnExit reset(*s);
      const std::string_view role = RoleName(user.role);
      s->BindText(1, user.display_name);
      s->BindText(2, user.email);
      s->BindText(3, role);
      s->BindText(4, user.language);
      s->BindText(5, user.time_zone);
      s->BindInt(6, user.capacity);
      s->BindInt(7, user.disabled ? 1 : 0);
      s->BindInt(8, now);
      s->BindInt(9, user.id);
      ECOUTE_RETURN_IF_ERROR(s->Run());
    }
    if (teams != before.team_ids) ECOUTE_RETURN_IF_ERROR(SetMemberships(c, "user_id", user.id, teams));
    const std::string target = "user:" + before.login;
    if (!changed.empty()) ECOUTE_RETURN_IF_ERROR(WriteAudit(c, now, by, "user.updated", target, "fields: " + Join(changed)));
    if (user.role != before.role)
      ECOUTE_RETURN_IF_ERROR(WriteAudit(c, now, by, "role.changed", target,
                                        "role " + std::string(RoleName(before.role)) + " -> " +
                                            std::string(RoleName(user.role))));
    if (user.disabled != before.disabled) {
      ECOUTE_RETURN_IF_ERROR(WriteAudit(c, now, by, user.disabled ? "user.disabled" : "user.enabled", target, ""));
      if (user.disabled) ECOUTE_RETURN_IF_ERROR(DeleteSessionsOf(c, user.id, 0));
    }
    return Status::Ok();
  }));
  return UserById(c, user.id);
}

Status Directory::SetPassword(int64_t user_id, std::string_view password, const Actor& by, int64_t keep_session) {
  ECOUTE_ASSIGN_OR_RETURN(std::string hash, HashPassword(password, options_.password_cost));
  const base::Timestamp now = clock_->Now();
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  return InTransaction(c, [&]() -> Status {
    ECOUTE_ASSIGN_OR_RETURN(User u, UserById(c, user_id));
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c, "UPDATE auth_users SET password_hash = ?, updated_at = ? WHERE id = ?",
                                              "auth: set password"));
    {
      ResetOnExit reset(*s);
      s->BindText(1, hash);
      s->BindInt(2, now);
      s->BindInt(3, user_id);
      ECOUTE_RETURN_IF_ERROR(s->Run());
    }
    ECOUTE_RETURN_IF_ERROR(DeleteSessionsOf(c, user_id, keep_session));
    return WriteAudit(c, now, by, "password.changed", "user:" + u.login, "other sessions ended");
  });
}

Status Directory::DisableUser(int64_t user_id, const Actor& by) {
  const base::Timestamp now = clock_->Now();
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  return InTransaction(c, [&]() -> Status {
    ECOUTE_ASSIGN_OR_RETURN(User u, UserById(c, user_id));
    if (u.disabled) return Status::Ok();
    ECOUTE_RETURN_IF_ERROR(KeepAnAdmin(c, u, "disabled", "disabling them"));
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c, "UPDATE auth_users SET disabled = 1, updated_at = ? WHERE id = ?",
                                              "auth: disable user"));
    {
      ResetOnExit reset(*s);
      s->BindInt(1, now);
      s->BindInt(2, user_id);
      ECOUTE_RETURN_IF_ERROR(s->Run());
    }
    ECOUTE_RETURN_IF_ERROR(DeleteSessionsOf(c, user_id, 0));
    return WriteAudit(c, now, by, "user.disabled", "user:" + u.login, "");
  });
}

Status Directory::DeleteUser(int64_t user_id, const Actor& by) {
  const base::Timestamp now = clock_->Now();
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  return InTransaction(c, [&]() -> Status {
    ECOUTE_ASSIGN_OR_RETURN(User u, UserById(c, user_id));
    ECOUTE_RETURN_IF_ERROR(KeepAnAdmin(c, u, "id", "deleting them"));
    ECOUTE_RETURN_IF_ERROR(RunWithInt(c, "DELETE FROM auth_sessions WHERE user_id = ?", user_id, "auth: delete sessions"));
    ECOUTE_RETURN_IF_ERROR(RunWithInt(c, "DELETE FROM auth_tokens WHERE user_id = ?", user_id, "auth: delete tokens"));
    ECOUTE_RETURN_IF_ERROR(
        RunWithInt(c, "DELETE FROM auth_team_members WHERE user_id = ?", user_id, "auth: delete memberships"));
    ECOUTE_RETURN_IF_ERROR(RunWithInt(c, "DELETE FROM auth_users WHERE id = ?", user_id, "auth: delete user"));
    return WriteAudit(c, now, by, "user.deleted", "user:" + u.login, "role " + std::string(RoleName(u.role)));
  });
}

Result<User> Directory::GetUser(int64_t id) const {
  std::lock_guard lock(mu_);
  return UserById(*conn_, id);
}

Result<User> Directory::FindUser(std::string_view login) const {
  const std::string normal = NormalizeLogin(login);
  std::lock_guard lock(mu_);
  ECOUTE_ASSIGN_OR_RETURN(std::optional<User> u, QueryUser(*conn_, "login = ?", std::nullopt, normal));
  if (!u) return Status::NotFound("user " + Quote(normal) + ": no such user");
  return std::move(*u);
}

Result<std::vector<User>> Directory::ListUsers() const {
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  std::vector<User> out;
  {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c, std::string("SELECT ") + kUserCols + " FROM auth_users ORDER BY login",
                                              "auth: list users"));
    ResetOnExit reset(*s);
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      ECOUTE_ASSIGN_OR_RETURN(User u, UserFromRow(*s));
      out.push_back(std::move(u));
    }
  }
  ECOUTE_ASSIGN_OR_RETURN(Stmt * m, Prepare(c, "SELECT user_id, team_id FROM auth_team_members ORDER BY user_id, team_id",
                                            "auth: list memberships"));
  ResetOnExit reset(*m);
  std::map<int64_t, std::vector<int64_t>> teams;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, m->Step());
    if (!row) break;
    teams[m->Int(0)].push_back(m->Int(1));
  }
  for (User& u : out) {
    auto it = teams.find(u.id);
    if (it != teams.end()) u.team_ids = it->second;
  }
  return out;
}

Result<int64_t> Directory::CountUsers() const {
  std::lock_guard lock(mu_);
  return store::internal::QueryInt(conn_->db.get(), "SELECT count(*) FROM auth_users", "auth: count users");
}

Result<std::string> Directory::PasswordHash(int64_t user_id) const {
  std::lock_guard lock(mu_);
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(*conn_, "SELECT password_hash FROM auth_users WHERE id = ?",
                                            "auth: read password"));
  ResetOnExit reset(*s);
  s->BindInt(1, user_id);
  ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return Status::NotFound("user " + std::to_string(user_id) + ": no such user");
  return std::string(s->Text(0));
}

Status Directory::ReplacePasswordHash(int64_t user_id, const std::string& hash) {
  std::lock_guard lock(mu_);
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(*conn_, "UPDATE auth_users SET password_hash = ? WHERE id = ?",
                                            "auth: rehash password"));
  ResetOnExit reset(*s);
  s->BindText(1, hash);
  s->BindInt(2, user_id);
  return s->Run();
}

Status Directory::SetLastLogin(int64_t user_id, base::Timestamp at) {
  std::lock_guard lock(mu_);
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(*conn_, "UPDATE auth_users SET last_login_at = ? WHERE id = ?",
                                            "auth: set last login"));
  ResetOnExit reset(*s);
  s->BindInt(1, at);
  s->BindInt(2, user_id);
  return s->Run();
}

// --- teams ---

Result<Team> Directory::CreateTeam(Team team, const Actor& by) {
  if (team.display_name.empty()) team.display_name = team.name;
  ECOUTE_RETURN_IF_ERROR(CheckTeamFields(team));
  team.member_ids = SortedUnique(std::move(team.member_ids));
  const base::Timestamp now = clock_->Now();
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  int64_t id = 0;
  ECOUTE_RETURN_IF_ERROR(InTransaction(c, [&]() -> Status {
    ECOUTE_ASSIGN_OR_RETURN(std::optional<Team> taken, QueryTeam(c, "name = ?", std::nullopt, team.name));
    if (taken) return Status::AlreadyExists("name: team " + Quote(team.name) + " exists");
    ECOUTE_RETURN_IF_ERROR(CheckAllExist(c, team.member_ids, "auth_users", "member_ids", "user"));
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c,
                                              "INSERT INTO auth_teams(name, display_name, assignment, created_at, "
                                              "updated_at) VALUES (?, ?, ?, ?, ?)",
                                              "auth: insert team"));
    {
      ResetOnExit reset(*s);
      s->BindText(1, team.name);
      s->BindText(2, team.display_name);
      s->BindText(3, team.assignment);
      s->BindInt(4, now);
      s->BindInt(5, now);
      ECOUTE_RETURN_IF_ERROR(s->Run());
    }
    id = sqlite3_last_insert_rowid(c.db.get());
    ECOUTE_RETURN_IF_ERROR(SetMemberships(c, "team_id", id, team.member_ids));
    return WriteAudit(c, now, by, "team.created", "team:" + team.name,
                      "assignment " + team.assignment + ", " + std::to_string(team.member_ids.size()) + " members");
  }));
  return TeamById(c, id);
}

Result<Team> Directory::UpdateTeam(const Team& team, const Actor& by) {
  ECOUTE_RETURN_IF_ERROR(CheckTeamFields(team));
  const std::vector<int64_t> members = SortedUnique(team.member_ids);
  const base::Timestamp now = clock_->Now();
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  ECOUTE_RETURN_IF_ERROR(InTransaction(c, [&]() -> Status {
    ECOUTE_ASSIGN_OR_RETURN(Team before, TeamById(c, team.id));
    if (team.name != before.name) {
      ECOUTE_ASSIGN_OR_RETURN(std::optional<Team> taken, QueryTeam(c, "name = ?", std::nullopt, team.name));
      if (taken) return Status::AlreadyExists("name: team " + Quote(team.name) + " exists");
    }
    ECOUTE_RETURN_IF_ERROR(CheckAllExist(c, members, "auth_users", "member_ids", "user"));
    std::vector<std::string> changed;
    if (team.name != before.name) changed.push_back("name " + before.name + " -> " + team.name);
    if (team.display_name != before.display_name) changed.emplace_back("display_name");
    if (team.assignment != before.assignment) changed.push_back("assignment " + team.assignment);
    if (members != before.member_ids) changed.push_back("members " + std::to_string(members.size()));
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c,
                                              "UPDATE auth_teams SET name = ?, display_name = ?, assignment = ?, "
                                              "updated_at = ? WHERE id = ?",
                                              "auth: update team"));
    {
      ResetOnExit reset(*s);
      s->BindText(1, team.name);
      s->BindText(2, team.display_name);
      s->BindText(3, team.assignment);
      s->BindInt(4, now);
      s->BindInt(5, team.id);
      ECOUTE_RETURN_IF_ERROR(s->Run());
    }
    if (members != before.member_ids) ECOUTE_RETURN_IF_ERROR(SetMemberships(c, "team_id", team.id, members));
    if (changed.empty()) return Status::Ok();
    return WriteAudit(c, now, by, "team.updated", "team:" + team.name, Join(changed));
  }));
  return TeamById(c, team.id);
}

Status Directory::DeleteTeam(int64_t id, const Actor& by) {
  const base::Timestamp now = clock_->Now();
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  return InTransaction(c, [&]() -> Status {
    ECOUTE_ASSIGN_OR_RETURN(Team t, TeamById(c, id));
    ECOUTE_RETURN_IF_ERROR(RunWithInt(c, "DELETE FROM auth_team_members WHERE team_id = ?", id, "auth: delete members"));
    ECOUTE_RETURN_IF_ERROR(RunWithInt(c, "DELETE FROM auth_teams WHERE id = ?", id, "auth: delete team"));
    return WriteAudit(c, now, by, "team.deleted", "team:" + t.name, "");
  });
}

Result<Team> Directory::GetTeam(int64_t id) const {
  std::lock_guard lock(mu_);
  return TeamById(*conn_, id);
}

Result<Team> Directory::FindTeam(std::string_view name) const {
  std::lock_guard lock(mu_);
  ECOUTE_ASSIGN_OR_RETURN(std::optional<Team> t, QueryTeam(*conn_, "name = ?", std::nullopt, name));
  if (!t) return Status::NotFound("team " + Quote(name) + ": no such team");
  return std::move(*t);
}

Result<std::vector<Team>> Directory::ListTeams() const {
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  std::vector<Team> out;
  {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c, std::string("SELECT ") + kTeamCols + " FROM auth_teams ORDER BY name",
                                              "auth: list teams"));
    ResetOnExit reset(*s);
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      out.push_back(TeamFromRow(*s));
    }
  }
  ECOUTE_ASSIGN_OR_RETURN(Stmt * m, Prepare(c, "SELECT team_id, user_id FROM auth_team_members ORDER BY team_id, user_id",
                                            "auth: list team members"));
  ResetOnExit reset(*m);
  std::map<int64_t, std::vector<int64_t>> members;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, m->Step());
    if (!row) break;
    members[m->Int(0)].push_back(m->Int(1));
  }
  for (Team& t : out) {
    auto it = members.find(t.id);
    if (it != members.end()) t.member_ids = it->second;
  }
  return out;
}

// --- sessions ---

Result<int64_t> Directory::InsertSession(const SessionRecord& session, std::string_view digest) {
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c,
                                            "INSERT INTO auth_sessions(digest, user_id, csrf_token, created_at, "
                                            "last_seen_at, expires_at, client_ip) VALUES (?, ?, ?, ?, ?, ?, ?)",
                                            "auth: insert session"));
  ResetOnExit reset(*s);
  s->BindText(1, digest);
  s->BindInt(2, session.user_id);
  s->BindText(3, session.csrf_token);
  s->BindInt(4, session.created_at);
  s->BindInt(5, session.last_seen_at);
  s->BindInt(6, session.expires_at);
  s->BindText(7, session.client_ip);
  ECOUTE_RETURN_IF_ERROR(s->Run());
  return sqlite3_last_insert_rowid(c.db.get());
}

namespace {

Result<std::optional<SessionRecord>> QuerySession(Conn& c, const char* where, std::optional<int64_t> id,
                                                  std::string_view text) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c, std::string("SELECT ") + kSessionCols + " FROM auth_sessions WHERE " + where,
                                            "auth: read session"));
  ResetOnExit reset(*s);
  if (id) s->BindInt(1, *id);
  else s->BindText(1, text);
  ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<SessionRecord>();
  return std::optional<SessionRecord>(SessionFromRow(*s));
}

Result<std::optional<TokenInfo>> QueryToken(Conn& c, const char* where, std::optional<int64_t> id,
                                            std::string_view text) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c, std::string("SELECT ") + kTokenCols + " FROM auth_tokens WHERE " + where,
                                            "auth: read token"));
  ResetOnExit reset(*s);
  if (id) s->BindInt(1, *id);
  else s->BindText(1, text);
  ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<TokenInfo>();
  return std::optional<TokenInfo>(TokenFromRow(*s));
}

}  // namespace

Result<std::optional<SessionRecord>> Directory::FindSession(std::string_view digest) const {
  std::lock_guard lock(mu_);
  return QuerySession(*conn_, "digest = ?", std::nullopt, digest);
}

Result<std::optional<SessionRecord>> Directory::GetSession(int64_t id) const {
  std::lock_guard lock(mu_);
  return QuerySession(*conn_, "id = ?", id, {});
}

Status Directory::TouchSession(int64_t id, base::Timestamp at) {
  std::lock_guard lock(mu_);
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(*conn_, "UPDATE auth_sessions SET last_seen_at = ? WHERE id = ?",
                                            "auth: touch session"));
  ResetOnExit reset(*s);
  s->BindInt(1, at);
  s->BindInt(2, id);
  return s->Run();
}

Status Directory::DeleteSession(int64_t id) {
  std::lock_guard lock(mu_);
  return RunWithInt(*conn_, "DELETE FROM auth_sessions WHERE id = ?", id, "auth: delete session");
}

Result<int64_t> Directory::DeleteExpiredSessions(base::Timestamp now, base::Timestamp idle_before) {
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c, "DELETE FROM auth_sessions WHERE expires_at <= ? OR last_seen_at < ?",
                                            "auth: delete expired sessions"));
  ResetOnExit reset(*s);
  s->BindInt(1, now);
  s->BindInt(2, idle_before);
  ECOUTE_RETURN_IF_ERROR(s->Run());
  return static_cast<int64_t>(sqlite3_changes(c.db.get()));
}

// --- tokens ---

Result<TokenInfo> Directory::InsertToken(TokenInfo token, std::string_view digest, const Actor& by) {
  ECOUTE_RETURN_IF_ERROR(CheckText("name", token.name, kMaxTokenNameBytes, true));
  const base::Timestamp now = clock_->Now();
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  int64_t id = 0;
  ECOUTE_RETURN_IF_ERROR(InTransaction(c, [&]() -> Status {
    ECOUTE_ASSIGN_OR_RETURN(User u, UserById(c, token.user_id));
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c,
                                              "INSERT INTO auth_tokens(digest, user_id, name, prefix, created_at, "
                                              "last_used_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?, 0, ?, 0)",
                                              "auth: insert token"));
    {
      ResetOnExit reset(*s);
      s->BindText(1, digest);
      s->BindInt(2, token.user_id);
      s->BindText(3, token.name);
      s->BindText(4, token.prefix);
      s->BindInt(5, token.created_at != 0 ? token.created_at : now);
      s->BindInt(6, token.expires_at);
      ECOUTE_RETURN_IF_ERROR(s->Run());
    }
    id = sqlite3_last_insert_rowid(c.db.get());
    std::string detail = "user " + u.login + ", name " + Quote(token.name);
    if (token.expires_at != 0) detail += ", expires " + base::FormatTimestamp(token.expires_at);
    return WriteAudit(c, now, by, "token.created", "token:" + std::to_string(id), detail);
  }));
  ECOUTE_ASSIGN_OR_RETURN(std::optional<TokenInfo> t, QueryToken(c, "id = ?", id, {}));
  if (!t) return Status::Internal("token " + std::to_string(id) + " vanished after insert");
  return std::move(*t);
}

Result<std::optional<TokenInfo>> Directory::FindToken(std::string_view digest) const {
  std::lock_guard lock(mu_);
  return QueryToken(*conn_, "digest = ?", std::nullopt, digest);
}

Result<TokenInfo> Directory::GetToken(int64_t id) const {
  std::lock_guard lock(mu_);
  ECOUTE_ASSIGN_OR_RETURN(std::optional<TokenInfo> t, QueryToken(*conn_, "id = ?", id, {}));
  if (!t) return Status::NotFound("token " + std::to_string(id) + ": no such token");
  return std::move(*t);
}

Result<std::vector<TokenInfo>> Directory::ListTokens(int64_t user_id, bool include_revoked) const {
  std::lock_guard lock(mu_);
  std::string sql = std::string("SELECT ") + kTokenCols + " FROM auth_tokens WHERE (? = 0 OR user_id = ?)";
  if (!include_revoked) sql += " AND revoked_at = 0";
  sql += " ORDER BY id DESC";
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(*conn_, sql, "auth: list tokens"));
  ResetOnExit reset(*s);
  s->BindInt(1, user_id);
  s->BindInt(2, user_id);
  std::vector<TokenInfo> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(TokenFromRow(*s));
  }
  return out;
}

Status Directory::TouchToken(int64_t id, base::Timestamp at) {
  std::lock_guard lock(mu_);
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(*conn_, "UPDATE auth_tokens SET last_used_at = ? WHERE id = ?",
                                            "auth: touch token"));
  ResetOnExit reset(*s);
  s->BindInt(1, at);
  s->BindInt(2, id);
  return s->Run();
}

Status Directory::RevokeToken(int64_t id, const Actor& by) {
  const base::Timestamp now = clock_->Now();
  std::lock_guard lock(mu_);
  Conn& c = *conn_;
  return InTransaction(c, [&]() -> Status {
    ECOUTE_ASSIGN_OR_RETURN(std::optional<TokenInfo> t, QueryToken(c, "id = ?", id, {}));
    if (!t) return Status::NotFound("token " + std::to_string(id) + ": no such token");
    if (t->revoked_at != 0) return Status::Ok();
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, Prepare(c, "UPDATE auth_tokens SET revoked_at = ? WHERE id = ?",
                                              "auth: revoke token"));
    {
      ResetOnExit reset(*s);
      s->BindInt(1, now);
      s->BindInt(2, id);
      ECOUTE_RETURN_IF_ERROR(s->Run());
    }
    ECOUTE_ASSIGN_OR_RETURN(std::optional<User> owner, QueryUser(c, "id = ?", t->user_id, {}));
    return WriteAudit(c, now, by, "token.revoked", "token:" + std::to_string(id),
                      "user " + (owner ? owner->login : std::to_string(t->user_id)) + ", name " + Quote(t->name));
  });
}

// --- audit ---

Status Directory::Record(const Actor& by, std::string_view action, std::string_view target, std::string_view detail) {
  const base::Timestamp now = clock_->Now();
  std::lock_guard lock(mu_);
  return WriteAudit(*conn_, now, by, action, target, detail);
}

Result<std::vector<AuditEntry>> Directory::Audit(const AuditFilter& f) const {
  if (f.limit < 1 || f.limit > 1000)
    return Status::InvalidArgument("limit: must be 1 to 1000, got " + std::to_string(f.limit));
  std::string sql = "SELECT id, at, actor, action, target, detail, client_ip FROM auth_audit WHERE 1";
  std::vector<std::function<void(Stmt&, int)>> binds;
  const std::string action_prefix = !f.action.empty() && f.action.back() == '.' ? f.action : std::string();
  const std::string action_upper = action_prefix.empty() ? "" : action_prefix.substr(0, action_prefix.size() - 1) + "/";
  if (!f.actor.empty()) {
    sql += " AND actor = ?";
    binds.push_back([&](Stmt& s, int i) { s.BindText(i, f.actor); });
  }
  if (!action_prefix.empty()) {
    // '/' sorts right after '.': [prefix, prefix-with-'/') holds every action starting with it.
    sql += " AND action >= ? AND action < ?";
    binds.push_back([&](Stmt& s, int i) { s.BindText(i, action_prefix); });
    binds.push_back([&](Stmt& s, int i) { s.BindText(i, action_upper); });
  } else if (!f.action.empty()) {
    sql += " AND action = ?";
    binds.push_back([&](Stmt& s, int i) { s.BindText(i, f.action); });
  }
  if (!f.target.empty()) {
    sql += " AND target = ?";
    binds.push_back([&](Stmt& s, int i) { s.BindText(i, f.target); });
  }
  if (f.since != 0) {
    sql += " AND at >= ?";
    binds.push_back([&](Stmt& s, int i) { s.BindInt(i, f.since); });
  }
  if (f.until != 0) {
    sql += " AND at < ?";
    binds.push_back([&](Stmt& s, int i) { s.BindInt(i, f.until); });
  }
  if (f.before_id != 0) {
    sql += " AND id < ?";
    binds.push_back([&](Stmt& s, int i) { s.BindInt(i, f.before_id); });
  }
  sql += " ORDER BY id DESC LIMIT " + std::to_string(f.limit);
  std::lock_guard lock(mu_);
  ECOUTE_ASSIGN_OR_RETURN(Stmt s, Stmt::Prepare(conn_->db.get(), sql, "auth: read audit"));
  for (size_t i = 0; i < binds.size(); ++i) binds[i](s, static_cast<int>(i + 1));
  std::vector<AuditEntry> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    AuditEntry e;
    e.id = s.Int(0);
    e.at = s.Int(1);
    e.actor = s.Text(2);
    e.action = s.Text(3);
    e.target = s.Text(4);
    e.detail = s.Text(5);
    e.client_ip = s.Text(6);
    out.push_back(std::move(e));
  }
  return out;
}

}  // namespace ecoute::auth
