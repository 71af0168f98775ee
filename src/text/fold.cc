// Folding for matching. Semantics: for each "cluster" (a base code point
// and the combining code points after it) the result is
//   Compose(StripDiacritics(Reorder(NFKD(CaseFold(cluster)))))
// with a few overrides applied before decomposition (apostrophes, œ, æ).
//
// Speed comes from three layers:
//  1. ASCII runs are lower-cased 8 bytes at a time.
//  2. Every BMP code point's fold is precomputed once (on first use) into a
//     table, together with two flags: kStrip (folds to nothing, e.g. a
//     combining acute accent) and kCont (must be folded together with the
//     preceding base, e.g. a Japanese voiced sound mark that composes).
//  3. Only kCont code points (rare outside Indic/Thai scripts) take the slow
//     path through utf8proc on the whole cluster. Supplementary-plane code
//     points (emoji, math letters) are folded individually on the fly.
#include <algorithm>
#include <array>
#include <cstring>
#include <vector>

#include <utf8proc.h>

#include "text/text.h"
#include "text/utf8_util.h"

namespace ecoute::text {
namespace {

using internal::Decoded;
using internal::DecodeAt;
using internal::EncodeTo;

constexpr uint8_t kStrip = 1;  // folds to nothing
constexpr uint8_t kCont = 2;   // composes or reorders with the preceding base

// Longest cluster folded as a unit; longer runs of combining marks are cut
// (stream-safe text never has more than 30 in a row).
constexpr size_t kMaxCluster = 32;
// utf8proc's longest full decomposition of one code point is 18 (U+FDFA).
constexpr size_t kMaxDecomposition = 24;
constexpr size_t kClusterBufCps = kMaxCluster * kMaxDecomposition;
constexpr size_t kMaxClusterBytes = kClusterBufCps * 4;

constexpr utf8proc_option_t kDecomposeOptions =
    static_cast<utf8proc_option_t>(UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT | UTF8PROC_CASEFOLD);

// Non-spacing diacritics removed by folding: the generic combining blocks
// and the vowel/cantillation points of Hebrew and Arabic. Marks that carry
// letters in other scripts (Indic vowel signs, Thai, Japanese voiced sound
// marks, enclosing keycaps) are kept, so folding never merges distinct
// words there.
bool IsDiacriticRange(char32_t cp) {
  return (cp >= 0x0300 && cp <= 0x036F) || (cp >= 0x0483 && cp <= 0x0487) ||
         (cp >= 0x0591 && cp <= 0x05C7) || (cp >= 0x0610 && cp <= 0x061A) ||
         (cp >= 0x064B && cp <= 0x065F) || cp == 0x0670 || (cp >= 0x06D6 && cp <= 0x06ED) ||
         (cp >= 0x08D3 && cp <= 0x08FF) || (cp >= 0x1AB0 && cp <= 0x1AFF) ||
         (cp >= 0x1DC0 && cp <= 0x1DFF) || (cp >= 0x20D0 && cp <= 0x20DC) ||
         (cp >= 0xFE20 && cp <= 0xFE2F);
}

// Invisible format characters that only get in the way of matching. ZWJ and
// ZWNJ are kept: emoji sequences and Persian spelling need them.
bool IsStrippedFormat(char32_t cp) {
  return cp == 0x00AD || cp == 0x180E || cp == 0x200B || (cp >= 0x200E && cp <= 0x200F) ||
         (cp >= 0x202A && cp <= 0x202E) || cp == 0x2060 || (cp >= 0x2066 && cp <= 0x2069) ||
         cp == 0xFEFF;
}

bool IsStripped(utf8proc_int32_t cp) {
  const auto c = static_cast<char32_t>(cp);
  if (IsDiacriticRange(c)) return utf8proc_category(cp) == UTF8PROC_CATEGORY_MN;
  return IsStrippedFormat(c);
}

// Replacements applied before decomposition; nullptr when none applies.
const char* Override(char32_t cp) {
  switch (cp) {
    case 0x2018: case 0x2019: case 0x201B: case 0x02BC: case 0x00B4: case 0xFF07:
      return "'";
    case 0x0152: case 0x0153:  // Œ œ
      return "oe";
    case 0x00C6: case 0x00E6:  // Æ æ
      return "ae";
    default:
      return nullptr;
  }
}

// Code points that are the second element of some canonical composition
// (plus every code point with a non-zero combining class, checked apart).
// Built from utf8proc's decomposition data, so it follows its Unicode
// version. Covers U+0000..U+1FFFF, where all composition seconds live.
class CompositionSeconds {
 public:
  static constexpr char32_t kLimit = 0x20000;
  CompositionSeconds() : bits_(kLimit, false) {
    std::array<utf8proc_int32_t, kMaxDecomposition> buf{};
    for (char32_t cp = 0; cp < kLimit; ++cp) {
      if (cp >= 0xD800 && cp <= 0xDFFF) continue;
      int boundclass = 0;
      utf8proc_ssize_t r = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf.data(),
                                                   buf.size(), UTF8PROC_DECOMPOSE, &boundclass);
      if (r < 2 || r > static_cast<utf8proc_ssize_t>(buf.size())) continue;
      for (utf8proc_ssize_t k = 1; k < r; ++k) {
        if (buf[k] >= 0 && static_cast<char32_t>(buf[k]) < kLimit) bits_[buf[k]] = true;
      }
    }
  }
  bool Contains(utf8proc_int32_t cp) const {
    return cp >= 0 && static_cast<char32_t>(cp) < kLimit && bits_[cp];
  }

