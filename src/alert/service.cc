#include "alert/service.h"

#include <algorithm>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace ecoute::alert {
namespace {

using base::Status;
using nlohmann::json;
constexpr int64_t kQueryRefreshMs = 5000;
constexpr size_t kPersistBatch = 512;
constexpr std::chrono::milliseconds kPersistLinger{50};

std::string_view EventType(const AlertChange& ch) {
  switch (ch.type) {
    case AlertChange::Type::kOpened: return "alert.opened";
    case AlertChange::Type::kResolved: return "alert.resolved";
    case AlertChange::Type::kUpdated:
      for (const store::AlertHistoryEntry& h : ch.history)
        if (h.type == "acknowledged") return "alert.acknowledged";
      return "alert.updated";
  }
  return "alert.updated";
}

std::vector<std::string> QueryNameList(const std::map<int64_t, std::string>& q) {
  std::vector<std::string> out;
  for (const auto& [id, name] : q) out.push_back(name);
  return out;
}

// Marks `rules` as ecoute.yaml's and checks them: names unique and not
// taken by an API rule, queries and notifiers known.
Status CheckConfigRules(std::vector<Rule>& rules, const std::map<int64_t, std::string>& queries,
                        const std::vector<std::string>& notifiers, const std::vector<Rule>& api_rules,
                        const std::optional<std::vector<std::string>>& teams) {
  std::set<std::string> seen;
  for (Rule& r : rules) {
    r.origin = "config";
    if (!seen.insert(r.name).second) return Status::InvalidArgument("rule " + r.name + ": defined twice");
    for (const Rule& a : api_rules)
      if (a.name == r.name)
        return Status::InvalidArgument("rule " + r.name + ": an alert rule of that name was created through the API");
    ECOUTE_RETURN_IF_ERROR(
        CheckReferences(r, QueryNameList(queries), notifiers, teams ? &*teams : nullptr).WithPrefix("rule " + r.name));
  }
  return Status::Ok();
}

std::optional<std::vector<std::string>> TeamNames(const ServiceOptions& o) {
  if (!o.team_names) return std::nullopt;
  return o.team_names();
}

}  // namespace

json AlertToJson(const store::AlertRecord& a) {
  auto ts = [](base::Timestamp t) { return t == 0 ? json(nullptr) : json(base::FormatTimestamp(t)); };
  json details = json::parse(a.details_json.empty() ? "{}" : a.details_json, nullptr, false);
  if (details.is_discarded()) details = a.details_json;
  return {{"id", a.id},
          {"rule", a.rule},
          {"kind", a.kind},
          {"group_key", a.group_key},
          {"level", a.level},
          {"status", store::AlertStatusName(a.status)},
          {"title", a.title},
          {"text", a.text},
          {"details", details},
          {"sample_ids", a.sample_ids},
          {"trigger_count", a.trigger_count},
          {"notified_count", a.notified_count},
          {"suppressed_count", a.suppressed_count},
          {"opened_at", ts(a.opened_at)},
          {"last_trigger_at", ts(a.last_trigger_at)},
          {"acknowledged_at", ts(a.acknowledged_at)},
          {"acknowledged_by", a.acknowledged_by.empty() ? json(nullptr) : json(a.acknowledged_by)},
          {"resolved_at", ts(a.resolved_at)},
          {"resolved_by", a.resolved_by.empty() ? json(nullptr) : json(a.resolved_by)},
          {"note", a.note}};
}

struct AlertService::Persist {
  std::optional<store::AlertRecord> alert;
  std::vector<store::AlertHistoryEntry> history;
  std::vector<store::DeliveryRecord> deliveries;
};

AlertService::AlertService(ServiceOptions options, store::Store& store, QueryNamesFn query_names,
                           const base::Clock& clock)
    : options_(std::move(options)),
      store_(store),
      query_names_(std::move(query_names)),
      clock_(clock),
      alerts_opened_(base::Metrics().GetCounter("ecoute_alerts_opened_total", "Alerts opened by the rules.")),
      evaluate_latency_(base::Metrics().GetHistogram("ecoute_alert_evaluate_seconds",
                                                     "Time to evaluate the alert rules on one commit.")) {}

