// The care inbox routes over HTTP, against a real CareService (CaseDb,
// ContactStore and CannedStore on temporary files, an in-memory mention
// store, an in-memory user directory) driven by a FakeClock. A small
// harness registers CareApi::Routes() on an httplib::Server the way the
// server's route table does (path regex from the OpenAPI path, the route's
// permission checked against the caller's role), with the caller chosen
// per request among fixed principals (header X-Test-As).
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_testing.h"
#include "api/care_api.h"
#include "api/reply.h"
#include "api/routing.h"
#include "auth/testing.h"
#include "base/clock.h"
#include "base/time.h"
#include "care/canned.h"
#include "care/case_db.h"
#include "care/service.h"
#include "contacts/contact_store.h"
#include "store/sqlite_store.h"

namespace ecoute::api {
namespace {

using nlohmann::json;

constexpr base::Timestamp kStart = 1'750'000'000'000;  // 2025-06-15T15:06:40Z (a Sunday)
constexpr int64_t kMinute = 60'000;

struct Resp {
  int status = 0;
  json body;
  std::string field() const {
    return body.contains("error") && body["error"].contains("field") ? body["error"]["field"].get<std::string>()
                                                                      : "";
  }
  std::string message() const {
    return body.contains("error") ? body["error"].value("message", "") : "";
  }
};

std::ostream& operator<<(std::ostream& os, const Resp& r) { return os << r.status << " " << r.body.dump(); }

model::Mention Customer(model::Channel channel, const std::string& native_id, const std::string& handle,
                        const std::string& name, const std::string& text, base::Timestamp at,
                        const std::string& category = "delivery") {
  model::Mention m;
  m.channel = channel;
  m.native_id = native_id;
  m.source = "test";
  m.author.handle = handle;
  m.author.display_name = name;
  m.direction = model::Direction::kInbound;
  m.created_at = at;
  m.text = text;
  m.language = "fr";
  m.language_confidence = 1;
  m.language_declared = true;
  m.enrichment.needs_reply = true;
  m.enrichment.needs_reply_score = 0.95;
  m.enrichment.sentiment = "negative";
  m.enrichment.category = category;
  m.enrichment.category_score = 0.9;
  m.enrichment.severity = 70;
  m.enrichment.severity_level = "high";
  m.enrichment.severity_reasons = {"delay"};
  return m;
}

class CareApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/ecoute-care-api-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;

    ASSERT_NO_FATAL_FAILURE(testing::OpenMemoryStore(store_, nullptr, &clock_));
    auto cases = care::CaseDb::Open(dir_ + "/cases.db", clock_);
    ASSERT_TRUE(cases.ok()) << cases.status().ToString();
    cases_ = std::move(*cases);
    auto contacts = contacts::ContactStore::Open(dir_ + "/contacts.db", contacts::ContactOptions{}, clock_);
    ASSERT_TRUE(contacts.ok()) << contacts.status().ToString();
    contacts_ = std::move(*contacts);
    auto canned = care::CannedStore::Open(dir_ + "/canned.db", clock_);
    ASSERT_TRUE(canned.ok()) << canned.status().ToString();
    canned_ = std::move(*canned);

    // Accounts: a lead, two agents and a viewer; the team "support".
    auth_ = std::make_unique<auth::testing::TestAuth>(&clock_);
    for (auto [login, role] : {std::pair{"lea", auth::Role::kLead}, std::pair{"alice", auth::Role::kAgent},
                               std::pair{"bob", auth::Role::kAgent}, std::pair{"vera", auth::Role::kViewer}}) {
      auth::User u = auth_->AddUser(login, role);
      users_[login] = auth::Principal{u.id, u.login, u.display_name, u.role, "token", 1, 0};
    }
    auth::Team team;
    team.name = "support";
    team.member_ids = {users_["lea"].user_id, users_["alice"].user_id, users_["bob"].user_id};
    auto t = auth_->directory().CreateTeam(team, auth::Actor{"test"});
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    team_id_ = t->id;

    care::CareOptions options;
    options.settings.default_team = "support";
    options.tick_ms = 20;
    care::CareDeps deps;
    deps.cases = cases_.get();
    deps.contacts = contacts_.get();
    deps.canned = canned_.get();
    deps.directory = &auth_->directory();
    deps.store = store_.get();
    deps.clock = &clock_;
    // A reply is stored as an outbound mention and goes through the
    // pipeline's commit listener, as in the app.
    deps.store_outbound = [this](const model::Mention& m) -> base::Result<int64_t> {
      std::vector<model::Mention> batch = {m};
      base::Status s = Write(batch);
      if (!s.ok()) return s;
      service_->OnCommit(batch);
      return batch[0].id;
    };
    auto svc = care::CareService::Create(options, deps);
    ASSERT_TRUE(svc.ok()) << svc.status().ToString();
    service_ = std::move(*svc);
    ASSERT_TRUE(service_->Start().ok());

    ExplainFn explain = [](const model::Mention& m) -> base::Result<std::string> {
      return json{{"category", {{"words", {"colis"}}, {"mention_id", m.id}}}}.dump();
    };
    api_ = std::make_unique<CareApi>(service_.get(), *store_, explain, &auth_->directory(), clock_);
    StartServer(api_.get());
  }

