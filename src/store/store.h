// Store: durable home of mentions, rejects and rollups.
//
// One interface, several back ends: the embedded SQLite one (sqlite_store.h)
// is the default; a PostgreSQL one will implement the same contract.
//
// Threading: Write() is for one writer thread at a time (the pipeline's
// writer); every read method is thread-safe and may run concurrently with
// Write() (readers see the last committed state).
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "model/mention.h"

namespace ecoute::store {

enum class WriteOutcome : uint8_t {
  kInserted,   // a new (channel, native_id)
  kUpdated,    // known key, content changed: the stored record was replaced
  kDuplicate,  // known key, same content: nothing changed
};

struct WriteSummary {
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t duplicates = 0;
  int64_t rejected = 0;
};

// Position in a newest-first listing; opaque to clients as a string.
struct Cursor {
  base::Timestamp created_at = 0;
  int64_t id = 0;
  std::string Encode() const;
  static base::Result<Cursor> Decode(std::string_view s);  // InvalidArgument if malformed
};

// A monitored query as stored (docs/query-language.md). The store keeps the
// definitions; compiling and matching them is the match module's job.
enum class QueryKind : uint8_t { kBrand, kCompetitor, kTopic };
std::string_view QueryKindName(QueryKind k);                 // "brand" | "competitor" | "topic"
std::optional<QueryKind> ParseQueryKind(std::string_view s);  // inverse, case-insensitive

struct QueryDef {
  int64_t id = 0;    // assigned by the store (SaveQuery with id 0); never reused
  std::string name;  // unique, [A-Za-z0-9_]{1,64}; other queries use it as @name
  QueryKind kind = QueryKind::kTopic;
  std::string text;  // the query source
  std::string description;
  bool enabled = true;
  std::string origin = "api";  // "api" or "config" (defined in ecoute.yaml)
  base::Timestamp created_at = 0;  // set by the store
  base::Timestamp updated_at = 0;  // set by the store on every save
  // The query's history is not fully re-applied yet (SetQueryBackfill), up
  // to mention id `backfill_to` (unknown: all of it). SaveQuery stores the
  // flag for a new query (without a bound) and keeps the stored values on
  // an update.
  bool backfill_pending = false;
  std::optional<int64_t> backfill_to;
  bool operator==(const QueryDef&) const = default;
};

struct MentionFilter {
  std::string text;  // full-text words, case- and accent-insensitive, all must occur; empty = any
  std::optional<base::Timestamp> from;  // created_at >= from
  std::optional<base::Timestamp> to;    // created_at < to
  std::vector<model::Channel> channels;  // any of; empty = all
  std::vector<std::string> languages;    // any of; empty = all
  std::string author;                    // author handle, exact, case-insensitive
  std::string thread_id;                 // exact; empty = any
  std::optional<Cursor> after;           // continue after this position
  int limit = 50;                        // 1..1000

