#include "api/alerts_api.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "alert/backtest.h"
#include "alert/rules.h"
#include "alert/service.h"
#include "api/alert_json.h"
#include "api/mention_stream.h"
#include "api/params.h"
#include "model/mention_json.h"

namespace ecoute::api {

namespace {

using nlohmann::json;

constexpr int64_t kDefaultDeliveryLimit = 100;
constexpr size_t kMaxNoteBytes = 4096;
// Exactly this: httplib compresses other text/* types when the client
// accepts gzip, which would hold events back in the compressor. (SSE is
// always UTF-8.)
constexpr const char* kEventStreamType = "text/event-stream";

Reply Disabled() { return ErrorReply(503, "unavailable", "alerts are disabled"); }

// The decoded {name} of /alert-rules/{name}.
std::string PathName(const httplib::Request& req) { return req.matches.size() > 1 ? req.matches[1].str() : ""; }

// An error of the rules API: InvalidArgument names the body field at fault
// (its message starts "field: "); AlreadyExists, NotFound and
// FailedPrecondition name "name".
Reply RuleStatusReply(const base::Status& s) {
  if (s.code() == base::StatusCode::kInvalidArgument) return FieldStatusReply(s);
  if (s.code() == base::StatusCode::kAlreadyExists || s.code() == base::StatusCode::kNotFound ||
      s.code() == base::StatusCode::kFailedPrecondition)
    return StatusReply(s, "name");
  return StatusReply(s);
}

// The JSON object of a rule body, or the reply refusing it.
std::optional<json> RuleBody(const httplib::Request& req, Reply& error) {
  return JsonObjectBody(req, "an alert rule", error);
}

// One server-sent event: "id", "event", then one "data" line per line of
// the JSON text (hub data is compact JSON, so normally one).
std::string SseFrame(const alert::StreamEvent& e) {
  std::string out = "id: " + std::to_string(e.seq) + "\nevent: " + e.type + "\n";
  std::string_view rest = e.data;
  for (;;) {
    size_t nl = rest.find('\n');
    out += "data: ";
    out.append(rest.substr(0, nl));
    out += '\n';
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  out += '\n';
  return out;
}

constexpr int64_t kDayMs = 86'400'000;
constexpr size_t kSampleTextBytes = 280;
constexpr const char* kPreviewKeys = "rule, from, to, limit";
constexpr size_t kMaxFilterQueryIds = 256;  // MentionFilter::query_ids, as SqliteStore takes them

json CountsJson(const store::AlertCounts& c) {
  return {{"open", c.open}, {"acknowledged", c.acknowledged}, {"resolved", c.resolved}};
}

// A sample message of a preview's alert: enough to recognise it and link
// to it (/search?m=ID).
json SampleJson(const model::Mention& m) {
  json j = {{"id", m.id},
            {"created_at", base::FormatTimestamp(m.created_at)},
            {"channel", model::ChannelName(m.channel)},
            {"author", m.author.handle},
            {"title", std::string(Utf8Prefix(m.title, kSampleTextBytes))},
            {"text", std::string(Utf8Prefix(m.text, kSampleTextBytes))},
            {"sentiment", m.enrichment.sentiment ? json(*m.enrichment.sentiment) : json(nullptr)},
            {"url", m.url.empty() ? json(nullptr) : json(m.url)}};
  return j;
}

// The stored mentions a preview of `r` reads: those its filters could
// keep, when the store can select them (channels, languages, queries).
// nullopt when none can match (it names queries that match nothing, or
// needs a monitored query and there is none).
std::optional<store::MentionFilter> PreviewFilter(const alert::Rule& r, const std::map<int64_t, std::string>& queries) {
  store::MentionFilter f;
  f.channels = r.channels;
  // A conversation grows by replies in any language, matched by a query or
  // not: a snowball rule reads every message of its channels.
  if (r.kind == alert::RuleKind::kSnowball) return f;
  f.languages = r.languages;
  const bool needs_query = r.kind == alert::RuleKind::kMention || r.kind == alert::RuleKind::kVolumeSpike ||
                           r.kind == alert::RuleKind::kNegativeShare;
  std::vector<int64_t> ids;
  for (const auto& [id, name] : queries)
    if (r.queries.empty() || std::find(r.queries.begin(), r.queries.end(), name) != r.queries.end()) ids.push_back(id);
  if (!r.queries.empty() || needs_query) {
    if (ids.empty()) return std::nullopt;
    // Beyond the store's bound of ids, no condition: the engine still filters.
    if (ids.size() <= kMaxFilterQueryIds) f.query_ids = std::move(ids);
  }
  return f;
}

}  // namespace

std::optional<Reply> AlertsApi::Refuse(const httplib::Request& req, const RouteInfo& route) const {
  if (std::optional<Reply> refused = ParamRefusal(QueryParams(req.params, route.query_params))) return refused;
  if (service_ == nullptr) return Disabled();
  return std::nullopt;
}

Reply AlertsApi::ListRules(const httplib::Request& req, const RequestContext& ctx) {
  if (std::optional<Reply> refused = Refuse(req, ctx.route)) return *refused;
  return JsonReply({{"rules", JsonArray(service_->Rules(), alert::RuleToJson)}});
}

Reply AlertsApi::CreateRule(const httplib::Request& req, const RequestContext& ctx) {
  if (std::optional<Reply> refused = Refuse(req, ctx.route)) return *refused;
  Reply error;
  std::optional<json> body = RuleBody(req, error);
  if (!body) return error;
  base::Result<alert::Rule> rule = service_->CreateRule(*body);
  if (!rule.ok()) return RuleStatusReply(rule.status());
  return JsonReply(alert::RuleToJson(*rule), 201);
}

Reply AlertsApi::GetRule(const httplib::Request& req, const RequestContext& ctx) {
  if (std::optional<Reply> refused = Refuse(req, ctx.route)) return *refused;
  base::Result<alert::Rule> rule = service_->GetRule(PathName(req));
  if (!rule.ok()) return RuleStatusReply(rule.status());
  return JsonReply(alert::RuleToJson(*rule));
}

Reply AlertsApi::ReplaceRule(const httplib::Request& req, const RequestContext& ctx) {
  if (std::optional<Reply> refused = Refuse(req, ctx.route)) return *refused;
  Reply error;
  std::optional<json> body = RuleBody(req, error);
  if (!body) return error;
  base::Result<alert::Rule> rule = service_->ReplaceRule(PathName(req), *body);
  if (!rule.ok()) return RuleStatusReply(rule.status());
  return JsonReply(alert::RuleToJson(*rule));
}

Reply AlertsApi::DeleteRule(const httplib::Request& req, const RequestContext& ctx) {
  if (std::optional<Reply> refused = Refuse(req, ctx.route)) return *refused;
  base::Status s = service_->DeleteRule(PathName(req));
  if (!s.ok()) return RuleStatusReply(s);
  return NoContentReply();
}

Reply AlertsApi::PreviewRule(const httplib::Request& req, const RequestContext& ctx) {
  if (std::optional<Reply> refused = Refuse(req, ctx.route)) return *refused;
  Reply error;
  std::optional<json> body = JsonObjectBody(req, "{\"rule\": <an alert rule>, \"from\"?, \"to\"?, \"limit\"?}", error);
  if (!body) return error;
  for (const auto& [key, value] : body->items()) {
    if (key != "rule" && key != "from" && key != "to" && key != "limit")
      return ErrorReply(400, "invalid_argument", "unknown key " + QuoteValue(key) + "; expected " + kPreviewKeys, key);
  }
  auto rule_json = body->find("rule");
  if (rule_json == body->end() || !rule_json->is_object())
    return ErrorReply(400, "invalid_argument",
                      "rule must be the alert rule to preview, an object as POST /api/v1/alert-rules takes", "rule");
  // A time given as an ISO 8601 string.
  std::optional<Reply> bad;
  auto time = [&](const char* key) -> std::optional<base::Timestamp> {
    auto it = body->find(key);
    if (it == body->end() || it->is_null()) return std::nullopt;
    base::Result<base::Timestamp> t = it->is_string() ? base::ParseTimestamp(it->get<std::string>())
                                                      : base::Result<base::Timestamp>(base::Status::InvalidArgument(""));
    if (!t.ok()) {
      if (!bad)
        bad = ErrorReply(400, "invalid_argument",
                         std::string(key) + " must be a time (ISO 8601, e.g. 2024-03-01T00:00:00Z), got " +
                             QuoteValue(it->dump()),
                         key);
      return std::nullopt;
    }
    return *t;
  };
  const std::optional<base::Timestamp> from_given = time("from"), to_given = time("to");
  if (bad) return *bad;
  const base::Timestamp to = to_given.value_or(clock_.Now());
  const base::Timestamp from = from_given.value_or(to - kPreviewDefaultDays * kDayMs);
  if (from >= to) return ErrorReply(400, "invalid_argument", "from must be before to", "from");
  if (to - from > kPreviewMaxDays * kDayMs)
    return ErrorReply(400, "invalid_argument",
                      "the range from..to must be at most " + std::to_string(kPreviewMaxDays) + " days", "to");
  int64_t limit = kPreviewDefaultAlerts;
  if (auto it = body->find("limit"); it != body->end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > kMaxLimit)
      return ErrorReply(400, "invalid_argument",
                        "limit must be a whole number from 1 to " + std::to_string(kMaxLimit) + ", got " + it->dump(),
                        "limit");
    limit = it->get<int64_t>();
  }

