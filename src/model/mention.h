// Mention: one message about a brand, from any channel, in one shape.
//
// A Mention is a plain value. Stages fill it in order: ingest (source
// fields), text (language, entities), and later match/classify/reach (the
// Enrichment part). The store assigns `id`. See docs/data-model.md.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.h"

namespace ecoute::model {

enum class Channel : uint8_t {
  kTwitter, kFacebook, kInstagram, kForum, kBlog, kNews, kReview, kEmail, kChat, kVoice, kSms, kOther,
};
inline constexpr int kChannelCount = 12;

// "twitter", "facebook", ... "other".
std::string_view ChannelName(Channel c);
// Inverse of ChannelName, case-insensitive; also accepts "x" and "tweet" for
// twitter, "mail"/"e-mail" for email, "phone"/"call" for voice.
std::optional<Channel> ParseChannel(std::string_view name);

// Who speaks: the customer/public, or the brand's own account answering.
enum class Direction : uint8_t { kUnknown, kInbound, kOutbound };
std::string_view DirectionName(Direction d);  // "unknown", "inbound", "outbound"
std::optional<Direction> ParseDirection(std::string_view name);

struct Author {
  std::string handle;        // stable account name on the channel; e-mail address for email
  std::string display_name;
  std::optional<int64_t> followers;
  bool verified = false;
};

struct Engagement {
  int64_t likes = 0;
  int64_t reshares = 0;  // retweets, shares
  int64_t replies = 0;
  int64_t quotes = 0;
  int64_t views = 0;
};

// Entities found in the text by the text stage.
struct Entities {
  std::vector<std::string> urls;
  std::vector<std::string> mentions;  // handles without '@', as written
  std::vector<std::string> hashtags;  // tags without '#', as written
};

// Filled by later stages (queries, understanding, reach). Empty until then.
struct Enrichment {
  std::vector<int64_t> matched_queries;
  std::optional<std::string> sentiment;  // negative | neutral | positive | unknown
  std::optional<double> sentiment_score;     // probability of `sentiment` (0..1), not the polarity
  std::optional<double> sentiment_polarity;  // P(positive) - P(negative), -1..1
  std::optional<bool> needs_reply;
  std::optional<double> needs_reply_score;   // P(needs a reply), 0..1
  std::optional<std::string> category;       // a taxonomy name, "none" when no reply is needed
  std::optional<double> category_score;      // probability of `category`, 0..1
  std::optional<int> severity;  // 0..100
  std::optional<std::string> severity_level;  // none | low | medium | high | critical
  std::vector<std::string> severity_reasons;
  std::optional<int64_t> reach;
  // Label fields a user corrected (kLabelFields names, ascending, no
  // repeats): their values above are the user's, and the store keeps them
  // when the mention is written again (a correction beats the model).
  std::vector<std::string> corrected;
};

// The label fields a user can correct, as named in `Enrichment::corrected`
// and in the API: "sentiment", "needs_reply", "category", "severity_level".
inline constexpr std::string_view kLabelFields[] = {"category", "needs_reply", "sentiment", "severity_level"};

struct Mention {
  int64_t id = 0;  // assigned by the store; 0 before

  // Identity: (channel, native_id) is the idempotency key.
  Channel channel = Channel::kOther;
  std::string native_id;
  std::string source;  // where it came from: account, page, forum, mailbox, import file
  std::string url;

  Author author;
  Direction direction = Direction::kUnknown;
  base::Timestamp created_at = 0;  // UTC milliseconds

  std::string title;  // subject, post title; may be empty
  std::string text;   // body, valid UTF-8, never empty once accepted

  // Language: ISO 639-1 code ("fr", "en"), "und" when unknown.
  std::string language = "und";
  float language_confidence = 0;  // 0..1; 1 when declared by the source
  bool language_declared = false;

  // Conversation links, as native ids on the same channel.
  std::string reply_to;    // parent message
  std::string reshare_of;  // retweet / share of
  std::string quote_of;
  std::string thread_id;   // root of the conversation; resolved by the store when empty

  Engagement engagement;
  std::string country;  // ISO 3166-1 alpha-2 when known

  Entities entities;
  // Source fields without a place above (e.g. a dataset's label columns).
  std::map<std::string, std::string> attributes;

  Enrichment enrichment;
};

// Why a record was refused. `location` names the place: "file.jsonl:42",
// "POST /api/v1/mentions[3]". `field` is empty when the record as a whole is
// bad (invalid JSON, invalid UTF-8).
struct Rejection {
  std::string source;
  std::string location;
  std::string field;
  std::string reason;
  std::string raw;  // the record as received, cut to kMaxRejectRawBytes
  // The same place, structured: 1-based first line of the record in its
  // file or body (0 when it has none, e.g. an element of a JSON array) and
  // 0-based position in its file or request.
  int64_t line = 0;
  int64_t index = 0;
};
inline constexpr size_t kMaxRejectRawBytes = 4096;

}  // namespace ecoute::model
