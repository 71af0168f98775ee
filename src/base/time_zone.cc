#include "base/time_zone.h"

#include <unicode/basictz.h>
#include <unicode/timezone.h>
#include <unicode/unistr.h>

#include <algorithm>
#include <chrono>

namespace ecoute::base {

// The ICU zone is only read after construction: ICU's offset queries are
// const and keep no mutable state (OlsonTimeZone initialises its transition
// rules once, under umtx_initOnce), so concurrent use is safe.
struct TimeZone::Impl {
  std::string name;
  std::unique_ptr<const icu::TimeZone> zone;
  const icu::BasicTimeZone* basic = nullptr;  // `zone` as a BasicTimeZone, or null

  // Offset from UTC in milliseconds at `utc_ms`.
  int64_t OffsetMs(Timestamp utc_ms) const {
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    zone->getOffset(static_cast<UDate>(utc_ms), false, raw, dst, status);
    return U_SUCCESS(status) ? int64_t{raw} + dst : 0;
  }

  // Offset in milliseconds of the local wall time `local_ms` (ms since the
  // epoch, read as if UTC) when it is interpreted as before (`former`) or
  // after the nearest transition.
  int64_t OffsetFromLocalMs(int64_t local_ms, bool former) const {
    if (basic == nullptr) {
      // Not expected from ICU's own zones; transitions are weeks apart.
      constexpr int64_t kDayMs = 86'400'000;
      return OffsetMs(former ? local_ms - kDayMs : local_ms + kDayMs);
    }
    UTimeZoneLocalOption opt = former ? UCAL_TZ_LOCAL_FORMER : UCAL_TZ_LOCAL_LATTER;
    int32_t raw = 0, dst = 0;
    UErrorCode status = U_ZERO_ERROR;
    basic->getOffsetFromLocal(static_cast<UDate>(local_ms), opt, opt, raw, dst, status);
    return U_SUCCESS(status) ? int64_t{raw} + dst : OffsetMs(local_ms);
  }
};

namespace {

constexpr int64_t kMsPerDay = 86'400'000;

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

Result<TimeZone> TimeZone::Load(std::string_view name) {
  icu::UnicodeString id =
      icu::UnicodeString::fromUTF8(icu::StringPiece(name.data(), static_cast<int32_t>(name.size())));
  std::unique_ptr<icu::TimeZone> zone(icu::TimeZone::createTimeZone(id));
  // ICU answers an unknown id with a copy of the "Etc/Unknown" zone (UTC).
  icu::UnicodeString unknown;
  icu::TimeZone::getUnknown().getID(unknown);
  if (zone == nullptr || name.empty() || zone->getID(id) == unknown)
    return Status::InvalidArgument("unknown time zone \"" + std::string(name) +
                                   "\" (expected an IANA name such as Europe/Paris)");
  auto impl = std::make_shared<Impl>();
  impl->name = std::string(name);
  impl->basic = dynamic_cast<const icu::BasicTimeZone*>(zone.get());
  impl->zone = std::move(zone);
  return TimeZone(std::move(impl));
}

TimeZone TimeZone::Utc() {
  static const TimeZone kUtc = [] {
    Result<TimeZone> utc = Load("UTC");
    ECOUTE_CHECK_MSG(utc.ok(), utc.status().ToString());
    return std::move(utc).value();
  }();
  return kUtc;
}

const std::string& TimeZone::name() const { return impl_->name; }

int TimeZone::OffsetMinutes(Timestamp utc_ms) const { return static_cast<int>(impl_->OffsetMs(utc_ms) / 60'000); }

TimeZone::Local TimeZone::ToLocal(Timestamp utc_ms) const {
  int64_t offset_ms = impl_->OffsetMs(utc_ms);
  int64_t local_ms = utc_ms + offset_ms;
  int64_t days = FloorDiv(local_ms, kMsPerDay);
  int64_t ms_of_day = local_ms - days * kMsPerDay;
  std::chrono::sys_days date{std::chrono::days{days}};
  std::chrono::year_month_day ymd{date};
  Local l{};
  l.year = static_cast<int>(ymd.year());
  l.month = static_cast<int>(static_cast<unsigned>(ymd.month()));
  l.day = static_cast<int>(static_cast<unsigned>(ymd.day()));
  int seconds_of_day = static_cast<int>(ms_of_day / 1000);
  l.hour = seconds_of_day / 3600;
  l.minute = seconds_of_day / 60 % 60;
  l.second = seconds_of_day % 60;
  l.weekday = static_cast<int>(std::chrono::weekday{date}.iso_encoding()) - 1;
  l.minute_of_day = l.hour * 60 + l.minute;
  l.offset_minutes = static_cast<int>(offset_ms / 60'000);
  return l;
}

Timestamp TimeZone::FromLocal(int year, int month, int day, int hour, int minute, int second) const {
  using namespace std::chrono;
  int64_t month0 = month - 1;
  int64_t y = year + FloorDiv(month0, 12);
  month0 -= FloorDiv(month0, 12) * 12;
  sys_days first{std::chrono::year{static_cast<int>(y)} / std::chrono::month{static_cast<unsigned>(month0 + 1)} / 1};
  int64_t days = first.time_since_epoch().count() + day - 1;
  int64_t local_ms = days * kMsPerDay + ((int64_t{hour} * 60 + minute) * 60 + second) * 1000;

  // The candidates: the wall time read with the offset before and after the
  // nearest transition. Away from transitions they agree.
  Timestamp a = local_ms - impl_->OffsetFromLocalMs(local_ms, true);
  Timestamp b = local_ms - impl_->OffsetFromLocalMs(local_ms, false);
  auto shows = [&](Timestamp t) { return t + impl_->OffsetMs(t) == local_ms; };
  bool a_ok = shows(a), b_ok = shows(b);
  if (a_ok && b_ok) return std::min(a, b);  // ambiguous: the earlier instant
  if (a_ok) return a;
  if (b_ok) return b;
  // In a gap: the transition lies in (lo, hi]; find its first instant.
  Timestamp lo = std::min(a, b), hi = std::max(a, b);
  int64_t hi_offset = impl_->OffsetMs(hi);
  while (hi - lo > 1) {
    Timestamp mid = lo + (hi - lo) / 2;
    if (impl_->OffsetMs(mid) == hi_offset) hi = mid;
    else lo = mid;
  }
  return hi;
}

}  // namespace ecoute::base