  // Checked as a create would check it; answered 200 either way (the form
  // calls this as the user types).
  std::map<int64_t, std::string> queries;
  base::Result<alert::Rule> rule = service_->CheckRule(*rule_json, &queries);
  if (!rule.ok()) {
    if (rule.status().code() != base::StatusCode::kInvalidArgument) return StatusReply(rule.status());
    json refused = json::parse(FieldStatusReply(rule.status()).body, nullptr, false);
    return JsonReply({{"valid", false}, {"error", refused.is_object() ? refused["error"] : json(rule.status().message())}});
  }
  json out = {{"valid", true}, {"rule", alert::RuleToJson(*rule)}};

  alert::Rule r = *rule;
  r.enabled = true;  // previewed as it would run once enabled
  alert::BacktestOptions bo;
  bo.from = from;
  bo.to = to;
  bo.engine = service_->engine_options();
  bo.engine.first_alert_id = 1;
  bo.max_mentions = kPreviewMaxMentions;
  bo.max_alerts = static_cast<size_t>(limit);
  bo.hourly = true;
  bo.tick_each_minute = true;  // as the live ticker: resolutions do not depend on unrelated messages
  // sla rules fire on the care inbox's events, which are not mentions.
  const bool backtested = r.kind != alert::RuleKind::kSla;
  const std::optional<store::MentionFilter> filter = backtested ? PreviewFilter(r, queries) : std::nullopt;
  std::unique_ptr<alert::MentionSource> source;
  if (filter) source = std::make_unique<alert::StoreMentionSource>(store_, *filter);
  else source = std::make_unique<alert::SpanMentionSource>(std::span<const model::Mention>());
  base::Result<alert::BacktestResult> res = alert::Backtest(std::span(&r, 1), queries, *source, bo);
  if (!res.ok()) return StatusReply(res.status());

