#include "pipeline/pipeline.h"

#include <pthread.h>

#include <algorithm>
#include <future>

#include "text/text.h"

namespace ecoute::pipeline {

struct Pipeline::Work {
  uint64_t seq = 0;
  ingest::RawBatch batch;
  DoneFn done;
};

struct Pipeline::Done {
  uint64_t seq = 0;
  std::vector<model::Mention> mentions;
  std::vector<model::Rejection> rejections;
  DoneFn done;
};

namespace {
constexpr char kStageHelp[] = "Time to process one batch in a pipeline stage.";
}  // namespace

Pipeline::Pipeline(store::Store& store, PipelineOptions options, const base::Clock& clock)
    : store_(store),
      options_(options),
      clock_(clock),
      input_(std::max<size_t>(1, options.queue_batches)),
      output_(std::max<size_t>(1, options.queue_batches)) {
  base::MetricsRegistry& m = base::Metrics();
  records_in_ = m.GetCounter("ecoute_ingest_submitted_records_total", "Raw records submitted to the pipeline.");
  const char* outcome_help = "Mentions written to the store, by outcome.";
  inserted_ = m.GetCounter("ecoute_ingest_mentions_total", outcome_help, {{"outcome", "inserted"}});
  updated_ = m.GetCounter("ecoute_ingest_mentions_total", outcome_help, {{"outcome", "updated"}});
  duplicates_ = m.GetCounter("ecoute_ingest_mentions_total", outcome_help, {{"outcome", "duplicate"}});
  rejected_ = m.GetCounter("ecoute_ingest_rejected_total", "Records rejected (kept in the rejects table).");
  commits_ = m.GetCounter("ecoute_store_commits_total", "Store transactions committed by the writer.");
  decode_latency_ = m.GetHistogram("ecoute_pipeline_stage_seconds", kStageHelp, {{"stage", "decode"}});
  analyze_latency_ = m.GetHistogram("ecoute_pipeline_stage_seconds", kStageHelp, {{"stage", "analyze"}});
  classify_latency_ = m.GetHistogram("ecoute_pipeline_stage_seconds", kStageHelp, {{"stage", "classify"}});
  match_latency_ = m.GetHistogram("ecoute_pipeline_stage_seconds", kStageHelp, {{"stage", "match"}});
  store_latency_ = m.GetHistogram("ecoute_pipeline_stage_seconds", kStageHelp, {{"stage", "store"}});
  const char* records_help = "Records that went through a pipeline stage.";
  decode_records_ = m.GetCounter("ecoute_pipeline_stage_records_total", records_help, {{"stage", "decode"}});
  analyze_records_ = m.GetCounter("ecoute_pipeline_stage_records_total", records_help, {{"stage", "analyze"}});
  classify_records_ = m.GetCounter("ecoute_pipeline_stage_records_total", records_help, {{"stage", "classify"}});
  match_records_ = m.GetCounter("ecoute_pipeline_stage_records_total", records_help, {{"stage", "match"}});
  store_records_ = m.GetCounter("ecoute_pipeline_stage_records_total", records_help, {{"stage", "store"}});
  const char* depth_help = "Batches waiting in a pipeline queue.";
  m.SetGaugeFunction("ecoute_pipeline_queue_depth", depth_help, {{"queue", "input"}},
                     [this] { return static_cast<double>(input_.size()); });
  m.SetGaugeFunction("ecoute_pipeline_queue_depth", depth_help, {{"queue", "output"}},
                     [this] { return static_cast<double>(output_.size()); });

  int n = std::max(1, options_.workers);
  for (int i = 0; i < n; ++i)
    workers_.emplace_back([this] {
      pthread_setname_np(pthread_self(), "ecoute-worker");
      WorkerLoop();
    });
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "ecoute-writer");
    WriterLoop();
  });
}

Pipeline::~Pipeline() {
  Drain();
  base::MetricsRegistry& m = base::Metrics();
  m.SetGaugeFunction("ecoute_pipeline_queue_depth", "", {{"queue", "input"}}, nullptr);
  m.SetGaugeFunction("ecoute_pipeline_queue_depth", "", {{"queue", "output"}}, nullptr);
}

