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
  return nlohmann::json{{"id", e.id},     {"rule", e.rule},
                        {"kind", e.kind}, {"title", e.title},
                        {"text", e.text}, {"created_at", base::FormatTimestamp(e.created_at_ms)},
                        {"created_at_ms", e.created_at_ms}, {"payload", std::move(payload)}};
}

bool Retryable(int status) { return status == 408 || status == 429 || status < 400 || status >= 500; }

}  // namespace

std::string WebhookBody(const AlertEvent& event, WebhookFormat format) {
  nlohmann::json j = EventJson(event);
  if (format == WebhookFormat::kSlack) {
    std::string text = event.title.empty() ? event.text : "*" + event.title + "*\n" + event.text;
    j = nlohmann::json{{"text", std::move(text)}, {"ecoute", std::move(j)}};
  }
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

int64_t BackoffMs(const WebhookOptions& options, std::string_view event_id, int retry) {
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

base::Result<std::unique_ptr<WebhookNotifier>> WebhookNotifier::Create(WebhookOptions options,
                                                                       const base::Clock* clock) {
  if (clock == nullptr) return base::Status::InvalidArgument("webhook: null clock");
  const std::string& url = options.url;
  const size_t sep = url.find("://");
  if (sep == std::string::npos) return base::Status::InvalidArgument("webhook: url without scheme: " + url);
  const std::string scheme = url.substr(0, sep);
  if (scheme != "http" && scheme != "https") {
    return base::Status::InvalidArgument("webhook: url scheme must be http or https: " + url);
  }
  const size_t path_at = url.find('/', sep + 3);
  std::string authority = url.substr(sep + 3, path_at == std::string::npos ? std::string::npos : path_at - sep - 3);
  if (authority.empty()) return base::Status::InvalidArgument("webhook: url without host: " + url);
  std::string path = path_at == std::string::npos ? "/" : url.substr(path_at);
  if (options.max_attempts < 1) return base::Status::InvalidArgument("webhook: max_attempts must be >= 1");
  if (options.queue_capacity == 0) return base::Status::InvalidArgument("webhook: queue_capacity must be > 0");
  if (options.timeout_ms <= 0) return base::Status::InvalidArgument("webhook: timeout_ms must be > 0");
  if (options.initial_backoff_ms < 0 || options.max_backoff_ms < 0) {
    return base::Status::InvalidArgument("webhook: negative backoff");
  }
  options.log_capacity = std::max<size_t>(1, options.log_capacity);
  options.dead_letter_capacity = std::max<size_t>(1, options.dead_letter_capacity);
  options.clock_poll_ms = std::max<int64_t>(1, options.clock_poll_ms);
  InitSodium();
  return std::unique_ptr<WebhookNotifier>(
      new WebhookNotifier(std::move(options), clock, scheme + "://" + authority, std::move(path)));
}

WebhookNotifier::WebhookNotifier(WebhookOptions options, const base::Clock* clock, std::string scheme_host_port,
                                 std::string path)
    : options_(std::move(options)),
      clock_(clock),
      scheme_host_port_(std::move(scheme_host_port)),
      path_(std::move(path)),
      delivered_counter_(base::Metrics().GetCounter("ecoute_alert_webhook_delivered_total",
                                                    "Alert events delivered to a webhook.")),
      failed_attempts_counter_(base::Metrics().GetCounter("ecoute_alert_webhook_failed_attempts_total",
                                                          "Failed webhook delivery attempts.")),
      dead_letter_counter_(base::Metrics().GetCounter("ecoute_alert_webhook_dead_letters_total",
                                                      "Alert events given up on (dead-lettered).")) {}

WebhookNotifier::~WebhookNotifier() { Stop(); }

void WebhookNotifier::Start() {
  std::lock_guard lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  thread_ = std::thread([this] { Run(); });
}

bool WebhookNotifier::Enqueue(AlertEvent event) {
  std::lock_guard lock(mu_);
  if (stopping_) {
    AddDeadLetterLocked(std::move(event), "stopped", 0);
    return false;
  }
  if (pending_.size() + (in_flight_ ? 1 : 0) >= options_.queue_capacity) {
    AddDeadLetterLocked(std::move(event), "queue full", 0);
    return false;
  }
  pending_.emplace(std::make_pair(clock_->Now(), seq_++), Pending{std::move(event), 0});
  ++stats_.enqueued;
  cv_.notify_all();
  return true;
}

void WebhookNotifier::Stop() {
  std::lock_guard stop_lock(stop_mu_);
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
    cv_.notify_all();
  }
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mu_);
  for (auto& [key, p] : pending_) AddDeadLetterLocked(std::move(p.event), "stopped", p.attempts);
  pending_.clear();
}

