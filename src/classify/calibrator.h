// Multinomial logistic regression over a few dense inputs: stacks a linear
// model's log-probabilities with lexicon/style signals and calibrates the
// result (its probabilities are what the API reports as scores).
//
// Train() is deterministic (full-batch gradient descent with L2 and a
// backtracking step starting at `lr`, at most `iterations` steps, no
// randomness). Inputs are standardised with the
// training mean/stddev, which are part of the model.
//
// Thread-safety: immutable after Train; Predict is const.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/status.h"

namespace ecoute::classify {

struct CalibratorOptions {
  double l2 = 1e-3;
  int iterations = 300;
  double lr = 0.5;
};

class Calibrator {
 public:
  Calibrator() = default;
  // rows[i] has `inputs` values; labels[i] in [0, classes); weights may be
  // empty (all 1). InvalidArgument on inconsistent sizes.
  static base::Result<Calibrator> Train(const std::vector<std::vector<float>>& rows,
                                        const std::vector<int>& labels, const std::vector<float>& weights,
                                        int classes, const CalibratorOptions& options);
  bool empty() const { return classes_ == 0; }
  int inputs() const { return inputs_; }
  int classes() const { return classes_; }
  // probs resized to classes(). `x` has inputs() values.
  void Predict(const float* x, std::vector<float>* probs) const;

  // Binary (de)serialisation used inside model files.
  void AppendTo(std::string* out) const;
  // Reads from data[*pos...]; advances *pos. Corruption on truncation or bad sizes.
  base::Status ReadFrom(const std::string& data, size_t* pos);

 private:
  int inputs_ = 0;
  int classes_ = 0;
  std::vector<float> mean_, scale_;  // per input
  std::vector<float> w_;             // classes x (inputs + 1), bias last
};

}  // namespace ecoute::classify
