#include "alert/notifier.h"

#include <httplib.h>
#include <sodium.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

namespace ecoute::alert {
namespace {

void InitSodium() {
  static const int kInit = sodium_init();  // thread-safe; idempotent
  ECOUTE_CHECK(kInit >= 0);
}

uint64_t Fnv1a(std::string_view s, uint64_t h = 1469598103934665603ULL) {
  for (unsigned char c : s) {
    h ^= c;
    h *= 1099511628211ULL;
  }
  return h;
}

nlohmann::json EventJson(const AlertEvent& e) {
  nlohmann::json payload = nullptr;
  if (!e.payload_json.empty()) {
    payload = nlohmann::json::parse(e.payload_json, nullptr, /*allow_exceptions=*/false);
    if (payload.is_discarded()) payload = e.payload_json;
  }
  return nlohmann::json{{"id", e.id},
                        {"alert_id", e.alert_id},
                        {"rule", e.rule},
                        {"kind", e.kind},
                        {"level", e.level},
                        {"title", e.title},
                        {"text", e.text},
                        {"url", e.url},
                        {"created_at", base::FormatTimestamp(e.created_at_ms)},
                        {"created_at_ms", e.created_at_ms},
                        {"payload", std::move(payload)}};
}

bool RetryableHttp(int status) { return status == 408 || status == 429 || status < 400 || status >= 500; }

// One keep-alive httplib::Client for every attempt (the delivery thread is
// its only user).
class WebhookTransport final : public Transport {
 public:
  WebhookTransport(const WebhookOptions& options, const std::string& scheme_host_port, std::string path)
      : secret_(options.secret), format_(options.format), path_(std::move(path)), client_(scheme_host_port) {
    const auto timeout = std::chrono::milliseconds(options.delivery.timeout_ms);
    client_.set_connection_timeout(timeout);
    client_.set_read_timeout(timeout);
    client_.set_write_timeout(timeout);
    client_.set_keep_alive(true);
    // Headers and body are separate writes: without it, Nagle and the
    // peer's delayed ACK cost ~40 ms a request on a reused connection.
    client_.set_tcp_nodelay(true);
  }

  std::string_view type() const override { return "webhook"; }

  Outcome Send(const AlertEvent& event, int64_t unix_seconds) override {
    const std::string body = WebhookBody(event, format_);
    const std::string ts = std::to_string(unix_seconds);
    httplib::Headers headers{{"X-Ecoute-Event", event.id}, {"X-Ecoute-Timestamp", ts}};
    if (!secret_.empty()) headers.emplace("X-Ecoute-Signature", SignatureHeader(secret_, ts, body));
    auto res = client_.Post(path_, headers, body, "application/json");
    if (!res) return Outcome{0, "connection: " + httplib::to_string(res.error()), true};
    const int status = res->status;
    if (status >= 200 && status < 300) return Outcome{status, "", true};
    return Outcome{status, "http " + std::to_string(status), RetryableHttp(status)};
  }

