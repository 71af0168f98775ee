#include "classify/linear_model.h"
#include "classify/fasttext_args.h"

#include <unistd.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>

#include <fasttext/fasttext.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "classify/features.h"

namespace ecoute::classify {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;

const std::vector<std::string> kLabels = {"neg", "neu", "pos"};
const std::vector<std::vector<std::string>> kCue = {
    {"bad", "awful", "hate", "broken", "worst"},
    {"meeting", "schedule", "tuesday", "report", "agenda"},
    {"good", "great", "love", "excellent", "best"}};

// 3 labels, each with 2 cue words among `noise` random filler words.
// `rare` adds words seen once (OOV when min_count > 1) and tokens with spaces.
std::vector<Example> MakeData(int n, uint32_t seed, int noise = 8, bool rare = false, uint32_t vocab = 150) {
  std::mt19937 rng(seed);
  std::vector<Example> out;
  for (int i = 0; i < n; ++i) {
    Example e;
    int l = int(rng() % 3);
    e.label = kLabels[size_t(l)];
    for (int k = 0; k < 2; ++k) e.tokens.push_back(kCue[size_t(l)][rng() % 5]);
    for (int k = 0; k < noise; ++k) e.tokens.push_back("w" + std::to_string(rng() % vocab));
    if (rare) {
      e.tokens.push_back("rare" + std::to_string(i));
      if (i % 7 == 0) e.tokens.push_back("two words");
      if (i % 11 == 0) e.tokens.push_back("</s>");
      if (i % 13 == 0) e.tokens.push_back("");
    }
    std::shuffle(e.tokens.begin(), e.tokens.end(), rng);
    out.push_back(std::move(e));
  }
  return out;
}

LinearTrainOptions SmallOptions() {
  LinearTrainOptions o;
  o.dim = 16;
  o.epoch = 10;
  o.lr = 0.5;
  o.bucket = 50000;
  o.seed = 3;
  return o;
}

class LinearModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("ecoute-lm-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }
  static std::string ReadAll(const std::string& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void WriteAll(const std::string& p, const std::string& data) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out.write(data.data(), std::streamsize(data.size()));
  }
  std::shared_ptr<const LinearModel> TrainSmall(uint32_t data_seed = 1, int seed = 3) {
    LinearTrainOptions o = SmallOptions();
    o.seed = seed;
    o.scratch_dir = dir_.string();
    auto r = LinearModel::Train(MakeData(600, data_seed), o, "sentiment", "en");
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : nullptr;
  }
  fs::path dir_;
};

TEST_F(LinearModelTest, LearnsSyntheticData) {
  auto m = TrainSmall();
  ASSERT_TRUE(m);
  EXPECT_EQ(m->labels(), kLabels);  // sorted by name
  EXPECT_EQ(m->task(), "sentiment");
  EXPECT_EQ(m->lang(), "en");
  EXPECT_EQ(m->LabelIndex("pos"), 2);
  EXPECT_EQ(m->LabelIndex("nope"), -1);
  auto test = MakeData(300, 99);
  int correct = 0;
  std::vector<float> p;
  for (const auto& e : test) {
    m->PredictRaw(e.tokens, &p);
    ASSERT_EQ(p.size(), 3u);
    float sum = p[0] + p[1] + p[2];
    EXPECT_NEAR(sum, 1.0f, 1e-5);
    int best = int(std::max_element(p.begin(), p.end()) - p.begin());
    if (m->labels()[size_t(best)] == e.label) ++correct;
  }
  EXPECT_GE(correct, 285) << correct << "/300";
  // Scratch file removed.
  int files = 0;
  for ([[maybe_unused]] auto& f : fs::directory_iterator(dir_)) ++files;
  EXPECT_EQ(files, 0);
}

// Trains libfasttext directly on exactly the text Train() writes, and
// compares its predictLine probabilities with ours on the training lines
// (all of whose bigram buckets were touched by training). Unquantised (the
// test hook): equal to 1e-4. Quantised (Train): every probability within
// 0.02 and the same argmax on >= 99% of the lines.
void ExpectSameAsFastText(const std::vector<Example>& data, const LinearTrainOptions& o, const std::string& dir,
                          bool quantised) {
  auto r = quantised ? LinearModel::Train(data, o, "t", "en") : internal::TrainUnquantised(data, o, "t", "en");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto m = *r;

  std::string file = dir + "/direct.txt";
  {
    std::ofstream out(file, std::ios::binary);
    out << internal::FastTextTrainingText(data, o.seed);
  }
  fasttext::FastText ft;
  fasttext::Args a = internal::FastTextArgs(o, file);
  ft.train(a);

  std::vector<float> ours;
  int compared = 0, same_argmax = 0;
  double max_diff = 0;
  for (const auto& e : data) {
    std::string line;
    for (const auto& t : e.tokens) {
      if (t.empty()) continue;
      std::string s = t == "</s>" ? "_</s>" : t;
      for (char& c : s)
        if (c == ' ') c = '_';
      line += s + " ";
    }
    line += "\n";
    std::istringstream in(line);
    std::vector<std::pair<fasttext::real, std::string>> preds;
    ASSERT_TRUE(ft.predictLine(in, preds, -1, 0.0));
    ASSERT_EQ(preds.size(), m->labels().size());
    m->PredictRaw(e.tokens, &ours);
    for (const auto& [p, label] : preds) {
      int idx = m->LabelIndex(label.substr(9));
      ASSERT_GE(idx, 0) << label;
      // fastText reports exp(log(p + 1e-5)).
      double diff = std::fabs(double(ours[size_t(idx)]) + 1e-5 - double(p));
      max_diff = std::max(max_diff, diff);
      EXPECT_LE(diff, quantised ? 0.02 : 1e-4) << line;
    }
    // predictLine sorts by probability: preds[0] is fastText's argmax.
    int best = int(std::max_element(ours.begin(), ours.end()) - ours.begin());
    if (m->labels()[size_t(best)] == preds[0].second.substr(9)) ++same_argmax;
    ++compared;
  }
  EXPECT_EQ(compared, int(data.size()));
  EXPECT_GE(same_argmax, int(std::ceil(0.99 * compared))) << same_argmax << "/" << compared;
  std::printf("  vs fastText (%s): max |dp| %.5f, same argmax %d/%d\n", quantised ? "int8" : "float", max_diff,
              same_argmax, compared);
}

TEST_F(LinearModelTest, MatchesFastTextPredict) {
  LinearTrainOptions o = SmallOptions();
  o.scratch_dir = dir_.string();
  ExpectSameAsFastText(MakeData(400, 5), o, dir_.string(), /*quantised=*/true);
}

TEST_F(LinearModelTest, MatchesFastTextPredictExactlyUnquantised) {
  LinearTrainOptions o = SmallOptions();
  o.scratch_dir = dir_.string();
  ExpectSameAsFastText(MakeData(400, 5), o, dir_.string(), /*quantised=*/false);
}

TEST_F(LinearModelTest, MatchesFastTextWithOovWordsAndOddTokens) {
  LinearTrainOptions o = SmallOptions();
  o.min_count = 2;  // the "rare<i>" words become OOV; their hashes still feed bigrams
  o.word_ngrams = 3;
  o.scratch_dir = dir_.string();
  ExpectSameAsFastText(MakeData(300, 6, 8, /*rare=*/true), o, dir_.string(), /*quantised=*/true);
  ExpectSameAsFastText(MakeData(300, 6, 8, /*rare=*/true), o, dir_.string(), /*quantised=*/false);
}

TEST_F(LinearModelTest, UnquantisedModelCannotBeSaved) {
  LinearTrainOptions o = SmallOptions();
  o.scratch_dir = dir_.string();
  auto r = internal::TrainUnquantised(MakeData(100, 1), o, "t", "en");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  base::Status st = (*r)->Save(Path("f.model"));
  EXPECT_EQ(st.code(), base::StatusCode::kFailedPrecondition);
  EXPECT_FALSE(fs::exists(Path("f.model")));
}

// Accuracy on MakeData(300, 99) (held out).
int HeldOutCorrect(const LinearModel& m) {
  int correct = 0;
  std::vector<float> p;
  for (const auto& e : MakeData(300, 99)) {
    m.PredictRaw(e.tokens, &p);
    int best = int(std::max_element(p.begin(), p.end()) - p.begin());
    if (m.labels()[size_t(best)] == e.label) ++correct;
  }
  return correct;
}

TEST_F(LinearModelTest, MinBigramLinesDropsRowsAndKeepsAccuracy) {
  LinearTrainOptions o = SmallOptions();
  o.scratch_dir = dir_.string();
  auto data = MakeData(600, 1);
  auto all = LinearModel::Train(data, o, "t", "en");
  o.min_bigram_lines = 3;
  auto few = LinearModel::Train(data, o, "t", "en");
  ASSERT_TRUE(all.ok() && few.ok());
  ASSERT_TRUE((*all)->Save(Path("all.model")).ok());
  ASSERT_TRUE((*few)->Save(Path("few.model")).ok());
  auto nbuckets = [&](const std::string& p) {
    std::string d = ReadAll(p);
    size_t at = d.find("\"nbuckets\":");
    EXPECT_NE(at, std::string::npos);
    return std::stoul(d.substr(at + 11));
  };
  const size_t nb_all = nbuckets(Path("all.model")), nb_few = nbuckets(Path("few.model"));
  const uintmax_t size_all = fs::file_size(Path("all.model")), size_few = fs::file_size(Path("few.model"));
  std::printf("  min_bigram_lines 1: %zu bucket rows, %ju bytes; 3: %zu rows, %ju bytes\n", nb_all, size_all,
              nb_few, size_few);
  EXPECT_GT(nb_few, 0u);  // the cue bigrams recur
  EXPECT_LT(nb_few * 2, nb_all);
  EXPECT_LT(size_few * 10, size_all * 7);
  const int acc_all = HeldOutCorrect(**all), acc_few = HeldOutCorrect(**few);
  EXPECT_GE(acc_all, 285);
  EXPECT_GE(acc_few, 285);
  EXPECT_GE(acc_few, acc_all - 6);
  // Recorded in the header, and survives a round trip.
  EXPECT_NE(ReadAll(Path("few.model")).find("\"min_bigram_lines\":3"), std::string::npos);
  auto l = LinearModel::Load(Path("few.model"));
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  std::vector<float> p1, p2;
  for (const auto& e : MakeData(50, 4)) {
    (*few)->PredictRaw(e.tokens, &p1);
    (*l)->PredictRaw(e.tokens, &p2);
    EXPECT_EQ(p1, p2);
  }
  o.min_bigram_lines = 0;
  EXPECT_FALSE(LinearModel::Train(data, o, "t", "en").ok());
}

// A dropped bucket row is a zero vector that still counts in the divisor.
// With every bucket row dropped, the logit difference between two labels is
// (sum of word rows' terms) / (words + EOS + n-grams):
//   {}             -> e / 1          (EOS only, no bigram)
//   {love}         -> (a + e) / 3    (love, EOS, "love </s>")
//   {love, love}   -> (2a + e) / 5   (+ "love love")
TEST_F(LinearModelTest, DroppedBucketRowsCountInTheDivisor) {
  LinearTrainOptions o = SmallOptions();
  o.scratch_dir = dir_.string();
  o.min_bigram_lines = 1000000;
  auto r = LinearModel::Train(MakeData(600, 1), o, "t", "en");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto m = *r;
  ASSERT_TRUE(m->Save(Path("m.model")).ok());
  EXPECT_NE(ReadAll(Path("m.model")).find("\"nbuckets\":0"), std::string::npos);
  auto diff = [&](const std::vector<std::string>& toks) {
    std::vector<float> p;
    m->PredictRaw(toks, &p);
    return std::log(double(p[2])) - std::log(double(p[0]));  // pos vs neg
  };
  const double e = diff({});
  const double a = 3 * diff({"love"}) - e;
  EXPECT_GT(std::fabs(a), 0.5);
  EXPECT_NEAR(diff({"love", "love"}), (2 * a + e) / 5, 1e-3);
  // No bigram features to explain.
  for (const auto& c : m->Explain({"love", "great", "w1"}, 2, -1))
    EXPECT_EQ(c.feature.find(' '), std::string::npos) << c.feature;
}

TEST_F(LinearModelTest, WeightsRepeatLines) {
  std::vector<Example> ex = {{{"a", "b"}, "x", 1}, {{"c"}, "y", 3.4f}, {{"d"}, "y", 0.2f}};
  std::string text = internal::FastTextTrainingText(ex, 1);
  int lines = 0, c = 0;
  std::istringstream in(text);
  for (std::string l; std::getline(in, l);) {
    ++lines;
    if (l == "__label__y c") ++c;
  }
  EXPECT_EQ(lines, 5);
  EXPECT_EQ(c, 3);
  EXPECT_EQ(text, internal::FastTextTrainingText(ex, 1));
}

TEST_F(LinearModelTest, DeterministicBytes) {
  auto a = TrainSmall(1, 3), b = TrainSmall(1, 3), c = TrainSmall(1, 4);
  ASSERT_TRUE(a && b && c);
  ASSERT_TRUE(a->Save(Path("a.model")).ok());
  ASSERT_TRUE(b->Save(Path("b.model")).ok());
  ASSERT_TRUE(c->Save(Path("c.model")).ok());
  EXPECT_EQ(ReadAll(Path("a.model")), ReadAll(Path("b.model")));
  EXPECT_NE(ReadAll(Path("a.model")), ReadAll(Path("c.model")));
}

TEST_F(LinearModelTest, SaveLoadRoundTrip) {
  auto m = TrainSmall();
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->Save(Path("m.model")).ok());
  auto r = LinearModel::Load(Path("m.model"));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  auto l = *r;
  EXPECT_EQ(l->labels(), m->labels());
  EXPECT_EQ(l->task(), "sentiment");
  EXPECT_EQ(l->lang(), "en");
  std::vector<float> p1, p2;
  for (const auto& e : MakeData(100, 42)) {
    auto toks = e.tokens;
    toks.push_back("never-seen");
    m->PredictRaw(toks, &p1);
    l->PredictRaw(toks, &p2);
    ASSERT_EQ(p1.size(), p2.size());
    EXPECT_EQ(0, std::memcmp(p1.data(), p2.data(), p1.size() * sizeof(float)));  // bit-for-bit
    auto c1 = m->Explain(toks, 2, -1), c2 = l->Explain(toks, 2, -1);
    ASSERT_EQ(c1.size(), c2.size());
    for (size_t i = 0; i < c1.size(); ++i) {
      EXPECT_EQ(c1[i].feature, c2[i].feature);
      EXPECT_EQ(c1[i].weight, c2[i].weight);
    }
  }
  // Saving the loaded model gives the same bytes.
  ASSERT_TRUE(l->Save(Path("m2.model")).ok());
  EXPECT_EQ(ReadAll(Path("m.model")), ReadAll(Path("m2.model")));
}

