// Severity: a 0..100 score and a level from the severity model's level
// probabilities, the cue rules' reasons and the message's signals. Pure
// function; see docs/understanding.md.
//
// Score = the severity model's most probable level, placed inside its band
// by the model's expected score (level centres 0, 27, 50, 70, 90); high
// reach adds 10; then floors.
//
// Level bands on the score: none < 15 <= low < 40 <= medium < 60 <= high
// < 80 <= critical. Floors encode the labelling guide
// (training/customer-care/README.md) and favour recall of critical: a
// safety risk or fraud is critical; a legal threat with anger or a
// vulnerable person is critical; a legal threat, a vulnerable person, a
// repeated failure, or churn intent with anger is at least high.
#pragma once

#include <array>
#include <string>
#include <vector>

#include "classify/labels.h"
#include "classify/rules.h"

namespace ecoute::classify {

// Recall of critical comes first: the level is critical as soon as the
// (calibrated) severity model gives critical this probability, well below
// the 0.5 a plain decision would need.
inline constexpr float kCriticalIfProbability = 0.25f;
// A message judged not to need a reply keeps severity none unless a strong
// reason (safety, fraud, legal) fired and P(needs a reply) was at least this.
inline constexpr double kStrongReasonReplyProbability = 0.1;

struct SeverityInput {
  bool needs_reply = false;
  double reply_probability = 0;  // P(needs a reply)
  std::vector<std::string> reasons;  // from rules, sorted, unique
  // P(level) in SeverityLevel order, from the severity model.
  std::array<float, kSeverityLevels.size()> level_probs{};
};

struct SeverityOutput {
  int score = 0;
  SeverityLevel level = SeverityLevel::kNone;
  // How the score was made, for explanations: ("model", 52), ("high_reach", 10), ("floor_high", 8)
  std::vector<std::pair<std::string, int>> parts;
};

SeverityOutput ScoreSeverity(const SeverityInput& in);

}  // namespace ecoute::classify
