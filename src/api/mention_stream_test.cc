// The live mention stream (api/mention_stream.h): the hub's queues, the
// per-client filter and sampler (rate cap, severity first, stats), and
// GET /api/v1/mentions/stream over HTTP with a real client.
#include "api/mention_stream.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "api/api_testing.h"
#include "api/server.h"
#include "ingest/input.h"

namespace ecoute::api {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

constexpr base::Timestamp kT0 = 1'714'557'600'000;  // 2024-05-01T10:00:00Z

model::Mention M(int64_t id, model::Channel channel = model::Channel::kTwitter, const std::string& level = "none",
                 const std::string& lang = "fr") {
  model::Mention m;
  m.id = id;
  m.channel = channel;
  m.native_id = std::to_string(id);
  m.created_at = kT0 + id;
  m.text = "message " + std::to_string(id);
  m.language = lang;
  m.author.handle = "user" + std::to_string(id % 7);
  m.enrichment.severity_level = level;
  m.enrichment.sentiment = id % 2 == 0 ? "negative" : "positive";
  return m;
}

struct Frame {
  std::string id;
  std::string event;
  json data;
};

// The frames (blank-line separated; comments skipped) of an SSE text.
std::vector<Frame> Frames(const std::string& text) {
  std::vector<Frame> out;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find("\n\n", pos);
    if (end == std::string::npos) break;  // an incomplete frame
    Frame f;
    std::string data;
    for (size_t line = pos; line < end;) {
      size_t nl = text.find('\n', line);
      if (nl == std::string::npos || nl > end) nl = end;
      const std::string l = text.substr(line, nl - line);
      if (l.rfind("id: ", 0) == 0) f.id = l.substr(4);
      else if (l.rfind("event: ", 0) == 0) f.event = l.substr(7);
      else if (l.rfind("data: ", 0) == 0) data += l.substr(6);
      line = nl + 1;
    }
    if (!f.event.empty()) {
      f.data = json::parse(data, nullptr, false);
      out.push_back(std::move(f));
    }
    pos = end + 2;
  }
  return out;
}

std::vector<Frame> OfType(const std::vector<Frame>& frames, const std::string& event) {
  std::vector<Frame> out;
  for (const Frame& f : frames)
    if (f.event == event) out.push_back(f);
  return out;
}

std::shared_ptr<const MentionHub::Batch> BatchOf(const std::vector<model::Mention>& ms) {
  auto b = std::make_shared<MentionHub::Batch>();
  for (const model::Mention& m : ms) b->push_back(StreamMention::From(m));
  return b;
}

TEST(Utf8Prefix, CutsOnACharacterBoundary) {
  EXPECT_EQ(Utf8Prefix("abc", 5), "abc");
  EXPECT_EQ(Utf8Prefix("abcdef", 3), "abc");
  EXPECT_EQ(Utf8Prefix("aé", 2), "a");     // é is 2 bytes: not cut in half
  EXPECT_EQ(Utf8Prefix("aé", 3), "aé");
  EXPECT_EQ(Utf8Prefix("€€", 4), "€");     // 3 bytes each
  EXPECT_EQ(Utf8Prefix("€€", 5), "€");
  EXPECT_EQ(Utf8Prefix("€€", 6), "€€");
}

TEST(StreamMention, CompactJsonWithTheTextCut) {
  model::Mention m = M(42, model::Channel::kForum, "high");
  m.source = "forum.example";
  m.url = "https://forum.example/t/42";
  m.title = "Livraison";
  m.text = std::string(499, 'a') + "éé";  // the cut falls inside the first é
  m.author = {"claire", "Claire Dupont", 1200, true};
  m.enrichment.category = "delivery";
  m.enrichment.needs_reply = true;
  m.enrichment.severity_reasons = {"delay", "legal"};
  m.enrichment.reach = 1500;
  m.enrichment.matched_queries = {3, 5};
  m.enrichment.sentiment_score = 0.9;
  json j = json::parse(StreamMentionJson(StreamMention::From(m)));
  EXPECT_EQ(j["id"], 42);
  EXPECT_EQ(j["created_at"], base::FormatTimestamp(kT0 + 42));
  EXPECT_EQ(j["channel"], "forum");
  EXPECT_EQ(j["source"], "forum.example");
  EXPECT_EQ(j["lang"], "fr");
  EXPECT_EQ(j["author"], json({{"handle", "claire"}, {"display_name", "Claire Dupont"}, {"followers", 1200}}));
  EXPECT_EQ(j["title"], "Livraison");
  EXPECT_EQ(j["text"], std::string(499, 'a'));
  EXPECT_EQ(j["url"], "https://forum.example/t/42");
  EXPECT_EQ(j["sentiment"], "negative");
  EXPECT_EQ(j["category"], "delivery");
  EXPECT_EQ(j["severity_level"], "high");
  EXPECT_EQ(j["severity_reasons"], json({"delay", "legal"}));
  EXPECT_EQ(j["needs_reply"], true);
  EXPECT_EQ(j["reach"], 1500);
  EXPECT_EQ(j["matched_queries"], json({3, 5}));
  EXPECT_EQ(j.size(), 16u) << j.dump();

  model::Mention bare;
  bare.id = 1;
  bare.text = "x";
  json b = json::parse(StreamMentionJson(StreamMention::From(bare)));
  EXPECT_TRUE(b["sentiment"].is_null());
  EXPECT_TRUE(b["needs_reply"].is_null());
  EXPECT_TRUE(b["author"]["followers"].is_null());
  EXPECT_EQ(b["matched_queries"], json::array());
}

