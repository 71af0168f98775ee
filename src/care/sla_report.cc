#include "care/sla_report.h"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <map>

#include <nlohmann/json.hpp>

namespace ecoute::care {
namespace {

using nlohmann::json;
using GroupBy = SlaReportOptions::GroupBy;

constexpr std::array<std::string_view, 6> kGroupByNames = {"team", "channel", "agent", "account", "priority", "none"};
constexpr std::array<std::string_view, kSlaHistogramBuckets> kBucketNames = {"<=15m", "<=1h", "<=3h",
                                                                             "<=8h",  "<=24h", ">24h"};
constexpr double kMinuteMs = 60'000.0;

enum class Outcome { kNone, kMet, kBreached, kRunning };

// One case's contribution to one metric.
struct Sample {
  bool done = false;
  std::optional<double> minutes;
  bool with_target = false;
  Outcome outcome = Outcome::kNone;
};

struct Accumulator {
  SlaMetricStats stats;
  std::vector<double> durations;

  void Add(const Sample& s) {
    ++stats.cases;
    if (s.done) ++stats.done;
    if (s.with_target) ++stats.with_target;
    switch (s.outcome) {
      case Outcome::kMet: ++stats.met; break;
      case Outcome::kBreached: ++stats.breached; break;
      case Outcome::kRunning: ++stats.running; break;
      case Outcome::kNone: break;
    }
    if (s.minutes) {
      ++stats.measured;
      durations.push_back(*s.minutes);
      size_t b = 0;
      while (b < kSlaHistogramBounds.size() && *s.minutes > static_cast<double>(kSlaHistogramBounds[b])) ++b;
      ++stats.histogram[b];
    }
  }

  SlaMetricStats Finish() {
    SlaMetricStats out = stats;
    if (out.met + out.breached > 0)
      out.pct_met = 100.0 * static_cast<double>(out.met) / static_cast<double>(out.met + out.breached);
    if (!durations.empty()) {
      std::sort(durations.begin(), durations.end());
      auto rank = [&](double p) {
        size_t n = durations.size();
        size_t r = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(n)));
        return durations[std::clamp<size_t>(r, 1, n) - 1];
      };
      out.p50_minutes = rank(50);
      out.p90_minutes = rank(90);
      double sum = 0;
      for (double d : durations) sum += d;
      out.mean_minutes = sum / static_cast<double>(durations.size());
    }
    return out;
  }
};

struct GroupAccumulator {
  Accumulator first_response, resolution;
};

// Outcome against the policy's target.
Outcome PolicyOutcome(const SlaTarget& t, bool done, bool active, base::Timestamp now) {
  if (t.target_minutes <= 0) return Outcome::kNone;
  if (t.breached) return Outcome::kBreached;
  if (done) return Outcome::kMet;
  if (t.due_at != 0 && now > t.due_at) return Outcome::kBreached;
  return active ? Outcome::kRunning : Outcome::kNone;
}

// Outcome against a wall-clock override.
Outcome OverrideOutcome(int64_t target_minutes, std::optional<int64_t> wall_ms, bool done, bool active,
                        base::Timestamp created_at, base::Timestamp now) {
  const int64_t target_ms = target_minutes * 60'000;
  if (done) {
    if (!wall_ms) return Outcome::kNone;
    return *wall_ms <= target_ms ? Outcome::kMet : Outcome::kBreached;
  }
  if (!active) return Outcome::kNone;
  return now - created_at > target_ms ? Outcome::kBreached : Outcome::kRunning;
}

