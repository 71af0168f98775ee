#include "store/sqlite_store.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "base/clock.h"
#include "store/migrations.h"
#include "store/sqlite_test_util.h"

namespace ecoute::store {
namespace {

using model::Channel;
using model::Mention;
using test_util::DefineQueries;
using test_util::Ids;
using test_util::RawExec;
using test_util::RawInt;
using test_util::SearchOk;
using test_util::TempDir;
using test_util::WriteOk;

constexpr base::Timestamp kT0 = 1'700'000'000'000;  // 2023-11-14T22:13:20Z, a Tuesday
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kDay = 24 * kHour;

Mention M(std::string native_id, std::string text, base::Timestamp created_at, Channel channel = Channel::kTwitter) {
  Mention m;
  m.channel = channel;
  m.native_id = std::move(native_id);
  m.text = std::move(text);
  m.created_at = created_at;
  m.language = "fr";
  m.author.handle = "user_" + m.native_id;
  return m;
}

// A mention with every field set.
Mention Full() {
  Mention m = M("full-1", "Le réseau est en panne depuis ce matin \"vraiment\" \\ fin", kT0, Channel::kForum);
  m.source = "forum.example/thread/9";
  m.url = "https://forum.example/t/9#1";
  m.author = {"Jean.Dupont", "Jean Dupont", 1234, true};
  m.direction = model::Direction::kInbound;
  m.title = "Panne générale";
  m.language = "fr";
  m.language_confidence = 0.87f;
  m.language_declared = true;
  m.reply_to = "p-0";
  m.reshare_of = "r-0";
  m.quote_of = "q-0";
  m.thread_id = "t-0";
  m.engagement = {1, 2, 3, 4, 5};
  m.country = "FR";
  m.entities.urls = {"https://a.example/x?y=1"};
  m.entities.mentions = {"Free", "orange"};
  m.entities.hashtags = {"panne"};
  m.attributes = {{"label", "negative"}, {"weird \"key\"", "line\nbreak\ttab\x01"}};
  m.enrichment.matched_queries = {3, 7};
  m.enrichment.sentiment = "negative";
  m.enrichment.sentiment_score = -0.731;
  m.enrichment.needs_reply = true;
  m.enrichment.category = "outage";
  m.enrichment.severity = 80;
  m.enrichment.severity_level = "high";
  m.enrichment.severity_reasons = {"outage word", "many replies"};
  m.enrichment.reach = 98765;
  return m;
}

void ExpectSame(const Mention& a, const Mention& b) {
  EXPECT_EQ(a.id, b.id);
  EXPECT_EQ(a.channel, b.channel);
  EXPECT_EQ(a.native_id, b.native_id);
  EXPECT_EQ(a.source, b.source);
  EXPECT_EQ(a.url, b.url);
  EXPECT_EQ(a.author.handle, b.author.handle);
  EXPECT_EQ(a.author.display_name, b.author.display_name);
  EXPECT_EQ(a.author.followers, b.author.followers);
  EXPECT_EQ(a.author.verified, b.author.verified);
  EXPECT_EQ(a.direction, b.direction);
  EXPECT_EQ(a.created_at, b.created_at);
  EXPECT_EQ(a.title, b.title);
  EXPECT_EQ(a.text, b.text);
  EXPECT_EQ(a.language, b.language);
  EXPECT_EQ(a.language_confidence, b.language_confidence);
  EXPECT_EQ(a.language_declared, b.language_declared);
  EXPECT_EQ(a.reply_to, b.reply_to);
  EXPECT_EQ(a.reshare_of, b.reshare_of);
  EXPECT_EQ(a.quote_of, b.quote_of);
  EXPECT_EQ(a.thread_id, b.thread_id);
  EXPECT_EQ(a.engagement.likes, b.engagement.likes);
  EXPECT_EQ(a.engagement.reshares, b.engagement.reshares);
  EXPECT_EQ(a.engagement.replies, b.engagement.replies);
  EXPECT_EQ(a.engagement.quotes, b.engagement.quotes);
  EXPECT_EQ(a.engagement.views, b.engagement.views);
  EXPECT_EQ(a.country, b.country);
  EXPECT_EQ(a.entities.urls, b.entities.urls);
  EXPECT_EQ(a.entities.mentions, b.entities.mentions);
  EXPECT_EQ(a.entities.hashtags, b.entities.hashtags);
  EXPECT_EQ(a.attributes, b.attributes);
  EXPECT_EQ(a.enrichment.matched_queries, b.enrichment.matched_queries);
  EXPECT_EQ(a.enrichment.sentiment, b.enrichment.sentiment);
  EXPECT_EQ(a.enrichment.sentiment_score, b.enrichment.sentiment_score);
  EXPECT_EQ(a.enrichment.needs_reply, b.enrichment.needs_reply);
  EXPECT_EQ(a.enrichment.category, b.enrichment.category);
  EXPECT_EQ(a.enrichment.severity, b.enrichment.severity);
  EXPECT_EQ(a.enrichment.severity_level, b.enrichment.severity_level);
  EXPECT_EQ(a.enrichment.severity_reasons, b.enrichment.severity_reasons);
  EXPECT_EQ(a.enrichment.reach, b.enrichment.reach);
}

std::unique_ptr<Store> OpenOrDie(SqliteOptions o) {
  auto s = OpenSqliteStore(o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) std::abort();
  return std::move(s).value();
}

std::unique_ptr<Store> OpenMem(const base::Clock* clock = nullptr) {
  SqliteOptions o;
  o.path = ":memory:";
  o.synchronous = "off";
  o.read_connections = 3;
  o.cache_mb = 8;
  o.clock = clock;
  return OpenOrDie(o);
}

std::set<std::string> NativeIds(const MentionPage& p) {
  std::set<std::string> out;
  for (const auto& m : p.items) out.insert(m.native_id);
  return out;
}

// ---- write outcomes -----------------------------------------------------------

TEST(SqliteStore, InsertDuplicateUpdateOutcomes) {
  auto store = OpenMem();
  std::vector<Mention> batch = {M("1", "alpha one", kT0), M("2", "beta two", kT0 + 1), M("3", "gamma", kT0 + 2)};
  std::vector<WriteOutcome> out;
  WriteSummary s = WriteOk(*store, batch, &out);
  EXPECT_EQ(s.inserted, 3);
  EXPECT_EQ(s.updated, 0);
  EXPECT_EQ(s.duplicates, 0);
  ASSERT_EQ(out.size(), 3u);
  for (auto o : out) EXPECT_EQ(o, WriteOutcome::kInserted);
  std::set<int64_t> ids;
  for (const auto& m : batch) {
    EXPECT_GT(m.id, 0);
    ids.insert(m.id);
    EXPECT_EQ(m.thread_id, m.native_id);  // no reply: its own thread
  }
  EXPECT_EQ(ids.size(), 3u);

  // The same records again: all duplicates, same ids.
  std::vector<Mention> again = {M("1", "alpha one", kT0), M("2", "beta two", kT0 + 1), M("3", "gamma", kT0 + 2)};
  s = WriteOk(*store, again, &out);
  EXPECT_EQ(s.inserted, 0);
  EXPECT_EQ(s.duplicates, 3);
  for (size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(out[i], WriteOutcome::kDuplicate);
    EXPECT_EQ(again[i].id, batch[i].id);
    EXPECT_EQ(again[i].thread_id, batch[i].native_id);
  }

  // One changed (engagement only counts as a change), one same, one new;
  // and the same key on another channel is a different mention.
  std::vector<Mention> mixed = {M("1", "alpha one", kT0), M("2", "beta two", kT0 + 1), M("4", "delta", kT0 + 3),
                                M("1", "alpha one", kT0, Channel::kFacebook)};
  mixed[0].engagement.likes = 10;
  s = WriteOk(*store, mixed, &out);
  EXPECT_EQ(s.inserted, 2);
  EXPECT_EQ(s.updated, 1);
  EXPECT_EQ(s.duplicates, 1);
  EXPECT_EQ(out, (std::vector<WriteOutcome>{WriteOutcome::kUpdated, WriteOutcome::kDuplicate,
                                            WriteOutcome::kInserted, WriteOutcome::kInserted}));
  EXPECT_EQ(mixed[0].id, batch[0].id);
  EXPECT_NE(mixed[3].id, batch[0].id);
  auto got = store->Get(batch[0].id);
  ASSERT_TRUE(got.ok());
  ASSERT_TRUE(got->has_value());
  EXPECT_EQ((*got)->engagement.likes, 10);

  auto counts = store->Counts();
  ASSERT_TRUE(counts.ok());
  EXPECT_EQ(counts->mentions, 5);
  EXPECT_EQ(counts->rejects, 0);
  EXPECT_GT(counts->bytes, 0u);
}

TEST(SqliteStore, SameKeyTwiceInOneBatch) {
  auto store = OpenMem();
  std::vector<Mention> batch = {M("1", "first version", kT0), M("1", "first version", kT0),
                                M("1", "second version", kT0)};
  std::vector<WriteOutcome> out;
  WriteSummary s = WriteOk(*store, batch, &out);
  EXPECT_EQ(s.inserted, 1);
  EXPECT_EQ(s.duplicates, 1);
  EXPECT_EQ(s.updated, 1);
  EXPECT_EQ(batch[0].id, batch[2].id);
  MentionFilter f;
  f.text = "version";
  MentionPage p = SearchOk(*store, f);
  ASSERT_EQ(p.items.size(), 1u);
  EXPECT_EQ(p.items[0].text, "second version");
  EXPECT_EQ(store->Counts()->mentions, 1);
}

TEST(SqliteStore, GetRoundTripsEveryField) {
  auto store = OpenMem();
  DefineQueries(*store, 7);  // Full() is matched by queries 3 and 7
  std::vector<Mention> batch = {Full()};
  WriteOk(*store, batch);
  ASSERT_EQ(batch[0].enrichment.matched_queries, (std::vector<int64_t>{3, 7}));
  auto got = store->Get(batch[0].id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(got->has_value());
  ExpectSame(**got, batch[0]);

  // Empty optionals and empty nested parts come back empty.
  std::vector<Mention> bare = {M("bare", "x", kT0)};
  bare[0].author = {};
  bare[0].language = "und";
  WriteOk(*store, bare);
  auto g2 = store->Get(bare[0].id);
  ASSERT_TRUE(g2.ok() && g2->has_value());
  ExpectSame(**g2, bare[0]);
  EXPECT_FALSE((*g2)->author.followers.has_value());
  EXPECT_FALSE((*g2)->enrichment.sentiment.has_value());

  auto missing = store->Get(987654);
  ASSERT_TRUE(missing.ok());
  EXPECT_FALSE(missing->has_value());
}

TEST(SqliteStore, InvalidUtf8InAttributesStillReadsBack) {
  auto store = OpenMem();
  std::vector<Mention> batch = {M("u", "text", kT0)};
  batch[0].attributes["bad"] = "a\xff" "b";
  WriteOk(*store, batch);
  auto got = store->Get(batch[0].id);
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_EQ((*got)->attributes.at("bad"), "a\xef\xbf\xbd" "b");  // U+FFFD
}

// ---- transactions -------------------------------------------------------------------

TEST(SqliteStore, InvalidMentionFailsTheWholeWrite) {
  base::FakeClock clock(kT0);
  auto store = OpenMem(&clock);
  std::vector<Mention> batch = {M("1", "alpha", kT0), M("2", "beta", kT0), M("", "no id", kT0)};
  batch[1].reply_to = "1";
  std::vector<model::Rejection> rejects = {{"file.jsonl", "file.jsonl:3", "text", "empty", "{}"}};
  std::vector<WriteOutcome> out;
  auto r = store->Write(batch, rejects, &out);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("mentions[2]"), std::string::npos) << r.status().message();
  EXPECT_TRUE(out.empty());
  // The caller's mentions are as they were.
  for (const auto& m : batch) {
    EXPECT_EQ(m.id, 0);
    EXPECT_TRUE(m.thread_id.empty());
  }
  // Nothing at all was committed.
  auto c = store->Counts();
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->mentions, 0);
  EXPECT_EQ(c->rejects, 0);
  EXPECT_EQ(c->threads, 0);
  EXPECT_TRUE(SearchOk(*store, MentionFilter{}).items.empty());
  MentionFilter f;
  f.text = "alpha";
  EXPECT_TRUE(SearchOk(*store, f).items.empty());
  EXPECT_TRUE(store->Rejects(10, 0)->empty());
  auto v = store->Volume(VolumeQuery{kT0 - kDay, kT0 + kDay, Interval::kDay, GroupBy::kNone, {}, {}, {}, {}, {}, {}, {}});
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v->empty());

