#include "alert/notifier.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

namespace ecoute::alert {
namespace {

using namespace std::chrono_literals;

struct Received {
  std::string body, event, timestamp, signature, content_type;
};

// A local receiver on 127.0.0.1; `status_for(n)` answers the n-th request (1-based).
class Receiver {
 public:
  explicit Receiver(std::function<int(int)> status_for) : status_for_(std::move(status_for)) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      received_.push_back(Received{req.body, req.get_header_value("X-Ecoute-Event"),
                                   req.get_header_value("X-Ecoute-Timestamp"),
                                   req.get_header_value("X-Ecoute-Signature"),
                                   req.get_header_value("Content-Type")});
      res.status = status_for_(static_cast<int>(received_.size()));
      res.set_content("ok", "text/plain");
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(1ms);
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Received> received() {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  std::function<int(int)> status_for_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<Received> received_;
};

// Waits (real time, up to 3 s) for `pred`.
bool WaitFor(const std::function<bool()>& pred) {
  for (int i = 0; i < 3000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(1ms);
  }
  return pred();
}

AlertEvent Event(std::string id) {
  AlertEvent e;
  e.id = std::move(id);
  e.rule = "brand spike";
  e.kind = "spike";
  e.title = "Spike on acme";
  e.text = "5x the usual volume in 15 min";
  e.payload_json = R"({"observed":50,"expected":10})";
  e.created_at_ms = 1'700'000'000'000;
  return e;
}

WebhookOptions Fast(std::string url) {
  WebhookOptions o;
  o.url = std::move(url);
  o.initial_backoff_ms = 1;
  o.max_backoff_ms = 4;
  o.max_attempts = 3;
  o.timeout_ms = 1000;
  o.clock_poll_ms = 2;
  return o;
}

std::unique_ptr<WebhookNotifier> Make(WebhookOptions o, const base::Clock* clock = &base::SystemClock()) {
  auto r = WebhookNotifier::Create(std::move(o), clock);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return std::move(r).value();
}

TEST(SignatureTest, RoundTripAndTamper) {
  const std::string sig = SignatureHeader("key", "1700000000", R"({"a":1})");
  EXPECT_EQ(sig.rfind("sha256=", 0), 0u);
  EXPECT_EQ(sig.size(), 7u + 64u);
  EXPECT_TRUE(VerifySignature("key", "1700000000", R"({"a":1})", sig));
  EXPECT_FALSE(VerifySignature("key", "1700000001", R"({"a":1})", sig));
  EXPECT_FALSE(VerifySignature("other", "1700000000", R"({"a":1})", sig));
  EXPECT_FALSE(VerifySignature("key", "1700000000", R"({"a":2})", sig));
  EXPECT_FALSE(VerifySignature("key", "1700000000", R"({"a":1})", sig.substr(0, 20)));
}

TEST(SignatureTest, KnownVector) {
  // python3: hmac.new(b"key", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
  EXPECT_EQ(SignatureHeader("key", "1700000000", R"({"a":1})"),
            "sha256=a438e398bfafc57e4396bb7fc2304422f0f768e965d073ca313cb52e22e6ad03");
}

TEST(BackoffTest, ExponentialCappedDeterministicJitter) {
  WebhookOptions o;
  o.initial_backoff_ms = 1000;
  o.max_backoff_ms = 300'000;
  for (int r = 1; r <= 12; ++r) {
    const int64_t nominal = std::min<int64_t>(300'000, 1000LL << (r - 1));
    const int64_t b = BackoffMs(o, "ev", r);
    EXPECT_GE(b, nominal / 2) << r;
    EXPECT_LT(b, nominal) << r;
    EXPECT_EQ(b, BackoffMs(o, "ev", r));
  }
  EXPECT_NE(BackoffMs(o, "a", 3), BackoffMs(o, "b", 3));
}

TEST(WebhookNotifierTest, RejectsBadOptions) {
  WebhookOptions o;
  o.url = "ftp://x/y";
  EXPECT_FALSE(WebhookNotifier::Create(o).ok());
  o.url = "localhost:80/x";
  EXPECT_FALSE(WebhookNotifier::Create(o).ok());
  o.url = "http://127.0.0.1:1/x";
  o.max_attempts = 0;
  EXPECT_FALSE(WebhookNotifier::Create(o).ok());
}

TEST(WebhookNotifierTest, DeliversSignedJson) {
  Receiver rx([](int) { return 200; });
  WebhookOptions o = Fast(rx.url());
  o.secret = "s3cret";
  auto n = Make(o);
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev-1")));
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1; }));
  auto got = rx.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].event, "ev-1");
  EXPECT_EQ(got[0].content_type, "application/json");
  EXPECT_TRUE(VerifySignature("s3cret", got[0].timestamp, got[0].body, got[0].signature));
  EXPECT_FALSE(VerifySignature("wrong", got[0].timestamp, got[0].body, got[0].signature));
  const auto j = nlohmann::json::parse(got[0].body);
  EXPECT_EQ(j["id"], "ev-1");
  EXPECT_EQ(j["rule"], "brand spike");
  EXPECT_EQ(j["payload"]["observed"], 50);
  EXPECT_EQ(j["created_at_ms"], 1'700'000'000'000);
  auto log = n->Log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].event_id, "ev-1");
  EXPECT_EQ(log[0].attempt, 1);
  EXPECT_EQ(log[0].status, 200);
  EXPECT_TRUE(log[0].error.empty());
  EXPECT_TRUE(n->DeadLetters().empty());
}

