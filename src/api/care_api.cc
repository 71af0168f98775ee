#include "api/care_api.h"

#include <algorithm>
#include <cctype>
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

#include "api/params.h"
#include "auth/directory.h"
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
    if (auto bad = CheckJsonContentType(req)) {
      error = ErrorReply(415, "unsupported_media_type", *bad, "Content-Type");
      return std::nullopt;
    }
    json j = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      error = ErrorReply(400, "invalid_argument", "body must be a JSON object: " + std::string(shape), "body");
      return std::nullopt;
    }
    return Body(std::move(j));
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

// The "items" array of a settings PUT, parsed element by element with
// `parse(element, "items[i]")`.
template <typename T, typename Parse>
std::optional<std::vector<T>> SettingItems(const httplib::Request& req, std::string_view shape, Parse parse,
                                           Reply& error) {
  std::optional<Body> b = Body::Parse(req, shape, error);
  if (!b) return std::nullopt;
  b->CheckKnown({"items"});
  if (!b->error() && !b->Given("items")) b->Fail("items", "items is required");
  if (!b->error() && !b->Raw("items").is_array()) b->Fail("items", "items must be an array");
  if (!b->error() && b->Raw("items").size() > CareApi::kMaxSettingItems)
    b->Fail("items", "items has more than " + std::to_string(CareApi::kMaxSettingItems) + " elements");
  if (b->error()) {
    error = ParamReply(*b->error());
    return std::nullopt;
  }
  std::vector<T> out;
  const json& items = b->Raw("items");
  for (size_t i = 0; i < items.size(); ++i) {
    base::Result<T> r = parse(items[i], "items[" + std::to_string(i) + "]");
    if (!r.ok()) {
      error = ServiceError(r.status());
      return std::nullopt;
    }
    out.push_back(std::move(r).value());
  }
  return out;
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
       {"status", "team", "assignee", "contact", "priority", "channel", "account", "tag", "category", "breached", "q",
        "from", "to", "sort", "offset", "limit"},
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
  };
  return routes;
}
// clang-format on

std::optional<Reply> CareApi::Refuse(const httplib::Request& req, const RouteInfo& route) const {
  QueryParams p(req.params);
  p.CheckKnown(route.query_params);
  if (p.error()) return ParamReply(*p.error());
  if (service_ == nullptr) return Disabled();
  return std::nullopt;
}

contacts::ContactStore* CareApi::Contacts(Reply& error) const {
  contacts::ContactStore* c = service_->contacts();
  if (c == nullptr) error = ErrorReply(503, "unavailable", "the contact directory is disabled");
  return c;
}

