// End-to-end tests of the HTTP API over loopback, against an in-memory
// FakeStore, a fake ingest function and a small JSON decoder defined here, so
// that only the api module's own code is under test.
#include "api/server.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "api/api_testing.h"
#include "store/testing.h"

namespace ecoute::api {
namespace {

using nlohmann::json;

base::Timestamp T(const char* s) { return *base::ParseTimestamp(s); }

std::string LocationOf(const ingest::Location& where) {
  if (where.line > 0) return std::string(where.source) + ":" + std::to_string(where.line);
  return std::string(where.source) + "[" + std::to_string(where.index) + "]";
}

// {"channel","native_id","text","created_at"} required; "lang", "author",
// "thread_id" optional.
class TestDecoder : public ingest::Decoder {
 public:
  std::string_view name() const override { return "test"; }
  void Decode(std::string_view record, const ingest::Location& where, std::vector<model::Mention>& out,
              std::vector<model::Rejection>& rejects) const override {
    auto reject = [&](std::string field, std::string reason) {
      rejects.push_back({std::string(where.source), LocationOf(where), std::move(field), std::move(reason),
                         std::string(record.substr(0, model::kMaxRejectRawBytes)), where.line, where.index});
    };
    json j = json::parse(record, nullptr, false);
    if (j.is_discarded() || !j.is_object()) return reject("", "invalid JSON object");
    for (const char* f : {"channel", "native_id", "text", "created_at"}) {
      if (!j.contains(f) || !j[f].is_string() || j[f].get<std::string>().empty()) return reject(f, "missing");
    }
    model::Mention m;
    auto channel = model::ParseChannel(j["channel"].get<std::string>());
    if (!channel) return reject("channel", "unknown channel");
    m.channel = *channel;
    auto created = base::ParseTimestamp(j["created_at"].get<std::string>());
    if (!created.ok()) return reject("created_at", created.status().message());
    m.created_at = *created;
    m.native_id = j["native_id"];
    m.text = j["text"];
    if (j.contains("lang")) m.language = j["lang"];
    if (j.contains("author")) m.author.handle = j["author"];
    if (j.contains("thread_id")) m.thread_id = j["thread_id"];
    out.push_back(std::move(m));
  }
};

std::string UrlEncode(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", c);
      out += buf;
    }
  }
  return out;
}

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

bool Contains(const std::vector<model::Channel>& v, model::Channel c) {
  return v.empty() || std::find(v.begin(), v.end(), c) != v.end();
}
bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return v.empty() || std::find(v.begin(), v.end(), s) != v.end();
}

// In-memory Store with the filter semantics of store.h (text = substring,
// case-insensitive).
// Monitored queries are tested against the real store (queries_api_test.cc).
class FakeStore : public store::StoreWithoutQueries {
 public:
  base::Result<store::WriteSummary> Write(std::span<model::Mention> mentions,
                                          std::span<const model::Rejection> rejects,
                                          std::vector<store::WriteOutcome>* outcomes) override {
    std::lock_guard lock(mu_);
    store::WriteSummary s;
    for (model::Mention& m : mentions) {
      auto key = std::make_pair(m.channel, m.native_id);
      auto it = by_key_.find(key);
      if (it == by_key_.end()) {
        m.id = next_id_++;
        by_key_[key] = mentions_.size();
        mentions_.push_back(m);
        ++s.inserted;
        if (outcomes) outcomes->push_back(store::WriteOutcome::kInserted);
      } else {
        model::Mention& old = mentions_[it->second];
        m.id = old.id;
        if (old.text == m.text) {
          ++s.duplicates;
          if (outcomes) outcomes->push_back(store::WriteOutcome::kDuplicate);
        } else {
          old = m;
          ++s.updated;
          if (outcomes) outcomes->push_back(store::WriteOutcome::kUpdated);
        }
      }
    }
    for (const model::Rejection& r : rejects) {
      rejects_.push_back({next_reject_id_++, T("2024-03-10T12:00:00Z"), r});
      ++s.rejected;
    }
    return s;
  }

  base::Result<store::MentionPage> Search(const store::MentionFilter& f) const override {
    if (fail) return base::Status::IoError("disk on fire");
    std::lock_guard lock(mu_);
    std::vector<model::Mention> hits;
    for (const model::Mention& m : mentions_) {
      if (!f.text.empty() && Lower(m.text).find(Lower(f.text)) == std::string::npos) continue;
      if (f.from && m.created_at < *f.from) continue;
      if (f.to && m.created_at >= *f.to) continue;
      if (!Contains(f.channels, m.channel) || !Contains(f.languages, m.language)) continue;
      if (!f.author.empty() && Lower(f.author) != Lower(m.author.handle)) continue;
      if (!f.thread_id.empty() && f.thread_id != m.thread_id) continue;
      if (f.after && (m.created_at > f.after->created_at ||
                      (m.created_at == f.after->created_at && m.id >= f.after->id))) {
        continue;
      }
      hits.push_back(m);
    }
    std::sort(hits.begin(), hits.end(), [](const model::Mention& a, const model::Mention& b) {
      return a.created_at != b.created_at ? a.created_at > b.created_at : a.id > b.id;
    });
    store::MentionPage page;
    for (size_t i = 0; i < hits.size() && static_cast<int>(i) < f.limit; ++i) page.items.push_back(hits[i]);
    if (static_cast<int>(hits.size()) > f.limit) {
      page.next = store::Cursor{page.items.back().created_at, page.items.back().id};
    }
    return page;
  }

  base::Result<std::optional<model::Mention>> Get(int64_t id) const override {
    if (fail) return base::Status::IoError("disk on fire");
    std::lock_guard lock(mu_);
    for (const model::Mention& m : mentions_) {
      if (m.id == id) return std::optional<model::Mention>(m);
    }
    return std::optional<model::Mention>();
  }

