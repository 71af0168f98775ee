#include "match/reference_matcher.h"

#include <algorithm>

#include "match/eval_internal.h"

namespace ecoute::match {
namespace {

// Code points of valid UTF-8 (folded text always is); any stray byte counts as one.
std::vector<std::string_view> CodePoints(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < s.size()) {
    size_t n = 1;
    while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
    out.push_back(s.substr(i, n));
    i += n;
  }
  return out;
}

using Hit = internal::PositionHit<size_t>;  // token indices into Matcher::tokens_

class Matcher {
 public:
  Matcher(const model::Mention& m, const QueryResolver* resolver) : m_(m), resolver_(resolver) {
    tokens_ = Tokenize(m.title);
    title_count_ = tokens_.size();
    TokenizeOptions opt;
    opt.first_position = static_cast<int64_t>(title_count_) + kTitleTextGap;
    for (Token& t : Tokenize(m.text, opt)) tokens_.push_back(std::move(t));
  }

  bool Eval(const Node& n, std::vector<size_t>& used) {
    switch (n.kind) {
      case NodeKind::kTerm:
        if (n.term.kind == TermKind::kMention && resolver_ != nullptr && resolver_->Find(n.term.text) != nullptr) {
          return EvalRef(n.term.text, used);
        }
        [[fallthrough]];
      case NodeKind::kPhrase:
      case NodeKind::kNear: {
        std::vector<Hit> hits = Hits(n);
        for (const Hit& h : hits) used.insert(used.end(), h.tokens.begin(), h.tokens.end());
        return !hits.empty();
      }
      case NodeKind::kAnd: {
        std::vector<size_t> local;
        for (const Node& c : n.children) {
          if (!Eval(c, local)) return false;
        }
        used.insert(used.end(), local.begin(), local.end());
        return true;
      }
      case NodeKind::kOr: {
        bool any = false;
        for (const Node& c : n.children) any = Eval(c, used) || any;
        return any;
      }
      case NodeKind::kNot: {
        if (n.children.empty()) return false;  // not produced by Parse
        std::vector<size_t> ignored;
        return !Eval(n.children[0], ignored);
      }
      case NodeKind::kField:
        return EvalField(n);
      case NodeKind::kRef:
        return EvalRef(n.ref_name, used);
    }
    return false;
  }

  const std::vector<Token>& tokens() const { return tokens_; }
  size_t title_count() const { return title_count_; }
  std::string error;

 private:
  bool EvalRef(const std::string& name, std::vector<size_t>& used) {
    const Query* q = resolver_ != nullptr ? resolver_->Find(name) : nullptr;
    if (q == nullptr) {
      if (error.empty()) error = "unknown query \"" + name + "\"";
      return false;
    }
    if (std::find(stack_.begin(), stack_.end(), name) != stack_.end()) {
      if (error.empty()) {
        error = "reference cycle: ";
        for (auto it = std::find(stack_.begin(), stack_.end(), name); it != stack_.end(); ++it) error += *it + " -> ";
        error += name;
      }
      return false;
    }
    stack_.push_back(name);
    bool r = Eval(q->root, used);
    stack_.pop_back();
    return r;
  }

  std::vector<Hit> Hits(const Node& n) {
    std::vector<Hit> out;
    switch (n.kind) {
      case NodeKind::kTerm:
        for (size_t i = 0; i < tokens_.size(); ++i) {
          if (internal::TermMatches(n.term, tokens_[i])) out.push_back({tokens_[i].position, tokens_[i].position, {i}});
        }
        break;
      case NodeKind::kPhrase:
        if (n.words.empty()) {
          break;  // not produced by Parse
        } else if (n.slop < 0) {
          ExactPhraseHits(n.words, out);
        } else {
          SlopPhraseHits(n.words, n.slop, out);
        }
        break;
      case NodeKind::kOr:
        for (const Node& c : n.children) {
          std::vector<Hit> h = Hits(c);
          out.insert(out.end(), h.begin(), h.end());
        }
        break;
      case NodeKind::kNear: {
        if (n.children.size() != 2) break;  // not produced by Parse
        std::vector<Hit> left = Hits(n.children[0]);
        std::vector<Hit> right = Hits(n.children[1]);
        internal::AppendNearHits(left, right, n.distance, n.ordered, out);
        break;
      }
      default:
        break;  // the parser only puts positional nodes under NEAR
    }
    return out;
  }

  void ExactPhraseHits(const std::vector<Term>& words, std::vector<Hit>& out) {
    auto fits = [&](size_t k, size_t tok) { return internal::TermMatches(words[k], tokens_[tok]); };
    auto position = [&](size_t tok) { return tokens_[tok].position; };
    for (size_t i = 0; i + words.size() <= tokens_.size(); ++i) {
      internal::AppendExactPhraseHitAt<size_t>(i, words.size(), fits, position, out);
    }
  }

  // All words at distinct positions inside a window of slop + words.size()
  // consecutive positions, any order. One hit per window start that works.
  void SlopPhraseHits(const std::vector<Term>& words, int slop, std::vector<Hit>& out) {
    const int64_t window = slop + static_cast<int64_t>(words.size());
    for (size_t i = 0; i < tokens_.size(); ++i) {
      size_t j = i;
      while (j < tokens_.size() && tokens_[j].position < tokens_[i].position + window) ++j;
      // Bipartite matching words -> tokens [i, j).
      std::vector<int> owner;
      bool all = internal::AssignWords(
          words.size(), j - i,
          [&](size_t word, size_t t) { return internal::TermMatches(words[word], tokens_[i + t]); }, owner);
      if (!all) continue;
      out.push_back(internal::HitFromOwners<size_t>(
          owner, [&](size_t t) { return i + t; }, [&](size_t tok) { return tokens_[tok].position; }));
    }
  }

  bool EvalField(const Node& n) const { return internal::FieldMatches(m_, n.field, n.op, n.value, tokens_); }

  const model::Mention& m_;
  const QueryResolver* resolver_;
  std::vector<Token> tokens_;
  size_t title_count_ = 0;
  std::vector<std::string> stack_;
};

}  // namespace

bool WildcardMatch(std::string_view pattern, std::string_view word) {
  bool star = !pattern.empty() && pattern.back() == '*';
  if (star) pattern.remove_suffix(1);
  std::vector<std::string_view> p = CodePoints(pattern);
  std::vector<std::string_view> w = CodePoints(word);
  if (w.size() < p.size() || (!star && w.size() != p.size())) return false;
  for (size_t i = 0; i < p.size(); ++i) {
    if (p[i] != "?" && p[i] != w[i]) return false;
  }
  return true;
}

MatchResult ReferenceMatch(const Query& q, const model::Mention& m, const QueryResolver* resolver) {
  Matcher matcher(m, resolver);
  std::vector<size_t> used;
  MatchResult r;
  r.matched = matcher.Eval(q.root, used);
  r.error = matcher.error;
  if (!r.matched) return r;
  std::sort(used.begin(), used.end());
  used.erase(std::unique(used.begin(), used.end()), used.end());
  for (size_t i : used) {
    const Token& t = matcher.tokens()[i];
    r.spans.push_back({i < matcher.title_count() ? MentionField::kTitle : MentionField::kText, t.begin, t.end});
  }
  return r;
}

}  // namespace ecoute::match
