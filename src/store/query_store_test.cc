// Monitored queries in the SQLite store: definitions, the per-query index
// and rollups maintained by Write, query_ids / fts / accept / max_scan in
// Search, ScanMentions, ReplaceQueryMatches, DeleteQuery, migration 2.
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
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
using test_util::Ids;
using test_util::OpenAt;
using test_util::RawExec;
using test_util::RawInt;
using test_util::RawRows;
using test_util::SearchOk;
using test_util::TempDir;
using test_util::WriteOk;

constexpr base::Timestamp kT0 = 1'700'000'000'000;
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

Mention M(std::string native_id, std::string text, base::Timestamp created_at, std::vector<int64_t> queries = {},
          Channel channel = Channel::kTwitter) {
  Mention m;
  m.channel = channel;
  m.native_id = std::move(native_id);
  m.text = std::move(text);
  m.created_at = created_at;
  m.language = "fr";
  m.author.handle = "user_" + m.native_id;
  m.enrichment.matched_queries = std::move(queries);
  return m;
}

QueryDef Def(std::string name, std::string text = "panne") {
  QueryDef q;
  q.name = std::move(name);
  q.text = std::move(text);
  return q;
}

QueryDef SaveOk(Store& s, QueryDef q) {
  auto r = s.SaveQuery(std::move(q));
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : QueryDef{};
}

// All pages of a filter, following `next`.
std::vector<int64_t> AllPages(const Store& s, MentionFilter f, int max_pages = 1000) {
  std::vector<int64_t> out;
  for (int i = 0; i < max_pages; ++i) {
    MentionPage p = SearchOk(s, f);
    for (int64_t id : Ids(p)) out.push_back(id);
    if (!p.next) return out;
    f.after = p.next;
  }
  ADD_FAILURE() << "pagination does not end";
  return out;
}

// The mentions as a test model: the latest version of every key.
class Model {
 public:
  void Add(const std::vector<Mention>& batch) {
    for (const auto& m : batch) latest_[{m.channel, m.native_id}] = m;
  }
  // Ids matched by any of `queries`, newest first.
  std::vector<int64_t> Matching(const std::set<int64_t>& queries, const std::function<bool(const Mention&)>& also =
                                                                      nullptr) const {
    std::vector<std::pair<base::Timestamp, int64_t>> v;
    for (const auto& [k, m] : latest_) {
      bool hit = false;
      for (int64_t q : m.enrichment.matched_queries) hit = hit || queries.count(q) > 0;
      if (hit && (!also || also(m))) v.emplace_back(m.created_at, m.id);
    }
    std::sort(v.rbegin(), v.rend());
    std::vector<int64_t> out;
    for (auto& [t, id] : v) out.push_back(id);
    return out;
  }
  // (hour, query id) -> count, each query once per mention.
  std::map<std::pair<base::Timestamp, std::string>, int64_t> HourlyByQuery() const {
    std::map<std::pair<base::Timestamp, std::string>, int64_t> out;
    for (const auto& [k, m] : latest_) {
      std::set<int64_t> qs(m.enrichment.matched_queries.begin(), m.enrichment.matched_queries.end());
      for (int64_t q : qs) out[{base::FloorHour(m.created_at), std::to_string(q)}] += 1;
    }
    return out;
  }
  // Raw rollup_query_hour rows as "bucket/query/channel/lang" -> count.
  std::map<std::string, int64_t> RollupRows() const {
    std::map<std::string, int64_t> out;
    for (const auto& [k, m] : latest_) {
      std::set<int64_t> qs(m.enrichment.matched_queries.begin(), m.enrichment.matched_queries.end());
      for (int64_t q : qs)
        out[std::to_string(base::FloorHour(m.created_at)) + "/" + std::to_string(q) + "/" +
            std::string(model::ChannelName(m.channel)) + "/" + m.language] += 1;
    }
    return out;
  }
  // Raw mention_queries rows as "query/created_at/mention".
  std::set<std::string> IndexRows() const {
    std::set<std::string> out;
    for (const auto& [k, m] : latest_)
      for (int64_t q : m.enrichment.matched_queries)
        out.insert(std::to_string(q) + "/" + std::to_string(m.created_at) + "/" + std::to_string(m.id));
    return out;
  }
  const std::map<std::pair<Channel, std::string>, Mention>& latest() const { return latest_; }
  Mention& At(Channel c, const std::string& native_id) { return latest_.at({c, native_id}); }

 private:
  std::map<std::pair<Channel, std::string>, Mention> latest_;
};

std::set<std::string> StoredIndexRows(const std::string& path) {
  std::set<std::string> out;
  for (auto& r : RawRows(path, "SELECT query_id, created_at, mention_id FROM mention_queries"))
    out.insert(r[0] + "/" + r[1] + "/" + r[2]);
  return out;
}

std::map<std::string, int64_t> StoredRollupRows(const std::string& path) {
  std::map<std::string, int64_t> out;
  for (auto& r : RawRows(path, "SELECT bucket_ms, query_id, channel, lang, count FROM rollup_query_hour"))
    out[r[0] + "/" + r[1] + "/" + r[2] + "/" + r[3]] = std::stoll(r[4]);
  return out;
}

std::map<std::pair<base::Timestamp, std::string>, int64_t> VolumeMap(const Store& s, VolumeQuery q) {
  auto r = s.Volume(q);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::map<std::pair<base::Timestamp, std::string>, int64_t> out;
  if (r.ok())
    for (const auto& p : *r) out[{p.bucket, p.group}] += p.count;
  return out;
}

VolumeQuery ByQueryHourly(base::Timestamp from, base::Timestamp to) {
  VolumeQuery q;
  q.from = from;
  q.to = to;
  q.interval = Interval::kHour;
  q.group_by = GroupBy::kQuery;
  return q;
}

