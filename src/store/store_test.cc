#include "store/store.h"

#include <limits>

#include <gtest/gtest.h>

namespace ecoute::store {
namespace {

TEST(Cursor, RoundTrips) {
  for (auto [t, id] : {std::pair<int64_t, int64_t>{0, 0},
                       {1509487847000, 42},
                       {-86'400'000, 7},
                       {std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::max()},
                       {std::numeric_limits<int64_t>::min(), 1}}) {
    Cursor c{t, id};
    std::string s = c.Encode();
    EXPECT_EQ(s.size(), 23u);
    for (char ch : s) EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(ch)) || ch == '-' || ch == '_') << s;
    auto d = Cursor::Decode(s);
    ASSERT_TRUE(d.ok()) << d.status().ToString();
    EXPECT_EQ(d->created_at, t);
    EXPECT_EQ(d->id, id);
  }
}

TEST(Cursor, DifferentPositionsEncodeDifferently) {
  EXPECT_NE((Cursor{1, 2}.Encode()), (Cursor{2, 1}.Encode()));
  EXPECT_NE((Cursor{1, 2}.Encode()), (Cursor{1, 3}.Encode()));
}

TEST(Cursor, RejectsMalformed) {
  std::string good = Cursor{1509487847000, 42}.Encode();
  for (std::string bad : {std::string(), std::string("abc"), good + "A", good.substr(1), std::string(23, '='),
                          std::string(23, '+'), std::string(23, 'A') /* format byte 0 */,
                          std::string("\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0", 23)}) {
    auto d = Cursor::Decode(bad);
    ASSERT_FALSE(d.ok()) << bad;
    EXPECT_EQ(d.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_NE(d.status().message().find("cursor"), std::string::npos);
  }
  // Non-canonical: the 2 spare bits of the last character must be zero.
  std::string tweaked = good;
  tweaked.back() = tweaked.back() == 'A' ? 'B' : 'A';
  auto d = Cursor::Decode(tweaked);
  EXPECT_FALSE(d.ok() && d->id == 42 && d->created_at == 1509487847000);
  // Negative id.
  EXPECT_FALSE(Cursor::Decode(Cursor{5, -1}.Encode()).ok());
}

TEST(Interval, ParsesAndNames) {
  for (Interval i : {Interval::kHour, Interval::kDay, Interval::kWeek}) {
    auto p = ParseInterval(IntervalName(i));
    ASSERT_TRUE(p.ok());
    EXPECT_EQ(*p, i);
  }
  EXPECT_EQ(*ParseInterval("DAY"), Interval::kDay);
  EXPECT_EQ(IntervalName(Interval::kWeek), "week");
  auto bad = ParseInterval("month");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("month"), std::string::npos);
  EXPECT_FALSE(ParseInterval("").ok());
}

TEST(GroupBy, Parses) {
  EXPECT_EQ(*ParseGroupBy(""), GroupBy::kNone);
  EXPECT_EQ(*ParseGroupBy("none"), GroupBy::kNone);
  EXPECT_EQ(*ParseGroupBy("channel"), GroupBy::kChannel);
  EXPECT_EQ(*ParseGroupBy("lang"), GroupBy::kLanguage);
  EXPECT_EQ(*ParseGroupBy("Language"), GroupBy::kLanguage);
  auto bad = ParseGroupBy("author");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(bad.status().message().find("author"), std::string::npos);
}

}  // namespace
}  // namespace ecoute::store
