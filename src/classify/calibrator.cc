// Multinomial logistic regression, trained by deterministic full-batch
// gradient descent on the weighted mean cross-entropy plus (l2/2)·|W|^2
// (biases not penalised), over standardised inputs.
//
// `lr` is the initial step; each iteration backtracks (halving) until the
// Armijo condition holds, then lets the next step grow by 1.5x. This keeps
// the descent monotone whatever the conditioning of the inputs, with no
// randomness: the same data gives the same weights. Training stops after
// `iterations` steps or once the gradient is negligible.
#include "classify/calibrator.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace ecoute::classify {

namespace {

// Weighted mean loss and its gradient at `w` (classes x (d + 1)).
double Evaluate(const std::vector<double>& z, const std::vector<int>& labels, const std::vector<double>& wt,
                double wsum, int d, int k, double l2, const std::vector<double>& w, std::vector<double>* grad) {
  const size_t n = labels.size();
  const size_t stride = size_t(d) + 1;
  grad->assign(w.size(), 0.0);
  std::vector<double> logit(static_cast<size_t>(k));
  double loss = 0;
  for (size_t i = 0; i < n; ++i) {
    const double* zi = z.data() + i * size_t(d);
    double mx = -1e300;
    for (int c = 0; c < k; ++c) {
      const double* wc = w.data() + size_t(c) * stride;
      double a = wc[d];
      for (int j = 0; j < d; ++j) a += wc[j] * zi[j];
      logit[size_t(c)] = a;
      mx = std::max(mx, a);
    }
    double s = 0;
    for (int c = 0; c < k; ++c) s += std::exp(logit[size_t(c)] - mx);
    const double lse = mx + std::log(s);
    loss += wt[i] * (lse - logit[size_t(labels[i])]);
    for (int c = 0; c < k; ++c) {
      double g = std::exp(logit[size_t(c)] - lse) - (c == labels[i] ? 1.0 : 0.0);
      g *= wt[i];
      double* gc = grad->data() + size_t(c) * stride;
      for (int j = 0; j < d; ++j) gc[j] += g * zi[j];
      gc[d] += g;
    }
  }
  loss /= wsum;
  for (double& g : *grad) g /= wsum;
  double reg = 0;
  for (int c = 0; c < k; ++c) {
    for (int j = 0; j < d; ++j) {
      const size_t idx = size_t(c) * stride + size_t(j);
      reg += w[idx] * w[idx];
      (*grad)[idx] += l2 * w[idx];
    }
  }
  return loss + 0.5 * l2 * reg;
}

void PutU32(std::string* out, uint32_t v) {
  char b[4];
  std::memcpy(b, &v, 4);
  out->append(b, 4);
}

}  // namespace

base::Result<Calibrator> Calibrator::Train(const std::vector<std::vector<float>>& rows,
                                           const std::vector<int>& labels, const std::vector<float>& weights,
                                           int classes, const CalibratorOptions& options) {
  using base::Status;
  if (classes < 2) return Status::InvalidArgument("calibrator: need at least 2 classes");
  if (rows.empty()) return Status::InvalidArgument("calibrator: no training rows");
  if (labels.size() != rows.size())
    return Status::InvalidArgument("calibrator: " + std::to_string(rows.size()) + " rows but " +
                                   std::to_string(labels.size()) + " labels");
  if (!weights.empty() && weights.size() != rows.size())
    return Status::InvalidArgument("calibrator: " + std::to_string(rows.size()) + " rows but " +
                                   std::to_string(weights.size()) + " weights");
  if (!(options.l2 >= 0) || !(options.lr > 0) || options.iterations < 0)
    return Status::InvalidArgument("calibrator: bad options (need l2 >= 0, lr > 0, iterations >= 0)");
  const int d = int(rows[0].size());
  const size_t n = rows.size();
  double wsum = 0;
  std::vector<double> wt(n, 1.0);
  for (size_t i = 0; i < n; ++i) {
    if (int(rows[i].size()) != d)
      return Status::InvalidArgument("calibrator: row " + std::to_string(i) + " has " +
                                     std::to_string(rows[i].size()) + " inputs, expected " + std::to_string(d));
    if (labels[i] < 0 || labels[i] >= classes)
      return Status::InvalidArgument("calibrator: label " + std::to_string(labels[i]) + " of row " +
                                     std::to_string(i) + " is outside [0, " + std::to_string(classes) + ")");
    for (float v : rows[i])
      if (!std::isfinite(v)) return Status::InvalidArgument("calibrator: row " + std::to_string(i) + " is not finite");
    if (!weights.empty()) {
      if (!(weights[i] >= 0) || !std::isfinite(weights[i]))
        return Status::InvalidArgument("calibrator: weight of row " + std::to_string(i) + " must be finite and >= 0");
      wt[i] = weights[i];
    }
    wsum += wt[i];
  }
  if (!(wsum > 0)) return Status::InvalidArgument("calibrator: all weights are zero");

  Calibrator c;
  c.inputs_ = d;
  c.classes_ = classes;
  c.mean_.assign(size_t(d), 0.0f);
  c.scale_.assign(size_t(d), 1.0f);
  std::vector<double> z(n * size_t(d));
  for (int j = 0; j < d; ++j) {
    double m = 0;
    for (size_t i = 0; i < n; ++i) m += wt[i] * rows[i][size_t(j)];
    m /= wsum;
    double v = 0;
    for (size_t i = 0; i < n; ++i) {
      double dv = rows[i][size_t(j)] - m;
      v += wt[i] * dv * dv;
    }
    double sd = std::sqrt(v / wsum);
    if (!(sd > 1e-8)) sd = 1.0;
    c.mean_[size_t(j)] = float(m);
    c.scale_[size_t(j)] = float(sd);
  }
  // Standardise with the stored (float) statistics so Predict sees the same.
  for (size_t i = 0; i < n; ++i)
    for (int j = 0; j < d; ++j)
      z[i * size_t(d) + size_t(j)] =
          (double(rows[i][size_t(j)]) - c.mean_[size_t(j)]) / double(c.scale_[size_t(j)]);

  const size_t np = size_t(classes) * (size_t(d) + 1);
  std::vector<double> w(np, 0.0), g, trial(np), tg;
  double f = Evaluate(z, labels, wt, wsum, d, classes, options.l2, w, &g);
  double step = options.lr;
  for (int it = 0; it < options.iterations; ++it) {
    double gg = 0, gmax = 0;
    for (double v : g) {
      gg += v * v;
      gmax = std::max(gmax, std::fabs(v));
    }
    if (gmax < 1e-9) break;
    double ft = 0;
    bool accepted = false;
    for (int tries = 0; tries < 60; ++tries) {
      for (size_t p = 0; p < np; ++p) trial[p] = w[p] - step * g[p];
      ft = Evaluate(z, labels, wt, wsum, d, classes, options.l2, trial, &tg);
      if (std::isfinite(ft) && ft <= f - 1e-4 * step * gg) {
        accepted = true;
        break;
      }
      step *= 0.5;
    }
    if (!accepted) break;  // no descent possible at machine precision
    w.swap(trial);
    g.swap(tg);
    f = ft;
    step *= 1.5;
  }
  c.w_.resize(np);
  for (size_t p = 0; p < np; ++p) c.w_[p] = float(w[p]);
  return c;
}

