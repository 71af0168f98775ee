// Backtest: what alert rules would have done on recorded history. The
// mentions of a range are fed oldest first, in event time, through a fresh
// Engine: `ecoute alerts replay` (a recorded file) and the rule preview of
// the API (POST /api/v1/alert-rules/preview, stored mentions) run this same
// loop, itself the live engine's code (docs/alerts.md, "Backtest").
//
// In event time: the engine is Tick'ed (minutes close, quiet alerts
// expire) before each message at its created_at or at every minute
// boundary (BacktestOptions::tick_each_minute), and observes each message
// at its own created_at, so nothing is stale. The engine starts as
// the live service does: the spike baselines learned from a warm-up of
// history before the range (Engine::Learn, which never fires), no alert
// open. Nothing is persisted or notified: the changes go to the caller.
//
// Thread-safety: the functions are reentrant; a MentionSource is used by
// one call at a time unless it says otherwise.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "alert/engine.h"
#include "alert/rules.h"
#include "base/status.h"
#include "base/time.h"
#include "model/mention.h"
#include "store/store.h"

namespace ecoute::alert {

// Where a backtest reads mentions from.
class MentionSource {
 public:
  virtual ~MentionSource() = default;
  // At least how many mentions Read(from, to, ...) delivers in each hour:
  // element i for [FloorHour(from) + i h, + 1 h) (clipped to [from, to));
  // an over-estimate is fine (the cap then covers less), an under-estimate
  // only makes Backtest's hard stop cut the oldest part instead.
  virtual base::Result<std::vector<int64_t>> HourlyCounts(base::Timestamp from, base::Timestamp to) const = 0;
  // Calls `fn` with every mention created in [from, to), oldest first
  // (created_at, then id), in batches of any size; stops when `fn` returns
  // false.
  virtual base::Status Read(base::Timestamp from, base::Timestamp to,
                            const std::function<bool(std::span<const model::Mention>)>& fn) const = 0;
};

// The mentions of a span in ascending created_at order (not owned: it must
// outlive the source); HourlyCounts counts them exactly.
class SpanMentionSource final : public MentionSource {
 public:
  explicit SpanMentionSource(std::span<const model::Mention> mentions) : mentions_(mentions) {}
  base::Result<std::vector<int64_t>> HourlyCounts(base::Timestamp from, base::Timestamp to) const override;
  base::Status Read(base::Timestamp from, base::Timestamp to,
                    const std::function<bool(std::span<const model::Mention>)>& fn) const override;

 private:
  std::span<const model::Mention> mentions_;
};

// Stored mentions of `store` (which must outlive the source) that pass the
// channels, languages and query_ids of `filter` (its other fields are
// ignored). HourlyCounts reads the hourly rollups (Store::Volume: by
// channel and language, and per query when there are query ids; the
// smaller of the two). Read goes through the range in time slices of
// about `slice_mentions` mentions by those counts (hours merged, a busier
// hour cut in equal parts), each read with Store::Search in pages of 1,000
// (newest first) and handed to `fn` reversed: memory holds about one
// slice, whatever the range. Thread-safe (the store's reads are).
class StoreMentionSource final : public MentionSource {
 public:
  static constexpr int64_t kSliceMentions = 5'000;
  StoreMentionSource(const store::Store& store, store::MentionFilter filter,
                     int64_t slice_mentions = kSliceMentions);
  base::Result<std::vector<int64_t>> HourlyCounts(base::Timestamp from, base::Timestamp to) const override;
  base::Status Read(base::Timestamp from, base::Timestamp to,
                    const std::function<bool(std::span<const model::Mention>)>& fn) const override;

 private:
  const store::Store& store_;
  store::MentionFilter filter_;
  int64_t slice_mentions_;
};

// The warm-up a rule's detector needs before the range: for volume_spike
// and negative_share, the days the live service learns at start (14) and
// at least the baseline's warm-up (options.warmup_days) plus a day, at
// most 28 days; 0 for the other kinds (they keep no baseline).
int64_t BacktestWarmupMs(const Rule& rule, const EngineOptions& options);

struct BacktestOptions {
  // The alerts opened in [from, to) are collected. The mentions read are
  // those of [from - warmup, to): the warm-up is learned, the range
  // observed.
  base::Timestamp from = 0;
  base::Timestamp to = 0;
  // The warm-up; < 0 = the largest BacktestWarmupMs of the rules.
  int64_t warmup_ms = -1;
  // How the engine is Tick'ed. false (`ecoute alerts replay`): before each
  // message, at its created_at. true (the preview): at every minute
  // boundary of the range, as the live service's ticker would, so that
  // alerts resolve within a minute of their expiry whatever other messages
  // the source holds (a source that leaves out the messages a rule cannot
  // use then gives exactly the same alerts).
  bool tick_each_minute = false;
  // After the last message, the engine is Tick'ed once at this time (alerts
  // quiet for their group window resolve); 0 = at `to`.
  base::Timestamp final_tick = 0;
  EngineOptions engine;  // time zone, samples...; first_alert_id numbers the backtest's alerts
  // At most this many mentions are read (0 = no bound). When the range and
  // its warm-up hold more (by MentionSource::HourlyCounts), the newest part
  // that fits is read: the warm-up is shortened first, then the start of
  // the range moves later (BacktestResult::from); truncated is set.
  int64_t max_mentions = 0;
  // The first this many alerts opened are kept in BacktestResult::alerts
  // (0 = none: use on_change). Counts cover all of them.
  size_t max_alerts = 50;
  // Fill BacktestResult::hours: per hour of [from, to), the mentions that
  // count for one of the rules (RuleCounts) and the alerts opened.
  bool hourly = false;
};

struct BacktestHour {
  base::Timestamp start = 0;
  int64_t matched = 0;
  int64_t opened = 0;
};

struct BacktestResult {
  base::Timestamp from = 0, to = 0;  // the range observed (from moved later when truncated)
  base::Timestamp read_from = 0;     // start of the warm-up read
  int64_t scanned = 0;               // mentions read, the warm-up's included
  int64_t learned = 0;               // of them, in the warm-up
  bool truncated = false;            // the cap left older history out
  // The alerts opened in the range, in opening order, as they stand after
  // the final tick (updates and resolution applied); at most max_alerts.
  std::vector<store::AlertRecord> alerts;
  // Of the alerts opened in the range (all of them, not only those kept):
  int64_t opened = 0;
  int64_t notified = 0;    // notifications sent (at opening, and updates that notify)
  int64_t suppressed = 0;  // notifications held back (throttle, quiet hours)
  EngineStats stats;                // the engine's own counters, at the end
  std::vector<BacktestHour> hours;  // when options.hourly
};

// Called with each change, in the order the engine makes them.
using BacktestChangeFn = std::function<void(const AlertChange&)>;

// Runs `rules` (as given: a disabled rule does nothing) on the mentions of
// `source`; `query_names` maps the monitored query ids to names, as the
// live engine's. InvalidArgument when to <= from; a source's error is
// returned as is.
base::Result<BacktestResult> Backtest(std::span<const Rule> rules, const std::map<int64_t, std::string>& query_names,
                                      const MentionSource& source, const BacktestOptions& options,
                                      const BacktestChangeFn& on_change = nullptr);

}  // namespace ecoute::alert
