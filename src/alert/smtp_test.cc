#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "alert/notifier.h"
#include "alert/notifier_testing.h"
#include "alert/smtp.h"
#include "alert/smtp_testing.h"
#include "base/clock.h"

namespace ecoute::alert {
namespace {

using test_util::DecodeQuotedPrintable;
using test_util::DecodeWords;
using test_util::FreePort;
using test_util::Recorder;
using test_util::SmtpServer;
using test_util::SmtpStage;
using test_util::WaitFor;

using namespace std::chrono_literals;

// ---------------------------------------------------------------- helpers

constexpr base::Timestamp kT0 = 1'700'000'000'000;  // Tue, 14 Nov 2023 22:13:20 +0000

AlertEvent Event(std::string id) {
  AlertEvent e;
  e.id = std::move(id);
  e.alert_id = 42;
  e.rule = "colis";
  e.kind = "spike";
  e.level = "critical";
  e.title = "Colis perdu — urgent";
  e.text = "5× le volume habituel en 15 min";
  e.url = "https://ecoute.example/api/v1/alerts/42";
  e.payload_json = R"({"observed":50,"expected":10})";
  e.created_at_ms = kT0;
  return e;
}

SmtpOptions Options(std::string url) {
  SmtpOptions o;
  o.url = std::move(url);
  o.from = "alerts@ecoute.test";
  o.to = {"ops@example.com", "oncall@example.com"};
  o.delivery.initial_backoff_ms = 1;
  o.delivery.max_backoff_ms = 4;
  o.delivery.max_attempts = 3;
  o.delivery.timeout_ms = 2000;
  o.delivery.clock_poll_ms = 2;
  return o;
}

std::unique_ptr<Notifier> Make(SmtpOptions o, const base::Clock* clock = &base::SystemClock()) {
  auto r = MakeSmtpNotifier("mail", std::move(o), clock);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : nullptr;
}

// The value of header `name` (unfolded), "" when absent.
std::string Header(const std::string& message, const std::string& name) {
  const std::string head = message.substr(0, message.find("\r\n\r\n") + 2);
  const size_t at = head.find(name + ": ");
  if (at != 0 && (at == std::string::npos || head.compare(at - 2, 2, "\r\n") != 0)) return "";
  std::string value;
  size_t i = at + name.size() + 2;
  for (;;) {
    const size_t eol = head.find("\r\n", i);
    value += head.substr(i, eol - i);
    if (eol + 2 >= head.size() || (head[eol + 2] != ' ' && head[eol + 2] != '\t')) break;
    i = eol + 2;
  }
  return value;
}

std::string Body(const std::string& message) { return message.substr(message.find("\r\n\r\n") + 4); }

// Every line ends with CRLF and has at most `max` octets.
void ExpectCrlfLines(const std::string& m, size_t max) {
  ASSERT_GE(m.size(), 2u);
  EXPECT_EQ(m.substr(m.size() - 2), "\r\n");
  size_t start = 0;
  for (size_t i = 0; i < m.size(); ++i) {
    if (m[i] == '\n') {
      ASSERT_TRUE(i > 0 && m[i - 1] == '\r') << "bare LF at " << i;
      EXPECT_LE(i - 1 - start, max) << m.substr(start, i - start);
      start = i + 1;
    } else if (m[i] == '\r') {
      ASSERT_TRUE(i + 1 < m.size() && m[i + 1] == '\n') << "bare CR at " << i;
    }
  }
}

// ------------------------------------------------------------ SmtpMessage

TEST(SmtpMessageTest, HeadersEncodedSubjectAndQuotedPrintableBody) {
  const std::string m = SmtpMessage(Event("ev-1"), Options("smtp://x"), kT0);
  ExpectCrlfLines(m, 76);
  EXPECT_EQ(m.rfind("From: alerts@ecoute.test\r\n", 0), 0u);
  EXPECT_EQ(Header(m, "To"), "ops@example.com, oncall@example.com");
  const std::string subject = Header(m, "Subject");
  EXPECT_EQ(subject.rfind("=?UTF-8?B?", 0), 0u) << subject;
  EXPECT_EQ(DecodeWords(subject), "[ecoute] [critical] Colis perdu — urgent");
  EXPECT_EQ(Header(m, "Date"), "Tue, 14 Nov 2023 22:13:20 +0000");
  EXPECT_EQ(Header(m, "Message-ID"), "<ev-1@ecoute>");
  EXPECT_EQ(Header(m, "MIME-Version"), "1.0");
  EXPECT_EQ(Header(m, "Content-Type"), "text/plain; charset=utf-8");
  EXPECT_EQ(Header(m, "Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_EQ(Header(m, "X-Ecoute-Event"), "ev-1");
  EXPECT_EQ(Header(m, "X-Ecoute-Alert"), "42");
  const std::string body = DecodeQuotedPrintable(Body(m));
  EXPECT_EQ(body.rfind("Colis perdu — urgent\r\n\r\n5× le volume habituel en 15 min\r\n\r\n", 0), 0u) << body;
  EXPECT_NE(body.find("\r\nLevel: critical\r\n"), std::string::npos);
  EXPECT_NE(body.find("\r\nRule: colis\r\n"), std::string::npos);
  EXPECT_NE(body.find("\r\nLink: https://ecoute.example/api/v1/alerts/42\r\n"), std::string::npos);
  EXPECT_NE(body.find("\r\nAlert: 42\r\n"), std::string::npos);
  EXPECT_NE(body.find("\r\nCreated: 2023-11-14T22:13:20Z\r\n"), std::string::npos);
  EXPECT_NE(body.find("Details:\r\n{\r\n  \"expected\": 10,\r\n  \"observed\": 50\r\n}\r\n"), std::string::npos)
      << body;
}

TEST(SmtpMessageTest, AsciiIs8bitAndHeadersCannotBeInjected) {
  AlertEvent e;
  e.id = "a b/<c>";
  e.title = "Spike\r\nBcc: evil@example.com";
  e.text = "plain ascii\nsecond line";
  SmtpOptions o = Options("smtp://x");
  o.subject_prefix = "";
  const std::string m = SmtpMessage(e, o, kT0);
  ExpectCrlfLines(m, 998);
  EXPECT_EQ(Header(m, "Subject"), "Spike  Bcc: evil@example.com");
  EXPECT_EQ(Header(m, "Bcc"), "");
  EXPECT_EQ(Header(m, "Message-ID"), "<a%20b%2F%3Cc%3E@ecoute>");
  EXPECT_EQ(Header(m, "Content-Transfer-Encoding"), "8bit");
  EXPECT_EQ(Header(m, "X-Ecoute-Alert"), "");
  EXPECT_EQ(Body(m), "Spike\r\nBcc: evil@example.com\r\n\r\nplain ascii\r\nsecond line\r\n\r\nEvent: a b/<c>\r\n");
}

TEST(SmtpMessageTest, LongLinesAndSubjectsAreEncoded) {
  AlertEvent e;
  e.id = "ev-long";
  e.title = std::string(120, 'x');
  e.text = std::string(2000, 'y');
  const std::string m = SmtpMessage(e, Options("smtp://x"), kT0);
  ExpectCrlfLines(m, 78);
  EXPECT_EQ(DecodeWords(Header(m, "Subject")), "[ecoute] " + std::string(120, 'x'));
  EXPECT_EQ(Header(m, "Content-Transfer-Encoding"), "quoted-printable");
  EXPECT_NE(DecodeQuotedPrintable(Body(m)).find("\r\n" + std::string(2000, 'y') + "\r\n"), std::string::npos);
}

TEST(SmtpMessageTest, EncodedWordsDoNotSplitCharacters) {
  AlertEvent e;
  e.id = "ev-utf8";
  e.title = "";
  for (int i = 0; i < 40; ++i) e.title += "é—";
  SmtpOptions o = Options("smtp://x");
  const std::string m = SmtpMessage(e, o, kT0);
  const std::string subject = Header(m, "Subject");
  size_t i = 0;
  while ((i = subject.find("=?UTF-8?B?", i)) != std::string::npos) {
    const size_t end = subject.find("?=", i);
    const std::string word = DecodeWords(subject.substr(i, end + 2 - i));
    EXPECT_NE(static_cast<unsigned char>(word[0]) & 0xC0, 0x80u) << "word starts mid-character";
    EXPECT_LE(end + 2 - i, 75u);
    i = end + 2;
  }
  EXPECT_EQ(DecodeWords(subject), "[ecoute] " + e.title);
}

// ------------------------------------------------------------ helpers of smtp.h

TEST(SmtpHelpersTest, AddressLiteralsOnlyWhenAllowed) {
  EXPECT_EQ(smtp::AddressProblem("x@[127.0.0.1]"), "");
  EXPECT_EQ(smtp::AddressProblem("x@[127.0.0.1]", /*allow_address_literal=*/false), "bad domain");
  EXPECT_EQ(smtp::AddressProblem("x@[127.0.0.1", /*allow_address_literal=*/true), "bad address literal");
  EXPECT_EQ(smtp::AddressProblem("x@example.com", /*allow_address_literal=*/false), "");
  EXPECT_EQ(smtp::CheckAddress("to", "a b@example.com", false).message(),
            "to: not an e-mail address (character not allowed in the local part): \"a b@example.com\"");
}

TEST(SmtpHelpersTest, UrlErrorsShowTheUrlAsAsked) {
  EXPECT_TRUE(smtp::CheckSmtpUrl("f", "smtps://mail.example.com:465", "u").ok());
  EXPECT_EQ(smtp::CheckSmtpUrl("f", "http://h", "<u>").message(), "f: scheme must be smtp or smtps: <u>");
  EXPECT_EQ(smtp::CheckSmtpUrl("f", "smtp://", "<u>").code(), base::StatusCode::kInvalidArgument);
  EXPECT_EQ(smtp::CheckSmtpUrl("f", "smtp://", "<u>").message().rfind("f: ", 0), 0u);
}

TEST(SmtpHelpersTest, ClientMakesOneAttemptPerSend) {
  SmtpServer server;
  ASSERT_TRUE(smtp::CurlGlobalInit().ok());
  auto client = smtp::Client::Create({server.url(), "", "", false, "me@ecoute.test", 2000});
  ASSERT_NE(client, nullptr);
  ASSERT_TRUE(client->SetRecipients({"a@example.com"}));
  const Transport::Outcome ok = client->Send("Subject: x\r\n\r\nhi\r\n");
  EXPECT_EQ(ok.status, 250);
  EXPECT_EQ(ok.error, "");
  server.FailNext(SmtpStage::kRcpt, 550, 1, "5.1.1 no such user");
  ASSERT_TRUE(client->SetRecipients({"b@example.com"}));
  const Transport::Outcome refused = client->Send("Subject: y\r\n\r\nho\r\n");
  EXPECT_EQ(refused.status, 550);
  EXPECT_EQ(refused.error, "smtp 550 5.1.1 no such user");
  EXPECT_FALSE(refused.retryable);
  const auto got = server.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].from, "me@ecoute.test");
  EXPECT_EQ(got[0].rcpt, std::vector<std::string>{"a@example.com"});
  EXPECT_EQ(got[0].data, "Subject: x\r\n\r\nhi\r\n");
}

// ------------------------------------------------------------ delivery

TEST(SmtpNotifierTest, DeliversEnvelopeHeadersAndBody) {
  SmtpServer server;
  base::FakeClock clock(kT0);
  auto n = Make(Options(server.url()), &clock);
  ASSERT_NE(n, nullptr);
  EXPECT_EQ(n->type(), "smtp");
  n->Start();
  const AlertEvent e = Event("ev-1");
  ASSERT_TRUE(n->Enqueue(e));
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1; }));
  auto got = server.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].from, "alerts@ecoute.test");
  EXPECT_EQ(got[0].rcpt, (std::vector<std::string>{"ops@example.com", "oncall@example.com"}));
  EXPECT_EQ(got[0].data, SmtpMessage(e, Options(server.url()), kT0));
  EXPECT_EQ(DecodeWords(Header(got[0].data, "Subject")), "[ecoute] [critical] Colis perdu — urgent");
  auto log = n->Log();
  ASSERT_EQ(log.size(), 1u);
  EXPECT_EQ(log[0].notifier, "mail");
  EXPECT_EQ(log[0].alert_id, 42);
  EXPECT_EQ(log[0].status, 250);
  EXPECT_TRUE(log[0].error.empty());
  EXPECT_TRUE(n->DeadLetters().empty());
}

