// The `care:` section of ecoute.yaml, as JSON (config keeps the YAML
// positions): the engine's settings, the reply connectors and the contact
// directory's options. docs/care.md, docs/configuration.md.
#pragma once

#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/status.h"
#include "care/engine.h"
#include "care/outbound.h"
#include "contacts/contact_store.h"

namespace ecoute::care {

struct CareSection {
  bool enabled = true;
  CareSettings settings;
  std::vector<ConnectorConfig> connectors;
  contacts::ContactOptions identity;
  int64_t tick_ms = 1000;
};

// The SLA policy used when none is configured: "standard" on the
// "business_hours" calendar (Europe/Paris, Mon-Fri 09:00-18:00, French
// public holidays): first and next response urgent 30 min, high 1 h,
// normal 3 h, low 8 h; resolution urgent 4 h, high 8 h, normal 27 h (three
// business days), low 45 h.
SlaPolicy DefaultSlaPolicy();

// Parses the section (null or absent = the defaults). Errors are
// InvalidArgument naming the path from `path` ("care.routing[1].team: ...");
// unknown keys are refused naming them.
base::Result<CareSection> CareSectionFromJson(const nlohmann::json& j, std::string_view path = "care");

}  // namespace ecoute::care
