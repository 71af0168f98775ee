// LinearModel: training through libfasttext, prediction and storage in our
// own compact form.
//
// fastText 0.9.2 semantics reproduced here (Dictionary::getLine with labels,
// supervised model, minn = maxn = 0):
//   - a line is split on ' ' '\n' '\r' '\t' '\v' '\f' '\0'; the '\n' ending
//     the line yields the word "</s>" (EOS), which is an ordinary vocabulary
//     word (it is counted once per training line) and ends the line;
//   - every token of word type (i.e. not starting with "__label__") pushes
//     its hash h = FNV-1a 32 (each byte cast through int8_t, then uint32) to
//     word_hashes, whether or not it is in the vocabulary, EOS included; a
//     vocabulary word also pushes its id; an OOV word pushes nothing else
//     (no subwords when maxn = 0);
//   - word n-grams: word_hashes are int32; for each i, h = uint64(int64(
//     hashes[i])) (sign-extended), then for j = i+1 .. i+n-1:
//     h = h * 116049371 + uint64(int64(hashes[j])), id = nwords + h % bucket;
//     so with n = 2 the last bigram is (last token, EOS);
//   - the hidden vector is the mean of the rows of all pushed ids (the
//     divisor counts OOV-free ids only: vocabulary words + all n-grams),
//     logits = output * hidden, softmax.
// Our deliberate deviations: bucket rows that training never touched are
// fastText's random initialisation; we drop them (and, with
// min_bigram_lines > 1, the rows too few lines touched) and treat them as
// zero vectors (still counted in the divisor). The input rows are stored as
// int8 with a float scale per row; prediction and Explain both use the
// dequantised values float(q) * scale.
#include "classify/linear_model.h"

#include "classify/fasttext_args.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <system_error>

#include <fasttext/fasttext.h>
#include <nlohmann/json.hpp>

#include "classify/features.h"

namespace ecoute::classify {

static_assert(std::endian::native == std::endian::little, "model files are little-endian");

namespace {

constexpr char kMagic[8] = {'E', 'C', 'M', 'O', 'D', 'E', 'L', '\0'};
constexpr std::string_view kLabelPrefix = "__label__";
constexpr std::string_view kEos = "</s>";

// fastText's Dictionary::hash.
inline uint32_t FtHash(std::string_view s) {
  uint32_t h = 2166136261u;
  for (char c : s) {
    h = h ^ uint32_t(int8_t(c));
    h = h * 16777619u;
  }
  return h;
}

uint64_t Fnv1a64(const char* data, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; ++i) {
    h ^= uint8_t(data[i]);
    h *= 1099511628211ull;
  }
  return h;
}

inline bool IsFtSpace(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\v' || c == '\f' || c == '\0';
}

inline bool NeedsSanitize(std::string_view t) {
  if (t == kEos || t.starts_with(kLabelPrefix)) return true;
  for (char c : t)
    if (IsFtSpace(c)) return true;
  return false;
}

// The word fastText sees for token `t` (see the header).
void Sanitize(std::string_view t, std::string* out) {
  out->clear();
  if (t == kEos || t.starts_with(kLabelPrefix)) out->push_back('_');
  for (char c : t) out->push_back(IsFtSpace(c) ? '_' : c);
}

std::string SanitizedCopy(std::string_view t) {
  std::string s;
  Sanitize(t, &s);
  return s;
}

// Open-addressing table uint32 key -> int32 value (linear probing). For the
// vocabulary the key is the word's FNV hash and the caller compares strings.
class FlatTable {
 public:
  void Init(size_t n) {
    size_t cap = 16;
    int bits = 4;
    while (cap < n * 2) {
      cap <<= 1;
      ++bits;
    }
    slots_.assign(cap, Slot{0, -1});
    mask_ = uint32_t(cap - 1);
    shift_ = 32 - bits;
  }
  void Insert(uint32_t key, int32_t value) {
    uint32_t i = Start(key);
    while (slots_[i].value >= 0) i = (i + 1) & mask_;
    slots_[i] = Slot{key, value};
  }
  // Calls match(value) for each slot with `key` until it returns true; returns
  // that value or -1.
  template <typename Match>
  int32_t Find(uint32_t key, Match match) const {
    uint32_t i = Start(key);
    while (true) {
      const Slot& s = slots_[i];
      if (s.value < 0) return -1;
      if (s.key == key && match(s.value)) return s.value;
      i = (i + 1) & mask_;
    }
  }
  int32_t Find(uint32_t key) const {
    return Find(key, [](int32_t) { return true; });
  }

