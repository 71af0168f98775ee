// The HTTP JSON API (docs/api/openapi.yaml): ingestion by POST, search
// (full text and the query language), monitored queries (CRUD and lint),
// label corrections and explanations, the category taxonomy, volume
// series, rejects, alerts (rules, alerts, ack/resolve, deliveries,
// notifiers and a server-sent event stream), health and Prometheus metrics.
//
// The server depends on the rest of ecoute only through narrow seams: the
// Store (read, plus Store::CorrectLabels for PATCH .../labels), a function
// that ingests a batch and returns once it is committed, the decoder used
// for JSON bodies, an optional explanation hook and the optional query and
// alert services. cpp-httplib does the
// HTTP; it is hidden behind this header.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <vector>

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

namespace ecoute::api {

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
};

// The source name given to batches POSTed to the API.
inline constexpr std::string_view kPostSource = "POST /api/v1/mentions";

class Server {
 public:
  // `store`, `metrics` and `clock` must outlive the server. `json_decoder`
  // decodes POSTed records. Registers its metrics in `metrics`:
  //   ecoute_http_requests_total{method,route,status}
  //   ecoute_http_request_duration_seconds{route}
  //   ecoute_stored_mentions, ecoute_stored_rejects, ecoute_stored_threads,
  //   ecoute_store_bytes (refreshed on each /metrics scrape)
  // `queries` (may be null: the /queries routes then answer 503, and
  // mention searches by query are refused) must outlive the server.
  // `alerts` (may be null: the alert routes then answer 503 "alerts are
  // disabled") must outlive the server; its hub feeds the streams, which
  // end when the hub closes (AlertService::Stop) or the server stops. The
  // only write to `store` is CorrectLabels (PATCH .../labels), from request
  // threads: the store serialises it with the pipeline's writer.
  Server(ServerOptions options, store::Store& store, IngestFn ingest,
         std::shared_ptr<const ingest::Decoder> json_decoder, base::MetricsRegistry& metrics = base::Metrics(),
         const base::Clock& clock = base::SystemClock(), queries::QueryService* queries = nullptr,
         alert::AlertService* alerts = nullptr);
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Every route the server answers, in registration order. The same table
  // registers the handlers, and api_openapi_test checks it against
  // docs/api/openapi.yaml.
  static const std::vector<RouteInfo>& Routes();

  // Binds host:port and serves on background threads; returns once the
  // socket is listening. IoError naming host:port when it cannot bind;
  // Internal if already started. Call at most once.
  base::Status Start();

  // The bound port (the chosen one when options.port was 0); 0 before Start().
  int port() const;

  // Stops accepting connections and waits for in-flight requests to finish;
  // open alert streams end within about 250 ms. Idempotent; thread-safe.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecoute::api
