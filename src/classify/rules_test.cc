#include "classify/rules.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "classify/labels.h"

namespace ecoute::classify {
namespace {

using ::testing::HasSubstr;

const RuleSet& Rules() {
  static const std::shared_ptr<const RuleSet> rs = [] {
    auto r = RuleSet::Build(DefaultRules(), RuleOptions{});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? r.value() : nullptr;
  }();
  return *rs;
}

model::Mention M(std::string text, std::string lang) {
  model::Mention m;
  m.text = std::move(text);
  m.language = std::move(lang);
  return m;
}

std::vector<CueHit> Detect(const model::Mention& m) {
  std::vector<CueHit> hits;
  Rules().Detect(m, &hits);
  return hits;
}

std::set<std::string> Names(std::string_view kind, const std::vector<CueHit>& hits) {
  std::set<std::string> s;
  for (const auto& h : hits)
    if (h.kind == kind) s.insert(h.name);
  return s;
}

std::set<std::string> Reasons(std::string text, std::string lang) { return Names("reason", Detect(M(text, lang))); }
std::set<std::string> Categories(std::string text, std::string lang) {
  return Names("category", Detect(M(text, lang)));
}

bool Has(const std::set<std::string>& s, const char* x) { return s.count(x) > 0; }

TEST(LabelsTest, SeverityLevels) {
  EXPECT_EQ(SeverityLevelName(SeverityLevel::kCritical), "critical");
  EXPECT_EQ(SeverityLevelName(SeverityLevel::kNone), "none");
  EXPECT_EQ(ParseSeverityLevel("high"), SeverityLevel::kHigh);
  EXPECT_EQ(ParseSeverityLevel("Medium"), SeverityLevel::kMedium);
  EXPECT_EQ(ParseSeverityLevel("urgent"), std::nullopt);
  for (size_t i = 0; i < kSeverityLevels.size(); ++i) {
    EXPECT_EQ(SeverityLevelName(*ParseSeverityLevel(kSeverityLevels[i])), kSeverityLevels[i]);
  }
  EXPECT_TRUE(IsSeverityReason("fraud"));
  EXPECT_TRUE(IsSeverityReason("high_reach"));
  EXPECT_FALSE(IsSeverityReason("Fraud"));
  EXPECT_FALSE(IsSeverityReason("delivery"));
}

TEST(RulesTest, DefaultRulesBuildAndCoverEveryReason) {
  std::set<std::string> reasons, cats;
  for (const auto& r : DefaultRules()) {
    if (r.kind == "reason") {
      EXPECT_TRUE(IsSeverityReason(r.name)) << r.name;
      reasons.insert(r.name);
    } else {
      EXPECT_EQ(r.kind, "category");
      cats.insert(r.name);
    }
  }
  for (auto r : kSeverityReasons) {
    if (r != "high_reach") {
      EXPECT_TRUE(reasons.count(std::string(r))) << r;
    }
  }
  for (auto c : kDefaultCategories) EXPECT_TRUE(cats.count(std::string(c))) << c;
  EXPECT_EQ(Rules().size(), DefaultRules().size());
}

TEST(RulesTest, BuildErrorNamesTheRule) {
  std::vector<CueRule> rules = {{"reason", "fraud", "en", "scam"},
                                {"category", "billing", "fr", "facture"},
                                {"reason", "legal_threat", "fr", "avocat"},
                                {"reason", "legal_threat", "fr", "(avocat OR"}};
  auto r = RuleSet::Build(rules, {});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("rules[3] (reason legal_threat, fr): query: col "));
  rules[3] = {"motive", "x", "fr", "a"};
  r = RuleSet::Build(rules, {});
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("rules[3] (motive x, fr): kind"));
  rules[3] = {"reason", "x", "french", "a"};
  EXPECT_FALSE(RuleSet::Build(rules, {}).ok());
}

