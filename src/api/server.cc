#include "api/server.h"

#include <httplib.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <limits>
#include <mutex>
#include <regex>
#include <thread>
#include <tuple>
#include <utility>

#include <nlohmann/json.hpp>

#include "api/alerts_api.h"
#include "api/auth_api.h"
#include "api/care_api.h"
#include "api/export_api.h"
#include "api/mention_filters.h"
#include "api/mention_stream_api.h"
#include "api/params.h"
#include "api/query_json.h"
#include "api/reply.h"
#include "api/request_context.h"
#include "api/routing.h"
#include "api/static_files.h"
#include "api/volume.h"
#include "auth/authenticator.h"
#include "ingest/input.h"
#include "model/mention_json.h"

namespace ecoute::api {

namespace {

using nlohmann::json;

constexpr int64_t kDefaultVolumeDays = 7;
constexpr const char* kPrometheusType = "text/plain; version=0.0.4; charset=utf-8";
constexpr const char* kUnmatchedRoute = "unmatched";
constexpr const char* kStaticRoute = "static";  // the web app's files (StaticFiles)

}  // namespace

// Adding an API class (say CareApi, for /api/v1/cases...):
//   1. Write it like AlertsApi or AuthApi: handlers are methods
//        Reply CareApi::ListCases(const httplib::Request& req, const RequestContext& ctx);
//      ctx.route is the route (its query_params), ctx.user() the caller
//      (authenticated and allowed by the route's permission before the
//      call), ctx.actor() the audit actor.
//   2. Give Server::Impl a member of that class (built from what the Server
//      constructor receives) and add its type to `Apis` and its address to
//      `apis_`.
//   3. Add its rows to Defs(): Route("GET", "/api/v1/cases",
//      P::kReadCases, &CareApi::ListCases, {"status", "limit"}). A table
//      built at run time (a vector of {method, path, permission, member
//      pointer}) can be appended to `defs` the same way, with Bind() (or a
//      lambda taking (apis, req, ctx)) as the handler.
//   4. Document each operation in docs/api/openapi.yaml with its
//      x-ecoute-permission (api_openapi_test compares); api_authz_test
//      covers the new routes with every role by itself.
class Server::Impl {
 public:
  // The objects whose methods handle routes.
  using Apis = std::tuple<Impl*, AlertsApi*, AuthApi*, CareApi*, MentionStreamApi*, ExportApi*>;
  using Handler = std::function<Reply(const Apis&, const httplib::Request&, const RequestContext&)>;

  // A handler calling `fn` on this server's object of class Api.
  template <typename Api>
  static Handler Bind(Reply (Api::*fn)(const httplib::Request&, const RequestContext&)) {
    return [fn](const Apis& apis, const httplib::Request& req, const RequestContext& ctx) {
      return (std::get<Api*>(apis)->*fn)(req, ctx);
    };
  }

  // One route: its description and its handler (a method of one of Apis).
  struct RouteDef {
    RouteInfo info;
    Handler handler;
  };

  template <typename Api>
  static RouteDef Route(std::string method, std::string path, auth::Permission permission,
                        Reply (Api::*fn)(const httplib::Request&, const RequestContext&),
                        std::vector<std::string> query_params = {}) {
    return {{std::move(method), std::move(path), std::move(query_params), permission}, Bind(fn)};
  }

  // The care inbox's routes (CareApi::Routes(), handlers taking the
  // caller's principal) inserted before /healthz.
  static std::vector<RouteDef> WithCareRoutes(std::vector<RouteDef> defs) {
    std::vector<RouteDef> care;
    for (const CareRoute& cr : CareApi::Routes()) {
      care.push_back({{cr.method, cr.path, cr.query_params, cr.permission},
                      [h = cr.handler](const Apis& apis, const httplib::Request& req, const RequestContext& ctx) {
                        return (std::get<CareApi*>(apis)->*h)(req, ctx.route, ctx.user());
                      }});
    }
    auto at = std::find_if(defs.begin(), defs.end(), [](const RouteDef& d) { return d.info.path == "/healthz"; });
    defs.insert(at, std::make_move_iterator(care.begin()), std::make_move_iterator(care.end()));
    return defs;
  }

