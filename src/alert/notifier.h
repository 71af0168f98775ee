// Notifiers of real-time alerts: a generic delivery engine (Notifier: one
// thread, a due-time ordered queue, retries with exponential backoff, a
// dead-letter list, an attempt log, metrics) driving one Transport that
// makes single attempts. Two transports: a webhook (POSTs each AlertEvent
// as JSON, signed with HMAC-SHA256 when a secret is set) and SMTP (one
// e-mail per event, through libcurl).
//
// Thread-safety: Notifier's public methods may be called from any thread.
// The free functions are pure and thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "base/clock.h"
#include "base/metrics.h"
#include "base/status.h"
#include "base/time.h"

namespace ecoute::alert {

// One alert to notify. Plain data; `payload_json` is a JSON document (empty
// = none) embedded as is in the body when it parses, as a string otherwise.
struct AlertEvent {
  std::string id;            // unique per event; X-Ecoute-Event, Message-ID
  int64_t alert_id = 0;      // the alert this event is about (0 = none)
  std::string rule;          // name of the rule that fired
  std::string kind;          // e.g. "spike"
  std::string level;         // "info", "warning" or "critical" (empty = none)
  std::string title;
  std::string text;          // human summary
  std::string url;           // link to the alert in the UI/API (empty = none)
  std::string payload_json;  // detection details
  base::Timestamp created_at_ms = 0;
};

// One delivery attempt, or (attempt 0) an event dead-lettered without one.
struct DeliveryAttempt {
  std::string notifier;   // the notifier's name
  std::string event_id;
  int64_t alert_id = 0;
  int attempt = 0;        // 1-based; 0 = no attempt ("queue full", "stopped")
  int status = 0;         // HTTP status or SMTP reply code; 0 = none received
  // Empty when delivered; otherwise "http 500", "smtp 451 <reply text>",
  // "connection: ...", "timeout: ..." or, for attempt 0, the dead-letter
  // reason.
  std::string error;
  int64_t latency_ms = 0;
  base::Timestamp at_ms = 0;  // start of the attempt (clock's Now())
};

// Called once per attempt with final_state "delivered", "retry" or "dead",
// and with ("dead", attempt 0, error = reason) for an event dead-lettered
// without an attempt ("queue full", "stopped"). Every event given to
// Enqueue thus gets exactly one "delivered" or "dead" call. Never called
// with the notifier's lock held (it may call the notifier). Calls for
// attempts come from the delivery thread, one at a time; attempt-0 calls
// from the thread calling Enqueue() or Stop() (or the destructor), so the
// observer must be thread-safe and outlive Stop().
using AttemptObserver = std::function<void(const DeliveryAttempt&, std::string_view final_state)>;

// Queueing and retry settings shared by every transport.
struct DeliveryOptions {
  // Attempts per event, the first included (>= 1).
  int max_attempts = 6;
  // Backoff before retry n (n = 1 after the first failed attempt) is
  // min(max_backoff_ms, initial_backoff_ms * 2^(n-1)) scaled by a
  // deterministic jitter in [0.5, 1) (BackoffMs).
  int64_t initial_backoff_ms = 1000;
  int64_t max_backoff_ms = 300'000;
  // Time limit of one attempt (> 0). Webhook: each of connect, read and
  // write. SMTP: connect, and the whole SMTP transaction.
  int64_t timeout_ms = 5000;
  // Events queued or waiting for a retry; Enqueue beyond it dead-letters.
  size_t queue_capacity = 10'000;
  // Ring sizes of Log() and DeadLetters() (oldest dropped first).
  size_t log_capacity = 1000;
  size_t dead_letter_capacity = 10'000;
  // Longest wait of the delivery thread before it re-reads the clock: bounds
  // how late a retry is when the clock jumps (or a FakeClock is advanced).
  int64_t clock_poll_ms = 1000;
  // Optional; Notifier::SetObserver replaces it.
  AttemptObserver observer;
};

// An event given up on.
struct DeadLetter {
  AlertEvent event;
  // "queue full", "stopped", a permanent failure ("http 400", "smtp 550
  // ...") or "max attempts: <last error>".
  std::string reason;
  int attempts = 0;  // attempts made (0 for "queue full")
  base::Timestamp at_ms = 0;
};

struct NotifierStats {
  uint64_t enqueued = 0;  // accepted by Enqueue
  uint64_t delivered = 0;
  uint64_t dead_lettered = 0;
  uint64_t attempts = 0;
  size_t pending = 0;  // queued, waiting for a retry or in flight
};

// Makes single delivery attempts for a Notifier.
class Transport {
 public:
  struct Outcome {
    int status = 0;          // HTTP status or SMTP reply code; 0 = none received
    std::string error;       // empty = delivered
    bool retryable = true;   // with an error: false = dead-letter at once
  };

