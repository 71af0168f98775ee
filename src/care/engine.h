// CaseEngine: the care inbox's state machine, in memory. It turns stored
// messages into cases (a message that needs a reply opens one, or joins the
// active case of its conversation or of its contact), routes new cases to a
// team, assigns them to agents (round-robin or least-loaded, within each
// agent's capacity and presence), keeps every case's SLA clocks on its
// policy's business calendar, and applies people's commands (status,
// priority, assignment, transfer, tags, notes).
//
// It has no clock and does no I/O: every call takes "now" and appends what
// changed to an Output (the rows for CaseDb::Write and the SLA notices for
// the alert feed), so the live service and the replay of a file share it.
//
// Thread-safety: none; the owner (CareService) serialises every call.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "care/calendar.h"
#include "care/case.h"
#include "care/case_db.h"
#include "care/routing.h"
#include "care/sla.h"
#include "model/mention.h"

namespace ecoute::care {

// An agent as the engine sees it (from auth::Directory).
struct AgentInfo {
  int64_t id = 0;
  std::string login;
  std::string display_name;
  int capacity = 10;  // active cases assigned at most (automatic assignment; a person may exceed it)
  std::vector<int64_t> team_ids;
  bool disabled = false;
};

// "round_robin" | "least_loaded" | "manual" (no automatic assignment).
struct TeamInfo {
  int64_t id = 0;
  std::string name;
  std::string assignment = "round_robin";
  std::vector<int64_t> member_ids;
};

enum class Presence : uint8_t { kOffline, kAway, kOnline };
std::string_view PresenceName(Presence p);                  // "offline" | "away" | "online"
std::optional<Presence> ParsePresence(std::string_view s);  // inverse

// An agent's presence and since when (the SetPresence that changed it; 0 =
// never set: offline since the start).
struct PresenceState {
  Presence presence = Presence::kOffline;
  base::Timestamp since = 0;
  bool operator==(const PresenceState&) const = default;
};

struct CareSettings {
  std::vector<RoutingRule> routing;
  std::vector<SlaPolicy> sla_policies;
  // Calendars the policies name, besides the built-in "24x7" and
  // "business_hours" (BusinessCalendar::Default), which a calendar of the
  // same name replaces.
  std::vector<BusinessCalendar> calendars;
  std::string default_team;  // team of cases no rule routes; empty = none (unassigned, no team)
  // Handles and addresses of the brand's own accounts, case-insensitive,
  // '@' optional: their messages count as answers even when the source did
  // not say they are outbound.
  std::vector<std::string> own_accounts;
  // A contact's new message joins their active case (any channel) when
  // their last message on it is this recent.
  int64_t contact_window_minutes = 72 * 60;
  // A message of the conversation of a resolved case reopens it within this
  // many days of its resolution; later, it opens a new case.
  int64_t reopen_days = 7;
  // Resolved cases close (final) this many days after their resolution.
  int64_t close_after_days = 7;
};

// An SLA warning or breach, for the alert rules (kind "sla").
struct SlaNotice {
  std::string kind;    // "warning" | "breach"
  std::string target;  // "first_response" | "next_response" | "resolution"
  base::Timestamp due_at = 0;
  base::Timestamp at = 0;  // when the engine saw it (its "now")
  CaseRecord snapshot;  // the case when it happened
  std::string team;     // team name ("" = none)
};

struct EngineOutput {
  CareWrite write;
  std::vector<SlaNotice> notices;
  bool empty() const {
    return write.cases.empty() && write.messages.empty() && write.events.empty() && notices.empty();
  }
};

// One agent's load, for GET /api/v1/agents.
struct AgentLoad {
  AgentInfo agent;
  Presence presence = Presence::kOffline;
  base::Timestamp presence_since = 0;  // PresenceState::since
  int active_cases = 0;
};

class CaseEngine {
 public:
  // Builds the router and checks that every policy's calendar exists and
  // every rule's team and brand queries exist. InvalidArgument naming the
  // place ("care.routing[1].team: unknown team \"x\"",
  // "care.sla_policies[0].calendar: unknown calendar \"y\"").
  static base::Result<std::unique_ptr<CaseEngine>> Create(CareSettings settings, std::vector<AgentInfo> agents,
                                                          std::vector<TeamInfo> teams,
                                                          const std::map<std::string, int64_t, std::less<>>& query_ids);

