#include "care/calendar.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <random>

#include "base/time.h"

namespace ecoute::care {
namespace {

using base::Timestamp;
using nlohmann::json;

constexpr int64_t kMin = 60'000;
constexpr int64_t kHour = 60 * kMin;

Timestamp Utc(const char* text) {
  auto t = base::ParseTimestamp(text);
  EXPECT_TRUE(t.ok()) << text;
  return t.ok() ? *t : 0;
}

BusinessCalendar Parse(const json& j) {
  auto c = BusinessCalendar::FromJson(j, "calendars[0]");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : BusinessCalendar::Always();
}

std::string Error(const json& j) {
  auto c = BusinessCalendar::FromJson(j, "calendars[1]");
  EXPECT_FALSE(c.ok());
  if (c.ok()) return "";
  EXPECT_EQ(c.status().code(), base::StatusCode::kInvalidArgument);
  return c.status().message();
}

json Weekdays(const json& day) {
  return json{{"mon", day}, {"tue", day}, {"wed", day}, {"thu", day}, {"fri", day}};
}
json EveryDay(const json& day) {
  json j = Weekdays(day);
  j["sat"] = day;
  j["sun"] = day;
  return j;
}

// Monday to Friday 09:00-17:00 in Paris, French public holidays.
BusinessCalendar ParisNineToFive(json extra_holidays = json::array()) {
  return Parse({{"name", "paris"},
                {"time_zone", "Europe/Paris"},
                {"hours", Weekdays({"09:00-17:00"})},
                {"holidays", extra_holidays},
                {"holiday_sets", {"fr"}}});
}

class CalendarTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto z = base::TimeZone::Load("Europe/Paris");
    ASSERT_TRUE(z.ok());
    paris_ = *z;
    auto l = base::TimeZone::Load("Europe/London");
    ASSERT_TRUE(l.ok());
    london_ = *l;
  }
  Timestamp Paris(int y, int mo, int d, int h, int mi) const { return paris_.FromLocal(y, mo, d, h, mi); }
  Timestamp London(int y, int mo, int d, int h, int mi) const { return london_.FromLocal(y, mo, d, h, mi); }

  base::TimeZone paris_ = base::TimeZone::Utc();
  base::TimeZone london_ = base::TimeZone::Utc();
};

// The example: a message on Friday 16:45, 30 minutes of target, open
// Monday to Friday 09:00-17:00: 15 minutes on Friday, 15 on Monday.
TEST_F(CalendarTest, FridayEveningMessageIsDueMondayMorning) {
  BusinessCalendar cal = ParisNineToFive();
  Timestamp friday = Paris(2026, 1, 9, 16, 45);
  EXPECT_EQ(cal.AddBusinessMillis(friday, 30 * kMin), Paris(2026, 1, 12, 9, 15));
  EXPECT_EQ(cal.AddBusinessMillis(friday, 30 * kMin), Utc("2026-01-12T08:15:00Z"));
  EXPECT_EQ(cal.BusinessMillisBetween(friday, Paris(2026, 1, 12, 9, 15)), 30 * kMin);
  // The weekend before the spring-forward switch: Monday is on summer time.
  Timestamp before_dst = Paris(2026, 3, 27, 16, 45);
  EXPECT_EQ(cal.AddBusinessMillis(before_dst, 30 * kMin), Utc("2026-03-30T07:15:00Z"));
  EXPECT_EQ(cal.BusinessMillisBetween(before_dst, Utc("2026-03-30T07:15:00Z")), 30 * kMin);
}