  // Mentions whose enrichment.matched_queries holds any of these ids (read
  // through the per-query index); empty = no such condition.
  std::vector<int64_t> query_ids;
  // An FTS5 MATCH expression over {title text} that every result must
  // satisfy, in FTS5 syntax (built by the caller, e.g. a query's candidate
  // expression); ANDed with `text`. Empty = none. A malformed expression is
  // InvalidArgument.
  std::string fts;
  // Called on each row that passes every other condition; rows for which it
  // returns false are skipped. Runs on the calling thread; may be empty.
  std::function<bool(const model::Mention&)> accept;
  // With `accept` and neither text, fts nor query_ids (a scan of the
  // created_at index): stop after examining this many rows; the page may
  // then be short, and `next` continues after the last row examined.
  // 0 = no limit.
  int64_t max_scan = 0;
};

struct MentionPage {
  std::vector<model::Mention> items;  // newest first (created_at desc, id desc)
  std::optional<Cursor> next;         // set when more may follow
  int64_t scanned = 0;                // rows examined (passed to `accept`, or listed)
};

enum class Interval : uint8_t { kHour, kDay, kWeek };
base::Result<Interval> ParseInterval(std::string_view s);  // "hour" | "day" | "week"
std::string_view IntervalName(Interval i);

enum class GroupBy : uint8_t {
  kNone, kChannel, kLanguage, kQuery,
  // By the understanding labels (label rollups): sentiment, category,
  // severity_level, needs_reply ("true" | "false"). Mentions without the
  // label are the group "".
  kSentiment, kCategory, kSeverity, kNeedsReply,
};
// "" | "none" | "channel" | "lang" | "query" | "sentiment" | "category" |
// "severity" (or "severity_level") | "needs_reply", case-insensitive.
base::Result<GroupBy> ParseGroupBy(std::string_view s);
// "none", "channel", "lang", "query", "sentiment", "category", "severity", "needs_reply".
std::string_view GroupByName(GroupBy g);

// Label values a user may set (CorrectLabels). The store does not know the
// category taxonomy: any [a-z0-9_]{1,64} is a category to it.
bool IsSentimentLabel(std::string_view s);      // negative | neutral | positive
bool IsSeverityLevel(std::string_view s);       // none | low | medium | high | critical
bool IsCategoryName(std::string_view s);        // [a-z0-9_]{1,64}

struct VolumeQuery {
  base::Timestamp from = 0;  // inclusive, floored to the hour
  base::Timestamp to = 0;    // exclusive
  Interval interval = Interval::kHour;
  GroupBy group_by = GroupBy::kNone;
  std::vector<model::Channel> channels;
  std::vector<std::string> languages;
  // Count only mentions matched by these queries (per-query rollups); with
  // several ids and no kQuery grouping a mention matched by two of them
  // counts twice. Empty = all mentions (kQuery grouping then covers every
  // query).
  std::vector<int64_t> query_ids;

