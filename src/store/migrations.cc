#include "store/migrations.h"

#include <string>

#include "store/sqlite_util.h"

namespace ecoute::store::internal {
namespace {

// Version 1. Column order in `mentions` matters a little for speed: the
// columns the search filters read come first, so SQLite decodes less of the
// record for them. Text columns hold '' rather than NULL when empty; the
// JSON columns are NULL when empty. The author is found through the
// full-text index (author_key, one token per handle), not a B-tree index:
// random inserts into a handle index cost a quarter of the write
// throughput. See docs/storage.md.
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT NOT NULL,
  applied_at INTEGER NOT NULL
);
CREATE TABLE mentions (
  id                  INTEGER PRIMARY KEY,
  created_at          INTEGER NOT NULL,
  channel             TEXT NOT NULL,
  language            TEXT NOT NULL,
  author_key          TEXT NOT NULL,
  thread_id           TEXT NOT NULL,
  native_id           TEXT NOT NULL,
  content_hash        INTEGER NOT NULL,
  source              TEXT NOT NULL,
  url                 TEXT NOT NULL,
  author_handle       TEXT NOT NULL,
  author_name         TEXT NOT NULL,
  author_followers    INTEGER,
  author_verified     INTEGER NOT NULL,
  direction           TEXT NOT NULL,
  title               TEXT NOT NULL,
  text                TEXT NOT NULL,
  language_confidence REAL NOT NULL,
  language_declared   INTEGER NOT NULL,
  reply_to            TEXT NOT NULL,
  reshare_of          TEXT NOT NULL,
  quote_of            TEXT NOT NULL,
  likes               INTEGER NOT NULL,
  reshares            INTEGER NOT NULL,
  replies             INTEGER NOT NULL,
  quotes              INTEGER NOT NULL,
  views               INTEGER NOT NULL,
  country             TEXT NOT NULL,
  entities            TEXT,
  attributes          TEXT,
  enrichment          TEXT
);
CREATE UNIQUE INDEX mentions_key ON mentions(channel, native_id);
CREATE INDEX mentions_created ON mentions(created_at);
CREATE INDEX mentions_thread ON mentions(thread_id, channel);

CREATE VIRTUAL TABLE mentions_fts USING fts5(
  title, text, author_key,
  content='mentions', content_rowid='id',
  tokenize='unicode61 remove_diacritics 2',
  columnsize=0
);
INSERT INTO mentions_fts(mentions_fts, rank) VALUES ('hashsize', 16777216);

CREATE TABLE rollup_hour (
  bucket_ms INTEGER NOT NULL,
  channel   TEXT NOT NULL,
  lang      TEXT NOT NULL,
  count     INTEGER NOT NULL,
  PRIMARY KEY (bucket_ms, channel, lang)
) WITHOUT ROWID;

CREATE TABLE id_blocks (
  block          INTEGER PRIMARY KEY,
  min_created_at INTEGER NOT NULL,
  max_created_at INTEGER NOT NULL
);

CREATE TABLE rejects (
  id          INTEGER PRIMARY KEY,
  received_at INTEGER NOT NULL,
  source      TEXT NOT NULL,
  location    TEXT NOT NULL,
  field       TEXT NOT NULL,
  reason      TEXT NOT NULL,
  raw         TEXT NOT NULL
);

CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO counters(name, value) VALUES ('mentions', 0), ('rejects', 0), ('threads', 0);
)sql";

// Version 2: monitored queries, the per-query index and per-query hourly
// rollups. A version-1 file cannot hold matched query ids of defined
// queries (it had no queries), so any in its mentions are dropped.
// mention_queries.created_at repeats the mention's, so one query's
// mentions list newest first straight from its primary key.
constexpr std::string_view kSchemaV2 = R"sql(
CREATE TABLE queries (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  name        TEXT NOT NULL UNIQUE,
  kind        TEXT NOT NULL,
  text        TEXT NOT NULL,
  description TEXT NOT NULL,
  enabled     INTEGER NOT NULL,
  origin      TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  backfill_pending INTEGER NOT NULL DEFAULT 0,
  backfill_to      INTEGER
);

