#include "care/outbound.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <stdlib.h>

#include <chrono>
#include <functional>
#include <map>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "alert/notifier.h"
#include "alert/notifier_testing.h"
#include "alert/smtp_testing.h"
#include "base/clock.h"

namespace ecoute::care {
namespace {

using alert::test_util::DecodeQuotedPrintable;
using alert::test_util::DecodeWords;
using alert::test_util::FreePort;
using alert::test_util::SmtpServer;
using alert::test_util::SmtpStage;
using alert::test_util::WaitFor;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using nlohmann::json;

constexpr base::Timestamp kT0 = 1'700'000'000'000;  // Tue, 14 Nov 2023 22:13:20 +0000
constexpr char kSecret[] = "s3cret";

}  // namespace

// Readable failure messages.
void PrintTo(const ReplyResult& r, std::ostream* os) {
  *os << "{reply " << r.reply_id << ", " << r.connector << ", delivered " << r.delivered << ", attempts "
      << r.attempts << ", status " << r.status << ", error \"" << r.error << "\", external_id \"" << r.external_id
      << "\", at " << r.at << "}";
}

namespace {

// Records the observer's calls. Thread-safe; outlives the connectors.
class Results {
 public:
  ReplyObserver Observer() {
    return [this](const ReplyResult& r) {
      std::lock_guard lock(mu_);
      results_.push_back(r);
    };
  }
  std::vector<ReplyResult> get() {
    std::lock_guard lock(mu_);
    return results_;
  }
  bool WaitCount(size_t n) {
    return WaitFor([&] { return get().size() >= n; });
  }

 private:
  std::mutex mu_;
  std::vector<ReplyResult> results_;
};

OutboundReply Reply(int64_t id = 7) {
  OutboundReply r;
  r.reply_id = id;
  r.case_id = 42;
  r.channel = model::Channel::kTwitter;
  r.account = "@brand";
  r.to = "@jean_dupont";
  r.in_reply_to = "1790000000000000000";
  r.thread_id = "1789999999999999999";
  r.subject = "Colis perdu";
  r.text = "Bonjour Jean, votre colis arrive demain. — Léa";
  r.agent = "Léa Martin";
  r.language = "fr";
  r.created_at = kT0;
  return r;
}

alert::DeliveryOptions FastDelivery(int max_attempts = 4) {
  alert::DeliveryOptions d;
  d.max_attempts = max_attempts;
  d.initial_backoff_ms = 0;  // retries due at once
  d.max_backoff_ms = 0;
  d.timeout_ms = 2000;
  d.clock_poll_ms = 5;
  return d;
}

// ---------------------------------------------------------------- bridge

struct Request {
  std::string body, event, timestamp, signature, content_type;
};

// A webhook bridge on 127.0.0.1 answering the n-th request (1-based) with
// answer(n) = {status, JSON body}.
class Bridge {
 public:
  explicit Bridge(std::function<std::pair<int, std::string>(int)> answer) : answer_(std::move(answer)) {
    server_.Post("/bridge", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      requests_.push_back(Request{req.body, req.get_header_value("X-Ecoute-Event"),
                                  req.get_header_value("X-Ecoute-Timestamp"),
                                  req.get_header_value("X-Ecoute-Signature"), req.get_header_value("Content-Type")});
      auto [status, body] = answer_(static_cast<int>(requests_.size()));
      res.status = status;
      res.set_content(body, "application/json");
    });
    server_.set_tcp_nodelay(true);
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Bridge() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/bridge"; }
  std::vector<Request> requests() {
    std::lock_guard lock(mu_);
    return requests_;
  }

