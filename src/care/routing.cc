#include "care/routing.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "base/ascii.h"
#include "match/parser.h"

namespace ecoute::care {
namespace {

using nlohmann::json;


bool IsRuleName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-';
  });
}

base::Status Bad(std::string_view path, std::string_view key, std::string_view why) {
  return base::Status::InvalidArgument(std::string(path) + "." + std::string(key) + ": " + std::string(why));
}

base::Result<std::vector<std::string>> StringList(const json& v, std::string_view path, std::string_view key) {
  std::vector<std::string> out;
  if (v.is_string()) {
    out.push_back(v.get<std::string>());
    return out;
  }
  if (!v.is_array()) return Bad(path, key, "must be a string or a list of strings");
  for (size_t i = 0; i < v.size(); ++i) {
    if (!v[i].is_string() || v[i].get<std::string>().empty()) {
      return Bad(path, std::string(key) + "[" + std::to_string(i) + "]", "must be a non-empty string");
    }
    out.push_back(v[i].get<std::string>());
  }
  return out;
}

}  // namespace

base::Result<RoutingRule> RoutingRuleFromJson(const json& j, std::string_view path) {
  if (!j.is_object()) return base::Status::InvalidArgument(std::string(path) + ": a rule must be an object");
  RoutingRule r;
  for (const auto& [key, v] : j.items()) {
    if (key == "name") {
      if (!v.is_string() || !IsRuleName(v.get<std::string>())) return Bad(path, key, "must match [A-Za-z0-9_.-]{1,64}");
      r.name = v.get<std::string>();
    } else if (key == "when") {
      if (!v.is_string()) return Bad(path, key, "must be a query-language string");
      r.when = v.get<std::string>();
      if (!r.when.empty()) {
        match::ParseError err;
        auto q = match::ParseWithError(r.when, &err);
        if (!q.ok()) return Bad(path, key, "col " + std::to_string(err.column) + ": " + err.message);
      }
    } else if (key == "queries") {
      auto l = StringList(v, path, key);
      if (!l.ok()) return l.status();
      r.queries = std::move(l).value();
    } else if (key == "accounts") {
      auto l = StringList(v, path, key);
      if (!l.ok()) return l.status();
      r.accounts = std::move(l).value();
    } else if (key == "vip") {
      if (!v.is_boolean()) return Bad(path, key, "must be true or false");
      r.vip = v.get<bool>();
    } else if (key == "team") {
      if (!v.is_string() || v.get<std::string>().empty()) return Bad(path, key, "must be a team name");
      r.team = v.get<std::string>();
    } else if (key == "priority") {
      auto p = v.is_string() ? ParsePriority(v.get<std::string>()) : std::nullopt;
      if (!p) return Bad(path, key, "must be one of low, normal, high, urgent");
      r.priority = p;
    } else if (key == "tags") {
      auto l = StringList(v, path, key);
      if (!l.ok()) return l.status();
      r.tags = std::move(l).value();
    } else {
      return Bad(path, key, "unknown key (expected name, when, queries, accounts, vip, team, priority, tags)");
    }
  }
  if (r.name.empty()) return Bad(path, "name", "is required");
  if (r.team.empty()) return Bad(path, "team", "is required");
  return r;
}

json RoutingRuleToJson(const RoutingRule& r) {
  json j = {{"name", r.name}, {"team", r.team}};
  if (!r.when.empty()) j["when"] = r.when;
  if (!r.queries.empty()) j["queries"] = r.queries;
  if (!r.accounts.empty()) j["accounts"] = r.accounts;
  if (r.vip) j["vip"] = *r.vip;
  if (r.priority) j["priority"] = PriorityName(*r.priority);
  if (!r.tags.empty()) j["tags"] = r.tags;
  return j;
}

base::Result<std::shared_ptr<const Router>> Router::Build(
    std::vector<RoutingRule> rules, const std::map<std::string, int64_t, std::less<>>& query_ids,
    const std::function<bool(std::string_view)>& team_exists, std::string_view path) {
  auto router = std::shared_ptr<Router>(new Router());
  std::vector<match::CompiledQuery> compiled;
  std::set<std::string, std::less<>> names;
  for (size_t i = 0; i < rules.size(); ++i) {
    const RoutingRule& r = rules[i];
    const std::string where = std::string(path) + "[" + std::to_string(i) + "]";
    if (!names.insert(r.name).second) return Bad(where, "name", "\"" + r.name + "\" is used by another rule");
    if (team_exists && !team_exists(r.team)) return Bad(where, "team", "unknown team \"" + r.team + "\"");
    std::vector<int64_t> ids;
    for (const std::string& q : r.queries) {
      auto it = query_ids.find(q);
      if (it == query_ids.end()) return Bad(where, "queries", "unknown query \"" + q + "\"");
      ids.push_back(it->second);
    }
    std::sort(ids.begin(), ids.end());
    router->query_ids_.push_back(std::move(ids));
    router->has_when_.push_back(!r.when.empty());
    if (r.vip) router->uses_vip_ = true;
    if (!r.when.empty()) {
      match::ParseError err;
      auto q = match::ParseWithError(r.when, &err);
      if (!q.ok()) return Bad(where, "when", "col " + std::to_string(err.column) + ": " + err.message);
      compiled.push_back(match::CompiledQuery{static_cast<int64_t>(i), r.name, std::move(q).value()});
    }
  }
  if (!compiled.empty()) {
    auto engine = match::Engine::Build(std::move(compiled), nullptr);
    if (!engine.ok()) return engine.status().WithPrefix(path);
    router->engine_ = std::move(engine).value();
  }
  router->rules_ = std::move(rules);
  return std::shared_ptr<const Router>(std::move(router));
}

RouteDecision Router::Route(const RouteInput& in) const {
  std::vector<bool> when_ok(rules_.size(), false);
  if (engine_ != nullptr) {
    for (const match::EngineMatch& m : engine_->Match(*in.message)) when_ok[static_cast<size_t>(m.query_id)] = true;
  }
  const std::vector<int64_t>& matched = in.message->enrichment.matched_queries;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const RoutingRule& r = rules_[i];
    if (has_when_[i] && !when_ok[i]) continue;
    if (!query_ids_[i].empty()) {
      bool any = std::any_of(query_ids_[i].begin(), query_ids_[i].end(), [&](int64_t id) {
        return std::find(matched.begin(), matched.end(), id) != matched.end();
      });
      if (!any) continue;
    }
    if (!r.accounts.empty() && std::none_of(r.accounts.begin(), r.accounts.end(), [&](const std::string& a) {
          return base::EqualsIgnoreAsciiCase(a, in.account) || (a.size() > 1 && a[0] == '@' && base::EqualsIgnoreAsciiCase(a.substr(1), in.account));
        })) {
      continue;
    }
    if (r.vip && *r.vip != in.vip) continue;
    return RouteDecision{&r};
  }
  return RouteDecision{};
}

}  // namespace ecoute::care
