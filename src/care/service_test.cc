#include "care/service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "base/clock.h"
#include "contacts/contact_store.h"
#include "store/sqlite_store.h"

namespace ecoute::care {
namespace {

constexpr int64_t kMin = 60'000;

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = ::testing::TempDir() + "care-service-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/ecoute.db";
    clock_.Set(t0_);
    store::SqliteOptions so;
    so.path = path_;
    so.synchronous = "normal";
    auto st = store::OpenSqliteStore(so);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(st).value();
    Open();
  }

  void TearDown() override {
    Close();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  void Open() {
    auto db = CaseDb::Open(path_, clock_);
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(db).value();
    auto contacts = contacts::ContactStore::Open(path_, contacts::ContactOptions{}, clock_);
    ASSERT_TRUE(contacts.ok()) << contacts.status().ToString();
    contacts_ = std::move(contacts).value();
    CareOptions options;
    options.tick_ms = 20;
    SlaPolicy p;
    p.name = "social";
    p.calendar = "24x7";
    p.default_targets = SlaTargets{30, 30, 24 * 60};
    options.settings.sla_policies = {p};
    options.settings.own_accounts = {"AcmeSupport"};
    CareDeps deps;
    deps.cases = db_.get();
    deps.contacts = contacts_.get();
    deps.store = store_.get();
    deps.clock = &clock_;
    deps.on_sla = [this](const std::vector<SlaNotice>& n) {
      std::lock_guard lock(mu_);
      notices_.insert(notices_.end(), n.begin(), n.end());
    };
    deps.store_outbound = [this](const model::Mention& m) -> base::Result<int64_t> {
      std::vector<model::Mention> batch = {m};
      auto w = store_->Write(batch, {}, nullptr);
      if (!w.ok()) return w.status();
      service_->OnCommit(batch);
      return batch[0].id;
    };
    auto svc = CareService::Create(options, deps);
    ASSERT_TRUE(svc.ok()) << svc.status().ToString();
    service_ = std::move(svc).value();
    ASSERT_TRUE(service_->Start().ok());
  }

  void Close() {
    if (service_) service_->Stop();
    service_.reset();
    contacts_.reset();
    db_.reset();
  }

  // Stores the mentions and hands them to the service, as the pipeline does.
  std::vector<model::Mention> Commit(std::vector<model::Mention> ms) {
    auto w = store_->Write(ms, {}, nullptr);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    service_->OnCommit(ms);
    service_->Flush();
    return ms;
  }

  model::Mention Tweet(const std::string& id, const std::string& author, const std::string& text, base::Timestamp at,
                       bool needs_reply, const std::string& reply_to = "") {
    model::Mention m;
    m.channel = model::Channel::kTwitter;
    m.native_id = id;
    m.author.handle = author;
    m.author.display_name = author;
    m.direction = author == "AcmeSupport" ? model::Direction::kOutbound : model::Direction::kInbound;
    m.created_at = at;
    m.text = text;
    m.language = "fr";
    m.reply_to = reply_to;
    m.enrichment.needs_reply = needs_reply;
    m.enrichment.severity_level = "medium";
    m.enrichment.category = "delivery";
    m.entities.mentions = {"AcmeSupport"};
    return m;
  }

  Actor Agent(int64_t id, const std::string& login) { return Actor{id, login, login, false}; }

  std::string dir_, path_;
  const base::Timestamp t0_ = base::ParseTimestamp("2026-03-02T10:00:00Z").value();
  base::FakeClock clock_{0};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<CaseDb> db_;
  std::unique_ptr<contacts::ContactStore> contacts_;
  std::unique_ptr<CareService> service_;
  std::mutex mu_;
  std::vector<SlaNotice> notices_;
};

TEST_F(ServiceTest, CommittedMessagesBecomeStoredCasesWithTheirContact) {
  auto ms = Commit({Tweet("1", "jeanne", "Mon colis n'est pas arrivé", t0_, true),
                    Tweet("2", "paul", "Bravo pour la livraison", t0_, false)});
  auto page = service_->ListCases(CaseFilter{});
  ASSERT_TRUE(page.ok()) << page.status().ToString();
  ASSERT_EQ(page.value().total, 1);
  const CaseRecord& c = page.value().items[0];
  EXPECT_EQ(c.first_message_id, ms[0].id);
  EXPECT_NE(c.contact_id, 0);
  EXPECT_EQ(c.sla_policy, "social");
  auto events = db_->Events(c.id, 0, 100);
  ASSERT_TRUE(events.ok());
  ASSERT_FALSE(events.value().empty());
  EXPECT_EQ(events.value()[0].type, "created");
  EXPECT_EQ(service_->Stats().cases_created, 1u);
}

TEST_F(ServiceTest, AReplyIsStoredOnTheCaseAndMeetsTheFirstResponse) {
  Commit({Tweet("1", "jeanne", "Mon colis n'est pas arrivé", t0_, true)});
  clock_.Set(t0_ + 12 * kMin);
  ReplyRequest r;
  r.text = "Bonjour Jeanne, nous regardons tout de suite.";
  r.status_after = CaseStatus::kPending;
  auto reply = service_->Reply(1, r, Agent(7, "ana"));
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_NE(reply.value().mention_id, 0);
  // No connector for Twitter here: kept on the case, marked failed, said so.
  EXPECT_EQ(reply.value().state, "failed");
  EXPECT_NE(reply.value().error.find("no reply connector for channel twitter"), std::string::npos);
  service_->Flush();
  auto c = service_->GetCase(1);
  ASSERT_TRUE(c.ok() && c.value());
  EXPECT_EQ(c.value()->first_response_at, t0_ + 12 * kMin);
  EXPECT_EQ(c.value()->first_response.elapsed_minutes, 12);
  EXPECT_FALSE(c.value()->first_response.breached);
  EXPECT_EQ(c.value()->status, CaseStatus::kPending);
  auto msgs = db_->Messages(1);
  ASSERT_TRUE(msgs.ok());
  ASSERT_EQ(msgs.value().size(), 2u);
  EXPECT_EQ(msgs.value()[1].direction, model::Direction::kOutbound);
  EXPECT_EQ(msgs.value()[1].user_id, 7);
  auto stored = store_->Get(reply.value().mention_id);
  ASSERT_TRUE(stored.ok() && stored.value());
  EXPECT_EQ(stored.value()->reply_to, "1");
  EXPECT_EQ(stored.value()->direction, model::Direction::kOutbound);
}

TEST_F(ServiceTest, TheSoftLockStopsASecondAgentUnlessForced) {
  Commit({Tweet("1", "jeanne", "Mon colis n'est pas arrivé", t0_, true)});
  ASSERT_TRUE(service_->Touch(1, "typing", 0, Agent(7, "ana")).ok());
  ASSERT_TRUE(service_->Touch(1, "viewing", 0, Agent(8, "bob")).ok());
  auto viewers = service_->Viewers(1);
  ASSERT_EQ(viewers.size(), 2u);
  ReplyRequest r;
  r.text = "Je m'en occupe";
  auto blocked = service_->Reply(1, r, Agent(8, "bob"));
  ASSERT_FALSE(blocked.ok());
  EXPECT_EQ(blocked.status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_NE(blocked.status().message().find("ana is replying to this message"), std::string::npos);
  r.force = true;
  EXPECT_TRUE(service_->Reply(1, r, Agent(8, "bob")).ok());
  // The lock expires with the typist's heartbeat.
  r.force = false;
  clock_.Set(t0_ + 2 * kMin);
  EXPECT_TRUE(service_->Reply(1, r, Agent(8, "bob")).ok());
  EXPECT_TRUE(service_->Viewers(1).empty());
}

TEST_F(ServiceTest, PermissionsAndStatesOfCommands) {
  Commit({Tweet("1", "jeanne", "Mon colis n'est pas arrivé", t0_, true)});
  CaseUpdate u;
  u.priority = Priority::kUrgent;
  EXPECT_EQ(service_->Update(1, u, Agent(7, "ana")).status().code(), base::StatusCode::kPermissionDenied);
  EXPECT_EQ(service_->Assign(1, 9, Agent(7, "ana")).status().code(), base::StatusCode::kPermissionDenied);
  Actor lead{9, "lea", "Léa", true};
  auto up = service_->Update(1, u, lead);
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_EQ(up.value().priority, Priority::kUrgent);
  EXPECT_EQ(service_->Update(99, CaseUpdate{}, lead).status().code(), base::StatusCode::kNotFound);
  CaseUpdate close;
  close.status = CaseStatus::kClosed;
  ASSERT_TRUE(service_->Update(1, close, lead).ok());
  EXPECT_EQ(service_->AddNote(1, "trop tard", lead).status().code(), base::StatusCode::kFailedPrecondition);
  auto stored = service_->GetCase(1);
  ASSERT_TRUE(stored.ok() && stored.value());
  EXPECT_EQ(stored.value()->status, CaseStatus::kClosed);
}

TEST_F(ServiceTest, BreachesReachTheSlaSink) {
  Commit({Tweet("1", "jeanne", "Mon colis n'est pas arrivé", t0_, true)});
  clock_.Set(t0_ + 25 * kMin);
  service_->Flush();
  clock_.Set(t0_ + 31 * kMin);
  service_->Flush();
  std::lock_guard lock(mu_);
  ASSERT_EQ(notices_.size(), 2u);
  EXPECT_EQ(notices_[0].kind, "warning");
  EXPECT_EQ(notices_[1].kind, "breach");
  EXPECT_EQ(notices_[1].snapshot.id, 1);
}

TEST_F(ServiceTest, ARestartTakesBackTheOpenCases) {
  Commit({Tweet("1", "jeanne", "Mon colis n'est pas arrivé", t0_, true)});
  Close();
  Open();
  Commit({Tweet("2", "jeanne", "Toujours rien", t0_ + kMin, false, "1")});
  auto c = service_->GetCase(1);
  ASSERT_TRUE(c.ok() && c.value());
  EXPECT_EQ(c.value()->message_count, 2);
  Commit({Tweet("3", "marc", "Colis abîmé", t0_ + 2 * kMin, true)});
  EXPECT_TRUE(service_->GetCase(2).value().has_value());
}

TEST_F(ServiceTest, ReplayRunsInEventTimeWhateverTheFileOrder) {
  // As in twcs: the brand's answer comes first in the file.
  std::vector<model::Mention> ms = {Tweet("11", "AcmeSupport", "Désolés, on regarde", t0_ + 40 * kMin, false, "10"),
                                    Tweet("10", "jeanne", "Colis perdu !", t0_, true)};
  auto w = store_->Write(ms, {}, nullptr);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE(service_->Replay(ms).ok());
  auto c = service_->GetCase(1);
  ASSERT_TRUE(c.ok() && c.value());
  EXPECT_EQ(c.value()->first_response_at, t0_ + 40 * kMin);
  EXPECT_EQ(c.value()->first_response.elapsed_minutes, 40);
  EXPECT_TRUE(c.value()->first_response.breached);
  EXPECT_EQ(c.value()->account, "AcmeSupport");
}

}  // namespace
}  // namespace ecoute::care
