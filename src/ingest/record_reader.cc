#include "ingest/record_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include <simdjson.h>

#include "ingest/formats/common.h"

namespace ecoute::ingest {
namespace {

bool IsJsonSpace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view StripCr(std::string_view s) {
  if (!s.empty() && s.back() == '\r') s.remove_suffix(1);
  return s;
}


// Consumes a UTF-8 byte order mark at the very start of the input.
base::Status StripBom(InputBuffer& in) {
  while (in.size() < 3 && !in.eof()) {
    ECOUTE_ASSIGN_OR_RETURN(bool more, in.Fill());
    if (!more) break;
  }
  if (in.view().substr(0, 3) == "\xEF\xBB\xBF") in.Consume(3);
  return base::Status::Ok();
}

std::string ErrnoText(int err) { return std::strerror(err); }

}  // namespace

// ---------------------------------------------------------------------------
// InputBuffer

InputBuffer::InputBuffer(std::string path, int fd, bool owns_fd, uint64_t total, size_t chunk)
    : path_(std::move(path)), fd_(fd), owns_fd_(owns_fd), total_bytes_(total), chunk_(std::max<size_t>(chunk, 1)) {}

InputBuffer::~InputBuffer() {
  if (owns_fd_) ::close(fd_);
}

base::Result<std::unique_ptr<InputBuffer>> InputBuffer::Open(const std::string& path, size_t chunk_bytes) {
  if (path == "-") {
    return std::unique_ptr<InputBuffer>(new InputBuffer("<stdin>", STDIN_FILENO, false, 0, chunk_bytes));  // NOLINT: private constructor
  }
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    int err = errno;
    if (err == ENOENT) return base::Status::NotFound(path + ": no such file");
    return base::Status::IoError(path + ": cannot open: " + ErrnoText(err));
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return base::Status::IoError(path + ": cannot stat: " + ErrnoText(err));
  }
  if (S_ISDIR(st.st_mode)) {
    ::close(fd);
    return base::Status::InvalidArgument(path + ": is a directory");
  }
  uint64_t total = S_ISREG(st.st_mode) ? static_cast<uint64_t>(st.st_size) : 0;
  if (S_ISREG(st.st_mode)) ::posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
  return std::unique_ptr<InputBuffer>(new InputBuffer(path, fd, true, total, chunk_bytes));  // NOLINT
}

base::Result<bool> InputBuffer::SkipLine() {
  for (;;) {
    const void* nl = std::memchr(data(), '\n', size());
    if (nl != nullptr) {
      Consume(static_cast<size_t>(static_cast<const char*>(nl) - data()) + 1);
      return true;
    }
    Consume(size());
    ECOUTE_ASSIGN_OR_RETURN(bool more, Fill());
    if (!more) return false;
  }
}

base::Result<bool> InputBuffer::Fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    size_t n = size();
    if (n > 0) std::memmove(buf_.data(), buf_.data() + begin_, n);
    begin_ = 0;
    end_ = n;
  }
  if (buf_.size() < end_ + chunk_) buf_.resize(end_ + chunk_);
  ssize_t got;
  do {
    got = ::read(fd_, buf_.data() + end_, chunk_);
  } while (got < 0 && errno == EINTR);
  if (got < 0) return base::Status::IoError(path_ + ": read failed: " + ErrnoText(errno));
  if (got == 0) {
    eof_ = true;
    return false;
  }
  end_ += static_cast<size_t>(got);
  bytes_read_ += static_cast<uint64_t>(got);
  return true;
}

// ---------------------------------------------------------------------------
// JSON documents

bool AppendJsonDocument(std::string_view text, RawBatch& batch) {
  size_t b = 0;
  while (b < text.size() && IsJsonSpace(text[b])) ++b;
  size_t e = text.size();
  while (e > b && IsJsonSpace(text[e - 1])) --e;
  if (b == e || (text[b] != '{' && text[b] != '[')) return false;
  std::string_view doc = text.substr(b, e - b);
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  if (parser.parse(doc.data(), doc.size()).get(root) != simdjson::SUCCESS) return false;
  if (root.is_object()) {
    int64_t line = 1 + std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(b), '\n');
    batch.Add(doc, line, 0);
    return true;
  }
  simdjson::dom::array elements;
  if (root.get_array().get(elements) != simdjson::SUCCESS) return false;
  int64_t index = 0;
  for (simdjson::dom::element el : elements) batch.Add(simdjson::minify(el), 0, index++);
  return true;
}

// ---------------------------------------------------------------------------
// JsonLinesReader

