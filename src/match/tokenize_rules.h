// Internal: the word lists of the tokenizer rules (docs/query-language.md,
// "Tokens") and the byte-level primitives, shared by Tokenize()
// (tokenize.cc) and the engine's TokenStream (token_stream.cc) so the two
// cannot drift apart. The rule logic is kept twice on purpose: Tokenize()
// is the oracle the faster TokenStream is differential-tested against.
#pragma once

#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <string_view>

namespace ecoute::match::internal {

// Folded French elisions: "l'avion" -> "l'" + "avion".
inline constexpr std::array<std::string_view, 15> kElisions = {
    "l", "d", "j", "m", "n", "s", "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu", "quelqu"};

// Folded words written with an apostrophe that stay one token.
inline constexpr std::array<std::string_view, 10> kApostropheWords = {
    "aujourd'hui", "quelqu'un", "quelqu'une", "quelqu'uns", "prud'homme", "prud'hommes",
    "presqu'ile", "presqu'iles", "entr'acte", "main-d'oeuvre"};

inline bool IsElision(std::string_view folded) {
  return std::find(kElisions.begin(), kElisions.end(), folded) != kElisions.end();
}

inline bool IsApostropheWord(std::string_view folded) {
  return std::find(kApostropheWords.begin(), kApostropheWords.end(), folded) != kApostropheWords.end();
}

// One decoded code point: `len` bytes at the position; ill-formed input is
// {U+FFFD, 1, false}.
struct Cp {
  char32_t cp;
  size_t len;
  bool valid;
};

inline Cp DecodeUtf8(std::string_view s, size_t i) {
  utf8proc_int32_t cp = 0;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i);
  utf8proc_ssize_t n = utf8proc_iterate(p, static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0 || cp < 0) return {0xFFFD, 1, false};
  return {static_cast<char32_t>(cp), static_cast<size_t>(n), true};
}

// The host part of a URL as written ("https://user@Fr.Wikipedia.org:443/x"
// -> "Fr.Wikipedia.org"), trailing dots dropped, case kept.
inline std::string_view UrlHostRange(std::string_view url) {
  size_t start = 0;
  size_t scheme = url.find("://");
  if (scheme != std::string_view::npos) start = scheme + 3;
  size_t end = url.find_first_of("/?#", start);
  if (end == std::string_view::npos) end = url.size();
  std::string_view auth = url.substr(start, end - start);
  size_t at = auth.rfind('@');
  if (at != std::string_view::npos) auth = auth.substr(at + 1);
  size_t colon = auth.find(':');
  if (colon != std::string_view::npos) auth = auth.substr(0, colon);
  while (!auth.empty() && auth.back() == '.') auth.remove_suffix(1);
  return auth;
}

inline char AsciiLowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// True when s[i...] starts with `prefix` (lowercase ASCII), ignoring ASCII case.
inline bool StartsWithNoCase(std::string_view s, size_t i, std::string_view prefix) {
  if (s.size() - i < prefix.size()) return false;
  for (size_t k = 0; k < prefix.size(); ++k) {
    if (AsciiLowerChar(s[i + k]) != prefix[k]) return false;
  }
  return true;
}

}  // namespace ecoute::match::internal
