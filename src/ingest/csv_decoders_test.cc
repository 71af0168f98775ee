#include <set>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/formats/formats.h"
#include "ingest/input.h"
#include "ingest/test_util.h"

namespace ecoute::ingest {
namespace {

using testing::DecodeAll;
using testing::Decoded;
using testing::Spec;
using testing::TempDir;
using ::testing::HasSubstr;

const std::string kData = ECOUTE_SHARED_DATA;
const std::string kMappings = std::string(ECOUTE_SOURCE_DIR) + "/examples/mappings";

const std::vector<std::string> kTwcsHeader = {"",           "tweet_id", "author_id",         "inbound",
                                              "created_at", "text",     "response_tweet_id", "in_response_to_tweet_id"};

Decoded DecodeCsv(const Decoder& d, std::string_view record, int64_t line = 2) {
  Decoded out;
  d.Decode(record, Location{"f.csv", line, line - 2}, out.mentions, out.rejects);
  return out;
}

TEST(TwcsDecoderTest, MapsColumns) {
  auto d = formats::MakeTwcsDecoder(kTwcsHeader, ',');
  ASSERT_TRUE(d.ok());
  Decoded out = DecodeCsv(**d,
                          "0,1,sprintcare,False,Tue Oct 31 22:10:47 +0000 2017,\"@115712 I understand &amp; care.\","
                          "2,3.0");
  ASSERT_EQ(out.mentions.size(), 1u) << out.rejects[0].reason;
  const model::Mention& m = out.mentions[0];
  EXPECT_EQ(m.channel, model::Channel::kTwitter);
  EXPECT_EQ(m.native_id, "1");
  EXPECT_EQ(m.author.handle, "sprintcare");
  EXPECT_EQ(m.direction, model::Direction::kOutbound);
  EXPECT_EQ(m.created_at, 1509487847000);
  EXPECT_EQ(m.text, "@115712 I understand & care.");
  EXPECT_EQ(m.reply_to, "3");
  EXPECT_EQ(m.source, "sprintcare");
  EXPECT_TRUE(m.url.empty());  // twcs ids are not real tweet ids

  out = DecodeCsv(**d, "1,2,115712,True,Tue Oct 31 22:11:45 +0000 2017,@115713 @AskPayPal and how,,");
  ASSERT_EQ(out.mentions.size(), 1u);
  EXPECT_EQ(out.mentions[0].direction, model::Direction::kInbound);
  EXPECT_EQ(out.mentions[0].source, "AskPayPal");  // numeric handles are customers
  EXPECT_TRUE(out.mentions[0].reply_to.empty());
  out = DecodeCsv(**d, "1,2,115712,True,Tue Oct 31 22:11:45 +0000 2017,no handle here");
  ASSERT_EQ(out.mentions.size(), 1u);  // missing trailing fields are empty
  EXPECT_TRUE(out.mentions[0].source.empty());
}

TEST(TwcsDecoderTest, Rejections) {
  auto d = formats::MakeTwcsDecoder(kTwcsHeader, ',');
  ASSERT_TRUE(d.ok());
  struct Case {
    const char* record;
    const char* field;
    const char* reason_part;
  } cases[] = {
      {"0,1,a,Maybe,Tue Oct 31 22:10:47 +0000 2017,hi,,", "inbound", "expected True or False, got \"Maybe\""},
      {"0,1,a,True,yesterday,hi,,", "created_at", "not a date: \"yesterday\""},
      {"0,1,a,True,,hi,,", "created_at", "missing or empty"},
      {"0,1,a,True,Tue Oct 31 22:10:47 +0000 2017,,,", "text", "missing or empty"},
      {"0,,a,True,Tue Oct 31 22:10:47 +0000 2017,hi,,", "tweet_id", "missing"},
      {"0,1,a,True,Tue Oct 31 22:10:47 +0000 2017,hi,,abc", "in_response_to_tweet_id", "not a tweet id: \"abc\""},
      {"0,1,a,True,Tue Oct 31 22:10:47 +0000 2017,hi,,,extra", "", "record has 9 fields, the header has 8"},
      {"0,1,a,True,Tue Oct 31 22:10:47 +0000 2017,\"caf\xC3\xA9 \xFF\",,", "text", "invalid UTF-8 at byte 6"},
  };
  for (const Case& c : cases) {
    Decoded out = DecodeCsv(**d, c.record, 9);
    ASSERT_EQ(out.rejects.size(), 1u) << c.record;
    EXPECT_TRUE(out.mentions.empty());
    EXPECT_EQ(out.rejects[0].field, c.field) << c.record;
    EXPECT_THAT(out.rejects[0].reason, HasSubstr(c.reason_part)) << c.record;
    EXPECT_EQ(out.rejects[0].location, "f.csv:9");
    EXPECT_EQ(out.rejects[0].raw, c.record);
  }
  Decoded out;
  (*d)->Decode("0,1,\"open", Location{"f.csv", 4, 2, RecordFlaw::kUnterminatedQuote}, out.mentions, out.rejects);
  ASSERT_EQ(out.rejects.size(), 1u);
  EXPECT_THAT(out.rejects[0].reason, HasSubstr("unterminated quoted field"));
  auto bad = formats::MakeTwcsDecoder({"tweet_id", "text"}, ',');
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("author_id, inbound, created_at"));
}

TEST(TwcsFileTest, First5000RowsAllDecodeWithReplyLinks) {
  auto in = OpenInput(Spec(kData + "/twcs/first5000/twcs.csv"));
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->format, Format::kTwcs);
  Decoded d = DecodeAll(*in, "twcs.csv");
  EXPECT_EQ(d.records, 5000u);
  EXPECT_EQ(d.mentions.size(), 5000u);
  for (const auto& r : d.rejects) ADD_FAILURE() << r.location << " " << r.field << ": " << r.reason;
  std::set<std::string> ids;
  size_t replies = 0, linked = 0, inbound = 0, with_source = 0;
  for (const auto& m : d.mentions) ids.insert(m.native_id);
  for (const auto& m : d.mentions) {
    if (!m.reply_to.empty()) ++replies;
    if (ids.count(m.reply_to) != 0) ++linked;
    if (m.direction == model::Direction::kInbound) ++inbound;
    if (!m.source.empty()) ++with_source;
  }
  EXPECT_EQ(ids.size(), 5000u);
  EXPECT_EQ(inbound, 2778u);  // counted with Python's csv module
  EXPECT_GT(replies, 3000u);
  EXPECT_GT(linked, 1000u);
  EXPECT_EQ(with_source, 4399u);  // outbound, or inbound naming a non-numeric @handle (Python)
  std::printf("twcs first5000: %zu mentions, %zu replies, %zu to a tweet in the file, %zu with a brand source\n",
              d.mentions.size(), replies, linked, with_source);
  EXPECT_EQ(d.mentions[0].native_id, "1");
  EXPECT_EQ(d.mentions[0].reply_to, "3");
  EXPECT_EQ(d.mentions[1].native_id, "2");
  EXPECT_EQ(d.mentions[1].source, "sprintcare");
  // Row with a bare "\r\r" inside an unquoted text (line 2589 of the file).
  bool found = false;
  for (const auto& m : d.mentions) {
    if (m.native_id == "3399") {
      found = true;
      EXPECT_EQ(m.text, "@AskPayPal \r\rI just love the start of email \xF0\x9F\x98\x81 https://t.co/8u1Pf5rJoN");
      EXPECT_EQ(m.source, "AskPayPal");
    }
  }
  EXPECT_TRUE(found);
}