TEST_F(CalendarTest, OpenNextOpenAndClosingInstants) {
  BusinessCalendar cal = ParisNineToFive();
  EXPECT_FALSE(cal.IsOpen(Paris(2026, 1, 12, 8, 59)));
  EXPECT_TRUE(cal.IsOpen(Paris(2026, 1, 12, 9, 0)));
  EXPECT_TRUE(cal.IsOpen(Paris(2026, 1, 12, 17, 0) - 1));
  EXPECT_FALSE(cal.IsOpen(Paris(2026, 1, 12, 17, 0)));
  EXPECT_FALSE(cal.IsOpen(Paris(2026, 1, 10, 12, 0)));  // Saturday
  EXPECT_EQ(cal.NextOpen(Paris(2026, 1, 12, 10, 0)), Paris(2026, 1, 12, 10, 0));
  EXPECT_EQ(cal.NextOpen(Paris(2026, 1, 9, 17, 0)), Paris(2026, 1, 12, 9, 0));
  EXPECT_EQ(cal.NextOpen(Paris(2026, 1, 10, 3, 0)), Paris(2026, 1, 12, 9, 0));
  // 0 ms: the next open instant. The last millisecond of a day ends at the
  // closing instant, not the next morning.
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 1, 10, 3, 0), 0), Paris(2026, 1, 12, 9, 0));
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 1, 12, 16, 30), 30 * kMin), Paris(2026, 1, 12, 17, 0));
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 1, 12, 16, 30), 30 * kMin + 1), Paris(2026, 1, 13, 9, 0) + 1);
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 1, 12, 16, 30), -5), Paris(2026, 1, 12, 16, 30));
  EXPECT_EQ(cal.BusinessMillisBetween(Paris(2026, 1, 12, 10, 0), Paris(2026, 1, 12, 9, 0)), 0);
  EXPECT_EQ(cal.BusinessMillisBetween(Paris(2026, 1, 12, 10, 0), Paris(2026, 1, 12, 10, 0)), 0);
  // A whole week: 5 x 8 h.
  EXPECT_EQ(cal.BusinessMillisBetween(Paris(2026, 1, 12, 0, 0), Paris(2026, 1, 19, 0, 0)), 40 * kHour);
}

TEST_F(CalendarTest, DefaultAndAlways) {
  auto def = BusinessCalendar::Default();
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ(def->name(), "business_hours");
  EXPECT_EQ(def->time_zone().name(), "Europe/Paris");
  EXPECT_EQ(def->holiday_sets(), std::vector<std::string>{"fr"});
  for (int d = 0; d < 5; ++d) EXPECT_EQ(def->hours(d), (std::vector<OpenInterval>{{540, 1080}}));
  EXPECT_TRUE(def->hours(5).empty());
  EXPECT_TRUE(def->hours(6).empty());
  EXPECT_TRUE(def->IsOpen(Paris(2026, 1, 12, 17, 59)));
  EXPECT_FALSE(def->IsOpen(Paris(2026, 1, 1, 12, 0)));  // Jour de l'an, a Thursday

  BusinessCalendar always = BusinessCalendar::Always();
  EXPECT_EQ(always.name(), "24x7");
  EXPECT_EQ(always.time_zone().name(), "UTC");
  Timestamp t = Utc("2026-03-29T00:30:00Z");
  EXPECT_TRUE(always.IsOpen(t));
  EXPECT_EQ(always.NextOpen(t), t);
  EXPECT_EQ(always.AddBusinessMillis(t, 3 * kHour), t + 3 * kHour);
  EXPECT_EQ(always.BusinessMillisBetween(t, t + 123'456'789), 123'456'789);
  EXPECT_EQ(BusinessCalendar::Always("round_the_clock").name(), "round_the_clock");
}

// Round the clock in Paris: the open time is the real time, so the day of
// the spring-forward switch has 23 hours and the fall-back day 25.
TEST_F(CalendarTest, RoundTheClockAcrossDaylightSavingSwitches) {
  BusinessCalendar cal = Parse({{"name", "paris_24x7"}, {"time_zone", "Europe/Paris"}, {"hours", "24x7"}});
  EXPECT_EQ(cal.BusinessMillisBetween(Paris(2026, 3, 29, 0, 0), Paris(2026, 3, 30, 0, 0)), 23 * kHour);
  EXPECT_EQ(cal.BusinessMillisBetween(Paris(2026, 10, 25, 0, 0), Paris(2026, 10, 26, 0, 0)), 25 * kHour);
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 3, 28, 23, 0), 3 * kHour), Paris(2026, 3, 29, 3, 0));
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 3, 28, 23, 0), 3 * kHour), Utc("2026-03-29T01:00:00Z"));
  EXPECT_EQ(cal.AddBusinessMillis(Utc("2026-10-24T23:00:00Z"), 3 * kHour), Utc("2026-10-25T02:00:00Z"));
  // With a holiday set, the holiday closes the whole local day.
  BusinessCalendar fr = Parse({{"name", "fr_24x7"}, {"time_zone", "Europe/Paris"}, {"hours", "24x7"},
                               {"holiday_sets", {"fr"}}});
  EXPECT_FALSE(fr.IsOpen(Paris(2026, 7, 14, 12, 0)));
  EXPECT_EQ(fr.NextOpen(Paris(2026, 7, 14, 12, 0)), Paris(2026, 7, 15, 0, 0));
  EXPECT_EQ(fr.BusinessMillisBetween(Paris(2026, 7, 13, 12, 0), Paris(2026, 7, 15, 12, 0)), 24 * kHour);
}