Sample Measure(const SlaTarget& t, base::Timestamp done_at, bool done, const CaseRecord& c,
               const std::optional<int64_t>& override_minutes, bool wall_clock, base::Timestamp now) {
  Sample s;
  s.done = done;
  const bool active = IsActive(c.status);
  std::optional<int64_t> wall_ms;
  if (done && done_at != 0 && c.created_at != 0 && done_at >= c.created_at) wall_ms = done_at - c.created_at;
  if (done) {
    if (wall_clock) {
      if (wall_ms) s.minutes = static_cast<double>(*wall_ms) / kMinuteMs;
    } else if (t.elapsed_minutes >= 0) {
      s.minutes = static_cast<double>(t.elapsed_minutes);
    }
  }
  if (override_minutes) {
    s.with_target = true;
    s.outcome = OverrideOutcome(*override_minutes, wall_ms, done, active, c.created_at, now);
  } else {
    s.with_target = t.target_minutes > 0;
    s.outcome = PolicyOutcome(t, done, active, now);
  }
  return s;
}

Sample FirstResponseSample(const CaseRecord& c, const SlaReportOptions& o, base::Timestamp now) {
  base::Timestamp at = c.first_response_at != 0 ? c.first_response_at : c.first_response.met_at;
  return Measure(c.first_response, at, at != 0, c, o.target_minutes_override, o.wall_clock, now);
}

Sample ResolutionSample(const CaseRecord& c, const SlaReportOptions& o, base::Timestamp now) {
  base::Timestamp at = 0;
  if (c.status == CaseStatus::kResolved || c.status == CaseStatus::kClosed)
    at = c.resolved_at != 0 ? c.resolved_at : c.closed_at;
  if (at == 0) at = c.resolution.met_at;
  return Measure(c.resolution, at, at != 0, c, o.resolution_target_minutes_override, o.wall_clock, now);
}

json OptionalNumber(const std::optional<double>& v) { return v ? json(*v) : json(nullptr); }

json MetricToJson(const SlaMetricStats& s) {
  json h = json::object();
  for (size_t i = 0; i < kSlaHistogramBuckets; ++i) h[std::string(kBucketNames[i])] = s.histogram[i];
  return json{{"cases", s.cases},
              {"done", s.done},
              {"measured", s.measured},
              {"with_target", s.with_target},
              {"met", s.met},
              {"breached", s.breached},
              {"running", s.running},
              {"pct_met", OptionalNumber(s.pct_met)},
              {"p50_minutes", OptionalNumber(s.p50_minutes)},
              {"p90_minutes", OptionalNumber(s.p90_minutes)},
              {"mean_minutes", OptionalNumber(s.mean_minutes)},
              {"histogram", std::move(h)}};
}

json GroupToJson(const SlaGroupStats& g) {
  return json{{"key", g.key}, {"first_response", MetricToJson(g.first_response)},
              {"resolution", MetricToJson(g.resolution)}};
}

std::string FormatMinutes(const std::optional<double>& m) {
  if (!m) return "-";
  int64_t total = std::llround(*m);
  if (total < 60) return std::to_string(total) + "m";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%lldh%02lldm", static_cast<long long>(total / 60),
                static_cast<long long>(total % 60));
  return buf;
}

std::string FormatPct(const std::optional<double>& p) {
  if (!p) return "-";
  char buf[16];
  std::snprintf(buf, sizeof buf, "%.1f%%", *p);
  return buf;
}

void AppendTable(std::string& out, const std::string& title, const char* done_label, const SlaReport& r,
                 const SlaMetricStats SlaGroupStats::*metric) {
  std::vector<std::array<std::string, 7>> rows;
  rows.push_back({"group", "cases", done_label, "met %", "p50", "p90", "mean"});
  auto add = [&](const SlaGroupStats& g) {
    const SlaMetricStats& s = g.*metric;
    rows.push_back({g.key, std::to_string(s.cases), std::to_string(s.done), FormatPct(s.pct_met),
                    FormatMinutes(s.p50_minutes), FormatMinutes(s.p90_minutes), FormatMinutes(s.mean_minutes)});
  };
  for (const SlaGroupStats& g : r.groups) add(g);
  add(r.total);
  std::array<size_t, 7> width{};
  for (const auto& row : rows)
    for (size_t i = 0; i < row.size(); ++i) width[i] = std::max(width[i], row[i].size());
  out += title + "\n";
  for (size_t k = 0; k < rows.size(); ++k) {
    if (k + 1 == rows.size() && !r.groups.empty()) {
      size_t line = 0;
      for (size_t i = 0; i < width.size(); ++i) line += width[i] + (i == 0 ? 0 : 2);
      out += std::string(line, '-') + "\n";
    }
    std::string line;
    for (size_t i = 0; i < rows[k].size(); ++i) {
      const std::string& cell = rows[k][i];
      std::string pad(width[i] - cell.size(), ' ');
      if (i == 0) line += cell + pad;  // the group name left-aligned, numbers right-aligned
      else line += "  " + pad + cell;
    }
    out += line + "\n";
  }
}

}  // namespace