CaseJsonContext CareApi::Context(const std::vector<const care::CaseRecord*>& cases) const {
  CaseJsonContext ctx;
  ctx.now = clock_.Now();
  for (const care::AgentLoad& a : service_->Agents())
    ctx.users[a.agent.id] = CaseJsonContext::Person{a.agent.login, a.agent.display_name};
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

json CareApi::OneCaseJson(const care::CaseRecord& c) const { return CaseJson(c, Context({&c})); }

// ---------------------------------------------------------------- cases

Reply CareApi::ListCases(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  QueryParams p(req.params);
  p.CheckKnown(route.query_params);
  care::CaseFilter f;
  for (const std::string& item : p.ListValues("status")) {
    std::optional<care::CaseStatus> s = care::ParseCaseStatus(item);
    if (!s) {
      p.Fail("status", "status must be new, open, pending, resolved or closed (comma-separated), got " + Quote(item));
      break;
    }
    if (std::find(f.statuses.begin(), f.statuses.end(), *s) == f.statuses.end()) f.statuses.push_back(*s);
  }
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
  for (const std::string& item : p.ListValues("priority")) {
    std::optional<care::Priority> pr = care::ParsePriority(item);
    if (!pr) {
      p.Fail("priority", "priority must be low, normal, high or urgent (comma-separated), got " + Quote(item));
      break;
    }
    if (std::find(f.priorities.begin(), f.priorities.end(), *pr) == f.priorities.end()) f.priorities.push_back(*pr);
  }
  f.channels = p.Channels("channel");
  f.account = p.String("account").value_or("");
  f.tag = p.String("tag").value_or("");
  f.category = p.String("category").value_or("");
  f.breached_only = p.Bool("breached", false);
  f.text = p.String("q").value_or("");
  std::optional<base::Timestamp> from = p.Time("from");
  std::optional<base::Timestamp> to = p.Time("to");
  if (from && *from < 0) p.Fail("from", "from must not be before 1970");
  if (to && *to <= 0) p.Fail("to", "to must be after 1970-01-01T00:00:00Z");
  if (from && to && *to <= *from)
    p.Fail("to", "to (" + base::FormatTimestamp(*to) + ") must be after from (" + base::FormatTimestamp(*from) + ")");
  if (std::optional<std::string> s = p.String("sort")) {
    if (*s == "urgency") f.sort = care::CaseFilter::Sort::kUrgency;
    else if (*s == "updated") f.sort = care::CaseFilter::Sort::kUpdated;
    else if (*s == "created") f.sort = care::CaseFilter::Sort::kCreated;
    else p.Fail("sort", "sort must be urgency, updated or created, got " + Quote(*s));
  }
  f.offset = static_cast<int>(p.Int("offset", 0, 0, std::numeric_limits<int>::max()));
  f.limit = static_cast<int>(p.Int("limit", kDefaultLimit, 1, kMaxLimit));
  if (p.error()) return ParamReply(*p.error());
  if (service_ == nullptr) return Disabled();
  f.created_from = from.value_or(0);
  f.created_to = to.value_or(0);
  base::Result<care::CasePage> page = service_->ListCases(f);
  if (!page.ok()) return ServiceError(page.status());
  std::vector<const care::CaseRecord*> ptrs;
  for (const care::CaseRecord& c : page->items) ptrs.push_back(&c);
  const CaseJsonContext ctx = Context(ptrs);
  json items = json::array();
  for (const care::CaseRecord& c : page->items) items.push_back(CaseJson(c, ctx));
  return JsonReply({{"items", std::move(items)}, {"total", page->total}});
}

Reply CareApi::GetCase(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  base::Result<std::optional<care::CaseRecord>> c = service_->GetCase(*id);
  if (!c.ok()) return ServiceError(c.status());
  if (!c->has_value()) return ErrorReply(404, "not_found", "case " + std::to_string(*id) + ": no such case", "id");
  const care::CaseRecord& cs = **c;

  base::Result<std::vector<care::CaseMessage>> msgs = service_->cases().Messages(*id);
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
  base::Result<std::vector<care::ReplyRecord>> replies = service_->Replies(*id);
  if (!replies.ok()) return ServiceError(replies.status());
  json rs = json::array();
  for (const care::ReplyRecord& r : *replies) rs.push_back(ReplyJson(r));
  json viewers = json::array();
  for (const care::CaseViewer& v : service_->Viewers(*id)) viewers.push_back(ViewerJson(v));
  json contact = nullptr;
  if (cs.contact_id != 0 && service_->contacts() != nullptr) {
    base::Result<contacts::Contact> k = service_->contacts()->Get(cs.contact_id);
    if (k.ok()) contact = ContactSummaryJson(*k);
    else if (k.status().code() != base::StatusCode::kNotFound) return StatusReply(k.status());
  }
  return JsonReply({{"case", OneCaseJson(cs)},
                    {"messages", std::move(messages)},
                    {"replies", std::move(rs)},
                    {"viewers", std::move(viewers)},
                    {"contact", std::move(contact)}});
}

Reply CareApi::UpdateCase(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
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
  base::Result<care::CaseRecord> r = service_->Update(*id, u, ActorOf(who));
  if (!r.ok()) return ServiceError(r.status());
  return JsonReply(OneCaseJson(*r));
}

Reply CareApi::AssignCase(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
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
      if (who.user_id <= 0) return ErrorReply(400, "invalid_argument", "user_id \"me\" needs a signed-in user", "user_id");
      user_id = who.user_id;
    } else if (!v.is_null()) {
      if (!v.is_number_integer())
        return ErrorReply(400, "invalid_argument", "user_id must be a user id, \"me\" or null", "user_id");
      std::optional<int64_t> n = b->Int("user_id", 1, kMaxId);
      if (!n) return ParamReply(*b->error());
      user_id = *n;
    }
  } else {
    std::optional<std::string> login = b->String("login", kMaxLoginBytes, /*required=*/true, /*allow_empty=*/false);
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
  base::Result<care::CaseRecord> r = service_->Assign(*id, user_id, ActorOf(who));
  if (!r.ok()) return ServiceError(r.status());
  return JsonReply(OneCaseJson(*r));
}