base::Status Pipeline::Submit(ingest::RawBatch batch, DoneFn done) {
  ECOUTE_CHECK_MSG(batch.decoder != nullptr, "RawBatch without a decoder");
  if (draining_.load()) return base::Status::Unavailable("ecoute is shutting down");
  auto work = std::make_unique<Work>();
  size_t n = batch.records.size();
  work->batch = std::move(batch);
  work->done = std::move(done);
  std::lock_guard lock(submit_mu_);
  work->seq = next_seq_.load();
  if (!input_.Push(work)) return base::Status::Unavailable("ecoute is shutting down");
  next_seq_.fetch_add(1);
  records_in_->Add(n);
  totals_.submitted.fetch_add(n);
  return base::Status::Ok();
}

base::Result<BatchReport> Pipeline::SubmitAndWait(ingest::RawBatch batch) {
  auto promise = std::make_shared<std::promise<base::Result<BatchReport>>>();
  std::future<base::Result<BatchReport>> future = promise->get_future();
  ECOUTE_RETURN_IF_ERROR(Submit(std::move(batch), [promise](const base::Status& status, BatchReport report) {
    if (status.ok()) promise->set_value(std::move(report));
    else promise->set_value(status);
  }));
  return future.get();
}

void Pipeline::AddCommitListener(CommitListener listener) {
  std::lock_guard lock(listeners_mu_);
  listeners_.push_back(std::move(listener));
}

void Pipeline::WorkerLoop() {
  while (std::optional<std::unique_ptr<Work>> item = input_.Pop()) {
    Work& work = **item;
    auto done = std::make_unique<Done>();
    done->seq = work.seq;
    done->done = std::move(work.done);
    const ingest::RawBatch& batch = work.batch;

    int64_t t0 = clock_.MonotonicNanos(), c0 = base::ThreadCpuNanos();
    done->mentions.reserve(batch.records.size());
    for (size_t i = 0; i < batch.records.size(); ++i)
      batch.decoder->Decode(batch.record(i), batch.location(i), done->mentions, done->rejections);
    int64_t t1 = clock_.MonotonicNanos(), c1 = base::ThreadCpuNanos();
    for (model::Mention& m : done->mentions) text::Analyze(m);
    int64_t t2 = clock_.MonotonicNanos(), c2 = base::ThreadCpuNanos();
    totals_.decode_cpu.fetch_add(static_cast<uint64_t>(c1 - c0));
    totals_.analyze_cpu.fetch_add(static_cast<uint64_t>(c2 - c1));
    // One optional enrichment stage with its timing and counters.
    auto stage = [&](const EnrichFn& fn, std::atomic<uint64_t>& cpu, std::atomic<uint64_t>& nanos,
                     std::atomic<uint64_t>& records, base::Histogram* latency, base::Counter* counter) {
      if (!fn || done->mentions.empty()) return;
      const int64_t s0 = clock_.MonotonicNanos(), u0 = base::ThreadCpuNanos();
      fn(done->mentions);
      const int64_t s1 = clock_.MonotonicNanos(), u1 = base::ThreadCpuNanos();
      cpu.fetch_add(static_cast<uint64_t>(u1 - u0));
      nanos.fetch_add(static_cast<uint64_t>(s1 - s0));
      records.fetch_add(done->mentions.size());
      latency->Observe(static_cast<double>(s1 - s0) / 1e9);
      counter->Add(done->mentions.size());
    };
    stage(options_.classify, totals_.classify_cpu, totals_.classify_nanos, totals_.classified, classify_latency_,
          classify_records_);
    stage(options_.enrich, totals_.match_cpu, totals_.match_nanos, totals_.matched, match_latency_, match_records_);

    decode_latency_->Observe(static_cast<double>(t1 - t0) / 1e9);
    analyze_latency_->Observe(static_cast<double>(t2 - t1) / 1e9);
    totals_.decode_nanos.fetch_add(static_cast<uint64_t>(t1 - t0));
    totals_.analyze_nanos.fetch_add(static_cast<uint64_t>(t2 - t1));
    totals_.decoded.fetch_add(batch.records.size());
    totals_.analyzed.fetch_add(done->mentions.size());
    decode_records_->Add(batch.records.size());
    analyze_records_->Add(done->mentions.size());
    // Output is closed only after every worker has exited, so Push succeeds.
    output_.Push(done);
  }
}

