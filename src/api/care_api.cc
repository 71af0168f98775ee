#include "api/care_api.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <initializer_list>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/csv.h"
#include "api/params.h"
#include "auth/directory.h"
#include "base/ascii.h"
#include "care/calendar.h"
#include "care/canned.h"
#include "care/case_db.h"
#include "care/routing.h"
#include "care/service.h"
#include "care/sla.h"
#include "care/sla_report.h"
#include "contacts/contact_store.h"
#include "contacts/identifiers.h"
#include "model/mention_json.h"

namespace ecoute::api {

namespace {

using nlohmann::json;
using auth::Permission;

constexpr int64_t kMaxId = std::numeric_limits<int64_t>::max();
constexpr size_t kMaxNameBytes = 200;
constexpr size_t kMaxLoginBytes = 128;
constexpr size_t kMaxLanguageBytes = 16;
constexpr size_t kMaxContactNotesBytes = 10'000;
constexpr size_t kMaxIdentifierBytes = 320;
constexpr int64_t kDefaultTimelineLimit = 50;
constexpr int64_t kDefaultAuditLimit = 1000;
constexpr int64_t kMaxAuditLimit = 10'000;
constexpr int kContactCasesLimit = 1000;

Reply Disabled() { return ErrorReply(503, "unavailable", "the care inbox is disabled"); }

care::Actor ActorOf(const auth::Principal& who) {
  return care::Actor{who.user_id, who.login, who.display_name,
                     auth::RoleAllows(who.role, Permission::kAssignCases)};
}

// The field a "field: ..." message names (the convention of every care
// module's InvalidArgument), or "" when it names none.
std::string FieldOf(const std::string& m) {
  size_t colon = m.find(": ");
  if (colon == std::string::npos || colon == 0) return "";
  std::string field = m.substr(0, colon);
  if (field.find_first_of(" \"'") != std::string::npos) return "";
  return field;
}

// A service error: the field its message names, else `not_found_field`
// for NotFound ("case 7: no such case" is about the path's id).
Reply ServiceError(const base::Status& s, std::string_view not_found_field = "id") {
  std::string field = FieldOf(s.message());
  if (field.empty() && s.code() == base::StatusCode::kNotFound) field = std::string(not_found_field);
  return StatusReply(s, field);
}

std::string Quote(std::string_view s) { return QuoteValue(s); }

// A JSON object body, read field by field. Each accessor checks the type
// and the bounds and records the first error, naming the field; a field
// that is absent or null is "not given".
class Body {
 public:
  // Parses `req.body`; `shape` describes the expected object in the error.
  // An empty body reads as {} when `optional`.
  static std::optional<Body> Parse(const httplib::Request& req, std::string_view shape, Reply& error,
                                   bool optional = false) {
    if (optional && Trim(req.body).empty()) return Body(json::object());
    std::optional<json> j = JsonObjectBody(req, shape, error);
    if (!j) return std::nullopt;
    return Body(std::move(*j));
  }

  // Records an error for the first key not in `allowed`.
  void CheckKnown(std::initializer_list<std::string_view> allowed) {
    for (const auto& [key, value] : j_.items()) {
      if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
        std::string known;
        for (std::string_view a : allowed) known += (known.empty() ? "" : ", ") + std::string(a);
        Fail(key, "unknown field " + Quote(key) +
                      (known.empty() ? std::string(" (this route takes no body fields)") : " (known: " + known + ")"));
        return;
      }
    }
  }

  // Present and not null.
  bool Given(const std::string& key) const { return j_.contains(key) && !j_[key].is_null(); }
  bool Present(const std::string& key) const { return j_.contains(key); }
  const json& Raw(const std::string& key) const { return j_[key]; }
  bool empty() const { return j_.empty(); }

  std::optional<std::string> String(const std::string& key, size_t max_bytes, bool required = false,
                                    bool allow_empty = true) {
    if (!Given(key)) {
      if (required) Fail(key, key + " is required");
      return std::nullopt;
    }
    const json& v = j_[key];
    if (!v.is_string()) {
      Fail(key, key + " must be a string");
      return std::nullopt;
    }
    const std::string& s = v.get_ref<const std::string&>();
    if (s.size() > max_bytes) {
      Fail(key, key + " is longer than " + std::to_string(max_bytes) + " bytes");
      return std::nullopt;
    }
    if (!allow_empty && Trim(s).empty()) {
      Fail(key, key + " must not be empty");
      return std::nullopt;
    }
    return s;
  }

  std::optional<int64_t> Int(const std::string& key, int64_t min, int64_t max, bool required = false) {
    if (!Given(key)) {
      if (required) Fail(key, key + " is required");
      return std::nullopt;
    }
    const json& v = j_[key];
    if (!v.is_number_integer()) {
      Fail(key, key + " must be an integer");
      return std::nullopt;
    }
    if (v.is_number_unsigned() && v.get<uint64_t>() > static_cast<uint64_t>(kMaxId)) {
      Fail(key, key + " must be in " + std::to_string(min) + ".." + std::to_string(max));
      return std::nullopt;
    }
    const int64_t n = v.get<int64_t>();
    if (n < min || n > max) {
      Fail(key, key + " must be in " + std::to_string(min) + ".." + std::to_string(max) + ", got " +
                    std::to_string(n));
      return std::nullopt;
    }
    return n;
  }

  std::optional<bool> Bool(const std::string& key) {
    if (!Given(key)) return std::nullopt;
    if (!j_[key].is_boolean()) {
      Fail(key, key + " must be true or false");
      return std::nullopt;
    }
    return j_[key].get<bool>();
  }

  // An array of non-empty strings (trimmed), at most `max_items` of at most
  // `max_bytes` each.
  std::vector<std::string> Strings(const std::string& key, size_t max_items, size_t max_bytes) {
    std::vector<std::string> out;
    if (!Given(key)) return out;
    const json& v = j_[key];
    if (!v.is_array()) {
      Fail(key, key + " must be an array of strings");
      return out;
    }
    if (v.size() > max_items) {
      Fail(key, key + " has more than " + std::to_string(max_items) + " items");
      return out;
    }
    for (size_t i = 0; i < v.size(); ++i) {
      const std::string at = key + "[" + std::to_string(i) + "]";
      if (!v[i].is_string()) {
        Fail(at, at + " must be a string");
        return {};
      }
      std::string s(Trim(v[i].get_ref<const std::string&>()));
      if (s.empty() || s.size() > max_bytes) {
        Fail(at, at + " must be 1 to " + std::to_string(max_bytes) + " bytes");
        return {};
      }
      out.push_back(std::move(s));
    }
    return out;
  }

  void Fail(std::string field, std::string message) {
    if (!error_) error_ = ParamError{std::move(field), std::move(message)};
  }
  const std::optional<ParamError>& error() const { return error_; }

