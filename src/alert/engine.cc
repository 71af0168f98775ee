#include "alert/engine.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <unordered_set>

#include <nlohmann/json.hpp>

#include "classify/labels.h"

namespace ecoute::alert {
namespace {

using nlohmann::json;
constexpr int64_t kHourMs = 60 * kMinuteMs;  // kMinuteMs: detector.h
constexpr size_t kExcerptBytes = 280;
constexpr int kTopTerms = 8;
constexpr std::array<int, 3> kShareWindows = {5, 15, 60};
constexpr double kShareHalfLifeMinutes = 7 * 1440;
constexpr double kShareMinHistory = 100;  // messages seen before negative_share can fire
constexpr double kAuthorUsualPrior = 1.0;  // first-window events assumed for a new author
constexpr double kAuthorUsualAlpha = 0.2;

base::Timestamp MinuteOf(base::Timestamp t) { return t - (((t % kMinuteMs) + kMinuteMs) % kMinuteMs); }

// Cuts `s` to at most `n` bytes without splitting a UTF-8 sequence.
std::string Excerpt(std::string_view s, size_t n) {
  if (s.size() <= n) return std::string(s);
  size_t cut = n;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut)) + "…";
}

std::string Format(const char* fmt, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, fmt, v);
  return buf;
}

int SeverityRank(std::string_view level) {
  std::optional<classify::SeverityLevel> l = classify::ParseSeverityLevel(level);
  return l ? static_cast<int>(*l) : -1;
}

// "; top terms: a, b, c" for TopTerms' output, or "" when it is empty.
std::string TermsText(const json& terms) {
  std::string list;
  for (const json& x : terms) list += (list.empty() ? "" : ", ") + x["term"].get<std::string>();
  return list.empty() ? "" : "; top terms: " + list;
}

// Words for the top terms: lower-cased ASCII letters, bytes of multi-byte
// UTF-8 sequences kept as letters; at least 3 bytes; no digits-only.
std::vector<std::string> Words(std::string_view text) {
  static const std::unordered_set<std::string> kStop = {
      "the", "and", "for", "you", "your", "with", "this", "that", "are", "was", "have", "has", "not", "but",
      "all", "can", "from", "they", "what", "just", "get", "got", "our", "out", "about", "been", "will", "would",
      "there", "their", "them", "when", "who", "how", "why", "les", "des", "une", "est", "pas", "que", "qui",
      "pour", "dans", "sur", "avec", "mais", "plus", "par", "vous", "nous", "mon", "mes", "ton", "son", "ses",
      "sont", "ont", "fait", "tout", "très", "aux", "cette", "ces", "comme", "elle", "ils", "leur", "depuis",
      "http", "https", "www", "com", "user", "url", "rt"};
  std::vector<std::string> out;
  std::string cur;
  auto flush = [&] {
    bool digits = std::all_of(cur.begin(), cur.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (cur.size() >= 3 && !digits && !kStop.count(cur)) out.push_back(cur);
    cur.clear();
  };
  for (char ch : text) {
    unsigned char c = static_cast<unsigned char>(ch);
    if (c >= 0x80 || std::isalnum(c)) cur.push_back(static_cast<char>(c < 0x80 ? std::tolower(c) : c));
    else flush();
  }
  flush();
  return out;
}

}  // namespace

namespace {

// Every filter of `r` except the queries.
bool PassesFilters(const Rule& r, const model::Mention& m, bool for_share) {
  const model::Enrichment& e = m.enrichment;
  if (!r.include_outbound && m.direction == model::Direction::kOutbound) return false;
  if (!r.channels.empty() && std::find(r.channels.begin(), r.channels.end(), m.channel) == r.channels.end())
    return false;
  if (!r.languages.empty() && std::find(r.languages.begin(), r.languages.end(), m.language) == r.languages.end())
    return false;
  if (!for_share && !r.sentiments.empty() &&
      (!e.sentiment || std::find(r.sentiments.begin(), r.sentiments.end(), *e.sentiment) == r.sentiments.end()))
    return false;
  if (!r.categories.empty() &&
      (!e.category || std::find(r.categories.begin(), r.categories.end(), *e.category) == r.categories.end()))
    return false;
  if (r.needs_reply && e.needs_reply.value_or(false) != *r.needs_reply) return false;
  if (r.min_followers > 0 && m.author.followers.value_or(0) < r.min_followers) return false;
  bool severity_set = !r.min_severity.empty(), reasons_set = !r.reasons.empty();
  if (severity_set || reasons_set) {
    bool level_ok = severity_set && e.severity_level && SeverityRank(*e.severity_level) >= SeverityRank(r.min_severity);
    bool reason_ok = false;
    for (const std::string& reason : r.reasons)
      reason_ok |= std::find(e.severity_reasons.begin(), e.severity_reasons.end(), reason) != e.severity_reasons.end();
    // Both given: either suffices (a level, or a named reason at any level).
    if (!level_ok && !reason_ok) return false;
  }
  return true;
}

// The rule's queries the mention matched (all its matches when the rule
// names none); empty when it names some and none matched.
std::vector<int64_t> MatchedQueries(const std::set<int64_t>& rule_ids, bool rule_has_queries, const model::Mention& m) {
  std::vector<int64_t> out;
  for (int64_t q : m.enrichment.matched_queries)
    if (!rule_has_queries || rule_ids.count(q)) out.push_back(q);
  return out;
}

json MentionJson(const model::Mention& m) {
  json j = {{"mention_id", m.id},
            {"channel", model::ChannelName(m.channel)},
            {"native_id", m.native_id},
            {"author", m.author.handle},
            {"created_at", base::FormatTimestamp(m.created_at)},
            {"text", Excerpt(m.text, kExcerptBytes)}};
  if (m.author.followers) j["followers"] = *m.author.followers;
  if (!m.url.empty()) j["url"] = m.url;
  const model::Enrichment& e = m.enrichment;
  if (e.sentiment) j["sentiment"] = *e.sentiment;
  if (e.needs_reply) j["needs_reply"] = *e.needs_reply;
  if (e.category) j["category"] = *e.category;
  if (e.severity_level) j["severity_level"] = *e.severity_level;
  if (!e.severity_reasons.empty()) j["severity_reasons"] = e.severity_reasons;
  return j;
}

}  // namespace