std::vector<DeliveryAttempt> WebhookNotifier::Log() const {
  std::lock_guard lock(mu_);
  return {log_.begin(), log_.end()};
}

std::vector<DeadLetter> WebhookNotifier::DeadLetters() const {
  std::lock_guard lock(mu_);
  return {dead_letters_.begin(), dead_letters_.end()};
}

WebhookStats WebhookNotifier::Stats() const {
  std::lock_guard lock(mu_);
  WebhookStats s = stats_;
  s.pending = pending_.size() + (in_flight_ ? 1 : 0);
  return s;
}

void WebhookNotifier::AddDeadLetterLocked(AlertEvent event, std::string reason, int attempts) {
  spdlog::warn("alert webhook: event {} dead-lettered after {} attempt(s): {}", event.id, attempts, reason);
  dead_letters_.push_back(DeadLetter{std::move(event), std::move(reason), attempts, clock_->Now()});
  while (dead_letters_.size() > options_.dead_letter_capacity) dead_letters_.pop_front();
  ++stats_.dead_lettered;
  dead_letter_counter_->Add();
}

WebhookNotifier::Outcome WebhookNotifier::Post(const std::string& body, const std::string& event_id,
                                               int64_t unix_seconds) const {
  try {
    httplib::Client client(scheme_host_port_);
    const auto timeout = std::chrono::milliseconds(options_.timeout_ms);
    client.set_connection_timeout(timeout);
    client.set_read_timeout(timeout);
    client.set_write_timeout(timeout);
    const std::string ts = std::to_string(unix_seconds);
    httplib::Headers headers{{"X-Ecoute-Event", event_id}, {"X-Ecoute-Timestamp", ts}};
    if (!options_.secret.empty()) headers.emplace("X-Ecoute-Signature", SignatureHeader(options_.secret, ts, body));
    auto res = client.Post(path_, headers, body, "application/json");
    if (!res) return Outcome{0, "connection: " + httplib::to_string(res.error())};
    const int status = res->status;
    if (status >= 200 && status < 300) return Outcome{status, ""};
    return Outcome{status, "http " + std::to_string(status)};
  } catch (const std::exception& e) {
    return Outcome{0, std::string("exception: ") + e.what()};
  }
}

void WebhookNotifier::Run() {
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

    const std::string body = WebhookBody(p.event, options_.format);
    const base::Timestamp at = clock_->Now();
    const int64_t start_ns = clock_->MonotonicNanos();
    const Outcome out = Post(body, p.event.id, at / 1000);
    const int64_t latency_ms = (clock_->MonotonicNanos() - start_ns) / 1'000'000;
    ++p.attempts;

    lock.lock();
    in_flight_ = false;
    ++stats_.attempts;
    log_.push_back(DeliveryAttempt{p.event.id, p.attempts, out.status, out.error, latency_ms, at});
    while (log_.size() > options_.log_capacity) log_.pop_front();
    if (out.error.empty()) {
      ++stats_.delivered;
      delivered_counter_->Add();
    } else {
      failed_attempts_counter_->Add();
      if (out.status != 0 && !Retryable(out.status)) {
        AddDeadLetterLocked(std::move(p.event), out.error, p.attempts);
      } else if (p.attempts >= options_.max_attempts) {
        AddDeadLetterLocked(std::move(p.event), "max attempts: " + out.error, p.attempts);
      } else {
        const base::Timestamp due = clock_->Now() + BackoffMs(options_, p.event.id, p.attempts);
        pending_.emplace(std::make_pair(due, seq_++), std::move(p));
      }
    }
  }
}

}  // namespace ecoute::alert
