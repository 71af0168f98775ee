// Walks Server::Routes() (so routes added later are covered without
// editing this file) and checks the authentication gate of each:
//   - without credentials, every route but the kNone ones answers 401;
//   - with an API token of each role, a route answers 403 exactly when the
//     role does not allow its permission, and otherwise anything but 401
//     or 403 (path parameters are an id that does not exist, bodies `{}`);
//   - a cookie session without its CSRF token gets 403 on every unsafe
//     route, and passes the gate with it.
#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_testing.h"
#include "api/server.h"
#include "auth/roles.h"
#include "ingest/input.h"
#include "queries/service.h"
#include "store/sqlite_store.h"

namespace ecoute::api {
namespace {

using nlohmann::json;

constexpr auth::Role kRoles[] = {auth::Role::kViewer, auth::Role::kAnalyst, auth::Role::kAgent, auth::Role::kLead,
                                 auth::Role::kAdmin};

// {id} becomes an id nothing has (no route changes anything then), {name} "x".
std::string Concrete(std::string path) {
  for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open)) {
    const size_t close = path.find('}', open);
    const std::string name = path.substr(open + 1, close - open - 1);
    path.replace(open, close - open + 1, name == "name" ? "x" : "999999");
  }
  return path;
}

bool HasBody(const std::string& method) { return method == "POST" || method == "PUT" || method == "PATCH"; }

class AuthzTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(testing::OpenMemoryStore(store_, &queries_));
    // No alert service: the alert routes answer 503 past the gate (the
    // stream would otherwise stay open).
    server_ = std::make_unique<Server>(testing::LocalServerOptions(4), *store_, testing::ReadOnlyIngest(),
                                       ingest::MakeJsonDecoder(), &auth_.authenticator(), metrics_,
                                       base::SystemClock(), queries_.get(), nullptr);
    ASSERT_TRUE(server_->Start().ok());
    for (auth::Role r : kRoles) {
      tokens_.push_back(r == auth::Role::kAdmin
                            ? auth_.admin_token()
                            : auth_.AddUserWithToken("user-" + std::string(auth::RoleName(r)), r));
    }
  }
  void TearDown() override {
    server_->Stop();
  }

  httplib::Result Send(const RouteInfo& r, const httplib::Headers& headers) {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(10);
    const std::string path = Concrete(r.path);
    if (r.method == "POST") return c.Post(path.c_str(), headers, "{}", "application/json");
    if (r.method == "PUT") return c.Put(path.c_str(), headers, "{}", "application/json");
    if (r.method == "PATCH") return c.Patch(path.c_str(), headers, "{}", "application/json");
    if (r.method == "DELETE") return c.Delete(path.c_str(), headers);
    return c.Get(path.c_str(), headers);
  }

  testing::TestAuth auth_;
  base::MetricsRegistry metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<queries::QueryService> queries_;
  std::unique_ptr<Server> server_;
  std::vector<std::string> tokens_;  // per kRoles
};

TEST_F(AuthzTest, OnlyOpenRoutesAnswerWithoutCredentials) {
  int open = 0;
  for (const RouteInfo& r : Server::Routes()) {
    SCOPED_TRACE(r.method + " " + r.path);
    httplib::Result res = Send(r, {});
    ASSERT_TRUE(res);
    if (r.permission == auth::Permission::kNone) {
      ++open;
      EXPECT_NE(res->status, 401) << res->body;
      EXPECT_NE(res->status, 403) << res->body;
    } else {
      EXPECT_EQ(res->status, 401) << res->body;
      EXPECT_EQ(res->get_header_value("WWW-Authenticate"), "Bearer realm=\"ecoute\"");
      json j = json::parse(res->body, nullptr, false);
      EXPECT_EQ(j["error"]["code"], "unauthenticated") << res->body;
    }
  }
  EXPECT_EQ(open, 2) << "GET /healthz and POST /api/v1/auth/login only";
}

