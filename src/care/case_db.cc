#include "care/case_db.h"

#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cstdlib>
#include <limits>
#include <mutex>
#include <new>
#include <set>
#include <string>
#include <unordered_set>
#include <utility>
#include <variant>

#include <nlohmann/json.hpp>

#include "store/fts_tokenizer.h"
#include "store/sqlite_util.h"

namespace ecoute::care {
namespace {

using store::internal::Db;
using store::internal::Exec;
using store::internal::OpenDb;
using store::internal::QueryInt;
using store::internal::ResetOnExit;
using store::internal::StatementCache;
using store::internal::Stmt;

constexpr int64_t kNoDue = std::numeric_limits<int64_t>::max();  // urgency_due of a case without a running SLA
constexpr size_t kMaxQueryTextBytes = 64 * 1024;                  // of the text SimilarResolved tokenizes
constexpr size_t kMaxIndexedTextBytes = 1 << 20;                  // of a stored text tokenized for shared_terms
constexpr size_t kMaxCandidateTerms = 200;                        // looked up in the vocabulary
constexpr size_t kMaxSettingKeyBytes = 200;
constexpr int kScanChunk = 500;
constexpr double kSameCategoryBonus = 1.5;

// ---- schema ----------------------------------------------------------------

struct CareMigration {
  int version;
  std::string_view name;
  std::string_view sql;
};

// Append a step to change the schema; never edit a released one.
constexpr std::array<CareMigration, 2> kMigrations = {{
    {1, "initial care schema", R"sql(
CREATE TABLE care_schema (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  version INTEGER NOT NULL,
  applied_at INTEGER NOT NULL
);
CREATE TABLE care_cases (
  id INTEGER PRIMARY KEY,
  status TEXT NOT NULL,             -- CaseStatusName
  priority INTEGER NOT NULL,        -- 0 low, 1 normal, 2 high, 3 urgent
  priority_manual INTEGER NOT NULL,
  subject TEXT NOT NULL,
  channel TEXT NOT NULL,            -- model::ChannelName
  account TEXT NOT NULL,
  thread_key TEXT NOT NULL,
  contact_id INTEGER NOT NULL,
  language TEXT NOT NULL,
  category TEXT NOT NULL,
  severity INTEGER NOT NULL,
  severity_level TEXT NOT NULL,
  severity_reasons TEXT NOT NULL,   -- JSON array of strings
  query_ids TEXT NOT NULL,          -- JSON array of integers
  team_id INTEGER NOT NULL,
  assignee_id INTEGER NOT NULL,
  routing_rule TEXT NOT NULL,
  tags TEXT NOT NULL,               -- JSON array of strings
  first_message_id INTEGER NOT NULL,
  last_message_id INTEGER NOT NULL,
  message_count INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  last_customer_at INTEGER NOT NULL,
  last_agent_at INTEGER NOT NULL,
  first_response_at INTEGER NOT NULL,
  pending_since INTEGER NOT NULL,
  resolved_at INTEGER NOT NULL,
  closed_at INTEGER NOT NULL,
  reopen_count INTEGER NOT NULL,
  sla_policy TEXT NOT NULL,
  sla TEXT NOT NULL,                -- JSON {"first_response":{...},"next_response":{...},"resolution":{...}}
  sla_timeline TEXT NOT NULL,       -- JSON [{"at":ms,"kind":"customer"},...]
  breached INTEGER NOT NULL,        -- derived: any target breached
  urgency_due INTEGER NOT NULL      -- derived: earliest due_at of an unmet target; 2^63-1 when none
);
CREATE INDEX care_cases_status_urgency ON care_cases(status, urgency_due, priority DESC, created_at);
CREATE INDEX care_cases_team ON care_cases(team_id, status);
CREATE INDEX care_cases_assignee ON care_cases(assignee_id, status);
CREATE INDEX care_cases_contact ON care_cases(contact_id, created_at);
CREATE INDEX care_cases_created ON care_cases(created_at);
CREATE INDEX care_cases_updated ON care_cases(updated_at);
CREATE TABLE care_case_messages (
  case_id INTEGER NOT NULL,
  mention_id INTEGER NOT NULL,
  direction TEXT NOT NULL,          -- model::DirectionName
  at INTEGER NOT NULL,
  author TEXT NOT NULL,
  user_id INTEGER NOT NULL,
  PRIMARY KEY (case_id, mention_id)
) WITHOUT ROWID;
CREATE INDEX care_case_messages_mention ON care_case_messages(mention_id);
CREATE TABLE care_case_events (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  actor TEXT NOT NULL,
  detail_json TEXT NOT NULL
);
CREATE INDEX care_case_events_case ON care_case_events(case_id, id);
CREATE TABLE care_replies (
  id INTEGER PRIMARY KEY,
  case_id INTEGER NOT NULL,
  user_id INTEGER NOT NULL,
  user_login TEXT NOT NULL,
  in_reply_to_mention_id INTEGER NOT NULL,
  mention_id INTEGER NOT NULL,
  connector TEXT NOT NULL,
  state TEXT NOT NULL,
  error TEXT NOT NULL,
  external_id TEXT NOT NULL,
  text TEXT NOT NULL,
  canned TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  sent_at INTEGER NOT NULL
);
CREATE INDEX care_replies_case ON care_replies(case_id, id);
CREATE TABLE care_settings (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE VIRTUAL TABLE care_cases_fts USING fts5(text, tokenize = 'unicode61 remove_diacritics 2');
)sql"},
    // urgency_due becomes NextSlaDue (only new and open cases have running
    // clocks); sla_state (SlaStateOf) is derived like breached; the
    // deadlines that run get their own index (due_before, "breaching
    // soon"), and sla_state one for its filter (with the status).
    {2, "running deadlines and SLA state", R"sql(
ALTER TABLE care_cases ADD COLUMN sla_state INTEGER NOT NULL DEFAULT 0;  -- derived: 0 ok, 1 warning, 2 breached
UPDATE care_cases SET urgency_due = 9223372036854775807 WHERE status NOT IN ('new', 'open');
UPDATE care_cases SET sla_state = CASE
  WHEN breached = 1 THEN 2
  WHEN status IN ('new', 'open', 'pending') AND (
       (json_extract(sla, '$.first_response.warned') = 1 AND json_extract(sla, '$.first_response.started_at') <> 0
        AND json_extract(sla, '$.first_response.met_at') = 0)
    OR (json_extract(sla, '$.next_response.warned') = 1 AND json_extract(sla, '$.next_response.started_at') <> 0
        AND json_extract(sla, '$.next_response.met_at') = 0)
    OR (json_extract(sla, '$.resolution.warned') = 1 AND json_extract(sla, '$.resolution.started_at') <> 0
        AND json_extract(sla, '$.resolution.met_at') = 0)) THEN 1
  ELSE 0 END;
CREATE INDEX care_cases_due ON care_cases(urgency_due, priority DESC, created_at)
  WHERE urgency_due < 9223372036854775807;
CREATE INDEX care_cases_sla_state ON care_cases(sla_state, status, urgency_due);
)sql"},
}};

constexpr int kSchemaVersion = kMigrations.back().version;

// ---- value encodings -------------------------------------------------------

int64_t PriorityRank(Priority p) {
  switch (p) {
    case Priority::kLow: return 0;
    case Priority::kNormal: return 1;
    case Priority::kHigh: return 2;
    case Priority::kUrgent: return 3;
  }
  return 1;
}

std::optional<Priority> PriorityFromRank(int64_t r) {
  switch (r) {
    case 0: return Priority::kLow;
    case 1: return Priority::kNormal;
    case 2: return Priority::kHigh;
    case 3: return Priority::kUrgent;
    default: return std::nullopt;
  }
}

std::string Dump(const nlohmann::json& j) { return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace); }

nlohmann::json SlaTargetJson(const SlaTarget& t) {
  return {{"target_minutes", t.target_minutes}, {"started_at", t.started_at}, {"due_at", t.due_at},
          {"met_at", t.met_at},                 {"breached", t.breached},     {"warned", t.warned},
          {"elapsed_minutes", t.elapsed_minutes}};
}

SlaTarget SlaTargetFromJson(const nlohmann::json& j) {  // throws nlohmann::json::exception
  SlaTarget t;
  if (!j.is_object()) throw nlohmann::json::type_error::create(302, "SLA target is not an object", &j);
  t.target_minutes = j.value("target_minutes", int64_t{0});
  t.started_at = j.value("started_at", base::Timestamp{0});
  t.due_at = j.value("due_at", base::Timestamp{0});
  t.met_at = j.value("met_at", base::Timestamp{0});
  t.breached = j.value("breached", false);
  t.warned = j.value("warned", false);
  t.elapsed_minutes = j.value("elapsed_minutes", int64_t{-1});
  return t;
}

int64_t UrgencyDue(const CaseRecord& c) {
  const base::Timestamp due = NextSlaDue(c);
  return due == 0 ? kNoDue : due;
}

// The columns of care_cases in SELECT order; the three derived ones last
// (written, never read back).
constexpr std::array<std::string_view, 37> kCaseColumns = {
    "id",          "status",           "priority",       "priority_manual",  "subject",          "channel",
    "account",     "thread_key",       "contact_id",     "language",         "category",         "severity",
    "severity_level", "severity_reasons", "query_ids",   "team_id",          "assignee_id",      "routing_rule",
    "tags",        "first_message_id", "last_message_id", "message_count",   "created_at",       "updated_at",
    "last_customer_at", "last_agent_at", "first_response_at", "pending_since", "resolved_at",   "closed_at",
    "reopen_count", "sla_policy",      "sla",            "sla_timeline",     "breached",         "urgency_due",
    "sla_state"};
constexpr size_t kReadCaseColumns = 34;

// "c.id, c.status, ..." (the read columns, with a table prefix).
const std::string& CaseSelectList() {
  static const std::string s = [] {
    std::string out;
    for (size_t i = 0; i < kReadCaseColumns; ++i) {
      if (i > 0) out += ", ";
      out += "c.";
      out += kCaseColumns[i];
    }
    return out;
  }();
  return s;
}

const std::string& UpsertCaseSql() {
  static const std::string s = [] {
    std::string cols, params, sets;
    for (size_t i = 0; i < kCaseColumns.size(); ++i) {
      if (i > 0) {
        cols += ", ";
        params += ", ";
      }
      cols += kCaseColumns[i];
      params += "?" + std::to_string(i + 1);
      if (i > 0) {
        if (i > 1) sets += ", ";
        sets += std::string(kCaseColumns[i]) + " = excluded." + std::string(kCaseColumns[i]);
      }
    }
    return "INSERT INTO care_cases (" + cols + ") VALUES (" + params + ") ON CONFLICT(id) DO UPDATE SET " + sets;
  }();
  return s;
}

// The text columns of one case, kept alive while bound (SQLITE_STATIC).
struct EncodedCase {
  std::string reasons, query_ids, tags, sla, timeline;
};

void BindCase(Stmt& s, const CaseRecord& c, EncodedCase& e) {
  e.reasons = Dump(nlohmann::json(c.severity_reasons));
  e.query_ids = Dump(nlohmann::json(c.query_ids));
  e.tags = Dump(nlohmann::json(c.tags));
  e.sla = Dump(nlohmann::json{{"first_response", SlaTargetJson(c.first_response)},
                              {"next_response", SlaTargetJson(c.next_response)},
                              {"resolution", SlaTargetJson(c.resolution)}});
  nlohmann::json tl = nlohmann::json::array();
  for (const SlaEvent& ev : c.sla_timeline) tl.push_back({{"at", ev.at}, {"kind", SlaEventKindName(ev.kind)}});
  e.timeline = Dump(tl);
  int i = 1;
  s.BindInt(i++, c.id);
  s.BindText(i++, CaseStatusName(c.status));
  s.BindInt(i++, PriorityRank(c.priority));
  s.BindInt(i++, c.priority_manual ? 1 : 0);
  s.BindText(i++, c.subject);
  s.BindText(i++, model::ChannelName(c.channel));
  s.BindText(i++, c.account);
  s.BindText(i++, c.thread_key);
  s.BindInt(i++, c.contact_id);
  s.BindText(i++, c.language);
  s.BindText(i++, c.category);
  s.BindInt(i++, c.severity);
  s.BindText(i++, c.severity_level);
  s.BindText(i++, e.reasons);
  s.BindText(i++, e.query_ids);
  s.BindInt(i++, c.team_id);
  s.BindInt(i++, c.assignee_id);
  s.BindText(i++, c.routing_rule);
  s.BindText(i++, e.tags);
  s.BindInt(i++, c.first_message_id);
  s.BindInt(i++, c.last_message_id);
  s.BindInt(i++, c.message_count);
  s.BindInt(i++, c.created_at);
  s.BindInt(i++, c.updated_at);
  s.BindInt(i++, c.last_customer_at);
  s.BindInt(i++, c.last_agent_at);
  s.BindInt(i++, c.first_response_at);
  s.BindInt(i++, c.pending_since);
  s.BindInt(i++, c.resolved_at);
  s.BindInt(i++, c.closed_at);
  s.BindInt(i++, c.reopen_count);
  s.BindText(i++, c.sla_policy);
  s.BindText(i++, e.sla);
  s.BindText(i++, e.timeline);
  s.BindInt(i++, c.first_response.breached || c.next_response.breached || c.resolution.breached ? 1 : 0);
  s.BindInt(i++, UrgencyDue(c));
  s.BindInt(i++, static_cast<int64_t>(SlaStateOf(c)));
}

base::Status BadColumn(std::string_view table, int64_t id, std::string_view column, std::string_view why) {
  return base::Status::Corruption(std::string(table) + " row " + std::to_string(id) + ": " + std::string(column) +
                                  ": " + std::string(why));
}

// Reads a case from columns first..first+33 of the current row.
base::Result<CaseRecord> ReadCase(const Stmt& s, int first = 0) {
  CaseRecord c;
  int i = first;
  c.id = s.Int(i++);
  auto column = [&](int col) { return kCaseColumns[static_cast<size_t>(col - first)]; };
  {
    auto st = ParseCaseStatus(s.Text(i));
    if (!st) return BadColumn("care_cases", c.id, column(i), "unknown status \"" + std::string(s.Text(i)) + "\"");
    c.status = *st;
    ++i;
  }
  {
    auto p = PriorityFromRank(s.Int(i));
    if (!p) return BadColumn("care_cases", c.id, column(i), "unknown priority " + std::to_string(s.Int(i)));
    c.priority = *p;
    ++i;
  }
  c.priority_manual = s.Int(i++) != 0;
  c.subject = s.Text(i++);
  {
    auto ch = model::ParseChannel(s.Text(i));
    if (!ch) return BadColumn("care_cases", c.id, column(i), "unknown channel \"" + std::string(s.Text(i)) + "\"");
    c.channel = *ch;
    ++i;
  }
  c.account = s.Text(i++);
  c.thread_key = s.Text(i++);
  c.contact_id = s.Int(i++);
  c.language = s.Text(i++);
  c.category = s.Text(i++);
  c.severity = static_cast<int>(s.Int(i++));
  c.severity_level = s.Text(i++);
  const int reasons_col = i++, query_ids_col = i++;
  c.team_id = s.Int(i++);
  c.assignee_id = s.Int(i++);
  c.routing_rule = s.Text(i++);
  const int tags_col = i++;
  c.first_message_id = s.Int(i++);
  c.last_message_id = s.Int(i++);
  c.message_count = s.Int(i++);
  c.created_at = s.Int(i++);
  c.updated_at = s.Int(i++);
  c.last_customer_at = s.Int(i++);
  c.last_agent_at = s.Int(i++);
  c.first_response_at = s.Int(i++);
  c.pending_since = s.Int(i++);
  c.resolved_at = s.Int(i++);
  c.closed_at = s.Int(i++);
  c.reopen_count = static_cast<int>(s.Int(i++));
  c.sla_policy = s.Text(i++);
  const int sla_col = i++, timeline_col = i++;
  int col = reasons_col;
  try {
    c.severity_reasons = nlohmann::json::parse(s.Text(col)).get<std::vector<std::string>>();
    col = query_ids_col;
    c.query_ids = nlohmann::json::parse(s.Text(col)).get<std::vector<int64_t>>();
    col = tags_col;
    c.tags = nlohmann::json::parse(s.Text(col)).get<std::vector<std::string>>();
    col = sla_col;
    nlohmann::json sla = nlohmann::json::parse(s.Text(col));
    c.first_response = SlaTargetFromJson(sla.at("first_response"));
    c.next_response = SlaTargetFromJson(sla.at("next_response"));
    c.resolution = SlaTargetFromJson(sla.at("resolution"));
    col = timeline_col;
    nlohmann::json tl = nlohmann::json::parse(s.Text(col));
    if (!tl.is_array()) return BadColumn("care_cases", c.id, column(col), "not a JSON array");
    c.sla_timeline.reserve(tl.size());
    for (const auto& ev : tl) {
      auto kind = ParseSlaEventKind(ev.at("kind").get<std::string>());
      if (!kind) return BadColumn("care_cases", c.id, column(col), "unknown SLA event kind");
      c.sla_timeline.push_back(SlaEvent{ev.at("at").get<base::Timestamp>(), *kind});
    }
  } catch (const nlohmann::json::exception& e) {
    return BadColumn("care_cases", c.id, column(col), e.what());
  }
  return c;
}

constexpr std::string_view kMessageColumns = "case_id, mention_id, direction, at, author, user_id";

base::Result<CaseMessage> ReadMessage(const Stmt& s) {
  CaseMessage m;
  m.case_id = s.Int(0);
  m.mention_id = s.Int(1);
  auto d = model::ParseDirection(s.Text(2));
  if (!d)
    return base::Status::Corruption("care_case_messages row (" + std::to_string(m.case_id) + ", " +
                                    std::to_string(m.mention_id) + "): direction: unknown \"" +
                                    std::string(s.Text(2)) + "\"");
  m.direction = *d;
  m.at = s.Int(3);
  m.author = s.Text(4);
  m.user_id = s.Int(5);
  return m;
}

constexpr std::string_view kEventColumns = "id, case_id, at, type, actor, detail_json";

CaseEvent ReadEvent(const Stmt& s) {
  CaseEvent e;
  e.id = s.Int(0);
  e.case_id = s.Int(1);
  e.at = s.Int(2);
  e.type = s.Text(3);
  e.actor = s.Text(4);
  e.detail_json = s.Text(5);
  return e;
}

constexpr std::string_view kReplyColumns =
    "id, case_id, user_id, user_login, in_reply_to_mention_id, mention_id, connector, state, error, external_id, "
    "text, canned, attempts, created_at, sent_at";

ReplyRecord ReadReply(const Stmt& s) {
  ReplyRecord r;
  r.id = s.Int(0);
  r.case_id = s.Int(1);
  r.user_id = s.Int(2);
  r.user_login = s.Text(3);
  r.in_reply_to_mention_id = s.Int(4);
  r.mention_id = s.Int(5);
  r.connector = s.Text(6);
  r.state = s.Text(7);
  r.error = s.Text(8);
  r.external_id = s.Text(9);
  r.text = s.Text(10);
  r.canned = s.Text(11);
  r.attempts = static_cast<int>(s.Int(12));
  r.created_at = s.Int(13);
  r.sent_at = s.Int(14);
  return r;
}

// Binds the reply's fields from case_id on to ?first.. (14 parameters).
void BindReplyFields(Stmt& s, const ReplyRecord& r, int first) {
  int i = first;
  s.BindInt(i++, r.case_id);
  s.BindInt(i++, r.user_id);
  s.BindText(i++, r.user_login);
  s.BindInt(i++, r.in_reply_to_mention_id);
  s.BindInt(i++, r.mention_id);
  s.BindText(i++, r.connector);
  s.BindText(i++, r.state);
  s.BindText(i++, r.error);
  s.BindText(i++, r.external_id);
  s.BindText(i++, r.text);
  s.BindText(i++, r.canned);
  s.BindInt(i++, r.attempts);
  s.BindInt(i++, r.created_at);
  s.BindInt(i++, r.sent_at);
}

base::Status CheckReply(const ReplyRecord& r) {
  if (r.case_id <= 0) return base::Status::InvalidArgument("case_id: must be > 0, got " + std::to_string(r.case_id));
  if (r.state != "queued" && r.state != "sent" && r.state != "failed")
    return base::Status::InvalidArgument("state: must be queued, sent or failed, got \"" + r.state + "\"");
  if (r.attempts < 0) return base::Status::InvalidArgument("attempts: must be >= 0, got " + std::to_string(r.attempts));
  return base::Status::Ok();
}

base::Status CheckLimit(int limit) {
  if (limit < 1 || limit > CaseDb::kMaxLimit)
    return base::Status::InvalidArgument("limit: must be 1.." + std::to_string(CaseDb::kMaxLimit) + ", got " +
                                         std::to_string(limit));
  return base::Status::Ok();
}

// ---- words -----------------------------------------------------------------

// Folded (lower case, no accents) French and English words too common to
// tell cases apart; only words of 3 letters or more (shorter ones are
// dropped anyway).
const std::unordered_set<std::string_view>& StopWords() {
  static const std::unordered_set<std::string_view> words = {
      // English
      "the", "and", "for", "are", "but", "not", "you", "your", "yours", "with", "this", "that", "these", "those",
      "from", "have", "has", "had", "having", "was", "were", "will", "would", "can", "could", "should", "shall",
      "there", "their", "they", "them", "then", "than", "what", "when", "where", "which", "who", "whom", "why",
      "how", "all", "any", "our", "ours", "out", "about", "into", "over", "just", "also", "its", "his", "her",
      "him", "she", "been", "being", "does", "did", "doing", "more", "most", "some", "such", "only", "own", "same",
      "very", "too", "again", "here", "please", "thanks", "thank", "hello", "dear", "regards", "yes", "get", "got",
      "because", "after", "before", "while", "each", "other", "off", "don", "didn", "doesn", "isn", "wasn",
      "aren", "now", "still", "even", "like", "one", "may", "might", "must", "hey", "via",
      // French
      "les", "des", "une", "est", "pas", "que", "qui", "pour", "dans", "sur", "avec", "par", "mais", "ont", "son",
      "ses", "sont", "aux", "nous", "vous", "ils", "elles", "elle", "lui", "leur", "leurs", "mon", "mes", "ton",
      "tes", "votre", "vos", "notre", "nos", "cette", "ces", "cet", "comme", "tout", "tous", "toute", "toutes",
      "plus", "moins", "tres", "bien", "aussi", "sans", "sous", "chez", "entre", "depuis", "avant", "apres",
      "encore", "deja", "fait", "etre", "avoir", "ete", "suis", "etes", "sommes", "avez", "avons", "etait",
      "meme", "donc", "car", "quand", "alors", "ceci", "cela", "celui", "celle", "quoi", "dont", "bonjour",
      "bonsoir", "merci", "madame", "monsieur", "cordialement", "svp", "ceux", "peu", "fois", "rien", "non",
      "oui", "moi", "toi", "vais", "vont", "fais", "faire", "peux", "peut", "pouvez", "quel", "quelle",
      "quels", "quelles", "ici", "ainsi", "sera", "serait", "avait", "aupres",
  };
  return words;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char ch : s) n += (static_cast<unsigned char>(ch) & 0xC0) != 0x80 ? 1 : 0;
  return n;
}

// The longest prefix of `s` of at most `max` bytes that does not cut a
// UTF-8 sequence.
std::string_view Utf8Prefix(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t n = max;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return s.substr(0, n);
}

struct TokenSink {
  std::vector<std::string>* out;
  bool failed = false;
};

int CollectToken(void* ctx, int tflags, const char* token, int n, int /*start*/, int /*end*/) {
  auto* sink = static_cast<TokenSink*>(ctx);
  if ((tflags & FTS5_TOKEN_COLOCATED) != 0 || n <= 0) return SQLITE_OK;
  try {
    sink->out->emplace_back(token, static_cast<size_t>(n));
  } catch (const std::bad_alloc&) {
    sink->failed = true;
    return SQLITE_NOMEM;
  }
  return SQLITE_OK;
}

// ---- connections -------------------------------------------------------------

// One SQLite connection with its statements and, for a reader, its instance
// of the index's tokenizer (unicode61 remove_diacritics 2: the same words
// the index holds). Used by one thread at a time.
struct Conn {
  Db db;
  StatementCache cache;  // declared after db: destroyed first
  fts5_tokenizer tokenizer_api{};
  Fts5Tokenizer* tokenizer = nullptr;

