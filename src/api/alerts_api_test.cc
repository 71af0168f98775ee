// The alert routes over HTTP, against the real SQLite store (on a temporary
// file) and a real AlertService driven by a FakeClock: rules CRUD, the
// alert list and its filters, one alert with its history and samples,
// ack/resolve, the delivery log, notifiers, and the server-sent event
// stream (live events, Last-Event-ID replay, keep-alives, disconnects and
// stopping with a stream open).
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "alert/rules.h"
#include "alert/service.h"
#include "api/api_testing.h"
#include "api/server.h"
#include "base/clock.h"
#include "base/time.h"
#include "ingest/input.h"
#include "store/sqlite_store.h"
#include "text/text.h"

namespace ecoute::api {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr base::Timestamp kStart = 1'750'000'000'000;  // 2025-06-15T15:06:40Z

// Polls `cond` every 5 ms for at most `limit`.
template <typename F>
bool WaitFor(F cond, std::chrono::milliseconds limit = 5s) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  while (!cond()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(5ms);
  }
  return true;
}

// A GET /api/v1/alerts/stream on its own thread, collecting what arrives;
// `token` is sent as the bearer token.
class StreamReader {
 public:
  StreamReader(int port, const std::string& token, httplib::Headers headers = {}) {
    headers.emplace("Authorization", "Bearer " + token);
    thread_ = std::thread([this, port, headers] {
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(10);
      httplib::Result r = c.Get("/api/v1/alerts/stream", headers, [this](const char* data, size_t n) {
        std::lock_guard lock(mu_);
        text_.append(data, n);
        cv_.notify_all();
        return !cancel_;
      });
      std::lock_guard lock(mu_);
      ended_ = true;
      if (r) status_ = r->status;
      cv_.notify_all();
    });
  }
  ~StreamReader() {
    Cancel();
    if (thread_.joinable()) thread_.join();
  }

  // Waits until the text received contains `needle`.
  bool WaitForText(const std::string& needle, std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return text_.find(needle) != std::string::npos; });
  }
  bool WaitForEnd(std::chrono::milliseconds limit = 5s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return ended_; });
  }
  // The next chunk makes the client close the connection.
  void Cancel() {
    std::lock_guard lock(mu_);
    cancel_ = true;
  }
  std::string text() {
    std::lock_guard lock(mu_);
    return text_;
  }
  int status() {
    std::lock_guard lock(mu_);
    return status_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string text_;     // GUARDED_BY(mu_)
  bool cancel_ = false;  // GUARDED_BY(mu_)
  bool ended_ = false;   // GUARDED_BY(mu_)
  int status_ = 0;       // GUARDED_BY(mu_): 0 when the request failed (cancelled, cut)
  std::thread thread_;
};

// The data of the first event of type `type` in an SSE text.
json EventData(const std::string& text, const std::string& type) {
  size_t at = text.find("event: " + type + "\n");
  if (at == std::string::npos) return json();
  size_t data = text.find("data: ", at);
  if (data == std::string::npos) return json();
  size_t end = text.find('\n', data);
  return json::parse(text.substr(data + 6, end - data - 6), nullptr, false);
}

class AlertsApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (std::filesystem::temp_directory_path() / "ecoute-alerts-api-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    store::SqliteOptions so;
    so.path = dir_ + "/ecoute.db";
    so.synchronous = "normal";
    so.clock = &clock_;
    auto st = store::OpenSqliteStore(so);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    for (const char* name : {"brand", "rival"}) {
      store::QueryDef q;
      q.name = name;
      q.text = name;
      auto saved = store_->SaveQuery(q);
      ASSERT_TRUE(saved.ok()) << saved.status().ToString();
      queries_[saved->id] = name;
    }
    StartService();
    StartServer(service_.get());
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (service_) service_->Stop();
    server_.reset();
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void StartService(std::vector<alert::NotifierSpec> notifiers = {}) {
    // Every brand mention is its own alert (no grouping): easy to count.
    auto rule = alert::RuleFromJson(
        {{"name", "brand-mentions"}, {"kind", "mention"}, {"queries", {"brand"}}, {"group_minutes", 0}});
    ASSERT_TRUE(rule.ok()) << rule.status().ToString();
    alert::ServiceOptions o;
    o.rules = {*rule};
    o.notifiers = std::move(notifiers);
    o.tick_ms = 50;
    std::map<int64_t, std::string> names = queries_;
    auto svc = alert::AlertService::Create(o, *store_, [names] { return names; }, clock_);
    ASSERT_TRUE(svc.ok()) << svc.status().ToString();
    service_ = std::move(*svc);
    ASSERT_TRUE(service_->Start().ok());
  }

  void StartServer(alert::AlertService* alerts) {
    ServerOptions o = testing::LocalServerOptions(6);
    o.stream_keep_alive_ms = 100;
    server_ = std::make_unique<Server>(o, *store_, testing::ReadOnlyIngest(), ingest::MakeJsonDecoder(),
                                       &auth_.authenticator(), metrics_, clock_, nullptr, alerts);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10);
    auth_.SignIn(*client_);
  }

  int64_t QueryId(const std::string& name) const {
    for (const auto& [id, n] : queries_)
      if (n == name) return id;
    return 0;
  }

  // Stores mentions of `query` created a second before the clock's now,
  // then hands them to the service as the pipeline would. Returns their ids.
  std::vector<int64_t> Commit(const std::string& query, int n, const std::string& sentiment = "negative") {
    std::vector<model::Mention> ms;
    for (int i = 0; i < n; ++i) {
      model::Mention m;
      m.channel = model::Channel::kTwitter;
      m.native_id = "t" + std::to_string(next_++);
      m.created_at = clock_.Now() - 1000;
      m.author.handle = "user" + std::to_string(next_);
      m.text = "Message " + std::to_string(next_) + " about " + query;
      m.language = "fr";
      text::Analyze(m);
      m.enrichment.matched_queries = {QueryId(query)};
      m.enrichment.sentiment = sentiment;
      m.enrichment.sentiment_score = 0.9;
      ms.push_back(std::move(m));
    }
    auto w = store_->Write(ms, {}, nullptr);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    service_->OnCommit(ms);
    std::vector<int64_t> ids;
    for (const model::Mention& m : ms) ids.push_back(m.id);
    return ids;
  }

  json Call(const std::string& method, const std::string& path, const std::string& body, int want,
            const httplib::Headers& headers = {}) {
    httplib::Result r = method == "POST"     ? client_->Post(path.c_str(), headers, body, "application/json")
                        : method == "PUT"    ? client_->Put(path.c_str(), headers, body, "application/json")
                        : method == "DELETE" ? client_->Delete(path.c_str(), headers)
                                             : client_->Get(path.c_str(), headers);
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return json();
    EXPECT_EQ(r->status, want) << method << " " << path << ": " << r->body;
    if (r->body.empty()) return json();
    return json::parse(r->body, nullptr, false);
  }

  // POST without a body (ack/resolve without a note).
  json PostEmpty(const std::string& path, int want, const httplib::Headers& headers = {}) {
    httplib::Result r = client_->Post(path.c_str(), headers);
    EXPECT_TRUE(r) << path;
    if (!r) return json();
    EXPECT_EQ(r->status, want) << path << ": " << r->body;
    return json::parse(r->body, nullptr, false);
  }

  // A POST signed in as `login` (a user made on first use, with `role`).
  json PostAs(const std::string& login, auth::Role role, const std::string& path, const std::string& body, int want) {
    auto [it, added] = tokens_.try_emplace(login);
    if (added) it->second = auth_.AddUserWithToken(login, role);
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(10);
    httplib::Result r = body.empty() ? c.Post(path.c_str(), testing::TestAuth::Bearer(it->second))
                                     : c.Post(path.c_str(), testing::TestAuth::Bearer(it->second), body,
                                              "application/json");
    EXPECT_TRUE(r) << path;
    if (!r) return json();
    EXPECT_EQ(r->status, want) << login << " POST " << path << ": " << r->body;
    return json::parse(r->body, nullptr, false);
  }

  std::string dir_;
  base::FakeClock clock_{kStart};
  testing::TestAuth auth_{&clock_};
  std::map<std::string, std::string> tokens_;  // login -> API token (PostAs)
  base::MetricsRegistry metrics_;
  std::unique_ptr<store::Store> store_;
  std::map<int64_t, std::string> queries_;
  std::unique_ptr<alert::AlertService> service_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
  int next_ = 1;
};

