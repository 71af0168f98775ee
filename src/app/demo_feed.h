// Feeds the demo generator into a running pipeline (for `serve --demo` and
// `make run`): a backlog of history when the store is empty, then a live
// stream paced on the wall clock.
#pragma once

#include <atomic>
#include <thread>

#include "base/status.h"
#include "config/config.h"
#include "pipeline/pipeline.h"
#include "store/store.h"

namespace ecoute::app {

class DemoFeed {
 public:
  // `pipeline`, `store` must outlive the feed.
  DemoFeed(pipeline::Pipeline& pipeline, const store::Store& store, config::DemoConfig config);
  ~DemoFeed();  // Stop()
  // Loads the backlog (only when the store holds no mention) and waits for
  // it to be committed; returns how many messages it loaded.
  base::Result<uint64_t> LoadBacklog();
  // Starts the live stream on a background thread.
  void StartLive();
  // Stops the live stream; idempotent.
  void Stop();

 private:
  void LiveLoop();
  pipeline::Pipeline& pipeline_;
  const store::Store& store_;
  config::DemoConfig config_;
  std::atomic<bool> stop_{false};
  std::thread live_;
};

}  // namespace ecoute::app