  void TearDown() override {
    StopServer();
    if (service_) service_->Stop();
    service_.reset();
    api_.reset();
    canned_.reset();
    contacts_.reset();
    cases_.reset();
    store_.reset();
    auth_.reset();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  void StartServer(CareApi* api) {
    http_ = std::make_unique<httplib::Server>();
    for (const CareRoute& r : CareApi::Routes()) {
      auto handler = [this, api, r](const httplib::Request& req, httplib::Response& res) {
        const std::string as = req.has_header("X-Test-As") ? req.get_header_value("X-Test-As") : "lea";
        const auth::Principal who = users_.at(as);
        Reply out;
        if (!auth::RoleAllows(who.role, r.permission)) {
          out = ErrorReply(403, "permission_denied",
                           "needs the " + std::string(auth::PermissionName(r.permission)) + " permission");
        } else {
          out = (api->*r.handler)(req, RouteInfo{r.method, r.path, r.query_params}, who);
        }
        res.status = out.status;
        if (out.status != 204) res.set_content(out.body, out.content_type);
      };
      if (!RegisterRoute(*http_, r.method, r.path, handler)) ADD_FAILURE() << "unexpected method " << r.method;
    }
    port_ = http_->bind_to_any_port("127.0.0.1");
    ASSERT_GT(port_, 0);
    server_thread_ = std::thread([this] { http_->listen_after_bind(); });
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (!http_->is_running() && std::chrono::steady_clock::now() < deadline)
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    ASSERT_TRUE(http_->is_running());
  }

  void StopServer() {
    if (http_) http_->stop();
    if (server_thread_.joinable()) server_thread_.join();
    http_.reset();
  }

  // Writes mentions to the store (ids set in `batch`).
  base::Status Write(std::vector<model::Mention>& batch) {
    std::lock_guard lock(write_mu_);
    std::vector<store::WriteOutcome> outcomes;
    auto r = store_->Write(batch, {}, &outcomes);
    return r.ok() ? base::Status::Ok() : r.status();
  }

  // Stores `batch` and lets the care service turn it into cases.
  void Commit(std::vector<model::Mention> batch) {
    ASSERT_TRUE(Write(batch).ok());
    service_->OnCommit(batch);
    service_->Flush();
  }

  Resp Call(const std::string& method, const std::string& path, const std::string& as = "lea",
            const std::optional<json>& body = std::nullopt) {
    httplib::Client c("127.0.0.1", port_);
    c.set_read_timeout(10);
    httplib::Headers h = {{"X-Test-As", as}};
    const std::string text = body ? body->dump() : "";
    httplib::Result r = [&] {
      if (method == "POST") return c.Post(path, h, text, "application/json");
      if (method == "PUT") return c.Put(path, h, text, "application/json");
      if (method == "PATCH") return c.Patch(path, h, text, "application/json");
      if (method == "DELETE") return c.Delete(path, h);
      return c.Get(path, h);
    }();
    Resp out;
    if (!r) {
      ADD_FAILURE() << method << " " << path << ": no answer";
      return out;
    }
    out.status = r->status;
    out.body = r->body.empty() ? json() : json::parse(r->body, nullptr, false);
    return out;
  }
  Resp Get(const std::string& path, const std::string& as = "lea") { return Call("GET", path, as); }
  Resp Post(const std::string& path, const json& body, const std::string& as = "lea") {
    return Call("POST", path, as, body);
  }

  // Three customers: Jean on Twitter (quotes his e-mail address), Jean by
  // e-mail, Marie on Twitter. Each message opens a case.
  void SeedCases() {
    Commit({Customer(model::Channel::kTwitter, "t1", "jdupont", "Jean Dupont",
                     "Mon colis n'est toujours pas arrivé, écrivez-moi à jean.dupont@example.fr", kStart - 60 * kMinute)});
    Commit({Customer(model::Channel::kEmail, "e1", "jean.dupont@example.fr", "Jean Dupont",
                     "Toujours aucune livraison de mon colis, je suis très déçu", kStart - 30 * kMinute)});
    Commit({Customer(model::Channel::kTwitter, "t2", "mcurie", "Marie Curie",
                     "Livraison du colis en retard de deux semaines", kStart - 20 * kMinute)});
    Resp list = Get("/api/v1/cases?sort=created");
    ASSERT_EQ(list.status, 200) << list;
    ASSERT_EQ(list.body["total"], 3) << list;
    // Newest first.
    marie_case_ = list.body["items"][0]["id"];
    email_case_ = list.body["items"][1]["id"];
    tweet_case_ = list.body["items"][2]["id"];
  }

  std::string CasePath(int64_t id, const std::string& rest = "") {
    return "/api/v1/cases/" + std::to_string(id) + rest;
  }

  base::FakeClock clock_{kStart};
  std::string dir_;
  std::unique_ptr<store::Store> store_;
  std::mutex write_mu_;
  std::unique_ptr<care::CaseDb> cases_;
  std::unique_ptr<contacts::ContactStore> contacts_;
  std::unique_ptr<care::CannedStore> canned_;
  std::unique_ptr<auth::testing::TestAuth> auth_;
  std::map<std::string, auth::Principal> users_;
  int64_t team_id_ = 0;
  std::unique_ptr<care::CareService> service_;
  std::unique_ptr<CareApi> api_;
  std::unique_ptr<httplib::Server> http_;
  std::thread server_thread_;
  int port_ = 0;
  int64_t tweet_case_ = 0, email_case_ = 0, marie_case_ = 0;
};

TEST_F(CareApiTest, ListsAndFiltersCases) {
  SeedCases();
  Resp all = Get("/api/v1/cases");
  ASSERT_EQ(all.status, 200) << all;
  ASSERT_EQ(all.body["items"].size(), 3u);
  json tweet;
  for (const json& item : all.body["items"]) {
    if (item["id"] == tweet_case_) tweet = item;
  }
  ASSERT_FALSE(tweet.is_null());
  EXPECT_EQ(tweet["status"], "new");
  EXPECT_EQ(tweet["channel"], "twitter");
  EXPECT_EQ(tweet["priority"], "high");  // from severity "high"
  EXPECT_EQ(tweet["category"], "delivery");
  EXPECT_EQ(tweet["created_at"], base::FormatTimestamp(kStart - 60 * kMinute));
  EXPECT_EQ(tweet["team"]["id"], team_id_);
  EXPECT_EQ(tweet["team"]["name"], "support");
  EXPECT_TRUE(tweet["assignee"].is_null());
  EXPECT_EQ(tweet["first_response"]["state"], "none");  // no SLA policy
  EXPECT_TRUE(tweet["first_response"]["remaining_ms"].is_null());
  EXPECT_TRUE(tweet["resolved_at"].is_null());
  EXPECT_EQ(tweet["sla_timeline"][0]["kind"], "customer");

  Resp twitter = Get("/api/v1/cases?channel=twitter&status=new,open");
  ASSERT_EQ(twitter.status, 200) << twitter;
  EXPECT_EQ(twitter.body["total"], 2);
  Resp text = Get("/api/v1/cases?q=semaines");
  ASSERT_EQ(text.status, 200) << text;
  ASSERT_EQ(text.body["total"], 1);
  EXPECT_EQ(text.body["items"][0]["id"], marie_case_);
  Resp page = Get("/api/v1/cases?sort=created&limit=1&offset=1");
  ASSERT_EQ(page.status, 200) << page;
  EXPECT_EQ(page.body["total"], 3);
  ASSERT_EQ(page.body["items"].size(), 1u);
  EXPECT_EQ(page.body["items"][0]["id"], email_case_);
  EXPECT_EQ(Get("/api/v1/cases?assignee=none").body["total"], 3);
  EXPECT_EQ(Get("/api/v1/cases?assignee=me", "alice").body["total"], 0);
  EXPECT_EQ(Get("/api/v1/cases?from=" + base::FormatTimestamp(kStart - 25 * kMinute)).body["total"], 1);

  Resp bad = Get("/api/v1/cases?status=bogus");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.field(), "status");
  EXPECT_EQ(Get("/api/v1/cases?sort=size").field(), "sort");
  EXPECT_EQ(Get("/api/v1/cases?assignee=someone").field(), "assignee");
  EXPECT_EQ(Get("/api/v1/cases?limit=0").field(), "limit");
  EXPECT_EQ(Get("/api/v1/cases?colour=red").field(), "colour");
  EXPECT_EQ(Get("/api/v1/cases?from=2025-06-02&to=2025-06-01").field(), "to");
  // A viewer may not read cases (the route's permission).
  EXPECT_EQ(Get("/api/v1/cases", "vera").status, 403);
}

TEST_F(CareApiTest, GetsOneCaseWithItsMessagesAndContact) {
  SeedCases();
  Resp r = Get(CasePath(tweet_case_));
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.body["case"]["id"], tweet_case_);
  ASSERT_EQ(r.body["messages"].size(), 1u);
  const json& m = r.body["messages"][0];
  EXPECT_EQ(m["direction"], "inbound");
  EXPECT_EQ(m["author"], "jdupont");
  EXPECT_EQ(m["mention"]["native_id"], "t1");
  EXPECT_EQ(m["mention"]["category"], "delivery");
  EXPECT_TRUE(r.body["replies"].empty());
  EXPECT_TRUE(r.body["viewers"].empty());
  ASSERT_TRUE(r.body["contact"].is_object()) << r;
  EXPECT_EQ(r.body["contact"]["display_name"], "Jean Dupont");
  EXPECT_EQ(r.body["contact"]["id"], r.body["case"]["contact_id"]);

  EXPECT_EQ(Get(CasePath(999)).status, 404);
  EXPECT_EQ(Get(CasePath(999)).field(), "id");
  EXPECT_EQ(Get("/api/v1/cases/abc").field(), "id");
  EXPECT_EQ(Get(CasePath(tweet_case_) + "?x=1").field(), "x");
}