 private:
  std::vector<bool> bits_;
};

const CompositionSeconds& Seconds() {
  static const CompositionSeconds kSeconds;
  return kSeconds;
}

// Decomposes `cps` (case fold + NFKD), drops stripped code points and puts
// combining marks in canonical order. Returns the number written to `buf`.
size_t DecomposeStripped(const char32_t* cps, size_t n, utf8proc_int32_t* buf, size_t cap) {
  size_t len = 0;
  for (size_t i = 0; i < n; ++i) {
    const char32_t cp = cps[i];
    if (const char* rep = Override(cp)) {
      for (; *rep != 0 && len < cap; ++rep) buf[len++] = static_cast<unsigned char>(*rep);
      continue;
    }
    int boundclass = 0;
    utf8proc_ssize_t r = utf8proc_decompose_char(static_cast<utf8proc_int32_t>(cp), buf + len,
                                                 static_cast<utf8proc_ssize_t>(cap - len),
                                                 kDecomposeOptions, &boundclass);
    if (r < 0 || static_cast<size_t>(r) > cap - len) break;  // cannot happen with kMaxCluster
    size_t end = len + static_cast<size_t>(r);
    // Drop stripped code points in place.
    size_t w = len;
    for (size_t k = len; k < end; ++k) {
      if (!IsStripped(buf[k])) buf[w++] = buf[k];
    }
    len = w;
  }
  // Canonical ordering: stable insertion sort of each run of non-starters.
  for (size_t i = 1; i < len; ++i) {
    const utf8proc_int32_t cp = buf[i];
    const int cc = utf8proc_get_property(cp)->combining_class;
    if (cc == 0) continue;
    size_t j = i;
    while (j > 0) {
      const int prev_cc = utf8proc_get_property(buf[j - 1])->combining_class;
      if (prev_cc <= cc) break;
      buf[j] = buf[j - 1];
      --j;
    }
    buf[j] = cp;
  }
  return len;
}

// Folds a cluster of code points; writes at most kMaxClusterBytes to `dst`.
size_t FoldClusterTo(const char32_t* cps, size_t n, char* dst) {
  std::array<utf8proc_int32_t, kClusterBufCps> buf;
  size_t len = DecomposeStripped(cps, n, buf.data(), buf.size());
  utf8proc_ssize_t composed = utf8proc_normalize_utf32(
      buf.data(), static_cast<utf8proc_ssize_t>(len), static_cast<utf8proc_option_t>(UTF8PROC_COMPOSE));
  size_t w = 0;
  for (utf8proc_ssize_t k = 0; k < composed; ++k) {
    w += EncodeTo(static_cast<char32_t>(buf[k]), dst + w);
  }
  return w;
}

// Flags of one code point (see kStrip, kCont).
uint8_t Classify(char32_t cp) {
  std::array<utf8proc_int32_t, kMaxDecomposition> buf;
  size_t len = DecomposeStripped(&cp, 1, buf.data(), buf.size());
  if (len == 0) return kStrip;
  const utf8proc_int32_t first = buf[0];
  if (utf8proc_get_property(first)->combining_class != 0 || Seconds().Contains(first)) return kCont;
  return 0;
}

// Fold of every BMP code point, computed once.
class BmpTable {
 public:
  struct Entry {
    uint32_t offset;
    uint8_t len;
    uint8_t flags;
  };

  BmpTable() : entries_(0x10000) {
    pool_.reserve(0x10000 * 3);
    std::array<char, kMaxClusterBytes> tmp;
    for (char32_t cp = 0; cp < 0x10000; ++cp) {
      Entry& e = entries_[cp];
      e.offset = static_cast<uint32_t>(pool_.size());
      if (cp >= 0xD800 && cp <= 0xDFFF) {  // never decoded; keep as U+FFFD
        e.len = static_cast<uint8_t>(EncodeTo(internal::kReplacementChar, tmp.data()));
        pool_.append(tmp.data(), e.len);
        e.flags = 0;
        continue;
      }
      e.flags = Classify(cp);
      size_t n = FoldClusterTo(&cp, 1, tmp.data());
      e.len = static_cast<uint8_t>(std::min<size_t>(n, 255));
      pool_.append(tmp.data(), e.len);
    }
  }
  const Entry& Get(char32_t cp) const { return entries_[cp]; }
  const char* Bytes(const Entry& e) const { return pool_.data() + e.offset; }

