// For tests only: the size of randomized and bulk tests. Under the
// sanitizers (ASan+UBSan, 10-20 times slower) they run a quarter of their
// cases: that pass looks for memory errors and undefined behaviour, which
// the first cases of each kind already exercise; the release pass runs
// them all.
#pragma once

#include <cstdint>

namespace ecoute::base {

#if defined(__SANITIZE_ADDRESS__)
inline constexpr int64_t kTestScaleDivisor = 4;
#else
inline constexpr int64_t kTestScaleDivisor = 1;
#endif

// `n` cases in a release build, n / kTestScaleDivisor (at least 1) under
// the sanitizers.
constexpr int64_t TestScale(int64_t n) { return n / kTestScaleDivisor > 0 ? n / kTestScaleDivisor : 1; }

}  // namespace ecoute::base
