#include "auth/roles.h"

namespace ecoute::auth {

std::string_view RoleName(Role r) {
  switch (r) {
    case Role::kViewer: return "viewer";
    case Role::kAnalyst: return "analyst";
    case Role::kAgent: return "agent";
    case Role::kLead: return "lead";
    case Role::kAdmin: return "admin";
  }
  return "viewer";
}

std::optional<Role> ParseRole(std::string_view s) {
  for (Role r : {Role::kViewer, Role::kAnalyst, Role::kAgent, Role::kLead, Role::kAdmin}) {
    std::string_view name = RoleName(r);
    if (name.size() != s.size()) continue;
    bool same = true;
    for (size_t i = 0; i < s.size() && same; ++i) {
      char c = s[i];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      same = c == name[i];
    }
    if (same) return r;
  }
  return std::nullopt;
}

std::string_view PermissionName(Permission p) {
  switch (p) {
    case Permission::kNone: return "none";
    case Permission::kSelf: return "self";
    case Permission::kRead: return "read";
    case Permission::kIngest: return "ingest";
    case Permission::kLabel: return "label";
    case Permission::kManageQueries: return "manage_queries";
    case Permission::kManageAlerts: return "manage_alerts";
    case Permission::kAckAlerts: return "ack_alerts";
    case Permission::kReadCases: return "read_cases";
    case Permission::kWorkCases: return "work_cases";
    case Permission::kAssignCases: return "assign_cases";
    case Permission::kManageCare: return "manage_care";
    case Permission::kMergeContacts: return "merge_contacts";
    case Permission::kReadReports: return "read_reports";
    case Permission::kManageUsers: return "manage_users";
  }
  return "manage_users";
}

namespace {

bool ViewerAllows(Permission p) {
  return p == Permission::kNone || p == Permission::kSelf || p == Permission::kRead || p == Permission::kReadReports;
}

bool AnalystAllows(Permission p) {
  return ViewerAllows(p) || p == Permission::kLabel || p == Permission::kManageQueries ||
         p == Permission::kManageAlerts || p == Permission::kAckAlerts;
}

bool AgentAllows(Permission p) {
  return ViewerAllows(p) || p == Permission::kLabel || p == Permission::kAckAlerts || p == Permission::kReadCases ||
         p == Permission::kWorkCases;
}

bool LeadAllows(Permission p) {
  return AgentAllows(p) || AnalystAllows(p) || p == Permission::kAssignCases || p == Permission::kManageCare ||
         p == Permission::kMergeContacts || p == Permission::kIngest;
}

}  // namespace

bool RoleAllows(Role r, Permission p) {
  switch (r) {
    case Role::kViewer: return ViewerAllows(p);
    case Role::kAnalyst: return AnalystAllows(p);
    case Role::kAgent: return AgentAllows(p);
    case Role::kLead: return LeadAllows(p);
    case Role::kAdmin: return true;
  }
  return false;
}

}  // namespace ecoute::auth
