#include "alert/engine.h"

#include <gtest/gtest.h>

#include <random>

#include <nlohmann/json.hpp>

#include "alert/rules.h"

namespace ecoute::alert {
namespace {

using nlohmann::json;
using Type = AlertChange::Type;

// 2026-06-01 (a Monday) 12:00 UTC.
constexpr base::Timestamp kT0 = 1'780'315'200'000;
constexpr int64_t kMin = 60'000;

Rule MakeRule(const json& j) {
  base::Result<Rule> r = RuleFromJson(j);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : Rule{};
}

model::Mention Msg(int64_t id, base::Timestamp at, std::string text = "mon colis est perdu",
                   std::string sentiment = "negative") {
  model::Mention m;
  m.id = id;
  m.channel = model::Channel::kTwitter;
  m.native_id = "n" + std::to_string(id);
  m.author.handle = "client" + std::to_string(id % 7);
  m.author.followers = 120;
  m.direction = model::Direction::kInbound;
  m.created_at = at;
  m.text = std::move(text);
  m.language = "fr";
  m.enrichment.matched_queries = {1};
  m.enrichment.sentiment = sentiment;
  m.enrichment.needs_reply = sentiment == "negative";
  m.enrichment.severity_level = "low";
  return m;
}

const std::map<int64_t, std::string> kQueries = {{1, "acme"}, {2, "rival"}};

std::vector<AlertChange> Observe(Engine& e, std::vector<model::Mention> ms, base::Timestamp now) {
  std::vector<AlertChange> out;
  e.Observe(ms, now, &out);
  return out;
}

TEST(Rules, ParsesWithDefaultsPerKindAndRoundTrips) {
  Rule sev = MakeRule({{"name", "crit"}, {"kind", "severity"}});
  EXPECT_EQ(sev.min_severity, "high");
  EXPECT_EQ(sev.level, Level::kCritical);
  Rule reach = MakeRule({{"name", "vip"}, {"kind", "high_reach"}});
  EXPECT_EQ(reach.min_followers, 50'000);
  Rule full = MakeRule({{"name", "x.y-z"},
                        {"kind", "volume_spike"},
                        {"queries", {"acme"}},
                        {"channels", {"twitter", "facebook"}},
                        {"sensitivity", "high"},
                        {"per_channel", true},
                        {"quiet_hours", {{"start", "22:00"}, {"end", "07:30"}, {"days", {"fri", "sat"}}}},
                        {"notify", "ops"}});
  EXPECT_EQ(full.quiet_hours.start_minute, 22 * 60);
  EXPECT_EQ(full.quiet_hours.end_minute, 7 * 60 + 30);
  EXPECT_EQ(full.quiet_hours.days, (std::vector<int>{4, 5}));
  EXPECT_EQ(full.notify, std::vector<std::string>{"ops"});
  base::Result<Rule> back = RuleFromJson(RuleToJson(full));
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(*back == full);
}

TEST(Rules, ErrorsNameTheField) {
  auto err = [](const json& j) {
    base::Result<Rule> r = RuleFromJson(j);
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_EQ(err({{"kind", "mention"}}), "name: required");
  EXPECT_EQ(err({{"name", "a b"}, {"kind", "mention"}}).rfind("name: ", 0), 0u);
  EXPECT_EQ(err({{"name", "a"}, {"kind", "loud"}}).rfind("kind: \"loud\" is not one of", 0), 0u);
  EXPECT_EQ(err({{"name", "a"}, {"kind", "volume_spike"}, {"min_volume", 0}}),
            "min_volume: must be between 1 and 1000000, got 0");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "mention"}, {"min_volume", 2.5}}), "min_volume: expected a whole number, got 2.5");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "mention"}, {"channels", {"twitter", "telex"}}}),
            "channels[1]: unknown channel \"telex\"");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "mention"}, {"reasons", {"boredom"}}}).rfind("reasons[0]: ", 0), 0u);
  EXPECT_EQ(err({{"name", "a"}, {"kind", "mention"}, {"volume", 3}}), "volume: unknown key");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "mention"}, {"quiet_hours", {{"start", "25:00"}, {"end", "07:00"}}}}),
            "quiet_hours.start: expected a time \"HH:MM\", got \"25:00\"");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "mention"}, {"per_channel", true}}), "per_channel: only for volume_spike rules");
  Rule r = MakeRule({{"name", "a"}, {"kind", "mention"}, {"queries", {"acme", "nope"}}, {"notify", {"ops"}}});
  EXPECT_EQ(CheckReferences(r, {"acme"}, {"ops"}).message(), "queries[1]: unknown query \"nope\"");
  EXPECT_EQ(CheckReferences(r, {"acme", "nope"}, {}).message(), "notify[0]: unknown notifier \"ops\"");
}

TEST(Rules, QuietHoursWrapMidnightByStartDay) {
  QuietHours q;
  q.start_minute = 22 * 60;
  q.end_minute = 7 * 60;
  q.days = {4};  // the night that starts on Friday
  EXPECT_TRUE(q.Contains(4, 23 * 60));
  EXPECT_TRUE(q.Contains(5, 6 * 60));   // Saturday morning belongs to Friday's night
  EXPECT_FALSE(q.Contains(5, 23 * 60)); // Saturday night is not quiet
  EXPECT_FALSE(q.Contains(4, 6 * 60));  // Friday morning belongs to Thursday's night
  EXPECT_FALSE(q.Contains(4, 12 * 60));
}

