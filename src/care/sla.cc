#include "care/sla.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <optional>

#include <nlohmann/json.hpp>

#include "base/ascii.h"
#include "care/config_path.h"

namespace ecoute::care {
namespace {

using base::Status;
using base::Timestamp;
using internal::At, internal::Bad, internal::Join;
using nlohmann::json;

constexpr int64_t kMinuteMs = 60'000;

bool IsName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
}

constexpr const char* kPriorityChoices = "low, normal, high, urgent";

// A list of strings at j[key] (a single string is a one-element list).
Status GetStrings(const json& j, const char* key, const std::string& path, std::vector<std::string>& out) {
  out.clear();
  auto it = j.find(key);
  if (it == j.end()) return Status::Ok();
  const std::string w = Join(path, key);
  if (it->is_string()) {
    out.push_back(it->get<std::string>());
  } else if (it->is_array()) {
    for (size_t i = 0; i < it->size(); ++i) {
      const json& e = (*it)[i];
      if (!e.is_string()) return Bad(At(w, i), "expected a string, got " + e.dump());
      out.push_back(e.get<std::string>());
    }
  } else {
    return Bad(w, "expected a list of strings, got " + std::string(it->type_name()));
  }
  for (size_t i = 0; i < out.size(); ++i) {
    if (out[i].empty()) return Bad(it->is_array() ? At(w, i) : w, "must not be empty");
  }
  return Status::Ok();
}

Status ParseDurationValue(const json& v, const std::string& where, int64_t& out) {
  if (v.is_number_integer()) {
    int64_t m = v.get<int64_t>();
    if (m < 1 || m > kMaxSlaTargetMinutes)
      return Bad(where, v.dump() + " must be between 1 and " + std::to_string(kMaxSlaTargetMinutes) +
                            " minutes (omit the target to have none)");
    out = m;
    return Status::Ok();
  }
  if (!v.is_string())
    return Bad(where, "expected a duration such as \"45m\", \"3h\" or a number of minutes, got " + v.dump());
  base::Result<int64_t> m = ParseSlaDuration(v.get<std::string>());
  if (!m.ok()) return Bad(where, m.status().message());
  out = *m;
  return Status::Ok();
}

Status ParseTargets(const json& j, const std::string& where, SlaTargets& out) {
  out = SlaTargets{};
  if (!j.is_object())
    return Bad(where, "expected an object with first_response, next_response, resolution, got " +
                          std::string(j.type_name()));
  for (const auto& [k, v] : j.items()) {
    int64_t* field = nullptr;
    if (k == "first_response") field = &out.first_response_minutes;
    else if (k == "next_response") field = &out.next_response_minutes;
    else if (k == "resolution") field = &out.resolution_minutes;
    else return Bad(Join(where, k), "unknown key (expected one of: first_response, next_response, resolution)");
    ECOUTE_RETURN_IF_ERROR(ParseDurationValue(v, Join(where, k), *field));
  }
  return Status::Ok();
}

json TargetsToJson(const SlaTargets& t) {
  json j = json::object();
  if (t.first_response_minutes > 0) j["first_response"] = FormatSlaDuration(t.first_response_minutes);
  if (t.next_response_minutes > 0) j["next_response"] = FormatSlaDuration(t.next_response_minutes);
  if (t.resolution_minutes > 0) j["resolution"] = FormatSlaDuration(t.resolution_minutes);
  return j;
}

// ---------------------------------------------------------------------------
// One SLA clock: business time accumulated over the stretches it runs.

class Clock {
 public:
  Clock(int64_t target_minutes, double warn_at, const BusinessCalendar* cal)
      : cal_(cal), target_minutes_(std::max<int64_t>(target_minutes, 0)), target_ms_(target_minutes_ * kMinuteMs) {
    if (target_ms_ > 0 && warn_at > 0 && warn_at < 1) {
      warn_ms_ = static_cast<int64_t>(std::floor(static_cast<double>(target_ms_) * warn_at));
      if (warn_ms_ <= 0 || warn_ms_ >= target_ms_) warn_ms_ = -1;
    }
  }

