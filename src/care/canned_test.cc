#include "care/canned.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"

namespace ecoute::care {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr base::Timestamp kT0 = 1'700'000'000'000;

std::string Error(std::string_view tmpl) {
  base::Status s = CheckTemplate(tmpl);
  EXPECT_FALSE(s.ok()) << tmpl;
  EXPECT_EQ(s.code(), base::StatusCode::kInvalidArgument);
  return s.message();
}

CannedResponse Canned(std::string name, std::map<std::string, std::string> variants,
                      std::vector<std::string> categories = {}) {
  CannedResponse r;
  r.name = std::move(name);
  r.variants = std::move(variants);
  r.categories = std::move(categories);
  return r;
}

// ------------------------------------------------------------- templates

TEST(CannedTemplate, AcceptsVariablesFallbacksAndLiterals) {
  EXPECT_TRUE(CheckTemplate("").ok());
  EXPECT_TRUE(CheckTemplate("Bonjour, merci pour votre message.").ok());
  EXPECT_TRUE(CheckTemplate("Bonjour {{contact.first_name}}, {{ agent.name }} ({{brand}})").ok());
  EXPECT_TRUE(CheckTemplate("Hi {{contact.first_name|there}}, case {{case.id|?}}").ok());
  EXPECT_TRUE(CheckTemplate("{{{{contact.nme}} is literal, so is }} and {").ok());
  for (const std::string& v : KnownTemplateVariables()) EXPECT_TRUE(CheckTemplate("{{" + v + "}}").ok()) << v;
  EXPECT_EQ(KnownTemplateVariables().size(), 8u);
}

TEST(CannedTemplate, ErrorsGiveThePositionAndTheVariable) {
  const std::string unknown = Error("Bonjour Madame {{contact.nme}} !");
  EXPECT_THAT(unknown, StartsWith("position 15: unknown variable \"contact.nme\" (known: contact.name, "
                                  "contact.first_name, agent.name"));
  EXPECT_THAT(unknown, HasSubstr("message.excerpt)"));
  EXPECT_EQ(Error("Hi {{agent.name"), "position 3: unclosed \"{{\"");
  EXPECT_EQ(Error("ok {{brand}} then {{"), "position 18: unclosed \"{{\"");
  EXPECT_EQ(Error("{{}}"), "position 0: empty variable name");
  EXPECT_EQ(Error("x{{  |fallback}}"), "position 1: empty variable name");
  EXPECT_EQ(Error("ab {{Contact.Name}}"),
            "position 3: invalid variable name \"Contact.Name\" (lowercase letters, digits, '_' and '.')");
  EXPECT_THAT(Error("{{brand {{agent.name}}"), StartsWith("position 0: \"{{\" inside a placeholder"));
  // The literal escape does not hide a later error, whose position counts the escape's bytes.
  EXPECT_EQ(Error("{{{{ {{oops}}"), "position 5: unknown variable \"oops\" (known: contact.name, contact.first_name, "
                                    "agent.name, agent.first_name, case.id, brand, customer.handle, "
                                    "message.excerpt)");
}

TEST(CannedRender, ValuesFallbacksMissingAndLiteralBraces) {
  CannedResponse r = Canned("hello", {{"en", "Hi {{contact.first_name|there}}, I am {{agent.first_name}} from "
                                             "{{brand}}. Case {{case.id}} {{{{ref}} {{case.id}}{{customer.handle|}}"}});
  RenderVars vars;
  vars.values = {{"agent.name", "Léa Martin"}, {"case.id", "42"}, {"contact.name", ""}};
  auto out = Render(r, "en", vars);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->language, "en");
  EXPECT_EQ(out->text, "Hi there, I am Léa from . Case 42 {{ref}} 42");
  EXPECT_THAT(out->missing, ElementsAre("brand"));

  vars.values["contact.name"] = "  Jean Dupont";
  vars.values["agent.first_name"] = "Lé";
  vars.values["brand"] = "{{agent.name}}";  // values are not expanded again
  out = Render(r, "en", vars);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->text, "Hi Jean, I am Lé from {{agent.name}}. Case 42 {{ref}} 42");
  EXPECT_TRUE(out->missing.empty());

  // Each missing variable is listed once, in order of first use.
  CannedResponse m = Canned("m", {{"fr", "{{message.excerpt}} {{brand}} {{message.excerpt}} {{contact.name|client}}"}});
  out = Render(m, "fr", RenderVars{});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->text, "   client");
  EXPECT_THAT(out->missing, ElementsAre("message.excerpt", "brand"));
}

