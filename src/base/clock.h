// Clock: every read of the current time goes through this interface so that
// tests can substitute FakeClock.
#pragma once

#include <atomic>

#include "base/time.h"

namespace ecoute::base {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time, UTC. Thread-safe.
  virtual Timestamp Now() const = 0;
  // Monotonic nanoseconds, for latencies. Thread-safe.
  virtual int64_t MonotonicNanos() const = 0;
};

// CPU time consumed so far by the calling thread, in nanoseconds (for
// measuring what a stage costs, independent of scheduling).
int64_t ThreadCpuNanos();

// The real clock. A process-wide instance is returned by SystemClock().
const Clock& SystemClock();

// A clock that moves only when told to. Thread-safe.
class FakeClock : public Clock {
 public:
  explicit FakeClock(Timestamp start) : now_(start) {}
  Timestamp Now() const override { return now_.load(); }
  int64_t MonotonicNanos() const override { return now_.load() * 1'000'000; }
  void Advance(int64_t millis) { now_.fetch_add(millis); }
  void Set(Timestamp t) { now_.store(t); }

 private:
  std::atomic<Timestamp> now_;
};

}  // namespace ecoute::base
