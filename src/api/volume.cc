#include "api/volume.h"

#include <algorithm>
#include <map>

namespace ecoute::api {

namespace {

constexpr int64_t kHourMs = 3'600'000;

int64_t StepMs(store::Interval interval) {
  switch (interval) {
    case store::Interval::kHour: return kHourMs;
    case store::Interval::kDay: return 24 * kHourMs;
    case store::Interval::kWeek: return 7 * 24 * kHourMs;
  }
  return kHourMs;
}

}  // namespace

base::Timestamp FloorToInterval(store::Interval interval, base::Timestamp t) {
  switch (interval) {
    case store::Interval::kHour: return base::FloorHour(t);
    case store::Interval::kDay: return base::FloorDay(t);
    case store::Interval::kWeek: return base::FloorWeek(t);
  }
  return base::FloorHour(t);
}

base::Result<VolumeGrid> MakeVolumeGrid(store::Interval interval, base::Timestamp from, base::Timestamp to,
                                        int64_t max_buckets) {
  if (from >= to) {
    return base::Status::InvalidArgument("from (" + base::FormatTimestamp(from) + ") must be before to (" +
                                         base::FormatTimestamp(to) + ")");
  }
  VolumeGrid g;
  g.start = FloorToInterval(interval, from);
  g.end = to;
  g.step_ms = StepMs(interval);
  // Both ends come from ParseTimestamp or the clock, so the difference fits
  // in int64 (years 0..9999 span ~3.2e14 ms).
  int64_t span = to - g.start;
  g.buckets = span / g.step_ms + (span % g.step_ms != 0 ? 1 : 0);
  if (g.buckets > max_buckets) {
    return base::Status::InvalidArgument("from..to spans " + std::to_string(g.buckets) + " " +
                                         std::string(store::IntervalName(interval)) + " buckets, more than the " +
                                         std::to_string(max_buckets) +
                                         " allowed; narrow the range or use a larger interval");
  }
  return g;
}

std::vector<VolumeSeries> FillVolume(const VolumeGrid& grid, store::Interval interval, store::GroupBy group_by,
                                     std::span<const store::VolumePoint> points,
                                     const std::vector<std::string>& always) {
  const bool grouped = group_by != store::GroupBy::kNone;
  std::map<std::string, VolumeSeries> by_group;
  auto series_for = [&](const std::string& group) -> VolumeSeries& {
    auto [it, fresh] = by_group.try_emplace(grouped ? group : std::string());
    if (fresh) {
      it->second.group = it->first;
      it->second.counts.assign(static_cast<size_t>(grid.buckets), 0);
    }
    return it->second;
  };
  if (!grouped) series_for("");
  for (const std::string& g : always) {
    if (grouped) series_for(g);
  }
  for (const store::VolumePoint& p : points) {
    if (p.bucket < grid.start || p.bucket >= grid.end) continue;
    int64_t i = (FloorToInterval(interval, p.bucket) - grid.start) / grid.step_ms;
    if (i < 0 || i >= grid.buckets) continue;
    VolumeSeries& s = series_for(p.group);
    s.counts[static_cast<size_t>(i)] += p.count;
    s.total += p.count;
  }
  std::vector<VolumeSeries> out;
  out.reserve(by_group.size());
  for (auto& [name, s] : by_group) out.push_back(std::move(s));
  std::stable_sort(out.begin(), out.end(),
                   [](const VolumeSeries& a, const VolumeSeries& b) { return a.total > b.total; });
  return out;
}

}  // namespace ecoute::api
