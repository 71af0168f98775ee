#include "train/eval.h"

#include <array>
#include <set>
#include <cstdio>

#include "classify/labels.h"
#include "model/mention.h"
#include "text/text.h"

namespace ecoute::train {
namespace {

struct Column {
  std::vector<std::string> gold, predicted;
  std::vector<double> confidence;
  void Add(std::string g, std::string p, double c) {
    gold.push_back(std::move(g));
    predicted.push_back(std::move(p));
    confidence.push_back(c);
  }
};

// The mention the product would see for a row: its text, channel and
// declared language (or the text stage's detection).
model::Mention AnalyzedMention(const LabeledText& t) {
  model::Mention m;
  m.text = t.text;
  if (auto ch = model::ParseChannel(t.channel)) m.channel = *ch;
  if (!t.lang.empty()) {
    m.language = t.lang;
    m.language_declared = true;
    m.language_confidence = 1;
  }
  text::Analyze(m);
  return m;
}

}  // namespace

EvalReport Evaluate(const classify::Classifier& c, const std::vector<LabeledText>& rows,
                    const std::vector<std::string>& categories) {
  // task -> lang -> column
  std::map<std::string, std::map<std::string, Column>> cols;
  classify::Result r;
  for (const LabeledText& t : rows) {
    const model::Mention m = AnalyzedMention(t);
    c.Classify(m, classify::Classifier::kAlwaysCategory, &r);
    const std::string lang = m.language;
    auto add = [&](const std::string& task, const std::string& g, const std::string& p, double conf) {
      cols[task][lang].Add(g, p, conf);
      cols[task]["all"].Add(g, p, conf);
    };
    if (t.sentiment) add("sentiment", *t.sentiment, r.sentiment, r.sentiment_score);
    if (t.cr) {
      add("needs_reply", *t.cr ? "true" : "false", r.needs_reply ? "true" : "false",
          r.needs_reply ? r.needs_reply_score : 1 - r.needs_reply_score);
    }
    if (t.cr && *t.cr && t.category && *t.category != classify::kNoCategory) {
      add("category", *t.category, r.best_category, 0);
    }
    if (t.severity) add("severity", *t.severity, r.severity_level, 0);
  }
  EvalReport report;
  report.rows = rows.size();
  for (auto& [task, by_lang] : cols) {
    std::vector<std::string> labels;
    if (task == "sentiment") labels.assign(classify::kSentiments.begin(), classify::kSentiments.end());
    if (task == "needs_reply") labels = {"true", "false"};
    if (task == "category") {
      // Only the categories this set has: a taxonomy category absent from
      // the gold labels would count as an F1 of 0 in the macro average.
      std::set<std::string> present;
      for (const auto& [lang, col] : by_lang) present.insert(col.gold.begin(), col.gold.end());
      for (const std::string& name : categories) {
        if (present.count(name)) labels.push_back(name);
      }
    }
    if (task == "severity") labels.assign(classify::kSeverityLevels.begin(), classify::kSeverityLevels.end());
    for (auto& [lang, col] : by_lang) {
      const bool calibrated = task == "sentiment" || task == "needs_reply";
      report.scores[task][lang] =
          classify::Score(col.gold, col.predicted, calibrated ? col.confidence : std::vector<double>{}, labels);
    }
  }
  return report;
}

Agreement CrossLanguageAgreement(const classify::Classifier& c, const std::vector<LabeledText>& rows) {
  static const char* kFields[] = {"sentiment", "needs_reply", "category", "severity_level"};
  std::map<std::string, std::vector<std::array<std::string, 4>>> by_pair;
  classify::Result r;
  for (const LabeledText& t : rows) {
    if (t.pair.empty()) continue;
    const model::Mention m = AnalyzedMention(t);
    c.Classify(m, 0, &r);
    by_pair[t.pair].push_back({r.sentiment, r.needs_reply ? "true" : "false", r.category, r.severity_level});
  }
  Agreement a;
  std::map<std::string, size_t> same;
  size_t all = 0;
  for (const auto& [pair, labels] : by_pair) {
    if (labels.size() < 2) continue;
    ++a.pairs;
    bool every = true;
    for (size_t f = 0; f < 4; ++f) {
      bool ok = true;
      for (const auto& l : labels) ok = ok && l[f] == labels[0][f];
      same[kFields[f]] += ok;
      every = every && ok;
    }
    all += every;
  }
  for (const char* f : kFields) a.by_field[f] = a.pairs ? static_cast<double>(same[f]) / a.pairs : 0;
  a.all_fields = a.pairs ? static_cast<double>(all) / a.pairs : 0;
  return a;
}

std::string FormatAgreement(const Agreement& a) {
  std::string out = "same labels across languages (" + std::to_string(a.pairs) + " pairs):";
  char buf[64];
  for (const auto& [field, v] : a.by_field) {
    std::snprintf(buf, sizeof buf, " %s %.3f", field.c_str(), v);
    out += buf;
  }
  std::snprintf(buf, sizeof buf, "; all four %.3f\n", a.all_fields);
  return out + buf;
}

std::string FormatReport(const std::string& title, const EvalReport& r) {
  std::string out = "# " + title + " (" + std::to_string(r.rows) + " rows)\n";
  for (const auto& [task, by_lang] : r.scores) {
    for (const auto& [lang, s] : by_lang) {
      out += "\n" + classify::FormatScores(task + " / " + lang, s);
    }
  }
  return out;
}

}  // namespace ecoute::train