 private:
  std::function<std::pair<int, std::string>(int)> answer_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<Request> requests_;
};

std::unique_ptr<ReplyConnector> Webhook(const std::string& url, Results& results, const base::Clock& clock,
                                        alert::DeliveryOptions delivery = FastDelivery()) {
  auto c = MakeWebhookConnector("social", WebhookConnectorOptions{url, kSecret, delivery}, results.Observer(), clock);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

TEST(WebhookConnector, PostsSignedReplyAndTakesTheId) {
  Bridge bridge([](int) { return std::make_pair(200, std::string(R"({"id":"1790000000000000001"})")); });
  base::FakeClock clock(kT0);
  Results results;
  auto c = Webhook(bridge.url(), results, clock);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->name(), "social");
  EXPECT_EQ(c->type(), "webhook");
  ASSERT_TRUE(c->Send(Reply()));  // queued before Start: waits
  c->Start();
  ASSERT_TRUE(results.WaitCount(1));
  c->Stop();

  const auto reqs = bridge.requests();
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].event, "reply-7");
  EXPECT_EQ(reqs[0].timestamp, std::to_string(kT0 / 1000));
  EXPECT_EQ(reqs[0].content_type, "application/json");
  EXPECT_TRUE(alert::VerifySignature(kSecret, reqs[0].timestamp, reqs[0].body, reqs[0].signature));
  EXPECT_FALSE(alert::VerifySignature("other", reqs[0].timestamp, reqs[0].body, reqs[0].signature));
  const json body = json::parse(reqs[0].body);
  EXPECT_EQ(body, json::parse(R"({"type":"reply","reply_id":7,"case_id":42,"channel":"twitter","account":"@brand",
      "to":"@jean_dupont","in_reply_to":"1790000000000000000","thread_id":"1789999999999999999",
      "subject":"Colis perdu","text":"Bonjour Jean, votre colis arrive demain. — Léa","agent":"Léa Martin",
      "language":"fr","created_at":"2023-11-14T22:13:20Z","created_at_ms":1700000000000})"));
  auto back = OutboundReplyFromJson(body);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, Reply());

  const auto got = results.get();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (ReplyResult{7, "social", true, 1, 200, "", "1790000000000000001", kT0}));
  const alert::NotifierStats stats = c->Stats();
  EXPECT_EQ(stats.enqueued, 1u);
  EXPECT_EQ(stats.delivered, 1u);
  EXPECT_EQ(stats.pending, 0u);
}

TEST(WebhookConnector, RetriesServerErrorsThenDelivers) {
  alert::test_util::Receiver receiver([](int n) { return n < 3 ? 500 : 202; });
  base::FakeClock clock(kT0);
  Results results;
  auto c = Webhook(receiver.url(), results, clock);
  ASSERT_NE(c, nullptr);
  c->Start();
  ASSERT_TRUE(c->Send(Reply(8)));
  ASSERT_TRUE(results.WaitCount(1));
  c->Stop();
  const auto got = results.get();
  ASSERT_EQ(got.size(), 1u);  // exactly once, for the final outcome
  EXPECT_TRUE(got[0].delivered);
  EXPECT_EQ(got[0].attempts, 3);
  EXPECT_EQ(got[0].status, 202);
  EXPECT_EQ(got[0].external_id, "");  // "ok" is not JSON
  const auto received = receiver.received();
  ASSERT_EQ(received.size(), 3u);
  for (const auto& r : received) {
    EXPECT_EQ(r.event, "reply-8");
    EXPECT_EQ(r.body, received[0].body);
    EXPECT_TRUE(alert::VerifySignature(kSecret, r.timestamp, r.body, r.signature));
  }
}

TEST(WebhookConnector, PermanentRefusalIsOneFailedResult) {
  Bridge bridge([](int) { return std::make_pair(422, std::string(R"({"error":"tweet deleted\nby author"})")); });
  base::FakeClock clock(kT0);
  Results results;
  auto c = Webhook(bridge.url(), results, clock);
  ASSERT_NE(c, nullptr);
  c->Start();
  ASSERT_TRUE(c->Send(Reply()));
  ASSERT_TRUE(results.WaitCount(1));
  c->Stop();
  EXPECT_EQ(bridge.requests().size(), 1u);
  const auto got = results.get();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (ReplyResult{7, "social", false, 1, 422, "http 422: tweet deleted by author", "", kT0}));
}