TEST(CannedRender, LanguageChoice) {
  const CannedResponse three = Canned("x", {{"de", "Hallo"}, {"en", "Hello"}, {"fr", "Bonjour"}});
  auto lang = [](const CannedResponse& r, std::string_view l) {
    auto out = Render(r, l, RenderVars{});
    EXPECT_TRUE(out.ok());
    return out.ok() ? out->language + ":" + out->text : std::string("error");
  };
  EXPECT_EQ(lang(three, "de"), "de:Hallo");
  EXPECT_EQ(lang(three, "fr-FR"), "fr:Bonjour");    // normalised tag
  EXPECT_EQ(lang(three, "French"), "fr:Bonjour");
  EXPECT_EQ(lang(three, "es"), "en:Hello");         // else en
  EXPECT_EQ(lang(three, ""), "en:Hello");
  const CannedResponse fr_de = Canned("y", {{"de", "Hallo"}, {"fr", "Bonjour"}});
  EXPECT_EQ(lang(fr_de, "it"), "fr:Bonjour");        // else fr
  const CannedResponse de_it = Canned("z", {{"it", "Ciao"}, {"de", "Hallo"}});
  EXPECT_EQ(lang(de_it, "ja"), "de:Hallo");          // else the first
  EXPECT_EQ(ChooseVariant(CannedResponse{}, "fr"), "");
}

TEST(CannedRender, Errors) {
  auto none = Render(Canned("empty", {}), "fr", RenderVars{});
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(none.status().message(), HasSubstr("has no variant"));
  auto bad = Render(Canned("bad", {{"fr", "Bonjour {{contact.name"}}), "fr", RenderVars{});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "variants.fr: position 8: unclosed \"{{\"");
}

// ---------------------------------------------------------------- ranking

TEST(CannedRank, ScoresReasonsAndOrder) {
  std::vector<CannedResponse> all;
  all.push_back(Canned("delivery-late",
                       {{"fr", "Bonjour {{contact.first_name}}, votre colis a du retard ; la livraison est prévue "
                               "demain."},
                        {"en", "Hi, your parcel is late; delivery is planned tomorrow."}},
                       {"Delivery"}));
  all.back().title = "Colis en retard";
  all.push_back(Canned("billing-refund", {{"fr", "Nous avons remboursé votre commande."}}, {"billing"}));
  all.push_back(Canned("generic-thanks", {{"en", "Thanks for reaching out, we are on it."}}));
  all.push_back(Canned("apology", {{"en", "We are sorry."}}));  // any category, no shared word: ties with generic

  const std::string message = "Bonjour, mon COLIS n'est toujours pas arrivé et la LIVRAISON était prévue hier !";
  const auto ranked = RankCanned(all, "delivery", "fr-FR", message, 0);
  ASSERT_EQ(ranked.size(), 4u);
  EXPECT_EQ(ranked[0].response->name, "delivery-late");
  EXPECT_DOUBLE_EQ(ranked[0].score, 2.0 + 1.0 + 3 * 0.75);
  EXPECT_THAT(ranked[0].reasons,
              ElementsAre("fits category Delivery", "has a fr variant", "shares words: colis, livraison, prevue"));
  EXPECT_EQ(ranked[1].response->name, "billing-refund");  // wrong category, but a fr variant
  EXPECT_DOUBLE_EQ(ranked[1].score, 1.0);
  EXPECT_THAT(ranked[1].reasons, ElementsAre("has a fr variant"));
  // 0.5 each (any category, no fr variant, no shared word); tie broken by name.
  EXPECT_EQ(ranked[2].response->name, "apology");
  EXPECT_EQ(ranked[3].response->name, "generic-thanks");
  EXPECT_DOUBLE_EQ(ranked[2].score, 0.5);
  EXPECT_DOUBLE_EQ(ranked[3].score, 0.5);
  EXPECT_THAT(ranked[2].reasons, ElementsAre("fits any category"));
  for (const CannedMatch& m : ranked) EXPECT_GE(m.response, all.data());

  // The limit keeps the best; the English variant is the one compared for "en".
  const auto top = RankCanned(all, "billing", "en", "Where is my parcel? Delivery was planned", 2);
  ASSERT_EQ(top.size(), 2u);
  EXPECT_EQ(top[0].response->name, "delivery-late");
  EXPECT_THAT(top[0].reasons, ElementsAre("has a en variant", "shares words: delivery, parcel, planned"));
  EXPECT_EQ(top[1].response->name, "billing-refund");  // 2.0 for the category
}