  ~Conn() {
    if (tokenizer != nullptr) tokenizer_api.xDelete(tokenizer);
  }

  base::Result<Stmt*> Prepare(const std::string& sql, std::string_view step) {
    return cache.Get(db.get(), sql, step);
  }

  base::Status InitTokenizer() {
    fts5_api* api = store::internal::Fts5Api(db.get());
    if (api == nullptr || api->iVersion < 2) return base::Status::Internal("care db: SQLite was built without FTS5");
    void* ud = nullptr;
    if (api->xFindTokenizer(api, "unicode61", &ud, &tokenizer_api) != SQLITE_OK)
      return base::Status::Internal("care db: FTS5 has no unicode61 tokenizer");
    const char* args[] = {"remove_diacritics", "2"};
    if (tokenizer_api.xCreate(ud, args, 2, &tokenizer) != SQLITE_OK) {
      tokenizer = nullptr;
      return base::Status::Internal("care db: cannot create the unicode61 tokenizer");
    }
    return base::Status::Ok();
  }

  // The index's words of `text`, in order, repeats included.
  base::Result<std::vector<std::string>> Tokenize(std::string_view text, int flags) {
    std::vector<std::string> out;
    TokenSink sink{&out};
    int rc = tokenizer_api.xTokenize(tokenizer, &sink, flags, text.data(), static_cast<int>(text.size()),
                                     &CollectToken);
    if (rc != SQLITE_OK || sink.failed) return base::Status::Internal("care db: tokenizing failed");
    return out;
  }
};

using ReadPool = store::internal::ConnectionPool<Conn>;

// Runs a cached statement to completion.
base::Status RunCached(Conn& c, const std::string& sql, std::string_view step) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, c.Prepare(sql, step));
  ResetOnExit reset(*s);
  return s->Run();
}

