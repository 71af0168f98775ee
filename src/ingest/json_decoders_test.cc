#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/formats/common.h"
#include "ingest/formats/formats.h"
#include "ingest/input.h"
#include "ingest/test_util.h"
#include "model/mention_json.h"

namespace ecoute::ingest {
namespace {

using testing::DecodeOne;
using testing::Decoded;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const Decoder& Ecoute() {
  static const auto d = formats::MakeEcouteDecoder();
  return *d;
}
const Decoder& TwitterV2() {
  static const auto d = formats::MakeTwitterV2Decoder();
  return *d;
}

// Expects exactly one rejection and returns it.
model::Rejection OneReject(const Decoded& d) {
  EXPECT_TRUE(d.mentions.empty());
  EXPECT_EQ(d.rejects.size(), 1u);
  return d.rejects.empty() ? model::Rejection{} : d.rejects[0];
}

constexpr char kFull[] = R"({"id": 99, "channel": "twitter", "native_id": "1001", "source": "@brand",
  "url": "https://twitter.com/jo/status/1001",
  "author": {"handle": "jo", "name": "Jo Doe", "followers": 1200, "verified": true},
  "direction": "inbound", "created_at": "2017-10-31T22:10:47Z", "title": "t", "text": "Ma box est en panne",
  "lang": "fr", "reply_to": "1000", "reshare_of": "900", "quote_of": "800", "thread_id": "700",
  "engagement": {"likes": 1, "reshares": 2, "replies": 3, "quotes": 4, "views": 5},
  "country": "fr", "attributes": {"airline": "Delta", "label": "negative"},
  "entities": {"hashtags": ["x"]}, "sentiment": "negative", "unknown_field": [1, {"x": 2}]})";

TEST(EcouteJsonTest, DecodesEveryField) {
  Decoded d = DecodeOne(Ecoute(), kFull);
  ASSERT_TRUE(d.rejects.empty()) << d.rejects[0].reason;
  ASSERT_EQ(d.mentions.size(), 1u);
  const model::Mention& m = d.mentions[0];
  EXPECT_EQ(m.id, 0);  // the store assigns ids
  EXPECT_EQ(m.channel, model::Channel::kTwitter);
  EXPECT_EQ(m.native_id, "1001");
  EXPECT_EQ(m.source, "@brand");
  EXPECT_EQ(m.url, "https://twitter.com/jo/status/1001");
  EXPECT_EQ(m.author.handle, "jo");
  EXPECT_EQ(m.author.display_name, "Jo Doe");
  EXPECT_EQ(m.author.followers, 1200);
  EXPECT_TRUE(m.author.verified);
  EXPECT_EQ(m.direction, model::Direction::kInbound);
  EXPECT_EQ(m.created_at, 1509487847000);
  EXPECT_EQ(m.title, "t");
  EXPECT_EQ(m.text, "Ma box est en panne");
  EXPECT_EQ(m.language, "fr");
  EXPECT_TRUE(m.language_declared);
  EXPECT_FLOAT_EQ(m.language_confidence, 1.0f);
  EXPECT_EQ(m.reply_to, "1000");
  EXPECT_EQ(m.reshare_of, "900");
  EXPECT_EQ(m.quote_of, "800");
  EXPECT_EQ(m.thread_id, "700");
  EXPECT_EQ(m.engagement.likes, 1);
  EXPECT_EQ(m.engagement.reshares, 2);
  EXPECT_EQ(m.engagement.replies, 3);
  EXPECT_EQ(m.engagement.quotes, 4);
  EXPECT_EQ(m.engagement.views, 5);
  EXPECT_EQ(m.country, "FR");
  EXPECT_EQ(m.attributes.at("airline"), "Delta");
  EXPECT_EQ(m.attributes.at("label"), "negative");
  EXPECT_TRUE(m.entities.hashtags.empty());  // entities are the text stage's job
  EXPECT_FALSE(m.enrichment.sentiment.has_value());
}

