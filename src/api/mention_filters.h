// Internal to the api module: the mention filters that several routes read
// from the query string, parsed once here so that they mean the same
// everywhere:
//   - the search of GET /api/v1/mentions, also used by its CSV export
//     (q, query, query_id, from, to, channel, lang, author, thread);
//   - the label filter of the export and the live stream (sentiment,
//     category, severity, needs_reply), with the values the volume route
//     takes;
//   - the category taxonomy check (ServerOptions::categories).
// Every reader records its first error in the QueryParams, naming the
// parameter and the value. Pure functions, thread-safe.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "api/params.h"
#include "api/server.h"
#include "model/mention.h"
#include "store/store.h"

namespace ecoute::api {

// The longest q= (full-text words) the search routes accept.
inline constexpr size_t kMaxSearchTextBytes = 1024;

// What GET /api/v1/mentions searches (without its page: limit, cursor).
struct MentionSearch {
  // text, query_ids, from, to, channels, languages, author, thread_id.
  store::MentionFilter filter;
  // query=: a query-language text, searched through
  // queries::QueryService::SearchHistory; nullopt = a plain store search.
  std::optional<std::string> query;
};

// Reads q (at most kMaxSearchTextBytes), query (at most
// match::kMaxQueryBytes), query_id, from, to (from not after to), channel,
// lang, author and thread.
MentionSearch ReadMentionSearch(QueryParams& p);

// Labels a mention must have: each list is "any of" (exact values, as the
// label rollups count them), empty = any.
struct LabelFilter {
  std::vector<std::string> sentiments;       // negative, neutral, positive, unknown
  std::vector<std::string> categories;       // taxonomy names or "none"
  std::vector<std::string> severity_levels;  // none, low, medium, high, critical
  std::optional<bool> needs_reply;

  bool empty() const { return sentiments.empty() && categories.empty() && severity_levels.empty() && !needs_reply; }
  // A label the mention does not have matches no value.
  bool Matches(const model::Enrichment& e) const;
};

// Reads sentiment, category (checked against `taxonomy`, IsKnownCategory),
// severity (comma-separated, repeatable, lower-cased) and needs_reply
// (true/false/1/0).
LabelFilter ReadLabelFilter(QueryParams& p, const std::vector<CategoryInfo>& taxonomy);

// Whether `name` may be a mention's category: one of `taxonomy` or "none";
// any [a-z0-9_]{1,64} when the taxonomy is empty.
bool IsKnownCategory(const std::vector<CategoryInfo>& taxonomy, std::string_view name);
// The accepted categories, for error messages ("one of a, b, none").
std::string CategoryChoices(const std::vector<CategoryInfo>& taxonomy);

}  // namespace ecoute::api
