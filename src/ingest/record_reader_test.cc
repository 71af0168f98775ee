#include "ingest/record_reader.h"

#include <fcntl.h>
#include <unistd.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "ingest/test_util.h"

namespace ecoute::ingest {
namespace {

using testing::ReadAll;
using testing::ReadRecord;
using testing::TempDir;
using ::testing::ElementsAre;

std::vector<ReadRecord> ReadJsonl(const std::string& path, ReaderOptions options = {}, size_t batch = 3) {
  auto r = JsonLinesReader::Open(path, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  return ReadAll(**r, batch);
}

std::vector<ReadRecord> ReadCsv(const std::string& path, ReaderOptions options = {}, char delim = ',',
                                std::vector<std::string>* header = nullptr) {
  auto r = CsvReader::Open(path, delim, options);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  if (!r.ok()) return {};
  if (header != nullptr) *header = (*r)->header();
  return ReadAll(**r, 2);
}

std::string Summary(const std::vector<ReadRecord>& rs) {
  std::string s;
  for (const auto& r : rs) {
    s += std::to_string(r.line) + "#" + std::to_string(r.index) + ":" + r.bytes;
    if (r.flaw != RecordFlaw::kNone) s += "!" + std::to_string(static_cast<int>(r.flaw));
    s += "|";
  }
  return s;
}

TEST(LocationTest, ToString) {
  EXPECT_EQ((Location{"tweets.jsonl", 42, 7}).ToString(), "tweets.jsonl:42");
  EXPECT_EQ((Location{"POST /api/v1/mentions", 0, 3}).ToString(), "POST /api/v1/mentions[3]");
}

TEST(JsonLinesReaderTest, LineNumbersBlankLinesCrlfAndNoFinalNewline) {
  TempDir dir;
  std::string path = dir.Write("a.jsonl", "{\"a\":1}\r\n\n   \r\n{\"b\":2}\n\t\n{\"c\":3}");
  auto rs = ReadJsonl(path);
  EXPECT_EQ(Summary(rs), "1#0:{\"a\":1}|4#1:{\"b\":2}|6#2:{\"c\":3}|");
}

TEST(JsonLinesReaderTest, BomIsStripped) {
  TempDir dir;
  auto rs = ReadJsonl(dir.Write("bom.jsonl", "\xEF\xBB\xBF{\"a\":1}\n{\"b\":2}\n"));
  EXPECT_EQ(Summary(rs), "1#0:{\"a\":1}|2#1:{\"b\":2}|");
}

TEST(JsonLinesReaderTest, SameRecordsWhateverTheChunkSize) {
  TempDir dir;
  std::string content;
  for (int i = 0; i < 200; ++i) {
    content += "{\"n\":" + std::to_string(i) + ",\"pad\":\"" + std::string(static_cast<size_t>(i % 37), 'x') + "\"}";
    content += (i % 3 == 0) ? "\r\n" : "\n";
    if (i % 17 == 0) content += "\n";
  }
  std::string path = dir.Write("c.jsonl", content);
  std::string expected = Summary(ReadJsonl(path));
  EXPECT_EQ(ReadJsonl(path).size(), 200u);
  for (size_t chunk : {1, 2, 3, 7, 64, 1000}) {
    ReaderOptions o;
    o.chunk_bytes = chunk;
    EXPECT_EQ(Summary(ReadJsonl(path, o, 7)), expected) << "chunk " << chunk;
  }
}

TEST(JsonLinesReaderTest, BatchLimitsAndByteCounters) {
  TempDir dir;
  std::string content;
  for (int i = 0; i < 10; ++i) content += "{\"n\":" + std::to_string(i) + "}\n";
  auto r = JsonLinesReader::Open(dir.Write("d.jsonl", content));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->total_bytes(), content.size());
  RawBatch batch;
  batch.source = "kept";
  auto more = (*r)->Next(batch, 4, 1 << 20);
  ASSERT_TRUE(more.ok() && *more);
  EXPECT_EQ(batch.records.size(), 4u);
  EXPECT_EQ(batch.source, "kept");
  more = (*r)->Next(batch, 100, 5);  // stops once 5 bytes are in: one record
  ASSERT_TRUE(more.ok() && *more);
  EXPECT_EQ(batch.records.size(), 1u);
  EXPECT_EQ(batch.records[0].index, 4);
  more = (*r)->Next(batch, 100, 1 << 20);
  ASSERT_TRUE(more.ok() && *more);
  EXPECT_EQ(batch.records.size(), 5u);
  more = (*r)->Next(batch, 100, 1 << 20);
  ASSERT_TRUE(more.ok());
  EXPECT_FALSE(*more);
  EXPECT_TRUE(batch.records.empty());
  EXPECT_EQ((*r)->bytes_read(), content.size());
}

TEST(JsonLinesReaderTest, OverLongLineIsFlaggedAndReadingGoesOn) {
  TempDir dir;
  std::string big = "{\"text\":\"" + std::string(10000, 'y') + "\"}";
  std::string path = dir.Write("big.jsonl", "{\"a\":1}\n" + big + "\n{\"b\":2}\n" + big);
  for (size_t chunk : {16, 100, 1 << 20}) {
    ReaderOptions o;
    o.chunk_bytes = chunk;
    o.max_record_bytes = 1000;
    auto rs = ReadJsonl(path, o);
    ASSERT_EQ(rs.size(), 4u) << "chunk " << chunk;
    EXPECT_EQ(rs[0].bytes, "{\"a\":1}");
    EXPECT_EQ(rs[1].flaw, RecordFlaw::kTooLarge);
    EXPECT_EQ(rs[1].line, 2);
    EXPECT_LE(rs[1].bytes.size(), model::kMaxRejectRawBytes);
    EXPECT_EQ(rs[1].bytes.substr(0, 9), "{\"text\":\"");
    EXPECT_EQ(rs[2].bytes, "{\"b\":2}");
    EXPECT_EQ(rs[2].line, 3);
    EXPECT_EQ(rs[2].index, 2);
    EXPECT_EQ(rs[3].flaw, RecordFlaw::kTooLarge);
    EXPECT_EQ(rs[3].line, 4);
  }
}

TEST(JsonLinesReaderTest, PrettyPrintedObjectIsOneRecord) {
  TempDir dir;
  auto r = JsonLinesReader::Open(dir.Write("page.json", "\n\n{\n  \"data\": [\n    {\"id\": \"1\"}\n  ]\n}\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE((*r)->document_mode());
  EXPECT_EQ((*r)->first_record().substr(0, 1), "{");
  auto rs = ReadAll(**r);
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].line, 3);
  EXPECT_EQ(rs[0].bytes.back(), '}');
}

TEST(JsonLinesReaderTest, ArrayDocumentGivesOneRecordPerElement) {
  TempDir dir;
  auto rs = ReadJsonl(dir.Write("arr.json", "[\n {\"a\": 1},\n {\"b\": [2, 3]}\n]\n"));
  EXPECT_EQ(Summary(rs), "0#0:{\"a\":1}|0#1:{\"b\":[2,3]}|");
}

TEST(JsonLinesReaderTest, BrokenFirstLineStaysJsonLines) {
  TempDir dir;
  auto r = JsonLinesReader::Open(dir.Write("broken.jsonl", "{\"a\":\n{\"b\":2}\n"));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE((*r)->document_mode());
  EXPECT_EQ(Summary(ReadAll(**r)), "1#0:{\"a\":|2#1:{\"b\":2}|");
}

TEST(JsonLinesReaderTest, EmptyAndMissingFiles) {
  TempDir dir;
  EXPECT_TRUE(ReadJsonl(dir.Write("empty.jsonl", "")).empty());
  EXPECT_TRUE(ReadJsonl(dir.Write("blank.jsonl", "\n \n\r\n")).empty());
  auto r = JsonLinesReader::Open(dir.path() + "/nope.jsonl");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kNotFound);
  EXPECT_NE(r.status().message().find("nope.jsonl"), std::string::npos);
}

TEST(JsonLinesReaderTest, ReadsStandardInput) {
  TempDir dir;
  std::string path = dir.Write("in.jsonl", "{\"a\":1}\n{\"b\":2}\n");
  int saved = ::dup(STDIN_FILENO);
  int fd = ::open(path.c_str(), O_RDONLY);
  ASSERT_GE(fd, 0);
  ::dup2(fd, STDIN_FILENO);
  ::close(fd);
  std::vector<ReadRecord> rs;
  uint64_t total = 1;
  {
    auto r = JsonLinesReader::Open("-");
    ASSERT_TRUE(r.ok());
    rs = ReadAll(**r);
    total = (*r)->total_bytes();
  }
  ::dup2(saved, STDIN_FILENO);
  ::close(saved);
  EXPECT_EQ(Summary(rs), "1#0:{\"a\":1}|2#1:{\"b\":2}|");
  EXPECT_EQ(total, 0u);
}

TEST(CsvRowTest, QuotesEscapesAndEmptyFields) {
  CsvRow row;
  std::string error;
  ASSERT_TRUE(row.Parse("a,\"b,c\",\"say \"\"hi\"\"\",,\"multi\nline\",", ',', &error));
  ASSERT_EQ(row.size(), 6u);
  EXPECT_EQ(row[0], "a");
  EXPECT_EQ(row[1], "b,c");
  EXPECT_EQ(row[2], "say \"hi\"");
  EXPECT_EQ(row[3], "");
  EXPECT_EQ(row[4], "multi\nline");
  EXPECT_EQ(row[5], "");
  ASSERT_TRUE(row.Parse("\"\"", ',', &error));
  ASSERT_EQ(row.size(), 1u);
  EXPECT_EQ(row[0], "");
  ASSERT_TRUE(row.Parse("x\"y,\"a\"b", ',', &error));  // lenient, like Python's csv
  EXPECT_EQ(row[0], "x\"y");
  EXPECT_EQ(row[1], "ab");
  ASSERT_TRUE(row.Parse("a\tb c\t\"d\te\"", '\t', &error));
  ASSERT_EQ(row.size(), 3u);
  EXPECT_EQ(row[2], "d\te");
  EXPECT_FALSE(row.Parse("a,\"open", ',', &error));
  EXPECT_EQ(error, "unterminated quoted field (field 2)");
}

TEST(CsvReaderTest, HeaderQuotesEmbeddedNewlinesAndStartLines) {
  TempDir dir;
  std::string content =
      "\xEF\xBB\xBFid,text\r\n"
      "1,plain\r\n"
      "2,\"two\r\nlines\"\r\n"
      "\r\n"
      "3,\"with \"\"quotes\"\", and comma\"\r\n"
      "4,\"three\n\nlines\"\n"
      "5,last";
  std::string path = dir.Write("q.csv", content);
  std::vector<std::string> header;
  auto rs = ReadCsv(path, {}, ',', &header);
  EXPECT_THAT(header, ElementsAre("id", "text"));
  EXPECT_EQ(Summary(rs),
            "2#0:1,plain|3#1:2,\"two\r\nlines\"|6#2:3,\"with \"\"quotes\"\", and comma\"|"
            "7#3:4,\"three\n\nlines\"|10#4:5,last|");
  for (size_t chunk : {1, 2, 5, 13}) {
    ReaderOptions o;
    o.chunk_bytes = chunk;
    EXPECT_EQ(Summary(ReadCsv(path, o)), Summary(rs)) << "chunk " << chunk;
  }
}

TEST(CsvReaderTest, BareCarriageReturnIsData) {
  TempDir dir;
  auto rs = ReadCsv(dir.Write("cr.csv", "a,b\nx \r\ry,z\nq,r\n"));
  EXPECT_EQ(Summary(rs), "2#0:x \r\ry,z|3#1:q,r|");
}

TEST(CsvReaderTest, UnterminatedQuoteAtEndRejectsOneLineAndResumes) {
  TempDir dir;
  std::string path = dir.Write("open.csv", "id,text\n1,ok\n2,\"never closed\n3,fine\n4,also fine\n");
  for (size_t chunk : {3, 1 << 20}) {
    ReaderOptions o;
    o.chunk_bytes = chunk;
    auto rs = ReadCsv(path, o);
    EXPECT_EQ(Summary(rs), "2#0:1,ok|3#1:2,\"never closed!2|4#2:3,fine|5#3:4,also fine|") << chunk;
  }
}

TEST(CsvReaderTest, QuotedFieldOverTheLimitResumesOnNextLine) {
  TempDir dir;
  std::string content = "id,text\n1,\"stray quote\n";
  for (int i = 2; i < 200; ++i) content += std::to_string(i) + ",row\n";
  ReaderOptions o;
  o.chunk_bytes = 64;
  o.max_record_bytes = 256;
  auto rs = ReadCsv(dir.Write("stray.csv", content), o);
  ASSERT_EQ(rs.size(), 199u);
  EXPECT_EQ(rs[0].flaw, RecordFlaw::kUnterminatedQuote);
  EXPECT_EQ(rs[0].line, 2);
  EXPECT_EQ(rs[1].bytes, "2,row");
  EXPECT_EQ(rs[1].line, 3);
  EXPECT_EQ(rs.back().bytes, "199,row");
  EXPECT_EQ(rs.back().line, 200);
}

TEST(CsvReaderTest, OverLongUnquotedLineIsFlagged) {
  TempDir dir;
  std::string content = "id,text\n1," + std::string(5000, 'z') + "\n2,ok\n";
  ReaderOptions o;
  o.chunk_bytes = 100;
  o.max_record_bytes = 1000;
  auto rs = ReadCsv(dir.Write("long.csv", content), o);
  ASSERT_EQ(rs.size(), 2u);
  EXPECT_EQ(rs[0].flaw, RecordFlaw::kTooLarge);
  EXPECT_EQ(rs[0].line, 2);
  EXPECT_EQ(rs[1].bytes, "2,ok");
  EXPECT_EQ(rs[1].line, 3);
}

TEST(CsvReaderTest, TabDelimiterAndEmptyInput) {
  TempDir dir;
  std::vector<std::string> header;
  auto rs = ReadCsv(dir.Write("t.tsv", "a\tb\n\"x\ty\"\tz\n"), {}, '\t', &header);
  EXPECT_THAT(header, ElementsAre("a", "b"));
  EXPECT_EQ(Summary(rs), "2#0:\"x\ty\"\tz|");
  auto empty = CsvReader::Open(dir.Write("e.csv", "\n\n"), ',');
  ASSERT_FALSE(empty.ok());
  EXPECT_EQ(empty.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(empty.status().message().find("no header"), std::string::npos);
}

}  // namespace
}  // namespace ecoute::ingest