namespace {

// One firing of a rule, before grouping.
struct Trigger {
  std::string group_key;
  std::string title;
  std::string text;
  json details;
  std::vector<int64_t> samples;  // newest last
  std::optional<Level> level;    // overrides the rule's level when lower
  std::string url;               // AlertChange::url of a notification
  std::string suppress;          // not empty: recorded, not notified, with this reason
};

// The trigger's level under the rule's cap.
Level LevelOf(const Rule& r, const Trigger& t) { return t.level && *t.level < r.level ? *t.level : r.level; }

}  // namespace

struct Engine::State {
  EngineOptions options;
  std::map<int64_t, std::string> query_names;
  bool learning = false;
  base::Timestamp minute = INT64_MIN;  // the open minute (event time)

  struct Recent {
    base::Timestamp t = 0;
    int64_t id = 0;
    std::string text;
  };
  // One spike series: a rule x query (x channel).
  struct Series {
    int64_t query = 0;
    int channel = -1;  // model::Channel or -1 (all)
    std::optional<SpikeDetector> detector;  // volume_spike
    int64_t count = 0;      // of the open minute
    int64_t negatives = 0;  // negative_share
    // negative_share: per-minute (minute, n, k) of the last hour, and the
    // usual share learned outside firing minutes.
    std::deque<std::tuple<base::Timestamp, int64_t, int64_t>> minutes;
    double usual_n = 0, usual_k = 0;
    base::Timestamp usual_at = 0;
    bool share_firing = false;
    std::deque<Recent> recent;
  };
  struct OpenAlert {
    store::AlertRecord rec;
    int64_t notified_at_triggers = 0;  // trigger_count when last notified
    bool dirty = false;
  };
  struct RuleState {
    Rule rule;
    std::set<int64_t> query_ids;  // resolved from rule.queries
    std::map<std::pair<int64_t, int>, Series> series;
    std::deque<base::Timestamp> notified;  // notifications of the last hour
  };
  std::vector<RuleState> rules;

  // Open alerts by "rule|group_key"; ids -> key.
  std::map<std::string, OpenAlert> open;
  std::map<int64_t, std::string> open_ids;
  std::map<std::string, base::Timestamp> cooldown_until;
  int64_t next_id = 1;

  // Snowball: conversations by "channel:root".
  struct Cascade {
    std::deque<std::pair<base::Timestamp, int64_t>> per_minute;  // (minute, events), last 24 h at most
    bool root_known = false;
    int64_t root_mention_id = 0;
    std::string root_author;  // "channel:handle"
    std::string root_text;
    base::Timestamp root_created = 0;
    int64_t engagement = 0;  // root's replies + reshares + quotes when last seen
    std::vector<bool> root_passes;  // per rule index
    int64_t first_window_events = 0;
    bool first_window_done = false;
    base::Timestamp last_active = 0;
  };
  std::unordered_map<std::string, Cascade> cascades;
  struct AuthorUsual {
    double mean = kAuthorUsualPrior;
    int64_t roots = 0;
    base::Timestamp last = 0;
  };
  std::unordered_map<std::string, AuthorUsual> authors;
  int max_cascade_window = 0;

  EngineStats stats;

  // Opens a new alert or folds `t` into the open one of its key.
  void Fire(size_t rule_index, Trigger t, base::Timestamp now, std::vector<AlertChange>* out);
  // Whether a notification may go out now; counts the suppression.
  bool MayNotify(RuleState& rs, Level level, base::Timestamp now, std::string* why);
  // Closes every minute before MinuteOf(now): spike detection.
  void AdvanceTo(base::Timestamp now, std::vector<AlertChange>* out);
  void CloseMinute(size_t rule_index, Series& series, base::Timestamp minute, std::vector<AlertChange>* out);
  void CloseShareMinute(size_t rule_index, Series& series, base::Timestamp minute, std::vector<AlertChange>* out);
  void Count(size_t rule_index, const model::Mention& m, base::Timestamp now);
  void PerMessage(size_t rule_index, const model::Mention& m, base::Timestamp now, std::vector<AlertChange>* out);
  void CascadeEvent(const model::Mention& m, base::Timestamp now, std::vector<AlertChange>* out);
  void SlaEvent(size_t rule_index, const SlaEventInput& e, bool stale, base::Timestamp now,
                std::vector<AlertChange>* out);
  // `event_passes`: SnowballPasses' `passes` of `event`, used when the
  // conversation's root was not seen.
  void EvaluateCascade(const std::string& key, Cascade& c, const model::Mention& event,
                       const std::vector<bool>& event_passes, base::Timestamp now, std::vector<AlertChange>* out);
  void Expire(base::Timestamp now, std::vector<AlertChange>* out);
  std::string QueryName(int64_t id) const;
  // rs.query_ids from rs.rule.queries and the current query names.
  void ResolveQueries(RuleState& rs) const;
  // For each rule (index order; false unless an enabled snowball rule):
  // whether `m` passes its filters (`filters`), and its filters and queries
  // (`passes`). Computed once per message.
  void SnowballPasses(const model::Mention& m, std::vector<bool>* filters, std::vector<bool>* passes) const;
  json TopTerms(const Series& series, base::Timestamp from, base::Timestamp to) const;
  std::vector<int64_t> RecentIds(const Series& series, base::Timestamp from, base::Timestamp to) const;
};

Engine::Engine(std::vector<Rule> rules, std::map<int64_t, std::string> query_names, EngineOptions options)
    : state_(std::make_unique<State>()) {
  state_->options = std::move(options);
  state_->next_id = state_->options.first_alert_id;
  state_->query_names = std::move(query_names);
  SetRules(std::move(rules));
}

Engine::~Engine() = default;

void Engine::SetQueries(std::map<int64_t, std::string> query_names) {
  state_->query_names = std::move(query_names);
  // Series are keyed by query id, so they keep their state.
  for (State::RuleState& rs : state_->rules) state_->ResolveQueries(rs);
}

void Engine::SetRules(std::vector<Rule> rules) {
  std::vector<State::RuleState> next;
  for (Rule& r : rules) {
    State::RuleState rs;
    for (State::RuleState& old : state_->rules) {
      if (old.rule.name == r.name && old.rule == r) {
        rs = std::move(old);
        break;
      }
    }
    rs.rule = std::move(r);
    state_->ResolveQueries(rs);
  next.push_back(std::move(rs));
  }
  state_->rules = std::move(next);
  state_->max_cascade_window = 0;
  for (const State::RuleState& rs : state_->rules)
    if (rs.rule.kind == RuleKind::kSnowball)
      state_->max_cascade_window = std::max(state_->max_cascade_window, rs.rule.cascade_window_minutes);
  // Cascades remember per-rule filter results: recompute lazily (unknown).
  for (auto& [key, c] : state_->cascades) c.root_passes.assign(state_->rules.size(), false), c.root_known = false;
}



