#include "app/runtime.h"

#include "match/parser.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <condition_variable>
#include <thread>
#include <cstdlib>
#include <filesystem>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include "store/sqlite_store.h"

namespace ecoute::app {

namespace fs = std::filesystem;

base::Result<config::Config> LoadConfig(const GlobalFlags& flags) {
  config::Config c;
  if (!flags.config_path.empty()) {
    ECOUTE_ASSIGN_OR_RETURN(c, config::Load(flags.config_path));
  } else if (fs::exists("ecoute.yaml")) {
    ECOUTE_ASSIGN_OR_RETURN(c, config::Load("ecoute.yaml"));
  }
  if (!flags.db_path.empty()) c.store.path = flags.db_path;
  if (!flags.log_level.empty()) c.log_level = flags.log_level;
  return c;
}

void SetUpLogging(const std::string& level) {
  auto logger = spdlog::stderr_color_mt("ecoute");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e %^%l%$ %v");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(level));
}

base::Result<std::unique_ptr<store::Store>> OpenStore(const config::Config& config) {
  store::SqliteOptions o;
  o.path = config.store.path;
  o.synchronous = config.store.synchronous;
  o.read_connections = config.store.read_connections;
  o.cache_mb = config.store.cache_mb;
  if (o.path != ":memory:") {
    fs::path parent = fs::path(o.path).parent_path();
    std::error_code ec;
    if (!parent.empty()) fs::create_directories(parent, ec);
    if (ec) return base::Status::IoError("cannot create directory " + parent.string() + ": " + ec.message());
  }
  auto store = store::OpenSqliteStore(o);
  if (!store.ok()) return store.status().WithPrefix(o.path);
  return store;
}

pipeline::PipelineOptions PipelineOptionsFrom(const config::Config& config) {
  pipeline::PipelineOptions o;
  // Without the understanding stage the writer is the limit and needs a
  // core of its own (on 2 cores, 2 workers + the writer measured 20% slower
  // than 1 + the writer); with it, the workers are the limit and one per
  // core doubles the import rate on 2 cores (BENCHMARKS.md).
  int hw = static_cast<int>(std::thread::hardware_concurrency());
  const int automatic = config.understanding.enabled ? std::max(1, hw) : std::max(1, hw - 1);
  o.workers = config.pipeline.workers > 0 ? config.pipeline.workers : automatic;
  o.queue_batches = static_cast<size_t>(config.pipeline.queue_batches);
  o.commit_records = static_cast<size_t>(config.pipeline.commit_records);
  o.commit_interval = std::chrono::milliseconds(config.pipeline.commit_interval_ms);
  return o;
}

base::Status SyncConfigQueries(const config::Config& config, queries::QueryService& queries) {
  if (config.source_path.empty()) return base::Status::Ok();
  std::vector<store::QueryDef> defs;
  std::vector<queries::ConfigPlace> places;
  for (const config::QueryConfig& q : config.queries) {
    store::QueryDef d;
    d.name = q.name;
    d.kind = store::ParseQueryKind(q.kind).value_or(store::QueryKind::kTopic);
    d.text = q.query;
    d.description = q.description;
    d.enabled = q.enabled;
    defs.push_back(std::move(d));
    places.push_back(queries::ConfigPlace{config.source_path, q.line, q.column});
  }
  return queries.SyncConfig(std::move(defs), places);
}

base::Result<std::unique_ptr<queries::QueryService>> OpenQueries(const config::Config& config, store::Store& store,
                                                                 std::function<void()> flush) {
  queries::ServiceOptions o;
  o.flush = std::move(flush);
  ECOUTE_ASSIGN_OR_RETURN(std::unique_ptr<queries::QueryService> svc, queries::QueryService::Open(store, o));
  ECOUTE_RETURN_IF_ERROR(SyncConfigQueries(config, *svc));
  return svc;
}

classify::ClassifierOptions ClassifierOptionsFrom(const config::Config& config) {
  const config::UnderstandingConfig& u = config.understanding;
  classify::ClassifierOptions o;
  o.models_dir = u.models;
  std::error_code ec;
  if (!fs::exists(o.models_dir, ec) && fs::path(o.models_dir).filename() == "models") {
    std::vector<fs::path> candidates;
    fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    if (!ec) {
      candidates.push_back(exe.parent_path() / "../models");
      candidates.push_back(exe.parent_path() / "../share/ecoute/models");
    }
    candidates.push_back(fs::path(ECOUTE_SOURCE_TREE) / "models");
    for (const fs::path& p : candidates) {
      if (fs::exists(p / "needs_reply.ecm", ec)) {
        o.models_dir = p.lexically_normal().string();
        break;
      }
    }
  }
  o.unknown_below = u.unknown_below;
  o.needs_reply_threshold = u.needs_reply_threshold;
  o.rules.high_reach_followers = u.high_reach_followers;
  for (const config::CategoryConfig& c : u.categories) {
    if (!c.cues.empty()) o.extra_rules.push_back({"category", c.name, "*", c.cues});
  }
  for (const config::CueRuleConfig& r : u.rules) {
    o.extra_rules.push_back(
        {r.reason.empty() ? "category" : "reason", r.reason.empty() ? r.category : r.reason, r.lang, r.query});
  }
  return o;
}

std::vector<classify::CategoryDef> TaxonomyFrom(const config::Config& config) {
  std::vector<classify::CategoryDef> t = classify::DefaultTaxonomy();
  for (const config::CategoryConfig& c : config.understanding.categories) {
    t.push_back({c.name, c.label_en, c.label_fr, c.examples});
  }
  return t;
}

base::Result<std::shared_ptr<const classify::Classifier>> OpenClassifier(const config::Config& config) {
  if (!config.understanding.enabled) return std::shared_ptr<const classify::Classifier>();
  // The configuration's cue queries, checked first so that an error names
  // its place in the file.
  const config::UnderstandingConfig& u = config.understanding;
  auto check = [&](const std::string& query, const std::string& path, int line, int column) -> base::Status {
    auto parsed = match::Parse(query);
    if (parsed.ok()) return base::Status::Ok();
    std::string where = config.source_path.empty() ? "ecoute.yaml" : config.source_path;
    if (line > 0) where += ":" + std::to_string(line) + ":" + std::to_string(column);
    return base::Status::InvalidArgument(where + ": " + path + ": query: " + parsed.status().message());
  };
  for (size_t i = 0; i < u.categories.size(); ++i) {
    const config::CategoryConfig& cat = u.categories[i];
    if (cat.cues.empty()) continue;
    ECOUTE_RETURN_IF_ERROR(check(cat.cues, "understanding.categories[" + std::to_string(i) + "].cues", cat.line, cat.column));
  }
  for (size_t i = 0; i < u.rules.size(); ++i) {
    ECOUTE_RETURN_IF_ERROR(check(u.rules[i].query, "understanding.rules[" + std::to_string(i) + "].query",
                                 u.rules[i].line, u.rules[i].column));
  }
  classify::ClassifierOptions o = ClassifierOptionsFrom(config);
  auto c = classify::Classifier::Load(o);
  if (!c.ok()) {
    return base::Status(c.status().code(), "understanding models: " + c.status().message() +
                                               " (set understanding.models, or understanding.enabled: false)");
  }
  return c;
}

base::Result<std::unique_ptr<Ingestion>> Ingestion::Open(const config::Config& config, store::Store& store,
                                                         std::shared_ptr<const classify::Classifier> classifier) {
  std::unique_ptr<Ingestion> in(new Ingestion());
  if (classifier) {
    in->classifier_ = std::move(classifier);
  } else {
    ECOUTE_ASSIGN_OR_RETURN(in->classifier_, OpenClassifier(config));
  }
  Ingestion* self = in.get();
  ECOUTE_ASSIGN_OR_RETURN(in->queries_, OpenQueries(config, store, [self] {
                            if (pipeline::Pipeline* p = self->flush_target_.load()) p->Flush();
                          }));
  // Ingest nothing before the configured queries are compiled in: what the
  // backfill would otherwise have to repair.
  in->queries_->WaitIdle(std::chrono::minutes(10), /*backfill=*/false);
  pipeline::PipelineOptions po = PipelineOptionsFrom(config);
  queries::QueryService* svc = in->queries_.get();
  po.enrich = [svc](std::span<model::Mention> batch) { svc->Enrich(batch); };
  if (const classify::Classifier* clf = in->classifier_.get()) {
    po.classify = [clf](std::span<model::Mention> batch) { clf->Enrich(batch); };
  }
  in->pipeline_ = std::make_unique<pipeline::Pipeline>(store, po);
  in->flush_target_.store(in->pipeline_.get());
  return in;
}

Ingestion::~Ingestion() {
  // Workers use the service: stop them first. The service's thread may
  // still flush the (drained) pipeline while it stops, so the pipeline is
  // destroyed last.
  if (pipeline_) pipeline_->Drain();
  queries_.reset();
  flush_target_.store(nullptr);
  pipeline_.reset();
}

namespace {
// Where shipped example mappings live relative to the executable
// (build/ecoute -> examples/mappings) or the working directory.
std::vector<fs::path> MappingDirs() {
  std::vector<fs::path> dirs = {"examples/mappings"};
  std::error_code ec;
  fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) {
    dirs.push_back(exe.parent_path() / "../examples/mappings");
    dirs.push_back(exe.parent_path() / "../../examples/mappings");
  }
  dirs.push_back(fs::path(ECOUTE_SOURCE_TREE) / "examples/mappings");
  return dirs;
}
}  // namespace

