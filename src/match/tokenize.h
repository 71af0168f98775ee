// Tokenizer used by the query parser and the reference matcher.
//
// Splits text into tokens: words (runs of letters, marks and digits),
// French elisions ("l'", "d'", "qu'" ...), #hashtags, @mentions and URLs.
// Everything else (spaces, punctuation, emoji, symbols, invalid UTF-8) only
// separates tokens. Pure functions, thread-safe, never throw; any byte
// string is accepted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ecoute::match {

enum class TokenKind : uint8_t { kWord, kHashtag, kMention, kUrl };

struct Token {
  TokenKind kind = TokenKind::kWord;
  // Folded form (text::Fold). Hashtags keep their '#', mentions their '@'
  // (mention handles are ASCII-lowercased); URLs are ASCII-lowercased.
  std::string folded;
  std::string original;  // the bytes as written
  // Hashtags: the tag without '#', folded / as written. Empty otherwise.
  std::string body_folded;
  std::string body_original;
  std::string host;   // URLs: lowercase host name ("fr.wikipedia.org")
  int64_t position = 0;  // word index; consecutive tokens differ by 1
  size_t begin = 0;      // byte span [begin, end) in the tokenized text
  size_t end = 0;
};

struct TokenizeOptions {
  bool urls = true;  // recognise URLs (the query parser turns this off)
  int64_t first_position = 0;
};

// Tokenizes `text`. Rules (see docs/query-language.md, "Tokens"):
//  * word characters: Unicode letters (L*), marks (M*) and decimal digits;
//    "2024" is a word; '-' , '_' and other punctuation separate words.
//  * apostrophes (' ’ ʼ): after an elision ("l", "d", "j", "m", "n", "s",
//    "t", "c", "qu", "jusqu", "lorsqu", "puisqu", "quoiqu", "presqu") the
//    elision becomes its own token "l'" and the word goes on after it;
//    words of the exception list ("aujourd'hui", "quelqu'un",
//    "prud'homme" ...) stay one token; a final "'s" (English possessive)
//    becomes its own token (so does a detached "'s"); any other apostrophe between letters stays
//    inside the word ("don't", "o'brien").
//  * "#tag" (not after a word character; letters, digits and '_' with at
//    least one letter), "@handle" (not after a word character, '@' or '.';
//    [A-Za-z0-9_] with single inner dots) and URLs ("http://", "https://",
//    "www." up to whitespace, < > " `, or a non-letter non-ASCII
//    character; trailing . , ; : ! ? ' ) ] } dropped) are single tokens.
std::vector<Token> Tokenize(std::string_view text, const TokenizeOptions& options = {});

// Lowercase host of a URL ("https://user@Fr.Wikipedia.org:443/x" ->
// "fr.wikipedia.org"); "www.free.fr/x" -> "www.free.fr". Empty when none.
std::string UrlHost(std::string_view url);

// True when `host` is `domain` or a subdomain of it (both lowercase).
bool HostMatches(std::string_view host, std::string_view domain);

}  // namespace ecoute::match
