// The monitored-queries routes and the query-language search, against the
// real SQLite store and QueryService (the server's other routes are tested
// with a fake store in server_test.cc).
#include <gtest/gtest.h>
#include <httplib.h>

#include <map>

#include <nlohmann/json.hpp>

#include "api/api_testing.h"
#include "api/server.h"
#include "ingest/input.h"
#include "store/sqlite_store.h"
#include "text/text.h"

namespace ecoute::api {
namespace {

using nlohmann::json;

class QueriesApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(testing::OpenMemoryStore(store_, &svc_));
    server_ = std::make_unique<Server>(testing::LocalServerOptions(2), *store_, testing::ReadOnlyIngest(),
                                       ingest::MakeJsonDecoder(), &auth_.authenticator(), metrics_,
                                       base::SystemClock(), svc_.get());
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10);
    // A lead: may manage queries and correct labels (the user of a correction).
    client_->set_default_headers(testing::TestAuth::Bearer(auth_.AddUserWithToken("claire", auth::Role::kLead)));
  }
  void TearDown() override { server_->Stop(); }

  void Store(std::vector<std::string> texts) {
    std::vector<model::Mention> ms;
    for (size_t i = 0; i < texts.size(); ++i) {
      model::Mention m;
      m.channel = model::Channel::kTwitter;
      m.native_id = "t" + std::to_string(next_++);
      m.created_at = 1'700'000'000'000 + static_cast<int64_t>(next_) * 60'000;
      m.text = texts[i];
      m.language = "fr";
      text::Analyze(m);
      ms.push_back(std::move(m));
    }
    svc_->Enrich(ms);
    ASSERT_TRUE(store_->Write(ms, {}, nullptr).ok());
  }

  json Call(const std::string& method, const std::string& path, const std::string& body, int want) {
    httplib::Result r = method == "POST"    ? client_->Post(path.c_str(), body, "application/json")
                        : method == "PUT"   ? client_->Put(path.c_str(), body, "application/json")
                        : method == "PATCH" ? client_->Patch(path.c_str(), body, "application/json")
                        : method == "DELETE" ? client_->Delete(path.c_str())
                                             : client_->Get(path.c_str());
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return json();
    EXPECT_EQ(r->status, want) << method << " " << path << ": " << r->body;
    return json::parse(r->body, nullptr, false);
  }

  testing::TestAuth auth_;
  base::MetricsRegistry metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<queries::QueryService> svc_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
  int next_ = 1;
};

TEST_F(QueriesApiTest, CrudWithLintAndPositionedErrors) {
  json bad = Call("POST", "/api/v1/queries", R"({"name":"delivery","query":"colis OR"})", 400);
  EXPECT_EQ(bad["error"]["field"], "query");
  EXPECT_EQ(bad["error"]["column"], 9);
  EXPECT_EQ(bad["error"]["message"], "query: col 9: expected a term after OR");
  json unknown = Call("POST", "/api/v1/queries", R"({"name":"x","query":"a","colour":"red"})", 400);
  EXPECT_EQ(unknown["error"]["field"], "colour");
  json kind = Call("POST", "/api/v1/queries", R"({"name":"x","query":"a","kind":"rival"})", 400);
  EXPECT_EQ(kind["error"]["field"], "kind");

  json created = Call("POST", "/api/v1/queries",
                      R"({"name":"delivery","kind":"topic","query":"colis OR livraison NOT emploi"})", 201);
  const int64_t id = created["id"];
  EXPECT_EQ(created["canonical"], "(colis OR (livraison AND NOT emploi))");
  EXPECT_EQ(created["origin"], "api");
  Call("POST", "/api/v1/queries", R"({"name":"delivery","query":"x"})", 409);

  json wide = Call("POST", "/api/v1/queries", R"({"name":"wide","query":"NOT emploi"})", 201);
  ASSERT_EQ(wide["warnings"].size(), 1u);
  EXPECT_EQ(wide["warnings"][0]["code"], "only-not");

  json list = Call("GET", "/api/v1/queries", "", 200);
  EXPECT_EQ(list["items"].size(), 2u);
  json one = Call("GET", "/api/v1/queries/" + std::to_string(id), "", 200);
  EXPECT_EQ(one["name"], "delivery");
  Call("GET", "/api/v1/queries/999", "", 404);
  Call("GET", "/api/v1/queries/abc", "", 400);

  json upd = Call("PUT", "/api/v1/queries/" + std::to_string(id),
                  R"({"name":"delivery","kind":"brand","query":"colis NEAR/3 perdu"})", 200);
  EXPECT_EQ(upd["kind"], "brand");
  EXPECT_EQ(upd["query"], "colis NEAR/3 perdu");

  json user = Call("POST", "/api/v1/queries", R"({"name":"combo","query":"@delivery AND lang:fr"})", 201);
  json refused = Call("DELETE", "/api/v1/queries/" + std::to_string(id), "", 409);
  EXPECT_NE(refused["error"]["message"].get<std::string>().find("combo"), std::string::npos);
  Call("DELETE", "/api/v1/queries/" + std::to_string(user["id"].get<int64_t>()), "", 200);
  Call("DELETE", "/api/v1/queries/" + std::to_string(id), "", 200);
  Call("DELETE", "/api/v1/queries/" + std::to_string(id), "", 404);
}