TEST(RulesTest, LegalThreat) {
  EXPECT_TRUE(Has(Reasons("Mise en demeure envoyée, prochaine étape le tribunal.", "fr"), "legal_threat"));
  EXPECT_TRUE(Has(Reasons("Je vais porter plainte et écrire à UFC-Que Choisir", "fr"), "legal_threat"));
  EXPECT_TRUE(Has(Reasons("dossier transmis à la DGCCRF", "fr"), "legal_threat"));
  EXPECT_TRUE(Has(Reasons("je saisis le médiateur", "fr"), "legal_threat"));
  EXPECT_TRUE(Has(Reasons("My solicitor will be in touch", "en"), "legal_threat"));
  EXPECT_TRUE(Has(Reasons("Taking this to small claims court", "en"), "legal_threat"));
  EXPECT_TRUE(Has(Reasons("I'm reporting you to the ombudsman", "en"), "legal_threat"));
  EXPECT_TRUE(Has(Reasons("I'll take you to court", "en"), "legal_threat"));
  EXPECT_FALSE(Has(Reasons("Booked the tennis court for Sunday", "en"), "legal_threat"));
  EXPECT_FALSE(Has(Reasons("The food court was packed", "en"), "legal_threat"));
  EXPECT_TRUE(Has(Reasons("dépôt de plainte au commissariat", "fr"), "legal_threat"));
  EXPECT_TRUE(Has(Reasons("signalement fait sur SignalConso", "fr"), "legal_threat"));
  EXPECT_TRUE(Has(Reasons("I'm reporting you to the CFPB", "en"), "legal_threat"));
  EXPECT_TRUE(Has(Reasons("going to the papers with this", "en"), "legal_threat"));
  EXPECT_FALSE(Has(Reasons("registering a power of attorney for my mum", "en"), "legal_threat"));
  // Evidence is the matched text.
  auto hits = Detect(M("Je vais porter plainte demain.", "fr"));
  bool found = false;
  for (const auto& h : hits) {
    if (h.name == "legal_threat") {
      found = true;
      EXPECT_EQ(h.evidence, "porter plainte");
    }
  }
  EXPECT_TRUE(found);
}

TEST(RulesTest, SafetyRisk) {
  EXPECT_TRUE(Has(Reasons("Le radiateur a pris feu cette nuit", "fr"), "safety_risk"));
  EXPECT_TRUE(Has(Reasons("intoxication alimentaire après le poulet", "fr"), "safety_risk"));
  EXPECT_TRUE(Has(Reasons("on prend une décharge électrique en touchant la plaque", "fr"), "safety_risk"));
  EXPECT_TRUE(Has(Reasons("The charger caught fire", "en"), "safety_risk"));
  EXPECT_TRUE(Has(Reasons("my son got an electric shock from it", "en"), "safety_risk"));
  EXPECT_TRUE(Has(Reasons("choking hazard for toddlers", "en"), "safety_risk"));
  EXPECT_FALSE(Has(Reasons("J'attends le feu vert du conseiller", "fr"), "safety_risk"));
  EXPECT_FALSE(Has(Reasons("ils nous font mourir à petit feu avec leurs délais", "fr"), "safety_risk"));
  // Broader phrasings, both registers, no accents.
  for (const char* fr : {"mon chargeur a pris feu cette nuit", "la prise a fondu", "des étincelles sortent de la box",
                         "ca sent le brule dans la cuisine", "le telephone surchauffe", "la batterie a explosé",
                         "j'ai pris une decharge en touchant le frigo", "mon fils s'est coupé le doigt avec le couvercle",
                         "on a fini aux urgences", "toute la famille a vomi apres le repas",
                         "reaction allergique, il y avait des arachides", "un bout de verre dans ma salade",
                         "odeur de gaz depuis l'installation", "mon bébé a avalé un morceau du jouet",
                         "gastro pour tout le monde après avoir mangé votre quiche", "électrocuté par la machine"}) {
    EXPECT_TRUE(Has(Reasons(fr, "fr"), "safety_risk")) << fr;
  }
  for (const char* en : {"my charger caught fire", "the plug melted", "sparks came out of the socket",
                         "burning smell from the kettle", "phone overheating badly", "the battery exploded",
                         "got a shock off the toaster", "cut my finger on the lid", "ended up in A&E",
                         "took my son to the ER", "sick after eating your chicken", "threw up all night after the meal",
                         "allergic reaction, it contained nuts", "found glass in my sandwich",
                         "mould in the bread my kid ate", "gas leak after the engineer left",
                         "carbon monoxide alarm went off", "this is a fire hazard"}) {
    EXPECT_TRUE(Has(Reasons(en, "en"), "safety_risk")) << en;
  }
  for (const char* en : {"this song is fire", "my heart melted", "that goal was fire", "I don't recall ordering this",
                         "you're fired up today"}) {
    EXPECT_FALSE(Has(Reasons(en, "en"), "safety_risk")) << en;
  }
  for (const char* fr : {"j'ai eu le feu vert", "feu vert pour le remboursement", "pas de drame, je m'en vais",
                         "internet c'est un besoin vital"}) {
    EXPECT_FALSE(Has(Reasons(fr, "fr"), "safety_risk")) << fr;
  }
}

