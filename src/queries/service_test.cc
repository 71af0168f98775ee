#include "queries/service.h"

#include <gtest/gtest.h>

#include <set>

#include "base/testing_scale.h"
#include "demo/generator.h"
#include "store/sqlite_store.h"
#include "text/text.h"

namespace ecoute::queries {
namespace {

using std::chrono::seconds;

std::unique_ptr<store::Store> OpenMemoryStore() {
  store::SqliteOptions o;
  o.path = ":memory:";
  o.synchronous = "normal";
  auto s = store::OpenSqliteStore(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(*s);
}

store::QueryDef Def(std::string name, std::string text, store::QueryKind kind = store::QueryKind::kTopic) {
  store::QueryDef d;
  d.name = std::move(name);
  d.text = std::move(text);
  d.kind = kind;
  return d;
}

std::vector<model::Mention> DemoMentions(size_t n, uint64_t seed = 7) {
  demo::DemoOptions o;
  o.seed = seed;
  o.start = *base::ParseTimestamp("2024-03-01T00:00:00Z");
  o.messages_per_day = 5000;
  demo::DemoGenerator g(o);
  std::vector<model::Mention> out;
  for (size_t i = 0; i < n; ++i) {
    out.push_back(g.Next());
    text::Analyze(out.back());
  }
  return out;
}

// Live path: Enrich then Write, in batches, as the pipeline does.
void Ingest(QueryService& svc, store::Store& st, std::vector<model::Mention> mentions, size_t batch = 1000) {
  for (size_t i = 0; i < mentions.size(); i += batch) {
    std::span<model::Mention> b(mentions.data() + i, std::min(batch, mentions.size() - i));
    svc.Enrich(b);
    std::vector<store::WriteOutcome> outcomes;
    ASSERT_TRUE(st.Write(b, {}, &outcomes).ok());
  }
}

// Every mention id for which `page` keeps producing results, all pages.
std::set<int64_t> AllHistory(const QueryService& svc, std::string_view text) {
  std::set<int64_t> ids;
  store::MentionFilter f;
  f.limit = 1000;
  for (int guard = 0; guard < 10000; ++guard) {
    base::Result<HistoryPage> p = svc.SearchHistory(text, f);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (!p.ok()) break;
    for (const model::Mention& m : p->page.items) EXPECT_TRUE(ids.insert(m.id).second) << "repeated " << m.id;
    if (!p->page.next) break;
    f.after = p->page.next;
  }
  return ids;
}

std::set<int64_t> AllIndexed(const store::Store& st, int64_t query_id) {
  std::set<int64_t> ids;
  store::MentionFilter f;
  f.limit = 1000;
  f.query_ids = {query_id};
  for (int guard = 0; guard < 10000; ++guard) {
    base::Result<store::MentionPage> p = st.Search(f);
    EXPECT_TRUE(p.ok()) << p.status().ToString();
    if (!p.ok()) break;
    for (const model::Mention& m : p->items) ids.insert(m.id);
    if (!p->next) break;
    f.after = p->next;
  }
  return ids;
}

class QueryServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = OpenMemoryStore();
    ServiceOptions o;
    o.backfill_chunk = 777;  // several chunks per backfill, not aligned on anything
    auto s = QueryService::Open(*store_, o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    svc_ = std::move(*s);
  }
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<QueryService> svc_;
};

TEST_F(QueryServiceTest, CreateValidatesWithPositions) {
  base::Result<QueryInfo> bad = svc_->Create(Def("delivery", "colis OR"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "query: col 9: expected a term after OR");

  EXPECT_EQ(svc_->Create(Def("bad name", "colis")).status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(svc_->Create(Def("empty", "  ")).status().message(), "query: is empty");

  base::Result<QueryInfo> ok = svc_->Create(Def("delivery", "colis OR livraison NOT emploi"));
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_GT(ok->def.id, 0);
  EXPECT_EQ(ok->def.origin, "api");
  EXPECT_EQ(ok->canonical, "(colis OR (livraison AND NOT emploi))");  // NOT > AND > OR
  EXPECT_EQ(svc_->Create(Def("delivery", "x")).status().code(), base::StatusCode::kAlreadyExists);

  // Persisted.
  base::Result<std::vector<store::QueryDef>> stored = store_->Queries();
  ASSERT_TRUE(stored.ok());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].text, "colis OR livraison NOT emploi");
}

TEST_F(QueryServiceTest, LintWarningsAreReported) {
  base::Result<QueryInfo> q = svc_->Create(Def("wide", "NOT emploi"));
  ASSERT_TRUE(q.ok());
  ASSERT_FALSE(q->warnings.empty());
  EXPECT_EQ(q->warnings[0].code, "only-not");
  CheckResult c = svc_->Check("colis OR");
  EXPECT_FALSE(c.valid);
  EXPECT_EQ(c.error_column, 9);
  c = svc_->Check("li* AND colis");
  EXPECT_TRUE(c.valid);
  ASSERT_FALSE(c.warnings.empty());
  EXPECT_EQ(c.warnings[0].code, "short-wildcard");
}

TEST_F(QueryServiceTest, ReferencesCyclesRenamesAndDeletes) {
  ASSERT_TRUE(svc_->Create(Def("terms", "colis OR livraison")).ok());
  base::Result<QueryInfo> user = svc_->Create(Def("telemax_delivery", "telemax AND @terms"));
  ASSERT_TRUE(user.ok()) << user.status().ToString();
  std::optional<QueryInfo> terms = svc_->FindByName("terms");
  ASSERT_TRUE(terms);
  // A cycle through an update is refused.
  base::Status cyc = svc_->Update(terms->def.id, Def("terms", "colis OR @telemax_delivery")).status();
  EXPECT_EQ(cyc.code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(cyc.message().find("reference cycle"), std::string::npos) << cyc.ToString();
  // Renaming or deleting a referenced query is refused, naming the user.
  base::Status ren = svc_->Update(terms->def.id, Def("terms2", "colis")).status();
  EXPECT_EQ(ren.code(), base::StatusCode::kFailedPrecondition);
  EXPECT_NE(ren.message().find("telemax_delivery"), std::string::npos);
  base::Status del = svc_->Delete(terms->def.id);
  EXPECT_EQ(del.code(), base::StatusCode::kFailedPrecondition);
  EXPECT_NE(del.message().find("telemax_delivery"), std::string::npos);
  EXPECT_TRUE(svc_->Delete(user->def.id).ok());
  EXPECT_TRUE(svc_->Delete(terms->def.id).ok());
  EXPECT_EQ(svc_->Delete(terms->def.id).code(), base::StatusCode::kNotFound);
  EXPECT_TRUE(svc_->List().empty());
}

TEST_F(QueryServiceTest, ConfigQueriesAreSyncedAndProtected) {
  std::vector<store::QueryDef> defs = {Def("brand", "telemax OR \"tele max\"", store::QueryKind::kBrand),
                                       Def("topic", "@brand AND colis")};
  ASSERT_TRUE(svc_->SyncConfig(defs, {}).ok());
  ASSERT_EQ(svc_->List().size(), 2u);
  std::optional<QueryInfo> brand = svc_->FindByName("brand");
  ASSERT_TRUE(brand);
  EXPECT_EQ(brand->def.origin, "config");
  EXPECT_EQ(svc_->Update(brand->def.id, Def("brand", "x")).status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(svc_->Delete(brand->def.id).code(), base::StatusCode::kFailedPrecondition);

  // Same file again: nothing changes (same ids, same timestamps).
  ASSERT_TRUE(svc_->SyncConfig(defs, {}).ok());
  EXPECT_EQ(svc_->FindByName("brand")->def.updated_at, brand->def.updated_at);
  EXPECT_EQ(svc_->FindByName("brand")->def.id, brand->def.id);

  // An error names the file place and the query column.
  std::vector<store::QueryDef> bad = {Def("brand", "telemax OR")};
  base::Status s = svc_->SyncConfig(bad, {ConfigPlace{"ecoute.yaml", 4, 12}});
  EXPECT_EQ(s.message(), "ecoute.yaml:4:12: queries[0] (brand): query: col 11: expected a term after OR");
  EXPECT_EQ(svc_->List().size(), 2u);  // unchanged

  // Removing "brand" while "topic" still uses it is refused; removing both works.
  EXPECT_EQ(svc_->SyncConfig({defs[1]}, {}).code(), base::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(svc_->SyncConfig({Def("brand", "telemax")}, {}).ok());
  ASSERT_EQ(svc_->List().size(), 1u);
  EXPECT_EQ(svc_->List()[0].def.text, "telemax");

  // A name taken by an API query.
  ASSERT_TRUE(svc_->Create(Def("mine", "colis")).ok());
  EXPECT_EQ(svc_->SyncConfig({Def("mine", "x")}, {}).code(), base::StatusCode::kFailedPrecondition);
}

TEST_F(QueryServiceTest, SwapsEngineWithoutRestart) {
  model::Mention m;
  m.text = "Mon colis est perdu depuis lundi";
  std::vector<model::Mention> batch = {m};
  svc_->Enrich(batch);
  EXPECT_TRUE(batch[0].enrichment.matched_queries.empty());

  base::Result<QueryInfo> q = svc_->Create(Def("delivery", "colis NEAR/3 perdu"));
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(svc_->WaitIdle(seconds(30)));
  svc_->Enrich(batch);
  EXPECT_EQ(batch[0].enrichment.matched_queries, std::vector<int64_t>{q->def.id});
  EXPECT_TRUE(svc_->Get(q->def.id)->live);

  ASSERT_TRUE(svc_->Update(q->def.id, Def("delivery", "colis AND vol*")).ok());
  ASSERT_TRUE(svc_->WaitIdle(seconds(30)));
  svc_->Enrich(batch);
  EXPECT_TRUE(batch[0].enrichment.matched_queries.empty());

  std::vector<match::EngineMatch> none = svc_->Highlight(m);
  EXPECT_TRUE(none.empty());
}

// Realistic queries over the demo stream: the set of mentions tagged live
// (Enrich at ingest), the set found by the history search with the same
// text, and the set listed through the per-query index are the same.
TEST_F(QueryServiceTest, LiveAndHistoryGiveTheSameSet) {
  std::vector<std::string> texts;
  for (const demo::DemoQuery& d : demo::DemoQueries()) {
    base::Result<QueryInfo> q = svc_->Create(Def(d.name, d.text));
    ASSERT_TRUE(q.ok()) << d.name << ": " << q.status().ToString();
  }
  const std::vector<std::string> extra = {
      "{Colibri} AND NOT (colis OR livraison)",
      "\"service client\" OR \"customer service\" OR sav",
      "(remboursement OR refund) NEAR/5 (attente OR waiting OR toujours OR still)",
      "lang:fr AND (facture OR prélèvement OR factur*)",
      "channel:review AND (nul OR horrible OR terrible OR déçu*)",
      "#telemax OR @Telemax_FR",
      "aujourd'hui AND (panne OR coupure)",
      "l'appli OR \"l'application\" OR app",
      "\"ne marche plus\"~2",
      "NOT lang:fr AND NOT lang:en",
      "followers:>1000 AND (scandale OR honte OR shame OR disgrace)",
      "r?mbours*",
      "site:telemax.example",
      "cœur OR coeur OR heart",
  };
  for (size_t i = 0; i < extra.size(); ++i) {
    base::Result<QueryInfo> q = svc_->Create(Def("extra_" + std::to_string(i), extra[i]));
    ASSERT_TRUE(q.ok()) << extra[i] << ": " << q.status().ToString();
  }
  ASSERT_TRUE(svc_->WaitIdle(seconds(60)));
  Ingest(*svc_, *store_, DemoMentions(static_cast<size_t>(base::TestScale(20000))));

  size_t nonempty = 0;
  for (const QueryInfo& q : svc_->List()) {
    std::set<int64_t> live;
    store::MentionFilter all;
    all.limit = 1000;
    for (int guard = 0; guard < 1000; ++guard) {
      base::Result<store::MentionPage> p = store_->Search(all);
      ASSERT_TRUE(p.ok());
      for (const model::Mention& m : p->items) {
        const auto& ids = m.enrichment.matched_queries;
        if (std::find(ids.begin(), ids.end(), q.def.id) != ids.end()) live.insert(m.id);
      }
      if (!p->next) break;
      all.after = p->next;
    }
    std::set<int64_t> history = AllHistory(*svc_, q.def.text);
    std::set<int64_t> indexed = AllIndexed(*store_, q.def.id);
    EXPECT_EQ(live, history) << q.def.name << ": " << q.def.text;
    EXPECT_EQ(live, indexed) << q.def.name << ": " << q.def.text;
    if (!live.empty()) ++nonempty;
  }
  // The queries are realistic: most of them find something.
  EXPECT_GE(nonempty, svc_->List().size() * 2 / 3);
}

// The full-text index folds as the matchers do, so the history search finds
// what live matching finds even in texts written with compatibility
// characters, decomposed accents, ligatures or emoji glued to words.
TEST_F(QueryServiceTest, HistoryFindsWhatLiveFindsInOddlyWrittenTexts) {
  const std::vector<std::string> texts = {
      "mon \xEF\xBD\x83\xEF\xBD\x8F\xEF\xBD\x8C\xEF\xBD\x89\xEF\xBD\x93 est perdu",  // full-width colis
      "le re\xCC\x81seau est coupe\xCC\x81",  // decomposed accents
      "la \xEF\xAC\x81" "bre ne marche plus",  // fi ligature
      "colis\xF0\x9F\x98\xA1 toujours pas la",  // emoji glued
      "#Gr\xC3\xA8veSNCF et #black_friday",
      "merci @Free_Mobile et @jean.dupont",
      "j'ai le c\xC5\x93ur bris\xC3\xA9 par la Stra\xC3\x9F" "e",
      "aujourd'hui l'avion est en retard",
      "\xD0\x9C\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0 \xE6\x9D\xB1\xE4\xBA\xAC colis",
  };
  const std::vector<std::string> queries = {
      "colis", "reseau NEAR/2 coupé", "fibre", "#grevesncf", "#black_friday", "@free_mobile", "@jean.dupont",
      "coeur AND strasse", "aujourd'hui AND l'avion", "\"l'avion est\"", "Москва", "colis NOT toujours", "r?seau",
  };
  std::vector<int64_t> ids;
  for (size_t i = 0; i < queries.size(); ++i) {
    base::Result<QueryInfo> q = svc_->Create(Def("q" + std::to_string(i), queries[i]));
    ASSERT_TRUE(q.ok()) << queries[i] << ": " << q.status().ToString();
    ids.push_back(q->def.id);
  }
  ASSERT_TRUE(svc_->WaitIdle(seconds(30)));
  std::vector<model::Mention> ms;
  for (size_t i = 0; i < texts.size(); ++i) {
    model::Mention m;
    m.channel = model::Channel::kTwitter;
    m.native_id = "odd" + std::to_string(i);
    m.created_at = 1'700'000'000'000 + static_cast<int64_t>(i);
    m.text = texts[i];
    text::Analyze(m);
    ms.push_back(std::move(m));
  }
  Ingest(*svc_, *store_, ms, 3);
  for (size_t i = 0; i < queries.size(); ++i) {
    std::set<int64_t> indexed = AllIndexed(*store_, ids[i]);
    EXPECT_FALSE(indexed.empty()) << queries[i] << " matches none of the texts live";
    EXPECT_EQ(AllHistory(*svc_, queries[i]), indexed) << queries[i];
  }
}

// A query added after the data arrived is applied to the stored history,
// and gives the same set as the history search.
TEST_F(QueryServiceTest, BackfillAppliesNewQueriesToHistory) {
  Ingest(*svc_, *store_, DemoMentions(8000, 11));
  base::Result<QueryInfo> q = svc_->Create(Def("delivery", demo::DemoQueries()[6].text));
  ASSERT_TRUE(q.ok());
  ASSERT_TRUE(svc_->WaitIdle(seconds(60)));
  std::optional<QueryInfo> info = svc_->Get(q->def.id);
  ASSERT_TRUE(info);
  EXPECT_FALSE(info->backfill.pending);
  EXPECT_TRUE(info->backfill.error.empty()) << info->backfill.error;
  std::set<int64_t> history = AllHistory(*svc_, q->def.text);
  EXPECT_GT(history.size(), 100u);
  EXPECT_EQ(AllIndexed(*store_, q->def.id), history);
  EXPECT_EQ(info->backfill.matched, static_cast<int64_t>(history.size()));

  // Per-query rollups agree.
  store::VolumeQuery vq;
  vq.from = *base::ParseTimestamp("2024-01-01T00:00:00Z");
  vq.to = *base::ParseTimestamp("2025-01-01T00:00:00Z");
  vq.interval = store::Interval::kWeek;
  vq.query_ids = {q->def.id};
  base::Result<std::vector<store::VolumePoint>> points = store_->Volume(vq);
  ASSERT_TRUE(points.ok()) << points.status().ToString();
  int64_t total = 0;
  for (const store::VolumePoint& p : *points) total += p.count;
  EXPECT_EQ(total, static_cast<int64_t>(history.size()));

  // Narrowing the query shrinks its history.
  ASSERT_TRUE(svc_->Update(q->def.id, Def("delivery", "colis AND lang:fr")).ok());
  ASSERT_TRUE(svc_->WaitIdle(seconds(60)));
  std::set<int64_t> narrowed = AllHistory(*svc_, "colis AND lang:fr");
  EXPECT_LT(narrowed.size(), history.size());
  EXPECT_EQ(AllIndexed(*store_, q->def.id), narrowed);
}

// Changing a query re-applies the queries that use it by @name to history.
TEST_F(QueryServiceTest, BackfillFollowsReferences) {
  ASSERT_TRUE(svc_->Create(Def("terms", "colis")).ok());
  base::Result<QueryInfo> user = svc_->Create(Def("user", "@terms AND lang:fr"));
  ASSERT_TRUE(user.ok());
  ASSERT_TRUE(svc_->WaitIdle(seconds(30)));
  Ingest(*svc_, *store_, DemoMentions(4000, 5));
  std::set<int64_t> before = AllIndexed(*store_, user->def.id);
  EXPECT_EQ(before, AllHistory(*svc_, "colis AND lang:fr"));
  ASSERT_TRUE(svc_->Update(svc_->FindByName("terms")->def.id, Def("terms", "colis OR livraison")).ok());
  ASSERT_TRUE(svc_->WaitIdle(seconds(60)));
  std::set<int64_t> after = AllIndexed(*store_, user->def.id);
  EXPECT_GT(after.size(), before.size());
  EXPECT_EQ(after, AllHistory(*svc_, "(colis OR livraison) AND lang:fr"));
}

// A backfill that did not finish (the process stopped) resumes when the
// next process opens the service; a finished one is not redone.
TEST(QueryServiceResume, InterruptedBackfillResumesOnOpen) {
  std::unique_ptr<store::Store> st = OpenMemoryStore();
  std::vector<model::Mention> ms = DemoMentions(3000, 13);
  std::vector<store::WriteOutcome> outcomes;
  ASSERT_TRUE(st->Write(ms, {}, &outcomes).ok());
  base::Result<store::QueryDef> saved = st->SaveQuery(Def("delivery", "colis OR livraison"));
  ASSERT_TRUE(saved.ok());
  ASSERT_TRUE(st->SetQueryBackfill(saved->id, true, std::nullopt).ok());
  {
    auto svc = QueryService::Open(*st);
    ASSERT_TRUE(svc.ok());
    ASSERT_TRUE((*svc)->WaitIdle(seconds(60)));
    std::set<int64_t> history = AllHistory(**svc, "colis OR livraison");
    EXPECT_GT(history.size(), 50u);
    EXPECT_EQ(AllIndexed(*st, saved->id), history);
  }
  base::Result<std::vector<store::QueryDef>> defs = st->Queries();
  ASSERT_TRUE(defs.ok());
  EXPECT_FALSE((*defs)[0].backfill_pending);
  auto again = QueryService::Open(*st);
  ASSERT_TRUE(again.ok());
  EXPECT_FALSE((*again)->Get(saved->id)->backfill.pending);
}

// A process that changes a query and stops before its backfill runs (a CLI
// command) records the bound: the next process covers only what was stored
// then, and a query created on an empty store costs nothing later.
TEST(QueryServiceResume, UnstartedBackfillIsBoundedByWhatWasStored) {
  std::unique_ptr<store::Store> st = OpenMemoryStore();
  int64_t id = 0;
  {
    ServiceOptions o;
    auto svc = QueryService::Open(*st, o);
    ASSERT_TRUE(svc.ok());
    auto q = (*svc)->Create(Def("delivery", "colis"));
    ASSERT_TRUE(q.ok());
    id = q->def.id;
    // Destroyed at once: the backfill may or may not have run; either way
    // nothing is left to do for an empty store.
  }
  base::Result<std::vector<store::QueryDef>> defs = st->Queries();
  ASSERT_TRUE(defs.ok());
  if ((*defs)[0].backfill_pending) {
    ASSERT_TRUE((*defs)[0].backfill_to.has_value());
    EXPECT_EQ(*(*defs)[0].backfill_to, 0);
  }
  // Mentions stored later (by a process that knew the query) are not
  // re-scanned: the resumed backfill is bounded at 0.
  std::vector<model::Mention> ms = DemoMentions(500, 17);
  std::vector<store::WriteOutcome> outcomes;
  ASSERT_TRUE(st->Write(ms, {}, &outcomes).ok());
  auto svc = QueryService::Open(*st);
  ASSERT_TRUE(svc.ok());
  ASSERT_TRUE((*svc)->WaitIdle(seconds(30)));
  EXPECT_EQ((*svc)->Get(id)->backfill.scanned, 0);
  EXPECT_FALSE((*st->Queries())[0].backfill_pending);
}

TEST_F(QueryServiceTest, HistorySearchErrorsAndSpans) {
  base::Result<HistoryPage> bad = svc_->SearchHistory("colis AND (perdu", {});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().rfind("query: col ", 0), 0u) << bad.status().message();

  model::Mention m;
  m.channel = model::Channel::kTwitter;
  m.native_id = "1";
  m.created_at = 1000;
  m.text = "Mon COLIS n'est jamais arrivé, colis perdu !";
  text::Analyze(m);
  std::vector<model::Mention> batch = {m};
  std::vector<store::WriteOutcome> outcomes;
  ASSERT_TRUE(store_->Write(batch, {}, &outcomes).ok());
  base::Result<HistoryPage> p = svc_->SearchHistory("colis NEAR/1 perdu", {});
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  ASSERT_EQ(p->page.items.size(), 1u);
  ASSERT_EQ(p->spans[0].size(), 2u);
  EXPECT_EQ(m.text.substr(p->spans[0][0].begin, p->spans[0][0].end - p->spans[0][0].begin), "colis");
  EXPECT_EQ(m.text.substr(p->spans[0][1].begin, p->spans[0][1].end - p->spans[0][1].begin), "perdu");
  EXPECT_FALSE(p->full_scan);
  p = svc_->SearchHistory("lang:fr OR lang:und", {});
  ASSERT_TRUE(p.ok());
  EXPECT_TRUE(p->full_scan);
}

}  // namespace
}  // namespace ecoute::queries
