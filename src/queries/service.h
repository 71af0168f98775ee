// QueryService: the monitored queries of one ecoute process.
//
// It owns the definitions' in-memory copy (the store keeps them durable),
// validates and lints every change, keeps one compiled match::Engine of all
// enabled queries for live matching, and re-applies new or changed queries
// to stored history (backfill). A change is saved to the store first (the
// call returns once it is durable); the engine is then recompiled on the
// service's own thread and swapped in atomically, so matching never pauses
// and ingestion never waits for a compile. After a swap the service waits
// for the pipeline to commit what the old engine matched (`flush`), then
// backfills the changed queries over every mention stored up to then.
//
// Thread-safety: every method is thread-safe. Enrich() takes no lock (one
// atomic load of the current engine per batch) and may run on any number of
// pipeline workers at once.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "base/metrics.h"
#include "base/status.h"
#include "match/engine.h"
#include "match/lint.h"
#include "match/parser.h"
#include "model/mention.h"
#include "store/store.h"

namespace ecoute::queries {

struct ServiceOptions {
  // Blocks until everything submitted to the pipeline so far is committed
  // (Pipeline::Flush). Empty when nothing ingests concurrently.
  std::function<void()> flush;
  bool backfill = true;           // re-apply new/changed queries to history
  int64_t backfill_chunk = 65536;  // mention ids per backfill transaction
};

// A definition's place in the configuration file, for error messages.
struct ConfigPlace {
  std::string file;  // "ecoute.yaml"
  int line = 0;      // of the query's `query:` value
  int column = 0;
};

// Where a query's history stands.
struct BackfillState {
  bool pending = false;    // queued or running
  int64_t scanned = 0;     // mentions examined so far in the current run
  int64_t matched = 0;     // mentions found to match so far
  int64_t changed = 0;     // mentions that gained or lost the query
  int64_t up_to_id = 0;    // the run covers mention ids <= this
  std::string error;       // last failure, if any
};

// What the API shows for one query.
struct QueryInfo {
  store::QueryDef def;
  std::string canonical;                   // match::ToString; empty when it does not parse
  std::vector<match::LintWarning> warnings;
  std::string error;                       // why it is not compiled (e.g. parse error), else empty
  bool live = false;                       // in the engine that matches new mentions now
  BackfillState backfill;
};

// Result of checking a query text (lint endpoint, and every save).
struct CheckResult {
  bool valid = false;
  int error_column = 0;  // 1-based code point column, when !valid and known
  std::string error;     // "col 17: expected a term after OR", or a reference error
  std::string canonical;
  std::string tree;
  std::vector<match::LintWarning> warnings;
};

// One page of a history search.
struct HistoryPage {
  store::MentionPage page;
  // Per item (same order): the query's spans in the mention.
  std::vector<std::vector<match::MatchSpan>> spans;
  bool full_scan = false;  // the query restricts no words: candidates were all mentions
};

class QueryService {
 public:
  // Loads the definitions from `store`, compiles the enabled ones and starts
  // the compiler thread. A stored query that no longer parses is kept but
  // not compiled (its QueryInfo::error says why). `store` must outlive the
  // service. Errors: the store's.
  static base::Result<std::unique_ptr<QueryService>> Open(store::Store& store, ServiceOptions options = {});
  // Stops the thread; a running backfill stops between chunks and resumes in
  // the next process (its progress is durable in the store). Destroy the
  // service only once everything this process ingested is committed (the
  // pipeline drained): queued backfills are then recorded as bounded by the
  // last stored mention.
  ~QueryService();
  QueryService(const QueryService&) = delete;
  QueryService& operator=(const QueryService&) = delete;

  // Parses and lints `text` against the current definitions (references
  // resolved), as if saved under `name` (cycle check; may be empty).
  CheckResult Check(std::string_view text, std::string_view name = {}) const;

  // Creates a query (def.id must be 0; origin "api" unless given).
  // InvalidArgument for a bad name, kind or text (message "query: col N:
  // ..." for text), AlreadyExists when the name is taken.
  base::Result<QueryInfo> Create(store::QueryDef def);
  // Replaces query `id` (name, kind, text, description, enabled). NotFound;
  // FailedPrecondition when it comes from ecoute.yaml (`allow_config`
  // false) or when renaming a query other queries refer to; as Create.
  base::Result<QueryInfo> Update(int64_t id, store::QueryDef def, bool allow_config = false);
  // Deletes query `id` and its index. NotFound; FailedPrecondition when it
  // comes from ecoute.yaml (`allow_config` false) or other queries refer to
  // it (the message names them).
  base::Status Delete(int64_t id, bool allow_config = false);

  // Makes the queries of origin "config" exactly `defs` (matched by name):
  // creates, updates what changed, deletes config queries no longer listed.
  // All are validated first; nothing changes on error. `places` (same
  // order, may be shorter) locate each text for messages:
  // "ecoute.yaml:12:12: queries[2] (delivery): col 17: expected ...".
  // A name already used by an API query is FailedPrecondition.
  base::Status SyncConfig(std::vector<store::QueryDef> defs, const std::vector<ConfigPlace>& places);

  std::vector<QueryInfo> List() const;                        // ascending id
  std::optional<QueryInfo> Get(int64_t id) const;
  std::optional<QueryInfo> FindByName(std::string_view name) const;
  // The name of query `id`, without the lint work of Get().
  std::optional<std::string> NameOf(int64_t id) const;

