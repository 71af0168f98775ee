#include "auth/directory.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <random>
#include <string>

#include "auth/password.h"

namespace ecoute::auth {
namespace {

namespace fs = std::filesystem;

base::Timestamp T(const char* s) { return *base::ParseTimestamp(s); }

// A directory of its own per test, on a temporary file or in memory.
class DirectoryTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(":memory:"); }

  void Open(const std::string& path) {
    dir_.reset();
    DirectoryOptions o;
    o.password_cost = MinimalCost();
    o.clock = &clock_;
    auto d = Directory::Open(path, o);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    dir_ = std::move(*d);
  }

  User MakeUser(const std::string& login, Role role = Role::kAgent) {
    User u;
    u.login = login;
    u.role = role;
    auto created = dir_->CreateUser(u, "long enough password", cli_);
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? *created : User{};
  }

  std::vector<AuditEntry> AuditAll() {
    auto a = dir_->Audit(AuditFilter{});
    EXPECT_TRUE(a.ok()) << a.status().ToString();
    return a.ok() ? *a : std::vector<AuditEntry>{};
  }

  base::FakeClock clock_{T("2024-06-01T09:00:00Z")};
  const Actor cli_{"cli", ""};
  std::unique_ptr<Directory> dir_;
};

// A temporary file path, removed (with its WAL) at the end.
class TempDb {
 public:
  TempDb() {
    std::random_device rd;
    path_ = (fs::temp_directory_path() / ("ecoute-auth-" + std::to_string(rd()) + ".db")).string();
  }
  ~TempDb() {
    for (const char* suffix : {"", "-wal", "-shm"}) fs::remove(path_ + suffix);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST_F(DirectoryTest, CreateUserNormalisesAndDefaults) {
  User u;
  u.login = "Alice.Martin";
  u.role = Role::kLead;
  u.email = "alice@example.org";
  auto created = dir_->CreateUser(u, "long enough password", cli_);
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_GT(created->id, 0);
  EXPECT_EQ(created->login, "alice.martin");
  EXPECT_EQ(created->display_name, "alice.martin");
  EXPECT_EQ(created->role, Role::kLead);
  EXPECT_EQ(created->language, "fr");
  EXPECT_EQ(created->time_zone, "Europe/Paris");
  EXPECT_EQ(created->capacity, 10);
  EXPECT_FALSE(created->disabled);
  EXPECT_EQ(created->created_at, clock_.Now());
  EXPECT_EQ(created->last_login_at, 0);

  auto found = dir_->FindUser("ALICE.martin");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, created->id);
  auto hash = dir_->PasswordHash(created->id);
  ASSERT_TRUE(hash.ok());
  EXPECT_TRUE(VerifyPassword(*hash, "long enough password"));
  EXPECT_EQ(dir_->CountUsers().value(), 1);

  auto taken = dir_->CreateUser(u, "long enough password", cli_);
  EXPECT_EQ(taken.status().code(), base::StatusCode::kAlreadyExists);
  EXPECT_EQ(taken.status().message(), "login: \"alice.martin\" is taken");
  EXPECT_EQ(dir_->GetUser(999).status().message(), "user 999: no such user");
  EXPECT_EQ(dir_->FindUser("bob").status().code(), base::StatusCode::kNotFound);
}

TEST_F(DirectoryTest, BadFieldsNameTheField) {
  struct Case {
    std::function<void(User&)> edit;
    std::string prefix;
  };
  const std::vector<Case> cases = {
      {[](User& u) { u.login = "bad login"; }, "login: "},
      {[](User& u) { u.login = ""; }, "login: "},
      {[](User& u) { u.login = std::string(65, 'a'); }, "login: "},
      {[](User& u) { u.display_name = "tab\there"; }, "display_name: "},
      {[](User& u) { u.display_name = std::string(129, 'x'); }, "display_name: "},
      {[](User& u) { u.email = "nobody"; }, "email: "},
      {[](User& u) { u.language = "de"; }, "language: "},
      {[](User& u) { u.time_zone = "Mars/Olympus"; }, "time_zone: "},
      {[](User& u) { u.capacity = 1001; }, "capacity: "},
      {[](User& u) { u.capacity = -1; }, "capacity: "},
      {[](User& u) { u.team_ids = {42}; }, "team_ids: no team with id 42"},
  };
  for (const Case& c : cases) {
    User u;
    u.login = "carol";
    c.edit(u);
    auto r = dir_->CreateUser(u, "long enough password", cli_);
    ASSERT_FALSE(r.ok()) << c.prefix;
    EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument) << r.status().ToString();
    EXPECT_EQ(r.status().message().rfind(c.prefix, 0), 0u) << r.status().message();
  }
  User u;
  u.login = "carol";
  auto r = dir_->CreateUser(u, "short", cli_);
  EXPECT_EQ(r.status().message(), "password: must be at least 10 characters, got 5");
  EXPECT_EQ(dir_->CountUsers().value(), 0);
}

