// Record readers: stream a file (or standard input) as records with constant
// memory. OpenInput() picks one; tests and tools may open them directly.
//
// Memory: one read buffer of about chunk_bytes, growing only while a single
// record is pending, up to max_record_bytes + chunk_bytes. A record longer
// than max_record_bytes is delivered as a RecordFlaw::kTooLarge prefix and
// the rest of it is skipped without buffering.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "ingest/input.h"
#include "ingest/raw_batch.h"
#include "model/mention.h"

namespace ecoute::ingest {

// A file descriptor with a sliding window of unconsumed bytes. Not
// thread-safe.
class InputBuffer {
 public:
  // Opens `path` ("-" = standard input, not closed). NotFound, IoError.
  static base::Result<std::unique_ptr<InputBuffer>> Open(const std::string& path, size_t chunk_bytes);
  ~InputBuffer();
  InputBuffer(const InputBuffer&) = delete;
  InputBuffer& operator=(const InputBuffer&) = delete;

  // Unconsumed bytes; valid until the next Fill() or Consume().
  const char* data() const { return buf_.data() + begin_; }
  size_t size() const { return end_ - begin_; }
  std::string_view view() const { return {data(), size()}; }
  void Consume(size_t n) { begin_ += n; }
  // Appends up to chunk_bytes more; returns false once at end of input.
  base::Result<bool> Fill();
  // Consumes everything up to and including the next '\n', reading more as
  // needed: the rest of an over-long record. False if input ends first.
  base::Result<bool> SkipLine();
  bool eof() const { return eof_; }

  const std::string& path() const { return path_; }
  uint64_t bytes_read() const { return bytes_read_; }
  uint64_t total_bytes() const { return total_bytes_; }

 private:
  InputBuffer(std::string path, int fd, bool owns_fd, uint64_t total, size_t chunk);

  std::string path_;
  int fd_;
  bool owns_fd_;
  uint64_t total_bytes_;
  uint64_t bytes_read_ = 0;
  size_t chunk_;
  std::vector<char> buf_;
  size_t begin_ = 0, end_ = 0;
  bool eof_ = false;
};

// JSON lines: one record per line, blank lines skipped, a trailing '\r' and
// a leading UTF-8 BOM stripped, `line` 1-based, `index` = record number.
//
// A file that is one JSON document instead (a pretty-printed object, or an
// array) is recognised when it fits in max_record_bytes and parses whole:
// an object becomes one record (its first line), an array one record per
// element (line 0, index = element position). A first line that is broken
// JSON does not switch modes: the file stays JSON lines and that line is
// rejected by the decoder.
class JsonLinesReader : public RecordReader {
 public:
  static base::Result<std::unique_ptr<JsonLinesReader>> Open(const std::string& path,
                                                             const ReaderOptions& options = {});
  // Takes over an input that may already hold buffered bytes.
  static base::Result<std::unique_ptr<JsonLinesReader>> Open(std::unique_ptr<InputBuffer> in,
                                                             const ReaderOptions& options);
  base::Result<bool> Next(RawBatch& batch, size_t max_records, size_t max_bytes) override;
  uint64_t bytes_read() const override { return in_->bytes_read(); }
  uint64_t total_bytes() const override { return in_->total_bytes(); }

  // The first record, for format detection; empty if there is none. Valid
  // until the first Next().
  std::string_view first_record() const { return first_record_; }
  bool document_mode() const { return document_mode_; }

 private:
  JsonLinesReader(std::unique_ptr<InputBuffer> in, const ReaderOptions& options);
  // What a flawed record keeps of its bytes (the same whatever the chunking).
  std::string_view FlawPrefix(std::string_view s) const {
    return s.substr(0, std::min(options_.max_record_bytes, model::kMaxRejectRawBytes));
  }
  base::Status Sniff();

