// Fuzz target: the query front end (Parse, ToString, TreeString, Lint).
//
// Input: any bytes, taken as one query text. For each of two resolvers (none,
// and FixedQuerySet() which knows @brand and @issue) checks:
//  * Parse never crashes. On failure the status is InvalidArgument
//    "col <n>: <message>" with n == ParseError::column, 1 <= n <= code
//    points + 1, and Parse and ParseWithError agree.
//  * On success every node and term span lies inside the text (column >= 1),
//    ToString(q) re-parses, and its canonical form is ToString(q) again
//    (round-trip stable); TreeString is non-empty; Lint does not crash and
//    gives warnings with column >= 1 in column order.
//  * For inputs up to 512 bytes, q and Parse(ToString(q)) match the same
//    (matched and spans) against a mention whose title and text are the
//    query text itself (so its words are there to be found).
// Any violation prints the query and aborts (fuzz_support.h Fail).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "match/ast.h"
#include "match/fuzz_support.h"
#include "match/lint.h"
#include "match/parser.h"
#include "match/reference_matcher.h"

namespace ecoute::match {
namespace {

constexpr std::string_view kTarget = "parser_fuzz";

std::string Show(std::string_view text) {
  return "query (" + std::to_string(text.size()) + " bytes): [" + fuzz::Escape(text) + "]";
}

void CheckSpan(const Span& s, std::string_view text, std::string_view what) {
  if (s.begin > s.end || s.end > text.size() || s.column < 1) {
    fuzz::Fail(kTarget, "span out of range",
               std::string(what) + " span [" + std::to_string(s.begin) + ", " + std::to_string(s.end) + ") col " +
                   std::to_string(s.column) + "\n" + Show(text));
  }
}

void CheckSpans(const Node& n, std::string_view text) {
  CheckSpan(n.span, text, "node");
  if (n.kind == NodeKind::kTerm) CheckSpan(n.term.span, text, "term");
  for (const Term& t : n.words) CheckSpan(t.span, text, "phrase word");
  for (const Node& c : n.children) CheckSpans(c, text);
}

int MaxColumn(std::string_view text) {
  int c = 0;
  for (char ch : text.substr(0, kMaxQueryBytes + 1)) c += (static_cast<unsigned char>(ch) & 0xC0) != 0x80;
  return c + 1;
}

std::string DescribeResult(const MatchResult& r) {
  std::string out = r.matched ? "matched" : "not matched";
  for (const MatchSpan& s : r.spans) {
    out += " " + std::string(s.field == MentionField::kTitle ? "T" : "") + std::to_string(s.begin) + "-" +
           std::to_string(s.end);
  }
  if (!r.error.empty()) out += " error [" + r.error + "]";
  return out;
}

void CheckOne(std::string_view text, const QueryResolver* resolver) {
  const std::string which = resolver == nullptr ? "without resolver" : "with resolver {brand, issue}";
  ParseError err;
  base::Result<Query> r = ParseWithError(text, &err, resolver);
  base::Result<Query> again = Parse(text, resolver);
  if (r.ok() != again.ok() || (!r.ok() && r.status().message() != again.status().message())) {
    fuzz::Fail(kTarget, "Parse and ParseWithError disagree (" + which + ")", Show(text));
  }
  if (!r.ok()) {
    const std::string want = "col " + std::to_string(err.column) + ": " + err.message;
    if (r.status().code() != base::StatusCode::kInvalidArgument || r.status().message() != want || err.column < 1 ||
        err.column > MaxColumn(text) || err.message.empty()) {
      fuzz::Fail(kTarget, "malformed parse error (" + which + ")",
                 "status [" + r.status().ToString() + "] ParseError col " + std::to_string(err.column) + " [" +
                     fuzz::Escape(err.message) + "] max col " + std::to_string(MaxColumn(text)) + "\n" + Show(text));
    }
    return;
  }
  const Query& q = *r;
  if (q.text != text) fuzz::Fail(kTarget, "Query::text differs from the input", Show(text));
  CheckSpans(q.root, text);
  const std::string canon = ToString(q);
  base::Result<Query> r2 = Parse(canon, resolver);
  if (!r2.ok()) {
    fuzz::Fail(kTarget, "canonical form does not parse (" + which + ")",
               Show(text) + "\ncanonical: [" + fuzz::Escape(canon) + "]\nerror: " + r2.status().ToString());
  }
  const std::string canon2 = ToString(*r2);
  if (canon2 != canon) {
    fuzz::Fail(kTarget, "canonical form is not round-trip stable (" + which + ")",
               Show(text) + "\ncanonical:         [" + fuzz::Escape(canon) + "]\ncanonical again:   [" +
                   fuzz::Escape(canon2) + "]");
  }
  if (TreeString(q).empty() || TreeString(*r2).empty()) fuzz::Fail(kTarget, "empty TreeString", Show(text));
  int last = 0;
  for (const LintWarning& w : Lint(q, resolver)) {
    if (w.column < 1 || w.column < last || w.code.empty()) {
      fuzz::Fail(kTarget, "lint warning out of order or without code",
                 "warning col " + std::to_string(w.column) + " code [" + w.code + "] after col " +
                     std::to_string(last) + "\n" + Show(text));
    }
    last = w.column;
  }
  if (text.size() <= 512) {
    model::Mention m;
    m.title = std::string(text.substr(0, text.size() / 3));
    m.text = std::string(text);
    MatchResult a = ReferenceMatch(q, m, resolver);
    MatchResult b = ReferenceMatch(*r2, m, resolver);
    if (a.matched != b.matched || a.spans != b.spans) {
      fuzz::Fail(kTarget, "query and its canonical form match differently (" + which + ")",
                 Show(text) + "\ncanonical: [" + fuzz::Escape(canon) + "]\nquery:     " + DescribeResult(a) +
                     "\ncanonical: " + DescribeResult(b) + "\nmention: " + fuzz::DescribeMention(m));
    }
  }
}

}  // namespace

// Driver hook (fuzz_driver.cc): a structured query half of the time, token
// soup otherwise.
std::string fuzz::GenerateInput(Rng& rng) {
  if (Pick(rng, 2) == 0) return RandomQuery(rng);
  std::string q;
  const size_t n = 1 + Pick(rng, 12);
  for (size_t k = 0; k < n; ++k) {
    q += Pick(rng, 2) ? PickFrom(rng, MutationTokens()) : PickFrom(rng, QueryAtoms());
    if (Pick(rng, 2)) q += ' ';
  }
  return q;
}

}  // namespace ecoute::match

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  ecoute::match::CheckOne(text, nullptr);
  ecoute::match::CheckOne(text, &ecoute::match::fuzz::FixedQuerySet());
  return 0;
}
