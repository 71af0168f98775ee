// The scenario of issue 6, end to end on one database file shared with the
// store: an e-mail on Monday, a call on Wednesday quoting the e-mail
// address, a tweet on Thursday quoting the order number the e-mail quoted.

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "contacts/contact_store.h"
#include "contacts/contacts_testing.h"
#include "store/sqlite_test_util.h"

namespace ecoute::contacts {
namespace {

using model::Channel;
using namespace ecoute::contacts::testing;  // contacts_testing.h

class ContactsScenario : public ::testing::Test {
 protected:
  void Open(const ContactOptions& options) {
    store_ = store::test_util::OpenAt(db_.path(), &clock_, /*read_connections=*/1);
    contacts_ = OpenOrDie(db_.path(), options, clock_);
  }

  // Writes one mention through the store (which assigns its id), then
  // resolves the committed batch, as the care inbox does.
  model::Mention Receive(MentionSpec spec) {
    clock_.Set(spec.at + kHour);
    std::vector<model::Mention> ms = {testing::MakeMention(spec)};
    ms[0].native_id = "native-" + std::to_string(++native_);
    ms[0].language = "fr";
    auto w = store_->Write(ms, {}, nullptr);
    EXPECT_TRUE(w.ok()) << w.status().ToString();
    EXPECT_GT(ms[0].id, 0);
    auto r = contacts_->ResolveBatch(ms);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    last_contact_ = r.ok() ? (*r)[0] : -1;
    return ms[0];
  }

  // The three messages of the issue.
  void ReceiveTheWeek() {
    email_ = Receive(Msg()
                         .On(Channel::kEmail)
                         .Handle("jean.dupont@example.fr")
                         .Name("Jean Dupont")
                         .At(kMonday + 9 * kHour)
                         .Text("Bonjour, ma commande 4711-AB12 n'est toujours pas arrivée. Cordialement, Jean Dupont")
                         .Category("delivery")
                         .Title("Retard de livraison"));
    e_ = last_contact_;
    call_ = Receive(Msg()
                        .On(Channel::kVoice)
                        .Handle("+33 6 12 34 56 78")
                        .At(kMonday + 2 * kDay + 14 * kHour)
                        .Text("oui bonjour c'est pour ma livraison, je vous ai écrit lundi, mon adresse est "
                              "jean.dupont@example.fr")
                        .Category("delivery"));
    p_ = last_contact_;
    tweet_ = Receive(Msg()
                         .On(Channel::kTwitter)
                         .Handle("@jdupont")
                         .Name("Jean Dupont")
                         .At(kMonday + 3 * kDay + 8 * kHour)
                         .Text("@brand toujours rien pour ma commande 4711-AB12 !!! #sav")
                         .Category("delivery"));
    t_ = last_contact_;
  }

  const Suggestion* Between(const std::vector<Suggestion>& all, int64_t x, int64_t y) {
    for (const Suggestion& s : all)
      if (s.contact_a == std::min(x, y) && s.contact_b == std::max(x, y)) return &s;
    return nullptr;
  }

  static std::vector<std::string> Kinds(const Suggestion& s) {
    std::vector<std::string> k;
    for (const Evidence& e : s.evidence) k.push_back(e.kind);
    return k;
  }

