// The ecoute commands. Each returns the process exit status: 0 on success,
// 1 on a failure (one clear line on stderr), 2 on bad usage.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/runtime.h"
#include "train/datasets.h"

namespace ecoute::app {

struct ImportFlags {
  std::vector<std::string> files;
  std::string format = "auto";
  std::string mapping;  // --map
  bool progress = true;  // only drawn on a terminal
  bool stats = false;    // print per-stage throughput and peak memory at the end
  int max_errors_shown = 10;
};
int RunImport(const GlobalFlags& global, const ImportFlags& flags);

struct ServeFlags {
  std::string listen;  // overrides server.listen
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

// Prints "ecoute: <message>" on stderr and returns 1.
int Fail(const base::Status& status);

}  // namespace ecoute::app