CREATE TABLE mention_queries (
  query_id   INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  mention_id INTEGER NOT NULL,
  PRIMARY KEY (query_id, created_at, mention_id)
) WITHOUT ROWID;

CREATE TABLE rollup_query_hour (
  bucket_ms INTEGER NOT NULL,
  query_id  INTEGER NOT NULL,
  channel   TEXT NOT NULL,
  lang      TEXT NOT NULL,
  count     INTEGER NOT NULL,
  PRIMARY KEY (bucket_ms, query_id, channel, lang)
) WITHOUT ROWID;

-- Version 1 defined no queries, so no id in a stored matched_queries names
-- one: drop them (Write keeps only the ids of defined queries).
UPDATE mentions SET enrichment =
    CASE WHEN json_remove(enrichment, '$.matched_queries') = '{}' THEN NULL
         ELSE json_remove(enrichment, '$.matched_queries') END
  WHERE enrichment IS NOT NULL AND json_type(enrichment, '$.matched_queries') IS NOT NULL;
)sql";

// Version 3. The full-text index is rebuilt with the "ecoute" tokenizer
// (fts_tokenizer.h): the same tokens and folding as the query matchers, so
// history search candidates are exact (ligatures, compatibility characters,
// decomposed accents, apostrophes, emoji next to words).
constexpr std::string_view kSchemaV3 = R"sql(
DROP TABLE mentions_fts;
CREATE VIRTUAL TABLE mentions_fts USING fts5(
  title, text, author_key,
  content='mentions', content_rowid='id',
  tokenize='ecoute',
  columnsize=0
);
INSERT INTO mentions_fts(mentions_fts, rank) VALUES ('hashsize', 16777216);
INSERT INTO mentions_fts(mentions_fts) VALUES ('rebuild');
)sql";

// Version 4: the understanding labels. Hourly rollups by label (all four
// with channel and language; per query with sentiment, category and
// severity level), filled from the enrichment already stored, and users'
// label corrections. A mention without a label counts under '' for it;
// needs_reply is 'true', 'false' or ''. Hours are floored towards minus
// infinity, as base::FloorHour does (SQLite's % truncates).
constexpr std::string_view kSchemaV4 = R"sql(
CREATE TABLE rollup_label_hour (
  bucket_ms      INTEGER NOT NULL,
  channel        TEXT NOT NULL,
  lang           TEXT NOT NULL,
  sentiment      TEXT NOT NULL,
  category       TEXT NOT NULL,
  severity_level TEXT NOT NULL,
  needs_reply    TEXT NOT NULL,
  count          INTEGER NOT NULL,
  PRIMARY KEY (bucket_ms, channel, lang, sentiment, category, severity_level, needs_reply)
) WITHOUT ROWID;

CREATE TABLE rollup_query_label_hour (
  query_id       INTEGER NOT NULL,
  bucket_ms      INTEGER NOT NULL,
  sentiment      TEXT NOT NULL,
  category       TEXT NOT NULL,
  severity_level TEXT NOT NULL,
  count          INTEGER NOT NULL,
  PRIMARY KEY (query_id, bucket_ms, sentiment, category, severity_level)
) WITHOUT ROWID;

CREATE TABLE label_corrections (
  id         INTEGER PRIMARY KEY,
  mention_id INTEGER NOT NULL,
  channel    TEXT NOT NULL,
  native_id  TEXT NOT NULL,
  field      TEXT NOT NULL,
  value      TEXT NOT NULL,
  previous   TEXT,
  user       TEXT NOT NULL,
  at_ms      INTEGER NOT NULL
);
CREATE INDEX label_corrections_mention ON label_corrections(mention_id, id);

INSERT INTO rollup_label_hour(bucket_ms, channel, lang, sentiment, category, severity_level, needs_reply, count)
SELECT created_at - ((created_at % 3600000) + 3600000) % 3600000, channel, language,
       coalesce(json_extract(enrichment, '$.sentiment'), ''),
       coalesce(json_extract(enrichment, '$.category'), ''),
       coalesce(json_extract(enrichment, '$.severity_level'), ''),
       CASE json_type(enrichment, '$.needs_reply') WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE '' END,
       count(*)
  FROM mentions GROUP BY 1, 2, 3, 4, 5, 6, 7;

