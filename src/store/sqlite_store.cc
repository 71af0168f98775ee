#include "store/sqlite_store.h"

#include <algorithm>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <mutex>
#include <queue>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <variant>
#include <vector>

#include "match/parser.h"
#include "store/mention_codec.h"
#include "store/migrations.h"
#include "store/sqlite_alerts.h"
#include "store/sqlite_util.h"

namespace ecoute::store {
namespace {

using internal::Db;
using internal::Exec;
using internal::ResetOnExit;
using internal::SqliteError;
using internal::Stmt;

// Ids are grouped in blocks of 2^kBlockShift; id_blocks keeps each block's
// created_at range so a full-text search can visit blocks newest first and
// stop early (docs/storage.md, "Full-text search"). Part of the on-disk
// format: changing it needs a migration that rebuilds id_blocks.
constexpr int kBlockShift = 12;
constexpr int kMaxSearchWords = 32;
constexpr int kMaxLimit = 1000;
constexpr int kMaxVolumeBuckets = 100'000;

int64_t BlockOf(int64_t id) { return id >> kBlockShift; }

// ---- the database file -------------------------------------------------

base::Result<std::string> SynchronousPragma(std::string_view s) {
  std::string lower = internal::AsciiLower(s);
  for (const char* v : {"off", "normal", "full", "extra"})
    if (lower == v) return lower;
  return base::Status::InvalidArgument("store: synchronous \"" + std::string(s) +
                                       "\": expected off, normal, full or extra");
}

// ---- read connections ------------------------------------------------------

struct ReadConn {
  Db db;
  internal::StatementCache cache;  // declared after db: destroyed first

  // A statement prepared once per connection and reused. The pointer stays
  // valid until the connection is released (the pool trims the cache only
  // when it hands the connection out).
  base::Result<Stmt*> Prepare(const std::string& sql, std::string_view step) { return cache.Get(db.get(), sql, step); }
  // For the functions of sqlite_alerts.h.
  internal::CachedDb Cached() { return internal::CachedDb{db.get(), &cache}; }
};

// A fixed set of read-only connections; Acquire() blocks until one is free.
using ReadPool = internal::ConnectionPool<ReadConn>;

// ---- query building ------------------------------------------------------

using BindValue = std::variant<int64_t, std::string_view>;

void BindAll(Stmt& s, const std::vector<BindValue>& values, int first = 1) {
  int i = first;
  for (const auto& v : values) {
    if (const auto* n = std::get_if<int64_t>(&v)) s.BindInt(i++, *n);
    else s.BindText(i++, std::get<std::string_view>(v));
  }
}

// Appends " AND ..." conditions on alias `m` for every filter but the text
// and the queries. `author_lc` is the lowered author filter (empty: none);
// the caller keeps it alive while the values are bound. The time and cursor
// conditions use `created_col` and `id_col` (another table's copy of the
// mention's position, so that its index bounds the range).
void AppendFilters(const MentionFilter& f, const std::string& author_lc, std::string& sql,
                   std::vector<BindValue>& binds, std::string_view created_col = "m.created_at",
                   std::string_view id_col = "m.id") {
  if (!author_lc.empty()) {
    // SQLite's lower() folds ASCII only, like AsciiLower.
    sql += " AND lower(m.author_handle) = ?";
    binds.emplace_back(std::string_view(author_lc));
  }
  const std::string created(created_col), id(id_col);
  if (f.from) {
    sql += " AND " + created + " >= ?";
    binds.emplace_back(*f.from);
  }
  if (f.to) {
    sql += " AND " + created + " < ?";
    binds.emplace_back(*f.to);
  }
  if (f.after) {
    // Strictly after the cursor in (created_at DESC, id DESC) order. The
    // first term lets SQLite bound its index range.
    sql += " AND " + created + " <= ? AND (" + created + " < ? OR " + id + " < ?)";
    binds.emplace_back(f.after->created_at);
    binds.emplace_back(f.after->created_at);
    binds.emplace_back(f.after->id);
  }
  auto in_list = [&](std::string_view column, size_t n) {
    sql += " AND ";
    sql += column;
    sql += " IN (";
    for (size_t i = 0; i < n; ++i) sql += i == 0 ? "?" : ",?";
    sql += ")";
  };
  if (!f.channels.empty()) {
    in_list("+m.channel", f.channels.size());  // '+': never walk mentions_key for this
    for (model::Channel c : f.channels) binds.emplace_back(model::ChannelName(c));
  }
  if (!f.languages.empty()) {
    in_list("+m.language", f.languages.size());
    for (const auto& l : f.languages) binds.emplace_back(std::string_view(l));
  }
  if (!f.thread_id.empty()) {
    sql += " AND m.thread_id = ?";
    binds.emplace_back(std::string_view(f.thread_id));
  }
}

// The FTS5 expression for the user's words: each word a quoted string
// (quotes doubled), all required. Returns "" when there are no words.
base::Result<std::string> MatchExpression(std::string_view text) {
  std::string out;
  int words = 0;
  size_t i = 0;
  auto is_space = [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; };
  while (i < text.size()) {
    while (i < text.size() && is_space(text[i])) ++i;
    if (i >= text.size()) break;
    if (++words > kMaxSearchWords)
      return base::Status::InvalidArgument("text: more than " + std::to_string(kMaxSearchWords) + " words");
    if (!out.empty()) out.push_back(' ');
    out.push_back('"');
    while (i < text.size() && !is_space(text[i])) {
      if (text[i] == '"') out.push_back('"');
      out.push_back(text[i++]);
    }
    out.push_back('"');
  }
  return out;
}

// kMentionColumns with every column qualified by "m.", for joins.
const std::string& QualifiedMentionColumns() {
  static const std::string kCols = [] {
    std::string out = "m.";
    for (char ch : internal::kMentionColumns) {
      out.push_back(ch);
      if (ch == ' ') out += "m.";
    }
    return out;
  }();
  return kCols;
}

// The FTS5 expression for words and a caller's expression, both limited to
// the title and text columns; "" when both are empty.
std::string ScopedMatch(const std::string& words, const std::string& fts) {
  std::string inner;
  if (!words.empty() && !fts.empty()) inner = "(" + words + ") AND (" + fts + ")";
  else if (!words.empty()) inner = words;
  else if (!fts.empty()) inner = "(" + fts + ")";
  return inner.empty() ? inner : "{title text} : (" + inner + ")";
}

// OK when `match` parses as an FTS5 expression; InvalidArgument naming
// `fts` when FTS5 refuses it. Costs a seek per term, no row is read.
base::Status CheckFtsExpression(ReadConn& c, const std::string& match) {
  static const std::string kSql = "SELECT 1 FROM mentions_fts WHERE mentions_fts MATCH ? AND rowid = 0";
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, c.Prepare(kSql, "check fts expression"));
  ResetOnExit reset(*st);
  st->BindText(1, match);
  auto row = st->Step();
  if (row.ok()) return base::Status::Ok();
  if ((sqlite3_errcode(c.db.get()) & 0xff) != SQLITE_ERROR) return row.status();
  return base::Status::InvalidArgument(std::string("fts: invalid FTS5 expression: ") + sqlite3_errmsg(c.db.get()));
}

// `in` sorted ascending without repeats, into `out`.
void SortedUnique(std::span<const int64_t> in, std::vector<int64_t>& out) {
  out.assign(in.begin(), in.end());
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
}

constexpr int64_t kMaxQueryIds = 256;  // MentionFilter::query_ids: one statement each

struct Candidate {
  base::Timestamp created_at;
  int64_t id;
  bool operator<(const Candidate& o) const { return std::tie(created_at, id) < std::tie(o.created_at, o.id); }
  bool operator>(const Candidate& o) const { return o < *this; }
};

struct Block {
  int64_t block, min_created_at, max_created_at;
};

// ---- the store ---------------------------------------------------------------

struct WriterStatements {
  Stmt begin, commit, rollback;
  Stmt find_key;    // ?1 channel, ?2 native_id
  Stmt insert;      // ?1..?30 columns after id
  Stmt update;      // ?1..?30, ?31 id
  Stmt fts_insert;  // ?1 rowid, ?2 title, ?3 text, ?4 author_key
  Stmt fts_delete;  // ?1 rowid, ?2..?4 the old values
  Stmt has_thread;  // ?1 thread, ?2 channel
  Stmt relink;      // ?1 new thread, ?2 old thread, ?3 channel
  Stmt rollup;      // ?1 bucket, ?2 channel, ?3 lang, ?4 delta
  Stmt rollup_prune;
  Stmt query_index_add;     // ?1 query, ?2 created_at, ?3 mention
  Stmt query_index_remove;  // same
  Stmt query_rollup;        // ?1 bucket, ?2 query, ?3 channel, ?4 lang, ?5 delta
  Stmt query_rollup_prune;  // ?1..?4
  Stmt label_rollup;        // ?1 bucket, ?2 channel, ?3 lang, ?4 sentiment, ?5 category, ?6 severity, ?7 needs_reply, ?8 delta
  Stmt label_rollup_prune;  // ?1..?7
  Stmt query_label_rollup;  // ?1 query, ?2 bucket, ?3 channel, ?4 lang, ?5 sentiment, ?6 category, ?7 severity, ?8 needs_reply, ?9 delta
  Stmt query_label_rollup_prune;  // ?1..?8
  Stmt author_rollup;       // ?1 query, ?2 day, ?3 channel, ?4 handle, ?5 count delta, ?6 negative delta, ?7 reach, ?8 followers, ?9 display name
  Stmt author_rollup_prune; // ?1..?4
  Stmt block;       // ?1 block, ?2 min, ?3 max
  Stmt reject;
  Stmt counter;     // ?1 name, ?2 delta
};

std::string InsertSql() {
  std::string cols(internal::kMentionColumns.substr(internal::kMentionColumns.find(',') + 2));
  std::string sql = "INSERT INTO mentions(" + cols + ") VALUES (";
  for (int i = 1; i < internal::kMentionColumnCount; ++i) sql += (i == 1 ? "?" : ",?") + std::to_string(i);
  return sql + ")";
}

std::string UpdateSql() {
  std::string cols(internal::kMentionColumns.substr(internal::kMentionColumns.find(',') + 2));
  std::string sql = "UPDATE mentions SET ";
  int i = 1;
  size_t pos = 0;
  while (pos < cols.size()) {
    size_t comma = cols.find(',', pos);
    if (comma == std::string::npos) comma = cols.size();
    if (i > 1) sql += ", ";
    sql += cols.substr(pos, comma - pos) + " = ?" + std::to_string(i++);
    pos = comma + 2;
  }
  return sql + " WHERE id = ?" + std::to_string(i);
}

// Copies WAL frames into the database file on its own thread and
// connection, so the writer's commits do not pay for checkpoints (they use
// the second core). The writer pokes it from its WAL hook; past
// kSyncCheckpointFrames the writer checkpoints itself, so the WAL stays
// bounded if this thread falls behind.
class Checkpointer {
 public:
  static constexpr int kPokeFrames = 1000;             // pages in the WAL before a checkpoint
  static constexpr int kSyncCheckpointFrames = 65536;  // writer checkpoints itself past this

  static base::Result<std::unique_ptr<Checkpointer>> Start(const std::string& path, const std::string& sync) {
    auto c = std::make_unique<Checkpointer>();
    ECOUTE_ASSIGN_OR_RETURN(c->db_, internal::OpenDb(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX));
    ECOUTE_RETURN_IF_ERROR(Exec(c->db_.get(),
                                "PRAGMA busy_timeout = 1000; PRAGMA wal_autocheckpoint = 0; PRAGMA synchronous = " + sync,
                                "configure checkpointer"));
    c->thread_ = std::thread([p = c.get()] { p->Run(); });
    return c;
  }
  ~Checkpointer() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_one();
    if (thread_.joinable()) thread_.join();
  }

  void Poke() {
    {
      std::lock_guard lock(mu_);
      pending_ = true;
    }
    cv_.notify_one();
  }

  // The first error of a background checkpoint since the last call, if any.
  base::Status TakeError() {
    std::lock_guard lock(mu_);
    return std::exchange(error_, base::Status::Ok());
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    for (;;) {
      cv_.wait(lock, [&] { return pending_ || stop_; });
      if (stop_) return;
      pending_ = false;
      lock.unlock();
      int rc = sqlite3_wal_checkpoint_v2(db_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      lock.lock();
      // BUSY: another checkpoint is running (another process); not an error.
      if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY && error_.ok())
        error_ = SqliteError(db_.get(), rc, "background checkpoint");
    }
  }

  Db db_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool pending_ = false;  // GUARDED_BY(mu_)
  bool stop_ = false;     // GUARDED_BY(mu_)
  base::Status error_;    // GUARDED_BY(mu_)
};

class SqliteStore final : public Store {
 public:
  SqliteStore() = default;
  ~SqliteStore() override {
    // Readers first, so the writer's close is the last one and checkpoints.
    readers_.reset();
    checkpointer_.reset();
    if (writer_) sqlite3_wal_hook(writer_.get(), nullptr, nullptr);
    ws_ = WriterStatements();
    alert_stmts_.Clear();
    writer_.reset();
  }

  base::Status Open(const SqliteOptions& options);

  base::Result<WriteSummary> Write(std::span<model::Mention> mentions, std::span<const model::Rejection> rejects,
                                   std::vector<WriteOutcome>* outcomes) override;
  base::Result<MentionPage> Search(const MentionFilter& filter) const override;
  base::Result<std::optional<model::Mention>> Get(int64_t id) const override;
  base::Result<std::vector<VolumePoint>> Volume(const VolumeQuery& query) const override;
  base::Result<AuthorPage> TopAuthors(const AuthorQuery& query) const override;
  base::Result<std::vector<StoredReject>> Rejects(int limit, int64_t before_id) const override;
  base::Result<StoreCounts> Counts() const override;
  base::Result<int64_t> MaxMentionId() const override;
  base::Status ScanMentions(int64_t first_id, int64_t last_id, const std::string& fts,
                            const std::function<bool(const model::Mention&)>& fn) const override;
  base::Result<std::vector<QueryDef>> Queries() const override;
  base::Result<QueryDef> SaveQuery(QueryDef q) override;
  base::Status DeleteQuery(int64_t id) override;
  base::Status SetQueryBackfill(int64_t id, bool pending, std::optional<int64_t> up_to_id) override;
  base::Result<int64_t> ReplaceQueryMatches(int64_t query_id, int64_t first_id, int64_t last_id,
                                            std::span<const int64_t> ids) override;
  base::Result<model::Mention> CorrectLabels(int64_t mention_id, const LabelCorrection& c) override;
  base::Result<std::vector<LabeledMention>> LabelCorrections(int64_t after_id, int limit) const override;
  // Alerts: the SQL is in sqlite_alerts.cc; these take the locks.
  base::Status SaveAlert(const AlertRecord& alert, std::span<const AlertHistoryEntry> history) override;
  base::Result<std::vector<AlertRecord>> Alerts(const AlertFilter& filter) const override;
  base::Result<std::optional<AlertRecord>> GetAlert(int64_t id) const override;
  base::Result<int64_t> MaxAlertId() const override;
  base::Result<AlertCounts> CountAlerts(const std::string& rule,
                                        std::map<std::string, AlertCounts>* by_rule) const override;
  base::Result<std::vector<AlertHistoryEntry>> AlertHistory(int64_t alert_id) const override;
  base::Status AddDeliveries(std::span<const DeliveryRecord> deliveries) override;
  base::Status WriteAlerts(std::span<const AlertWrite> alerts, std::span<const DeliveryRecord> deliveries) override;
  base::Result<std::vector<DeliveryRecord>> Deliveries(const DeliveryFilter& filter) const override;
  base::Result<std::vector<AlertRuleRecord>> AlertRules() const override;
  base::Result<AlertRuleRecord> SaveAlertRule(AlertRuleRecord rule) override;
  base::Status DeleteAlertRule(int64_t id) override;