void Pipeline::WriterLoop() {
  std::map<uint64_t, std::unique_ptr<Done>> early;  // arrived before their turn
  std::vector<std::unique_ptr<Done>> pending;       // in seq order, not yet committed
  uint64_t next = 0;
  size_t pending_records = 0;
  int64_t first_pending_nanos = 0;
  bool open = true;
  while (open || !pending.empty()) {
    std::optional<std::unique_ptr<Done>> item;
    if (open) {
      item = output_.PopFor(std::chrono::milliseconds(2));
      if (!item && output_.closed() && output_.size() == 0) open = false;
    }
    if (item) {
      uint64_t seq = (*item)->seq;
      early.emplace(seq, std::move(*item));
      for (auto it = early.find(next); it != early.end(); it = early.find(next)) {
        if (pending.empty()) first_pending_nanos = clock_.MonotonicNanos();
        pending_records += it->second->mentions.size() + it->second->rejections.size();
        pending.push_back(std::move(it->second));
        early.erase(it);
        ++next;
      }
    }
    if (pending.empty()) continue;
    bool full = pending_records >= options_.commit_records;
    bool idle = !item;  // nothing arrived within the poll: commit what we have
    bool old = clock_.MonotonicNanos() - first_pending_nanos >=
               std::chrono::duration_cast<std::chrono::nanoseconds>(options_.commit_interval).count();
    if (full || idle || old || !open) {
      CommitPending(pending);
      pending_records = 0;
    }
  }
  ECOUTE_CHECK_MSG(early.empty(), "pipeline writer lost track of batch order");
}

void Pipeline::CommitPending(std::vector<std::unique_ptr<Done>>& pending) {
  std::vector<model::Mention> mentions;
  std::vector<model::Rejection> rejections;
  size_t total_m = 0, total_r = 0;
  for (const auto& d : pending) {
    total_m += d->mentions.size();
    total_r += d->rejections.size();
  }
  mentions.reserve(total_m);
  rejections.reserve(total_r);
  for (auto& d : pending) {
    std::move(d->mentions.begin(), d->mentions.end(), std::back_inserter(mentions));
    std::move(d->rejections.begin(), d->rejections.end(), std::back_inserter(rejections));
  }

  int64_t t0 = clock_.MonotonicNanos(), c0 = base::ThreadCpuNanos();
  std::vector<store::WriteOutcome> outcomes;
  base::Result<store::WriteSummary> written = store_.Write(mentions, rejections, &outcomes);
  int64_t t1 = clock_.MonotonicNanos();
  totals_.store_cpu.fetch_add(static_cast<uint64_t>(base::ThreadCpuNanos() - c0));
  store_latency_->Observe(static_cast<double>(t1 - t0) / 1e9);
  store_records_->Add(total_m + total_r);
  totals_.store_nanos.fetch_add(static_cast<uint64_t>(t1 - t0));
  totals_.stored.fetch_add(total_m + total_r);

  if (written.ok()) {
    commits_->Add();
    inserted_->Add(static_cast<uint64_t>(written->inserted));
    updated_->Add(static_cast<uint64_t>(written->updated));
    duplicates_->Add(static_cast<uint64_t>(written->duplicates));
    rejected_->Add(static_cast<uint64_t>(written->rejected));
    totals_.commits.fetch_add(1);
    totals_.inserted.fetch_add(static_cast<uint64_t>(written->inserted));
    totals_.updated.fetch_add(static_cast<uint64_t>(written->updated));
    totals_.duplicates.fetch_add(static_cast<uint64_t>(written->duplicates));
    totals_.rejected.fetch_add(static_cast<uint64_t>(written->rejected));
  }

  // Listeners first, so that when a submitter hears "committed", listeners
  // have already seen its mentions.
  if (written.ok()) {
    std::vector<model::Mention> stored;
    std::lock_guard lock(listeners_mu_);
    if (!listeners_.empty()) {
      for (size_t k = 0; k < mentions.size(); ++k)
        if (outcomes[k] != store::WriteOutcome::kDuplicate) stored.push_back(mentions[k]);
      for (const CommitListener& l : listeners_) l(stored);
    }
  }

  // Hand each batch its share of the outcomes, in order.
  size_t mi = 0, ri = 0;
  for (auto& d : pending) {
    size_t nm = d->mentions.size(), nr = d->rejections.size();
    if (d->done) {
      BatchReport report;
      if (written.ok()) {
        report.ids.reserve(nm);
        for (size_t k = 0; k < nm; ++k) {
          report.ids.push_back(mentions[mi + k].id);
          switch (outcomes[mi + k]) {
            case store::WriteOutcome::kInserted: ++report.summary.inserted; break;
            case store::WriteOutcome::kUpdated: ++report.summary.updated; break;
            case store::WriteOutcome::kDuplicate: ++report.summary.duplicates; break;
          }
        }
        report.summary.rejected = static_cast<int64_t>(nr);
        report.rejections.assign(std::make_move_iterator(rejections.begin() + static_cast<ptrdiff_t>(ri)),
                                 std::make_move_iterator(rejections.begin() + static_cast<ptrdiff_t>(ri + nr)));
      }
      d->done(written.status(), std::move(report));
    }
    mi += nm;
    ri += nr;
  }

  uint64_t last = pending.back()->seq;
  pending.clear();
  {
    std::lock_guard lock(flush_mu_);
    committed_seq_ = last + 1;
  }
  flushed_.notify_all();
}