// Brings the care tables of `db` (the writer, outside a transaction) to
// kSchemaVersion, all pending steps in one transaction.
base::Status Migrate(sqlite3* db, base::Timestamp now) {
  ECOUTE_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "begin care migration"));
  auto body = [&]() -> base::Status {
    ECOUTE_ASSIGN_OR_RETURN(
        int64_t has_schema,
        QueryInt(db, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'care_schema'",
                 "find care_schema"));
    int64_t version = 0;
    if (has_schema > 0) {
      auto v = QueryInt(db, "SELECT version FROM care_schema WHERE id = 1", "read care schema version");
      if (!v.ok() && v.status().code() != base::StatusCode::kNotFound) return v.status();
      if (v.ok()) version = *v;
    }
    if (version > kSchemaVersion)
      return base::Status::Corruption("care schema version " + std::to_string(version) +
                                      " is newer than this build's version " + std::to_string(kSchemaVersion) +
                                      "; use a newer ecoute");
    if (version == kSchemaVersion) return base::Status::Ok();
    for (const CareMigration& m : kMigrations) {
      if (m.version <= version) continue;
      ECOUTE_RETURN_IF_ERROR(Exec(db, m.sql, "care migration " + std::to_string(m.version) + " (" +
                                                 std::string(m.name) + ")"));
    }
    ECOUTE_ASSIGN_OR_RETURN(Stmt ins, Stmt::Prepare(db,
                                                    "INSERT INTO care_schema (id, version, applied_at) VALUES "
                                                    "(1, ?1, ?2) ON CONFLICT(id) DO UPDATE SET version = "
                                                    "excluded.version, applied_at = excluded.applied_at",
                                                    "record care schema version"));
    ins.BindInt(1, kSchemaVersion);
    ins.BindInt(2, now);
    return ins.Run();
  };
  base::Status s = body();
  if (s.ok()) s = Exec(db, "COMMIT", "commit care migration");
  if (!s.ok()) (void)Exec(db, "ROLLBACK", "rollback care migration");
  return s;
}

