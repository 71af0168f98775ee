// Internal: collects distinct entities from one or more texts, in order of
// first appearance. Not part of the public API.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <utility>
#include <vector>

#include "model/mention.h"

namespace ecoute::text::internal {

class EntitySink {
 public:
  // Scans `text` and appends its entities not seen before (exact byte
  // comparison: "@Free" and "@free" are two mentions).
  void AddFrom(std::string_view text);
  model::Entities Take() { return std::move(entities_); }

 private:
  using Seen = std::unordered_set<std::string>;
  static void Add(std::vector<std::string>& list, Seen& seen, std::string_view value);

  model::Entities entities_;
  Seen urls_, mentions_, hashtags_;  // filled only for long lists
};

}  // namespace ecoute::text::internal