TEST(EcouteJsonTest, RoundTripsMentionToJson) {
  model::Mention m;
  m.channel = model::Channel::kReview;
  m.native_id = "r-1";
  m.author.handle = "anna";
  m.author.followers = 0;
  m.created_at = 1509487847123;
  m.text = "Très déçue 😡 \"quotes\" and \\ backslash";
  m.language = "fr";
  m.language_confidence = 0.875f;  // detected, not declared
  m.engagement.views = 10;
  m.attributes["k"] = "v";
  Decoded d = DecodeOne(Ecoute(), model::MentionToJsonLine(m));
  ASSERT_EQ(d.mentions.size(), 1u) << (d.rejects.empty() ? "" : d.rejects[0].reason);
  const model::Mention& r = d.mentions[0];
  EXPECT_EQ(r.channel, m.channel);
  EXPECT_EQ(r.native_id, m.native_id);
  EXPECT_EQ(r.author.handle, "anna");
  EXPECT_EQ(r.author.followers, 0);
  EXPECT_EQ(r.created_at, m.created_at);
  EXPECT_EQ(r.text, m.text);
  EXPECT_EQ(r.language, "fr");
  EXPECT_FALSE(r.language_declared);
  EXPECT_FLOAT_EQ(r.language_confidence, 0.875f);
  EXPECT_EQ(r.engagement.views, 10);
  EXPECT_EQ(r.attributes, m.attributes);
  EXPECT_EQ(model::MentionToJsonLine(r), model::MentionToJsonLine(m));
}

TEST(EcouteJsonTest, DefaultsAndDerivedNativeId) {
  Decoded a = DecodeOne(Ecoute(), R"({"text":"hello","created_at":"2017-10-31T22:10:47Z","author":{"handle":"x"}})");
  ASSERT_EQ(a.mentions.size(), 1u);
  EXPECT_EQ(a.mentions[0].channel, model::Channel::kOther);
  EXPECT_EQ(a.mentions[0].language, "und");
  EXPECT_FALSE(a.mentions[0].language_declared);
  const std::string& id = a.mentions[0].native_id;
  ASSERT_EQ(id.size(), 18u);
  EXPECT_THAT(id, StartsWith("h:"));
  EXPECT_EQ(id.find_first_not_of("0123456789abcdef", 2), std::string::npos);
  // Same content, same instant written differently: same id. Other text: other id.
  Decoded b = DecodeOne(Ecoute(), R"({"text":"hello","created_at":1509487847,"author":{"handle":"x"}})");
  Decoded c = DecodeOne(Ecoute(), R"({"text":"hello!","created_at":1509487847000,"author":{"handle":"x"}})");
  ASSERT_EQ(b.mentions.size(), 1u);
  ASSERT_EQ(c.mentions.size(), 1u);
  EXPECT_EQ(b.mentions[0].native_id, id);
  EXPECT_NE(c.mentions[0].native_id, id);
  // Pinned: the derivation is part of the format (docs/formats.md); this
  // value was computed independently (FNV-1a 64 in Python).
  EXPECT_EQ(id, "h:6e3064fe8bb3f2a0");
  Decoded e = DecodeOne(Ecoute(), R"({"text":"hi","created_at":0,"native_id":12345678901234})");
  ASSERT_EQ(e.mentions.size(), 1u);
  EXPECT_EQ(e.mentions[0].native_id, "12345678901234");
  Decoded und = DecodeOne(Ecoute(), R"({"text":"hi","created_at":0,"lang":"und"})");
  ASSERT_EQ(und.mentions.size(), 1u);
  EXPECT_FALSE(und.mentions[0].language_declared);
  Decoded tag = DecodeOne(Ecoute(), R"({"text":"hi","created_at":0,"lang":"en-US"})");
  ASSERT_EQ(tag.mentions.size(), 1u);
  EXPECT_EQ(tag.mentions[0].language, "en");
}

struct RejectCase {
  const char* json;
  const char* field;
  const char* reason_part;
};