// ---- names ------------------------------------------------------------------------

TEST(QueryKind, NamesAndParses) {
  for (QueryKind k : {QueryKind::kBrand, QueryKind::kCompetitor, QueryKind::kTopic}) {
    auto p = ParseQueryKind(QueryKindName(k));
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(*p, k);
  }
  EXPECT_EQ(QueryKindName(QueryKind::kCompetitor), "competitor");
  EXPECT_EQ(ParseQueryKind("BRAND"), QueryKind::kBrand);
  EXPECT_FALSE(ParseQueryKind("").has_value());
  EXPECT_FALSE(ParseQueryKind("brands").has_value());
  EXPECT_EQ(*ParseGroupBy("query"), GroupBy::kQuery);
  EXPECT_EQ(*ParseGroupBy("Query"), GroupBy::kQuery);
}

// ---- definitions ------------------------------------------------------------------

TEST(QueryStore, SaveListUpdateDeleteAndErrors) {
  TempDir dir;
  base::FakeClock clock(kT0);
  auto store = OpenAt(dir.File("q.db"), &clock);
  ASSERT_TRUE(store->Queries().ok());
  EXPECT_TRUE(store->Queries()->empty());

  QueryDef a = Def("telemax_brand", "telemax OR \"tele max\"");
  a.kind = QueryKind::kBrand;
  a.description = "the brand";
  a = SaveOk(*store, a);
  EXPECT_GT(a.id, 0);
  EXPECT_EQ(a.created_at, kT0);
  EXPECT_EQ(a.updated_at, kT0);
  clock.Advance(1000);
  QueryDef b = Def("Delivery_2", "livraison");
  b.origin = "config";
  b.enabled = false;
  b = SaveOk(*store, b);
  EXPECT_GT(b.id, a.id);

  auto list = store->Queries();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0], a);
  EXPECT_EQ((*list)[1], b);
  EXPECT_EQ((*list)[1].origin, "config");
  EXPECT_FALSE((*list)[1].enabled);

  // Update: created_at kept, updated_at moves, every field replaced.
  clock.Advance(1000);
  QueryDef a2 = a;
  a2.text = "telemax";
  a2.kind = QueryKind::kCompetitor;
  a2.created_at = 5;  // ignored
  a2 = SaveOk(*store, a2);
  EXPECT_EQ(a2.id, a.id);
  EXPECT_EQ(a2.created_at, kT0);
  EXPECT_EQ(a2.updated_at, kT0 + 2000);
  EXPECT_EQ((*store->Queries())[0], a2);

  auto code = [](const base::Result<QueryDef>& r) { return r.ok() ? base::StatusCode::kOk : r.status().code(); };
  // Name taken, on insert and on rename.
  auto dup = store->SaveQuery(Def("telemax_brand"));
  EXPECT_EQ(code(dup), base::StatusCode::kAlreadyExists);
  EXPECT_NE(dup.status().message().find("telemax_brand"), std::string::npos) << dup.status().message();
  QueryDef rename = b;
  rename.name = "telemax_brand";
  EXPECT_EQ(code(store->SaveQuery(rename)), base::StatusCode::kAlreadyExists);
  // Unknown id.
  QueryDef ghost = Def("ghost");
  ghost.id = 999;
  EXPECT_EQ(code(store->SaveQuery(ghost)), base::StatusCode::kNotFound);
  // Bad names, empty text, bad origin.
  for (std::string bad : {std::string(), std::string("a-b"), std::string("a b"), std::string("réseau"),
                          std::string(65, 'x'), std::string("@x")})
    EXPECT_EQ(code(store->SaveQuery(Def(bad))), base::StatusCode::kInvalidArgument) << bad;
  EXPECT_EQ(code(store->SaveQuery(Def(std::string(64, 'x')))), base::StatusCode::kOk);
  EXPECT_EQ(code(store->SaveQuery(Def("empty", ""))), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(code(store->SaveQuery(Def("blank", " \t\n"))), base::StatusCode::kInvalidArgument);
  QueryDef odd = Def("odd");
  odd.origin = "yaml";
  EXPECT_EQ(code(store->SaveQuery(odd)), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->Queries()->size(), 3u);  // failed saves changed nothing

  // Delete; ids are never reused, even the highest.
  const int64_t last = store->Queries()->back().id;
  ASSERT_TRUE(store->DeleteQuery(last).ok());
  EXPECT_EQ(store->DeleteQuery(last).code(), base::StatusCode::kNotFound);
  EXPECT_EQ(store->DeleteQuery(12345).code(), base::StatusCode::kNotFound);
  QueryDef c = SaveOk(*store, Def("after_delete"));
  EXPECT_GT(c.id, last);
  // Reopening keeps everything.
  auto before = *store->Queries();
  store.reset();
  store = OpenAt(dir.File("q.db"), &clock);
  EXPECT_EQ(*store->Queries(), before);
}

// ---- the per-query index maintained by Write ----------------------------------------

