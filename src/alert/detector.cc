#include "alert/detector.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace ecoute::alert {
namespace {

constexpr double kEps = 1e-15;
constexpr double kTiny = 1e-300;
constexpr int kMaxIterations = 100'000;
// Longest run of skipped minutes filled with zeros; older skipped minutes
// are neither evaluated nor learned.
constexpr int64_t kMaxFillMinutes = 28 * 1440;

int64_t FloorDiv(int64_t a, int64_t b) {
  int64_t q = a / b;
  if ((a % b != 0) && ((a < 0) != (b < 0))) --q;
  return q;
}

// exp(a*log(x) - x - lgamma(a)): the prefactor of both incomplete gammas.
double GammaPrefactor(double a, double x) {
  return std::exp(a * std::log(x) - x - std::lgamma(a));
}

// Series for P(a, x), good for x < a + 1.
double GammaSeries(double a, double x) {
  double ap = a;
  double term = 1.0 / a;
  double sum = term;
  for (int i = 0; i < kMaxIterations; ++i) {
    ap += 1.0;
    term *= x / ap;
    sum += term;
    if (std::fabs(term) < std::fabs(sum) * kEps) break;
  }
  return sum * GammaPrefactor(a, x);
}

// Continued fraction (modified Lentz) for Q(a, x), good for x >= a + 1.
double GammaContinuedFraction(double a, double x) {
  double b = x + 1.0 - a;
  double c = 1.0 / kTiny;
  double d = 1.0 / b;
  double h = d;
  for (int i = 1; i < kMaxIterations; ++i) {
    const double an = -i * (i - a);
    b += 2.0;
    d = an * d + b;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = b + an / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEps) break;
  }
  return GammaPrefactor(a, x) * h;
}

// Continued fraction for I_x(a, b) (modified Lentz), good for
// x < (a + 1) / (a + b + 2).
double BetaContinuedFraction(double a, double b, double x) {
  const double qab = a + b;
  const double qap = a + 1.0;
  const double qam = a - 1.0;
  double c = 1.0;
  double d = 1.0 - qab * x / qap;
  if (std::fabs(d) < kTiny) d = kTiny;
  d = 1.0 / d;
  double h = d;
  for (int m = 1; m < kMaxIterations; ++m) {
    const int m2 = 2 * m;
    double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    h *= d * c;
    aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
    d = 1.0 + aa * d;
    if (std::fabs(d) < kTiny) d = kTiny;
    c = 1.0 + aa / c;
    if (std::fabs(c) < kTiny) c = kTiny;
    d = 1.0 / d;
    const double delta = d * c;
    h *= delta;
    if (std::fabs(delta - 1.0) < kEps) break;
  }
  return h;
}

// x^a (1-x)^b / (a B(a, b)) * cf: the direct side of I_x(a, b).
double BetaDirect(double a, double b, double x) {
  const double log_front = std::lgamma(a + b) - std::lgamma(a) - std::lgamma(b) + a * std::log(x) +
                           b * std::log1p(-x);
  return std::exp(log_front) * BetaContinuedFraction(a, b, x) / a;
}

}  // namespace

double RegularizedGammaP(double a, double x) {
  if (x <= 0) return 0;
  if (x < a + 1.0) return GammaSeries(a, x);
  return 1.0 - GammaContinuedFraction(a, x);
}

double RegularizedGammaQ(double a, double x) {
  if (x <= 0) return 1;
  if (x < a + 1.0) return 1.0 - GammaSeries(a, x);
  return GammaContinuedFraction(a, x);
}

double RegularizedBeta(double a, double b, double x) {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  if (x < (a + 1.0) / (a + b + 2.0)) return BetaDirect(a, b, x);
  return 1.0 - BetaDirect(b, a, 1.0 - x);
}

double PoissonUpperTail(double k, double mean) {
  if (k <= 0) return 1;
  if (mean <= 0) return 0;
  return RegularizedGammaP(k, mean);
}