// A day shift open every day is 8 h on the switch days too; an interval
// spanning the night's switch is shorter or longer in real time.
TEST_F(CalendarTest, DayShiftAndIntervalsSpanningTheSwitch) {
  BusinessCalendar day = Parse({{"name", "d"}, {"time_zone", "Europe/Paris"}, {"hours", EveryDay({"09:00-17:00"})}});
  EXPECT_EQ(day.BusinessMillisBetween(Paris(2026, 3, 29, 0, 0), Paris(2026, 3, 30, 0, 0)), 8 * kHour);
  EXPECT_EQ(day.BusinessMillisBetween(Paris(2026, 10, 25, 0, 0), Paris(2026, 10, 26, 0, 0)), 8 * kHour);
  EXPECT_EQ(day.AddBusinessMillis(Paris(2026, 3, 28, 16, 0), 2 * kHour), Paris(2026, 3, 29, 10, 0));

  BusinessCalendar night =
      Parse({{"name", "n"}, {"time_zone", "Europe/Paris"}, {"hours", EveryDay({"01:00-04:00"})}});
  EXPECT_EQ(night.BusinessMillisBetween(Paris(2026, 3, 29, 0, 0), Paris(2026, 3, 30, 0, 0)), 2 * kHour);
  EXPECT_EQ(night.BusinessMillisBetween(Paris(2026, 10, 25, 0, 0), Paris(2026, 10, 26, 0, 0)), 4 * kHour);
  // Both occurrences of 02:30 on the fall-back night are open.
  EXPECT_TRUE(night.IsOpen(Utc("2026-10-25T00:30:00Z")));
  EXPECT_TRUE(night.IsOpen(Utc("2026-10-25T01:30:00Z")));
  EXPECT_FALSE(night.IsOpen(Utc("2026-10-25T03:00:00Z")));  // 04:00 winter time
}

// A night shift, 22:00-06:00 every day, written as two intervals.
TEST_F(CalendarTest, NightShiftAcrossDaylightSavingSwitches) {
  BusinessCalendar cal = Parse(
      {{"name", "nights"}, {"time_zone", "Europe/Paris"}, {"hours", EveryDay({"00:00-06:00", "22:00-24:00"})}});
  // Spring forward: 22:00 CET (21:00 UTC) to 06:00 CEST (04:00 UTC) = 7 h.
  EXPECT_EQ(cal.BusinessMillisBetween(Paris(2026, 3, 28, 20, 0), Paris(2026, 3, 29, 8, 0)), 7 * kHour);
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 3, 28, 22, 0), 7 * kHour), Utc("2026-03-29T04:00:00Z"));
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 3, 28, 22, 0), 8 * kHour), Paris(2026, 3, 29, 23, 0));
  EXPECT_TRUE(cal.IsOpen(Paris(2026, 3, 28, 23, 59)));
  EXPECT_TRUE(cal.IsOpen(Paris(2026, 3, 29, 0, 0)));
  // Fall back: 22:00 CEST (20:00 UTC) to 06:00 CET (05:00 UTC) = 9 h.
  EXPECT_EQ(cal.BusinessMillisBetween(Paris(2026, 10, 24, 20, 0), Paris(2026, 10, 25, 8, 0)), 9 * kHour);
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 10, 24, 22, 0), 9 * kHour), Utc("2026-10-25T05:00:00Z"));
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 10, 24, 22, 0), 9 * kHour + 1), Paris(2026, 10, 25, 22, 0) + 1);
  EXPECT_TRUE(cal.IsOpen(Utc("2026-10-25T01:30:00Z")));  // the second 02:30
  EXPECT_FALSE(cal.IsOpen(Paris(2026, 10, 25, 12, 0)));
}

TEST_F(CalendarTest, EasterComputus) {
  struct Case {
    int year, month, day;
  };
  for (Case c : {Case{1818, 3, 22}, Case{1943, 4, 25}, Case{2000, 4, 23}, Case{2008, 3, 23}, Case{2011, 4, 24},
                 Case{2019, 4, 21}, Case{2024, 3, 31}, Case{2025, 4, 20}, Case{2026, 4, 5}, Case{2027, 3, 28},
                 Case{2038, 4, 25}, Case{2285, 3, 22}}) {
    HolidayDate e = EasterSunday(c.year);
    EXPECT_EQ(e.year, c.year);
    EXPECT_EQ(e.month, c.month) << c.year;
    EXPECT_EQ(e.day, c.day) << c.year;
  }
}