Reply CareApi::AddNote(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  std::optional<Body> b = Body::Parse(req, "{\"text\": \"...\"}", error);
  if (!b) return error;
  b->CheckKnown({"text"});
  std::optional<std::string> text = b->String("text", kMaxNoteBytes, /*required=*/true, /*allow_empty=*/false);
  if (b->error()) return ParamReply(*b->error());
  base::Result<care::CaseRecord> r = service_->AddNote(*id, *text, ActorOf(who));
  if (!r.ok()) return ServiceError(r.status());
  return JsonReply(OneCaseJson(*r), 201);
}

Reply CareApi::PostReply(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  std::optional<Body> b = Body::Parse(
      req, "{\"text\"?, \"canned\"?, \"language\"?, \"in_reply_to\"?, \"status_after\"?, \"force\"?}", error);
  if (!b) return error;
  b->CheckKnown({"text", "canned", "language", "in_reply_to", "status_after", "force"});
  care::ReplyRequest r;
  r.text = b->String("text", kMaxReplyBytes).value_or("");
  r.canned = std::string(Trim(b->String("canned", 64).value_or("")));
  r.language = b->String("language", kMaxLanguageBytes).value_or("");
  if (!r.language.empty() && !IsLanguageCode(r.language))
    b->Fail("language", "language must be a language code such as \"fr\" or \"en-GB\", got " + Quote(r.language));
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
  base::Result<care::ReplyRecord> sent = service_->Reply(*id, r, ActorOf(who));
  if (!sent.ok()) return ServiceError(sent.status());
  return JsonReply(ReplyJson(*sent), 201);
}

Reply CareApi::ListReplies(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  base::Result<std::optional<care::CaseRecord>> c = service_->GetCase(*id);
  if (!c.ok()) return ServiceError(c.status());
  if (!c->has_value()) return ErrorReply(404, "not_found", "case " + std::to_string(*id) + ": no such case", "id");
  base::Result<std::vector<care::ReplyRecord>> replies = service_->Replies(*id);
  if (!replies.ok()) return ServiceError(replies.status());
  json items = json::array();
  for (const care::ReplyRecord& r : *replies) items.push_back(ReplyJson(r));
  return JsonReply({{"items", std::move(items)}});
}

Reply CareApi::ListEvents(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  QueryParams p(req.params);
  p.CheckKnown(route.query_params);
  const int64_t after = p.Int("after_id", 0, 0, kMaxId);
  const int limit = static_cast<int>(p.Int("limit", kDefaultEventLimit, 1, kMaxLimit));
  if (p.error()) return ParamReply(*p.error());
  if (service_ == nullptr) return Disabled();
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  base::Result<std::optional<care::CaseRecord>> c = service_->GetCase(*id);
  if (!c.ok()) return ServiceError(c.status());
  if (!c->has_value()) return ErrorReply(404, "not_found", "case " + std::to_string(*id) + ": no such case", "id");
  base::Result<std::vector<care::CaseEvent>> events = service_->cases().Events(*id, after, limit);
  if (!events.ok()) return ServiceError(events.status());
  json items = json::array();
  for (const care::CaseEvent& e : *events) items.push_back(CaseEventJson(e));
  json next = nullptr;
  if (static_cast<int>(events->size()) == limit) next = events->back().id;
  return JsonReply({{"items", std::move(items)}, {"next_after_id", std::move(next)}});
}