  base::Result<std::vector<store::VolumePoint>> Volume(const store::VolumeQuery& q) const override {
    if (fail) return base::Status::IoError("disk on fire");
    std::lock_guard lock(mu_);
    last_volume_query = q;
    std::map<std::pair<base::Timestamp, std::string>, int64_t> counts;
    for (const model::Mention& m : mentions_) {
      if (m.created_at < q.from || m.created_at >= q.to) continue;
      if (!Contains(q.channels, m.channel) || !Contains(q.languages, m.language)) continue;
      const model::Enrichment& e = m.enrichment;
      if (!q.sentiments.empty() && !Contains(q.sentiments, e.sentiment.value_or(""))) continue;
      if (!q.categories.empty() && !Contains(q.categories, e.category.value_or(""))) continue;
      if (!q.severity_levels.empty() && !Contains(q.severity_levels, e.severity_level.value_or(""))) continue;
      if (q.needs_reply && e.needs_reply != q.needs_reply) continue;
      // Hourly points, as a rollup table would give them.
      std::string group = q.group_by == store::GroupBy::kChannel     ? std::string(model::ChannelName(m.channel))
                          : q.group_by == store::GroupBy::kLanguage   ? m.language
                          : q.group_by == store::GroupBy::kSentiment  ? e.sentiment.value_or("")
                          : q.group_by == store::GroupBy::kCategory   ? e.category.value_or("")
                          : q.group_by == store::GroupBy::kSeverity   ? e.severity_level.value_or("")
                          : q.group_by == store::GroupBy::kNeedsReply ? (e.needs_reply ? (*e.needs_reply ? "true" : "false") : "")
                                                                      : std::string();
      ++counts[{base::FloorHour(m.created_at), group}];
    }
    std::vector<store::VolumePoint> out;
    for (const auto& [k, n] : counts) out.push_back({k.first, k.second, n});
    return out;
  }

  base::Result<std::vector<store::StoredReject>> Rejects(int limit, int64_t before_id) const override {
    if (fail) return base::Status::IoError("disk on fire");
    std::lock_guard lock(mu_);
    std::vector<store::StoredReject> out;
    for (auto it = rejects_.rbegin(); it != rejects_.rend() && static_cast<int>(out.size()) < limit; ++it) {
      if (before_id == 0 || it->id < before_id) out.push_back(*it);
    }
    return out;
  }

  base::Result<store::StoreCounts> Counts() const override {
    if (fail) return base::Status::IoError("disk on fire");
    std::lock_guard lock(mu_);
    std::set<std::string> threads;
    for (const auto& m : mentions_) threads.insert(m.thread_id);
    return store::StoreCounts{static_cast<int64_t>(mentions_.size()), static_cast<int64_t>(rejects_.size()),
                              static_cast<int64_t>(threads.size()), 4096};
  }

  // Applies the correction like the SQLite store (validation is the
  // server's job here; the store's own is tested in src/store).
  base::Result<model::Mention> CorrectLabels(int64_t id, const store::LabelCorrection& c) override {
    std::lock_guard lock(mu_);
    last_correction = c;
    for (model::Mention& m : mentions_) {
      if (m.id != id) continue;
      model::Enrichment& e = m.enrichment;
      auto mark = [&](const char* f) {
        if (std::find(e.corrected.begin(), e.corrected.end(), f) == e.corrected.end()) e.corrected.push_back(f);
      };
      if (c.sentiment) { e.sentiment = c.sentiment; mark("sentiment"); }
      if (c.needs_reply) { e.needs_reply = c.needs_reply; mark("needs_reply"); }
      if (c.category) { e.category = c.category; mark("category"); }
      if (c.severity_level) { e.severity_level = c.severity_level; mark("severity_level"); }
      std::sort(e.corrected.begin(), e.corrected.end());
      return m;
    }
    return base::Status::NotFound("mention " + std::to_string(id) + ": no such mention");
  }

  // Sets the labels of the mention with `native_id`, as a classifier would have.
  void SetLabels(const std::string& native_id, std::optional<std::string> sentiment,
                 std::optional<std::string> category, std::optional<std::string> severity_level,
                 std::optional<bool> needs_reply) {
    std::lock_guard lock(mu_);
    for (model::Mention& m : mentions_) {
      if (m.native_id != native_id) continue;
      m.enrichment.sentiment = std::move(sentiment);
      m.enrichment.category = std::move(category);
      m.enrichment.severity_level = std::move(severity_level);
      m.enrichment.needs_reply = needs_reply;
      return;
    }
  }

  std::atomic<bool> fail{false};
  mutable store::VolumeQuery last_volume_query;
  std::optional<store::LabelCorrection> last_correction;

 private:
  mutable std::mutex mu_;
  std::vector<model::Mention> mentions_;
  std::map<std::pair<model::Channel, std::string>, size_t> by_key_;
  std::vector<store::StoredReject> rejects_;
  int64_t next_id_ = 1;
  int64_t next_reject_id_ = 1;
};

// Decodes with the batch's decoder and writes to the FakeStore, like a
// pipeline would.
struct FakeIngest {
  FakeStore* store;
  std::atomic<bool>* closed;
  std::atomic<int>* batches;
  std::string* last_source;
  base::Result<pipeline::BatchReport> operator()(ingest::RawBatch batch) const {
    if (closed->load()) return base::Status::Unavailable("shutting down");
    ++*batches;
    *last_source = batch.source;
    std::vector<model::Mention> mentions;
    pipeline::BatchReport report;
    for (size_t i = 0; i < batch.records.size(); ++i) {
      batch.decoder->Decode(batch.record(i), batch.location(i), mentions, report.rejections);
    }
    auto summary = store->Write(mentions, report.rejections, nullptr);
    if (!summary.ok()) return summary.status();
    report.summary = *summary;
    for (const auto& m : mentions) report.ids.push_back(m.id);
    return report;
  }
};

