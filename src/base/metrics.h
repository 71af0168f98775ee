// Process metrics, rendered in the Prometheus text exposition format.
//
// Metrics are registered once (usually at start-up) and then updated
// lock-free from any thread. The registry owns them; the pointers it returns
// stay valid for the registry's lifetime. Registering the same name and
// labels twice returns the same metric.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ecoute::base {

using Labels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Add(uint64_t n = 1) { v_.fetch_add(n, std::memory_order_relaxed); }
  uint64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<uint64_t> v_{0};
};

class Gauge {
 public:
  void Set(int64_t v) { v_.store(v, std::memory_order_relaxed); }
  void Add(int64_t d) { v_.fetch_add(d, std::memory_order_relaxed); }
  int64_t value() const { return v_.load(std::memory_order_relaxed); }

 private:
  std::atomic<int64_t> v_{0};
};

// Cumulative histogram of seconds with fixed upper bounds.
class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double seconds);
  // Snapshot: cumulative count per bound (and +Inf last), sum, count.
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<uint64_t> cumulative;  // size bounds.size() + 1
    double sum = 0;
    uint64_t count = 0;
    // Estimated quantile q in [0,1] by linear interpolation within buckets.
    double Quantile(double q) const;
  };
  Snapshot snapshot() const;

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<uint64_t> sum_micros_{0};
  std::atomic<uint64_t> count_{0};
};

// Default latency buckets: 10 µs .. 10 s.
std::vector<double> LatencyBuckets();

class MetricsRegistry {
 public:
  Counter* GetCounter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge* GetGauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram* GetHistogram(const std::string& name, const std::string& help, const Labels& labels = {},
                          std::vector<double> bounds = LatencyBuckets());
  // A gauge whose value is read by calling `fn` at render time (fn must be
  // thread-safe and outlive the registry or be removed before it dies).
  void SetGaugeFunction(const std::string& name, const std::string& help, const Labels& labels,
                        std::function<double()> fn);

  // Prometheus text format 0.0.4, families sorted by name.
  std::string RenderPrometheus() const;

 private:
  struct Family {
    std::string help;
    std::string type;  // counter, gauge, histogram
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
    std::map<Labels, std::function<double()>> functions;
  };
  mutable std::mutex mu_;
  std::map<std::string, Family> families_;  // GUARDED_BY(mu_)
};

// The process-wide registry that /metrics renders.
MetricsRegistry& Metrics();

}  // namespace ecoute::base
