#include "queries/candidates.h"

#include <algorithm>
#include <string_view>
#include <vector>

#include "text/text.h"

namespace ecoute::queries {
namespace {

using match::Node;
using match::NodeKind;
using match::Term;
using match::TermKind;

constexpr int kMaxDepth = 64;
constexpr size_t kMaxVariants = 16;
constexpr size_t kMaxExpressionBytes = 64 * 1024;

bool IsAsciiAlnum(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'); }

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// FTS5 tokens of a folded ASCII word: runs of [a-z0-9]. nullopt when the
// word holds a non-ASCII byte (then FTS5's folding may differ from ours).
std::optional<std::vector<std::string>> Parts(std::string_view folded) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : folded) {
    if (static_cast<unsigned char>(c) >= 0x80) return std::nullopt;
    if (IsAsciiAlnum(c)) {
      cur += Lower(c);
    } else if (!cur.empty()) {
      parts.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) parts.push_back(std::move(cur));
  return parts;
}

// Spellings FTS5 keeps apart but ecoute folds together: "oe" may be
// written "œ", "ae" "æ", "ss" "ß" (each folds to the ASCII pair). nullopt
// when there would be more than kMaxVariants.
std::optional<std::vector<std::string>> Variants(const std::string& part) {
  static constexpr std::pair<std::string_view, std::string_view> kLigatures[] = {
      {"oe", "\xC5\x93"}, {"ae", "\xC3\xA6"}, {"ss", "\xC3\x9F"}};
  std::vector<std::string> out = {""};
  for (size_t i = 0; i < part.size();) {
    std::string_view lig;
    for (const auto& [ascii, l] : kLigatures) {
      if (part.compare(i, ascii.size(), ascii) == 0) lig = l;
    }
    if (lig.empty()) {
      for (std::string& o : out) o += part[i];
      ++i;
      continue;
    }
    if (out.size() * 2 > kMaxVariants) return std::nullopt;
    const size_t n = out.size();
    for (size_t k = 0; k < n; ++k) {
      out.push_back(out[k] + std::string(lig));
      out[k] += part.substr(i, 2);
    }
    i += 2;
  }
  return out;
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

// A phrase of parts, as FTS5 alternatives when a part has variants:
// ("a b" OR "a bœ"). `prefix`: the last part is a prefix.
std::optional<std::string> PhraseExpr(const std::vector<std::string>& parts, bool prefix) {
  if (parts.empty()) return std::nullopt;
  std::vector<std::string> phrases = {""};
  for (const std::string& p : parts) {
    std::optional<std::vector<std::string>> vs = Variants(p);
    if (!vs) return std::nullopt;
    std::vector<std::string> next;
    for (const std::string& ph : phrases) {
      for (const std::string& v : *vs) {
        if (next.size() >= kMaxVariants) return std::nullopt;
        next.push_back(ph.empty() ? v : ph + " " + v);
      }
    }
    phrases = std::move(next);
  }
  std::string out;
  if (phrases.size() > 1) out += "(";
  for (size_t i = 0; i < phrases.size(); ++i) {
    if (i) out += " OR ";
    out += Quote(phrases[i]);
    if (prefix) out += "*";
  }
  if (phrases.size() > 1) out += ")";
  return out;
}

// The FTS5 tokens a term is found by, and whether the last is a prefix.
// nullopt: the term cannot restrict the candidates.
std::optional<std::pair<std::vector<std::string>, bool>> TermParts(const Term& t) {
  std::string folded = t.kind == TermKind::kCaseSensitive ? text::Fold(t.text) : t.folded;
  bool prefix = false;
  if (t.kind == TermKind::kPrefix || t.kind == TermKind::kPattern) {
    // "c?lis*": only "c" is known; the token may go on with anything.
    folded = folded.substr(0, folded.find_first_of("?*"));
    prefix = true;
  }
  std::optional<std::vector<std::string>> parts = Parts(folded);
  if (!parts || parts->empty()) return std::nullopt;
  // A prefix ending on a separator ("l'*") is a whole last token.
  if (prefix && !folded.empty() && !IsAsciiAlnum(folded.back())) prefix = false;
  return std::make_pair(std::move(*parts), prefix);
}

class Builder {
 public:
  explicit Builder(const match::QueryResolver* resolver) : resolver_(resolver) {}

  std::optional<std::string> Build(const Node& n, int depth) {
    if (depth > kMaxDepth) return std::nullopt;
    switch (n.kind) {
      case NodeKind::kTerm: {
        if (n.term.kind == TermKind::kMention && resolver_ != nullptr) {
          if (const match::Query* ref = resolver_->Find(n.term.text)) return Build(ref->root, depth + 1);
        }
        auto tp = TermParts(n.term);
        if (!tp) return std::nullopt;
        return PhraseExpr(tp->first, tp->second);
      }
      case NodeKind::kRef: {
        const match::Query* ref = resolver_ != nullptr ? resolver_->Find(n.ref_name) : nullptr;
        if (ref == nullptr) return std::nullopt;
        return Build(ref->root, depth + 1);
      }
      case NodeKind::kPhrase: return Phrase(n);
      case NodeKind::kNear: return And(n.children, depth);
      case NodeKind::kAnd: return And(n.children, depth);
      case NodeKind::kOr: {
        std::vector<std::string> parts;
        for (const Node& c : n.children) {
          std::optional<std::string> e = Build(c, depth + 1);
          if (!e) return std::nullopt;
          parts.push_back(std::move(*e));
        }
        return Join(parts, " OR ");
      }
      case NodeKind::kNot:
      case NodeKind::kField:
        return std::nullopt;
    }
    return std::nullopt;
  }

 private:
  std::optional<std::string> And(const std::vector<Node>& children, int depth) {
    std::vector<std::string> parts;
    for (const Node& c : children) {
      if (std::optional<std::string> e = Build(c, depth + 1)) parts.push_back(std::move(*e));
    }
    return Join(parts, " AND ");
  }

  // Exact phrases become one FTS5 phrase when only the last word may be a
  // prefix; otherwise (or with ~n) the AND of the words.
  std::optional<std::string> Phrase(const Node& n) {
    std::vector<std::string> all;
    std::vector<std::string> each;
    bool exact = n.slop < 0;
    bool last_prefix = false;
    for (size_t i = 0; i < n.words.size(); ++i) {
      auto tp = TermParts(n.words[i]);
      if (!tp) {
        exact = false;  // an unknown word: keep only the known words, unordered
        continue;
      }
      if (tp->second && i + 1 < n.words.size()) exact = false;
      last_prefix = tp->second;
      if (std::optional<std::string> e = PhraseExpr(tp->first, tp->second)) each.push_back(std::move(*e));
      for (std::string& p : tp->first) all.push_back(std::move(p));
    }
    if (exact && !all.empty()) {
      if (std::optional<std::string> e = PhraseExpr(all, last_prefix)) return e;
    }
    return Join(each, " AND ");
  }

  static std::optional<std::string> Join(std::vector<std::string>& parts, std::string_view op) {
    if (parts.empty()) return std::nullopt;
    if (parts.size() == 1) return std::move(parts[0]);
    std::string out = "(";
    for (size_t i = 0; i < parts.size(); ++i) {
      if (i) out += op;
      out += parts[i];
    }
    out += ")";
    return out;
  }

  const match::QueryResolver* resolver_;
};

}  // namespace

std::optional<std::string> CandidateFts(const match::Query& q, const match::QueryResolver* resolver) {
  Builder b(resolver);
  std::optional<std::string> e = b.Build(q.root, 0);
  if (e && e->size() > kMaxExpressionBytes) return std::nullopt;
  return e;
}

}  // namespace ecoute::queries