TEST(EcouteJsonTest, RejectsNameTheFieldAndReason) {
  const RejectCase cases[] = {
      {R"({"text": "x", "created_at": )", "", "invalid JSON"},
      {R"([1, 2])", "", "expected a JSON object, got array"},
      {R"({"created_at": "2017-10-31"})", "text", "missing or empty"},
      {R"({"text": "", "created_at": "2017-10-31"})", "text", "missing or empty"},
      {R"({"text": " \n\t", "created_at": "2017-10-31"})", "text", "only whitespace"},
      {R"({"text": 42, "created_at": "2017-10-31"})", "text", "expected a string, got number"},
      {R"({"text": "x"})", "created_at", "missing"},
      {R"({"text": "x", "created_at": "31/10/2017"})", "created_at", "not a date: \"31/10/2017\""},
      {R"({"text": "x", "created_at": "2017-02-30"})", "created_at", "not a date"},
      {R"({"text": "x", "created_at": true})", "created_at", "expected a date string or Unix time, got boolean"},
      {R"({"text": "x", "created_at": -5})", "created_at", "negative"},
      {R"({"text": "x", "created_at": 0, "channel": "pigeon"})", "channel", "unknown channel \"pigeon\""},
      {R"({"text": "x", "created_at": 0, "author": {"followers": "abc"}})", "author.followers",
       "expected an integer, got string"},
      {R"({"text": "x", "created_at": 0, "author": {"followers": -1}})", "author.followers", "must be >= 0"},
      {R"({"text": "x", "created_at": 0, "author": {"verified": "yes"}})", "author.verified",
       "expected true or false, got string"},
      {R"({"text": "x", "created_at": 0, "author": "jo"})", "author", "expected an object, got string"},
      {R"({"text": "x", "created_at": 0, "engagement": {"likes": 1.5}})", "engagement.likes", "expected an integer"},
      {R"({"text": "x", "created_at": 0, "native_id": 1.5})", "native_id", "expected a string or an integer"},
      {R"({"text": "x", "created_at": 0, "direction": "sideways"})", "direction", "unknown direction"},
      {R"({"text": "x", "created_at": 0, "lang": "french!"})", "lang", "not a language code"},
      {R"({"text": "x", "created_at": 0, "country": "France"})", "country", "ISO 3166-1 alpha-2"},
      {R"({"text": "x", "created_at": 0, "attributes": {"a": 1}})", "attributes.a", "expected a string, got number"},
  };
  for (const RejectCase& c : cases) {
    Decoded d = DecodeOne(Ecoute(), c.json, 7);
    model::Rejection r = OneReject(d);
    EXPECT_EQ(r.field, c.field) << c.json;
    EXPECT_THAT(r.reason, HasSubstr(c.reason_part)) << c.json;
    EXPECT_EQ(r.location, "t.jsonl:7");
    EXPECT_EQ(r.source, "t.jsonl");
    EXPECT_EQ(r.raw, c.json);
  }
  std::string long_id = R"({"text": "x", "created_at": 0, "native_id": ")" + std::string(257, 'a') + "\"}";
  model::Rejection r = OneReject(DecodeOne(Ecoute(), long_id));
  EXPECT_EQ(r.field, "native_id");
  EXPECT_EQ(r.reason, "longer than 256 bytes");
  Decoded at_limit = DecodeOne(Ecoute(), R"({"text": "x", "created_at": 0, "native_id": ")" + std::string(256, 'a') + "\"}");
  EXPECT_EQ(at_limit.mentions.size(), 1u) << "256 bytes is the limit, not over it";
}