  json alerts = json::array();
  for (const store::AlertRecord& a : res->alerts) {
    json j = alert::AlertToJson(a);
    json samples = json::array();
    for (size_t i = 0; i < a.sample_ids.size() && i < kPreviewSamples; ++i) {
      base::Result<std::optional<model::Mention>> m = store_.Get(a.sample_ids[i]);
      if (!m.ok()) return StatusReply(m.status());
      if (m->has_value()) samples.push_back(SampleJson(**m));
    }
    j["samples"] = std::move(samples);
    alerts.push_back(std::move(j));
  }
  json matched = json::array(), opened = json::array();
  for (const alert::BacktestHour& h : res->hours) {
    matched.push_back(h.matched);
    opened.push_back(h.opened);
  }
  out["backtested"] = backtested;
  out["from"] = base::FormatTimestamp(from);
  out["to"] = base::FormatTimestamp(to);
  out["covered_from"] = base::FormatTimestamp(res->from);
  out["warmup_from"] = base::FormatTimestamp(res->read_from);
  out["scanned"] = res->scanned;
  out["learned"] = res->learned;
  out["truncated"] = res->truncated;
  out["max_mentions"] = kPreviewMaxMentions;
  out["alerts"] = std::move(alerts);
  out["counts"] = {{"opened", res->opened}, {"notified", res->notified}, {"suppressed", res->suppressed}};
  out["series"] = {{"start", res->hours.empty() ? json(nullptr) : json(base::FormatTimestamp(res->hours.front().start))},
                   {"step_minutes", 60},
                   {"matched", std::move(matched)},
                   {"opened", std::move(opened)}};
  return JsonReply(out);
}

Reply AlertsApi::CountAlerts(const httplib::Request& req, const RequestContext& ctx) {
  QueryParams p(req.params, ctx.route.query_params);
  const std::string rule = p.String("rule").value_or("");
  const bool by_rule = p.Bool("by_rule", false);
  if (p.error()) return ParamReply(*p.error());
  if (service_ == nullptr) return Disabled();
  std::map<std::string, store::AlertCounts> per_rule;
  base::Result<store::AlertCounts> counts = service_->CountAlerts(rule, by_rule ? &per_rule : nullptr);
  if (!counts.ok()) return StatusReply(counts.status());
  json out = CountsJson(*counts);
  if (by_rule) {
    json rules = json::object();
    for (const auto& [name, c] : per_rule) rules[name] = CountsJson(c);
    out["by_rule"] = std::move(rules);
  }
  return JsonReply(out);
}

Reply AlertsApi::ListAlerts(const httplib::Request& req, const RequestContext& ctx) {
  QueryParams p(req.params, ctx.route.query_params);
  store::AlertFilter f;
  f.statuses = p.Parsed<store::AlertStatus>("status", store::ParseAlertStatus, "open, acknowledged or resolved");
  f.rule = p.String("rule").value_or("");
  f.kind = p.String("kind").value_or("");
  if (!f.kind.empty() && !alert::ParseRuleKind(f.kind))
    p.Fail("kind",
           "kind must be mention, severity, high_reach, volume_spike, negative_share, snowball or sla, got " +
               QuoteValue(f.kind));
  const QueryParams::IdPage page = p.ReadIdPage(kDefaultLimit, kMaxLimit);
  if (p.error()) return ParamReply(*p.error());
  if (service_ == nullptr) return Disabled();
  // 0 means "no bound" to the store: the epoch itself is bound enough.
  f.since = page.since.value_or(0);
  f.until = page.until.value_or(0);
  f.before_id = page.before_id;
  f.limit = page.limit;
  base::Result<std::vector<store::AlertRecord>> alerts = service_->Alerts(f);
  if (!alerts.ok()) return StatusReply(alerts.status());
  return JsonReply(
      {{"alerts", JsonArray(*alerts, alert::AlertToJson)}, {"next_before_id", NextPageId(*alerts, f.limit)}});
}

Reply AlertsApi::GetAlert(const httplib::Request& req, const RequestContext& ctx) {
  return WithPathId(Refuse(req, ctx.route), req, [&](int64_t id) -> Reply {
    base::Result<store::AlertRecord> alert = service_->GetAlert(id);
    if (!alert.ok())
      return StatusReply(alert.status(), alert.status().code() == base::StatusCode::kNotFound ? "id" : "");
    base::Result<std::vector<store::AlertHistoryEntry>> history = service_->History(id);
    if (!history.ok()) return StatusReply(history.status());
    store::DeliveryFilter df;
    df.alert_id = id;
    df.limit = static_cast<int>(kMaxLimit);
    base::Result<std::vector<store::DeliveryRecord>> deliveries = service_->Deliveries(df);
    if (!deliveries.ok()) return StatusReply(deliveries.status());

    json out = alert::AlertToJson(*alert);
    // The samples as GET /api/v1/mentions/{id} shows them; a mention no
    // longer stored is left out.
    json samples = json::array();
    for (int64_t mid : alert->sample_ids) {
      base::Result<std::optional<model::Mention>> m = store_.Get(mid);
      if (!m.ok()) return StatusReply(m.status());
      if (m->has_value()) samples.push_back(model::MentionToJson(**m));
    }
    out["history"] = JsonArray(*history, AlertHistoryJson);
    out["deliveries"] = JsonArray(*deliveries, DeliveryJson);
    out["samples"] = std::move(samples);
    return JsonReply(out);
  });
}

Reply AlertsApi::Acknowledge(const httplib::Request& req, const RequestContext& ctx) {
  return WithPathId(Refuse(req, ctx.route), req,
                    [&](int64_t id) { return Transition(req, ctx, id, /*resolve=*/false); });
}

Reply AlertsApi::Resolve(const httplib::Request& req, const RequestContext& ctx) {
  return WithPathId(Refuse(req, ctx.route), req,
                    [&](int64_t id) { return Transition(req, ctx, id, /*resolve=*/true); });
}

Reply AlertsApi::Transition(const httplib::Request& req, const RequestContext& ctx, int64_t id, bool resolve) {
  // The body is optional: {"note"?}. The actor is the signed-in user.
  std::string note;
  if (!Trim(req.body).empty()) {
    Reply error;
    std::optional<json> j = JsonObjectBody(req, "{\"note\"?}", error);
    if (!j) return error;
    for (const auto& [key, value] : j->items()) {
      if (key != "note")
        return ErrorReply(400, "invalid_argument",
                          "unknown key " + QuoteValue(key) + "; expected note (the actor is the signed-in account)",
                          key);
      if (!value.is_string()) return ErrorReply(400, "invalid_argument", key + " must be a string", key);
      if (value.get_ref<const std::string&>().size() > kMaxNoteBytes)
        return ErrorReply(400, "invalid_argument", key + " is longer than " + std::to_string(kMaxNoteBytes) + " bytes",
                          key);
      note = value.get<std::string>();
    }
  }
  const std::string& by = ctx.user().login;
  base::Result<store::AlertRecord> a =
      resolve ? service_->Resolve(id, by, note) : service_->Acknowledge(id, by, note);
  if (!a.ok()) return StatusReply(a.status(), a.status().code() == base::StatusCode::kNotFound ? "id" : "");
  return JsonReply(alert::AlertToJson(*a));
}

Reply AlertsApi::ListDeliveries(const httplib::Request& req, const RequestContext& ctx) {
  QueryParams p(req.params, ctx.route.query_params);
  store::DeliveryFilter f;
  f.alert_id = p.Int("alert_id", 0, 1, std::numeric_limits<int64_t>::max());
  f.notifier = p.String("notifier").value_or("");
  f.state = p.String("state").value_or("");
  if (!f.state.empty() && f.state != "delivered" && f.state != "retry" && f.state != "dead")
    p.Fail("state", "state must be delivered, retry or dead, got " + QuoteValue(f.state));
  f.before_id = p.Int("before_id", 0, 1, std::numeric_limits<int64_t>::max());
  f.limit = static_cast<int>(p.Int("limit", kDefaultDeliveryLimit, 1, kMaxLimit));
  if (p.error()) return ParamReply(*p.error());
  if (service_ == nullptr) return Disabled();
  base::Result<std::vector<store::DeliveryRecord>> rows = service_->Deliveries(f);
  if (!rows.ok()) return StatusReply(rows.status());
  return JsonReply(
      {{"deliveries", JsonArray(*rows, DeliveryJson)}, {"next_before_id", NextPageId(*rows, f.limit)}});
}

Reply AlertsApi::ListNotifiers(const httplib::Request& req, const RequestContext& ctx) {
  if (std::optional<Reply> refused = Refuse(req, ctx.route)) return *refused;
  const alert::ServiceStats stats = service_->Stats();
  json items = json::array();
  for (const std::string& name : service_->NotifierNames()) {
    json n = {{"name", name}};
    auto it = stats.notifiers.find(name);
    const alert::NotifierStats s = it == stats.notifiers.end() ? alert::NotifierStats{} : it->second;
    auto type = stats.notifier_types.find(name);
    n["type"] = type == stats.notifier_types.end() ? json(nullptr) : json(type->second);
    n["enqueued"] = s.enqueued;
    n["delivered"] = s.delivered;
    n["dead_lettered"] = s.dead_lettered;
    n["attempts"] = s.attempts;
    n["pending"] = s.pending;
    items.push_back(std::move(n));
  }
  return JsonReply({{"notifiers", std::move(items)}});
}

Reply AlertsApi::Stream(const httplib::Request& req, const RequestContext& ctx) {
  if (std::optional<Reply> refused = Refuse(req, ctx.route)) return *refused;
  uint64_t after = 0;
  if (req.has_header("Last-Event-ID")) {
    const std::string raw = req.get_header_value("Last-Event-ID");
    std::optional<int64_t> v = ParseInt64(Trim(raw));
    if (!v || *v < 0)
      return ErrorReply(400, "invalid_argument",
                        "Last-Event-ID must be the id of a received event, got " + QuoteValue(raw), "Last-Event-ID");
    after = static_cast<uint64_t>(*v);
  }
  std::shared_ptr<alert::Hub::Subscription> sub = service_->hub().Subscribe(after);
  if (sub == nullptr)
    return ErrorReply(503, "unavailable",
                      "no alert stream available: too many streams are open, or the alert service is stopping");

  // Runs on this request's worker thread until the client leaves, the hub
  // closes or the server stops; each call waits at most kStreamPollMs.
  struct State {
    std::shared_ptr<alert::Hub::Subscription> sub;
    int64_t idle_ms = 0;
    bool opened = false;
  };
  auto state = std::make_shared<State>(State{std::move(sub)});
  const int64_t keep_alive_ms = std::max<int64_t>(1, keep_alive_.count());
  const int64_t poll_ms = std::min(kStreamPollMs, keep_alive_ms);
  const std::atomic<bool>& stopping = stopping_;
  Reply r;
  r.content_type = kEventStreamType;
  r.headers = {{"Cache-Control", "no-cache"}, {"X-Accel-Buffering", "no"}};
  r.stream = [state, keep_alive_ms, poll_ms, &stopping](size_t, httplib::DataSink& sink) -> bool {
    auto write = [&](const std::string& s) { return sink.write(s.data(), s.size()); };
    if (stopping.load()) return false;
    if (!state->opened) {
      state->opened = true;
      // Sends the headers and a first chunk at once: clients know the stream is up.
      return write(": stream open\n\n");
    }
    std::optional<alert::StreamEvent> e = state->sub->Next(std::chrono::milliseconds(poll_ms));
    if (stopping.load()) return false;
    if (e) {
      state->idle_ms = 0;
      return write(SseFrame(*e));
    }
    if (state->sub->closed()) {
      sink.done();
      return true;
    }
    state->idle_ms += poll_ms;
    if (state->idle_ms >= keep_alive_ms) {
      state->idle_ms = 0;
      return write(": keep-alive\n\n");
    }
    return true;
  };
  return r;
}

}  // namespace ecoute::api
