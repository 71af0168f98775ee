#include "alert/rules.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <set>

#include <nlohmann/json.hpp>

#include "alert/sla_event.h"
#include "classify/labels.h"

namespace ecoute::alert {
namespace {

using base::Status;
using nlohmann::json;

constexpr std::array<std::string_view, 7> kKindNames = {"mention",      "severity",       "high_reach", "volume_spike",
                                                        "negative_share", "snowball",      "sla"};
constexpr std::array<std::string_view, 3> kLevelNames = {"info", "warning", "critical"};
constexpr std::array<std::string_view, 7> kDayNames = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<std::string_view, 3> kSentiments = {"negative", "neutral", "positive"};
constexpr int64_t kDefaultHighReachFollowers = 50'000;
constexpr int kDefaultSlaGroupMinutes = 1440;

const std::set<std::string>& Keys() {
  static const std::set<std::string> keys = {
      "name", "kind", "enabled", "description", "level", "queries", "channels", "languages", "sentiments",
      "categories", "needs_reply", "min_followers", "min_severity", "reasons", "include_outbound", "sensitivity",
      "min_volume", "per_channel", "min_share_increase", "cascade_per_minute", "cascade_window_minutes",
      "cascade_min", "fast_start_ratio", "group_minutes", "cooldown_minutes", "throttle_per_hour",
      "notify_updates", "quiet_hours", "notify", "origin", "events", "targets", "teams", "priorities"};
  return keys;
}

Status Bad(std::string_view key, std::string message) {
  return Status::InvalidArgument(std::string(key) + ": " + message);
}

std::string TypeName(const json& v) { return v.type_name(); }

Status GetBool(const json& j, const char* key, bool& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_boolean()) return Bad(key, "expected true or false, got " + TypeName(*it));
  out = it->get<bool>();
  return Status::Ok();
}

Status GetString(const json& j, const char* key, std::string& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_string()) return Bad(key, "expected a string, got " + TypeName(*it));
  out = it->get<std::string>();
  return Status::Ok();
}

template <typename T>
Status GetNumber(const json& j, const char* key, T& out, T min, T max) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  if (!it->is_number()) return Bad(key, "expected a number, got " + TypeName(*it));
  double v = it->get<double>();
  if constexpr (std::is_integral_v<T>) {
    if (!it->is_number_integer()) return Bad(key, "expected a whole number, got " + it->dump());
  }
  if (!std::isfinite(v) || v < static_cast<double>(min) || v > static_cast<double>(max))
    return Bad(key, "must be between " + json(min).dump() + " and " + json(max).dump() + ", got " + it->dump());
  out = it->get<T>();
  return Status::Ok();
}

// A list of strings; a single string is accepted as a one-element list.
Status GetStrings(const json& j, const char* key, std::vector<std::string>& out) {
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  out.clear();
  if (it->is_string()) {
    out.push_back(it->get<std::string>());
    return Status::Ok();
  }
  if (!it->is_array()) return Bad(key, "expected a list of strings, got " + TypeName(*it));
  for (size_t i = 0; i < it->size(); ++i) {
    const json& e = (*it)[i];
    if (!e.is_string())
      return Bad(std::string(key) + "[" + std::to_string(i) + "]", "expected a string, got " + TypeName(e));
    out.push_back(e.get<std::string>());
  }
  return Status::Ok();
}

template <size_t N>
std::string ChoiceList(const std::array<std::string_view, N>& choices) {
  std::string list;
  for (std::string_view c : choices) list += (list.empty() ? "" : ", ") + std::string(c);
  return list;
}

template <size_t N>
std::vector<std::string> AllOf(const std::array<std::string_view, N>& choices) {
  return std::vector<std::string>(choices.begin(), choices.end());
}

template <size_t N>
Status CheckChoices(const char* key, const std::vector<std::string>& values,
                    const std::array<std::string_view, N>& choices) {
  for (size_t i = 0; i < values.size(); ++i) {
    if (std::find(choices.begin(), choices.end(), values[i]) == choices.end()) {
      return Bad(std::string(key) + "[" + std::to_string(i) + "]",
                 "\"" + values[i] + "\" is not one of: " + ChoiceList(choices));
    }
  }
  return Status::Ok();
}

