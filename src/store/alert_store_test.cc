// Alerts in the SQLite store: SaveAlert (upsert by the caller's id, history
// in the same transaction), the Alerts filters and paging, GetAlert,
// MaxAlertId, AlertHistory, the delivery log, API-defined alert rules,
// reopening the file, writes from another thread than the pipeline's
// writer, and migration 5.
#include <algorithm>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "store/migrations.h"
#include "store/sqlite_store.h"
#include "store/sqlite_test_util.h"

namespace ecoute::store {
namespace {

using model::Channel;
using model::Mention;
using test_util::OpenAt;
using test_util::RawExec;
using test_util::RawInt;
using test_util::TempDir;
using test_util::WriteOk;

constexpr base::Timestamp kT0 = 1'700'000'000'000;
constexpr int64_t kMinute = 60'000;
constexpr int64_t kHour = 60 * kMinute;

base::StatusCode Code(const base::Status& s) { return s.code(); }
template <typename T>
base::StatusCode Code(const base::Result<T>& r) {
  return r.ok() ? base::StatusCode::kOk : r.status().code();
}

// An alert with every field set to something of its own.
AlertRecord A(int64_t id, std::string rule = "outage", AlertStatus status = AlertStatus::kOpen,
              base::Timestamp opened_at = kT0, std::string kind = "volume_spike") {
  AlertRecord a;
  a.id = id;
  a.rule = std::move(rule);
  a.kind = std::move(kind);
  a.group_key = "query=12/channel=twitter";
  a.level = "warning";
  a.status = status;
  a.title = "Spike of \"panne\" #" + std::to_string(id);
  a.text = "Volume 5x the baseline — réseau";
  a.details_json = R"({"observed":50,"expected":10.5,"p":0.0001})";
  a.sample_ids = {id * 10, id * 10 + 1, 3};
  a.trigger_count = 4;
  a.notified_count = 2;
  a.suppressed_count = 1;
  a.opened_at = opened_at;
  a.last_trigger_at = opened_at + 5 * kMinute;
  if (status != AlertStatus::kOpen) {
    a.acknowledged_at = opened_at + kHour;
    a.acknowledged_by = "marie";
    a.note = "on it";
  }
  if (status == AlertStatus::kResolved) {
    a.resolved_at = opened_at + 2 * kHour;
    a.resolved_by = "auto";
  }
  return a;
}

void ExpectSameAlert(const AlertRecord& got, const AlertRecord& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.rule, want.rule);
  EXPECT_EQ(got.kind, want.kind);
  EXPECT_EQ(got.group_key, want.group_key);
  EXPECT_EQ(got.level, want.level);
  EXPECT_EQ(got.status, want.status);
  EXPECT_EQ(got.title, want.title);
  EXPECT_EQ(got.text, want.text);
  EXPECT_EQ(got.details_json, want.details_json);
  EXPECT_EQ(got.sample_ids, want.sample_ids);
  EXPECT_EQ(got.trigger_count, want.trigger_count);
  EXPECT_EQ(got.notified_count, want.notified_count);
  EXPECT_EQ(got.suppressed_count, want.suppressed_count);
  EXPECT_EQ(got.opened_at, want.opened_at);
  EXPECT_EQ(got.last_trigger_at, want.last_trigger_at);
  EXPECT_EQ(got.acknowledged_at, want.acknowledged_at);
  EXPECT_EQ(got.acknowledged_by, want.acknowledged_by);
  EXPECT_EQ(got.resolved_at, want.resolved_at);
  EXPECT_EQ(got.resolved_by, want.resolved_by);
  EXPECT_EQ(got.note, want.note);
}

void SaveOk(Store& s, const AlertRecord& a, std::vector<AlertHistoryEntry> history = {}) {
  base::Status st = s.SaveAlert(a, history);
  EXPECT_TRUE(st.ok()) << st.ToString();
}

std::vector<int64_t> AlertIds(const Store& s, const AlertFilter& f) {
  auto r = s.Alerts(f);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  std::vector<int64_t> out;
  if (r.ok())
    for (const auto& a : *r) out.push_back(a.id);
  return out;
}

AlertHistoryEntry H(base::Timestamp at, std::string type, std::string actor = "engine", std::string detail = "") {
  AlertHistoryEntry h;
  h.at = at;
  h.type = std::move(type);
  h.actor = std::move(actor);
  h.detail = std::move(detail);
  return h;
}

DeliveryRecord D(int64_t alert_id, std::string notifier, std::string state, int attempt, base::Timestamp at) {
  DeliveryRecord d;
  d.alert_id = alert_id;
  d.event_id = "ev-" + std::to_string(alert_id) + "-" + std::to_string(attempt);
  d.notifier = std::move(notifier);
  d.attempt = attempt;
  d.state = std::move(state);
  d.code = d.state == "delivered" ? 200 : 503;
  d.error = d.state == "delivered" ? "" : "service unavailable";
  d.latency_ms = 120 + attempt;
  d.at = at;
  return d;
}

AlertRuleRecord Rule(std::string name, std::string definition = R"({"kind":"mention","query":"panne"})") {
  AlertRuleRecord r;
  r.name = std::move(name);
  r.definition_json = std::move(definition);
  return r;
}

AlertRuleRecord SaveRuleOk(Store& s, AlertRuleRecord r) {
  auto saved = s.SaveAlertRule(std::move(r));
  EXPECT_TRUE(saved.ok()) << saved.status().ToString();
  return saved.ok() ? *saved : AlertRuleRecord{};
}

void ExpectSameRule(const AlertRuleRecord& got, const AlertRuleRecord& want) {
  EXPECT_EQ(got.id, want.id);
  EXPECT_EQ(got.name, want.name);
  EXPECT_EQ(got.definition_json, want.definition_json);
  EXPECT_EQ(got.created_at, want.created_at);
  EXPECT_EQ(got.updated_at, want.updated_at);
}

// ---- names ---------------------------------------------------------------------------

TEST(AlertStatus, NamesAndParses) {
  for (AlertStatus s : {AlertStatus::kOpen, AlertStatus::kAcknowledged, AlertStatus::kResolved}) {
    auto p = ParseAlertStatus(AlertStatusName(s));
    ASSERT_TRUE(p.has_value());
    EXPECT_EQ(*p, s);
  }
  EXPECT_EQ(AlertStatusName(AlertStatus::kAcknowledged), "acknowledged");
  EXPECT_EQ(ParseAlertStatus("RESOLVED"), AlertStatus::kResolved);
  EXPECT_EQ(ParseAlertStatus("Open"), AlertStatus::kOpen);
  EXPECT_FALSE(ParseAlertStatus("").has_value());
  EXPECT_FALSE(ParseAlertStatus("ack").has_value());
}

// ---- alerts --------------------------------------------------------------------------

TEST(AlertStore, SaveInsertsReplacesAndGets) {
  TempDir dir;
  auto store = OpenAt(dir.File("a.db"));
  EXPECT_EQ(*store->MaxAlertId(), 0);
  auto none = store->GetAlert(1);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());

