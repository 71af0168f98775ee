#include "api/mention_stream.h"

#include <algorithm>
#include <utility>

#include <nlohmann/json.hpp>

#include "api/reply.h"
#include "base/ascii.h"

namespace ecoute::api {

namespace {

using nlohmann::json;

template <typename T>
json OrNull(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

// The tier of a mention: 0 critical, 1 high, 2 the rest.
int TierOf(const StreamMention& m) {
  const std::optional<std::string>& level = m.labels.severity_level;
  if (level && *level == "critical") return 0;
  if (level && *level == "high") return 1;
  return 2;
}

void AppendCounts(std::string& out, const char* key, const std::map<std::string, uint64_t>& counts) {
  out += ",\"";
  out += key;
  out += "\":{";
  bool first = true;
  for (const auto& [name, n] : counts) {
    if (!first) out += ',';
    first = false;
    out += Dump(json(name));
    out += ':';
    AppendInt(out, static_cast<int64_t>(n));
  }
  out += '}';
}

}  // namespace

std::string_view Utf8Prefix(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

StreamMention StreamMention::From(const model::Mention& m) {
  StreamMention s;
  s.id = m.id;
  s.created_at = m.created_at;
  s.channel = m.channel;
  s.source = m.source;
  s.language = m.language;
  s.author = m.author;
  s.title = Utf8Prefix(m.title, kMaxStreamTextBytes);
  s.text = Utf8Prefix(m.text, kMaxStreamTextBytes);
  s.url = m.url;
  const model::Enrichment& e = m.enrichment;
  s.labels.matched_queries = e.matched_queries;
  s.labels.sentiment = e.sentiment;
  s.labels.needs_reply = e.needs_reply;
  s.labels.category = e.category;
  s.labels.severity_level = e.severity_level;
  s.labels.severity_reasons = e.severity_reasons;
  s.labels.reach = e.reach;
  return s;
}

std::string StreamMentionJson(const StreamMention& m) {
  const model::Enrichment& e = m.labels;
  return Dump({{"id", m.id},
               {"created_at", base::FormatTimestamp(m.created_at)},
               {"channel", model::ChannelName(m.channel)},
               {"source", m.source},
               {"lang", m.language},
               {"author",
                {{"handle", m.author.handle},
                 {"display_name", m.author.display_name},
                 {"followers", OrNull(m.author.followers)}}},
               {"title", m.title},
               {"text", m.text},
               {"url", m.url},
               {"sentiment", OrNull(e.sentiment)},
               {"category", OrNull(e.category)},
               {"severity_level", OrNull(e.severity_level)},
               {"severity_reasons", e.severity_reasons},
               {"needs_reply", OrNull(e.needs_reply)},
               {"reach", OrNull(e.reach)},
               {"matched_queries", e.matched_queries}});
}

bool MentionStreamFilter::Matches(const StreamMention& m) const {
  if (!channels.empty() && std::find(channels.begin(), channels.end(), m.channel) == channels.end()) return false;
  if (!languages.empty() && std::none_of(languages.begin(), languages.end(), [&](const std::string& l) {
        return base::EqualsIgnoreAsciiCase(l, m.language);
      }))
    return false;
  if (!query_ids.empty()) {
    const std::vector<int64_t>& mq = m.labels.matched_queries;
    if (std::none_of(query_ids.begin(), query_ids.end(),
                     [&](int64_t q) { return std::find(mq.begin(), mq.end(), q) != mq.end(); }))
      return false;
  }
  return labels.Matches(m.labels);
}

// ---------------------------------------------------------------- hub

MentionHub::MentionHub(size_t max_queued_mentions, size_t max_subscribers)
    : max_queued_mentions_(std::max<size_t>(1, max_queued_mentions)), max_subscribers_(max_subscribers) {}

MentionHub::~MentionHub() { Close(); }

std::unique_ptr<MentionHub::Subscription> MentionHub::Subscribe() {
  std::lock_guard lock(mu_);
  if (closed_ || subscribers_.size() >= max_subscribers_) return nullptr;
  std::unique_ptr<Subscription> sub(new Subscription(this));
  subscribers_.insert(sub.get());
  return sub;
}

void MentionHub::Publish(const std::vector<model::Mention>& committed) {
  if (committed.empty()) return;
  {
    std::lock_guard lock(mu_);
    if (closed_ || subscribers_.empty()) return;
  }
  // The one copy, made outside the lock.
  auto batch = std::make_shared<Batch>();
  batch->reserve(committed.size());
  for (const model::Mention& m : committed) batch->push_back(StreamMention::From(m));
  std::shared_ptr<const Batch> shared = std::move(batch);
  const size_t n = shared->size();
  {
    std::lock_guard lock(mu_);
    if (closed_ || subscribers_.empty()) return;
    published_ += n;
    for (Subscription* s : subscribers_) {
      if (s->queued_mentions_ == 0 || s->queued_mentions_ + n <= max_queued_mentions_) {
        s->queue_.push_back(shared);
        s->queued_mentions_ += n;
      } else {
        s->dropped_ += n;
      }
    }
  }
  cv_.notify_all();
}

void MentionHub::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

size_t MentionHub::subscribers() const {
  std::lock_guard lock(mu_);
  return subscribers_.size();
}

uint64_t MentionHub::published() const {
  std::lock_guard lock(mu_);
  return published_;
}

MentionHub::Subscription::~Subscription() {
  std::lock_guard lock(hub_->mu_);
  hub_->subscribers_.erase(this);
}

std::vector<std::shared_ptr<const MentionHub::Batch>> MentionHub::Subscription::Take(
    std::chrono::milliseconds timeout) {
  std::unique_lock lock(hub_->mu_);
  hub_->cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || hub_->closed_; });
  std::vector<std::shared_ptr<const Batch>> out;
  out.swap(queue_);
  queued_mentions_ = 0;
  return out;
}

bool MentionHub::Subscription::closed() const {
  std::lock_guard lock(hub_->mu_);
  return hub_->closed_;
}

uint64_t MentionHub::Subscription::TakeDropped() {
  std::lock_guard lock(hub_->mu_);
  return std::exchange(dropped_, 0);
}

// ------------------------------------------------------------ sampler

MentionSampler::MentionSampler(MentionStreamFilter filter, int max_rate, uint64_t seed)
    : filter_(std::move(filter)), max_rate_(std::clamp(max_rate, 1, kMaxRate)), rng_(seed) {}

void MentionSampler::Add(const std::shared_ptr<const MentionHub::Batch>& batch) {
  const size_t cap = static_cast<size_t>(max_rate_);
  for (size_t i = 0; i < batch->size(); ++i) {
    const StreamMention& m = (*batch)[i];
    if (!filter_.Matches(m)) continue;
    ++matched_;
    const model::Enrichment& e = m.labels;
    ++by_sentiment_[e.sentiment.value_or("unknown")];
    ++by_channel_[std::string(model::ChannelName(m.channel))];
    ++by_severity_[e.severity_level.value_or("unknown")];
    Tier& t = tiers_[TierOf(m)];
    ++t.seen;
    if (t.kept.size() < cap) {
      t.kept.push_back(Ref{batch, i});
    } else {
      // Keeps each of the `seen` mentions with probability cap / seen.
      const uint64_t j = std::uniform_int_distribution<uint64_t>(0, t.seen - 1)(rng_);
      if (j < cap) t.kept[j] = Ref{batch, i};
    }
  }
}

std::string MentionSampler::Flush() {
  std::vector<Ref> chosen;
  size_t budget = static_cast<size_t>(max_rate_);
  for (Tier& t : tiers_) {
    if (budget == 0) break;
    if (t.kept.size() <= budget) {
      budget -= t.kept.size();
      for (Ref& r : t.kept) chosen.push_back(std::move(r));
      continue;
    }
    // A uniform subset of the (uniform) reservoir.
    for (size_t i = 0; i < budget; ++i) {
      const size_t j = std::uniform_int_distribution<size_t>(i, t.kept.size() - 1)(rng_);
      std::swap(t.kept[i], t.kept[j]);
      chosen.push_back(std::move(t.kept[i]));
    }
    budget = 0;
  }
  std::sort(chosen.begin(), chosen.end(), [](const Ref& a, const Ref& b) { return a.get().id < b.get().id; });

  std::string out;
  for (const Ref& r : chosen) {
    out += "id: ";
    AppendInt(out, r.get().id);
    out += "\nevent: mention\ndata: ";
    out += StreamMentionJson(r.get());
    out += "\n\n";
  }
  const auto sent = static_cast<int64_t>(chosen.size());
  out += "event: stats\ndata: {\"window_ms\":";
  AppendInt(out, kWindowMs);
  out += ",\"matched\":";
  AppendInt(out, static_cast<int64_t>(matched_));
  out += ",\"sent\":";
  AppendInt(out, sent);
  out += ",\"skipped\":";
  AppendInt(out, static_cast<int64_t>(matched_) - sent);
  out += ",\"dropped\":";
  AppendInt(out, static_cast<int64_t>(dropped_));
  AppendCounts(out, "by_sentiment", by_sentiment_);
  AppendCounts(out, "by_channel", by_channel_);
  AppendCounts(out, "by_severity", by_severity_);
  out += "}\n\n";

  for (Tier& t : tiers_) {
    t.kept.clear();
    t.seen = 0;
  }
  matched_ = 0;
  dropped_ = 0;
  by_sentiment_.clear();
  by_channel_.clear();
  by_severity_.clear();
  return out;
}

}  // namespace ecoute::api
