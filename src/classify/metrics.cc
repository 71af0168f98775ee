// Classification metrics.
//
// Conventions (sklearn-like, with labels= given):
//   - precision = tp / predicted, recall = tp / support, F1 = 2PR/(P+R);
//     each is 0 when its denominator is 0;
//   - macro-F1 is the unweighted mean of F1 over every row label, i.e. the
//     labels in `labels` (even with zero support) plus any gold label that
//     was missing from it (appended in order of first appearance);
//   - confusion columns are the row labels, then predictions outside them
//     (e.g. "unknown") sorted by name;
//   - ECE: 10 equal-width bins on the predicted label's confidence (clamped
//     to [0, 1]; bin i covers [i/10, (i+1)/10), the last one includes 1),
//     sum over bins of |bin| / n * |accuracy(bin) - mean confidence(bin)|.
#include "classify/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <set>
#include <unordered_map>

#include "base/check.h"

namespace ecoute::classify {

Scores Score(const std::vector<std::string>& gold, const std::vector<std::string>& predicted,
             const std::vector<double>& confidence, std::vector<std::string> labels) {
  ECOUTE_CHECK_MSG(gold.size() == predicted.size(), "Score: gold and predicted differ in size");
  ECOUTE_CHECK_MSG(confidence.empty() || confidence.size() == gold.size(),
                   "Score: confidence must be empty or one per prediction");
  Scores s;
  s.n = int(gold.size());

  std::unordered_map<std::string, int> row;
  {
    std::vector<std::string> uniq;
    for (auto& l : labels)
      if (row.emplace(l, int(uniq.size())).second) uniq.push_back(l);
    for (const auto& g : gold)
      if (row.emplace(g, int(uniq.size())).second) uniq.push_back(g);
    labels = std::move(uniq);
  }
  s.columns = labels;
  std::unordered_map<std::string, int> col(row);
  {
    std::set<std::string> extra;
    for (const auto& p : predicted)
      if (!row.count(p)) extra.insert(p);
    for (const auto& e : extra) {
      col.emplace(e, int(s.columns.size()));
      s.columns.push_back(e);
    }
  }
  s.confusion.assign(labels.size(), std::vector<int>(s.columns.size(), 0));
  int correct = 0;
  for (size_t i = 0; i < gold.size(); ++i) {
    s.confusion[size_t(row[gold[i]])][size_t(col[predicted[i]])]++;
    if (gold[i] == predicted[i]) ++correct;
  }
  s.accuracy = s.n > 0 ? double(correct) / s.n : 0.0;

  double f1sum = 0;
  for (size_t r = 0; r < labels.size(); ++r) {
    ClassScores c;
    c.label = labels[r];
    for (size_t k = 0; k < s.columns.size(); ++k) c.support += s.confusion[r][k];
    for (size_t g = 0; g < labels.size(); ++g) c.predicted += s.confusion[g][r];
    const int tp = s.confusion[r][r];
    c.precision = c.predicted > 0 ? double(tp) / c.predicted : 0.0;
    c.recall = c.support > 0 ? double(tp) / c.support : 0.0;
    c.f1 = c.precision + c.recall > 0 ? 2 * c.precision * c.recall / (c.precision + c.recall) : 0.0;
    f1sum += c.f1;
    s.classes.push_back(std::move(c));
  }
  s.macro_f1 = labels.empty() ? 0.0 : f1sum / double(labels.size());

  if (!confidence.empty() && s.n > 0) {
    constexpr int kBins = 10;
    double conf_sum[kBins] = {}, acc_sum[kBins] = {};
    int count[kBins] = {};
    for (size_t i = 0; i < gold.size(); ++i) {
      double c = confidence[i];
      if (!std::isfinite(c)) c = 0;
      c = std::clamp(c, 0.0, 1.0);
      int b = std::min(kBins - 1, int(std::floor(c * kBins)));
      conf_sum[b] += c;
      acc_sum[b] += gold[i] == predicted[i] ? 1.0 : 0.0;
      count[b]++;
    }
    double ece = 0;
    for (int b = 0; b < kBins; ++b)
      if (count[b] > 0) ece += std::fabs(acc_sum[b] - conf_sum[b]) / s.n;  // = |B|/n * |acc - conf|
    s.ece = ece;
  }
  return s;
}

namespace {
std::string Fmt(const char* f, double v) {
  char b[64];
  std::snprintf(b, sizeof b, f, v);
  return b;
}
std::string PadRight(const std::string& s, size_t w) { return s.size() >= w ? s : s + std::string(w - s.size(), ' '); }
std::string PadLeft(const std::string& s, size_t w) { return s.size() >= w ? s : std::string(w - s.size(), ' ') + s; }
}  // namespace

std::string FormatScores(const std::string& title, const Scores& s) {
  std::string out;
  if (!title.empty()) out += title + "\n";
  size_t lw = 5;  // "label"
  for (const auto& c : s.classes) lw = std::max(lw, c.label.size());
  out += PadRight("label", lw) + "  precision  recall      f1  support  predicted\n";
  for (const auto& c : s.classes) {
    out += PadRight(c.label, lw) + "  " + PadLeft(Fmt("%.3f", c.precision), 9) + "  " +
           PadLeft(Fmt("%.3f", c.recall), 6) + "  " + PadLeft(Fmt("%.3f", c.f1), 6) + "  " +
           PadLeft(std::to_string(c.support), 7) + "  " + PadLeft(std::to_string(c.predicted), 9) + "\n";
  }
  out += "\nn " + std::to_string(s.n) + "  accuracy " + Fmt("%.3f", s.accuracy) + "  macro-F1 " +
         Fmt("%.3f", s.macro_f1) + "  ECE " + Fmt("%.3f", s.ece) + "\n";

  out += "\nconfusion (rows: gold, columns: predicted)\n";
  size_t rw = std::max<size_t>(lw, 4);
  std::vector<size_t> cw;
  for (size_t k = 0; k < s.columns.size(); ++k) {
    size_t w = s.columns[k].size();
    for (const auto& r : s.confusion) w = std::max(w, std::to_string(r[k]).size());
    cw.push_back(w);
  }
  out += PadRight("", rw);
  for (size_t k = 0; k < s.columns.size(); ++k) out += "  " + PadLeft(s.columns[k], cw[k]);
  out += "\n";
  for (size_t r = 0; r < s.confusion.size(); ++r) {
    out += PadRight(r < s.classes.size() ? s.classes[r].label : "", rw);
    for (size_t k = 0; k < s.columns.size(); ++k) out += "  " + PadLeft(std::to_string(s.confusion[r][k]), cw[k]);
    out += "\n";
  }
  return out;
}

}  // namespace ecoute::classify