 private:
  std::vector<Entry> entries_;
  std::string pool_;
};

const BmpTable& Table() {
  static const BmpTable kTable;
  return kTable;
}

inline uint64_t Load64(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

// Lower-cases eight ASCII bytes (all < 0x80) at once.
inline uint64_t AsciiLower8(uint64_t v) {
  constexpr uint64_t kOnes = 0x0101010101010101ULL;
  const uint64_t ge_a = v + (0x80 - 'A') * kOnes;  // high bit set where byte >= 'A'
  const uint64_t gt_z = v + (0x7F - 'Z') * kOnes;  // high bit set where byte > 'Z'
  const uint64_t upper = ge_a & ~gt_z & (0x80 * kOnes);
  return v | (upper >> 2);
}

inline char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

// Output buffer: `out` is kept large enough for the rest of the input to be
// written 1:1 plus eight bytes, so ASCII runs need no bounds checks.
class Writer {
 public:
  Writer(std::string& out, size_t input_size) : out_(out), w_(out.size()) {
    out_.resize(w_ + input_size + 8);
    dst_ = out_.data();
  }
  // Makes room for `bytes` now and `input_left` later.
  void Reserve(size_t bytes, size_t input_left) {
    const size_t need = w_ + bytes + input_left + 8;
    if (need > out_.size()) {
      out_.resize(std::max(need, out_.size() * 2));
      dst_ = out_.data();
    }
  }
  char* dst() { return dst_; }
  size_t& pos() { return w_; }
  void Finish() { out_.resize(w_); }

 private:
  std::string& out_;
  size_t w_;
  char* dst_;
};

}  // namespace

void FoldAppend(std::string_view in, std::string& out) {
  const size_t n = in.size();
  const char* src = in.data();
  Writer writer(out, n);
  size_t& w = writer.pos();
  constexpr size_t kNoBase = static_cast<size_t>(-1);
  size_t base_in = kNoBase;  // input offset of the last base code point
  size_t base_out = 0;       // where its fold starts in `out`
  const BmpTable* table = nullptr;
  size_t i = 0;
  while (i < n) {
    const size_t run_start = i;
    while (i + 8 <= n) {
      const uint64_t v = Load64(src + i);
      if (v & 0x8080808080808080ULL) break;
      const uint64_t lower = AsciiLower8(v);
      std::memcpy(writer.dst() + w, &lower, 8);
      i += 8;
      w += 8;
    }
    while (i < n && static_cast<unsigned char>(src[i]) < 0x80) {
      writer.dst()[w++] = AsciiLower(src[i]);
      ++i;
    }
    if (i > run_start) {
      base_in = i - 1;
      base_out = w - 1;
    }
    if (i >= n) break;

    if (table == nullptr) table = &Table();
    const Decoded d = DecodeAt(in, i);
    uint8_t flags = 0;
    if (d.cp < 0x10000) {
      flags = table->Get(d.cp).flags;
    } else {
      flags = Classify(d.cp);
    }
    if (flags & kStrip) {
      i += d.len;
      continue;
    }
    if (flags & kCont) {
      // Gather the whole run of combining code points, then fold it with
      // its base (re-writing the base's output) in one go.
      std::array<char32_t, kMaxCluster> cps;
      size_t count = 0;
      size_t j = i;
      const bool with_base = base_in != kNoBase;
      if (with_base) cps[count++] = DecodeAt(in, base_in).cp;
      cps[count++] = d.cp;
      j += d.len;
      while (j < n && count < kMaxCluster && static_cast<unsigned char>(src[j]) >= 0x80) {
        const Decoded next = DecodeAt(in, j);
        if (!next.valid) break;
        const uint8_t f = next.cp < 0x10000 ? table->Get(next.cp).flags : Classify(next.cp);
        if ((f & (kStrip | kCont)) == 0) break;
        cps[count++] = next.cp;
        j += next.len;
      }
      if (with_base) w = base_out;
      writer.Reserve(count * kMaxDecomposition * 4, n - j);
      w += FoldClusterTo(cps.data(), count, writer.dst() + w);
      base_in = kNoBase;  // the cluster is closed
      i = j;
      continue;
    }
    base_in = i;
    base_out = w;
    if (d.cp < 0x10000) {
      const BmpTable::Entry& e = table->Get(d.cp);
      writer.Reserve(e.len, n - i - d.len);
      std::memcpy(writer.dst() + w, table->Bytes(e), e.len);
      w += e.len;
    } else {
      writer.Reserve(kMaxDecomposition * 4, n - i - d.len);
      w += FoldClusterTo(&d.cp, 1, writer.dst() + w);
    }
    i += d.len;
  }
  writer.Finish();
}

std::string Fold(std::string_view utf8) {
  std::string out;
  FoldAppend(utf8, out);
  return out;
}

}  // namespace ecoute::text
