// Golden behaviour of the shipped models (models/ in the source tree):
// labels per language, negation, elisions, emoji, the same message in
// French and English, severity reasons, explanations and load errors.
#include "classify/classifier.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "classify/labels.h"
#include "classify/severity.h"

namespace ecoute::classify {
namespace {

namespace fs = std::filesystem;

const std::string kModels = std::string(ECOUTE_SOURCE_DIR) + "/models";

// The shipped models, loaded once; null (and a test failure) when they do
// not load.
const Classifier* Shipped() {
  static std::shared_ptr<const Classifier> c = [] {
    ClassifierOptions o;
    o.models_dir = kModels;
    auto r = Classifier::Load(o);
    return r.ok() ? *r : nullptr;
  }();
  return c.get();
}

Result Label(const std::string& text, const std::string& lang, int flags = 0, int64_t followers = -1) {
  model::Mention m;
  m.text = text;
  m.language = lang;
  if (followers >= 0) m.author.followers = followers;
  Result r;
  if (const Classifier* c = Shipped()) {
    c->Classify(m, flags, &r);
  } else {
    ADD_FAILURE() << "the shipped models in " << kModels << " do not load";
  }
  return r;
}

bool HasReason(const Result& r, std::string_view reason) {
  return std::find(r.severity_reasons.begin(), r.severity_reasons.end(), reason) != r.severity_reasons.end();
}

TEST(Classifier, FrenchComplaintAboutDelivery) {
  Result r = Label("Colis toujours pas reçu après 3 semaines, le suivi ne bouge plus, c'est la 3e fois que je relance @Kadoo_FR 😡", "fr");
  EXPECT_EQ(r.sentiment, "negative");
  EXPECT_TRUE(r.needs_reply);
  EXPECT_EQ(r.category, "delivery");
  EXPECT_TRUE(HasReason(r, "repeated_failure"));
  EXPECT_GE(r.severity, 60);
}

TEST(Classifier, EnglishComplaintAboutDelivery) {
  Result r = Label("Parcel still not delivered after 3 weeks, tracking hasn't moved, this is the third time I chase @Kadoo 😡", "en");
  EXPECT_EQ(r.sentiment, "negative");
  EXPECT_TRUE(r.needs_reply);
  EXPECT_EQ(r.category, "delivery");
  EXPECT_TRUE(HasReason(r, "repeated_failure"));
}

TEST(Classifier, NegationFlipsPolarity) {
  EXPECT_GT(Label("pas mal du tout ce nouveau forfait, je recommande 👍", "fr").sentiment_polarity, 0);
  EXPECT_LT(Label("je ne recommande jamais cette marque, nul", "fr").sentiment_polarity, 0);
  EXPECT_GT(Label("not bad at all, I really like the new app 👍", "en").sentiment_polarity, 0);
  EXPECT_LT(Label("never again, worst service ever", "en").sentiment_polarity, 0);
}

// Irony markers (🙃 🙄, "merci pour rien", "bravo" over a complaint): the
// thanks do not make it positive. Irony without such markers is a known
// limit (docs/understanding.md).
TEST(Classifier, IronyMarkersOverAComplaint) {
  for (const auto& [text, lang] : std::vector<std::pair<std::string, std::string>>{
           {"Merci pour rien 🙃 encore un colis perdu, bravo", "fr"},
           {"Bravo pour le « suivi » de mon dossier, trois semaines sans nouvelles 👏🙄", "fr"},
           {"Great, another delay. Thanks a lot 🙄", "en"},
       }) {
    Result r = Label(text, lang);
    EXPECT_EQ(r.sentiment, "negative") << text;
    EXPECT_TRUE(r.needs_reply) << text;
  }
}

TEST(Classifier, ChatterNeedsNoReply) {
  for (const auto& [text, lang] : std::vector<std::pair<std::string, std::string>>{
           {"Telemax recrute 200 conseillers en CDI à Lille, postulez sur notre site", "fr"},
           {"Telemax is hiring 200 customer advisers in Leeds, apply on our website", "en"},
           {"Quel match hier soir, le PSG a été incroyable", "fr"},
       }) {
    Result r = Label(text, lang);
    EXPECT_FALSE(r.needs_reply) << text;
    EXPECT_EQ(r.category, "none") << text;
    EXPECT_EQ(r.severity_level, "none") << text;
    EXPECT_TRUE(r.severity_reasons.empty()) << text;
  }
}

TEST(Classifier, SafetyAndFraudAreCritical) {
  Result fr = Label("Le chargeur acheté chez vous a pris feu dans la chambre de mon fils, il y a eu de la fumée partout", "fr");
  EXPECT_TRUE(HasReason(fr, "safety_risk"));
  EXPECT_EQ(fr.severity_level, "critical");
  Result en = Label("The charger I bought from you caught fire in my son's bedroom, smoke everywhere", "en");
  EXPECT_TRUE(HasReason(en, "safety_risk"));
  EXPECT_EQ(en.severity_level, "critical");
  Result fraud = Label("On m'a prélevé 300€ sans mon accord sur mon compte Aurora Bank, c'est une arnaque", "fr");
  EXPECT_TRUE(HasReason(fraud, "fraud"));
  EXPECT_EQ(fraud.severity_level, "critical");
}

TEST(Classifier, SameMessageSameLabelsInBothLanguages) {
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"Ma facture a doublé ce mois-ci sans explication, pouvez-vous me rembourser la différence ?",
       "My bill doubled this month with no explanation, can you refund me the difference?"},
      {"Je veux résilier mon abonnement, comment faire ?", "I want to cancel my subscription, how do I do it?"},
      {"Impossible de me connecter à l'appli depuis ce matin, mot de passe refusé",
       "I can't log in to the app since this morning, password rejected"},
  };
  for (const auto& [fr, en] : pairs) {
    Result a = Label(fr, "fr"), b = Label(en, "en");
    EXPECT_EQ(a.needs_reply, b.needs_reply) << fr;
    EXPECT_EQ(a.category, b.category) << fr << " / " << en;
  }
}