 private:
  explicit Body(json j) : j_(std::move(j)) {}
  json j_;
  std::optional<ParamError> error_;
};

// Refuses a non-empty body on a route that takes none (an empty JSON
// object is accepted).
std::optional<Reply> RefuseBody(const httplib::Request& req) {
  Reply error;
  std::optional<Body> b = Body::Parse(req, "{} (this route takes no body)", error, /*optional=*/true);
  if (!b) return error;
  b->CheckKnown({});
  if (b->error()) return ParamReply(*b->error());
  return std::nullopt;
}

// Language codes: 2 to 8 ASCII letters, optional "-" subtags of letters and
// digits ("fr", "en-GB", "und").
bool IsLanguageCode(std::string_view s) {
  if (s.empty() || s.size() > kMaxLanguageBytes) return false;
  size_t i = 0;
  while (i < s.size() && std::isalpha(static_cast<unsigned char>(s[i]))) ++i;
  if (i < 2 || i > 8) return false;
  while (i < s.size()) {
    if (s[i] != '-') return false;
    size_t j = ++i;
    while (j < s.size() && std::isalnum(static_cast<unsigned char>(s[j]))) ++j;
    if (j == i) return false;
    i = j;
  }
  return true;
}

// "care.routing[2].team: ..." (the service's names) -> "items[2].team: ...":
// the place in the PUT body.
base::Status InBody(const base::Status& s, std::string_view service_prefix) {
  const std::string& m = s.message();
  if (m.size() > service_prefix.size() && m.compare(0, service_prefix.size(), service_prefix) == 0 &&
      m[service_prefix.size()] == '[') {
    return base::Status(s.code(), "items" + m.substr(service_prefix.size()));
  }
  return s;
}

// A settings PUT: the "items" array of the body ({"items": [<what>]}),
// parsed element by element with `parse(element, "items[i]")`, handed to
// `replace` (its errors named as in the body), then the answer of `get`.
template <typename T, typename Parse, typename Replace, typename Get>
Reply PutSettings(std::optional<Reply> refused, const httplib::Request& req, std::string_view what,
                  std::string_view service_prefix, Parse parse, Replace replace, Get get) {
  if (refused) return std::move(*refused);
  Reply error;
  std::optional<Body> b = Body::Parse(req, "{\"items\": [" + std::string(what) + "]}", error);
  if (!b) return error;
  b->CheckKnown({"items"});
  if (!b->error() && !b->Given("items")) b->Fail("items", "items is required");
  if (!b->error() && !b->Raw("items").is_array()) b->Fail("items", "items must be an array");
  if (!b->error() && b->Raw("items").size() > CareApi::kMaxSettingItems)
    b->Fail("items", "items has more than " + std::to_string(CareApi::kMaxSettingItems) + " elements");
  if (b->error()) return ParamReply(*b->error());
  std::vector<T> out;
  const json& items = b->Raw("items");
  for (size_t i = 0; i < items.size(); ++i) {
    base::Result<T> r = parse(items[i], "items[" + std::to_string(i) + "]");
    if (!r.ok()) return ServiceError(r.status());
    out.push_back(std::move(r).value());
  }
  base::Status s = replace(std::move(out));
  if (!s.ok()) return ServiceError(InBody(s, service_prefix));
  return get();
}

// The reply to a service call: to_json of its value with `status`, or the
// ServiceError.
template <typename T, typename ToJson>
Reply Answer(const base::Result<T>& r, ToJson to_json, int status = 200) {
  if (!r.ok()) return ServiceError(r.status());
  return JsonReply(to_json(*r), status);
}

// {"items": [to_json(row)...]}.
template <typename Rows, typename ToJson>
Reply Items(const Rows& rows, ToJson to_json) {
  return JsonReply({{"items", JsonArray(rows, to_json)}});
}

// The "from" and "to" query parameters (Time): from not before 1970, to
// after it and after from.
std::pair<std::optional<base::Timestamp>, std::optional<base::Timestamp>> ReadFromTo(QueryParams& p) {
  std::optional<base::Timestamp> from = p.Time("from");
  std::optional<base::Timestamp> to = p.Time("to");
  if (from && *from < 0) p.Fail("from", "from must not be before 1970");
  if (to && *to <= 0) p.Fail("to", "to must be after 1970-01-01T00:00:00Z");
  if (from && to && *to <= *from)
    p.Fail("to", "to (" + base::FormatTimestamp(*to) + ") must be after from (" + base::FormatTimestamp(*from) + ")");
  return {from, to};
}

// Records an error for a "language" body field that is not a language code.
void CheckLanguage(Body& b, const std::string& language) {
  if (!language.empty() && !IsLanguageCode(language))
    b.Fail("language", "language must be a language code such as \"fr\" or \"en-GB\", got " + Quote(language));
}

// The customer message latest in time among `messages`; 0 when none.
int64_t LatestInbound(const std::vector<care::CaseMessage>& messages) {
  int64_t id = 0;
  for (const care::CaseMessage& m : messages) {
    if (m.direction == model::Direction::kInbound) id = m.mention_id;
  }
  return id;
}

template <typename T>
json OptionalJson(const std::optional<T>& v) {
  return v ? json(*v) : json(nullptr);
}

}  // namespace

// clang-format off
const std::vector<CareRoute>& CareApi::Routes() {
  static const std::vector<CareRoute> routes = {
      {"GET", "/api/v1/cases",
       {"status", "team", "assignee", "contact", "priority", "channel", "account", "tag", "category", "breached",
        "due_before", "sla_state", "q", "from", "to", "sort", "offset", "limit"},
       Permission::kReadCases, &CareApi::ListCases},
      {"GET", "/api/v1/cases/{id}", {}, Permission::kReadCases, &CareApi::GetCase},
      {"PATCH", "/api/v1/cases/{id}", {}, Permission::kWorkCases, &CareApi::UpdateCase},
      {"POST", "/api/v1/cases/{id}/assign", {}, Permission::kWorkCases, &CareApi::AssignCase},
      {"POST", "/api/v1/cases/{id}/notes", {}, Permission::kWorkCases, &CareApi::AddNote},
      {"POST", "/api/v1/cases/{id}/replies", {}, Permission::kWorkCases, &CareApi::PostReply},
      {"GET", "/api/v1/cases/{id}/replies", {}, Permission::kReadCases, &CareApi::ListReplies},
      {"GET", "/api/v1/cases/{id}/events", {"after_id", "limit"}, Permission::kReadCases, &CareApi::ListEvents},
      {"POST", "/api/v1/cases/{id}/presence", {}, Permission::kWorkCases, &CareApi::TouchCase},
      {"GET", "/api/v1/cases/{id}/presence", {}, Permission::kReadCases, &CareApi::ListViewers},
      {"GET", "/api/v1/cases/{id}/assist", {}, Permission::kReadCases, &CareApi::Assist},
      {"GET", "/api/v1/presence", {}, Permission::kWorkCases, &CareApi::GetPresence},
      {"POST", "/api/v1/presence", {}, Permission::kWorkCases, &CareApi::SetPresence},
      {"GET", "/api/v1/agents", {}, Permission::kReadCases, &CareApi::ListAgents},
      {"GET", "/api/v1/contacts", {"q", "limit"}, Permission::kReadCases, &CareApi::SearchContacts},
      {"GET", "/api/v1/contacts/{id}", {}, Permission::kReadCases, &CareApi::GetContact},
      {"PATCH", "/api/v1/contacts/{id}", {}, Permission::kWorkCases, &CareApi::UpdateContact},
      {"POST", "/api/v1/contacts/{id}/identifiers", {}, Permission::kWorkCases, &CareApi::AddIdentifier},
      {"DELETE", "/api/v1/contacts/{id}/identifiers", {"type", "value", "network"}, Permission::kWorkCases,
       &CareApi::RemoveIdentifier},
      {"GET", "/api/v1/contacts/{id}/timeline", {"before", "limit"}, Permission::kReadCases, &CareApi::Timeline},
      {"GET", "/api/v1/contacts/{id}/audit", {"limit"}, Permission::kReadCases, &CareApi::ContactAudit},
      {"POST", "/api/v1/contacts/{id}/merge", {}, Permission::kMergeContacts, &CareApi::MergeContacts},
      {"POST", "/api/v1/contact-merges/{id}/undo", {}, Permission::kMergeContacts, &CareApi::UndoMerge},
      {"GET", "/api/v1/link-suggestions", {"contact", "state", "limit"}, Permission::kReadCases,
       &CareApi::ListSuggestions},
      {"POST", "/api/v1/link-suggestions/{id}/accept", {}, Permission::kWorkCases, &CareApi::AcceptSuggestion},
      {"POST", "/api/v1/link-suggestions/{id}/reject", {}, Permission::kWorkCases, &CareApi::RejectSuggestion},
      {"GET", "/api/v1/canned-responses", {}, Permission::kReadCases, &CareApi::ListCanned},
      {"POST", "/api/v1/canned-responses", {}, Permission::kManageCare, &CareApi::CreateCanned},
      {"GET", "/api/v1/canned-responses/{id}", {}, Permission::kReadCases, &CareApi::GetCanned},
      {"PUT", "/api/v1/canned-responses/{id}", {}, Permission::kManageCare, &CareApi::ReplaceCanned},
      {"DELETE", "/api/v1/canned-responses/{id}", {}, Permission::kManageCare, &CareApi::DeleteCanned},
      {"POST", "/api/v1/canned-responses/{id}/render", {}, Permission::kReadCases, &CareApi::RenderCanned},
      {"GET", "/api/v1/care/routing-rules", {}, Permission::kReadCases, &CareApi::GetRouting},
      {"PUT", "/api/v1/care/routing-rules", {}, Permission::kManageCare, &CareApi::PutRouting},
      {"GET", "/api/v1/care/sla-policies", {}, Permission::kReadCases, &CareApi::GetSlaPolicies},
      {"PUT", "/api/v1/care/sla-policies", {}, Permission::kManageCare, &CareApi::PutSlaPolicies},
      {"GET", "/api/v1/care/calendars", {}, Permission::kReadCases, &CareApi::GetCalendars},
      {"PUT", "/api/v1/care/calendars", {}, Permission::kManageCare, &CareApi::PutCalendars},
      {"GET", "/api/v1/reports/sla", {"from", "to", "group_by", "target", "resolution_target", "wall_clock"},
       Permission::kReadReports, &CareApi::SlaReport},
      {"GET", "/api/v1/export/cases.csv",
       {"status", "team", "assignee", "contact", "priority", "channel", "account", "tag", "category", "breached",
        "due_before", "sla_state", "from", "to"},
       Permission::kReadReports, &CareApi::ExportCases},
  };
  return routes;
}
// clang-format on

