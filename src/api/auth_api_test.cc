// The account routes over HTTP (/api/v1/auth/..., /users, /teams, /tokens,
// /audit) and the server's authentication gate (401 / 403 shapes, cookie
// sessions with their CSRF token), against the real SQLite store and an
// in-memory directory driven by a FakeClock. Every route with every role:
// authz_test.cc.
#include <gtest/gtest.h>
#include <httplib.h>

#include <string>

#include <nlohmann/json.hpp>

#include "api/api_testing.h"
#include "api/server.h"
#include "ingest/input.h"
#include "store/sqlite_store.h"

namespace ecoute::api {
namespace {

using nlohmann::json;

base::Timestamp T(const char* s) { return *base::ParseTimestamp(s); }

struct Answer {
  int status = 0;
  json body;
  httplib::Headers headers;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? std::string() : it->second;
  }
};

class AuthApiTest : public ::testing::Test {
 protected:
  void SetUp() override { Start(ServerOptions{}); }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  void Start(ServerOptions o) {
    if (server_) server_->Stop();
    if (!store_) {
      ASSERT_NO_FATAL_FAILURE(testing::OpenMemoryStore(store_));
    }
    server_ = std::make_unique<Server>(testing::LocalServerOptions(4, std::move(o)), *store_,
                                       testing::ReadOnlyIngest(), ingest::MakeJsonDecoder(), &auth_.authenticator(),
                                       metrics_, clock_);
    ASSERT_TRUE(server_->Start().ok());
  }

  // One request with exactly `headers` (plus Content-Type for a body).
  Answer Send(const std::string& method, const std::string& path, const std::string& body = "",
              httplib::Headers headers = {}) {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(10);
    const char* type = "application/json";
    httplib::Result r = method == "POST"     ? c.Post(path.c_str(), headers, body, type)
                        : method == "PATCH"  ? c.Patch(path.c_str(), headers, body, type)
                        : method == "PUT"    ? c.Put(path.c_str(), headers, body, type)
                        : method == "DELETE" ? c.Delete(path.c_str(), headers)
                                             : c.Get(path.c_str(), headers);
    Answer a;
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return a;
    a.status = r->status;
    a.headers = r->headers;
    if (!r->body.empty()) a.body = json::parse(r->body, nullptr, false);
    return a;
  }

  // A request with `token` as the bearer token.
  Answer As(const std::string& token, const std::string& method, const std::string& path,
            const std::string& body = "") {
    return Send(method, path, body, testing::TestAuth::Bearer(token));
  }
  Answer Admin(const std::string& method, const std::string& path, const std::string& body = "") {
    return As(auth_.admin_token(), method, path, body);
  }

  // Signs in; returns {cookie header value, csrf token}.
  std::pair<std::string, std::string> SignIn(const std::string& login, const std::string& password) {
    Answer a = Send("POST", "/api/v1/auth/login", json{{"login", login}, {"password", password}}.dump());
    EXPECT_EQ(a.status, 200) << a.body.dump();
    std::string cookie = a.header("Set-Cookie");
    cookie = cookie.substr(0, cookie.find(';'));
    return {cookie, a.body.value("csrf_token", "")};
  }

