// Internal to the match module: a per-phase profile of Engine::Match for
// match_bench. Not part of the public API; include only from src/match/.

#ifndef ECOUTE_MATCH_ENGINE_INTERNAL_H_
#define ECOUTE_MATCH_ENGINE_INTERNAL_H_

#include <vector>

#include "match/engine.h"
#include "model/mention.h"

namespace ecoute::match::internal {

// Mean wall time per message of each step of Engine::Match, in nanoseconds.
struct MatchPhaseNs {
  double tokenize = 0;  // TokenStream over title + text (builds the scan buffer)
  double scan = 0;      // Vectorscan literal (and regex) scans, raw hit lists
  double hits = 0;      // pattern hits -> verified leaf hits -> candidate queries
  double evaluate = 0;  // candidate queries' ASTs, spans, result
  double reset = 0;     // clearing the touched scratch entries
  double evaluated = 0;  // mean number of queries evaluated per message
};

struct EngineAccess {
  // Runs exactly the steps of engine.Match(m) for every m of `corpus` (one
  // pooled scratch, results discarded) with a steady_clock read between
  // steps. Thread-safe like Match(). The clock reads add ~20-40 ns/message.
  static MatchPhaseNs Profile(const Engine& engine, const std::vector<model::Mention>& corpus);
};

}  // namespace ecoute::match::internal

#endif  // ECOUTE_MATCH_ENGINE_INTERNAL_H_
