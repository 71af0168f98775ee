// Alert rules: what to watch and how loudly to say it (docs/alerts.md).
//
// A Rule is a plain value, read from ecoute.yaml (`alerts.rules`) or the API
// (`/api/v1/alert-rules`) through the same RuleFromJson, so both accept and
// refuse exactly the same things. Thread-safety: free functions are pure.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "alert/detector.h"
#include "base/status.h"
#include "model/mention.h"

namespace ecoute::alert {

enum class RuleKind : uint8_t {
  kMention,        // every new message that passes the filters
  kSeverity,       // a message at or above min_severity, or with one of `reasons`
  kHighReach,      // an author with at least min_followers (default 50,000)
  kVolumeSpike,    // per query (and channel): the count over a window against the seasonal baseline
  kNegativeShare,  // per query: the share of negative messages against its usual share
  kSnowball,       // a conversation (replies, reshares, quotes) growing fast
  kSla,            // an SLA warning or breach of the care inbox (SlaEventInput, Engine::ObserveSla)
};
std::string_view RuleKindName(RuleKind k);  // "mention", "severity", ...
std::optional<RuleKind> ParseRuleKind(std::string_view s);
inline bool IsPerMessage(RuleKind k) {
  return k == RuleKind::kMention || k == RuleKind::kSeverity || k == RuleKind::kHighReach;
}

// How urgent an alert is; notifiers show it, quiet hours let critical through.
enum class Level : uint8_t { kInfo, kWarning, kCritical };
std::string_view LevelName(Level l);  // "info" | "warning" | "critical"
std::optional<Level> ParseLevel(std::string_view s);

// Notifications held back at these local times (alerts are still recorded).
// Disabled when start_minute == end_minute. A window may wrap midnight
// (22:00-07:00); `days` are the days the window starts on (0 = Monday), all
// when empty.
struct QuietHours {
  int start_minute = 0;  // minute of the local day, 0..1439
  int end_minute = 0;
  std::vector<int> days;
  bool except_critical = true;  // critical alerts are notified anyway
  bool enabled() const { return start_minute != end_minute; }
  // Whether local time (weekday 0 = Monday, minute of day) is inside.
  bool Contains(int weekday, int minute_of_day) const;
};

struct Rule {
  std::string name;  // [A-Za-z0-9_.-]{1,64}, unique
  RuleKind kind = RuleKind::kMention;
  bool enabled = true;
  std::string description;
  Level level = Level::kWarning;  // the highest level; severity: warning at most below critical; sla: see SlaEventLevel

  // Filters: a message counts when it passes every one that is set (an
  // empty list = any). `queries` are monitored query names; for the spike
  // kinds each query is its own series, and no queries = every query.
  std::vector<std::string> queries;
  std::vector<model::Channel> channels;
  std::vector<std::string> languages;
  std::vector<std::string> sentiments;
  std::vector<std::string> categories;
  std::optional<bool> needs_reply;
  int64_t min_followers = 0;
  std::string min_severity;          // "" = any; none | low | medium | high | critical
  std::vector<std::string> reasons;  // severity reasons; any of them
  bool include_outbound = false;     // the brand's own messages count too

  // volume_spike / negative_share
  Sensitivity sensitivity = Sensitivity::kMedium;
  int min_volume = 10;              // messages in the window (negative ones for negative_share)
  bool per_channel = false;         // volume_spike: one series per query x channel
  double min_share_increase = 0.15; // negative_share: share - usual share at least this

  // snowball
  double cascade_per_minute = 5;    // cascade events per minute over the window
  int cascade_window_minutes = 10;
  int cascade_min = 10;             // events in the window, at least
  double fast_start_ratio = 5;      // or: first-window events >= ratio x the author's usual (0 = off)

  // Noise control.
  int group_minutes = 60;     // a trigger within this of the open alert's last one folds into it
  int cooldown_minutes = 30;  // after a person resolves an alert, its key opens no new one for this long
  int throttle_per_hour = 20; // notifications of this rule per rolling hour; 0 = unlimited
  bool notify_updates = false;  // notify again when an open alert has doubled its triggers
  QuietHours quiet_hours;
  std::vector<std::string> notify;  // notifier names; empty = every notifier

  // sla: which SLA events fire. `sla_events` (key "events") and
  // `sla_targets` ("targets") are never empty after RuleFromJson (unset or
  // [] = all values); `teams` and `priorities`, like `channels`, empty = any.
  std::vector<std::string> sla_events;   // warning | breach
  std::vector<std::string> sla_targets;  // first_response | next_response | resolution
  std::vector<std::string> teams;        // care team names
  std::vector<std::string> priorities;   // low | normal | high | urgent

  std::string origin = "config";  // "config" (ecoute.yaml) or "api"
};

// Parses and validates a rule object. Unknown keys, wrong types and
// out-of-range values are InvalidArgument whose message starts with the
// key ("min_volume: must be between 1 and 1000000"). Defaults depend on the
// kind (severity: min_severity "high" and level critical when unset;
// high_reach: min_followers 50,000 when unset; sla: level critical (the
// events set their own, see ObserveSla) and group_minutes 1440; ...).
// The sla keys (events, targets, teams, priorities) are refused on other
// kinds ("events: only for sla rules"), and the message filters and
// detector settings on sla rules ("queries: not used by sla rules ...";
// the list is kMessageOnlyKeys). `origin` is not read.
base::Result<Rule> RuleFromJson(const nlohmann::json& j);
// Every field that applies to the kind (sla rules: the common fields,
// channels and the sla keys; other kinds: all but the sla keys), so that
// RuleFromJson(RuleToJson(r)) == r.
nlohmann::json RuleToJson(const Rule& r);

// The keys of message filters and detector settings, refused on sla rules.
inline constexpr std::array<std::string_view, 17> kMessageOnlyKeys = {
    "queries", "languages", "sentiments", "categories", "needs_reply", "min_followers",
    "min_severity", "reasons", "include_outbound", "sensitivity", "min_volume", "per_channel",
    "min_share_increase", "cascade_per_minute", "cascade_window_minutes", "cascade_min", "fast_start_ratio"};
// The keys only sla rules take.
inline constexpr std::array<std::string_view, 4> kSlaOnlyKeys = {"events", "targets", "teams", "priorities"};

// Checks that names the rule refers to exist: queries in `query_names`,
// notifiers in `notifier_names`, and (when `team_names` is given) an sla
// rule's teams in it. InvalidArgument "queries[0]: unknown query \"x\"" /
// "notify[0]: unknown notifier \"y\"" / "teams[0]: unknown team \"z\"".
base::Status CheckReferences(const Rule& r, const std::vector<std::string>& query_names,
                             const std::vector<std::string>& notifier_names,
                             const std::vector<std::string>* team_names = nullptr);

bool operator==(const QuietHours& a, const QuietHours& b);
bool operator==(const Rule& a, const Rule& b);

}  // namespace ecoute::alert