bool IsRuleName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
}

// "HH:MM" -> minute of day.
std::optional<int> ParseClock(std::string_view s) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (size_t i : {0, 1, 3, 4})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (h > 23 || m > 59) return std::nullopt;
  return h * 60 + m;
}

std::string FormatClock(int minute) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", (minute / 60) % 24, minute % 60);
  return buf;
}

Status ParseQuietHours(const json& j, QuietHours& q) {
  constexpr const char* kKey = "quiet_hours";
  if (j.is_null()) return Status::Ok();
  if (!j.is_object()) return Bad(kKey, "expected a mapping with start, end, days, except_critical");
  for (const auto& [k, v] : j.items()) {
    if (k != "start" && k != "end" && k != "days" && k != "except_critical")
      return Bad(std::string(kKey) + "." + k, "unknown key (expected one of: days, end, except_critical, start)");
  }
  auto start = j.find("start"), end = j.find("end");
  if (start == j.end() || end == j.end()) return Bad(kKey, "needs both start and end (\"HH:MM\")");
  for (auto [it, name, out] : {std::tuple{start, "start", &q.start_minute}, std::tuple{end, "end", &q.end_minute}}) {
    std::optional<int> m = it->is_string() ? ParseClock(it->get<std::string>()) : std::nullopt;
    if (!m) return Bad(std::string(kKey) + "." + name, "expected a time \"HH:MM\", got " + it->dump());
    *out = *m;
  }
  std::vector<std::string> days;
  ECOUTE_RETURN_IF_ERROR(GetStrings(j, "days", days).WithPrefix(kKey));
  ECOUTE_RETURN_IF_ERROR(CheckChoices("days", days, kDayNames).WithPrefix(kKey));
  q.days.clear();
  for (const std::string& d : days) {
    int idx = static_cast<int>(std::find(kDayNames.begin(), kDayNames.end(), d) - kDayNames.begin());
    if (std::find(q.days.begin(), q.days.end(), idx) == q.days.end()) q.days.push_back(idx);
  }
  std::sort(q.days.begin(), q.days.end());
  return GetBool(j, "except_critical", q.except_critical).WithPrefix(kKey);
}

}  // namespace

std::string_view RuleKindName(RuleKind k) { return kKindNames[static_cast<size_t>(k)]; }
std::optional<RuleKind> ParseRuleKind(std::string_view s) {
  for (size_t i = 0; i < kKindNames.size(); ++i)
    if (kKindNames[i] == s) return static_cast<RuleKind>(i);
  return std::nullopt;
}

std::string_view LevelName(Level l) { return kLevelNames[static_cast<size_t>(l)]; }
std::optional<Level> ParseLevel(std::string_view s) {
  for (size_t i = 0; i < kLevelNames.size(); ++i)
    if (kLevelNames[i] == s) return static_cast<Level>(i);
  return std::nullopt;
}

bool QuietHours::Contains(int weekday, int minute_of_day) const {
  if (!enabled()) return false;
  auto starts_on = [&](int day) { return days.empty() || std::find(days.begin(), days.end(), day) != days.end(); };
  if (start_minute < end_minute) return starts_on(weekday) && minute_of_day >= start_minute && minute_of_day < end_minute;
  // Wraps midnight: the evening part belongs to today's window, the
  // morning part to yesterday's.
  if (minute_of_day >= start_minute) return starts_on(weekday);
  if (minute_of_day < end_minute) return starts_on((weekday + 6) % 7);
  return false;
}

