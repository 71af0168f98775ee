#include "api/mention_stream_api.h"

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "api/params.h"

namespace ecoute::api {

namespace {

// Exactly this: httplib compresses other text/* types when the client
// accepts gzip, which would hold frames back in the compressor.
constexpr const char* kEventStreamType = "text/event-stream";
// What an EventSource waits before it reconnects, ms.
constexpr const char* kStreamOpen = ": stream open\nretry: 3000\n\n";

}  // namespace

Reply MentionStreamApi::Stream(const httplib::Request& req, const RequestContext& ctx) {
  QueryParams p(req.params, ctx.route.query_params);
  MentionStreamFilter filter;
  filter.query_ids = p.Ids("query_id");
  filter.channels = p.Channels("channel");
  filter.languages = p.Languages("lang");
  filter.labels = ReadLabelFilter(p, categories_);
  const int max_rate = static_cast<int>(
      p.Int("max_rate", MentionSampler::kDefaultMaxRate, 1, MentionSampler::kMaxRate));
  if (p.error()) return ParamReply(*p.error());
  if (hub_ == nullptr) return ErrorReply(503, "unavailable", "the live mention stream is not available in this process");
  std::unique_ptr<MentionHub::Subscription> sub = hub_->Subscribe();
  if (sub == nullptr)
    return ErrorReply(503, "unavailable",
                      "no mention stream available: too many streams are open, or the server is stopping");

  using Clock = std::chrono::steady_clock;
  struct State {
    std::unique_ptr<MentionHub::Subscription> sub;
    MentionSampler sampler;
    Clock::time_point window_end{};
    bool opened = false;
  };
  // Seeded per stream, so that two clients do not see the same sample.
  const auto seed = static_cast<uint64_t>(Clock::now().time_since_epoch().count()) ^
                    reinterpret_cast<uintptr_t>(sub.get());
  auto state = std::make_shared<State>(State{std::move(sub), MentionSampler(std::move(filter), max_rate, seed)});
  const std::atomic<bool>& stopping = stopping_;
  Reply r;
  r.content_type = kEventStreamType;
  r.headers = {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
  // Runs on this request's worker thread until the client leaves, the hub
  // closes or the server stops; each call waits at most kPollMs.
  r.stream = [state, &stopping](size_t, httplib::DataSink& sink) -> bool {
    auto write = [&](const std::string& s) { return sink.write(s.data(), s.size()); };
    if (stopping.load()) return false;
    const std::chrono::milliseconds window(MentionSampler::kWindowMs);
    if (!state->opened) {
      state->opened = true;
      state->window_end = Clock::now() + window;
      return write(kStreamOpen);
    }
    auto take = [&](std::chrono::milliseconds wait) {
      for (const auto& batch : state->sub->Take(wait)) state->sampler.Add(batch);
      state->sampler.AddDropped(state->sub->TakeDropped());
    };
    const Clock::time_point now = Clock::now();
    if (now < state->window_end) {
      const auto left = std::chrono::ceil<std::chrono::milliseconds>(state->window_end - now);
      take(std::min(left, std::chrono::milliseconds(kPollMs)));
      if (stopping.load()) return false;
      if (state->sub->closed()) {
        sink.done();
        return true;
      }
      if (Clock::now() < state->window_end) return true;
    }
    take(std::chrono::milliseconds(0));  // what arrived up to the end of the window
    state->window_end += window;
    if (state->window_end <= Clock::now()) state->window_end = Clock::now() + window;  // fell behind
    return write(state->sampler.Flush());
  };
  return r;
}

}  // namespace ecoute::api
