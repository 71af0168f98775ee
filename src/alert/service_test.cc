// AlertService end to end over a real SQLite store and a local webhook
// receiver: an alert is notified, persisted with its history and delivery
// log, and re-attached after a restart; a receiver that stalls does not slow
// OnCommit; spike baselines are learned from the stored history at Start;
// the care inbox's SLA events go the same way.
#include "alert/service.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include <nlohmann/json.hpp>

#include "alert/notifier_testing.h"
#include "store/sqlite_store.h"

namespace ecoute::alert {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr base::Timestamp kStart = 1'780'315'200'000;  // 2026-06-01T12:00:00Z

using test_util::Receiver;
using test_util::WaitFor;

class AlertServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("ecoute-alert-service-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
    OpenStore();
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  void OpenStore() {
    store::SqliteOptions so;
    so.path = (dir_ / "e.db").string();
    so.synchronous = "normal";
    so.clock = &clock_;
    auto st = store::OpenSqliteStore(so);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
  }
  std::unique_ptr<AlertService> Make(std::vector<json> rules, const std::string& url, int64_t timeout_ms = 2000) {
    ServiceOptions o;
    for (const json& j : rules) o.rules.push_back(*RuleFromJson(j));
    if (!url.empty()) {
      NotifierSpec n;
      n.name = "ops";
      n.type = "webhook";
      n.webhook.url = url;
      n.webhook.secret = "k";
      n.webhook.delivery.timeout_ms = timeout_ms;
      n.webhook.delivery.max_attempts = 1;
      o.notifiers.push_back(n);
    }
    o.tick_ms = 20;
    auto s = AlertService::Create(std::move(o), *store_, [] { return std::map<int64_t, std::string>{{1, "acme"}}; },
                                  clock_);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    EXPECT_TRUE((*s)->Start().ok());
    return std::move(*s);
  }
  model::Mention Msg(int64_t id, const std::string& sentiment = "negative") {
    model::Mention m;
    m.id = id;
    m.channel = model::Channel::kTwitter;
    m.native_id = "n" + std::to_string(id);
    m.author.handle = "marie";
    m.direction = model::Direction::kInbound;
    m.created_at = clock_.Now();
    m.text = "colis perdu, personne ne répond";
    m.language = "fr";
    m.enrichment.matched_queries = {1};
    m.enrichment.sentiment = sentiment;
    return m;
  }

  std::filesystem::path dir_;
  base::FakeClock clock_{kStart};
  std::unique_ptr<store::Store> store_;
};

TEST_F(AlertServiceTest, NotifiesPersistsAndLogsTheDelivery) {
  Receiver rx([](int) { return 200; });
  auto svc = Make({{{"name", "neg"}, {"kind", "mention"}, {"sentiments", {"negative"}}}}, rx.url());
  svc->OnCommit({Msg(1), Msg(2, "positive")});
  ASSERT_TRUE(WaitFor([&] { return rx.received().size() == 1; }));
  test_util::Received got = rx.received()[0];
  EXPECT_TRUE(VerifySignature("k", got.timestamp, got.body, got.signature));
  json body = json::parse(got.body);
  EXPECT_EQ(body["rule"], "neg");
  EXPECT_EQ(body["alert_id"], 1);
  ASSERT_TRUE(WaitFor([&] {
    auto d = svc->Deliveries({});
    return d.ok() && !d->empty();
  }));
  auto alerts = svc->Alerts({});
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].notified_count, 1);
  auto history = svc->History(1);
  ASSERT_TRUE(history.ok());
  ASSERT_GE(history->size(), 2u);
  EXPECT_EQ((*history)[0].type, "opened");
  EXPECT_EQ((*history)[1].type, "notified");
  auto deliveries = svc->Deliveries({});
  EXPECT_EQ((*deliveries)[0].state, "delivered");
  EXPECT_EQ((*deliveries)[0].notifier, "ops");
  EXPECT_EQ((*deliveries)[0].alert_id, 1);
}

