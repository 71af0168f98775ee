// Test helpers for the ingest tests: temporary files and whole-input loops.
#pragma once

#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "ingest/input.h"
#include "ingest/raw_batch.h"
#include "model/mention.h"

namespace ecoute::ingest::testing {

// A fresh directory under TMPDIR, removed with its contents at destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "ecoute-ingest-XXXXXX").string();
    char* made = ::mkdtemp(tmpl.data());
    EXPECT_NE(made, nullptr);
    path_ = tmpl;
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

inline InputSpec Spec(std::string path, Format format = Format::kAuto,
                      std::optional<CsvMapping> mapping = std::nullopt) {
  InputSpec s;
  s.path = std::move(path);
  s.format = format;
  s.mapping = std::move(mapping);
  return s;
}

struct ReadRecord {
  std::string bytes;
  int64_t line;
  int64_t index;
  RecordFlaw flaw;
};

// Drains `reader` in batches of `batch_records`.
inline std::vector<ReadRecord> ReadAll(RecordReader& reader, size_t batch_records = 3, size_t batch_bytes = 1 << 20) {
  std::vector<ReadRecord> out;
  RawBatch batch;
  for (;;) {
    auto more = reader.Next(batch, batch_records, batch_bytes);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    EXPECT_FALSE(batch.records.empty());
    for (size_t i = 0; i < batch.records.size(); ++i) {
      out.push_back({std::string(batch.record(i)), batch.records[i].line, batch.records[i].index,
                     batch.records[i].flaw});
    }
  }
  return out;
}

struct Decoded {
  std::vector<model::Mention> mentions;
  std::vector<model::Rejection> rejects;
  size_t records = 0;
};

// Reads and decodes everything, the way the pipeline does.
inline Decoded DecodeAll(OpenedInput& in, const std::string& source) {
  Decoded d;
  RawBatch batch;
  batch.source = source;
  for (;;) {
    auto more = in.reader->Next(batch, 1000, 4 << 20);
    EXPECT_TRUE(more.ok()) << more.status().ToString();
    if (!more.ok() || !*more) break;
    for (size_t i = 0; i < batch.records.size(); ++i) {
      in.decoder->Decode(batch.record(i), batch.location(i), d.mentions, d.rejects);
    }
    d.records += batch.records.size();
  }
  return d;
}

inline Decoded DecodeOne(const Decoder& decoder, std::string_view record, int64_t line = 1) {
  Decoded d;
  decoder.Decode(record, Location{"t.jsonl", line, 0}, d.mentions, d.rejects);
  d.records = 1;
  return d;
}

}  // namespace ecoute::ingest::testing