base::Status ResolveInputFlags(const config::Config& config, const std::string& format_flag,
                               const std::string& mapping_flag, ingest::Format* format,
                               std::optional<ingest::CsvMapping>* mapping) {
  base::Result<ingest::Format> f = ingest::ParseFormat(format_flag.empty() ? "auto" : format_flag);
  if (!f.ok()) return f.status().WithPrefix("--format");
  *format = *f;
  mapping->reset();
  if (!mapping_flag.empty()) {
    base::Result<ingest::CsvMapping> m = ResolveMapping(config, mapping_flag);
    if (!m.ok()) return m.status().WithPrefix("--map");
    *mapping = std::move(*m);
  }
  return base::Status::Ok();
}

base::Result<ingest::CsvMapping> ResolveMapping(const config::Config& config, const std::string& name_or_path) {
  if (auto it = config.mappings.find(name_or_path); it != config.mappings.end())
    return ingest::LoadCsvMapping(it->second);
  if (fs::exists(name_or_path)) return ingest::LoadCsvMapping(name_or_path);
  std::string known;
  for (const auto& [name, file] : config.mappings) known += " " + name;
  for (const fs::path& dir : MappingDirs()) {
    fs::path p = dir / (name_or_path + ".yaml");
    if (fs::exists(p)) return ingest::LoadCsvMapping(p.lexically_normal().string());
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec))
      if (e.path().extension() == ".yaml") known += " " + e.path().stem().string();
  }
  return base::Status::NotFound("no mapping \"" + name_or_path + "\": not a file, not in ecoute.yaml mappings" +
                                (known.empty() ? std::string() : "; known:" + known));
}

