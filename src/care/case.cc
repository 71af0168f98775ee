#include "care/case.h"

#include <array>

#include "base/ascii.h"

namespace ecoute::care {
namespace {

constexpr std::array<std::string_view, 5> kStatusNames = {"new", "open", "pending", "resolved", "closed"};
constexpr std::array<std::string_view, 4> kPriorityNames = {"low", "normal", "high", "urgent"};
constexpr std::array<std::string_view, 6> kSlaEventNames = {"customer", "agent", "pending", "resumed", "resolved", "reopened"};
constexpr std::array<std::string_view, 3> kCaseSlaStateNames = {"ok", "warning", "breached"};

}  // namespace

std::string ThreadKey(const model::Mention& m) {
  return std::string(model::ChannelName(m.channel)) + ":" + (m.thread_id.empty() ? m.native_id : m.thread_id);
}

std::string_view CaseStatusName(CaseStatus s) { return kStatusNames[static_cast<size_t>(s)]; }

std::optional<CaseStatus> ParseCaseStatus(std::string_view s) {
  for (size_t i = 0; i < kStatusNames.size(); ++i) {
    if (base::EqualsIgnoreAsciiCase(s, kStatusNames[i])) return static_cast<CaseStatus>(i);
  }
  return std::nullopt;
}

std::string_view PriorityName(Priority p) { return kPriorityNames[static_cast<size_t>(p)]; }

std::optional<Priority> ParsePriority(std::string_view s) {
  for (size_t i = 0; i < kPriorityNames.size(); ++i) {
    if (base::EqualsIgnoreAsciiCase(s, kPriorityNames[i])) return static_cast<Priority>(i);
  }
  return std::nullopt;
}

std::string_view SlaEventKindName(SlaEventKind k) { return kSlaEventNames[static_cast<size_t>(k)]; }

std::optional<SlaEventKind> ParseSlaEventKind(std::string_view s) {
  for (size_t i = 0; i < kSlaEventNames.size(); ++i) {
    if (base::EqualsIgnoreAsciiCase(s, kSlaEventNames[i])) return static_cast<SlaEventKind>(i);
  }
  return std::nullopt;
}

base::Timestamp NextSlaDue(const CaseRecord& c) {
  if (c.status != CaseStatus::kNew && c.status != CaseStatus::kOpen) return 0;
  base::Timestamp due = 0;
  for (const SlaTarget* t : {&c.first_response, &c.next_response, &c.resolution}) {
    if (t->started_at != 0 && t->met_at == 0 && t->due_at != 0 && (due == 0 || t->due_at < due)) due = t->due_at;
  }
  return due;
}

std::string_view CaseSlaStateName(CaseSlaState s) { return kCaseSlaStateNames[static_cast<size_t>(s)]; }

std::optional<CaseSlaState> ParseCaseSlaState(std::string_view s) {
  for (size_t i = 0; i < kCaseSlaStateNames.size(); ++i) {
    if (base::EqualsIgnoreAsciiCase(s, kCaseSlaStateNames[i])) return static_cast<CaseSlaState>(i);
  }
  return std::nullopt;
}

CaseSlaState SlaStateOf(const CaseRecord& c) {
  const SlaTarget* targets[] = {&c.first_response, &c.next_response, &c.resolution};
  bool warned = false;
  for (const SlaTarget* t : targets) {
    if (t->breached) return CaseSlaState::kBreached;
    warned = warned || (t->warned && t->started_at != 0 && t->met_at == 0);
  }
  return warned && IsActive(c.status) ? CaseSlaState::kWarning : CaseSlaState::kOk;
}

Priority PriorityFromSeverity(std::string_view level) {
  if (level == "critical") return Priority::kUrgent;
  if (level == "high") return Priority::kHigh;
  if (level == "medium") return Priority::kNormal;
  if (level == "low" || level == "none") return Priority::kLow;
  return Priority::kNormal;
}

}  // namespace ecoute::care