TEST_F(LinearModelTest, CalibratorAttachedAndStored) {
  auto m = TrainSmall();
  ASSERT_TRUE(m);
  auto data = MakeData(300, 17);
  std::vector<std::vector<float>> rows;
  std::vector<int> labels;
  std::vector<float> p;
  for (const auto& e : data) {
    m->PredictRaw(e.tokens, &p);
    std::vector<float> row;
    for (float v : p) row.push_back(std::log(std::max(v, 1e-6f)));
    row.push_back(float(e.tokens.size()));  // one dense input
    rows.push_back(row);
    labels.push_back(m->LabelIndex(e.label));
  }
  auto cal = Calibrator::Train(rows, labels, {}, 3, CalibratorOptions{});
  ASSERT_TRUE(cal.ok()) << cal.status().ToString();
  auto mc = m->WithCalibrator(*cal);
  float dense = 10;
  std::vector<float> raw, calibrated, expected;
  m->PredictRaw(data[0].tokens, &raw);
  mc->Predict(data[0].tokens, &dense, 1, &calibrated);
  std::vector<float> x;
  for (float v : raw) x.push_back(std::log(std::max(v, 1e-6f)));
  x.push_back(dense);
  cal->Predict(x.data(), &expected);
  EXPECT_EQ(calibrated, expected);
  // The uncalibrated model's Predict is PredictRaw.
  std::vector<float> p0;
  m->Predict(data[0].tokens, nullptr, 0, &p0);
  EXPECT_EQ(p0, raw);

  ASSERT_TRUE(mc->Save(Path("c.model")).ok());
  auto l = LinearModel::Load(Path("c.model"));
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  std::vector<float> p2;
  (*l)->Predict(data[0].tokens, &dense, 1, &p2);
  EXPECT_EQ(p2, calibrated);
}

