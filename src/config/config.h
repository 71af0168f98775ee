// ecoute.yaml: the one configuration file. docs/configuration.md.
//
// Load() validates everything it reads: unknown keys, wrong types and
// out-of-range values are errors naming "file:line:col" and the key path.
// Depends on nothing of ours but base: the app maps these plain values onto
// each module's options.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "base/status.h"

namespace ecoute::config {

struct StoreConfig {
  std::string path = "data/ecoute.db";
  std::string synchronous = "full";  // full | normal
  int read_connections = 4;
  int64_t cache_mb = 64;
};

struct ServerConfig {
  std::string host = "127.0.0.1";
  int port = 8080;
  // Each open SSE stream holds one; up to 32 alert and 32 mention streams
  // may be open, and requests must still find a thread.
  int threads = 96;
  int64_t max_body_mb = 64;
  // The built web app served on / (api::ServerOptions::web_root); relative
  // to the configuration file's directory. Empty = the build's own
  // (app: ECOUTE_WEB_DIST).
  std::string web_root;
};

struct PipelineConfig {
  int workers = 0;  // decode+analyse+classify threads; 0 = automatic (app::PipelineOptionsFrom)
  int queue_batches = 16;
  int commit_records = 8192;
  int commit_interval_ms = 20;
  int batch_records = 1024;  // records per batch read from files
};

struct DemoConfig {
  uint64_t seed = 42;
  int backlog_days = 14;           // history generated on first start
  double messages_per_day = 3000;  // backlog rate
  double live_per_minute = 30;     // rate of the live stream in `serve --demo`
};

// A monitored query defined in the file (`queries:`). Its text is checked
// by the queries module when it is loaded (config depends only on base).
struct QueryConfig {
  std::string name;            // required, [A-Za-z0-9_]{1,64}, unique in the file
  std::string kind = "topic";  // brand | competitor | topic
  std::string query;           // required: the query text (docs/query-language.md)
  std::string description;
  bool enabled = true;
  int line = 0;    // 1-based place of the `query` value in the file
  int column = 0;
};

// A category added to the default taxonomy (`understanding.categories`).
struct CategoryConfig {
  std::string name;  // required, [a-z0-9_]{1,64}, not a default category
  std::string label_en, label_fr;
  std::string cues;  // optional query (docs/query-language.md) whose matches are cue tokens
  std::vector<std::string> examples;  // training messages (`ecoute train`)
  int line = 0, column = 0;  // place of `cues`
};

// An extra cue rule (`understanding.rules`): a severity reason or a
// category cue written in the query language.
struct CueRuleConfig {
  std::string reason;    // a severity reason, or empty
  std::string category;  // a category, or empty (exactly one of the two)
  std::string lang = "*";  // fr | en | *
  std::string query;
  int line = 0, column = 0;
};

struct UnderstandingConfig {
  bool enabled = true;
  std::string models = "models";  // directory of model files; relative to the config file
  double unknown_below = 0.45;    // sentiment confidence under which the label is "unknown"
  double needs_reply_threshold = 0.4;  // recall-leaning: a missed complaint costs more than an extra look
  int64_t high_reach_followers = 50000;
  std::vector<CategoryConfig> categories;
  std::vector<CueRuleConfig> rules;
};

// A notifier (`alerts.notifiers`): where alerts are sent. Secrets named by
// `*_env` are read from the environment by the app, not here.
struct NotifierConfig {
  std::string name;  // required, [A-Za-z0-9_.-]{1,64}, unique
  std::string type;  // required: webhook | email
  // webhook
  std::string url;              // required: http:// or https://
  std::string secret;           // HMAC key; or:
  std::string secret_env;       // the environment variable holding it (not both)
  std::string format = "json";  // json | slack
  // email
  std::string smtp_url;      // required: smtp://host[:port] | smtps://host[:port]
  std::string username;
  std::string password_env;  // the environment variable holding the SMTP password
  bool starttls = false;     // smtp:// only
  std::string from;              // required: an address (one '@', text on both sides)
  std::vector<std::string> to;   // required: at least one address
  // both
  int max_attempts = 6;       // 1..100
  int64_t timeout_ms = 5000;  // 100..600000
  int line = 0, column = 0;   // place of the entry
};

// An alert rule (`alerts.rules`), kept as a JSON object so that the alert
// module checks it with the same code as the API's rules. Keys and values
// are as written; plain YAML scalars are typed (true/false -> bool, JSON
// numbers -> numbers, ~/null/empty -> null, anything else -> string),
// quoted and block scalars stay strings; sequences are arrays and mappings
// objects. Only `name` is checked here ([A-Za-z0-9_.-]{1,64}, unique; it is
// always a JSON string).
struct AlertRuleConfig {
  std::string name;
  std::string json;          // the rule as compact JSON object text, keys in file order
  int line = 0, column = 0;  // place of the rule's mapping
  std::map<std::string, std::pair<int, int>> positions;  // top-level key -> (line, column) of its value
};

struct AlertsConfig {
  bool enabled = true;
  std::string time_zone = "Europe/Paris";  // IANA name, checked with base::TimeZone::Load
  int max_age_minutes = 60;  // 1..10080: older messages on arrival (history imports) trigger nothing
  std::vector<NotifierConfig> notifiers;
  std::vector<AlertRuleConfig> rules;
};

// The `care:` section (docs/care.md), kept as JSON for the care module's
// parser, with the place of every node so its errors can name the line.
struct CareConfig {
  std::string json;  // the section as JSON text; empty when absent
  // "care", "care.routing", "care.routing[0].team" ... -> (line, column)
  std::map<std::string, std::pair<int, int>> positions;
};

// The `auth:` section (docs/auth.md): sessions and sign-in.
struct AuthConfig {
  int session_idle_hours = 12;  // 1..720: a session ends after this long without a request
  int session_max_days = 7;     // 1..365: and this long after sign-in, whatever the activity
  bool secure_cookies = false;  // the session cookie is "Secure" (clients use HTTPS, e.g. through a proxy)
  int login_max_failures = 5;   // 1..1000 failed sign-ins per login within 15 minutes, then 429
};

struct Config {
  std::string source_path;  // the file it came from; empty for defaults
  StoreConfig store;
  ServerConfig server;
  PipelineConfig pipeline;
  DemoConfig demo;
  std::map<std::string, std::string> mappings;  // CSV mapping name -> YAML file path
  std::vector<QueryConfig> queries;
  UnderstandingConfig understanding;
  AlertsConfig alerts;
  AuthConfig auth;
  CareConfig care;
  std::string log_level = "info";  // trace | debug | info | warn | error
};

// Parses YAML text; `name` is used in error messages ("ecoute.yaml").
base::Result<Config> Parse(std::string_view yaml, const std::string& name);

// Reads and parses a file. Relative paths inside (store.path, mappings) are
// resolved against the file's directory.
base::Result<Config> Load(const std::string& path);

// Splits "host:port" (or ":port", or "port") for --listen. InvalidArgument
// naming the text if the port is not 1..65535 (0 allowed: pick any).
base::Status ParseListen(std::string_view listen, ServerConfig& server);

}  // namespace ecoute::config
