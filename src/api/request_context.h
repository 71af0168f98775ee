// Internal to the api module: what a route handler receives besides
// httplib's Request, and the shape every handler has.
//
// A handler is a method of an API class (server.cc's own Server::Impl,
// AlertsApi, AuthApi, ...):
//
//   Reply Api::Handle(const httplib::Request& req, const RequestContext& ctx);
//
// The server authenticates the request and checks ctx.route.permission
// against the caller's role before calling it: a handler never sees a
// caller its route does not allow. See server.cc, "Adding an API class".
#pragma once

#include <httplib.h>

#include <string_view>

#include "api/reply.h"
#include "api/server.h"
#include "auth/authenticator.h"

namespace ecoute::api {

struct RequestContext {
  const RouteInfo& route;
  // The caller; null only on auth::Permission::kNone routes.
  const auth::Principal* principal = nullptr;
  std::string_view client_ip;  // the peer address (no proxy header is trusted)

  // The caller, on a route that needs credentials (a broken invariant otherwise).
  const auth::Principal& user() const {
    ECOUTE_CHECK_MSG(principal != nullptr, "no principal on route " + route.path);
    return *principal;
  }
  // For the audit log.
  auth::Actor actor() const { return auth::Actor(principal ? principal->login : "anonymous", std::string(client_ip)); }
};

// 401 with `WWW-Authenticate: Bearer realm="ecoute"`.
inline Reply UnauthenticatedReply(std::string_view message) {
  Reply r = ErrorReply(401, "unauthenticated", message);
  r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"ecoute\"");
  return r;
}

}  // namespace ecoute::api