void Engine::Restore(std::span<const store::AlertRecord> open_alerts) {
  State& s = *state_;
  for (const store::AlertRecord& a : open_alerts) {
    s.next_id = std::max(s.next_id, a.id + 1);
    if (a.status == store::AlertStatus::kResolved) continue;
    auto rule = std::find_if(s.rules.begin(), s.rules.end(), [&](const State::RuleState& rs) { return rs.rule.name == a.rule; });
    if (rule == s.rules.end() || rule->rule.group_minutes == 0) continue;
    std::string key = a.rule + "|" + a.group_key;
    s.open_ids[a.id] = key;
    s.open[key] = State::OpenAlert{a, a.trigger_count, false};
  }
}

void Engine::Learn(std::span<const model::Mention> history) {
  State& s = *state_;
  s.learning = true;
  std::vector<AlertChange> ignored;
  for (const model::Mention& m : history) {
    s.AdvanceTo(m.created_at, &ignored);
    for (size_t i = 0; i < s.rules.size(); ++i) {
      RuleKind k = s.rules[i].rule.kind;
      if (s.rules[i].rule.enabled && (k == RuleKind::kVolumeSpike || k == RuleKind::kNegativeShare))
        s.Count(i, m, m.created_at);
    }
  }
  s.learning = false;
}

void Engine::Observe(std::span<const model::Mention> mentions, base::Timestamp now, std::vector<AlertChange>* out) {
  State& s = *state_;
  s.AdvanceTo(now, out);
  for (const model::Mention& m : mentions) {
    ++s.stats.messages;
    if (now - m.created_at > s.options.max_age_ms) {
      ++s.stats.stale;
      continue;
    }
    for (size_t i = 0; i < s.rules.size(); ++i) {
      const Rule& r = s.rules[i].rule;
      if (!r.enabled) continue;
      if (IsPerMessage(r.kind)) s.PerMessage(i, m, now, out);
      else if (r.kind == RuleKind::kVolumeSpike || r.kind == RuleKind::kNegativeShare) s.Count(i, m, now);
    }
    if (s.max_cascade_window > 0) s.CascadeEvent(m, now, out);
  }
}

void Engine::ObserveSla(std::span<const SlaEventInput> events, base::Timestamp now, std::vector<AlertChange>* out) {
  State& s = *state_;
  s.AdvanceTo(now, out);
  for (const SlaEventInput& e : events) {
    ++s.stats.sla_events;
    if (std::find(kSlaEventKinds.begin(), kSlaEventKinds.end(), e.kind) == kSlaEventKinds.end() ||
        std::find(kSlaTargets.begin(), kSlaTargets.end(), e.target) == kSlaTargets.end()) {
      ++s.stats.sla_invalid;
      continue;
    }
    const bool stale = e.at != 0 && now - e.at > s.options.max_age_ms;
    if (stale) ++s.stats.sla_stale;
    for (size_t i = 0; i < s.rules.size(); ++i) {
      const Rule& r = s.rules[i].rule;
      if (r.enabled && r.kind == RuleKind::kSla) s.SlaEvent(i, e, stale, now, out);
    }
  }
}

void Engine::Tick(base::Timestamp now, std::vector<AlertChange>* out) {
  State& s = *state_;
  s.AdvanceTo(now, out);
  s.Expire(now, out);
}

base::Status Engine::Acknowledge(int64_t id, const std::string& actor, const std::string& note, base::Timestamp now,
                                 std::vector<AlertChange>* out) {
  State& s = *state_;
  auto it = s.open_ids.find(id);
  if (it == s.open_ids.end()) return base::Status::NotFound("alert " + std::to_string(id) + " is not open");
  State::OpenAlert& oa = s.open.at(it->second);
  oa.rec.status = store::AlertStatus::kAcknowledged;
  oa.rec.acknowledged_at = now;
  oa.rec.acknowledged_by = actor;
  if (!note.empty()) oa.rec.note = note;
  oa.dirty = false;
  AlertChange ch;
  ch.type = AlertChange::Type::kUpdated;
  ch.alert = oa.rec;
  ch.history.push_back({0, id, now, "acknowledged", actor, note});
  out->push_back(std::move(ch));
  return base::Status::Ok();
}

base::Status Engine::Resolve(int64_t id, const std::string& actor, const std::string& note, base::Timestamp now,
                             std::vector<AlertChange>* out) {
  State& s = *state_;
  auto it = s.open_ids.find(id);
  if (it == s.open_ids.end()) return base::Status::NotFound("alert " + std::to_string(id) + " is not open");
  std::string key = it->second;
  State::OpenAlert oa = std::move(s.open.at(key));
  s.open.erase(key);
  s.open_ids.erase(it);
  oa.rec.status = store::AlertStatus::kResolved;
  oa.rec.resolved_at = now;
  oa.rec.resolved_by = actor;
  if (!note.empty()) oa.rec.note = note;
  for (const State::RuleState& rs : s.rules)
    if (rs.rule.name == oa.rec.rule && rs.rule.cooldown_minutes > 0)
      s.cooldown_until[key] = now + rs.rule.cooldown_minutes * kMinuteMs;
  AlertChange ch;
  ch.type = AlertChange::Type::kResolved;
  ch.alert = std::move(oa.rec);
  ch.history.push_back({0, id, now, "resolved", actor, note});
  out->push_back(std::move(ch));
  return base::Status::Ok();
}

EngineStats Engine::Stats() const {
  EngineStats st = state_->stats;
  st.open_alerts = state_->open.size();
  st.series = 0;
  for (const State::RuleState& rs : state_->rules) st.series += rs.series.size();
  st.cascades = state_->cascades.size();
  return st;
}

// --- State ----------------------------------------------------------------

void Engine::State::ResolveQueries(RuleState& rs) const {
  rs.query_ids.clear();
  for (const auto& [id, name] : query_names)
    if (std::find(rs.rule.queries.begin(), rs.rule.queries.end(), name) != rs.rule.queries.end()) rs.query_ids.insert(id);
}