std::string Line(const std::string& channel, const std::string& id, const std::string& text, const std::string& at,
                 const std::string& lang = "en", const std::string& author = "", const std::string& thread = "") {
  json j = {{"channel", channel}, {"native_id", id}, {"text", text}, {"created_at", at}, {"lang", lang}};
  if (!author.empty()) j["author"] = author;
  if (!thread.empty()) j["thread_id"] = thread;
  return j.dump();
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(ServerOptions{}); }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  void StartServer(ServerOptions options) {
    options.port = 0;
    options.threads = 4;
    options.keep_alive_seconds = 1;
    server_ = std::make_unique<Server>(options, store_, FakeIngest{&store_, &closed_, &batches_, &last_source_},
                                       std::make_shared<TestDecoder>(), &auth_.authenticator(), metrics_, clock_);
    base::Status s = server_->Start();
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_GT(server_->port(), 0);
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_connection_timeout(5);
    client_->set_read_timeout(10);
    auth_.SignIn(*client_);
  }

  httplib::Result Post(const std::string& body, const std::string& type = "application/x-ndjson",
                       const std::string& path = "/api/v1/mentions") {
    return client_->Post(path.c_str(), body, type.c_str());
  }

  // GETs `path`, checks the status and the JSON content type, parses the body.
  json GetJson(const std::string& path, int want_status = 200) {
    auto res = client_->Get(path.c_str());
    EXPECT_TRUE(res) << path << ": " << httplib::to_string(res.error());
    if (!res) return json();
    EXPECT_EQ(res->status, want_status) << path << ": " << res->body;
    EXPECT_EQ(res->get_header_value("Content-Type").rfind("application/json", 0), 0u) << path;
    json j = json::parse(res->body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << res->body;
    return j;
  }

  // Checks a 400 naming `field` and `value`.
  void ExpectBadParam(const std::string& path, const std::string& field, const std::string& value) {
    SCOPED_TRACE(path);
    json j = GetJson(path, 400);
    ASSERT_TRUE(j.contains("error")) << j.dump();
    EXPECT_EQ(j["error"]["code"], "invalid_argument");
    EXPECT_EQ(j["error"]["field"], field) << j.dump();
    EXPECT_NE(j["error"]["message"].get<std::string>().find(value), std::string::npos) << j.dump();
  }

  json PostJson(const std::string& body, const std::string& type = "application/x-ndjson", int want_status = 200) {
    auto res = Post(body, type);
    EXPECT_TRUE(res);
    if (!res) return json();
    EXPECT_EQ(res->status, want_status) << res->body;
    json j = json::parse(res->body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << res->body;
    return j;
  }

  // Seven mentions over two days, for filter, paging and volume tests.
  void Seed() {
    std::string body;
    body += Line("twitter", "1", "Battery died again", "2024-03-10T10:00:00Z", "en", "alice", "t1") + "\n";
    body += Line("twitter", "2", "batterie morte", "2024-03-10T10:05:00Z", "fr", "bob", "t1") + "\n";
    body += Line("email", "3", "refund please", "2024-03-10T10:10:00Z", "en", "carol", "t2") + "\n";
    body += Line("forum", "4", "battery life is great", "2024-03-10T11:00:00Z", "en", "Alice", "t3") + "\n";
    body += Line("twitter", "5", "love it", "2024-03-10T11:30:00Z", "en", "dave", "t4") + "\n";
    body += Line("review", "6", "gut", "2024-03-09T09:00:00Z", "de", "erik", "t5") + "\n";
    body += Line("twitter", "7", "battery again", "2024-03-10T12:00:00Z", "en", "alice", "t1") + "\n";
    json r = PostJson(body);
    ASSERT_EQ(r["inserted"], 7) << r.dump();
  }

  static std::vector<std::string> NativeIds(const json& page) {
    std::vector<std::string> out;
    for (const auto& m : page["items"]) out.push_back(m["native_id"]);
    return out;
  }

  base::FakeClock clock_{T("2024-03-10T12:30:00Z")};
  testing::TestAuth auth_{&clock_};
  base::MetricsRegistry metrics_;
  FakeStore store_;
  std::atomic<bool> closed_{false};
  std::atomic<int> batches_{0};
  std::string last_source_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST(ServerRoutes, TableHasUniqueMethodAndPath) {
  const auto& routes = Server::Routes();
  ASSERT_FALSE(routes.empty());
  std::set<std::pair<std::string, std::string>> seen;
  for (const auto& r : routes) EXPECT_TRUE(seen.insert({r.method, r.path}).second) << r.method << " " << r.path;
  EXPECT_TRUE(seen.count({"POST", "/api/v1/mentions"}));
  EXPECT_TRUE(seen.count({"GET", "/api/v1/mentions/{id}"}));
}

TEST_F(ServerTest, PostOneObjectSpanningLines) {
  std::string body = R"({
    "channel": "twitter",
    "native_id": "42",
    "text": "Mon colis est perdu",
    "created_at": "2024-03-10T08:00:00Z",
    "lang": "fr"
  })";
  json r = PostJson(body, "application/json");
  EXPECT_EQ(r["accepted"], 1);
  EXPECT_EQ(r["inserted"], 1);
  EXPECT_EQ(r["updated"], 0);
  EXPECT_EQ(r["duplicates"], 0);
  EXPECT_EQ(r["rejected"], 0);
  ASSERT_EQ(r["ids"].size(), 1u);
  EXPECT_TRUE(r["errors"].empty());
  EXPECT_EQ(last_source_, kPostSource);

  int64_t id = r["ids"][0];
  json m = GetJson("/api/v1/mentions/" + std::to_string(id));
  EXPECT_EQ(m["id"], id);
  EXPECT_EQ(m["native_id"], "42");
  EXPECT_EQ(m["text"], "Mon colis est perdu");
  EXPECT_EQ(m["lang"], "fr");
  EXPECT_EQ(m["created_at"], "2024-03-10T08:00:00Z");
}

TEST_F(ServerTest, PostJsonLinesThenRepostIsDuplicatesThenChangeIsUpdate) {
  std::string body = Line("twitter", "1", "a", "2024-03-10T08:00:00Z") + "\n" +
                     Line("twitter", "2", "b", "2024-03-10T08:01:00Z") + "\n" +
                     Line("email", "1", "c", "2024-03-10T08:02:00Z") + "\n";
  json r = PostJson(body);
  EXPECT_EQ(r["accepted"], 3);
  EXPECT_EQ(r["inserted"], 3);
  EXPECT_EQ(r["ids"].size(), 3u);

  json again = PostJson(body, "application/x-ndjson; charset=utf-8");
  EXPECT_EQ(again["accepted"], 0);
  EXPECT_EQ(again["duplicates"], 3);
  EXPECT_EQ(again["ids"], r["ids"]);

  json changed = PostJson(Line("twitter", "2", "b edited", "2024-03-10T08:01:00Z"), "application/json");
  EXPECT_EQ(changed["accepted"], 1);
  EXPECT_EQ(changed["updated"], 1);
  EXPECT_EQ(changed["ids"][0], r["ids"][1]);
}

TEST_F(ServerTest, BadLinesAreReportedWithIndexAndLine) {
  std::string body = Line("twitter", "1", "ok", "2024-03-10T08:00:00Z") + "\n" +  // line 1, index 0
                     "{not json\n" +                                              // line 2, index 1
                     "\n" +                                                       // line 3, blank
                     R"({"channel":"twitter","native_id":"3","created_at":"2024-03-10"})" + "\n" +  // line 4, index 2
                     Line("forum", "4", "ok too", "2024-03-10T08:00:00Z") + "\n";  // line 5, index 3
  json r = PostJson(body);
  EXPECT_EQ(r["accepted"], 2);
  EXPECT_EQ(r["rejected"], 2);
  EXPECT_EQ(r["ids"].size(), 2u);
  ASSERT_EQ(r["errors"].size(), 2u) << r.dump();
  EXPECT_EQ(r["errors"][0]["index"], 1);
  EXPECT_EQ(r["errors"][0]["line"], 2);
  EXPECT_EQ(r["errors"][0]["field"], "");
  EXPECT_EQ(r["errors"][1]["index"], 2);
  EXPECT_EQ(r["errors"][1]["line"], 4);
  EXPECT_EQ(r["errors"][1]["field"], "text");
  EXPECT_EQ(r["errors"][1]["reason"], "missing");

  // The rejects are kept and listed newest first.
  json rejects = GetJson("/api/v1/rejects");
  ASSERT_EQ(rejects["items"].size(), 2u);
  EXPECT_EQ(rejects["items"][0]["field"], "text");
  EXPECT_EQ(rejects["items"][0]["location"], std::string(kPostSource) + ":4");
  EXPECT_EQ(rejects["items"][0]["source"], kPostSource);
  EXPECT_NE(rejects["items"][0]["raw"].get<std::string>().find("\"native_id\":\"3\""), std::string::npos);
  EXPECT_TRUE(rejects["next_before"].is_null());

  json first = GetJson("/api/v1/rejects?limit=1");
  ASSERT_EQ(first["items"].size(), 1u);
  ASSERT_TRUE(first["next_before"].is_number());
  json second = GetJson("/api/v1/rejects?limit=1&before=" + std::to_string(first["next_before"].get<int64_t>()));
  ASSERT_EQ(second["items"].size(), 1u);
  EXPECT_EQ(second["items"][0]["field"], "");
  EXPECT_LT(second["items"][0]["id"].get<int64_t>(), first["items"][0]["id"].get<int64_t>());
}

