// Internal: the word lists of the tokenizer rules (docs/query-language.md,
// "Tokens"), shared by Tokenize() (tokenize.cc) and the engine's
// TokenStream (token_stream.cc) so the two cannot drift apart. The logic is
// kept twice on purpose: Tokenize() is the oracle the faster TokenStream is
// differential-tested against.
#pragma once

#include <algorithm>
#include <array>
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