  bool started() const { return started_; }
  bool met() const { return met_; }

  void Start(Timestamp t) {
    started_ = true;
    started_at_ = t;
  }
  // Meets the clock at t (ends its running stretch there).
  void Meet(Timestamp t) {
    if (running_) End(t);
    met_ = true;
    met_at_ = t;
  }
  // Not met any more; the next Sync() runs it again.
  void Reopen() {
    met_ = false;
    met_at_ = 0;
  }
  // Runs or stops the clock at t: it runs when started, not met and the
  // case is not paused.
  void Sync(Timestamp t, bool paused) {
    bool should_run = started_ && !met_ && !paused;
    if (should_run && !running_) Begin(t);
    else if (!should_run && running_) End(t);
  }

  // The state at `now` (>= every event applied); lowers *next_check to the
  // instant of its next warning or breach, if any.
  SlaTarget Report(Timestamp now, Timestamp* next_check) const {
    SlaTarget r;
    r.target_minutes = target_minutes_;
    r.started_at = started_ ? started_at_ : 0;
    r.met_at = met_ ? met_at_ : 0;
    r.breached = breached_;
    r.warned = warned_;
    r.elapsed_minutes = met_ ? (acc_ms_ + kMinuteMs - 1) / kMinuteMs : -1;
    if (running_ && target_ms_ > 0) {
      if (has_due_ && !breached_ && now > due_) {
        r.breached = true;
        r.warned = true;
      }
      if (has_warn_ && !r.warned && now > warn_instant_) r.warned = true;
      r.due_at = breached_ ? breach_due_ : due_;
      auto lower = [&](Timestamp t) {
        if (t > now && (*next_check == 0 || t < *next_check)) *next_check = t;
      };
      if (!r.warned && has_warn_) lower(warn_instant_ + 1);
      if (!r.breached && has_due_) lower(due_ + 1);
    }
    return r;
  }

  // Whether Report(now) says breached (for a finished cycle).
  bool BreachedAt(Timestamp now) const {
    Timestamp unused = 0;
    return Report(now, &unused).breached;
  }

 private:
  void Begin(Timestamp r) {
    running_ = true;
    run_from_ = r;
    has_due_ = target_ms_ > 0 && !breached_ && acc_ms_ <= target_ms_;
    if (has_due_) due_ = cal_->AddBusinessMillis(r, target_ms_ - acc_ms_);
    has_warn_ = warn_ms_ > 0 && !warned_ && acc_ms_ <= warn_ms_;
    if (has_warn_) warn_instant_ = cal_->AddBusinessMillis(r, warn_ms_ - acc_ms_);
  }
  void End(Timestamp e) {
    running_ = false;
    acc_ms_ += cal_->BusinessMillisBetween(run_from_, e);
    if (has_due_ && !breached_ && e > due_) {
      breached_ = true;
      breach_due_ = due_;
    }
    if (has_warn_ && !warned_ && e > warn_instant_) warned_ = true;
    if (breached_) warned_ = true;
    has_due_ = has_warn_ = false;
  }

  const BusinessCalendar* cal_;
  int64_t target_minutes_ = 0;
  int64_t target_ms_ = 0;  // 0 = no target
  int64_t warn_ms_ = -1;   // business ms at which it warns; -1 = no early warning
  bool started_ = false, running_ = false, met_ = false;
  Timestamp started_at_ = 0, run_from_ = 0, met_at_ = 0;
  int64_t acc_ms_ = 0;  // business ms of the finished stretches
  bool breached_ = false, warned_ = false;
  // Of the current stretch: the deadline and the warning instant.
  bool has_due_ = false, has_warn_ = false;
  Timestamp due_ = 0, warn_instant_ = 0;
  Timestamp breach_due_ = 0;  // the deadline that passed
};

}  // namespace

// ---------------------------------------------------------------------------

