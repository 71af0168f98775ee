#include "alert/notifier.h"
#include "alert/notifier_testing.h"

#include <gtest/gtest.h>
#include <httplib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <stdexcept>
#include <nlohmann/json.hpp>
#include <thread>

namespace ecoute::alert {
namespace {

using test_util::FreePort;
using test_util::Received;
using test_util::Receiver;
using test_util::Seen;
using test_util::Recorder;
using test_util::WaitFor;

using namespace std::chrono_literals;


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
  o.delivery.initial_backoff_ms = 1;
  o.delivery.max_backoff_ms = 4;
  o.delivery.max_attempts = 3;
  o.delivery.timeout_ms = 1000;
  o.delivery.clock_poll_ms = 2;
  return o;
}

std::unique_ptr<Notifier> Make(WebhookOptions o, const base::Clock* clock = &base::SystemClock(),
                               std::string name = "hook") {
  auto r = MakeWebhookNotifier(std::move(name), std::move(o), clock);
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
  DeliveryOptions o;
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
  auto r = MakeWebhookNotifier("h", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), "webhook.url: scheme must be http or https: ftp://x/y");
  o.url = "localhost:80/x";
  EXPECT_FALSE(MakeWebhookNotifier("h", o).ok());
  o.url = "http:///x";
  EXPECT_FALSE(MakeWebhookNotifier("h", o).ok());
  o.url = "http://127.0.0.1:1/x";
  EXPECT_TRUE(MakeWebhookNotifier("h", o).ok());
  EXPECT_FALSE(MakeWebhookNotifier("", o).ok());
  EXPECT_FALSE(MakeWebhookNotifier("h", o, nullptr).ok());
  o.delivery.max_attempts = 0;
  r = MakeWebhookNotifier("h", o);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(), "webhook.delivery.max_attempts: must be >= 1");
  o.delivery.max_attempts = 1;
  o.delivery.timeout_ms = 0;
  EXPECT_FALSE(MakeWebhookNotifier("h", o).ok());
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
  o.delivery.initial_backoff_ms = 1000;
  o.delivery.max_backoff_ms = 300'000;
  o.delivery.max_attempts = 6;
  auto n = Make(o, &clock);
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev-r")));
  ASSERT_TRUE(WaitFor([&] { return n->Log().size() == 1; }));
  const int64_t b1 = BackoffMs(o.delivery, "ev-r", 1), b2 = BackoffMs(o.delivery, "ev-r", 2);
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
  o.delivery.queue_capacity = 2;
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
  o.delivery.log_capacity = 3;
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

TEST(WebhookNotifierTest, CarriesAlertIdLevelAndUrl) {
  AlertEvent e = Event("ev-l");
  e.alert_id = 42;
  e.level = "critical";
  e.url = "https://ecoute.example/api/v1/alerts/42";
  auto j = nlohmann::json::parse(WebhookBody(e, WebhookFormat::kJson));
  EXPECT_EQ(j["alert_id"], 42);
  EXPECT_EQ(j["level"], "critical");
  EXPECT_EQ(j["url"], "https://ecoute.example/api/v1/alerts/42");
  EXPECT_EQ(j["created_at"], "2023-11-14T22:13:20Z");
  j = nlohmann::json::parse(WebhookBody(e, WebhookFormat::kSlack));
  EXPECT_EQ(j["text"], "[critical] *Spike on acme*\n5x the usual volume in 15 min\nhttps://ecoute.example/api/v1/alerts/42");
  EXPECT_EQ(j["ecoute"]["alert_id"], 42);
  // Unset: no prefix, no link line.
  j = nlohmann::json::parse(WebhookBody(Event("ev-m"), WebhookFormat::kSlack));
  EXPECT_EQ(j["text"], "*Spike on acme*\n5x the usual volume in 15 min");
  EXPECT_EQ(j["ecoute"]["alert_id"], 0);
  EXPECT_EQ(j["ecoute"]["url"], "");
}

TEST(WebhookNotifierTest, ReusesOneKeepAliveConnection) {
  Receiver rx([](int) { return 200; });
  auto n = Make(Fast(rx.url()));
  n->Start();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(n->Enqueue(Event("ka" + std::to_string(i))));
    ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == static_cast<uint64_t>(i + 1); }));
  }
  auto got = rx.received();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_NE(got[0].remote_port, 0);
  EXPECT_EQ(got[1].remote_port, got[0].remote_port);
  EXPECT_EQ(got[2].remote_port, got[0].remote_port);
}

TEST(WebhookNotifierTest, ReconnectsWhenTheServerClosedAnIdleConnection) {
  Receiver rx([](int) { return 200; }, /*keep_alive_s=*/1);
  auto n = Make(Fast(rx.url()));
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("before")));
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1; }));
  std::this_thread::sleep_for(1200ms);  // the server drops the idle connection after 1 s
  ASSERT_TRUE(n->Enqueue(Event("after")));
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 2; }));
  auto log = n->Log();
  ASSERT_EQ(log.size(), 2u);  // no failed attempt on the stale connection
  EXPECT_TRUE(log[1].error.empty()) << log[1].error;
  auto got = rx.received();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_NE(got[1].remote_port, got[0].remote_port);
}