TEST(CannedRank, WordsCapAndStopList) {
  std::vector<CannedResponse> all;
  all.push_back(Canned("many", {{"en", "alpha bravo charlie delta echo foxtrot the your and 12345 ab"}}));
  const auto ranked = RankCanned(all, "", "en", "Foxtrot ECHO delta charlie bravo alpha the your and 12345 ab", 0);
  ASSERT_EQ(ranked.size(), 1u);
  EXPECT_DOUBLE_EQ(ranked[0].score, 0.5 + 1.0 + 4 * 0.75);  // at most 4 words count
  EXPECT_THAT(ranked[0].reasons, ElementsAre("fits any category", "has a en variant",
                                             "shares words: alpha, bravo, charlie, delta, echo"));  // 5 listed
  EXPECT_TRUE(RankCanned({}, "delivery", "fr", "colis", 3).empty());
}

// ------------------------------------------------------------------- JSON

TEST(CannedJson, RoundTrip) {
  CannedResponse r = Canned("late_parcel-2", {{"fr", "Bonjour {{contact.first_name|}}"}, {"en", "Hello"}},
                            {"delivery"});
  r.id = 7;
  r.title = "Colis en retard";
  r.tags = {"colis", "retard"};
  r.created_at = kT0;
  r.updated_at = kT0 + 1500;
  r.updated_by = "lea";
  const nlohmann::json j = ToJson(r);
  EXPECT_EQ(j["created_at"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(j["updated_at"], "2023-11-14T22:13:21.500Z");
  EXPECT_EQ(j["variants"]["fr"], "Bonjour {{contact.first_name|}}");
  auto back = CannedFromJson(j);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, r);
  EXPECT_TRUE(ToJson(CannedResponse{})["created_at"].is_null());

  auto minimal = CannedFromJson(nlohmann::json::parse(
      R"({"name":"a","variants":{"en":"x"},"tags":[" colis ","colis","retard"],"categories":null})"));
  ASSERT_TRUE(minimal.ok()) << minimal.status().ToString();
  EXPECT_THAT(minimal->tags, ElementsAre("colis", "retard"));
  EXPECT_TRUE(minimal->categories.empty());
}

TEST(CannedJson, ErrorsNameTheField) {
  auto error = [](std::string_view text) {
    auto r = CannedFromJson(nlohmann::json::parse(text));
    EXPECT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
    return r.status().message();
  };
  EXPECT_EQ(error(R"([1])"), "canned response: expected a JSON object");
  EXPECT_EQ(error(R"({"variants":{"fr":"x"}})"), "name: required");
  EXPECT_EQ(error(R"({"name":"Late","variants":{"fr":"x"}})"),
            "name: \"Late\" must be 1 to 64 of a-z, 0-9, '_' and '-'");
  EXPECT_EQ(error(R"({"name":5,"variants":{"fr":"x"}})"), "name: expected a string");
  EXPECT_EQ(error(R"({"name":"a"})"), "variants: at least one language variant required");
  EXPECT_EQ(error(R"({"name":"a","variants":{}})"), "variants: at least one language variant required");
  EXPECT_EQ(error(R"({"name":"a","variants":["x"]})"), "variants: expected an object of language code -> text");
  EXPECT_EQ(error(R"({"name":"a","variants":{"fr":"Bon{{jour"}})"), "variants.fr: position 3: unclosed \"{{\"");
  EXPECT_EQ(error(R"({"name":"a","variants":{"fr":3}})"), "variants.fr: expected a string");
  EXPECT_EQ(error(R"({"name":"a","variants":{"fr":""}})"), "variants.fr: empty text");
  EXPECT_EQ(error(R"({"name":"a","variants":{"FR":"x"}})"),
            "variants.FR: the key must be a language code of 2 or 3 lowercase letters");
  EXPECT_EQ(error(R"({"name":"a","variants":{"fr":"x"},"categories":"delivery"})"),
            "categories: expected an array of strings");
  EXPECT_EQ(error(R"({"name":"a","variants":{"fr":"x"},"tags":["a",2]})"), "tags[1]: expected a string");
  EXPECT_EQ(error(R"({"name":"a","variants":{"fr":"x"},"tags":["a"," "]})"), "tags[1]: empty");
  EXPECT_EQ(error(R"({"name":"a","variants":{"fr":"x"},"colour":"red"})"), "colour: unknown field");
  EXPECT_EQ(error(R"({"name":"a","variants":{"fr":"x"},"id":-1})"), "id: expected a non-negative integer");
  EXPECT_THAT(error(R"({"name":"a","variants":{"fr":"x"},"created_at":"yesterday"})"), StartsWith("created_at: "));
  EXPECT_EQ(error(R"({"name":"a","variants":{"fr":"x"},"title":")" + std::string(201, 't') + "\"}"),
            "title: longer than 200 bytes");
}

// ------------------------------------------------------------------ store

std::unique_ptr<CannedStore> OpenOrDie(const std::string& path, const base::Clock& clock) {
  auto s = CannedStore::Open(path, clock);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return s.ok() ? std::move(s).value() : nullptr;
}

TEST(CannedStore, Crud) {
  base::FakeClock clock(kT0);
  auto store = OpenOrDie(":memory:", clock);
  ASSERT_NE(store, nullptr);
  auto listed = store->List();
  ASSERT_TRUE(listed.ok());
  EXPECT_TRUE(listed->empty());

  CannedResponse late = Canned("late", {{"fr", "Votre colis arrive, {{contact.first_name|}}."}}, {"delivery"});
  late.title = "Retard";
  late.tags = {"colis"};
  late.id = 99;           // ignored
  late.updated_by = "x";  // ignored
  auto created = store->Create(late, "lea");
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  EXPECT_GT(created->id, 0);
  EXPECT_NE(created->id, 99);
  EXPECT_EQ(created->created_at, kT0);
  EXPECT_EQ(created->updated_at, kT0);
  EXPECT_EQ(created->updated_by, "lea");

  auto dup = store->Create(Canned("late", {{"en", "x"}}), "bob");
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.status().code(), base::StatusCode::kAlreadyExists);
  EXPECT_EQ(dup.status().message(), "canned response \"late\" already exists");

  auto invalid = store->Create(Canned("bad", {{"fr", "{{nope}}"}}), "bob");
  ASSERT_FALSE(invalid.ok());
  EXPECT_EQ(invalid.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_THAT(invalid.status().message(), StartsWith("variants.fr: position 0: unknown variable \"nope\""));

  clock.Advance(1000);
  auto apology = store->Create(Canned("apology", {{"en", "Sorry."}}), "bob");
  ASSERT_TRUE(apology.ok());

  auto got = store->Get(created->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, *created);
  auto by_name = store->FindByName("apology");
  ASSERT_TRUE(by_name.ok());
  EXPECT_EQ(*by_name, *apology);
  listed = store->List();
  ASSERT_TRUE(listed.ok());
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].name, "apology");  // by name
  EXPECT_EQ((*listed)[1], *created);

  clock.Advance(1000);
  CannedResponse changed = *created;
  changed.variants["en"] = "Your parcel is on its way.";
  changed.created_at = 1;  // ignored
  auto updated = store->Update(created->id, changed, "bob");
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->created_at, kT0);
  EXPECT_EQ(updated->updated_at, kT0 + 2000);
  EXPECT_EQ(updated->updated_by, "bob");
  EXPECT_EQ(updated->variants.size(), 2u);
  got = store->Get(created->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(*got, *updated);

  changed.name = "apology";  // rename onto another
  auto clash = store->Update(created->id, changed, "bob");
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.status().code(), base::StatusCode::kAlreadyExists);
  got = store->Get(created->id);
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->name, "late");  // rolled back

  auto missing = store->Update(12345, *created, "bob");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), base::StatusCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "canned response 12345 not found");

  ASSERT_TRUE(store->Delete(created->id).ok());
  EXPECT_EQ(store->Delete(created->id).code(), base::StatusCode::kNotFound);
  EXPECT_EQ(store->Get(created->id).status().code(), base::StatusCode::kNotFound);
  EXPECT_EQ(store->FindByName("late").status().message(), "canned response \"late\" not found");
  // Ids are not reused.
  auto again = store->Create(Canned("late", {{"fr", "x"}}), "lea");
  ASSERT_TRUE(again.ok());
  EXPECT_GT(again->id, apology->id);
}