  // Replaces the settings (same checks as Create; on error nothing
  // changes). SLA states are re-evaluated at `now`.
  base::Status Reconfigure(CareSettings settings, const std::map<std::string, int64_t, std::less<>>& query_ids,
                           base::Timestamp now, EngineOutput* out);
  // Replaces the agents and teams (users or teams changed); queued cases of
  // teams with capacity are assigned.
  void SetDirectory(std::vector<AgentInfo> agents, std::vector<TeamInfo> teams, base::Timestamp now, EngineOutput* out);

  // Takes back stored cases (active and resolved ones) after a restart; new
  // ids start after `max_case_id`.
  void Restore(std::vector<CaseRecord> cases, int64_t max_case_id);

  // Stored mentions (id > 0) in commit order; `contact_ids[i]` is the
  // canonical contact of mentions[i] (0 = none). `is_vip` (may be empty)
  // says whether a contact is a VIP, for routing; it is called only when a
  // routing rule has a `vip` condition, once per new case.
  void Observe(std::span<const model::Mention> mentions, std::span<const int64_t> contact_ids,
               const std::function<bool(int64_t)>& is_vip, base::Timestamp now, EngineOutput* out);

  // SLA warnings and breaches due by `now`; closes resolved cases past
  // close_after_days.
  void Tick(base::Timestamp now, EngineOutput* out);
  // The earliest instant at which Tick has something to do (0 = nothing).
  base::Timestamp NextTick() const;

  // An agent's presence; going online assigns queued cases of their teams.
  // `since` becomes `now` when the presence changes (setting the same
  // presence again keeps it).
  void SetPresence(int64_t user_id, Presence p, base::Timestamp now, EngineOutput* out);
  // The presence of any user (agent of the engine or not).
  PresenceState PresenceOf(int64_t user_id) const;

  // Commands. NotFound for a case not in memory (closed cases are not
  // kept: FailedPrecondition "case N is closed" when the caller knows it
  // exists), FailedPrecondition for a forbidden transition, InvalidArgument
  // for bad values. `actor` is the user login recorded in the history.
  base::Result<CaseRecord> SetStatus(int64_t case_id, CaseStatus s, const std::string& actor, base::Timestamp now,
                                     EngineOutput* out);
  base::Result<CaseRecord> SetPriority(int64_t case_id, Priority p, const std::string& actor, base::Timestamp now,
                                       EngineOutput* out);
  // user_id 0 unassigns. An unknown or disabled user, or one not in the
  // case's team (when it has one), is InvalidArgument; over capacity is
  // allowed (a person decided).
  base::Result<CaseRecord> Assign(int64_t case_id, int64_t user_id, const std::string& actor, base::Timestamp now,
                                  EngineOutput* out);
  // Moves the case to another team (0 = none); its assignee is kept only
  // when a member of the new team, otherwise it is assigned within it.
  base::Result<CaseRecord> Transfer(int64_t case_id, int64_t team_id, const std::string& actor, base::Timestamp now,
                                    EngineOutput* out);
  base::Result<CaseRecord> Tag(int64_t case_id, const std::vector<std::string>& add,
                               const std::vector<std::string>& remove, const std::string& actor, base::Timestamp now,
                               EngineOutput* out);
  // An internal note (not sent to the customer).
  base::Result<CaseRecord> Note(int64_t case_id, const std::string& text, const std::string& actor,
                                base::Timestamp now, EngineOutput* out);
  // Records a history line without changing the case (reply queued/failed...).
  base::Status Record(int64_t case_id, const std::string& type, const std::string& actor,
                      const std::string& detail_json, base::Timestamp now, EngineOutput* out);

