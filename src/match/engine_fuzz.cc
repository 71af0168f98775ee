// Fuzz target: differential test of the compiled Engine against
// ReferenceMatch.
//
// Input format (readable, so seeds come from golden.tsv and a failing input
// can be read and edited):
//
//   <queries> TAB <mention spec>
//
// <queries>: up to kMaxFuzzQueries query texts separated by '\n', each parsed
// with FixedQuerySet() as resolver (so "@brand", "@issue" are references);
// texts that do not parse are skipped. <mention spec>: "[k=v;...]text" as in
// golden.tsv, read by fuzz::ParseMentionSpec (title, lang, channel,
// followers, author, url, urls, country, sentiment, category, severity,
// level, needs_reply). Without a TAB the whole input is one query and the
// mention's text is the input itself.
//
// The parsed queries plus kCompanions (fixed queries sharing terms with the
// vocabulary, so leaf deduplication across queries is exercised) are built
// into one Engine; Build must succeed. Then Engine::Match must equal, query
// by query, ReferenceMatch (matched set and spans), and the reference's
// spans must be sorted, unique and inside title/text. Any difference prints
// the queries, the mention and both results, and aborts.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "match/engine.h"
#include "match/fuzz_support.h"
#include "match/parser.h"
#include "match/reference_matcher.h"

namespace ecoute::match {
namespace {

constexpr std::string_view kTarget = "engine_fuzz";
constexpr size_t kMaxFuzzQueries = 4;
constexpr int64_t kFirstCompanionId = 1000;

const std::vector<std::string>& Companions() {
  static const std::vector<std::string> v = {
      "colis OR livr* OR #greve",
      "NOT colis",
      "free NEAR/2 panne",
      "\"pix mania\" OR {Orange} OR c?lis",
      "lang:fr OR followers:>100",
      "@brand AND @issue",
      "\"colis perdu retard\"~1 -site:free.fr",
  };
  return v;
}

std::string SpanString(const std::vector<MatchSpan>& spans) {
  std::string out;
  for (const MatchSpan& s : spans) {
    out += " " + std::string(s.field == MentionField::kTitle ? "T" : "") + std::to_string(s.begin) + "-" +
           std::to_string(s.end);
  }
  return out;
}

std::string Describe(const std::vector<EngineMatch>& v, const std::vector<CompiledQuery>& qs) {
  std::string out;
  for (const EngineMatch& e : v) {
    std::string text = "?";
    for (const CompiledQuery& q : qs) {
      if (q.id == e.query_id) text = q.query.text;
    }
    out += "  " + std::to_string(e.query_id) + " [" + fuzz::Escape(text) + "] spans" + SpanString(e.spans) + "\n";
  }
  return out;
}

std::string DescribeQueries(const std::vector<CompiledQuery>& qs) {
  std::string out;
  for (const CompiledQuery& q : qs) {
    out += "  " + std::to_string(q.id) + " [" + fuzz::Escape(q.query.text) + "] = " + fuzz::Escape(ToString(q.query)) +
           "\n";
  }
  return out;
}

// Reference spans: sorted (title first, then offset), unique, in bounds;
// empty when not matched.
bool SpansWellFormed(const MatchResult& r, const model::Mention& m) {
  if (!r.matched && !r.spans.empty()) return false;
  for (size_t i = 0; i < r.spans.size(); ++i) {
    const MatchSpan& s = r.spans[i];
    const std::string& f = s.field == MentionField::kTitle ? m.title : m.text;
    if (s.begin >= s.end || s.end > f.size()) return false;
    if (i > 0) {
      const MatchSpan& p = r.spans[i - 1];
      auto key = [](const MatchSpan& x) { return std::tuple(x.field != MentionField::kTitle, x.begin, x.end); };
      if (!(key(p) < key(s))) return false;
    }
  }
  return true;
}

void Check(std::string_view input) {
  const QuerySet& set = fuzz::FixedQuerySet();
  const size_t tab = input.find('\t');
  std::string_view queries_part = input.substr(0, tab);
  const model::Mention m = fuzz::ParseMentionSpec(tab == std::string_view::npos ? input : input.substr(tab + 1));

  std::vector<CompiledQuery> qs;
  int64_t id = 1;
  while (qs.size() < kMaxFuzzQueries) {
    const size_t nl = queries_part.find('\n');
    std::string_view text = queries_part.substr(0, nl);
    auto q = Parse(text, &set);
    if (q.ok()) qs.push_back({id, "fuzz" + std::to_string(id), *std::move(q)});
    ++id;
    if (nl == std::string_view::npos) break;
    queries_part = queries_part.substr(nl + 1);
  }
  if (qs.empty()) return;  // nothing valid: the parser target covers this
  id = kFirstCompanionId;
  for (const std::string& text : Companions()) {
    auto q = Parse(text, &set);
    if (!q.ok()) fuzz::Fail(kTarget, "companion query does not parse", text);
    qs.push_back({id++, "companion", *std::move(q)});
  }

  const std::string context =
      "queries (id [text] = canonical):\n" + DescribeQueries(qs) + "mention: " + fuzz::DescribeMention(m);
  auto engine = Engine::Build(qs, &set);
  if (!engine.ok()) {
    fuzz::Fail(kTarget, "Engine::Build failed on parsed queries", engine.status().ToString() + "\n" + context);
  }
  std::vector<EngineMatch> want;
  for (const CompiledQuery& q : qs) {
    MatchResult r = ReferenceMatch(q.query, m, &set);
    if (!SpansWellFormed(r, m)) {
      fuzz::Fail(kTarget, "ReferenceMatch spans not sorted/unique/in bounds",
                 "query " + std::to_string(q.id) + " spans" + SpanString(r.spans) + "\n" + context);
    }
    if (r.matched) want.push_back({q.id, r.spans});
  }
  std::vector<EngineMatch> got = (*engine)->Match(m);
  if (got != want) {
    fuzz::Fail(kTarget, "Engine::Match differs from ReferenceMatch",
               context + "\nengine:\n" + Describe(got, qs) + "reference:\n" + Describe(want, qs));
  }
}

}  // namespace

// Driver hook (fuzz_driver.cc): 1-3 random queries, TAB, a random mention.
std::string fuzz::GenerateInput(Rng& rng) {
  std::string out = RandomQuery(rng);
  for (size_t n = Pick(rng, 3); n > 0; --n) out += "\n" + RandomQuery(rng);
  return out + "\t" + RandomMentionSpec(rng);
}

}  // namespace ecoute::match

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  ecoute::match::Check(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