TEST(QueryStore, WriteMaintainsIndexOnInsertUpdateAndDuplicate) {
  TempDir dir;
  const std::string path = dir.File("w.db");
  auto store = OpenAt(path);
  DefineQueries(*store, 20);
  Model model;
  std::vector<Mention> batch = {M("1", "alpha", kT0, {1, 2}), M("2", "beta", kT0 + 1, {2}),
                                M("3", "gamma", kT0 + 2, {3, 2, 3}), M("4", "delta", kT0 + 3)};
  WriteOk(*store, batch);
  model.Add(batch);
  EXPECT_EQ(StoredIndexRows(path), model.IndexRows());
  EXPECT_EQ(StoredRollupRows(path), model.RollupRows());
  MentionFilter f;
  f.query_ids = {2};
  EXPECT_EQ(Ids(SearchOk(*store, f)), (std::vector<int64_t>{batch[2].id, batch[1].id, batch[0].id}));

  // Duplicates change nothing.
  std::vector<Mention> again = {M("1", "alpha", kT0, {1, 2}), M("3", "gamma", kT0 + 2, {3, 2, 3})};
  std::vector<WriteOutcome> out;
  WriteOk(*store, again, &out);
  EXPECT_EQ(out, (std::vector<WriteOutcome>{WriteOutcome::kDuplicate, WriteOutcome::kDuplicate}));
  EXPECT_EQ(StoredIndexRows(path), model.IndexRows());
  EXPECT_EQ(StoredRollupRows(path), model.RollupRows());

  // Updates: a changed query set; a moved created_at (another hour) and
  // language with the same queries; queries dropped; queries gained.
  std::vector<Mention> upd = {M("1", "alpha", kT0, {2, 4}), M("2", "beta", kT0 + 5 * kHour, {2}),
                              M("3", "gamma changed", kT0 + 2), M("4", "delta", kT0 + 3, {1})};
  upd[1].language = "en";
  WriteOk(*store, upd, &out);
  EXPECT_EQ(out, std::vector<WriteOutcome>(4, WriteOutcome::kUpdated));
  model.Add(upd);
  EXPECT_EQ(StoredIndexRows(path), model.IndexRows());
  EXPECT_EQ(StoredRollupRows(path), model.RollupRows());
  f.query_ids = {2};
  EXPECT_EQ(Ids(SearchOk(*store, f)), (std::vector<int64_t>{batch[1].id, batch[0].id}));
  f.query_ids = {3};
  EXPECT_TRUE(SearchOk(*store, f).items.empty());

  // The same key several times in one batch: the last version counts.
  std::vector<Mention> twice = {M("5", "eps", kT0 + kHour, {7}), M("5", "eps 2", kT0 + 2 * kHour, {8}),
                                M("5", "eps 3", kT0 + 2 * kHour, {8, 9})};
  WriteOk(*store, twice);
  model.Add(twice);
  EXPECT_EQ(StoredIndexRows(path), model.IndexRows());
  EXPECT_EQ(StoredRollupRows(path), model.RollupRows());

  // A failed write leaves the index alone.
  std::vector<Mention> bad = {M("6", "ok", kT0, {1}), M("", "no native id", kT0, {1})};
  EXPECT_FALSE(store->Write(bad, {}, nullptr).ok());
  EXPECT_EQ(StoredIndexRows(path), model.IndexRows());
  EXPECT_EQ(StoredRollupRows(path), model.RollupRows());
}

TEST(QueryStore, RollupsPerQueryMatchARecountAfterRandomWrites) {
  TempDir dir;
  const std::string path = dir.File("r.db");
  auto store = OpenAt(path);
  DefineQueries(*store, 20);
  Model model;
  std::mt19937 rng(17);
  for (int round = 0; round < 25; ++round) {
    std::vector<Mention> batch;
    for (int i = 0; i < 80; ++i) {
      std::vector<int64_t> qs;
      for (int k = static_cast<int>(rng() % 4); k > 0; --k) qs.push_back(1 + static_cast<int64_t>(rng() % 5));
      Mention m = M("k" + std::to_string(rng() % 300), "t" + std::to_string(rng() % 3),
                    kT0 + static_cast<int64_t>(rng() % 96) * kHour + static_cast<int64_t>(rng() % 1000), qs,
                    rng() % 2 ? Channel::kNews : Channel::kBlog);
      m.language = rng() % 2 ? "fr" : "de";
      batch.push_back(m);
    }
    WriteOk(*store, batch);
    model.Add(batch);
  }
  EXPECT_EQ(StoredIndexRows(path), model.IndexRows());
  EXPECT_EQ(StoredRollupRows(path), model.RollupRows());
  EXPECT_EQ(VolumeMap(*store, ByQueryHourly(kT0 - kDay, kT0 + 5 * kDay)), model.HourlyByQuery());

  // query_ids without grouping: a mention matched by both counts twice.
  VolumeQuery both;
  both.from = kT0 - kDay;
  both.to = kT0 + 5 * kDay;
  both.interval = Interval::kDay;
  both.query_ids = {1, 2};
  std::map<std::pair<base::Timestamp, std::string>, int64_t> want;
  for (const auto& [k, m] : model.latest()) {
    std::set<int64_t> qs(m.enrichment.matched_queries.begin(), m.enrichment.matched_queries.end());
    want[{base::FloorDay(m.created_at), ""}] += static_cast<int64_t>(qs.count(1) + qs.count(2));
  }
  std::erase_if(want, [](const auto& kv) { return kv.second == 0; });
  EXPECT_EQ(VolumeMap(*store, both), want);

  // query_ids and a channel grouping and a language filter.
  VolumeQuery by_channel = both;
  by_channel.query_ids = {3};
  by_channel.group_by = GroupBy::kChannel;
  by_channel.languages = {"de"};
  want.clear();
  for (const auto& [k, m] : model.latest()) {
    std::set<int64_t> qs(m.enrichment.matched_queries.begin(), m.enrichment.matched_queries.end());
    if (qs.count(3) && m.language == "de") want[{base::FloorDay(m.created_at), std::string(ChannelName(m.channel))}] += 1;
  }
  EXPECT_EQ(VolumeMap(*store, by_channel), want);

  // Query groups come in numeric order within a bucket.
  auto points = store->Volume(ByQueryHourly(kT0 - kDay, kT0 + 5 * kDay));
  ASSERT_TRUE(points.ok());
  for (size_t i = 1; i < points->size(); ++i) {
    const auto& p = (*points)[i - 1];
    const auto& n = (*points)[i];
    EXPECT_TRUE(p.bucket < n.bucket || (p.bucket == n.bucket && std::stoll(p.group) < std::stoll(n.group)));
  }
  // The ordinary rollups are untouched by the per-query ones.
  VolumeQuery all;
  all.from = kT0 - kDay;
  all.to = kT0 + 5 * kDay;
  all.interval = Interval::kDay;
  int64_t total = 0;
  for (const auto& [k, c] : VolumeMap(*store, all)) total += c;
  EXPECT_EQ(total, static_cast<int64_t>(model.latest().size()));
}

