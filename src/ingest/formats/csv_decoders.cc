// CSV decoders: "Customer Support on Twitter" (twcs) and mapped CSV.
#include <algorithm>
#include <cctype>
#include <exception>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "ingest/formats/common.h"
#include "ingest/formats/formats.h"
#include "ingest/record_reader.h"

namespace ecoute::ingest::formats {
namespace {

// ---------------------------------------------------------------------------
// Field setters for mapped CSV.

std::string SetCount(int64_t& out, std::string_view v) {
  auto n = ParseCount(v);
  if (!n) return "expected a non-negative integer, got " + Quote(v);
  out = *n;
  return "";
}

std::string SetId(std::string& out, std::string_view v) {
  out = NormalizeId(v);
  return "";
}

struct FieldDef {
  std::string_view path;
  FieldSetter set;
};

const std::vector<FieldDef>& FieldDefs() {
  static const std::vector<FieldDef> kDefs = {
      {"native_id", [](model::Mention& m, std::string_view v) { return SetId(m.native_id, v); }},
      {"text", [](model::Mention& m, std::string_view v) { m.text.assign(v); return std::string(); }},
      {"title", [](model::Mention& m, std::string_view v) { m.title.assign(v); return std::string(); }},
      {"created_at",
       [](model::Mention& m, std::string_view v) {
         std::string reason;
         ParseDate(v, m.created_at, reason);
         return reason;
       }},
      {"channel",
       [](model::Mention& m, std::string_view v) {
         auto c = ChannelFromName(TrimSpace(v));
         if (!c) return "unknown channel " + Quote(v);
         m.channel = *c;
         return std::string();
       }},
      {"source", [](model::Mention& m, std::string_view v) { m.source.assign(v); return std::string(); }},
      {"url", [](model::Mention& m, std::string_view v) { m.url.assign(TrimSpace(v)); return std::string(); }},
      {"lang",
       [](model::Mention& m, std::string_view v) {
         auto code = NormalizeLanguage(v);
         if (!code) return "not a language code: " + Quote(v);
         m.language = *code;
         m.language_declared = *code != "und";
         m.language_confidence = m.language_declared ? 1.0f : 0.0f;
         return std::string();
       }},
      {"country",
       [](model::Mention& m, std::string_view v) {
         v = TrimSpace(v);
         if (v.size() != 2 || !std::isalpha(static_cast<unsigned char>(v[0])) ||
             !std::isalpha(static_cast<unsigned char>(v[1]))) {
           return "expected an ISO 3166-1 alpha-2 code, got " + Quote(v);
         }
         m.country.clear();
         for (char c : v) m.country += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
         return std::string();
       }},
      {"direction",
       [](model::Mention& m, std::string_view v) {
         auto d = DirectionFromName(TrimSpace(v));
         if (!d) return "unknown direction " + Quote(v) + "; expected inbound, outbound or unknown";
         m.direction = *d;
         return std::string();
       }},
      {"reply_to", [](model::Mention& m, std::string_view v) { return SetId(m.reply_to, v); }},
      {"reshare_of", [](model::Mention& m, std::string_view v) { return SetId(m.reshare_of, v); }},
      {"quote_of", [](model::Mention& m, std::string_view v) { return SetId(m.quote_of, v); }},
      {"thread_id", [](model::Mention& m, std::string_view v) { return SetId(m.thread_id, v); }},
      {"author.handle",
       [](model::Mention& m, std::string_view v) {
         m.author.handle.assign(TrimSpace(v));
         return std::string();
       }},
      {"author.name", [](model::Mention& m, std::string_view v) { m.author.display_name.assign(v); return std::string(); }},
      {"author.followers",
       [](model::Mention& m, std::string_view v) {
         int64_t n = 0;
         std::string r = SetCount(n, v);
         if (r.empty()) m.author.followers = n;
         return r;
       }},
      {"author.verified",
       [](model::Mention& m, std::string_view v) {
         auto b = ParseBool(v);
         if (!b) return "expected true or false, got " + Quote(v);
         m.author.verified = *b;
         return std::string();
       }},
      {"engagement.likes", [](model::Mention& m, std::string_view v) { return SetCount(m.engagement.likes, v); }},
      {"engagement.reshares",
       [](model::Mention& m, std::string_view v) { return SetCount(m.engagement.reshares, v); }},
      {"engagement.replies", [](model::Mention& m, std::string_view v) { return SetCount(m.engagement.replies, v); }},
      {"engagement.quotes", [](model::Mention& m, std::string_view v) { return SetCount(m.engagement.quotes, v); }},
      {"engagement.views", [](model::Mention& m, std::string_view v) { return SetCount(m.engagement.views, v); }},
  };
  return kDefs;
}

std::string HeaderList(const std::vector<std::string>& header) {
  std::string s;
  for (size_t i = 0; i < header.size(); ++i) {
    if (i > 0) s += ", ";
    s += header[i].empty() ? "\"\"" : header[i];
  }
  return s;
}

int ColumnIndex(const std::vector<std::string>& header, std::string_view name) {
  for (size_t i = 0; i < header.size(); ++i)
    if (header[i] == name) return static_cast<int>(i);
  return -1;
}

// Splits `record`; rejects and returns false on a broken record.
bool SplitRecord(std::string_view record, const Location& where, char delimiter, size_t header_size, CsvRow& row,
                 std::vector<model::Rejection>& rejects) {
  std::string error;
  if (!row.Parse(record, delimiter, &error)) {
    Reject(where, "", error, record, rejects);
    return false;
  }
  if (row.size() > header_size) {
    Reject(where, "",
           "record has " + std::to_string(row.size()) + " fields, the header has " + std::to_string(header_size),
           record, rejects);
    return false;
  }
  return true;
}

CsvRow& ThreadRow() {
  thread_local CsvRow row;
  return row;
}

std::string_view Cell(const CsvRow& row, int column) {
  return column >= 0 && static_cast<size_t>(column) < row.size() ? row[static_cast<size_t>(column)]
                                                                   : std::string_view();
}

// First @handle in `text` that is not all digits (twcs replaces customer
// handles with numbers; brands keep their names).
std::string FirstBrandHandle(std::string_view text) {
  auto is_handle_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '@' || (i > 0 && is_handle_char(text[i - 1]))) continue;
    size_t j = i + 1;
    while (j < text.size() && is_handle_char(text[j])) ++j;
    std::string_view h = text.substr(i + 1, j - i - 1);
    if (h.empty() || h.size() > 15) continue;
    if (std::all_of(h.begin(), h.end(), [](char c) { return c >= '0' && c <= '9'; })) continue;
    return std::string(h);
  }
  return "";
}

