// CareService: the care inbox at run time. It wires the CaseEngine (cases,
// routing, assignment, SLA clocks) to its persistence (CaseDb), the contact
// directory (contacts::ContactStore), canned responses (CannedStore), the
// reply connectors (ConnectorSet), the accounts (auth::Directory: agents and
// teams) and the alert feed (SLA warnings and breaches).
//
//   pipeline writer ──OnCommit──► [queue] ──► care thread: contacts.ResolveBatch,
//                                              engine.Observe, CaseDb.Write (under mu_)
//   ticker thread ─────────────────────────► engine.Tick (SLA warnings, breaches, closing)
//   API threads ──commands──► engine + CaseDb.Write (under mu_), replies ──► connector threads
//
// Every engine call and the CaseDb write of its output happen under one
// mutex, so stored cases change in the order the engine changed them.
//
// Thread-safety: every public method may be called from any thread after
// Start(), until Stop().
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "care/canned.h"
#include "care/case_db.h"
#include "care/engine.h"
#include "care/outbound.h"
#include "model/mention.h"
#include "store/store.h"

namespace ecoute::auth {
class Directory;
}  // namespace ecoute::auth
namespace ecoute::contacts {
class ContactStore;
}  // namespace ecoute::contacts

namespace ecoute::care {

// Who asks (the API's authenticated principal).
struct Actor {
  int64_t user_id = 0;
  std::string login;
  std::string display_name;
  bool can_assign_others = false;  // auth::Permission::kAssignCases
};

struct CareOptions {
  CareSettings settings;
  int64_t tick_ms = 1000;           // SLA clock resolution of the live service
  size_t queue_capacity = 4096;     // committed batches waiting for the care thread (OnCommit blocks beyond)
  int64_t presence_ttl_ms = 30'000; // a viewer/typist disappears this long after their last heartbeat
  int64_t lock_ttl_ms = 60'000;     // a typing agent's soft lock on a message lasts this long
  int64_t directory_refresh_ms = 10'000;  // users and teams are re-read this often
};

// Stores an outbound mention (a reply sent from ecoute) and returns once it
// is committed, with its id; the pipeline's JSON ingestion in the app.
using StoreOutboundFn = std::function<base::Result<int64_t>(const model::Mention&)>;
// Receives SLA warnings and breaches (the alert service's feed). Called on
// the care threads, never with the service's lock held.
using SlaSinkFn = std::function<void(const std::vector<SlaNotice>&)>;
// Brand query names -> ids, for routing rules.
using QueryIdsFn = std::function<std::map<std::string, int64_t, std::less<>>()>;

struct CareDeps {
  CaseDb* cases = nullptr;                    // required
  contacts::ContactStore* contacts = nullptr; // optional: no contacts, no cross-channel joining
  CannedStore* canned = nullptr;              // optional
  ConnectorSet* connectors = nullptr;         // optional: replies are stored, not sent ("no connector")
  auth::Directory* directory = nullptr;       // optional: no agents nor teams
  const store::Store* store = nullptr;        // required: the messages of cases
  StoreOutboundFn store_outbound;             // required for Reply
  SlaSinkFn on_sla;                           // optional
  QueryIdsFn query_ids;                       // optional
  const base::Clock* clock = &base::SystemClock();
};

// A change asked through the API; unset fields are left alone.
struct CaseUpdate {
  std::optional<CaseStatus> status;
  std::optional<Priority> priority;  // needs can_assign_others
  std::optional<int64_t> team_id;    // transfer; needs can_assign_others
  std::vector<std::string> add_tags;
  std::vector<std::string> remove_tags;
};

struct ReplyRequest {
  std::string text;        // the reply; may be empty when `canned` is given
  std::string canned;      // name of a canned response rendered into the text (before `text`, if both)
  std::string language;    // variant of the canned response; empty = the case's language
  int64_t in_reply_to = 0; // the customer message answered (mention id); 0 = the case's latest customer message
  std::optional<CaseStatus> status_after;  // e.g. pending or resolved once sent
  bool force = false;      // send although another agent holds the soft lock
};

// One person on a case (collision detection).
struct CaseViewer {
  int64_t user_id = 0;
  std::string login;
  std::string display_name;
  std::string state;  // "viewing" | "typing"
  base::Timestamp since = 0;
  base::Timestamp seen_at = 0;
  int64_t message_id = 0;  // for "typing": the message being answered
};

struct CareStats {
  uint64_t batches = 0;
  uint64_t mentions = 0;
  uint64_t cases_created = 0;
  uint64_t write_errors = 0;
  size_t active_cases = 0;
  size_t queued_batches = 0;
};

class CareService {
 public:
  // Checks the settings against the directory's teams and the queries
  // (CaseEngine::Create's errors). Settings stored through the API
  // (CaseDb settings "care.routing", "care.sla_policies", "care.calendars")
  // replace the configured ones.
  static base::Result<std::unique_ptr<CareService>> Create(CareOptions options, CareDeps deps);
  ~CareService();  // Stop()

  // Restores active and resolved cases from CaseDb, starts the care,
  // ticker and connector threads. Call once.
  base::Status Start();
  // Processes what is queued, then stops the threads. Idempotent.
  void Stop();

  // Pipeline::CommitListener. Copies the mentions to the care thread's
  // queue; blocks while the queue is full (backpressure, never loss).
  void OnCommit(const std::vector<model::Mention>& mentions);
  // Waits until every batch given to OnCommit so far is processed and
  // written, and the SLA clocks are evaluated at the clock's now.
  void Flush();

