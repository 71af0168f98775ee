#include "care/engine.h"

#include <algorithm>
#include <cctype>

#include <nlohmann/json.hpp>

namespace ecoute::care {
namespace {

using nlohmann::json;

constexpr int64_t kMinuteMs = 60'000;
constexpr int64_t kDayMs = 24 * 60 * kMinuteMs;
constexpr size_t kMaxSubject = 120;

std::string Fold(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  if (!out.empty() && out[0] == '@') out.erase(0, 1);
  return out;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

// The first `max` bytes of `s`, cut on a UTF-8 boundary, with "..." when cut.
std::string Excerpt(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

int64_t AttributeInt(const model::Mention& m, const char* key) {
  auto it = m.attributes.find(key);
  if (it == m.attributes.end()) return 0;
  try {
    return std::stoll(it->second);
  } catch (...) {
    return 0;
  }
}

}  // namespace

std::string_view PresenceName(Presence p) {
  switch (p) {
    case Presence::kOffline: return "offline";
    case Presence::kAway: return "away";
    case Presence::kOnline: return "online";
  }
  return "offline";
}

std::optional<Presence> ParsePresence(std::string_view s) {
  if (s == "offline") return Presence::kOffline;
  if (s == "away") return Presence::kAway;
  if (s == "online") return Presence::kOnline;
  return std::nullopt;
}

struct CaseEngine::Built {
  std::shared_ptr<const Router> router;
  std::map<std::string, BusinessCalendar, std::less<>> calendars;
};

base::Result<CaseEngine::Built> CaseEngine::Build(const CareSettings& settings, const std::vector<TeamInfo>& teams,
                                                  const std::map<std::string, int64_t, std::less<>>& query_ids) {
  Built b;
  auto team_exists = [&](std::string_view name) {
    return std::any_of(teams.begin(), teams.end(), [&](const TeamInfo& t) { return t.name == name; });
  };
  auto router = Router::Build(settings.routing, query_ids, team_exists);
  if (!router.ok()) return router.status();
  b.router = std::move(router).value();
  if (!settings.default_team.empty() && !team_exists(settings.default_team)) {
    return base::Status::InvalidArgument("care.default_team: unknown team \"" + settings.default_team + "\"");
  }
  b.calendars.emplace("24x7", BusinessCalendar::Always("24x7"));
  auto def = BusinessCalendar::Default();
  if (!def.ok()) return def.status();
  b.calendars.emplace(def.value().name(), def.value());
  for (const BusinessCalendar& c : settings.calendars) b.calendars.insert_or_assign(c.name(), c);
  for (size_t i = 0; i < settings.sla_policies.size(); ++i) {
    const SlaPolicy& p = settings.sla_policies[i];
    if (b.calendars.find(p.calendar) == b.calendars.end()) {
      return base::Status::InvalidArgument("care.sla_policies[" + std::to_string(i) + "].calendar: unknown calendar \"" +
                                           p.calendar + "\"");
    }
    for (const std::string& t : p.teams) {
      if (!team_exists(t)) {
        return base::Status::InvalidArgument("care.sla_policies[" + std::to_string(i) + "].teams: unknown team \"" + t +
                                             "\"");
      }
    }
  }
  return b;
}

void CaseEngine::Apply(Built b, CareSettings settings) {
  router_ = std::move(b.router);
  calendars_ = std::move(b.calendars);
  own_accounts_.clear();
  for (const std::string& a : settings.own_accounts) own_accounts_.push_back(Fold(a));
  settings_ = std::move(settings);
}

base::Result<std::unique_ptr<CaseEngine>> CaseEngine::Create(
    CareSettings settings, std::vector<AgentInfo> agents, std::vector<TeamInfo> teams,
    const std::map<std::string, int64_t, std::less<>>& query_ids) {
  auto built = Build(settings, teams, query_ids);
  if (!built.ok()) return built.status();
  std::unique_ptr<CaseEngine> e(new CaseEngine());
  e->Apply(std::move(built).value(), std::move(settings));
  for (AgentInfo& a : agents) e->agents_[a.id] = std::move(a);
  for (TeamInfo& t : teams) e->teams_[t.id] = std::move(t);
  return e;
}

base::Status CaseEngine::Reconfigure(CareSettings settings,
                                     const std::map<std::string, int64_t, std::less<>>& query_ids,
                                     base::Timestamp now, EngineOutput* out) {
  std::vector<TeamInfo> teams;
  for (const auto& [id, t] : teams_) teams.push_back(t);
  auto built = Build(settings, teams, query_ids);
  if (!built.ok()) return built.status();
  Apply(std::move(built).value(), std::move(settings));
  for (auto& [id, c] : cases_) {
    if (!IsActive(c.status)) continue;
    CaseRecord before = c;
    EvaluateSlaOf(c, now, out);
    if (!(before == c)) Emit(c, out);
  }
  return base::Status::Ok();
}

void CaseEngine::SetDirectory(std::vector<AgentInfo> agents, std::vector<TeamInfo> teams, base::Timestamp now,
                              EngineOutput* out) {
  agents_.clear();
  for (AgentInfo& a : agents) agents_[a.id] = std::move(a);
  teams_.clear();
  for (TeamInfo& t : teams) teams_[t.id] = std::move(t);
  std::vector<int64_t> team_ids;
  for (const auto& [id, t] : teams_) team_ids.push_back(id);
  std::sort(team_ids.begin(), team_ids.end());
  for (int64_t id : team_ids) DrainQueue(id, now, out);
}

void CaseEngine::Restore(std::vector<CaseRecord> cases, int64_t max_case_id) {
  next_id_ = std::max(next_id_, max_case_id + 1);
  for (CaseRecord& c : cases) {
    if (c.status == CaseStatus::kClosed) continue;
    next_id_ = std::max(next_id_, c.id + 1);
    const int64_t id = c.id;
    if (!c.thread_key.empty()) BindThread(c.thread_key, id);
    if (c.contact_id != 0) {
      auto it = by_contact_.find(c.contact_id);
      if (it == by_contact_.end() || it->second < id) by_contact_[c.contact_id] = id;
    }
    CaseRecord none;
    none.status = CaseStatus::kClosed;
    UpdateLoad(none, c);
    if (IsActive(c.status) && c.assignee_id == 0 && c.team_id != 0) Enqueue(c);
    auto [it, inserted] = cases_.insert_or_assign(id, std::move(c));
    (void)inserted;
    const CaseRecord& stored = it->second;
    if (stored.status == CaseStatus::kResolved) {
      Schedule(id, stored.resolved_at + settings_.close_after_days * kDayMs);
    } else if (!stored.sla_policy.empty()) {
      Schedule(id, 1);  // re-evaluated at the first Tick, which schedules the next check
    }
  }
}

bool CaseEngine::IsOwnAccount(std::string_view handle) const {
  if (handle.empty() || own_accounts_.empty()) return false;
  const std::string f = Fold(handle);
  return std::find(own_accounts_.begin(), own_accounts_.end(), f) != own_accounts_.end();
}

std::string CaseEngine::AccountOf(const model::Mention& m, bool outbound) const {
  if (outbound) return m.author.handle;
  for (const std::string& h : m.entities.mentions) {
    if (IsOwnAccount(h)) return h;
  }
  if (m.channel == model::Channel::kTwitter || m.channel == model::Channel::kInstagram) {
    if (!m.entities.mentions.empty()) return m.entities.mentions.front();
  }
  return m.source;
}

CaseRecord* CaseEngine::Find(int64_t id) {
  auto it = cases_.find(id);
  return it == cases_.end() ? nullptr : &it->second;
}

std::optional<CaseRecord> CaseEngine::Get(int64_t case_id) const {
  auto it = cases_.find(case_id);
  if (it == cases_.end()) return std::nullopt;
  return it->second;
}

size_t CaseEngine::active_count() const {
  return static_cast<size_t>(
      std::count_if(cases_.begin(), cases_.end(), [](const auto& kv) { return IsActive(kv.second.status); }));
}

const TeamInfo* CaseEngine::FindTeam(int64_t id) const {
  auto it = teams_.find(id);
  return it == teams_.end() ? nullptr : &it->second;
}

const TeamInfo* CaseEngine::FindTeamByName(std::string_view name) const {
  for (const auto& [id, t] : teams_) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

const AgentInfo* CaseEngine::FindAgent(int64_t id) const {
  auto it = agents_.find(id);
  return it == agents_.end() ? nullptr : &it->second;
}

PresenceState CaseEngine::PresenceOf(int64_t user_id) const {
  auto it = presence_.find(user_id);
  return it == presence_.end() ? PresenceState{} : it->second;
}

const BusinessCalendar* CaseEngine::FindCalendar(std::string_view name) const {
  auto it = calendars_.find(name);
  return it == calendars_.end() ? nullptr : &it->second;
}

std::vector<AgentLoad> CaseEngine::Agents() const {
  std::vector<AgentLoad> out;
  for (const auto& [id, a] : agents_) {
    AgentLoad l;
    l.agent = a;
    const PresenceState p = PresenceOf(id);
    l.presence = p.presence;
    l.presence_since = p.since;
    auto n = load_.find(id);
    l.active_cases = n == load_.end() ? 0 : n->second;
    out.push_back(std::move(l));
  }
  std::sort(out.begin(), out.end(), [](const AgentLoad& a, const AgentLoad& b) { return a.agent.id < b.agent.id; });
  return out;
}

// ---- history and output ----

void CaseEngine::Event(const CaseRecord& c, base::Timestamp at, std::string type, std::string actor,
                       std::string detail_json, EngineOutput* out) {
  CaseEvent e;
  e.case_id = c.id;
  e.at = at;
  e.type = std::move(type);
  e.actor = std::move(actor);
  e.detail_json = detail_json.empty() ? "{}" : std::move(detail_json);
  out->write.events.push_back(std::move(e));
}

void CaseEngine::Emit(const CaseRecord& c, EngineOutput* out) {
  // One row per case per output: a later change replaces the earlier one.
  for (CaseRecord& r : out->write.cases) {
    if (r.id == c.id) {
      r = c;
      return;
    }
  }
  out->write.cases.push_back(c);
}

// ---- load and queues ----

void CaseEngine::UpdateLoad(const CaseRecord& before, const CaseRecord& after) {
  if (IsActive(before.status) && before.assignee_id != 0) {
    if (--load_[before.assignee_id] <= 0) load_.erase(before.assignee_id);
  }
  if (IsActive(after.status) && after.assignee_id != 0) ++load_[after.assignee_id];
}

void CaseEngine::Enqueue(const CaseRecord& c) {
  if (c.team_id == 0) return;
  queue_[c.team_id].emplace(-static_cast<int>(c.priority), c.created_at, c.id);
}

void CaseEngine::Dequeue(const CaseRecord& c) {
  auto it = queue_.find(c.team_id);
  if (it == queue_.end()) return;
  for (auto q = it->second.begin(); q != it->second.end(); ++q) {
    if (std::get<2>(*q) == c.id) {
      it->second.erase(q);
      break;
    }
  }
}

bool CaseEngine::CanTake(const AgentInfo& a) const {
  if (a.disabled) return false;
  if (PresenceOf(a.id).presence != Presence::kOnline) return false;
  auto n = load_.find(a.id);
  return (n == load_.end() ? 0 : n->second) < a.capacity;
}

void CaseEngine::SetAssignee(CaseRecord& c, int64_t user_id, const std::string& actor, base::Timestamp now,
                             EngineOutput* out) {
  if (c.assignee_id == user_id) return;
  CaseRecord before = c;
  if (c.assignee_id == 0 && IsActive(c.status)) Dequeue(c);
  c.assignee_id = user_id;
  c.updated_at = now;
  UpdateLoad(before, c);
  if (user_id == 0 && IsActive(c.status)) Enqueue(c);
  if (user_id != 0) last_assigned_[user_id] = now;
  const AgentInfo* a = FindAgent(user_id);
  json d = {{"from", before.assignee_id}, {"to", user_id}};
  if (a != nullptr) d["to_login"] = a->login;
  Event(c, now, "assigned", actor, Dump(d), out);
  // The previous assignee has room again.
  if (before.assignee_id != 0) {
    if (const AgentInfo* prev = FindAgent(before.assignee_id)) {
      for (int64_t t : prev->team_ids) {
        if (t != c.team_id || user_id != 0) DrainQueue(t, now, out);
      }
    }
  }
}

void CaseEngine::AutoAssign(CaseRecord& c, base::Timestamp now, EngineOutput* out) {
  if (!IsActive(c.status) || c.assignee_id != 0) return;
  const TeamInfo* team = FindTeam(c.team_id);
  if (team == nullptr || team->assignment == "manual" || team->member_ids.empty()) return;
  const AgentInfo* pick = nullptr;
  if (team->assignment == "least_loaded") {
    int best_load = 0;
    base::Timestamp best_at = 0;
    for (int64_t id : team->member_ids) {
      const AgentInfo* a = FindAgent(id);
      if (a == nullptr || !CanTake(*a)) continue;
      auto n = load_.find(id);
      int l = n == load_.end() ? 0 : n->second;
      auto la = last_assigned_.find(id);
      base::Timestamp at = la == last_assigned_.end() ? 0 : la->second;
      if (pick == nullptr || l < best_load || (l == best_load && at < best_at)) {
        pick = a;
        best_load = l;
        best_at = at;
      }
    }
  } else {  // round_robin
    const size_t n = team->member_ids.size();
    auto cur = rr_cursor_.find(team->id);
    size_t start = cur == rr_cursor_.end() ? n - 1 : cur->second;
    for (size_t k = 1; k <= n; ++k) {
      size_t i = (start + k) % n;
      const AgentInfo* a = FindAgent(team->member_ids[i]);
      if (a != nullptr && CanTake(*a)) {
        pick = a;
        rr_cursor_[team->id] = i;
        break;
      }
    }
  }
  if (pick == nullptr) return;
  SetAssignee(c, pick->id, "routing", now, out);
  Emit(c, out);
}

void CaseEngine::DrainQueue(int64_t team_id, base::Timestamp now, EngineOutput* out) {
  auto it = queue_.find(team_id);
  if (it == queue_.end()) return;
  // Most urgent first; stop at the first case nobody can take (nobody can
  // take the next ones either).
  while (!it->second.empty()) {
    const int64_t id = std::get<2>(*it->second.begin());
    CaseRecord* c = Find(id);
    if (c == nullptr || !IsActive(c->status) || c->assignee_id != 0 || c->team_id != team_id) {
      it->second.erase(it->second.begin());
      continue;
    }
    AutoAssign(*c, now, out);
    if (c->assignee_id == 0) break;
  }
}

void CaseEngine::SetPresence(int64_t user_id, Presence p, base::Timestamp now, EngineOutput* out) {
  PresenceState& st = presence_[user_id];
  if (st.presence != p || st.since == 0) st = PresenceState{p, now};
  if (p != Presence::kOnline) return;
  if (const AgentInfo* a = FindAgent(user_id)) {
    for (int64_t t : a->team_ids) DrainQueue(t, now, out);
  }
}

// ---- messages ----

void CaseEngine::TakeLabels(CaseRecord& c, const model::Mention& m) {
  const model::Enrichment& e = m.enrichment;
  if (e.category && *e.category != "none" && !e.category->empty()) c.category = *e.category;
  if (e.severity && *e.severity >= c.severity) {
    c.severity = *e.severity;
    if (e.severity_level) c.severity_level = *e.severity_level;
  }
  for (const std::string& r : e.severity_reasons) {
    if (std::find(c.severity_reasons.begin(), c.severity_reasons.end(), r) == c.severity_reasons.end()) {
      c.severity_reasons.push_back(r);
    }
  }
  for (int64_t q : e.matched_queries) {
    auto pos = std::lower_bound(c.query_ids.begin(), c.query_ids.end(), q);
    if (pos == c.query_ids.end() || *pos != q) c.query_ids.insert(pos, q);
  }
  if ((c.language.empty() || c.language == "und") && !m.language.empty()) c.language = m.language;
  if (!c.priority_manual && e.severity_level) {
    Priority p = PriorityFromSeverity(c.severity_level);
    if (p > c.priority) c.priority = p;
  }
}

void CaseEngine::Create(const model::Mention& m, int64_t contact, bool vip, base::Timestamp now, EngineOutput* out) {
  CaseRecord c;
  c.id = next_id_++;
  c.status = CaseStatus::kNew;
  c.priority = m.enrichment.severity_level ? PriorityFromSeverity(*m.enrichment.severity_level) : Priority::kNormal;
  c.subject = Excerpt(!m.title.empty() ? m.title : m.text, kMaxSubject);
  c.channel = m.channel;
  c.account = AccountOf(m, false);
  c.thread_key = ThreadKey(m);
  c.contact_id = contact;
  c.language = m.language.empty() ? "und" : m.language;
  TakeLabels(c, m);
  c.first_message_id = c.last_message_id = m.id;
  c.message_count = 1;
  c.created_at = m.created_at;
  c.updated_at = now;
  c.last_customer_at = m.created_at;
  c.sla_timeline.push_back({m.created_at, SlaEventKind::kCustomer});

  RouteInput in{&m, c.account, vip};
  RouteDecision d = router_->Route(in);
  std::string team_name = d.rule != nullptr ? d.rule->team : settings_.default_team;
  if (const TeamInfo* t = FindTeamByName(team_name)) c.team_id = t->id;
  if (d.rule != nullptr) {
    c.routing_rule = d.rule->name;
    if (d.rule->priority) {
      c.priority = *d.rule->priority;
      c.priority_manual = true;  // the rule decided: severity no longer moves it
    }
    for (const std::string& tag : d.rule->tags) {
      auto pos = std::lower_bound(c.tags.begin(), c.tags.end(), tag);
      if (pos == c.tags.end() || *pos != tag) c.tags.insert(pos, tag);
    }
  }
  BindThread(c.thread_key, c.id);
  if (contact != 0) by_contact_[contact] = c.id;

  auto [it, inserted] = cases_.emplace(c.id, std::move(c));
  (void)inserted;
  CaseRecord& stored = it->second;
  Event(stored, now, "created", "engine",
        Dump({{"mention_id", m.id}, {"rule", stored.routing_rule}, {"team_id", stored.team_id},
              {"priority", PriorityName(stored.priority)}}),
        out);
  CaseMessage msg{stored.id, m.id, model::Direction::kInbound, m.created_at, m.author.handle, 0};
  out->write.messages.push_back(msg);
  out->write.search_text.emplace_back(stored.id, stored.subject + "\n" + m.text);
  Enqueue(stored);
  AutoAssign(stored, now, out);
  EvaluateSlaOf(stored, now, out);
  Emit(stored, out);
}

void CaseEngine::ChangeStatus(CaseRecord& c, CaseStatus to, const std::string& actor, base::Timestamp at,
                              base::Timestamp now, EngineOutput* out) {
  const CaseStatus from = c.status;
  if (from == to) return;
  CaseRecord before = c;
  if (from == CaseStatus::kPending && to != CaseStatus::kPending) {
    c.sla_timeline.push_back({at, SlaEventKind::kResumed});
    c.pending_since = 0;
  }
  if (to == CaseStatus::kPending) {
    c.sla_timeline.push_back({at, SlaEventKind::kPending});
    c.pending_since = at;
  }
  if (to == CaseStatus::kResolved) {
    c.sla_timeline.push_back({at, SlaEventKind::kResolved});
    c.resolved_at = at;
  }
  if (from == CaseStatus::kResolved && IsActive(to)) {
    c.sla_timeline.push_back({at, SlaEventKind::kReopened});
    c.resolved_at = 0;
    ++c.reopen_count;
  }
  if (to == CaseStatus::kClosed) c.closed_at = at;
  c.status = to;
  c.updated_at = now;
  UpdateLoad(before, c);
  if (IsActive(from) && !IsActive(to) && c.assignee_id == 0) Dequeue(before);
  if (!IsActive(from) && IsActive(to) && c.assignee_id == 0) Enqueue(c);
  Event(c, now, from == CaseStatus::kResolved && IsActive(to) ? "reopened" : "status", actor,
        Dump({{"from", CaseStatusName(from)}, {"to", CaseStatusName(to)}}), out);
  if (IsActive(from) && !IsActive(to) && before.assignee_id != 0) {
    if (const AgentInfo* a = FindAgent(before.assignee_id)) {
      for (int64_t t : a->team_ids) DrainQueue(t, now, out);
    }
  }
  if (to == CaseStatus::kResolved) Schedule(c.id, at + settings_.close_after_days * kDayMs);
  if (IsActive(to) && c.assignee_id == 0) AutoAssign(c, now, out);
}

void CaseEngine::AddCustomerMessage(CaseRecord& c, const model::Mention& m, int64_t contact, base::Timestamp now,
                                    EngineOutput* out) {
  if (c.status == CaseStatus::kResolved || c.status == CaseStatus::kPending) {
    ChangeStatus(c, CaseStatus::kOpen, "engine", m.created_at, now, out);
  }
  TakeLabels(c, m);
  if (c.contact_id == 0 && contact != 0) {
    c.contact_id = contact;
    by_contact_[contact] = c.id;
  }
  const std::string key = ThreadKey(m);
  BindThread(key, c.id);
  c.last_message_id = std::max(c.last_message_id, m.id);
  ++c.message_count;
  c.last_customer_at = std::max(c.last_customer_at, m.created_at);
  c.updated_at = now;
  c.sla_timeline.push_back({m.created_at, SlaEventKind::kCustomer});
  out->write.messages.push_back({c.id, m.id, model::Direction::kInbound, m.created_at, m.author.handle, 0});
  out->write.search_text.emplace_back(c.id, c.subject + "\n" + m.text);
  Event(c, now, "message", "engine", Dump({{"mention_id", m.id}, {"direction", "inbound"}}), out);
  EvaluateSlaOf(c, now, out);
  Emit(c, out);
}

void CaseEngine::AddAgentMessage(CaseRecord& c, const model::Mention& m, base::Timestamp now, EngineOutput* out) {
  if (c.status == CaseStatus::kNew) ChangeStatus(c, CaseStatus::kOpen, "engine", m.created_at, now, out);
  if (!IsOwnAccount(c.account) && !m.author.handle.empty()) c.account = m.author.handle;
  c.last_message_id = std::max(c.last_message_id, m.id);
  ++c.message_count;
  c.last_agent_at = std::max(c.last_agent_at, m.created_at);
  if (c.first_response_at == 0) c.first_response_at = m.created_at;
  c.updated_at = now;
  c.sla_timeline.push_back({m.created_at, SlaEventKind::kAgent});
  const int64_t user = AttributeInt(m, "ecoute_user_id");
  out->write.messages.push_back({c.id, m.id, model::Direction::kOutbound, m.created_at, m.author.handle, user});
  Event(c, now, "message", user != 0 ? "reply" : "engine",
        Dump({{"mention_id", m.id}, {"direction", "outbound"}, {"user_id", user}}), out);
  EvaluateSlaOf(c, now, out);
  Emit(c, out);
}

void CaseEngine::Observe(std::span<const model::Mention> mentions, std::span<const int64_t> contact_ids,
                         const std::function<bool(int64_t)>& is_vip, base::Timestamp now, EngineOutput* out) {
  for (size_t i = 0; i < mentions.size(); ++i) {
    const model::Mention& m = mentions[i];
    if (m.id <= 0) continue;
    const int64_t contact = i < contact_ids.size() ? contact_ids[i] : 0;
    const bool outbound = m.direction == model::Direction::kOutbound ||
                          (m.direction != model::Direction::kInbound && IsOwnAccount(m.author.handle));
    CaseRecord* c = nullptr;
    if (int64_t id = AttributeInt(m, "ecoute_case_id"); id != 0) c = Find(id);
    if (c == nullptr) {
      auto t = by_thread_.find(ThreadKey(m));
      if (t != by_thread_.end()) c = Find(t->second);
    }
    if (outbound) {
      if (c != nullptr && c->status != CaseStatus::kClosed) AddAgentMessage(*c, m, now, out);
      continue;
    }
    if (c == nullptr && contact != 0) {
      auto t = by_contact_.find(contact);
      if (t != by_contact_.end()) {
        CaseRecord* cc = Find(t->second);
        if (cc != nullptr && IsActive(cc->status) &&
            m.created_at - cc->last_customer_at <= settings_.contact_window_minutes * kMinuteMs) {
          c = cc;
        }
      }
    }
    if (c != nullptr && c->status == CaseStatus::kResolved &&
        m.created_at - c->resolved_at > settings_.reopen_days * kDayMs) {
      c = nullptr;
    }
    if (c != nullptr && c->status != CaseStatus::kClosed) {
      AddCustomerMessage(*c, m, contact, now, out);
    } else if (m.enrichment.needs_reply.value_or(false)) {
      Create(m, contact, contact != 0 && router_->uses_vip() && is_vip && is_vip(contact), now, out);
    }
  }
}

// ---- SLA ----

void CaseEngine::Schedule(int64_t case_id, base::Timestamp at) {
  auto it = check_of_.find(case_id);
  if (it != check_of_.end()) {
    if (it->second == at) return;
    checks_.erase({it->second, case_id});
    check_of_.erase(it);
  }
  if (at == 0) return;
  checks_.emplace(at, case_id);
  check_of_[case_id] = at;
}

void CaseEngine::EvaluateSlaOf(CaseRecord& c, base::Timestamp now, EngineOutput* out) {
  const TeamInfo* team = FindTeam(c.team_id);
  const std::string team_name = team != nullptr ? team->name : "";
  const SlaPolicy* p = SelectPolicy(settings_.sla_policies, c, team_name);
  if (p == nullptr) {
    if (!c.sla_policy.empty()) {
      c.sla_policy.clear();
      c.first_response = c.next_response = c.resolution = SlaTarget{};
    }
    if (c.status != CaseStatus::kResolved) Schedule(c.id, 0);
    return;
  }
  const BusinessCalendar* cal = FindCalendar(p->calendar);
  if (cal == nullptr) return;  // Build checked every policy's calendar
  SlaState st = EvaluateSla(p->TargetsFor(c.priority), p->warn_at, *cal, c.sla_timeline, now);
  c.sla_policy = p->name;
  struct Pair {
    const char* name;
    SlaTarget* current;
    const SlaTarget* next;
  };
  for (Pair x : {Pair{"first_response", &c.first_response, &st.first_response},
                 Pair{"next_response", &c.next_response, &st.next_response},
                 Pair{"resolution", &c.resolution, &st.resolution}}) {
    const SlaTarget before = *x.current;
    *x.current = *x.next;
    const SlaTarget& after = *x.current;
    if (after.target_minutes == 0) continue;
    const bool new_cycle = after.started_at != before.started_at;
    if (after.warned && !after.breached && (!before.warned || new_cycle) && after.met_at == 0) {
      Event(c, now, "sla_warning", "sla", Dump({{"target", x.name}, {"due_at", after.due_at}}), out);
      out->notices.push_back({"warning", x.name, after.due_at, now, c, team_name});
    }
    if (after.breached && (!before.breached || new_cycle)) {
      Event(c, now, "sla_breach", "sla", Dump({{"target", x.name}, {"due_at", after.due_at}}), out);
      out->notices.push_back({"breach", x.name, after.due_at, now, c, team_name});
    }
    if (after.met_at != 0 && (before.met_at == 0 || new_cycle)) {
      Event(c, now, "sla_met", "sla",
            Dump({{"target", x.name}, {"elapsed_minutes", after.elapsed_minutes}, {"breached", after.breached}}), out);
    }
  }
  if (c.status != CaseStatus::kResolved) Schedule(c.id, st.next_check);
  // Notices carry the case as it is now.
  for (SlaNotice& n : out->notices) {
    if (n.snapshot.id == c.id) n.snapshot = c;
  }
}

base::Timestamp CaseEngine::NextTick() const { return checks_.empty() ? 0 : checks_.begin()->first; }

void CaseEngine::BindThread(const std::string& key, int64_t case_id) {
  auto [it, inserted] = by_thread_.try_emplace(key, case_id);
  if (!inserted) {
    if (it->second == case_id) return;
    it->second = case_id;  // the conversation moved to this case (the old one was closed or stale)
  }
  threads_of_[case_id].push_back(key);
}

void CaseEngine::Forget(const CaseRecord& c) {
  auto keys = threads_of_.find(c.id);
  if (keys != threads_of_.end()) {
    for (const std::string& key : keys->second) {
      auto t = by_thread_.find(key);
      if (t != by_thread_.end() && t->second == c.id) by_thread_.erase(t);
    }
    threads_of_.erase(keys);
  }
  auto k = by_contact_.find(c.contact_id);
  if (k != by_contact_.end() && k->second == c.id) by_contact_.erase(k);
  Schedule(c.id, 0);
  cases_.erase(c.id);
}

void CaseEngine::Tick(base::Timestamp now, EngineOutput* out) {
  while (!checks_.empty() && checks_.begin()->first <= now) {
    const int64_t id = checks_.begin()->second;
    checks_.erase(checks_.begin());
    check_of_.erase(id);
    CaseRecord* c = Find(id);
    if (c == nullptr) continue;
    if (c->status == CaseStatus::kResolved) {
      if (now - c->resolved_at >= settings_.close_after_days * kDayMs) {
        ChangeStatus(*c, CaseStatus::kClosed, "engine", now, now, out);
        Emit(*c, out);
        Forget(*c);
      } else {
        Schedule(id, c->resolved_at + settings_.close_after_days * kDayMs);
      }
      continue;
    }
    EvaluateSlaOf(*c, now, out);
    Emit(*c, out);
  }
}

// ---- commands ----

namespace {
base::Status NotInMemory(int64_t id) {
  return base::Status::NotFound("case " + std::to_string(id) + " is not active (unknown or closed)");
}
}  // namespace

base::Result<CaseRecord> CaseEngine::SetStatus(int64_t case_id, CaseStatus s, const std::string& actor,
                                               base::Timestamp now, EngineOutput* out) {
  CaseRecord* c = Find(case_id);
  if (c == nullptr) return NotInMemory(case_id);
  if (c->status == CaseStatus::kClosed) return base::Status::FailedPrecondition("case is closed");
  if (s == CaseStatus::kNew && c->status != CaseStatus::kNew) {
    return base::Status::FailedPrecondition("status: a case cannot go back to new (use open)");
  }
  if (c->status == s) return *c;
  ChangeStatus(*c, s, actor, now, now, out);
  EvaluateSlaOf(*c, now, out);
  CaseRecord result = *c;
  Emit(*c, out);
  if (s == CaseStatus::kClosed) Forget(*c);
  return result;
}

base::Result<CaseRecord> CaseEngine::SetPriority(int64_t case_id, Priority p, const std::string& actor,
                                                 base::Timestamp now, EngineOutput* out) {
  CaseRecord* c = Find(case_id);
  if (c == nullptr) return NotInMemory(case_id);
  const Priority from = c->priority;
  const bool was_queued = IsActive(c->status) && c->assignee_id == 0;
  if (was_queued) Dequeue(*c);
  c->priority = p;
  c->priority_manual = true;
  c->updated_at = now;
  if (was_queued) Enqueue(*c);
  Event(*c, now, "priority", actor, Dump({{"from", PriorityName(from)}, {"to", PriorityName(p)}}), out);
  EvaluateSlaOf(*c, now, out);
  Emit(*c, out);
  return *c;
}

base::Result<CaseRecord> CaseEngine::Assign(int64_t case_id, int64_t user_id, const std::string& actor,
                                            base::Timestamp now, EngineOutput* out) {
  CaseRecord* c = Find(case_id);
  if (c == nullptr) return NotInMemory(case_id);
  if (user_id != 0) {
    const AgentInfo* a = FindAgent(user_id);
    if (a == nullptr) return base::Status::InvalidArgument("user_id: unknown user " + std::to_string(user_id));
    if (a->disabled) return base::Status::InvalidArgument("user_id: user " + a->login + " is disabled");
    if (c->team_id != 0 && std::find(a->team_ids.begin(), a->team_ids.end(), c->team_id) == a->team_ids.end()) {
      const TeamInfo* t = FindTeam(c->team_id);
      return base::Status::InvalidArgument("user_id: " + a->login + " is not a member of team " +
                                           (t != nullptr ? t->name : std::to_string(c->team_id)) +
                                           " (transfer the case first)");
    }
  }
  SetAssignee(*c, user_id, actor, now, out);
  Emit(*c, out);
  return *c;
}

base::Result<CaseRecord> CaseEngine::Transfer(int64_t case_id, int64_t team_id, const std::string& actor,
                                              base::Timestamp now, EngineOutput* out) {
  CaseRecord* c = Find(case_id);
  if (c == nullptr) return NotInMemory(case_id);
  const TeamInfo* to = nullptr;
  if (team_id != 0) {
    to = FindTeam(team_id);
    if (to == nullptr) return base::Status::InvalidArgument("team_id: unknown team " + std::to_string(team_id));
  }
  if (c->team_id == team_id) return *c;
  const int64_t from = c->team_id;
  if (IsActive(c->status) && c->assignee_id == 0) Dequeue(*c);
  c->team_id = team_id;
  c->routing_rule.clear();
  c->updated_at = now;
  Event(*c, now, "team", actor, Dump({{"from", from}, {"to", team_id}}), out);
  if (c->assignee_id != 0) {
    const AgentInfo* a = FindAgent(c->assignee_id);
    bool member = a != nullptr && to != nullptr &&
                  std::find(a->team_ids.begin(), a->team_ids.end(), team_id) != a->team_ids.end();
    if (!member) SetAssignee(*c, 0, actor, now, out);
  } else if (IsActive(c->status)) {
    Enqueue(*c);
  }
  AutoAssign(*c, now, out);
  EvaluateSlaOf(*c, now, out);
  Emit(*c, out);
  return *c;
}

base::Result<CaseRecord> CaseEngine::Tag(int64_t case_id, const std::vector<std::string>& add,
                                         const std::vector<std::string>& remove, const std::string& actor,
                                         base::Timestamp now, EngineOutput* out) {
  CaseRecord* c = Find(case_id);
  if (c == nullptr) return NotInMemory(case_id);
  for (const std::string& t : add) {
    if (t.empty() || t.size() > 64) return base::Status::InvalidArgument("tags: a tag has 1 to 64 characters");
  }
  std::vector<std::string> added, removed;
  for (const std::string& t : add) {
    auto pos = std::lower_bound(c->tags.begin(), c->tags.end(), t);
    if (pos == c->tags.end() || *pos != t) {
      c->tags.insert(pos, t);
      added.push_back(t);
    }
  }
  for (const std::string& t : remove) {
    auto pos = std::lower_bound(c->tags.begin(), c->tags.end(), t);
    if (pos != c->tags.end() && *pos == t) {
      c->tags.erase(pos);
      removed.push_back(t);
    }
  }
  if (added.empty() && removed.empty()) return *c;
  c->updated_at = now;
  if (!added.empty()) Event(*c, now, "tagged", actor, Dump({{"tags", added}}), out);
  if (!removed.empty()) Event(*c, now, "untagged", actor, Dump({{"tags", removed}}), out);
  Emit(*c, out);
  return *c;
}

base::Result<CaseRecord> CaseEngine::Note(int64_t case_id, const std::string& text, const std::string& actor,
                                          base::Timestamp now, EngineOutput* out) {
  CaseRecord* c = Find(case_id);
  if (c == nullptr) return NotInMemory(case_id);
  if (text.empty()) return base::Status::InvalidArgument("text: a note cannot be empty");
  if (text.size() > 20000) return base::Status::InvalidArgument("text: a note has at most 20000 bytes");
  c->updated_at = now;
  Event(*c, now, "note", actor, Dump({{"text", text}}), out);
  Emit(*c, out);
  return *c;
}

base::Status CaseEngine::Record(int64_t case_id, const std::string& type, const std::string& actor,
                                const std::string& detail_json, base::Timestamp now, EngineOutput* out) {
  CaseRecord* c = Find(case_id);
  if (c == nullptr) return NotInMemory(case_id);
  Event(*c, now, type, actor, detail_json, out);
  return base::Status::Ok();
}

}  // namespace ecoute::care