TEST_F(DirectoryTest, UpdateUserChangesFieldsAndAudits) {
  User u = MakeUser("dave", Role::kViewer);
  clock_.Advance(1000);
  u.display_name = "Dave D.";
  u.role = Role::kAnalyst;
  u.language = "en";
  u.time_zone = "America/New_York";
  u.capacity = 3;
  auto updated = dir_->UpdateUser(u, Actor{"admin", "10.0.0.1"});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->display_name, "Dave D.");
  EXPECT_EQ(updated->role, Role::kAnalyst);
  EXPECT_EQ(updated->capacity, 3);
  EXPECT_EQ(updated->updated_at, clock_.Now());
  EXPECT_EQ(updated->created_at, clock_.Now() - 1000);

  std::vector<AuditEntry> log = AuditAll();
  ASSERT_EQ(log.size(), 3u);  // newest first
  EXPECT_EQ(log[0].action, "role.changed");
  EXPECT_EQ(log[0].detail, "role viewer -> analyst");
  EXPECT_EQ(log[0].actor, "admin");
  EXPECT_EQ(log[0].client_ip, "10.0.0.1");
  EXPECT_EQ(log[0].target, "user:dave");
  EXPECT_EQ(log[1].action, "user.updated");
  EXPECT_EQ(log[1].detail, "fields: display_name, language, time_zone, capacity");
  EXPECT_EQ(log[2].action, "user.created");
  EXPECT_EQ(log[2].actor, "cli");

  u.login = "david";
  EXPECT_EQ(dir_->UpdateUser(u, cli_).status().message(), "login: cannot be changed (dave)");
  u.login = "dave";
  u.id = 77;
  EXPECT_EQ(dir_->UpdateUser(u, cli_).status().code(), base::StatusCode::kNotFound);
}

