#include "contacts/contact_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "contacts/contacts_testing.h"
#include "store/migrations.h"
#include "store/sqlite_test_util.h"

namespace ecoute::contacts {
namespace {

using model::Channel;
using namespace ecoute::contacts::testing;  // contacts_testing.h
using store::test_util::RawInt;

class ContactStoreTest : public ::testing::Test {
 protected:
  void SetUp() override { Reopen(ContactOptions{}); }
  void Reopen(const ContactOptions& o) {
    store_.reset();
    store_ = OpenOrDie(":memory:", o, clock_);
  }
  ContactStore& s() { return *store_; }

  base::FakeClock clock_{kMonday + 30 * kDay};
  std::unique_ptr<ContactStore> store_;
};

std::set<std::string> Actions(const std::vector<AuditEntry>& audit) {
  std::set<std::string> a;
  for (const AuditEntry& e : audit) a.insert(e.action);
  return a;
}

TEST(ContactsScore, Scheme) {
  auto score = [](std::vector<Evidence> ev) { return ScoreEvidence(ev); };
  EXPECT_DOUBLE_EQ(score({{"same_name", "", 1, "jean dupont"}}), 0.5);
  EXPECT_DOUBLE_EQ(score({{"same_name", "", 1, "jean dupont"}, {"same_category", "", 1, "delivery"}}), 0.65);
  EXPECT_DOUBLE_EQ(score({{"quoted_email", "", 1, "a@b.fr"}}), 0.9);
  EXPECT_DOUBLE_EQ(score({{"quoted_phone", "", 1, "+33612345678"}}), 0.9);
  EXPECT_DOUBLE_EQ(score({{"quoted_customer_number", "", 1, "C1"}}), 0.85);
  EXPECT_DOUBLE_EQ(score({{"quoted_order_number", "", 1, "O1"}}), 0.8);
  EXPECT_DOUBLE_EQ(score({{"quoted_order_number", "", 1, "O1"}, {"same_name", "", 2, "x y"}}), 0.9);
  // The same (kind, value) counts once; distinct values add up.
  EXPECT_DOUBLE_EQ(score({{"quoted_order_number", "", 1, "O1"}, {"quoted_order_number", "", 2, "O1"}}), 0.8);
  EXPECT_DOUBLE_EQ(score({{"quoted_order_number", "", 1, "O1"}, {"quoted_order_number", "", 2, "O2"}}), 0.96);
  EXPECT_DOUBLE_EQ(score({{"quoted_email", "", 1, "a"},
                          {"quoted_email", "", 1, "b"},
                          {"quoted_phone", "", 1, "c"},
                          {"quoted_phone", "", 1, "d"}}),
                   0.999);
  EXPECT_DOUBLE_EQ(score({}), 0.0);
  EXPECT_DOUBLE_EQ(EvidenceWeight("unknown"), 0.0);
}

TEST_F(ContactStoreTest, ExactLinksWithInferenceOff) {
  ContactOptions o;
  o.suggest = false;
  Reopen(o);
  auto ids =
      Resolve(s(), {Msg().Id(1).On(Channel::kEmail).Handle("jean.dupont@example.fr").Name("Jean Dupont"),
                    Msg().Id(2).On(Channel::kEmail).Handle("Jean.Dupont@EXAMPLE.fr").Name("Jean").At(kMonday + kDay),
                    Msg()
                        .Id(3)
                        .On(Channel::kVoice)
                        .Handle("06 12 34 56 78")
                        .Name("Jean Dupont")
                        .At(kMonday + 2 * kDay)
                        .Text("mon adresse est jean.dupont@example.fr")});
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_GT(ids[0], 0);
  EXPECT_EQ(ids[1], ids[0]);
  EXPECT_NE(ids[2], ids[0]);
  Contact jean = GetOrDie(s(), ids[0]);
  EXPECT_EQ(jean.display_name, "Jean Dupont");
  EXPECT_EQ(jean.message_count, 2);
  EXPECT_EQ(jean.last_seen_at, kMonday + kDay);
  EXPECT_EQ(jean.channels, (std::vector<std::string>{"email"}));
  EXPECT_EQ(IdentifierKeys(jean), (std::vector<std::string>{"email:jean.dupont@example.fr"}));
  ASSERT_EQ(jean.identifiers.size(), 1u);
  EXPECT_EQ(jean.identifiers[0].source, "author");
  EXPECT_TRUE(jean.identifiers[0].verified);
  EXPECT_EQ(jean.identifiers[0].mention_id, 1);
  EXPECT_EQ(jean.identifiers[0].first_seen, kMonday);
  // No text examined: the caller's contact holds its phone only, nothing is suggested.
  EXPECT_EQ(IdentifierKeys(GetOrDie(s(), ids[2])), (std::vector<std::string>{"phone:+33612345678"}));
  EXPECT_TRUE(Pending(s()).empty());
  // Not even the same name.
  Resolve1(s(), Msg().Id(4).On(Channel::kTwitter).Handle("jd").Name("Jean Dupont").At(kMonday + kHour));
  EXPECT_TRUE(Pending(s()).empty());
}

TEST_F(ContactStoreTest, ReResolvingChangesNothing) {
  std::vector<MentionSpec> batch = {
      Msg().Id(10).On(Channel::kEmail).Handle("a@example.fr").Name("Alice Martin").Text("commande 4711-AB12"),
      Msg()
          .Id(11)
          .On(Channel::kTwitter)
          .Handle("@alice")
          .Name("Alice Martin")
          .At(kMonday + kDay)
          .Text("ma commande 4711-AB12 ?"),
  };
  auto first = Resolve(s(), batch);
  auto contact_a = GetOrDie(s(), first[0]);
  auto contact_b = GetOrDie(s(), first[1]);
  auto sugg = Pending(s());
  auto audit = s().Audit(first[0]);
  ASSERT_TRUE(audit.ok());
  // The same mentions again, in one batch and twice within a batch.
  batch.push_back(batch[0]);
  auto again = Resolve(s(), batch);
  EXPECT_EQ(again[0], first[0]);
  EXPECT_EQ(again[1], first[1]);
  EXPECT_EQ(again[2], first[0]);
  Contact a2 = GetOrDie(s(), first[0]);
  EXPECT_EQ(a2.message_count, contact_a.message_count);
  EXPECT_EQ(IdentifierKeys(a2), IdentifierKeys(contact_a));
  EXPECT_EQ(GetOrDie(s(), first[1]).message_count, contact_b.message_count);
  auto sugg2 = Pending(s());
  ASSERT_EQ(sugg2.size(), sugg.size());
  for (size_t i = 0; i < sugg.size(); ++i) EXPECT_EQ(sugg2[i].evidence.size(), sugg[i].evidence.size());
  EXPECT_EQ(s().Audit(first[0])->size(), audit->size());
}

TEST_F(ContactStoreTest, UnresolvableAndOutboundMentions) {
  auto ids = Resolve(
      s(), {Msg().Id(0).Handle("a@b.fr"), Msg().Id(1).On(Channel::kVoice).Handle("anonymous"),
            Msg().Id(2).On(Channel::kTwitter).Handle(""),
            Msg().Id(3).On(Channel::kEmail).Handle("support@brand.fr").Name("Brand").Dir(model::Direction::kOutbound),
            Msg()
                .Id(4)
                .On(Channel::kEmail)
                .Handle("bob@example.fr")
                .Name("Bob")
                .Text("Le 12 mars, support@brand.fr a écrit : ... help@shop.fr")});
  EXPECT_EQ(ids, (std::vector<int64_t>{0, 0, 0, 0, ids[4]}));
  EXPECT_GT(ids[4], 0);
  auto c = s().ContactOf(3);
  EXPECT_EQ(c.status().code(), base::StatusCode::kNotFound);
  // The brand's own address (learned from the outbound mention) is not
  // taken as Bob's; another quoted address is.
  EXPECT_EQ(IdentifierKeys(GetOrDie(s(), ids[4])),
            (std::vector<std::string>{"email:bob@example.fr", "email:help@shop.fr"}));

  ContactOptions o;
  o.own_email_domains = {"@Shop.fr"};
  Reopen(o);
  auto id = Resolve1(s(), Msg()
                              .Id(5)
                              .On(Channel::kEmail)
                              .Handle("carol@example.fr")
                              .Text("cc help@shop.fr, sales@eu.shop.fr, x@notshop.fr"));
  EXPECT_EQ(IdentifierKeys(GetOrDie(s(), id)),
            (std::vector<std::string>{"email:carol@example.fr", "email:x@notshop.fr"}));
}

TEST_F(ContactStoreTest, ListsOfIdentifiersAreNotEvidence) {
  int64_t a = Resolve1(s(), Msg().Id(1).On(Channel::kEmail).Handle("a@example.fr"));
  // Four addresses (a CC list): none is taken, not even a's; the single
  // order number is.
  int64_t b =
      Resolve1(s(), Msg()
                        .Id(2)
                        .On(Channel::kEmail)
                        .Handle("b@example.fr")
                        .Text("Cc: a@example.fr, c@example.fr, d@example.fr, e@example.fr -- commande 4711-AB12"));
  EXPECT_EQ(IdentifierKeys(GetOrDie(s(), b)),
            (std::vector<std::string>{"email:b@example.fr", "order_number:4711-AB12"}));
  EXPECT_TRUE(Pending(s()).empty());
  // Three are still taken.
  Resolve1(s(),
           Msg().Id(3).On(Channel::kEmail).Handle("b@example.fr").Text("a@example.fr, c@example.fr, d@example.fr"));
  auto p = Pending(s());
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].contact_a, a);
  EXPECT_EQ(IdentifierKeys(GetOrDie(s(), b)).size(), 4u);
}

