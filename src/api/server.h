// The HTTP JSON API (docs/api/openapi.yaml): ingestion by POST, search
// (full text and the query language), monitored queries (CRUD and lint),
// label corrections and explanations, the category taxonomy, volume
// series, rejects, alerts (rules, alerts, ack/resolve, deliveries,
// notifiers and a server-sent event stream), accounts (sign-in, users,
// teams, API tokens, the audit log), the live mention stream, CSV exports
// of mentions and cases, the web app's static files, health and
// Prometheus metrics.
//
// Every route states the auth::Permission it needs (RouteInfo::permission).
// Before a handler runs, the server authenticates the request with the
// auth::Authenticator (a bearer API token, or the session cookie with its
// X-CSRF-Token on unsafe methods) and checks the caller's role: 401 with
// `WWW-Authenticate: Bearer realm="ecoute"` without valid credentials, 403
// naming the permission and the role otherwise. Only GET /healthz and
// POST /api/v1/auth/login (Permission::kNone) are open, and the web app's
// static files (ServerOptions::web_root). docs/auth.md.
//
// The server depends on the rest of ecoute only through narrow seams: the
// Store (read, plus Store::CorrectLabels for PATCH .../labels), a function
// that ingests a batch and returns once it is committed, the decoder used
// for JSON bodies, the authenticator, an optional explanation hook and the
// optional query and alert services. cpp-httplib does the HTTP; it is
// hidden behind this header.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "auth/roles.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "base/status.h"
#include "ingest/decoder.h"
#include "ingest/raw_batch.h"
#include "pipeline/pipeline.h"
#include "queries/service.h"
#include "store/store.h"

namespace ecoute::alert {
class AlertService;
}  // namespace ecoute::alert
namespace ecoute::care {
class CareService;
}  // namespace ecoute::care
namespace ecoute::auth {
class Authenticator;
}  // namespace ecoute::auth

namespace ecoute::api {

class MentionHub;

// One category of the taxonomy, as GET /api/v1/categories lists it (the
// app maps classify::CategoryDef onto it).
struct CategoryInfo {
  std::string name;  // [a-z0-9_]{1,64}, the value of a mention's "category"
  std::string label_en;
  std::string label_fr;
};

// Explains the labels of a stored mention: a JSON object as text (e.g. the
// classifier's features, lexicon words and rules per label). Called from
// request threads, concurrently; must be thread-safe. Its error is answered
// with the status's HTTP code.
using ExplainFn = std::function<base::Result<std::string>(const model::Mention&)>;

struct ServerOptions {
  std::string host = "127.0.0.1";
  int port = 8080;                   // 0 = pick a free port (see Server::port())
  // Request worker threads. Each open GET /api/v1/alerts/stream holds one
  // for as long as it is open: allow for the dashboards that stream.
  int threads = 8;
  size_t max_body_bytes = 64 << 20;  // larger request bodies get 413 (at most 4 GiB - 1)
  int keep_alive_seconds = 5;        // idle keep-alive connections close after this; Stop() may wait as long
  // The category taxonomy: listed by GET /api/v1/categories; PATCH
  // .../labels and the volume category= filter accept these names and
  // "none". Empty: any [a-z0-9_]{1,64} is accepted (and nothing listed).
  std::vector<CategoryInfo> categories;
  // GET /api/v1/mentions/{id}/explain; unset: that route answers 503
  // ("understanding models not loaded").
  ExplainFn explain;
  // An idle alert stream gets a ": keep-alive" comment this often, so that
  // proxies keep it open; a client that left is noticed at the next write
  // (its worker thread is held until then).
  int64_t stream_keep_alive_ms = 15'000;
  // Adds "Secure" to the session cookie set by POST /api/v1/auth/login:
  // turn it on when clients reach ecoute over HTTPS (a TLS proxy).
  bool secure_cookies = false;
  // The built web app (index.html, assets/...), served without credentials
  // on every GET/HEAD outside /api/, /healthz and /metrics, with client
  // routes falling back to index.html (api/static_files.h). Empty, or
  // without index.html: GET / answers a page saying how to build it.
  std::string web_root;
  // Feeds GET /api/v1/mentions/stream (api/mention_stream.h); the owner
  // publishes committed mentions to it. Null: that route answers 503. Must
  // outlive the server.
  MentionHub* mention_hub = nullptr;
};

// Ingests a batch of raw records and returns when they are committed
// (durable), e.g. a bound Pipeline::SubmitAndWait. Unavailable means the
// service is shutting down (answered 503). Called concurrently from request
// threads; must be thread-safe.
using IngestFn = std::function<base::Result<pipeline::BatchReport>(ingest::RawBatch)>;

// One route of the API. `path` is written as in OpenAPI ("/api/v1/mentions/{id}").
struct RouteInfo {
  std::string method;                     // "GET", "POST"
  std::string path;
  std::vector<std::string> query_params;  // accepted query parameters; others get 400
  // What the caller's role must allow (auth::RoleAllows). kNone: open, no
  // credentials needed. The default refuses everyone but admins: every
  // route of the table states its own.
  auth::Permission permission = auth::Permission::kManageUsers;
};

// The source name given to batches POSTed to the API.
inline constexpr std::string_view kPostSource = "POST /api/v1/mentions";

class Server {
 public:
  // `store`, `metrics` and `clock` must outlive the server. `json_decoder`
  // decodes POSTed records. `auth` is required (a null one is a broken
  // invariant) and must outlive the server: it checks every request but
  // those of kNone routes, and backs the /auth, /users, /teams, /tokens and
  // /audit routes (its directory is written by them). Registers its metrics in `metrics`:
  //   ecoute_http_requests_total{method,route,status}
  //   ecoute_http_request_duration_seconds{route}
  //   ecoute_stored_mentions, ecoute_stored_rejects, ecoute_stored_threads,
  //   ecoute_store_bytes (refreshed on each /metrics scrape)
  // `queries` (may be null: the /queries routes then answer 503, and
  // mention searches by query are refused) must outlive the server.
  // `alerts` (may be null: the alert routes then answer 503 "alerts are
  // disabled") must outlive the server; its hub feeds the streams, which
  // end when the hub closes (AlertService::Stop) or the server stops.
  // `care` (may be null: the care routes then answer 503 "the care inbox is
  // disabled") must outlive the server. The only write to `store` is
  // CorrectLabels (PATCH .../labels), from request threads: the store
  // serialises it with the pipeline's writer.
  Server(ServerOptions options, store::Store& store, IngestFn ingest,
         std::shared_ptr<const ingest::Decoder> json_decoder, auth::Authenticator* auth,
         base::MetricsRegistry& metrics = base::Metrics(),
         const base::Clock& clock = base::SystemClock(), queries::QueryService* queries = nullptr,
         alert::AlertService* alerts = nullptr, care::CareService* care = nullptr);
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Every route the server answers, in registration order, with the
  // permission it needs. The same table registers the handlers;
  // api_openapi_test checks it against docs/api/openapi.yaml (operations,
  // parameters, x-ecoute-permission) and api_authz_test walks it with every
  // role.
  static const std::vector<RouteInfo>& Routes();

  // Binds host:port and serves on background threads; returns once the
  // socket is listening. IoError naming host:port when it cannot bind;
  // Internal if already started. Call at most once.
  base::Status Start();

  // The bound port (the chosen one when options.port was 0); 0 before Start().
  int port() const;

  // Stops accepting connections and waits for in-flight requests to finish;
  // open alert and mention streams and CSV exports end within about
  // 250 ms. Idempotent; thread-safe.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecoute::api