TEST(MentionSampler, CapsTheRateAndCountsEverything) {
  MentionSampler s({}, 20, 7);
  std::vector<model::Mention> ms;
  for (int64_t i = 1; i <= 5000; ++i) ms.push_back(M(i, i % 3 == 0 ? model::Channel::kForum : model::Channel::kTwitter));
  s.Add(BatchOf(ms));
  std::vector<Frame> frames = Frames(s.Flush());
  std::vector<Frame> mentions = OfType(frames, "mention");
  ASSERT_EQ(mentions.size(), 20u);
  ASSERT_EQ(frames.back().event, "stats");
  const json& stats = frames.back().data;
  EXPECT_EQ(stats["window_ms"], 1000);
  EXPECT_EQ(stats["matched"], 5000);
  EXPECT_EQ(stats["sent"], 20);
  EXPECT_EQ(stats["skipped"], 4980);
  EXPECT_EQ(stats["dropped"], 0);
  EXPECT_EQ(stats["by_channel"], json({{"forum", 1666}, {"twitter", 3334}}));
  EXPECT_EQ(stats["by_sentiment"], json({{"negative", 2500}, {"positive", 2500}}));
  EXPECT_EQ(stats["by_severity"], json({{"none", 5000}}));
  // Ids ascending, each frame with its id line; a sample, not the first 20.
  int64_t prev = 0, highest = 0;
  for (const Frame& f : mentions) {
    const int64_t id = f.data["id"];
    EXPECT_EQ(f.id, std::to_string(id));
    EXPECT_GT(id, prev);
    prev = id;
    highest = std::max(highest, id);
  }
  EXPECT_GT(highest, 1000);

  // The next window starts empty: only the stats, with zeros.
  std::vector<Frame> idle = Frames(s.Flush());
  ASSERT_EQ(idle.size(), 1u);
  EXPECT_EQ(idle[0].data["matched"], 0);
  EXPECT_EQ(idle[0].data["sent"], 0);
  EXPECT_EQ(idle[0].data["by_channel"], json::object());
}

TEST(MentionSampler, SendsEverythingUnderTheCap) {
  MentionSampler s({}, 20);
  s.Add(BatchOf({M(3), M(1)}));
  s.Add(BatchOf({M(2)}));
  std::vector<Frame> frames = Frames(s.Flush());
  ASSERT_EQ(frames.size(), 4u);
  EXPECT_EQ(frames[0].data["id"], 1);
  EXPECT_EQ(frames[1].data["id"], 2);
  EXPECT_EQ(frames[2].data["id"], 3);
  EXPECT_EQ(frames[3].data["skipped"], 0);
}

TEST(MentionSampler, CriticalThenHighFirst) {
  MentionSampler s({}, 20, 3);
  std::vector<model::Mention> ms;
  std::set<int64_t> critical, high;
  for (int64_t i = 1; i <= 5000; ++i) {
    std::string level = "none";
    if (i % 500 == 0) {
      level = "critical";  // 10
      critical.insert(i);
    } else if (i % 333 == 0) {
      level = "high";  // 15
      high.insert(i);
    } else if (i % 2 == 0) {
      level = "medium";
    }
    ms.push_back(M(i, model::Channel::kTwitter, level));
  }
  s.Add(BatchOf(ms));
  std::vector<Frame> mentions = OfType(Frames(s.Flush()), "mention");
  ASSERT_EQ(mentions.size(), 20u);
  int got_critical = 0, got_high = 0;
  for (const Frame& f : mentions) {
    const int64_t id = f.data["id"];
    got_critical += critical.count(id);
    got_high += high.count(id);
  }
  EXPECT_EQ(got_critical, 10);  // all of them
  EXPECT_EQ(got_high, 10);      // the rest of the budget
}

