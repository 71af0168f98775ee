// Outbound replies of the care inbox: an agent's reply sent to the
// customer through the connector of the case's channel. Two connectors,
// both driven by alert::Notifier (one delivery thread each, a queue,
// retries with exponential backoff, dead letters, metrics
// ecoute_alert_notifier_*{notifier=<connector name>,type="reply_smtp" |
// "reply_webhook"}):
//  * SMTP: the reply as an e-mail answering the customer's (threaded with
//    In-Reply-To / References), sent with libcurl;
//  * webhook: the reply POSTed as signed JSON to a bridge that posts it on
//    the platform (Twitter/X, Facebook, Instagram, a chat tool...). The
//    bridge contract is below, at MakeWebhookConnector.
// ConnectorSet picks the connector of a channel from configuration.
//
// Thread-safety: ReplyConnector's methods may be called from any thread;
// the free functions are pure and thread-safe; ConnectorSet as noted.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "alert/notifier.h"
#include "base/clock.h"
#include "base/status.h"
#include "base/time.h"
#include "model/mention.h"

namespace ecoute::care {

// One reply to send. Plain data.
struct OutboundReply {
  int64_t reply_id = 0;  // unique per reply (the caller's id); X-Ecoute-Event "reply-<reply_id>"
  int64_t case_id = 0;
  model::Channel channel = model::Channel::kOther;
  std::string account;      // brand account / mailbox answering
  std::string to;           // customer address or handle; e-mail: "a@b.c" or "Name <a@b.c>"
  std::string in_reply_to;  // native id of the customer message (e-mail: its Message-ID)
  std::string thread_id;
  std::string subject;      // e-mail: "Re: " is added when missing
  std::string text;         // the reply, UTF-8; required
  std::string agent;        // display name
  std::string language;
  base::Timestamp created_at = 0;
  bool operator==(const OutboundReply&) const = default;
};

// The webhook body (compact with j.dump()): {"type": "reply", "reply_id",
// "case_id", "channel" (model::ChannelName), "account", "to",
// "in_reply_to", "thread_id", "subject", "text", "agent", "language",
// "created_at" (RFC 3339, null when 0), "created_at_ms"}.
nlohmann::json ToJson(const OutboundReply& r);
// The inverse: every key optional but "type" (must be "reply"), "reply_id"
// and "text"; unknown keys are ignored. InvalidArgument naming the key.
base::Result<OutboundReply> OutboundReplyFromJson(const nlohmann::json& j);

// The final outcome of one reply.
struct ReplyResult {
  int64_t reply_id = 0;
  std::string connector;  // its name
  bool delivered = false;
  int attempts = 0;       // attempts made (0: refused or abandoned before any)
  int status = 0;         // HTTP status or SMTP reply code of the last attempt; 0 = none received
  // Empty when delivered. Otherwise "http 400: <the bridge's error>",
  // "smtp 550 <reply text>", "connection: ...", "max attempts: <last
  // error>", "queue full", "stopped", "invalid reply: <what>".
  std::string error;
  // E-mail: the Message-ID we generated ("<reply-7.42@brand.example>").
  // Webhook: the "id" of the bridge's JSON answer, when it gave one.
  std::string external_id;
  base::Timestamp at = 0;  // when the outcome was known (connector's clock)
  bool operator==(const ReplyResult&) const = default;
};

// Called exactly once per reply given to Send(), with its final outcome:
// from the delivery thread for delivered and failed attempts, from the
// thread calling Send() when it refuses the reply, from the thread calling
// Stop() (or the destructor) for replies abandoned then. Must be
// thread-safe, must not call Stop() of the connector reporting, and must
// outlive the connector's Stop(). An exception it throws is logged and
// dropped.
using ReplyObserver = std::function<void(const ReplyResult&)>;

// Sends replies through one channel's connector.
class ReplyConnector {
 public:
  virtual ~ReplyConnector() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view type() const = 0;  // "smtp" | "webhook"
  // Queues `reply`; never blocks on the network. False when refused: the
  // reply is invalid for this connector (no text; e-mail: `to` not an
  // address), the queue is full or the connector is stopped. The observer
  // is called in every case, at once for a refusal. Replies queued before
  // Start() wait for it.
  virtual bool Send(OutboundReply reply) = 0;
  // Starts the delivery thread. Idempotent; no effect after Stop().
  virtual void Start() = 0;
  // Waits for the attempt in flight, abandons the rest ("stopped"), joins.
  // Idempotent; also done by the destructor.
  virtual void Stop() = 0;
  virtual alert::NotifierStats Stats() const = 0;
};
// Both factories below: `delivery.observer`, when set, is also called for
// every attempt (alert::AttemptObserver's contract; event id
// "reply-<reply_id>"), e.g. to log them; the ReplyObserver gets the final
// outcome. The clock (not owned) must outlive the connector.

// ------------------------------------------------------------------- SMTP

struct SmtpConnectorOptions {
  // "smtp://host[:port]" (plain, or STARTTLS with `starttls`) or
  // "smtps://host[:port]" (implicit TLS).
  std::string url;
  std::string username, password;  // SMTP AUTH; empty username = none
  bool starttls = false;           // require STARTTLS (smtp:// only)
  std::string from;                // bare address: envelope sender and From:
  std::string from_name;           // display name of From: (empty = none)
  alert::DeliveryOptions delivery;
};

// A connector sending ReplyEmail(reply, options, attempt start) to the
// reply's address. 250 after the data = delivered (external_id = the
// Message-ID); 5xx replies are permanent; 4xx, timeouts and connection
// errors are retried. InvalidArgument naming the field: "url: ...",
// "from: ...", "from_name: ...", "password: set without username",
// "starttls: is for smtp://", "delivery.max_attempts: ...", "name: empty".
base::Result<std::unique_ptr<ReplyConnector>> MakeSmtpConnector(std::string name, SmtpConnectorOptions options,
                                                                 ReplyObserver observer, const base::Clock& clock);

// "<reply-<reply_id>.<case_id>@<domain of from>>".
std::string ReplyMessageId(const OutboundReply& r, std::string_view from);

// The RFC 5322 message of `r` (what follows DATA, before dot-stuffing):
// CRLF line ends; From ("name" <from>, the name as RFC 2047 encoded-words
// when not ASCII), To (the bare address), Subject ("Re: <subject>" unless
// it starts with "Re:" in any case; "Re:" alone when empty; encoded-words
// when not ASCII or long), Date (`now_ms`, +0000), Message-ID
// (ReplyMessageId), In-Reply-To and References (r.in_reply_to in <>, which
// are added when missing; both omitted when it is empty), MIME-Version,
// Content-Type text/plain; charset=utf-8, Content-Transfer-Encoding
// quoted-printable, X-Ecoute-Reply, X-Ecoute-Case; then the text,
// quoted-printable. Control characters in header fields become spaces.
std::string ReplyEmail(const OutboundReply& r, const SmtpConnectorOptions& options, base::Timestamp now_ms);

// ---------------------------------------------------------------- webhook

struct WebhookConnectorOptions {
  std::string url;     // "http(s)://host[:port][/path]"
  std::string secret;  // HMAC key; required
  alert::DeliveryOptions delivery;
};

// A connector POSTing each reply to options.url. Contract for the bridge:
//  * Request: POST, Content-Type application/json, body = ToJson(reply)
//    (see above); headers X-Ecoute-Event: reply-<reply_id> (the same on
//    every attempt of a reply: deduplicate on it), X-Ecoute-Timestamp:
//    <unix seconds of the attempt>, X-Ecoute-Signature: sha256=<lowercase
//    hex HMAC-SHA256(secret, timestamp + "." + body)>. Verify the
//    signature (alert::VerifySignature) and reject a timestamp far from
//    your clock.
//  * Answer within delivery.timeout_ms:
//      2xx: posted; optional JSON body {"id": "<the platform's id of the
//           posted message>"} (string or integer) -> ReplyResult.external_id;
//      4xx but 408 and 429: refused for good (bad recipient, message
//           deleted...); optional JSON {"error": "<why>"} is shown to the
//           agent ("http 422: <why>");
//      408, 429, 5xx, other statuses, timeouts, connection errors: retried
//           with backoff up to delivery.max_attempts.
// InvalidArgument "url: ...", "secret: required", "delivery.<field>: ...",
// "name: empty".
base::Result<std::unique_ptr<ReplyConnector>> MakeWebhookConnector(std::string name, WebhookConnectorOptions options,
                                                                   ReplyObserver observer, const base::Clock& clock);

// --------------------------------------------------------- configuration

// One configured connector.
struct ConnectorConfig {
  std::string name;  // 1 to 64 of A-Z a-z 0-9 _ . -
  std::string type;  // "smtp" | "webhook"
  std::vector<model::Channel> channels;  // channels it answers; empty = every channel no other entry takes
  SmtpConnectorOptions smtp;             // type "smtp"
  WebhookConnectorOptions webhook;       // type "webhook"
};

// Parses one entry, a JSON object:
//   {"name", "type": "smtp" | "webhook", "channels": ["email", ...],
//    "max_attempts" (1..100), "timeout_ms" (100..600000),
//    "initial_backoff_ms" (0..3600000), "max_backoff_ms" (0..86400000),
//    "queue_capacity" (1..1000000),
//    smtp: "url", "username", "password" | "password_env", "starttls",
//          "from", "from_name";
//    webhook: "url", "secret" | "secret_env"}
// "*_env" names an environment variable read now. Channels by
// model::ParseChannel. InvalidArgument "<path>.<key>: ..." (e.g.
// "care.connectors[1].channels[0]: unknown channel \"tweeter\"",
// "care.connectors[0].from: required", "care.connectors[0].secret: is
// not a key of smtp connectors").
base::Result<ConnectorConfig> ConnectorConfigFromJson(const nlohmann::json& j, std::string_view path);
// A JSON array of entries; "<path>[i]..." errors, and "<path>[i].name:
// duplicate \"x\"".
base::Result<std::vector<ConnectorConfig>> ConnectorConfigsFromJson(const nlohmann::json& j, std::string_view path);

// MakeSmtpConnector or MakeWebhookConnector for `config`; errors prefixed
// "connector \"<name>\"".
base::Result<std::unique_ptr<ReplyConnector>> MakeConnector(ConnectorConfig config, ReplyObserver observer,
                                                            const base::Clock& clock);

// The connectors of a deployment, in configuration order. Add() is for
// set-up (not concurrent with the other calls); after it, every method may
// be called from any thread.
class ConnectorSet {
 public:
  ConnectorSet() = default;
  ConnectorSet(const ConnectorSet&) = delete;
  ConnectorSet& operator=(const ConnectorSet&) = delete;
  // Stops every connector.
  ~ConnectorSet();

  // MakeConnector for each entry (all share `observer`), not started.
  static base::Result<std::unique_ptr<ConnectorSet>> Create(std::vector<ConnectorConfig> configs,
                                                            ReplyObserver observer, const base::Clock& clock);

  // Adds `connector` for `channels` (empty = fallback). InvalidArgument for
  // a null connector or a name already present.
  base::Status Add(std::unique_ptr<ReplyConnector> connector, std::vector<model::Channel> channels);

  // The first connector whose channels include `channel`, else the first
  // with no channels, else null.
  ReplyConnector* ForChannel(model::Channel channel) const;
  // By name; null when absent.
  ReplyConnector* Find(std::string_view name) const;
  size_t size() const { return entries_.size(); }

  void Start();
  void Stop();

 private:
  struct Entry {
    std::unique_ptr<ReplyConnector> connector;
    std::vector<model::Channel> channels;
  };
  std::vector<Entry> entries_;
};

}  // namespace ecoute::care
