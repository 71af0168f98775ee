#include "api/auth_api.h"

#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/params.h"
#include "auth/password.h"

namespace ecoute::api {

namespace {

using nlohmann::json;

constexpr int64_t kMaxTokenDays = 3650;
constexpr size_t kMaxIds = 1000;

json TimeOrNull(base::Timestamp t) { return t == 0 ? json(nullptr) : json(base::FormatTimestamp(t)); }

// Typed readers of one body field: false (and `error` set, naming `key`)
// when the value has the wrong type or range.
bool ReadString(const json& v, const std::string& key, std::string& out, Reply& error) {
  if (!v.is_string()) {
    error = ErrorReply(400, "invalid_argument", key + " must be a string", key);
    return false;
  }
  out = v.get<std::string>();
  return true;
}

bool ReadBool(const json& v, const std::string& key, bool& out, Reply& error) {
  if (!v.is_boolean()) {
    error = ErrorReply(400, "invalid_argument", key + " must be true or false", key);
    return false;
  }
  out = v.get<bool>();
  return true;
}

bool ReadInt(const json& v, const std::string& key, int64_t min, int64_t max, int64_t& out, Reply& error) {
  const bool integer = v.is_number_integer() && (!v.is_number_unsigned() || v.get<uint64_t>() <= uint64_t(max));
  if (!integer || v.get<int64_t>() < min || v.get<int64_t>() > max) {
    error = ErrorReply(400, "invalid_argument",
                       key + " must be an integer from " + std::to_string(min) + " to " + std::to_string(max) +
                           ", got " + QuoteValue(v.dump()),
                       key);
    return false;
  }
  out = v.get<int64_t>();
  return true;
}

bool ReadIds(const json& v, const std::string& key, std::vector<int64_t>& out, Reply& error) {
  if (!v.is_array() || v.size() > kMaxIds) {
    error = ErrorReply(400, "invalid_argument",
                       key + " must be an array of at most " + std::to_string(kMaxIds) + " ids", key);
    return false;
  }
  out.clear();
  for (size_t i = 0; i < v.size(); ++i) {
    int64_t id = 0;
    if (!ReadInt(v[i], key + "[" + std::to_string(i) + "]", 1, std::numeric_limits<int64_t>::max(), id, error))
      return false;
    out.push_back(id);
  }
  return true;
}

bool ReadRole(const json& v, const std::string& key, auth::Role& out, Reply& error) {
  std::string text;
  if (!ReadString(v, key, text, error)) return false;
  std::optional<auth::Role> r = auth::ParseRole(text);
  if (!r) {
    error = ErrorReply(400, "invalid_argument",
                       "role must be viewer, analyst, agent, lead or admin, got " + QuoteValue(text), key);
    return false;
  }
  out = *r;
  return true;
}

Reply UnknownKey(const std::string& key, std::string_view expected) {
  return ErrorReply(400, "invalid_argument", "unknown key " + QuoteValue(key) + "; expected " + std::string(expected),
                    key);
}

Reply NothingToChange(std::string_view expected) {
  return ErrorReply(400, "invalid_argument", "nothing to change: give at least one of " + std::string(expected),
                    "body");
}

// A directory error: "field: ..." messages name the field; NotFound of the
// path's record names "id".
Reply DirectoryReply(const base::Status& s) {
  if (s.code() == base::StatusCode::kNotFound) return StatusReply(s, "id");
  return FieldStatusReply(s);
}

std::optional<Reply> CheckNoParams(const httplib::Request& req, const RequestContext& ctx) {
  return ParamRefusal(QueryParams(req.params, ctx.route.query_params));
}

// `refused` when set; else the rows `list()` fetches, as {key: [to_json(row)...]}.
template <typename List, typename ToJson>
Reply Listing(std::optional<Reply> refused, const char* key, List list, ToJson to_json) {
  if (refused) return std::move(*refused);
  auto rows = list();
  if (!rows.ok()) return StatusReply(rows.status());
  return JsonReply({{key, JsonArray(*rows, to_json)}});
}

// `r` with "Cache-Control: no-store" (it holds a secret).
Reply NoStore(Reply r) {
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// Saves the changes of user `id` an update request made (its profile `u`
// when `profile`, its new `password`), ending the user's other sessions on
// a new password but `keep_session`; then the user as stored now.
Reply SaveUser(auth::Directory& dir, int64_t id, const auth::User* profile, const std::optional<std::string>& password,
               int64_t keep_session, const auth::Actor& actor) {
  if (profile != nullptr) {
    base::Result<auth::User> updated = dir.UpdateUser(*profile, actor);
    if (!updated.ok()) return DirectoryReply(updated.status());
  }
  if (password) {
    base::Status s = dir.SetPassword(id, *password, actor, keep_session);
    if (!s.ok()) return DirectoryReply(s);
  }
  base::Result<auth::User> fresh = dir.GetUser(id);
  if (!fresh.ok()) return StatusReply(fresh.status());
  return JsonReply(UserJson(*fresh));
}

bool MayManageUsers(const auth::Principal& p) { return auth::RoleAllows(p.role, auth::Permission::kManageUsers); }

// Applies the editable profile fields of `key` to `u`; false when `key`
// is not one of them. Sets `error` on a bad value.
bool ApplyProfileField(const std::string& key, const json& v, auth::User& u, bool admin_fields, Reply& error,
                       bool& ok) {
  ok = true;
  int64_t n = 0;
  if (key == "display_name") ok = ReadString(v, key, u.display_name, error);
  else if (key == "language") ok = ReadString(v, key, u.language, error);
  else if (key == "time_zone") ok = ReadString(v, key, u.time_zone, error);
  else if (admin_fields && key == "email") ok = ReadString(v, key, u.email, error);
  else if (admin_fields && key == "role") ok = ReadRole(v, key, u.role, error);
  else if (admin_fields && key == "disabled") ok = ReadBool(v, key, u.disabled, error);
  else if (admin_fields && key == "team_ids") ok = ReadIds(v, key, u.team_ids, error);
  else if (admin_fields && key == "capacity") {
    ok = ReadInt(v, key, 0, 1000, n, error);
    if (ok) u.capacity = static_cast<int>(n);
  } else {
    return false;
  }
  return true;
}

// Applies a team field; false when `key` is not one.
bool ApplyTeamField(const std::string& key, const json& v, auth::Team& t, Reply& error, bool& ok) {
  ok = true;
  if (key == "name") ok = ReadString(v, key, t.name, error);
  else if (key == "display_name") ok = ReadString(v, key, t.display_name, error);
  else if (key == "assignment") ok = ReadString(v, key, t.assignment, error);
  else if (key == "member_ids") ok = ReadIds(v, key, t.member_ids, error);
  else return false;
  return true;
}

constexpr std::string_view kUserKeys =
    "role, display_name, email, language, time_zone, capacity, disabled, password or team_ids";
constexpr std::string_view kTeamKeys = "name, display_name, assignment or member_ids";

}  // namespace

json UserJson(const auth::User& u) {
  return {{"id", u.id},
          {"login", u.login},
          {"display_name", u.display_name},
          {"email", u.email},
          {"role", auth::RoleName(u.role)},
          {"language", u.language},
          {"time_zone", u.time_zone},
          {"capacity", u.capacity},
          {"disabled", u.disabled},
          {"team_ids", u.team_ids},
          {"created_at", base::FormatTimestamp(u.created_at)},
          {"updated_at", base::FormatTimestamp(u.updated_at)},
          {"last_login_at", TimeOrNull(u.last_login_at)}};
}

json TeamJson(const auth::Team& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"display_name", t.display_name},
          {"assignment", t.assignment},
          {"member_ids", t.member_ids},
          {"created_at", base::FormatTimestamp(t.created_at)},
          {"updated_at", base::FormatTimestamp(t.updated_at)}};
}

