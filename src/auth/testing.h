// Test helpers (header-only, for tests of any module): an in-memory
// directory at the minimal password cost, its authenticator, and users
// with API tokens. Not thread-safe to set up; the objects themselves are.
#pragma once

#include <memory>
#include <string>

#include "auth/authenticator.h"
#include "auth/directory.h"
#include "base/check.h"
#include "base/clock.h"

namespace ecoute::auth::testing {

class TestAuth {
 public:
  // `clock` must outlive this object; null = the system clock.
  explicit TestAuth(const base::Clock* clock = nullptr, AuthOptions options = {}) {
    DirectoryOptions o;
    o.password_cost = MinimalCost();
    o.clock = clock;
    auto d = Directory::Open(":memory:", o);
    ECOUTE_CHECK_MSG(d.ok(), d.status().ToString());
    directory_ = std::move(*d);
    authenticator_ = std::make_unique<Authenticator>(*directory_, clock != nullptr ? *clock : base::SystemClock(),
                                                     options);
  }

  Directory& directory() { return *directory_; }
  Authenticator& authenticator() { return *authenticator_; }

  // Creates user `login` with `role` and `password`; aborts on error.
  User AddUser(const std::string& login, Role role, const std::string& password = "test-password-1") {
    User u;
    u.login = login;
    u.role = role;
    auto created = directory_->CreateUser(u, password, Actor{"test"});
    ECOUTE_CHECK_MSG(created.ok(), created.status().ToString());
    return *created;
  }

  // Creates user `login` with `role` and returns a fresh API token of theirs.
  std::string AddUserWithToken(const std::string& login, Role role) {
    User u = AddUser(login, role);
    auto t = authenticator_->CreateToken(u.id, "test", std::nullopt, Actor{"test"});
    ECOUTE_CHECK_MSG(t.ok(), t.status().ToString());
    return t->token;
  }

 private:
  std::unique_ptr<Directory> directory_;
  std::unique_ptr<Authenticator> authenticator_;
};

}  // namespace ecoute::auth::testing