Reply CareApi::TouchCase(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  std::optional<Body> b = Body::Parse(req, "{\"state\": \"viewing\" | \"typing\" | \"left\", \"message_id\"?}", error);
  if (!b) return error;
  b->CheckKnown({"state", "message_id"});
  std::optional<std::string> state = b->String("state", 16, /*required=*/true);
  if (state && *state != "viewing" && *state != "typing" && *state != "left")
    b->Fail("state", "state must be viewing, typing or left, got " + Quote(*state));
  const int64_t message_id = b->Int("message_id", 1, kMaxId).value_or(0);
  if (b->error()) return ParamReply(*b->error());
  base::Status s = service_->Touch(*id, *state, message_id, ActorOf(who));
  if (!s.ok()) return ServiceError(s);
  json items = json::array();
  for (const care::CaseViewer& v : service_->Viewers(*id)) items.push_back(ViewerJson(v));
  return JsonReply({{"items", std::move(items)}});
}

Reply CareApi::ListViewers(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  base::Result<std::optional<care::CaseRecord>> c = service_->GetCase(*id);
  if (!c.ok()) return ServiceError(c.status());
  if (!c->has_value()) return ErrorReply(404, "not_found", "case " + std::to_string(*id) + ": no such case", "id");
  json items = json::array();
  for (const care::CaseViewer& v : service_->Viewers(*id)) items.push_back(ViewerJson(v));
  return JsonReply({{"items", std::move(items)}});
}

Reply CareApi::Assist(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  base::Result<std::optional<care::CaseRecord>> c = service_->GetCase(*id);
  if (!c.ok()) return ServiceError(c.status());
  if (!c->has_value()) return ErrorReply(404, "not_found", "case " + std::to_string(*id) + ": no such case", "id");
  const care::CaseRecord& cs = **c;
  base::Result<std::vector<care::CaseMessage>> msgs = service_->cases().Messages(*id);
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
      base::Result<care::Rendered> r = service_->RenderCanned(*id, cm.response->name, language, actor);
      canned.push_back({{"id", cm.response->id},
                        {"name", cm.response->name},
                        {"title", cm.response->title},
                        {"score", cm.score},
                        {"reasons", cm.reasons},
                        {"rendered", r.ok() ? RenderedJson(*r) : json(nullptr)}});
    }
  }

  // Resolved cases like this one.
  json similar = json::array();
  base::Result<std::vector<care::SimilarCase>> like =
      service_->cases().SimilarResolved(cs.subject + "\n" + text, category, cs.id, kAssistSimilar);
  if (!like.ok()) return ServiceError(like.status());
  for (const care::SimilarCase& s : *like) {
    similar.push_back({{"case_id", s.record.id},
                       {"subject", s.record.subject},
                       {"status", care::CaseStatusName(s.record.status)},
                       {"category", s.record.category.empty() ? json(nullptr) : json(s.record.category)},
                       {"score", s.score},
                       {"shared_terms", s.shared_terms},
                       {"resolved_at", JsonTime(s.record.resolved_at)}});
  }
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
  base::Status st = service_->SetPresence(ActorOf(who), *presence);
  if (!st.ok()) return ServiceError(st);
  return JsonReply({{"user_id", who.user_id}, {"status", care::PresenceName(*presence)}});
}

Reply CareApi::ListAgents(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  json items = json::array();
  for (const care::AgentLoad& a : service_->Agents()) items.push_back(AgentLoadJson(a));
  return JsonReply({{"items", std::move(items)}});
}

// ------------------------------------------------------------- contacts

Reply CareApi::SearchContacts(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  QueryParams p(req.params);
  p.CheckKnown(route.query_params);
  std::string q(Trim(p.String("q").value_or("")));
  const int limit = static_cast<int>(p.Int("limit", kDefaultContactSearch, 1, kMaxContactSearch));
  if (!p.error() && q.empty()) p.Fail("q", "q is required: a name, an e-mail, a phone number, @handle or a number");
  if (p.error()) return ParamReply(*p.error());
  if (service_ == nullptr) return Disabled();
  Reply error;
  contacts::ContactStore* store = Contacts(error);
  if (store == nullptr) return error;
  base::Result<std::vector<contacts::Contact>> found = store->Search(q, limit);
  if (!found.ok()) return ServiceError(found.status(), "q");
  json items = json::array();
  for (const contacts::Contact& c : *found) items.push_back(ContactJson(c));
  return JsonReply({{"items", std::move(items)}});
}

