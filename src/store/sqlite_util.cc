#include "store/sqlite_util.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <utility>

#include "store/fts_tokenizer.h"
#include "store/migrations.h"

namespace ecoute::store::internal {

base::Status SqliteError(sqlite3* db, int rc, std::string_view step) {
  std::string msg = "sqlite ";
  msg += step;
  msg += ": ";
  // sqlite3_errmsg describes the last failing call on `db`; fall back to the
  // generic text for the code when there is no handle.
  msg += db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  msg += " (";
  msg += sqlite3_errstr(rc);
  msg += ")";
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return base::Status::Corruption(std::move(msg));
    case SQLITE_BUSY:
    case SQLITE_LOCKED: return base::Status::Unavailable(std::move(msg));
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
    case SQLITE_PERM: return base::Status::IoError(std::move(msg));
    default: return base::Status::Internal(std::move(msg));
  }
}

base::Result<Db> OpenDb(const std::string& path, int flags) {
  sqlite3* raw = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  Db db(raw);
  if (rc != SQLITE_OK) {
    base::Status s = SqliteError(db.get(), rc, "open \"" + path + "\"");
    return base::Status::IoError(s.message());
  }
  sqlite3_extended_result_codes(db.get(), 1);
  ECOUTE_RETURN_IF_ERROR(RegisterFtsTokenizer(db.get()));
  return db;
}

namespace {

// Whether `db` is a new file (true) or ecoute's (false); Corruption for
// another application's. The first read of the file: Corruption too when it
// is not SQLite at all.
base::Result<bool> CheckSharedFile(sqlite3* db, const std::string& where) {
  auto app_id = QueryInt(db, "PRAGMA application_id", "read application_id");
  if (!app_id.ok()) {
    if (app_id.status().code() == base::StatusCode::kCorruption)
      return base::Status::Corruption(where + " is not an ecoute database: it is not an SQLite database (" +
                                      app_id.status().message() + ")");
    return app_id.status().WithPrefix(where);
  }
  if (*app_id == kApplicationId) return false;
  auto version = QueryInt(db, "PRAGMA user_version", "read user_version");
  if (!version.ok()) return version.status().WithPrefix(where);
  auto objects = QueryInt(db, "SELECT count(*) FROM sqlite_schema", "read sqlite_schema");
  if (!objects.ok()) return objects.status().WithPrefix(where);
  if (*app_id == 0 && *version == 0) {
    if (*objects == 0) return true;
    return base::Status::Corruption(where + ": not an ecoute database: it holds " + std::to_string(*objects) +
                                    " schema objects of another application (no ecoute application_id)");
  }
  return base::Status::Corruption(where + ": not an ecoute database: application_id is " + std::to_string(*app_id) +
                                  ", expected " + std::to_string(kApplicationId));
}

}  // namespace

base::Result<Db> OpenSharedDb(const std::string& path, std::string_view who, std::string_view synchronous) {
  ECOUTE_ASSIGN_OR_RETURN(Db conn, OpenDb(path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX));
  sqlite3* db = conn.get();
  const std::string where = std::string(who) + ": \"" + path + "\"";
  base::Status s = Exec(db, "PRAGMA busy_timeout = 10000", "set busy_timeout");
  if (!s.ok()) return s.WithPrefix(where);
  // Another application's file is refused before anything changes in it.
  ECOUTE_ASSIGN_OR_RETURN(bool fresh, CheckSharedFile(db, where));
  if (fresh) {
    // page_size only takes effect before the first write (the header).
    s = Exec(db, "PRAGMA page_size = 8192; PRAGMA application_id = " + std::to_string(kApplicationId),
             "mark the new file as ecoute's");
    if (!s.ok()) return s.WithPrefix(where);
  }
  if (path != ":memory:") {
    auto mode = QueryText(db, "PRAGMA journal_mode = WAL", "set journal_mode");
    if (!mode.ok()) return mode.status().WithPrefix(where);
    if (*mode != "wal") return base::Status::IoError(where + ": cannot enable WAL (journal_mode is " + *mode + ")");
  }
  s = Exec(db, "PRAGMA synchronous = " + std::string(synchronous), "set synchronous");
  if (!s.ok()) return s.WithPrefix(where);
  return conn;
}

base::Result<std::unique_ptr<TempDbFile>> TempDbFile::Create(std::string_view tag, std::string_view who) {
  std::error_code ec;
  std::filesystem::path dir = std::filesystem::temp_directory_path(ec);
  if (ec) dir = "/tmp";
  std::string templ = (dir / ("ecoute-" + std::string(tag) + "-XXXXXX")).string();
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0)
    return base::Status::IoError(std::string(who) + ": cannot create a temporary database in " + dir.string() + ": " +
                                 std::strerror(errno));
  close(fd);
  auto f = std::make_unique<TempDbFile>();
  f->path_ = buf.data();
  return f;
}

TempDbFile::~TempDbFile() {
  std::error_code ec;
  for (const char* suffix : {"", "-wal", "-shm", "-journal"}) std::filesystem::remove(path_ + suffix, ec);
}

base::Status Exec(sqlite3* db, std::string_view sql, std::string_view step) {
  std::string text(sql);
  int rc = sqlite3_exec(db, text.c_str(), nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db, rc, step);
  return base::Status::Ok();
}

base::Result<Stmt> Stmt::Prepare(sqlite3* db, std::string_view sql, std::string_view step, bool persistent) {
  sqlite3_stmt* raw = nullptr;
  int rc = sqlite3_prepare_v3(db, sql.data(), static_cast<int>(sql.size()),
                              persistent ? SQLITE_PREPARE_PERSISTENT : 0, &raw, nullptr);
  Stmt s;
  s.stmt_.reset(raw);
  if (rc != SQLITE_OK) return SqliteError(db, rc, "prepare " + std::string(step));
  if (raw == nullptr) return base::Status::Internal("sqlite prepare " + std::string(step) + ": empty statement");
  s.step_ = std::string(step);
  return s;
}

base::Result<bool> Stmt::Step() {
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(sqlite3_db_handle(stmt_.get()), rc, step_);
}

base::Status Stmt::Run() {
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return base::Status::Ok();
  }
}

base::Result<Stmt*> StatementCache::Get(sqlite3* db, const std::string& sql, std::string_view step) {
  auto it = stmts_.find(sql);
  if (it != stmts_.end()) return &it->second;
  ECOUTE_ASSIGN_OR_RETURN(Stmt s, Stmt::Prepare(db, sql, step, /*persistent=*/true));
  return &stmts_.emplace(sql, std::move(s)).first->second;
}

base::Result<std::unique_ptr<ReadTxn>> ReadTxn::Begin(sqlite3* db, StatementCache& cache) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt * begin, cache.Get(db, "BEGIN", "begin read"));
  ResetOnExit reset(*begin);
  ECOUTE_RETURN_IF_ERROR(begin->Run());
  return std::make_unique<ReadTxn>(db);
}

base::Result<int64_t> QueryInt(sqlite3* db, std::string_view sql, std::string_view step) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt s, Stmt::Prepare(db, sql, step));
  ECOUTE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return base::Status::NotFound("sqlite " + std::string(step) + ": no row");
  return s.Int(0);
}

base::Result<std::string> QueryText(sqlite3* db, std::string_view sql, std::string_view step) {
  ECOUTE_ASSIGN_OR_RETURN(Stmt s, Stmt::Prepare(db, sql, step));
  ECOUTE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return base::Status::NotFound("sqlite " + std::string(step) + ": no row");
  return std::string(s.Text(0));
}

}  // namespace ecoute::store::internal