  AlertRecord a = A(1);
  SaveOk(*store, a);
  auto got = store->GetAlert(1);
  ASSERT_TRUE(got.ok() && got->has_value()) << got.status().ToString();
  ExpectSameAlert(**got, a);

  // Same id: the whole record is replaced.
  AlertRecord b = A(1, "outage", AlertStatus::kResolved);
  b.level = "critical";
  b.sample_ids.clear();
  b.details_json.clear();
  b.trigger_count = 9;
  b.note = "fixed by the ISP";
  SaveOk(*store, b);
  got = store->GetAlert(1);
  ASSERT_TRUE(got.ok() && got->has_value());
  ExpectSameAlert(**got, b);
  EXPECT_EQ(RawInt(dir.File("a.db"), "SELECT count(*) FROM alerts"), 1);
  // Empty JSON columns are NULL.
  EXPECT_EQ(RawInt(dir.File("a.db"), "SELECT count(*) FROM alerts WHERE details_json IS NULL AND sample_ids IS NULL"),
            1);

  // Ids are the caller's, and must be positive.
  SaveOk(*store, A(7));
  SaveOk(*store, A(3));
  EXPECT_EQ(*store->MaxAlertId(), 7);
  for (int64_t bad : {0, -1}) {
    base::Status s = store->SaveAlert(A(bad), std::vector<AlertHistoryEntry>{H(kT0, "opened")});
    EXPECT_EQ(Code(s), base::StatusCode::kInvalidArgument) << bad;
    EXPECT_NE(s.message().find("id"), std::string::npos) << s.message();
  }
  EXPECT_EQ(RawInt(dir.File("a.db"), "SELECT count(*) FROM alerts"), 3);
  EXPECT_EQ(RawInt(dir.File("a.db"), "SELECT count(*) FROM alert_history"), 0);
}

