#include "care/service.h"

#include <algorithm>
#include <chrono>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "auth/directory.h"
#include "contacts/contact_store.h"

namespace ecoute::care {
namespace {

using nlohmann::json;

constexpr const char* kRoutingKey = "care.routing";
constexpr const char* kPoliciesKey = "care.sla_policies";
constexpr const char* kCalendarsKey = "care.calendars";

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

std::string FirstName(const std::string& name) {
  auto sp = name.find(' ');
  return sp == std::string::npos ? name : name.substr(0, sp);
}

// Thread part of "<channel>:<thread id>".
std::string ThreadOf(const std::string& key) {
  auto colon = key.find(':');
  return colon == std::string::npos ? key : key.substr(colon + 1);
}

}  // namespace

std::vector<AgentInfo> CareService::LoadAgents(std::vector<TeamInfo>* teams) const {
  std::vector<AgentInfo> agents;
  teams->clear();
  if (deps_.directory == nullptr) return agents;
  auto users = deps_.directory->ListUsers();
  auto ts = deps_.directory->ListTeams();
  if (!users.ok() || !ts.ok()) {
    spdlog::warn("care: cannot read users and teams: {}", (!users.ok() ? users.status() : ts.status()).ToString());
    return agents;
  }
  for (const auth::User& u : users.value()) {
    agents.push_back(AgentInfo{u.id, u.login, u.display_name, u.capacity, u.team_ids, u.disabled});
  }
  for (const auth::Team& t : ts.value()) teams->push_back(TeamInfo{t.id, t.name, t.assignment, t.member_ids});
  return agents;
}

base::Result<std::unique_ptr<CareService>> CareService::Create(CareOptions options, CareDeps deps) {
  if (deps.cases == nullptr || deps.store == nullptr) {
    return base::Status::InvalidArgument("care: the case database and the store are required");
  }
  if (deps.clock == nullptr) deps.clock = &base::SystemClock();
  // Settings stored through the API win over the configured ones.
  CareSettings settings = options.settings;
  auto load = [&](const char* key, auto&& apply) -> base::Status {
    auto v = deps.cases->GetSetting(key);
    if (!v.ok()) return v.status();
    if (!v.value()) return base::Status::Ok();
    json j = json::parse(*v.value(), nullptr, false);
    if (!j.is_array()) return base::Status::Corruption(std::string("care: stored setting ") + key + " is not a list");
    return apply(j);
  };
  base::Status st = load(kRoutingKey, [&](const json& j) -> base::Status {
    std::vector<RoutingRule> rules;
    for (size_t i = 0; i < j.size(); ++i) {
      auto r = RoutingRuleFromJson(j[i], std::string(kRoutingKey) + "[" + std::to_string(i) + "]");
      if (!r.ok()) return r.status();
      rules.push_back(std::move(r).value());
    }
    settings.routing = std::move(rules);
    return base::Status::Ok();
  });
  if (st.ok()) {
    st = load(kPoliciesKey, [&](const json& j) -> base::Status {
      std::vector<SlaPolicy> ps;
      for (size_t i = 0; i < j.size(); ++i) {
        auto p = SlaPolicy::FromJson(j[i], std::string(kPoliciesKey) + "[" + std::to_string(i) + "]");
        if (!p.ok()) return p.status();
        ps.push_back(std::move(p).value());
      }
      settings.sla_policies = std::move(ps);
      return base::Status::Ok();
    });
  }
  if (st.ok()) {
    st = load(kCalendarsKey, [&](const json& j) -> base::Status {
      std::vector<BusinessCalendar> cs;
      for (size_t i = 0; i < j.size(); ++i) {
        auto c = BusinessCalendar::FromJson(j[i], std::string(kCalendarsKey) + "[" + std::to_string(i) + "]");
        if (!c.ok()) return c.status();
        cs.push_back(std::move(c).value());
      }
      settings.calendars = std::move(cs);
      return base::Status::Ok();
    });
  }
  if (!st.ok()) return st;

  std::unique_ptr<CareService> svc(new CareService(std::move(options), std::move(deps), nullptr));
  std::vector<TeamInfo> teams;
  std::vector<AgentInfo> agents = svc->LoadAgents(&teams);
  auto engine = CaseEngine::Create(std::move(settings), std::move(agents), std::move(teams),
                                   svc->deps_.query_ids ? svc->deps_.query_ids()
                                                        : std::map<std::string, int64_t, std::less<>>{});
  if (!engine.ok()) return engine.status();
  svc->engine_ = std::move(engine).value();
  return svc;
}

CareService::CareService(CareOptions options, CareDeps deps, std::unique_ptr<CaseEngine> engine)
    : options_(std::move(options)), deps_(std::move(deps)), engine_(std::move(engine)) {}

CareService::~CareService() { Stop(); }

base::Status CareService::Start() {
  if (started_) return base::Status::Internal("care service already started");
  // Resolved cases can still reopen: take them back too (one read; a
  // paged listing would count the table on every page).
  auto active = deps_.cases->ActiveCases(/*with_resolved=*/true);
  if (!active.ok()) return active.status();
  std::vector<CaseRecord> cases = std::move(active).value();
  auto max_id = deps_.cases->MaxCaseId();
  if (!max_id.ok()) return max_id.status();
  {
    std::lock_guard lock(mu_);
    const size_t n = cases.size();
    engine_->Restore(std::move(cases), max_id.value());
    spdlog::info("care: {} active or resolved cases restored", n);
  }
  started_ = true;
  if (deps_.connectors != nullptr) deps_.connectors->Start();
  care_thread_ = std::thread([this] { RunCare(); });
  ticker_thread_ = std::thread([this] { RunTicker(); });
  return base::Status::Ok();
}

void CareService::Stop() {
  {
    std::lock_guard lock(q_mu_);
    if (stopping_) return;
    stopping_ = true;
  }
  q_cv_.notify_all();
  if (care_thread_.joinable()) care_thread_.join();
  if (ticker_thread_.joinable()) ticker_thread_.join();
  if (deps_.connectors != nullptr && started_) deps_.connectors->Stop();
}

void CareService::OnCommit(const std::vector<model::Mention>& mentions) {
  if (mentions.empty()) return;
  std::unique_lock lock(q_mu_);
  q_cv_.wait(lock, [&] { return stopping_ || queue_.size() < options_.queue_capacity; });
  if (stopping_) return;
  queue_.push_back(mentions);
  ++enqueued_;
  q_cv_.notify_all();
}

void CareService::Flush() {
  {
    std::unique_lock lock(q_mu_);
    const uint64_t target = enqueued_;
    q_cv_.wait(lock, [&] { return processed_ >= target || stopping_; });
  }
  EngineOutput out;
  std::lock_guard lock(mu_);
  engine_->Tick(deps_.clock->Now(), &out);
  base::Status st = WriteLocked(out);
  if (!st.ok()) spdlog::error("care: {}", st.ToString());
}

void CareService::RunCare() {
  // Takes every queued batch at once (up to kCoalesce messages): under load
  // one contact transaction and one case transaction cover many commits.
  constexpr size_t kCoalesce = 8192;
  for (;;) {
    std::vector<model::Mention> batch;
    uint64_t taken = 0;
    {
      std::unique_lock lock(q_mu_);
      q_cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && (batch.empty() || batch.size() + queue_.front().size() <= kCoalesce)) {
        if (batch.empty()) {
          batch = std::move(queue_.front());
        } else {
          for (model::Mention& m : queue_.front()) batch.push_back(std::move(m));
        }
        queue_.pop_front();
        ++taken;
      }
    }
    q_cv_.notify_all();  // room for OnCommit
    ProcessBatch(batch);
    {
      std::lock_guard lock(q_mu_);
      processed_ += taken;
    }
    q_cv_.notify_all();
  }
}

