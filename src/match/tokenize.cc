#include "match/tokenize.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>

#include "match/tokenize_rules.h"
#include "text/text.h"

namespace ecoute::match {
namespace {

using internal::Cp;

Cp DecodeAt(std::string_view s, size_t i) { return internal::DecodeUtf8(s, i); }

bool IsWordCp(const Cp& c) {
  if (!c.valid) return false;
  if (c.cp < 0x80) {
    return (c.cp >= 'a' && c.cp <= 'z') || (c.cp >= 'A' && c.cp <= 'Z') || (c.cp >= '0' && c.cp <= '9');
  }
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c.cp))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: case UTF8PROC_CATEGORY_ND:
      return true;
    default:
      return false;
  }
}

bool IsLetterCp(const Cp& c) {
  if (!c.valid) return false;
  if (c.cp < 0x80) return (c.cp >= 'a' && c.cp <= 'z') || (c.cp >= 'A' && c.cp <= 'Z');
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c.cp));
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

// Length in bytes of an apostrophe at s[i], 0 if none.
size_t ApostropheAt(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  if (s[i] == '\'') return 1;
  Cp c = DecodeAt(s, i);
  if (c.valid && (c.cp == 0x2019 || c.cp == 0x02BC)) return c.len;
  return 0;
}

bool IsAsciiAlnum(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = Lower(c);
  return out;
}

// Bytes of the word run starting at i (letters, marks, digits).
size_t WordRunEnd(std::string_view s, size_t i) {
  while (i < s.size()) {
    Cp c = DecodeAt(s, i);
    if (!IsWordCp(c)) break;
    i += c.len;
  }
  return i;
}

bool PrecededByWordChar(std::string_view s, size_t i) {
  if (i == 0) return false;
  size_t j = i - 1;
  while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) --j;
  return IsWordCp(DecodeAt(s, j)) || s[i - 1] == '_';
}

size_t UrlEnd(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size()) {
    unsigned char b = static_cast<unsigned char>(s[j]);
    if (b < 0x80) {
      if (b <= 0x20 || b == 0x7F || b == '<' || b == '>' || b == '"' || b == '`') break;
      ++j;
      continue;
    }
    Cp c = DecodeAt(s, j);
    if (!IsWordCp(c)) break;
    j += c.len;
  }
  while (j > i) {
    char c = s[j - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' ||
        c == '*' || c == ')' || c == ']' || c == '}') {
      --j;
    } else {
      break;
    }
  }
  return j;
}

}  // namespace

std::string UrlHost(std::string_view url) { return AsciiLower(internal::UrlHostRange(url)); }

bool HostMatches(std::string_view host, std::string_view domain) {
  if (domain.empty() || host.size() < domain.size()) return false;
  if (host == domain) return true;
  return host.size() > domain.size() && host.substr(host.size() - domain.size()) == domain &&
         host[host.size() - domain.size() - 1] == '.';
}

