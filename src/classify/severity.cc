#include "classify/severity.h"

#include <algorithm>
#include <string_view>

namespace ecoute::classify {
namespace {

struct Weight {
  std::string_view reason;
  int points;
};
// Points each reason adds to the score.
constexpr Weight kWeights[] = {
    {"safety_risk", 55},  {"fraud", 50},        {"legal_threat", 30},     {"vulnerable_person", 30},
    {"repeated_failure", 22}, {"churn_intent", 15}, {"insult_anger", 12}, {"high_reach", 15},
};

bool Has(const std::vector<std::string>& v, std::string_view r) {
  return std::find(v.begin(), v.end(), r) != v.end();
}

SeverityLevel LevelOf(int score) {
  if (score >= 80) return SeverityLevel::kCritical;
  if (score >= 60) return SeverityLevel::kHigh;
  if (score >= 40) return SeverityLevel::kMedium;
  if (score >= 15) return SeverityLevel::kLow;
  return SeverityLevel::kNone;
}

int FloorOf(SeverityLevel l) {
  constexpr int kFloor[] = {0, 15, 40, 60, 80};
  return kFloor[static_cast<int>(l)];
}

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
  int score = 0;
  auto add = [&](std::string_view what, int points) {
    score += points;
    out.parts.emplace_back(std::string(what), points);
  };
  if (in.level_probs.size() == kSeverityLevels.size()) {
    // The most probable level, placed inside its band by the expected score.
    constexpr double kCentre[] = {0, 27, 50, 70, 90};
    constexpr int kLow[] = {0, 15, 40, 60, 80}, kHigh[] = {14, 39, 59, 79, 100};
    double expected = 0;
    size_t best = 0;
    for (size_t i = 0; i < in.level_probs.size(); ++i) {
      expected += in.level_probs[i] * kCentre[i];
      if (in.level_probs[i] > in.level_probs[best]) best = i;
    }
    add("model", std::clamp(static_cast<int>(expected + 0.5), kLow[best], kHigh[best]));
    if (Has(r, "high_reach")) add("high_reach", 10);
  } else {
    add("base", in.needs_reply ? 20 : 10);
    add("negative", static_cast<int>(in.negative * 22 + 0.5));
    for (const Weight& w : kWeights) {
      if (Has(r, w.reason)) add(w.reason, w.points);
    }
  }
  SeverityLevel floor = SeverityLevel::kNone;
  const bool anger = Has(r, "insult_anger");
  const bool model_critical = in.level_probs.size() == kSeverityLevels.size() &&
                              in.level_probs[static_cast<int>(SeverityLevel::kCritical)] >= kCriticalIfProbability;
  const bool model_high = in.level_probs.size() == kSeverityLevels.size() &&
                          in.level_probs[static_cast<int>(SeverityLevel::kCritical)] +
                                  in.level_probs[static_cast<int>(SeverityLevel::kHigh)] >= 0.5;
  if (Has(r, "safety_risk") || Has(r, "fraud") || model_critical) {
    floor = SeverityLevel::kCritical;
  } else if (Has(r, "legal_threat") && (anger || Has(r, "vulnerable_person"))) {
    floor = SeverityLevel::kCritical;
  } else if (Has(r, "legal_threat") || Has(r, "vulnerable_person") || Has(r, "repeated_failure") ||
             (Has(r, "churn_intent") && anger) || model_high) {
    floor = SeverityLevel::kHigh;
  }
  if (score < FloorOf(floor)) {
    out.parts.emplace_back(std::string("floor_") + std::string(SeverityLevelName(floor)), FloorOf(floor) - score);
    score = FloorOf(floor);
  }
  score = std::clamp(score, 0, 100);
  out.score = score;
  out.level = LevelOf(score);
  return out;
}

}  // namespace ecoute::classify
