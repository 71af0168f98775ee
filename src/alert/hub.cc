#include "alert/hub.h"

#include <algorithm>

namespace ecoute::alert {

Hub::Hub(size_t queue_capacity, size_t max_subscribers, size_t replay_capacity)
    : queue_capacity_(std::max<size_t>(1, queue_capacity)),
      max_subscribers_(max_subscribers),
      replay_capacity_(replay_capacity) {}

Hub::~Hub() { Close(); }

std::unique_ptr<Hub::Subscription> Hub::Subscribe(uint64_t after_seq) {
  std::lock_guard lock(mu_);
  if (closed_ || subscribers_.size() >= max_subscribers_) return nullptr;
  std::unique_ptr<Subscription> sub(new Subscription(this));
  if (after_seq > 0) {
    for (const StreamEvent& e : replay_)
      if (e.seq > after_seq) sub->queue_.push_back(e);
    while (sub->queue_.size() > queue_capacity_) {
      sub->queue_.pop_front();
      ++sub->dropped_;
    }
  }
  subscribers_.insert(sub.get());
  return sub;
}

void Hub::Publish(std::string type, std::string data) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    StreamEvent e{++seq_, std::move(type), std::move(data)};
    for (Subscription* s : subscribers_) {
      if (s->queue_.size() >= queue_capacity_) {
        s->queue_.pop_front();
        ++s->dropped_;
      }
      s->queue_.push_back(e);
    }
    if (replay_capacity_ > 0) {
      if (replay_.size() >= replay_capacity_) replay_.pop_front();
      replay_.push_back(std::move(e));
    }
  }
  cv_.notify_all();
}

void Hub::Close() {
  {
    std::lock_guard lock(mu_);
    closed_ = true;
  }
  cv_.notify_all();
}

size_t Hub::subscribers() const {
  std::lock_guard lock(mu_);
  return subscribers_.size();
}

uint64_t Hub::published() const {
  std::lock_guard lock(mu_);
  return seq_;
}

Hub::Subscription::~Subscription() {
  std::lock_guard lock(hub_->mu_);
  hub_->subscribers_.erase(this);
}

std::optional<StreamEvent> Hub::Subscription::Next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(hub_->mu_);
  hub_->cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || hub_->closed_; });
  if (queue_.empty()) return std::nullopt;
  StreamEvent e = std::move(queue_.front());
  queue_.pop_front();
  return e;
}

bool Hub::Subscription::closed() const {
  std::lock_guard lock(hub_->mu_);
  return hub_->closed_;
}

uint64_t Hub::Subscription::dropped() const {
  std::lock_guard lock(hub_->mu_);
  return dropped_;
}

}  // namespace ecoute::alert
