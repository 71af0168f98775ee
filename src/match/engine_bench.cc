// match_bench: compile time, memory and single-core throughput of the
// compiled query engine for 10 / 1,000 / 10,000 realistic queries over
// demo messages, with the time per message of each step of Match(). Plain
// main; prints figures.
//
//   match_bench [messages=200000] [query counts...=0 10 1000 10000]
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "demo/generator.h"
#include "match/engine.h"
#include "match/engine_internal.h"
#include "match/parser.h"
#include "match/token_stream.h"
#include "match/tokenize.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

// CPU time of the calling thread: what "per core" means on a shared machine.
double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

long RssKb() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::atol(line.c_str() + 6);
  }
  return 0;
}

// Deterministic invented brand names: "kalomi", "tesuvra" ...
std::string SyntheticBrand(size_t i) {
  static const char* kSyl[] = {"ka", "lo",  "mi",  "te", "su", "vra", "no",  "zi",  "pel", "dor",
                               "ax", "qui", "ber", "fa", "ru", "xo",  "len", "tri", "go",  "sa"};
  std::string s;
  size_t x = i + 7;
  for (int k = 0; k < 3 || x > 0; ++k) {
    s += kSyl[x % 20];
    x /= 20;
  }
  return s;
}

std::vector<std::string> MakeQueries(size_t n) {
  const auto& demo = ecoute::demo::DemoBrands();
  static const char* kTopics[] = {"(livraison OR colis OR livr* OR delivery OR parcel OR retard OR late)",
                                  "(rembours* OR refund OR \"service client\" OR \"customer service\" OR sav)",
                                  "(panne OR outage OR coupure OR \"ne marche plus\" OR broken OR bug*)",
                                  "(facture OR factur* OR billing OR invoice OR prélèvement OR \"double charge\")",
                                  "(résiliation OR resilier OR cancel* OR désabonnement)",
                                  "(appli OR app OR \"mot de passe\" OR password OR login OR connexion)"};
  static const char* kNots[] = {"(emploi OR job OR recrute OR hiring)", "(concours OR giveaway)", "#pub"};
  std::vector<std::string> out;
  const size_t synthetic = n / 2 + 1;
  for (size_t i = 0; i < n; ++i) {
    size_t b = i % (demo.size() + synthetic);
    std::string brand;
    std::string name;
    if (b < demo.size()) {
      name = demo[b].name;
      brand = "(" + name + " OR @" + demo[b].handle + " OR #" + name;
      if (!demo[b].care_handle.empty()) brand += " OR @" + demo[b].care_handle;
      brand += ")";
    } else {
      name = SyntheticBrand(b);
      brand =
          "(" + name + " OR \"" + name.substr(0, 3) + " " + name.substr(3) + "\" OR #" + name + " OR @" + name + "_fr)";
    }
    std::string topic = kTopics[i % 6];
    std::string q;
    switch (i % 5) {
      case 0:
        q = brand + " AND " + topic;
        break;
      case 1:
        q = brand + " AND " + topic + " NOT " + kNots[i % 3];
        break;
      case 2:
        q = name + " NEAR/5 " + topic;
        break;
      case 3:
        q = brand + " AND " + topic + " lang:fr";
        break;
      default:
        q = brand + " channel:twitter -" + std::string(kNots[i % 3]);
        break;
    }
    out.push_back(q);
  }
  return out;
}

}  // namespace

// `match_bench --yaml N`: the same N realistic queries as an ecoute.yaml
// `queries:` section (for the end-to-end import bench in scripts/bench.sh).
int PrintYaml(size_t n) {
  std::printf("queries:\n");
  const std::vector<std::string> queries = MakeQueries(n);
  for (size_t i = 0; i < queries.size(); ++i) {
    std::string quoted;
    for (char c : queries[i]) quoted += c == '\'' ? std::string("''") : std::string(1, c);
    std::printf("  - name: bench_%zu\n    query: '%s'\n", i, quoted.c_str());
  }
  return 0;
}

