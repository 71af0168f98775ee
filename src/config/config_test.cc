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

  auto web = Parse("server:\n  web_root: [a]\n", "ecoute.yaml");
  ASSERT_FALSE(web.ok());
  EXPECT_EQ(web.status().message(), "ecoute.yaml:2:13: server.web_root: expected a string");
  auto empty_web = Parse("server: {web_root: ''}\n", "ecoute.yaml");
  ASSERT_FALSE(empty_web.ok());
  EXPECT_NE(empty_web.status().message().find("ecoute.yaml:1:20: server.web_root: expected a directory"),
            std::string::npos)
      << empty_web.status().message();
}

TEST(Config, LoadResolvesPathsAgainstTheFile) {
  auto dir = std::filesystem::temp_directory_path() / "ecoute_config_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "ecoute.yaml") << "store: {path: db/e.db}\nserver: {web_root: ../web/dist}\nmappings: {m: maps/m.yaml}\n";
  auto c = Load((dir / "ecoute.yaml").string());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->store.path, (dir / "db/e.db").string());
  EXPECT_EQ(c->server.web_root, (dir.parent_path() / "web/dist").string());
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
  EXPECT_EQ(c->alerts.enabled, d.alerts.enabled);
  EXPECT_EQ(c->alerts.time_zone, d.alerts.time_zone);
  EXPECT_EQ(c->alerts.max_age_minutes, d.alerts.max_age_minutes);
  EXPECT_TRUE(c->alerts.notifiers.empty());
  EXPECT_TRUE(c->alerts.rules.empty());
}

