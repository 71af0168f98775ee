// Throughput of the understanding stage on demo messages, one thread:
// model load time, then per message Featurize, the cue rules, and the whole
// Classify (all four tasks), in CPU time.
//
//   classifier_bench [MESSAGES] [MODELS_DIR]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>
#include <vector>

#include "classify/classifier.h"
#include "demo/generator.h"
#include "text/text.h"

namespace {

double CpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace ecoute;  // NOLINT: main of a benchmark
  const size_t messages = argc > 1 ? std::strtoul(argv[1], nullptr, 10) : 200000;
  classify::ClassifierOptions o;
  o.models_dir = argc > 2 ? argv[2] : ECOUTE_SOURCE_DIR "/models";

  const auto l0 = std::chrono::steady_clock::now();
  auto clf = classify::Classifier::Load(o);
  const double load_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - l0).count();
  if (!clf.ok()) {
    std::fprintf(stderr, "%s\n", clf.status().ToString().c_str());
    return 1;
  }
  std::vector<model::Mention> corpus;
  corpus.reserve(messages);
  demo::DemoOptions opt;
  opt.messages_per_day = 100000;
  demo::DemoGenerator gen(opt);
  for (size_t i = 0; i < messages; ++i) {
    corpus.push_back(gen.Next());
    text::Analyze(corpus.back());
  }
  auto lex = classify::Lexicons::Load(o.models_dir + "/lexicons");
  auto rules = classify::RuleSet::Build(classify::DefaultRules(), {});
  if (!lex.ok() || !rules.ok()) return 1;

  classify::Features f;
  double t0 = CpuSeconds();
  size_t tokens = 0;
  for (const model::Mention& m : corpus) {
    classify::Featurize(m.text, m.language, **lex, &f);
    tokens += f.tokens.size();
  }
  const double feat_s = CpuSeconds() - t0;

  std::vector<classify::CueHit> hits;
  size_t nhits = 0;
  t0 = CpuSeconds();
  for (const model::Mention& m : corpus) {
    hits.clear();
    (*rules)->Detect(m, &hits);
    nhits += hits.size();
  }
  const double rules_s = CpuSeconds() - t0;

  classify::Result r;
  size_t replies = 0;
  t0 = CpuSeconds();
  for (const model::Mention& m : corpus) {
    (*clf)->Classify(m, 0, &r);
    replies += r.needs_reply;
  }
  const double all_s = CpuSeconds() - t0;

  t0 = CpuSeconds();
  const size_t explained = std::min<size_t>(corpus.size(), 20000);
  for (size_t i = 0; i < explained; ++i) (*clf)->Classify(corpus[i], classify::Classifier::kExplain, &r);
  const double explain_s = CpuSeconds() - t0;

  const double n = static_cast<double>(messages);
  std::printf("models loaded in %.3f s from %s\n", load_s, o.models_dir.c_str());
  std::printf("%zu demo messages, %.1f tokens each, %.2f cue hits each, %.1f%% need a reply\n", messages,
              static_cast<double>(tokens) / n, static_cast<double>(nhits) / n, 100.0 * static_cast<double>(replies) / n);
  std::printf("featurize            %10.0f msgs/s/core\n", n / feat_s);
  std::printf("cue rules            %10.0f msgs/s/core\n", n / rules_s);
  std::printf("classify (4 tasks)   %10.0f msgs/s/core\n", n / all_s);
  std::printf("classify + explain   %10.0f msgs/s/core\n", static_cast<double>(explained) / explain_s);
  return 0;
}