base::Result<std::unique_ptr<AlertService>> AlertService::Create(ServiceOptions options, store::Store& store,
                                                                 QueryNamesFn query_names, const base::Clock& clock) {
  std::set<std::string> names;
  for (const NotifierSpec& n : options.notifiers) {
    if (!names.insert(n.name).second) return Status::InvalidArgument("notifier " + n.name + ": defined twice");
  }
  std::map<int64_t, std::string> queries = query_names ? query_names() : std::map<int64_t, std::string>{};
  std::unique_ptr<AlertService> s(new AlertService(std::move(options), store, std::move(query_names), clock));
  s->queries_ = std::move(queries);
  for (const NotifierSpec& spec : s->options_.notifiers) {
    base::Result<std::unique_ptr<Notifier>> n = Status::InvalidArgument("type \"" + spec.type + "\" is not webhook or email");
    if (spec.type == "webhook") n = MakeWebhookNotifier(spec.name, spec.webhook, &clock);
    else if (spec.type == "email") n = MakeSmtpNotifier(spec.name, spec.smtp, &clock);
    if (!n.ok()) return n.status().WithPrefix("notifier " + spec.name);
    s->notifiers_.emplace_back(spec.name, std::move(*n));
  }
  // The API's rules (a stored rule this build refuses is reported and skipped).
  ECOUTE_ASSIGN_OR_RETURN(std::vector<store::AlertRuleRecord> stored, store.AlertRules());
  for (const store::AlertRuleRecord& rec : stored) {
    json j = json::parse(rec.definition_json, nullptr, false);
    base::Result<Rule> r = j.is_discarded() ? base::Result<Rule>(Status::InvalidArgument("definition is not JSON"))
                                            : RuleFromJson(j);
    if (!r.ok()) {
      spdlog::error("alert rule {} (stored) ignored: {}", rec.name, r.status().message());
      continue;
    }
    r->origin = "api";
    s->api_rules_.push_back(std::move(*r));
    s->api_rule_ids_[rec.name] = rec.id;
  }
  ECOUTE_RETURN_IF_ERROR(
      CheckConfigRules(s->options_.rules, s->queries_, s->NotifierNames(), s->api_rules_, TeamNames(s->options_)));
  return s;
}

AlertService::~AlertService() { Stop(); }

base::Status AlertService::Start() {
  if (started_) return Status::Internal("alert service already started");
  started_ = true;
  ECOUTE_ASSIGN_OR_RETURN(int64_t max_id, store_.MaxAlertId());
  EngineOptions eo = options_.engine;
  eo.first_alert_id = static_cast<int>(max_id + 1);
  {
    std::lock_guard lock(mu_);
    engine_ = std::make_unique<Engine>(AllRulesLocked(), queries_, eo);
  }
  // Open alerts, so that triggers fold into them after a restart.
  std::vector<store::AlertRecord> open;
  for (int64_t before = 0;;) {
    store::AlertFilter f;
    f.statuses = {store::AlertStatus::kOpen, store::AlertStatus::kAcknowledged};
    f.before_id = before;
    f.limit = 1000;
    ECOUTE_ASSIGN_OR_RETURN(std::vector<store::AlertRecord> page, store_.Alerts(f));
    if (page.empty()) break;
    before = page.back().id;
    for (store::AlertRecord& a : page) open.push_back(std::move(a));
  }
  // Spike baselines from history.
  bool has_spikes = false;
  for (const Rule& r : Rules())
    has_spikes |= r.enabled && (r.kind == RuleKind::kVolumeSpike || r.kind == RuleKind::kNegativeShare);
  std::vector<model::Mention> history;
  if (has_spikes && options_.learn_days > 0) {
    ECOUTE_ASSIGN_OR_RETURN(int64_t last, store_.MaxMentionId());
    int64_t first = std::max<int64_t>(1, last - options_.learn_max_messages + 1);
    base::Timestamp since = clock_.Now() - int64_t{options_.learn_days} * 86'400'000;
    ECOUTE_RETURN_IF_ERROR(store_.ScanMentions(first, last, "", [&](const model::Mention& m) {
      if (m.created_at < since || m.created_at > clock_.Now()) return true;
      model::Mention slim;  // what the counts need; the text is not kept
      slim.id = m.id;
      slim.channel = m.channel;
      slim.direction = m.direction;
      slim.language = m.language;
      slim.created_at = m.created_at;
      slim.author.followers = m.author.followers;
      slim.enrichment = m.enrichment;
      history.push_back(std::move(slim));
      return true;
    }));
    std::stable_sort(history.begin(), history.end(),
                     [](const model::Mention& a, const model::Mention& b) { return a.created_at < b.created_at; });
  }
  {
    std::lock_guard lock(mu_);
    engine_->Restore(open);
    engine_->Learn(history);
  }
  if (!history.empty()) spdlog::info("alerts: spike baselines learned from {} messages of history", history.size());
  for (auto& [name, n] : notifiers_) {
    n->SetObserver([this, name = name](const DeliveryAttempt& a, std::string_view state) {
      store::DeliveryRecord d;
      d.alert_id = a.alert_id;
      d.event_id = a.event_id;
      d.notifier = name;
      d.attempt = a.attempt;
      d.state = std::string(state);
      d.code = a.status;
      d.error = a.error;
      d.latency_ms = a.latency_ms;
      d.at = a.at_ms;
      Persist p;
      p.deliveries.push_back(std::move(d));
      Enqueue(std::move(p));
    });
    n->Start();
  }
  persister_ = std::thread([this] { PersistLoop(); });
  ticker_ = std::thread([this] { TickLoop(); });
  return Status::Ok();
}

