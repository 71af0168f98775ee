// Naive reference matcher: evaluates a Query's AST directly over the
// tokens of a Mention. Meant to be obviously correct, not fast (roughly
// O(tokens x nodes), more for NEAR/slop); it is the oracle against which the
// compiled engine is differential-tested. Thread-safe (no shared state).
#pragma once

#include <string>
#include <vector>

#include "match/ast.h"
#include "match/tokenize.h"
#include "model/mention.h"

namespace ecoute::match {

enum class MentionField : uint8_t { kTitle, kText };

// A highlighted byte range [begin, end) of mention.title or mention.text.
struct MatchSpan {
  MentionField field = MentionField::kText;
  size_t begin = 0;
  size_t end = 0;
  bool operator==(const MatchSpan&) const = default;
};

struct MatchResult {
  bool matched = false;
  // Tokens of the terms/phrases/NEARs that made the query match, sorted
  // (title first, then by offset) and without duplicates. Terms under NOT
  // and in branches that did not match are not reported. Empty when
  // !matched (or when only fields matched).
  std::vector<MatchSpan> spans;
  // Non-empty when a reference could not be evaluated ("reference cycle:
  // a -> b -> a", "unknown query \"x\""); that reference counts as false.
  std::string error;
};

// Position added between the title's tokens and the text's, so phrases and
// NEAR (distance <= kMaxNearDistance) never span title and text.
inline constexpr int64_t kTitleTextGap = 1'000'000;

// Matches `q` against title + text of `m` (the title's tokens first, then a
// gap of kTitleTextGap positions, then the text's). `resolver` (may be null)
// resolves kRef nodes and "@name" terms that name a known query; an "@name"
// the resolver does not know is an @mention term. Fields read the mention's
// metadata (see docs/query-language.md).
MatchResult ReferenceMatch(const Query& q, const model::Mention& m, const QueryResolver* resolver = nullptr);

// True when `pattern` (folded; '?' = exactly one code point, optional final
// '*' = any suffix, possibly empty) matches all of `word` (folded).
bool WildcardMatch(std::string_view pattern, std::string_view word);

}  // namespace ecoute::match
