// Label vocabularies of the understanding stage (docs/understanding.md).
//
// Plain constants and conversions; no state. The category list is the
// default taxonomy: a deployment may add categories (config
// `understanding.categories`), so code must not assume these seven are all.
#pragma once

#include <array>
#include <optional>
#include <string_view>

namespace ecoute::classify {

inline constexpr std::array<std::string_view, 3> kSentiments = {"negative", "neutral", "positive"};
inline constexpr std::string_view kUnknownSentiment = "unknown";  // low confidence

inline constexpr std::array<std::string_view, 7> kDefaultCategories = {
    "delivery", "returns_refunds", "customer_service", "product", "billing", "cancellation", "account_technical"};
inline constexpr std::string_view kNoCategory = "none";  // exactly when no reply is needed

enum class SeverityLevel : int { kNone = 0, kLow, kMedium, kHigh, kCritical };
inline constexpr std::array<std::string_view, 5> kSeverityLevels = {"none", "low", "medium", "high", "critical"};
std::string_view SeverityLevelName(SeverityLevel l);
std::optional<SeverityLevel> ParseSeverityLevel(std::string_view name);

// Machine-readable severity reasons.
inline constexpr std::array<std::string_view, 8> kSeverityReasons = {
    "legal_threat", "safety_risk",  "fraud",           "vulnerable_person",
    "churn_intent", "insult_anger", "repeated_failure", "high_reach"};
bool IsSeverityReason(std::string_view name);

}  // namespace ecoute::classify