  // Label conditions (any of each list; "" = mentions without the label;
  // empty = no condition). Every condition combines with every grouping.
  // Cost: one range read of one hourly rollup, never a scan of the
  // mentions: rollup_hour (channel × language) or, with query ids or
  // kQuery, rollup_query_hour; with a label condition or grouping,
  // rollup_label_hour (channel × language × the four labels) or, per
  // query, rollup_query_label_hour (the same dimensions per query). The
  // rows read are those of the hours in [from, to) (of the given queries),
  // summed in memory: about one per distinct combination of the
  // dimensions per hour, whatever the filters.
  std::vector<std::string> sentiments;
  std::vector<std::string> categories;
  std::vector<std::string> severity_levels;
  std::optional<bool> needs_reply;
};

struct VolumePoint {
  base::Timestamp bucket = 0;  // start of the interval (UTC)
  std::string group;           // channel, language or label value, query id in decimal; empty for kNone
  int64_t count = 0;
};

// Top authors (TopAuthors): who wrote the most, or reached the most.
enum class AuthorSort : uint8_t {
  kReach,     // largest reach of one of the author's mentions, then mentions
  kMentions,  // mentions, then reach
};
base::Result<AuthorSort> ParseAuthorSort(std::string_view s);  // "reach" | "mentions", case-insensitive
std::string_view AuthorSortName(AuthorSort s);

struct AuthorQuery {
  base::Timestamp from = 0;  // inclusive, floored to the UTC day
  base::Timestamp to = 0;    // exclusive, rounded up to the next UTC day
  int64_t query_id = 0;      // only mentions matched by this query; 0 = every mention
  std::vector<model::Channel> channels;  // any of; empty = all
  AuthorSort sort = AuthorSort::kReach;
  int limit = 10;  // 1..100
};

struct AuthorStat {
  model::Channel channel = model::Channel::kOther;
  std::string handle;        // as written (authors are told apart by channel and exact handle)
  std::string display_name;  // of the author's latest written mention
  int64_t followers = 0;     // largest seen in the window (0 = unknown)
  int64_t mentions = 0;
  int64_t negative = 0;      // mentions with sentiment negative
  int64_t reach = 0;         // largest reach of one of the mentions (enrichment.reach, else followers)
};

struct AuthorPage {
  base::Timestamp from = 0, to = 0;  // the whole days counted
  std::vector<AuthorStat> items;     // best first: by the sort key, then the other, then channel, then handle
  int64_t total_mentions = 0;        // every mention of the window (of the query, of the channels)
};

struct StoredReject {
  int64_t id = 0;
  base::Timestamp received_at = 0;
  model::Rejection rejection;
};

// A user's correction of a mention's labels (CorrectLabels). Unset fields
// are left as they are.
struct LabelCorrection {
  std::optional<std::string> sentiment;       // negative | neutral | positive
  std::optional<bool> needs_reply;
  std::optional<std::string> category;        // [a-z0-9_]{1,64} ("none": no reply needed)
  std::optional<std::string> severity_level;  // none | low | medium | high | critical
  std::string user;                           // who corrected; may be empty
  base::Timestamp at = 0;                     // when; 0 = the store's clock
};

// A mention with the labels users gave it, for training (LabelCorrections).
struct LabeledMention {
  int64_t correction_id = 0;  // id of its latest correction: pass it as `after_id` to continue
  int64_t mention_id = 0;
  model::Channel channel = model::Channel::kOther;
  std::string native_id;
  std::string language;
  std::string title;
  std::string text;
  // The latest corrected value of each field; unset when never corrected.
  std::optional<std::string> sentiment;
  std::optional<bool> needs_reply;
  std::optional<std::string> category;
  std::optional<std::string> severity_level;
  std::string user;            // of the latest correction
  base::Timestamp at = 0;      // of the latest correction
};


// ---- Alerts (written by the alert module; docs/alerts.md) ----

// Lifecycle of an alert: open (firing or recently fired) -> acknowledged (a
// person is on it) -> resolved (by a person, or automatically when its rule
// stopped triggering for the rule's group window).
enum class AlertStatus : uint8_t { kOpen, kAcknowledged, kResolved };
std::string_view AlertStatusName(AlertStatus s);                   // "open" | "acknowledged" | "resolved"
std::optional<AlertStatus> ParseAlertStatus(std::string_view s);  // inverse, case-insensitive

// One alert: a rule's triggers for one group key, folded together while it
// is open. Plain value; `id` is assigned by the caller (the alert engine
// numbers alerts itself, starting after MaxAlertId()).
struct AlertRecord {
  int64_t id = 0;
  std::string rule;        // name of the rule
  std::string kind;        // mention | severity | high_reach | volume_spike | negative_share | snowball | sla
  std::string group_key;   // what triggers fold on, e.g. "query=12", "query=12/channel=twitter", "thread=twitter:991"
  std::string level;       // info | warning | critical
  AlertStatus status = AlertStatus::kOpen;
  std::string title;
  std::string text;
  std::string details_json;          // explanation (observed, expected, p, window, top terms...), a JSON object
  std::vector<int64_t> sample_ids;   // mention ids, at most 20, first triggers first
  int64_t trigger_count = 0;         // triggers folded into this alert
  int64_t notified_count = 0;        // notifications sent (queued to notifiers)
  int64_t suppressed_count = 0;      // notifications held back (throttle, quiet hours, cooldown)
  base::Timestamp opened_at = 0;     // event time of the first trigger
  base::Timestamp last_trigger_at = 0;
  base::Timestamp acknowledged_at = 0;  // 0 = not acknowledged
  std::string acknowledged_by;
  base::Timestamp resolved_at = 0;      // 0 = not resolved
  std::string resolved_by;              // a user, or "auto"
  std::string note;                     // last note given with ack/resolve
};

// How many alerts are in each status (Store::CountAlerts).
struct AlertCounts {
  int64_t open = 0;
  int64_t acknowledged = 0;
  int64_t resolved = 0;
};

struct AlertFilter {
  std::vector<AlertStatus> statuses;  // empty = any
  std::string rule;                   // empty = any
  std::string kind;                   // empty = any
  base::Timestamp since = 0;          // opened_at >= since (0 = no bound)
  base::Timestamp until = 0;          // opened_at < until (0 = no bound)
  int64_t before_id = 0;              // id < before_id (0 = from the newest): paging
  int limit = 50;                     // 1..1000
};

// One line of an alert's history.
struct AlertHistoryEntry {
  int64_t id = 0;        // assigned by the store
  int64_t alert_id = 0;
  base::Timestamp at = 0;
  std::string type;      // opened | updated | notified | suppressed | acknowledged | resolved | reopened
  std::string actor;     // user name, "engine", or a notifier name
  std::string detail;    // free text (e.g. "throttled", "quiet hours", the note)
};

// One alert to save with the history lines that go with it (WriteAlerts).
struct AlertWrite {
  AlertRecord alert;
  std::vector<AlertHistoryEntry> history;
};

// One notification delivery attempt (the delivery log); state "dead" marks
// the dead-letter list.
struct DeliveryRecord {
  int64_t id = 0;           // assigned by the store
  int64_t alert_id = 0;
  std::string event_id;     // the notification's id (X-Ecoute-Event)
  std::string notifier;     // notifier name
  int attempt = 0;          // 1-based; 0 for an event dead-lettered before any attempt
  std::string state;        // delivered | retry | dead
  int code = 0;             // HTTP status or SMTP reply code; 0 = none
  std::string error;        // empty when delivered
  int64_t latency_ms = 0;
  base::Timestamp at = 0;
};

struct DeliveryFilter {
  int64_t alert_id = 0;   // 0 = any
  std::string notifier;   // empty = any
  std::string state;      // empty = any
  int64_t before_id = 0;  // paging, newest first
  int limit = 100;        // 1..1000
};

// An alert rule defined through the API (rules from ecoute.yaml are not
// stored). The definition is the alert module's JSON; the store does not
// interpret it.
struct AlertRuleRecord {
  int64_t id = 0;             // assigned by the store
  std::string name;           // unique, [A-Za-z0-9_.-]{1,64}
  std::string definition_json;
  base::Timestamp created_at = 0;  // set by the store
  base::Timestamp updated_at = 0;  // set by the store
};

struct StoreCounts {
  int64_t mentions = 0;
  int64_t rejects = 0;
  int64_t threads = 0;
  uint64_t bytes = 0;  // on-disk size of the database, WAL included
};

class Store {
 public:
  virtual ~Store() = default;

