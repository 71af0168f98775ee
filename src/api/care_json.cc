#include "api/care_json.h"

#include <algorithm>
#include <string>
#include <vector>

#include "model/mention.h"

namespace ecoute::api {

using nlohmann::json;

json JsonTime(base::Timestamp t) { return t == 0 ? json(nullptr) : json(base::FormatTimestamp(t)); }

json JsonId(int64_t id) { return id == 0 ? json(nullptr) : json(id); }

namespace {

json TextOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// Whether the target's deadline is running now: started, not met, with a
// deadline.
bool Running(const care::SlaTarget& t) { return t.started_at != 0 && t.met_at == 0 && t.due_at != 0; }

}  // namespace

std::string_view SlaTargetState(const care::SlaTarget& t, base::Timestamp now) {
  if (t.target_minutes == 0 || t.started_at == 0) return "none";
  if (t.breached) return "breached";
  if (t.met_at != 0) return "met";
  if (t.due_at != 0) return now > t.due_at ? "breached" : "running";
  return "paused";
}

json SlaTargetJson(const care::SlaTarget& t, base::Timestamp now) {
  return {{"target_minutes", t.target_minutes == 0 ? json(nullptr) : json(t.target_minutes)},
          {"started_at", JsonTime(t.started_at)},
          {"due_at", JsonTime(t.due_at)},
          {"met_at", JsonTime(t.met_at)},
          {"breached", t.breached},
          {"warned", t.warned},
          {"elapsed_minutes", t.elapsed_minutes < 0 ? json(nullptr) : json(t.elapsed_minutes)},
          {"state", SlaTargetState(t, now)},
          {"remaining_ms", t.target_minutes != 0 && Running(t) ? json(t.due_at - now) : json(nullptr)}};
}

json ShownIdentifierJson(const std::vector<contacts::Identifier>& ids, model::Channel channel) {
  if (ids.empty()) return nullptr;
  auto of_channel = [&](const contacts::Identifier& id) {
    switch (channel) {
      case model::Channel::kEmail: return id.type == contacts::IdentifierType::kEmail;
      case model::Channel::kVoice:
      case model::Channel::kSms: return id.type == contacts::IdentifierType::kPhone;
      default: return id.type == contacts::IdentifierType::kHandle && id.network == model::ChannelName(channel);
    }
  };
  auto it = std::find_if(ids.begin(), ids.end(), of_channel);
  const contacts::Identifier& shown = it != ids.end() ? *it : ids.front();
  return {{"type", contacts::IdentifierTypeName(shown.type)},
          {"network", TextOrNull(shown.network)},
          {"value", shown.value}};
}

json CaseJson(const care::CaseRecord& c, const CaseJsonContext& ctx) {
  json team = nullptr;
  if (c.team_id != 0) {
    auto it = ctx.team_names.find(c.team_id);
    team = {{"id", c.team_id}, {"name", it == ctx.team_names.end() ? json(nullptr) : json(it->second)}};
  }
  json assignee = nullptr;
  if (c.assignee_id != 0) {
    auto it = ctx.users.find(c.assignee_id);
    assignee = {{"id", c.assignee_id},
                {"login", it == ctx.users.end() ? json(nullptr) : json(it->second.login)},
                {"display_name", it == ctx.users.end() ? json(nullptr) : json(it->second.display_name)}};
  }
  json contact = nullptr;
  if (c.contact_id != 0) {
    auto it = ctx.contacts.find(c.contact_id);
    if (it == ctx.contacts.end()) {
      contact = {{"id", c.contact_id}, {"display_name", nullptr}, {"vip", false}, {"identifier", nullptr}};
    } else {
      const contacts::ContactBrief& b = it->second;
      contact = {{"id", b.id},
                 {"display_name", b.display_name},
                 {"vip", b.vip},
                 {"identifier", ShownIdentifierJson(b.identifiers, c.channel)}};
    }
  }
  json timeline = json::array();
  for (const care::SlaEvent& e : c.sla_timeline)
    timeline.push_back({{"at", JsonTime(e.at)}, {"kind", care::SlaEventKindName(e.kind)}});
  return {{"id", c.id},
          {"status", care::CaseStatusName(c.status)},
          {"priority", care::PriorityName(c.priority)},
          {"priority_manual", c.priority_manual},
          {"subject", c.subject},
          {"channel", model::ChannelName(c.channel)},
          {"account", c.account},
          {"thread_key", c.thread_key},
          {"contact_id", JsonId(c.contact_id)},
          {"contact", std::move(contact)},
          {"language", c.language},
          {"category", TextOrNull(c.category)},
          {"severity", c.severity},
          {"severity_level", TextOrNull(c.severity_level)},
          {"severity_reasons", c.severity_reasons},
          {"query_ids", c.query_ids},
          {"team_id", JsonId(c.team_id)},
          {"team", std::move(team)},
          {"assignee_id", JsonId(c.assignee_id)},
          {"assignee", std::move(assignee)},
          {"routing_rule", TextOrNull(c.routing_rule)},
          {"tags", c.tags},
          {"first_message_id", JsonId(c.first_message_id)},
          {"last_message_id", JsonId(c.last_message_id)},
          {"message_count", c.message_count},
          {"created_at", JsonTime(c.created_at)},
          {"updated_at", JsonTime(c.updated_at)},
          {"last_customer_at", JsonTime(c.last_customer_at)},
          {"last_agent_at", JsonTime(c.last_agent_at)},
          {"first_response_at", JsonTime(c.first_response_at)},
          {"pending_since", JsonTime(c.pending_since)},
          {"resolved_at", JsonTime(c.resolved_at)},
          {"closed_at", JsonTime(c.closed_at)},
          {"reopen_count", c.reopen_count},
          {"sla_policy", TextOrNull(c.sla_policy)},
          {"sla_state", care::CaseSlaStateName(care::SlaStateOf(c))},
          {"next_due_at", JsonTime(care::NextSlaDue(c))},
          {"first_response", SlaTargetJson(c.first_response, ctx.now)},
          {"next_response", SlaTargetJson(c.next_response, ctx.now)},
          {"resolution", SlaTargetJson(c.resolution, ctx.now)},
          {"sla_timeline", std::move(timeline)}};
}

json CaseEventJson(const care::CaseEvent& e) {
  json detail = json::parse(e.detail_json, nullptr, /*allow_exceptions=*/false);
  if (detail.is_discarded()) detail = e.detail_json;
  return {{"id", e.id},     {"case_id", e.case_id}, {"at", JsonTime(e.at)},
          {"type", e.type}, {"actor", e.actor},     {"detail", std::move(detail)}};
}

json ReplyJson(const care::ReplyRecord& r) {
  return {{"id", r.id},
          {"case_id", r.case_id},
          {"user_id", JsonId(r.user_id)},
          {"user_login", r.user_login},
          {"in_reply_to", JsonId(r.in_reply_to_mention_id)},
          {"mention_id", JsonId(r.mention_id)},
          {"connector", TextOrNull(r.connector)},
          {"state", r.state},
          {"error", TextOrNull(r.error)},
          {"external_id", TextOrNull(r.external_id)},
          {"text", r.text},
          {"canned", TextOrNull(r.canned)},
          {"attempts", r.attempts},
          {"created_at", JsonTime(r.created_at)},
          {"sent_at", JsonTime(r.sent_at)}};
}

json ViewerJson(const care::CaseViewer& v) {
  return {{"user_id", v.user_id},         {"login", v.login},
          {"display_name", v.display_name}, {"state", v.state},
          {"since", JsonTime(v.since)},    {"seen_at", JsonTime(v.seen_at)},
          {"message_id", JsonId(v.message_id)}};
}

json AgentLoadJson(const care::AgentLoad& a) {
  return {{"id", a.agent.id},
          {"login", a.agent.login},
          {"display_name", a.agent.display_name},
          {"capacity", a.agent.capacity},
          {"team_ids", a.agent.team_ids},
          {"disabled", a.agent.disabled},
          {"presence", care::PresenceName(a.presence)},
          {"presence_since", JsonTime(a.presence_since)},
          {"active_cases", a.active_cases}};
}

json PresenceJson(int64_t user_id, const care::PresenceState& p) {
  return {{"user_id", user_id}, {"status", care::PresenceName(p.presence)}, {"since", JsonTime(p.since)}};
}

json RenderedJson(const care::Rendered& r) {
  return {{"language", r.language}, {"text", r.text}, {"missing", r.missing}};
}

json IdentifierJson(const contacts::StoredIdentifier& s) {
  return {{"type", contacts::IdentifierTypeName(s.identifier.type)},
          {"network", TextOrNull(s.identifier.network)},
          {"value", s.identifier.value},
          {"source", s.source},
          {"verified", s.verified},
          {"first_seen", JsonTime(s.first_seen)},
          {"mention_id", JsonId(s.mention_id)},
          {"contact_id", s.contact_id}};
}

json ContactJson(const contacts::Contact& c) {
  json ids = json::array();
  for (const contacts::StoredIdentifier& s : c.identifiers) ids.push_back(IdentifierJson(s));
  return {{"id", c.id},
          {"display_name", c.display_name},
          {"vip", c.vip},
          {"notes", c.notes},
          {"merged_into", JsonId(c.merged_into)},
          {"identifiers", std::move(ids)},
          {"created_at", JsonTime(c.created_at)},
          {"updated_at", JsonTime(c.updated_at)},
          {"last_seen_at", JsonTime(c.last_seen_at)},
          {"message_count", c.message_count},
          {"channels", c.channels},
          {"merged_ids", c.merged_ids},
          {"resolved_from", JsonId(c.resolved_from)}};
}

json ContactSummaryJson(const contacts::Contact& c) {
  json ids = json::array();
  for (const contacts::StoredIdentifier& s : c.identifiers) {
    ids.push_back({{"type", contacts::IdentifierTypeName(s.identifier.type)},
                   {"network", TextOrNull(s.identifier.network)},
                   {"value", s.identifier.value},
                   {"verified", s.verified}});
  }
  return {{"id", c.id},
          {"display_name", c.display_name},
          {"vip", c.vip},
          {"channels", c.channels},
          {"identifiers", std::move(ids)},
          {"message_count", c.message_count},
          {"last_seen_at", JsonTime(c.last_seen_at)}};
}

json EvidenceJson(const contacts::Evidence& e) {
  return {{"kind", e.kind}, {"detail", e.detail}, {"mention_id", JsonId(e.mention_id)}, {"value", e.value}};
}

json SuggestionJson(const contacts::Suggestion& s) {
  json evidence = json::array();
  for (const contacts::Evidence& e : s.evidence) evidence.push_back(EvidenceJson(e));
  return {{"id", s.id},
          {"contact_a", s.contact_a},
          {"contact_b", s.contact_b},
          {"score", s.score},
          {"evidence", std::move(evidence)},
          {"state", s.state},
          {"created_at", JsonTime(s.created_at)},
          {"updated_at", JsonTime(s.updated_at)},
          {"decided_at", JsonTime(s.decided_at)},
          {"decided_by", TextOrNull(s.decided_by)}};
}

json MergeJson(const contacts::MergeRecord& m) {
  return {{"id", m.id},
          {"into", m.into},
          {"from", m.from},
          {"user", m.user},
          {"reason", TextOrNull(m.reason)},
          {"at", JsonTime(m.at)},
          {"suggestion_id", JsonId(m.suggestion_id)},
          {"undone_at", JsonTime(m.undone_at)},
          {"undone_by", TextOrNull(m.undone_by)}};
}

json ContactAuditJson(const contacts::AuditEntry& a) {
  return {{"id", a.id},
          {"contact_id", a.contact_id},
          {"at", JsonTime(a.at)},
          {"actor", a.actor},
          {"action", a.action},
          {"detail", a.detail},
          {"other_contact_id", JsonId(a.other_contact_id)},
          {"merge_id", JsonId(a.merge_id)},
          {"suggestion_id", JsonId(a.suggestion_id)}};
}

}  // namespace ecoute::api
