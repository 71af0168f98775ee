// JSON shapes of the alert routes (docs/api/openapi.yaml:
// AlertHistoryEntry, Delivery); an Alert itself is alert::AlertToJson, the
// shape the live stream sends too. Timestamps are RFC 3339 UTC, null when
// 0. Pure functions.
#pragma once

#include <nlohmann/json.hpp>

#include "store/store.h"

namespace ecoute::api {

nlohmann::json AlertHistoryJson(const store::AlertHistoryEntry& h);
// `code` and `error` are null when 0 / empty.
nlohmann::json DeliveryJson(const store::DeliveryRecord& d);

}  // namespace ecoute::api