TEST(TwcsFileTest, KaggleSampleAndSpotifyInbound) {
  auto in = OpenInput(Spec(kData + "/twcs/kaggle-sample/sample.csv"));
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->format, Format::kTwcs);
  Decoded d = DecodeAll(*in, "sample.csv");
  EXPECT_EQ(d.mentions.size(), 93u);
  EXPECT_TRUE(d.rejects.empty());

  auto spotify = OpenInput(Spec(kData + "/twcs/spotifycares-inbound/support_requests.csv"));
  ASSERT_TRUE(spotify.ok()) << spotify.status().ToString();
  EXPECT_EQ(spotify->format, Format::kTwcs);
  d = DecodeAll(*spotify, "support_requests.csv");
  // 15096 CSV records: the dataset's "15,103" counts 7 rows that are pieces of
  // texts split at a bare "\r" (data, not a line end, for this reader).
  EXPECT_EQ(d.records, 15096u);
  EXPECT_EQ(d.mentions.size(), 15096u);
  for (size_t i = 0; i < d.rejects.size() && i < 5; ++i) ADD_FAILURE() << d.rejects[i].location << " " << d.rejects[i].reason;
  size_t to_spotify = 0;
  for (const auto& m : d.mentions) to_spotify += m.source == "SpotifyCares";
  EXPECT_GT(to_spotify, 15000u);
  std::printf("spotifycares inbound: %zu mentions, %zu addressed to @SpotifyCares first\n", d.mentions.size(),
              to_spotify);
}

