// Query linter: warnings about queries that parse but are probably not
// what the author meant. Pure, thread-safe.
#pragma once

#include <string>
#include <vector>

#include "match/ast.h"

namespace ecoute::match {

struct LintWarning {
  int column = 1;    // 1-based code point column in Query::text
  std::string code;  // stable identifier, see below
  std::string message;
};

// Warnings, in order of column. Codes:
//   only-not        the query has no positive part (matches almost everything)
//   or-in-near      an OR group as a NEAR operand (expands to every pair)
//   short-wildcard  fewer than 3 letters before '*' ("li*")
//   stop-word       a bare term that is a French/English stop word ("le", "the")
//   near-too-far    NEAR/ONEAR/~ distance above 50
//   duplicate-or    the same branch twice in one OR
//   lowercase-operator  "and"/"or"/"not"/"near" written in lowercase: a search term
//   reference       "@x refers to query x" (resolver knows x)
//   mention         "@x is a mention" (resolver given but does not know x)
// `resolver` may be null (then no reference/mention notes).
std::vector<LintWarning> Lint(const Query& q, const QueryResolver* resolver = nullptr);

}  // namespace ecoute::match