base::Result<Rule> RuleFromJson(const json& j) {
  if (!j.is_object()) return Status::InvalidArgument("rule: expected an object, got " + TypeName(j));
  for (const auto& [k, v] : j.items()) {
    if (!Keys().count(k)) return Bad(k, "unknown key");
  }
  Rule r;
  ECOUTE_RETURN_IF_ERROR(GetString(j, "name", r.name));
  if (!j.contains("name")) return Bad("name", "required");
  if (!IsRuleName(r.name)) return Bad("name", "\"" + r.name + "\" must be 1 to 64 of A-Z a-z 0-9 _ . -");
  std::string kind;
  ECOUTE_RETURN_IF_ERROR(GetString(j, "kind", kind));
  if (!j.contains("kind")) return Bad("kind", "required (" + ChoiceList(kKindNames) + ")");
  std::optional<RuleKind> k = ParseRuleKind(kind);
  if (!k) return Bad("kind", "\"" + kind + "\" is not one of: " + ChoiceList(kKindNames));
  r.kind = *k;
  // Keys of the other family of kinds, refused before their values are read.
  for (const auto& [key, v] : j.items()) {
    if (r.kind == RuleKind::kSla &&
        std::find(kMessageOnlyKeys.begin(), kMessageOnlyKeys.end(), key) != kMessageOnlyKeys.end())
      return Bad(key, "not used by sla rules (they filter on events, targets, teams, priorities and channels)");
    if (r.kind != RuleKind::kSla && std::find(kSlaOnlyKeys.begin(), kSlaOnlyKeys.end(), key) != kSlaOnlyKeys.end())
      return Bad(key, "only for sla rules");
  }

  // Kind-dependent defaults, before the explicit values.
  if (r.kind == RuleKind::kSeverity) r.level = Level::kCritical;
  if (r.kind == RuleKind::kMention) r.level = Level::kInfo;
  if (r.kind == RuleKind::kHighReach) r.min_followers = kDefaultHighReachFollowers;
  if (r.kind == RuleKind::kSnowball) r.group_minutes = 180;
  if (r.kind == RuleKind::kSla) {
    r.level = Level::kCritical;  // a cap: each event sets its own level
    r.group_minutes = kDefaultSlaGroupMinutes;
  }

  ECOUTE_RETURN_IF_ERROR(GetBool(j, "enabled", r.enabled));
  ECOUTE_RETURN_IF_ERROR(GetString(j, "description", r.description));
  std::string level;
  if (j.contains("level")) {
    ECOUTE_RETURN_IF_ERROR(GetString(j, "level", level));
    std::optional<Level> l = ParseLevel(level);
    if (!l) return Bad("level", "\"" + level + "\" is not one of: info, warning, critical");
    r.level = *l;
  }
  ECOUTE_RETURN_IF_ERROR(GetStrings(j, "queries", r.queries));
  std::vector<std::string> channels;
  ECOUTE_RETURN_IF_ERROR(GetStrings(j, "channels", channels));
  for (size_t i = 0; i < channels.size(); ++i) {
    std::optional<model::Channel> c = model::ParseChannel(channels[i]);
    if (!c) return Bad("channels[" + std::to_string(i) + "]", "unknown channel \"" + channels[i] + "\"");
    r.channels.push_back(*c);
  }
  ECOUTE_RETURN_IF_ERROR(GetStrings(j, "languages", r.languages));
  for (size_t i = 0; i < r.languages.size(); ++i) {
    const std::string& l = r.languages[i];
    bool ok = (l.size() == 2 && std::islower(static_cast<unsigned char>(l[0])) &&
               std::islower(static_cast<unsigned char>(l[1]))) || l == "und";
    if (!ok) return Bad("languages[" + std::to_string(i) + "]", "\"" + l + "\" is not an ISO 639-1 code or \"und\"");
  }
  ECOUTE_RETURN_IF_ERROR(GetStrings(j, "sentiments", r.sentiments));
  ECOUTE_RETURN_IF_ERROR(CheckChoices("sentiments", r.sentiments, kSentiments));
  ECOUTE_RETURN_IF_ERROR(GetStrings(j, "categories", r.categories));
  if (auto it = j.find("needs_reply"); it != j.end() && !it->is_null()) {
    if (!it->is_boolean()) return Bad("needs_reply", "expected true or false, got " + TypeName(*it));
    r.needs_reply = it->get<bool>();
  }
  ECOUTE_RETURN_IF_ERROR(GetNumber<int64_t>(j, "min_followers", r.min_followers, 0, int64_t{1} << 40));
  if (j.contains("min_severity")) {
    ECOUTE_RETURN_IF_ERROR(GetString(j, "min_severity", r.min_severity));
    if (!classify::ParseSeverityLevel(r.min_severity))
      return Bad("min_severity", "\"" + r.min_severity + "\" is not one of: none, low, medium, high, critical");
  }
  ECOUTE_RETURN_IF_ERROR(GetStrings(j, "reasons", r.reasons));
  ECOUTE_RETURN_IF_ERROR(CheckChoices("reasons", r.reasons, classify::kSeverityReasons));
  if (r.kind == RuleKind::kSeverity && r.min_severity.empty() && r.reasons.empty()) r.min_severity = "high";
  ECOUTE_RETURN_IF_ERROR(GetBool(j, "include_outbound", r.include_outbound));

  if (j.contains("sensitivity")) {
    std::string s;
    ECOUTE_RETURN_IF_ERROR(GetString(j, "sensitivity", s));
    if (s == "low") r.sensitivity = Sensitivity::kLow;
    else if (s == "medium") r.sensitivity = Sensitivity::kMedium;
    else if (s == "high") r.sensitivity = Sensitivity::kHigh;
    else return Bad("sensitivity", "\"" + s + "\" is not one of: low, medium, high");
  }
  ECOUTE_RETURN_IF_ERROR(GetNumber(j, "min_volume", r.min_volume, 1, 1'000'000));
  ECOUTE_RETURN_IF_ERROR(GetBool(j, "per_channel", r.per_channel));
  ECOUTE_RETURN_IF_ERROR(GetNumber(j, "min_share_increase", r.min_share_increase, 0.0, 1.0));
  ECOUTE_RETURN_IF_ERROR(GetNumber(j, "cascade_per_minute", r.cascade_per_minute, 0.01, 1e6));
  ECOUTE_RETURN_IF_ERROR(GetNumber(j, "cascade_window_minutes", r.cascade_window_minutes, 1, 1440));
  ECOUTE_RETURN_IF_ERROR(GetNumber(j, "cascade_min", r.cascade_min, 1, 1'000'000));
  ECOUTE_RETURN_IF_ERROR(GetNumber(j, "fast_start_ratio", r.fast_start_ratio, 0.0, 1e6));
  ECOUTE_RETURN_IF_ERROR(GetNumber(j, "group_minutes", r.group_minutes, 0, 10080));
  ECOUTE_RETURN_IF_ERROR(GetNumber(j, "cooldown_minutes", r.cooldown_minutes, 0, 10080));
  ECOUTE_RETURN_IF_ERROR(GetNumber(j, "throttle_per_hour", r.throttle_per_hour, 0, 1'000'000));
  ECOUTE_RETURN_IF_ERROR(GetBool(j, "notify_updates", r.notify_updates));
  if (auto it = j.find("quiet_hours"); it != j.end()) ECOUTE_RETURN_IF_ERROR(ParseQuietHours(*it, r.quiet_hours));
  ECOUTE_RETURN_IF_ERROR(GetStrings(j, "notify", r.notify));

  if (r.kind == RuleKind::kSla) {
    ECOUTE_RETURN_IF_ERROR(GetStrings(j, "events", r.sla_events));
    ECOUTE_RETURN_IF_ERROR(CheckChoices("events", r.sla_events, kSlaEventKinds));
    if (r.sla_events.empty()) r.sla_events = AllOf(kSlaEventKinds);
    ECOUTE_RETURN_IF_ERROR(GetStrings(j, "targets", r.sla_targets));
    ECOUTE_RETURN_IF_ERROR(CheckChoices("targets", r.sla_targets, kSlaTargets));
    if (r.sla_targets.empty()) r.sla_targets = AllOf(kSlaTargets);
    ECOUTE_RETURN_IF_ERROR(GetStrings(j, "teams", r.teams));
    for (size_t i = 0; i < r.teams.size(); ++i)
      if (r.teams[i].empty()) return Bad("teams[" + std::to_string(i) + "]", "expected a team name, got \"\"");
    ECOUTE_RETURN_IF_ERROR(GetStrings(j, "priorities", r.priorities));
    ECOUTE_RETURN_IF_ERROR(CheckChoices("priorities", r.priorities, kCasePriorities));
  }

  if (r.per_channel && r.kind != RuleKind::kVolumeSpike) return Bad("per_channel", "only for volume_spike rules");
  return r;
}

