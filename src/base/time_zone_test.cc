#include "base/time_zone.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ecoute::base {
namespace {

Timestamp At(const char* iso) {
  Result<Timestamp> t = ParseTimestamp(iso);
  EXPECT_TRUE(t.ok()) << iso;
  return t.ok() ? *t : 0;
}

TimeZone Zone(const char* name) {
  Result<TimeZone> tz = TimeZone::Load(name);
  EXPECT_TRUE(tz.ok()) << tz.status().ToString();
  return tz.ok() ? *tz : TimeZone::Utc();
}

TEST(TimeZone, ParisOffsetsInWinterAndSummer) {
  TimeZone paris = Zone("Europe/Paris");
  EXPECT_EQ(paris.name(), "Europe/Paris");
  EXPECT_EQ(paris.OffsetMinutes(At("2026-01-15T12:00:00Z")), 60);
  EXPECT_EQ(paris.OffsetMinutes(At("2026-07-15T12:00:00Z")), 120);
}

TEST(TimeZone, ParisSwitchInstants) {
  TimeZone paris = Zone("Europe/Paris");
  Timestamp spring = At("2026-03-29T01:00:00Z");
  EXPECT_EQ(paris.OffsetMinutes(spring - 1), 60);
  EXPECT_EQ(paris.OffsetMinutes(spring), 120);
  Timestamp fall = At("2026-10-25T01:00:00Z");
  EXPECT_EQ(paris.OffsetMinutes(fall - 1), 120);
  EXPECT_EQ(paris.OffsetMinutes(fall), 60);
}

TEST(TimeZone, ToLocalAcrossTheSwitches) {
  TimeZone paris = Zone("Europe/Paris");
  TimeZone::Local before = paris.ToLocal(At("2026-03-29T00:59:59Z"));
  EXPECT_EQ(before.year, 2026);
  EXPECT_EQ(before.month, 3);
  EXPECT_EQ(before.day, 29);
  EXPECT_EQ(before.hour, 1);
  EXPECT_EQ(before.minute, 59);
  EXPECT_EQ(before.second, 59);
  EXPECT_EQ(before.offset_minutes, 60);
  TimeZone::Local after = paris.ToLocal(At("2026-03-29T01:00:00Z"));
  EXPECT_EQ(after.hour, 3);
  EXPECT_EQ(after.minute, 0);
  EXPECT_EQ(after.minute_of_day, 180);
  EXPECT_EQ(after.offset_minutes, 120);
  EXPECT_EQ(after.weekday, 6);  // Sunday

  // 02:30 local happens twice on 2026-10-25.
  TimeZone::Local first = paris.ToLocal(At("2026-10-25T00:30:00Z"));
  TimeZone::Local second = paris.ToLocal(At("2026-10-25T01:30:00Z"));
  EXPECT_EQ(first.minute_of_day, 150);
  EXPECT_EQ(second.minute_of_day, 150);
  EXPECT_EQ(first.offset_minutes, 120);
  EXPECT_EQ(second.offset_minutes, 60);

  // Local midnight is not UTC midnight.
  TimeZone::Local new_year = paris.ToLocal(At("2025-12-31T23:30:00Z"));
  EXPECT_EQ(new_year.year, 2026);
  EXPECT_EQ(new_year.month, 1);
  EXPECT_EQ(new_year.day, 1);
  EXPECT_EQ(new_year.minute_of_day, 30);
  EXPECT_EQ(new_year.weekday, 3);  // Thursday
}

TEST(TimeZone, FromLocalOrdinaryTimes) {
  TimeZone paris = Zone("Europe/Paris");
  EXPECT_EQ(paris.FromLocal(2026, 1, 15, 13, 0), At("2026-01-15T12:00:00Z"));
  EXPECT_EQ(paris.FromLocal(2026, 7, 15, 14, 0, 30), At("2026-07-15T12:00:30Z"));
  EXPECT_EQ(paris.FromLocal(2026, 3, 29, 1, 59, 59), At("2026-03-29T00:59:59Z"));
  EXPECT_EQ(paris.FromLocal(2026, 3, 29, 3, 0), At("2026-03-29T01:00:00Z"));
  // Round trips (not through 2026-10-25T01:00Z: its 02:00 local is ambiguous).
  for (Timestamp t : {At("2026-03-29T00:59:59Z"), At("2026-03-29T01:00:00Z"), At("2026-06-01T10:11:12Z"),
                      At("2026-10-25T00:59:59Z"), At("2026-10-25T02:00:00Z")}) {
    TimeZone::Local l = paris.ToLocal(t);
    EXPECT_EQ(paris.FromLocal(l.year, l.month, l.day, l.hour, l.minute, l.second), t) << FormatTimestamp(t);
  }
}

TEST(TimeZone, FromLocalInTheGapGivesTheEndOfTheGap) {
  TimeZone paris = Zone("Europe/Paris");
  EXPECT_EQ(paris.FromLocal(2026, 3, 29, 2, 30), At("2026-03-29T01:00:00Z"));
  EXPECT_EQ(paris.FromLocal(2026, 3, 29, 2, 0), At("2026-03-29T01:00:00Z"));
  EXPECT_EQ(paris.FromLocal(2026, 3, 29, 2, 59, 59), At("2026-03-29T01:00:00Z"));
  EXPECT_EQ(paris.ToLocal(paris.FromLocal(2026, 3, 29, 2, 30)).minute_of_day, 180);
}

TEST(TimeZone, FromLocalInTheOverlapGivesTheEarlierInstant) {
  TimeZone paris = Zone("Europe/Paris");
  EXPECT_EQ(paris.FromLocal(2026, 10, 25, 2, 30), At("2026-10-25T00:30:00Z"));
  EXPECT_EQ(paris.FromLocal(2026, 10, 25, 2, 0), At("2026-10-25T00:00:00Z"));
  EXPECT_EQ(paris.FromLocal(2026, 10, 25, 1, 59), At("2026-10-24T23:59:00Z"));
  EXPECT_EQ(paris.FromLocal(2026, 10, 25, 3, 0), At("2026-10-25T02:00:00Z"));
}

TEST(TimeZone, FromLocalCarriesOutOfRangeFields) {
  TimeZone paris = Zone("Europe/Paris");
  EXPECT_EQ(paris.FromLocal(2026, 12, 31, 24, 0), paris.FromLocal(2027, 1, 1, 0, 0));
  EXPECT_EQ(paris.FromLocal(2026, 13, 1, 0, 0), paris.FromLocal(2027, 1, 1, 0, 0));
  EXPECT_EQ(paris.FromLocal(2026, 1, 32, 0, 0), paris.FromLocal(2026, 2, 1, 0, 0));
  EXPECT_EQ(paris.FromLocal(2026, 0, 1, 0, 0), paris.FromLocal(2025, 12, 1, 0, 0));
}

TEST(TimeZone, Weekdays) {
  TimeZone paris = Zone("Europe/Paris");
  EXPECT_EQ(paris.ToLocal(At("2026-03-30T08:00:00Z")).weekday, 0);  // Monday
  EXPECT_EQ(paris.ToLocal(At("2017-10-31T22:10:47Z")).weekday, 1);  // Tuesday in Paris (23:10)
  EXPECT_EQ(paris.ToLocal(At("2017-10-31T23:10:47Z")).weekday, 2);  // already Wednesday in Paris
  EXPECT_EQ(paris.ToLocal(At("1969-12-31T12:00:00Z")).weekday, 2);  // before the epoch
}

TEST(TimeZone, Utc) {
  TimeZone utc = TimeZone::Utc();
  EXPECT_EQ(utc.name(), "UTC");
  Timestamp t = At("2017-10-31T22:10:47.250Z");
  EXPECT_EQ(utc.OffsetMinutes(t), 0);
  TimeZone::Local l = utc.ToLocal(t);
  EXPECT_EQ(l.year, 2017);
  EXPECT_EQ(l.month, 10);
  EXPECT_EQ(l.day, 31);
  EXPECT_EQ(l.hour, 22);
  EXPECT_EQ(l.minute, 10);
  EXPECT_EQ(l.second, 47);
  EXPECT_EQ(l.minute_of_day, 22 * 60 + 10);
  EXPECT_EQ(l.offset_minutes, 0);
  EXPECT_EQ(utc.FromLocal(2017, 10, 31, 22, 10, 47), At("2017-10-31T22:10:47Z"));
  EXPECT_EQ(utc.ToLocal(-1).year, 1969);
  EXPECT_EQ(utc.ToLocal(-1).second, 59);
}

TEST(TimeZone, UnknownNamesAreRejected) {
  for (const char* bad : {"Europe/Pariss", "", "Etc/Unknown", "Mars/Olympus_Mons"}) {
    Result<TimeZone> tz = TimeZone::Load(bad);
    ASSERT_FALSE(tz.ok()) << bad;
    EXPECT_EQ(tz.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(tz.status().message().find("\"" + std::string(bad) + "\""), std::string::npos)
        << tz.status().message();
  }
}

TEST(TimeZone, NewYork) {
  TimeZone ny = Zone("America/New_York");
  EXPECT_EQ(ny.OffsetMinutes(At("2026-01-15T12:00:00Z")), -300);
  EXPECT_EQ(ny.OffsetMinutes(At("2026-07-15T12:00:00Z")), -240);
  // 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z); 2026-11-01 02:00 EDT -> 01:00 EST (06:00Z).
  EXPECT_EQ(ny.OffsetMinutes(At("2026-03-08T07:00:00Z") - 1), -300);
  EXPECT_EQ(ny.OffsetMinutes(At("2026-03-08T07:00:00Z")), -240);
  EXPECT_EQ(ny.FromLocal(2026, 3, 8, 2, 30), At("2026-03-08T07:00:00Z"));
  EXPECT_EQ(ny.FromLocal(2026, 11, 1, 1, 30), At("2026-11-01T05:30:00Z"));
  TimeZone::Local l = ny.ToLocal(At("2026-07-04T03:00:00Z"));
  EXPECT_EQ(l.day, 3);
  EXPECT_EQ(l.hour, 23);
  EXPECT_EQ(l.weekday, 4);  // Friday
}

TEST(TimeZone, CopiesShareAndConcurrentUseIsSafe) {
  TimeZone paris = Zone("Europe/Paris");
  TimeZone copy = paris;
  EXPECT_EQ(copy.name(), paris.name());
  std::vector<std::thread> threads;
  std::vector<int> bad(4, 0);
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&, k] {
      TimeZone mine = copy;
      Timestamp t0 = At("2026-01-01T00:00:00Z");
      for (int i = 0; i < 2000; ++i) {
        Timestamp t = t0 + int64_t{i} * 4 * 3600 * 1000;
        TimeZone::Local l = mine.ToLocal(t);
        if (mine.FromLocal(l.year, l.month, l.day, l.hour, l.minute, l.second) != t &&
            !(l.month == 10 && l.day == 25 && l.hour == 2))
          ++bad[k];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int b : bad) EXPECT_EQ(b, 0);
}

}  // namespace
}  // namespace ecoute::base