TEST(RulesTest, Fraud) {
  EXPECT_TRUE(Has(Reasons("prélevé sans mon accord !", "fr"), "fraud"));
  EXPECT_TRUE(Has(Reasons("mon compte a été piraté", "fr"), "fraud"));
  EXPECT_TRUE(Has(Reasons("c'est une arnaque", "fr"), "fraud"));
  EXPECT_TRUE(Has(Reasons("charged without my consent", "en"), "fraud"));
  EXPECT_TRUE(Has(Reasons("an unauthorised payment", "en"), "fraud"));
  EXPECT_TRUE(Has(Reasons("an unauthorized payment", "en"), "fraud"));
  EXPECT_TRUE(Has(Reasons("my account was hacked", "en"), "fraud"));
  EXPECT_FALSE(Has(Reasons("my order arrived, thanks", "en"), "fraud"));
  for (const char* fr : {"compte piraté", "quelqu'un a commandé avec mon compte", "on m'a débité 300€ sans mon accord",
                         "un virement que je n'ai pas fait", "ma carte a été clonée", "un faux conseiller m'a appelé",
                         "usurpation d'identité", "j'ai reçu un sms frauduleux et j'ai donné mes codes",
                         "un prelevement que je ne reconnais pas", "mon compte hacké", "fuite de données chez vous"}) {
    EXPECT_TRUE(Has(Reasons(fr, "fr"), "fraud")) << fr;
  }
  for (const char* en : {"account hacked", "someone used my account to order", "I never authorised this payment",
                         "a transfer I didn't make", "my card was cloned", "a fake agent called me", "got a scam text",
                         "your data breach", "identity theft", "I don't recognise these transactions",
                         "I didnt sign up for this"}) {
    EXPECT_TRUE(Has(Reasons(en, "en"), "fraud")) << en;
  }
  // Charged twice is billing, not fraud; a question is not fraud.
  EXPECT_FALSE(Has(Reasons("charged twice this month", "en"), "fraud"));
  EXPECT_FALSE(Has(Reasons("débité deux fois ce mois-ci", "fr"), "fraud"));
  EXPECT_FALSE(Has(Reasons("Quelqu'un a déjà utilisé le paiement en 4 fois ?", "fr"), "fraud"));
  EXPECT_FALSE(Has(Reasons("plainte transmise à la répression des fraudes", "fr"), "fraud"));
}

TEST(RulesTest, VulnerablePerson) {
  EXPECT_TRUE(Has(Reasons("ma mère de 86 ans est sans chauffage", "fr"), "vulnerable_person"));
  EXPECT_TRUE(Has(Reasons("je suis enceinte et sans eau chaude", "fr"), "vulnerable_person"));
  EXPECT_TRUE(Has(Reasons("my dad is in a wheelchair", "en"), "vulnerable_person"));
  EXPECT_TRUE(Has(Reasons("no heating with a newborn", "en"), "vulnerable_person"));
  EXPECT_FALSE(Has(Reasons("la box redémarre toute seule", "fr"), "vulnerable_person"));
  EXPECT_TRUE(Has(Reasons("mon mari est parti en maison de retraite", "fr"), "vulnerable_person"));
  EXPECT_TRUE(Has(Reasons("mon fils de six ans", "fr"), "vulnerable_person"));
  EXPECT_TRUE(Has(Reasons("my nan is in a nursing home", "en"), "vulnerable_person"));
  EXPECT_FALSE(Has(Reasons("I'm sick of waiting", "en"), "vulnerable_person"));
}

