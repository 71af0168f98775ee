// Statistical core of real-time alerts: a seasonal baseline of per-minute
// counts and a spike detector for one series (a query, a query x channel,
// the numerator of a negative share, ...).
//
// Everything here runs in event time: the caller feeds minute buckets
// (start of the minute in milliseconds since the epoch, UTC, and the count
// of messages in it); nothing reads a clock. Results depend only on the
// sequence of Add() calls (deterministic).
//
// Thread-safety: none of the classes is thread-safe; each instance has one
// owner (e.g. the thread that consumes the pipeline's commit listener for
// that series). Distinct instances share nothing.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "base/time.h"
#include "base/time_zone.h"

namespace ecoute::alert {

inline constexpr int64_t kMinuteMs = 60'000;
inline constexpr int kSlotsPerWeek = 168;  // hours of the week, Monday 00:00 first

// ---------------------------------------------------------------------------
// Tail probabilities. Pure, thread-safe. Relative error below 1e-9 against
// mpmath for results down to 1e-30 (detector_test.cc).

// Regularized lower incomplete gamma P(a, x), a > 0, x >= 0.
double RegularizedGammaP(double a, double x);
// Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), computed
// without cancellation when it is the small side.
double RegularizedGammaQ(double a, double x);
// Regularized incomplete beta I_x(a, b), a > 0, b > 0, 0 <= x <= 1.
double RegularizedBeta(double a, double b, double x);

// P(X >= k) for X ~ Poisson(mean). 1 when k <= 0; for mean <= 0, 0 when
// k > 0. Non-integer k is treated as the continuous extension P(k, mean).
double PoissonUpperTail(double k, double mean);

// P(X >= k) for X ~ NegativeBinomial with the given mean and variance
// mean + dispersion * mean^2 (dispersion = 1/r of the usual size r).
// Falls back to the Poisson tail when dispersion * mean < 1e-6 (the
// variance differs from Poisson's by less than one part in a million).
double NegativeBinomialUpperTail(double k, double mean, double dispersion);

// ---------------------------------------------------------------------------
// SeasonalBaseline: the expected count of one minute, by hour of the week.

struct BaselineOptions {
  // Offset added to UTC before the hour of the week is taken (e.g. +60 for
  // CET without daylight saving), when `time_zone` is null.
  int utc_offset_minutes = 0;
  // When set (not owned; must outlive the baseline), the hour of the week is
  // local time in this zone, daylight saving included.
  const base::TimeZone* time_zone = nullptr;
  // Half-life of the exponential smoothing, in weeks of the series: the
  // weight of an observation halves after this many weeks, for the 168
  // hour-of-week slots, the 24 hour-of-day slots and the global level alike.
  double half_life_weeks = 3.0;
  // Pseudo-minutes with which a slot is shrunk towards its parent before it
  // has history: hour-of-week -> hour-of-day -> global level.
  double prior_minutes = 30.0;
  // ready() is false until this many days of minutes were observed.
  int warmup_days = 7;
};

// Learns online from observed per-minute counts (Observe) and predicts the
// expected count of a minute (Expected). The prediction is a three-level
// shrinkage estimate: the hour-of-week slot's exponentially smoothed mean,
// shrunk towards the hour-of-day slot's, itself shrunk towards the global
// level, each with weight `prior_minutes`; so a new series gets its
// overall level at once, a daily rhythm after a day and the weekly one
// after a week. Not thread-safe (one owner).
class SeasonalBaseline {
 public:
  explicit SeasonalBaseline(const BaselineOptions& options = BaselineOptions());

  // Learns one minute's count (>= 0). Minutes need not be consecutive; the
  // caller (SpikeDetector) feeds skipped minutes as zeros.
  void Observe(base::Timestamp minute_start_ms, double count);
  // Counts one minute towards the warm-up without learning from it (a
  // minute withheld because it lies inside a detection).
  void Skip() { ++minutes_seen_; }

  // Expected count of the minute starting at `minute_start_ms`. 0 before
  // anything was observed.
  double Expected(base::Timestamp minute_start_ms) const;

  // True once `warmup_days` days of minutes were seen (observed or skipped).
  bool ready() const { return minutes_seen_ >= warmup_minutes_; }
  int64_t minutes_seen() const { return minutes_seen_; }

  // The hour-of-week slot (0 = Monday 00:00-00:59 local) of a time.
  int SlotOf(base::Timestamp t) const;

  const BaselineOptions& options() const { return options_; }

