// Keeps docs/api/openapi.yaml true: the routes, their query parameters,
// their permissions (x-ecoute-permission) and security, and the Mention,
// alert and account schemas must match what the server and the JSON
// functions (MentionToJson, AlertToJson, RuleToJson, UserJson, ...) write.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <functional>
#include <set>
#include <string>

#include "alert/rules.h"
#include "alert/service.h"
#include "api/alert_json.h"
#include "api/auth_api.h"
#include "api/mention_stream.h"
#include "api/server.h"
#include "model/mention_json.h"

namespace ecoute::api {
namespace {

const char* const kOpenApiPath = ECOUTE_SOURCE_DIR "/docs/api/openapi.yaml";
const char* const kMethods[] = {"get", "post", "put", "patch", "delete", "options", "head"};

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    try {
      doc_ = YAML::LoadFile(kOpenApiPath);
    } catch (const YAML::Exception& e) {
      FAIL() << kOpenApiPath << ": " << e.what();
    }
    ASSERT_TRUE(doc_["paths"].IsMap()) << kOpenApiPath << ": no paths";
  }

  // Follows a local "#/a/b/c" reference; a null node when it does not resolve.
  YAML::Node Resolve(const std::string& ref) const {
    if (ref.rfind("#/", 0) != 0) return YAML::Node();
    // Node::operator= would overwrite the referenced node; reset() rebinds.
    YAML::Node node;
    node.reset(doc_);
    size_t pos = 2;
    while (pos <= ref.size()) {
      size_t slash = ref.find('/', pos);
      std::string key = ref.substr(pos, slash == std::string::npos ? std::string::npos : slash - pos);
      const YAML::Node& current = node;
      if (!current.IsMap() || !current[key]) return YAML::Node();
      node.reset(current[key]);
      if (slash == std::string::npos) break;
      pos = slash + 1;
    }
    return node;
  }

  // The operation documenting route `r` (its path's entry under its
  // method, lower-cased); a null node when there is none.
  YAML::Node Operation(const RouteInfo& r) {
    std::string method = r.method;
    for (char& c : method) c = static_cast<char>(c - 'A' + 'a');
    return doc_["paths"][r.path][method];
  }

  YAML::Node Deref(const YAML::Node& n) const {
    if (n.IsMap() && n["$ref"]) return Resolve(n["$ref"].as<std::string>());
    return n;
  }

  std::set<std::string> PropertyNames(const YAML::Node& schema) const {
    std::set<std::string> out;
    YAML::Node s = Deref(schema);
    if (!s || !s["properties"]) return out;
    for (const auto& kv : s["properties"]) out.insert(kv.first.as<std::string>());
    return out;
  }

  // The properties of schema `name` are exactly the keys of `j`, and its
  // required ones are among them.
  void ExpectSchemaIs(const std::string& name, const nlohmann::json& j) const {
    SCOPED_TRACE(name);
    YAML::Node schema = Resolve("#/components/schemas/" + name);
    ASSERT_TRUE(schema) << "no components/schemas/" << name;
    std::set<std::string> props = PropertyNames(schema);
    for (const auto& [key, value] : j.items())
      EXPECT_TRUE(props.count(key)) << "'" << key << "' is written, not in the schema";
    for (const auto& p : props) EXPECT_TRUE(j.contains(p)) << "schema property '" << p << "' is never written";
    if (schema["required"]) {
      for (const auto& req : schema["required"])
        EXPECT_TRUE(j.contains(req.as<std::string>())) << "required '" << req.as<std::string>() << "' not written";
    }
  }

