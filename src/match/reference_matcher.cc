#include "match/reference_matcher.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>

#include "text/text.h"

namespace ecoute::match {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
std::string AsciiLower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = Lower(c);
  return o;
}

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

struct Hit {
  int64_t first = 0;  // positions
  int64_t last = 0;
  std::vector<size_t> tokens;  // indices into Matcher::tokens_
};

int SeverityRank(std::string_view level) {
  static constexpr std::string_view kLevels[] = {"none", "low", "medium", "high", "critical"};
  for (int i = 0; i < 5; ++i) {
    if (kLevels[i] == level) return i;
  }
  return -1;
}

template <typename T>
bool Compare(T a, CompareOp op, T b) {
  switch (op) {
    case CompareOp::kEq: return a == b;
    case CompareOp::kLt: return a < b;
    case CompareOp::kLe: return a <= b;
    case CompareOp::kGt: return a > b;
    case CompareOp::kGe: return a >= b;
  }
  return false;
}

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

  static bool TermMatches(const Term& t, const Token& k) {
    switch (t.kind) {
      case TermKind::kWord:
        return (k.kind == TokenKind::kWord && k.folded == t.folded) ||
               (k.kind == TokenKind::kHashtag && k.body_folded == t.folded);
      case TermKind::kPrefix:
      case TermKind::kPattern:
        if (k.kind == TokenKind::kWord) return WildcardMatch(t.folded, k.folded);
        if (k.kind == TokenKind::kHashtag) return WildcardMatch(t.folded, k.body_folded);
        return false;
      case TermKind::kCaseSensitive:
        return (k.kind == TokenKind::kWord && k.original == t.text) ||
               (k.kind == TokenKind::kHashtag && k.body_original == t.text);
      case TermKind::kHashtag:
        return k.kind == TokenKind::kHashtag && k.body_folded == t.folded;
      case TermKind::kMention:
        return k.kind == TokenKind::kMention && k.folded.size() == t.folded.size() + 1 &&
               std::string_view(k.folded).substr(1) == t.folded;
    }
    return false;
  }

  std::vector<Hit> Hits(const Node& n) {
    std::vector<Hit> out;
    switch (n.kind) {
      case NodeKind::kTerm:
        for (size_t i = 0; i < tokens_.size(); ++i) {
          if (TermMatches(n.term, tokens_[i])) out.push_back({tokens_[i].position, tokens_[i].position, {i}});
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
        for (const Hit& l : left) {
          for (const Hit& r : right) {
            bool ok = (l.last < r.first && r.first - l.last - 1 <= n.distance) ||
                      (!n.ordered && r.last < l.first && l.first - r.last - 1 <= n.distance);
            if (!ok) continue;
            Hit h{std::min(l.first, r.first), std::max(l.last, r.last), l.tokens};
            h.tokens.insert(h.tokens.end(), r.tokens.begin(), r.tokens.end());
            out.push_back(std::move(h));
          }
        }
        break;
      }
      default:
        break;  // the parser only puts positional nodes under NEAR
    }
    return out;
  }

  void ExactPhraseHits(const std::vector<Term>& words, std::vector<Hit>& out) {
    for (size_t i = 0; i + words.size() <= tokens_.size(); ++i) {
      bool ok = true;
      for (size_t k = 0; k < words.size() && ok; ++k) {
        ok = TermMatches(words[k], tokens_[i + k]) &&
             tokens_[i + k].position == tokens_[i].position + static_cast<int64_t>(k);
      }
      if (!ok) continue;
      Hit h{tokens_[i].position, tokens_[i + words.size() - 1].position, {}};
      for (size_t k = 0; k < words.size(); ++k) h.tokens.push_back(i + k);
      out.push_back(std::move(h));
    }
  }

  // All words at distinct positions inside a window of slop + words.size()
  // consecutive positions, any order. One hit per window start that works.
  void SlopPhraseHits(const std::vector<Term>& words, int slop, std::vector<Hit>& out) {
    const int64_t window = slop + static_cast<int64_t>(words.size());
    for (size_t i = 0; i < tokens_.size(); ++i) {
      size_t j = i;
      while (j < tokens_.size() && tokens_[j].position < tokens_[i].position + window) ++j;
      // Bipartite matching words -> tokens [i, j) (Kuhn's algorithm).
      std::vector<int> owner(j - i, -1);
      bool all = true;
      for (size_t w = 0; w < words.size() && all; ++w) {
        std::vector<bool> seen(j - i, false);
        std::function<bool(size_t)> augment = [&](size_t word) -> bool {
          for (size_t t = 0; t < j - i; ++t) {
            if (seen[t] || !TermMatches(words[word], tokens_[i + t])) continue;
            seen[t] = true;
            if (owner[t] < 0 || augment(static_cast<size_t>(owner[t]))) {
              owner[t] = static_cast<int>(word);
              return true;
            }
          }
          return false;
        };
        all = augment(w);
      }
      if (!all) continue;
      Hit h{INT64_MAX, INT64_MIN, {}};
      for (size_t t = 0; t < j - i; ++t) {
        if (owner[t] < 0) continue;
        h.first = std::min(h.first, tokens_[i + t].position);
        h.last = std::max(h.last, tokens_[i + t].position);
        h.tokens.push_back(i + t);
      }
      out.push_back(std::move(h));
    }
  }

  bool EvalField(const Node& n) {
    const std::string& v = n.value;
    const model::Enrichment& e = m_.enrichment;
    switch (n.field) {
      case FieldName::kLang: return AsciiLower(m_.language) == v;
      case FieldName::kChannel: return model::ChannelName(m_.channel) == v;
      case FieldName::kAuthor: {
        std::string_view h = m_.author.handle;
        if (!h.empty() && h[0] == '@') h.remove_prefix(1);
        return AsciiLower(h) == AsciiLower(v);
      }
      case FieldName::kSite: {
        if (HostMatches(UrlHost(m_.url), v)) return true;
        for (const std::string& u : m_.entities.urls) {
          if (HostMatches(UrlHost(u), v)) return true;
        }
        for (const Token& t : tokens_) {
          if (t.kind == TokenKind::kUrl && HostMatches(t.host, v)) return true;
        }
        return false;
      }
      case FieldName::kCountry: {
        std::string c = m_.country;
        for (char& ch : c) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
        return c == v;
      }
      case FieldName::kFollowers: {
        if (!m_.author.followers) return false;
        int64_t x = 0;
        std::from_chars(v.data(), v.data() + v.size(), x);
        return Compare<int64_t>(*m_.author.followers, n.op, x);
      }
      case FieldName::kSentiment: return e.sentiment && AsciiLower(*e.sentiment) == v;
      case FieldName::kCategory: return e.category && text::Fold(*e.category) == v;
      case FieldName::kSeverity: {
        int rank = SeverityRank(v);
        if (rank < 0) {
          if (!e.severity) return false;
          int x = 0;
          std::from_chars(v.data(), v.data() + v.size(), x);
          return Compare<int>(*e.severity, n.op, x);
        }
        if (!e.severity_level) return false;
        int have = SeverityRank(AsciiLower(*e.severity_level));
        return have >= 0 && Compare<int>(have, n.op, rank);
      }
      case FieldName::kNeedsReply: return e.needs_reply && *e.needs_reply == (v == "true");
    }
    return false;
  }

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