void Engine::State::SnowballPasses(const model::Mention& m, std::vector<bool>* filters,
                                   std::vector<bool>* passes) const {
  filters->assign(rules.size(), false);
  passes->assign(rules.size(), false);
  for (size_t i = 0; i < rules.size(); ++i) {
    const RuleState& rs = rules[i];
    if (!rs.rule.enabled || rs.rule.kind != RuleKind::kSnowball || !PassesFilters(rs.rule, m, false)) continue;
    (*filters)[i] = true;
    (*passes)[i] = rs.rule.queries.empty() || !MatchedQueries(rs.query_ids, true, m).empty();
  }
}

std::string Engine::State::QueryName(int64_t id) const {
  auto it = query_names.find(id);
  return it == query_names.end() ? "query " + std::to_string(id) : it->second;
}

bool Engine::State::MayNotify(RuleState& rs, Level level, base::Timestamp now, std::string* why) {
  const Rule& r = rs.rule;
  if (r.quiet_hours.enabled() && !(level == Level::kCritical && r.quiet_hours.except_critical)) {
    base::TimeZone::Local local = options.time_zone.ToLocal(now);
    if (r.quiet_hours.Contains(local.weekday, local.minute_of_day)) {
      ++stats.suppressed_quiet;
      *why = "quiet hours";
      return false;
    }
  }
  while (!rs.notified.empty() && rs.notified.front() <= now - kHourMs) rs.notified.pop_front();
  if (r.throttle_per_hour > 0 && static_cast<int>(rs.notified.size()) >= r.throttle_per_hour) {
    ++stats.suppressed_throttle;
    *why = "throttled (" + std::to_string(r.throttle_per_hour) + " notifications in the last hour)";
    return false;
  }
  rs.notified.push_back(now);
  ++stats.notified;
  return true;
}

void Engine::State::Fire(size_t rule_index, Trigger t, base::Timestamp now, std::vector<AlertChange>* out) {
  if (learning) return;
  RuleState& rs = rules[rule_index];
  const Rule& r = rs.rule;
  ++stats.triggers;
  std::string key = r.name + "|" + t.group_key;
  size_t max_samples = static_cast<size_t>(std::max(1, options.max_samples));
  if (r.group_minutes > 0) {
    auto it = open.find(key);
    if (it != open.end() && now - it->second.rec.last_trigger_at <= r.group_minutes * kMinuteMs) {
      OpenAlert& oa = it->second;
      store::AlertRecord& rec = oa.rec;
      ++rec.trigger_count;
      rec.last_trigger_at = std::max(rec.last_trigger_at, now);
      for (int64_t id : t.samples) {
        if (rec.sample_ids.size() >= max_samples) break;
        if (std::find(rec.sample_ids.begin(), rec.sample_ids.end(), id) == rec.sample_ids.end())
          rec.sample_ids.push_back(id);
      }
      // The latest explanation, with the first one's kept as "first".
      json details = std::move(t.details);
      json old = json::parse(rec.details_json, nullptr, false);
      if (old.is_object()) details["first"] = old.contains("first") ? old["first"] : old;
      rec.details_json = details.dump();
      rec.text = std::move(t.text);
      oa.dirty = true;
      // A trigger above the alert's level raises it (an SLA warning that
      // became a breach, a critical message in a warning alert): notified
      // like a new alert.
      const Level level = LevelOf(r, t);
      const Level before = ParseLevel(rec.level).value_or(r.level);
      const bool escalated = level > before;
      if (escalated) {
        rec.level = std::string(LevelName(level));
        rec.title = std::move(t.title);
      }
      const bool doubled =
          r.notify_updates && rec.trigger_count >= 2 * std::max<int64_t>(1, oa.notified_at_triggers);
      if (escalated || doubled) {
        std::string why = t.suppress;
        AlertChange ch;
        ch.type = AlertChange::Type::kUpdated;
        if (escalated)
          ch.history.push_back({0, rec.id, now, "updated", "engine",
                                "escalated: " + std::string(LevelName(before)) + " -> " + rec.level});
        if (why.empty() && MayNotify(rs, escalated ? level : before, now, &why)) {
          ch.notify = true;
          ++rec.notified_count;
          oa.notified_at_triggers = rec.trigger_count;
          ch.history.push_back({0, rec.id, now, "notified", "engine",
                                escalated ? "raised to " + rec.level
                                          : "grew to " + std::to_string(rec.trigger_count) + " triggers"});
        } else {
          ++rec.suppressed_count;
          oa.notified_at_triggers = rec.trigger_count;
          ch.history.push_back({0, rec.id, now, "suppressed", "engine", why});
        }
        oa.dirty = false;
        ch.alert = rec;
        ch.notifiers = r.notify;
        ch.url = std::move(t.url);
        out->push_back(std::move(ch));
      }
      return;
    }
    if (it != open.end()) {
      // Quiet for longer than the group window: Expire() has not run yet.
      Expire(now, out);
    }
  }
  if (auto cd = cooldown_until.find(key); cd != cooldown_until.end()) {
    if (now < cd->second) {
      ++stats.suppressed_cooldown;
      return;
    }
    cooldown_until.erase(cd);
  }
  store::AlertRecord rec;
  rec.id = next_id++;
  rec.rule = r.name;
  rec.kind = std::string(RuleKindName(r.kind));
  rec.group_key = t.group_key;
  const Level level = LevelOf(r, t);
  rec.level = std::string(LevelName(level));
  rec.status = store::AlertStatus::kOpen;
  rec.title = std::move(t.title);
  rec.text = std::move(t.text);
  rec.details_json = t.details.dump();
  rec.sample_ids = std::move(t.samples);
  if (rec.sample_ids.size() > max_samples)
    rec.sample_ids.erase(rec.sample_ids.begin(), rec.sample_ids.end() - static_cast<ptrdiff_t>(max_samples));
  rec.trigger_count = 1;
  rec.opened_at = now;
  rec.last_trigger_at = now;
  ++stats.opened;
  AlertChange ch;
  ch.type = AlertChange::Type::kOpened;
  ch.history.push_back({0, rec.id, now, "opened", "engine", ""});
  std::string why = t.suppress;
  if (why.empty() && MayNotify(rs, level, now, &why)) {
    ch.notify = true;
    rec.notified_count = 1;
  } else {
    rec.suppressed_count = 1;
    ch.history.push_back({0, rec.id, now, "suppressed", "engine", why});
  }
  ch.notifiers = r.notify;
  ch.url = std::move(t.url);
  if (r.group_minutes > 0) {
    open_ids[rec.id] = key;
    open[key] = OpenAlert{rec, 1, false};
  }
  ch.alert = std::move(rec);
  out->push_back(std::move(ch));
}

