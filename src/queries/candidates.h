// Candidate expressions: a query of the ecoute language turned into an
// SQLite FTS5 expression that every mention the query matches satisfies
// (an over-approximation), so that history search and backfill read only
// the full-text index's candidates and confirm each with the matcher.
//
// The store's index (docs/storage.md) uses the FTS5 tokenizer "ecoute",
// i.e. the matchers' own tokens and folding (match::IndexTokenizer), so
// each term maps to its folded token and the expression is exact for the
// words (every match is a candidate). The mapping (docs/query-language.md,
// "Searching history"):
//   word / #hashtag / @mention / {Case}   the folded token ("Réseau" ->
//                                         "reseau", #grève -> "greve")
//   livr*  c?lis                          prefix up to the first '?'
//   "a b"                                 the FTS5 phrase; "a b"~n: a AND b
//   AND, NEAR, ONEAR                      AND of the restricted operands
//   OR                                    OR, unrestricted if one operand is
//   NOT x, fields                         unrestricted (no condition)
//   @reference                            the referenced query's expression
// Pure, thread-safe.
#pragma once

#include <optional>
#include <string>

#include "match/ast.h"

namespace ecoute::queries {

// The FTS5 expression for `q`, or nullopt when the query puts no condition
// on the words (e.g. `lang:fr`, `NOT emploi`): every mention is then a
// candidate. `resolver` (may be null) resolves @references as the matchers
// do; references nested deeper than 64 levels are unrestricted.
std::optional<std::string> CandidateFts(const match::Query& q, const match::QueryResolver* resolver);

}  // namespace ecoute::queries