// A WHERE clause with its parameters (bound in order, ?1.. as written).
struct Where {
  std::string sql;
  std::vector<std::variant<int64_t, std::string>> params;

  void Add(std::string clause) {
    sql += sql.empty() ? " WHERE " : " AND ";
    sql += clause;
  }
  void Bind(Stmt& s) const {
    int i = 1;
    for (const auto& p : params) {
      if (std::holds_alternative<int64_t>(p)) s.BindInt(i++, std::get<int64_t>(p));
      else s.BindText(i++, std::get<std::string>(p));
    }
  }
};

std::string FtsPhrase(std::string_view term) {
  std::string out = "\"";
  for (char ch : term) {
    if (ch == '"') out += '"';
    out += ch;
  }
  out += '"';
  return out;
}

}  // namespace

// ---- CaseDb ------------------------------------------------------------------

struct CaseDb::Impl {
  const base::Clock* clock = nullptr;
  std::unique_ptr<store::internal::TempDbFile> temp;  // declared first: removed after the connections close
  std::string path;
  std::mutex write_mu;
  std::unique_ptr<Conn> writer;  // GUARDED_BY(write_mu)
  ReadPool readers;

  base::Result<std::vector<CaseRecord>> ReadCases(Conn& c, const std::string& sql, std::string_view step,
                                                  const std::function<void(Stmt&)>& bind) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, c.Prepare(sql, step));
    ResetOnExit reset(*s);
    bind(*s);
    std::vector<CaseRecord> out;
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      ECOUTE_ASSIGN_OR_RETURN(CaseRecord rec, ReadCase(*s));
      out.push_back(std::move(rec));
    }
    return out;
  }
};

