// JSON form of a classification result, shared by `ecoute enrich` and the
// API's explain hook: the fields of docs/understanding.md, scores rounded
// to 3 decimals, and "explanation" when `explain`.
#pragma once

#include <nlohmann/json.hpp>

#include "classify/classifier.h"

namespace ecoute::app {

nlohmann::json ResultJson(const classify::Result& r, bool explain);

}  // namespace ecoute::app
