// ecoute query lint | explain: the query language at the command line.
#include <cstdio>
#include <filesystem>

#include "app/commands.h"
#include "match/lint.h"
#include "match/parser.h"
#include "match/reference_matcher.h"
#include "text/text.h"

namespace ecoute::app {
namespace {

// Prints the query with a caret under 1-based code point `column`.
void PrintCaret(const std::string& query, int column) {
  std::fprintf(stderr, "  %s\n  ", query.c_str());
  for (int i = 1; i < column; ++i) std::fputc(' ', stderr);
  std::fprintf(stderr, "^\n");
}

// The monitored queries @references can name: those stored in the
// configured database (when it exists; it is not created) and those of
// ecoute.yaml, which win by name. Nothing is written.
base::Result<match::QuerySet> KnownQueries(const GlobalFlags& global) {
  match::QuerySet set;
  ECOUTE_ASSIGN_OR_RETURN(config::Config config, LoadConfig(global));
  std::map<std::string, std::string> texts;
  if (config.store.path != ":memory:" && std::filesystem::exists(config.store.path)) {
    ECOUTE_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> store, OpenStore(config));
    ECOUTE_ASSIGN_OR_RETURN(std::vector<store::QueryDef> defs, store->Queries());
    for (const store::QueryDef& d : defs) texts[d.name] = d.text;
  }
  for (const config::QueryConfig& q : config.queries) texts[q.name] = q.query;
  for (const auto& [name, text] : texts) (void)set.Add(name, text);  // one that does not parse is not a reference
  return set;
}

base::Result<match::Query> ParseOrExplain(const std::string& text, const match::QueryResolver* resolver) {
  match::ParseError error;
  auto q = match::ParseWithError(text, &error, resolver);
  if (!q.ok()) {
    std::fprintf(stderr, "ecoute: %s\n", q.status().message().c_str());
    PrintCaret(text, error.column);
  }
  return q;
}

std::string Marked(const std::string& s, const std::vector<match::MatchSpan>& spans, match::MentionField field) {
  std::string out;
  size_t at = 0;
  for (const match::MatchSpan& sp : spans) {
    if (sp.field != field || sp.begin < at || sp.end > s.size()) continue;
    out.append(s, at, sp.begin - at);
    out += "[";
    out.append(s, sp.begin, sp.end - sp.begin);
    out += "]";
    at = sp.end;
  }
  out.append(s, at, std::string::npos);
  return out;
}

std::string SpanList(const model::Mention& m, const std::vector<match::MatchSpan>& spans) {
  std::string out;
  for (const match::MatchSpan& sp : spans) {
    const std::string& s = sp.field == match::MentionField::kTitle ? m.title : m.text;
    if (!out.empty()) out += ", ";
    out += "\"" + s.substr(sp.begin, sp.end - sp.begin) + "\" at " +
           (sp.field == match::MentionField::kTitle ? "title" : "text") + "[" + std::to_string(sp.begin) + ".." +
           std::to_string(sp.end) + ")";
  }
  return out;
}

// Evaluates every leaf-level part of the query on its own (terms, phrases,
// NEARs, fields, references) and prints whether and where it matched.
void ExplainParts(const match::Query& q, const match::Node& n, const model::Mention& m, int depth,
                  const match::QueryResolver* resolver) {
  using match::NodeKind;
  match::Query part{q.text, n};
  match::MatchResult r = match::ReferenceMatch(part, m, resolver);
  std::string what = match::ToString(n);
  if (n.kind == NodeKind::kAnd || n.kind == NodeKind::kOr || n.kind == NodeKind::kNot) {
    const char* op = n.kind == NodeKind::kAnd ? "AND" : n.kind == NodeKind::kOr ? "OR" : "NOT";
    std::printf("%*scol %-3d %-4s %s\n", depth * 2, "", n.span.column, op, r.matched ? "true" : "false");
    for (const match::Node& c : n.children) ExplainParts(q, c, m, depth + 1, resolver);
    return;
  }
  std::printf("%*scol %-3d %s: %s%s%s\n", depth * 2, "", n.span.column, what.c_str(),
              r.matched ? "matched" : "no match", r.spans.empty() ? "" : " at ",
              SpanList(m, r.spans).c_str());
  if (n.kind == NodeKind::kNear)
    for (const match::Node& c : n.children) ExplainParts(q, c, m, depth + 1, resolver);
}

}  // namespace

int RunQueryLint(const GlobalFlags& global, const QueryFlags& flags) {
  auto known = KnownQueries(global);
  if (!known.ok()) return Fail(known.status());
  auto q = ParseOrExplain(flags.query, &*known);
  if (!q.ok()) return 1;
  std::printf("canonical: %s\n\n%s", match::ToString(*q).c_str(), match::TreeString(*q).c_str());
  std::vector<match::LintWarning> warnings = match::Lint(*q, &*known);
  if (warnings.empty()) {
    std::printf("\nno warnings\n");
  } else {
    std::printf("\n%zu warning%s:\n", warnings.size(), warnings.size() == 1 ? "" : "s");
    for (const match::LintWarning& w : warnings)
      std::printf("  col %d: %s: %s\n", w.column, w.code.c_str(), w.message.c_str());
  }
  return 0;
}

int RunQueryExplain(const GlobalFlags& global, const QueryFlags& flags) {
  auto known = KnownQueries(global);
  if (!known.ok()) return Fail(known.status());
  auto q = ParseOrExplain(flags.query, &*known);
  if (!q.ok()) return 1;
  model::Mention m;
  m.text = flags.text;
  m.title = flags.title;
  m.url = flags.url;
  m.author.handle = flags.author;
  m.country = flags.country;
  if (flags.followers >= 0) m.author.followers = flags.followers;
  if (auto c = model::ParseChannel(flags.channel)) {
    m.channel = *c;
  } else {
    return Fail(base::Status::InvalidArgument("--channel: unknown channel \"" + flags.channel + "\""));
  }
  m.language = flags.lang;
  m.entities = text::ExtractEntities(m.text);
  match::MatchResult r = match::ReferenceMatch(*q, m, &*known);
  std::printf("%s\n", r.matched ? "MATCH" : "NO MATCH");
  if (!r.error.empty()) std::printf("error: %s\n", r.error.c_str());
  if (!m.title.empty()) std::printf("title: %s\n", Marked(m.title, r.spans, match::MentionField::kTitle).c_str());
  std::printf("text:  %s\n\nparts:\n", Marked(m.text, r.spans, match::MentionField::kText).c_str());
  ExplainParts(*q, q->root, m, 1, &*known);
  return r.matched ? 0 : 3;
}

}  // namespace ecoute::app