// The commented `alerts:` example at the end of ecoute.example.yaml parses
// once uncommented.
TEST(Config, ExampleAlertsBlockParses) {
  std::ifstream in(std::string(ECOUTE_SOURCE_DIR) + "/ecoute.example.yaml");
  ASSERT_TRUE(in);
  std::string line, block;
  bool inside = false;
  while (std::getline(in, line)) {
    if (line == "# alerts:") inside = true;
    else if (inside && line.rfind("#   ", 0) != 0) break;
    if (inside) block += line.substr(2) + "\n";
  }
  ASSERT_FALSE(block.empty());
  auto c = Parse(block, "example");
  ASSERT_TRUE(c.ok()) << c.status().ToString() << "\n" << block;
  EXPECT_EQ(c->alerts.notifiers.size(), 2u);
  ASSERT_EQ(c->alerts.rules.size(), 4u);
  EXPECT_EQ(c->alerts.rules[1].json,
            R"({"name":"critical_messages","kind":"severity","level":"critical","min_severity":"critical",)"
            R"("notify":["support-email"]})");
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

namespace ecoute::config {
namespace {

TEST(Config, AlertsDefaults) {
  auto c = Parse("", "a.yaml");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->alerts.enabled);
  EXPECT_EQ(c->alerts.time_zone, "Europe/Paris");
  EXPECT_EQ(c->alerts.max_age_minutes, 60);
  EXPECT_TRUE(c->alerts.notifiers.empty());
  EXPECT_TRUE(c->alerts.rules.empty());
}

TEST(Config, AlertsSectionParses) {
  auto c = Parse(R"(alerts:
  enabled: false
  time_zone: America/New_York
  max_age_minutes: 120
  notifiers:
    - name: ops-hook
      type: webhook
      url: https://hooks.example.com/ecoute
      secret_env: ECOUTE_HOOK_SECRET
      format: slack
      max_attempts: 3
    - name: support.mail
      type: email
      smtp_url: smtp://mail.example.com:587
      username: ecoute
      password_env: SMTP_PASSWORD
      starttls: true
      from: ecoute@example.com
      to: [support@example.com, lead@example.com]
      timeout_ms: 10000
  rules:
    - name: brand_negative
      kind: mention
      queries: [brand_telemax]
      sentiments: [negative]
      needs_reply: true
      notify: [ops-hook]
    - {name: critical, kind: severity, min_severity: critical, notify: [support.mail]}
)",
                 "a.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  const AlertsConfig& a = c->alerts;
  EXPECT_FALSE(a.enabled);
  EXPECT_EQ(a.time_zone, "America/New_York");
  EXPECT_EQ(a.max_age_minutes, 120);
  ASSERT_EQ(a.notifiers.size(), 2u);
  const NotifierConfig& hook = a.notifiers[0];
  EXPECT_EQ(hook.name, "ops-hook");
  EXPECT_EQ(hook.type, "webhook");
  EXPECT_EQ(hook.url, "https://hooks.example.com/ecoute");
  EXPECT_EQ(hook.secret, "");
  EXPECT_EQ(hook.secret_env, "ECOUTE_HOOK_SECRET");
  EXPECT_EQ(hook.format, "slack");
  EXPECT_EQ(hook.max_attempts, 3);
  EXPECT_EQ(hook.timeout_ms, 5000);
  EXPECT_EQ(hook.line, 6);
  EXPECT_EQ(hook.column, 7);
  const NotifierConfig& mail = a.notifiers[1];
  EXPECT_EQ(mail.type, "email");
  EXPECT_EQ(mail.smtp_url, "smtp://mail.example.com:587");
  EXPECT_EQ(mail.username, "ecoute");
  EXPECT_EQ(mail.password_env, "SMTP_PASSWORD");
  EXPECT_TRUE(mail.starttls);
  EXPECT_EQ(mail.from, "ecoute@example.com");
  EXPECT_EQ(mail.to, (std::vector<std::string>{"support@example.com", "lead@example.com"}));
  EXPECT_EQ(mail.max_attempts, 6);
  EXPECT_EQ(mail.timeout_ms, 10000);
  EXPECT_EQ(mail.line, 12);
  ASSERT_EQ(a.rules.size(), 2u);
  const AlertRuleConfig& r = a.rules[0];
  EXPECT_EQ(r.name, "brand_negative");
  EXPECT_EQ(r.json,
            R"({"name":"brand_negative","kind":"mention","queries":["brand_telemax"],"sentiments":["negative"],)"
            R"("needs_reply":true,"notify":["ops-hook"]})");
  EXPECT_EQ(r.line, 22);
  EXPECT_EQ(r.column, 7);
  EXPECT_EQ(r.positions.size(), 6u);
  EXPECT_EQ(r.positions.at("name"), std::make_pair(22, 13));
  EXPECT_EQ(r.positions.at("queries"), std::make_pair(24, 16));
  EXPECT_EQ(r.positions.at("notify"), std::make_pair(27, 15));
  EXPECT_EQ(a.rules[1].json,
            R"({"name":"critical","kind":"severity","min_severity":"critical","notify":["support.mail"]})");
  EXPECT_EQ(a.rules[1].line, 28);
  EXPECT_EQ(a.rules[1].column, 7);
  EXPECT_EQ(a.rules[1].positions.at("min_severity"), std::make_pair(28, 54));
}

TEST(Config, AlertRuleScalarsAreTyped) {
  auto c = Parse(R"(alerts:
  rules:
    - name: 404
      quoted: "10"
      single: '10'
      number: 10
      negative: -2.5e3
      decimal: 0.25
      not_numbers: [007, +1, .5, 1., 0x1F, 07:00]
      flag: true
      capital: False
      yes_is_text: yes
      nothing: ~
      also_nothing: null
      empty:
      quoted_true: "true"
      text: say "hi" \ back
      block: |
        two
        lines
      quiet_hours: {start: "22:00", end: 07:00, days: [mon, sat], except_critical: true}
)",
                 "a.yaml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_EQ(c->alerts.rules.size(), 1u);
  const AlertRuleConfig& r = c->alerts.rules[0];
  EXPECT_EQ(r.name, "404");
  EXPECT_EQ(r.json,
            R"({"name":"404","quoted":"10","single":"10","number":10,"negative":-2.5e3,"decimal":0.25,)"
            R"("not_numbers":["007","+1",".5","1.","0x1F","07:00"],"flag":true,"capital":false,)"
            R"("yes_is_text":"yes","nothing":null,"also_nothing":null,"empty":null,"quoted_true":"true",)"
            R"("text":"say \"hi\" \\ back","block":"two\nlines\n",)"
            R"("quiet_hours":{"start":"22:00","end":"07:00","days":["mon","sat"],"except_critical":true}})");
  EXPECT_EQ(r.positions.at("quiet_hours"), std::make_pair(21, 20));
  EXPECT_GT(r.positions.at("empty").first, 0);
}

TEST(Config, AlertErrorsNameThePlace) {
  auto bad = [](const std::string& yaml) {
    auto c = Parse(yaml, "a.yaml");
    return c.ok() ? std::string("ok") : c.status().message();
  };
  const std::string hook = "alerts:\n  notifiers:\n    - name: hook\n      type: webhook\n";
  const std::string mail =
      "alerts:\n  notifiers:\n    - name: mail\n      type: email\n      smtp_url: smtps://mail.example.com:465\n"
      "      from: ecoute@example.com\n";
  EXPECT_EQ(bad("alerts:\n  quiet: true\n"),
            "a.yaml:2:3: alerts.quiet: unknown key (expected one of: enabled, max_age_minutes, notifiers, rules, "
            "time_zone)");
  EXPECT_EQ(bad("alerts:\n  notifiers:\n    - {name: hook, type: sms}\n"),
            "a.yaml:3:26: alerts.notifiers[0].type: \"sms\" is not one of: email, webhook");
  EXPECT_EQ(bad(hook), "a.yaml:3:7: alerts.notifiers[0]: missing key: url (webhook notifiers)");
  EXPECT_EQ(bad(hook + "      url: ftp://example.com/x\n"),
            "a.yaml:5:12: alerts.notifiers[0].url: \"ftp://example.com/x\" is not an http:// or https:// URL");
  EXPECT_EQ(bad(hook + "      url: https://example.com/x\n      secret: s3cret\n      secret_env: HOOK_SECRET\n"),
            "a.yaml:7:19: alerts.notifiers[0].secret_env: give secret or secret_env, not both");
  EXPECT_EQ(bad(hook + "      url: https://example.com/x\n      to: [a@b.c]\n"),
            "a.yaml:6:7: alerts.notifiers[0].to: is not a key of webhook notifiers");
  EXPECT_EQ(bad(mail), "a.yaml:3:7: alerts.notifiers[0]: missing key: to (email notifiers)");
  EXPECT_EQ(bad(mail + "      to: []\n"),
            "a.yaml:7:11: alerts.notifiers[0].to: expected a list of one or more e-mail addresses");
  EXPECT_EQ(bad(mail + "      to: [ops@example.com, support]\n"),
            "a.yaml:7:29: alerts.notifiers[0].to[1]: expected an e-mail address (name@domain)");
  EXPECT_EQ(bad(mail + "      to: [ops@example.com]\n      starttls: true\n"),
            "a.yaml:8:17: alerts.notifiers[0].starttls: is for smtp:// (smtps:// is TLS from the start)");
  EXPECT_EQ(bad("alerts:\n  notifiers:\n    - {name: a, type: webhook, url: 'http://x:99999/'}\n"),
            "a.yaml:3:37: alerts.notifiers[0].url: \"http://x:99999/\" is not an http:// or https:// URL");
  EXPECT_EQ(bad("alerts:\n  notifiers:\n    - {name: a, type: webhook, url: 'http://x', max_attempts: 0}\n"),
            "a.yaml:3:63: alerts.notifiers[0].max_attempts: must be between 1 and 100, got 0");
  EXPECT_EQ(bad("alerts:\n  notifiers:\n    - {name: a, type: webhook, url: 'http://x'}\n"
                "    - {name: a, type: webhook, url: 'http://y'}\n"),
            "a.yaml:4:14: alerts.notifiers[1].name: \"a\" is defined twice");
  EXPECT_EQ(bad("alerts:\n  notifiers:\n    - {name: 'a b', type: webhook, url: 'http://x'}\n"),
            "a.yaml:3:14: alerts.notifiers[0].name: \"a b\" must be 1 to 64 of A-Z, a-z, 0-9, _, ., -");
  EXPECT_EQ(bad("alerts:\n  rules:\n    - {name: r, kind: mention}\n    - {name: r, kind: severity}\n"),
            "a.yaml:4:14: alerts.rules[1].name: \"r\" is defined twice");
  EXPECT_EQ(bad("alerts:\n  rules:\n    - mention\n"),
            "a.yaml:3:7: alerts.rules[0]: expected a mapping (name, kind, ...: docs/configuration.md)");
  EXPECT_EQ(bad("alerts:\n  rules:\n    - {kind: mention}\n"), "a.yaml:3:7: alerts.rules[0]: missing key: name");
  EXPECT_EQ(bad("alerts:\n  rules:\n    - {name: r, kind: mention, kind: severity}\n"),
            "a.yaml:3:32: alerts.rules[0].kind: is given twice");
  EXPECT_EQ(bad("alerts:\n  time_zone: Europe/Pariss\n"),
            "a.yaml:2:14: alerts.time_zone: unknown time zone \"Europe/Pariss\" (expected an IANA name such as "
            "Europe/Paris)");
  EXPECT_EQ(bad("alerts:\n  max_age_minutes: 0\n"),
            "a.yaml:2:20: alerts.max_age_minutes: must be between 1 and 10080, got 0");
  EXPECT_EQ(bad("alerts:\n  max_age_minutes: 10081\n"),
            "a.yaml:2:20: alerts.max_age_minutes: must be between 1 and 10080, got 10081");
  EXPECT_EQ(bad("alerts:\n  enabled: sometimes\n"), "a.yaml:2:12: alerts.enabled: expected true or false");
  for (const char* url : {"http://hooks.example.com", "https://user:pw@example.com:8443/x?y=1", "http://[::1]:9000/h",
                          "http://localhost"}) {
    EXPECT_EQ(bad(std::string("alerts:\n  notifiers:\n    - {name: a, type: webhook, url: '") + url + "'}\n"), "ok")
        << url;
  }
  for (const char* url : {"http://", "https://:80/x", "http://[::1", "http://x:0", "http://x:port", "hooks.example.com",
                          "HTTP://x"}) {
    EXPECT_NE(bad(std::string("alerts:\n  notifiers:\n    - {name: a, type: webhook, url: '") + url + "'}\n")
                  .find("is not an http:// or https:// URL"),
              std::string::npos)
        << url;
  }
}

}  // namespace
}  // namespace ecoute::config