  // The store is still usable.
  batch.pop_back();
  WriteSummary s = WriteOk(*store, batch);
  EXPECT_EQ(s.inserted, 2);
}

TEST(SqliteStore, SqlFailureMidWriteRollsBackEverything) {
  TempDir dir;
  SqliteOptions o;
  o.path = dir.File("t.db");
  o.synchronous = "normal";
  auto store = OpenOrDie(o);
  std::vector<Mention> first = {M("a", "apple pie", kT0)};
  WriteOk(*store, first);

  // Make the database itself refuse one row, in the middle of a batch.
  RawExec(o.path,
          "CREATE TRIGGER boom BEFORE INSERT ON mentions WHEN NEW.native_id = 'boom' "
          "BEGIN SELECT RAISE(ABORT, 'boom refused'); END;");
  std::vector<Mention> batch = {M("b", "banana split", kT0 + kHour), M("a", "apple tart", kT0),
                                M("boom", "bad", kT0), M("c", "cherry", kT0)};
  std::vector<model::Rejection> rejects = {{"src", "loc", "", "bad json", "{"}};
  auto r = store->Write(batch, rejects, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("insert mention"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("boom refused"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("mentions[2]"), std::string::npos) << r.status().message();

  // State is exactly as after the first write: row, text index, rollups.
  EXPECT_EQ(store->Counts()->mentions, 1);
  EXPECT_EQ(store->Counts()->rejects, 0);
  MentionFilter f;
  f.text = "banana";
  EXPECT_TRUE(SearchOk(*store, f).items.empty());
  f.text = "tart";
  EXPECT_TRUE(SearchOk(*store, f).items.empty());
  f.text = "apple pie";
  EXPECT_EQ(SearchOk(*store, f).items.size(), 1u);
  auto v = store->Volume(VolumeQuery{kT0 - kDay, kT0 + kDay, Interval::kHour, GroupBy::kNone, {}, {}, {}, {}, {}, {}, {}});
  ASSERT_TRUE(v.ok());
  ASSERT_EQ(v->size(), 1u);
  EXPECT_EQ((*v)[0].count, 1);

  RawExec(o.path, "DROP TRIGGER boom");
  WriteSummary s = WriteOk(*store, batch);
  EXPECT_EQ(s.inserted, 3);
  EXPECT_EQ(s.updated, 1);
}

// ---- opening, migrations --------------------------------------------------------

TEST(SqliteStore, ReopenKeepsDataAndDoesNotReapplyMigrations) {
  TempDir dir;
  base::FakeClock clock(kT0);
  SqliteOptions o;
  o.path = dir.File("keep.db");
  o.clock = &clock;
  int64_t first_id = 0;
  {
    auto store = OpenOrDie(o);
    DefineQueries(*store, 7);  // Full() is matched by queries 3 and 7
    std::vector<Mention> batch = {Full()};
    WriteOk(*store, batch);
    first_id = batch[0].id;
  }
  clock.Advance(kDay);
  {
    auto store = OpenOrDie(o);
    auto got = store->Get(first_id);
    ASSERT_TRUE(got.ok() && got->has_value());
    Mention want = Full();
    want.id = first_id;
    ExpectSame(**got, want);
    std::vector<Mention> again = {Full()};
    std::vector<WriteOutcome> out;
    WriteOk(*store, again, &out);
    EXPECT_EQ(out[0], WriteOutcome::kDuplicate);
    std::vector<Mention> more = {M("new", "new one", kT0)};
    WriteOk(*store, more);
    EXPECT_GT(more[0].id, first_id);
    MentionFilter f;
    f.text = "reseau";
    EXPECT_EQ(SearchOk(*store, f).items.size(), 1u);
  }
  const int64_t version = internal::CurrentSchemaVersion();
  EXPECT_EQ(RawInt(o.path, "SELECT count(*) FROM schema_migrations"), version);
  EXPECT_EQ(RawInt(o.path, "SELECT max(applied_at) FROM schema_migrations"), kT0);  // not re-stamped
  EXPECT_EQ(RawInt(o.path, "PRAGMA user_version"), version);
  EXPECT_EQ(RawInt(o.path, "PRAGMA application_id"), internal::kApplicationId);
}

TEST(SqliteStore, NewerSchemaVersionIsRefused) {
  TempDir dir;
  SqliteOptions o;
  o.path = dir.File("new.db");
  { OpenOrDie(o); }
  RawExec(o.path, "PRAGMA user_version = 99");
  auto s = OpenSqliteStore(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), base::StatusCode::kCorruption);
  const std::string& msg = s.status().message();
  EXPECT_NE(msg.find("99"), std::string::npos) << msg;
  EXPECT_NE(msg.find("version " + std::to_string(internal::CurrentSchemaVersion())), std::string::npos) << msg;
  EXPECT_NE(msg.find(o.path), std::string::npos) << msg;
}

TEST(SqliteStore, NonEcouteFilesAreRefusedAndLeftAlone) {
  TempDir dir;
  // Not SQLite at all.
  std::string text_file = dir.File("notes.txt");
  {
    std::ofstream f(text_file);
    for (int i = 0; i < 200; ++i) f << "this is not a database, just some text line " << i << "\n";
  }
  auto size_before = std::filesystem::file_size(text_file);
  SqliteOptions o;
  o.path = text_file;
  auto s = OpenSqliteStore(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), base::StatusCode::kCorruption);
  EXPECT_NE(s.status().message().find("not an ecoute database"), std::string::npos) << s.status().message();
  EXPECT_EQ(std::filesystem::file_size(text_file), size_before);

  // Another application's SQLite database.
  std::string other = dir.File("other.db");
  RawExec(other, "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'x');");
  o.path = other;
  s = OpenSqliteStore(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), base::StatusCode::kCorruption);
  EXPECT_NE(s.status().message().find("not an ecoute database"), std::string::npos) << s.status().message();
  EXPECT_EQ(RawInt(other, "SELECT count(*) FROM sqlite_schema WHERE name = 'mentions'"), 0);
  EXPECT_EQ(RawInt(other, "SELECT count(*) FROM customers"), 1);

  // A database stamped by another application.
  std::string stamped = dir.File("stamped.db");
  RawExec(stamped, "PRAGMA application_id = 1234; CREATE TABLE t(x);");
  o.path = stamped;
  s = OpenSqliteStore(o);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("application_id is 1234"), std::string::npos) << s.status().message();
}