int CaseDb::SchemaVersion() { return kSchemaVersion; }

CaseDb::CaseDb(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CaseDb::~CaseDb() = default;

base::Result<std::unique_ptr<CaseDb>> CaseDb::Open(const std::string& db_path, const base::Clock& clock) {
  if (db_path.empty()) return base::Status::InvalidArgument("db_path: must not be empty");
  auto impl = std::make_unique<Impl>();
  impl->clock = &clock;
  if (db_path == ":memory:") {
    ECOUTE_ASSIGN_OR_RETURN(impl->temp, store::internal::TempDbFile::Create("care", "care db"));
    impl->path = impl->temp->path();
  } else {
    impl->path = db_path;
  }
  const std::string where = "care db: \"" + impl->path + "\"";

  impl->writer = std::make_unique<Conn>();
  // A temporary file need not survive a crash.
  ECOUTE_ASSIGN_OR_RETURN(impl->writer->db,
                          store::internal::OpenSharedDb(impl->path, "care db", impl->temp != nullptr ? "OFF" : "FULL"));
  sqlite3* db = impl->writer->db.get();
  ECOUTE_RETURN_IF_ERROR(Exec(db,
                              "PRAGMA foreign_keys = OFF;"
                              "PRAGMA temp_store = MEMORY;"
                              "PRAGMA journal_size_limit = 67108864;",
                              "configure care writer"));
  base::Status migrated = Migrate(db, clock.Now());
  if (!migrated.ok()) return migrated.WithPrefix(where);

  for (int i = 0; i < kReadConnections; ++i) {
    auto c = std::make_unique<Conn>();
    ECOUTE_ASSIGN_OR_RETURN(c->db, OpenDb(impl->path, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX));
    ECOUTE_RETURN_IF_ERROR(Exec(c->db.get(),
                                "PRAGMA busy_timeout = 10000;"
                                "PRAGMA temp_store = MEMORY;"
                                "CREATE VIRTUAL TABLE temp.care_cases_vocab "
                                "USING fts5vocab(main, care_cases_fts, row);",
                                "configure care reader"));
    ECOUTE_RETURN_IF_ERROR(c->InitTokenizer());
    impl->readers.Add(std::move(c));
  }
  return std::unique_ptr<CaseDb>(new CaseDb(std::move(impl)));
}

base::Status CaseDb::Write(const CareWrite& w) {
  for (size_t i = 0; i < w.cases.size(); ++i) {
    if (w.cases[i].id <= 0)
      return base::Status::InvalidArgument("cases[" + std::to_string(i) + "].id: must be > 0, got " +
                                           std::to_string(w.cases[i].id));
  }
  for (size_t i = 0; i < w.messages.size(); ++i) {
    const CaseMessage& m = w.messages[i];
    if (m.case_id <= 0)
      return base::Status::InvalidArgument("messages[" + std::to_string(i) + "].case_id: must be > 0, got " +
                                           std::to_string(m.case_id));
    if (m.mention_id <= 0)
      return base::Status::InvalidArgument("messages[" + std::to_string(i) + "].mention_id: must be > 0, got " +
                                           std::to_string(m.mention_id));
  }
  for (size_t i = 0; i < w.events.size(); ++i) {
    if (w.events[i].case_id <= 0)
      return base::Status::InvalidArgument("events[" + std::to_string(i) + "].case_id: must be > 0, got " +
                                           std::to_string(w.events[i].case_id));
    if (w.events[i].type.empty())
      return base::Status::InvalidArgument("events[" + std::to_string(i) + "].type: must not be empty");
  }
  for (size_t i = 0; i < w.search_text.size(); ++i) {
    if (w.search_text[i].first <= 0)
      return base::Status::InvalidArgument("search_text[" + std::to_string(i) + "].case_id: must be > 0, got " +
                                           std::to_string(w.search_text[i].first));
  }
  if (w.cases.empty() && w.messages.empty() && w.events.empty() && w.search_text.empty()) return base::Status::Ok();

  std::lock_guard lock(impl_->write_mu);
  Conn& c = *impl_->writer;
  c.cache.Trim();
  ECOUTE_RETURN_IF_ERROR(RunCached(c, "BEGIN IMMEDIATE", "begin care write"));
  auto body = [&]() -> base::Status {
    if (!w.cases.empty()) {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * s, c.Prepare(UpsertCaseSql(), "upsert case"));
      EncodedCase enc;
      for (const CaseRecord& rec : w.cases) {
        ResetOnExit reset(*s);
        BindCase(*s, rec, enc);
        ECOUTE_RETURN_IF_ERROR(s->Run());
      }
    }
    if (!w.messages.empty()) {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * s, c.Prepare("INSERT INTO care_case_messages (" + std::string(kMessageColumns) +
                                                      ") VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                                      "ON CONFLICT(case_id, mention_id) DO NOTHING",
                                                  "insert case message"));
      for (const CaseMessage& m : w.messages) {
        ResetOnExit reset(*s);
        s->BindInt(1, m.case_id);
        s->BindInt(2, m.mention_id);
        s->BindText(3, model::DirectionName(m.direction));
        s->BindInt(4, m.at);
        s->BindText(5, m.author);
        s->BindInt(6, m.user_id);
        ECOUTE_RETURN_IF_ERROR(s->Run());
      }
    }
    if (!w.events.empty()) {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * s, c.Prepare("INSERT INTO care_case_events (case_id, at, type, actor, "
                                                  "detail_json) VALUES (?1, ?2, ?3, ?4, ?5)",
                                                  "insert case event"));
      for (const CaseEvent& e : w.events) {
        ResetOnExit reset(*s);
        s->BindInt(1, e.case_id);
        s->BindInt(2, e.at);
        s->BindText(3, e.type);
        s->BindText(4, e.actor);
        s->BindText(5, e.detail_json);
        ECOUTE_RETURN_IF_ERROR(s->Run());
      }
    }
    if (!w.search_text.empty()) {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * del, c.Prepare("DELETE FROM care_cases_fts WHERE rowid = ?1", "unindex case"));
      ECOUTE_ASSIGN_OR_RETURN(Stmt * ins, c.Prepare("INSERT INTO care_cases_fts (rowid, text) VALUES (?1, ?2)",
                                                    "index case"));
      for (const auto& [id, text] : w.search_text) {
        {
          ResetOnExit reset(*del);
          del->BindInt(1, id);
          ECOUTE_RETURN_IF_ERROR(del->Run());
        }
        if (text.empty()) continue;
        ResetOnExit reset(*ins);
        ins->BindInt(1, id);
        ins->BindText(2, text);
        ECOUTE_RETURN_IF_ERROR(ins->Run());
      }
    }
    return RunCached(c, "COMMIT", "commit care write");
  };
  base::Status s = body();
  if (!s.ok()) (void)RunCached(c, "ROLLBACK", "rollback care write");
  return s;
}

