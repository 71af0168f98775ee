#include "ingest/formats/common.h"

#include <array>
#include <cctype>
#include <cstring>

#include <simdjson.h>

namespace ecoute::ingest::formats {
namespace {

// Length of the valid UTF-8 sequence at s[i], or 0.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  auto b = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c = b(i);
  if (c < 0x80) return 1;
  size_t n;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;  // no surrogates
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return 0;
  }
  if (i + n > s.size()) return 0;
  if (b(i + 1) < lo || b(i + 1) > hi) return 0;
  for (size_t k = 2; k < n; ++k)
    if (b(i + k) < 0x80 || b(i + k) > 0xBF) return 0;
  return n;
}

// Cuts to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view CutUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

char Lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }

}  // namespace

void Reject(const Location& where, std::string_view field, std::string reason, std::string_view raw,
            std::vector<model::Rejection>& rejects) {
  model::Rejection r;
  r.source = std::string(where.source);
  r.location = where.ToString();
  r.field = std::string(field);
  r.reason = std::move(reason);
  r.raw = std::string(CutUtf8(raw, model::kMaxRejectRawBytes));
  r.line = where.line;
  r.index = where.index;
  rejects.push_back(std::move(r));
}

bool RejectIfFlawed(std::string_view record, const Location& where, std::vector<model::Rejection>& rejects) {
  if (where.flaw == RecordFlaw::kNone) return false;
  Reject(where, "", std::string(RecordFlawReason(where.flaw)), record, rejects);
  return true;
}

size_t InvalidUtf8Offset(std::string_view s) {
  if (simdjson::validate_utf8(s.data(), s.size())) return std::string_view::npos;
  for (size_t i = 0; i < s.size();) {
    size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return i;
    i += n;
  }
  return std::string_view::npos;
}

std::string DeriveNativeId(const model::Mention& m) {
  uint64_t h = 14695981039346656037ULL;
  auto mix = [&h](std::string_view s) {
    for (char c : s) {
      h ^= static_cast<unsigned char>(c);
      h *= 1099511628211ULL;
    }
    h *= 1099511628211ULL;  // the 0x00 separator: h ^= 0, then multiply
  };
  mix(model::ChannelName(m.channel));
  mix(m.author.handle);
  mix(std::to_string(m.created_at));
  mix(m.text);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = "h:";
  for (int shift = 60; shift >= 0; shift -= 4) id += kHex[(h >> shift) & 0xF];
  return id;
}

bool FinishMention(model::Mention& m, std::string_view record, const Location& where, std::string_view prefix,
                   std::vector<model::Rejection>& rejects, bool utf8_checked) {
  auto fail = [&](std::string_view field, std::string reason) {
    Reject(where, std::string(prefix) + std::string(field), std::move(reason), record, rejects);
    return false;
  };
  if (m.text.empty()) return fail("text", "missing or empty: text is required");
  if (IsBlank(m.text)) return fail("text", "only whitespace: text is required");
  if (m.native_id.empty()) m.native_id = DeriveNativeId(m);
  if (m.native_id.size() > kMaxNativeIdBytes) {
    return fail("native_id", "longer than " + std::to_string(kMaxNativeIdBytes) + " bytes");
  }
  if (utf8_checked) return true;
  if (size_t bad = InvalidUtf8Offset(m.text); bad != std::string_view::npos) {
    return fail("text", "invalid UTF-8 at byte " + std::to_string(bad));
  }
  for (auto [name, value] : {std::pair<std::string_view, const std::string*>{"title", &m.title},
                             {"author.handle", &m.author.handle},
                             {"author.name", &m.author.display_name},
                             {"source", &m.source},
                             {"url", &m.url}}) {
    if (size_t bad = InvalidUtf8Offset(*value); bad != std::string_view::npos) {
      return fail(name, "invalid UTF-8 at byte " + std::to_string(bad));
    }
  }
  if (size_t bad = InvalidUtf8Offset(m.native_id); bad != std::string_view::npos) {
    return fail("native_id", "invalid UTF-8 at byte " + std::to_string(bad));
  }
  return true;
}

