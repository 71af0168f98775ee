// Internal to the api module: what a route handler answers, the error
// shape every route shares ({"error":{"code","message","field"}},
// docs/api/openapi.yaml "Error"), and the steps handlers share (reading a
// JSON object body, refusing bad query parameters, the path's {id}). Used
// by server.cc and the API classes; not part of the public API (server.h).
// Pure functions.
#pragma once

#include <httplib.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/params.h"
#include "base/status.h"

namespace ecoute::api {

inline constexpr const char* kJsonType = "application/json; charset=utf-8";
// Page sizes of the listing routes (limit=).
inline constexpr int64_t kDefaultLimit = 50;
inline constexpr int64_t kMaxLimit = 1000;

// What a handler answers. A reply with `stream` set is sent chunked: the
// server hands `stream` to httplib's chunked content provider (it runs on
// the request's worker thread after the handler returns; `body` is unused).
struct Reply {
  int status = 200;
  std::string body;
  const char* content_type = kJsonType;
  std::vector<std::pair<std::string, std::string>> headers;  // extra response headers (Allow for 405, ...)
  httplib::ContentProviderWithoutLength stream;
};

// Compact JSON; invalid UTF-8 is replaced, never thrown on.
std::string Dump(const nlohmann::json& j);

Reply ErrorReply(int status, std::string_view code, std::string_view message, std::string_view field = {});
int HttpStatusFor(base::StatusCode code);
// The status's HTTP code and code name, with `field` when not empty.
Reply StatusReply(const base::Status& s, std::string_view field = {});
Reply ParamReply(const ParamError& e);
Reply JsonReply(const nlohmann::json& j, int status = 200);
// 204, no body.
Reply NoContentReply();

// A status whose message starts "field: ..." (the queries' and alert
// rules' convention) as an error naming that field, with the column of a
// query error ("query: col 17: ...") when there is one.
Reply FieldStatusReply(const base::Status& s);

void AppendInt(std::string& out, int64_t v);
std::string ToLowerAscii(std::string_view s);
std::string_view Trim(std::string_view s);

// Checks the Content-Type of a POSTed body: JSON or JSON lines, UTF-8.
// The reason it is refused, or nullopt when it is acceptable.
std::optional<std::string> CheckJsonContentType(const httplib::Request& req);
// The same as a 415 naming "Content-Type", or nullopt.
std::optional<Reply> RefuseContentType(const httplib::Request& req);

// The JSON object of a request's body. On a refused Content-Type (415) or
// a body that is not a JSON object (400 naming "body": "body must be a JSON
// object: <shape>") sets `error` and returns nullopt.
std::optional<nlohmann::json> JsonObjectBody(const httplib::Request& req, std::string_view shape, Reply& error);

// The ParamReply of the error `p` recorded, or nullopt.
std::optional<Reply> ParamRefusal(const QueryParams& p);

// The first path parameter ({id}) as a positive integer; otherwise sets
// `error` to a 400 naming "id" and returns nullopt.
std::optional<int64_t> PathId(const httplib::Request& req, Reply& error);

// `refused` when set, else the 400 of a bad path {id} (PathId), else
// act(id): the steps of a handler of one record, checks first.
Reply WithPathId(std::optional<Reply> refused, const httplib::Request& req, const std::function<Reply(int64_t)>& act);

// The JSON array of to_json(row) for each of `rows`.
template <typename Rows, typename ToJson>
nlohmann::json JsonArray(const Rows& rows, ToJson to_json) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& row : rows) out.push_back(to_json(row));
  return out;
}

// The cursor of the page after `rows` in a listing by descending id: the
// id of the last row when they fill a page of `limit`, else null.
template <typename Row>
nlohmann::json NextPageId(const std::vector<Row>& rows, int limit) {
  if (rows.empty() || static_cast<int>(rows.size()) != limit) return nullptr;
  return rows.back().id;
}

}  // namespace ecoute::api
