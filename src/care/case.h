// Cases of the care inbox: the records every part of the care module
// shares (engine, persistence, SLA, API). Plain values, no behaviour beyond
// name conversions. docs/care.md.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"
#include "model/mention.h"

namespace ecoute::care {

// "<channel>:<thread id>" (the native id when the thread is unknown): the
// conversation a case follows (CaseRecord::thread_key).
std::string ThreadKey(const model::Mention& m);

// new: nobody has touched it; open: an agent works on it; pending: waiting
// for the customer (SLA clocks paused); resolved: answered, reopens on a new
// customer message; closed: final (a later message opens a new case).
enum class CaseStatus : uint8_t { kNew, kOpen, kPending, kResolved, kClosed };
std::string_view CaseStatusName(CaseStatus s);                  // "new" | "open" | "pending" | "resolved" | "closed"
std::optional<CaseStatus> ParseCaseStatus(std::string_view s);  // inverse, case-insensitive
// True for new, open and pending: the case counts against its assignee's
// capacity and new messages of its thread or contact join it.
inline bool IsActive(CaseStatus s) { return s == CaseStatus::kNew || s == CaseStatus::kOpen || s == CaseStatus::kPending; }

enum class Priority : uint8_t { kLow, kNormal, kHigh, kUrgent };
std::string_view PriorityName(Priority p);                  // "low" | "normal" | "high" | "urgent"
std::optional<Priority> ParsePriority(std::string_view s);  // inverse, case-insensitive
// From a mention's severity level: critical -> urgent, high -> high,
// medium -> normal, low and none -> low; anything else (no understanding)
// -> normal.
Priority PriorityFromSeverity(std::string_view severity_level);

// SLA state of one target of a case (first response, next response,
// resolution). Times are UTC ms; 0 = none.
struct SlaTarget {
  int64_t target_minutes = 0;   // business minutes allowed; 0 = no target
  base::Timestamp started_at = 0;  // when the clock started (the customer message, the case's creation)
  base::Timestamp due_at = 0;      // deadline on the calendar, pauses included; 0 = none running
  base::Timestamp met_at = 0;      // when it was met (the reply, the resolution); 0 = not yet
  bool breached = false;           // the deadline passed before it was met
  bool warned = false;             // the warning before the breach was sent
  int64_t elapsed_minutes = -1;    // business minutes from start to met_at (pauses excluded); -1 = not met
  bool operator==(const SlaTarget&) const = default;
};

// What the SLA clocks of a case react to, in time order (care/sla.h).
enum class SlaEventKind : uint8_t {
  kCustomer,  // an inbound message: starts first response (the first one) or next response (one after a reply)
  kAgent,     // a reply to the customer: meets first / next response
  kPending,   // status -> pending: the clocks pause
  kResumed,   // pending -> new/open: the clocks run again
  kResolved,  // meets resolution (the resolution clock stops)
  kReopened,  // resolved -> open: the resolution clock runs again from where it stopped
};
std::string_view SlaEventKindName(SlaEventKind k);  // "customer" | "agent" | "pending" | "resumed" | "resolved" | "reopened"
std::optional<SlaEventKind> ParseSlaEventKind(std::string_view s);

struct SlaEvent {
  base::Timestamp at = 0;
  SlaEventKind kind = SlaEventKind::kCustomer;
  bool operator==(const SlaEvent&) const = default;
};

struct CaseRecord {
  int64_t id = 0;  // assigned by the engine (after CaseDb::MaxCaseId)
  CaseStatus status = CaseStatus::kNew;
  Priority priority = Priority::kNormal;
  bool priority_manual = false;  // set by a person: the severity no longer changes it
  std::string subject;           // the first customer message's title, else the start of its text
  model::Channel channel = model::Channel::kOther;
  // The brand account the customer wrote to or that answers (a page, a
  // handle, a mailbox); empty when unknown.
  std::string account;
  // "<channel>:<thread_id>" of the conversation the case follows.
  std::string thread_key;
  int64_t contact_id = 0;  // 0 = none
  std::string language = "und";
  std::string category;              // of the latest customer message that had one
  int severity = 0;                  // highest seen, 0..100
  std::string severity_level;        // of `severity`
  std::vector<std::string> severity_reasons;  // union, first seen first
  std::vector<int64_t> query_ids;    // brand queries matched by its messages, ascending
  int64_t team_id = 0;               // 0 = no team
  int64_t assignee_id = 0;           // user id; 0 = unassigned
  std::string routing_rule;          // the rule that chose the team; empty = default / manual
  std::vector<std::string> tags;     // ascending, unique
  int64_t first_message_id = 0;      // mention ids
  int64_t last_message_id = 0;
  int64_t message_count = 0;         // customer and agent messages
  base::Timestamp created_at = 0;        // the first customer message's time
  base::Timestamp updated_at = 0;        // last change of any kind
  base::Timestamp last_customer_at = 0;  // latest inbound message
  base::Timestamp last_agent_at = 0;     // latest outbound message or reply
  base::Timestamp first_response_at = 0; // 0 = not answered yet
  base::Timestamp pending_since = 0;     // while pending
  base::Timestamp resolved_at = 0;
  base::Timestamp closed_at = 0;
  int reopen_count = 0;
  // SLA: the policy that applies (empty = none) and each target's state.
  std::string sla_policy;
  SlaTarget first_response;
  SlaTarget next_response;
  SlaTarget resolution;
  // Everything the SLA clocks reacted to so far, in time order: kept with
  // the case so its SLA state can be recomputed exactly (care/sla.h).
  std::vector<SlaEvent> sla_timeline;
  bool operator==(const CaseRecord&) const = default;
};

// The earliest deadline among the SLA targets of `c` that run now: the case
// is new or open (pending, resolved and closed cases have their clocks
// stopped), the target started, is not met and has a deadline (due_at !=
// 0; for a breached target, the deadline that passed). 0 when none runs.
base::Timestamp NextSlaDue(const CaseRecord& c);

// The SLA state of a whole case, from its targets as the SLA clocks last
// evaluated them (care/sla.h: EvaluateSla):
//   breached  one of its targets is breached (met late, or overdue);
//   warning   none is, and a target not met yet passed its warning point
//             while the case is active (new, open or pending);
//   ok        otherwise (cases without an SLA included).
enum class CaseSlaState : uint8_t { kOk, kWarning, kBreached };
std::string_view CaseSlaStateName(CaseSlaState s);                  // "ok" | "warning" | "breached"
std::optional<CaseSlaState> ParseCaseSlaState(std::string_view s);  // inverse, case-insensitive
CaseSlaState SlaStateOf(const CaseRecord& c);

// A message of a case: a stored mention (customer or brand) or an agent's
// reply sent from ecoute (also stored as an outbound mention).
struct CaseMessage {
  int64_t case_id = 0;
  int64_t mention_id = 0;
  model::Direction direction = model::Direction::kInbound;
  base::Timestamp at = 0;
  std::string author;       // handle / address
  int64_t user_id = 0;      // the agent, for a reply sent from ecoute; 0 otherwise
  bool operator==(const CaseMessage&) const = default;
};

// One line of a case's history: who did what, when.
struct CaseEvent {
  int64_t id = 0;  // assigned by the store
  int64_t case_id = 0;
  base::Timestamp at = 0;
  // created | message | status | priority | assigned | team | tagged |
  // untagged | note | reply | reply_failed | reopened | sla_warning |
  // sla_breach | sla_met | contact | merged
  std::string type;
  std::string actor;        // user login, "engine", "routing", "sla", or the connector's name
  std::string detail_json;  // a JSON object: {"from":"new","to":"open"}, {"text":"..."} for a note...
  bool operator==(const CaseEvent&) const = default;
};

}  // namespace ecoute::care
