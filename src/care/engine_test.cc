#include "care/engine.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "base/time.h"

namespace ecoute::care {
namespace {

constexpr int64_t kMin = 60'000;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;

base::Timestamp T(const char* iso) { return base::ParseTimestamp(iso).value(); }

model::Mention Msg(int64_t id, const std::string& text, base::Timestamp at, bool needs_reply = true,
                   const std::string& thread = "") {
  model::Mention m;
  m.id = id;
  m.channel = model::Channel::kTwitter;
  m.native_id = "t" + std::to_string(id);
  m.thread_id = thread.empty() ? m.native_id : thread;
  m.author.handle = "client" + std::to_string(id);
  m.author.display_name = "Client";
  m.direction = model::Direction::kInbound;
  m.created_at = at;
  m.text = text;
  m.language = "fr";
  m.enrichment.needs_reply = needs_reply;
  m.enrichment.severity_level = "medium";
  m.enrichment.severity = 40;
  m.enrichment.category = "delivery";
  m.entities.mentions = {"AcmeSupport"};
  return m;
}

model::Mention Answer(int64_t id, const std::string& thread, base::Timestamp at) {
  model::Mention m;
  m.id = id;
  m.channel = model::Channel::kTwitter;
  m.native_id = "t" + std::to_string(id);
  m.thread_id = thread;
  m.author.handle = "AcmeSupport";
  m.direction = model::Direction::kOutbound;
  m.created_at = at;
  m.text = "Bonjour, nous regardons.";
  return m;
}

class EngineTest : public ::testing::Test {
 protected:
  void SetUp() override { Build({}); }

  void Build(CareSettings s, std::vector<AgentInfo> agents = {}) {
    if (s.routing.empty()) {
      RoutingRule billing;
      billing.name = "billing";
      billing.when = "facture OR prélèvement";
      billing.team = "billing";
      s.routing.push_back(billing);
    }
    if (s.default_team.empty()) s.default_team = "care";
    s.own_accounts = {"@AcmeSupport"};
    if (s.sla_policies.empty()) {
      SlaPolicy p;
      p.name = "social";
      p.calendar = "24x7";
      p.default_targets = SlaTargets{30, 30, 24 * 60};
      s.sla_policies.push_back(p);
    }
    std::vector<TeamInfo> teams = {{1, "care", "round_robin", {10, 11}}, {2, "billing", "least_loaded", {12, 13}}};
    if (agents.empty()) {
      agents = {{10, "ana", "Ana", 2, {1}, false}, {11, "bob", "Bob", 2, {1}, false},
                {12, "cid", "Cid", 5, {2}, false}, {13, "dan", "Dan", 5, {2}, false}};
    }
    auto e = CaseEngine::Create(std::move(s), std::move(agents), std::move(teams), {});
    ASSERT_TRUE(e.ok()) << e.status().ToString();
    engine_ = std::move(e).value();
  }

  EngineOutput Observe(std::vector<model::Mention> ms, std::vector<int64_t> contacts = {}, base::Timestamp now = 0) {
    EngineOutput out;
    if (contacts.empty()) contacts.assign(ms.size(), 0);
    if (now == 0) now = ms.back().created_at;
    engine_->Observe(ms, contacts, nullptr, now, &out);
    return out;
  }

  static int Count(const EngineOutput& out, const std::string& type) {
    return static_cast<int>(std::count_if(out.write.events.begin(), out.write.events.end(),
                                          [&](const CaseEvent& e) { return e.type == type; }));
  }