Reply CareApi::GetContact(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  contacts::ContactStore* store = Contacts(error);
  if (store == nullptr) return error;
  base::Result<contacts::Contact> c = store->Get(*id);
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
  const CaseJsonContext ctx = Context(open);
  json open_cases = json::array();
  for (const care::CaseRecord* k : open) open_cases.push_back(CaseJson(*k, ctx));
  base::Result<std::vector<contacts::MergeRecord>> merges = store->Merges(*id);
  if (!merges.ok()) return ServiceError(merges.status());
  json ms = json::array();
  for (const contacts::MergeRecord& m : *merges) ms.push_back(MergeJson(m));
  return JsonReply({{"contact", ContactJson(*c)}, {"open_cases", std::move(open_cases)}, {"merges", std::move(ms)}});
}

Reply CareApi::UpdateContact(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  contacts::ContactStore* store = Contacts(error);
  if (store == nullptr) return error;
  std::optional<Body> b = Body::Parse(req, "{\"display_name\"?, \"vip\"?, \"notes\"?}", error);
  if (!b) return error;
  b->CheckKnown({"display_name", "vip", "notes"});
  std::optional<std::string> name = b->String("display_name", kMaxNameBytes, false, /*allow_empty=*/false);
  std::optional<bool> vip = b->Bool("vip");
  std::optional<std::string> notes = b->String("notes", kMaxContactNotesBytes);
  if (!b->error() && !name && !vip && !notes) b->Fail("body", "nothing to change: give display_name, vip or notes");
  if (b->error()) return ParamReply(*b->error());
  base::Result<contacts::Contact> c = store->Update(*id, name, vip, notes, who.login);
  if (!c.ok()) return ServiceError(c.status());
  return JsonReply(ContactJson(*c));
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
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  contacts::ContactStore* store = Contacts(error);
  if (store == nullptr) return error;
  std::optional<Body> b = Body::Parse(req, "{\"type\", \"value\", \"network\"?}", error);
  if (!b) return error;
  b->CheckKnown({"type", "value", "network"});
  std::optional<std::string> type = b->String("type", 32);
  std::optional<std::string> value = b->String("value", kMaxIdentifierBytes);
  std::optional<std::string> network = b->String("network", 64);
  if (b->error()) return ParamReply(*b->error());
  ParamError bad;
  std::optional<contacts::Identifier> ident =
      ReadIdentifier(type, value, network, store->options().default_region, bad);
  if (!ident) return ParamReply(bad);
  base::Result<contacts::Contact> c = store->AddIdentifier(*id, *ident, who.login);
  if (!c.ok()) {
    // AlreadyExists names the other contact: the identifier is the field.
    if (c.status().code() == base::StatusCode::kAlreadyExists) return StatusReply(c.status(), "value");
    return ServiceError(c.status());
  }
  return JsonReply(ContactJson(*c), 201);
}

Reply CareApi::RemoveIdentifier(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  QueryParams p(req.params);
  p.CheckKnown(route.query_params);
  std::optional<std::string> type = p.String("type");
  std::optional<std::string> value = p.String("value");
  std::optional<std::string> network = p.String("network");
  if (p.error()) return ParamReply(*p.error());
  if (service_ == nullptr) return Disabled();
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  contacts::ContactStore* store = Contacts(error);
  if (store == nullptr) return error;
  ParamError bad;
  std::optional<contacts::Identifier> ident =
      ReadIdentifier(type, value, network, store->options().default_region, bad);
  if (!ident) return ParamReply(bad);
  base::Result<contacts::Contact> c = store->RemoveIdentifier(*id, *ident, who.login);
  if (!c.ok()) {
    // The contact exists (checked below) but does not hold it: about "value".
    if (c.status().code() == base::StatusCode::kNotFound && store->Get(*id).ok())
      return StatusReply(c.status(), "value");
    return ServiceError(c.status());
  }
  return JsonReply(ContactJson(*c));
}

Reply CareApi::Timeline(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  QueryParams p(req.params);
  p.CheckKnown(route.query_params);
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
  if (p.error()) return ParamReply(*p.error());
  if (service_ == nullptr) return Disabled();
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  contacts::ContactStore* store = Contacts(error);
  if (store == nullptr) return error;
  base::Result<contacts::Contact> c = store->Get(*id);
  if (!c.ok()) return ServiceError(c.status());
  base::Result<std::vector<contacts::TimelineEntry>> entries = store->MentionIds(*id, before, limit, before_mention);
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
}

