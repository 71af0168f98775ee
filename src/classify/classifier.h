// The understanding stage: sentiment, needs-a-reply, category, severity.
//
// A Classifier is loaded once from a models directory (models/ in the
// repository; see models/README.md) and then used by any number of threads:
//   1. language: the mention's (text stage); models exist for fr and en, a
//      multilingual sentiment model serves the others;
//   2. Featurize (features.h) and the cue rules (rules.h), once;
//   3. sentiment: the language's LinearModel + calibrator over lexicon
//      signals; "unknown" when the top probability is below
//      `unknown_below`; polarity = P(pos) - P(neg);
//   4. needs-a-reply: bilingual LinearModel (+ category cue tokens);
//   5. severity: score 0..100 from the severity model, the reasons the
//      rules found and the author's reach; the level follows the score with
//      floors favouring recall of critical (severity.h). A critical message
//      always needs a reply, whatever step 4 said;
//   6. category: only when a reply is needed, LinearModel over the same
//      tokens plus cue tokens; "none" otherwise.
// Explanations list the features, lexicon words and rules that weighed most
// for each label.
//
// Thread-safety: immutable after Load; Classify/Enrich are const and safe
// from any number of threads (per-call scratch is local or thread_local).
#pragma once

#include <memory>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "classify/features.h"
#include "classify/rules.h"
#include "model/mention.h"

namespace ecoute::classify {

struct CategoryDef {
  std::string name;      // [a-z0-9_]+
  std::string label_en;  // shown to users
  std::string label_fr;
  std::vector<std::string> examples;  // extra training messages (used by `ecoute train`)
};

// Default taxonomy (labels.h names with their FR/EN labels).
std::vector<CategoryDef> DefaultTaxonomy();

struct ClassifierOptions {
  std::string models_dir = "models";
  double unknown_below = 0.45;  // sentiment confidence under which the label is "unknown"
  double needs_reply_threshold = 0.4;
  std::vector<CueRule> extra_rules;  // added to DefaultRules()
  RuleOptions rules;
};

struct Explanation {
  struct Item {
    std::string feature;  // token, lexicon word, rule evidence
    float weight = 0;
    std::string kind;     // "token" | "lexicon" | "rule" | "signal"
  };
  std::vector<Item> sentiment, needs_reply, category, severity;
};

struct Result {
  std::string lang;
  std::string sentiment;  // negative | neutral | positive | unknown
  double sentiment_score = 0;     // probability of `sentiment` (of the top label when unknown)
  double sentiment_polarity = 0;  // [-1, 1]
  bool needs_reply = false;
  double needs_reply_score = 0;   // P(needs a reply)
  std::string category = "none";
  double category_score = 0;
  int severity = 0;
  std::string severity_level = "none";
  std::vector<std::string> severity_reasons;
  std::string best_category;  // with kAlwaysCategory: the category model's choice whatever needs_reply says
  Explanation explanation;  // filled only when asked
};

class Classifier {
 public:
  // Loads every model file and the lexicons. Errors name the file.
  static base::Result<std::shared_ptr<const Classifier>> Load(const ClassifierOptions& options);

  // Flags for Classify.
  static constexpr int kExplain = 1;         // fill Result::explanation
  static constexpr int kAlwaysCategory = 2;  // Result::best_category even when no reply is needed (eval)
  void Classify(const model::Mention& m, int flags, Result* out) const;
  // Classify() each mention and store the result in its Enrichment.
  void Enrich(std::span<model::Mention> batch) const;

  class Impl;
  explicit Classifier(std::unique_ptr<Impl> impl);
  ~Classifier();

 private:
  std::unique_ptr<Impl> impl_;
};

// The tokens the needs-reply, category and severity models read: the
// features' tokens, then "<cue:NAME>" per category cue and "<reason:NAME>"
// per severity reason that fired.
void CareTokens(const Features& f, const std::vector<CueHit>& hits, std::vector<std::string>* out);

// The text the models read: the title, a line break, the body (the body
// alone when there is no title). Uses `buf` when it must join.
std::string_view ModelText(const model::Mention& m, std::string* buf);

// Copies a Result into a mention's Enrichment (every label and score).
void ApplyResult(const Result& r, model::Enrichment* e);

}  // namespace ecoute::classify
