// Routing rules of the care inbox: which team a new case goes to.
//
// A rule is a condition in the query language (docs/query-language.md: the
// words of the message and its fields lang:, channel:, author:, sentiment:,
// category:, severity:, needs_reply:, followers:) plus fields the language
// does not have: the brand queries the message matched, the account it was
// addressed to, and whether its contact is a VIP. Rules are tried in order;
// the first whose every condition holds routes the case. docs/care.md.
//
// Thread-safety: a Router is immutable once built; Route() may be called
// from any thread.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "care/case.h"
#include "match/engine.h"
#include "model/mention.h"

namespace ecoute::care {

struct RoutingRule {
  std::string name;                 // [A-Za-z0-9_.-]{1,64}, unique
  std::string when;                 // query-language condition on the message; empty = always
  std::vector<std::string> queries; // brand query names; the message matched any of them (empty = no condition)
  std::vector<std::string> accounts;  // the case's account is one of them, case-insensitive (empty = any)
  std::optional<bool> vip;          // the contact is (true) / is not (false) a VIP
  std::string team;                 // team name the case goes to; required
  std::optional<Priority> priority; // sets the case's priority when given
  std::vector<std::string> tags;    // added to the case
  bool operator==(const RoutingRule&) const = default;
};

// Parses one rule. Errors are InvalidArgument "<path>.<key>: ...", e.g.
// `care.routing[2].when: col 7: unknown field "lang2" ...`; unknown keys are
// refused naming them.
base::Result<RoutingRule> RoutingRuleFromJson(const nlohmann::json& j, std::string_view path);
nlohmann::json RoutingRuleToJson(const RoutingRule& r);

// What the router looks at besides the message.
struct RouteInput {
  const model::Mention* message = nullptr;  // the customer message that opens the case; not null
  std::string_view account;
  bool vip = false;
};

struct RouteDecision {
  const RoutingRule* rule = nullptr;  // the rule that matched; null = none (default team)
};

class Router {
 public:
  // Compiles the rules' conditions into one match::Engine. `query_ids`
  // maps a brand query name to its id; a rule naming an unknown query or
  // team (`team_exists`, may be empty = not checked) is InvalidArgument
  // "<path>[i].queries: unknown query \"x\"". Duplicate names refused.
  static base::Result<std::shared_ptr<const Router>> Build(
      std::vector<RoutingRule> rules, const std::map<std::string, int64_t, std::less<>>& query_ids,
      const std::function<bool(std::string_view)>& team_exists, std::string_view path = "care.routing");

  RouteDecision Route(const RouteInput& in) const;
  const std::vector<RoutingRule>& rules() const { return rules_; }
  // Whether a rule looks at RouteInput::vip (callers may skip looking it up).
  bool uses_vip() const { return uses_vip_; }

 private:
  Router() = default;
  std::vector<RoutingRule> rules_;
  std::vector<std::vector<int64_t>> query_ids_;  // per rule
  std::vector<bool> has_when_;
  bool uses_vip_ = false;
  std::shared_ptr<const match::Engine> engine_;  // null when no rule has a condition
};

}  // namespace ecoute::care
