// user and token: accounts and API tokens from the command line; the
// directory and first accounts of `serve` (docs/auth.md).
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <map>
#include <string>

#include <nlohmann/json.hpp>

#include "api/auth_api.h"
#include "app/commands.h"
#include "auth/password.h"

namespace ecoute::app {
namespace {

namespace fs = std::filesystem;

const auth::Actor kCli("cli");

// The configuration, the store (opened first: it creates and migrates the
// database file) and the directory in the same file.
struct Accounts {
  config::Config config;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<auth::Directory> directory;
};

base::Result<Accounts> OpenAccounts(const GlobalFlags& global) {
  Accounts a;
  ECOUTE_ASSIGN_OR_RETURN(a.config, LoadConfig(global));
  SetUpLogging(a.config.log_level);
  ECOUTE_ASSIGN_OR_RETURN(a.store, OpenStore(a.config));
  ECOUTE_ASSIGN_OR_RETURN(a.directory, OpenDirectory(a.config));
  return a;
}

base::Result<auth::Role> RoleFlag(const std::string& text) {
  std::optional<auth::Role> r = auth::ParseRole(text);
  if (!r)
    return base::Status::InvalidArgument("--role: unknown role \"" + text +
                                         "\"; roles: viewer, analyst, agent, lead, admin (docs/auth.md)");
  return *r;
}

// The first line of standard input, without its line end.
base::Result<std::string> PasswordFromStdin() {
  std::string line;
  if (!std::getline(std::cin, line) && line.empty())
    return base::Status::InvalidArgument("--password-stdin: no password on standard input");
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string TimeOrDash(base::Timestamp t) { return t == 0 ? "-" : base::FormatTimestamp(t); }

std::string ExactCommand(const GlobalFlags& global, const std::string& rest) {
  std::string cmd = "ecoute";
  if (!global.config_path.empty()) cmd += " --config " + global.config_path;
  if (!global.db_path.empty()) cmd += " --db " + global.db_path;
  return cmd + " " + rest;
}

// Writes `text` to `path` readable by its owner only.
base::Status WritePrivateFile(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return base::Status::IoError("cannot write " + path + ": " + std::strerror(errno));
  bool ok = ::fchmod(fd, 0600) == 0;
  size_t done = 0;
  while (ok && done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  const int saved = errno;
  ok = (::close(fd) == 0) && ok;
  if (!ok) return base::Status::IoError("cannot write " + path + ": " + std::strerror(saved));
  return base::Status::Ok();
}

}  // namespace

base::Result<std::unique_ptr<auth::Directory>> OpenDirectory(const config::Config& config) {
  return auth::Directory::Open(config.store.path);
}

auth::AuthOptions AuthOptionsFrom(const config::Config& config) {
  auth::AuthOptions o;
  o.session_idle_ms = int64_t{config.auth.session_idle_hours} * 3'600'000;
  o.session_max_ms = int64_t{config.auth.session_max_days} * 24 * 3'600'000;
  o.login_max_failures = config.auth.login_max_failures;
  return o;
}

int RunUserAdd(const GlobalFlags& global, const UserFlags& flags) {
  base::Result<auth::Role> role = RoleFlag(flags.role);
  if (!role.ok()) return Fail(role.status());
  std::string password;
  if (flags.password_stdin) {
    base::Result<std::string> p = PasswordFromStdin();
    if (!p.ok()) return Fail(p.status());
    password = std::move(*p);
    if (base::Status s = auth::CheckPasswordPolicy(password); !s.ok()) return Fail(s.WithPrefix("--password-stdin"));
  } else {
    password = auth::GeneratePassword();
  }
  base::Result<Accounts> a = OpenAccounts(global);
  if (!a.ok()) return Fail(a.status());
  auth::User u;
  u.login = flags.login;
  u.role = *role;
  u.display_name = flags.display_name;
  u.email = flags.email;
  base::Result<auth::User> created = a->directory->CreateUser(u, password, kCli);
  if (!created.ok()) return Fail(created.status());
  std::printf("created user %s (role %s, id %lld)\n", created->login.c_str(),
              std::string(auth::RoleName(created->role)).c_str(), static_cast<long long>(created->id));
  if (!flags.password_stdin) std::printf("password: %s\n", password.c_str());
  if (!flags.token.empty()) {
    auth::Authenticator authenticator(*a->directory, base::SystemClock(), AuthOptionsFrom(a->config));
    base::Result<auth::CreatedToken> t = authenticator.CreateToken(created->id, flags.token, std::nullopt, kCli);
    if (!t.ok()) return Fail(t.status().WithPrefix("--token"));
    std::printf("token: %s\n", t->token.c_str());
  }
  if (!flags.password_stdin || !flags.token.empty())
    std::fprintf(stderr, "ecoute: the secrets above are shown once; store them now\n");
  return 0;
}

int RunUserList(const GlobalFlags& global, const UserFlags& flags) {
  base::Result<Accounts> a = OpenAccounts(global);
  if (!a.ok()) return Fail(a.status());
  base::Result<std::vector<auth::User>> users = a->directory->ListUsers();
  if (!users.ok()) return Fail(users.status());
  base::Result<std::vector<auth::Team>> teams = a->directory->ListTeams();
  if (!teams.ok()) return Fail(teams.status());
  std::map<int64_t, std::string> team_names;
  for (const auth::Team& t : *teams) team_names[t.id] = t.name;
  if (flags.json) {
    for (const auth::User& u : *users) std::printf("%s\n", api::UserJson(u).dump().c_str());
    return 0;
  }
  std::printf("%5s  %-20s %-8s %-24s %-16s %-9s %s\n", "id", "login", "role", "display name", "teams", "state",
              "last sign-in");
  for (const auth::User& u : *users) {
    std::string names;
    for (int64_t id : u.team_ids) names += (names.empty() ? "" : ",") + team_names[id];
    std::printf("%5lld  %-20s %-8s %-24s %-16s %-9s %s\n", static_cast<long long>(u.id), u.login.c_str(),
                std::string(auth::RoleName(u.role)).c_str(), u.display_name.c_str(), names.empty() ? "-" : names.c_str(),
                u.disabled ? "disabled" : "active", TimeOrDash(u.last_login_at).c_str());
  }
  std::printf("%zu users\n", users->size());
  return 0;
}

int RunUserPasswd(const GlobalFlags& global, const UserFlags& flags) {
  std::string password;
  if (flags.password_stdin) {
    base::Result<std::string> p = PasswordFromStdin();
    if (!p.ok()) return Fail(p.status());
    password = std::move(*p);
  } else {
    password = auth::GeneratePassword();
  }
  base::Result<Accounts> a = OpenAccounts(global);
  if (!a.ok()) return Fail(a.status());
  base::Result<auth::User> u = a->directory->FindUser(flags.login);
  if (!u.ok()) return Fail(u.status());
  base::Status s = a->directory->SetPassword(u->id, password, kCli);
  if (!s.ok()) return Fail(flags.password_stdin ? s.WithPrefix("--password-stdin") : s);
  std::printf("new password for %s; their sessions have ended\n", u->login.c_str());
  if (!flags.password_stdin) {
    std::printf("password: %s\n", password.c_str());
    std::fprintf(stderr, "ecoute: the password above is shown once; store it now\n");
  }
  return 0;
}

int RunUserDisable(const GlobalFlags& global, const UserFlags& flags) {
  base::Result<Accounts> a = OpenAccounts(global);
  if (!a.ok()) return Fail(a.status());
  base::Result<auth::User> u = a->directory->FindUser(flags.login);
  if (!u.ok()) return Fail(u.status());
  base::Status s = a->directory->DisableUser(u->id, kCli);
  if (!s.ok()) return Fail(s);
  std::printf("disabled %s: it cannot sign in, its sessions have ended and its API tokens are refused\n",
              u->login.c_str());
  return 0;
}

int RunTokenCreate(const GlobalFlags& global, const TokenFlags& flags) {
  base::Result<Accounts> a = OpenAccounts(global);
  if (!a.ok()) return Fail(a.status());
  base::Result<auth::User> u = a->directory->FindUser(flags.login);
  if (!u.ok()) return Fail(u.status());
  auth::Authenticator authenticator(*a->directory, base::SystemClock(), AuthOptionsFrom(a->config));
  std::optional<base::Timestamp> expires;
  if (flags.expires_days > 0)
    expires = base::SystemClock().Now() + int64_t{flags.expires_days} * 24 * 3'600'000;
  base::Result<auth::CreatedToken> t = authenticator.CreateToken(u->id, flags.name, expires, kCli);
  if (!t.ok()) return Fail(t.status());
  std::printf("token %lld for %s (%s%s)\ntoken: %s\n", static_cast<long long>(t->info.id), u->login.c_str(),
              t->info.name.c_str(), expires ? (", expires " + base::FormatTimestamp(*expires)).c_str() : "",
              t->token.c_str());
  std::fprintf(stderr, "ecoute: the token above is shown once; store it now\n");
  return 0;
}

int RunTokenList(const GlobalFlags& global, const TokenFlags& flags) {
  base::Result<Accounts> a = OpenAccounts(global);
  if (!a.ok()) return Fail(a.status());
  int64_t user_id = 0;
  if (!flags.login.empty()) {
    base::Result<auth::User> u = a->directory->FindUser(flags.login);
    if (!u.ok()) return Fail(u.status());
    user_id = u->id;
  }
  base::Result<std::vector<auth::TokenInfo>> tokens = a->directory->ListTokens(user_id);
  if (!tokens.ok()) return Fail(tokens.status());
  base::Result<std::vector<auth::User>> users = a->directory->ListUsers();
  if (!users.ok()) return Fail(users.status());
  std::map<int64_t, std::string> logins;
  for (const auth::User& u : *users) logins[u.id] = u.login;
  std::printf("%5s  %-20s %-20s %-10s %-21s %-21s %s\n", "id", "user", "name", "prefix", "created", "last used",
              "expires");
  for (const auth::TokenInfo& t : *tokens) {
    std::printf("%5lld  %-20s %-20s %-10s %-21s %-21s %s\n", static_cast<long long>(t.id), logins[t.user_id].c_str(),
                t.name.c_str(), t.prefix.c_str(), base::FormatTimestamp(t.created_at).c_str(),
                TimeOrDash(t.last_used_at).c_str(), TimeOrDash(t.expires_at).c_str());
  }
  std::printf("%zu tokens\n", tokens->size());
  return 0;
}

int RunTokenRevoke(const GlobalFlags& global, const TokenFlags& flags) {
  base::Result<Accounts> a = OpenAccounts(global);
  if (!a.ok()) return Fail(a.status());
  base::Status s = a->directory->RevokeToken(flags.id, kCli);
  if (!s.ok()) return Fail(s);
  std::printf("revoked token %lld\n", static_cast<long long>(flags.id));
  return 0;
}

base::Status PrepareAccounts(const GlobalFlags& global, const config::Config& config, bool demo,
                             auth::Authenticator& authenticator) {
  auth::Directory& dir = authenticator.directory();
  const bool in_memory = config.store.path == ":memory:";
  fs::path data_dir = fs::path(config.store.path).parent_path();
  if (data_dir.empty()) data_dir = ".";
  const std::string file = (data_dir / "demo-credentials.txt").string();
  ECOUTE_ASSIGN_OR_RETURN(int64_t accounts, dir.CountUsers());
  if (accounts > 0) {
    if (demo && !in_memory && fs::exists(file)) spdlog::info("demo: the demo accounts and their password are in {}", file);
    return base::Status::Ok();
  }
  if (!demo) {
    spdlog::warn("no user account yet: the API refuses every request but GET /healthz and POST /api/v1/auth/login. "
                 "Create the first admin with\n  {}",
                 ExactCommand(global, "user add NAME --role admin"));
    return base::Status::Ok();
  }
  struct Demo {
    const char* login;
    auth::Role role;
    const char* name;
  };
  const Demo kDemo[] = {{"admin", auth::Role::kAdmin, "Admin"},       {"lead", auth::Role::kLead, "Léa (lead)"},
                        {"agent1", auth::Role::kAgent, "Agent 1"},    {"agent2", auth::Role::kAgent, "Agent 2"},
                        {"analyst", auth::Role::kAnalyst, "Analyst"}, {"viewer", auth::Role::kViewer, "Viewer"}};
  const std::string password = auth::GeneratePassword();
  const auth::Actor by("demo");
  std::map<std::string, int64_t> ids;
  for (const Demo& d : kDemo) {
    auth::User u;
    u.login = d.login;
    u.role = d.role;
    u.display_name = d.name;
    ECOUTE_ASSIGN_OR_RETURN(auth::User created, dir.CreateUser(u, password, by));
    ids[d.login] = created.id;
  }
  auth::Team care;
  care.name = "care";
  care.display_name = "Service client";
  care.member_ids = {ids["agent1"], ids["agent2"], ids["lead"]};
  ECOUTE_RETURN_IF_ERROR(dir.CreateTeam(care, by).status());
  ECOUTE_ASSIGN_OR_RETURN(auth::CreatedToken token, authenticator.CreateToken(ids["admin"], "demo", std::nullopt, by));
  std::string text =
      "# ecoute demo accounts, created " + base::FormatTimestamp(base::SystemClock().Now()) +
      " (docs/auth.md).\n# Sign in with any login below and the password; team \"care\" = agent1, agent2, lead.\n";
  for (const Demo& d : kDemo) text += std::string(d.login) + "\t" + std::string(auth::RoleName(d.role)) + "\n";
  text += "password: " + password + "\n";
  text += "admin API token (Authorization: Bearer ...): " + token.token + "\n";
  if (!in_memory) ECOUTE_RETURN_IF_ERROR(WritePrivateFile(file, text));
  spdlog::warn("demo: created the accounts admin, lead, agent1, agent2, analyst and viewer with the password {} "
               "(shown once{}); admin's API token: {}",
               password, in_memory ? "" : "; also in " + file, token.token);
  return base::Status::Ok();
}

}  // namespace ecoute::app
