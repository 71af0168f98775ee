#include "classify/severity.h"

#include <algorithm>
#include <iterator>
#include <string_view>

namespace ecoute::classify {
namespace {

// Lowest score of each level's band, in SeverityLevel order.
constexpr int kBandLow[] = {0, 15, 40, 60, 80};
// Centre of each band, for the model's expected score.
constexpr double kCentre[] = {0, 27, 50, 70, 90};

bool Has(const std::vector<std::string>& v, std::string_view r) {
  return std::find(v.begin(), v.end(), r) != v.end();
}

SeverityLevel LevelOf(int score) {
  int level = 0;
  while (level + 1 < static_cast<int>(std::size(kBandLow)) && score >= kBandLow[level + 1]) ++level;
  return static_cast<SeverityLevel>(level);
}

int BandHigh(size_t level) { return level + 1 < std::size(kBandLow) ? kBandLow[level + 1] - 1 : 100; }

}  // namespace

SeverityOutput ScoreSeverity(const SeverityInput& in) {
  SeverityOutput out;
  const auto& r = in.reasons;
  const bool strong = Has(r, "safety_risk") || Has(r, "fraud") || Has(r, "legal_threat");
  if (!in.needs_reply && !(strong && in.reply_probability >= kStrongReasonReplyProbability)) {
    // Not a customer-service matter: severity stays none (news about a scam
    // wave, anger on brand chatter). A strong reason on a message whose
    // reply decision was close still counts: critical must not be missed.
    return out;
  }
  // The most probable level, placed inside its band by the expected score.
  const auto& p = in.level_probs;
  double expected = 0;
  size_t best = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    expected += p[i] * kCentre[i];
    if (p[i] > p[best]) best = i;
  }
  int score = std::clamp(static_cast<int>(expected + 0.5), kBandLow[best], BandHigh(best));
  out.parts.emplace_back("model", score);
  if (Has(r, "high_reach")) {
    score += 10;
    out.parts.emplace_back("high_reach", 10);
  }
  const float p_critical = p[static_cast<int>(SeverityLevel::kCritical)];
  const float p_high = p[static_cast<int>(SeverityLevel::kHigh)];
  const bool anger = Has(r, "insult_anger");
  SeverityLevel floor = SeverityLevel::kNone;
  if (Has(r, "safety_risk") || Has(r, "fraud") || p_critical >= kCriticalIfProbability ||
      (Has(r, "legal_threat") && (anger || Has(r, "vulnerable_person")))) {
    floor = SeverityLevel::kCritical;
  } else if (Has(r, "legal_threat") || Has(r, "vulnerable_person") || Has(r, "repeated_failure") ||
             (Has(r, "churn_intent") && anger) || p_critical + p_high >= 0.5f) {
    floor = SeverityLevel::kHigh;
  }
  const int floor_score = kBandLow[static_cast<int>(floor)];
  if (score < floor_score) {
    out.parts.emplace_back(std::string("floor_") + std::string(SeverityLevelName(floor)), floor_score - score);
    score = floor_score;
  }
  out.score = std::clamp(score, 0, 100);
  out.level = LevelOf(out.score);
  return out;
}

}  // namespace ecoute::classify
