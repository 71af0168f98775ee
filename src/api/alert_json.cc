#include "api/alert_json.h"

#include <string>

#include "base/time.h"

namespace ecoute::api {

using nlohmann::json;

namespace {

json TimeOrNull(base::Timestamp t) { return t == 0 ? json(nullptr) : json(base::FormatTimestamp(t)); }
json TextOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

}  // namespace

json AlertHistoryJson(const store::AlertHistoryEntry& h) {
  return {{"id", h.id},     {"alert_id", h.alert_id}, {"at", TimeOrNull(h.at)},
          {"type", h.type}, {"actor", h.actor},       {"detail", h.detail}};
}

json DeliveryJson(const store::DeliveryRecord& d) {
  return {{"id", d.id},
          {"alert_id", d.alert_id},
          {"event_id", d.event_id},
          {"notifier", d.notifier},
          {"attempt", d.attempt},
          {"state", d.state},
          {"code", d.code == 0 ? json(nullptr) : json(d.code)},
          {"error", TextOrNull(d.error)},
          {"latency_ms", d.latency_ms},
          {"at", TimeOrNull(d.at)}};
}

}  // namespace ecoute::api