  virtual ~Transport() = default;
  // "webhook", "smtp": the `type` label of the metrics and of the logs.
  virtual std::string_view type() const = 0;
  // One attempt to deliver `event`; `unix_seconds` is the attempt's start
  // on the notifier's clock. Called from the delivery thread only, one call
  // at a time. An exception counts as a retryable "exception: ..." error.
  virtual Outcome Send(const AlertEvent& event, int64_t unix_seconds) = 0;
};

// Delivers AlertEvents through one Transport from a single delivery
// thread. Events are attempted in order of due time: a new event is due at
// once, a failed one after its backoff, so a retrying event does not hold
// back the others. A failed attempt is retried when the transport says it
// is retryable, up to max_attempts, then dead-lettered ("max attempts:
// <error>"); a non-retryable one is dead-lettered at once (reason = the
// error). The clock (not owned, must outlive the notifier) is used for due
// times, timestamps and latencies; with a FakeClock, advancing it drives
// retries. Counters ecoute_alert_notifier_{delivered,failed_attempts,
// dead_letters}_total{notifier=<name>,type=<transport type>} (notifiers of
// the same name and type share them).
class Notifier {
 public:
  // InvalidArgument "<type>.delivery.<field>: ..." when the options are
  // unusable, "<type>: ..." for an empty name or a null transport or clock.
  // Does not start the delivery thread (Start()).
  static base::Result<std::unique_ptr<Notifier>> Create(std::string name, DeliveryOptions options,
                                                        std::unique_ptr<Transport> transport,
                                                        const base::Clock* clock = &base::SystemClock());

  Notifier(const Notifier&) = delete;
  Notifier& operator=(const Notifier&) = delete;
  // Stop().
  ~Notifier();

  // Replaces the observer (empty = none) for the notifications that follow;
  // call it before Start() so that no notification is missed.
  void SetObserver(AttemptObserver observer);

  // Starts the delivery thread. Idempotent; no effect after Stop().
  void Start();

  // Never blocks (beyond a short lock and the observer's call on refusal).
  // Returns false, and puts the event in the dead-letter list, when the
  // queue is full ("queue full") or the notifier is stopped ("stopped").
  // Events enqueued before Start() wait.
  bool Enqueue(AlertEvent event);

  // Abandons, does not drain: waits for the attempt in flight (at most
  // about timeout_ms), then moves every event still queued or waiting for
  // a retry to the dead-letter list with reason "stopped", and joins the
  // thread. Idempotent.
  void Stop();

  // Snapshots, oldest first. Log() holds attempts only (no attempt 0).
  std::vector<DeliveryAttempt> Log() const;
  std::vector<DeadLetter> DeadLetters() const;
  NotifierStats Stats() const;

  const std::string& name() const { return name_; }
  std::string_view type() const { return transport_->type(); }
  const DeliveryOptions& options() const { return options_; }

 private:
  struct Pending {
    AlertEvent event;
    int attempts = 0;  // made so far
  };
  using ObserverPtr = std::shared_ptr<const AttemptObserver>;

  Notifier(std::string name, DeliveryOptions options, std::unique_ptr<Transport> transport,
           const base::Clock* clock);
  void Run();
  // Records the dead letter; returns what the observer must be told.
  DeliveryAttempt AddDeadLetterLocked(AlertEvent event, std::string reason, int attempts);
  void Notify(const ObserverPtr& observer, const DeliveryAttempt& attempt, std::string_view state) const;