TEST(WebhookNotifierTest, NoSecretNoSignature) {
  Receiver rx([](int) { return 204; });
  auto n = Make(Fast(rx.url()));
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev")));
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1; }));
  EXPECT_TRUE(rx.received()[0].signature.empty());
  EXPECT_FALSE(rx.received()[0].timestamp.empty());
}

TEST(WebhookNotifierTest, SlackShape) {
  Receiver rx([](int) { return 200; });
  WebhookOptions o = Fast(rx.url());
  o.format = WebhookFormat::kSlack;
  auto n = Make(o);
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev-s")));
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1; }));
  const auto j = nlohmann::json::parse(rx.received()[0].body);
  ASSERT_TRUE(j["text"].is_string());
  EXPECT_NE(j["text"].get<std::string>().find("Spike on acme"), std::string::npos);
  EXPECT_EQ(j["ecoute"]["id"], "ev-s");
}

TEST(WebhookNotifierTest, RetriesWithBackoffOnFakeClock) {
  Receiver rx([](int n) { return n <= 2 ? 500 : 200; });
  base::FakeClock clock(1'700'000'000'000);
  WebhookOptions o = Fast(rx.url());
  o.initial_backoff_ms = 1000;
  o.max_backoff_ms = 300'000;
  o.max_attempts = 6;
  auto n = Make(o, &clock);
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev-r")));
  ASSERT_TRUE(WaitFor([&] { return n->Log().size() == 1; }));
  const int64_t b1 = BackoffMs(o, "ev-r", 1), b2 = BackoffMs(o, "ev-r", 2);
  clock.Advance(b1 - 1);  // not yet due
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(n->Log().size(), 1u);
  clock.Advance(1);
  ASSERT_TRUE(WaitFor([&] { return n->Log().size() == 2; }));
  clock.Advance(b2);
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1; }));
  auto log = n->Log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].status, 500);
  EXPECT_EQ(log[0].error, "http 500");
  EXPECT_EQ(log[1].status, 500);
  EXPECT_EQ(log[2].status, 200);
  EXPECT_EQ(log[2].attempt, 3);
  EXPECT_EQ(log[1].at_ms - log[0].at_ms, b1);
  EXPECT_EQ(log[2].at_ms - log[1].at_ms, b2);
  EXPECT_TRUE(n->DeadLetters().empty());
  EXPECT_EQ(rx.received().size(), 3u);
}