TEST(WebhookConnector, PlainBadRequestAndRateLimits) {
  Bridge bridge([](int n) {
    if (n == 1) return std::make_pair(429, std::string("{}"));
    if (n == 2) return std::make_pair(201, std::string(R"({"id":12345})"));
    return std::make_pair(400, std::string("not json"));
  });
  base::FakeClock clock(kT0);
  Results results;
  auto c = Webhook(bridge.url(), results, clock);
  ASSERT_NE(c, nullptr);
  c->Start();
  ASSERT_TRUE(c->Send(Reply(1)));
  ASSERT_TRUE(results.WaitCount(1));
  ASSERT_TRUE(c->Send(Reply(2)));
  ASSERT_TRUE(results.WaitCount(2));
  c->Stop();
  const auto got = results.get();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], (ReplyResult{1, "social", true, 2, 201, "", "12345", kT0}));  // 429 retried
  EXPECT_EQ(got[1], (ReplyResult{2, "social", false, 1, 400, "http 400", "", kT0}));
}

TEST(WebhookConnector, GivesUpAfterMaxAttempts) {
  alert::test_util::Receiver receiver([](int) { return 503; });
  base::FakeClock clock(kT0);
  Results results;
  auto c = Webhook(receiver.url(), results, clock, FastDelivery(3));
  ASSERT_NE(c, nullptr);
  c->Start();
  ASSERT_TRUE(c->Send(Reply()));
  ASSERT_TRUE(results.WaitCount(1));
  c->Stop();
  EXPECT_EQ(receiver.received().size(), 3u);
  const auto got = results.get();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0], (ReplyResult{7, "social", false, 3, 503, "max attempts: http 503", "", kT0}));
}

TEST(WebhookConnector, ConnectionErrorsAreRetried) {
  base::FakeClock clock(kT0);
  Results results;
  auto c = Webhook("http://127.0.0.1:" + std::to_string(FreePort()) + "/x", results, clock, FastDelivery(2));
  ASSERT_NE(c, nullptr);
  c->Start();
  ASSERT_TRUE(c->Send(Reply()));
  ASSERT_TRUE(results.WaitCount(1));
  c->Stop();
  const auto got = results.get();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_FALSE(got[0].delivered);
  EXPECT_EQ(got[0].attempts, 2);
  EXPECT_EQ(got[0].status, 0);
  EXPECT_THAT(got[0].error, StartsWith("max attempts: connection: "));
}

TEST(WebhookConnector, RefusalsAreReportedOnce) {
  Bridge bridge([](int) { return std::make_pair(200, std::string("{}")); });
  base::FakeClock clock(kT0);
  Results results;
  alert::DeliveryOptions d = FastDelivery();
  d.queue_capacity = 1;
  auto c = Webhook(bridge.url(), results, clock, d);
  ASSERT_NE(c, nullptr);
  OutboundReply empty = Reply(1);
  empty.text = " \n ";
  EXPECT_FALSE(c->Send(empty));
  EXPECT_TRUE(c->Send(Reply(2)));   // waits: not started
  EXPECT_FALSE(c->Send(Reply(3)));  // queue full
  c->Stop();                        // abandons 2
  EXPECT_FALSE(c->Send(Reply(4)));  // stopped
  c->Start();                       // no effect after Stop
  const auto got = results.get();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0], (ReplyResult{1, "social", false, 0, 0, "invalid reply: text: empty", "", kT0}));
  EXPECT_EQ(got[1], (ReplyResult{3, "social", false, 0, 0, "queue full", "", kT0}));
  EXPECT_EQ(got[2], (ReplyResult{2, "social", false, 0, 0, "stopped", "", kT0}));
  EXPECT_EQ(got[3], (ReplyResult{4, "social", false, 0, 0, "stopped", "", kT0}));
  EXPECT_TRUE(bridge.requests().empty());
}

TEST(WebhookConnector, OptionErrors) {
  base::FakeClock clock(kT0);
  auto error = [&](WebhookConnectorOptions o, std::string name = "w") {
    auto c = MakeWebhookConnector(std::move(name), std::move(o), nullptr, clock);
    EXPECT_FALSE(c.ok());
    return c.ok() ? std::string() : c.status().message();
  };
  EXPECT_EQ(error({"http://127.0.0.1:1/x", kSecret, {}}, ""), "name: empty");
  EXPECT_THAT(error({"127.0.0.1/x", kSecret, {}}), StartsWith("url: no scheme"));
  EXPECT_THAT(error({"ftp://h/x", kSecret, {}}), StartsWith("url: scheme must be http or https"));
  EXPECT_THAT(error({"http:///x", kSecret, {}}), StartsWith("url: no host"));
  EXPECT_THAT(error({"http://127.0.0.1:1/x", "", {}}), StartsWith("secret: required"));
  alert::DeliveryOptions d;
  d.max_attempts = 0;
  EXPECT_EQ(error({"http://127.0.0.1:1/x", kSecret, d}), "delivery.max_attempts: must be >= 1");
}

