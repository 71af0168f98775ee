// Webhook notifier of real-time alerts: POSTs each AlertEvent as JSON to one
// URL, signed with HMAC-SHA256 when a secret is set, retried with
// exponential backoff, and kept in a dead-letter list when it cannot be
// delivered.
//
// Thread-safety: WebhookNotifier's public methods may be called from any
// thread. The free functions are pure and thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
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
  std::string id;            // unique per event; sent as X-Ecoute-Event
  std::string rule;          // name of the rule that fired
  std::string kind;          // e.g. "spike"
  std::string title;
  std::string text;          // human summary
  std::string payload_json;  // detection details
  base::Timestamp created_at_ms = 0;
};

enum class WebhookFormat {
  kJson,   // {"id", "rule", "kind", "title", "text", "created_at", "payload"}
  kSlack,  // {"text": "*title*\ntext", "ecoute": {<the kJson object>}}
           // (Slack and Mattermost incoming webhooks accept it)
};

struct WebhookOptions {
  // "http://host[:port][/path]" (or https://). Required.
  std::string url;
  // HMAC key; empty = requests are not signed (no X-Ecoute-Signature).
  std::string secret;
  WebhookFormat format = WebhookFormat::kJson;
  // Attempts per event, the first included (>= 1).
  int max_attempts = 6;
  // Backoff before retry n (n = 1 after the first failed attempt) is
  // min(max_backoff_ms, initial_backoff_ms * 2^(n-1)) scaled by a
  // deterministic jitter in [0.5, 1) (BackoffMs).
  int64_t initial_backoff_ms = 1000;
  int64_t max_backoff_ms = 300'000;
  // Connect, read and write timeouts of one attempt.
  int64_t timeout_ms = 5000;
  // Events queued or waiting for a retry; Enqueue beyond it dead-letters.
  size_t queue_capacity = 10'000;
  // Ring sizes of Log() and DeadLetters() (oldest dropped first).
  size_t log_capacity = 1000;
  size_t dead_letter_capacity = 10'000;
  // Longest wait of the delivery thread before it re-reads the clock: bounds
  // how late a retry is when the clock jumps (or a FakeClock is advanced).
  int64_t clock_poll_ms = 1000;
};

// One delivery attempt.
struct DeliveryAttempt {
  std::string event_id;
  int attempt = 0;        // 1-based
  int status = 0;         // HTTP status; 0 when no response was received
  std::string error;      // empty on 2xx; "http 500", "connection: ...", ...
  int64_t latency_ms = 0;
  base::Timestamp at_ms = 0;  // start of the attempt (clock's Now())
};

// An event given up on.
struct DeadLetter {
  AlertEvent event;
  // "queue full", "stopped", "http 400" (not retryable) or
  // "max attempts: <last error>".
  std::string reason;
  int attempts = 0;  // attempts made (0 for "queue full")
  base::Timestamp at_ms = 0;
};

struct WebhookStats {
  uint64_t enqueued = 0;  // accepted by Enqueue
  uint64_t delivered = 0;
  uint64_t dead_lettered = 0;
  uint64_t attempts = 0;
  size_t pending = 0;  // queued, waiting for a retry or in flight
};

// Delivers AlertEvents to one webhook from a single delivery thread.
// Events are attempted in order of due time: a new event is due at once, a
// failed one after its backoff, so a retrying event does not hold back the
// others. 2xx = delivered; 408, 429, 5xx, other non-2xx statuses, timeouts
// and connection errors are retried; other 4xx are dead-lettered at once.
// The clock (not owned, must outlive the notifier) is used for due times,
// timestamps and latencies; with a FakeClock, advancing it drives retries.
class WebhookNotifier {
 public:
  // InvalidArgument when the URL or the options are unusable. Does not
  // start the delivery thread (Start()).
  static base::Result<std::unique_ptr<WebhookNotifier>> Create(
      WebhookOptions options, const base::Clock* clock = &base::SystemClock());

  WebhookNotifier(const WebhookNotifier&) = delete;
  WebhookNotifier& operator=(const WebhookNotifier&) = delete;
  // Stop().
  ~WebhookNotifier();

  // Starts the delivery thread. Idempotent; no effect after Stop().
  void Start();

  // Never blocks (beyond a short lock). Returns false, and puts the event
  // in the dead-letter list, when the queue is full ("queue full") or the
  // notifier is stopped ("stopped"). Events enqueued before Start() wait.
  bool Enqueue(AlertEvent event);

  // Abandons, does not drain: waits for the attempt in flight (at most
  // about timeout_ms), then moves every event still queued or waiting for
  // a retry to the dead-letter list with reason "stopped", and joins the
  // thread. Idempotent.
  void Stop();

  // Snapshots, oldest first.
  std::vector<DeliveryAttempt> Log() const;
  std::vector<DeadLetter> DeadLetters() const;
  WebhookStats Stats() const;

  const WebhookOptions& options() const { return options_; }

 private:
  struct Pending {
    AlertEvent event;
    int attempts = 0;  // made so far
  };
  struct Outcome {
    int status = 0;
    std::string error;
  };

  WebhookNotifier(WebhookOptions options, const base::Clock* clock, std::string scheme_host_port,
                  std::string path);
  void Run();
  Outcome Post(const std::string& body, const std::string& event_id, int64_t unix_seconds) const;
  void AddDeadLetterLocked(AlertEvent event, std::string reason, int attempts);

  const WebhookOptions options_;
  const base::Clock* const clock_;
  const std::string scheme_host_port_;
  const std::string path_;
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
  std::deque<DeliveryAttempt> log_;      // GUARDED_BY(mu_)
  std::deque<DeadLetter> dead_letters_;  // GUARDED_BY(mu_)
  WebhookStats stats_;                   // GUARDED_BY(mu_), pending unused
  std::thread thread_;
  std::mutex stop_mu_;  // serialises Stop()
};

// The request body for `event` in `format` (compact JSON).
std::string WebhookBody(const AlertEvent& event, WebhookFormat format);

// Delay in ms before retry `retry` (1 = after the first failed attempt) of
// the event `event_id`: min(max_backoff_ms, initial_backoff_ms * 2^(retry-1))
// times a jitter in [0.5, 1) derived from a hash of (event_id, retry), so
// the same event always waits the same and events spread out.
int64_t BackoffMs(const WebhookOptions& options, std::string_view event_id, int retry);

// "sha256=" + lowercase hex HMAC-SHA256(secret, timestamp + "." + body);
// `timestamp` is the X-Ecoute-Timestamp header's text (unix seconds).
std::string SignatureHeader(std::string_view secret, std::string_view timestamp, std::string_view body);

// True when `signature_header` equals SignatureHeader(secret, timestamp,
// body) (constant-time comparison). Receivers should also reject a
// timestamp too far from their clock (replay); this does not check it.
bool VerifySignature(std::string_view secret, std::string_view timestamp, std::string_view body,
                     std::string_view signature_header);

}  // namespace ecoute::alert