 private:
  const std::string secret_;
  const WebhookFormat format_;
  const std::string path_;
  httplib::Client client_;
};

}  // namespace

std::string WebhookBody(const AlertEvent& event, WebhookFormat format) {
  nlohmann::json j = EventJson(event);
  if (format == WebhookFormat::kSlack) {
    std::string text = event.level.empty() ? "" : "[" + event.level + "] ";
    text += event.title.empty() ? event.text : "*" + event.title + "*\n" + event.text;
    if (!event.url.empty()) text += "\n" + event.url;
    j = nlohmann::json{{"text", std::move(text)}, {"ecoute", std::move(j)}};
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int64_t BackoffMs(const DeliveryOptions& options, std::string_view event_id, int retry) {
  const int64_t initial = std::max<int64_t>(0, options.initial_backoff_ms);
  const int64_t cap = std::max<int64_t>(0, options.max_backoff_ms);
  int64_t nominal = initial;
  for (int i = 1; i < retry && nominal < cap; ++i) nominal *= 2;
  nominal = std::min(nominal, cap);
  uint64_t h = Fnv1a(std::to_string(retry), Fnv1a(event_id) ^ 0x9e3779b97f4a7c15ULL);
  h ^= h >> 30;  // splitmix64 finaliser: FNV alone leaves the high bits weakly mixed
  h *= 0xbf58476d1ce4e5b9ULL;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebULL;
  h ^= h >> 31;
  const double u = static_cast<double>(h >> 11) / 9007199254740992.0;  // [0, 1)
  return static_cast<int64_t>(std::floor(static_cast<double>(nominal) * (0.5 + 0.5 * u)));
}

std::string SignatureHeader(std::string_view secret, std::string_view timestamp, std::string_view body) {
  InitSodium();
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(secret.data()), secret.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(timestamp.data()), timestamp.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>("."), 1);
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(body.data()), body.size());
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_final(&st, mac);
  char hex[2 * crypto_auth_hmacsha256_BYTES + 1];
  sodium_bin2hex(hex, sizeof hex, mac, sizeof mac);
  return "sha256=" + std::string(hex);
}

bool VerifySignature(std::string_view secret, std::string_view timestamp, std::string_view body,
                     std::string_view signature_header) {
  const std::string expected = SignatureHeader(secret, timestamp, body);
  if (signature_header.size() != expected.size()) return false;
  return sodium_memcmp(expected.data(), signature_header.data(), expected.size()) == 0;
}

base::Result<std::unique_ptr<Notifier>> MakeWebhookNotifier(std::string name, WebhookOptions options,
                                                            const base::Clock* clock) {
  const std::string& url = options.url;
  const size_t sep = url.find("://");
  if (sep == std::string::npos) return base::Status::InvalidArgument("webhook.url: no scheme: " + url);
  const std::string scheme = url.substr(0, sep);
  if (scheme != "http" && scheme != "https") {
    return base::Status::InvalidArgument("webhook.url: scheme must be http or https: " + url);
  }
  const size_t path_at = url.find('/', sep + 3);
  std::string authority = url.substr(sep + 3, path_at == std::string::npos ? std::string::npos : path_at - sep - 3);
  if (authority.empty()) return base::Status::InvalidArgument("webhook.url: no host: " + url);
  std::string path = path_at == std::string::npos ? "/" : url.substr(path_at);
  if (options.delivery.timeout_ms <= 0) {  // checked again by Create; the client needs it first
    return base::Status::InvalidArgument("webhook.delivery.timeout_ms: must be > 0");
  }
  InitSodium();
  std::unique_ptr<Transport> transport;
  try {
    transport = std::make_unique<WebhookTransport>(options, scheme + "://" + authority, std::move(path));
  } catch (const std::exception& e) {
    return base::Status::InvalidArgument(std::string("webhook.url: ") + e.what() + ": " + url);
  }
  return Notifier::Create(std::move(name), std::move(options.delivery), std::move(transport), clock);
}

base::Result<std::unique_ptr<Notifier>> Notifier::Create(std::string name, DeliveryOptions options,
                                                         std::unique_ptr<Transport> transport,
                                                         const base::Clock* clock) {
  if (transport == nullptr) return base::Status::InvalidArgument("notifier: null transport");
  const std::string type(transport->type());
  const auto invalid = [&](std::string_view field, std::string_view what) {
    return base::Status::InvalidArgument(type + ".delivery." + std::string(field) + ": " + std::string(what));
  };
  if (clock == nullptr) return base::Status::InvalidArgument(type + ": null clock");
  if (name.empty()) return base::Status::InvalidArgument(type + ": empty notifier name");
  if (options.max_attempts < 1) return invalid("max_attempts", "must be >= 1");
  if (options.queue_capacity == 0) return invalid("queue_capacity", "must be > 0");
  if (options.timeout_ms <= 0) return invalid("timeout_ms", "must be > 0");
  if (options.initial_backoff_ms < 0) return invalid("initial_backoff_ms", "must be >= 0");
  if (options.max_backoff_ms < 0) return invalid("max_backoff_ms", "must be >= 0");
  options.log_capacity = std::max<size_t>(1, options.log_capacity);
  options.dead_letter_capacity = std::max<size_t>(1, options.dead_letter_capacity);
  options.clock_poll_ms = std::max<int64_t>(1, options.clock_poll_ms);
  return std::unique_ptr<Notifier>(new Notifier(std::move(name), std::move(options), std::move(transport), clock));
}

Notifier::Notifier(std::string name, DeliveryOptions options, std::unique_ptr<Transport> transport,
                   const base::Clock* clock)
    : name_(std::move(name)),
      options_(std::move(options)),
      transport_(std::move(transport)),
      clock_(clock),
      delivered_counter_(base::Metrics().GetCounter("ecoute_alert_notifier_delivered_total",
                                                    "Alert events delivered by a notifier.",
                                                    {{"notifier", name_}, {"type", std::string(transport_->type())}})),
      failed_attempts_counter_(base::Metrics().GetCounter(
          "ecoute_alert_notifier_failed_attempts_total", "Failed alert delivery attempts.",
          {{"notifier", name_}, {"type", std::string(transport_->type())}})),
      dead_letter_counter_(base::Metrics().GetCounter(
          "ecoute_alert_notifier_dead_letters_total", "Alert events given up on (dead-lettered).",
          {{"notifier", name_}, {"type", std::string(transport_->type())}})) {
  if (options_.observer) observer_ = std::make_shared<const AttemptObserver>(options_.observer);
}

Notifier::~Notifier() { Stop(); }

void Notifier::SetObserver(AttemptObserver observer) {
  ObserverPtr p = observer ? std::make_shared<const AttemptObserver>(std::move(observer)) : nullptr;
  std::lock_guard lock(mu_);
  observer_.swap(p);
}  // the previous observer is released here, outside the lock

void Notifier::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

bool Notifier::Enqueue(AlertEvent event) {
  DeliveryAttempt refused;
  ObserverPtr observer;
  {
    std::lock_guard lock(mu_);
    if (!stopping_ && pending_.size() + (in_flight_ ? 1 : 0) < options_.queue_capacity) {
      pending_.emplace(std::make_pair(clock_->Now(), seq_++), Pending{std::move(event), 0});
      ++stats_.enqueued;
      cv_.notify_all();
      return true;
    }
    refused = AddDeadLetterLocked(std::move(event), stopping_ ? "stopped" : "queue full", 0);
    observer = observer_;
  }
  Notify(observer, refused, "dead");
  return false;
}

void Notifier::Stop() {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  std::vector<DeliveryAttempt> abandoned;
  ObserverPtr observer;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, p] : pending_) abandoned.push_back(AddDeadLetterLocked(std::move(p.event), "stopped", p.attempts));
    pending_.clear();
    observer = observer_;
  }
  for (const DeliveryAttempt& a : abandoned) Notify(observer, a, "dead");
}