  // As ExpectSchemaIs, for a schema whose objects come in several shapes
  // (an alert rule writes the keys of its kind's family): every key each
  // writes is in the schema, each property is written by one of them.
  void ExpectSchemaCovers(const std::string& name, const std::vector<nlohmann::json>& shapes) const {
    SCOPED_TRACE(name);
    YAML::Node schema = Resolve("#/components/schemas/" + name);
    ASSERT_TRUE(schema) << "no components/schemas/" << name;
    std::set<std::string> props = PropertyNames(schema);
    std::set<std::string> written;
    for (const nlohmann::json& j : shapes) {
      for (const auto& [key, value] : j.items()) {
        EXPECT_TRUE(props.count(key)) << "'" << key << "' is written, not in the schema";
        written.insert(key);
      }
      if (schema["required"]) {
        for (const auto& req : schema["required"])
          EXPECT_TRUE(j.contains(req.as<std::string>())) << "required '" << req.as<std::string>() << "' not written";
      }
    }
    for (const auto& p : props) EXPECT_TRUE(written.count(p)) << "schema property '" << p << "' is never written";
  }

  YAML::Node doc_;
};

TEST_F(OpenApiTest, IsOpenApi3) {
  ASSERT_TRUE(doc_["openapi"]);
  EXPECT_EQ(doc_["openapi"].as<std::string>().rfind("3.0", 0), 0u);
  EXPECT_TRUE(doc_["info"]["title"]);
  EXPECT_TRUE(doc_["info"]["version"]);
}

TEST_F(OpenApiTest, OperationsEqualTheServerRouteTable) {
  std::set<std::pair<std::string, std::string>> documented;
  for (const auto& path : doc_["paths"]) {
    for (const char* m : kMethods) {
      if (path.second[m]) {
        std::string upper(m);
        for (char& c : upper) c = static_cast<char>(c - 'a' + 'A');
        documented.insert({upper, path.first.as<std::string>()});
      }
    }
  }
  std::set<std::pair<std::string, std::string>> served;
  for (const RouteInfo& r : Server::Routes()) served.insert({r.method, r.path});
  for (const auto& [m, p] : served) EXPECT_TRUE(documented.count({m, p})) << "served but not documented: " << m << " " << p;
  for (const auto& [m, p] : documented) EXPECT_TRUE(served.count({m, p})) << "documented but not served: " << m << " " << p;
}

TEST_F(OpenApiTest, QueryAndPathParametersMatchTheRouteTable) {
  for (const RouteInfo& r : Server::Routes()) {
    YAML::Node op = Operation(r);
    if (!op) continue;  // reported by OperationsEqualTheServerRouteTable
    SCOPED_TRACE(r.method + " " + r.path);
    std::set<std::string> query, path_params;
    auto collect = [&](const YAML::Node& params) {
      if (!params) return;
      for (const auto& p : params) {
        YAML::Node param = Deref(p);
        ASSERT_TRUE(param && param["name"] && param["in"]) << "unresolved parameter";
        const std::string in = param["in"].as<std::string>();
        if (in == "query") query.insert(param["name"].as<std::string>());
        if (in == "path") path_params.insert(param["name"].as<std::string>());
      }
    };
    collect(doc_["paths"][r.path]["parameters"]);
    collect(op["parameters"]);
    EXPECT_EQ(query, std::set<std::string>(r.query_params.begin(), r.query_params.end()));
    std::set<std::string> in_template;
    for (size_t open = r.path.find('{'); open != std::string::npos; open = r.path.find('{', open + 1)) {
      in_template.insert(r.path.substr(open + 1, r.path.find('}', open) - open - 1));
    }
    EXPECT_EQ(path_params, in_template);
    EXPECT_TRUE(op["responses"]["200"] || op["responses"]["201"] || op["responses"]["204"])
        << "no 200, 201 or 204 response";
  }
}