TEST(AlertStore, FiltersMatchABruteForceListing) {
  TempDir dir;
  auto store = OpenAt(dir.File("a.db"));
  const std::vector<std::string> rules = {"outage", "brand.watch", "vip-mentions"};
  const std::vector<std::string> kinds = {"volume_spike", "mention", "severity", "snowball"};
  const AlertStatus statuses[] = {AlertStatus::kOpen, AlertStatus::kAcknowledged, AlertStatus::kResolved};
  std::vector<AlertRecord> all;
  // Ids not in time order, and saved out of id order.
  for (int i = 0; i < 60; ++i) {
    const int64_t id = (i * 37) % 60 + 1;
    all.push_back(A(id, rules[i % 3], statuses[(i / 3) % 3], kT0 + ((i * 13) % 50) * kHour, kinds[(i / 2) % 4]));
  }
  for (const auto& a : all) SaveOk(*store, a);

  auto expect = [&](const AlertFilter& f) {
    std::vector<int64_t> want;
    for (const auto& a : all) {
      if (!f.statuses.empty() && std::find(f.statuses.begin(), f.statuses.end(), a.status) == f.statuses.end())
        continue;
      if (!f.rule.empty() && a.rule != f.rule) continue;
      if (!f.kind.empty() && a.kind != f.kind) continue;
      if (f.since != 0 && a.opened_at < f.since) continue;
      if (f.until != 0 && a.opened_at >= f.until) continue;
      if (f.before_id != 0 && a.id >= f.before_id) continue;
      want.push_back(a.id);
    }
    std::sort(want.rbegin(), want.rend());
    if (want.size() > static_cast<size_t>(f.limit)) want.resize(f.limit);
    return want;
  };
  std::vector<AlertFilter> filters;
  filters.push_back(AlertFilter{});
  {
    AlertFilter f;
    f.statuses = {AlertStatus::kOpen};
    filters.push_back(f);
    f.statuses = {AlertStatus::kAcknowledged, AlertStatus::kOpen, AlertStatus::kOpen};  // repeats are fine
    filters.push_back(f);
    f.rule = "brand.watch";
    filters.push_back(f);
    f.kind = "mention";
    filters.push_back(f);
  }
  {
    AlertFilter f;
    f.rule = "vip-mentions";
    filters.push_back(f);
    f.rule = "nobody";
    filters.push_back(f);
  }
  {
    AlertFilter f;
    f.since = kT0 + 10 * kHour;
    filters.push_back(f);
    f.until = kT0 + 20 * kHour;
    filters.push_back(f);
    f.since = 0;
    filters.push_back(f);
    f.since = kT0 + 20 * kHour;  // empty range
    filters.push_back(f);
  }
  {
    AlertFilter f;
    f.kind = "snowball";
    f.statuses = {AlertStatus::kResolved};
    f.before_id = 40;
    filters.push_back(f);
    f.limit = 3;
    filters.push_back(f);
  }
  for (size_t i = 0; i < filters.size(); ++i) {
    EXPECT_EQ(AlertIds(*store, filters[i]), expect(filters[i])) << i;
  }

  // Paging with before_id: every alert once, newest first.
  AlertFilter page;
  page.limit = 7;
  page.statuses = {AlertStatus::kOpen, AlertStatus::kResolved};
  std::vector<int64_t> paged;
  for (int n = 0; n < 100; ++n) {
    std::vector<int64_t> ids = AlertIds(*store, page);
    paged.insert(paged.end(), ids.begin(), ids.end());
    if (static_cast<int>(ids.size()) < page.limit) break;
    page.before_id = ids.back();
  }
  AlertFilter everything = page;
  everything.before_id = 0;
  everything.limit = 1000;
  EXPECT_EQ(paged, expect(everything));
  EXPECT_EQ(paged.size(), 39u);  // 21 open + 18 resolved: more than 5 pages

  // Full records come back through the listing too.
  AlertFilter one;
  one.limit = 1;
  auto newest = store->Alerts(one);
  ASSERT_TRUE(newest.ok());
  ASSERT_EQ(newest->size(), 1u);
  ExpectSameAlert((*newest)[0], *std::find_if(all.begin(), all.end(), [](const AlertRecord& a) { return a.id == 60; }));

  // Bad paging arguments.
  for (int limit : {0, -5, 1001}) {
    AlertFilter f;
    f.limit = limit;
    auto r = store->Alerts(f);
    EXPECT_EQ(Code(r), base::StatusCode::kInvalidArgument) << limit;
    EXPECT_EQ(r.status().message().rfind("limit", 0), 0u) << r.status().message();
  }
  AlertFilter max;
  max.limit = 1000;
  EXPECT_EQ(AlertIds(*store, max).size(), 60u);
  AlertFilter neg;
  neg.before_id = -1;
  EXPECT_EQ(Code(store->Alerts(neg)), base::StatusCode::kInvalidArgument);
}