  // Writes `mentions` and `rejects` in one transaction: when it returns OK
  // everything is committed (durable per the back end's sync setting);
  // otherwise nothing is. Upserts by (channel, native_id): a new key is
  // inserted, a changed record replaces the stored one, an identical one is
  // a duplicate. Sets each mention's `id`, and its `thread_id` when empty
  // (the root of its reply chain as far as known; re-linked when a missing
  // parent arrives later). Maintains the full-text index and hourly rollups,
  // and, from enrichment.matched_queries, the per-query index (query_ids
  // filter) and per-query hourly rollups (an update moves them).
  // matched_queries is first made ascending, without repeats and without
  // ids of queries that are not defined (in the caller's mention too).
  // Maintains the label rollups (by sentiment, category, severity_level,
  // needs_reply; an update moves them) and the author rollup (per day,
  // channel, handle and query; TopAuthors). When the stored version has
  // user-corrected labels (enrichment.corrected), they are copied over the
  // caller's enrichment (in the caller's mention too) before the row is
  // written: a user's correction beats the model. The content hash is the
  // caller's version's, so replaying the record is still a duplicate.
  // `outcomes` receives one entry per mention. Writer thread only.
  virtual base::Result<WriteSummary> Write(std::span<model::Mention> mentions,
                                           std::span<const model::Rejection> rejects,
                                           std::vector<WriteOutcome>* outcomes) = 0;