// ---------------------------------------------------------------------------
// twcs

class TwcsDecoder : public Decoder {
 public:
  TwcsDecoder(const std::vector<std::string>& header, char delimiter)
      : delimiter_(delimiter),
        header_size_(header.size()),
        tweet_id_(ColumnIndex(header, "tweet_id")),
        author_id_(ColumnIndex(header, "author_id")),
        inbound_(ColumnIndex(header, "inbound")),
        created_at_(ColumnIndex(header, "created_at")),
        text_(ColumnIndex(header, "text")),
        in_response_to_(ColumnIndex(header, "in_response_to_tweet_id")) {}

  std::string_view name() const override { return "twcs"; }

  void Decode(std::string_view record, const Location& where, std::vector<model::Mention>& out,
              std::vector<model::Rejection>& rejects) const override {
    try {
      if (RejectIfFlawed(record, where, rejects)) return;
      CsvRow& row = ThreadRow();
      if (!SplitRecord(record, where, delimiter_, header_size_, row, rejects)) return;
      auto fail = [&](std::string_view field, std::string reason) {
        Reject(where, field, std::move(reason), record, rejects);
      };
      for (auto [column, name] : {std::pair<int, std::string_view>{tweet_id_, "tweet_id"},
                                  {author_id_, "author_id"},
                                  {in_response_to_, "in_response_to_tweet_id"}}) {
        if (size_t bad = InvalidUtf8Offset(Cell(row, column)); bad != std::string_view::npos) {
          return fail(name, "invalid UTF-8 at byte " + std::to_string(bad));
        }
      }
      model::Mention m;
      m.channel = model::Channel::kTwitter;
      m.native_id = NormalizeId(Cell(row, tweet_id_));
      if (m.native_id.empty()) return fail("tweet_id", "missing or empty: tweet_id is required");
      m.author.handle = std::string(TrimSpace(Cell(row, author_id_)));
      if (m.author.handle.empty()) return fail("author_id", "missing or empty: author_id is required");
      std::string_view inbound = Cell(row, inbound_);
      auto is_inbound = ParseBool(inbound);
      if (!is_inbound) return fail("inbound", "expected True or False, got " + Quote(inbound));
      m.direction = *is_inbound ? model::Direction::kInbound : model::Direction::kOutbound;
      std::string reason;
      if (!ParseDate(Cell(row, created_at_), m.created_at, reason)) return fail("created_at", reason);
      std::string_view text = Cell(row, text_);
      if (size_t bad = InvalidUtf8Offset(text); bad != std::string_view::npos) {
        return fail("text", "invalid UTF-8 at byte " + std::to_string(bad));
      }
      m.text = UnescapeHtml(text);
      std::string_view parent = TrimSpace(Cell(row, in_response_to_));
      if (!parent.empty()) {
        m.reply_to = NormalizeId(parent);
        if (!std::all_of(m.reply_to.begin(), m.reply_to.end(), [](char c) { return c >= '0' && c <= '9'; })) {
          return fail("in_response_to_tweet_id", "not a tweet id: " + Quote(parent));
        }
      }
      m.source = *is_inbound ? FirstBrandHandle(m.text) : m.author.handle;
      if (!FinishMention(m, record, where, "", rejects)) return;
      out.push_back(std::move(m));
    } catch (const std::exception& e) {
      Reject(where, "", std::string("internal error: ") + e.what(), record, rejects);
    }
  }