TEST(AlertStore, HistoryIsWrittenWithTheAlertInOrder) {
  TempDir dir;
  const std::string path = dir.File("a.db");
  auto store = OpenAt(path);
  EXPECT_TRUE(store->AlertHistory(1)->empty());

  AlertHistoryEntry stray = H(kT0, "opened");
  stray.alert_id = 99;  // ignored: the record's id is used
  stray.id = 1234;      // ignored: assigned by the store
  SaveOk(*store, A(1), {stray, H(kT0, "notified", "slack-ops")});
  SaveOk(*store, A(2), {H(kT0 + 1, "opened")});
  // Later entries come after, even with an earlier time.
  SaveOk(*store, A(1, "outage", AlertStatus::kAcknowledged),
         {H(kT0 - kHour, "updated"), H(kT0 + kHour, "acknowledged", "marie", "on it")});
  SaveOk(*store, A(1, "outage", AlertStatus::kAcknowledged));  // no history: nothing added

  auto h = store->AlertHistory(1);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_EQ(h->size(), 4u);
  std::vector<std::string> types;
  for (size_t i = 0; i < h->size(); ++i) {
    types.push_back((*h)[i].type);
    EXPECT_EQ((*h)[i].alert_id, 1);
    if (i > 0) {
      EXPECT_GT((*h)[i].id, (*h)[i - 1].id);
    }
  }
  EXPECT_EQ(types, (std::vector<std::string>{"opened", "notified", "updated", "acknowledged"}));
  EXPECT_NE((*h)[0].id, 1234);
  EXPECT_EQ((*h)[1].actor, "slack-ops");
  EXPECT_EQ((*h)[3].actor, "marie");
  EXPECT_EQ((*h)[3].detail, "on it");
  EXPECT_EQ((*h)[3].at, kT0 + kHour);
  EXPECT_EQ(store->AlertHistory(2)->size(), 1u);
  EXPECT_TRUE(store->AlertHistory(99)->empty());

  // One transaction: when a history row is refused, the alert is not
  // saved (nor replaced) either.
  RawExec(path,
          "CREATE TRIGGER boom BEFORE INSERT ON alert_history WHEN NEW.type = 'boom' "
          "BEGIN SELECT RAISE(ABORT, 'boom refused'); END;");
  base::Status s = store->SaveAlert(A(5), std::vector<AlertHistoryEntry>{H(kT0, "opened"), H(kT0, "boom")});
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("boom refused"), std::string::npos) << s.message();
  EXPECT_FALSE(store->GetAlert(5)->has_value());
  s = store->SaveAlert(A(1, "outage", AlertStatus::kResolved), std::vector<AlertHistoryEntry>{H(kT0, "boom")});
  EXPECT_FALSE(s.ok());
  EXPECT_EQ((*store->GetAlert(1))->status, AlertStatus::kAcknowledged);
  EXPECT_EQ(store->AlertHistory(1)->size(), 4u);
  EXPECT_EQ(*store->MaxAlertId(), 2);
  RawExec(path, "DROP TRIGGER boom");
  SaveOk(*store, A(5), {H(kT0, "opened")});
  EXPECT_EQ(store->AlertHistory(5)->size(), 1u);
}

