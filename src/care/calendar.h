// Business-hours calendars: when a care team is at work, in its own time
// zone, with its public holidays. The SLA clocks (care/sla.h) count only
// the open time of a calendar.
//
// The open time of a calendar is a union of real-time intervals: for every
// local date that is not a holiday, each [start, end) wall-clock interval of
// its weekday becomes the instants from TimeZone::FromLocal(date, start) to
// FromLocal(date, end). Open time is therefore counted in real elapsed time
// between the local wall-clock bounds:
//   - a 09:00-17:00 day is 8 h of open time, on daylight-saving switch days
//     too (the switches happen at night);
//   - an interval spanning the spring-forward gap is shorter in real time
//     (01:00-04:00 on 2026-03-29 in Paris is 2 h), one spanning the
//     fall-back repetition is longer (01:00-04:00 on 2026-10-25 is 4 h);
//   - a bound inside the gap means the instant just after it, a bound inside
//     the repeated hour means its first occurrence (FromLocal's rules).
// A holiday closes the whole local day. All arithmetic is exact to the
// millisecond and walks the calendar day by day (a 30-day span costs about
// 45 day steps, never a loop per minute). Instants are clamped to the years
// 1000..8000 and spans to 100 years, so every call ends.
//
// Thread-safety: a BusinessCalendar is immutable; copies are cheap (the time
// zone is shared) and every const method may run on any number of threads.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "base/status.h"
#include "base/time.h"
#include "base/time_zone.h"

namespace ecoute::care {

// A [start, end) interval of a local day, in minutes since local midnight:
// 0 <= start_minute < end_minute <= 1440 (1440 = 24:00, the next midnight).
struct OpenInterval {
  int start_minute = 0;
  int end_minute = 0;
  bool operator==(const OpenInterval&) const = default;
};

// A local date, optionally named.
struct HolidayDate {
  int year = 0, month = 0, day = 0;  // month 1..12, day 1..31
  std::string name;                  // may be empty
  bool operator==(const HolidayDate&) const = default;
};

// Names of the built-in public-holiday sets, ascending: "fr", "gb-eng".
//   fr: 1 Jan, Easter Monday, 1 May, 8 May, Ascension (Easter + 39), Whit
//       Monday (Easter + 50), 14 Jul, 15 Aug, 1 Nov, 11 Nov, 25 Dec.
//   gb-eng: England and Wales bank holidays: New Year's Day, Good Friday,
//       Easter Monday, early May (first Monday; moved to 8 May in 1995 and
//       2020), spring (last Monday of May; moved for the 2002, 2012 and
//       2022 jubilees, with their extra day), summer (last Monday of
//       August), Christmas and Boxing Day, with the substitute weekdays when
//       they fall on a weekend, plus the one-off days of 1977, 1981, 1999,
//       2011, 2022 and 2023. Rules of today for every year otherwise.
std::span<const std::string_view> KnownHolidaySets();

// The holidays of a built-in set in `year` (1583..9999, Gregorian), in date
// order, each named (in the country's language for "fr"). InvalidArgument
// for an unknown set or a year out of range.
base::Result<std::vector<HolidayDate>> PublicHolidays(std::string_view set, int year);

// Easter Sunday of `year` by the Gregorian computus (year >= 1583); only
// month and day are set in the result besides year.
HolidayDate EasterSunday(int year);

class BusinessCalendar {
 public:
  // Parses one calendar; `path` names it in errors ("calendars[1]"; may be
  // empty). Shape:
  //   {"name": "paris", "time_zone": "Europe/Paris",
  //    "hours": {"mon": ["09:00-12:30", "13:30-17:00"], ..., "sun": []},
  //    "holidays": ["2026-12-24", {"date": "2026-12-31", "name": "..."}],
  //    "holiday_sets": ["fr"]}
  // name (required): 1 to 64 of A-Z a-z 0-9 _ . -. time_zone (required): an
  // IANA id. hours (required): an object of weekdays mon..sun, each a list
  // of "HH:MM-HH:MM" (a single string is a one-element list; "24:00" only as
  // an end; intervals in any order, touching allowed, overlapping refused);
  // a missing weekday is closed; or the string "24x7" (every day
  // 00:00-24:00; holidays still close their day). holidays: local dates,
  // each once. holiday_sets: names from KnownHolidaySets().
  // Errors are InvalidArgument "<path>.<key>[i]: <what>" naming the value,
  // e.g. `calendars[1].hours.tue[0]: "9h-17h" is not HH:MM-HH:MM`; unknown
  // keys are refused naming them, and so is a week without an open minute.
  static base::Result<BusinessCalendar> FromJson(const nlohmann::json& j, std::string_view path);

