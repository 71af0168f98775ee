#include "base/metrics.h"

#include <gtest/gtest.h>

namespace ecoute::base {
namespace {

TEST(Metrics, RendersPrometheusText) {
  MetricsRegistry r;
  r.GetCounter("ecoute_ingested_total", "Mentions stored.", {{"channel", "twitter"}})->Add(3);
  EXPECT_EQ(r.GetCounter("ecoute_ingested_total", "Mentions stored.", {{"channel", "twitter"}})->value(), 3u);
  r.GetGauge("ecoute_queue_depth", "Batches waiting.", {{"queue", "input"}})->Set(2);
  Histogram* h = r.GetHistogram("ecoute_stage_seconds", "Stage latency.", {{"stage", "store"}}, {0.01, 0.1});
  h->Observe(0.005);
  h->Observe(0.05);
  h->Observe(5);
  std::string text = r.RenderPrometheus();
  EXPECT_NE(text.find("# TYPE ecoute_ingested_total counter\n"), std::string::npos);
  EXPECT_NE(text.find("ecoute_ingested_total{channel=\"twitter\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("ecoute_queue_depth{queue=\"input\"} 2\n"), std::string::npos);
  EXPECT_NE(text.find("ecoute_stage_seconds_bucket{stage=\"store\",le=\"0.01\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("ecoute_stage_seconds_bucket{stage=\"store\",le=\"+Inf\"} 3\n"), std::string::npos);
  EXPECT_NE(text.find("ecoute_stage_seconds_count{stage=\"store\"} 3\n"), std::string::npos);
}

TEST(Metrics, HistogramQuantiles) {
  Histogram h({1, 2, 3, 4});
  for (int i = 0; i < 100; ++i) h.Observe(i < 50 ? 0.5 : 3.5);
  Histogram::Snapshot s = h.snapshot();
  EXPECT_LE(s.Quantile(0.5), 1.0);
  EXPECT_GT(s.Quantile(0.99), 3.0);
  EXPECT_LE(s.Quantile(0.99), 4.0);
}

}  // namespace
}  // namespace ecoute::base