std::optional<Reply> CareApi::Refuse(const QueryParams& p) const {
  if (std::optional<Reply> refused = ParamRefusal(p)) return refused;
  if (service_ == nullptr) return Disabled();
  return std::nullopt;
}

std::optional<Reply> CareApi::Refuse(const httplib::Request& req, const RouteInfo& route) const {
  return Refuse(QueryParams(req.params, route.query_params));
}

std::optional<Reply> CareApi::RefuseWithBody(const httplib::Request& req, const RouteInfo& route) const {
  if (std::optional<Reply> refused = Refuse(req, route)) return refused;
  return RefuseBody(req);
}

std::optional<Reply> CareApi::RefuseCanned(const httplib::Request& req, const RouteInfo& route) const {
  if (std::optional<Reply> refused = Refuse(req, route)) return refused;
  if (service_->canned() == nullptr) return ErrorReply(503, "unavailable", "canned responses are disabled");
  return std::nullopt;
}

Reply CareApi::WithCase(std::optional<Reply> refused, const httplib::Request& req,
                        const std::function<Reply(const care::CaseRecord&)>& act) const {
  return WithPathId(std::move(refused), req, [&](int64_t id) {
    base::Result<std::optional<care::CaseRecord>> c = service_->GetCase(id);
    if (!c.ok()) return ServiceError(c.status());
    if (!c->has_value()) return ErrorReply(404, "not_found", "case " + std::to_string(id) + ": no such case", "id");
    return act(**c);
  });
}

Reply CareApi::WithContacts(std::optional<Reply> refused,
                            const std::function<Reply(contacts::ContactStore&)>& act) const {
  if (refused) return std::move(*refused);
  contacts::ContactStore* store = service_->contacts();
  if (store == nullptr) return ErrorReply(503, "unavailable", "the contact directory is disabled");
  return act(*store);
}

Reply CareApi::WithContact(std::optional<Reply> refused, const httplib::Request& req,
                           const std::function<Reply(int64_t, contacts::ContactStore&)>& act) const {
  return WithPathId(std::move(refused), req, [&](int64_t id) {
    return WithContacts(std::nullopt, [&](contacts::ContactStore& store) { return act(id, store); });
  });
}

CaseJsonContext CareApi::Context(const std::vector<const care::CaseRecord*>& cases) const {
  CaseJsonContext ctx;
  ctx.now = clock_.Now();
  for (const care::AgentLoad& a : service_->Agents())
    ctx.users[a.agent.id] = CaseJsonContext::Person{a.agent.login, a.agent.display_name};
  AddContacts(cases, ctx);
  if (directory_ == nullptr) return ctx;
  bool teams = false;
  for (const care::CaseRecord* c : cases) {
    teams = teams || c->team_id != 0;
    if (c->assignee_id != 0 && ctx.users.count(c->assignee_id) == 0) {
      // Not an agent of the engine any more (deleted, or not loaded yet).
      base::Result<auth::User> u = directory_->GetUser(c->assignee_id);
      if (u.ok()) ctx.users[u->id] = CaseJsonContext::Person{u->login, u->display_name};
    }
  }
  if (teams) {
    base::Result<std::vector<auth::Team>> ts = directory_->ListTeams();
    if (ts.ok()) {
      for (const auth::Team& t : *ts) ctx.team_names[t.id] = t.name;
    }
  }
  return ctx;
}

void CareApi::AddContacts(const std::vector<const care::CaseRecord*>& cases, CaseJsonContext& ctx) const {
  contacts::ContactStore* store = service_->contacts();
  if (store == nullptr) return;
  std::vector<int64_t> ids;
  for (const care::CaseRecord* c : cases) {
    if (c->contact_id != 0) ids.push_back(c->contact_id);
  }
  if (ids.empty()) return;
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  // A page holds at most kMaxLimit cases: one batch.
  base::Result<std::map<int64_t, contacts::ContactBrief>> briefs = store->Briefs(ids);
  if (briefs.ok()) ctx.contacts = std::move(*briefs);
  else spdlog::warn("api: contacts of {} cases: {}", cases.size(), briefs.status().ToString());
}

json CareApi::CasesJson(const std::vector<const care::CaseRecord*>& cases) const {
  const CaseJsonContext ctx = Context(cases);
  return JsonArray(cases, [&](const care::CaseRecord* c) { return CaseJson(*c, ctx); });
}

json CareApi::OneCaseJson(const care::CaseRecord& c) const { return CaseJson(c, Context({&c})); }

Reply CareApi::CaseReply(const base::Result<care::CaseRecord>& r, int status) const {
  return Answer(r, [this](const care::CaseRecord& c) { return OneCaseJson(c); }, status);
}

// ---------------------------------------------------------------- cases

namespace {

// The filters GET /api/v1/cases and its CSV export share: status, team,
// assignee (an id, "me" or "none"), contact, priority, channel, account,
// tag, category, breached, due_before, sla_state, and from/to (created_at)
// into `f`.
void ReadCaseFilter(QueryParams& p, const auth::Principal& who, care::CaseFilter& f) {
  f.statuses = p.Parsed<care::CaseStatus>("status", care::ParseCaseStatus, "new, open, pending, resolved or closed");
  f.team_id = p.Int("team", 0, 1, kMaxId);
  if (std::optional<std::string> a = p.String("assignee")) {
    if (*a == "me") {
      if (who.user_id <= 0) p.Fail("assignee", "assignee=me needs a signed-in user");
      f.assignee_id = who.user_id;
    } else if (*a == "none") {
      f.assignee_id = -1;
    } else {
      std::optional<int64_t> id = ParseInt64(*a);
      if (!id || *id <= 0) p.Fail("assignee", "assignee must be a user id, \"me\" or \"none\", got " + Quote(*a));
      else f.assignee_id = *id;
    }
  }
  f.contact_id = p.Int("contact", 0, 1, kMaxId);
  f.priorities = p.Parsed<care::Priority>("priority", care::ParsePriority, "low, normal, high or urgent");
  f.channels = p.Channels("channel");
  f.account = p.String("account").value_or("");
  f.tag = p.String("tag").value_or("");
  f.category = p.String("category").value_or("");
  f.breached_only = p.Bool("breached", false);
  if (std::optional<base::Timestamp> due = p.Time("due_before")) {
    if (*due <= 0) p.Fail("due_before", "due_before must be after 1970-01-01T00:00:00Z");
    else f.due_before = *due;
  }
  f.sla_states = p.Parsed<care::CaseSlaState>("sla_state", care::ParseCaseSlaState, "ok, warning or breached");
  const auto [from, to] = ReadFromTo(p);
  f.created_from = from.value_or(0);
  f.created_to = to.value_or(0);
}

}  // namespace

Reply CareApi::ListCases(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  QueryParams p(req.params, route.query_params);
  care::CaseFilter f;
  ReadCaseFilter(p, who, f);
  f.text = p.String("q").value_or("");
  if (std::optional<std::string> s = p.String("sort")) {
    if (*s == "urgency") f.sort = care::CaseFilter::Sort::kUrgency;
    else if (*s == "updated") f.sort = care::CaseFilter::Sort::kUpdated;
    else if (*s == "created") f.sort = care::CaseFilter::Sort::kCreated;
    else p.Fail("sort", "sort must be urgency, updated or created, got " + Quote(*s));
  }
  f.offset = static_cast<int>(p.Int("offset", 0, 0, std::numeric_limits<int>::max()));
  f.limit = static_cast<int>(p.Int("limit", kDefaultLimit, 1, kMaxLimit));
  if (std::optional<Reply> refused = Refuse(p)) return *refused;
  base::Result<care::CasePage> page = service_->ListCases(f);
  if (!page.ok()) return ServiceError(page.status());
  std::vector<const care::CaseRecord*> cases;
  for (const care::CaseRecord& c : page->items) cases.push_back(&c);
  return JsonReply({{"items", CasesJson(cases)}, {"total", page->total}});
}

