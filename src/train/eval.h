// Scores of a Classifier on labelled messages, per language: what
// `ecoute eval FILE` prints and what the model cards record.
//
// Each row is classified as the product would (a Mention with the row's
// text, channel and declared language; rows without a language get the
// text stage's detection). Sentiment is scored on rows with a gold
// sentiment ("unknown" counts as wrong); needs-a-reply on rows with `cr`;
// category on rows whose gold `cr` is true, with the category model's
// choice (as if the reply stage had said yes), so the two stages are
// measured apart, macro-F1 over the categories the set has; severity on rows with a gold level.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "classify/classifier.h"
#include "classify/metrics.h"
#include "train/datasets.h"

namespace ecoute::train {

struct EvalReport {
  // key: task ("sentiment", "needs_reply", "category", "severity") then
  // language ("fr", "en", ..., "all").
  std::map<std::string, std::map<std::string, classify::Scores>> scores;
  size_t rows = 0;
};

EvalReport Evaluate(const classify::Classifier& c, const std::vector<LabeledText>& rows,
                    const std::vector<std::string>& categories);

// Cross-language consistency on a parallel set (rows sharing `pair`): per
// label field ("sentiment", "needs_reply", "category", "severity_level"),
// the share of pairs whose messages all got the same predicted value.
struct Agreement {
  size_t pairs = 0;
  std::map<std::string, double> by_field;
  double all_fields = 0;  // pairs that agree on every field
};
Agreement CrossLanguageAgreement(const classify::Classifier& c, const std::vector<LabeledText>& rows);
std::string FormatAgreement(const Agreement& a);

// The report as text: one FormatScores block per task and language.
std::string FormatReport(const std::string& title, const EvalReport& r);

}  // namespace ecoute::train