base::Result<std::optional<CaseRecord>> CaseDb::GetCase(int64_t id) const {
  auto conn = impl_->readers.Acquire();
  ECOUTE_ASSIGN_OR_RETURN(
      std::vector<CaseRecord> rows,
      impl_->ReadCases(*conn, "SELECT " + CaseSelectList() + " FROM care_cases c WHERE c.id = ?1", "get case",
                       [&](Stmt& s) { s.BindInt(1, id); }));
  if (rows.empty()) return std::optional<CaseRecord>();
  return std::optional<CaseRecord>(std::move(rows.front()));
}

base::Result<CasePage> CaseDb::ListCases(const CaseFilter& f) const {
  ECOUTE_RETURN_IF_ERROR(CheckLimit(f.limit));
  if (f.offset < 0) return base::Status::InvalidArgument("offset: must be >= 0, got " + std::to_string(f.offset));
  if (f.team_id < 0) return base::Status::InvalidArgument("team_id: must be >= 0, got " + std::to_string(f.team_id));
  if (f.assignee_id < -1)
    return base::Status::InvalidArgument("assignee_id: must be >= -1, got " + std::to_string(f.assignee_id));
  if (f.contact_id < 0)
    return base::Status::InvalidArgument("contact_id: must be >= 0, got " + std::to_string(f.contact_id));
  if (f.created_from < 0)
    return base::Status::InvalidArgument("created_from: must be >= 0, got " + std::to_string(f.created_from));
  if (f.created_to < 0)
    return base::Status::InvalidArgument("created_to: must be >= 0, got " + std::to_string(f.created_to));
  if (f.created_from > 0 && f.created_to > 0 && f.created_to <= f.created_from)
    return base::Status::InvalidArgument("created_to: must be after created_from");
  if (f.due_before < 0)
    return base::Status::InvalidArgument("due_before: must be >= 0, got " + std::to_string(f.due_before));

  auto conn = impl_->readers.Acquire();
  Where w;
  auto param = [&](auto v) {
    w.params.emplace_back(std::move(v));
    return "?" + std::to_string(w.params.size());
  };
  if (!f.statuses.empty()) {
    nlohmann::json a = nlohmann::json::array();
    for (CaseStatus s : f.statuses) a.push_back(CaseStatusName(s));
    w.Add("c.status IN (SELECT value FROM json_each(" + param(a.dump()) + "))");
  }
  if (f.team_id > 0) w.Add("c.team_id = " + param(f.team_id));
  if (f.assignee_id > 0) w.Add("c.assignee_id = " + param(f.assignee_id));
  if (f.assignee_id == -1) w.Add("c.assignee_id = 0");
  if (f.contact_id > 0) w.Add("c.contact_id = " + param(f.contact_id));
  if (!f.priorities.empty()) {
    nlohmann::json a = nlohmann::json::array();
    for (Priority p : f.priorities) a.push_back(PriorityRank(p));
    w.Add("c.priority IN (SELECT value FROM json_each(" + param(a.dump()) + "))");
  }
  if (!f.channels.empty()) {
    nlohmann::json a = nlohmann::json::array();
    for (model::Channel ch : f.channels) a.push_back(model::ChannelName(ch));
    w.Add("c.channel IN (SELECT value FROM json_each(" + param(a.dump()) + "))");
  }
  if (!f.account.empty()) w.Add("c.account = " + param(f.account) + " COLLATE NOCASE");
  if (!f.tag.empty()) w.Add("EXISTS (SELECT 1 FROM json_each(c.tags) WHERE value = " + param(f.tag) + ")");
  if (!f.category.empty()) w.Add("c.category = " + param(f.category));
  if (f.breached_only) w.Add("c.breached = 1");
  if (f.due_before > 0) {
    // The first term is the partial index's condition (care_cases_due).
    w.Add("c.urgency_due < " + std::to_string(kNoDue));
    w.Add("c.urgency_due < " + param(f.due_before));
  }
  if (!f.sla_states.empty()) {
    nlohmann::json a = nlohmann::json::array();
    for (CaseSlaState st : f.sla_states) a.push_back(static_cast<int64_t>(st));
    w.Add("c.sla_state IN (SELECT value FROM json_each(" + param(a.dump()) + "))");
  }
  if (!f.text.empty()) {
    ECOUTE_ASSIGN_OR_RETURN(std::vector<std::string> words,
                            conn->Tokenize(Utf8Prefix(f.text, kMaxQueryTextBytes), FTS5_TOKENIZE_QUERY));
    std::string match;
    std::set<std::string> seen;
    for (const std::string& word : words) {
      if (!seen.insert(word).second) continue;
      if (!match.empty()) match += " AND ";
      match += FtsPhrase(word);
    }
    if (!match.empty())
      w.Add("c.id IN (SELECT rowid FROM care_cases_fts WHERE care_cases_fts MATCH " + param(match) + ")");
  }
  if (f.created_from > 0) w.Add("c.created_at >= " + param(f.created_from));
  if (f.created_to > 0) w.Add("c.created_at < " + param(f.created_to));

  std::string order;
  switch (f.sort) {
    case CaseFilter::Sort::kUrgency: order = " ORDER BY c.urgency_due, c.priority DESC, c.created_at, c.id"; break;
    case CaseFilter::Sort::kUpdated: order = " ORDER BY c.updated_at DESC, c.id DESC"; break;
    case CaseFilter::Sort::kCreated: order = " ORDER BY c.created_at DESC, c.id DESC"; break;
  }
  const size_t n = w.params.size();
  const std::string page_sql = "SELECT " + CaseSelectList() + " FROM care_cases c" + w.sql + order + " LIMIT ?" +
                               std::to_string(n + 1) + " OFFSET ?" + std::to_string(n + 2);

  ECOUTE_ASSIGN_OR_RETURN(auto txn, store::internal::ReadTxn::Begin(conn->db.get(), conn->cache));
  CasePage page;
  ECOUTE_ASSIGN_OR_RETURN(page.items, impl_->ReadCases(*conn, page_sql, "list cases", [&](Stmt& s) {
    w.Bind(s);
    s.BindInt(static_cast<int>(n + 1), f.limit);
    s.BindInt(static_cast<int>(n + 2), f.offset);
  }));
  const auto got = static_cast<int64_t>(page.items.size());
  if (got < f.limit && (got > 0 || f.offset == 0)) {
    page.total = f.offset + got;  // the last page: no need to count
  } else {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, conn->Prepare("SELECT count(*) FROM care_cases c" + w.sql, "count cases"));
    ResetOnExit reset(*s);
    w.Bind(*s);
    ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
    page.total = row ? s->Int(0) : 0;
  }
  return page;
}