ShutdownSignal::ShutdownSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  if (pipe(wake_fd_) != 0) wake_fd_[0] = wake_fd_[1] = -1;
  thread_ = std::thread([this, set] {
    int seen = 0;
    while (true) {
      // Wait for a signal, polling the wake pipe so the destructor can stop us.
      timespec timeout{0, 100'000'000};
      int sig = sigtimedwait(&set, nullptr, &timeout);
      if (sig == SIGHUP) {
        std::lock_guard lock(reload_mu_);  // OnReload waits for a reload under way
        if (reload_) {
          spdlog::info("SIGHUP: reloading the configuration");
          reload_();
        } else {
          spdlog::info("SIGHUP: nothing to reload in this command");
        }
      } else if (sig > 0) {
        if (++seen >= 2) {
          spdlog::warn("second signal: exiting without draining");
          std::_Exit(130);
        }
        spdlog::info("signal {}: draining in-flight work (signal again to quit at once)", sig);
        Fire();
      }
      pollfd p{wake_fd_[0], POLLIN, 0};
      if (wake_fd_[0] >= 0 && poll(&p, 1, 0) > 0) return;
    }
  });
}

ShutdownSignal::~ShutdownSignal() {
  if (wake_fd_[1] >= 0) {
    char c = 1;
    (void)!write(wake_fd_[1], &c, 1);
  }
  if (thread_.joinable()) thread_.join();
  if (wake_fd_[0] >= 0) close(wake_fd_[0]);
  if (wake_fd_[1] >= 0) close(wake_fd_[1]);
}

void ShutdownSignal::Fire() {
  std::vector<std::function<void()>> callbacks;
  {
    std::lock_guard lock(mu_);
    if (requested_.exchange(true)) return;
    callbacks = callbacks_;
  }
  for (auto& fn : callbacks) fn();
  {
    std::lock_guard lock(mu_);
    callbacks_done_ = true;
  }
  cv_.notify_all();
}

void ShutdownSignal::OnReload(std::function<void()> fn) {
  std::lock_guard lock(reload_mu_);
  reload_ = std::move(fn);
}

void ShutdownSignal::OnSignal(std::function<void()> fn) {
  {
    std::lock_guard lock(mu_);
    if (!requested_.load()) {
      callbacks_.push_back(std::move(fn));
      return;
    }
  }
  fn();
}

void ShutdownSignal::Wait() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return callbacks_done_; });
}

void ShutdownSignal::Trigger() { Fire(); }

std::string Thousands(uint64_t n) {
  std::string digits = std::to_string(n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out;
}

}  // namespace ecoute::app