  base::FakeClock clock_{T("2024-06-01T09:00:00Z")};
  testing::TestAuth auth_{&clock_};
  base::MetricsRegistry metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Server> server_;
};

TEST_F(AuthApiTest, NothingButHealthAndLoginIsOpen) {
  Answer a = Send("GET", "/api/v1/mentions");
  EXPECT_EQ(a.status, 401);
  EXPECT_EQ(a.header("WWW-Authenticate"), "Bearer realm=\"ecoute\"");
  EXPECT_EQ(a.body["error"]["code"], "unauthenticated");
  EXPECT_NE(a.body["error"]["message"].get<std::string>().find("sign in first"), std::string::npos);
  EXPECT_EQ(Send("GET", "/metrics").status, 401);
  EXPECT_EQ(Send("GET", "/healthz").status, 200);
  Answer bad = Send("GET", "/api/v1/mentions", "", {{"Authorization", "Bearer ect_nope"}});
  EXPECT_EQ(bad.status, 401);
  EXPECT_EQ(bad.body["error"]["message"], "unknown API token");
  EXPECT_EQ(Admin("GET", "/api/v1/mentions").status, 200);
}

TEST_F(AuthApiTest, ForbiddenNamesThePermissionAndTheRole) {
  const std::string viewer = auth_.AddUserWithToken("vera", auth::Role::kViewer);
  EXPECT_EQ(As(viewer, "GET", "/api/v1/mentions").status, 200);
  Answer a = As(viewer, "POST", "/api/v1/queries", R"({"name":"x","query":"colis"})");
  EXPECT_EQ(a.status, 403);
  EXPECT_EQ(a.body["error"]["code"], "permission_denied");
  EXPECT_EQ(a.body["error"]["message"], "permission manage_queries needed: vera has role viewer (docs/auth.md)");
}

TEST_F(AuthApiTest, LoginSetsTheSessionCookieAndMeAnswersWithTheCsrfToken) {
  Answer a = Send("POST", "/api/v1/auth/login", R"({"login":"Admin","password":"test-password-1"})");
  ASSERT_EQ(a.status, 200) << a.body.dump();
  const std::string set_cookie = a.header("Set-Cookie");
  EXPECT_EQ(set_cookie.rfind("ecoute_session=ecs_", 0), 0u) << set_cookie;
  EXPECT_NE(set_cookie.find("; HttpOnly; SameSite=Strict; Path=/; Max-Age=604800"), std::string::npos) << set_cookie;
  EXPECT_EQ(set_cookie.find("Secure"), std::string::npos);
  EXPECT_EQ(a.header("Cache-Control"), "no-store");
  EXPECT_EQ(a.body["user"]["login"], "admin");
  EXPECT_EQ(a.body["user"]["role"], "admin");
  EXPECT_EQ(a.body["user"]["last_login_at"], "2024-06-01T09:00:00Z");
  EXPECT_FALSE(a.body["user"].contains("password_hash"));
  EXPECT_EQ(a.body["expires_at"], "2024-06-08T09:00:00Z");
  const std::string csrf = a.body["csrf_token"];
  const std::string cookie = set_cookie.substr(0, set_cookie.find(';'));

  Answer me = Send("GET", "/api/v1/auth/me", "", {{"Cookie", cookie}});
  ASSERT_EQ(me.status, 200) << me.body.dump();
  EXPECT_EQ(me.body["user"]["login"], "admin");
  EXPECT_EQ(me.body["via"], "session");
  EXPECT_EQ(me.body["csrf_token"], csrf);
  EXPECT_EQ(me.body["permissions"].size(), 14u) << "every permission but none";
  EXPECT_EQ(me.body["permissions"].back(), "manage_users");

  // Unsafe methods need the CSRF token with a cookie.
  Answer no_csrf = Send("POST", "/api/v1/auth/logout", "", {{"Cookie", cookie}});
  EXPECT_EQ(no_csrf.status, 403);
  EXPECT_EQ(no_csrf.body["error"]["message"], "missing or wrong X-CSRF-Token");
  EXPECT_EQ(no_csrf.body["error"]["field"], "X-CSRF-Token");
  Answer out = Send("POST", "/api/v1/auth/logout", "", {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 204);
  EXPECT_NE(out.header("Set-Cookie").find("ecoute_session=; HttpOnly; SameSite=Strict; Path=/; Max-Age=0"),
            std::string::npos)
      << out.header("Set-Cookie");
  EXPECT_EQ(Send("GET", "/api/v1/auth/me", "", {{"Cookie", cookie}}).status, 401);
  // A token has no session to end.
  EXPECT_EQ(Admin("POST", "/api/v1/auth/logout").body["error"]["field"], "Authorization");
  Answer by_token = Admin("GET", "/api/v1/auth/me");
  EXPECT_EQ(by_token.body["via"], "token");
  EXPECT_FALSE(by_token.body.contains("csrf_token"));
}

TEST_F(AuthApiTest, SecureCookiesWhenConfigured) {
  ServerOptions o;
  o.secure_cookies = true;
  Start(o);
  Answer a = Send("POST", "/api/v1/auth/login", R"({"login":"admin","password":"test-password-1"})");
  ASSERT_EQ(a.status, 200);
  EXPECT_NE(a.header("Set-Cookie").find("; Secure"), std::string::npos) << a.header("Set-Cookie");
}

TEST_F(AuthApiTest, LoginErrors) {
  Answer wrong = Send("POST", "/api/v1/auth/login", R"({"login":"admin","password":"wrong-password"})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.body["error"]["message"], "invalid login or password");
  EXPECT_EQ(Send("POST", "/api/v1/auth/login", R"({"password":"x"})").body["error"]["field"], "login");
  EXPECT_EQ(Send("POST", "/api/v1/auth/login", R"({"login":"admin"})").body["error"]["field"], "password");
  EXPECT_EQ(Send("POST", "/api/v1/auth/login", R"({"login":"admin","password":"x","otp":1})").body["error"]["field"],
            "otp");
  EXPECT_EQ(Send("POST", "/api/v1/auth/login", R"({"login":5,"password":"x"})").body["error"]["field"], "login");
  EXPECT_EQ(Send("POST", "/api/v1/auth/login", "[]").body["error"]["field"], "body");
  for (int i = 0; i < 4; ++i) Send("POST", "/api/v1/auth/login", R"({"login":"admin","password":"wrong-password"})");
  Answer locked = Send("POST", "/api/v1/auth/login", R"({"login":"admin","password":"test-password-1"})");
  EXPECT_EQ(locked.status, 429);
  EXPECT_EQ(locked.body["error"]["code"], "resource_exhausted");
  EXPECT_EQ(locked.body["error"]["message"], "too many failed logins for admin; retry in 900 s");
}

TEST_F(AuthApiTest, UsersChangeTheirOwnProfileAndPassword) {
  auth_.AddUser("nina", auth::Role::kAgent, "nina-password");
  auto [cookie, csrf] = SignIn("nina", "nina-password");
  httplib::Headers h = {{"Cookie", cookie}, {"X-CSRF-Token", csrf}};
  Answer a = Send("PATCH", "/api/v1/auth/me", R"({"display_name":"Nina R.","language":"en"})", h);
  ASSERT_EQ(a.status, 200) << a.body.dump();
  EXPECT_EQ(a.body["display_name"], "Nina R.");
  EXPECT_EQ(a.body["language"], "en");
  EXPECT_EQ(Send("PATCH", "/api/v1/auth/me", R"({"role":"admin"})", h).body["error"]["field"], "role");
  EXPECT_EQ(Send("PATCH", "/api/v1/auth/me", R"({})", h).body["error"]["field"], "body");
  EXPECT_EQ(Send("PATCH", "/api/v1/auth/me", R"({"time_zone":"Mars/Base"})", h).body["error"]["field"], "time_zone");
  EXPECT_EQ(Send("PATCH", "/api/v1/auth/me", R"({"password":"a new long password"})", h).body["error"]["field"],
            "current_password");
  Answer wrong = Send("PATCH", "/api/v1/auth/me",
                      R"({"password":"a new long password","current_password":"guess-guess"})", h);
  EXPECT_EQ(wrong.status, 400);
  EXPECT_EQ(wrong.body["error"]["field"], "current_password");
  Answer weak = Send("PATCH", "/api/v1/auth/me", R"({"password":"short","current_password":"nina-password"})", h);
  EXPECT_EQ(weak.body["error"]["field"], "password");
  EXPECT_EQ(weak.body["error"]["message"], "password: must be at least 10 characters, got 5");
  Answer ok = Send("PATCH", "/api/v1/auth/me",
                   R"({"password":"a new long password","current_password":"nina-password"})", h);
  EXPECT_EQ(ok.status, 200) << ok.body.dump();
  EXPECT_EQ(Send("GET", "/api/v1/auth/me", "", h).status, 200) << "the session that changed it stays";
  EXPECT_EQ(Send("POST", "/api/v1/auth/login", R"({"login":"nina","password":"nina-password"})").status, 401);
  EXPECT_EQ(Send("POST", "/api/v1/auth/login", R"({"login":"nina","password":"a new long password"})").status, 200);
}

TEST_F(AuthApiTest, AdminsManageUsers) {
  Answer created = Admin("POST", "/api/v1/users", R"({"login":"Paul","role":"agent","email":"paul@example.org"})");
  ASSERT_EQ(created.status, 201) << created.body.dump();
  EXPECT_EQ(created.body["login"], "paul");
  EXPECT_EQ(created.body["role"], "agent");
  EXPECT_EQ(created.body["capacity"], 10);
  EXPECT_TRUE(created.body["last_login_at"].is_null());
  const std::string generated = created.body["generated_password"];
  EXPECT_EQ(generated.size(), 20u);
  const int64_t id = created.body["id"];
  const std::string path = "/api/v1/users/" + std::to_string(id);
  EXPECT_EQ(Send("POST", "/api/v1/auth/login", json{{"login", "paul"}, {"password", generated}}.dump()).status, 200);

  Answer dup = Admin("POST", "/api/v1/users", R"({"login":"paul","role":"viewer","password":"long enough pw"})");
  EXPECT_EQ(dup.status, 409);
  EXPECT_EQ(dup.body["error"]["field"], "login");
  Answer role = Admin("POST", "/api/v1/users", R"({"login":"x","role":"boss"})");
  EXPECT_EQ(role.body["error"]["field"], "role");
  EXPECT_NE(role.body["error"]["message"].get<std::string>().find("viewer, analyst, agent, lead or admin"),
            std::string::npos);
  EXPECT_EQ(Admin("POST", "/api/v1/users", R"({"role":"viewer"})").body["error"]["field"], "login");
  EXPECT_EQ(Admin("POST", "/api/v1/users", R"({"login":"y"})").body["error"]["field"], "role");
  EXPECT_EQ(Admin("POST", "/api/v1/users", R"({"login":"y","role":"viewer","password":"short"})").body["error"]["field"],
            "password");
  EXPECT_EQ(Admin("POST", "/api/v1/users", R"({"login":"bad login","role":"viewer"})").body["error"]["field"], "login");
  EXPECT_EQ(Admin("POST", "/api/v1/users", R"({"login":"y","role":"viewer","capacity":5000})").body["error"]["field"],
            "capacity");
  Answer given = Admin("POST", "/api/v1/users", R"({"login":"quinn","role":"viewer","password":"quinn-password"})");
  EXPECT_EQ(given.status, 201);
  EXPECT_FALSE(given.body.contains("generated_password"));

  Answer patched = Admin("PATCH", path, R"({"role":"lead","capacity":25,"time_zone":"UTC","display_name":"Paul M."})");
  ASSERT_EQ(patched.status, 200) << patched.body.dump();
  EXPECT_EQ(patched.body["role"], "lead");
  EXPECT_EQ(patched.body["capacity"], 25);
  EXPECT_EQ(Admin("PATCH", path, R"({"login":"pierre"})").body["error"]["field"], "login");
  EXPECT_EQ(Admin("PATCH", path, R"({"team_ids":[77]})").body["error"]["field"], "team_ids");
  EXPECT_EQ(Admin("PATCH", path, R"({"team_ids":"1"})").body["error"]["field"], "team_ids");
  EXPECT_EQ(Admin("PATCH", "/api/v1/users/9999", R"({"capacity":1})").status, 404);
  EXPECT_EQ(Admin("GET", path).body["display_name"], "Paul M.");
  EXPECT_EQ(Admin("GET", "/api/v1/users").body["users"].size(), 3u);

  // Disabling ends what the user holds; a new password too.
  const std::string paul_token = [&] {
    auto t = auth_.authenticator().CreateToken(id, "script", std::nullopt, auth::Actor("paul"));
    return t.ok() ? t->token : std::string();
  }();
  EXPECT_EQ(As(paul_token, "GET", "/api/v1/users").status, 200);
  EXPECT_EQ(Admin("PATCH", path, R"({"disabled":true})").status, 200);
  Answer refused = As(paul_token, "GET", "/api/v1/users");
  EXPECT_EQ(refused.status, 401);
  EXPECT_EQ(refused.body["error"]["message"], "account paul is disabled");
  EXPECT_EQ(Admin("PATCH", path, R"({"disabled":false,"password":"a password for paul"})").status, 200);
  EXPECT_EQ(Send("POST", "/api/v1/auth/login", R"({"login":"paul","password":"a password for paul"})").status, 200);

  // The last admin stays; nobody deletes their own account.
  const int64_t admin_id = Admin("GET", "/api/v1/auth/me").body["user"]["id"];
  const std::string admin_path = "/api/v1/users/" + std::to_string(admin_id);
  Answer demote = Admin("PATCH", admin_path, R"({"role":"lead"})");
  EXPECT_EQ(demote.status, 409);
  EXPECT_EQ(demote.body["error"]["field"], "role");
  EXPECT_EQ(Admin("DELETE", admin_path).status, 409);
  EXPECT_EQ(Admin("DELETE", path).status, 204);
  EXPECT_EQ(Admin("GET", path).status, 404);
  EXPECT_EQ(Admin("DELETE", path).status, 404);
}

TEST_F(AuthApiTest, AgentsReadUsersAndTeamsLeadsManageTeams) {
  const std::string agent = auth_.AddUserWithToken("agent1", auth::Role::kAgent);
  const std::string lead = auth_.AddUserWithToken("lead", auth::Role::kLead);
  const std::string viewer = auth_.AddUserWithToken("viewer", auth::Role::kViewer);
  const int64_t agent_id = auth_.directory().FindUser("agent1")->id;
  EXPECT_EQ(As(agent, "GET", "/api/v1/users").status, 200);
  EXPECT_EQ(As(viewer, "GET", "/api/v1/users").status, 403);
  Answer no = As(agent, "POST", "/api/v1/users", R"({"login":"z","role":"admin"})");
  EXPECT_EQ(no.status, 403);
  EXPECT_EQ(no.body["error"]["message"], "permission manage_users needed: agent1 has role agent (docs/auth.md)");
  EXPECT_EQ(As(lead, "PATCH", "/api/v1/users/" + std::to_string(agent_id), R"({"capacity":1})").status, 403);

  Answer team = As(lead, "POST", "/api/v1/teams",
                   json{{"name", "care"}, {"display_name", "Service client"}, {"member_ids", {agent_id}}}.dump());
  ASSERT_EQ(team.status, 201) << team.body.dump();
  EXPECT_EQ(team.body["assignment"], "round_robin");
  EXPECT_EQ(team.body["member_ids"], json::array({agent_id}));
  const std::string tpath = "/api/v1/teams/" + team.body["id"].dump();
  EXPECT_EQ(As(agent, "POST", "/api/v1/teams", R"({"name":"x"})").status, 403);
  EXPECT_EQ(As(agent, "GET", tpath).body["display_name"], "Service client");
  EXPECT_EQ(As(agent, "GET", "/api/v1/users/" + std::to_string(agent_id)).body["team_ids"],
            json::array({team.body["id"]}));
  EXPECT_EQ(As(lead, "POST", "/api/v1/teams", R"({"name":"care"})").status, 409);
  EXPECT_EQ(As(lead, "POST", "/api/v1/teams", R"({"name":"x","assignment":"lottery"})").body["error"]["field"],
            "assignment");
  EXPECT_EQ(As(lead, "POST", "/api/v1/teams", R"({"display_name":"x"})").body["error"]["field"], "name");
  Answer up = As(lead, "PATCH", tpath, R"({"assignment":"least_loaded","member_ids":[]})");
  ASSERT_EQ(up.status, 200) << up.body.dump();
  EXPECT_EQ(up.body["member_ids"], json::array());
  EXPECT_EQ(As(lead, "PATCH", tpath, R"({"member_ids":[12345]})").body["error"]["field"], "member_ids");
  EXPECT_EQ(As(agent, "GET", "/api/v1/teams").body["teams"].size(), 1u);
  EXPECT_EQ(As(lead, "DELETE", tpath).status, 204);
  EXPECT_EQ(As(agent, "GET", tpath).status, 404);
}

TEST_F(AuthApiTest, EveryoneManagesTheirOwnTokens) {
  const std::string viewer = auth_.AddUserWithToken("vic", auth::Role::kViewer);
  const int64_t vic = auth_.directory().FindUser("vic")->id;
  Answer created = As(viewer, "POST", "/api/v1/tokens", R"({"name":"grafana","expires_days":30})");
  ASSERT_EQ(created.status, 201) << created.body.dump();
  const std::string token = created.body["token"];
  EXPECT_EQ(token.rfind("ect_", 0), 0u);
  EXPECT_EQ(created.body["prefix"], token.substr(4, 8));
  EXPECT_EQ(created.body["expires_at"], "2024-07-01T09:00:00Z");
  EXPECT_EQ(created.body["user_id"], vic);
  EXPECT_EQ(As(token, "GET", "/api/v1/stats/summary").status, 200);

  Answer mine = As(viewer, "GET", "/api/v1/tokens");
  ASSERT_EQ(mine.status, 200);
  ASSERT_EQ(mine.body["tokens"].size(), 2u);
  EXPECT_EQ(mine.body["tokens"][0]["name"], "grafana");
  EXPECT_FALSE(mine.body["tokens"][0].contains("token")) << "the secret is shown once";
  EXPECT_FALSE(mine.body["tokens"][1]["last_used_at"].is_null());

  EXPECT_EQ(As(viewer, "POST", "/api/v1/tokens", R"({"expires_days":3})").body["error"]["field"], "name");
  EXPECT_EQ(As(viewer, "POST", "/api/v1/tokens", R"({"name":"x","expires_days":0})").body["error"]["field"],
            "expires_days");
  EXPECT_EQ(As(viewer, "POST", "/api/v1/tokens", R"({"name":"x","user_id":1})").body["error"]["field"], "user_id");

  // Other users' tokens: admins only.
  const int64_t admin = Admin("GET", "/api/v1/auth/me").body["user"]["id"];
  const int64_t admin_token_id = Admin("GET", "/api/v1/tokens").body["tokens"][0]["id"];
  Answer peek = As(viewer, "GET", "/api/v1/tokens?user=" + std::to_string(admin));
  EXPECT_EQ(peek.status, 403);
  EXPECT_EQ(peek.body["error"]["field"], "user");
  EXPECT_EQ(As(viewer, "DELETE", "/api/v1/tokens/" + std::to_string(admin_token_id)).status, 404);
  EXPECT_EQ(Admin("GET", "/api/v1/tokens?user=" + std::to_string(vic)).body["tokens"].size(), 2u);
  EXPECT_EQ(Admin("GET", "/api/v1/tokens?user=abc").body["error"]["field"], "user");

  const int64_t grafana = created.body["id"];
  EXPECT_EQ(Admin("DELETE", "/api/v1/tokens/" + std::to_string(grafana)).status, 204);
  Answer revoked = As(token, "GET", "/api/v1/stats/summary");
  EXPECT_EQ(revoked.status, 401);
  EXPECT_EQ(revoked.body["error"]["message"].get<std::string>().rfind("API token \"grafana\" was revoked", 0), 0u);
  // Revoking one's own token, even the one in use.
  const int64_t own = As(viewer, "GET", "/api/v1/tokens").body["tokens"][0]["id"];
  EXPECT_EQ(As(viewer, "DELETE", "/api/v1/tokens/" + std::to_string(own)).status, 204);
  EXPECT_EQ(As(viewer, "GET", "/api/v1/tokens").status, 401);
}

TEST_F(AuthApiTest, TheAuditLogIsForAdmins) {
  const std::string viewer = auth_.AddUserWithToken("val", auth::Role::kViewer);
  Send("POST", "/api/v1/auth/login", R"({"login":"val","password":"wrong-password"})");
  Send("POST", "/api/v1/auth/login", R"({"login":"val","password":"test-password-1"})");
  EXPECT_EQ(As(viewer, "GET", "/api/v1/audit").status, 403);
  Answer log = Admin("GET", "/api/v1/audit?action=login.&limit=1");
  ASSERT_EQ(log.status, 200) << log.body.dump();
  ASSERT_EQ(log.body["entries"].size(), 1u);
  EXPECT_EQ(log.body["entries"][0]["action"], "login.ok");
  EXPECT_EQ(log.body["entries"][0]["actor"], "val");
  EXPECT_EQ(log.body["entries"][0]["client_ip"], "127.0.0.1");
  ASSERT_FALSE(log.body["next_before_id"].is_null());
  Answer older = Admin("GET", "/api/v1/audit?action=login.&before_id=" + log.body["next_before_id"].dump());
  ASSERT_EQ(older.body["entries"].size(), 1u);
  EXPECT_EQ(older.body["entries"][0]["action"], "login.failed");
  EXPECT_TRUE(older.body["next_before_id"].is_null());
  EXPECT_EQ(Admin("GET", "/api/v1/audit?target=user:val").body["entries"].size(), 3u);  // created, 2 logins
  EXPECT_EQ(Admin("GET", "/api/v1/audit?since=tomorrow").body["error"]["field"], "since");
  EXPECT_EQ(Admin("GET", "/api/v1/audit?colour=red").body["error"]["field"], "colour");
}

}  // namespace
}  // namespace ecoute::api
