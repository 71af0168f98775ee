// For tests only: a Store base for fakes that implement the mention methods
// and have no use for monitored queries or label corrections. The query
// methods answer Internal "<name> does not support ...", so a test that
// reaches them fails loudly (CorrectLabels too); LabelCorrections answers an
// empty list.
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

 private:
  static base::Status Unsupported(const char* what) {
    return base::Status::Internal(std::string("this test store does not support ") + what);
  }
};

}  // namespace ecoute::store
