#include "care/sla.h"

#include <gtest/gtest.h>

#include <array>
#include <nlohmann/json.hpp>
#include <random>

namespace ecoute::care {
namespace {

using base::Timestamp;
using nlohmann::json;
using K = SlaEventKind;

constexpr int64_t kMin = 60'000;
constexpr int64_t kHour = 60 * kMin;

class SlaTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto z = base::TimeZone::Load("Europe/Paris");
    ASSERT_TRUE(z.ok());
    paris_ = *z;
    auto cal = BusinessCalendar::FromJson({{"name", "paris"},
                                           {"time_zone", "Europe/Paris"},
                                           {"hours",
                                            {{"mon", {"09:00-17:00"}},
                                             {"tue", {"09:00-17:00"}},
                                             {"wed", {"09:00-17:00"}},
                                             {"thu", {"09:00-17:00"}},
                                             {"fri", {"09:00-17:00"}}}},
                                           {"holiday_sets", {"fr"}}},
                                          "");
    ASSERT_TRUE(cal.ok()) << cal.status().ToString();
    office_ = *cal;
  }
  Timestamp Paris(int y, int mo, int d, int h, int mi) const { return paris_.FromLocal(y, mo, d, h, mi); }
  // Monday 12 January 2026 (a plain working week) at hh:mm, Paris.
  Timestamp Mon(int h, int mi) const { return Paris(2026, 1, 12, h, mi); }

  base::TimeZone paris_ = base::TimeZone::Utc();
  BusinessCalendar office_ = BusinessCalendar::Always();
  BusinessCalendar always_ = BusinessCalendar::Always();
};

SlaTargets FirstResponse(int64_t minutes) {
  SlaTargets t;
  t.first_response_minutes = minutes;
  return t;
}

TEST_F(SlaTest, FirstResponseMetInTime) {
  std::vector<SlaEvent> tl = {{Mon(10, 0), K::kCustomer}, {Mon(10, 20), K::kAgent}};
  SlaState st = EvaluateSla(FirstResponse(30), 0.8, office_, tl, Mon(11, 0));
  const SlaTarget& fr = st.first_response;
  EXPECT_EQ(fr.target_minutes, 30);
  EXPECT_EQ(fr.started_at, Mon(10, 0));
  EXPECT_EQ(fr.met_at, Mon(10, 20));
  EXPECT_EQ(fr.due_at, 0);
  EXPECT_EQ(fr.elapsed_minutes, 20);
  EXPECT_FALSE(fr.breached);
  EXPECT_FALSE(fr.warned);
  EXPECT_EQ(st.next_check, 0);
  // Resolution without a target is still followed.
  EXPECT_EQ(st.resolution.target_minutes, 0);
  EXPECT_EQ(st.resolution.started_at, Mon(10, 0));
  EXPECT_EQ(st.resolution.due_at, 0);
  EXPECT_EQ(st.resolution.elapsed_minutes, -1);
  EXPECT_FALSE(st.resolution.breached);
  // Next response has not started: no reply was followed by a message.
  EXPECT_EQ(st.next_response.started_at, 0);
  EXPECT_EQ(st.next_response_cycles, 0);
  // Minutes are rounded up: 20 min and 1 ms is 21.
  tl[1].at += 1;
  EXPECT_EQ(EvaluateSla(FirstResponse(30), 0.8, office_, tl, Mon(11, 0)).first_response.elapsed_minutes, 21);
  // Exactly at the deadline is in time.
  tl[1].at = Mon(10, 30);
  SlaState exact = EvaluateSla(FirstResponse(30), 0.8, office_, tl, Mon(11, 0));
  EXPECT_FALSE(exact.first_response.breached);
  EXPECT_TRUE(exact.first_response.warned);
  EXPECT_EQ(exact.first_response.elapsed_minutes, 30);
}