 private:
  // Rollup deltas of one Write, keyed by (hour bucket, channel, language).
  using RollupKey = std::tuple<int64_t, model::Channel, std::string>;
  // Per-query rollup deltas, keyed by (hour bucket, query id, channel, language).
  using QueryRollupKey = std::tuple<int64_t, int64_t, model::Channel, std::string>;
  // Label rollup deltas, keyed by (hour bucket, channel, language, labels).
  using LabelRollupKey = std::tuple<int64_t, model::Channel, std::string, internal::Labels>;
  // Per-query label rollup deltas, keyed by (query id, hour bucket,
  // channel, language, labels).
  using QueryLabelRollupKey = std::tuple<int64_t, int64_t, model::Channel, std::string, internal::Labels>;
  // Moves one mention's label counts: -1 under its old labels (and queries)
  // or +1 under its new ones.
  void CountLabels(base::Timestamp created_at, model::Channel channel, const std::string& lang,
                   const internal::Labels& labels, std::span<const int64_t> queries, int delta) {
    const int64_t bucket = base::FloorHour(created_at);
    label_rollups_[LabelRollupKey(bucket, channel, lang, labels)] += delta;
    for (int64_t q : queries) query_label_rollups_[QueryLabelRollupKey(q, bucket, channel, lang, labels)] += delta;
  }
  // Applies label_rollups_ / query_label_rollups_.
  base::Status FlushLabelRollups();
  base::Status FlushQueryLabelRollups();

  // One change of the author rollup under (query id or 0, UTC day,
  // channel, handle), in the order made; FlushAuthorRollups sums them per
  // key (a vector sorted once costs a fraction of a map's node per key).
  struct AuthorDelta {
    int64_t query = 0;
    int64_t day = 0;
    model::Channel channel = model::Channel::kOther;
    std::string handle;
    int64_t count = 0;
    int64_t negative = 0;
    int64_t reach = 0;      // largest seen (a maximum: never lowered)
    int64_t followers = 0;  // largest seen
    std::string display_name;  // the latest added mention's; "" = keep the stored one
    auto Key() const { return std::tie(query, day, channel, handle); }
  };
  // What the author rollup counts of one mention.
  struct AuthorFacts {
    base::Timestamp created_at = 0;
    model::Channel channel = model::Channel::kOther;
    std::string_view handle;
    bool counted = false;  // inbound or unknown direction, with a handle
    bool negative = false;
    int64_t reach = 0;
    int64_t followers = 0;
    std::string_view display_name;
  };
  static AuthorFacts AuthorFactsOf(const model::Mention& m) {
    AuthorFacts a;
    a.created_at = m.created_at;
    a.channel = m.channel;
    a.handle = m.author.handle;
    a.counted = !m.author.handle.empty() && m.direction != model::Direction::kOutbound;
    a.negative = m.enrichment.sentiment == "negative";
    a.followers = std::max<int64_t>(0, m.author.followers.value_or(0));
    a.reach = std::max<int64_t>(0, m.enrichment.reach.value_or(a.followers));
    a.display_name = m.author.display_name;
    return a;
  }
  // Moves one mention's author counts under query `query_id` (0 = the row
  // of every mention): `count` (+1 added, -1 removed) and `negative`.
  void CountAuthor(const AuthorFacts& a, int64_t query_id, int count, int negative) {
    if (!a.counted) return;
    AuthorDelta& d = author_rollups_.emplace_back();
    d.query = query_id;
    d.day = base::FloorDay(a.created_at);
    d.channel = a.channel;
    d.handle.assign(a.handle);
    d.count = count;
    d.negative = negative;
    if (count > 0) {
      d.reach = a.reach;
      d.followers = a.followers;
      d.display_name.assign(a.display_name);
    }
  }
  // CountAuthor for the all-mentions row and each of `queries`.
  void CountAuthorAll(const AuthorFacts& a, std::span<const int64_t> queries, int count) {
    const int negative = a.negative ? count : 0;
    CountAuthor(a, 0, count, negative);
    for (int64_t q : queries) CountAuthor(a, q, count, negative);
  }
  // Applies author_rollups_.
  base::Status FlushAuthorRollups();

  // A change of the per-query index: +1 adds the row, -1 removes it.
  struct QueryIndexOp {
    int64_t query_id;
    base::Timestamp created_at;
    int64_t mention_id;
    int delta;
    auto Key() const { return std::tie(query_id, created_at, mention_id); }
  };

  // Runs `body` in one writer transaction (BEGIN IMMEDIATE .. COMMIT, or
  // ROLLBACK when it or the commit fails). Caller holds write_mu_.
  template <typename Body>
  base::Status InWriteTransaction(const Body& body);
  // Applies query_index_ops_ (summed per row) and query_rollups_.
  base::Status FlushQueryIndex();

  base::Status PrepareWriter();
  base::Status WriteAll(std::span<model::Mention> mentions, std::span<const model::Rejection> rejects,
                        std::vector<WriteOutcome>* outcomes, WriteSummary& summary);
  base::Status WriteOne(size_t index, model::Mention& m, WriteOutcome& outcome);
  // Whether a stored row of `channel` has thread `thread`.
  template <typename Where>
  base::Result<bool> HasThread(std::string_view thread, std::string_view channel, const Where& where);
  base::Status FlushAggregates(std::span<const model::Rejection> rejects, const WriteSummary& summary);

  // How a search runs: the FTS5 expression ("" = no full-text part) and
  // the lowered author to check exactly ("" = any).
  struct SearchPlan {
    std::string match;
    std::string author_lc;
  };
  base::Result<MentionPage> ListRecent(ReadConn& c, const MentionFilter& f, const SearchPlan& plan, int limit) const;
  base::Result<MentionPage> TextSearch(ReadConn& c, const MentionFilter& f, const SearchPlan& plan,
                                       int limit) const;
  base::Result<MentionPage> QuerySearch(ReadConn& c, const MentionFilter& f, const SearchPlan& plan,
                                        int limit) const;
  base::Result<std::optional<model::Mention>> GetIn(ReadConn& c, int64_t id) const;

  std::unique_ptr<internal::TempDbFile> temp_;
  std::string path_;
  const base::Clock* clock_ = nullptr;

  std::mutex write_mu_;  // Write() is documented single-writer; this makes misuse safe
  Db writer_;
  WriterStatements ws_;
  internal::StatementCache alert_stmts_;  // on writer_, GUARDED_BY(write_mu_)
  internal::CachedDb AlertWriter() { return internal::CachedDb{writer_.get(), &alert_stmts_}; }
  // Per-Write scratch, kept to reuse allocations.
  std::map<RollupKey, int64_t> rollups_;
  std::map<int64_t, std::pair<int64_t, int64_t>> blocks_;
  // Full-text index changes of one Write, applied in order after the rows:
  // remove (old title and text from fts_old_) or add (the mention's own).
  struct FtsOp {
    int64_t id;
    size_t index;  // in the Write's span
    bool remove;
    size_t old;    // in fts_old_, when `remove`
  };
  std::vector<FtsOp> fts_ops_;
  struct FtsOld {
    std::string title, text, author_key;
  };
  std::vector<FtsOld> fts_old_;
  std::string author_key_;
  internal::RowBuffers row_buf_;
  std::string old_title_, old_text_, old_lang_, old_thread_, old_author_key_, old_enrichment_, old_handle_;
  bool old_outbound_ = false;
  std::map<QueryRollupKey, int64_t> query_rollups_;
  std::map<LabelRollupKey, int64_t> label_rollups_;
  std::map<QueryLabelRollupKey, int64_t> query_label_rollups_;
  std::vector<AuthorDelta> author_rollups_;
  model::Enrichment old_enrichment_parsed_;
  std::vector<QueryIndexOp> query_index_ops_;
  std::vector<int64_t> query_ids_;  // one mention's matched queries, sorted, unique
  // Ids of the defined queries (GUARDED_BY(write_mu_)). Writes index only
  // these, so a mention matched by an engine that still held a query which
  // has since been deleted does not bring back its index rows.
  std::set<int64_t> known_queries_;
  void KeepKnownQueries(std::vector<int64_t>& ids) const {
    std::erase_if(ids, [this](int64_t q) { return !known_queries_.count(q); });
  }
  int64_t summary_threads_ = 0;  // change of the thread count in this Write

  std::unique_ptr<ReadPool> readers_;
  std::unique_ptr<Checkpointer> checkpointer_;

  // sqlite3_wal_hook callback, on the writer thread after each commit.
  static int OnWalCommit(void* self, sqlite3* db, const char* /*schema*/, int frames) {
    auto* store = static_cast<SqliteStore*>(self);
    if (frames >= Checkpointer::kSyncCheckpointFrames) {
      // Far behind: checkpoint now. A failure is reported by the next Write
      // through the same path as a background failure.
      int rc = sqlite3_wal_checkpoint_v2(db, nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
      if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY) store->checkpointer_->Poke();
    } else if (frames >= Checkpointer::kPokeFrames) {
      store->checkpointer_->Poke();
    }
    return SQLITE_OK;
  }
};

base::Status SqliteStore::Open(const SqliteOptions& options) {
  clock_ = options.clock != nullptr ? options.clock : &base::SystemClock();
  ECOUTE_ASSIGN_OR_RETURN(std::string sync, SynchronousPragma(options.synchronous));
  if (options.read_connections < 1 || options.read_connections > 64)
    return base::Status::InvalidArgument("store: read_connections must be 1..64, got " +
                                         std::to_string(options.read_connections));
  if (options.cache_mb < 1)
    return base::Status::InvalidArgument("store: cache_mb must be at least 1, got " + std::to_string(options.cache_mb));
  if (options.path.empty()) return base::Status::InvalidArgument("store: empty database path");
  if (options.path == ":memory:") {
    ECOUTE_ASSIGN_OR_RETURN(temp_, internal::TempDbFile::Create("mem", "store"));
    path_ = temp_->path();
  } else {
    path_ = options.path;
  }

  ECOUTE_ASSIGN_OR_RETURN(writer_, internal::OpenSharedDb(path_, "store", sync));
  sqlite3* db = writer_.get();
  const std::string cache = std::to_string(-options.cache_mb * 1024);
  ECOUTE_RETURN_IF_ERROR(Exec(db,
                              "PRAGMA foreign_keys = OFF;"
                              "PRAGMA secure_delete = OFF;"
                              "PRAGMA temp_store = MEMORY;"
                              "PRAGMA journal_size_limit = 67108864;"
                              "PRAGMA cache_size = " +
                                  cache,
                              "configure writer"));
  base::Status migrated = internal::Migrate(db, clock_->Now());
  if (!migrated.ok()) return migrated.WithPrefix("store: \"" + path_ + "\"");
  ECOUTE_RETURN_IF_ERROR(PrepareWriter());
  {
    ECOUTE_ASSIGN_OR_RETURN(Stmt ids, Stmt::Prepare(db, "SELECT id FROM queries", "list query ids"));
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, ids.Step());
      if (!row) break;
      known_queries_.insert(ids.Int(0));
    }
  }
  // Checkpoints move to their own thread; the hook replaces SQLite's
  // automatic checkpoint on commit.
  ECOUTE_ASSIGN_OR_RETURN(checkpointer_, Checkpointer::Start(path_, sync));
  sqlite3_wal_hook(writer_.get(), &SqliteStore::OnWalCommit, this);

  readers_ = std::make_unique<ReadPool>();
  const std::string reader_cache = std::to_string(-std::max<int64_t>(1, options.cache_mb / 4) * 1024);
  for (int i = 0; i < options.read_connections; ++i) {
    auto c = std::make_unique<ReadConn>();
    ECOUTE_ASSIGN_OR_RETURN(c->db, internal::OpenDb(path_, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX));
    ECOUTE_RETURN_IF_ERROR(Exec(c->db.get(),
                                "PRAGMA busy_timeout = 10000;"
                                "PRAGMA temp_store = MEMORY;"
                                "PRAGMA cache_size = " +
                                    reader_cache,
                                "configure reader"));
    readers_->Add(std::move(c));
  }
  return base::Status::Ok();
}

