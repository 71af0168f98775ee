// POST /api/v1/alert-rules/preview and GET /api/v1/alerts/counts over
// HTTP, against the real SQLite store (a temporary file) and a started
// AlertService on a FakeClock: the preview checks a rule as a create would
// (errors name the field, answered 200), refuses only malformed requests,
// backtests on stored history without saving, notifying or touching the
// live engine; the counts come from the alert store.
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>
#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "alert/rules.h"
#include "alert/service.h"
#include "api/api_testing.h"
#include "api/server.h"
#include "base/clock.h"
#include "base/time.h"
#include "ingest/input.h"
#include "store/sqlite_store.h"

namespace ecoute::api {
namespace {

using nlohmann::json;

constexpr base::Timestamp kStart = 1'750'000'000'000;  // 2025-06-15T15:06:40Z
constexpr int64_t kHour = 3'600'000;
constexpr const char* kPreview = "/api/v1/alert-rules/preview";

class AlertPreviewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string templ = (std::filesystem::temp_directory_path() / "ecoute-alert-preview-XXXXXX").string();
    ASSERT_NE(mkdtemp(templ.data()), nullptr);
    dir_ = templ;
    store::SqliteOptions so;
    so.path = dir_ + "/ecoute.db";
    so.synchronous = "normal";
    so.clock = &clock_;
    auto st = store::OpenSqliteStore(so);
    ASSERT_TRUE(st.ok()) << st.status().ToString();
    store_ = std::move(*st);
    for (const char* name : {"brand", "rival"}) {
      store::QueryDef q;
      q.name = name;
      q.text = name;
      auto saved = store_->SaveQuery(q);
      ASSERT_TRUE(saved.ok()) << saved.status().ToString();
      queries_[saved->id] = name;
      ids_[name] = saved->id;
    }
    // Every brand mention is its own alert (no grouping).
    auto rule = alert::RuleFromJson(
        {{"name", "brand-mentions"}, {"kind", "mention"}, {"queries", {"brand"}}, {"group_minutes", 0}});
    ASSERT_TRUE(rule.ok()) << rule.status().ToString();
    alert::ServiceOptions o;
    o.rules = {*rule};
    o.tick_ms = 50;
    std::map<int64_t, std::string> names = queries_;
    auto svc = alert::AlertService::Create(o, *store_, [names] { return names; }, clock_);
    ASSERT_TRUE(svc.ok()) << svc.status().ToString();
    service_ = std::move(*svc);
    ASSERT_TRUE(service_->Start().ok());
    server_ = std::make_unique<Server>(testing::LocalServerOptions(4), *store_, testing::ReadOnlyIngest(),
                                       ingest::MakeJsonDecoder(), &auth_.authenticator(), metrics_, clock_, nullptr,
                                       service_.get());
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(30);
    auth_.SignIn(*client_);
  }