std::vector<DeliveryAttempt> Notifier::Log() const {
  std::lock_guard lock(mu_);
  return {log_.begin(), log_.end()};
}

std::vector<DeadLetter> Notifier::DeadLetters() const {
  std::lock_guard lock(mu_);
  return {dead_letters_.begin(), dead_letters_.end()};
}

NotifierStats Notifier::Stats() const {
  std::lock_guard lock(mu_);
  NotifierStats s = stats_;
  s.pending = pending_.size() + (in_flight_ ? 1 : 0);
  return s;
}

DeliveryAttempt Notifier::AddDeadLetterLocked(AlertEvent event, std::string reason, int attempts) {
  spdlog::warn("alert {} notifier {}: event {} dead-lettered after {} attempt(s): {}", transport_->type(), name_,
               event.id, attempts, reason);
  const base::Timestamp now = clock_->Now();
  DeliveryAttempt a{name_, event.id, event.alert_id, 0, 0, reason, 0, now};
  dead_letters_.push_back(DeadLetter{std::move(event), std::move(reason), attempts, now});
  while (dead_letters_.size() > options_.dead_letter_capacity) dead_letters_.pop_front();
  ++stats_.dead_lettered;
  dead_letter_counter_->Add();
  return a;
}

void Notifier::Notify(const ObserverPtr& observer, const DeliveryAttempt& attempt, std::string_view state) const {
  if (observer == nullptr) return;
  try {
    (*observer)(attempt, state);
  } catch (const std::exception& e) {
    spdlog::error("alert {} notifier {}: observer threw: {}", transport_->type(), name_, e.what());
  }
}

void Notifier::Run() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    if (pending_.empty()) {
      cv_.wait(lock);
      continue;
    }
    const base::Timestamp now = clock_->Now();
    auto it = pending_.begin();
    if (it->first.first > now) {
      const int64_t wait_ms = std::min(it->first.first - now, options_.clock_poll_ms);
      cv_.wait_for(lock, std::chrono::milliseconds(wait_ms));
      continue;
    }
    Pending p = std::move(it->second);
    pending_.erase(it);
    in_flight_ = true;
    lock.unlock();

    const base::Timestamp at = clock_->Now();
    const int64_t start_ns = clock_->MonotonicNanos();
    Transport::Outcome out;
    try {
      out = transport_->Send(p.event, at / 1000);
    } catch (const std::exception& e) {
      out = Transport::Outcome{0, std::string("exception: ") + e.what(), true};
    }
    const int64_t latency_ms = (clock_->MonotonicNanos() - start_ns) / 1'000'000;
    ++p.attempts;
    const DeliveryAttempt attempt{name_, p.event.id, p.event.alert_id, p.attempts, out.status, out.error,
                                  latency_ms, at};

    lock.lock();
    in_flight_ = false;
    ++stats_.attempts;
    log_.push_back(attempt);
    while (log_.size() > options_.log_capacity) log_.pop_front();
    std::string_view state = "delivered";
    if (out.error.empty()) {
      ++stats_.delivered;
      delivered_counter_->Add();
    } else {
      failed_attempts_counter_->Add();
      if (!out.retryable) {
        state = "dead";
        AddDeadLetterLocked(std::move(p.event), out.error, p.attempts);
      } else if (p.attempts >= options_.max_attempts) {
        state = "dead";
        AddDeadLetterLocked(std::move(p.event), "max attempts: " + out.error, p.attempts);
      } else {
        state = "retry";
        const base::Timestamp due = clock_->Now() + BackoffMs(options_, p.event.id, p.attempts);
        pending_.emplace(std::make_pair(due, seq_++), std::move(p));
      }
    }
    if (observer_ != nullptr) {
      ObserverPtr observer = observer_;
      lock.unlock();
      Notify(observer, attempt, state);
      lock.lock();
    }
  }
}

}  // namespace ecoute::alert