 private:
  char delimiter_;
  size_t header_size_;
  int tweet_id_, author_id_, inbound_, created_at_, text_, in_response_to_;
};

constexpr std::string_view kTwcsRequired[] = {"tweet_id", "author_id", "inbound", "created_at", "text"};

// ---------------------------------------------------------------------------
// Mapped CSV

class MappedCsvDecoder : public Decoder {
 public:
  struct Binding {
    std::string path;
    FieldSetter set = nullptr;
    int column = -1;
    std::string column_name;
    std::optional<std::string> fallback;  // the mapping's default
  };
  struct Attribute {
    std::string name;
    int column;
  };

  MappedCsvDecoder(char delimiter, size_t header_size, bool unescape_html, std::vector<Binding> bindings,
                   std::vector<Attribute> attributes)
      : delimiter_(delimiter),
        header_size_(header_size),
        unescape_html_(unescape_html),
        bindings_(std::move(bindings)),
        attributes_(std::move(attributes)) {}

  std::string_view name() const override { return "csv"; }

  void Decode(std::string_view record, const Location& where, std::vector<model::Mention>& out,
              std::vector<model::Rejection>& rejects) const override {
    try {
      if (RejectIfFlawed(record, where, rejects)) return;
      CsvRow& row = ThreadRow();
      if (!SplitRecord(record, where, delimiter_, header_size_, row, rejects)) return;
      model::Mention m;
      bool has_date = false;
      std::string scratch;
      for (const Binding& b : bindings_) {
        std::string_view value = Cell(row, b.column);
        if (IsBlank(value)) {
          if (!b.fallback) continue;
          value = *b.fallback;
        } else if (size_t bad = InvalidUtf8Offset(value); bad != std::string_view::npos) {
          Reject(where, b.path, "invalid UTF-8 at byte " + std::to_string(bad) + " (column " + b.column_name + ")",
                 record, rejects);
          return;
        }
        if (unescape_html_ && (b.path == "text" || b.path == "title")) {
          scratch = UnescapeHtml(value);
          value = scratch;
        }
        std::string reason = b.set(m, value);
        if (!reason.empty()) {
          if (b.column >= 0 && !IsBlank(Cell(row, b.column))) reason += " (column " + b.column_name + ")";
          Reject(where, b.path, std::move(reason), record, rejects);
          return;
        }
        if (b.path == "created_at") has_date = true;
      }
      if (!has_date) {
        Reject(where, "created_at", "missing or empty: created_at is required", record, rejects);
        return;
      }
      for (const Attribute& a : attributes_) {
        std::string_view value = Cell(row, a.column);
        if (value.empty()) continue;
        if (size_t bad = InvalidUtf8Offset(value); bad != std::string_view::npos) {
          Reject(where, "attributes." + a.name, "invalid UTF-8 at byte " + std::to_string(bad), record, rejects);
          return;
        }
        m.attributes[a.name] = std::string(value);
      }
      if (!FinishMention(m, record, where, "", rejects)) return;
      out.push_back(std::move(m));
    } catch (const std::exception& e) {
      Reject(where, "", std::string("internal error: ") + e.what(), record, rejects);
    }
  }

 private:
  char delimiter_;
  size_t header_size_;
  bool unescape_html_;
  std::vector<Binding> bindings_;
  std::vector<Attribute> attributes_;
};

}  // namespace

FieldSetter FindFieldSetter(std::string_view path) {
  for (const FieldDef& d : FieldDefs())
    if (d.path == path) return d.set;
  return nullptr;
}

const std::vector<std::string_view>& FieldPaths() {
  static const std::vector<std::string_view> kPaths = [] {
    std::vector<std::string_view> v;
    for (const FieldDef& d : FieldDefs()) v.push_back(d.path);
    return v;
  }();
  return kPaths;
}