json RuleToJson(const Rule& r) {
  json j;
  j["name"] = r.name;
  j["kind"] = RuleKindName(r.kind);
  j["enabled"] = r.enabled;
  j["description"] = r.description;
  j["level"] = LevelName(r.level);
  json channels = json::array();
  for (model::Channel c : r.channels) channels.push_back(model::ChannelName(c));
  j["channels"] = channels;
  j["group_minutes"] = r.group_minutes;
  j["cooldown_minutes"] = r.cooldown_minutes;
  j["throttle_per_hour"] = r.throttle_per_hour;
  j["notify_updates"] = r.notify_updates;
  if (r.quiet_hours.enabled()) {
    json days = json::array();
    for (int d : r.quiet_hours.days) days.push_back(kDayNames[static_cast<size_t>(d)]);
    j["quiet_hours"] = {{"start", FormatClock(r.quiet_hours.start_minute)},
                        {"end", FormatClock(r.quiet_hours.end_minute)},
                        {"days", days},
                        {"except_critical", r.quiet_hours.except_critical}};
  } else {
    j["quiet_hours"] = nullptr;
  }
  j["notify"] = r.notify;
  j["origin"] = r.origin;
  if (r.kind == RuleKind::kSla) {
    j["events"] = r.sla_events;
    j["targets"] = r.sla_targets;
    j["teams"] = r.teams;
    j["priorities"] = r.priorities;
    return j;
  }
  j["queries"] = r.queries;
  j["languages"] = r.languages;
  j["sentiments"] = r.sentiments;
  j["categories"] = r.categories;
  j["needs_reply"] = r.needs_reply ? json(*r.needs_reply) : json(nullptr);
  j["min_followers"] = r.min_followers;
  if (!r.min_severity.empty()) j["min_severity"] = r.min_severity;
  j["reasons"] = r.reasons;
  j["include_outbound"] = r.include_outbound;
  j["sensitivity"] = r.sensitivity == Sensitivity::kLow ? "low" : r.sensitivity == Sensitivity::kHigh ? "high" : "medium";
  j["min_volume"] = r.min_volume;
  j["per_channel"] = r.per_channel;
  j["min_share_increase"] = r.min_share_increase;
  j["cascade_per_minute"] = r.cascade_per_minute;
  j["cascade_window_minutes"] = r.cascade_window_minutes;
  j["cascade_min"] = r.cascade_min;
  j["fast_start_ratio"] = r.fast_start_ratio;
  return j;
}

