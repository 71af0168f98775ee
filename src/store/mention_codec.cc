#include "store/mention_codec.h"

#include <bit>
#include <charconv>
#include <cmath>
#include <cstring>

#include <nlohmann/json.hpp>

namespace ecoute::store::internal {
namespace {

// ---- content hash --------------------------------------------------------

// A simple word-at-a-time multiplicative hash with a strong final mix. Not
// cryptographic: it only tells "same content" from "changed content".
class Hasher {
 public:
  void Int(uint64_t v) { h_ = Round(h_, v); }
  void Str(std::string_view s) {
    Int(s.size());
    size_t i = 0;
    for (; i + 8 <= s.size(); i += 8) {
      uint64_t w;
      std::memcpy(&w, s.data() + i, 8);
      h_ = Round(h_, w);
    }
    uint64_t tail = 0;
    for (size_t k = 0; i < s.size(); ++i, ++k) tail |= static_cast<uint64_t>(static_cast<uint8_t>(s[i])) << (8 * k);
    h_ = Round(h_, tail);
  }
  void Double(double d) { Int(std::bit_cast<uint64_t>(d)); }
  uint64_t Finish() const {
    uint64_t x = h_;
    x ^= x >> 33;
    x *= 0xff51afd7ed558ccdULL;
    x ^= x >> 33;
    x *= 0xc4ceb9fe1a85ec53ULL;
    x ^= x >> 33;
    return x;
  }

 private:
  static uint64_t Round(uint64_t h, uint64_t w) {
    h ^= w * 0x9e3779b97f4a7c15ULL;
    h = std::rotl(h, 29);
    return h * 0xbf58476d1ce4e5b9ULL + 0x94d049bb133111ebULL;
  }
  uint64_t h_ = 0x243f6a8885a308d3ULL;
};

// ---- JSON writing ---------------------------------------------------------

// Length of the valid UTF-8 sequence at s[i], or 0 if invalid there.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<uint8_t>(s[k]); };
  uint8_t c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c & 0xe0) == 0xc0) { n = 2; cp = c & 0x1f; }
  else if ((c & 0xf0) == 0xe0) { n = 3; cp = c & 0x0f; }
  else if ((c & 0xf8) == 0xf0) { n = 4; cp = c & 0x07; }
  else return 0;
  if (i + n > s.size()) return 0;
  for (size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3f);
  }
  static constexpr uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

// Appends `s` as a JSON string; invalid UTF-8 bytes become U+FFFD so the
// stored JSON always parses.
void JsonString(std::string_view s, std::string& out) {
  out.push_back('"');
  for (size_t i = 0; i < s.size();) {
    char c = s[i];
    auto u = static_cast<uint8_t>(c);
    if (u >= 0x80) {
      size_t n = Utf8SequenceLength(s, i);
      if (n == 0) {
        out += "\\ufffd";
        ++i;
      } else {
        out.append(s.data() + i, n);
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (u < 0x20) {
          static constexpr char kHex[] = "0123456789abcdef";
          out += "\\u00";
          out.push_back(kHex[u >> 4]);
          out.push_back(kHex[u & 15]);
        } else {
          out.push_back(c);
        }
    }
    ++i;
  }
  out.push_back('"');
}

void JsonInt(int64_t v, std::string& out) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

void JsonDouble(double v, std::string& out) {
  if (!std::isfinite(v)) {
    out += "null";
    return;
  }
  char buf[32];
  auto r = std::to_chars(buf, buf + sizeof buf, v);
  out.append(buf, r.ptr);
}

// Writes `"key":` after the object's opening brace or a comma.
void Key(std::string_view key, std::string& out) {
  if (out.back() != '{') out.push_back(',');
  JsonString(key, out);
  out.push_back(':');
}

void StringArray(const std::vector<std::string>& v, std::string& out) {
  out.push_back('[');
  for (size_t i = 0; i < v.size(); ++i) {
    if (i > 0) out.push_back(',');
    JsonString(v[i], out);
  }
  out.push_back(']');
}

// ---- reading ---------------------------------------------------------------

using nlohmann::json;

base::Status Bad(int64_t id, std::string_view column, std::string_view why) {
  return base::Status::Corruption("mention " + std::to_string(id) + ": column " + std::string(column) + ": " +
                                  std::string(why));
}

base::Result<json> ParseColumn(const Stmt& s, int col, int64_t id, std::string_view name) {
  std::string_view text = s.Text(col);
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Bad(id, name, "not a JSON object");
  return j;
}

// Reads j[key] as a string array into `out`; absent is fine.
bool ReadStrings(const json& j, const char* key, std::vector<std::string>& out) {
  auto it = j.find(key);
  if (it == j.end()) return true;
  if (!it->is_array()) return false;
  for (const auto& e : *it) {
    if (!e.is_string()) return false;
    out.push_back(e.get<std::string>());
  }
  return true;
}

}  // namespace

