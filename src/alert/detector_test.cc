#include "alert/detector.h"

#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include <gtest/gtest.h>

namespace ecoute::alert {
namespace {

// Monday 2024-01-01T00:00:00Z.
constexpr int64_t kMonday = 1704067200000;
constexpr int64_t kDay = 1440;
constexpr int64_t kWeek = 7 * kDay;

int64_t At(int64_t minute) { return kMonday + minute * kMinuteMs; }

// Constant within each hour: 2-40 per minute, a daily curve, weekends lower.
double HourRate(int64_t minute) {
  const int64_t in_week = ((minute % kWeek) + kWeek) % kWeek;
  const int hour = static_cast<int>((in_week % kDay) / 60);
  const bool weekend = in_week / kDay >= 5;
  const double c = 0.5 - 0.5 * std::cos(2 * M_PI * (hour - 4) / 24.0);
  const double rate = 2.0 + 38.0 * c;
  return weekend ? 2.0 + 0.5 * (rate - 2.0) : rate;
}

int64_t Draw(std::mt19937_64& rng, double mean) {
  std::poisson_distribution<int64_t> p(mean);
  return p(rng);
}

void ExpectRel(double got, double want, double tol) {
  EXPECT_NEAR(got / want, 1.0, tol) << "got " << got << " want " << want;
}

TEST(Tails, PoissonKnownValues) {
  // Reference values: mpmath (40 digits).
  ExpectRel(PoissonUpperTail(10, 3), 0.0011024881301154797, 1e-10);
  ExpectRel(PoissonUpperTail(1, 3), 0.95021293163213606, 1e-12);
  ExpectRel(PoissonUpperTail(50, 20), 1.2458926079719379e-8, 1e-10);
  ExpectRel(PoissonUpperTail(200, 100), 9.3431500729883903e-19, 1e-9);
  ExpectRel(PoissonUpperTail(30, 2), 5.855318609378577e-25, 1e-9);
  ExpectRel(PoissonUpperTail(1000, 900), 0.00054990226571178292, 1e-8);
  ExpectRel(PoissonUpperTail(5, 0.1), 7.667801686189311e-8, 1e-10);
  EXPECT_EQ(PoissonUpperTail(0, 3), 1.0);
  EXPECT_EQ(PoissonUpperTail(-2, 3), 1.0);
  EXPECT_EQ(PoissonUpperTail(1, 0), 0.0);
}

TEST(Tails, NegativeBinomialKnownValues) {
  ExpectRel(NegativeBinomialUpperTail(50, 20, 0.1), 0.0014997766635714781, 1e-10);
  ExpectRel(NegativeBinomialUpperTail(200, 100, 0.01), 2.6465546025796373e-9, 1e-9);
  ExpectRel(NegativeBinomialUpperTail(30, 2, 2.0), 2.6831214763073047e-4, 1e-10);
  ExpectRel(NegativeBinomialUpperTail(100, 10, 0.05), 4.7410000932394229e-30, 1e-9);
  ExpectRel(NegativeBinomialUpperTail(10, 3, 0.5), 0.030233088, 1e-7);
  EXPECT_EQ(NegativeBinomialUpperTail(0, 3, 0.5), 1.0);
  // Dispersion ~0 is Poisson.
  ExpectRel(NegativeBinomialUpperTail(10, 3, 1e-12), 0.0011024881301154797, 1e-10);
  ExpectRel(NegativeBinomialUpperTail(10, 3, 1e-5), 0.0011024881301154797, 1e-3);
}

TEST(Tails, NegativeBinomialMatchesDirectSum) {
  for (double mean : {0.5, 4.0, 30.0}) {
    for (double k : {0.02, 0.3, 1.5}) {
      const double r = 1.0 / k;
      const double q = mean / (r + mean);
      double cdf = 0;
      for (int x = 0; x < 200; ++x) {
        const double lp = std::lgamma(x + r) - std::lgamma(r) - std::lgamma(x + 1.0) + r * std::log1p(-q) +
                          x * std::log(q);
        const double upper = NegativeBinomialUpperTail(x, mean, k);
        if (upper > 1e-6) {
          EXPECT_NEAR(upper, 1.0 - cdf, 1e-10) << mean << " " << k << " " << x;
        }
        cdf += std::exp(lp);
      }
    }
  }
}

TEST(Tails, IncompleteFunctionsAreComplementary) {
  for (double a : {0.5, 3.0, 40.0}) {
    for (double x : {0.1, 2.0, 45.0}) EXPECT_NEAR(RegularizedGammaP(a, x) + RegularizedGammaQ(a, x), 1.0, 1e-12);
  }
  EXPECT_NEAR(RegularizedBeta(2, 3, 0.4) + RegularizedBeta(3, 2, 0.6), 1.0, 1e-12);
  EXPECT_NEAR(RegularizedBeta(1, 1, 0.3), 0.3, 1e-12);
}

TEST(SeasonalBaseline, SlotsFollowTheWeekAndTheOffset) {
  SeasonalBaseline b;
  EXPECT_EQ(b.SlotOf(kMonday), 0);
  EXPECT_EQ(b.SlotOf(kMonday + 25 * 3600'000LL), 25);
  EXPECT_EQ(b.SlotOf(kMonday - 1), 167);
  BaselineOptions o;
  o.utc_offset_minutes = 120;
  EXPECT_EQ(SeasonalBaseline(o).SlotOf(kMonday), 2);
  // With a time zone, local time with its daylight saving: Tuesday 00:30 in
  // Paris is 23:30 UTC on Monday in winter and 22:30 UTC in summer.
  base::TimeZone paris = *base::TimeZone::Load("Europe/Paris");
  BaselineOptions tz;
  tz.time_zone = &paris;
  SeasonalBaseline local(tz);
  EXPECT_EQ(local.SlotOf(1'767'655'800'000), 24);  // 2026-01-05T23:30:00Z
  EXPECT_EQ(local.SlotOf(1'780'353'000'000), 24);  // 2026-06-01T22:30:00Z
}

TEST(SeasonalBaseline, LearnsDailyAndWeeklyRhythm) {
  std::mt19937_64 rng(7);
  SeasonalBaseline b;
  EXPECT_EQ(b.Expected(At(0)), 0.0);
  for (int64_t m = 0; m < 4 * kWeek; ++m) {
    b.Observe(At(m), static_cast<double>(Draw(rng, HourRate(m))));
    if (m == 60) {  // a new series: the overall level at once
      EXPECT_NEAR(b.Expected(At(61)), HourRate(0), 1.0);
    }
  }
  EXPECT_TRUE(b.ready());
  double worst = 0;
  for (int64_t slot = 0; slot < kSlotsPerWeek; ++slot) {
    const double want = HourRate(slot * 60);
    worst = std::max(worst, std::fabs(b.Expected(At(slot * 60 + 30)) / want - 1.0));
  }
  EXPECT_LT(worst, 0.2);
  // Weekly: Saturday 16:00 is learned lower than Friday 16:00.
  EXPECT_LT(b.Expected(At(5 * kDay + 16 * 60)), 0.7 * b.Expected(At(4 * kDay + 16 * 60)));
}

// A detector that has seen `weeks` weeks of seasonal Poisson noise.
struct Trained {
  SpikeDetector det;
  std::mt19937_64 rng;
  int64_t minute = 0;
  int onsets = 0;
  explicit Trained(const DetectorOptions& o = DetectorOptions(), uint64_t seed = 11) : det(o), rng(seed) {}
  void Run(int64_t minutes, double factor = 1.0) {
    for (int64_t end = minute + minutes; minute < end; ++minute) {
      auto d = det.Add(At(minute), Draw(rng, HourRate(minute) * factor));
      if (d && d->opens_episode) ++onsets;
    }
  }
  // Runs until the first firing minute or `minutes`; returns the number of
  // minutes of data seen at that point (1 = the first minute), or -1.
  int RunUntilFire(int64_t minutes, double factor) {
    for (int64_t i = 0; i < minutes; ++i, ++minute) {
      if (det.Add(At(minute), Draw(rng, HourRate(minute) * factor))) {
        ++minute;
        return static_cast<int>(i + 1);
      }
    }
    return -1;
  }
};

TEST(SpikeDetector, FewFalseAlarmsOnSeasonalNoise) {
  Trained t;
  t.Run(kWeek);
  EXPECT_TRUE(t.det.baseline().ready());
  t.onsets = 0;
  t.Run(4 * kWeek);
  std::printf("false alarms in 4 weeks of seasonal Poisson noise: %d\n", t.onsets);
  RecordProperty("false_alarms_4_weeks", t.onsets);
  EXPECT_LE(t.onsets, 4);
}

TEST(SpikeDetector, FiveFoldSpikeDetectedWithinFiveMinutes) {
  Trained t;
  t.Run(2 * kWeek + 14 * 60);  // Monday 14:00, busy
  const int delay = t.RunUntilFire(15, 5.0);
  EXPECT_GE(delay, 1);
  EXPECT_LE(delay, 5);
  t.Run(kDay - 14 * 60 + 3 * 60);  // Tuesday 03:00, quiet (2/min)
  const int night = t.RunUntilFire(15, 5.0);
  EXPECT_GE(night, 1);
  EXPECT_LE(night, 5);
  std::printf("5x spike: detected after %d minutes (busy), %d (quiet)\n", delay, night);
}

TEST(SpikeDetector, TwoFoldHourDetected) {
  Trained t;
  t.Run(2 * kWeek + 2 * kDay + 13 * 60);  // Wednesday 13:00
  const int delay = t.RunUntilFire(60, 2.0);
  std::printf("2x spike of 60 minutes: detected after %d minutes\n", delay);
  RecordProperty("two_fold_delay_minutes", delay);
  EXPECT_GE(delay, 1);
  ASSERT_TRUE(t.det.episode_peak());
  EXPECT_GT(t.det.episode_peak()->observed, 1.5 * t.det.episode_peak()->expected);
}

TEST(SpikeDetector, SpikeDoesNotPoisonBaseline) {
  Trained t;
  t.Run(2 * kWeek + 14 * 60);
  const double before = t.det.baseline().Expected(At(t.minute));
  t.Run(60, 5.0);
  EXPECT_TRUE(t.det.in_episode());
  EXPECT_NEAR(t.det.baseline().Expected(At(t.minute - 30)) / before, 1.0, 0.1);
}

TEST(SpikeDetector, MinimumVolumeOnTinySeries) {
  DetectorOptions o;
  o.baseline.warmup_days = 1;
  SpikeDetector det(o);
  int64_t m = 0;
  for (; m < 2 * kDay; ++m) det.Add(At(m), m % 500 == 0 ? 1 : 0);  // ~0.002/min
  EXPECT_FALSE(det.Add(At(m++), 9).has_value());  // p tiny, below min_volume
  for (int i = 0; i < 60; ++i) det.Add(At(m++), 0);
  auto d = det.Add(At(m++), 12);
  ASSERT_TRUE(d.has_value());
  EXPECT_TRUE(d->opens_episode);
  EXPECT_GE(d->observed, 12);
  EXPECT_LT(d->p_value, 1e-10);
}

TEST(SpikeDetector, SkippedMinutesCountAsZeros) {
  std::mt19937_64 rng(3);
  DetectorOptions o;
  o.baseline.warmup_days = 1;
  SpikeDetector dense(o), sparse(o);
  std::vector<std::optional<Detection>> a, b;
  for (int64_t m = 0; m < 3 * kDay; ++m) {
    int64_t c = Draw(rng, 0.3);
    if (m == 2 * kDay + 100) c = 40;
    a.push_back(dense.Add(At(m), c));
    b.push_back(c > 0 || m == 0 || m == 3 * kDay - 1 ? sparse.Add(At(m), c) : std::nullopt);
  }
  EXPECT_EQ(dense.baseline().Expected(At(0)), sparse.baseline().Expected(At(0)));
  EXPECT_EQ(dense.baseline().minutes_seen(), sparse.baseline().minutes_seen());
  for (size_t i = 0; i < a.size(); ++i) {
    if (b[i]) {
      ASSERT_TRUE(a[i]);
      EXPECT_EQ(a[i]->p_value, b[i]->p_value);
    }
  }
  ASSERT_TRUE(a[2 * kDay + 100]);
  EXPECT_TRUE(b[2 * kDay + 100]);
}

TEST(SpikeDetector, WarmUpRespected) {
  Trained t;
  t.Run(3 * kDay + 14 * 60);
  EXPECT_FALSE(t.det.baseline().ready());
  EXPECT_EQ(t.RunUntilFire(30, 10.0), -1);
  t.Run(4 * kDay);
  EXPECT_TRUE(t.det.baseline().ready());
}

TEST(SpikeDetector, LateMinutesAreDropped) {
  SpikeDetector det;
  det.Add(At(10), 3);
  EXPECT_FALSE(det.Add(At(10), 3).has_value());
  EXPECT_FALSE(det.Add(At(5), 3).has_value());
  EXPECT_EQ(det.dropped_minutes(), 2);
  EXPECT_EQ(det.baseline().minutes_seen(), 1);
  det.Add(At(12) + 59'999, 1);  // floored to minute 12; minute 11 is a zero
  EXPECT_EQ(det.baseline().minutes_seen(), 3);
}

TEST(SpikeDetector, IsDeterministic) {
  Trained a, b;
  a.Run(3 * kWeek);
  b.Run(3 * kWeek);
  EXPECT_EQ(a.onsets, b.onsets);
  EXPECT_EQ(a.det.baseline().Expected(At(100)), b.det.baseline().Expected(At(100)));
  EXPECT_EQ(a.det.dispersion(2), b.det.dispersion(2));
}

}  // namespace
}  // namespace ecoute::alert