TEST_F(LinearModelTest, LoadErrorsNameThePath) {
  auto m = TrainSmall();
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->Save(Path("good.model")).ok());
  const std::string good = ReadAll(Path("good.model"));

  WriteAll(Path("magic.model"), "PK\x03\x04 this is a zip file, not a model");
  auto r = LinearModel::Load(Path("magic.model"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(), Path("magic.model") + ": not an ecoute model file (bad magic)");

  std::string v = good;
  uint32_t seven = 7;
  std::memcpy(v.data() + 8, &seven, 4);
  WriteAll(Path("version.model"), v);
  r = LinearModel::Load(Path("version.model"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            Path("version.model") + ": model format version 7, this build reads 2; retrain with `ecoute train`");
  // Version 1 (float rows) files are refused the same way.
  uint32_t one = 1;
  std::memcpy(v.data() + 8, &one, 4);
  WriteAll(Path("v1.model"), v);
  r = LinearModel::Load(Path("v1.model"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().message(),
            Path("v1.model") + ": model format version 1, this build reads 2; retrain with `ecoute train`");

  std::string fv = good;
  std::string key = "\"feature_version\":" + std::to_string(kFeatureVersion);
  size_t at = fv.find(key);
  ASSERT_NE(at, std::string::npos);
  fv[at + key.size() - 1] = char('0' + (kFeatureVersion + 1) % 10);
  WriteAll(Path("features.model"), fv);
  r = LinearModel::Load(Path("features.model"));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr(Path("features.model") + ": model was trained with feature version"));
  EXPECT_THAT(r.status().message(), HasSubstr("retrain"));

  WriteAll(Path("trunc.model"), good.substr(0, good.size() - 100));
  r = LinearModel::Load(Path("trunc.model"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kCorruption);
  EXPECT_THAT(r.status().message(), HasSubstr(Path("trunc.model") + ": truncated model file"));

  WriteAll(Path("short.model"), good.substr(0, 30));
  r = LinearModel::Load(Path("short.model"));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr(": truncated model file"));

  std::string flip = good;
  flip[flip.size() - 50] ^= 0x40;
  WriteAll(Path("flip.model"), flip);
  r = LinearModel::Load(Path("flip.model"));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr(Path("flip.model") + ": corrupt model file (checksum mismatch)"));

  r = LinearModel::Load(Path("missing.model"));
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), base::StatusCode::kNotFound);
  EXPECT_THAT(r.status().message(), HasSubstr(Path("missing.model")));

  WriteAll(Path("empty.model"), "");
  r = LinearModel::Load(Path("empty.model"));
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), HasSubstr("bad magic"));
}

