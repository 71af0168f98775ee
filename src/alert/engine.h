// The alert engine: evaluates rules on a stream of committed mentions (and
// on the care inbox's SLA events, ObserveSla) and decides which alerts
// open, grow, close and get notified.
//
// Time is given by the caller ("now", UTC ms): the live service passes its
// clock at arrival, the backtest (`ecoute alerts replay`) each message's own
// created_at, so both run this same code. The engine never reads a clock,
// never blocks and does no I/O: it returns AlertChanges for the caller to
// persist and notify. Deterministic for the same inputs.
//
// Thread-safety: none; one owner (the service serialises calls).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "alert/detector.h"
#include "alert/rules.h"
#include "alert/sla_event.h"
#include "base/status.h"
#include "base/time.h"
#include "base/time_zone.h"
#include "model/mention.h"
#include "store/store.h"

namespace ecoute::alert {

struct EngineOptions {
  // Messages older than this at `now` (history being imported) do not
  // trigger and are not counted in rates. SLA events older than this are
  // recorded (their alert opens or grows) but not notified.
  int64_t max_age_ms = 60 * 60'000;
  // Local time of quiet hours and of the spike baselines' hour of week.
  base::TimeZone time_zone = base::TimeZone::Utc();
  int max_samples = 20;             // sample mention ids kept per alert
  size_t max_cascades = 200'000;    // conversations followed by snowball rules (least recently active dropped)
  size_t max_authors = 100'000;     // authors whose usual cascade start is remembered
  size_t terms_ring = 400;          // recent messages kept per spike series for the top terms
  int first_alert_id = 1;           // ids are numbered from here (service: MaxAlertId() + 1)
  int warmup_days = 7;              // of the spike baselines (BaselineOptions::warmup_days)
};

// One change to persist (and maybe notify).
struct AlertChange {
  enum class Type { kOpened, kUpdated, kResolved };
  Type type = Type::kOpened;
  store::AlertRecord alert;                       // the whole record after the change
  std::vector<store::AlertHistoryEntry> history;  // lines to add (alert_id set)
  bool notify = false;                            // send to `notifiers`
  std::vector<std::string> notifiers;             // the rule's `notify` (empty = every notifier)
  std::string url;  // link for the notification (sla: the case's); empty = the caller's default
};

struct EngineStats {
  uint64_t messages = 0;    // observed
  uint64_t stale = 0;       // older than max_age_ms at arrival: ignored
  uint64_t triggers = 0;    // rule firings (before grouping)
  uint64_t opened = 0;
  uint64_t notified = 0;
  uint64_t suppressed_throttle = 0, suppressed_quiet = 0, suppressed_cooldown = 0;
  uint64_t sla_events = 0;   // SLA events observed
  uint64_t sla_stale = 0;    // of them older than max_age_ms at arrival: recorded, not notified
  uint64_t sla_invalid = 0;  // of them with an unknown kind or target: ignored
  size_t open_alerts = 0, series = 0, cascades = 0;
};

// The level an SLA event asks for (before the rule's cap): critical for a
// breach of an urgent or high priority case, warning for another breach,
// info for a warning.
Level SlaEventLevel(const SlaEventInput& e);

// Whether mention `m` counts for rule `r` as the Engine evaluates it: it
// passes the rule's filters and, for the kinds that watch queries, matched
// one of the rule's queries (`query_ids`: the ids of r.queries, resolved by
// name; any matched query when r.queries is empty, none needed by the
// severity, high_reach and snowball kinds then). negative_share counts
// every message of any sentiment (the share's denominator); a snowball rule
// counts the messages that may root a watched conversation. False for sla
// rules. `r.enabled` is not looked at. Pure.
bool RuleCounts(const Rule& r, const std::set<int64_t>& query_ids, const model::Mention& m);

class Engine {
 public:
  // `query_names`: monitored query id -> name (the ids in
  // enrichment.matched_queries). Rules are taken as they are (validated by
  // RuleFromJson); a rule naming an unknown query watches nothing for it.
  Engine(std::vector<Rule> rules, std::map<int64_t, std::string> query_names, EngineOptions options);
  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Replaces the rules. A rule whose definition is unchanged keeps its
  // state (baselines, open alerts); a changed or removed rule loses its
  // series; its open alerts stay open until they expire.
  void SetRules(std::vector<Rule> rules);
  void SetQueries(std::map<int64_t, std::string> query_names);

  // Re-attaches alerts still open in the store (after a restart) so that
  // new triggers fold into them.
  void Restore(std::span<const store::AlertRecord> open_alerts);

  // Learns spike baselines from history (each mention at its created_at,
  // ascending); never triggers. Call before the first Observe.
  void Learn(std::span<const model::Mention> history);

  // Evaluates `mentions` at time `now`: per-message rules fire at once;
  // counts feed the spike and snowball rules. Minutes before `now`'s are
  // closed first (as Tick). Appends changes to `out`.
  void Observe(std::span<const model::Mention> mentions, base::Timestamp now, std::vector<AlertChange>* out);

  // Evaluates SLA events of the care inbox at time `now` against the `sla`
  // rules (minutes before `now`'s are closed first, as Tick). An event
  // fires a rule when its kind is in `events`, its target in `targets`, and
  // its team, priority and channel in `teams`, `priorities`, `channels`
  // (each empty = any). Group key "case=<id>/target=<target>": the warning
  // and then the breach of one target of one case are one alert, raised to
  // the breach's level (and notified again) when it comes. Level: a breach
  // of an urgent or high case is critical, another breach warning, a
  // warning info (SlaEventLevel), capped at the rule's `level`. An event
  // whose `at` is older than max_age_ms at `now` is recorded but not
  // notified ("suppressed: stale"); one with an unknown kind or target is
  // ignored (stats().sla_invalid). Appends changes to `out`.
  void ObserveSla(std::span<const SlaEventInput> events, base::Timestamp now, std::vector<AlertChange>* out);

  // Advances time without messages: closes complete minutes (spike
  // detection), expires quiet alerts (auto-resolve), flushes grown alerts.
  void Tick(base::Timestamp now, std::vector<AlertChange>* out);

  // A person acknowledges or resolves open alert `id`. NotFound when it is
  // not open in the engine (the caller then updates the store);
  // FailedPrecondition to acknowledge a resolved alert.
  base::Status Acknowledge(int64_t id, const std::string& actor, const std::string& note, base::Timestamp now,
                           std::vector<AlertChange>* out);
  base::Status Resolve(int64_t id, const std::string& actor, const std::string& note, base::Timestamp now,
                       std::vector<AlertChange>* out);

  EngineStats Stats() const;

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace ecoute::alert
