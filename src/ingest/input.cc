#include "ingest/input.h"

#include <algorithm>
#include <cctype>
#include <string>

#include <simdjson.h>

#include "ingest/formats/common.h"
#include "ingest/formats/formats.h"
#include "ingest/record_reader.h"

namespace ecoute::ingest {

std::string Location::ToString() const {
  if (line > 0) return std::string(source) + ":" + std::to_string(line);
  return std::string(source) + "[" + std::to_string(index) + "]";
}

std::string_view RecordFlawReason(RecordFlaw flaw) {
  switch (flaw) {
    case RecordFlaw::kNone: return "";
    case RecordFlaw::kTooLarge: return "record is larger than the 16 MiB limit; skipped";
    case RecordFlaw::kUnterminatedQuote:
      return "unterminated quoted field: no closing quote before the end of input or within 16 MiB; this line is "
             "skipped and reading resumes on the next one";
  }
  return "";
}

std::string_view FormatName(Format f) {
  switch (f) {
    case Format::kAuto: return "auto";
    case Format::kEcoute: return "ecoute";
    case Format::kTwitterV2: return "twitter_v2";
    case Format::kTwcs: return "twcs";
    case Format::kCsv: return "csv";
  }
  return "auto";
}

base::Result<Format> ParseFormat(std::string_view name) {
  for (Format f : {Format::kAuto, Format::kEcoute, Format::kTwitterV2, Format::kTwcs, Format::kCsv}) {
    if (name == FormatName(f)) return f;
  }
  return base::Status::InvalidArgument("unknown input format " + formats::Quote(name) +
                                       "; expected auto, ecoute, twitter_v2, twcs or csv");
}

std::shared_ptr<const Decoder> MakeJsonDecoder() {
  static const std::shared_ptr<const Decoder> kDecoder = formats::MakeAutoJsonDecoder();
  return kDecoder;
}

void SplitJsonBody(std::string_view body, RawBatch& batch) {
  if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
  if (AppendJsonDocument(body, batch)) return;
  int64_t line = 0, index = 0;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t nl = body.find('\n', pos);
    size_t end = nl == std::string_view::npos ? body.size() : nl;
    std::string_view rec = body.substr(pos, end - pos);
    ++line;
    if (!rec.empty() && rec.back() == '\r') rec.remove_suffix(1);
    if (!formats::IsBlank(rec)) batch.Add(rec, line, index++);
    pos = end + 1;
  }
}

