// Wiring of the care inbox for the commands: the `care:` section of
// ecoute.yaml, the databases and the service (`serve`), the event-time
// replay of an import (`import`), and `ecoute report sla`.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "alert/service.h"
#include "base/clock.h"
#include "base/status.h"
#include "care/canned.h"
#include "care/case_db.h"
#include "care/outbound.h"
#include "care/service.h"
#include "care/settings.h"
#include "config/config.h"
#include "contacts/contact_store.h"
#include "ingest/decoder.h"
#include "pipeline/pipeline.h"
#include "queries/service.h"
#include "store/store.h"

namespace ecoute::auth {
class Directory;
}  // namespace ecoute::auth

namespace ecoute::app {

// The care section parsed; errors carry the file's line and column
// ("ecoute.yaml:41:15: care.routing[0].team: unknown team \"x\"").
base::Result<care::CareSection> CareSectionFrom(const config::Config& config);
// Prefixes a care error with the place in ecoute.yaml of the path it names.
base::Status PlaceCareError(const config::Config& config, const base::Status& s);

// Everything the care inbox owns, in destruction order (service first).
struct CareStack {
  std::unique_ptr<care::CaseDb> cases;
  std::unique_ptr<contacts::ContactStore> contacts;
  std::unique_ptr<care::CannedStore> canned;
  std::unique_ptr<care::ConnectorSet> connectors;
  // The connectors' observer forwards to the service once it exists.
  std::shared_ptr<std::atomic<care::CareService*>> forward = std::make_shared<std::atomic<care::CareService*>>(nullptr);
  std::unique_ptr<care::CareService> service;
  ~CareStack();
};

// Opens the care databases next to the store (the same SQLite file) and
// creates the service (not started). `directory` may be null.
base::Result<std::unique_ptr<CareStack>> OpenCare(const config::Config& config, const care::CareSection& section,
                                                 store::Store& store, auth::Directory* directory,
                                                 care::StoreOutboundFn store_outbound, care::SlaSinkFn on_sla,
                                                 care::QueryIdsFn query_ids, const base::Clock& clock);

// Replays the stored mentions with ids in [first_id, last_id] into the
// care inbox in event time (CareService::Replay).
base::Status ReplayIntoCare(care::CareService& care, const store::Store& store, int64_t first_id, int64_t last_id);

// Stores an agent's reply through the pipeline (as the JSON API would), so
// it is committed, indexed and seen by the commit listeners like any
// message; returns its id once committed.
care::StoreOutboundFn OutboundThroughPipeline(pipeline::Pipeline& pipe, std::shared_ptr<const ingest::Decoder> json);
// Feeds the inbox's SLA warnings and breaches to the alert rules of kind
// "sla" (may be null: none). `public_url` (may be empty) links the case.
care::SlaSinkFn SlaToAlerts(alert::AlertService* alerts, std::string public_url);
// The monitored queries by name, for routing rules.
care::QueryIdsFn QueryIdsOf(queries::QueryService& queries);

// The database file the care tables live in: the store's.
std::string CareDbPath(const config::Config& config);

}  // namespace ecoute::app