  static const std::vector<RouteDef>& Defs() {
    using P = auth::Permission;
    static const std::vector<RouteDef> defs = WithCareRoutes({
        Route("POST", "/api/v1/mentions", P::kIngest, &Impl::PostMentions),
        Route("GET", "/api/v1/mentions", P::kRead, &Impl::ListMentions,
              {"q", "query", "query_id", "highlight", "from", "to", "channel", "lang", "author",
              "thread", "limit", "cursor"}),
        // Before /mentions/{id}, which would match "stream" too.
        Route("GET", "/api/v1/mentions/stream", P::kRead, &MentionStreamApi::Stream,
              {"query_id", "channel", "lang", "sentiment", "category", "severity", "needs_reply", "max_rate"}),
        Route("GET", "/api/v1/export/mentions.csv", P::kRead, &ExportApi::Mentions,
              {"q", "query", "query_id", "from", "to", "channel", "lang", "author", "thread", "sentiment",
              "category", "severity", "needs_reply"}),
        Route("GET", "/api/v1/mentions/{id}", P::kRead, &Impl::GetMention, {"highlight"}),
        Route("PATCH", "/api/v1/mentions/{id}/labels", P::kLabel, &Impl::PatchLabels),
        Route("GET", "/api/v1/mentions/{id}/explain", P::kRead, &Impl::ExplainMention),
        Route("GET", "/api/v1/categories", P::kRead, &Impl::ListCategories),
        Route("GET", "/api/v1/queries", P::kRead, &Impl::ListQueries),
        Route("POST", "/api/v1/queries", P::kManageQueries, &Impl::CreateQuery),
        Route("POST", "/api/v1/queries/lint", P::kRead, &Impl::LintQuery),
        Route("GET", "/api/v1/queries/{id}", P::kRead, &Impl::GetQuery),
        Route("PUT", "/api/v1/queries/{id}", P::kManageQueries, &Impl::UpdateQuery),
        Route("DELETE", "/api/v1/queries/{id}", P::kManageQueries, &Impl::DeleteQuery),
        Route("GET", "/api/v1/stats/volume", P::kRead, &Impl::Volume,
              {"interval", "from", "to", "group_by", "channel", "lang", "query_id", "sentiment",
              "category", "severity", "needs_reply"}),
        Route("GET", "/api/v1/stats/summary", P::kRead, &Impl::Summary),
        Route("GET", "/api/v1/stats/authors", P::kRead, &Impl::Authors,
              {"from", "to", "query_id", "channel", "lang", "sentiment", "limit", "by"}),
        Route("GET", "/api/v1/rejects", P::kRead, &Impl::Rejects, {"limit", "before"}),
        Route("GET", "/api/v1/alert-rules", P::kRead, &AlertsApi::ListRules),
        Route("POST", "/api/v1/alert-rules", P::kManageAlerts, &AlertsApi::CreateRule),
        // Before /alert-rules/{name}. Read: a preview changes nothing.
        Route("POST", "/api/v1/alert-rules/preview", P::kRead, &AlertsApi::PreviewRule),
        Route("GET", "/api/v1/alert-rules/{name}", P::kRead, &AlertsApi::GetRule),
        Route("PUT", "/api/v1/alert-rules/{name}", P::kManageAlerts, &AlertsApi::ReplaceRule),
        Route("DELETE", "/api/v1/alert-rules/{name}", P::kManageAlerts, &AlertsApi::DeleteRule),
        Route("GET", "/api/v1/alerts", P::kRead, &AlertsApi::ListAlerts,
              {"status", "rule", "kind", "since", "until", "before_id", "limit"}),
        // Before /alerts/{id}, which would match "stream" and "counts" too.
        Route("GET", "/api/v1/alerts/stream", P::kRead, &AlertsApi::Stream),
        Route("GET", "/api/v1/alerts/counts", P::kRead, &AlertsApi::CountAlerts, {"rule", "by_rule"}),
        Route("GET", "/api/v1/alerts/{id}", P::kRead, &AlertsApi::GetAlert),
        Route("POST", "/api/v1/alerts/{id}/ack", P::kAckAlerts, &AlertsApi::Acknowledge),
        Route("POST", "/api/v1/alerts/{id}/resolve", P::kAckAlerts, &AlertsApi::Resolve),
        Route("GET", "/api/v1/alert-deliveries", P::kRead, &AlertsApi::ListDeliveries,
              {"alert_id", "notifier", "state", "before_id", "limit"}),
        Route("GET", "/api/v1/notifiers", P::kRead, &AlertsApi::ListNotifiers),
        Route("POST", "/api/v1/auth/login", P::kNone, &AuthApi::Login),
        Route("POST", "/api/v1/auth/logout", P::kSelf, &AuthApi::Logout),
        Route("GET", "/api/v1/auth/me", P::kSelf, &AuthApi::Me),
        Route("PATCH", "/api/v1/auth/me", P::kSelf, &AuthApi::UpdateMe),
        Route("GET", "/api/v1/users", P::kReadCases, &AuthApi::ListUsers),
        Route("POST", "/api/v1/users", P::kManageUsers, &AuthApi::CreateUser),
        Route("GET", "/api/v1/users/{id}", P::kReadCases, &AuthApi::GetUser),
        Route("PATCH", "/api/v1/users/{id}", P::kManageUsers, &AuthApi::UpdateUser),
        Route("DELETE", "/api/v1/users/{id}", P::kManageUsers, &AuthApi::DeleteUser),
        Route("GET", "/api/v1/teams", P::kReadCases, &AuthApi::ListTeams),
        Route("POST", "/api/v1/teams", P::kManageCare, &AuthApi::CreateTeam),
        Route("GET", "/api/v1/teams/{id}", P::kReadCases, &AuthApi::GetTeam),
        Route("PATCH", "/api/v1/teams/{id}", P::kManageCare, &AuthApi::UpdateTeam),
        Route("DELETE", "/api/v1/teams/{id}", P::kManageCare, &AuthApi::DeleteTeam),
        Route("GET", "/api/v1/tokens", P::kSelf, &AuthApi::ListTokens, {"user"}),
        Route("POST", "/api/v1/tokens", P::kSelf, &AuthApi::CreateToken),
        Route("DELETE", "/api/v1/tokens/{id}", P::kSelf, &AuthApi::DeleteToken),
        Route("GET", "/api/v1/audit", P::kManageUsers, &AuthApi::Audit,
              {"actor", "action", "target", "since", "until", "before_id", "limit"}),
        Route("GET", "/healthz", P::kNone, &Impl::Health),
        Route("GET", "/metrics", P::kRead, &Impl::MetricsPage),
    });
    return defs;
  }

  static const std::vector<RouteInfo>& Infos() {
    static const std::vector<RouteInfo> infos = [] {
      std::vector<RouteInfo> out;
      for (const RouteDef& d : Defs()) out.push_back(d.info);
      return out;
    }();
    return infos;
  }

  Impl(ServerOptions options, store::Store& store, IngestFn ingest,
       std::shared_ptr<const ingest::Decoder> json_decoder, auth::Authenticator& auth, base::MetricsRegistry& metrics,
       const base::Clock& clock, queries::QueryService* queries, alert::AlertService* alerts,
       care::CareService* care)
      : options_(std::move(options)),
        store_(store),
        queries_(queries),
        auth_(auth),
        alerts_api_(alerts, store, clock, std::chrono::milliseconds(options_.stream_keep_alive_ms), stopping_),
        auth_api_(auth, options_.secure_cookies),
        care_api_(care, store, options_.explain, &auth.directory(), clock),
        mention_stream_api_(options_.mention_hub, options_.categories, stopping_),
        export_api_(store, queries, options_.categories, clock),
        static_files_(options_.web_root),
        ingest_(std::move(ingest)),
        json_decoder_(std::move(json_decoder)),
        metrics_(metrics),
        clock_(clock) {
    for (const RouteDef& d : Defs()) {
      path_regexes_.emplace_back(PathRegex(d.info.path));
      latency_.push_back(metrics_.GetHistogram("ecoute_http_request_duration_seconds",
                                               "HTTP request latency by route, seconds", {{"route", d.info.path}}));
    }
    latency_.push_back(metrics_.GetHistogram("ecoute_http_request_duration_seconds",
                                             "HTTP request latency by route, seconds", {{"route", kUnmatchedRoute}}));
    latency_.push_back(metrics_.GetHistogram("ecoute_http_request_duration_seconds",
                                             "HTTP request latency by route, seconds", {{"route", kStaticRoute}}));
    stored_mentions_ = metrics_.GetGauge("ecoute_stored_mentions", "Mentions in the store (at the last scrape)");
    stored_rejects_ = metrics_.GetGauge("ecoute_stored_rejects", "Rejected records kept in the store");
    stored_threads_ = metrics_.GetGauge("ecoute_stored_threads", "Conversation threads in the store");
    store_bytes_ = metrics_.GetGauge("ecoute_store_bytes", "On-disk size of the store, bytes");
    store_up_ = metrics_.GetGauge("ecoute_store_up", "1 if the store answered at the last scrape, else 0");
  }

