// SLA reports: how fast cases got their first response and their
// resolution, and how many met their target, per team, channel, agent,
// account or priority. Pure aggregation over case records (the caller
// loads them and names the groups); `ecoute report sla` and the API print
// the result with ToText / ToJson.
//
// For each case and each metric (first response, resolution):
//  - done: the case got it (first response: first_response_at or
//    first_response.met_at set; resolution: status resolved or closed with
//    resolved_at or closed_at set, or resolution.met_at set).
//  - its duration, in minutes (a double), when done and measurable:
//      business (default): SlaTarget::elapsed_minutes (>= 0), i.e. open time
//        of the policy's calendar with pauses excluded; a case without an
//        SLA policy has none and is not measured;
//      wall clock (options.wall_clock): first_response_at - created_at, and
//        (resolved_at, else closed_at) - created_at, pauses included.
//  - its outcome against a target:
//      with the policy's target (SlaTarget::target_minutes > 0): met if done
//        and not breached; breached if SlaTarget::breached, or not done and
//        its due_at (set) < now (a stored state evaluated before its
//        deadline passed); otherwise, not done: running if the case is still
//        active (new, open, pending); an inactive case never done (closed
//        without reply) has no outcome.
//      with an override (options.*_target_minutes_override, wall-clock
//        minutes, every case has this target): done -> met if its wall-clock
//        duration <= target, else breached; not done and active -> breached
//        if now - created_at > target, else running; not done and inactive
//        -> no outcome.
//      without a target: no outcome.
//  - pct_met = 100 * met / (met + breached): the decided cases only; running
//    ones are not counted; unset when no case is decided.
//  - p50 / p90: nearest-rank percentiles of the measured durations (the
//    value at rank ceil(p/100 * n) in ascending order); mean: their
//    average; all unset without a measured case.
//  - histogram of the measured durations: <= 15 min, <= 1 h, <= 3 h,
//    <= 8 h, <= 24 h, > 24 h (the bucket of the first bound >= it).
//
// Thread-safety: pure functions.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/time.h"
#include "care/case.h"

namespace ecoute::care {

struct SlaReportOptions {
  enum class GroupBy { kTeam, kChannel, kAgent, kAccount, kPriority, kNone };
  GroupBy group_by = GroupBy::kNone;
  // When set, first responses (resp. resolutions) are measured against this
  // target, in wall-clock minutes, instead of the policies' (e.g. 180 for
  // "answered within 3 h").
  std::optional<int64_t> target_minutes_override;
  std::optional<int64_t> resolution_target_minutes_override;
  // Durations in wall-clock minutes instead of business minutes.
  bool wall_clock = false;
};

// "team" | "channel" | "agent" | "account" | "priority" | "none", and the
// inverse (case-insensitive).
std::string_view GroupByName(SlaReportOptions::GroupBy g);
std::optional<SlaReportOptions::GroupBy> ParseGroupBy(std::string_view s);

// Upper bounds (minutes, inclusive) of the histogram buckets; the last
// bucket holds everything above 1440.
inline constexpr std::array<int64_t, 5> kSlaHistogramBounds = {15, 60, 180, 480, 1440};
inline constexpr size_t kSlaHistogramBuckets = kSlaHistogramBounds.size() + 1;

struct SlaMetricStats {
  int64_t cases = 0;        // cases of the group
  int64_t done = 0;         // answered (first response) / resolved (resolution)
  int64_t measured = 0;     // done with a duration in the report's unit
  int64_t with_target = 0;  // cases with a target (policy's, or the override)
  int64_t met = 0;
  int64_t breached = 0;
  int64_t running = 0;      // active, not done, target not passed yet
  std::optional<double> pct_met;       // 100 * met / (met + breached)
  std::optional<double> p50_minutes;   // of the measured durations
  std::optional<double> p90_minutes;
  std::optional<double> mean_minutes;
  std::array<int64_t, kSlaHistogramBuckets> histogram{};
  bool operator==(const SlaMetricStats&) const = default;
};

struct SlaGroupStats {
  std::string key;  // the group's name; "all" for the total
  SlaMetricStats first_response;
  SlaMetricStats resolution;
  bool operator==(const SlaGroupStats&) const = default;
};

struct SlaReport {
  SlaReportOptions::GroupBy group_by = SlaReportOptions::GroupBy::kNone;
  bool wall_clock = false;
  std::vector<SlaGroupStats> groups;  // by key, ascending; empty with GroupBy::kNone
  SlaGroupStats total;                // every case
};

// Names the group of a case for a grouping (team id -> team name, ...).
using SlaGroupNamer = std::function<std::string(SlaReportOptions::GroupBy, const CaseRecord&)>;

// The namer used when none is given: "team 3" / "(no team)", the channel's
// name, "user 7" / "(unassigned)", the account / "(none)", the priority's
// name, "all".
std::string DefaultSlaGroupName(SlaReportOptions::GroupBy g, const CaseRecord& c);

// Aggregates `cases` as described above. `name_group` may be empty (then
// DefaultSlaGroupName). `now` decides unanswered cases against their
// deadline.
SlaReport BuildSlaReport(std::span<const CaseRecord> cases, const SlaReportOptions& options,
                         const SlaGroupNamer& name_group, base::Timestamp now);

// {"group_by": "team", "unit": "business_minutes" | "wall_clock_minutes",
//  "groups": [{"key": ..., "first_response": {...}, "resolution": {...}}],
//  "total": {...}}; each metric: cases, done, measured, with_target, met,
//  breached, running, pct_met, p50_minutes, p90_minutes, mean_minutes (null
//  when unset) and histogram {"<=15m": n, "<=1h", "<=3h", "<=8h", "<=24h",
//  ">24h"}.
nlohmann::json ToJson(const SlaReport& report);

// Two aligned tables (first response, then resolution): group, cases,
// answered (resp. resolved), met %, p50, p90, mean; durations as "45m",
// "3h05m", "-" when unset; the total last.
std::string ToText(const SlaReport& report);

}  // namespace ecoute::care