namespace {

enum class Kind { kJson, kCsv, kUnknown };

std::string Extension(const std::string& path) {
  size_t slash = path.find_last_of('/');
  size_t dot = path.find_last_of('.');
  if (dot == std::string::npos || (slash != std::string::npos && dot < slash)) return "";
  std::string ext = path.substr(dot + 1);
  for (char& c : ext) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return ext;
}

Kind KindOfExtension(const std::string& ext) {
  if (ext == "jsonl" || ext == "json" || ext == "ndjson") return Kind::kJson;
  if (ext == "csv" || ext == "tsv") return Kind::kCsv;
  return Kind::kUnknown;
}

// Peeks at the start of the input: '{' or '[' -> JSON, anything else -> CSV.
// Also reports whether the first line looks tab-separated.
base::Result<Kind> Sniff(InputBuffer& in, bool& tabs) {
  for (;;) {
    std::string_view v = in.view();
    if (v.substr(0, 3) == "\xEF\xBB\xBF") v.remove_prefix(3);
    size_t i = 0;
    while (i < v.size() && std::isspace(static_cast<unsigned char>(v[i]))) ++i;
    size_t nl = v.find('\n', i);
    if ((i < v.size() && nl != std::string_view::npos) || in.eof() || v.size() > (size_t{1} << 20)) {
      if (i == v.size()) return Kind::kJson;  // empty input: nothing to decode either way
      std::string_view first = v.substr(i, nl == std::string_view::npos ? v.size() - i : nl - i);
      tabs = first.find('\t') != std::string_view::npos && first.find(',') == std::string_view::npos;
      return v[i] == '{' || v[i] == '[' ? Kind::kJson : Kind::kCsv;
    }
    ECOUTE_ASSIGN_OR_RETURN(bool more, in.Fill());
    (void)more;
  }
}

base::Result<OpenedInput> OpenJson(std::unique_ptr<InputBuffer> in, Format format, const ReaderOptions& options) {
  ECOUTE_ASSIGN_OR_RETURN(auto reader, JsonLinesReader::Open(std::move(in), options));
  OpenedInput opened;
  if (format == Format::kEcoute) {
    opened.decoder = formats::MakeEcouteDecoder();
  } else if (format == Format::kTwitterV2) {
    opened.decoder = formats::MakeTwitterV2Decoder();
  } else {
    // Auto: name the format after the first record; decode each record by
    // its own shape, so one broken first line does not doom the file.
    format = Format::kEcoute;
    std::string_view first = reader->first_record();
    simdjson::dom::parser parser;
    simdjson::dom::element root;
    if (!first.empty() && parser.parse(first.data(), first.size()).get(root) == simdjson::SUCCESS &&
        formats::LooksLikeTwitterV2(root)) {
      format = Format::kTwitterV2;
    }
    opened.decoder = MakeJsonDecoder();
  }
  opened.format = format;
  opened.reader = std::move(reader);
  return opened;
}

base::Result<OpenedInput> OpenCsv(std::unique_ptr<InputBuffer> in, const InputSpec& spec, char delimiter,
                                  const ReaderOptions& options) {
  std::string path = in->path();
  ECOUTE_ASSIGN_OR_RETURN(auto reader, CsvReader::Open(std::move(in), delimiter, options));
  const std::vector<std::string>& header = reader->header();
  OpenedInput opened;
  Format format = spec.format;
  if (format == Format::kAuto) {
    if (spec.mapping) format = Format::kCsv;
    else if (formats::IsTwcsHeader(header)) format = Format::kTwcs;
    else format = Format::kCsv;
  }
  if (format == Format::kTwcs) {
    auto decoder = formats::MakeTwcsDecoder(header, delimiter);
    if (!decoder.ok()) return decoder.status().WithPrefix(path);
    opened.decoder = std::move(decoder).value();
  } else {
    CsvMapping mapping;
    if (spec.mapping) {
      mapping = *spec.mapping;
      mapping.delimiter = delimiter;
    } else {
      auto identity = formats::IdentityMapping(header, delimiter);
      if (!identity.ok()) return identity.status().WithPrefix(path);
      mapping = std::move(identity).value();
    }
    auto decoder = formats::MakeMappedCsvDecoder(mapping, header);
    if (!decoder.ok()) return decoder.status().WithPrefix(path);
    opened.decoder = std::move(decoder).value();
  }
  opened.format = format;
  opened.reader = std::move(reader);
  return opened;
}

}  // namespace

base::Result<OpenedInput> OpenInput(const InputSpec& spec) { return OpenInput(spec, ReaderOptions{}); }

base::Result<OpenedInput> OpenInput(const InputSpec& spec, const ReaderOptions& options) {
  const std::string ext = spec.path == "-" ? "" : Extension(spec.path);
  Kind kind = Kind::kUnknown;
  switch (spec.format) {
    case Format::kEcoute:
    case Format::kTwitterV2: kind = Kind::kJson; break;
    case Format::kTwcs:
    case Format::kCsv: kind = Kind::kCsv; break;
    case Format::kAuto: kind = spec.mapping ? Kind::kCsv : KindOfExtension(ext); break;
  }
  if (spec.mapping && spec.format == Format::kTwcs) {
    return base::Status::InvalidArgument(spec.path + ": a CSV mapping was given for twcs input; use format csv");
  }
  if (kind == Kind::kJson && spec.mapping) {
    return base::Status::InvalidArgument(spec.path + ": a CSV mapping was given for " +
                                         std::string(FormatName(spec.format)) + " input");
  }
  ECOUTE_ASSIGN_OR_RETURN(auto in, InputBuffer::Open(spec.path, options.chunk_bytes));
  bool tabs = false;
  if (kind == Kind::kUnknown || (kind == Kind::kCsv && ext != "csv" && ext != "tsv")) {
    ECOUTE_ASSIGN_OR_RETURN(Kind sniffed, Sniff(*in, tabs));
    if (kind == Kind::kUnknown) kind = sniffed;
  }
  if (kind == Kind::kJson) return OpenJson(std::move(in), spec.format, options);
  char delimiter = spec.mapping ? spec.mapping->delimiter : ',';
  if (delimiter == ',' && (ext == "tsv" || tabs)) delimiter = '\t';
  return OpenCsv(std::move(in), spec, delimiter, options);
}

}  // namespace ecoute::ingest