  std::unique_ptr<CaseEngine> engine_;
  const base::Timestamp t0_ = T("2026-03-02T10:00:00Z");  // a Monday
};

TEST_F(EngineTest, MessageThatNeedsAReplyOpensACaseRoutedToItsTeam) {
  auto out = Observe({Msg(1, "Mon colis n'est jamais arrivé", t0_), Msg(2, "Merci pour tout", t0_ + 1, false)});
  ASSERT_EQ(out.write.cases.size(), 1u);
  const CaseRecord& c = out.write.cases[0];
  EXPECT_EQ(c.id, 1);
  EXPECT_EQ(c.status, CaseStatus::kNew);
  EXPECT_EQ(c.team_id, 1);
  EXPECT_EQ(c.routing_rule, "");
  EXPECT_EQ(c.account, "AcmeSupport");
  EXPECT_EQ(c.thread_key, "twitter:t1");
  EXPECT_EQ(c.category, "delivery");
  EXPECT_EQ(c.priority, Priority::kNormal);
  EXPECT_EQ(c.sla_policy, "social");
  EXPECT_EQ(c.first_response.due_at, t0_ + 30 * kMin);
  EXPECT_EQ(Count(out, "created"), 1);
  ASSERT_EQ(out.write.messages.size(), 1u);
  EXPECT_EQ(out.write.messages[0].mention_id, 1);

  auto billing = Observe({Msg(3, "Ma facture est fausse", t0_ + 2)});
  ASSERT_EQ(billing.write.cases.size(), 1u);
  EXPECT_EQ(billing.write.cases[0].team_id, 2);
  EXPECT_EQ(billing.write.cases[0].routing_rule, "billing");
}

TEST_F(EngineTest, ThreadMessagesJoinAndTheBrandsAnswerMeetsTheFirstResponse) {
  Observe({Msg(1, "Mon colis est perdu", t0_)});
  auto follow = Observe({Msg(2, "Toujours rien", t0_ + 5 * kMin, false, "t1")});
  ASSERT_EQ(follow.write.cases.size(), 1u);
  EXPECT_EQ(follow.write.cases[0].message_count, 2);
  EXPECT_EQ(Count(follow, "message"), 1);

  auto ans = Observe({Answer(3, "t1", t0_ + 20 * kMin)});
  ASSERT_EQ(ans.write.cases.size(), 1u);
  const CaseRecord& c = ans.write.cases[0];
  EXPECT_EQ(c.status, CaseStatus::kOpen);
  EXPECT_EQ(c.first_response_at, t0_ + 20 * kMin);
  EXPECT_EQ(c.first_response.met_at, t0_ + 20 * kMin);
  EXPECT_FALSE(c.first_response.breached);
  EXPECT_EQ(c.first_response.elapsed_minutes, 20);
  EXPECT_EQ(Count(ans, "sla_met"), 1);
  // An answer in a thread without a case creates nothing.
  EXPECT_TRUE(Observe({Answer(4, "t999", t0_)}).write.cases.empty());
}

TEST_F(EngineTest, SameContactOnAnotherChannelJoinsTheActiveCaseWithinTheWindow) {
  Observe({Msg(1, "Colis perdu", t0_)}, {77});
  model::Mention mail = Msg(2, "Je vous écris aussi par e-mail", t0_ + 2 * kHour);
  mail.channel = model::Channel::kEmail;
  auto out = Observe({mail}, {77});
  ASSERT_EQ(out.write.cases.size(), 1u);
  EXPECT_EQ(out.write.cases[0].id, 1);
  EXPECT_EQ(out.write.cases[0].message_count, 2);
  // Four days later (beyond 72 h since their last message): a new case.
  model::Mention late = Msg(3, "Nouveau problème de colis", t0_ + 5 * kDay);
  late.channel = model::Channel::kEmail;
  auto out2 = Observe({late}, {77});
  ASSERT_EQ(out2.write.cases.size(), 1u);
  EXPECT_EQ(out2.write.cases[0].id, 2);
}

TEST_F(EngineTest, ResolvedCaseReopensOnANewCustomerMessageAndClosesLater) {
  Observe({Msg(1, "Colis perdu", t0_)});
  EngineOutput out;
  ASSERT_TRUE(engine_->SetStatus(1, CaseStatus::kResolved, "ana", t0_ + kHour, &out).ok());
  EXPECT_EQ(engine_->Get(1)->status, CaseStatus::kResolved);
  auto re = Observe({Msg(2, "En fait non, toujours rien", t0_ + 2 * kHour, false, "t1")});
  ASSERT_EQ(re.write.cases.size(), 1u);
  EXPECT_EQ(re.write.cases[0].status, CaseStatus::kOpen);
  EXPECT_EQ(re.write.cases[0].reopen_count, 1);
  EXPECT_EQ(Count(re, "reopened"), 1);

  EngineOutput r2;
  ASSERT_TRUE(engine_->SetStatus(1, CaseStatus::kResolved, "ana", t0_ + 3 * kHour, &r2).ok());
  EngineOutput tick;
  engine_->Tick(t0_ + 3 * kHour + 7 * kDay, &tick);
  ASSERT_EQ(tick.write.cases.size(), 1u);
  EXPECT_EQ(tick.write.cases[0].status, CaseStatus::kClosed);
  EXPECT_FALSE(engine_->Get(1).has_value());
  // A message of the closed case's thread now opens a new case.
  auto fresh = Observe({Msg(3, "Encore un souci de colis", t0_ + 8 * kDay, true, "t1")});
  ASSERT_EQ(fresh.write.cases.size(), 1u);
  EXPECT_EQ(fresh.write.cases[0].id, 2);
}

TEST_F(EngineTest, PendingPausesTheResolutionClock) {
  Observe({Msg(1, "Colis perdu", t0_)});
  EngineOutput out;
  ASSERT_TRUE(engine_->SetStatus(1, CaseStatus::kPending, "ana", t0_ + kHour, &out).ok());
  EXPECT_EQ(engine_->Get(1)->resolution.due_at, 0);  // paused
  EngineOutput tick;
  engine_->Tick(t0_ + 3 * kDay, &tick);
  EXPECT_FALSE(engine_->Get(1)->resolution.breached);
  // The customer answers after two days: the clock runs again with 23 h left.
  auto back = Observe({Msg(2, "Voici mon numéro", t0_ + 2 * kDay, false, "t1")});
  ASSERT_FALSE(back.write.cases.empty());
  const CaseRecord& c = back.write.cases.back();
  EXPECT_EQ(c.status, CaseStatus::kOpen);
  EXPECT_EQ(c.resolution.due_at, t0_ + 2 * kDay + 23 * kHour);
}

TEST_F(EngineTest, BreachesAreNoticedByTickWithWarningsBefore) {
  Observe({Msg(1, "Colis perdu", t0_)});
  EXPECT_EQ(engine_->NextTick(), t0_ + 24 * kMin + 1);  // just past 80% of 30 minutes: the warning
  EngineOutput warn;
  engine_->Tick(t0_ + 25 * kMin, &warn);
  ASSERT_EQ(warn.notices.size(), 1u);
  EXPECT_EQ(warn.notices[0].kind, "warning");
  EXPECT_EQ(warn.notices[0].target, "first_response");
  EXPECT_EQ(warn.notices[0].team, "care");
  EngineOutput breach;
  engine_->Tick(t0_ + 31 * kMin, &breach);
  ASSERT_EQ(breach.notices.size(), 1u);
  EXPECT_EQ(breach.notices[0].kind, "breach");
  EXPECT_TRUE(engine_->Get(1)->first_response.breached);
  EXPECT_EQ(Count(breach, "sla_breach"), 1);
  // Nothing more until the resolution's warning.
  EngineOutput quiet;
  engine_->Tick(t0_ + 40 * kMin, &quiet);
  EXPECT_TRUE(quiet.notices.empty());
}

TEST_F(EngineTest, RoundRobinWithinCapacityAndPresenceThenTheQueueDrains) {
  EngineOutput p;
  engine_->SetPresence(10, Presence::kOnline, t0_, &p);
  engine_->SetPresence(11, Presence::kOnline, t0_, &p);
  std::vector<int64_t> assignees;
  for (int i = 1; i <= 5; ++i) {
    auto out = Observe({Msg(i, "Colis perdu numéro " + std::to_string(i), t0_ + i)});
    assignees.push_back(out.write.cases.back().assignee_id);
  }
  // Capacity 2 each: ana, bob, ana, bob, then nobody.
  EXPECT_EQ(assignees, (std::vector<int64_t>{10, 11, 10, 11, 0}));
  auto loads = engine_->Agents();
  EXPECT_EQ(loads[0].active_cases, 2);
  // Resolving one of ana's cases gives her the queued one.
  EngineOutput out;
  ASSERT_TRUE(engine_->SetStatus(1, CaseStatus::kResolved, "ana", t0_ + kHour, &out).ok());
  EXPECT_EQ(engine_->Get(5)->assignee_id, 10);
}

TEST_F(EngineTest, OfflineAgentsGetNothingUntilTheyComeOnline) {
  Observe({Msg(1, "Colis perdu", t0_)});
  EXPECT_EQ(engine_->Get(1)->assignee_id, 0);
  EngineOutput out;
  engine_->SetPresence(11, Presence::kOnline, t0_ + kMin, &out);
  EXPECT_EQ(engine_->Get(1)->assignee_id, 11);
  EXPECT_EQ(Count(out, "assigned"), 1);
}

TEST_F(EngineTest, LeastLoadedPicksTheAgentWithFewestCases) {
  EngineOutput p;
  engine_->SetPresence(12, Presence::kOnline, t0_, &p);
  engine_->SetPresence(13, Presence::kOnline, t0_, &p);
  EngineOutput a1;
  Observe({Msg(1, "facture fausse", t0_)});
  Observe({Msg(2, "facture en double", t0_ + 1)});
  EXPECT_NE(engine_->Get(1)->assignee_id, engine_->Get(2)->assignee_id);
  // Cid takes the first two by hand; the next goes to Dan.
  ASSERT_TRUE(engine_->Assign(2, 12, "lead", t0_ + 2, &a1).ok());
  Observe({Msg(3, "facture encore", t0_ + 3)});
  EXPECT_EQ(engine_->Get(3)->assignee_id, 13);
}

TEST_F(EngineTest, CommandsCheckTheirArguments) {
  Observe({Msg(1, "Colis perdu", t0_)});
  EngineOutput out;
  EXPECT_EQ(engine_->Assign(1, 12, "lead", t0_, &out).status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->Assign(1, 99, "lead", t0_, &out).status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(engine_->Assign(7, 10, "lead", t0_, &out).status().code(), base::StatusCode::kNotFound);
  ASSERT_TRUE(engine_->SetStatus(1, CaseStatus::kOpen, "ana", t0_, &out).ok());
  EXPECT_EQ(engine_->SetStatus(1, CaseStatus::kNew, "ana", t0_, &out).status().code(),
            base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(engine_->Note(1, "", "ana", t0_, &out).status().code(), base::StatusCode::kInvalidArgument);
  auto t = engine_->Transfer(1, 2, "lead", t0_, &out);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t.value().team_id, 2);
  auto tags = engine_->Tag(1, {"vip", "colis"}, {}, "ana", t0_, &out);
  ASSERT_TRUE(tags.ok());
  EXPECT_EQ(tags.value().tags, (std::vector<std::string>{"colis", "vip"}));
  auto pr = engine_->SetPriority(1, Priority::kUrgent, "lead", t0_, &out);
  ASSERT_TRUE(pr.ok());
  EXPECT_TRUE(pr.value().priority_manual);
  // A later, more severe message no longer moves a priority set by a person.
  model::Mention severe = Msg(2, "Je porte plainte", t0_ + kMin, false, "t1");
  severe.enrichment.severity_level = "low";
  Observe({severe});
  EXPECT_EQ(engine_->Get(1)->priority, Priority::kUrgent);
}

TEST_F(EngineTest, SeverityRaisesPriorityUntilAPersonSetsIt) {
  model::Mention m = Msg(1, "Colis perdu", t0_);
  m.enrichment.severity_level = "low";
  Observe({m});
  EXPECT_EQ(engine_->Get(1)->priority, Priority::kLow);
  model::Mention legal = Msg(2, "Je vais porter plainte", t0_ + kMin, false, "t1");
  legal.enrichment.severity_level = "critical";
  legal.enrichment.severity = 95;
  legal.enrichment.severity_reasons = {"legal_threat"};
  Observe({legal});
  EXPECT_EQ(engine_->Get(1)->priority, Priority::kUrgent);
  EXPECT_EQ(engine_->Get(1)->severity_reasons, (std::vector<std::string>{"legal_threat"}));
}

TEST_F(EngineTest, RestoreTakesBackCasesAndNumbersAfterThem) {
  auto out = Observe({Msg(1, "Colis perdu", t0_)});
  CaseRecord stored = out.write.cases[0];
  Build({});
  engine_->Restore({stored}, 41);
  EXPECT_TRUE(engine_->Get(1).has_value());
  auto follow = Observe({Msg(2, "Toujours rien", t0_ + kMin, false, "t1")});
  EXPECT_EQ(follow.write.cases[0].id, 1);
  auto fresh = Observe({Msg(3, "Autre colis perdu", t0_ + 2 * kMin)});
  EXPECT_EQ(fresh.write.cases[0].id, 42);
  // The restored case's SLA is re-evaluated at the first tick.
  EngineOutput tick;
  engine_->Tick(t0_ + 31 * kMin, &tick);
  EXPECT_TRUE(engine_->Get(1)->first_response.breached);
}

TEST_F(EngineTest, ConfigurationErrorsNameThePlace) {
  CareSettings s;
  RoutingRule r;
  r.name = "x";
  r.team = "nope";
  s.routing = {r};
  auto e = CaseEngine::Create(s, {}, {{1, "care", "round_robin", {}}}, {});
  ASSERT_FALSE(e.ok());
  EXPECT_EQ(e.status().message(), "care.routing[0].team: unknown team \"nope\"");
  CareSettings s2;
  SlaPolicy p;
  p.name = "p";
  p.calendar = "mars";
  s2.sla_policies = {p};
  auto e2 = CaseEngine::Create(s2, {}, {}, {});
  ASSERT_FALSE(e2.ok());
  EXPECT_EQ(e2.status().message(), "care.sla_policies[0].calendar: unknown calendar \"mars\"");
  CareSettings s3;
  r.team = "care";
  r.when = "colis AND";
  s3.routing = {r};
  auto e3 = CaseEngine::Create(s3, {}, {{1, "care", "round_robin", {}}}, {});
  ASSERT_FALSE(e3.ok());
  EXPECT_NE(e3.status().message().find("care.routing[0].when: col "), std::string::npos) << e3.status().message();
}

}  // namespace
}  // namespace ecoute::care
