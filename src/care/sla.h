// SLA policies of the care inbox and the exact evaluation of a case's SLA
// clocks (first response, next response, resolution) on a business
// calendar (care/calendar.h).
//
// Everything here is pure: EvaluateSla depends only on its arguments (the
// case's SLA timeline, the targets, the calendar and "now"), so a case's
// state can be recomputed at any time and gives the same answer.
//
// Thread-safety: plain values and pure functions; safe from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"
#include "base/time.h"
#include "care/calendar.h"
#include "care/case.h"
#include "model/mention.h"

namespace ecoute::care {

// Business minutes allowed for each target; 0 = no target.
struct SlaTargets {
  int64_t first_response_minutes = 0;
  int64_t next_response_minutes = 0;
  int64_t resolution_minutes = 0;
  bool operator==(const SlaTargets&) const = default;
};

// Longest target accepted (a year of round-the-clock minutes).
inline constexpr int64_t kMaxSlaTargetMinutes = 525'600;

struct SlaPolicy {
  std::string name;                      // 1 to 64 of A-Z a-z 0-9 _ . -
  std::string calendar = "business_hours";  // a calendar's name (the engine checks it exists)
  // Which cases it applies to; an empty list = any. Teams by name, accounts
  // as in CaseRecord::account; both compared ASCII case-insensitively.
  std::vector<Priority> priorities;
  std::vector<model::Channel> channels;
  std::vector<std::string> teams;
  std::vector<std::string> accounts;
  // Targets per priority. A priority with an entry uses that entry alone
  // (a target it leaves at 0 has none); one without uses default_targets.
  std::map<Priority, SlaTargets> targets;
  SlaTargets default_targets;
  // A target is "warned" once this fraction of its business time has
  // elapsed; 0 < warn_at < 1.
  double warn_at = 0.8;

  // The targets of a case of this priority.
  const SlaTargets& TargetsFor(Priority p) const;

  // Parses one policy; `path` names it in errors ("care.sla_policies[0]";
  // may be empty). Shape:
  //   {"name": "social", "calendar": "business_hours",
  //    "priorities": ["urgent", "high"], "channels": ["twitter", "facebook"],
  //    "teams": ["Social"], "accounts": ["@brand"],
  //    "targets": {"urgent": {"first_response": "30m", "resolution": "4h"},
  //                "normal": {"first_response": "3h", "next_response": "3h",
  //                           "resolution": "16h"}},
  //    "default": {"first_response": "8h"}, "warn_at": 0.8}
  // name is required; calendar defaults to "business_hours". A duration is
  // business time: a whole number of minutes (45), or a string "45m",
  // "3h", "1h30m"; between 1 minute and kMaxSlaTargetMinutes (omit a
  // target to have none). Days are refused ("2d" is ambiguous on a
  // business calendar: 48 h of open time, or two 8-hour working days?);
  // the error says to write hours. Errors are InvalidArgument
  // "<path>.<key>: <what>" naming the value; unknown keys are refused.
  static base::Result<SlaPolicy> FromJson(const nlohmann::json& j, std::string_view path);
  // The shape FromJson reads (durations as "3h", "45m" or "1h30m");
  // FromJson(ToJson()) == *this.
  nlohmann::json ToJson() const;

  bool operator==(const SlaPolicy&) const = default;
};

// "45m" | "3h" | "1h30m" | a whole number of minutes (as text, or a JSON
// integer in FromJson) -> minutes in [1, kMaxSlaTargetMinutes].
// InvalidArgument naming the text otherwise ("2d" included).
base::Result<int64_t> ParseSlaDuration(std::string_view text);
// Minutes -> "3h", "45m", "1h30m".
std::string FormatSlaDuration(int64_t minutes);

// True if every non-empty filter of the policy matches the case (its
// priority, channel, account) and `team_name` (the name of the case's team,
// "" when none).
bool Applies(const SlaPolicy& policy, const CaseRecord& c, std::string_view team_name);
// The first policy that applies, or null.
const SlaPolicy* SelectPolicy(std::span<const SlaPolicy> policies, const CaseRecord& c, std::string_view team_name);

// Checks a list of policies: unique names, and each calendar among
// `calendars`. InvalidArgument "<path>[i].name: ..." / "<path>[i].calendar:
// ..." otherwise.
base::Status CheckSlaPolicies(std::span<const SlaPolicy> policies, std::span<const BusinessCalendar> calendars,
                              std::string_view path);

// The SLA clocks of a case at one instant.
struct SlaState {
  SlaTarget first_response;
  SlaTarget next_response;  // the current (latest) cycle
  SlaTarget resolution;
  // The earliest instant > now at which a still-running target becomes
  // warned or breached (EvaluateSla at that instant, with no new event,
  // reports it); 0 = none (everything met, paused, without target, or
  // already breached).
  base::Timestamp next_check = 0;
  // Next-response cycles started so far, and how many of them breached
  // (the current one included): "any cycle breached" is
  // next_response_breaches > 0.
  int next_response_cycles = 0;
  int next_response_breaches = 0;
  bool operator==(const SlaState&) const = default;
};

// Evaluates the SLA clocks of a case from its timeline at `now`.
//
// Timeline: events at or before `now` are applied in time order (a timeline
// out of order is sorted stably by time first; events at the same instant
// apply in the given order); later events are ignored.
//
// Clocks:
//  - first response starts at the first kCustomer event and is met by the
//    first kAgent event after it (kAgent events before it are ignored).
//  - next response: after a kAgent reply (one that came after the first
//    customer message), the next kCustomer event starts a new cycle; the
//    next kAgent event meets it. Further customer messages before the reply
//    do not restart it. `next_response` describes the current cycle only
//    (started_at changes with each cycle; breached and warned are the
//    cycle's own); next_response_breaches counts the breached cycles.
//  - resolution starts at the first kCustomer event and is met at
//    kResolved; kReopened resumes it (met_at back to 0, the elapsed time
//    keeps counting from where it stopped; breached and warned stay).
//  - every clock is paused while the case is pending (from kPending to the
//    next kResumed, kResolved or kReopened) and while it is resolved (from
//    kResolved to kReopened): only open time of `cal` while the clock runs
//    counts. A reply while paused still meets a response clock.
//
// Fields of each SlaTarget:
//  - target_minutes: from `targets`; 0 = no target (the clock is still
//    followed: started_at, met_at, elapsed_minutes are filled; due_at is 0
//    and it never warns nor breaches).
//  - started_at: the event that started the clock (0 = not started).
//  - due_at: while the clock runs and is not met, the deadline, assuming no
//    further pause: the earliest instant at which the business time
//    elapsed reaches the target (cal.AddBusinessMillis from the current
//    running stretch); for a breached clock, the deadline that passed. 0
//    while paused, met, not started, or without target.
//  - met_at: the instant it was met; 0 = not (yet, or again after reopen).
//  - breached: the clock ran past its deadline: met after due_at, paused
//    after it, or now > due_at. Exactly at due_at is in time.
//  - warned: the clock ran past the instant at which warn_at x target of
//    business time had elapsed (breached implies warned). A warn_at outside
//    (0, 1) means no early warning (warned only with breached).
//  - elapsed_minutes: when met, the business time from start to met_at
//    with pauses excluded, in minutes rounded up (so elapsed_minutes <=
//    target_minutes when met in time); -1 while not met.
// Both warned and breached, once set, stay set for the clock (for next
// response, for the cycle).
SlaState EvaluateSla(const SlaTargets& targets, double warn_at, const BusinessCalendar& cal,
                     std::span<const SlaEvent> timeline, base::Timestamp now);

}  // namespace ecoute::care
