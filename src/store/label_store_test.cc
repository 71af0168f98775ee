// The understanding labels in the SQLite store: the codec of the new
// enrichment fields, the label rollups (overall and per query) maintained by
// Write, CorrectLabels, ReplaceQueryMatches and DeleteQuery, user
// corrections surviving re-ingestion, LabelCorrections, Volume by label and
// migration 4.
#include <algorithm>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "store/migrations.h"
#include "store/sqlite_store.h"
#include "store/sqlite_test_util.h"

namespace ecoute::store {
namespace {

using model::Channel;
using model::Mention;
using test_util::DefineQueries;
using test_util::OpenAt;
using test_util::RawExec;
using test_util::RawInt;
using test_util::RawRows;
using test_util::TempDir;
using test_util::WriteOk;

constexpr base::Timestamp kT0 = 1'700'000'000'000;
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

struct Labels {
  std::optional<std::string> sentiment, category, severity;
  std::optional<bool> needs_reply;
};

Mention M(std::string native_id, std::string text, base::Timestamp created_at, Labels l = {},
          std::vector<int64_t> queries = {}, Channel channel = Channel::kTwitter, std::string lang = "fr") {
  Mention m;
  m.channel = channel;
  m.native_id = std::move(native_id);
  m.text = std::move(text);
  m.created_at = created_at;
  m.language = std::move(lang);
  m.enrichment.matched_queries = std::move(queries);
  m.enrichment.sentiment = l.sentiment;
  m.enrichment.category = l.category;
  m.enrichment.severity_level = l.severity;
  m.enrichment.needs_reply = l.needs_reply;
  return m;
}

std::string B(std::optional<bool> b) { return b ? (*b ? "true" : "false") : ""; }

// The label rollup rows a recount of `ms` gives, as
// "bucket/channel/lang/sentiment/category/severity/needs_reply" -> count.
std::map<std::string, int64_t> LabelRecount(const std::vector<Mention>& ms) {
  std::map<std::string, int64_t> out;
  for (const Mention& m : ms) {
    const auto& e = m.enrichment;
    out[std::to_string(base::FloorHour(m.created_at)) + "/" + std::string(model::ChannelName(m.channel)) + "/" +
        m.language + "/" + e.sentiment.value_or("") + "/" + e.category.value_or("") + "/" +
        e.severity_level.value_or("") + "/" + B(e.needs_reply)] += 1;
  }
  return out;
}

// "query/bucket/channel/lang/sentiment/category/severity/needs_reply" -> count.
std::map<std::string, int64_t> QueryLabelRecount(const std::vector<Mention>& ms) {
  std::map<std::string, int64_t> out;
  for (const Mention& m : ms) {
    const auto& e = m.enrichment;
    for (int64_t q : std::set<int64_t>(e.matched_queries.begin(), e.matched_queries.end()))
      out[std::to_string(q) + "/" + std::to_string(base::FloorHour(m.created_at)) + "/" +
          std::string(model::ChannelName(m.channel)) + "/" + m.language + "/" + e.sentiment.value_or("") + "/" +
          e.category.value_or("") + "/" + e.severity_level.value_or("") + "/" + B(e.needs_reply)] += 1;
  }
  return out;
}

std::map<std::string, int64_t> StoredLabelRows(const std::string& path) {
  std::map<std::string, int64_t> out;
  for (auto& r : RawRows(path, "SELECT bucket_ms, channel, lang, sentiment, category, severity_level, needs_reply, "
                               "count FROM rollup_label_hour"))
    out[r[0] + "/" + r[1] + "/" + r[2] + "/" + r[3] + "/" + r[4] + "/" + r[5] + "/" + r[6]] = std::stoll(r[7]);
  return out;
}

std::map<std::string, int64_t> StoredQueryLabelRows(const std::string& path) {
  std::map<std::string, int64_t> out;
  for (auto& r : RawRows(path, "SELECT query_id, bucket_ms, channel, lang, sentiment, category, severity_level, "
                               "needs_reply, count FROM rollup_query_label_hour"))
    out[r[0] + "/" + r[1] + "/" + r[2] + "/" + r[3] + "/" + r[4] + "/" + r[5] + "/" + r[6] + "/" + r[7]] =
        std::stoll(r[8]);
  return out;
}

// Every stored mention, read back.
std::vector<Mention> AllStored(const Store& s) {
  std::vector<Mention> out;
  auto st = s.ScanMentions(1, std::numeric_limits<int64_t>::max(), "", [&](const Mention& m) {
    out.push_back(m);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

void ExpectRollupsMatchARecount(const Store& s, const std::string& path) {
  std::vector<Mention> all = AllStored(s);
  EXPECT_EQ(StoredLabelRows(path), LabelRecount(all));
  EXPECT_EQ(StoredQueryLabelRows(path), QueryLabelRecount(all));
  // The label rollup and the channel × language one agree.
  EXPECT_EQ(RawInt(path, "SELECT coalesce(sum(count), 0) FROM rollup_label_hour"),
            RawInt(path, "SELECT coalesce(sum(count), 0) FROM rollup_hour"));
}

std::map<std::pair<base::Timestamp, std::string>, int64_t> VolumeMap(const Store& s, const VolumeQuery& q) {
  auto r = s.Volume(q);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::map<std::pair<base::Timestamp, std::string>, int64_t> out;
  if (r.ok())
    for (const auto& p : *r) out[{p.bucket, p.group}] += p.count;
  return out;
}

VolumeQuery Daily(GroupBy g) {
  VolumeQuery q;
  q.from = kT0 - kDay;
  q.to = kT0 + 3 * kDay;
  q.interval = Interval::kDay;
  q.group_by = g;
  return q;
}

const Labels kNeg{"negative", "delivery", "high", true};
const Labels kPos{"positive", "none", "none", false};

TEST(LabelStore, NewEnrichmentFieldsRoundTrip) {
  TempDir dir;
  auto store = OpenAt(dir.File("e.db"));
  std::vector<Mention> batch = {M("1", "colis perdu", kT0, kNeg)};
  auto& e = batch[0].enrichment;
  e.sentiment_score = 0.75;
  e.sentiment_polarity = -0.625;
  e.needs_reply_score = 0.875;
  e.category_score = 0.5;
  e.severity = 70;
  e.corrected = {"category"};
  WriteOk(*store, batch);
  auto got = store->Get(batch[0].id);
  ASSERT_TRUE(got.ok() && got->has_value());
  const auto& g = (*got)->enrichment;
  EXPECT_EQ(g.sentiment_score, 0.75);
  EXPECT_EQ(g.sentiment_polarity, -0.625);
  EXPECT_EQ(g.needs_reply_score, 0.875);
  EXPECT_EQ(g.category_score, 0.5);
  EXPECT_EQ(g.corrected, std::vector<std::string>{"category"});
  EXPECT_EQ(g.needs_reply, true);
  // A changed score is a changed record.
  std::vector<WriteOutcome> outcomes;
  std::vector<Mention> again = {batch[0]};
  again[0].enrichment.needs_reply_score = 0.25;
  WriteOk(*store, again, &outcomes);
  EXPECT_EQ(outcomes, std::vector<WriteOutcome>{WriteOutcome::kUpdated});
}

TEST(LabelStore, LabelRollupsMatchARecountAfterRandomWrites) {
  TempDir dir;
  const std::string path = dir.File("r.db");
  auto store = OpenAt(path);
  DefineQueries(*store, 3);
  std::mt19937 rng(7);
  const std::vector<std::optional<std::string>> sentiments = {std::nullopt, "negative", "neutral", "positive",
                                                              "unknown"};
  const std::vector<std::optional<std::string>> categories = {std::nullopt, "none", "delivery", "billing"};
  const std::vector<std::optional<std::string>> levels = {std::nullopt, "none", "low", "critical"};
  const std::vector<std::optional<bool>> replies = {std::nullopt, true, false};
  for (int round = 0; round < 30; ++round) {
    std::vector<Mention> batch;
    for (int i = 0; i < 20; ++i) {
      Labels l{sentiments[rng() % sentiments.size()], categories[rng() % categories.size()],
               levels[rng() % levels.size()], replies[rng() % replies.size()]};
      std::vector<int64_t> qs;
      for (int64_t q = 1; q <= 3; ++q)
        if (rng() % 3 == 0) qs.push_back(q);
      batch.push_back(M(std::to_string(rng() % 60), "texte " + std::to_string(rng() % 4),
                        kT0 + static_cast<int64_t>(rng() % 48) * kHour, l, qs,
                        rng() % 2 ? Channel::kTwitter : Channel::kForum, rng() % 2 ? "fr" : "en"));
    }
    WriteOk(*store, batch);
    if (round % 5 == 4) {
      // Corrections move counts too.
      LabelCorrection c;
      c.sentiment = "positive";
      c.category = "billing";
      c.severity_level = "medium";
      c.needs_reply = round % 2 == 0;
      auto r = store->CorrectLabels(batch[0].id, c);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
    }
  }
  ExpectRollupsMatchARecount(*store, path);

  // ReplaceQueryMatches and DeleteQuery keep the per-query label rollup in step.
  std::vector<int64_t> some;
  for (const Mention& m : AllStored(*store))
    if (m.id % 2 == 0) some.push_back(m.id);
  ASSERT_TRUE(store->ReplaceQueryMatches(2, 1, 1'000'000, some).ok());
  ExpectRollupsMatchARecount(*store, path);
  ASSERT_TRUE(store->DeleteQuery(3).ok());
  ExpectRollupsMatchARecount(*store, path);
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM rollup_query_label_hour WHERE query_id = 3"), 0);

  // Volume by sentiment, with and without a query, agrees with the recount.
  std::vector<Mention> all = AllStored(*store);
  std::map<std::pair<base::Timestamp, std::string>, int64_t> want, want_q2;
  for (const Mention& m : all) {
    want[{base::FloorDay(m.created_at), m.enrichment.sentiment.value_or("")}] += 1;
    const auto& mq = m.enrichment.matched_queries;
    if (std::find(mq.begin(), mq.end(), 2) != mq.end())
      want_q2[{base::FloorDay(m.created_at), m.enrichment.sentiment.value_or("")}] += 1;
  }
  EXPECT_EQ(VolumeMap(*store, Daily(GroupBy::kSentiment)), want);
  VolumeQuery q2 = Daily(GroupBy::kSentiment);
  q2.query_ids = {2};
  EXPECT_EQ(VolumeMap(*store, q2), want_q2);
}

TEST(LabelStore, CorrectLabelsValidatesRecordsAndMovesCounts) {
  TempDir dir;
  const std::string path = dir.File("c.db");
  base::FakeClock clock(kT0 + kDay);
  auto store = OpenAt(path, &clock);
  DefineQueries(*store, 1);
  std::vector<Mention> batch = {M("1", "colis perdu", kT0, kNeg, {1}), M("2", "merci", kT0 + kHour, kPos)};
  WriteOk(*store, batch);
  const int64_t id = batch[0].id;

  auto bad = [&](LabelCorrection c, const std::string& field) {
    auto r = store->CorrectLabels(id, c);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_EQ(r.status().message().rfind(field + ": ", 0), 0u) << r.status().message();
  };
  LabelCorrection c;
  c.sentiment = "angry";
  bad(c, "sentiment");
  c = LabelCorrection{};
  c.severity_level = "urgent";
  bad(c, "severity_level");
  c = LabelCorrection{};
  c.category = "Billing!";
  bad(c, "category");
  bad(LabelCorrection{}, "labels");
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM label_corrections"), 0);

  c = LabelCorrection{};
  c.sentiment = "neutral";
  EXPECT_EQ(store->CorrectLabels(999, c).status().code(), base::StatusCode::kNotFound);

  c = LabelCorrection{};
  c.sentiment = "neutral";
  c.category = "delivery";  // the model's value: a human confirmation, recorded
  c.user = "alice";
  auto r = store->CorrectLabels(id, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->id, id);
  EXPECT_EQ(r->enrichment.sentiment, "neutral");
  EXPECT_EQ(r->enrichment.category, "delivery");
  EXPECT_EQ(r->enrichment.severity_level, "high");  // untouched
  EXPECT_EQ(r->enrichment.corrected, (std::vector<std::string>{"category", "sentiment"}));
  auto got = store->Get(id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->enrichment.sentiment, "neutral");
  EXPECT_EQ((*got)->enrichment.corrected, r->enrichment.corrected);
  EXPECT_EQ(RawRows(path, "SELECT mention_id, channel, native_id, field, value, previous, user, at_ms "
                          "FROM label_corrections ORDER BY id"),
            (std::vector<std::vector<std::string>>{
                {std::to_string(id), "twitter", "1", "sentiment", "neutral", "negative", "alice",
                 std::to_string(kT0 + kDay)},
                {std::to_string(id), "twitter", "1", "category", "delivery", "delivery", "alice",
                 std::to_string(kT0 + kDay)}}));
  ExpectRollupsMatchARecount(*store, path);

  // The same correction again records nothing more.
  ASSERT_TRUE(store->CorrectLabels(id, c).ok());
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM label_corrections"), 2);

  // needs_reply is stored as true/false text, previous NULL when unset.
  c = LabelCorrection{};
  c.needs_reply = false;
  c.at = kT0 + 2 * kDay;
  r = store->CorrectLabels(batch[1].id, c);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->enrichment.needs_reply, false);
  EXPECT_EQ(RawRows(path, "SELECT field, value, previous, at_ms FROM label_corrections WHERE id = 3"),
            (std::vector<std::vector<std::string>>{{"needs_reply", "false", "false", std::to_string(kT0 + 2 * kDay)}}));
  ExpectRollupsMatchARecount(*store, path);
}

TEST(LabelStore, CorrectionsSurviveReingestion) {
  TempDir dir;
  const std::string path = dir.File("s.db");
  auto store = OpenAt(path);
  DefineQueries(*store, 2);
  std::vector<Mention> batch = {M("1", "colis perdu", kT0, kNeg, {1})};
  WriteOk(*store, batch);
  const int64_t id = batch[0].id;
  LabelCorrection c;
  c.sentiment = "neutral";
  c.severity_level = "low";
  ASSERT_TRUE(store->CorrectLabels(id, c).ok());

  // The same record again (the model's labels): a duplicate, and the
  // caller sees the stored, corrected labels.
  std::vector<WriteOutcome> outcomes;
  std::vector<Mention> same = {M("1", "colis perdu", kT0, kNeg, {1})};
  WriteOk(*store, same, &outcomes);
  EXPECT_EQ(outcomes, std::vector<WriteOutcome>{WriteOutcome::kDuplicate});
  EXPECT_EQ(same[0].enrichment.sentiment, "neutral");
  EXPECT_EQ(same[0].enrichment.severity_level, "low");

  // A changed record with new model labels: the corrected fields stay the
  // user's, the others follow the model.
  std::vector<Mention> changed = {M("1", "colis perdu, toujours rien", kT0 + kHour,
                                    Labels{"negative", "billing", "critical", false}, {1, 2})};
  WriteOk(*store, changed, &outcomes);
  EXPECT_EQ(outcomes, std::vector<WriteOutcome>{WriteOutcome::kUpdated});
  EXPECT_EQ(changed[0].id, id);
  auto got = store->Get(id);
  ASSERT_TRUE(got.ok() && got->has_value());
  const auto& e = (*got)->enrichment;
  EXPECT_EQ(e.sentiment, "neutral");
  EXPECT_EQ(e.severity_level, "low");
  EXPECT_EQ(e.category, "billing");
  EXPECT_EQ(e.needs_reply, false);
  EXPECT_EQ(e.corrected, (std::vector<std::string>{"sentiment", "severity_level"}));
  EXPECT_EQ(changed[0].enrichment.sentiment, "neutral");
  ExpectRollupsMatchARecount(*store, path);
  // And again: still a duplicate of the changed version.
  std::vector<Mention> again = {M("1", "colis perdu, toujours rien", kT0 + kHour,
                                  Labels{"negative", "billing", "critical", false}, {1, 2})};
  WriteOk(*store, again, &outcomes);
  EXPECT_EQ(outcomes, std::vector<WriteOutcome>{WriteOutcome::kDuplicate});
  ExpectRollupsMatchARecount(*store, path);
}

TEST(LabelStore, LabelCorrectionsListsLatestValuesInCorrectionOrder) {
  TempDir dir;
  auto store = OpenAt(dir.File("l.db"));
  std::vector<Mention> batch = {M("1", "colis perdu", kT0, kNeg), M("2", "merci", kT0 + kHour, kPos),
                                M("3", "bof", kT0 + 2 * kHour)};
  batch[0].title = "Sujet";
  WriteOk(*store, batch);
  auto correct = [&](int64_t id, LabelCorrection c) {
    auto r = store->CorrectLabels(id, c);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  };
  LabelCorrection c;
  c.sentiment = "neutral";
  c.user = "a";
  c.at = kT0 + kDay;
  correct(batch[0].id, c);  // correction 1
  c = LabelCorrection{};
  c.category = "billing";
  c.needs_reply = true;
  c.user = "b";
  c.at = kT0 + 2 * kDay;
  correct(batch[1].id, c);  // corrections 2, 3

  auto list = store->LabelCorrections(0, 100);
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0].mention_id, batch[0].id);
  EXPECT_EQ((*list)[0].correction_id, 1);
  EXPECT_EQ((*list)[0].title, "Sujet");
  EXPECT_EQ((*list)[0].text, "colis perdu");
  EXPECT_EQ((*list)[0].language, "fr");
  EXPECT_EQ((*list)[0].channel, Channel::kTwitter);
  EXPECT_EQ((*list)[0].native_id, "1");
  EXPECT_EQ((*list)[0].sentiment, "neutral");
  EXPECT_FALSE((*list)[0].category.has_value());
  EXPECT_EQ((*list)[0].user, "a");
  EXPECT_EQ((*list)[0].at, kT0 + kDay);
  EXPECT_EQ((*list)[1].mention_id, batch[1].id);
  EXPECT_EQ((*list)[1].correction_id, 3);
  EXPECT_EQ((*list)[1].category, "billing");
  EXPECT_EQ((*list)[1].needs_reply, true);

  // Paging, and a mention corrected again moves to the end with its latest values.
  list = store->LabelCorrections(1, 100);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].mention_id, batch[1].id);
  c = LabelCorrection{};
  c.sentiment = "negative";
  c.user = "c";
  correct(batch[0].id, c);  // correction 4
  list = store->LabelCorrections(0, 1);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].mention_id, batch[1].id);
  list = store->LabelCorrections(3, 10);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].mention_id, batch[0].id);
  EXPECT_EQ((*list)[0].sentiment, "negative");
  EXPECT_EQ((*list)[0].user, "c");
  EXPECT_EQ((*list)[0].correction_id, 4);
}

