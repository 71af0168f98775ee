// A supervised linear text classifier (fastText's model) in ecoute's own file.
//
// Training goes through Debian's libfasttext (softmax loss, word unigrams and
// bigrams hashed into buckets, one thread and a fixed seed, so the same data
// and options give the same bytes). The trained matrices are then copied into
// a LinearModel: only the rows training touched are kept (untouched bucket
// rows are fastText's random initialisation, noise at prediction time), and
// with min_bigram_lines > 1 only the bucket rows enough training lines
// touched. The input rows (vocabulary and kept bucket rows) are then
// quantised to int8 with one float scale per row (symmetric: scale =
// max|x| / 127, x ~ q * scale); the output matrix stays float. This happens
// in Train() itself, so a trained model and its Save/Load round trip predict
// bit-for-bit the same. Prediction is allocation-free.
//
// Predict() computes what fastText's predict gives for the same tokens (the
// average of the token rows, including the end-of-line token, times the
// output matrix, softmax), up to the int8 rounding of the input rows
// (linear_model_test checks this against libfasttext: within 0.02 per
// probability, and exactly when quantisation is switched off by the test
// hook). The deliberate difference: an n-gram whose bucket row was not kept
// (never touched by training, or touched by fewer than min_bigram_lines
// lines) counts in the average's divisor (as in fastText) but as a zero row,
// where fastText would add its random initial or trained row. (fastText's
// predict reports p + 1e-5.)
//
// File format (little-endian): magic "ECMODEL\0", uint32 format version
// (kLinearModelFormat), uint32 header length, JSON header (task, lang,
// labels, dim, bucket, word_ngrams, feature_version, trained_at, options,
// nwords, nbuckets, payload_bytes, payload_fnv1a64), then the payload:
//   varint nwords, then per word: varint byte length, bytes;
//   varint nbuckets, then the kept bucket ids ascending as varint deltas
//     (first id, then id[i] - id[i-1]);
//   float32 scale per input row ((nwords + nbuckets) of them; words first);
//   int8 input rows ((nwords + nbuckets) x dim, row-major);
//   float32 output matrix (labels x dim);
//   uint8 calibrator flag, then the Calibrator if 1.
// (varint: unsigned LEB128, at most 5 bytes.) payload_fnv1a64 is FNV-1a 64
// of the payload bytes. Load() refuses a wrong magic, an unknown version
// (version 1, float rows, included), a feature_version other than
// kFeatureVersion, a truncated file or a checksum mismatch, with an error
// naming the path.
//
// Tokens are passed to fastText as whitespace-free words: whitespace inside a
// token becomes '_', and a token that fastText would misread ("</s>", or one
// starting with "__label__") gets a leading '_'. Predict applies the same
// mapping, so callers never need to care. Empty tokens are ignored.
//
// Thread-safety: immutable after Train/Load; Predict is const and safe from
// any number of threads.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "classify/calibrator.h"

namespace ecoute::classify {

inline constexpr uint32_t kLinearModelFormat = 2;  // 2: int8 input rows with a scale per row

struct Example {
  std::vector<std::string> tokens;
  std::string label;
  float weight = 1;  // realised by repeating the line round(weight) times (>= 1)
};

struct LinearTrainOptions {
  int dim = 32;
  int epoch = 25;
  double lr = 0.5;
  int word_ngrams = 2;
  int bucket = 200000;
  int min_count = 1;
  int seed = 1;
  // An n-gram bucket row (bigram; also longer n-grams when word_ngrams > 2)
  // is kept only if at least this many distinct training lines touched it.
  // Lines are counted per Example: the repetitions a weight causes, and the
  // same n-gram twice in one line, count once; identical Examples count
  // separately. A dropped row counts as a zero vector, still counted in the
  // average's divisor, exactly like an untouched bucket. 1 keeps every
  // touched row. Vocabulary rows are governed by min_count, not this.
  int min_bigram_lines = 1;
  std::string scratch_dir;  // where the fastText training file goes; default: a temp dir
  // Recorded as "trained_at" in the file header; empty by default so that the
  // same data and options give byte-identical files (the CLI sets it).
  std::string trained_at;
};

// A feature's weight toward a label, for explanations.
struct Contribution {
  std::string feature;  // token, or "a b" for a bigram
  float weight = 0;     // contribution to the label's logit minus the mean of the others
};

class LinearModel {
 public:
  static base::Result<std::shared_ptr<const LinearModel>> Train(const std::vector<Example>& examples,
                                                                const LinearTrainOptions& options,
                                                                std::string task, std::string lang);
  static base::Result<std::shared_ptr<const LinearModel>> Load(const std::string& path);
  base::Status Save(const std::string& path) const;

  // A copy with `calibrator` attached (applied by Predict after the softmax),
  // sharing this model's matrices. The calibrator must be empty or have
  // labels().size() classes and at least that many inputs (CHECKed).
  std::shared_ptr<const LinearModel> WithCalibrator(Calibrator calibrator) const;

  const std::vector<std::string>& labels() const;
  const std::string& task() const;
  const std::string& lang() const;
  int LabelIndex(std::string_view label) const;  // -1 if absent

  // Raw fastText probabilities, one per label (labels() order), into `probs`
  // (resized). No calibration.
  void PredictRaw(const std::vector<std::string>& tokens, std::vector<float>* probs) const;
  // Calibrated probabilities: the calibrator (if any) sees log(max(raw, 1e-6))
  // followed by `dense` (may be empty if the calibrator was trained without;
  // labels + dense_size must equal the calibrator's inputs, else CHECK fails).
  // Without a calibrator this is PredictRaw.
  void Predict(const std::vector<std::string>& tokens, const float* dense, int dense_size,
               std::vector<float>* probs) const;
  // The `top` features that weighed most toward `label` (by |weight|; top < 0:
  // all). Duplicates are merged; the end-of-line token, n-grams involving it,
  // unknown words and untouched n-grams are left out. Empty if `label` is out
  // of range.
  std::vector<Contribution> Explain(const std::vector<std::string>& tokens, int label, int top) const;

  class Impl;
  explicit LinearModel(std::shared_ptr<const Impl> impl);
  ~LinearModel();

 private:
  std::shared_ptr<const Impl> impl_;
};

namespace internal {
// Test hook: the exact fastText training text Train() writes for `examples`
// (one "__label__<label> tok ...\n" line per repetition, shuffled with `seed`).
std::string FastTextTrainingText(const std::vector<Example>& examples, int seed);
// Test hook: Train() without the int8 quantisation (float input rows, exactly
// fastText's). Such a model predicts and explains but Save() refuses it.
base::Result<std::shared_ptr<const LinearModel>> TrainUnquantised(const std::vector<Example>& examples,
                                                                  const LinearTrainOptions& options,
                                                                  std::string task, std::string lang);
}  // namespace internal

}  // namespace ecoute::classify