base::Status SqliteStore::PrepareWriter() {
  sqlite3* db = writer_.get();
  auto prep = [&](Stmt& s, const std::string& sql, std::string_view step) -> base::Status {
    ECOUTE_ASSIGN_OR_RETURN(s, Stmt::Prepare(db, sql, step, /*persistent=*/true));
    return base::Status::Ok();
  };
  ECOUTE_RETURN_IF_ERROR(prep(ws_.begin, "BEGIN IMMEDIATE", "begin write"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.commit, "COMMIT", "commit write"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.rollback, "ROLLBACK", "rollback write"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.find_key,
                              "SELECT id, content_hash, created_at, language, thread_id, title, text, author_key, "
                              "enrichment, author_handle, direction FROM mentions WHERE channel = ?1 AND native_id = ?2",
                              "find mention by key"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.insert, InsertSql(), "insert mention"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.update, UpdateSql(), "update mention"));
  ECOUTE_RETURN_IF_ERROR(
      prep(ws_.fts_insert, "INSERT INTO mentions_fts(rowid, title, text, author_key) VALUES (?1, ?2, ?3, ?4)",
           "index mention text"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.fts_delete,
                              "INSERT INTO mentions_fts(mentions_fts, rowid, title, text, author_key) "
                              "VALUES ('delete', ?1, ?2, ?3, ?4)",
                              "unindex old mention text"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.has_thread, "SELECT 1 FROM mentions WHERE thread_id = ?1 AND channel = ?2 LIMIT 1",
                              "find replies to relink"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.relink, "UPDATE mentions SET thread_id = ?1 WHERE thread_id = ?2 AND channel = ?3",
                              "relink thread"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.rollup,
                              "INSERT INTO rollup_hour(bucket_ms, channel, lang, count) VALUES (?1, ?2, ?3, ?4) "
                              "ON CONFLICT(bucket_ms, channel, lang) DO UPDATE SET count = count + excluded.count",
                              "update rollup"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.rollup_prune,
                              "DELETE FROM rollup_hour WHERE bucket_ms = ?1 AND channel = ?2 AND lang = ?3 "
                              "AND count <= 0",
                              "prune rollup"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.query_index_add,
                              "INSERT OR IGNORE INTO mention_queries(query_id, created_at, mention_id) "
                              "VALUES (?1, ?2, ?3)",
                              "index mention under query"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.query_index_remove,
                              "DELETE FROM mention_queries WHERE query_id = ?1 AND created_at = ?2 AND mention_id = ?3",
                              "unindex mention from query"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.query_rollup,
                              "INSERT INTO rollup_query_hour(bucket_ms, query_id, channel, lang, count) "
                              "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT(bucket_ms, query_id, channel, lang) "
                              "DO UPDATE SET count = count + excluded.count",
                              "update query rollup"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.query_rollup_prune,
                              "DELETE FROM rollup_query_hour WHERE bucket_ms = ?1 AND query_id = ?2 AND channel = ?3 "
                              "AND lang = ?4 AND count <= 0",
                              "prune query rollup"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.label_rollup,
                              "INSERT INTO rollup_label_hour(bucket_ms, channel, lang, sentiment, category, "
                              "severity_level, needs_reply, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) "
                              "ON CONFLICT(bucket_ms, channel, lang, sentiment, category, severity_level, needs_reply) "
                              "DO UPDATE SET count = count + excluded.count",
                              "update label rollup"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.label_rollup_prune,
                              "DELETE FROM rollup_label_hour WHERE bucket_ms = ?1 AND channel = ?2 AND lang = ?3 "
                              "AND sentiment = ?4 AND category = ?5 AND severity_level = ?6 AND needs_reply = ?7 "
                              "AND count <= 0",
                              "prune label rollup"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.query_label_rollup,
                              "INSERT INTO rollup_query_label_hour(query_id, bucket_ms, channel, lang, sentiment, "
                              "category, severity_level, needs_reply, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                              "ON CONFLICT(query_id, bucket_ms, channel, lang, sentiment, category, severity_level, "
                              "needs_reply) DO UPDATE SET count = count + excluded.count",
                              "update query label rollup"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.query_label_rollup_prune,
                              "DELETE FROM rollup_query_label_hour WHERE query_id = ?1 AND bucket_ms = ?2 "
                              "AND channel = ?3 AND lang = ?4 AND sentiment = ?5 AND category = ?6 "
                              "AND severity_level = ?7 AND needs_reply = ?8 AND count <= 0",
                              "prune query label rollup"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.author_rollup,
                              "INSERT INTO rollup_author_day(query_id, day_ms, channel, handle, count, negative, "
                              "reach_max, followers_max, display_name) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) "
                              "ON CONFLICT(query_id, day_ms, channel, handle) DO UPDATE SET "
                              "count = count + excluded.count, negative = negative + excluded.negative, "
                              "followers_max = max(followers_max, excluded.followers_max), "
                              "display_name = CASE WHEN excluded.display_name <> '' THEN excluded.display_name "
                              "ELSE display_name END, reach_max = max(reach_max, excluded.reach_max)",
                              "update author rollup"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.author_rollup_prune,
                              "DELETE FROM rollup_author_day WHERE query_id = ?1 AND day_ms = ?2 AND channel = ?3 "
                              "AND handle = ?4 AND count <= 0",
                              "prune author rollup"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.block,
                              "INSERT INTO id_blocks(block, min_created_at, max_created_at) VALUES (?1, ?2, ?3) "
                              "ON CONFLICT(block) DO UPDATE SET "
                              "min_created_at = min(min_created_at, excluded.min_created_at), "
                              "max_created_at = max(max_created_at, excluded.max_created_at)",
                              "update id block"));
  ECOUTE_RETURN_IF_ERROR(prep(ws_.reject,
                              "INSERT INTO rejects(received_at, source, location, field, reason, raw) "
                              "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                              "insert reject"));
  ECOUTE_RETURN_IF_ERROR(
      prep(ws_.counter, "UPDATE counters SET value = value + ?2 WHERE name = ?1", "update counters"));
  return base::Status::Ok();
}

// ---- writing ------------------------------------------------------------------

base::Result<WriteSummary> SqliteStore::Write(std::span<model::Mention> mentions,
                                              std::span<const model::Rejection> rejects,
                                              std::vector<WriteOutcome>* outcomes) {
  std::lock_guard lock(write_mu_);
  if (outcomes != nullptr) outcomes->clear();
  // What the caller gave, to put back if the transaction fails.
  std::vector<int64_t> old_ids;
  std::vector<bool> thread_was_empty;
  old_ids.reserve(mentions.size());
  thread_was_empty.reserve(mentions.size());
  for (const auto& m : mentions) {
    old_ids.push_back(m.id);
    thread_was_empty.push_back(m.thread_id.empty());
  }

  WriteSummary summary;
  base::Status s = InWriteTransaction([&] { return WriteAll(mentions, rejects, outcomes, summary); });
  if (!s.ok()) {
    for (size_t i = 0; i < mentions.size(); ++i) {
      mentions[i].id = old_ids[i];
      if (thread_was_empty[i]) mentions[i].thread_id.clear();
    }
    if (outcomes != nullptr) outcomes->clear();
    return s;
  }
  return summary;
}

base::Status SqliteStore::WriteAll(std::span<model::Mention> mentions, std::span<const model::Rejection> rejects,
                                   std::vector<WriteOutcome>* outcomes, WriteSummary& summary) {
  rollups_.clear();
  blocks_.clear();
  fts_ops_.clear();
  fts_old_.clear();
  query_rollups_.clear();
  query_index_ops_.clear();
  label_rollups_.clear();
  query_label_rollups_.clear();
  author_rollups_.clear();
  summary_threads_ = 0;
  if (outcomes != nullptr) outcomes->reserve(mentions.size());
  for (size_t i = 0; i < mentions.size(); ++i) {
    WriteOutcome outcome = WriteOutcome::kDuplicate;
    ECOUTE_RETURN_IF_ERROR(WriteOne(i, mentions[i], outcome));
    switch (outcome) {
      case WriteOutcome::kInserted: ++summary.inserted; break;
      case WriteOutcome::kUpdated: ++summary.updated; break;
      case WriteOutcome::kDuplicate: ++summary.duplicates; break;
    }
    if (outcomes != nullptr) outcomes->push_back(outcome);
  }
  // The full-text index last, in one run: FTS5 buffers the terms in memory
  // and writes one segment at commit. Interleaving these inserts with the
  // other writes cost about 25% more CPU in a measurement (docs/storage.md).
  for (const FtsOp& op : fts_ops_) {
    Stmt& st = op.remove ? ws_.fts_delete : ws_.fts_insert;
    ResetOnExit reset(st);
    st.BindInt(1, op.id);
    if (op.remove) {
      const FtsOld& old = fts_old_[op.old];
      st.BindText(2, old.title);
      st.BindText(3, old.text);
      st.BindText(4, old.author_key);
    } else {
      const model::Mention& m = mentions[op.index];
      internal::AuthorKey(m.author.handle, author_key_);
      st.BindText(2, m.title);
      st.BindText(3, m.text);
      st.BindText(4, author_key_);
    }
    base::Status s = st.Run();
    if (!s.ok()) return s.WithPrefix("mentions[" + std::to_string(op.index) + "]");
  }
  // After the full-text run too: the per-query index is plain B-tree work.
  ECOUTE_RETURN_IF_ERROR(FlushQueryIndex());
  summary.rejected = static_cast<int64_t>(rejects.size());
  return FlushAggregates(rejects, summary);
}

base::Status SqliteStore::WriteOne(size_t index, model::Mention& m, WriteOutcome& outcome) {
  auto where = [&] { return "mentions[" + std::to_string(index) + "] (" + m.native_id + ")"; };
  if (m.native_id.empty()) return base::Status::InvalidArgument("mentions[" + std::to_string(index) + "]: empty native_id");
  // matched_queries is stored sorted, without repeats, and only with
  // defined queries (an engine built before a delete may still name the
  // deleted one), so the stored mention and the index agree.
  if (!m.enrichment.matched_queries.empty()) {
    std::vector<int64_t>& q = m.enrichment.matched_queries;
    std::sort(q.begin(), q.end());
    q.erase(std::unique(q.begin(), q.end()), q.end());
    KeepKnownQueries(q);
  }
  const uint64_t hash = internal::ContentHash(m);
  const std::string_view channel = model::ChannelName(m.channel);

  // 1. Is the key known?
  int64_t id = 0;
  bool found = false;
  base::Timestamp old_created = 0;
  {
    Stmt& q = ws_.find_key;
    ResetOnExit reset(q);
    q.BindText(1, channel);
    q.BindText(2, m.native_id);
    auto row = q.Step();
    if (!row.ok()) return row.status().WithPrefix(where());
    if (*row) {
      found = true;
      id = q.Int(0);
      // A user's corrections (stored in the enrichment) beat the model's
      // labels of any later version. The hash is the caller's version's,
      // so an unchanged record stays a duplicate.
      old_enrichment_.assign(q.Text(8));
      const bool corrected = old_enrichment_.find("\"corrected\"") != std::string::npos;
      if (static_cast<uint64_t>(q.Int(1)) == hash) {
        m.id = id;
        if (m.thread_id.empty()) m.thread_id = q.Text(4);
        if (corrected) {
          base::Status parsed = internal::ParseEnrichment(old_enrichment_, id, old_enrichment_parsed_);
          if (!parsed.ok()) return parsed.WithPrefix(where());
          internal::ApplyCorrections(old_enrichment_parsed_, m.enrichment);
        }
        outcome = WriteOutcome::kDuplicate;
        return base::Status::Ok();
      }
      base::Status parsed = internal::ParseEnrichment(old_enrichment_, id, old_enrichment_parsed_);
      if (!parsed.ok()) return parsed.WithPrefix(where());
      internal::ApplyCorrections(old_enrichment_parsed_, m.enrichment);
      old_created = q.Int(2);
      old_lang_.assign(q.Text(3));
      old_thread_.assign(q.Text(4));
      old_title_.assign(q.Text(5));
      old_text_.assign(q.Text(6));
      old_author_key_.assign(q.Text(7));
      old_handle_.assign(q.Text(9));
      old_outbound_ = q.Text(10) == model::DirectionName(model::Direction::kOutbound);
    }
  }

  // 2. Resolve the thread: the parent's thread if the parent is stored,
  // else the parent itself (tentative root), else the mention itself.
  bool thread_known = false;  // some stored row already has this thread
  if (m.thread_id.empty()) {
    if (m.reply_to.empty()) {
      m.thread_id = m.native_id;
    } else {
      Stmt& q = ws_.find_key;
      ResetOnExit reset(q);
      q.BindText(1, channel);
      q.BindText(2, m.reply_to);
      auto row = q.Step();
      if (!row.ok()) return row.status().WithPrefix(where() + ": parent");
      thread_known = *row;
      m.thread_id = *row ? std::string(q.Text(4)) : m.reply_to;
    }
  }
  // The thread count changes by one when a thread appears or vanishes.
  const bool thread_changed = !found || m.thread_id != old_thread_;
  if (thread_changed && !thread_known) {
    ECOUTE_ASSIGN_OR_RETURN(thread_known, HasThread(m.thread_id, channel, where));
    if (!thread_known) ++summary_threads_;
  }

  // 3. Row and full-text index.
  if (!found) {
    Stmt& ins = ws_.insert;
    ResetOnExit reset(ins);
    internal::BindMentionColumns(ins, 1, m, hash, row_buf_);
    base::Status s = ins.Run();
    if (!s.ok()) return s.WithPrefix(where());
    id = sqlite3_last_insert_rowid(writer_.get());
    outcome = WriteOutcome::kInserted;
  } else {
    fts_ops_.push_back(FtsOp{id, index, /*remove=*/true, fts_old_.size()});
    fts_old_.push_back(FtsOld{old_title_, old_text_, old_author_key_});
    Stmt& up = ws_.update;
    ResetOnExit reset(up);
    internal::BindMentionColumns(up, 1, m, hash, row_buf_);
    up.BindInt(internal::kMentionColumnCount, id);
    base::Status s = up.Run();
    if (!s.ok()) return s.WithPrefix(where());
    rollups_[RollupKey(base::FloorHour(old_created), m.channel, old_lang_)] -= 1;
    // The per-query entries of the stored version go; the new ones come below.
    query_ids_ = old_enrichment_parsed_.matched_queries;
    std::sort(query_ids_.begin(), query_ids_.end());
    query_ids_.erase(std::unique(query_ids_.begin(), query_ids_.end()), query_ids_.end());
    KeepKnownQueries(query_ids_);
    for (int64_t q : query_ids_) {
      query_index_ops_.push_back(QueryIndexOp{q, old_created, id, -1});
      query_rollups_[QueryRollupKey(base::FloorHour(old_created), q, m.channel, old_lang_)] -= 1;
    }
    CountLabels(old_created, m.channel, old_lang_, internal::LabelsOf(old_enrichment_parsed_), query_ids_, -1);
    {
      AuthorFacts old;
      old.created_at = old_created;
      old.channel = m.channel;
      old.handle = old_handle_;
      old.counted = !old_handle_.empty() && !old_outbound_;
      old.negative = old_enrichment_parsed_.sentiment == "negative";
      CountAuthorAll(old, query_ids_, -1);
    }
    outcome = WriteOutcome::kUpdated;
    if (thread_changed) {
      ECOUTE_ASSIGN_OR_RETURN(bool old_left, HasThread(old_thread_, channel, where));
      if (!old_left) --summary_threads_;
    }
  }
  m.id = id;
  fts_ops_.push_back(FtsOp{id, index, /*remove=*/false, 0});
  rollups_[RollupKey(base::FloorHour(m.created_at), m.channel, m.language)] += 1;
  if (!m.enrichment.matched_queries.empty()) {
    for (int64_t q : m.enrichment.matched_queries) {  // sorted, unique, defined (above)
      query_index_ops_.push_back(QueryIndexOp{q, m.created_at, id, +1});
      query_rollups_[QueryRollupKey(base::FloorHour(m.created_at), q, m.channel, m.language)] += 1;
    }
  }
  CountLabels(m.created_at, m.channel, m.language, internal::LabelsOf(m.enrichment), m.enrichment.matched_queries, +1);
  CountAuthorAll(AuthorFactsOf(m), m.enrichment.matched_queries, +1);
  auto [it, fresh] = blocks_.try_emplace(BlockOf(id), m.created_at, m.created_at);
  if (!fresh) {
    it->second.first = std::min(it->second.first, m.created_at);
    it->second.second = std::max(it->second.second, m.created_at);
  }

  // 4. Replies that arrived before this mention point at it as their
  // (tentative) root: move them to this mention's thread, which absorbs
  // theirs. The read-only probe first matters for speed: a multi-row UPDATE
  // opens a statement savepoint, which makes FTS5 flush its pending terms.
  if (m.thread_id != m.native_id) {
    ECOUTE_ASSIGN_OR_RETURN(bool has_replies, HasThread(m.native_id, channel, where));
    if (!has_replies) return base::Status::Ok();
    Stmt& rl = ws_.relink;
    ResetOnExit reset(rl);
    rl.BindText(1, m.thread_id);
    rl.BindText(2, m.native_id);
    rl.BindText(3, channel);
    base::Status s = rl.Run();
    if (!s.ok()) return s.WithPrefix(where());
    --summary_threads_;
  }
  return base::Status::Ok();
}

template <typename Where>
base::Result<bool> SqliteStore::HasThread(std::string_view thread, std::string_view channel, const Where& where) {
  Stmt& probe = ws_.has_thread;
  ResetOnExit reset(probe);
  probe.BindText(1, thread);
  probe.BindText(2, channel);
  auto any = probe.Step();
  if (!any.ok()) return any.status().WithPrefix(where());
  return *any;
}

base::Status SqliteStore::FlushQueryIndex() {
  // Sorted by key: rows of one query are neighbours in the B-tree, and an
  // update that keeps a query at the same created_at nets to nothing.
  std::sort(query_index_ops_.begin(), query_index_ops_.end(),
            [](const QueryIndexOp& a, const QueryIndexOp& b) { return a.Key() < b.Key(); });
  for (size_t i = 0; i < query_index_ops_.size();) {
    const QueryIndexOp& op = query_index_ops_[i];
    int delta = 0;
    size_t e = i;
    for (; e < query_index_ops_.size() && query_index_ops_[e].Key() == op.Key(); ++e)
      delta += query_index_ops_[e].delta;
    if (delta != 0) {
      Stmt& st = delta > 0 ? ws_.query_index_add : ws_.query_index_remove;
      ResetOnExit reset(st);
      st.BindInt(1, op.query_id);
      st.BindInt(2, op.created_at);
      st.BindInt(3, op.mention_id);
      ECOUTE_RETURN_IF_ERROR(st.Run());
    }
    i = e;
  }
  for (const auto& [key, delta] : query_rollups_) {
    if (delta == 0) continue;
    const auto& [bucket, query, channel, lang] = key;
    for (Stmt* st : {&ws_.query_rollup, &ws_.query_rollup_prune}) {
      if (st == &ws_.query_rollup_prune && delta > 0) break;
      ResetOnExit reset(*st);
      st->BindInt(1, bucket);
      st->BindInt(2, query);
      st->BindText(3, model::ChannelName(channel));
      st->BindText(4, lang);
      if (st == &ws_.query_rollup) st->BindInt(5, delta);
      ECOUTE_RETURN_IF_ERROR(st->Run());
    }
  }
  ECOUTE_RETURN_IF_ERROR(FlushAuthorRollups());
  return FlushQueryLabelRollups();
}

base::Status SqliteStore::FlushLabelRollups() {
  for (const auto& [key, delta] : label_rollups_) {
    if (delta == 0) continue;
    const auto& [bucket, channel, lang, labels] = key;
    for (Stmt* st : {&ws_.label_rollup, &ws_.label_rollup_prune}) {
      if (st == &ws_.label_rollup_prune && delta > 0) break;
      ResetOnExit reset(*st);
      st->BindInt(1, bucket);
      st->BindText(2, model::ChannelName(channel));
      st->BindText(3, lang);
      st->BindText(4, labels.sentiment);
      st->BindText(5, labels.category);
      st->BindText(6, labels.severity_level);
      st->BindText(7, labels.needs_reply);
      if (st == &ws_.label_rollup) st->BindInt(8, delta);
      ECOUTE_RETURN_IF_ERROR(st->Run());
    }
  }
  label_rollups_.clear();
  return base::Status::Ok();
}

base::Status SqliteStore::FlushQueryLabelRollups() {
  for (const auto& [key, delta] : query_label_rollups_) {
    if (delta == 0) continue;
    const auto& [query, bucket, channel, lang, labels] = key;
    for (Stmt* st : {&ws_.query_label_rollup, &ws_.query_label_rollup_prune}) {
      if (st == &ws_.query_label_rollup_prune && delta > 0) break;
      ResetOnExit reset(*st);
      st->BindInt(1, query);
      st->BindInt(2, bucket);
      st->BindText(3, model::ChannelName(channel));
      st->BindText(4, lang);
      st->BindText(5, labels.sentiment);
      st->BindText(6, labels.category);
      st->BindText(7, labels.severity_level);
      st->BindText(8, labels.needs_reply);
      if (st == &ws_.query_label_rollup) st->BindInt(9, delta);
      ECOUTE_RETURN_IF_ERROR(st->Run());
    }
  }
  query_label_rollups_.clear();
  return base::Status::Ok();
}

base::Status SqliteStore::FlushAuthorRollups() {
  // Stable: a key's changes stay in the order made (the last name wins).
  std::stable_sort(author_rollups_.begin(), author_rollups_.end(),
                   [](const AuthorDelta& a, const AuthorDelta& b) { return a.Key() < b.Key(); });
  for (size_t i = 0; i < author_rollups_.size();) {
    AuthorDelta& d = author_rollups_[i];
    size_t e = i + 1;
    for (; e < author_rollups_.size() && author_rollups_[e].Key() == d.Key(); ++e) {
      const AuthorDelta& x = author_rollups_[e];
      d.count += x.count;
      d.negative += x.negative;
      d.reach = std::max(d.reach, x.reach);
      d.followers = std::max(d.followers, x.followers);
      if (!x.display_name.empty()) d.display_name = x.display_name;
    }
    i = e;
    // Nothing changes for an author-day a mention left and re-entered
    // with nothing new (an update that kept its author and labels).
    if (d.count == 0 && d.negative == 0 && d.reach == 0 && d.followers == 0 && d.display_name.empty()) continue;
    auto bind_key = [&](Stmt& st) {
      st.BindInt(1, d.query);
      st.BindInt(2, d.day);
      st.BindText(3, model::ChannelName(d.channel));
      st.BindText(4, d.handle);
    };
    {
      Stmt& st = ws_.author_rollup;
      ResetOnExit reset(st);
      bind_key(st);
      st.BindInt(5, d.count);
      st.BindInt(6, d.negative);
      st.BindInt(7, d.reach);
      st.BindInt(8, d.followers);
      st.BindText(9, d.display_name);
      ECOUTE_RETURN_IF_ERROR(st.Run());
    }
    // At 0 too: a mention that entered and left in this change may be the
    // row's only one.
    if (d.count > 0) continue;
    ResetOnExit reset(ws_.author_rollup_prune);
    bind_key(ws_.author_rollup_prune);
    ECOUTE_RETURN_IF_ERROR(ws_.author_rollup_prune.Run());
  }
  author_rollups_.clear();
  return base::Status::Ok();
}

template <typename Body>
base::Status SqliteStore::InWriteTransaction(const Body& body) {
  if (base::Status ck = checkpointer_->TakeError(); !ck.ok()) {
    int rc = sqlite3_wal_checkpoint_v2(writer_.get(), nullptr, SQLITE_CHECKPOINT_PASSIVE, nullptr, nullptr);
    if (rc != SQLITE_OK && (rc & 0xff) != SQLITE_BUSY)
      return SqliteError(writer_.get(), rc, "checkpoint (after: " + ck.message() + ")");
  }
  base::Status s;
  {
    ResetOnExit reset(ws_.begin);
    s = ws_.begin.Run();
  }
  if (!s.ok()) return s;
  s = body();
  if (s.ok()) {
    ResetOnExit reset(ws_.commit);
    s = ws_.commit.Run();
  }
  if (!s.ok() && !sqlite3_get_autocommit(writer_.get())) {
    ResetOnExit reset(ws_.rollback);
    base::Status rb = ws_.rollback.Run();
    if (!rb.ok()) s = base::Status(s.code(), s.message() + "; and then " + rb.message());
  }
  return s;
}

base::Status SqliteStore::FlushAggregates(std::span<const model::Rejection> rejects, const WriteSummary& summary) {
  for (const auto& [key, delta] : rollups_) {
    if (delta == 0) continue;
    const auto& [bucket, channel, lang] = key;
    for (Stmt* st : {&ws_.rollup, &ws_.rollup_prune}) {
      if (st == &ws_.rollup_prune && delta > 0) break;
      ResetOnExit reset(*st);
      st->BindInt(1, bucket);
      st->BindText(2, model::ChannelName(channel));
      st->BindText(3, lang);
      if (st == &ws_.rollup) st->BindInt(4, delta);
      ECOUTE_RETURN_IF_ERROR(st->Run());
    }
  }
  ECOUTE_RETURN_IF_ERROR(FlushLabelRollups());
  for (const auto& [block, range] : blocks_) {
    ResetOnExit reset(ws_.block);
    ws_.block.BindInt(1, block);
    ws_.block.BindInt(2, range.first);
    ws_.block.BindInt(3, range.second);
    ECOUTE_RETURN_IF_ERROR(ws_.block.Run());
  }
  const base::Timestamp now = rejects.empty() ? 0 : clock_->Now();
  for (size_t i = 0; i < rejects.size(); ++i) {
    const model::Rejection& r = rejects[i];
    std::string_view raw = r.raw;
    if (raw.size() > model::kMaxRejectRawBytes) {
      size_t cut = model::kMaxRejectRawBytes;
      while (cut > 0 && (static_cast<unsigned char>(raw[cut]) & 0xc0) == 0x80) --cut;  // UTF-8 boundary
      raw = raw.substr(0, cut);
    }
    Stmt& st = ws_.reject;
    ResetOnExit reset(st);
    st.BindInt(1, now);
    st.BindText(2, r.source);
    st.BindText(3, r.location);
    st.BindText(4, r.field);
    st.BindText(5, r.reason);
    st.BindText(6, raw);
    base::Status s = st.Run();
    if (!s.ok()) return s.WithPrefix("rejects[" + std::to_string(i) + "]");
  }
  for (auto [name, delta] : {std::pair<std::string_view, int64_t>{"mentions", summary.inserted},
                             std::pair<std::string_view, int64_t>{"rejects", summary.rejected},
                             std::pair<std::string_view, int64_t>{"threads", summary_threads_}}) {
    if (delta == 0) continue;
    ResetOnExit reset(ws_.counter);
    ws_.counter.BindText(1, name);
    ws_.counter.BindInt(2, delta);
    ECOUTE_RETURN_IF_ERROR(ws_.counter.Run());
  }
  return base::Status::Ok();
}

// ---- reading ------------------------------------------------------------------

base::Result<MentionPage> SqliteStore::Search(const MentionFilter& filter) const {
  const int limit = std::clamp(filter.limit, 1, kMaxLimit);
  ECOUTE_ASSIGN_OR_RETURN(std::string words, MatchExpression(filter.text));
  const bool empty_range = filter.from && filter.to && *filter.from >= *filter.to;
  if (empty_range && filter.fts.empty()) return MentionPage{};
  if (filter.query_ids.size() > static_cast<size_t>(kMaxQueryIds))
    return base::Status::InvalidArgument("query_ids: more than " + std::to_string(kMaxQueryIds) + " ids");
  // One FTS5 expression for the words and the caller's expression (title
  // and text only) and the author (its author_key token); the author is
  // then checked exactly in SQL.
  SearchPlan plan;
  plan.match = ScopedMatch(words, filter.fts);
  if (!filter.author.empty()) {
    plan.author_lc = internal::AsciiLower(filter.author);
    std::string key;
    internal::AuthorKey(filter.author, key);
    if (!plan.match.empty()) plan.match += " AND ";
    plan.match += "author_key : \"" + key + "\"";
  }
  auto conn = readers_->Acquire();
  ECOUTE_ASSIGN_OR_RETURN(auto txn, internal::ReadTxn::Begin(conn->db.get(), conn->cache));
  if (!filter.fts.empty()) ECOUTE_RETURN_IF_ERROR(CheckFtsExpression(*conn, plan.match).WithPrefix("search"));
  if (empty_range) return MentionPage{};
  // A query's mentions are listed from its index, and a thread (small,
  // indexed) from the thread index; the words are then checked per row.
  base::Result<MentionPage> page = MentionPage{};
  if (!filter.query_ids.empty()) page = QuerySearch(*conn, filter, plan, limit);
  else if (plan.match.empty() || !filter.thread_id.empty()) page = ListRecent(*conn, filter, plan, limit);
  else page = TextSearch(*conn, filter, plan, limit);
  if (!page.ok()) return page.status().WithPrefix("search");
  return page;
}

base::Result<MentionPage> SqliteStore::ListRecent(ReadConn& c, const MentionFilter& f, const SearchPlan& plan,
                                                  int limit) const {
  std::string sql = "SELECT " + std::string(internal::kMentionColumns) + " FROM mentions m WHERE 1";
  std::vector<BindValue> binds;
  AppendFilters(f, plan.author_lc, sql, binds);
  if (!plan.match.empty()) {
    sql += " AND EXISTS (SELECT 1 FROM mentions_fts WHERE mentions_fts MATCH ? AND rowid = m.id)";
    binds.emplace_back(std::string_view(plan.match));
  }
  sql += " ORDER BY m.created_at DESC, m.id DESC";
  // With `accept` the rows are read until the page is full (or the scan
  // budget is spent), so SQL cannot bound them.
  const bool filtering = static_cast<bool>(f.accept);
  const int64_t budget = filtering && f.max_scan > 0 && plan.match.empty() && f.text.empty() && f.fts.empty()
                             ? f.max_scan
                             : 0;
  if (!filtering) {
    sql += " LIMIT ?";
    binds.emplace_back(static_cast<int64_t>(limit));
  }
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, c.Prepare(sql, "list mentions"));
  ResetOnExit reset(*st);
  BindAll(*st, binds);
  MentionPage page;
  bool spent = false;
  Cursor last;
  for (;;) {
    if (budget > 0 && page.scanned >= budget) {
      spent = true;
      break;
    }
    ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    ECOUTE_ASSIGN_OR_RETURN(model::Mention m, internal::ReadMention(*st));
    ++page.scanned;
    last = Cursor{m.created_at, m.id};
    if (filtering && !f.accept(m)) continue;
    page.items.push_back(std::move(m));
    if (static_cast<int>(page.items.size()) == limit) break;
  }
  if (static_cast<int>(page.items.size()) == limit)
    page.next = Cursor{page.items.back().created_at, page.items.back().id};
  else if (spent)
    page.next = last;
  return page;
}

// Full-text search, newest first. Matching rows are found per id block:
// blocks are visited in decreasing order of their newest created_at, a
// growing number at a time, and the visit stops once the `limit` best
// candidates are all newer than anything the next block can hold. When ids
// follow time this reads little more than the page itself, however common
// the words; when they do not (back-filled history), blocks whose time
// range cannot qualify are skipped. See docs/storage.md.
base::Result<MentionPage> SqliteStore::TextSearch(ReadConn& c, const MentionFilter& f, const SearchPlan& plan,
                                                  int limit) const {
  // Candidate blocks, pruned by the time filters.
  std::vector<Block> blocks;
  {
    std::string sql = "SELECT block, min_created_at, max_created_at FROM id_blocks WHERE 1";
    std::vector<BindValue> binds;
    if (f.from) {
      sql += " AND max_created_at >= ?";
      binds.emplace_back(*f.from);
    }
    if (f.to) {
      sql += " AND min_created_at < ?";
      binds.emplace_back(*f.to);
    }
    if (f.after) {
      sql += " AND min_created_at <= ?";
      binds.emplace_back(f.after->created_at);
    }
    ECOUTE_ASSIGN_OR_RETURN(Stmt * st, c.Prepare(sql, "list id blocks"));
    ResetOnExit reset(*st);
    BindAll(*st, binds);
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      blocks.push_back(Block{st->Int(0), st->Int(1), st->Int(2)});
    }
  }
  std::sort(blocks.begin(), blocks.end(), [](const Block& a, const Block& b) {
    return std::tie(a.max_created_at, a.block) > std::tie(b.max_created_at, b.block);
  });

  // The per-range query: FTS first (CROSS JOIN fixes the order), then the
  // mention row for its created_at and the other filters.
  std::string sql =
      "SELECT m.id, m.created_at FROM mentions_fts f CROSS JOIN mentions m ON m.id = f.rowid "
      "WHERE f.mentions_fts MATCH ? AND f.rowid >= ? AND f.rowid <= ?";
  std::vector<BindValue> binds;
  AppendFilters(f, plan.author_lc, sql, binds);
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, c.Prepare(sql, "full-text search"));

  // Min-heap of the best `limit` candidates seen so far. With `accept`, a
  // candidate is loaded and tested before it enters, and the loaded rows
  // of the heap's members are kept.
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> best;
  std::unordered_map<int64_t, model::Mention> loaded;
  int64_t scanned = 0;
  auto full = [&] { return static_cast<int>(best.size()) >= limit; };
  auto scan = [&](int64_t first_block, int64_t last_block) -> base::Status {
    ResetOnExit reset(*st);
    st->BindText(1, plan.match);
    st->BindInt(2, first_block << kBlockShift);
    st->BindInt(3, ((last_block + 1) << kBlockShift) - 1);
    BindAll(*st, binds, 4);
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) return base::Status::Ok();
      Candidate cand{st->Int(1), st->Int(0)};
      if (full() && !(best.top() < cand)) {
        if (!f.accept) ++scanned;
        continue;
      }
      ++scanned;
      if (f.accept) {
        ECOUTE_ASSIGN_OR_RETURN(std::optional<model::Mention> m, GetIn(c, cand.id));
        if (!m) return base::Status::Internal("mention " + std::to_string(cand.id) + " vanished during a search");
        if (!f.accept(*m)) continue;
        loaded.emplace(cand.id, std::move(*m));
      }
      if (full()) {
        loaded.erase(best.top().id);
        best.pop();
      }
      best.push(cand);
    }
  };

  size_t next = 0;
  size_t round = 1;
  std::vector<int64_t> batch;
  while (next < blocks.size()) {
    // Every block from `next` on holds nothing newer than its max.
    if (full() && blocks[next].max_created_at < best.top().created_at) break;
    batch.clear();
    for (size_t k = 0; k < round && next < blocks.size(); ++k, ++next) {
      const Block& b = blocks[next];
      if (full() && b.max_created_at < best.top().created_at) break;
      batch.push_back(b.block);
    }
    std::sort(batch.begin(), batch.end(), std::greater<>());
    // Adjacent blocks are scanned as one rowid range.
    for (size_t k = 0; k < batch.size();) {
      size_t e = k;
      while (e + 1 < batch.size() && batch[e + 1] == batch[e] - 1) ++e;
      ECOUTE_RETURN_IF_ERROR(scan(batch[e], batch[k]));
      k = e + 1;
    }
    round = std::min<size_t>(round * 2, 256);
  }

  std::vector<Candidate> order;
  order.reserve(best.size());
  while (!best.empty()) {
    order.push_back(best.top());
    best.pop();
  }
  std::reverse(order.begin(), order.end());  // newest first
  MentionPage page;
  page.scanned = scanned;
  page.items.reserve(order.size());
  for (const Candidate& cand : order) {
    if (auto it = loaded.find(cand.id); it != loaded.end()) {
      page.items.push_back(std::move(it->second));
      continue;
    }
    ECOUTE_ASSIGN_OR_RETURN(std::optional<model::Mention> m, GetIn(c, cand.id));
    if (!m) return base::Status::Internal("mention " + std::to_string(cand.id) + " vanished during a search");
    page.items.push_back(std::move(*m));
  }
  if (static_cast<int>(page.items.size()) == limit)
    page.next = Cursor{page.items.back().created_at, page.items.back().id};
  return page;
}

