// The web app's files over HTTP (api/static_files.h): the index and client
// routes, assets and their cache headers, security headers, path
// traversal refused (.., %2e%2e, backslashes, NUL, symbolic links out of
// the root), the API unchanged, and the page shown when the app is not
// built.
#include "api/static_files.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "api/api_testing.h"
#include "api/server.h"
#include "base/testing_tmpdir.h"
#include "ingest/input.h"

namespace ecoute::api {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

constexpr const char* kIndex = "<!doctype html><title>ecoute</title><div id=app></div>";
constexpr const char* kScript = "console.log('écoute');";

void WriteFile(const fs::path& p, const std::string& text) {
  fs::create_directories(p.parent_path());
  std::ofstream out(p, std::ios::binary);
  out << text;
  ASSERT_TRUE(out.good()) << p;
}

class StaticFilesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(testing::OpenMemoryStore(store_));
    root_ = dir_.path() / "dist";
    WriteFile(root_ / "index.html", kIndex);
    WriteFile(root_ / "assets" / "app-3f2a1b.js", kScript);
    WriteFile(root_ / "assets" / "app-3f2a1b.css", "body{color:red}");
    WriteFile(root_ / "favicon.ico", "ICO");
    WriteFile(root_ / "app.webmanifest", "{}");
    WriteFile(root_ / "LICENSE", "MIT");
    WriteFile(root_ / ".env", "SECRET=1");
    WriteFile(dir_.path() / "outside" / "secret.txt", "top secret");
    fs::create_symlink(dir_.path() / "outside" / "secret.txt", root_ / "leak.txt");
    fs::create_directory_symlink(dir_.path() / "outside", root_ / "linked");
    fs::create_symlink(root_ / "assets" / "app-3f2a1b.js", root_ / "inside.js");  // stays inside: served
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  void Start(const std::string& web_root) {
    ServerOptions o = testing::LocalServerOptions(2);
    o.web_root = web_root;
    server_ = std::make_unique<Server>(o, *store_, testing::ReadOnlyIngest(), ingest::MakeJsonDecoder(),
                                       &auth_.authenticator(), metrics_);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10);
    client_->set_url_encode(false);  // the paths below are sent as written
  }

  // GET `path` without credentials.
  httplib::Result Get(const std::string& path) { return client_->Get(path.c_str()); }

  void ExpectRefused(const std::string& path, int status) {
    SCOPED_TRACE(path);
    httplib::Result r = Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, status) << r->body;
    EXPECT_EQ(r->body.find("top secret"), std::string::npos) << r->body;
    EXPECT_EQ(r->body.find("SECRET=1"), std::string::npos) << r->body;
    EXPECT_EQ(r->get_header_value("Content-Type"), kJsonType);
    json j = json::parse(r->body, nullptr, false);
    EXPECT_TRUE(j.contains("error")) << r->body;
  }

  base::TempDir dir_{"ecoute-static"};
  fs::path root_;
  testing::TestAuth auth_;
  base::MetricsRegistry metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST(ContentTypeFor, KnowsTheWebAppsFiles) {
  EXPECT_STREQ(ContentTypeFor("index.html"), "text/html; charset=utf-8");
  EXPECT_STREQ(ContentTypeFor("a.JS"), "text/javascript; charset=utf-8");
  EXPECT_STREQ(ContentTypeFor("a.mjs"), "text/javascript; charset=utf-8");
  EXPECT_STREQ(ContentTypeFor("a.css"), "text/css; charset=utf-8");
  EXPECT_STREQ(ContentTypeFor("a.svg"), "image/svg+xml");
  EXPECT_STREQ(ContentTypeFor("a.png"), "image/png");
  EXPECT_STREQ(ContentTypeFor("a.jpg"), "image/jpeg");
  EXPECT_STREQ(ContentTypeFor("a.webp"), "image/webp");
  EXPECT_STREQ(ContentTypeFor("a.ico"), "image/x-icon");
  EXPECT_STREQ(ContentTypeFor("a.json"), "application/json");
  EXPECT_STREQ(ContentTypeFor("a.js.map"), "application/json");
  EXPECT_STREQ(ContentTypeFor("a.woff"), "font/woff");
  EXPECT_STREQ(ContentTypeFor("a.woff2"), "font/woff2");
  EXPECT_STREQ(ContentTypeFor("robots.txt"), "text/plain; charset=utf-8");
  EXPECT_EQ(ContentTypeFor("a.exe"), nullptr);
  EXPECT_EQ(ContentTypeFor("LICENSE"), nullptr);
}

TEST_F(StaticFilesTest, IndexWithSecurityHeadersWithoutCredentials) {
  Start(root_.string());
  httplib::Result r = Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, kIndex);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-cache");
  EXPECT_EQ(r->get_header_value("Content-Security-Policy"),
            "default-src 'self'; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self'; "
            "frame-ancestors 'none'; base-uri 'self'; form-action 'self'");
  EXPECT_EQ(r->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(r->get_header_value("Referrer-Policy"), "same-origin");
  httplib::Result named = Get("/index.html");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->status, 200);
  EXPECT_EQ(named->body, kIndex);

  httplib::Result head = client_->Head("/");
  ASSERT_TRUE(head);
  EXPECT_EQ(head->status, 200);
  EXPECT_TRUE(head->body.empty());
}

TEST_F(StaticFilesTest, ClientRoutesFallBackToTheIndex) {
  Start(root_.string());
  for (const char* path : {"/inbox", "/inbox/42", "/cases/7/timeline", "/assets", "/inbox/"}) {
    SCOPED_TRACE(path);
    httplib::Result r = Get(path);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, kIndex);
    EXPECT_EQ(r->get_header_value("Cache-Control"), "no-cache");
    EXPECT_FALSE(r->get_header_value("Content-Security-Policy").empty());
  }
}