base::Result<std::vector<CaseRecord>> CaseDb::ActiveCases(bool with_resolved) const {
  auto conn = impl_->readers.Acquire();
  return impl_->ReadCases(*conn,
                          "SELECT " + CaseSelectList() + " FROM care_cases c WHERE c.status IN ('new', 'open', 'pending'" +
                              (with_resolved ? ", 'resolved'" : "") + ") ORDER BY c.id",
                          "active cases", [](Stmt&) {});
}

base::Result<int64_t> CaseDb::MaxCaseId() const {
  auto conn = impl_->readers.Acquire();
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, conn->Prepare("SELECT coalesce(max(id), 0) FROM care_cases", "max case id"));
  ResetOnExit reset(*s);
  ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
  return row ? s->Int(0) : int64_t{0};
}

base::Result<std::vector<CaseMessage>> CaseDb::Messages(int64_t case_id) const {
  auto conn = impl_->readers.Acquire();
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, conn->Prepare("SELECT " + std::string(kMessageColumns) +
                                                      " FROM care_case_messages WHERE case_id = ?1 "
                                                      "ORDER BY at, mention_id",
                                                  "case messages"));
  ResetOnExit reset(*s);
  s->BindInt(1, case_id);
  std::vector<CaseMessage> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    ECOUTE_ASSIGN_OR_RETURN(CaseMessage m, ReadMessage(*s));
    out.push_back(std::move(m));
  }
  return out;
}

base::Result<std::vector<CaseEvent>> CaseDb::Events(int64_t case_id, int64_t after_id, int limit) const {
  ECOUTE_RETURN_IF_ERROR(CheckLimit(limit));
  auto conn = impl_->readers.Acquire();
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, conn->Prepare("SELECT " + std::string(kEventColumns) +
                                                      " FROM care_case_events WHERE case_id = ?1 AND id > ?2 "
                                                      "ORDER BY id LIMIT ?3",
                                                  "case events"));
  ResetOnExit reset(*s);
  s->BindInt(1, case_id);
  s->BindInt(2, after_id);
  s->BindInt(3, limit);
  std::vector<CaseEvent> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadEvent(*s));
  }
  return out;
}

base::Result<std::vector<CaseRecord>> CaseDb::CasesOfContacts(std::span<const int64_t> contact_ids, int limit) const {
  ECOUTE_RETURN_IF_ERROR(CheckLimit(limit));
  nlohmann::json ids = nlohmann::json::array();
  for (int64_t id : contact_ids)
    if (id > 0) ids.push_back(id);
  if (ids.empty()) return std::vector<CaseRecord>();
  const std::string ids_json = ids.dump();
  auto conn = impl_->readers.Acquire();
  return impl_->ReadCases(*conn,
                          "SELECT " + CaseSelectList() +
                              " FROM care_cases c WHERE c.contact_id IN (SELECT value FROM json_each(?1)) "
                              "ORDER BY c.created_at DESC, c.id DESC LIMIT ?2",
                          "cases of contacts", [&](Stmt& s) {
                            s.BindText(1, ids_json);
                            s.BindInt(2, limit);
                          });
}

base::Result<std::optional<int64_t>> CaseDb::CaseOfMention(int64_t mention_id) const {
  auto conn = impl_->readers.Acquire();
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, conn->Prepare("SELECT case_id FROM care_case_messages WHERE mention_id = ?1 "
                                                  "ORDER BY case_id DESC LIMIT 1",
                                                  "case of mention"));
  ResetOnExit reset(*s);
  s->BindInt(1, mention_id);
  ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<int64_t>();
  return std::optional<int64_t>(s->Int(0));
}

base::Result<std::vector<SimilarCase>> CaseDb::SimilarResolved(std::string_view text, std::string_view category,
                                                               int64_t exclude_case_id, int limit) const {
  ECOUTE_RETURN_IF_ERROR(CheckLimit(limit));
  auto conn = impl_->readers.Acquire();
  ECOUTE_ASSIGN_OR_RETURN(std::vector<std::string> words,
                          conn->Tokenize(Utf8Prefix(text, kMaxQueryTextBytes), FTS5_TOKENIZE_QUERY));
  // Candidates in order of first occurrence.
  std::vector<std::string> candidates;
  {
    std::unordered_set<std::string> seen;
    const auto& stop = StopWords();
    for (std::string& word : words) {
      if (candidates.size() >= kMaxCandidateTerms) break;
      if (Utf8Length(word) < 3 || stop.contains(word) || !seen.insert(word).second) continue;
      candidates.push_back(std::move(word));
    }
  }
  if (candidates.empty()) return std::vector<SimilarCase>();

  ECOUTE_ASSIGN_OR_RETURN(auto txn, store::internal::ReadTxn::Begin(conn->db.get(), conn->cache));
  // The rarest terms of the index are the most distinctive; a term the
  // index lacks cannot match.
  struct Candidate {
    int64_t docs;
    size_t position;
  };
  std::vector<Candidate> known;
  {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, conn->Prepare("SELECT doc FROM temp.care_cases_vocab WHERE term = ?1",
                                                    "similar cases: term frequency"));
    for (size_t i = 0; i < candidates.size(); ++i) {
      ResetOnExit reset(*s);
      s->BindText(1, candidates[i]);
      ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
      if (row && s->Int(0) > 0) known.push_back({s->Int(0), i});
    }
  }
  if (known.empty()) return std::vector<SimilarCase>();
  std::sort(known.begin(), known.end(), [](const Candidate& a, const Candidate& b) {
    return a.docs != b.docs ? a.docs < b.docs : a.position < b.position;
  });
  if (known.size() > static_cast<size_t>(kMaxSimilarTerms)) known.resize(kMaxSimilarTerms);
  std::sort(known.begin(), known.end(), [](const Candidate& a, const Candidate& b) { return a.position < b.position; });
  std::vector<std::string> terms;
  std::string match;
  for (const Candidate& k : known) {
    if (!match.empty()) match += " OR ";
    match += FtsPhrase(candidates[k.position]);
    terms.push_back(candidates[k.position]);
  }

  const std::string sql =
      "SELECT " + CaseSelectList() + ", bm25(care_cases_fts) * CASE WHEN ?2 <> '' AND c.category = ?2 THEN " +
      std::to_string(kSameCategoryBonus) +
      " ELSE 1.0 END AS s, care_cases_fts.text FROM care_cases_fts JOIN care_cases c ON c.id = care_cases_fts.rowid "
      "WHERE care_cases_fts MATCH ?1 AND c.status IN ('resolved', 'closed') AND c.id <> ?3 "
      "ORDER BY s, c.id DESC LIMIT ?4";
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, conn->Prepare(sql, "similar cases"));
  ResetOnExit reset(*s);
  s->BindText(1, match);
  s->BindText(2, category);
  s->BindInt(3, exclude_case_id);
  s->BindInt(4, limit);
  std::vector<SimilarCase> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    SimilarCase sc;
    ECOUTE_ASSIGN_OR_RETURN(sc.record, ReadCase(*s));
    sc.score = -s->Double(static_cast<int>(kReadCaseColumns));
    ECOUTE_ASSIGN_OR_RETURN(
        std::vector<std::string> doc_words,
        conn->Tokenize(Utf8Prefix(s->Text(static_cast<int>(kReadCaseColumns) + 1), kMaxIndexedTextBytes),
                       FTS5_TOKENIZE_DOCUMENT));
    std::unordered_set<std::string> doc(doc_words.begin(), doc_words.end());
    for (const std::string& t : terms)
      if (doc.contains(t)) sc.shared_terms.push_back(t);
    out.push_back(std::move(sc));
  }
  return out;
}