// The mentions of one or several queries, newest first: one statement per
// query walks its rows of mention_queries (already in (created_at DESC, id
// DESC) order) joined with the mention and the other filters; the streams
// are merged, a mention listed by two queries kept once. The full-text
// part is checked per chunk of merged rows with one FTS5 query over the
// chunk's id range (an FTS5 query per row costs ~0.1 ms).
base::Result<MentionPage> SqliteStore::QuerySearch(ReadConn& c, const MentionFilter& f, const SearchPlan& plan,
                                                   int limit) const {
  std::vector<int64_t> queries;
  SortedUnique(f.query_ids, queries);
  std::string where;
  std::vector<BindValue> binds;
  AppendFilters(f, plan.author_lc, where, binds, "q.created_at", "q.mention_id");
  const std::string body = "SELECT " + QualifiedMentionColumns() +
                           " FROM mention_queries q CROSS JOIN mentions m ON m.id = q.mention_id "
                           "WHERE q.query_id = ?" +
                           where + " ORDER BY q.created_at DESC, q.mention_id DESC";

  // One statement per stream (the comment makes the cached SQL distinct).
  std::vector<Stmt*> arms;
  struct ResetAll {
    std::vector<Stmt*>& arms;
    ~ResetAll() {
      for (Stmt* s : arms) s->Reset();
    }
  } reset_all{arms};
  struct Head {
    base::Timestamp created_at;
    int64_t id;
    size_t arm;
    bool operator<(const Head& o) const { return std::tie(created_at, id) < std::tie(o.created_at, o.id); }
  };
  std::priority_queue<Head> heads;
  auto advance = [&](size_t arm) -> base::Status {
    ECOUTE_ASSIGN_OR_RETURN(bool row, arms[arm]->Step());
    if (row) heads.push(Head{arms[arm]->Int(1), arms[arm]->Int(0), arm});
    return base::Status::Ok();
  };
  for (size_t k = 0; k < queries.size(); ++k) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * st,
                            c.Prepare("/* stream " + std::to_string(k) + " */ " + body, "list query mentions"));
    arms.push_back(st);
    st->BindInt(1, queries[k]);
    BindAll(*st, binds, 2);
    ECOUTE_RETURN_IF_ERROR(advance(k));
  }

  MentionPage page;
  auto full = [&] { return static_cast<int>(page.items.size()) >= limit; };
  auto take = [&](model::Mention& m) {
    ++page.scanned;
    if (!f.accept || f.accept(m)) page.items.push_back(std::move(m));
  };
  std::vector<model::Mention> chunk;
  size_t chunk_size = 32;
  std::vector<int64_t> matching;
  auto flush = [&]() -> base::Status {
    if (chunk.empty()) return base::Status::Ok();
    int64_t lo = chunk[0].id, hi = chunk[0].id;
    for (const auto& m : chunk) {
      lo = std::min(lo, m.id);
      hi = std::max(hi, m.id);
    }
    static const std::string kSql =
        "SELECT rowid FROM mentions_fts WHERE mentions_fts MATCH ? AND rowid >= ? AND rowid <= ?";
    ECOUTE_ASSIGN_OR_RETURN(Stmt * st, c.Prepare(kSql, "check query mentions text"));
    ResetOnExit reset(*st);
    st->BindText(1, plan.match);
    st->BindInt(2, lo);
    st->BindInt(3, hi);
    matching.clear();
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      matching.push_back(st->Int(0));
    }
    std::sort(matching.begin(), matching.end());
    for (auto& m : chunk) {
      if (full()) break;
      if (std::binary_search(matching.begin(), matching.end(), m.id)) take(m);
    }
    chunk.clear();
    chunk_size = std::min<size_t>(chunk_size * 2, 1024);
    return base::Status::Ok();
  };
  std::optional<Head> last;
  while (!heads.empty() && !full()) {
    Head h = heads.top();
    heads.pop();
    if (!last || last->created_at != h.created_at || last->id != h.id) {
      last = h;
      ECOUTE_ASSIGN_OR_RETURN(model::Mention m, internal::ReadMention(*arms[h.arm]));
      if (plan.match.empty()) {
        take(m);
      } else {
        chunk.push_back(std::move(m));
        if (chunk.size() >= chunk_size) ECOUTE_RETURN_IF_ERROR(flush());
      }
    }
    ECOUTE_RETURN_IF_ERROR(advance(h.arm));
  }
  if (!full()) ECOUTE_RETURN_IF_ERROR(flush());
  if (static_cast<int>(page.items.size()) == limit)
    page.next = Cursor{page.items.back().created_at, page.items.back().id};
  return page;
}

