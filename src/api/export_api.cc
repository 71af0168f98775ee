#include "api/export_api.h"

#include <spdlog/spdlog.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "api/csv.h"
#include "api/mention_filters.h"
#include "api/params.h"

namespace ecoute::api {

namespace {

// The state of one mentions export, kept by its content provider.
struct MentionExport {
  const store::Store& store;
  const queries::QueryService* queries;  // may be null
  MentionSearch search;                  // filter.after moves page by page
  LabelFilter labels;
  std::optional<store::MentionPage> page{};  // read, not written yet
  bool header_written = false;
  std::map<int64_t, std::string> query_names{};  // id -> name, as met

  // The next page; filter.after then points past it.
  base::Result<store::MentionPage> Fetch() {
    store::MentionPage p;
    if (search.query) {
      base::Result<queries::HistoryPage> h = queries->SearchHistory(*search.query, search.filter);
      if (!h.ok()) return h.status();
      p = std::move(h->page);
    } else {
      base::Result<store::MentionPage> r = store.Search(search.filter);
      if (!r.ok()) return r.status();
      p = std::move(*r);
    }
    search.filter.after = p.next;
    return p;
  }

  const std::string& QueryName(int64_t id) {
    auto it = query_names.find(id);
    if (it != query_names.end()) return it->second;
    std::optional<std::string> name = queries != nullptr ? queries->NameOf(id) : std::nullopt;
    return query_names.emplace(id, name ? *name : std::to_string(id)).first->second;
  }

  void AppendRow(const model::Mention& m, std::string& out) {
    const model::Enrichment& e = m.enrichment;
    std::vector<std::string> names;
    names.reserve(e.matched_queries.size());
    for (int64_t q : e.matched_queries) names.push_back(QueryName(q));
    CsvLine line(out);
    line.Int(m.id)
        .Time(m.created_at)
        .Text(model::ChannelName(m.channel))
        .Text(m.source)
        .Text(m.author.handle)
        .Text(m.author.display_name)
        .Int(m.author.followers)
        .Text(m.language)
        .Text(m.title)
        .Text(m.text)
        .Text(m.url)
        .Text(m.thread_id)
        .Text(m.reply_to)
        .Text(e.sentiment.value_or(""))
        .Number(e.sentiment_score)
        .Bool(e.needs_reply)
        .Text(e.category.value_or(""))
        .Int(e.severity ? std::optional<int64_t>(*e.severity) : std::nullopt)
        .Text(e.severity_level.value_or(""))
        .Join(e.severity_reasons)
        .Int(e.reach)
        .Join(names);
    line.End();
  }
};

}  // namespace

const std::vector<std::string_view>& ExportApi::MentionCsvColumns() {
  static const std::vector<std::string_view> columns = {
      "id",        "created_at",      "channel",     "source",   "author_handle",  "author_name",
      "followers", "lang",            "title",       "text",     "url",            "thread_id",
      "reply_to",  "sentiment",       "sentiment_score", "needs_reply", "category", "severity",
      "severity_level", "severity_reasons", "reach", "queries"};
  return columns;
}

Reply ExportApi::Mentions(const httplib::Request& req, const RequestContext& ctx) {
  QueryParams p(req.params, ctx.route.query_params);
  MentionSearch search = ReadMentionSearch(p);
  LabelFilter labels = ReadLabelFilter(p, categories_);
  if (p.error()) return ParamReply(*p.error());
  if (search.query && queries_ == nullptr)
    return ErrorReply(503, "unavailable", "monitored queries are not available in this process");
  search.filter.limit = kPageSize;
  auto state = std::make_shared<MentionExport>(MentionExport{store_, queries_, std::move(search), std::move(labels)});
  // The first page now: a bad query or a store that does not answer gets
  // its status instead of a broken download.
  base::Result<store::MentionPage> first = state->Fetch();
  if (!first.ok()) return state->search.query ? FieldStatusReply(first.status()) : StatusReply(first.status());
  state->page = std::move(*first);

  Reply r = CsvReply("mentions", clock_.Now());
  r.stream = [state](size_t, httplib::DataSink& sink) -> bool {
    std::string out;
    if (!state->header_written) {
      out = CsvHeader(MentionCsvColumns());
      state->header_written = true;
    }
    if (!state->page) {
      base::Result<store::MentionPage> next = state->Fetch();
      if (!next.ok()) {
        spdlog::error("api: mentions export cut: {}", next.status().ToString());
        return false;
      }
      state->page = std::move(*next);
    }
    for (const model::Mention& m : state->page->items) {
      if (state->labels.Matches(m.enrichment)) state->AppendRow(m, out);
    }
    const bool last = !state->page->next;
    state->page.reset();
    // Never a zero-length write: httplib takes it for the end.
    if (!out.empty() && !sink.write(out.data(), out.size())) return false;
    if (last) sink.done();
    return true;
  };
  return r;
}

}  // namespace ecoute::api
