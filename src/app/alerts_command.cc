#include <spdlog/spdlog.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>

#include <nlohmann/json.hpp>

#include "alert/backtest.h"
#include "alert/engine.h"
#include "alert/service.h"
#include "app/commands.h"
#include "base/time_zone.h"

namespace ecoute::app {
namespace {

using base::Status;
using nlohmann::json;

// "file:line:col: alerts.rules[i].key: message" for a rule's error, at the
// place of the key the message starts with (the rule's own place else).
Status RuleError(const config::Config& config, size_t index, const config::AlertRuleConfig& rc, const Status& s) {
  const std::string& msg = s.message();
  size_t end = msg.find_first_of(":.[");
  std::string key = end == std::string::npos ? "" : msg.substr(0, end);
  int line = rc.line, column = rc.column;
  if (auto it = rc.positions.find(key); it != rc.positions.end()) std::tie(line, column) = it->second;
  std::string where = config.source_path.empty() ? "ecoute.yaml" : config.source_path;
  return Status::InvalidArgument(where + ":" + std::to_string(line) + ":" + std::to_string(column) +
                                 ": alerts.rules[" + std::to_string(index) + "]." + msg);
}

std::string Env(const std::string& name) {
  const char* v = name.empty() ? nullptr : std::getenv(name.c_str());
  return v ? v : "";
}

}  // namespace

base::Result<std::vector<alert::Rule>> AlertRulesFrom(const config::Config& config) {
  std::vector<alert::Rule> rules;
  for (size_t i = 0; i < config.alerts.rules.size(); ++i) {
    const config::AlertRuleConfig& rc = config.alerts.rules[i];
    json j = json::parse(rc.json, nullptr, false);
    if (j.is_discarded()) return RuleError(config, i, rc, Status::InvalidArgument("rule: not a mapping"));
    base::Result<alert::Rule> r = alert::RuleFromJson(j);
    if (!r.ok()) return RuleError(config, i, rc, r.status());
    r->origin = "config";
    rules.push_back(std::move(*r));
  }
  return rules;
}

base::Result<alert::ServiceOptions> AlertOptionsFrom(const config::Config& config) {
  alert::ServiceOptions o;
  ECOUTE_ASSIGN_OR_RETURN(o.rules, AlertRulesFrom(config));
  ECOUTE_ASSIGN_OR_RETURN(o.engine.time_zone, base::TimeZone::Load(config.alerts.time_zone));
  o.engine.max_age_ms = int64_t{config.alerts.max_age_minutes} * 60'000;
  for (const config::NotifierConfig& n : config.alerts.notifiers) {
    alert::NotifierSpec spec;
    spec.name = n.name;
    spec.type = n.type;
    alert::DeliveryOptions d;
    d.max_attempts = n.max_attempts;
    d.timeout_ms = n.timeout_ms;
    if (n.type == "webhook") {
      spec.webhook.url = n.url;
      spec.webhook.secret = n.secret_env.empty() ? n.secret : Env(n.secret_env);
      if (!n.secret_env.empty() && spec.webhook.secret.empty())
        return Status::InvalidArgument("notifier " + n.name + ": environment variable " + n.secret_env +
                                       " (secret_env) is not set");
      spec.webhook.format = n.format == "slack" ? alert::WebhookFormat::kSlack : alert::WebhookFormat::kJson;
      spec.webhook.delivery = d;
    } else {
      spec.smtp.url = n.smtp_url;
      spec.smtp.username = n.username;
      spec.smtp.password = Env(n.password_env);
      spec.smtp.starttls = n.starttls;
      spec.smtp.from = n.from;
      spec.smtp.to = n.to;
      spec.smtp.delivery = d;
    }
    o.notifiers.push_back(std::move(spec));
  }
  o.public_url = "http://" + config.server.host + ":" + std::to_string(config.server.port);
  return o;
}

int RunAlertsReplay(const GlobalFlags& global, const AlertsReplayFlags& flags) {
  ShutdownSignal signal;
  auto config = LoadConfig(global);
  if (!config.ok()) return Fail(config.status());
  SetUpLogging(config->log_level.empty() ? "warn" : config->log_level);
  if (!flags.rules.empty()) {
    // The rules (and the queries they name) of another file in ecoute.yaml's shape.
    auto other = config::Load(flags.rules);
    if (!other.ok()) return Fail(other.status().WithPrefix("--rules"));
    config->alerts.rules = other->alerts.rules;
    if (!other->queries.empty()) config->queries = other->queries;
    config->source_path = other->source_path;
  }
  auto rules = AlertRulesFrom(*config);
  if (!rules.ok()) return Fail(rules.status());
  if (rules->empty()) return Fail(Status::InvalidArgument("no alert rules (alerts.rules in the configuration or --rules FILE)"));
  auto tz = base::TimeZone::Load(config->alerts.time_zone);
  if (!tz.ok()) return Fail(tz.status());
  ingest::Format format;
  std::optional<ingest::CsvMapping> mapping;
  if (base::Status s = ResolveInputFlags(*config, flags.format, flags.mapping, &format, &mapping); !s.ok())
    return Fail(s);

  // The recorded stream goes through the live stages (text, understanding,
  // queries) into a scratch store, then through the alert engine in event
  // time: each message at its own created_at.
  std::error_code ec;
  std::filesystem::path scratch =
      std::filesystem::temp_directory_path(ec) / ("ecoute-replay-" + std::to_string(::getpid()) + ".db");
  config->store.path = scratch.string();
  config->store.synchronous = "normal";
  struct Cleanup {
    std::filesystem::path p;
    ~Cleanup() {
      std::error_code e;
      for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(p.string() + suffix, e);
    }
  } cleanup{scratch};
  auto store = OpenStore(*config);
  if (!store.ok()) return Fail(store.status());
  auto ingestion = Ingestion::Open(*config, **store);
  if (!ingestion.ok()) return Fail(ingestion.status());
  pipeline::Pipeline& pipe = (*ingestion)->pipeline();
  std::vector<std::string> query_names;
  std::map<int64_t, std::string> queries;
  for (const queries::QueryInfo& q : (*ingestion)->queries().List()) {
    queries[q.def.id] = q.def.name;
    query_names.push_back(q.def.name);
  }
  for (const alert::Rule& r : *rules) {
    // Notifiers are not used by a replay; only the queries must exist.
    Status s = alert::CheckReferences(r, query_names, r.notify);
    if (!s.ok()) return Fail(s.WithPrefix("rule " + r.name));
  }

  std::mutex mu;
  std::vector<model::Mention> stream;
  pipe.AddCommitListener([&](const std::vector<model::Mention>& ms) {
    std::lock_guard lock(mu);
    for (const model::Mention& m : ms) stream.push_back(m);
  });
  uint64_t records = 0, rejected = 0;
  for (const std::string& file : flags.files) {
    auto input = ingest::OpenInput(ingest::InputSpec{file, format, mapping});
    if (!input.ok()) return Fail(input.status());
    while (!signal.requested()) {
      ingest::RawBatch batch;
      batch.source = file;
      batch.decoder = input->decoder;
      auto more = input->reader->Next(batch, static_cast<size_t>(config->pipeline.batch_records), 4 << 20);
      if (!more.ok()) return Fail(more.status().WithPrefix(file));
      if (!*more) break;
      records += batch.records.size();
      auto report = pipe.SubmitAndWait(std::move(batch));
      if (!report.ok()) return Fail(report.status().WithPrefix(file));
      rejected += static_cast<uint64_t>(report->summary.rejected);
    }
  }
  pipe.Drain();
  if (signal.requested()) return 130;
  std::stable_sort(stream.begin(), stream.end(),
                   [](const model::Mention& a, const model::Mention& b) { return a.created_at < b.created_at; });

  alert::EngineOptions eo;
  eo.time_zone = *tz;
  std::map<std::string, int> opened_per_rule;
  int opened = 0, notified = 0;
  auto emit = [&](const alert::AlertChange& ch) {
    bool is_open = ch.type == alert::AlertChange::Type::kOpened;
    if (!is_open && !flags.all_changes) return;
    if (is_open) {
      ++opened;
      ++opened_per_rule[ch.alert.rule];
      notified += ch.notify ? 1 : 0;
    }
    if (flags.json) {
      json j = alert::AlertToJson(ch.alert);
      j["change"] = is_open ? "opened" : ch.type == alert::AlertChange::Type::kResolved ? "resolved" : "updated";
      j["notify"] = ch.notify;
      std::printf("%s\n", j.dump(-1, ' ', false, json::error_handler_t::replace).c_str());
    } else {
      std::string why;
      for (const store::AlertHistoryEntry& h : ch.history)
        if (h.type == "suppressed") why = " [not notified: " + h.detail + "]";
      base::Timestamp at = is_open ? ch.alert.opened_at : ch.alert.last_trigger_at;
      std::printf("%s  %-8s %-8s %-20s #%-5lld %s%s\n", base::FormatTimestamp(at).c_str(),
                  is_open ? "opened" : ch.type == alert::AlertChange::Type::kResolved ? "resolved" : "updated",
                  ch.alert.level.c_str(), ch.alert.rule.c_str(), static_cast<long long>(ch.alert.id),
                  ch.alert.title.c_str(), why.c_str());
    }
  };
  // The engine loop of the API's rule preview (alert::Backtest), cold (no
  // warm-up: the stream is all there is), over the whole stream; then a
  // day of silence after the last message lets open alerts close.
  alert::EngineStats st;
  if (!stream.empty()) {
    alert::BacktestOptions bo;
    bo.from = stream.front().created_at;
    bo.to = stream.back().created_at + 1;
    bo.warmup_ms = 0;
    bo.final_tick = stream.back().created_at + 86'400'000;
    bo.engine = eo;
    bo.max_alerts = 0;
    alert::SpanMentionSource source(stream);
    auto result = alert::Backtest(*rules, queries, source, bo, emit);
    if (!result.ok()) return Fail(result.status());
    st = result->stats;
  }
  std::fprintf(stderr, "replay: %s records, %s messages in event time (%s rejected), %d alerts opened (%d notified)\n",
               Thousands(records).c_str(), Thousands(stream.size()).c_str(), Thousands(rejected).c_str(), opened,
               notified);
  for (const auto& [rule, n] : opened_per_rule) std::fprintf(stderr, "  %-24s %d\n", rule.c_str(), n);
  if (st.suppressed_throttle + st.suppressed_quiet + st.suppressed_cooldown > 0)
    std::fprintf(stderr, "  not notified: %llu throttled, %llu in quiet hours; %llu triggers in cooldown\n",
                 static_cast<unsigned long long>(st.suppressed_throttle),
                 static_cast<unsigned long long>(st.suppressed_quiet),
                 static_cast<unsigned long long>(st.suppressed_cooldown));
  return 0;
}

}  // namespace ecoute::app