void CareService::ProcessBatch(const std::vector<model::Mention>& batch) {
  batches_.fetch_add(1);
  mentions_.fetch_add(batch.size());
  std::vector<int64_t> contact_ids(batch.size(), 0);
  if (deps_.contacts != nullptr) {
    auto ids = deps_.contacts->ResolveBatch(batch);
    if (ids.ok()) {
      contact_ids = std::move(ids).value();
    } else {
      spdlog::error("care: contacts of {} messages not resolved: {}", batch.size(), ids.status().ToString());
    }
  }
  EngineOutput out;
  std::lock_guard lock(mu_);
  engine_->Observe(batch, contact_ids, [this](int64_t c) { return IsVip(c); }, deps_.clock->Now(), &out);
  size_t created = 0;
  for (const CaseEvent& e : out.write.events) created += e.type == "created";
  created_.fetch_add(created);
  base::Status st = WriteLocked(out);
  if (!st.ok()) spdlog::error("care: {}", st.ToString());
}

bool CareService::IsVip(int64_t contact) const {
  if (deps_.contacts == nullptr) return false;
  auto c = deps_.contacts->Get(contact);
  return c.ok() && c.value().vip;
}

base::Status CareService::Replay(std::vector<model::Mention> mentions) {
  std::stable_sort(mentions.begin(), mentions.end(), [](const model::Mention& a, const model::Mention& b) {
    return a.created_at < b.created_at;
  });
  constexpr size_t kChunk = 512;
  for (size_t start = 0; start < mentions.size(); start += kChunk) {
    std::span<const model::Mention> chunk(mentions.data() + start, std::min(kChunk, mentions.size() - start));
    std::vector<int64_t> contact_ids(chunk.size(), 0);
    if (deps_.contacts != nullptr) {
      auto ids = deps_.contacts->ResolveBatch(chunk);
      if (!ids.ok()) return ids.status().WithPrefix("contacts");
      contact_ids = std::move(ids).value();
    }
    EngineOutput out;
    std::lock_guard lock(mu_);
    for (size_t i = 0; i < chunk.size(); ++i) {
      const base::Timestamp at = chunk[i].created_at;
      engine_->Tick(at, &out);
      engine_->Observe(chunk.subspan(i, 1), std::span<const int64_t>(&contact_ids[i], 1),
                       [this](int64_t c) { return IsVip(c); }, at, &out);
    }
    for (const CaseEvent& e : out.write.events) created_.fetch_add(e.type == "created" ? 1 : 0);
    mentions_.fetch_add(chunk.size());
    base::Status st = WriteLocked(out);
    if (!st.ok()) return st;
  }
  if (!mentions.empty()) {
    EngineOutput out;
    std::lock_guard lock(mu_);
    engine_->Tick(mentions.back().created_at, &out);
    return WriteLocked(out);
  }
  return base::Status::Ok();
}