TEST_F(ServerTest, BadElementOfAJsonArrayIsReportedByIndex) {
  std::string body = "[" + Line("twitter", "1", "ok", "2024-03-10T08:00:00Z") + ",\n" +
                     R"({"channel":"twitter","native_id":"2"})" + ",\n" + Line("twitter", "3", "ok", "2024-03-10") + "]";
  json r = PostJson(body, "application/json");
  EXPECT_EQ(r["accepted"], 2);
  ASSERT_EQ(r["errors"].size(), 1u) << r.dump();
  EXPECT_EQ(r["errors"][0]["index"], 1);
  EXPECT_EQ(r["errors"][0]["field"], "text");
}

TEST_F(ServerTest, BodyTooLargeIs413) {
  server_->Stop();
  ServerOptions o;
  o.max_body_bytes = 4096;
  StartServer(o);
  std::string body;
  while (body.size() < 10000) body += Line("twitter", std::to_string(body.size()), "x", "2024-03-10") + "\n";
  auto res = Post(body);
  ASSERT_TRUE(res) << httplib::to_string(res.error());
  EXPECT_EQ(res->status, 413);
  json j = json::parse(res->body, nullptr, false);
  ASSERT_FALSE(j.is_discarded()) << res->body;
  EXPECT_EQ(j["error"]["code"], "payload_too_large");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("4096"), std::string::npos);
  EXPECT_EQ(batches_.load(), 0);

  // A small body still goes through.
  json ok = PostJson(Line("twitter", "1", "x", "2024-03-10"));
  EXPECT_EQ(ok["accepted"], 1);
}

TEST_F(ServerTest, PostNeedsJsonContentTypeAndRecords) {
  auto res = Post(Line("twitter", "1", "x", "2024-03-10"), "text/csv");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415);
  json j = json::parse(res->body);
  EXPECT_EQ(j["error"]["code"], "unsupported_media_type");
  EXPECT_EQ(j["error"]["field"], "Content-Type");

  res = Post(Line("twitter", "1", "x", "2024-03-10"), "application/json; charset=latin1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415);

  res = Post("\n  \n", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "invalid_argument");

  res = Post(Line("twitter", "1", "x", "2024-03-10"), "application/json", "/api/v1/mentions?dry_run=1");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400);
  EXPECT_EQ(json::parse(res->body)["error"]["field"], "dry_run");
  EXPECT_EQ(batches_.load(), 0);
}

TEST_F(ServerTest, PostWhileShuttingDownIs503) {
  closed_ = true;
  auto res = Post(Line("twitter", "1", "x", "2024-03-10"));
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 503);
  EXPECT_EQ(json::parse(res->body)["error"]["code"], "unavailable");
}

TEST_F(ServerTest, ListFiltersNewestFirst) {
  Seed();
  EXPECT_EQ(NativeIds(GetJson("/api/v1/mentions")), (std::vector<std::string>{"7", "5", "4", "3", "2", "1", "6"}));
  EXPECT_EQ(NativeIds(GetJson("/api/v1/mentions?q=battery")), (std::vector<std::string>{"7", "4", "1"}));
  EXPECT_EQ(NativeIds(GetJson("/api/v1/mentions?channel=twitter,email&lang=en")),
            (std::vector<std::string>{"7", "5", "3", "1"}));
  EXPECT_EQ(NativeIds(GetJson("/api/v1/mentions?channel=twitter&channel=review")),
            (std::vector<std::string>{"7", "5", "2", "1", "6"}));
  EXPECT_EQ(NativeIds(GetJson("/api/v1/mentions?from=2024-03-10T10:05:00Z&to=2024-03-10T11:30:00Z")),
            (std::vector<std::string>{"4", "3", "2"}));
  EXPECT_EQ(NativeIds(GetJson("/api/v1/mentions?from=1710064800&to=2024-03-10%2011:00:00")),  // 10:00Z, Unix seconds
            (std::vector<std::string>{"3", "2", "1"}));
  EXPECT_EQ(NativeIds(GetJson("/api/v1/mentions?author=alice")), (std::vector<std::string>{"7", "4", "1"}));
  EXPECT_EQ(NativeIds(GetJson("/api/v1/mentions?thread=t1&lang=fr")), (std::vector<std::string>{"2"}));
  json none = GetJson("/api/v1/mentions?q=nothing-matches");
  EXPECT_TRUE(none["items"].empty());
  EXPECT_TRUE(none["next_cursor"].is_null());
}

TEST_F(ServerTest, CursorPagingVisitsEveryMentionOnce) {
  Seed();
  std::vector<std::string> all;
  std::vector<size_t> sizes;
  std::string path = "/api/v1/mentions?limit=3";
  for (int page = 0; page < 10; ++page) {
    json j = GetJson(path);
    sizes.push_back(j["items"].size());
    for (const auto& id : NativeIds(j)) all.push_back(id);
    if (j["next_cursor"].is_null()) break;
    path = "/api/v1/mentions?limit=3&cursor=" + UrlEncode(j["next_cursor"].get<std::string>());
  }
  EXPECT_EQ(sizes, (std::vector<size_t>{3, 3, 1}));
  EXPECT_EQ(all, (std::vector<std::string>{"7", "5", "4", "3", "2", "1", "6"}));
}