TEST(SqliteStore, BadOptionsAndUnopenablePaths) {
  SqliteOptions o;
  o.path = ":memory:";
  o.synchronous = "fast";
  auto s = OpenSqliteStore(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(s.status().message().find("fast"), std::string::npos);

  o.synchronous = "NORMAL";
  o.read_connections = 0;
  EXPECT_EQ(OpenSqliteStore(o).status().code(), base::StatusCode::kInvalidArgument);

  o.read_connections = 2;
  o.path = "/nonexistent-dir-for-ecoute/x/y.db";
  s = OpenSqliteStore(o);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), base::StatusCode::kIoError);
  EXPECT_NE(s.status().message().find(o.path), std::string::npos) << s.status().message();
}

// ---- full-text search -----------------------------------------------------------------

TEST(SqliteStore, SearchIgnoresCaseAndAccents) {
  auto store = OpenMem();
  std::vector<Mention> batch = {M("1", "Le réseau est en panne", kT0), M("2", "RÉSEAU coupé à Lyon", kT0 + 1),
                                M("3", "reseau lent ce soir", kT0 + 2), M("4", "Rien à voir", kT0 + 3),
                                M("5", "x", kT0 + 4), M("6", "Mon cœur", kT0 + 5), M("7", "Straße gesperrt", kT0 + 6)};
  batch[4].title = "Panne RÉSEAU générale";
  WriteOk(*store, batch);
  auto find = [&](const std::string& q) {
    MentionFilter f;
    f.text = q;
    return NativeIds(SearchOk(*store, f));
  };
  const std::set<std::string> all_reseau = {"1", "2", "3", "5"};
  EXPECT_EQ(find("reseau"), all_reseau);
  EXPECT_EQ(find("RESEAU"), all_reseau);
  EXPECT_EQ(find("Réseau"), all_reseau);
  EXPECT_EQ(find("réseau"), all_reseau);
  EXPECT_EQ(find("  reseau\t"), all_reseau);
  EXPECT_EQ(find("reseau panne"), (std::set<std::string>{"1", "5"}));  // title counts
  EXPECT_EQ(find("generale"), (std::set<std::string>{"5"}));
  EXPECT_EQ(find("coupe LYON"), (std::set<std::string>{"2"}));
  EXPECT_EQ(find("reseau absent"), (std::set<std::string>{}));
  // Folded as the query matchers fold (the ecoute tokenizer): ligatures
  // and ß expand, both ways.
  EXPECT_EQ(find("cœur"), (std::set<std::string>{"6"}));
  EXPECT_EQ(find("coeur"), (std::set<std::string>{"6"}));
  EXPECT_EQ(find("strasse"), (std::set<std::string>{"7"}));
  EXPECT_EQ(find("straße"), (std::set<std::string>{"7"}));
}