// Negative rival mentions, grouped (group_minutes defaults to 60).
const char* const kRival =
    R"({"name":"rival-negative","kind":"mention","queries":["rival"],"sentiments":["negative"]})";

TEST_F(AlertsApiTest, RulesCrudWithErrors) {
  json list = Call("GET", "/api/v1/alert-rules", "", 200);
  ASSERT_EQ(list["rules"].size(), 1u);
  EXPECT_EQ(list["rules"][0]["name"], "brand-mentions");
  EXPECT_EQ(list["rules"][0]["origin"], "config");

  json bad = Call("POST", "/api/v1/alert-rules", R"({"name":"x","kind":"mention","group_minutes":-1})", 400);
  EXPECT_EQ(bad["error"]["code"], "invalid_argument");
  EXPECT_EQ(bad["error"]["field"], "group_minutes");
  EXPECT_EQ(Call("POST", "/api/v1/alert-rules", R"({"name":"x","kind":"blast"})", 400)["error"]["field"], "kind");
  EXPECT_EQ(Call("POST", "/api/v1/alert-rules", R"({"name":"x","kind":"mention","colour":1})", 400)["error"]["field"],
            "colour");
  json unknown_query = Call("POST", "/api/v1/alert-rules", R"({"name":"x","kind":"mention","queries":["nope"]})", 400);
  EXPECT_EQ(unknown_query["error"]["field"], "queries[0]");
  EXPECT_NE(unknown_query["error"]["message"].get<std::string>().find("nope"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/alert-rules", R"({"name":"x","kind":"mention","notify":["pager"]})", 400)["error"]
                ["field"],
            "notify[0]");
  EXPECT_EQ(Call("POST", "/api/v1/alert-rules", "{not json", 400)["error"]["field"], "body");
  EXPECT_EQ(Call("POST", "/api/v1/alert-rules", "[1]", 400)["error"]["field"], "body");
  httplib::Result text = client_->Post("/api/v1/alert-rules", kRival, "text/plain");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->status, 415);

  json created = Call("POST", "/api/v1/alert-rules", kRival, 201);
  EXPECT_EQ(created["name"], "rival-negative");
  EXPECT_EQ(created["origin"], "api");
  EXPECT_EQ(created["level"], "info");  // the mention kind's default
  json dup = Call("POST", "/api/v1/alert-rules", kRival, 409);
  EXPECT_EQ(dup["error"]["code"], "already_exists");
  EXPECT_EQ(dup["error"]["field"], "name");
  Call("POST", "/api/v1/alert-rules", R"({"name":"brand-mentions","kind":"mention"})", 409);

  EXPECT_EQ(Call("GET", "/api/v1/alert-rules", "", 200)["rules"].size(), 2u);
  EXPECT_EQ(Call("GET", "/api/v1/alert-rules/rival-negative", "", 200)["sentiments"], json({"negative"}));
  EXPECT_EQ(Call("GET", "/api/v1/alert-rules/nope", "", 404)["error"]["code"], "not_found");

  json replaced = Call("PUT", "/api/v1/alert-rules/rival-negative",
                       R"({"name":"rival-negative","kind":"mention","queries":["rival"],"level":"critical"})", 200);
  EXPECT_EQ(replaced["level"], "critical");
  EXPECT_EQ(replaced["sentiments"], json::array());  // replaced, not merged
  EXPECT_EQ(Call("GET", "/api/v1/alert-rules/rival-negative", "", 200)["level"], "critical");
  EXPECT_EQ(Call("PUT", "/api/v1/alert-rules/rival-negative", R"({"name":"rival-negative","kind":"mention",
             "min_followers":-5})", 400)["error"]["field"], "min_followers");
  json config = Call("PUT", "/api/v1/alert-rules/brand-mentions", R"({"name":"brand-mentions","kind":"mention"})", 409);
  EXPECT_EQ(config["error"]["code"], "failed_precondition");
  Call("PUT", "/api/v1/alert-rules/nope", R"({"name":"nope","kind":"mention"})", 404);

  EXPECT_EQ(Call("DELETE", "/api/v1/alert-rules/brand-mentions", "", 409)["error"]["code"], "failed_precondition");
  Call("DELETE", "/api/v1/alert-rules/rival-negative", "", 204);
  Call("DELETE", "/api/v1/alert-rules/rival-negative", "", 404);
  EXPECT_EQ(Call("GET", "/api/v1/alert-rules", "", 200)["rules"].size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/alert-rules?x=1", "", 400)["error"]["field"], "x");
}

TEST_F(AlertsApiTest, ApiRulesSurviveARestart) {
  Call("POST", "/api/v1/alert-rules", kRival, 201);
  server_->Stop();
  service_->Stop();
  server_.reset();
  service_.reset();
  StartService();
  StartServer(service_.get());
  json list = Call("GET", "/api/v1/alert-rules", "", 200);
  ASSERT_EQ(list["rules"].size(), 2u);
  EXPECT_EQ(list["rules"][1]["name"], "rival-negative");
  EXPECT_EQ(list["rules"][1]["origin"], "api");
}

TEST_F(AlertsApiTest, ListFiltersAndPaging) {
  Commit("brand", 3);
  const base::Timestamp later = kStart + 3'600'000;
  clock_.Set(later);
  Commit("brand", 2, "positive");

  json all = Call("GET", "/api/v1/alerts", "", 200);
  ASSERT_EQ(all["alerts"].size(), 5u);
  EXPECT_TRUE(all["next_before_id"].is_null());
  const json& newest = all["alerts"][0];
  EXPECT_GT(newest["id"].get<int64_t>(), all["alerts"][1]["id"].get<int64_t>());  // newest first
  EXPECT_EQ(newest["rule"], "brand-mentions");
  EXPECT_EQ(newest["kind"], "mention");
  EXPECT_EQ(newest["status"], "open");
  EXPECT_EQ(newest["level"], "info");
  EXPECT_EQ(newest["group_key"], "query=" + std::to_string(QueryId("brand")));
  EXPECT_EQ(newest["opened_at"], base::FormatTimestamp(later));
  EXPECT_TRUE(newest["acknowledged_at"].is_null());
  EXPECT_TRUE(newest["acknowledged_by"].is_null());
  EXPECT_TRUE(newest["resolved_at"].is_null());
  EXPECT_TRUE(newest["details"].is_object());
  EXPECT_EQ(newest["details"]["queries"], json({"brand"}));
  EXPECT_EQ(newest["details"]["sentiment"], "positive");
  EXPECT_EQ(newest["sample_ids"].size(), 1u);
  EXPECT_EQ(newest["trigger_count"], 1);
  EXPECT_NE(newest["title"].get<std::string>().find("brand"), std::string::npos);
  for (const char* key : {"text", "notified_count", "suppressed_count", "last_trigger_at", "note"})
    EXPECT_TRUE(newest.contains(key)) << key;

  // Paging: 2 + 2 + 1.
  json p1 = Call("GET", "/api/v1/alerts?limit=2", "", 200);
  ASSERT_EQ(p1["alerts"].size(), 2u);
  ASSERT_EQ(p1["next_before_id"], p1["alerts"][1]["id"]);
  json p2 = Call("GET", "/api/v1/alerts?limit=2&before_id=" + std::to_string(p1["next_before_id"].get<int64_t>()), "",
                 200);
  ASSERT_EQ(p2["alerts"].size(), 2u);
  EXPECT_LT(p2["alerts"][0]["id"].get<int64_t>(), p1["alerts"][1]["id"].get<int64_t>());
  json p3 = Call("GET", "/api/v1/alerts?limit=2&before_id=" + std::to_string(p2["next_before_id"].get<int64_t>()), "",
                 200);
  EXPECT_EQ(p3["alerts"].size(), 1u);
  EXPECT_TRUE(p3["next_before_id"].is_null());

  // Filters.
  EXPECT_EQ(Call("GET", "/api/v1/alerts?status=open,acknowledged", "", 200)["alerts"].size(), 5u);
  EXPECT_EQ(Call("GET", "/api/v1/alerts?status=resolved", "", 200)["alerts"].size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/alerts?rule=brand-mentions&kind=mention", "", 200)["alerts"].size(), 5u);
  EXPECT_EQ(Call("GET", "/api/v1/alerts?rule=other", "", 200)["alerts"].size(), 0u);
  EXPECT_EQ(Call("GET", "/api/v1/alerts?kind=snowball", "", 200)["alerts"].size(), 0u);
  // since/until in any timestamp shape the other routes accept.
  EXPECT_EQ(Call("GET", "/api/v1/alerts?since=" + base::FormatTimestamp(later), "", 200)["alerts"].size(), 2u);
  EXPECT_EQ(Call("GET", "/api/v1/alerts?until=" + std::to_string(later / 1000), "", 200)["alerts"].size(), 3u);
  EXPECT_EQ(Call("GET", "/api/v1/alerts?since=2025-06-15&until=" + base::FormatTimestamp(later), "", 200)["alerts"]
                .size(),
            3u);

  // Errors name the parameter.
  EXPECT_EQ(Call("GET", "/api/v1/alerts?status=closed", "", 400)["error"]["field"], "status");
  EXPECT_EQ(Call("GET", "/api/v1/alerts?kind=spike", "", 400)["error"]["field"], "kind");
  EXPECT_EQ(Call("GET", "/api/v1/alerts?since=yesterday", "", 400)["error"]["field"], "since");
  EXPECT_EQ(Call("GET", "/api/v1/alerts?since=2025-06-16&until=2025-06-15", "", 400)["error"]["field"], "since");
  EXPECT_EQ(Call("GET", "/api/v1/alerts?limit=0", "", 400)["error"]["field"], "limit");
  EXPECT_EQ(Call("GET", "/api/v1/alerts?before_id=x", "", 400)["error"]["field"], "before_id");
  EXPECT_EQ(Call("GET", "/api/v1/alerts?sort=id", "", 400)["error"]["field"], "sort");
}

TEST_F(AlertsApiTest, GetWithHistoryAndSamplesThenAckAndResolve) {
  Call("POST", "/api/v1/alert-rules", kRival, 201);
  std::vector<int64_t> ids = Commit("rival", 2);  // folded into one alert (group_minutes 60)
  Commit("rival", 1, "positive");                 // filtered out by the rule
  json list = Call("GET", "/api/v1/alerts?rule=rival-negative", "", 200);
  ASSERT_EQ(list["alerts"].size(), 1u);
  const int64_t id = list["alerts"][0]["id"];
  const std::string path = "/api/v1/alerts/" + std::to_string(id);

  // The fold is persisted at the service's next tick (tick_ms 50).
  json one;
  EXPECT_TRUE(WaitFor([&] {
    one = Call("GET", path, "", 200);
    return one["trigger_count"] == 2;
  })) << one.dump();
  EXPECT_EQ(one["id"], id);
  EXPECT_EQ(one["sample_ids"], json(ids));
  ASSERT_EQ(one["samples"].size(), 2u);
  EXPECT_EQ(one["samples"][0]["id"], ids[0]);
  EXPECT_EQ(one["samples"][0]["channel"], "twitter");
  EXPECT_NE(one["samples"][0]["text"].get<std::string>().find("rival"), std::string::npos);
  ASSERT_FALSE(one["history"].empty());
  EXPECT_EQ(one["history"][0]["type"], "opened");
  EXPECT_EQ(one["history"][0]["alert_id"], id);
  EXPECT_EQ(one["deliveries"], json::array());

  Call("GET", "/api/v1/alerts/999999", "", 404);
  EXPECT_EQ(Call("GET", "/api/v1/alerts/abc", "", 400)["error"]["field"], "id");
  EXPECT_EQ(Call("POST", path + "/ack", R"({"colour":"red"})", 400)["error"]["field"], "colour");
  EXPECT_EQ(Call("POST", path + "/ack", R"({"note":5})", 400)["error"]["field"], "note");
  EXPECT_EQ(Call("POST", path + "/ack", R"(["x"])", 400)["error"]["field"], "body");
  Call("POST", "/api/v1/alerts/999999/ack", "", 404);

  // Acknowledged by the signed-in user (an alert open in the engine); a
  // name in the body is refused.
  EXPECT_EQ(Call("POST", path + "/ack", R"({"note":"x","by":"alice"})", 400)["error"]["field"], "by");
  json acked = PostAs("alice", auth::Role::kAgent, path + "/ack", R"({"note":"looking into it"})", 200);
  EXPECT_EQ(acked["status"], "acknowledged");
  EXPECT_EQ(acked["acknowledged_by"], "alice");
  EXPECT_EQ(acked["acknowledged_at"], base::FormatTimestamp(kStart));
  EXPECT_EQ(acked["note"], "looking into it");
  EXPECT_EQ(Call("GET", "/api/v1/alerts?status=acknowledged", "", 200)["alerts"].size(), 1u);

  // Resolved by another user; then acknowledging is refused, resolving
  // again answers the alert unchanged.
  clock_.Advance(60'000);
  json resolved = PostAs("bob", auth::Role::kAnalyst, path + "/resolve", "", 200);
  EXPECT_EQ(resolved["status"], "resolved");
  EXPECT_EQ(resolved["resolved_by"], "bob");
  EXPECT_EQ(resolved["resolved_at"], base::FormatTimestamp(kStart + 60'000));
  EXPECT_EQ(Call("POST", path + "/ack", "", 409)["error"]["code"], "failed_precondition");
  EXPECT_EQ(PostEmpty(path + "/resolve", 200)["resolved_by"], "bob");

  json history = Call("GET", path, "", 200)["history"];
  std::vector<std::string> types;
  for (const json& h : history) types.push_back(h["type"]);
  EXPECT_NE(std::find(types.begin(), types.end(), "acknowledged"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "resolved"), types.end());
  EXPECT_EQ(Call("GET", "/api/v1/alerts?status=resolved", "", 200)["alerts"].size(), 1u);
}

TEST_F(AlertsApiTest, ActorIsTheSignedInUserAndStoredAlertsChangeToo) {
  Commit("brand", 2);  // not grouped: no longer open in the engine
  json list = Call("GET", "/api/v1/alerts", "", 200);
  ASSERT_EQ(list["alerts"].size(), 2u);
  const std::string a = "/api/v1/alerts/" + list["alerts"][0]["id"].dump();
  const std::string b = "/api/v1/alerts/" + list["alerts"][1]["id"].dump();
  // The old X-Ecoute-User header names nobody any more.
  EXPECT_EQ(PostEmpty(a + "/ack", 200, {{"X-Ecoute-User", "mallory"}})["acknowledged_by"], "admin");
  // A viewer may not acknowledge.
  PostAs("carol", auth::Role::kViewer, b + "/ack", "", 403);
  EXPECT_EQ(PostAs("dave", auth::Role::kLead, b + "/ack", "", 200)["acknowledged_by"], "dave");
  EXPECT_EQ(PostAs("erin", auth::Role::kAgent, b + "/resolve", R"({"note":"handled"})", 200)["resolved_by"], "erin");
  EXPECT_EQ(Call("POST", b + "/ack", "", 409)["error"]["code"], "failed_precondition");
  json got = Call("GET", b, "", 200);
  EXPECT_EQ(got["status"], "resolved");
  EXPECT_EQ(got["note"], "handled");
}

TEST_F(AlertsApiTest, DeliveriesAndDeadLetters) {
  Commit("brand", 2);
  json list = Call("GET", "/api/v1/alerts", "", 200);
  const int64_t a1 = list["alerts"][1]["id"], a2 = list["alerts"][0]["id"];
  // The delivery log as the notifiers' observer writes it.
  std::vector<store::DeliveryRecord> rows;
  auto row = [&](int64_t alert_id, const std::string& notifier, int attempt, const std::string& state, int code) {
    store::DeliveryRecord d;
    d.alert_id = alert_id;
    d.event_id = "alert-" + std::to_string(alert_id) + "-1";
    d.notifier = notifier;
    d.attempt = attempt;
    d.state = state;
    d.code = code;
    d.error = state == "delivered" ? "" : "http " + std::to_string(code);
    d.latency_ms = 12;
    d.at = kStart + attempt * 1000;
    rows.push_back(d);
  };
  row(a1, "ops", 1, "retry", 503);
  row(a1, "ops", 2, "delivered", 200);
  row(a2, "ops", 1, "retry", 500);
  row(a2, "ops", 2, "dead", 500);
  row(a2, "mail", 1, "delivered", 250);
  ASSERT_TRUE(store_->AddDeliveries(rows).ok());

  json all = Call("GET", "/api/v1/alert-deliveries", "", 200);
  ASSERT_EQ(all["deliveries"].size(), 5u);
  const json& newest = all["deliveries"][0];
  EXPECT_EQ(newest["notifier"], "mail");
  EXPECT_EQ(newest["alert_id"], a2);
  EXPECT_EQ(newest["state"], "delivered");
  EXPECT_EQ(newest["code"], 250);
  EXPECT_TRUE(newest["error"].is_null());
  EXPECT_EQ(newest["latency_ms"], 12);
  EXPECT_EQ(newest["at"], base::FormatTimestamp(kStart + 1000));
  EXPECT_EQ(newest["event_id"], "alert-" + std::to_string(a2) + "-1");

  json dead = Call("GET", "/api/v1/alert-deliveries?state=dead", "", 200);
  ASSERT_EQ(dead["deliveries"].size(), 1u);
  EXPECT_EQ(dead["deliveries"][0]["alert_id"], a2);
  EXPECT_EQ(dead["deliveries"][0]["error"], "http 500");
  EXPECT_EQ(Call("GET", "/api/v1/alert-deliveries?alert_id=" + std::to_string(a1), "", 200)["deliveries"].size(), 2u);
  EXPECT_EQ(Call("GET", "/api/v1/alert-deliveries?notifier=mail", "", 200)["deliveries"].size(), 1u);
  json page = Call("GET", "/api/v1/alert-deliveries?limit=3", "", 200);
  ASSERT_EQ(page["deliveries"].size(), 3u);
  json rest = Call("GET", "/api/v1/alert-deliveries?limit=3&before_id=" + page["next_before_id"].dump(), "", 200);
  EXPECT_EQ(rest["deliveries"].size(), 2u);
  EXPECT_TRUE(rest["next_before_id"].is_null());
  EXPECT_EQ(Call("GET", "/api/v1/alert-deliveries?state=lost", "", 400)["error"]["field"], "state");
  EXPECT_EQ(Call("GET", "/api/v1/alert-deliveries?alert_id=0", "", 400)["error"]["field"], "alert_id");

  // An alert lists its own deliveries.
  json one = Call("GET", "/api/v1/alerts/" + std::to_string(a2), "", 200);
  EXPECT_EQ(one["deliveries"].size(), 3u);
}

TEST_F(AlertsApiTest, NotifiersWithoutAny) {
  EXPECT_EQ(Call("GET", "/api/v1/notifiers", "", 200), json({{"notifiers", json::array()}}));
}

TEST_F(AlertsApiTest, NotifiersListNamesTypesAndStats) {
  server_->Stop();
  service_->Stop();
  alert::NotifierSpec hook;
  hook.name = "ops-hook";
  hook.type = "webhook";
  hook.webhook.url = "http://127.0.0.1:9/hook";
  StartService({hook});
  StartServer(service_.get());
  json n = Call("GET", "/api/v1/notifiers", "", 200);
  ASSERT_EQ(n["notifiers"].size(), 1u);
  EXPECT_EQ(n["notifiers"][0]["name"], "ops-hook");
  EXPECT_TRUE(n["notifiers"][0].contains("type"));
  EXPECT_EQ(n["notifiers"][0]["delivered"], 0);
  // A rule may now notify it.
  Call("POST", "/api/v1/alert-rules", R"({"name":"paged","kind":"mention","notify":["ops-hook"]})", 201);
}

TEST_F(AlertsApiTest, StreamSendsEventsAndKeepAlives) {
  // As a browser asks: a compressed stream would hold events back.
  StreamReader reader(server_->port(), auth_.admin_token(), {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_TRUE(WaitFor([&] { return service_->hub().subscribers() == 1; }));
  ASSERT_TRUE(reader.WaitForText(": stream open\n\n"));
  std::vector<int64_t> ids = Commit("brand", 1);
  ASSERT_TRUE(reader.WaitForText("event: alert.opened\n")) << reader.text();
  const std::string text = reader.text();
  EXPECT_NE(text.find("id: 1\nevent: alert.opened\ndata: {"), std::string::npos) << text;
  json data = EventData(text, "alert.opened");
  EXPECT_EQ(data["rule"], "brand-mentions");
  EXPECT_EQ(data["sample_ids"], json(ids));
  EXPECT_EQ(data["status"], "open");
  // Idle: a comment every stream_keep_alive_ms (100 ms here).
  EXPECT_TRUE(reader.WaitForText(": keep-alive\n\n")) << reader.text();

  // Acknowledging shows on the stream too.
  const std::string path = "/api/v1/alerts/" + data["id"].dump() + "/ack";
  PostEmpty(path, 200);
  ASSERT_TRUE(reader.WaitForText("event: alert.acknowledged\n")) << reader.text();
  EXPECT_EQ(EventData(reader.text(), "alert.acknowledged")["acknowledged_by"], "admin");

  // The client leaves: the server notices at its next write and frees the
  // subscription (and the worker thread).
  reader.Cancel();
  EXPECT_TRUE(reader.WaitForEnd());
  EXPECT_TRUE(WaitFor([&] { return service_->hub().subscribers() == 0; }));
}

TEST_F(AlertsApiTest, LastEventIdReplaysMissedEvents) {
  Commit("brand", 3);  // events 1, 2, 3, nobody listening
  StreamReader reader(server_->port(), auth_.admin_token(), {{"Last-Event-ID", "1"}});
  ASSERT_TRUE(reader.WaitForText("id: 3\n")) << reader.text();
  const std::string text = reader.text();
  EXPECT_EQ(text.find("id: 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("id: 2\nevent: alert.opened\n"), std::string::npos) << text;
  // Then live events follow.
  Commit("brand", 1);
  EXPECT_TRUE(reader.WaitForText("id: 4\nevent: alert.opened\n")) << reader.text();

  httplib::Result bad = client_->Get("/api/v1/alerts/stream", {{"Last-Event-ID", "abc"}});
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);
  EXPECT_EQ(json::parse(bad->body)["error"]["field"], "Last-Event-ID");
}

TEST_F(AlertsApiTest, ServerStopsCleanlyWithStreamsOpen) {
  StreamReader a(server_->port(), auth_.admin_token());
  StreamReader b(server_->port(), auth_.admin_token());
  ASSERT_TRUE(WaitFor([&] { return service_->hub().subscribers() == 2; }));
  const auto t0 = std::chrono::steady_clock::now();
  server_->Stop();
  const auto took = std::chrono::steady_clock::now() - t0;
  EXPECT_LT(took, 3s);  // the streams end within a poll; idle keep-alive connections may take keep_alive_seconds
  EXPECT_TRUE(a.WaitForEnd());
  EXPECT_TRUE(b.WaitForEnd());
  EXPECT_EQ(service_->hub().subscribers(), 0u);
}

TEST_F(AlertsApiTest, StreamEndsWhenTheServiceStops) {
  StreamReader reader(server_->port(), auth_.admin_token());
  ASSERT_TRUE(WaitFor([&] { return service_->hub().subscribers() == 1; }));
  service_->Stop();  // closes the hub: the stream ends properly
  ASSERT_TRUE(reader.WaitForEnd());
  EXPECT_EQ(reader.status(), 200);
  // No new stream while the hub is closed.
  httplib::Result r = client_->Get("/api/v1/alerts/stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
}

TEST_F(AlertsApiTest, DisabledWithoutAService) {
  server_->Stop();
  StartServer(nullptr);
  for (const RouteInfo& r : Server::Routes()) {
    if (r.path.find("alert") == std::string::npos && r.path != "/api/v1/notifiers") continue;
    std::string path = r.path;
    if (size_t at = path.find("{id}"); at != std::string::npos) path.replace(at, 4, "1");
    if (size_t at = path.find("{name}"); at != std::string::npos) path.replace(at, 6, "x");
    json e = Call(r.method, path, r.method == "POST" || r.method == "PUT" ? kRival : "", 503);
    EXPECT_EQ(e["error"]["message"], "alerts are disabled") << r.method << " " << r.path;
  }
}

}  // namespace
}  // namespace ecoute::api