void Engine::State::Expire(base::Timestamp now, std::vector<AlertChange>* out) {
  for (auto it = open.begin(); it != open.end();) {
    OpenAlert& oa = it->second;
    const RuleState* rs = nullptr;
    for (const RuleState& r : rules)
      if (r.rule.name == oa.rec.rule) rs = &r;
    int group = rs ? rs->rule.group_minutes : 0;
    if (now - oa.rec.last_trigger_at > group * kMinuteMs) {
      AlertChange ch;
      ch.type = AlertChange::Type::kResolved;
      oa.rec.status = store::AlertStatus::kResolved;
      oa.rec.resolved_at = now;
      oa.rec.resolved_by = "auto";
      ch.history.push_back({0, oa.rec.id, now, "resolved", "engine",
                            "no trigger for " + std::to_string(group) + " minutes"});
      open_ids.erase(oa.rec.id);
      ch.alert = std::move(oa.rec);
      out->push_back(std::move(ch));
      it = open.erase(it);
      continue;
    }
    if (oa.dirty) {
      AlertChange ch;
      ch.type = AlertChange::Type::kUpdated;
      ch.alert = oa.rec;
      out->push_back(std::move(ch));
      oa.dirty = false;
    }
    ++it;
  }
  for (auto it = cooldown_until.begin(); it != cooldown_until.end();) {
    if (it->second <= now) it = cooldown_until.erase(it);
    else ++it;
  }
}

void Engine::State::PerMessage(size_t rule_index, const model::Mention& m, base::Timestamp now,
                               std::vector<AlertChange>* out) {
  const RuleState& rs = rules[rule_index];
  const Rule& r = rs.rule;
  std::vector<int64_t> queries = MatchedQueries(rs.query_ids, !r.queries.empty(), m);
  if (!r.queries.empty() && queries.empty()) return;
  if (r.kind == RuleKind::kMention && r.queries.empty() && m.enrichment.matched_queries.empty()) return;
  if (!PassesFilters(r, m, false)) return;
  Trigger t;
  bool social = m.channel != model::Channel::kEmail && m.channel != model::Channel::kChat &&
                m.channel != model::Channel::kVoice && m.channel != model::Channel::kSms;
  std::string who = m.author.handle.empty() ? "someone" : (social ? "@" : "") + m.author.handle;
  std::string where(model::ChannelName(m.channel));
  std::string on_query = queries.empty() ? "" : " on " + QueryName(queries.front());
  json details = MentionJson(m);
  json qnames = json::array();
  for (int64_t q : queries) qnames.push_back(QueryName(q));
  details["queries"] = qnames;
  switch (r.kind) {
    case RuleKind::kMention: {
      t.group_key = queries.empty() ? "all" : "query=" + std::to_string(queries.front());
      std::string sentiment = m.enrichment.sentiment.value_or("");
      t.title = "New " + (sentiment.empty() || sentiment == "unknown" ? std::string() : sentiment + " ") + "message" +
                on_query + " (" + where + ")";
      break;
    }
    case RuleKind::kSeverity: {
      t.group_key = "severity";
      // A message below critical raises a warning at most.
      if (m.enrichment.severity_level.value_or("") != "critical") t.level = Level::kWarning;
      std::string reasons;
      for (const std::string& x : m.enrichment.severity_reasons) reasons += (reasons.empty() ? "" : ", ") + x;
      t.title = "Severity " + m.enrichment.severity_level.value_or("?") + (reasons.empty() ? "" : " (" + reasons + ")") +
                on_query + " (" + where + ")";
      break;
    }
    default: {  // kHighReach
      t.group_key = "author=" + where + ":" + m.author.handle;
      t.title = who + " (" + std::to_string(m.author.followers.value_or(0)) + " followers) mentioned" +
                (queries.empty() ? std::string(" the brand") : " " + QueryName(queries.front())) + " (" + where + ")";
      break;
    }
  }
  t.text = who + " on " + where + ": " + Excerpt(m.text, 200);
  t.details = std::move(details);
  t.details["rule_kind"] = std::string(RuleKindName(r.kind));
  t.samples = {m.id};
  Fire(rule_index, std::move(t), now, out);
}

namespace {

// "first_response" -> "first response".
std::string TargetWords(std::string_view target) {
  std::string s(target);
  std::replace(s.begin(), s.end(), '_', ' ');
  return s;
}

// `t` on the local clock: "14:05" on the same local day as `ref`, else
// "2026-05-31 14:05".
std::string LocalTime(const base::TimeZone& tz, base::Timestamp t, base::Timestamp ref) {
  base::TimeZone::Local l = tz.ToLocal(t), r = tz.ToLocal(ref);
  char buf[32];
  if (l.year == r.year && l.month == r.month && l.day == r.day)
    std::snprintf(buf, sizeof buf, "%02d:%02d", l.hour, l.minute);
  else
    std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d", l.year, l.month, l.day, l.hour, l.minute);
  return buf;
}

template <typename Range>
bool AnyOrIn(const Range& list, std::string_view v) {
  return list.empty() || std::find(list.begin(), list.end(), v) != list.end();
}

}  // namespace

bool RuleCounts(const Rule& r, const std::set<int64_t>& query_ids, const model::Mention& m) {
  const bool has_queries = !r.queries.empty();
  switch (r.kind) {
    case RuleKind::kSla: return false;
    case RuleKind::kMention:
      if (!has_queries && m.enrichment.matched_queries.empty()) return false;
      [[fallthrough]];
    case RuleKind::kSeverity:
    case RuleKind::kHighReach:
    case RuleKind::kSnowball:
      if (has_queries && MatchedQueries(query_ids, true, m).empty()) return false;
      return PassesFilters(r, m, false);
    case RuleKind::kVolumeSpike:
    case RuleKind::kNegativeShare:
      return PassesFilters(r, m, r.kind == RuleKind::kNegativeShare) &&
             !MatchedQueries(query_ids, has_queries, m).empty();
  }
  return false;
}

