// Durable storage of the care inbox: cases, their messages and history,
// agents' replies, and the settings managed through the API (routing rules,
// SLA policies, calendars), in the ecoute database file shared with the
// mention store. docs/care.md.
//
// The care engine keeps the active cases in memory and hands CaseDb its
// changes in batches (Write: one transaction); the API and the reports read
// from it.
//
// Storage: tables prefixed care_ (care_cases, care_case_messages,
// care_case_events, care_replies, care_settings, the FTS5 index
// care_cases_fts) with their own schema version (table care_schema, one
// row; versioned migrations applied in order at Open). The file is the
// mention store's: CaseDb opens its own connections to it (one writer, a
// pool of kReadConnections readers) in WAL mode, so reads never wait for a
// write; busy_timeout 10 s for the writer lock shared with the other
// modules. Either CaseDb or the mention store may create the file first.
//
// Thread-safety: every method may be called from any thread. Writes (Write,
// AddReply, UpdateReply, PutSetting) are serialised by a lock (the care
// service calls them from one thread anyway); reads run concurrently with
// each other and with writes, each on a committed snapshot.
//
// Errors: InvalidArgument names the field ("limit: must be 1..1000, got 0",
// "cases[2].id: must be > 0, got 0"); SQLite failures keep the failing
// step's name (store/sqlite_util.h); a stored row that cannot be decoded is
// Corruption naming the table, the row id and the column.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "base/time.h"
#include "care/case.h"
#include "model/mention.h"

namespace ecoute::care {

// An agent's reply to a case, sent from ecoute through a connector.
struct ReplyRecord {
  int64_t id = 0;  // assigned by AddReply
  int64_t case_id = 0;
  int64_t user_id = 0;
  std::string user_login;
  int64_t in_reply_to_mention_id = 0;
  int64_t mention_id = 0;  // the outbound mention stored for it; 0 until stored
  std::string connector;
  std::string state = "queued";  // queued | sent | failed
  std::string error;
  std::string external_id;
  std::string text;
  std::string canned;  // name of the canned response used, if any
  int attempts = 0;
  base::Timestamp created_at = 0, sent_at = 0;
  bool operator==(const ReplyRecord&) const = default;
};

// One batch of changes from the engine, written in one transaction.
struct CareWrite {
  std::vector<CaseRecord> cases;      // upserts by id (id > 0): the record replaces the stored one
  std::vector<CaseMessage> messages;  // inserted; a repeated (case_id, mention_id) is ignored
  std::vector<CaseEvent> events;      // appended in order; ids assigned (CaseEvent::id is ignored)
  // (case id, text to index for similar-case search and CaseFilter::text:
  // the subject and the customer messages). Replaces the previous text of
  // that case; an empty text removes it from the index.
  std::vector<std::pair<int64_t, std::string>> search_text;
};

struct CaseFilter {
  std::vector<CaseStatus> statuses;  // any of them; empty = any
  int64_t team_id = 0;               // 0 = any
  int64_t assignee_id = 0;           // 0 = any, -1 = unassigned
  int64_t contact_id = 0;            // 0 = any
  std::vector<Priority> priorities;  // empty = any
  std::vector<model::Channel> channels;  // empty = any
  std::string account;               // exact, ASCII case-insensitive; empty = any
  std::string tag;                   // the case has this tag; empty = any
  std::string category;              // exact; empty = any
  bool breached_only = false;        // any of the three SlaTargets breached
  // NextSlaDue(case) != 0 and < due_before: a deadline runs and falls
  // before that instant (overdue ones included); 0 = no condition.
  base::Timestamp due_before = 0;
  std::vector<CaseSlaState> sla_states;  // SlaStateOf(case) is any of them; empty = any
  // Words that must all occur in the case's indexed text (CareWrite::
  // search_text), folded like the index (case, accents); empty or without
  // any word = no condition.
  std::string text;
  base::Timestamp created_from = 0, created_to = 0;  // created_at in [from, to); 0 = unbounded
  enum class Sort {
    // The SLA due soonest first (NextSlaDue; cases without a running
    // deadline last), then priority desc, then created asc, then id asc.
    kUrgency,
    kUpdated,  // updated_at desc, then id desc
    kCreated,  // created_at desc, then id desc
  } sort = Sort::kUrgency;
  int offset = 0;  // >= 0
  int limit = 50;  // 1..1000
};

struct CasePage {
  std::vector<CaseRecord> items;
  int64_t total = 0;  // cases matching the filter (all pages), for the UI
};

// A resolved or closed case like a given text (agent assist).
struct SimilarCase {
  CaseRecord record;
  double score = 0;  // > 0, higher = more similar: -bm25, x1.5 for the same category
  // The query terms (folded) that occur in the case's indexed text, in the
  // order they first occur in the query text.
  std::vector<std::string> shared_terms;
};

class CaseDb {
 public:
  static constexpr int kReadConnections = 4;
  static constexpr int kMaxLimit = 1000;
  static constexpr int kMaxSimilarTerms = 24;
  // The schema version this build writes (care_schema.version).
  static int SchemaVersion();

