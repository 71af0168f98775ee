// Thin RAII helpers over the SQLite C API, for the repositories that keep
// their tables in ecoute's database file (the store, auth, contacts, care).
//
// Every failing sqlite3 call becomes a Status whose message names the step
// ("insert mention", "migration 1 (initial schema)") and SQLite's message.
// A Db or Stmt is used by one thread at a time.
#pragma once

#include <sqlite3.h>

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/status.h"

namespace ecoute::store::internal {

// Maps an SQLite result code to a Status: CORRUPT/NOTADB -> Corruption,
// BUSY/LOCKED -> Unavailable, IOERR/FULL/CANTOPEN/READONLY/PERM -> IoError,
// anything else -> Internal. The message is "sqlite <step>: <errmsg>".
base::Status SqliteError(sqlite3* db, int rc, std::string_view step);

struct DbCloser {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
};
using Db = std::unique_ptr<sqlite3, DbCloser>;

// Opens `path` with `flags` (SQLITE_OPEN_*); IoError naming the path.
base::Result<Db> OpenDb(const std::string& path, int flags);

// Opens a read-write connection (creating the file) on the database file
// that ecoute's repositories share, set up as all of them need it: OpenDb,
// busy_timeout 10 s, the WAL journal (not for ":memory:") and PRAGMA
// synchronous = `synchronous` (OFF, NORMAL, FULL or EXTRA, any case; the
// caller checks it). The file must be ecoute's (application_id
// kApplicationId) or new (no application_id, user_version 0, no schema
// object); a new one gets page_size 8192 and ecoute's application_id, so
// that whichever repository opens it first, the others accept it.
// Errors start with `who` and the path (`care db: "/x.db"`): IoError when
// the file cannot be opened or WAL cannot be enabled; Corruption, the file
// left unchanged, when it is not an SQLite file ("... is not an ecoute
// database: it is not an SQLite database (...)") or another application's
// ("...: not an ecoute database: it holds N schema objects of another
// application ..." / "...: application_id is X, expected Y").
base::Result<Db> OpenSharedDb(const std::string& path, std::string_view who, std::string_view synchronous);

// A new empty file in the temporary directory, standing in for ":memory:"
// where a repository needs several connections to one database (a real file
// lets readers see the writer's commits through WAL); removed, with its
// -wal, -shm and -journal, on destruction.
class TempDbFile {
 public:
  // The file is named ecoute-<tag>-XXXXXX. IoError starting with `who` when
  // it cannot be created.
  static base::Result<std::unique_ptr<TempDbFile>> Create(std::string_view tag, std::string_view who);
  TempDbFile() = default;
  ~TempDbFile();
  TempDbFile(const TempDbFile&) = delete;
  TempDbFile& operator=(const TempDbFile&) = delete;

  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// Runs one or more statements that return no rows we need.
base::Status Exec(sqlite3* db, std::string_view sql, std::string_view step);

// A prepared statement. Bind* indexes are 1-based, as in SQLite. Text is
// bound SQLITE_STATIC: the caller keeps it alive until Reset().
class Stmt {
 public:
  Stmt() = default;
  static base::Result<Stmt> Prepare(sqlite3* db, std::string_view sql, std::string_view step,
                                    bool persistent = false);

  bool valid() const { return stmt_ != nullptr; }
  sqlite3_stmt* get() const { return stmt_.get(); }

  void BindInt(int i, int64_t v) { sqlite3_bind_int64(stmt_.get(), i, v); }
  void BindDouble(int i, double v) { sqlite3_bind_double(stmt_.get(), i, v); }
  void BindNull(int i) { sqlite3_bind_null(stmt_.get(), i); }
  void BindText(int i, std::string_view v) {
    sqlite3_bind_text(stmt_.get(), i, v.data(), static_cast<int>(v.size()), SQLITE_STATIC);
  }
  // Binds NULL for an empty string.
  void BindTextOrNull(int i, std::string_view v) {
    if (v.empty()) BindNull(i); else BindText(i, v);
  }

  // Steps once: true when a row is available, false when done.
  base::Result<bool> Step();
  // Steps to completion, ignoring rows.
  base::Status Run();
  // Resets and clears bindings so the statement can be reused.
  void Reset() {
    sqlite3_reset(stmt_.get());
    sqlite3_clear_bindings(stmt_.get());
  }

