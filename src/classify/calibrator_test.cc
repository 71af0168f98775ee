#include "classify/calibrator.h"

#include <cmath>
#include <random>

#include <gtest/gtest.h>

namespace ecoute::classify {
namespace {

std::vector<double> Softmax(const std::vector<double>& z) {
  double mx = *std::max_element(z.begin(), z.end()), s = 0;
  std::vector<double> p(z.size());
  for (size_t i = 0; i < z.size(); ++i) s += p[i] = std::exp(z[i] - mx);
  for (double& v : p) v /= s;
  return p;
}

// Samples from a known multinomial logistic model over 2 inputs (with a
// deliberately unstandardised scale/offset on the second one).
struct Generated {
  std::vector<std::vector<float>> rows;
  std::vector<int> labels;
  std::vector<std::vector<double>> truth;
};
Generated Generate(int n, int classes, uint32_t seed) {
  const double w[3][3] = {{1.5, -1.0, 0.2}, {-1.0, 0.5, -0.3}, {0.0, 1.2, 0.1}};  // x0, x1', bias
  std::mt19937 rng(seed);
  std::normal_distribution<double> nd;
  std::uniform_real_distribution<double> u(0, 1);
  Generated g;
  for (int i = 0; i < n; ++i) {
    double x0 = nd(rng), x1 = nd(rng);
    std::vector<double> z;
    for (int c = 0; c < classes; ++c) z.push_back(w[c][0] * x0 + w[c][1] * x1 + w[c][2]);
    auto p = Softmax(z);
    double r = u(rng), acc = 0;
    int y = classes - 1;
    for (int c = 0; c < classes; ++c) {
      acc += p[size_t(c)];
      if (r < acc) {
        y = c;
        break;
      }
    }
    g.rows.push_back({float(x0), float(10 * x1 + 50)});
    g.labels.push_back(y);
    g.truth.push_back(p);
  }
  return g;
}

void ExpectCalibrated(int classes) {
  auto train = Generate(20000, classes, 1);
  CalibratorOptions o;
  o.l2 = 1e-5;
  auto c = Calibrator::Train(train.rows, train.labels, {}, classes, o);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->classes(), classes);
  EXPECT_EQ(c->inputs(), 2);
  auto test = Generate(3000, classes, 2);
  double err = 0, worst = 0;
  // Binned calibration of the top class (ECE) against the true labels' proxy:
  // compare predicted with true probabilities directly.
  std::vector<float> p;
  for (size_t i = 0; i < test.rows.size(); ++i) {
    c->Predict(test.rows[i].data(), &p);
    ASSERT_EQ(p.size(), size_t(classes));
    for (int k = 0; k < classes; ++k) {
      double d = std::fabs(p[size_t(k)] - test.truth[i][size_t(k)]);
      err += d;
      worst = std::max(worst, d);
    }
  }
  err /= double(test.rows.size() * size_t(classes));
  EXPECT_LT(err, 0.015) << "mean |p - p_true|";
  EXPECT_LT(worst, 0.08);
  // ECE on held-out sampled labels, 10 bins on the top class.
  double conf[10] = {}, hit[10] = {};
  int cnt[10] = {};
  for (size_t i = 0; i < test.rows.size(); ++i) {
    c->Predict(test.rows[i].data(), &p);
    int top = int(std::max_element(p.begin(), p.end()) - p.begin());
    int b = std::min(9, int(p[size_t(top)] * 10));
    conf[b] += p[size_t(top)];
    hit[b] += top == test.labels[i];
    cnt[b]++;
  }
  double ece = 0;
  for (int b = 0; b < 10; ++b) ece += std::fabs(hit[b] - conf[b]) / double(test.rows.size());
  EXPECT_LT(ece, 0.03);
}

TEST(CalibratorTest, RecoversKnownBinaryModel) { ExpectCalibrated(2); }
TEST(CalibratorTest, RecoversKnownThreeClassModel) { ExpectCalibrated(3); }

TEST(CalibratorTest, LearnsSeparableData) {
  std::vector<std::vector<float>> rows;
  std::vector<int> labels;
  for (int i = -50; i <= 50; ++i) {
    if (i == 0) continue;
    rows.push_back({float(i) / 10, 1.0f});  // constant second input: scale falls back to 1
    labels.push_back(i > 0 ? 1 : 0);
  }
  auto c = Calibrator::Train(rows, labels, {}, 2, CalibratorOptions{});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  std::vector<float> p;
  float x[2] = {2.0f, 1.0f};
  c->Predict(x, &p);
  EXPECT_GT(p[1], 0.9f);
  x[0] = -2.0f;
  c->Predict(x, &p);
  EXPECT_GT(p[0], 0.9f);
  for (size_t i = 0; i < rows.size(); ++i) {
    c->Predict(rows[i].data(), &p);
    EXPECT_EQ(p[1] > 0.5f, labels[i] == 1) << rows[i][0];
    EXPECT_TRUE(std::isfinite(p[0]) && std::isfinite(p[1]));
  }
}

TEST(CalibratorTest, WeightsActLikeRepetition) {
  auto g = Generate(2000, 3, 5);
  std::vector<std::vector<float>> rep = g.rows;
  std::vector<int> replab = g.labels;
  std::vector<float> w(g.rows.size(), 1.0f);
  for (size_t i = 0; i < 500; ++i) {
    w[i] = 2.0f;
    rep.push_back(g.rows[i]);
    replab.push_back(g.labels[i]);
  }
  auto a = Calibrator::Train(g.rows, g.labels, w, 3, CalibratorOptions{});
  auto b = Calibrator::Train(rep, replab, {}, 3, CalibratorOptions{});
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<float> pa, pb;
  for (size_t i = 0; i < 50; ++i) {
    a->Predict(g.rows[i].data(), &pa);
    b->Predict(g.rows[i].data(), &pb);
    for (int k = 0; k < 3; ++k) EXPECT_NEAR(pa[size_t(k)], pb[size_t(k)], 1e-4);
  }
}

TEST(CalibratorTest, DeterministicAndSerialises) {
  auto g = Generate(1000, 3, 9);
  auto a = Calibrator::Train(g.rows, g.labels, {}, 3, CalibratorOptions{});
  auto b = Calibrator::Train(g.rows, g.labels, {}, 3, CalibratorOptions{});
  ASSERT_TRUE(a.ok() && b.ok());
  std::string sa, sb;
  a->AppendTo(&sa);
  b->AppendTo(&sb);
  EXPECT_EQ(sa, sb);

  std::string buf = "prefix";
  a->AppendTo(&buf);
  buf += "suffix";
  size_t pos = 6;
  Calibrator r;
  ASSERT_TRUE(r.ReadFrom(buf, &pos).ok());
  EXPECT_EQ(pos, buf.size() - 6);
  EXPECT_EQ(r.inputs(), 2);
  EXPECT_EQ(r.classes(), 3);
  std::vector<float> p1, p2;
  for (size_t i = 0; i < 20; ++i) {
    a->Predict(g.rows[i].data(), &p1);
    r.Predict(g.rows[i].data(), &p2);
    EXPECT_EQ(p1, p2);
  }

  // Empty calibrator round trip.
  Calibrator empty;
  std::string se;
  empty.AppendTo(&se);
  pos = 0;
  Calibrator e2;
  ASSERT_TRUE(e2.ReadFrom(se, &pos).ok());
  EXPECT_TRUE(e2.empty());

  // Truncated.
  for (size_t cut : {size_t(0), size_t(3), size_t(8), sa.size() - 1}) {
    pos = 0;
    Calibrator t;
    base::Status st = t.ReadFrom(sa.substr(0, cut), &pos);
    EXPECT_FALSE(st.ok()) << cut;
    EXPECT_EQ(st.code(), base::StatusCode::kCorruption);
    EXPECT_EQ(pos, 0u);
  }
}

TEST(CalibratorTest, BadSizesAreInvalidArgument) {
  using base::StatusCode;
  std::vector<std::vector<float>> rows = {{1, 2}, {3, 4}, {5, 6}};
  std::vector<int> labels = {0, 1, 0};
  CalibratorOptions o;
  EXPECT_TRUE(Calibrator::Train(rows, labels, {}, 2, o).ok());
  auto code = [](const base::Result<Calibrator>& r) { return r.ok() ? StatusCode::kOk : r.status().code(); };
  EXPECT_EQ(code(Calibrator::Train(rows, {0, 1}, {}, 2, o)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Calibrator::Train({{1, 2}, {3}, {5, 6}}, labels, {}, 2, o)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Calibrator::Train(rows, {0, 2, 0}, {}, 2, o)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Calibrator::Train(rows, {0, -1, 0}, {}, 2, o)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Calibrator::Train(rows, labels, {1, 1}, 2, o)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Calibrator::Train(rows, labels, {1, -1, 1}, 2, o)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Calibrator::Train(rows, labels, {0, 0, 0}, 2, o)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Calibrator::Train(rows, labels, {}, 1, o)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Calibrator::Train({}, {}, {}, 2, o)), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(Calibrator::Train({{1, NAN}, {3, 4}, {5, 6}}, labels, {}, 2, o)), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ecoute::classify
