#include "ingest/input.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/test_util.h"
#include "model/mention_json.h"

namespace ecoute::ingest {
namespace {

using testing::DecodeAll;
using testing::Decoded;
using testing::ReadFile;
using testing::Spec;
using testing::TempDir;
using ::testing::HasSubstr;

const std::string kData = ECOUTE_SHARED_DATA;

TEST(FormatTest, NamesRoundTrip) {
  for (Format f : {Format::kAuto, Format::kEcoute, Format::kTwitterV2, Format::kTwcs, Format::kCsv}) {
    auto parsed = ParseFormat(FormatName(f));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, f);
  }
  EXPECT_EQ(FormatName(Format::kTwitterV2), "twitter_v2");
  auto bad = ParseFormat("xml");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("auto, ecoute, twitter_v2, twcs or csv"));
}

std::string EcouteLine(int i) {
  model::Mention m;
  m.channel = model::Channel::kForum;
  m.native_id = "n" + std::to_string(i);
  m.author.handle = "user" + std::to_string(i % 7);
  m.created_at = 1600000000000 + i * 1000;
  m.text = "message number " + std::to_string(i) + " about the brand";
  return model::MentionToJsonLine(m);
}

TEST(OpenInputTest, DetectsFormats) {
  TempDir dir;
  struct Case {
    std::string name, content;
    Format expected;
    std::string decoder;
  } cases[] = {
      {"a.jsonl", EcouteLine(1) + "\n", Format::kEcoute, "json"},
      {"b.ndjson", R"({"data": {"id": "1", "text": "t", "created_at": "2021-01-01"}})" "\n", Format::kTwitterV2, "json"},
      {"c.json", "{\n \"data\": [],\n \"meta\": {\"result_count\": 0}\n}\n", Format::kTwitterV2, "json"},
      {"d.csv", "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n",
       Format::kTwcs, "twcs"},
      {"e.csv", "native_id,text,created_at,stars\n", Format::kCsv, "csv"},
      {"f.tsv", "text\tcreated_at\n", Format::kCsv, "csv"},
      {"no_extension", EcouteLine(2) + "\n", Format::kEcoute, "json"},
      {"export.txt", "\xEF\xBB\xBFtext,created_at\nhello,2020-01-01\n", Format::kCsv, "csv"},
      {"tabs.dat", "text\tcreated_at\nhello\t2020-01-01\n", Format::kCsv, "csv"},
  };
  for (const Case& c : cases) {
    auto in = OpenInput(Spec(dir.Write(c.name, c.content)));
    ASSERT_TRUE(in.ok()) << c.name << ": " << in.status().ToString();
    EXPECT_EQ(in->format, c.expected) << c.name;
    EXPECT_EQ(in->decoder->name(), c.decoder) << c.name;
  }
  // A header of field paths maps itself; other columns become attributes.
  auto in = OpenInput(Spec(dir.Write("g.csv", "native_id,text,created_at,stars\nr1,Great,2020-01-01,5\n")));
  ASSERT_TRUE(in.ok());
  Decoded d = DecodeAll(*in, "g.csv");
  ASSERT_EQ(d.mentions.size(), 1u);
  EXPECT_EQ(d.mentions[0].native_id, "r1");
  EXPECT_EQ(d.mentions[0].attributes.at("stars"), "5");
  in = OpenInput(Spec(dir.Write("tabs.dat", "text\tcreated_at\nhello\t2020-01-01\n")));
  ASSERT_TRUE(in.ok());
  d = DecodeAll(*in, "tabs.dat");
  ASSERT_EQ(d.mentions.size(), 1u);
  EXPECT_EQ(d.mentions[0].text, "hello");
}

