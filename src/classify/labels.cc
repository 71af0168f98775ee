#include "classify/labels.h"

#include <algorithm>

namespace ecoute::classify {

std::string_view SeverityLevelName(SeverityLevel l) {
  const int i = static_cast<int>(l);
  if (i < 0 || i >= static_cast<int>(kSeverityLevels.size())) return kSeverityLevels[0];
  return kSeverityLevels[static_cast<size_t>(i)];
}

std::optional<SeverityLevel> ParseSeverityLevel(std::string_view name) {
  for (size_t i = 0; i < kSeverityLevels.size(); ++i) {
    const std::string_view want = kSeverityLevels[i];
    if (name.size() != want.size()) continue;
    bool same = true;
    for (size_t k = 0; k < name.size() && same; ++k) {
      char c = name[k];
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
      same = c == want[k];
    }
    if (same) return static_cast<SeverityLevel>(i);
  }
  return std::nullopt;
}

bool IsSeverityReason(std::string_view name) {
  return std::find(kSeverityReasons.begin(), kSeverityReasons.end(), name) != kSeverityReasons.end();
}

}  // namespace ecoute::classify