JsonLinesReader::JsonLinesReader(std::unique_ptr<InputBuffer> in, const ReaderOptions& options)
    : in_(std::move(in)), options_(options) {}

base::Result<std::unique_ptr<JsonLinesReader>> JsonLinesReader::Open(const std::string& path,
                                                                     const ReaderOptions& options) {
  ECOUTE_ASSIGN_OR_RETURN(auto in, InputBuffer::Open(path, options.chunk_bytes));
  return Open(std::move(in), options);
}

base::Result<std::unique_ptr<JsonLinesReader>> JsonLinesReader::Open(std::unique_ptr<InputBuffer> in,
                                                                     const ReaderOptions& options) {
  std::unique_ptr<JsonLinesReader> r(new JsonLinesReader(std::move(in), options));  // NOLINT: private constructor
  ECOUTE_RETURN_IF_ERROR(r->Sniff());
  return r;
}

// Looks at the start of the input without consuming records: finds the first
// record (for format detection) and decides between JSON lines and a single
// JSON document.
base::Status JsonLinesReader::Sniff() {
  ECOUTE_RETURN_IF_ERROR(StripBom(*in_));
  const size_t limit = options_.max_record_bytes;
  // Find the first non-blank line, buffering at most `limit` bytes past it.
  size_t start = 0;
  for (;;) {
    std::string_view v = in_->view();
    while (start < v.size() && IsJsonSpace(v[start])) ++start;
    if (start < v.size()) {
      size_t nl = v.find('\n', start);
      if (nl != std::string_view::npos || in_->eof()) break;
      if (v.size() - start > limit) return base::Status::Ok();  // over-long first line: plain lines
    } else if (in_->eof()) {
      return base::Status::Ok();  // empty input
    }
    ECOUTE_ASSIGN_OR_RETURN(bool more, in_->Fill());
    (void)more;
  }
  std::string_view v = in_->view();
  size_t nl = v.find('\n', start);
  size_t first_size = StripCr(v.substr(start, nl == std::string_view::npos ? v.size() - start : nl - start)).size();
  std::string_view first = v.substr(start, first_size);
  bool first_parses = false;
  if (first.front() == '{') {
    simdjson::dom::parser parser;
    simdjson::dom::element el;
    first_parses = parser.parse(first.data(), first.size()).get(el) == simdjson::SUCCESS;
  }
  if (!first_parses && (first.front() == '{' || first.front() == '[')) {
    // Maybe one document spanning lines (or an array): needs all of it.
    while (!in_->eof() && in_->size() <= limit) {
      ECOUTE_ASSIGN_OR_RETURN(bool more, in_->Fill());
      (void)more;
    }
    if (in_->eof() && in_->size() <= limit && AppendJsonDocument(in_->view(), document_)) {
      document_mode_ = true;
      in_->Consume(in_->size());
      if (!document_.records.empty()) first_record_.assign(document_.record(0));
      return base::Status::Ok();
    }
    first = in_->view().substr(start, first_size);  // the buffer moved
  }
  first_record_.assign(first.substr(0, limit));
  return base::Status::Ok();
}

base::Result<bool> JsonLinesReader::Next(RawBatch& batch, size_t max_records, size_t max_bytes) {
  batch.Clear();
  first_record_.clear();
  max_records = std::max<size_t>(max_records, 1);
  if (document_mode_) {
    while (document_next_ < document_.records.size() && batch.records.size() < max_records &&
           batch.buffer.size() < max_bytes) {
      const RawBatch::Record& r = document_.records[document_next_];
      batch.Add(document_.record(document_next_), r.line, r.index);
      ++document_next_;
    }
    if (document_next_ == document_.records.size()) document_ = RawBatch();
    return !batch.records.empty();
  }
  const size_t limit = options_.max_record_bytes;
  while (batch.records.size() < max_records && batch.buffer.size() < max_bytes) {
    const char* p = in_->data();
    size_t n = in_->size();
    if (skipping_) {  // the rest of an over-long line; its line was counted
      ECOUTE_ASSIGN_OR_RETURN(bool found, in_->SkipLine());
      skipping_ = false;
      if (!found) break;
      continue;
    }
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', n));
    std::string_view rec;
    size_t consume;
    if (nl != nullptr) {
      rec = std::string_view(p, static_cast<size_t>(nl - p));
      consume = rec.size() + 1;
    } else if (n > limit) {
      ++line_;
      batch.AddFlawed(FlawPrefix({p, n}), line_, index_++, RecordFlaw::kTooLarge);
      in_->Consume(n);
      skipping_ = true;
      continue;
    } else if (!in_->eof()) {
      ECOUTE_ASSIGN_OR_RETURN(bool more, in_->Fill());
      (void)more;
      continue;
    } else if (n == 0) {
      break;
    } else {
      rec = std::string_view(p, n);  // last line, no newline
      consume = n;
    }
    ++line_;
    rec = StripCr(rec);
    if (rec.size() > limit) {
      batch.AddFlawed(FlawPrefix(rec), line_, index_++, RecordFlaw::kTooLarge);
    } else if (!formats::IsBlank(rec)) {
      batch.Add(rec, line_, index_++);
    }
    in_->Consume(consume);
  }
  return !batch.records.empty();
}

