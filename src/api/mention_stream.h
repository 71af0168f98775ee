// The live mention stream behind GET /api/v1/mentions/stream (server-sent
// events): a fan-out hub fed by the pipeline's commit listener, and the
// per-client sampler that keeps a browser from being flooded.
//
// MentionHub::Publish(committed) runs on the pipeline's writer thread. It
// never waits for a subscriber: it copies a compact view of each mention
// once (StreamMention: text and title cut to kMaxStreamTextBytes) into one
// shared batch, and appends a pointer to that batch to each subscriber's
// queue. A queue holds at most `max_queued_mentions` mentions (or one
// batch, whatever its size); a batch that does not fit is dropped for that
// subscriber and counted (Subscription::TakeDropped), so a slow or absent
// reader costs the writer one pointer per batch and holds back at most its
// queue. Without subscribers Publish copies nothing.
//
// Each stream (one SSE client) takes its batches and feeds a
// MentionSampler: the client's filter, then, per window (a wall-clock
// second), at most max_rate mentions kept: critical first, then high, then
// the rest, each tier a uniform sample (reservoir sampling: per-client
// memory is bounded by 3 x max_rate references, whatever the rate). At the
// end of a window the sample is sent as `event: mention` frames (id
// ascending), then one `event: stats` frame with the counts of everything
// that matched (sent every second, also when nothing matched: it doubles
// as the keep-alive). Frame formats: docs/api/openapi.yaml
// (/api/v1/mentions/stream) and src/api/README.md.
//
// Thread-safety: every MentionHub method may be called from any thread.
// A Subscription is used by one thread (its stream); it unsubscribes when
// destroyed and must not outlive its hub. MentionSampler is a plain value,
// one per stream.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "api/mention_filters.h"
#include "base/time.h"
#include "model/mention.h"

namespace ecoute::api {

// Title and text of a streamed mention are cut to this many bytes (on a
// UTF-8 character boundary).
inline constexpr size_t kMaxStreamTextBytes = 500;

// What the stream shows of a mention.
struct StreamMention {
  int64_t id = 0;
  base::Timestamp created_at = 0;
  model::Channel channel = model::Channel::kOther;
  std::string source;
  std::string language;
  model::Author author;
  std::string title;  // cut to kMaxStreamTextBytes
  std::string text;   // cut to kMaxStreamTextBytes
  std::string url;
  // matched_queries, sentiment, needs_reply, category, severity_level,
  // severity_reasons, reach (scores and corrections are left out).
  model::Enrichment labels;

  static StreamMention From(const model::Mention& m);
};

// The data of an `event: mention` frame: compact JSON {id, created_at,
// channel, source, lang, author:{handle, display_name, followers}, title,
// text, url, sentiment, category, severity_level, severity_reasons,
// needs_reply, reach, matched_queries}; absent labels are null.
std::string StreamMentionJson(const StreamMention& m);

// The longest prefix of `s` of at most `max` bytes that does not cut a
// UTF-8 sequence.
std::string_view Utf8Prefix(std::string_view s, size_t max);

// Which mentions a stream wants: every list is "any of", empty = any.
struct MentionStreamFilter {
  std::vector<int64_t> query_ids;  // the mention matched one of these queries
  std::vector<model::Channel> channels;
  std::vector<std::string> languages;
  LabelFilter labels;

  bool Matches(const StreamMention& m) const;
};

class MentionHub {
 public:
  using Batch = std::vector<StreamMention>;
  class Subscription;

  static constexpr size_t kDefaultMaxQueuedMentions = 20'000;
  static constexpr size_t kDefaultMaxSubscribers = 32;

  // `max_queued_mentions` per subscriber (>= 1); at most `max_subscribers`
  // streams at once.
  explicit MentionHub(size_t max_queued_mentions = kDefaultMaxQueuedMentions,
                      size_t max_subscribers = kDefaultMaxSubscribers);
  ~MentionHub();  // Close()
  MentionHub(const MentionHub&) = delete;
  MentionHub& operator=(const MentionHub&) = delete;

