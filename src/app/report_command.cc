// ecoute report sla: first-response and resolution times of the stored
// cases, per team, channel, agent, account (brand) or priority, and the
// share met against the policies or a given target.
#include <algorithm>
#include <cstdio>
#include <limits>

#include <nlohmann/json.hpp>

#include "app/care_wiring.h"
#include "app/commands.h"
#include "app/runtime.h"
#include "care/sla_report.h"
#include "care/sla.h"

namespace ecoute::app {

int RunReportSla(const GlobalFlags& global, const ReportSlaFlags& flags) {
  auto config = LoadConfig(global);
  if (!config.ok()) return Fail(config.status());
  SetUpLogging(config->log_level);
  auto group = care::ParseGroupBy(flags.group_by);
  if (!group) return Fail(base::Status::InvalidArgument("--group-by: \"" + flags.group_by +
                                                        "\" is not one of team, channel, agent, account, priority, none"));
  care::SlaReportOptions options;
  options.group_by = *group;
  options.wall_clock = flags.wall_clock;
  if (!flags.target.empty()) {
    auto minutes = care::ParseSlaDuration(flags.target);
    if (!minutes.ok()) return Fail(minutes.status().WithPrefix("--target"));
    options.target_minutes_override = minutes.value();
    options.wall_clock = true;  // a fixed target is read on the clock on the wall
  }
  base::Timestamp from = 0, to = 0;
  if (!flags.from.empty()) {
    auto t = base::ParseTimestamp(flags.from);
    if (!t.ok()) return Fail(t.status().WithPrefix("--from"));
    from = t.value();
  }
  if (!flags.to.empty()) {
    auto t = base::ParseTimestamp(flags.to);
    if (!t.ok()) return Fail(t.status().WithPrefix("--to"));
    to = t.value();
  }
  auto db = care::CaseDb::Open(CareDbPath(*config), base::SystemClock());
  if (!db.ok()) return Fail(db.status());
  std::vector<care::CaseRecord> cases;
  base::Timestamp latest = 0;
  base::Status st = db.value()->ScanCases(from, to == 0 ? std::numeric_limits<int64_t>::max() : to,
                                           [&](const care::CaseRecord& c) {
                                             latest = std::max({latest, c.updated_at, c.last_customer_at,
                                                                c.last_agent_at});
                                             cases.push_back(c);
                                             return true;
                                           });
  if (!st.ok()) return Fail(st);
  // "Now" for unanswered cases: the newest activity recorded (a replayed
  // history is judged at its own end, not at today's date).
  const base::Timestamp now = flags.now_is_latest && latest != 0 ? latest : base::SystemClock().Now();
  care::SlaReport report = care::BuildSlaReport(cases, options, nullptr, now);
  if (flags.json) {
    std::printf("%s\n", care::ToJson(report).dump(2).c_str());
  } else {
    std::printf("%s", care::ToText(report).c_str());
  }
  return 0;
}

}  // namespace ecoute::app