// ------------------------------------------------------- message decoding

struct Parsed {
  std::map<std::string, std::string> headers;  // unfolded, names as written
  std::vector<std::string> raw_header_lines;
  std::string body;  // as sent
};

Parsed ParseMessage(const std::string& data) {
  Parsed p;
  const size_t split = data.find("\r\n\r\n");
  EXPECT_NE(split, std::string::npos);
  const std::string head = data.substr(0, split + 2);
  p.body = data.substr(split + 4);
  std::string name, value;
  auto flush = [&] {
    if (!name.empty()) p.headers[name] = value;
    name.clear();
  };
  size_t i = 0;
  while (i < head.size()) {
    const size_t eol = head.find("\r\n", i);
    const std::string line = head.substr(i, eol - i);
    i = eol + 2;
    p.raw_header_lines.push_back(line);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      value += line;  // unfolding keeps the whitespace
      continue;
    }
    flush();
    const size_t colon = line.find(':');
    name = line.substr(0, colon);
    value = line.substr(colon + 2);
  }
  flush();
  return p;
}

SmtpConnectorOptions MailOptions(std::string url) {
  SmtpConnectorOptions o;
  o.url = std::move(url);
  o.from = "support@brand.example";
  o.from_name = "Service client Brand";
  o.delivery = FastDelivery();
  return o;
}

OutboundReply MailReply(int64_t id = 7) {
  OutboundReply r = Reply(id);
  r.channel = model::Channel::kEmail;
  r.account = "support@brand.example";
  r.to = "Jean Dupont <jean.dupont@customer.example>";
  r.in_reply_to = "CAF=abc.123@mail.customer.example";
  r.subject = "Colis perdu — où est-il ?";
  r.text = "Bonjour Jean,\n\nVotre colis arrive demain. Désolés pour l'attente.\n.\n— Léa\n";
  return r;
}

std::unique_ptr<ReplyConnector> Smtp(SmtpConnectorOptions o, Results& results, const base::Clock& clock) {
  auto c = MakeSmtpConnector("mail", std::move(o), results.Observer(), clock);
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c).value() : nullptr;
}