TEST(LabelStore, VolumeByLabelWithFiltersAndQueries) {
  TempDir dir;
  auto store = OpenAt(dir.File("v.db"));
  DefineQueries(*store, 2);
  const base::Timestamp t = base::FloorDay(kT0) + 10 * kHour;
  std::vector<Mention> batch = {
      M("1", "a", t, kNeg, {1}),
      M("2", "b", t + kHour, kNeg, {1, 2}, Channel::kForum),
      M("3", "c", t + 2 * kHour, kPos, {1}),
      M("4", "d", t + kDay, Labels{"negative", "billing", "critical", true}, {2}, Channel::kTwitter, "en"),
      M("5", "e", t + kDay),  // unlabelled
  };
  WriteOk(*store, batch);
  const base::Timestamp d0 = base::FloorDay(t), d1 = base::FloorDay(t + kDay);
  using Map = std::map<std::pair<base::Timestamp, std::string>, int64_t>;

  EXPECT_EQ(VolumeMap(*store, Daily(GroupBy::kSentiment)),
            (Map{{{d0, "negative"}, 2}, {{d0, "positive"}, 1}, {{d1, "negative"}, 1}, {{d1, ""}, 1}}));
  EXPECT_EQ(VolumeMap(*store, Daily(GroupBy::kCategory)),
            (Map{{{d0, "delivery"}, 2}, {{d0, "none"}, 1}, {{d1, "billing"}, 1}, {{d1, ""}, 1}}));
  EXPECT_EQ(VolumeMap(*store, Daily(GroupBy::kSeverity)),
            (Map{{{d0, "high"}, 2}, {{d0, "none"}, 1}, {{d1, "critical"}, 1}, {{d1, ""}, 1}}));
  EXPECT_EQ(VolumeMap(*store, Daily(GroupBy::kNeedsReply)),
            (Map{{{d0, "true"}, 2}, {{d0, "false"}, 1}, {{d1, "true"}, 1}, {{d1, ""}, 1}}));

  // Filters, with channel/lang groupings of the label rollup.
  VolumeQuery q = Daily(GroupBy::kChannel);
  q.sentiments = {"negative"};
  EXPECT_EQ(VolumeMap(*store, q), (Map{{{d0, "twitter"}, 1}, {{d0, "forum"}, 1}, {{d1, "twitter"}, 1}}));
  q = Daily(GroupBy::kLanguage);
  q.needs_reply = true;
  q.severity_levels = {"critical", "high"};
  q.categories = {"billing"};
  EXPECT_EQ(VolumeMap(*store, q), (Map{{{d1, "en"}, 1}}));
  q = Daily(GroupBy::kNone);
  q.sentiments = {""};
  EXPECT_EQ(VolumeMap(*store, q), (Map{{{d1, ""}, 1}}));

  // Per query: query × sentiment, and a query's severity split.
  q = Daily(GroupBy::kSentiment);
  q.query_ids = {1};
  EXPECT_EQ(VolumeMap(*store, q), (Map{{{d0, "negative"}, 2}, {{d0, "positive"}, 1}}));
  q = Daily(GroupBy::kQuery);
  q.sentiments = {"negative"};
  EXPECT_EQ(VolumeMap(*store, q), (Map{{{d0, "1"}, 2}, {{d0, "2"}, 1}, {{d1, "2"}, 1}}));
  q = Daily(GroupBy::kSeverity);
  q.query_ids = {2};
  q.categories = {"billing"};
  EXPECT_EQ(VolumeMap(*store, q), (Map{{{d1, "critical"}, 1}}));

  // The per-query label rollup keeps needs_reply, channel and language too.
  q = Daily(GroupBy::kNeedsReply);
  q.query_ids = {1};
  EXPECT_EQ(VolumeMap(*store, q), (Map{{{d0, "true"}, 2}, {{d0, "false"}, 1}}));
  q = Daily(GroupBy::kSentiment);
  q.query_ids = {1};
  q.channels = {Channel::kForum};
  EXPECT_EQ(VolumeMap(*store, q), (Map{{{d0, "negative"}, 1}}));
  q = Daily(GroupBy::kLanguage);
  q.query_ids = {2};
  q.needs_reply = true;
  EXPECT_EQ(VolumeMap(*store, q), (Map{{{d0, "fr"}, 1}, {{d1, "en"}, 1}}));
  // Without label conditions, query × channel still works (rollup_query_hour).
  q = Daily(GroupBy::kChannel);
  q.query_ids = {1};
  EXPECT_EQ(VolumeMap(*store, q), (Map{{{d0, "twitter"}, 2}, {{d0, "forum"}, 1}}));
}

