#include <cstdio>
#include <memory>

#include "app/commands.h"
#include "base/clock.h"
#include "demo/generator.h"
#include "model/mention_json.h"

namespace ecoute::app {

int RunDemo(const GlobalFlags&, const DemoFlags& flags) {
  if (flags.per_day <= 0) return Fail(base::Status::InvalidArgument("--per-day must be positive"));
  demo::DemoOptions o;
  o.seed = flags.seed;
  o.messages_per_day = flags.per_day;
  if (!flags.start.empty()) {
    auto t = base::ParseTimestamp(flags.start);
    if (!t.ok()) return Fail(t.status().WithPrefix("--start"));
    o.start = *t;
  } else {
    // End about now: back off by the time `count` messages take at this rate.
    o.start = base::SystemClock().Now() -
              static_cast<int64_t>(static_cast<double>(flags.count) / flags.per_day * 86'400'000.0);
  }
  std::FILE* out = stdout;
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(nullptr, &std::fclose);
  if (flags.output != "-") {
    file.reset(std::fopen(flags.output.c_str(), "wb"));
    if (!file) return Fail(base::Status::IoError("cannot write " + flags.output));
    out = file.get();
  }
  demo::DemoGenerator gen(o);
  std::string line;
  for (uint64_t i = 0; i < flags.count; ++i) {
    line = model::MentionToJsonLine(gen.Next());
    line += '\n';
    if (std::fwrite(line.data(), 1, line.size(), out) != line.size())
      return Fail(base::Status::IoError("write failed: " + flags.output));
  }
  if (std::fflush(out) != 0) return Fail(base::Status::IoError("write failed: " + flags.output));
  return 0;
}

}  // namespace ecoute::app