TEST_F(DirectoryTest, TheLastEnabledAdminStays) {
  User admin = MakeUser("root", Role::kAdmin);
  User demoted = admin;
  demoted.role = Role::kLead;
  auto r = dir_->UpdateUser(demoted, cli_);
  EXPECT_EQ(r.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(r.status().message().rfind("role: root is the last enabled admin", 0), 0u) << r.status().message();
  User disabled = admin;
  disabled.disabled = true;
  EXPECT_EQ(dir_->UpdateUser(disabled, cli_).status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(dir_->DisableUser(admin.id, cli_).code(), base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(dir_->DeleteUser(admin.id, cli_).code(), base::StatusCode::kFailedPrecondition);

  // With a second admin, the first may go.
  User second = MakeUser("root2", Role::kAdmin);
  EXPECT_TRUE(dir_->UpdateUser(demoted, cli_).ok());
  EXPECT_EQ(dir_->DeleteUser(second.id, cli_).code(), base::StatusCode::kFailedPrecondition);
  // A disabled admin does not count.
  demoted.role = Role::kAdmin;
  demoted.disabled = true;
  ASSERT_TRUE(dir_->UpdateUser(demoted, cli_).ok());
  EXPECT_EQ(dir_->DisableUser(second.id, cli_).code(), base::StatusCode::kFailedPrecondition);
  EXPECT_TRUE(dir_->DeleteUser(admin.id, cli_).ok()) << "a disabled admin may be deleted";
}

TEST_F(DirectoryTest, TeamsAndMembershipsFromBothSides) {
  User a = MakeUser("agent1"), b = MakeUser("agent2"), c = MakeUser("agent3");
  Team t;
  t.name = "care";
  t.member_ids = {b.id, a.id, a.id};
  auto team = dir_->CreateTeam(t, cli_);
  ASSERT_TRUE(team.ok()) << team.status().ToString();
  EXPECT_EQ(team->display_name, "care");
  EXPECT_EQ(team->assignment, "round_robin");
  EXPECT_EQ(team->member_ids, (std::vector<int64_t>{a.id, b.id}));
  EXPECT_EQ(dir_->GetUser(a.id)->team_ids, (std::vector<int64_t>{team->id}));
  EXPECT_EQ(dir_->CreateTeam(t, cli_).status().code(), base::StatusCode::kAlreadyExists);

  Team bad = t;
  bad.name = "Care Team";
  EXPECT_EQ(dir_->CreateTeam(bad, cli_).status().message().rfind("name: ", 0), 0u);
  bad = t;
  bad.name = "x";
  bad.assignment = "random";
  EXPECT_EQ(dir_->CreateTeam(bad, cli_).status().message().rfind("assignment: ", 0), 0u);
  bad.assignment = "manual";
  bad.member_ids = {999};
  EXPECT_EQ(dir_->CreateTeam(bad, cli_).status().message(), "member_ids: no user with id 999");

  // A user's team_ids edit the same memberships.
  User c2 = c;
  c2.team_ids = {team->id};
  ASSERT_TRUE(dir_->UpdateUser(c2, cli_).ok());
  EXPECT_EQ(dir_->GetTeam(team->id)->member_ids, (std::vector<int64_t>{a.id, b.id, c.id}));

  Team renamed = *team;
  renamed.name = "support";
  renamed.assignment = "least_loaded";
  renamed.member_ids = {c.id};
  auto updated = dir_->UpdateTeam(renamed, cli_);
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->name, "support");
  EXPECT_EQ(updated->member_ids, (std::vector<int64_t>{c.id}));
  EXPECT_TRUE(dir_->GetUser(a.id)->team_ids.empty());
  EXPECT_EQ(dir_->FindTeam("support")->id, team->id);
  EXPECT_EQ(dir_->FindTeam("care").status().code(), base::StatusCode::kNotFound);
  auto teams = dir_->ListTeams();
  ASSERT_TRUE(teams.ok());
  ASSERT_EQ(teams->size(), 1u);
  EXPECT_EQ((*teams)[0].member_ids, (std::vector<int64_t>{c.id}));

  // Deleting the user removes the membership; deleting the team too.
  ASSERT_TRUE(dir_->DeleteUser(c.id, cli_).ok());
  EXPECT_TRUE(dir_->GetTeam(team->id)->member_ids.empty());
  ASSERT_TRUE(dir_->DeleteTeam(team->id, cli_).ok());
  EXPECT_EQ(dir_->GetTeam(team->id).status().code(), base::StatusCode::kNotFound);
  auto log = dir_->Audit([&] { AuditFilter f; f.action = "team."; return f; }());
  ASSERT_TRUE(log.ok());
  ASSERT_EQ(log->size(), 3u);
  EXPECT_EQ((*log)[0].action, "team.deleted");
  EXPECT_EQ((*log)[1].action, "team.updated");
  EXPECT_EQ((*log)[1].detail, "name care -> support, assignment least_loaded, members 1");
  EXPECT_EQ((*log)[2].action, "team.created");
}

TEST_F(DirectoryTest, ListUsersIsByLoginWithTeams) {
  MakeUser("zoe");
  User a = MakeUser("anna");
  Team t;
  t.name = "night";
  t.member_ids = {a.id};
  ASSERT_TRUE(dir_->CreateTeam(t, cli_).ok());
  auto users = dir_->ListUsers();
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].login, "anna");
  EXPECT_EQ((*users)[0].team_ids.size(), 1u);
  EXPECT_EQ((*users)[1].login, "zoe");
  EXPECT_TRUE((*users)[1].team_ids.empty());
}

TEST_F(DirectoryTest, SetPasswordEndsOtherSessions) {
  User u = MakeUser("erin");
  SessionRecord s;
  s.user_id = u.id;
  s.csrf_token = "c";
  s.created_at = s.last_seen_at = clock_.Now();
  s.expires_at = clock_.Now() + 1000;
  auto keep = dir_->InsertSession(s, "digest-keep");
  auto other = dir_->InsertSession(s, "digest-other");
  ASSERT_TRUE(keep.ok() && other.ok());
  ASSERT_TRUE(dir_->SetPassword(u.id, "another long password", Actor{"erin"}, *keep).ok());
  EXPECT_TRUE(dir_->GetSession(*keep)->has_value());
  EXPECT_FALSE(dir_->GetSession(*other)->has_value());
  EXPECT_TRUE(VerifyPassword(*dir_->PasswordHash(u.id), "another long password"));
  EXPECT_EQ(dir_->SetPassword(u.id, "tiny", cli_).message(), "password: must be at least 10 characters, got 4");
  EXPECT_EQ(AuditAll()[0].action, "password.changed");
  // Disabling ends every session.
  ASSERT_TRUE(dir_->DisableUser(u.id, cli_).ok());
  EXPECT_FALSE(dir_->GetSession(*keep)->has_value());
  EXPECT_TRUE(dir_->GetUser(u.id)->disabled);
  EXPECT_TRUE(dir_->DisableUser(u.id, cli_).ok()) << "idempotent";
}