base::Result<int64_t> ParseSlaDuration(std::string_view text) {
  auto bad = [&]() {
    return Status::InvalidArgument("\"" + std::string(text) +
                                   "\" is not a duration (write minutes as 45 or \"45m\", hours as \"3h\" or "
                                   "\"1h30m\")");
  };
  if (text.find_first_of("dD") != std::string_view::npos)
    return Status::InvalidArgument("\"" + std::string(text) +
                                   "\": days are ambiguous on a business calendar; write hours of open time "
                                   "(\"48h\" for two full days, \"16h\" for two 8-hour working days)");
  // number ["h" [number "m"]] | number "m"
  size_t pos = 0;
  auto number = [&](int64_t& out) {
    size_t start = pos;
    out = 0;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (pos - start >= 9) return false;
      out = out * 10 + (text[pos] - '0');
      ++pos;
    }
    return pos > start;
  };
  int64_t a = 0, minutes = 0;
  if (!number(a)) return bad();
  if (pos == text.size()) {
    minutes = a;
  } else if (text[pos] == 'm') {
    if (++pos != text.size()) return bad();
    minutes = a;
  } else if (text[pos] == 'h') {
    ++pos;
    minutes = a * 60;
    if (pos < text.size()) {
      int64_t b = 0;
      if (!number(b) || pos + 1 != text.size() || text[pos] != 'm' || b > 59) return bad();
      minutes += b;
    }
  } else {
    return bad();
  }
  if (minutes < 1) return Status::InvalidArgument("\"" + std::string(text) + "\" must be at least 1 minute (omit the target to have none)");
  if (minutes > kMaxSlaTargetMinutes)
    return Status::InvalidArgument("\"" + std::string(text) + "\" is longer than " +
                                   std::to_string(kMaxSlaTargetMinutes / 60) + "h");
  return minutes;
}

std::string FormatSlaDuration(int64_t minutes) {
  if (minutes < 60) return std::to_string(minutes) + "m";
  if (minutes % 60 == 0) return std::to_string(minutes / 60) + "h";
  return std::to_string(minutes / 60) + "h" + std::to_string(minutes % 60) + "m";
}

const SlaTargets& SlaPolicy::TargetsFor(Priority p) const {
  auto it = targets.find(p);
  return it != targets.end() ? it->second : default_targets;
}

