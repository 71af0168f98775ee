// TimeZone: IANA time zones (ICU's tz database), for wall-clock rules such
// as alert quiet hours and business-hours calendars.
//
// A TimeZone converts between instants (Timestamp: UTC milliseconds) and
// local wall-clock time, daylight-saving time included. ICU stays out of
// this header: only ecoute_base needs its include flags and libraries.
//
// Thread-safety: a TimeZone is immutable once loaded; copies share one ICU
// object, and every const method may be called from any number of threads
// at once (they only use ICU's const offset queries, never a Calendar).
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"
#include "base/time.h"

namespace ecoute::base {

class TimeZone {
 public:
  // Load() returns the zone named by an IANA id ("Europe/Paris", "UTC",
  // "America/New_York"; ICU also accepts custom ids such as "GMT+05:30").
  // InvalidArgument naming the text when ICU does not know it.
  static Result<TimeZone> Load(std::string_view name);

  // Utc() returns the UTC zone: offset 0 at every instant.
  static TimeZone Utc();

  // name() is the id the zone was loaded with ("Europe/Paris").
  const std::string& name() const;

  // OffsetMinutes() is the offset from UTC at instant `utc_ms`, DST
  // included: +60 in Paris in winter, +120 in summer, -300 in New York in
  // winter. Historical offsets with seconds (local mean time before 1900)
  // are truncated toward zero.
  int OffsetMinutes(Timestamp utc_ms) const;

  // Local wall-clock fields at an instant.
  struct Local {
    int year, month, day;      // month 1..12, day 1..31
    int hour, minute, second;  // 0..23, 0..59, 0..59
    int weekday;               // 0 = Monday .. 6 = Sunday
    int minute_of_day;         // hour * 60 + minute
    int offset_minutes;        // OffsetMinutes() at that instant
  };

  // ToLocal() returns the wall-clock fields at `utc_ms` in this zone
  // (milliseconds are dropped).
  Local ToLocal(Timestamp utc_ms) const;

  // FromLocal() returns the instant at which the wall clock of this zone
  // shows the given time.
  //   - A time that does not exist (the gap of a spring-forward switch)
  //     gives the instant just after the gap: 02:30 on 2026-03-29 in Paris
  //     gives 03:00 local, 01:00 UTC.
  //   - An ambiguous time (repeated by a fall-back switch) gives the earlier
  //     of its two instants: 02:30 on 2026-10-25 in Paris gives 00:30 UTC
  //     (still summer time), not 01:30 UTC.
  // Fields out of their range carry over (hour 24 is midnight of the next
  // day, day 32 of January is February 1st, month 13 is January of the next
  // year); the result is not checked.
  Timestamp FromLocal(int year, int month, int day, int hour, int minute, int second = 0) const;

 private:
  struct Impl;
  explicit TimeZone(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}

  std::shared_ptr<const Impl> impl_;  // never null
};

}  // namespace ecoute::base
