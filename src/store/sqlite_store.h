// The embedded SQLite back end: one file, WAL, versioned migrations, FTS5
// (unicode61, diacritics removed) and hourly rollups. docs/storage.md.
#pragma once

#include <memory>
#include <string>

#include "base/clock.h"
#include "base/status.h"
#include "store/store.h"

namespace ecoute::store {

struct SqliteOptions {
  std::string path = "ecoute.db";  // ":memory:" for tests
  // "full": a committed Write survives power loss; "normal": survives a
  // process crash (kill -9), not power loss. Default full.
  std::string synchronous = "full";
  int read_connections = 4;  // pool for concurrent readers
  int64_t cache_mb = 64;  // page cache of the writer; each reader gets a quarter
  // Stamps rejects (received_at) and schema_migrations. nullptr = the
  // system clock. Must outlive the store.
  const base::Clock* clock = nullptr;
};

// Opens (creating if needed) and migrates the database to the current
// schema version. Corruption if the file is not an ecoute database or is from
// a newer version; IoError if it cannot be opened; InvalidArgument for bad
// options (synchronous not off|normal|full|extra, read_connections not
// 1..64, cache_mb < 1). The store owns a background checkpoint thread and
// `read_connections` + 2 SQLite connections; destroying it joins the thread
// and closes the file (the last close checkpoints and removes the WAL).
base::Result<std::unique_ptr<Store>> OpenSqliteStore(const SqliteOptions& options);

}  // namespace ecoute::store