TEST(MentionSampler, Filters) {
  MentionStreamFilter f;
  f.channels = {model::Channel::kForum};
  f.languages = {"en"};
  f.query_ids = {5};
  f.labels.sentiments = {"negative"};
  f.labels.needs_reply = true;
  MentionSampler s(f, 200);
  auto make = [](int64_t id) {
    model::Mention m = M(id, model::Channel::kForum, "low", "en");
    m.enrichment.sentiment = "negative";
    m.enrichment.needs_reply = true;
    m.enrichment.matched_queries = {2, 5};
    return m;
  };
  std::vector<model::Mention> ms;
  ms.push_back(make(1));  // matches
  ms.push_back(make(2));
  ms.back().channel = model::Channel::kTwitter;
  ms.push_back(make(3));
  ms.back().language = "fr";
  ms.push_back(make(4));
  ms.back().enrichment.matched_queries = {2};
  ms.push_back(make(5));
  ms.back().enrichment.sentiment = "neutral";
  ms.push_back(make(6));
  ms.back().enrichment.needs_reply = false;
  ms.push_back(make(7));
  ms.back().enrichment.needs_reply.reset();
  ms.push_back(make(8));  // matches
  s.Add(BatchOf(ms));
  std::vector<Frame> frames = Frames(s.Flush());
  std::vector<Frame> mentions = OfType(frames, "mention");
  ASSERT_EQ(mentions.size(), 2u);
  EXPECT_EQ(mentions[0].data["id"], 1);
  EXPECT_EQ(mentions[1].data["id"], 8);
  EXPECT_EQ(frames.back().data["matched"], 2);

  MentionStreamFilter by_label;
  by_label.labels.severity_levels = {"low", "high"};
  by_label.labels.categories = {"delivery"};
  MentionSampler t(by_label, 200);
  std::vector<model::Mention> labelled = {M(1, model::Channel::kTwitter, "low"), M(2, model::Channel::kTwitter, "high"),
                                          M(3, model::Channel::kTwitter, "critical")};
  labelled[0].enrichment.category = "delivery";
  labelled[1].enrichment.category = "billing";
  labelled[2].enrichment.category = "delivery";
  t.Add(BatchOf(labelled));
  std::vector<Frame> got = OfType(Frames(t.Flush()), "mention");
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].data["id"], 1);
}

TEST(MentionHub, SlowOrAbsentReaderDoesNotBlockPublish) {
  MentionHub hub(/*max_queued_mentions=*/100, /*max_subscribers=*/4);
  std::unique_ptr<MentionHub::Subscription> reader = hub.Subscribe();
  ASSERT_NE(reader, nullptr);
  std::vector<model::Mention> batch;
  for (int64_t i = 1; i <= 10; ++i) batch.push_back(M(i));
  // Nobody reads: Publish returns each time, the queue keeps 100 mentions.
  for (int i = 0; i < 50; ++i) hub.Publish(batch);
  EXPECT_EQ(hub.published(), 500u);
  EXPECT_EQ(reader->TakeDropped(), 400u);
  EXPECT_EQ(reader->TakeDropped(), 0u);
  size_t queued = 0;
  for (const auto& b : reader->Take(0ms)) queued += b->size();
  EXPECT_EQ(queued, 100u);
  EXPECT_TRUE(reader->Take(0ms).empty());

  // One batch larger than the queue still reaches an empty queue.
  std::vector<model::Mention> big;
  for (int64_t i = 1; i <= 150; ++i) big.push_back(M(i));
  hub.Publish(big);
  auto got = reader->Take(0ms);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0]->size(), 150u);
}

TEST(MentionHub, SharesOneCopyAndUnsubscribes) {
  MentionHub hub;
  std::vector<model::Mention> batch = {M(1), M(2)};
  hub.Publish(batch);  // nobody listens: nothing kept
  EXPECT_EQ(hub.published(), 0u);
  auto a = hub.Subscribe();
  auto b = hub.Subscribe();
  EXPECT_EQ(hub.subscribers(), 2u);
  hub.Publish(batch);
  auto got_a = a->Take(0ms);
  auto got_b = b->Take(0ms);
  ASSERT_EQ(got_a.size(), 1u);
  ASSERT_EQ(got_b.size(), 1u);
  EXPECT_EQ(got_a[0].get(), got_b[0].get());  // the same batch
  b.reset();
  EXPECT_EQ(hub.subscribers(), 1u);
}