std::vector<std::string> Dates(const std::vector<HolidayDate>& hs) {
  std::vector<std::string> out;
  for (const HolidayDate& h : hs) {
    char buf[16];
    std::snprintf(buf, sizeof buf, "%02d-%02d", h.month, h.day);
    out.push_back(buf);
  }
  return out;
}

TEST_F(CalendarTest, FrenchPublicHolidays) {
  auto y2026 = PublicHolidays("fr", 2026);
  ASSERT_TRUE(y2026.ok());
  EXPECT_EQ(Dates(*y2026), (std::vector<std::string>{"01-01", "04-06", "05-01", "05-08", "05-14", "05-25", "07-14",
                                                     "08-15", "11-01", "11-11", "12-25"}));
  EXPECT_EQ((*y2026)[1].name, "Lundi de Pâques");
  auto y2027 = PublicHolidays("fr", 2027);
  ASSERT_TRUE(y2027.ok());
  EXPECT_EQ(Dates(*y2027), (std::vector<std::string>{"01-01", "03-29", "05-01", "05-06", "05-08", "05-17", "07-14",
                                                     "08-15", "11-01", "11-11", "12-25"}));
  auto y2038 = PublicHolidays("fr", 2038);
  ASSERT_TRUE(y2038.ok());
  EXPECT_EQ(Dates(*y2038), (std::vector<std::string>{"01-01", "04-26", "05-01", "05-08", "06-03", "06-14", "07-14",
                                                     "08-15", "11-01", "11-11", "12-25"}));
  auto y2025 = PublicHolidays("fr", 2025);
  ASSERT_TRUE(y2025.ok());
  EXPECT_EQ(Dates(*y2025), (std::vector<std::string>{"01-01", "04-21", "05-01", "05-08", "05-29", "06-09", "07-14",
                                                     "08-15", "11-01", "11-11", "12-25"}));

  BusinessCalendar cal = ParisNineToFive();
  EXPECT_EQ(cal.HolidayOn(2026, 4, 6), "Lundi de Pâques");
  EXPECT_EQ(cal.HolidayOn(2026, 5, 14), "Ascension");
  EXPECT_EQ(cal.HolidayOn(2026, 5, 25), "Lundi de Pentecôte");
  EXPECT_EQ(cal.HolidayOn(2026, 4, 7), std::nullopt);
  EXPECT_EQ(cal.HolidayOn(2026, 2, 30), std::nullopt);
  // Friday before Easter Monday: due on Tuesday.
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 4, 3, 16, 45), 30 * kMin), Paris(2026, 4, 7, 9, 15));
  // Ascension Thursday: Wednesday evening -> Friday morning.
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 5, 13, 16, 45), 30 * kMin), Paris(2026, 5, 15, 9, 15));
  // Whit Monday.
  EXPECT_FALSE(cal.IsOpen(Paris(2026, 5, 25, 10, 0)));
  EXPECT_EQ(cal.BusinessMillisBetween(Paris(2026, 5, 22, 0, 0), Paris(2026, 5, 27, 0, 0)), 16 * kHour);
}

TEST_F(CalendarTest, EnglishBankHolidays) {
  auto dates = [](int year) {
    auto h = PublicHolidays("gb-eng", year);
    EXPECT_TRUE(h.ok());
    return h.ok() ? Dates(*h) : std::vector<std::string>{};
  };
  EXPECT_EQ(dates(2026), (std::vector<std::string>{"01-01", "04-03", "04-06", "05-04", "05-25", "08-31", "12-25",
                                                   "12-28"}));
  EXPECT_EQ(dates(2027), (std::vector<std::string>{"01-01", "03-26", "03-29", "05-03", "05-31", "08-30", "12-27",
                                                   "12-28"}));
  EXPECT_EQ(dates(2021), (std::vector<std::string>{"01-01", "04-02", "04-05", "05-03", "05-31", "08-30", "12-27",
                                                   "12-28"}));
  EXPECT_EQ(dates(2022), (std::vector<std::string>{"01-03", "04-15", "04-18", "05-02", "06-02", "06-03", "08-29",
                                                   "09-19", "12-26", "12-27"}));
  EXPECT_EQ(dates(2023), (std::vector<std::string>{"01-02", "04-07", "04-10", "05-01", "05-08", "05-29", "08-28",
                                                   "12-25", "12-26"}));
  EXPECT_EQ(dates(2020), (std::vector<std::string>{"01-01", "04-10", "04-13", "05-08", "05-25", "08-31", "12-25",
                                                   "12-28"}));
  auto unknown = PublicHolidays("de", 2026);
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message(), "\"de\" is not a known holiday set (known: fr, gb-eng)");
  EXPECT_FALSE(PublicHolidays("fr", 1500).ok());
  EXPECT_EQ(std::vector<std::string_view>(KnownHolidaySets().begin(), KnownHolidaySets().end()),
            (std::vector<std::string_view>{"fr", "gb-eng"}));
}