base::Result<std::optional<model::Mention>> SqliteStore::GetIn(ReadConn& c, int64_t id) const {
  static const std::string kSql = "SELECT " + std::string(internal::kMentionColumns) + " FROM mentions WHERE id = ?";
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, c.Prepare(kSql, "get mention"));
  ResetOnExit reset(*st);
  st->BindInt(1, id);
  ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
  if (!row) return std::optional<model::Mention>();
  ECOUTE_ASSIGN_OR_RETURN(model::Mention m, internal::ReadMention(*st));
  return std::optional<model::Mention>(std::move(m));
}

base::Result<std::optional<model::Mention>> SqliteStore::Get(int64_t id) const {
  auto conn = readers_->Acquire();
  return GetIn(*conn, id);
}

base::Result<std::vector<VolumePoint>> SqliteStore::Volume(const VolumeQuery& q) const {
  const base::Timestamp from = base::FloorHour(q.from);
  if (q.to <= from) return base::Status::InvalidArgument("volume: `to` must be after `from`");
  const int64_t step = q.interval == Interval::kHour ? 3'600'000 : q.interval == Interval::kDay ? 86'400'000 : 604'800'000;
  if ((q.to - from) / step > kMaxVolumeBuckets)
    return base::Status::InvalidArgument("volume: more than " + std::to_string(kMaxVolumeBuckets) + " " +
                                         std::string(IntervalName(q.interval)) + " buckets requested");
  if (q.query_ids.size() > static_cast<size_t>(kMaxQueryIds))
    return base::Status::InvalidArgument("volume: query_ids: more than " + std::to_string(kMaxQueryIds) + " ids");
  // Per-query counts come from their own rollups, label counts from the
  // label rollups; each keeps channel and language, the label ones all
  // four labels, so every condition combines with every grouping.
  const bool per_query = q.group_by == GroupBy::kQuery || !q.query_ids.empty();
  const bool by_label = q.group_by == GroupBy::kSentiment || q.group_by == GroupBy::kCategory ||
                        q.group_by == GroupBy::kSeverity || q.group_by == GroupBy::kNeedsReply ||
                        !q.sentiments.empty() || !q.categories.empty() || !q.severity_levels.empty() ||
                        q.needs_reply.has_value();
  std::string_view group_col = q.group_by == GroupBy::kChannel      ? "channel"
                               : q.group_by == GroupBy::kLanguage    ? "lang"
                               : q.group_by == GroupBy::kQuery       ? "query_id"
                               : q.group_by == GroupBy::kSentiment   ? "sentiment"
                               : q.group_by == GroupBy::kCategory    ? "category"
                               : q.group_by == GroupBy::kSeverity    ? "severity_level"
                               : q.group_by == GroupBy::kNeedsReply  ? "needs_reply"
                                                                     : "''";
  std::string_view table = by_label ? (per_query ? "rollup_query_label_hour" : "rollup_label_hour")
                                    : (per_query ? "rollup_query_hour" : "rollup_hour");
  // No GROUP BY: the rows are summed below, which costs a fraction of
  // SQLite's sorter.
  std::string sql = "SELECT bucket_ms, " + std::string(group_col) + ", count FROM " + std::string(table) +
                    " WHERE bucket_ms >= ? AND bucket_ms < ?";
  std::vector<BindValue> binds{from, q.to};
  auto in_list = [&](std::string_view column, size_t n) {
    sql += " AND ";
    sql += column;
    sql += " IN (";
    for (size_t i = 0; i < n; ++i) sql += i == 0 ? "?" : ",?";
    sql += ")";
  };
  if (!q.channels.empty()) {
    in_list("channel", q.channels.size());
    for (model::Channel c : q.channels) binds.emplace_back(model::ChannelName(c));
  }
  if (!q.languages.empty()) {
    in_list("lang", q.languages.size());
    for (const auto& l : q.languages) binds.emplace_back(std::string_view(l));
  }
  if (!q.query_ids.empty()) {
    in_list("query_id", q.query_ids.size());
    for (int64_t id : q.query_ids) binds.emplace_back(id);
  }
  for (const auto& [column, values] : {std::pair<std::string_view, const std::vector<std::string>*>{"sentiment", &q.sentiments},
                                       {"category", &q.categories},
                                       {"severity_level", &q.severity_levels}}) {
    if (values->empty()) continue;
    if (values->size() > static_cast<size_t>(kMaxQueryIds))
      return base::Status::InvalidArgument("volume: " + std::string(column) + ": more than " +
                                           std::to_string(kMaxQueryIds) + " values");
    in_list(column, values->size());
    for (const auto& v : *values) binds.emplace_back(std::string_view(v));
  }
  if (q.needs_reply) {
    sql += " AND needs_reply = ?";
    binds.emplace_back(std::string_view(*q.needs_reply ? "true" : "false"));
  }

  // Sums keyed by (bucket, group): the query id for kQuery, else the index
  // of the group's name in `names`.
  struct KeyHash {
    size_t operator()(const std::pair<int64_t, int64_t>& k) const {
      return std::hash<int64_t>()(k.first * 0x9E3779B97F4A7C15ULL ^ static_cast<uint64_t>(k.second));
    }
  };
  std::unordered_map<std::pair<int64_t, int64_t>, int64_t, KeyHash> sums;
  std::vector<std::string> names;
  std::unordered_map<std::string, int64_t> name_index;
  {
    auto conn = readers_->Acquire();
    ECOUTE_ASSIGN_OR_RETURN(Stmt * st, conn->Prepare(sql, "volume"));
    ResetOnExit reset(*st);
    BindAll(*st, binds);
    base::Timestamp last_hour = std::numeric_limits<base::Timestamp>::min(), last_bucket = 0;
    int64_t last_name = -1;
    std::string name;
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      const base::Timestamp hour = st->Int(0);
      if (hour != last_hour) {
        last_hour = hour;
        last_bucket = q.interval == Interval::kDay ? base::FloorDay(hour)
                      : q.interval == Interval::kWeek ? base::FloorWeek(hour)
                                                        : hour;
      }
      int64_t group = 0;
      if (q.group_by == GroupBy::kQuery) {
        group = st->Int(1);
      } else {
        const std::string_view text = st->Text(1);
        if (last_name < 0 || names[static_cast<size_t>(last_name)] != text) {
          name.assign(text);
          auto [it, fresh] = name_index.try_emplace(name, static_cast<int64_t>(names.size()));
          if (fresh) names.push_back(name);
          last_name = it->second;
        }
        group = last_name;
      }
      sums[{last_bucket, group}] += st->Int(2);
    }
  }
  // Ordered by bucket, then query id (kQuery) or group name.
  std::vector<std::pair<std::pair<int64_t, int64_t>, int64_t>> rows(sums.begin(), sums.end());
  const bool by_query = q.group_by == GroupBy::kQuery;
  std::sort(rows.begin(), rows.end(), [&](const auto& a, const auto& b) {
    if (a.first.first != b.first.first) return a.first.first < b.first.first;
    if (by_query) return a.first.second < b.first.second;
    return names[static_cast<size_t>(a.first.second)] < names[static_cast<size_t>(b.first.second)];
  });
  std::vector<VolumePoint> out;
  out.reserve(rows.size());
  for (const auto& [key, count] : rows) {
    if (count == 0) continue;
    out.push_back(VolumePoint{key.first, by_query ? std::to_string(key.second) : names[static_cast<size_t>(key.second)],
                              count});
  }
  return out;
}