TEST(LabelStore, GroupByNamesParse) {
  for (GroupBy g : {GroupBy::kNone, GroupBy::kChannel, GroupBy::kLanguage, GroupBy::kQuery, GroupBy::kSentiment,
                    GroupBy::kCategory, GroupBy::kSeverity, GroupBy::kNeedsReply}) {
    auto p = ParseGroupBy(GroupByName(g));
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*p, g);
  }
  EXPECT_EQ(*ParseGroupBy("Severity_Level"), GroupBy::kSeverity);
  EXPECT_FALSE(ParseGroupBy("mood").ok());
  EXPECT_TRUE(IsCategoryName("delivery_2"));
  EXPECT_FALSE(IsCategoryName(""));
  EXPECT_FALSE(IsCategoryName(std::string(65, 'a')));
  EXPECT_FALSE(IsSentimentLabel("unknown"));
  EXPECT_TRUE(IsSeverityLevel("critical"));
}

TEST(LabelStore, MigratesAVersion3FileAndFillsTheLabelRollups) {
  TempDir dir;
  // Rows written by this build, copied into a file built from steps 1..3.
  const std::string source = dir.File("source.db");
  {
    auto store = OpenAt(source);
    DefineQueries(*store, 2);
    std::vector<Mention> batch = {M("1", "colis perdu", kT0, kNeg, {1}), M("2", "merci", kT0 + kHour, kPos, {1, 2}),
                                  M("3", "rien", -kHour / 2), M("4", "panne", kT0 + kDay, kNeg, {2}, Channel::kForum)};
    WriteOk(*store, batch);
  }
  const std::string v3 = dir.File("v3.db");
  test_util::BuildOldFile(v3, 3, source,
                          {"mentions", "rollup_hour", "id_blocks", "counters", "queries", "mention_queries",
                           "rollup_query_hour"});
  ASSERT_EQ(RawInt(v3, "SELECT count(*) FROM sqlite_schema WHERE name = 'rollup_label_hour'"), 0);

  base::FakeClock clock(kT0 + 2 * kDay);
  {
    auto store = OpenAt(v3, &clock);
    EXPECT_EQ(RawInt(v3, "PRAGMA user_version"), internal::CurrentSchemaVersion());
    EXPECT_EQ(RawInt(v3, "SELECT count(*) FROM schema_migrations WHERE version = 4"), 1);
    EXPECT_EQ(RawInt(v3, "SELECT applied_at FROM schema_migrations WHERE version = 4"), kT0 + 2 * kDay);
    // Filled from the stored enrichment, like Write would have.
    EXPECT_EQ(StoredLabelRows(v3), StoredLabelRows(source));
    EXPECT_EQ(StoredQueryLabelRows(v3), StoredQueryLabelRows(source));
    ExpectRollupsMatchARecount(*store, v3);
    EXPECT_EQ(RawInt(v3, "SELECT count(*) FROM rollup_label_hour WHERE bucket_ms = " + std::to_string(-kHour)), 1);
    // The migrated file takes corrections and keeps its rollups in step.
    auto list = store->Search(MentionFilter{});
    ASSERT_TRUE(list.ok());
    LabelCorrection c;
    c.sentiment = "positive";
    ASSERT_TRUE(store->CorrectLabels(list->items[0].id, c).ok());
    ExpectRollupsMatchARecount(*store, v3);
  }
  { auto store = OpenAt(v3, &clock); }
  EXPECT_EQ(RawInt(v3, "SELECT count(*) FROM schema_migrations"), internal::CurrentSchemaVersion());
}

}  // namespace
}  // namespace ecoute::store
