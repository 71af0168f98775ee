#include "config/config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

namespace ecoute::config {
namespace {

TEST(Config, EmptyMeansDefaults) {
  auto c = Parse("", "ecoute.yaml");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->store.path, "data/ecoute.db");
  EXPECT_EQ(c->server.port, 8080);
  EXPECT_EQ(c->pipeline.workers, 0);  // auto
}

TEST(Config, ReadsEverySection) {
  auto c = Parse(R"(
store: {path: /tmp/x.db, synchronous: normal, read_connections: 2}
server: {listen: "0.0.0.0:9090", threads: 4}
pipeline: {workers: 3, commit_records: 1000}
demo: {seed: 7, backlog_days: 3, live_per_minute: 60}
mappings: {airline: examples/mappings/airline-tweets.yaml}
log: {level: debug}
)",
                 "ecoute.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->store.synchronous, "normal");
  EXPECT_EQ(c->server.host, "0.0.0.0");
  EXPECT_EQ(c->server.port, 9090);
  EXPECT_EQ(c->pipeline.workers, 3);
  EXPECT_EQ(c->demo.seed, 7u);
  EXPECT_EQ(c->mappings.at("airline"), "examples/mappings/airline-tweets.yaml");
  EXPECT_EQ(c->log_level, "debug");
}

TEST(Config, ReadsQueriesWithTheirPlace) {
  auto c = Parse(R"(queries:
  - name: telemax
    kind: brand
    query: 'telemax OR "tele max"'
  - name: delivery
    query: colis OR livraison
    description: Lost parcels
    enabled: false
)",
                 "ecoute.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->queries.size(), 2u);
  EXPECT_EQ(c->queries[0].name, "telemax");
  EXPECT_EQ(c->queries[0].kind, "brand");
  EXPECT_EQ(c->queries[0].query, "telemax OR \"tele max\"");
  EXPECT_EQ(c->queries[0].line, 4);
  EXPECT_EQ(c->queries[0].column, 12);
  EXPECT_TRUE(c->queries[0].enabled);
  EXPECT_EQ(c->queries[1].kind, "topic");
  EXPECT_EQ(c->queries[1].description, "Lost parcels");
  EXPECT_FALSE(c->queries[1].enabled);
}

TEST(Config, QueryErrorsNameThePlace) {
  auto msg = [](const char* yaml) {
    auto c = Parse(yaml, "e.yaml");
    return c.ok() ? std::string("ok") : c.status().message();
  };
  EXPECT_EQ(msg("queries: {a: b}\n"), "e.yaml:1:10: queries: expected a list of {name, kind, query} entries");
  EXPECT_EQ(msg("queries:\n  - name: a\n"), "e.yaml:2:5: queries[0]: missing key: query");
  EXPECT_EQ(msg("queries:\n  - query: a\n"), "e.yaml:2:5: queries[0]: missing key: name");
  EXPECT_EQ(msg("queries:\n  - {name: a, query: b, kind: rival}\n"),
            "e.yaml:2:31: queries[0].kind: \"rival\" is not one of: brand, competitor, topic");
  EXPECT_EQ(msg("queries:\n  - {name: a, query: b, colour: red}\n"),
            "e.yaml:2:25: queries[0].colour: unknown key (expected one of: description, enabled, kind, name, query)");
  EXPECT_EQ(msg("queries:\n  - {name: a, query: b, enabled: maybe}\n"),
            "e.yaml:2:34: queries[0].enabled: expected true or false");
  EXPECT_EQ(msg("queries:\n  - {name: a, query: b}\n  - {name: a, query: c}\n"),
            "e.yaml:3:12: queries[1].name: \"a\" is defined twice");
}

TEST(Config, ErrorsNameLineColumnAndKey) {
  auto unknown = Parse("store:\n  path: a.db\n  sotre_mode: x\n", "ecoute.yaml");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.status().message().rfind("ecoute.yaml:3:3: store.sotre_mode: unknown key", 0), 0u)
      << unknown.status().message();

  auto type = Parse("pipeline:\n  workers: many\n", "ecoute.yaml");
  ASSERT_FALSE(type.ok());
  EXPECT_NE(type.status().message().find("ecoute.yaml:2:12: pipeline.workers: expected a number"), std::string::npos)
      << type.status().message();

  auto range = Parse("pipeline:\n  workers: 65\n", "ecoute.yaml");
  ASSERT_FALSE(range.ok());
  EXPECT_NE(range.status().message().find("must be between 0 and 64"), std::string::npos);

  auto choice = Parse("store: {synchronous: sometimes}\n", "ecoute.yaml");
  ASSERT_FALSE(choice.ok());
  EXPECT_NE(choice.status().message().find("\"sometimes\" is not one of: full, normal"), std::string::npos);

  auto syntax = Parse("store: [unclosed\n", "ecoute.yaml");
  ASSERT_FALSE(syntax.ok());
  EXPECT_EQ(syntax.status().message().rfind("ecoute.yaml:", 0), 0u);

  auto listen = Parse("server: {listen: 'localhost:99999'}\n", "ecoute.yaml");
  ASSERT_FALSE(listen.ok());
  EXPECT_NE(listen.status().message().find("server.listen"), std::string::npos);
}

