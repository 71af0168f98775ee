// Internal UTF-8 helpers shared by the text module. Not part of the public
// API; do not include from other modules.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ecoute::text::internal {

inline constexpr char32_t kReplacementChar = 0xFFFD;

struct Decoded {
  char32_t cp;  // kReplacementChar when `valid` is false
  uint32_t len;  // bytes consumed, >= 1
  bool valid;
};

// Decodes the code point starting at s[i] (i < s.size()). Strict: overlong
// forms, surrogates and values above U+10FFFF are invalid. On error consumes
// the maximal subpart of an ill-formed sequence (Unicode 15, section 3.9,
// "U+FFFD substitution of maximal subparts"), at least one byte.
inline Decoded DecodeAt(std::string_view s, size_t i) {
  const auto* p = reinterpret_cast<const unsigned char*>(s.data()) + i;
  const size_t left = s.size() - i;
  const unsigned char b0 = p[0];
  if (b0 < 0x80) return {b0, 1, true};
  if (b0 < 0xC2 || b0 > 0xF4) return {kReplacementChar, 1, false};
  if (b0 < 0xE0) {
    if (left < 2 || (p[1] & 0xC0) != 0x80) return {kReplacementChar, 1, false};
    return {static_cast<char32_t>(((b0 & 0x1F) << 6) | (p[1] & 0x3F)), 2, true};
  }
  // Valid range of the second byte depends on the lead byte.
  unsigned char lo = 0x80, hi = 0xBF;
  if (b0 == 0xE0) lo = 0xA0;
  else if (b0 == 0xED) hi = 0x9F;
  else if (b0 == 0xF0) lo = 0x90;
  else if (b0 == 0xF4) hi = 0x8F;
  if (left < 2 || p[1] < lo || p[1] > hi) return {kReplacementChar, 1, false};
  if (left < 3 || (p[2] & 0xC0) != 0x80) return {kReplacementChar, 2, false};
  if (b0 < 0xF0) {
    return {static_cast<char32_t>(((b0 & 0x0F) << 12) | ((p[1] & 0x3F) << 6) | (p[2] & 0x3F)), 3,
            true};
  }
  if (left < 4 || (p[3] & 0xC0) != 0x80) return {kReplacementChar, 3, false};
  return {static_cast<char32_t>(((b0 & 0x07) << 18) | ((p[1] & 0x3F) << 12) |
                                ((p[2] & 0x3F) << 6) | (p[3] & 0x3F)),
          4, true};
}

// Decodes the code point that ends just before s[i] (0 < i <= s.size()).
// Returns U+FFFD for ill-formed bytes; `len` is the bytes it spans.
inline Decoded DecodeBefore(std::string_view s, size_t i) {
  size_t start = i - 1;
  // Step back over at most three continuation bytes.
  while (start > 0 && i - start < 4 &&
         (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) {
    --start;
  }
  Decoded d = DecodeAt(s, start);
  if (start + d.len == i) return d;
  return {kReplacementChar, 1, false};
}

// Writes the UTF-8 encoding of `cp` (a scalar value) to `dst`, which must
// have room for 4 bytes. Returns the number of bytes written.
inline size_t EncodeTo(char32_t cp, char* dst) {
  if (cp < 0x80) {
    dst[0] = static_cast<char>(cp);
    return 1;
  }
  if (cp < 0x800) {
    dst[0] = static_cast<char>(0xC0 | (cp >> 6));
    dst[1] = static_cast<char>(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    dst[0] = static_cast<char>(0xE0 | (cp >> 12));
    dst[1] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    dst[2] = static_cast<char>(0x80 | (cp & 0x3F));
    return 3;
  }
  dst[0] = static_cast<char>(0xF0 | (cp >> 18));
  dst[1] = static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
  dst[2] = static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
  dst[3] = static_cast<char>(0x80 | (cp & 0x3F));
  return 4;
}

inline void AppendUtf8(char32_t cp, std::string& out) {
  char buf[4];
  out.append(buf, EncodeTo(cp, buf));
}

// Appends `s` to `out` with every ill-formed sequence replaced by U+FFFD.
void AppendSanitized(std::string_view s, std::string& out);

// Unicode general category helpers (via utf8proc).
bool IsLetter(char32_t cp);         // L*
bool IsLetterOrMark(char32_t cp);   // L*, M*
bool IsAlnum(char32_t cp);          // L*, M*, N*
bool IsSpace(char32_t cp);          // White_Space-like: Zs, Zl, Zp, \t\n\v\f\r, U+0085

}  // namespace ecoute::text::internal