TEST_F(ContactStoreTest, QuotedIdentifierThenAuthorGivesSuggestionNotLink) {
  int64_t call = Resolve1(
      s(),
      Msg().Id(1).On(Channel::kVoice).Handle("+33612345678").Text("vous pouvez m'écrire à paul.durand@example.com"));
  Contact c = GetOrDie(s(), call);
  ASSERT_EQ(c.identifiers.size(), 2u);
  EXPECT_EQ(IdentifierKey(c.identifiers[1].identifier), "email:paul.durand@example.com");
  EXPECT_EQ(c.identifiers[1].source, "quoted");
  EXPECT_FALSE(c.identifiers[1].verified);
  EXPECT_EQ(c.identifiers[1].mention_id, 1);

  int64_t mail = Resolve1(s(), Msg().Id(2).On(Channel::kEmail).Handle("paul.durand@example.com").At(kMonday + kDay));
  EXPECT_NE(mail, call);  // never an automatic link from a quote
  auto p = Pending(s());
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].contact_a, std::min(call, mail));
  EXPECT_EQ(p[0].contact_b, std::max(call, mail));
  EXPECT_DOUBLE_EQ(p[0].score, 0.9);
  ASSERT_EQ(p[0].evidence.size(), 1u);
  EXPECT_EQ(p[0].evidence[0].kind, "quoted_email");
  EXPECT_EQ(p[0].evidence[0].mention_id, 2);
  EXPECT_EQ(p[0].evidence[0].detail, "e-mail 2 comes from paul.durand@example.com, which contact " +
                                         std::to_string(call) + " quoted in mention 1");
  // Later mails from the address go to the mail contact (it holds it verified).
  EXPECT_EQ(Resolve1(s(), Msg().Id(3).On(Channel::kEmail).Handle("paul.durand@example.com")), mail);
  EXPECT_EQ(Pending(s()).size(), 1u);
}

TEST_F(ContactStoreTest, PendingSuggestionGainsEvidenceInsteadOfDuplicates) {
  int64_t a = Resolve1(s(), Msg()
                                .Id(1)
                                .On(Channel::kEmail)
                                .Handle("a@example.fr")
                                .Name("Anne Leroy")
                                .Text("ma commande 4711-AB12 et mon numéro client CL-889900"));
  int64_t b = Resolve1(s(), Msg()
                                .Id(2)
                                .On(Channel::kTwitter)
                                .Handle("anne_l")
                                .Name("Chat Noir")
                                .At(kMonday + kDay)
                                .Text("commande 4711-AB12 !!!"));
  auto p = Pending(s());
  ASSERT_EQ(p.size(), 1u);
  EXPECT_DOUBLE_EQ(p[0].score, 0.8);
  EXPECT_EQ(p[0].evidence.size(), 1u);
  EXPECT_EQ(p[0].evidence[0].detail,
            "tweet 2 quotes 4711-AB12, which contact " + std::to_string(a) + " quoted in mention 1");
  // The same quote again: nothing new.
  Resolve1(s(), Msg()
                    .Id(3)
                    .On(Channel::kTwitter)
                    .Handle("anne_l")
                    .At(kMonday + kDay + kHour)
                    .Text("toujours rien pour 4711-AB12, commande 4711-AB12"));
  p = Pending(s());
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].evidence.size(), 1u);
  // Another identifier: the pending suggestion gains it and scores higher.
  Resolve1(s(),
           Msg().Id(4).On(Channel::kTwitter).Handle("anne_l").At(kMonday + 2 * kDay).Text("numéro client CL-889900"));
  p = Pending(s());
  ASSERT_EQ(p.size(), 1u);
  ASSERT_EQ(p[0].evidence.size(), 2u);
  EXPECT_EQ(p[0].evidence[1].kind, "quoted_customer_number");
  EXPECT_DOUBLE_EQ(p[0].score, 0.97);
  EXPECT_EQ(p[0].created_at, clock_.Now());
  EXPECT_EQ(Pending(s(), a).size(), 1u);
  EXPECT_EQ(Pending(s(), b).size(), 1u);
}