// ---- Search with query_ids ------------------------------------------------------------

TEST(QueryStore, QueryIdsSearchMergesPaginatesAndFilters) {
  TempDir dir;
  auto store = OpenAt(dir.File("s.db"));
  DefineQueries(*store, 20);
  Model model;
  std::mt19937 rng(5);
  std::vector<Mention> batch;
  for (int i = 0; i < 400; ++i) {
    std::vector<int64_t> qs;
    for (int64_t q = 1; q <= 4; ++q)
      if (rng() % 3 == 0) qs.push_back(q);
    // Few distinct timestamps (ties) and ids not following time.
    Mention m = M("n" + std::to_string(i), rng() % 2 ? "la panne du réseau" : "merci pour la livraison",
                  kT0 + static_cast<int64_t>(rng() % 40) * 60'000, qs, rng() % 4 == 0 ? Channel::kForum : Channel::kTwitter);
    m.language = rng() % 3 == 0 ? "en" : "fr";
    batch.push_back(m);
  }
  WriteOk(*store, batch);
  model.Add(batch);

  for (const std::set<int64_t>& qs : {std::set<int64_t>{1}, std::set<int64_t>{1, 3}, std::set<int64_t>{1, 2, 3, 4},
                                      std::set<int64_t>{4, 99}}) {
    for (int limit : {1, 7, 50, 1000}) {
      MentionFilter f;
      f.query_ids.assign(qs.rbegin(), qs.rend());
      f.query_ids.push_back(*qs.begin());  // a repeated id changes nothing
      f.limit = limit;
      std::vector<int64_t> got = AllPages(*store, f);
      EXPECT_EQ(got, model.Matching(qs)) << "limit " << limit << " queries " << qs.size();
    }
  }

  // Every other filter applies: words (accent-insensitive), channel,
  // language, time range.
  MentionFilter f;
  f.query_ids = {2, 3};
  f.text = "reseau";
  f.channels = {Channel::kForum};
  f.languages = {"fr"};
  f.from = kT0 + 5 * 60'000;
  f.to = kT0 + 30 * 60'000;
  f.limit = 3;
  auto want = model.Matching({2, 3}, [&](const Mention& m) {
    return m.text.find("réseau") != std::string::npos && m.channel == Channel::kForum && m.language == "fr" &&
           m.created_at >= *f.from && m.created_at < *f.to;
  });
  ASSERT_FALSE(want.empty());
  EXPECT_EQ(AllPages(*store, f), want);
  // fts with query_ids.
  f.text.clear();
  f.fts = "panne NOT livraison";
  EXPECT_EQ(AllPages(*store, f), want);
  // An author.
  MentionFilter by_author;
  by_author.query_ids = {1, 2, 3, 4};
  by_author.author = "USER_N7";
  auto a = SearchOk(*store, by_author);
  auto want_author = model.Matching({1, 2, 3, 4}, [](const Mention& m) { return m.native_id == "n7"; });
  EXPECT_EQ(Ids(a), want_author);
  // Too many ids.
  MentionFilter many;
  for (int64_t q = 1; q <= 300; ++q) many.query_ids.push_back(q);
  EXPECT_EQ(store->Search(many).status().code(), base::StatusCode::kInvalidArgument);
}

// ---- fts, accept, max_scan ---------------------------------------------------------------

TEST(QueryStore, FtsExpressionIsAndedWithWordsOnTitleAndText) {
  auto store = OpenAt(":memory:");
  std::vector<Mention> batch = {M("1", "la box est en panne", kT0), M("2", "coupure réseau ce matin", kT0 + 1),
                                M("3", "merci pour la panne", kT0 + 2), M("4", "rien à voir", kT0 + 3),
                                M("5", "texte sans rapport", kT0 + 4)};
  batch[4].title = "Panne générale";
  batch[3].author.handle = "panne";  // the author token is not in {title text}
  WriteOk(*store, batch);
  auto natives = [](const MentionPage& p) {
    std::set<std::string> out;
    for (const auto& m : p.items) out.insert(m.native_id);
    return out;
  };
  MentionFilter f;
  f.fts = "panne OR coupure";
  EXPECT_EQ(natives(SearchOk(*store, f)), (std::set<std::string>{"1", "2", "3", "5"}));
  f.text = "merci";
  EXPECT_EQ(natives(SearchOk(*store, f)), (std::set<std::string>{"3"}));
  f.text.clear();
  f.fts = "NEAR(box panne, 3)";
  EXPECT_EQ(natives(SearchOk(*store, f)), (std::set<std::string>{"1"}));
  f.fts = "reseau";  // folded like the words
  EXPECT_EQ(natives(SearchOk(*store, f)), (std::set<std::string>{"2"}));
  // Low-precedence OR inside the caller's expression stays inside it.
  f.text = "merci";
  f.fts = "coupure OR panne";
  EXPECT_EQ(natives(SearchOk(*store, f)), (std::set<std::string>{"3"}));
  // Through the thread index too.
  f.text.clear();
  f.fts = "panne";
  f.thread_id = "5";
  EXPECT_EQ(natives(SearchOk(*store, f)), (std::set<std::string>{"5"}));
}

TEST(QueryStore, MalformedFtsIsInvalidArgumentNamingFts) {
  for (bool empty : {true, false}) {
    auto store = OpenAt(":memory:");
    if (!empty) {
      std::vector<Mention> batch = {M("1", "la panne", kT0, {1})};
      WriteOk(*store, batch);
    }
    for (std::string bad : {"\"unterminated", "panne AND", "(panne", "NEAR(", "nosuchcolumn : panne"}) {
      for (int shape = 0; shape < 4; ++shape) {
        MentionFilter f;
        f.fts = bad;
        if (shape == 1) f.text = "panne";
        if (shape == 2) f.query_ids = {1};
        if (shape == 3) f.thread_id = "1";
        auto r = store->Search(f);
        ASSERT_FALSE(r.ok()) << bad;
        EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument) << r.status().ToString();
        EXPECT_NE(r.status().message().find("fts"), std::string::npos) << r.status().message();
      }
      base::Status s = store->ScanMentions(1, 100, bad, [](const Mention&) { return true; });
      EXPECT_EQ(s.code(), base::StatusCode::kInvalidArgument) << s.ToString();
      EXPECT_NE(s.message().find("fts"), std::string::npos) << s.message();
    }
  }
}

