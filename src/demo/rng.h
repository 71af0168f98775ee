// Portable pseudo-random numbers for the demo generator.
//
// Everything here uses integer arithmetic only (no std:: distributions, no
// libm), so the same seed gives the same numbers with any compiler, standard
// library or CPU. Not for cryptography. Not thread-safe: one Rng per thread.
#pragma once

#include <array>
#include <bit>
#include <cstdint>

namespace ecoute::demo {

// SplitMix64 step: advances `state` and returns a well-mixed value.
inline uint64_t SplitMix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Hash of two 64-bit values, for deriving independent streams.
inline uint64_t Mix64(uint64_t a, uint64_t b) {
  uint64_t s = a ^ (b * 0xD6E8FEB86659FD93ull);
  SplitMix64(s);
  return SplitMix64(s);
}

// High 64 bits of a 64x64-bit product, portable.
inline uint64_t MulHi64(uint64_t a, uint64_t b) {
  const uint64_t a_lo = a & 0xFFFFFFFFull, a_hi = a >> 32;
  const uint64_t b_lo = b & 0xFFFFFFFFull, b_hi = b >> 32;
  const uint64_t lo_lo = a_lo * b_lo, hi_lo = a_hi * b_lo, lo_hi = a_lo * b_hi, hi_hi = a_hi * b_hi;
  const uint64_t cross = (lo_lo >> 32) + (hi_lo & 0xFFFFFFFFull) + lo_hi;
  return (hi_lo >> 32) + (cross >> 32) + hi_hi;
}

// (a * b) >> 16 without overflow for any a, b whose true result fits 64 bits.
inline uint64_t MulShift16(uint64_t a, uint64_t b) {
  const uint64_t lo = a * b;
  const uint64_t hi = MulHi64(a, b);
  return (hi << 48) | (lo >> 16);
}

// xoshiro256** (Blackman & Vigna), seeded through SplitMix64.
class Rng {
 public:
  explicit Rng(uint64_t seed) {
    uint64_t s = seed;
    for (uint64_t& x : s_) x = SplitMix64(s);
  }

  uint64_t Next() {
    const uint64_t result = std::rotl(s_[1] * 5, 7) * 9;
    const uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = std::rotl(s_[3], 45);
    return result;
  }

  // Uniform in [0, n); 0 when n == 0. Bias below n / 2^32, irrelevant here.
  uint32_t Below(uint32_t n) { return static_cast<uint32_t>(((Next() >> 32) * n) >> 32); }
  // Uniform in [lo, hi] (inclusive); lo when hi < lo.
  int64_t Range(int64_t lo, int64_t hi) {
    if (hi <= lo) return lo;
    return lo + static_cast<int64_t>(Below(static_cast<uint32_t>(hi - lo + 1)));
  }
  // True with probability per_mille / 1000.
  bool Chance(uint32_t per_mille) { return Below(1000) < per_mille; }
  // True with probability p / 2^32.
  bool Chance32(uint32_t p) { return static_cast<uint32_t>(Next() >> 32) < p; }

 private:
  std::array<uint64_t, 4> s_;
};

namespace internal {

// ln(x) for x in [1, 2] by the atanh series; only basic IEEE operations, so
// constant evaluation gives the same bits everywhere.
constexpr double LnSeries(double x) {
  const double z = (x - 1) / (x + 1);
  const double z2 = z * z;
  double term = z, sum = 0;
  for (int k = 0; k < 40; ++k) {
    sum += term / (2 * k + 1);
    term *= z2;
  }
  return 2 * sum;
}

// log2(1 + i/256) for i = 0..256, in Q32 fixed point.
constexpr std::array<uint64_t, 257> MakeLog2Table() {
  std::array<uint64_t, 257> t{};
  const double ln2 = LnSeries(2.0);
  for (int i = 0; i <= 256; ++i) {
    const double v = LnSeries(1.0 + i / 256.0) / ln2;
    t[i] = static_cast<uint64_t>(v * 4294967296.0 + 0.5);
  }
  return t;
}

inline constexpr std::array<uint64_t, 257> kLog2Table = MakeLog2Table();
inline constexpr uint64_t kLn2Q16 = 45426;  // ln(2) * 65536, rounded

}  // namespace internal

// -ln(u) for u = max(r, 1) / 2^64, i.e. an Exp(1) variate when r is uniform,
// in Q16 fixed point (65536 == 1.0). Integer arithmetic only; relative error
// below 1e-5.
inline uint64_t ExpQ16(uint64_t r) {
  const uint64_t u = r | 1;
  const int lz = std::countl_zero(u);
  const uint64_t frac = (u << lz) << 1;  // mantissa bits after the leading 1
  const uint64_t idx = frac >> 56;
  const uint64_t t = (frac >> 32) & 0xFFFFFF;  // 24 bits between table points
  const uint64_t a = internal::kLog2Table[idx], b = internal::kLog2Table[idx + 1];
  const uint64_t log2_frac = a + (((b - a) * t) >> 24);
  // -log2(u / 2^64) = 64 - (63 - lz) - log2(1.frac) = (lz + 1) - log2(1.frac)
  const uint64_t neg_log2_q32 = (static_cast<uint64_t>(lz + 1) << 32) - log2_frac;
  return (neg_log2_q32 * internal::kLn2Q16) >> 32;
}

}  // namespace ecoute::demo
