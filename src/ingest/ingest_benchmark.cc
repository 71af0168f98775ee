// Throughput of the ingest readers and decoders on generated data.
//
//   ingest_benchmark [megabytes=256]
//
// Writes a JSON lines file of ~300-byte ecoute records (and a CSV) under
// TMPDIR, then reports reader MB/s and single-thread decode records/s. The
// files are read from the page cache: this measures our code, not the disk.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "ingest/formats/formats.h"
#include "ingest/input.h"
#include "ingest/record_reader.h"
#include "model/mention_json.h"

namespace ecoute::ingest {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

std::string EcouteLine(int64_t i) {
  model::Mention m;
  m.channel = model::Channel::kTwitter;
  m.native_id = std::to_string(1500000000000000000 + i);
  m.author.handle = "cust" + std::to_string(i % 100000);
  m.author.followers = i % 5000;
  m.direction = model::Direction::kInbound;
  m.created_at = 1509487847000 + i * 1000;
  m.text = "@brand my internet is down since this morning, order " + std::to_string(i) + ", help";
  m.language = "en";
  m.language_declared = true;
  m.engagement.likes = i % 13;
  return model::MentionToJsonLine(m);
}

struct ReadResult {
  uint64_t records = 0;
  uint64_t bytes = 0;
  double seconds = 0;
};

ReadResult ReadThrough(RecordReader& reader, const Decoder* decoder, const std::string& source) {
  RawBatch batch;
  batch.source = source;
  std::vector<model::Mention> out;
  std::vector<model::Rejection> rejects;
  ReadResult r;
  auto start = std::chrono::steady_clock::now();
  for (;;) {
    auto more = reader.Next(batch, 4096, 4 << 20);
    if (!more.ok() || !*more) break;
    r.records += batch.records.size();
    if (decoder != nullptr) {
      for (size_t i = 0; i < batch.records.size(); ++i) decoder->Decode(batch.record(i), batch.location(i), out, rejects);
      out.clear();
    }
  }
  r.seconds = Seconds(start);
  r.bytes = reader.bytes_read();
  if (!rejects.empty()) std::printf("  (%zu rejects: %s)\n", rejects.size(), rejects[0].reason.c_str());
  return r;
}

void Report(const char* what, const ReadResult& r) {
  std::printf("%-44s %9.0f MB/s %11.0f records/s  (%llu records, %.1f MB, %.3f s)\n", what,
              r.bytes / r.seconds / 1e6, r.records / r.seconds, static_cast<unsigned long long>(r.records),
              r.bytes / 1e6, r.seconds);
}

// Decodes the same records over and over: for profiling the decoder.
void DecodeLoop(int rounds) {
  auto ecoute = formats::MakeEcouteDecoder();
  std::vector<std::string> lines;
  for (int64_t i = 0; i < 1000; ++i) lines.push_back(EcouteLine(i));
  std::vector<model::Mention> out;
  std::vector<model::Rejection> rejects;
  auto start = std::chrono::steady_clock::now();
  for (int r = 0; r < rounds; ++r) {
    out.clear();
    for (const std::string& line : lines) ecoute->Decode(line, Location{"mem", 0, 0}, out, rejects);
  }
  double s = Seconds(start);
  std::printf("decode loop: %.0f records/s, %zu bytes per record\n", rounds * 1000.0 / s, lines[0].size());
}

int Main(int argc, char** argv) {
  if (argc > 1 && std::string(argv[1]) == "--decode-loop") {
    DecodeLoop(argc > 2 ? std::atoi(argv[2]) : 2000);
    return 0;
  }
  double megabytes = argc > 1 ? std::atof(argv[1]) : 256;
  std::string dir = (std::filesystem::temp_directory_path() / ("ecoute-ingest-bench-" + std::to_string(getpid()))).string();
  std::filesystem::create_directories(dir);
  std::string jsonl = dir + "/mentions.jsonl";
  std::string csv = dir + "/mentions.csv";
  {
    std::ofstream j(jsonl, std::ios::binary);
    std::ofstream c(csv, std::ios::binary);
    c << "tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id\n";
    uint64_t written = 0;
    size_t line_bytes = 0;
    for (int64_t i = 0; written < megabytes * 1e6; ++i) {
      std::string line = EcouteLine(i);
      line_bytes = line.size();
      j << line << '\n';
      written += line.size() + 1;
      c << i << ",customer_" << i % 100000 << ",True,Tue Oct 31 22:10:47 +0000 2017,"
        << "\"@brand my internet has been down since this morning, order " << i
        << ", can someone help me please? Thanks\",," << i / 2 << ".0\n";
    }
    std::printf("generated %.0f MB of ecoute JSON lines, %zu bytes per line\n", written / 1e6, line_bytes);
  }
  auto ecoute = formats::MakeEcouteDecoder();
  for (int pass = 0; pass < 2; ++pass) {  // the first pass warms the page cache
    auto reader = JsonLinesReader::Open(jsonl);
    if (!reader.ok()) return 1;
    ReadResult r = ReadThrough(**reader, nullptr, jsonl);
    if (pass == 1) Report("JSON lines reader", r);
  }
  {
    auto reader = JsonLinesReader::Open(jsonl);
    if (!reader.ok()) return 1;
    Report("JSON lines reader + ecoute decoder (1 thread)", ReadThrough(**reader, ecoute.get(), jsonl));
  }
  // Decode only, from memory, in batches of 1000 like the pipeline.
  {
    std::vector<std::string> lines;
    for (int64_t i = 0; i < 200000; ++i) lines.push_back(EcouteLine(i * 3));
    auto decode_part = [&](size_t begin, size_t step) {
      std::vector<model::Mention> out;
      std::vector<model::Rejection> rejects;
      for (size_t b = begin * 1000; b < lines.size(); b += step * 1000) {
        out.clear();
        for (size_t i = b; i < b + 1000 && i < lines.size(); ++i) {
          ecoute->Decode(lines[i], Location{"mem", 0, 0}, out, rejects);
        }
      }
    };
    for (size_t threads : {1, 2}) {
      auto start = std::chrono::steady_clock::now();
      std::vector<std::thread> pool;
      for (size_t t = 0; t < threads; ++t) pool.emplace_back(decode_part, t, threads);
      for (auto& t : pool) t.join();
      double s = Seconds(start);
      std::printf("ecoute decoder alone, in memory, %zu thread(s)     %11.0f records/s\n", threads,
                  lines.size() / s);
    }
  }
  for (int pass = 0; pass < 2; ++pass) {
    auto reader = CsvReader::Open(csv, ',');
    if (!reader.ok()) return 1;
    ReadResult r = ReadThrough(**reader, nullptr, csv);
    if (pass == 1) Report("CSV reader", r);
  }
  {
    auto opened = OpenInput({csv, Format::kTwcs, std::nullopt});
    if (!opened.ok()) return 1;
    Report("CSV reader + twcs decoder (1 thread)", ReadThrough(*opened->reader, opened->decoder.get(), csv));
  }
  std::filesystem::remove_all(dir);
  return 0;
}

}  // namespace
}  // namespace ecoute::ingest

int main(int argc, char** argv) { return ecoute::ingest::Main(argc, argv); }