TEST_F(DirectoryTest, SessionsExpireByIdleOrAbsoluteTime) {
  User u = MakeUser("frank");
  SessionRecord s;
  s.user_id = u.id;
  s.created_at = s.last_seen_at = 1000;
  s.expires_at = 10'000;
  ASSERT_TRUE(dir_->InsertSession(s, "a").ok());
  s.last_seen_at = 5000;
  ASSERT_TRUE(dir_->InsertSession(s, "b").ok());
  s.expires_at = 20'000;
  ASSERT_TRUE(dir_->InsertSession(s, "c").ok());
  // Idle before 2000 removes "a"; absolute end at or before 10,000 removes "b".
  EXPECT_EQ(dir_->DeleteExpiredSessions(10'000, 2000).value(), 2);
  EXPECT_FALSE(dir_->FindSession("a")->has_value());
  EXPECT_FALSE(dir_->FindSession("b")->has_value());
  EXPECT_TRUE(dir_->FindSession("c")->has_value());
}

TEST_F(DirectoryTest, TokensListRevokeAndGoWithTheirUser) {
  User u = MakeUser("gina");
  TokenInfo t;
  t.user_id = u.id;
  t.name = "ci";
  t.prefix = "abcdefgh";
  auto a = dir_->InsertToken(t, "d1", cli_);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  t.name = "grafana";
  t.expires_at = T("2025-01-01T00:00:00Z");
  auto b = dir_->InsertToken(t, "d2", cli_);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->expires_at, T("2025-01-01T00:00:00Z"));
  EXPECT_EQ(b->created_at, clock_.Now());
  t.name = "";
  EXPECT_EQ(dir_->InsertToken(t, "d3", cli_).status().message(), "name: must not be empty");
  t.name = "x";
  t.user_id = 999;
  EXPECT_EQ(dir_->InsertToken(t, "d3", cli_).status().code(), base::StatusCode::kNotFound);

  auto listed = dir_->ListTokens(u.id);
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "grafana");  // newest first
  EXPECT_EQ((*listed)[1].prefix, "abcdefgh");
  ASSERT_TRUE(dir_->RevokeToken(a->id, cli_).ok());
  EXPECT_TRUE(dir_->RevokeToken(a->id, cli_).ok()) << "idempotent";
  EXPECT_EQ(dir_->ListTokens(u.id)->size(), 1u);
  EXPECT_EQ(dir_->ListTokens(0, /*include_revoked=*/true)->size(), 2u);
  EXPECT_NE(dir_->FindToken("d1")->value().revoked_at, 0);
  EXPECT_EQ(dir_->RevokeToken(12345, cli_).code(), base::StatusCode::kNotFound);
  auto revoked = dir_->Audit([&] { AuditFilter f; f.action = "token.revoked"; return f; }());
  ASSERT_EQ(revoked->size(), 1u) << "a second revoke is not audited again";
  EXPECT_EQ((*revoked)[0].detail, "user gina, name \"ci\"");

  ASSERT_TRUE(dir_->DeleteUser(u.id, cli_).ok());
  EXPECT_FALSE(dir_->FindToken("d2")->has_value());
  EXPECT_EQ(dir_->GetToken(b->id).status().message(), "token " + std::to_string(b->id) + ": no such token");
}