TEST_F(ServerTest, GetByIdAnd404) {
  Seed();
  json page = GetJson("/api/v1/mentions?limit=1");
  int64_t id = page["items"][0]["id"];
  EXPECT_EQ(GetJson("/api/v1/mentions/" + std::to_string(id))["native_id"], "7");
  json missing = GetJson("/api/v1/mentions/999999", 404);
  EXPECT_EQ(missing["error"]["code"], "not_found");
  EXPECT_NE(missing["error"]["message"].get<std::string>().find("999999"), std::string::npos);
  ExpectBadParam("/api/v1/mentions/abc", "id", "'abc'");
  ExpectBadParam("/api/v1/mentions/0", "id", "'0'");
  ExpectBadParam("/api/v1/mentions/99999999999999999999", "id", "99999999999999999999");
}

TEST_F(ServerTest, VolumeIsZeroFilledAndGrouped) {
  Seed();
  json v = GetJson("/api/v1/stats/volume?from=2024-03-10T09:00:00Z&to=2024-03-10T13:00:00Z");
  EXPECT_EQ(v["interval"], "hour");
  EXPECT_EQ(v["from"], "2024-03-10T09:00:00Z");
  EXPECT_EQ(v["to"], "2024-03-10T13:00:00Z");
  ASSERT_EQ(v["series"].size(), 1u);
  EXPECT_TRUE(v["series"][0]["group"].is_null());
  const json& pts = v["series"][0]["points"];
  ASSERT_EQ(pts.size(), 4u);
  EXPECT_EQ(pts[0]["t"], "2024-03-10T09:00:00Z");
  EXPECT_EQ(pts[3]["t"], "2024-03-10T12:00:00Z");
  std::vector<int64_t> counts;
  for (const auto& p : pts) counts.push_back(p["count"]);
  EXPECT_EQ(counts, (std::vector<int64_t>{0, 3, 2, 1}));

  json g = GetJson("/api/v1/stats/volume?from=2024-03-10T09:00:00Z&to=2024-03-10T13:00:00Z&group_by=channel");
  ASSERT_EQ(g["series"].size(), 3u) << g.dump();
  EXPECT_EQ(g["series"][0]["group"], "twitter");
  EXPECT_EQ(g["series"][0]["total"], 4);
  EXPECT_EQ(g["series"][1]["group"], "email");
  EXPECT_EQ(g["series"][2]["group"], "forum");
  for (const auto& s : g["series"]) EXPECT_EQ(s["points"].size(), 4u);

  json f = GetJson("/api/v1/stats/volume?from=2024-03-10T09:00:00Z&to=2024-03-10T13:00:00Z&group_by=channel"
                   "&channel=twitter,sms");
  ASSERT_EQ(f["series"].size(), 2u) << f.dump();
  EXPECT_EQ(f["series"][0]["group"], "twitter");
  EXPECT_EQ(f["series"][1]["group"], "sms");
  EXPECT_EQ(f["series"][1]["total"], 0);
  EXPECT_EQ(store_.last_volume_query.channels.size(), 2u);

  json lang = GetJson("/api/v1/stats/volume?interval=day&from=2024-03-08&to=2024-03-11&group_by=lang");
  EXPECT_EQ(lang["interval"], "day");
  ASSERT_EQ(lang["series"].size(), 3u);
  EXPECT_EQ(lang["series"][0]["group"], "en");
  std::vector<int64_t> en;
  for (const auto& p : lang["series"][0]["points"]) en.push_back(p["count"]);
  EXPECT_EQ(en, (std::vector<int64_t>{0, 0, 5}));
}

TEST_F(ServerTest, VolumeDefaultsToTheLastSevenDaysByTheClock) {
  Seed();
  json v = GetJson("/api/v1/stats/volume");
  // now = 2024-03-10T12:30Z: buckets from 2024-03-03T12:00Z, 7 * 24 + 1 of them.
  EXPECT_EQ(v["from"], "2024-03-03T12:00:00Z");
  EXPECT_EQ(v["to"], "2024-03-10T12:30:00Z");
  ASSERT_EQ(v["series"].size(), 1u);
  EXPECT_EQ(v["series"][0]["points"].size(), 169u);
  EXPECT_EQ(v["series"][0]["total"], 7);

  json w = GetJson("/api/v1/stats/volume?interval=week");
  EXPECT_EQ(w["from"], "2024-02-26T00:00:00Z");  // the Monday on or before 2024-03-03
  EXPECT_EQ(w["series"][0]["points"].size(), 2u);
}

TEST_F(ServerTest, BadParametersAre400NamingTheParameterAndValue) {
  ExpectBadParam("/api/v1/mentions?limit=0", "limit", "'0'");
  ExpectBadParam("/api/v1/mentions?limit=1001", "limit", "'1001'");
  ExpectBadParam("/api/v1/mentions?limit=ten", "limit", "'ten'");
  ExpectBadParam("/api/v1/mentions?from=yesterday", "from", "'yesterday'");
  ExpectBadParam("/api/v1/mentions?to=2024-13-01", "to", "'2024-13-01'");
  ExpectBadParam("/api/v1/mentions?from=2024-03-10&to=2024-03-09", "from", "2024-03-10T00:00:00Z");
  ExpectBadParam("/api/v1/mentions?channel=twitter,myspace", "channel", "'myspace'");
  ExpectBadParam("/api/v1/mentions?lang=e1", "lang", "'e1'");
  ExpectBadParam("/api/v1/mentions?cursor=%21%21not-a-cursor%21%21", "cursor", "'!!not-a-cursor!!'");
  ExpectBadParam("/api/v1/mentions?chanel=twitter", "chanel", "'chanel'");
  ExpectBadParam("/api/v1/mentions?q=" + std::string(2000, 'a'), "q", "1024");
  ExpectBadParam("/api/v1/stats/volume?interval=month", "interval", "'month'");
  ExpectBadParam("/api/v1/stats/volume?group_by=author", "group_by", "'author'");
  ExpectBadParam("/api/v1/stats/volume?from=2000-01-01&to=2024-01-01", "from", "10000");
  ExpectBadParam("/api/v1/stats/volume?from=2024-03-11", "from", "2024-03-11T00:00:00Z");
  ExpectBadParam("/api/v1/rejects?before=-1", "before", "'-1'");
  ExpectBadParam("/api/v1/rejects?limit=", "limit", "''");
  ExpectBadParam("/api/v1/stats/summary?x=1", "x", "'x'");
  // Invalid UTF-8 in a value still gives valid JSON (U+FFFD in its place).
  ExpectBadParam("/api/v1/mentions?channel=%FF%FE", "channel", "'\xEF\xBF\xBD");
  ExpectBadParam("/api/v1/mentions?from=%00", "from", "from is not a timestamp");
}

TEST_F(ServerTest, StoreErrorsAre500) {
  store_.fail = true;
  json j = GetJson("/api/v1/mentions", 500);
  EXPECT_EQ(j["error"]["code"], "io_error");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("disk on fire"), std::string::npos);
  GetJson("/api/v1/stats/volume", 500);
  GetJson("/api/v1/mentions/1", 500);
}