base::Status CareService::WriteLocked(EngineOutput& out) {
  if (out.write.cases.empty() && out.write.messages.empty() && out.write.events.empty()) {
    if (!out.notices.empty()) Deliver(std::move(out.notices));
    return base::Status::Ok();
  }
  base::Status st = deps_.cases->Write(out.write);
  if (!st.ok()) {
    write_errors_.fetch_add(1);
    return st.WithPrefix("writing " + std::to_string(out.write.cases.size()) + " cases");
  }
  if (!out.notices.empty()) Deliver(std::move(out.notices));
  return base::Status::Ok();
}

void CareService::Deliver(std::vector<SlaNotice> notices) {
  if (deps_.on_sla && !notices.empty()) deps_.on_sla(notices);
}

void CareService::RunTicker() {
  base::Timestamp last_refresh = deps_.clock->Now();
  for (;;) {
    {
      std::unique_lock lock(q_mu_);
      if (q_cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(10, options_.tick_ms)),
                         [&] { return stopping_; })) {
        return;
      }
    }
    const base::Timestamp now = deps_.clock->Now();
    if (now - last_refresh >= options_.directory_refresh_ms) {
      RefreshDirectory();
      last_refresh = now;
    }
    EngineOutput out;
    std::lock_guard lock(mu_);
    const base::Timestamp next = engine_->NextTick();
    if (next == 0 || next > now) continue;
    engine_->Tick(now, &out);
    base::Status st = WriteLocked(out);
    if (!st.ok()) spdlog::error("care: {}", st.ToString());
  }
}