base::Result<SlaPolicy> SlaPolicy::FromJson(const json& j, std::string_view path_view) {
  const std::string path(path_view);
  if (!j.is_object()) return Bad(path, "expected an SLA policy object, got " + std::string(j.type_name()));
  static constexpr std::array<std::string_view, 9> kKeys = {"accounts", "calendar", "channels", "default", "name",
                                                            "priorities", "targets", "teams", "warn_at"};
  for (const auto& [k, v] : j.items()) {
    if (std::find(kKeys.begin(), kKeys.end(), k) == kKeys.end())
      return Bad(Join(path, k),
                 "unknown key (expected one of: accounts, calendar, channels, default, name, priorities, targets, "
                 "teams, warn_at)");
  }
  SlaPolicy p;
  auto name = j.find("name");
  if (name == j.end()) return Bad(Join(path, "name"), "required");
  if (!name->is_string() || !IsName(name->get<std::string>()))
    return Bad(Join(path, "name"), name->dump() + " must be 1 to 64 of A-Z a-z 0-9 _ . -");
  p.name = name->get<std::string>();
  if (auto cal = j.find("calendar"); cal != j.end()) {
    if (!cal->is_string() || cal->get<std::string>().empty())
      return Bad(Join(path, "calendar"), "expected a calendar name, got " + cal->dump());
    p.calendar = cal->get<std::string>();
  }

  std::vector<std::string> strings;
  ECOUTE_RETURN_IF_ERROR(GetStrings(j, "priorities", path, strings));
  for (size_t i = 0; i < strings.size(); ++i) {
    std::optional<Priority> pr = ParsePriority(strings[i]);
    if (!pr)
      return Bad(j["priorities"].is_array() ? At(Join(path, "priorities"), i) : Join(path, "priorities"),
                 "\"" + strings[i] + "\" is not one of: " + kPriorityChoices);
    if (std::find(p.priorities.begin(), p.priorities.end(), *pr) == p.priorities.end()) p.priorities.push_back(*pr);
  }
  ECOUTE_RETURN_IF_ERROR(GetStrings(j, "channels", path, strings));
  for (size_t i = 0; i < strings.size(); ++i) {
    std::optional<model::Channel> ch = model::ParseChannel(strings[i]);
    if (!ch) {
      std::string list;
      for (int c = 0; c < model::kChannelCount; ++c)
        list += (list.empty() ? "" : ", ") + std::string(model::ChannelName(static_cast<model::Channel>(c)));
      return Bad(j["channels"].is_array() ? At(Join(path, "channels"), i) : Join(path, "channels"),
                 "\"" + strings[i] + "\" is not one of: " + list);
    }
    if (std::find(p.channels.begin(), p.channels.end(), *ch) == p.channels.end()) p.channels.push_back(*ch);
  }
  ECOUTE_RETURN_IF_ERROR(GetStrings(j, "teams", path, p.teams));
  ECOUTE_RETURN_IF_ERROR(GetStrings(j, "accounts", path, p.accounts));

  if (auto t = j.find("targets"); t != j.end()) {
    const std::string w = Join(path, "targets");
    if (!t->is_object()) return Bad(w, "expected an object of priorities, got " + std::string(t->type_name()));
    for (const auto& [k, v] : t->items()) {
      std::optional<Priority> pr = ParsePriority(k);
      if (!pr) return Bad(Join(w, k), std::string("unknown priority (expected one of: ") + kPriorityChoices + ")");
      if (p.targets.count(*pr)) return Bad(Join(w, k), "priority " + std::string(PriorityName(*pr)) + " listed twice");
      ECOUTE_RETURN_IF_ERROR(ParseTargets(v, Join(w, k), p.targets[*pr]));
    }
  }
  if (auto d = j.find("default"); d != j.end()) {
    ECOUTE_RETURN_IF_ERROR(ParseTargets(*d, Join(path, "default"), p.default_targets));
  }
  if (auto w = j.find("warn_at"); w != j.end()) {
    if (!w->is_number()) return Bad(Join(path, "warn_at"), "expected a number between 0 and 1, got " + w->dump());
    double v = w->get<double>();
    if (!(v > 0 && v < 1))
      return Bad(Join(path, "warn_at"), w->dump() + " must be strictly between 0 and 1 (e.g. 0.8)");
    p.warn_at = v;
  }
  return p;
}

json SlaPolicy::ToJson() const {
  json j = json::object();
  j["name"] = name;
  j["calendar"] = calendar;
  if (!priorities.empty()) {
    json list = json::array();
    for (Priority pr : priorities) list.push_back(std::string(PriorityName(pr)));
    j["priorities"] = std::move(list);
  }
  if (!channels.empty()) {
    json list = json::array();
    for (model::Channel c : channels) list.push_back(std::string(model::ChannelName(c)));
    j["channels"] = std::move(list);
  }
  if (!teams.empty()) j["teams"] = teams;
  if (!accounts.empty()) j["accounts"] = accounts;
  if (!targets.empty()) {
    json t = json::object();
    for (const auto& [pr, tg] : targets) t[std::string(PriorityName(pr))] = TargetsToJson(tg);
    j["targets"] = std::move(t);
  }
  j["default"] = TargetsToJson(default_targets);
  j["warn_at"] = warn_at;
  return j;
}

bool Applies(const SlaPolicy& policy, const CaseRecord& c, std::string_view team_name) {
  if (!policy.priorities.empty() &&
      std::find(policy.priorities.begin(), policy.priorities.end(), c.priority) == policy.priorities.end())
    return false;
  if (!policy.channels.empty() &&
      std::find(policy.channels.begin(), policy.channels.end(), c.channel) == policy.channels.end())
    return false;
  auto any_of = [](const std::vector<std::string>& list, std::string_view v) {
    return std::any_of(list.begin(), list.end(), [&](const std::string& s) { return base::EqualsIgnoreAsciiCase(s, v); });
  };
  if (!policy.teams.empty() && !any_of(policy.teams, team_name)) return false;
  if (!policy.accounts.empty() && !any_of(policy.accounts, c.account)) return false;
  return true;
}

