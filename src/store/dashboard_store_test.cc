// What the dashboard reads from the SQLite store: Volume with every filter
// combined with every grouping (per query too), and TopAuthors, both
// checked against counts computed by brute force over the stored mentions
// of a random fixture, after writes, updates, query re-matches and label
// corrections; and migration 6, which fills the rebuilt per-query label
// rollup and the author rollup from a version-5 file.
#include <algorithm>
#include <limits>
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

constexpr base::Timestamp kT0 = 1'700'000'000'000;  // 2023-11-14T22:13:20Z
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

std::vector<Mention> AllStored(const Store& s) {
  std::vector<Mention> out;
  auto st = s.ScanMentions(1, std::numeric_limits<int64_t>::max(), "", [&](const Mention& m) {
    out.push_back(m);
    return true;
  });
  EXPECT_TRUE(st.ok()) << st.ToString();
  return out;
}

bool Has(const std::vector<int64_t>& v, int64_t x) { return std::find(v.begin(), v.end(), x) != v.end(); }

// The group value of `m` under `g` ("" for kNone; kQuery is handled by the caller).
std::string GroupOf(const Mention& m, GroupBy g) {
  const auto& e = m.enrichment;
  switch (g) {
    case GroupBy::kChannel: return std::string(model::ChannelName(m.channel));
    case GroupBy::kLanguage: return m.language;
    case GroupBy::kSentiment: return e.sentiment.value_or("");
    case GroupBy::kCategory: return e.category.value_or("");
    case GroupBy::kSeverity: return e.severity_level.value_or("");
    case GroupBy::kNeedsReply: return e.needs_reply ? (*e.needs_reply ? "true" : "false") : "";
    case GroupBy::kNone:
    case GroupBy::kQuery: break;
  }
  return "";
}

bool InList(const std::vector<std::string>& list, const std::optional<std::string>& v) {
  return list.empty() || std::find(list.begin(), list.end(), v.value_or("")) != list.end();
}

using VolumeMap = std::map<std::pair<base::Timestamp, std::string>, int64_t>;

// Volume by brute force over `all`, as store.h defines it.
VolumeMap BruteVolume(const std::vector<Mention>& all, const VolumeQuery& q) {
  VolumeMap out;
  for (const Mention& m : all) {
    if (m.created_at < base::FloorHour(q.from) || m.created_at >= q.to) continue;
    if (!q.channels.empty() && std::find(q.channels.begin(), q.channels.end(), m.channel) == q.channels.end()) continue;
    if (!q.languages.empty() && std::find(q.languages.begin(), q.languages.end(), m.language) == q.languages.end())
      continue;
    const auto& e = m.enrichment;
    if (!InList(q.sentiments, e.sentiment) || !InList(q.categories, e.category) ||
        !InList(q.severity_levels, e.severity_level))
      continue;
    if (q.needs_reply && e.needs_reply != q.needs_reply) continue;
    const base::Timestamp bucket = q.interval == Interval::kDay    ? base::FloorDay(m.created_at)
                                   : q.interval == Interval::kWeek ? base::FloorWeek(m.created_at)
                                                                   : base::FloorHour(m.created_at);
    const bool per_query = q.group_by == GroupBy::kQuery || !q.query_ids.empty();
    if (!per_query) {
      out[{bucket, GroupOf(m, q.group_by)}] += 1;
      continue;
    }
    for (int64_t id : e.matched_queries) {
      if (!q.query_ids.empty() && !Has(q.query_ids, id)) continue;
      out[{bucket, q.group_by == GroupBy::kQuery ? std::to_string(id) : GroupOf(m, q.group_by)}] += 1;
    }
  }
  return out;
}

VolumeMap StoreVolume(const Store& s, const VolumeQuery& q) {
  auto r = s.Volume(q);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  VolumeMap out;
  if (r.ok())
    for (const auto& p : *r) {
      EXPECT_NE(p.count, 0);
      EXPECT_TRUE(out.emplace(std::make_pair(p.bucket, p.group), p.count).second) << "repeated point";
    }
  return out;
}

