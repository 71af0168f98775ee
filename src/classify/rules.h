// Cue rules written in ecoute's query language (docs/query-language.md):
// severity reasons and category cues, per language, compiled into one
// match::Engine so one pass over a message finds every cue.
//
// A rule set is a list of (kind, name, lang, query): kind "reason" names a
// severity reason (labels.h), kind "category" a category of the taxonomy.
// `lang` is "fr", "en" or "*" (any language; a message whose language is
// unknown is checked against every rule). DefaultRules() is the shipped set
// (rules.cc); config may add rules and categories.
//
// Besides the query rules, DetectReasons adds the reasons that need numbers
// or style: repeated/long failure counted in the text ("3e fois",
// "depuis 2 semaines", "for 3 weeks", "third time"), anger from capitals and
// "!!!", and high_reach from the author's followers.
//
// Thread-safety: immutable after Build; Detect* are const and thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "match/engine.h"
#include "model/mention.h"

namespace ecoute::classify {

struct CueRule {
  std::string kind;  // "reason" | "category"
  std::string name;  // reason or category name
  std::string lang;  // "fr" | "en" | "*"
  std::string query;
};

std::vector<CueRule> DefaultRules();

// One rule that fired, for explanations.
struct CueHit {
  std::string kind;
  std::string name;
  std::string evidence;  // the matched text ("porter plainte"), or a description ("3 x '!'")
};

struct RuleOptions {
  int64_t high_reach_followers = 50000;
};

class RuleSet {
 public:
  // Errors name the rule: "rules[3] (reason legal_threat, fr): query: col 5: ...".
  static base::Result<std::shared_ptr<const RuleSet>> Build(std::vector<CueRule> rules, RuleOptions options);

  // All hits for `m` (kind "reason" and "category"), ordered by kind, name.
  // `lang` overrides m.language when not empty.
  void Detect(const model::Mention& m, std::vector<CueHit>* hits) const;

  size_t size() const;

  class Impl;
  explicit RuleSet(std::unique_ptr<Impl> impl);
  ~RuleSet();

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ecoute::classify