TEST_F(SlaTest, FirstResponseBreached) {
  std::vector<SlaEvent> tl = {{Mon(10, 0), K::kCustomer}};
  // Still running, at the deadline: not breached yet.
  SlaState at_due = EvaluateSla(FirstResponse(30), 0.8, office_, tl, Mon(10, 30));
  EXPECT_FALSE(at_due.first_response.breached);
  EXPECT_TRUE(at_due.first_response.warned);
  EXPECT_EQ(at_due.first_response.due_at, Mon(10, 30));
  EXPECT_EQ(at_due.next_check, Mon(10, 30) + 1);
  // One millisecond later it is.
  SlaState late = EvaluateSla(FirstResponse(30), 0.8, office_, tl, Mon(10, 30) + 1);
  EXPECT_TRUE(late.first_response.breached);
  EXPECT_EQ(late.first_response.due_at, Mon(10, 30));  // the deadline that passed
  EXPECT_EQ(late.first_response.met_at, 0);
  EXPECT_EQ(late.first_response.elapsed_minutes, -1);
  EXPECT_EQ(late.next_check, 0);
  // Answered late.
  tl.push_back({Mon(10, 45), K::kAgent});
  SlaState answered = EvaluateSla(FirstResponse(30), 0.8, office_, tl, Mon(12, 0));
  EXPECT_TRUE(answered.first_response.breached);
  EXPECT_TRUE(answered.first_response.warned);
  EXPECT_EQ(answered.first_response.elapsed_minutes, 45);
  EXPECT_EQ(answered.first_response.met_at, Mon(10, 45));
  EXPECT_EQ(answered.first_response.due_at, 0);
}

// The example through the SLA: Friday 16:45, 30 minutes, due Monday
// 09:15; the warning at 80 % (24 minutes) is Monday 09:09.
TEST_F(SlaTest, WarningThresholdAndNextCheck) {
  std::vector<SlaEvent> tl = {{Paris(2026, 1, 9, 16, 45), K::kCustomer}};
  SlaState friday = EvaluateSla(FirstResponse(30), 0.8, office_, tl, Paris(2026, 1, 9, 18, 0));
  EXPECT_EQ(friday.first_response.due_at, Paris(2026, 1, 12, 9, 15));
  EXPECT_FALSE(friday.first_response.warned);
  EXPECT_EQ(friday.next_check, Paris(2026, 1, 12, 9, 9) + 1);
  // Just before next_check nothing changed; at next_check the warning is on.
  SlaState before = EvaluateSla(FirstResponse(30), 0.8, office_, tl, friday.next_check - 1);
  EXPECT_FALSE(before.first_response.warned);
  EXPECT_EQ(before.next_check, friday.next_check);
  SlaState warned = EvaluateSla(FirstResponse(30), 0.8, office_, tl, friday.next_check);
  EXPECT_TRUE(warned.first_response.warned);
  EXPECT_FALSE(warned.first_response.breached);
  EXPECT_EQ(warned.next_check, Paris(2026, 1, 12, 9, 15) + 1);
  SlaState breached = EvaluateSla(FirstResponse(30), 0.8, office_, tl, warned.next_check);
  EXPECT_TRUE(breached.first_response.breached);
  EXPECT_EQ(breached.next_check, 0);
  // A warn_at outside (0, 1): no early warning.
  SlaState no_warn = EvaluateSla(FirstResponse(30), 1.0, office_, tl, Paris(2026, 1, 12, 9, 14));
  EXPECT_FALSE(no_warn.first_response.warned);
  EXPECT_EQ(no_warn.next_check, Paris(2026, 1, 12, 9, 15) + 1);
  // The earliest of several clocks.
  SlaTargets both = FirstResponse(30);
  both.resolution_minutes = 20;
  EXPECT_EQ(EvaluateSla(both, 0.5, office_, tl, Paris(2026, 1, 9, 16, 46)).next_check,
            Paris(2026, 1, 9, 16, 55) + 1);  // resolution's warning at 10 minutes
}

