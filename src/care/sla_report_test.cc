#include "care/sla_report.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace ecoute::care {
namespace {

using base::Timestamp;
using nlohmann::json;
using GroupBy = SlaReportOptions::GroupBy;

constexpr int64_t kMin = 60'000;
constexpr Timestamp kT = 1'767'225'600'000;  // 2026-01-01T00:00:00Z
constexpr Timestamp kNow = kT + 10 * 1440 * kMin;

SlaTarget Target(int64_t minutes) {
  SlaTarget t;
  t.target_minutes = minutes;
  t.started_at = kT;
  return t;
}
SlaTarget Met(int64_t target, int64_t elapsed, bool breached) {
  SlaTarget t = Target(target);
  t.met_at = kT + elapsed * kMin;
  t.elapsed_minutes = elapsed;
  t.breached = breached;
  t.warned = breached;
  return t;
}

// Five cases, described in each test's expectations:
//  1 Social: answered in 10 business min (wall 10) of 30; resolved in 120
//    of 240 (wall 2 h).
//  2 Social: answered in 45 of 30 (breached; wall 5 h); open, resolution due
//    before now (a stale state: breached).
//  3 Email: open, unanswered, first response and resolution still running.
//  4 Email: no policy; answered after 2 h wall, closed after 30 h wall.
//  5 no team: closed without reply (first response: no outcome); resolution
//    breached, 300 business min (wall 6 h).
std::vector<CaseRecord> Cases() {
  std::vector<CaseRecord> cs(5);
  for (size_t i = 0; i < cs.size(); ++i) {
    cs[i].id = static_cast<int64_t>(i) + 1;
    cs[i].created_at = kT;
    cs[i].status = CaseStatus::kOpen;
  }
  cs[0].team_id = 1;
  cs[0].status = CaseStatus::kResolved;
  cs[0].first_response_at = kT + 10 * kMin;
  cs[0].first_response = Met(30, 10, false);
  cs[0].resolved_at = kT + 120 * kMin;
  cs[0].resolution = Met(240, 120, false);

  cs[1].team_id = 1;
  cs[1].first_response_at = kT + 300 * kMin;
  cs[1].first_response = Met(30, 45, true);
  cs[1].resolution = Target(240);
  cs[1].resolution.due_at = kNow - 1;

  cs[2].team_id = 2;
  cs[2].first_response = Target(60);
  cs[2].first_response.due_at = kNow + 60 * kMin;
  cs[2].resolution = Target(480);
  cs[2].resolution.due_at = kNow + 120 * kMin;

  cs[3].team_id = 2;
  cs[3].status = CaseStatus::kClosed;
  cs[3].first_response_at = kT + 120 * kMin;
  cs[3].closed_at = kT + 1800 * kMin;

  cs[4].status = CaseStatus::kClosed;
  cs[4].first_response = Target(30);
  cs[4].closed_at = kT + 360 * kMin;
  cs[4].resolution = Met(240, 300, true);
  return cs;
}

std::string TeamName(GroupBy g, const CaseRecord& c) {
  if (g == GroupBy::kTeam && c.team_id == 1) return "Social";
  if (g == GroupBy::kTeam && c.team_id == 2) return "Email";
  return DefaultSlaGroupName(g, c);
}

using Histogram = std::array<int64_t, kSlaHistogramBuckets>;

TEST(SlaReportTest, BusinessMinutesAgainstPolicies) {
  std::vector<CaseRecord> cases = Cases();
  SlaReportOptions o;
  o.group_by = GroupBy::kTeam;
  SlaReport r = BuildSlaReport(cases, o, TeamName, kNow);

  const SlaMetricStats& fr = r.total.first_response;
  EXPECT_EQ(r.total.key, "all");
  EXPECT_EQ(fr.cases, 5);
  EXPECT_EQ(fr.done, 3);         // 1, 2, 4
  EXPECT_EQ(fr.measured, 2);     // 1 and 2 (4 has no policy, so no business minutes)
  EXPECT_EQ(fr.with_target, 4);  // all but 4
  EXPECT_EQ(fr.met, 1);
  EXPECT_EQ(fr.breached, 1);
  EXPECT_EQ(fr.running, 1);      // 3; 5 was closed unanswered: no outcome
  EXPECT_DOUBLE_EQ(*fr.pct_met, 50.0);
  EXPECT_DOUBLE_EQ(*fr.p50_minutes, 10);
  EXPECT_DOUBLE_EQ(*fr.p90_minutes, 45);
  EXPECT_DOUBLE_EQ(*fr.mean_minutes, 27.5);
  EXPECT_EQ(fr.histogram, (Histogram{1, 1, 0, 0, 0, 0}));

  const SlaMetricStats& res = r.total.resolution;
  EXPECT_EQ(res.done, 3);      // 1 resolved, 4 and 5 closed
  EXPECT_EQ(res.measured, 2);  // 1 (120) and 5 (300)
  EXPECT_EQ(res.with_target, 4);
  EXPECT_EQ(res.met, 1);
  EXPECT_EQ(res.breached, 2);  // 2 (its deadline passed) and 5
  EXPECT_EQ(res.running, 1);
  EXPECT_NEAR(*res.pct_met, 100.0 / 3, 1e-12);
  EXPECT_DOUBLE_EQ(*res.p50_minutes, 120);
  EXPECT_DOUBLE_EQ(*res.p90_minutes, 300);
  EXPECT_DOUBLE_EQ(*res.mean_minutes, 210);
  EXPECT_EQ(res.histogram, (Histogram{0, 0, 1, 1, 0, 0}));

  ASSERT_EQ(r.groups.size(), 3u);
  EXPECT_EQ(r.groups[0].key, "(no team)");
  EXPECT_EQ(r.groups[1].key, "Email");
  EXPECT_EQ(r.groups[2].key, "Social");
  const SlaMetricStats& social = r.groups[2].first_response;
  EXPECT_EQ(social.cases, 2);
  EXPECT_EQ(social.done, 2);
  EXPECT_EQ(social.met, 1);
  EXPECT_EQ(social.breached, 1);
  EXPECT_DOUBLE_EQ(*social.pct_met, 50);
  const SlaMetricStats& email = r.groups[1].first_response;
  EXPECT_EQ(email.cases, 2);
  EXPECT_EQ(email.done, 1);
  EXPECT_EQ(email.measured, 0);
  EXPECT_EQ(email.running, 1);
  EXPECT_FALSE(email.pct_met.has_value());
  EXPECT_FALSE(email.p50_minutes.has_value());
  EXPECT_FALSE(email.mean_minutes.has_value());
  const SlaMetricStats& none = r.groups[0].first_response;
  EXPECT_EQ(none.with_target, 1);
  EXPECT_EQ(none.met + none.breached + none.running, 0);
  EXPECT_EQ(r.groups[0].resolution.breached, 1);
}

TEST(SlaReportTest, WallClockWithOverrides) {
  std::vector<CaseRecord> cases = Cases();
  SlaReportOptions o;
  o.wall_clock = true;
  o.target_minutes_override = 180;
  o.resolution_target_minutes_override = 1440;
  SlaReport r = BuildSlaReport(cases, o, nullptr, kNow);
  EXPECT_TRUE(r.groups.empty());

  const SlaMetricStats& fr = r.total.first_response;
  EXPECT_EQ(fr.done, 3);
  EXPECT_EQ(fr.measured, 3);  // 10, 300, 120 wall-clock minutes
  EXPECT_EQ(fr.with_target, 5);
  EXPECT_EQ(fr.met, 2);       // 1 and 4
  EXPECT_EQ(fr.breached, 2);  // 2 (300 > 180) and 3 (unanswered for 10 days)
  EXPECT_EQ(fr.running, 0);
  EXPECT_DOUBLE_EQ(*fr.pct_met, 50);
  EXPECT_DOUBLE_EQ(*fr.p50_minutes, 120);
  EXPECT_DOUBLE_EQ(*fr.p90_minutes, 300);
  EXPECT_NEAR(*fr.mean_minutes, 430.0 / 3, 1e-9);
  EXPECT_EQ(fr.histogram, (Histogram{1, 0, 1, 1, 0, 0}));

  const SlaMetricStats& res = r.total.resolution;
  EXPECT_EQ(res.done, 3);
  EXPECT_EQ(res.measured, 3);  // 120, 1800, 360
  EXPECT_EQ(res.met, 2);       // 1 and 5
  EXPECT_EQ(res.breached, 3);  // 4 (1800 > 1440), 2 and 3 (open for 10 days)
  EXPECT_DOUBLE_EQ(*res.pct_met, 40);
  EXPECT_DOUBLE_EQ(*res.p50_minutes, 360);
  EXPECT_DOUBLE_EQ(*res.p90_minutes, 1800);
  EXPECT_DOUBLE_EQ(*res.mean_minutes, 760);
  EXPECT_EQ(res.histogram, (Histogram{0, 0, 1, 1, 0, 1}));

  // Before the override's deadline an unanswered case is running.
  SlaReport early = BuildSlaReport(cases, o, nullptr, kT + 100 * kMin);
  EXPECT_EQ(early.total.first_response.running, 1);
  EXPECT_EQ(early.total.first_response.breached, 1);
}

TEST(SlaReportTest, PercentilesAndBucketBounds) {
  // Wall-clock first responses of 1..10 minutes, and the bucket bounds.
  std::vector<CaseRecord> cases;
  for (int64_t m : {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 15, 16, 60, 61, 180, 480, 1440, 1441}) {
    CaseRecord c;
    c.created_at = kT;
    c.first_response_at = kT + m * kMin;
    c.priority = m <= 10 ? Priority::kHigh : Priority::kLow;
    cases.push_back(c);
  }
  SlaReportOptions o;
  o.wall_clock = true;
  o.group_by = GroupBy::kPriority;
  SlaReport r = BuildSlaReport(cases, o, nullptr, kNow);
  ASSERT_EQ(r.groups.size(), 2u);
  EXPECT_EQ(r.groups[0].key, "high");
  EXPECT_EQ(r.groups[1].key, "low");
  const SlaMetricStats& high = r.groups[0].first_response;
  EXPECT_DOUBLE_EQ(*high.p50_minutes, 5);   // rank ceil(0.5 * 10) = 5
  EXPECT_DOUBLE_EQ(*high.p90_minutes, 9);   // rank 9
  EXPECT_DOUBLE_EQ(*high.mean_minutes, 5.5);
  EXPECT_FALSE(high.pct_met.has_value());   // no target
  EXPECT_EQ(high.with_target, 0);
  EXPECT_EQ(r.groups[1].first_response.histogram, (Histogram{1, 2, 2, 1, 1, 1}));
  EXPECT_EQ(r.total.first_response.histogram, (Histogram{11, 2, 2, 1, 1, 1}));
  EXPECT_DOUBLE_EQ(*r.groups[1].first_response.p50_minutes, 61);    // 8 values: rank 4
  EXPECT_DOUBLE_EQ(*r.groups[1].first_response.p90_minutes, 1441);  // rank ceil(7.2) = 8
}

TEST(SlaReportTest, JsonAndText) {
  std::vector<CaseRecord> cases = Cases();
  SlaReportOptions o;
  o.group_by = GroupBy::kTeam;
  SlaReport r = BuildSlaReport(cases, o, TeamName, kNow);
  json j = ToJson(r);
  EXPECT_EQ(j["group_by"], "team");
  EXPECT_EQ(j["unit"], "business_minutes");
  ASSERT_EQ(j["groups"].size(), 3u);
  EXPECT_EQ(j["groups"][1]["key"], "Email");
  EXPECT_TRUE(j["groups"][1]["first_response"]["pct_met"].is_null());
  EXPECT_TRUE(j["groups"][1]["first_response"]["p50_minutes"].is_null());
  const json& fr = j["total"]["first_response"];
  EXPECT_EQ(fr["cases"], 5);
  EXPECT_EQ(fr["done"], 3);
  EXPECT_EQ(fr["measured"], 2);
  EXPECT_EQ(fr["with_target"], 4);
  EXPECT_EQ(fr["met"], 1);
  EXPECT_EQ(fr["breached"], 1);
  EXPECT_EQ(fr["running"], 1);
  EXPECT_EQ(fr["pct_met"], 50.0);
  EXPECT_EQ(fr["p90_minutes"], 45.0);
  EXPECT_EQ(fr["histogram"], json({{"<=15m", 1}, {"<=1h", 1}, {"<=3h", 0}, {"<=8h", 0}, {"<=24h", 0}, {">24h", 0}}));
  EXPECT_EQ(j["total"]["key"], "all");

  EXPECT_EQ(ToText(r),
            "First response (business time)\n"
            "group      cases  answered  met %  p50  p90  mean\n"
            "(no team)      1         0      -    -    -     -\n"
            "Email          2         1      -    -    -     -\n"
            "Social         2         2  50.0%  10m  45m   28m\n" +
                std::string(49, '-') +
                "\n"
                "all            5         3  50.0%  10m  45m   28m\n"
                "\n"
                "Resolution (business time)\n"
                "group      cases  resolved  met %    p50    p90   mean\n"
                "(no team)      1         1   0.0%  5h00m  5h00m  5h00m\n"
                "Email          2         1      -      -      -      -\n"
                "Social         2         1  50.0%  2h00m  2h00m  2h00m\n" +
                std::string(54, '-') +
                "\n"
                "all            5         3  33.3%  2h00m  5h00m  3h30m\n");

  SlaReportOptions none;
  none.wall_clock = true;
  SlaReport total_only = BuildSlaReport(cases, none, nullptr, kNow);
  EXPECT_EQ(ToJson(total_only)["unit"], "wall_clock_minutes");
  EXPECT_EQ(ToJson(total_only)["group_by"], "none");
  std::string text = ToText(total_only);
  EXPECT_EQ(text.rfind("First response (wall-clock time)\n", 0), 0u);
  EXPECT_EQ(text.find("----"), std::string::npos);  // no groups, no separator
}

TEST(SlaReportTest, GroupNames) {
  for (GroupBy g : {GroupBy::kTeam, GroupBy::kChannel, GroupBy::kAgent, GroupBy::kAccount, GroupBy::kPriority,
                    GroupBy::kNone}) {
    EXPECT_EQ(ParseGroupBy(GroupByName(g)), g);
  }
  EXPECT_EQ(ParseGroupBy("Team"), GroupBy::kTeam);
  EXPECT_EQ(ParseGroupBy("teams"), std::nullopt);
  CaseRecord c;
  EXPECT_EQ(DefaultSlaGroupName(GroupBy::kTeam, c), "(no team)");
  EXPECT_EQ(DefaultSlaGroupName(GroupBy::kAgent, c), "(unassigned)");
  EXPECT_EQ(DefaultSlaGroupName(GroupBy::kAccount, c), "(none)");
  EXPECT_EQ(DefaultSlaGroupName(GroupBy::kChannel, c), "other");
  EXPECT_EQ(DefaultSlaGroupName(GroupBy::kPriority, c), "normal");
  EXPECT_EQ(DefaultSlaGroupName(GroupBy::kNone, c), "all");
  c.team_id = 3;
  c.assignee_id = 7;
  c.account = "@brand";
  EXPECT_EQ(DefaultSlaGroupName(GroupBy::kTeam, c), "team 3");
  EXPECT_EQ(DefaultSlaGroupName(GroupBy::kAgent, c), "user 7");
  EXPECT_EQ(DefaultSlaGroupName(GroupBy::kAccount, c), "@brand");
}

}  // namespace
}  // namespace ecoute::care