  // Cases in memory: active ones and resolved ones not yet closed.
  std::optional<CaseRecord> Get(int64_t case_id) const;
  size_t active_count() const;
  std::vector<AgentLoad> Agents() const;
  const TeamInfo* FindTeam(int64_t id) const;
  const TeamInfo* FindTeamByName(std::string_view name) const;
  const AgentInfo* FindAgent(int64_t id) const;
  const CareSettings& settings() const { return settings_; }
  const BusinessCalendar* FindCalendar(std::string_view name) const;

 private:
  CaseEngine() = default;
  struct Built;
  static base::Result<Built> Build(const CareSettings& settings, const std::vector<TeamInfo>& teams,
                                   const std::map<std::string, int64_t, std::less<>>& query_ids);
  void Apply(Built b, CareSettings settings);

  bool IsOwnAccount(std::string_view handle) const;
  std::string AccountOf(const model::Mention& m, bool outbound) const;
  CaseRecord* Find(int64_t id);
  void Create(const model::Mention& m, int64_t contact, bool vip, base::Timestamp now, EngineOutput* out);
  void AddCustomerMessage(CaseRecord& c, const model::Mention& m, int64_t contact, base::Timestamp now,
                          EngineOutput* out);
  void AddAgentMessage(CaseRecord& c, const model::Mention& m, base::Timestamp now, EngineOutput* out);
  void TakeLabels(CaseRecord& c, const model::Mention& m);
  void ChangeStatus(CaseRecord& c, CaseStatus to, const std::string& actor, base::Timestamp at, base::Timestamp now,
                    EngineOutput* out);
  // Assignment bookkeeping.
  void SetAssignee(CaseRecord& c, int64_t user_id, const std::string& actor, base::Timestamp now, EngineOutput* out);
  void AutoAssign(CaseRecord& c, base::Timestamp now, EngineOutput* out);
  void DrainQueue(int64_t team_id, base::Timestamp now, EngineOutput* out);
  bool CanTake(const AgentInfo& a) const;
  void Enqueue(const CaseRecord& c);
  void Dequeue(const CaseRecord& c);
  void UpdateLoad(const CaseRecord& before, const CaseRecord& after);
  // SLA.
  void EvaluateSlaOf(CaseRecord& c, base::Timestamp now, EngineOutput* out);
  void Schedule(int64_t case_id, base::Timestamp at);
  void Event(const CaseRecord& c, base::Timestamp at, std::string type, std::string actor, std::string detail_json,
             EngineOutput* out);
  void Emit(const CaseRecord& c, EngineOutput* out);  // the case's new state into out->write.cases
  // Points conversation `key` at the case (remembered for Forget).
  void BindThread(const std::string& key, int64_t case_id);
  void Forget(const CaseRecord& c);

  CareSettings settings_;
  std::shared_ptr<const Router> router_;
  std::map<std::string, BusinessCalendar, std::less<>> calendars_;
  std::vector<std::string> own_accounts_;  // folded, without '@'
  std::unordered_map<int64_t, AgentInfo> agents_;
  std::unordered_map<int64_t, TeamInfo> teams_;
  std::unordered_map<int64_t, PresenceState> presence_;
  std::unordered_map<int64_t, int> load_;  // active cases per assignee
  std::unordered_map<int64_t, base::Timestamp> last_assigned_;
  std::unordered_map<int64_t, size_t> rr_cursor_;  // per team: index in member_ids of the last assignee
  // Unassigned active cases per team, most urgent first: (-priority, created_at, id).
  std::unordered_map<int64_t, std::set<std::tuple<int, base::Timestamp, int64_t>>> queue_;

  std::unordered_map<int64_t, CaseRecord> cases_;
  std::unordered_map<std::string, int64_t> by_thread_;          // conversation -> its case
  std::unordered_map<int64_t, std::vector<std::string>> threads_of_;  // case -> conversations bound to it
  std::unordered_map<int64_t, int64_t> by_contact_;  // contact -> its latest case
  std::set<std::pair<base::Timestamp, int64_t>> checks_;  // SLA checks and closings due
  std::unordered_map<int64_t, base::Timestamp> check_of_;
  int64_t next_id_ = 1;
};

}  // namespace ecoute::care