TEST(EcouteJsonTest, InvalidUtf8IsRejectedWithItsOffset) {
  std::string rec = "{\"text\": \"caf\xC3\xA9 \xFF\", \"created_at\": 0}";
  model::Rejection r = OneReject(DecodeOne(Ecoute(), rec));
  EXPECT_EQ(r.field, "");
  EXPECT_EQ(r.reason, "invalid UTF-8 at byte 16");
  // Overlong encoding and a lone surrogate.
  EXPECT_EQ(OneReject(DecodeOne(Ecoute(), "{\"text\":\"\xC0\xAF\",\"created_at\":0}")).reason,
            "invalid UTF-8 at byte 9");
  EXPECT_EQ(OneReject(DecodeOne(Ecoute(), "{\"text\":\"\xED\xA0\x80\",\"created_at\":0}")).reason,
            "invalid UTF-8 at byte 9");
}

TEST(EcouteJsonTest, RawIsCutAndFlawsAreRejected) {
  std::string big = R"({"created_at": 0, "text": 1, "pad": ")" + std::string(10000, '7') + "\"}";
  model::Rejection r = OneReject(DecodeOne(Ecoute(), big));
  EXPECT_EQ(r.field, "text");
  EXPECT_EQ(r.raw.size(), model::kMaxRejectRawBytes);
  // The cut never splits a UTF-8 character.
  std::string accents = R"({"created_at": 0, "text": 1, "pad": ")";
  while (accents.size() < 5000) accents += "é";
  accents += "\"}";
  r = OneReject(DecodeOne(Ecoute(), accents));
  EXPECT_LE(r.raw.size(), model::kMaxRejectRawBytes);
  EXPECT_GE(r.raw.size(), model::kMaxRejectRawBytes - 1);
  EXPECT_EQ(formats::InvalidUtf8Offset(r.raw), std::string_view::npos);

  Decoded d;
  Ecoute().Decode("{\"text\":\"x\"", Location{"f.jsonl", 3, 2, RecordFlaw::kTooLarge}, d.mentions, d.rejects);
  r = OneReject(d);
  EXPECT_THAT(r.reason, HasSubstr("16 MiB"));
  EXPECT_EQ(r.location, "f.jsonl:3");
  EXPECT_EQ(OneReject(DecodeOne(Ecoute(), "")).reason, "empty record");
}

constexpr char kPage[] = R"({
  "data": [
    {"id": "1212092628029698048", "text": "Hey @Brand, my order &amp; refund?", "author_id": "2244994945",
     "created_at": "2019-12-31T19:26:16.000Z", "lang": "en", "conversation_id": "1212092627178287104",
     "referenced_tweets": [{"type": "replied_to", "id": "1212092627178287104"},
                           {"type": "quoted", "id": "1111"}],
     "public_metrics": {"retweet_count": 7, "reply_count": 3, "like_count": 40, "quote_count": 1,
                        "impression_count": 900},
     "geo": {"place_id": "01a9a39529b27f36"}},
    {"id": "1212092628029698049", "text": "short", "author_id": "999",
     "note_tweet": {"text": "the long version of the tweet"},
     "created_at": "2019-12-31T19:30:00.000Z", "lang": "qme",
     "referenced_tweets": [{"type": "retweeted", "id": "555"}]}
  ],
  "includes": {
    "users": [{"id": "2244994945", "username": "TwitterDev", "name": "Twitter Dev", "verified": true,
               "public_metrics": {"followers_count": 513958}}],
    "places": [{"id": "01a9a39529b27f36", "full_name": "Paris", "country_code": "FR"}]
  },
  "meta": {"result_count": 2, "newest_id": "1212092628029698049"}
})";

