#include "alert/backtest.h"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <utility>

namespace ecoute::alert {
namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr int64_t kDayMs = 86'400'000;
constexpr int kLearnDays = 14;      // ServiceOptions::learn_days
constexpr int kMaxWarmupDays = 28;
constexpr int kPageSize = 1000;     // Store::Search's largest page

// Hours of [from, to): FloorHour(from), then every hour before `to`.
size_t HourCount(base::Timestamp from, base::Timestamp to) {
  if (to <= from) return 0;
  const base::Timestamp base = base::FloorHour(from);
  return static_cast<size_t>((to - base + kHourMs - 1) / kHourMs);
}

}  // namespace

// ---- sources ------------------------------------------------------------------

base::Result<std::vector<int64_t>> SpanMentionSource::HourlyCounts(base::Timestamp from, base::Timestamp to) const {
  std::vector<int64_t> out(HourCount(from, to), 0);
  const base::Timestamp base = base::FloorHour(from);
  for (const model::Mention& m : mentions_)
    if (m.created_at >= from && m.created_at < to) ++out[static_cast<size_t>((m.created_at - base) / kHourMs)];
  return out;
}

base::Status SpanMentionSource::Read(base::Timestamp from, base::Timestamp to,
                                     const std::function<bool(std::span<const model::Mention>)>& fn) const {
  auto by_time = [](const model::Mention& m, base::Timestamp t) { return m.created_at < t; };
  auto lo = std::lower_bound(mentions_.begin(), mentions_.end(), from, by_time);
  auto hi = std::lower_bound(lo, mentions_.end(), to, by_time);
  if (lo != hi) fn(std::span<const model::Mention>(lo, hi));
  return base::Status::Ok();
}

StoreMentionSource::StoreMentionSource(const store::Store& store, store::MentionFilter filter, int64_t slice_mentions)
    : store_(store), slice_mentions_(std::max<int64_t>(1, slice_mentions)) {
  filter_.channels = std::move(filter.channels);
  filter_.languages = std::move(filter.languages);
  filter_.query_ids = std::move(filter.query_ids);
}

base::Result<std::vector<int64_t>> StoreMentionSource::HourlyCounts(base::Timestamp from, base::Timestamp to) const {
  std::vector<int64_t> out(HourCount(from, to), 0);
  if (out.empty()) return out;
  const base::Timestamp base = base::FloorHour(from);
  store::VolumeQuery q;
  q.from = from;
  q.to = to;
  q.interval = store::Interval::kHour;
  q.channels = filter_.channels;
  q.languages = filter_.languages;
  auto add = [&](const std::vector<store::VolumePoint>& points, std::vector<int64_t>& into) {
    for (const store::VolumePoint& p : points) {
      if (p.bucket < base) continue;
      const size_t i = static_cast<size_t>((p.bucket - base) / kHourMs);
      if (i < into.size()) into[i] += p.count;
    }
  };
  ECOUTE_ASSIGN_OR_RETURN(std::vector<store::VolumePoint> all, store_.Volume(q));
  add(all, out);
  if (!filter_.query_ids.empty()) {
    // A mention of two of the queries counts twice here: also an upper
    // bound, often a much smaller one.
    q.query_ids = filter_.query_ids;
    ECOUTE_ASSIGN_OR_RETURN(std::vector<store::VolumePoint> per_query, store_.Volume(q));
    std::vector<int64_t> by_query(out.size(), 0);
    add(per_query, by_query);
    for (size_t i = 0; i < out.size(); ++i) out[i] = std::min(out[i], by_query[i]);
  }
  return out;
}

