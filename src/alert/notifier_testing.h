// Helpers shared by the notifier tests (notifier_test, smtp_test,
// service_test).
#pragma once

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "alert/notifier.h"

namespace ecoute::alert::test_util {

// Waits (real time, up to 5 s) for `pred`; returns its last value.
inline bool WaitFor(const std::function<bool()>& pred) {
  for (int i = 0; i < 5000; ++i) {
    if (pred()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return pred();
}

// A port of 127.0.0.1 that nothing listens on (bound, then released).
inline int FreePort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// One observer call.
struct Seen {
  std::string notifier, event_id, state, error;
  int64_t alert_id = 0;
  int attempt = 0, status = 0;
};

// Records the calls of the observer it makes. Thread-safe; must outlive
// the notifiers it observes.
class Recorder {
 public:
  AttemptObserver Observer() {
    return [this](const DeliveryAttempt& a, std::string_view state) {
      std::lock_guard lock(mu_);
      seen_.push_back(Seen{a.notifier, a.event_id, std::string(state), a.error, a.alert_id, a.attempt, a.status});
    };
  }
  std::vector<Seen> seen() {
    std::lock_guard lock(mu_);
    return seen_;
  }

 private:
  std::mutex mu_;
  std::vector<Seen> seen_;
};

struct Received {
  std::string body, event, timestamp, signature, content_type;
  int remote_port = 0;
};

// A local receiver on 127.0.0.1; `status_for(n)` answers the n-th request (1-based).
class Receiver {
 public:
  // `keep_alive_s`: how long the server keeps an idle connection open.
  // `stall`: how long each request waits before it is answered.
  explicit Receiver(std::function<int(int)> status_for, time_t keep_alive_s = 5,
                    std::chrono::milliseconds stall = std::chrono::milliseconds(0))
      : status_for_(std::move(status_for)) {
    server_.set_keep_alive_timeout(keep_alive_s);
    server_.Post("/hook", [this, stall](const httplib::Request& req, httplib::Response& res) {
      if (stall.count() > 0) std::this_thread::sleep_for(stall);
      std::lock_guard lock(mu_);
      received_.push_back(Received{req.body, req.get_header_value("X-Ecoute-Event"),
                                   req.get_header_value("X-Ecoute-Timestamp"),
                                   req.get_header_value("X-Ecoute-Signature"),
                                   req.get_header_value("Content-Type"), req.remote_port});
      res.status = status_for_(static_cast<int>(received_.size()));
      res.set_content("ok", "text/plain");
    });
    server_.set_tcp_nodelay(true);  // else each keep-alive response waits for a delayed ACK
    port_ = server_.bind_to_any_port("127.0.0.1");
    thread_ = std::thread([this] { server_.listen_after_bind(); });
    while (!server_.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ~Receiver() {
    server_.stop();
    thread_.join();
  }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/hook"; }
  std::vector<Received> received() {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  std::function<int(int)> status_for_;
  httplib::Server server_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::vector<Received> received_;
};

}  // namespace ecoute::alert::test_util
