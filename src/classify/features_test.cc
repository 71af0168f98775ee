#include "classify/features.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>

namespace ecoute::classify {
namespace {

using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;

const Lexicons& Lex() {
  static const std::shared_ptr<const Lexicons> lex = [] {
    auto r = Lexicons::Load(ECOUTE_SOURCE_DIR "/models/lexicons");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : nullptr;
  }();
  return *lex;
}

Features F(std::string_view text, std::string_view lang) {
  Features f;
  Featurize(text, lang, Lex(), &f);
  return f;
}

std::vector<std::string> Tokens(std::string_view text, std::string_view lang) { return F(text, lang).tokens; }

float Pol(std::string_view text, std::string_view lang) { return F(text, lang).polarity; }

TEST(LexiconsTest, LoadsShippedFiles) {
  EXPECT_GT(Lex().Valence("love", "en"), 2.f);
  EXPECT_LT(Lex().Valence("bad", "en"), -1.f);
  EXPECT_GT(Lex().Valence("génial", "fr"), 2.f);
  EXPECT_LT(Lex().Valence("nul", "fr"), 0.f);
  EXPECT_LT(Lex().Valence("déçu", "fr"), 0.f);
  EXPECT_LT(Lex().Valence("decu", "fr"), 0.f);  // unaccented twin
  EXPECT_EQ(Lex().Valence("zzzunknown", "en"), 0.f);
  // en: VADER first (-2.5 for "bad"), AFINN scaled x0.8 for the rest.
  EXPECT_FLOAT_EQ(Lex().Valence("bad", "en"), -2.5f);
  // other languages see both.
  EXPECT_NE(Lex().Valence("génial", "de"), 0.f);
  EXPECT_NE(Lex().Valence("love", "de"), 0.f);
  EXPECT_EQ(Lex().Valence("génial", "en"), 0.f);
}

TEST(LexiconsTest, BadFileNamesFileAndLine) {
  namespace fs = std::filesystem;
  fs::path dir = fs::temp_directory_path() / ("ecoute_lex_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  for (const char* f : {"AFINN-en-165.txt", "AFINN-fr-165.txt", "AFINN-emoticon-8.txt", "vader_lexicon.txt",
                        "emoji_utf8_lexicon.txt"}) {
    fs::copy_file(fs::path(ECOUTE_SOURCE_DIR "/models/lexicons") / f, dir / f, fs::copy_options::overwrite_existing);
  }
  {
    std::ofstream out(dir / "AFINN-fr-165.txt", std::ios::trunc);
    out << "bon\t3\nmauvais\t-3\ncassé\tbeaucoup\n";
  }
  auto r = Lexicons::Load(dir.string());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("AFINN-fr-165.txt:3:"));
  {
    std::ofstream out(dir / "AFINN-fr-165.txt", std::ios::trunc);
    out << "bon\t3\n";
    std::ofstream v(dir / "vader_lexicon.txt", std::ios::trunc);
    v << "good\t1.9\t0.9\t[2, 2]\nbadline\n";
  }
  r = Lexicons::Load(dir.string());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("vader_lexicon.txt:2:"));
  fs::remove(dir / "vader_lexicon.txt");
  r = Lexicons::Load(dir.string());
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("vader_lexicon.txt"));
  fs::remove_all(dir);
}

TEST(FeaturizeTest, FrenchElisions) {
  EXPECT_EQ(Tokens("l'appli", "fr"), (std::vector<std::string>{"l'", "appli"}));
  EXPECT_THAT(Tokens("J'adore", "fr"), Contains("j'"));
  EXPECT_THAT(Tokens("J'adore", "fr"), Contains("adore"));
  EXPECT_THAT(Tokens("qu’il", "fr"), Contains("qu'"));  // typographic apostrophe
  EXPECT_THAT(Tokens("qu’il", "fr"), Contains("il"));
  EXPECT_THAT(Tokens("aujourd'hui", "fr"), Contains("aujourd'hui"));
  EXPECT_GT(Pol("J'adore l'appli", "fr"), 0.3f);
  // English keeps contractions whole.
  EXPECT_THAT(Tokens("I don't like it", "en"), Contains("don't"));
}