TEST_F(CareApiTest, PatchesCases) {
  SeedCases();
  const std::string path = CasePath(tweet_case_);
  Resp open = Call("PATCH", path, "alice", json{{"status", "open"}, {"add_tags", {"colis", "retard"}}});
  ASSERT_EQ(open.status, 200) << open;
  EXPECT_EQ(open.body["status"], "open");
  EXPECT_EQ(open.body["tags"], json({"colis", "retard"}));
  Resp untag = Call("PATCH", path, "alice", json{{"remove_tags", {"retard"}}});
  ASSERT_EQ(untag.status, 200) << untag;
  EXPECT_EQ(untag.body["tags"], json({"colis"}));

  // Priority needs assign_cases: an agent is refused, a lead is not.
  Resp refused = Call("PATCH", path, "alice", json{{"priority", "urgent"}});
  EXPECT_EQ(refused.status, 403) << refused;
  EXPECT_EQ(refused.field(), "priority");
  Resp urgent = Call("PATCH", path, "lea", json{{"priority", "urgent"}});
  ASSERT_EQ(urgent.status, 200) << urgent;
  EXPECT_EQ(urgent.body["priority"], "urgent");
  EXPECT_EQ(urgent.body["priority_manual"], true);

  EXPECT_EQ(Call("PATCH", path, "lea", json{{"status", "bogus"}}).field(), "status");
  EXPECT_EQ(Call("PATCH", path, "lea", json{{"priority", 3}}).field(), "priority");
  EXPECT_EQ(Call("PATCH", path, "lea", json{{"team_id", 4242}}).field(), "team_id");
  EXPECT_EQ(Call("PATCH", path, "lea", json{{"add_tags", {"ok", ""}}}).field(), "add_tags[1]");
  EXPECT_EQ(Call("PATCH", path, "lea", json{{"colour", "red"}}).field(), "colour");
  Resp empty = Call("PATCH", path, "lea", json::object());
  EXPECT_EQ(empty.status, 400);
  EXPECT_EQ(empty.field(), "body");
  Resp unknown = Call("PATCH", CasePath(999), "lea", json{{"status", "open"}});
  EXPECT_EQ(unknown.status, 404) << unknown;
  EXPECT_EQ(unknown.field(), "id");
  EXPECT_EQ(Call("PATCH", path, "vera", json{{"status", "open"}}).status, 403);

  // Resolved, then the history has the changes in order.
  ASSERT_EQ(Call("PATCH", path, "alice", json{{"status", "resolved"}}).status, 200);
  Resp events = Get(path + "/events");
  ASSERT_EQ(events.status, 200) << events;
  std::vector<std::string> types;
  for (const json& e : events.body["items"]) types.push_back(e["type"]);
  EXPECT_EQ(types.front(), "created");
  EXPECT_NE(std::find(types.begin(), types.end(), "tagged"), types.end());
  EXPECT_NE(std::find(types.begin(), types.end(), "priority"), types.end());
  EXPECT_EQ(events.body["next_after_id"], nullptr);
  // Paging.
  Resp first = Get(path + "/events?limit=1");
  ASSERT_EQ(first.body["items"].size(), 1u);
  const int64_t after = first.body["next_after_id"];
  Resp rest = Get(path + "/events?after_id=" + std::to_string(after));
  EXPECT_EQ(rest.body["items"].size(), events.body["items"].size() - 1);
  EXPECT_EQ(Get(path + "/events?limit=5000").field(), "limit");
}

TEST_F(CareApiTest, AssignsCases) {
  SeedCases();
  const std::string path = CasePath(tweet_case_, "/assign");
  Resp me = Post(path, {{"user_id", "me"}}, "alice");
  ASSERT_EQ(me.status, 200) << me;
  EXPECT_EQ(me.body["assignee"]["id"], users_["alice"].user_id);
  EXPECT_EQ(me.body["assignee"]["login"], "alice");
  EXPECT_EQ(Get("/api/v1/cases?assignee=me", "alice").body["total"], 1);

  // To someone else: only with assign_cases.
  Resp other = Post(path, {{"login", "bob"}}, "alice");
  EXPECT_EQ(other.status, 403) << other;
  Resp bob = Post(path, {{"login", "BOB"}}, "lea");
  ASSERT_EQ(bob.status, 200) << bob;
  EXPECT_EQ(bob.body["assignee"]["login"], "bob");
  Resp by_id = Post(path, {{"user_id", users_["alice"].user_id}}, "lea");
  ASSERT_EQ(by_id.status, 200) << by_id;
  EXPECT_EQ(by_id.body["assignee_id"], users_["alice"].user_id);
  Resp none = Post(path, {{"user_id", nullptr}}, "lea");
  ASSERT_EQ(none.status, 200) << none;
  EXPECT_TRUE(none.body["assignee"].is_null());

  EXPECT_EQ(Post(path, json::object(), "lea").field(), "user_id");
  EXPECT_EQ(Post(path, {{"user_id", 1}, {"login", "bob"}}, "lea").field(), "user_id");
  EXPECT_EQ(Post(path, {{"user_id", "someone"}}, "lea").field(), "user_id");
  EXPECT_EQ(Post(path, {{"login", "nobody"}}, "lea").field(), "login");
  EXPECT_EQ(Post(path, {{"login", "bob"}, {"team", 1}}, "lea").field(), "team");
}

TEST_F(CareApiTest, NotesAndPresence) {
  SeedCases();
  Resp note = Post(CasePath(tweet_case_, "/notes"), {{"text", "called the carrier"}}, "alice");
  ASSERT_EQ(note.status, 201) << note;
  EXPECT_EQ(note.body["id"], tweet_case_);
  Resp events = Get(CasePath(tweet_case_, "/events"));
  bool found = false;
  for (const json& e : events.body["items"]) {
    if (e["type"] == "note") {
      found = true;
      EXPECT_EQ(e["actor"], "alice");
      EXPECT_EQ(e["detail"]["text"], "called the carrier");
    }
  }
  EXPECT_TRUE(found) << events;
  EXPECT_EQ(Post(CasePath(tweet_case_, "/notes"), {{"text", "  "}}, "alice").field(), "text");
  EXPECT_EQ(Post(CasePath(tweet_case_, "/notes"), json::object(), "alice").field(), "text");
  EXPECT_EQ(Post(CasePath(tweet_case_, "/notes"), {{"text", 5}}, "alice").field(), "text");

  Resp viewing = Post(CasePath(tweet_case_, "/presence"), {{"state", "viewing"}}, "bob");
  ASSERT_EQ(viewing.status, 200) << viewing;
  ASSERT_EQ(viewing.body["items"].size(), 1u);
  EXPECT_EQ(viewing.body["items"][0]["login"], "bob");
  EXPECT_EQ(viewing.body["items"][0]["state"], "viewing");
  Resp viewers = Get(CasePath(tweet_case_, "/presence"), "alice");
  ASSERT_EQ(viewers.body["items"].size(), 1u);
  ASSERT_EQ(Post(CasePath(tweet_case_, "/presence"), {{"state", "left"}}, "bob").status, 200);
  EXPECT_TRUE(Get(CasePath(tweet_case_, "/presence")).body["items"].empty());
  EXPECT_EQ(Post(CasePath(tweet_case_, "/presence"), {{"state", "dancing"}}, "bob").field(), "state");
  EXPECT_EQ(Get(CasePath(999, "/presence")).status, 404);

  // Agent presence: online agents get cases; the load shows it.
  Resp online = Post("/api/v1/presence", {{"status", "online"}}, "alice");
  ASSERT_EQ(online.status, 200) << online;
  EXPECT_EQ(online.body["status"], "online");
  Resp agents = Get("/api/v1/agents");
  ASSERT_EQ(agents.status, 200) << agents;
  bool alice_online = false;
  for (const json& a : agents.body["items"]) {
    if (a["login"] == "alice") {
      alice_online = a["presence"] == "online";
      EXPECT_EQ(a["team_ids"], json({team_id_}));
      EXPECT_GT(a["active_cases"].get<int>(), 0);  // the queued cases of her team
    }
  }
  EXPECT_TRUE(alice_online) << agents;
  EXPECT_EQ(Post("/api/v1/presence", {{"status", "busy"}}, "alice").field(), "status");
}