TEST(OpenInputTest, ExplicitFormatsAndErrors) {
  TempDir dir;
  std::string unknown = dir.Write("u.csv", "id,body,when\n1,x,2020\n");
  auto in = OpenInput(Spec(unknown));
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(in.status().message(), HasSubstr("u.csv"));
  EXPECT_THAT(in.status().message(), HasSubstr("id, body, when"));
  EXPECT_THAT(in.status().message(), HasSubstr("mapping"));

  CsvMapping m;
  m.columns = {{"text", "body"}, {"created_at", "date"}};
  in = OpenInput(Spec(unknown, Format::kAuto, m));
  ASSERT_FALSE(in.ok());
  EXPECT_THAT(in.status().message(), HasSubstr("column \"date\" is not in the CSV header: id, body, when"));

  in = OpenInput(Spec(unknown, Format::kTwcs));
  ASSERT_FALSE(in.ok());
  EXPECT_THAT(in.status().message(), HasSubstr("twcs CSV lacks column(s) tweet_id, author_id, inbound, created_at, text"));

  in = OpenInput(Spec(dir.Write("x.jsonl", EcouteLine(1)), Format::kEcoute, m));
  ASSERT_FALSE(in.ok());
  EXPECT_THAT(in.status().message(), HasSubstr("mapping"));

  in = OpenInput(Spec(dir.Write("v2.jsonl", EcouteLine(1)), Format::kTwitterV2));
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->decoder->name(), "twitter_v2");

  in = OpenInput(Spec(dir.path() + "/missing.jsonl"));
  ASSERT_FALSE(in.ok());
  EXPECT_EQ(in.status().code(), base::StatusCode::kNotFound);
  in = OpenInput(Spec(dir.path()));
  ASSERT_FALSE(in.ok());
  EXPECT_THAT(in.status().message(), HasSubstr("is a directory"));
}

TEST(SplitJsonBodyTest, SingleObjectSpanningLines) {
  RawBatch batch;
  SplitJsonBody("\n  {\n  \"text\": \"a\",\n  \"created_at\": 0\n}\n", batch);
  ASSERT_EQ(batch.records.size(), 1u);
  EXPECT_EQ(batch.records[0].line, 2);
  EXPECT_EQ(batch.records[0].index, 0);
  EXPECT_EQ(batch.record(0).substr(0, 1), "{");
  EXPECT_EQ(batch.record(0).back(), '}');
}

TEST(SplitJsonBodyTest, JsonLinesAndArrays) {
  RawBatch batch;
  batch.source = "POST /api/v1/mentions";
  SplitJsonBody("{\"a\":1}\r\n\n{\"b\":2}\n{broken\n", batch);
  ASSERT_EQ(batch.records.size(), 3u);
  EXPECT_EQ(batch.record(0), "{\"a\":1}");
  EXPECT_EQ(batch.record(1), "{\"b\":2}");
  EXPECT_EQ(batch.record(2), "{broken");
  EXPECT_EQ(batch.records[1].line, 3);
  EXPECT_EQ(batch.records[1].index, 1);
  EXPECT_EQ(batch.location(2).ToString(), "POST /api/v1/mentions:4");

  RawBatch arr;
  arr.source = "POST /api/v1/mentions";
  SplitJsonBody("[{\"a\": 1},\n {\"b\": 2}]", arr);
  ASSERT_EQ(arr.records.size(), 2u);
  EXPECT_EQ(arr.record(1), "{\"b\":2}");
  EXPECT_EQ(arr.location(1).ToString(), "POST /api/v1/mentions[1]");

  RawBatch empty;
  SplitJsonBody(" \n\r\n", empty);
  EXPECT_TRUE(empty.records.empty());
}

