// `ecoute train`: rebuilds every understanding model from the labelled
// data, reproducibly, and writes a model card beside each model file.
//
// Inputs: the project's hand-written customer-care set (train split), the
// public sets in ../shared/data (xlmt-sentiment train, the airline tweets
// minus a held-out fifth, French TV reviews, Spotify care tweets), the
// labels users corrected in the store and the taxonomy's examples (both in
// `extra`, weighted up); then weak labels on the unlabelled French care
// tweets of free-fr-tweets (the first models' confident predictions) for a
// second round of the French sentiment, needs-a-reply and category models.
// Outputs under `models_dir`: sentiment-{fr,en,xx},
// needs_reply, category, severity (.ecm) and one <name>.md card each with
// the data, its licence, the scores on data the model never trained on
// (xlmt val, airline held-out fifth, customer-care test, the French/English
// parallel set and its cross-language agreement), the date and the
// command. `models_dir/lexicons` must hold the shipped lexicons.
//
// Deterministic: the same inputs and seed give the same model bytes (one
// fastText thread, seeded shuffles, no clock in the model files except
// TrainOptions::trained_at).
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "classify/rules.h"
#include "train/datasets.h"
#include "train/eval.h"

namespace ecoute::train {

struct TrainOptions {
  std::string shared_data;  // ../shared/data
  std::string care_dir;     // training/customer-care
  std::string models_dir;   // output (and lexicons/ input)
  int seed = 1;
  // Small dims, few epochs, subsets of the public data: for tests only.
  bool quick = false;
  std::vector<LabeledText> extra;              // corrections and taxonomy examples
  std::vector<classify::CueRule> extra_rules;  // as the classifier will use
  std::vector<std::string> categories;         // taxonomy names (default taxonomy when empty)
  std::string trained_at;                      // recorded in the cards ("2026-12-01")
  std::string command;                         // recorded in the cards
  std::function<void(const std::string&)> log;  // progress lines; may be empty
};

struct ModelReport {
  std::string file;   // "sentiment-fr.ecm"
  std::string task;
  size_t examples = 0;
  std::map<std::string, size_t> origins;  // dataset -> rows used
  double seconds = 0;
  uint64_t bytes = 0;
};

struct TrainSummary {
  std::vector<ModelReport> models;
  std::vector<std::pair<std::string, EvalReport>> evals;  // eval set name -> scores
  Agreement parallel;  // on care_dir/parallel/*.jsonl (0 pairs when absent)
  double seconds = 0;
};

base::Result<TrainSummary> TrainAll(const TrainOptions& options);

}  // namespace ecoute::train
