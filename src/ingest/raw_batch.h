// RawBatch: a run of undecoded records that travels through the pipeline.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/decoder.h"

namespace ecoute::ingest {

struct RawBatch {
  struct Record {
    uint32_t offset = 0;  // into buffer
    uint32_t size = 0;
    int64_t line = 0;   // first line of the record in its file, 1-based; 0 if not from a file
    int64_t index = 0;  // position in its request or file, 0-based
    RecordFlaw flaw = RecordFlaw::kNone;  // the reader could not deliver it whole
  };

  std::string source;                       // file path, or "POST /api/v1/mentions"
  std::shared_ptr<const Decoder> decoder;   // shared, immutable, thread-safe
  std::string buffer;                       // owns the bytes of every record
  std::vector<Record> records;

  std::string_view record(size_t i) const { return {buffer.data() + records[i].offset, records[i].size}; }
  Location location(size_t i) const { return {source, records[i].line, records[i].index, records[i].flaw}; }
  void Clear() {
    buffer.clear();
    records.clear();
  }
  void Add(std::string_view bytes, int64_t line, int64_t index) {
    records.push_back({static_cast<uint32_t>(buffer.size()), static_cast<uint32_t>(bytes.size()), line, index});
    buffer.append(bytes);
  }
  // Adds a record the reader could only deliver in part; decoders reject it
  // with RecordFlawReason(flaw).
  void AddFlawed(std::string_view bytes, int64_t line, int64_t index, RecordFlaw flaw) {
    Add(bytes, line, index);
    records.back().flaw = flaw;
  }
};

}  // namespace ecoute::ingest