TEST_F(LinearModelTest, ExplainPicksDistinctiveWords) {
  auto m = TrainSmall();
  ASSERT_TRUE(m);
  std::vector<std::string> toks = {"w3", "w17", "love", "w99", "excellent", "w5", "love"};
  auto c = m->Explain(toks, m->LabelIndex("pos"), 3);
  ASSERT_EQ(c.size(), 3u);
  EXPECT_TRUE(c[0].feature == "love" || c[0].feature == "excellent") << c[0].feature;
  EXPECT_GT(c[0].weight, 0);
  for (size_t i = 1; i < c.size(); ++i) EXPECT_GE(std::fabs(c[i - 1].weight), std::fabs(c[i].weight));
  // Merged duplicates: "love" appears once.
  auto all = m->Explain(toks, m->LabelIndex("pos"), -1);
  int love = 0;
  for (const auto& x : all) love += x.feature == "love";
  EXPECT_EQ(love, 1);
  // Bigrams appear as "a b".
  bool bigram = false;
  for (const auto& x : all) bigram |= x.feature.find(' ') != std::string::npos;
  EXPECT_TRUE(bigram);
  // Toward "neg", the positive cue weighs negatively.
  auto neg = m->Explain({"love"}, m->LabelIndex("neg"), 1);
  ASSERT_EQ(neg.size(), 1u);
  EXPECT_EQ(neg[0].feature, "love");
  EXPECT_LT(neg[0].weight, 0);
  EXPECT_TRUE(m->Explain(toks, 7, 3).empty());
}