Level SlaEventLevel(const SlaEventInput& e) {
  if (e.kind != "breach") return Level::kInfo;
  return e.priority == "urgent" || e.priority == "high" ? Level::kCritical : Level::kWarning;
}

void Engine::State::SlaEvent(size_t rule_index, const SlaEventInput& e, bool stale, base::Timestamp now,
                             std::vector<AlertChange>* out) {
  const Rule& r = rules[rule_index].rule;
  if (!AnyOrIn(r.sla_events, e.kind) || !AnyOrIn(r.sla_targets, e.target) || !AnyOrIn(r.teams, e.team) ||
      !AnyOrIn(r.priorities, e.priority))
    return;
  if (!r.channels.empty()) {
    std::optional<model::Channel> c = model::ParseChannel(e.channel);
    if (!c || std::find(r.channels.begin(), r.channels.end(), *c) == r.channels.end()) return;
  }
  const bool breach = e.kind == "breach";
  Trigger t;
  t.group_key = "case=" + std::to_string(e.case_id) + "/target=" + e.target;
  t.level = SlaEventLevel(e);
  std::string about;
  if (!e.priority.empty()) about = e.priority;
  if (!e.team.empty()) about += (about.empty() ? "" : ", ") + std::string("team ") + e.team;
  const base::Timestamp ref = e.at != 0 ? e.at : now;
  t.title = std::string(breach ? "SLA breach: " : "SLA warning: ") + TargetWords(e.target) + " of case " +
            std::to_string(e.case_id) + (about.empty() ? "" : " (" + about + ")") +
            (e.due_at == 0 ? "" : (breach ? " was due " : " due ") + LocalTime(options.time_zone, e.due_at, ref));
  std::string where = e.channel.empty() ? "" : e.channel + (e.account.empty() ? "" : " to " + e.account);
  t.text = (e.subject.empty() ? std::string("(no subject)") : "\"" + Excerpt(e.subject, 200) + "\"") +
           (where.empty() ? "" : " on " + where) + "; " +
           (e.assignee_id != 0 ? "assigned to user " + std::to_string(e.assignee_id) : std::string("unassigned"));
  auto ts = [](base::Timestamp x) { return x == 0 ? json(nullptr) : json(base::FormatTimestamp(x)); };
  t.details = {{"event", e.kind},
               {"target", e.target},
               {"case_id", e.case_id},
               {"subject", Excerpt(e.subject, kExcerptBytes)},
               {"team", e.team},
               {"priority", e.priority},
               {"channel", e.channel},
               {"account", e.account},
               {"assignee_id", e.assignee_id},
               {"due_at", ts(e.due_at)},
               {"at", ts(e.at)},
               {"case_url", e.case_url},
               {"rule_kind", std::string(RuleKindName(r.kind))}};
  t.url = e.case_url;
  if (stale)
    t.suppress = "stale (the event is " + std::to_string((now - e.at) / kMinuteMs) + " min old)";
  Fire(rule_index, std::move(t), now, out);
}

void Engine::State::Count(size_t rule_index, const model::Mention& m, base::Timestamp now) {
  RuleState& rs = rules[rule_index];
  const Rule& r = rs.rule;
  bool share = r.kind == RuleKind::kNegativeShare;
  if (!PassesFilters(r, m, share)) return;
  const bool negative = m.enrichment.sentiment && *m.enrichment.sentiment == "negative";
  const int channel = r.per_channel ? static_cast<int>(m.channel) : -1;
  // The text kept for the top terms, made once for all the series it joins.
  const bool keep_text = !learning && (!share || negative);
  const std::string excerpt =
      keep_text ? Excerpt(m.title.empty() ? m.text : m.title + " " + m.text, kExcerptBytes) : std::string();
  for (int64_t q : MatchedQueries(rs.query_ids, !r.queries.empty(), m)) {
    auto [it, inserted] = rs.series.try_emplace({q, channel});
    Series& series = it->second;
    if (inserted) {
      series.query = q;
      series.channel = channel;
      if (!share) {
        DetectorOptions d;
        d.sensitivity = r.sensitivity;
        d.min_volume = r.min_volume;
        d.baseline.warmup_days = options.warmup_days;
        d.baseline.time_zone = &options.time_zone;  // local hour of week, daylight saving included
        series.detector.emplace(d);
      }
    }
    ++series.count;
    if (negative) ++series.negatives;
    if (keep_text) {
      series.recent.push_back({now, m.id, excerpt});
      if (series.recent.size() > options.terms_ring) series.recent.pop_front();
    }
  }
}

void Engine::State::AdvanceTo(base::Timestamp now, std::vector<AlertChange>* out) {
  base::Timestamp m = MinuteOf(now);
  if (minute == INT64_MIN) {
    minute = m;
    return;
  }
  if (m <= minute) return;
  for (size_t i = 0; i < rules.size(); ++i) {
    for (auto& [key, series] : rules[i].series) {
      if (series.count == 0 && series.negatives == 0) continue;
      if (rules[i].rule.kind == RuleKind::kVolumeSpike) CloseMinute(i, series, minute, out);
      else CloseShareMinute(i, series, minute, out);
      series.count = 0;
      series.negatives = 0;
    }
  }
  minute = m;
}

