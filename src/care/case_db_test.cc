#include "care/case_db.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <limits>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "store/sqlite_store.h"
#include "store/sqlite_test_util.h"

namespace ecoute::care {
namespace {

constexpr base::Timestamp kNow = 1'700'000'000'000;

using store::test_util::RawExec;
using store::test_util::RawInt;
using store::test_util::TempDir;

std::unique_ptr<CaseDb> OpenOk(const std::string& path, const base::Clock& clock) {
  auto db = CaseDb::Open(path, clock);
  EXPECT_TRUE(db.ok()) << db.status().ToString();
  if (!db.ok()) std::abort();
  return std::move(db).value();
}

void WriteOk(CaseDb& db, const CareWrite& w) {
  base::Status s = db.Write(w);
  ASSERT_TRUE(s.ok()) << s.ToString();
}

CaseRecord Basic(int64_t id, CaseStatus status = CaseStatus::kOpen, base::Timestamp created = 1000) {
  CaseRecord c;
  c.id = id;
  c.status = status;
  c.subject = "case " + std::to_string(id);
  c.created_at = created;
  c.updated_at = created;
  return c;
}

// Every field set to a non-default value.
CaseRecord Full(int64_t id) {
  CaseRecord c;
  c.id = id;
  c.status = CaseStatus::kPending;
  c.priority = Priority::kHigh;
  c.priority_manual = true;
  c.subject = "Facture en double — « prélèvement »";
  c.channel = model::Channel::kEmail;
  c.account = "support@brand.example";
  c.thread_key = "email:<abc@mail>";
  c.contact_id = 42;
  c.language = "fr";
  c.category = "billing";
  c.severity = 77;
  c.severity_level = "high";
  c.severity_reasons = {"refund", "legal threat"};
  c.query_ids = {3, 9, 12};
  c.team_id = 4;
  c.assignee_id = 17;
  c.routing_rule = "billing-fr";
  c.tags = {"refund", "vip"};
  c.first_message_id = 1001;
  c.last_message_id = 1009;
  c.message_count = 5;
  c.created_at = kNow - 50'000;
  c.updated_at = kNow - 1'000;
  c.last_customer_at = kNow - 2'000;
  c.last_agent_at = kNow - 3'000;
  c.first_response_at = kNow - 40'000;
  c.pending_since = kNow - 1'000;
  c.resolved_at = kNow - 30'000;
  c.closed_at = kNow - 20'000;
  c.reopen_count = 2;
  c.sla_policy = "gold";
  c.first_response = {60, kNow - 50'000, kNow - 46'400, kNow - 40'000, false, true, 10};
  c.next_response = {120, kNow - 2'000, kNow + 7'198'000, 0, false, false, -1};
  c.resolution = {1440, kNow - 50'000, kNow + 86'000'000, 0, true, true, -1};
  c.sla_timeline = {{kNow - 50'000, SlaEventKind::kCustomer}, {kNow - 40'000, SlaEventKind::kAgent},
                    {kNow - 30'000, SlaEventKind::kResolved}, {kNow - 25'000, SlaEventKind::kReopened},
                    {kNow - 2'000, SlaEventKind::kCustomer},  {kNow - 1'000, SlaEventKind::kPending}};
  return c;
}

CareWrite Cases(std::vector<CaseRecord> v) {
  CareWrite w;
  w.cases = std::move(v);
  return w;
}
CareWrite Messages(std::vector<CaseMessage> v) {
  CareWrite w;
  w.messages = std::move(v);
  return w;
}
CareWrite Events(std::vector<CaseEvent> v) {
  CareWrite w;
  w.events = std::move(v);
  return w;
}
CareWrite Texts(std::vector<std::pair<int64_t, std::string>> v) {
  CareWrite w;
  w.search_text = std::move(v);
  return w;
}

std::vector<int64_t> Ids(const std::vector<CaseRecord>& cases) {
  std::vector<int64_t> out;
  for (const auto& c : cases) out.push_back(c.id);
  return out;
}

class CaseDbTest : public ::testing::Test {
 protected:
  base::FakeClock clock_{kNow};
  std::unique_ptr<CaseDb> db_ = OpenOk(":memory:", clock_);

  std::vector<int64_t> List(const CaseFilter& f) {
    auto page = db_->ListCases(f);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? Ids(page->items) : std::vector<int64_t>{-1};
  }
  int64_t Total(const CaseFilter& f) {
    auto page = db_->ListCases(f);
    EXPECT_TRUE(page.ok()) << page.status().ToString();
    return page.ok() ? page->total : -1;
  }
};

TEST_F(CaseDbTest, FullRecordRoundTrips) {
  CaseRecord c = Full(7);
  WriteOk(*db_, Cases({c}));
  auto got = db_->GetCase(7);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ(**got, c);
  auto none = db_->GetCase(8);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto max = db_->MaxCaseId();
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(*max, 7);
}

TEST_F(CaseDbTest, EmptyDatabase) {
  auto max = db_->MaxCaseId();
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(*max, 0);
  auto active = db_->ActiveCases();
  ASSERT_TRUE(active.ok());
  EXPECT_TRUE(active->empty());
  EXPECT_EQ(Total(CaseFilter{}), 0);
  EXPECT_TRUE(db_->Write(CareWrite{}).ok());
}

TEST_F(CaseDbTest, UpsertReplaces) {
  CaseRecord c = Full(3);
  WriteOk(*db_, Cases({c}));
  CaseRecord changed = Basic(3, CaseStatus::kResolved, 5);
  changed.tags = {"other"};
  changed.sla_timeline = {{9, SlaEventKind::kResolved}};
  WriteOk(*db_, Cases({changed}));
  auto got = db_->GetCase(3);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, changed);
  EXPECT_EQ(Total(CaseFilter{}), 1);
  // Within one batch the last version wins.
  CaseRecord a = Basic(4), b = Basic(4, CaseStatus::kClosed);
  WriteOk(*db_, Cases({a, b}));
  got = db_->GetCase(4);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ((*got)->status, CaseStatus::kClosed);
}

TEST_F(CaseDbTest, RepeatedMessageIgnored) {
  CaseMessage m1{1, 100, model::Direction::kInbound, 20, "alice", 0};
  CaseMessage m2{1, 101, model::Direction::kOutbound, 10, "@brand", 5};
  CaseMessage again = m1;
  again.author = "mallory";
  again.at = 5;
  WriteOk(*db_, Messages({m1, m2, again}));
  WriteOk(*db_, Messages({again}));
  auto msgs = db_->Messages(1);
  ASSERT_TRUE(msgs.ok()) << msgs.status().ToString();
  ASSERT_EQ(msgs->size(), 2u);
  EXPECT_EQ((*msgs)[0], m2);  // time order
  EXPECT_EQ((*msgs)[1], m1);  // the first version kept
  auto none = db_->Messages(2);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());

  auto of = db_->CaseOfMention(100);
  ASSERT_TRUE(of.ok());
  EXPECT_EQ(*of, std::optional<int64_t>(1));
  // The same mention in a later case (a merge): the highest case id.
  WriteOk(*db_, Messages({{9, 100, model::Direction::kInbound, 20, "alice", 0}}));
  of = db_->CaseOfMention(100);
  ASSERT_TRUE(of.ok());
  EXPECT_EQ(*of, std::optional<int64_t>(9));
  of = db_->CaseOfMention(999);
  ASSERT_TRUE(of.ok());
  EXPECT_FALSE(of->has_value());
}

TEST_F(CaseDbTest, EventsGetAscendingIds) {
  std::vector<CaseEvent> batch1 = {{99, 1, 10, "created", "engine", "{}"},
                                   {0, 2, 11, "created", "engine", "{}"},
                                   {0, 1, 12, "status", "alice", R"({"from":"new","to":"open"})"}};
  WriteOk(*db_, Events(batch1));
  WriteOk(*db_, Events({{0, 1, 13, "note", "bob", R"({"text":"appelé le client"})"}}));
  auto ev = db_->Events(1, 0, 100);
  ASSERT_TRUE(ev.ok()) << ev.status().ToString();
  ASSERT_EQ(ev->size(), 3u);
  for (size_t i = 1; i < ev->size(); ++i) EXPECT_GT((*ev)[i].id, (*ev)[i - 1].id);
  EXPECT_GT((*ev)[0].id, 0);
  CaseEvent want = batch1[2];
  want.id = (*ev)[1].id;
  EXPECT_EQ((*ev)[1], want);
  EXPECT_EQ((*ev)[2].detail_json, R"({"text":"appelé le client"})");
  // Paging by after_id and limit.
  auto page = db_->Events(1, (*ev)[0].id, 1);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 1u);
  EXPECT_EQ((*page)[0].id, (*ev)[1].id);
  auto rest = db_->Events(1, (*ev)[2].id, 10);
  ASSERT_TRUE(rest.ok());
  EXPECT_TRUE(rest->empty());
  auto other = db_->Events(2, 0, 10);
  ASSERT_TRUE(other.ok());
  ASSERT_EQ(other->size(), 1u);
  EXPECT_EQ((*other)[0].at, 11);
}

// Six cases covering every filter and sort.
class CaseDbFilterTest : public CaseDbTest {
 protected:
  void SetUp() override {
    CaseRecord c1 = Basic(1, CaseStatus::kNew, 1000);
    c1.priority = Priority::kNormal;
    c1.channel = model::Channel::kTwitter;
    c1.team_id = 1;
    c1.contact_id = 10;
    c1.account = "@Brand";
    c1.tags = {"vip"};
    c1.category = "billing";
    c1.updated_at = 5000;
    c1.first_response = {60, 1000, 9000, 0, false, false, -1};

    CaseRecord c2 = Basic(2, CaseStatus::kOpen, 2000);
    c2.priority = Priority::kUrgent;
    c2.channel = model::Channel::kEmail;
    c2.team_id = 1;
    c2.assignee_id = 5;
    c2.contact_id = 11;
    c2.account = "support@x.example";
    c2.tags = {"refund", "vip"};
    c2.category = "delivery";
    c2.updated_at = 4000;
    c2.first_response = {60, 2000, 3000, 2500, false, false, 8};  // met: not running
    c2.next_response = {60, 5000, 7000, 0, false, false, -1};

    CaseRecord c3 = Basic(3, CaseStatus::kPending, 3000);
    c3.priority = Priority::kHigh;
    c3.channel = model::Channel::kEmail;
    c3.team_id = 2;
    c3.assignee_id = 5;
    c3.contact_id = 10;
    c3.category = "billing";
    c3.updated_at = 6000;
    c3.resolution = {60, 3000, 0, 0, true, true, -1};  // breached, no deadline running

    CaseRecord c4 = Basic(4, CaseStatus::kResolved, 4000);
    c4.priority = Priority::kLow;
    c4.channel = model::Channel::kTwitter;
    c4.team_id = 2;
    c4.assignee_id = 6;
    c4.account = "@brand";
    c4.updated_at = 4500;
    c4.next_response = {60, 4000, 7000, 0, true, false, -1};

    CaseRecord c5 = Basic(5, CaseStatus::kClosed, 500);
    c5.priority = Priority::kHigh;
    c5.channel = model::Channel::kChat;
    c5.tags = {"refund"};
    c5.updated_at = 7000;

    CaseRecord c6 = Basic(6, CaseStatus::kOpen, 6000);
    c6.priority = Priority::kLow;
    c6.channel = model::Channel::kChat;
    c6.team_id = 1;
    c6.updated_at = 6500;
    c6.first_response = {60, 6000, 1000, 6100, false, false, 1};  // met

    CareWrite w = Cases({c1, c2, c3, c4, c5, c6});
    w.search_text = {{1, "Double prélèvement sur ma facture"},
                     {2, "Colis non livré"},
                     {3, "Facture introuvable dans l'espace client"}};
    WriteOk(*db_, w);
  }
};

TEST_F(CaseDbFilterTest, Sorts) {
  CaseFilter f;
  // Due 7000, due 9000, then no running SLA (4 is resolved: its clocks
  // stopped, whatever its next_response says): high by created asc, then
  // low.
  EXPECT_EQ(List(f), (std::vector<int64_t>{2, 1, 5, 3, 4, 6}));
  f.sort = CaseFilter::Sort::kUpdated;
  EXPECT_EQ(List(f), (std::vector<int64_t>{5, 6, 3, 1, 4, 2}));
  f.sort = CaseFilter::Sort::kCreated;
  EXPECT_EQ(List(f), (std::vector<int64_t>{6, 4, 3, 2, 1, 5}));
}

TEST_F(CaseDbFilterTest, EveryFilter) {
  CaseFilter f;
  f.sort = CaseFilter::Sort::kCreated;
  auto with = [&](auto set) {
    CaseFilter g = f;
    set(g);
    return List(g);
  };
  using V = std::vector<int64_t>;
  EXPECT_EQ(with([](CaseFilter& g) { g.statuses = {CaseStatus::kOpen, CaseStatus::kNew}; }), (V{6, 2, 1}));
  EXPECT_EQ(with([](CaseFilter& g) { g.statuses = {CaseStatus::kClosed}; }), (V{5}));
  EXPECT_EQ(with([](CaseFilter& g) { g.team_id = 1; }), (V{6, 2, 1}));
  EXPECT_EQ(with([](CaseFilter& g) { g.assignee_id = 5; }), (V{3, 2}));
  EXPECT_EQ(with([](CaseFilter& g) { g.assignee_id = -1; }), (V{6, 1, 5}));
  EXPECT_EQ(with([](CaseFilter& g) { g.contact_id = 10; }), (V{3, 1}));
  EXPECT_EQ(with([](CaseFilter& g) { g.priorities = {Priority::kHigh, Priority::kUrgent}; }), (V{3, 2, 5}));
  EXPECT_EQ(with([](CaseFilter& g) { g.channels = {model::Channel::kTwitter}; }), (V{4, 1}));
  EXPECT_EQ(with([](CaseFilter& g) { g.channels = {model::Channel::kChat, model::Channel::kEmail}; }),
            (V{6, 3, 2, 5}));
  EXPECT_EQ(with([](CaseFilter& g) { g.account = "@BRAND"; }), (V{4, 1}));
  EXPECT_EQ(with([](CaseFilter& g) { g.tag = "refund"; }), (V{2, 5}));
  EXPECT_EQ(with([](CaseFilter& g) { g.tag = "ref"; }), (V{}));
  EXPECT_EQ(with([](CaseFilter& g) { g.category = "billing"; }), (V{3, 1}));
  EXPECT_EQ(with([](CaseFilter& g) { g.breached_only = true; }), (V{4, 3}));
  EXPECT_EQ(with([](CaseFilter& g) { g.text = "FACTURE"; }), (V{3, 1}));
  EXPECT_EQ(with([](CaseFilter& g) { g.text = "facture prelevement"; }), (V{1}));  // all words, accents folded
  EXPECT_EQ(with([](CaseFilter& g) { g.text = "facture colis"; }), (V{}));
  EXPECT_EQ(with([](CaseFilter& g) { g.text = "?!"; }), (V{6, 4, 3, 2, 1, 5}));  // no word: no condition
  EXPECT_EQ(with([](CaseFilter& g) { g.created_from = 2000; }), (V{6, 4, 3, 2}));
  EXPECT_EQ(with([](CaseFilter& g) { g.created_to = 2000; }), (V{1, 5}));
  EXPECT_EQ(with([](CaseFilter& g) {
              g.created_from = 1000;
              g.created_to = 4001;
            }),
            (V{4, 3, 2, 1}));
  // Conditions combine.
  EXPECT_EQ(with([](CaseFilter& g) {
              g.team_id = 1;
              g.statuses = {CaseStatus::kOpen};
              g.tag = "vip";
            }),
            (V{2}));
}

// Cases for due_before and sla_state: what runs, what is paused or over.
class CaseDbDueTest : public CaseDbTest {
 protected:
  static CaseRecord Make(int64_t id, CaseStatus status, SlaTarget first, SlaTarget next = {},
                         SlaTarget resolution = {}) {
    CaseRecord c = Basic(id, status, 100 * id);
    c.first_response = first;
    c.next_response = next;
    c.resolution = resolution;
    return c;
  }
  void SetUp() override {
    //                      target started due     met    breached warned elapsed
    const SlaTarget running{60, 100, 10'000, 0, false, false, -1};
    const SlaTarget warned{60, 100, 8'000, 0, false, true, -1};
    const SlaTarget overdue{60, 100, 2'000, 0, true, true, -1};
    const SlaTarget met{60, 100, 4'000, 3'000, false, true, 40};
    const SlaTarget late{60, 100, 0, 5'000, true, true, 90};
    WriteOk(*db_, Cases({
                      Make(1, CaseStatus::kOpen, running),                  // due 10'000, ok
                      Make(2, CaseStatus::kNew, overdue),                   // overdue (due 2'000), breached
                      Make(3, CaseStatus::kPending, warned),                // paused: no deadline runs; warning
                      Make(4, CaseStatus::kResolved, met, warned),          // stopped; ok
                      Make(5, CaseStatus::kOpen, met, {}, warned),          // due 8'000 (resolution), warning
                      Make(6, CaseStatus::kClosed, running),                // closed straight from open: stopped
                      Make(7, CaseStatus::kOpen, {}),                       // no SLA
                      Make(8, CaseStatus::kOpen, late, running),            // due 10'000, breached (first, late)
                      Make(9, CaseStatus::kResolved, late),                 // breached, stopped
                  }));
  }
};

TEST_F(CaseDbDueTest, DueBeforeListsTheRunningDeadlinesBeforeIt) {
  CaseFilter f;
  using V = std::vector<int64_t>;
  f.due_before = 10'000;  // exclusive: due exactly then is not before
  EXPECT_EQ(List(f), (V{2, 5}));
  f.due_before = 10'001;
  EXPECT_EQ(List(f), (V{2, 5, 1, 8}));  // urgency order: soonest (overdue) first
  EXPECT_EQ(Total(f), 4);
  f.due_before = 2'000;
  EXPECT_EQ(List(f), (V{}));
  f.due_before = 2'001;
  EXPECT_EQ(List(f), (V{2}));  // overdue ones stay in
  // Pending (3), resolved (4, 9) and closed (6) cases never have a running
  // deadline, whatever their targets say; nor does one without SLA (7).
  f.due_before = std::numeric_limits<int64_t>::max();
  EXPECT_EQ(List(f), (V{2, 5, 1, 8}));
  // With the other filters.
  f.statuses = {CaseStatus::kNew};
  EXPECT_EQ(List(f), (V{2}));
  f.statuses = {CaseStatus::kPending, CaseStatus::kClosed};
  EXPECT_EQ(List(f), (V{}));
  // The urgency sort puts the cases without a running deadline last (all
  // of normal priority here: oldest first).
  EXPECT_EQ(List(CaseFilter{}), (V{2, 5, 1, 8, 3, 4, 6, 7, 9}));
}

TEST_F(CaseDbDueTest, SlaStates) {
  CaseFilter f;
  f.sort = CaseFilter::Sort::kCreated;
  using V = std::vector<int64_t>;
  f.sla_states = {CaseSlaState::kBreached};
  EXPECT_EQ(List(f), (V{9, 8, 2}));
  f.sla_states = {CaseSlaState::kWarning};
  EXPECT_EQ(List(f), (V{5, 3}));  // 4 is resolved: its warned next response is not to be met
  f.sla_states = {CaseSlaState::kOk};
  EXPECT_EQ(List(f), (V{7, 6, 4, 1}));
  f.sla_states = {CaseSlaState::kWarning, CaseSlaState::kBreached};
  EXPECT_EQ(List(f), (V{9, 8, 5, 3, 2}));
  f.statuses = {CaseStatus::kNew, CaseStatus::kOpen};
  EXPECT_EQ(List(f), (V{8, 5, 2}));
  f.due_before = 9'000;
  EXPECT_EQ(List(f), (V{5, 2}));
}

TEST_F(CaseDbDueTest, NextSlaDueAndSlaStateOf) {
  for (int64_t id = 1; id <= 9; ++id) {
    auto c = db_->GetCase(id);
    ASSERT_TRUE(c.ok() && c->has_value());
    const base::Timestamp due = NextSlaDue(**c);
    const base::Timestamp want_due[] = {0, 10'000, 2'000, 0, 0, 8'000, 0, 0, 10'000, 0};
    EXPECT_EQ(due, want_due[id]) << "case " << id;
    const CaseSlaState want_state[] = {CaseSlaState::kOk,      CaseSlaState::kOk,       CaseSlaState::kBreached,
                                       CaseSlaState::kWarning, CaseSlaState::kOk,       CaseSlaState::kWarning,
                                       CaseSlaState::kOk,      CaseSlaState::kOk,       CaseSlaState::kBreached,
                                       CaseSlaState::kBreached};
    EXPECT_EQ(SlaStateOf(**c), want_state[id]) << "case " << id;
  }
  EXPECT_EQ(ParseCaseSlaState("Warning"), CaseSlaState::kWarning);
  EXPECT_EQ(CaseSlaStateName(CaseSlaState::kBreached), "breached");
  EXPECT_FALSE(ParseCaseSlaState("late").has_value());
}

TEST_F(CaseDbDueTest, TheFiltersUseTheIndexes) {
  // The "breaching soon" page and sla_state lists read an index, never the
  // whole table (EXPLAIN QUERY PLAN of the statements ListCases runs).
  TempDir dir;
  const std::string path = dir.File("plan.db");
  { auto db = OpenOk(path, clock_); }
  auto plan = [&](const std::string& where) {
    std::string out;
    for (const auto& row : store::test_util::RawRows(path, "EXPLAIN QUERY PLAN SELECT id FROM care_cases c WHERE " +
                                                               where + " ORDER BY c.urgency_due, c.priority DESC, "
                                                                       "c.created_at, c.id LIMIT 50"))
      out += row.back() + "\n";
    return out;
  };
  const std::string due = plan("c.urgency_due < 9223372036854775807 AND c.urgency_due < 5000");
  EXPECT_NE(due.find("care_cases_due"), std::string::npos) << due;
  EXPECT_EQ(due.find("SCAN c\n"), std::string::npos) << due;
  const std::string state = plan(
      "c.status IN (SELECT value FROM json_each('[\"new\",\"open\"]')) AND c.sla_state IN (SELECT value FROM "
      "json_each('[1]'))");
  EXPECT_NE(state.find("care_cases_sla_state"), std::string::npos) << state;
  const std::string soon = plan(
      "c.status IN (SELECT value FROM json_each('[\"new\",\"open\"]')) AND c.urgency_due < 9223372036854775807 "
      "AND c.urgency_due < 5000");
  EXPECT_EQ(soon.find("SCAN c\n"), std::string::npos) << soon;
}

TEST(CaseDbFileTest, MigratesVersion1) {
  // A version 1 file: urgency_due counted the deadlines of pending,
  // resolved and closed cases, and there was no sla_state.
  TempDir dir;
  const std::string path = dir.File("v1.db");
  base::FakeClock clock(kNow);
  {
    auto db = OpenOk(path, clock);
    CaseRecord open = Basic(1, CaseStatus::kOpen);
    open.first_response = {60, 100, 9'000, 0, false, true, -1};  // warned
    CaseRecord closed = Basic(2, CaseStatus::kClosed);
    closed.first_response = {60, 100, 3'000, 0, false, false, -1};
    CaseRecord late = Basic(3, CaseStatus::kResolved);
    late.resolution = {60, 100, 0, 5'000, true, true, 90};
    WriteOk(*db, Cases({open, closed, late}));
  }
  RawExec(path,
          "DROP INDEX care_cases_due; DROP INDEX care_cases_sla_state;"
          "ALTER TABLE care_cases DROP COLUMN sla_state;"
          "UPDATE care_cases SET urgency_due = 3000 WHERE id = 2; UPDATE care_schema SET version = 1;");
  auto db = OpenOk(path, clock);
  EXPECT_EQ(RawInt(path, "SELECT version FROM care_schema"), CaseDb::SchemaVersion());
  CaseFilter f;
  f.due_before = 10'000;
  EXPECT_EQ(Ids(db->ListCases(f)->items), (std::vector<int64_t>{1}));
  f = CaseFilter{};
  f.sla_states = {CaseSlaState::kWarning};
  EXPECT_EQ(Ids(db->ListCases(f)->items), (std::vector<int64_t>{1}));
  f.sla_states = {CaseSlaState::kBreached};
  EXPECT_EQ(Ids(db->ListCases(f)->items), (std::vector<int64_t>{3}));
  f.sla_states = {CaseSlaState::kOk};
  EXPECT_EQ(Ids(db->ListCases(f)->items), (std::vector<int64_t>{2}));
}

TEST_F(CaseDbFilterTest, TotalAndPaging) {
  CaseFilter f;
  f.sort = CaseFilter::Sort::kCreated;
  f.limit = 4;
  auto page = db_->ListCases(f);
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  EXPECT_EQ(Ids(page->items), (std::vector<int64_t>{6, 4, 3, 2}));
  EXPECT_EQ(page->total, 6);
  f.offset = 4;
  page = db_->ListCases(f);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(page->items), (std::vector<int64_t>{1, 5}));
  EXPECT_EQ(page->total, 6);
  f.offset = 10;
  page = db_->ListCases(f);
  ASSERT_TRUE(page.ok());
  EXPECT_TRUE(page->items.empty());
  EXPECT_EQ(page->total, 6);
  f.offset = 1;
  f.limit = 2;
  f.team_id = 1;
  page = db_->ListCases(f);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(page->items), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(page->total, 3);
  f.limit = 3;
  f.offset = 0;
  page = db_->ListCases(f);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(page->total, 3);
}

TEST_F(CaseDbFilterTest, CasesOfContacts) {
  std::vector<int64_t> contacts = {10, 11, 0, 99};
  auto got = db_->CasesOfContacts(contacts, 10);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ(Ids(*got), (std::vector<int64_t>{3, 2, 1}));
  got = db_->CasesOfContacts(contacts, 2);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(Ids(*got), (std::vector<int64_t>{3, 2}));
  std::vector<int64_t> none = {0};  // 0 = no contact, never matches the contactless cases
  got = db_->CasesOfContacts(none, 10);
  ASSERT_TRUE(got.ok());
  EXPECT_TRUE(got->empty());
}

TEST_F(CaseDbFilterTest, SearchTextIsReplaced) {
  CaseFilter f;
  f.text = "colis";
  EXPECT_EQ(List(f), (std::vector<int64_t>{2}));
  WriteOk(*db_, Texts({{2, "Remboursement demandé"}}));
  EXPECT_EQ(List(f), (std::vector<int64_t>{}));
  f.text = "remboursement";
  EXPECT_EQ(List(f), (std::vector<int64_t>{2}));
  WriteOk(*db_, Texts({{2, ""}}));
  EXPECT_EQ(List(f), (std::vector<int64_t>{}));
}

TEST_F(CaseDbTest, ErrorsNameTheField) {
  auto expect_invalid = [](const base::Status& s, const std::string& start) {
    EXPECT_EQ(s.code(), base::StatusCode::kInvalidArgument) << s.ToString();
    EXPECT_EQ(s.message().rfind(start, 0), 0u) << s.message();
  };
  CaseFilter f;
  f.limit = 0;
  expect_invalid(db_->ListCases(f).status(), "limit: must be 1..1000");
  f.limit = 1001;
  expect_invalid(db_->ListCases(f).status(), "limit: must be 1..1000");
  f = CaseFilter{};
  f.offset = -1;
  expect_invalid(db_->ListCases(f).status(), "offset:");
  f = CaseFilter{};
  f.assignee_id = -2;
  expect_invalid(db_->ListCases(f).status(), "assignee_id:");
  f = CaseFilter{};
  f.team_id = -1;
  expect_invalid(db_->ListCases(f).status(), "team_id:");
  f = CaseFilter{};
  f.contact_id = -1;
  expect_invalid(db_->ListCases(f).status(), "contact_id:");
  f = CaseFilter{};
  f.created_from = 10;
  f.created_to = 10;
  expect_invalid(db_->ListCases(f).status(), "created_to:");
  f = CaseFilter{};
  f.created_from = -5;
  expect_invalid(db_->ListCases(f).status(), "created_from:");
  f = CaseFilter{};
  f.due_before = -1;
  expect_invalid(db_->ListCases(f).status(), "due_before:");
  expect_invalid(db_->Events(1, 0, 0).status(), "limit: must be 1..1000");
  std::vector<int64_t> ids = {1};
  expect_invalid(db_->CasesOfContacts(ids, 1001).status(), "limit:");
  expect_invalid(db_->SimilarResolved("facture", "", 0, 0).status(), "limit:");
  expect_invalid(db_->ScanCases(-1, 0, [](const CaseRecord&) { return true; }), "created_from:");

  // A bad element writes nothing of the batch.
  CareWrite w;
  w.cases = {Basic(1), Basic(0)};
  expect_invalid(db_->Write(w), "cases[1].id: must be > 0");
  w.cases = {Basic(1)};
  w.messages = {{1, 0, model::Direction::kInbound, 1, "a", 0}};
  expect_invalid(db_->Write(w), "messages[0].mention_id:");
  w.messages = {{0, 5, model::Direction::kInbound, 1, "a", 0}};
  expect_invalid(db_->Write(w), "messages[0].case_id:");
  w.messages.clear();
  w.events = {{0, 1, 1, "", "engine", "{}"}};
  expect_invalid(db_->Write(w), "events[0].type:");
  w.events = {{0, -1, 1, "note", "engine", "{}"}};
  expect_invalid(db_->Write(w), "events[0].case_id:");
  w.events.clear();
  w.search_text = {{0, "x"}};
  expect_invalid(db_->Write(w), "search_text[0].case_id:");
  auto max = db_->MaxCaseId();
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(*max, 0);

  ReplyRecord r;
  r.case_id = 1;
  r.state = "lost";
  expect_invalid(db_->AddReply(r).status(), "state:");
  r.state = "queued";
  r.id = 3;
  expect_invalid(db_->AddReply(r).status(), "id:");
  r.id = 0;
  r.case_id = 0;
  expect_invalid(db_->AddReply(r).status(), "case_id:");
  r.case_id = 1;
  r.attempts = -1;
  expect_invalid(db_->AddReply(r).status(), "attempts:");
  r.attempts = 0;
  expect_invalid(db_->UpdateReply(r), "id:");
  expect_invalid(db_->PutSetting("", "{}"), "key:");
  expect_invalid(db_->PutSetting(std::string(201, 'k'), "{}"), "key:");
  expect_invalid(db_->PutSetting("routing", "{nope"), "json:");
}

TEST(CaseDbFileTest, ActiveCasesAfterReopen) {
  TempDir dir;
  const std::string path = dir.File("ecoute.db");
  base::FakeClock clock(kNow);
  CaseRecord pending = Full(5);
  {
    auto db = OpenOk(path, clock);
    WriteOk(*db, Cases({Basic(3, CaseStatus::kOpen), Basic(1, CaseStatus::kNew), Basic(2, CaseStatus::kResolved),
                        pending, Basic(4, CaseStatus::kClosed), Basic(6, CaseStatus::kNew)}));
  }
  EXPECT_EQ(RawInt(path, "SELECT version FROM care_schema"), CaseDb::SchemaVersion());
  auto db = OpenOk(path, clock);
  auto active = db->ActiveCases();
  ASSERT_TRUE(active.ok()) << active.status().ToString();
  EXPECT_EQ(Ids(*active), (std::vector<int64_t>{1, 3, 5, 6}));
  EXPECT_EQ((*active)[2], pending);
  auto max = db->MaxCaseId();
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(*max, 6);
}

TEST(CaseDbFileTest, SharesTheFileWithTheMentionStore) {
  TempDir dir;
  base::FakeClock clock(kNow);
  store::SqliteOptions o;
  o.synchronous = "off";
  o.read_connections = 1;
  o.cache_mb = 2;
  o.clock = &clock;
  for (bool care_first : {true, false}) {
    o.path = dir.File(care_first ? "care-first.db" : "store-first.db");
    std::unique_ptr<CaseDb> db;
    if (care_first) db = OpenOk(o.path, clock);
    auto st = store::OpenSqliteStore(o);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    if (!care_first) db = OpenOk(o.path, clock);
    WriteOk(*db, Cases({Basic(1)}));
    db.reset();
    st->reset();
    db = OpenOk(o.path, clock);  // reopening finds the schema in place
    auto max = db->MaxCaseId();
    ASSERT_TRUE(max.ok());
    EXPECT_EQ(*max, 1);
  }
}

TEST(CaseDbFileTest, RefusesForeignOrNewerFiles) {
  TempDir dir;
  base::FakeClock clock(kNow);
  const std::string foreign = dir.File("foreign.db");
  RawExec(foreign, "CREATE TABLE notes (x TEXT);");
  auto db = CaseDb::Open(foreign, clock);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), base::StatusCode::kCorruption) << db.status().ToString();
  EXPECT_EQ(RawInt(foreign, "SELECT count(*) FROM sqlite_schema"), 1);  // left as it was:
  {
    std::ifstream in(foreign, std::ios::binary);
    char header[20] = {};
    in.read(header, sizeof header);
    EXPECT_EQ(header[18], 1);  // still a rollback journal, not switched to WAL
  }

  const std::string newer = dir.File("newer.db");
  { OpenOk(newer, clock); }
  RawExec(newer, "UPDATE care_schema SET version = 99;");
  db = CaseDb::Open(newer, clock);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), base::StatusCode::kCorruption);
  EXPECT_NE(db.status().message().find("newer"), std::string::npos) << db.status().message();

  const std::string text = dir.File("text.db");
  {
    std::ofstream out(text, std::ios::binary);
    out << std::string(8192, 'x');
  }
  db = CaseDb::Open(text, clock);
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), base::StatusCode::kCorruption) << db.status().ToString();
}

class CaseDbSimilarTest : public CaseDbTest {
 protected:
  void SetUp() override {
    auto make = [](int64_t id, CaseStatus status, std::string category) {
      CaseRecord c = Basic(id, status, 1000 + id);
      c.category = std::move(category);
      return c;
    };
    CareWrite w = Cases({make(1, CaseStatus::kResolved, "billing"), make(2, CaseStatus::kClosed, "delivery"),
                         make(3, CaseStatus::kResolved, "billing"), make(4, CaseStatus::kResolved, "delivery"),
                         make(5, CaseStatus::kOpen, "billing"), make(6, CaseStatus::kResolved, "app"),
                         make(7, CaseStatus::kClosed, "other")});
    w.search_text = {
                 {1, "Facture en double : deux prélèvements sur mon compte, prélèvement du 3 mars"},
                 {2, "Colis non livré, la livraison est en retard depuis une semaine"},
                 {3, "I was charged twice on my credit card for the same invoice"},
                 {4, "My parcel delivery is late and the tracking number is not updated"},
                 {5, "Double prélèvement sur ma facture de mars"},
                 {6, "The application crashes on startup after the update"},
                 {7, "The application crashes on startup after the update"},
             };
    WriteOk(*db_, w);
  }
  std::vector<SimilarCase> Similar(std::string_view text, std::string_view category = "", int64_t exclude = 0,
                                   int limit = 10) {
    auto r = db_->SimilarResolved(text, category, exclude, limit);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : std::vector<SimilarCase>{};
  }
  static std::vector<int64_t> SimIds(const std::vector<SimilarCase>& v) {
    std::vector<int64_t> out;
    for (const auto& s : v) out.push_back(s.record.id);
    return out;
  }
};

TEST_F(CaseDbSimilarTest, FrenchExample) {
  auto got = Similar("Bonjour, j'ai un DOUBLE prélèvement sur la facture de ce mois !");
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0].record.id, 1);  // case 5 has the same words but is still open
  CaseRecord want = Basic(1, CaseStatus::kResolved, 1001);
  want.category = "billing";
  EXPECT_EQ(got[0].record, want);
  EXPECT_GT(got[0].score, 0);
  EXPECT_EQ(got[0].shared_terms, (std::vector<std::string>{"double", "prelevement", "facture"}));
  for (const auto& s : got) EXPECT_NE(s.record.id, 5);
  // Excluding it.
  for (const auto& s : Similar("double prélèvement facture", "", 1)) EXPECT_NE(s.record.id, 1);
  // Accents and case folded both ways.
  EXPECT_EQ(SimIds(Similar("PRELEVEMENT")), (std::vector<int64_t>{1}));
  // Deterministic.
  auto again = Similar("Bonjour, j'ai un DOUBLE prélèvement sur la facture de ce mois !");
  ASSERT_EQ(again.size(), got.size());
  for (size_t i = 0; i < got.size(); ++i) {
    EXPECT_EQ(again[i].record.id, got[i].record.id);
    EXPECT_EQ(again[i].score, got[i].score);
  }
}

