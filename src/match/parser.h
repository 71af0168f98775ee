// Parser of the ecoute query language (docs/query-language.md).
//
// Parse() turns query text into a Query (ast.h). Errors are
// InvalidArgument statuses whose message is "col <n>: <what>", n being the
// 1-based code point column of the offending place, e.g.
//   col 17: expected a term after OR
//   col 5: unbalanced parenthesis: '(' at col 1 is never closed
// ParseWithError() gives the same error as a ParseError. Never crashes on
// any input (any bytes, any nesting: depth is capped). Thread-safe.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "base/status.h"
#include "match/ast.h"

namespace ecoute::match {

inline constexpr size_t kMaxQueryBytes = 16384;
inline constexpr int kMaxNearDistance = 1000;
inline constexpr int kMaxNesting = 100;  // parentheses + NOT/- levels

struct ParseError {
  int column = 1;
  std::string message;  // without the "col n: " prefix
};

// Parses `text`. When `resolver` is given, a bare "@name" (not inside a
// phrase or NEAR) for which resolver->Find(name) is non-null becomes a
// kRef node; otherwise it stays a kMention term (the reference matcher
// resolves such terms again at match time).
base::Result<Query> Parse(std::string_view text, const QueryResolver* resolver = nullptr);

// Same as Parse; on failure fills *error (when non-null) as well.
base::Result<Query> ParseWithError(std::string_view text, ParseError* error,
                                   const QueryResolver* resolver = nullptr);

// Names of the queries `q` refers to: kRef nodes, and kMention terms outside
// phrases/NEAR that `resolver` knows. In order of appearance, may repeat.
std::vector<std::string> ReferencedNames(const Query& q, const QueryResolver* resolver);

// True when `name` can name a query: [A-Za-z0-9_]{1,64}.
bool IsValidQueryName(std::string_view name);

// A set of named queries, itself a QueryResolver. Not thread-safe for
// writes; concurrent const use is safe.
class QuerySet : public QueryResolver {
 public:
  // Parses and adds `text` as `name` ([A-Za-z0-9_]+, unique). Errors:
  // InvalidArgument "query \"name\": col n: ..." or for a bad/duplicate name.
  base::Status Add(std::string_view name, std::string_view text);
  const Query* Find(std::string_view name) const override;
  // InvalidArgument "reference cycle: a -> b -> a" when queries refer to
  // each other in a loop; OK otherwise.
  base::Status CheckCycles() const;
  const std::map<std::string, Query, std::less<>>& queries() const { return queries_; }

 private:
  std::map<std::string, Query, std::less<>> queries_;
};

// Cycle check starting from one query named `name` (which the resolver may
// or may not contain). Same error as QuerySet::CheckCycles.
base::Status CheckCycles(std::string_view name, const Query& q, const QueryResolver& resolver);

}  // namespace ecoute::match