Reply CareApi::GetCase(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  return WithCase(Refuse(req, route), req, [&](const care::CaseRecord& cs) -> Reply {
    base::Result<std::vector<care::CaseMessage>> msgs = service_->cases().Messages(cs.id);
    if (!msgs.ok()) return ServiceError(msgs.status());
    json messages = json::array();
    for (const care::CaseMessage& m : *msgs) {
      base::Result<std::optional<model::Mention>> mention = store_.Get(m.mention_id);
      if (!mention.ok()) return StatusReply(mention.status());
      messages.push_back({{"mention_id", m.mention_id},
                          {"direction", model::DirectionName(m.direction)},
                          {"at", JsonTime(m.at)},
                          {"author", m.author},
                          {"user_id", JsonId(m.user_id)},
                          // Null when the mention is no longer stored.
                          {"mention", mention->has_value() ? model::MentionToJson(**mention) : json(nullptr)}});
    }
    base::Result<std::vector<care::ReplyRecord>> replies = service_->Replies(cs.id);
    if (!replies.ok()) return ServiceError(replies.status());
    json viewers = JsonArray(service_->Viewers(cs.id), ViewerJson);
    json contact = nullptr;
    if (cs.contact_id != 0 && service_->contacts() != nullptr) {
      base::Result<contacts::Contact> k = service_->contacts()->Get(cs.contact_id);
      if (k.ok()) contact = ContactSummaryJson(*k);
      else if (k.status().code() != base::StatusCode::kNotFound) return StatusReply(k.status());
    }
    return JsonReply({{"case", OneCaseJson(cs)},
                      {"messages", std::move(messages)},
                      {"replies", JsonArray(*replies, ReplyJson)},
                      {"viewers", std::move(viewers)},
                      {"contact", std::move(contact)}});
  });
}

Reply CareApi::UpdateCase(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithPathId(Refuse(req, route), req, [&](int64_t id) -> Reply {
    Reply error;
    std::optional<Body> b =
        Body::Parse(req, "{\"status\"?, \"priority\"?, \"team_id\"?, \"add_tags\"?, \"remove_tags\"?}", error);
    if (!b) return error;
    b->CheckKnown({"status", "priority", "team_id", "add_tags", "remove_tags"});
    care::CaseUpdate u;
    if (std::optional<std::string> s = b->String("status", 32)) {
      u.status = care::ParseCaseStatus(*s);
      if (!u.status) b->Fail("status", "status must be new, open, pending, resolved or closed, got " + Quote(*s));
    }
    if (std::optional<std::string> s = b->String("priority", 32)) {
      u.priority = care::ParsePriority(*s);
      if (!u.priority) b->Fail("priority", "priority must be low, normal, high or urgent, got " + Quote(*s));
    }
    if (b->Present("team_id")) {
      // null or 0: no team.
      u.team_id = b->Given("team_id") ? b->Int("team_id", 0, kMaxId).value_or(0) : 0;
    }
    u.add_tags = b->Strings("add_tags", kMaxTags, kMaxTagBytes);
    u.remove_tags = b->Strings("remove_tags", kMaxTags, kMaxTagBytes);
    if (!b->error() && !u.status && !u.priority && !u.team_id && u.add_tags.empty() && u.remove_tags.empty())
      b->Fail("body", "nothing to change: give status, priority, team_id, add_tags or remove_tags");
    if (b->error()) return ParamReply(*b->error());
    return CaseReply(service_->Update(id, u, ActorOf(who)));
  });
}

Reply CareApi::AssignCase(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithPathId(Refuse(req, route), req, [&](int64_t id) -> Reply {
    Reply error;
    std::optional<Body> b =
        Body::Parse(req, "{\"user_id\": <id> | \"me\" | null} or {\"login\": \"...\"}", error);
    if (!b) return error;
    b->CheckKnown({"user_id", "login"});
    if (b->error()) return ParamReply(*b->error());
    if (b->Present("user_id") == b->Present("login"))
      return ErrorReply(400, "invalid_argument",
                        "give exactly one of user_id (an id, \"me\", or null to unassign) and login", "user_id");
    int64_t user_id = 0;
    if (b->Present("user_id")) {
      const json& v = b->Raw("user_id");
      if (v.is_string() && v.get_ref<const std::string&>() == "me") {
        if (who.user_id <= 0)
          return ErrorReply(400, "invalid_argument", "user_id \"me\" needs a signed-in user", "user_id");
        user_id = who.user_id;
      } else if (!v.is_null()) {
        if (!v.is_number_integer())
          return ErrorReply(400, "invalid_argument", "user_id must be a user id, \"me\" or null", "user_id");
        std::optional<int64_t> n = b->Int("user_id", 1, kMaxId);
        if (!n) return ParamReply(*b->error());
        user_id = *n;
      }
    } else {
      std::optional<std::string> login =
          b->String("login", kMaxLoginBytes, /*required=*/true, /*allow_empty=*/false);
      if (!login) return ParamReply(*b->error());
      const std::string wanted = ToLowerAscii(Trim(*login));
      for (const care::AgentLoad& a : service_->Agents()) {
        if (ToLowerAscii(a.agent.login) == wanted) user_id = a.agent.id;
      }
      if (user_id == 0 && directory_ != nullptr) {
        base::Result<auth::User> u = directory_->FindUser(wanted);
        if (u.ok()) user_id = u->id;
      }
      if (user_id == 0) return ErrorReply(400, "invalid_argument", "login: no user " + Quote(*login), "login");
    }
    return CaseReply(service_->Assign(id, user_id, ActorOf(who)));
  });
}

Reply CareApi::AddNote(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithPathId(Refuse(req, route), req, [&](int64_t id) -> Reply {
    Reply error;
    std::optional<Body> b = Body::Parse(req, "{\"text\": \"...\"}", error);
    if (!b) return error;
    b->CheckKnown({"text"});
    std::optional<std::string> text = b->String("text", kMaxNoteBytes, /*required=*/true, /*allow_empty=*/false);
    if (b->error()) return ParamReply(*b->error());
    return CaseReply(service_->AddNote(id, *text, ActorOf(who)), 201);
  });
}

Reply CareApi::PostReply(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithPathId(Refuse(req, route), req, [&](int64_t id) -> Reply {
    Reply error;
    std::optional<Body> b = Body::Parse(
        req, "{\"text\"?, \"canned\"?, \"language\"?, \"in_reply_to\"?, \"status_after\"?, \"force\"?}", error);
    if (!b) return error;
    b->CheckKnown({"text", "canned", "language", "in_reply_to", "status_after", "force"});
    care::ReplyRequest r;
    r.text = b->String("text", kMaxReplyBytes).value_or("");
    r.canned = std::string(Trim(b->String("canned", 64).value_or("")));
    r.language = b->String("language", kMaxLanguageBytes).value_or("");
    CheckLanguage(*b, r.language);
    r.in_reply_to = b->Int("in_reply_to", 1, kMaxId).value_or(0);
    if (std::optional<std::string> s = b->String("status_after", 32)) {
      r.status_after = care::ParseCaseStatus(*s);
      if (!r.status_after || *r.status_after == care::CaseStatus::kNew)
        b->Fail("status_after", "status_after must be open, pending, resolved or closed, got " + Quote(*s));
    }
    r.force = b->Bool("force").value_or(false);
    if (!b->error() && Trim(r.text).empty() && r.canned.empty())
      b->Fail("text", "a reply needs a text or a canned response");
    if (b->error()) return ParamReply(*b->error());
    return Answer(service_->Reply(id, r, ActorOf(who)), ReplyJson, 201);
  });
}

Reply CareApi::ListReplies(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  return WithCase(Refuse(req, route), req, [&](const care::CaseRecord& c) {
    base::Result<std::vector<care::ReplyRecord>> replies = service_->Replies(c.id);
    return replies.ok() ? Items(*replies, ReplyJson) : ServiceError(replies.status());
  });
}