Reply CareApi::ContactAudit(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  QueryParams p(req.params);
  p.CheckKnown(route.query_params);
  const int limit = static_cast<int>(p.Int("limit", kDefaultAuditLimit, 1, kMaxAuditLimit));
  if (p.error()) return ParamReply(*p.error());
  if (service_ == nullptr) return Disabled();
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  contacts::ContactStore* store = Contacts(error);
  if (store == nullptr) return error;
  base::Result<contacts::Contact> c = store->Get(*id);
  if (!c.ok()) return ServiceError(c.status());
  base::Result<std::vector<contacts::AuditEntry>> audit = store->Audit(*id, limit);
  if (!audit.ok()) return ServiceError(audit.status());
  json items = json::array();
  for (const contacts::AuditEntry& a : *audit) items.push_back(ContactAuditJson(a));
  return JsonReply({{"items", std::move(items)}});
}

Reply CareApi::MergeContacts(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  contacts::ContactStore* store = Contacts(error);
  if (store == nullptr) return error;
  std::optional<Body> b = Body::Parse(req, "{\"from\": <contact id>, \"reason\"?}", error);
  if (!b) return error;
  b->CheckKnown({"from", "reason"});
  std::optional<int64_t> from = b->Int("from", 1, kMaxId, /*required=*/true);
  std::string reason = b->String("reason", kMaxReasonBytes).value_or("");
  if (from && *from == *id) b->Fail("from", "from must be another contact than " + std::to_string(*id));
  if (b->error()) return ParamReply(*b->error());
  if (base::Result<contacts::Contact> into = store->Get(*id); !into.ok()) return ServiceError(into.status());
  if (base::Result<contacts::Contact> other = store->Get(*from); !other.ok()) {
    return ServiceError(other.status(), "from");
  }
  base::Result<contacts::MergeRecord> m = store->Merge(*id, *from, who.login, reason);
  if (!m.ok()) return ServiceError(m.status(), "from");
  base::Result<contacts::Contact> now = store->Get(*id);
  if (!now.ok()) return ServiceError(now.status());
  return JsonReply({{"merge", MergeJson(*m)}, {"contact", ContactJson(*now)}});
}

