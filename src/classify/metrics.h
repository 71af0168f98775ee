// Classification metrics for `ecoute eval` and the model cards.
//
// Pure functions over (gold, predicted) label strings. A prediction missing
// from the gold label set (e.g. "unknown") counts as an error for the gold
// class and appears as its own column in the confusion matrix.
#pragma once

#include <map>
#include <string>
#include <vector>

namespace ecoute::classify {

struct ClassScores {
  std::string label;
  int support = 0;    // gold count
  int predicted = 0;  // predicted count
  double precision = 0, recall = 0, f1 = 0;
};

struct Scores {
  int n = 0;
  double accuracy = 0;
  double macro_f1 = 0;  // over the gold labels
  std::vector<ClassScores> classes;  // gold labels, in `labels` order
  std::vector<std::string> columns;  // confusion columns: labels then any other predicted
  std::vector<std::vector<int>> confusion;  // [gold][column]
  double ece = 0;  // expected calibration error, 10 bins, on the predicted label's confidence; 0 if no confidences
};

// `labels` fixes the row order (gold labels not in it are appended).
// `confidence` (may be empty) is the probability of each predicted label.
Scores Score(const std::vector<std::string>& gold, const std::vector<std::string>& predicted,
             const std::vector<double>& confidence, std::vector<std::string> labels);

// Text report: per-class table, macro-F1, accuracy, ECE, confusion matrix.
std::string FormatScores(const std::string& title, const Scores& s);

}  // namespace ecoute::classify
