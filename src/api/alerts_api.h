// Internal to the api module: the handlers of the alert routes
// (/api/v1/alert-rules, /alerts, /alerts/stream, /alert-deliveries,
// /notifiers), backed by alert::AlertService. The server's route table
// (server.cc) points at these methods; docs/api/openapi.yaml describes them.
//
// Thread-safety: the handlers are called concurrently from request threads;
// they only read members and call the (thread-safe) service and store.
#pragma once

#include <httplib.h>

#include <atomic>
#include <chrono>
#include <optional>

#include "api/reply.h"
#include "api/request_context.h"
#include "api/server.h"
#include "base/clock.h"
#include "store/store.h"

namespace ecoute::alert {
class AlertService;
}  // namespace ecoute::alert

namespace ecoute::api {

class AlertsApi {
 public:
  // `service` may be null: every route then answers 503 "alerts are
  // disabled". `store` (the sample mentions of GET /alerts/{id}, the
  // history a preview backtests on), `clock` (a preview's default range)
  // and `stopping` must outlive this object; the server sets `stopping`
  // when it stops, and open streams end within about kStreamPollMs. An
  // idle stream gets a ": keep-alive" comment every `keep_alive`.
  AlertsApi(alert::AlertService* service, const store::Store& store, const base::Clock& clock,
            std::chrono::milliseconds keep_alive, const std::atomic<bool>& stopping)
      : service_(service), store_(store), clock_(clock), keep_alive_(keep_alive), stopping_(stopping) {}

  // How long a stream waits for an event before it looks at `stopping`
  // again (and counts idle time towards the keep-alive).
  static constexpr int64_t kStreamPollMs = 250;
  // A preview reads at most this many stored mentions (the newest part of
  // its range and warm-up when they hold more) ...
  static constexpr int64_t kPreviewMaxMentions = 300'000;
  // ... over a range of at most this many days (7 when not given).
  static constexpr int64_t kPreviewMaxDays = 92;
  static constexpr int64_t kPreviewDefaultDays = 7;
  static constexpr int64_t kPreviewDefaultAlerts = 50;
  // Sample messages shown per alert of a preview (of its sample_ids).
  static constexpr size_t kPreviewSamples = 3;

  Reply ListRules(const httplib::Request& req, const RequestContext& ctx);     // GET /api/v1/alert-rules
  Reply CreateRule(const httplib::Request& req, const RequestContext& ctx);    // POST /api/v1/alert-rules
  Reply GetRule(const httplib::Request& req, const RequestContext& ctx);       // GET .../alert-rules/{name}
  Reply ReplaceRule(const httplib::Request& req, const RequestContext& ctx);   // PUT .../alert-rules/{name}
  Reply DeleteRule(const httplib::Request& req, const RequestContext& ctx);    // DELETE .../alert-rules/{name}
  // POST /api/v1/alert-rules/preview {rule, from?, to?, limit?}: the rule
  // checked as a create would (200 {valid: false, error} when it is not),
  // then backtested on the stored mentions of [from, to) (alert::Backtest
  // with a fresh engine holding only it): nothing is saved, notified or
  // shown to the live engine. 400 only for a malformed request.
  Reply PreviewRule(const httplib::Request& req, const RequestContext& ctx);
  Reply ListAlerts(const httplib::Request& req, const RequestContext& ctx);    // GET /api/v1/alerts
  Reply CountAlerts(const httplib::Request& req, const RequestContext& ctx);   // GET /api/v1/alerts/counts
  Reply Stream(const httplib::Request& req, const RequestContext& ctx);        // GET /api/v1/alerts/stream
  Reply GetAlert(const httplib::Request& req, const RequestContext& ctx);      // GET /api/v1/alerts/{id}
  Reply Acknowledge(const httplib::Request& req, const RequestContext& ctx);   // POST .../alerts/{id}/ack
  Reply Resolve(const httplib::Request& req, const RequestContext& ctx);       // POST .../alerts/{id}/resolve
  Reply ListDeliveries(const httplib::Request& req, const RequestContext& ctx);  // GET /api/v1/alert-deliveries
  Reply ListNotifiers(const httplib::Request& req, const RequestContext& ctx);   // GET /api/v1/notifiers

 private:
  // For a route that takes no query parameters: the reply refusing the
  // request (an unknown parameter, alerts disabled), or nullopt.
  std::optional<Reply> Refuse(const httplib::Request& req, const RouteInfo& route) const;
  // Acknowledges (or resolves) alert `id`, with the body's note.
  Reply Transition(const httplib::Request& req, const RequestContext& ctx, int64_t id, bool resolve);

  alert::AlertService* const service_;  // may be null
  const store::Store& store_;
  const base::Clock& clock_;
  const std::chrono::milliseconds keep_alive_;
  const std::atomic<bool>& stopping_;
};

}  // namespace ecoute::api
