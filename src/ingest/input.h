// Opening inputs: files (JSONL, CSV) and HTTP bodies, with format detection.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "ingest/decoder.h"
#include "ingest/raw_batch.h"

namespace ecoute::ingest {

enum class Format {
  kAuto,       // by extension and by sniffing the first record / CSV header
  kEcoute,     // ecoute JSON lines (docs/data-model.md)
  kTwitterV2,  // Twitter API v2 tweet objects or pages with includes.users
  kTwcs,       // "Customer Support on Twitter" CSV
  kCsv,        // any CSV through a CsvMapping
};
std::string_view FormatName(Format f);                      // "auto", "ecoute", "twitter_v2", "twcs", "csv"
base::Result<Format> ParseFormat(std::string_view name);    // inverse; InvalidArgument lists the valid names

// How the columns of a CSV become Mention fields (docs/formats.md).
struct CsvMapping {
  std::string name;
  char delimiter = ',';
  // Mention field path -> CSV column name. Field paths: native_id, text,
  // title, created_at, channel, source, url, lang, country, direction,
  // reply_to, reshare_of, quote_of, thread_id, author.handle, author.name,
  // author.followers, author.verified, engagement.likes, engagement.reshares,
  // engagement.replies, engagement.quotes, engagement.views.
  std::map<std::string, std::string> columns;
  // Mention field path -> constant value, used when no column gives it.
  std::map<std::string, std::string> defaults;
  // attribute name -> CSV column name (kept in Mention::attributes).
  std::map<std::string, std::string> attributes;
};

// Loads a mapping from a YAML file; errors name file:line and the field.
base::Result<CsvMapping> LoadCsvMapping(const std::string& path);

// Streams records from a file with constant memory. Not thread-safe: one
// reader thread.
class RecordReader {
 public:
  virtual ~RecordReader() = default;
  // Clears `batch` (keeping source and decoder) and fills it with up to
  // `max_records` records or about `max_bytes`. Returns false at end of
  // input (batch empty). IoError on read failure.
  virtual base::Result<bool> Next(RawBatch& batch, size_t max_records, size_t max_bytes) = 0;
  virtual uint64_t bytes_read() const = 0;
  virtual uint64_t total_bytes() const = 0;  // 0 when unknown (a pipe)
};

struct InputSpec {
  std::string path;  // "-" for standard input
  Format format = Format::kAuto;
  std::optional<CsvMapping> mapping;  // required for kCsv unless a built-in fits
};

struct OpenedInput {
  std::unique_ptr<RecordReader> reader;
  std::shared_ptr<const Decoder> decoder;
  Format format = Format::kAuto;
};

// Opens `spec.path`, detects the format when kAuto (CSV header columns of
// twcs -> kTwcs; a CSV with a mapping -> kCsv; JSON lines whose first record
// has "data" -> kTwitterV2, else kEcoute) and builds the decoder. Errors:
// NotFound, IoError, InvalidArgument (unknown CSV header without mapping,
// mapping naming a column the header lacks: names the column).
base::Result<OpenedInput> OpenInput(const InputSpec& spec);

// A JSON decoder for HTTP bodies: per record, a Twitter v2 object/page when
// it has "data", else ecoute JSON.
std::shared_ptr<const Decoder> MakeJsonDecoder();

// Splits an HTTP body into records: a single JSON object (which may span
// lines) or JSON lines (blank lines skipped). Records get index = position
// and line = line number in the body. Appends to `batch`.
void SplitJsonBody(std::string_view body, RawBatch& batch);

}  // namespace ecoute::ingest