TEST(SmtpConnector, SendsAThreadedUtf8Reply) {
  SmtpServer server;
  base::FakeClock clock(kT0);
  Results results;
  auto c = Smtp(MailOptions(server.url()), results, clock);
  ASSERT_NE(c, nullptr);
  EXPECT_EQ(c->type(), "smtp");
  c->Start();
  ASSERT_TRUE(c->Send(MailReply()));
  ASSERT_TRUE(results.WaitCount(1));
  OutboundReply second = MailReply(8);
  second.subject = "RE: suivi";
  second.in_reply_to = "<already@bracketed>";
  ASSERT_TRUE(c->Send(second));
  ASSERT_TRUE(results.WaitCount(2));
  c->Stop();

  const auto got = results.get();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0], (ReplyResult{7, "mail", true, 1, 250, "", "<reply-7.42@brand.example>", kT0}));
  EXPECT_EQ(got[1].external_id, "<reply-8.42@brand.example>");

  const auto mails = server.received();
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[0].from, "support@brand.example");
  EXPECT_EQ(mails[0].rcpt, std::vector<std::string>{"jean.dupont@customer.example"});
  const Parsed m = ParseMessage(mails[0].data);
  EXPECT_EQ(m.headers.at("From"), "\"Service client Brand\" <support@brand.example>");
  EXPECT_EQ(m.headers.at("To"), "jean.dupont@customer.example");
  EXPECT_THAT(m.headers.at("Subject"), StartsWith("=?UTF-8?B?"));
  EXPECT_EQ(DecodeWords(m.headers.at("Subject")), "Re: Colis perdu — où est-il ?");
  EXPECT_EQ(m.headers.at("Date"), "Tue, 14 Nov 2023 22:13:20 +0000");
  EXPECT_EQ(m.headers.at("Message-ID"), "<reply-7.42@brand.example>");
  EXPECT_EQ(m.headers.at("In-Reply-To"), "<CAF=abc.123@mail.customer.example>");
  EXPECT_EQ(m.headers.at("References"), "<CAF=abc.123@mail.customer.example>");
  EXPECT_EQ(m.headers.at("MIME-Version"), "1.0");
  EXPECT_EQ(m.headers.at("Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(m.headers.at("Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(m.headers.at("X-Ecoute-Reply"), "7");
  EXPECT_EQ(m.headers.at("X-Ecoute-Case"), "42");
  for (const std::string& l : m.raw_header_lines) EXPECT_LE(l.size(), 78u) << l;
  EXPECT_EQ(DecodeQuotedPrintable(m.body),
            "Bonjour Jean,\r\n\r\nVotre colis arrive demain. D\xc3\xa9sol\xc3\xa9s pour l'attente.\r\n.\r\n"
            "\xe2\x80\x94 L\xc3\xa9" "a\r\n");
  for (char ch : m.body) EXPECT_LT(static_cast<unsigned char>(ch), 0x80);  // 7-bit on the wire

  const Parsed m2 = ParseMessage(mails[1].data);
  EXPECT_EQ(m2.headers.at("Subject"), "RE: suivi");
  EXPECT_EQ(m2.headers.at("In-Reply-To"), "<already@bracketed>");
}

TEST(SmtpConnector, PermanentAndTemporaryFailures) {
  SmtpServer server;
  base::FakeClock clock(kT0);
  Results results;
  auto c = Smtp(MailOptions(server.url()), results, clock);
  ASSERT_NE(c, nullptr);
  c->Start();
  server.FailNext(SmtpStage::kRcpt, 550, 1, "5.1.1 no such user");
  ASSERT_TRUE(c->Send(MailReply(1)));
  ASSERT_TRUE(results.WaitCount(1));
  server.FailNext(SmtpStage::kRcpt, 451, 1);
  ASSERT_TRUE(c->Send(MailReply(2)));
  ASSERT_TRUE(results.WaitCount(2));
  OutboundReply bad = MailReply(3);
  bad.to = "@jean_dupont";
  EXPECT_FALSE(c->Send(bad));
  c->Stop();
  const auto got = results.get();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], (ReplyResult{1, "mail", false, 1, 550, "smtp 550 5.1.1 no such user", "", kT0}));
  EXPECT_EQ(got[1], (ReplyResult{2, "mail", true, 2, 250, "", "<reply-2.42@brand.example>", kT0}));
  EXPECT_EQ(got[2],
            (ReplyResult{3, "mail", false, 0, 0,
                         "invalid reply: to: not an e-mail address (local part empty or longer than 64 characters)",
                         "", kT0}));
  EXPECT_EQ(server.received().size(), 1u);
}

TEST(SmtpConnector, MessageDetails) {
  SmtpConnectorOptions o = MailOptions("smtp://127.0.0.1:25");
  OutboundReply r = MailReply();
  r.subject = "";
  r.in_reply_to = "";
  r.text = std::string(100, 'a') + " = b\t\nfin ";
  o.from_name = "";
  Parsed m = ParseMessage(ReplyEmail(r, o, kT0));
  EXPECT_EQ(m.headers.at("Subject"), "Re:");
  EXPECT_EQ(m.headers.at("From"), "support@brand.example");
  EXPECT_EQ(m.headers.count("In-Reply-To"), 0u);
  EXPECT_EQ(m.headers.count("References"), 0u);
  EXPECT_EQ(DecodeQuotedPrintable(m.body), std::string(100, 'a') + " = b\t\r\nfin \r\n");
  size_t start = 0;
  while (start < m.body.size()) {  // soft line breaks keep lines within 76 characters
    const size_t eol = m.body.find("\r\n", start);
    EXPECT_LE(eol - start, 76u);
    start = eol + 2;
  }

  r.subject = "re : x\r\nBcc: evil@example.com";  // no header injection
  o.from_name = "Brand \"Care\" \\ team";
  m = ParseMessage(ReplyEmail(r, o, kT0));
  EXPECT_EQ(m.headers.at("Subject"), "re : x  Bcc: evil@example.com");
  EXPECT_EQ(m.headers.count("Bcc"), 0u);
  EXPECT_EQ(m.headers.at("From"), "\"Brand \\\"Care\\\" \\\\ team\" <support@brand.example>");

  o.from_name = "Équipe Brand";
  m = ParseMessage(ReplyEmail(r, o, kT0));
  EXPECT_THAT(m.headers.at("From"), StartsWith("=?UTF-8?B?"));
  EXPECT_EQ(DecodeWords(m.headers.at("From")), "Équipe Brand <support@brand.example>");
  EXPECT_EQ(ReplyMessageId(r, "a@b.example"), "<reply-7.42@b.example>");
}