// ---- top authors ------------------------------------------------------------------

namespace {

constexpr int kMaxAuthorLimit = 100;
constexpr int64_t kMaxAuthorDays = 3660;
constexpr int64_t kDayMs = 86'400'000;
// The partial indexes of rollup_author_day (migration 6) hold the rows at
// or above these; below, TopAuthors reads the window's rows in key order.
constexpr int64_t kIndexedCount = 2;
constexpr int64_t kIndexedReach = 1000;

constexpr std::string_view kAuthorColumns =
    "day_ms, channel, handle, count, negative, reach_max, followers_max, display_name";

// One author's counts in the window as read so far.
struct AuthorCandidate {
  std::string channel, handle;
  int64_t mentions = 0, negative = 0, reach = 0, followers = 0;
  base::Timestamp name_day = std::numeric_limits<base::Timestamp>::min();
  std::string display_name;
  std::vector<base::Timestamp> days;  // the days whose row was read
  bool exact = false;                 // every row of the window is read
};

}  // namespace

base::Result<AuthorPage> SqliteStore::TopAuthors(const AuthorQuery& q) const {
  if (q.limit < 1 || q.limit > kMaxAuthorLimit)
    return base::Status::InvalidArgument("limit: must be 1.." + std::to_string(kMaxAuthorLimit) + ", got " +
                                         std::to_string(q.limit));
  if (q.query_id < 0)
    return base::Status::InvalidArgument("query_id: must be >= 0, got " + std::to_string(q.query_id));
  if (q.to <= q.from) return base::Status::InvalidArgument("to: must be after from");
  constexpr base::Timestamp kYear10000 = 253'402'300'800'000;  // bounds the day arithmetic below
  if (q.from < -kYear10000) return base::Status::InvalidArgument("from: out of range");
  if (q.to > kYear10000) return base::Status::InvalidArgument("to: out of range");
  AuthorPage page;
  page.from = base::FloorDay(q.from);
  page.to = base::FloorDay(q.to - 1) + kDayMs;
  const int64_t days = (page.to - page.from) / kDayMs;
  if (days > kMaxAuthorDays)
    return base::Status::InvalidArgument("from: the window spans " + std::to_string(days) + " days; at most " +
                                         std::to_string(kMaxAuthorDays));
  std::vector<std::string> channels;
  if (q.channels.empty()) {
    for (int c = 0; c < model::kChannelCount; ++c) channels.emplace_back(model::ChannelName(static_cast<model::Channel>(c)));
  } else {
    for (model::Channel c : q.channels) channels.emplace_back(model::ChannelName(c));
  }
  std::sort(channels.begin(), channels.end());
  channels.erase(std::unique(channels.begin(), channels.end()), channels.end());
  const bool by_reach = q.sort == AuthorSort::kReach;
  const auto limit = static_cast<size_t>(q.limit);
  const std::string cols(kAuthorColumns);
  const std::string index = by_reach ? "rollup_author_day_reach" : "rollup_author_day_count";
  const std::string key_col = by_reach ? "reach_max" : "count";
  const std::string floor = std::to_string(by_reach ? kIndexedReach : kIndexedCount);

  auto conn = readers_->Acquire();
  ECOUTE_ASSIGN_OR_RETURN(auto txn, internal::ReadTxn::Begin(conn->db.get(), conn->cache));
  // One day and channel, through the partial index: the best `?4` rows
  // (probe), or those with the key in [?4, ?5) (band).
  const std::string where = " FROM rollup_author_day INDEXED BY " + index +
                            " WHERE query_id = ?1 AND day_ms = ?2 AND channel = ?3 AND " + key_col + " >= " + floor;
  ECOUTE_ASSIGN_OR_RETURN(
      Stmt * probe, conn->Prepare("SELECT " + cols + where + " ORDER BY " + key_col + " DESC LIMIT ?4", "top authors: probe"));
  ECOUTE_ASSIGN_OR_RETURN(
      Stmt * band, conn->Prepare("SELECT " + cols + where + " AND " + key_col + " >= ?4 AND " + key_col + " < ?5",
                                 "top authors: band"));
  // The rows below the indexed floor, the whole window in key order.
  ECOUTE_ASSIGN_OR_RETURN(
      Stmt * rest, conn->Prepare("SELECT " + cols + " FROM rollup_author_day WHERE query_id = ?1 AND day_ms >= ?2 "
                                 "AND day_ms < ?3 AND " + key_col + " < " + floor,
                                 "top authors: rest"));
  ECOUTE_ASSIGN_OR_RETURN(
      Stmt * point, conn->Prepare("SELECT " + cols + " FROM rollup_author_day WHERE query_id = ?1 AND day_ms = ?2 "
                                  "AND channel = ?3 AND handle = ?4",
                                  "top authors: author-day"));

  std::map<std::pair<std::string, std::string>, AuthorCandidate> cands;
  // Adds the current row of `st` (kAuthorColumns) to its candidate, unless
  // that one is complete already.
  auto add = [&](Stmt& st) {
    auto key = std::make_pair(std::string(st.Text(1)), std::string(st.Text(2)));
    auto [it, fresh] = cands.try_emplace(key);
    AuthorCandidate& c = it->second;
    if (fresh) {
      c.channel = key.first;
      c.handle = key.second;
    }
    if (c.exact) return;
    const base::Timestamp day = st.Int(0);
    c.days.push_back(day);
    c.mentions += st.Int(3);
    c.negative += st.Int(4);
    c.reach = std::max(c.reach, st.Int(5));
    c.followers = std::max(c.followers, st.Int(6));
    if (day >= c.name_day && !st.Text(7).empty()) {
      c.name_day = day;
      c.display_name.assign(st.Text(7));
    }
  };
  // Runs `st` for each day and channel of the window; `bind` binds ?4, ?5.
  auto each_day = [&](Stmt& st, const std::function<void(Stmt&)>& bind) -> base::Status {
    for (base::Timestamp day = page.from; day < page.to; day += kDayMs) {
      for (const std::string& ch : channels) {
        ResetOnExit reset(st);
        st.BindInt(1, q.query_id);
        st.BindInt(2, day);
        st.BindText(3, ch);
        bind(st);
        for (;;) {
          ECOUTE_ASSIGN_OR_RETURN(bool row, st.Step());
          if (!row) break;
          add(st);
        }
      }
    }
    return base::Status::Ok();
  };
  // Reads the rest of the window: every candidate is then complete.
  auto read_rest = [&]() -> base::Status {
    ResetOnExit reset(*rest);
    rest->BindInt(1, q.query_id);
    rest->BindInt(2, page.from);
    rest->BindInt(3, page.to);
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, rest->Step());
      if (!row) break;
      if (!std::binary_search(channels.begin(), channels.end(), rest->Text(1))) continue;
      add(*rest);
    }
    for (auto& [key, c] : cands) c.exact = true;
    return base::Status::Ok();
  };
  // Reads the days of `c` not read yet.
  auto complete = [&](AuthorCandidate& c) -> base::Status {
    if (c.exact) return base::Status::Ok();
    std::sort(c.days.begin(), c.days.end());
    const std::vector<base::Timestamp> seen = c.days;
    for (base::Timestamp day = page.from; day < page.to; day += kDayMs) {
      if (std::binary_search(seen.begin(), seen.end(), day)) continue;
      ResetOnExit reset(*point);
      point->BindInt(1, q.query_id);
      point->BindInt(2, day);
      point->BindText(3, c.channel);
      point->BindText(4, c.handle);
      ECOUTE_ASSIGN_OR_RETURN(bool row, point->Step());
      if (row) add(*point);
    }
    c.exact = true;
    return base::Status::Ok();
  };
  // Best first: the sort key, the other, channel, handle.
  auto better = [by_reach](const AuthorCandidate* a, const AuthorCandidate* b) {
    const auto ka = by_reach ? std::tie(a->reach, a->mentions) : std::tie(a->mentions, a->reach);
    const auto kb = by_reach ? std::tie(b->reach, b->mentions) : std::tie(b->mentions, b->reach);
    if (ka != kb) return ka > kb;
    return std::tie(a->channel, a->handle) < std::tie(b->channel, b->handle);
  };
  auto ranked = [&] {
    std::vector<AuthorCandidate*> r;
    r.reserve(cands.size());
    for (auto& [key, c] : cands) r.push_back(&c);
    std::sort(r.begin(), r.end(), better);
    return r;
  };

  // 1. Probe: the best `limit` rows of each day and channel give a value
  // the limit-th author reaches at least.
  ECOUTE_RETURN_IF_ERROR(each_day(*probe, [&](Stmt& st) { st.BindInt(4, q.limit); }));
  int64_t reached = 0;
  {
    std::vector<int64_t> values;
    for (const auto& [key, c] : cands) values.push_back(by_reach ? c.reach : c.mentions);
    if (values.size() >= limit) {
      std::nth_element(values.begin(), values.begin() + q.limit - 1, values.end(), std::greater<>());
      reached = values[limit - 1];
    }
  }
  cands.clear();
  if (by_reach) {
    // 2. Every author-day with reach >= `reached` (>= the indexed floor):
    // at least `limit` authors, whose reach is exact; any other author's
    // is below. Complete the counts of those that rank or tie.
    if (reached >= kIndexedReach) {
      ECOUTE_RETURN_IF_ERROR(each_day(*band, [&](Stmt& st) {
        st.BindInt(4, reached);
        st.BindInt(5, std::numeric_limits<int64_t>::max());
      }));
    } else {
      ECOUTE_RETURN_IF_ERROR(each_day(*band, [&](Stmt& st) {
        st.BindInt(4, kIndexedReach);
        st.BindInt(5, std::numeric_limits<int64_t>::max());
      }));
      ECOUTE_RETURN_IF_ERROR(read_rest());
    }
    std::vector<AuthorCandidate*> r = ranked();
    if (r.size() > limit) {
      const int64_t cut = r[limit - 1]->reach;
      for (AuthorCandidate* c : r)
        if (c->reach >= cut) ECOUTE_RETURN_IF_ERROR(complete(*c));
    } else {
      for (AuthorCandidate* c : r) ECOUTE_RETURN_IF_ERROR(complete(*c));
    }
  } else {
    // 2. Rows with count >= t: an author none of whose days was read has
    // at most days * (t - 1) mentions; one with unread days at most what
    // was read plus (t - 1) per unread day. t starts where the probe says
    // the answer lies and halves until the limit-th author is proven above
    // every author that could still overtake it (those are completed).
    int64_t t = std::max<int64_t>(kIndexedCount, reached / days);
    int64_t upper = std::numeric_limits<int64_t>::max();  // band [t, upper)
    bool all = false;
    for (;;) {
      if (reached / days < kIndexedCount) {
        ECOUTE_RETURN_IF_ERROR(each_day(*band, [&](Stmt& st) {
          st.BindInt(4, kIndexedCount);
          st.BindInt(5, upper);
        }));
        ECOUTE_RETURN_IF_ERROR(read_rest());
        all = true;
      } else {
        ECOUTE_RETURN_IF_ERROR(each_day(*band, [&](Stmt& st) {
          st.BindInt(4, t);
          st.BindInt(5, upper);
        }));
      }
      if (all) break;
      bool proven = false;
      for (;;) {
        std::vector<AuthorCandidate*> r = ranked();
        if (r.size() < limit) break;
        const int64_t v = r[limit - 1]->mentions;
        if (days * (t - 1) >= v) break;
        bool completed = false;
        for (AuthorCandidate* c : r) {
          if (c->exact) continue;
          const int64_t most = c->mentions + (days - static_cast<int64_t>(c->days.size())) * (t - 1);
          if (most < v) continue;
          ECOUTE_RETURN_IF_ERROR(complete(*c));
          completed = true;
        }
        if (!completed) {
          proven = true;
          break;
        }
      }
      if (proven) break;
      upper = t;
      t /= 2;
      if (t < kIndexedCount) reached = 0;  // next: everything below `upper`
    }
  }
  std::vector<AuthorCandidate*> r = ranked();
  if (r.size() > limit) r.resize(limit);
  for (AuthorCandidate* c : r) {
    AuthorStat a;
    a.channel = model::ParseChannel(c->channel).value_or(model::Channel::kOther);
    a.handle = c->handle;
    a.display_name = c->display_name;
    a.followers = c->followers;
    a.mentions = c->mentions;
    a.negative = c->negative;
    a.reach = c->reach;
    page.items.push_back(std::move(a));
  }
  return page;
}

base::Result<std::vector<StoredReject>> SqliteStore::Rejects(int limit, int64_t before_id) const {
  limit = std::clamp(limit, 1, kMaxLimit);
  if (before_id <= 0) before_id = std::numeric_limits<int64_t>::max();
  auto conn = readers_->Acquire();
  ECOUTE_ASSIGN_OR_RETURN(
      Stmt * st, conn->Prepare("SELECT id, received_at, source, location, field, reason, raw FROM rejects "
                               "WHERE id < ? ORDER BY id DESC LIMIT ?",
                               "list rejects"));
  ResetOnExit reset(*st);
  st->BindInt(1, before_id);
  st->BindInt(2, limit);
  std::vector<StoredReject> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    StoredReject r;
    r.id = st->Int(0);
    r.received_at = st->Int(1);
    r.rejection.source = st->Text(2);
    r.rejection.location = st->Text(3);
    r.rejection.field = st->Text(4);
    r.rejection.reason = st->Text(5);
    r.rejection.raw = st->Text(6);
    out.push_back(std::move(r));
  }
  return out;
}

