// For tests only: a Store base for fakes that implement the mention methods
// and have no use for monitored queries, label corrections, alerts or top
// authors. The writing methods (SaveQuery, CorrectLabels, SaveAlert,
// AddDeliveries, SaveAlertRule...) and TopAuthors answer Internal "this
// test store does not support <name>", so a test that reaches them fails
// loudly; the listings (Queries,
// LabelCorrections, Alerts, AlertHistory, Deliveries, AlertRules) answer an
// empty list, GetAlert nothing and MaxAlertId and CountAlerts 0, as an empty
// store would.
#pragma once

#include <string>

#include "store/store.h"

namespace ecoute::store {

class StoreWithoutQueries : public Store {
 public:
  base::Result<int64_t> MaxMentionId() const override { return Unsupported("MaxMentionId"); }
  base::Status ScanMentions(int64_t, int64_t, const std::string&,
                            const std::function<bool(const model::Mention&)>&) const override {
    return Unsupported("ScanMentions");
  }
  base::Result<std::vector<QueryDef>> Queries() const override { return std::vector<QueryDef>{}; }
  base::Result<QueryDef> SaveQuery(QueryDef) override { return Unsupported("SaveQuery"); }
  base::Status DeleteQuery(int64_t) override { return Unsupported("DeleteQuery"); }
  base::Status SetQueryBackfill(int64_t, bool, std::optional<int64_t>) override {
    return Unsupported("SetQueryBackfill");
  }
  base::Result<int64_t> ReplaceQueryMatches(int64_t, int64_t, int64_t, std::span<const int64_t>) override {
    return Unsupported("ReplaceQueryMatches");
  }
  base::Result<model::Mention> CorrectLabels(int64_t, const LabelCorrection&) override {
    return Unsupported("CorrectLabels");
  }
  base::Result<std::vector<LabeledMention>> LabelCorrections(int64_t, int) const override {
    return std::vector<LabeledMention>{};
  }
  base::Status SaveAlert(const AlertRecord&, std::span<const AlertHistoryEntry>) override {
    return Unsupported("SaveAlert");
  }
  base::Result<std::vector<AlertRecord>> Alerts(const AlertFilter&) const override {
    return std::vector<AlertRecord>{};
  }
  base::Result<std::optional<AlertRecord>> GetAlert(int64_t) const override { return std::optional<AlertRecord>{}; }
  base::Result<int64_t> MaxAlertId() const override { return int64_t{0}; }
  base::Result<AlertCounts> CountAlerts(const std::string&, std::map<std::string, AlertCounts>* by_rule) const override {
    if (by_rule) by_rule->clear();
    return AlertCounts{};
  }
  base::Result<std::vector<AlertHistoryEntry>> AlertHistory(int64_t) const override {
    return std::vector<AlertHistoryEntry>{};
  }
  base::Status AddDeliveries(std::span<const DeliveryRecord>) override { return Unsupported("AddDeliveries"); }
  base::Status WriteAlerts(std::span<const AlertWrite>, std::span<const DeliveryRecord>) override {
    return Unsupported("WriteAlerts");
  }
  base::Result<std::vector<DeliveryRecord>> Deliveries(const DeliveryFilter&) const override {
    return std::vector<DeliveryRecord>{};
  }
  base::Result<std::vector<AlertRuleRecord>> AlertRules() const override { return std::vector<AlertRuleRecord>{}; }
  base::Result<AlertRuleRecord> SaveAlertRule(AlertRuleRecord) override { return Unsupported("SaveAlertRule"); }
  base::Status DeleteAlertRule(int64_t) override { return Unsupported("DeleteAlertRule"); }
  base::Result<AuthorPage> TopAuthors(const AuthorQuery&) const override { return Unsupported("TopAuthors"); }

 private:
  static base::Status Unsupported(const char* what) {
    return base::Status::Internal(std::string("this test store does not support ") + what);
  }
};

}  // namespace ecoute::store