// The random fixture: 3 queries, 4 channels, 3 languages, every label
// with its "unset" value, 5 days.
struct Fixture {
  std::mt19937 rng{11};
  int next = 0;

  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[rng() % v.size()];
  }

  Mention Make(std::string native_id) {
    static const std::vector<std::optional<std::string>> kSentiments = {std::nullopt, "negative", "neutral",
                                                                        "positive"};
    static const std::vector<std::optional<std::string>> kCategories = {std::nullopt, "none", "delivery", "billing"};
    static const std::vector<std::optional<std::string>> kLevels = {std::nullopt, "none", "low", "critical"};
    static const std::vector<std::optional<bool>> kReplies = {std::nullopt, true, false};
    static const std::vector<Channel> kChannels = {Channel::kTwitter, Channel::kForum, Channel::kEmail,
                                                   Channel::kReview};
    static const std::vector<std::string> kLangs = {"fr", "en", "und"};
    Mention m;
    m.native_id = std::move(native_id);
    m.channel = Pick(kChannels);
    m.language = Pick(kLangs);
    m.text = "texte " + std::to_string(next++);
    m.created_at = kT0 + static_cast<int64_t>(rng() % (5 * 24)) * kHour + static_cast<int64_t>(rng() % 3600) * 1000;
    m.enrichment.sentiment = Pick(kSentiments);
    m.enrichment.category = Pick(kCategories);
    m.enrichment.severity_level = Pick(kLevels);
    m.enrichment.needs_reply = Pick(kReplies);
    for (int64_t q = 1; q <= 3; ++q)
      if (rng() % 3 == 0) m.enrichment.matched_queries.push_back(q);
    return m;
  }
};

void ExpectVolumesMatch(const Store& store, const std::string& when) {
  SCOPED_TRACE(when);
  const std::vector<Mention> all = AllStored(store);
  ASSERT_FALSE(all.empty());
  std::vector<VolumeQuery> queries;
  auto add = [&](GroupBy g, Interval i, auto&& set) {
    VolumeQuery q;
    q.from = kT0 - kDay;
    q.to = kT0 + 6 * kDay;
    q.interval = i;
    q.group_by = g;
    set(q);
    queries.push_back(q);
  };
  // The combinations the brief names, and then every grouping with a query
  // and each kind of condition.
  add(GroupBy::kChannel, Interval::kHour, [](VolumeQuery& q) { q.query_ids = {2}; });
  add(GroupBy::kSentiment, Interval::kDay, [](VolumeQuery& q) {
    q.query_ids = {1};
    q.languages = {"en"};
  });
  add(GroupBy::kNone, Interval::kDay, [](VolumeQuery& q) {
    q.query_ids = {3};
    q.needs_reply = true;
  });
  add(GroupBy::kNeedsReply, Interval::kHour, [](VolumeQuery& q) { q.query_ids = {1, 3}; });
  for (GroupBy g : {GroupBy::kNone, GroupBy::kChannel, GroupBy::kLanguage, GroupBy::kQuery, GroupBy::kSentiment,
                    GroupBy::kCategory, GroupBy::kSeverity, GroupBy::kNeedsReply}) {
    for (Interval i : {Interval::kHour, Interval::kDay, Interval::kWeek}) {
      add(g, i, [](VolumeQuery&) {});
      add(g, i, [](VolumeQuery& q) { q.query_ids = {2}; });
      add(g, i, [](VolumeQuery& q) {
        q.query_ids = {1, 2};
        q.channels = {Channel::kForum, Channel::kEmail};
        q.sentiments = {"negative", ""};
      });
      add(g, i, [](VolumeQuery& q) {
        q.languages = {"fr"};
        q.needs_reply = false;
        q.severity_levels = {"critical", "none"};
      });
      add(g, i, [](VolumeQuery& q) {
        q.query_ids = {3};
        q.languages = {"und", "en"};
        q.categories = {"delivery"};
        q.needs_reply = true;
      });
      add(g, i, [](VolumeQuery& q) {
        q.from = kT0 + 36 * kHour + 1234;  // floored to the hour
        q.to = kT0 + 60 * kHour;
        q.channels = {Channel::kTwitter};
        q.query_ids = {1};
      });
    }
  }
  for (const VolumeQuery& q : queries) {
    SCOPED_TRACE("group_by " + std::string(GroupByName(q.group_by)) + " interval " +
                 std::string(IntervalName(q.interval)) + " queries " + std::to_string(q.query_ids.size()));
    EXPECT_EQ(StoreVolume(store, q), BruteVolume(all, q));
  }
}