TEST_F(ContactStoreTest, SameNameSameProblem) {
  // Same folded name on another channel within the window, same category.
  int64_t mail = Resolve1(
      s(),
      Msg().Id(1).On(Channel::kEmail).Handle("mc@example.fr").Name("Marie Curie").At(kMonday).Category("delivery"));
  int64_t tweet = Resolve1(s(), Msg()
                                    .Id(2)
                                    .On(Channel::kTwitter)
                                    .Handle("mariec")
                                    .Name("MARIE CURIÉ")
                                    .At(kMonday + 2 * kDay)
                                    .Category("delivery"));
  auto p = Pending(s());
  ASSERT_EQ(p.size(), 1u);
  EXPECT_EQ(p[0].contact_a, mail);
  EXPECT_EQ(p[0].contact_b, tweet);
  EXPECT_DOUBLE_EQ(p[0].score, 0.65);
  ASSERT_EQ(p[0].evidence.size(), 2u);
  EXPECT_EQ(p[0].evidence[0].kind, "same_name");
  EXPECT_EQ(p[0].evidence[0].value, "marie curie");
  EXPECT_EQ(p[0].evidence[0].detail,
            "\"MARIE CURIÉ\" wrote tweet 2 and e-mail 1 (contact " + std::to_string(mail) + ") 2 days apart");
  EXPECT_EQ(p[0].evidence[1].kind, "same_category");
  EXPECT_EQ(p[0].evidence[1].value, "delivery");

  // Name only (other category, "none" never counts): 0.5.
  int64_t x =
      Resolve1(s(), Msg().Id(3).On(Channel::kEmail).Handle("pb@example.fr").Name("Pierre Bernard").Category("none"));
  int64_t y = Resolve1(
      s(),
      Msg().Id(4).On(Channel::kSms).Handle("0611223344").Name("pierre bernard").At(kMonday + kHour).Category("none"));
  auto q = Pending(s(), x);
  ASSERT_EQ(q.size(), 1u);
  EXPECT_EQ(q[0].contact_b, y);
  EXPECT_DOUBLE_EQ(q[0].score, 0.5);

  // Same channel, outside the window, or a weak name: nothing.
  Resolve1(s(), Msg().Id(5).On(Channel::kEmail).Handle("la1@example.fr").Name("Lucie Aubrac").Category("delivery"));
  Resolve1(s(), Msg().Id(9).On(Channel::kEmail).Handle("la2@example.fr").Name("Lucie Aubrac").Category("delivery"));
  Resolve1(s(), Msg()
                    .Id(6)
                    .On(Channel::kVoice)
                    .Handle("0699887766")
                    .Name("Marie Curie")
                    .At(kMonday + 20 * kDay)
                    .Category("delivery"));
  Resolve1(s(), Msg().Id(7).On(Channel::kEmail).Handle("jo1@example.fr").Name("Jo"));
  Resolve1(s(), Msg().Id(8).On(Channel::kTwitter).Handle("jo2").Name("Jo"));
  EXPECT_EQ(Pending(s()).size(), 2u);
}

TEST_F(ContactStoreTest, MinScoreFiltersWeakSuggestions) {
  ContactOptions o;
  o.min_score = 0.6;
  Reopen(o);
  Resolve1(s(), Msg().Id(1).On(Channel::kEmail).Handle("pb@example.fr").Name("Pierre Bernard"));
  Resolve1(s(), Msg().Id(2).On(Channel::kSms).Handle("0611223344").Name("Pierre Bernard"));
  EXPECT_TRUE(Pending(s()).empty());
  Resolve1(s(), Msg().Id(3).On(Channel::kEmail).Handle("mc@example.fr").Name("Marie Curie").Category("billing"));
  Resolve1(s(), Msg().Id(4).On(Channel::kSms).Handle("0611223355").Name("Marie Curie").Category("billing"));
  auto p = Pending(s());
  ASSERT_EQ(p.size(), 1u);
  EXPECT_DOUBLE_EQ(p[0].score, 0.65);
}

TEST_F(ContactStoreTest, RejectedPairIsNeverSuggestedAgain) {
  int64_t a = Resolve1(s(), Msg().Id(1).On(Channel::kEmail).Handle("a@example.fr").Text("commande 4711-AB12"));
  int64_t b = Resolve1(s(), Msg().Id(2).On(Channel::kTwitter).Handle("bbb").Text("commande 4711-AB12"));
  auto p = Pending(s());
  ASSERT_EQ(p.size(), 1u);
  auto rejected = s().Reject(p[0].id, "alice");
  ASSERT_TRUE(rejected.ok()) << rejected.status().ToString();
  EXPECT_EQ(rejected->state, "rejected");
  EXPECT_EQ(rejected->decided_by, "alice");
  EXPECT_EQ(rejected->decided_at, clock_.Now());
  EXPECT_EQ(s().Reject(p[0].id, "alice").status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s().Accept(p[0].id, "alice").status().code(), base::StatusCode::kFailedPrecondition);
  // New evidence between the two: no suggestion.
  Resolve1(s(), Msg().Id(3).On(Channel::kTwitter).Handle("bbb").Text("écrivez-moi: a@example.fr"));
  EXPECT_TRUE(Pending(s()).empty());
  // Nor once one of them is merged into a third contact.
  int64_t c = Resolve1(s(), Msg().Id(4).On(Channel::kSms).Handle("0611223344"));
  ASSERT_TRUE(s().Merge(c, a, "alice", "same person").ok());
  Resolve1(s(), Msg().Id(5).On(Channel::kTwitter).Handle("bbb").Text("commande 4711-AB12"));
  EXPECT_TRUE(Pending(s()).empty());
  auto all = s().Suggestions(0, "", 100);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 1u);
  auto by_state = s().Suggestions(b, "rejected", 10);
  ASSERT_TRUE(by_state.ok());
  EXPECT_EQ(by_state->size(), 1u);
  auto audit = s().Audit(b);
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(Actions(*audit).count("suggestion_rejected"));
  EXPECT_EQ(s().Suggestions(0, "open", 10).status().code(), base::StatusCode::kInvalidArgument);
}

