#include "pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <thread>

#include "store/testing.h"

namespace ecoute::pipeline {
namespace {

using model::Mention;

// Records "id|text" become twitter mentions; anything without '|' is rejected.
class PipeDecoder : public ingest::Decoder {
 public:
  std::string_view name() const override { return "pipe"; }
  void Decode(std::string_view record, const ingest::Location& where, std::vector<Mention>& out,
              std::vector<model::Rejection>& rejects) const override {
    size_t bar = record.find('|');
    if (bar == std::string_view::npos) {
      rejects.push_back({std::string(where.source), where.ToString(), "text", "no '|' in record",
                         std::string(record), where.line, where.index});
      return;
    }
    Mention m;
    m.channel = model::Channel::kTwitter;
    m.native_id = std::string(record.substr(0, bar));
    m.text = std::string(record.substr(bar + 1));
    m.created_at = 1700000000000;
    out.push_back(std::move(m));
  }
};

// An in-memory store: upserts by native_id, can be gated (blocks writes) or
// made to fail.
class FakeStore : public store::StoreWithoutQueries {
 public:
  base::Result<store::WriteSummary> Write(std::span<Mention> mentions, std::span<const model::Rejection> rejects,
                                          std::vector<store::WriteOutcome>* outcomes) override {
    {
      std::unique_lock lock(mu_);
      gate_cv_.wait(lock, [&] { return open_; });
      ++writes_;
      if (fail_) return base::Status::IoError("disk full");
    }
    std::lock_guard lock(mu_);
    store::WriteSummary s;
    outcomes->clear();
    for (Mention& m : mentions) {
      auto it = texts_.find(m.native_id);
      if (it == texts_.end()) {
        texts_[m.native_id] = m.text;
        ids_[m.native_id] = ++next_id_;
        outcomes->push_back(store::WriteOutcome::kInserted);
        ++s.inserted;
      } else if (it->second == m.text) {
        outcomes->push_back(store::WriteOutcome::kDuplicate);
        ++s.duplicates;
      } else {
        it->second = m.text;
        outcomes->push_back(store::WriteOutcome::kUpdated);
        ++s.updated;
      }
      m.id = ids_[m.native_id];
    }
    rejects_ += static_cast<int64_t>(rejects.size());
    s.rejected = static_cast<int64_t>(rejects.size());
    return s;
  }
  base::Result<store::MentionPage> Search(const store::MentionFilter&) const override { return store::MentionPage{}; }
  base::Result<std::optional<Mention>> Get(int64_t) const override { return std::optional<Mention>{}; }
  base::Result<std::vector<store::VolumePoint>> Volume(const store::VolumeQuery&) const override {
    return std::vector<store::VolumePoint>{};
  }
  base::Result<std::vector<store::StoredReject>> Rejects(int, int64_t) const override {
    return std::vector<store::StoredReject>{};
  }
  base::Result<store::StoreCounts> Counts() const override { return store::StoreCounts{}; }

  void SetGate(bool open) {
    std::lock_guard lock(mu_);
    open_ = open;
    gate_cv_.notify_all();
  }
  void SetFail(bool fail) {
    std::lock_guard lock(mu_);
    fail_ = fail;
  }
  std::string TextOf(const std::string& id) {
    std::lock_guard lock(mu_);
    return texts_.count(id) ? texts_[id] : "";
  }
  size_t size() {
    std::lock_guard lock(mu_);
    return texts_.size();
  }
  int64_t rejects() {
    std::lock_guard lock(mu_);
    return rejects_;
  }

