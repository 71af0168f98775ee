#include "app/cli.h"

#include <CLI/CLI.hpp>

#include "app/commands.h"

namespace ecoute::app {

int Main(int argc, char** argv) {
  CLI::App app{
      "ecoute — listen to customers wherever they talk about your brand.\n"
      "Collects mentions from files and HTTP, stores them with full-text search and\n"
      "rollups, and serves them over an HTTP API. Configuration: ecoute.yaml in the\n"
      "current directory (or --config); flags override it.",
      "ecoute"};
  app.require_subcommand(1);
  app.fallthrough();
  GlobalFlags global;
  app.add_option("--config", global.config_path, "Configuration file (default: ./ecoute.yaml if present)");
  app.add_option("--db", global.db_path, "SQLite database file (overrides store.path; default data/ecoute.db)");
  app.add_option("--log-level", global.log_level, "trace, debug, info, warn or error")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error"}));

  ImportFlags import;
  CLI::App* imp = app.add_subcommand(
      "import", "Import mentions from files: JSON lines (ecoute, Twitter API v2) or CSV (twcs, or any CSV\n"
                "through a column mapping). Streams with constant memory; re-importing never duplicates.\n"
                "Bad records are rejected with file:line and kept (see `ecoute rejects`).");
  imp->add_option("files", import.files, "Files to import (- for standard input)")->required();
  imp->add_option("--format", import.format, "auto, ecoute, twitter_v2, twcs or csv (default auto: by extension and content)");
  imp->add_option("--map", import.mapping, "CSV column mapping: a name from ecoute.yaml `mappings`, a YAML file, or a\n"
                                           "shipped example (airline-tweets, free-tweets)");
  imp->add_flag("!--no-progress", import.progress, "Do not draw the progress bar");
  imp->add_flag("--stats", import.stats, "Print per-stage throughput, store size and peak memory at the end");
  imp->add_flag("!--no-care", import.care, "Do not replay the new messages into the care inbox (cases, SLA)");

  ServeFlags serve;
  CLI::App* srv = app.add_subcommand("serve", "Run the HTTP API (ingest with POST /api/v1/mentions; see docs/api/openapi.yaml).");
  srv->add_option("--listen", serve.listen, "host:port to listen on (default 127.0.0.1:8080)");
  srv->add_flag("--demo", serve.demo, "Load demo history into an empty store, then stream live demo messages");
  srv->add_option("--web-root", serve.web_root,
                  "Directory of the built web app served on / (default: server.web_root, else the build's web/dist)");

  SearchFlags search;
  CLI::App* sea = app.add_subcommand(
      "search", "Full-text search, case- and accent-insensitive (\"reseau\" finds \"Réseau\"), newest first;\n"
                "--query applies the query language to history.");
  sea->add_option("words", search.words, "Words that must all occur (none: everything)");
  sea->add_option("--lang", search.languages, "Language code(s), e.g. fr")->delimiter(',');
  sea->add_option("--channel", search.channels, "Channel(s): twitter, facebook, forum, review, email, ...")->delimiter(',');
  sea->add_option("--from", search.from, "Only mentions at or after this time (ISO 8601)");
  sea->add_option("--to", search.to, "Only mentions before this time");
  sea->add_option("--author", search.author, "Author handle");
  sea->add_option("--thread", search.thread, "Thread (conversation) id");
  sea->add_option("--limit", search.limit, "Results per page (1-1000)")->check(CLI::Range(1, 1000));
  sea->add_option("--cursor", search.cursor, "Continue after a previous page");
  sea->add_option("--query,-q", search.query,
                  "A query in the ecoute query language, applied to stored history (docs/query-language.md),\n"
                  "e.g. '(colis OR livraison) NEAR/3 perdu NOT emploi'");
  sea->add_option("--saved", search.query_name, "Mentions tagged with this monitored query (by name)");
  sea->add_flag("--json", search.json, "One JSON object per line");

  StatsFlags stats;
  CLI::App* sta = app.add_subcommand("stats", "Counts and volume over time, from the rollups.");
  sta->add_option("--interval", stats.interval, "hour, day or week (default day)");
  sta->add_option("--from", stats.from, "Start (default: a window ending at the newest mention)");
  sta->add_option("--to", stats.to, "End");
  sta->add_option("--by", stats.by, "Group by channel or lang");
  sta->add_option("--lang", stats.languages, "Language code(s)")->delimiter(',');
  sta->add_option("--channel", stats.channels, "Channel(s)")->delimiter(',');
  sta->add_flag("--json", stats.json, "JSON output");

  RejectsFlags rejects;
  CLI::App* rej = app.add_subcommand("rejects", "List rejected records, newest first, with location and reason.");
  rej->add_option("--limit", rejects.limit, "How many")->check(CLI::Range(1, 100000));
  rej->add_flag("--json", rejects.json, "One JSON object per line");

  DemoFlags demo;
  CLI::App* dem = app.add_subcommand(
      "demo", "Write generated demo messages (French and English, fictional brands) as ecoute JSON lines.");
  dem->add_option("--count,-n", demo.count, "How many messages");
  dem->add_option("--seed", demo.seed, "Random seed (same seed, same messages)");
  dem->add_option("--start", demo.start, "Time of the first message (default: so that the last is about now)");
  dem->add_option("--per-day", demo.per_day, "Average messages per day");
  dem->add_option("--output,-o", demo.output, "Output file (default standard output)");

  QueryFlags query;
  CLI::App* qry = app.add_subcommand("query", "Work with the query language (docs/query-language.md).");
  qry->require_subcommand(1);
  CLI::App* lint = qry->add_subcommand("lint", "Parse a query: canonical form, parse tree and warnings, or the error\n"
                                                "with its column.");
  lint->add_option("query", query.query, "The query, e.g. '(pixmania OR \"pix mania\") AND livraison NOT emploi'")
      ->required();
  CLI::App* explain = qry->add_subcommand("explain", "Match a query against one message and show which parts matched where.");
  explain->add_option("query", query.query, "The query")->required();
  explain->add_option("--text", query.text, "The message text")->required();
  explain->add_option("--title", query.title, "Its title");
  explain->add_option("--lang", query.lang, "Its language code (for lang:)");
  explain->add_option("--channel", query.channel, "Its channel (for channel:; default twitter)");
  explain->add_option("--author", query.author, "Its author handle (for author:)");
  explain->add_option("--url", query.url, "Its URL (for site:)");
  explain->add_option("--country", query.country, "Its country code (for country:)");
  explain->add_option("--followers", query.followers, "The author's followers (for followers:)");
  bool list_json = false;
  CLI::App* list = qry->add_subcommand("list", "List the monitored queries (ecoute.yaml and the API), with their state.");
  list->add_flag("--json", list_json, "One JSON object per line (as GET /api/v1/queries)");

  EnrichFlags enrich;
  CLI::App* enr = app.add_subcommand(
      "enrich", "Label messages: JSON lines on stdin ({\"text\", optional id, title, channel, lang, followers})\n"
                "to JSON lines on stdout with sentiment, needs_reply, category, severity and their explanation.");
  enr->add_flag("!--no-explain", enrich.explain, "Leave out the explanation (faster)");

  EvalFlags eval;
  CLI::App* evl = app.add_subcommand(
      "eval", "Score the models on labelled JSON lines (gold sentiment, cr, category, severity):\n"
              "per-class precision, recall and F1, macro-F1, confusion matrices and calibration error, per language.");
  evl->add_option("files", eval.files, "Labelled JSONL files")->required()->check(CLI::ExistingFile);

  TrainFlags train;
  CLI::App* trn = app.add_subcommand(
      "train", "Rebuild every understanding model (and its model card) from the labelled data and the labels\n"
               "users corrected in the store; deterministic for a given seed.");
  trn->add_option("--data", train.data, "Public datasets folder (default ../shared/data)");
  trn->add_option("--care", train.care, "Hand-written customer-care set (default training/customer-care)");
  trn->add_option("--out", train.out, "Models directory to write (default: understanding.models)");
  trn->add_option("--seed", train.seed, "Random seed (default 1)");
  trn->add_flag("--quick", train.quick, "Small, fast models (for tests)");
  trn->add_flag("!--no-corrections", train.corrections, "Ignore the labels corrected in the store");

  AlertsReplayFlags replay;
  CLI::App* alr = app.add_subcommand("alerts", "Alert tools.");
  alr->require_subcommand(1);
  CLI::App* rep = alr->add_subcommand(
      "replay", "Backtest: run the alert rules over a recorded stream in event time (each message at its own\n"
                "created_at, through the live stages and the live alert engine) and print the alerts that would\n"
                "have fired, with their timestamps.");
  rep->add_option("files", replay.files, "Recorded messages (any import format)")->required()->check(CLI::ExistingFile);
  rep->add_option("--rules", replay.rules,
                  "A YAML file in ecoute.yaml's shape whose alerts.rules (and queries) replace the configured ones")
      ->check(CLI::ExistingFile);
  rep->add_option("--format", replay.format, "Input format (default auto)");
  rep->add_option("--map", replay.mapping, "CSV mapping (a name from mappings: or a YAML file)");
  rep->add_flag("--json", replay.json, "One JSON object per alert (as GET /api/v1/alerts)");
  rep->add_flag("--all", replay.all_changes, "Also print updates and resolutions, not only openings");

  ReportSlaFlags report_sla;
  auto* report = app.add_subcommand("report", "Reports on the stored data.");
  report->require_subcommand(1);
  auto* rsla = report->add_subcommand("sla", "First-response and resolution times of the cases, and the share met.");
  rsla->add_option("--group-by", report_sla.group_by, "team | channel | agent | account (brand) | priority | none")
      ->capture_default_str();
  rsla->add_option("--target", report_sla.target, "Measure against this target on the wall clock, e.g. 3h, 45m");
  rsla->add_option("--from", report_sla.from, "Cases created at or after (ISO 8601)");
  rsla->add_option("--to", report_sla.to, "Cases created before (ISO 8601)");
  rsla->add_flag("--wall-clock", report_sla.wall_clock, "Durations on the wall clock instead of business hours");
  rsla->add_flag("--json", report_sla.json, "The report as JSON (as GET /api/v1/reports/sla)");

  UserFlags user;
  CLI::App* usr = app.add_subcommand("user", "Accounts: who may use the HTTP API, with which role (docs/auth.md).");
  usr->require_subcommand(1);
  CLI::App* uadd = usr->add_subcommand(
      "add", "Create an account. Without --password-stdin a strong password is generated and printed once.");
  uadd->add_option("login", user.login, "Login: 1 to 64 of a-z, 0-9, '.', '_', '-' (upper case is lowered)")
      ->required();
  uadd->add_option("--role", user.role, "viewer, analyst, agent, lead or admin")->required();
  uadd->add_option("--display-name", user.display_name, "Name shown to colleagues (default: the login)");
  uadd->add_option("--email", user.email, "E-mail address");
  uadd->add_flag("--password-stdin", user.password_stdin, "Read the password from the first line of standard input");
  uadd->add_option("--token", user.token, "Also create an API token with this name and print it (for scripts)");
  CLI::App* ulist = usr->add_subcommand("list", "List the accounts with their role, teams and last sign-in.");
  ulist->add_flag("--json", user.json, "One JSON object per line (as GET /api/v1/users)");
  CLI::App* upass = usr->add_subcommand(
      "passwd", "Set a new password (generated and printed unless --password-stdin); the user's sessions end.");
  upass->add_option("login", user.login, "The account")->required();
  upass->add_flag("--password-stdin", user.password_stdin, "Read the password from the first line of standard input");
  CLI::App* udis = usr->add_subcommand(
      "disable", "Disable an account: it cannot sign in, its sessions end and its API tokens are refused.");
  udis->add_option("login", user.login, "The account")->required();

  TokenFlags token;
  CLI::App* tok = app.add_subcommand("token", "API tokens (\"Authorization: Bearer ect_...\") for scripts and integrations.");
  tok->require_subcommand(1);
  CLI::App* tcreate = tok->add_subcommand("create", "Create an API token for LOGIN and print it once.");
  tcreate->add_option("login", token.login, "The account the token acts as")->required();
  tcreate->add_option("name", token.name, "What the token is for, e.g. grafana")->required();
  tcreate->add_option("--expires-days", token.expires_days, "Expire after this many days (default never)")
      ->check(CLI::Range(1, 3650));
  CLI::App* tlist = tok->add_subcommand("list", "List the active API tokens (never their secret).");
  tlist->add_option("login", token.login, "Only this account's");
  CLI::App* trev = tok->add_subcommand("revoke", "Revoke an API token at once.");
  trev->add_option("id", token.id, "The token's id (ecoute token list)")->required()->check(CLI::PositiveNumber);

  app.add_subcommand("version", "Print the version.");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  }
  if (*imp) return RunImport(global, import);
  if (*srv) return RunServe(global, serve);
  if (*sea) return RunSearch(global, search);
  if (*sta) return RunStats(global, stats);
  if (*rej) return RunRejects(global, rejects);
  if (*dem) return RunDemo(global, demo);
  if (*lint) return RunQueryLint(global, query);
  if (*explain) return RunQueryExplain(global, query);
  if (*list) return RunQueryList(global, list_json);
  if (*enr) return RunEnrich(global, enrich);
  if (*evl) return RunEval(global, eval);
  if (*trn) return RunTrain(global, train);
  if (*rep) return RunAlertsReplay(global, replay);
  if (*rsla) return RunReportSla(global, report_sla);
  if (*uadd) return RunUserAdd(global, user);
  if (*ulist) return RunUserList(global, user);
  if (*upass) return RunUserPasswd(global, user);
  if (*udis) return RunUserDisable(global, user);
  if (*tcreate) return RunTokenCreate(global, token);
  if (*tlist) return RunTokenList(global, token);
  if (*trev) return RunTokenRevoke(global, token);
  std::printf("ecoute 0.1.0\n");
  return 0;
}

}  // namespace ecoute::app