TEST(CsvMappingTest, LoadsTheShippedMappings) {
  auto airline = LoadCsvMapping(kMappings + "/airline-tweets.yaml");
  ASSERT_TRUE(airline.ok()) << airline.status().ToString();
  EXPECT_EQ(airline->name, "airline-tweets");
  EXPECT_EQ(airline->delimiter, ',');
  EXPECT_TRUE(airline->unescape_html);
  EXPECT_EQ(airline->columns.at("created_at"), "tweet_created");
  EXPECT_EQ(airline->columns.at("engagement.reshares"), "retweet_count");
  EXPECT_EQ(airline->defaults.at("channel"), "twitter");
  EXPECT_EQ(airline->attributes.at("negativereason"), "negativereason");
  auto free = LoadCsvMapping(kMappings + "/free-tweets.yaml");
  ASSERT_TRUE(free.ok()) << free.status().ToString();
  EXPECT_EQ(free->defaults.at("lang"), "fr");
}

TEST(CsvMappingTest, ErrorsNameFileLineAndField) {
  TempDir dir;
  struct Case {
    const char* yaml;
    const char* message_part;
  } cases[] = {
      {"name: x\ncolumns:\n  text: t\n  created_at: d\n  author.nick: n\n", "m.yaml:5: columns.author.nick: unknown field path"},
      {"name: x\ncolumns: {text: t, created_at: d}\nfilter: yes\n", "m.yaml:3: filter: unknown key"},
      {"columns: {text: t, created_at: d}\ndefaults:\n  channel: pigeon\n", "m.yaml:3: defaults.channel: unknown channel \"pigeon\""},
      {"columns: {text: t, created_at: d}\ndefaults:\n  engagement.likes: many\n",
       "m.yaml:3: defaults.engagement.likes: expected a non-negative integer, got \"many\""},
      {"columns: {text: t, created_at: d}\ndelimiter: ';;'\n", "m.yaml:2: delimiter: expected one character"},
      {"columns:\n  created_at: d\n", "m.yaml:2: columns: no column for text"},
      {"columns:\n  text: [a, b]\n  created_at: d\n", "m.yaml:2: columns.text: expected a CSV column name"},
      {"columns: {text: t, created_at: d}\nattributes:\n  label:\n", "m.yaml:3: attributes.label: expected a CSV column name"},
      {"name: x\n", "columns: missing"},
      {"- a\n- b\n", "a mapping file is a YAML map"},
      {"columns: {text: t\n", "m.yaml:2: invalid YAML"},
  };
  for (const Case& c : cases) {
    std::string path = dir.Write("m.yaml", c.yaml);
    auto m = LoadCsvMapping(path);
    ASSERT_FALSE(m.ok()) << c.yaml;
    EXPECT_EQ(m.status().code(), base::StatusCode::kInvalidArgument);
    EXPECT_THAT(m.status().message(), HasSubstr(c.message_part)) << c.yaml;
    EXPECT_THAT(m.status().message(), HasSubstr(dir.path())) << c.yaml;
  }
  auto tab = LoadCsvMapping(dir.Write("tab.yaml", "delimiter: tab\ncolumns: {text: t, created_at: d}\n"));
  ASSERT_TRUE(tab.ok()) << tab.status().ToString();
  EXPECT_EQ(tab->delimiter, '\t');
  auto missing = LoadCsvMapping(dir.path() + "/none.yaml");
  EXPECT_EQ(missing.status().code(), base::StatusCode::kNotFound);
}