TEST(QueryStore, AcceptFiltersEveryPathAndCountsScannedRows) {
  auto store = OpenAt(":memory:");
  DefineQueries(*store, 20);
  Model model;
  std::vector<Mention> batch;
  for (int i = 0; i < 120; ++i)
    batch.push_back(M("m" + std::to_string(i), i % 2 ? "panne réseau" : "panne box", kT0 + (i % 30) * 1000,
                      {1 + i % 3}));
  WriteOk(*store, batch);
  model.Add(batch);
  std::set<int64_t> accepted_ids;
  for (const auto& m : batch)
    if (m.id % 5 == 0) accepted_ids.insert(m.id);
  auto want = [&](const std::function<bool(const Mention&)>& pred) {
    std::vector<std::pair<base::Timestamp, int64_t>> v;
    for (const auto& [k, m] : model.latest())
      if (accepted_ids.count(m.id) && pred(m)) v.emplace_back(m.created_at, m.id);
    std::sort(v.rbegin(), v.rend());
    std::vector<int64_t> out;
    for (auto& [t, id] : v) out.push_back(id);
    return out;
  };
  int64_t calls = 0;
  auto accept = [&](const Mention& m) {
    ++calls;
    return m.id % 5 == 0;
  };
  struct Shape {
    std::string name;
    std::string text, fts;
    std::vector<int64_t> queries;
    std::function<bool(const Mention&)> pred;
  };
  std::vector<Shape> shapes = {
      {"listing", "", "", {}, [](const Mention&) { return true; }},
      {"words", "reseau", "", {}, [](const Mention& m) { return m.text.find("réseau") != std::string::npos; }},
      {"fts", "", "box OR reseau", {}, [](const Mention&) { return true; }},
      {"queries", "", "", {1, 2}, [](const Mention& m) { return m.enrichment.matched_queries[0] != 3; }},
  };
  for (const auto& sh : shapes) {
    for (int limit : {3, 50}) {
      MentionFilter f;
      f.text = sh.text;
      f.fts = sh.fts;
      f.query_ids = sh.queries;
      f.accept = accept;
      f.limit = limit;
      calls = 0;
      auto first = SearchOk(*store, f);
      EXPECT_EQ(first.scanned, calls) << sh.name;
      EXPECT_GE(first.scanned, static_cast<int64_t>(first.items.size())) << sh.name;
      for (const auto& m : first.items) EXPECT_EQ(m.id % 5, 0) << sh.name;
      EXPECT_EQ(AllPages(*store, f), want(sh.pred)) << sh.name << " limit " << limit;
    }
  }
  // Without accept, scanned counts the rows listed.
  MentionFilter plain;
  plain.limit = 10;
  EXPECT_EQ(SearchOk(*store, plain).scanned, 10);
}

TEST(QueryStore, MaxScanBoundsTheListingAndContinuesAfterTheLastExaminedRow) {
  auto store = OpenAt(":memory:");
  std::vector<Mention> batch;
  for (int i = 0; i < 100; ++i) batch.push_back(M("m" + std::to_string(i), "texte", kT0 + (i / 3) * 1000));
  WriteOk(*store, batch);
  // Newest first: (created_at desc, id desc).
  std::vector<const Mention*> order;
  for (const auto& m : batch) order.push_back(&m);
  std::sort(order.begin(), order.end(), [](const Mention* a, const Mention* b) {
    return std::tie(a->created_at, a->id) > std::tie(b->created_at, b->id);
  });
  auto every_tenth = [&](const Mention& m) { return m.id % 10 == 0; };

  MentionFilter f;
  f.accept = every_tenth;
  f.max_scan = 15;
  f.limit = 50;
  MentionPage p = SearchOk(*store, f);
  EXPECT_EQ(p.scanned, 15);
  ASSERT_TRUE(p.next.has_value());
  EXPECT_EQ(p.next->created_at, order[14]->created_at);
  EXPECT_EQ(p.next->id, order[14]->id);
  std::vector<int64_t> want_first;
  for (int i = 0; i < 15; ++i)
    if (order[static_cast<size_t>(i)]->id % 10 == 0) want_first.push_back(order[static_cast<size_t>(i)]->id);
  EXPECT_EQ(Ids(p), want_first);

  // Following next visits every row once: all accepted rows, in order.
  std::vector<int64_t> want_all;
  for (const Mention* m : order)
    if (m->id % 10 == 0) want_all.push_back(m->id);
  EXPECT_EQ(AllPages(*store, f), want_all);
  // A full page before the budget ends the page there.
  f.limit = 1;
  p = SearchOk(*store, f);
  ASSERT_EQ(p.items.size(), 1u);
  EXPECT_LE(p.scanned, 15);
  EXPECT_EQ(p.next->id, p.items[0].id);
  // The budget spent exactly at the end still sets next; the next page is empty.
  f.limit = 50;
  f.max_scan = 100;
  p = SearchOk(*store, f);
  EXPECT_EQ(p.scanned, 100);
  ASSERT_TRUE(p.next.has_value());
  f.after = p.next;
  p = SearchOk(*store, f);
  EXPECT_TRUE(p.items.empty());
  EXPECT_FALSE(p.next.has_value());
  // With words the budget does not apply.
  MentionFilter words;
  words.text = "texte";
  words.accept = every_tenth;
  words.max_scan = 5;
  words.limit = 1000;
  EXPECT_EQ(Ids(SearchOk(*store, words)), want_all);
  // Without accept it does not apply either.
  MentionFilter no_accept;
  no_accept.max_scan = 5;
  no_accept.limit = 20;
  EXPECT_EQ(SearchOk(*store, no_accept).items.size(), 20u);
}

