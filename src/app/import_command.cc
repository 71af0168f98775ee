#include <sys/resource.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <mutex>

#include <spdlog/spdlog.h>

#include "app/care_wiring.h"
#include "app/commands.h"
#include "base/clock.h"

namespace ecoute::app {
namespace {

std::string HumanBytes(uint64_t b) {
  char buf[32];
  if (b >= (1ULL << 30)) std::snprintf(buf, sizeof buf, "%.2f GB", static_cast<double>(b) / (1ULL << 30));
  else if (b >= (1ULL << 20)) std::snprintf(buf, sizeof buf, "%.1f MB", static_cast<double>(b) / (1ULL << 20));
  else std::snprintf(buf, sizeof buf, "%.1f kB", static_cast<double>(b) / 1024);
  return buf;
}

// What the done callbacks of one file's batches add up to.
struct Tally {
  std::mutex mu;
  store::WriteSummary summary;  // GUARDED_BY(mu)
  std::vector<model::Rejection> first_errors;  // GUARDED_BY(mu)
  base::Status failure;  // GUARDED_BY(mu): the first store error
  size_t max_errors = 10;
  void Add(const base::Status& status, pipeline::BatchReport report) {
    std::lock_guard lock(mu);
    if (!status.ok()) {
      if (failure.ok()) failure = status;
      return;
    }
    summary.inserted += report.summary.inserted;
    summary.updated += report.summary.updated;
    summary.duplicates += report.summary.duplicates;
    summary.rejected += report.summary.rejected;
    for (auto& r : report.rejections)
      if (first_errors.size() < max_errors) first_errors.push_back(std::move(r));
  }
};

void DrawProgress(const std::string& name, uint64_t done_bytes, uint64_t total_bytes, uint64_t records,
                  double seconds) {
  double rate = seconds > 0 ? static_cast<double>(records) / seconds : 0;
  if (total_bytes > 0) {
    double frac = std::min(1.0, static_cast<double>(done_bytes) / static_cast<double>(total_bytes));
    int filled = static_cast<int>(frac * 24);
    std::string bar(static_cast<size_t>(filled), '#');
    bar.append(static_cast<size_t>(24 - filled), '.');
    double eta = frac > 0 ? seconds * (1 - frac) / frac : 0;
    std::fprintf(stderr, "\r%s [%s] %3d%%  %s/%s  %s records  %s/s  ETA %ds   ", name.c_str(), bar.c_str(),
                 static_cast<int>(frac * 100), HumanBytes(done_bytes).c_str(), HumanBytes(total_bytes).c_str(),
                 Thousands(records).c_str(), Thousands(static_cast<uint64_t>(rate)).c_str(),
                 static_cast<int>(eta));
  } else {
    std::fprintf(stderr, "\r%s  %s  %s records  %s/s   ", name.c_str(), HumanBytes(done_bytes).c_str(),
                 Thousands(records).c_str(), Thousands(static_cast<uint64_t>(rate)).c_str());
  }
  std::fflush(stderr);
}

// Per-stage figures: a stage's rate is records per second of its own CPU
// time (summed over its threads), so it shows what one core could carry.
void PrintStats(const pipeline::PipelineStats& s, const store::Store& store, double seconds) {
  uint64_t mentions = s.inserted + s.updated + s.duplicates;
  std::printf("stats: %s mentions in %.2f s = %s mentions/s end to end; %s commits\n", Thousands(mentions).c_str(),
              seconds, Thousands(static_cast<uint64_t>(seconds > 0 ? static_cast<double>(mentions) / seconds : 0)).c_str(),
              Thousands(s.commits).c_str());
  for (const pipeline::StageStats& st : s.stages) {
    double rate = st.cpu_seconds > 0 ? static_cast<double>(st.records) / st.cpu_seconds : 0;
    std::printf("stats:   stage %-8s %11s records  cpu %6.2f s (wall %6.2f s)  %11s records/s per core"
                "  batch p50 %.1f ms  p99 %.1f ms\n",
                st.name.c_str(), Thousands(st.records).c_str(), st.cpu_seconds, st.busy_seconds,
                Thousands(static_cast<uint64_t>(rate)).c_str(), st.p50_batch_seconds * 1e3, st.p99_batch_seconds * 1e3);
  }
  auto counts = store.Counts();
  if (counts.ok() && counts->mentions > 0)
    std::printf("stats: store %.1f MB for %s mentions = %.0f bytes/mention\n",
                static_cast<double>(counts->bytes) / (1 << 20), Thousands(counts->mentions).c_str(),
                static_cast<double>(counts->bytes) / static_cast<double>(counts->mentions));
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  std::printf("stats: peak RSS %.1f MB\n", static_cast<double>(ru.ru_maxrss) / 1024);
}

}  // namespace

int RunImport(const GlobalFlags& global, const ImportFlags& flags) {
  ShutdownSignal signal;  // first: blocks SIGINT/SIGTERM for every thread created below
  auto config = LoadConfig(global);
  if (!config.ok()) return Fail(config.status());
  SetUpLogging(config->log_level);
  ingest::Format format;
  std::optional<ingest::CsvMapping> mapping;
  if (base::Status s = ResolveInputFlags(*config, flags.format, flags.mapping, &format, &mapping); !s.ok())
    return Fail(s);
  auto store = OpenStore(*config);
  if (!store.ok()) return Fail(store.status());
  auto care_section = CareSectionFrom(*config);
  if (!care_section.ok()) return Fail(care_section.status());
  auto first_new = (*store)->MaxMentionId();
  if (!first_new.ok()) return Fail(first_new.status());
  auto ingestion = Ingestion::Open(*config, **store);
  if (!ingestion.ok()) return Fail(ingestion.status());
  pipeline::Pipeline& pipe = (*ingestion)->pipeline();
  const size_t monitored = (*ingestion)->queries().List().size();
  if (monitored > 0) spdlog::info("import: matching {} monitored queries", monitored);

  const bool tty = flags.progress && isatty(STDERR_FILENO);
  const base::Clock& clock = base::SystemClock();
  int exit_code = 0;
  const int64_t run_start = clock.MonotonicNanos();
  double total_seconds = 0;
  for (const std::string& file : flags.files) {
    if (signal.requested()) break;
    ingest::InputSpec spec{file, format, mapping};
    auto input = ingest::OpenInput(spec);
    if (!input.ok()) {
      exit_code = Fail(input.status());
      break;
    }
    Tally tally;
    tally.max_errors = static_cast<size_t>(flags.max_errors_shown);
    uint64_t records = 0;
    int64_t start = clock.MonotonicNanos(), last_draw = 0;
    base::Status read_status;
    while (!signal.requested()) {
      ingest::RawBatch batch;
      batch.source = file;
      batch.decoder = input->decoder;
      auto more = input->reader->Next(batch, static_cast<size_t>(config->pipeline.batch_records), 4 << 20);
      if (!more.ok()) {
        read_status = more.status();
        break;
      }
      if (!*more) break;
      records += batch.records.size();
      base::Status st = pipe.Submit(std::move(batch), [&tally](const base::Status& s, pipeline::BatchReport r) {
        tally.Add(s, std::move(r));
      });
      if (!st.ok()) {
        read_status = st;
        break;
      }
      int64_t now = clock.MonotonicNanos();
      if (tty && now - last_draw > 200'000'000) {
        DrawProgress(file, input->reader->bytes_read(), input->reader->total_bytes(), records,
                     static_cast<double>(now - start) / 1e9);
        last_draw = now;
      }
    }
    pipe.Flush();
    total_seconds = static_cast<double>(clock.MonotonicNanos() - run_start) / 1e9;
    double seconds = static_cast<double>(clock.MonotonicNanos() - start) / 1e9;
    if (tty) {
      DrawProgress(file, input->reader->bytes_read(), input->reader->total_bytes(), records, seconds);
      std::fputc('\n', stderr);
    }
    std::lock_guard lock(tally.mu);
    const store::WriteSummary& s = tally.summary;
    std::printf("%s: %s records read in %.1f s (%s/s)%s\n", file.c_str(), Thousands(records).c_str(), seconds,
                Thousands(static_cast<uint64_t>(seconds > 0 ? static_cast<double>(records) / seconds : 0)).c_str(),
                signal.requested() ? " — interrupted, everything read so far is committed" : "");
    std::printf("  format %s: %s stored, %s updated, %s duplicates, %s rejected\n",
                std::string(ingest::FormatName(input->format)).c_str(), Thousands(s.inserted).c_str(),
                Thousands(s.updated).c_str(), Thousands(s.duplicates).c_str(), Thousands(s.rejected).c_str());
    if (s.rejected > 0) {
      std::printf("  rejected records are kept in the store: `ecoute rejects` lists them. First ones:\n");
      for (const model::Rejection& r : tally.first_errors)
        std::printf("    %s: %s%s%s\n", r.location.c_str(), r.field.c_str(), r.field.empty() ? "" : ": ",
                    r.reason.c_str());
    }
    std::fflush(stdout);
    if (!tally.failure.ok()) {
      exit_code = Fail(tally.failure.WithPrefix("store"));
      break;
    }
    if (!read_status.ok()) {
      exit_code = Fail(read_status.WithPrefix(file));
      break;
    }
  }
  pipe.Drain();
  if (!signal.requested() && !(*ingestion)->queries().WaitIdle(std::chrono::milliseconds(0))) {
    spdlog::info("import: applying new or changed queries to the stored history");
    while (!signal.requested() && !(*ingestion)->queries().WaitIdle(std::chrono::milliseconds(200))) {
    }
  }
  if (flags.stats) PrintStats(pipe.Stats(), **store, total_seconds);
  // The care inbox: the new messages in event time (an import is history:
  // its cases, answers and SLA are those of the time they were written).
  if (exit_code == 0 && !signal.requested() && care_section->enabled && flags.care) {
    auto last = (*store)->MaxMentionId();
    if (!last.ok()) return Fail(last.status());
    if (last.value() > first_new.value()) {
      auto care = OpenCare(*config, *care_section, **store, nullptr, nullptr, nullptr, nullptr, clock);
      if (!care.ok()) return Fail(care.status());
      if (base::Status st = (*care)->service->Start(); !st.ok()) return Fail(st);
      const uint64_t before = (*care)->service->Stats().cases_created;
      if (base::Status st = ReplayIntoCare(*(*care)->service, **store, first_new.value() + 1, last.value()); !st.ok())
        return Fail(st.WithPrefix("care"));
      const care::CareStats cs = (*care)->service->Stats();
      std::printf("care: %s new cases, %s active (`ecoute report sla` reports their response times)\n",
                  Thousands(cs.cases_created - before).c_str(), Thousands(cs.active_cases).c_str());
    }
  }
  if (signal.requested() && exit_code == 0) exit_code = 130;
  return exit_code;
}

}  // namespace ecoute::app