// 2026-12-25 is a Friday: in Paris the next working day is Monday 28; in
// London Boxing Day moves to Monday 28, so Tuesday 29.
TEST_F(CalendarTest, ChristmasOnAFriday) {
  BusinessCalendar paris = ParisNineToFive();
  EXPECT_EQ(paris.AddBusinessMillis(Paris(2026, 12, 24, 16, 45), 30 * kMin), Paris(2026, 12, 28, 9, 15));
  BusinessCalendar paris_eve = ParisNineToFive({{{"date", "2026-12-24"}, {"name", "Réveillon"}}});
  EXPECT_EQ(paris_eve.HolidayOn(2026, 12, 24), "Réveillon");
  EXPECT_EQ(paris_eve.AddBusinessMillis(Paris(2026, 12, 23, 16, 45), 30 * kMin), Paris(2026, 12, 28, 9, 15));
  BusinessCalendar london = Parse({{"name", "london"},
                                   {"time_zone", "Europe/London"},
                                   {"hours", Weekdays({"09:00-17:00"})},
                                   {"holiday_sets", {"gb-eng"}}});
  EXPECT_EQ(london.HolidayOn(2026, 12, 28), "Boxing Day (substitute day)");
  EXPECT_EQ(london.AddBusinessMillis(London(2026, 12, 24, 16, 45), 30 * kMin), London(2026, 12, 29, 9, 15));
  EXPECT_EQ(london.AddBusinessMillis(London(2026, 12, 24, 16, 45), 30 * kMin), Utc("2026-12-29T09:15:00Z"));
}

TEST_F(CalendarTest, SplitDayWithLunchBreak) {
  BusinessCalendar cal = Parse({{"name", "split"},
                                {"time_zone", "Europe/Paris"},
                                {"hours", Weekdays({"13:30-17:00", "09:00-12:30"})}});
  EXPECT_EQ(cal.hours(0), (std::vector<OpenInterval>{{540, 750}, {810, 1020}}));
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 1, 12, 12, 15), 30 * kMin), Paris(2026, 1, 12, 13, 45));
  EXPECT_EQ(cal.AddBusinessMillis(Paris(2026, 1, 12, 12, 0), 30 * kMin), Paris(2026, 1, 12, 12, 30));
  EXPECT_EQ(cal.BusinessMillisBetween(Paris(2026, 1, 12, 12, 0), Paris(2026, 1, 12, 14, 0)), 60 * kMin);
  EXPECT_FALSE(cal.IsOpen(Paris(2026, 1, 12, 12, 30)));
  EXPECT_EQ(cal.NextOpen(Paris(2026, 1, 12, 12, 30)), Paris(2026, 1, 12, 13, 30));
  EXPECT_EQ(cal.BusinessMillisBetween(Paris(2026, 1, 12, 0, 0), Paris(2026, 1, 13, 0, 0)), 7 * kHour);
}

// A 30-working-day target walks day by day: 240 h of 09:00-17:00 from Monday
// 1 June 2026 ends on Friday 10 July (14 July is after it).
TEST_F(CalendarTest, LongSpans) {
  BusinessCalendar cal = ParisNineToFive();
  Timestamp start = Paris(2026, 6, 1, 9, 0);
  Timestamp end = cal.AddBusinessMillis(start, 30 * 8 * kHour);
  EXPECT_EQ(end, Paris(2026, 7, 10, 17, 0));
  EXPECT_EQ(cal.BusinessMillisBetween(start, end), 30 * 8 * kHour);
  // Over a whole year: 2026 has 261 weekdays, and 9 of the 11 French
  // holidays fall on one (15 Aug is a Saturday, 1 Nov a Sunday).
  EXPECT_EQ(cal.BusinessMillisBetween(Paris(2026, 1, 1, 0, 0), Paris(2027, 1, 1, 0, 0)), (261 - 9) * 8 * kHour);
}

