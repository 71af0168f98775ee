// Paths into a JSON configuration for error messages ("calendars[1].week.mon"),
// shared by the parsers of care/calendar.h and care/sla.h. Internal to care.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"

namespace ecoute::care::internal {

// "<path>.<key>", or `key` at the top (empty path).
inline std::string Join(std::string_view path, std::string_view key) {
  if (path.empty()) return std::string(key);
  return std::string(path) + "." + std::string(key);
}

// "<path>[<i>]".
inline std::string At(std::string_view path, size_t i) { return std::string(path) + "[" + std::to_string(i) + "]"; }

// InvalidArgument "<where>: <what>", or `what` alone at the top.
inline base::Status Bad(const std::string& where, const std::string& what) {
  return base::Status::InvalidArgument(where.empty() ? what : where + ": " + what);
}

}  // namespace ecoute::care::internal