Reply CareApi::ListEvents(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  QueryParams p(req.params, route.query_params);
  const int64_t after = p.Int("after_id", 0, 0, kMaxId);
  const int limit = static_cast<int>(p.Int("limit", kDefaultEventLimit, 1, kMaxLimit));
  return WithCase(Refuse(p), req, [&](const care::CaseRecord& c) {
    base::Result<std::vector<care::CaseEvent>> events = service_->cases().Events(c.id, after, limit);
    if (!events.ok()) return ServiceError(events.status());
    return JsonReply({{"items", JsonArray(*events, CaseEventJson)}, {"next_after_id", NextPageId(*events, limit)}});
  });
}

Reply CareApi::TouchCase(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithPathId(Refuse(req, route), req, [&](int64_t id) -> Reply {
    Reply error;
    std::optional<Body> b =
        Body::Parse(req, "{\"state\": \"viewing\" | \"typing\" | \"left\", \"message_id\"?}", error);
    if (!b) return error;
    b->CheckKnown({"state", "message_id"});
    std::optional<std::string> state = b->String("state", 16, /*required=*/true);
    if (state && *state != "viewing" && *state != "typing" && *state != "left")
      b->Fail("state", "state must be viewing, typing or left, got " + Quote(*state));
    const int64_t message_id = b->Int("message_id", 1, kMaxId).value_or(0);
    if (b->error()) return ParamReply(*b->error());
    base::Status s = service_->Touch(id, *state, message_id, ActorOf(who));
    if (!s.ok()) return ServiceError(s);
    return Items(service_->Viewers(id), ViewerJson);
  });
}

Reply CareApi::ListViewers(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  return WithCase(Refuse(req, route), req,
                  [&](const care::CaseRecord& c) { return Items(service_->Viewers(c.id), ViewerJson); });
}

Reply CareApi::Assist(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithCase(Refuse(req, route), req, [&](const care::CaseRecord& cs) { return AssistCase(cs, who); });
}

Reply CareApi::AssistCase(const care::CaseRecord& cs, const auth::Principal& who) const {
  base::Result<std::vector<care::CaseMessage>> msgs = service_->cases().Messages(cs.id);
  if (!msgs.ok()) return ServiceError(msgs.status());
  const int64_t latest = LatestInbound(*msgs);
  std::optional<model::Mention> m;
  if (latest != 0) {
    base::Result<std::optional<model::Mention>> got = store_.Get(latest);
    if (!got.ok()) return StatusReply(got.status());
    m = std::move(*got);
  }

  // The labels of the latest customer message, and their explanation.
  json labels = nullptr;
  std::string category = cs.category;
  std::string language = cs.language;
  std::string text = cs.subject;
  if (m) {
    const model::Enrichment& e = m->enrichment;
    json explanation = nullptr;
    if (explain_) {
      base::Result<std::string> x = explain_(*m);
      if (x.ok()) {
        json parsed = json::parse(*x, nullptr, /*allow_exceptions=*/false);
        if (!parsed.is_discarded() && parsed.is_object()) explanation = std::move(parsed);
      }
    }
    labels = {{"mention_id", m->id},
              {"category", OptionalJson(e.category)},
              {"category_score", OptionalJson(e.category_score)},
              {"severity", OptionalJson(e.severity)},
              {"severity_level", OptionalJson(e.severity_level)},
              {"severity_reasons", e.severity_reasons},
              {"sentiment", OptionalJson(e.sentiment)},
              {"needs_reply", OptionalJson(e.needs_reply)},
              {"explanation", std::move(explanation)}};
    if (e.category && *e.category != "none") category = *e.category;
    if (!m->language.empty() && m->language != "und") language = m->language;
    text = m->title.empty() ? m->text : m->title + "\n" + m->text;
  }

  // Canned responses that fit, each rendered for this case.
  json canned = json::array();
  if (service_->canned() != nullptr) {
    base::Result<std::vector<care::CannedResponse>> all = service_->canned()->List();
    if (!all.ok()) return ServiceError(all.status());
    const care::Actor actor = ActorOf(who);
    for (const care::CannedMatch& cm : care::RankCanned(*all, category, language, text, kAssistCanned)) {
      base::Result<care::Rendered> r = service_->RenderCanned(cs.id, cm.response->name, language, actor);
      canned.push_back({{"id", cm.response->id},
                        {"name", cm.response->name},
                        {"title", cm.response->title},
                        {"score", cm.score},
                        {"reasons", cm.reasons},
                        {"rendered", r.ok() ? RenderedJson(*r) : json(nullptr)}});
    }
  }

  // Resolved cases like this one.
  base::Result<std::vector<care::SimilarCase>> like =
      service_->cases().SimilarResolved(cs.subject + "\n" + text, category, cs.id, kAssistSimilar);
  if (!like.ok()) return ServiceError(like.status());
  json similar = JsonArray(*like, [](const care::SimilarCase& s) {
    return json{{"case_id", s.record.id},
                {"subject", s.record.subject},
                {"status", care::CaseStatusName(s.record.status)},
                {"category", s.record.category.empty() ? json(nullptr) : json(s.record.category)},
                {"score", s.score},
                {"shared_terms", s.shared_terms},
                {"resolved_at", JsonTime(s.record.resolved_at)}};
  });
  return JsonReply({{"case_id", cs.id},
                    {"labels", std::move(labels)},
                    {"canned", std::move(canned)},
                    {"similar", std::move(similar)}});
}

Reply CareApi::SetPresence(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<Body> b = Body::Parse(req, "{\"status\": \"online\" | \"away\" | \"offline\"}", error);
  if (!b) return error;
  b->CheckKnown({"status"});
  std::optional<std::string> s = b->String("status", 16, /*required=*/true);
  std::optional<care::Presence> presence;
  if (s) {
    presence = care::ParsePresence(*s);
    if (!presence) b->Fail("status", "status must be online, away or offline, got " + Quote(*s));
  }
  if (!b->error() && who.user_id <= 0) b->Fail("status", "presence needs a signed-in user");
  if (b->error()) return ParamReply(*b->error());
  base::Result<care::PresenceState> st = service_->SetPresence(ActorOf(who), *presence);
  if (!st.ok()) return ServiceError(st.status());
  return JsonReply(PresenceJson(who.user_id, *st));
}

Reply CareApi::GetPresence(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  if (who.user_id <= 0) return ErrorReply(400, "invalid_argument", "presence needs a signed-in user");
  return JsonReply(PresenceJson(who.user_id, service_->PresenceOf(who.user_id)));
}

Reply CareApi::ListAgents(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  return Items(service_->Agents(), AgentLoadJson);
}

// ------------------------------------------------------------- contacts

Reply CareApi::SearchContacts(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  QueryParams p(req.params, route.query_params);
  std::string q(Trim(p.String("q").value_or("")));
  const int limit = static_cast<int>(p.Int("limit", kDefaultContactSearch, 1, kMaxContactSearch));
  if (!p.error() && q.empty()) p.Fail("q", "q is required: a name, an e-mail, a phone number, @handle or a number");
  return WithContacts(Refuse(p), [&](contacts::ContactStore& store) {
    base::Result<std::vector<contacts::Contact>> found = store.Search(q, limit);
    return found.ok() ? Items(*found, ContactJson) : ServiceError(found.status(), "q");
  });
}

Reply CareApi::GetContact(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  return WithContact(Refuse(req, route), req, [&](int64_t id, contacts::ContactStore& store) -> Reply {
    base::Result<contacts::Contact> c = store.Get(id);
    if (!c.ok()) return ServiceError(c.status());
    // Cases may carry the id of a contact merged into this one since.
    std::vector<int64_t> ids = {c->id};
    ids.insert(ids.end(), c->merged_ids.begin(), c->merged_ids.end());
    base::Result<std::vector<care::CaseRecord>> cases = service_->cases().CasesOfContacts(ids, kContactCasesLimit);
    if (!cases.ok()) return ServiceError(cases.status());
    std::vector<const care::CaseRecord*> open;
    for (const care::CaseRecord& k : *cases) {
      if (care::IsActive(k.status)) open.push_back(&k);
    }
    json open_cases = CasesJson(open);
    base::Result<std::vector<contacts::MergeRecord>> merges = store.Merges(id);
    if (!merges.ok()) return ServiceError(merges.status());
    return JsonReply({{"contact", ContactJson(*c)},
                      {"open_cases", std::move(open_cases)},
                      {"merges", JsonArray(*merges, MergeJson)}});
  });
}