  int64_t Int(int col) const { return sqlite3_column_int64(stmt_.get(), col); }
  double Double(int col) const { return sqlite3_column_double(stmt_.get(), col); }
  bool IsNull(int col) const { return sqlite3_column_type(stmt_.get(), col) == SQLITE_NULL; }
  // Valid until the next Step/Reset.
  std::string_view Text(int col) const {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_.get(), col));
    int n = sqlite3_column_bytes(stmt_.get(), col);
    return p == nullptr ? std::string_view() : std::string_view(p, static_cast<size_t>(n));
  }

  const std::string& step_name() const { return step_; }

 private:
  struct Finalizer {
    void operator()(sqlite3_stmt* s) const { sqlite3_finalize(s); }
  };
  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  std::string step_;
};

// Resets a statement when leaving a scope (so it releases its read lock and
// bound buffers), whatever the path out.
class ResetOnExit {
 public:
  explicit ResetOnExit(Stmt& s) : s_(s) {}
  ~ResetOnExit() { s_.Reset(); }
  ResetOnExit(const ResetOnExit&) = delete;
  ResetOnExit& operator=(const ResetOnExit&) = delete;

 private:
  Stmt& s_;
};

// Prepared statements of one connection, reused by SQL text. Used by one
// thread at a time, with its connection; destroy it before closing that
// connection.
class StatementCache {
 public:
  static constexpr size_t kMaxStatements = 64;

  // The statement for `sql` on `db` (always the same connection for one
  // cache), prepared (persistent) on first use. The pointer stays valid
  // until Trim() or Clear().
  base::Result<Stmt*> Get(sqlite3* db, const std::string& sql, std::string_view step);
  // Empties the cache when it holds kMaxStatements or more; only while none
  // of its statements is in use.
  void Trim() {
    if (stmts_.size() >= kMaxStatements) stmts_.clear();
  }
  void Clear() { stmts_.clear(); }

 private:
  std::unordered_map<std::string, Stmt> stmts_;
};

// A fixed set of connections (a repository's readers); Acquire() blocks
// until one is free. `Conn` has a member `StatementCache cache`, trimmed on
// each Acquire. Thread-safe; destroy it after the last Lease.
template <class Conn>
class ConnectionPool {
 public:
  // A connection held by one thread until the Lease is destroyed.
  class Lease {
   public:
    Lease(ConnectionPool& pool, Conn* conn) : pool_(pool), conn_(conn) {}
    ~Lease() { pool_.Release(conn_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Conn& operator*() const { return *conn_; }
    Conn* operator->() const { return conn_; }

   private:
    ConnectionPool& pool_;
    Conn* conn_;
  };

  // Only before the first Acquire.
  void Add(std::unique_ptr<Conn> c) {
    free_.push_back(c.get());
    all_.push_back(std::move(c));
  }
  // Blocks forever when the pool is empty.
  Lease Acquire() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [&] { return !free_.empty(); });
    Conn* c = free_.back();
    free_.pop_back();
    c->cache.Trim();
    return Lease(*this, c);
  }

 private:
  void Release(Conn* c) {
    {
      std::lock_guard lock(mu_);
      free_.push_back(c);
    }
    cv_.notify_one();
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Conn*> free_;  // GUARDED_BY(mu_)
  std::vector<std::unique_ptr<Conn>> all_;
};

// One snapshot for all the statements of a read call on `db`: BEGIN (cached
// in `cache`, the connection's) in Begin, COMMIT on destruction (ending a
// read cannot lose data; a failure would only leave the snapshot open until
// the next BEGIN reports it).
class ReadTxn {
 public:
  static base::Result<std::unique_ptr<ReadTxn>> Begin(sqlite3* db, StatementCache& cache);
  explicit ReadTxn(sqlite3* db) : db_(db) {}
  ~ReadTxn() { (void)Exec(db_, "COMMIT", "end read"); }
  ReadTxn(const ReadTxn&) = delete;
  ReadTxn& operator=(const ReadTxn&) = delete;

 private:
  sqlite3* db_;
};

// Runs a query returning one integer (e.g. a PRAGMA); NotFound if no row.
base::Result<int64_t> QueryInt(sqlite3* db, std::string_view sql, std::string_view step);
// Runs a query returning one text value; NotFound if no row.
base::Result<std::string> QueryText(sqlite3* db, std::string_view sql, std::string_view step);

}  // namespace ecoute::store::internal
