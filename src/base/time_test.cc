#include "base/time.h"

#include <gtest/gtest.h>

namespace ecoute::base {
namespace {

constexpr Timestamp k2017 = 1509487847000;  // 2017-10-31T22:10:47Z

TEST(ParseTimestamp, Iso8601Shapes) {
  EXPECT_EQ(*ParseTimestamp("2017-10-31T22:10:47Z"), k2017);
  EXPECT_EQ(*ParseTimestamp("2017-10-31T22:10:47.250Z"), k2017 + 250);
  EXPECT_EQ(*ParseTimestamp("2017-10-31T23:10:47+01:00"), k2017);
  EXPECT_EQ(*ParseTimestamp("2017-10-31 22:10:47"), k2017);
  EXPECT_EQ(*ParseTimestamp("2017-10-31"), k2017 - (22 * 3600 + 10 * 60 + 47) * 1000);
  EXPECT_EQ(*ParseTimestamp("  2017-10-31T22:10:47.123456Z "), k2017 + 123);
}

TEST(ParseTimestamp, DatasetShapes) {
  EXPECT_EQ(*ParseTimestamp("Tue Oct 31 22:10:47 +0000 2017"), k2017);       // twcs
  EXPECT_EQ(*ParseTimestamp("2017-10-31 14:10:47 -0800"), k2017);            // airline tweets
  EXPECT_EQ(*ParseTimestamp("2017-10-31 22:10:47+00:00"), k2017);            // free tweets
  EXPECT_EQ(*ParseTimestamp("Tue, 31 Oct 2017 23:10:47 +0100"), k2017);      // e-mail
  EXPECT_EQ(*ParseTimestamp("1509487847"), k2017);
  EXPECT_EQ(*ParseTimestamp("1509487847000"), k2017);
}

TEST(ParseTimestamp, RejectsNonsenseWithTheText) {
  for (const char* bad : {"", "yesterday", "2017-13-01", "2017-02-30T00:00:00Z", "2017-10-31T24:00:00Z",
                          "2017-10-31T22:10:47+25:00", "Tue Foo 31 22:10:47 +0000 2017"}) {
    Result<Timestamp> r = ParseTimestamp(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_NE(r.status().message().find("not a date"), std::string::npos);
  }
}

TEST(FormatTimestamp, RoundTripsAndFloors) {
  EXPECT_EQ(FormatTimestamp(k2017), "2017-10-31T22:10:47Z");
  EXPECT_EQ(FormatTimestamp(k2017 + 7), "2017-10-31T22:10:47.007Z");
  EXPECT_EQ(FormatTimestamp(-1000), "1969-12-31T23:59:59Z");
  EXPECT_EQ(FormatTimestamp(FloorHour(k2017)), "2017-10-31T22:00:00Z");
  EXPECT_EQ(FormatTimestamp(FloorDay(k2017)), "2017-10-31T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(FloorWeek(k2017)), "2017-10-30T00:00:00Z");  // a Monday
  EXPECT_EQ(FormatTimestamp(FloorHour(-1)), "1969-12-31T23:00:00Z");
}

}  // namespace
}  // namespace ecoute::base