base::Status StoreMentionSource::Read(base::Timestamp from, base::Timestamp to,
                                      const std::function<bool(std::span<const model::Mention>)>& fn) const {
  if (to <= from) return base::Status::Ok();
  ECOUTE_ASSIGN_OR_RETURN(std::vector<int64_t> counts, HourlyCounts(from, to));
  // Slices of about slice_mentions_: consecutive hours merged, a busier
  // hour cut into equal parts.
  std::vector<std::pair<base::Timestamp, base::Timestamp>> slices;
  const base::Timestamp base = base::FloorHour(from);
  base::Timestamp start = from;
  int64_t in_slice = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    const base::Timestamp hs = std::max(from, base + static_cast<int64_t>(i) * kHourMs);
    const base::Timestamp he = std::min(to, base + static_cast<int64_t>(i + 1) * kHourMs);
    const int64_t c = counts[i];
    if (c > slice_mentions_) {
      if (hs > start) slices.emplace_back(start, hs);
      const int64_t parts = (c + slice_mentions_ - 1) / slice_mentions_;
      const int64_t step = std::max<int64_t>(1, (he - hs + parts - 1) / parts);
      for (base::Timestamp a = hs; a < he; a += step) slices.emplace_back(a, std::min(he, a + step));
      start = he;
      in_slice = 0;
      continue;
    }
    if (in_slice + c > slice_mentions_ && hs > start) {
      slices.emplace_back(start, hs);
      start = hs;
      in_slice = 0;
    }
    in_slice += c;
  }
  if (start < to) slices.emplace_back(start, to);

  std::vector<model::Mention> items;
  for (const auto& [a, b] : slices) {
    store::MentionFilter f;
    f.channels = filter_.channels;
    f.languages = filter_.languages;
    f.query_ids = filter_.query_ids;
    f.from = a;
    f.to = b;
    f.limit = kPageSize;
    items.clear();
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(store::MentionPage page, store_.Search(f));
      for (model::Mention& m : page.items) items.push_back(std::move(m));
      if (!page.next) break;
      f.after = page.next;
    }
    if (items.empty()) continue;
    // Pages are newest first (created_at desc, id desc).
    std::reverse(items.begin(), items.end());
    if (!fn(items)) break;
  }
  return base::Status::Ok();
}

// ---- the backtest -------------------------------------------------------------

int64_t BacktestWarmupMs(const Rule& rule, const EngineOptions& options) {
  if (rule.kind != RuleKind::kVolumeSpike && rule.kind != RuleKind::kNegativeShare) return 0;
  const int days = std::clamp(std::max(kLearnDays, options.warmup_days + 1), 0, kMaxWarmupDays);
  return int64_t{days} * kDayMs;
}