TEST(WebhookNotifierTest, AlwaysFailingGoesToDeadLetterAfterMaxAttempts) {
  Receiver rx([](int) { return 503; });
  auto n = Make(Fast(rx.url()));
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev-f")));
  ASSERT_TRUE(WaitFor([&] { return n->DeadLetters().size() == 1; }));
  auto dl = n->DeadLetters();
  EXPECT_EQ(dl[0].event.id, "ev-f");
  EXPECT_EQ(dl[0].attempts, 3);
  EXPECT_EQ(dl[0].reason, "max attempts: http 503");
  EXPECT_EQ(n->Log().size(), 3u);
  EXPECT_EQ(rx.received().size(), 3u);
  EXPECT_EQ(n->Stats().delivered, 0u);
}

TEST(WebhookNotifierTest, ClientErrorIsNotRetried) {
  Receiver rx([](int) { return 400; });
  auto n = Make(Fast(rx.url()));
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev-400")));
  ASSERT_TRUE(WaitFor([&] { return n->DeadLetters().size() == 1; }));
  auto dl = n->DeadLetters();
  EXPECT_EQ(dl[0].attempts, 1);
  EXPECT_EQ(dl[0].reason, "http 400");
  EXPECT_EQ(rx.received().size(), 1u);
}

TEST(WebhookNotifierTest, TooManyRequestsIsRetried) {
  Receiver rx([](int n) { return n == 1 ? 429 : 200; });
  auto n = Make(Fast(rx.url()));
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev-429")));
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1; }));
  EXPECT_EQ(n->Log().size(), 2u);
}

int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

TEST(WebhookNotifierTest, UnreachableIsRetriedThenDeadLetter) {
  auto n = Make(Fast("http://127.0.0.1:" + std::to_string(FreePort()) + "/hook"));
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev-u")));
  ASSERT_TRUE(WaitFor([&] { return n->DeadLetters().size() == 1; }));
  auto log = n->Log();
  ASSERT_EQ(log.size(), 3u);
  for (const auto& a : log) {
    EXPECT_EQ(a.status, 0);
    EXPECT_EQ(a.error.rfind("connection: ", 0), 0u) << a.error;
  }
  EXPECT_EQ(n->DeadLetters()[0].attempts, 3);
  EXPECT_EQ(n->DeadLetters()[0].reason.rfind("max attempts: connection: ", 0), 0u);
}

TEST(WebhookNotifierTest, FullQueueDeadLettersAtOnce) {
  WebhookOptions o = Fast("http://127.0.0.1:1/hook");
  o.queue_capacity = 2;
  auto n = Make(o);  // not started: nothing leaves the queue
  EXPECT_TRUE(n->Enqueue(Event("a")));
  EXPECT_TRUE(n->Enqueue(Event("b")));
  EXPECT_FALSE(n->Enqueue(Event("c")));
  auto dl = n->DeadLetters();
  ASSERT_EQ(dl.size(), 1u);
  EXPECT_EQ(dl[0].event.id, "c");
  EXPECT_EQ(dl[0].reason, "queue full");
  EXPECT_EQ(dl[0].attempts, 0);
  EXPECT_EQ(n->Stats().pending, 2u);
  n->Stop();  // abandons: the queued events become dead letters
  dl = n->DeadLetters();
  ASSERT_EQ(dl.size(), 3u);
  EXPECT_EQ(dl[1].reason, "stopped");
  EXPECT_EQ(dl[2].reason, "stopped");
  EXPECT_FALSE(n->Enqueue(Event("d")));
  EXPECT_EQ(n->DeadLetters().back().reason, "stopped");
}

TEST(WebhookNotifierTest, LogIsABoundedRing) {
  Receiver rx([](int) { return 200; });
  WebhookOptions o = Fast(rx.url());
  o.log_capacity = 3;
  auto n = Make(o);
  n->Start();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(n->Enqueue(Event("e" + std::to_string(i))));
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 5; }));
  auto log = n->Log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].event_id, "e2");
  EXPECT_EQ(log[2].event_id, "e4");
  EXPECT_EQ(n->Stats().attempts, 5u);
}

}  // namespace
}  // namespace ecoute::alert
