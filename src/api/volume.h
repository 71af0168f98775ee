// Volume series for charts: the store's sparse (bucket, group, count) points
// laid on a continuous, zero-filled grid of time buckets.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "store/store.h"

namespace ecoute::api {

// Most buckets one volume request may ask for (e.g. 416 days hourly).
inline constexpr int64_t kMaxVolumeBuckets = 10'000;

// Buckets start, start + step, ... while < end.
struct VolumeGrid {
  base::Timestamp start = 0;  // `from` floored to the interval (UTC; weeks start on Monday)
  base::Timestamp end = 0;    // `to`, exclusive
  int64_t step_ms = 0;
  int64_t buckets = 0;
};

// Builds the grid for [from, to). InvalidArgument when from >= to or when
// it would exceed `max_buckets` (the message gives the count and the limit).
base::Result<VolumeGrid> MakeVolumeGrid(store::Interval interval, base::Timestamp from, base::Timestamp to,
                                        int64_t max_buckets = kMaxVolumeBuckets);

struct VolumeSeries {
  std::string group;            // channel or language; empty when not grouped
  std::vector<int64_t> counts;  // one per grid bucket
  int64_t total = 0;
};

// Sums `points` into the grid (each point's bucket is floored to the
// interval; points outside the grid are dropped). Ungrouped: exactly one
// series. Grouped: one series per group seen in `points`, plus one (all
// zero) for each name in `always` not seen; ordered by total descending,
// then name.
std::vector<VolumeSeries> FillVolume(const VolumeGrid& grid, store::Interval interval, store::GroupBy group_by,
                                     std::span<const store::VolumePoint> points,
                                     const std::vector<std::string>& always = {});

// Floors `t` to the start of its interval.
base::Timestamp FloorToInterval(store::Interval interval, base::Timestamp t);

}  // namespace ecoute::api
