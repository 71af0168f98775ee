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
  // Decode the HTML entities Twitter exports leave in text and title
  // (&amp; &lt; &gt; &quot; &#39;).
  bool unescape_html = false;
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

// Reader tuning; the defaults suit production, tests shrink chunk_bytes to
// exercise chunk boundaries.
struct ReaderOptions {
  size_t chunk_bytes = size_t{1} << 20;        // bytes per read(2)
  size_t max_record_bytes = size_t{16} << 20;  // longer records are flawed (RecordFlaw)
};

struct InputSpec {
  std::string path;  // "-" for standard input
  Format format = Format::kAuto;
  std::optional<CsvMapping> mapping = std::nullopt;  // required for kCsv unless a built-in fits
};

struct OpenedInput {
  std::unique_ptr<RecordReader> reader;
  std::shared_ptr<const Decoder> decoder;
  Format format = Format::kAuto;
};

// Opens `spec.path` ("-" = standard input) and builds the decoder.
//
// Detection when spec.format is kAuto (docs/formats.md):
//   - a mapping was given                -> kCsv through it;
//   - extension .jsonl/.json/.ndjson     -> JSON; .csv -> CSV; .tsv -> CSV
//     with tabs; otherwise (and for "-") the first non-blank byte decides:
//     '{' or '[' -> JSON, anything else -> CSV (tab-separated when the
//     first line has tabs and no commas);
//   - CSV: header with tweet_id, author_id, inbound, created_at, text ->
//     kTwcs; a header using field paths (at least text and created_at) ->
//     kCsv mapping each column to itself, the rest to attributes; otherwise
//     InvalidArgument listing the header and asking for a mapping;
//   - JSON: `format` is kTwitterV2 when the first record has "data" (or is
//     a bare tweet), else kEcoute; the decoder still picks per record
//     (MakeJsonDecoder), so one broken first line does not doom a file.
// An explicit format is obeyed. Errors: NotFound, IoError, InvalidArgument
// (empty CSV, unknown CSV header without mapping, mapping naming a column
// the header lacks: names the column and lists the header; a mapping given
// for JSON or twcs input).
base::Result<OpenedInput> OpenInput(const InputSpec& spec);
base::Result<OpenedInput> OpenInput(const InputSpec& spec, const ReaderOptions& options);

// A JSON decoder for HTTP bodies: per record, a Twitter v2 object/page when
// it has "data" (or is a bare tweet: "id" and "text", no "native_id" or
// "channel"), else ecoute JSON. Shared, thread-safe.
std::shared_ptr<const Decoder> MakeJsonDecoder();

// Splits an HTTP body into records: a single JSON object (which may span
// lines; one record, line = its first line), a JSON array (one minified
// record per element, line 0), or else JSON lines (blank lines skipped,
// '\r' stripped). Records get index = position in the body (from 0) and
// line = line number in the body. A leading UTF-8 BOM is ignored. Appends
// to `batch`; never fails (bad records are the decoder's to reject).
void SplitJsonBody(std::string_view body, RawBatch& batch);

}  // namespace ecoute::ingest
