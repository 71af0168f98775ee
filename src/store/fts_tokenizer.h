// The FTS5 tokenizer "ecoute": the full-text index tokenizes titles, texts
// and query strings with match::IndexTokenizer, so what the index finds is
// folded exactly as the query matchers fold it (docs/storage.md, "Full-text
// search"). Internal to the store and to the repositories that share its
// database file.
#pragma once

#include <sqlite3.h>

#include "base/status.h"

namespace ecoute::store::internal {

// Registers "ecoute" on `db` (before any statement reads or creates an FTS5
// table that uses it). Internal when FTS5 is missing or refuses.
base::Status RegisterFtsTokenizer(sqlite3* db);

// The FTS5 API of `db`'s SQLite (owned by SQLite, valid while `db` is
// open); nullptr when SQLite was built without FTS5.
fts5_api* Fts5Api(sqlite3* db);

}  // namespace ecoute::store::internal
