// JSON shapes of the queries API (docs/api/openapi.yaml: Query, QueryInput,
// LintResult, Span) and the parsing of a query definition from a request
// body. Pure functions.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "match/reference_matcher.h"
#include "queries/service.h"
#include "store/store.h"

namespace ecoute::api {

nlohmann::json QueryInfoJson(const queries::QueryInfo& info);
nlohmann::json CheckJson(const queries::CheckResult& r);
nlohmann::json SpansJson(const std::vector<match::MatchSpan>& spans);

// A definition from a POST/PUT body: {"name", "query", "kind"?,
// "description"?, "enabled"?}. InvalidArgument naming the field (as
// "field: message") for a missing or mistyped key or an unknown one.
base::Result<store::QueryDef> ParseQueryInput(const std::string& body);

}  // namespace ecoute::api