TEST(MappedCsvTest, StrictScalarsNameTheField) {
  CsvMapping m;
  m.columns = {{"text", "body"},
               {"created_at", "when"},
               {"engagement.likes", "likes"},
               {"author.verified", "blue"},
               {"native_id", "id"}};
  m.defaults = {{"channel", "review"}, {"lang", "fr"}};
  m.attributes = {{"stars", "rating"}};
  std::vector<std::string> header = {"id", "body", "when", "likes", "blue", "rating"};
  auto d = formats::MakeMappedCsvDecoder(m, header);
  ASSERT_TRUE(d.ok()) << d.status().ToString();

  Decoded ok = DecodeCsv(**d, "7.0,\"Super, merci\",2021-03-04 05:06:07,12,yes,5");
  ASSERT_EQ(ok.mentions.size(), 1u) << ok.rejects[0].reason;
  const model::Mention& x = ok.mentions[0];
  EXPECT_EQ(x.native_id, "7");
  EXPECT_EQ(x.channel, model::Channel::kReview);
  EXPECT_EQ(x.text, "Super, merci");
  EXPECT_EQ(x.engagement.likes, 12);
  EXPECT_TRUE(x.author.verified);
  EXPECT_EQ(x.language, "fr");
  EXPECT_TRUE(x.language_declared);
  EXPECT_EQ(x.attributes.at("stars"), "5");

  Decoded derived = DecodeCsv(**d, ",hello,2021-03-04,,,");
  ASSERT_EQ(derived.mentions.size(), 1u);
  EXPECT_EQ(derived.mentions[0].native_id.substr(0, 2), "h:");
  EXPECT_TRUE(derived.mentions[0].attributes.empty());  // empty cells are not kept

  struct Case {
    const char* record;
    const char* field;
    const char* reason;
  } cases[] = {
      {"1,hi,2021-03-04,abc,no,5", "engagement.likes", "expected a non-negative integer, got \"abc\" (column likes)"},
      {"1,hi,2021-03-04,-2,no,5", "engagement.likes", "expected a non-negative integer, got \"-2\" (column likes)"},
      {"1,hi,2021-03-04,1.5,no,5", "engagement.likes", "expected a non-negative integer, got \"1.5\" (column likes)"},
      {"1,hi,2021-03-04,1,maybe,5", "author.verified", "expected true or false, got \"maybe\" (column blue)"},
      {"1,hi,someday,1,no,5", "created_at", "not a date: \"someday\" (column when)"},
      {"1,hi,,1,no,5", "created_at", "missing or empty: created_at is required"},
      {"1,,2021-03-04,1,no,5", "text", "missing or empty: text is required"},
      {"1,\"bad \xFF\",2021-03-04,1,no,5", "text", "invalid UTF-8 at byte 4 (column body)"},
      {"1,hi,2021-03-04,1,no,5,6", "", "record has 7 fields, the header has 6"},
  };
  for (const Case& c : cases) {
    Decoded out = DecodeCsv(**d, c.record);
    ASSERT_EQ(out.rejects.size(), 1u) << c.record;
    EXPECT_EQ(out.rejects[0].field, c.field) << c.record;
    EXPECT_EQ(out.rejects[0].reason, c.reason) << c.record;
  }
}

TEST(MappedCsvTest, FactoryErrors) {
  std::vector<std::string> header = {"id", "body", "when"};
  CsvMapping m;
  m.columns = {{"text", "body"}, {"created_at", "date"}};
  auto d = formats::MakeMappedCsvDecoder(m, header);
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(), HasSubstr("column \"date\" is not in the CSV header: id, body, when"));
  m.columns = {{"text", "body"}};
  d = formats::MakeMappedCsvDecoder(m, header);
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(), HasSubstr("maps no column to created_at"));
  m.columns = {{"text", "body"}, {"created_at", "when"}, {"mood", "id"}};
  d = formats::MakeMappedCsvDecoder(m, header);
  ASSERT_FALSE(d.ok());
  EXPECT_THAT(d.status().message(), HasSubstr("columns.mood: unknown field path"));
}

