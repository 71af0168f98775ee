// The ecoute JSON shape of a Mention (docs/data-model.md), used by the API,
// by `ecoute demo` output and as the native import format.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "model/mention.h"

namespace ecoute::model {

// Full representation. Fields with no value (empty strings, unknown
// followers, empty entity lists) are omitted; `id` only when non-zero.
nlohmann::json MentionToJson(const Mention& m);

// One compact JSON line (no trailing newline).
std::string MentionToJsonLine(const Mention& m);

}  // namespace ecoute::model
