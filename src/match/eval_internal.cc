#include "match/eval_internal.h"

#include <cctype>
#include <charconv>

#include "match/reference_matcher.h"
#include "text/text.h"

namespace ecoute::match::internal {
namespace {

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

// Bytes of the code point starting at s[i], as reference_matcher.cc's
// CodePoints() cuts: s[i] and the continuation bytes after it.
size_t CodePointLen(std::string_view s, size_t i) {
  size_t n = 1;
  while (i + n < s.size() && (static_cast<unsigned char>(s[i + n]) & 0xC0) == 0x80) ++n;
  return n;
}

size_t CodePointCount(std::string_view s) {
  size_t count = 0;
  for (size_t i = 0; i < s.size(); i += CodePointLen(s, i)) ++count;
  return count;
}

}  // namespace

std::string AsciiLower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = Lower(c);
  return o;
}

int SeverityRank(std::string_view level) {
  static constexpr std::string_view kLevels[] = {"none", "low", "medium", "high", "critical"};
  for (int i = 0; i < 5; ++i) {
    if (kLevels[i] == level) return i;
  }
  return -1;
}

bool WildcardMatches(std::string_view pattern, std::string_view word) {
  const bool star = !pattern.empty() && pattern.back() == '*';
  if (star) pattern.remove_suffix(1);
  const size_t pc = CodePointCount(pattern);
  const size_t wc = CodePointCount(word);
  if (wc < pc || (!star && wc != pc)) return false;
  size_t pi = 0;
  size_t wi = 0;
  for (size_t k = 0; k < pc; ++k) {
    const size_t pn = CodePointLen(pattern, pi);
    const size_t wn = CodePointLen(word, wi);
    const std::string_view p = pattern.substr(pi, pn);
    if (p != "?" && p != word.substr(wi, wn)) return false;
    pi += pn;
    wi += wn;
  }
  return true;
}

bool TermMatches(const Term& t, const Token& k) {
  return TermMatches(t, TokenRef{k.kind, k.folded, k.original, k.body_folded, k.body_original});
}

bool TermMatches(const Term& t, const TokenRef& k) {
  switch (t.kind) {
    case TermKind::kWord:
      return (k.kind == TokenKind::kWord && k.folded == t.folded) ||
             (k.kind == TokenKind::kHashtag && k.body_folded == t.folded);
    case TermKind::kPrefix:
    case TermKind::kPattern:
      if (k.kind == TokenKind::kWord) return WildcardMatches(t.folded, k.folded);
      if (k.kind == TokenKind::kHashtag) return WildcardMatches(t.folded, k.body_folded);
      return false;
    case TermKind::kCaseSensitive:
      return (k.kind == TokenKind::kWord && k.original == t.text) ||
             (k.kind == TokenKind::kHashtag && k.body_original == t.text);
    case TermKind::kHashtag:
      return k.kind == TokenKind::kHashtag && k.body_folded == t.folded;
    case TermKind::kMention:
      return k.kind == TokenKind::kMention && k.folded.size() == t.folded.size() + 1 &&
             k.folded.substr(1) == t.folded;
  }
  return false;
}

bool FieldMatches(const model::Mention& m, FieldName field, CompareOp op, const std::string& value,
                  const std::vector<Token>& tokens) {
  std::vector<std::string> hosts;
  if (field == FieldName::kSite) {
    for (const Token& t : tokens) {
      if (t.kind == TokenKind::kUrl) hosts.push_back(t.host);
    }
  }
  return FieldMatches(m, field, op, value, hosts);
}

bool FieldMatches(const model::Mention& m, FieldName field, CompareOp op, const std::string& value,
                  std::span<const std::string> url_hosts) {
  const std::string& v = value;
  const model::Enrichment& e = m.enrichment;
  switch (field) {
    case FieldName::kLang: return AsciiLower(m.language) == v;
    case FieldName::kChannel: return model::ChannelName(m.channel) == v;
    case FieldName::kAuthor: {
      std::string_view h = m.author.handle;
      if (!h.empty() && h[0] == '@') h.remove_prefix(1);
      return AsciiLower(h) == AsciiLower(v);
    }
    case FieldName::kSite: {
      if (HostMatches(UrlHost(m.url), v)) return true;
      for (const std::string& u : m.entities.urls) {
        if (HostMatches(UrlHost(u), v)) return true;
      }
      for (const std::string& host : url_hosts) {
        if (HostMatches(host, v)) return true;
      }
      return false;
    }
    case FieldName::kCountry: {
      std::string c = m.country;
      for (char& ch : c) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
      return c == v;
    }
    case FieldName::kFollowers: {
      if (!m.author.followers) return false;
      int64_t x = 0;
      std::from_chars(v.data(), v.data() + v.size(), x);
      return Compare<int64_t>(*m.author.followers, op, x);
    }
    case FieldName::kSentiment: return e.sentiment && AsciiLower(*e.sentiment) == v;
    case FieldName::kCategory: return e.category && text::Fold(*e.category) == v;
    case FieldName::kSeverity: {
      int rank = SeverityRank(v);
      if (rank < 0) {
        if (!e.severity) return false;
        int x = 0;
        std::from_chars(v.data(), v.data() + v.size(), x);
        return Compare<int>(*e.severity, op, x);
      }
      if (!e.severity_level) return false;
      int have = SeverityRank(AsciiLower(*e.severity_level));
      return have >= 0 && Compare<int>(have, op, rank);
    }
    case FieldName::kNeedsReply: return e.needs_reply && *e.needs_reply == (v == "true");
  }
  return false;
}

bool AssignWords(size_t word_count, size_t slot_count, const std::function<bool(size_t, size_t)>& fits,
                 std::vector<int>& owner) {
  owner.assign(slot_count, -1);
  bool all = true;
  for (size_t w = 0; w < word_count && all; ++w) {
    std::vector<bool> seen(slot_count, false);
    std::function<bool(size_t)> augment = [&](size_t word) -> bool {
      for (size_t t = 0; t < slot_count; ++t) {
        if (seen[t] || !fits(word, t)) continue;
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
  return all;
}

}  // namespace ecoute::match::internal