TEST(Engine, MentionRuleFiresAtOnceForEachMatchingMessage) {
  Engine e({MakeRule({{"name", "neg"}, {"kind", "mention"}, {"queries", {"acme"}}, {"sentiments", {"negative"}},
                      {"group_minutes", 0}})},
           kQueries, {});
  std::vector<model::Mention> batch = {Msg(1, kT0), Msg(2, kT0, "super service", "positive"), Msg(3, kT0)};
  batch[2].enrichment.matched_queries = {2};  // another query
  model::Mention outbound = Msg(4, kT0);
  outbound.direction = model::Direction::kOutbound;
  batch.push_back(outbound);
  model::Mention old = Msg(5, kT0 - 2 * 3600'000);  // history being imported
  batch.push_back(old);
  std::vector<AlertChange> out = Observe(e, batch, kT0 + 5);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, Type::kOpened);
  EXPECT_TRUE(out[0].notify);
  EXPECT_EQ(out[0].alert.rule, "neg");
  EXPECT_EQ(out[0].alert.kind, "mention");
  EXPECT_EQ(out[0].alert.level, "info");
  EXPECT_EQ(out[0].alert.sample_ids, std::vector<int64_t>{1});
  EXPECT_EQ(out[0].alert.title, "New negative message on acme (twitter)");
  json d = json::parse(out[0].alert.details_json);
  EXPECT_EQ(d["queries"], json::array({"acme"}));
  EXPECT_EQ(d["mention_id"], 1);
  EXPECT_EQ(e.Stats().stale, 1u);
  // Each later match is its own alert (group_minutes 0).
  out = Observe(e, {Msg(6, kT0 + kMin)}, kT0 + kMin);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].alert.id, 2);
}

TEST(Engine, RepeatedTriggersFoldIntoOneOpenAlertThenItExpires) {
  Engine e({MakeRule({{"name", "neg"}, {"kind", "mention"}, {"group_minutes", 30}})}, kQueries, {});
  std::vector<AlertChange> out = Observe(e, {Msg(1, kT0)}, kT0);
  ASSERT_EQ(out.size(), 1u);
  int64_t id = out[0].alert.id;
  out = Observe(e, {Msg(2, kT0 + 10 * kMin), Msg(3, kT0 + 10 * kMin)}, kT0 + 10 * kMin);
  EXPECT_TRUE(out.empty());  // folded; flushed by the next Tick
  e.Tick(kT0 + 10 * kMin + 1000, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, Type::kUpdated);
  EXPECT_EQ(out[0].alert.id, id);
  EXPECT_EQ(out[0].alert.trigger_count, 3);
  EXPECT_EQ(out[0].alert.sample_ids, (std::vector<int64_t>{1, 2, 3}));
  EXPECT_FALSE(out[0].notify);
  out.clear();
  e.Tick(kT0 + 39 * kMin, &out);
  EXPECT_TRUE(out.empty());
  e.Tick(kT0 + 41 * kMin, &out);  // 31 minutes after the last trigger
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, Type::kResolved);
  EXPECT_EQ(out[0].alert.resolved_by, "auto");
  // A later trigger opens a new alert (no cooldown after an automatic close).
  out = Observe(e, {Msg(4, kT0 + 42 * kMin)}, kT0 + 42 * kMin);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, Type::kOpened);
  EXPECT_NE(out[0].alert.id, id);
}

TEST(Engine, NotifyUpdatesWhenAnOpenAlertDoubles) {
  Engine e({MakeRule({{"name", "neg"}, {"kind", "mention"}, {"notify_updates", true}})}, kQueries, {});
  std::vector<AlertChange> out = Observe(e, {Msg(1, kT0)}, kT0);
  out = Observe(e, {Msg(2, kT0)}, kT0);
  ASSERT_EQ(out.size(), 1u);  // 2 = 2 x 1
  EXPECT_TRUE(out[0].notify);
  out = Observe(e, {Msg(3, kT0)}, kT0);
  EXPECT_TRUE(out.empty());
  out = Observe(e, {Msg(4, kT0)}, kT0);
  ASSERT_EQ(out.size(), 1u);  // 4 = 2 x 2
  EXPECT_EQ(out[0].alert.notified_count, 3);
}

TEST(Engine, ThrottleHoldsBackNotificationsButKeepsTheAlerts) {
  Engine e({MakeRule({{"name", "neg"}, {"kind", "mention"}, {"group_minutes", 0}, {"throttle_per_hour", 2}})},
           kQueries, {});
  std::vector<AlertChange> out = Observe(e, {Msg(1, kT0), Msg(2, kT0), Msg(3, kT0)}, kT0);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[0].notify);
  EXPECT_TRUE(out[1].notify);
  EXPECT_FALSE(out[2].notify);
  EXPECT_EQ(out[2].alert.suppressed_count, 1);
  ASSERT_EQ(out[2].history.size(), 2u);
  EXPECT_EQ(out[2].history[1].type, "suppressed");
  EXPECT_EQ(out[2].history[1].detail.rfind("throttled", 0), 0u);
  // An hour later the budget is back.
  out = Observe(e, {Msg(4, kT0 + 61 * kMin)}, kT0 + 61 * kMin);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].notify);
  EXPECT_EQ(e.Stats().suppressed_throttle, 1u);
}

