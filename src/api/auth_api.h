// Internal to the api module: the handlers of the account routes
// (/api/v1/auth/..., /users, /teams, /tokens, /audit), backed by
// auth::Authenticator and its auth::Directory. The server's route table
// (server.cc) points at these methods with their permissions;
// docs/api/openapi.yaml and docs/auth.md describe them.
//
// Rules beyond the route permissions: a user lists, creates and revokes
// their own API tokens (kSelf); only a role allowing manage_users sees or
// revokes another user's (another user's token id answers 404 otherwise).
// An admin cannot delete their own account; the directory refuses to
// delete, disable or demote the last enabled admin (409).
//
// Thread-safety: handlers are called concurrently; they only call the
// (thread-safe) authenticator and directory.
#pragma once

#include <httplib.h>

#include "api/reply.h"
#include "api/request_context.h"
#include "auth/authenticator.h"

namespace ecoute::api {

class AuthApi {
 public:
  // `auth` must outlive this object. `secure_cookies` adds "Secure" to the
  // session cookie.
  AuthApi(auth::Authenticator& auth, bool secure_cookies) : auth_(auth), secure_cookies_(secure_cookies) {}

  Reply Login(const httplib::Request& req, const RequestContext& ctx);       // POST /api/v1/auth/login
  Reply Logout(const httplib::Request& req, const RequestContext& ctx);      // POST /api/v1/auth/logout
  Reply Me(const httplib::Request& req, const RequestContext& ctx);          // GET /api/v1/auth/me
  Reply UpdateMe(const httplib::Request& req, const RequestContext& ctx);    // PATCH /api/v1/auth/me
  Reply ListUsers(const httplib::Request& req, const RequestContext& ctx);   // GET /api/v1/users
  Reply CreateUser(const httplib::Request& req, const RequestContext& ctx);  // POST /api/v1/users
  Reply GetUser(const httplib::Request& req, const RequestContext& ctx);     // GET /api/v1/users/{id}
  Reply UpdateUser(const httplib::Request& req, const RequestContext& ctx);  // PATCH /api/v1/users/{id}
  Reply DeleteUser(const httplib::Request& req, const RequestContext& ctx);  // DELETE /api/v1/users/{id}
  Reply ListTeams(const httplib::Request& req, const RequestContext& ctx);   // GET /api/v1/teams
  Reply CreateTeam(const httplib::Request& req, const RequestContext& ctx);  // POST /api/v1/teams
  Reply GetTeam(const httplib::Request& req, const RequestContext& ctx);     // GET /api/v1/teams/{id}
  Reply UpdateTeam(const httplib::Request& req, const RequestContext& ctx);  // PATCH /api/v1/teams/{id}
  Reply DeleteTeam(const httplib::Request& req, const RequestContext& ctx);  // DELETE /api/v1/teams/{id}
  Reply ListTokens(const httplib::Request& req, const RequestContext& ctx);  // GET /api/v1/tokens
  Reply CreateToken(const httplib::Request& req, const RequestContext& ctx);  // POST /api/v1/tokens
  Reply DeleteToken(const httplib::Request& req, const RequestContext& ctx);  // DELETE /api/v1/tokens/{id}
  Reply Audit(const httplib::Request& req, const RequestContext& ctx);        // GET /api/v1/audit

 private:
  std::string SessionCookie(const std::string& value, int64_t max_age_seconds) const;
  // UpdateUser and UpdateTeam once the path's `id` is read.
  Reply ChangeUser(const httplib::Request& req, const RequestContext& ctx, int64_t id);
  Reply ChangeTeam(const httplib::Request& req, const RequestContext& ctx, int64_t id);

  auth::Authenticator& auth_;
  const bool secure_cookies_;
};

// The JSON of a user, a team, a token's listing and an audit entry, as the
// routes answer them (docs/api/openapi.yaml User, Team, Token, AuditEntry).
nlohmann::json UserJson(const auth::User& u);
nlohmann::json TeamJson(const auth::Team& t);
nlohmann::json TokenJson(const auth::TokenInfo& t);
nlohmann::json AuditJson(const auth::AuditEntry& e);

}  // namespace ecoute::api