void AlertService::Stop() {
  std::call_once(stop_once_, [this] {
    {
      std::lock_guard lock(tick_mu_);
      tick_stop_ = true;
    }
    tick_cv_.notify_all();
    if (ticker_.joinable()) ticker_.join();
    for (auto& [name, n] : notifiers_) n->Stop();
    {
      std::lock_guard lock(persist_mu_);
      stopping_ = true;
    }
    persist_cv_.notify_all();
    if (persister_.joinable()) persister_.join();
    hub_.Close();
  });
}

void AlertService::OnCommit(const std::vector<model::Mention>& mentions) {
  int64_t t0 = clock_.MonotonicNanos();
  std::vector<AlertChange> changes;
  {
    std::lock_guard lock(mu_);
    if (!engine_) return;
    engine_->Observe(mentions, clock_.Now(), &changes);
    Apply(changes);
  }
  evaluate_latency_->Observe(static_cast<double>(clock_.MonotonicNanos() - t0) / 1e9);
}

void AlertService::OnSlaEvents(const std::vector<SlaEventInput>& events) {
  if (events.empty()) return;
  std::vector<AlertChange> changes;
  std::lock_guard lock(mu_);
  if (!engine_) return;
  engine_->ObserveSla(events, clock_.Now(), &changes);
  Apply(changes);
}

void AlertService::Apply(std::vector<AlertChange>& changes) {
  for (AlertChange& ch : changes) {
    if (ch.type == AlertChange::Type::kOpened) alerts_opened_->Add();
    if (ch.notify && !notifiers_.empty()) {
      AlertEvent e;
      e.id = "alert-" + std::to_string(ch.alert.id) + "-" + std::to_string(ch.alert.notified_count);
      e.alert_id = ch.alert.id;
      e.rule = ch.alert.rule;
      e.kind = ch.alert.kind;
      e.level = ch.alert.level;
      e.title = ch.alert.title;
      e.text = ch.alert.text;
      e.payload_json = ch.alert.details_json;
      e.created_at_ms = clock_.Now();
      if (!ch.url.empty()) e.url = ch.url;
      else if (!options_.public_url.empty()) e.url = options_.public_url + "/api/v1/alerts/" + std::to_string(ch.alert.id);
      for (auto& [name, n] : notifiers_) {
        if (ch.notifiers.empty() || std::find(ch.notifiers.begin(), ch.notifiers.end(), name) != ch.notifiers.end())
          n->Enqueue(e);
      }
      ch.history.push_back({0, ch.alert.id, clock_.Now(), "notified", "engine",
                            ch.notifiers.empty() ? "all notifiers" : "notifiers: " + json(ch.notifiers).dump()});
    }
    hub_.Publish(std::string(EventType(ch)), AlertToJson(ch.alert).dump(-1, ' ', false, json::error_handler_t::replace));
    Persist p;
    p.alert = std::move(ch.alert);
    p.history = std::move(ch.history);
    Enqueue(std::move(p));
  }
}

void AlertService::Enqueue(Persist p) {
  {
    std::lock_guard lock(persist_mu_);
    if (persist_.size() >= options_.persist_queue || stopping_) {
      ++persist_dropped_;
      spdlog::error("alerts: persist queue full or stopped; a change of alert {} was not saved",
                    p.alert ? p.alert->id : (p.deliveries.empty() ? 0 : p.deliveries[0].alert_id));
      return;
    }
    persist_.push_back(std::make_unique<Persist>(std::move(p)));
    ++persist_enqueued_;
  }
  persist_cv_.notify_one();
}