TEST(Engine, QuietHoursInTheConfiguredTimeZoneLetCriticalThrough) {
  EngineOptions o;
  o.time_zone = *base::TimeZone::Load("Europe/Paris");
  Engine e({MakeRule({{"name", "neg"}, {"kind", "mention"}, {"group_minutes", 0},
                      {"quiet_hours", {{"start", "22:00"}, {"end", "07:00"}}}}),
            MakeRule({{"name", "crit"}, {"kind", "severity"}, {"min_severity", "critical"}, {"group_minutes", 0},
                      {"quiet_hours", {{"start", "22:00"}, {"end", "07:00"}}}})},
           kQueries, o);
  // 21:30 UTC = 23:30 in Paris (summer time).
  base::Timestamp night = kT0 + 9 * 60 * kMin + 30 * kMin;
  model::Mention m = Msg(1, night);
  std::vector<AlertChange> out = Observe(e, {m}, night);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_FALSE(out[0].notify);
  EXPECT_EQ(out[0].history.back().detail, "quiet hours");
  m = Msg(2, night);
  m.enrichment.severity_level = "critical";
  m.enrichment.severity_reasons = {"safety_risk"};
  out = Observe(e, {m}, night);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].notify);  // the mention rule
  EXPECT_TRUE(out[1].notify);   // critical goes through
  EXPECT_EQ(out[1].alert.level, "critical");
  EXPECT_EQ(out[1].alert.title, "Severity critical (safety_risk) on acme (twitter)");
  // 19:30 UTC = 21:30 in Paris: not quiet.
  base::Timestamp evening = kT0 + 7 * 60 * kMin + 30 * kMin + 24 * 60 * kMin;
  out = Observe(e, {Msg(3, evening)}, evening);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].notify);
}

TEST(Engine, SeverityAndReasonsAndHighReach) {
  Engine e({MakeRule({{"name", "legal"}, {"kind", "severity"}, {"reasons", {"legal_threat", "fraud"}}}),
            MakeRule({{"name", "vip"}, {"kind", "high_reach"}})},
           kQueries, {});
  model::Mention a = Msg(1, kT0);
  a.enrichment.severity_reasons = {"legal_threat"};
  model::Mention b = Msg(2, kT0);
  b.author.handle = "journalist";
  b.author.followers = 80'000;
  model::Mention c = Msg(3, kT0);
  c.author.followers = 49'999;
  std::vector<AlertChange> out = Observe(e, {a, b, c}, kT0);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].alert.rule, "legal");
  EXPECT_EQ(out[0].alert.level, "warning");  // a legal threat in a low-severity message
  EXPECT_EQ(out[1].alert.rule, "vip");
  EXPECT_EQ(out[1].alert.group_key, "author=twitter:journalist");
  EXPECT_EQ(out[1].alert.title, "@journalist (80000 followers) mentioned acme (twitter)");
}

TEST(Engine, CooldownAfterAPersonResolves) {
  Engine e({MakeRule({{"name", "neg"}, {"kind", "mention"}, {"cooldown_minutes", 20}})}, kQueries, {});
  std::vector<AlertChange> out = Observe(e, {Msg(1, kT0)}, kT0);
  int64_t id = out[0].alert.id;
  out.clear();
  EXPECT_EQ(e.Acknowledge(99, "ana", "", kT0, &out).code(), base::StatusCode::kNotFound);
  ASSERT_TRUE(e.Acknowledge(id, "ana", "on it", kT0 + kMin, &out).ok());
  EXPECT_EQ(out.back().alert.status, store::AlertStatus::kAcknowledged);
  EXPECT_EQ(out.back().alert.acknowledged_by, "ana");
  ASSERT_TRUE(e.Resolve(id, "ana", "answered", kT0 + 2 * kMin, &out).ok());
  EXPECT_EQ(out.back().type, Type::kResolved);
  EXPECT_EQ(out.back().alert.note, "answered");
  out = Observe(e, {Msg(2, kT0 + 10 * kMin)}, kT0 + 10 * kMin);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(e.Stats().suppressed_cooldown, 1u);
  out = Observe(e, {Msg(3, kT0 + 23 * kMin)}, kT0 + 23 * kMin);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, Type::kOpened);
}