// Each operation names the permission of its route, exactly as the route
// table does; open routes (none) say `security: []`, the others keep the
// document's security and document 401 and 403.
TEST_F(OpenApiTest, PermissionsAndSecurityMatchTheRouteTable) {
  ASSERT_TRUE(doc_["components"]["securitySchemes"]["bearer"]) << "no bearer security scheme";
  ASSERT_TRUE(doc_["components"]["securitySchemes"]["cookie"]) << "no cookie security scheme";
  ASSERT_TRUE(doc_["components"]["securitySchemes"]["csrf"]) << "no csrf security scheme";
  ASSERT_TRUE(doc_["security"] && doc_["security"].IsSequence() && doc_["security"].size() > 0)
      << "no document-wide security";
  for (const RouteInfo& r : Server::Routes()) {
    YAML::Node op = Operation(r);
    if (!op) continue;  // reported by OperationsEqualTheServerRouteTable
    SCOPED_TRACE(r.method + " " + r.path);
    ASSERT_TRUE(op["x-ecoute-permission"]) << "no x-ecoute-permission";
    EXPECT_EQ(op["x-ecoute-permission"].as<std::string>(), auth::PermissionName(r.permission));
    if (r.permission == auth::Permission::kNone) {
      EXPECT_TRUE(op["security"] && op["security"].IsSequence() && op["security"].size() == 0)
          << "an open operation must say security: []";
    } else {
      EXPECT_FALSE(op["security"] && op["security"].size() == 0) << "only open operations may drop security";
      EXPECT_TRUE(op["responses"]["401"]) << "no 401 response";
      EXPECT_TRUE(op["responses"]["403"]) << "no 403 response";
    }
  }
}

TEST_F(OpenApiTest, AccountSchemasMatchTheirJson) {
  auth::User u;
  u.id = 1;
  u.login = "claire";
  u.team_ids = {2};
  u.last_login_at = 5;
  ExpectSchemaIs("User", UserJson(u));
  auth::Team t;
  t.id = 2;
  t.name = "care";
  ExpectSchemaIs("Team", TeamJson(t));
  auth::TokenInfo tok;
  tok.id = 3;
  tok.expires_at = 9;
  ExpectSchemaIs("Token", TokenJson(tok));
  ExpectSchemaIs("AuditEntry", AuditJson(auth::AuditEntry{1, 2, "cli", "user.created", "user:claire", "", ""}));
}

// Also catches keys with no value, such as a flow mapping cut by a comma in
// an unquoted description ({description: a, b} makes "b" a key).
TEST_F(OpenApiTest, EveryReferenceResolvesAndNoKeyIsEmpty) {
  std::function<void(const YAML::Node&, const std::string&)> walk = [&](const YAML::Node& n, const std::string& at) {
    if (n.IsMap()) {
      for (const auto& kv : n) {
        const std::string key = kv.first.as<std::string>();
        EXPECT_FALSE(kv.second.IsNull()) << at << ": key '" << key << "' has no value";
        if (key == "$ref") {
          const std::string ref = kv.second.as<std::string>();
          EXPECT_TRUE(Resolve(ref)) << at << ": unresolved $ref " << ref;
        } else {
          walk(kv.second, at + "/" + key);
        }
      }
    } else if (n.IsSequence()) {
      for (size_t i = 0; i < n.size(); ++i) walk(n[i], at + "[" + std::to_string(i) + "]");
    }
  };
  walk(doc_, "");
}

// Every key MentionToJson can write is in the Mention schema, and every
// field the schema requires is written even for a bare mention.
TEST_F(OpenApiTest, MentionSchemaMatchesMentionToJson) {
  model::Mention m;
  m.id = 7;
  m.channel = model::Channel::kTwitter;
  m.native_id = "1";
  m.source = "s";
  m.url = "u";
  m.author = {"h", "n", 3, true};
  m.direction = model::Direction::kInbound;
  m.created_at = 1;
  m.title = "t";
  m.text = "x";
  m.language = "fr";
  m.language_confidence = 0.5f;
  m.language_declared = true;
  m.reply_to = "r";
  m.reshare_of = "r";
  m.quote_of = "q";
  m.thread_id = "th";
  m.engagement = {1, 2, 3, 4, 5};
  m.country = "FR";
  m.entities = {{"u"}, {"m"}, {"h"}};
  m.attributes = {{"k", "v"}};
  m.enrichment.matched_queries = {1};
  m.enrichment.sentiment = "negative";
  m.enrichment.sentiment_score = 0.5;
  m.enrichment.sentiment_polarity = -0.5;
  m.enrichment.needs_reply = true;
  m.enrichment.needs_reply_score = 0.9;
  m.enrichment.category = "outage";
  m.enrichment.category_score = 0.7;
  m.enrichment.corrected = {"category"};
  m.enrichment.severity = 80;
  m.enrichment.severity_level = "high";
  m.enrichment.severity_reasons = {"x"};
  m.enrichment.reach = 100;

  YAML::Node schema = Resolve("#/components/schemas/Mention");
  ASSERT_TRUE(schema) << "no components/schemas/Mention";
  std::set<std::string> props = PropertyNames(schema);
  nlohmann::json j = model::MentionToJson(m);
  for (const auto& [key, value] : j.items()) {
    EXPECT_TRUE(props.count(key)) << "MentionToJson writes '" << key << "', not in the Mention schema";
    if (value.is_object() && key != "attributes") {
      std::set<std::string> nested = PropertyNames(schema["properties"][key]);
      for (const auto& [sub, v] : value.items()) {
        EXPECT_TRUE(nested.count(sub)) << "'" << key << "." << sub << "' not in the schema";
      }
    }
  }
  for (const auto& p : props) EXPECT_TRUE(j.contains(p)) << "schema property '" << p << "' is never written";

  model::Mention bare;
  bare.native_id = "1";
  bare.text = "x";
  nlohmann::json b = model::MentionToJson(bare);
  for (const auto& req : schema["required"]) {
    EXPECT_TRUE(b.contains(req.as<std::string>())) << "required '" << req.as<std::string>() << "' can be absent";
  }
}

