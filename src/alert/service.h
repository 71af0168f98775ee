// The live alert service: feeds committed mentions to the Engine, notifies
// (webhook, e-mail, the live stream), persists alerts, their history and
// the delivery log, and answers the API (rules, alerts, ack/resolve).
//
//   pipeline writer ──OnCommit──► Engine (under mu_) ──► notifiers + Hub (never block)
//   care inbox ──OnSlaEvents─────────────┤
//                                        │
//   ticker thread ──Tick every second────┘──► persist queue ──► persister thread ──► Store
//
// Nothing on the ingestion path waits for a notifier or the database: the
// notifiers have their own queues and threads, the persister its own; when
// the persist queue is full, changes are dropped and counted (an error is
// logged). Thread-safety: every public method may be called from any thread.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "alert/engine.h"
#include "alert/hub.h"
#include "alert/notifier.h"
#include "alert/rules.h"
#include "base/clock.h"
#include "base/metrics.h"
#include "base/status.h"
#include "store/store.h"

namespace ecoute::alert {

// A notifier to build: `type` "webhook" uses `webhook`, "email" `smtp`.
struct NotifierSpec {
  std::string name;
  std::string type;
  WebhookOptions webhook;
  SmtpOptions smtp;
};

struct ServiceOptions {
  std::vector<Rule> rules;  // from ecoute.yaml (origin "config"); API rules come from the store
  std::vector<NotifierSpec> notifiers;
  EngineOptions engine;     // first_alert_id is set by Start()
  int64_t tick_ms = 1000;   // how often minutes are closed and quiet alerts expire
  size_t persist_queue = 100'000;  // pending changes and delivery rows
  // History read at Start() to warm the spike baselines: the last
  // `learn_days` days, at most `learn_max_messages` mentions.
  int learn_days = 14;
  int64_t learn_max_messages = 2'000'000;
  // Link put in notifications: public_url + "/api/v1/alerts/<id>" (empty:
  // no link); an SLA alert links to its case (SlaEventInput::case_url)
  // when that is set.
  std::string public_url;
  // Care team names, to check the `teams` of sla rules as their queries
  // and notifiers are (CheckReferences); unset = not checked. Called at
  // Create and when rules are created, replaced or reloaded (with the
  // service's lock held: it must not call the service); must be
  // thread-safe.
  std::function<std::vector<std::string>()> team_names;
};

// Monitored query id -> name, as now defined. Called from the service's
// threads; must be thread-safe.
using QueryNamesFn = std::function<std::map<int64_t, std::string>()>;

struct ServiceStats {
  EngineStats engine;
  uint64_t persisted = 0;
  uint64_t persist_dropped = 0;
  uint64_t persist_errors = 0;
  std::map<std::string, NotifierStats> notifiers;
  std::map<std::string, std::string> notifier_types;  // name -> "webhook" | "email"
};

// An alert as the API and the live stream show it: every field, timestamps
// as ISO 8601 (null when unset), `details` as an object.
nlohmann::json AlertToJson(const store::AlertRecord& a);

class AlertService {
 public:
  // Builds the notifiers, loads the rules created through the API and
  // checks the configured rules (unique names, none also an API rule's,
  // known queries and notifiers); InvalidArgument "rule NAME: field: ..."
  // or "notifier NAME: ...". `store` and `clock`
  // must outlive the service. Nothing starts yet: before Start() the rule
  // methods work, OnCommit ignores mentions.
  static base::Result<std::unique_ptr<AlertService>> Create(ServiceOptions options, store::Store& store,
                                                            QueryNamesFn query_names,
                                                            const base::Clock& clock = base::SystemClock());
  ~AlertService();  // Stop()
  AlertService(const AlertService&) = delete;
  AlertService& operator=(const AlertService&) = delete;

  // Re-attaches open alerts, learns the spike
  // baselines from the store's recent history, then starts the notifiers,
  // the ticker and the persister. Call once, before OnCommit.
  base::Status Start();
  // Stops the ticker, persists what is pending, stops the notifiers (events
  // still queued there are dead-lettered "stopped") and closes the hub.
  // Idempotent.
  void Stop();

  // Pipeline::CommitListener: evaluates the committed mentions at the
  // clock's now. Quick; never blocks on I/O.
  void OnCommit(const std::vector<model::Mention>& mentions);
  // The care inbox's SLA warnings and breaches: evaluated by the sla rules
  // (Engine::ObserveSla) at the clock's now, then notified, published and
  // persisted as OnCommit's alerts are. Quick; never blocks on a notifier
  // or the database. Ignored before Start().
  void OnSlaEvents(const std::vector<SlaEventInput>& events);

