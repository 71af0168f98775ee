// AST of the ecoute query language (docs/query-language.md).
//
// A Query is a plain value produced by Parse() (parser.h). Every node keeps
// its source span: `begin`/`end` are byte offsets [begin, end) into
// Query::text and `column` is the 1-based column of `begin` counted in code
// points (what error messages and lint warnings report).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace ecoute::match {

enum class NodeKind : uint8_t { kTerm, kPhrase, kAnd, kOr, kNot, kNear, kField, kRef };

enum class TermKind : uint8_t {
  kWord,           // reseau: folded, whole word
  kPrefix,         // livr*: folded, word starting with "livr"
  kPattern,        // colis? / c?lis*: '?' = exactly one character, optional final '*'
  kCaseSensitive,  // {Orange}: exact bytes of one word
  kHashtag,        // #greve: hashtag token, folded
  kMention,        // @free: mention token, ASCII case-insensitive
};

enum class FieldName : uint8_t {
  kLang, kChannel, kAuthor, kSite, kCountry, kFollowers, kSentiment, kCategory, kSeverity, kNeedsReply,
};

enum class CompareOp : uint8_t { kEq, kLt, kLe, kGt, kGe };

struct Span {
  size_t begin = 0;  // byte offset in Query::text
  size_t end = 0;    // byte offset, exclusive
  int column = 1;    // 1-based code point column of `begin`
};

struct Term {
  TermKind kind = TermKind::kWord;
  std::string text;    // as written, without sigils/braces ("livr*", "Orange", "greve")
  std::string folded;  // text::Fold(text) ("" for kCaseSensitive); hashtags/mentions keep no sigil
  Span span;
};

struct Node {
  NodeKind kind = NodeKind::kTerm;
  Span span;

  // kTerm: the term.
  Term term;

  // kPhrase: consecutive words ("..."), or a word the tokenizer splits in
  // several ("l'avion" -> l' avion). `slop` < 0: exact order, adjacent;
  // `slop` >= 0 ("..."~n): all words, any order, within n + words.size()
  // consecutive positions. `case_sensitive`: written {Free Mobile}.
  std::vector<Term> words;
  int slop = -1;
  bool case_sensitive = false;

  // kAnd, kOr: 2+ children; kNot: 1; kNear: 2 (left, right).
  std::vector<Node> children;

  // kNear: at most `distance` words between the two operands; `ordered`
  // (ONEAR) requires left before right.
  int distance = 0;
  bool ordered = false;

  // kField: name op value (value normalised: "lang:French" -> "fr").
  FieldName field = FieldName::kLang;
  CompareOp op = CompareOp::kEq;
  std::string value;

  // kRef: name of another query (see QueryResolver).
  std::string ref_name;
};

struct Query {
  std::string text;  // the source
  Node root;
};

// Looks up named queries for @name references. Implementations must be
// thread-safe for concurrent Find() if shared across threads.
class QueryResolver {
 public:
  virtual ~QueryResolver() = default;
  // The query named `name`, or nullptr. The pointer stays valid for the
  // resolver's lifetime.
  virtual const Query* Find(std::string_view name) const = 0;
};

std::string_view FieldNameString(FieldName f);  // "lang", "channel", ...
std::string_view CompareOpString(CompareOp op);  // ":", ":<", ":<=", ":>", ":>="
std::string_view TermKindName(TermKind k);       // "word", "prefix", ...

// Canonical, fully parenthesised form: "((pixmania OR \"pix mania\") AND
// NOT emploi)". Parse(ToString(q)) gives the same tree, so ToString is
// stable under a round trip.
std::string ToString(const Query& q);
std::string ToString(const Node& n);

// Indented parse tree, one node per line with its column, e.g.
//   AND @1
//     TERM word "colis" @1
//     NOT @7
//       TERM word "emploi" @11
std::string TreeString(const Query& q);

}  // namespace ecoute::match