// ---- ScanMentions, MaxMentionId --------------------------------------------------------

TEST(QueryStore, ScanMentionsAscendingInRangeWithFtsAndEarlyStop) {
  auto store = OpenAt(":memory:");
  EXPECT_EQ(*store->MaxMentionId(), 0);
  std::vector<Mention> batch;
  for (int i = 0; i < 60; ++i)
    batch.push_back(M("m" + std::to_string(i), i % 3 == 0 ? "la panne" : "tout va bien", kT0 - i * 1000));
  WriteOk(*store, batch);
  const int64_t first = batch.front().id, last = batch.back().id;
  EXPECT_EQ(*store->MaxMentionId(), last);

  std::vector<int64_t> seen;
  auto collect = [&](const Mention& m) {
    seen.push_back(m.id);
    return true;
  };
  ASSERT_TRUE(store->ScanMentions(first + 5, first + 20, "", collect).ok());
  std::vector<int64_t> want;
  for (int64_t id = first + 5; id <= first + 20; ++id) want.push_back(id);
  EXPECT_EQ(seen, want);

  seen.clear();
  ASSERT_TRUE(store->ScanMentions(0, last + 100, "panne", collect).ok());
  want.clear();
  for (const auto& m : batch)
    if (m.text == "la panne") want.push_back(m.id);
  EXPECT_EQ(seen, want);

  seen.clear();
  ASSERT_TRUE(store->ScanMentions(0, last, "", [&](const Mention& m) {
                    seen.push_back(m.id);
                    return seen.size() < 4;
                  }).ok());
  EXPECT_EQ(seen.size(), 4u);
  seen.clear();
  ASSERT_TRUE(store->ScanMentions(last, first, "", collect).ok());
  EXPECT_TRUE(seen.empty());
  // Full rows are passed.
  ASSERT_TRUE(store->ScanMentions(first, first, "", [&](const Mention& m) {
                    EXPECT_EQ(m.native_id, "m0");
                    EXPECT_EQ(m.text, "la panne");
                    return true;
                  }).ok());
}

// ---- ReplaceQueryMatches, DeleteQuery ----------------------------------------------------

