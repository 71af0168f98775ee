// Bad input never crashes a reader or a decoder, and streaming results do
// not depend on where chunk boundaries fall.
#include <random>

#include <gtest/gtest.h>

#include "ingest/formats/common.h"
#include "ingest/formats/formats.h"
#include "ingest/record_reader.h"
#include "ingest/test_util.h"

namespace ecoute::ingest {
namespace {

using testing::ReadAll;
using testing::ReadRecord;
using testing::TempDir;

std::string Mutate(std::string s, std::mt19937& rng) {
  static const std::string kAlphabet = "{}[]\",:\\0123456789.eE-+ \n\r\ttrufalsn\x80\xC3\xFF\xED\xF0";
  int edits = 1 + static_cast<int>(rng() % 4);
  for (int e = 0; e < edits && !s.empty(); ++e) {
    size_t at = rng() % s.size();
    switch (rng() % 4) {
      case 0: s[at] = kAlphabet[rng() % kAlphabet.size()]; break;
      case 1: s.erase(at, 1 + rng() % 8); break;
      case 2: s.insert(at, 1, kAlphabet[rng() % kAlphabet.size()]); break;
      case 3: s.resize(at); break;
    }
  }
  return s;
}

TEST(RobustnessTest, MutatedRecordsAreDecodedOrRejectedNeverBoth) {
  const std::vector<std::string> json_seeds = {
      R"({"channel":"twitter","native_id":"1","author":{"handle":"a","followers":3,"verified":true},)"
      R"("created_at":"2017-10-31T22:10:47Z","text":"hello","lang":"en","engagement":{"likes":1},)"
      R"("attributes":{"k":"v"},"country":"FR","direction":"inbound"})",
      R"({"data":[{"id":"1","text":"a","created_at":"2020-01-01T00:00:00Z","author_id":"9",)"
      R"("referenced_tweets":[{"type":"replied_to","id":"0"}],"public_metrics":{"like_count":2},)"
      R"("geo":{"place_id":"p"}}],"includes":{"users":[{"id":"9","username":"u","public_metrics":)"
      R"({"followers_count":5}}],"places":[{"id":"p","country_code":"US"}]}})",
  };
  const std::vector<std::string> csv_seeds = {
      R"(0,1,sprintcare,False,Tue Oct 31 22:10:47 +0000 2017,"@115712 I ""understand"", ok",2,3.0)",
  };
  auto ecoute = formats::MakeEcouteDecoder();
  auto v2 = formats::MakeTwitterV2Decoder();
  auto json = MakeJsonDecoder();
  auto twcs = formats::MakeTwcsDecoder({"", "tweet_id", "author_id", "inbound", "created_at", "text",
                                        "response_tweet_id", "in_response_to_tweet_id"},
                                       ',');
  ASSERT_TRUE(twcs.ok());
  CsvMapping mapping;
  mapping.columns = {{"native_id", "tweet_id"}, {"text", "text"}, {"created_at", "created_at"},
                     {"engagement.likes", "author_id"}, {"author.verified", "inbound"}};
  auto mapped = formats::MakeMappedCsvDecoder(mapping, {"", "tweet_id", "author_id", "inbound", "created_at", "text",
                                                        "response_tweet_id", "in_response_to_tweet_id"});
  ASSERT_TRUE(mapped.ok()) << mapped.status().ToString();

  std::mt19937 rng(20240601);
  for (int i = 0; i < 20000; ++i) {
    const bool is_json = i % 2 == 0;
    const std::string& seed = is_json ? json_seeds[(i / 2) % json_seeds.size()] : csv_seeds[0];
    std::string record = Mutate(seed, rng);
    std::vector<const Decoder*> decoders;
    if (is_json) decoders = {ecoute.get(), v2.get(), json.get()};
    else decoders = {twcs->get(), mapped->get()};
    for (const Decoder* d : decoders) {
      std::vector<model::Mention> out;
      std::vector<model::Rejection> rejects;
      d->Decode(record, Location{"fuzz", 1, i}, out, rejects);
      if (d == ecoute.get() || !is_json) {
        EXPECT_EQ(out.size() + rejects.size(), 1u) << d->name() << ": " << record;
      }
      for (const auto& m : out) {
        EXPECT_FALSE(m.text.empty());
        EXPECT_FALSE(m.native_id.empty());
        EXPECT_EQ(formats::InvalidUtf8Offset(m.text), std::string_view::npos);
      }
      for (const auto& r : rejects) {
        EXPECT_FALSE(r.reason.empty()) << record;
        EXPECT_EQ(r.location, "fuzz:1");
        EXPECT_LE(r.raw.size(), model::kMaxRejectRawBytes);
      }
    }
  }
}

std::string Describe(const std::vector<ReadRecord>& rs) {
  std::string s;
  for (const auto& r : rs) {
    s += std::to_string(r.line) + "/" + std::to_string(r.index) + "/" + std::to_string(static_cast<int>(r.flaw)) +
         ":" + r.bytes + "\x1F";
  }
  return s;
}

TEST(RobustnessTest, RandomCsvAndJsonLinesDoNotDependOnChunkBoundaries) {
  std::mt19937 rng(7);
  static const std::string kCsvAlphabet = "ab,,\"\"\n\r \xC3\xA9";
  static const std::string kJsonAlphabet = "{}\"a: \n\r\t\n";
  TempDir dir;
  size_t too_large = 0, unterminated = 0;
  for (int round = 0; round < 300; ++round) {
    std::string csv = "h1,h2\n", jsonl;
    size_t n = rng() % 400;
    for (size_t i = 0; i < n; ++i) csv += kCsvAlphabet[rng() % kCsvAlphabet.size()];
    for (size_t i = 0; i < n; ++i) jsonl += kJsonAlphabet[rng() % kJsonAlphabet.size()];
    std::string csv_path = dir.Write("r.csv", csv);
    std::string json_path = dir.Write("r.jsonl", jsonl);
    ReaderOptions big;
    big.max_record_bytes = 64;
    auto ref_csv = CsvReader::Open(csv_path, ',', big);
    ASSERT_TRUE(ref_csv.ok());
    auto ref_records = ReadAll(**ref_csv, 1000);
    for (const auto& r : ref_records) {
      too_large += r.flaw == RecordFlaw::kTooLarge;
      unterminated += r.flaw == RecordFlaw::kUnterminatedQuote;
    }
    std::string expected_csv = Describe(ref_records);
    auto ref_json = JsonLinesReader::Open(json_path, big);
    ASSERT_TRUE(ref_json.ok());
    std::string expected_json = Describe(ReadAll(**ref_json, 1000));
    for (size_t chunk : {1, 2, 3, 8, 33}) {
      ReaderOptions o = big;
      o.chunk_bytes = chunk;
      auto c = CsvReader::Open(csv_path, ',', o);
      ASSERT_TRUE(c.ok());
      EXPECT_EQ(Describe(ReadAll(**c, 1 + rng() % 5)), expected_csv) << "chunk " << chunk << " csv:\n" << csv;
      auto j = JsonLinesReader::Open(json_path, o);
      ASSERT_TRUE(j.ok());
      EXPECT_EQ(Describe(ReadAll(**j, 1 + rng() % 5)), expected_json) << "chunk " << chunk << " jsonl:\n" << jsonl;
    }
  }
  // The random inputs do reach the flawed paths.
  EXPECT_GT(too_large, 10u);
  EXPECT_GT(unterminated, 10u);
}

}  // namespace
}  // namespace ecoute::ingest