TEST_F(ServerTest, HealthzChecksTheStore) {
  EXPECT_EQ(GetJson("/healthz")["status"], "ok");
  store_.fail = true;
  json j = GetJson("/healthz", 503);
  EXPECT_EQ(j["status"], "unavailable");
  EXPECT_NE(j["error"]["message"].get<std::string>().find("disk on fire"), std::string::npos);
}

TEST_F(ServerTest, SummaryCounts) {
  Seed();
  PostJson("{bad\n");
  json s = GetJson("/api/v1/stats/summary");
  EXPECT_EQ(s["mentions"], 7);
  EXPECT_EQ(s["rejects"], 1);
  EXPECT_EQ(s["threads"], 5);
  EXPECT_EQ(s["bytes"], 4096);
}

TEST_F(ServerTest, MetricsCountRequestsAndStoreGauges) {
  Seed();
  GetJson("/healthz");
  GetJson("/healthz");
  GetJson("/nope", 404);
  auto res = client_->Get("/metrics");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200);
  EXPECT_EQ(res->get_header_value("Content-Type").rfind("text/plain; version=0.0.4", 0), 0u);
  const std::string& body = res->body;
  EXPECT_NE(body.find("ecoute_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("ecoute_http_requests_total{method=\"POST\",route=\"/api/v1/mentions\",status=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(body.find("ecoute_http_requests_total{method=\"GET\",route=\"unmatched\",status=\"404\"} 1"),
            std::string::npos);
  EXPECT_NE(body.find("ecoute_http_request_duration_seconds_count{route=\"/healthz\"} 2"), std::string::npos);
  EXPECT_NE(body.find("ecoute_stored_mentions 7"), std::string::npos);
  EXPECT_NE(body.find("ecoute_store_up 1"), std::string::npos);
}

TEST_F(ServerTest, UnknownRouteIs404AndWrongMethodIs405) {
  json j = GetJson("/api/v2/nothing", 404);
  EXPECT_EQ(j["error"]["code"], "not_found");

  auto del = client_->Delete("/api/v1/mentions");
  ASSERT_TRUE(del);
  EXPECT_EQ(del->status, 405);
  EXPECT_EQ(del->get_header_value("Allow"), "POST, GET");
  EXPECT_EQ(json::parse(del->body)["error"]["code"], "method_not_allowed");

  auto post = client_->Post("/healthz", "{}", "application/json");
  ASSERT_TRUE(post);
  EXPECT_EQ(post->status, 405);
  EXPECT_EQ(post->get_header_value("Allow"), "GET");

  auto put = client_->Put("/api/v1/mentions/12", "{}", "application/json");
  ASSERT_TRUE(put);
  EXPECT_EQ(put->status, 405);
  EXPECT_EQ(put->get_header_value("Allow"), "GET");
}

TEST_F(ServerTest, ConcurrentPostsAreAllCounted) {
  constexpr int kThreads = 4, kPosts = 10, kPerPost = 50;
  std::vector<std::thread> threads;
  std::atomic<int64_t> accepted{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      httplib::Client c("127.0.0.1", server_->port());
      auth_.SignIn(c);
      for (int p = 0; p < kPosts; ++p) {
        std::string body;
        for (int i = 0; i < kPerPost; ++i) {
          body += Line("chat", std::to_string(t) + "-" + std::to_string(p) + "-" + std::to_string(i), "hi",
                       "2024-03-10T08:00:00Z") +
                  "\n";
        }
        auto res = c.Post("/api/v1/mentions", body, "application/x-ndjson");
        if (res && res->status == 200) accepted += json::parse(res->body)["accepted"].get<int64_t>();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(accepted.load(), kThreads * kPosts * kPerPost);
  EXPECT_EQ(GetJson("/api/v1/stats/summary")["mentions"], kThreads * kPosts * kPerPost);
}

TEST_F(ServerTest, SecondServerOnATakenPortFailsNamingIt) {
  ServerOptions o;
  o.port = server_->port();
  Server other(o, store_, FakeIngest{&store_, &closed_, &batches_, &last_source_}, std::make_shared<TestDecoder>(),
               &auth_.authenticator(), metrics_, clock_);
  base::Status s = other.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.code(), base::StatusCode::kIoError);
  EXPECT_NE(s.message().find("127.0.0.1:" + std::to_string(server_->port())), std::string::npos) << s.message();
}

TEST_F(ServerTest, StopIsIdempotentAndRefusesNewConnections) {
  const int port = server_->port();
  server_->Stop();
  server_->Stop();
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(1);
  auto res = c.Get("/healthz");
  EXPECT_FALSE(res);
}

TEST_F(ServerTest, StopWaitsForInFlightRequests) {
  // An ingest that blocks until released: Stop() must let it answer.
  server_->Stop();
  std::mutex mu;
  std::condition_variable cv;
  bool entered = false, release = false;
  IngestFn slow = [&](ingest::RawBatch b) -> base::Result<pipeline::BatchReport> {
    {
      std::unique_lock lock(mu);
      entered = true;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
    }
    pipeline::BatchReport r;
    r.summary.inserted = static_cast<int64_t>(b.records.size());
    return r;
  };
  ServerOptions o;
  o.port = 0;
  Server s(o, store_, slow, std::make_shared<TestDecoder>(), &auth_.authenticator(), metrics_, clock_);
  ASSERT_TRUE(s.Start().ok());
  int status = 0;
  std::string body;
  std::thread client([&] {
    httplib::Client c("127.0.0.1", s.port());
    auth_.SignIn(c);
    auto res = c.Post("/api/v1/mentions", Line("twitter", "1", "x", "2024-03-10"), "application/json");
    if (res) {
      status = res->status;
      body = res->body;
    }
  });
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return entered; });
  }
  std::thread stopper([&] { s.Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  {
    std::lock_guard lock(mu);
    release = true;
  }
  cv.notify_all();
  stopper.join();
  client.join();
  ASSERT_EQ(status, 200);
  EXPECT_EQ(json::parse(body)["inserted"], 1);
}

// Throughput of the POST path with an ingest that does no work: reports
// messages per second, asserts nothing about time.
TEST(ServerPerf, PostThroughputWithFastIngest) {
  FakeStore store;
  base::MetricsRegistry metrics;
  IngestFn fast = [](ingest::RawBatch b) -> base::Result<pipeline::BatchReport> {
    pipeline::BatchReport r;
    r.summary.inserted = static_cast<int64_t>(b.records.size());
    r.ids.resize(b.records.size());
    for (size_t i = 0; i < r.ids.size(); ++i) r.ids[i] = static_cast<int64_t>(1'000'000 + i);
    return r;
  };
  ServerOptions o;
  o.port = 0;
  testing::TestAuth auth;
  Server server(o, store, fast, std::make_shared<TestDecoder>(), &auth.authenticator(), metrics);
  ASSERT_TRUE(server.Start().ok());

  constexpr int kBatch = 1000;
  std::string body;
  for (int i = 0; i < kBatch; ++i) {
    body += Line("twitter", std::to_string(1'000'000'000 + i),
                 "@acme my order #" + std::to_string(i) + " arrived broken, second time this month. Refund please!",
                 "2024-03-10T08:00:00Z", "en", "customer_" + std::to_string(i), "t" + std::to_string(i)) +
            "\n";
  }
  const int batches = std::getenv("ECOUTE_API_PERF_BATCHES") ? std::atoi(std::getenv("ECOUTE_API_PERF_BATCHES")) : 50;
  httplib::Client c("127.0.0.1", server.port());
  auth.SignIn(c);
  c.set_keep_alive(true);
  c.set_tcp_nodelay(true);
  auto start = std::chrono::steady_clock::now();
  int64_t accepted = 0;
  for (int i = 0; i < batches; ++i) {
    auto res = c.Post("/api/v1/mentions", body, "application/x-ndjson");
    ASSERT_TRUE(res);
    ASSERT_EQ(res->status, 200);
    accepted += kBatch;
  }
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("[ perf ] POST /api/v1/mentions: %d batches x %d records (%.0f KB each) in %.3f s = %.0f msg/s\n",
              batches, kBatch, static_cast<double>(body.size()) / 1024, secs, static_cast<double>(accepted) / secs);
  EXPECT_EQ(accepted, static_cast<int64_t>(batches) * kBatch);
}

// ---- understanding: labels, explanations, categories, volume by label ----------------

class LabelsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerOptions o;
    o.categories = {{"delivery", "Delivery", "Livraison"}, {"billing", "Billing", "Facturation"}};
    StartServer(o);
    Seed();
  }

  // The store id of the mention with `native_id`.
  int64_t IdOf(const std::string& native_id) {
    json page = GetJson("/api/v1/mentions?limit=100");
    for (const auto& m : page["items"])
      if (m["native_id"] == native_id) return m["id"].get<int64_t>();
    ADD_FAILURE() << "no mention " << native_id;
    return 0;
  }

  httplib::Result Patch(int64_t id, const std::string& body, const std::string& type = "application/json") {
    const std::string path = "/api/v1/mentions/" + std::to_string(id) + "/labels";
    return client_->Patch(path.c_str(), body, type.c_str());
  }

  void ExpectPatchError(int64_t id, const std::string& body, int status, const std::string& field) {
    SCOPED_TRACE(body);
    auto res = Patch(id, body);
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, status) << res->body;
    json j = json::parse(res->body, nullptr, false);
    ASSERT_FALSE(j.is_discarded()) << res->body;
    EXPECT_EQ(j["error"]["field"], field) << res->body;
  }
};