  ~Impl() { Stop(); }

  base::Status Start() {
    std::lock_guard lock(mu_);
    if (started_) return base::Status::Internal("api server already started");
    started_ = true;
    Configure();
    const std::string where = options_.host + ":" + std::to_string(options_.port);
    errno = 0;
    int bound = -1;
    if (options_.port == 0) {
      bound = http_.bind_to_any_port(options_.host);
    } else if (http_.bind_to_port(options_.host, options_.port)) {
      bound = options_.port;
    }
    if (bound <= 0) {
      std::string why = errno != 0 ? std::strerror(errno) : "cannot bind";
      return base::Status::IoError("cannot listen on " + where + ": " + why);
    }
    port_.store(bound);
    thread_ = std::thread([this] {
      http_.listen_after_bind();
      listen_returned_.store(true);
    });
    // httplib's stop() only acts once the accept loop runs; wait for it so a
    // Stop() right after Start() cannot be lost.
    while (!http_.is_running() && !listen_returned_.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    spdlog::info("api: listening on {}:{}", options_.host, bound);
    if (static_files_.built()) spdlog::info("api: serving the web app from {}", options_.web_root);
    else if (options_.web_root.empty()) spdlog::info("api: no web app (no web root)");
    else spdlog::info("api: the web app is not built ({} has no index.html): run `make build`", options_.web_root);
    return base::Status::Ok();
  }

  int port() const { return port_.load(); }

  void Stop() {
    std::lock_guard lock(mu_);
    if (!thread_.joinable()) return;
    stopping_.store(true);  // ends open alert streams
    http_.stop();
    thread_.join();
  }

 private:
  void Configure() {
    const int threads = std::max(1, options_.threads);
    // httplib takes ownership of the returned queue and deletes it.
    http_.new_task_queue = [threads] { return std::make_unique<httplib::ThreadPool>(threads).release(); };
    // RawBatch offsets are 32-bit.
    http_.set_payload_max_length(std::min<size_t>(options_.max_body_bytes, std::numeric_limits<uint32_t>::max()));
    http_.set_tcp_nodelay(true);
    // httplib's default sets SO_REUSEPORT, which would let a second server
    // share a taken port; plain SO_REUSEADDR makes a taken port an error.
    http_.set_socket_options([](socket_t sock) {
      int yes = 1;
      ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    });
    http_.set_keep_alive_timeout(std::max(1, options_.keep_alive_seconds));

    const auto& defs = Defs();
    for (size_t i = 0; i < defs.size(); ++i) {
      auto handler = [this, i](const httplib::Request& req, httplib::Response& res) { Serve(i, req, res); };
      const bool registered = RegisterRoute(http_, defs[i].info.method, defs[i].info.path, handler);
      ECOUTE_CHECK_MSG(registered, defs[i].info.method);
    }
    // Anything else: 405 when the path exists under another method, else 404.
    auto unmatched = [this](const httplib::Request& req, httplib::Response& res) { Serve(kNoRoute, req, res); };
    http_.Get(".*", unmatched);
    http_.Post(".*", unmatched);
    http_.Put(".*", unmatched);
    http_.Patch(".*", unmatched);
    http_.Delete(".*", unmatched);
    http_.Options(".*", unmatched);

    // Errors httplib produces itself (413 body too large, 400 malformed
    // request) get a JSON body too; replies we built are left alone.
    http_.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                        httplib::Response& res) {
      if (!res.body.empty()) return httplib::Server::HandlerResponse::Unhandled;
      Reply r;
      if (res.status == 413) {
        r = ErrorReply(413, "payload_too_large",
                       "request body exceeds " + std::to_string(options_.max_body_bytes) +
                           " bytes; split it into smaller batches");
      } else {
        r = ErrorReply(res.status, res.status >= 500 ? "internal" : "invalid_argument",
                       "malformed HTTP request (" + std::to_string(res.status) + ")");
      }
      res.body = std::move(r.body);
      res.set_header("Content-Type", r.content_type);
      Record(RouteIndexFor(req), req, res.status, std::nullopt);
      return httplib::Server::HandlerResponse::Handled;
    }));
    http_.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr) {
      Reply r = ErrorReply(500, "internal", "internal error");
      res.status = 500;
      res.body = std::move(r.body);
      res.set_header("Content-Type", r.content_type);
    });
  }

  static constexpr size_t kNoRoute = static_cast<size_t>(-1);
  static constexpr size_t kStaticFiles = kNoRoute - 1;  // recorded as route "static"

  // The index of the route whose path and method match, or kNoRoute.
  size_t RouteIndexFor(const httplib::Request& req) const {
    const auto& defs = Defs();
    std::string_view method = req.method == "HEAD" ? "GET" : std::string_view(req.method);
    for (size_t i = 0; i < defs.size(); ++i) {
      if (defs[i].info.method == method && std::regex_match(req.path, path_regexes_[i])) return i;
    }
    return kNoRoute;
  }

  void Serve(size_t route, const httplib::Request& req, httplib::Response& res) {
    const int64_t start = clock_.MonotonicNanos();
    Reply r;
    try {
      if (route == kNoRoute && StaticFiles::IsAppRequest(req)) {
        r = static_files_.Serve(req);
        if (r.status != 404) route = kStaticFiles;  // a path that is no file stays "unmatched"
      } else {
        r = route == kNoRoute ? Unmatched(req) : Handle(Defs()[route], req);
      }
    } catch (const std::exception& e) {
      spdlog::error("api: {} {}: {}", req.method, req.path, e.what());
      r = ErrorReply(500, "internal", std::string("internal error: ") + e.what());
    } catch (...) {
      r = ErrorReply(500, "internal", "internal error");
    }
    res.status = r.status;
    for (auto& [name, value] : r.headers) res.set_header(name.c_str(), value);
    if (r.stream) {
      res.set_chunked_content_provider(r.content_type, std::move(r.stream));
    } else if (r.status != 204) {
      res.body = std::move(r.body);
      res.set_header("Content-Type", r.content_type);
    }
    Record(route, req, r.status, start);
  }

  // Authenticates the request and checks its route's permission, then
  // calls the handler.
  Reply Handle(const RouteDef& d, const httplib::Request& req) {
    RequestContext ctx{d.info, nullptr, req.remote_addr};
    if (d.info.permission == auth::Permission::kNone) return d.handler(apis_, req, ctx);
    const std::string authorization = req.get_header_value("Authorization");
    const std::string cookie = req.get_header_value("Cookie");
    const std::string csrf = req.get_header_value("X-CSRF-Token");
    base::Result<auth::Principal> p = auth_.Authenticate(auth::Credentials{req.method, authorization, cookie, csrf});
    if (!p.ok()) {
      const base::Status& s = p.status();
      if (s.code() == base::StatusCode::kUnauthenticated) return UnauthenticatedReply(s.message());
      if (s.code() == base::StatusCode::kPermissionDenied)
        return ErrorReply(403, "permission_denied", s.message(), "X-CSRF-Token");
      return StatusReply(s);
    }
    if (!auth::RoleAllows(p->role, d.info.permission)) {
      return ErrorReply(403, "permission_denied",
                        "permission " + std::string(auth::PermissionName(d.info.permission)) + " needed: " + p->login +
                            " has role " + std::string(auth::RoleName(p->role)) + " (docs/auth.md)");
    }
    ctx.principal = &*p;
    return d.handler(apis_, req, ctx);
  }

  void Record(size_t route, const httplib::Request& req, int status, std::optional<int64_t> start_nanos) {
    const std::string& route_name = route == kNoRoute       ? unmatched_name_
                                    : route == kStaticFiles ? static_name_
                                                            : Defs()[route].info.path;
    metrics_
        .GetCounter("ecoute_http_requests_total", "HTTP requests by method, route and status",
                    {{"method", req.method}, {"route", route_name}, {"status", std::to_string(status)}})
        ->Add();
    double seconds = 0;
    if (start_nanos) {
      seconds = static_cast<double>(clock_.MonotonicNanos() - *start_nanos) / 1e9;
      latency_[route == kNoRoute ? latency_.size() - 2 : route == kStaticFiles ? latency_.size() - 1 : route]->Observe(
          seconds);
    }
    if (spdlog::should_log(spdlog::level::debug)) {
      spdlog::debug("api: {} {} -> {} ({:.3f} ms, {} bytes in)", req.method, req.target, status, seconds * 1e3,
                    req.body.size());
    }
  }

  Reply Unmatched(const httplib::Request& req) {
    std::string allow;
    const auto& defs = Defs();
    for (size_t i = 0; i < defs.size(); ++i) {
      if (std::regex_match(req.path, path_regexes_[i]) && allow.find(defs[i].info.method) == std::string::npos) {
        if (!allow.empty()) allow += ", ";
        allow += defs[i].info.method;
      }
    }
    if (allow.empty()) return ErrorReply(404, "not_found", "no route for " + QuoteValue(req.path));
    Reply r = ErrorReply(405, "method_not_allowed",
                         "method " + req.method + " not allowed on " + req.path + "; allowed: " + allow);
    r.headers.emplace_back("Allow", allow);
    return r;
  }

  // POST /api/v1/mentions
  Reply PostMentions(const httplib::Request& req, const RequestContext& ctx) {
    if (std::optional<Reply> refused = RefuseContentType(req)) return *refused;
    QueryParams params(req.params, ctx.route.query_params);
    if (params.error()) return ParamReply(*params.error());

    ingest::RawBatch batch;
    batch.source = kPostSource;
    batch.decoder = json_decoder_;
    batch.buffer.reserve(req.body.size());
    ingest::SplitJsonBody(req.body, batch);
    if (batch.records.empty()) {
      return ErrorReply(400, "invalid_argument", "body holds no JSON records (empty or blank lines only)");
    }
    base::Result<pipeline::BatchReport> result = ingest_(std::move(batch));
    if (!result.ok()) return StatusReply(result.status());
    const pipeline::BatchReport& report = *result;
    const store::WriteSummary& s = report.summary;

    std::string out;
    out.reserve(128 + report.ids.size() * 12 + report.rejections.size() * 128);
    out += "{\"accepted\":";
    AppendInt(out, s.inserted + s.updated);
    out += ",\"inserted\":";
    AppendInt(out, s.inserted);
    out += ",\"updated\":";
    AppendInt(out, s.updated);
    out += ",\"duplicates\":";
    AppendInt(out, s.duplicates);
    out += ",\"rejected\":";
    AppendInt(out, s.rejected);
    out += ",\"ids\":[";
    for (size_t i = 0; i < report.ids.size(); ++i) {
      if (i) out += ',';
      AppendInt(out, report.ids[i]);
    }
    out += "],\"errors\":[";
    for (size_t i = 0; i < report.rejections.size(); ++i) {
      const model::Rejection& rej = report.rejections[i];
      json e = json::object();
      e["index"] = rej.index;
      e["line"] = rej.line > 0 ? json(rej.line) : json(nullptr);
      e["location"] = rej.location;
      e["field"] = rej.field;
      e["reason"] = rej.reason;
      if (i) out += ',';
      out += Dump(e);
    }
    out += "]}";
    Reply r;
    r.body = std::move(out);
    return r;
  }

  // GET /api/v1/mentions
  Reply ListMentions(const httplib::Request& req, const RequestContext& ctx) {
    QueryParams p(req.params, ctx.route.query_params);
    MentionSearch search = ReadMentionSearch(p);
    store::MentionFilter& f = search.filter;
    const std::optional<std::string>& query = search.query;
    const bool highlight = p.Bool("highlight", false);
    f.limit = static_cast<int>(p.Int("limit", kDefaultLimit, 1, kMaxLimit));
    if (auto c = p.String("cursor"); c && !c->empty()) {
      base::Result<store::Cursor> cursor = store::Cursor::Decode(*c);
      if (cursor.ok()) f.after = *cursor;
      else p.Fail("cursor", "cursor is not valid: " + QuoteValue(*c) + " (pass next_cursor back unchanged)");
    }
    if (p.error()) return ParamReply(*p.error());
    if ((query || highlight) && queries_ == nullptr)
      return ErrorReply(503, "unavailable", "monitored queries are not available in this process");

    store::MentionPage page;
    std::vector<std::vector<match::MatchSpan>> spans;
    bool full_scan = false;
    if (query) {
      base::Result<queries::HistoryPage> h = queries_->SearchHistory(*query, f);
      if (!h.ok()) return FieldStatusReply(h.status());
      page = std::move(h->page);
      spans = std::move(h->spans);
      full_scan = h->full_scan;
    } else {
      base::Result<store::MentionPage> r = store_.Search(f);
      if (!r.ok()) return StatusReply(r.status());
      page = std::move(*r);
    }
    std::string out;
    out.reserve(64 + page.items.size() * 512);
    out += "{\"items\":[";
    for (size_t i = 0; i < page.items.size(); ++i) {
      if (i) out += ',';
      AppendMention(page.items[i], query ? &spans[i] : nullptr, highlight, out);
    }
    out += "],\"next_cursor\":";
    out += page.next ? Dump(json(page.next->Encode())) : std::string("null");
    if (query) {
      out += ",\"scanned\":";
      AppendInt(out, page.scanned);
      out += ",\"full_scan\":";
      out += full_scan ? "true" : "false";
    }
    out += '}';
    Reply r;
    r.body = std::move(out);
    return r;
  }

  // A mention's JSON, with "highlights" (spans of the searched query) and
  // "matches" (the monitored queries it matches now, with spans) when asked.
  void AppendMention(const model::Mention& m, const std::vector<match::MatchSpan>* spans, bool highlight,
                     std::string& out) const {
    std::string j = model::MentionToJsonLine(m);
    if (spans == nullptr && !highlight) {
      out += j;
      return;
    }
    j.pop_back();  // the closing brace
    if (spans != nullptr) j += ",\"highlights\":" + Dump(SpansJson(*spans));
    if (highlight && queries_ != nullptr) {
      json matches = json::array();
      for (const match::EngineMatch& em : queries_->Highlight(m)) {
        std::optional<std::string> name = queries_->NameOf(em.query_id);
        matches.push_back({{"query_id", em.query_id},
                           {"name", name ? json(*name) : json(nullptr)},
                           {"spans", SpansJson(em.spans)}});
      }
      j += ",\"matches\":" + Dump(matches);
    }
    j += '}';
    out += j;
  }

  Reply QueriesUnavailable() const {
    return ErrorReply(503, "unavailable", "monitored queries are not available in this process");
  }

  // GET /api/v1/queries
  Reply ListQueries(const httplib::Request& req, const RequestContext& ctx) {
    QueryParams p(req.params, ctx.route.query_params);
    if (p.error()) return ParamReply(*p.error());
    if (queries_ == nullptr) return QueriesUnavailable();
    json items = json::array();
    for (const queries::QueryInfo& q : queries_->List()) items.push_back(QueryInfoJson(q));
    return JsonReply({{"items", std::move(items)}});
  }

  // POST /api/v1/queries
  Reply CreateQuery(const httplib::Request& req, const RequestContext&) {
    if (std::optional<Reply> refused = RefuseContentType(req)) return *refused;
    if (queries_ == nullptr) return QueriesUnavailable();
    base::Result<store::QueryDef> def = ParseQueryInput(req.body);
    if (!def.ok()) return FieldStatusReply(def.status());
    base::Result<queries::QueryInfo> info = queries_->Create(std::move(*def));
    if (!info.ok()) return FieldStatusReply(info.status());
    return JsonReply(QueryInfoJson(*info), 201);
  }

  // POST /api/v1/queries/lint
  Reply LintQuery(const httplib::Request& req, const RequestContext&) {
    if (std::optional<Reply> refused = RefuseContentType(req)) return *refused;
    if (queries_ == nullptr) return QueriesUnavailable();
    json j = json::parse(req.body, nullptr, false);
    if (j.is_discarded() || !j.is_object() || !j.contains("query") || !j["query"].is_string())
      return ErrorReply(400, "invalid_argument", "body must be {\"query\": \"...\", \"name\"?: \"...\"}", "query");
    std::string name = j.contains("name") && j["name"].is_string() ? j["name"].get<std::string>() : "";
    return JsonReply(CheckJson(queries_->Check(j["query"].get<std::string>(), name)));
  }

  // GET /api/v1/queries/{id}
  Reply GetQuery(const httplib::Request& req, const RequestContext&) {
    Reply error;
    std::optional<int64_t> id = PathId(req, error);
    if (!id) return error;
    if (queries_ == nullptr) return QueriesUnavailable();
    std::optional<queries::QueryInfo> info = queries_->Get(*id);
    if (!info) return ErrorReply(404, "not_found", "no query with id " + std::to_string(*id), "id");
    return JsonReply(QueryInfoJson(*info));
  }

  // PUT /api/v1/queries/{id}
  Reply UpdateQuery(const httplib::Request& req, const RequestContext&) {
    if (std::optional<Reply> refused = RefuseContentType(req)) return *refused;
    Reply error;
    std::optional<int64_t> id = PathId(req, error);
    if (!id) return error;
    if (queries_ == nullptr) return QueriesUnavailable();
    base::Result<store::QueryDef> def = ParseQueryInput(req.body);
    if (!def.ok()) return FieldStatusReply(def.status());
    base::Result<queries::QueryInfo> info = queries_->Update(*id, std::move(*def));
    if (!info.ok()) return FieldStatusReply(info.status());
    return JsonReply(QueryInfoJson(*info));
  }

  // DELETE /api/v1/queries/{id}
  Reply DeleteQuery(const httplib::Request& req, const RequestContext&) {
    Reply error;
    std::optional<int64_t> id = PathId(req, error);
    if (!id) return error;
    if (queries_ == nullptr) return QueriesUnavailable();
    base::Status s = queries_->Delete(*id);
    if (!s.ok()) return StatusReply(s, s.code() == base::StatusCode::kNotFound ? "id" : "");
    return JsonReply({{"deleted", *id}});
  }

  // GET /api/v1/mentions/{id}
  Reply GetMention(const httplib::Request& req, const RequestContext& ctx) {
    QueryParams p(req.params, ctx.route.query_params);
    const bool highlight = p.Bool("highlight", false);
    if (p.error()) return ParamReply(*p.error());
    Reply error;
    std::optional<int64_t> id = PathId(req, error);
    if (!id) return error;
    if (highlight && queries_ == nullptr) return QueriesUnavailable();
    base::Result<std::optional<model::Mention>> m = store_.Get(*id);
    if (!m.ok()) return StatusReply(m.status());
    if (!m->has_value()) return ErrorReply(404, "not_found", "no mention with id " + std::to_string(*id), "id");
    Reply r;
    AppendMention(**m, nullptr, highlight, r.body);
    return r;
  }

  // Whether `name` may be a mention's category: one of options_.categories
  // or "none"; any [a-z0-9_]{1,64} when no taxonomy was given.
  bool KnownCategory(std::string_view name) const { return IsKnownCategory(options_.categories, name); }

  std::string CategoryChoices() const { return api::CategoryChoices(options_.categories); }

  // PATCH /api/v1/mentions/{id}/labels
  Reply PatchLabels(const httplib::Request& req, const RequestContext& ctx) {
    if (std::optional<Reply> refused = RefuseContentType(req)) return *refused;
    QueryParams p(req.params, ctx.route.query_params);
    if (p.error()) return ParamReply(*p.error());
    Reply error;
    std::optional<int64_t> id = PathId(req, error);
    if (!id) return error;
    json j = json::parse(req.body, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      return ErrorReply(400, "invalid_argument",
                        "body must be a JSON object: {\"sentiment\"?, \"needs_reply\"?, \"category\"?, "
                        "\"severity_level\"?}",
                        "body");
    store::LabelCorrection c;
    c.user = ctx.user().login;  // who corrects: the signed-in user, never a name in the body
    for (const auto& [key, value] : j.items()) {
      auto text = [&, &key = key, &value = value](std::optional<std::string>& out) -> std::optional<Reply> {
        if (!value.is_string())
          return ErrorReply(400, "invalid_argument", key + " must be a string", key);
        out = value.get<std::string>();
        return std::nullopt;
      };
      std::optional<Reply> bad;
      if (key == "sentiment") {
        bad = text(c.sentiment);
        if (!bad && !store::IsSentimentLabel(*c.sentiment))
          bad = ErrorReply(400, "invalid_argument",
                           "sentiment must be negative, neutral or positive, got " + QuoteValue(*c.sentiment), key);
      } else if (key == "needs_reply") {
        if (!value.is_boolean()) bad = ErrorReply(400, "invalid_argument", "needs_reply must be true or false", key);
        else c.needs_reply = value.get<bool>();
      } else if (key == "category") {
        bad = text(c.category);
        if (!bad && !KnownCategory(*c.category))
          bad = ErrorReply(400, "invalid_argument",
                           "category must be " + CategoryChoices() + ", got " + QuoteValue(*c.category), key);
      } else if (key == "severity_level") {
        bad = text(c.severity_level);
        if (!bad && !store::IsSeverityLevel(*c.severity_level))
          bad = ErrorReply(400, "invalid_argument",
                           "severity_level must be none, low, medium, high or critical, got " +
                               QuoteValue(*c.severity_level),
                           key);
      } else {
        bad = ErrorReply(400, "invalid_argument",
                         "unknown key " + QuoteValue(key) +
                             "; expected sentiment, needs_reply, category or severity_level (the user is the "
                             "signed-in account)",
                         key);
      }
      if (bad) return *bad;
    }
    if (!c.sentiment && !c.needs_reply && !c.category && !c.severity_level)
      return ErrorReply(400, "invalid_argument",
                        "nothing to correct: give at least one of sentiment, needs_reply, category, severity_level",
                        "body");
    // Keep the two stages coherent: no reply needed means no category, and
    // a category means a reply is needed.
    if (c.needs_reply && !*c.needs_reply && !c.category) c.category = "none";
    if (c.category && *c.category != "none" && !c.needs_reply) c.needs_reply = true;
    if (c.category && *c.category == "none" && !c.needs_reply) c.needs_reply = false;
    if (c.needs_reply && c.category && *c.needs_reply == (*c.category == "none")) {
      return ErrorReply(400, "invalid_argument",
                        *c.needs_reply ? "needs_reply true needs a category other than none"
                                       : "needs_reply false goes with category none",
                        "category");
    }
    c.at = clock_.Now();
    base::Result<model::Mention> m = store_.CorrectLabels(*id, c);
    if (!m.ok()) {
      if (m.status().code() == base::StatusCode::kNotFound)
        return ErrorReply(404, "not_found", "no mention with id " + std::to_string(*id), "id");
      return FieldStatusReply(m.status());
    }
    Reply r;
    AppendMention(*m, nullptr, false, r.body);
    return r;
  }

  // GET /api/v1/mentions/{id}/explain
  Reply ExplainMention(const httplib::Request& req, const RequestContext& ctx) {
    QueryParams p(req.params, ctx.route.query_params);
    if (p.error()) return ParamReply(*p.error());
    Reply error;
    std::optional<int64_t> id = PathId(req, error);
    if (!id) return error;
    if (!options_.explain) return ErrorReply(503, "unavailable", "understanding models not loaded");
    base::Result<std::optional<model::Mention>> m = store_.Get(*id);
    if (!m.ok()) return StatusReply(m.status());
    if (!m->has_value()) return ErrorReply(404, "not_found", "no mention with id " + std::to_string(*id), "id");
    base::Result<std::string> text = options_.explain(**m);
    if (!text.ok()) return StatusReply(text.status());
    json explanation = json::parse(*text, nullptr, false);
    if (explanation.is_discarded() || !explanation.is_object())
      return ErrorReply(500, "internal", "the explanation is not a JSON object");
    const json full = model::MentionToJson(**m);
    json labels = json::object();
    for (const char* key : {"lang", "sentiment", "sentiment_score", "sentiment_polarity", "needs_reply",
                            "needs_reply_score", "category", "category_score", "severity", "severity_level",
                            "severity_reasons", "corrected"}) {
      if (full.contains(key)) labels[key] = full[key];
    }
    if (!labels.contains("corrected")) labels["corrected"] = json::array();
    return JsonReply({{"id", *id}, {"labels", std::move(labels)}, {"explanation", std::move(explanation)}});
  }

  // GET /api/v1/categories
  Reply ListCategories(const httplib::Request& req, const RequestContext& ctx) {
    QueryParams p(req.params, ctx.route.query_params);
    if (p.error()) return ParamReply(*p.error());
    json items = json::array();
    for (const CategoryInfo& c : options_.categories)
      items.push_back({{"name", c.name}, {"label_en", c.label_en}, {"label_fr", c.label_fr}});
    return JsonReply({{"items", std::move(items)}});
  }

  // Comma-separated label values of `name` (every occurrence), trimmed and
  // lower-cased, without repeats; each must satisfy `valid`, else the error
  // names `name` and `choices`.
  std::vector<std::string> LabelValues(QueryParams& p, const httplib::Request& req, const std::string& name,
                                       const std::function<bool(std::string_view)>& valid,
                                       const std::string& choices) const {
    std::vector<std::string> out;
    if (p.error()) return out;
    auto [lo, hi] = req.params.equal_range(name);
    for (auto it = lo; it != hi; ++it) {
      std::string_view rest = it->second;
      for (;;) {
        size_t comma = rest.find(',');
        std::string v = ToLowerAscii(Trim(rest.substr(0, comma)));
        if (!valid(v)) {
          p.Fail(name, name + " must be " + choices + ", got " + QuoteValue(v));
          return {};
        }
        if (std::find(out.begin(), out.end(), v) == out.end()) out.push_back(v);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
    return out;
  }

  // GET /api/v1/stats/volume
  Reply Volume(const httplib::Request& req, const RequestContext& ctx) {
    QueryParams p(req.params, ctx.route.query_params);
    store::Interval interval = store::Interval::kHour;
    if (auto s = p.String("interval")) {
      base::Result<store::Interval> i = store::ParseInterval(*s);
      if (i.ok()) interval = *i;
      else p.Fail("interval", "interval must be hour, day or week, got " + QuoteValue(*s));
    }
    store::GroupBy group_by = store::GroupBy::kNone;
    if (auto s = p.String("group_by")) {
      base::Result<store::GroupBy> g = store::ParseGroupBy(*s);
      if (g.ok()) group_by = *g;
      else
        p.Fail("group_by",
               "group_by must be channel, lang, query, sentiment, category, severity or needs_reply, got " +
                   QuoteValue(*s));
    }
    std::vector<std::string> sentiments = LabelValues(
        p, req, "sentiment",
        [](std::string_view v) { return store::IsSentimentLabel(v) || v == "unknown"; },
        "negative, neutral, positive or unknown");
    std::vector<std::string> categories = LabelValues(
        p, req, "category", [this](std::string_view v) { return KnownCategory(v); }, CategoryChoices());
    std::vector<std::string> severities = LabelValues(
        p, req, "severity", [](std::string_view v) { return store::IsSeverityLevel(v); },
        "none, low, medium, high or critical");
    std::optional<bool> needs_reply;
    if (p.String("needs_reply")) needs_reply = p.Bool("needs_reply", false);
    std::vector<int64_t> query_ids = p.Ids("query_id");
    std::vector<model::Channel> channels = p.Channels("channel");
    std::vector<std::string> languages = p.Languages("lang");
    std::optional<base::Timestamp> from = p.Time("from");
    std::optional<base::Timestamp> to = p.Time("to");
    if (p.error()) return ParamReply(*p.error());
    if (!to) to = clock_.Now();
    if (!from) from = *to - kDefaultVolumeDays * 24 * 3'600'000;
    base::Result<VolumeGrid> grid = MakeVolumeGrid(interval, *from, *to);
    if (!grid.ok()) return ErrorReply(400, "invalid_argument", grid.status().message(), "from");

    store::VolumeQuery q;
    q.from = grid->start;
    q.to = grid->end;
    q.interval = interval;
    q.group_by = group_by;
    q.channels = channels;
    q.languages = languages;
    q.query_ids = query_ids;
    q.sentiments = sentiments;
    q.categories = categories;
    q.severity_levels = severities;
    q.needs_reply = needs_reply;
    base::Result<std::vector<store::VolumePoint>> points = store_.Volume(q);
    if (!points.ok()) {
      // Too many ids or values.
      if (points.status().code() == base::StatusCode::kInvalidArgument)
        return ErrorReply(400, "invalid_argument", points.status().message(),
                          points.status().message().find("query_ids") != std::string::npos ? "query_id" : "");
      return StatusReply(points.status());
    }
    // Per query, series are named after the query (its id when unknown).
    if (group_by == store::GroupBy::kQuery) {
      for (store::VolumePoint& pt : *points) {
        std::optional<int64_t> qid = ParseInt64(pt.group);
        std::optional<std::string> name = qid && queries_ != nullptr ? queries_->NameOf(*qid) : std::nullopt;
        if (name) pt.group = *name;
      }
    }

    std::vector<std::string> always;
    if (group_by == store::GroupBy::kChannel) {
      for (model::Channel c : channels) always.emplace_back(model::ChannelName(c));
    } else if (group_by == store::GroupBy::kLanguage) {
      always = languages;
    } else if (group_by == store::GroupBy::kQuery) {
      for (int64_t qid : query_ids) {
        std::optional<std::string> name = queries_ != nullptr ? queries_->NameOf(qid) : std::nullopt;
        always.push_back(name ? *name : std::to_string(qid));
      }
    } else if (group_by == store::GroupBy::kSentiment) {
      always = sentiments;
    } else if (group_by == store::GroupBy::kCategory) {
      always = categories;
    } else if (group_by == store::GroupBy::kSeverity) {
      always = severities;
    }
    std::vector<VolumeSeries> series = FillVolume(*grid, interval, group_by, *points, always);

    std::vector<std::string> stamps;
    stamps.reserve(static_cast<size_t>(grid->buckets));
    for (int64_t i = 0; i < grid->buckets; ++i) stamps.push_back(base::FormatTimestamp(grid->start + i * grid->step_ms));

    std::string out;
    out += "{\"interval\":\"";
    out += store::IntervalName(interval);
    out += "\",\"group_by\":\"";
    out += store::GroupByName(group_by);
    out += "\",\"from\":\"" + base::FormatTimestamp(grid->start) + "\",\"to\":\"" + base::FormatTimestamp(grid->end) +
           "\",\"series\":[";
    for (size_t s = 0; s < series.size(); ++s) {
      if (s) out += ',';
      out += "{\"group\":";
      out += group_by == store::GroupBy::kNone ? std::string("null") : Dump(json(series[s].group));
      out += ",\"total\":";
      AppendInt(out, series[s].total);
      out += ",\"points\":[";
      for (size_t i = 0; i < series[s].counts.size(); ++i) {
        if (i) out += ',';
        out += "{\"t\":\"";
        out += stamps[i];
        out += "\",\"count\":";
        AppendInt(out, series[s].counts[i]);
        out += '}';
      }
      out += "]}";
    }
    out += "]}";
    Reply r;
    r.body = std::move(out);
    return r;
  }

  // GET /api/v1/stats/authors
  Reply Authors(const httplib::Request& req, const RequestContext& ctx) {
    QueryParams p(req.params, ctx.route.query_params);
    store::AuthorQuery q;
    std::optional<base::Timestamp> from = p.Time("from");
    std::optional<base::Timestamp> to = p.Time("to");
    std::vector<int64_t> query_ids = p.Ids("query_id");
    if (query_ids.size() > 1)
      p.Fail("query_id", "query_id: top authors are counted per query; give one, got " +
                             std::to_string(query_ids.size()));
    q.channels = p.Channels("channel");
    // The author rollup is by day, channel and query: nothing else filters it.
    for (const char* name : {"lang", "sentiment"}) {
      if (p.String(name))
        p.Fail(name, std::string(name) +
                         " cannot filter top authors (they are counted by day, channel and query only); drop it");
    }
    q.limit = static_cast<int>(p.Int("limit", 10, 1, 100));
    if (auto by = p.String("by")) {
      base::Result<store::AuthorSort> sort = store::ParseAuthorSort(*by);
      if (sort.ok()) q.sort = *sort;
      else p.Fail("by", "by must be reach or mentions, got " + QuoteValue(*by));
    }
    if (p.error()) return ParamReply(*p.error());
    if (!to) to = clock_.Now();
    if (!from) from = *to - kDefaultVolumeDays * 24 * 3'600'000;
    if (*from >= *to)
      return ErrorReply(400, "invalid_argument",
                        "from (" + base::FormatTimestamp(*from) + ") must be before to (" + base::FormatTimestamp(*to) +
                            ")",
                        "from");
    q.from = *from;
    q.to = *to;
    if (!query_ids.empty()) q.query_id = query_ids[0];
    base::Result<store::AuthorPage> page = store_.TopAuthors(q);
    if (!page.ok()) return FieldStatusReply(page.status());
    json items = json::array();
    for (const store::AuthorStat& a : page->items) {
      items.push_back({{"channel", model::ChannelName(a.channel)},
                       {"handle", a.handle},
                       {"display_name", a.display_name},
                       {"followers", a.followers},
                       {"mentions", a.mentions},
                       {"negative", a.negative},
                       {"reach", a.reach}});
    }
    return JsonReply({{"from", base::FormatTimestamp(page->from)},
                      {"to", base::FormatTimestamp(page->to)},
                      {"by", store::AuthorSortName(q.sort)},
                      {"query_id", q.query_id == 0 ? json(nullptr) : json(q.query_id)},
                      {"items", std::move(items)}});
  }

  // GET /api/v1/stats/summary
  Reply Summary(const httplib::Request& req, const RequestContext& ctx) {
    QueryParams p(req.params, ctx.route.query_params);
    if (p.error()) return ParamReply(*p.error());
    base::Result<store::StoreCounts> c = store_.Counts();
    if (!c.ok()) return StatusReply(c.status());
    return JsonReply(
        {{"mentions", c->mentions}, {"rejects", c->rejects}, {"threads", c->threads}, {"bytes", c->bytes}});
  }

  // GET /api/v1/rejects
  Reply Rejects(const httplib::Request& req, const RequestContext& ctx) {
    QueryParams p(req.params, ctx.route.query_params);
    const int limit = static_cast<int>(p.Int("limit", kDefaultLimit, 1, kMaxLimit));
    const int64_t before = p.Int("before", 0, 1, std::numeric_limits<int64_t>::max());
    if (p.error()) return ParamReply(*p.error());
    base::Result<std::vector<store::StoredReject>> rejects = store_.Rejects(limit, before);
    if (!rejects.ok()) return StatusReply(rejects.status());
    json items = json::array();
    for (const store::StoredReject& r : *rejects) {
      items.push_back({{"id", r.id},
                       {"received_at", base::FormatTimestamp(r.received_at)},
                       {"source", r.rejection.source},
                       {"location", r.rejection.location},
                       {"field", r.rejection.field},
                       {"reason", r.rejection.reason},
                       {"raw", r.rejection.raw}});
    }
    json next = nullptr;
    if (static_cast<int>(rejects->size()) == limit && !rejects->empty()) next = rejects->back().id;
    return JsonReply({{"items", std::move(items)}, {"next_before", std::move(next)}});
  }

  // GET /healthz
  Reply Health(const httplib::Request&, const RequestContext&) {
    base::Result<store::StoreCounts> c = store_.Counts();
    if (!c.ok()) {
      Reply r = JsonReply({{"status", "unavailable"},
                           {"error", {{"code", base::StatusCodeName(c.status().code())},
                                      {"message", "store: " + c.status().message()}}}});
      r.status = 503;
      return r;
    }
    return JsonReply({{"status", "ok"}});
  }

  // GET /metrics
  Reply MetricsPage(const httplib::Request&, const RequestContext&) {
    base::Result<store::StoreCounts> c = store_.Counts();
    store_up_->Set(c.ok() ? 1 : 0);
    if (c.ok()) {
      stored_mentions_->Set(c->mentions);
      stored_rejects_->Set(c->rejects);
      stored_threads_->Set(c->threads);
      store_bytes_->Set(static_cast<int64_t>(c->bytes));
    }
    Reply r;
    r.body = metrics_.RenderPrometheus();
    r.content_type = kPrometheusType;
    return r;
  }

  const ServerOptions options_;
  store::Store& store_;
  queries::QueryService* const queries_;  // may be null
  std::atomic<bool> stopping_{false};     // set by Stop(): open streams end
  auth::Authenticator& auth_;
  AlertsApi alerts_api_;
  AuthApi auth_api_;
  CareApi care_api_;
  MentionStreamApi mention_stream_api_;
  ExportApi export_api_;
  const StaticFiles static_files_;
  const Apis apis_{this, &alerts_api_, &auth_api_, &care_api_, &mention_stream_api_, &export_api_};
  const IngestFn ingest_;
  const std::shared_ptr<const ingest::Decoder> json_decoder_;
  base::MetricsRegistry& metrics_;
  const base::Clock& clock_;

  std::vector<std::regex> path_regexes_;       // per route, as registered
  std::vector<base::Histogram*> latency_;      // per route, then unmatched
  const std::string unmatched_name_ = kUnmatchedRoute;
  const std::string static_name_ = kStaticRoute;
  base::Gauge* stored_mentions_;
  base::Gauge* stored_rejects_;
  base::Gauge* stored_threads_;
  base::Gauge* store_bytes_;
  base::Gauge* store_up_;

  httplib::Server http_;
  std::mutex mu_;  // serialises Start/Stop
  bool started_ = false;  // GUARDED_BY(mu_)
  std::thread thread_;    // GUARDED_BY(mu_): runs the accept loop
  std::atomic<int> port_{0};
  std::atomic<bool> listen_returned_{false};
};

namespace {
auth::Authenticator& Required(auth::Authenticator* auth) {
  ECOUTE_CHECK_MSG(auth != nullptr, "api::Server needs an auth::Authenticator");
  return *auth;
}
}  // namespace

Server::Server(ServerOptions options, store::Store& store, IngestFn ingest,
               std::shared_ptr<const ingest::Decoder> json_decoder, auth::Authenticator* auth,
               base::MetricsRegistry& metrics, const base::Clock& clock, queries::QueryService* queries,
               alert::AlertService* alerts, care::CareService* care)
    : impl_(std::make_unique<Impl>(std::move(options), store, std::move(ingest), std::move(json_decoder),
                                   Required(auth), metrics, clock, queries, alerts, care)) {}

Server::~Server() = default;

const std::vector<RouteInfo>& Server::Routes() { return Impl::Infos(); }

base::Status Server::Start() { return impl_->Start(); }

int Server::port() const { return impl_->port(); }

void Server::Stop() { impl_->Stop(); }

}  // namespace ecoute::api
