#include "care/settings.h"

namespace ecoute::care {
namespace {

using nlohmann::json;

base::Status Bad(const std::string& path, std::string_view why) {
  return base::Status::InvalidArgument(path + ": " + std::string(why));
}

base::Status Integer(const json& v, const std::string& path, int64_t lo, int64_t hi, int64_t& out) {
  if (!v.is_number_integer() || v.get<int64_t>() < lo || v.get<int64_t>() > hi) {
    return Bad(path, "must be a whole number from " + std::to_string(lo) + " to " + std::to_string(hi));
  }
  out = v.get<int64_t>();
  return base::Status::Ok();
}

template <typename T, typename Parse>
base::Status List(const json& v, const std::string& path, Parse parse, std::vector<T>& out) {
  if (v.is_null()) return base::Status::Ok();
  if (!v.is_array()) return Bad(path, "must be a list");
  for (size_t i = 0; i < v.size(); ++i) {
    auto r = parse(v[i], path + "[" + std::to_string(i) + "]");
    if (!r.ok()) return r.status();
    out.push_back(std::move(r).value());
  }
  return base::Status::Ok();
}

}  // namespace

SlaPolicy DefaultSlaPolicy() {
  SlaPolicy p;
  p.name = "standard";
  p.calendar = "business_hours";
  p.targets[Priority::kUrgent] = SlaTargets{30, 30, 4 * 60};
  p.targets[Priority::kHigh] = SlaTargets{60, 60, 8 * 60};
  p.targets[Priority::kNormal] = SlaTargets{3 * 60, 3 * 60, 27 * 60};
  p.targets[Priority::kLow] = SlaTargets{8 * 60, 8 * 60, 45 * 60};
  p.default_targets = p.targets[Priority::kNormal];
  return p;
}

base::Result<CareSection> CareSectionFromJson(const json& j, std::string_view path_view) {
  const std::string path(path_view);
  CareSection s;
  if (j.is_null()) {
    s.settings.sla_policies.push_back(DefaultSlaPolicy());
    return s;
  }
  if (!j.is_object()) return Bad(path, "must be a mapping (docs/care.md)");
  bool policies_given = false;
  for (const auto& [key, v] : j.items()) {
    const std::string p = path + "." + key;
    if (key == "enabled") {
      if (!v.is_boolean()) return Bad(p, "must be true or false");
      s.enabled = v.get<bool>();
    } else if (key == "default_team") {
      if (!v.is_string()) return Bad(p, "must be a team name");
      s.settings.default_team = v.get<std::string>();
    } else if (key == "own_accounts") {
      if (!v.is_array()) return Bad(p, "must be a list of handles or addresses");
      for (size_t i = 0; i < v.size(); ++i) {
        if (!v[i].is_string() || v[i].get<std::string>().empty()) {
          return Bad(p + "[" + std::to_string(i) + "]", "must be a handle or an address");
        }
        s.settings.own_accounts.push_back(v[i].get<std::string>());
      }
    } else if (key == "contact_window_minutes") {
      ECOUTE_RETURN_IF_ERROR(Integer(v, p, 0, 60 * 24 * 90, s.settings.contact_window_minutes));
    } else if (key == "reopen_days") {
      ECOUTE_RETURN_IF_ERROR(Integer(v, p, 0, 365, s.settings.reopen_days));
    } else if (key == "close_after_days") {
      ECOUTE_RETURN_IF_ERROR(Integer(v, p, 0, 365, s.settings.close_after_days));
    } else if (key == "tick_ms") {
      ECOUTE_RETURN_IF_ERROR(Integer(v, p, 10, 60'000, s.tick_ms));
    } else if (key == "routing") {
      ECOUTE_RETURN_IF_ERROR(List(v, p, [](const json& x, const std::string& at) { return RoutingRuleFromJson(x, at); },
                                  s.settings.routing));
    } else if (key == "sla_policies") {
      policies_given = true;
      ECOUTE_RETURN_IF_ERROR(List(v, p, [](const json& x, const std::string& at) { return SlaPolicy::FromJson(x, at); },
                                  s.settings.sla_policies));
    } else if (key == "calendars") {
      ECOUTE_RETURN_IF_ERROR(List(
          v, p, [](const json& x, const std::string& at) { return BusinessCalendar::FromJson(x, at); },
          s.settings.calendars));
    } else if (key == "connectors") {
      ECOUTE_RETURN_IF_ERROR(List(
          v, p, [](const json& x, const std::string& at) { return ConnectorConfigFromJson(x, at); }, s.connectors));
    } else if (key == "identity") {
      if (!v.is_object()) {
        return Bad(p, "must be a mapping (suggest, default_region, name_window_days, min_score, own_email_domains, "
                      "order_patterns, customer_patterns)");
      }
      auto strings = [](const json& x, const std::string& q, std::vector<std::string>& out) -> base::Status {
        if (!x.is_array()) return Bad(q, "must be a list of strings");
        out.clear();
        for (size_t i = 0; i < x.size(); ++i) {
          if (!x[i].is_string() || x[i].get<std::string>().empty()) {
            return Bad(q + "[" + std::to_string(i) + "]", "must be a non-empty string");
          }
          out.push_back(x[i].get<std::string>());
        }
        return base::Status::Ok();
      };
      for (const auto& [k, x] : v.items()) {
        const std::string q = p + "." + k;
        if (k == "suggest") {
          if (!x.is_boolean()) return Bad(q, "must be true or false");
          s.identity.suggest = x.get<bool>();
        } else if (k == "default_region") {
          if (!x.is_string() || x.get<std::string>().size() != 2) return Bad(q, "must be a two-letter region (FR, GB...)");
          s.identity.default_region = x.get<std::string>();
          s.identity.extract.default_region = s.identity.default_region;
        } else if (k == "name_window_days") {
          int64_t n = 0;
          ECOUTE_RETURN_IF_ERROR(Integer(x, q, 0, 365, n));
          s.identity.name_window_days = static_cast<int>(n);
        } else if (k == "min_score") {
          if (!x.is_number() || x.get<double>() < 0 || x.get<double>() > 1) return Bad(q, "must be a number from 0 to 1");
          s.identity.min_score = x.get<double>();
        } else if (k == "own_email_domains") {
          ECOUTE_RETURN_IF_ERROR(strings(x, q, s.identity.own_email_domains));
        } else if (k == "order_patterns") {
          ECOUTE_RETURN_IF_ERROR(strings(x, q, s.identity.extract.order_patterns));
        } else if (k == "customer_patterns") {
          ECOUTE_RETURN_IF_ERROR(strings(x, q, s.identity.extract.customer_patterns));
        } else {
          return Bad(q,
                     "unknown key (expected suggest, default_region, name_window_days, min_score, own_email_domains, "
                     "order_patterns, customer_patterns)");
        }
      }
    } else {
      return Bad(p,
                 "unknown key (expected enabled, default_team, own_accounts, contact_window_minutes, reopen_days, "
                 "close_after_days, tick_ms, routing, sla_policies, calendars, connectors, identity)");
    }
  }
  if (!policies_given) s.settings.sla_policies.push_back(DefaultSlaPolicy());
  return s;
}

}  // namespace ecoute::care
