#include "model/mention.h"

#include <gtest/gtest.h>

#include "model/mention_json.h"

namespace ecoute::model {
namespace {

TEST(Channel, NamesRoundTripAndAliases) {
  for (int i = 0; i < kChannelCount; ++i) {
    auto c = static_cast<Channel>(i);
    EXPECT_EQ(ParseChannel(ChannelName(c)), c);
  }
  EXPECT_EQ(ParseChannel("Twitter"), Channel::kTwitter);
  EXPECT_EQ(ParseChannel("X"), Channel::kTwitter);
  EXPECT_EQ(ParseChannel("e-mail"), Channel::kEmail);
  EXPECT_EQ(ParseChannel("carrier pigeon"), std::nullopt);
}

TEST(MentionJson, OmitsEmptyFieldsAndKeepsTheRest) {
  Mention m;
  m.channel = Channel::kTwitter;
  m.native_id = "42";
  m.created_at = 1509487847000;
  m.text = "Réseau coupé depuis ce matin @Telemax";
  m.language = "fr";
  m.language_confidence = 0.97f;
  m.author.handle = "claire";
  m.author.followers = 120;
  m.entities.mentions = {"Telemax"};
  nlohmann::json j = MentionToJson(m);
  EXPECT_EQ(j["channel"], "twitter");
  EXPECT_EQ(j["created_at"], "2017-10-31T22:10:47Z");
  EXPECT_EQ(j["author"]["followers"], 120);
  EXPECT_EQ(j["entities"]["mentions"][0], "Telemax");
  EXPECT_EQ(j["lang_confidence"].dump(), "0.97");  // not 0.9700000286102295
  EXPECT_FALSE(j.contains("id"));
  EXPECT_FALSE(j.contains("title"));
  EXPECT_FALSE(j.contains("engagement"));
  EXPECT_FALSE(j.contains("sentiment"));
  EXPECT_EQ(MentionToJsonLine(m).find('\n'), std::string::npos);
}

TEST(MentionJson, WritesTheUnderstandingScoresAndCorrectedFields) {
  Mention m;
  m.native_id = "1";
  m.text = "x";
  m.enrichment.sentiment = "negative";
  m.enrichment.sentiment_score = 0.75;
  m.enrichment.sentiment_polarity = -0.5;
  m.enrichment.needs_reply = true;
  m.enrichment.needs_reply_score = 0.875;
  m.enrichment.category = "delivery";
  m.enrichment.category_score = 0.625;
  m.enrichment.corrected = {"category", "sentiment"};
  nlohmann::json j = MentionToJson(m);
  EXPECT_EQ(j["sentiment_score"], 0.75);
  EXPECT_EQ(j["sentiment_polarity"], -0.5);
  EXPECT_EQ(j["needs_reply_score"], 0.875);
  EXPECT_EQ(j["category_score"], 0.625);
  EXPECT_EQ(j["corrected"], nlohmann::json::array({"category", "sentiment"}));
  m.enrichment.corrected.clear();
  EXPECT_FALSE(MentionToJson(m).contains("corrected"));
}

}  // namespace
}  // namespace ecoute::model
