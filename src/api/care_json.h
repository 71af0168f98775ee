// Internal to the api module: JSON shapes of the care inbox routes
// (docs/api/care.yaml: Case, SlaTarget, CaseEvent, CaseReply, CaseViewer,
// AgentLoad, Rendered, Contact, ContactIdentifier, ContactSummary,
// LinkSuggestion, LinkEvidence, ContactMerge, ContactAuditEntry). Timestamps are RFC 3339 UTC, null when 0;
// ids that are 0 ("none") are null. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "base/time.h"
#include "care/case.h"
#include "care/case_db.h"
#include "care/engine.h"
#include "care/service.h"
#include "contacts/contact_store.h"

namespace ecoute::api {

// What a case's JSON shows besides the record: the team's name, the
// assignee's names, the contact's brief, and the instant the SLA times are
// measured from.
struct CaseJsonContext {
  base::Timestamp now = 0;
  std::map<int64_t, std::string> team_names;  // team id -> name
  struct Person {
    std::string login;
    std::string display_name;
  };
  std::map<int64_t, Person> users;  // user id -> names
  std::map<int64_t, contacts::ContactBrief> contacts;  // CaseRecord::contact_id -> its canonical contact
};

// The identifier a case on `channel` shows for its contact: the first of
// `ids` the channel's authors have (a handle of that network; the e-mail
// address for e-mail; the phone number for voice and SMS), else the first
// of `ids`; null when `ids` is empty. {"type", "network", "value"}.
nlohmann::json ShownIdentifierJson(const std::vector<contacts::Identifier>& ids, model::Channel channel);

// The state of one SLA target of a case:
//   "none"     no target, or its clock has not started;
//   "met"      met in time;
//   "breached" its deadline passed (met late, or not met and now > due_at);
//   "running"  its clock runs and the deadline is ahead;
//   "paused"   started, not met, no deadline running (the case is pending
//              or resolved).
std::string_view SlaTargetState(const care::SlaTarget& t, base::Timestamp now);

// {"target_minutes" (null when 0), "started_at", "due_at", "met_at",
//  "breached", "warned", "elapsed_minutes" (null while not met), "state",
//  "remaining_ms"}: remaining_ms = due_at - now while the deadline runs
// (negative once overdue), null otherwise.
nlohmann::json SlaTargetJson(const care::SlaTarget& t, base::Timestamp now);

// Every CaseRecord field (enums by name), plus "team" {id, name},
// "assignee" {id, login, display_name} and "contact" {id (the canonical
// contact), display_name, vip, identifier (ShownIdentifierJson)} (null
// when none; a name unknown to the context is null), "sla_state"
// (care::SlaStateOf) and "next_due_at" (care::NextSlaDue, null when none).
nlohmann::json CaseJson(const care::CaseRecord& c, const CaseJsonContext& ctx);

// {"id", "case_id", "at", "type", "actor", "detail"}: detail is the
// event's detail_json parsed (an object; the raw text when it does not
// parse).
nlohmann::json CaseEventJson(const care::CaseEvent& e);
nlohmann::json ReplyJson(const care::ReplyRecord& r);
nlohmann::json ViewerJson(const care::CaseViewer& v);
nlohmann::json AgentLoadJson(const care::AgentLoad& a);
// {"user_id", "status" (online | away | offline), "since" (null when never set)}.
nlohmann::json PresenceJson(int64_t user_id, const care::PresenceState& p);
// {"language", "text", "missing"}.
nlohmann::json RenderedJson(const care::Rendered& r);

// Contacts.
nlohmann::json IdentifierJson(const contacts::StoredIdentifier& s);
// The canonical view: {"id", "display_name", "vip", "notes", "merged_into",
// "identifiers", "created_at", "updated_at", "last_seen_at",
// "message_count", "channels", "merged_ids", "resolved_from"}.
nlohmann::json ContactJson(const contacts::Contact& c);
// A short form for case pages: {"id", "display_name", "vip", "channels",
// "identifiers" (type, network, value), "message_count", "last_seen_at"}.
nlohmann::json ContactSummaryJson(const contacts::Contact& c);
nlohmann::json EvidenceJson(const contacts::Evidence& e);
nlohmann::json SuggestionJson(const contacts::Suggestion& s);
nlohmann::json MergeJson(const contacts::MergeRecord& m);
nlohmann::json ContactAuditJson(const contacts::AuditEntry& a);

// RFC 3339, null when 0.
nlohmann::json JsonTime(base::Timestamp t);
// The id, null when 0.
nlohmann::json JsonId(int64_t id);

}  // namespace ecoute::api