TEST(AlertStore, WriteAlertsSavesABatchInOneTransaction) {
  TempDir dir;
  const std::string path = dir.File("a.db");
  auto store = OpenAt(path);
  std::vector<AlertWrite> batch = {{A(1), {H(kT0, "opened")}}, {A(2), {H(kT0, "opened"), H(kT0, "notified")}}};
  ASSERT_TRUE(store->WriteAlerts(batch, std::vector<DeliveryRecord>{D(2, "ops", "delivered", 1, kT0)}).ok());
  EXPECT_EQ(*store->MaxAlertId(), 2);
  EXPECT_EQ(store->AlertHistory(2)->size(), 2u);
  EXPECT_EQ(store->Deliveries(DeliveryFilter{})->size(), 1u);
  // A refused row anywhere leaves the whole batch unwritten.
  RawExec(path,
          "CREATE TRIGGER boom BEFORE INSERT ON alert_deliveries WHEN NEW.notifier = 'boom' "
          "BEGIN SELECT RAISE(ABORT, 'boom refused'); END;");
  batch = {{A(3), {H(kT0, "opened")}}};
  EXPECT_FALSE(store->WriteAlerts(batch, std::vector<DeliveryRecord>{D(3, "boom", "delivered", 1, kT0)}).ok());
  EXPECT_FALSE(store->GetAlert(3)->has_value());
  batch = {{A(0), {}}};
  EXPECT_EQ(store->WriteAlerts(batch, {}).code(), base::StatusCode::kInvalidArgument);
}

// ---- the delivery log -------------------------------------------------------------------

TEST(AlertStore, DeliveriesAppendAndFilterNewestFirst) {
  TempDir dir;
  auto store = OpenAt(dir.File("a.db"));
  EXPECT_TRUE(store->AddDeliveries({}).ok());
  EXPECT_TRUE(store->Deliveries(DeliveryFilter{})->empty());

  std::vector<DeliveryRecord> batch = {D(1, "slack-ops", "retry", 1, kT0), D(1, "slack-ops", "delivered", 2, kT0 + 10),
                                       D(1, "mail", "delivered", 1, kT0 + 20), D(2, "webhook", "retry", 1, kT0 + 30),
                                       D(2, "webhook", "dead", 5, kT0 + 40)};
  batch.push_back(D(3, "webhook", "dead", 0, kT0 + 50));  // dead-lettered before any attempt
  ASSERT_TRUE(store->AddDeliveries(batch).ok());
  ASSERT_TRUE(store->AddDeliveries(std::vector<DeliveryRecord>{D(2, "mail", "delivered", 1, kT0 + 60)}).ok());

  auto all = store->Deliveries(DeliveryFilter{});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->size(), 7u);
  for (size_t i = 1; i < all->size(); ++i) {
    EXPECT_LT((*all)[i].id, (*all)[i - 1].id);
  }
  // Every field round-trips (the oldest row is the batch's first).
  const DeliveryRecord& oldest = all->back();
  EXPECT_EQ(oldest.alert_id, 1);
  EXPECT_EQ(oldest.event_id, "ev-1-1");
  EXPECT_EQ(oldest.notifier, "slack-ops");
  EXPECT_EQ(oldest.attempt, 1);
  EXPECT_EQ(oldest.state, "retry");
  EXPECT_EQ(oldest.code, 503);
  EXPECT_EQ(oldest.error, "service unavailable");
  EXPECT_EQ(oldest.latency_ms, 121);
  EXPECT_EQ(oldest.at, kT0);
  EXPECT_EQ((*all)[0].at, kT0 + 60);

  auto ats = [&](const DeliveryFilter& f) {
    auto r = store->Deliveries(f);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<int64_t> out;
    if (r.ok())
      for (const auto& d : *r) out.push_back(d.at - kT0);
    return out;
  };
  DeliveryFilter dead;
  dead.state = "dead";  // the dead-letter list
  EXPECT_EQ(ats(dead), (std::vector<int64_t>{50, 40}));
  DeliveryFilter f;
  f.alert_id = 2;
  EXPECT_EQ(ats(f), (std::vector<int64_t>{60, 40, 30}));
  f.notifier = "webhook";
  EXPECT_EQ(ats(f), (std::vector<int64_t>{40, 30}));
  f.state = "retry";
  EXPECT_EQ(ats(f), (std::vector<int64_t>{30}));
  DeliveryFilter by_notifier;
  by_notifier.notifier = "mail";
  EXPECT_EQ(ats(by_notifier), (std::vector<int64_t>{60, 20}));

  // Paging.
  DeliveryFilter page;
  page.limit = 3;
  std::vector<int64_t> paged;
  for (int n = 0; n < 10; ++n) {
    auto r = store->Deliveries(page);
    ASSERT_TRUE(r.ok());
    for (const auto& d : *r) paged.push_back(d.at - kT0);
    if (static_cast<int>(r->size()) < page.limit) break;
    page.before_id = r->back().id;
  }
  EXPECT_EQ(paged, (std::vector<int64_t>{60, 50, 40, 30, 20, 10, 0}));

  for (int limit : {0, 1001}) {
    DeliveryFilter bad;
    bad.limit = limit;
    auto r = store->Deliveries(bad);
    EXPECT_EQ(Code(r), base::StatusCode::kInvalidArgument) << limit;
    EXPECT_EQ(r.status().message().rfind("limit", 0), 0u) << r.status().message();
  }
  DeliveryFilter neg;
  neg.before_id = -3;
  EXPECT_EQ(Code(store->Deliveries(neg)), base::StatusCode::kInvalidArgument);
}

