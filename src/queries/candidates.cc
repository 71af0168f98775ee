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
constexpr size_t kMaxExpressionBytes = 64 * 1024;

// A term as text that the ecoute tokenizer (match::IndexTokenizer) turns
// back into the term's own index token: the folded word; hashtags and
// mentions keep their sigil so that "#black_friday" and "@jean.dupont" stay
// one token (the index holds them without it, so the words find them too).
// `prefix`: a prefix query on the last token.
struct TermString {
  std::string text;
  bool prefix = false;
};

// nullopt: the term cannot restrict the candidates ("?olis").
std::optional<TermString> TermParts(const Term& t) {
  TermString out;
  out.text = t.kind == TermKind::kCaseSensitive ? text::Fold(t.text) : t.folded;
  if (out.text.empty()) return std::nullopt;
  if (t.kind == TermKind::kHashtag) out.text = "#" + out.text;
  if (t.kind == TermKind::kMention) out.text = "@" + out.text;
  if (t.kind == TermKind::kPrefix || t.kind == TermKind::kPattern) {
    // "c?lis*": only "c" is known; the token may go on with anything.
    out.text = out.text.substr(0, out.text.find_first_of("?*"));
    out.prefix = true;
  }
  if (out.text.empty()) return std::nullopt;
  // A prefix ending on an apostrophe ("l'*") is a whole token.
  if (out.prefix && out.text.back() == '\'') out.prefix = false;
  return out;
}

std::string Quote(std::string_view s, bool prefix) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  if (prefix) out += '*';
  return out;
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
        std::optional<TermString> tp = TermParts(n.term);
        if (!tp) return std::nullopt;
        return Quote(tp->text, tp->prefix);
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

  // Exact phrases become one FTS5 phrase (the tokenizer splits it back into
  // the words) when only the last word may be a prefix; otherwise (or with
  // ~n) the AND of the words.
  std::optional<std::string> Phrase(const Node& n) {
    std::string all;
    std::vector<std::string> each;
    bool exact = n.slop < 0;
    bool last_prefix = false;
    for (size_t i = 0; i < n.words.size(); ++i) {
      std::optional<TermString> tp = TermParts(n.words[i]);
      if (!tp) {
        exact = false;  // an unknown word: keep only the known words, unordered
        continue;
      }
      if (tp->prefix && i + 1 < n.words.size()) exact = false;
      last_prefix = tp->prefix;
      each.push_back(Quote(tp->text, tp->prefix));
      if (!all.empty()) all += ' ';
      all += tp->text;
    }
    if (exact && !all.empty()) return Quote(all, last_prefix);
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