Status CheckReferences(const Rule& r, const std::vector<std::string>& query_names,
                       const std::vector<std::string>& notifier_names, const std::vector<std::string>* team_names) {
  for (size_t i = 0; i < r.queries.size(); ++i) {
    if (std::find(query_names.begin(), query_names.end(), r.queries[i]) == query_names.end())
      return Bad("queries[" + std::to_string(i) + "]", "unknown query \"" + r.queries[i] + "\"");
  }
  for (size_t i = 0; i < r.notify.size(); ++i) {
    if (std::find(notifier_names.begin(), notifier_names.end(), r.notify[i]) == notifier_names.end())
      return Bad("notify[" + std::to_string(i) + "]", "unknown notifier \"" + r.notify[i] + "\"");
  }
  for (size_t i = 0; team_names && i < r.teams.size(); ++i) {
    if (std::find(team_names->begin(), team_names->end(), r.teams[i]) == team_names->end())
      return Bad("teams[" + std::to_string(i) + "]", "unknown team \"" + r.teams[i] + "\"");
  }
  return Status::Ok();
}

bool operator==(const QuietHours& a, const QuietHours& b) {
  return a.start_minute == b.start_minute && a.end_minute == b.end_minute && a.days == b.days &&
         a.except_critical == b.except_critical;
}

bool operator==(const Rule& a, const Rule& b) { return RuleToJson(a) == RuleToJson(b); }

}  // namespace ecoute::alert