json TokenJson(const auth::TokenInfo& t) {
  return {{"id", t.id},
          {"user_id", t.user_id},
          {"name", t.name},
          {"prefix", t.prefix},
          {"created_at", base::FormatTimestamp(t.created_at)},
          {"last_used_at", TimeOrNull(t.last_used_at)},
          {"expires_at", TimeOrNull(t.expires_at)}};
}

json AuditJson(const auth::AuditEntry& e) {
  return {{"id", e.id},
          {"at", base::FormatTimestamp(e.at)},
          {"actor", e.actor},
          {"action", e.action},
          {"target", e.target},
          {"detail", e.detail},
          {"client_ip", e.client_ip}};
}

std::string AuthApi::SessionCookie(const std::string& value, int64_t max_age_seconds) const {
  std::string c = std::string(auth::kSessionCookie) + "=" + value +
                  "; HttpOnly; SameSite=Strict; Path=/; Max-Age=" + std::to_string(max_age_seconds);
  if (secure_cookies_) c += "; Secure";
  return c;
}

// --- sign-in ---

Reply AuthApi::Login(const httplib::Request& req, const RequestContext& ctx) {
  if (auto refused = CheckNoParams(req, ctx)) return *refused;
  Reply error;
  std::optional<json> body = JsonObjectBody(req, "{\"login\", \"password\"}", error);
  if (!body) return error;
  std::optional<std::string> login, password;
  for (const auto& [key, value] : body->items()) {
    std::string text;
    if (key != "login" && key != "password") return UnknownKey(key, "login and password");
    if (!ReadString(value, key, text, error)) return error;
    (key == "login" ? login : password) = std::move(text);
  }
  if (!login || login->empty()) return ErrorReply(400, "invalid_argument", "login is required", "login");
  if (!password) return ErrorReply(400, "invalid_argument", "password is required", "password");
  base::Result<auth::SessionGrant> grant = auth_.Login(*login, *password, ctx.client_ip);
  if (!grant.ok()) {
    if (grant.status().code() == base::StatusCode::kUnauthenticated) return UnauthenticatedReply(grant.status().message());
    return StatusReply(grant.status());
  }
  Reply r = JsonReply({{"user", UserJson(grant->user)},
                       {"csrf_token", grant->csrf_token},
                       {"expires_at", base::FormatTimestamp(grant->expires_at)}});
  r.headers.emplace_back("Set-Cookie", SessionCookie(grant->session_token, auth_.options().session_max_ms / 1000));
  return NoStore(std::move(r));
}