  virtual base::Result<MentionPage> Search(const MentionFilter& filter) const = 0;
  virtual base::Result<std::optional<model::Mention>> Get(int64_t id) const = 0;
  virtual base::Result<std::vector<VolumePoint>> Volume(const VolumeQuery& query) const = 0;
  // The `limit` authors of inbound mentions with a handle (outbound ones,
  // the brand's own, are not counted) in the window, best first by
  // `sort`, with exact counts. InvalidArgument naming the field for limit
  // outside 1..100, to <= from, a window over 3,660 days or a negative
  // query id. Cost, from the author rollup (never the mentions): for each
  // day and channel of the window, an index seek that reads the
  // author-days at or above a threshold (count for kMentions, reach for
  // kReach); the threshold starts high and is lowered until the answer is
  // proven (no author left out could rank), then at most `limit` × days
  // point reads complete the counts of the authors kept. Typically a few
  // thousand rows; at worst, when no author stands out (the limit-th
  // author has no more mentions than the window has days, or fewer than
  // `limit` authors have a reach of 1,000 or more), every author-day row
  // of the window. Reach and followers are the largest values seen: a
  // mention that leaves an author-day (an update, a query that no longer
  // matches it) does not lower them.
  virtual base::Result<AuthorPage> TopAuthors(const AuthorQuery& query) const = 0;
  // Newest first; `before_id` 0 = from the newest.
  virtual base::Result<std::vector<StoredReject>> Rejects(int limit, int64_t before_id) const = 0;
  virtual base::Result<StoreCounts> Counts() const = 0;

  // Highest mention id stored so far (0 when empty).
  virtual base::Result<int64_t> MaxMentionId() const = 0;

  // Calls `fn` for every mention with first_id <= id <= last_id, in
  // ascending id order, whose title/text satisfies the FTS5 expression `fts`
  // (every mention when empty); stops early when `fn` returns false. One
  // read snapshot. InvalidArgument for a malformed expression.
  virtual base::Status ScanMentions(int64_t first_id, int64_t last_id, const std::string& fts,
                                    const std::function<bool(const model::Mention&)>& fn) const = 0;

  // Query definitions, ascending id.
  virtual base::Result<std::vector<QueryDef>> Queries() const = 0;
  // id 0: inserts (AlreadyExists when the name is taken); otherwise replaces
  // the definition with that id (NotFound when absent; AlreadyExists when
  // renamed onto another query's name). InvalidArgument for a bad name or
  // empty text. Sets id and timestamps; returns the stored definition.
  // Writer thread (serialised with Write).
  virtual base::Result<QueryDef> SaveQuery(QueryDef q) = 0;
  // Removes the definition and everything indexed under it (per-query
  // index rows and rollups) and the id from the stored enrichment of the
  // mentions it tagged, in one transaction. NotFound when absent. Writer
  // thread.
  virtual base::Status DeleteQuery(int64_t id) = 0;

  // Records whether query `id`'s history still has to be re-applied, and up
  // to which mention id (nullopt: unknown, all of it; later mentions were
  // matched live with the current definition), so a backfill interrupted by
  // a stop resumes in the next process. NotFound when absent. Writer thread.
  virtual base::Status SetQueryBackfill(int64_t id, bool pending, std::optional<int64_t> up_to_id) = 0;

  // Makes `ids` exactly the mentions in [first_id, last_id] that match
  // query `query_id` (re-applying a new or changed query to history): the
  // per-query index, the per-query rollups (volume, labels, authors) and
  // each affected mention's stored enrichment.matched_queries are updated
  // in one transaction. Ids outside the range or not stored are ignored.
  // Returns how many mentions changed (gained or lost the query). Writer
  // thread.
  virtual base::Result<int64_t> ReplaceQueryMatches(int64_t query_id, int64_t first_id, int64_t last_id,
                                                    std::span<const int64_t> ids) = 0;