  const std::string name_;
  const DeliveryOptions options_;  // options_.observer: the initial observer_ only
  const std::unique_ptr<Transport> transport_;  // used by the delivery thread only
  const base::Clock* const clock_;
  base::Counter* const delivered_counter_;
  base::Counter* const failed_attempts_counter_;
  base::Counter* const dead_letter_counter_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  // Keyed by (due time, sequence): FIFO among events due at the same time.
  std::map<std::pair<base::Timestamp, uint64_t>, Pending> pending_;  // GUARDED_BY(mu_)
  uint64_t seq_ = 0;                     // GUARDED_BY(mu_)
  bool in_flight_ = false;               // GUARDED_BY(mu_)
  bool started_ = false;                 // GUARDED_BY(mu_)
  bool stopping_ = false;                // GUARDED_BY(mu_)
  ObserverPtr observer_;                 // GUARDED_BY(mu_); null = none
  std::deque<DeliveryAttempt> log_;      // GUARDED_BY(mu_)
  std::deque<DeadLetter> dead_letters_;  // GUARDED_BY(mu_)
  NotifierStats stats_;                  // GUARDED_BY(mu_), pending unused
  std::thread thread_;
  std::mutex stop_mu_;  // serialises Stop()
};

// ---------------------------------------------------------------- webhook

enum class WebhookFormat {
  kJson,   // {"id", "alert_id", "rule", "kind", "level", "title", "text",
           //  "url", "created_at", "created_at_ms", "payload"}
  kSlack,  // {"text": "[level] *title*\ntext\nurl", "ecoute": {<the kJson
           // object>}} (Slack and Mattermost incoming webhooks accept it)
};

struct WebhookOptions {
  // "http://host[:port][/path]" (or https://). Required.
  std::string url;
  // HMAC key; empty = requests are not signed (no X-Ecoute-Signature).
  std::string secret;
  WebhookFormat format = WebhookFormat::kJson;
  DeliveryOptions delivery;
};

// A Notifier POSTing to options.url with Content-Type application/json,
// X-Ecoute-Event: <id>, X-Ecoute-Timestamp: <unix s> and, with a secret,
// X-Ecoute-Signature (SignatureHeader). One keep-alive connection is
// reused across attempts. 2xx = delivered; 408, 429, 5xx, other non-2xx
// statuses, timeouts and connection errors are retried; other 4xx are
// dead-lettered at once ("http 400"). InvalidArgument "webhook.url: ..." or
// as Notifier::Create.
base::Result<std::unique_ptr<Notifier>> MakeWebhookNotifier(std::string name, WebhookOptions options,
                                                            const base::Clock* clock = &base::SystemClock());

// The request body for `event` in `format` (compact JSON).
std::string WebhookBody(const AlertEvent& event, WebhookFormat format);

// Delay in ms before retry `retry` (1 = after the first failed attempt) of
// the event `event_id`: min(max_backoff_ms, initial_backoff_ms * 2^(retry-1))
// times a jitter in [0.5, 1) derived from a hash of (event_id, retry), so
// the same event always waits the same and events spread out.
int64_t BackoffMs(const DeliveryOptions& options, std::string_view event_id, int retry);

// "sha256=" + lowercase hex HMAC-SHA256(secret, timestamp + "." + body);
// `timestamp` is the X-Ecoute-Timestamp header's text (unix seconds).
std::string SignatureHeader(std::string_view secret, std::string_view timestamp, std::string_view body);

// True when `signature_header` equals SignatureHeader(secret, timestamp,
// body) (constant-time comparison). Receivers should also reject a
// timestamp too far from their clock (replay); this does not check it.
bool VerifySignature(std::string_view secret, std::string_view timestamp, std::string_view body,
                     std::string_view signature_header);

// ------------------------------------------------------------------- SMTP

struct SmtpOptions {
  // "smtp://host[:port]" (plain, or STARTTLS with `starttls`) or
  // "smtps://host[:port]" (implicit TLS). A path, if any, is the EHLO name.
  std::string url;
  // SMTP AUTH credentials; empty username = no AUTH.
  std::string username, password;
  // Require STARTTLS (libcurl's CURLUSESSL_ALL): fail rather than send in
  // clear text when the server does not offer it.
  bool starttls = false;
  // Envelope sender and From: header; bare addresses ("alerts@example.com").
  std::string from;
  // Envelope recipients and To: header (>= 1). All or nothing: one refused
  // recipient fails the attempt.
  std::vector<std::string> to;
  // Put before "[level] title" in the Subject (empty = none).
  std::string subject_prefix = "[ecoute]";
  DeliveryOptions delivery;
};

// A Notifier sending SmtpMessage(event, options, attempt start) to
// options.to through libcurl (one handle, so a live connection is reused).
// Delivered on 250 after the data; 5xx replies (including AUTH failures)
// are permanent, dead-lettered at once ("smtp 550 <reply text>"); 4xx
// replies, timeouts and connection errors are retried. InvalidArgument
// naming the field ("smtp.url: ...", "smtp.from: ...", "smtp.to[1]: ...")
// or as Notifier::Create.
base::Result<std::unique_ptr<Notifier>> MakeSmtpNotifier(std::string name, SmtpOptions options,
                                                         const base::Clock* clock = &base::SystemClock());

// The RFC 5322 message for `event` (what follows DATA, before any
// dot-stuffing, which libcurl does): CRLF line ends, lines of at most 998
// octets. Headers From, To, Subject ("<subject_prefix> [level] title",
// RFC 2047 UTF-8 encoded-words when not ASCII or too long), Date (`now_ms`,
// RFC 5322, +0000), Message-ID <id@ecoute> (bytes of the id outside
// [A-Za-z0-9_-] as %XX), MIME-Version, Content-Type text/plain;
// charset=utf-8, Content-Transfer-Encoding 8bit when the body is ASCII
// in lines of at most 998 octets, quoted-printable otherwise,
// X-Ecoute-Event, X-Ecoute-Alert (alert_id, when not 0). Body: title, text, level, rule, kind, url, alert id, event
// id, creation time, and the payload JSON pretty-printed. Control
// characters in header fields become spaces.
std::string SmtpMessage(const AlertEvent& event, const SmtpOptions& options, base::Timestamp now_ms);

}  // namespace ecoute::alert