INSERT INTO rollup_query_label_hour(query_id, bucket_ms, sentiment, category, severity_level, count)
SELECT q.query_id, m.created_at - ((m.created_at % 3600000) + 3600000) % 3600000,
       coalesce(json_extract(m.enrichment, '$.sentiment'), ''),
       coalesce(json_extract(m.enrichment, '$.category'), ''),
       coalesce(json_extract(m.enrichment, '$.severity_level'), ''),
       count(*)
  FROM mention_queries q JOIN mentions m ON m.id = q.mention_id GROUP BY 1, 2, 3, 4, 5;
)sql";

// Version 5: alerts (written by the alert module), their history, the
// notification delivery log (state 'dead' = the dead-letter list) and the
// alert rules defined through the API. Alert ids are the alert engine's
// (INTEGER PRIMARY KEY without AUTOINCREMENT); the other ids are the
// store's and never reused. Timestamps are ms UTC, 0 = unset; sample_ids
// is a JSON array of mention ids; details_json and sample_ids are NULL
// when empty. No foreign keys: a deleted rule keeps its alerts.
constexpr std::string_view kSchemaV5 = R"sql(
CREATE TABLE alerts (
  id               INTEGER PRIMARY KEY,
  rule             TEXT NOT NULL,
  kind             TEXT NOT NULL,
  group_key        TEXT NOT NULL,
  level            TEXT NOT NULL,
  status           TEXT NOT NULL,
  title            TEXT NOT NULL,
  text             TEXT NOT NULL,
  details_json     TEXT,
  sample_ids       TEXT,
  trigger_count    INTEGER NOT NULL,
  notified_count   INTEGER NOT NULL,
  suppressed_count INTEGER NOT NULL,
  opened_at        INTEGER NOT NULL,
  last_trigger_at  INTEGER NOT NULL,
  acknowledged_at  INTEGER NOT NULL,
  acknowledged_by  TEXT NOT NULL,
  resolved_at      INTEGER NOT NULL,
  resolved_by      TEXT NOT NULL,
  note             TEXT NOT NULL
);
CREATE INDEX alerts_status ON alerts(status, id);
CREATE INDEX alerts_rule ON alerts(rule, id);
CREATE INDEX alerts_opened ON alerts(opened_at);

CREATE TABLE alert_history (
  id       INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id INTEGER NOT NULL,
  at       INTEGER NOT NULL,
  type     TEXT NOT NULL,
  actor    TEXT NOT NULL,
  detail   TEXT NOT NULL
);
CREATE INDEX alert_history_alert ON alert_history(alert_id, id);

CREATE TABLE alert_deliveries (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  alert_id   INTEGER NOT NULL,
  event_id   TEXT NOT NULL,
  notifier   TEXT NOT NULL,
  attempt    INTEGER NOT NULL,
  state      TEXT NOT NULL,
  code       INTEGER NOT NULL,
  error      TEXT NOT NULL,
  latency_ms INTEGER NOT NULL,
  at         INTEGER NOT NULL
);
CREATE INDEX alert_deliveries_state ON alert_deliveries(state, id);
CREATE INDEX alert_deliveries_alert ON alert_deliveries(alert_id, id);

CREATE TABLE alert_rules (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  name            TEXT NOT NULL UNIQUE,
  definition_json TEXT NOT NULL,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
)sql";