// ---------------------------------------------------------------------------
// CsvReader

CsvReader::CsvReader(std::unique_ptr<InputBuffer> in, char delimiter, const ReaderOptions& options)
    : in_(std::move(in)), delim_(delimiter), options_(options) {}

base::Result<std::unique_ptr<CsvReader>> CsvReader::Open(const std::string& path, char delimiter,
                                                         const ReaderOptions& options) {
  ECOUTE_ASSIGN_OR_RETURN(auto in, InputBuffer::Open(path, options.chunk_bytes));
  return Open(std::move(in), delimiter, options);
}

base::Result<std::unique_ptr<CsvReader>> CsvReader::Open(std::unique_ptr<InputBuffer> in, char delimiter,
                                                         const ReaderOptions& options) {
  if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
    return base::Status::InvalidArgument("CSV delimiter cannot be a quote or a line end");
  }
  std::unique_ptr<CsvReader> r(new CsvReader(std::move(in), delimiter, options));  // NOLINT: private constructor
  ECOUTE_RETURN_IF_ERROR(StripBom(*r->in_));
  Piece piece;
  size_t consume = 0;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool got, r->NextPiece(piece, consume));
    if (!got) return base::Status::InvalidArgument(r->in_->path() + ": empty CSV: no header line");
    if (!piece.blank) break;
    r->in_->Consume(consume);
  }
  std::string where = r->in_->path() + ":" + std::to_string(piece.line) + ": CSV header: ";
  if (piece.flaw != RecordFlaw::kNone) return base::Status::InvalidArgument(where + std::string(RecordFlawReason(piece.flaw)));
  CsvRow row;
  std::string error;
  if (!row.Parse(piece.bytes, delimiter, &error)) return base::Status::InvalidArgument(where + error);
  for (size_t i = 0; i < row.size(); ++i) r->header_.emplace_back(formats::TrimSpace(row[i]));
  r->in_->Consume(consume);
  return r;
}

