// The ecoute commands. Each returns the process exit status: 0 on success,
// 1 on a failure (one clear line on stderr), 2 on bad usage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/runtime.h"
#include "auth/authenticator.h"
#include "auth/directory.h"
#include "train/datasets.h"

namespace ecoute::app {

struct ImportFlags {
  std::vector<std::string> files;
  std::string format = "auto";
  std::string mapping;  // --map
  bool progress = true;  // only drawn on a terminal
  bool stats = false;    // print per-stage throughput and peak memory at the end
  int max_errors_shown = 10;
  bool care = true;      // replay the new messages into the care inbox (--no-care: skip)
};
int RunImport(const GlobalFlags& global, const ImportFlags& flags);

struct ServeFlags {
  std::string listen;  // overrides server.listen
  std::string web_root;  // overrides server.web_root
  bool demo = false;   // load the demo backlog when empty, then stream live demo messages
};
int RunServe(const GlobalFlags& global, const ServeFlags& flags);

struct SearchFlags {
  std::vector<std::string> words;
  std::vector<std::string> languages, channels;
  std::string from, to, author, thread, cursor;
  std::string query;  // --query: the query language over stored history
  std::string query_name;  // --saved: mentions tagged with this monitored query
  int limit = 20;
  bool json = false;
};
int RunSearch(const GlobalFlags& global, const SearchFlags& flags);

struct StatsFlags {
  std::string interval = "day";
  std::string from, to, by;
  std::vector<std::string> languages, channels;
  bool json = false;
};
int RunStats(const GlobalFlags& global, const StatsFlags& flags);

struct DemoFlags {
  uint64_t count = 1000;
  uint64_t seed = 42;
  std::string start;  // default: `count` messages ending now
  double per_day = 3000;
  std::string output = "-";
};
int RunDemo(const GlobalFlags& global, const DemoFlags& flags);

struct RejectsFlags {
  int limit = 20;
  bool json = false;
};
int RunRejects(const GlobalFlags& global, const RejectsFlags& flags);

struct QueryFlags {
  std::string query;
  // explain: the message to test.
  std::string text, title, lang = "und", channel = "twitter", author, url, country;
  int64_t followers = -1;
};
// Prints the parse tree, the canonical form and the lint warnings; a syntax
// error is shown with a caret under its column (exit 1). @references
// resolve to the monitored queries (stored and in ecoute.yaml).
int RunQueryLint(const GlobalFlags& global, const QueryFlags& flags);
// Matches the query against one message and shows which parts matched where
// (exit 0 match, 3 no match, 1 syntax error). References as for lint.
int RunQueryExplain(const GlobalFlags& global, const QueryFlags& flags);

// Lists the monitored queries (after applying ecoute.yaml's): id, name,
// kind, origin, state, text and warnings; `json`: one object per line.
int RunQueryList(const GlobalFlags& global, bool json);

struct EnrichFlags {
  bool explain = true;
};
// JSONL on stdin (text, optional id, title, channel, lang, followers) to
// JSONL on stdout: each object plus the understanding fields. A bad line is
// reported on stderr as "stdin:N: ..." and skipped; exit 1 if any was.
int RunEnrich(const GlobalFlags& global, const EnrichFlags& flags);

struct EvalFlags {
  std::vector<std::string> files;
};
// Scores the models on labelled JSONL (gold sentiment, cr, category,
// severity): per-class precision/recall/F1, macro-F1, confusion, ECE, per language.
int RunEval(const GlobalFlags& global, const EvalFlags& flags);

struct TrainFlags {
  std::string data = "../shared/data";
  std::string care = "training/customer-care";
  std::string out;  // default: the configured models directory
  int seed = 1;
  bool quick = false;
  bool corrections = true;  // use the labels users corrected in the store
};
// Rebuilds every model and its model card (train::TrainAll).
int RunTrain(const GlobalFlags& global, const TrainFlags& flags);

// The labels users corrected in the configured store, as training rows
// (empty when the store does not exist yet).
base::Result<std::vector<train::LabeledText>> LoadCorrections(const config::Config& config);

struct AlertsReplayFlags {
  std::vector<std::string> files;
  std::string rules;  // --rules: ecoute.yaml-shaped file whose alerts.rules (and queries) are used
  std::string format = "auto";
  std::string mapping;
  bool json = false;
  bool all_changes = false;  // --all: updates and resolutions too
};
// Backtest of the alert rules over recorded messages in event time: prints
// the alerts that would have opened (time, level, rule, id, title, whether
// notified), then a summary on stderr.
int RunAlertsReplay(const GlobalFlags& global, const AlertsReplayFlags& flags);

struct ReportSlaFlags {
  std::string group_by = "account";  // team | channel | agent | account | priority | none
  std::string target;                // e.g. "3h": measure against it on the wall clock
  std::string from, to;              // created_at bounds (ISO 8601), empty = all
  bool wall_clock = false;           // durations on the wall clock instead of business hours
  bool json = false;
  bool now_is_latest = true;         // unanswered cases are judged at the newest recorded activity
};
// Prints the SLA report of the stored cases (care/sla_report.h).
int RunReportSla(const GlobalFlags& global, const ReportSlaFlags& flags);

// --- accounts (user_command.cc; docs/auth.md) ---

struct UserFlags {
  std::string login;
  std::string role;           // add: required (viewer | analyst | agent | lead | admin)
  std::string display_name, email;
  bool password_stdin = false;  // read the password from the first line of stdin; else one is generated and printed
  std::string token;          // add --token NAME: also create an API token and print it
  bool json = false;          // list
};
// `ecoute user add`: creates the account; prints the generated password
// (unless --password-stdin) and the API token (with --token), once.
int RunUserAdd(const GlobalFlags& global, const UserFlags& flags);
int RunUserList(const GlobalFlags& global, const UserFlags& flags);
// `ecoute user passwd LOGIN`: a new password (read or generated); ends the user's sessions.
int RunUserPasswd(const GlobalFlags& global, const UserFlags& flags);
// `ecoute user disable LOGIN`: refuses the last enabled admin.
int RunUserDisable(const GlobalFlags& global, const UserFlags& flags);

struct TokenFlags {
  std::string login;    // create: the owner; list: only theirs (empty = everyone's)
  std::string name;     // create
  int expires_days = 0;  // create: 0 = never
  int64_t id = 0;       // revoke
};
int RunTokenCreate(const GlobalFlags& global, const TokenFlags& flags);
int RunTokenList(const GlobalFlags& global, const TokenFlags& flags);
int RunTokenRevoke(const GlobalFlags& global, const TokenFlags& flags);

// The account directory of the configured database (the store's file; a
// ":memory:" store gets a ":memory:" directory). Open the store first: it
// creates the database. The password cost is the default.
base::Result<std::unique_ptr<auth::Directory>> OpenDirectory(const config::Config& config);
// Session lifetimes and the sign-in limit from the configuration's `auth:`.
auth::AuthOptions AuthOptionsFrom(const config::Config& config);
// At `serve` start, with no account at all: with `demo`, creates the demo
// accounts (admin, lead, agent1, agent2, analyst, viewer; team "care") with
// one generated password and an API token for admin, logs them once and
// writes them to <data dir>/demo-credentials.txt (mode 0600); without, logs
// the command that creates the first admin. Does nothing when an account
// exists.
base::Status PrepareAccounts(const GlobalFlags& global, const config::Config& config, bool demo,
                             auth::Authenticator& authenticator);

// Prints "ecoute: <message>" on stderr and returns 1.
int Fail(const base::Status& status);

}  // namespace ecoute::app
