// search, stats and rejects: read-only commands over the store.
#include <cstdio>

#include "api/query_json.h"
#include "app/commands.h"
#include "base/time.h"
#include "model/mention_json.h"

namespace ecoute::app {
namespace {

// Cuts `s` to at most `max` bytes on a UTF-8 boundary, newlines as spaces.
std::string OneLine(std::string_view s, size_t max) {
  std::string out;
  for (char c : s) out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
  if (out.size() <= max) return out;
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  return out.substr(0, cut) + "…";
}

base::Status ParseChannels(const std::vector<std::string>& names, std::vector<model::Channel>& out) {
  for (const std::string& n : names) {
    auto c = model::ParseChannel(n);
    if (!c) return base::Status::InvalidArgument("--channel: unknown channel \"" + n + "\"");
    out.push_back(*c);
  }
  return base::Status::Ok();
}

base::Status ParseTimeFlag(const char* flag, const std::string& text, std::optional<base::Timestamp>& out) {
  if (text.empty()) return base::Status::Ok();
  auto t = base::ParseTimestamp(text);
  if (!t.ok()) return t.status().WithPrefix(flag);
  out = *t;
  return base::Status::Ok();
}

}  // namespace

int Fail(const base::Status& status) {
  std::fprintf(stderr, "ecoute: %s\n", status.message().c_str());
  return 1;
}

int RunSearch(const GlobalFlags& global, const SearchFlags& flags) {
  auto config = LoadConfig(global);
  if (!config.ok()) return Fail(config.status());
  store::MentionFilter f;
  for (const std::string& w : flags.words) f.text += (f.text.empty() ? "" : " ") + w;
  f.languages = flags.languages;
  base::Status st = ParseChannels(flags.channels, f.channels);
  if (st.ok()) st = ParseTimeFlag("--from", flags.from, f.from);
  if (st.ok()) st = ParseTimeFlag("--to", flags.to, f.to);
  if (!st.ok()) return Fail(st);
  if (!flags.cursor.empty()) {
    auto c = store::Cursor::Decode(flags.cursor);
    if (!c.ok()) return Fail(c.status().WithPrefix("--cursor"));
    f.after = *c;
  }
  f.author = flags.author;
  f.thread_id = flags.thread;
  f.limit = flags.limit;
  auto store = OpenStore(*config);
  if (!store.ok()) return Fail(store.status());
  base::Result<store::MentionPage> page = store::MentionPage{};
  bool full_scan = false;
  if (!flags.query.empty() || !flags.query_name.empty()) {
    auto queries = OpenQueries(*config, **store);
    if (!queries.ok()) return Fail(queries.status());
    if (!flags.query_name.empty()) {
      std::optional<queries::QueryInfo> q = (*queries)->FindByName(flags.query_name);
      if (!q) return Fail(base::Status::NotFound("--saved: no monitored query named \"" + flags.query_name + "\""));
      f.query_ids = {q->def.id};
    }
    if (!flags.query.empty()) {
      auto h = (*queries)->SearchHistory(flags.query, f);
      if (!h.ok()) return Fail(h.status().WithPrefix("--query"));
      full_scan = h->full_scan;
      page = std::move(h->page);
    } else {
      page = (*store)->Search(f);
    }
  } else {
    page = (*store)->Search(f);
  }
  if (!page.ok()) return Fail(page.status());
  for (const model::Mention& m : page->items) {
    if (flags.json) {
      std::printf("%s\n", model::MentionToJsonLine(m).c_str());
      continue;
    }
    std::string when = base::FormatTimestamp(m.created_at).substr(0, 16);
    when[10] = ' ';
    std::string head = m.title.empty() ? "" : "[" + OneLine(m.title, 60) + "] ";
    std::printf("%s  %-9s %-3s %-18s %s\n", when.c_str(), std::string(model::ChannelName(m.channel)).c_str(),
                m.language.c_str(), OneLine(m.author.handle, 18).c_str(), (head + OneLine(m.text, 140)).c_str());
  }
  if (!flags.json) {
    std::printf("%zu result%s", page->items.size(), page->items.size() == 1 ? "" : "s");
    if (full_scan)
      std::printf(" (the query names no words: %s mentions examined)", Thousands(static_cast<uint64_t>(page->scanned)).c_str());
    if (page->next) std::printf("; more with --cursor %s", page->next->Encode().c_str());
    std::printf("\n");
  }
  return 0;
}

int RunQueryList(const GlobalFlags& global, bool json) {
  auto config = LoadConfig(global);
  if (!config.ok()) return Fail(config.status());
  auto store = OpenStore(*config);
  if (!store.ok()) return Fail(store.status());
  auto queries = OpenQueries(*config, **store);
  if (!queries.ok()) return Fail(queries.status());
  const std::vector<queries::QueryInfo> list = (*queries)->List();
  for (const queries::QueryInfo& q : list) {
    if (json) {
      std::printf("%s\n", api::QueryInfoJson(q).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
      continue;
    }
    std::string state = !q.error.empty() ? "error" : q.def.enabled ? "enabled" : "disabled";
    std::printf("%4lld  %-24s %-10s %-6s %-8s %s\n", static_cast<long long>(q.def.id), q.def.name.c_str(),
                std::string(store::QueryKindName(q.def.kind)).c_str(), q.def.origin.c_str(), state.c_str(),
                OneLine(q.def.text, 100).c_str());
    if (!q.error.empty()) std::printf("      error: %s\n", q.error.c_str());
    for (const match::LintWarning& w : q.warnings)
      std::printf("      warning col %d: %s (%s)\n", w.column, w.message.c_str(), w.code.c_str());
  }
  if (!json) std::printf("%zu monitored quer%s\n", list.size(), list.size() == 1 ? "y" : "ies");
  return 0;
}

int RunStats(const GlobalFlags& global, const StatsFlags& flags) {
  auto config = LoadConfig(global);
  if (!config.ok()) return Fail(config.status());
  store::VolumeQuery q;
  auto interval = store::ParseInterval(flags.interval);
  if (!interval.ok()) return Fail(interval.status().WithPrefix("--interval"));
  q.interval = *interval;
  auto by = store::ParseGroupBy(flags.by);
  if (!by.ok()) return Fail(by.status().WithPrefix("--by"));
  q.group_by = *by;
  q.languages = flags.languages;
  std::optional<base::Timestamp> from, to;
  base::Status st = ParseChannels(flags.channels, q.channels);
  if (st.ok()) st = ParseTimeFlag("--from", flags.from, from);
  if (st.ok()) st = ParseTimeFlag("--to", flags.to, to);
  if (!st.ok()) return Fail(st);
  auto store = OpenStore(*config);
  if (!store.ok()) return Fail(store.status());
  auto counts = (*store)->Counts();
  if (!counts.ok()) return Fail(counts.status());
  if (!to) {
    // Default window: ending after the newest stored mention, so imported
    // history shows without having to know its dates.
    store::MentionFilter newest;
    newest.limit = 1;
    auto page = (*store)->Search(newest);
    if (!page.ok()) return Fail(page.status());
    to = page->items.empty() ? base::SystemClock().Now() : page->items[0].created_at + 1;
  }
  const int64_t span = q.interval == store::Interval::kHour ? 2 * 86'400'000LL
                       : q.interval == store::Interval::kDay ? 30 * 86'400'000LL
                                                             : 26 * 7 * 86'400'000LL;
  q.to = *to;
  q.from = from ? *from : *to - span;
  auto points = (*store)->Volume(q);
  if (!points.ok()) return Fail(points.status());
  int64_t total = 0;
  for (const store::VolumePoint& p : *points) total += p.count;
  if (flags.json) {
    nlohmann::json j = {{"interval", std::string(store::IntervalName(q.interval))},
                        {"from", base::FormatTimestamp(q.from)},
                        {"to", base::FormatTimestamp(q.to)},
                        {"total", total},
                        {"points", nlohmann::json::array()}};
    for (const store::VolumePoint& p : *points)
      j["points"].push_back({{"t", base::FormatTimestamp(p.bucket)}, {"group", p.group}, {"count", p.count}});
    std::printf("%s\n", j.dump(2).c_str());
    return 0;
  }
  std::printf("%s mentions stored (%s rejects kept, %s threads, %.1f MB on disk)\n",
              Thousands(counts->mentions).c_str(), Thousands(counts->rejects).c_str(),
              Thousands(counts->threads).c_str(), static_cast<double>(counts->bytes) / (1 << 20));
  std::printf("volume by %s from %s to %s: %s\n", std::string(store::IntervalName(q.interval)).c_str(),
              base::FormatTimestamp(q.from).c_str(), base::FormatTimestamp(q.to).c_str(),
              Thousands(total).c_str());
  int64_t peak = 1;
  for (const store::VolumePoint& p : *points) peak = std::max(peak, p.count);
  for (const store::VolumePoint& p : *points) {
    if (p.count == 0) continue;
    std::string when = base::FormatTimestamp(p.bucket);
    when = q.interval == store::Interval::kHour ? when.substr(0, 16) : when.substr(0, 10);
    if (when.size() > 10) when[10] = ' ';
    int bar = static_cast<int>(40 * p.count / peak);
    std::printf("  %-16s %-10s %9s %s\n", when.c_str(), p.group.c_str(), Thousands(p.count).c_str(),
                std::string(static_cast<size_t>(std::max(bar, 1)), '#').c_str());
  }
  return 0;
}

int RunRejects(const GlobalFlags& global, const RejectsFlags& flags) {
  auto config = LoadConfig(global);
  if (!config.ok()) return Fail(config.status());
  auto store = OpenStore(*config);
  if (!store.ok()) return Fail(store.status());
  auto rejects = (*store)->Rejects(flags.limit, 0);
  if (!rejects.ok()) return Fail(rejects.status());
  for (const store::StoredReject& r : *rejects) {
    const model::Rejection& j = r.rejection;
    if (flags.json) {
      nlohmann::json o = {{"id", r.id},           {"received_at", base::FormatTimestamp(r.received_at)},
                          {"source", j.source},   {"location", j.location},
                          {"field", j.field},     {"reason", j.reason},
                          {"raw", j.raw}};
      std::printf("%s\n", o.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace).c_str());
    } else {
      std::printf("%s: %s%s%s\n    %s\n", j.location.c_str(), j.field.c_str(), j.field.empty() ? "" : ": ",
                  j.reason.c_str(), OneLine(j.raw, 150).c_str());
    }
  }
  if (!flags.json) std::printf("%zu reject%s shown\n", rejects->size(), rejects->size() == 1 ? "" : "s");
  return 0;
}

}  // namespace ecoute::app
