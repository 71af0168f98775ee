// Timestamps: milliseconds since the Unix epoch, UTC, as int64_t.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace ecoute::base {

using Timestamp = int64_t;  // milliseconds since 1970-01-01T00:00:00Z

// Parses the date shapes found in the sources ecoute reads:
//   RFC 3339 / ISO 8601: 2017-10-31T22:10:47Z, 2017-10-31T22:10:47.123+02:00,
//                        2017-10-31 22:10:47, 2017-10-31 (midnight UTC)
//   SQL-ish with offset:  2015-02-24 11:35:52 -0800, 2020-12-28 07:26:23+00:00
//   Twitter v1 / RFC 2822-like: Tue Oct 31 22:10:47 +0000 2017,
//                        Tue, 31 Oct 2017 22:10:47 +0000
//   Unix time as digits: 1509487847 (seconds) or 1509487847000 (millis)
// A missing offset means UTC. Returns InvalidArgument naming the text on
// failure (out-of-range fields included: month 13, Feb 30, hour 24).
Result<Timestamp> ParseTimestamp(std::string_view text);

// "2017-10-31T22:10:47Z", with ".123" when the milliseconds are not zero.
std::string FormatTimestamp(Timestamp t);

// Floors `t` to the start of its UTC hour / day / ISO week (Monday).
Timestamp FloorHour(Timestamp t);
Timestamp FloorDay(Timestamp t);
Timestamp FloorWeek(Timestamp t);

}  // namespace ecoute::base