void Pipeline::Flush() {
  uint64_t target = next_seq_.load();
  std::unique_lock lock(flush_mu_);
  flushed_.wait(lock, [&] { return committed_seq_ >= target; });
}

void Pipeline::Drain() {
  std::call_once(drain_once_, [this] {
    draining_.store(true);
    input_.Close();
    for (std::thread& t : workers_) t.join();
    output_.Close();
    writer_.join();
  });
}

PipelineStats Pipeline::Stats() const {
  PipelineStats s;
  auto stage = [](std::string name, const std::atomic<uint64_t>& records, const std::atomic<uint64_t>& nanos,
                  const std::atomic<uint64_t>& cpu, const base::Histogram* h) {
    StageStats st;
    st.name = std::move(name);
    st.records = records.load();
    st.busy_seconds = static_cast<double>(nanos.load()) / 1e9;
    st.cpu_seconds = static_cast<double>(cpu.load()) / 1e9;
    base::Histogram::Snapshot snap = h->snapshot();
    st.p50_batch_seconds = snap.Quantile(0.5);
    st.p99_batch_seconds = snap.Quantile(0.99);
    return st;
  };
  s.stages.push_back(stage("decode", totals_.decoded, totals_.decode_nanos, totals_.decode_cpu, decode_latency_));
  s.stages.push_back(
      stage("analyze", totals_.analyzed, totals_.analyze_nanos, totals_.analyze_cpu, analyze_latency_));
  if (options_.classify)
    s.stages.push_back(
        stage("classify", totals_.classified, totals_.classify_nanos, totals_.classify_cpu, classify_latency_));
  if (options_.enrich)
    s.stages.push_back(stage("match", totals_.matched, totals_.match_nanos, totals_.match_cpu, match_latency_));
  s.stages.push_back(stage("store", totals_.stored, totals_.store_nanos, totals_.store_cpu, store_latency_));
  s.submitted_records = totals_.submitted.load();
  s.inserted = totals_.inserted.load();
  s.updated = totals_.updated.load();
  s.duplicates = totals_.duplicates.load();
  s.rejected = totals_.rejected.load();
  s.commits = totals_.commits.load();
  s.input_queue_depth = input_.size();
  s.output_queue_depth = output_.size();
  return s;
}

}  // namespace ecoute::pipeline