  // Live matching: sets enrichment.matched_queries of every mention (the
  // ids of the enabled queries it matches, ascending) with the current
  // engine; one engine for the whole batch.
  void Enrich(std::span<model::Mention> batch) const;
  // The engine Enrich uses now, and how many engines have been swapped in.
  std::shared_ptr<const match::Engine> engine() const;
  uint64_t generation() const { return generation_.load(); }

  // Matches of the current engine in `m` (ids ascending, with spans).
  std::vector<match::EngineMatch> Highlight(const model::Mention& m) const;

  // Searches stored history with a query text (references resolved):
  // full-text candidates (CandidateFts), each confirmed by the matcher,
  // newest first, with `filter`'s other conditions and pagination. When the
  // query restricts no words, at most `max_scan` mentions are examined per
  // call and the page may be short (continue with its `next`).
  // InvalidArgument "query: col N: ..." for a bad text.
  base::Result<HistoryPage> SearchHistory(std::string_view text, store::MentionFilter filter,
                                          int64_t max_scan = 200000) const;

  // Blocks until every change made so far is compiled in and (when
  // `backfill`) backfilled, or `timeout` passes. True when idle.
  bool WaitIdle(std::chrono::milliseconds timeout, bool backfill = true) const;

 private:
  struct Entry {
    store::QueryDef def;
    // Parsed without resolver (references resolve later, as in the engine);
    // null when it does not parse. Immutable, shared with resolver snapshots.
    std::shared_ptr<const match::Query> parsed;
    std::string parse_error;
    // Every @name it may refer to (outside phrases and NEAR), whether or
    // not such a query exists now.
    std::vector<std::string> refs;
  };
  QueryService(store::Store& store, ServiceOptions options);

  // Validates `def` as the new version of entry `id` (0 = new) against the
  // current entries. Caller holds mu_.
  base::Status ValidateLocked(const store::QueryDef& def, int64_t id) const;
  // Query ids that refer to `name`, excluding `self`. Caller holds mu_.
  std::vector<std::string> ReferrersLocked(std::string_view name, int64_t self) const;
  QueryInfo InfoLocked(const Entry& e) const;
  // Updates entries_ and queues a rebuild (and a backfill when the text
  // changed or the query was enabled). Caller holds mu_.
  void PutLocked(const store::QueryDef& def, bool rebuild_resolver = true, bool queue_backfill = true);
  void RebuildResolverLocked();
  // Drops query `id` from memory (entry, backfill state) after the store
  // deleted it, and counts the change. Caller holds mu_.
  void ForgetLocked(int64_t id);
  void Loop();
  // Compiles the current definitions and swaps the engine in; then, when
  // `flush`, waits for the pipeline to commit what the old engine matched.
  void RebuildEngine(bool flush);
  void RunBackfill(int64_t id);

  store::Store& store_;
  const ServiceOptions options_;

  mutable std::mutex mu_;
  std::map<int64_t, Entry> entries_;  // GUARDED_BY(mu_)
  // Every entry that parses, by name: an immutable snapshot replaced on each
  // change, so readers (engine builds, backfills, searches) hold it without
  // the lock and without copying the queries. GUARDED_BY(mu_).
  class NameIndex;
  std::shared_ptr<const NameIndex> resolver_;
  uint64_t changes_ = 0;              // GUARDED_BY(mu_): changes made
  uint64_t compiled_changes_ = 0;     // GUARDED_BY(mu_): changes the engine includes
  std::set<int64_t> backfill_queue_;  // GUARDED_BY(mu_)
  std::map<int64_t, BackfillState> backfill_;  // GUARDED_BY(mu_)
  // The range of a queued backfill: it covers mention ids <= up_to (later
  // ones were matched live by an engine holding the query's version).
  // up_to is taken once an engine including change number `queued_change`
  // is swapped in and flushed; `persisted`: the store has it recorded.
  struct Bound {
    uint64_t queued_change = 0;
    std::optional<int64_t> up_to;
    bool persisted = false;
  };
  std::map<int64_t, Bound> bounds_;  // GUARDED_BY(mu_)
  std::map<int64_t, uint64_t> versions_;  // GUARDED_BY(mu_): bumped on each change of a query
  std::set<int64_t> live_ids_;        // GUARDED_BY(mu_): compiled into the current engine
  std::map<int64_t, std::string> compile_errors_;  // GUARDED_BY(mu_)
  bool stop_ = false;                 // GUARDED_BY(mu_)
  int64_t running_backfill_ = 0;      // GUARDED_BY(mu_): id being backfilled, 0 = none
  mutable std::condition_variable cv_;       // wakes the thread
  mutable std::condition_variable idle_cv_;  // wakes WaitIdle

  // Metrics (owned by base::Metrics()): ecoute_queries_live,
  // ecoute_query_engine_swaps_total, ecoute_query_engine_compile_seconds,
  // ecoute_query_backfills_pending, ecoute_query_backfill_scanned_total.
  base::Gauge* live_gauge_;
  base::Counter* swaps_;
  base::Histogram* compile_seconds_;
  base::Gauge* backfills_pending_;
  base::Counter* backfill_scanned_;

  std::atomic<std::shared_ptr<const match::Engine>> engine_;
  std::atomic<uint64_t> generation_{0};
  std::thread thread_;
};

}  // namespace ecoute::queries