TEST(DashboardStore, EveryFilterWithEveryGroupingMatchesBruteForce) {
  TempDir dir;
  auto store = OpenAt(dir.File("v.db"));
  DefineQueries(*store, 3);
  Fixture fx;
  for (int round = 0; round < 12; ++round) {
    std::vector<Mention> batch;
    for (int i = 0; i < 40; ++i) batch.push_back(fx.Make(std::to_string(fx.rng() % 300)));  // repeats: updates
    WriteOk(*store, batch);
  }
  ExpectVolumesMatch(*store, "after writes");

  std::vector<Mention> all = AllStored(*store);
  std::vector<int64_t> some;
  for (const Mention& m : all)
    if (fx.rng() % 2 == 0) some.push_back(m.id);
  ASSERT_TRUE(store->ReplaceQueryMatches(2, 1, 1'000'000, some).ok());
  ExpectVolumesMatch(*store, "after re-matching query 2");

  for (int i = 0; i < 30; ++i) {
    LabelCorrection c;
    const int what = static_cast<int>(fx.rng() % 4);
    if (what == 0) c.sentiment = fx.Pick(std::vector<std::string>{"negative", "neutral", "positive"});
    if (what == 1) c.needs_reply = fx.rng() % 2 == 0;
    if (what == 2) c.category = fx.Pick(std::vector<std::string>{"delivery", "billing", "none"});
    if (what == 3) c.severity_level = fx.Pick(std::vector<std::string>{"low", "critical"});
    auto r = store->CorrectLabels(all[fx.rng() % all.size()].id, c);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  ExpectVolumesMatch(*store, "after label corrections");

  ASSERT_TRUE(store->DeleteQuery(3).ok());
  ExpectVolumesMatch(*store, "after deleting query 3");
}

// ---- top authors ------------------------------------------------------------

struct AuthorKey {
  Channel channel;
  std::string handle;
  bool operator<(const AuthorKey& o) const {
    return std::make_tuple(model::ChannelName(channel), handle) < std::make_tuple(model::ChannelName(o.channel), o.handle);
  }
};

// TopAuthors by brute force over `all`, as store.h defines it.
std::vector<AuthorStat> BruteAuthors(const std::vector<Mention>& all, const AuthorQuery& q) {
  const base::Timestamp from = base::FloorDay(q.from), to = base::FloorDay(q.to - 1) + kDay;
  std::map<AuthorKey, AuthorStat> by;
  std::map<AuthorKey, std::pair<base::Timestamp, int64_t>> name_at;  // (day, id) of the name kept
  for (const Mention& m : all) {
    if (m.author.handle.empty() || m.direction == model::Direction::kOutbound) continue;
    if (m.created_at < from || m.created_at >= to) continue;
    if (!q.channels.empty() && std::find(q.channels.begin(), q.channels.end(), m.channel) == q.channels.end()) continue;
    if (q.query_id != 0 && !Has(m.enrichment.matched_queries, q.query_id)) continue;
    AuthorKey k{m.channel, m.author.handle};
    AuthorStat& a = by[k];
    a.channel = m.channel;
    a.handle = m.author.handle;
    a.mentions += 1;
    a.negative += m.enrichment.sentiment == "negative" ? 1 : 0;
    const int64_t followers = m.author.followers.value_or(0);
    a.followers = std::max(a.followers, followers);
    a.reach = std::max(a.reach, m.enrichment.reach.value_or(followers));
    auto at = std::make_pair(base::FloorDay(m.created_at), m.id);
    auto [it, fresh] = name_at.try_emplace(k, at);
    if (fresh || at > it->second) {
      it->second = at;
      a.display_name = m.author.display_name;
    }
  }
  std::vector<AuthorStat> out;
  for (auto& [k, a] : by) out.push_back(a);
  const bool by_reach = q.sort == AuthorSort::kReach;
  std::sort(out.begin(), out.end(), [&](const AuthorStat& a, const AuthorStat& b) {
    auto ka = by_reach ? std::tie(a.reach, a.mentions) : std::tie(a.mentions, a.reach);
    auto kb = by_reach ? std::tie(b.reach, b.mentions) : std::tie(b.mentions, b.reach);
    if (ka != kb) return ka > kb;
    return std::make_tuple(model::ChannelName(a.channel), a.handle) <
           std::make_tuple(model::ChannelName(b.channel), b.handle);
  });
  if (out.size() > static_cast<size_t>(q.limit)) out.resize(static_cast<size_t>(q.limit));
  return out;
}

std::string Show(const std::vector<AuthorStat>& v) {
  std::string out;
  for (const AuthorStat& a : v)
    out += std::string(model::ChannelName(a.channel)) + ":" + a.handle + " '" + a.display_name + "' m" +
           std::to_string(a.mentions) + " n" + std::to_string(a.negative) + " r" + std::to_string(a.reach) + " f" +
           std::to_string(a.followers) + "\n";
  return out;
}

// Authors with a fixed follower count each (reach and followers are
// maxima the rollup never lowers, so a fixture whose authors keep their
// count compares exactly): a few who write a lot, some regulars, many who
// write once; some with a reach of their own, some outbound mentions and
// some without a handle.
struct AuthorFixture {
  std::mt19937 rng{5};
  int next = 0;

  Mention Make(base::Timestamp start, int days) {
    Mention m;
    m.native_id = "a" + std::to_string(next++);
    m.text = "message " + m.native_id;
    m.language = "fr";
    m.created_at = start + static_cast<int64_t>(rng() % static_cast<uint32_t>(days * 24)) * kHour;
    const uint32_t who = rng() % 100;
    int author = 0;
    if (who < 30) author = static_cast<int>(rng() % 8);                  // heavy
    else if (who < 60) author = 8 + static_cast<int>(rng() % 60);        // regular
    else author = 1000 + static_cast<int>(rng() % 100000);               // once
    m.channel = author % 3 == 0 ? Channel::kTwitter : author % 3 == 1 ? Channel::kForum : Channel::kReview;
    m.author.handle = "u" + std::to_string(author);
    m.author.display_name = "User " + std::to_string(author);  // the latest-written rule: its own test
    if (author % 5 != 4) m.author.followers = (author * 7919) % 50'000;  // some above 1,000, some unknown
    if (rng() % 10 == 0) m.enrichment.reach = m.author.followers.value_or(0);  // the same value, stated
    if (rng() % 25 == 0) m.author.handle.clear();
    if (rng() % 20 == 0) m.direction = model::Direction::kOutbound;
    else if (rng() % 2 == 0) m.direction = model::Direction::kInbound;
    if (rng() % 3 == 0) m.enrichment.sentiment = "negative";
    else if (rng() % 2 == 0) m.enrichment.sentiment = "positive";
    for (int64_t q = 1; q <= 2; ++q)
      if (rng() % 2 == 0) m.enrichment.matched_queries.push_back(q);
    return m;
  }
};

void ExpectAuthorsMatch(const Store& store, const std::string& when) {
  SCOPED_TRACE(when);
  const std::vector<Mention> all = AllStored(store);
  std::vector<AuthorQuery> queries;
  for (AuthorSort sort : {AuthorSort::kReach, AuthorSort::kMentions}) {
    for (int limit : {1, 3, 10, 100}) {
      for (int64_t query : {0, 1, 2}) {
        AuthorQuery q;
        q.from = kT0;
        q.to = kT0 + 7 * kDay;
        q.sort = sort;
        q.limit = limit;
        q.query_id = query;
        queries.push_back(q);
        q.channels = {Channel::kForum, Channel::kReview};
        queries.push_back(q);
        q.channels = {};
        q.from = kT0 + 2 * kDay + 5;  // one whole day: floored, and rounded up to the next day
        q.to = kT0 + 3 * kDay - 5;
        queries.push_back(q);
      }
    }
  }
  for (const AuthorQuery& q : queries) {
    SCOPED_TRACE("sort " + std::string(AuthorSortName(q.sort)) + " limit " + std::to_string(q.limit) + " query " +
                 std::to_string(q.query_id) + " channels " + std::to_string(q.channels.size()) + " from " +
                 std::to_string(q.from));
    auto got = store.TopAuthors(q);
    ASSERT_TRUE(got.ok()) << got.status().ToString();
    EXPECT_EQ(got->from, base::FloorDay(q.from));
    EXPECT_EQ(got->to, base::FloorDay(q.to - 1) + kDay);
    EXPECT_EQ(Show(got->items), Show(BruteAuthors(all, q)));
  }
}

TEST(DashboardStore, TopAuthorsMatchBruteForce) {
  TempDir dir;
  const std::string path = dir.File("a.db");
  auto store = OpenAt(path);
  DefineQueries(*store, 2);
  AuthorFixture fx;
  const base::Timestamp start = base::FloorDay(kT0);
  for (int round = 0; round < 10; ++round) {
    std::vector<Mention> batch;
    for (int i = 0; i < 400; ++i) batch.push_back(fx.Make(start, 7));
    WriteOk(*store, batch);
  }
  // Some authors and days cross the thresholds the rollup indexes.
  EXPECT_GT(RawInt(path, "SELECT count(*) FROM rollup_author_day WHERE count >= 8"), 10);
  EXPECT_GT(RawInt(path, "SELECT count(*) FROM rollup_author_day WHERE reach_max >= 1000"), 100);
  EXPECT_GT(RawInt(path, "SELECT count(*) FROM rollup_author_day WHERE count = 1"), 1000);
  ExpectAuthorsMatch(*store, "after writes");

  // Updates: new text, another day, another author, a new sentiment.
  std::vector<Mention> all = AllStored(*store);
  std::vector<Mention> updates;
  for (int i = 0; i < 300; ++i) {
    Mention m = all[fx.rng() % all.size()];
    Mention other = fx.Make(start, 7);
    m.text += " (edited)";
    if (i % 3 == 0) m.created_at = other.created_at;
    if (i % 4 == 0) {
      m.author = other.author;
      m.direction = other.direction;
    }
    if (i % 2 == 0) m.enrichment.sentiment = other.enrichment.sentiment;
    if (i % 5 == 0) m.enrichment.matched_queries = other.enrichment.matched_queries;
    updates.push_back(m);
  }
  std::vector<WriteOutcome> outcomes;
  WriteOk(*store, updates, &outcomes);
  EXPECT_GT(std::count(outcomes.begin(), outcomes.end(), WriteOutcome::kUpdated), 250);
  ExpectAuthorsMatch(*store, "after updates");

  // A query re-matched over history, then label corrections.
  all = AllStored(*store);
  std::vector<int64_t> some;
  for (const Mention& m : all)
    if (fx.rng() % 3 != 0) some.push_back(m.id);
  ASSERT_TRUE(store->ReplaceQueryMatches(1, 1, 1'000'000, some).ok());
  ExpectAuthorsMatch(*store, "after re-matching query 1");
  for (int i = 0; i < 100; ++i) {
    LabelCorrection c;
    c.sentiment = i % 2 == 0 ? "negative" : "neutral";
    ASSERT_TRUE(store->CorrectLabels(all[fx.rng() % all.size()].id, c).ok());
  }
  ExpectAuthorsMatch(*store, "after label corrections");

  ASSERT_TRUE(store->DeleteQuery(2).ok());
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM rollup_author_day WHERE query_id = 2"), 0);
  AuthorQuery gone;
  gone.from = kT0;
  gone.to = kT0 + 7 * kDay;
  gone.query_id = 2;
  auto none = store->TopAuthors(gone);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->items.empty());
}