  // The shape FromJson reads: "hours" is "24x7" when every day is
  // 00:00-24:00, else an object with all seven weekdays (closed ones as []);
  // holidays without a name as plain strings. FromJson(ToJson()) == *this.
  nlohmann::json ToJson() const;

  // UTC, open at every instant, no holidays.
  static BusinessCalendar Always(std::string name = "24x7");
  // "business_hours": Europe/Paris, Monday to Friday 09:00-18:00, holiday
  // set "fr". Fails only if ICU lacks Europe/Paris.
  static base::Result<BusinessCalendar> Default();

  const std::string& name() const { return name_; }
  const base::TimeZone& time_zone() const { return zone_; }
  // The open intervals of a weekday (0 = Monday .. 6 = Sunday), ascending.
  const std::vector<OpenInterval>& hours(int weekday) const { return week_[static_cast<size_t>(weekday)]; }
  // The explicit holidays, in date order, and the built-in sets.
  const std::vector<HolidayDate>& holidays() const { return holidays_; }
  const std::vector<std::string>& holiday_sets() const { return holiday_sets_; }

  // The holiday's name if the local date is a holiday of this calendar
  // (explicit first, then the sets in order; "" for an unnamed explicit
  // one), else nullopt.
  std::optional<std::string> HolidayOn(int year, int month, int day) const;

  // True if `t` lies in open time.
  bool IsOpen(base::Timestamp t) const;
  // The first open instant >= t (t itself when open).
  base::Timestamp NextOpen(base::Timestamp t) const;
  // The earliest instant T >= NextOpen(start) at which `ms` of open time
  // have elapsed since `start`: BusinessMillisBetween(start, T) == ms.
  // ms <= 0 gives NextOpen(start). When the last millisecond falls at the
  // end of an open interval, T is that closing instant (17:00, not the next
  // morning's 09:00).
  base::Timestamp AddBusinessMillis(base::Timestamp start, int64_t ms) const;
  // Open time in [a, b), in milliseconds; 0 when b <= a. Additive:
  // Between(a, c) == Between(a, b) + Between(b, c) for a <= b <= c.
  int64_t BusinessMillisBetween(base::Timestamp a, base::Timestamp b) const;

  // Same name, zone id, hours, holidays and sets.
  bool operator==(const BusinessCalendar& o) const;

 private:
  BusinessCalendar(std::string name, base::TimeZone zone) : name_(std::move(name)), zone_(std::move(zone)) {}

  bool IsHolidayDay(int64_t day_number) const;
  // Calls fn(a, b) for each non-empty open interval [a, b) of real time
  // with b > from, in time order, until fn returns false.
  template <typename Fn>
  void ForEachOpen(base::Timestamp from, Fn&& fn) const;

  std::string name_;
  base::TimeZone zone_;
  std::array<std::vector<OpenInterval>, 7> week_;
  std::vector<HolidayDate> holidays_;    // ascending by date, unique
  std::vector<int64_t> holiday_days_;    // the same, as days since 1970-01-01, ascending
  std::vector<std::string> holiday_sets_;
  std::vector<int> holiday_set_ids_;     // index into KnownHolidaySets()
  bool always_open_ = false;             // every day 00:00-24:00, no holiday: arithmetic is plain subtraction
  int64_t max_closed_days_ = 0;          // bound on consecutive days without open time (ForEachOpen's guard)
};

// The calendar with that name, or null.
const BusinessCalendar* FindCalendar(std::span<const BusinessCalendar> calendars, std::string_view name);

}  // namespace ecoute::care
