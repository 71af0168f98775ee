// detector_bench: detection rate, delay and false alarms of SpikeDetector
// on synthetic series, at each sensitivity, and its throughput.
//
// Each series: a smooth weekly rhythm of 2-40 messages/min (a daily curve,
// weekends at 55 %), a random level per day (sd 10 %, gamma) unless
// --pure, Poisson counts; 4 weeks of warm-up, then 8 weeks of test with 18
// spikes (2x, 5x, 10x the rate, lasting 10, 30, 60 minutes; twice each, at
// random times at least 6 hours apart). A spike is detected when some
// window fires between its start and 15 minutes after its end; the delay
// counts the minutes of data seen (1 = fired on the spike's first minute).
// A false alarm is an episode opening outside [start, end + 60 min). Fixed seeds: the output is the same
// on every run (timings aside).
//
// Usage: detector_bench [--series N] [--pure]
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "alert/detector.h"

namespace {

using ecoute::alert::DetectorOptions;
using ecoute::alert::Sensitivity;
using ecoute::alert::SpikeDetector;

constexpr int64_t kWeek = 10080;
constexpr int64_t kWarmup = 4 * kWeek;
constexpr int64_t kTest = 8 * kWeek;
// Monday 2024-01-01T00:00:00Z.
constexpr int64_t kStartMs = 1704067200000;
constexpr double kSizes[] = {2, 5, 10};
constexpr int kDurations[] = {10, 30, 60};

struct Spike {
  int64_t start = 0;  // minute index
  int duration = 0;
  int size_index = 0;
  int duration_index = 0;
};

struct Series {
  std::vector<int32_t> counts;
  std::vector<Spike> spikes;
};

double BaseRate(int64_t minute) {
  const int64_t in_week = minute % kWeek;
  const int day = static_cast<int>(in_week / 1440);
  const double hour = static_cast<double>(in_week % 1440) / 60.0;
  const double c = 0.5 - 0.5 * std::cos(2 * M_PI * (hour - 4.0) / 24.0);  // 0 at 04:00, 1 at 16:00
  double rate = 2.0 + 38.0 * std::pow(c, 1.5);
  if (day >= 5) rate = 2.0 + (rate - 2.0) * 0.55;
  return rate;
}

Series Generate(uint64_t seed, bool pure) {
  std::mt19937_64 rng(seed);
  Series s;
  const int64_t total = kWarmup + kTest;
  std::vector<double> rate(total);
  std::gamma_distribution<double> day_level(100.0, 0.01);
  double level = 1.0;
  for (int64_t i = 0; i < total; ++i) {
    if (i % 1440 == 0) level = pure ? 1.0 : day_level(rng);
    rate[i] = BaseRate(i) * level;
  }
  // 18 spikes, one per 4480-minute slot of the test period, in random order.
  std::vector<int> types(18);
  for (int i = 0; i < 18; ++i) types[i] = i % 9;
  std::shuffle(types.begin(), types.end(), rng);
  const int64_t slot = kTest / 18;
  std::uniform_int_distribution<int64_t> offset(360, slot - 60 - 360);
  for (int i = 0; i < 18; ++i) {
    Spike sp;
    sp.size_index = types[i] / 3;
    sp.duration_index = types[i] % 3;
    sp.duration = kDurations[sp.duration_index];
    sp.start = kWarmup + i * slot + offset(rng);
    for (int64_t m = sp.start; m < sp.start + sp.duration; ++m) rate[m] *= kSizes[sp.size_index];
    s.spikes.push_back(sp);
  }
  s.counts.resize(total);
  for (int64_t i = 0; i < total; ++i) {
    std::poisson_distribution<int32_t> pois(rate[i]);
    s.counts[i] = pois(rng);
  }
  return s;
}

double Quantile(std::vector<int> v, double q) {
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  const size_t i = static_cast<size_t>(std::ceil(q * static_cast<double>(v.size()))) - 1;
  return v[std::min(i, v.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  int n_series = 30;
  bool pure = false;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--series") == 0 && i + 1 < argc) n_series = std::atoi(argv[++i]);
    if (std::strcmp(argv[i], "--pure") == 0) pure = true;
  }
  std::vector<Series> series;
  for (int i = 0; i < n_series; ++i) series.push_back(Generate(1000 + i, pure));
  std::printf("%d series x 12 weeks (4 warm-up + 8 test), %s, default windows 5/15/60\n", n_series,
              pure ? "pure Poisson" : "daily level noise 10 %");

  const Sensitivity levels[] = {Sensitivity::kLow, Sensitivity::kMedium, Sensitivity::kHigh};
  const char* names[] = {"low", "medium", "high"};
  for (int li = 0; li < 3; ++li) {
    std::vector<int> delays[3][3];
    int total[3][3] = {};
    int64_t false_alarms = 0;
    int64_t minutes = 0;
    double seconds = 0;
    for (const Series& s : series) {
      DetectorOptions opt;
      opt.sensitivity = levels[li];
      SpikeDetector det(opt);
      std::vector<int64_t> onsets, fires;
      const auto t0 = std::chrono::steady_clock::now();
      for (size_t i = 0; i < s.counts.size(); ++i) {
        auto d = det.Add(kStartMs + static_cast<int64_t>(i) * ecoute::alert::kMinuteMs, s.counts[i]);
        if (d) fires.push_back(static_cast<int64_t>(i));
        if (d && d->opens_episode) onsets.push_back(static_cast<int64_t>(i));
      }
      seconds += std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      minutes += static_cast<int64_t>(s.counts.size());
      for (int64_t o : onsets) {
        if (o < kWarmup) continue;
        bool near_spike = false;
        for (const Spike& sp : s.spikes) {
          if (o >= sp.start && o < sp.start + sp.duration + 60) near_spike = true;
        }
        if (!near_spike) ++false_alarms;
      }
      for (const Spike& sp : s.spikes) {
        ++total[sp.size_index][sp.duration_index];
        for (int64_t o : fires) {
          if (o >= sp.start && o < sp.start + sp.duration + 15) {
            delays[sp.size_index][sp.duration_index].push_back(static_cast<int>(o - sp.start + 1));
            break;
          }
        }
      }
    }
    std::printf("\nsensitivity %s (p < %g)\n", names[li], ecoute::alert::PThreshold(levels[li]));
    std::printf("| spike | duration | detected | median delay | p90 delay |\n|---|---|---|---|---|\n");
    for (int a = 0; a < 3; ++a) {
      for (int b = 0; b < 3; ++b) {
        const auto& d = delays[a][b];
        std::printf("| %gx | %d min | %5.1f %% (%zu/%d) | %g | %g |\n", kSizes[a], kDurations[b],
                    100.0 * static_cast<double>(d.size()) / total[a][b], d.size(), total[a][b],
                    Quantile(d, 0.5), Quantile(d, 0.9));
      }
    }
    std::printf("false alarms outside spikes: %lld in %d series-weeks = %.3f / week\n",
                static_cast<long long>(false_alarms), 8 * n_series,
                static_cast<double>(false_alarms) / (8.0 * n_series));
    std::printf("throughput: %.2f M series-minutes/s (one thread)\n", minutes / seconds / 1e6);
  }
  return 0;
}
