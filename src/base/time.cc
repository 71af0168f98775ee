#include "base/time.h"

#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>

namespace ecoute::base {
namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::sys_days;
using std::chrono::year;
using std::chrono::year_month_day;

constexpr int64_t kMsPerDay = 86'400'000;

// A tiny cursor over the text; every Read* returns false on mismatch.
struct Cursor {
  std::string_view s;
  size_t i = 0;
  bool done() const { return i >= s.size(); }
  char peek() const { return done() ? '\0' : s[i]; }
  bool Lit(char c) {
    if (peek() != c) return false;
    ++i;
    return true;
  }
  void SkipSpaces() {
    while (!done() && s[i] == ' ') ++i;
  }
  bool Digits(int n, int& out) {
    out = 0;
    for (int k = 0; k < n; ++k) {
      if (done() || !std::isdigit(static_cast<unsigned char>(s[i]))) return false;
      out = out * 10 + (s[i++] - '0');
    }
    return true;
  }
};

bool MonthFromName(std::string_view n, int& m) {
  static constexpr std::array<std::string_view, 12> kNames = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (int k = 0; k < 12; ++k) {
    if (n.size() >= 3 && std::tolower(static_cast<unsigned char>(n[0])) == std::tolower(kNames[k][0]) &&
        std::tolower(static_cast<unsigned char>(n[1])) == kNames[k][1] &&
        std::tolower(static_cast<unsigned char>(n[2])) == kNames[k][2]) {
      m = k + 1;
      return true;
    }
  }
  return false;
}

bool Compose(int y, int mo, int d, int h, int mi, int s, int ms, int offset_min, Timestamp& out) {
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return false;
  year_month_day ymd{year{y}, month{static_cast<unsigned>(mo)}, day{static_cast<unsigned>(d)}};
  if (!ymd.ok()) return false;
  int64_t days = sys_days(ymd).time_since_epoch().count();
  out = days * kMsPerDay + ((h * 60LL + mi) * 60LL + s) * 1000LL + ms - offset_min * 60'000LL;
  return true;
}

// Parses an optional UTC offset: Z, +hh:mm, +hhmm, +hh, "UTC", "GMT".
bool Offset(Cursor& c, int& minutes) {
  minutes = 0;
  c.SkipSpaces();
  if (c.done()) return true;
  if (c.Lit('Z') || c.Lit('z')) return true;
  if (c.s.substr(c.i) == "UTC" || c.s.substr(c.i) == "GMT") {
    c.i = c.s.size();
    return true;
  }
  int sign = 0;
  if (c.Lit('+')) sign = 1;
  else if (c.Lit('-')) sign = -1;
  else return false;
  int hh = 0, mm = 0;
  if (!c.Digits(2, hh)) return false;
  c.Lit(':');
  if (!c.done() && std::isdigit(static_cast<unsigned char>(c.peek())) && !c.Digits(2, mm)) return false;
  if (hh > 23 || mm > 59) return false;
  minutes = sign * (hh * 60 + mm);
  return true;
}

// Fraction of a second after '.', any number of digits; keeps millis.
bool Fraction(Cursor& c, int& ms) {
  ms = 0;
  if (!c.Lit('.') && !c.Lit(',')) return true;
  int n = 0;
  while (!c.done() && std::isdigit(static_cast<unsigned char>(c.peek()))) {
    if (n < 3) ms = ms * 10 + (c.peek() - '0');
    ++n;
    ++c.i;
  }
  if (n == 0) return false;
  for (int k = n; k < 3; ++k) ms *= 10;
  return true;
}

bool ParseIso(std::string_view t, Timestamp& out) {
  Cursor c{t};
  int y, mo, d, h = 0, mi = 0, s = 0, ms = 0, off = 0;
  if (!c.Digits(4, y) || !c.Lit('-') || !c.Digits(2, mo) || !c.Lit('-') || !c.Digits(2, d)) return false;
  if (c.done()) return Compose(y, mo, d, 0, 0, 0, 0, 0, out);
  if (!c.Lit('T') && !c.Lit('t') && !c.Lit(' ')) return false;
  if (!c.Digits(2, h) || !c.Lit(':') || !c.Digits(2, mi)) return false;
  if (c.Lit(':') && !c.Digits(2, s)) return false;
  if (!Fraction(c, ms) || !Offset(c, off) || !c.done()) return false;
  return Compose(y, mo, d, h, mi, s, ms, off, out);
}

bool Word(Cursor& c, std::string_view& w) {
  size_t b = c.i;
  while (!c.done() && std::isalpha(static_cast<unsigned char>(c.peek()))) ++c.i;
  w = c.s.substr(b, c.i - b);
  return !w.empty();
}

bool Clock3(Cursor& c, int& h, int& mi, int& s) {
  return c.Digits(2, h) && c.Lit(':') && c.Digits(2, mi) && c.Lit(':') && c.Digits(2, s);
}

// "Tue Oct 31 22:10:47 +0000 2017"
bool ParseTwitterV1(std::string_view t, Timestamp& out) {
  Cursor c{t};
  std::string_view wd, mon;
  int mo, d, h, mi, s, y, off;
  if (!Word(c, wd) || !c.Lit(' ') || !Word(c, mon) || !MonthFromName(mon, mo) || !c.Lit(' ')) return false;
  if (!c.Digits(2, d) || !c.Lit(' ') || !Clock3(c, h, mi, s) || !c.Lit(' ')) return false;
  size_t before_year = t.rfind(' ');
  if (before_year == std::string_view::npos || before_year < c.i) return false;
  Cursor oc{t.substr(c.i, before_year - c.i)};
  if (!Offset(oc, off) || !oc.done()) return false;
  Cursor yc{t.substr(before_year + 1)};
  if (!yc.Digits(4, y) || !yc.done()) return false;
  return Compose(y, mo, d, h, mi, s, 0, off, out);
}

// "Tue, 31 Oct 2017 22:10:47 +0000" (RFC 2822, as in e-mail)
bool ParseRfc2822(std::string_view t, Timestamp& out) {
  Cursor c{t};
  std::string_view wd, mon;
  if (std::isalpha(static_cast<unsigned char>(c.peek()))) {
    if (!Word(c, wd) || !c.Lit(',')) return false;
    c.SkipSpaces();
  }
  int d, mo, y, h, mi, s = 0, off;
  size_t b = c.i;
  while (!c.done() && std::isdigit(static_cast<unsigned char>(c.peek()))) ++c.i;
  if (c.i - b < 1 || c.i - b > 2) return false;
  Cursor dc{t.substr(b, c.i - b)};
  if (!dc.Digits(static_cast<int>(c.i - b), d)) return false;
  if (!c.Lit(' ') || !Word(c, mon) || !MonthFromName(mon, mo) || !c.Lit(' ')) return false;
  if (!c.Digits(4, y) || !c.Lit(' ') || !c.Digits(2, h) || !c.Lit(':') || !c.Digits(2, mi)) return false;
  if (c.Lit(':') && !c.Digits(2, s)) return false;
  if (!Offset(c, off) || !c.done()) return false;
  return Compose(y, mo, d, h, mi, s, 0, off, out);
}

bool ParseEpoch(std::string_view t, Timestamp& out) {
  if (t.empty() || t.size() > 16) return false;
  int64_t v = 0;
  for (char ch : t) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
    v = v * 10 + (ch - '0');
  }
  // 11+ digits: milliseconds (after 1973 in ms, before 5138 in s).
  out = t.size() >= 12 ? v : v * 1000;
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

Result<Timestamp> ParseTimestamp(std::string_view text) {
  std::string_view t = Trim(text);
  Timestamp out = 0;
  if (ParseEpoch(t, out) || ParseIso(t, out) || ParseTwitterV1(t, out) || ParseRfc2822(t, out)) return out;
  std::string shown(t.substr(0, 64));
  return Status::InvalidArgument("not a date: \"" + shown + "\"");
}

std::string FormatTimestamp(Timestamp t) {
  int64_t days = FloorDiv(t, kMsPerDay);
  int64_t rem = t - days * kMsPerDay;
  year_month_day ymd{sys_days{std::chrono::days{days}}};
  int ms = static_cast<int>(rem % 1000);
  int64_t secs = rem / 1000;
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02d:%02d:%02d", static_cast<int>(ymd.year()),
                        static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                        static_cast<int>(secs / 3600), static_cast<int>(secs / 60 % 60),
                        static_cast<int>(secs % 60));
  std::string out(buf, static_cast<size_t>(n));
  if (ms != 0) {
    std::snprintf(buf, sizeof buf, ".%03d", ms);
    out += buf;
  }
  out += 'Z';
  return out;
}

Timestamp FloorHour(Timestamp t) { return FloorDiv(t, 3'600'000) * 3'600'000; }
Timestamp FloorDay(Timestamp t) { return FloorDiv(t, kMsPerDay) * kMsPerDay; }
Timestamp FloorWeek(Timestamp t) {
  // 1970-01-01 was a Thursday; Monday-based weeks start 3 days earlier.
  constexpr int64_t kWeek = 7 * kMsPerDay, kShift = 3 * kMsPerDay;
  return FloorDiv(t + kShift, kWeek) * kWeek - kShift;
}

}  // namespace ecoute::base
