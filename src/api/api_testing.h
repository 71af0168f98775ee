// Test helpers for the API's tests: an in-memory account directory with an
// admin and their API token, to send with every request. Header-only.
#pragma once

#include <httplib.h>

#include <string>

#include "auth/testing.h"

namespace ecoute::api::testing {

class TestAuth : public auth::testing::TestAuth {
 public:
  // `clock` must outlive this object; null = the system clock.
  explicit TestAuth(const base::Clock* clock = nullptr) : auth::testing::TestAuth(clock) {
    admin_token_ = AddUserWithToken("admin", auth::Role::kAdmin);
  }

  // The API token of user "admin" (role admin).
  const std::string& admin_token() const { return admin_token_; }

  // Makes `client` send the admin's token with every request.
  void SignIn(httplib::Client& client) const { client.set_default_headers(Bearer(admin_token_)); }

  static httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

 private:
  std::string admin_token_;
};

}  // namespace ecoute::api::testing