TEST_F(OpenApiTest, AlertSchemasMatchTheirJson) {
  store::AlertRecord a;
  a.id = 3;
  a.rule = "r";
  a.kind = "mention";
  a.details_json = R"({"queries":["brand"]})";
  a.sample_ids = {1, 2};
  a.opened_at = a.last_trigger_at = a.acknowledged_at = a.resolved_at = 1;
  ExpectSchemaIs("Alert", alert::AlertToJson(a));
  ExpectSchemaIs("AlertHistoryEntry", AlertHistoryJson(store::AlertHistoryEntry{1, 3, 1, "opened", "engine", ""}));
  store::DeliveryRecord d;
  d.code = 500;
  d.error = "http 500";
  ExpectSchemaIs("Delivery", DeliveryJson(d));

  // Every field of a rule with the optional ones set (min_severity,
  // quiet_hours).
  auto rule = alert::RuleFromJson({{"name", "r"},
                                   {"kind", "severity"},
                                   {"min_severity", "high"},
                                   {"quiet_hours", {{"start", "22:00"}, {"end", "07:00"}}}});
  ASSERT_TRUE(rule.ok()) << rule.status().ToString();
  // An sla rule writes the keys of the sla family instead of the message ones.
  auto sla_rule = alert::RuleFromJson({{"name", "s"}, {"kind", "sla"}, {"teams", {"care"}}});
  ASSERT_TRUE(sla_rule.ok()) << sla_rule.status().ToString();
  ExpectSchemaCovers("AlertRule", {alert::RuleToJson(*rule), alert::RuleToJson(*sla_rule)});
  std::set<std::string> quiet = PropertyNames(Resolve("#/components/schemas/QuietHours"));
  const nlohmann::json rule_json = alert::RuleToJson(*rule);
  for (const auto& [key, value] : rule_json["quiet_hours"].items())
    EXPECT_TRUE(quiet.count(key)) << "quiet_hours." << key << " not in the QuietHours schema";
}

// The frames of GET /api/v1/mentions/stream (MentionSampler::Flush).
TEST_F(OpenApiTest, StreamSchemasMatchTheirFrames) {
  model::Mention m;
  m.id = 1;
  m.text = "x";
  m.author.followers = 3;
  m.enrichment.sentiment = "negative";
  ExpectSchemaIs("StreamMention", nlohmann::json::parse(StreamMentionJson(StreamMention::From(m))));
  MentionSampler s({}, 1);
  std::string frames = s.Flush();  // an empty window: only the stats frame
  const std::string prefix = "event: stats\ndata: ";
  ASSERT_EQ(frames.rfind(prefix, 0), 0u) << frames;
  ExpectSchemaIs("StreamStats", nlohmann::json::parse(frames.substr(prefix.size())));
}

}  // namespace
}  // namespace ecoute::api