  // Rules: config ones then API ones, each group by name.
  std::vector<Rule> Rules() const;
  base::Result<Rule> GetRule(const std::string& name) const;
  // Creates an API rule from its JSON (RuleFromJson). AlreadyExists when the
  // name is taken; InvalidArgument naming the field.
  base::Result<Rule> CreateRule(const nlohmann::json& definition);
  // Replaces API rule `name` (the definition may rename it).
  // FailedPrecondition for a rule of ecoute.yaml; NotFound when absent.
  base::Result<Rule> ReplaceRule(const std::string& name, const nlohmann::json& definition);
  base::Status DeleteRule(const std::string& name);
  // Checks an API rule definition exactly as CreateRule and ReplaceRule do
  // (RuleFromJson, then its queries, notifiers and teams against the
  // current ones) without saving it, and whatever its name (taken or not):
  // the rule preview. InvalidArgument naming the field. `queries`, when
  // not null, receives the monitored queries (id -> name) it was checked
  // against, to backtest it with.
  base::Result<Rule> CheckRule(const nlohmann::json& definition, std::map<int64_t, std::string>* queries = nullptr);
  // The engine's options (time zone, samples...), as given to Create.
  const EngineOptions& engine_options() const { return options_.engine; }
  // Replaces the ecoute.yaml rules (SIGHUP reload): checked as in Create;
  // on error nothing changes. A rule that is unchanged keeps its state.
  base::Status ReplaceConfigRules(std::vector<Rule> rules);

  // Alerts as persisted (waits for changes made before the call to be
  // written, so a read follows the writes the caller has seen).
  base::Result<std::vector<store::AlertRecord>> Alerts(const store::AlertFilter& filter);
  // Store::CountAlerts, after the pending changes are written (as Alerts).
  base::Result<store::AlertCounts> CountAlerts(const std::string& rule,
                                               std::map<std::string, store::AlertCounts>* by_rule);
  base::Result<store::AlertRecord> GetAlert(int64_t id);
  base::Result<std::vector<store::AlertHistoryEntry>> History(int64_t id);
  base::Result<std::vector<store::DeliveryRecord>> Deliveries(const store::DeliveryFilter& filter);
  // NotFound for an unknown id; FailedPrecondition to acknowledge a
  // resolved alert. Resolving a resolved alert returns it unchanged.
  base::Result<store::AlertRecord> Acknowledge(int64_t id, const std::string& actor, const std::string& note);
  base::Result<store::AlertRecord> Resolve(int64_t id, const std::string& actor, const std::string& note);

  // Live events for GET /api/v1/alerts/stream.
  Hub& hub() { return hub_; }
  std::vector<std::string> NotifierNames() const;
  ServiceStats Stats() const;

  // Blocks until every change made so far is persisted (tests, reads).
  void Flush();

 private:
  struct Persist;  // one queued write
  AlertService(ServiceOptions options, store::Store& store, QueryNamesFn query_names, const base::Clock& clock);
  void Apply(std::vector<AlertChange>& changes);  // notify + publish + queue; caller holds mu_
  void Enqueue(Persist p);
  void TickLoop();
  void PersistLoop();
  base::Result<Rule> ParseApiRule(const nlohmann::json& definition) const;
  std::vector<Rule> AllRulesLocked() const;
  void RefreshQueriesLocked(bool force);
  base::Result<store::AlertRecord> Transition(int64_t id, const std::string& actor, const std::string& note,
                                              bool resolve);

  ServiceOptions options_;
  store::Store& store_;
  QueryNamesFn query_names_;
  const base::Clock& clock_;
  Hub hub_;
  std::vector<std::pair<std::string, std::unique_ptr<Notifier>>> notifiers_;

  mutable std::mutex mu_;  // the engine and the rules
  std::unique_ptr<Engine> engine_;                 // GUARDED_BY(mu_)
  std::vector<Rule> api_rules_;                    // GUARDED_BY(mu_)
  std::map<std::string, int64_t> api_rule_ids_;    // GUARDED_BY(mu_): name -> store id
  std::map<int64_t, std::string> queries_;         // GUARDED_BY(mu_)
  base::Timestamp queries_checked_at_ = 0;         // GUARDED_BY(mu_)

  mutable std::mutex persist_mu_;
  std::condition_variable persist_cv_, persisted_cv_;
  std::deque<std::unique_ptr<Persist>> persist_;   // GUARDED_BY(persist_mu_)
  uint64_t persist_enqueued_ = 0;                  // GUARDED_BY(persist_mu_)
  uint64_t persist_done_ = 0;                      // GUARDED_BY(persist_mu_)
  int flush_waiters_ = 0;                          // GUARDED_BY(persist_mu_)
  bool stopping_ = false;                          // GUARDED_BY(persist_mu_)
  std::atomic<uint64_t> persist_dropped_{0}, persist_errors_{0};

  std::thread ticker_, persister_;
  std::mutex tick_mu_;
  std::condition_variable tick_cv_;
  bool tick_stop_ = false;  // GUARDED_BY(tick_mu_)
  bool started_ = false;
  std::once_flag stop_once_;

  base::Counter* alerts_opened_;
  base::Histogram* evaluate_latency_;
};

}  // namespace ecoute::alert