Reply AuthApi::Logout(const httplib::Request& req, const RequestContext& ctx) {
  if (auto refused = CheckNoParams(req, ctx)) return *refused;
  const auth::Principal& me = ctx.user();
  if (me.via != "session")
    return ErrorReply(400, "invalid_argument",
                      "this request is signed with an API token: there is no session to end (revoke the token with "
                      "DELETE /api/v1/tokens/{id})",
                      "Authorization");
  base::Status s = auth_.EndSession(me.session_id, ctx.actor());
  if (!s.ok()) return StatusReply(s);
  Reply r = NoContentReply();
  r.headers.emplace_back("Set-Cookie", SessionCookie("", 0));
  return r;
}

Reply AuthApi::Me(const httplib::Request& req, const RequestContext& ctx) {
  if (auto refused = CheckNoParams(req, ctx)) return *refused;
  const auth::Principal& me = ctx.user();
  base::Result<auth::User> u = auth_.directory().GetUser(me.user_id);
  if (!u.ok()) return StatusReply(u.status());
  json permissions = json::array();
  for (int i = 0; i <= static_cast<int>(auth::Permission::kManageUsers); ++i) {
    const auto p = static_cast<auth::Permission>(i);
    if (p != auth::Permission::kNone && auth::RoleAllows(me.role, p)) permissions.push_back(auth::PermissionName(p));
  }
  json out = {{"user", UserJson(*u)}, {"permissions", std::move(permissions)}, {"via", me.via}};
  if (me.via == "session") {
    base::Result<std::string> csrf = auth_.CsrfToken(me.session_id);
    if (!csrf.ok()) return StatusReply(csrf.status());
    out["csrf_token"] = *csrf;
  } else {
    out["token_id"] = me.token_id;
  }
  return NoStore(JsonReply(out));
}

