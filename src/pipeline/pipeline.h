// Pipeline: raw records in, committed mentions out.
//
//   Submit ──► [input queue] ──► decode+analyse workers (N, pure) ──►
//              [output queue] ──► writer (1 thread, batches commits) ──► Store
//
// Queues are bounded: when the writer falls behind, Submit blocks
// (backpressure) instead of memory growing. Batches are committed in
// submission order, so a later version of a record always wins. Drain()
// stops intake, processes and commits everything already accepted, and joins
// the threads; it is what SIGINT/SIGTERM call.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <span>
#include <thread>
#include <vector>

#include "base/bounded_queue.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "base/status.h"
#include "ingest/raw_batch.h"
#include "model/mention.h"
#include "store/store.h"

namespace ecoute::pipeline {

// Enriches a batch of analysed mentions on a worker thread (e.g. fills
// enrichment.matched_queries). Called concurrently from every worker; must
// be thread-safe and must not block for long.
using EnrichFn = std::function<void(std::span<model::Mention>)>;

struct PipelineOptions {
  int workers = 2;                  // decode+analyse threads
  size_t queue_batches = 16;        // capacity of each queue, in batches
  size_t commit_records = 8192;     // commit when this many records are pending...
  std::chrono::milliseconds commit_interval{20};  // ...or this long after the first
  EnrichFn classify;  // the "classify" stage (understanding), after text analysis; may be empty
  EnrichFn enrich;    // the "match" stage, after classify (queries may test its labels); may be empty
};

// What happened to one submitted batch.
struct BatchReport {
  store::WriteSummary summary;
  std::vector<model::Rejection> rejections;
  std::vector<int64_t> ids;  // stored id per accepted mention, in decode order
};

// A callback run on the writer thread once a batch is committed (status OK)
// or failed to commit (the store's error). Must be quick and not block.
using DoneFn = std::function<void(const base::Status&, BatchReport)>;

// Called on the writer thread after each commit with the mentions it
// stored (ids set; duplicates left out), before the batches' DoneFns run.
// For live consumers (alerts, streams). Must not block.
using CommitListener = std::function<void(const std::vector<model::Mention>&)>;

struct StageStats {
  std::string name;       // "decode", "analyze", "match", "store"
  uint64_t records = 0;   // records that went through
  double busy_seconds = 0;  // wall time spent in the stage (all threads)
  double cpu_seconds = 0;   // CPU time spent in the stage (all threads)
  double p50_batch_seconds = 0;
  double p99_batch_seconds = 0;
};

struct PipelineStats {
  std::vector<StageStats> stages;
  uint64_t submitted_records = 0;
  uint64_t inserted = 0, updated = 0, duplicates = 0, rejected = 0;
  size_t input_queue_depth = 0, output_queue_depth = 0;
  uint64_t commits = 0;
};

class Pipeline {
 public:
  // `store` and `clock` must outlive the pipeline. Starts the threads.
  Pipeline(store::Store& store, PipelineOptions options, const base::Clock& clock = base::SystemClock());
  ~Pipeline();  // Drain()
  Pipeline(const Pipeline&) = delete;
  Pipeline& operator=(const Pipeline&) = delete;

  // Enqueues `batch` (its decoder must be set). Blocks while the input queue
  // is full. `done`, if given, runs once the batch is committed. Returns
  // Unavailable once Drain() has begun. Thread-safe.
  base::Status Submit(ingest::RawBatch batch, DoneFn done = {});

  // Submit and wait for the commit: when this returns OK, the batch is
  // durable. Thread-safe.
  base::Result<BatchReport> SubmitAndWait(ingest::RawBatch batch);

  // Registers a listener before or while running. Thread-safe.
  void AddCommitListener(CommitListener listener);

  // Stops intake, finishes and commits all accepted work, joins threads.
  // Idempotent, thread-safe.
  void Drain();

  // Blocks until every batch submitted so far is committed.
  void Flush();

  PipelineStats Stats() const;

 private:
  struct Work;
  struct Done;
  void WorkerLoop();
  void WriterLoop();
  void CommitPending(std::vector<std::unique_ptr<Done>>& pending);

  store::Store& store_;
  const PipelineOptions options_;
  const base::Clock& clock_;

  base::BoundedQueue<std::unique_ptr<Work>> input_;
  base::BoundedQueue<std::unique_ptr<Done>> output_;
  std::atomic<uint64_t> next_seq_{0};
  std::mutex submit_mu_;  // makes seq order equal queue order

  std::vector<std::thread> workers_;
  std::thread writer_;
  std::atomic<bool> draining_{false};
  std::once_flag drain_once_;

  mutable std::mutex listeners_mu_;
  std::vector<CommitListener> listeners_;  // GUARDED_BY(listeners_mu_)

  mutable std::mutex flush_mu_;
  std::condition_variable flushed_;
  uint64_t committed_seq_ = 0;  // GUARDED_BY(flush_mu_): batches < this are committed

  // Metrics (owned by base::Metrics()).
  base::Counter* records_in_;
  base::Counter* inserted_;
  base::Counter* updated_;
  base::Counter* duplicates_;
  base::Counter* rejected_;
  base::Counter* commits_;
  base::Histogram* decode_latency_;
  base::Histogram* analyze_latency_;
  base::Histogram* classify_latency_;
  base::Histogram* match_latency_;
  base::Histogram* store_latency_;
  base::Counter* decode_records_;
  base::Counter* analyze_records_;
  base::Counter* classify_records_;
  base::Counter* match_records_;
  base::Counter* store_records_;

  // This instance's own totals (the registry's are process-wide).
  struct Totals {
    std::atomic<uint64_t> submitted{0}, decoded{0}, analyzed{0}, classified{0}, matched{0}, stored{0};
    std::atomic<uint64_t> inserted{0}, updated{0}, duplicates{0}, rejected{0}, commits{0};
    std::atomic<uint64_t> decode_nanos{0}, analyze_nanos{0}, classify_nanos{0}, match_nanos{0}, store_nanos{0};
    std::atomic<uint64_t> decode_cpu{0}, analyze_cpu{0}, classify_cpu{0}, match_cpu{0}, store_cpu{0};
  };
  Totals totals_;
};

}  // namespace ecoute::pipeline