void AlertService::PersistLoop() {
  for (;;) {
    std::vector<std::unique_ptr<Persist>> batch;
    {
      std::unique_lock lock(persist_mu_);
      persist_cv_.wait(lock, [&] { return !persist_.empty() || stopping_; });
      if (persist_.empty() && stopping_) return;
      // Linger a little so that a burst is one transaction, unless a reader
      // waits (Flush) or the service stops.
      persist_cv_.wait_for(lock, kPersistLinger,
                           [&] { return persist_.size() >= kPersistBatch || stopping_ || flush_waiters_ > 0; });
      while (!persist_.empty() && batch.size() < kPersistBatch) {
        batch.push_back(std::move(persist_.front()));
        persist_.pop_front();
      }
    }
    // Coalesce: the last version of each alert, every history line and
    // delivery row in order.
    std::map<int64_t, size_t> last;
    std::vector<store::DeliveryRecord> deliveries;
    for (size_t i = 0; i < batch.size(); ++i) {
      if (batch[i]->alert) last[batch[i]->alert->id] = i;
      for (store::DeliveryRecord& d : batch[i]->deliveries) deliveries.push_back(std::move(d));
    }
    std::map<int64_t, std::vector<store::AlertHistoryEntry>> history;
    for (auto& p : batch)
      if (p->alert)
        for (store::AlertHistoryEntry& h : p->history) history[p->alert->id].push_back(std::move(h));
    std::vector<store::AlertWrite> alerts;
    alerts.reserve(last.size());
    for (const auto& [id, index] : last) alerts.push_back({std::move(*batch[index]->alert), std::move(history[id])});
    // One transaction per batch: the persister shares the store's writer
    // with ingestion, so it commits as rarely as it can.
    Status s = store_.WriteAlerts(alerts, deliveries);
    if (!s.ok()) {
      ++persist_errors_;
      spdlog::error("alerts: saving {} alerts and {} delivery log rows: {}", alerts.size(), deliveries.size(),
                    s.message());
    }
    {
      std::lock_guard lock(persist_mu_);
      persist_done_ += batch.size();
    }
    persisted_cv_.notify_all();
  }
}

void AlertService::Flush() {
  std::unique_lock lock(persist_mu_);
  uint64_t target = persist_enqueued_;
  if (persist_done_ >= target) return;
  ++flush_waiters_;
  persist_cv_.notify_one();
  persisted_cv_.wait(lock, [&] { return persist_done_ >= target; });
  --flush_waiters_;
}

void AlertService::TickLoop() {
  std::unique_lock lock(tick_mu_);
  while (!tick_stop_) {
    tick_cv_.wait_for(lock, std::chrono::milliseconds(options_.tick_ms), [&] { return tick_stop_; });
    if (tick_stop_) break;
    lock.unlock();
    {
      std::vector<AlertChange> changes;
      std::lock_guard engine_lock(mu_);
      RefreshQueriesLocked(false);
      engine_->Tick(clock_.Now(), &changes);
      Apply(changes);
    }
    lock.lock();
  }
}

void AlertService::RefreshQueriesLocked(bool force) {
  base::Timestamp now = clock_.Now();
  if (!query_names_ || (!force && now - queries_checked_at_ < kQueryRefreshMs && now >= queries_checked_at_)) return;
  queries_checked_at_ = now;
  std::map<int64_t, std::string> q = query_names_();
  if (q == queries_) return;
  queries_ = std::move(q);
  if (engine_) engine_->SetQueries(queries_);  // not before Start()
}

std::vector<Rule> AlertService::AllRulesLocked() const {
  std::vector<Rule> all = options_.rules;
  all.insert(all.end(), api_rules_.begin(), api_rules_.end());
  return all;
}

std::vector<Rule> AlertService::Rules() const {
  std::lock_guard lock(mu_);
  std::vector<Rule> config = options_.rules, api = api_rules_;
  auto by_name = [](const Rule& a, const Rule& b) { return a.name < b.name; };
  std::sort(config.begin(), config.end(), by_name);
  std::sort(api.begin(), api.end(), by_name);
  config.insert(config.end(), api.begin(), api.end());
  return config;
}