TEST_F(CaseDbSimilarTest, EnglishExample) {
  auto got = Similar("Hello, you charged me twice for the same invoice!");
  ASSERT_FALSE(got.empty());
  EXPECT_EQ(got[0].record.id, 3);
  EXPECT_EQ(got[0].shared_terms, (std::vector<std::string>{"charged", "twice", "invoice"}));
  auto late = Similar("where is my parcel? the delivery is very late");
  ASSERT_FALSE(late.empty());
  EXPECT_EQ(late[0].record.id, 4);
  EXPECT_EQ(late[0].shared_terms, (std::vector<std::string>{"parcel", "delivery", "late"}));
  // The French delivery case (livraison) shares no word.
  for (const auto& s : late) EXPECT_NE(s.record.id, 2);
}

TEST_F(CaseDbSimilarTest, SameCategoryBonusAndTies) {
  // Cases 6 and 7 have the same text: without a category the higher id
  // first, with one the case of that category first, scored 1.5 times.
  auto plain = Similar("app crashes at startup");
  ASSERT_GE(plain.size(), 2u);
  EXPECT_EQ(SimIds(plain), (std::vector<int64_t>{7, 6}));
  EXPECT_EQ(plain[0].score, plain[1].score);
  auto app = Similar("app crashes at startup", "app");
  ASSERT_EQ(SimIds(app), (std::vector<int64_t>{6, 7}));
  EXPECT_NEAR(app[0].score, 1.5 * app[1].score, 1e-9);
  EXPECT_EQ(app[0].shared_terms, (std::vector<std::string>{"crashes", "startup"}));
  EXPECT_EQ(SimIds(Similar("app crashes at startup", "", 0, 1)), (std::vector<int64_t>{7}));
}

