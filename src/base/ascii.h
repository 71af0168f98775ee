// ASCII-only text helpers for keywords, enum names and protocol tokens
// (never for user text: that is folded by text/text.h). Bytes outside A-Z
// are compared as they are, so the result is independent of the locale.
#pragma once

#include <string_view>

namespace ecoute::base {

// 'A'-'Z' lowered; any other byte unchanged.
constexpr char AsciiLowerChar(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether `a` and `b` are equal once A-Z are lowered in both.
constexpr bool EqualsIgnoreAsciiCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (AsciiLowerChar(a[i]) != AsciiLowerChar(b[i])) return false;
  return true;
}

}  // namespace ecoute::base