TEST_F(QueriesApiTest, LintEndpoint) {
  json ok = Call("POST", "/api/v1/queries/lint", R"({"query":"li* AND colis"})", 200);
  EXPECT_EQ(ok["valid"], true);
  EXPECT_EQ(ok["warnings"][0]["code"], "short-wildcard");
  EXPECT_EQ(ok["warnings"][0]["column"], 1);
  json bad = Call("POST", "/api/v1/queries/lint", R"({"query":"(colis"})", 200);
  EXPECT_EQ(bad["valid"], false);
  EXPECT_EQ(bad["error"]["column"], 7);
  EXPECT_NE(bad["error"]["message"].get<std::string>().find("'(' at col 1 is never closed"), std::string::npos)
      << bad.dump();
}

TEST_F(QueriesApiTest, MentionsByQueryTextIdAndHighlights) {
  json q = Call("POST", "/api/v1/queries", R"({"name":"lost","query":"colis NEAR/2 perdu"})", 201);
  ASSERT_TRUE(svc_->WaitIdle(std::chrono::seconds(30)));
  Store({"Mon colis est perdu !", "Colis livré, merci", "Perdu mon colis depuis lundi", "rien à voir"});

  json by_text = Call("GET", "/api/v1/mentions?query=colis%20NEAR%2F2%20perdu", "", 200);
  ASSERT_EQ(by_text["items"].size(), 2u);
  EXPECT_EQ(by_text["full_scan"], false);
  json h = by_text["items"][0]["highlights"];
  ASSERT_EQ(h.size(), 2u);
  EXPECT_EQ(h[0]["field"], "text");

  json by_id = Call("GET", "/api/v1/mentions?query_id=" + std::to_string(q["id"].get<int64_t>()), "", 200);
  EXPECT_EQ(by_id["items"].size(), 2u);

  json hl = Call("GET", "/api/v1/mentions?highlight=true&limit=10", "", 200);
  size_t with_matches = 0;
  for (const json& m : hl["items"]) {
    if (!m["matches"].empty()) {
      ++with_matches;
      EXPECT_EQ(m["matches"][0]["name"], "lost");
    }
  }
  EXPECT_EQ(with_matches, 2u);

  json err = Call("GET", "/api/v1/mentions?query=colis%20AND%20(perdu", "", 400);
  EXPECT_EQ(err["error"]["field"], "query");
  EXPECT_TRUE(err["error"].contains("column"));

  json vol = Call("GET",
                  "/api/v1/stats/volume?group_by=query&interval=day&from=2023-11-01T00:00:00Z&to=2023-11-30T00:00:00Z",
                  "", 200);
  ASSERT_EQ(vol["series"].size(), 1u);
  EXPECT_EQ(vol["series"][0]["group"], "lost");
  EXPECT_EQ(vol["series"][0]["total"], 2);
}

// Volume by label per query and PATCH .../labels through the real store:
// the per-query label rollup follows the correction, and a re-ingested
// mention keeps it.
TEST_F(QueriesApiTest, VolumeByLabelPerQueryFollowsCorrections) {
  json q = Call("POST", "/api/v1/queries", R"({"name":"lost","query":"colis"})", 201);
  const std::string qid = std::to_string(q["id"].get<int64_t>());
  ASSERT_TRUE(svc_->WaitIdle(std::chrono::seconds(30)));
  struct In {
    const char* id;
    const char* text;
    const char* sentiment;
    const char* severity;
  };
  auto write = [&](std::vector<In> in) {
    std::vector<model::Mention> ms;
    for (const In& i : in) {
      model::Mention m;
      m.channel = model::Channel::kTwitter;
      m.native_id = i.id;
      m.created_at = 1'700'000'000'000;
      m.text = i.text;
      m.language = "fr";
      text::Analyze(m);
      m.enrichment.sentiment = i.sentiment;
      m.enrichment.severity_level = i.severity;
      m.enrichment.category = "delivery";
      ms.push_back(std::move(m));
    }
    svc_->Enrich(ms);
    EXPECT_TRUE(store_->Write(ms, {}, nullptr).ok());
    return ms;
  };
  std::vector<model::Mention> ms = write({{"a", "colis perdu", "negative", "high"},
                                          {"b", "colis reçu", "positive", "none"},
                                          {"c", "rien à voir", "negative", "low"}});
  const std::string range = "&interval=day&from=2023-11-01T00:00:00Z&to=2023-11-30T00:00:00Z";
  auto totals = [&](const std::string& params) {
    json vol = Call("GET", "/api/v1/stats/volume?" + params + range, "", 200);
    std::map<std::string, int64_t> out;
    for (const auto& s : vol["series"]) out[s["group"]] = s["total"];
    return out;
  };
  using Totals = std::map<std::string, int64_t>;
  EXPECT_EQ(totals("group_by=sentiment&query_id=" + qid), (Totals{{"negative", 1}, {"positive", 1}}));
  EXPECT_EQ(totals("group_by=severity&query_id=" + qid), (Totals{{"high", 1}, {"none", 1}}));
  EXPECT_EQ(totals("group_by=category&query_id=" + qid), (Totals{{"delivery", 2}}));
  EXPECT_EQ(totals("group_by=query&sentiment=negative"), (Totals{{"lost", 1}}));
  EXPECT_EQ(totals("group_by=sentiment"), (Totals{{"negative", 2}, {"positive", 1}}));
  // Per query, every filter combines with every grouping.
  EXPECT_EQ(totals("group_by=channel&sentiment=negative&query_id=" + qid), (Totals{{"twitter", 1}}));
  ASSERT_EQ(ms[0].language, ms[1].language);
  EXPECT_EQ(totals("group_by=sentiment&lang=" + ms[0].language + "&channel=twitter&query_id=" + qid),
            (Totals{{"negative", 1}, {"positive", 1}}));
  EXPECT_EQ(totals("group_by=sentiment&lang=xx&query_id=" + qid), (Totals{}));
  EXPECT_EQ(totals("group_by=lang&needs_reply=false&query_id=" + qid), (Totals{}));

  json fixed = Call("PATCH", "/api/v1/mentions/" + std::to_string(ms[0].id) + "/labels",
                    R"({"sentiment":"neutral","severity_level":"medium"})", 200);
  EXPECT_EQ(fixed["sentiment"], "neutral");
  EXPECT_EQ(fixed["corrected"], json::array({"sentiment", "severity_level"}));
  EXPECT_EQ(totals("group_by=sentiment&query_id=" + qid), (Totals{{"neutral", 1}, {"positive", 1}}));
  EXPECT_EQ(totals("group_by=severity&query_id=" + qid), (Totals{{"medium", 1}, {"none", 1}}));
  Call("PATCH", "/api/v1/mentions/999/labels", R"({"sentiment":"neutral"})", 404);

  // Re-ingesting with the model's labels keeps the user's.
  write({{"a", "colis perdu !", "negative", "high"}});
  EXPECT_EQ(totals("group_by=sentiment&query_id=" + qid), (Totals{{"neutral", 1}, {"positive", 1}}));
  json got = Call("GET", "/api/v1/mentions/" + std::to_string(ms[0].id), "", 200);
  EXPECT_EQ(got["text"], "colis perdu !");
  EXPECT_EQ(got["sentiment"], "neutral");
  auto list = store_->LabelCorrections(0, 10);
  ASSERT_TRUE(list.ok());
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].text, "colis perdu !");
  EXPECT_EQ((*list)[0].user, "claire");
}