base::Result<bool> CsvReader::NextPiece(Piece& piece, size_t& consume) {
  const size_t limit = options_.max_record_bytes;
  for (;;) {
    const char* p = in_->data();
    size_t n = in_->size();
    if (skipping_) {  // the rest of an over-long record; its line was counted
      ECOUTE_ASSIGN_OR_RETURN(bool found, in_->SkipLine());
      skipping_ = false;
      if (!found) return false;
      continue;
    }
    // Scan at most limit + 1 bytes of the record, so every decision below
    // depends on the bytes only, never on where chunk boundaries fell.
    const size_t window = std::min(n, limit + 1);
    size_t i = scanned_;
    State st = state_;
    size_t end = std::string_view::npos;
    while (i < window) {
      char c = p[i];
      switch (st) {
        case State::kFieldStart:
          if (c == '"') st = State::kQuoted;
          else if (c == '\n') end = i;
          else if (c != delim_) st = State::kUnquoted;
          break;
        case State::kUnquoted:
          if (c == delim_) st = State::kFieldStart;
          else if (c == '\n') end = i;
          break;
        case State::kQuoted: {
          const char* q = static_cast<const char*>(std::memchr(p + i, '"', window - i));
          size_t stop = q == nullptr ? window : static_cast<size_t>(q - p);
          newlines_ += std::count(p + i, p + stop, '\n');
          i = stop;
          if (q == nullptr) continue;  // need more input
          st = State::kQuoteInQuoted;
          break;
        }
        case State::kQuoteInQuoted:
          if (c == '"') st = State::kQuoted;
          else if (c == delim_) st = State::kFieldStart;
          else if (c == '\n') end = i;
          else st = State::kUnquoted;
          break;
      }
      if (end != std::string_view::npos) break;
      ++i;
    }
    const bool overflow = end == std::string_view::npos && i > limit;
    if (end != std::string_view::npos) {
      piece.bytes = StripCr({p, end});
      piece.line = line_ + 1;
      piece.flaw = RecordFlaw::kNone;
      piece.blank = piece.bytes.empty();
      consume = end + 1;
      line_ += newlines_ + 1;
    } else if (overflow || (in_->eof() && n > 0)) {
      // Over the limit, or end of input inside the record: `i` bytes scanned.
      const void* nl = std::memchr(p, '\n', i);
      piece.line = line_ + 1;
      piece.blank = false;
      if (st == State::kQuoted && nl != nullptr) {
        // A stray quote swallowed the rest: reject its first line, resume after it.
        size_t k = static_cast<size_t>(static_cast<const char*>(nl) - p);
        piece.bytes = FlawPrefix(StripCr({p, k}));
        piece.flaw = RecordFlaw::kUnterminatedQuote;
        consume = k + 1;
        line_ += 1;
      } else if (overflow) {
        piece.bytes = FlawPrefix({p, i});
        piece.flaw = RecordFlaw::kTooLarge;
        consume = i;
        line_ += newlines_ + 1;
        skipping_ = true;
      } else if (st == State::kQuoted) {
        piece.bytes = FlawPrefix(StripCr({p, n}));
        piece.flaw = RecordFlaw::kUnterminatedQuote;
        consume = n;
        line_ += 1;
      } else {  // last record without a line end
        piece.bytes = StripCr({p, n});
        piece.flaw = RecordFlaw::kNone;
        piece.blank = piece.bytes.empty();
        consume = n;
        line_ += newlines_ + 1;
      }
    } else if (n == 0 && in_->eof()) {
      return false;
    } else {
      scanned_ = i;
      state_ = st;
      ECOUTE_ASSIGN_OR_RETURN(bool more, in_->Fill());
      (void)more;
      continue;
    }
    scanned_ = 0;
    state_ = State::kFieldStart;
    newlines_ = 0;
    return true;
  }
}

base::Result<bool> CsvReader::Next(RawBatch& batch, size_t max_records, size_t max_bytes) {
  batch.Clear();
  max_records = std::max<size_t>(max_records, 1);
  Piece piece;
  size_t consume = 0;
  while (batch.records.size() < max_records && batch.buffer.size() < max_bytes) {
    ECOUTE_ASSIGN_OR_RETURN(bool got, NextPiece(piece, consume));
    if (!got) break;
    if (piece.flaw != RecordFlaw::kNone) {
      batch.AddFlawed(piece.bytes, piece.line, index_++, piece.flaw);
    } else if (!piece.blank) {
      batch.Add(piece.bytes, piece.line, index_++);
    }
    in_->Consume(consume);
  }
  return !batch.records.empty();
}

// ---------------------------------------------------------------------------
// CsvRow

bool CsvRow::Parse(std::string_view record, char delimiter, std::string* error) {
  record_ = record;
  scratch_.clear();
  fields_.clear();
  const size_t n = record.size();
  size_t i = 0;
  for (;;) {
    Field field{false, i, 0};
    if (i < n && record[i] == '"') {
      size_t start = ++i;
      bool in_scratch = false;
      size_t soff = 0;
      for (;;) {
        size_t k = record.find('"', i);
        if (k == std::string_view::npos) {
          if (error != nullptr) {
            *error = "unterminated quoted field (field " + std::to_string(fields_.size() + 1) + ")";
          }
          return false;
        }
        if (k + 1 < n && record[k + 1] == '"') {  // "" inside quotes
          if (!in_scratch) {
            in_scratch = true;
            soff = scratch_.size();
          }
          scratch_.append(record.substr(start, k + 1 - start));
          i = start = k + 2;
          continue;
        }
        size_t d = record.find(delimiter, k + 1);
        if (d == std::string_view::npos) d = n;
        if (in_scratch || d != k + 1) {  // escapes, or text after the closing quote
          if (!in_scratch) {
            in_scratch = true;
            soff = scratch_.size();
          }
          scratch_.append(record.substr(start, k - start));
          scratch_.append(record.substr(k + 1, d - k - 1));
          field = {true, soff, scratch_.size() - soff};
        } else {
          field = {false, start, k - start};
        }
        i = d;
        break;
      }
    } else {
      size_t d = record.find(delimiter, i);
      if (d == std::string_view::npos) d = n;
      field = {false, i, d - i};
      i = d;
    }
    fields_.push_back(field);
    if (i >= n) break;
    ++i;  // the delimiter
  }
  return true;
}

}  // namespace ecoute::ingest
