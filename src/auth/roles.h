// Roles and permissions of ecoute's users (docs/auth.md).
//
// Every HTTP route needs one Permission (api::RouteInfo::permission); a
// user's Role either allows it or not (RoleAllows). The matrix is fixed in
// code, so that what a role may do is the same in every deployment:
//
//   viewer  = self, read, read_reports
//   analyst = viewer + label, manage_queries, manage_alerts, ack_alerts
//   agent   = viewer + label, ack_alerts, read_cases, work_cases
//   lead    = agent + analyst + assign_cases, manage_care, merge_contacts, ingest
//   admin   = every permission (manage_users is admin-only)
//
// kNone is allowed to everyone, signed in or not. Pure functions,
// thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ecoute::auth {

enum class Role : uint8_t { kViewer, kAnalyst, kAgent, kLead, kAdmin };
std::string_view RoleName(Role r);                  // "viewer" | "analyst" | "agent" | "lead" | "admin"
std::optional<Role> ParseRole(std::string_view s);  // case-insensitive

enum class Permission : uint8_t {
  kNone,          // open route: no credentials needed (GET /healthz, POST /api/v1/auth/login)
  kSelf,          // any signed-in user: own profile, logout, own API tokens, own presence
  kRead,          // mentions, search, stats, categories, queries (read), alerts (read), rejects, notifiers, /metrics
  kIngest,        // POST /api/v1/mentions
  kLabel,         // PATCH /api/v1/mentions/{id}/labels
  kManageQueries, // create/update/delete queries
  kManageAlerts,  // alert rules CRUD
  kAckAlerts,     // acknowledge / resolve alerts
  kReadCases,     // cases, contacts, timelines, canned responses (read), assist, presence, users and teams (read)
  kWorkCases,     // reply, note, status, tags, take a case, presence, contact identifiers, accept/reject link suggestions
  kAssignCases,   // assign / transfer to others, change priority
  kManageCare,    // routing rules, SLA policies and calendars, canned responses, teams
  kMergeContacts, // merge / unmerge contacts
  kReadReports,   // SLA and care reports, exports
  kManageUsers,   // users, other users' tokens
};
std::string_view PermissionName(Permission p);     // "none", "self", "read", "ingest", "label", "manage_queries", ... (snake_case of the enum)
bool RoleAllows(Role r, Permission p);

}  // namespace ecoute::auth