std::optional<model::Channel> ChannelFromName(std::string_view name) {
  for (int i = 0; i < model::kChannelCount; ++i) {
    auto c = static_cast<model::Channel>(i);
    if (name == model::ChannelName(c)) return c;
  }
  return model::ParseChannel(name);
}

std::optional<model::Direction> DirectionFromName(std::string_view name) {
  if (name == "inbound") return model::Direction::kInbound;
  if (name == "outbound") return model::Direction::kOutbound;
  return model::ParseDirection(name);
}

std::string_view TrimSpace(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

bool IsBlank(std::string_view s) {
  for (char c : s)
    if (!std::isspace(static_cast<unsigned char>(c))) return false;
  return true;
}

std::string Quote(std::string_view s) {
  std::string_view cut = CutUtf8(s, 80);
  std::string out = "\"";
  out.append(cut);
  if (cut.size() < s.size()) out += "...";
  out += '"';
  return out;
}

namespace {
// digits, then optionally '.' and zeros; returns the digits part.
std::optional<std::string_view> IntegralDigits(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
  if (i == 0) return std::nullopt;
  if (i < s.size()) {
    if (s[i] != '.' || i + 1 == s.size()) return std::nullopt;
    for (size_t k = i + 1; k < s.size(); ++k)
      if (s[k] != '0') return std::nullopt;
  }
  return s.substr(0, i);
}
}  // namespace

std::string NormalizeId(std::string_view s) {
  s = TrimSpace(s);
  auto digits = IntegralDigits(s);
  return std::string(digits ? *digits : s);
}

std::optional<int64_t> ParseCount(std::string_view s) {
  auto digits = IntegralDigits(TrimSpace(s));
  if (!digits || digits->size() > 18) return std::nullopt;
  int64_t v = 0;
  for (char c : *digits) v = v * 10 + (c - '0');
  return v;
}

std::optional<bool> ParseBool(std::string_view s) {
  s = TrimSpace(s);
  std::string lower;
  for (char c : s) lower += Lower(c);
  if (lower == "true" || lower == "1" || lower == "yes") return true;
  if (lower == "false" || lower == "0" || lower == "no") return false;
  return std::nullopt;
}

std::optional<std::string> NormalizeLanguage(std::string_view tag) {
  tag = TrimSpace(tag);
  size_t n = 0;
  while (n < tag.size() && std::isalpha(static_cast<unsigned char>(tag[n]))) ++n;
  if (n < 2 || n > 3) return std::nullopt;
  if (n < tag.size() && tag[n] != '-' && tag[n] != '_') return std::nullopt;
  std::string code;
  for (size_t i = 0; i < n; ++i) code += Lower(tag[i]);
  if (code == "und" || code == "zxx" || code == "mul" || (code.size() == 3 && code[0] == 'q')) return "und";
  if (code == "in") return "id";
  if (code == "iw") return "he";
  return code;
}

std::string UnescapeHtml(std::string_view s) {
  static constexpr std::array<std::pair<std::string_view, char>, 6> kEntities = {{
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&#39;", '\''}, {"&apos;", '\''},
  }};
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t amp = s.find('&', i);
    if (amp == std::string_view::npos) {
      out.append(s.substr(i));
      break;
    }
    out.append(s.substr(i, amp - i));
    i = amp;
    bool matched = false;
    for (const auto& [entity, c] : kEntities) {
      if (s.substr(i, entity.size()) == entity) {
        out += c;
        i += entity.size();
        matched = true;
        break;
      }
    }
    if (!matched) out += s[i++];
  }
  return out;
}

bool ParseDate(std::string_view text, base::Timestamp& out, std::string& reason) {
  if (IsBlank(text)) {
    reason = "missing or empty: a date is required";
    return false;
  }
  auto t = base::ParseTimestamp(text);
  if (!t.ok()) {
    reason = t.status().message();
    return false;
  }
  out = *t;
  return true;
}

}  // namespace ecoute::ingest::formats
