// demo_bench: how fast the demo generator runs, and what it produces.
//
//   demo_bench [count=1000000] [--stats] [--print N]
// Prints messages per second on one core; with --stats, the share of each
// channel, intent, category, severity, sentiment and language, the share
// needing a reply and the number of distinct texts in the first 100,000
// messages; --print N prints the first N messages (channel, labels, text).
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <string>
#include <unordered_set>

#include "demo/generator.h"

int main(int argc, char** argv) {
  uint64_t count = 1'000'000;
  bool stats = false;
  uint64_t print = 0;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--stats") == 0) {
      stats = true;
    } else if (std::strcmp(argv[i], "--print") == 0 && i + 1 < argc) {
      print = std::strtoull(argv[++i], nullptr, 10);
    } else {
      char* end = nullptr;
      count = std::strtoull(argv[i], &end, 10);
      if (end == argv[i] || *end != '\0' || count == 0) {
        std::fprintf(stderr, "usage: demo_bench [count] [--stats] [--print N]\n");
        return 2;
      }
    }
  }

  ecoute::demo::DemoGenerator gen(ecoute::demo::DemoOptions{});
  uint64_t bytes = 0;
  const auto t0 = std::chrono::steady_clock::now();
  const std::clock_t c0 = std::clock();
  if (!stats && print == 0) {
    for (uint64_t i = 0; i < count; ++i) bytes += gen.Next().text.size();
  } else {
    std::map<std::string, std::map<std::string, uint64_t>> dist;
    std::unordered_set<std::string> distinct;
    for (uint64_t i = 0; i < count; ++i) {
      ecoute::model::Mention m = gen.Next();
      bytes += m.text.size();
      if (i < print) {
        std::printf("--- %s %s %s %s/%s/%s/%s reply=%s%s%s\n", m.native_id.c_str(),
                    ecoute::base::FormatTimestamp(m.created_at).c_str(), m.author.handle.c_str(),
                    m.attributes["demo.lang"].c_str(), m.attributes["demo.intent"].c_str(),
                    m.attributes["demo.category"].c_str(), m.attributes["demo.severity"].c_str(),
                    m.attributes["demo.needs_reply"].c_str(), m.reply_to.empty() ? "" : " reply_to=",
                    m.reply_to.c_str());
        if (!m.title.empty()) std::printf("[%s]\n", m.title.c_str());
        std::printf("%s\n", m.text.c_str());
      }
      if (!stats) continue;
      dist["channel"][std::string(ecoute::model::ChannelName(m.channel))]++;
      for (const char* k : {"demo.lang", "demo.intent", "demo.category", "demo.severity", "demo.sentiment",
                            "demo.needs_reply", "demo.cue", "demo.scenario"})
        dist[k][m.attributes.count(k) ? m.attributes[k] : "-"]++;
      dist["direction"][std::string(ecoute::model::DirectionName(m.direction))]++;
      dist["link"][!m.reply_to.empty() ? "reply_to" : !m.reshare_of.empty() ? "reshare_of"
                   : !m.quote_of.empty() ? "quote_of" : "none"]++;
      if (i < 100'000) distinct.insert(m.text);
    }
    if (stats) {
      for (const auto& [name, values] : dist) {
        std::printf("%s:", name.c_str());
        for (const auto& [v, n] : values) std::printf(" %s=%.1f%%", v.c_str(), 100.0 * n / count);
        std::printf("\n");
      }
      std::printf("distinct texts in the first %llu messages: %zu\n",
                  static_cast<unsigned long long>(count < 100'000 ? count : 100'000), distinct.size());
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  std::printf("%llu messages, %.1f MB of text: %.3f s wall (%.0f msgs/s), %.3f s CPU (%.0f msgs/s on one core)\n",
              static_cast<unsigned long long>(count), bytes / 1e6, s, count / s, cpu, count / cpu);
  return 0;
}