TEST_F(CaseDbSimilarTest, NoUsableWord) {
  EXPECT_TRUE(Similar("le la de et ou, the and of !").empty());
  EXPECT_TRUE(Similar("").empty());
  EXPECT_TRUE(Similar("zzzunknownword").empty());
}

TEST_F(CaseDbTest, ManyTermsAreCappedToTheRarest) {
  // 40 distinct words occur in every case; "rarissime" only in case 2.
  std::string common;
  for (int i = 0; i < 40; ++i) common += "mot" + std::to_string(1000 + i) + " ";
  CareWrite w;
  for (int64_t id = 1; id <= 3; ++id) {
    w.cases.push_back(Basic(id, CaseStatus::kResolved));
    w.search_text.push_back({id, common + (id == 2 ? "rarissime" : "")});
  }
  WriteOk(*db_, w);
  auto got = db_->SimilarResolved(common + "rarissime", "", 0, 10);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 3u);
  EXPECT_EQ((*got)[0].record.id, 2);
  // At most kMaxSimilarTerms, the rare one included.
  EXPECT_EQ((*got)[0].shared_terms.size(), static_cast<size_t>(CaseDb::kMaxSimilarTerms));
  EXPECT_EQ((*got)[0].shared_terms.back(), "rarissime");
}

TEST_F(CaseDbTest, RepliesCrud) {
  ReplyRecord r;
  r.case_id = 4;
  r.user_id = 9;
  r.user_login = "alice";
  r.in_reply_to_mention_id = 100;
  r.connector = "smtp";
  r.text = "Bonjour, nous avons remboursé le prélèvement.";
  r.canned = "refund-done";
  auto added = db_->AddReply(r);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_GT(added->id, 0);
  EXPECT_EQ(added->created_at, kNow);
  EXPECT_EQ(added->state, "queued");
  ReplyRecord second = r;
  second.created_at = kNow + 5;
  second.text = "Suite";
  auto added2 = db_->AddReply(second);
  ASSERT_TRUE(added2.ok());
  EXPECT_GT(added2->id, added->id);
  EXPECT_EQ(added2->created_at, kNow + 5);

  auto got = db_->GetReply(added->id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, *added);

  ReplyRecord sent = *added;
  sent.state = "sent";
  sent.mention_id = 555;
  sent.external_id = "<msg-1@brand>";
  sent.attempts = 2;
  sent.sent_at = kNow + 100;
  sent.error = "first attempt: timeout";
  ASSERT_TRUE(db_->UpdateReply(sent).ok());
  got = db_->GetReply(added->id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, sent);
  // case_id and created_at are kept.
  ReplyRecord moved = sent;
  moved.case_id = 99;
  moved.created_at = 1;
  ASSERT_TRUE(db_->UpdateReply(moved).ok());
  got = db_->GetReply(added->id);
  ASSERT_TRUE(got.ok() && got->has_value());
  EXPECT_EQ(**got, sent);

  auto list = db_->Replies(4);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 2u);
  EXPECT_EQ((*list)[0], sent);
  EXPECT_EQ((*list)[1], *added2);
  auto none = db_->Replies(5);
  ASSERT_TRUE(none.ok());
  EXPECT_TRUE(none->empty());
  auto missing = db_->GetReply(12345);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
  ReplyRecord ghost = sent;
  ghost.id = 12345;
  EXPECT_EQ(db_->UpdateReply(ghost).code(), base::StatusCode::kNotFound);
}