TEST(SmtpNotifierTest, ReusesTheConnectionAndAuthenticates) {
  SmtpServer server;
  SmtpOptions o = Options(server.url());
  o.username = "user";
  o.password = "s3cret";
  auto n = Make(o);
  ASSERT_NE(n, nullptr);
  n->Start();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(n->Enqueue(Event("ev-" + std::to_string(i))));
    ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == static_cast<uint64_t>(i + 1); }));
  }
  EXPECT_EQ(server.received().size(), 3u);
  EXPECT_EQ(server.connections(), 1);
  EXPECT_EQ(server.auth(), std::string("\0user\0s3cret", 12));
}

TEST(SmtpNotifierTest, ReconnectsWhenTheServerDroppedTheConnection) {
  SmtpServer server;
  server.DropAfterNext(1);
  auto n = Make(Options(server.url()));
  ASSERT_NE(n, nullptr);
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev-a")));
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1 && server.closed() == 1; }));
  ASSERT_TRUE(n->Enqueue(Event("ev-b")));
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 2; }));
  EXPECT_EQ(n->Log().size(), 2u);  // no failed attempt on the dead connection
  EXPECT_EQ(server.connections(), 2);
}

TEST(SmtpNotifierTest, TransientReplyIsRetriedAfterBackoff) {
  SmtpServer server;
  server.FailNext(SmtpStage::kRcpt, 451, 1);
  base::FakeClock clock(kT0);
  Recorder rec;
  SmtpOptions o = Options(server.url());
  o.delivery.initial_backoff_ms = 1000;
  o.delivery.max_backoff_ms = 60'000;
  o.delivery.observer = rec.Observer();
  auto n = Make(o, &clock);
  ASSERT_NE(n, nullptr);
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev-451")));
  ASSERT_TRUE(WaitFor([&] { return n->Log().size() == 1; }));
  const int64_t b1 = BackoffMs(o.delivery, "ev-451", 1);
  clock.Advance(b1 - 1);  // not yet due
  std::this_thread::sleep_for(20ms);
  EXPECT_EQ(n->Log().size(), 1u);
  clock.Advance(1);
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1; }));
  auto log = n->Log();
  ASSERT_EQ(log.size(), 2u);
  EXPECT_EQ(log[0].status, 451);
  EXPECT_EQ(log[0].error, "smtp 451 4.7.1 try again later");
  EXPECT_EQ(log[1].status, 250);
  EXPECT_EQ(log[1].attempt, 2);
  EXPECT_EQ(log[1].at_ms - log[0].at_ms, b1);
  EXPECT_EQ(server.received().size(), 1u);
  ASSERT_TRUE(WaitFor([&] { return rec.seen().size() == 2; }));
  auto seen = rec.seen();
  EXPECT_EQ(seen[0].state, "retry");
  EXPECT_EQ(seen[0].status, 451);
  EXPECT_EQ(seen[1].state, "delivered");
  EXPECT_EQ(seen[1].attempt, 2);
}