// Independent reference: a minute is open when its local wall-clock time
// (ToLocal) falls in an interval of its weekday and its date is no holiday.
// It agrees with the calendar when no bound lies in a repeated hour (a bound
// in a spring-forward gap means the gap's end for both).
bool ReferenceOpen(const BusinessCalendar& cal, Timestamp t) {
  base::TimeZone::Local l = cal.time_zone().ToLocal(t);
  if (cal.HolidayOn(l.year, l.month, l.day)) return false;
  for (const OpenInterval& iv : cal.hours(l.weekday))
    if (l.minute_of_day >= iv.start_minute && l.minute_of_day < iv.end_minute) return true;
  return false;
}

std::vector<BusinessCalendar> PropertyCalendars() {
  std::vector<BusinessCalendar> cals;
  cals.push_back(ParisNineToFive({"2026-12-24", "2027-08-02"}));
  cals.push_back(Parse({{"name", "london_split"},
                        {"time_zone", "Europe/London"},
                        {"hours",
                         {{"mon", {"08:30-12:00", "13:00-18:15"}},
                          {"wed", {"10:00-16:00"}},
                          {"fri", {"07:00-11:00", "11:00-12:00"}},
                          {"sat", {"09:00-13:00"}}}},
                        {"holiday_sets", {"gb-eng"}}}));
  cals.push_back(Parse({{"name", "nights"},
                        {"time_zone", "Europe/Paris"},
                        {"hours", EveryDay({"00:00-06:00", "22:00-24:00"})},
                        {"holiday_sets", {"fr"}}}));
  cals.push_back(Parse({{"name", "ny"},
                        {"time_zone", "America/New_York"},
                        {"hours", Weekdays({"00:00-00:45", "02:30-23:00"})}}));
  return cals;
}

TEST_F(CalendarTest, PropertyAddAndBetweenAreInverse) {
  std::mt19937_64 rng(20260329);
  const Timestamp from = Utc("2025-01-01T00:00:00Z"), to = Utc("2028-01-01T00:00:00Z");
  std::uniform_int_distribution<Timestamp> instant(from, to);
  std::uniform_int_distribution<int64_t> span(0, 30 * 24 * kHour);
  for (const BusinessCalendar& cal : PropertyCalendars()) {
    for (int i = 0; i < 300; ++i) {
      Timestamp a = instant(rng);
      int64_t ms = span(rng) / (i % 3 == 0 ? 1 : 97);  // long and short spans
      Timestamp end = cal.AddBusinessMillis(a, ms);
      ASSERT_EQ(cal.BusinessMillisBetween(a, end), ms) << cal.name() << " a=" << a << " ms=" << ms;
      ASSERT_GE(end, cal.NextOpen(a));
      // Earliest: one millisecond less is not enough.
      if (ms > 0) {
        ASSERT_EQ(cal.BusinessMillisBetween(a, end - 1), ms - 1);
      }
      ASSERT_TRUE(ms == 0 || cal.IsOpen(end - 1)) << cal.name();

      Timestamp b = a + span(rng) / (i % 2 == 0 ? 1 : 13);
      int64_t between = cal.BusinessMillisBetween(a, b);
      Timestamp back = cal.AddBusinessMillis(a, between);
      ASSERT_LE(back, std::max(b, cal.NextOpen(a))) << cal.name() << " a=" << a << " b=" << b;
      ASSERT_EQ(cal.BusinessMillisBetween(back, b), 0) << cal.name() << " a=" << a << " b=" << b;
      if (cal.IsOpen(b) && cal.IsOpen(b - 1) && b > a) {
        ASSERT_EQ(back, b);
      }
      // Additivity.
      Timestamp m = a + (b - a) / 3;
      ASSERT_EQ(cal.BusinessMillisBetween(a, m) + cal.BusinessMillisBetween(m, b), between);
      // NextOpen is open, and nothing before it (from a) is.
      Timestamp n = cal.NextOpen(a);
      ASSERT_TRUE(cal.IsOpen(n));
      ASSERT_EQ(cal.BusinessMillisBetween(a, n), 0);
    }
  }
}

