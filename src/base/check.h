// Always-on invariant checks. For broken invariants only, never for user
// input: a failed check prints file:line and the condition, then aborts.
#pragma once

#include <string_view>

namespace ecoute::base {
[[noreturn]] void CheckFailed(const char* file, int line, const char* cond, std::string_view msg);
}  // namespace ecoute::base

#define ECOUTE_CHECK(cond) \
  ((cond) ? (void)0 : ::ecoute::base::CheckFailed(__FILE__, __LINE__, #cond, {}))
#define ECOUTE_CHECK_MSG(cond, msg) \
  ((cond) ? (void)0 : ::ecoute::base::CheckFailed(__FILE__, __LINE__, #cond, (msg)))
