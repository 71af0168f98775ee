// The live wiring of monitored queries: a pipeline whose workers tag
// mentions with the QueryService's engine, with queries changed while
// ingestion runs (hot reload), and the backfill that follows.
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "app/runtime.h"
#include "demo/generator.h"
#include "ingest/input.h"
#include "match/reference_matcher.h"
#include "model/mention_json.h"

namespace ecoute::app {
namespace {

using std::chrono::seconds;

config::Config MemoryConfig() {
  config::Config c;
  c.store.path = ":memory:";
  c.store.synchronous = "normal";
  c.pipeline.workers = 2;
  c.pipeline.commit_records = 500;
  return c;
}

store::QueryDef Def(std::string name, std::string text) {
  store::QueryDef d;
  d.name = std::move(name);
  d.text = std::move(text);
  return d;
}

// All stored mentions, oldest id first.
std::vector<model::Mention> AllMentions(const store::Store& st) {
  std::vector<model::Mention> out;
  store::MentionFilter f;
  f.limit = 1000;
  for (;;) {
    auto p = st.Search(f);
    EXPECT_TRUE(p.ok());
    if (!p.ok()) break;
    out.insert(out.end(), p->items.begin(), p->items.end());
    if (!p->next) break;
    f.after = p->next;
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.id < b.id; });
  return out;
}

bool Tagged(const model::Mention& m, int64_t id) {
  const auto& q = m.enrichment.matched_queries;
  return std::find(q.begin(), q.end(), id) != q.end();
}

// Queries are added, changed and removed while batches stream through the
// pipeline. Ingestion never stops (every batch is accepted while the
// engines swap); once the changes settle, every stored mention carries
// exactly the queries that match it now, whether it was tagged live or by
// the backfill, and the per-query index agrees; a deleted query is gone
// from both.
TEST(Ingestion, HotReloadUnderIngestion) {
  config::Config config = MemoryConfig();
  auto store = OpenStore(config);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  auto ing = Ingestion::Open(config, **store);
  ASSERT_TRUE(ing.ok()) << ing.status().ToString();
  queries::QueryService& svc = (*ing)->queries();
  pipeline::Pipeline& pipe = (*ing)->pipeline();

  auto a = svc.Create(Def("delivery", "colis OR livraison OR delivery OR parcel"));
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(svc.WaitIdle(seconds(30)));
  const uint64_t gen0 = svc.generation();

  std::atomic<bool> done{false};
  std::atomic<int> batches{0};
  std::thread feeder([&] {
    demo::DemoOptions o;
    o.seed = 3;
    o.start = *base::ParseTimestamp("2024-05-01T00:00:00Z");
    o.messages_per_day = 20000;
    demo::DemoGenerator g(o);
    for (int b = 0; b < 60; ++b) {
      ingest::RawBatch batch;
      batch.source = "test";
      batch.decoder = ingest::MakeJsonDecoder();
      for (int i = 0; i < 250; ++i) batch.Add(model::MentionToJsonLine(g.Next()), 0, i);
      ASSERT_TRUE(pipe.Submit(std::move(batch)).ok());
      ++batches;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    done = true;
  });

  // Changes while the feeder runs.
  while (batches < 10) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  auto b = svc.Create(Def("refunds", "rembours* OR refund*"));
  ASSERT_TRUE(b.ok());
  while (batches < 25) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(svc.Update(a->def.id, Def("delivery", "colis OR livraison")).ok());
  auto c = svc.Create(Def("outage", "panne OR outage OR coupure"));
  ASSERT_TRUE(c.ok());
  while (batches < 40) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  ASSERT_TRUE(svc.Delete(c->def.id).ok());
  feeder.join();
  EXPECT_TRUE(done.load());
  pipe.Flush();
  ASSERT_TRUE(svc.WaitIdle(seconds(120)));
  // Changes made at three moments: at least three swaps (changes made
  // together may share one).
  EXPECT_GE(svc.generation(), gen0 + 3);

  const std::vector<model::Mention> all = AllMentions(**store);
  ASSERT_EQ(all.size(), 60u * 250u);
  match::QuerySet set;
  ASSERT_TRUE(set.Add("delivery", "colis OR livraison").ok());
  ASSERT_TRUE(set.Add("refunds", "rembours* OR refund*").ok());
  size_t delivery = 0, refunds = 0;
  for (const model::Mention& m : all) {
    const bool want_a = match::ReferenceMatch(*set.Find("delivery"), m).matched;
    const bool want_b = match::ReferenceMatch(*set.Find("refunds"), m).matched;
    EXPECT_EQ(Tagged(m, a->def.id), want_a) << m.id << ": " << m.text;
    EXPECT_EQ(Tagged(m, b->def.id), want_b) << m.id << ": " << m.text;
    EXPECT_FALSE(Tagged(m, c->def.id)) << m.id << ": " << m.text;
    delivery += want_a;
    refunds += want_b;
  }
  EXPECT_GT(delivery, 100u);
  EXPECT_GT(refunds, 100u);
  // The deleted query left nothing in the index.
  store::MentionFilter gone;
  gone.query_ids = {c->def.id};
  auto none = (*store)->Search(gone);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->items.empty());
  // The index agrees with the mentions.
  for (int64_t id : {a->def.id, b->def.id}) {
    store::MentionFilter f;
    f.query_ids = {id};
    f.limit = 1000;
    size_t n = 0;
    for (;;) {
      auto p = (*store)->Search(f);
      ASSERT_TRUE(p.ok());
      n += p->items.size();
      if (!p->next) break;
      f.after = p->next;
    }
    EXPECT_EQ(n, id == a->def.id ? delivery : refunds);
  }
}

TEST(Ingestion, ConfigQueriesAreLoadedWithPositionedErrors) {
  config::Config config = MemoryConfig();
  config.source_path = "ecoute.yaml";
  config::QueryConfig q;
  q.name = "delivery";
  q.query = "colis OR";
  q.line = 7;
  q.column = 12;
  config.queries.push_back(q);
  auto store = OpenStore(config);
  ASSERT_TRUE(store.ok());
  auto ing = Ingestion::Open(config, **store);
  ASSERT_FALSE(ing.ok());
  EXPECT_EQ(ing.status().message(),
            "ecoute.yaml:7:12: queries[0] (delivery): query: col 9: expected a term after OR");
  config.queries[0].query = "colis OR livraison";
  ing = Ingestion::Open(config, **store);
  ASSERT_TRUE(ing.ok()) << ing.status().ToString();
  ASSERT_EQ((*ing)->queries().List().size(), 1u);
  EXPECT_EQ((*ing)->queries().List()[0].def.origin, "config");
}

}  // namespace
}  // namespace ecoute::app