TEST(CannedStore, ConcurrentWriters) {
  base::FakeClock clock(kT0);
  auto store = OpenOrDie(":memory:", clock);
  ASSERT_NE(store, nullptr);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 25; ++i) {
        auto r = store->Create(Canned("r" + std::to_string(t) + "-" + std::to_string(i), {{"en", "x"}}), "u");
        EXPECT_TRUE(r.ok());
        if (r.ok()) {
          EXPECT_TRUE(store->Get(r->id).ok());
        }
        EXPECT_TRUE(store->List().ok());
      }
    });
  }
  for (std::thread& t : threads) t.join();
  auto listed = store->List();
  ASSERT_TRUE(listed.ok());
  EXPECT_EQ(listed->size(), 100u);
}

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "canned_test.XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string file(std::string_view name) const { return path_ + "/" + std::string(name); }

 private:
  std::string path_;
};

int64_t RawInt(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  int64_t v = -1;
  if (sqlite3_step(st) == SQLITE_ROW) v = sqlite3_column_int64(st, 0);
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

std::string RawText(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  sqlite3_stmt* st = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql, -1, &st, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  std::string v;
  if (sqlite3_step(st) == SQLITE_ROW) v = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(db);
  return v;
}

void RawExec(const std::string& path, const char* sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, nullptr), SQLITE_OK) << sqlite3_errmsg(db);
  sqlite3_close(db);
}