// Resolution target 4 business hours; the case waits for the customer from
// Friday 16:00 to Monday 10:00.
TEST_F(SlaTest, PendingOverTheWeekendDoesNotBreach) {
  SlaTargets t;
  t.resolution_minutes = 240;
  std::vector<SlaEvent> tl = {{Paris(2026, 1, 9, 15, 0), K::kCustomer},
                              {Paris(2026, 1, 9, 15, 30), K::kAgent},
                              {Paris(2026, 1, 9, 16, 0), K::kPending}};
  SlaState saturday = EvaluateSla(t, 0.8, office_, tl, Paris(2026, 1, 10, 12, 0));
  EXPECT_EQ(saturday.resolution.due_at, 0);  // paused
  EXPECT_FALSE(saturday.resolution.breached);
  EXPECT_EQ(saturday.next_check, 0);
  // Still pending on Monday at noon: no breach.
  SlaState monday_pending = EvaluateSla(t, 0.8, office_, tl, Paris(2026, 1, 12, 12, 0));
  EXPECT_FALSE(monday_pending.resolution.breached);
  EXPECT_FALSE(monday_pending.resolution.warned);

  tl.push_back({Paris(2026, 1, 12, 10, 0), K::kResumed});
  SlaState monday = EvaluateSla(t, 0.8, office_, tl, Paris(2026, 1, 12, 12, 0));
  EXPECT_FALSE(monday.resolution.breached);
  EXPECT_EQ(monday.resolution.due_at, Paris(2026, 1, 12, 13, 0));  // 1 h used on Friday, 3 h left
  // The warning at 80 % (3 h 12 min of business time) comes at 12:12.
  EXPECT_FALSE(monday.resolution.warned);
  EXPECT_EQ(monday.next_check, Paris(2026, 1, 12, 12, 12) + 1);
  // Without the pause it would have been due Monday 11:00.
  std::vector<SlaEvent> no_pause(tl.begin(), tl.begin() + 2);
  SlaState unpaused = EvaluateSla(t, 0.8, office_, no_pause, Paris(2026, 1, 12, 12, 0));
  EXPECT_TRUE(unpaused.resolution.breached);
  EXPECT_EQ(unpaused.resolution.due_at, Paris(2026, 1, 12, 11, 0));

  tl.push_back({Paris(2026, 1, 12, 12, 30), K::kResolved});
  SlaState resolved = EvaluateSla(t, 0.8, office_, tl, Paris(2026, 1, 12, 14, 0));
  EXPECT_EQ(resolved.resolution.met_at, Paris(2026, 1, 12, 12, 30));
  EXPECT_EQ(resolved.resolution.elapsed_minutes, 60 + 150);
  EXPECT_FALSE(resolved.resolution.breached);
}

// Every clock pauses while pending, first response included; a reply while
// pending still meets it.
TEST_F(SlaTest, PendingPausesResponseClocks) {
  std::vector<SlaEvent> tl = {{Mon(16, 30), K::kCustomer}, {Mon(16, 40), K::kPending},
                              {Paris(2026, 1, 13, 9, 0), K::kResumed}, {Paris(2026, 1, 13, 9, 30), K::kAgent}};
  SlaState st = EvaluateSla(FirstResponse(60), 0.8, office_, tl, Paris(2026, 1, 13, 10, 0));
  EXPECT_EQ(st.first_response.elapsed_minutes, 40);
  EXPECT_FALSE(st.first_response.breached);
  std::vector<SlaEvent> reply_while_pending = {{Mon(16, 30), K::kCustomer}, {Mon(16, 40), K::kPending},
                                               {Paris(2026, 1, 14, 9, 30), K::kAgent}};
  SlaState p = EvaluateSla(FirstResponse(60), 0.8, office_, reply_while_pending, Paris(2026, 1, 15, 10, 0));
  EXPECT_EQ(p.first_response.met_at, Paris(2026, 1, 14, 9, 30));
  EXPECT_EQ(p.first_response.elapsed_minutes, 10);
  EXPECT_FALSE(p.first_response.breached);
}

TEST_F(SlaTest, ReopenResumesResolution) {
  SlaTargets t;
  t.resolution_minutes = 8 * 60;
  const Timestamp t0 = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
  std::vector<SlaEvent> tl = {{t0, K::kCustomer}, {t0 + kHour, K::kAgent}, {t0 + 5 * kHour, K::kResolved}};
  SlaState resolved = EvaluateSla(t, 0.8, always_, tl, t0 + 9 * kHour);
  EXPECT_EQ(resolved.resolution.met_at, t0 + 5 * kHour);
  EXPECT_EQ(resolved.resolution.elapsed_minutes, 300);
  EXPECT_FALSE(resolved.resolution.breached);
  EXPECT_EQ(resolved.next_check, 0);

  tl.push_back({t0 + 10 * kHour, K::kReopened});
  SlaState reopened = EvaluateSla(t, 0.8, always_, tl, t0 + 12 * kHour);
  EXPECT_EQ(reopened.resolution.met_at, 0);
  EXPECT_EQ(reopened.resolution.elapsed_minutes, -1);
  EXPECT_EQ(reopened.resolution.started_at, t0);
  EXPECT_EQ(reopened.resolution.due_at, t0 + 13 * kHour);  // 5 h used, 3 h left
  EXPECT_TRUE(reopened.resolution.warned);                  // 6.4 h of 8 reached at t0 + 11.4 h
  EXPECT_FALSE(reopened.resolution.breached);
  EXPECT_EQ(reopened.next_check, t0 + 13 * kHour + 1);
  EXPECT_TRUE(EvaluateSla(t, 0.8, always_, tl, t0 + 13 * kHour + 1).resolution.breached);

  tl.push_back({t0 + 14 * kHour, K::kResolved});
  SlaState again = EvaluateSla(t, 0.8, always_, tl, t0 + 20 * kHour);
  EXPECT_EQ(again.resolution.met_at, t0 + 14 * kHour);
  EXPECT_EQ(again.resolution.elapsed_minutes, 9 * 60);
  EXPECT_TRUE(again.resolution.breached);  // stays breached
}

