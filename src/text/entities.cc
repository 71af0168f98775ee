#include "text/entities.h"

#include <array>
#include <string>
#include <unordered_set>
#include <vector>

#include "text/entity_sink.h"
#include "text/text.h"
#include "text/utf8_util.h"

namespace ecoute::text {
namespace internal {
namespace {

constexpr std::array<bool, 256> MakeTriggers() {
  std::array<bool, 256> t{};
  for (unsigned char c : {'h', 'H', 'w', 'W', '@', '#'}) t[c] = true;
  return t;
}
constexpr std::array<bool, 256> kTrigger = MakeTriggers();

bool IsAsciiAlnum(unsigned char c) {
  return (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z');
}
bool IsHandleChar(unsigned char c) { return IsAsciiAlnum(c) || c == '_'; }

bool StartsWithIgnoreCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (size_t k = 0; k < prefix.size(); ++k) {
    char c = s[k];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c + 32);
    if (c != prefix[k]) return false;
  }
  return true;
}

char32_t PrevCp(std::string_view s, size_t i) { return i == 0 ? 0 : DecodeBefore(s, i).cp; }

}  // namespace

bool EntityScanner::Next(EntitySpan* span) {
  const size_t n = text_.size();
  while (pos_ < n) {
    const auto c = static_cast<unsigned char>(text_[pos_]);
    if (!kTrigger[c]) {
      ++pos_;
      continue;
    }
    bool found = false;
    if (c == '@') {
      found = TryMention(pos_, span);
    } else if (c == '#') {
      found = TryHashtag(pos_, span);
    } else {
      found = TryUrl(pos_, span);
    }
    if (found) {
      pos_ = span->end;
      return true;
    }
    ++pos_;
  }
  return false;
}

bool EntityScanner::TryUrl(size_t i, EntitySpan* span) const {
  const std::string_view rest = text_.substr(i);
  size_t body = 0;
  bool www = false;
  if (StartsWithIgnoreCase(rest, "https://")) {
    body = i + 8;
  } else if (StartsWithIgnoreCase(rest, "http://")) {
    body = i + 7;
  } else if (StartsWithIgnoreCase(rest, "www.")) {
    body = i + 4;
    www = true;
  } else {
    return false;
  }
  const char32_t prev = PrevCp(text_, i);
  if (IsAlnum(prev) || prev == '_' || prev == '@') return false;
  if (www && (prev == '.' || prev == '/' || prev == ':' || prev == '-')) return false;

  const size_t n = text_.size();
  size_t end = body;
  while (end < n) {
    const auto b = static_cast<unsigned char>(text_[end]);
    if (b < 0x80) {
      if (b <= 0x20 || b == 0x7F || b == '<' || b == '>' || b == '"' || b == '`') break;
      ++end;
      continue;
    }
    const Decoded d = DecodeAt(text_, end);
    if (!d.valid || !IsAlnum(d.cp)) break;
    end += d.len;
  }
  // Drop trailing punctuation, and closing brackets without an opening one
  // inside the URL ("(see https://x.org/a)" but "https://x.org/Foo_(bar)").
  while (end > body) {
    const char c = text_[end - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
        c == '*') {
      --end;
      continue;
    }
    if (c == ')' || c == ']' || c == '}') {
      const char open = c == ')' ? '(' : (c == ']' ? '[' : '{');
      int depth = 0;
      for (size_t k = body; k < end; ++k) {
        if (text_[k] == open) ++depth;
        if (text_[k] == c) --depth;
      }
      if (depth < 0) {
        --end;
        continue;
      }
    }
    break;
  }
  if (end <= body) return false;
  // Host: up to the first '/', '?' or '#'; must hold a letter or digit, and
  // for "www." a dot followed by more of the name ("www.free.fr").
  size_t host_end = body;
  while (host_end < end && text_[host_end] != '/' && text_[host_end] != '?' &&
         text_[host_end] != '#') {
    ++host_end;
  }
  bool alnum = false;
  bool dotted = false;
  for (size_t k = body; k < host_end; ++k) {
    const auto b = static_cast<unsigned char>(text_[k]);
    if (IsAsciiAlnum(b) || b >= 0x80) alnum = true;
    if (b == '.' && k > body && k + 1 < host_end) dotted = true;
  }
  if (!alnum || (www && !dotted)) return false;
  *span = {EntityKind::kUrl, i, end};
  return true;
}

bool EntityScanner::TryMention(size_t i, EntitySpan* span) const {
  const char32_t prev = PrevCp(text_, i);
  if (IsAlnum(prev) || prev == '_' || prev == '@' || prev == '#') return false;
  const size_t n = text_.size();
  const size_t start = i + 1;
  size_t end = start;
  while (end < n) {
    const auto c = static_cast<unsigned char>(text_[end]);
    if (IsHandleChar(c)) {
      ++end;
    } else if (c == '.' && end > start && end + 1 < n &&
               IsHandleChar(static_cast<unsigned char>(text_[end + 1]))) {
      ++end;
    } else {
      break;
    }
  }
  if (end == start) return false;
  if (end < n) {
    const auto c = static_cast<unsigned char>(text_[end]);
    if (c >= 0x80) {
      const Decoded d = DecodeAt(text_, end);
      if (d.valid && IsLetterOrMark(d.cp)) return false;  // "@réseau": not a handle
    } else if (c == '@') {
      // Fediverse account: "@user@host.tld".
      const size_t host = end + 1;
      size_t host_end = host;
      bool dotted = false;
      while (host_end < n) {
        const auto h = static_cast<unsigned char>(text_[host_end]);
        if (IsAsciiAlnum(h) || h == '-') {
          ++host_end;
        } else if (h == '.' && host_end > host && host_end + 1 < n &&
                   IsAsciiAlnum(static_cast<unsigned char>(text_[host_end + 1]))) {
          dotted = true;
          ++host_end;
        } else {
          break;
        }
      }
      if (dotted) end = host_end;
    }
  }
  *span = {EntityKind::kMention, i, end};
  return true;
}

bool EntityScanner::TryHashtag(size_t i, EntitySpan* span) const {
  const char32_t prev = PrevCp(text_, i);
  if (IsAlnum(prev) || prev == '_' || prev == '&' || prev == '#') return false;
  const size_t n = text_.size();
  size_t end = i + 1;
  bool letter = false;
  while (end < n) {
    const auto c = static_cast<unsigned char>(text_[end]);
    if (c < 0x80) {
      if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
        letter = true;
      } else if (!(c >= '0' && c <= '9') && c != '_') {
        break;
      }
      ++end;
      continue;
    }
    const Decoded d = DecodeAt(text_, end);
    if (!d.valid) break;
    if (IsLetter(d.cp)) {
      letter = true;
    } else if (!IsAlnum(d.cp) && d.cp != 0x200C) {  // ZWNJ: Persian spelling
      break;
    }
    end += d.len;
  }
  if (!letter) return false;
  *span = {EntityKind::kHashtag, i, end};
  return true;
}

