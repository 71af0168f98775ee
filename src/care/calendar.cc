#include "care/calendar.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <tuple>

#include <nlohmann/json.hpp>

#include "care/config_path.h"

namespace ecoute::care {
namespace {

using base::Status;
using base::Timestamp;
using internal::At, internal::Bad, internal::Join;
using nlohmann::json;

constexpr std::array<std::string_view, 7> kDayKeys = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
constexpr std::array<std::string_view, 2> kHolidaySets = {"fr", "gb-eng"};
constexpr int kSetFr = 0;
constexpr int kSetGbEng = 1;
constexpr int kDayMinutes = 1440;
// AddBusinessMillis and BusinessMillisBetween never walk more than this
// span (about 100 years): the walk is linear in days.
constexpr int64_t kMaxSpanMs = int64_t{36'525} * 86'400'000;
// Instants are clamped to years 1000..8000 (the calendar of years beyond
// is not meaningful, and the date arithmetic stays in range).
constexpr Timestamp kMinInstant = -30'610'224'000'000;  // 1000-01-01T00:00:00Z
constexpr Timestamp kMaxInstant = 190'288'396'800'000;  // 8000-01-01T00:00:00Z

Timestamp Clamp(Timestamp t) { return std::clamp(t, kMinInstant, kMaxInstant); }

// ---------------------------------------------------------------------------
// Civil dates as day numbers (days since 1970-01-01, proleptic Gregorian).

int64_t DayNumber(int y, int m, int d) {
  using namespace std::chrono;
  return sys_days{year{y} / month{static_cast<unsigned>(m)} / day{static_cast<unsigned>(d)}}.time_since_epoch().count();
}

struct Civil {
  int year, month, day;
  int weekday;  // 0 = Monday
};

Civil FromDayNumber(int64_t n) {
  using namespace std::chrono;
  sys_days sd{days{n}};
  year_month_day ymd{sd};
  return Civil{static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
               static_cast<int>(static_cast<unsigned>(ymd.day())),
               static_cast<int>(weekday{sd}.iso_encoding()) - 1};
}

bool ValidDate(int y, int m, int d) {
  using namespace std::chrono;
  if (m < 1 || m > 12 || d < 1 || d > 31) return false;
  return year_month_day{year{y} / month{static_cast<unsigned>(m)} / day{static_cast<unsigned>(d)}}.ok();
}

std::string FormatDate(int y, int m, int d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

// "YYYY-MM-DD" of a real date.
std::optional<HolidayDate> ParseDate(std::string_view s) {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  for (size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  auto num = [&](size_t from, size_t n) {
    int v = 0;
    for (size_t i = from; i < from + n; ++i) v = v * 10 + (s[i] - '0');
    return v;
  };
  HolidayDate d;
  d.year = num(0, 4);
  d.month = num(5, 2);
  d.day = num(8, 2);
  if (!ValidDate(d.year, d.month, d.day)) return std::nullopt;
  return d;
}

// ---------------------------------------------------------------------------
// Built-in holiday sets, computed without allocation (they are consulted for
// every day a walk crosses).

struct Builtin {
  int month = 0, day = 0;
  const char* name = "";
};

struct BuiltinYear {
  std::array<Builtin, 24> items;
  int count = 0;
  void Add(int64_t day_number, const char* name) {
    Civil c = FromDayNumber(day_number);
    items[static_cast<size_t>(count++)] = Builtin{c.month, c.day, name};
  }
  void Add(int year, int month, int day, const char* name) { Add(DayNumber(year, month, day), name); }
};

int64_t EasterDay(int year) {
  HolidayDate e = EasterSunday(year);
  return DayNumber(year, e.month, e.day);
}

// The Monday on or after / on or before a day.
int64_t MondayOnOrAfter(int64_t n) { return n + (7 - FromDayNumber(n).weekday) % 7; }
int64_t MondayOnOrBefore(int64_t n) { return n - FromDayNumber(n).weekday; }

void GenerateFr(int y, BuiltinYear& out) {
  int64_t easter = EasterDay(y);
  out.Add(y, 1, 1, "Jour de l'an");
  out.Add(easter + 1, "Lundi de Pâques");
  out.Add(y, 5, 1, "Fête du Travail");
  out.Add(y, 5, 8, "Victoire 1945");
  out.Add(easter + 39, "Ascension");
  out.Add(easter + 50, "Lundi de Pentecôte");
  out.Add(y, 7, 14, "Fête nationale");
  out.Add(y, 8, 15, "Assomption");
  out.Add(y, 11, 1, "Toussaint");
  out.Add(y, 11, 11, "Armistice 1918");
  out.Add(y, 12, 25, "Noël");
}

void GenerateGbEng(int y, BuiltinYear& out) {
  int64_t easter = EasterDay(y);
  int64_t jan1 = DayNumber(y, 1, 1);
  int jan1_wd = FromDayNumber(jan1).weekday;
  if (jan1_wd == 5) out.Add(jan1 + 2, "New Year's Day (substitute day)");
  else if (jan1_wd == 6) out.Add(jan1 + 1, "New Year's Day (substitute day)");
  else out.Add(jan1, "New Year's Day");
  out.Add(easter - 2, "Good Friday");
  out.Add(easter + 1, "Easter Monday");
  if (y == 1995 || y == 2020) out.Add(y, 5, 8, "Early May bank holiday (VE day)");
  else out.Add(MondayOnOrAfter(DayNumber(y, 5, 1)), "Early May bank holiday");
  if (y == 1977) {
    out.Add(y, 6, 7, "Silver Jubilee of Queen Elizabeth II");
  }
  if (y == 2002) {
    out.Add(y, 6, 3, "Golden Jubilee of Queen Elizabeth II");
    out.Add(y, 6, 4, "Spring bank holiday");
  } else if (y == 2012) {
    out.Add(y, 6, 4, "Spring bank holiday");
    out.Add(y, 6, 5, "Diamond Jubilee of Queen Elizabeth II");
  } else if (y == 2022) {
    out.Add(y, 6, 2, "Spring bank holiday");
    out.Add(y, 6, 3, "Platinum Jubilee of Queen Elizabeth II");
  } else {
    out.Add(MondayOnOrBefore(DayNumber(y, 5, 31)), "Spring bank holiday");
  }
  if (y == 1981) out.Add(y, 7, 29, "Wedding of Prince Charles and Lady Diana Spencer");
  if (y == 2011) out.Add(y, 4, 29, "Wedding of Prince William and Catherine Middleton");
  if (y == 2022) out.Add(y, 9, 19, "State Funeral of Queen Elizabeth II");
  if (y == 2023) out.Add(y, 5, 8, "Coronation of King Charles III");
  out.Add(MondayOnOrBefore(DayNumber(y, 8, 31)), "Summer bank holiday");
  int64_t xmas = DayNumber(y, 12, 25);
  switch (FromDayNumber(xmas).weekday) {
    case 4:  // Friday: Boxing Day moves to Monday
      out.Add(xmas, "Christmas Day");
      out.Add(xmas + 3, "Boxing Day (substitute day)");
      break;
    case 5:  // Saturday
      out.Add(xmas + 2, "Christmas Day (substitute day)");
      out.Add(xmas + 3, "Boxing Day (substitute day)");
      break;
    case 6:  // Sunday
      out.Add(xmas + 1, "Boxing Day");
      out.Add(xmas + 2, "Christmas Day (substitute day)");
      break;
    default:
      out.Add(xmas, "Christmas Day");
      out.Add(xmas + 1, "Boxing Day");
      break;
  }
  if (y == 1999) out.Add(y, 12, 31, "Millennium Celebrations");
}

void Generate(int set_id, int year, BuiltinYear& out) {
  out.count = 0;
  if (set_id == kSetFr) GenerateFr(year, out);
  else if (set_id == kSetGbEng) GenerateGbEng(year, out);
}

int HolidaySetId(std::string_view name) {
  for (size_t i = 0; i < kHolidaySets.size(); ++i)
    if (kHolidaySets[i] == name) return static_cast<int>(i);
  return -1;
}

std::string KnownSetsText() {
  std::string s;
  for (std::string_view n : kHolidaySets) s += (s.empty() ? "" : ", ") + std::string(n);
  return s;
}

// ---------------------------------------------------------------------------
// JSON helpers.

bool IsName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
}

// "HH:MM" with HH 00..24; "24:00" only when `allow_24`.
std::optional<int> ParseClock(std::string_view s, bool allow_24) {
  if (s.size() != 5 || s[2] != ':') return std::nullopt;
  for (size_t i : {0, 1, 3, 4})
    if (s[i] < '0' || s[i] > '9') return std::nullopt;
  int h = (s[0] - '0') * 10 + (s[1] - '0'), m = (s[3] - '0') * 10 + (s[4] - '0');
  if (m > 59 || h > 24) return std::nullopt;
  if (h == 24 && (m != 0 || !allow_24)) return std::nullopt;
  return h * 60 + m;
}

std::string FormatClock(int minute) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%02d:%02d", minute / 60, minute % 60);
  return buf;
}

std::string FormatInterval(const OpenInterval& iv) {
  return FormatClock(iv.start_minute) + "-" + FormatClock(iv.end_minute);
}

Status ParseDay(const json& v, const std::string& where, std::vector<OpenInterval>& out) {
  std::vector<std::pair<OpenInterval, size_t>> items;  // with their index in the list
  std::vector<const json*> elems;
  if (v.is_string()) {
    elems.push_back(&v);
  } else if (v.is_array()) {
    for (const json& e : v) elems.push_back(&e);
  } else {
    return Bad(where, "expected a list of \"HH:MM-HH:MM\", got " + std::string(v.type_name()));
  }
  for (size_t i = 0; i < elems.size(); ++i) {
    const json& e = *elems[i];
    std::string ew = v.is_array() ? At(where, i) : where;
    if (!e.is_string()) return Bad(ew, "expected a string \"HH:MM-HH:MM\", got " + e.dump());
    std::string s = e.get<std::string>();
    std::optional<int> start, end;
    if (s.size() == 11 && s[5] == '-') {
      start = ParseClock(std::string_view(s).substr(0, 5), false);
      end = ParseClock(std::string_view(s).substr(6, 5), true);
    }
    if (!start || !end) return Bad(ew, e.dump() + " is not HH:MM-HH:MM");
    if (*end <= *start)
      return Bad(ew, e.dump() +
                         ": the end must be after the start (split a night shift over two days, e.g. "
                         "\"22:00-24:00\" and the next day's \"00:00-06:00\")");
    items.push_back({OpenInterval{*start, *end}, i});
  }
  std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) {
    return a.first.start_minute < b.first.start_minute;
  });
  out.clear();
  for (size_t k = 0; k < items.size(); ++k) {
    if (k > 0 && items[k - 1].first.end_minute > items[k].first.start_minute) {
      const auto& later = items[k].second > items[k - 1].second ? items[k] : items[k - 1];
      const auto& other = items[k].second > items[k - 1].second ? items[k - 1] : items[k];
      std::string ew = v.is_array() ? At(where, later.second) : where;
      return Bad(ew, "\"" + FormatInterval(later.first) + "\" overlaps \"" + FormatInterval(other.first) + "\"");
    }
    out.push_back(items[k].first);
  }
  return Status::Ok();
}

}  // namespace

