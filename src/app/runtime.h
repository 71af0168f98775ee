// Runtime: what every command shares — configuration lookup, logging, the
// store, the pipeline, and orderly shutdown on SIGINT/SIGTERM.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "alert/rules.h"
#include "alert/service.h"
#include "base/status.h"
#include "classify/classifier.h"
#include "config/config.h"
#include "ingest/input.h"
#include "pipeline/pipeline.h"
#include "queries/service.h"
#include "store/store.h"

namespace ecoute::app {

// Options common to every command (set from the command line).
struct GlobalFlags {
  std::string config_path;  // --config; empty = ./ecoute.yaml if present, else defaults
  std::string db_path;      // --db overrides store.path
  std::string log_level;    // --log-level overrides log.level
};

// Loads the configuration and applies the global flags.
base::Result<config::Config> LoadConfig(const GlobalFlags& flags);

// Configures spdlog (stderr) at `level`.
void SetUpLogging(const std::string& level);

// Opens the configured store, creating its directory if needed.
base::Result<std::unique_ptr<store::Store>> OpenStore(const config::Config& config);

pipeline::PipelineOptions PipelineOptionsFrom(const config::Config& config);

// Applies the configuration's `queries:` to `queries` (errors name
// file:line:col and the query column). Without a configuration file,
// nothing changes.
base::Status SyncConfigQueries(const config::Config& config, queries::QueryService& queries);

// Opens the monitored queries over `store` and applies the configuration's
// `queries:` (SyncConfigQueries). `flush` as queries::ServiceOptions::flush.
base::Result<std::unique_ptr<queries::QueryService>> OpenQueries(const config::Config& config, store::Store& store,
                                                                 std::function<void()> flush = {});

// The classifier options the configuration asks for: models directory (the
// configured one; when it is the default and missing from the working
// directory, the models shipped beside the executable or in the source
// tree), thresholds, the taxonomy's extra categories as cue rules.
classify::ClassifierOptions ClassifierOptionsFrom(const config::Config& config);

// The configuration's alert rules, checked by the alert module; errors name
// "file:line:col: alerts.rules[i].key: ...".
base::Result<std::vector<alert::Rule>> AlertRulesFrom(const config::Config& config);
// The alert service options: rules, notifiers (secrets and passwords read
// from the environment variables named), time zone, maximum age.
base::Result<alert::ServiceOptions> AlertOptionsFrom(const config::Config& config);

// The taxonomy: the default categories, then the configuration's.
std::vector<classify::CategoryDef> TaxonomyFrom(const config::Config& config);

// Loads the understanding models (null when understanding.enabled is
// false). Errors name the model file.
base::Result<std::shared_ptr<const classify::Classifier>> OpenClassifier(const config::Config& config);

// The live stages of ingestion: a pipeline whose workers tag each mention
// with the monitored queries it matches, and the query service that keeps
// that engine current (hot reload, backfill after a pipeline flush).
// Destruction drains the pipeline first, then stops the service.
class Ingestion {
 public:
  // Loads the classifier unless `classifier` is given (tests) or
  // understanding is disabled.
  static base::Result<std::unique_ptr<Ingestion>> Open(const config::Config& config, store::Store& store,
                                                       std::shared_ptr<const classify::Classifier> classifier = nullptr);
  ~Ingestion();
  // Null when understanding is disabled.
  const std::shared_ptr<const classify::Classifier>& classifier() const { return classifier_; }
  pipeline::Pipeline& pipeline() { return *pipeline_; }
  queries::QueryService& queries() { return *queries_; }

 private:
  Ingestion() = default;
  std::atomic<pipeline::Pipeline*> flush_target_{nullptr};
  std::shared_ptr<const classify::Classifier> classifier_;
  std::unique_ptr<queries::QueryService> queries_;
  std::unique_ptr<pipeline::Pipeline> pipeline_;
};

// Resolves --map: a name from the config's mappings, a file path, or a
// mapping shipped in examples/mappings/<name>.yaml. Errors list the names known.
base::Result<ingest::CsvMapping> ResolveMapping(const config::Config& config, const std::string& name_or_path);

// Resolves --format and --map (either may be empty: auto, none); errors
// are prefixed with the flag.
base::Status ResolveInputFlags(const config::Config& config, const std::string& format_flag,
                               const std::string& mapping_flag, ingest::Format* format,
                               std::optional<ingest::CsvMapping>* mapping);

// Catches SIGINT and SIGTERM (and SIGHUP) on a dedicated thread. Construct
// it before any other thread starts (it blocks the signals for the threads
// created later). The first SIGINT/SIGTERM sets requested() and runs the
// callbacks; a second one exits the process at once with status 130.
// SIGHUP runs the reload function, if any, on the signal thread.
class ShutdownSignal {
 public:
  ShutdownSignal();
  ~ShutdownSignal();
  bool requested() const { return requested_.load(); }
  // Runs `fn` on the signal thread when a signal arrives (or at once if one
  // already did). Thread-safe.
  void OnSignal(std::function<void()> fn);
  // Sets what SIGHUP runs (replacing any earlier one); waits for a reload
  // under way to finish first, so after OnReload(nullptr) no reload runs.
  // Thread-safe; not from within the reload function.
  void OnReload(std::function<void()> fn);
  // Blocks until a signal arrives (or Trigger() is called) and the
  // callbacks registered before it have run.
  void Wait();
  // Behaves as if a signal arrived (used by tests and by the server on fatal errors).
  void Trigger();

 private:
  void Fire();
  std::atomic<bool> requested_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::function<void()>> callbacks_;  // GUARDED_BY(mu_)
  std::mutex reload_mu_;
  std::function<void()> reload_;                   // GUARDED_BY(reload_mu_)
  bool callbacks_done_ = false;                    // GUARDED_BY(mu_)
  std::thread thread_;
  int wake_fd_[2] = {-1, -1};
};

// "1,234,567"
std::string Thousands(uint64_t n);

}  // namespace ecoute::app