base::Status CaseDb::ScanCases(base::Timestamp created_from, base::Timestamp created_to,
                               const std::function<bool(const CaseRecord&)>& fn) const {
  if (created_from < 0)
    return base::Status::InvalidArgument("created_from: must be >= 0, got " + std::to_string(created_from));
  if (created_to < 0)
    return base::Status::InvalidArgument("created_to: must be >= 0, got " + std::to_string(created_to));
  const int64_t to = created_to == 0 ? std::numeric_limits<int64_t>::max() : created_to;
  int64_t last_at = created_from, last_id = std::numeric_limits<int64_t>::min();
  for (;;) {
    std::vector<CaseRecord> chunk;
    {
      auto conn = impl_->readers.Acquire();
      ECOUTE_ASSIGN_OR_RETURN(chunk, impl_->ReadCases(*conn,
                                                      "SELECT " + CaseSelectList() +
                                                          " FROM care_cases c WHERE (c.created_at, c.id) > (?1, ?2) "
                                                          "AND c.created_at < ?3 ORDER BY c.created_at, c.id LIMIT ?4",
                                                      "scan cases", [&](Stmt& s) {
                                                        s.BindInt(1, last_at);
                                                        s.BindInt(2, last_id);
                                                        s.BindInt(3, to);
                                                        s.BindInt(4, kScanChunk);
                                                      }));
    }
    for (const CaseRecord& c : chunk)
      if (!fn(c)) return base::Status::Ok();
    if (chunk.size() < static_cast<size_t>(kScanChunk)) return base::Status::Ok();
    last_at = chunk.back().created_at;
    last_id = chunk.back().id;
  }
}

base::Result<ReplyRecord> CaseDb::AddReply(ReplyRecord r) {
  if (r.id != 0)
    return base::Status::InvalidArgument("id: must be 0 (assigned by AddReply), got " + std::to_string(r.id));
  ECOUTE_RETURN_IF_ERROR(CheckReply(r));
  if (r.created_at == 0) r.created_at = impl_->clock->Now();
  std::lock_guard lock(impl_->write_mu);
  Conn& c = *impl_->writer;
  c.cache.Trim();
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, c.Prepare("INSERT INTO care_replies (" + std::string(kReplyColumns) +
                                                  ") VALUES (NULL, ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
                                                  "?12, ?13, ?14)",
                                              "insert reply"));
  ResetOnExit reset(*s);
  BindReplyFields(*s, r, 1);
  ECOUTE_RETURN_IF_ERROR(s->Run());
  r.id = sqlite3_last_insert_rowid(c.db.get());
  return r;
}

base::Status CaseDb::UpdateReply(const ReplyRecord& r) {
  if (r.id <= 0) return base::Status::InvalidArgument("id: must be > 0, got " + std::to_string(r.id));
  ECOUTE_RETURN_IF_ERROR(CheckReply(r));
  std::lock_guard lock(impl_->write_mu);
  Conn& c = *impl_->writer;
  c.cache.Trim();
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, c.Prepare("UPDATE care_replies SET user_id = ?2, user_login = ?3, "
                                              "in_reply_to_mention_id = ?4, mention_id = ?5, connector = ?6, "
                                              "state = ?7, error = ?8, external_id = ?9, text = ?10, canned = ?11, "
                                              "attempts = ?12, sent_at = ?14 WHERE id = ?15",
                                              "update reply"));
  ResetOnExit reset(*s);
  BindReplyFields(*s, r, 1);  // ?1 case_id and ?13 created_at are not written
  s->BindInt(15, r.id);
  ECOUTE_RETURN_IF_ERROR(s->Run());
  if (sqlite3_changes(c.db.get()) == 0) return base::Status::NotFound("reply " + std::to_string(r.id) + ": not found");
  return base::Status::Ok();
}

base::Result<std::optional<ReplyRecord>> CaseDb::GetReply(int64_t id) const {
  auto conn = impl_->readers.Acquire();
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, conn->Prepare("SELECT " + std::string(kReplyColumns) +
                                                      " FROM care_replies WHERE id = ?1",
                                                  "get reply"));
  ResetOnExit reset(*s);
  s->BindInt(1, id);
  ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<ReplyRecord>();
  return std::optional<ReplyRecord>(ReadReply(*s));
}

base::Result<std::vector<ReplyRecord>> CaseDb::Replies(int64_t case_id) const {
  auto conn = impl_->readers.Acquire();
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, conn->Prepare("SELECT " + std::string(kReplyColumns) +
                                                      " FROM care_replies WHERE case_id = ?1 ORDER BY id",
                                                  "case replies"));
  ResetOnExit reset(*s);
  s->BindInt(1, case_id);
  std::vector<ReplyRecord> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) break;
    out.push_back(ReadReply(*s));
  }
  return out;
}

base::Result<std::optional<std::string>> CaseDb::GetSetting(std::string_view key) const {
  auto conn = impl_->readers.Acquire();
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, conn->Prepare("SELECT value FROM care_settings WHERE key = ?1", "get setting"));
  ResetOnExit reset(*s);
  s->BindText(1, key);
  ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return std::optional<std::string>();
  return std::optional<std::string>(std::string(s->Text(0)));
}

base::Status CaseDb::PutSetting(std::string_view key, std::string_view json) {
  if (key.empty()) return base::Status::InvalidArgument("key: must not be empty");
  if (key.size() > kMaxSettingKeyBytes)
    return base::Status::InvalidArgument("key: must be at most " + std::to_string(kMaxSettingKeyBytes) + " bytes");
  if (!nlohmann::json::accept(json)) return base::Status::InvalidArgument("json: not valid JSON");
  const base::Timestamp now = impl_->clock->Now();
  std::lock_guard lock(impl_->write_mu);
  Conn& c = *impl_->writer;
  c.cache.Trim();
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, c.Prepare("INSERT INTO care_settings (key, value, updated_at) VALUES (?1, ?2, ?3) "
                                              "ON CONFLICT(key) DO UPDATE SET value = excluded.value, "
                                              "updated_at = excluded.updated_at",
                                              "put setting"));
  ResetOnExit reset(*s);
  s->BindText(1, key);
  s->BindText(2, json);
  s->BindInt(3, now);
  return s->Run();
}

}  // namespace ecoute::care
