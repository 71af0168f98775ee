#include <spdlog/spdlog.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "api/mention_stream.h"
#include "api/server.h"
#include "app/care_wiring.h"
#include "app/commands.h"
#include "auth/directory.h"
#include "app/demo_feed.h"
#include "app/result_json.h"
#include "demo/generator.h"

namespace ecoute::app {
namespace {

// Alert rules installed with the demo (through the API's path, so they can
// be edited or deleted like any API rule).
const char* const kDemoAlertRules[] = {
    R"({"name": "critical-messages", "kind": "severity", "min_severity": "critical", "group_minutes": 0,
        "description": "Every critical message (legal threat, safety, fraud...), at once"})",
    R"({"name": "negative-needs-reply", "kind": "mention", "sentiments": ["negative"], "needs_reply": true,
        "group_minutes": 30, "description": "Negative messages that need a reply, grouped per brand for 30 minutes"})",
    R"({"name": "volume-spikes", "kind": "volume_spike", "description": "Unusual volume per monitored query"})",
    R"({"name": "negative-share", "kind": "negative_share", "description": "Unusual share of negative messages per query"})",
    R"({"name": "influencers", "kind": "high_reach", "description": "Authors with 50,000 followers or more"})",
    R"({"name": "snowballs", "kind": "snowball", "description": "Conversations growing fast"})",
};

// The web root to serve: --web-root, else server.web_root, else the
// build's (ECOUTE_WEB_DIST, which may not be built). One given explicitly
// must be a directory.
base::Result<std::string> WebRootFrom(const ServeFlags& flags, const config::ServerConfig& server) {
  const bool from_flag = !flags.web_root.empty();
  std::string dir = from_flag ? flags.web_root : server.web_root;
  if (dir.empty()) return std::string(ECOUTE_WEB_DIST);
  std::error_code ec;
  const std::filesystem::path abs = std::filesystem::absolute(dir, ec);
  if (!ec) dir = abs.lexically_normal().string();
  if (!std::filesystem::is_directory(dir, ec))
    return base::Status::InvalidArgument(std::string(from_flag ? "--web-root" : "server.web_root") + ": " + dir +
                                         " is not a directory");
  return dir;
}

}  // namespace