TEST(DashboardStore, TopAuthorsKeepsTheLargestReachAndValidates) {
  TempDir dir;
  auto store = OpenAt(dir.File("r.db"));
  auto mention = [](std::string id, int64_t followers, std::string name) {
    Mention m;
    m.channel = Channel::kTwitter;
    m.native_id = std::move(id);
    m.text = "t";
    m.created_at = kT0;
    m.author = {"star", std::move(name), followers, false};
    return m;
  };
  std::vector<Mention> batch = {mention("1", 5000, "Star"), mention("2", 9000, "Star B")};
  WriteOk(*store, batch);
  AuthorQuery q;
  q.from = kT0;
  q.to = kT0 + 1;
  auto r = store->TopAuthors(q);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->items.size(), 1u);
  EXPECT_EQ(r->items[0].mentions, 2);
  EXPECT_EQ(r->items[0].reach, 9000);
  EXPECT_EQ(r->items[0].display_name, "Star B");  // the latest written
  // The mention with the larger count now says less: the maximum stays (documented).
  batch = {mention("2", 100, "Star C")};
  batch[0].text = "changed";
  WriteOk(*store, batch);
  r = store->TopAuthors(q);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->items[0].mentions, 2);
  EXPECT_EQ(r->items[0].reach, 9000);
  EXPECT_EQ(r->items[0].followers, 9000);
  EXPECT_EQ(r->items[0].display_name, "Star C");

  auto bad = [&](AuthorQuery a, const std::string& field) {
    auto res = store->TopAuthors(a);
    ASSERT_FALSE(res.ok());
    EXPECT_EQ(res.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_EQ(res.status().message().rfind(field + ": ", 0), 0u) << res.status().message();
  };
  AuthorQuery a = q;
  a.limit = 0;
  bad(a, "limit");
  a.limit = 101;
  bad(a, "limit");
  a = q;
  a.to = a.from;
  bad(a, "to");
  a = q;
  a.to = a.from + 3661 * kDay;
  bad(a, "from");
  a = q;
  a.query_id = -1;
  bad(a, "query_id");
  EXPECT_EQ(*ParseAuthorSort("Mentions"), AuthorSort::kMentions);
  EXPECT_EQ(AuthorSortName(*ParseAuthorSort("reach")), "reach");
  EXPECT_FALSE(ParseAuthorSort("followers").ok());
}