Reply AuthApi::UpdateMe(const httplib::Request& req, const RequestContext& ctx) {
  if (auto refused = CheckNoParams(req, ctx)) return *refused;
  const auth::Principal& me = ctx.user();
  Reply error;
  std::optional<json> body = JsonObjectBody(
      req, "{\"display_name\"?, \"language\"?, \"time_zone\"?, \"password\"?, \"current_password\"?}", error);
  if (!body) return error;
  auth::Directory& dir = auth_.directory();
  base::Result<auth::User> user = dir.GetUser(me.user_id);
  if (!user.ok()) return StatusReply(user.status());
  auth::User u = *user;
  bool profile = false;
  std::optional<std::string> password, current;
  for (const auto& [key, value] : body->items()) {
    bool ok = true;
    if (ApplyProfileField(key, value, u, /*admin_fields=*/false, error, ok)) {
      profile = true;
    } else if (key == "password" || key == "current_password") {
      std::string text;
      ok = ReadString(value, key, text, error);
      (key == "password" ? password : current) = std::move(text);
    } else {
      return UnknownKey(key, "display_name, language, time_zone, password (with current_password)");
    }
    if (!ok) return error;
  }
  if (!profile && !password) return NothingToChange("display_name, language, time_zone or password");
  if (password) {
    if (!current)
      return ErrorReply(400, "invalid_argument", "current_password is required to change the password",
                        "current_password");
    base::Status policy = auth::CheckPasswordPolicy(*password);
    if (!policy.ok()) return FieldStatusReply(policy);
    base::Result<std::string> hash = dir.PasswordHash(me.user_id);
    if (!hash.ok()) return StatusReply(hash.status());
    if (!auth::VerifyPassword(*hash, *current))
      return ErrorReply(400, "invalid_argument", "current_password does not match", "current_password");
  }
  return SaveUser(dir, me.user_id, profile ? &u : nullptr, password, me.session_id, ctx.actor());
}

// --- users ---

Reply AuthApi::ListUsers(const httplib::Request& req, const RequestContext& ctx) {
  return Listing(CheckNoParams(req, ctx), "users", [&] { return auth_.directory().ListUsers(); }, UserJson);
}

Reply AuthApi::GetUser(const httplib::Request& req, const RequestContext& ctx) {
  return WithPathId(CheckNoParams(req, ctx), req, [&](int64_t id) {
    base::Result<auth::User> u = auth_.directory().GetUser(id);
    return u.ok() ? JsonReply(UserJson(*u)) : DirectoryReply(u.status());
  });
}

Reply AuthApi::CreateUser(const httplib::Request& req, const RequestContext& ctx) {
  if (auto refused = CheckNoParams(req, ctx)) return *refused;
  Reply error;
  std::optional<json> body = JsonObjectBody(req, "a user: {\"login\", \"role\", ...}", error);
  if (!body) return error;
  auth::User u;
  bool has_role = false;
  std::optional<std::string> password;
  for (const auto& [key, value] : body->items()) {
    bool ok = true;
    if (ApplyProfileField(key, value, u, /*admin_fields=*/true, error, ok)) {
      has_role = has_role || key == "role";
    } else if (key == "login") {
      ok = ReadString(value, key, u.login, error);
    } else if (key == "password") {
      std::string text;
      ok = ReadString(value, key, text, error);
      password = std::move(text);
    } else {
      return UnknownKey(key, "login, " + std::string(kUserKeys));
    }
    if (!ok) return error;
  }
  if (u.login.empty()) return ErrorReply(400, "invalid_argument", "login is required", "login");
  if (!has_role)
    return ErrorReply(400, "invalid_argument", "role is required: viewer, analyst, agent, lead or admin", "role");
  const bool generated = !password.has_value();
  if (generated) password = auth::GeneratePassword();
  base::Result<auth::User> created = auth_.directory().CreateUser(u, *password, ctx.actor());
  if (!created.ok()) return FieldStatusReply(created.status());
  json out = UserJson(*created);
  if (generated) out["generated_password"] = *password;
  return NoStore(JsonReply(out, 201));
}

Reply AuthApi::UpdateUser(const httplib::Request& req, const RequestContext& ctx) {
  return WithPathId(CheckNoParams(req, ctx), req, [&](int64_t id) { return ChangeUser(req, ctx, id); });
}