std::vector<Token> Tokenize(std::string_view s, const TokenizeOptions& options) {
  std::vector<Token> out;
  int64_t pos = options.first_position;
  auto emit = [&](TokenKind kind, size_t b, size_t e) -> Token& {
    Token t;
    t.kind = kind;
    t.original = std::string(s.substr(b, e - b));
    t.begin = b;
    t.end = e;
    t.position = pos++;
    out.push_back(std::move(t));
    return out.back();
  };
  size_t i = 0;
  while (i < s.size()) {
    const char ch = s[i];
    // URLs.
    if (options.urls && !PrecededByWordChar(s, i) &&
        (internal::StartsWithNoCase(s, i, "http://") || internal::StartsWithNoCase(s, i, "https://") ||
         internal::StartsWithNoCase(s, i, "www."))) {
      size_t e = UrlEnd(s, i);
      std::string host = UrlHost(s.substr(i, e - i));
      bool host_ok = std::any_of(host.begin(), host.end(), [](char c) { return IsAsciiAlnum(c); }) ||
                     std::any_of(host.begin(), host.end(), [](char c) { return (c & 0x80) != 0; });
      if (internal::StartsWithNoCase(s, i, "www.") && host.find('.') == host.rfind('.')) host_ok = false;
      if (host_ok) {
        Token& t = emit(TokenKind::kUrl, i, e);
        t.folded = AsciiLower(t.original);
        t.host = std::move(host);
        i = e;
        continue;
      }
    }
    // Mentions.
    if (ch == '@' && i + 1 < s.size() && (IsAsciiAlnum(s[i + 1]) || s[i + 1] == '_') &&
        !(i > 0 && (s[i - 1] == '@' || s[i - 1] == '.' || s[i - 1] == '#')) && !PrecededByWordChar(s, i)) {
      size_t j = i + 1;
      while (j < s.size()) {
        if (IsAsciiAlnum(s[j]) || s[j] == '_') {
          ++j;
        } else if (s[j] == '.' && j + 1 < s.size() && (IsAsciiAlnum(s[j + 1]) || s[j + 1] == '_')) {
          ++j;
        } else {
          break;
        }
      }
      // "@réseau" is not a mention: the handle runs into a non-ASCII letter.
      if (j >= s.size() || !IsWordCp(DecodeAt(s, j))) {
        Token& t = emit(TokenKind::kMention, i, j);
        t.folded = AsciiLower(t.original);
        i = j;
        continue;
      }
    }
    // Hashtags.
    if (ch == '#' && !PrecededByWordChar(s, i) && !(i > 0 && (s[i - 1] == '&' || s[i - 1] == '#'))) {
      size_t j = i + 1;
      bool letter = false;
      while (j < s.size()) {
        if (s[j] == '_') {
          ++j;
          continue;
        }
        Cp c = DecodeAt(s, j);
        if (!IsWordCp(c)) break;
        letter = letter || IsLetterCp(c);
        j += c.len;
      }
      if (letter) {
        Token& t = emit(TokenKind::kHashtag, i, j);
        t.body_original = std::string(s.substr(i + 1, j - i - 1));
        t.body_folded = text::Fold(t.body_original);
        t.folded = "#" + t.body_folded;
        i = j;
        continue;
      }
    }
    // A detached "'s" (also how ToString prints the possessive token).
    if (size_t ap = ApostropheAt(s, i); ap > 0 && i + ap < s.size() && (s[i + ap] == 's' || s[i + ap] == 'S') &&
                                        WordRunEnd(s, i + ap) == i + ap + 1 && !PrecededByWordChar(s, i)) {
      Token& t = emit(TokenKind::kWord, i, i + ap + 1);
      t.folded = "'s";
      i += ap + 1;
      continue;
    }
    Cp c = DecodeAt(s, i);
    if (!IsWordCp(c)) {
      i += c.len;
      continue;
    }
    // A word, possibly with apostrophes.
    size_t b = i;
    size_t e = WordRunEnd(s, i);
    for (;;) {
      size_t ap = ApostropheAt(s, e);
      if (ap == 0) break;
      std::string folded_head = text::Fold(s.substr(b, e - b));
      size_t next_end = WordRunEnd(s, e + ap);
      bool letter_after = next_end > e + ap;
      if (letter_after) {
        std::string joined = text::Fold(s.substr(b, next_end - b));
        if (internal::IsApostropheWord(joined)) {
          e = next_end;
          continue;
        }
      }
      if (internal::IsElision(folded_head)) {
        Token& t = emit(TokenKind::kWord, b, e + ap);
        t.folded = folded_head + "'";
        b = e + ap;
        e = next_end;
        if (b == e) break;
        continue;
      }
      if (letter_after) {
        std::string_view tail = s.substr(e + ap, next_end - e - ap);
        if ((tail == "s" || tail == "S") && WordRunEnd(s, next_end) == next_end) {
          Token& t = emit(TokenKind::kWord, b, e);
          t.folded = folded_head;
          b = e;
          e = next_end;
          break;
        }
        e = next_end;  // "don't": the apostrophe stays inside
        continue;
      }
      break;
    }
    if (e > b) {
      Token& t = emit(TokenKind::kWord, b, e);
      t.folded = text::Fold(t.original);
    }
    i = std::max(e, i + 1);
  }
  return out;
}

}  // namespace ecoute::match
