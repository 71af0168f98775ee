#include "queries/candidates.h"

#include <gtest/gtest.h>

#include "match/parser.h"

namespace ecoute::queries {
namespace {

std::string Fts(std::string_view text, const match::QueryResolver* resolver = nullptr) {
  base::Result<match::Query> q = match::Parse(text, resolver);
  EXPECT_TRUE(q.ok()) << q.status().ToString();
  if (!q.ok()) return "<parse error>";
  return CandidateFts(*q, resolver).value_or("<none>");
}

TEST(CandidateFts, Terms) {
  EXPECT_EQ(Fts("colis"), "\"colis\"");
  EXPECT_EQ(Fts("RÉSEAU"), "\"reseau\"");
  EXPECT_EQ(Fts("livr*"), "\"livr\"*");
  EXPECT_EQ(Fts("c?lis"), "\"c\"*");
  EXPECT_EQ(Fts("?olis"), "<none>");
  EXPECT_EQ(Fts("{Orange}"), "\"orange\"");
  EXPECT_EQ(Fts("#grève"), "\"greve\"");
  EXPECT_EQ(Fts("@free_mobile"), "\"free mobile\"");
  EXPECT_EQ(Fts("aujourd'hui"), "\"aujourd hui\"");
  EXPECT_EQ(Fts("l'avion"), "\"l avion\"");
}

TEST(CandidateFts, LigatureVariants) {
  EXPECT_EQ(Fts("coeur"), "(\"coeur\" OR \"c\xC5\x93ur\")");
  EXPECT_EQ(Fts("cœur"), "(\"coeur\" OR \"c\xC5\x93ur\")");
  EXPECT_EQ(Fts("strasse"), "(\"strasse\" OR \"stra\xC3\x9F" "e\")");
}

TEST(CandidateFts, Operators) {
  EXPECT_EQ(Fts("colis AND perdu"), "(\"colis\" AND \"perdu\")");
  EXPECT_EQ(Fts("colis perdu"), "(\"colis\" AND \"perdu\")");
  EXPECT_EQ(Fts("colis OR parcel"), "(\"colis\" OR \"parcel\")");
  EXPECT_EQ(Fts("colis NOT emploi"), "\"colis\"");
  EXPECT_EQ(Fts("NOT emploi"), "<none>");
  EXPECT_EQ(Fts("colis OR NOT emploi"), "<none>");
  EXPECT_EQ(Fts("colis NEAR/3 perdu"), "(\"colis\" AND \"perdu\")");
  EXPECT_EQ(Fts("\"service client\""), "\"service client\"");
  EXPECT_EQ(Fts("\"service client\"~3"), "(\"service\" AND \"client\")");
  EXPECT_EQ(Fts("\"pas reçu\""), "\"pas recu\"");
  EXPECT_EQ(Fts("lang:fr"), "<none>");
  EXPECT_EQ(Fts("lang:fr colis"), "\"colis\"");
  EXPECT_EQ(Fts("site:free.fr"), "<none>");
}

TEST(CandidateFts, NonAsciiWordsAreUnrestricted) {
  EXPECT_EQ(Fts("привет"), "<none>");
  EXPECT_EQ(Fts("привет AND colis"), "\"colis\"");
  EXPECT_EQ(Fts("привет OR colis"), "<none>");
}

TEST(CandidateFts, References) {
  match::QuerySet set;
  ASSERT_TRUE(set.Add("delivery", "colis OR livraison").ok());
  ASSERT_TRUE(set.Add("brand", "telemax").ok());
  EXPECT_EQ(Fts("@brand AND @delivery", &set), "(\"telemax\" AND (\"colis\" OR \"livraison\"))");
  // An unknown name is an @mention.
  EXPECT_EQ(Fts("@other", &set), "\"other\"");
}

TEST(CandidateFts, QuotesInsideTermsAreEscaped) {
  // Parts hold only [a-z0-9], so no quote can reach the expression.
  EXPECT_EQ(Fts("don't"), "\"don t\"");
}

}  // namespace
}  // namespace ecoute::queries