int main(int argc, char** argv) {
  using namespace ecoute;  // NOLINT: main of a benchmark
  if (argc == 3 && std::string_view(argv[1]) == "--yaml") return PrintYaml(std::strtoul(argv[2], nullptr, 10));
  const size_t messages = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200000;
  std::vector<model::Mention> corpus;
  corpus.reserve(messages);
  demo::DemoOptions opt;
  opt.messages_per_day = 100000;
  demo::DemoGenerator gen(opt);
  for (size_t i = 0; i < messages; ++i) corpus.push_back(gen.Next());

  std::vector<size_t> counts;
  for (int a = 2; a < argc; ++a) counts.push_back(std::strtoul(argv[a], nullptr, 10));
  if (counts.empty()) counts = {0, 10, 1000, 10000};

  // Baselines: the public Tokenize() (reference matcher, parser) and the
  // engine's TokenStream, over title + text.
  double t0 = CpuSeconds();
  size_t tokens = 0;
  for (const model::Mention& m : corpus) tokens += match::Tokenize(m.title).size() + match::Tokenize(m.text).size();
  double tok_s = CpuSeconds() - t0;
  match::internal::TokenStream stream;
  size_t stream_tokens = 0;
  double s0 = CpuSeconds();
  for (const model::Mention& m : corpus) {
    stream.Clear();
    stream.Append(m.title);
    stream.Append(m.text);
    stream_tokens += stream.size();
  }
  double stream_s = CpuSeconds() - s0;
  if (stream_tokens != tokens) {
    std::fprintf(stderr, "TokenStream gave %zu tokens, Tokenize %zu\n", stream_tokens, tokens);
    return 1;
  }
  std::printf(
      "corpus: %zu demo messages, %.1f tokens/message; Tokenize(): %.0f messages/s/core; engine TokenStream: %.0f "
      "messages/s/core (%.0f ns/message)\n",
      messages, static_cast<double>(tokens) / static_cast<double>(messages), static_cast<double>(messages) / tok_s,
      static_cast<double>(messages) / stream_s, stream_s * 1e9 / static_cast<double>(messages));

  double base_per_msg = 0;
  for (size_t n : counts) {
    std::vector<std::string> texts = MakeQueries(n);
    std::vector<match::CompiledQuery> qs;
    for (size_t i = 0; i < texts.size(); ++i) {
      auto q = match::Parse(texts[i]);
      if (!q.ok()) {
        std::fprintf(stderr, "query %zu [%s]: %s\n", i, texts[i].c_str(), q.status().ToString().c_str());
        return 1;
      }
      qs.push_back({static_cast<int64_t>(i + 1), "q" + std::to_string(i + 1), *std::move(q)});
    }
    long rss0 = RssKb();
    auto b0 = Clock::now();
    auto engine = match::Engine::Build(std::move(qs), nullptr);
    double build_s = Seconds(b0, Clock::now());
    if (!engine.ok()) {
      std::fprintf(stderr, "build: %s\n", engine.status().ToString().c_str());
      return 1;
    }
    long rss1 = RssKb();
    // Best of three passes (the machine is shared): CPU time of this thread,
    // and wall time of the same pass.
    size_t matches = 0;
    double per_msg = 1e9;
    double wall_per_msg = 0;
    for (int pass = 0; pass < 3; ++pass) {
      matches = 0;
      auto w0 = Clock::now();
      double c0 = CpuSeconds();
      for (const model::Mention& m : corpus) matches += (*engine)->Match(m).size();
      double cpu = (CpuSeconds() - c0) / static_cast<double>(messages);
      if (cpu < per_msg) {
        per_msg = cpu;
        wall_per_msg = Seconds(w0, Clock::now()) / static_cast<double>(messages);
      }
    }
    if (n == 10) base_per_msg = per_msg;
    std::printf(
        "%6zu queries: %zu leaves, %zu always-evaluated; compile %.3f s; RSS +%.1f MB; "
        "%.0f messages/s/core (%.2f us/message CPU, %.2f wall; x%.2f vs 10 queries); %.3f matches/message\n",
        n, (*engine)->distinct_leaves(), (*engine)->always_evaluated(), build_s,
        static_cast<double>(rss1 - rss0) / 1024.0, 1.0 / per_msg, per_msg * 1e6, wall_per_msg * 1e6,
        base_per_msg > 0 ? per_msg / base_per_msg : 1.0, static_cast<double>(matches) / static_cast<double>(messages));
    match::internal::MatchPhaseNs p = match::internal::EngineAccess::Profile(**engine, corpus);
    std::printf(
        "        per message (wall, clock reads included): tokenize %.0f ns, scan %.0f ns, hits %.0f ns, "
        "evaluate %.0f ns, reset %.0f ns; %.2f queries evaluated\n",
        p.tokenize, p.scan, p.hits, p.evaluate, p.reset, p.evaluated);
  }
  return 0;
}
