// Decoder: turns one raw record (a JSON line, a CSV record) into Mentions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/mention.h"

namespace ecoute::ingest {

// Why a reader could not deliver a record whole. Readers keep going after
// such a record; every decoder rejects a flawed record with
// RecordFlawReason() instead of decoding it.
enum class RecordFlaw : uint8_t {
  kNone,
  kTooLarge,           // over the reader's record limit (16 MiB): the bytes are a prefix
  kUnterminatedQuote,  // CSV quoted field never closed: the bytes are the record's first line
};
// "record is larger than the 16 MiB limit; skipped", ... ("" for kNone).
std::string_view RecordFlawReason(RecordFlaw flaw);

// Where a record came from, for error messages: "tweets.jsonl:42" when
// `line` > 0, otherwise "<source>[<index>]" (a batch position).
struct Location {
  std::string_view source;
  int64_t line = 0;
  int64_t index = 0;
  RecordFlaw flaw = RecordFlaw::kNone;  // set by RawBatch::location()
  std::string ToString() const;
};

class Decoder {
 public:
  virtual ~Decoder() = default;
  // Short name of the format: "ecoute", "twitter_v2", "twcs", "csv".
  virtual std::string_view name() const = 0;
  // Decodes `record` and appends zero or more Mentions to `out` (a Twitter v2
  // page holds several), or appends one Rejection per bad record to
  // `rejects` naming the location, the field and the reason. Never throws.
  // Mentions appended are complete: channel, native_id, created_at, valid
  // UTF-8 non-empty text. Thread-safe: called concurrently from workers.
  virtual void Decode(std::string_view record, const Location& where, std::vector<model::Mention>& out,
                      std::vector<model::Rejection>& rejects) const = 0;
};

}  // namespace ecoute::ingest