double NegativeBinomialUpperTail(double k, double mean, double dispersion) {
  if (k <= 0) return 1;
  if (mean <= 0) return 0;
  if (!(dispersion * mean >= 1e-6)) return PoissonUpperTail(k, mean);
  const double r = 1.0 / dispersion;
  // P(X >= k) = I_q(k, r) with q = mean / (r + mean).
  return RegularizedBeta(k, r, mean / (r + mean));
}

// ---------------------------------------------------------------------------

SeasonalBaseline::SeasonalBaseline(const BaselineOptions& options)
    : options_(options),
      warmup_minutes_(static_cast<int64_t>(std::max(0, options.warmup_days)) * 1440) {
  const double weeks = std::max(options_.half_life_weeks, 1e-3);
  options_.half_life_weeks = weeks;
  options_.prior_minutes = std::max(options_.prior_minutes, 1e-6);
  decay_week_slot_ = std::exp2(-1.0 / (60.0 * weeks));
  decay_day_slot_ = std::exp2(-1.0 / (420.0 * weeks));
  decay_global_ = std::exp2(-1.0 / (10080.0 * weeks));
}

int SeasonalBaseline::SlotOf(base::Timestamp t) const {
  const int offset = options_.time_zone ? options_.time_zone->OffsetMinutes(t) : options_.utc_offset_minutes;
  const int64_t minute = FloorDiv(t + int64_t{offset} * kMinuteMs, kMinuteMs);
  const int64_t day = FloorDiv(minute, 1440);
  const int64_t weekday = ((day + 3) % 7 + 7) % 7;  // 1970-01-01 was a Thursday
  const int64_t hour = (minute - day * 1440) / 60;
  return static_cast<int>(weekday * 24 + hour);
}

void SeasonalBaseline::Observe(base::Timestamp minute_start_ms, double count) {
  const double x = std::max(0.0, count);
  const int slot = SlotOf(minute_start_ms);
  week_[slot].Add(x, decay_week_slot_);
  day_[slot % 24].Add(x, decay_day_slot_);
  global_.Add(x, decay_global_);
  ++minutes_seen_;
}

double SeasonalBaseline::Expected(base::Timestamp minute_start_ms) const {
  const double p = options_.prior_minutes;
  const int slot = SlotOf(minute_start_ms);
  const Ew& d = day_[slot % 24];
  const Ew& w = week_[slot];
  const double day_mean = (d.weight * d.mean + p * global_.mean) / (d.weight + p);
  return (w.weight * w.mean + p * day_mean) / (w.weight + p);
}

// ---------------------------------------------------------------------------

double PThreshold(Sensitivity s) {
  switch (s) {
    case Sensitivity::kLow:
      return 1e-7;
    case Sensitivity::kMedium:
      return 1e-5;
    case Sensitivity::kHigh:
      return 1e-4;
  }
  return 1e-5;
}

double SpikeDetector::Window::Dispersion() const {
  if (den <= 0) return 0;
  return std::max(0.0, num / den);
}

SpikeDetector::SpikeDetector(const DetectorOptions& options)
    : options_(options),
      threshold_(options.p_threshold > 0 ? options.p_threshold : PThreshold(options.sensitivity)),
      dispersion_decay_(std::exp2(-1.0 / (std::max(options.dispersion_half_life_days, 1e-3) * 1440.0))),
      baseline_(options.baseline) {
  for (int w : options_.windows_minutes) {
    w = std::clamp(w, 1, 1440);
    if (std::find(windows_.begin(), windows_.end(), w) == windows_.end()) windows_.push_back(w);
  }
  if (windows_.empty()) windows_.push_back(5);
  std::sort(windows_.begin(), windows_.end());
  for (int w : windows_) {
    Window s;
    s.minutes = w;
    state_.push_back(s);
  }
  ring_size_ = windows_.back() + 1;
  ring_count_.assign(ring_size_, 0.0);
  ring_expected_.assign(ring_size_, 0.0);
  options_.cooldown_minutes = std::max(options_.cooldown_minutes, 1);
  options_.max_freeze_minutes = std::max(options_.max_freeze_minutes, 0);
}

double SpikeDetector::dispersion(size_t i) const {
  return i < state_.size() ? state_[i].Dispersion() : 0;
}