// Version 6: every dashboard filter with every grouping, and top authors.
// The per-query label rollup gains channel, language and needs_reply (the
// same dimensions as rollup_label_hour), rebuilt from the stored mentions
// and their matched queries. rollup_author_day counts, per UTC day, query
// (0 = every mention), channel and author handle, the author's mentions,
// how many are negative, and the largest reach and follower count seen;
// outbound mentions (the brand's own) and mentions without a handle are
// not counted. A mention's reach is enrichment.reach when set, else its
// author's followers, else 0. display_name is the one of the author's
// latest written mention. Two partial indexes let TopAuthors read only the
// author-days above a threshold (its cost contract is in store.h); the
// one-off authors, most rows, are in neither, which keeps writes cheap.
constexpr std::string_view kSchemaV6 = R"sql(
DROP TABLE rollup_query_label_hour;
CREATE TABLE rollup_query_label_hour (
  query_id       INTEGER NOT NULL,
  bucket_ms      INTEGER NOT NULL,
  channel        TEXT NOT NULL,
  lang           TEXT NOT NULL,
  sentiment      TEXT NOT NULL,
  category       TEXT NOT NULL,
  severity_level TEXT NOT NULL,
  needs_reply    TEXT NOT NULL,
  count          INTEGER NOT NULL,
  PRIMARY KEY (query_id, bucket_ms, channel, lang, sentiment, category, severity_level, needs_reply)
) WITHOUT ROWID;

INSERT INTO rollup_query_label_hour(query_id, bucket_ms, channel, lang, sentiment, category, severity_level,
                                    needs_reply, count)
SELECT q.query_id, m.created_at - ((m.created_at % 3600000) + 3600000) % 3600000, m.channel, m.language,
       coalesce(json_extract(m.enrichment, '$.sentiment'), ''),
       coalesce(json_extract(m.enrichment, '$.category'), ''),
       coalesce(json_extract(m.enrichment, '$.severity_level'), ''),
       CASE json_type(m.enrichment, '$.needs_reply') WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE '' END,
       count(*)
  FROM mention_queries q JOIN mentions m ON m.id = q.mention_id GROUP BY 1, 2, 3, 4, 5, 6, 7, 8;

CREATE TABLE rollup_author_day (
  query_id      INTEGER NOT NULL,
  day_ms        INTEGER NOT NULL,
  channel       TEXT NOT NULL,
  handle        TEXT NOT NULL,
  count         INTEGER NOT NULL,
  negative      INTEGER NOT NULL,
  reach_max     INTEGER NOT NULL,
  followers_max INTEGER NOT NULL,
  display_name  TEXT NOT NULL,
  PRIMARY KEY (query_id, day_ms, channel, handle)
) WITHOUT ROWID;
CREATE INDEX rollup_author_day_count ON rollup_author_day(query_id, day_ms, channel, count) WHERE count >= 2;
CREATE INDEX rollup_author_day_reach ON rollup_author_day(query_id, day_ms, channel, reach_max)
  WHERE reach_max >= 1000;

INSERT INTO rollup_author_day(query_id, day_ms, channel, handle, count, negative, reach_max, followers_max,
                              display_name)
SELECT a.query_id, a.day_ms, a.channel, a.handle, a.n, a.neg, a.reach, a.followers, m.author_name
  FROM (SELECT 0 AS query_id, created_at - ((created_at % 86400000) + 86400000) % 86400000 AS day_ms, channel,
               author_handle AS handle, count(*) AS n,
               sum(coalesce(json_extract(enrichment, '$.sentiment') = 'negative', 0)) AS neg,
               max(coalesce(json_extract(enrichment, '$.reach'), author_followers, 0)) AS reach,
               max(coalesce(author_followers, 0)) AS followers, max(id) AS last_id
          FROM mentions WHERE author_handle <> '' AND direction <> 'outbound' GROUP BY 2, 3, 4
        UNION ALL
        SELECT q.query_id, m.created_at - ((m.created_at % 86400000) + 86400000) % 86400000, m.channel,
               m.author_handle, count(*),
               sum(coalesce(json_extract(m.enrichment, '$.sentiment') = 'negative', 0)),
               max(coalesce(json_extract(m.enrichment, '$.reach'), m.author_followers, 0)),
               max(coalesce(m.author_followers, 0)), max(m.id)
          FROM mention_queries q JOIN mentions m ON m.id = q.mention_id
         WHERE m.author_handle <> '' AND m.direction <> 'outbound' GROUP BY 1, 2, 3, 4) a
  JOIN mentions m ON m.id = a.last_id;
)sql";