Reply AuthApi::ChangeUser(const httplib::Request& req, const RequestContext& ctx, int64_t id) {
  Reply error;
  std::optional<json> body = JsonObjectBody(req, "{" + std::string(kUserKeys) + "}", error);
  if (!body) return error;
  auth::Directory& dir = auth_.directory();
  base::Result<auth::User> user = dir.GetUser(id);
  if (!user.ok()) return DirectoryReply(user.status());
  auth::User u = *user;
  bool profile = false;
  std::optional<std::string> password;
  for (const auto& [key, value] : body->items()) {
    bool ok = true;
    if (ApplyProfileField(key, value, u, /*admin_fields=*/true, error, ok)) {
      profile = true;
    } else if (key == "password") {
      std::string text;
      ok = ReadString(value, key, text, error);
      password = std::move(text);
    } else {
      return UnknownKey(key, kUserKeys);
    }
    if (!ok) return error;
  }
  if (!profile && !password) return NothingToChange(kUserKeys);
  if (password) {
    base::Status policy = auth::CheckPasswordPolicy(*password);
    if (!policy.ok()) return FieldStatusReply(policy);
  }
  const auth::Principal& me = ctx.user();
  return SaveUser(dir, id, profile ? &u : nullptr, password, id == me.user_id ? me.session_id : 0, ctx.actor());
}

Reply AuthApi::DeleteUser(const httplib::Request& req, const RequestContext& ctx) {
  return WithPathId(CheckNoParams(req, ctx), req, [&](int64_t id) {
    if (id == ctx.user().user_id)
      return ErrorReply(409, "failed_precondition", "you cannot delete your own account", "id");
    base::Status s = auth_.directory().DeleteUser(id, ctx.actor());
    return s.ok() ? NoContentReply() : DirectoryReply(s);
  });
}

// --- teams ---

Reply AuthApi::ListTeams(const httplib::Request& req, const RequestContext& ctx) {
  return Listing(CheckNoParams(req, ctx), "teams", [&] { return auth_.directory().ListTeams(); }, TeamJson);
}

Reply AuthApi::GetTeam(const httplib::Request& req, const RequestContext& ctx) {
  return WithPathId(CheckNoParams(req, ctx), req, [&](int64_t id) {
    base::Result<auth::Team> t = auth_.directory().GetTeam(id);
    return t.ok() ? JsonReply(TeamJson(*t)) : DirectoryReply(t.status());
  });
}

Reply AuthApi::CreateTeam(const httplib::Request& req, const RequestContext& ctx) {
  if (auto refused = CheckNoParams(req, ctx)) return *refused;
  Reply error;
  std::optional<json> body = JsonObjectBody(req, "a team: {\"name\", ...}", error);
  if (!body) return error;
  auth::Team t;
  for (const auto& [key, value] : body->items()) {
    bool ok = true;
    if (!ApplyTeamField(key, value, t, error, ok)) return UnknownKey(key, kTeamKeys);
    if (!ok) return error;
  }
  if (t.name.empty()) return ErrorReply(400, "invalid_argument", "name is required", "name");
  base::Result<auth::Team> created = auth_.directory().CreateTeam(t, ctx.actor());
  if (!created.ok()) return FieldStatusReply(created.status());
  return JsonReply(TeamJson(*created), 201);
}

Reply AuthApi::UpdateTeam(const httplib::Request& req, const RequestContext& ctx) {
  return WithPathId(CheckNoParams(req, ctx), req, [&](int64_t id) { return ChangeTeam(req, ctx, id); });
}

Reply AuthApi::ChangeTeam(const httplib::Request& req, const RequestContext& ctx, int64_t id) {
  Reply error;
  std::optional<json> body = JsonObjectBody(req, "{" + std::string(kTeamKeys) + "}", error);
  if (!body) return error;
  base::Result<auth::Team> team = auth_.directory().GetTeam(id);
  if (!team.ok()) return DirectoryReply(team.status());
  auth::Team t = *team;
  if (body->empty()) return NothingToChange(kTeamKeys);
  for (const auto& [key, value] : body->items()) {
    bool ok = true;
    if (!ApplyTeamField(key, value, t, error, ok)) return UnknownKey(key, kTeamKeys);
    if (!ok) return error;
  }
  base::Result<auth::Team> updated = auth_.directory().UpdateTeam(t, ctx.actor());
  if (!updated.ok()) return DirectoryReply(updated.status());
  return JsonReply(TeamJson(*updated));
}