int RunServe(const GlobalFlags& global, const ServeFlags& flags) {
  ShutdownSignal signal;  // first: blocks SIGINT/SIGTERM for every thread created below
  auto config = LoadConfig(global);
  if (!config.ok()) return Fail(config.status());
  if (!flags.listen.empty()) {
    base::Status st = config::ParseListen(flags.listen, config->server);
    if (!st.ok()) return Fail(st.WithPrefix("--listen"));
  }
  auto web_root = WebRootFrom(flags, config->server);
  if (!web_root.ok()) return Fail(web_root.status());
  SetUpLogging(config->log_level);
  auto store = OpenStore(*config);
  if (!store.ok()) return Fail(store.status());
  // Accounts live in the same database file, opened after the store created it.
  auto directory = OpenDirectory(*config);
  if (!directory.ok()) return Fail(directory.status());
  auth::Authenticator authenticator(**directory, base::SystemClock(), AuthOptionsFrom(*config));
  if (base::Status s = PrepareAccounts(global, *config, flags.demo, authenticator); !s.ok())
    return Fail(s.WithPrefix("accounts"));
  auto ingestion = Ingestion::Open(*config, **store);
  if (!ingestion.ok()) return Fail(ingestion.status());
  pipeline::Pipeline& pipe = (*ingestion)->pipeline();
  queries::QueryService& queries = (*ingestion)->queries();
  if (flags.demo && queries.List().empty()) {
    for (const demo::DemoQuery& d : demo::DemoQueries()) {
      store::QueryDef def;
      def.name = d.name;
      def.kind = store::ParseQueryKind(d.kind).value_or(store::QueryKind::kTopic);
      def.text = d.text;
      def.description = d.description;
      auto created = queries.Create(def);
      if (!created.ok()) return Fail(created.status().WithPrefix("demo query " + d.name));
    }
    // The backlog below is then matched live, like any new mention.
    queries.WaitIdle(std::chrono::seconds(30), /*backfill=*/false);
    spdlog::info("demo: installed {} monitored queries (GET /api/v1/queries)", demo::DemoQueries().size());
  }

  auto care_section = CareSectionFrom(*config);
  if (!care_section.ok()) return Fail(care_section.status());
  auth::Directory* accounts = directory->get();

  // Alerts: rules evaluated on every commit, notifications, history.
  std::unique_ptr<alert::AlertService> alerts;
  if (config->alerts.enabled) {
    auto ao = AlertOptionsFrom(*config);
    if (!ao.ok()) return Fail(ao.status());
    ao->team_names = [accounts] {
      std::vector<std::string> names;
      if (auto teams = accounts->ListTeams(); teams.ok()) {
        for (const auth::Team& t : *teams) names.push_back(t.name);
      }
      return names;
    };
    auto svc = alert::AlertService::Create(
        std::move(*ao), **store,
        [&queries] {
          std::map<int64_t, std::string> names;
          for (const queries::QueryInfo& q : queries.List()) names[q.def.id] = q.def.name;
          return names;
        },
        base::SystemClock());
    if (!svc.ok()) return Fail(svc.status());
    alerts = std::move(*svc);
  }

  // The care inbox: cases from what needs a reply, routing, SLA, replies.
  std::unique_ptr<CareStack> care;
  if (care_section->enabled) {
    if (flags.demo && care_section->settings.default_team.empty() && accounts->FindTeam("care").ok()) {
      care_section->settings.default_team = "care";  // the demo accounts' team
    }
    auto opened = OpenCare(*config, *care_section, **store, accounts,
                           OutboundThroughPipeline(pipe, ingest::MakeJsonDecoder()), SlaToAlerts(alerts.get(), ""),
                           QueryIdsOf(queries), base::SystemClock());
    if (!opened.ok()) return Fail(opened.status());
    care = std::move(*opened);
    if (base::Status st = care->service->Start(); !st.ok()) return Fail(st.WithPrefix("care"));
  }

  api::ServerOptions so;
  so.web_root = *web_root;
  // The live mention stream: every commit is offered to the open streams
  // (the hub copies nothing while none is open). Shared with the listener,
  // which the pipeline keeps until it is destroyed.
  auto mention_hub = std::make_shared<api::MentionHub>();
  pipe.AddCommitListener([mention_hub](const std::vector<model::Mention>& ms) { mention_hub->Publish(ms); });
  so.mention_hub = mention_hub.get();
  so.host = config->server.host;
  so.port = config->server.port;
  so.threads = config->server.threads;
  so.max_body_bytes = static_cast<size_t>(config->server.max_body_mb) << 20;
  so.secure_cookies = config->auth.secure_cookies;
  for (const classify::CategoryDef& c : TaxonomyFrom(*config)) so.categories.push_back({c.name, c.label_en, c.label_fr});
  if (std::shared_ptr<const classify::Classifier> clf = (*ingestion)->classifier()) {
    // What the current models say about a stored mention, with their reasons.
    so.explain = [clf](const model::Mention& m) -> base::Result<std::string> {
      classify::Result r;
      clf->Classify(m, classify::Classifier::kExplain, &r);
      // {sentiment: [...], needs_reply: [...], category: [...], severity: [...],
      //  model: the labels the current models give (the stored ones may be
      //  older or corrected by a user)}
      nlohmann::json j = ResultJson(r, true);
      nlohmann::json why = std::move(j["explanation"]);
      j.erase("explanation");
      why["model"] = std::move(j);
      return why.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    };
  }
  api::Server server(
      so, **store, [&pipe](ingest::RawBatch batch) { return pipe.SubmitAndWait(std::move(batch)); },
      ingest::MakeJsonDecoder(), &authenticator, base::Metrics(), base::SystemClock(), &queries, alerts.get(),
      care ? care->service.get() : nullptr);
  // SIGHUP re-reads ecoute.yaml's queries: changes apply without a restart
  // (a bad file is reported and changes nothing).
  signal.OnReload([&global, &queries, &alerts] {
    base::Result<config::Config> fresh = LoadConfig(global);
    base::Status s = fresh.ok() ? SyncConfigQueries(*fresh, queries) : fresh.status();
    if (!s.ok()) {
      spdlog::error("configuration not reloaded: {}", s.message());
      return;
    }
    if (alerts) {
      base::Result<std::vector<alert::Rule>> rules = AlertRulesFrom(*fresh);
      base::Status r = rules.ok() ? alerts->ReplaceConfigRules(std::move(*rules)) : rules.status();
      if (!r.ok()) spdlog::error("alert rules not reloaded (the queries were): {}", r.message());
    }
    spdlog::info("configuration reloaded: {} monitored queries, {} alert rules", queries.List().size(),
                 alerts ? alerts->Rules().size() : 0);
  });
  base::Status started = server.Start();
  if (!started.ok()) return Fail(started);
  spdlog::info("ecoute listening on http://{}:{}  (store {})", so.host, server.port(), config->store.path);

  DemoFeed demo(pipe, **store, config->demo);
  auto before_backlog = (*store)->MaxMentionId();
  if (!before_backlog.ok()) return Fail(before_backlog.status());
  if (flags.demo) {
    auto loaded = demo.LoadBacklog();
    if (!loaded.ok()) spdlog::error("demo backlog: {}", loaded.status().ToString());
    else if (*loaded > 0) spdlog::info("demo: loaded {} messages of history", Thousands(*loaded));
  }
  // Started after the demo history is stored, so that the spike baselines
  // learn from it; the API answers the alert routes meanwhile.
  if (alerts) {
    if (flags.demo && alerts->Rules().empty()) {
      for (const char* text : kDemoAlertRules) {
        auto created = alerts->CreateRule(nlohmann::json::parse(text));
        if (!created.ok()) return Fail(created.status().WithPrefix("demo alert rule"));
      }
      spdlog::info("demo: installed {} alert rules (GET /api/v1/alert-rules)", std::size(kDemoAlertRules));
    }
    base::Status alerts_started = alerts->Start();
    if (!alerts_started.ok()) return Fail(alerts_started.WithPrefix("alerts"));
    pipe.AddCommitListener([a = alerts.get()](const std::vector<model::Mention>& ms) { a->OnCommit(ms); });
    spdlog::info("alerts: {} rules, {} notifiers", alerts->Rules().size(), alerts->NotifierNames().size());
  }
  if (care) {
    // The demo history goes through the inbox in event time, then every
    // commit is followed live.
    auto last = (*store)->MaxMentionId();
    if (!last.ok()) return Fail(last.status());
    if (flags.demo && last.value() > before_backlog.value()) {
      base::Status st = ReplayIntoCare(*care->service, **store, before_backlog.value() + 1, last.value());
      if (!st.ok()) return Fail(st.WithPrefix("care"));
    }
    pipe.AddCommitListener([c = care->service.get()](const std::vector<model::Mention>& ms) { c->OnCommit(ms); });
    const care::CareStats cs = care->service->Stats();
    spdlog::info("care: {} active cases, {} connectors (GET /api/v1/cases)", cs.active_cases,
                 care->connectors ? care->connectors->size() : 0);
  }
  if (flags.demo) {
    demo.StartLive();
    // The admin's demo token is in demo-credentials.txt (PrepareAccounts).
    const std::string creds =
        (std::filesystem::path(config->store.path).parent_path() / "demo-credentials.txt").string();
    spdlog::info("demo: streaming about {} live messages a minute; try\n"
                 "  TOKEN=$(grep -o 'ect_[A-Za-z0-9_-]*' {})\n"
                 "  curl -s -H \"Authorization: Bearer $TOKEN\" 'http://{}:{}/api/v1/mentions?q=livraison&limit=3'\n"
                 "  curl -s -H \"Authorization: Bearer $TOKEN\" "
                 "'http://{}:{}/api/v1/stats/volume?interval=hour&group_by=channel'\n"
                 "  curl -s -H \"Authorization: Bearer $TOKEN\" 'http://{}:{}/api/v1/queries'\n"
                 "  curl -s -H \"Authorization: Bearer $TOKEN\" 'http://{}:{}/api/v1/alerts?limit=5'\n"
                 "  curl -s -H \"Authorization: Bearer $TOKEN\" -G 'http://{}:{}/api/v1/mentions' "
                 "--data-urlencode 'query=colis NEAR/3 perdu' -d highlight=true",
                 config->demo.live_per_minute, creds, so.host, server.port(), so.host, server.port(), so.host,
                 server.port(), so.host, server.port(), so.host, server.port());
  }

  signal.Wait();
  signal.OnReload(nullptr);
  spdlog::info("shutting down: stopping intake, committing in-flight work");
  demo.Stop();
  server.Stop();
  pipe.Drain();
  care.reset();                 // processes what was committed; may still raise SLA alerts
  if (alerts) alerts->Stop();  // after the last commit was evaluated
  pipeline::PipelineStats s = pipe.Stats();
  ingestion->reset();
  spdlog::info("stopped: {} stored, {} updated, {} duplicates, {} rejected this run", Thousands(s.inserted),
               Thousands(s.updated), Thousands(s.duplicates), Thousands(s.rejected));
  return 0;
}

}  // namespace ecoute::app