TEST(Engine, RestoredOpenAlertsKeepGrowing) {
  Rule r = MakeRule({{"name", "neg"}, {"kind", "mention"}});
  store::AlertRecord open;
  open.id = 41;
  open.rule = "neg";
  open.kind = "mention";
  open.group_key = "query=1";
  open.trigger_count = 5;
  open.opened_at = open.last_trigger_at = kT0 - 10 * kMin;
  Engine e({r}, kQueries, {});
  e.Restore(std::span(&open, 1));
  std::vector<AlertChange> out = Observe(e, {Msg(1, kT0)}, kT0);
  e.Tick(kT0 + 1, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].alert.id, 41);
  EXPECT_EQ(out[0].alert.trigger_count, 6);
  // New alerts are numbered after the restored ones.
  model::Mention other = Msg(2, kT0);
  other.enrichment.matched_queries = {2};
  out = Observe(e, {other}, kT0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].alert.id, 42);
}

// A week and a day of Poisson traffic with a daily rhythm, learned from
// history; then a 10x burst of one topic must open one volume alert with
// its explanation.
TEST(Engine, VolumeSpikeAfterLearnedHistoryExplainsItself) {
  Rule r = MakeRule({{"name", "surge"}, {"kind", "volume_spike"}, {"queries", {"acme"}}, {"level", "warning"}});
  Engine e({r}, kQueries, {});
  std::mt19937_64 rng(7);
  std::vector<model::Mention> history;
  int64_t id = 1;
  base::Timestamp start = kT0 - 8 * 1440 * kMin;
  auto rate = [](base::Timestamp t) {
    double hour = static_cast<double>((t / 3'600'000) % 24);
    return 2.0 + 1.5 * std::sin(hour / 24 * 6.283);
  };
  const char* texts[] = {"service client acme", "commande acme reçue", "acme appli lente", "livraison acme ok"};
  for (base::Timestamp t = start; t < kT0; t += kMin) {
    std::poisson_distribution<int> p(rate(t));
    for (int k = p(rng); k > 0; --k, ++id) history.push_back(Msg(id, t + k, texts[id % 4], "neutral"));
  }
  e.Learn(history);
  std::vector<AlertChange> all;
  for (int minute = 0; minute < 20; ++minute) {
    base::Timestamp t = kT0 + minute * kMin;
    std::vector<model::Mention> batch;
    std::poisson_distribution<int> p(rate(t) * (minute >= 10 ? 10 : 1));
    for (int k = p(rng); k > 0; --k, ++id)
      batch.push_back(Msg(id, t + k, minute >= 10 ? "panne générale acme réseau coupé" : texts[id % 4], "negative"));
    std::vector<AlertChange> out = Observe(e, batch, t + 30'000);
    e.Tick(t + 31'000, &out);
    for (AlertChange& c : out) all.push_back(std::move(c));
  }
  std::vector<AlertChange> opened;
  for (const AlertChange& c : all)
    if (c.type == Type::kOpened) opened.push_back(c);
  ASSERT_EQ(opened.size(), 1u);
  const store::AlertRecord& a = opened[0].alert;
  EXPECT_EQ(a.kind, "volume_spike");
  EXPECT_EQ(a.group_key, "query=1");
  EXPECT_LE(a.opened_at, kT0 + 14 * kMin);  // within 4 minutes of the burst's start
  json d = json::parse(a.details_json);
  EXPECT_GT(d["observed"].get<double>(), 3 * d["expected"].get<double>());
  EXPECT_LT(d["p_value"].get<double>(), 1e-5);
  ASSERT_FALSE(d["top_terms"].empty());
  std::set<std::string> top;
  for (const json& t : d["top_terms"]) top.insert(t["term"].get<std::string>());
  EXPECT_TRUE(top.count("panne")) << d["top_terms"].dump();
  EXPECT_FALSE(a.sample_ids.empty());
  EXPECT_NE(a.title.find("Volume spike on acme"), std::string::npos);
}

TEST(Engine, NegativeShareSpike) {
  Rule r = MakeRule({{"name", "sour"}, {"kind", "negative_share"}, {"queries", {"acme"}}});
  Engine e({r}, kQueries, {});
  int64_t id = 1;
  std::vector<model::Mention> history;
  for (int m = 0; m < 600; ++m)  // 10 hours, 10 % negative
    for (int k = 0; k < 5; ++k, ++id)
      history.push_back(Msg(id, kT0 - (600 - m) * kMin + k, "acme", (id % 10 == 0) ? "negative" : "positive"));
  e.Learn(history);
  std::vector<AlertChange> out;
  for (int m = 0; m < 10; ++m) {
    std::vector<model::Mention> batch;
    for (int k = 0; k < 5; ++k)
      batch.push_back(Msg(id++, kT0 + m * kMin + k, "remboursement refusé acme", k < 4 ? "negative" : "positive"));
    e.Observe(batch, kT0 + m * kMin + 100, &out);
  }
  e.Tick(kT0 + 10 * kMin + 100, &out);
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out[0].type, Type::kOpened);
  json d = json::parse(out[0].alert.details_json);
  EXPECT_NEAR(d["usual_share"].get<double>(), 0.1, 0.03);
  EXPECT_GE(d["share"].get<double>(), 0.4);  // the first minutes of the surge already tip the window
  EXPECT_NE(out[0].alert.title.find("Negative share up on acme"), std::string::npos);
}

TEST(Engine, SnowballByRateAndByFastStart) {
  Rule rate = MakeRule({{"name", "ball"}, {"kind", "snowball"}, {"cascade_per_minute", 3}, {"cascade_window_minutes", 10},
                        {"fast_start_ratio", 0}});
  Engine e({rate}, kQueries, {});
  model::Mention root = Msg(1, kT0, "acme m'a volé mon argent");
  std::vector<AlertChange> out = Observe(e, {root}, kT0);
  EXPECT_TRUE(out.empty());
  int64_t id = 2;
  for (int m = 0; m < 10 && out.empty(); ++m) {
    std::vector<model::Mention> replies;
    for (int k = 0; k < 4; ++k) {
      model::Mention rt = Msg(id++, kT0 + m * kMin, "RT acme m'a volé", "neutral");
      rt.enrichment.matched_queries = {};
      rt.reshare_of = "n1";
      replies.push_back(rt);
    }
    e.Observe(replies, kT0 + m * kMin, &out);
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].alert.group_key, "thread=twitter:n1");
  json d = json::parse(out[0].alert.details_json);
  EXPECT_EQ(d["reason"], "rate");
  EXPECT_GE(d["events_in_window"].get<int>(), 30);
  EXPECT_EQ(out[0].alert.sample_ids.front(), 1);

  // Fast start: an author whose posts usually get nothing gets 6 reshares
  // in 3 minutes.
  Rule fast = MakeRule({{"name", "fast"}, {"kind", "snowball"}, {"cascade_min", 6}});
  Engine f({fast}, kQueries, {});
  model::Mention post = Msg(100, kT0, "acme colis perdu encore");
  out = Observe(f, {post}, kT0);
  for (int k = 0; k < 6; ++k) {
    model::Mention rt = Msg(200 + k, kT0 + k * 30'000, "RT", "neutral");
    rt.reshare_of = "n100";
    f.Observe(std::span(&rt, 1), kT0 + k * 30'000, &out);
  }
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(json::parse(out[0].alert.details_json)["reason"], "fast_start");
}

TEST(Engine, SnowballCountsEngagementGrowthOfTheRoot) {
  Engine e({MakeRule({{"name", "ball"}, {"kind", "snowball"}, {"fast_start_ratio", 0}})}, kQueries, {});
  model::Mention root = Msg(1, kT0);
  std::vector<AlertChange> out = Observe(e, {root}, kT0);
  root.engagement.reshares = 70;  // the same post, re-collected with its counters
  out = Observe(e, {root}, kT0 + 5 * kMin);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(json::parse(out[0].alert.details_json)["events_in_window"], 70);
}

// --- sla rules -------------------------------------------------------------

SlaEventInput Sla(std::string kind, int64_t case_id, std::string priority = "urgent", std::string team = "care",
                  std::string target = "first_response", base::Timestamp at = kT0) {
  SlaEventInput e;
  e.kind = std::move(kind);
  e.target = std::move(target);
  e.case_id = case_id;
  e.subject = "Colis perdu depuis 10 jours";
  e.team = std::move(team);
  e.priority = std::move(priority);
  e.channel = "email";
  e.account = "support@acme.fr";
  e.assignee_id = 7;
  e.due_at = kT0 + 5 * kMin;
  e.at = at;
  e.case_url = "https://ecoute.example/cases/" + std::to_string(case_id);
  return e;
}

std::vector<AlertChange> ObserveSla(Engine& e, std::vector<SlaEventInput> events, base::Timestamp now) {
  std::vector<AlertChange> out;
  e.ObserveSla(events, now, &out);
  return out;
}

TEST(Rules, SlaRuleDefaultsFiltersAndRoundTrip) {
  Rule r = MakeRule({{"name", "sla"}, {"kind", "sla"}});
  EXPECT_EQ(r.kind, RuleKind::kSla);
  EXPECT_EQ(r.level, Level::kCritical);
  EXPECT_EQ(r.group_minutes, 1440);
  EXPECT_EQ(r.sla_events, (std::vector<std::string>{"warning", "breach"}));
  EXPECT_EQ(r.sla_targets, (std::vector<std::string>{"first_response", "next_response", "resolution"}));
  EXPECT_TRUE(r.teams.empty());
  EXPECT_TRUE(r.priorities.empty());
  Rule full = MakeRule({{"name", "vip-breach"},
                        {"kind", "sla"},
                        {"events", "breach"},
                        {"targets", {"first_response", "resolution"}},
                        {"teams", {"care", "billing"}},
                        {"priorities", {"urgent", "high"}},
                        {"channels", {"email"}},
                        {"level", "warning"},
                        {"throttle_per_hour", 5},
                        {"notify", {"ops"}}});
  EXPECT_EQ(full.sla_events, std::vector<std::string>{"breach"});
  EXPECT_EQ(full.teams, (std::vector<std::string>{"care", "billing"}));
  json j = RuleToJson(full);
  EXPECT_EQ(j["events"], json::array({"breach"}));
  EXPECT_FALSE(j.contains("queries"));  // message filters are not sla keys
  EXPECT_FALSE(j.contains("min_volume"));
  base::Result<Rule> back = RuleFromJson(j);
  ASSERT_TRUE(back.ok()) << back.status().message();
  EXPECT_TRUE(*back == full);
  EXPECT_FALSE(RuleToJson(MakeRule({{"name", "m"}, {"kind", "mention"}})).contains("events"));
  EXPECT_EQ(CheckReferences(full, {}, {"ops"}, nullptr).message(), "");
  std::vector<std::string> teams = {"care"};
  EXPECT_EQ(CheckReferences(full, {}, {"ops"}, &teams).message(), "teams[1]: unknown team \"billing\"");
}

TEST(Rules, SlaRuleErrorsNameTheKey) {
  auto err = [](const json& j) {
    base::Result<Rule> r = RuleFromJson(j);
    return r.ok() ? std::string("ok") : r.status().message();
  };
  EXPECT_EQ(err({{"name", "a"}, {"kind", "sla"}, {"queries", {"acme"}}}),
            "queries: not used by sla rules (they filter on events, targets, teams, priorities and channels)");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "sla"}, {"min_severity", "high"}}).rfind("min_severity: not used by sla", 0), 0u);
  EXPECT_EQ(err({{"name", "a"}, {"kind", "sla"}, {"cascade_min", 3}}).rfind("cascade_min: not used by sla", 0), 0u);
  EXPECT_EQ(err({{"name", "a"}, {"kind", "mention"}, {"events", {"breach"}}}), "events: only for sla rules");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "volume_spike"}, {"teams", {"care"}}}), "teams: only for sla rules");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "sla"}, {"events", {"breach", "late"}}}),
            "events[1]: \"late\" is not one of: warning, breach");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "sla"}, {"targets", {"reply"}}}),
            "targets[0]: \"reply\" is not one of: first_response, next_response, resolution");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "sla"}, {"priorities", {"urgent", "asap"}}}),
            "priorities[1]: \"asap\" is not one of: low, normal, high, urgent");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "sla"}, {"teams", {""}}}), "teams[0]: expected a team name, got \"\"");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "sla"}, {"teams", 3}}), "teams: expected a list of strings, got number");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "sla"}, {"channels", {"telex"}}}), "channels[0]: unknown channel \"telex\"");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "sla"}, {"group_minutes", -1}}),
            "group_minutes: must be between 0 and 10080, got -1");
  EXPECT_EQ(err({{"name", "a"}, {"kind", "slas"}}),
            "kind: \"slas\" is not one of: mention, severity, high_reach, volume_spike, negative_share, snowball, sla");
}

