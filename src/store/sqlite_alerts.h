// The alert tables of the SQLite store (schema version 5): the SQL behind
// SqliteStore's alert methods, private to the store module.
//
// Locking and transactions are the caller's: the Put/Remove functions run
// inside a write transaction on the writer connection, under the writer
// mutex (they are then serialised with Write); the List/Find functions run
// on a leased read connection and read one statement each. Every function
// prepares its statements through the connection's StatementCache.
// docs/storage.md, "Alerts".
#pragma once

#include <sqlite3.h>

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "store/sqlite_util.h"
#include "store/store.h"

namespace ecoute::store::internal {

// A connection and its statement cache, borrowed for one call.
struct CachedDb {
  sqlite3* db = nullptr;
  StatementCache* stmts = nullptr;
  base::Result<Stmt*> Prepare(const std::string& sql, std::string_view step) const {
    return stmts->Get(db, sql, step);
  }
};

// InvalidArgument when `alert` cannot be saved (id <= 0).
base::Status CheckAlert(const AlertRecord& alert);
// Upserts `alert` by id and appends `history` (alert_id taken from the
// record), in the caller's transaction. Call CheckAlert first.
base::Status PutAlert(CachedDb w, const AlertRecord& alert, std::span<const AlertHistoryEntry> history);

// Store::Alerts: newest first (id descending). InvalidArgument naming
// "limit" (not 1..1000) or "before_id" (negative).
base::Result<std::vector<AlertRecord>> ListAlerts(CachedDb r, const AlertFilter& filter);
base::Result<std::optional<AlertRecord>> FindAlert(CachedDb r, int64_t id);
base::Result<int64_t> MaxAlertIdIn(CachedDb r);
// Store::CountAlerts.
base::Result<AlertCounts> CountAlertsIn(CachedDb r, const std::string& rule,
                                        std::map<std::string, AlertCounts>* by_rule);
// In the order they were added (oldest first).
base::Result<std::vector<AlertHistoryEntry>> ListAlertHistory(CachedDb r, int64_t alert_id);

// Appends the delivery log rows (ids assigned), in the caller's transaction.
base::Status PutDeliveries(CachedDb w, std::span<const DeliveryRecord> deliveries);
// Store::Deliveries: newest first. InvalidArgument naming "limit" or
// "before_id", as ListAlerts.
base::Result<std::vector<DeliveryRecord>> ListDeliveries(CachedDb r, const DeliveryFilter& filter);

// Ascending id.
base::Result<std::vector<AlertRuleRecord>> ListAlertRules(CachedDb r);
// InvalidArgument for a name not [A-Za-z0-9_.-]{1,64} or a blank
// definition.
base::Status CheckAlertRule(const AlertRuleRecord& rule);
// Store::SaveAlertRule in the caller's transaction: sets `rule`'s id (on
// insert) and timestamps (`now`; created_at kept on update). NotFound,
// AlreadyExists as documented there. Call CheckAlertRule first.
base::Status PutAlertRule(CachedDb w, AlertRuleRecord& rule, base::Timestamp now);
// NotFound when absent.
base::Status RemoveAlertRule(CachedDb w, int64_t id);

}  // namespace ecoute::store::internal