Reply CareApi::UndoMerge(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  if (std::optional<Reply> refused = RefuseBody(req)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  contacts::ContactStore* store = Contacts(error);
  if (store == nullptr) return error;
  base::Result<contacts::MergeRecord> m = store->Unmerge(*id, who.login);
  if (!m.ok()) return ServiceError(m.status());
  return JsonReply({{"merge", MergeJson(*m)}});
}

Reply CareApi::ListSuggestions(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  QueryParams p(req.params);
  p.CheckKnown(route.query_params);
  const int64_t contact = p.Int("contact", 0, 1, kMaxId);
  std::string state = p.String("state").value_or("pending");
  if (state == "any") state.clear();
  if (!state.empty() && state != "pending" && state != "accepted" && state != "rejected")
    p.Fail("state", "state must be pending, accepted, rejected or any, got " + Quote(state));
  const int limit = static_cast<int>(p.Int("limit", kDefaultLimit, 1, kMaxLimit));
  if (p.error()) return ParamReply(*p.error());
  if (service_ == nullptr) return Disabled();
  Reply error;
  contacts::ContactStore* store = Contacts(error);
  if (store == nullptr) return error;
  base::Result<std::vector<contacts::Suggestion>> list = store->Suggestions(contact, state, limit);
  if (!list.ok()) return ServiceError(list.status(), "contact");
  json items = json::array();
  for (const contacts::Suggestion& s : *list) items.push_back(SuggestionJson(s));
  return JsonReply({{"items", std::move(items)}});
}

Reply CareApi::AcceptSuggestion(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  if (std::optional<Reply> refused = RefuseBody(req)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  contacts::ContactStore* store = Contacts(error);
  if (store == nullptr) return error;
  base::Result<contacts::MergeRecord> m = store->Accept(*id, who.login);
  if (!m.ok()) return ServiceError(m.status());
  return JsonReply({{"merge", MergeJson(*m)}});
}

Reply CareApi::RejectSuggestion(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  if (std::optional<Reply> refused = RefuseBody(req)) return *refused;
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  contacts::ContactStore* store = Contacts(error);
  if (store == nullptr) return error;
  base::Result<contacts::Suggestion> s = store->Reject(*id, who.login);
  if (!s.ok()) return ServiceError(s.status());
  return JsonReply(SuggestionJson(*s));
}

// ------------------------------------------------------ canned responses

namespace {

Reply CannedDisabled() { return ErrorReply(503, "unavailable", "canned responses are disabled"); }

// AlreadyExists is about the name; NotFound about the path's id.
Reply CannedError(const base::Status& s) {
  if (s.code() == base::StatusCode::kAlreadyExists) return StatusReply(s, "name");
  return ServiceError(s);
}

// The canned response of a body (CannedFromJson: every field checked,
// unknown ones refused).
std::optional<care::CannedResponse> CannedBody(const httplib::Request& req, Reply& error) {
  if (auto bad = CheckJsonContentType(req)) {
    error = ErrorReply(415, "unsupported_media_type", *bad, "Content-Type");
    return std::nullopt;
  }
  json j = json::parse(req.body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) {
    error = ErrorReply(400, "invalid_argument",
                       "body must be a JSON object: a canned response {\"name\", \"title\"?, \"categories\"?, "
                       "\"tags\"?, \"variants\"}",
                       "body");
    return std::nullopt;
  }
  base::Result<care::CannedResponse> r = care::CannedFromJson(j);
  if (!r.ok()) {
    error = FieldStatusReply(r.status());
    return std::nullopt;
  }
  return std::move(r).value();
}

}  // namespace

Reply CareApi::ListCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  if (service_->canned() == nullptr) return CannedDisabled();
  base::Result<std::vector<care::CannedResponse>> all = service_->canned()->List();
  if (!all.ok()) return ServiceError(all.status());
  json items = json::array();
  for (const care::CannedResponse& r : *all) items.push_back(care::ToJson(r));
  return JsonReply({{"items", std::move(items)}});
}

Reply CareApi::CreateCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  if (service_->canned() == nullptr) return CannedDisabled();
  Reply error;
  std::optional<care::CannedResponse> r = CannedBody(req, error);
  if (!r) return error;
  base::Result<care::CannedResponse> stored = service_->canned()->Create(std::move(*r), who.login);
  if (!stored.ok()) return CannedError(stored.status());
  return JsonReply(care::ToJson(*stored), 201);
}

Reply CareApi::GetCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  if (service_->canned() == nullptr) return CannedDisabled();
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  base::Result<care::CannedResponse> r = service_->canned()->Get(*id);
  if (!r.ok()) return CannedError(r.status());
  return JsonReply(care::ToJson(*r));
}

Reply CareApi::ReplaceCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  if (service_->canned() == nullptr) return CannedDisabled();
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  std::optional<care::CannedResponse> r = CannedBody(req, error);
  if (!r) return error;
  if (r->id != 0 && r->id != *id)
    return ErrorReply(400, "invalid_argument",
                      "id " + std::to_string(r->id) + " in the body differs from the path's " + std::to_string(*id),
                      "id");
  base::Result<care::CannedResponse> stored = service_->canned()->Update(*id, std::move(*r), who.login);
  if (!stored.ok()) return CannedError(stored.status());
  return JsonReply(care::ToJson(*stored));
}

Reply CareApi::DeleteCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  if (service_->canned() == nullptr) return CannedDisabled();
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  base::Status s = service_->canned()->Delete(*id);
  if (!s.ok()) return CannedError(s);
  Reply r;
  r.status = 204;
  return r;
}