TEST_F(AlertServiceTest, OpenAlertsAreReattachedAfterARestart) {
  json rule = {{"name", "neg"}, {"kind", "mention"}, {"group_minutes", 60}};
  {
    auto svc = Make({rule}, "");
    svc->OnCommit({Msg(1)});
    svc->Stop();
  }
  auto svc = Make({rule}, "");
  clock_.Advance(60'000);
  svc->OnCommit({Msg(2)});
  ASSERT_TRUE(WaitFor([&] {
    auto a = svc->GetAlert(1);
    return a.ok() && a->trigger_count == 2;
  }));
  auto all = svc->Alerts({});
  EXPECT_EQ(all->size(), 1u);
  // Acknowledge and resolve through the service; a resolved alert cannot be
  // acknowledged.
  auto acked = svc->Acknowledge(1, "ana", "on it");
  ASSERT_TRUE(acked.ok());
  EXPECT_EQ(acked->status, store::AlertStatus::kAcknowledged);
  ASSERT_TRUE(svc->Resolve(1, "ana", "done").ok());
  EXPECT_EQ(svc->Acknowledge(1, "ana", "").status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(svc->Acknowledge(77, "ana", "").status().code(), base::StatusCode::kNotFound);
}

TEST_F(AlertServiceTest, AStalledReceiverDoesNotHoldBackOnCommit) {
  Receiver rx([](int) { return 200; }, 5, 3000ms);  // every request takes 3 s
  auto svc = Make({{{"name", "neg"}, {"kind", "mention"}, {"group_minutes", 0}, {"throttle_per_hour", 0}}},
                  rx.url(), /*timeout_ms=*/5000);
  auto t0 = std::chrono::steady_clock::now();
  for (int i = 1; i <= 200; ++i) svc->OnCommit({Msg(i)});
  auto elapsed = std::chrono::steady_clock::now() - t0;
  // 200 notifications queued behind a receiver that needs 3 s for each: the
  // commits still return at once (well under one receiver round trip).
  EXPECT_LT(elapsed, 2000ms);
  EXPECT_EQ(svc->Stats().engine.opened, 200u);
  EXPECT_GE(svc->Stats().notifiers.at("ops").pending, 190u);
  svc->Stop();  // abandons the queue: dead letters "stopped"
  auto dead = store_->Deliveries({0, "", "dead", 0, 1000});
  ASSERT_TRUE(dead.ok());
  EXPECT_GE(dead->size(), 150u);
}

TEST_F(AlertServiceTest, RulesThroughTheServiceAreValidatedAndStored) {
  auto svc = Make({{{"name", "cfg"}, {"kind", "severity"}}}, "");
  auto bad = svc->CreateRule({{"name", "x"}, {"kind", "mention"}, {"queries", {"nope"}}});
  EXPECT_EQ(bad.status().message(), "queries[0]: unknown query \"nope\"");
  ASSERT_TRUE(svc->CreateRule({{"name", "x"}, {"kind", "mention"}, {"queries", {"acme"}}}).ok());
  EXPECT_EQ(svc->CreateRule({{"name", "cfg"}, {"kind", "mention"}}).status().code(), base::StatusCode::kAlreadyExists);
  EXPECT_EQ(svc->DeleteRule("cfg").code(), base::StatusCode::kFailedPrecondition);
  // A reload of ecoute.yaml: checked first, nothing changes on error.
  EXPECT_EQ(svc->ReplaceConfigRules({*RuleFromJson({{"name", "x"}, {"kind", "mention"}})}).message(),
            "rule x: an alert rule of that name was created through the API");
  EXPECT_EQ(svc->ReplaceConfigRules({*RuleFromJson({{"name", "y"}, {"kind", "mention"}, {"queries", {"zz"}}})}).message(),
            "rule y: queries[0]: unknown query \"zz\"");
  EXPECT_EQ(svc->Rules().size(), 2u);
  ASSERT_TRUE(svc->ReplaceConfigRules({*RuleFromJson({{"name", "cfg2"}, {"kind", "high_reach"}})}).ok());
  EXPECT_EQ(svc->Rules()[0].name, "cfg2");
  EXPECT_EQ(svc->Rules().size(), 2u);
  svc->Stop();
  svc.reset();
  auto again = Make(std::vector<json>{}, "");
  auto rules = again->Rules();
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].name, "x");
  EXPECT_EQ(rules[0].origin, "api");
}