Reply CareApi::UpdateContact(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithContact(Refuse(req, route), req, [&](int64_t id, contacts::ContactStore& store) -> Reply {
    Reply error;
    std::optional<Body> b = Body::Parse(req, "{\"display_name\"?, \"vip\"?, \"notes\"?}", error);
    if (!b) return error;
    b->CheckKnown({"display_name", "vip", "notes"});
    std::optional<std::string> name = b->String("display_name", kMaxNameBytes, false, /*allow_empty=*/false);
    std::optional<bool> vip = b->Bool("vip");
    std::optional<std::string> notes = b->String("notes", kMaxContactNotesBytes);
    if (!b->error() && !name && !vip && !notes) b->Fail("body", "nothing to change: give display_name, vip or notes");
    if (b->error()) return ParamReply(*b->error());
    return Answer(store.Update(id, name, vip, notes, who.login), ContactJson);
  });
}

namespace {

// The identifier of a body or query ({type, value, network?}), or the
// refusal naming the field.
std::optional<contacts::Identifier> ReadIdentifier(const std::optional<std::string>& type,
                                                   const std::optional<std::string>& value,
                                                   const std::optional<std::string>& network,
                                                   std::string_view default_region, ParamError& error) {
  if (!type) {
    error = {"type", "type is required: email, phone, handle, customer_number or order_number"};
    return std::nullopt;
  }
  std::optional<contacts::IdentifierType> t = contacts::ParseIdentifierType(*type);
  if (!t) {
    error = {"type", "type must be email, phone, handle, customer_number or order_number, got " + QuoteValue(*type)};
    return std::nullopt;
  }
  if (!value || Trim(*value).empty()) {
    error = {"value", "value is required"};
    return std::nullopt;
  }
  if (network && *t != contacts::IdentifierType::kHandle) {
    error = {"network", "network is for handles only"};
    return std::nullopt;
  }
  base::Result<contacts::Identifier> id =
      contacts::NormalizeIdentifier(*t, *value, network.value_or(""), default_region);
  if (!id.ok()) {
    const bool about_network = id.status().message().find("network") != std::string::npos;
    error = {about_network ? "network" : "value", id.status().message()};
    return std::nullopt;
  }
  return std::move(id).value();
}

}  // namespace

Reply CareApi::AddIdentifier(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithContact(Refuse(req, route), req, [&](int64_t id, contacts::ContactStore& store) -> Reply {
    Reply error;
    std::optional<Body> b = Body::Parse(req, "{\"type\", \"value\", \"network\"?}", error);
    if (!b) return error;
    b->CheckKnown({"type", "value", "network"});
    std::optional<std::string> type = b->String("type", 32);
    std::optional<std::string> value = b->String("value", kMaxIdentifierBytes);
    std::optional<std::string> network = b->String("network", 64);
    if (b->error()) return ParamReply(*b->error());
    ParamError bad;
    std::optional<contacts::Identifier> ident =
        ReadIdentifier(type, value, network, store.options().default_region, bad);
    if (!ident) return ParamReply(bad);
    base::Result<contacts::Contact> c = store.AddIdentifier(id, *ident, who.login);
    // AlreadyExists names the other contact: the identifier is the field.
    if (!c.ok() && c.status().code() == base::StatusCode::kAlreadyExists) return StatusReply(c.status(), "value");
    return Answer(c, ContactJson, 201);
  });
}

Reply CareApi::RemoveIdentifier(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  QueryParams p(req.params, route.query_params);
  std::optional<std::string> type = p.String("type");
  std::optional<std::string> value = p.String("value");
  std::optional<std::string> network = p.String("network");
  return WithContact(Refuse(p), req, [&](int64_t id, contacts::ContactStore& store) -> Reply {
    ParamError bad;
    std::optional<contacts::Identifier> ident =
        ReadIdentifier(type, value, network, store.options().default_region, bad);
    if (!ident) return ParamReply(bad);
    base::Result<contacts::Contact> c = store.RemoveIdentifier(id, *ident, who.login);
    // The contact exists (checked here) but does not hold it: about "value".
    if (!c.ok() && c.status().code() == base::StatusCode::kNotFound && store.Get(id).ok())
      return StatusReply(c.status(), "value");
    return Answer(c, ContactJson);
  });
}

Reply CareApi::Timeline(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  QueryParams p(req.params, route.query_params);
  // `before`: a timestamp, or the "<created_at ms>.<mention id>" cursor a
  // previous page gave as next_before.
  base::Timestamp before = contacts::ContactStore::kNoBound;
  int64_t before_mention = 0;
  if (std::optional<std::string> raw = p.String("before")) {
    const size_t dot = raw->find('.');
    std::optional<int64_t> ms, mid;
    if (dot != std::string::npos) {
      ms = ParseInt64(std::string_view(*raw).substr(0, dot));
      mid = ParseInt64(std::string_view(*raw).substr(dot + 1));
    }
    if (ms && mid && *ms >= 0 && *mid > 0) {
      before = *ms;
      before_mention = *mid;
    } else if (std::optional<base::Timestamp> t = p.Time("before")) {
      before = *t;
    }
  }
  const int limit = static_cast<int>(p.Int("limit", kDefaultTimelineLimit, 1, kMaxLimit));
  return WithContact(Refuse(p), req, [&](int64_t id, contacts::ContactStore& store) -> Reply {
    base::Result<contacts::Contact> c = store.Get(id);
    if (!c.ok()) return ServiceError(c.status());
    base::Result<std::vector<contacts::TimelineEntry>> entries = store.MentionIds(id, before, limit, before_mention);
    if (!entries.ok()) return ServiceError(entries.status());
    json items = json::array();
    for (const contacts::TimelineEntry& e : *entries) {
      base::Result<std::optional<model::Mention>> m = store_.Get(e.mention_id);
      if (!m.ok()) return StatusReply(m.status());
      base::Result<std::optional<int64_t>> case_id = service_->cases().CaseOfMention(e.mention_id);
      if (!case_id.ok()) return ServiceError(case_id.status());
      items.push_back({{"mention_id", e.mention_id},
                       {"contact_id", e.contact_id},
                       {"channel", model::ChannelName(e.channel)},
                       {"created_at", JsonTime(e.created_at)},
                       {"case_id", OptionalJson(*case_id)},
                       {"mention", m->has_value() ? model::MentionToJson(**m) : json(nullptr)}});
    }
    json next = nullptr;
    if (static_cast<int>(entries->size()) == limit)
      next = std::to_string(entries->back().created_at) + "." + std::to_string(entries->back().mention_id);
    return JsonReply({{"contact_id", c->id}, {"items", std::move(items)}, {"next_before", std::move(next)}});
  });
}

Reply CareApi::ContactAudit(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  QueryParams p(req.params, route.query_params);
  const int limit = static_cast<int>(p.Int("limit", kDefaultAuditLimit, 1, kMaxAuditLimit));
  return WithContact(Refuse(p), req, [&](int64_t id, contacts::ContactStore& store) {
    base::Result<contacts::Contact> c = store.Get(id);
    if (!c.ok()) return ServiceError(c.status());
    base::Result<std::vector<contacts::AuditEntry>> audit = store.Audit(id, limit);
    return audit.ok() ? Items(*audit, ContactAuditJson) : ServiceError(audit.status());
  });
}

Reply CareApi::MergeContacts(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithContact(Refuse(req, route), req, [&](int64_t id, contacts::ContactStore& store) -> Reply {
    Reply error;
    std::optional<Body> b = Body::Parse(req, "{\"from\": <contact id>, \"reason\"?}", error);
    if (!b) return error;
    b->CheckKnown({"from", "reason"});
    std::optional<int64_t> from = b->Int("from", 1, kMaxId, /*required=*/true);
    std::string reason = b->String("reason", kMaxReasonBytes).value_or("");
    if (from && *from == id) b->Fail("from", "from must be another contact than " + std::to_string(id));
    if (b->error()) return ParamReply(*b->error());
    if (base::Result<contacts::Contact> into = store.Get(id); !into.ok()) return ServiceError(into.status());
    if (base::Result<contacts::Contact> other = store.Get(*from); !other.ok()) {
      return ServiceError(other.status(), "from");
    }
    base::Result<contacts::MergeRecord> m = store.Merge(id, *from, who.login, reason);
    if (!m.ok()) return ServiceError(m.status(), "from");
    base::Result<contacts::Contact> now = store.Get(id);
    if (!now.ok()) return ServiceError(now.status());
    return JsonReply({{"merge", MergeJson(*m)}, {"contact", ContactJson(*now)}});
  });
}