TEST_F(LabelsTest, PatchLabelsCorrectsAndReturnsTheMention) {
  const int64_t id = IdOf("3");
  store_.SetLabels("3", "neutral", "none", "none", false);
  auto res = Patch(id, R"({"sentiment": "negative", "category": "billing", "needs_reply": true,
                           "severity_level": "high"})");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  json m = json::parse(res->body);
  EXPECT_EQ(m["id"], id);
  EXPECT_EQ(m["native_id"], "3");
  EXPECT_EQ(m["sentiment"], "negative");
  EXPECT_EQ(m["category"], "billing");
  EXPECT_EQ(m["needs_reply"], true);
  EXPECT_EQ(m["severity_level"], "high");
  EXPECT_EQ(m["corrected"], json::array({"category", "needs_reply", "sentiment", "severity_level"}));
  ASSERT_TRUE(store_.last_correction.has_value());
  EXPECT_EQ(store_.last_correction->user, "admin") << "the signed-in user corrects";
  EXPECT_EQ(store_.last_correction->at, clock_.Now());
  // "none" is always a category; one field alone is enough.
  res = Patch(id, R"({"category": "none"})");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  EXPECT_FALSE(store_.last_correction->sentiment.has_value());
}

// The correction is recorded under the login of whoever is signed in.
TEST_F(LabelsTest, PatchLabelsRecordsTheSignedInUser) {
  const int64_t id = IdOf("3");
  const std::string token = auth_.AddUserWithToken("claire", auth::Role::kAnalyst);
  const std::string path = "/api/v1/mentions/" + std::to_string(id) + "/labels";
  httplib::Client c("127.0.0.1", server_->port());
  auto res = c.Patch(path.c_str(), testing::TestAuth::Bearer(token), R"({"sentiment": "positive"})", "application/json");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(store_.last_correction->user, "claire");
  // A viewer may not correct labels.
  const std::string viewer = auth_.AddUserWithToken("victor", auth::Role::kViewer);
  res = c.Patch(path.c_str(), testing::TestAuth::Bearer(viewer), R"({"sentiment": "negative"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 403) << res->body;
  EXPECT_EQ(store_.last_correction->sentiment, "positive");
}

// The two stages stay coherent: no reply needed <=> category none.
TEST_F(LabelsTest, PatchLabelsKeepsNeedsReplyAndCategoryCoherent) {
  const int64_t id = IdOf("2");
  auto res = Patch(id, R"({"needs_reply": false})");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(store_.last_correction->category, "none");
  res = Patch(id, R"({"category": "delivery"})");
  ASSERT_TRUE(res);
  ASSERT_EQ(res->status, 200) << res->body;
  EXPECT_EQ(store_.last_correction->needs_reply, true);
  ExpectPatchError(id, R"({"needs_reply": true, "category": "none"})", 400, "category");
  ExpectPatchError(id, R"({"needs_reply": false, "category": "billing"})", 400, "category");
}

TEST_F(LabelsTest, PatchLabelsErrorsNameTheField) {
  const int64_t id = IdOf("1");
  ExpectPatchError(id, R"({"sentiment": "angry"})", 400, "sentiment");
  ExpectPatchError(id, R"({"sentiment": 3})", 400, "sentiment");
  ExpectPatchError(id, R"({"severity_level": "urgent"})", 400, "severity_level");
  ExpectPatchError(id, R"({"category": "weather"})", 400, "category");  // not in the taxonomy
  ExpectPatchError(id, R"({"needs_reply": "yes"})", 400, "needs_reply");
  ExpectPatchError(id, R"({"mood": "sad"})", 400, "mood");
  ExpectPatchError(id, R"({})", 400, "body");
  ExpectPatchError(id, R"({"user": "claire"})", 400, "user");  // the user is the signed-in account
  ExpectPatchError(id, "", 400, "body");
  ExpectPatchError(id, "[1]", 400, "body");
  ExpectPatchError(-1, R"({"sentiment": "neutral"})", 400, "id");
  auto res = Patch(id, R"({"sentiment": "neutral"})", "text/plain");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 415);
  EXPECT_FALSE(store_.last_correction.has_value());  // nothing reached the store
  ExpectPatchError(999, R"({"sentiment": "neutral"})", 404, "id");
}

