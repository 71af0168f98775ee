// Text analysis: normalisation for matching, entities, language.
// All functions are pure and thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "model/mention.h"

namespace ecoute::text {

// True when `s` is well-formed UTF-8 (no overlongs, no surrogates).
bool IsValidUtf8(std::string_view s);

// Folds text for matching: Unicode NFKC, case folding, accents (combining
// marks) removed, so "RÉSEAU", "Réseau" and "reseau" fold to "reseau";
// ligatures expand ("œ" -> "oe", "ß" -> "ss"), typographic apostrophes
// become "'". Pure-ASCII input takes a fast path. Invalid UTF-8 bytes are
// replaced by U+FFFD. Appends to `out`.
void FoldAppend(std::string_view utf8, std::string& out);
std::string Fold(std::string_view utf8);

// URLs (http(s):// and www.), @mentions and #hashtags, in order of
// appearance, as written (without the sigil for mentions and hashtags).
model::Entities ExtractEntities(std::string_view text);

struct LanguageGuess {
  std::string code = "und";  // ISO 639-1 where one exists, "und" when unknown
  float confidence = 0;      // 0..1
  bool reliable = false;
};
// Identifies the language of `text` (CLD2). Mentions, hashtags and URLs are
// ignored for the guess.
LanguageGuess DetectLanguage(std::string_view text);

// Normalises a declared language tag: "fr-FR", "FR", "fre", "French" -> "fr";
// empty when not recognised.
std::string NormalizeLanguageTag(std::string_view tag);

// Fills m.entities from title and text, and the language: a declared
// language (m.language_declared, set by the decoder) is kept; otherwise it
// is detected from title + text.
void Analyze(model::Mention& m);

}  // namespace ecoute::text