TEST(FeaturizeTest, FrenchNegation) {
  auto t = Tokens("pas mal", "fr");
  EXPECT_THAT(t, Contains("neg_mal"));
  EXPECT_THAT(t, Not(Contains("mal")));
  EXPECT_NE(Tokens("mal", "fr"), t);
  EXPECT_GT(Pol("pas mal", "fr"), 0.f);
  EXPECT_LT(Pol("mal", "fr"), 0.f);
  t = Tokens("je ne recommande jamais", "fr");
  EXPECT_THAT(t, Contains("neg_recommande"));
  EXPECT_THAT(Tokens("sans problème", "fr"), Contains("neg_problème"));
  EXPECT_GT(Pol("sans problème", "fr"), 0.f);
  EXPECT_LT(Pol("problème", "fr"), 0.f);
  EXPECT_LT(Pol("pas bon du tout", "fr"), 0.f);
  EXPECT_LT(Pol("ce n'est pas bon", "fr"), 0.f);
  EXPECT_THAT(Tokens("ce n'est pas bon", "fr"), Contains("neg_bon"));
  EXPECT_LT(Pol("je ne suis plus content", "fr"), 0.f);
  // "plus" without "ne" is not a negator.
  EXPECT_THAT(Tokens("plus rapide", "fr"), Contains("rapide"));
  // The scope ends at punctuation.
  t = Tokens("pas de réponse. super service", "fr");
  EXPECT_THAT(t, Contains("neg_de"));
  EXPECT_THAT(t, Contains("service"));
  EXPECT_THAT(F("pas bon", "fr").tokens, Contains("<neglex+>"));
  EXPECT_THAT(F("pas mal", "fr").tokens, Contains("<neglex->"));
  EXPECT_TRUE(F("pas bon", "fr").hits.at(0).negated);
  EXPECT_EQ(F("pas bon", "fr").dense[3], 1.f);
}

TEST(FeaturizeTest, EnglishNegation) {
  EXPECT_THAT(Tokens("not bad", "en"), Contains("neg_bad"));
  EXPECT_GT(Pol("not bad", "en"), 0.f);
  EXPECT_LT(Pol("bad", "en"), 0.f);
  EXPECT_GT(Pol("not bad at all", "en"), Pol("bad", "en"));
  EXPECT_THAT(Tokens("never again", "en"), Contains("neg_again"));
  EXPECT_NE(Tokens("never again", "en"), Tokens("again", "en"));
  EXPECT_GT(Pol("not disappointed", "en"), 0.f);
  EXPECT_LT(Pol("disappointed", "en"), 0.f);
  EXPECT_LT(Pol("I don't like it", "en"), 0.f);
  EXPECT_THAT(Tokens("I don't like it", "en"), Contains("neg_like"));
  EXPECT_THAT(Tokens("it isn’t good", "en"), Contains("neg_good"));
  EXPECT_LT(Pol("it isn’t good", "en"), 0.f);
  EXPECT_LT(Pol("it can't be good", "en"), 0.f);
  EXPECT_THAT(Tokens("without a problem", "en"), Contains("neg_problem"));
  EXPECT_THAT(Tokens("nothing works", "en"), Contains("neg_works"));
  EXPECT_THAT(Tokens("no answer", "en"), Contains("neg_answer"));
}

TEST(FeaturizeTest, Elongation) {
  auto t = Tokens("soooo slow", "en");
  EXPECT_THAT(t, Contains("soo"));
  EXPECT_THAT(t, Contains("<elong>"));
  t = Tokens("c'est nuuuul", "fr");
  EXPECT_THAT(t, Contains("nuul"));
  EXPECT_THAT(t, Contains("<elong>"));
  // The single-letter form finds the lexicon word, with extra emphasis.
  EXPECT_LT(Pol("c'est nuuuul", "fr"), Pol("c'est nul", "fr"));
  EXPECT_GT(Pol("sooo good", "en"), Pol("good", "en"));
  EXPECT_GT(Pol("goooood", "en"), Pol("good", "en"));
  EXPECT_THAT(Tokens("cool", "en"), Not(Contains("<elong>")));
}