TEST(SmtpNotifierTest, PermanentReplyIsDeadAtOnce) {
  SmtpServer server;
  Recorder rec;
  SmtpOptions o = Options(server.url());
  o.delivery.observer = rec.Observer();
  auto n = Make(o);
  ASSERT_NE(n, nullptr);
  n->Start();
  server.FailNext(SmtpStage::kMail, 550, 1);
  ASSERT_TRUE(n->Enqueue(Event("ev-550")));
  ASSERT_TRUE(WaitFor([&] { return n->DeadLetters().size() == 1; }));
  server.FailNext(SmtpStage::kEndOfData, 554, 1);
  ASSERT_TRUE(n->Enqueue(Event("ev-554")));
  ASSERT_TRUE(WaitFor([&] { return n->DeadLetters().size() == 2; }));
  ASSERT_TRUE(n->Enqueue(Event("ev-ok")));  // a fresh connection after the failures
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1; }));
  auto dl = n->DeadLetters();
  EXPECT_EQ(dl[0].event.id, "ev-550");
  EXPECT_EQ(dl[0].attempts, 1);
  EXPECT_EQ(dl[0].reason, "smtp 550 5.1.1 refused");
  EXPECT_EQ(dl[1].reason, "smtp 554 5.1.1 refused");
  auto log = n->Log();
  ASSERT_EQ(log.size(), 3u);
  EXPECT_EQ(log[0].status, 550);
  EXPECT_EQ(log[1].status, 554);
  ASSERT_EQ(server.received().size(), 1u);
  EXPECT_NE(server.received()[0].data.find("Message-ID: <ev-ok@ecoute>"), std::string::npos);
  ASSERT_TRUE(WaitFor([&] { return rec.seen().size() == 3; }));
  auto seen = rec.seen();
  EXPECT_EQ(seen[0].state, "dead");
  EXPECT_EQ(seen[0].status, 550);
  EXPECT_EQ(seen[1].state, "dead");
  EXPECT_EQ(seen[2].state, "delivered");
}

