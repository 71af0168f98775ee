// match_bench: compile time, memory and single-core throughput of the
// compiled query engine for 10 / 1,000 / 10,000 realistic queries over
// demo messages. Plain main; prints figures.
//
//   match_bench [messages=200000]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include "demo/generator.h"
#include "match/engine.h"
#include "match/parser.h"
#include "match/tokenize.h"

namespace {

using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point a, Clock::time_point b) { return std::chrono::duration<double>(b - a).count(); }

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

int main(int argc, char** argv) {
  using namespace ecoute;  // NOLINT: main of a benchmark
  const size_t messages = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200000;
  std::vector<model::Mention> corpus;
  corpus.reserve(messages);
  demo::DemoOptions opt;
  opt.messages_per_day = 100000;
  demo::DemoGenerator gen(opt);
  for (size_t i = 0; i < messages; ++i) corpus.push_back(gen.Next());

  // Baseline: tokenizing title + text once, which Match() also does.
  auto t0 = Clock::now();
  size_t tokens = 0;
  for (const model::Mention& m : corpus) tokens += match::Tokenize(m.title).size() + match::Tokenize(m.text).size();
  double tok_s = Seconds(t0, Clock::now());
  std::printf("corpus: %zu demo messages, %.1f tokens/message; tokenize alone: %.0f messages/s\n", messages,
              static_cast<double>(tokens) / static_cast<double>(messages), static_cast<double>(messages) / tok_s);

  double base_per_msg = 0;
  for (size_t n : {size_t{0}, size_t{10}, size_t{1000}, size_t{10000}}) {
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
    size_t matches = 0;
    auto m0 = Clock::now();
    for (const model::Mention& m : corpus) matches += (*engine)->Match(m).size();
    double match_s = Seconds(m0, Clock::now());
    double per_msg = match_s / static_cast<double>(messages);
    if (n == 10) base_per_msg = per_msg;
    std::printf(
        "%6zu queries: %zu leaves, %zu always-evaluated; compile %.3f s; RSS +%.1f MB; "
        "%.0f messages/s/core (%.2f us/message, x%.2f vs 10 queries); %.3f matches/message\n",
        n, (*engine)->distinct_leaves(), (*engine)->always_evaluated(), build_s,
        static_cast<double>(rss1 - rss0) / 1024.0, 1.0 / per_msg, per_msg * 1e6,
        base_per_msg > 0 ? per_msg / base_per_msg : 1.0, static_cast<double>(matches) / static_cast<double>(messages));
  }
  return 0;
}
