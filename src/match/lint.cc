#include "match/lint.h"

#include <algorithm>
#include <array>
#include <set>

namespace ecoute::match {
namespace {

constexpr std::array<std::string_view, 58> kStopWords = {
    // French
    "le", "la", "les", "l'", "de", "des", "du", "d'", "un", "une", "et", "ou", "a", "au", "aux", "en", "je",
    "il", "elle", "on", "nous", "vous", "ils", "que", "qui", "ne", "pas", "ce", "est", "pour", "par", "sur",
    "dans", "avec",
    // English
    "the", "an", "and", "or", "of", "to", "in", "is", "it", "for", "on", "at", "be", "this", "that", "with",
    "i", "you", "we", "they", "was", "are", "not", "as"};

bool IsStopWord(std::string_view w) { return std::find(kStopWords.begin(), kStopWords.end(), w) != kStopWords.end(); }

bool HasPositive(const Node& n) {
  switch (n.kind) {
    case NodeKind::kNot: return false;
    case NodeKind::kAnd:
      return std::any_of(n.children.begin(), n.children.end(), [](const Node& c) { return HasPositive(c); });
    case NodeKind::kOr:
      return std::all_of(n.children.begin(), n.children.end(), [](const Node& c) { return HasPositive(c); });
    default: return true;
  }
}

class Linter {
 public:
  Linter(const QueryResolver* resolver) : resolver_(resolver) {}

  void Walk(const Node& n, bool in_near) {
    switch (n.kind) {
      case NodeKind::kTerm:
        CheckTerm(n.term, in_near);
        break;
      case NodeKind::kPhrase:
        if (n.slop > 50) Add(n.span.column, "near-too-far", "distance ~" + std::to_string(n.slop) + " is above 50: "
                                                               "the words are probably unrelated that far apart");
        for (const Term& t : n.words) {
          if (t.kind == TermKind::kPrefix) CheckWildcard(t);
        }
        break;
      case NodeKind::kNear:
        if (n.distance > 50) {
          Add(n.span.column, "near-too-far",
              std::string(n.ordered ? "ONEAR/" : "NEAR/") + std::to_string(n.distance) +
                  " is above 50: the words are probably unrelated that far apart");
        }
        for (const Node& c : n.children) {
          if (c.kind == NodeKind::kOr) {
            Add(c.span.column, "or-in-near",
                "OR inside NEAR matches every pair of alternatives; consider separate NEAR clauses");
          }
        }
        break;
      case NodeKind::kOr: {
        std::set<std::string> seen;
        for (const Node& c : n.children) {
          std::string key = ToString(c);
          if (!seen.insert(key).second) {
            Add(c.span.column, "duplicate-or", "duplicate OR branch " + key);
          }
        }
        break;
      }
      case NodeKind::kRef:
        Add(n.span.column, "reference", "@" + n.ref_name + " refers to query " + n.ref_name);
        break;
      default:
        break;
    }
    for (const Node& c : n.children) Walk(c, in_near || n.kind == NodeKind::kNear);
  }

  void CheckTerm(const Term& t, bool in_near) {
    switch (t.kind) {
      case TermKind::kWord:
        if (t.text == "and" || t.text == "or" || t.text == "not" || t.text == "near") {
          std::string upper;
          for (char c : t.text) upper += static_cast<char>(c - 'a' + 'A');
          Add(t.span.column, "lowercase-operator",
              "lowercase \"" + t.text + "\" is a search term; write " + upper + " for the operator");
        } else if (IsStopWord(t.folded)) {
          Add(t.span.column, "stop-word", "\"" + t.text + "\" is a stop word and matches almost every message");
        }
        break;
      case TermKind::kPrefix:
        CheckWildcard(t);
        break;
      case TermKind::kMention:
        if (resolver_ != nullptr && !in_near) {
          if (resolver_->Find(t.text) != nullptr) {
            Add(t.span.column, "reference", "@" + t.text + " refers to query " + t.text);
          } else {
            Add(t.span.column, "mention", "@" + t.text + " is a mention (no query named " + t.text + ")");
          }
        }
        break;
      default:
        break;
    }
  }

  void CheckWildcard(const Term& t) {
    size_t letters = 0;
    for (size_t i = 0; i < t.folded.size(); ++i) {
      unsigned char c = static_cast<unsigned char>(t.folded[i]);
      if (c == '*') break;
      if ((c & 0xC0) != 0x80) ++letters;
    }
    if (letters < 3) {
      Add(t.span.column, "short-wildcard",
          "\"" + t.text + "\" has fewer than 3 letters before '*' and matches too many words");
    }
  }

  void Add(int column, std::string code, std::string message) {
    out.push_back({column, std::move(code), std::move(message)});
  }

  std::vector<LintWarning> out;

 private:
  const QueryResolver* resolver_;
};

}  // namespace

std::vector<LintWarning> Lint(const Query& q, const QueryResolver* resolver) {
  Linter l(resolver);
  if (!HasPositive(q.root)) {
    l.Add(q.root.span.column, "only-not", "the query only excludes: it matches almost every message");
  }
  l.Walk(q.root, false);
  std::stable_sort(l.out.begin(), l.out.end(),
                   [](const LintWarning& a, const LintWarning& b) { return a.column < b.column; });
  return std::move(l.out);
}

}  // namespace ecoute::match