// ---------------------------------------------------------------------------

std::span<const std::string_view> KnownHolidaySets() { return kHolidaySets; }

HolidayDate EasterSunday(int year) {
  // Anonymous Gregorian algorithm (Meeus/Jones/Butcher).
  int a = year % 19, b = year / 100, c = year % 100;
  int d = b / 4, e = b % 4;
  int f = (b + 8) / 25;
  int g = (b - f + 1) / 3;
  int h = (19 * a + b - d - g + 15) % 30;
  int i = c / 4, k = c % 4;
  int l = (32 + 2 * e + 2 * i - h - k) % 7;
  int m = (a + 11 * h + 22 * l) / 451;
  HolidayDate out;
  out.year = year;
  out.month = (h + l - 7 * m + 114) / 31;
  out.day = (h + l - 7 * m + 114) % 31 + 1;
  return out;
}

base::Result<std::vector<HolidayDate>> PublicHolidays(std::string_view set, int year) {
  int id = HolidaySetId(set);
  if (id < 0)
    return Status::InvalidArgument("\"" + std::string(set) + "\" is not a known holiday set (known: " +
                                   KnownSetsText() + ")");
  if (year < 1583 || year > 9999)
    return Status::InvalidArgument("year " + std::to_string(year) + " is out of range (1583..9999)");
  BuiltinYear by;
  Generate(id, year, by);
  std::vector<HolidayDate> out;
  for (int i = 0; i < by.count; ++i) {
    const Builtin& b = by.items[static_cast<size_t>(i)];
    out.push_back(HolidayDate{year, b.month, b.day, b.name});
  }
  std::stable_sort(out.begin(), out.end(), [](const HolidayDate& a, const HolidayDate& b) {
    return std::tie(a.month, a.day) < std::tie(b.month, b.day);
  });
  return out;
}