base::Result<Rule> AlertService::GetRule(const std::string& name) const {
  for (Rule& r : Rules())
    if (r.name == name) return r;
  return Status::NotFound("alert rule \"" + name + "\" not found");
}

base::Result<Rule> AlertService::ParseApiRule(const json& definition) const {
  ECOUTE_ASSIGN_OR_RETURN(Rule r, RuleFromJson(definition));
  r.origin = "api";
  std::optional<std::vector<std::string>> teams = TeamNames(options_);
  ECOUTE_RETURN_IF_ERROR(CheckReferences(r, QueryNameList(queries_), NotifierNames(), teams ? &*teams : nullptr));
  return r;
}

base::Result<Rule> AlertService::CreateRule(const json& definition) {
  std::lock_guard lock(mu_);
  RefreshQueriesLocked(true);
  ECOUTE_ASSIGN_OR_RETURN(Rule r, ParseApiRule(definition));
  for (const Rule& existing : AllRulesLocked())
    if (existing.name == r.name) return Status::AlreadyExists("alert rule \"" + r.name + "\" already exists");
  store::AlertRuleRecord rec;
  rec.name = r.name;
  rec.definition_json = RuleToJson(r).dump();
  ECOUTE_ASSIGN_OR_RETURN(store::AlertRuleRecord saved, store_.SaveAlertRule(rec));
  api_rule_ids_[r.name] = saved.id;
  api_rules_.push_back(r);
  if (engine_) engine_->SetRules(AllRulesLocked());
  return r;
}

base::Result<Rule> AlertService::ReplaceRule(const std::string& name, const json& definition) {
  std::lock_guard lock(mu_);
  for (const Rule& c : options_.rules)
    if (c.name == name)
      return Status::FailedPrecondition("alert rule \"" + name + "\" is defined in ecoute.yaml; change it there");
  auto it = std::find_if(api_rules_.begin(), api_rules_.end(), [&](const Rule& r) { return r.name == name; });
  if (it == api_rules_.end()) return Status::NotFound("alert rule \"" + name + "\" not found");
  RefreshQueriesLocked(true);
  ECOUTE_ASSIGN_OR_RETURN(Rule r, ParseApiRule(definition));
  if (r.name != name) {
    for (const Rule& existing : AllRulesLocked())
      if (existing.name == r.name) return Status::AlreadyExists("alert rule \"" + r.name + "\" already exists");
  }
  store::AlertRuleRecord rec;
  rec.id = api_rule_ids_.at(name);
  rec.name = r.name;
  rec.definition_json = RuleToJson(r).dump();
  ECOUTE_ASSIGN_OR_RETURN(store::AlertRuleRecord saved, store_.SaveAlertRule(rec));
  api_rule_ids_.erase(name);
  api_rule_ids_[r.name] = saved.id;
  *it = r;
  if (engine_) engine_->SetRules(AllRulesLocked());
  return r;
}

base::Result<Rule> AlertService::CheckRule(const json& definition, std::map<int64_t, std::string>* queries) {
  std::lock_guard lock(mu_);
  RefreshQueriesLocked(true);
  ECOUTE_ASSIGN_OR_RETURN(Rule r, ParseApiRule(definition));
  if (queries) *queries = queries_;
  return r;
}

base::Status AlertService::DeleteRule(const std::string& name) {
  std::lock_guard lock(mu_);
  for (const Rule& c : options_.rules)
    if (c.name == name)
      return Status::FailedPrecondition("alert rule \"" + name + "\" is defined in ecoute.yaml; remove it there");
  auto it = std::find_if(api_rules_.begin(), api_rules_.end(), [&](const Rule& r) { return r.name == name; });
  if (it == api_rules_.end()) return Status::NotFound("alert rule \"" + name + "\" not found");
  ECOUTE_RETURN_IF_ERROR(store_.DeleteAlertRule(api_rule_ids_.at(name)));
  api_rule_ids_.erase(name);
  api_rules_.erase(it);
  if (engine_) engine_->SetRules(AllRulesLocked());
  return Status::Ok();
}

base::Status AlertService::ReplaceConfigRules(std::vector<Rule> rules) {
  std::lock_guard lock(mu_);
  RefreshQueriesLocked(true);
  ECOUTE_RETURN_IF_ERROR(CheckConfigRules(rules, queries_, NotifierNames(), api_rules_, TeamNames(options_)));
  options_.rules = std::move(rules);
  if (engine_) engine_->SetRules(AllRulesLocked());
  return Status::Ok();
}

