// Internal to the api module: CSV for the export routes
// (GET /api/v1/export/mentions.csv, /export/cases.csv).
//
// RFC 4180: rows end with CRLF; a field holding a comma, a double quote, CR
// or LF is quoted, its quotes doubled. The file starts with a UTF-8 byte
// order mark (kUtf8Bom) so that spreadsheet programs read accents right.
// Text cells that start with = + - @ TAB or CR get a leading ' so that a
// spreadsheet does not run them as formulas (CSV injection); numbers,
// times and booleans the server writes itself are never changed.
//
// Pure functions; CsvLine is a plain value, one per thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/reply.h"
#include "base/time.h"

namespace ecoute::api {

inline constexpr std::string_view kUtf8Bom = "\xEF\xBB\xBF";
// httplib compresses it when the client accepts gzip or br (rows are then
// sent as the compressor fills, which suits a download).
inline constexpr const char* kCsvType = "text/csv; charset=utf-8";

// Appends `cell` to `out` as one CSV field: guarded against formulas
// (see above), then quoted when it must be.
void AppendCsvText(std::string& out, std::string_view cell);

// Builds one row into a string: fields separated by commas, End() adds the
// CRLF.
class CsvLine {
 public:
  explicit CsvLine(std::string& out) : out_(out) {}

  CsvLine& Text(std::string_view s);                  // user text: guarded and quoted
  CsvLine& Join(const std::vector<std::string>& items, std::string_view sep = "; ");  // Text of the items joined
  CsvLine& Int(int64_t v);
  CsvLine& Int(std::optional<int64_t> v);             // empty when nullopt
  CsvLine& Number(std::optional<double> v);           // shortest round-trip form; empty when nullopt
  CsvLine& Bool(std::optional<bool> v);               // true | false | empty
  CsvLine& Time(base::Timestamp t);                   // base::FormatTimestamp (ISO 8601 UTC); empty when 0
  CsvLine& Empty();
  void End();

 private:
  void Separate();
  std::string& out_;
  bool first_ = true;
};

// The header row of `columns` (the BOM first when `bom`).
std::string CsvHeader(const std::vector<std::string_view>& columns, bool bom = true);

// `Content-Disposition: attachment; filename="ecoute-<what>-YYYYMMDD-HHMM.csv"`
// with the UTC time `now`.
std::string CsvAttachment(std::string_view what, base::Timestamp now);

// The headers of a CSV export reply: the attachment's name, no caching.
Reply CsvReply(std::string_view what, base::Timestamp now);

}  // namespace ecoute::api