// GET /api/v1/stats/authors through the real store: ranking, filters,
// the window given back, and the parameters the rollup cannot honour.
TEST_F(QueriesApiTest, TopAuthors) {
  json q = Call("POST", "/api/v1/queries", R"({"name":"lost","query":"colis"})", 201);
  const std::string qid = std::to_string(q["id"].get<int64_t>());
  ASSERT_TRUE(svc_->WaitIdle(std::chrono::seconds(30)));
  int n = 0;
  auto write = [&](const std::string& handle, int64_t followers, const std::string& text, model::Channel channel,
                   const char* sentiment, model::Direction direction = model::Direction::kInbound) {
    model::Mention m;
    m.channel = channel;
    m.native_id = "w" + std::to_string(n++);
    m.created_at = 1'700'000'000'000 + n * 60'000;  // 2023-11-14T22:13Z onwards
    m.text = text;
    m.language = "fr";
    m.author.handle = handle;
    m.author.display_name = "Name " + handle;
    m.author.followers = followers;
    m.direction = direction;
    m.enrichment.sentiment = sentiment;
    text::Analyze(m);
    std::vector<model::Mention> ms = {m};
    svc_->Enrich(ms);
    ASSERT_TRUE(store_->Write(ms, {}, nullptr).ok());
  };
  for (int i = 0; i < 3; ++i) write("ana", 120, "colis perdu", model::Channel::kTwitter, "negative");
  write("ana", 120, "bonjour", model::Channel::kTwitter, "positive");
  write("bob", 90'000, "colis en retard", model::Channel::kTwitter, "neutral");
  write("chloe", 5'000, "colis", model::Channel::kForum, "negative");
  write("chloe", 5'000, "merci", model::Channel::kForum, "positive");
  write("Brand", 1'000'000, "votre colis arrive", model::Channel::kTwitter, "positive", model::Direction::kOutbound);

  const std::string range = "from=2023-11-14T23:00:00Z&to=2023-11-15T00:00:00Z";
  auto names = [](const json& j) {
    std::vector<std::string> out;
    for (const json& a : j["items"]) out.push_back(a["channel"].get<std::string>() + ":" + a["handle"].get<std::string>());
    return out;
  };
  json reach = Call("GET", "/api/v1/stats/authors?" + range, "", 200);
  EXPECT_EQ(names(reach), (std::vector<std::string>{"twitter:bob", "forum:chloe", "twitter:ana"}));
  EXPECT_EQ(reach["from"], "2023-11-14T00:00:00Z");  // whole days
  EXPECT_EQ(reach["to"], "2023-11-15T00:00:00Z");
  EXPECT_EQ(reach["by"], "reach");
  EXPECT_TRUE(reach["query_id"].is_null());
  EXPECT_EQ(reach["items"][2],
            json({{"channel", "twitter"}, {"handle", "ana"}, {"display_name", "Name ana"}, {"followers", 120},
                  {"mentions", 4}, {"negative", 3}, {"reach", 120}}));

  json most = Call("GET", "/api/v1/stats/authors?by=mentions&limit=2&" + range, "", 200);
  EXPECT_EQ(names(most), (std::vector<std::string>{"twitter:ana", "forum:chloe"}));
  json per_query = Call("GET", "/api/v1/stats/authors?by=mentions&query_id=" + qid + "&" + range, "", 200);
  EXPECT_EQ(names(per_query), (std::vector<std::string>{"twitter:ana", "twitter:bob", "forum:chloe"}));  // ties: reach
  EXPECT_EQ(per_query["items"][0]["mentions"], 3);
  EXPECT_EQ(per_query["query_id"], q["id"]);
  json forum = Call("GET", "/api/v1/stats/authors?channel=forum&" + range, "", 200);
  EXPECT_EQ(names(forum), (std::vector<std::string>{"forum:chloe"}));
  json empty = Call("GET", "/api/v1/stats/authors?from=2020-01-01&to=2020-01-02", "", 200);
  EXPECT_TRUE(empty["items"].empty());

  for (const char* bad : {"lang=fr", "sentiment=negative", "by=followers", "limit=0", "limit=101",
                          "query_id=1,2", "channel=pigeon", "from=2024-01-02&to=2024-01-01"}) {
    json err = Call("GET", std::string("/api/v1/stats/authors?") + bad, "", 400);
    std::string field(bad);
    field = field.substr(0, field.find('='));
    EXPECT_EQ(err["error"]["field"], field) << bad;
  }
  Call("GET", "/api/v1/stats/authors?colour=red", "", 400);
}

}  // namespace
}  // namespace ecoute::api