TEST_F(AlertServiceTest, AnSlaBreachIsStoredAndNotifiedWithTheCaseLink) {
  Receiver rx([](int) { return 200; });
  auto svc = Make({{{"name", "sla-breach"}, {"kind", "sla"}, {"events", {"breach"}}}}, rx.url());
  SlaEventInput e;
  e.kind = "breach";
  e.target = "first_response";
  e.case_id = 42;
  e.subject = "Colis perdu";
  e.team = "care";
  e.priority = "urgent";
  e.channel = "email";
  e.due_at = kStart - 60'000;
  e.at = kStart;
  e.case_url = "https://ecoute.example/cases/42";
  SlaEventInput warning = e;
  warning.kind = "warning";  // not watched by the rule
  warning.case_id = 43;
  svc->OnSlaEvents({e, warning});
  ASSERT_TRUE(WaitFor([&] { return rx.received().size() == 1; }));
  test_util::Received got = rx.received()[0];
  EXPECT_TRUE(VerifySignature("k", got.timestamp, got.body, got.signature));
  json body = json::parse(got.body);
  EXPECT_EQ(body["rule"], "sla-breach");
  EXPECT_EQ(body["kind"], "sla");
  EXPECT_EQ(body["level"], "critical");
  EXPECT_EQ(body["alert_id"], 1);
  EXPECT_EQ(body["url"], "https://ecoute.example/cases/42");
  EXPECT_EQ(body["title"], "SLA breach: first response of case 42 (urgent, team care) was due 11:59");
  EXPECT_EQ(body["payload"]["case_id"], 42);
  auto alerts = svc->Alerts({});
  ASSERT_TRUE(alerts.ok());
  ASSERT_EQ(alerts->size(), 1u);
  EXPECT_EQ((*alerts)[0].kind, "sla");
  EXPECT_EQ((*alerts)[0].group_key, "case=42/target=first_response");
  EXPECT_EQ((*alerts)[0].notified_count, 1);
  auto history = svc->History(1);
  ASSERT_TRUE(history.ok());
  ASSERT_GE(history->size(), 2u);
  EXPECT_EQ((*history)[1].type, "notified");
  ASSERT_TRUE(WaitFor([&] {
    auto d = svc->Deliveries({});
    return d.ok() && !d->empty() && (*d)[0].state == "delivered";
  }));
  EXPECT_EQ(svc->Stats().engine.sla_events, 2u);
}

TEST_F(AlertServiceTest, SlaRuleTeamsAreCheckedWhenTheTeamsAreKnown) {
  ServiceOptions o;
  o.rules.push_back(*RuleFromJson({{"name", "s"}, {"kind", "sla"}, {"teams", {"care", "nope"}}}));
  o.team_names = [] { return std::vector<std::string>{"care"}; };
  auto s = AlertService::Create(o, *store_, {}, clock_);
  EXPECT_EQ(s.status().message(), "rule s: teams[1]: unknown team \"nope\"");
  o.rules.clear();
  s = AlertService::Create(o, *store_, {}, clock_);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->CreateRule({{"name", "t"}, {"kind", "sla"}, {"teams", {"billing"}}}).status().message(),
            "teams[0]: unknown team \"billing\"");
  EXPECT_TRUE((*s)->CreateRule({{"name", "t"}, {"kind", "sla"}, {"teams", {"care"}}}).ok());
  // Before Start() SLA events are ignored.
  (*s)->OnSlaEvents({SlaEventInput{"breach", "resolution", 1, "", "care", "high", "chat", "", 0, 0, kStart, ""}});
  EXPECT_EQ((*s)->Stats().engine.sla_events, 0u);
}

}  // namespace
}  // namespace ecoute::alert