TEST(SmtpConnector, OptionErrors) {
  base::FakeClock clock(kT0);
  auto error = [&](SmtpConnectorOptions o) {
    auto c = MakeSmtpConnector("m", std::move(o), nullptr, clock);
    EXPECT_FALSE(c.ok());
    return c.ok() ? std::string() : c.status().message();
  };
  SmtpConnectorOptions o = MailOptions("http://127.0.0.1:25");
  EXPECT_THAT(error(o), StartsWith("url: scheme must be smtp or smtps"));
  o.url = "smtps://mail.example:465";
  o.starttls = true;
  EXPECT_EQ(error(o), "starttls: is for smtp:// (smtps:// is TLS from the start)");
  o.starttls = false;
  o.from = "support";
  EXPECT_EQ(error(o), "from: not an e-mail address (no '@'): \"support\"");
  o.from = "";
  EXPECT_EQ(error(o), "from: required");
  o.from = "support@brand.example";
  o.password = "x";
  EXPECT_EQ(error(o), "password: set without username");
  o.password = "";
  o.delivery.timeout_ms = 0;
  EXPECT_EQ(error(o), "delivery.timeout_ms: must be > 0");
}

// ---------------------------------------------------------- configuration

TEST(ConnectorConfig, ParsesAndSelectsByChannel) {
  const json j = json::parse(R"([
    {"name": "mail", "type": "smtp", "channels": ["email", "mail"], "url": "smtp://127.0.0.1:2525",
     "username": "u", "password": "p", "starttls": true, "from": "support@brand.example",
     "from_name": "Brand", "max_attempts": 3, "timeout_ms": 1500, "initial_backoff_ms": 10,
     "max_backoff_ms": 100, "queue_capacity": 50},
    {"name": "social", "type": "webhook", "channels": ["x", "facebook"], "url": "http://127.0.0.1:1/bridge",
     "secret": "k"},
    {"name": "other", "type": "webhook", "url": "http://127.0.0.1:1/other", "secret": "k2"},
    {"name": "late-fallback", "type": "webhook", "channels": [], "url": "http://127.0.0.1:1/z", "secret": "k"}
  ])");
  auto configs = ConnectorConfigsFromJson(j, "care.connectors");
  ASSERT_TRUE(configs.ok()) << configs.status().ToString();
  ASSERT_EQ(configs->size(), 4u);
  const ConnectorConfig& mail = (*configs)[0];
  EXPECT_EQ(mail.type, "smtp");
  EXPECT_EQ(mail.channels, std::vector<model::Channel>{model::Channel::kEmail});  // de-duplicated
  EXPECT_EQ(mail.smtp.url, "smtp://127.0.0.1:2525");
  EXPECT_EQ(mail.smtp.username, "u");
  EXPECT_EQ(mail.smtp.password, "p");
  EXPECT_TRUE(mail.smtp.starttls);
  EXPECT_EQ(mail.smtp.from_name, "Brand");
  EXPECT_EQ(mail.smtp.delivery.max_attempts, 3);
  EXPECT_EQ(mail.smtp.delivery.timeout_ms, 1500);
  EXPECT_EQ(mail.smtp.delivery.initial_backoff_ms, 10);
  EXPECT_EQ(mail.smtp.delivery.max_backoff_ms, 100);
  EXPECT_EQ(mail.smtp.delivery.queue_capacity, 50u);
  EXPECT_EQ((*configs)[1].channels,
            (std::vector<model::Channel>{model::Channel::kTwitter, model::Channel::kFacebook}));
  EXPECT_EQ((*configs)[1].webhook.secret, "k");

  base::FakeClock clock(kT0);
  Results results;
  auto set = ConnectorSet::Create(std::move(configs).value(), results.Observer(), clock);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ((*set)->size(), 4u);
  auto name_for = [&](model::Channel ch) {
    ReplyConnector* c = (*set)->ForChannel(ch);
    return c == nullptr ? std::string("null") : std::string(c->name());
  };
  EXPECT_EQ(name_for(model::Channel::kEmail), "mail");
  EXPECT_EQ(name_for(model::Channel::kTwitter), "social");
  EXPECT_EQ(name_for(model::Channel::kFacebook), "social");
  EXPECT_EQ(name_for(model::Channel::kInstagram), "other");  // the first with no channels
  EXPECT_EQ(name_for(model::Channel::kSms), "other");
  ASSERT_NE((*set)->Find("mail"), nullptr);
  EXPECT_EQ((*set)->Find("mail")->type(), "smtp");
  EXPECT_EQ((*set)->Find("social")->type(), "webhook");
  EXPECT_EQ((*set)->Find("nope"), nullptr);
  (*set)->Start();
  (*set)->Stop();

  ConnectorSet only_mail;
  auto c = MakeSmtpConnector("mail", MailOptions("smtp://127.0.0.1:2525"), results.Observer(), clock);
  ASSERT_TRUE(c.ok());
  ASSERT_TRUE(only_mail.Add(std::move(c).value(), {model::Channel::kEmail}).ok());
  EXPECT_EQ(only_mail.ForChannel(model::Channel::kTwitter), nullptr);  // no fallback
  EXPECT_NE(only_mail.ForChannel(model::Channel::kEmail), nullptr);
  auto again = MakeSmtpConnector("mail", MailOptions("smtp://127.0.0.1:2525"), results.Observer(), clock);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(only_mail.Add(std::move(again).value(), {}).message(), "connector \"mail\": duplicate name");
  EXPECT_EQ(only_mail.Add(nullptr, {}).code(), base::StatusCode::kInvalidArgument);
  EXPECT_TRUE(results.get().empty());
}