TEST(CannedStore, PersistsAcrossReopen) {
  TempDir dir;
  const std::string path = dir.file("ecoute.db");
  base::FakeClock clock(kT0);
  CannedResponse stored;
  {
    auto store = OpenOrDie(path, clock);
    ASSERT_NE(store, nullptr);
    CannedResponse r = Canned("late", {{"fr", "Bonjour « {{contact.name|}} » 😀"}, {"en", "Hi"}}, {"delivery"});
    r.title = "Colis en retard";
    r.tags = {"colis", "urgent"};
    auto created = store->Create(r, "léa");
    ASSERT_TRUE(created.ok());
    stored = *created;
  }
  EXPECT_EQ(RawInt(path, "SELECT version FROM care_canned_schema"), 1);
  EXPECT_EQ(RawText(path, "PRAGMA journal_mode"), "wal");
  {
    auto store = OpenOrDie(path, clock);
    ASSERT_NE(store, nullptr);
    auto got = store->FindByName("late");
    ASSERT_TRUE(got.ok());
    EXPECT_EQ(*got, stored);
    auto second = OpenOrDie(path, clock);  // a second connection on the same file
    ASSERT_NE(second, nullptr);
    ASSERT_TRUE(second->Delete(stored.id).ok());
    EXPECT_EQ(store->Get(stored.id).status().code(), base::StatusCode::kNotFound);
  }
  EXPECT_EQ(RawInt(path, "SELECT count(*) FROM care_canned_schema"), 1);
}

TEST(CannedStore, RefusesNewerSchemaAndForeignFiles) {
  TempDir dir;
  base::FakeClock clock(kT0);
  const std::string path = dir.file("ecoute.db");
  ASSERT_NE(OpenOrDie(path, clock), nullptr);
  RawExec(path, "UPDATE care_canned_schema SET version = 2");
  auto newer = CannedStore::Open(path, clock);
  ASSERT_FALSE(newer.ok());
  EXPECT_EQ(newer.status().code(), base::StatusCode::kCorruption);
  EXPECT_THAT(newer.status().message(), HasSubstr("schema version 2 is newer than this build's version 1"));

  const std::string junk = dir.file("junk.db");
  std::ofstream(junk) << std::string(4096, 'x');
  auto foreign = CannedStore::Open(junk, clock);
  ASSERT_FALSE(foreign.ok());
  EXPECT_EQ(foreign.status().code(), base::StatusCode::kCorruption);
  EXPECT_THAT(foreign.status().message(), HasSubstr("is not an SQLite database"));

  auto unopenable = CannedStore::Open(dir.file("no/such/dir/x.db"), clock);
  ASSERT_FALSE(unopenable.ok());
  EXPECT_EQ(unopenable.status().code(), base::StatusCode::kIoError);
}

}  // namespace
}  // namespace ecoute::care