namespace {

json MergeOnlyJson(const contacts::MergeRecord& m) { return {{"merge", MergeJson(m)}}; }

}  // namespace

Reply CareApi::UndoMerge(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithContact(RefuseWithBody(req, route), req, [&](int64_t id, contacts::ContactStore& store) {
    return Answer(store.Unmerge(id, who.login), MergeOnlyJson);
  });
}

Reply CareApi::ListSuggestions(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  QueryParams p(req.params, route.query_params);
  const int64_t contact = p.Int("contact", 0, 1, kMaxId);
  std::string state = p.String("state").value_or("pending");
  if (state == "any") state.clear();
  if (!state.empty() && state != "pending" && state != "accepted" && state != "rejected")
    p.Fail("state", "state must be pending, accepted, rejected or any, got " + Quote(state));
  const int limit = static_cast<int>(p.Int("limit", kDefaultLimit, 1, kMaxLimit));
  return WithContacts(Refuse(p), [&](contacts::ContactStore& store) {
    base::Result<std::vector<contacts::Suggestion>> list = store.Suggestions(contact, state, limit);
    return list.ok() ? Items(*list, SuggestionJson) : ServiceError(list.status(), "contact");
  });
}

Reply CareApi::AcceptSuggestion(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithContact(RefuseWithBody(req, route), req, [&](int64_t id, contacts::ContactStore& store) {
    return Answer(store.Accept(id, who.login), MergeOnlyJson);
  });
}

Reply CareApi::RejectSuggestion(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithContact(RefuseWithBody(req, route), req, [&](int64_t id, contacts::ContactStore& store) {
    return Answer(store.Reject(id, who.login), SuggestionJson);
  });
}

// ------------------------------------------------------ canned responses

namespace {

// AlreadyExists is about the name; NotFound about the path's id.
Reply CannedError(const base::Status& s) {
  if (s.code() == base::StatusCode::kAlreadyExists) return StatusReply(s, "name");
  return ServiceError(s);
}

// The reply to a canned store call: the response's JSON with `status`, or
// the CannedError.
Reply CannedReply(const base::Result<care::CannedResponse>& r, int status = 200) {
  if (!r.ok()) return CannedError(r.status());
  return JsonReply(care::ToJson(*r), status);
}

// The canned response of a body (CannedFromJson: every field checked,
// unknown ones refused).
std::optional<care::CannedResponse> CannedBody(const httplib::Request& req, Reply& error) {
  std::optional<json> j = JsonObjectBody(
      req, "a canned response {\"name\", \"title\"?, \"categories\"?, \"tags\"?, \"variants\"}", error);
  if (!j) return std::nullopt;
  base::Result<care::CannedResponse> r = care::CannedFromJson(*j);
  if (!r.ok()) {
    error = FieldStatusReply(r.status());
    return std::nullopt;
  }
  return std::move(r).value();
}

}  // namespace

Reply CareApi::ListCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = RefuseCanned(req, route)) return *refused;
  base::Result<std::vector<care::CannedResponse>> all = service_->canned()->List();
  if (!all.ok()) return ServiceError(all.status());
  return Items(*all, [](const care::CannedResponse& r) { return care::ToJson(r); });
}

Reply CareApi::CreateCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = RefuseCanned(req, route)) return *refused;
  Reply error;
  std::optional<care::CannedResponse> r = CannedBody(req, error);
  if (!r) return error;
  return CannedReply(service_->canned()->Create(std::move(*r), who.login), 201);
}

Reply CareApi::GetCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  return WithPathId(RefuseCanned(req, route), req,
                    [&](int64_t id) { return CannedReply(service_->canned()->Get(id)); });
}

Reply CareApi::ReplaceCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithPathId(RefuseCanned(req, route), req, [&](int64_t id) -> Reply {
    Reply error;
    std::optional<care::CannedResponse> r = CannedBody(req, error);
    if (!r) return error;
    if (r->id != 0 && r->id != id)
      return ErrorReply(400, "invalid_argument",
                        "id " + std::to_string(r->id) + " in the body differs from the path's " + std::to_string(id),
                        "id");
    return CannedReply(service_->canned()->Update(id, std::move(*r), who.login));
  });
}

Reply CareApi::DeleteCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  return WithPathId(RefuseCanned(req, route), req, [&](int64_t id) {
    base::Status s = service_->canned()->Delete(id);
    return s.ok() ? NoContentReply() : CannedError(s);
  });
}

Reply CareApi::RenderCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return WithPathId(RefuseCanned(req, route), req, [&](int64_t id) -> Reply {
    Reply error;
    std::optional<Body> b = Body::Parse(req, "{\"case_id\", \"language\"?}", error);
    if (!b) return error;
    b->CheckKnown({"case_id", "language"});
    std::optional<int64_t> case_id = b->Int("case_id", 1, kMaxId, /*required=*/true);
    std::string language = b->String("language", kMaxLanguageBytes).value_or("");
    CheckLanguage(*b, language);
    if (b->error()) return ParamReply(*b->error());
    base::Result<care::CannedResponse> canned = service_->canned()->Get(id);
    if (!canned.ok()) return CannedError(canned.status());
    base::Result<care::Rendered> r = service_->RenderCanned(*case_id, canned->name, language, ActorOf(who));
    if (!r.ok()) return ServiceError(r.status(), "case_id");
    json out = RenderedJson(*r);
    out["id"] = canned->id;
    out["name"] = canned->name;
    out["case_id"] = *case_id;
    return JsonReply(out);
  });
}

// ------------------------------------------------------------- settings

Reply CareApi::GetRouting(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  return Items(service_->Settings().routing, care::RoutingRuleToJson);
}

Reply CareApi::PutRouting(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return PutSettings<care::RoutingRule>(
      Refuse(req, route), req, "routing rules", "care.routing", care::RoutingRuleFromJson,
      [&](std::vector<care::RoutingRule> v) { return service_->ReplaceRouting(std::move(v)); },
      [&] { return GetRouting(req, route, who); });
}

Reply CareApi::GetSlaPolicies(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  return Items(service_->Settings().sla_policies, std::mem_fn(&care::SlaPolicy::ToJson));
}

Reply CareApi::PutSlaPolicies(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return PutSettings<care::SlaPolicy>(
      Refuse(req, route), req, "SLA policies", "care.sla_policies", care::SlaPolicy::FromJson,
      [&](std::vector<care::SlaPolicy> v) { return service_->ReplaceSlaPolicies(std::move(v)); },
      [&] { return GetSlaPolicies(req, route, who); });
}

Reply CareApi::GetCalendars(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  return Items(service_->Settings().calendars, std::mem_fn(&care::BusinessCalendar::ToJson));
}

Reply CareApi::PutCalendars(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  return PutSettings<care::BusinessCalendar>(
      Refuse(req, route), req, "business calendars", "care.calendars", care::BusinessCalendar::FromJson,
      [&](std::vector<care::BusinessCalendar> v) { return service_->ReplaceCalendars(std::move(v)); },
      [&] { return GetCalendars(req, route, who); });
}

// -------------------------------------------------------------- reports

Reply CareApi::SlaReport(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  QueryParams p(req.params, route.query_params);
  const auto [from, to] = ReadFromTo(p);
  care::SlaReportOptions options;
  if (std::optional<std::string> g = p.String("group_by")) {
    std::optional<care::SlaReportOptions::GroupBy> gb = care::ParseGroupBy(*g);
    if (!gb) p.Fail("group_by", "group_by must be team, channel, agent, account, priority or none, got " + Quote(*g));
    else options.group_by = *gb;
  }
  if (p.String("target")) options.target_minutes_override = p.Int("target", 0, 1, care::kMaxSlaTargetMinutes);
  if (p.String("resolution_target"))
    options.resolution_target_minutes_override = p.Int("resolution_target", 0, 1, care::kMaxSlaTargetMinutes);
  options.wall_clock = p.Bool("wall_clock", false);
  if (std::optional<Reply> refused = Refuse(p)) return *refused;

  std::vector<care::CaseRecord> cases;
  base::Status s = service_->cases().ScanCases(from.value_or(0), to.value_or(0), [&](const care::CaseRecord& c) {
    cases.push_back(c);
    return true;
  });
  if (!s.ok()) return ServiceError(s);
  // Teams and agents by name when known.
  std::map<int64_t, std::string> teams, agents;
  for (const care::AgentLoad& a : service_->Agents()) agents[a.agent.id] = a.agent.login;
  if (directory_ != nullptr && options.group_by == care::SlaReportOptions::GroupBy::kTeam) {
    base::Result<std::vector<auth::Team>> ts = directory_->ListTeams();
    if (!ts.ok()) return StatusReply(ts.status());
    for (const auth::Team& t : *ts) teams[t.id] = t.name;
  }
  auto namer = [&](care::SlaReportOptions::GroupBy g, const care::CaseRecord& c) -> std::string {
    if (g == care::SlaReportOptions::GroupBy::kTeam && c.team_id != 0) {
      auto it = teams.find(c.team_id);
      if (it != teams.end()) return it->second;
    }
    if (g == care::SlaReportOptions::GroupBy::kAgent && c.assignee_id != 0) {
      auto it = agents.find(c.assignee_id);
      if (it != agents.end()) return it->second;
    }
    return care::DefaultSlaGroupName(g, c);
  };
  const care::SlaReport report = care::BuildSlaReport(cases, options, namer, clock_.Now());
  json out = care::ToJson(report);
  out["from"] = from ? json(base::FormatTimestamp(*from)) : json(nullptr);
  out["to"] = to ? json(base::FormatTimestamp(*to)) : json(nullptr);
  out["cases"] = cases.size();
  return JsonReply(out);
}

