#include "api/volume.h"

#include <gtest/gtest.h>

namespace ecoute::api {
namespace {

constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

base::Timestamp T(const char* s) { return *base::ParseTimestamp(s); }

TEST(MakeVolumeGrid, FloorsFromAndCoversToWithPartialLastBucket) {
  auto g = MakeVolumeGrid(store::Interval::kHour, T("2024-03-01T10:30:00Z"), T("2024-03-01T13:15:00Z"));
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->start, T("2024-03-01T10:00:00Z"));
  EXPECT_EQ(g->end, T("2024-03-01T13:15:00Z"));
  EXPECT_EQ(g->step_ms, kHour);
  EXPECT_EQ(g->buckets, 4);  // 10, 11, 12, 13

  auto exact = MakeVolumeGrid(store::Interval::kHour, T("2024-03-01T10:00:00Z"), T("2024-03-01T13:00:00Z"));
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->buckets, 3);
}

TEST(MakeVolumeGrid, WeeksStartOnMonday) {
  // 2024-03-06 is a Wednesday; its week starts Monday 2024-03-04.
  auto g = MakeVolumeGrid(store::Interval::kWeek, T("2024-03-06T10:00:00Z"), T("2024-03-20T00:00:00Z"));
  ASSERT_TRUE(g.ok());
  EXPECT_EQ(g->start, T("2024-03-04T00:00:00Z"));
  EXPECT_EQ(g->buckets, 3);
  auto d = MakeVolumeGrid(store::Interval::kDay, T("2024-03-06T10:00:00Z"), T("2024-03-08T00:00:01Z"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->start, T("2024-03-06T00:00:00Z"));
  EXPECT_EQ(d->step_ms, kDay);
  EXPECT_EQ(d->buckets, 3);
}

TEST(MakeVolumeGrid, RejectsEmptyRangesAndTooManyBuckets) {
  auto empty = MakeVolumeGrid(store::Interval::kHour, T("2024-03-01"), T("2024-03-01"));
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(empty.status().message().find("2024-03-01T00:00:00Z"), std::string::npos);

  auto big = MakeVolumeGrid(store::Interval::kHour, T("2000-01-01"), T("2024-01-01"));
  ASSERT_FALSE(big.ok());
  EXPECT_NE(big.status().message().find("10000"), std::string::npos) << big.status().message();
  EXPECT_TRUE(MakeVolumeGrid(store::Interval::kWeek, T("2000-01-01"), T("2024-01-01")).ok());
  EXPECT_FALSE(MakeVolumeGrid(store::Interval::kHour, T("2024-01-01"), T("2024-01-02"), 23).ok());
  EXPECT_TRUE(MakeVolumeGrid(store::Interval::kHour, T("2024-01-01"), T("2024-01-02"), 24).ok());
}

TEST(FillVolume, ZeroFillsUngroupedSeries) {
  auto g = MakeVolumeGrid(store::Interval::kHour, T("2024-03-01T00:00:00Z"), T("2024-03-01T05:00:00Z"));
  ASSERT_TRUE(g.ok());
  std::vector<store::VolumePoint> points = {
      {T("2024-03-01T01:00:00Z"), "", 3},
      {T("2024-03-01T03:00:00Z"), "", 2},
      {T("2024-03-01T07:00:00Z"), "", 100},  // outside: dropped
  };
  auto series = FillVolume(*g, store::Interval::kHour, store::GroupBy::kNone, points);
  ASSERT_EQ(series.size(), 1u);
  EXPECT_EQ(series[0].group, "");
  EXPECT_EQ(series[0].counts, (std::vector<int64_t>{0, 3, 0, 2, 0}));
  EXPECT_EQ(series[0].total, 5);

  auto none = FillVolume(*g, store::Interval::kHour, store::GroupBy::kNone, {});
  ASSERT_EQ(none.size(), 1u);
  EXPECT_EQ(none[0].counts, (std::vector<int64_t>(5, 0)));
}

TEST(FillVolume, GroupsAreOrderedByTotalAndIncludeRequestedOnes) {
  auto g = MakeVolumeGrid(store::Interval::kDay, T("2024-03-01"), T("2024-03-04"));
  ASSERT_TRUE(g.ok());
  std::vector<store::VolumePoint> points = {
      {T("2024-03-01"), "email", 1},
      {T("2024-03-02T05:00:00Z"), "twitter", 4},  // hourly point folded into its day
      {T("2024-03-02T06:00:00Z"), "twitter", 1},
      {T("2024-03-03"), "email", 1},
  };
  auto series = FillVolume(*g, store::Interval::kDay, store::GroupBy::kChannel, points, {"forum", "email"});
  ASSERT_EQ(series.size(), 3u);
  EXPECT_EQ(series[0].group, "twitter");
  EXPECT_EQ(series[0].counts, (std::vector<int64_t>{0, 5, 0}));
  EXPECT_EQ(series[1].group, "email");
  EXPECT_EQ(series[1].counts, (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(series[2].group, "forum");
  EXPECT_EQ(series[2].counts, (std::vector<int64_t>{0, 0, 0}));
}

}  // namespace
}  // namespace ecoute::api
