// A rule-for-rule port of Tokenize() (tokenize.cc) that writes folded forms
// into one reused buffer. The control flow deliberately mirrors Tokenize()
// so the two can be compared side by side; what differs is how each step is
// computed:
//  * ASCII bytes are classified inline; non-ASCII code points are decoded
//    with utf8proc_iterate (as Tokenize does) and classified through a BMP
//    table built once from utf8proc_category.
//  * Folding writes straight into the buffer: ASCII words are lowercased
//    byte by byte, anything else goes through text::FoldAppend on the same
//    byte range Tokenize folds.
//  * The apostrophe rules (elisions, exception words, possessive) run only
//    when an apostrophe follows a word, with reused scratch strings.
#include "match/token_stream.h"

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <memory>

#include "match/tokenize_rules.h"
#include "text/text.h"

namespace ecoute::match::internal {
namespace {

Cp DecodeSlow(std::string_view s, size_t i) { return DecodeUtf8(s, i); }

inline Cp DecodeAt(std::string_view s, size_t i) {
  const auto b = static_cast<unsigned char>(s[i]);
  if (b < 0x80) return {b, 1, true};
  return DecodeSlow(s, i);
}

constexpr uint8_t kWordClass = 1;    // letter, mark or decimal digit
constexpr uint8_t kLetterClass = 2;  // letter

uint8_t ClassifySlow(char32_t cp) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LL: case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO:
      return kWordClass | kLetterClass;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME:
    case UTF8PROC_CATEGORY_ND:
      return kWordClass;
    default:
      return 0;
  }
}

// Classes of every BMP code point (64 KiB, built once).
class BmpClasses {
 public:
  BmpClasses() : classes_(new uint8_t[0x10000]) {
    for (char32_t cp = 0; cp < 0x10000; ++cp) classes_[cp] = ClassifySlow(cp);
  }
  uint8_t Get(char32_t cp) const { return cp < 0x10000 ? classes_[cp] : ClassifySlow(cp); }

 private:
  std::unique_ptr<uint8_t[]> classes_;
};

const BmpClasses& Classes() {
  static const BmpClasses kClasses;
  return kClasses;
}

constexpr std::array<uint8_t, 128> MakeAsciiClasses() {
  std::array<uint8_t, 128> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = kWordClass;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = kWordClass | kLetterClass;
  for (int c = 'A'; c <= 'Z'; ++c) t[c] = kWordClass | kLetterClass;
  return t;
}
constexpr std::array<uint8_t, 128> kAsciiClasses = MakeAsciiClasses();

// Bytes that start no token and are skipped one by one: ASCII other than
// letters, digits, '@', '#' and '\''.
constexpr std::array<bool, 256> MakeSkippable() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x80; ++c) t[c] = kAsciiClasses[c] == 0 && c != '@' && c != '#' && c != '\'';
  return t;
}
constexpr std::array<bool, 256> kSkippable = MakeSkippable();

// ASCII letters and digits (false for every byte >= 0x80).
constexpr std::array<bool, 256> MakeAsciiWord() {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x80; ++c) t[c] = kAsciiClasses[c] != 0;
  return t;
}
constexpr std::array<bool, 256> kAsciiWord = MakeAsciiWord();

inline uint8_t ClassOf(const Cp& c) {
  if (!c.valid) return 0;
  if (c.cp < 0x80) return kAsciiClasses[c.cp];
  return Classes().Get(c.cp);
}
inline bool IsWordCp(const Cp& c) { return (ClassOf(c) & kWordClass) != 0; }
inline bool IsLetterCp(const Cp& c) { return (ClassOf(c) & kLetterClass) != 0; }

inline bool IsAsciiAlnum(char c) {
  const auto b = static_cast<unsigned char>(c);
  return b < 0x80 && (kAsciiClasses[b] & kWordClass) != 0;
}

inline char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

void AppendAsciiLower(std::string_view s, std::string& out) {
  const size_t at = out.size();
  out.resize(at + s.size());
  char* dst = out.data() + at;
  for (size_t k = 0; k < s.size(); ++k) dst[k] = Lower(s[k]);
}

