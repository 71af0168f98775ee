// alert::Backtest on a span and on a SQLite store: the store's time slices
// give exactly the alerts of the replay's loop on the same messages; a
// spike rule fires on an injected spike after its warm-up and not on flat
// history; the mention cap keeps the newest part and says so.
#include "alert/backtest.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "alert/rules.h"
#include "store/sqlite_store.h"

namespace ecoute::alert {
namespace {

using nlohmann::json;

// 2026-06-01 (a Monday) 00:00 UTC.
constexpr base::Timestamp kT0 = 1'780'272'000'000;
constexpr int64_t kMin = 60'000;
constexpr int64_t kHour = 60 * kMin;
constexpr int64_t kDay = 24 * kHour;

Rule MakeRule(const json& j) {
  base::Result<Rule> r = RuleFromJson(j);
  EXPECT_TRUE(r.ok()) << r.status().message();
  return r.ok() ? *r : Rule{};
}

class BacktestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store::SqliteOptions so;
    so.path = ":memory:";
    so.synchronous = "off";
    auto st = store::OpenSqliteStore(so);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    for (const char* name : {"acme", "rival", "calm"}) {
      store::QueryDef q;
      q.name = name;
      q.text = name;
      auto saved = store_->SaveQuery(q);
      ASSERT_TRUE(saved.ok()) << saved.status().ToString();
      queries_[saved->id] = name;
      ids_[name] = saved->id;
    }
  }

  model::Mention Msg(base::Timestamp at, std::vector<std::string> queries, std::string sentiment = "negative",
                     model::Channel channel = model::Channel::kTwitter) {
    model::Mention m;
    m.channel = channel;
    m.native_id = "n" + std::to_string(next_++);
    m.author.handle = "client" + std::to_string(next_ % 13);
    m.author.followers = 100 + next_ % 50;
    m.direction = next_ % 11 == 0 ? model::Direction::kOutbound : model::Direction::kInbound;
    m.created_at = at;
    m.text = "message " + std::to_string(next_) + " sur le colis";
    m.language = next_ % 5 == 0 ? "en" : "fr";
    for (const std::string& q : queries) m.enrichment.matched_queries.push_back(ids_.at(q));
    m.enrichment.sentiment = sentiment;
    return m;
  }

  // Writes `ms` (ids set) and keeps them, oldest first, in `stored_`.
  void Store(std::vector<model::Mention> ms) {
    for (size_t at = 0; at < ms.size(); at += 2000) {
      std::span<model::Mention> part(ms.data() + at, std::min<size_t>(2000, ms.size() - at));
      auto w = store_->Write(part, {}, nullptr);
      ASSERT_TRUE(w.ok()) << w.status().ToString();
    }
    for (model::Mention& m : ms) stored_.push_back(std::move(m));
    std::sort(stored_.begin(), stored_.end(), [](const model::Mention& a, const model::Mention& b) {
      return a.created_at != b.created_at ? a.created_at < b.created_at : a.id < b.id;
    });
  }