TEST(AlertStore, DeliveriesAreAllOrNothing) {
  TempDir dir;
  const std::string path = dir.File("a.db");
  auto store = OpenAt(path);
  RawExec(path,
          "CREATE TRIGGER boom BEFORE INSERT ON alert_deliveries WHEN NEW.notifier = 'boom' "
          "BEGIN SELECT RAISE(ABORT, 'boom refused'); END;");
  std::vector<DeliveryRecord> batch = {D(1, "mail", "delivered", 1, kT0), D(1, "boom", "retry", 1, kT0)};
  base::Status s = store->AddDeliveries(batch);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("deliveries[1]"), std::string::npos) << s.message();
  EXPECT_TRUE(store->Deliveries(DeliveryFilter{})->empty());
}

// ---- alert rules ---------------------------------------------------------------------------

TEST(AlertStore, RulesSaveListUpdateDeleteAndErrors) {
  TempDir dir;
  base::FakeClock clock(kT0);
  auto store = OpenAt(dir.File("a.db"), &clock);
  EXPECT_TRUE(store->AlertRules()->empty());

  AlertRuleRecord a = SaveRuleOk(*store, Rule("outage.fr"));
  EXPECT_GT(a.id, 0);
  EXPECT_EQ(a.created_at, kT0);
  EXPECT_EQ(a.updated_at, kT0);
  clock.Advance(1000);
  AlertRuleRecord b = SaveRuleOk(*store, Rule("vip-mentions_2", R"({"kind":"high_reach"})"));
  EXPECT_GT(b.id, a.id);
  auto list = store->AlertRules();
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  ExpectSameRule((*list)[0], a);
  ExpectSameRule((*list)[1], b);

  // Update: created_at kept (whatever the caller says), updated_at moves.
  clock.Advance(1000);
  AlertRuleRecord a2 = a;
  a2.name = "outage.fr.v2";
  a2.definition_json = R"({"kind":"volume_spike"})";
  a2.created_at = 5;
  a2 = SaveRuleOk(*store, a2);
  EXPECT_EQ(a2.id, a.id);
  EXPECT_EQ(a2.created_at, kT0);
  EXPECT_EQ(a2.updated_at, kT0 + 2000);
  ExpectSameRule((*store->AlertRules())[0], a2);
  AlertRuleRecord same = SaveRuleOk(*store, a2);  // saving under its own name is fine
  EXPECT_EQ(same.id, a2.id);

  // Name taken, on insert and on rename.
  auto dup = store->SaveAlertRule(Rule("vip-mentions_2"));
  EXPECT_EQ(Code(dup), base::StatusCode::kAlreadyExists);
  EXPECT_NE(dup.status().message().find("vip-mentions_2"), std::string::npos) << dup.status().message();
  AlertRuleRecord rename = b;
  rename.name = "outage.fr.v2";
  EXPECT_EQ(Code(store->SaveAlertRule(rename)), base::StatusCode::kAlreadyExists);
  // Unknown id.
  AlertRuleRecord ghost = Rule("ghost");
  ghost.id = 999;
  EXPECT_EQ(Code(store->SaveAlertRule(ghost)), base::StatusCode::kNotFound);
  ghost.id = -2;
  EXPECT_EQ(Code(store->SaveAlertRule(ghost)), base::StatusCode::kNotFound);
  // Bad names, empty definitions.
  for (std::string bad : {std::string(), std::string("a b"), std::string("a/b"), std::string("réseau"),
                          std::string(65, 'x'), std::string("@x"), std::string("a\nb")}) {
    EXPECT_EQ(Code(store->SaveAlertRule(Rule(bad))), base::StatusCode::kInvalidArgument) << bad;
  }
  EXPECT_EQ(Code(store->SaveAlertRule(Rule(std::string(64, 'x')))), base::StatusCode::kOk);
  EXPECT_EQ(Code(store->SaveAlertRule(Rule("Team.Rule-1_x"))), base::StatusCode::kOk);
  EXPECT_EQ(Code(store->SaveAlertRule(Rule("empty", ""))), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(Code(store->SaveAlertRule(Rule("blank", " \t\n"))), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(store->AlertRules()->size(), 4u);  // failed saves changed nothing

  // Delete; ids are never reused, even the highest. The rule's alerts stay.
  SaveOk(*store, A(1, "Team.Rule-1_x"));
  const int64_t last = store->AlertRules()->back().id;
  ASSERT_TRUE(store->DeleteAlertRule(last).ok());
  EXPECT_EQ(Code(store->DeleteAlertRule(last)), base::StatusCode::kNotFound);
  EXPECT_EQ(Code(store->DeleteAlertRule(12345)), base::StatusCode::kNotFound);
  AlertRuleRecord c = SaveRuleOk(*store, Rule("Team.Rule-1_x"));  // the name is free again
  EXPECT_GT(c.id, last);
  EXPECT_TRUE(store->GetAlert(1)->has_value());
}

// ---- durability, threads --------------------------------------------------------------------

TEST(AlertStore, EverythingSurvivesReopen) {
  TempDir dir;
  const std::string path = dir.File("a.db");
  base::FakeClock clock(kT0);
  std::vector<AlertRuleRecord> rules;
  {
    auto store = OpenAt(path, &clock);
    SaveOk(*store, A(4, "outage", AlertStatus::kAcknowledged), {H(kT0, "opened"), H(kT0 + 1, "acknowledged")});
    SaveOk(*store, A(9, "vip", AlertStatus::kResolved));
    ASSERT_TRUE(store->AddDeliveries(std::vector<DeliveryRecord>{D(4, "mail", "dead", 3, kT0)}).ok());
    SaveRuleOk(*store, Rule("r1"));
    SaveRuleOk(*store, Rule("r2"));
    ASSERT_TRUE(store->DeleteAlertRule(2).ok());
    rules = *store->AlertRules();
  }
  auto store = OpenAt(path, &clock);
  EXPECT_EQ(*store->MaxAlertId(), 9);
  ExpectSameAlert(**store->GetAlert(4), A(4, "outage", AlertStatus::kAcknowledged));
  ExpectSameAlert(**store->GetAlert(9), A(9, "vip", AlertStatus::kResolved));
  EXPECT_EQ(store->AlertHistory(4)->size(), 2u);
  DeliveryFilter dead;
  dead.state = "dead";
  ASSERT_EQ(store->Deliveries(dead)->size(), 1u);
  EXPECT_EQ((*store->Deliveries(dead))[0].attempt, 3);
  auto again = store->AlertRules();
  ASSERT_TRUE(again.ok());
  ASSERT_EQ(again->size(), rules.size());
  for (size_t i = 0; i < rules.size(); ++i) ExpectSameRule((*again)[i], rules[i]);
  // AUTOINCREMENT survives the reopen: the deleted id 2 does not return.
  EXPECT_EQ(SaveRuleOk(*store, Rule("r3")).id, 3);
}

TEST(AlertStore, AlertWritesFromAnotherThreadSerialiseWithWrite) {
  TempDir dir;
  auto store = OpenAt(dir.File("a.db"));
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    for (int b = 0; b < 20; ++b) {
      std::vector<Mention> batch;
      for (int i = 0; i < 50; ++i) {
        Mention m;
        m.channel = Channel::kTwitter;
        m.native_id = std::to_string(b * 50 + i);
        m.text = "panne réseau";
        m.created_at = kT0 + b * kMinute + i;
        m.language = "fr";
        batch.push_back(std::move(m));
      }
      if (!store->Write(batch, {}, nullptr).ok()) failed = true;
    }
  });
  for (int64_t id = 1; id <= 100; ++id) {
    EXPECT_TRUE(store->SaveAlert(A(id), std::vector<AlertHistoryEntry>{H(kT0, "opened")}).ok());
    EXPECT_TRUE(store->AddDeliveries(std::vector<DeliveryRecord>{D(id, "mail", "delivered", 1, kT0)}).ok());
  }
  writer.join();
  EXPECT_FALSE(failed);
  EXPECT_EQ(store->Counts()->mentions, 1000);
  EXPECT_EQ(*store->MaxAlertId(), 100);
  DeliveryFilter all;
  all.limit = 1000;
  EXPECT_EQ(store->Deliveries(all)->size(), 100u);
}