base::Result<BusinessCalendar> BusinessCalendar::FromJson(const json& j, std::string_view path) {
  const std::string p(path);
  if (!j.is_object()) return Bad(p, "expected a calendar object, got " + std::string(j.type_name()));
  for (const auto& [k, v] : j.items()) {
    if (k != "name" && k != "time_zone" && k != "hours" && k != "holidays" && k != "holiday_sets")
      return Bad(Join(p, k), "unknown key (expected one of: holiday_sets, holidays, hours, name, time_zone)");
  }
  auto name_it = j.find("name");
  if (name_it == j.end()) return Bad(Join(p, "name"), "required");
  if (!name_it->is_string() || !IsName(name_it->get<std::string>()))
    return Bad(Join(p, "name"), name_it->dump() + " must be 1 to 64 of A-Z a-z 0-9 _ . -");
  auto zone_it = j.find("time_zone");
  if (zone_it == j.end()) return Bad(Join(p, "time_zone"), "required (an IANA name such as Europe/Paris)");
  if (!zone_it->is_string()) return Bad(Join(p, "time_zone"), "expected a string, got " + zone_it->dump());
  base::Result<base::TimeZone> zone = base::TimeZone::Load(zone_it->get<std::string>());
  if (!zone.ok()) return Bad(Join(p, "time_zone"), zone.status().message());

  BusinessCalendar cal(name_it->get<std::string>(), std::move(zone).value());

  auto hours_it = j.find("hours");
  const std::string hw = Join(p, "hours");
  if (hours_it == j.end()) return Bad(hw, "required (an object of weekdays mon..sun, or \"24x7\")");
  if (hours_it->is_string()) {
    if (hours_it->get<std::string>() != "24x7")
      return Bad(hw, hours_it->dump() + " is not \"24x7\" (or give an object of weekdays mon..sun)");
    for (auto& d : cal.week_) d = {OpenInterval{0, kDayMinutes}};
  } else if (hours_it->is_object()) {
    for (const auto& [k, v] : hours_it->items()) {
      auto it = std::find(kDayKeys.begin(), kDayKeys.end(), k);
      if (it == kDayKeys.end())
        return Bad(Join(hw, k), "unknown key (expected one of: mon, tue, wed, thu, fri, sat, sun)");
      ECOUTE_RETURN_IF_ERROR(ParseDay(v, Join(hw, k), cal.week_[static_cast<size_t>(it - kDayKeys.begin())]));
    }
  } else {
    return Bad(hw, "expected an object of weekdays mon..sun or \"24x7\", got " + std::string(hours_it->type_name()));
  }
  if (std::all_of(cal.week_.begin(), cal.week_.end(), [](const auto& d) { return d.empty(); }))
    return Bad(hw, "no open minute in the week");

  if (auto it = j.find("holidays"); it != j.end()) {
    const std::string w = Join(p, "holidays");
    if (!it->is_array()) return Bad(w, "expected a list of dates \"YYYY-MM-DD\", got " + std::string(it->type_name()));
    for (size_t i = 0; i < it->size(); ++i) {
      const json& e = (*it)[i];
      const std::string ew = At(w, i);
      std::optional<HolidayDate> d;
      std::string name;
      const json* date_value = &e;
      std::string date_where = ew;
      if (e.is_object()) {
        for (const auto& [k, v] : e.items()) {
          if (k != "date" && k != "name") return Bad(Join(ew, k), "unknown key (expected one of: date, name)");
        }
        auto date_it = e.find("date");
        if (date_it == e.end()) return Bad(Join(ew, "date"), "required (\"YYYY-MM-DD\")");
        date_value = &*date_it;
        date_where = Join(ew, "date");
        if (auto n = e.find("name"); n != e.end()) {
          if (!n->is_string()) return Bad(Join(ew, "name"), "expected a string, got " + n->dump());
          name = n->get<std::string>();
        }
      } else if (!e.is_string()) {
        return Bad(ew, "expected a date \"YYYY-MM-DD\" or {\"date\": ..., \"name\": ...}, got " + e.dump());
      }
      if (date_value->is_string()) d = ParseDate(date_value->get<std::string>());
      if (!d) return Bad(date_where, date_value->dump() + " is not a date YYYY-MM-DD");
      d->name = std::move(name);
      for (const HolidayDate& h : cal.holidays_) {
        if (h.year == d->year && h.month == d->month && h.day == d->day)
          return Bad(date_where, date_value->dump() + " is listed twice");
      }
      cal.holidays_.push_back(std::move(*d));
    }
    std::sort(cal.holidays_.begin(), cal.holidays_.end(), [](const HolidayDate& a, const HolidayDate& b) {
      return std::tie(a.year, a.month, a.day) < std::tie(b.year, b.month, b.day);
    });
    for (const HolidayDate& h : cal.holidays_) cal.holiday_days_.push_back(DayNumber(h.year, h.month, h.day));
  }

  if (auto it = j.find("holiday_sets"); it != j.end()) {
    const std::string w = Join(p, "holiday_sets");
    if (!it->is_array()) return Bad(w, "expected a list of holiday set names, got " + std::string(it->type_name()));
    for (size_t i = 0; i < it->size(); ++i) {
      const json& e = (*it)[i];
      int id = e.is_string() ? HolidaySetId(e.get<std::string>()) : -1;
      if (id < 0) return Bad(At(w, i), e.dump() + " is not a known holiday set (known: " + KnownSetsText() + ")");
      if (std::find(cal.holiday_set_ids_.begin(), cal.holiday_set_ids_.end(), id) != cal.holiday_set_ids_.end())
        return Bad(At(w, i), e.dump() + " is listed twice");
      cal.holiday_set_ids_.push_back(id);
      cal.holiday_sets_.push_back(e.get<std::string>());
    }
  }

  cal.always_open_ = cal.holidays_.empty() && cal.holiday_sets_.empty() &&
                     std::all_of(cal.week_.begin(), cal.week_.end(), [](const auto& d) {
                       return d.size() == 1 && d[0] == OpenInterval{0, kDayMinutes};
                     });
  // Every week has an open weekday. Over two years (104+ occurrences of it)
  // the built-in sets and daylight-saving gaps close far fewer than 104, so
  // a run of closed days longer than this bound is impossible; the explicit
  // holidays can each add a week.
  cal.max_closed_days_ = 7 * (static_cast<int64_t>(cal.holidays_.size()) + 1) + 2 * 366 + 14;
  return cal;
}