  // Replays stored mentions in event time (an import of history): sorted
  // by created_at here, each is observed at its own created_at after the
  // SLA clocks were advanced to it, so breaches and first responses are
  // those of the time the messages were written. Writes in chunks; the
  // live queue is not used. Call after Start(), with OnCommit not fed.
  base::Status Replay(std::vector<model::Mention> mentions);

  // ---- reads (CaseDb, plus the live soft-state) ----
  base::Result<std::optional<CaseRecord>> GetCase(int64_t id) const;
  base::Result<CasePage> ListCases(const CaseFilter& filter) const;
  std::vector<CaseViewer> Viewers(int64_t case_id) const;
  std::vector<AgentLoad> Agents() const;
  CareStats Stats() const;

  // ---- commands: NotFound for an unknown case, FailedPrecondition for a
  // closed one or a forbidden transition, PermissionDenied when the actor
  // may not (assign to someone else, priority, transfer), InvalidArgument
  // naming the field. ----
  base::Result<CaseRecord> Update(int64_t case_id, const CaseUpdate& u, const Actor& actor);
  // user_id 0 unassigns; assigning to oneself needs no kAssignCases.
  base::Result<CaseRecord> Assign(int64_t case_id, int64_t user_id, const Actor& actor);
  base::Result<CaseRecord> AddNote(int64_t case_id, const std::string& text, const Actor& actor);
  // Stores the reply on the case (an outbound mention, so the first
  // response is measured from the customer's message to it), sends it
  // through the channel's connector, and returns the reply record (state
  // "queued"; later "sent" or "failed", visible through Replies()).
  // FailedPrecondition (409) "<login> is replying to this message" when
  // another agent holds the soft lock and !force.
  base::Result<ReplyRecord> Reply(int64_t case_id, const ReplyRequest& r, const Actor& actor);
  base::Result<std::vector<ReplyRecord>> Replies(int64_t case_id) const;
  // Renders canned response `name` for the case (variables from the case,
  // its contact and the actor).
  base::Result<Rendered> RenderCanned(int64_t case_id, const std::string& name, const std::string& language,
                                      const Actor& actor) const;

  // Collision: "viewing" or "typing" (a typing agent holds the soft lock
  // on `message_id`, 0 = the latest customer message), "left" removes.
  base::Status Touch(int64_t case_id, const std::string& state, int64_t message_id, const Actor& actor);
  // An agent's presence (online agents get cases automatically); the
  // state after the change.
  base::Result<PresenceState> SetPresence(const Actor& actor, Presence p);
  // The presence of user `user_id` (offline since 0 when never set; the
  // presence is not persisted: offline after a restart).
  PresenceState PresenceOf(int64_t user_id) const;

  // ---- settings managed through the API (persisted in CaseDb) ----
  CareSettings Settings() const;
  // Each replaces one part after the same checks as Create (InvalidArgument
  // naming the place; nothing changes on error).
  base::Status ReplaceRouting(std::vector<RoutingRule> rules);
  base::Status ReplaceSlaPolicies(std::vector<SlaPolicy> policies);
  base::Status ReplaceCalendars(std::vector<BusinessCalendar> calendars);
  // Re-reads agents and teams now (after a change through the API).
  void RefreshDirectory();

  // The connectors' ReplyObserver: records a reply's final outcome (sent
  // or failed) on the reply and in the case's history.
  void OnReplyResult(const ReplyResult& r);

  CaseDb& cases() const { return *deps_.cases; }
  contacts::ContactStore* contacts() const { return deps_.contacts; }
  CannedStore* canned() const { return deps_.canned; }
  const store::Store& store() const { return *deps_.store; }

 private:
  CareService(CareOptions options, CareDeps deps, std::unique_ptr<CaseEngine> engine);
  void RunCare();
  void RunTicker();
  void ProcessBatch(const std::vector<model::Mention>& batch);
  bool IsVip(int64_t contact) const;  // the contact directory says so (false without one)
  // Writes `out` (under mu_) and hands its notices to on_sla (after).
  base::Status WriteLocked(EngineOutput& out);
  void Deliver(std::vector<SlaNotice> notices);
  std::vector<AgentInfo> LoadAgents(std::vector<TeamInfo>* teams) const;
  base::Status Persist(const std::string& key, const nlohmann::json& value);
  base::Status ApplySettings(CareSettings s);

  const CareOptions options_;
  CareDeps deps_;

  mutable std::mutex mu_;  // the engine and CaseDb writes
  std::unique_ptr<CaseEngine> engine_;

  mutable std::mutex q_mu_;
  std::condition_variable q_cv_;
  std::deque<std::vector<model::Mention>> queue_;  // GUARDED_BY(q_mu_)
  uint64_t enqueued_ = 0, processed_ = 0;          // GUARDED_BY(q_mu_)
  bool stopping_ = false;                          // GUARDED_BY(q_mu_)

  mutable std::mutex soft_mu_;
  std::map<int64_t, std::vector<CaseViewer>> viewers_;  // GUARDED_BY(soft_mu_)

  std::atomic<uint64_t> batches_{0}, mentions_{0}, created_{0}, write_errors_{0};
  std::thread care_thread_, ticker_thread_;
  bool started_ = false;
};

}  // namespace ecoute::care
