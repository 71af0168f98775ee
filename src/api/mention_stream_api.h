// Internal to the api module: the handler of GET /api/v1/mentions/stream,
// the live mention stream (server-sent events) fed by a MentionHub
// (api/mention_stream.h). docs/api/openapi.yaml describes it.
//
// Thread-safety: the handler is called concurrently from request threads;
// it only reads members and subscribes to the (thread-safe) hub.
#pragma once

#include <httplib.h>

#include <atomic>
#include <cstdint>
#include <vector>

#include "api/mention_stream.h"
#include "api/reply.h"
#include "api/request_context.h"
#include "api/server.h"

namespace ecoute::api {

class MentionStreamApi {
 public:
  // `hub` may be null: the route then answers 503. `categories` (the
  // taxonomy the category= filter accepts) and `stopping` must outlive
  // this object; the server sets `stopping` when it stops, and open streams
  // end within about kPollMs. `hub` must outlive the streams.
  MentionStreamApi(MentionHub* hub, const std::vector<CategoryInfo>& categories, const std::atomic<bool>& stopping)
      : hub_(hub), categories_(categories), stopping_(stopping) {}

  // How long a stream waits for mentions before it looks at `stopping`
  // again.
  static constexpr int64_t kPollMs = 250;

  // GET /api/v1/mentions/stream: query_id, channel, lang, sentiment,
  // category, severity, needs_reply (filters), max_rate (1..200, 20).
  // Sends ": stream open" and a retry hint at once, then every second the
  // sample's `event: mention` frames and an `event: stats` frame
  // (MentionSampler::Flush). 400 naming a bad parameter; 503 without a hub,
  // when the hub is closed or when it has its maximum of streams.
  Reply Stream(const httplib::Request& req, const RequestContext& ctx);

 private:
  MentionHub* const hub_;  // may be null
  const std::vector<CategoryInfo>& categories_;
  const std::atomic<bool>& stopping_;
};

}  // namespace ecoute::api