std::string FieldPathList() {
  std::string s;
  for (std::string_view p : FieldPaths()) {
    if (!s.empty()) s += ", ";
    s += p;
  }
  return s;
}

bool IsTwcsHeader(const std::vector<std::string>& header) {
  return std::all_of(std::begin(kTwcsRequired), std::end(kTwcsRequired),
                     [&](std::string_view c) { return ColumnIndex(header, c) >= 0; });
}

base::Result<std::shared_ptr<const Decoder>> MakeTwcsDecoder(const std::vector<std::string>& header, char delimiter) {
  std::string missing;
  for (std::string_view c : kTwcsRequired) {
    if (ColumnIndex(header, c) < 0) missing += (missing.empty() ? "" : ", ") + std::string(c);
  }
  if (!missing.empty()) {
    return base::Status::InvalidArgument("twcs CSV lacks column(s) " + missing + "; the header has: " +
                                         HeaderList(header));
  }
  return std::shared_ptr<const Decoder>(std::make_shared<TwcsDecoder>(header, delimiter));
}

base::Result<std::shared_ptr<const Decoder>> MakeMappedCsvDecoder(const CsvMapping& mapping,
                                                                 const std::vector<std::string>& header) {
  std::string what = mapping.name.empty() ? "mapping" : "mapping " + Quote(mapping.name);
  std::map<std::string, MappedCsvDecoder::Binding> by_path;
  for (const auto& [path, column] : mapping.columns) {
    FieldSetter set = FindFieldSetter(path);
    if (set == nullptr) {
      return base::Status::InvalidArgument(what + ": columns." + path + ": unknown field path; known: " +
                                           FieldPathList());
    }
    int index = ColumnIndex(header, column);
    if (index < 0) {
      return base::Status::InvalidArgument(what + ": columns." + path + ": column " + Quote(column) +
                                           " is not in the CSV header: " + HeaderList(header));
    }
    MappedCsvDecoder::Binding& b = by_path[path];
    b.path = path;
    b.set = set;
    b.column = index;
    b.column_name = column;
  }
  for (const auto& [path, value] : mapping.defaults) {
    FieldSetter set = FindFieldSetter(path);
    if (set == nullptr) {
      return base::Status::InvalidArgument(what + ": defaults." + path + ": unknown field path; known: " +
                                           FieldPathList());
    }
    model::Mention scratch;
    if (std::string reason = set(scratch, value); !reason.empty()) {
      return base::Status::InvalidArgument(what + ": defaults." + path + ": " + reason);
    }
    MappedCsvDecoder::Binding& b = by_path[path];
    b.path = path;
    b.set = set;
    b.fallback = value;
  }
  for (std::string_view required : {"text", "created_at"}) {
    if (by_path.count(std::string(required)) == 0) {
      return base::Status::InvalidArgument(what + ": maps no column to " + std::string(required) +
                                           " (required); the header has: " + HeaderList(header));
    }
  }
  std::vector<MappedCsvDecoder::Attribute> attributes;
  for (const auto& [name, column] : mapping.attributes) {
    int index = ColumnIndex(header, column);
    if (index < 0) {
      return base::Status::InvalidArgument(what + ": attributes." + name + ": column " + Quote(column) +
                                           " is not in the CSV header: " + HeaderList(header));
    }
    attributes.push_back({name, index});
  }
  std::vector<MappedCsvDecoder::Binding> bindings;
  for (auto& [path, b] : by_path) bindings.push_back(std::move(b));
  return std::shared_ptr<const Decoder>(std::make_shared<MappedCsvDecoder>(
      mapping.delimiter, header.size(), mapping.unescape_html, std::move(bindings), std::move(attributes)));
}

base::Result<CsvMapping> IdentityMapping(const std::vector<std::string>& header, char delimiter) {
  CsvMapping m;
  m.name = "identity";
  m.delimiter = delimiter;
  for (const std::string& column : header) {
    if (column.empty()) continue;
    if (FindFieldSetter(column) != nullptr) {
      m.columns[column] = column;
    } else {
      m.attributes[column] = column;
    }
  }
  if (m.columns.count("text") == 0 || m.columns.count("created_at") == 0) {
    return base::Status::InvalidArgument("CSV header matches no built-in format (" + HeaderList(header) +
                                         "): twcs needs tweet_id, author_id, inbound, created_at, text; a header "
                                         "of ecoute field paths needs at least text and created_at. Pass a "
                                         "mapping (docs/formats.md)");
  }
  return m;
}

}  // namespace ecoute::ingest::formats