TEST(Config, LoadResolvesPathsAgainstTheFile) {
  auto dir = std::filesystem::temp_directory_path() / "ecoute_config_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ecoute.yaml") << "store: {path: db/e.db}\nmappings: {m: maps/m.yaml}\n";
  auto c = Load((dir / "ecoute.yaml").string());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->store.path, (dir / "db/e.db").string());
  EXPECT_EQ(c->mappings.at("m"), (dir / "maps/m.yaml").string());
  EXPECT_EQ(Load((dir / "missing.yaml").string()).status().code(), base::StatusCode::kNotFound);
}

TEST(Config, ParseListenShapes) {
  ServerConfig s;
  ASSERT_TRUE(ParseListen("9000", s).ok());
  EXPECT_EQ(s.port, 9000);
  ASSERT_TRUE(ParseListen("[::1]:8081", s).ok());
  EXPECT_EQ(s.host, "::1");
  ASSERT_TRUE(ParseListen(":0", s).ok());
  EXPECT_EQ(s.port, 0);
  EXPECT_FALSE(ParseListen("host:http", s).ok());
}

}  // namespace
}  // namespace ecoute::config

namespace ecoute::config {
namespace {

// The shipped example lists every key with its default: it must load and
// agree with the built-in defaults, so the documentation cannot drift.
TEST(Config, ExampleFileMatchesTheDefaults) {
  auto c = Load(std::string(ECOUTE_SOURCE_DIR) + "/ecoute.example.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  Config d;
  EXPECT_EQ(c->store.path, std::string(ECOUTE_SOURCE_DIR) + "/" + d.store.path);
  EXPECT_EQ(c->store.synchronous, d.store.synchronous);
  EXPECT_EQ(c->store.read_connections, d.store.read_connections);
  EXPECT_EQ(c->store.cache_mb, d.store.cache_mb);
  EXPECT_EQ(c->server.host, d.server.host);
  EXPECT_EQ(c->server.port, d.server.port);
  EXPECT_EQ(c->server.threads, d.server.threads);
  EXPECT_EQ(c->server.max_body_mb, d.server.max_body_mb);
  EXPECT_EQ(c->pipeline.workers, d.pipeline.workers);
  EXPECT_EQ(c->pipeline.queue_batches, d.pipeline.queue_batches);
  EXPECT_EQ(c->pipeline.commit_records, d.pipeline.commit_records);
  EXPECT_EQ(c->pipeline.commit_interval_ms, d.pipeline.commit_interval_ms);
  EXPECT_EQ(c->pipeline.batch_records, d.pipeline.batch_records);
  EXPECT_EQ(c->demo.seed, d.demo.seed);
  EXPECT_EQ(c->demo.backlog_days, d.demo.backlog_days);
  EXPECT_EQ(c->demo.messages_per_day, d.demo.messages_per_day);
  EXPECT_EQ(c->demo.live_per_minute, d.demo.live_per_minute);
  EXPECT_EQ(c->log_level, d.log_level);
  EXPECT_EQ(c->mappings.size(), 2u);
  EXPECT_EQ(c->understanding.enabled, d.understanding.enabled);
  EXPECT_EQ(c->understanding.models, std::string(ECOUTE_SOURCE_DIR) + "/" + d.understanding.models);
  EXPECT_EQ(c->understanding.unknown_below, d.understanding.unknown_below);
  EXPECT_EQ(c->understanding.needs_reply_threshold, d.understanding.needs_reply_threshold);
  EXPECT_EQ(c->understanding.high_reach_followers, d.understanding.high_reach_followers);
  EXPECT_TRUE(c->understanding.categories.empty());
  EXPECT_TRUE(c->understanding.rules.empty());
}

TEST(Config, UnderstandingCategoriesAndRules) {
  auto c = Parse(R"(understanding:
  categories:
    - name: loyalty
      label_fr: Fidélité
      cues: '"loyalty points"'
      examples: ["Where are my points?"]
  rules:
    - category: loyalty
      lang: en
      query: points
    - reason: fraud
      query: arnaque
)",
                 "u.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->understanding.categories.size(), 1u);
  EXPECT_EQ(c->understanding.categories[0].label_en, "loyalty");
  EXPECT_EQ(c->understanding.categories[0].label_fr, "Fidélité");
  EXPECT_EQ(c->understanding.categories[0].examples.size(), 1u);
  EXPECT_EQ(c->understanding.categories[0].line, 5);
  ASSERT_EQ(c->understanding.rules.size(), 2u);
  EXPECT_EQ(c->understanding.rules[1].lang, "*");
  EXPECT_EQ(c->understanding.rules[1].line, 12);
}

TEST(Config, UnderstandingErrorsNameThePlace) {
  auto bad = [](const char* yaml) { return Parse(yaml, "u.yaml").status().message(); };
  EXPECT_EQ(bad("understanding:\n  categories:\n    - name: delivery\n"),
            "u.yaml:3:13: understanding.categories[0].name: \"delivery\" is a default category already");
  EXPECT_EQ(bad("understanding:\n  rules:\n    - reason: fraud\n      category: product\n      query: x\n"),
            "u.yaml:3:7: understanding.rules[0]: needs exactly one of: reason, category");
  EXPECT_EQ(bad("understanding:\n  rules:\n    - category: loyalty\n      query: x\n"),
            "u.yaml:3:17: understanding.rules[0].category: \"loyalty\" is not a category");
  EXPECT_EQ(bad("understanding:\n  unknown_below: 2\n"),
            "u.yaml:2:18: understanding.unknown_below: must be between 0 and 1, got 2");
}

}  // namespace
}  // namespace ecoute::config