TEST(WebhookNotifierTest, MetricsAreLabelledByNotifier) {
  Receiver rx([](int n) { return n == 1 ? 500 : 200; });
  auto n = Make(Fast(rx.url()), &base::SystemClock(), "hook-metrics");
  EXPECT_EQ(n->name(), "hook-metrics");
  EXPECT_EQ(n->type(), "webhook");
  // The registry is process-wide (and keeps counting under --gtest_repeat).
  auto value = [](const std::string& series) -> int64_t {
    const std::string text = base::Metrics().RenderPrometheus();
    const size_t at = text.find("\n" + series + " ");
    return at == std::string::npos ? -1 : std::stoll(text.substr(at + series.size() + 2));
  };
  const std::string delivered = R"(ecoute_alert_notifier_delivered_total{notifier="hook-metrics",type="webhook"})";
  const std::string failed = R"(ecoute_alert_notifier_failed_attempts_total{notifier="hook-metrics",type="webhook"})";
  const int64_t delivered0 = value(delivered), failed0 = value(failed);
  ASSERT_GE(delivered0, 0) << base::Metrics().RenderPrometheus();
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev-metrics")));
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1; }));
  EXPECT_EQ(value(delivered) - delivered0, 1);
  EXPECT_EQ(value(failed) - failed0, 1);
}

TEST(WebhookNotifierTest, ObserverSeesEveryAttemptWithoutTheLock) {
  Receiver rx([](int n) { return n == 1 ? 503 : n == 2 ? 200 : 400; });
  Recorder rec;
  auto n = Make(Fast(rx.url()), &base::SystemClock(), "obs");
  std::atomic<int> calls{0};
  AttemptObserver record = rec.Observer();
  n->SetObserver([&, record](const DeliveryAttempt& a, std::string_view state) {
    (void)n->Stats();  // would deadlock if called with the notifier's lock held
    (void)n->Log();
    record(a, state);
    ++calls;
  });
  n->Start();
  AlertEvent e = Event("ev-o1");
  e.alert_id = 7;
  ASSERT_TRUE(n->Enqueue(e));
  ASSERT_TRUE(WaitFor([&] { return calls == 2; }));
  ASSERT_TRUE(n->Enqueue(Event("ev-o2")));
  ASSERT_TRUE(WaitFor([&] { return calls == 3; }));
  auto seen = rec.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].notifier, "obs");
  EXPECT_EQ(seen[0].event_id, "ev-o1");
  EXPECT_EQ(seen[0].alert_id, 7);
  EXPECT_EQ(seen[0].state, "retry");
  EXPECT_EQ(seen[0].attempt, 1);
  EXPECT_EQ(seen[0].status, 503);
  EXPECT_EQ(seen[1].state, "delivered");
  EXPECT_EQ(seen[1].attempt, 2);
  EXPECT_EQ(seen[1].status, 200);
  EXPECT_EQ(seen[2].event_id, "ev-o2");
  EXPECT_EQ(seen[2].state, "dead");
  EXPECT_EQ(seen[2].status, 400);
  EXPECT_EQ(seen[2].error, "http 400");
}

TEST(WebhookNotifierTest, ObserverSeesQueueFullAndStopped) {
  Recorder rec;
  WebhookOptions o = Fast("http://127.0.0.1:1/hook");
  o.delivery.queue_capacity = 1;
  o.delivery.observer = rec.Observer();  // set through the options
  auto n = Make(o, &base::SystemClock(), "obs-dead");
  EXPECT_TRUE(n->Enqueue(Event("a")));
  EXPECT_FALSE(n->Enqueue(Event("b")));
  n->Stop();
  EXPECT_FALSE(n->Enqueue(Event("c")));
  auto seen = rec.seen();
  ASSERT_EQ(seen.size(), 3u);
  EXPECT_EQ(seen[0].event_id, "b");
  EXPECT_EQ(seen[0].error, "queue full");
  EXPECT_EQ(seen[1].event_id, "a");
  EXPECT_EQ(seen[1].error, "stopped");
  EXPECT_EQ(seen[2].event_id, "c");
  EXPECT_EQ(seen[2].error, "stopped");
  for (const Seen& s : seen) {
    EXPECT_EQ(s.state, "dead");
    EXPECT_EQ(s.attempt, 0);
    EXPECT_EQ(s.status, 0);
  }
  EXPECT_TRUE(n->Log().empty());
}

// A transport scripted by the test: throws on the first call, then fails
// permanently.
class ScriptedTransport : public Transport {
 public:
  std::string_view type() const override { return "fake"; }
  Outcome Send(const AlertEvent&, int64_t) override {
    if (++calls_ == 1) throw std::runtime_error("boom");
    return Outcome{554, "fake 554", false};
  }

 private:
  int calls_ = 0;
};

TEST(NotifierTest, ExceptionIsRetryableAndNonRetryableDeadLettersAtOnce) {
  DeliveryOptions o;
  o.initial_backoff_ms = 1;
  o.max_backoff_ms = 1;
  o.clock_poll_ms = 1;
  auto r = Notifier::Create("fake", o, std::make_unique<ScriptedTransport>());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto n = std::move(r).value();
  EXPECT_EQ(n->type(), "fake");
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev-x")));
  ASSERT_TRUE(WaitFor([&] { return n->DeadLetters().size() == 1; }));
  auto log = n->Log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].error, "exception: boom");
  EXPECT_EQ(log[1].status, 554);
  EXPECT_EQ(n->DeadLetters()[0].reason, "fake 554");
  EXPECT_EQ(n->DeadLetters()[0].attempts, 2);
  EXPECT_FALSE(Notifier::Create("fake", o, nullptr).ok());
  o.queue_capacity = 0;
  auto bad = Notifier::Create("fake", o, std::make_unique<ScriptedTransport>());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "fake.delivery.queue_capacity: must be > 0");
}

}  // namespace
}  // namespace ecoute::alert
