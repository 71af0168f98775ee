#include "api/params.h"

#include <gtest/gtest.h>

namespace ecoute::api {
namespace {

using Map = std::multimap<std::string, std::string>;

TEST(ParseInt64, AcceptsOnlyWholeDecimalNumbers) {
  EXPECT_EQ(ParseInt64("42"), 42);
  EXPECT_EQ(ParseInt64("-7"), -7);
  EXPECT_EQ(ParseInt64("9223372036854775807"), INT64_MAX);
  EXPECT_FALSE(ParseInt64(""));
  EXPECT_FALSE(ParseInt64("12a"));
  EXPECT_FALSE(ParseInt64(" 12"));
  EXPECT_FALSE(ParseInt64("+12"));
  EXPECT_FALSE(ParseInt64("1.5"));
  EXPECT_FALSE(ParseInt64("9223372036854775808"));
}

TEST(QuoteValue, CutsLongValuesOnACharacterBoundary) {
  EXPECT_EQ(QuoteValue("abc"), "'abc'");
  std::string long_value(99, 'a');
  long_value += "\xC3\xA9\xC3\xA9";  // é straddles byte 100
  std::string q = QuoteValue(long_value);
  EXPECT_EQ(q, "'" + std::string(99, 'a') + "...'");
}

TEST(QueryParams, IntUsesDefaultAndChecksRange) {
  Map m = {{"limit", "20"}, {"big", "5000"}, {"word", "ten"}};
  QueryParams p(m);
  EXPECT_EQ(p.Int("limit", 50, 1, 1000), 20);
  EXPECT_EQ(p.Int("absent", 50, 1, 1000), 50);
  EXPECT_FALSE(p.error());
  EXPECT_EQ(p.Int("big", 50, 1, 1000), 50);
  ASSERT_TRUE(p.error());
  EXPECT_EQ(p.error()->field, "big");
  EXPECT_NE(p.error()->message.find("1..1000"), std::string::npos);
  EXPECT_NE(p.error()->message.find("'5000'"), std::string::npos);
  // The first error wins.
  p.Int("word", 1, 1, 10);
  EXPECT_EQ(p.error()->field, "big");
}

TEST(QueryParams, IntRejectsNonNumbers) {
  Map m = {{"limit", "ten"}};
  QueryParams p(m);
  p.Int("limit", 50, 1, 1000);
  ASSERT_TRUE(p.error());
  EXPECT_EQ(p.error()->field, "limit");
  EXPECT_NE(p.error()->message.find("'ten'"), std::string::npos) << p.error()->message;
}

TEST(QueryParams, StringTakesTheLastValue) {
  Map m = {{"q", "a"}, {"q", "b"}, {"empty", ""}};
  QueryParams p(m);
  EXPECT_EQ(p.String("q"), "b");
  EXPECT_EQ(p.String("empty"), "");
  EXPECT_FALSE(p.String("none"));
}

TEST(QueryParams, TimeAcceptsTimestampShapesAndNamesBadOnes) {
  Map m = {{"from", "2024-03-01T12:00:00Z"}, {"to", "1709294400"}, {"bad", "yesterday"}};
  QueryParams p(m);
  EXPECT_EQ(p.Time("from"), 1709294400000);
  EXPECT_EQ(p.Time("to"), 1709294400000);
  EXPECT_FALSE(p.Time("absent"));
  EXPECT_FALSE(p.error());
  EXPECT_FALSE(p.Time("bad"));
  ASSERT_TRUE(p.error());
  EXPECT_EQ(p.error()->field, "bad");
  EXPECT_NE(p.error()->message.find("'yesterday'"), std::string::npos);
}

TEST(QueryParams, ChannelsSplitCommasAcrossOccurrences) {
  Map m = {{"channel", "twitter, email"}, {"channel", "X,forum,"}};
  QueryParams p(m);
  std::vector<model::Channel> c = p.Channels("channel");
  EXPECT_FALSE(p.error());
  EXPECT_EQ(c, (std::vector<model::Channel>{model::Channel::kTwitter, model::Channel::kEmail, model::Channel::kForum}));
}

TEST(QueryParams, UnknownChannelIsNamed) {
  Map m = {{"channel", "twitter,myspace"}};
  QueryParams p(m);
  EXPECT_TRUE(p.Channels("channel").empty());
  ASSERT_TRUE(p.error());
  EXPECT_EQ(p.error()->field, "channel");
  EXPECT_NE(p.error()->message.find("'myspace'"), std::string::npos);
}

TEST(QueryParams, LanguagesAreValidatedAndLowerCased) {
  Map m = {{"lang", "EN,fr,zh-Hant,en"}};
  QueryParams p(m);
  EXPECT_EQ(p.Languages("lang"), (std::vector<std::string>{"en", "fr", "zh-hant"}));
  EXPECT_FALSE(p.error());
  for (const char* bad : {"e", "e1", "en-", "en-abcdefghi", "-en", "toolonglang"}) {
    Map b = {{"lang", bad}};
    QueryParams q(b);
    q.Languages("lang");
    ASSERT_TRUE(q.error()) << bad;
    EXPECT_EQ(q.error()->field, "lang");
  }
}

TEST(QueryParams, CheckKnownNamesTheFirstUnknownParameter) {
  Map m = {{"limit", "1"}, {"channels", "twitter"}};
  QueryParams p(m);
  p.CheckKnown({"limit", "channel"});
  ASSERT_TRUE(p.error());
  EXPECT_EQ(p.error()->field, "channels");
  EXPECT_NE(p.error()->message.find("known: limit, channel"), std::string::npos) << p.error()->message;

  QueryParams ok(m);
  ok.CheckKnown({"limit", "channels"});
  EXPECT_FALSE(ok.error());
}

}  // namespace
}  // namespace ecoute::api