TEST(Engine, SlaBreachFiresWithItsCaseAndLevel) {
  Engine e({MakeRule({{"name", "sla"}, {"kind", "sla"}})}, kQueries, {});
  std::vector<AlertChange> out = ObserveSla(e, {Sla("breach", 42)}, kT0 + 1000);
  ASSERT_EQ(out.size(), 1u);
  const store::AlertRecord& a = out[0].alert;
  EXPECT_EQ(out[0].type, Type::kOpened);
  EXPECT_TRUE(out[0].notify);
  EXPECT_EQ(out[0].url, "https://ecoute.example/cases/42");
  EXPECT_EQ(a.kind, "sla");
  EXPECT_EQ(a.level, "critical");
  EXPECT_EQ(a.group_key, "case=42/target=first_response");
  EXPECT_EQ(a.title, "SLA breach: first response of case 42 (urgent, team care) was due 12:05");
  EXPECT_EQ(a.text, "\"Colis perdu depuis 10 jours\" on email to support@acme.fr; assigned to user 7");
  EXPECT_TRUE(a.sample_ids.empty());
  json d = json::parse(a.details_json);
  EXPECT_EQ(d["event"], "breach");
  EXPECT_EQ(d["target"], "first_response");
  EXPECT_EQ(d["case_id"], 42);
  EXPECT_EQ(d["team"], "care");
  EXPECT_EQ(d["priority"], "urgent");
  EXPECT_EQ(d["channel"], "email");
  EXPECT_EQ(d["assignee_id"], 7);
  EXPECT_EQ(d["due_at"], "2026-06-01T12:05:00Z");
  EXPECT_EQ(d["at"], "2026-06-01T12:00:00Z");
  EXPECT_EQ(d["case_url"], "https://ecoute.example/cases/42");
  EXPECT_EQ(d["rule_kind"], "sla");
  // Levels: a breach of a normal case is a warning, any SLA warning info.
  out = ObserveSla(e, {Sla("breach", 43, "normal", ""), Sla("warning", 44, "urgent", "", "resolution")}, kT0 + 2000);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].alert.level, "warning");
  EXPECT_EQ(out[0].alert.title, "SLA breach: first response of case 43 (normal) was due 12:05");
  EXPECT_EQ(out[1].alert.level, "info");
  EXPECT_EQ(out[1].alert.title, "SLA warning: resolution of case 44 (urgent) due 12:05");
  EXPECT_EQ(e.Stats().sla_events, 3u);
  // Mentions do not fire sla rules, SLA events do not fire message rules.
  EXPECT_TRUE(Observe(e, {Msg(1, kT0)}, kT0 + 3000).empty());
  Engine m({MakeRule({{"name", "all"}, {"kind", "mention"}})}, kQueries, {});
  EXPECT_TRUE(ObserveSla(m, {Sla("breach", 42)}, kT0).empty());
}