  // Records a user's correction of mention `mention_id`'s labels and
  // returns the mention as now stored. In one transaction: one
  // label_corrections row per field that changes (a field given with the
  // value it already has counts when the model, not a user, had set it: a
  // human confirmation), the mention's enrichment gets the values and the
  // field names in `corrected`, and the label rollups (and the authors'
  // negative counts) move. Later Writes of
  // the same (channel, native_id) keep the corrected fields (a user's
  // correction beats the model). InvalidArgument naming the field first
  // ("sentiment: ...") for a bad value, or when no field is set; NotFound
  // for an unknown id. Writer thread (serialised with Write).
  virtual base::Result<model::Mention> CorrectLabels(int64_t mention_id, const LabelCorrection& c) = 0;

  // The corrected mentions, one entry per mention with its current
  // corrected labels (the latest value per field), ordered by their latest
  // correction, starting after correction id `after_id` (0 = from the
  // start); at most `limit` (1..1000). A mention corrected again later is
  // listed again, further on.
  virtual base::Result<std::vector<LabeledMention>> LabelCorrections(int64_t after_id, int limit) const = 0;

  // ---- Alerts. Writes are serialised with Write() (any thread may call
  // them); reads are thread-safe. ----

  // Inserts the alert when its id is new, replaces the stored one
  // otherwise (upsert by id; id must be > 0: InvalidArgument). With
  // `history` non-empty, those entries (alert_id set from the record) are
  // added in the same transaction.
  virtual base::Status SaveAlert(const AlertRecord& alert, std::span<const AlertHistoryEntry> history) = 0;
  // SaveAlert of each of `alerts` (in order) and AddDeliveries of
  // `deliveries`, all in one transaction: what the alert service's persister
  // writes per batch, so that it costs one commit. InvalidArgument (nothing
  // written) when an alert has id <= 0.
  virtual base::Status WriteAlerts(std::span<const AlertWrite> alerts, std::span<const DeliveryRecord> deliveries) = 0;
  // Newest first (by id).
  virtual base::Result<std::vector<AlertRecord>> Alerts(const AlertFilter& filter) const = 0;
  virtual base::Result<std::optional<AlertRecord>> GetAlert(int64_t id) const = 0;
  // Highest alert id stored (0 when none).
  virtual base::Result<int64_t> MaxAlertId() const = 0;
  // The alerts per status, of rule `rule` only when not empty; with
  // `by_rule` not null, also per rule name (the rules with alerts; other
  // entries cleared). One COUNT query grouped by status (and rule), read
  // from the status and rule indexes, never a listing.
  virtual base::Result<AlertCounts> CountAlerts(const std::string& rule,
                                                std::map<std::string, AlertCounts>* by_rule) const = 0;
  // Oldest first.
  virtual base::Result<std::vector<AlertHistoryEntry>> AlertHistory(int64_t alert_id) const = 0;
  // Appends delivery log rows in one transaction.
  virtual base::Status AddDeliveries(std::span<const DeliveryRecord> deliveries) = 0;
  // Newest first.
  virtual base::Result<std::vector<DeliveryRecord>> Deliveries(const DeliveryFilter& filter) const = 0;

  // API-defined alert rules, ascending id.
  virtual base::Result<std::vector<AlertRuleRecord>> AlertRules() const = 0;
  // id 0 inserts (AlreadyExists when the name is taken); otherwise replaces
  // (NotFound when absent; AlreadyExists when renamed onto another rule's
  // name). InvalidArgument for a bad name or an empty definition. Returns
  // the stored record (id and timestamps set).
  virtual base::Result<AlertRuleRecord> SaveAlertRule(AlertRuleRecord rule) = 0;
  // NotFound when absent. Alerts of the rule are kept (history).
  virtual base::Status DeleteAlertRule(int64_t id) = 0;
};

}  // namespace ecoute::store