void CareService::RefreshDirectory() {
  std::vector<TeamInfo> teams;
  std::vector<AgentInfo> agents = LoadAgents(&teams);
  if (deps_.directory == nullptr) return;
  EngineOutput out;
  std::lock_guard lock(mu_);
  engine_->SetDirectory(std::move(agents), std::move(teams), deps_.clock->Now(), &out);
  base::Status st = WriteLocked(out);
  if (!st.ok()) spdlog::error("care: {}", st.ToString());
}

// ---- reads ----

base::Result<std::optional<CaseRecord>> CareService::GetCase(int64_t id) const { return deps_.cases->GetCase(id); }

base::Result<CasePage> CareService::ListCases(const CaseFilter& filter) const { return deps_.cases->ListCases(filter); }

std::vector<CaseViewer> CareService::Viewers(int64_t case_id) const {
  const base::Timestamp now = deps_.clock->Now();
  std::lock_guard lock(soft_mu_);
  std::vector<CaseViewer> out;
  auto it = viewers_.find(case_id);
  if (it == viewers_.end()) return out;
  for (const CaseViewer& v : it->second) {
    if (now - v.seen_at <= options_.presence_ttl_ms) out.push_back(v);
  }
  return out;
}

std::vector<AgentLoad> CareService::Agents() const {
  std::lock_guard lock(mu_);
  return engine_->Agents();
}

CareStats CareService::Stats() const {
  CareStats s;
  s.batches = batches_.load();
  s.mentions = mentions_.load();
  s.cases_created = created_.load();
  s.write_errors = write_errors_.load();
  {
    std::lock_guard lock(mu_);
    s.active_cases = engine_->active_count();
  }
  std::lock_guard lock(q_mu_);
  s.queued_batches = queue_.size();
  return s;
}

// ---- commands ----

namespace {

base::Status ClosedOrUnknown(const CaseDb& db, int64_t id) {
  auto c = db.GetCase(id);
  if (!c.ok()) return c.status();
  if (!c.value()) return base::Status::NotFound("case " + std::to_string(id) + ": no such case");
  return base::Status::FailedPrecondition("case " + std::to_string(id) + " is " +
                                          std::string(CaseStatusName(c.value()->status)) + ": it cannot change");
}

}  // namespace

base::Result<CaseRecord> CareService::Update(int64_t case_id, const CaseUpdate& u, const Actor& actor) {
  if ((u.priority || u.team_id) && !actor.can_assign_others) {
    return base::Status::PermissionDenied(std::string(u.priority ? "priority" : "team_id") +
                                          ": changing it needs the assign_cases permission (lead or admin)");
  }
  const base::Timestamp now = deps_.clock->Now();
  EngineOutput out;
  std::lock_guard lock(mu_);
  if (!engine_->Get(case_id)) return ClosedOrUnknown(*deps_.cases, case_id);
  std::optional<CaseRecord> result;
  auto step = [&](base::Result<CaseRecord> r) -> base::Status {
    if (!r.ok()) return r.status();
    result = std::move(r).value();
    return base::Status::Ok();
  };
  base::Status st = base::Status::Ok();
  // Validate everything that can be validated before changing anything.
  if (u.team_id && *u.team_id != 0 && engine_->FindTeam(*u.team_id) == nullptr) {
    return base::Status::InvalidArgument("team_id: unknown team " + std::to_string(*u.team_id));
  }
  if (u.team_id) st = step(engine_->Transfer(case_id, *u.team_id, actor.login, now, &out));
  if (st.ok() && u.priority) st = step(engine_->SetPriority(case_id, *u.priority, actor.login, now, &out));
  if (st.ok() && (!u.add_tags.empty() || !u.remove_tags.empty())) {
    st = step(engine_->Tag(case_id, u.add_tags, u.remove_tags, actor.login, now, &out));
  }
  if (st.ok() && u.status) st = step(engine_->SetStatus(case_id, *u.status, actor.login, now, &out));
  base::Status w = WriteLocked(out);
  if (!st.ok()) return st;
  if (!w.ok()) return w;
  if (!result) {
    auto c = engine_->Get(case_id);
    if (c) return *c;
    return ClosedOrUnknown(*deps_.cases, case_id);
  }
  return *result;
}