Reply AuthApi::DeleteTeam(const httplib::Request& req, const RequestContext& ctx) {
  return WithPathId(CheckNoParams(req, ctx), req, [&](int64_t id) {
    base::Status s = auth_.directory().DeleteTeam(id, ctx.actor());
    return s.ok() ? NoContentReply() : DirectoryReply(s);
  });
}

// --- API tokens ---

Reply AuthApi::ListTokens(const httplib::Request& req, const RequestContext& ctx) {
  QueryParams p(req.params, ctx.route.query_params);
  const auth::Principal& me = ctx.user();
  const int64_t user = p.Int("user", me.user_id, 1, std::numeric_limits<int64_t>::max());
  if (p.error()) return ParamReply(*p.error());
  if (user != me.user_id && !MayManageUsers(me))
    return ErrorReply(403, "permission_denied",
                      "permission manage_users needed to list another user's tokens: " + me.login + " has role " +
                          std::string(auth::RoleName(me.role)),
                      "user");
  base::Result<std::vector<auth::TokenInfo>> tokens = auth_.directory().ListTokens(user);
  if (!tokens.ok()) return StatusReply(tokens.status());
  return JsonReply({{"tokens", JsonArray(*tokens, TokenJson)}});
}

Reply AuthApi::CreateToken(const httplib::Request& req, const RequestContext& ctx) {
  if (auto refused = CheckNoParams(req, ctx)) return *refused;
  Reply error;
  std::optional<json> body = JsonObjectBody(req, "{\"name\", \"expires_days\"?}", error);
  if (!body) return error;
  std::optional<std::string> name;
  std::optional<base::Timestamp> expires;
  for (const auto& [key, value] : body->items()) {
    if (key == "name") {
      std::string text;
      if (!ReadString(value, key, text, error)) return error;
      name = std::move(text);
    } else if (key == "expires_days") {
      int64_t days = 0;
      if (!value.is_null()) {
        if (!ReadInt(value, key, 1, kMaxTokenDays, days, error)) return error;
        expires = auth_.clock().Now() + days * 24 * 3'600'000;
      }
    } else {
      return UnknownKey(key, "name and expires_days");
    }
  }
  if (!name || name->empty()) return ErrorReply(400, "invalid_argument", "name is required", "name");
  base::Result<auth::CreatedToken> created = auth_.CreateToken(ctx.user().user_id, *name, expires, ctx.actor());
  if (!created.ok()) return FieldStatusReply(created.status());
  json out = TokenJson(created->info);
  out["token"] = created->token;
  return NoStore(JsonReply(out, 201));
}

Reply AuthApi::DeleteToken(const httplib::Request& req, const RequestContext& ctx) {
  return WithPathId(CheckNoParams(req, ctx), req, [&](int64_t id) {
    const auth::Principal& me = ctx.user();
    base::Result<auth::TokenInfo> t = auth_.directory().GetToken(id);
    // Another user's token is as unknown as a missing one (unless the caller manages users).
    if (!t.ok() || (t->user_id != me.user_id && !MayManageUsers(me))) {
      if (t.ok() || t.status().code() == base::StatusCode::kNotFound)
        return ErrorReply(404, "not_found", "token " + std::to_string(id) + ": no such token", "id");
      return StatusReply(t.status());
    }
    base::Status s = auth_.RevokeToken(id, ctx.actor());
    return s.ok() ? NoContentReply() : DirectoryReply(s);
  });
}

// --- audit ---

Reply AuthApi::Audit(const httplib::Request& req, const RequestContext& ctx) {
  QueryParams p(req.params, ctx.route.query_params);
  auth::AuditFilter f;
  f.actor = p.String("actor").value_or("");
  f.action = p.String("action").value_or("");
  f.target = p.String("target").value_or("");
  const QueryParams::IdPage page = p.ReadIdPage(kDefaultLimit, kMaxLimit);
  if (p.error()) return ParamReply(*p.error());
  f.since = page.since.value_or(0);
  f.until = page.until.value_or(0);
  f.before_id = page.before_id;
  f.limit = page.limit;
  base::Result<std::vector<auth::AuditEntry>> entries = auth_.directory().Audit(f);
  if (!entries.ok()) return StatusReply(entries.status());
  return JsonReply({{"entries", JsonArray(*entries, AuditJson)}, {"next_before_id", NextPageId(*entries, f.limit)}});
}

}  // namespace ecoute::api