 private:
  struct Slot {
    uint32_t key;
    int32_t value;
  };
  uint32_t Start(uint32_t key) const { return (key * 0x9E3779B1u) >> shift_; }
  std::vector<Slot> slots_;
  uint32_t mask_ = 0;
  int shift_ = 28;
};

// The immutable matrices, shared between a model and its calibrated copies.
struct Weights {
  std::string task, lang, trained_at;
  std::string options_json;  // training options, as recorded in the header
  std::vector<std::string> labels;
  int dim = 0;
  int bucket = 0;
  int word_ngrams = 1;
  std::vector<std::string> words;    // vocabulary, index = input row
  std::vector<uint32_t> buckets;     // kept bucket ids, ascending; row = nwords + index
  // Input rows, (words + buckets) x dim: int8 with a scale per row, or (only
  // in unquantised test models, which cannot be saved) float.
  bool quantised = true;
  std::vector<int8_t> qinput;
  std::vector<float> scales;
  std::vector<float> input;
  std::vector<float> output;         // labels x dim
  FlatTable word_table;              // FtHash(word) -> word index
  FlatTable bucket_table;            // bucket id -> bucket index
  uint32_t eos_hash = 0;
  int32_t eos_row = -1;

  void BuildTables() {
    word_table.Init(words.size());
    for (size_t i = 0; i < words.size(); ++i) word_table.Insert(FtHash(words[i]), int32_t(i));
    bucket_table.Init(buckets.size());
    for (size_t i = 0; i < buckets.size(); ++i) bucket_table.Insert(buckets[i], int32_t(i));
    eos_hash = FtHash(kEos);
    eos_row = WordRow(kEos, eos_hash);
  }
  int32_t WordRow(std::string_view w, uint32_t h) const {
    return word_table.Find(h, [&](int32_t v) { return words[size_t(v)] == w; });
  }
  // Input row of bucket id `b`, or -1 if dropped.
  int32_t BucketRow(uint32_t b) const {
    int32_t i = bucket_table.Find(b);
    return i < 0 ? -1 : int32_t(words.size()) + i;
  }
  size_t nrows() const { return words.size() + buckets.size(); }
  // Row `r` as used by prediction (dequantised), into out[0..dim).
  void RowValues(int32_t r, float* out) const {
    if (quantised) {
      const int8_t* q = qinput.data() + size_t(r) * size_t(dim);
      const float sc = scales[size_t(r)];
      for (int d = 0; d < dim; ++d) out[d] = float(q[d]) * sc;
    } else {
      const float* f = input.data() + size_t(r) * size_t(dim);
      for (int d = 0; d < dim; ++d) out[d] = f[d];
    }
  }
  // Replaces the float rows by int8 rows + scales (symmetric, scale =
  // max|x| / 127; a non-finite weight, from diverged training, becomes 0).
  void Quantise() {
    const size_t n = nrows(), dm = size_t(dim);
    qinput.resize(n * dm);
    scales.resize(n);
    for (float& v : input)
      if (!std::isfinite(v)) v = 0;
    for (size_t r = 0; r < n; ++r) {
      const float* x = input.data() + r * dm;
      float mx = 0;
      for (size_t d = 0; d < dm; ++d) mx = std::max(mx, std::fabs(x[d]));
      const float sc = mx / 127.0f;
      scales[r] = sc;
      int8_t* q = qinput.data() + r * dm;
      for (size_t d = 0; d < dm; ++d) {
        float v = sc > 0 ? std::nearbyint(x[d] / sc) : 0.0f;
        q[d] = int8_t(std::clamp(v, -127.0f, 127.0f));
      }
    }
    input.clear();
    input.shrink_to_fit();
    quantised = true;
  }
  uint32_t NgramBucket(const int32_t* hashes, int n) const {
    uint64_t h = uint64_t(int64_t(hashes[0]));
    for (int k = 1; k < n; ++k) h = h * 116049371ull + uint64_t(int64_t(hashes[k]));
    return uint32_t(h % uint64_t(bucket));
  }
};

struct Scratch {
  std::vector<int32_t> hashes;
  std::vector<int32_t> rows;  // rows to sum (present ones only)
  std::vector<float> hidden;
  std::vector<float> x;
  std::string tok;
};

Scratch& TlsScratch() {
  thread_local Scratch s;
  return s;
}

// Fills s.hashes (fastText word_hashes, EOS included) and s.rows (the rows
// present in our model, words then n-grams, in fastText order); returns the
// fastText divisor (vocabulary words incl. EOS + all n-grams).
int CollectRows(const Weights& w, const std::vector<std::string>& tokens, Scratch& s) {
  s.hashes.clear();
  s.rows.clear();
  int count = 0;
  for (const std::string& t : tokens) {
    if (t.empty()) continue;
    std::string_view word = t;
    if (NeedsSanitize(word)) {
      Sanitize(word, &s.tok);
      word = s.tok;
    }
    uint32_t h = FtHash(word);
    int32_t r = w.WordRow(word, h);
    if (r >= 0) {
      s.rows.push_back(r);
      ++count;
    }
    s.hashes.push_back(int32_t(h));
  }
  s.hashes.push_back(int32_t(w.eos_hash));
  if (w.eos_row >= 0) {
    s.rows.push_back(w.eos_row);
    ++count;
  }
  const int nh = int(s.hashes.size());
  for (int i = 0; i < nh; ++i) {
    for (int n = 2; n <= w.word_ngrams && i + n <= nh; ++n) {
      int32_t r = w.BucketRow(w.NgramBucket(&s.hashes[size_t(i)], n));
      ++count;
      if (r >= 0) s.rows.push_back(r);
    }
  }
  return count;
}

// h[d] += float(q[d]) * sc. Blocks of 8 (a constant trip count) let -O2
// vectorise; every element is computed the same way as the scalar tail.
inline void AccumulateScaled(float* __restrict h, const int8_t* __restrict q, float sc, int dim) {
  int d = 0;
  for (; d + 8 <= dim; d += 8)
    for (int k = 0; k < 8; ++k) h[d + k] += float(q[d + k]) * sc;
  for (; d < dim; ++d) h[d] += float(q[d]) * sc;
}

void Softmax(float* v, int n) {
  float mx = v[0];
  for (int i = 1; i < n; ++i) mx = std::max(mx, v[i]);
  float z = 0;
  for (int i = 0; i < n; ++i) {
    v[i] = std::exp(v[i] - mx);
    z += v[i];
  }
  for (int i = 0; i < n; ++i) v[i] /= z;
}

void PredictWith(const Weights& w, const std::vector<std::string>& tokens, std::vector<float>* probs) {
  Scratch& s = TlsScratch();
  const int dim = w.dim;
  const int nl = int(w.labels.size());
  probs->resize(size_t(nl));
  int count = CollectRows(w, tokens, s);
  s.hidden.assign(size_t(dim), 0.0f);
  float* h = s.hidden.data();
  if (w.quantised) {
    for (int32_t r : s.rows)
      AccumulateScaled(h, w.qinput.data() + size_t(r) * size_t(dim), w.scales[size_t(r)], dim);
  } else {
    for (int32_t r : s.rows) {
      const float* row = w.input.data() + size_t(r) * size_t(dim);
      for (int d = 0; d < dim; ++d) h[d] += row[d];
    }
  }
  if (count > 0) {
    const float inv = float(1.0 / count);
    for (int d = 0; d < dim; ++d) h[d] *= inv;
  }
  float* out = probs->data();
  for (int l = 0; l < nl; ++l) {
    const float* b = w.output.data() + size_t(l) * size_t(dim);
    float acc = 0;
    for (int d = 0; d < dim; ++d) acc += b[d] * h[d];
    out[l] = acc;
  }
  if (nl > 0) Softmax(out, nl);
}

// --- binary helpers -------------------------------------------------------

void PutU32(std::string* out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out->append(b, 4);
}
void PutVarint(std::string* out, uint32_t v) {
  while (v >= 0x80) {
    out->push_back(char(uint8_t(v) | 0x80));
    v >>= 7;
  }
  out->push_back(char(uint8_t(v)));
}
void PutFloats(std::string* out, const std::vector<float>& v) {
  out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

class Reader {
 public:
  Reader(const std::string& data, size_t pos) : data_(data), pos_(pos) {}
  bool U32(uint32_t* v) {
    if (data_.size() - pos_ < 4) return false;
    std::memcpy(v, data_.data() + pos_, 4);
    pos_ += 4;
    return true;
  }
  bool Bytes(size_t n, std::string* s) {
    if (data_.size() - pos_ < n) return false;
    s->assign(data_, pos_, n);
    pos_ += n;
    return true;
  }
  bool Floats(size_t n, std::vector<float>* v) {
    if (n > (data_.size() - pos_) / sizeof(float)) return false;
    v->resize(n);
    if (n) std::memcpy(v->data(), data_.data() + pos_, n * sizeof(float));
    pos_ += n * sizeof(float);
    return true;
  }
  bool Varint(uint32_t* v) {
    uint32_t x = 0;
    for (int shift = 0; shift < 35; shift += 7) {
      if (pos_ >= data_.size()) return false;
      uint8_t b = uint8_t(data_[pos_++]);
      if (shift == 28 && b > 0x0f) return false;  // more than 32 bits
      x |= uint32_t(b & 0x7f) << shift;
      if (!(b & 0x80)) {
        *v = x;
        return true;
      }
    }
    return false;
  }
  bool Int8s(size_t n, std::vector<int8_t>* v) {
    if (n > data_.size() - pos_) return false;
    v->resize(n);
    if (n) std::memcpy(v->data(), data_.data() + pos_, n);
    pos_ += n;
    return true;
  }
  bool U8(uint8_t* v) {
    if (data_.size() - pos_ < 1) return false;
    *v = uint8_t(data_[pos_++]);
    return true;
  }
  size_t pos() const { return pos_; }
  size_t* mutable_pos() { return &pos_; }

 private:
  const std::string& data_;
  size_t pos_;
};

std::string Hex64(uint64_t v) {
  char b[17];
  std::snprintf(b, sizeof b, "%016llx", static_cast<unsigned long long>(v));
  return b;
}

bool CalibratorFits(const Calibrator& c, size_t nlabels) {
  return c.empty() || (size_t(c.classes()) == nlabels && size_t(c.inputs()) >= nlabels);
}

base::Status ValidateOptions(const LinearTrainOptions& o) {
  if (o.dim < 1 || o.dim > 4096) return base::Status::InvalidArgument("linear model: dim must be in [1, 4096]");
  if (o.epoch < 1) return base::Status::InvalidArgument("linear model: epoch must be >= 1");
  if (!(o.lr > 0) || !std::isfinite(o.lr)) return base::Status::InvalidArgument("linear model: lr must be > 0");
  if (o.word_ngrams < 1 || o.word_ngrams > 5)
    return base::Status::InvalidArgument("linear model: word_ngrams must be in [1, 5]");
  if (o.bucket < 1) return base::Status::InvalidArgument("linear model: bucket must be >= 1");
  if (o.min_count < 1) return base::Status::InvalidArgument("linear model: min_count must be >= 1");
  if (o.min_bigram_lines < 1)
    return base::Status::InvalidArgument("linear model: min_bigram_lines must be >= 1");
  return base::Status::Ok();
}

// Removes the scratch file when training is over, however it ends.
struct FileRemover {
  std::string path;
  ~FileRemover() {
    if (!path.empty()) {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  }
};

}  // namespace

// --- Impl -----------------------------------------------------------------

class LinearModel::Impl {
 public:
  std::shared_ptr<const Weights> w;
  Calibrator calibrator;
};

LinearModel::LinearModel(std::shared_ptr<const Impl> impl) : impl_(std::move(impl)) {}
LinearModel::~LinearModel() = default;

const std::vector<std::string>& LinearModel::labels() const { return impl_->w->labels; }
const std::string& LinearModel::task() const { return impl_->w->task; }
const std::string& LinearModel::lang() const { return impl_->w->lang; }

int LinearModel::LabelIndex(std::string_view label) const {
  const auto& ls = impl_->w->labels;
  for (size_t i = 0; i < ls.size(); ++i)
    if (ls[i] == label) return int(i);
  return -1;
}

std::shared_ptr<const LinearModel> LinearModel::WithCalibrator(Calibrator calibrator) const {
  ECOUTE_CHECK_MSG(CalibratorFits(calibrator, impl_->w->labels.size()),
                   "calibrator classes/inputs do not match the model's labels");
  auto impl = std::make_shared<Impl>();
  impl->w = impl_->w;
  impl->calibrator = std::move(calibrator);
  return std::make_shared<const LinearModel>(std::move(impl));
}

void LinearModel::PredictRaw(const std::vector<std::string>& tokens, std::vector<float>* probs) const {
  PredictWith(*impl_->w, tokens, probs);
}

void LinearModel::Predict(const std::vector<std::string>& tokens, const float* dense, int dense_size,
                          std::vector<float>* probs) const {
  PredictWith(*impl_->w, tokens, probs);
  const Calibrator& cal = impl_->calibrator;
  if (cal.empty()) return;
  const size_t nl = probs->size();
  ECOUTE_CHECK_MSG(size_t(cal.inputs()) == nl + size_t(std::max(dense_size, 0)),
                   "Predict: dense_size does not match the calibrator's inputs");
  Scratch& s = TlsScratch();
  s.x.resize(size_t(cal.inputs()));
  for (size_t i = 0; i < nl; ++i) s.x[i] = std::log(std::max((*probs)[i], 1e-6f));
  for (int i = 0; i < dense_size; ++i) s.x[nl + size_t(i)] = dense[i];
  cal.Predict(s.x.data(), probs);
}

std::vector<Contribution> LinearModel::Explain(const std::vector<std::string>& tokens, int label,
                                               int top) const {
  // Contributions are exact terms of the linear decomposition of the logit:
  // logit_l = sum_f (B_l . row_f) / count. Each feature's weight is its term
  // for `label` minus the mean of its terms for the other labels. The EOS
  // token and n-grams involving it are left out (they are present in every
  // message), as are OOV words and dropped buckets (zero rows). top < 0: all.
  const Weights& w = *impl_->w;
  const int nl = int(w.labels.size());
  std::vector<Contribution> result;
  if (label < 0 || label >= nl || top == 0) return result;

  struct Feat {
    std::string name;
    int32_t row;
  };
  std::vector<Feat> feats;
  std::vector<std::string> names;   // per hashed token (original spelling)
  std::vector<int32_t> hashes;
  int count = 0;
  std::string tok;
  for (const std::string& t : tokens) {
    if (t.empty()) continue;
    Sanitize(t, &tok);
    uint32_t h = FtHash(tok);
    int32_t r = w.WordRow(tok, h);
    if (r >= 0) {
      ++count;
      feats.push_back({t, r});
    }
    hashes.push_back(int32_t(h));
    names.push_back(t);
  }
  const size_t ntok = hashes.size();
  hashes.push_back(int32_t(w.eos_hash));
  if (w.eos_row >= 0) ++count;
  const int nh = int(hashes.size());
  for (int i = 0; i < nh; ++i) {
    for (int n = 2; n <= w.word_ngrams && i + n <= nh; ++n) {
      ++count;
      if (size_t(i + n) > ntok) continue;  // involves EOS
      int32_t r = w.BucketRow(w.NgramBucket(&hashes[size_t(i)], n));
      if (r < 0) continue;
      std::string name = names[size_t(i)];
      for (int k = 1; k < n; ++k) name += " " + names[size_t(i + k)];
      feats.push_back({std::move(name), r});
    }
  }
  if (count == 0) return result;

  std::map<std::string, float> merged;
  std::vector<float> scores(static_cast<size_t>(nl));
  std::vector<float> rowbuf(static_cast<size_t>(w.dim));
  const float* row = rowbuf.data();
  for (const Feat& f : feats) {
    w.RowValues(f.row, rowbuf.data());
    float total = 0;
    for (int l = 0; l < nl; ++l) {
      const float* b = w.output.data() + size_t(l) * size_t(w.dim);
      float acc = 0;
      for (int d = 0; d < w.dim; ++d) acc += b[d] * row[d];
      scores[size_t(l)] = acc;
      total += acc;
    }
    float self = scores[size_t(label)];
    float others = nl > 1 ? (total - self) / float(nl - 1) : 0.0f;
    merged[f.name] += (self - others) / float(count);
  }
  for (auto& [name, weight] : merged) result.push_back({name, weight});
  std::stable_sort(result.begin(), result.end(), [](const Contribution& a, const Contribution& b) {
    return std::fabs(a.weight) > std::fabs(b.weight);
  });
  if (top > 0 && result.size() > size_t(top)) result.resize(size_t(top));
  return result;
}

// --- training -------------------------------------------------------------

namespace internal {
std::string FastTextTrainingText(const std::vector<Example>& examples, int seed) {
  std::vector<std::string> lines;
  std::string tok;
  for (const Example& e : examples) {
    std::string line(kLabelPrefix);
    line += e.label;
    for (const std::string& t : e.tokens) {
      if (t.empty()) continue;
      Sanitize(t, &tok);
      line.push_back(' ');
      line += tok;
    }
    line.push_back('\n');
    double wr = std::isfinite(e.weight) ? std::round(double(e.weight)) : 1.0;
    int reps = int(std::clamp(wr, 1.0, 1000.0));
    for (int r = 0; r < reps; ++r) lines.push_back(line);
  }
  // Fisher-Yates with explicit modulo: reproducible across standard libraries.
  std::mt19937 rng(static_cast<uint32_t>(seed));
  for (size_t i = lines.size(); i > 1; --i) {
    size_t j = size_t(rng()) % i;
    std::swap(lines[i - 1], lines[j]);
  }
  std::string text;
  for (const std::string& l : lines) text += l;
  return text;
}
}  // namespace internal

namespace {
base::Result<std::shared_ptr<const LinearModel>> TrainModel(const std::vector<Example>& examples,
                                                            const LinearTrainOptions& options, std::string task,
                                                            std::string lang, bool quantise) {
  ECOUTE_RETURN_IF_ERROR(ValidateOptions(options));
  if (examples.empty()) return base::Status::InvalidArgument("linear model: no training examples");
  std::set<std::string> label_set;
  for (size_t i = 0; i < examples.size(); ++i) {
    const std::string& l = examples[i].label;
    if (l.empty() || NeedsSanitize(l))
      return base::Status::InvalidArgument("linear model: example " + std::to_string(i) +
                                           ": label must be non-empty and without whitespace");
    label_set.insert(l);
  }
  if (label_set.size() < 2) return base::Status::InvalidArgument("linear model: need at least 2 distinct labels");

  // Scratch training file.
  std::error_code ec;
  std::filesystem::path dir =
      options.scratch_dir.empty() ? std::filesystem::temp_directory_path(ec) : std::filesystem::path(options.scratch_dir);
  if (ec) return base::Status::IoError("linear model: no temp directory: " + ec.message());
  static std::atomic<uint64_t> counter{0};
  std::string path = (dir / ("ecoute-train-" + std::to_string(::getpid()) + "-" +
                             std::to_string(counter.fetch_add(1)) + ".txt"))
                         .string();
  FileRemover remover{path};
  {
    std::string text = internal::FastTextTrainingText(examples, options.seed);
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    if (!out) return base::Status::IoError(path + ": cannot create training file: " + std::strerror(errno));
    out.write(text.data(), std::streamsize(text.size()));
    out.close();
    if (!out) return base::Status::IoError(path + ": cannot write training file");
  }

  fasttext::FastText ft;
  try {
    const fasttext::Args a = internal::FastTextArgs(options, path);
    ft.train(a);
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("linear model: fastText training failed: ") + e.what());
  } catch (...) {
    return base::Status::Internal("linear model: fastText training failed");
  }

  auto w = std::make_shared<Weights>();
  w->task = std::move(task);
  w->lang = std::move(lang);
  w->trained_at = options.trained_at;
  w->dim = options.dim;
  w->bucket = options.bucket;
  w->word_ngrams = options.word_ngrams;
  nlohmann::json oj = {{"dim", options.dim},
                       {"epoch", options.epoch},
                       {"lr", options.lr},
                       {"word_ngrams", options.word_ngrams},
                       {"bucket", options.bucket},
                       {"min_count", options.min_count},
                       {"min_bigram_lines", options.min_bigram_lines},
                       {"seed", options.seed},
                       {"loss", "softmax"}};
  w->options_json = oj.dump();

  try {
    auto dict = ft.getDictionary();
    auto in = ft.getInputMatrix();
    auto out = ft.getOutputMatrix();
    const int32_t nwords = dict->nwords();
    const int32_t nlabels = dict->nlabels();
    const size_t dim = size_t(options.dim);
    if (in->cols() != int64_t(dim) || in->rows() != int64_t(nwords) + options.bucket ||
        out->rows() != nlabels || out->cols() != int64_t(dim))
      return base::Status::Internal("linear model: unexpected fastText matrix shapes");

    // Labels sorted by name; output rows permuted accordingly.
    std::vector<std::pair<std::string, int32_t>> ls;
    for (int32_t i = 0; i < nlabels; ++i) {
      std::string l = dict->getLabel(i);
      if (l.starts_with(kLabelPrefix)) l.erase(0, kLabelPrefix.size());
      ls.emplace_back(std::move(l), i);
    }
    std::sort(ls.begin(), ls.end());
    w->output.resize(size_t(nlabels) * dim);
    for (size_t k = 0; k < ls.size(); ++k) {
      w->labels.push_back(ls[k].first);
      for (size_t d = 0; d < dim; ++d) w->output[k * dim + d] = out->at(ls[k].second, int64_t(d));
    }

    w->words.reserve(size_t(nwords));
    for (int32_t i = 0; i < nwords; ++i) w->words.push_back(dict->getWord(i));

    // Buckets touched by training: the n-grams of every training line. Kept:
    // those touched by at least min_bigram_lines distinct lines (Examples).
    if (options.word_ngrams > 1) {
      std::vector<uint32_t> lines(size_t(options.bucket), 0);  // distinct lines touching each bucket
      std::vector<uint32_t> last(size_t(options.bucket), 0);   // 1 + index of the last line counted
      std::vector<int32_t> hashes;
      const int32_t eos = int32_t(FtHash(kEos));
      Weights probe;
      probe.bucket = options.bucket;
      for (size_t li = 0; li < examples.size(); ++li) {
        const Example& e = examples[li];
        const uint32_t mark = uint32_t(li + 1);
        hashes.clear();
        for (const std::string& t : e.tokens)
          if (!t.empty()) hashes.push_back(int32_t(FtHash(SanitizedCopy(t))));
        hashes.push_back(eos);
        const int nh = int(hashes.size());
        for (int i = 0; i < nh; ++i)
          for (int n = 2; n <= options.word_ngrams && i + n <= nh; ++n) {
            uint32_t b = probe.NgramBucket(&hashes[size_t(i)], n);
            if (last[b] != mark) {
              last[b] = mark;
              ++lines[b];
            }
          }
      }
      for (size_t b = 0; b < lines.size(); ++b)
        if (lines[b] > 0 && lines[b] >= uint32_t(options.min_bigram_lines)) w->buckets.push_back(uint32_t(b));
    }
    w->input.resize((size_t(nwords) + w->buckets.size()) * dim);
    for (int32_t i = 0; i < nwords; ++i)
      for (size_t d = 0; d < dim; ++d) w->input[size_t(i) * dim + d] = in->at(i, int64_t(d));
    for (size_t k = 0; k < w->buckets.size(); ++k) {
      int64_t src = int64_t(nwords) + int64_t(w->buckets[k]);
      float* dst = w->input.data() + (size_t(nwords) + k) * dim;
      for (size_t d = 0; d < dim; ++d) dst[d] = in->at(src, int64_t(d));
    }
  } catch (const std::exception& e) {
    return base::Status::Internal(std::string("linear model: reading fastText model failed: ") + e.what());
  }
  w->quantised = false;
  if (quantise) w->Quantise();
  w->BuildTables();

  auto impl = std::make_shared<LinearModel::Impl>();
  impl->w = std::move(w);
  return std::shared_ptr<const LinearModel>(std::make_shared<const LinearModel>(std::move(impl)));
}
}  // namespace

base::Result<std::shared_ptr<const LinearModel>> LinearModel::Train(const std::vector<Example>& examples,
                                                                     const LinearTrainOptions& options,
                                                                     std::string task, std::string lang) {
  return TrainModel(examples, options, std::move(task), std::move(lang), /*quantise=*/true);
}

namespace internal {
base::Result<std::shared_ptr<const LinearModel>> TrainUnquantised(const std::vector<Example>& examples,
                                                                  const LinearTrainOptions& options,
                                                                  std::string task, std::string lang) {
  return TrainModel(examples, options, std::move(task), std::move(lang), /*quantise=*/false);
}
}  // namespace internal

// --- storage --------------------------------------------------------------

base::Status LinearModel::Save(const std::string& path) const {
  const Weights& w = *impl_->w;
  if (!w.quantised) return base::Status::FailedPrecondition(path + ": unquantised (test) models cannot be saved");
  std::string payload;
  payload.reserve(w.qinput.size() + w.scales.size() * 4 + w.output.size() * 4 + w.words.size() * 10 +
                  w.buckets.size() * 3 + 64);
  PutVarint(&payload, uint32_t(w.words.size()));
  for (const std::string& s : w.words) {
    PutVarint(&payload, uint32_t(s.size()));
    payload += s;
  }
  PutVarint(&payload, uint32_t(w.buckets.size()));
  uint32_t prev = 0;
  for (uint32_t b : w.buckets) {
    PutVarint(&payload, b - prev);
    prev = b;
  }
  PutFloats(&payload, w.scales);
  payload.append(reinterpret_cast<const char*>(w.qinput.data()), w.qinput.size());
  PutFloats(&payload, w.output);
  payload.push_back(impl_->calibrator.empty() ? '\0' : '\1');
  if (!impl_->calibrator.empty()) impl_->calibrator.AppendTo(&payload);

  nlohmann::json h;
  h["format"] = "ecoute-linear-model";
  h["task"] = w.task;
  h["lang"] = w.lang;
  h["labels"] = w.labels;
  h["dim"] = w.dim;
  h["bucket"] = w.bucket;
  h["word_ngrams"] = w.word_ngrams;
  h["feature_version"] = kFeatureVersion;
  h["trained_at"] = w.trained_at;
  h["options"] = nlohmann::json::parse(w.options_json.empty() ? "{}" : w.options_json);
  h["nwords"] = w.words.size();
  h["nbuckets"] = w.buckets.size();
  h["payload_bytes"] = payload.size();
  h["payload_fnv1a64"] = Hex64(Fnv1a64(payload.data(), payload.size()));
  std::string header = h.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);