// ---- migration 6 --------------------------------------------------------------

std::map<std::string, int64_t> Rows(const std::string& path, const std::string& sql) {
  std::map<std::string, int64_t> out;
  for (auto& r : RawRows(path, sql)) {
    std::string key;
    for (size_t i = 0; i + 1 < r.size(); ++i) key += r[i] + "/";
    out[key] = std::stoll(r.back());
  }
  return out;
}

const char* const kQueryLabelRows =
    "SELECT query_id, bucket_ms, channel, lang, sentiment, category, severity_level, needs_reply, count "
    "FROM rollup_query_label_hour";
const char* const kAuthorRows =
    "SELECT query_id, day_ms, channel, handle, negative, reach_max, followers_max, display_name, count "
    "FROM rollup_author_day";

TEST(DashboardStore, MigratesAVersion5FileAndFillsTheNewRollups) {
  TempDir dir;
  const std::string source = dir.File("source.db");
  {
    auto store = OpenAt(source);
    DefineQueries(*store, 3);
    Fixture fx;
    AuthorFixture ax;
    std::vector<Mention> batch;
    for (int i = 0; i < 400; ++i) {
      Mention m = fx.Make("m" + std::to_string(i));
      Mention a = ax.Make(base::FloorDay(kT0), 5);
      m.author = a.author;
      m.author.display_name = "Name of " + m.author.handle;  // one name per author (the migration keeps the latest)
      m.direction = a.direction;
      m.enrichment.reach = a.enrichment.reach;
      if (i % 7 == 0) m.created_at = -kDay + i * kHour;  // before 1970: days and hours floor down
      batch.push_back(m);
    }
    WriteOk(*store, batch);
  }
  const std::string v5 = dir.File("v5.db");
  test_util::BuildOldFile(v5, 5, source,
                          {"mentions", "rollup_hour", "id_blocks", "counters", "queries", "mention_queries",
                           "rollup_query_hour", "rollup_label_hour"});
  // What version 5 kept per query (no channel, language nor needs_reply).
  RawExec(v5, "ATTACH '" + source + "' AS src; INSERT INTO rollup_query_label_hour SELECT query_id, bucket_ms, "
              "sentiment, category, severity_level, sum(count) FROM src.rollup_query_label_hour GROUP BY 1, 2, 3, 4, 5;");
  ASSERT_EQ(RawInt(v5, "SELECT count(*) FROM sqlite_schema WHERE name = 'rollup_author_day'"), 0);
  const int64_t old_rows = RawInt(v5, "SELECT count(*) FROM rollup_query_label_hour");
  ASSERT_GT(old_rows, 0);

  base::FakeClock clock(kT0 + 9 * kDay);
  {
    auto store = OpenAt(v5, &clock);
    EXPECT_EQ(RawInt(v5, "PRAGMA user_version"), internal::CurrentSchemaVersion());
    EXPECT_EQ(RawInt(v5, "SELECT applied_at FROM schema_migrations WHERE version = 6"), kT0 + 9 * kDay);
    EXPECT_EQ(Rows(v5, kQueryLabelRows), Rows(source, kQueryLabelRows));
    EXPECT_EQ(Rows(v5, kAuthorRows), Rows(source, kAuthorRows));
    EXPECT_GT(RawInt(v5, "SELECT count(*) FROM rollup_query_label_hour"), old_rows);
    EXPECT_EQ(RawInt(v5, "SELECT count(*) FROM rollup_author_day WHERE day_ms < 0"),
              RawInt(source, "SELECT count(*) FROM rollup_author_day WHERE day_ms < 0"));
    ExpectVolumesMatch(*store, "migrated");
    ExpectAuthorsMatch(*store, "migrated");
    // The migrated file keeps its rollups in step.
    auto all = AllStored(*store);
    LabelCorrection c;
    c.sentiment = "negative";
    c.needs_reply = true;
    ASSERT_TRUE(store->CorrectLabels(all[3].id, c).ok());
    const std::vector<int64_t> ids = {all[0].id, all[5].id};
    ASSERT_TRUE(store->ReplaceQueryMatches(1, 1, 1'000'000, ids).ok());
    ExpectVolumesMatch(*store, "migrated, then changed");
    ExpectAuthorsMatch(*store, "migrated, then changed");
  }
  { auto store = OpenAt(v5, &clock); }
  EXPECT_EQ(RawInt(v5, "SELECT count(*) FROM schema_migrations"), internal::CurrentSchemaVersion());
}

}  // namespace
}  // namespace ecoute::store