TEST_F(CareApiTest, RepliesWithTheSoftLock) {
  SeedCases();
  // Bob types an answer to the latest customer message: he holds the lock.
  ASSERT_EQ(Post(CasePath(tweet_case_, "/presence"), {{"state", "typing"}}, "bob").status, 200);
  Resp locked = Post(CasePath(tweet_case_, "/replies"), {{"text", "Nous regardons"}}, "alice");
  EXPECT_EQ(locked.status, 409) << locked;
  EXPECT_NE(locked.message().find("bob is replying"), std::string::npos) << locked;
  // Bob himself is not locked out; Alice can force.
  Resp forced = Post(CasePath(tweet_case_, "/replies"), {{"text", "Nous regardons"}, {"force", true}}, "alice");
  ASSERT_EQ(forced.status, 201) << forced;
  EXPECT_EQ(forced.body["case_id"], tweet_case_);
  EXPECT_EQ(forced.body["user_login"], "alice");
  EXPECT_EQ(forced.body["text"], "Nous regardons");
  // No connector for Twitter here: stored on the case, not sent.
  EXPECT_EQ(forced.body["state"], "failed");
  EXPECT_GT(forced.body["mention_id"].get<int64_t>(), 0);
  service_->Flush();

  Resp replies = Get(CasePath(tweet_case_, "/replies"));
  ASSERT_EQ(replies.status, 200) << replies;
  ASSERT_EQ(replies.body["items"].size(), 1u);
  Resp c = Get(CasePath(tweet_case_));
  ASSERT_EQ(c.body["messages"].size(), 2u) << c;
  EXPECT_EQ(c.body["messages"][1]["direction"], "outbound");
  EXPECT_EQ(c.body["messages"][1]["user_id"], users_["alice"].user_id);
  EXPECT_EQ(c.body["case"]["first_response_at"], base::FormatTimestamp(kStart));
  ASSERT_EQ(c.body["replies"].size(), 1u);

  // With a canned response and a status afterwards.
  care::CannedResponse canned;
  canned.name = "retard";
  canned.variants["fr"] = "Bonjour {{contact.first_name}}, votre colis arrive.";
  ASSERT_TRUE(canned_->Create(canned, "lea").ok());
  Resp with_canned = Post(CasePath(email_case_, "/replies"), {{"canned", "retard"}, {"status_after", "pending"}},
                          "alice");
  ASSERT_EQ(with_canned.status, 201) << with_canned;
  EXPECT_EQ(with_canned.body["text"], "Bonjour Jean, votre colis arrive.");
  EXPECT_EQ(with_canned.body["canned"], "retard");
  EXPECT_EQ(Get(CasePath(email_case_)).body["case"]["status"], "pending");

  const std::string path = CasePath(marie_case_, "/replies");
  EXPECT_EQ(Post(path, json::object(), "alice").field(), "text");
  EXPECT_EQ(Post(path, {{"canned", "nope"}}, "alice").field(), "canned");
  EXPECT_EQ(Post(path, {{"text", "x"}, {"status_after", "new"}}, "alice").field(), "status_after");
  EXPECT_EQ(Post(path, {{"text", "x"}, {"language", "f r"}}, "alice").field(), "language");
  EXPECT_EQ(Post(path, {{"text", "x"}, {"in_reply_to", 999999}}, "alice").field(), "in_reply_to");
  EXPECT_EQ(Post(path, {{"text", "x"}, {"force", "yes"}}, "alice").field(), "force");
  EXPECT_EQ(Post(path, {{"text", "x"}, {"cc", "y"}}, "alice").field(), "cc");
  EXPECT_EQ(Post(path, {{"text", "x"}}, "vera").status, 403);
}

TEST_F(CareApiTest, AgentAssist) {
  SeedCases();
  // A resolved case like Marie's, and canned responses to rank.
  ASSERT_EQ(Call("PATCH", CasePath(tweet_case_), "lea", json{{"status", "resolved"}}).status, 200);
  care::CannedResponse delivery;
  delivery.name = "retard-livraison";
  delivery.title = "Retard de livraison";
  delivery.categories = {"delivery"};
  delivery.variants["fr"] = "Bonjour {{contact.first_name|}}, nous relançons le transporteur pour votre colis.";
  ASSERT_TRUE(canned_->Create(delivery, "lea").ok());
  care::CannedResponse billing;
  billing.name = "facture";
  billing.categories = {"billing"};
  billing.variants["en"] = "Your invoice is attached.";
  ASSERT_TRUE(canned_->Create(billing, "lea").ok());

  Resp r = Get(CasePath(marie_case_, "/assist"), "alice");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.body["labels"]["category"], "delivery");
  EXPECT_EQ(r.body["labels"]["severity_level"], "high");
  EXPECT_EQ(r.body["labels"]["needs_reply"], true);
  EXPECT_EQ(r.body["labels"]["sentiment"], "negative");
  EXPECT_EQ(r.body["labels"]["explanation"]["category"]["words"], json({"colis"}));
  ASSERT_EQ(r.body["canned"].size(), 2u) << r;
  const json& best = r.body["canned"][0];
  EXPECT_EQ(best["name"], "retard-livraison");
  EXPECT_EQ(best["reasons"][0], "fits category delivery");
  EXPECT_EQ(best["rendered"]["language"], "fr");
  EXPECT_EQ(best["rendered"]["text"], "Bonjour Marie, nous relançons le transporteur pour votre colis.");
  EXPECT_GT(best["score"].get<double>(), r.body["canned"][1]["score"].get<double>());
  ASSERT_GE(r.body["similar"].size(), 1u) << r;
  EXPECT_EQ(r.body["similar"][0]["case_id"], tweet_case_);
  EXPECT_NE(r.body["similar"][0]["resolved_at"], nullptr);
  const json& terms = r.body["similar"][0]["shared_terms"];
  EXPECT_NE(std::find(terms.begin(), terms.end(), "colis"), terms.end()) << terms;
  EXPECT_EQ(Get(CasePath(999, "/assist")).status, 404);
}

