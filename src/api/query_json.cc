#include "api/query_json.h"

#include <set>

namespace ecoute::api {

using nlohmann::json;

namespace {
json WarningsJson(const std::vector<match::LintWarning>& warnings) {
  json out = json::array();
  for (const match::LintWarning& w : warnings)
    out.push_back({{"column", w.column}, {"code", w.code}, {"message", w.message}});
  return out;
}
}  // namespace

json SpansJson(const std::vector<match::MatchSpan>& spans) {
  json out = json::array();
  for (const match::MatchSpan& s : spans) {
    out.push_back({{"field", s.field == match::MentionField::kTitle ? "title" : "text"},
                   {"begin", s.begin},
                   {"end", s.end}});
  }
  return out;
}

json QueryInfoJson(const queries::QueryInfo& info) {
  const store::QueryDef& d = info.def;
  const queries::BackfillState& b = info.backfill;
  return {{"id", d.id},
          {"name", d.name},
          {"kind", store::QueryKindName(d.kind)},
          {"query", d.text},
          {"description", d.description},
          {"enabled", d.enabled},
          {"origin", d.origin},
          {"created_at", base::FormatTimestamp(d.created_at)},
          {"updated_at", base::FormatTimestamp(d.updated_at)},
          {"canonical", info.canonical},
          {"warnings", WarningsJson(info.warnings)},
          {"error", info.error.empty() ? json(nullptr) : json(info.error)},
          {"live", info.live},
          {"backfill",
           {{"pending", b.pending},
            {"scanned", b.scanned},
            {"matched", b.matched},
            {"changed", b.changed},
            {"up_to_id", b.up_to_id},
            {"error", b.error.empty() ? json(nullptr) : json(b.error)}}}};
}

json CheckJson(const queries::CheckResult& r) {
  json out = {{"valid", r.valid}, {"warnings", WarningsJson(r.warnings)}};
  if (r.valid) {
    out["canonical"] = r.canonical;
    out["tree"] = r.tree;
    out["error"] = nullptr;
  } else {
    out["error"] = {{"column", r.error_column > 0 ? json(r.error_column) : json(nullptr)}, {"message", r.error}};
  }
  return out;
}

base::Result<store::QueryDef> ParseQueryInput(const std::string& body) {
  json j = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return base::Status::InvalidArgument("body: not valid JSON");
  if (!j.is_object()) return base::Status::InvalidArgument("body: expected a JSON object");
  static const std::set<std::string> kKeys = {"name", "query", "kind", "description", "enabled"};
  for (const auto& [key, value] : j.items()) {
    if (!kKeys.count(key))
      return base::Status::InvalidArgument(key + ": unknown field (expected name, query, kind, description, enabled)");
  }
  store::QueryDef d;
  auto str = [&](const char* key, std::string& out, bool required) -> base::Status {
    auto it = j.find(key);
    if (it == j.end()) {
      return required ? base::Status::InvalidArgument(std::string(key) + ": is required") : base::Status::Ok();
    }
    if (!it->is_string()) return base::Status::InvalidArgument(std::string(key) + ": expected a string");
    out = it->get<std::string>();
    return base::Status::Ok();
  };
  ECOUTE_RETURN_IF_ERROR(str("name", d.name, true));
  ECOUTE_RETURN_IF_ERROR(str("query", d.text, true));
  ECOUTE_RETURN_IF_ERROR(str("description", d.description, false));
  std::string kind = "topic";
  ECOUTE_RETURN_IF_ERROR(str("kind", kind, false));
  std::optional<store::QueryKind> k = store::ParseQueryKind(kind);
  if (!k) return base::Status::InvalidArgument("kind: must be brand, competitor or topic, got \"" + kind + "\"");
  d.kind = *k;
  if (auto it = j.find("enabled"); it != j.end()) {
    if (!it->is_boolean()) return base::Status::InvalidArgument("enabled: expected true or false");
    d.enabled = it->get<bool>();
  }
  return d;
}

}  // namespace ecoute::api