const SlaPolicy* SelectPolicy(std::span<const SlaPolicy> policies, const CaseRecord& c, std::string_view team_name) {
  for (const SlaPolicy& p : policies) {
    if (Applies(p, c, team_name)) return &p;
  }
  return nullptr;
}

base::Status CheckSlaPolicies(std::span<const SlaPolicy> policies, std::span<const BusinessCalendar> calendars,
                              std::string_view path) {
  for (size_t i = 0; i < policies.size(); ++i) {
    for (size_t k = 0; k < i; ++k) {
      if (policies[k].name == policies[i].name)
        return Bad(Join(At(path, i), "name"), "\"" + policies[i].name + "\" is already the name of " + At(path, k));
    }
    if (FindCalendar(calendars, policies[i].calendar) == nullptr) {
      std::string names;
      for (const BusinessCalendar& c : calendars) names += (names.empty() ? "" : ", ") + c.name();
      return Bad(Join(At(path, i), "calendar"),
                 "unknown calendar \"" + policies[i].calendar + "\" (defined: " + (names.empty() ? "none" : names) + ")");
    }
  }
  return Status::Ok();
}

SlaState EvaluateSla(const SlaTargets& targets, double warn_at, const BusinessCalendar& cal,
                     std::span<const SlaEvent> timeline, base::Timestamp now) {
  std::vector<SlaEvent> sorted;
  auto by_time = [](const SlaEvent& a, const SlaEvent& b) { return a.at < b.at; };
  if (!std::is_sorted(timeline.begin(), timeline.end(), by_time)) {
    sorted.assign(timeline.begin(), timeline.end());
    std::stable_sort(sorted.begin(), sorted.end(), by_time);
    timeline = sorted;
  }

  Clock first(targets.first_response_minutes, warn_at, &cal);
  Clock next(targets.next_response_minutes, warn_at, &cal);
  Clock resolution(targets.resolution_minutes, warn_at, &cal);
  SlaState st;
  int finished_breaches = 0;
  bool pending = false, resolved = false;
  bool replied = false;  // an agent replied since the last cycle started

  for (const SlaEvent& e : timeline) {
    if (e.at > now) break;
    const Timestamp t = e.at;
    switch (e.kind) {
      case SlaEventKind::kCustomer:
        if (!first.started()) {
          first.Start(t);
          resolution.Start(t);
        } else if (replied) {
          if (next.started() && next.BreachedAt(t)) ++finished_breaches;
          next = Clock(targets.next_response_minutes, warn_at, &cal);
          next.Start(t);
          ++st.next_response_cycles;
          replied = false;
        }
        break;
      case SlaEventKind::kAgent:
        if (!first.started()) break;
        if (!first.met()) first.Meet(t);
        if (next.started() && !next.met()) next.Meet(t);
        replied = true;
        break;
      case SlaEventKind::kPending:
        pending = true;
        break;
      case SlaEventKind::kResumed:
        pending = false;
        break;
      case SlaEventKind::kResolved:
        pending = false;
        if (!resolved) {
          resolved = true;
          if (resolution.started() && !resolution.met()) resolution.Meet(t);
        }
        break;
      case SlaEventKind::kReopened:
        pending = false;
        if (resolved) {
          resolved = false;
          if (resolution.met()) resolution.Reopen();
        }
        break;
    }
    const bool paused = pending || resolved;
    first.Sync(t, paused);
    next.Sync(t, paused);
    resolution.Sync(t, paused);
  }

  st.first_response = first.Report(now, &st.next_check);
  st.next_response = next.Report(now, &st.next_check);
  st.resolution = resolution.Report(now, &st.next_check);
  st.next_response_breaches = finished_breaches + (st.next_response.breached ? 1 : 0);
  return st;
}

}  // namespace ecoute::care