TEST_F(StaticFilesTest, AssetsAreImmutableWithTheirType) {
  Start(root_.string());
  httplib::Result js = Get("/assets/app-3f2a1b.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->body, kScript);
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js->get_header_value("Cache-Control"), "public, max-age=31536000, immutable");
  EXPECT_EQ(js->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_TRUE(js->get_header_value("Content-Security-Policy").empty());  // HTML only

  httplib::Result css = Get("/assets/app-3f2a1b.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");

  httplib::Result ico = Get("/favicon.ico");
  ASSERT_TRUE(ico);
  EXPECT_EQ(ico->status, 200);
  EXPECT_EQ(ico->get_header_value("Content-Type"), "image/x-icon");
  EXPECT_EQ(ico->get_header_value("Cache-Control"), "no-cache");

  httplib::Result license = Get("/LICENSE");  // a file without an extension is still a file
  ASSERT_TRUE(license);
  EXPECT_EQ(license->body, "MIT");
  EXPECT_EQ(license->get_header_value("Content-Type"), "application/octet-stream");

  httplib::Result linked = Get("/inside.js");  // a link that stays inside the root
  ASSERT_TRUE(linked);
  EXPECT_EQ(linked->status, 200);
  EXPECT_EQ(linked->body, kScript);
}

TEST_F(StaticFilesTest, MissingFileWithAnExtensionIs404) {
  Start(root_.string());
  ExpectRefused("/assets/app-000000.js", 404);
  ExpectRefused("/robots.txt", 404);
  httplib::Result r = Get("/assets/gone.js");
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "not_found");
}

TEST_F(StaticFilesTest, TraversalIsRefused) {
  Start(root_.string());
  ExpectRefused("/../outside/secret.txt", 400);
  ExpectRefused("/assets/../../outside/secret.txt", 400);
  ExpectRefused("/%2e%2e/outside/secret.txt", 400);
  ExpectRefused("/assets/%2E%2E/%2e%2e/outside/secret.txt", 400);
  ExpectRefused("/..%2f..%2foutside%2fsecret.txt", 400);
  ExpectRefused("/./index.html", 400);
  ExpectRefused("/..%5c..%5coutside%5csecret.txt", 400);
  ExpectRefused("/assets%5capp-3f2a1b.js", 400);
  ExpectRefused("/index.html%00.js", 400);
  // Symbolic links out of the root.
  ExpectRefused("/leak.txt", 404);
  ExpectRefused("/linked/secret.txt", 404);
  // Hidden files are not part of the app.
  ExpectRefused("/.env", 404);
  ExpectRefused("/%2eenv", 404);
}

TEST_F(StaticFilesTest, ApiRoutesAreUnaffected) {
  Start(root_.string());
  httplib::Result health = Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  EXPECT_EQ(json::parse(health->body)["status"], "ok");
  httplib::Result unauth = Get("/api/v1/mentions");
  ASSERT_TRUE(unauth);
  EXPECT_EQ(unauth->status, 401);
  httplib::Result metrics = Get("/metrics");
  ASSERT_TRUE(metrics);
  EXPECT_EQ(metrics->status, 401);
  // An unknown API path is the API's 404, never the app's page.
  for (const char* path : {"/api/v1/nothing", "/api/v2/mentions", "/api", "/api/"}) {
    SCOPED_TRACE(path);
    httplib::Result r = client_->Get(path, testing::TestAuth::Bearer(auth_.admin_token()));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 404);
    EXPECT_EQ(json::parse(r->body)["error"]["code"], "not_found");
  }
  // Other methods on the app's paths are not served.
  httplib::Result post = client_->Post("/inbox", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 404);

  // Requests for the app's files are counted under one route name.
  ASSERT_TRUE(Get("/inbox/42"));
  auth_.SignIn(*client_);
  httplib::Result m = client_->Get("/metrics");
  ASSERT_TRUE(m);
  EXPECT_NE(m->body.find("ecoute_http_requests_total{method=\"GET\",route=\"static\",status=\"200\"}"),
            std::string::npos)
      << m->body;
}

TEST_F(StaticFilesTest, NotBuiltPageWithoutIndex) {
  fs::remove(root_ / "index.html");
  Start(root_.string());
  httplib::Result r = Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->get_header_value("Content-Type"), "text/html; charset=utf-8");
  EXPECT_NE(r->body.find("run <code>make build</code> (needs Node.js and npm)"), std::string::npos) << r->body;
  EXPECT_EQ(r->get_header_value("Cache-Control"), "no-cache");
  EXPECT_FALSE(r->get_header_value("Content-Security-Policy").empty());
  // Client routes have no page to fall back to; files are still served.
  ExpectRefused("/inbox/42", 404);
  httplib::Result js = Get("/assets/app-3f2a1b.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);

  // Once built, it is served at once (files are read per request).
  WriteFile(root_ / "index.html", kIndex);
  httplib::Result built = Get("/inbox/42");
  ASSERT_TRUE(built);
  EXPECT_EQ(built->body, kIndex);
}

TEST_F(StaticFilesTest, NotBuiltPageWithoutWebRoot) {
  Start("");
  httplib::Result r = Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("make build"), std::string::npos);
  ExpectRefused("/inbox", 404);
  ExpectRefused("/favicon.ico", 404);
}

TEST_F(StaticFilesTest, MissingRootDirectoryIsNotBuilt) {
  Start((dir_.path() / "no-such-dir").string());
  httplib::Result r = Get("/");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->body.find("make build"), std::string::npos);
  ExpectRefused("/assets/app-3f2a1b.js", 404);
}

}  // namespace
}  // namespace ecoute::api
