// Stand-alone driver for a libFuzzer-style target (LLVMFuzzerTestOneInput),
// used where libFuzzer is not available (g++: `make test`, `make test-asan`).
// With clang, ECOUTE_FUZZ=ON links the targets with -fsanitize=fuzzer
// instead (scripts/fuzz.sh).
//
//   <target> [--seconds S] [--seed N|random] [--max-len N] [--timeout S]
//            [--out DIR] [PATH...]
//
// 1. Every PATH that is a file is run once; every PATH that is a directory
//    has each of its regular files run once (sorted by name) and they become
//    the seeds of step 2.
// 2. For S seconds (default $ECOUTE_FUZZ_SECONDS, else 5; 0 when only files
//    are given, i.e. replaying), inputs are drawn from an mt19937_64 seeded
//    with N (default $ECOUTE_FUZZ_SEED, else 1; "random" takes the clock):
//    a quarter are fresh fuzz::GenerateInput() inputs of the target, the
//    rest 1-4 mutations (bit flips, random bytes, inserted dictionary tokens
//    of fuzz::MutationTokens(), deletions, duplications, splices of other
//    seeds, changed numbers) of a seed or of a recent input, cut to
//    --max-len bytes (default 4096). The same seed gives the same sequence
//    of inputs (how far it gets depends on the time).
// Any crash (signal, sanitizer report, abort() of a failed check) or an
// input running longer than --timeout seconds (default 25) writes the input
// being run to DIR/<target>-failure-<seed> (DIR: --out, else
// $ECOUTE_FUZZ_OUT, else the working directory), prints that path and how
// to replay it (`<target> <path>`), and the process dies. Exit 0 otherwise.
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>
#include <vector>

#include "match/fuzz_support.h"

#if defined(__has_feature)
#if __has_feature(address_sanitizer) || __has_feature(undefined_behavior_sanitizer)
#define ECOUTE_FUZZ_SANITIZED 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define ECOUTE_FUZZ_SANITIZED 1
#endif
#if defined(ECOUTE_FUZZ_SANITIZED) && __has_include(<sanitizer/common_interface_defs.h>)
#include <sanitizer/common_interface_defs.h>
#define ECOUTE_FUZZ_DEATH_CALLBACK 1
#endif

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace ecoute::match::fuzz {
namespace {

// State read by the signal handler: set up before any input runs.
std::string g_current;   // the input being run
std::string g_artifact;  // where a failing input goes
std::string g_replay;    // "<argv0> <artifact>"
volatile sig_atomic_t g_saved = 0;

void WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w <= 0) return;
    p += w;
    n -= static_cast<size_t>(w);
  }
}

void Say(const char* s) { WriteAll(2, s, std::strlen(s)); }

