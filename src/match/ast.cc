#include "match/ast.h"

namespace ecoute::match {

std::string_view FieldNameString(FieldName f) {
  switch (f) {
    case FieldName::kLang: return "lang";
    case FieldName::kChannel: return "channel";
    case FieldName::kAuthor: return "author";
    case FieldName::kSite: return "site";
    case FieldName::kCountry: return "country";
    case FieldName::kFollowers: return "followers";
    case FieldName::kSentiment: return "sentiment";
    case FieldName::kCategory: return "category";
    case FieldName::kSeverity: return "severity";
    case FieldName::kNeedsReply: return "needs_reply";
  }
  return "?";
}

std::string_view CompareOpString(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return ":";
    case CompareOp::kLt: return ":<";
    case CompareOp::kLe: return ":<=";
    case CompareOp::kGt: return ":>";
    case CompareOp::kGe: return ":>=";
  }
  return ":";
}

std::string_view TermKindName(TermKind k) {
  switch (k) {
    case TermKind::kWord: return "word";
    case TermKind::kPrefix: return "prefix";
    case TermKind::kPattern: return "pattern";
    case TermKind::kCaseSensitive: return "case_sensitive";
    case TermKind::kHashtag: return "hashtag";
    case TermKind::kMention: return "mention";
  }
  return "?";
}

namespace {

std::string TermString(const Term& t, bool in_phrase) {
  switch (t.kind) {
    case TermKind::kCaseSensitive: return in_phrase ? t.text : "{" + t.text + "}";
    case TermKind::kHashtag: return "#" + t.text;
    case TermKind::kMention: return "@" + t.text;
    default:
      // A word spelled like an operator must be quoted to stay a word.
      if (!in_phrase && (t.text == "AND" || t.text == "OR" || t.text == "NOT" || t.text == "NEAR" ||
                         t.text == "ONEAR")) {
        return "\"" + t.text + "\"";
      }
      return t.text;
  }
}

bool NeedsQuotes(std::string_view v) {
  // Empty, or starting like a comparison operator (category:"=x" is not category:=x).
  if (v.empty() || v[0] == '=' || v[0] == '<' || v[0] == '>') return true;
  for (char c : v) {
    // The parser's delimiters (parser.cc IsDelim): space, \t \n \r \f \v, ( ) { } ".
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v' || c == '(' || c == ')' ||
        c == '{' || c == '}' || c == '"') {
      return true;
    }
  }
  return false;
}

std::string PhraseString(const Node& n) {
  std::string s = n.case_sensitive ? "{" : "\"";
  for (size_t i = 0; i < n.words.size(); ++i) {
    if (i) s += ' ';
    s += TermString(n.words[i], true);
  }
  s += n.case_sensitive ? "}" : "\"";
  if (n.slop >= 0) {
    s += '~';
    s += std::to_string(n.slop);
  }
  return s;
}

void Tree(const Node& n, int depth, std::string& out) {
  out.append(static_cast<size_t>(depth) * 2, ' ');
  switch (n.kind) {
    case NodeKind::kTerm:
      out += "TERM ";
      out += TermKindName(n.term.kind);
      out += " \"" + n.term.text + "\"";
      break;
    case NodeKind::kPhrase:
      out += n.case_sensitive ? "PHRASE case_sensitive " : "PHRASE ";
      out += PhraseString(n);
      break;
    case NodeKind::kAnd: out += "AND"; break;
    case NodeKind::kOr: out += "OR"; break;
    case NodeKind::kNot: out += "NOT"; break;
    case NodeKind::kNear:
      out += (n.ordered ? "ONEAR/" : "NEAR/") + std::to_string(n.distance);
      break;
    case NodeKind::kField:
      out += "FIELD ";
      out += FieldNameString(n.field);
      out += CompareOpString(n.op);
      out += "\"" + n.value + "\"";
      break;
    case NodeKind::kRef:
      out += "REF @" + n.ref_name;
      break;
  }
  out += " @" + std::to_string(n.span.column) + "\n";
  for (const Node& c : n.children) Tree(c, depth + 1, out);
}

}  // namespace

std::string ToString(const Node& n) {
  switch (n.kind) {
    case NodeKind::kTerm: return TermString(n.term, false);
    case NodeKind::kPhrase: return PhraseString(n);
    case NodeKind::kAnd:
    case NodeKind::kOr: {
      std::string s = "(";
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) s += n.kind == NodeKind::kAnd ? " AND " : " OR ";
        s += ToString(n.children[i]);
      }
      return s + ")";
    }
    case NodeKind::kNot: return n.children.empty() ? "NOT ()" : "NOT " + ToString(n.children[0]);
    case NodeKind::kNear: {
      if (n.children.size() != 2) return "()";
      std::string out = "(";
      out += ToString(n.children[0]);
      out += n.ordered ? " ONEAR/" : " NEAR/";
      out += std::to_string(n.distance);
      out += ' ';
      out += ToString(n.children[1]);
      out += ')';
      return out;
    }
    case NodeKind::kField: {
      std::string s(FieldNameString(n.field));
      s += CompareOpString(n.op);
      s += NeedsQuotes(n.value) ? "\"" + n.value + "\"" : n.value;
      return s;
    }
    case NodeKind::kRef: return "@" + n.ref_name;
  }
  return "";
}

std::string ToString(const Query& q) { return ToString(q.root); }

std::string TreeString(const Query& q) {
  std::string out;
  Tree(q.root, 0, out);
  return out;
}

}  // namespace ecoute::match