TEST(SmtpNotifierTest, ServerDownIsRetriedThenDeadLetter) {
  Recorder rec;
  SmtpOptions o = Options("smtp://127.0.0.1:" + std::to_string(FreePort()));
  o.delivery.observer = rec.Observer();
  auto n = Make(o);
  ASSERT_NE(n, nullptr);
  n->Start();
  ASSERT_TRUE(n->Enqueue(Event("ev-down")));
  ASSERT_TRUE(WaitFor([&] { return n->DeadLetters().size() == 1; }));
  auto log = n->Log();
  ASSERT_EQ(log.size(), 3u);
  for (const auto& a : log) {
    EXPECT_EQ(a.status, 0);
    EXPECT_EQ(a.error.rfind("connection: ", 0), 0u) << a.error;
  }
  const DeadLetter dl = n->DeadLetters()[0];
  EXPECT_EQ(dl.attempts, 3);
  EXPECT_EQ(dl.reason.rfind("max attempts: connection: ", 0), 0u) << dl.reason;
  ASSERT_TRUE(WaitFor([&] { return rec.seen().size() == 3; }));
  auto seen = rec.seen();
  EXPECT_EQ(seen[0].state, "retry");
  EXPECT_EQ(seen[1].state, "retry");
  EXPECT_EQ(seen[2].state, "dead");
  EXPECT_EQ(seen[2].attempt, 3);
}

