// Internal to the demo module: small UTF-8 text helpers and the "written on a
// phone" transformations (abbreviations, typos, elongations, capitals).
// All functions keep valid UTF-8 valid.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "demo/content.h"
#include "demo/rng.h"

namespace ecoute::demo::internal {

// Upper-cases the letter starting at byte `at` (ASCII and Latin-1 letters).
void CapitalizeAt(std::string& s, size_t at);
// Lower-cases the letter starting at byte `at`.
void LowercaseAt(std::string& s, size_t at);
// Upper-cases the whole text except URLs (tokens starting with "http").
void UppercaseText(std::string& s);
// Letters and digits folded to lower-case ASCII ("Hélène" -> "helene"); other
// characters dropped.
std::string AsciiLower(std::string_view s);
// "Colis bloqué à Lyon !" -> "colis-bloque-a-lyon", at most `max_len` bytes.
std::string Slugify(std::string_view s, size_t max_len);
// Number of code points.
size_t Utf8Length(std::string_view s);
// Cuts to at most `max_cp` code points, at a word boundary when one is near,
// and appends "…" when something was cut.
void TruncateUtf8(std::string& s, size_t max_cp);

// Collapses runs of spaces, drops spaces before ',' and '.' and at the start
// and end of lines (left by empty alternatives), trims the text.
void Tidy(std::string& s);

// Informal writing, applied to social and SMS messages.
//   Abbreviate: "s'il vous plaît" -> "svp", "please" -> "pls"... each known
//   phrase replaced with probability per_mille / 1000.
void Abbreviate(std::string& s, Lang lang, Rng& rng, uint32_t per_mille);
// Swaps, drops or doubles one letter in one ASCII word.
void AddTypo(std::string& s, Rng& rng);
// "nul" -> "nuuul", "so" -> "sooo" on one known word; false if none found.
bool Elongate(std::string& s, Lang lang, Rng& rng);
// Last '.' or '!' becomes "!!!" (or '?' becomes "?!"); appends "!!!" otherwise.
void Exclaim(std::string& s);

}  // namespace ecoute::demo::internal
