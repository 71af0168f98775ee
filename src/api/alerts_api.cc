#include "api/alerts_api.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "alert/rules.h"
#include "alert/service.h"
#include "api/alert_json.h"
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