TEST(Engine, SlaDueOnAnotherLocalDayShowsItsDate) {
  EngineOptions o;
  o.time_zone = *base::TimeZone::Load("Europe/Paris");
  Engine e({MakeRule({{"name", "sla"}, {"kind", "sla"}})}, kQueries, o);
  SlaEventInput ev = Sla("breach", 5);
  ev.due_at = kT0 - 13 * 60 * kMin;  // 2026-05-31 23:00 UTC = 2026-06-01 01:00 in Paris: same local day
  std::vector<AlertChange> out = ObserveSla(e, {ev}, kT0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].alert.title, "SLA breach: first response of case 5 (urgent, team care) was due 01:00");
  ev.case_id = 6;
  ev.due_at = kT0 - 15 * 60 * kMin;  // 2026-05-31 21:00 UTC = 23:00 in Paris, the day before
  out = ObserveSla(e, {ev}, kT0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].alert.title, "SLA breach: first response of case 6 (urgent, team care) was due 2026-05-31 23:00");
}

TEST(Engine, SlaFiltersOnEventTeamPriorityTargetAndChannel) {
  Engine e({MakeRule({{"name", "care-breach"},
                      {"kind", "sla"},
                      {"events", {"breach"}},
                      {"teams", {"care"}},
                      {"priorities", {"urgent", "high"}},
                      {"targets", {"first_response", "next_response"}},
                      {"channels", {"email", "chat"}},
                      {"group_minutes", 0}})},
           kQueries, {});
  SlaEventInput other_channel = Sla("breach", 6);
  other_channel.channel = "twitter";
  SlaEventInput alias = Sla("breach", 7);
  alias.channel = "e-mail";  // channel names are parsed as in the rules
  std::vector<AlertChange> out = ObserveSla(e,
                                            {Sla("warning", 1),                                // event
                                             Sla("breach", 2, "urgent", "billing"),            // team
                                             Sla("breach", 3, "urgent", ""),                   // no team
                                             Sla("breach", 4, "normal"),                       // priority
                                             Sla("breach", 5, "high", "care", "resolution"),   // target
                                             other_channel,                                    // channel
                                             alias, Sla("breach", 8, "high", "care", "next_response")},
                                            kT0);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[0].alert.group_key, "case=7/target=first_response");
  EXPECT_EQ(out[1].alert.group_key, "case=8/target=next_response");
  EXPECT_EQ(out[1].alert.level, "critical");
  // Unknown kinds or targets are counted and ignored.
  SlaEventInput bad = Sla("late", 9);
  SlaEventInput bad_target = Sla("breach", 10, "urgent", "care", "reply");
  EXPECT_TRUE(ObserveSla(e, {bad, bad_target}, kT0).empty());
  EXPECT_EQ(e.Stats().sla_invalid, 2u);
}