std::optional<Detection> SpikeDetector::Add(base::Timestamp minute_start_ms, int64_t count) {
  const base::Timestamp minute = FloorDiv(minute_start_ms, kMinuteMs) * kMinuteMs;
  if (last_minute_ && minute <= *last_minute_) {
    ++dropped_;
    return std::nullopt;
  }
  if (last_minute_) {
    base::Timestamp t = *last_minute_ + kMinuteMs;
    const int64_t gap = (minute - t) / kMinuteMs;
    if (gap > kMaxFillMinutes) t = minute - kMaxFillMinutes * kMinuteMs;
    for (; t < minute; t += kMinuteMs) Step(t, 0);
  }
  last_minute_ = minute;
  return Step(minute, static_cast<double>(std::max<int64_t>(count, 0)));
}

std::optional<Detection> SpikeDetector::Step(base::Timestamp minute_ms, double count) {
  const int64_t idx = minute_index_++;
  const double expected = baseline_.Expected(minute_ms);
  const int pos = static_cast<int>(idx % ring_size_);
  for (Window& w : state_) {
    if (idx >= w.minutes) {
      const int old = static_cast<int>((idx - w.minutes) % ring_size_);
      w.observed -= ring_count_[old];
      w.expected -= ring_expected_[old];
    }
    w.observed += count;
    w.expected = std::max(0.0, w.expected + expected);
  }
  ring_count_[pos] = count;
  ring_expected_[pos] = expected;

  // Evaluate.
  std::optional<Detection> best;
  if (baseline_.ready()) {
    for (const Window& w : state_) {
      if (idx + 1 < w.minutes) continue;
      const double s = w.observed;
      const double m = w.expected;
      if (s < options_.min_volume || s < options_.ratio_min * m || s <= m) continue;
      const double k = w.Dispersion();
      const double p = NegativeBinomialUpperTail(s, m, k);
      if (!(p < threshold_)) continue;
      const double var = std::max(m + k * m * m, 1e-12);
      const double z = (s - m) / std::sqrt(var);
      if (best && (p > best->p_value || (p == best->p_value && z <= best->z))) continue;
      Detection d;
      d.window_minutes = w.minutes;
      d.observed = s;
      d.expected = m;
      d.p_value = p;
      d.z = z;
      d.dispersion = k;
      d.start_ms = minute_ms - int64_t{w.minutes - 1} * kMinuteMs;
      d.end_ms = minute_ms + kMinuteMs;
      best = d;
    }
  }

  // Episodes.
  if (best) {
    if (!episode_open_) {
      episode_open_ = true;
      episode_start_ = idx;
      best->opens_episode = true;
      episode_peak_ = best;
    } else if (best->p_value < episode_peak_->p_value ||
               (best->p_value == episode_peak_->p_value && best->z > episode_peak_->z)) {
      episode_peak_ = best;
      episode_peak_->opens_episode = false;
    }
    last_fire_ = idx;
  } else if (episode_open_ && idx - last_fire_ >= options_.cooldown_minutes) {
    episode_open_ = false;
  }

  // Learn.
  const bool withhold = episode_open_ && idx - episode_start_ < options_.max_freeze_minutes;
  if (withhold) {
    baseline_.Skip();
    last_withheld_ = idx;
    return best;
  }
  const bool sensible = baseline_.minutes_seen() >= 1440;
  double learned = count;
  if (sensible) learned = std::min(count, expected + 6.0 * std::sqrt(expected) + 4.0);
  baseline_.Observe(minute_ms, learned);
  if (sensible) {
    for (Window& w : state_) {
      if (idx + 1 < w.minutes || idx - last_withheld_ < w.minutes || w.expected <= 0) continue;
      const double m = w.expected;
      const double k = w.Dispersion();
      const double limit = 5.0 * std::sqrt(m + k * m * m) + 4.0;
      const double r = std::clamp(w.observed - m, -limit, limit);
      // One window's evidence counts for a dispersion of at most 1, so that a
      // lone burst in a sparse series does not make it unbounded.
      w.num = w.num * dispersion_decay_ + std::min(r * r - m, m * m);
      w.den = w.den * dispersion_decay_ + m * m;
    }
  }
  return best;
}

}  // namespace ecoute::alert