void Calibrator::Predict(const float* x, std::vector<float>* probs) const {
  probs->resize(size_t(classes_));
  if (classes_ == 0) return;
  const size_t stride = size_t(inputs_) + 1;
  float* out = probs->data();
  float mx = -1e30f;
  for (int c = 0; c < classes_; ++c) {
    const float* wc = w_.data() + size_t(c) * stride;
    float a = wc[inputs_];
    for (int j = 0; j < inputs_; ++j) a += wc[j] * ((x[j] - mean_[size_t(j)]) / scale_[size_t(j)]);
    out[c] = a;
    mx = std::max(mx, a);
  }
  float s = 0;
  for (int c = 0; c < classes_; ++c) {
    out[c] = std::exp(out[c] - mx);
    s += out[c];
  }
  for (int c = 0; c < classes_; ++c) out[c] /= s;
}

void Calibrator::AppendTo(std::string* out) const {
  PutU32(out, uint32_t(inputs_));
  PutU32(out, uint32_t(classes_));
  auto floats = [&](const std::vector<float>& v) {
    out->append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
  };
  floats(mean_);
  floats(scale_);
  floats(w_);
}

base::Status Calibrator::ReadFrom(const std::string& data, size_t* pos) {
  auto truncated = [] { return base::Status::Corruption("calibrator truncated"); };
  if (*pos > data.size()) return truncated();
  size_t p = *pos;
  uint32_t inputs = 0, classes = 0;
  if (data.size() - p < 8) return truncated();
  std::memcpy(&inputs, data.data() + p, 4);
  std::memcpy(&classes, data.data() + p + 4, 4);
  p += 8;
  if (classes == 1 || classes > 100000 || inputs > 100000 || (classes == 0 && inputs != 0))
    return base::Status::Corruption("calibrator has bad sizes (" + std::to_string(inputs) + " inputs, " +
                                    std::to_string(classes) + " classes)");
  const size_t nf = 2 * size_t(inputs) + size_t(classes) * (size_t(inputs) + 1);
  if ((data.size() - p) / sizeof(float) < nf) return truncated();
  auto floats = [&](std::vector<float>* v, size_t count) {
    v->resize(count);
    if (count) std::memcpy(v->data(), data.data() + p, count * sizeof(float));
    p += count * sizeof(float);
  };
  Calibrator c;
  c.inputs_ = int(inputs);
  c.classes_ = int(classes);
  floats(&c.mean_, inputs);
  floats(&c.scale_, inputs);
  floats(&c.w_, size_t(classes) * (size_t(inputs) + 1));
  for (float s : c.scale_)
    if (!(s > 0) || !std::isfinite(s)) return base::Status::Corruption("calibrator has a bad input scale");
  *this = std::move(c);
  *pos = p;
  return base::Status::Ok();
}

}  // namespace ecoute::classify