bool IsAscii(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return false;
  }
  return true;
}

// Appends text::Fold(s) to `out`.
void AppendFolded(std::string_view s, std::string& out) {
  if (IsAscii(s)) {
    AppendAsciiLower(s, out);
  } else {
    text::FoldAppend(s, out);
  }
}

// Length in bytes of an apostrophe (' U+2019 U+02BC) at s[i], 0 if none.
inline size_t ApostropheAt(std::string_view s, size_t i) {
  if (i >= s.size()) return 0;
  const auto b = static_cast<unsigned char>(s[i]);
  if (b == '\'') return 1;
  if (b < 0x80) return 0;
  // Valid UTF-8 encodings are unique, so comparing bytes is decoding.
  if (b == 0xE2 && i + 2 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
      static_cast<unsigned char>(s[i + 2]) == 0x99) {
    return 3;  // U+2019
  }
  if (b == 0xCA && i + 1 < s.size() && static_cast<unsigned char>(s[i + 1]) == 0xBC) return 2;  // U+02BC
  return 0;
}

// End of the word run starting at i (letters, marks, digits).
inline size_t WordRunEnd(std::string_view s, size_t i) {
  const size_t n = s.size();
  while (i < n) {
    const auto b = static_cast<unsigned char>(s[i]);
    if (b < 0x80) {
      if ((kAsciiClasses[b] & kWordClass) == 0) break;
      ++i;
      continue;
    }
    Cp c = DecodeSlow(s, i);
    if (!IsWordCp(c)) break;
    i += c.len;
  }
  return i;
}

inline bool PrecededByWordChar(std::string_view s, size_t i) {
  if (i == 0) return false;
  const auto prev = static_cast<unsigned char>(s[i - 1]);
  if (prev < 0x80) return (kAsciiClasses[prev] & kWordClass) != 0 || prev == '_';
  size_t j = i - 1;
  while (j > 0 && (static_cast<unsigned char>(s[j]) & 0xC0) == 0x80) --j;
  return IsWordCp(DecodeAt(s, j));
}

size_t UrlEnd(std::string_view s, size_t i) {
  size_t j = i;
  while (j < s.size()) {
    auto b = static_cast<unsigned char>(s[j]);
    if (b < 0x80) {
      if (b <= 0x20 || b == 0x7F || b == '<' || b == '>' || b == '"' || b == '`') break;
      ++j;
      continue;
    }
    Cp c = DecodeSlow(s, j);
    if (!IsWordCp(c)) break;
    j += c.len;
  }
  while (j > i) {
    char c = s[j - 1];
    if (c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '?' || c == '\'' || c == '*' ||
        c == ')' || c == ']' || c == '}') {
      --j;
    } else {
      break;
    }
  }
  return j;
}

}  // namespace

TokenStream::TokenStream() { Clear(); }

void TokenStream::Clear() {
  tokens_.clear();
  sources_.clear();
  used_ = 0;
  Put(kScanSep);
  host_count_ = 0;
  Pad();
}

void TokenStream::Pad() { std::fill_n(Room(kScanPadding), kScanPadding, '\0'); }

void TokenStream::Grow(size_t bytes) {
  buffer_.resize(std::max(used_ + bytes, 2 * buffer_.size()));
}

void TokenStream::Put(std::string_view v) {
  std::copy(v.begin(), v.end(), Room(v.size()));
  used_ += v.size();
}

void TokenStream::PutAsciiLower(std::string_view v) {
  char* dst = Room(v.size());
  for (char c : v) *dst++ = Lower(c);
  used_ += v.size();
}

void TokenStream::PutFolded(std::string_view v) {
  if (IsAscii(v)) {
    PutAsciiLower(v);
  } else {
    fold_.clear();
    text::FoldAppend(v, fold_);
    Put(fold_);
  }
}

