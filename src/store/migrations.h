// Versioned schema migrations for the SQLite store.
//
// The database header carries PRAGMA application_id = kApplicationId (marks
// an ecoute file) and PRAGMA user_version = the schema version. Migrations
// are numbered SQL steps 1..N applied in order, each in its own
// transaction together with the version bump and a schema_migrations row,
// so a crash leaves the database at a whole version. To change the schema,
// append a step to the list in migrations.cc; never edit a released one.
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <span>
#include <string_view>

#include "base/status.h"
#include "base/time.h"

namespace ecoute::store::internal {

inline constexpr int64_t kApplicationId = 0x45434f55;  // "ECOU"

struct Migration {
  int version;            // 1, 2, ... consecutive
  std::string_view name;  // short description, kept in schema_migrations
  std::string_view sql;   // one or more statements
};

// All migrations, in version order.
std::span<const Migration> Migrations();
// The version this build writes (the last migration's).
int CurrentSchemaVersion();

// Brings `db` (a read-write connection) to CurrentSchemaVersion(). An empty
// database is initialised. Corruption when the file is not an ecoute
// database (another application's SQLite file, or not SQLite at all) or
// when its version is newer than this build's (the message names both);
// the failing step's error otherwise. `now` stamps schema_migrations.
base::Status Migrate(sqlite3* db, base::Timestamp now);

}  // namespace ecoute::store::internal