TEST(SqliteStore, UserPunctuationCannotBreakTheQuery) {
  auto store = OpenMem();
  std::vector<Mention> batch = {M("1", "l'avion est en retard, e-mail envoyé", kT0),
                                M("2", "AND OR NOT near the end", kT0 + 1), M("3", "#Panne chez @Free", kT0 + 2)};
  WriteOk(*store, batch);
  for (std::string q : std::vector<std::string>{"\"", "\"\"", "foo\"bar", "AND", "OR", "NOT", "NEAR(", "NEAR(a b)", "*", "reseau*", "title:x",
                        "-x", "(", ")", "^", "a:b:c", "{title}: x", "+", "\"unterminated", std::string("nul\0byte", 8),
                        "!!!", "\xff\xfe", "🙂"}) {
    MentionFilter f;
    f.text = q;
    auto r = store->Search(f);
    EXPECT_TRUE(r.ok()) << q << ": " << r.status().ToString();
  }
  auto find = [&](const std::string& q) {
    MentionFilter f;
    f.text = q;
    return NativeIds(SearchOk(*store, f));
  };
  EXPECT_EQ(find("l'avion"), (std::set<std::string>{"1"}));
  EXPECT_EQ(find("panne free"), (std::set<std::string>{"3"}));  // hashtags and @mentions are words
  EXPECT_EQ(find("e-mail retard"), (std::set<std::string>{"1"}));
  EXPECT_EQ(find("AND"), (std::set<std::string>{"2"}));  // a word, not an operator
  EXPECT_EQ(find("near end"), (std::set<std::string>{"2"}));
  EXPECT_EQ(find("NOT avion"), (std::set<std::string>{}));  // all words must occur
  EXPECT_EQ(find("avion\" OR \"end"), (std::set<std::string>{}));
  EXPECT_EQ(find("l’avion"), (std::set<std::string>{"1"}));  // typographic apostrophe separates too
  EXPECT_EQ(find("!!! retard"), (std::set<std::string>{"1"}));  // punctuation-only word ignored...
  EXPECT_EQ(find("!!!"), (std::set<std::string>{}));            // ...and alone matches nothing
}

TEST(SqliteStore, TooManyWordsIsAnError) {
  auto store = OpenMem();
  MentionFilter f;
  for (int i = 0; i < 40; ++i) f.text += "w" + std::to_string(i) + " ";
  auto r = store->Search(f);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("text"), std::string::npos);
}

TEST(SqliteStore, UpdateReindexesText) {
  auto store = OpenMem();
  std::vector<Mention> v1 = {M("1", "alpha bravo", kT0)};
  v1[0].title = "oldtitle";
  WriteOk(*store, v1);
  std::vector<Mention> v2 = {M("1", "charlie bravo", kT0)};
  std::vector<WriteOutcome> out;
  WriteOk(*store, v2, &out);
  EXPECT_EQ(out[0], WriteOutcome::kUpdated);
  auto find = [&](const std::string& q) {
    MentionFilter f;
    f.text = q;
    return SearchOk(*store, f).items.size();
  };
  EXPECT_EQ(find("alpha"), 0u);
  EXPECT_EQ(find("oldtitle"), 0u);
  EXPECT_EQ(find("charlie"), 1u);
  EXPECT_EQ(find("bravo"), 1u);
  // The FTS index agrees with its content table.
  TempDir dir;
  SqliteOptions o;
  o.path = dir.File("fts.db");
  auto named = OpenOrDie(o);
  std::vector<Mention> a = {M("1", "alpha bravo", kT0)}, b = {M("1", "charlie", kT0)};
  WriteOk(*named, a);
  WriteOk(*named, b);
  RawExec(o.path, "INSERT INTO mentions_fts(mentions_fts, rank) VALUES ('integrity-check', 1)");
}

// ---- filters and pagination -------------------------------------------------------------

TEST(SqliteStore, Filters) {
  auto store = OpenMem();
  std::vector<Mention> batch;
  for (int i = 0; i < 60; ++i) {
    Channel ch = i % 3 == 0 ? Channel::kTwitter : i % 3 == 1 ? Channel::kForum : Channel::kEmail;
    Mention m = M("n" + std::to_string(i), i % 2 == 0 ? "panne reseau" : "facture erreur", kT0 + i * kHour, ch);
    m.language = i % 4 == 0 ? "en" : "fr";
    m.author.handle = i % 5 == 0 ? "Alice.Martin" : "bob" + std::to_string(i);
    batch.push_back(m);
  }
  batch[3].reply_to = "n0";  // thread n0 = {0, 3, 6}, all on twitter
  batch[6].reply_to = "n3";
  WriteOk(*store, batch);

  auto expect = [&](MentionFilter f, auto pred) {
    f.limit = 1000;
    std::set<std::string> want;
    for (const auto& m : batch)
      if (pred(m)) want.insert(m.native_id);
    EXPECT_EQ(NativeIds(SearchOk(*store, f)), want) << "text=" << f.text;
    // The same filter with text, when it has none.
    if (f.text.empty()) {
      f.text = "panne";
      std::set<std::string> want_text;
      for (const auto& m : batch)
        if (pred(m) && m.text.find("panne") != std::string::npos) want_text.insert(m.native_id);
      EXPECT_EQ(NativeIds(SearchOk(*store, f)), want_text) << "with text";
    }
  };
  MentionFilter f;
  f.channels = {Channel::kForum, Channel::kEmail};
  expect(f, [](const Mention& m) { return m.channel != Channel::kTwitter; });
  f = {};
  f.languages = {"en"};
  expect(f, [](const Mention& m) { return m.language == "en"; });
  f = {};
  f.from = kT0 + 10 * kHour;
  f.to = kT0 + 20 * kHour;
  expect(f, [](const Mention& m) { return m.created_at >= kT0 + 10 * kHour && m.created_at < kT0 + 20 * kHour; });
  f = {};
  f.author = "ALICE.martin";
  expect(f, [](const Mention& m) { return m.author.handle == "Alice.Martin"; });
  f = {};
  f.thread_id = "n0";
  expect(f, [](const Mention& m) { return m.native_id == "n0" || m.native_id == "n3" || m.native_id == "n6"; });
  f = {};
  f.channels = {Channel::kTwitter};
  f.languages = {"en", "fr"};
  f.from = kT0 + 6 * kHour;
  expect(f, [](const Mention& m) { return m.channel == Channel::kTwitter && m.created_at >= kT0 + 6 * kHour; });
  f = {};
  f.channels = {Channel::kSms};
  expect(f, [](const Mention&) { return false; });
  f = {};
  f.from = kT0 + 5 * kHour;
  f.to = kT0 + 5 * kHour;  // empty range
  expect(f, [](const Mention&) { return false; });
}