TEST_F(ServerTest, PatchLabelsAcceptsAnyCategoryNameWithoutATaxonomy) {
  Seed();
  json page = GetJson("/api/v1/mentions?limit=1");
  const std::string path = "/api/v1/mentions/" + std::to_string(page["items"][0]["id"].get<int64_t>()) + "/labels";
  auto res = client_->Patch(path.c_str(), R"({"category": "weather_2"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 200) << res->body;
  res = client_->Patch(path.c_str(), R"({"category": "Weather!"})", "application/json");
  ASSERT_TRUE(res);
  EXPECT_EQ(res->status, 400) << res->body;
}

TEST_F(LabelsTest, ExplainIs503WithoutTheHook) {
  json j = GetJson("/api/v1/mentions/" + std::to_string(IdOf("1")) + "/explain", 503);
  EXPECT_EQ(j["error"]["code"], "unavailable");
  EXPECT_EQ(j["error"]["message"], "understanding models not loaded");
}

TEST_F(LabelsTest, ExplainReturnsStoredLabelsAndTheHooksExplanation) {
  server_->Stop();
  ServerOptions o;
  std::atomic<int> calls{0};
  o.explain = [&calls](const model::Mention& m) -> base::Result<std::string> {
    ++calls;
    if (m.native_id == "2") return base::Status::Internal("model exploded");
    if (m.native_id == "4") return std::string("not json");
    return json{{"sentiment", json::array({{{"feature", "died"}, {"weight", -1.5}, {"kind", "token"}}})},
                {"text", m.text}}
        .dump();
  };
  StartServer(o);
  store_.SetLabels("1", "negative", "delivery", "high", true);
  json j = GetJson("/api/v1/mentions/" + std::to_string(IdOf("1")) + "/explain");
  EXPECT_EQ(j["id"], IdOf("1"));
  EXPECT_EQ(j["labels"]["sentiment"], "negative");
  EXPECT_EQ(j["labels"]["category"], "delivery");
  EXPECT_EQ(j["labels"]["severity_level"], "high");
  EXPECT_EQ(j["labels"]["needs_reply"], true);
  EXPECT_EQ(j["labels"]["lang"], "en");
  EXPECT_EQ(j["labels"]["corrected"], json::array());
  EXPECT_EQ(j["explanation"]["text"], "Battery died again");
  EXPECT_EQ(j["explanation"]["sentiment"][0]["feature"], "died");
  EXPECT_EQ(calls.load(), 1);
  GetJson("/api/v1/mentions/" + std::to_string(IdOf("2")) + "/explain", 500);
  GetJson("/api/v1/mentions/" + std::to_string(IdOf("4")) + "/explain", 500);
  json missing = GetJson("/api/v1/mentions/999/explain", 404);
  EXPECT_EQ(missing["error"]["field"], "id");
}

TEST_F(LabelsTest, CategoriesListsTheTaxonomy) {
  json j = GetJson("/api/v1/categories");
  ASSERT_EQ(j["items"].size(), 2u);
  EXPECT_EQ(j["items"][0], (json{{"name", "delivery"}, {"label_en", "Delivery"}, {"label_fr", "Livraison"}}));
  EXPECT_EQ(j["items"][1]["name"], "billing");
  ExpectBadParam("/api/v1/categories?lang=fr", "lang", "lang");
}

TEST_F(ServerTest, CategoriesIsEmptyWithoutATaxonomy) {
  EXPECT_EQ(GetJson("/api/v1/categories"), (json{{"items", json::array()}}));
}

TEST_F(LabelsTest, VolumeByLabelsWithFilters) {
  store_.SetLabels("1", "negative", "delivery", "high", true);
  store_.SetLabels("2", "negative", "billing", "critical", true);
  store_.SetLabels("7", "positive", "none", "none", false);
  const std::string range = "&from=2024-03-10T10:00:00Z&to=2024-03-10T13:00:00Z&interval=day";
  json j = GetJson("/api/v1/stats/volume?group_by=sentiment" + range);
  EXPECT_EQ(j["group_by"], "sentiment");
  std::map<std::string, int64_t> totals;
  for (const auto& s : j["series"]) totals[s["group"]] = s["total"];
  EXPECT_EQ(totals, (std::map<std::string, int64_t>{{"negative", 2}, {"positive", 1}, {"", 3}}));

  // Filters reach the store; named label values always have a series.
  j = GetJson("/api/v1/stats/volume?group_by=severity&severity=critical,high,low&needs_reply=true&category=billing"
              "&sentiment=Negative" + range);
  EXPECT_EQ(j["group_by"], "severity");
  totals.clear();
  for (const auto& s : j["series"]) totals[s["group"]] = s["total"];
  EXPECT_EQ(totals, (std::map<std::string, int64_t>{{"critical", 1}, {"high", 0}, {"low", 0}}));
  const store::VolumeQuery& q = store_.last_volume_query;
  EXPECT_EQ(q.group_by, store::GroupBy::kSeverity);
  EXPECT_EQ(q.severity_levels, (std::vector<std::string>{"critical", "high", "low"}));
  EXPECT_EQ(q.categories, std::vector<std::string>{"billing"});
  EXPECT_EQ(q.sentiments, std::vector<std::string>{"negative"});
  EXPECT_EQ(q.needs_reply, true);

  j = GetJson("/api/v1/stats/volume?group_by=needs_reply" + range);
  EXPECT_EQ(j["group_by"], "needs_reply");
  j = GetJson("/api/v1/stats/volume?group_by=category&category=delivery" + range);
  ASSERT_EQ(j["series"].size(), 1u);
  EXPECT_EQ(j["series"][0]["group"], "delivery");
  EXPECT_EQ(j["series"][0]["total"], 1);

  ExpectBadParam("/api/v1/stats/volume?sentiment=angry", "sentiment", "angry");
  ExpectBadParam("/api/v1/stats/volume?severity=urgent", "severity", "urgent");
  ExpectBadParam("/api/v1/stats/volume?category=weather", "category", "weather");
  ExpectBadParam("/api/v1/stats/volume?needs_reply=maybe", "needs_reply", "maybe");
  ExpectBadParam("/api/v1/stats/volume?group_by=mood", "group_by", "mood");
}

}  // namespace
}  // namespace ecoute::api