TEST_F(CaseDbTest, Settings) {
  auto none = db_->GetSetting("routing");
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  ASSERT_TRUE(db_->PutSetting("routing", R"([{"name":"a","team":"t"}])").ok());
  ASSERT_TRUE(db_->PutSetting("sla", R"({"gold":{"first_response":60}})").ok());
  ASSERT_TRUE(db_->PutSetting("routing", R"([])").ok());
  auto got = db_->GetSetting("routing");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, std::optional<std::string>("[]"));
  got = db_->GetSetting("sla");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, std::optional<std::string>(R"({"gold":{"first_response":60}})"));
}

TEST_F(CaseDbTest, ScanCasesInCreationOrderAndStops) {
  // More than one read chunk, with equal creation times.
  CareWrite w;
  for (int64_t id = 1; id <= 1200; ++id) w.cases.push_back(Basic(id, CaseStatus::kClosed, (id * 7919) % 300));
  WriteOk(*db_, w);
  std::vector<std::pair<base::Timestamp, int64_t>> seen;
  ASSERT_TRUE(db_->ScanCases(0, 0, [&](const CaseRecord& c) {
                    seen.emplace_back(c.created_at, c.id);
                    return true;
                  }).ok());
  ASSERT_EQ(seen.size(), 1200u);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));
  EXPECT_EQ(std::adjacent_find(seen.begin(), seen.end()), seen.end());

  seen.clear();
  ASSERT_TRUE(db_->ScanCases(100, 200, [&](const CaseRecord& c) {
                    seen.emplace_back(c.created_at, c.id);
                    return true;
                  }).ok());
  ASSERT_EQ(seen.size(), 400u);  // 4 ids per created_at value
  EXPECT_EQ(seen.front().first, 100);
  EXPECT_EQ(seen.back().first, 199);
  EXPECT_TRUE(std::is_sorted(seen.begin(), seen.end()));

  int calls = 0;
  ASSERT_TRUE(db_->ScanCases(0, 0, [&](const CaseRecord&) { return ++calls < 3; }).ok());
  EXPECT_EQ(calls, 3);
  calls = 0;
  ASSERT_TRUE(db_->ScanCases(0, 0, [&](const CaseRecord&) { return ++calls < 700; }).ok());
  EXPECT_EQ(calls, 700);
}