base::Result<BacktestResult> Backtest(std::span<const Rule> rules, const std::map<int64_t, std::string>& query_names,
                                      const MentionSource& source, const BacktestOptions& options,
                                      const BacktestChangeFn& on_change) {
  if (options.to <= options.from) return base::Status::InvalidArgument("to: must be after from");
  int64_t warmup = options.warmup_ms;
  if (warmup < 0) {
    warmup = 0;
    for (const Rule& r : rules) warmup = std::max(warmup, BacktestWarmupMs(r, options.engine));
  }
  BacktestResult res;
  res.from = options.from;
  res.to = options.to;
  res.read_from = options.from - warmup;

  // The newest part that fits the cap.
  if (options.max_mentions > 0) {
    ECOUTE_ASSIGN_OR_RETURN(std::vector<int64_t> counts, source.HourlyCounts(res.read_from, res.to));
    int64_t total = 0;
    for (int64_t c : counts) total += c;
    if (total > options.max_mentions) {
      res.truncated = true;
      const base::Timestamp base = base::FloorHour(res.read_from);
      base::Timestamp start = res.to;
      int64_t kept = 0;
      for (size_t i = counts.size(); i-- > 0;) {
        if (kept + counts[i] > options.max_mentions) break;
        kept += counts[i];
        start = std::max(res.read_from, base + static_cast<int64_t>(i) * kHourMs);
      }
      // Not even the last hour fits: read it; the hard stop below cuts it.
      if (start >= res.to) start = std::max(res.read_from, base::FloorHour(res.to - 1));
      res.read_from = start;
      res.from = std::max(res.from, start);
    }
  }

  Engine engine(std::vector<Rule>(rules.begin(), rules.end()), query_names, options.engine);
  std::vector<std::set<int64_t>> rule_query_ids;
  if (options.hourly) {
    for (const Rule& r : rules) {
      std::set<int64_t> ids;
      for (const auto& [id, name] : query_names)
        if (std::find(r.queries.begin(), r.queries.end(), name) != r.queries.end()) ids.insert(id);
      rule_query_ids.push_back(std::move(ids));
    }
    const base::Timestamp base = base::FloorHour(res.from);
    res.hours.resize(HourCount(res.from, res.to));
    for (size_t i = 0; i < res.hours.size(); ++i) res.hours[i].start = base + static_cast<int64_t>(i) * kHourMs;
  }
  auto hour_of = [&](base::Timestamp t) -> BacktestHour* {
    if (res.hours.empty() || t < res.hours.front().start) return nullptr;
    const size_t i = static_cast<size_t>((t - res.hours.front().start) / kHourMs);
    return i < res.hours.size() ? &res.hours[i] : nullptr;
  };

  std::unordered_map<int64_t, size_t> kept;  // alert id -> index in res.alerts
  std::set<int64_t> in_range;                 // ids of the alerts opened in the range
  std::vector<AlertChange> changes;
  auto handle = [&] {
    for (const AlertChange& ch : changes) {
      if (on_change) on_change(ch);
      const int64_t id = ch.alert.id;
      if (ch.type == AlertChange::Type::kOpened) {
        // An alert of the last warm-up minute (closed at the first message
        // of the range) is the warm-up's.
        if (ch.alert.opened_at < res.from) continue;
        in_range.insert(id);
        ++res.opened;
        if (BacktestHour* h = hour_of(ch.alert.opened_at)) ++h->opened;
        if (res.alerts.size() < options.max_alerts) {
          kept[id] = res.alerts.size();
          res.alerts.push_back(ch.alert);
        }
      } else if (!in_range.count(id)) {
        continue;
      } else if (auto it = kept.find(id); it != kept.end()) {
        res.alerts[it->second] = ch.alert;
      }
      if (ch.notify) ++res.notified;
      for (const store::AlertHistoryEntry& h : ch.history) res.suppressed += h.type == "suppressed" ? 1 : 0;
    }
    changes.clear();
  };

  bool observing = false;
  // tick_each_minute: the next minute boundary to tick at.
  base::Timestamp next_tick = (res.from + kMinuteMs - 1) / kMinuteMs * kMinuteMs;
  auto tick_until = [&](base::Timestamp t) {
    for (; next_tick <= t; next_tick += kMinuteMs) {
      engine.Tick(next_tick, &changes);
      handle();
    }
  };
  base::Status read = source.Read(res.read_from, res.to, [&](std::span<const model::Mention> batch) {
    bool more = true;
    if (options.max_mentions > 0 && res.scanned + static_cast<int64_t>(batch.size()) > options.max_mentions) {
      batch = batch.first(static_cast<size_t>(options.max_mentions - res.scanned));
      res.truncated = true;
      more = false;
    }
    res.scanned += static_cast<int64_t>(batch.size());
    size_t first = 0;
    if (!observing) {
      while (first < batch.size() && batch[first].created_at < res.from) ++first;
      if (first > 0) engine.Learn(batch.first(first));
      res.learned += static_cast<int64_t>(first);
    }
    for (size_t i = first; i < batch.size(); ++i) {
      const model::Mention& m = batch[i];
      observing = true;
      if (options.tick_each_minute) tick_until(m.created_at);
      else engine.Tick(m.created_at, &changes);
      engine.Observe(std::span(&m, 1), m.created_at, &changes);
      handle();
      if (!options.hourly) continue;
      for (size_t r = 0; r < rules.size(); ++r) {
        if (rules[r].enabled && RuleCounts(rules[r], rule_query_ids[r], m)) {
          if (BacktestHour* h = hour_of(m.created_at)) ++h->matched;
          break;
        }
      }
    }
    return more;
  });
  ECOUTE_RETURN_IF_ERROR(read);
  const base::Timestamp end = options.final_tick != 0 ? options.final_tick : res.to;
  if (options.tick_each_minute) tick_until(end - 1);
  engine.Tick(end, &changes);
  handle();
  res.stats = engine.Stats();
  return res;
}

}  // namespace ecoute::alert