TEST(SmtpNotifierTest, ClosedAndStalledConnectionsAreRetried) {
  SmtpServer server;
  SmtpOptions o = Options(server.url());
  o.delivery.timeout_ms = 200;
  {
    server.CloseNext(1);
    auto n = Make(o);
    ASSERT_NE(n, nullptr);
    n->Start();
    ASSERT_TRUE(n->Enqueue(Event("ev-closed")));
    ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1; }));
    auto log = n->Log();
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].status, 0);
    EXPECT_EQ(log[0].error.rfind("connection: ", 0), 0u) << log[0].error;
    EXPECT_TRUE(log[1].error.empty());
  }
  {
    server.StallNext(1);  // a new notifier: a new connection
    auto n = Make(o);
    ASSERT_NE(n, nullptr);
    n->Start();
    ASSERT_TRUE(n->Enqueue(Event("ev-stalled")));
    ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1; }));
    auto log = n->Log();
    ASSERT_EQ(log.size(), 2u);
    EXPECT_EQ(log[0].status, 0);
    EXPECT_EQ(log[0].error.rfind("timeout: ", 0), 0u) << log[0].error;
    EXPECT_GE(log[0].latency_ms, 150);
    EXPECT_TRUE(log[1].error.empty());
  }
  EXPECT_EQ(server.received().size(), 2u);
  EXPECT_EQ(server.connections(), 4);
}

