// Internal to the match module: the evaluation primitives shared by the naive
// reference matcher (reference_matcher.cc) and the compiled Vectorscan engine
// (engine.cc), so that both decide terms, fields, phrases and NEAR the same way.
// Not part of the public API; include only from src/match/*.cc.
//
// All functions are pure (no shared state) and safe to call concurrently.

#ifndef ECOUTE_MATCH_EVAL_INTERNAL_H_
#define ECOUTE_MATCH_EVAL_INTERNAL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "match/ast.h"
#include "match/token_stream.h"
#include "match/tokenize.h"
#include "model/mention.h"

namespace ecoute::match::internal {

// `s` with ASCII letters A-Z lowered; every other byte unchanged.
std::string AsciiLower(std::string_view s);

// Rank of a severity level name: none 0, low 1, medium 2, high 3, critical 4;
// -1 for anything else (exact, case-sensitive comparison).
int SeverityRank(std::string_view level);

// `a op b`. Returns false for an out-of-range op.
template <typename T>
bool Compare(T a, CompareOp op, T b) {
  switch (op) {
    case CompareOp::kEq: return a == b;
    case CompareOp::kLt: return a < b;
    case CompareOp::kLe: return a <= b;
    case CompareOp::kGt: return a > b;
    case CompareOp::kGe: return a >= b;
  }
  return false;
}

// Exactly WildcardMatch(pattern, word) (reference_matcher.h), without
// allocating: '?' is one code point, an optional final '*' any suffix.
bool WildcardMatches(std::string_view pattern, std::string_view word);

// Whether query term `t` matches token `k` (words also match hashtag bodies;
// case-sensitive terms compare original text; mentions compare the handle
// without '@'). The single definition of a term hit for both matchers; the
// Token overload reads the same fields as the TokenRef one.
bool TermMatches(const Term& t, const TokenRef& k);
bool TermMatches(const Term& t, const Token& k);

// Whether the field restriction `field op value` holds for mention `m`.
// `url_hosts` are the hosts of the mention's title+text URL tokens (they
// feed site:). `value` is as the parser normalised it; unparsable numbers
// compare as 0.
bool FieldMatches(const model::Mention& m, FieldName field, CompareOp op, const std::string& value,
                  std::span<const std::string> url_hosts);
// Same, with the hosts taken from the kUrl tokens of `tokens`.
bool FieldMatches(const model::Mention& m, FieldName field, CompareOp op, const std::string& value,
                  const std::vector<Token>& tokens);

// A positional match: the span of positions [first, last] it covers and the
// indices of the tokens it used (indices into the caller's token vector).
template <typename Index>
struct PositionHit {
  int64_t first = 0;
  int64_t last = 0;
  std::vector<Index> tokens;
};

// Appends to `out` one hit per (l, r) pair of `left` x `right` where r starts
// at most `distance` positions after l ends, or (unless `ordered`) l starts at
// most `distance` positions after r ends. The hit spans both and uses the
// tokens of l then r.
template <typename Index>
void AppendNearHits(const std::vector<PositionHit<Index>>& left, const std::vector<PositionHit<Index>>& right,
                    int distance, bool ordered, std::vector<PositionHit<Index>>& out) {
  for (const PositionHit<Index>& l : left) {
    for (const PositionHit<Index>& r : right) {
      bool ok = (l.last < r.first && r.first - l.last - 1 <= distance) ||
                (!ordered && r.last < l.first && l.first - r.last - 1 <= distance);
      if (!ok) continue;
      PositionHit<Index> h{std::min(l.first, r.first), std::max(l.last, r.last), l.tokens};
      h.tokens.insert(h.tokens.end(), r.tokens.begin(), r.tokens.end());
      out.push_back(std::move(h));
    }
  }
}

// Exact phrase of `word_count` words starting at token index `start`: if
// fits(k, start + k) holds for every k and the tokens sit at consecutive
// positions (position(start + k) == position(start) + k), appends the hit to
// `out`. The caller guarantees start + word_count <= number of tokens.
template <typename Index, typename Fits, typename Position>
void AppendExactPhraseHitAt(size_t start, size_t word_count, const Fits& fits, const Position& position,
                            std::vector<PositionHit<Index>>& out) {
  bool ok = true;
  for (size_t k = 0; k < word_count && ok; ++k) {
    ok = fits(k, start + k) && position(start + k) == position(start) + static_cast<int64_t>(k);
  }
  if (!ok) return;
  PositionHit<Index> h{position(start), position(start + word_count - 1), {}};
  for (size_t k = 0; k < word_count; ++k) h.tokens.push_back(static_cast<Index>(start + k));
  out.push_back(std::move(h));
}

// Assigns each of `word_count` words a distinct slot among `slot_count`
// (bipartite matching, Kuhn's algorithm), where fits(word, slot) says whether
// the word may take the slot. Returns true when every word got one; then
// owner[slot] is the word index or -1. On false `owner` is partial.
bool AssignWords(size_t word_count, size_t slot_count, const std::function<bool(size_t, size_t)>& fits,
                 std::vector<int>& owner);

// The hit made of the owned slots of `owner` (see AssignWords): slot t maps to
// token index token_of(t), at position(token_of(t)); tokens in slot order.
template <typename Index, typename TokenOf, typename Position>
PositionHit<Index> HitFromOwners(const std::vector<int>& owner, const TokenOf& token_of, const Position& position) {
  PositionHit<Index> h{INT64_MAX, INT64_MIN, {}};
  for (size_t t = 0; t < owner.size(); ++t) {
    if (owner[t] < 0) continue;
    Index tok = token_of(t);
    h.first = std::min(h.first, position(tok));
    h.last = std::max(h.last, position(tok));
    h.tokens.push_back(tok);
  }
  return h;
}

}  // namespace ecoute::match::internal

#endif  // ECOUTE_MATCH_EVAL_INTERNAL_H_