TEST_F(SlaTest, NextResponseCycles) {
  SlaTargets t;
  t.next_response_minutes = 60;
  const Timestamp t0 = 1'767'225'600'000;
  std::vector<SlaEvent> tl = {{t0, K::kCustomer},
                              {t0 + 10 * kMin, K::kAgent},
                              {t0 + 30 * kMin, K::kCustomer},  // cycle 1
                              {t0 + 40 * kMin, K::kCustomer},  // same cycle
                              {t0 + 80 * kMin, K::kAgent},
                              {t0 + 120 * kMin, K::kCustomer}};  // cycle 2
  SlaState c2 = EvaluateSla(t, 0.8, always_, tl, t0 + 150 * kMin);
  EXPECT_EQ(c2.next_response_cycles, 2);
  EXPECT_EQ(c2.next_response_breaches, 0);
  EXPECT_EQ(c2.next_response.started_at, t0 + 120 * kMin);
  EXPECT_EQ(c2.next_response.due_at, t0 + 180 * kMin);
  EXPECT_EQ(c2.next_check, t0 + 168 * kMin + 1);
  // The first cycle was met in 50 minutes (from the first message of the cycle).
  std::vector<SlaEvent> first_cycle(tl.begin(), tl.begin() + 5);
  SlaState c1 = EvaluateSla(t, 0.8, always_, first_cycle, t0 + 100 * kMin);
  EXPECT_EQ(c1.next_response.elapsed_minutes, 50);
  EXPECT_EQ(c1.next_response.met_at, t0 + 80 * kMin);
  EXPECT_FALSE(c1.next_response.breached);

  SlaState late = EvaluateSla(t, 0.8, always_, tl, t0 + 181 * kMin);
  EXPECT_TRUE(late.next_response.breached);
  EXPECT_EQ(late.next_response_breaches, 1);

  tl.push_back({t0 + 210 * kMin, K::kAgent});
  tl.push_back({t0 + 240 * kMin, K::kCustomer});  // cycle 3
  SlaState c3 = EvaluateSla(t, 0.8, always_, tl, t0 + 270 * kMin);
  EXPECT_EQ(c3.next_response_cycles, 3);
  EXPECT_EQ(c3.next_response_breaches, 1);  // cycle 2
  EXPECT_EQ(c3.next_response.started_at, t0 + 240 * kMin);
  EXPECT_FALSE(c3.next_response.breached);  // the current cycle's own state
  EXPECT_FALSE(c3.next_response.warned);
  EXPECT_EQ(c3.next_response.met_at, 0);
  EXPECT_EQ(c3.next_check, t0 + 288 * kMin + 1);
  // First response was met at 10 minutes and is not affected.
  EXPECT_EQ(c3.first_response.elapsed_minutes, 10);
}

// A 3-hour target on the round-the-clock calendar is 3 hours of real time,
// across the spring-forward night too.
TEST_F(SlaTest, ThreeHourTargetRoundTheClock) {
  auto paris_24x7 =
      BusinessCalendar::FromJson({{"name", "p"}, {"time_zone", "Europe/Paris"}, {"hours", "24x7"}}, "");
  ASSERT_TRUE(paris_24x7.ok());
  const Timestamp start = Paris(2026, 3, 28, 23, 30);  // 22:30 UTC
  std::vector<SlaEvent> tl = {{start, K::kCustomer}};
  for (const BusinessCalendar* cal : {&always_, &*paris_24x7}) {
    SlaState st = EvaluateSla(FirstResponse(180), 0.8, *cal, tl, start + kHour);
    EXPECT_EQ(st.first_response.due_at, start + 3 * kHour);
    EXPECT_EQ(st.first_response.due_at, Paris(2026, 3, 29, 3, 30));  // 03:30 summer time
    EXPECT_EQ(st.next_check, start + 144 * kMin + 1);
    std::vector<SlaEvent> answered = {{start, K::kCustomer}, {start + 3 * kHour + kMin, K::kAgent}};
    SlaState late = EvaluateSla(FirstResponse(180), 0.8, *cal, answered, start + 5 * kHour);
    EXPECT_TRUE(late.first_response.breached);
    EXPECT_EQ(late.first_response.elapsed_minutes, 181);
  }
}

