// Test helpers for the API's tests: an in-memory account directory with an
// admin and their API token, to send with every request; an empty store in
// memory; the options and ingest function of a local, read-only test
// server. Header-only.
#pragma once

#include <gtest/gtest.h>
#include <httplib.h>

#include <memory>
#include <string>

#include "api/server.h"
#include "auth/testing.h"
#include "base/clock.h"
#include "base/status.h"
#include "queries/service.h"
#include "store/sqlite_store.h"

namespace ecoute::api::testing {

class TestAuth : public auth::testing::TestAuth {
 public:
  // `clock` must outlive this object; null = the system clock.
  explicit TestAuth(const base::Clock* clock = nullptr) : auth::testing::TestAuth(clock) {
    admin_token_ = AddUserWithToken("admin", auth::Role::kAdmin);
  }

  // The API token of user "admin" (role admin).
  const std::string& admin_token() const { return admin_token_; }

  // Makes `client` send the admin's token with every request.
  void SignIn(httplib::Client& client) const { client.set_default_headers(Bearer(admin_token_)); }

  static httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

 private:
  std::string admin_token_;
};

// Opens an empty SQLite store in memory (synchronous "normal") into
// `store` and, when `queries` is not null, the query service over it into
// `*queries`. `clock` (null: the system clock) must outlive the store. A
// fatal test failure when either cannot open: call it inside
// ASSERT_NO_FATAL_FAILURE.
inline void OpenMemoryStore(std::unique_ptr<store::Store>& store,
                            std::unique_ptr<queries::QueryService>* queries = nullptr,
                            const base::Clock* clock = nullptr) {
  store::SqliteOptions so;
  so.path = ":memory:";
  so.synchronous = "normal";
  so.clock = clock;
  auto st = store::OpenSqliteStore(so);
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  store = std::move(*st);
  if (queries == nullptr) return;
  auto svc = queries::QueryService::Open(*store);
  ASSERT_TRUE(svc.ok()) << svc.status().ToString();
  *queries = std::move(*svc);
}

// `o` for a test server: any free port on the host (port 0), `threads`
// workers, idle connections closed after 1 s.
inline ServerOptions LocalServerOptions(int threads, ServerOptions o = {}) {
  o.port = 0;
  o.threads = threads;
  o.keep_alive_seconds = 1;
  return o;
}

// The ingest function of a test server that only reads: every batch is
// refused (Unavailable, 503).
inline IngestFn ReadOnlyIngest() {
  return [](ingest::RawBatch) -> base::Result<pipeline::BatchReport> {
    return base::Status::Unavailable("read-only test server");
  };
}

}  // namespace ecoute::api::testing