void EntitySink::Add(std::vector<std::string>& list, Seen& seen, std::string_view value) {
  // Linear search while small (the usual case), a hash set beyond.
  constexpr size_t kLinearLimit = 16;
  if (list.size() < kLinearLimit) {
    for (const std::string& s : list) {
      if (s == value) return;
    }
    list.emplace_back(value);
    return;
  }
  if (seen.empty()) seen.insert(list.begin(), list.end());
  if (!seen.insert(std::string(value)).second) return;
  list.emplace_back(value);
}

void EntitySink::AddFrom(std::string_view text) {
  EntityScanner scanner(text);
  EntitySpan span;
  while (scanner.Next(&span)) {
    const std::string_view all = text.substr(span.begin, span.end - span.begin);
    switch (span.kind) {
      case EntityKind::kUrl:
        Add(entities_.urls, urls_, all);
        break;
      case EntityKind::kMention:
        Add(entities_.mentions, mentions_, all.substr(1));
        break;
      case EntityKind::kHashtag:
        Add(entities_.hashtags, hashtags_, all.substr(1));
        break;
    }
  }
}

}  // namespace internal

model::Entities ExtractEntities(std::string_view text) {
  internal::EntitySink sink;
  sink.AddFrom(text);
  return sink.Take();
}

}  // namespace ecoute::text