TEST_F(CalendarTest, PropertyAgreesWithMinuteByMinuteReference) {
  std::mt19937_64 rng(7);
  std::vector<Timestamp> starts = {Utc("2026-03-27T00:00:00Z"), Utc("2026-10-23T00:00:00Z"),
                                   Utc("2026-03-06T00:00:00Z"), Utc("2026-12-22T00:00:00Z"),
                                   Utc("2026-10-30T00:00:00Z"), Utc("2026-05-22T00:00:00Z")};
  std::uniform_int_distribution<int64_t> jitter(0, 3 * 24 * 60);
  std::uniform_int_distribution<int64_t> within_day(0, 24 * 60 - 1);
  for (int i = 0; i < 3; ++i) starts.push_back(Utc("2026-01-01T00:00:00Z") + jitter(rng) * 73 * kMin);
  for (const BusinessCalendar& cal : PropertyCalendars()) {
    for (Timestamp start : starts) {
      Timestamp a = start + within_day(rng) * kMin;  // the window still covers its switch or holiday
      Timestamp b = a + 3 * 24 * kHour;
      int64_t open_minutes = 0;
      for (Timestamp t = a; t < b; t += kMin) {
        bool ref = ReferenceOpen(cal, t);
        ASSERT_EQ(cal.IsOpen(t), ref) << cal.name() << " " << base::FormatTimestamp(t);
        open_minutes += ref ? 1 : 0;
      }
      ASSERT_EQ(cal.BusinessMillisBetween(a, b), open_minutes * kMin) << cal.name() << " " << base::FormatTimestamp(a);
    }
  }
}

TEST_F(CalendarTest, JsonErrorsNameThePath) {
  json ok = {{"name", "paris"}, {"time_zone", "Europe/Paris"}, {"hours", Weekdays({"09:00-17:00"})}};
  auto with = [&](const char* key, json v) {
    json j = ok;
    j[key] = std::move(v);
    return j;
  };
  EXPECT_EQ(Error(with("hours", {{"tue", {"9h-17h"}}})), "calendars[1].hours.tue[0]: \"9h-17h\" is not HH:MM-HH:MM");
  EXPECT_EQ(Error(with("hours", {{"tue", "09:00-25:00"}})), "calendars[1].hours.tue: \"09:00-25:00\" is not HH:MM-HH:MM");
  EXPECT_EQ(Error(with("hours", {{"tue", {"24:00-24:00"}}})), "calendars[1].hours.tue[0]: \"24:00-24:00\" is not HH:MM-HH:MM");
  EXPECT_EQ(Error(with("hours", {{"tue", {1}}})), "calendars[1].hours.tue[0]: expected a string \"HH:MM-HH:MM\", got 1");
  EXPECT_EQ(Error(with("hours", {{"mon", {"09:00-13:00", "12:00-14:00"}}})),
            "calendars[1].hours.mon[1]: \"12:00-14:00\" overlaps \"09:00-13:00\"");
  EXPECT_EQ(Error(with("hours", {{"mon", {"12:00-14:00", "09:00-13:00"}}})),
            "calendars[1].hours.mon[1]: \"09:00-13:00\" overlaps \"12:00-14:00\"");
  EXPECT_EQ(Error(with("hours", {{"fri", {"22:00-06:00"}}})).rfind("calendars[1].hours.fri[0]: \"22:00-06:00\": the end must be after the start", 0), 0u);
  EXPECT_EQ(Error(with("hours", {{"lun", {"09:00-17:00"}}})),
            "calendars[1].hours.lun: unknown key (expected one of: mon, tue, wed, thu, fri, sat, sun)");
  EXPECT_EQ(Error(with("hours", {{"mon", json::array()}})), "calendars[1].hours: no open minute in the week");
  EXPECT_EQ(Error(with("hours", json::object())), "calendars[1].hours: no open minute in the week");
  EXPECT_EQ(Error(with("hours", "24/7")),
            "calendars[1].hours: \"24/7\" is not \"24x7\" (or give an object of weekdays mon..sun)");
  EXPECT_EQ(Error(with("colour", "blue")),
            "calendars[1].colour: unknown key (expected one of: holiday_sets, holidays, hours, name, time_zone)");
  EXPECT_EQ(Error(with("time_zone", "Mars/Olympus")),
            "calendars[1].time_zone: unknown time zone \"Mars/Olympus\" (expected an IANA name such as Europe/Paris)");
  EXPECT_EQ(Error(with("holiday_sets", {"fr", "de"})),
            "calendars[1].holiday_sets[1]: \"de\" is not a known holiday set (known: fr, gb-eng)");
  EXPECT_EQ(Error(with("holiday_sets", {"fr", "fr"})), "calendars[1].holiday_sets[1]: \"fr\" is listed twice");
  EXPECT_EQ(Error(with("holidays", {"2026-02-30"})), "calendars[1].holidays[0]: \"2026-02-30\" is not a date YYYY-MM-DD");
  EXPECT_EQ(Error(with("holidays", {"2026-12-24", {{"date", "2026-12-24"}}})),
            "calendars[1].holidays[1].date: \"2026-12-24\" is listed twice");
  EXPECT_EQ(Error(with("holidays", {{{"day", "2026-12-24"}}})),
            "calendars[1].holidays[0].day: unknown key (expected one of: date, name)");
  EXPECT_EQ(Error(with("holidays", {{{"name", "x"}}})), "calendars[1].holidays[0].date: required (\"YYYY-MM-DD\")");
  EXPECT_EQ(Error(with("name", "with space")), "calendars[1].name: \"with space\" must be 1 to 64 of A-Z a-z 0-9 _ . -");
  json no_zone = ok;
  no_zone.erase("time_zone");
  EXPECT_EQ(Error(no_zone), "calendars[1].time_zone: required (an IANA name such as Europe/Paris)");
  json no_name = ok;
  no_name.erase("name");
  EXPECT_EQ(Error(no_name), "calendars[1].name: required");
  EXPECT_EQ(Error(json::array()), "calendars[1]: expected a calendar object, got array");
  // Without a path, the key alone.
  auto c = BusinessCalendar::FromJson(with("hours", {{"tue", {"9h"}}}), "");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "hours.tue[0]: \"9h\" is not HH:MM-HH:MM");
}