TEST(FeaturizeTest, Capitals) {
  auto f = F("This is TERRIBLE service", "en");
  EXPECT_THAT(f.tokens, Contains("terrible"));
  EXPECT_THAT(f.tokens, Contains("<caps>"));
  EXPECT_LT(f.polarity, Pol("This is terrible service", "en"));
  EXPECT_GT(f.dense[4], 0.3f);
  // All caps: no per-word emphasis, but the <allcaps> marker.
  auto g = F("THIS IS TERRIBLE SERVICE", "en");
  EXPECT_FLOAT_EQ(g.polarity, Pol("this is terrible service", "en"));
  EXPECT_THAT(g.tokens, Contains("<allcaps>"));
  EXPECT_FLOAT_EQ(g.dense[4], 1.f);
}

TEST(FeaturizeTest, Emoji) {
  auto f = F("worst service ever 😡", "en");
  EXPECT_LT(f.polarity, 0.f);
  EXPECT_THAT(f.tokens, Contains("😡"));
  EXPECT_THAT(f.tokens, Contains("<emoji->"));
  EXPECT_LT(f.dense[7], 0.f);
  EXPECT_GT(Pol("merci ❤️", "fr"), 0.f);
  EXPECT_THAT(Tokens("merci ❤️", "fr"), Contains("❤"));
  EXPECT_GT(Pol("👍", "fr"), 0.f);
  EXPECT_GT(F("top 😂", "fr").tokens.size(), 1u);
  EXPECT_GT(Pol("nice :)", "en"), Pol("nice", "en"));
  EXPECT_LT(Pol("colis perdu :(", "fr"), 0.f);
  EXPECT_THAT(Tokens("colis perdu :(", "fr"), Contains(":("));
  // Skin tone modifiers and ZWJ are dropped.
  EXPECT_EQ(Tokens("👍🏽", "en")[0], "👍");
}

TEST(FeaturizeTest, Intensifiers) {
  EXPECT_GT(Pol("very good", "en"), Pol("good", "en"));
  EXPECT_GT(Pol("très bon service", "fr"), 0.f);
  EXPECT_GT(Pol("très bon service", "fr"), Pol("bon service", "fr"));
  EXPECT_LT(Pol("vraiment nul", "fr"), Pol("nul", "fr"));
  EXPECT_LT(Pol("slightly good", "en"), Pol("good", "en"));
  EXPECT_GT(Pol("super", "fr"), 0.f);  // a booster alone keeps its own valence
  EXPECT_GT(Pol("un peu déçu", "fr"), Pol("déçu", "fr"));
}

TEST(FeaturizeTest, ButShiftsWeight) {
  // After "but" the clause weighs more.
  EXPECT_LT(Pol("the staff was nice but the delivery was awful", "en"), 0.f);
  EXPECT_GT(Pol("the delivery was awful but the staff was great", "en"), 0.f);
  EXPECT_LT(Pol("le livreur était gentil mais le colis est cassé, horrible", "fr"), 0.f);
  EXPECT_THAT(Tokens("bien mais cher", "fr"), Contains("mais"));
}

TEST(FeaturizeTest, Exclamations) {
  EXPECT_GT(Pol("great!!!", "en"), Pol("great", "en"));
  EXPECT_THAT(Tokens("great!!!", "en"), Contains("!!"));
  EXPECT_THAT(Tokens("vraiment ?!", "fr"), Contains("?!"));
  EXPECT_THAT(Tokens("ok?", "fr"), Contains("?"));
  EXPECT_THAT(Tokens("ok!", "fr"), Contains("!"));
  auto f = F("quoi ?! encore !!!", "fr");
  EXPECT_EQ(f.dense[5], 4.f);
  EXPECT_EQ(f.dense[6], 1.f);
}

TEST(FeaturizeTest, Placeholders) {
  auto t = Tokens("@Telemax_FR voir https://x.example/a?b=1 #panne 3 jours, 14,99€ et 4G", "fr");
  EXPECT_EQ(t[0], "<user>");
  EXPECT_THAT(t, Contains("<url>"));
  EXPECT_THAT(t, Contains("<hashtag>"));
  EXPECT_THAT(t, Contains("panne"));
  EXPECT_THAT(t, Contains("<num>"));
  EXPECT_THAT(t, Contains("4g"));
  EXPECT_THAT(t, Not(Contains("telemax_fr")));
  EXPECT_THAT(t, Not(Contains("https")));
  EXPECT_EQ(std::count(t.begin(), t.end(), "<num>"), 2);
  // Not a mention or hashtag.
  t = Tokens("contact@free.fr C# www.ok", "en");
  EXPECT_THAT(t, Not(Contains("<user>")));
  EXPECT_THAT(t, Not(Contains("<hashtag>")));
}