TEST(Classifier, ExplanationsNameWhatWeighed) {
  Result r = Label("Livraison en retard et colis abîmé, vraiment déçu 😡", "fr", Classifier::kExplain);
  EXPECT_FALSE(r.explanation.sentiment.empty());
  EXPECT_FALSE(r.explanation.needs_reply.empty());
  EXPECT_FALSE(r.explanation.category.empty());
  EXPECT_FALSE(r.explanation.severity.empty());
  bool lexicon = false;
  for (const auto& i : r.explanation.sentiment) lexicon = lexicon || i.kind == "lexicon";
  EXPECT_TRUE(lexicon);
}

TEST(Classifier, HighReachAuthorRaisesSeverity) {
  const std::string text = "Toujours pas de remboursement pour ma commande annulée, c'est inadmissible";
  Result small = Label(text, "fr", 0, 100), big = Label(text, "fr", 0, 2'000'000);
  EXPECT_TRUE(HasReason(big, "high_reach"));
  EXPECT_GT(big.severity, small.severity);
}

TEST(Classifier, OtherLanguagesUseTheMultilingualModel) {
  Result r = Label("Das ist wirklich großartig, ich liebe es! 😍", "de");
  EXPECT_EQ(r.lang, "de");
  EXPECT_NE(r.sentiment, "negative");
}

TEST(Classifier, LoadRefusesABadModelFile) {
  const fs::path dir = fs::temp_directory_path() / ("ecoute_clf_test_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  fs::copy(kModels, dir, fs::copy_options::recursive);
  {
    std::ofstream out(dir / "category.ecm", std::ios::binary | std::ios::trunc);
    out << "NOTAMODEL and some bytes";
  }
  ClassifierOptions o;
  o.models_dir = dir.string();
  auto r = Classifier::Load(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find((dir / "category.ecm").string()), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("magic"), std::string::npos) << r.status().message();
  fs::remove(dir / "category.ecm");
  r = Classifier::Load(o);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("category.ecm"), std::string::npos) << r.status().message();
  fs::remove_all(dir);
}

TEST(Severity, FloorsFavourRecallOfCritical) {
  SeverityInput in;
  in.needs_reply = true;
  in.level_probs = {0.9f, 0.1f, 0, 0, 0};
  in.reasons = {"safety_risk"};
  EXPECT_EQ(ScoreSeverity(in).level, SeverityLevel::kCritical);
  in.reasons = {"insult_anger", "legal_threat"};
  EXPECT_EQ(ScoreSeverity(in).level, SeverityLevel::kCritical);
  in.reasons = {"legal_threat"};
  EXPECT_EQ(ScoreSeverity(in).level, SeverityLevel::kHigh);
  in.reasons = {};
  EXPECT_EQ(ScoreSeverity(in).level, SeverityLevel::kNone);
  in.needs_reply = false;
  in.level_probs = {0, 0, 0, 0, 1};
  EXPECT_EQ(ScoreSeverity(in).level, SeverityLevel::kNone);  // not a care matter, no strong reason
}

}  // namespace
}  // namespace ecoute::classify