base::Result<CaseRecord> CareService::Assign(int64_t case_id, int64_t user_id, const Actor& actor) {
  if (user_id != actor.user_id && !actor.can_assign_others) {
    return base::Status::PermissionDenied(
        "user_id: assigning a case to someone else (or unassigning it) needs the assign_cases permission");
  }
  bool known = true;
  {
    std::lock_guard lock(mu_);
    known = user_id == 0 || engine_->FindAgent(user_id) != nullptr;
  }
  if (!known) RefreshDirectory();  // a user created a moment ago
  const base::Timestamp now = deps_.clock->Now();
  EngineOutput out;
  std::lock_guard lock(mu_);
  if (!engine_->Get(case_id)) return ClosedOrUnknown(*deps_.cases, case_id);
  auto r = engine_->Assign(case_id, user_id, actor.login, now, &out);
  base::Status w = WriteLocked(out);
  if (!r.ok()) return r.status();
  if (!w.ok()) return w;
  return r;
}

base::Result<CaseRecord> CareService::AddNote(int64_t case_id, const std::string& text, const Actor& actor) {
  const base::Timestamp now = deps_.clock->Now();
  EngineOutput out;
  std::lock_guard lock(mu_);
  if (!engine_->Get(case_id)) return ClosedOrUnknown(*deps_.cases, case_id);
  auto r = engine_->Note(case_id, text, actor.login, now, &out);
  base::Status w = WriteLocked(out);
  if (!r.ok()) return r.status();
  if (!w.ok()) return w;
  return r;
}

base::Result<Rendered> CareService::RenderCanned(int64_t case_id, const std::string& name,
                                                 const std::string& language, const Actor& actor) const {
  if (deps_.canned == nullptr) return base::Status::Unavailable("canned responses are not available");
  auto canned = deps_.canned->FindByName(name);
  if (!canned.ok()) return canned.status().WithPrefix("canned");
  auto c = deps_.cases->GetCase(case_id);
  if (!c.ok()) return c.status();
  if (!c.value()) return base::Status::NotFound("case " + std::to_string(case_id) + ": no such case");
  const CaseRecord& cs = *c.value();
  RenderVars vars;
  vars.values["case.id"] = std::to_string(cs.id);
  vars.values["brand"] = cs.account;
  vars.values["agent.name"] = actor.display_name.empty() ? actor.login : actor.display_name;
  vars.values["agent.first_name"] = FirstName(vars.values["agent.name"]);
  auto first = deps_.store->Get(cs.first_message_id);
  if (first.ok() && first.value()) {
    const model::Mention& m = *first.value();
    vars.values["customer.handle"] = m.author.handle;
    std::string excerpt = m.text.substr(0, std::min<size_t>(m.text.size(), 80));
    vars.values["message.excerpt"] = excerpt;
    if (!m.author.display_name.empty()) {
      vars.values["contact.name"] = m.author.display_name;
      vars.values["contact.first_name"] = FirstName(m.author.display_name);
    }
  }
  if (deps_.contacts != nullptr && cs.contact_id != 0) {
    auto contact = deps_.contacts->Get(cs.contact_id);
    if (contact.ok() && !contact.value().display_name.empty()) {
      vars.values["contact.name"] = contact.value().display_name;
      vars.values["contact.first_name"] = FirstName(contact.value().display_name);
    }
  }
  return Render(canned.value(), language.empty() ? cs.language : language, vars);
}