json BusinessCalendar::ToJson() const {
  json j = json::object();
  j["name"] = name_;
  j["time_zone"] = zone_.name();
  bool all_day = std::all_of(week_.begin(), week_.end(), [](const auto& d) {
    return d.size() == 1 && d[0] == OpenInterval{0, kDayMinutes};
  });
  if (all_day) {
    j["hours"] = "24x7";
  } else {
    json hours = json::object();
    for (size_t d = 0; d < 7; ++d) {
      json list = json::array();
      for (const OpenInterval& iv : week_[d]) list.push_back(FormatInterval(iv));
      hours[std::string(kDayKeys[d])] = std::move(list);
    }
    j["hours"] = std::move(hours);
  }
  if (!holidays_.empty()) {
    json list = json::array();
    for (const HolidayDate& h : holidays_) {
      std::string date = FormatDate(h.year, h.month, h.day);
      if (h.name.empty()) list.push_back(date);
      else list.push_back(json{{"date", date}, {"name", h.name}});
    }
    j["holidays"] = std::move(list);
  }
  if (!holiday_sets_.empty()) j["holiday_sets"] = holiday_sets_;
  return j;
}

BusinessCalendar BusinessCalendar::Always(std::string name) {
  BusinessCalendar cal(std::move(name), base::TimeZone::Utc());
  for (auto& d : cal.week_) d = {OpenInterval{0, kDayMinutes}};
  cal.always_open_ = true;
  cal.max_closed_days_ = 7;
  return cal;
}