base::Result<StoreCounts> SqliteStore::Counts() const {
  StoreCounts counts;
  {
    auto conn = readers_->Acquire();
    ECOUTE_ASSIGN_OR_RETURN(auto txn, internal::ReadTxn::Begin(conn->db.get(), conn->cache));
    ECOUTE_ASSIGN_OR_RETURN(Stmt * st, conn->Prepare("SELECT name, value FROM counters", "read counters"));
    {
      ResetOnExit reset(*st);
      for (;;) {
        ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
        if (!row) break;
        if (st->Text(0) == "mentions") counts.mentions = st->Int(1);
        if (st->Text(0) == "rejects") counts.rejects = st->Int(1);
        if (st->Text(0) == "threads") counts.threads = st->Int(1);
      }
    }
    ECOUTE_ASSIGN_OR_RETURN(Stmt * pc, conn->Prepare("PRAGMA page_count", "read page_count"));
    int64_t pages = 0;
    {
      ResetOnExit reset(*pc);
      ECOUTE_ASSIGN_OR_RETURN(bool row, pc->Step());
      if (row) pages = pc->Int(0);
    }
    ECOUTE_ASSIGN_OR_RETURN(Stmt * ps, conn->Prepare("PRAGMA page_size", "read page_size"));
    {
      ResetOnExit reset(*ps);
      ECOUTE_ASSIGN_OR_RETURN(bool row, ps->Step());
      if (row) counts.bytes = static_cast<uint64_t>(pages * ps->Int(0));
    }
  }
  std::error_code ec;
  auto wal = std::filesystem::file_size(path_ + "-wal", ec);
  if (!ec) counts.bytes += wal;
  return counts;
}

base::Result<int64_t> SqliteStore::MaxMentionId() const {
  auto conn = readers_->Acquire();
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, conn->Prepare("SELECT coalesce(max(id), 0) FROM mentions", "max mention id"));
  ResetOnExit reset(*st);
  ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
  return row ? st->Int(0) : 0;
}

base::Status SqliteStore::ScanMentions(int64_t first_id, int64_t last_id, const std::string& fts,
                                       const std::function<bool(const model::Mention&)>& fn) const {
  const std::string match = ScopedMatch("", fts);
  auto conn = readers_->Acquire();
  ECOUTE_ASSIGN_OR_RETURN(auto txn, internal::ReadTxn::Begin(conn->db.get(), conn->cache));
  if (!match.empty()) ECOUTE_RETURN_IF_ERROR(CheckFtsExpression(*conn, match).WithPrefix("scan mentions"));
  if (first_id > last_id) return base::Status::Ok();
  const std::string sql =
      match.empty() ? "SELECT " + std::string(internal::kMentionColumns) +
                          " FROM mentions WHERE id >= ?1 AND id <= ?2 ORDER BY id"
                    : "SELECT " + QualifiedMentionColumns() +
                          " FROM mentions_fts f CROSS JOIN mentions m ON m.id = f.rowid "
                          "WHERE f.mentions_fts MATCH ?3 AND f.rowid >= ?1 AND f.rowid <= ?2 ORDER BY f.rowid";
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, conn->Prepare(sql, "scan mentions"));
  ResetOnExit reset(*st);
  st->BindInt(1, first_id);
  st->BindInt(2, last_id);
  if (!match.empty()) st->BindText(3, match);
  for (;;) {
    auto row = st->Step();
    if (!row.ok()) return row.status().WithPrefix("scan mentions");
    if (!*row) return base::Status::Ok();
    auto m = internal::ReadMention(*st);
    if (!m.ok()) return m.status().WithPrefix("scan mentions");
    if (!fn(*m)) return base::Status::Ok();
  }
}

// ---- query definitions ---------------------------------------------------------

base::Result<std::vector<QueryDef>> SqliteStore::Queries() const {
  auto conn = readers_->Acquire();
  ECOUTE_ASSIGN_OR_RETURN(Stmt * st, conn->Prepare("SELECT id, name, kind, text, description, enabled, origin, "
                                                   "created_at, updated_at, backfill_pending, backfill_to FROM queries ORDER BY id",
                                                   "list queries"));
  ResetOnExit reset(*st);
  std::vector<QueryDef> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
    if (!row) break;
    QueryDef q;
    q.id = st->Int(0);
    q.name = st->Text(1);
    auto kind = ParseQueryKind(st->Text(2));
    if (!kind)
      return base::Status::Corruption("query " + std::to_string(q.id) + ": unknown kind \"" +
                                      std::string(st->Text(2)) + "\"");
    q.kind = *kind;
    q.text = st->Text(3);
    q.description = st->Text(4);
    q.enabled = st->Int(5) != 0;
    q.origin = st->Text(6);
    q.created_at = st->Int(7);
    q.updated_at = st->Int(8);
    q.backfill_pending = st->Int(9) != 0;
    if (q.backfill_pending && !st->IsNull(10)) q.backfill_to = st->Int(10);
    out.push_back(std::move(q));
  }
  return out;
}

base::Result<QueryDef> SqliteStore::SaveQuery(QueryDef q) {
  if (!match::IsValidQueryName(q.name))
    return base::Status::InvalidArgument("query name \"" + q.name.substr(0, 80) +
                                         "\": expected 1 to 64 ASCII letters, digits or '_'");
  if (std::all_of(q.text.begin(), q.text.end(), [](char ch) { return static_cast<unsigned char>(ch) <= 0x20; }))
    return base::Status::InvalidArgument("query \"" + q.name + "\": empty text");
  if (q.origin != "api" && q.origin != "config")
    return base::Status::InvalidArgument("query \"" + q.name + "\": origin \"" + q.origin.substr(0, 40) +
                                         "\": expected api or config");
  if (q.id < 0) return base::Status::NotFound("query " + std::to_string(q.id) + ": no such query");
  std::lock_guard lock(write_mu_);
  sqlite3* db = writer_.get();
  const base::Timestamp now = clock_->Now();
  base::Status s = InWriteTransaction([&]() -> base::Status {
    if (q.id != 0) {
      ECOUTE_ASSIGN_OR_RETURN(Stmt find,
                              Stmt::Prepare(db, "SELECT created_at, backfill_pending, backfill_to FROM queries WHERE id = ?",
                                            "find query"));
      find.BindInt(1, q.id);
      ECOUTE_ASSIGN_OR_RETURN(bool row, find.Step());
      if (!row) return base::Status::NotFound("query " + std::to_string(q.id) + ": no such query");
      q.created_at = find.Int(0);
      q.backfill_pending = find.Int(1) != 0;
      q.backfill_to.reset();
      if (q.backfill_pending && !find.IsNull(2)) q.backfill_to = find.Int(2);
    } else {
      q.created_at = now;
      q.backfill_to.reset();
    }
    q.updated_at = now;
    ECOUTE_ASSIGN_OR_RETURN(
        Stmt taken, Stmt::Prepare(db, "SELECT id FROM queries WHERE name = ?1 AND id <> ?2", "check query name"));
    taken.BindText(1, q.name);
    taken.BindInt(2, q.id);
    ECOUTE_ASSIGN_OR_RETURN(bool clash, taken.Step());
    if (clash)
      return base::Status::AlreadyExists("query name \"" + q.name + "\" is taken by query " +
                                         std::to_string(taken.Int(0)));
    ECOUTE_ASSIGN_OR_RETURN(
        Stmt put, Stmt::Prepare(db,
                                q.id == 0 ? "INSERT INTO queries(name, kind, text, description, enabled, origin, "
                                            "created_at, updated_at, backfill_pending) "
                                            "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?10)"
                                          : "UPDATE queries SET name = ?1, kind = ?2, text = ?3, description = ?4, "
                                            "enabled = ?5, origin = ?6, created_at = ?7, updated_at = ?8 WHERE id = ?9",
                                "save query"));
    put.BindText(1, q.name);
    put.BindText(2, QueryKindName(q.kind));
    put.BindText(3, q.text);
    put.BindText(4, q.description);
    put.BindInt(5, q.enabled ? 1 : 0);
    put.BindText(6, q.origin);
    put.BindInt(7, q.created_at);
    put.BindInt(8, q.updated_at);
    if (q.id != 0) put.BindInt(9, q.id);
    else put.BindInt(10, q.backfill_pending ? 1 : 0);
    ECOUTE_RETURN_IF_ERROR(put.Run());
    if (q.id == 0) q.id = sqlite3_last_insert_rowid(db);
    return base::Status::Ok();
  });
  if (!s.ok()) return s.WithPrefix("save query");
  known_queries_.insert(q.id);
  return q;
}

base::Status SqliteStore::SetQueryBackfill(int64_t id, bool pending, std::optional<int64_t> up_to_id) {
  std::lock_guard lock(write_mu_);
  sqlite3* db = writer_.get();
  base::Status s = InWriteTransaction([&]() -> base::Status {
    ECOUTE_ASSIGN_OR_RETURN(
        Stmt up, Stmt::Prepare(db, "UPDATE queries SET backfill_pending = ?, backfill_to = ? WHERE id = ?",
                               "mark query backfill"));
    up.BindInt(1, pending ? 1 : 0);
    if (pending && up_to_id) up.BindInt(2, *up_to_id);
    else up.BindNull(2);
    up.BindInt(3, id);
    ECOUTE_RETURN_IF_ERROR(up.Run());
    if (sqlite3_changes(db) == 0) return base::Status::NotFound("query " + std::to_string(id) + ": no such query");
    return base::Status::Ok();
  });
  return s.WithPrefix("mark query backfill");
}

base::Status SqliteStore::DeleteQuery(int64_t id) {
  std::lock_guard lock(write_mu_);
  sqlite3* db = writer_.get();
  base::Status s = InWriteTransaction([&]() -> base::Status {
    ECOUTE_ASSIGN_OR_RETURN(Stmt del, Stmt::Prepare(db, "DELETE FROM queries WHERE id = ?", "delete query"));
    del.BindInt(1, id);
    ECOUTE_RETURN_IF_ERROR(del.Run());
    if (sqlite3_changes(db) == 0) return base::Status::NotFound("query " + std::to_string(id) + ": no such query");
    // The mentions it tagged lose its id, so what they say agrees with the index.
    ECOUTE_ASSIGN_OR_RETURN(
        Stmt tagged, Stmt::Prepare(db, "SELECT m.id, m.enrichment FROM mention_queries q JOIN mentions m "
                                       "ON m.id = q.mention_id WHERE q.query_id = ?",
                                   "list tagged mentions"));
    ECOUTE_ASSIGN_OR_RETURN(Stmt untag,
                            Stmt::Prepare(db, "UPDATE mentions SET enrichment = ?2 WHERE id = ?1", "untag mention"));
    tagged.BindInt(1, id);
    std::vector<std::pair<int64_t, std::string>> rewrites;
    std::vector<int64_t> matched;
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, tagged.Step());
      if (!row) break;
      const int64_t mention = tagged.Int(0);
      const std::string old_json(tagged.Text(1));
      ECOUTE_RETURN_IF_ERROR(internal::MatchedQueriesOf(old_json, mention, matched));
      std::erase(matched, id);
      ECOUTE_ASSIGN_OR_RETURN(std::string new_json, internal::WithMatchedQueries(old_json, mention, matched));
      rewrites.emplace_back(mention, std::move(new_json));
    }
    for (const auto& [mention, json] : rewrites) {
      ResetOnExit reset(untag);
      untag.BindInt(1, mention);
      untag.BindTextOrNull(2, json);
      ECOUTE_RETURN_IF_ERROR(untag.Run());
    }
    for (const char* sql : {"DELETE FROM mention_queries WHERE query_id = ?",
                            "DELETE FROM rollup_query_hour WHERE query_id = ?",
                            "DELETE FROM rollup_query_label_hour WHERE query_id = ?",
                            "DELETE FROM rollup_author_day WHERE query_id = ?"}) {
      ECOUTE_ASSIGN_OR_RETURN(Stmt st, Stmt::Prepare(db, sql, "delete query rows"));
      st.BindInt(1, id);
      ECOUTE_RETURN_IF_ERROR(st.Run());
    }
    return base::Status::Ok();
  });
  if (s.ok()) known_queries_.erase(id);
  return s.WithPrefix("delete query");
}

base::Result<int64_t> SqliteStore::ReplaceQueryMatches(int64_t query_id, int64_t first_id, int64_t last_id,
                                                       std::span<const int64_t> ids) {
  std::lock_guard lock(write_mu_);
  sqlite3* db = writer_.get();
  int64_t changed = 0;
  base::Status s = InWriteTransaction([&]() -> base::Status {
    changed = 0;
    query_index_ops_.clear();
    query_rollups_.clear();
    query_label_rollups_.clear();
    author_rollups_.clear();
    {
      ECOUTE_ASSIGN_OR_RETURN(Stmt find, Stmt::Prepare(db, "SELECT 1 FROM queries WHERE id = ?", "find query"));
      find.BindInt(1, query_id);
      ECOUTE_ASSIGN_OR_RETURN(bool row, find.Step());
      if (!row) return base::Status::NotFound("query " + std::to_string(query_id) + ": no such query");
    }
    if (first_id > last_id) return base::Status::Ok();

    // What the index holds now in the range: mention id -> created_at.
    std::vector<std::pair<int64_t, base::Timestamp>> current;
    {
      ECOUTE_ASSIGN_OR_RETURN(Stmt cur, Stmt::Prepare(db,
                                                      "SELECT mention_id, created_at FROM mention_queries "
                                                      "WHERE query_id = ?1 AND mention_id >= ?2 AND mention_id <= ?3",
                                                      "list query matches"));
      cur.BindInt(1, query_id);
      cur.BindInt(2, first_id);
      cur.BindInt(3, last_id);
      for (;;) {
        ECOUTE_ASSIGN_OR_RETURN(bool row, cur.Step());
        if (!row) break;
        current.emplace_back(cur.Int(0), cur.Int(1));
      }
    }
    std::sort(current.begin(), current.end());
    std::vector<int64_t> want;
    SortedUnique(ids, want);
    std::erase_if(want, [&](int64_t id) { return id < first_id || id > last_id; });

    ECOUTE_ASSIGN_OR_RETURN(
        Stmt load, Stmt::Prepare(db,
                                 "SELECT created_at, channel, language, enrichment, author_handle, direction, "
                                 "author_followers, author_name FROM mentions WHERE id = ?",
                                 "load mention enrichment"));
    ECOUTE_ASSIGN_OR_RETURN(Stmt store,
                            Stmt::Prepare(db, "UPDATE mentions SET enrichment = ?2 WHERE id = ?1", "store enrichment"));
    std::vector<int64_t> matched;
    // Adds (gain) or removes the query for one mention; `indexed_at` is the
    // index row's created_at when removing.
    auto change = [&](int64_t id, bool gain, base::Timestamp indexed_at) -> base::Status {
      ResetOnExit reset_load(load);
      load.BindInt(1, id);
      ECOUTE_ASSIGN_OR_RETURN(bool row, load.Step());
      if (!row) {
        // Not stored: ignored when gaining; a dangling index row goes.
        if (!gain) query_index_ops_.push_back(QueryIndexOp{query_id, indexed_at, id, -1});
        return base::Status::Ok();
      }
      const base::Timestamp created = load.Int(0);
      auto channel = model::ParseChannel(load.Text(1));
      if (!channel)
        return base::Status::Corruption("mention " + std::to_string(id) + ": column channel: unknown channel \"" +
                                        std::string(load.Text(1)) + "\"");
      const std::string lang(load.Text(2));
      const std::string old_json(load.Text(3));
      ECOUTE_RETURN_IF_ERROR(internal::ParseEnrichment(old_json, id, old_enrichment_parsed_));
      matched = old_enrichment_parsed_.matched_queries;
      std::erase(matched, query_id);
      if (gain) matched.push_back(query_id);
      std::sort(matched.begin(), matched.end());
      matched.erase(std::unique(matched.begin(), matched.end()), matched.end());
      ECOUTE_ASSIGN_OR_RETURN(std::string new_json, internal::WithMatchedQueries(old_json, id, matched));
      {
        ResetOnExit reset_store(store);
        store.BindInt(1, id);
        store.BindTextOrNull(2, new_json);
        ECOUTE_RETURN_IF_ERROR(store.Run());
      }
      query_index_ops_.push_back(QueryIndexOp{query_id, gain ? created : indexed_at, id, gain ? +1 : -1});
      query_rollups_[QueryRollupKey(base::FloorHour(created), query_id, *channel, lang)] += gain ? 1 : -1;
      query_label_rollups_[QueryLabelRollupKey(query_id, base::FloorHour(created), *channel, lang,
                                               internal::LabelsOf(old_enrichment_parsed_))] += gain ? 1 : -1;
      AuthorFacts author;
      author.created_at = created;
      author.channel = *channel;
      author.handle = load.Text(4);
      author.counted = !author.handle.empty() && load.Text(5) != model::DirectionName(model::Direction::kOutbound);
      author.negative = old_enrichment_parsed_.sentiment == "negative";
      author.followers = load.IsNull(6) ? 0 : std::max<int64_t>(0, load.Int(6));
      author.reach = std::max<int64_t>(0, old_enrichment_parsed_.reach.value_or(author.followers));
      author.display_name = load.Text(7);
      CountAuthor(author, query_id, gain ? 1 : -1, author.negative ? (gain ? 1 : -1) : 0);
      ++changed;
      return base::Status::Ok();
    };
    size_t w = 0, c = 0;
    while (w < want.size() || c < current.size()) {
      if (c == current.size() || (w < want.size() && want[w] < current[c].first)) {
        ECOUTE_RETURN_IF_ERROR(change(want[w++], /*gain=*/true, 0));
      } else if (w == want.size() || current[c].first < want[w]) {
        ECOUTE_RETURN_IF_ERROR(change(current[c].first, /*gain=*/false, current[c].second));
        ++c;
      } else {
        ++w;
        ++c;
      }
    }
    return FlushQueryIndex();
  });
  if (!s.ok()) return s.WithPrefix("replace query matches");
  return changed;
}

