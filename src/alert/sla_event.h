// An SLA event of the care inbox, as the alert engine takes it: a case's
// first-response, next-response or resolution target got its warning (a
// share of its business time elapsed) or was breached.
//
// A plain value the care side fills (alert does not depend on care); the
// engine's `sla` rules fire on it (Engine::ObserveSla,
// AlertService::OnSlaEvents, docs/alerts.md). Only base/time.h is needed.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/time.h"

namespace ecoute::alert {

struct SlaEventInput {
  std::string kind;          // "warning" | "breach"
  std::string target;        // "first_response" | "next_response" | "resolution"
  int64_t case_id = 0;
  std::string subject;       // the case's subject
  std::string team;          // team name, "" = none
  std::string priority;      // low | normal | high | urgent
  std::string channel;       // channel name (model::ChannelName)
  std::string account;       // the brand account of the case, "" = unknown
  int64_t assignee_id = 0;   // 0 = unassigned
  base::Timestamp due_at = 0;
  base::Timestamp at = 0;    // when it happened (event time)
  std::string case_url;      // link for the notification, may be empty
};

// The values `kind`, `target` and `priority` take (and that the rules'
// `events`, `targets` and `priorities` accept).
inline constexpr std::array<std::string_view, 2> kSlaEventKinds = {"warning", "breach"};
inline constexpr std::array<std::string_view, 3> kSlaTargets = {"first_response", "next_response", "resolution"};
inline constexpr std::array<std::string_view, 4> kCasePriorities = {"low", "normal", "high", "urgent"};

}  // namespace ecoute::alert