TEST(FeaturizeTest, PolaritySigns) {
  EXPECT_GT(Pol("I love it", "en"), 0.f);
  EXPECT_LT(Pol("worst service ever 😡", "en"), 0.f);
  EXPECT_GT(Pol("très bon service", "fr"), 0.f);
  EXPECT_LT(Pol("pas bon du tout", "fr"), 0.f);
  EXPECT_GT(Pol("not bad at all", "en"), Pol("bad", "en"));
  EXPECT_GT(Pol("Génial, merci beaucoup !", "fr"), 0.f);
  EXPECT_LT(Pol("Service client nul, je suis déçu", "fr"), 0.f);
  EXPECT_EQ(Pol("Le colis est arrivé", "fr"), 0.f);
  EXPECT_LE(Pol("anything", "und"), 1.f);
}

TEST(FeaturizeTest, DenseInRange) {
  for (std::string_view t : {"", "!!!!!!!!!!!!", "HORRIBLE HORRIBLE HORRIBLE HORRIBLE AWFUL AWFUL AWFUL 😡😡😡😡😡😡😡",
                             "love love love love love love love love ❤️❤️❤️❤️❤️❤️❤️❤️", "\xff\xfe bad bytes \xc3"}) {
    auto f = F(t, "en");
    for (float v : f.dense) {
      EXPECT_GE(v, -5.f) << t;
      EXPECT_LE(v, 5.f) << t;
    }
    EXPECT_GE(f.polarity, -1.f);
    EXPECT_LE(f.polarity, 1.f);
  }
}

TEST(FeaturizeTest, DeterministicAndBufferReuse) {
  const std::string_view texts[] = {"J'adore l'appli, mais la livraison est nuuulle 😡!!", "not bad at all :)",
                                    "pas mal", "@x #y https://z.example 42"};
  Features reused;
  for (int round = 0; round < 3; ++round) {
    for (auto t : texts) {
      Featurize(t, "fr", Lex(), &reused);
      Features fresh = F(t, "fr");
      EXPECT_EQ(reused.tokens, fresh.tokens);
      EXPECT_EQ(reused.dense, fresh.dense);
      EXPECT_EQ(reused.polarity, fresh.polarity);
      ASSERT_EQ(reused.hits.size(), fresh.hits.size());
      for (size_t i = 0; i < fresh.hits.size(); ++i) {
        EXPECT_EQ(reused.hits[i].word, fresh.hits[i].word);
        EXPECT_EQ(reused.hits[i].valence, fresh.hits[i].valence);
      }
    }
  }
}

TEST(FeaturizeTest, HitsExplain) {
  auto f = F("not good", "en");
  ASSERT_EQ(f.hits.size(), 1u);
  EXPECT_EQ(f.hits[0].word, "good");
  EXPECT_TRUE(f.hits[0].negated);
  EXPECT_LT(f.hits[0].valence, 0.f);
}

// Manual benchmark: --gtest_also_run_disabled_tests --gtest_filter=*DISABLED_Speed*
TEST(FeaturizeTest, DISABLED_Speed) {
  const std::vector<std::string> texts = {
      "@Telemax_FR ça fait 3 jours que la box ne marche plus, franchement c'est nul 😡",
      "Colis toujours pas reçu, le suivi ne bouge pas depuis lundi. Merci de me répondre !",
      "Super service, livraison rapide et livreur très sympa 👍",
      "@TelemaxHelp my internet has been down since yesterday, not happy at all!!",
      "Thanks @Shopora, the refund came through quickly. Not bad at all :)",
      "Worst customer service ever. I've been on hold for 2 hours #fail",
      "Je ne recommande jamais cette appli, elle plante tout le temps",
      "Is there a way to change my billing address? https://help.example/billing",
  };
  Features f;
  const int n = 400000;
  auto t0 = std::chrono::steady_clock::now();
  size_t sink = 0;
  for (int i = 0; i < n; ++i) {
    Featurize(texts[static_cast<size_t>(i) % texts.size()], i % 2 ? "fr" : "en", Lex(), &f);
    sink += f.tokens.size();
  }
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("Featurize: %.0f messages/s (%zu tokens)\n", n / s, sink);
}

}  // namespace
}  // namespace ecoute::classify
