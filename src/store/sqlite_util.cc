#include "store/sqlite_util.h"

#include "store/fts_tokenizer.h"

#include <utility>

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
