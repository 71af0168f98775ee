#include "match/parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <functional>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "match/tokenize.h"
#include "model/mention.h"
#include "text/text.h"

namespace ecoute::match {
namespace {

enum class Tok : uint8_t { kEnd, kLParen, kRParen, kAnd, kOr, kNot, kMinus, kNear, kChunk, kQuoted, kBraced, kField };

struct LexToken {
  Tok type = Tok::kEnd;
  size_t begin = 0;
  size_t end = 0;
  std::string text;    // chunk / phrase / braced content; field value
  size_t text_begin = 0;  // byte offset of `text` in the query
  int number = -1;     // NEAR distance; phrase slop (-1 none)
  bool ordered = false;
  FieldName field = FieldName::kLang;
  CompareOp op = CompareOp::kEq;
};

struct Failure {
  size_t at;
  std::string message;
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsDelim(char c) { return IsSpace(c) || c == '(' || c == ')' || c == '"' || c == '{' || c == '}'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
std::string AsciiLower(std::string_view s) {
  std::string o(s);
  for (char& c : o) c = Lower(c);
  return o;
}

constexpr std::string_view kFieldList =
    "lang, channel, author, site, country, followers, sentiment, category, severity, needs_reply";

std::optional<FieldName> LookupField(std::string_view name) {
  static const std::pair<std::string_view, FieldName> kFields[] = {
      {"lang", FieldName::kLang}, {"channel", FieldName::kChannel}, {"author", FieldName::kAuthor},
      {"site", FieldName::kSite}, {"country", FieldName::kCountry}, {"followers", FieldName::kFollowers},
      {"sentiment", FieldName::kSentiment}, {"category", FieldName::kCategory},
      {"severity", FieldName::kSeverity}, {"needs_reply", FieldName::kNeedsReply}};
  for (const auto& [n, f] : kFields) {
    if (n == name) return f;
  }
  return std::nullopt;
}

bool ParseInt(std::string_view s, int64_t& out) {
  if (s.empty() || s.size() > 18) return false;
  for (char c : s) {
    if (!IsDigit(c)) return false;
  }
  auto r = std::from_chars(s.data(), s.data() + s.size(), out);
  return r.ec == std::errc() && r.ptr == s.data() + s.size();
}

class Parser {
 public:
  Parser(std::string_view text, const QueryResolver* resolver) : s_(text), resolver_(resolver) {
    // Columns are only needed up to the length limit (longer input is an
    // error at kMaxQueryBytes). Continuation bytes share their lead's column.
    const size_t n = std::min(s_.size(), kMaxQueryBytes + 1);
    col_.resize(n + 1);
    int c = 0;
    for (size_t i = 0; i < n; ++i) {
      if ((static_cast<unsigned char>(s_[i]) & 0xC0) != 0x80) ++c;
      col_[i] = std::max(c, 1);
    }
    col_[n] = c + 1;
  }

  int Col(size_t at) const { return col_[std::min(at, col_.size() - 1)]; }

  bool Run(Node& root, Failure& f) {
    if (s_.size() > kMaxQueryBytes) {
      f = {kMaxQueryBytes, "query is too long (" + std::to_string(s_.size()) + " bytes, max " +
                               std::to_string(kMaxQueryBytes) + ")"};
      return false;
    }
    if (!Lex(f)) return false;
    if (toks_.size() == 1) {
      f = {0, "empty query"};
      return false;
    }
    if (!ParseOr(root, f)) return false;
    const LexToken& t = Peek();
    if (t.type == Tok::kRParen) {
      f = {t.begin, "unbalanced parenthesis: ')' has no matching '('"};
      return false;
    }
    if (t.type != Tok::kEnd) {
      f = {t.begin, "unexpected " + Describe(t)};
      return false;
    }
    if (resolver_ != nullptr) ResolveRefs(root);
    return true;
  }

 private:
  // ---- lexer ----
  bool Lex(Failure& f) {
    size_t i = 0;
    while (true) {
      while (i < s_.size() && IsSpace(s_[i])) ++i;
      LexToken t;
      t.begin = i;
      if (i >= s_.size()) {
        t.type = Tok::kEnd;
        t.end = i;
        toks_.push_back(std::move(t));
        return true;
      }
      char c = s_[i];
      if (c == '(' || c == ')') {
        t.type = c == '(' ? Tok::kLParen : Tok::kRParen;
        t.end = ++i;
      } else if (c == '}') {
        f = {i, "unbalanced brace: '}' has no matching '{'"};
        return false;
      } else if (c == '"') {
        if (!LexQuoted(i, t, f)) return false;
        t.type = Tok::kQuoted;
        if (!LexSlop(i, t, f)) return false;
      } else if (c == '{') {
        size_t close = s_.find('}', i + 1);
        if (close == std::string_view::npos) {
          f = {i, "unbalanced brace: '{' at col " + std::to_string(Col(i)) + " is never closed"};
          return false;
        }
        t.type = Tok::kBraced;
        t.text = std::string(s_.substr(i + 1, close - i - 1));
        t.text_begin = i + 1;
        i = close + 1;
        t.end = i;
      } else if (c == '-' && i + 1 < s_.size() && !IsSpace(s_[i + 1]) && s_[i + 1] != ')') {
        t.type = Tok::kMinus;
        t.end = ++i;
      } else {
        size_t e = i;
        while (e < s_.size() && !IsDelim(s_[e])) ++e;
        std::string_view chunk = s_.substr(i, e - i);
        t.end = e;
        t.text = std::string(chunk);
        t.text_begin = i;
        if (chunk == "AND") {
          t.type = Tok::kAnd;
        } else if (chunk == "OR") {
          t.type = Tok::kOr;
        } else if (chunk == "NOT") {
          t.type = Tok::kNot;
        } else if (chunk == "-") {
          f = {i, "expected a term after -"};
          return false;
        } else if (chunk == "NEAR" || chunk == "ONEAR" || chunk.substr(0, 5) == "NEAR/" ||
                   chunk.substr(0, 6) == "ONEAR/") {
          t.type = Tok::kNear;
          t.ordered = chunk[0] == 'O';
          std::string_view kw = t.ordered ? "ONEAR" : "NEAR";
          size_t slash = chunk.find('/');
          int64_t n = 0;
          if (slash == std::string_view::npos || !ParseInt(chunk.substr(slash + 1), n)) {
            f = {i, std::string(kw) + " needs a distance: " + std::string(kw) + "/5"};
            return false;
          }
          if (n > kMaxNearDistance) {
            f = {i, std::string(kw) + " distance " + std::to_string(n) + " is too large (max " +
                        std::to_string(kMaxNearDistance) + ")"};
            return false;
          }
          t.number = static_cast<int>(n);
        } else if (!LexField(chunk, i, e, t, f)) {
          return false;
        } else if (t.type != Tok::kField) {
          t.type = Tok::kChunk;
        }
        i = std::max(t.end, e);
      }
      toks_.push_back(std::move(t));
    }
  }

  bool LexQuoted(size_t& i, LexToken& t, Failure& f) {
    size_t close = s_.find('"', i + 1);
    if (close == std::string_view::npos) {
      f = {i, "unbalanced quote: '\"' at col " + std::to_string(Col(i)) + " is never closed"};
      return false;
    }
    t.text = std::string(s_.substr(i + 1, close - i - 1));
    t.text_begin = i + 1;
    i = close + 1;
    t.end = i;
    return true;
  }

  bool LexSlop(size_t& i, LexToken& t, Failure& f) {
    if (i < s_.size() && s_[i] == '~') {
      size_t e = i + 1;
      while (e < s_.size() && !IsDelim(s_[e])) ++e;
      int64_t n = 0;
      if (!ParseInt(s_.substr(i + 1, e - i - 1), n)) {
        f = {i, "'~' needs a distance: \"a b\"~5"};
        return false;
      }
      if (n > kMaxNearDistance) {
        f = {i, "distance " + std::to_string(n) + " is too large (max " + std::to_string(kMaxNearDistance) + ")"};
        return false;
      }
      t.number = static_cast<int>(n);
      i = e;
      t.end = e;
    }
    return true;
  }

  // Recognises name:value; leaves t.type untouched when `chunk` is no field.
  bool LexField(std::string_view chunk, size_t i, size_t e, LexToken& t, Failure& f) {
    size_t colon = chunk.find(':');
    if (colon == std::string_view::npos || colon == 0) return true;
    std::string_view name = chunk.substr(0, colon);
    if (!((name[0] >= 'a' && name[0] <= 'z') || (name[0] >= 'A' && name[0] <= 'Z') || name[0] == '_')) return true;
    for (char c : name) {
      if (!(IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_')) return true;
    }
    if (chunk.substr(colon + 1, 2) == "//") return true;  // a URL; rejected as a term later
    auto field = LookupField(name);
    if (!field) {
      f = {i, "unknown field \"" + std::string(name) + "\" (expected one of: " + std::string(kFieldList) + ")"};
      return false;
    }
    t.type = Tok::kField;
    t.field = *field;
    std::string_view rest = chunk.substr(colon + 1);
    size_t op_len = 0;
    if (rest.substr(0, 2) == ">=") { t.op = CompareOp::kGe; op_len = 2; }
    else if (rest.substr(0, 2) == "<=") { t.op = CompareOp::kLe; op_len = 2; }
    else if (rest.substr(0, 1) == ">") { t.op = CompareOp::kGt; op_len = 1; }
    else if (rest.substr(0, 1) == "<") { t.op = CompareOp::kLt; op_len = 1; }
    else if (rest.substr(0, 1) == "=") { t.op = CompareOp::kEq; op_len = 1; }
    rest = rest.substr(op_len);
    t.text_begin = i + colon + 1 + op_len;
    t.end = e;
    if (rest.empty() && e < s_.size() && s_[e] == '"') {
      size_t q = e;
      LexToken tmp;
      if (!LexQuoted(q, tmp, f)) return false;
      t.text = tmp.text;
      t.text_begin = tmp.text_begin;
      t.end = q;
    } else {
      t.text = std::string(rest);
    }
    return NormalizeField(t, f);
  }

  bool NormalizeField(LexToken& t, Failure& f) {
    std::string name(FieldNameString(t.field));
    std::string v = t.text;
    size_t at = t.text_begin;
    if (v.empty()) {
      f = {t.begin, "field \"" + name + "\" needs a value, e.g. " + Example(t.field)};
      return false;
    }
    bool comparable = t.field == FieldName::kFollowers || t.field == FieldName::kSeverity;
    if (!comparable && t.op != CompareOp::kEq) {
      f = {t.begin, "field \"" + name + "\" does not take a comparison (only followers and severity do)"};
      return false;
    }
    switch (t.field) {
      case FieldName::kLang: {
        std::string n = AsciiLower(v) == "und" ? "und" : text::NormalizeLanguageTag(v);
        if (n.empty()) {
          f = {at, "unknown language \"" + v + "\" in lang: (expected a code such as fr, en)"};
          return false;
        }
        t.text = n;
        break;
      }
      case FieldName::kChannel: {
        auto ch = model::ParseChannel(v);
        if (!ch) {
          f = {at, "unknown channel \"" + v +
                       "\" (expected one of: twitter, facebook, instagram, forum, blog, news, review, email, chat, "
                       "voice, sms, other)"};
          return false;
        }
        t.text = std::string(model::ChannelName(*ch));
        break;
      }
      case FieldName::kAuthor:
        v.erase(0, v.find_first_not_of('@'));  // "@free", "@@free" = "free" (ToString prints one form)
        if (v.empty()) {
          f = {at, "field \"author\" needs a handle, e.g. author:free"};
          return false;
        }
        t.text = v;
        break;
      case FieldName::kSite: {
        std::string host = v.find("://") != std::string::npos ? UrlHost(v) : UrlHost("x://" + v);
        if (host.empty() || host.find_first_of(" \t") != std::string::npos) {
          f = {at, "site: expects a domain such as free.fr, got \"" + v + "\""};
          return false;
        }
        t.text = host;
        break;
      }
      case FieldName::kCountry:
        if (v.size() != 2 || !std::isalpha(static_cast<unsigned char>(v[0])) ||
            !std::isalpha(static_cast<unsigned char>(v[1]))) {
          f = {at, "country: expects a two-letter ISO 3166-1 code such as FR, got \"" + v + "\""};
          return false;
        }
        t.text = {static_cast<char>(std::toupper(static_cast<unsigned char>(v[0]))),
                  static_cast<char>(std::toupper(static_cast<unsigned char>(v[1])))};
        break;
      case FieldName::kFollowers: {
        int64_t n = 0;
        if (!ParseInt(v, n)) {
          f = {at, "followers: expects a whole number, got \"" + v + "\""};
          return false;
        }
        t.text = std::to_string(n);
        break;
      }
      case FieldName::kSentiment: {
        std::string l = AsciiLower(v);
        if (l != "negative" && l != "neutral" && l != "positive" && l != "unknown") {
          f = {at, "sentiment: expects negative, neutral, positive or unknown, got \"" + v + "\""};
          return false;
        }
        t.text = l;
        break;
      }
      case FieldName::kCategory:
        t.text = text::Fold(v);
        break;
      case FieldName::kSeverity: {
        std::string l = AsciiLower(v);
        int64_t n = 0;
        if (ParseInt(l, n)) {
          if (n > 100) {
            f = {at, "severity: a number must be 0..100, got " + v};
            return false;
          }
          t.text = std::to_string(n);
        } else if (l == "none" || l == "low" || l == "medium" || l == "high" || l == "critical") {
          t.text = l;
        } else {
          f = {at, "severity: expects none, low, medium, high, critical or 0..100, got \"" + v + "\""};
          return false;
        }
        break;
      }
      case FieldName::kNeedsReply: {
        std::string l = AsciiLower(v);
        if (l == "true" || l == "yes" || l == "1") {
          t.text = "true";
        } else if (l == "false" || l == "no" || l == "0") {
          t.text = "false";
        } else {
          f = {at, "needs_reply: expects true or false, got \"" + v + "\""};
          return false;
        }
        break;
      }
    }
    return true;
  }

  static std::string Example(FieldName f) {
    switch (f) {
      case FieldName::kLang: return "lang:fr";
      case FieldName::kChannel: return "channel:twitter";
      case FieldName::kAuthor: return "author:free";
      case FieldName::kSite: return "site:free.fr";
      case FieldName::kCountry: return "country:FR";
      case FieldName::kFollowers: return "followers:>1000";
      case FieldName::kSentiment: return "sentiment:negative";
      case FieldName::kCategory: return "category:delivery";
      case FieldName::kSeverity: return "severity:>=high";
      case FieldName::kNeedsReply: return "needs_reply:true";
    }
    return "";
  }

  // ---- parser ----
  const LexToken& Peek() const { return toks_[pos_]; }
  const LexToken& Next() { return toks_[pos_ < toks_.size() - 1 ? pos_++ : pos_]; }

  static bool StartsUnary(Tok t) {
    return t == Tok::kNot || t == Tok::kMinus || t == Tok::kLParen || t == Tok::kChunk || t == Tok::kQuoted ||
           t == Tok::kBraced || t == Tok::kField;
  }
  static bool StartsPrimary(Tok t) {
    return t == Tok::kLParen || t == Tok::kChunk || t == Tok::kQuoted || t == Tok::kBraced || t == Tok::kField;
  }

  std::string Describe(const LexToken& t) const {
    switch (t.type) {
      case Tok::kEnd: return "end of query";
      case Tok::kRParen: return "')'";
      case Tok::kLParen: return "'('";
      default: return "\"" + std::string(s_.substr(t.begin, t.end - t.begin)) + "\"";
    }
  }

  std::string OpText(const LexToken& t) const { return std::string(s_.substr(t.begin, t.end - t.begin)); }

  bool ExpectTermAfter(const LexToken& op, bool primary_only, Failure& f) {
    const LexToken& n = Peek();
    if (primary_only ? StartsPrimary(n.type) : StartsUnary(n.type)) return true;
    f = {n.begin, "expected a term after " + OpText(op)};
    return false;
  }

  void SetSpan(Node& n, size_t b, size_t e) {
    n.span.begin = b;
    n.span.end = e;
    n.span.column = Col(b);
  }

  bool ParseOr(Node& out, Failure& f) {
    Node first;
    if (!ParseAnd(first, f)) return false;
    if (Peek().type != Tok::kOr) {
      out = std::move(first);
      return true;
    }
    Node n;
    n.kind = NodeKind::kOr;
    size_t b = first.span.begin;
    n.children.push_back(std::move(first));
    while (Peek().type == Tok::kOr) {
      const LexToken& op = Next();
      if (!ExpectTermAfter(op, false, f)) return false;
      Node c;
      if (!ParseAnd(c, f)) return false;
      n.children.push_back(std::move(c));
    }
    SetSpan(n, b, n.children.back().span.end);
    out = std::move(n);
    return true;
  }

  bool ParseAnd(Node& out, Failure& f) {
    Node first;
    if (!ParseUnary(first, f)) return false;
    Node n;
    n.kind = NodeKind::kAnd;
    size_t b = first.span.begin;
    n.children.push_back(std::move(first));
    for (;;) {
      const LexToken& t = Peek();
      if (t.type == Tok::kAnd) {
        const LexToken& op = Next();
        if (!ExpectTermAfter(op, false, f)) return false;
      } else if (t.type == Tok::kNear) {
        f = {t.begin, OpText(t) + " needs a term or phrase on each side"};
        return false;
      } else if (!StartsUnary(t.type)) {
        break;
      }
      Node c;
      if (!ParseUnary(c, f)) return false;
      n.children.push_back(std::move(c));
    }
    if (n.children.size() == 1) {
      out = std::move(n.children[0]);
    } else {
      SetSpan(n, b, n.children.back().span.end);
      out = std::move(n);
    }
    return true;
  }

  bool ParseUnary(Node& out, Failure& f) {
    const LexToken& t = Peek();
    if (t.type == Tok::kNot || t.type == Tok::kMinus) {
      if (++depth_ > kMaxNesting) {
        f = {t.begin, "query is nested too deeply (max " + std::to_string(kMaxNesting) + " levels)"};
        return false;
      }
      const LexToken& op = Next();
      if (!ExpectTermAfter(op, false, f)) return false;
      Node n;
      n.kind = NodeKind::kNot;
      Node c;
      if (!ParseUnary(c, f)) return false;
      SetSpan(n, op.begin, c.span.end);
      n.children.push_back(std::move(c));
      out = std::move(n);
      --depth_;
      return true;
    }
    return ParseNear(out, f);
  }

  static bool Positional(const Node& n) {
    switch (n.kind) {
      case NodeKind::kTerm:
      case NodeKind::kPhrase:
        return true;
      case NodeKind::kNear:
        return true;
      case NodeKind::kOr:
        return std::all_of(n.children.begin(), n.children.end(), [](const Node& c) { return Positional(c); });
      default:
        return false;
    }
  }

  bool ParseNear(Node& out, Failure& f) {
    Node left;
    if (!ParsePrimary(left, f)) return false;
    while (Peek().type == Tok::kNear) {
      const LexToken& op = Next();
      if (!ExpectTermAfter(op, true, f)) return false;
      Node right;
      if (!ParsePrimary(right, f)) return false;
      for (const Node* side : {&left, &right}) {
        if (!Positional(*side)) {
          f = {side->span.begin, OpText(op) + " operands must be terms, phrases or OR groups of them"};
          return false;
        }
      }
      Node n;
      n.kind = NodeKind::kNear;
      n.distance = op.number;
      n.ordered = op.ordered;
      SetSpan(n, left.span.begin, right.span.end);
      n.children.push_back(std::move(left));
      n.children.push_back(std::move(right));
      left = std::move(n);
    }
    out = std::move(left);
    return true;
  }

  bool ParsePrimary(Node& out, Failure& f) {
    const LexToken& t = Next();
    switch (t.type) {
      case Tok::kLParen: {
        if (++depth_ > kMaxNesting) {
          f = {t.begin, "query is nested too deeply (max " + std::to_string(kMaxNesting) + " levels)"};
          return false;
        }
        if (Peek().type == Tok::kRParen) {
          f = {t.begin, "empty parentheses"};
          return false;
        }
        if (!StartsUnary(Peek().type)) {
          const LexToken& n = Peek();
          if (n.type == Tok::kEnd) {
            f = {n.begin, "unbalanced parenthesis: '(' at col " + std::to_string(Col(t.begin)) + " is never closed"};
          } else {
            f = {n.begin, "expected a term before " + OpText(n)};
          }
          return false;
        }
        Node inner;
        if (!ParseOr(inner, f)) return false;
        const LexToken& close = Peek();
        if (close.type != Tok::kRParen) {
          f = {close.begin, close.type == Tok::kEnd
                                ? "unbalanced parenthesis: '(' at col " + std::to_string(Col(t.begin)) +
                                      " is never closed"
                                : "unexpected " + Describe(close)};
          return false;
        }
        Next();
        --depth_;
        out = std::move(inner);
        return true;
      }
      case Tok::kChunk: {
        std::vector<Term> terms;
        if (!ChunkTerms(t.text, t.text_begin, terms, f)) return false;
        MakeTermsNode(std::move(terms), t, false, out);
        return true;
      }
      case Tok::kQuoted: {
        std::vector<Term> terms;
        size_t i = 0;
        const std::string& s = t.text;
        while (i < s.size()) {
          while (i < s.size() && IsSpace(s[i])) ++i;
          size_t e = i;
          while (e < s.size() && !IsSpace(s[e])) ++e;
          if (e > i && !ChunkTerms(std::string_view(s).substr(i, e - i), t.text_begin + i, terms, f)) return false;
          i = e;
        }
        if (terms.empty()) {
          f = {t.begin, "empty phrase: \"\" has no words to search for"};
          return false;
        }
        out = Node{};
        out.kind = NodeKind::kPhrase;
        out.words = std::move(terms);
        out.slop = t.number;
        SetSpan(out, t.begin, t.end);
        return true;
      }
      case Tok::kBraced: {
        std::vector<Token> toks = Tokenize(t.text, TokenizeOptions{.urls = false});
        if (toks.empty()) {
          f = {t.begin, "empty {}: a case-sensitive term needs letters or digits"};
          return false;
        }
        std::vector<Term> terms;
        for (const Token& k : toks) {
          Term term;
          term.kind = TermKind::kCaseSensitive;
          term.text = k.original;
          term.span = {t.text_begin + k.begin, t.text_begin + k.end, Col(t.text_begin + k.begin)};
          terms.push_back(std::move(term));
        }
        MakeTermsNode(std::move(terms), t, true, out);
        return true;
      }
      case Tok::kField: {
        out = Node{};
        out.kind = NodeKind::kField;
        out.field = t.field;
        out.op = t.op;
        out.value = t.text;
        SetSpan(out, t.begin, t.end);
        return true;
      }
      case Tok::kRParen:
        f = {t.begin, pos_ > 1 && toks_[pos_ - 2].type == Tok::kLParen
                          ? "empty parentheses"
                          : "unbalanced parenthesis: ')' has no matching '('"};
        return false;
      case Tok::kEnd:
        f = {t.begin, "expected a term"};
        return false;
      default:
        f = {t.begin, "expected a term before " + OpText(t)};
        return false;
    }
  }

  void MakeTermsNode(std::vector<Term> terms, const LexToken& t, bool case_sensitive, Node& out) {
    out = Node{};
    if (terms.size() == 1) {
      out.kind = NodeKind::kTerm;
      out.term = std::move(terms[0]);
    } else {
      out.kind = NodeKind::kPhrase;
      out.words = std::move(terms);
      out.case_sensitive = case_sensitive;
    }
    SetSpan(out, t.begin, t.end);
  }

  // One whitespace-free chunk -> 1+ terms (a word the tokenizer splits, such
  // as "l'avion", gives several).
  bool ChunkTerms(std::string_view chunk, size_t at, std::vector<Term>& out, Failure& f) {
    std::string lower = AsciiLower(chunk);
    if (lower.find("://") != std::string::npos || lower.substr(0, 4) == "www.") {
      f = {at, "a URL is not a search term; use site:, e.g. site:free.fr"};
      return false;
    }
    if (chunk.find_first_of("*?") != std::string_view::npos && chunk[0] != '#' && chunk[0] != '@') {
      return WildcardTerm(chunk, at, out, f);
    }
    std::vector<Token> toks = Tokenize(chunk, TokenizeOptions{.urls = false});
    if (chunk[0] == '#' || chunk[0] == '@') {
      bool ok = toks.size() == 1 && toks[0].begin == 0 && toks[0].end == chunk.size() &&
                toks[0].kind == (chunk[0] == '#' ? TokenKind::kHashtag : TokenKind::kMention);
      if (!ok) {
        f = {at, chunk[0] == '#'
                     ? "invalid hashtag \"" + std::string(chunk) + "\" (letters, digits and _ with at least one letter)"
                     : "invalid mention \"" + std::string(chunk) + "\" (letters, digits, _ and inner dots)"};
        return false;
      }
    }
    if (toks.empty()) {
      f = {at, "\"" + std::string(chunk) + "\" has no letters or digits to search for"};
      return false;
    }
    for (const Token& k : toks) {
      Term term;
      term.span = {at + k.begin, at + k.end, Col(at + k.begin)};
      switch (k.kind) {
        case TokenKind::kHashtag:
          term.kind = TermKind::kHashtag;
          term.text = k.body_original;
          term.folded = k.body_folded;
          break;
        case TokenKind::kMention:
          term.kind = TermKind::kMention;
          term.text = k.original.substr(1);
          term.folded = k.folded.substr(1);
          break;
        default:
          term.kind = TermKind::kWord;
          term.text = k.original;
          term.folded = k.folded;
          break;
      }
      out.push_back(std::move(term));
    }
    return true;
  }

  bool WildcardTerm(std::string_view chunk, size_t at, std::vector<Term>& out, Failure& f) {
    size_t star = chunk.find('*');
    if (star != std::string_view::npos && star + 1 != chunk.size()) {
      f = {at + star, "'*' is only allowed at the end of a term (livr*)"};
      return false;
    }
    std::string plain;
    for (char c : chunk) plain += (c == '?' || c == '*') ? 'a' : c;
    std::vector<Token> toks = Tokenize(plain, TokenizeOptions{.urls = false});
    if (toks.size() != 1 || toks[0].begin != 0 || toks[0].end != plain.size() ||
        toks[0].kind != TokenKind::kWord || toks[0].folded.find('\'') != std::string::npos) {
      f = {at, "a wildcard term must be one word of letters and digits: \"" + std::string(chunk) + "\""};
      return false;
    }
    if (chunk == "*") {
      f = {at, "'*' needs letters before it (livr*)"};
      return false;
    }
    Term term;
    term.kind = chunk.find('?') != std::string_view::npos ? TermKind::kPattern : TermKind::kPrefix;
    term.text = std::string(chunk);
    term.folded = text::Fold(chunk);
    term.span = {at, at + chunk.size(), Col(at)};
    out.push_back(std::move(term));
    return true;
  }

  void ResolveRefs(Node& n) {
    if (n.kind == NodeKind::kNear || n.kind == NodeKind::kPhrase) return;
    if (n.kind == NodeKind::kTerm && n.term.kind == TermKind::kMention &&
        resolver_->Find(n.term.text) != nullptr) {
      std::string name = n.term.text;
      n.kind = NodeKind::kRef;
      n.ref_name = std::move(name);
      n.term = Term{};
      return;
    }
    for (Node& c : n.children) ResolveRefs(c);
  }

  std::string_view s_;
  const QueryResolver* resolver_;
  std::vector<int> col_;
  std::vector<LexToken> toks_;
  size_t pos_ = 0;
  int depth_ = 0;
};

void CollectRefs(const Node& n, const QueryResolver* resolver, std::vector<std::string>& out) {
  if (n.kind == NodeKind::kNear || n.kind == NodeKind::kPhrase) return;
  if (n.kind == NodeKind::kRef) {
    out.push_back(n.ref_name);
  } else if (n.kind == NodeKind::kTerm && n.term.kind == TermKind::kMention && resolver != nullptr &&
             resolver->Find(n.term.text) != nullptr) {
    out.push_back(n.term.text);
  }
  for (const Node& c : n.children) CollectRefs(c, resolver, out);
}

bool FindCycle(const std::string& name, const Query& q, const QueryResolver& resolver,
               std::vector<std::string>& stack, std::set<std::string>& done) {
  if (std::find(stack.begin(), stack.end(), name) != stack.end()) {
    stack.push_back(name);
    return true;
  }
  if (done.count(name)) return false;
  stack.push_back(name);
  for (const std::string& r : ReferencedNames(q, &resolver)) {
    const Query* target = resolver.Find(r);
    if (target != nullptr && FindCycle(r, *target, resolver, stack, done)) return true;
  }
  stack.pop_back();
  done.insert(name);
  return false;
}

base::Status CycleError(const std::vector<std::string>& stack) {
  auto first = std::find(stack.begin(), stack.end(), stack.back());
  std::string msg = "reference cycle: ";
  for (auto it = first; it != stack.end(); ++it) {
    if (it != first) msg += " -> ";
    msg += *it;
  }
  return base::Status::InvalidArgument(msg);
}

}  // namespace

base::Result<Query> ParseWithError(std::string_view text, ParseError* error, const QueryResolver* resolver) {
  Parser p(text, resolver);
  Query q;
  Failure f{0, ""};
  if (!p.Run(q.root, f)) {
    int col = p.Col(f.at);
    if (error != nullptr) *error = {col, f.message};
    return base::Status::InvalidArgument("col " + std::to_string(col) + ": " + f.message);
  }
  q.text = std::string(text);
  return q;
}

base::Result<Query> Parse(std::string_view text, const QueryResolver* resolver) {
  return ParseWithError(text, nullptr, resolver);
}

std::vector<std::string> ReferencedNames(const Query& q, const QueryResolver* resolver) {
  std::vector<std::string> out;
  CollectRefs(q.root, resolver, out);
  return out;
}

bool IsValidQueryName(std::string_view name) {
  return !name.empty() && name.size() <= 64 && std::all_of(name.begin(), name.end(), [](char c) {
    return IsDigit(c) || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  });
}

base::Status QuerySet::Add(std::string_view name, std::string_view text) {
  if (!IsValidQueryName(name)) {
    return base::Status::InvalidArgument("query name \"" + std::string(name) +
                                         "\" must be 1-64 characters of A-Z a-z 0-9 _");
  }
  if (queries_.count(name)) {
    return base::Status::InvalidArgument("query \"" + std::string(name) + "\" is defined twice");
  }
  auto q = Parse(text);
  if (!q.ok()) return q.status().WithPrefix("query \"" + std::string(name) + "\"");
  queries_.emplace(std::string(name), std::move(q).value());
  return base::Status::Ok();
}

const Query* QuerySet::Find(std::string_view name) const {
  auto it = queries_.find(name);
  return it == queries_.end() ? nullptr : &it->second;
}

base::Status QuerySet::CheckCycles() const {
  std::set<std::string> done;
  for (const auto& [name, q] : queries_) {
    std::vector<std::string> stack;
    if (FindCycle(name, q, *this, stack, done)) return CycleError(stack);
  }
  return base::Status::Ok();
}

base::Status CheckCycles(std::string_view name, const Query& q, const QueryResolver& resolver) {
  std::set<std::string> done;
  std::vector<std::string> stack;
  if (FindCycle(std::string(name), q, resolver, stack, done)) return CycleError(stack);
  return base::Status::Ok();
}

}  // namespace ecoute::match