TEST_F(SlaTest, TimelineOrderAndFutureEvents) {
  // Same instant: applied in the given order.
  std::vector<SlaEvent> agent_first = {{Mon(10, 0), K::kAgent}, {Mon(10, 0), K::kCustomer}};
  SlaState a = EvaluateSla(FirstResponse(30), 0.8, office_, agent_first, Mon(10, 10));
  EXPECT_EQ(a.first_response.met_at, 0);
  EXPECT_EQ(a.first_response.started_at, Mon(10, 0));
  std::vector<SlaEvent> customer_first = {{Mon(10, 0), K::kCustomer}, {Mon(10, 0), K::kAgent}};
  SlaState b = EvaluateSla(FirstResponse(30), 0.8, office_, customer_first, Mon(10, 10));
  EXPECT_EQ(b.first_response.met_at, Mon(10, 0));
  EXPECT_EQ(b.first_response.elapsed_minutes, 0);
  // Out of order: sorted stably by time.
  std::vector<SlaEvent> unsorted = {{Mon(10, 20), K::kAgent}, {Mon(10, 0), K::kCustomer}};
  SlaState c = EvaluateSla(FirstResponse(30), 0.8, office_, unsorted, Mon(11, 0));
  EXPECT_EQ(c.first_response.met_at, Mon(10, 20));
  EXPECT_EQ(c.first_response.elapsed_minutes, 20);
  // Events after now are ignored.
  SlaState before_reply = EvaluateSla(FirstResponse(30), 0.8, office_, unsorted, Mon(10, 10));
  EXPECT_EQ(before_reply.first_response.met_at, 0);
  EXPECT_EQ(before_reply.first_response.due_at, Mon(10, 30));
  // Nothing at all.
  SlaState empty = EvaluateSla(FirstResponse(30), 0.8, office_, {}, Mon(10, 10));
  EXPECT_EQ(empty.first_response, SlaTarget{30});
  EXPECT_EQ(empty.next_check, 0);
}

// A case resolved without a reply: the response clocks stop (no later
// breach); reopened, they run again.
TEST_F(SlaTest, ResolvedPausesResponseClocks) {
  std::vector<SlaEvent> tl = {{Mon(10, 0), K::kCustomer}, {Mon(10, 10), K::kResolved}};
  SlaState st = EvaluateSla(FirstResponse(30), 0.8, office_, tl, Paris(2026, 1, 20, 10, 0));
  EXPECT_FALSE(st.first_response.breached);
  EXPECT_EQ(st.first_response.due_at, 0);
  EXPECT_EQ(st.first_response.met_at, 0);
  EXPECT_EQ(st.next_check, 0);
  tl.push_back({Mon(14, 0), K::kReopened});
  SlaState re = EvaluateSla(FirstResponse(30), 0.8, office_, tl, Mon(14, 5));
  EXPECT_EQ(re.first_response.due_at, Mon(14, 20));  // 10 minutes used before
}

TEST_F(SlaTest, WithoutTargetsNothingWarns) {
  std::vector<SlaEvent> tl = {{Mon(10, 0), K::kCustomer}, {Mon(11, 0), K::kAgent}, {Mon(12, 0), K::kCustomer}};
  SlaState st = EvaluateSla(SlaTargets{}, 0.8, office_, tl, Paris(2026, 2, 1, 0, 0));
  EXPECT_EQ(st.first_response.elapsed_minutes, 60);
  EXPECT_FALSE(st.first_response.breached);
  EXPECT_EQ(st.next_response.started_at, Mon(12, 0));
  EXPECT_EQ(st.next_response.due_at, 0);
  EXPECT_FALSE(st.next_response.breached);
  EXPECT_FALSE(st.resolution.breached);
  EXPECT_EQ(st.next_check, 0);
}