TEST(SmtpNotifierTest, LeadingDotsAreStuffedOnTheWire) {
  SmtpServer server;
  base::FakeClock clock(kT0);
  auto n = Make(Options(server.url()), &clock);
  ASSERT_NE(n, nullptr);
  n->Start();
  AlertEvent e = Event("ev-dot");
  e.title = "Dots";
  e.text = "first\n.hidden\n.\n..two\nlast";
  ASSERT_TRUE(n->Enqueue(e));
  ASSERT_TRUE(WaitFor([&] { return n->Stats().delivered == 1; }));
  auto got = server.received();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].data, SmtpMessage(e, Options(server.url()), kT0));
  EXPECT_NE(got[0].raw.find("\r\nfirst\r\n..hidden\r\n..\r\n...two\r\nlast\r\n"), std::string::npos) << got[0].raw;
  EXPECT_NE(got[0].data.find("\r\nfirst\r\n.hidden\r\n.\r\n..two\r\nlast\r\n"), std::string::npos);
}

// ------------------------------------------------------------ options

std::string Error(SmtpOptions o) {
  auto r = MakeSmtpNotifier("mail", std::move(o));
  if (r.ok()) return "ok";
  EXPECT_EQ(r.status().code(), base::StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST(SmtpOptionsTest, BadOptionsNameTheField) {
  const SmtpOptions good = Options("smtps://mail.example.com:465");
  EXPECT_EQ(Error(good), "ok");
  SmtpOptions o = good;
  o.url = "http://mail.example.com";
  EXPECT_EQ(Error(o), "smtp.url: scheme must be smtp or smtps: http://mail.example.com");
  o.url = "";
  EXPECT_EQ(Error(o).rfind("smtp.url: ", 0), 0u);
  o.url = "smtp://";
  EXPECT_EQ(Error(o).rfind("smtp.url: ", 0), 0u);
  o = good;
  o.from = "";
  EXPECT_EQ(Error(o), "smtp.from: required");
  o.from = "nobody";
  EXPECT_EQ(Error(o), "smtp.from: not an e-mail address (no '@'): \"nobody\"");
  o = good;
  o.to = {};
  EXPECT_EQ(Error(o), "smtp.to: at least one recipient required");
  o.to = {"ops@example.com", "bad address@example.com"};
  EXPECT_EQ(Error(o).rfind("smtp.to[1]: not an e-mail address (", 0), 0u) << Error(o);
  o.to = {"ops@example..com"};
  EXPECT_EQ(Error(o), "smtp.to[0]: not an e-mail address (bad domain): \"ops@example..com\"");
  o.to = {"<ops@example.com>"};
  EXPECT_EQ(Error(o).rfind("smtp.to[0]: ", 0), 0u);
  o.to = {"ops@example.com\r\nRCPT TO:<x@y>"};
  EXPECT_EQ(Error(o).rfind("smtp.to[0]: ", 0), 0u);
  o.to = {"root@localhost", "x@[127.0.0.1]"};
  EXPECT_EQ(Error(o), "ok");
  o = good;
  o.password = "p";
  EXPECT_EQ(Error(o), "smtp.password: set without smtp.username");
  o = good;
  o.delivery.max_attempts = 0;
  EXPECT_EQ(Error(o), "smtp.delivery.max_attempts: must be >= 1");
  o = good;
  o.delivery.timeout_ms = 0;
  EXPECT_EQ(Error(o), "smtp.delivery.timeout_ms: must be > 0");
}

}  // namespace
}  // namespace ecoute::alert