TEST_F(ContactStoreTest, ManualMergeUnmergeAndErrors) {
  int64_t a = Resolve1(s(), Msg().Id(1).On(Channel::kEmail).Handle("a@example.fr").Name("Ann"));
  int64_t b = Resolve1(s(), Msg().Id(2).On(Channel::kTwitter).Handle("ann").At(kMonday + kDay));
  EXPECT_EQ(s().Merge(a, a, "u", "").status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(s().Merge(a, 999, "u", "").status().code(), base::StatusCode::kNotFound);
  EXPECT_EQ(s().Merge(a, b, "", "").status().code(), base::StatusCode::kInvalidArgument);
  auto m = s().Merge(a, b, "bob", "phoned to confirm");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->into, a);
  EXPECT_EQ(m->from, b);
  EXPECT_EQ(m->user, "bob");
  EXPECT_EQ(m->reason, "phoned to confirm");
  EXPECT_EQ(m->suggestion_id, 0);
  EXPECT_EQ(m->undone_at, 0);
  EXPECT_EQ(s().Merge(b, a, "bob", "").status().code(), base::StatusCode::kFailedPrecondition);

  Contact merged = GetOrDie(s(), b);
  EXPECT_EQ(merged.id, a);
  EXPECT_EQ(merged.resolved_from, b);
  EXPECT_EQ(merged.merged_ids, (std::vector<int64_t>{b}));
  EXPECT_EQ(merged.message_count, 2);
  EXPECT_EQ(merged.channels, (std::vector<std::string>{"twitter", "email"}));
  EXPECT_EQ(*s().ContactOf(2), a);
  EXPECT_EQ(TimelineIds(s(), b), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(Resolve1(s(), Msg().Id(3).On(Channel::kTwitter).Handle("ANN").At(kMonday + 2 * kDay)), a);

  auto merges = s().Merges(b);
  ASSERT_TRUE(merges.ok());
  ASSERT_EQ(merges->size(), 1u);
  auto undone = s().Unmerge(m->id, "carol");
  ASSERT_TRUE(undone.ok()) << undone.status().ToString();
  EXPECT_EQ(undone->undone_by, "carol");
  EXPECT_EQ(undone->undone_at, clock_.Now());
  EXPECT_EQ(s().Unmerge(m->id, "carol").status().code(), base::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s().Unmerge(12345, "carol").status().code(), base::StatusCode::kNotFound);
  // The mention that came after the merge from b's handle is b's.
  EXPECT_EQ(TimelineIds(s(), a), (std::vector<int64_t>{1}));
  EXPECT_EQ(TimelineIds(s(), b), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(*s().ContactOf(3), b);
  EXPECT_EQ(GetOrDie(s(), b).resolved_from, 0);
  // An undone manual merge is a decision too: no suggestion for the pair.
  Resolve1(s(), Msg().Id(4).On(Channel::kTwitter).Handle("ann").Text("mail: a@example.fr"));
  EXPECT_TRUE(Pending(s()).empty());
  auto history = s().Merges(a);
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ((*history)[0].undone_by, "carol");
}

TEST_F(ContactStoreTest, BriefsOfAPageOfContacts) {
  // Ann by e-mail (she quotes her phone number: unverified, not shown),
  // then on Twitter (merged into her e-mail contact), Bob on SMS.
  const int64_t ann = Resolve1(s(), Msg().Id(1).On(Channel::kEmail).Handle("ann@example.fr").Name("Ann Lee")
                                        .Text("rappelez-moi au 06 12 34 56 78"));
  const int64_t ann_tw = Resolve1(s(), Msg().Id(2).On(Channel::kTwitter).Handle("annlee").Name("Ann").At(kMonday + 1));
  const int64_t bob = Resolve1(s(), Msg().Id(3).On(Channel::kSms).Handle("0611223344").Name("Bob").At(kMonday + 2));
  ASSERT_TRUE(s().Merge(ann, ann_tw, "u", "").ok());
  ASSERT_TRUE(s().Update(ann_tw, std::nullopt, true, std::nullopt, "u").ok());  // VIP on the merged one
  std::vector<int64_t> ids = {ann_tw, bob, 0, -4, 999, ann, bob};
  auto briefs = s().Briefs(ids);
  ASSERT_TRUE(briefs.ok()) << briefs.status().ToString();
  // Keyed by the id asked; unknown and non-positive ids left out.
  ASSERT_EQ(briefs->size(), 3u);
  const ContactBrief& via_merged = briefs->at(ann_tw);
  EXPECT_EQ(via_merged.id, ann);  // the canonical contact
  EXPECT_EQ(via_merged.display_name, "Ann Lee");
  EXPECT_TRUE(via_merged.vip);  // the view's: any member's flag
  // Verified ones only, the canonical contact's first.
  ASSERT_EQ(via_merged.identifiers.size(), 2u);
  EXPECT_EQ(via_merged.identifiers[0], (Identifier{IdentifierType::kEmail, "", "ann@example.fr"}));
  EXPECT_EQ(via_merged.identifiers[1], (Identifier{IdentifierType::kHandle, "twitter", "annlee"}));
  EXPECT_EQ(briefs->at(ann).identifiers, via_merged.identifiers);
  EXPECT_EQ(briefs->at(ann).id, ann);
  const ContactBrief& b = briefs->at(bob);
  EXPECT_EQ(b.display_name, "Bob");
  EXPECT_FALSE(b.vip);
  EXPECT_EQ(b.identifiers, (std::vector<Identifier>{{IdentifierType::kPhone, "", "+33611223344"}}));
  // The same as the canonical view says.
  EXPECT_EQ(GetOrDie(s(), ann_tw).display_name, via_merged.display_name);

  EXPECT_TRUE(s().Briefs({}).value().empty());
  std::vector<int64_t> too_many(ContactStore::kMaxBriefs + 1, ann);
  EXPECT_EQ(s().Briefs(too_many).status().code(), base::StatusCode::kInvalidArgument);
}

TEST_F(ContactStoreTest, MergeChainsAndUnmergingTheMiddle) {
  int64_t a = Resolve1(s(), Msg().Id(1).On(Channel::kEmail).Handle("a@example.fr").At(kMonday));
  int64_t b = Resolve1(s(), Msg().Id(2).On(Channel::kTwitter).Handle("b").At(kMonday + 1));
  int64_t c = Resolve1(s(), Msg().Id(3).On(Channel::kSms).Handle("0611223344").At(kMonday + 2));
  auto ab = s().Merge(b, a, "u", "a into b");
  ASSERT_TRUE(ab.ok());
  auto bc = s().Merge(c, b, "u", "b into c");
  ASSERT_TRUE(bc.ok());
  EXPECT_EQ(bc->from, b);
  Contact all = GetOrDie(s(), a);
  EXPECT_EQ(all.id, c);
  EXPECT_EQ(all.resolved_from, a);
  EXPECT_EQ(all.merged_ids, (std::vector<int64_t>{a, b}));
  EXPECT_EQ(all.identifiers.size(), 3u);
  EXPECT_EQ(TimelineIds(s(), c), (std::vector<int64_t>{3, 2, 1}));
  EXPECT_EQ(*s().ContactOf(1), c);
  // Merging a member again resolves to the canonical: already one.
  EXPECT_EQ(s().Merge(a, c, "u", "").status().code(), base::StatusCode::kFailedPrecondition);

  // Undo the middle one: b (with a inside) is canonical again, c alone.
  ASSERT_TRUE(s().Unmerge(bc->id, "u").ok());
  EXPECT_EQ(GetOrDie(s(), a).id, b);
  EXPECT_EQ(GetOrDie(s(), b).merged_ids, (std::vector<int64_t>{a}));
  EXPECT_EQ(TimelineIds(s(), b), (std::vector<int64_t>{2, 1}));
  EXPECT_EQ(TimelineIds(s(), c), (std::vector<int64_t>{3}));
  EXPECT_TRUE(GetOrDie(s(), c).merged_ids.empty());

  // Redo it, then undo the first link while the second holds.
  auto bc2 = s().Merge(c, b, "u", "again");
  ASSERT_TRUE(bc2.ok());
  ASSERT_TRUE(s().Unmerge(ab->id, "u").ok());
  EXPECT_EQ(GetOrDie(s(), a).id, a);
  EXPECT_EQ(GetOrDie(s(), b).id, c);
  EXPECT_EQ(GetOrDie(s(), c).merged_ids, (std::vector<int64_t>{b}));
  EXPECT_EQ(TimelineIds(s(), c), (std::vector<int64_t>{3, 2}));
  EXPECT_EQ(TimelineIds(s(), a), (std::vector<int64_t>{1}));
  EXPECT_EQ(IdentifierKeys(GetOrDie(s(), a)), (std::vector<std::string>{"email:a@example.fr"}));
  auto merges = s().Merges(c);
  ASSERT_TRUE(merges.ok());
  EXPECT_EQ(merges->size(), 3u);  // ab (undone), bc (undone), bc2
}

TEST_F(ContactStoreTest, WhatTheCanonicalLearnsAfterAMergeStaysWithIt) {
  int64_t a = Resolve1(s(), Msg().Id(1).On(Channel::kEmail).Handle("a@example.fr"));
  int64_t c = Resolve1(s(), Msg().Id(2).On(Channel::kSms).Handle("0611223344"));
  auto m = s().Merge(c, a, "u", "");
  ASSERT_TRUE(m.ok());
  // a writes again, quoting an order number: the mention is a's (its
  // author identifier), the order number goes to the canonical contact.
  EXPECT_EQ(
      Resolve1(s(),
               Msg().Id(3).On(Channel::kEmail).Handle("a@example.fr").At(kMonday + kDay).Text("commande 99887766")),
      c);
  ASSERT_TRUE(s().AddIdentifier(a, {IdentifierType::kCustomerNumber, "", "cl-1234"}, "u").ok());
  ASSERT_TRUE(s().Unmerge(m->id, "u").ok());
  EXPECT_EQ(IdentifierKeys(GetOrDie(s(), a)), (std::vector<std::string>{"email:a@example.fr"}));
  EXPECT_EQ(IdentifierKeys(GetOrDie(s(), c)),
            (std::vector<std::string>{"phone:+33611223344", "order_number:99887766", "customer_number:CL-1234"}));
  EXPECT_EQ(TimelineIds(s(), a), (std::vector<int64_t>{3, 1}));
  EXPECT_EQ(TimelineIds(s(), c), (std::vector<int64_t>{2}));
  EXPECT_EQ(GetOrDie(s(), a).message_count, 2);
}

TEST_F(ContactStoreTest, PendingSuggestionHiddenWhileMergedOtherwise) {
  int64_t a = Resolve1(s(), Msg().Id(1).On(Channel::kEmail).Handle("a@example.fr").Text("commande 4711-AB12"));
  int64_t b = Resolve1(s(), Msg().Id(2).On(Channel::kTwitter).Handle("bbb").Text("commande 4711-AB12"));
  auto p = Pending(s());
  ASSERT_EQ(p.size(), 1u);
  auto m = s().Merge(a, b, "u", "by hand");
  ASSERT_TRUE(m.ok());
  EXPECT_TRUE(Pending(s()).empty());
  EXPECT_EQ(s().Accept(p[0].id, "u").status().code(), base::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(s().Unmerge(m->id, "u").ok());
  EXPECT_EQ(Pending(s()).size(), 1u);
}

TEST_F(ContactStoreTest, AddAndRemoveIdentifiers) {
  int64_t a =
      Resolve1(s(), Msg().Id(1).On(Channel::kEmail).Handle("a@example.fr").Text("mon portable: 06 11 22 33 44"));
  int64_t b = Resolve1(s(), Msg().Id(2).On(Channel::kTwitter).Handle("bbb"));
  // Held verified by another contact: AlreadyExists naming it.
  auto taken = s().AddIdentifier(b, {IdentifierType::kEmail, "", "A@Example.fr"}, "u");
  ASSERT_EQ(taken.status().code(), base::StatusCode::kAlreadyExists);
  EXPECT_NE(taken.status().message().find("contact " + std::to_string(a)), std::string::npos)
      << taken.status().message();
  // Bad identifiers are InvalidArgument naming the type.
  auto bad = s().AddIdentifier(b, {IdentifierType::kPhone, "", "12"}, "u");
  ASSERT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(bad.status().message().rfind("phone:", 0), 0u);
  EXPECT_EQ(s().AddIdentifier(b, {IdentifierType::kPhone, "", "0700000000"}, "").status().code(),
            base::StatusCode::kInvalidArgument);
  // A quoted copy becomes verified.
  auto verified = s().AddIdentifier(a, {IdentifierType::kPhone, "", "+33 6 11 22 33 44"}, "u");
  ASSERT_TRUE(verified.ok()) << verified.status().ToString();
  ASSERT_EQ(verified->identifiers.size(), 2u);
  EXPECT_TRUE(verified->identifiers[1].verified);
  EXPECT_EQ(verified->identifiers[1].source, "manual");
  // Already held verified: a no-op.
  ASSERT_TRUE(s().AddIdentifier(a, {IdentifierType::kPhone, "", "0611223344"}, "u").ok());
  EXPECT_EQ(GetOrDie(s(), a).identifiers.size(), 2u);
  // New ones: manual, verified.
  auto added = s().AddIdentifier(b, {IdentifierType::kHandle, "Facebook", "@B.Page"}, "u");
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ(IdentifierKeys(*added), (std::vector<std::string>{"handle:twitter:bbb", "handle:facebook:b.page"}));
  EXPECT_EQ(added->identifiers[1].mention_id, 0);
  EXPECT_EQ(added->identifiers[1].first_seen, clock_.Now());
  // Now a Facebook message from that page joins b.
  EXPECT_EQ(Resolve1(s(), Msg().Id(3).On(Channel::kFacebook).Handle("b.page")), b);

  // Removing: then a new message from it makes a new contact.
  auto removed = s().RemoveIdentifier(b, {IdentifierType::kHandle, "twitter", "BBB"}, "u");
  ASSERT_TRUE(removed.ok()) << removed.status().ToString();
  EXPECT_EQ(IdentifierKeys(*removed), (std::vector<std::string>{"handle:facebook:b.page"}));
  EXPECT_EQ(s().RemoveIdentifier(b, {IdentifierType::kHandle, "twitter", "bbb"}, "u").status().code(),
            base::StatusCode::kNotFound);
  int64_t fresh = Resolve1(s(), Msg().Id(4).On(Channel::kTwitter).Handle("bbb"));
  EXPECT_NE(fresh, b);
  EXPECT_EQ(TimelineIds(s(), b), (std::vector<int64_t>{3, 2}));
  auto audit = s().Audit(b);
  ASSERT_TRUE(audit.ok());
  EXPECT_TRUE(Actions(*audit).count("identifier_added"));
  EXPECT_TRUE(Actions(*audit).count("identifier_removed"));
  EXPECT_TRUE(Actions(*s().Audit(a)).count("identifier_verified"));
}

TEST_F(ContactStoreTest, UpdateFieldsAndVipAcrossMerges) {
  int64_t a = Resolve1(s(), Msg().Id(1).On(Channel::kEmail).Handle("a@example.fr").Name("A"));
  int64_t b = Resolve1(s(), Msg().Id(2).On(Channel::kTwitter).Handle("bbb"));
  EXPECT_EQ(GetOrDie(s(), b).display_name, "bbb");  // the handle when there is no name
  auto u = s().Update(b, std::string("  Bertrand Blier "), true, std::string("prefers e-mail"), "alice");
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_EQ(u->display_name, "Bertrand Blier");
  EXPECT_TRUE(u->vip);
  EXPECT_EQ(u->notes, "prefers e-mail");
  EXPECT_EQ(u->updated_at, clock_.Now());
  EXPECT_EQ(s().Update(b, std::string(" "), std::nullopt, std::nullopt, "alice").status().code(),
            base::StatusCode::kInvalidArgument);
  EXPECT_EQ(s().Update(b, std::nullopt, std::nullopt, std::string(10'001, 'x'), "alice").status().code(),
            base::StatusCode::kInvalidArgument);
  EXPECT_EQ(s().Update(999, std::nullopt, true, std::nullopt, "alice").status().code(), base::StatusCode::kNotFound);
  // The view of a merge is VIP when a member is; clearing clears all.
  auto m = s().Merge(a, b, "alice", "");
  ASSERT_TRUE(m.ok());
  Contact view = GetOrDie(s(), a);
  EXPECT_TRUE(view.vip);
  EXPECT_EQ(view.display_name, "A");
  auto cleared = s().Update(b, std::nullopt, false, std::nullopt, "alice");
  ASSERT_TRUE(cleared.ok());
  EXPECT_EQ(cleared->id, a);
  EXPECT_FALSE(cleared->vip);
  ASSERT_TRUE(s().Unmerge(m->id, "alice").ok());
  EXPECT_FALSE(GetOrDie(s(), b).vip);
  EXPECT_EQ(GetOrDie(s(), b).display_name, "Bertrand Blier");
  auto audit = s().Audit(b);
  ASSERT_TRUE(audit.ok());
  std::set<std::string> actions = Actions(*audit);
  for (const char* want : {"created", "renamed", "vip_changed", "notes_changed", "merged_into", "unmerged"})
    EXPECT_TRUE(actions.count(want)) << want;
  for (const AuditEntry& e : *audit) {
    if (e.action == "created") {
      EXPECT_EQ(e.actor, "system");
      EXPECT_EQ(e.detail, "created from tweet 2 by @bbb (twitter)");
    } else {
      EXPECT_EQ(e.actor, "alice") << e.action;
    }
    EXPECT_EQ(e.contact_id, b);
  }
  // Renaming makes the new name searchable and comparable.
  auto found = s().Search("blier");
  ASSERT_TRUE(found.ok());
  ASSERT_EQ(found->size(), 1u);
  EXPECT_EQ((*found)[0].id, b);
}

TEST_F(ContactStoreTest, Search) {
  int64_t a = Resolve1(
      s(),
      Msg().Id(1).On(Channel::kEmail).Handle("jean.dupont@example.fr").Name("Jean Dupont").Text("commande 4711-AB12"));
  int64_t b = Resolve1(s(), Msg().Id(2).On(Channel::kVoice).Handle("+33 6 12 34 56 78"));
  int64_t c = Resolve1(s(), Msg().Id(3).On(Channel::kTwitter).Handle("@JDupont").Name("Jéan Dupont"));
  auto ids = [&](std::string_view q) {
    std::vector<int64_t> out;
    auto r = s().Search(q, 20);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok())
      for (const Contact& x : *r) out.push_back(x.id);
    return out;
  };
  EXPECT_EQ(ids("Jean.Dupont@Example.fr"), (std::vector<int64_t>{a}));
  EXPECT_EQ(ids("06 12 34 56 78"), (std::vector<int64_t>{b}));
  EXPECT_EQ(ids("@jdupont"), (std::vector<int64_t>{c}));
  EXPECT_EQ(ids("4711-ab12"), (std::vector<int64_t>{a}));
  std::vector<int64_t> by_name = ids("jean dupont");
  std::sort(by_name.begin(), by_name.end());
  EXPECT_EQ(by_name, (std::vector<int64_t>{a, c}));
  std::vector<int64_t> hyphen = ids("JEAN-DUPONT");
  std::sort(hyphen.begin(), hyphen.end());
  EXPECT_EQ(hyphen, (std::vector<int64_t>{a, c}));
  EXPECT_EQ(ids("nobody"), (std::vector<int64_t>{}));
  EXPECT_EQ(ids("100%_"), (std::vector<int64_t>{}));
  // A merged contact is found once, as its canonical.
  ASSERT_TRUE(s().Merge(a, c, "u", "").ok());
  EXPECT_EQ(ids("dupont"), (std::vector<int64_t>{a}));
  EXPECT_EQ(s().Search("", 10).status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(s().Search("x", 0).status().code(), base::StatusCode::kInvalidArgument);
}

TEST_F(ContactStoreTest, TimelinePages) {
  std::vector<MentionSpec> specs;
  for (int i = 1; i <= 7; ++i)
    specs.push_back(Msg().Id(i).On(Channel::kEmail).Handle("a@example.fr").At(kMonday + (i / 2) * kHour));
  int64_t a = Resolve(s(), specs)[0];
  EXPECT_EQ(TimelineIds(s(), a), (std::vector<int64_t>{7, 6, 5, 4, 3, 2, 1}));
  std::vector<int64_t> paged;
  base::Timestamp before = ContactStore::kNoBound;
  int64_t before_id = 0;
  for (int guard = 0; guard < 10; ++guard) {
    auto page = s().MentionIds(a, before, 2, before_id);
    ASSERT_TRUE(page.ok()) << page.status().ToString();
    if (page->empty()) break;
    for (const TimelineEntry& e : *page) {
      paged.push_back(e.mention_id);
      EXPECT_EQ(e.contact_id, a);
      EXPECT_EQ(e.channel, Channel::kEmail);
    }
    before = page->back().created_at;
    before_id = page->back().mention_id;
  }
  EXPECT_EQ(paged, (std::vector<int64_t>{7, 6, 5, 4, 3, 2, 1}));
  // Without a mention id: strictly older than the time.
  auto older = s().MentionIds(a, kMonday + 2 * kHour, 10);
  ASSERT_TRUE(older.ok());
  ASSERT_EQ(older->size(), 3u);
  EXPECT_EQ((*older)[0].mention_id, 3);
  EXPECT_EQ(s().MentionIds(a, ContactStore::kNoBound, 0).status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(s().MentionIds(999).status().code(), base::StatusCode::kNotFound);
}

TEST_F(ContactStoreTest, BatchOfFiveThousandMentions) {
  // 1,000 customers, each with an e-mail address and a phone, writing 5
  // times: 3 e-mails and 2 SMS.
  std::vector<model::Mention> ms;
  for (int i = 0; i < 5000; ++i) {
    const int customer = i % 1000;
    const int k = i / 1000;
    MentionSpec spec;
    spec.id = i + 1;
    spec.at = kMonday + i * 1000;
    spec.text = "message " + std::to_string(i);
    if (k < 3) {
      spec.channel = Channel::kEmail;
      spec.handle = "customer" + std::to_string(customer) + "@example.fr";
      spec.name = "Customer " + std::to_string(customer);
    } else {
      spec.channel = Channel::kSms;
      char phone[32];
      std::snprintf(phone, sizeof phone, "06 %02d %02d %02d %02d", 10 + customer / 100, customer % 100, k, 11);
      spec.handle = phone;
    }
    ms.push_back(testing::MakeMention(spec));
  }
  auto r = s().ResolveBatch(ms);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 5000u);
  std::map<std::string, int64_t> by_handle;
  std::set<int64_t> contacts;
  for (size_t i = 0; i < ms.size(); ++i) {
    ASSERT_GT((*r)[i], 0);
    auto [it, inserted] = by_handle.emplace(ms[i].author.handle, (*r)[i]);
    EXPECT_EQ(it->second, (*r)[i]) << ms[i].author.handle;
    contacts.insert((*r)[i]);
    if (i % 499 == 0) {
      EXPECT_EQ(*s().ContactOf(ms[i].id), (*r)[i]);
    }
  }
  EXPECT_EQ(contacts.size(), 3000u);  // 1,000 addresses and 2,000 phone numbers
  Contact c = GetOrDie(s(), (*r)[0]);
  EXPECT_EQ(c.message_count, 3);
  EXPECT_EQ(TimelineIds(s(), (*r)[0]), (std::vector<int64_t>{2001, 1001, 1}));
  // Re-resolving the whole batch gives the same answer.
  auto again = s().ResolveBatch(ms);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(*again, *r);
}

TEST_F(ContactStoreTest, ConcurrentResolveAndReads) {
  std::thread writer([&] {
    for (int b = 0; b < 20; ++b) {
      std::vector<MentionSpec> specs;
      for (int i = 0; i < 50; ++i)
        specs.push_back(Msg()
                            .Id(b * 50 + i + 1)
                            .On(Channel::kTwitter)
                            .Handle("user" + std::to_string(i))
                            .Name("User Number " + std::to_string(i))
                            .At(kMonday + b * kHour));
      Resolve(s(), specs);
    }
  });
  int reads = 0;
  for (int i = 0; i < 200; ++i) {
    auto c = s().ContactOf(1);
    if (c.ok()) {
      ++reads;
      EXPECT_GT(GetOrDie(s(), *c).message_count, 0);
    }
  }
  writer.join();
  EXPECT_EQ(GetOrDie(s(), *s().ContactOf(1)).message_count, 20);
  (void)reads;
}

TEST(ContactStoreOpen, BadOptions) {
  base::FakeClock clock(kMonday);
  auto open = [&](ContactOptions o) { return ContactStore::Open(":memory:", std::move(o), clock).status(); };
  ContactOptions o;
  o.name_window_days = -1;
  EXPECT_NE(open(o).message().find("name_window_days"), std::string::npos);
  o = {};
  o.min_score = 1.5;
  EXPECT_NE(open(o).message().find("min_score"), std::string::npos);
  o = {};
  o.default_region = "XX";
  EXPECT_NE(open(o).message().find("default_region"), std::string::npos);
  o = {};
  o.extract.customer_patterns = {"(fine)", "(", "(x)"};
  base::Status s = open(o);
  EXPECT_EQ(s.code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("customer_patterns[1]"), std::string::npos) << s.message();
  o = {};
  o.own_email_domains = {"localhost"};
  EXPECT_NE(open(o).message().find("own_email_domains"), std::string::npos);
  EXPECT_EQ(ContactStore::Open("", {}, clock).status().code(), base::StatusCode::kInvalidArgument);
}

TEST(ContactStoreOpen, PersistsAcrossReopen) {
  TempDb db;
  base::FakeClock clock(kMonday);
  int64_t a = 0, b = 0, c = 0, merge_id = 0;
  {
    auto s = OpenOrDie(db.path(), {}, clock);
    a = Resolve1(*s, Msg().Id(1).On(Channel::kEmail).Handle("a@example.fr").Name("Ann Smith").Text("order 4711-AB12"));
    b = Resolve1(*s, Msg().Id(2).On(Channel::kTwitter).Handle("ann").At(kMonday + kDay).Text("order 4711-AB12"));
    c = Resolve1(*s, Msg().Id(3).On(Channel::kSms).Handle("0611223344").At(kMonday + 2 * kDay));
    auto m = s->Merge(c, a, "u", "");
    ASSERT_TRUE(m.ok());
    merge_id = m->id;
    ASSERT_TRUE(s->Update(b, std::nullopt, true, std::string("note"), "u").ok());
    Resolve1(*s, Msg().Id(4).On(Channel::kEmail).Handle("brand@shop.fr").Dir(model::Direction::kOutbound));
  }
  auto s = OpenOrDie(db.path(), {}, clock);
  Contact ca = GetOrDie(*s, a);
  EXPECT_EQ(ca.id, c);
  EXPECT_EQ(ca.merged_ids, (std::vector<int64_t>{a}));
  EXPECT_EQ(TimelineIds(*s, c), (std::vector<int64_t>{3, 1}));
  EXPECT_TRUE(GetOrDie(*s, b).vip);
  EXPECT_EQ(GetOrDie(*s, b).notes, "note");
  EXPECT_EQ(Pending(*s).size(), 1u);
  EXPECT_EQ(Resolve1(*s, Msg().Id(5).On(Channel::kEmail).Handle("a@example.fr")), c);
  // The learned brand address is still ignored in quotes.
  int64_t d = Resolve1(*s, Msg().Id(6).On(Channel::kEmail).Handle("d@example.fr").Text("brand@shop.fr"));
  EXPECT_EQ(GetOrDie(*s, d).identifiers.size(), 1u);
  ASSERT_TRUE(s->Unmerge(merge_id, "u").ok());
  EXPECT_EQ(GetOrDie(*s, a).id, a);
}

base::Status ExecRaw(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  int rc = sqlite3_open(path.c_str(), &db);
  if (rc == SQLITE_OK) rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  std::string msg = db ? sqlite3_errmsg(db) : "open failed";
  sqlite3_close(db);
  return rc == SQLITE_OK ? base::Status::Ok() : base::Status::Internal(msg);
}

TEST(ContactStoreOpen, RefusesForeignAndNewerDatabases) {
  base::FakeClock clock(kMonday);
  {
    TempDb db;
    ASSERT_TRUE(ExecRaw(db.path(), "CREATE TABLE something_else(x)").ok());
    auto s = ContactStore::Open(db.path(), {}, clock);
    ASSERT_EQ(s.status().code(), base::StatusCode::kCorruption);
    EXPECT_NE(s.status().message().find("not an ecoute database"), std::string::npos);
  }
  {
    TempDb db;
    ASSERT_TRUE(ExecRaw(db.path(), "PRAGMA application_id = 42").ok());
    EXPECT_EQ(ContactStore::Open(db.path(), {}, clock).status().code(), base::StatusCode::kCorruption);
  }
  {
    TempDb db;
    { auto s = OpenOrDie(db.path(), {}, clock); }
    ASSERT_TRUE(ExecRaw(db.path(), "UPDATE contact_meta SET value = 99 WHERE key = 'schema_version'").ok());
    auto s = ContactStore::Open(db.path(), {}, clock);
    ASSERT_EQ(s.status().code(), base::StatusCode::kCorruption);
    EXPECT_NE(s.status().message().find("newer"), std::string::npos);
  }
  {
    TempDb db;
    std::FILE* f = std::fopen(db.path().c_str(), "wb");
    ASSERT_NE(f, nullptr);
    std::fputs("this is not an SQLite database, just text that is long enough to be read as a header......", f);
    std::fclose(f);
    EXPECT_EQ(ContactStore::Open(db.path(), {}, clock).status().code(), base::StatusCode::kCorruption);
  }
}

TEST(ContactStoreOpen, MarksANewFileAsEcoutesAndLeavesAForeignOneAlone) {
  base::FakeClock clock(kMonday);
  {
    TempDb db;
    { auto s = OpenOrDie(db.path(), {}, clock); }
    EXPECT_EQ(RawInt(db.path(), "PRAGMA application_id"), store::internal::kApplicationId);
    EXPECT_EQ(RawInt(db.path(), "PRAGMA page_size"), 8192);  // the store's, whoever creates the file
    std::ifstream in(db.path(), std::ios::binary);
    char header[20] = {};
    in.read(header, sizeof header);
    EXPECT_EQ(header[18], 2);  // WAL
  }
  {
    TempDb db;
    ASSERT_TRUE(ExecRaw(db.path(), "CREATE TABLE something_else(x)").ok());
    auto s = ContactStore::Open(db.path(), {}, clock);
    ASSERT_EQ(s.status().code(), base::StatusCode::kCorruption);
    EXPECT_NE(s.status().message().find("contacts: \"" + db.path() + "\": not an ecoute database: it holds 1 schema"),
              std::string::npos)
        << s.status().message();
    EXPECT_EQ(RawInt(db.path(), "PRAGMA application_id"), 0);
    EXPECT_EQ(RawInt(db.path(), "SELECT count(*) FROM sqlite_schema"), 1);
  }
}

TEST(ContactStoreOpen, SharesTheFileWithTheStoreInEitherOrder) {
  base::FakeClock clock(kMonday);
  for (bool contacts_first : {true, false}) {
    TempDb db;
    std::unique_ptr<ContactStore> contacts;
    if (contacts_first) contacts = OpenOrDie(db.path(), {}, clock);
    std::unique_ptr<store::Store> st = store::test_util::OpenAt(db.path(), &clock, /*read_connections=*/1);
    if (!contacts_first) contacts = OpenOrDie(db.path(), {}, clock);
    std::vector<model::Mention> ms = {
        testing::MakeMention(Msg().On(Channel::kEmail).Handle("a@example.fr").Name("Ann").Text("bonjour"))};
    ms[0].language = "fr";
    auto w = st->Write(ms, {}, nullptr);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_GT(ms[0].id, 0);
    auto r = contacts->ResolveBatch(ms);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(*contacts->ContactOf(ms[0].id), (*r)[0]);
  }
}

}  // namespace
}  // namespace ecoute::contacts