 private:
  struct Ew {  // exponentially weighted mean with its total weight
    double weight = 0;
    double mean = 0;
    void Add(double x, double decay) {
      weight = weight * decay + 1.0;
      mean += (x - mean) / weight;
    }
  };
  BaselineOptions options_;
  int64_t warmup_minutes_;
  double decay_week_slot_, decay_day_slot_, decay_global_;
  std::array<Ew, kSlotsPerWeek> week_{};
  std::array<Ew, 24> day_{};
  Ew global_;
  int64_t minutes_seen_ = 0;
};

// ---------------------------------------------------------------------------
// SpikeDetector: one series, several sliding windows.

// How readily the detector fires; maps to the tail-probability threshold
// (PThreshold). Chosen with detector_bench (README.md, "Settings").
enum class Sensitivity { kLow, kMedium, kHigh };

// kLow 1e-7, kMedium 1e-5, kHigh 1e-4.
double PThreshold(Sensitivity s);

struct DetectorOptions {
  BaselineOptions baseline;
  // Sliding windows, in minutes, each evaluated every minute. Each in
  // [1, 1440]; duplicates are ignored.
  std::vector<int> windows_minutes = {5, 15, 60};
  Sensitivity sensitivity = Sensitivity::kMedium;
  // When > 0, replaces PThreshold(sensitivity).
  double p_threshold = 0;
  // A window fires only if its observed sum is at least this ...
  double min_volume = 10;
  // ... and at least this multiple of its expected sum.
  double ratio_min = 1.5;
  // An episode (an open detection) closes after this many consecutive
  // minutes in which no window fires.
  int cooldown_minutes = 30;
  // Minutes inside an episode are withheld from the baseline and from the
  // dispersion, up to this many minutes into the episode (so that a lasting
  // change of level is eventually learned); after that they are learned,
  // winsorised.
  int max_freeze_minutes = 360;
  // Half-life, in days, of the exponentially weighted dispersion estimate
  // of each window.
  double dispersion_half_life_days = 7.0;
};

// A window that fires, the strongest of the minute (smallest p-value).
struct Detection {
  int window_minutes = 0;
  double observed = 0;   // messages in the window
  double expected = 0;   // baseline's expectation for the window
  double p_value = 1;    // P(X >= observed) under the window's negative binomial
  double z = 0;          // (observed - expected) / sqrt(variance)
  double dispersion = 0;  // the window's dispersion (0 = Poisson)
  base::Timestamp start_ms = 0;  // start of the window's first minute
  base::Timestamp end_ms = 0;    // end of its last minute (exclusive)
  bool opens_episode = false;    // first firing minute of a new episode
};

// Fed minute buckets of one series in event time; evaluates every window
// each minute: observed sum vs the baseline's expected sum, tail
// probability under a negative binomial whose dispersion is estimated
// online from that window's past residuals (Poisson when ~0). A window
// fires when the baseline is ready, p < threshold, observed >= min_volume
// and observed >= ratio_min * expected. Not thread-safe (one owner).
class SpikeDetector {
 public:
  explicit SpikeDetector(const DetectorOptions& options = DetectorOptions());

  // Adds the count of the minute starting at `minute_start_ms` (floored to
  // the minute). Minutes after the previous one that were skipped count as
  // zeros (and are evaluated and learned). Returns the strongest firing
  // window of this minute, if any. A minute at or before the last one added
  // is dropped (dropped_minutes() counts them) and returns nullopt: buckets
  // must be complete when added. A negative count is treated as 0.
  std::optional<Detection> Add(base::Timestamp minute_start_ms, int64_t count);

  // True while an episode is open.
  bool in_episode() const { return episode_open_; }
  // The strongest detection of the open or the last episode.
  const std::optional<Detection>& episode_peak() const { return episode_peak_; }
  int64_t dropped_minutes() const { return dropped_; }
  double threshold() const { return threshold_; }
  // The current dispersion estimate of the i-th window (windows() order).
  double dispersion(size_t i) const;
  const std::vector<int>& windows() const { return windows_; }
  const SeasonalBaseline& baseline() const { return baseline_; }

 private:
  struct Window {
    int minutes = 0;
    double observed = 0;  // running sums over the last `minutes` minutes
    double expected = 0;
    double num = 0;  // EW sum of (S - M)^2 - M
    double den = 0;  // EW sum of M^2
    double Dispersion() const;
  };
  std::optional<Detection> Step(base::Timestamp minute_start_ms, double count);

  DetectorOptions options_;
  double threshold_;
  double dispersion_decay_;
  std::vector<int> windows_;
  std::vector<Window> state_;
  SeasonalBaseline baseline_;
  int ring_size_;
  std::vector<double> ring_count_, ring_expected_;
  int64_t minute_index_ = 0;  // minutes processed
  std::optional<base::Timestamp> last_minute_;
  int64_t last_withheld_ = -1'000'000;  // minute index of the last withheld minute
  bool episode_open_ = false;
  int64_t episode_start_ = 0;     // minute index
  int64_t last_fire_ = 0;         // minute index
  std::optional<Detection> episode_peak_;
  int64_t dropped_ = 0;
};

}  // namespace ecoute::alert