  std::string file(kMagic, 8);
  PutU32(&file, kLinearModelFormat);
  PutU32(&file, uint32_t(header.size()));
  file += header;
  file += payload;

  std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out) return base::Status::IoError(path + ": cannot write model: " + std::strerror(errno));
    out.write(file.data(), std::streamsize(file.size()));
    out.close();
    if (!out) {
      std::error_code ec;
      std::filesystem::remove(tmp, ec);
      return base::Status::IoError(path + ": cannot write model (disk full?)");
    }
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) {
    std::filesystem::remove(tmp, ec);
    return base::Status::IoError(path + ": cannot write model: " + ec.message());
  }
  return base::Status::Ok();
}

base::Result<std::shared_ptr<const LinearModel>> LinearModel::Load(const std::string& path) {
  std::string data;
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      int err = errno;
      if (err == ENOENT) return base::Status::NotFound(path + ": no such model file");
      return base::Status::IoError(path + ": cannot open model: " + std::strerror(err));
    }
    in.seekg(0, std::ios::end);
    std::streamoff size = in.tellg();
    if (size < 0) return base::Status::IoError(path + ": cannot read model");
    in.seekg(0, std::ios::beg);
    data.resize(size_t(size));
    in.read(data.data(), size);
    if (!in) return base::Status::IoError(path + ": cannot read model");
  }
  auto truncated = [&](const std::string& what) {
    return base::Status::Corruption(path + ": truncated model file (" + what + "); retrain or copy it again");
  };
  auto corrupt = [&](const std::string& what) {
    return base::Status::Corruption(path + ": corrupt model file (" + what + ")");
  };
  if (data.size() < 8) {
    if (std::memcmp(data.data(), kMagic, data.size()) == 0 && !data.empty()) return truncated("no header");
    return base::Status::InvalidArgument(path + ": not an ecoute model file (bad magic)");
  }
  if (std::memcmp(data.data(), kMagic, 8) != 0)
    return base::Status::InvalidArgument(path + ": not an ecoute model file (bad magic)");
  Reader r(data, 8);
  uint32_t version = 0, hlen = 0;
  if (!r.U32(&version)) return truncated("no version");
  if (version != kLinearModelFormat)
    return base::Status::InvalidArgument(path + ": model format version " + std::to_string(version) +
                                         ", this build reads " + std::to_string(kLinearModelFormat) +
                                         "; retrain with `ecoute train`");
  if (!r.U32(&hlen)) return truncated("no header length");
  std::string header_text;
  if (!r.Bytes(hlen, &header_text)) return truncated("header cut short");

  auto w = std::make_shared<Weights>();
  size_t nwords = 0, nbuckets = 0, payload_bytes = 0;
  std::string checksum;
  int feature_version = -1;
  try {
    nlohmann::json h = nlohmann::json::parse(header_text);
    feature_version = h.at("feature_version").get<int>();
    w->task = h.at("task").get<std::string>();
    w->lang = h.at("lang").get<std::string>();
    w->labels = h.at("labels").get<std::vector<std::string>>();
    w->dim = h.at("dim").get<int>();
    w->bucket = h.at("bucket").get<int>();
    w->word_ngrams = h.at("word_ngrams").get<int>();
    w->trained_at = h.value("trained_at", std::string());
    w->options_json = h.contains("options") ? h["options"].dump() : "{}";
    nwords = h.at("nwords").get<size_t>();
    nbuckets = h.at("nbuckets").get<size_t>();
    payload_bytes = h.at("payload_bytes").get<size_t>();
    checksum = h.at("payload_fnv1a64").get<std::string>();
  } catch (const std::exception& e) {
    return corrupt(std::string("bad header: ") + e.what());
  }
  if (feature_version != kFeatureVersion)
    return base::Status::InvalidArgument(path + ": model was trained with feature version " +
                                         std::to_string(feature_version) + ", this build computes version " +
                                         std::to_string(kFeatureVersion) + "; retrain with `ecoute train`");
  if (w->dim < 1 || w->dim > 4096 || w->bucket < 1 || w->word_ngrams < 1 || w->word_ngrams > 5 ||
      w->labels.empty())
    return corrupt("bad dimensions in header");
  const size_t have = data.size() - r.pos();
  if (have < payload_bytes)
    return truncated("expected " + std::to_string(payload_bytes) + " payload bytes, found " + std::to_string(have));
  if (have > payload_bytes) return corrupt("trailing bytes after the payload");
  if (Hex64(Fnv1a64(data.data() + r.pos(), payload_bytes)) != checksum) return corrupt("checksum mismatch");

  // Payload.
  uint32_t n = 0;
  if (!r.Varint(&n) || n != nwords) return corrupt("vocabulary size");
  if (nwords > payload_bytes) return corrupt("vocabulary size");
  w->words.resize(nwords);
  for (size_t i = 0; i < nwords; ++i) {
    uint32_t len = 0;
    if (!r.Varint(&len) || !r.Bytes(len, &w->words[i])) return corrupt("vocabulary");
  }
  if (!r.Varint(&n) || n != nbuckets || nbuckets > payload_bytes) return corrupt("bucket table size");
  w->buckets.resize(nbuckets);
  uint64_t id = 0;
  for (size_t i = 0; i < nbuckets; ++i) {
    uint32_t delta = 0;
    if (!r.Varint(&delta) || (i > 0 && delta == 0)) return corrupt("bucket table");
    id += delta;
    if (id >= uint64_t(w->bucket)) return corrupt("bucket table");
    w->buckets[i] = uint32_t(id);
  }
  const size_t dim = size_t(w->dim);
  const size_t nrows = nwords + nbuckets;
  if (!r.Floats(nrows, &w->scales)) return corrupt("row scales");
  for (float sc : w->scales)
    if (!(sc >= 0) || !std::isfinite(sc)) return corrupt("row scales");
  if (nrows > payload_bytes / dim || !r.Int8s(nrows * dim, &w->qinput)) return corrupt("input rows");
  w->quantised = true;
  if (!r.Floats(w->labels.size() * dim, &w->output)) return corrupt("output matrix");
  uint8_t has_cal = 0;
  if (!r.U8(&has_cal) || has_cal > 1) return corrupt("calibrator flag");
  auto impl = std::make_shared<Impl>();
  if (has_cal) {
    size_t pos = r.pos();
    base::Status st = impl->calibrator.ReadFrom(data, &pos);
    if (!st.ok()) return corrupt("calibrator: " + st.message());
    if (!CalibratorFits(impl->calibrator, w->labels.size())) return corrupt("calibrator does not match labels");
    *r.mutable_pos() = pos;
  }
  if (r.pos() != data.size()) return corrupt("payload size");
  w->BuildTables();
  impl->w = std::move(w);
  return std::shared_ptr<const LinearModel>(std::make_shared<const LinearModel>(std::move(impl)));
}

}  // namespace ecoute::classify