TEST(Engine, SlaWarningThenBreachOfACaseIsOneAlertThatEscalates) {
  Engine e({MakeRule({{"name", "sla"}, {"kind", "sla"}})}, kQueries, {});
  std::vector<AlertChange> out = ObserveSla(e, {Sla("warning", 42)}, kT0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_TRUE(out[0].notify);
  EXPECT_EQ(out[0].alert.level, "info");
  int64_t id = out[0].alert.id;
  // Another target of the same case, and another case: alerts of their own.
  out = ObserveSla(e, {Sla("warning", 42, "urgent", "care", "resolution"), Sla("warning", 43)}, kT0 + kMin);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_NE(out[0].alert.id, id);
  EXPECT_NE(out[1].alert.id, id);
  // The breach folds into the warning's alert and raises it (notified again).
  out = ObserveSla(e, {Sla("breach", 42, "urgent", "care", "first_response", kT0 + 5 * kMin)}, kT0 + 5 * kMin);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, Type::kUpdated);
  EXPECT_EQ(out[0].alert.id, id);
  EXPECT_TRUE(out[0].notify);
  EXPECT_EQ(out[0].url, "https://ecoute.example/cases/42");
  EXPECT_EQ(out[0].alert.level, "critical");
  EXPECT_EQ(out[0].alert.trigger_count, 2);
  EXPECT_EQ(out[0].alert.notified_count, 2);
  EXPECT_EQ(out[0].alert.title, "SLA breach: first response of case 42 (urgent, team care) was due 12:05");
  ASSERT_FALSE(out[0].history.empty());
  EXPECT_EQ(out[0].history[0].detail, "escalated: info -> critical");
  json d = json::parse(out[0].alert.details_json);
  EXPECT_EQ(d["event"], "breach");
  EXPECT_EQ(d["first"]["event"], "warning");
  // A second breach of that target (a next response, say) does not lower or
  // re-notify it.
  out = ObserveSla(e, {Sla("breach", 42, "normal")}, kT0 + 6 * kMin);
  EXPECT_TRUE(out.empty());
  e.Tick(kT0 + 6 * kMin + 1, &out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].alert.level, "critical");
  EXPECT_EQ(out[0].alert.trigger_count, 3);
  EXPECT_FALSE(out[0].notify);
  EXPECT_EQ(e.Stats().opened, 3u);
  // Quiet for group_minutes (1440 by default): resolved automatically.
  out.clear();
  e.Tick(kT0 + 6 * kMin + 1441 * kMin, &out);
  ASSERT_EQ(out.size(), 3u);
  for (const AlertChange& c : out) EXPECT_EQ(c.type, Type::kResolved);
}