TEST(CorruptedInputTest, TwcsCopyRejectsTheBadLinesAndKeepsTheRest) {
  std::string content = ReadFile(kData + "/twcs/first5000/twcs.csv");
  ASSERT_GT(content.size(), 800000u);
  // Physical lines, 1-based: line 3 is tweet 2, line 5 is tweet 4, line 6 is tweet 5.
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos < content.size()) {
    size_t nl = content.find('\n', pos);
    lines.push_back(content.substr(pos, nl - pos));
    pos = nl + 1;
  }
  ASSERT_EQ(lines[2].substr(0, 4), "1,2,");
  ASSERT_EQ(lines[4].substr(0, 4), "3,4,");
  ASSERT_EQ(lines[5].substr(0, 4), "4,5,");
  auto replace = [](std::string& s, const std::string& from, const std::string& to) {
    size_t at = s.find(from);
    ASSERT_NE(at, std::string::npos) << s;
    s.replace(at, from.size(), to);
  };
  replace(lines[2], "Tue Oct 31 22:11:45 +0000 2017", "Tue Oct 32 22:11:45 +0000 2017");
  replace(lines[4], "Please send", "Please \xFF send");
  replace(lines[5], ",True,", ",Perhaps,");
  // A stray quote opening the text of the line-8 record (tweet 8), never closed.
  ASSERT_EQ(lines[7].substr(0, 4), "6,8,");
  replace(lines[7], "@sprintcare is the worst", "\"@sprintcare is the worst");
  std::string corrupted;
  for (const auto& l : lines) corrupted += l + "\n";
  TempDir dir;
  std::string path = dir.Write("twcs.csv", corrupted);

  ReaderOptions small;
  small.chunk_bytes = 4096;  // many chunk boundaries
  auto in = OpenInput(Spec(path), small);
  ASSERT_TRUE(in.ok()) << in.status().ToString();
  Decoded d = DecodeAll(*in, path);
  ASSERT_EQ(d.rejects.size(), 4u);
  EXPECT_EQ(d.rejects[0].location, path + ":3");
  EXPECT_EQ(d.rejects[0].field, "created_at");
  EXPECT_THAT(d.rejects[0].reason, HasSubstr("Tue Oct 32"));
  EXPECT_EQ(d.rejects[1].location, path + ":5");
  EXPECT_EQ(d.rejects[1].field, "text");
  EXPECT_THAT(d.rejects[1].reason, HasSubstr("invalid UTF-8 at byte"));
  EXPECT_EQ(d.rejects[2].location, path + ":6");
  EXPECT_EQ(d.rejects[2].field, "inbound");
  EXPECT_EQ(d.rejects[3].location, path + ":8");
  // The stray quote runs to the next quote on the line, shifting the fields.
  EXPECT_EQ(d.rejects[3].reason, "record has 9 fields, the header has 8");
  // Everything else decodes.
  EXPECT_EQ(d.mentions.size(), 4996u);
  EXPECT_EQ(d.mentions.back().native_id, "7630");
  EXPECT_EQ(d.mentions[0].native_id, "1");
  EXPECT_EQ(d.mentions[1].native_id, "3");
}

TEST(CorruptedInputTest, JsonLinesRejectsWithLineNumbers) {
  std::string content;
  for (int i = 0; i < 50; ++i) {
    std::string line = EcouteLine(i);
    if (i == 6) line = line.substr(0, line.size() / 2);             // line 7: truncated
    if (i == 11) line.replace(line.find("\"text\":\"") + 7, 1, "");  // line 12: text is no longer a string
    if (i == 20) line = "\xEF\xBB\xBF" + line;                        // line 21: stray BOM
    if (i == 30) line.replace(line.find("about"), 1, "\xC3");         // line 31: broken UTF-8
    content += line + (i % 2 ? "\r\n" : "\n");
    if (i == 40) content += "\n\n";
  }
  TempDir dir;
  std::string path = dir.Write("m.jsonl", content);
  ReaderOptions tiny;
  tiny.chunk_bytes = 5;
  auto in = OpenInput(Spec(path), tiny);
  ASSERT_TRUE(in.ok());
  EXPECT_EQ(in->format, Format::kEcoute);
  Decoded d = DecodeAll(*in, "m.jsonl");
  EXPECT_EQ(d.records, 50u);
  ASSERT_EQ(d.rejects.size(), 4u);
  EXPECT_EQ(d.rejects[0].location, "m.jsonl:7");
  EXPECT_THAT(d.rejects[0].reason, HasSubstr("invalid JSON"));
  EXPECT_EQ(d.rejects[1].location, "m.jsonl:12");
  EXPECT_THAT(d.rejects[1].reason, HasSubstr("invalid JSON"));
  EXPECT_EQ(d.rejects[2].location, "m.jsonl:21");
  EXPECT_EQ(d.rejects[3].location, "m.jsonl:31");
  EXPECT_THAT(d.rejects[3].reason, HasSubstr("invalid UTF-8 at byte"));
  ASSERT_EQ(d.mentions.size(), 46u);
  EXPECT_EQ(d.mentions.back().native_id, "n49");
  EXPECT_EQ(d.mentions[6].native_id, "n7");
}

}  // namespace
}  // namespace ecoute::ingest