base::Status CareService::Touch(int64_t case_id, const std::string& state, int64_t message_id, const Actor& actor) {
  if (state != "viewing" && state != "typing" && state != "left") {
    return base::Status::InvalidArgument("state: must be viewing, typing or left");
  }
  std::optional<CaseRecord> c;
  {
    std::lock_guard lock(mu_);
    c = engine_->Get(case_id);
  }
  if (!c) return ClosedOrUnknown(*deps_.cases, case_id);
  const base::Timestamp now = deps_.clock->Now();
  std::lock_guard lock(soft_mu_);
  auto& list = viewers_[case_id];
  list.erase(std::remove_if(list.begin(), list.end(),
                            [&](const CaseViewer& v) { return now - v.seen_at > options_.presence_ttl_ms; }),
             list.end());
  auto it = std::find_if(list.begin(), list.end(), [&](const CaseViewer& v) { return v.user_id == actor.user_id; });
  if (state == "left") {
    if (it != list.end()) list.erase(it);
    return base::Status::Ok();
  }
  if (it == list.end()) {
    list.push_back(CaseViewer{actor.user_id, actor.login, actor.display_name, state, now, now, 0});
    it = std::prev(list.end());
  }
  if (it->state != state) it->since = now;
  it->state = state;
  it->seen_at = now;
  it->message_id = state == "typing" ? (message_id != 0 ? message_id : c->last_message_id) : 0;
  return base::Status::Ok();
}

base::Result<PresenceState> CareService::SetPresence(const Actor& actor, Presence p) {
  if (actor.user_id == 0) return base::Status::InvalidArgument("presence: no user");
  RefreshDirectory();  // a user or team created a moment ago
  EngineOutput out;
  std::lock_guard lock(mu_);
  engine_->SetPresence(actor.user_id, p, deps_.clock->Now(), &out);
  ECOUTE_RETURN_IF_ERROR(WriteLocked(out));
  return engine_->PresenceOf(actor.user_id);
}

PresenceState CareService::PresenceOf(int64_t user_id) const {
  std::lock_guard lock(mu_);
  return engine_->PresenceOf(user_id);
}

base::Result<std::vector<ReplyRecord>> CareService::Replies(int64_t case_id) const {
  return deps_.cases->Replies(case_id);
}

