#include "app/care_wiring.h"

#include <algorithm>
#include <unordered_set>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "auth/directory.h"
#include "model/mention_json.h"

namespace ecoute::app {

std::string CareDbPath(const config::Config& config) { return config.store.path; }

base::Status PlaceCareError(const config::Config& config, const base::Status& s) {
  if (s.ok() || config.care.positions.empty()) return s;
  const std::string& msg = s.message();
  const auto colon = msg.find(": ");
  const std::string path = colon == std::string::npos ? msg : msg.substr(0, colon);
  // The longest known path that `path` starts with, at a boundary.
  const std::pair<int, int>* best = nullptr;
  size_t best_len = 0;
  for (const auto& [p, pos] : config.care.positions) {
    if (p.size() < best_len || path.compare(0, p.size(), p) != 0) continue;
    if (path.size() > p.size() && path[p.size()] != '.' && path[p.size()] != '[') continue;
    best = &pos;
    best_len = p.size();
  }
  if (best == nullptr) return s;
  const std::string file = config.source_path.empty() ? "ecoute.yaml" : config.source_path;
  return base::Status(s.code(),
                      file + ":" + std::to_string(best->first) + ":" + std::to_string(best->second) + ": " + msg);
}

base::Result<care::CareSection> CareSectionFrom(const config::Config& config) {
  nlohmann::json j;
  if (!config.care.json.empty()) {
    j = nlohmann::json::parse(config.care.json, nullptr, false);
    if (j.is_discarded()) return base::Status::Internal("care: the configuration is not valid JSON");
  }
  auto section = care::CareSectionFromJson(j, "care");
  if (!section.ok()) return PlaceCareError(config, section.status());
  return section;
}

CareStack::~CareStack() {
  if (service) service->Stop();
  forward->store(nullptr);
  if (connectors) connectors->Stop();
}

base::Result<std::unique_ptr<CareStack>> OpenCare(const config::Config& config, const care::CareSection& section,
                                                 store::Store& store, auth::Directory* directory,
                                                 care::StoreOutboundFn store_outbound, care::SlaSinkFn on_sla,
                                                 care::QueryIdsFn query_ids, const base::Clock& clock) {
  auto stack = std::make_unique<CareStack>();
  const std::string path = CareDbPath(config);
  auto cases = care::CaseDb::Open(path, clock);
  if (!cases.ok()) return cases.status().WithPrefix("care");
  stack->cases = std::move(cases).value();
  auto contacts = contacts::ContactStore::Open(path, section.identity, clock);
  if (!contacts.ok()) return PlaceCareError(config, contacts.status().WithPrefix("care.identity"));
  stack->contacts = std::move(contacts).value();
  auto canned = care::CannedStore::Open(path, clock);
  if (!canned.ok()) return canned.status().WithPrefix("care");
  stack->canned = std::move(canned).value();
  if (!section.connectors.empty()) {
    std::shared_ptr<std::atomic<care::CareService*>> forward = stack->forward;
    auto set = care::ConnectorSet::Create(
        section.connectors,
        [forward](const care::ReplyResult& r) {
          if (care::CareService* s = forward->load()) s->OnReplyResult(r);
        },
        clock);
    if (!set.ok()) return PlaceCareError(config, set.status());
    stack->connectors = std::move(set).value();
  }
  care::CareOptions options;
  options.settings = section.settings;
  options.tick_ms = section.tick_ms;
  care::CareDeps deps;
  deps.cases = stack->cases.get();
  deps.contacts = stack->contacts.get();
  deps.canned = stack->canned.get();
  deps.connectors = stack->connectors.get();
  deps.directory = directory;
  deps.store = &store;
  deps.store_outbound = std::move(store_outbound);
  deps.on_sla = std::move(on_sla);
  deps.query_ids = std::move(query_ids);
  deps.clock = &clock;
  auto service = care::CareService::Create(std::move(options), std::move(deps));
  if (!service.ok()) return PlaceCareError(config, service.status());
  stack->service = std::move(service).value();
  stack->forward->store(stack->service.get());
  return stack;
}

care::StoreOutboundFn OutboundThroughPipeline(pipeline::Pipeline& pipe, std::shared_ptr<const ingest::Decoder> json) {
  return [&pipe, json](const model::Mention& m) -> base::Result<int64_t> {
    ingest::RawBatch batch;
    batch.source = "ecoute reply";
    batch.decoder = json;
    batch.Add(model::MentionToJsonLine(m), 0, 0);
    auto report = pipe.SubmitAndWait(std::move(batch));
    if (!report.ok()) return report.status();
    if (!report.value().rejections.empty()) {
      const model::Rejection& r = report.value().rejections.front();
      return base::Status::Internal("the reply was refused by the pipeline: " + r.field + ": " + r.reason);
    }
    if (report.value().ids.empty()) return base::Status::Internal("the reply was not stored");
    return report.value().ids.front();
  };
}

care::SlaSinkFn SlaToAlerts(alert::AlertService* alerts, std::string public_url) {
  if (alerts == nullptr) return nullptr;
  return [alerts, public_url](const std::vector<care::SlaNotice>& notices) {
    std::vector<alert::SlaEventInput> events;
    for (const care::SlaNotice& n : notices) {
      alert::SlaEventInput e;
      e.kind = n.kind;
      e.target = n.target;
      e.case_id = n.snapshot.id;
      e.subject = n.snapshot.subject;
      e.team = n.team;
      e.priority = std::string(care::PriorityName(n.snapshot.priority));
      e.channel = std::string(model::ChannelName(n.snapshot.channel));
      e.account = n.snapshot.account;
      e.assignee_id = n.snapshot.assignee_id;
      e.due_at = n.due_at;
      e.at = n.at;
      if (!public_url.empty()) e.case_url = public_url + "/api/v1/cases/" + std::to_string(n.snapshot.id);
      events.push_back(std::move(e));
    }
    alerts->OnSlaEvents(events);
  };
}

care::QueryIdsFn QueryIdsOf(queries::QueryService& queries) {
  return [&queries] {
    std::map<std::string, int64_t, std::less<>> ids;
    for (const queries::QueryInfo& q : queries.List()) ids[q.def.name] = q.def.id;
    return ids;
  };
}

base::Status ReplayIntoCare(care::CareService& care, const store::Store& store, int64_t first_id, int64_t last_id) {
  if (last_id < first_id) return base::Status::Ok();
  // Two passes keep memory to what matters: the conversations holding a
  // message that needs a reply (their other messages join or answer the
  // cases), then those conversations' messages.
  std::unordered_set<std::string> threads;
  base::Status st = store.ScanMentions(first_id, last_id, "", [&](const model::Mention& m) {
    if (m.enrichment.needs_reply.value_or(false) && m.direction != model::Direction::kOutbound) {
      threads.insert(care::ThreadKey(m));
    }
    return true;
  });
  if (!st.ok()) return st;
  std::vector<model::Mention> mentions;
  st = store.ScanMentions(first_id, last_id, "", [&](const model::Mention& m) {
    if (threads.count(care::ThreadKey(m))) {
      mentions.push_back(m);
    }
    return true;
  });
  if (!st.ok()) return st;
  spdlog::info("care: replaying {} messages of {} conversations in event time", mentions.size(), threads.size());
  return care.Replay(std::move(mentions));
}

}  // namespace ecoute::app
