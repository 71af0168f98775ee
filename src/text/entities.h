// Internal: the entity scanner behind ExtractEntities and the clean-up
// before language detection. Not part of the public API.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace ecoute::text::internal {

enum class EntityKind : uint8_t { kUrl, kMention, kHashtag };

// [begin, end) byte range of one entity in the scanned text. For mentions
// and hashtags the range includes the sigil ('@', '#').
struct EntitySpan {
  EntityKind kind;
  size_t begin;
  size_t end;
};

// Finds entities left to right without allocating. Rules:
//  * URL: "http://" or "https://" (any case), or "www." followed by a host
//    with a dot, not preceded by a letter or digit. It runs to the next
//    space, control character, one of < > " ` or non-ASCII character that
//    is not a letter, mark or digit (emoji, typographic quotes, "…").
//    Trailing . , ; : ! ? ' * and unbalanced ) ] } are dropped. The host
//    must contain a letter or digit.
//  * Mention: '@' not preceded by a letter, digit, '_', '@' or '#'
//    (so e-mail addresses are not mentions; ".@brand" is), then
//    [A-Za-z0-9_] with single '.' between them ("@jean.dupont"), optionally
//    "@host.tld" (fediverse "@user@mastodon.social"). A handle directly
//    followed by a non-ASCII letter ("@réseau") is not a mention.
//  * Hashtag: '#' not preceded by a letter, digit, '_', '&' or '#', then
//    Unicode letters, marks, digits and '_'; it must contain at least one
//    letter, so "#1" and "#2024" are not hashtags but "#grève" is.
// Entities never overlap: text inside a URL is not scanned for mentions or
// hashtags. Ill-formed UTF-8 ends an entity; results are valid UTF-8.
class EntityScanner {
 public:
  explicit EntityScanner(std::string_view text) : text_(text) {}
  // Stores the next entity in *span and returns true; false at the end.
  bool Next(EntitySpan* span);

 private:
  bool TryUrl(size_t i, EntitySpan* span) const;
  bool TryMention(size_t i, EntitySpan* span) const;
  bool TryHashtag(size_t i, EntitySpan* span) const;

  std::string_view text_;
  size_t pos_ = 0;
};

}  // namespace ecoute::text::internal
