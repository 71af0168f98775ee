#include "auth/roles.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace ecoute::auth {
namespace {

constexpr Role kRoles[] = {Role::kViewer, Role::kAnalyst, Role::kAgent, Role::kLead, Role::kAdmin};

TEST(Roles, NamesRoundTripCaseInsensitively) {
  std::set<std::string> names;
  for (Role r : kRoles) {
    names.insert(std::string(RoleName(r)));
    EXPECT_EQ(ParseRole(RoleName(r)), r);
  }
  EXPECT_EQ(names, (std::set<std::string>{"viewer", "analyst", "agent", "lead", "admin"}));
  EXPECT_EQ(ParseRole("ADMIN"), Role::kAdmin);
  EXPECT_EQ(ParseRole("Lead"), Role::kLead);
  EXPECT_EQ(ParseRole("root"), std::nullopt);
  EXPECT_EQ(ParseRole(""), std::nullopt);
  EXPECT_EQ(ParseRole("admins"), std::nullopt);
}

TEST(Roles, PermissionNamesAreTheSnakeCaseOfTheEnum) {
  EXPECT_EQ(PermissionName(Permission::kNone), "none");
  EXPECT_EQ(PermissionName(Permission::kSelf), "self");
  EXPECT_EQ(PermissionName(Permission::kRead), "read");
  EXPECT_EQ(PermissionName(Permission::kIngest), "ingest");
  EXPECT_EQ(PermissionName(Permission::kLabel), "label");
  EXPECT_EQ(PermissionName(Permission::kManageQueries), "manage_queries");
  EXPECT_EQ(PermissionName(Permission::kManageAlerts), "manage_alerts");
  EXPECT_EQ(PermissionName(Permission::kAckAlerts), "ack_alerts");
  EXPECT_EQ(PermissionName(Permission::kReadCases), "read_cases");
  EXPECT_EQ(PermissionName(Permission::kWorkCases), "work_cases");
  EXPECT_EQ(PermissionName(Permission::kAssignCases), "assign_cases");
  EXPECT_EQ(PermissionName(Permission::kManageCare), "manage_care");
  EXPECT_EQ(PermissionName(Permission::kMergeContacts), "merge_contacts");
  EXPECT_EQ(PermissionName(Permission::kReadReports), "read_reports");
  EXPECT_EQ(PermissionName(Permission::kManageUsers), "manage_users");
}

// The whole matrix, written out: one row per permission, one column per
// role (viewer, analyst, agent, lead, admin).
TEST(Roles, MatrixAsDocumented) {
  struct Row {
    Permission p;
    bool viewer, analyst, agent, lead, admin;
  };
  const Row kMatrix[] = {
      {Permission::kNone, true, true, true, true, true},
      {Permission::kSelf, true, true, true, true, true},
      {Permission::kRead, true, true, true, true, true},
      {Permission::kIngest, false, false, false, true, true},
      {Permission::kLabel, false, true, true, true, true},
      {Permission::kManageQueries, false, true, false, true, true},
      {Permission::kManageAlerts, false, true, false, true, true},
      {Permission::kAckAlerts, false, true, true, true, true},
      {Permission::kReadCases, false, false, true, true, true},
      {Permission::kWorkCases, false, false, true, true, true},
      {Permission::kAssignCases, false, false, false, true, true},
      {Permission::kManageCare, false, false, false, true, true},
      {Permission::kMergeContacts, false, false, false, true, true},
      {Permission::kReadReports, true, true, true, true, true},
      {Permission::kManageUsers, false, false, false, false, true},
  };
  ASSERT_EQ(std::size(kMatrix), static_cast<size_t>(Permission::kManageUsers) + 1) << "a permission is missing";
  for (const Row& row : kMatrix) {
    SCOPED_TRACE(std::string(PermissionName(row.p)));
    EXPECT_EQ(RoleAllows(Role::kViewer, row.p), row.viewer);
    EXPECT_EQ(RoleAllows(Role::kAnalyst, row.p), row.analyst);
    EXPECT_EQ(RoleAllows(Role::kAgent, row.p), row.agent);
    EXPECT_EQ(RoleAllows(Role::kLead, row.p), row.lead);
    EXPECT_EQ(RoleAllows(Role::kAdmin, row.p), row.admin);
  }
}

TEST(Roles, LeadIsAgentPlusAnalystAndAdminIsEverything) {
  for (int i = 0; i <= static_cast<int>(Permission::kManageUsers); ++i) {
    const auto p = static_cast<Permission>(i);
    if (RoleAllows(Role::kAgent, p) || RoleAllows(Role::kAnalyst, p)) {
      EXPECT_TRUE(RoleAllows(Role::kLead, p));
    }
    if (RoleAllows(Role::kViewer, p)) {
      EXPECT_TRUE(RoleAllows(Role::kAgent, p));
      EXPECT_TRUE(RoleAllows(Role::kAnalyst, p));
    }
    EXPECT_TRUE(RoleAllows(Role::kAdmin, p));
  }
}

}  // namespace
}  // namespace ecoute::auth