// -------------------------------------------------------------- exports

namespace {

// What GET /api/v1/cases filters in SQL (CaseDb::ListCases), on a case read
// by ScanCases; f.text and the created_at bounds are not looked at.
bool CaseMatches(const care::CaseFilter& f, const care::CaseRecord& c) {
  auto any_of = [](const auto& values, const auto& v) {
    return values.empty() || std::find(values.begin(), values.end(), v) != values.end();
  };
  if (!any_of(f.statuses, c.status) || !any_of(f.priorities, c.priority) || !any_of(f.channels, c.channel))
    return false;
  if (f.team_id > 0 && c.team_id != f.team_id) return false;
  if (f.assignee_id > 0 && c.assignee_id != f.assignee_id) return false;
  if (f.assignee_id == -1 && c.assignee_id != 0) return false;
  if (f.contact_id > 0 && c.contact_id != f.contact_id) return false;
  if (!f.account.empty() && !base::EqualsIgnoreAsciiCase(f.account, c.account)) return false;
  if (!f.tag.empty() && std::find(c.tags.begin(), c.tags.end(), f.tag) == c.tags.end()) return false;
  if (!f.category.empty() && c.category != f.category) return false;
  if (f.breached_only && !(c.first_response.breached || c.next_response.breached || c.resolution.breached))
    return false;
  if (f.due_before > 0) {
    const base::Timestamp due = care::NextSlaDue(c);
    if (due == 0 || due >= f.due_before) return false;
  }
  if (!any_of(f.sla_states, care::SlaStateOf(c))) return false;
  return true;
}

// true when the target was met in time, false when it is breached, nullopt
// when it has none or is still running (SlaTargetState).
std::optional<bool> TargetMet(const care::SlaTarget& t, base::Timestamp now) {
  const std::string_view state = SlaTargetState(t, now);
  if (state == "met") return true;
  if (state == "breached") return false;
  return std::nullopt;
}

// The state of one cases export, kept by its content provider.
struct CaseExport {
  care::CareService& service;
  const auth::Directory* directory;  // may be null
  care::CaseFilter filter;
  CaseJsonContext names;  // teams and users by id; now
  bool header_written = false;
  // The last case examined (ScanCases order: created_at, id); the next
  // chunk starts after it.
  bool started = false;
  base::Timestamp after_at = 0;
  int64_t after_id = 0;
  std::map<int64_t, std::string> contact_names{};

  static constexpr size_t kMaxCachedContacts = 10'000;

  std::string Login(int64_t user_id) {
    auto it = names.users.find(user_id);
    if (it == names.users.end() && directory != nullptr) {
      base::Result<auth::User> u = directory->GetUser(user_id);
      if (u.ok()) it = names.users.emplace(user_id, CaseJsonContext::Person{u->login, u->display_name}).first;
    }
    return it != names.users.end() ? it->second.login : std::to_string(user_id);
  }

  std::string ContactName(int64_t id) {
    auto it = contact_names.find(id);
    if (it != contact_names.end()) return it->second;
    contacts::ContactStore* store = service.contacts();
    std::string name;
    if (store != nullptr) {
      base::Result<contacts::Contact> c = store->Get(id);
      if (c.ok()) name = c->display_name;
    }
    if (contact_names.size() >= kMaxCachedContacts) contact_names.clear();
    contact_names.emplace(id, name);
    return name;
  }

  void AppendRow(const care::CaseRecord& c, std::string& out) {
    std::string team;
    if (c.team_id != 0) {
      auto it = names.team_names.find(c.team_id);
      team = it != names.team_names.end() ? it->second : std::to_string(c.team_id);
    }
    CsvLine line(out);
    line.Int(c.id)
        .Time(c.created_at)
        .Time(c.updated_at)
        .Text(care::CaseStatusName(c.status))
        .Text(care::PriorityName(c.priority))
        .Text(model::ChannelName(c.channel))
        .Text(c.account)
        .Text(team)
        .Text(c.assignee_id != 0 ? Login(c.assignee_id) : "")
        .Int(c.contact_id != 0 ? std::optional<int64_t>(c.contact_id) : std::nullopt)
        .Text(c.contact_id != 0 ? ContactName(c.contact_id) : "")
        .Text(c.subject)
        .Int(c.message_count)
        .Time(c.first_response_at)
        .Int(c.first_response.elapsed_minutes >= 0 ? std::optional<int64_t>(c.first_response.elapsed_minutes)
                                                   : std::nullopt)
        .Bool(TargetMet(c.first_response, names.now))
        .Time(c.resolved_at)
        .Bool(TargetMet(c.resolution, names.now))
        .Text(c.category)
        .Text(c.severity_level)
        .Join(c.tags);
    line.End();
  }
};

}  // namespace

const std::vector<std::string_view>& CareApi::CaseCsvColumns() {
  static const std::vector<std::string_view> columns = {
      "id",           "created_at", "updated_at",        "status",  "priority",
      "channel",      "account",    "team",              "assignee", "contact_id",
      "contact_name", "subject",    "messages",          "first_response_at", "first_response_minutes",
      "first_response_met", "resolved_at", "resolution_met", "category", "severity_level",
      "tags"};
  return columns;
}

Reply CareApi::ExportCases(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  QueryParams p(req.params, route.query_params);
  care::CaseFilter f;
  ReadCaseFilter(p, who, f);
  if (std::optional<Reply> refused = Refuse(p)) return *refused;
  auto state = std::make_shared<CaseExport>(CaseExport{*service_, directory_, f, Context({})});
  if (directory_ != nullptr) {
    base::Result<std::vector<auth::Team>> ts = directory_->ListTeams();
    if (!ts.ok()) return StatusReply(ts.status());
    for (const auth::Team& t : *ts) state->names.team_names[t.id] = t.name;
  }
  Reply r = CsvReply("cases", state->names.now);
  // One chunk per call (kExportScanRows cases examined), so that a stopping
  // server ends the download between chunks.
  r.stream = [state](size_t, httplib::DataSink& sink) -> bool {
    std::string out;
    if (!state->header_written) {
      out = CsvHeader(CaseCsvColumns());
      state->header_written = true;
    }
    const care::CaseFilter& f = state->filter;
    int examined = 0;
    bool more = false;
    base::Status s = state->service.cases().ScanCases(
        state->started ? state->after_at : f.created_from, f.created_to, [&](const care::CaseRecord& c) {
          if (state->started &&
              (c.created_at < state->after_at || (c.created_at == state->after_at && c.id <= state->after_id)))
            return true;  // written by an earlier chunk
          if (examined == kExportScanRows) {
            more = true;
            return false;
          }
          ++examined;
          state->started = true;
          state->after_at = c.created_at;
          state->after_id = c.id;
          if (CaseMatches(f, c)) state->AppendRow(c, out);
          return true;
        });
    if (!s.ok()) {
      spdlog::error("api: cases export cut: {}", s.ToString());
      return false;
    }
    // Never a zero-length write: httplib takes it for the end.
    if (!out.empty() && !sink.write(out.data(), out.size())) return false;
    if (!more) sink.done();
    return true;
  };
  return r;
}

}  // namespace ecoute::api