json Engine::State::TopTerms(const Series& series, base::Timestamp from, base::Timestamp to) const {
  // Terms of the window's messages, ranked by count times their lift over
  // the older messages kept for the series (smoothed).
  std::map<std::string, int> in, before;
  int n_in = 0, n_before = 0;
  for (const Recent& r : series.recent) {
    bool inside = r.t >= from && r.t < to;
    std::set<std::string> seen;
    for (std::string& w : Words(r.text)) seen.insert(std::move(w));
    for (const std::string& w : seen) ++(inside ? in : before)[w];
    ++(inside ? n_in : n_before);
  }
  std::vector<std::pair<double, std::string>> ranked;
  for (const auto& [w, c] : in) {
    if (c < 2 && n_in > 3) continue;
    double p_in = static_cast<double>(c) / std::max(1, n_in);
    double p_before = (before.count(w) ? before.at(w) : 0) + 0.5;
    p_before /= n_before + 1.0;
    ranked.push_back({c * std::log1p(p_in / p_before), w});
  }
  std::sort(ranked.begin(), ranked.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  json out = json::array();
  for (size_t i = 0; i < ranked.size() && i < static_cast<size_t>(kTopTerms); ++i)
    out.push_back({{"term", ranked[i].second}, {"count", in.at(ranked[i].second)}});
  return out;
}

std::vector<int64_t> Engine::State::RecentIds(const Series& series, base::Timestamp from, base::Timestamp to) const {
  std::vector<int64_t> ids;
  size_t max = static_cast<size_t>(std::max(1, options.max_samples));
  for (auto it = series.recent.rbegin(); it != series.recent.rend() && ids.size() < max; ++it)
    if (it->t >= from && it->t < to) ids.push_back(it->id);
  std::reverse(ids.begin(), ids.end());
  return ids;
}

void Engine::State::CloseMinute(size_t rule_index, Series& series, base::Timestamp minute_start,
                                std::vector<AlertChange>* out) {
  std::optional<Detection> d = series.detector->Add(minute_start, series.count);
  if (!d || learning) return;
  const Rule& r = rules[rule_index].rule;
  Trigger t;
  std::string channel = series.channel < 0 ? "" : std::string(model::ChannelName(static_cast<model::Channel>(series.channel)));
  t.group_key = "query=" + std::to_string(series.query) + (channel.empty() ? "" : "/channel=" + channel);
  double ratio = d->expected > 0 ? d->observed / d->expected : 0;
  t.title = "Volume spike on " + QueryName(series.query) + (channel.empty() ? "" : " (" + channel + ")") + ": " +
            Format("%.0f", d->observed) + " messages in " + std::to_string(d->window_minutes) + " min, " +
            Format("%.1f", ratio) + "x the usual " + Format("%.1f", d->expected);
  json terms = TopTerms(series, d->start_ms, d->end_ms);
  t.text = "p = " + Format("%.2g", d->p_value) + ", z = " + Format("%.1f", d->z) + TermsText(terms);
  t.details = {{"window_minutes", d->window_minutes},
               {"observed", d->observed},
               {"expected", d->expected},
               {"ratio", ratio},
               {"p_value", d->p_value},
               {"z", d->z},
               {"dispersion", d->dispersion},
               {"window_start", base::FormatTimestamp(d->start_ms)},
               {"window_end", base::FormatTimestamp(d->end_ms)},
               {"query", QueryName(series.query)},
               {"query_id", series.query},
               {"top_terms", terms},
               {"rule_kind", std::string(RuleKindName(r.kind))}};
  if (!channel.empty()) t.details["channel"] = channel;
  t.samples = RecentIds(series, d->start_ms, d->end_ms);
  Fire(rule_index, std::move(t), minute_start + kMinuteMs, out);
}

void Engine::State::CloseShareMinute(size_t rule_index, Series& series, base::Timestamp minute_start,
                                     std::vector<AlertChange>* out) {
  const Rule& r = rules[rule_index].rule;
  series.minutes.emplace_back(minute_start, series.count, series.negatives);
  while (!series.minutes.empty() && std::get<0>(series.minutes.front()) <= minute_start - 60 * kMinuteMs)
    series.minutes.pop_front();
  double usual = (series.usual_k + 0.2 * 10) / (series.usual_n + 10);  // prior: 20 % negative
  std::optional<std::tuple<int, int64_t, int64_t, double>> best;  // window, n, k, p
  if (series.usual_n >= kShareMinHistory) {
    for (int w : kShareWindows) {
      int64_t n = 0, k = 0;
      for (const auto& [t, mn, mk] : series.minutes)
        if (t > minute_start - w * kMinuteMs) n += mn, k += mk;
      if (n == 0 || k < r.min_volume) continue;
      double share = static_cast<double>(k) / static_cast<double>(n);
      if (share - usual < r.min_share_increase) continue;
      // P(X >= k), X ~ Binomial(n, usual) = I_usual(k, n - k + 1).
      double p = RegularizedBeta(static_cast<double>(k), static_cast<double>(n - k + 1), usual);
      if (p < PThreshold(r.sensitivity) && (!best || p < std::get<3>(*best))) best = std::tuple{w, n, k, p};
    }
  }
  // Learn the usual share outside firing minutes.
  series.share_firing = best.has_value();
  if (!series.share_firing) {
    double elapsed = series.usual_at == 0 ? 0 : static_cast<double>(minute_start - series.usual_at) / kMinuteMs;
    double decay = std::pow(0.5, elapsed / kShareHalfLifeMinutes);
    series.usual_n = series.usual_n * decay + static_cast<double>(series.count);
    series.usual_k = series.usual_k * decay + static_cast<double>(series.negatives);
    series.usual_at = minute_start;
  }
  if (!best || learning) return;
  auto [w, n, k, p] = *best;
  double share = static_cast<double>(k) / static_cast<double>(n);
  Trigger t;
  t.group_key = "query=" + std::to_string(series.query);
  t.title = "Negative share up on " + QueryName(series.query) + ": " + Format("%.0f", 100 * share) + "% of " +
            std::to_string(n) + " messages in " + std::to_string(w) + " min (usual " + Format("%.0f", 100 * usual) + "%)";
  base::Timestamp from = minute_start + kMinuteMs - w * kMinuteMs, to = minute_start + kMinuteMs;
  json terms = TopTerms(series, from, to);
  t.text = std::to_string(k) + " negative, p = " + Format("%.2g", p) + TermsText(terms);
  t.details = {{"window_minutes", w},       {"messages", n},
               {"negatives", k},            {"share", share},
               {"usual_share", usual},      {"p_value", p},
               {"window_start", base::FormatTimestamp(from)},
               {"window_end", base::FormatTimestamp(to)},
               {"query", QueryName(series.query)},
               {"query_id", series.query},  {"top_terms", terms},
               {"rule_kind", std::string(RuleKindName(r.kind))}};
  t.samples = RecentIds(series, from, to);
  Fire(rule_index, std::move(t), to, out);
}

namespace {
// The conversation a message adds to ("channel:native id" of its root),
// or empty when it starts none.
std::string CascadeRoot(const model::Mention& m) {
  std::string_view root;
  if (!m.reshare_of.empty()) root = m.reshare_of;
  else if (!m.quote_of.empty()) root = m.quote_of;
  else if (!m.thread_id.empty() && m.thread_id != m.native_id) root = m.thread_id;
  else if (!m.reply_to.empty()) root = m.reply_to;
  if (root.empty()) return {};
  return std::string(model::ChannelName(m.channel)) + ":" + std::string(root);
}
int64_t EngagementSum(const model::Mention& m) {
  return m.engagement.replies + m.engagement.reshares + m.engagement.quotes;
}
}  // namespace

void Engine::State::CascadeEvent(const model::Mention& m, base::Timestamp now, std::vector<AlertChange>* out) {
  auto touch = [&](const std::string& key) -> Cascade& {
    Cascade& c = cascades[key];
    if (c.root_passes.size() != rules.size()) c.root_passes.assign(rules.size(), false);
    c.last_active = now;
    return c;
  };
  auto add_events = [&](Cascade& c, int64_t n) {
    base::Timestamp mm = MinuteOf(now);
    if (!c.per_minute.empty() && c.per_minute.back().first == mm) c.per_minute.back().second += n;
    else c.per_minute.emplace_back(mm, n);
    while (c.per_minute.front().first <= mm - static_cast<int64_t>(max_cascade_window) * kMinuteMs)
      c.per_minute.pop_front();
    if (c.root_known && !c.first_window_done) c.first_window_events += n;
  };

  // The message as a root: remember it when a snowball rule could watch it;
  // its own engagement counts growing are cascade events too.
  std::vector<bool> filters, passes;
  SnowballPasses(m, &filters, &passes);
  const bool watched = std::find(filters.begin(), filters.end(), true) != filters.end();
  std::string self = std::string(model::ChannelName(m.channel)) + ":" + m.native_id;
  if (watched || cascades.count(self)) {
    Cascade& c = touch(self);
    if (!c.root_known) {
      c.root_known = true;
      c.root_mention_id = m.id;
      c.root_author = std::string(model::ChannelName(m.channel)) + ":" + m.author.handle;
      c.root_text = Excerpt(m.text, 200);
      c.root_created = std::min(m.created_at, now);
      c.engagement = EngagementSum(m);
      c.first_window_events = 0;
      for (const auto& [t, n] : c.per_minute) c.first_window_events += n;
      c.root_passes = passes;
    } else if (int64_t e = EngagementSum(m); e > c.engagement) {
      add_events(c, e - c.engagement);
      c.engagement = e;
      EvaluateCascade(self, c, m, passes, now, out);
    }
  }
  std::string root = CascadeRoot(m);
  if (!root.empty()) {
    Cascade& c = touch(root);
    add_events(c, 1);
    EvaluateCascade(root, c, m, passes, now, out);
  }
  // Bounded memory: drop the least recently active tenth.
  if (cascades.size() > options.max_cascades) {
    std::vector<std::pair<base::Timestamp, std::string>> by_age;
    by_age.reserve(cascades.size());
    for (const auto& [k, c] : cascades) by_age.emplace_back(c.last_active, k);
    size_t drop = cascades.size() - options.max_cascades * 9 / 10;
    std::nth_element(by_age.begin(), by_age.begin() + static_cast<ptrdiff_t>(drop), by_age.end());
    for (size_t i = 0; i < drop; ++i) cascades.erase(by_age[i].second);
  }
}

void Engine::State::EvaluateCascade(const std::string& key, Cascade& c, const model::Mention& event,
                                    const std::vector<bool>& event_passes, base::Timestamp now,
                                    std::vector<AlertChange>* out) {
  // A root whose first window is over teaches its author's usual start.
  if (c.root_known && !c.first_window_done && now - c.root_created > max_cascade_window * kMinuteMs) {
    c.first_window_done = true;
    AuthorUsual& a = authors[c.root_author];
    a.mean = a.roots == 0 ? (kAuthorUsualPrior + static_cast<double>(c.first_window_events)) / 2
                          : (1 - kAuthorUsualAlpha) * a.mean + kAuthorUsualAlpha * static_cast<double>(c.first_window_events);
    ++a.roots;
    a.last = now;
    if (authors.size() > options.max_authors) {
      auto oldest = std::min_element(authors.begin(), authors.end(),
                                     [](const auto& x, const auto& y) { return x.second.last < y.second.last; });
      authors.erase(oldest);
    }
  }
  base::Timestamp mm = MinuteOf(now);
  for (size_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules[i].rule;
    if (!r.enabled || r.kind != RuleKind::kSnowball) continue;
    if (!(c.root_known ? c.root_passes[i] : event_passes[i])) continue;
    int64_t n = 0;
    for (const auto& [t, k] : c.per_minute)
      if (t > mm - r.cascade_window_minutes * kMinuteMs) n += k;
    double rate = static_cast<double>(n) / r.cascade_window_minutes;
    std::string why;
    double usual = 0;
    if (n >= r.cascade_min && rate >= r.cascade_per_minute) {
      why = "rate";
    } else if (r.fast_start_ratio > 0 && c.root_known && now - c.root_created <= r.cascade_window_minutes * kMinuteMs) {
      auto a = authors.find(c.root_author);
      usual = a == authors.end() ? kAuthorUsualPrior : a->second.mean;
      int64_t floor = std::max<int64_t>(3, r.cascade_min / 2);
      if (n >= floor && static_cast<double>(n) >= r.fast_start_ratio * std::max(usual, kAuthorUsualPrior)) why = "fast_start";
    }
    if (why.empty()) continue;
    Trigger t;
    t.group_key = "thread=" + key;
    std::string channel(model::ChannelName(event.channel));
    t.title = "Snowballing conversation on " + channel + ": " + std::to_string(n) + " replies/reshares/quotes in " +
              std::to_string(r.cascade_window_minutes) + " min" + (why == "fast_start" ? " (unusually fast start)" : "");
    t.text = c.root_known ? (c.root_author + ": " + c.root_text) : ("root " + key + " (not seen); latest: " + Excerpt(event.text, 160));
    t.details = {{"root", key},
                 {"events_in_window", n},
                 {"per_minute", rate},
                 {"window_minutes", r.cascade_window_minutes},
                 {"reason", why},
                 {"root_known", c.root_known},
                 {"rule_kind", std::string(RuleKindName(r.kind))}};
    if (c.root_known) {
      t.details["root_mention_id"] = c.root_mention_id;
      t.details["author"] = c.root_author;
      t.details["root_created_at"] = base::FormatTimestamp(c.root_created);
    }
    if (why == "fast_start") t.details["author_usual"] = usual;
    if (c.root_known && c.root_mention_id) t.samples.push_back(c.root_mention_id);
    if (event.id) t.samples.push_back(event.id);
    Fire(i, std::move(t), now, out);
  }
}

}  // namespace ecoute::alert