TEST(SqliteStore, AuthorFilterIsExactAndCaseInsensitive) {
  auto store = OpenMem();
  const std::vector<std::string> handles = {"jean.dupont", "jean_dupont", "Jean-Dupont", "jean", "dupont",
                                            "J.Dupont@Example.com", "émile", "ÉMILE", "a0123456789abcdef", ""};
  std::vector<Mention> batch;
  for (size_t i = 0; i < handles.size(); ++i) {
    Mention m = M("h" + std::to_string(i), i % 2 ? "panne totale" : "tout va bien", kT0 + static_cast<int64_t>(i));
    m.author.handle = handles[i];
    batch.push_back(m);
  }
  // A text that contains a handle and its key-like token is no author.
  batch.push_back(M("t", "jean.dupont a0123456789abcdef", kT0));
  batch.back().author.handle = "other";
  WriteOk(*store, batch);
  auto by_author = [&](const std::string& author, const std::string& text = "") {
    MentionFilter f;
    f.author = author;
    f.text = text;
    return NativeIds(SearchOk(*store, f));
  };
  EXPECT_EQ(by_author("jean.dupont"), (std::set<std::string>{"h0"}));
  EXPECT_EQ(by_author("JEAN.DUPONT"), (std::set<std::string>{"h0"}));
  EXPECT_EQ(by_author("jean_dupont"), (std::set<std::string>{"h1"}));
  EXPECT_EQ(by_author("jean-dupont"), (std::set<std::string>{"h2"}));
  EXPECT_EQ(by_author("jean"), (std::set<std::string>{"h3"}));
  EXPECT_EQ(by_author("j.dupont@example.com"), (std::set<std::string>{"h5"}));
  EXPECT_EQ(by_author("émile"), (std::set<std::string>{"h6"}));  // ASCII-only case folding
  EXPECT_EQ(by_author("ÉMILE"), (std::set<std::string>{"h7"}));
  EXPECT_EQ(by_author("a0123456789abcdef"), (std::set<std::string>{"h8"}));
  EXPECT_EQ(by_author("nobody"), (std::set<std::string>{}));
  EXPECT_EQ(by_author("jean.dupont", "panne"), (std::set<std::string>{}));
  EXPECT_EQ(by_author("jean_dupont", "panne"), (std::set<std::string>{"h1"}));
  EXPECT_EQ(by_author("jean_dupont", "bien"), (std::set<std::string>{}));
  // Words never match the author column.
  MentionFilter f;
  f.text = "dupont";
  EXPECT_EQ(NativeIds(SearchOk(*store, f)), (std::set<std::string>{"t"}));

  // An update that changes the author moves the mention.
  std::vector<Mention> moved = {batch[0]};
  moved[0].author.handle = "someone.else";
  WriteOk(*store, moved);
  EXPECT_EQ(by_author("jean.dupont"), (std::set<std::string>{}));
  EXPECT_EQ(by_author("Someone.Else"), (std::set<std::string>{"h0"}));
}

TEST(SqliteStore, LimitIsClamped) {
  auto store = OpenMem();
  std::vector<Mention> batch;
  for (int i = 0; i < 1100; ++i) batch.push_back(M(std::to_string(i), "common word", kT0 + i));
  WriteOk(*store, batch);
  MentionFilter f;
  f.limit = 0;
  EXPECT_EQ(SearchOk(*store, f).items.size(), 1u);
  f.limit = -5;
  EXPECT_EQ(SearchOk(*store, f).items.size(), 1u);
  f.limit = 5000;
  EXPECT_EQ(SearchOk(*store, f).items.size(), 1000u);
  f.text = "common";
  EXPECT_EQ(SearchOk(*store, f).items.size(), 1000u);
}

// Pages through everything with `f` and checks the concatenation is exactly
// `want` (ids, newest first), with no page over `limit`.
void ExpectPagesCover(const Store& store, MentionFilter f, const std::vector<int64_t>& want) {
  std::vector<int64_t> got;
  for (int pages = 0; pages < 10000; ++pages) {
    MentionPage p = SearchOk(store, f);
    ASSERT_LE(static_cast<int>(p.items.size()), f.limit);
    for (const auto& m : p.items) got.push_back(m.id);
    if (!p.next) break;
    EXPECT_EQ(static_cast<int>(p.items.size()), f.limit);
    // Through the opaque form, as a client would.
    auto c = Cursor::Decode(p.next->Encode());
    ASSERT_TRUE(c.ok());
    f.after = *c;
  }
  EXPECT_EQ(got, want) << "text=\"" << f.text << "\" limit=" << f.limit;
}

TEST(SqliteStore, CursorPaginationHasNoGapsOrOverlap) {
  auto store = OpenMem();
  // Many equal timestamps, and arrival order unrelated to time.
  std::vector<Mention> batch;
  for (int i = 0; i < 237; ++i)
    batch.push_back(M("p" + std::to_string(i), i % 3 == 0 ? "common rare" : "common", kT0 + (i * 7919 % 37) * 1000));
  std::mt19937 rng(7);
  std::shuffle(batch.begin(), batch.end(), rng);
  for (size_t k = 0; k < batch.size(); k += 50) {
    std::vector<Mention> part(batch.begin() + static_cast<long>(k),
                              batch.begin() + static_cast<long>(std::min(batch.size(), k + 50)));
    WriteOk(*store, part);
    std::copy(part.begin(), part.end(), batch.begin() + static_cast<long>(k));
  }
  auto ordered = [&](auto pred) {
    std::vector<const Mention*> v;
    for (const auto& m : batch)
      if (pred(m)) v.push_back(&m);
    std::sort(v.begin(), v.end(), [](const Mention* a, const Mention* b) {
      return std::tie(a->created_at, a->id) > std::tie(b->created_at, b->id);
    });
    std::vector<int64_t> ids;
    for (const auto* m : v) ids.push_back(m->id);
    return ids;
  };
  auto all = ordered([](const Mention&) { return true; });
  auto rare = ordered([](const Mention& m) { return m.text == "common rare"; });
  for (int limit : {1, 7, 10, 50, 237, 1000}) {
    MentionFilter f;
    f.limit = limit;
    ExpectPagesCover(*store, f, all);
    f.text = "common";
    ExpectPagesCover(*store, f, all);
    f.text = "rare";
    ExpectPagesCover(*store, f, rare);
  }
}