  // A new subscriber, or nullptr when max_subscribers are connected or the
  // hub is closed.
  std::unique_ptr<Subscription> Subscribe();

  // The mentions of one commit (a pipeline::CommitListener). Never blocks
  // beyond a short lock; no effect without subscribers or after Close().
  void Publish(const std::vector<model::Mention>& committed);

  // Wakes every subscriber; Take() then returns at once and closed() is
  // true. Idempotent.
  void Close();

  size_t subscribers() const;
  // Mentions published while at least one stream listened.
  uint64_t published() const;

  class Subscription {
   public:
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;

    // The batches queued since the last call, oldest first, waiting at most
    // `timeout` for one; empty on timeout or once the hub is closed.
    std::vector<std::shared_ptr<const Batch>> Take(std::chrono::milliseconds timeout);
    bool closed() const;
    // Mentions dropped for this subscriber (queue full) since the last call.
    uint64_t TakeDropped();

   private:
    friend class MentionHub;
    explicit Subscription(MentionHub* hub) : hub_(hub) {}
    MentionHub* const hub_;
    std::vector<std::shared_ptr<const Batch>> queue_;  // GUARDED_BY(hub_->mu_)
    size_t queued_mentions_ = 0;                       // GUARDED_BY(hub_->mu_)
    uint64_t dropped_ = 0;                             // GUARDED_BY(hub_->mu_)
  };

 private:
  const size_t max_queued_mentions_;
  const size_t max_subscribers_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<Subscription*> subscribers_;  // GUARDED_BY(mu_)
  bool closed_ = false;                  // GUARDED_BY(mu_)
  uint64_t published_ = 0;               // GUARDED_BY(mu_)
};

// One stream's filter and window (see the top of this file).
class MentionSampler {
 public:
  static constexpr int kDefaultMaxRate = 20;
  static constexpr int kMaxRate = 200;
  static constexpr int64_t kWindowMs = 1000;

  // `max_rate` in [1, kMaxRate]; `seed` seeds the sampling.
  MentionSampler(MentionStreamFilter filter, int max_rate, uint64_t seed = 1);

  // Filters and samples the mentions of `batch` into the current window.
  void Add(const std::shared_ptr<const MentionHub::Batch>& batch);
  // Mentions the hub dropped for this stream (reported as "dropped").
  void AddDropped(uint64_t n) { dropped_ += n; }

  // Ends the current window and starts the next: the SSE text of the
  // sample's `event: mention` frames (with `id: <mention id>`, ids
  // ascending), then the `event: stats` frame:
  //   {"window_ms":1000,"matched":N,"sent":k,"skipped":N-k,"dropped":D,
  //    "by_sentiment":{...},"by_channel":{...},"by_severity":{...}}
  // where the by_ objects count the N matched mentions per value (absent
  // labels as "unknown"; values with no mention are left out).
  std::string Flush();

  int max_rate() const { return max_rate_; }

 private:
  // A mention of a batch, kept by reference.
  struct Ref {
    std::shared_ptr<const MentionHub::Batch> batch;
    size_t index = 0;
    const StreamMention& get() const { return (*batch)[index]; }
  };
  // Reservoir sampling of one priority tier.
  struct Tier {
    std::vector<Ref> kept;  // at most max_rate
    uint64_t seen = 0;
  };
  static constexpr int kTiers = 3;  // critical, high, the rest

  const MentionStreamFilter filter_;
  const int max_rate_;
  std::mt19937_64 rng_;
  Tier tiers_[kTiers];
  uint64_t matched_ = 0;
  uint64_t dropped_ = 0;
  std::map<std::string, uint64_t> by_sentiment_, by_channel_, by_severity_;
};

}  // namespace ecoute::api