TEST(MentionHub, LimitAndClose) {
  MentionHub hub(100, 2);
  auto a = hub.Subscribe();
  auto b = hub.Subscribe();
  EXPECT_EQ(hub.Subscribe(), nullptr);
  b.reset();
  auto c = hub.Subscribe();
  ASSERT_NE(c, nullptr);
  // Close wakes a waiting reader at once.
  std::thread closer([&] {
    std::this_thread::sleep_for(20ms);
    hub.Close();
  });
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_TRUE(a->Take(10s).empty());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  closer.join();
  EXPECT_TRUE(a->closed());
  c.reset();
  EXPECT_EQ(hub.Subscribe(), nullptr);
  hub.Publish({M(1)});  // no effect
  EXPECT_TRUE(a->Take(0ms).empty());
}

// ------------------------------------------------------------- over HTTP

// A GET of `path` on its own thread, collecting what arrives.
class StreamReader {
 public:
  StreamReader(int port, const std::string& token, const std::string& path) {
    thread_ = std::thread([this, port, token, path] {
      httplib::Client c("127.0.0.1", port);
      c.set_read_timeout(10);
      httplib::Headers headers = {{"Authorization", "Bearer " + token}, {"Accept-Encoding", "gzip, deflate, br"}};
      httplib::Result r = c.Get(path.c_str(), headers, [this](const char* data, size_t n) {
        std::lock_guard lock(mu_);
        text_.append(data, n);
        cv_.notify_all();
        return !cancel_;
      });
      (void)r;  // cancelled or cut: only the text received matters
      std::lock_guard lock(mu_);
      ended_ = true;
      cv_.notify_all();
    });
  }
  ~StreamReader() {
    Cancel();
    if (thread_.joinable()) thread_.join();
  }
  template <typename Pred>
  bool WaitFor(Pred pred, std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return pred(text_); });
  }
  bool WaitForEnd(std::chrono::milliseconds limit = 10s) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, limit, [&] { return ended_; });
  }
  void Cancel() {
    std::lock_guard lock(mu_);
    cancel_ = true;
  }
  std::string text() {
    std::lock_guard lock(mu_);
    return text_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::string text_;     // GUARDED_BY(mu_)
  bool cancel_ = false;  // GUARDED_BY(mu_)
  bool ended_ = false;   // GUARDED_BY(mu_)
  std::thread thread_;
};

// Whether `text` holds a stats frame that counted something.
bool HasBusyStats(const std::string& text) {
  for (const Frame& f : OfType(Frames(text), "stats"))
    if (f.data["matched"] > 0) return true;
  return false;
}

class MentionStreamHttpTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_NO_FATAL_FAILURE(testing::OpenMemoryStore(store_));
    Start(&hub_);
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }
  void Start(MentionHub* hub) {
    if (server_) server_->Stop();
    ServerOptions o = testing::LocalServerOptions(4);
    o.mention_hub = hub;
    o.categories = {{"delivery", "Delivery", "Livraison"}};
    server_ = std::make_unique<Server>(o, *store_, testing::ReadOnlyIngest(), ingest::MakeJsonDecoder(),
                                       &auth_.authenticator(), metrics_);
    ASSERT_TRUE(server_->Start().ok());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client_->set_read_timeout(10);
    auth_.SignIn(*client_);
  }
  bool WaitForSubscribers(size_t n) {
    const auto deadline = std::chrono::steady_clock::now() + 10s;
    while (hub_.subscribers() != n) {
      if (std::chrono::steady_clock::now() > deadline) return false;
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }

  MentionHub hub_;
  testing::TestAuth auth_;
  base::MetricsRegistry metrics_;
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<Server> server_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(MentionStreamHttpTest, RateCappedFramesAndStats) {
  StreamReader reader(server_->port(), auth_.admin_token(), "/api/v1/mentions/stream?max_rate=15");
  ASSERT_TRUE(WaitForSubscribers(1));
  ASSERT_TRUE(reader.WaitFor([](const std::string& t) { return t.find(": stream open\n") != std::string::npos; }));
  std::vector<model::Mention> batch;
  for (int64_t i = 1; i <= 5000; ++i) batch.push_back(M(i, model::Channel::kTwitter, i % 1000 == 0 ? "high" : "none"));
  hub_.Publish(batch);  // one commit: one window
  ASSERT_TRUE(reader.WaitFor(HasBusyStats)) << reader.text();
  const std::string text = reader.text();
  EXPECT_NE(text.find("retry: "), std::string::npos);
  std::vector<Frame> frames = Frames(text);
  size_t mention_frames = 0;
  json busy;
  for (const Frame& f : frames) {
    if (f.event == "mention") ++mention_frames;
    if (f.event == "stats" && f.data["matched"] > 0) {
      busy = f.data;
      break;
    }
  }
  EXPECT_EQ(mention_frames, 15u);
  EXPECT_EQ(busy["matched"], 5000);
  EXPECT_EQ(busy["sent"], 15);
  EXPECT_EQ(busy["skipped"], 4985);
  EXPECT_EQ(busy["by_severity"], json({{"high", 5}, {"none", 4995}}));
  // The 5 high ones are among those sent.
  int high = 0;
  for (const Frame& f : OfType(frames, "mention")) high += f.data["severity_level"] == "high";
  EXPECT_EQ(high, 5);
  // Stats keep coming every second, also when idle (the keep-alive).
  ASSERT_TRUE(reader.WaitFor([](const std::string& t) { return OfType(Frames(t), "stats").size() >= 2; }));

  // The client leaves: its subscription goes.
  reader.Cancel();
  EXPECT_TRUE(reader.WaitForEnd());
  EXPECT_TRUE(WaitForSubscribers(0));
}

TEST_F(MentionStreamHttpTest, FiltersFromTheQueryString) {
  StreamReader reader(server_->port(), auth_.admin_token(),
                      "/api/v1/mentions/stream?channel=forum,news&lang=en&severity=high,critical&sentiment=negative");
  ASSERT_TRUE(WaitForSubscribers(1));
  hub_.Publish({M(2, model::Channel::kForum, "high", "en"), M(4, model::Channel::kForum, "low", "en"),
                M(6, model::Channel::kTwitter, "high", "en"), M(8, model::Channel::kNews, "critical", "fr"),
                M(10, model::Channel::kNews, "critical", "en"), M(11, model::Channel::kNews, "critical", "en")});
  ASSERT_TRUE(reader.WaitFor(HasBusyStats)) << reader.text();
  std::vector<Frame> mentions = OfType(Frames(reader.text()), "mention");
  ASSERT_EQ(mentions.size(), 2u);
  EXPECT_EQ(mentions[0].data["id"], 2);
  EXPECT_EQ(mentions[1].data["id"], 10);  // 11 is positive
}

TEST_F(MentionStreamHttpTest, BadParametersAre400) {
  struct Case {
    const char* query;
    const char* field;
  };
  for (const Case& c : {Case{"channel=pigeon", "channel"}, Case{"lang=1", "lang"}, Case{"sentiment=happy", "sentiment"},
                        Case{"severity=extreme", "severity"}, Case{"category=weather", "category"},
                        Case{"needs_reply=maybe", "needs_reply"}, Case{"query_id=abc", "query_id"},
                        Case{"max_rate=0", "max_rate"}, Case{"max_rate=201", "max_rate"},
                        Case{"max_rate=fast", "max_rate"}, Case{"limit=5", "limit"}}) {
    SCOPED_TRACE(c.query);
    httplib::Result r = client_->Get((std::string("/api/v1/mentions/stream?") + c.query).c_str());
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << r->body;
    EXPECT_EQ(json::parse(r->body)["error"]["field"], c.field) << r->body;
  }
  EXPECT_EQ(hub_.subscribers(), 0u);
}

TEST_F(MentionStreamHttpTest, Unavailable503WithoutAHub) {
  Start(nullptr);
  httplib::Result r = client_->Get("/api/v1/mentions/stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  EXPECT_EQ(json::parse(r->body)["error"]["code"], "unavailable");
}

TEST_F(MentionStreamHttpTest, StopEndsOpenStreams) {
  StreamReader a(server_->port(), auth_.admin_token(), "/api/v1/mentions/stream");
  StreamReader b(server_->port(), auth_.admin_token(), "/api/v1/mentions/stream?max_rate=200");
  ASSERT_TRUE(WaitForSubscribers(2));
  server_->Stop();
  EXPECT_TRUE(a.WaitForEnd());
  EXPECT_TRUE(b.WaitForEnd());
  EXPECT_EQ(hub_.subscribers(), 0u);
}

TEST_F(MentionStreamHttpTest, ClosedHubEndsTheStream) {
  StreamReader reader(server_->port(), auth_.admin_token(), "/api/v1/mentions/stream");
  ASSERT_TRUE(WaitForSubscribers(1));
  hub_.Close();
  EXPECT_TRUE(reader.WaitForEnd());
  httplib::Result r = client_->Get("/api/v1/mentions/stream");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
}

}  // namespace
}  // namespace ecoute::api