TEST(RulesTest, ChurnIntent) {
  EXPECT_TRUE(Has(Reasons("je vais résilier", "fr"), "churn_intent"));
  EXPECT_TRUE(Has(Reasons("Je quitte Telemax, je passe chez la concurrence", "fr"), "churn_intent"));
  EXPECT_TRUE(Has(Reasons("I want to cancel my subscription", "en"), "churn_intent"));
  EXPECT_TRUE(Has(Reasons("switching to another provider", "en"), "churn_intent"));
  EXPECT_FALSE(Has(Reasons("I could cancel my plans for tonight", "en"), "churn_intent"));
  EXPECT_FALSE(Has(Reasons("le technicien doit passer chez moi demain", "fr"), "churn_intent"));
  EXPECT_TRUE(Has(Reasons("je veux mettre fin à mon abonnement", "fr"), "churn_intent"));
  EXPECT_TRUE(Has(Reasons("vous m'avez perdu, je rends ma carte", "fr"), "churn_intent"));
  EXPECT_TRUE(Has(Reasons("how do I cancel?", "en"), "churn_intent"));
  EXPECT_TRUE(Has(Reasons("so I'm leaving", "en"), "churn_intent"));
  EXPECT_FALSE(Has(Reasons("I'm going to cancel my plans", "en"), "churn_intent"));
}

TEST(RulesTest, InsultAnger) {
  EXPECT_TRUE(Has(Reasons("c'est honteux, bande d'incompétents", "fr"), "insult_anger"));
  EXPECT_TRUE(Has(Reasons("j'en ai marre", "fr"), "insult_anger"));
  EXPECT_TRUE(Has(Reasons("absolutely disgraceful service", "en"), "insult_anger"));
  EXPECT_TRUE(Has(Reasons("I'm fed up", "en"), "insult_anger"));
  EXPECT_TRUE(Has(Reasons("vous êtes des incapables", "fr"), "insult_anger"));
  EXPECT_TRUE(Has(Reasons("vous me prenez pour un con", "fr"), "insult_anger"));
  EXPECT_TRUE(Has(Reasons("je suis vraiment en colère", "fr"), "insult_anger"));
  EXPECT_TRUE(Has(Reasons("bunch of idiots", "en"), "insult_anger"));
  EXPECT_TRUE(Has(Reasons("this is beyond a joke, ffs", "en"), "insult_anger"));
  // Capitals and "!!!".
  auto hits = Detect(M("JE VEUX MON REMBOURSEMENT MAINTENANT", "fr"));
  EXPECT_TRUE(Has(Names("reason", hits), "insult_anger"));
  EXPECT_TRUE(Has(Reasons("où est mon colis !!!", "fr"), "insult_anger"));
  EXPECT_TRUE(Has(Reasons("where is it?!", "en"), "insult_anger"));
  EXPECT_FALSE(Has(Reasons("Merci pour votre aide", "fr"), "insult_anger"));
  EXPECT_FALSE(Has(Reasons("OK SNCF", "fr"), "insult_anger"));  // too few letters
}