TEST(Engine, SlaRuleLevelCapsTheEventsLevel) {
  Engine e({MakeRule({{"name", "sla"}, {"kind", "sla"}, {"level", "warning"}})}, kQueries, {});
  std::vector<AlertChange> out = ObserveSla(e, {Sla("breach", 1)}, kT0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].alert.level, "warning");
}

TEST(Engine, SlaThrottleQuietHoursAndStaleEvents) {
  Engine e({MakeRule({{"name", "sla"}, {"kind", "sla"}, {"throttle_per_hour", 2},
                      {"quiet_hours", {{"start", "22:00"}, {"end", "07:00"}}}})},
           kQueries, {});
  std::vector<AlertChange> out = ObserveSla(e, {Sla("breach", 1), Sla("breach", 2), Sla("breach", 3)}, kT0);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_TRUE(out[0].notify);
  EXPECT_TRUE(out[1].notify);
  EXPECT_FALSE(out[2].notify);
  EXPECT_EQ(out[2].history.back().detail.rfind("throttled", 0), 0u);
  // The escalation of an open alert counts against the throttle too.
  out = ObserveSla(e, {Sla("warning", 4, "urgent", "care", "first_response", kT0 + 61 * kMin)}, kT0 + 61 * kMin);
  ASSERT_TRUE(out.size() == 1u && out[0].notify);
  out = ObserveSla(e, {Sla("warning", 5, "urgent", "care", "first_response", kT0 + 62 * kMin)}, kT0 + 62 * kMin);
  ASSERT_TRUE(out.size() == 1u && out[0].notify);
  out = ObserveSla(e, {Sla("breach", 4, "urgent", "care", "first_response", kT0 + 63 * kMin)}, kT0 + 63 * kMin);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].alert.level, "critical");
  EXPECT_FALSE(out[0].notify);
  EXPECT_EQ(out[0].alert.suppressed_count, 1);
  EXPECT_EQ(e.Stats().suppressed_throttle, 2u);
  // At 23:00 UTC: a warning is held back, a critical breach goes through.
  base::Timestamp night = kT0 + 11 * 60 * kMin;
  out = ObserveSla(e, {Sla("warning", 6, "urgent", "care", "first_response", night),
                       Sla("breach", 7, "urgent", "care", "first_response", night)},
                   night);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_FALSE(out[0].notify);
  EXPECT_EQ(out[0].history.back().detail, "quiet hours");
  EXPECT_TRUE(out[1].notify);
  // An event older than max_age (60 min) is recorded, not notified.
  base::Timestamp day = kT0 + 24 * 60 * kMin;
  out = ObserveSla(e, {Sla("breach", 8, "urgent", "care", "first_response", day - 90 * kMin)}, day);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, Type::kOpened);
  EXPECT_FALSE(out[0].notify);
  EXPECT_EQ(out[0].alert.suppressed_count, 1);
  EXPECT_EQ(out[0].history.back().detail, "stale (the event is 90 min old)");
  EXPECT_EQ(e.Stats().sla_stale, 1u);
}

TEST(Engine, SlaCooldownAfterAPersonResolves) {
  Engine e({MakeRule({{"name", "sla"}, {"kind", "sla"}, {"cooldown_minutes", 30}})}, kQueries, {});
  std::vector<AlertChange> out = ObserveSla(e, {Sla("warning", 42)}, kT0);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(e.Resolve(out[0].alert.id, "ana", "answered", kT0 + kMin, &out).ok());
  out = ObserveSla(e, {Sla("breach", 42)}, kT0 + 5 * kMin);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(e.Stats().suppressed_cooldown, 1u);
}

TEST(Engine, ACriticalMessageEscalatesAnOpenWarningSeverityAlert) {
  Engine e({MakeRule({{"name", "sev"}, {"kind", "severity"}})}, kQueries, {});
  model::Mention high = Msg(1, kT0);
  high.enrichment.severity_level = "high";
  std::vector<AlertChange> out = Observe(e, {high}, kT0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].alert.level, "warning");
  model::Mention crit = Msg(2, kT0 + kMin);
  crit.enrichment.severity_level = "critical";
  out = Observe(e, {crit}, kT0 + kMin);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].type, Type::kUpdated);
  EXPECT_TRUE(out[0].notify);
  EXPECT_EQ(out[0].alert.level, "critical");
  EXPECT_EQ(out[0].alert.title, "Severity critical on acme (twitter)");
  EXPECT_TRUE(out[0].url.empty());
  // Another high one folds in silently.
  out = Observe(e, {high}, kT0 + 2 * kMin);
  EXPECT_TRUE(out.empty());
}

}  // namespace
}  // namespace ecoute::alert