// ---- migration ---------------------------------------------------------------------------------

TEST(AlertStore, MigratesAVersion4File) {
  TempDir dir;
  // Rows written by this build, copied into a file built from steps 1..4.
  const std::string source = dir.File("source.db");
  {
    auto store = OpenAt(source);
    QueryDef q;
    q.name = "q1";
    q.text = "panne";
    ASSERT_TRUE(store->SaveQuery(q).ok());
    std::vector<Mention> batch;
    for (int i = 0; i < 3; ++i) {
      Mention m;
      m.channel = Channel::kTwitter;
      m.native_id = std::to_string(i);
      m.text = "panne numéro " + std::to_string(i);
      m.created_at = kT0 + i * kHour;
      m.language = "fr";
      m.enrichment.matched_queries = {1};
      m.enrichment.sentiment = "negative";
      batch.push_back(std::move(m));
    }
    WriteOk(*store, batch);
    LabelCorrection c;
    c.sentiment = "neutral";
    ASSERT_TRUE(store->CorrectLabels(batch[0].id, c).ok());
  }
  const std::string v4 = dir.File("v4.db");
  test_util::BuildOldFile(v4, 4, source,
                          {"mentions", "rollup_hour", "id_blocks", "counters", "queries", "mention_queries",
                           "rollup_query_hour", "rollup_label_hour", "label_corrections"});
  ASSERT_EQ(RawInt(v4, "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'alert%'"), 0);

  base::FakeClock clock(kT0 + 3 * kHour);
  {
    auto store = OpenAt(v4, &clock);
    EXPECT_EQ(RawInt(v4, "PRAGMA user_version"), internal::CurrentSchemaVersion());
    EXPECT_EQ(RawInt(v4, "SELECT applied_at FROM schema_migrations WHERE version = 5"), kT0 + 3 * kHour);
    EXPECT_EQ(RawInt(v4, "SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name IN "
                         "('alerts', 'alert_history', 'alert_deliveries', 'alert_rules')"),
              4);
    EXPECT_EQ(RawInt(v4, "SELECT count(*) FROM sqlite_schema WHERE type = 'index' AND name IN "
                         "('alerts_status', 'alerts_rule', 'alerts_opened', 'alert_history_alert', "
                         "'alert_deliveries_state', 'alert_deliveries_alert')"),
              6);
    // What version 4 held is untouched.
    EXPECT_EQ(store->Counts()->mentions, 3);
    MentionFilter f;
    f.text = "panne";
    f.query_ids = {1};
    EXPECT_EQ(test_util::SearchOk(*store, f).items.size(), 3u);
    auto corrections = store->LabelCorrections(0, 10);
    ASSERT_TRUE(corrections.ok());
    ASSERT_EQ(corrections->size(), 1u);
    EXPECT_EQ((*corrections)[0].sentiment, "neutral");
    // The new tables work.
    EXPECT_EQ(*store->MaxAlertId(), 0);
    SaveOk(*store, A(1), {H(kT0, "opened")});
    ASSERT_TRUE(store->AddDeliveries(std::vector<DeliveryRecord>{D(1, "mail", "delivered", 1, kT0)}).ok());
    EXPECT_EQ(SaveRuleOk(*store, Rule("after_migration")).created_at, kT0 + 3 * kHour);
    EXPECT_EQ(*store->MaxAlertId(), 1);
  }
  // Reopening runs no step again.
  {
    auto store = OpenAt(v4, &clock);
    EXPECT_EQ(store->AlertHistory(1)->size(), 1u);
  }
  EXPECT_EQ(RawInt(v4, "SELECT count(*) FROM schema_migrations"), internal::CurrentSchemaVersion());
}

}  // namespace
}  // namespace ecoute::store