// ---- label corrections -----------------------------------------------------------

base::Result<model::Mention> SqliteStore::CorrectLabels(int64_t mention_id, const LabelCorrection& c) {
  if (c.sentiment && !IsSentimentLabel(*c.sentiment))
    return base::Status::InvalidArgument("sentiment: \"" + c.sentiment->substr(0, 64) +
                                         "\": expected negative, neutral or positive");
  if (c.category && !IsCategoryName(*c.category))
    return base::Status::InvalidArgument("category: \"" + c.category->substr(0, 64) +
                                         "\": expected 1 to 64 of a-z, 0-9 and _");
  if (c.severity_level && !IsSeverityLevel(*c.severity_level))
    return base::Status::InvalidArgument("severity_level: \"" + c.severity_level->substr(0, 64) +
                                         "\": expected none, low, medium, high or critical");
  if (!c.sentiment && !c.needs_reply && !c.category && !c.severity_level)
    return base::Status::InvalidArgument("labels: no label to correct");
  std::lock_guard lock(write_mu_);
  sqlite3* db = writer_.get();
  const base::Timestamp at = c.at != 0 ? c.at : clock_->Now();
  model::Mention m;
  base::Status s = InWriteTransaction([&]() -> base::Status {
    label_rollups_.clear();
    query_label_rollups_.clear();
    author_rollups_.clear();
    {
      ECOUTE_ASSIGN_OR_RETURN(
          Stmt load, Stmt::Prepare(db, "SELECT " + std::string(internal::kMentionColumns) + " FROM mentions WHERE id = ?",
                                   "load mention"));
      load.BindInt(1, mention_id);
      ECOUTE_ASSIGN_OR_RETURN(bool row, load.Step());
      if (!row) return base::Status::NotFound("mention " + std::to_string(mention_id) + ": no such mention");
      ECOUTE_ASSIGN_OR_RETURN(m, internal::ReadMention(load));
    }
    model::Enrichment& e = m.enrichment;
    const internal::Labels before = internal::LabelsOf(e);
    ECOUTE_ASSIGN_OR_RETURN(
        Stmt record, Stmt::Prepare(db,
                                   "INSERT INTO label_corrections(mention_id, channel, native_id, field, value, "
                                   "previous, user, at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                   "record label correction"));
    bool changed = false;
    // One field: records it unless a user already set this very value.
    auto apply = [&](std::string_view field, const std::optional<std::string>& previous,
                     const std::string& value) -> base::Status {
      const bool was_corrected = std::find(e.corrected.begin(), e.corrected.end(), field) != e.corrected.end();
      if (was_corrected && previous == value) return base::Status::Ok();
      ResetOnExit reset(record);
      record.BindInt(1, mention_id);
      record.BindText(2, model::ChannelName(m.channel));
      record.BindText(3, m.native_id);
      record.BindText(4, field);
      record.BindText(5, value);
      if (previous) record.BindText(6, *previous);
      else record.BindNull(6);
      record.BindText(7, c.user);
      record.BindInt(8, at);
      ECOUTE_RETURN_IF_ERROR(record.Run());
      if (!was_corrected) e.corrected.emplace_back(field);
      changed = true;
      return base::Status::Ok();
    };
    auto bool_text = [](std::optional<bool> b) -> std::optional<std::string> {
      if (!b) return std::nullopt;
      return std::string(*b ? "true" : "false");
    };
    if (c.sentiment) {
      ECOUTE_RETURN_IF_ERROR(apply("sentiment", e.sentiment, *c.sentiment));
      e.sentiment = *c.sentiment;
    }
    if (c.needs_reply) {
      ECOUTE_RETURN_IF_ERROR(apply("needs_reply", bool_text(e.needs_reply), *bool_text(c.needs_reply)));
      e.needs_reply = *c.needs_reply;
    }
    if (c.category) {
      ECOUTE_RETURN_IF_ERROR(apply("category", e.category, *c.category));
      e.category = *c.category;
    }
    if (c.severity_level) {
      ECOUTE_RETURN_IF_ERROR(apply("severity_level", e.severity_level, *c.severity_level));
      e.severity_level = *c.severity_level;
    }
    if (!changed) return base::Status::Ok();
    std::sort(e.corrected.begin(), e.corrected.end());
    e.corrected.erase(std::unique(e.corrected.begin(), e.corrected.end()), e.corrected.end());
    std::string json;
    internal::EnrichmentJson(e, json);
    {
      ECOUTE_ASSIGN_OR_RETURN(Stmt up, Stmt::Prepare(db, "UPDATE mentions SET enrichment = ?2 WHERE id = ?1",
                                                     "store corrected enrichment"));
      up.BindInt(1, mention_id);
      up.BindTextOrNull(2, json);
      ECOUTE_RETURN_IF_ERROR(up.Run());
    }
    const internal::Labels after = internal::LabelsOf(e);
    if (after == before) return base::Status::Ok();
    std::vector<int64_t> queries = e.matched_queries;  // stored sorted, unique, defined
    KeepKnownQueries(queries);
    CountLabels(m.created_at, m.channel, m.language, before, queries, -1);
    CountLabels(m.created_at, m.channel, m.language, after, queries, +1);
    if ((before.sentiment == "negative") != (after.sentiment == "negative")) {
      const AuthorFacts author = AuthorFactsOf(m);
      const int negative = author.negative ? +1 : -1;  // `m` has the new labels
      CountAuthor(author, 0, 0, negative);
      for (int64_t q : queries) CountAuthor(author, q, 0, negative);
    }
    ECOUTE_RETURN_IF_ERROR(FlushLabelRollups());
    ECOUTE_RETURN_IF_ERROR(FlushAuthorRollups());
    return FlushQueryLabelRollups();
  });
  if (!s.ok()) return s.code() == base::StatusCode::kNotFound ? s : s.WithPrefix("correct labels");
  return m;
}

base::Result<std::vector<LabeledMention>> SqliteStore::LabelCorrections(int64_t after_id, int limit) const {
  limit = std::clamp(limit, 1, kMaxLimit);
  auto conn = readers_->Acquire();
  ECOUTE_ASSIGN_OR_RETURN(auto txn, internal::ReadTxn::Begin(conn->db.get(), conn->cache));
  std::vector<std::pair<int64_t, int64_t>> page;  // (mention id, latest correction id)
  {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * st, conn->Prepare("SELECT mention_id, max(id) AS last FROM label_corrections "
                                                     "GROUP BY mention_id HAVING last > ?1 ORDER BY last LIMIT ?2",
                                                     "list label corrections"));
    ResetOnExit reset(*st);
    st->BindInt(1, after_id);
    st->BindInt(2, limit);
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, st->Step());
      if (!row) break;
      page.emplace_back(st->Int(0), st->Int(1));
    }
  }
  ECOUTE_ASSIGN_OR_RETURN(Stmt * fields, conn->Prepare("SELECT field, value, user, at_ms FROM label_corrections "
                                                       "WHERE mention_id = ?1 AND id <= ?2 ORDER BY id",
                                                       "read label corrections"));
  ECOUTE_ASSIGN_OR_RETURN(Stmt * mention, conn->Prepare("SELECT channel, native_id, language, title, text "
                                                        "FROM mentions WHERE id = ?1",
                                                        "read corrected mention"));
  std::vector<LabeledMention> out;
  out.reserve(page.size());
  for (const auto& [mention_id, last] : page) {
    LabeledMention l;
    l.correction_id = last;
    l.mention_id = mention_id;
    {
      ResetOnExit reset(*mention);
      mention->BindInt(1, mention_id);
      ECOUTE_ASSIGN_OR_RETURN(bool row, mention->Step());
      if (!row) continue;  // not stored (cannot happen: mentions are never deleted)
      auto channel = model::ParseChannel(mention->Text(0));
      if (!channel)
        return base::Status::Corruption("mention " + std::to_string(mention_id) +
                                        ": column channel: unknown channel \"" + std::string(mention->Text(0)) + "\"");
      l.channel = *channel;
      l.native_id = mention->Text(1);
      l.language = mention->Text(2);
      l.title = mention->Text(3);
      l.text = mention->Text(4);
    }
    ResetOnExit reset(*fields);
    fields->BindInt(1, mention_id);
    fields->BindInt(2, last);
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, fields->Step());
      if (!row) break;
      const std::string_view field = fields->Text(0);
      std::string value(fields->Text(1));
      if (field == "sentiment") l.sentiment = value;
      else if (field == "needs_reply") l.needs_reply = value == "true";
      else if (field == "category") l.category = value;
      else if (field == "severity_level") l.severity_level = value;
      l.user = fields->Text(2);
      l.at = fields->Int(3);
    }
    out.push_back(std::move(l));
  }
  return out;
}

// ---- alerts ---------------------------------------------------------------------------

base::Status SqliteStore::SaveAlert(const AlertRecord& alert, std::span<const AlertHistoryEntry> history) {
  ECOUTE_RETURN_IF_ERROR(internal::CheckAlert(alert).WithPrefix("save alert"));
  std::lock_guard lock(write_mu_);
  return InWriteTransaction([&] { return internal::PutAlert(AlertWriter(), alert, history); })
      .WithPrefix("save alert " + std::to_string(alert.id));
}

base::Result<std::vector<AlertRecord>> SqliteStore::Alerts(const AlertFilter& filter) const {
  auto conn = readers_->Acquire();
  return internal::ListAlerts(conn->Cached(), filter);
}

base::Result<std::optional<AlertRecord>> SqliteStore::GetAlert(int64_t id) const {
  auto conn = readers_->Acquire();
  return internal::FindAlert(conn->Cached(), id);
}

base::Result<int64_t> SqliteStore::MaxAlertId() const {
  auto conn = readers_->Acquire();
  return internal::MaxAlertIdIn(conn->Cached());
}

base::Result<AlertCounts> SqliteStore::CountAlerts(const std::string& rule,
                                                   std::map<std::string, AlertCounts>* by_rule) const {
  auto conn = readers_->Acquire();
  return internal::CountAlertsIn(conn->Cached(), rule, by_rule);
}

base::Result<std::vector<AlertHistoryEntry>> SqliteStore::AlertHistory(int64_t alert_id) const {
  auto conn = readers_->Acquire();
  return internal::ListAlertHistory(conn->Cached(), alert_id);
}

base::Status SqliteStore::AddDeliveries(std::span<const DeliveryRecord> deliveries) {
  if (deliveries.empty()) return base::Status::Ok();
  std::lock_guard lock(write_mu_);
  return InWriteTransaction([&] { return internal::PutDeliveries(AlertWriter(), deliveries); })
      .WithPrefix("add deliveries");
}

base::Status SqliteStore::WriteAlerts(std::span<const AlertWrite> alerts, std::span<const DeliveryRecord> deliveries) {
  for (const AlertWrite& w : alerts) ECOUTE_RETURN_IF_ERROR(internal::CheckAlert(w.alert).WithPrefix("write alerts"));
  if (alerts.empty() && deliveries.empty()) return base::Status::Ok();
  std::lock_guard lock(write_mu_);
  return InWriteTransaction([&]() -> base::Status {
           for (const AlertWrite& w : alerts)
             ECOUTE_RETURN_IF_ERROR(internal::PutAlert(AlertWriter(), w.alert, w.history)
                                        .WithPrefix("alert " + std::to_string(w.alert.id)));
           if (!deliveries.empty()) ECOUTE_RETURN_IF_ERROR(internal::PutDeliveries(AlertWriter(), deliveries));
           return base::Status::Ok();
         })
      .WithPrefix("write alerts");
}

base::Result<std::vector<DeliveryRecord>> SqliteStore::Deliveries(const DeliveryFilter& filter) const {
  auto conn = readers_->Acquire();
  return internal::ListDeliveries(conn->Cached(), filter);
}

base::Result<std::vector<AlertRuleRecord>> SqliteStore::AlertRules() const {
  auto conn = readers_->Acquire();
  return internal::ListAlertRules(conn->Cached());
}

base::Result<AlertRuleRecord> SqliteStore::SaveAlertRule(AlertRuleRecord rule) {
  ECOUTE_RETURN_IF_ERROR(internal::CheckAlertRule(rule));
  std::lock_guard lock(write_mu_);
  const base::Timestamp now = clock_->Now();
  base::Status s = InWriteTransaction([&] { return internal::PutAlertRule(AlertWriter(), rule, now); });
  if (!s.ok()) return s.WithPrefix("save alert rule");
  return rule;
}

base::Status SqliteStore::DeleteAlertRule(int64_t id) {
  std::lock_guard lock(write_mu_);
  return InWriteTransaction([&] { return internal::RemoveAlertRule(AlertWriter(), id); })
      .WithPrefix("delete alert rule");
}

}  // namespace

base::Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options) {
  auto store = std::make_unique<SqliteStore>();
  ECOUTE_RETURN_IF_ERROR(store->Open(options));
  return std::unique_ptr<Store>(std::move(store));
}

}  // namespace ecoute::store