 private:
  std::mutex mu_;
  std::condition_variable gate_cv_;
  bool open_ = true;
  bool fail_ = false;
  int writes_ = 0;
  int64_t next_id_ = 0;
  int64_t rejects_ = 0;
  std::map<std::string, std::string> texts_;
  std::map<std::string, int64_t> ids_;
};

ingest::RawBatch MakeBatch(const std::vector<std::string>& records) {
  static auto decoder = std::make_shared<PipeDecoder>();
  ingest::RawBatch b;
  b.source = "test.txt";
  b.decoder = decoder;
  for (size_t i = 0; i < records.size(); ++i) b.Add(records[i], static_cast<int64_t>(i) + 1, static_cast<int64_t>(i));
  return b;
}

TEST(Pipeline, CommitsAndReportsEachBatch) {
  FakeStore store;
  Pipeline p(store, PipelineOptions{});
  auto r1 = p.SubmitAndWait(MakeBatch({"1|hello", "2|world", "broken"}));
  ASSERT_TRUE(r1.ok()) << r1.status().ToString();
  EXPECT_EQ(r1->summary.inserted, 2);
  EXPECT_EQ(r1->summary.rejected, 1);
  ASSERT_EQ(r1->rejections.size(), 1u);
  EXPECT_EQ(r1->rejections[0].location, "test.txt:3");
  EXPECT_EQ(r1->ids.size(), 2u);
  auto r2 = p.SubmitAndWait(MakeBatch({"1|hello", "2|world, again"}));
  ASSERT_TRUE(r2.ok());
  EXPECT_EQ(r2->summary.duplicates, 1);
  EXPECT_EQ(r2->summary.updated, 1);
  EXPECT_EQ(r2->ids, r1->ids);  // same keys, same stored ids
  EXPECT_EQ(store.rejects(), 1);
}

TEST(Pipeline, LaterVersionsWinAcrossParallelWorkers) {
  FakeStore store;
  PipelineOptions o;
  o.workers = 4;
  o.queue_batches = 4;
  Pipeline p(store, o);
  // Batch k rewrites the same 50 keys with version k; big batches make the
  // workers finish out of order.
  for (int k = 0; k < 60; ++k) {
    std::vector<std::string> recs;
    for (int i = 0; i < 50; ++i) recs.push_back("key" + std::to_string(i) + "|v" + std::to_string(k));
    for (int pad = 0; pad < (k % 3) * 200; ++pad) recs.push_back("pad" + std::to_string(pad) + "|x");
    ASSERT_TRUE(p.Submit(MakeBatch(recs)).ok());
  }
  p.Flush();
  for (int i = 0; i < 50; ++i) EXPECT_EQ(store.TextOf("key" + std::to_string(i)), "v59");
}

TEST(Pipeline, BackpressureBoundsWorkInFlight) {
  FakeStore store;
  store.SetGate(false);  // the store is stuck
  PipelineOptions o;
  o.workers = 1;
  o.queue_batches = 2;
  o.commit_records = 1;  // the writer takes one batch, then blocks in Write
  Pipeline p(store, o);
  std::atomic<int> accepted{0};
  std::thread producer([&] {
    for (int i = 0; i < 100; ++i) {
      if (!p.Submit(MakeBatch({std::to_string(i) + "|x"})).ok()) return;
      ++accepted;
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // input queue + worker + output queue + the writer's commit in progress
  // (in general the writer also holds up to commit_records pending records).
  EXPECT_LE(accepted.load(), 2 + 1 + 2 + 1);
  EXPECT_GE(accepted.load(), 2);
  store.SetGate(true);
  producer.join();
  p.Flush();
  EXPECT_EQ(accepted.load(), 100);
  EXPECT_EQ(store.size(), 100u);
}

TEST(Pipeline, DrainCommitsEverythingAcceptedThenRefuses) {
  FakeStore store;
  auto p = std::make_unique<Pipeline>(store, PipelineOptions{});
  std::atomic<int> ok_callbacks{0};
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(p->Submit(MakeBatch({"k" + std::to_string(i) + "|t"}), [&](const base::Status& s, BatchReport) {
                   if (s.ok()) ++ok_callbacks;
                 }).ok());
  }
  p->Drain();
  EXPECT_EQ(ok_callbacks.load(), 200);
  EXPECT_EQ(store.size(), 200u);
  base::Status late = p->Submit(MakeBatch({"late|t"}));
  EXPECT_EQ(late.code(), base::StatusCode::kUnavailable);
  p.reset();  // destructor after Drain is fine
}

TEST(Pipeline, StoreFailureReachesTheSubmitter) {
  FakeStore store;
  store.SetFail(true);
  Pipeline p(store, PipelineOptions{});
  auto r = p.SubmitAndWait(MakeBatch({"1|a"}));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "disk full");
  store.SetFail(false);
  EXPECT_TRUE(p.SubmitAndWait(MakeBatch({"1|a"})).ok());  // the pipeline keeps going
}

TEST(Pipeline, ListenersSeeStoredMentionsButNotDuplicates) {
  FakeStore store;
  Pipeline p(store, PipelineOptions{});
  std::mutex mu;
  std::vector<std::string> seen;
  p.AddCommitListener([&](const std::vector<Mention>& ms) {
    std::lock_guard lock(mu);
    for (const Mention& m : ms) seen.push_back(m.native_id + ":" + m.text);
  });
  ASSERT_TRUE(p.SubmitAndWait(MakeBatch({"1|a", "2|b"})).ok());
  ASSERT_TRUE(p.SubmitAndWait(MakeBatch({"1|a", "2|c"})).ok());
  std::lock_guard lock(mu);
  EXPECT_EQ(seen, (std::vector<std::string>{"1:a", "2:b", "2:c"}));
}

TEST(Pipeline, StatsCountEveryStage) {
  FakeStore store;
  Pipeline p(store, PipelineOptions{});
  ASSERT_TRUE(p.SubmitAndWait(MakeBatch({"1|bonjour à tous", "2|hello", "x"})).ok());
  PipelineStats s = p.Stats();
  ASSERT_EQ(s.stages.size(), 3u);
  EXPECT_EQ(s.stages[0].records, 3u);  // decode sees every record
  EXPECT_EQ(s.stages[1].records, 2u);  // analyze sees accepted mentions
  EXPECT_EQ(s.stages[2].records, 3u);  // store writes mentions and rejects
  EXPECT_EQ(s.inserted, 2u);
  EXPECT_EQ(s.rejected, 1u);
  EXPECT_EQ(s.submitted_records, 3u);
}

}  // namespace
}  // namespace ecoute::pipeline