TEST(MappedCsvFileTest, AirlineTweetsThroughTheShippedMapping) {
  auto mapping = LoadCsvMapping(kMappings + "/airline-tweets.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  auto in = OpenInput(Spec(kData + "/airline-tweets/Tweets.csv", Format::kAuto, *mapping));
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  EXPECT_EQ(in->format, Format::kCsv);
  Decoded d = DecodeAll(*in, "Tweets.csv");
  EXPECT_EQ(d.records, 14640u);
  EXPECT_EQ(d.mentions.size() + d.rejects.size(), 14640u);
  std::printf("airline Tweets.csv: %zu records, %zu mentions, %zu rejects\n", d.records, d.mentions.size(),
              d.rejects.size());
  for (size_t i = 0; i < d.rejects.size() && i < 5; ++i) {
    ADD_FAILURE() << d.rejects[i].location << " " << d.rejects[i].field << ": " << d.rejects[i].reason;
  }
  ASSERT_FALSE(d.mentions.empty());
  const model::Mention& m = d.mentions[0];
  EXPECT_EQ(m.native_id, "570306133677760513");
  EXPECT_EQ(m.channel, model::Channel::kTwitter);
  EXPECT_EQ(m.direction, model::Direction::kInbound);
  EXPECT_EQ(m.author.handle, "cairdin");
  EXPECT_EQ(m.text, "@VirginAmerica What @dhepburn said.");
  EXPECT_EQ(m.created_at, 1424806552000);  // 2015-02-24 11:35:52 -0800
  EXPECT_EQ(m.attributes.at("airline"), "Virgin America");
  EXPECT_EQ(m.attributes.at("airline_sentiment"), "neutral");
  EXPECT_EQ(m.attributes.count("negativereason"), 0u);
  EXPECT_FALSE(m.language_declared);
  // Row 5 (line 6) is negative with a reason; line 7 has a quoted newline.
  EXPECT_EQ(d.mentions[4].attributes.at("negativereason"), "Can't Tell");
  EXPECT_NE(d.mentions[5].text.find("playing.\nit's"), std::string::npos);
  EXPECT_EQ(d.mentions[3].text.find("&amp;"), std::string::npos);
  size_t negative = 0, retweeted = 0;
  for (const auto& x : d.mentions) {
    negative += x.attributes.at("airline_sentiment") == "negative";
    retweeted += x.engagement.reshares > 0;
  }
  EXPECT_EQ(negative, 9178u);
  EXPECT_EQ(retweeted, 14640u - 13873u);
}

TEST(MappedCsvFileTest, FreeTweetsThroughTheShippedMapping) {
  auto mapping = LoadCsvMapping(kMappings + "/free-tweets.yaml");
  ASSERT_TRUE(mapping.ok()) << mapping.status().ToString();
  auto in = OpenInput(Spec(kData + "/free-fr-tweets/free_tweets.csv", Format::kCsv, *mapping));
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  Decoded d = DecodeAll(*in, "free_tweets.csv");
  EXPECT_EQ(d.records, 3464u);
  EXPECT_EQ(d.mentions.size(), 3464u);
  for (size_t i = 0; i < d.rejects.size() && i < 5; ++i) {
    ADD_FAILURE() << d.rejects[i].location << " " << d.rejects[i].field << ": " << d.rejects[i].reason;
  }
  ASSERT_FALSE(d.mentions.empty());
  const model::Mention& m = d.mentions[1];
  EXPECT_EQ(m.native_id, "000002");
  EXPECT_EQ(m.author.handle, "Freebox");
  EXPECT_EQ(m.url, "https://twitter.com/Freebox/status/1393158240083587075");
  EXPECT_EQ(m.created_at, 1620989782000);  // 2021-05-14 10:56:22+00:00
  EXPECT_EQ(m.language, "fr");
  EXPECT_TRUE(m.language_declared);
  EXPECT_EQ(d.mentions[3].text.find("&amp;"), std::string::npos);
  EXPECT_NE(d.mentions[3].text.find("delta devialet & mini4k"), std::string::npos);
}

}  // namespace
}  // namespace ecoute::ingest
