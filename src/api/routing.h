// Internal to the api module: how a route of the API (an OpenAPI-style
// path such as "/api/v1/cases/{id}") is registered with cpp-httplib. Used
// by server.cc and by the tests that serve an API class directly.
// Header-only; pure functions but for RegisterRoute, which changes `http`
// (call it before the server listens).
#pragma once

#include <httplib.h>

#include <cstring>
#include <string>
#include <string_view>

namespace ecoute::api {

// The regex of `path` for httplib: each "{name}" segment becomes
// "([^/]+)" (req.matches[1..] then hold them, undecoded), and regex
// metacharacters are escaped.
inline std::string PathRegex(const std::string& path) {
  std::string out;
  for (size_t i = 0; i < path.size(); ++i) {
    if (path[i] == '{') {
      out += "([^/]+)";
      i = path.find('}', i);
    } else if (std::strchr(".+*?()[]^$|\\", path[i]) != nullptr) {
      out += '\\';
      out += path[i];
    } else {
      out += path[i];
    }
  }
  return out;
}

// Registers `handler` for `method` ("GET", "POST", "PUT", "PATCH" or
// "DELETE") on PathRegex(path); false, registering nothing, for any other
// method.
inline bool RegisterRoute(httplib::Server& http, std::string_view method, const std::string& path,
                          const httplib::Server::Handler& handler) {
  const std::string re = PathRegex(path);
  if (method == "GET") http.Get(re, handler);
  else if (method == "POST") http.Post(re, handler);
  else if (method == "PUT") http.Put(re, handler);
  else if (method == "PATCH") http.Patch(re, handler);
  else if (method == "DELETE") http.Delete(re, handler);
  else return false;
  return true;
}

}  // namespace ecoute::api