TEST_F(AuthzTest, EachRoleGets403ExactlyWhereItsPermissionIsMissing) {
  int refused = 0, allowed = 0;
  for (size_t i = 0; i < std::size(kRoles); ++i) {
    const auth::Role role = kRoles[i];
    const httplib::Headers bearer = testing::TestAuth::Bearer(tokens_[i]);
    for (const RouteInfo& r : Server::Routes()) {
      SCOPED_TRACE(std::string(auth::RoleName(role)) + ": " + r.method + " " + r.path + " (" +
                   std::string(auth::PermissionName(r.permission)) + ")");
      httplib::Result res = Send(r, bearer);
      ASSERT_TRUE(res);
      if (auth::RoleAllows(role, r.permission)) {
        ++allowed;
        EXPECT_NE(res->status, 401) << res->body;
        EXPECT_NE(res->status, 403) << res->body;
      } else {
        ++refused;
        EXPECT_EQ(res->status, 403) << res->body;
        json j = json::parse(res->body, nullptr, false);
        const std::string message = j["error"]["message"];
        EXPECT_NE(message.find(std::string(auth::PermissionName(r.permission))), std::string::npos) << message;
        EXPECT_NE(message.find("has role " + std::string(auth::RoleName(role))), std::string::npos) << message;
      }
    }
  }
  EXPECT_GT(refused, 0);
  EXPECT_GT(allowed, 0);
}

TEST_F(AuthzTest, CookieSessionsNeedTheCsrfTokenOnUnsafeRoutes) {
  // Signs in as the admin (every permission): only the CSRF check can refuse.
  auto login = [&] {
    httplib::Client c("127.0.0.1", server_->port());
    httplib::Result res =
        c.Post("/api/v1/auth/login", R"({"login":"admin","password":"test-password-1"})", "application/json");
    EXPECT_TRUE(res && res->status == 200);
    std::string cookie = res ? res->get_header_value("Set-Cookie") : "";
    cookie = cookie.substr(0, cookie.find(';'));
    json j = json::parse(res ? res->body : "{}", nullptr, false);
    return std::make_pair(cookie, j.value("csrf_token", ""));
  };
  auto [cookie, csrf] = login();
  ASSERT_FALSE(cookie.empty());
  // Logout last: it ends the session.
  std::vector<RouteInfo> routes = Server::Routes();
  std::stable_partition(routes.begin(), routes.end(), [](const RouteInfo& r) { return r.path != "/api/v1/auth/logout"; });
  int unsafe = 0;
  for (const RouteInfo& r : routes) {
    if (r.permission == auth::Permission::kNone) continue;
    SCOPED_TRACE(r.method + " " + r.path);
    const bool needs_csrf = HasBody(r.method) || r.method == "DELETE";
    if (needs_csrf) {
      ++unsafe;
      httplib::Result without = Send(r, {{"Cookie", cookie}});
      ASSERT_TRUE(without);
      EXPECT_EQ(without->status, 403) << without->body;
      EXPECT_EQ(json::parse(without->body, nullptr, false)["error"]["field"], "X-CSRF-Token") << without->body;
      httplib::Result wrong = Send(r, {{"Cookie", cookie}, {"X-CSRF-Token", "ecc_wrong"}});
      ASSERT_TRUE(wrong);
      EXPECT_EQ(wrong->status, 403) << wrong->body;
    }
    httplib::Result with = Send(r, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
    ASSERT_TRUE(with);
    EXPECT_NE(with->status, 401) << with->body;
    EXPECT_NE(with->status, 403) << with->body;
  }
  EXPECT_GT(unsafe, 10);
  // The session ended with the last route (logout).
  httplib::Client c("127.0.0.1", server_->port());
  httplib::Result me = c.Get("/api/v1/auth/me", {{"Cookie", cookie}});
  ASSERT_TRUE(me);
  EXPECT_EQ(me->status, 401);
}

}  // namespace
}  // namespace ecoute::api