base::Result<std::vector<store::AlertRecord>> AlertService::Alerts(const store::AlertFilter& filter) {
  Flush();
  return store_.Alerts(filter);
}

base::Result<store::AlertCounts> AlertService::CountAlerts(const std::string& rule,
                                                          std::map<std::string, store::AlertCounts>* by_rule) {
  Flush();
  return store_.CountAlerts(rule, by_rule);
}

base::Result<store::AlertRecord> AlertService::GetAlert(int64_t id) {
  Flush();
  ECOUTE_ASSIGN_OR_RETURN(std::optional<store::AlertRecord> a, store_.GetAlert(id));
  if (!a) return Status::NotFound("alert " + std::to_string(id) + " not found");
  return *a;
}

base::Result<std::vector<store::AlertHistoryEntry>> AlertService::History(int64_t id) {
  Flush();
  return store_.AlertHistory(id);
}

base::Result<std::vector<store::DeliveryRecord>> AlertService::Deliveries(const store::DeliveryFilter& filter) {
  Flush();
  return store_.Deliveries(filter);
}

base::Result<store::AlertRecord> AlertService::Acknowledge(int64_t id, const std::string& actor, const std::string& note) {
  return Transition(id, actor, note, /*resolve=*/false);
}

base::Result<store::AlertRecord> AlertService::Resolve(int64_t id, const std::string& actor, const std::string& note) {
  return Transition(id, actor, note, /*resolve=*/true);
}

base::Result<store::AlertRecord> AlertService::Transition(int64_t id, const std::string& actor, const std::string& note,
                                                          bool resolve) {
  std::optional<store::AlertRecord> done;
  {
    std::lock_guard lock(mu_);
    if (!engine_) return Status::Unavailable("alerts are not started");
    std::vector<AlertChange> changes;
    base::Timestamp now = clock_.Now();
    Status s = resolve ? engine_->Resolve(id, actor, note, now, &changes)
                       : engine_->Acknowledge(id, actor, note, now, &changes);
    if (s.ok()) {
      done = changes.back().alert;
      Apply(changes);
    } else if (s.code() != base::StatusCode::kNotFound) {
      return s;
    }
  }
  if (done) {
    Flush();
    return *done;
  }
  // Not open in the engine (a per-message alert, or a resolved one): the
  // stored record changes.
  ECOUTE_ASSIGN_OR_RETURN(store::AlertRecord rec, GetAlert(id));
  if (rec.status == store::AlertStatus::kResolved) {
    if (resolve) return rec;
    return Status::FailedPrecondition("alert " + std::to_string(id) + " is resolved");
  }
  base::Timestamp now = clock_.Now();
  if (resolve) {
    rec.status = store::AlertStatus::kResolved;
    rec.resolved_at = now;
    rec.resolved_by = actor;
  } else {
    rec.status = store::AlertStatus::kAcknowledged;
    rec.acknowledged_at = now;
    rec.acknowledged_by = actor;
  }
  if (!note.empty()) rec.note = note;
  store::AlertHistoryEntry h{0, id, now, resolve ? "resolved" : "acknowledged", actor, note};
  ECOUTE_RETURN_IF_ERROR(store_.SaveAlert(rec, std::span(&h, 1)));
  hub_.Publish(resolve ? "alert.resolved" : "alert.acknowledged",
               AlertToJson(rec).dump(-1, ' ', false, json::error_handler_t::replace));
  return rec;
}

std::vector<std::string> AlertService::NotifierNames() const {
  std::vector<std::string> out;
  for (const auto& [name, n] : notifiers_) out.push_back(name);
  return out;
}

ServiceStats AlertService::Stats() const {
  ServiceStats st;
  {
    std::lock_guard lock(mu_);
    if (engine_) st.engine = engine_->Stats();
  }
  {
    std::lock_guard lock(persist_mu_);
    st.persisted = persist_done_;
  }
  st.persist_dropped = persist_dropped_;
  st.persist_errors = persist_errors_;
  for (const auto& [name, n] : notifiers_) {
    st.notifiers[name] = n->Stats();
    st.notifier_types[name] = std::string(n->type());
  }
  return st;
}

}  // namespace ecoute::alert