TEST_F(CaseDbTest, LargeBatchInOneWrite) {
  CareWrite w;
  for (int64_t id = 1; id <= 2000; ++id) {
    CaseRecord c = Basic(id, id % 2 == 0 ? CaseStatus::kOpen : CaseStatus::kResolved, id);
    c.team_id = id % 5;
    c.tags = {"t" + std::to_string(id % 3)};
    w.cases.push_back(c);
    w.messages.push_back({id, 10'000 + id, model::Direction::kInbound, id, "user" + std::to_string(id), 0});
    w.events.push_back({0, id, id, "created", "engine", "{}"});
    w.events.push_back({0, id, id + 1, "message", "engine", R"({"mention_id":)" + std::to_string(10'000 + id) + "}"});
    w.search_text.push_back({id, "texte du cas numero" + std::to_string(id)});
  }
  WriteOk(*db_, w);
  EXPECT_EQ(Total(CaseFilter{}), 2000);
  auto max = db_->MaxCaseId();
  ASSERT_TRUE(max.ok());
  EXPECT_EQ(*max, 2000);
  auto active = db_->ActiveCases();
  ASSERT_TRUE(active.ok());
  ASSERT_EQ(active->size(), 1000u);
  EXPECT_EQ(active->front().id, 2);
  EXPECT_EQ(active->back().id, 2000);
  auto restorable = db_->ActiveCases(/*with_resolved=*/true);  // the odd ids are resolved
  ASSERT_TRUE(restorable.ok());
  ASSERT_EQ(restorable->size(), 2000u);
  EXPECT_EQ(restorable->front().id, 1);
  EXPECT_EQ(restorable->back().id, 2000);
  CaseFilter f;
  f.team_id = 3;
  f.tag = "t0";
  int64_t want = 0;
  for (int64_t id = 1; id <= 2000; ++id) want += id % 5 == 3 && id % 3 == 0 ? 1 : 0;
  EXPECT_EQ(Total(f), want);
  for (int64_t id : {1, 777, 2000}) {
    auto ev = db_->Events(id, 0, 10);
    ASSERT_TRUE(ev.ok());
    ASSERT_EQ(ev->size(), 2u);
    EXPECT_EQ((*ev)[0].type, "created");
    EXPECT_EQ((*ev)[1].type, "message");
    auto msgs = db_->Messages(id);
    ASSERT_TRUE(msgs.ok());
    ASSERT_EQ(msgs->size(), 1u);
    EXPECT_EQ((*msgs)[0].mention_id, 10'000 + id);
    auto of = db_->CaseOfMention(10'000 + id);
    ASSERT_TRUE(of.ok());
    EXPECT_EQ(*of, std::optional<int64_t>(id));
  }
  f = CaseFilter{};
  f.text = "numero777";
  auto page = db_->ListCases(f);
  ASSERT_TRUE(page.ok());
  EXPECT_EQ(Ids(page->items), (std::vector<int64_t>{777}));
}

TEST_F(CaseDbTest, ReadsRunDuringWrites) {
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&] {
      while (!done.load()) {
        CaseFilter f;
        f.statuses = {CaseStatus::kOpen};
        auto page = db_->ListCases(f);
        if (!page.ok() || page->total < static_cast<int64_t>(page->items.size())) errors.fetch_add(1);
        auto c = db_->GetCase(1);
        if (!c.ok()) errors.fetch_add(1);
        auto active = db_->ActiveCases();
        if (!active.ok()) errors.fetch_add(1);
      }
    });
  }
  for (int64_t batch = 0; batch < 20; ++batch) {
    CareWrite w;
    for (int64_t i = 1; i <= 50; ++i) w.cases.push_back(Basic(batch * 50 + i, CaseStatus::kOpen, batch));
    WriteOk(*db_, w);
  }
  done.store(true);
  for (auto& t : readers) t.join();
  EXPECT_EQ(errors.load(), 0);
  auto active = db_->ActiveCases();
  ASSERT_TRUE(active.ok());
  EXPECT_EQ(active->size(), 1000u);
}

}  // namespace
}  // namespace ecoute::care
