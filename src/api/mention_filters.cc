#include "api/mention_filters.h"

#include <algorithm>
#include <utility>

#include "api/reply.h"
#include "match/parser.h"

namespace ecoute::api {

namespace {

bool AnyOf(const std::vector<std::string>& values, const std::optional<std::string>& label) {
  if (values.empty()) return true;
  return label && std::find(values.begin(), values.end(), *label) != values.end();
}

// The lower-cased `item` when `valid`, else nullopt (for QueryParams::Parsed).
template <typename Valid>
auto LowerIf(Valid valid) {
  return [valid](const std::string& item) -> std::optional<std::string> {
    std::string v = ToLowerAscii(item);
    if (!valid(v)) return std::nullopt;
    return v;
  };
}

}  // namespace

MentionSearch ReadMentionSearch(QueryParams& p) {
  MentionSearch s;
  store::MentionFilter& f = s.filter;
  if (std::optional<std::string> q = p.String("q")) {
    if (q->size() > kMaxSearchTextBytes)
      p.Fail("q", "q is longer than " + std::to_string(kMaxSearchTextBytes) + " bytes");
    f.text = std::move(*q);
  }
  s.query = p.String("query");
  if (s.query && s.query->size() > match::kMaxQueryBytes)
    p.Fail("query", "query is longer than " + std::to_string(match::kMaxQueryBytes) + " bytes");
  f.query_ids = p.Ids("query_id");
  f.from = p.Time("from");
  f.to = p.Time("to");
  f.channels = p.Channels("channel");
  f.languages = p.Languages("lang");
  f.author = p.String("author").value_or("");
  f.thread_id = p.String("thread").value_or("");
  if (f.from && f.to && *f.from > *f.to) {
    p.Fail("from", "from (" + base::FormatTimestamp(*f.from) + ") is after to (" + base::FormatTimestamp(*f.to) + ")");
  }
  return s;
}

bool LabelFilter::Matches(const model::Enrichment& e) const {
  if (needs_reply && e.needs_reply != needs_reply) return false;
  return AnyOf(sentiments, e.sentiment) && AnyOf(categories, e.category) && AnyOf(severity_levels, e.severity_level);
}

LabelFilter ReadLabelFilter(QueryParams& p, const std::vector<CategoryInfo>& taxonomy) {
  LabelFilter f;
  f.sentiments = p.Parsed<std::string>(
      "sentiment", LowerIf([](std::string_view v) { return store::IsSentimentLabel(v) || v == "unknown"; }),
      "negative, neutral, positive or unknown");
  f.categories = p.Parsed<std::string>(
      "category", LowerIf([&taxonomy](std::string_view v) { return IsKnownCategory(taxonomy, v); }),
      CategoryChoices(taxonomy));
  f.severity_levels = p.Parsed<std::string>("severity", LowerIf(store::IsSeverityLevel),
                                            "none, low, medium, high or critical");
  if (p.String("needs_reply")) f.needs_reply = p.Bool("needs_reply", false);
  return f;
}

bool IsKnownCategory(const std::vector<CategoryInfo>& taxonomy, std::string_view name) {
  if (!store::IsCategoryName(name)) return false;
  if (taxonomy.empty() || name == "none") return true;
  for (const CategoryInfo& c : taxonomy)
    if (c.name == name) return true;
  return false;
}

std::string CategoryChoices(const std::vector<CategoryInfo>& taxonomy) {
  if (taxonomy.empty()) return "1 to 64 of a-z, 0-9 and _";
  std::string out;
  for (const CategoryInfo& c : taxonomy) out += c.name + ", ";
  return "one of " + out + "none";
}

}  // namespace ecoute::api