TEST_F(CareApiTest, ContactsTimelineAndIdentifiers) {
  SeedCases();
  const int64_t jean = Get(CasePath(tweet_case_)).body["case"]["contact_id"];
  Resp search = Get("/api/v1/contacts?q=jdupont");
  ASSERT_EQ(search.status, 200) << search;
  ASSERT_FALSE(search.body["items"].empty()) << search;
  EXPECT_EQ(search.body["items"][0]["id"], jean);
  EXPECT_EQ(Get("/api/v1/contacts").field(), "q");

  const std::string path = "/api/v1/contacts/" + std::to_string(jean);
  Resp c = Get(path);
  ASSERT_EQ(c.status, 200) << c;
  EXPECT_EQ(c.body["contact"]["display_name"], "Jean Dupont");
  ASSERT_EQ(c.body["open_cases"].size(), 1u);
  EXPECT_EQ(c.body["open_cases"][0]["id"], tweet_case_);
  EXPECT_EQ(Get("/api/v1/contacts/99999").status, 404);

  Resp vip = Call("PATCH", path, "alice", json{{"vip", true}, {"notes", "client fidèle"}});
  ASSERT_EQ(vip.status, 200) << vip;
  EXPECT_EQ(vip.body["vip"], true);
  EXPECT_EQ(vip.body["notes"], "client fidèle");
  EXPECT_EQ(Call("PATCH", path, "alice", json{{"vip", "yes"}}).field(), "vip");
  EXPECT_EQ(Call("PATCH", path, "alice", json::object()).field(), "body");

  Resp added = Post(path + "/identifiers", {{"type", "phone"}, {"value", "06 12 34 56 78"}}, "alice");
  ASSERT_EQ(added.status, 201) << added;
  bool has_phone = false;
  for (const json& i : added.body["identifiers"]) has_phone = has_phone || i["value"] == "+33612345678";
  EXPECT_TRUE(has_phone) << added;
  EXPECT_EQ(Post(path + "/identifiers", {{"type", "fax"}, {"value", "1"}}, "alice").field(), "type");
  EXPECT_EQ(Post(path + "/identifiers", {{"type", "phone"}, {"value", "12"}}, "alice").field(), "value");
  EXPECT_EQ(Post(path + "/identifiers", {{"type", "handle"}, {"value", "jd"}, {"network", "a b"}}, "alice").field(),
            "network");
  // The e-mail contact holds that address verified: taken.
  Resp taken = Post(path + "/identifiers", {{"type", "email"}, {"value", "jean.dupont@example.fr"}}, "alice");
  EXPECT_EQ(taken.status, 409) << taken;
  EXPECT_EQ(taken.field(), "value");
  Resp removed = Call("DELETE", path + "/identifiers?type=phone&value=%2B33612345678", "alice");
  ASSERT_EQ(removed.status, 200) << removed;
  for (const json& i : removed.body["identifiers"]) EXPECT_NE(i["value"], "+33612345678");
  Resp again = Call("DELETE", path + "/identifiers?type=phone&value=%2B33612345678", "alice");
  EXPECT_EQ(again.status, 404) << again;
  EXPECT_EQ(again.field(), "value");

  Resp timeline = Get(path + "/timeline");
  ASSERT_EQ(timeline.status, 200) << timeline;
  ASSERT_EQ(timeline.body["items"].size(), 1u) << timeline;
  EXPECT_EQ(timeline.body["items"][0]["case_id"], tweet_case_);
  EXPECT_EQ(timeline.body["items"][0]["mention"]["native_id"], "t1");
  EXPECT_EQ(Get(path + "/timeline?before=yesterday").field(), "before");

  Resp audit = Get(path + "/audit");
  ASSERT_EQ(audit.status, 200) << audit;
  std::vector<std::string> actions;
  for (const json& a : audit.body["items"]) actions.push_back(a["action"]);
  EXPECT_NE(std::find(actions.begin(), actions.end(), "vip_changed"), actions.end());
  EXPECT_NE(std::find(actions.begin(), actions.end(), "identifier_removed"), actions.end());
}

TEST_F(CareApiTest, SuggestionsMergeAndUndo) {
  SeedCases();
  const int64_t tweet_contact = Get(CasePath(tweet_case_)).body["case"]["contact_id"];
  const int64_t email_contact = Get(CasePath(email_case_)).body["case"]["contact_id"];
  ASSERT_NE(tweet_contact, email_contact);

  // The e-mail author's address was quoted by the Twitter contact.
  Resp list = Get("/api/v1/link-suggestions", "alice");
  ASSERT_EQ(list.status, 200) << list;
  ASSERT_EQ(list.body["items"].size(), 1u) << list;
  const json& s = list.body["items"][0];
  EXPECT_EQ(s["state"], "pending");
  EXPECT_EQ(std::set<int64_t>({s["contact_a"].get<int64_t>(), s["contact_b"].get<int64_t>()}), std::set<int64_t>({tweet_contact, email_contact}));
  std::set<std::string> kinds;
  for (const json& e : s["evidence"]) kinds.insert(e["kind"]);
  EXPECT_TRUE(kinds.count("quoted_email")) << s;
  const int64_t sid = s["id"];
  EXPECT_EQ(Get("/api/v1/link-suggestions?contact=" + std::to_string(email_contact)).body["items"].size(), 1u);
  EXPECT_EQ(Get("/api/v1/link-suggestions?state=maybe").field(), "state");

  // Rejected: listed as such, and it cannot be decided twice.
  Resp rejected = Post("/api/v1/link-suggestions/" + std::to_string(sid) + "/reject", json::object(), "alice");
  ASSERT_EQ(rejected.status, 200) << rejected;
  EXPECT_EQ(rejected.body["state"], "rejected");
  EXPECT_EQ(rejected.body["decided_by"], "alice");
  EXPECT_TRUE(Get("/api/v1/link-suggestions").body["items"].empty());
  EXPECT_EQ(Get("/api/v1/link-suggestions?state=rejected").body["items"].size(), 1u);
  EXPECT_EQ(Post("/api/v1/link-suggestions/" + std::to_string(sid) + "/accept", json::object(), "alice").status, 409);
  EXPECT_EQ(Post("/api/v1/link-suggestions/" + std::to_string(sid) + "/accept", {{"now", true}}, "alice").field(),
            "now");

  // A lead merges them by hand anyway; then undoes it.
  const std::string into = "/api/v1/contacts/" + std::to_string(tweet_contact);
  EXPECT_EQ(Post(into + "/merge", {{"from", email_contact}}, "alice").status, 403);  // merge_contacts
  EXPECT_EQ(Post(into + "/merge", {{"from", tweet_contact}}, "lea").field(), "from");
  EXPECT_EQ(Post(into + "/merge", {{"from", 99999}}, "lea").field(), "from");
  EXPECT_EQ(Post(into + "/merge", json::object(), "lea").field(), "from");
  Resp merged = Post(into + "/merge", {{"from", email_contact}, {"reason", "same person"}}, "lea");
  ASSERT_EQ(merged.status, 200) << merged;
  EXPECT_EQ(merged.body["merge"]["into"], tweet_contact);
  EXPECT_EQ(merged.body["merge"]["from"], email_contact);
  EXPECT_EQ(merged.body["contact"]["merged_ids"], json({email_contact}));
  // One timeline across channels now, newest first, each with its case.
  Resp timeline = Get(into + "/timeline");
  ASSERT_EQ(timeline.body["items"].size(), 2u) << timeline;
  EXPECT_EQ(timeline.body["items"][0]["channel"], "email");
  EXPECT_EQ(timeline.body["items"][0]["case_id"], email_case_);
  EXPECT_EQ(timeline.body["items"][1]["case_id"], tweet_case_);
  // Paging with the cursor.
  Resp first = Get(into + "/timeline?limit=1");
  ASSERT_EQ(first.body["items"].size(), 1u);
  ASSERT_TRUE(first.body["next_before"].is_string()) << first;
  Resp second = Get(into + "/timeline?limit=1&before=" + first.body["next_before"].get<std::string>());
  ASSERT_EQ(second.body["items"].size(), 1u) << second;
  EXPECT_EQ(second.body["items"][0]["case_id"], tweet_case_);
  EXPECT_EQ(Get(into).body["open_cases"].size(), 2u);

  const int64_t merge_id = merged.body["merge"]["id"];
  Resp undone = Post("/api/v1/contact-merges/" + std::to_string(merge_id) + "/undo", json::object(), "lea");
  ASSERT_EQ(undone.status, 200) << undone;
  EXPECT_EQ(undone.body["merge"]["undone_by"], "lea");
  EXPECT_TRUE(Get(into).body["contact"]["merged_ids"].empty());
  EXPECT_EQ(Post("/api/v1/contact-merges/" + std::to_string(merge_id) + "/undo", json::object(), "lea").status, 409);
  EXPECT_EQ(Post("/api/v1/contact-merges/99999/undo", json::object(), "lea").status, 404);
}