TEST(TwitterV2Test, SearchPageWithIncludes) {
  Decoded d = DecodeOne(TwitterV2(), kPage);
  ASSERT_TRUE(d.rejects.empty()) << d.rejects[0].field << ": " << d.rejects[0].reason;
  ASSERT_EQ(d.mentions.size(), 2u);
  const model::Mention& a = d.mentions[0];
  EXPECT_EQ(a.channel, model::Channel::kTwitter);
  EXPECT_EQ(a.native_id, "1212092628029698048");
  EXPECT_EQ(a.text, "Hey @Brand, my order & refund?");
  EXPECT_EQ(a.author.handle, "TwitterDev");
  EXPECT_EQ(a.author.display_name, "Twitter Dev");
  EXPECT_EQ(a.author.followers, 513958);
  EXPECT_TRUE(a.author.verified);
  EXPECT_EQ(a.created_at, 1577820376000);
  EXPECT_EQ(a.language, "en");
  EXPECT_TRUE(a.language_declared);
  EXPECT_EQ(a.thread_id, "1212092627178287104");
  EXPECT_EQ(a.reply_to, "1212092627178287104");
  EXPECT_EQ(a.quote_of, "1111");
  EXPECT_EQ(a.engagement.likes, 40);
  EXPECT_EQ(a.engagement.reshares, 7);
  EXPECT_EQ(a.engagement.replies, 3);
  EXPECT_EQ(a.engagement.quotes, 1);
  EXPECT_EQ(a.engagement.views, 900);
  EXPECT_EQ(a.url, "https://twitter.com/TwitterDev/status/1212092628029698048");
  EXPECT_EQ(a.country, "FR");

  const model::Mention& b = d.mentions[1];
  EXPECT_EQ(b.text, "the long version of the tweet");
  EXPECT_EQ(b.author.handle, "999");  // not in includes: the id
  EXPECT_FALSE(b.author.followers.has_value());
  EXPECT_EQ(b.url, "https://twitter.com/i/web/status/1212092628029698049");
  EXPECT_EQ(b.language, "und");
  EXPECT_FALSE(b.language_declared);
  EXPECT_EQ(b.reshare_of, "555");
}

TEST(TwitterV2Test, StreamMessageAndBareTweet) {
  Decoded d = DecodeOne(TwitterV2(), R"({"data": {"id": "5", "text": "hi", "author_id": "7",
      "created_at": "2021-01-01T00:00:00Z"}, "includes": {"users": [{"id": "7", "username": "seven"}]},
      "matching_rules": [{"id": "1", "tag": "brand"}]})");
  ASSERT_EQ(d.mentions.size(), 1u);
  EXPECT_EQ(d.mentions[0].author.handle, "seven");
  Decoded bare = DecodeOne(TwitterV2(), R"({"id": "6", "text": "yo", "created_at": "2021-01-01T00:00:00Z"})");
  ASSERT_EQ(bare.mentions.size(), 1u);
  EXPECT_EQ(bare.mentions[0].native_id, "6");
}

TEST(TwitterV2Test, OneBadTweetInAPageDoesNotSinkTheOthers) {
  Decoded d = DecodeOne(TwitterV2(), R"({"data": [
      {"id": "1", "text": "ok", "created_at": "2021-01-01T00:00:00Z"},
      {"id": "2", "text": "no date"},
      {"id": "3", "text": "bad metrics", "created_at": "2021-01-01T00:00:00Z", "public_metrics": {"like_count": "many"}},
      {"id": "4", "text": "", "created_at": "2021-01-01T00:00:00Z"},
      "not a tweet"]})",
                         12);
  ASSERT_EQ(d.mentions.size(), 1u);
  EXPECT_EQ(d.mentions[0].native_id, "1");
  ASSERT_EQ(d.rejects.size(), 4u);
  EXPECT_EQ(d.rejects[0].field, "data[1].created_at");
  EXPECT_THAT(d.rejects[0].reason, HasSubstr("tweet.fields=created_at"));
  EXPECT_EQ(d.rejects[1].field, "data[2].public_metrics.like_count");
  EXPECT_EQ(d.rejects[1].reason, "expected an integer, got string");
  EXPECT_EQ(d.rejects[2].field, "data[3].text");
  EXPECT_EQ(d.rejects[3].field, "data[4]");
  for (const auto& r : d.rejects) EXPECT_EQ(r.location, "t.jsonl:12");
}

