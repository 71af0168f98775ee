// For the tests of the store and of the repositories sharing its file:
// opening a store on a file, a temporary directory, raw SQL on a database
// file outside the store (to check or corrupt what it wrote), the SQL of
// older schema versions, and Write / Search that fail the test on an error.
#pragma once

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <span>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/testing_tmpdir.h"
#include "store/fts_tokenizer.h"
#include "store/migrations.h"
#include "store/sqlite_store.h"
#include "store/store.h"

namespace ecoute::store::test_util {

// Opens (or creates) the store at `path` with small settings, aborting the
// test binary when that fails.
inline std::unique_ptr<Store> OpenAt(const std::string& path, const base::Clock* clock = nullptr,
                                     int read_connections = 3) {
  SqliteOptions o;
  o.path = path;
  o.synchronous = "off";
  o.read_connections = read_connections;
  o.cache_mb = 8;
  o.clock = clock;
  auto s = OpenSqliteStore(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) std::abort();
  return std::move(s).value();
}

// The SQL of migration steps 1..`version`, each with its schema_migrations
// row: run in a transaction on an empty file, it builds the schema an older
// build left (set application_id and user_version after it).
inline std::string MigrationStepsUpTo(int version) {
  std::string steps;
  for (const auto& m : internal::Migrations()) {
    if (m.version > version) break;
    steps += std::string(m.sql) + "\n";
    steps += "INSERT INTO schema_migrations VALUES (" + std::to_string(m.version) + ", 'step', 1);";
  }
  return steps;
}

inline WriteSummary WriteOk(Store& s, std::vector<model::Mention>& ms, std::vector<WriteOutcome>* outcomes = nullptr,
                            std::span<const model::Rejection> rejects = {}) {
  auto r = s.Write(ms, rejects, outcomes);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : WriteSummary{};
}

inline MentionPage SearchOk(const Store& s, const MentionFilter& f) {
  auto r = s.Search(f);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : MentionPage{};
}

// Defines queries named q1..qn with ids 1..n in a new store: Write keeps
// only the ids of defined queries in matched_queries.
inline void DefineQueries(Store& s, int n) {
  for (int i = 1; i <= n; ++i) {
    QueryDef q;
    q.name = "q" + std::to_string(i);
    q.text = "panne";
    auto r = s.SaveQuery(q);
    EXPECT_TRUE(r.ok() && r->id == i) << (r.ok() ? std::to_string(r->id) : r.status().ToString());
  }
}

// The ids of a page, in order.
inline std::vector<int64_t> Ids(const MentionPage& p) {
  std::vector<int64_t> out;
  for (const auto& m : p.items) out.push_back(m.id);
  return out;
}

// A directory removed at the end of a test.
using base::TempDir;

// Runs SQL directly on a database file, outside the store.
inline void RawExec(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_TRUE(internal::RegisterFtsTokenizer(db).ok());  // mentions_fts needs it
  sqlite3_busy_timeout(db, 5000);
  char* err = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "") << "\n" << sql;
  sqlite3_free(err);
  sqlite3_close(db);
}

// Every row of a query, each column as text ("" for NULL).
inline std::vector<std::vector<std::string>> RawRows(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  EXPECT_TRUE(internal::RegisterFtsTokenizer(db).ok());
  sqlite3_busy_timeout(db, 5000);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::vector<std::vector<std::string>> out;
  while (st != nullptr && sqlite3_step(st) == SQLITE_ROW) {
    std::vector<std::string> row;
    for (int i = 0; i < sqlite3_column_count(st); ++i) {
      const auto* t = reinterpret_cast<const char*>(sqlite3_column_text(st, i));
      row.emplace_back(t ? t : "");
    }
    out.push_back(std::move(row));
  }
  sqlite3_finalize(st);
  sqlite3_close(db);
  return out;
}

// The first column of the first row as an integer; -1 when there is none.
inline int64_t RawInt(const std::string& path, const std::string& sql) {
  auto rows = RawRows(path, sql);
  return rows.empty() || rows[0].empty() || rows[0][0].empty() ? -1 : std::stoll(rows[0][0]);
}

// Builds at `path` the file a build of schema `version` left: steps
// 1..`version`, then every row of `tables` copied from the store file
// `source` ("counters" replaces the initial ones), the full-text index
// rebuilt and the header set.
inline void BuildOldFile(const std::string& path, int version, const std::string& source,
                         const std::vector<std::string>& tables) {
  std::string copy;
  for (const std::string& t : tables) {
    if (t == "counters") copy += "DELETE FROM counters;";
    copy += "INSERT INTO " + t + " SELECT * FROM src." + t + ";";
  }
  RawExec(path, "PRAGMA page_size = 8192; PRAGMA journal_mode = WAL;");
  RawExec(path, "ATTACH '" + source + "' AS src; BEGIN; " + MigrationStepsUpTo(version) + copy +
                    "INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild');"
                    "COMMIT; DETACH src;"
                    "PRAGMA application_id = " +
                    std::to_string(internal::kApplicationId) + "; PRAGMA user_version = " + std::to_string(version) +
                    ";");
}

}  // namespace ecoute::store::test_util