TEST(RulesTest, RepeatedFailure) {
  EXPECT_TRUE(Has(Reasons("c'est la 3e fois que j'appelle", "fr"), "repeated_failure"));
  EXPECT_TRUE(Has(Reasons("pour la 4ème fois", "fr"), "repeated_failure"));
  EXPECT_TRUE(Has(Reasons("en panne depuis 2 semaines", "fr"), "repeated_failure"));
  EXPECT_TRUE(Has(Reasons("ça fait trois semaines que j'attends", "fr"), "repeated_failure"));
  EXPECT_TRUE(Has(Reasons("toujours rien", "fr"), "repeated_failure"));
  EXPECT_TRUE(Has(Reasons("this is the 5th time I call", "en"), "repeated_failure"));
  EXPECT_TRUE(Has(Reasons("no internet for 3 weeks", "en"), "repeated_failure"));
  EXPECT_TRUE(Has(Reasons("still waiting", "en"), "repeated_failure"));
  EXPECT_FALSE(Has(Reasons("livré en 2 jours, top", "fr"), "repeated_failure"));
  EXPECT_FALSE(Has(Reasons("arrived in 2 days", "en"), "repeated_failure"));
}

TEST(RulesTest, HighReach) {
  auto m = M("bonjour", "fr");
  m.author.followers = 120000;
  EXPECT_TRUE(Has(Names("reason", Detect(m)), "high_reach"));
  m.author.followers = 300;
  EXPECT_FALSE(Has(Names("reason", Detect(m)), "high_reach"));
}

TEST(RulesTest, Categories) {
  EXPECT_TRUE(Has(Categories("mon colis n'est pas arrivé", "fr"), "delivery"));
  EXPECT_TRUE(Has(Categories("train annulé ce matin", "fr"), "delivery"));
  EXPECT_TRUE(Has(Categories("my parcel is lost", "en"), "delivery"));
  EXPECT_TRUE(Has(Categories("toujours pas de remboursement", "fr"), "returns_refunds"));
  EXPECT_TRUE(Has(Categories("still waiting for my refund", "en"), "returns_refunds"));
  EXPECT_TRUE(Has(Categories("le service client ne répond pas", "fr"), "customer_service"));
  EXPECT_TRUE(Has(Categories("on hold for an hour", "en"), "customer_service"));
  EXPECT_TRUE(Has(Categories("produit défectueux", "fr"), "product"));
  EXPECT_TRUE(Has(Categories("the kettle is faulty", "en"), "product"));
  EXPECT_TRUE(Has(Categories("facture incompréhensible", "fr"), "billing"));
  EXPECT_TRUE(Has(Categories("I was overcharged", "en"), "billing"));
  EXPECT_TRUE(Has(Categories("frais de résiliation abusifs", "fr"), "cancellation"));
  EXPECT_TRUE(Has(Categories("how do I cancel my contract", "en"), "cancellation"));
  EXPECT_TRUE(Has(Categories("panne internet", "fr"), "account_technical"));
  EXPECT_TRUE(Has(Categories("can't log in to the app", "en"), "account_technical"));
  // Broader cues.
  EXPECT_TRUE(Has(Categories("l'écran est cassé", "fr"), "product"));
  EXPECT_TRUE(Has(Categories("pas conforme à la description", "fr"), "product"));
  EXPECT_TRUE(Has(Categories("la taille M correspond à un XS", "fr"), "product"));
  EXPECT_TRUE(Has(Categories("the screen is cracked", "en"), "product"));
  EXPECT_TRUE(Has(Categories("sole already coming away from the upper", "en"), "product"));
  EXPECT_TRUE(Has(Categories("personne ne répond", "fr"), "customer_service"));
  EXPECT_TRUE(Has(Categories("le technicien n'est pas venu", "fr"), "customer_service"));
  EXPECT_TRUE(Has(Categories("engineer didn't show", "en"), "customer_service"));
  EXPECT_TRUE(Has(Categories("nobody answers the phone", "en"), "customer_service"));
  EXPECT_TRUE(Has(Categories("je veux résilier mon abonnement", "fr"), "cancellation"));
  EXPECT_TRUE(Has(Categories("fin d'engagement le mois prochain", "fr"), "cancellation"));
  EXPECT_TRUE(Has(Categories("how do I stop it auto-renewing?", "en"), "cancellation"));
  EXPECT_FALSE(Has(Categories("I could cancel my plans for tonight", "en"), "cancellation"));
  EXPECT_TRUE(Has(Categories("colis jamais reçu", "fr"), "delivery"));
  EXPECT_TRUE(Has(Categories("vol retardé de 3h", "fr"), "delivery"));
  EXPECT_TRUE(Has(Categories("j'ai reçu un avis de passage", "fr"), "delivery"));
  EXPECT_TRUE(Has(Categories("parcel never arrived", "en"), "delivery"));
  EXPECT_TRUE(Has(Categories("flight delayed 4 hours", "en"), "delivery"));
}