TEST_F(LinearModelTest, RejectsBadInput) {
  LinearTrainOptions o = SmallOptions();
  EXPECT_FALSE(LinearModel::Train({}, o, "t", "en").ok());
  EXPECT_FALSE(LinearModel::Train({{{"a"}, "x", 1}, {{"b"}, "x", 1}}, o, "t", "en").ok());
  EXPECT_FALSE(LinearModel::Train({{{"a"}, "x y", 1}, {{"b"}, "z", 1}}, o, "t", "en").ok());
  o.dim = 0;
  EXPECT_FALSE(LinearModel::Train(MakeData(10, 1), o, "t", "en").ok());
}

// Run by hand: linear_model_test --gtest_also_run_disabled_tests --gtest_filter='*Speed*'
TEST_F(LinearModelTest, DISABLED_SpeedAndSize) {
  // 13 filler words from a 5000-word vocabulary: ~all bigrams distinct, as in real text.
  auto data = MakeData(20000, 7, 13, false, 5000);
  auto test = MakeData(2000, 8, 13, false, 5000);
  std::vector<Example> seen(data.begin(), data.begin() + 2000);
  auto ms = [](auto a, auto b) { return std::chrono::duration<double, std::milli>(b - a).count(); };
  for (int dim : {32, 16}) {
    for (int min_lines : {1, 2}) {
      LinearTrainOptions o;  // defaults: bucket 200000
      o.dim = dim;
      o.min_bigram_lines = min_lines;
      o.scratch_dir = dir_.string();
      auto t0 = std::chrono::steady_clock::now();
      auto r = LinearModel::Train(data, o, "t", "en");
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      auto t1 = std::chrono::steady_clock::now();
      auto m = *r;
      ASSERT_TRUE(m->Save(Path("big.model")).ok());
      auto t2 = std::chrono::steady_clock::now();
      auto l = LinearModel::Load(Path("big.model"));
      auto t3 = std::chrono::steady_clock::now();
      ASSERT_TRUE(l.ok());
      std::string file = ReadAll(Path("big.model"));
      size_t at = file.find("\"nbuckets\":");
      ASSERT_NE(at, std::string::npos);
      std::printf("dim %d, min_bigram_lines %d: train 20k lines %.0f ms; file %zu bytes (%lu bucket rows); "
                  "save %.1f ms; load %.1f ms\n",
                  dim, min_lines, ms(t0, t1), file.size(), std::stoul(file.substr(at + 11)), ms(t1, t2), ms(t2, t3));
      std::vector<float> p;
      double sink = 0;
      const int reps = 200;
      int correct = 0;
      for (const auto& e : test) {
        m->PredictRaw(e.tokens, &p);
        correct += m->labels()[size_t(std::max_element(p.begin(), p.end()) - p.begin())] == e.label;
      }
      for (const std::vector<Example>* set : {&test, &seen}) {
        auto t4 = std::chrono::steady_clock::now();
        for (int k = 0; k < reps; ++k)
          for (const auto& e : *set) {
            m->PredictRaw(e.tokens, &p);
            sink += p[0];
          }
        auto t5 = std::chrono::steady_clock::now();
        std::printf("  PredictRaw (15 tokens), %s: %.0f predictions/s (sink %.1f)\n",
                    set == &test ? "unseen messages" : "training messages", reps * set->size() / (ms(t4, t5) / 1000),
                    sink);
      }
      std::printf("  held-out accuracy %d/%zu\n", correct, test.size());
    }
  }
}

}  // namespace
}  // namespace ecoute::classify