base::Result<BusinessCalendar> BusinessCalendar::Default() {
  static const json kDefault = {
      {"name", "business_hours"},
      {"time_zone", "Europe/Paris"},
      {"hours",
       {{"mon", {"09:00-18:00"}},
        {"tue", {"09:00-18:00"}},
        {"wed", {"09:00-18:00"}},
        {"thu", {"09:00-18:00"}},
        {"fri", {"09:00-18:00"}}}},
      {"holiday_sets", {"fr"}},
  };
  return FromJson(kDefault, "");
}

bool BusinessCalendar::operator==(const BusinessCalendar& o) const {
  return name_ == o.name_ && zone_.name() == o.zone_.name() && week_ == o.week_ && holidays_ == o.holidays_ &&
         holiday_sets_ == o.holiday_sets_;
}

std::optional<std::string> BusinessCalendar::HolidayOn(int year, int month, int day) const {
  if (!ValidDate(year, month, day)) return std::nullopt;
  for (const HolidayDate& h : holidays_) {
    if (h.year == year && h.month == month && h.day == day) return h.name;
  }
  for (int id : holiday_set_ids_) {
    BuiltinYear by;
    Generate(id, year, by);
    for (int i = 0; i < by.count; ++i) {
      const Builtin& b = by.items[static_cast<size_t>(i)];
      if (b.month == month && b.day == day) return std::string(b.name);
    }
  }
  return std::nullopt;
}