TEST(ConnectorConfig, SecretsFromTheEnvironment) {
  ::setenv("ECOUTE_OUTBOUND_TEST_SECRET", "from-env", 1);
  auto c = ConnectorConfigFromJson(
      json::parse(R"({"name":"s","type":"webhook","url":"https://bridge.example/r",
                      "secret_env":"ECOUTE_OUTBOUND_TEST_SECRET"})"),
      "c");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->webhook.secret, "from-env");
  auto m = ConnectorConfigFromJson(
      json::parse(R"({"name":"m","type":"smtp","url":"smtps://mail.example","from":"a@b.example","username":"u",
                      "password_env":"ECOUTE_OUTBOUND_TEST_SECRET"})"),
      "c");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->smtp.password, "from-env");
  ::unsetenv("ECOUTE_OUTBOUND_TEST_SECRET");
  auto unset = ConnectorConfigFromJson(
      json::parse(R"({"name":"s","type":"webhook","url":"http://h/r","secret_env":"ECOUTE_OUTBOUND_TEST_SECRET"})"),
      "c");
  ASSERT_FALSE(unset.ok());
  EXPECT_EQ(unset.status().message(), "c.secret_env: environment variable ECOUTE_OUTBOUND_TEST_SECRET is not set");
}

TEST(ConnectorConfig, ErrorsNameThePath) {
  auto error = [](std::string_view text) {
    auto c = ConnectorConfigsFromJson(json::parse(text), "care.connectors");
    EXPECT_FALSE(c.ok()) << text;
    EXPECT_EQ(c.status().code(), base::StatusCode::kInvalidArgument);
    return c.status().message();
  };
  const std::string hook = R"("type":"webhook","url":"http://h/r","secret":"k")";
  const std::string mail = R"("type":"smtp","url":"smtp://h:25","from":"a@b.example")";
  EXPECT_EQ(error(R"({})"), "care.connectors: expected an array of connectors");
  EXPECT_EQ(error(R"([3])"), "care.connectors[0]: expected an object");
  EXPECT_EQ(error(R"([{"type":"smtp"}])"), "care.connectors[0].name: required");
  EXPECT_EQ(error(R"([{"name":"a b",)" + hook + "}]"),
            "care.connectors[0].name: \"a b\" must be 1 to 64 of A-Z, a-z, 0-9, _, ., -");
  EXPECT_EQ(error(R"([{"name":"a"}])"), "care.connectors[0].type: required");
  EXPECT_EQ(error(R"([{"name":"a","type":"sms"}])"),
            "care.connectors[0].type: must be \"smtp\" or \"webhook\", got \"sms\"");
  EXPECT_EQ(error(R"([{"name":"a",)" + hook + R"(},{"name":"a",)" + hook + "}]"),
            "care.connectors[1].name: duplicate \"a\"");
  EXPECT_EQ(error(R"([{"name":"a",)" + hook + R"(,"channels":["twitter","tweeter"]}])"),
            "care.connectors[0].channels[1]: unknown channel \"tweeter\" (twitter, facebook, instagram, forum, blog, "
            "news, review, email, chat, voice, sms, other)");
  EXPECT_EQ(error(R"([{"name":"a",)" + hook + R"(,"channels":"email"}])"),
            "care.connectors[0].channels: expected an array of channel names");
  EXPECT_EQ(error(R"([{"name":"a",)" + hook + R"(,"from":"x@y.z"}])"),
            "care.connectors[0].from: is not a key of webhook connectors");
  EXPECT_EQ(error(R"([{"name":"a",)" + mail + R"(,"secret":"k"}])"),
            "care.connectors[0].secret: is not a key of smtp connectors");
  EXPECT_EQ(error(R"([{"name":"a",)" + mail + R"(,"colour":"red"}])"), "care.connectors[0].colour: unknown key");
  EXPECT_EQ(error(R"([{"name":"a",)" + hook + R"(,"max_attempts":0}])"),
            "care.connectors[0].max_attempts: must be an integer between 1 and 100, got 0");
  EXPECT_EQ(error(R"([{"name":"a",)" + hook + R"(,"timeout_ms":"5s"}])"),
            "care.connectors[0].timeout_ms: must be an integer between 100 and 600000, got \"5s\"");
  EXPECT_EQ(error(R"([{"name":"a","type":"webhook","secret":"k"}])"), "care.connectors[0].url: required");
  EXPECT_EQ(error(R"([{"name":"a","type":"webhook","url":"http://h/r"}])"),
            "care.connectors[0].secret: required (or secret_env)");
  EXPECT_EQ(error(R"([{"name":"a","type":"webhook","url":"http://h/r","secret":"k","secret_env":"K"}])"),
            "care.connectors[0].secret_env: give secret or secret_env, not both");
  EXPECT_THAT(error(R"([{"name":"a","type":"webhook","url":"smtp://h","secret":"k"}])"),
              StartsWith("care.connectors[0].url: scheme must be http or https"));
  EXPECT_EQ(error(R"([{"name":"a","type":"smtp","url":"smtp://h:25"}])"), "care.connectors[0].from: required");
  EXPECT_EQ(error(R"([{"name":"a","type":"smtp","url":"smtp://h:25","from":"nobody"}])"),
            "care.connectors[0].from: not an e-mail address (no '@'): \"nobody\"");
  EXPECT_EQ(error(R"([{"name":"a",)" + mail + R"(,"starttls":"yes"}])"),
            "care.connectors[0].starttls: expected true or false");
  EXPECT_THAT(error(R"([{"name":"a","type":"smtp","url":"smtp:/h","from":"a@b.example"}])"),
              StartsWith("care.connectors[0].url: "));

  ConnectorConfig bad;
  bad.name = "x";
  bad.type = "webhook";
  bad.webhook.url = "http://h/r";
  base::FakeClock clock(kT0);
  auto made = MakeConnector(bad, nullptr, clock);
  ASSERT_FALSE(made.ok());
  EXPECT_THAT(made.status().message(), StartsWith("connector \"x\": secret: required"));
  bad.type = "fax";
  EXPECT_THAT(MakeConnector(bad, nullptr, clock).status().message(), StartsWith("connector \"x\": type: "));
}

}  // namespace
}  // namespace ecoute::care