  TempDb db_;
  base::FakeClock clock_{kMonday};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<ContactStore> contacts_;
  int native_ = 0;
  int64_t last_contact_ = 0;
  model::Mention email_, call_, tweet_;
  int64_t e_ = 0, p_ = 0, t_ = 0;
};

TEST_F(ContactsScenario, SuggestionsWithEvidenceAcceptUnmerge) {
  Open(ContactOptions{});
  ReceiveTheWeek();
  ASSERT_GT(e_, 0);
  ASSERT_GT(p_, 0);
  ASSERT_GT(t_, 0);
  EXPECT_NE(e_, p_);
  EXPECT_NE(e_, t_);
  EXPECT_NE(p_, t_);

  // What each contact holds before any decision.
  const Contact e_before = GetOrDie(*contacts_, e_);
  const Contact p_before = GetOrDie(*contacts_, p_);
  const Contact t_before = GetOrDie(*contacts_, t_);
  EXPECT_EQ(IdentifierKeys(e_before),
            (std::vector<std::string>{"email:jean.dupont@example.fr", "order_number:4711-AB12"}));
  EXPECT_EQ(IdentifierKeys(p_before), (std::vector<std::string>{"phone:+33612345678"}));
  EXPECT_EQ(IdentifierKeys(t_before), (std::vector<std::string>{"handle:twitter:jdupont"}));
  EXPECT_EQ(p_before.display_name, "+33 6 12 34 56 78");

  auto pending = Pending(*contacts_);
  ASSERT_EQ(pending.size(), 2u);
  const Suggestion* ep = Between(pending, e_, p_);
  const Suggestion* et = Between(pending, e_, t_);
  ASSERT_NE(ep, nullptr);
  ASSERT_NE(et, nullptr);
  // The call quotes the e-mail's address.
  EXPECT_DOUBLE_EQ(ep->score, 0.9);
  EXPECT_EQ(Kinds(*ep), (std::vector<std::string>{"quoted_email"}));
  EXPECT_EQ(ep->evidence[0].mention_id, call_.id);
  EXPECT_EQ(ep->evidence[0].detail, "call " + std::to_string(call_.id) +
                                        " quotes jean.dupont@example.fr, an e-mail of contact " + std::to_string(e_));
  // The tweet quotes the order number the e-mail quoted, same name, same problem.
  EXPECT_EQ(Kinds(*et), (std::vector<std::string>{"quoted_order_number", "same_name", "same_category"}));
  EXPECT_DOUBLE_EQ(et->score, 0.93);
  EXPECT_EQ(et->evidence[0].detail, "tweet " + std::to_string(tweet_.id) + " quotes 4711-AB12, which contact " +
                                        std::to_string(e_) + " quoted in mention " + std::to_string(email_.id));
  EXPECT_EQ(et->evidence[1].detail, "\"Jean Dupont\" wrote tweet " + std::to_string(tweet_.id) + " and e-mail " +
                                        std::to_string(email_.id) + " (contact " + std::to_string(e_) +
                                        ") 2 days apart");
  // Highest score first.
  EXPECT_EQ(pending[0].id, et->id);
  EXPECT_EQ(Pending(*contacts_, p_).size(), 1u);

  // Accept both: one contact, one timeline, newest first.
  auto m1 = contacts_->Accept(ep->id, "agent.sophie");
  ASSERT_TRUE(m1.ok()) << m1.status().ToString();
  EXPECT_EQ(m1->into, e_);
  EXPECT_EQ(m1->from, p_);
  EXPECT_EQ(m1->suggestion_id, ep->id);
  const int64_t et_id = et->id;
  auto m2 = contacts_->Accept(et_id, "agent.sophie");
  ASSERT_TRUE(m2.ok()) << m2.status().ToString();
  EXPECT_TRUE(Pending(*contacts_).empty());
  auto accepted = contacts_->Suggestions(0, "accepted", 10);
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ(accepted->size(), 2u);

  Contact one = GetOrDie(*contacts_, t_);
  EXPECT_EQ(one.id, e_);
  EXPECT_EQ(one.resolved_from, t_);
  EXPECT_EQ(one.display_name, "Jean Dupont");
  EXPECT_EQ(one.message_count, 3);
  EXPECT_EQ(one.channels, (std::vector<std::string>{"twitter", "email", "voice"}));
  EXPECT_EQ(one.merged_ids, (std::vector<int64_t>{p_, t_}));
  EXPECT_EQ(one.last_seen_at, tweet_.created_at);
  EXPECT_EQ(TimelineIds(*contacts_, e_), (std::vector<int64_t>{tweet_.id, call_.id, email_.id}));
  auto timeline = contacts_->MentionIds(p_, ContactStore::kNoBound, 10);
  ASSERT_TRUE(timeline.ok());
  ASSERT_EQ(timeline->size(), 3u);
  EXPECT_EQ((*timeline)[0].channel, Channel::kTwitter);
  EXPECT_EQ((*timeline)[1].channel, Channel::kVoice);
  EXPECT_EQ((*timeline)[2].channel, Channel::kEmail);
  for (const model::Mention* m : {&email_, &call_, &tweet_}) EXPECT_EQ(*contacts_->ContactOf(m->id), e_);
  // The timeline's ids are the store's.
  auto stored = store_->Get(call_.id);
  ASSERT_TRUE(stored.ok());
  ASSERT_TRUE(stored->has_value());
  EXPECT_EQ((*stored)->author.handle, "+33 6 12 34 56 78");

  // A new message from any of the three identifiers joins the one contact.
  Receive(Msg().On(Channel::kSms).Handle("0612345678").At(kMonday + 4 * kDay).Text("merci"));
  EXPECT_EQ(last_contact_, e_);

  auto audit = contacts_->Audit(e_);
  ASSERT_TRUE(audit.ok());
  int accepted_events = 0, merged_events = 0;
  for (const AuditEntry& a : *audit) {
    if (a.action == "suggestion_accepted") {
      ++accepted_events;
      EXPECT_EQ(a.actor, "agent.sophie");
    }
    if (a.action == "merged") ++merged_events;
  }
  EXPECT_EQ(accepted_events, 4);  // on both contacts of each suggestion
  EXPECT_EQ(merged_events, 2);

  // Unmerge both: each contact is exactly what it was (the SMS, from the
  // call's number, is the caller's).
  ASSERT_TRUE(contacts_->Unmerge(m2->id, "agent.marc").ok());
  ASSERT_TRUE(contacts_->Unmerge(m1->id, "agent.marc").ok());
  for (const Contact* before : {&e_before, &p_before, &t_before}) {
    Contact after = GetOrDie(*contacts_, before->id);
    EXPECT_EQ(after.id, before->id);
    EXPECT_EQ(after.resolved_from, 0);
    EXPECT_TRUE(after.merged_ids.empty());
    EXPECT_EQ(after.display_name, before->display_name);
    EXPECT_EQ(IdentifierKeys(after), IdentifierKeys(*before));
    if (before->id != p_) {
      EXPECT_EQ(after.channels, before->channels);
    }
    EXPECT_EQ(after.vip, before->vip);
    EXPECT_EQ(after.created_at, before->created_at);
  }
  EXPECT_EQ(TimelineIds(*contacts_, e_), (std::vector<int64_t>{email_.id}));
  EXPECT_EQ(TimelineIds(*contacts_, t_), (std::vector<int64_t>{tweet_.id}));
  EXPECT_EQ(GetOrDie(*contacts_, p_).message_count, 2);
  EXPECT_EQ(GetOrDie(*contacts_, p_).channels, (std::vector<std::string>{"voice", "sms"}));
  EXPECT_EQ(GetOrDie(*contacts_, e_).message_count, 1);
  EXPECT_EQ(*contacts_->ContactOf(tweet_.id), t_);
  // Re-resolving the week gives the original contacts back.
  auto again = contacts_->ResolveBatch(std::vector<model::Mention>{email_, call_, tweet_});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, (std::vector<int64_t>{e_, p_, t_}));
  // The decisions stand: nothing is suggested again.
  EXPECT_TRUE(Pending(*contacts_).empty());
  auto audit_p = contacts_->Audit(p_);
  ASSERT_TRUE(audit_p.ok());
  EXPECT_EQ(audit_p->back().action, "unmerged");
  EXPECT_EQ(audit_p->back().actor, "agent.marc");
}

TEST_F(ContactsScenario, RejectKeepsTheSuggestionAway) {
  Open(ContactOptions{});
  ReceiveTheWeek();
  auto pending = Pending(*contacts_);
  ASSERT_EQ(pending.size(), 2u);
  const int64_t ep = Between(pending, e_, p_)->id;
  const int64_t et = Between(pending, e_, t_)->id;
  ASSERT_TRUE(contacts_->Reject(et, "agent.sophie").ok());
  ASSERT_TRUE(contacts_->Accept(ep, "agent.sophie").ok());
  // Friday: the same account quotes the order number and the address again.
  Receive(Msg()
              .On(Channel::kTwitter)
              .Handle("jdupont")
              .Name("Jean Dupont")
              .At(kMonday + 4 * kDay)
              .Text("commande 4711-AB12, écrivez-moi à jean.dupont@example.fr")
              .Category("delivery"));
  EXPECT_EQ(last_contact_, t_);
  EXPECT_TRUE(Pending(*contacts_).empty());
  auto rejected = contacts_->Suggestions(t_, "rejected", 10);
  ASSERT_TRUE(rejected.ok());
  ASSERT_EQ(rejected->size(), 1u);
  EXPECT_EQ((*rejected)[0].id, et);
  EXPECT_EQ((*rejected)[0].evidence.size(), 3u);  // unchanged since the decision
  EXPECT_EQ(TimelineIds(*contacts_, e_), (std::vector<int64_t>{call_.id, email_.id}));
}

TEST_F(ContactsScenario, InferenceOffKeepsExactLinksOnly) {
  ContactOptions o;
  o.suggest = false;
  Open(o);
  ReceiveTheWeek();
  EXPECT_TRUE(Pending(*contacts_).empty());
  EXPECT_EQ(IdentifierKeys(GetOrDie(*contacts_, e_)), (std::vector<std::string>{"email:jean.dupont@example.fr"}));
  // A second e-mail from the same address: the same contact, automatically.
  Receive(Msg()
              .On(Channel::kEmail)
              .Handle("JEAN.DUPONT@example.fr")
              .At(kMonday + 4 * kDay)
              .Text("Re: Retard de livraison"));
  EXPECT_EQ(last_contact_, e_);
  EXPECT_EQ(GetOrDie(*contacts_, e_).message_count, 2);
  EXPECT_TRUE(Pending(*contacts_).empty());
  // Merging by hand still works with inference off.
  ASSERT_TRUE(contacts_->Merge(e_, p_, "agent.sophie", "called about the same parcel").ok());
  EXPECT_EQ(TimelineIds(*contacts_, p_).size(), 3u);
}

}  // namespace
}  // namespace ecoute::contacts