std::string_view GroupByName(GroupBy g) { return kGroupByNames[static_cast<size_t>(g)]; }

std::optional<GroupBy> ParseGroupBy(std::string_view s) {
  for (size_t i = 0; i < kGroupByNames.size(); ++i) {
    std::string_view n = kGroupByNames[i];
    if (n.size() == s.size() && std::equal(n.begin(), n.end(), s.begin(), [](char a, char b) {
          return a == std::tolower(static_cast<unsigned char>(b));
        }))
      return static_cast<GroupBy>(i);
  }
  return std::nullopt;
}

std::string DefaultSlaGroupName(GroupBy g, const CaseRecord& c) {
  switch (g) {
    case GroupBy::kTeam: return c.team_id != 0 ? "team " + std::to_string(c.team_id) : "(no team)";
    case GroupBy::kChannel: return std::string(model::ChannelName(c.channel));
    case GroupBy::kAgent: return c.assignee_id != 0 ? "user " + std::to_string(c.assignee_id) : "(unassigned)";
    case GroupBy::kAccount: return c.account.empty() ? "(none)" : c.account;
    case GroupBy::kPriority: return std::string(PriorityName(c.priority));
    case GroupBy::kNone: return "all";
  }
  return "all";
}

SlaReport BuildSlaReport(std::span<const CaseRecord> cases, const SlaReportOptions& options,
                         const SlaGroupNamer& name_group, base::Timestamp now) {
  SlaReport report;
  report.group_by = options.group_by;
  report.wall_clock = options.wall_clock;
  std::map<std::string, GroupAccumulator> groups;
  GroupAccumulator total;
  for (const CaseRecord& c : cases) {
    Sample fr = FirstResponseSample(c, options, now);
    Sample res = ResolutionSample(c, options, now);
    total.first_response.Add(fr);
    total.resolution.Add(res);
    if (options.group_by == GroupBy::kNone) continue;
    std::string key = name_group ? name_group(options.group_by, c) : DefaultSlaGroupName(options.group_by, c);
    GroupAccumulator& g = groups[key];
    g.first_response.Add(fr);
    g.resolution.Add(res);
  }
  for (auto& [key, g] : groups)
    report.groups.push_back(SlaGroupStats{key, g.first_response.Finish(), g.resolution.Finish()});
  report.total = SlaGroupStats{"all", total.first_response.Finish(), total.resolution.Finish()};
  return report;
}

json ToJson(const SlaReport& report) {
  json groups = json::array();
  for (const SlaGroupStats& g : report.groups) groups.push_back(GroupToJson(g));
  return json{{"group_by", std::string(GroupByName(report.group_by))},
              {"unit", report.wall_clock ? "wall_clock_minutes" : "business_minutes"},
              {"groups", std::move(groups)},
              {"total", GroupToJson(report.total)}};
}

std::string ToText(const SlaReport& report) {
  const std::string unit = report.wall_clock ? "wall-clock time" : "business time";
  std::string out;
  AppendTable(out, "First response (" + unit + ")", "answered", report, &SlaGroupStats::first_response);
  out += "\n";
  AppendTable(out, "Resolution (" + unit + ")", "resolved", report, &SlaGroupStats::resolution);
  return out;
}

}  // namespace ecoute::care
