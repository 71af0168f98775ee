// Features of one message for the understanding models.
//
// Featurize() turns a text into the tokens the linear models read and the
// dense lexicon/style signals the calibrators read. It is pure and
// deterministic; the same text and language always give the same features
// (models record kFeatureVersion and refuse to load under another one).
//
// Tokens (all UTF-8, lower-cased with utf8proc; accents are kept AND a
// folded twin is not added — the model sees one form per word):
//   - words, with elisions split ("l'appli" -> "l'", "appli"; "don't" stays),
//     letters repeated 3+ times squeezed to 2 ("soooo" -> "soo", plus the
//     marker "<elong>");
//   - negation scope: after a negator ("not", "no", "never", "n't",
//     "ne"/"n'", "pas", "jamais", "plus", "rien", "aucun", "sans", ...)
//     up to the next punctuation or 3 words, words are prefixed "neg_";
//     "pas mal"/"not bad" therefore differ from "mal"/"bad";
//   - placeholders "<url>", "<user>" (@mention), "<num>", "<hashtag>" plus
//     the tag's word; each emoji as itself; "!" "?" "!!" "?!" as tokens;
//   - markers: "<caps>" when a word of 3+ letters is all capitals,
//     "<lex+>" / "<lex->" / "<lex++>" / "<lex-->" from the lexicon score,
//     "<neglex+>" when a negated positive word was seen, etc.
// Dense signals (Features::dense, kDenseSize values, documented in
// features.cc) are lexicon positive/negative sums, compound polarity in
// [-1,1], ratios of capitals, exclamations, questions, emoji valence.
//
// Thread-safety: Lexicons is immutable after Load and may be shared; each
// thread uses its own Features buffer.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace ecoute::classify {

inline constexpr int kFeatureVersion = 1;
inline constexpr int kDenseSize = 8;

// One lexicon word that moved the polarity, for explanations.
struct LexiconHit {
  std::string word;     // as in the text (lower-cased)
  float valence = 0;    // after negation/intensifier/caps adjustments, VADER scale -4..4
  bool negated = false;
};

struct Features {
  std::vector<std::string> tokens;
  std::array<float, kDenseSize> dense{};
  float polarity = 0;  // lexicon compound in [-1, 1]
  std::vector<LexiconHit> hits;
  void clear();
};

// AFINN (en, fr) and VADER word valences, plus emoji valences; loaded from
// the shipped files under <models>/lexicons/ (see models/lexicons/README.md).
class Lexicons {
 public:
  // Reads AFINN-en-165.txt, AFINN-fr-165.txt, AFINN-emoticon-8.txt,
  // vader_lexicon.txt and emoji_utf8_lexicon.txt from `dir` (the emoji
  // valences are a hand table in features.cc, then the VADER emoji
  // descriptions scored with the VADER lexicon). Errors name the file and
  // line: "<dir>/vader_lexicon.txt:12: bad number \"x\"".
  static base::Result<std::shared_ptr<const Lexicons>> Load(const std::string& dir);
  // Valence of a lower-cased word for `lang` ("fr", "en", other: both), VADER
  // scale; 0 when unknown.
  float Valence(std::string_view word, std::string_view lang) const;

  class Impl;
  explicit Lexicons(std::unique_ptr<Impl> impl);
  ~Lexicons();

 private:
  friend void Featurize(std::string_view text, std::string_view lang, const Lexicons& lex, Features* out);
  std::unique_ptr<Impl> impl_;
};

// Fills `out` (cleared first). `lang` is an ISO 639-1 code or "und".
void Featurize(std::string_view text, std::string_view lang, const Lexicons& lex, Features* out);

}  // namespace ecoute::classify