base::Result<ReplyRecord> CareService::Reply(int64_t case_id, const ReplyRequest& req, const Actor& actor) {
  if (!deps_.store_outbound) return base::Status::Unavailable("replies are not available (no outbound store)");
  std::optional<CaseRecord> c;
  {
    std::lock_guard lock(mu_);
    c = engine_->Get(case_id);
  }
  if (!c) return ClosedOrUnknown(*deps_.cases, case_id);
  if (!IsActive(c->status)) {
    return base::Status::FailedPrecondition("case " + std::to_string(case_id) + " is " +
                                            std::string(CaseStatusName(c->status)) + ": reopen it to reply");
  }
  if (req.status_after && *req.status_after == CaseStatus::kNew) {
    return base::Status::InvalidArgument("status_after: must be open, pending, resolved or closed");
  }
  // The customer message answered.
  int64_t target_id = req.in_reply_to;
  if (target_id == 0) {
    auto msgs = deps_.cases->Messages(case_id);
    if (!msgs.ok()) return msgs.status();
    for (const CaseMessage& m : msgs.value()) {
      if (m.direction == model::Direction::kInbound) target_id = m.mention_id;
    }
  }
  auto target = deps_.store->Get(target_id);
  if (!target.ok()) return target.status();
  if (!target.value()) return base::Status::InvalidArgument("in_reply_to: message " + std::to_string(target_id) + " does not exist");
  const model::Mention customer = *target.value();

  // The soft lock: another agent typing an answer to the same message.
  if (!req.force) {
    const base::Timestamp now = deps_.clock->Now();
    std::lock_guard lock(soft_mu_);
    auto it = viewers_.find(case_id);
    if (it != viewers_.end()) {
      for (const CaseViewer& v : it->second) {
        if (v.user_id != actor.user_id && v.state == "typing" && v.message_id == target_id &&
            now - v.seen_at <= options_.lock_ttl_ms) {
          return base::Status::FailedPrecondition(v.login + " is replying to this message (typing since " +
                                                  base::FormatTimestamp(v.since) +
                                                  "); send with \"force\": true to reply anyway");
        }
      }
    }
  }

  std::string text;
  std::string language = req.language.empty() ? c->language : req.language;
  if (!req.canned.empty()) {
    auto r = RenderCanned(case_id, req.canned, language, actor);
    if (!r.ok()) return r.status();
    text = r.value().text;
    language = r.value().language;
  }
  if (!req.text.empty()) text = text.empty() ? req.text : text + "\n\n" + req.text;
  if (text.empty()) return base::Status::InvalidArgument("text: a reply needs a text or a canned response");
  if (text.size() > 100'000) return base::Status::InvalidArgument("text: at most 100000 bytes");

  ReplyConnector* connector = deps_.connectors != nullptr ? deps_.connectors->ForChannel(c->channel) : nullptr;
  const base::Timestamp now = deps_.clock->Now();
  ReplyRecord rec;
  rec.case_id = case_id;
  rec.user_id = actor.user_id;
  rec.user_login = actor.login;
  rec.in_reply_to_mention_id = target_id;
  rec.connector = connector != nullptr ? std::string(connector->name()) : "";
  rec.text = text;
  rec.canned = req.canned;
  rec.created_at = now;
  auto added = deps_.cases->AddReply(rec);
  if (!added.ok()) return added.status();
  rec = std::move(added).value();

  // The reply as an outbound message of the conversation: the engine sees
  // it come back from the pipeline and measures the response from it.
  model::Mention m;
  m.channel = c->channel;
  m.native_id = "ecoute-reply-" + std::to_string(rec.id);
  m.source = "ecoute";
  m.author.handle = c->account.empty() ? "ecoute" : c->account;
  m.author.display_name = actor.display_name.empty() ? actor.login : actor.display_name;
  m.direction = model::Direction::kOutbound;
  m.created_at = now;
  m.title = customer.title.empty() ? "" : "Re: " + customer.title;
  m.text = text;
  m.language = language.empty() ? "und" : language;
  m.language_declared = !language.empty() && language != "und";
  m.reply_to = customer.native_id;
  m.thread_id = ThreadOf(c->thread_key);
  m.attributes["ecoute_case_id"] = std::to_string(case_id);
  m.attributes["ecoute_user_id"] = std::to_string(actor.user_id);
  m.attributes["ecoute_reply_id"] = std::to_string(rec.id);
  auto stored = deps_.store_outbound(m);
  if (!stored.ok()) {
    rec.state = "failed";
    rec.error = "not stored: " + stored.status().message();
    (void)deps_.cases->UpdateReply(rec);
    return stored.status().WithPrefix("reply not stored");
  }
  rec.mention_id = stored.value();

  EngineOutput out;
  {
    std::lock_guard lock(mu_);
    json d = {{"reply_id", rec.id}, {"mention_id", rec.mention_id}, {"connector", rec.connector}};
    if (!rec.canned.empty()) d["canned"] = rec.canned;
    (void)engine_->Record(case_id, "reply", actor.login, Dump(d), now, &out);
    if (connector == nullptr) {
      rec.state = "failed";
      rec.error = "no reply connector for channel " + std::string(model::ChannelName(c->channel)) +
                  ": the reply is stored on the case but was not sent";
      (void)engine_->Record(case_id, "reply_failed", "care", Dump({{"reply_id", rec.id}, {"error", rec.error}}), now,
                            &out);
    }
    base::Status w = WriteLocked(out);
    if (!w.ok()) return w;
  }
  base::Status u = deps_.cases->UpdateReply(rec);
  if (!u.ok()) return u;

  if (connector != nullptr) {
    OutboundReply o;
    o.reply_id = rec.id;
    o.case_id = case_id;
    o.channel = c->channel;
    o.account = c->account;
    o.to = customer.author.handle;
    o.in_reply_to = customer.native_id;
    o.thread_id = m.thread_id;
    o.subject = customer.title.empty() ? c->subject : customer.title;
    o.text = text;
    o.agent = m.author.display_name;
    o.language = m.language;
    o.created_at = now;
    connector->Send(std::move(o));  // a refusal comes back through OnReplyResult
  }
  {
    std::lock_guard lock(soft_mu_);
    auto it = viewers_.find(case_id);
    if (it != viewers_.end()) {
      for (CaseViewer& v : it->second) {
        if (v.user_id == actor.user_id && v.state == "typing") {
          v.state = "viewing";
          v.message_id = 0;
        }
      }
    }
  }
  if (req.status_after) {
    auto r = Update(case_id, CaseUpdate{req.status_after, std::nullopt, std::nullopt, {}, {}}, actor);
    if (!r.ok() && r.status().code() != base::StatusCode::kFailedPrecondition) return r.status();
  }
  return rec;
}

void CareService::OnReplyResult(const ReplyResult& r) {
  auto rec = deps_.cases->GetReply(r.reply_id);
  if (!rec.ok() || !rec.value()) {
    spdlog::warn("care: result for unknown reply {}", r.reply_id);
    return;
  }
  ReplyRecord rr = *rec.value();
  rr.state = r.delivered ? "sent" : "failed";
  rr.error = r.error;
  rr.attempts = r.attempts;
  rr.external_id = r.external_id;
  if (r.delivered) rr.sent_at = r.at;
  base::Status st = deps_.cases->UpdateReply(rr);
  if (!st.ok()) spdlog::error("care: reply {}: {}", r.reply_id, st.ToString());
  EngineOutput out;
  std::lock_guard lock(mu_);
  json d = {{"reply_id", r.reply_id}, {"connector", r.connector}, {"attempts", r.attempts}};
  if (!r.delivered) d["error"] = r.error;
  if (!r.external_id.empty()) d["external_id"] = r.external_id;
  if (engine_->Record(rr.case_id, r.delivered ? "reply_sent" : "reply_failed", r.connector, Dump(d), r.at, &out).ok()) {
    base::Status w = WriteLocked(out);
    if (!w.ok()) spdlog::error("care: {}", w.ToString());
  }
}

// ---- settings ----

CareSettings CareService::Settings() const {
  std::lock_guard lock(mu_);
  return engine_->settings();
}

base::Status CareService::ApplySettings(CareSettings s) {
  RefreshDirectory();  // rules may name a team created a moment ago
  const auto ids = deps_.query_ids ? deps_.query_ids() : std::map<std::string, int64_t, std::less<>>{};
  EngineOutput out;
  std::lock_guard lock(mu_);
  base::Status st = engine_->Reconfigure(std::move(s), ids, deps_.clock->Now(), &out);
  if (!st.ok()) return st;
  return WriteLocked(out);
}

base::Status CareService::Persist(const std::string& key, const json& value) {
  return deps_.cases->PutSetting(key, Dump(value));
}

base::Status CareService::ReplaceRouting(std::vector<RoutingRule> rules) {
  CareSettings s = Settings();
  s.routing = rules;
  base::Status st = ApplySettings(std::move(s));
  if (!st.ok()) return st;
  json j = json::array();
  for (const RoutingRule& r : rules) j.push_back(RoutingRuleToJson(r));
  return Persist(kRoutingKey, j);
}

base::Status CareService::ReplaceSlaPolicies(std::vector<SlaPolicy> policies) {
  CareSettings s = Settings();
  s.sla_policies = policies;
  base::Status st = ApplySettings(std::move(s));
  if (!st.ok()) return st;
  json j = json::array();
  for (const SlaPolicy& p : policies) j.push_back(p.ToJson());
  return Persist(kPoliciesKey, j);
}

base::Status CareService::ReplaceCalendars(std::vector<BusinessCalendar> calendars) {
  CareSettings s = Settings();
  s.calendars = calendars;
  base::Status st = ApplySettings(std::move(s));
  if (!st.ok()) return st;
  json j = json::array();
  for (const BusinessCalendar& c : calendars) j.push_back(c.ToJson());
  return Persist(kCalendarsKey, j);
}

}  // namespace ecoute::care