TEST_F(DirectoryTest, AuditFilters) {
  MakeUser("hugo");
  clock_.Advance(60'000);
  ASSERT_TRUE(dir_->Record(Actor{"hugo", "1.2.3.4"}, "login.ok", "user:hugo", "").ok());
  clock_.Advance(60'000);
  ASSERT_TRUE(dir_->Record(Actor{"mallory", "6.6.6.6"}, "login.failed", "user:hugo", "wrong password").ok());
  ASSERT_TRUE(dir_->Record(Actor{"hugo", ""}, "logout", "session:1", "").ok());
  EXPECT_EQ(AuditAll().size(), 4u);
  EXPECT_EQ(dir_->Audit([&] { AuditFilter f; f.action = "login."; return f; }())->size(), 2u);
  EXPECT_EQ(dir_->Audit([&] { AuditFilter f; f.action = "login"; return f; }())->size(), 0u) << "exact unless it ends with a dot";
  EXPECT_EQ(dir_->Audit([&] { AuditFilter f; f.actor = "hugo"; return f; }())->size(), 2u);
  EXPECT_EQ(dir_->Audit([&] { AuditFilter f; f.target = "user:hugo"; return f; }())->size(), 3u);
  EXPECT_EQ(dir_->Audit([&] { AuditFilter f; f.since = T("2024-06-01T09:01:00Z"); return f; }())->size(), 3u);
  EXPECT_EQ(dir_->Audit([&] { AuditFilter f; f.until = T("2024-06-01T09:01:00Z"); return f; }())->size(), 1u);
  auto page = dir_->Audit([&] { AuditFilter f; f.limit = 2; return f; }());
  ASSERT_EQ(page->size(), 2u);
  auto next = dir_->Audit([&] { AuditFilter f; f.before_id = (*page)[1].id; f.limit = 2; return f; }());
  ASSERT_EQ(next->size(), 2u);
  EXPECT_EQ((*next)[1].action, "user.created");
  EXPECT_EQ(dir_->Audit([&] { AuditFilter f; f.limit = 0; return f; }()).status().code(), base::StatusCode::kInvalidArgument);
}

TEST(DirectoryFile, PersistsAcrossReopenAndRefusesNewerSchemas) {
  TempDb db;
  base::FakeClock clock(T("2024-06-01T09:00:00Z"));
  DirectoryOptions o;
  o.password_cost = MinimalCost();
  o.clock = &clock;
  int64_t id = 0;
  {
    auto d = Directory::Open(db.path(), o);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    User u;
    u.login = "ivy";
    u.role = Role::kAdmin;
    auto created = (*d)->CreateUser(u, "long enough password", Actor{"cli"});
    ASSERT_TRUE(created.ok());
    id = created->id;
    Team t;
    t.name = "care";
    t.member_ids = {id};
    ASSERT_TRUE((*d)->CreateTeam(t, Actor{"cli"}).ok());
  }
  {
    auto d = Directory::Open(db.path(), o);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    auto u = (*d)->FindUser("ivy");
    ASSERT_TRUE(u.ok());
    EXPECT_EQ(u->id, id);
    EXPECT_EQ(u->role, Role::kAdmin);
    EXPECT_EQ(u->team_ids.size(), 1u);
    EXPECT_TRUE(VerifyPassword(*(*d)->PasswordHash(id), "long enough password"));
    EXPECT_EQ((*d)->Audit({})->size(), 2u);
  }
  // Two directories on one file see each other's writes.
  {
    auto d1 = Directory::Open(db.path(), o);
    auto d2 = Directory::Open(db.path(), o);
    ASSERT_TRUE(d1.ok() && d2.ok());
    User u;
    u.login = "jack";
    ASSERT_TRUE((*d1)->CreateUser(u, "long enough password", Actor{"cli"}).ok());
    EXPECT_TRUE((*d2)->FindUser("jack").ok());
  }
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open(db.path().c_str(), &raw), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(raw, "UPDATE auth_meta SET value = 99 WHERE key = 'schema_version'", nullptr, nullptr,
                           nullptr),
              SQLITE_OK);
    sqlite3_close(raw);
    auto d = Directory::Open(db.path(), o);
    ASSERT_FALSE(d.ok());
    EXPECT_EQ(d.status().code(), base::StatusCode::kCorruption);
    EXPECT_NE(d.status().message().find("version 99, newer than this build's 1"), std::string::npos)
        << d.status().message();
  }
}

TEST(DirectoryFile, NotAnSqliteFile) {
  TempDb db;
  {
    std::FILE* f = std::fopen(db.path().c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not a database, just some text that is long enough to have a header", f);
    std::fclose(f);
  }
  auto d = Directory::Open(db.path());
  ASSERT_FALSE(d.ok());
  EXPECT_EQ(d.status().code(), base::StatusCode::kCorruption) << d.status().ToString();
}

}  // namespace
}  // namespace ecoute::auth