  // Opens (creating if needed) the ecoute database at `db_path` and brings
  // the care tables to SchemaVersion(). ":memory:" opens a private
  // temporary file (removed with the CaseDb, synchronous off) so that the
  // readers see the writer's commits through WAL exactly as with a named
  // file; a named file is written with synchronous full. Corruption
  // when the file is another application's (not SQLite, or an SQLite file
  // without the ecoute application_id that already holds tables) or when
  // its care schema is newer than this build's; IoError when it cannot be
  // opened or put in WAL mode. `clock` stamps settings, replies (created_at
  // when 0) and migrations; it must outlive the CaseDb.
  static base::Result<std::unique_ptr<CaseDb>> Open(const std::string& db_path, const base::Clock& clock);

  ~CaseDb();
  CaseDb(const CaseDb&) = delete;
  CaseDb& operator=(const CaseDb&) = delete;

  // Writes the whole batch in one transaction, or nothing. InvalidArgument
  // (nothing written) for a case with id <= 0, a message with case_id or
  // mention_id <= 0, an event with case_id <= 0 or an empty type, a
  // search_text with case id <= 0, naming the element
  // ("messages[3].mention_id: must be > 0, got 0").
  base::Status Write(const CareWrite& w);

  // The case, or nullopt when there is none with that id.
  base::Result<std::optional<CaseRecord>> GetCase(int64_t id) const;
  // One page of the cases matching `f`, sorted by f.sort, with the total.
  // InvalidArgument naming the field for offset < 0, limit not 1..1000,
  // assignee_id < -1, team_id or contact_id < 0, created_from/created_to < 0
  // or created_to <= created_from (both set), due_before < 0.
  base::Result<CasePage> ListCases(const CaseFilter& f) const;
  // The cases with status new, open or pending (and resolved, which can
  // still reopen, with `with_resolved`), ascending id, in one read: what the
  // engine reloads at start.
  base::Result<std::vector<CaseRecord>> ActiveCases(bool with_resolved = false) const;
  // The highest case id stored; 0 when there is none.
  base::Result<int64_t> MaxCaseId() const;
  // The messages of a case in time order (at, then mention_id).
  base::Result<std::vector<CaseMessage>> Messages(int64_t case_id) const;
  // Up to `limit` (1..1000) events of a case with id > after_id, oldest
  // (lowest id) first.
  base::Result<std::vector<CaseEvent>> Events(int64_t case_id, int64_t after_id, int limit) const;
  // Up to `limit` (1..1000) cases of any of the contacts, newest
  // (created_at, then id) first.
  base::Result<std::vector<CaseRecord>> CasesOfContacts(std::span<const int64_t> contact_ids, int limit) const;
  // The case a mention belongs to (the highest case id when several list
  // it); nullopt when none.
  base::Result<std::optional<int64_t>> CaseOfMention(int64_t mention_id) const;

  // Up to `limit` (1..1000) resolved or closed cases whose indexed text is
  // like `text`, best first (score desc, then id desc), never
  // `exclude_case_id`. The text is tokenized like the index (FTS5
  // unicode61, case and accents folded); words shorter than 3 letters and
  // common French and English words are dropped, and of the rest the
  // kMaxSimilarTerms rarest in the index are OR-ed. Ranked by bm25, times
  // 1.5 when the case's category is `category` (non-empty). Empty when the
  // text has no usable word. Deterministic for a given database content.
  base::Result<std::vector<SimilarCase>> SimilarResolved(std::string_view text, std::string_view category,
                                                         int64_t exclude_case_id, int limit) const;

  // Calls `fn` with each case created in [created_from, created_to) (0 =
  // unbounded), ascending created_at then id, until it returns false.
  // Cases are read in chunks, and `fn` runs with no connection held: it
  // may call CaseDb; a case written during the scan may or may not be seen.
  // InvalidArgument for negative bounds.
  base::Status ScanCases(base::Timestamp created_from, base::Timestamp created_to,
                         const std::function<bool(const CaseRecord&)>& fn) const;

  // Stores a new reply and returns it with its id (and created_at = now
  // when it was 0). InvalidArgument for id != 0, case_id <= 0, a state
  // other than queued | sent | failed, attempts < 0.
  base::Result<ReplyRecord> AddReply(ReplyRecord r);
  // Replaces every field of the stored reply r.id but created_at and
  // case_id. NotFound when there is none; InvalidArgument as for AddReply
  // (id must be > 0).
  base::Status UpdateReply(const ReplyRecord& r);
  base::Result<std::optional<ReplyRecord>> GetReply(int64_t id) const;
  // The replies of a case, ascending id.
  base::Result<std::vector<ReplyRecord>> Replies(int64_t case_id) const;

  // A setting's JSON text; nullopt when it was never put.
  base::Result<std::optional<std::string>> GetSetting(std::string_view key) const;
  // Stores `json` (any valid JSON text, kept verbatim) under `key`
  // (non-empty, at most 200 bytes). InvalidArgument "key: ..." or
  // "json: ..." otherwise.
  base::Status PutSetting(std::string_view key, std::string_view json);

 private:
  struct Impl;
  explicit CaseDb(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecoute::care