// Random timelines: after the last event, the flags change exactly at
// next_check (not a millisecond earlier), and never turn off later.
TEST_F(SlaTest, PropertyNextCheckIsExact) {
  std::mt19937_64 rng(42);
  const Timestamp base = Paris(2026, 3, 20, 8, 0);  // the spring-forward weekend ahead
  std::uniform_int_distribution<int64_t> gap(0, 20 * kHour);
  std::uniform_int_distribution<int> kind(0, 9);
  std::uniform_int_distribution<int64_t> target(1, 16 * 60);
  auto flags = [](const SlaState& s) {
    return std::array<bool, 6>{s.first_response.warned, s.first_response.breached, s.next_response.warned,
                               s.next_response.breached, s.resolution.warned, s.resolution.breached};
  };
  int checked = 0;
  for (int round = 0; round < 300; ++round) {
    std::vector<SlaEvent> tl = {{base + gap(rng), K::kCustomer}};
    int n = 1 + static_cast<int>(rng() % 8);
    for (int i = 0; i < n; ++i) {
      static constexpr K kKinds[] = {K::kCustomer, K::kCustomer, K::kCustomer, K::kAgent,    K::kAgent,
                                     K::kAgent,    K::kPending,  K::kResumed,  K::kResolved, K::kReopened};
      tl.push_back({tl.back().at + gap(rng), kKinds[kind(rng)]});
    }
    SlaTargets t{target(rng), target(rng), target(rng) * 3};
    const BusinessCalendar& cal = round % 2 == 0 ? office_ : always_;
    Timestamp now = tl.back().at + gap(rng) / 4;
    SlaState st = EvaluateSla(t, 0.8, cal, tl, now);
    for (int step = 0; step < 8 && st.next_check != 0; ++step) {
      ASSERT_GT(st.next_check, now);
      SlaState before = EvaluateSla(t, 0.8, cal, tl, st.next_check - 1);
      SlaState at = EvaluateSla(t, 0.8, cal, tl, st.next_check);
      ASSERT_EQ(flags(before), flags(st)) << round;
      ASSERT_NE(flags(at), flags(st)) << round;
      for (size_t i = 0; i < 6; ++i) ASSERT_TRUE(!flags(st)[i] || flags(at)[i]) << round;
      now = st.next_check;
      st = at;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
}

// ---------------------------------------------------------------------------
// Policies.

TEST(SlaPolicyTest, ParsesTheDocumentedShape) {
  json j = {{"name", "social"},
            {"calendar", "business_hours"},
            {"channels", {"twitter", "facebook"}},
            {"priorities", {"urgent", "High"}},
            {"teams", {"Social"}},
            {"accounts", "@brand"},
            {"targets",
             {{"urgent", {{"first_response", "30m"}, {"resolution", "4h"}}},
              {"normal", {{"first_response", "3h"}, {"next_response", "1h30m"}, {"resolution", 960}}}}},
            {"default", {{"first_response", "8h"}}},
            {"warn_at", 0.75}};
  auto p = SlaPolicy::FromJson(j, "care.sla_policies[0]");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->name, "social");
  EXPECT_EQ(p->calendar, "business_hours");
  EXPECT_EQ(p->channels, (std::vector<model::Channel>{model::Channel::kTwitter, model::Channel::kFacebook}));
  EXPECT_EQ(p->priorities, (std::vector<Priority>{Priority::kUrgent, Priority::kHigh}));
  EXPECT_EQ(p->teams, std::vector<std::string>{"Social"});
  EXPECT_EQ(p->accounts, std::vector<std::string>{"@brand"});
  EXPECT_EQ(p->TargetsFor(Priority::kUrgent), (SlaTargets{30, 0, 240}));
  EXPECT_EQ(p->TargetsFor(Priority::kNormal), (SlaTargets{180, 90, 960}));
  EXPECT_EQ(p->TargetsFor(Priority::kLow), (SlaTargets{480, 0, 0}));
  EXPECT_DOUBLE_EQ(p->warn_at, 0.75);

  json out = p->ToJson();
  EXPECT_EQ(out["targets"]["normal"]["resolution"], "16h");
  EXPECT_EQ(out["targets"]["normal"]["next_response"], "1h30m");
  auto again = SlaPolicy::FromJson(out, "");
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(*again, *p);
  EXPECT_EQ(again->ToJson(), out);

  auto minimal = SlaPolicy::FromJson({{"name", "all"}}, "");
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ(minimal->calendar, "business_hours");
  EXPECT_DOUBLE_EQ(minimal->warn_at, 0.8);
  EXPECT_EQ(minimal->TargetsFor(Priority::kUrgent), SlaTargets{});
  auto minimal_again = SlaPolicy::FromJson(minimal->ToJson(), "");
  ASSERT_TRUE(minimal_again.ok());
  EXPECT_EQ(*minimal_again, *minimal);
}

TEST(SlaPolicyTest, Durations) {
  EXPECT_EQ(*ParseSlaDuration("45m"), 45);
  EXPECT_EQ(*ParseSlaDuration("3h"), 180);
  EXPECT_EQ(*ParseSlaDuration("1h30m"), 90);
  EXPECT_EQ(*ParseSlaDuration("0h5m"), 5);
  EXPECT_EQ(*ParseSlaDuration("90"), 90);
  for (const char* bad : {"", "h", "3 h", "3H", "1h60m", "1h30", "-5m", "1.5h", "3hm", "m", "12345678901m"}) {
    EXPECT_FALSE(ParseSlaDuration(bad).ok()) << bad;
  }
  EXPECT_EQ(ParseSlaDuration("2d").status().message(),
            "\"2d\": days are ambiguous on a business calendar; write hours of open time (\"48h\" for two full "
            "days, \"16h\" for two 8-hour working days)");
  EXPECT_EQ(ParseSlaDuration("0m").status().message(), "\"0m\" must be at least 1 minute (omit the target to have none)");
  EXPECT_FALSE(ParseSlaDuration("8761h").ok());
  EXPECT_TRUE(ParseSlaDuration("8760h").ok());
  EXPECT_EQ(FormatSlaDuration(45), "45m");
  EXPECT_EQ(FormatSlaDuration(180), "3h");
  EXPECT_EQ(FormatSlaDuration(90), "1h30m");
  EXPECT_EQ(FormatSlaDuration(61), "1h1m");
}

TEST(SlaPolicyTest, JsonErrorsNameThePath) {
  auto err = [](json j) {
    auto p = SlaPolicy::FromJson(j, "care.sla_policies[2]");
    EXPECT_FALSE(p.ok());
    return p.ok() ? std::string() : p.status().message();
  };
  EXPECT_EQ(err({{"name", "x"}, {"targets", {{"urgent", {{"first_response", "2d"}}}}}}),
            "care.sla_policies[2].targets.urgent.first_response: \"2d\": days are ambiguous on a business calendar; "
            "write hours of open time (\"48h\" for two full days, \"16h\" for two 8-hour working days)");
  EXPECT_EQ(err({{"name", "x"}, {"targets", {{"critical", {{"first_response", "2h"}}}}}}),
            "care.sla_policies[2].targets.critical: unknown priority (expected one of: low, normal, high, urgent)");
  EXPECT_EQ(err({{"name", "x"}, {"targets", {{"urgent", {{"first_reply", "2h"}}}}}}),
            "care.sla_policies[2].targets.urgent.first_reply: unknown key (expected one of: first_response, "
            "next_response, resolution)");
  EXPECT_EQ(err({{"name", "x"}, {"default", {{"resolution", 4.5}}}}),
            "care.sla_policies[2].default.resolution: expected a duration such as \"45m\", \"3h\" or a number of "
            "minutes, got 4.5");
  EXPECT_EQ(err({{"name", "x"}, {"default", {{"resolution", 0}}}}),
            "care.sla_policies[2].default.resolution: 0 must be between 1 and 525600 minutes (omit the target to "
            "have none)");
  EXPECT_EQ(err({{"name", "x"}, {"default", {{"resolution", "4x"}}}}),
            "care.sla_policies[2].default.resolution: \"4x\" is not a duration (write minutes as 45 or \"45m\", "
            "hours as \"3h\" or \"1h30m\")");
  EXPECT_EQ(err({{"name", "x"}, {"channels", {"twitter", "myspace"}}}),
            "care.sla_policies[2].channels[1]: \"myspace\" is not one of: twitter, facebook, instagram, forum, "
            "blog, news, review, email, chat, voice, sms, other");
  EXPECT_EQ(err({{"name", "x"}, {"priorities", {"p1"}}}),
            "care.sla_policies[2].priorities[0]: \"p1\" is not one of: low, normal, high, urgent");
  EXPECT_EQ(err({{"name", "x"}, {"teams", {""}}}), "care.sla_policies[2].teams[0]: must not be empty");
  EXPECT_EQ(err({{"name", "x"}, {"accounts", 3}}), "care.sla_policies[2].accounts: expected a list of strings, got number");
  EXPECT_EQ(err({{"name", "x"}, {"warn_at", 1.5}}),
            "care.sla_policies[2].warn_at: 1.5 must be strictly between 0 and 1 (e.g. 0.8)");
  EXPECT_EQ(err({{"name", "x"}, {"warn_at", "80%"}}),
            "care.sla_policies[2].warn_at: expected a number between 0 and 1, got \"80%\"");
  EXPECT_EQ(err({{"name", "x"}, {"calendar", ""}}), "care.sla_policies[2].calendar: expected a calendar name, got \"\"");
  EXPECT_EQ(err({{"targets", json::object()}}), "care.sla_policies[2].name: required");
  EXPECT_EQ(err({{"name", "a b"}}), "care.sla_policies[2].name: \"a b\" must be 1 to 64 of A-Z a-z 0-9 _ . -");
  EXPECT_EQ(err({{"name", "x"}, {"target", json::object()}}),
            "care.sla_policies[2].target: unknown key (expected one of: accounts, calendar, channels, default, name, "
            "priorities, targets, teams, warn_at)");
  EXPECT_EQ(err({{"name", "x"}, {"targets", {{"urgent", json::object()}, {"Urgent", json::object()}}}}),
            "care.sla_policies[2].targets.urgent: priority urgent listed twice");
  EXPECT_EQ(err(json::array()), "care.sla_policies[2]: expected an SLA policy object, got array");
}

TEST(SlaPolicyTest, AppliesAndSelect) {
  SlaPolicy social;
  social.name = "social";
  social.channels = {model::Channel::kTwitter};
  social.teams = {"Social"};
  SlaPolicy urgent;
  urgent.name = "urgent";
  urgent.priorities = {Priority::kUrgent};
  urgent.accounts = {"@Brand"};
  SlaPolicy fallback;
  fallback.name = "fallback";

  CaseRecord c;
  c.channel = model::Channel::kTwitter;
  c.priority = Priority::kUrgent;
  c.account = "@brand";
  EXPECT_TRUE(Applies(social, c, "social"));  // team names compared case-insensitively
  EXPECT_FALSE(Applies(social, c, "Email"));
  EXPECT_FALSE(Applies(social, c, ""));
  EXPECT_TRUE(Applies(urgent, c, ""));
  EXPECT_TRUE(Applies(fallback, c, ""));
  std::vector<SlaPolicy> policies = {social, urgent, fallback};
  EXPECT_EQ(SelectPolicy(policies, c, "Social"), &policies[0]);
  EXPECT_EQ(SelectPolicy(policies, c, "Email"), &policies[1]);
  c.priority = Priority::kHigh;
  EXPECT_EQ(SelectPolicy(policies, c, "Email"), &policies[2]);
  c.account = "@other";
  c.priority = Priority::kUrgent;
  EXPECT_EQ(SelectPolicy(policies, c, "Email"), &policies[2]);
  EXPECT_EQ(SelectPolicy(std::span<const SlaPolicy>(policies).first(2), c, "Email"), nullptr);
}

TEST(SlaPolicyTest, CheckPolicies) {
  std::vector<BusinessCalendar> cals = {BusinessCalendar::Always()};
  SlaPolicy a;
  a.name = "a";
  a.calendar = "24x7";
  SlaPolicy b = a;
  b.name = "b";
  b.calendar = "paris";
  std::vector<SlaPolicy> ok = {a};
  EXPECT_TRUE(CheckSlaPolicies(ok, cals, "care.sla_policies").ok());
  std::vector<SlaPolicy> unknown = {a, b};
  EXPECT_EQ(CheckSlaPolicies(unknown, cals, "care.sla_policies").message(),
            "care.sla_policies[1].calendar: unknown calendar \"paris\" (defined: 24x7)");
  std::vector<SlaPolicy> dup = {a, a};
  EXPECT_EQ(CheckSlaPolicies(dup, cals, "care.sla_policies").message(),
            "care.sla_policies[1].name: \"a\" is already the name of care.sla_policies[0]");
}

}  // namespace
}  // namespace ecoute::care