  // 30 hours of mixed messages, with a busy hour (many at the same
  // millisecond) and repeated timestamps.
  void StoreMixedHistory() {
    std::vector<model::Mention> ms;
    const char* sentiments[] = {"negative", "neutral", "positive", "negative"};
    for (int i = 0; i < 600; ++i) {
      base::Timestamp t = kT0 + (static_cast<int64_t>(i) * 7919 % 1800) * kMin + (i % 3) * 1000;
      std::vector<std::string> q = i % 4 == 0 ? std::vector<std::string>{"acme", "rival"}
                                   : i % 4 == 1 ? std::vector<std::string>{"rival"}
                                                : std::vector<std::string>{"acme"};
      ms.push_back(Msg(t, q, sentiments[i % 4], i % 6 == 0 ? model::Channel::kFacebook : model::Channel::kTwitter));
    }
    for (int i = 0; i < 240; ++i) ms.push_back(Msg(kT0 + 20 * kHour + (i / 4) * 30'000, {"acme"}, "negative"));
    Store(std::move(ms));
  }

  std::unique_ptr<store::Store> store_;
  std::map<int64_t, std::string> queries_;
  std::map<std::string, int64_t> ids_;
  std::vector<model::Mention> stored_;
  int next_ = 1;
};

struct Collected {
  std::vector<store::AlertRecord> opened;   // as opened
  std::map<int64_t, store::AlertRecord> last;  // as they stand at the end
};

// `with_resolution`: resolved_at too (it depends on when the engine is
// ticked).
void ExpectSameAlerts(const Collected& want, const BacktestResult& got, bool with_resolution = true) {
  ASSERT_EQ(got.alerts.size(), want.opened.size());
  EXPECT_EQ(got.opened, static_cast<int64_t>(want.opened.size()));
  for (size_t i = 0; i < want.opened.size(); ++i) {
    SCOPED_TRACE(i);
    const store::AlertRecord& w = want.last.at(want.opened[i].id);
    const store::AlertRecord& g = got.alerts[i];
    EXPECT_EQ(g.id, w.id);
    EXPECT_EQ(g.rule, w.rule);
    EXPECT_EQ(g.group_key, w.group_key);
    EXPECT_EQ(g.level, w.level);
    EXPECT_EQ(g.title, w.title);
    EXPECT_EQ(g.opened_at, w.opened_at);
    EXPECT_EQ(g.last_trigger_at, w.last_trigger_at);
    EXPECT_EQ(g.sample_ids, w.sample_ids);
    EXPECT_EQ(g.trigger_count, w.trigger_count);
    EXPECT_EQ(g.notified_count, w.notified_count);
    EXPECT_EQ(g.suppressed_count, w.suppressed_count);
    EXPECT_EQ(g.status, w.status);
    if (with_resolution) {
      EXPECT_EQ(g.resolved_at, w.resolved_at);
    }
  }
}

Collected FromResult(const BacktestResult& r) {
  Collected c;
  c.opened = r.alerts;
  for (const store::AlertRecord& a : r.alerts) c.last[a.id] = a;
  return c;
}

TEST_F(BacktestTest, StoreSlicesGiveExactlyTheReplaysAlerts) {
  ASSERT_NO_FATAL_FAILURE(StoreMixedHistory());
  Rule rule = MakeRule({{"name", "acme-negative"},
                        {"kind", "mention"},
                        {"queries", {"acme"}},
                        {"sentiments", {"negative"}},
                        {"channels", {"twitter"}},
                        {"group_minutes", 5},
                        {"throttle_per_hour", 2}});
  const base::Timestamp from = stored_.front().created_at, to = stored_.back().created_at + 1;

  // The replay's loop on every message, oldest first.
  Collected want;
  {
    Engine engine({rule}, queries_, EngineOptions{});
    std::vector<AlertChange> changes;
    auto keep = [&] {
      for (const AlertChange& ch : changes) {
        if (ch.type == AlertChange::Type::kOpened) want.opened.push_back(ch.alert);
        want.last[ch.alert.id] = ch.alert;
      }
      changes.clear();
    };
    for (const model::Mention& m : stored_) {
      engine.Tick(m.created_at, &changes);
      engine.Observe(std::span(&m, 1), m.created_at, &changes);
      keep();
    }
    engine.Tick(to, &changes);
    keep();
  }
  ASSERT_GT(want.opened.size(), 5u);

  // The replay's own path: every message, a tick before each.
  BacktestOptions o;
  o.from = from;
  o.to = to;
  o.max_alerts = 10'000;
  SpanMentionSource from_span(stored_);
  auto replay = Backtest(std::span(&rule, 1), queries_, from_span, o);
  ASSERT_TRUE(replay.ok());
  ExpectSameAlerts(want, *replay);
  EXPECT_EQ(replay->scanned, static_cast<int64_t>(stored_.size()));

  // The preview's: from the store, which reads only what the rule can use,
  // in slices of 50 (many, the busy hour cut in parts), ticked each minute.
  o.tick_each_minute = true;
  o.hourly = true;
  store::MentionFilter f;
  f.channels = {model::Channel::kTwitter};
  f.query_ids = {ids_["acme"]};
  StoreMentionSource from_store(*store_, f, 50);
  auto got = Backtest(std::span(&rule, 1), queries_, from_store, o);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ExpectSameAlerts(want, *got, /*with_resolution=*/false);
  // Resolved at the first minute past the group window, whatever else the
  // source holds.
  auto everything = Backtest(std::span(&rule, 1), queries_, from_span, o);
  ASSERT_TRUE(everything.ok());
  ExpectSameAlerts(FromResult(*got), *everything);
  int resolved = 0;
  for (const store::AlertRecord& a : got->alerts) {
    if (a.status != store::AlertStatus::kResolved) continue;
    ++resolved;
    EXPECT_GT(a.resolved_at - a.last_trigger_at, 5 * kMin);
    EXPECT_LE(a.resolved_at - a.last_trigger_at, 6 * kMin);
  }
  EXPECT_GT(resolved, 5);
  EXPECT_FALSE(got->truncated);
  EXPECT_EQ(got->learned, 0);  // a mention rule needs no warm-up
  EXPECT_EQ(got->read_from, from);
  // The store only read what the rule could keep.
  int64_t candidates = 0, counting = 0;
  std::set<int64_t> acme = {ids_["acme"]};
  for (const model::Mention& m : stored_) {
    const bool acme_twitter =
        m.channel == model::Channel::kTwitter &&
        std::find(m.enrichment.matched_queries.begin(), m.enrichment.matched_queries.end(), ids_["acme"]) !=
            m.enrichment.matched_queries.end();
    candidates += acme_twitter ? 1 : 0;
    counting += RuleCounts(rule, acme, m) ? 1 : 0;
  }
  EXPECT_EQ(got->scanned, candidates);
  EXPECT_LT(got->scanned, static_cast<int64_t>(stored_.size()));
  int64_t matched = 0, opened = 0;
  for (const BacktestHour& h : got->hours) matched += h.matched, opened += h.opened;
  EXPECT_EQ(matched, counting);
  EXPECT_EQ(opened, got->opened);
  EXPECT_EQ(got->hours.size(), static_cast<size_t>((to - base::FloorHour(from) + kHour - 1) / kHour));
  int64_t notified = 0, suppressed = 0;
  for (const auto& [id, a] : want.last) notified += a.notified_count, suppressed += a.suppressed_count;
  EXPECT_EQ(got->notified, notified);
  EXPECT_EQ(got->suppressed, suppressed);
  EXPECT_GT(got->suppressed, 0);  // the throttle held some back

  // max_alerts keeps the first ones; the counts still cover all.
  o.max_alerts = 2;
  auto two = Backtest(std::span(&rule, 1), queries_, from_store, o);
  ASSERT_TRUE(two.ok());
  ASSERT_EQ(two->alerts.size(), 2u);
  EXPECT_EQ(two->alerts[1].id, want.opened[1].id);
  EXPECT_EQ(two->opened, static_cast<int64_t>(want.opened.size()));
}

TEST_F(BacktestTest, SpikeRuleFiresOnAnInjectedSpikeAfterItsWarmUpAndNotOnFlatHistory) {
  // 16 flat days for two queries (one message every 3 minutes each), then
  // 60 more acme messages in 5 minutes, 10 h into the last day.
  std::vector<model::Mention> ms;
  for (base::Timestamp t = kT0 - 15 * kDay; t < kT0 + kDay; t += 3 * kMin) {
    ms.push_back(Msg(t, {"acme"}, "neutral"));
    ms.push_back(Msg(t + 90'000, {"calm"}, "neutral"));
  }
  const base::Timestamp spike = kT0 + 10 * kHour;
  for (int i = 0; i < 60; ++i) ms.push_back(Msg(spike + i * 5'000, {"acme"}, "negative"));
  ASSERT_NO_FATAL_FAILURE(Store(std::move(ms)));

  BacktestOptions o;
  o.from = kT0;
  o.to = kT0 + kDay;
  auto run = [&](const std::string& query, int64_t warmup_ms) {
    Rule r = MakeRule({{"name", "surge-" + query}, {"kind", "volume_spike"}, {"queries", {query}}});
    store::MentionFilter f;
    f.query_ids = {ids_[query]};
    StoreMentionSource source(*store_, f);
    o.warmup_ms = warmup_ms;
    auto res = Backtest(std::span(&r, 1), queries_, source, o);
    EXPECT_TRUE(res.ok()) << res.status().ToString();
    return res.ok() ? *res : BacktestResult{};
  };

  BacktestResult acme = run("acme", -1);
  EXPECT_EQ(acme.read_from, kT0 - 14 * kDay);  // BacktestWarmupMs: the service's 14 days of learning
  EXPECT_EQ(acme.learned, 14 * 480);
  EXPECT_EQ(acme.scanned, 15 * 480 + 60);
  ASSERT_EQ(acme.opened, 1);
  ASSERT_EQ(acme.alerts.size(), 1u);
  const store::AlertRecord& a = acme.alerts[0];
  EXPECT_EQ(a.kind, "volume_spike");
  EXPECT_GE(a.opened_at, spike);
  EXPECT_LE(a.opened_at, spike + 10 * kMin);
  EXPECT_FALSE(a.sample_ids.empty());
  EXPECT_EQ(a.status, store::AlertStatus::kResolved);  // quiet for an hour before `to`

  BacktestResult calm = run("calm", -1);
  EXPECT_EQ(calm.opened, 0);
  EXPECT_TRUE(calm.alerts.empty());
  EXPECT_EQ(calm.learned, 14 * 480);

  // Without its warm-up the baseline is not ready: nothing fires.
  BacktestResult cold = run("acme", 0);
  EXPECT_EQ(cold.learned, 0);
  EXPECT_EQ(cold.opened, 0);
}

// Says there is nothing in every hour: Backtest cannot plan the cap and
// must stop reading at it.
class UnderCountingSource final : public MentionSource {
 public:
  explicit UnderCountingSource(std::span<const model::Mention> ms) : span_(ms) {}
  base::Result<std::vector<int64_t>> HourlyCounts(base::Timestamp from, base::Timestamp to) const override {
    auto n = span_.HourlyCounts(from, to);
    if (!n.ok()) return n.status();
    return std::vector<int64_t>(n->size(), 0);
  }
  base::Status Read(base::Timestamp from, base::Timestamp to,
                    const std::function<bool(std::span<const model::Mention>)>& fn) const override {
    return span_.Read(from, to, fn);
  }

 private:
  SpanMentionSource span_;
};

TEST_F(BacktestTest, TheCapKeepsTheNewestPartAndSaysSo) {
  ASSERT_NO_FATAL_FAILURE(StoreMixedHistory());
  Rule rule = MakeRule({{"name", "all-acme"}, {"kind", "mention"}, {"queries", {"acme"}}, {"group_minutes", 0}});
  BacktestOptions o;
  o.from = kT0;
  o.to = kT0 + 31 * kHour;
  o.max_mentions = 100;
  o.max_alerts = 1000;
  SpanMentionSource span(stored_);
  auto res = Backtest(std::span(&rule, 1), queries_, span, o);
  ASSERT_TRUE(res.ok());
  EXPECT_TRUE(res->truncated);
  EXPECT_LE(res->scanned, 100);
  EXPECT_GT(res->scanned, 50);
  EXPECT_GT(res->from, o.from);
  EXPECT_EQ(res->read_from, res->from);
  EXPECT_EQ(res->from % kHour, 0);  // moved by whole hours
  // Exactly the messages of [from, to): the newest ones.
  int64_t newest = 0;
  for (const model::Mention& m : stored_) newest += m.created_at >= res->from ? 1 : 0;
  EXPECT_EQ(res->scanned, newest);
  ASSERT_FALSE(res->alerts.empty());
  for (const store::AlertRecord& a : res->alerts) EXPECT_GE(a.opened_at, res->from);

  // From the store (upper-bound counts): within the cap too.
  StoreMentionSource stored(*store_, store::MentionFilter{});
  auto from_store = Backtest(std::span(&rule, 1), queries_, stored, o);
  ASSERT_TRUE(from_store.ok());
  EXPECT_TRUE(from_store->truncated);
  EXPECT_LE(from_store->scanned, 100);
  EXPECT_GE(from_store->from, res->from);

  // Counts that say nothing: the hard stop cuts at the cap.
  UnderCountingSource blind(stored_);
  auto stopped = Backtest(std::span(&rule, 1), queries_, blind, o);
  ASSERT_TRUE(stopped.ok());
  EXPECT_TRUE(stopped->truncated);
  EXPECT_EQ(stopped->scanned, 100);
  EXPECT_EQ(stopped->from, o.from);

  // Under the cap: not truncated.
  o.max_mentions = 100'000;
  auto whole = Backtest(std::span(&rule, 1), queries_, span, o);
  ASSERT_TRUE(whole.ok());
  EXPECT_FALSE(whole->truncated);
  EXPECT_EQ(whole->scanned, static_cast<int64_t>(stored_.size()));
}

TEST_F(BacktestTest, RangeMustNotBeEmpty) {
  Rule rule = MakeRule({{"name", "m"}, {"kind", "mention"}});
  BacktestOptions o;
  o.from = kT0;
  o.to = kT0;
  SpanMentionSource none(std::span<const model::Mention>{});
  auto res = Backtest(std::span(&rule, 1), queries_, none, o);
  EXPECT_EQ(res.status().code(), base::StatusCode::kInvalidArgument);
}

TEST(BacktestWarmup, SpikeKindsOnly) {
  EngineOptions eo;
  EXPECT_EQ(BacktestWarmupMs(MakeRule({{"name", "a"}, {"kind", "volume_spike"}}), eo), 14 * kDay);
  EXPECT_EQ(BacktestWarmupMs(MakeRule({{"name", "a"}, {"kind", "negative_share"}}), eo), 14 * kDay);
  EXPECT_EQ(BacktestWarmupMs(MakeRule({{"name", "a"}, {"kind", "mention"}}), eo), 0);
  EXPECT_EQ(BacktestWarmupMs(MakeRule({{"name", "a"}, {"kind", "snowball"}}), eo), 0);
  eo.warmup_days = 20;
  EXPECT_EQ(BacktestWarmupMs(MakeRule({{"name", "a"}, {"kind", "volume_spike"}}), eo), 21 * kDay);
  eo.warmup_days = 60;
  EXPECT_EQ(BacktestWarmupMs(MakeRule({{"name", "a"}, {"kind", "volume_spike"}}), eo), 28 * kDay);
}

}  // namespace
}  // namespace ecoute::alert