TEST(QueryStore, ReplaceQueryMatchesDiffsIndexRollupsAndEnrichmentOnly) {
  TempDir dir;
  const std::string path = dir.File("rq.db");
  auto store = OpenAt(path);
  const int64_t q = SaveOk(*store, Def("q_one")).id;
  const int64_t other = SaveOk(*store, Def("q_two")).id;
  for (int i = 0; i < 100; ++i) SaveOk(*store, Def("pad" + std::to_string(i)));  // defines other + 100
  Model model;
  std::vector<Mention> batch;
  for (int i = 0; i < 50; ++i) {
    std::vector<int64_t> qs;
    if (i % 2 == 0) qs.push_back(q);
    if (i % 3 == 0) qs.insert(qs.begin(), other + 100);  // unsorted (Write sorts), another id
    Mention m = M("m" + std::to_string(i), "la panne " + std::to_string(i), kT0 + (i % 7) * kHour, qs,
                  i % 2 ? Channel::kForum : Channel::kTwitter);
    m.enrichment.sentiment = "negative";
    m.enrichment.sentiment_score = -0.25;
    m.language = i % 4 ? "fr" : "en";
    batch.push_back(m);
  }
  WriteOk(*store, batch);
  model.Add(batch);
  const int64_t first = batch[10].id, last = batch[39].id;
  auto hashes = RawRows(path, "SELECT id, content_hash FROM mentions ORDER BY id");
  auto rollup_hour = RawRows(path, "SELECT * FROM rollup_hour ORDER BY 1, 2, 3");
  auto fts_rows = RawInt(path, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'panne'");

  // New matches: multiples of 3 in the range, plus ids outside the range
  // and ids not stored (ignored), with a repeat.
  std::vector<int64_t> ids = {batch[0].id, batch[45].id, 999'999, batch[12].id};
  for (int i = 10; i < 40; ++i)
    if (i % 3 == 0) ids.push_back(batch[static_cast<size_t>(i)].id);
  int64_t want_changed = 0;
  for (int i = 0; i < 50; ++i) {
    Mention& m = model.At(batch[static_cast<size_t>(i)].channel, batch[static_cast<size_t>(i)].native_id);
    if (i < 10 || i >= 40) continue;
    const bool had = i % 2 == 0, has = i % 3 == 0;
    if (had != has) ++want_changed;
    std::erase(m.enrichment.matched_queries, q);
    if (has) m.enrichment.matched_queries.push_back(q);
    std::sort(m.enrichment.matched_queries.begin(), m.enrichment.matched_queries.end());  // stored sorted
  }
  auto changed = store->ReplaceQueryMatches(q, first, last, ids);
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  EXPECT_EQ(*changed, want_changed);
  EXPECT_EQ(StoredIndexRows(path), model.IndexRows());
  EXPECT_EQ(StoredRollupRows(path), model.RollupRows());
  EXPECT_EQ(VolumeMap(*store, ByQueryHourly(kT0 - kDay, kT0 + kDay)), model.HourlyByQuery());

  // Stored enrichment rewritten (sorted, as Write stores it); other
  // enrichment fields kept.
  for (const auto& [k, want] : model.latest()) {
    auto got = store->Get(want.id);
    ASSERT_TRUE(got.ok() && got->has_value());
    EXPECT_EQ((*got)->enrichment.matched_queries, want.enrichment.matched_queries) << want.native_id;
    EXPECT_EQ((*got)->enrichment.sentiment, "negative");
    EXPECT_EQ((*got)->enrichment.sentiment_score, -0.25);
  }
  // Not touched: content hashes, the other rollups, the full-text index.
  EXPECT_EQ(RawRows(path, "SELECT id, content_hash FROM mentions ORDER BY id"), hashes);
  EXPECT_EQ(RawRows(path, "SELECT * FROM rollup_hour ORDER BY 1, 2, 3"), rollup_hour);
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM mentions_fts WHERE mentions_fts MATCH 'panne'"), fts_rows);
  RawExec(path, "INSERT INTO mentions_fts(mentions_fts, rank) VALUES ('integrity-check', 1)");

  // Search sees the new matches.
  MentionFilter f;
  f.query_ids = {q};
  f.limit = 1000;
  EXPECT_EQ(Ids(SearchOk(*store, f)), model.Matching({q}));

  // Replaying the same set again changes nothing.
  auto again = store->ReplaceQueryMatches(q, first, last, ids);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, 0);
  EXPECT_EQ(StoredRollupRows(path), model.RollupRows());

  // The source replays a mention unchanged: still a duplicate (the hash
  // was kept), and the index stays as replaced.
  std::vector<Mention> replay = {batch[12], batch[13]};
  for (auto& m : replay) m.thread_id.clear();  // as the source gave it
  std::vector<WriteOutcome> out;
  WriteOk(*store, replay, &out);
  EXPECT_EQ(out, std::vector<WriteOutcome>(2, WriteOutcome::kDuplicate));
  EXPECT_EQ(StoredIndexRows(path), model.IndexRows());
  // An update of a replaced mention moves the entries the replace left.
  std::vector<Mention> upd = {model.At(batch[12].channel, batch[12].native_id)};
  upd[0].id = 0;
  upd[0].created_at += 30 * kHour;
  upd[0].enrichment.matched_queries = {q};
  WriteOk(*store, upd);
  model.Add(upd);
  EXPECT_EQ(StoredIndexRows(path), model.IndexRows());
  EXPECT_EQ(StoredRollupRows(path), model.RollupRows());

  // Clearing a range entirely; an empty range; an unknown query.
  auto cleared = store->ReplaceQueryMatches(q, 0, last + 1000, {});
  ASSERT_TRUE(cleared.ok());
  for (auto& [k, m] : model.latest()) std::erase(model.At(k.first, k.second).enrichment.matched_queries, q);
  EXPECT_EQ(StoredIndexRows(path), model.IndexRows());
  EXPECT_EQ(StoredRollupRows(path), model.RollupRows());
  EXPECT_EQ(*store->ReplaceQueryMatches(q, last, first, ids), 0);
  const int64_t max_id = *store->MaxMentionId();
  const std::vector<int64_t> not_stored = {max_id + 5};
  EXPECT_EQ(*store->ReplaceQueryMatches(q, 0, max_id + 1000, not_stored), 0);
  EXPECT_EQ(StoredIndexRows(path), model.IndexRows());
  EXPECT_EQ(store->ReplaceQueryMatches(12345, first, last, ids).status().code(), base::StatusCode::kNotFound);
}

TEST(QueryStore, DeleteQueryRemovesItsIndexAndRollupsOnly) {
  TempDir dir;
  const std::string path = dir.File("d.db");
  auto store = OpenAt(path);
  const int64_t a = SaveOk(*store, Def("a")).id;
  const int64_t b = SaveOk(*store, Def("b")).id;
  std::vector<Mention> batch = {M("1", "x", kT0, {a, b}), M("2", "y", kT0 + kHour, {a}), M("3", "z", kT0, {b})};
  WriteOk(*store, batch);
  ASSERT_TRUE(store->DeleteQuery(a).ok());
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM mention_queries WHERE query_id = " + std::to_string(a)), 0);
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM rollup_query_hour WHERE query_id = " + std::to_string(a)), 0);
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM mention_queries WHERE query_id = " + std::to_string(b)), 2);
  EXPECT_EQ(RawInt(path, "SELECT sum(count) FROM rollup_query_hour WHERE query_id = " + std::to_string(b)), 2);
  MentionFilter f;
  f.query_ids = {a};
  EXPECT_TRUE(SearchOk(*store, f).items.empty());
  f.query_ids = {a, b};
  EXPECT_EQ(Ids(SearchOk(*store, f)), (std::vector<int64_t>{batch[2].id, batch[0].id}));
  // Mentions lose the id; the others stay.
  EXPECT_TRUE((*store->Get(batch[1].id))->enrichment.matched_queries.empty());
  EXPECT_EQ((*store->Get(batch[0].id))->enrichment.matched_queries, std::vector<int64_t>{b});
  // Updating such a mention does not drive the deleted query's counts
  // below zero.
  std::vector<Mention> upd = {M("2", "y changed", kT0 + 3 * kHour, {b})};
  WriteOk(*store, upd);
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM rollup_query_hour WHERE count <= 0"), 0);
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM rollup_query_hour WHERE query_id = " + std::to_string(a)), 0);
  EXPECT_EQ(RawInt(path, "SELECT sum(count) FROM rollup_query_hour WHERE query_id = " + std::to_string(b)), 3);
}

// A write that still carries a deleted query's id (the engine that matched
// it was built before the delete) does not index it again.
TEST(QueryStore, WritesDoNotIndexDeletedQueries) {
  TempDir dir;
  const std::string path = dir.File("dq.db");
  auto store = OpenAt(path);
  const int64_t a = SaveOk(*store, Def("a")).id;
  ASSERT_TRUE(store->DeleteQuery(a).ok());
  std::vector<Mention> late = {M("9", "late", kT0, {a, 777})};
  WriteOk(*store, late);
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM mention_queries"), 0);
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM rollup_query_hour"), 0);
  // Known after a reopen too.
  const int64_t b = SaveOk(*store, Def("b")).id;
  store.reset();
  store = OpenAt(path);
  std::vector<Mention> more = {M("10", "more", kT0, {a, b})};
  WriteOk(*store, more);
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM mention_queries"), 1);
  EXPECT_EQ(RawInt(path, "SELECT query_id FROM mention_queries"), b);
}

// ---- migration ---------------------------------------------------------------------

TEST(QueryStore, MigratesAVersion1File) {
  TempDir dir;
  // Mentions written by this build, copied into a file built from step 1
  // only: a version-1 database (unicode61 full-text index) whose mentions
  // carry query ids that no query defines.
  const std::string source = dir.File("source.db");
  {
    auto store = OpenAt(source);
    DefineQueries(*store, 3);
    std::vector<Mention> batch = {M("1", "la panne", kT0, {2, 1}), M("2", "merci", kT0 + 2 * kHour, {2}),
                                  M("3", "rien", kT0 + kHour), M("4", "c\xC5\x93ur du réseau", kT0 - 5 * kHour, {3})};
    batch[3].enrichment.category = "outage";
    WriteOk(*store, batch);
  }
  const std::string v1 = dir.File("v1.db");
  const auto& step1 = internal::Migrations()[0];
  ASSERT_EQ(step1.version, 1);
  RawExec(v1, "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL;");
  RawExec(v1, "ATTACH '" + source + "' AS src; BEGIN; " + std::string(step1.sql) +
                  "INSERT INTO schema_migrations VALUES (1, 'initial', 1);"
                  "INSERT INTO mentions SELECT * FROM src.mentions;"
                  "INSERT INTO rollup_hour SELECT * FROM src.rollup_hour;"
                  "INSERT INTO id_blocks SELECT * FROM src.id_blocks;"
                  "DELETE FROM counters; INSERT INTO counters SELECT * FROM src.counters;"
                  "INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild');"
                  "COMMIT; DETACH src;"
                  "PRAGMA application_id = " + std::to_string(internal::kApplicationId) +
                  "; PRAGMA user_version = 1;");
  ASSERT_EQ(RawInt(v1, "SELECT count(*) FROM sqlite_schema WHERE name = 'mention_queries'"), 0);
  ASSERT_EQ(RawInt(v1, "SELECT count(*) FROM mentions WHERE json_type(enrichment, '$.matched_queries') IS NOT NULL"),
            3);

  base::FakeClock clock(kT0 + kDay);
  {
    auto store = OpenAt(v1, &clock);
    EXPECT_EQ(RawInt(v1, "PRAGMA user_version"), internal::CurrentSchemaVersion());
    EXPECT_EQ(RawInt(v1, "SELECT count(*) FROM schema_migrations"), internal::CurrentSchemaVersion());
    EXPECT_EQ(RawInt(v1, "SELECT applied_at FROM schema_migrations WHERE version = 2"), kT0 + kDay);
    // No query ids left; the rest of the enrichment stays.
    EXPECT_EQ(RawInt(v1, "SELECT count(*) FROM mention_queries"), 0);
    EXPECT_EQ(RawInt(v1, "SELECT count(*) FROM rollup_query_hour"), 0);
    MentionFilter f;
    f.text = "reseau";
    MentionPage page = SearchOk(*store, f);
    ASSERT_EQ(page.items.size(), 1u);
    EXPECT_TRUE(page.items[0].enrichment.matched_queries.empty());
    EXPECT_EQ(page.items[0].enrichment.category, "outage");
    // The full-text index was rebuilt with the ecoute tokenizer: "coeur"
    // finds "cœur", which unicode61 could not.
    f.text = "coeur";
    EXPECT_EQ(SearchOk(*store, f).items.size(), 1u);
    // The migrated file takes queries and indexed writes.
    QueryDef d = SaveOk(*store, Def("after_migration"));
    std::vector<Mention> upd = {M("4", "c\xC5\x93ur du réseau", kT0 - 5 * kHour, {d.id})};
    WriteOk(*store, upd);
    EXPECT_EQ(RawInt(v1, "SELECT count(*) FROM mention_queries"), 1);
    f = MentionFilter{};
    f.query_ids = {d.id};
    EXPECT_EQ(Ids(SearchOk(*store, f)), std::vector<int64_t>{upd[0].id});
  }
  // Reopening runs no step again.
  { auto store = OpenAt(v1, &clock); }
  EXPECT_EQ(RawInt(v1, "SELECT count(*) FROM schema_migrations"), internal::CurrentSchemaVersion());
}

}  // namespace
}  // namespace ecoute::store