  std::unique_ptr<InputBuffer> in_;
  ReaderOptions options_;
  int64_t line_ = 0;   // lines consumed so far
  int64_t index_ = 0;  // records emitted so far
  bool skipping_ = false;  // inside an over-long line, dropping bytes to its end
  bool document_mode_ = false;
  RawBatch document_;  // document mode: all records, handed out by Next()
  size_t document_next_ = 0;
  std::string first_record_;
};

// CSV per RFC 4180: fields separated by `delimiter`, quoted fields with ""
// escapes and embedded delimiters/newlines, LF or CRLF line ends (a bare CR
// is data), a leading UTF-8 BOM stripped, blank lines skipped. The header is
// read at Open(). Records are delivered raw (quotes kept, line end removed):
// split them with CsvRow. `line` is the physical line where the record
// starts, `index` the 0-based data record number.
//
// A quoted field still open at end of input, or longer than
// max_record_bytes, is taken for a stray quote: the record's first line is
// delivered flawed (kUnterminatedQuote) and reading resumes on the next line.
class CsvReader : public RecordReader {
 public:
  // InvalidArgument when the input is empty (no header).
  static base::Result<std::unique_ptr<CsvReader>> Open(const std::string& path, char delimiter,
                                                       const ReaderOptions& options = {});
  static base::Result<std::unique_ptr<CsvReader>> Open(std::unique_ptr<InputBuffer> in, char delimiter,
                                                       const ReaderOptions& options);
  base::Result<bool> Next(RawBatch& batch, size_t max_records, size_t max_bytes) override;
  uint64_t bytes_read() const override { return in_->bytes_read(); }
  uint64_t total_bytes() const override { return in_->total_bytes(); }

  const std::vector<std::string>& header() const { return header_; }
  char delimiter() const { return delim_; }

 private:
  enum class State : uint8_t { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };
  struct Piece {
    std::string_view bytes;  // without the line end
    int64_t line = 0;
    RecordFlaw flaw = RecordFlaw::kNone;
    bool blank = false;
  };
  CsvReader(std::unique_ptr<InputBuffer> in, char delimiter, const ReaderOptions& options);
  std::string_view FlawPrefix(std::string_view s) const {
    return s.substr(0, std::min(options_.max_record_bytes, model::kMaxRejectRawBytes));
  }
  // Finds the next record at the front of the buffer, filling as needed.
  // Returns false at end of input. The piece is valid until Consume.
  base::Result<bool> NextPiece(Piece& piece, size_t& consume);

  std::unique_ptr<InputBuffer> in_;
  char delim_;
  ReaderOptions options_;
  std::vector<std::string> header_;
  int64_t line_ = 0;   // physical lines consumed
  int64_t index_ = 0;  // data records emitted
  bool skipping_ = false;
  // Scan state of the pending record, kept across Fill() calls.
  State state_ = State::kFieldStart;
  size_t scanned_ = 0;
  int64_t newlines_ = 0;
};

// If `text` is one JSON object or array (surrounding whitespace allowed),
// appends its records to `batch` and returns true: an object is one record
// (line = its first line), an array one minified record per element (line 0,
// index = position). Otherwise appends nothing and returns false.
bool AppendJsonDocument(std::string_view text, RawBatch& batch);

// Splits one raw CSV record into fields, undoing the quoting (lenient like
// Python's csv: text after a closing quote is kept). Reusable; fields stay
// valid until the next Parse().
class CsvRow {
 public:
  // False with `error` set when a quoted field is not closed.
  bool Parse(std::string_view record, char delimiter, std::string* error);
  size_t size() const { return fields_.size(); }
  std::string_view operator[](size_t i) const {
    const Field& f = fields_[i];
    return f.in_scratch ? std::string_view(scratch_).substr(f.offset, f.size) : record_.substr(f.offset, f.size);
  }

 private:
  struct Field {
    bool in_scratch;
    size_t offset, size;
  };
  std::string_view record_;
  std::string scratch_;
  std::vector<Field> fields_;
};

}  // namespace ecoute::ingest