TEST(RulesTest, LanguageFiltering) {
  // A French rule does not fire on an English message and vice versa.
  EXPECT_FALSE(Has(Reasons("avocat toast for breakfast", "en"), "legal_threat"));
  EXPECT_TRUE(Has(Reasons("avocat", "fr"), "legal_threat"));
  EXPECT_FALSE(Has(Reasons("my lawyer", "fr"), "legal_threat"));
  // Unknown language: every rule.
  EXPECT_TRUE(Has(Reasons("my lawyer", "und"), "legal_threat"));
  EXPECT_TRUE(Has(Reasons("mon avocat", ""), "legal_threat"));
  // Another language: only "*" rules.
  std::vector<CueRule> rules = {{"reason", "fraud", "*", "betrug OR scam"}, {"reason", "legal_threat", "en", "lawyer"}};
  auto rs = RuleSet::Build(rules, {});
  ASSERT_TRUE(rs.ok());
  std::vector<CueHit> hits;
  (*rs)->Detect(M("Betrug! my lawyer", "de"), &hits);
  auto n = Names("reason", hits);
  EXPECT_TRUE(Has(n, "fraud"));
  EXPECT_FALSE(Has(n, "legal_threat"));
}

TEST(RulesTest, OneHitPerNameOrderedByKindThenName) {
  auto hits = Detect(M("Arnaque ! Escroquerie ! Mon avocat et le tribunal, colis jamais livré, je vais résilier", "fr"));
  std::set<std::pair<std::string, std::string>> seen;
  for (size_t i = 0; i < hits.size(); ++i) {
    EXPECT_TRUE(seen.insert({hits[i].kind, hits[i].name}).second) << hits[i].name;
    EXPECT_FALSE(hits[i].evidence.empty());
    if (i > 0) {
      EXPECT_LE(std::make_pair(hits[i - 1].kind, hits[i - 1].name), std::make_pair(hits[i].kind, hits[i].name));
    }
  }
  EXPECT_GE(hits.size(), 4u);
}

TEST(RulesTest, TitleIsSearched) {
  auto m = M("voir ci-dessous", "fr");
  m.title = "Mise en demeure";
  EXPECT_TRUE(Has(Names("reason", Detect(m)), "legal_threat"));
  for (const auto& h : Detect(m)) {
    if (h.name == "legal_threat") {
      EXPECT_EQ(h.evidence, "Mise en demeure");
    }
  }
}

// ---- Measured on the labelled customer-care messages.

struct Row {
  std::string text, lang, category, split;
  std::set<std::string> reasons;
};

std::vector<Row> LoadRows() {
  std::vector<Row> rows;
  for (const char* lang : {"fr", "en"}) {
    std::ifstream in(std::string(ECOUTE_SOURCE_DIR "/training/customer-care/") + lang + ".jsonl");
    std::string line;
    while (std::getline(in, line)) {
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line);
      Row r;
      r.text = j.at("text").get<std::string>();
      r.lang = j.at("lang").get<std::string>();
      r.category = j.at("category").get<std::string>();
      r.split = j.at("split").get<std::string>();
      for (const auto& x : j.at("reasons")) r.reasons.insert(x.get<std::string>());
      rows.push_back(std::move(r));
    }
  }
  return rows;
}

struct Counts {
  int tp = 0, fp = 0, fn = 0;
  double recall() const { return tp + fn ? double(tp) / (tp + fn) : 1; }
  double precision() const { return tp + fp ? double(tp) / (tp + fp) : 1; }
};