bool BusinessCalendar::IsHolidayDay(int64_t day_number) const {
  if (std::binary_search(holiday_days_.begin(), holiday_days_.end(), day_number)) return true;
  if (holiday_set_ids_.empty()) return false;
  Civil c = FromDayNumber(day_number);
  BuiltinYear by;
  for (int id : holiday_set_ids_) {
    Generate(id, c.year, by);
    for (int i = 0; i < by.count; ++i) {
      const Builtin& b = by.items[static_cast<size_t>(i)];
      if (b.month == c.month && b.day == c.day) return true;
    }
  }
  return false;
}

template <typename Fn>
void BusinessCalendar::ForEachOpen(Timestamp from, Fn&& fn) const {
  base::TimeZone::Local l = zone_.ToLocal(from);
  // Start a day early: an interval of the previous local date may still be
  // running (a zone whose clocks fall back at midnight shows the previous
  // date for a while).
  int64_t n = DayNumber(l.year, l.month, l.day) - 1;
  int64_t closed_run = 0;
  for (;; ++n) {
    bool any = false;
    if (!IsHolidayDay(n)) {
      Civil c = FromDayNumber(n);
      for (const OpenInterval& iv : week_[static_cast<size_t>(c.weekday)]) {
        Timestamp a = zone_.FromLocal(c.year, c.month, c.day, iv.start_minute / 60, iv.start_minute % 60);
        Timestamp b = zone_.FromLocal(c.year, c.month, c.day, iv.end_minute / 60, iv.end_minute % 60);
        if (b <= a) continue;  // wholly inside a spring-forward gap
        any = true;
        if (b <= from) continue;
        if (!fn(a, b)) return;
      }
    }
    if (any) {
      closed_run = 0;
    } else {
      ++closed_run;
      ECOUTE_CHECK_MSG(closed_run <= max_closed_days_, "calendar " + name_ + " has no open time ahead");
    }
  }
}

bool BusinessCalendar::IsOpen(Timestamp t) const {
  if (always_open_) return true;
  t = Clamp(t);
  bool open = false;
  ForEachOpen(t, [&](Timestamp a, Timestamp) {
    open = a <= t;
    return false;
  });
  return open;
}

Timestamp BusinessCalendar::NextOpen(Timestamp t) const {
  if (always_open_) return t;
  t = Clamp(t);
  Timestamp next = t;
  ForEachOpen(t, [&](Timestamp a, Timestamp) {
    next = std::max(a, t);
    return false;
  });
  return next;
}

Timestamp BusinessCalendar::AddBusinessMillis(Timestamp start, int64_t ms) const {
  if (ms <= 0) return NextOpen(start);
  ms = std::min(ms, kMaxSpanMs);
  start = Clamp(start);
  if (always_open_) return start + ms;
  int64_t remaining = ms;
  Timestamp result = start;
  ForEachOpen(start, [&](Timestamp a, Timestamp b) {
    Timestamp from = std::max(a, start);
    int64_t len = b - from;
    if (remaining <= len) {
      result = from + remaining;
      return false;
    }
    remaining -= len;
    return true;
  });
  return result;
}

int64_t BusinessCalendar::BusinessMillisBetween(Timestamp a, Timestamp b) const {
  if (b <= a) return 0;
  a = Clamp(a);
  b = Clamp(b);
  if (b - a > kMaxSpanMs) b = a + kMaxSpanMs;
  if (always_open_) return b - a;
  int64_t total = 0;
  // The walk stops at the first interval starting at or after b; the guard
  // in ForEachOpen bounds the closed days it may cross to find it.
  ForEachOpen(a, [&](Timestamp x, Timestamp y) {
    if (x >= b) return false;
    total += std::min(y, b) - std::max(x, a);
    return std::min(y, b) < b;
  });
  return total;
}

const BusinessCalendar* FindCalendar(std::span<const BusinessCalendar> calendars, std::string_view name) {
  for (const BusinessCalendar& c : calendars) {
    if (c.name() == name) return &c;
  }
  return nullptr;
}

}  // namespace ecoute::care