uint64_t ContentHash(const model::Mention& m) {
  Hasher h;
  h.Int(static_cast<uint64_t>(m.channel));
  h.Str(m.native_id);
  h.Str(m.source);
  h.Str(m.url);
  h.Str(m.author.handle);
  h.Str(m.author.display_name);
  h.Int(m.author.followers.has_value());
  h.Int(static_cast<uint64_t>(m.author.followers.value_or(0)));
  h.Int(m.author.verified);
  h.Int(static_cast<uint64_t>(m.direction));
  h.Int(static_cast<uint64_t>(m.created_at));
  h.Str(m.title);
  h.Str(m.text);
  h.Str(m.language);
  h.Int(std::bit_cast<uint32_t>(m.language_confidence));
  h.Int(m.language_declared);
  h.Str(m.reply_to);
  h.Str(m.reshare_of);
  h.Str(m.quote_of);
  h.Str(m.thread_id);
  h.Int(static_cast<uint64_t>(m.engagement.likes));
  h.Int(static_cast<uint64_t>(m.engagement.reshares));
  h.Int(static_cast<uint64_t>(m.engagement.replies));
  h.Int(static_cast<uint64_t>(m.engagement.quotes));
  h.Int(static_cast<uint64_t>(m.engagement.views));
  h.Str(m.country);
  for (const auto* list : {&m.entities.urls, &m.entities.mentions, &m.entities.hashtags}) {
    h.Int(list->size());
    for (const auto& s : *list) h.Str(s);
  }
  h.Int(m.attributes.size());
  for (const auto& [k, v] : m.attributes) {
    h.Str(k);
    h.Str(v);
  }
  const model::Enrichment& e = m.enrichment;
  h.Int(e.matched_queries.size());
  for (int64_t q : e.matched_queries) h.Int(static_cast<uint64_t>(q));
  h.Int(e.sentiment.has_value());
  h.Str(e.sentiment.value_or(""));
  h.Int(e.sentiment_score.has_value());
  h.Double(e.sentiment_score.value_or(0));
  h.Int(e.needs_reply.has_value() ? 1 + *e.needs_reply : 0);
  h.Int(e.category.has_value());
  h.Str(e.category.value_or(""));
  h.Int(e.severity.has_value());
  h.Int(static_cast<uint64_t>(e.severity.value_or(0)));
  h.Int(e.severity_level.has_value());
  h.Str(e.severity_level.value_or(""));
  h.Int(e.severity_reasons.size());
  for (const auto& s : e.severity_reasons) h.Str(s);
  h.Int(e.reach.has_value());
  h.Int(static_cast<uint64_t>(e.reach.value_or(0)));
  // Fields added in schema 4: hashed only when set, each after its own tag,
  // so a mention without them keeps the hash earlier builds stored.
  if (e.sentiment_polarity) { h.Int(0x5001); h.Double(*e.sentiment_polarity); }
  if (e.needs_reply_score) { h.Int(0x5002); h.Double(*e.needs_reply_score); }
  if (e.category_score) { h.Int(0x5003); h.Double(*e.category_score); }
  if (!e.corrected.empty()) {
    h.Int(0x5004);
    h.Int(e.corrected.size());
    for (const auto& s : e.corrected) h.Str(s);
  }
  return h.Finish();
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

void AuthorKey(std::string_view handle, std::string& out) {
  out.clear();
  if (handle.empty()) return;
  Hasher h;
  std::string lower = AsciiLower(handle);
  h.Str(lower);
  uint64_t v = h.Finish();
  static constexpr char kHex[] = "0123456789abcdef";
  out.push_back('a');
  for (int shift = 60; shift >= 0; shift -= 4) out.push_back(kHex[(v >> shift) & 15]);
}

void EntitiesJson(const model::Entities& e, std::string& out) {
  out.clear();
  if (e.urls.empty() && e.mentions.empty() && e.hashtags.empty()) return;
  out.push_back('{');
  if (!e.urls.empty()) { Key("urls", out); StringArray(e.urls, out); }
  if (!e.mentions.empty()) { Key("mentions", out); StringArray(e.mentions, out); }
  if (!e.hashtags.empty()) { Key("hashtags", out); StringArray(e.hashtags, out); }
  out.push_back('}');
}

void AttributesJson(const std::map<std::string, std::string>& a, std::string& out) {
  out.clear();
  if (a.empty()) return;
  out.push_back('{');
  for (const auto& [k, v] : a) {
    Key(k, out);
    JsonString(v, out);
  }
  out.push_back('}');
}

void EnrichmentJson(const model::Enrichment& e, std::string& out) {
  out.clear();
  out.push_back('{');
  if (!e.matched_queries.empty()) {
    Key("matched_queries", out);
    out.push_back('[');
    for (size_t i = 0; i < e.matched_queries.size(); ++i) {
      if (i > 0) out.push_back(',');
      JsonInt(e.matched_queries[i], out);
    }
    out.push_back(']');
  }
  if (e.sentiment) { Key("sentiment", out); JsonString(*e.sentiment, out); }
  if (e.sentiment_score) { Key("sentiment_score", out); JsonDouble(*e.sentiment_score, out); }
  if (e.sentiment_polarity) { Key("sentiment_polarity", out); JsonDouble(*e.sentiment_polarity, out); }
  if (e.needs_reply) { Key("needs_reply", out); out += *e.needs_reply ? "true" : "false"; }
  if (e.needs_reply_score) { Key("needs_reply_score", out); JsonDouble(*e.needs_reply_score, out); }
  if (e.category) { Key("category", out); JsonString(*e.category, out); }
  if (e.category_score) { Key("category_score", out); JsonDouble(*e.category_score, out); }
  if (e.severity) { Key("severity", out); JsonInt(*e.severity, out); }
  if (e.severity_level) { Key("severity_level", out); JsonString(*e.severity_level, out); }
  if (!e.severity_reasons.empty()) { Key("severity_reasons", out); StringArray(e.severity_reasons, out); }
  if (e.reach) { Key("reach", out); JsonInt(*e.reach, out); }
  if (!e.corrected.empty()) { Key("corrected", out); StringArray(e.corrected, out); }
  if (out.size() == 1) {
    out.clear();  // nothing set
    return;
  }
  out.push_back('}');
}

void BindMentionColumns(Stmt& s, int first, const model::Mention& m, uint64_t hash, RowBuffers& buf) {
  AuthorKey(m.author.handle, buf.author_key);
  EntitiesJson(m.entities, buf.entities);
  AttributesJson(m.attributes, buf.attributes);
  EnrichmentJson(m.enrichment, buf.enrichment);
  int i = first;
  s.BindInt(i++, m.created_at);
  s.BindText(i++, model::ChannelName(m.channel));
  s.BindText(i++, m.language);
  s.BindText(i++, buf.author_key);
  s.BindText(i++, m.thread_id);
  s.BindText(i++, m.native_id);
  s.BindInt(i++, static_cast<int64_t>(hash));
  s.BindText(i++, m.source);
  s.BindText(i++, m.url);
  s.BindText(i++, m.author.handle);
  s.BindText(i++, m.author.display_name);
  if (m.author.followers) s.BindInt(i++, *m.author.followers); else s.BindNull(i++);
  s.BindInt(i++, m.author.verified);
  s.BindText(i++, model::DirectionName(m.direction));
  s.BindText(i++, m.title);
  s.BindText(i++, m.text);
  s.BindDouble(i++, m.language_confidence);
  s.BindInt(i++, m.language_declared);
  s.BindText(i++, m.reply_to);
  s.BindText(i++, m.reshare_of);
  s.BindText(i++, m.quote_of);
  s.BindInt(i++, m.engagement.likes);
  s.BindInt(i++, m.engagement.reshares);
  s.BindInt(i++, m.engagement.replies);
  s.BindInt(i++, m.engagement.quotes);
  s.BindInt(i++, m.engagement.views);
  s.BindText(i++, m.country);
  s.BindTextOrNull(i++, buf.entities);
  s.BindTextOrNull(i++, buf.attributes);
  s.BindTextOrNull(i++, buf.enrichment);
}

base::Result<model::Mention> ReadMention(const Stmt& s, int first) {
  model::Mention m;
  int c = first;
  m.id = s.Int(c++);
  m.created_at = s.Int(c++);
  std::string_view channel = s.Text(c++);
  auto ch = model::ParseChannel(channel);
  if (!ch) return Bad(m.id, "channel", "unknown channel \"" + std::string(channel) + "\"");
  m.channel = *ch;
  m.language = s.Text(c++);
  ++c;  // author_key
  m.thread_id = s.Text(c++);
  m.native_id = s.Text(c++);
  ++c;  // content_hash
  m.source = s.Text(c++);
  m.url = s.Text(c++);
  m.author.handle = s.Text(c++);
  m.author.display_name = s.Text(c++);
  if (!s.IsNull(c)) m.author.followers = s.Int(c);
  ++c;
  m.author.verified = s.Int(c++) != 0;
  std::string_view direction = s.Text(c++);
  auto dir = model::ParseDirection(direction);
  if (!dir) return Bad(m.id, "direction", "unknown direction \"" + std::string(direction) + "\"");
  m.direction = *dir;
  m.title = s.Text(c++);
  m.text = s.Text(c++);
  m.language_confidence = static_cast<float>(s.Double(c++));
  m.language_declared = s.Int(c++) != 0;
  m.reply_to = s.Text(c++);
  m.reshare_of = s.Text(c++);
  m.quote_of = s.Text(c++);
  m.engagement.likes = s.Int(c++);
  m.engagement.reshares = s.Int(c++);
  m.engagement.replies = s.Int(c++);
  m.engagement.quotes = s.Int(c++);
  m.engagement.views = s.Int(c++);
  m.country = s.Text(c++);

  // The JSON columns. nlohmann's typed accessors are only called after the
  // type has been checked, so nothing below throws.
  if (!s.IsNull(c)) {
    ECOUTE_ASSIGN_OR_RETURN(json j, ParseColumn(s, c, m.id, "entities"));
    if (!ReadStrings(j, "urls", m.entities.urls) || !ReadStrings(j, "mentions", m.entities.mentions) ||
        !ReadStrings(j, "hashtags", m.entities.hashtags))
      return Bad(m.id, "entities", "unexpected JSON shape");
  }
  ++c;
  if (!s.IsNull(c)) {
    ECOUTE_ASSIGN_OR_RETURN(json j, ParseColumn(s, c, m.id, "attributes"));
    for (const auto& [k, v] : j.items()) {
      if (!v.is_string()) return Bad(m.id, "attributes", "value of \"" + k + "\" is not a string");
      m.attributes.emplace(k, v.get<std::string>());
    }
  }
  ++c;
  if (!s.IsNull(c)) ECOUTE_RETURN_IF_ERROR(ParseEnrichment(s.Text(c), m.id, m.enrichment));
  return m;
}


base::Status ParseEnrichment(std::string_view text, int64_t id, model::Enrichment& e) {
  e = model::Enrichment();
  if (text.empty()) return base::Status::Ok();
  json j = json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Bad(id, "enrichment", "not a JSON object");
  // nlohmann's typed accessors are only called after the type has been
  // checked, so nothing below throws.
  auto number = [](const json& v, std::optional<double>& out) {
    if (v.is_number()) out = v.get<double>();
    return v.is_number() || v.is_null();  // null: a non-finite value was written
  };
  for (const auto& [k, v] : j.items()) {
    bool ok = true;
    if (k == "matched_queries") {
      ok = v.is_array();
      if (ok)
        for (const auto& q : v) {
          if (!q.is_number_integer()) { ok = false; break; }
          e.matched_queries.push_back(q.get<int64_t>());
        }
    } else if (k == "sentiment") {
      ok = v.is_string();
      if (ok) e.sentiment = v.get<std::string>();
    } else if (k == "sentiment_score") {
      ok = number(v, e.sentiment_score);
    } else if (k == "sentiment_polarity") {
      ok = number(v, e.sentiment_polarity);
    } else if (k == "needs_reply") {
      ok = v.is_boolean();
      if (ok) e.needs_reply = v.get<bool>();
    } else if (k == "needs_reply_score") {
      ok = number(v, e.needs_reply_score);
    } else if (k == "category") {
      ok = v.is_string();
      if (ok) e.category = v.get<std::string>();
    } else if (k == "category_score") {
      ok = number(v, e.category_score);
    } else if (k == "severity") {
      ok = v.is_number_integer();
      if (ok) e.severity = v.get<int>();
    } else if (k == "severity_level") {
      ok = v.is_string();
      if (ok) e.severity_level = v.get<std::string>();
    } else if (k == "severity_reasons") {
      ok = ReadStrings(j, "severity_reasons", e.severity_reasons);
    } else if (k == "reach") {
      ok = v.is_number_integer();
      if (ok) e.reach = v.get<int64_t>();
    } else if (k == "corrected") {
      ok = ReadStrings(j, "corrected", e.corrected);
    }  // unknown keys: written by a newer build; ignored
    if (!ok) return Bad(id, "enrichment", "unexpected type for \"" + k + "\"");
  }
  return base::Status::Ok();
}

Labels LabelsOf(const model::Enrichment& e) {
  Labels l;
  l.sentiment = e.sentiment.value_or("");
  l.category = e.category.value_or("");
  l.severity_level = e.severity_level.value_or("");
  l.needs_reply = e.needs_reply ? (*e.needs_reply ? "true" : "false") : "";
  return l;
}

void ApplyCorrections(const model::Enrichment& from, model::Enrichment& to) {
  if (from.corrected.empty()) return;
  for (const std::string& f : from.corrected) {
    if (f == "sentiment") to.sentiment = from.sentiment;
    else if (f == "needs_reply") to.needs_reply = from.needs_reply;
    else if (f == "category") to.category = from.category;
    else if (f == "severity_level") to.severity_level = from.severity_level;
  }
  to.corrected = from.corrected;
}

base::Status MatchedQueriesOf(std::string_view enrichment, int64_t id, std::vector<int64_t>& out) {
  out.clear();
  if (enrichment.find("\"matched_queries\"") == std::string_view::npos) return base::Status::Ok();
  json j = json::parse(enrichment.begin(), enrichment.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return Bad(id, "enrichment", "not a JSON object");
  auto it = j.find("matched_queries");
  if (it == j.end()) return base::Status::Ok();  // the words were inside a value
  if (!it->is_array()) return Bad(id, "enrichment", "unexpected type for \"matched_queries\"");
  for (const auto& q : *it) {
    if (!q.is_number_integer()) return Bad(id, "enrichment", "unexpected type for \"matched_queries\"");
    out.push_back(q.get<int64_t>());
  }
  return base::Status::Ok();
}

base::Result<std::string> WithMatchedQueries(std::string_view enrichment, int64_t id,
                                             std::span<const int64_t> ids) {
  using ordered = nlohmann::ordered_json;
  ordered j = ordered::object();
  if (!enrichment.empty()) {
    j = ordered::parse(enrichment.begin(), enrichment.end(), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) return Bad(id, "enrichment", "not a JSON object");
  }
  if (ids.empty()) {
    j.erase("matched_queries");
  } else {
    j["matched_queries"] = std::vector<int64_t>(ids.begin(), ids.end());
  }
  if (j.empty()) return std::string();
  return j.dump(-1, ' ', /*ensure_ascii=*/false, ordered::error_handler_t::replace);
}

}  // namespace ecoute::store::internal
