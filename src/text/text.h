// Text analysis: normalisation for matching, entities, language.
//
// All functions are pure (apart from the one-time set-up noted below) and
// thread-safe. None throws; any byte string is accepted, ill-formed UTF-8
// included.
#pragma once

#include <string>
#include <string_view>

#include "model/mention.h"

namespace ecoute::text {

// True when `s` is well-formed UTF-8: no overlong forms, no surrogates
// (U+D800..U+DFFF), nothing above U+10FFFF, no truncated sequence.
bool IsValidUtf8(std::string_view s);

// Folds text for matching: Unicode NFKC, case folding, accents (combining
// marks) removed, so "RÉSEAU", "Réseau" and "reseau" fold to "reseau";
// ligatures expand ("œ" -> "oe", "ß" -> "ss"), typographic apostrophes
// become "'". Pure-ASCII input takes a fast path. Invalid UTF-8 bytes are
// replaced by U+FFFD. Appends to `out`.
//
// Details:
//  * Per cluster (a base character and the combining marks after it) the
//    result is NFC(strip(NFKD(casefold(cluster)))), as utf8proc computes
//    them, with overrides applied first: ’ ‘ ‛ ʼ ´ ＇ -> ', œ/Œ -> oe,
//    æ/Æ -> ae.
//  * Marks removed: the generic combining diacritics (U+0300..036F,
//    U+1AB0..1AFF, U+1DC0..1DFF, U+20D0..20DC, U+FE20..FE2F), Cyrillic
//    titlo, Hebrew points and Arabic harakat. Marks that spell letters in
//    other scripts (Devanagari vowel signs, Thai, Japanese voiced sound
//    marks, keycaps) are kept, so folding never merges distinct words there.
//  * Removed too: soft hyphen, zero-width space, word joiner, BOM and
//    bidirectional controls. ZWJ and ZWNJ are kept (emoji, Persian).
//  * Emoji, CJK and other symbols pass through unchanged; NBSP and other
//    compatibility spaces become U+0020 (NFKC).
//  * Ill-formed sequences become one U+FFFD per maximal subpart (Unicode
//    "best practice"), so the result is always valid UTF-8.
//  * Fold(Fold(x)) == Fold(x).
// The first call with non-ASCII input builds a table of all BMP folds
// (about 3.5 ms, 400 KB, once per process).
void FoldAppend(std::string_view utf8, std::string& out);
std::string Fold(std::string_view utf8);

// URLs (http(s):// and www.), @mentions and #hashtags, in order of
// appearance, as written (without the sigil for mentions and hashtags).
// Each distinct value is listed once (exact byte comparison), at its first
// appearance. Rules:
//  * URL: "http://", "https://" (any case) or "www." not preceded by a
//    letter or digit; it ends at whitespace, a control character, < > " `,
//    or a non-ASCII character other than a letter, mark or digit (emoji,
//    « » “ ”, "…"). Trailing . , ; : ! ? ' * and unbalanced ) ] } are
//    dropped ("https://fr.wikipedia.org/wiki/Free_(entreprise)" keeps its
//    parenthesis). The host must hold a letter or digit, and a "www." host
//    a dot ("www.free.fr", not "www.google").
//  * Mention: '@' not preceded by a letter, digit, '_', '@' or '#' (so
//    e-mail addresses are not mentions; ".@brand" is), then [A-Za-z0-9_]
//    with single dots inside ("jean.dupont"; a final dot is punctuation),
//    plus "@host.tld" for fediverse accounts ("bob@mastodon.social"). A
//    handle followed directly by a non-ASCII letter ("@réseau") is not one.
//  * Hashtag: '#' not preceded by a letter, digit, '_', '&' or '#', then
//    Unicode letters, marks, digits and '_'. It must contain a letter:
//    "#grève", "#2024JO" and "#日本" are hashtags, "#1" and "#2024" are not.
//  * Text inside a URL is not scanned ("https://x.org/@a#b" is one URL).
// Results are valid UTF-8 even when `text` is not.
model::Entities ExtractEntities(std::string_view text);

struct LanguageGuess {
  std::string code = "und";  // ISO 639-1 where one exists, "und" when unknown
  float confidence = 0;      // 0..1
  bool reliable = false;
};
// Identifies the language of `text` (CLD2). Mentions, hashtags and URLs are
// ignored for the guess.
//
// Hashtags keep their word ("#grève" counts as "grève"). Only the first
// 16 KiB are examined. Codes are ISO 639-1 ("he" not CLD2's "iw", "zh" for
// both Chinese scripts), or CLD2's three-letter code for languages without
// one ("haw", "ceb"). Text that CLD2 cannot place (too short, no letters,
// mixed) gives {"und", 0, false}; that is common below ~25 letters.
// confidence = share of the text in that language x
// min(1, letter bytes / 40) x (0.5 when CLD2 finds it unreliable), so
// short texts never claim high confidence; `reliable` also requires 15+
// letter bytes. Ill-formed UTF-8 is replaced before CLD2 sees it.
// See TuneAllocatorForLanguageId() for speed.
LanguageGuess DetectLanguage(std::string_view text);

// Process-wide setting for the program's owner (main) to call once, before
// threads start: on glibc, sets malloc's M_TOP_PAD to 1 MiB. CLD2 allocates
// and frees ~175 KB on every call; with glibc's defaults that memory is
// returned to the kernel and faulted back in each time, which makes
// DetectLanguage about 5x slower. Idempotent; a no-op elsewhere.
void TuneAllocatorForLanguageId();

// Normalises a declared language tag: "fr-FR", "FR", "fre", "French" -> "fr";
// empty when not recognised.
//
// Accepts BCP 47 / POSIX forms ("pt_BR.UTF-8", "zh-Hant-TW"), ISO 639-1,
// ISO 639-2/B and /T and common ISO 639-3 codes ("cmn", "arb"), and
// language names in English, French, German, Spanish, Italian and the
// language itself, any case, with or without accents ("français",
// "English (US)", "日本語"). Legacy and variant codes map onto what
// DetectLanguage reports: "iw" -> "he", "in" -> "id", "nb"/"nob" -> "no",
// "fil" -> "tl". "und", "mul" and "zxx" are not languages: empty.
std::string NormalizeLanguageTag(std::string_view tag);

// Fills m.entities from title and text, and the language: a declared
// language (m.language_declared, set by the decoder) is kept; otherwise it
// is detected from title + text.
//
// Entities: those of the title, then new ones from the text (replacing any
// previous m.entities). A declared tag is normalised (NormalizeLanguageTag)
// with confidence 1; when it cannot be normalised it is treated as not
// declared: language_declared becomes false and the language is detected
// from title + "\n" + text.
void Analyze(model::Mention& m);

}  // namespace ecoute::text