constexpr Migration kMigrations[] = {
    {1, "initial schema: mentions, fts, rollups, rejects", kSchemaV1},
    {2, "queries, per-query index and rollups", kSchemaV2},
    {3, "full-text index with the ecoute tokenizer", kSchemaV3},
    {4, "label rollups and label corrections", kSchemaV4},
    {5, "alerts, alert history, delivery log and alert rules", kSchemaV5},
    {6, "per-query label rollup by channel, language and needs_reply; top-author rollup", kSchemaV6},
};

struct Header {
  int64_t application_id = 0;
  int64_t user_version = 0;
  int64_t objects = 0;  // rows in sqlite_schema
};

base::Result<Header> ReadHeader(sqlite3* db) {
  Header h;
  ECOUTE_ASSIGN_OR_RETURN(h.application_id, QueryInt(db, "PRAGMA application_id", "read application_id"));
  ECOUTE_ASSIGN_OR_RETURN(h.user_version, QueryInt(db, "PRAGMA user_version", "read user_version"));
  ECOUTE_ASSIGN_OR_RETURN(h.objects, QueryInt(db, "SELECT count(*) FROM sqlite_schema", "read sqlite_schema"));
  return h;
}

// OK when the header is one we can migrate from.
base::Status CheckHeader(const Header& h) {
  const int current = CurrentSchemaVersion();
  if (h.application_id == 0 && h.user_version == 0) {
    if (h.objects == 0) return base::Status::Ok();  // empty: a new database
    return base::Status::Corruption("not an ecoute database: it holds " + std::to_string(h.objects) +
                                    " schema objects of another application (no ecoute application_id)");
  }
  if (h.application_id != kApplicationId)
    return base::Status::Corruption("not an ecoute database: application_id is " +
                                    std::to_string(h.application_id) + ", expected " +
                                    std::to_string(kApplicationId));
  if (h.user_version > current)
    return base::Status::Corruption("database schema version " + std::to_string(h.user_version) +
                                    " is newer than this build's version " + std::to_string(current) +
                                    "; use a newer ecoute");
  if (h.user_version < 0)
    return base::Status::Corruption("database schema version " + std::to_string(h.user_version) + " is invalid");
  return base::Status::Ok();
}

base::Status Apply(sqlite3* db, const Migration& m, base::Timestamp now) {
  const std::string step = "migration " + std::to_string(m.version) + " (" + std::string(m.name) + ")";
  ECOUTE_RETURN_IF_ERROR(Exec(db, m.sql, step));
  ECOUTE_ASSIGN_OR_RETURN(
      Stmt ins, Stmt::Prepare(db, "INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)",
                              step + ": record"));
  ins.BindInt(1, m.version);
  ins.BindText(2, m.name);
  ins.BindInt(3, now);
  ECOUTE_RETURN_IF_ERROR(ins.Run());
  ECOUTE_RETURN_IF_ERROR(Exec(db, "PRAGMA application_id = " + std::to_string(kApplicationId), step + ": application_id"));
  return Exec(db, "PRAGMA user_version = " + std::to_string(m.version), step + ": user_version");
}

}  // namespace

std::span<const Migration> Migrations() { return kMigrations; }

int CurrentSchemaVersion() { return kMigrations[std::size(kMigrations) - 1].version; }

base::Status Migrate(sqlite3* db, base::Timestamp now) {
  ECOUTE_ASSIGN_OR_RETURN(Header h, ReadHeader(db));
  ECOUTE_RETURN_IF_ERROR(CheckHeader(h));
  if (h.user_version == CurrentSchemaVersion()) return base::Status::Ok();
  for (const Migration& m : kMigrations) {
    if (m.version <= h.user_version) continue;
    ECOUTE_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "begin migration " + std::to_string(m.version)));
    // Another process may have migrated between our read and our lock.
    auto again = ReadHeader(db);
    base::Status s = again.ok() ? CheckHeader(*again) : again.status();
    if (s.ok() && again->user_version < m.version) s = Apply(db, m, now);
    if (s.ok()) s = Exec(db, "COMMIT", "commit migration " + std::to_string(m.version));
    if (!s.ok()) {
      (void)Exec(db, "ROLLBACK", "rollback migration");
      return s;
    }
  }
  return base::Status::Ok();
}

}  // namespace ecoute::store::internal
