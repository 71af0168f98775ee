// Internal to the api module: the handlers of the care inbox routes
// (/api/v1/cases..., /presence, /agents, /contacts..., /contact-merges,
// /link-suggestions..., /canned-responses..., /care/routing-rules,
// /care/sla-policies, /care/calendars, /reports/sla), backed by
// care::CareService and, through it, CaseDb, contacts::ContactStore and
// care::CannedStore. docs/api/care.yaml describes them (the care part of
// docs/api/openapi.yaml once merged).
//
// The server's route table appends Routes(): each entry names the
// permission the caller's role needs (checked by the server before the
// handler runs) and the handler, which gets the authenticated principal.
// Path parameters come from req.matches[1..] (the server builds the regex
// from the OpenAPI-style path, "{id}" -> "([^/]+)").
//
// Request bodies are JSON objects; every field is checked and an error
// names it ({"error": {"code", "message", "field"}}); unknown body fields
// and unknown query parameters are refused (400).
//
// Thread-safety: the handlers are called concurrently from request threads;
// they only read members and call thread-safe services.
#pragma once

#include <httplib.h>

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "api/care_json.h"
#include "api/params.h"
#include "api/reply.h"
#include "api/server.h"
#include "auth/authenticator.h"
#include "auth/roles.h"
#include "base/clock.h"
#include "store/store.h"

namespace ecoute::auth {
class Directory;
}  // namespace ecoute::auth
namespace ecoute::care {
class CareService;
}  // namespace ecoute::care

namespace ecoute::api {

class CareApi;

// One care route, for the server's table.
struct CareRoute {
  std::string method;                     // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string path;                       // OpenAPI style: "/api/v1/cases/{id}"
  std::vector<std::string> query_params;  // accepted query parameters; others get 400
  auth::Permission permission;            // what the caller's role must allow
  Reply (CareApi::*handler)(const httplib::Request&, const RouteInfo&, const auth::Principal&);
};

class CareApi {
 public:
  // `service` may be null: every route then answers 503 "the care inbox is
  // disabled". `store` (the messages of cases and timelines) must outlive
  // this object. `explain` (may be empty) explains the labels of the latest
  // customer message in agent assist. `directory` (may be null) names the
  // teams of cases and finds users by login; without it teams have no
  // name. `clock` gives "now" for the SLA times shown (remaining_ms).
  CareApi(care::CareService* service, const store::Store& store, ExplainFn explain,
          const auth::Directory* directory = nullptr, const base::Clock& clock = base::SystemClock())
      : service_(service), store_(store), explain_(std::move(explain)), directory_(directory), clock_(clock) {}

  // Every care route, in the order they must be registered.
  static const std::vector<CareRoute>& Routes();

  // Page sizes.
  static constexpr int64_t kDefaultEventLimit = 100;
  static constexpr int64_t kMaxContactSearch = 100;
  static constexpr int64_t kDefaultContactSearch = 20;
  static constexpr size_t kAssistCanned = 5;
  static constexpr int kAssistSimilar = 5;
  static constexpr size_t kMaxSettingItems = 1000;
  static constexpr size_t kMaxTagBytes = 64;
  static constexpr size_t kMaxTags = 100;
  static constexpr size_t kMaxNoteBytes = 20'000;
  static constexpr size_t kMaxReplyBytes = 100'000;
  static constexpr size_t kMaxReasonBytes = 1000;

  // ---- cases ----
  Reply ListCases(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply GetCase(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply UpdateCase(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply AssignCase(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply AddNote(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply PostReply(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply ListReplies(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply ListEvents(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply TouchCase(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply ListViewers(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply Assist(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply SetPresence(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  // GET /api/v1/presence: the caller's own presence.
  Reply GetPresence(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply ListAgents(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  // ---- contacts ----
  Reply SearchContacts(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply GetContact(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply UpdateContact(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply AddIdentifier(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply RemoveIdentifier(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply Timeline(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply ContactAudit(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply MergeContacts(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply UndoMerge(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply ListSuggestions(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply AcceptSuggestion(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply RejectSuggestion(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  // ---- canned responses ----
  Reply ListCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply CreateCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply GetCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply ReplaceCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply DeleteCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply RenderCanned(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  // ---- settings ----
  Reply GetRouting(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply PutRouting(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply GetSlaPolicies(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply PutSlaPolicies(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply GetCalendars(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  Reply PutCalendars(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  // ---- reports ----
  Reply SlaReport(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  // GET /api/v1/export/cases.csv: the filters of GET /api/v1/cases but q
  // (status, team, assignee, contact, priority, channel, account, tag,
  // category, breached) and from/to on created_at; oldest first, streamed
  // (kExportScanRows cases examined per chunk sent). Columns:
  // CaseCsvColumns().
  Reply ExportCases(const httplib::Request& req, const RouteInfo& route, const auth::Principal& who);
  static const std::vector<std::string_view>& CaseCsvColumns();
  static constexpr int kExportScanRows = 2000;

 private:
  // The refusal of a request whose query parameters `p` read (its error: an
  // unknown parameter or a bad value), or of any request while the care
  // inbox is disabled (503); nullopt when neither.
  std::optional<Reply> Refuse(const QueryParams& p) const;
  // Refuse() for a route that reads no query parameter.
  std::optional<Reply> Refuse(const httplib::Request& req, const RouteInfo& route) const;
  // Refuse(), then a non-empty body (a route that takes none).
  std::optional<Reply> RefuseWithBody(const httplib::Request& req, const RouteInfo& route) const;
  // Refuse(), then canned responses disabled (503).
  std::optional<Reply> RefuseCanned(const httplib::Request& req, const RouteInfo& route) const;

  // The steps of a handler, checks first: `refused` when set, else the 400
  // of a bad path {id} (WithPathId), else ...
  //   WithCase: the 404 of a case that does not exist, else act(case);
  //   WithContact: the 503 of a disabled contact directory, else act(id, store).
  Reply WithCase(std::optional<Reply> refused, const httplib::Request& req,
                 const std::function<Reply(const care::CaseRecord&)>& act) const;
  Reply WithContact(std::optional<Reply> refused, const httplib::Request& req,
                    const std::function<Reply(int64_t, contacts::ContactStore&)>& act) const;
  // `refused` when set, else the 503 of a disabled contact directory, else act(store).
  Reply WithContacts(std::optional<Reply> refused, const std::function<Reply(contacts::ContactStore&)>& act) const;

  // The team and user names, the contacts (one ContactStore::Briefs for
  // all of them) and "now" for the JSON of `cases`.
  CaseJsonContext Context(const std::vector<const care::CaseRecord*>& cases) const;
  // The briefs of the contacts of `cases` into ctx.contacts (left empty
  // without a contact directory or when it fails: names then show null).
  void AddContacts(const std::vector<const care::CaseRecord*>& cases, CaseJsonContext& ctx) const;
  // The JSON array of `cases`; the JSON of one case.
  nlohmann::json CasesJson(const std::vector<const care::CaseRecord*>& cases) const;
  nlohmann::json OneCaseJson(const care::CaseRecord& c) const;
  // The case a service call answered, with `status`, or its ServiceError.
  Reply CaseReply(const base::Result<care::CaseRecord>& r, int status = 200) const;
  // The agent assist of case `cs` (Assist once the case is found).
  Reply AssistCase(const care::CaseRecord& cs, const auth::Principal& who) const;

  care::CareService* const service_;  // may be null
  const store::Store& store_;
  const ExplainFn explain_;
  const auth::Directory* const directory_;  // may be null
  const base::Clock& clock_;
};

}  // namespace ecoute::api
