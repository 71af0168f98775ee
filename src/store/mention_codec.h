// How a Mention maps to a row of the `mentions` table, private to the store.
#pragma once

#include <cstdint>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/status.h"
#include "model/mention.h"
#include "store/sqlite_util.h"

namespace ecoute::store::internal {

// 64-bit hash of everything a source can change in a mention: every field
// but `id`, with `thread_id` as given by the caller (before the store
// resolves it). Stable across runs and builds: it is stored on disk.
uint64_t ContentHash(const model::Mention& m);

// ASCII-lowered copy of `s` (the author filter is ASCII case-insensitive).
std::string AsciiLower(std::string_view s);

// The full-text token standing for an author handle: "a" and 16 hex digits
// of a stable hash of the ASCII-lowered handle (one token whatever the
// handle's punctuation); "" for an empty handle. Writes into `out`.
void AuthorKey(std::string_view handle, std::string& out);

// The mention columns in table order, for SELECT lists.
inline constexpr std::string_view kMentionColumns =
    "id, created_at, channel, language, author_key, thread_id, native_id, content_hash, source, url, "
    "author_handle, author_name, author_followers, author_verified, direction, title, text, "
    "language_confidence, language_declared, reply_to, reshare_of, quote_of, likes, reshares, replies, "
    "quotes, views, country, entities, attributes, enrichment";
inline constexpr int kMentionColumnCount = 31;

// Compact JSON of the nested parts; empty string when there is nothing to
// store (the column is then NULL).
void EntitiesJson(const model::Entities& e, std::string& out);
void AttributesJson(const std::map<std::string, std::string>& a, std::string& out);
void EnrichmentJson(const model::Enrichment& e, std::string& out);

// Scratch buffers reused across rows so binding allocates nothing in the
// steady state.
struct RowBuffers {
  std::string author_key, entities, attributes, enrichment;
};

// Binds the 30 columns after `id` (created_at .. enrichment) to parameters
// first..first+29 of `s`. `m` and `buf` must stay alive until `s` is reset.
void BindMentionColumns(Stmt& s, int first, const model::Mention& m, uint64_t hash, RowBuffers& buf);

// Reads a row selected with kMentionColumns starting at column `first`.
// Corruption naming the id and the column when a stored value is invalid.
base::Result<model::Mention> ReadMention(const Stmt& s, int first = 0);

// Parses a stored enrichment column (`text`, "" when NULL) into `e`
// (replaced). Unknown keys are ignored (a newer build's); Corruption naming
// `id` when the JSON or a known key's type is invalid.
base::Status ParseEnrichment(std::string_view text, int64_t id, model::Enrichment& e);

// The labels the label rollups count a mention under: each "" when the
// mention has no such label; needs_reply "true" | "false" | "".
struct Labels {
  std::string sentiment, category, severity_level, needs_reply;
  auto Tie() const { return std::tie(sentiment, category, severity_level, needs_reply); }
  bool operator<(const Labels& o) const { return Tie() < o.Tie(); }
  bool operator==(const Labels& o) const { return Tie() == o.Tie(); }
};
Labels LabelsOf(const model::Enrichment& e);

// Copies the fields `from.corrected` names (a user's corrections) and the
// list itself onto `to`; nothing when `from` has none.
void ApplyCorrections(const model::Enrichment& from, model::Enrichment& to);

// The ids under "matched_queries" in a stored enrichment column (as read,
// in stored order; empty when the column is empty or has none) into `out`.
// Corruption naming `id` when the JSON or the key's type is invalid.
base::Status MatchedQueriesOf(std::string_view enrichment, int64_t id, std::vector<int64_t>& out);

// The enrichment column `enrichment` with "matched_queries" set to `ids`
// (removed when `ids` is empty); every other key is kept as stored. "" when
// nothing remains (the column is then NULL). Corruption as above.
base::Result<std::string> WithMatchedQueries(std::string_view enrichment, int64_t id,
                                             std::span<const int64_t> ids);

}  // namespace ecoute::store::internal