  void TearDown() override {
    if (server_) server_->Stop();
    if (service_) service_->Stop();
    server_.reset();
    service_.reset();
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  model::Mention Msg(const std::string& query, base::Timestamp at, const std::string& sentiment) {
    model::Mention m;
    m.channel = model::Channel::kTwitter;
    m.native_id = "t" + std::to_string(next_++);
    m.created_at = at;
    m.author.handle = "user" + std::to_string(next_);
    m.text = "Message " + std::to_string(next_) + " about " + query;
    m.language = "fr";
    m.direction = model::Direction::kInbound;
    m.enrichment.matched_queries = {ids_.at(query)};
    m.enrichment.sentiment = sentiment;
    return m;
  }

  // Stores `ms` without the live engine seeing them (history).
  void StoreHistory(std::vector<model::Mention>& ms) {
    auto w = store_->Write(ms, {}, nullptr);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
  }

  json Call(const std::string& method, const std::string& path, const std::string& body, int want,
            httplib::Client* as = nullptr) {
    httplib::Client& c = as ? *as : *client_;
    httplib::Result r = method == "POST" ? c.Post(path.c_str(), body, "application/json") : c.Get(path.c_str());
    EXPECT_TRUE(r) << method << " " << path;
    if (!r) return json();
    EXPECT_EQ(r->status, want) << method << " " << path << ": " << body << " -> " << r->body;
    return json::parse(r->body, nullptr, false);
  }

  json Preview(const json& body, int want = 200) { return Call("POST", kPreview, body.dump(), want); }

  std::string dir_;
  base::FakeClock clock_{kStart};
  testing::TestAuth auth_{&clock_};
  base::MetricsRegistry metrics_;
  std::unique_ptr<store::Store> store_;
  std::map<int64_t, std::string> queries_;
  std::map<std::string, int64_t> ids_;
  std::unique_ptr<alert::AlertService> service_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
  int next_ = 1;
};

TEST_F(AlertPreviewTest, AnInvalidRuleIsAnsweredWithTheFieldAtFault) {
  auto error_of = [&](const json& rule) {
    json r = Preview({{"rule", rule}});
    EXPECT_EQ(r["valid"], false) << r.dump();
    EXPECT_EQ(r["error"]["code"], "invalid_argument") << r.dump();
    EXPECT_FALSE(r.contains("alerts"));
    return r["error"]["field"].is_string() ? r["error"]["field"].get<std::string>() : std::string("?");
  };
  EXPECT_EQ(error_of({{"name", "x"}, {"kind", "mention"}, {"group_minutes", -1}}), "group_minutes");
  EXPECT_EQ(error_of({{"name", "x"}, {"kind", "blast"}}), "kind");
  EXPECT_EQ(error_of({{"kind", "mention"}}), "name");
  EXPECT_EQ(error_of({{"name", "x"}, {"kind", "mention"}, {"colour", 1}}), "colour");
  EXPECT_EQ(error_of({{"name", "x"}, {"kind", "volume_spike"}, {"min_volume", 0}}), "min_volume");
  EXPECT_EQ(error_of({{"name", "x"}, {"kind", "mention"}, {"quiet_hours", {{"start", "25:00"}, {"end", "07:00"}}}}),
            "quiet_hours.start");
  // The references are checked against the live queries and notifiers.
  json unknown = Preview({{"rule", {{"name", "x"}, {"kind", "mention"}, {"queries", {"brand", "nope"}}}}});
  EXPECT_EQ(unknown["error"]["field"], "queries[1]");
  EXPECT_NE(unknown["error"]["message"].get<std::string>().find("nope"), std::string::npos);
  EXPECT_EQ(error_of({{"name", "x"}, {"kind", "mention"}, {"notify", {"pager"}}}), "notify[0]");
  // A name already taken is fine here (the rule being edited has it).
  EXPECT_EQ(Preview({{"rule", {{"name", "brand-mentions"}, {"kind", "mention"}}}})["valid"], true);
  json ok = Preview({{"rule", {{"name", "x"}, {"kind", "severity"}}}});
  EXPECT_EQ(ok["valid"], true);
  EXPECT_EQ(ok["rule"]["min_severity"], "high");  // normalised: the kind's defaults filled in
  EXPECT_EQ(ok["rule"]["level"], "critical");
}

TEST_F(AlertPreviewTest, OnlyAMalformedRequestIs400) {
  const json rule = {{"name", "x"}, {"kind", "mention"}};
  EXPECT_EQ(Call("POST", kPreview, "{not json", 400)["error"]["field"], "body");
  EXPECT_EQ(Call("POST", kPreview, "[1]", 400)["error"]["field"], "body");
  EXPECT_EQ(Preview(json::object(), 400)["error"]["field"], "rule");
  EXPECT_EQ(Preview({{"rule", json::array()}}, 400)["error"]["field"], "rule");
  EXPECT_EQ(Preview({{"rule", rule}, {"colour", 1}}, 400)["error"]["field"], "colour");
  EXPECT_EQ(Preview({{"rule", rule}, {"from", "yesterday"}}, 400)["error"]["field"], "from");
  EXPECT_EQ(Preview({{"rule", rule}, {"to", 5}}, 400)["error"]["field"], "to");
  EXPECT_EQ(Preview({{"rule", rule}, {"from", "2025-06-10"}, {"to", "2025-06-09"}}, 400)["error"]["field"], "from");
  EXPECT_EQ(Preview({{"rule", rule}, {"from", "2025-01-01"}, {"to", "2025-06-01"}}, 400)["error"]["field"], "to");
  EXPECT_EQ(Preview({{"rule", rule}, {"limit", 0}}, 400)["error"]["field"], "limit");
  EXPECT_EQ(Preview({{"rule", rule}, {"limit", "5"}}, 400)["error"]["field"], "limit");
  EXPECT_EQ(Call("POST", std::string(kPreview) + "?x=1", rule.dump(), 400)["error"]["field"], "x");
  httplib::Result text = client_->Post(kPreview, json({{"rule", rule}}).dump(), "text/plain");
  ASSERT_TRUE(text);
  EXPECT_EQ(text->status, 415);
}

TEST_F(AlertPreviewTest, BacktestsOnStoredHistoryAndPersistsNothing) {
  // Two days of history: brand and rival, negative one time in three.
  std::vector<model::Mention> ms;
  for (int i = 0; i < 48; ++i) {
    const base::Timestamp at = kStart - 2 * 24 * kHour + i * kHour + 60'000;
    ms.push_back(Msg(i % 2 == 0 ? "brand" : "rival", at, i % 3 == 0 ? "negative" : "positive"));
  }
  ASSERT_NO_FATAL_FAILURE(StoreHistory(ms));
  std::vector<int64_t> negative_brand;
  int brand = 0;
  for (const model::Mention& m : ms) {
    if (m.enrichment.matched_queries[0] != ids_["brand"]) continue;
    ++brand;
    if (*m.enrichment.sentiment == "negative") negative_brand.push_back(m.id);
  }
  ASSERT_EQ(negative_brand.size(), 8u);
  auto max_before = store_->MaxAlertId();
  ASSERT_TRUE(max_before.ok());

  const json rule = {{"name", "brand-negative"}, {"kind", "mention"}, {"queries", {"brand"}},
                     {"sentiments", {"negative"}}, {"group_minutes", 0}, {"enabled", false}};
  json r = Preview({{"rule", rule}});  // the last 7 days by default
  ASSERT_EQ(r["valid"], true) << r.dump();
  EXPECT_EQ(r["backtested"], true);
  EXPECT_EQ(r["rule"]["enabled"], false);  // as given; backtested as if enabled
  EXPECT_EQ(r["to"], base::FormatTimestamp(kStart));
  EXPECT_EQ(r["from"], base::FormatTimestamp(kStart - 7 * 24 * kHour));
  EXPECT_EQ(r["covered_from"], r["from"]);
  EXPECT_EQ(r["warmup_from"], r["from"]);  // a mention rule needs none
  EXPECT_EQ(r["scanned"], brand);          // only the brand's messages are read
  EXPECT_EQ(r["truncated"], false);
  EXPECT_EQ(r["counts"]["opened"], 8);
  EXPECT_EQ(r["counts"]["notified"], 8);
  EXPECT_EQ(r["counts"]["suppressed"], 0);
  ASSERT_EQ(r["alerts"].size(), 8u);
  for (size_t i = 0; i < 8; ++i) {
    const json& a = r["alerts"][i];
    EXPECT_EQ(a["rule"], "brand-negative");
    EXPECT_EQ(a["sample_ids"], json({negative_brand[i]}));
    ASSERT_EQ(a["samples"].size(), 1u);
    EXPECT_EQ(a["samples"][0]["id"], negative_brand[i]);
    EXPECT_NE(a["samples"][0]["text"].get<std::string>().find("brand"), std::string::npos);
    EXPECT_NE(a["title"].get<std::string>().find("negative"), std::string::npos);
  }
  EXPECT_LT(r["alerts"][0]["opened_at"].get<std::string>(), r["alerts"][7]["opened_at"].get<std::string>());
  // The hourly series: what the filter matched and what opened, over the range.
  const json& series = r["series"];
  EXPECT_EQ(series["step_minutes"], 60);
  ASSERT_EQ(series["matched"].size(), 7u * 24 + 1);  // from 15:00 seven days ago to now (15:06)
  int matched = 0, opened = 0;
  for (const json& n : series["matched"]) matched += n.get<int>();
  for (const json& n : series["opened"]) opened += n.get<int>();
  EXPECT_EQ(matched, 8);
  EXPECT_EQ(opened, 8);

  // A narrower range, fewer alerts listed (the counts still cover all).
  json narrow = Preview({{"rule", rule},
                         {"from", base::FormatTimestamp(kStart - 24 * kHour)},
                         {"to", base::FormatTimestamp(kStart)},
                         {"limit", 2}});
  EXPECT_EQ(narrow["counts"]["opened"], 4);
  EXPECT_EQ(narrow["alerts"].size(), 2u);
  EXPECT_EQ(narrow["series"]["matched"].size(), 25u);

  // Nothing was saved, notified or seen by the live engine.
  auto max_after = store_->MaxAlertId();
  ASSERT_TRUE(max_after.ok());
  EXPECT_EQ(*max_after, *max_before);
  EXPECT_EQ(Call("GET", "/api/v1/alerts", "", 200)["alerts"].size(), 0u);
  Call("GET", "/api/v1/alert-rules/brand-negative", "", 404);
  EXPECT_EQ(Call("GET", "/api/v1/alert-rules", "", 200)["rules"].size(), 1u);
  EXPECT_EQ(service_->Stats().engine.opened, 0u);
  EXPECT_EQ(service_->Stats().engine.messages, 0u);

  // A viewer (read) may preview.
  httplib::Client viewer("127.0.0.1", server_->port());
  viewer.set_default_headers(testing::TestAuth::Bearer(auth_.AddUserWithToken("vera", auth::Role::kViewer)));
  EXPECT_EQ(Call("POST", kPreview, json({{"rule", rule}}).dump(), 200, &viewer)["counts"]["opened"], 8);
}

TEST_F(AlertPreviewTest, SpikeRuleWarmsUpAndSlaRulesAreNotBacktested) {
  // A flat week and a half of rival history (one message every 5 minutes),
  // then a burst 6 hours ago.
  std::vector<model::Mention> ms;
  for (base::Timestamp t = kStart - 10 * 24 * kHour; t < kStart; t += 5 * 60'000) ms.push_back(Msg("rival", t, "neutral"));
  const base::Timestamp burst = kStart - 6 * kHour;
  for (int i = 0; i < 50; ++i) ms.push_back(Msg("rival", burst + i * 3'000, "negative"));
  ASSERT_NO_FATAL_FAILURE(StoreHistory(ms));
  json r = Preview({{"rule", {{"name", "rival-surge"}, {"kind", "volume_spike"}, {"queries", {"rival"}}}},
                    {"from", base::FormatTimestamp(kStart - 24 * kHour)}});
  ASSERT_EQ(r["valid"], true) << r.dump();
  EXPECT_EQ(r["warmup_from"], base::FormatTimestamp(kStart - 15 * 24 * kHour));  // 14 days before `from`
  EXPECT_EQ(r["learned"], 9 * 24 * 12);
  EXPECT_EQ(r["scanned"], 10 * 24 * 12 + 50);
  ASSERT_EQ(r["counts"]["opened"], 1) << r.dump();
  EXPECT_EQ(r["alerts"][0]["kind"], "volume_spike");
  EXPECT_FALSE(r["alerts"][0]["samples"].empty());

  json sla = Preview({{"rule", {{"name", "breaches"}, {"kind", "sla"}}}});
  EXPECT_EQ(sla["valid"], true);
  EXPECT_EQ(sla["backtested"], false);
  EXPECT_EQ(sla["scanned"], 0);
  EXPECT_EQ(sla["alerts"], json::array());
}

// The property names of components/schemas/`name` of docs/api/openapi.yaml.
std::set<std::string> SchemaProperties(const std::string& name) {
  YAML::Node doc = YAML::LoadFile(ECOUTE_SOURCE_DIR "/docs/api/openapi.yaml");
  std::set<std::string> out;
  for (const auto& kv : doc["components"]["schemas"][name]["properties"]) out.insert(kv.first.as<std::string>());
  return out;
}

std::set<std::string> Keys(const json& j) {
  std::set<std::string> out;
  for (const auto& [key, value] : j.items()) out.insert(key);
  return out;
}

TEST_F(AlertPreviewTest, AnswersAreTheDocumentedSchemas) {
  std::vector<model::Mention> ms = {Msg("brand", kStart - kHour, "negative")};
  ASSERT_NO_FATAL_FAILURE(StoreHistory(ms));
  json valid = Preview({{"rule", {{"name", "x"}, {"kind", "mention"}}}});
  ASSERT_EQ(valid["alerts"].size(), 1u);
  std::set<std::string> valid_keys = Keys(valid);
  valid_keys.insert("error");  // only when invalid
  EXPECT_EQ(valid_keys, SchemaProperties("AlertRulePreview"));
  EXPECT_EQ(Keys(valid["alerts"][0]["samples"][0]), SchemaProperties("PreviewSample"));
  json invalid = Preview({{"rule", {{"name", "x"}, {"kind", "spam"}}}});
  EXPECT_EQ(Keys(invalid), (std::set<std::string>{"valid", "error"}));
  std::set<std::string> counts = Keys(Call("GET", "/api/v1/alerts/counts?by_rule=true", "", 200));
  EXPECT_EQ(counts, SchemaProperties("AlertCounts"));
}

TEST_F(AlertPreviewTest, CountsComeFromTheAlertStore) {
  EXPECT_EQ(Call("GET", "/api/v1/alerts/counts", "", 200), json({{"open", 0}, {"acknowledged", 0}, {"resolved", 0}}));
  // Three brand mentions through the live service: three open alerts.
  std::vector<model::Mention> ms;
  for (int i = 0; i < 3; ++i) ms.push_back(Msg("brand", kStart - 1000, "negative"));
  ASSERT_NO_FATAL_FAILURE(StoreHistory(ms));
  service_->OnCommit(ms);
  json list = Call("GET", "/api/v1/alerts", "", 200);
  ASSERT_EQ(list["alerts"].size(), 3u);
  Call("POST", "/api/v1/alerts/" + list["alerts"][0]["id"].dump() + "/ack", "", 200);
  Call("POST", "/api/v1/alerts/" + list["alerts"][1]["id"].dump() + "/resolve", "", 200);
  const json want = {{"open", 1}, {"acknowledged", 1}, {"resolved", 1}};
  EXPECT_EQ(Call("GET", "/api/v1/alerts/counts", "", 200), want);
  EXPECT_EQ(Call("GET", "/api/v1/alerts/counts?rule=brand-mentions", "", 200), want);
  EXPECT_EQ(Call("GET", "/api/v1/alerts/counts?rule=other", "", 200),
            json({{"open", 0}, {"acknowledged", 0}, {"resolved", 0}}));
  json by_rule = Call("GET", "/api/v1/alerts/counts?by_rule=true", "", 200);
  EXPECT_EQ(by_rule["open"], 1);
  EXPECT_EQ(by_rule["by_rule"], json({{"brand-mentions", want}}));
  EXPECT_EQ(Call("GET", "/api/v1/alerts/counts?by_rule=maybe", "", 400)["error"]["field"], "by_rule");
  EXPECT_EQ(Call("GET", "/api/v1/alerts/counts?status=open", "", 400)["error"]["field"], "status");
}

}  // namespace
}  // namespace ecoute::api