TEST_F(CareApiTest, AcceptingASuggestionMerges) {
  SeedCases();
  Resp list = Get("/api/v1/link-suggestions");
  ASSERT_EQ(list.body["items"].size(), 1u) << list;
  const int64_t sid = list.body["items"][0]["id"];
  Resp accepted = Post("/api/v1/link-suggestions/" + std::to_string(sid) + "/accept", json::object(), "alice");
  ASSERT_EQ(accepted.status, 200) << accepted;
  EXPECT_EQ(accepted.body["merge"]["suggestion_id"], sid);
  const int64_t into = accepted.body["merge"]["into"];
  EXPECT_EQ(Get("/api/v1/contacts/" + std::to_string(into)).body["contact"]["merged_ids"].size(), 1u);
  EXPECT_EQ(Post("/api/v1/link-suggestions/999/accept", json::object(), "alice").status, 404);
}

TEST_F(CareApiTest, CannedResponsesCrudAndRender) {
  SeedCases();
  json body = {{"name", "merci"},
               {"title", "Remerciement"},
               {"categories", {"delivery"}},
               {"variants", {{"fr", "Merci {{contact.first_name}}, dossier {{case.id}}."}, {"en", "Thanks!"}}}};
  EXPECT_EQ(Post("/api/v1/canned-responses", body, "alice").status, 403);  // manage_care
  Resp created = Post("/api/v1/canned-responses", body, "lea");
  ASSERT_EQ(created.status, 201) << created;
  const int64_t id = created.body["id"];
  EXPECT_EQ(created.body["updated_by"], "lea");
  EXPECT_EQ(Post("/api/v1/canned-responses", body, "lea").status, 409);
  EXPECT_EQ(Post("/api/v1/canned-responses", body, "lea").field(), "name");
  json bad = body;
  bad["name"] = "autre";
  bad["variants"] = {{"fr", "Bonjour {{contact.nme}}"}};
  Resp bad_template = Post("/api/v1/canned-responses", bad, "lea");
  EXPECT_EQ(bad_template.status, 400) << bad_template;
  EXPECT_EQ(bad_template.field(), "variants.fr");
  bad = body;
  bad["colour"] = "red";
  EXPECT_EQ(Post("/api/v1/canned-responses", bad, "lea").field(), "colour");

  Resp list = Get("/api/v1/canned-responses", "alice");
  ASSERT_EQ(list.status, 200) << list;
  ASSERT_EQ(list.body["items"].size(), 1u);
  const std::string path = "/api/v1/canned-responses/" + std::to_string(id);
  EXPECT_EQ(Get(path, "alice").body["name"], "merci");

  Resp rendered = Post(path + "/render", {{"case_id", tweet_case_}}, "alice");
  ASSERT_EQ(rendered.status, 200) << rendered;
  EXPECT_EQ(rendered.body["language"], "fr");
  EXPECT_EQ(rendered.body["text"], "Merci Jean, dossier " + std::to_string(tweet_case_) + ".");
  Resp english = Post(path + "/render", {{"case_id", tweet_case_}, {"language", "en"}}, "alice");
  EXPECT_EQ(english.body["text"], "Thanks!");
  EXPECT_EQ(Post(path + "/render", {{"case_id", 999}}, "alice").field(), "case_id");
  EXPECT_EQ(Post(path + "/render", json::object(), "alice").field(), "case_id");

  body["title"] = "Merci";
  Resp replaced = Call("PUT", path, "lea", body);
  ASSERT_EQ(replaced.status, 200) << replaced;
  EXPECT_EQ(replaced.body["title"], "Merci");
  EXPECT_EQ(Call("PUT", "/api/v1/canned-responses/999", "lea", body).status, 404);
  EXPECT_EQ(Call("DELETE", path, "lea").status, 204);
  EXPECT_EQ(Get(path).status, 404);
  EXPECT_EQ(Get(path).field(), "id");
}