// Random corpus with ids that do not follow time (a live stream, then a
// back-filled history, then a shuffle), spanning several id blocks; every
// search must equal a brute-force evaluation.
TEST(SqliteStore, TextSearchMatchesBruteForce) {
  auto store = OpenMem();
  std::mt19937 rng(42);
  const std::vector<std::string> vocab = {"panne", "réseau", "facture", "box",   "fibre",  "appel",  "client",
                                          "merci", "bonjour", "lent",   "coupé", "retard", "service", "mobile",
                                          "wifi",  "tv",      "rare1",  "rare2", "sav",    "forfait"};
  std::vector<double> weights;
  for (size_t i = 0; i < vocab.size(); ++i) weights.push_back(1.0 / static_cast<double>(i + 1));
  weights[16] = weights[17] = 0.004;
  std::discrete_distribution<size_t> word(weights.begin(), weights.end());
  std::vector<Mention> all;
  const int n = 30000;
  for (int i = 0; i < n; ++i) {
    base::Timestamp t;
    if (i < 12000) t = kT0 + i * 1000 + static_cast<int64_t>(rng() % 5000);          // roughly in order
    else if (i < 22000) t = kT0 - 30 * kDay + (i - 12000) * 2000;                     // back-fill
    else t = kT0 - 40 * kDay + static_cast<int64_t>(rng() % (50 * static_cast<uint64_t>(kDay)));  // anything
    std::string text;
    for (int w = 0; w < 6; ++w) text += vocab[word(rng)] + " ";
    Mention m = M("r" + std::to_string(i), text, t, rng() % 4 == 0 ? Channel::kForum : Channel::kTwitter);
    m.language = rng() % 3 == 0 ? "en" : "fr";
    all.push_back(std::move(m));
  }
  for (size_t k = 0; k < all.size(); k += 4096) {
    std::span<Mention> part(all.data() + k, std::min<size_t>(4096, all.size() - k));
    auto r = store->Write(part, {}, nullptr);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  auto contains_word = [](const std::string& text, std::string w) {
    if (w == "reseau") w = "réseau";
    if (w == "coupe") w = "coupé";
    return (" " + text).find(" " + w + " ") != std::string::npos;
  };
  struct Q {
    std::string text;
    std::optional<base::Timestamp> from, to;
    std::vector<Channel> channels;
    std::vector<std::string> langs;
    int limit;
  };
  std::vector<Q> queries = {
      {"panne", {}, {}, {}, {}, 50},
      {"panne reseau", {}, {}, {}, {}, 50},
      {"rare1", {}, {}, {}, {}, 50},
      {"rare1 rare2", {}, {}, {}, {}, 20},
      {"facture box", kT0 - 35 * kDay, kT0 - 20 * kDay, {}, {}, 30},
      {"merci", {}, kT0 - 10 * kDay, {Channel::kForum}, {}, 100},
      {"client appel", kT0, {}, {}, {"en"}, 10},
      {"panne", kT0 + 5000 * 1000, kT0 + 6000 * 1000, {Channel::kTwitter}, {"fr"}, 25},
      {"forfait sav", {}, {}, {}, {}, 1000},
      {"absentword", {}, {}, {}, {}, 50},
  };
  for (const Q& q : queries) {
    std::vector<const Mention*> want;
    std::istringstream words(q.text);
    std::vector<std::string> ws;
    for (std::string w; words >> w;) ws.push_back(w);
    for (const auto& m : all) {
      bool ok = std::all_of(ws.begin(), ws.end(), [&](const std::string& w) { return contains_word(m.text, w); });
      ok = ok && (!q.from || m.created_at >= *q.from) && (!q.to || m.created_at < *q.to);
      ok = ok && (q.channels.empty() || std::find(q.channels.begin(), q.channels.end(), m.channel) != q.channels.end());
      ok = ok && (q.langs.empty() || std::find(q.langs.begin(), q.langs.end(), m.language) != q.langs.end());
      if (ok) want.push_back(&m);
    }
    std::sort(want.begin(), want.end(), [](const Mention* a, const Mention* b) {
      return std::tie(a->created_at, a->id) > std::tie(b->created_at, b->id);
    });
    std::vector<int64_t> want_ids;
    for (const auto* m : want) want_ids.push_back(m->id);
    MentionFilter f;
    f.text = q.text;
    f.from = q.from;
    f.to = q.to;
    f.channels = q.channels;
    f.languages = q.langs;
    f.limit = q.limit;
    // First page, then all pages.
    MentionPage p = SearchOk(*store, f);
    std::vector<int64_t> first(want_ids.begin(), want_ids.begin() + std::min<long>(q.limit, static_cast<long>(want_ids.size())));
    EXPECT_EQ(Ids(p), first) << q.text;
    if (want_ids.size() < 3000) ExpectPagesCover(*store, f, want_ids);
  }
}

// ---- threads -------------------------------------------------------------------------

TEST(SqliteStore, ThreadsResolveWhateverTheArrivalOrder) {
  // A forest of reply trees; some roots never arrive (their replies must
  // share the missing root's id as thread).
  std::mt19937 rng(1);
  std::vector<Mention> nodes;
  std::map<std::string, std::string> want;  // native_id -> expected thread
  std::set<std::string> missing;
  for (int tree = 0; tree < 40; ++tree) {
    const std::string root = "t" + std::to_string(tree) + "-0";
    const bool root_missing = tree % 5 == 0;
    if (root_missing) missing.insert(root);
    std::vector<std::string> members = {root};
    const int size = (root_missing ? 2 : 1) + static_cast<int>(rng() % 11);
    if (!root_missing) nodes.push_back(M(root, "root", kT0 + tree));
    for (int k = 1; k < size; ++k) {
      std::string id = "t" + std::to_string(tree) + "-" + std::to_string(k);
      Mention m = M(id, "reply", kT0 + tree * 100 + k);
      m.reply_to = members[rng() % members.size()];
      members.push_back(id);
      nodes.push_back(m);
    }
    for (const auto& id : members)
      if (!(root_missing && id == root)) want[id] = root;
  }
  // The same ids on another channel are other conversations.
  Mention other = M("t1-1", "other channel", kT0, Channel::kFacebook);
  other.reply_to = "t1-0";
  nodes.push_back(other);

  for (int seed = 0; seed < 12; ++seed) {
    auto store = OpenMem();
    std::vector<Mention> order = nodes;
    std::mt19937 shuffle_rng(static_cast<unsigned>(seed));
    std::shuffle(order.begin(), order.end(), shuffle_rng);
    // Batches of random size, including one mention per Write.
    for (size_t k = 0; k < order.size();) {
      size_t len = seed % 3 == 0 ? 1 : 1 + shuffle_rng() % 40;
      len = std::min(len, order.size() - k);
      std::span<Mention> part(order.data() + k, len);
      auto r = store->Write(part, {}, nullptr);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      for (const auto& m : part) EXPECT_FALSE(m.thread_id.empty());
      k += len;
    }
    for (const auto& m : order) {
      auto got = store->Get(m.id);
      ASSERT_TRUE(got.ok() && got->has_value());
      if (m.channel == Channel::kFacebook) {
        EXPECT_EQ((*got)->thread_id, "t1-0");  // tentative: its parent is unknown on facebook
        continue;
      }
      EXPECT_EQ((*got)->thread_id, want.at(m.native_id)) << "seed " << seed << " " << m.native_id;
    }
    // The thread filter returns whole conversations.
    MentionFilter f;
    f.thread_id = "t3-0";
    f.limit = 1000;
    size_t want_n = 0;
    for (const auto& [id, t] : want) want_n += t == "t3-0";
    EXPECT_EQ(SearchOk(*store, f).items.size(), want_n);
    auto c = store->Counts();
    ASSERT_TRUE(c.ok());
    EXPECT_EQ(c->threads, 41);  // 40 trees + the facebook one
  }
}

// The maintained thread count equals a recount after any mix of inserts,
// updates that move a mention to another thread, explicit thread ids and
// replies to unknown parents.
TEST(SqliteStore, ThreadCountMatchesARecount) {
  TempDir dir;
  SqliteOptions o;
  o.path = dir.File("threads.db");
  o.synchronous = "off";
  auto store = OpenOrDie(o);
  std::mt19937 rng(5);
  for (int round = 0; round < 30; ++round) {
    std::vector<Mention> batch;
    for (int i = 0; i < 40; ++i) {
      Mention m = M("k" + std::to_string(rng() % 200), "text " + std::to_string(rng() % 4), kT0,
                    rng() % 3 == 0 ? Channel::kForum : Channel::kTwitter);
      uint32_t kind = rng() % 10;
      if (kind < 5) m.reply_to = "k" + std::to_string(rng() % 200);  // parent may be absent
      else if (kind == 5) m.thread_id = "explicit" + std::to_string(rng() % 5);
      batch.push_back(m);
    }
    WriteOk(*store, batch);
    auto c = store->Counts();
    ASSERT_TRUE(c.ok());
    ASSERT_EQ(c->threads, RawInt(o.path, "SELECT count(*) FROM (SELECT DISTINCT thread_id, channel FROM mentions)"))
        << "round " << round;
    ASSERT_EQ(c->mentions, RawInt(o.path, "SELECT count(*) FROM mentions"));
  }
}

TEST(SqliteStore, ExplicitThreadIdIsKept) {
  auto store = OpenMem();
  std::vector<Mention> batch = {M("a", "x", kT0), M("b", "y", kT0)};
  batch[1].reply_to = "a";
  batch[1].thread_id = "conversation-9";
  WriteOk(*store, batch);
  EXPECT_EQ(batch[1].thread_id, "conversation-9");
  EXPECT_EQ((*store->Get(batch[1].id))->thread_id, "conversation-9");
}

// ---- rollups -----------------------------------------------------------------------

TEST(SqliteStore, VolumeByHourDayWeekAndGroups) {
  auto store = OpenMem();
  // 2023-11-12 is a Sunday, 2023-11-13 a Monday.
  const base::Timestamp sunday = *base::ParseTimestamp("2023-11-12T23:30:00Z");
  const base::Timestamp monday = *base::ParseTimestamp("2023-11-13T01:10:00Z");
  std::vector<Mention> batch = {M("1", "a", sunday), M("2", "b", sunday + 60'000), M("3", "c", monday),
                                M("4", "d", monday + 2 * kHour, Channel::kForum),
                                M("5", "e", monday + 2 * kHour + 5, Channel::kForum)};
  batch[2].language = "en";
  batch[4].language = "en";
  WriteOk(*store, batch);
  const base::Timestamp from = *base::ParseTimestamp("2023-11-06T00:00:00Z");
  const base::Timestamp to = *base::ParseTimestamp("2023-11-20T00:00:00Z");
  auto vol = [&](Interval i, GroupBy g, std::vector<Channel> ch = {}, std::vector<std::string> langs = {}) {
    auto r = store->Volume(VolumeQuery{from, to, i, g, ch, langs, {}, {}, {}, {}, {}});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    std::vector<std::tuple<std::string, std::string, int64_t>> out;
    for (const auto& p : *r) out.emplace_back(base::FormatTimestamp(p.bucket), p.group, p.count);
    return out;
  };
  using V = std::vector<std::tuple<std::string, std::string, int64_t>>;
  EXPECT_EQ(vol(Interval::kHour, GroupBy::kNone),
            (V{{"2023-11-12T23:00:00Z", "", 2}, {"2023-11-13T01:00:00Z", "", 1}, {"2023-11-13T03:00:00Z", "", 2}}));
  EXPECT_EQ(vol(Interval::kDay, GroupBy::kNone), (V{{"2023-11-12T00:00:00Z", "", 2}, {"2023-11-13T00:00:00Z", "", 3}}));
  EXPECT_EQ(vol(Interval::kWeek, GroupBy::kNone), (V{{"2023-11-06T00:00:00Z", "", 2}, {"2023-11-13T00:00:00Z", "", 3}}));
  EXPECT_EQ(vol(Interval::kWeek, GroupBy::kChannel),
            (V{{"2023-11-06T00:00:00Z", "twitter", 2}, {"2023-11-13T00:00:00Z", "forum", 2},
               {"2023-11-13T00:00:00Z", "twitter", 1}}));
  EXPECT_EQ(vol(Interval::kDay, GroupBy::kLanguage),
            (V{{"2023-11-12T00:00:00Z", "fr", 2}, {"2023-11-13T00:00:00Z", "en", 2},
               {"2023-11-13T00:00:00Z", "fr", 1}}));
  EXPECT_EQ(vol(Interval::kDay, GroupBy::kNone, {Channel::kForum}), (V{{"2023-11-13T00:00:00Z", "", 2}}));
  EXPECT_EQ(vol(Interval::kDay, GroupBy::kChannel, {}, {"en"}),
            (V{{"2023-11-13T00:00:00Z", "forum", 1}, {"2023-11-13T00:00:00Z", "twitter", 1}}));
  EXPECT_EQ(vol(Interval::kDay, GroupBy::kNone, {Channel::kSms}), V{});

  // An update moves a mention to another hour and language: the old bucket
  // loses it, the new one gains it.
  std::vector<Mention> moved = {M("1", "a edited", monday + 2 * kHour)};
  moved[0].language = "en";
  std::vector<WriteOutcome> out;
  WriteOk(*store, moved, &out);
  EXPECT_EQ(out[0], WriteOutcome::kUpdated);
  EXPECT_EQ(vol(Interval::kHour, GroupBy::kLanguage),
            (V{{"2023-11-12T23:00:00Z", "fr", 1}, {"2023-11-13T01:00:00Z", "en", 1}, {"2023-11-13T03:00:00Z", "en", 2},
               {"2023-11-13T03:00:00Z", "fr", 1}}));
  // A duplicate changes nothing.
  std::vector<Mention> dup = moved;
  WriteOk(*store, dup);
  EXPECT_EQ(vol(Interval::kWeek, GroupBy::kNone), (V{{"2023-11-06T00:00:00Z", "", 1}, {"2023-11-13T00:00:00Z", "", 4}}));

  // Range bounds: from is floored to the hour, to is exclusive.
  auto r = store->Volume(VolumeQuery{monday + 2 * kHour + 30 * 60'000, monday + 3 * kHour, Interval::kHour,
                                     GroupBy::kNone, {}, {}, {}, {}, {}, {}, {}});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);
  EXPECT_EQ((*r)[0].count, 3);
  r = store->Volume(VolumeQuery{monday, *base::ParseTimestamp("2023-11-13T03:00:00Z"), Interval::kHour,
                                 GroupBy::kNone, {}, {}, {}, {}, {}, {}, {}});
  ASSERT_TRUE(r.ok());
  ASSERT_EQ(r->size(), 1u);  // only the 01:00 bucket: 03:00 starts at `to`

  // Bad ranges.
  auto bad = store->Volume(VolumeQuery{to, from, Interval::kDay, GroupBy::kNone, {}, {}, {}, {}, {}, {}, {}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
  bad = store->Volume(VolumeQuery{0, kT0, Interval::kHour, GroupBy::kNone, {}, {}, {}, {}, {}, {}, {}});
  EXPECT_EQ(bad.status().code(), base::StatusCode::kInvalidArgument);
}

TEST(SqliteStore, VolumeMatchesMentionsAfterManyWrites) {
  auto store = OpenMem();
  std::mt19937 rng(3);
  std::map<std::string, Mention> latest;
  for (int round = 0; round < 20; ++round) {
    std::vector<Mention> batch;
    for (int i = 0; i < 100; ++i) {
      Mention m = M("k" + std::to_string(rng() % 500), "t" + std::to_string(rng() % 3),
                    kT0 + static_cast<int64_t>(rng() % 72) * kHour, rng() % 2 ? Channel::kNews : Channel::kBlog);
      m.language = rng() % 2 ? "fr" : "de";
      batch.push_back(m);
    }
    WriteOk(*store, batch);
    for (const auto& m : batch) latest[std::string(ChannelName(m.channel)) + "/" + m.native_id] = m;
  }
  std::map<std::pair<base::Timestamp, std::string>, int64_t> want;
  for (const auto& [k, m] : latest) want[{base::FloorDay(m.created_at), m.language}] += 1;
  auto r = store->Volume(VolumeQuery{kT0 - kDay, kT0 + 5 * kDay, Interval::kDay, GroupBy::kLanguage, {}, {}, {}, {}, {}, {}, {}});
  ASSERT_TRUE(r.ok());
  std::map<std::pair<base::Timestamp, std::string>, int64_t> got;
  for (const auto& p : *r) got[{p.bucket, p.group}] = p.count;
  EXPECT_EQ(got, want);
  EXPECT_EQ(store->Counts()->mentions, static_cast<int64_t>(latest.size()));
}

// ---- rejects ---------------------------------------------------------------------

TEST(SqliteStore, RejectsAreStoredAndListed) {
  base::FakeClock clock(kT0);
  auto store = OpenMem(&clock);
  std::vector<model::Rejection> rejects;
  for (int i = 0; i < 25; ++i)
    rejects.push_back({"import.jsonl", "import.jsonl:" + std::to_string(i + 1), i % 2 ? "created_at" : "",
                       "reason " + std::to_string(i), "{\"i\":" + std::to_string(i) + "}"});
  rejects[3].raw = std::string(10000, 'x') + "é";
  std::vector<Mention> one = {M("1", "ok", kT0)};
  auto r = store->Write(one, rejects, nullptr);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->rejected, 25);
  EXPECT_EQ(r->inserted, 1);
  clock.Advance(1000);
  std::vector<model::Rejection> more = {{"http", "POST /api/v1/mentions[0]", "text", "empty text", "{}"}};
  ASSERT_TRUE(store->Write({}, more, nullptr).ok());

  auto page = store->Rejects(10, 0);
  ASSERT_TRUE(page.ok());
  ASSERT_EQ(page->size(), 10u);
  EXPECT_EQ((*page)[0].rejection.location, "POST /api/v1/mentions[0]");
  EXPECT_EQ((*page)[0].received_at, kT0 + 1000);
  EXPECT_EQ((*page)[1].rejection.location, "import.jsonl:25");
  EXPECT_EQ((*page)[1].rejection.field, "");
  EXPECT_EQ((*page)[1].received_at, kT0);
  std::vector<StoredReject> all = *page;
  while (true) {
    auto next = store->Rejects(10, all.back().id);
    ASSERT_TRUE(next.ok());
    if (next->empty()) break;
    all.insert(all.end(), next->begin(), next->end());
  }
  ASSERT_EQ(all.size(), 26u);
  for (size_t i = 1; i < all.size(); ++i) EXPECT_LT(all[i].id, all[i - 1].id);
  const auto& big = all[26 - 4];
  EXPECT_EQ(big.rejection.location, "import.jsonl:4");
  EXPECT_EQ(big.rejection.raw.size(), model::kMaxRejectRawBytes);
  EXPECT_EQ(all.back().rejection.reason, "reason 0");
  EXPECT_EQ(all.back().rejection.raw, "{\"i\":0}");
  EXPECT_EQ(store->Counts()->rejects, 26);
  EXPECT_EQ(store->Rejects(0, 0)->size(), 1u);  // clamped
}

// ---- concurrency ------------------------------------------------------------------

TEST(SqliteStore, ReadersRunDuringWrites) {
  TempDir dir;
  SqliteOptions o;
  o.path = dir.File("c.db");
  o.synchronous = "normal";
  o.read_connections = 2;  // fewer connections than reader threads: the pool must block, not fail
  auto store = OpenOrDie(o);
  std::atomic<bool> done{false};
  std::atomic<int> errors{0};
  std::atomic<int64_t> reads{0};
  std::vector<std::thread> readers;
  for (int t = 0; t < 3; ++t) {
    readers.emplace_back([&, t] {
      int64_t last_count = 0;
      while (!done.load()) {
        MentionFilter f;
        f.text = t == 0 ? "panne" : "";
        f.limit = 20;
        auto p = store->Search(f);
        if (!p.ok()) ++errors;
        else if (p->next) {
          f.after = p->next;
          if (!store->Search(f).ok()) ++errors;
        }
        auto c = store->Counts();
        if (!c.ok() || c->mentions < last_count) ++errors;
        else last_count = c->mentions;
        if (!store->Volume(VolumeQuery{kT0 - kDay, kT0 + 30 * kDay, Interval::kDay, GroupBy::kChannel, {}, {}, {}, {}, {}, {}, {}}).ok())
          ++errors;
        if (p.ok() && !p->items.empty()) {
          auto g = store->Get(p->items[0].id);
          if (!g.ok() || !g->has_value()) ++errors;
        }
        ++reads;
      }
    });
  }
  int64_t written = 0;
  for (int b = 0; b < 40; ++b) {
    std::vector<Mention> batch;
    for (int i = 0; i < 500; ++i) {
      int n = b * 500 + i;
      batch.push_back(M("c" + std::to_string(n), n % 2 ? "panne reseau" : "merci", kT0 + n * 1000));
      if (n % 7 == 0 && n > 0) batch.back().reply_to = "c" + std::to_string(n - 1);
    }
    auto r = store->Write(batch, {}, nullptr);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    written += r->inserted;
  }
  done = true;
  for (auto& t : readers) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(store->Counts()->mentions, written);
}

}  // namespace
}  // namespace ecoute::store