// Async-signal-safe: writes g_current to g_artifact once.
void SaveCurrent() {
  if (g_saved) return;
  g_saved = 1;
  int fd = open(g_artifact.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (fd < 0) {
    Say("\nfuzz_driver: cannot write the failing input to ");
    Say(g_artifact.c_str());
    Say("\n");
    return;
  }
  WriteAll(fd, g_current.data(), g_current.size());
  close(fd);
  Say("\nfuzz_driver: failing input written to ");
  Say(g_artifact.c_str());
  Say("\nfuzz_driver: replay with: ");
  Say(g_replay.c_str());
  Say("\n");
}

void OnSignal(int sig) {
  if (sig == SIGALRM) {
    Say("\nfuzz_driver: timeout: one input ran longer than --timeout\n");
  } else if (sig != SIGABRT) {
    Say("\nfuzz_driver: crashed with a signal\n");
  }
  SaveCurrent();
  const int again = sig == SIGALRM ? SIGABRT : sig;
  signal(again, SIG_DFL);
  raise(again);
}

#if defined(ECOUTE_FUZZ_DEATH_CALLBACK)
void OnSanitizerDeath() { SaveCurrent(); }
#endif

void InstallHandlers() {
  std::vector<int> sigs = {SIGABRT, SIGALRM};
#if !defined(ECOUTE_FUZZ_SANITIZED)
  // Under sanitizers these are reported by the sanitizer, which then calls
  // the death callback.
  sigs.insert(sigs.end(), {SIGSEGV, SIGBUS, SIGFPE, SIGILL});
#endif
  for (int s : sigs) {
    struct sigaction sa = {};
    sa.sa_handler = OnSignal;
    sigemptyset(&sa.sa_mask);
    sigaction(s, &sa, nullptr);
  }
#if defined(ECOUTE_FUZZ_DEATH_CALLBACK)
  __sanitizer_set_death_callback(OnSanitizerDeath);
#endif
}

unsigned g_timeout = 25;

void RunOne(const std::string& input) {
  g_current = input;
  alarm(g_timeout);
  LLVMFuzzerTestOneInput(reinterpret_cast<const uint8_t*>(g_current.data()), g_current.size());
  alarm(0);
}

bool ReadFile(const std::filesystem::path& p, std::string& out) {
  std::ifstream in(p, std::ios::binary);
  if (!in) return false;
  out.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  return true;
}

std::string Mutate(Rng& rng, std::string s, const std::vector<std::string>& pool, size_t max_len) {
  static const std::vector<std::string> kNumbers = {
      "0", "1", "2", "50", "51", "999", "1000", "1001", "-1", "2147483647", "2147483648", "99999999999999999999"};
  const size_t steps = 1 + Pick(rng, 4);
  for (size_t k = 0; k < steps; ++k) {
    const size_t at = Pick(rng, s.size() + 1);  // insertion point, may be s.size()
    switch (Pick(rng, 9)) {
      case 0:
        if (!s.empty()) s[Pick(rng, s.size())] ^= static_cast<char>(1u << Pick(rng, 8));
        break;
      case 1:
        if (!s.empty()) s[Pick(rng, s.size())] = static_cast<char>(rng());
        break;
      case 2:
      case 3:
        s.insert(at, PickFrom(rng, MutationTokens()));
        break;
      case 4:
        if (!s.empty()) s.erase(Pick(rng, s.size()), 1 + Pick(rng, 8));
        break;
      case 5:
        if (!s.empty()) {
          const size_t b = Pick(rng, s.size());
          s.insert(at, s.substr(b, 1 + Pick(rng, 16)));
        }
        break;
      case 6: {  // splice: our head, another input's tail
        const std::string& o = PickFrom(rng, pool);
        s = s.substr(0, at) + o.substr(Pick(rng, o.size() + 1));
        break;
      }
      case 7: {  // a piece of another input
        const std::string& o = PickFrom(rng, pool);
        const size_t b = Pick(rng, o.size() + 1);
        s.insert(at, o.substr(b, 1 + Pick(rng, 24)));
        break;
      }
      default: {  // a number replaced by an interesting one
        size_t d = s.find_first_of("0123456789", Pick(rng, s.size() + 1));
        if (d == std::string::npos) d = s.find_first_of("0123456789");
        if (d == std::string::npos) {
          s.insert(at, PickFrom(rng, kNumbers));
        } else {
          size_t e = d;
          while (e < s.size() && s[e] >= '0' && s[e] <= '9') ++e;
          s.replace(d, e - d, PickFrom(rng, kNumbers));
        }
      }
    }
  }
  if (s.size() > max_len) s.resize(max_len);
  return s;
}

[[noreturn]] void Usage(const char* argv0, const std::string& why) {
  std::fprintf(stderr,
               "%s: %s\nusage: %s [--seconds S] [--seed N|random] [--max-len N] [--timeout S] [--out DIR] "
               "[PATH...]\n",
               argv0, why.c_str(), argv0);
  std::exit(2);
}

bool ParseUnsigned(std::string_view s, uint64_t& out) {
  if (s.empty() || s.size() > 19) return false;
  out = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<uint64_t>(c - '0');
  }
  return true;
}