Reply CareApi::RenderCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  if (service_->canned() == nullptr) return CannedDisabled();
  Reply error;
  std::optional<int64_t> id = PathId(req, error);
  if (!id) return error;
  std::optional<Body> b = Body::Parse(req, "{\"case_id\", \"language\"?}", error);
  if (!b) return error;
  b->CheckKnown({"case_id", "language"});
  std::optional<int64_t> case_id = b->Int("case_id", 1, kMaxId, /*required=*/true);
  std::string language = b->String("language", kMaxLanguageBytes).value_or("");
  if (!language.empty() && !IsLanguageCode(language))
    b->Fail("language", "language must be a language code such as \"fr\" or \"en-GB\", got " + Quote(language));
  if (b->error()) return ParamReply(*b->error());
  base::Result<care::CannedResponse> canned = service_->canned()->Get(*id);
  if (!canned.ok()) return CannedError(canned.status());
  base::Result<care::Rendered> r = service_->RenderCanned(*case_id, canned->name, language, ActorOf(who));
  if (!r.ok()) return ServiceError(r.status(), "case_id");
  json out = RenderedJson(*r);
  out["id"] = canned->id;
  out["name"] = canned->name;
  out["case_id"] = *case_id;
  return JsonReply(out);
}

// ------------------------------------------------------------- settings

Reply CareApi::GetRouting(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  json items = json::array();
  for (const care::RoutingRule& r : service_->Settings().routing) items.push_back(care::RoutingRuleToJson(r));
  return JsonReply({{"items", std::move(items)}});
}

Reply CareApi::PutRouting(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<std::vector<care::RoutingRule>> rules = SettingItems<care::RoutingRule>(
      req, "{\"items\": [routing rules]}",
      [](const json& j, const std::string& path) { return care::RoutingRuleFromJson(j, path); }, error);
  if (!rules) return error;
  base::Status s = service_->ReplaceRouting(std::move(*rules));
  if (!s.ok()) return ServiceError(InBody(s, "care.routing"));
  return GetRouting(req, route, who);
}

Reply CareApi::GetSlaPolicies(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  json items = json::array();
  for (const care::SlaPolicy& p : service_->Settings().sla_policies) items.push_back(p.ToJson());
  return JsonReply({{"items", std::move(items)}});
}

Reply CareApi::PutSlaPolicies(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<std::vector<care::SlaPolicy>> policies = SettingItems<care::SlaPolicy>(
      req, "{\"items\": [SLA policies]}",
      [](const json& j, const std::string& path) { return care::SlaPolicy::FromJson(j, path); }, error);
  if (!policies) return error;
  base::Status s = service_->ReplaceSlaPolicies(std::move(*policies));
  if (!s.ok()) return ServiceError(InBody(s, "care.sla_policies"));
  return GetSlaPolicies(req, route, who);
}

Reply CareApi::GetCalendars(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  json items = json::array();
  for (const care::BusinessCalendar& c : service_->Settings().calendars) items.push_back(c.ToJson());
  return JsonReply({{"items", std::move(items)}});
}

Reply CareApi::PutCalendars(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who) {
  if (std::optional<Reply> refused = Refuse(req, route)) return *refused;
  Reply error;
  std::optional<std::vector<care::BusinessCalendar>> calendars = SettingItems<care::BusinessCalendar>(
      req, "{\"items\": [business calendars]}",
      [](const json& j, const std::string& path) { return care::BusinessCalendar::FromJson(j, path); }, error);
  if (!calendars) return error;
  base::Status s = service_->ReplaceCalendars(std::move(*calendars));
  if (!s.ok()) return ServiceError(InBody(s, "care.calendars"));
  return GetCalendars(req, route, who);
}

// -------------------------------------------------------------- reports

Reply CareApi::SlaReport(const httplib::Request& req, const RouteInfo& route, const auth::Principal&) {
  QueryParams p(req.params);
  p.CheckKnown(route.query_params);
  std::optional<base::Timestamp> from = p.Time("from");
  std::optional<base::Timestamp> to = p.Time("to");
  if (from && *from < 0) p.Fail("from", "from must not be before 1970");
  if (to && *to <= 0) p.Fail("to", "to must be after 1970-01-01T00:00:00Z");
  if (from && to && *to <= *from)
    p.Fail("to", "to (" + base::FormatTimestamp(*to) + ") must be after from (" + base::FormatTimestamp(*from) + ")");
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
  if (p.error()) return ParamReply(*p.error());
  if (service_ == nullptr) return Disabled();

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

}  // namespace ecoute::api
