// Compiled multi-query matcher: many queries, one pass over a message.
//
// Build() turns a set of parsed queries into an immutable Engine. Match()
// tokenizes the mention once (internal::TokenStream: the same tokens as the
// Tokenize() ReferenceMatch uses, without per-token allocations), scans one
// buffer of the folded tokens joined by separator bytes with a Vectorscan
// database of the distinct leaf terms (literals; '?' wildcards as small
// regexes), then evaluates only the queries that a hit can make true (plus
// those that can match without any term hit: NOT-only / field-only) over the
// hit table. The result is, by contract, exactly what ReferenceMatch gives
// for each query (matched set and spans); engine_test checks this
// differentially.
//
// Thread-safety: an Engine is immutable once built. Match() is safe from any
// number of threads at once: per-call scan state (hs_scratch, token stream,
// hit tables) comes from a small mutex-guarded pool owned by the Engine, grown on demand
// (one entry per concurrently matching thread) and freed with the Engine.
// Build() is pure (no global state), so a new Engine can be built while an
// old one serves, then swapped in via the shared_ptr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "match/ast.h"
#include "match/reference_matcher.h"
#include "model/mention.h"

namespace ecoute::match {

namespace internal {
struct EngineAccess;  // engine_internal.h
}  // namespace internal

struct CompiledQuery {
  int64_t id = 0;    // unique within one Build
  std::string name;  // for error messages only
  Query query;
};

struct EngineMatch {
  int64_t query_id = 0;
  // As MatchResult::spans of ReferenceMatch: sorted, title first, no
  // duplicates; empty when only fields/NOT made the query match.
  std::vector<MatchSpan> spans;
  bool operator==(const EngineMatch&) const = default;
};

class Engine {
 public:
  // Compiles `queries`. `resolver` (may be null) resolves @name references
  // exactly as ReferenceMatch does (kRef nodes and "@name" terms outside
  // phrases/NEAR that it knows); references are inlined, so the resolver
  // need not outlive the call. Errors (InvalidArgument unless noted) name
  // the query as `query <id> "<name>": ...`: duplicate id, unknown
  // reference, reference cycle, malformed tree (e.g. NOT without operand,
  // not produced by Parse), expansion beyond kMaxExpandedNodes nodes;
  // Internal when Vectorscan fails to compile or allocate.
  static base::Result<std::shared_ptr<const Engine>> Build(std::vector<CompiledQuery> queries,
                                                           const QueryResolver* resolver);

  // All queries matching `m`, ascending query_id, with spans. Thread-safe.
  std::vector<EngineMatch> Match(const model::Mention& m) const;

  size_t size() const;

  // Build statistics.
  size_t distinct_leaves() const;
  size_t always_evaluated() const;  // queries evaluated on every message

  ~Engine();
  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  class Impl;  // opaque

 private:
  friend struct internal::EngineAccess;
  struct Key {
    explicit Key() = default;
  };

 public:
  Engine(Key key, std::unique_ptr<Impl> impl);  // for Build only (Key is private)

 private:
  std::unique_ptr<Impl> impl_;
};

// Cap on the nodes of one query once references are inlined.
inline constexpr size_t kMaxExpandedNodes = 100000;

}  // namespace ecoute::match
