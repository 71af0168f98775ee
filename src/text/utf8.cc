#include <cstring>

#include <utf8proc.h>

#include "text/text.h"
#include "text/utf8_util.h"

namespace ecoute::text {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ULL;

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

}  // namespace

bool IsValidUtf8(std::string_view s) {
  const char* data = s.data();
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    // ASCII fast path: 16 then 8 bytes at a time.
    while (i + 16 <= n && ((Load64(data + i) | Load64(data + i + 8)) & kHighBits) == 0) i += 16;
    while (i + 8 <= n && (Load64(data + i) & kHighBits) == 0) i += 8;
    if (i >= n) break;
    if (static_cast<unsigned char>(data[i]) < 0x80) {
      ++i;
      continue;
    }
    internal::Decoded d = internal::DecodeAt(s, i);
    if (!d.valid) return false;
    i += d.len;
  }
  return true;
}

namespace internal {

void AppendSanitized(std::string_view s, std::string& out) {
  size_t i = 0;
  size_t clean_start = 0;
  while (i < s.size()) {
    if (static_cast<unsigned char>(s[i]) < 0x80) {
      ++i;
      continue;
    }
    Decoded d = DecodeAt(s, i);
    if (d.valid) {
      i += d.len;
      continue;
    }
    out.append(s.data() + clean_start, i - clean_start);
    AppendUtf8(kReplacementChar, out);
    i += d.len;
    clean_start = i;
  }
  out.append(s.data() + clean_start, s.size() - clean_start);
}

bool IsLetter(char32_t cp) {
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  utf8proc_category_t c = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_LO;
}

bool IsLetterOrMark(char32_t cp) {
  if (cp < 0x80) return (cp | 0x20) >= 'a' && (cp | 0x20) <= 'z';
  utf8proc_category_t c = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_ME;
}

bool IsAlnum(char32_t cp) {
  if (cp < 0x80) return ((cp | 0x20) >= 'a' && (cp | 0x20) <= 'z') || (cp >= '0' && cp <= '9');
  utf8proc_category_t c = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO;
}

bool IsSpace(char32_t cp) {
  if (cp < 0x80) return cp == ' ' || (cp >= '\t' && cp <= '\r');
  if (cp == 0x85) return true;
  utf8proc_category_t c = utf8proc_category(static_cast<utf8proc_int32_t>(cp));
  return c == UTF8PROC_CATEGORY_ZS || c == UTF8PROC_CATEGORY_ZL || c == UTF8PROC_CATEGORY_ZP;
}

}  // namespace internal
}  // namespace ecoute::text