TEST_F(CareApiTest, SettingsWithPositionedErrors) {
  SeedCases();
  // Routing rules: the second one names an unknown team.
  json rules = {{"items",
                 {{{"name", "vip"}, {"vip", true}, {"team", "support"}, {"priority", "high"}},
                  {{"name", "billing"}, {"when", "category:billing"}, {"team", "nobody"}}}}};
  Resp bad = Call("PUT", "/api/v1/care/routing-rules", "lea", rules);
  EXPECT_EQ(bad.status, 400) << bad;
  EXPECT_EQ(bad.field().rfind("items[1]", 0), 0u) << bad;
  EXPECT_EQ(Call("PUT", "/api/v1/care/routing-rules", "alice", rules).status, 403);
  rules["items"][1]["team"] = "support";
  Resp ok = Call("PUT", "/api/v1/care/routing-rules", "lea", rules);
  ASSERT_EQ(ok.status, 200) << ok;
  ASSERT_EQ(ok.body["items"].size(), 2u);
  EXPECT_EQ(Get("/api/v1/care/routing-rules", "alice").body["items"][1]["name"], "billing");
  EXPECT_EQ(Call("PUT", "/api/v1/care/routing-rules", "lea", json{{"rules", json::array()}}).field(), "rules");
  EXPECT_EQ(Call("PUT", "/api/v1/care/routing-rules", "lea", json{{"items", 3}}).field(), "items");

  // Calendars: the first one has a malformed interval.
  json calendars = {{"items",
                     {{{"name", "paris"}, {"time_zone", "Europe/Paris"}, {"hours", {{"mon", {"9h-17h"}}}}}}}};
  Resp bad_cal = Call("PUT", "/api/v1/care/calendars", "lea", calendars);
  EXPECT_EQ(bad_cal.status, 400) << bad_cal;
  EXPECT_EQ(bad_cal.field(), "items[0].hours.mon[0]") << bad_cal;
  calendars["items"][0]["hours"]["mon"] = {"09:00-17:00"};
  ASSERT_EQ(Call("PUT", "/api/v1/care/calendars", "lea", calendars).status, 200);
  EXPECT_EQ(Get("/api/v1/care/calendars").body["items"][0]["name"], "paris");

  // SLA policies: an unknown calendar is refused at its place; a good
  // policy gives the open cases running targets.
  json policies = {{"items",
                    {{{"name", "all"}, {"calendar", "24x7"}, {"default", {{"first_response", "3h"}}}},
                     {{"name", "other"}, {"calendar", "lune"}, {"default", {{"first_response", "1h"}}}}}}};
  Resp bad_policy = Call("PUT", "/api/v1/care/sla-policies", "lea", policies);
  EXPECT_EQ(bad_policy.status, 400) << bad_policy;
  EXPECT_EQ(bad_policy.field(), "items[1].calendar") << bad_policy;
  policies["items"].erase(1);
  Resp good_policy = Call("PUT", "/api/v1/care/sla-policies", "lea", policies);
  ASSERT_EQ(good_policy.status, 200) << good_policy;
  EXPECT_EQ(good_policy.body["items"][0]["name"], "all");
  // (Any change stores the case with its re-evaluated SLA.)
  ASSERT_EQ(Call("PATCH", CasePath(tweet_case_), "lea", json{{"add_tags", {"sla"}}}).status, 200);
  Resp c = Get(CasePath(tweet_case_));
  const json& fr = c.body["case"]["first_response"];
  EXPECT_EQ(c.body["case"]["sla_policy"], "all") << c;
  EXPECT_EQ(fr["state"], "running") << fr;
  EXPECT_EQ(fr["target_minutes"], 180);
  // Started an hour ago: two hours left.
  EXPECT_EQ(fr["remaining_ms"], 120 * kMinute) << fr;
  EXPECT_EQ(fr["due_at"], base::FormatTimestamp(kStart + 120 * kMinute));
}

TEST_F(CareApiTest, FiltersCasesByDeadlineAndSlaState) {
  SeedCases();
  // 90 minutes to answer, warned at half of it: the tweet (an hour old) is
  // warned, due in 30 minutes; the e-mail is due in an hour, Marie's in 70
  // minutes.
  json policies = {{"items",
                    {{{"name", "all"},
                      {"calendar", "24x7"},
                      {"default", {{"first_response", "90m"}}},
                      {"warn_at", 0.5}}}}};
  ASSERT_EQ(Call("PUT", "/api/v1/care/sla-policies", "lea", policies).status, 200);
  auto ids = [&](const std::string& query) {
    Resp r = Get("/api/v1/cases?" + query);
    EXPECT_EQ(r.status, 200) << query << ": " << r;
    std::vector<int64_t> out;
    for (const json& c : r.body["items"]) out.push_back(c["id"]);
    EXPECT_EQ(r.body["total"], out.size()) << query;
    return out;
  };
  using V = std::vector<int64_t>;
  const base::Timestamp tweet_due = kStart + 30 * kMinute;
  EXPECT_EQ(ids("due_before=" + base::FormatTimestamp(tweet_due)), (V{}));  // exactly due: not before
  EXPECT_EQ(ids("due_before=" + base::FormatTimestamp(tweet_due + 1)), (V{tweet_case_}));
  EXPECT_EQ(ids("due_before=" + base::FormatTimestamp(kStart + 61 * kMinute)), (V{tweet_case_, email_case_}));
  EXPECT_EQ(ids("sla_state=warning"), (V{tweet_case_}));
  EXPECT_EQ(ids("sla_state=ok&sort=created"), (V{marie_case_, email_case_}));
  EXPECT_EQ(ids("sla_state=breached"), (V{}));
  Resp tweet = Get(CasePath(tweet_case_));
  EXPECT_EQ(tweet.body["case"]["sla_state"], "warning") << tweet;
  EXPECT_EQ(tweet.body["case"]["next_due_at"], base::FormatTimestamp(tweet_due));

  // 40 minutes later the tweet is overdue. The e-mail waits for the
  // customer (pending: its clock stops) and Marie's case is resolved.
  ASSERT_EQ(Call("PATCH", CasePath(email_case_), "lea", json{{"status", "pending"}}).status, 200);
  ASSERT_EQ(Call("PATCH", CasePath(marie_case_), "lea", json{{"status", "resolved"}}).status, 200);
  clock_.Advance(40 * kMinute);
  service_->Flush();
  // The inbox's "breaching soon": due within the hour or overdue, not
  // waiting for the customer, not resolved.
  const std::string soon = "status=new,open&due_before=" + base::FormatTimestamp(clock_.Now() + 60 * kMinute);
  EXPECT_EQ(ids(soon), (V{tweet_case_}));
  EXPECT_EQ(ids("due_before=" + base::FormatTimestamp(clock_.Now() + 600 * kMinute)), (V{tweet_case_}));
  EXPECT_EQ(ids("sla_state=breached"), (V{tweet_case_}));
  EXPECT_EQ(ids("sla_state=warning,breached&breached=true"), (V{tweet_case_}));
  Resp list = Get("/api/v1/cases?" + soon);
  EXPECT_EQ(list.body["items"][0]["sla_state"], "breached");
  EXPECT_EQ(list.body["items"][0]["first_response"]["remaining_ms"], -10 * kMinute);

  EXPECT_EQ(Get("/api/v1/cases?due_before=soon").field(), "due_before");
  EXPECT_EQ(Get("/api/v1/cases?due_before=1969-12-31T00:00:00Z").field(), "due_before");
  EXPECT_EQ(Get("/api/v1/cases?sla_state=late").field(), "sla_state");
  // The CSV export takes the same filters (its reply streams: run here,
  // the harness sends bodies only).
  for (const std::string& filter : {std::string("sla_state"), std::string("due_before")}) {
    httplib::Request req;
    req.params.emplace(filter, filter == "sla_state" ? "breached" : base::FormatTimestamp(clock_.Now()));
    const auto route = std::find_if(CareApi::Routes().begin(), CareApi::Routes().end(),
                                    [](const CareRoute& r) { return r.path == "/api/v1/export/cases.csv"; });
    ASSERT_NE(route, CareApi::Routes().end());
    Reply csv = api_->ExportCases(req, RouteInfo{route->method, route->path, route->query_params}, users_["lea"]);
    ASSERT_EQ(csv.status, 200) << csv.body;
    ASSERT_TRUE(csv.stream);
    std::string body;
    bool done = false;
    httplib::DataSink sink;
    sink.write = [&](const char* d, size_t n) {
      body.append(d, n);
      return true;
    };
    sink.done = [&] { done = true; };
    sink.is_writable = [] { return true; };
    for (int chunks = 0; !done && chunks < 10; ++chunks) ASSERT_TRUE(csv.stream(0, sink));
    ASSERT_TRUE(done);
    // The header and the tweet's row.
    EXPECT_EQ(std::count(body.begin(), body.end(), '\n'), 2) << filter << ": " << body;
    EXPECT_NE(body.find("\n" + std::to_string(tweet_case_) + ","), std::string::npos) << body;
  }
}

