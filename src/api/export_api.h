// Internal to the api module: the CSV export of stored mentions,
// GET /api/v1/export/mentions.csv (the cases' export is CareApi's, as it
// needs the care service). docs/api/openapi.yaml describes it; the CSV
// rules are api/csv.h.
//
// The file is streamed: pages of kPageSize mentions are read from the store
// (or the query search) as the client reads, so an export of millions of
// rows never sits in memory. Parameter errors, a bad query and a store
// error on the first page are answered with their status before the first
// byte; a store error later cuts the download (the client sees an
// incomplete chunked body) and is logged.
//
// Thread-safety: the handler is called concurrently from request threads;
// it only reads members and calls the (thread-safe) store and query
// service.
#pragma once

#include <httplib.h>

#include <vector>

#include "api/reply.h"
#include "api/request_context.h"
#include "api/server.h"
#include "base/clock.h"
#include "queries/service.h"
#include "store/store.h"

namespace ecoute::api {

class ExportApi {
 public:
  // `store`, `categories` and `clock` must outlive this object; `queries`
  // may be null (query= then answers 503, and the queries column holds
  // ids).
  ExportApi(const store::Store& store, const queries::QueryService* queries, const std::vector<CategoryInfo>& categories,
            const base::Clock& clock)
      : store_(store), queries_(queries), categories_(categories), clock_(clock) {}

  static constexpr int kPageSize = 1000;

  // GET /api/v1/export/mentions.csv: the filters of GET /api/v1/mentions
  // (q, query, query_id, from, to, channel, lang, author, thread) and the
  // label filters (sentiment, category, severity, needs_reply); newest
  // first. Columns: MentionCsvColumns().
  Reply Mentions(const httplib::Request& req, const RequestContext& ctx);

  static const std::vector<std::string_view>& MentionCsvColumns();

 private:
  const store::Store& store_;
  const queries::QueryService* const queries_;  // may be null
  const std::vector<CategoryInfo>& categories_;
  const base::Clock& clock_;
};

}  // namespace ecoute::api