int Main(int argc, char** argv) {
  const std::string target = std::filesystem::path(argv[0]).filename().string();
  auto env = [](const char* name) -> std::string {
    const char* v = std::getenv(name);
    return v == nullptr ? "" : v;
  };
  std::string seconds_arg = env("ECOUTE_FUZZ_SECONDS");
  std::string seed_arg = env("ECOUTE_FUZZ_SEED");
  std::string out_dir = env("ECOUTE_FUZZ_OUT");
  uint64_t max_len = 4096;
  bool seconds_given = !seconds_arg.empty();
  std::vector<std::string> paths;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Usage(argv[0], a + " needs a value");
      return argv[++i];
    };
    if (a == "--seconds") {
      seconds_arg = value();
      seconds_given = true;
    } else if (a == "--seed") {
      seed_arg = value();
    } else if (a == "--max-len") {
      if (!ParseUnsigned(value(), max_len) || max_len == 0) Usage(argv[0], "bad --max-len");
    } else if (a == "--timeout") {
      uint64_t t = 0;
      if (!ParseUnsigned(value(), t) || t == 0 || t > 3600) Usage(argv[0], "bad --timeout");
      g_timeout = static_cast<unsigned>(t);
    } else if (a == "--out") {
      out_dir = value();
    } else if (a.starts_with("-")) {
      Usage(argv[0], "unknown flag " + a);
    } else {
      paths.push_back(a);
    }
  }

  std::vector<std::filesystem::path> files, seed_files;
  for (const std::string& p : paths) {
    std::error_code ec;
    if (std::filesystem::is_directory(p, ec)) {
      std::vector<std::filesystem::path> in_dir;
      for (const auto& e : std::filesystem::directory_iterator(p, ec)) {
        if (e.is_regular_file()) in_dir.push_back(e.path());
      }
      std::sort(in_dir.begin(), in_dir.end());
      files.insert(files.end(), in_dir.begin(), in_dir.end());
      seed_files.insert(seed_files.end(), in_dir.begin(), in_dir.end());
    } else if (std::filesystem::is_regular_file(p, ec)) {
      files.push_back(p);
    } else {
      Usage(argv[0], "no such file or directory: " + p);
    }
  }
  uint64_t seconds = 0;
  if (!seconds_given) {
    seconds = paths.empty() || !seed_files.empty() ? 5 : 0;
  } else if (!ParseUnsigned(seconds_arg, seconds)) {
    Usage(argv[0], "bad --seconds / ECOUTE_FUZZ_SECONDS: " + seconds_arg);
  }
  uint64_t seed = 1;
  if (seed_arg == "random") {
    seed = static_cast<uint64_t>(std::chrono::system_clock::now().time_since_epoch().count()) % 1000000000;
  } else if (!seed_arg.empty() && !ParseUnsigned(seed_arg, seed)) {
    Usage(argv[0], "bad --seed / ECOUTE_FUZZ_SEED: " + seed_arg);
  }

  std::filesystem::path artifact =
      std::filesystem::path(out_dir.empty() ? "." : out_dir) / (target + "-failure-" + std::to_string(seed));
  g_artifact = std::filesystem::absolute(artifact).lexically_normal().string();
  g_replay = std::string(argv[0]) + " " + g_artifact;
  g_current.reserve(max_len + 64);
  InstallHandlers();
  std::printf(
      "fuzz_driver: %s: %zu input files, then %llu s of generated/mutated inputs, seed %llu "
      "(rerun: %s --seed %llu --seconds %llu%s)\n",
      target.c_str(), files.size(), static_cast<unsigned long long>(seconds), static_cast<unsigned long long>(seed),
      argv[0], static_cast<unsigned long long>(seed), static_cast<unsigned long long>(seconds),
      paths.empty() ? "" : " PATH...");
  std::fflush(stdout);

  const auto start = std::chrono::steady_clock::now();
  std::vector<std::string> pool;
  for (const auto& f : files) {
    std::string data;
    if (!ReadFile(f, data)) Usage(argv[0], "cannot read " + f.string());
    RunOne(data);
    if (data.size() > max_len) data.resize(max_len);
    pool.push_back(std::move(data));
  }
  const size_t seeds = pool.size();

  Rng rng(seed);
  std::vector<std::string> recent;  // ring of the last kRecent random inputs
  constexpr size_t kRecent = 256;
  uint64_t runs = 0;
  const auto deadline = start + std::chrono::seconds(seconds);
  while (seconds > 0 && std::chrono::steady_clock::now() < deadline) {
    std::string input;
    const size_t how = Pick(rng, 8);
    if (pool.empty() || how < 2) {
      input = GenerateInput(rng);
      if (input.size() > max_len) input.resize(max_len);
    } else {
      const std::string& base = how < 4 && !recent.empty() ? PickFrom(rng, recent) : PickFrom(rng, pool);
      input = Mutate(rng, base, pool.empty() ? recent : pool, max_len);
    }
    RunOne(input);
    ++runs;
    if (recent.size() < kRecent) {
      recent.push_back(std::move(input));
    } else {
      recent[Pick(rng, kRecent)] = std::move(input);
    }
    if (pool.empty()) pool.push_back(recent.back());
  }
  const double took = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("fuzz_driver: %s: OK: %zu input files (%zu seeds) + %llu random inputs in %.1f s, seed %llu\n",
              target.c_str(), files.size(), seeds, static_cast<unsigned long long>(runs), took,
              static_cast<unsigned long long>(seed));
  return 0;
}

}  // namespace
}  // namespace ecoute::match::fuzz

int main(int argc, char** argv) { return ecoute::match::fuzz::Main(argc, argv); }