TEST_F(CareApiTest, CasesCarryTheirContact) {
  SeedCases();
  auto contact_of = [&](int64_t case_id) -> json {
    Resp r = Get("/api/v1/cases");
    EXPECT_EQ(r.status, 200) << r;
    for (const json& c : r.body["items"]) {
      if (c["id"] == case_id) return c["contact"];
    }
    ADD_FAILURE() << "case " << case_id << " not listed";
    return nullptr;
  };
  const json tweet = contact_of(tweet_case_);
  ASSERT_TRUE(tweet.is_object()) << tweet;
  EXPECT_EQ(tweet["display_name"], "Jean Dupont");
  EXPECT_EQ(tweet["vip"], false);
  // The handle it wrote from (the address it quoted is not verified).
  EXPECT_EQ(tweet["identifier"], (json{{"type", "handle"}, {"network", "twitter"}, {"value", "jdupont"}}));
  const json email = contact_of(email_case_);
  EXPECT_EQ(email["identifier"], (json{{"type", "email"}, {"network", nullptr}, {"value", "jean.dupont@example.fr"}}));
  EXPECT_NE(email["id"], tweet["id"]);
  // GET /api/v1/cases/{id} has it too.
  EXPECT_EQ(Get(CasePath(tweet_case_)).body["case"]["contact"], tweet);

  // Merged, both cases show the canonical contact, each with the
  // identifier of its own channel; a VIP flag shows at once.
  const int64_t tweet_contact = tweet["id"], email_contact = email["id"];
  const std::string contact_path = "/api/v1/contacts/" + std::to_string(tweet_contact);
  ASSERT_EQ(Post(contact_path + "/merge", {{"from", email_contact}}, "lea").status, 200);
  ASSERT_EQ(Call("PATCH", contact_path, "lea", json{{"vip", true}}).status, 200);
  const json merged_email = contact_of(email_case_);
  EXPECT_EQ(merged_email["id"], tweet_contact);
  EXPECT_EQ(merged_email["vip"], true);
  EXPECT_EQ(merged_email["identifier"]["value"], "jean.dupont@example.fr");
  EXPECT_EQ(contact_of(tweet_case_)["identifier"]["value"], "jdupont");
  Resp again = Get(CasePath(email_case_));
  EXPECT_EQ(again.body["case"]["contact_id"], email_contact);  // the case keeps the id it was given
  EXPECT_EQ(again.body["case"]["contact"]["id"], tweet_contact);
}

TEST_F(CareApiTest, ReadsOwnPresence) {
  Resp none = Get("/api/v1/presence", "alice");
  ASSERT_EQ(none.status, 200) << none;
  EXPECT_EQ(none.body, (json{{"user_id", users_["alice"].user_id}, {"status", "offline"}, {"since", nullptr}}));
  Resp online = Post("/api/v1/presence", {{"status", "online"}}, "alice");
  ASSERT_EQ(online.status, 200) << online;
  EXPECT_EQ(online.body["since"], base::FormatTimestamp(kStart));
  // The same status again keeps its start; a change restarts it.
  clock_.Advance(5 * kMinute);
  EXPECT_EQ(Post("/api/v1/presence", {{"status", "online"}}, "alice").body["since"], base::FormatTimestamp(kStart));
  EXPECT_EQ(Get("/api/v1/presence", "alice").body["status"], "online");
  clock_.Advance(kMinute);
  ASSERT_EQ(Post("/api/v1/presence", {{"status", "away"}}, "alice").status, 200);
  Resp away = Get("/api/v1/presence", "alice");
  EXPECT_EQ(away.body["status"], "away");
  EXPECT_EQ(away.body["since"], base::FormatTimestamp(kStart + 6 * kMinute));
  // Each reads their own; the agents list shows it too.
  EXPECT_EQ(Get("/api/v1/presence", "bob").body["status"], "offline");
  json alice;
  const Resp agents = Get("/api/v1/agents");
  for (const json& a : agents.body["items"]) {
    if (a["login"] == "alice") alice = a;
  }
  EXPECT_EQ(alice["presence"], "away") << agents;
  EXPECT_EQ(alice["presence_since"], base::FormatTimestamp(kStart + 6 * kMinute)) << alice;
  EXPECT_EQ(Get("/api/v1/presence", "vera").status, 403);  // work_cases
  EXPECT_EQ(Get("/api/v1/presence?x=1", "alice").field(), "x");
}

TEST_F(CareApiTest, SlaReport) {
  SeedCases();
  // Alice answers the tweet 10 minutes after kStart, i.e. 70 minutes after it came.
  clock_.Advance(10 * kMinute);
  ASSERT_EQ(Post(CasePath(tweet_case_, "/replies"), {{"text", "On s'en occupe"}}, "alice").status, 201);
  service_->Flush();
  Resp r = Get("/api/v1/reports/sla?group_by=channel&target=60&wall_clock=true");
  ASSERT_EQ(r.status, 200) << r;
  EXPECT_EQ(r.body["group_by"], "channel");
  EXPECT_EQ(r.body["cases"], 3);
  EXPECT_EQ(r.body["total"]["first_response"]["cases"], 3);
  EXPECT_EQ(r.body["total"]["first_response"]["done"], 1);
  ASSERT_EQ(r.body["groups"].size(), 2u) << r;
  const json& twitter = r.body["groups"][1];
  EXPECT_EQ(twitter["key"], "twitter");
  EXPECT_EQ(twitter["first_response"]["cases"], 2);
  // 70 minutes against a 60-minute target: breached; Marie's is 30 minutes
  // old and unanswered: running.
  EXPECT_EQ(twitter["first_response"]["breached"], 1);
  EXPECT_EQ(twitter["first_response"]["running"], 1);
  EXPECT_EQ(twitter["first_response"]["p50_minutes"], 70.0);

  Resp team = Get("/api/v1/reports/sla?group_by=team");
  ASSERT_EQ(team.status, 200) << team;
  ASSERT_EQ(team.body["groups"].size(), 1u) << team;
  EXPECT_EQ(team.body["groups"][0]["key"], "support");
  Resp window = Get("/api/v1/reports/sla?from=" + base::FormatTimestamp(kStart - 25 * kMinute));
  EXPECT_EQ(window.body["cases"], 1);

  EXPECT_EQ(Get("/api/v1/reports/sla?group_by=colour").field(), "group_by");
  EXPECT_EQ(Get("/api/v1/reports/sla?target=0").field(), "target");
  EXPECT_EQ(Get("/api/v1/reports/sla?wall_clock=maybe").field(), "wall_clock");
}

TEST_F(CareApiTest, EveryRouteAnswers503WhenDisabled) {
  StopServer();
  CareApi disabled(nullptr, *store_, nullptr);
  StartServer(&disabled);
  for (const CareRoute& r : CareApi::Routes()) {
    std::string path = r.path;
    for (size_t at; (at = path.find("{id}")) != std::string::npos;) path.replace(at, 4, "1");
    if (r.path == "/api/v1/contacts") path += "?q=jean";  // q is required, checked first
    Resp got = Call(r.method, path, "lea", r.method == "GET" || r.method == "DELETE" ? std::nullopt
                                                                                      : std::optional<json>(json::object()));
    EXPECT_EQ(got.status, 503) << r.method << " " << r.path << ": " << got;
  }
  StopServer();
}

}  // namespace
}  // namespace ecoute::api
