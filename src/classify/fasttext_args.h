// Internal to classify: the libfasttext arguments LinearModel::Train uses,
// shared with linear_model_test (which trains a reference model with the
// very same arguments to compare predictions).
#pragma once

#include <fasttext/args.h>

#include <string>

#include "classify/linear_model.h"

namespace ecoute::classify::internal {

// Supervised softmax model, word n-grams only (no sub-words), one thread,
// the options' seed, silent; `input` is the training file.
inline fasttext::Args FastTextArgs(const LinearTrainOptions& options, const std::string& input) {
  fasttext::Args a;
  a.input = input;
  a.output = input + ".unused";
  a.model = fasttext::model_name::sup;
  a.loss = fasttext::loss_name::softmax;
  a.dim = options.dim;
  a.epoch = options.epoch;
  a.lr = options.lr;
  a.wordNgrams = options.word_ngrams;
  a.bucket = options.bucket;
  a.minCount = options.min_count;
  a.minCountLabel = 0;
  a.minn = 0;
  a.maxn = 0;
  a.thread = 1;
  a.seed = options.seed;
  a.verbose = 0;
  return a;
}

}  // namespace ecoute::classify::internal