std::map<std::string, Counts> Evaluate(const std::string& split, const char* dump) {
  std::map<std::string, Counts> c;
  for (const Row& r : LoadRows()) {
    if (r.split != split) continue;
    auto hits = Detect(M(r.text, r.lang));
    auto got = Names("reason", hits);
    auto cats = Names("category", hits);
    for (auto rs : kSeverityReasons) {
      std::string name(rs);
      if (name == "high_reach") continue;
      const bool want = r.reasons.count(name) > 0, has = got.count(name) > 0;
      Counts& k = c[name];
      if (want && has) ++k.tp;
      if (!want && has) ++k.fp;
      if (want && !has) ++k.fn;
      if (dump && name == dump && want != has) {
        std::printf("%s %s: %s\n", want ? "FN" : "FP", r.lang.c_str(), r.text.substr(0, 220).c_str());
        if (has)
          for (const auto& h : hits)
            if (h.name == name) std::printf("    evidence: %s\n", h.evidence.c_str());
      }
    }
    for (auto cat : kDefaultCategories) {
      std::string name(cat);
      const bool want = r.category == name, has = cats.count(name) > 0;
      Counts& k = c["cat:" + name];
      if (want && has) ++k.tp;
      if (!want && has && r.category != "none") ++k.fp;  // among messages needing a reply
      if (want && !has) ++k.fn;
    }
  }
  return c;
}

void Print(const std::string& split, const std::map<std::string, Counts>& c) {
  for (const auto& [name, k] : c) {
    std::printf("%-5s %-24s recall %.2f (%d/%d)  precision %.2f (fp %d)\n", split.c_str(), name.c_str(), k.recall(),
                k.tp, k.tp + k.fn, k.precision(), k.fp);
  }
}

TEST(RulesTest, TrainSplitRecall) {
  const char* dump = std::getenv("ECOUTE_RULES_DUMP");
  auto c = Evaluate("train", dump);
  Print("train", c);
  // Regression guards (achieved values minus a small margin).
  // Achieved when written (recall/precision): legal 1.00/0.78, safety 1.00/0.83,
  // fraud 1.00/0.61, vulnerable 1.00/0.78, insult 0.86/0.75, repeated 0.82/0.50,
  // churn 0.89/0.56; category cues (recall) product 0.95, customer_service 1.00,
  // cancellation 0.97, delivery 0.99.
  EXPECT_GE(c["legal_threat"].recall(), 0.95);
  EXPECT_GE(c["safety_risk"].recall(), 0.95);
  EXPECT_GE(c["fraud"].recall(), 0.95);
  EXPECT_GE(c["legal_threat"].precision(), 0.72);
  EXPECT_GE(c["safety_risk"].precision(), 0.76);
  EXPECT_GE(c["fraud"].precision(), 0.55);
  EXPECT_GE(c["vulnerable_person"].recall(), 0.95);
  EXPECT_GE(c["vulnerable_person"].precision(), 0.70);
  EXPECT_GE(c["insult_anger"].recall(), 0.82);
  EXPECT_GE(c["repeated_failure"].recall(), 0.78);
  EXPECT_GE(c["churn_intent"].recall(), 0.84);
  EXPECT_GE(c["cat:product"].recall(), 0.90);
  EXPECT_GE(c["cat:customer_service"].recall(), 0.95);
  EXPECT_GE(c["cat:cancellation"].recall(), 0.92);
  EXPECT_GE(c["cat:delivery"].recall(), 0.95);
  EXPECT_GE(c["cat:product"].precision(), 0.55);
  EXPECT_GE(c["cat:customer_service"].precision(), 0.40);
  EXPECT_GE(c["cat:cancellation"].precision(), 0.68);
  EXPECT_GE(c["cat:delivery"].precision(), 0.53);
}

// Held-out figures, printed for reports only (never tuned on):
//   rules_test --gtest_also_run_disabled_tests --gtest_filter=*DISABLED_TestSplit*
TEST(RulesTest, DISABLED_TestSplitReport) { Print("test", Evaluate("test", nullptr)); }

}  // namespace
}  // namespace ecoute::classify
