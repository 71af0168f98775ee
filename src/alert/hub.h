// A fan-out of live events to subscribers (the server-sent event streams of
// the API). Publishing never blocks: each subscriber has a bounded queue,
// and a subscriber that does not keep up loses its oldest events (counted,
// and reported to it by the gap in sequence numbers and `dropped()`).
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>

namespace ecoute::alert {

struct StreamEvent {
  uint64_t seq = 0;   // 1, 2, ... per hub; an SSE client's Last-Event-ID
  std::string type;   // "alert.opened", "alert.updated", "alert.acknowledged", "alert.resolved"
  std::string data;   // JSON text
};

class Hub {
 public:
  class Subscription;

  // `queue_capacity` events per subscriber (>= 1); at most
  // `max_subscribers` at once.
  explicit Hub(size_t queue_capacity = 1000, size_t max_subscribers = 32, size_t replay_capacity = 1000);
  ~Hub();  // Close()
  Hub(const Hub&) = delete;
  Hub& operator=(const Hub&) = delete;

  // A new subscriber, or nullptr when max_subscribers are connected or the
  // hub is closed. With `after_seq` > 0 the events still in the replay
  // buffer with a greater seq are queued first (SSE reconnection). The
  // subscription unsubscribes when destroyed; it must not outlive the hub.
  std::unique_ptr<Subscription> Subscribe(uint64_t after_seq = 0);

  // Never blocks beyond a short lock. No effect after Close().
  void Publish(std::string type, std::string data);

  // Wakes every subscriber; their Next() then returns nullopt. Idempotent.
  void Close();

  size_t subscribers() const;
  uint64_t published() const;

  class Subscription {
   public:
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    // The next event, waiting at most `timeout`; nullopt on timeout or
    // when the hub closed (closed() tells which).
    std::optional<StreamEvent> Next(std::chrono::milliseconds timeout);
    bool closed() const;
    uint64_t dropped() const;

   private:
    friend class Hub;
    explicit Subscription(Hub* hub) : hub_(hub) {}
    Hub* hub_;
    std::deque<StreamEvent> queue_;  // GUARDED_BY(hub_->mu_)
    uint64_t dropped_ = 0;           // GUARDED_BY(hub_->mu_)
  };

 private:
  const size_t queue_capacity_;
  const size_t max_subscribers_;
  const size_t replay_capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::set<Subscription*> subscribers_;  // GUARDED_BY(mu_)
  std::deque<StreamEvent> replay_;       // GUARDED_BY(mu_)
  uint64_t seq_ = 0;                     // GUARDED_BY(mu_)
  bool closed_ = false;                  // GUARDED_BY(mu_)
};

}  // namespace ecoute::alert