size_t TokenStream::TokenAtScanOffset(size_t offset) const {
  auto it = std::upper_bound(tokens_.begin(), tokens_.end(), offset,
                             [](size_t off, const StreamToken& t) { return off < t.scan_begin; });
  return it == tokens_.begin() ? 0 : static_cast<size_t>(it - tokens_.begin()) - 1;
}

TokenRef TokenStream::Ref(size_t i) const {
  const StreamToken& t = tokens_[i];
  TokenRef r{t.kind, folded(i), original(i), {}, {}};
  if (t.kind == TokenKind::kHashtag) {
    r.body_folded = r.folded.substr(1);
    r.body_original = r.original.substr(1);
  }
  return r;
}

std::string& TokenStream::NextHost() {
  if (host_count_ == hosts_.size()) hosts_.emplace_back();
  std::string& h = hosts_[host_count_++];
  h.clear();
  return h;
}

void TokenStream::Append(std::string_view s, const TokenizeOptions& options) {
  AppendTokens(s, options);
  Pad();
}

void TokenStream::AppendTokens(std::string_view s, const TokenizeOptions& options) {
  sources_.push_back(s);
  // Enough for ASCII text (a token of k bytes writes at most k + 1), so the
  // common case never grows inside the loop.
  Room(s.size() + s.size() / 2 + 2);
  position_ = options.first_position;
  const size_t n = s.size();
  size_t i = 0;
  const auto* bytes = reinterpret_cast<const unsigned char*>(s.data());
  while (i < n) {
    // ASCII punctuation and spaces that start no token: skip in bulk.
    while (kSkippable[bytes[i]]) {
      if (++i == n) return;
    }
    const char ch = s[i];
    const auto uch = static_cast<unsigned char>(ch);
    // URLs.
    if (options.urls && (ch == 'h' || ch == 'H' || ch == 'w' || ch == 'W') && !PrecededByWordChar(s, i) &&
        (StartsWithNoCase(s, i, "http://") || StartsWithNoCase(s, i, "https://") ||
         StartsWithNoCase(s, i, "www."))) {
      size_t e = UrlEnd(s, i);
      std::string_view host = UrlHostRange(s.substr(i, e - i));
      bool host_ok = std::any_of(host.begin(), host.end(), [](char c) { return IsAsciiAlnum(c); }) ||
                     std::any_of(host.begin(), host.end(), [](char c) { return (c & 0x80) != 0; });
      if (StartsWithNoCase(s, i, "www.") && host.find('.') == host.rfind('.')) host_ok = false;
      if (host_ok) {
        Emit(TokenKind::kUrl, i, e);
        tokens_.back().host = static_cast<uint32_t>(host_count_);
        AppendAsciiLower(host, NextHost());
        Put(kScanUrlMark);
        CloseToken();
        i = e;
        continue;
      }
    }
    // Mentions.
    if (ch == '@' && i + 1 < n && (IsAsciiAlnum(s[i + 1]) || s[i + 1] == '_') &&
        !(i > 0 && (s[i - 1] == '@' || s[i - 1] == '.' || s[i - 1] == '#')) && !PrecededByWordChar(s, i)) {
      size_t j = i + 1;
      while (j < n) {
        if (IsAsciiAlnum(s[j]) || s[j] == '_') {
          ++j;
        } else if (s[j] == '.' && j + 1 < n && (IsAsciiAlnum(s[j + 1]) || s[j + 1] == '_')) {
          ++j;
        } else {
          break;
        }
      }
      if (j >= n || !IsWordCp(DecodeAt(s, j))) {
        Emit(TokenKind::kMention, i, j);
        PutAsciiLower(s.substr(i, j - i));
        CloseToken();
        i = j;
        continue;
      }
    }
    // Hashtags.
    if (ch == '#' && !PrecededByWordChar(s, i) && !(i > 0 && (s[i - 1] == '&' || s[i - 1] == '#'))) {
      size_t j = i + 1;
      bool letter = false;
      while (j < n) {
        if (s[j] == '_') {
          ++j;
          continue;
        }
        Cp c = DecodeAt(s, j);
        const uint8_t cls = ClassOf(c);
        if ((cls & kWordClass) == 0) break;
        letter = letter || (cls & kLetterClass) != 0;
        j += c.len;
      }
      if (letter) {
        Emit(TokenKind::kHashtag, i, j);
        Put('#');
        PutFolded(s.substr(i + 1, j - i - 1));
        CloseToken();
        i = j;
        continue;
      }
    }
    // A detached "'s".
    if (size_t ap = ApostropheAt(s, i); ap > 0 && i + ap < n && (s[i + ap] == 's' || s[i + ap] == 'S') &&
                                        WordRunEnd(s, i + ap) == i + ap + 1 && !PrecededByWordChar(s, i)) {
      Emit(TokenKind::kWord, i, i + ap + 1);
      Put("'s");
      CloseToken();
      i += ap + 1;
      continue;
    }
    // A word, possibly with apostrophes.
    size_t b = i;
    size_t e = i;
    if (uch < 0x80) {
      // ASCII letters and digits, lowercased (| 0x20) into the buffer's room
      // as they are read; kept only when the word turns out to be all ASCII.
      char* dst = Room(n - b + 1);
      while (e < n && kAsciiWord[bytes[e]]) {
        *dst++ = static_cast<char>(bytes[e] | 0x20);
        ++e;
      }
      if (e == b) {  // '@', '#' or an apostrophe that started nothing
        ++i;
        continue;
      }
      if (e == n || (bytes[e] < 0x80 && bytes[e] != '\'')) {
        // The whole word is ASCII and no apostrophe rule applies.
        Emit(TokenKind::kWord, b, e);
        used_ += e - b;
        CloseToken();
        i = e;
        continue;
      }
      e = WordRunEnd(s, e);
    } else {
      Cp c = DecodeSlow(s, i);
      if (!IsWordCp(c)) {
        i += c.len;
        continue;
      }
      e = WordRunEnd(s, i + c.len);
    }
    for (;;) {
      size_t ap = ApostropheAt(s, e);
      if (ap == 0) break;
      head_.clear();
      AppendFolded(s.substr(b, e - b), head_);
      size_t next_end = WordRunEnd(s, e + ap);
      bool letter_after = next_end > e + ap;
      if (letter_after) {
        joined_.clear();
        AppendFolded(s.substr(b, next_end - b), joined_);
        if (IsApostropheWord(joined_)) {
          e = next_end;
          continue;
        }
      }
      if (IsElision(head_)) {
        Emit(TokenKind::kWord, b, e + ap);
        Put(head_);
        Put('\'');
        CloseToken();
        b = e + ap;
        e = next_end;
        if (b == e) break;
        continue;
      }
      if (letter_after) {
        std::string_view tail = s.substr(e + ap, next_end - e - ap);
        if ((tail == "s" || tail == "S") && WordRunEnd(s, next_end) == next_end) {
          Emit(TokenKind::kWord, b, e);
          Put(head_);
          CloseToken();
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
      Emit(TokenKind::kWord, b, e);
      PutFolded(s.substr(b, e - b));
      CloseToken();
    }
    i = std::max(e, i + 1);
  }
}

Token ToToken(const TokenStream& stream, size_t i) {
  const StreamToken& st = stream[i];
  Token t;
  t.kind = st.kind;
  t.original = std::string(stream.original(i));
  t.position = st.position;
  t.begin = st.begin;
  t.end = st.end;
  switch (st.kind) {
    case TokenKind::kWord:
    case TokenKind::kMention:
      t.folded = std::string(stream.folded(i));
      break;
    case TokenKind::kHashtag:
      t.folded = std::string(stream.folded(i));
      t.body_folded = t.folded.substr(1);
      t.body_original = t.original.substr(1);
      break;
    case TokenKind::kUrl:
      for (char c : t.original) t.folded += Lower(c);
      t.host = stream.url_hosts()[st.host];
      break;
  }
  return t;
}

}  // namespace ecoute::match::internal
