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

TEST(CandidateFts, TermsAreTheirFoldedTokens) {
  EXPECT_EQ(Fts("colis"), "\"colis\"");
  EXPECT_EQ(Fts("RÉSEAU"), "\"reseau\"");
  EXPECT_EQ(Fts("cœur"), "\"coeur\"");
  EXPECT_EQ(Fts("Москва"), "\"москва\"");
  EXPECT_EQ(Fts("livr*"), "\"livr\"*");
  EXPECT_EQ(Fts("c?lis"), "\"c\"*");
  EXPECT_EQ(Fts("?olis"), "<none>");
  EXPECT_EQ(Fts("{Orange}"), "\"orange\"");
  EXPECT_EQ(Fts("#grève"), "\"#greve\"");
  EXPECT_EQ(Fts("#black_friday"), "\"#black_friday\"");
  EXPECT_EQ(Fts("@free_mobile"), "\"@free_mobile\"");
  EXPECT_EQ(Fts("aujourd'hui"), "\"aujourd'hui\"");
  EXPECT_EQ(Fts("l'avion"), "\"l' avion\"");
  EXPECT_EQ(Fts("don't"), "\"don't\"");
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

TEST(CandidateFts, References) {
  match::QuerySet set;
  ASSERT_TRUE(set.Add("delivery", "colis OR livraison").ok());
  ASSERT_TRUE(set.Add("brand", "telemax").ok());
  EXPECT_EQ(Fts("@brand AND @delivery", &set), "(\"telemax\" AND (\"colis\" OR \"livraison\"))");
  // An unknown name is an @mention.
  EXPECT_EQ(Fts("@other", &set), "\"@other\"");
}

}  // namespace
}  // namespace ecoute::queries