TEST(TwitterV2Test, ErrorsEmptyPagesAndBadIncludes) {
  model::Rejection r = OneReject(DecodeOne(
      TwitterV2(), R"({"errors": [{"title": "Operational Disconnect", "detail": "This stream has been disconnected"}]})"));
  EXPECT_EQ(r.field, "errors");
  EXPECT_EQ(r.reason, "Twitter API error: Operational Disconnect: This stream has been disconnected");
  Decoded empty = DecodeOne(TwitterV2(), R"({"meta": {"result_count": 0}})");
  EXPECT_TRUE(empty.mentions.empty());
  EXPECT_TRUE(empty.rejects.empty());
  r = OneReject(DecodeOne(TwitterV2(), R"({"data": [], "includes": {"users": 3}})"));
  EXPECT_EQ(r.field, "includes.users");
  r = OneReject(DecodeOne(TwitterV2(), R"({"data": {"id": "1", "text": "x", "created_at": "2021-01-01",
      "author_id": "9"}, "includes": {"users": [{"id": "9", "public_metrics": {"followers_count": "lots"}}]}})"));
  EXPECT_EQ(r.field, "includes.users[0].public_metrics.followers_count");
  r = OneReject(DecodeOne(TwitterV2(), R"({"data": {"text": "x", "created_at": "2021-01-01"}})"));
  EXPECT_EQ(r.field, "data.id");
}

TEST(AutoJsonDecoderTest, DispatchesPerRecord) {
  auto decoder = MakeJsonDecoder();
  Decoded d;
  decoder->Decode(R"({"data": {"id": "1", "text": "tweet", "created_at": "2021-01-01"}})", Location{"b", 0, 0},
                  d.mentions, d.rejects);
  decoder->Decode(R"({"channel": "email", "native_id": "m1", "text": "mail", "created_at": "2021-01-01"})",
                  Location{"b", 0, 1}, d.mentions, d.rejects);
  decoder->Decode(R"({"id": "2", "text": "bare tweet", "created_at": "2021-01-01"})", Location{"b", 0, 2}, d.mentions,
                  d.rejects);
  ASSERT_TRUE(d.rejects.empty());
  ASSERT_EQ(d.mentions.size(), 3u);
  EXPECT_EQ(d.mentions[0].channel, model::Channel::kTwitter);
  EXPECT_EQ(d.mentions[1].channel, model::Channel::kEmail);
  EXPECT_EQ(d.mentions[2].channel, model::Channel::kTwitter);
  decoder->Decode("nope", Location{"POST /api/v1/mentions", 0, 4}, d.mentions, d.rejects);
  ASSERT_EQ(d.rejects.size(), 1u);
  EXPECT_EQ(d.rejects[0].location, "POST /api/v1/mentions[4]");
}

TEST(JsonDecodersTest, ConcurrentDecodingGivesTheSameResults) {
  auto decoder = MakeJsonDecoder();
  std::vector<std::string> records = {kFull, kPage, R"({"text": 1, "created_at": 0})", "{broken",
                                      R"({"text": "ok", "created_at": "2020-01-01"})"};
  auto run = [&](Decoded& d) {
    for (int round = 0; round < 300; ++round) {
      for (size_t i = 0; i < records.size(); ++i) decoder->Decode(records[i], Location{"c", 1, 0}, d.mentions, d.rejects);
    }
  };
  Decoded expected;
  run(expected);
  std::vector<Decoded> results(4);
  std::vector<std::thread> threads;
  for (Decoded& d : results) threads.emplace_back(run, std::ref(d));
  for (auto& t : threads) t.join();
  for (const Decoded& d : results) {
    ASSERT_EQ(d.mentions.size(), expected.mentions.size());
    ASSERT_EQ(d.rejects.size(), expected.rejects.size());
    for (size_t i = 0; i < d.mentions.size(); ++i) {
      EXPECT_EQ(model::MentionToJsonLine(d.mentions[i]), model::MentionToJsonLine(expected.mentions[i]));
    }
  }
  EXPECT_EQ(expected.mentions.size(), 300u * 4);
  EXPECT_EQ(expected.rejects.size(), 300u * 2);
}

}  // namespace
}  // namespace ecoute::ingest