TEST_F(CalendarTest, JsonRoundTrip) {
  json j = {{"name", "support.eu"},
            {"time_zone", "Europe/Paris"},
            {"hours",
             {{"mon", {"13:30-17:00", "09:00-12:30"}},
              {"tue", "08:00-20:00"},
              {"sat", {"00:00-24:00"}}}},
            {"holidays", {"2026-12-31", {{"date", "2026-12-24"}, {"name", "Veille de Noël"}}}},
            {"holiday_sets", {"gb-eng", "fr"}}};
  BusinessCalendar cal = Parse(j);
  json out = cal.ToJson();
  EXPECT_EQ(out["hours"]["mon"], json({"09:00-12:30", "13:30-17:00"}));
  EXPECT_EQ(out["hours"]["tue"], json({"08:00-20:00"}));
  EXPECT_EQ(out["hours"]["sun"], json::array());
  EXPECT_EQ(out["hours"]["sat"], json({"00:00-24:00"}));
  EXPECT_EQ(out["holidays"], json({{{"date", "2026-12-24"}, {"name", "Veille de Noël"}}, "2026-12-31"}));
  EXPECT_EQ(out["holiday_sets"], json({"gb-eng", "fr"}));
  BusinessCalendar again = Parse(out);
  EXPECT_TRUE(again == cal);
  EXPECT_EQ(again.ToJson(), out);
  EXPECT_EQ(cal.holidays().front().name, "Veille de Noël");

  BusinessCalendar round = Parse({{"name", "r"}, {"time_zone", "Asia/Tokyo"}, {"hours", "24x7"}});
  EXPECT_EQ(round.ToJson(), json({{"name", "r"}, {"time_zone", "Asia/Tokyo"}, {"hours", "24x7"}}));
  EXPECT_TRUE(Parse(BusinessCalendar::Always().ToJson()) == BusinessCalendar::Always());
  auto def = BusinessCalendar::Default();
  ASSERT_TRUE(def.ok());
  EXPECT_TRUE(Parse(def->ToJson()) == *def);
  EXPECT_FALSE(round == *def);

  std::vector<BusinessCalendar> list = {BusinessCalendar::Always(), *def};
  EXPECT_EQ(FindCalendar(list, "business_hours"), &list[1]);
  EXPECT_EQ(FindCalendar(list, "nope"), nullptr);
}

}  // namespace
}  // namespace ecoute::care
