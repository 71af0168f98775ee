#include "api/reply.h"

#include <algorithm>
#include <charconv>

namespace ecoute::api {

using nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

Reply ErrorReply(int status, std::string_view code, std::string_view message, std::string_view field) {
  json e = {{"code", code}, {"message", message}};
  if (!field.empty()) e["field"] = field;
  Reply r;
  r.status = status;
  r.body = Dump(json{{"error", std::move(e)}});
  return r;
}

int HttpStatusFor(base::StatusCode code) {
  switch (code) {
    case base::StatusCode::kOk: return 200;
    case base::StatusCode::kInvalidArgument: return 400;
    case base::StatusCode::kNotFound: return 404;
    case base::StatusCode::kAlreadyExists:
    case base::StatusCode::kFailedPrecondition: return 409;
    case base::StatusCode::kUnauthenticated: return 401;
    case base::StatusCode::kPermissionDenied: return 403;
    case base::StatusCode::kResourceExhausted: return 429;
    case base::StatusCode::kUnavailable:
    case base::StatusCode::kCancelled: return 503;
    case base::StatusCode::kIoError:
    case base::StatusCode::kCorruption:
    case base::StatusCode::kInternal: return 500;
  }
  return 500;
}

Reply StatusReply(const base::Status& s, std::string_view field) {
  return ErrorReply(HttpStatusFor(s.code()), base::StatusCodeName(s.code()), s.message(), field);
}

Reply ParamReply(const ParamError& e) { return ErrorReply(400, "invalid_argument", e.message, e.field); }

Reply JsonReply(const json& j, int status) {
  Reply r;
  r.status = status;
  r.body = Dump(j);
  return r;
}

Reply NoContentReply() {
  Reply r;
  r.status = 204;
  return r;
}

Reply FieldStatusReply(const base::Status& s) {
  const std::string& m = s.message();
  size_t colon = m.find(": ");
  std::string field = colon == std::string::npos ? std::string() : m.substr(0, colon);
  if (field.find_first_of(" \"") != std::string::npos) field.clear();
  Reply r = StatusReply(s, field);
  if (field == "query") {
    std::string_view rest = std::string_view(m).substr(colon + 2);
    if (rest.rfind("col ", 0) == 0) {
      if (std::optional<int64_t> col = ParseInt64(rest.substr(4, rest.find(':') - 4))) {
        json j = json::parse(r.body);
        j["error"]["column"] = *col;
        r.body = Dump(j);
      }
    }
  }
  return r;
}

void AppendInt(std::string& out, int64_t v) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, end);
}

std::string ToLowerAscii(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::string> CheckJsonContentType(const httplib::Request& req) {
  if (!req.has_header("Content-Type")) {
    return "missing Content-Type; send application/json or application/x-ndjson";
  }
  std::string value = req.get_header_value("Content-Type");
  std::string_view v = value;
  size_t semi = v.find(';');
  std::string type = ToLowerAscii(Trim(v.substr(0, semi)));
  if (type != "application/json" && type != "application/x-ndjson" && type != "application/jsonl") {
    return "unsupported Content-Type " + QuoteValue(value) + "; send application/json or application/x-ndjson";
  }
  while (semi != std::string_view::npos) {
    v.remove_prefix(semi + 1);
    semi = v.find(';');
    std::string param = ToLowerAscii(Trim(v.substr(0, semi)));
    if (param.rfind("charset=", 0) == 0) {
      std::string cs = param.substr(8);
      cs.erase(std::remove(cs.begin(), cs.end(), '"'), cs.end());
      if (cs != "utf-8" && cs != "utf8") return "unsupported charset " + QuoteValue(cs) + "; bodies must be UTF-8";
    }
  }
  return std::nullopt;
}

std::optional<Reply> RefuseContentType(const httplib::Request& req) {
  if (auto bad = CheckJsonContentType(req)) return ErrorReply(415, "unsupported_media_type", *bad, "Content-Type");
  return std::nullopt;
}

std::optional<json> JsonObjectBody(const httplib::Request& req, std::string_view shape, Reply& error) {
  if (std::optional<Reply> refused = RefuseContentType(req)) {
    error = std::move(*refused);
    return std::nullopt;
  }
  json j = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    error = ErrorReply(400, "invalid_argument", "body must be a JSON object: " + std::string(shape), "body");
    return std::nullopt;
  }
  return j;
}

std::optional<Reply> ParamRefusal(const QueryParams& p) {
  if (p.error()) return ParamReply(*p.error());
  return std::nullopt;
}

std::optional<int64_t> PathId(const httplib::Request& req, Reply& error) {
  const std::string raw = req.matches.size() > 1 ? req.matches[1].str() : std::string();
  std::optional<int64_t> id = ParseInt64(raw);
  if (!id || *id <= 0) {
    error = ErrorReply(400, "invalid_argument", "id must be a positive integer, got " + QuoteValue(raw), "id");
    return std::nullopt;
  }
  return id;
}

Reply WithPathId(std::optional<Reply> refused, const httplib::Request& req, const std::function<Reply(int64_t)>& act) {
  if (refused) return std::move(*refused);
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  return act(*id);
}

}  // namespace ecoute::api
