#include "app/runtime.h"

#include <gtest/gtest.h>
#include <signal.h>

#include <filesystem>
#include <fstream>

namespace ecoute::app {
namespace {

TEST(Runtime, ThousandsSeparators) {
  EXPECT_EQ(Thousands(0), "0");
  EXPECT_EQ(Thousands(999), "999");
  EXPECT_EQ(Thousands(1000), "1,000");
  EXPECT_EQ(Thousands(1234567), "1,234,567");
}

TEST(Runtime, GlobalFlagsOverrideTheConfigFile) {
  auto dir = std::filesystem::temp_directory_path() / "ecoute_runtime_test";
  std::filesystem::create_directories(dir);
  std::ofstream(dir / "e.yaml") << "store: {path: a.db}\nlog: {level: warn}\n";
  GlobalFlags flags;
  flags.config_path = (dir / "e.yaml").string();
  auto c = LoadConfig(flags);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->store.path, (dir / "a.db").string());
  EXPECT_EQ(c->log_level, "warn");
  flags.db_path = "/tmp/b.db";
  flags.log_level = "debug";
  c = LoadConfig(flags);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->store.path, "/tmp/b.db");
  EXPECT_EQ(c->log_level, "debug");
  flags.config_path = (dir / "nope.yaml").string();
  EXPECT_FALSE(LoadConfig(flags).ok());
}

TEST(Runtime, ResolveMappingFindsShippedExamplesAndListsNames) {
  config::Config c;
  std::filesystem::current_path(ECOUTE_SOURCE_DIR);
  auto m = ResolveMapping(c, "airline-tweets");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->columns.at("text"), "text");
  auto missing = ResolveMapping(c, "no-such-mapping");
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("airline-tweets"), std::string::npos);
}

TEST(Runtime, ShutdownSignalRunsCallbacksOnSigterm) {
  ShutdownSignal signal;
  std::atomic<int> calls{0};
  signal.OnSignal([&] { ++calls; });
  kill(getpid(), SIGTERM);
  signal.Wait();
  EXPECT_TRUE(signal.requested());
  EXPECT_EQ(calls.load(), 1);
  signal.OnSignal([&] { ++calls; });  // late registration runs at once
  EXPECT_EQ(calls.load(), 2);
}

}  // namespace
}  // namespace ecoute::app
