#include "app/demo_feed.h"

#include <chrono>

#include <spdlog/spdlog.h>

#include "base/clock.h"
#include "demo/generator.h"
#include "ingest/input.h"
#include "model/mention_json.h"

namespace ecoute::app {
namespace {

constexpr int64_t kDayMs = 86'400'000;

// Prefixes every native id (and the ids it refers to) so that separate live
// runs never collide with the backlog or with each other.
void Prefix(model::Mention& m, const std::string& prefix) {
  m.native_id = prefix + m.native_id;
  if (!m.reply_to.empty()) m.reply_to = prefix + m.reply_to;
  if (!m.reshare_of.empty()) m.reshare_of = prefix + m.reshare_of;
  if (!m.quote_of.empty()) m.quote_of = prefix + m.quote_of;
  if (!m.thread_id.empty()) m.thread_id = prefix + m.thread_id;
}

ingest::RawBatch NewBatch(const char* source) {
  ingest::RawBatch b;
  b.source = source;
  b.decoder = ingest::MakeJsonDecoder();
  return b;
}

}  // namespace

DemoFeed::DemoFeed(pipeline::Pipeline& pipeline, const store::Store& store, config::DemoConfig config)
    : pipeline_(pipeline), store_(store), config_(config) {}

DemoFeed::~DemoFeed() { Stop(); }

base::Result<uint64_t> DemoFeed::LoadBacklog() {
  ECOUTE_ASSIGN_OR_RETURN(store::StoreCounts counts, store_.Counts());
  if (counts.mentions > 0 || config_.backlog_days <= 0 || config_.messages_per_day <= 0) return uint64_t{0};
  base::Timestamp now = base::SystemClock().Now();
  demo::DemoOptions o;
  o.seed = config_.seed;
  o.start = now - config_.backlog_days * kDayMs;
  o.messages_per_day = config_.messages_per_day;
  demo::DemoGenerator gen(o);
  uint64_t n = 0;
  ingest::RawBatch batch = NewBatch("demo backlog");
  while (!stop_.load()) {
    model::Mention m = gen.Next();
    if (m.created_at >= now) break;
    batch.Add(model::MentionToJsonLine(m), 0, static_cast<int64_t>(n++));
    if (batch.records.size() == 1024) {
      ECOUTE_RETURN_IF_ERROR(pipeline_.Submit(std::move(batch)));
      batch = NewBatch("demo backlog");
    }
  }
  if (!batch.records.empty()) ECOUTE_RETURN_IF_ERROR(pipeline_.Submit(std::move(batch)));
  pipeline_.Flush();
  return n;
}

void DemoFeed::StartLive() {
  if (config_.live_per_minute <= 0 || live_.joinable()) return;
  live_ = std::thread([this] { LiveLoop(); });
}

void DemoFeed::Stop() {
  stop_.store(true);
  if (live_.joinable()) live_.join();
}

void DemoFeed::LiveLoop() {
  const base::Clock& clock = base::SystemClock();
  base::Timestamp start = clock.Now();
  demo::DemoOptions o;
  o.seed = config_.seed + static_cast<uint64_t>(start);
  o.start = start;
  o.messages_per_day = config_.live_per_minute * 1440;
  demo::DemoGenerator gen(o);
  const std::string prefix = "live" + std::to_string(start) + "-";
  int64_t index = 0;
  while (!stop_.load()) {
    model::Mention m = gen.Next();
    // Sleep until the message's time, waking often enough to stop promptly.
    while (!stop_.load() && clock.Now() < m.created_at)
      std::this_thread::sleep_for(std::chrono::milliseconds(std::min<int64_t>(100, m.created_at - clock.Now())));
    if (stop_.load()) break;
    Prefix(m, prefix);
    ingest::RawBatch batch = NewBatch("demo live");
    batch.Add(model::MentionToJsonLine(m), 0, index++);
    base::Status st = pipeline_.Submit(std::move(batch));
    if (!st.ok()) {
      spdlog::info("demo live stream stopped: {}", st.message());
      return;
    }
  }
}

}  // namespace ecoute::app
