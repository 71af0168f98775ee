#include "train/trainer.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>

#include "classify/calibrator.h"
#include "classify/classifier.h"
#include "classify/features.h"
#include "classify/labels.h"
#include "classify/linear_model.h"
#include "model/mention.h"

namespace ecoute::train {
namespace {

namespace fs = std::filesystem;
using classify::Example;
using classify::LinearModel;
using classify::LinearTrainOptions;

// One training row of a task: the model's tokens, the dense signals, a label.
struct Row {
  const std::vector<std::string>* tokens;
  const float* dense;
  std::string label;
  float weight;
  std::string origin;
};

// Featurised text, shared by every task that reads it.
struct Prepared {
  std::vector<std::string> tokens;       // sentiment models
  std::vector<std::string> care_tokens;  // needs-reply, category, severity
  std::array<float, classify::kDenseSize> dense{};
};

class Featurizer {
 public:
  Featurizer(std::shared_ptr<const classify::Lexicons> lex, std::shared_ptr<const classify::RuleSet> rules)
      : lex_(std::move(lex)), rules_(std::move(rules)) {}

  const Prepared& Get(const LabeledText& t) {
    const std::string key = t.lang + '\x1f' + t.channel + '\x1f' + t.text;
    auto it = cache_.find(key);
    if (it != cache_.end()) return *it->second;
    auto p = std::make_unique<Prepared>();
    model::Mention m;
    m.text = t.text;
    m.language = t.lang.empty() ? "und" : t.lang;
    if (auto ch = model::ParseChannel(t.channel)) m.channel = *ch;
    classify::Featurize(m.text, m.language, *lex_, &features_);
    hits_.clear();
    rules_->Detect(m, &hits_);
    classify::CareTokens(features_, hits_, &p->care_tokens);
    p->tokens = features_.tokens;
    p->dense = features_.dense;
    return *cache_.emplace(key, std::move(p)).first->second;
  }

 private:
  std::shared_ptr<const classify::Lexicons> lex_;
  std::shared_ptr<const classify::RuleSet> rules_;
  classify::Features features_;
  std::vector<classify::CueHit> hits_;
  std::map<std::string, std::unique_ptr<Prepared>> cache_;
};

std::vector<Example> ToExamples(const std::vector<Row>& rows, const std::vector<size_t>& idx) {
  std::vector<Example> out;
  out.reserve(idx.size());
  for (size_t i : idx) out.push_back({*rows[i].tokens, rows[i].label, rows[i].weight});
  return out;
}

// Trains the fastText model of one task, with a calibrator fitted on
// out-of-fold predictions (5 folds) over log-probabilities + dense signals.
base::Result<std::shared_ptr<const LinearModel>> TrainTask(const std::vector<Row>& rows,
                                                           const LinearTrainOptions& lo, const std::string& task,
                                                           const std::string& lang, int seed, bool quick) {
  if (rows.empty()) return base::Status::InvalidArgument(task + "/" + lang + ": no training rows");
  std::vector<size_t> order(rows.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::mt19937 rng(static_cast<uint32_t>(seed));
  std::shuffle(order.begin(), order.end(), rng);
  const int folds = quick ? 2 : 5;
  std::vector<std::vector<float>> cal_rows(rows.size());
  std::vector<int> cal_labels(rows.size(), -1);
  std::vector<float> cal_weights(rows.size());
  std::vector<std::string> labels;
  {
    std::set<std::string> s;
    for (const Row& r : rows) s.insert(r.label);
    labels.assign(s.begin(), s.end());
  }
  std::vector<float> probs;
  for (int k = 0; k < folds; ++k) {
    std::vector<size_t> fit, held;
    for (size_t j = 0; j < order.size(); ++j) (static_cast<int>(j % folds) == k ? held : fit).push_back(order[j]);
    auto m = LinearModel::Train(ToExamples(rows, fit), lo, task, lang);
    if (!m.ok()) return m.status();
    for (size_t i : held) {
      (*m)->PredictRaw(*rows[i].tokens, &probs);
      std::vector<float> x(labels.size(), std::log(1e-6f));
      for (size_t l = 0; l < (*m)->labels().size(); ++l) {
        auto pos = std::find(labels.begin(), labels.end(), (*m)->labels()[l]) - labels.begin();
        x[pos] = std::log(std::max(probs[l], 1e-6f));
      }
      x.insert(x.end(), rows[i].dense, rows[i].dense + classify::kDenseSize);
      cal_rows[i] = std::move(x);
      cal_labels[i] = static_cast<int>(std::find(labels.begin(), labels.end(), rows[i].label) - labels.begin());
      cal_weights[i] = rows[i].weight;
    }
  }
  auto final_model = LinearModel::Train(ToExamples(rows, order), lo, task, lang);
  if (!final_model.ok()) return final_model.status();
  if ((*final_model)->labels() != labels) {
    return base::Status::Internal(task + "/" + lang + ": label order differs between folds and final model");
  }
  auto cal = classify::Calibrator::Train(cal_rows, cal_labels, cal_weights, static_cast<int>(labels.size()), {});
  if (!cal.ok()) return cal.status();
  return (*final_model)->WithCalibrator(std::move(*cal));
}

// Weights per dataset: the hand-written care set is the reference; public
// sets from other domains count less; user corrections count most.
float WeightOf(const std::string& origin) {
  if (origin.rfind("customer-care", 0) == 0) return 2;
  if (origin == "correction") return 4;
  if (origin == "taxonomy") return 3;
  if (origin.rfind("xlmt", 0) == 0) return 1;
  if (origin == "airline-tweets") return 0.5;
  if (origin == "french-tv-reviews") return 0.5;
  return 0.5;
}

std::string Licence(const std::string& origin) {
  if (origin.rfind("customer-care", 0) == 0) return "ecoute's own, project licence";
  if (origin.rfind("xlmt", 0) == 0) return "Apache-2.0 (XLM-T); French from DEFT-2017 (research use), English from SemEval-2017";
  if (origin == "airline-tweets") return "CC BY-NC-SA 4.0 (non-commercial)";
  if (origin == "french-tv-reviews") return "none stated (Dong & de Melo 2018)";
  if (origin == "twcs/spotifycares-inbound") return "CC BY-NC-SA 4.0 (non-commercial)";
  if (origin == "correction") return "your labels (store corrections)";
  if (origin.rfind("free-fr-tweets", 0) == 0) return "MIT (repository); tweets under X's terms; labels by ecoute's first-pass models";
  if (origin == "taxonomy") return "your taxonomy examples (ecoute.yaml)";
  return "see ../shared/data/README.md";
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

// The class a task's targets are about: F1 of "true" for needs-a-reply,
// recall and precision of "critical" for severity.
std::string KeyClass(const std::string& task, const classify::Scores& s) {
  for (const classify::ClassScores& c : s.classes) {
    if (task == "needs_reply" && c.label == "true") return "F1(true) " + Fixed(c.f1);
    if (task == "severity" && c.label == "critical" && c.support > 0) {
      return "critical recall " + Fixed(c.recall) + ", precision " + Fixed(c.precision) + " (" +
             std::to_string(c.support) + ")";
    }
  }
  return "";
}

}  // namespace

base::Result<TrainSummary> TrainAll(const TrainOptions& o) {
  const auto t0 = std::chrono::steady_clock::now();
  auto log = [&](const std::string& s) {
    if (o.log) o.log(s);
  };
  auto lex = classify::Lexicons::Load((fs::path(o.models_dir) / "lexicons").string());
  if (!lex.ok()) return lex.status();
  std::vector<classify::CueRule> rule_list = classify::DefaultRules();
  rule_list.insert(rule_list.end(), o.extra_rules.begin(), o.extra_rules.end());
  auto rules = classify::RuleSet::Build(std::move(rule_list), {});
  if (!rules.ok()) return rules.status();
  std::vector<std::string> categories = o.categories;
  if (categories.empty()) {
    for (const auto& c : classify::DefaultTaxonomy()) categories.push_back(c.name);
  }

  // ---- Data.
  std::vector<LabeledText> care_train, care_test, xlmt_train, xlmt_val, airline_train, airline_test, tv, twcs;
  auto append = [](std::vector<LabeledText>& dst, base::Result<std::vector<LabeledText>> r) -> base::Status {
    if (!r.ok()) return r.status();
    dst.insert(dst.end(), std::make_move_iterator(r->begin()), std::make_move_iterator(r->end()));
    return base::Status::Ok();
  };
  for (const char* lang : {"fr", "en"}) {
    if (auto st = append(care_train, LoadCare(o.care_dir, lang, "train")); !st.ok()) return st;
    if (auto st = append(care_test, LoadCare(o.care_dir, lang, "test")); !st.ok()) return st;
  }
  const std::vector<std::string> xlmt_langs =
      o.quick ? std::vector<std::string>{"fr", "en"}
              : std::vector<std::string>{"fr", "en", "de", "es", "it", "pt", "ar", "hi"};
  for (const std::string& lang : xlmt_langs) {
    if (auto st = append(xlmt_train, LoadXlmt(o.shared_data, lang, "train")); !st.ok()) return st;
    if (auto st = append(xlmt_val, LoadXlmt(o.shared_data, lang, "val")); !st.ok()) return st;
  }
  if (auto st = append(airline_train, LoadAirline(o.shared_data, "train")); !st.ok()) return st;
  if (auto st = append(airline_test, LoadAirline(o.shared_data, "test")); !st.ok()) return st;
  if (auto st = append(tv, LoadTvReviews(o.shared_data, "train")); !st.ok()) return st;
  if (auto st = append(twcs, LoadTwcsInbound(o.shared_data, o.quick ? 300 : 3000)); !st.ok()) return st;
  if (o.quick) {
    auto cut = [](std::vector<LabeledText>& v, size_t n) {
      if (v.size() > n) v.resize(n);
    };
    cut(xlmt_train, 1500);
    cut(airline_train, 1500);
    cut(tv, 300);
  }
  log("data: " + std::to_string(care_train.size()) + " care, " + std::to_string(xlmt_train.size()) + " xlmt, " +
      std::to_string(airline_train.size()) + " airline, " + std::to_string(tv.size()) + " tv reviews, " +
      std::to_string(twcs.size()) + " care tweets, " + std::to_string(o.extra.size()) + " corrections/examples");

  Featurizer fz(*lex, *rules);
  auto row = [&](const LabeledText& t, bool care, std::string label) {
    const Prepared& p = fz.Get(t);
    return Row{care ? &p.care_tokens : &p.tokens, p.dense.data(), std::move(label), t.weight * WeightOf(t.origin),
               t.origin};
  };

  // ---- Tasks.
  struct Task {
    std::string file, task, lang;
    std::vector<Row> rows;
    LinearTrainOptions lo;
  };
  std::vector<Task> tasks;
  LinearTrainOptions sent_lo;
  sent_lo.dim = o.quick ? 8 : 16;
  sent_lo.epoch = o.quick ? 5 : 10;
  sent_lo.lr = 0.2;
  sent_lo.seed = o.seed;
  LinearTrainOptions care_lo = sent_lo;
  care_lo.epoch = o.quick ? 5 : 30;
  care_lo.lr = 0.4;

  auto sentiment_rows = [&](const std::string& lang) {
    std::vector<Row> rows;
    auto take = [&](const std::vector<LabeledText>& v) {
      for (const LabeledText& t : v) {
        if (t.sentiment && (lang == "xx" || t.lang == lang)) rows.push_back(row(t, false, *t.sentiment));
      }
    };
    take(care_train);
    take(xlmt_train);
    if (lang == "en") take(airline_train);
    if (lang == "fr") take(tv);
    take(o.extra);
    return rows;
  };
  for (const char* lang : {"fr", "en", "xx"}) {
    tasks.push_back({std::string("sentiment-") + lang + ".ecm", "sentiment", lang, sentiment_rows(lang), sent_lo});
  }
  {
    std::vector<Row> nr, cat, sev;
    for (const LabeledText& t : care_train) {
      if (t.cr) nr.push_back(row(t, true, *t.cr ? "true" : "false"));
      if (t.cr && *t.cr && t.category) cat.push_back(row(t, true, *t.category));
      if (t.severity) sev.push_back(row(t, true, *t.severity));
    }
    for (const LabeledText& t : o.extra) {
      if (t.cr) nr.push_back(row(t, true, *t.cr ? "true" : "false"));
      if (t.cr && *t.cr && t.category && *t.category != classify::kNoCategory) cat.push_back(row(t, true, *t.category));
      if (t.severity) sev.push_back(row(t, true, *t.severity));
    }
    // Weak labels for needs-a-reply: general-topic tweets are not
    // customer-service matters; tweets to a care account and airline
    // complaints with a reason are. (The airline reasons map too coarsely
    // onto the taxonomy to train the category model: it scored lower with them.)
    for (const LabeledText& t : xlmt_train) {
      if (t.lang == "fr" || t.lang == "en") nr.push_back(row(t, true, "false"));
    }
    for (const LabeledText& t : twcs) nr.push_back(row(t, true, "true"));
    for (const LabeledText& t : airline_train) {
      if (t.cr) nr.push_back(row(t, true, "true"));
    }
    tasks.push_back({"needs_reply.ecm", "needs_reply", "fr+en", std::move(nr), care_lo});
    tasks.push_back({"category.ecm", "category", "fr+en", std::move(cat), care_lo});
    tasks.push_back({"severity.ecm", "severity", "fr+en", std::move(sev), care_lo});
  }

  TrainSummary summary;
  std::map<std::string, std::shared_ptr<const LinearModel>> trained;  // by file
  auto train_one = [&](const Task& t) -> base::Status {
    const auto s0 = std::chrono::steady_clock::now();
    auto m = TrainTask(t.rows, t.lo, t.task, t.lang, o.seed, o.quick);
    if (!m.ok()) return m.status();
    const std::string path = (fs::path(o.models_dir) / t.file).string();
    if (auto st = (*m)->Save(path); !st.ok()) return st;
    trained[t.file] = *m;
    ModelReport rep;
    rep.file = t.file;
    rep.task = t.task;
    rep.examples = t.rows.size();
    for (const Row& r : t.rows) rep.origins[r.origin]++;
    rep.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - s0).count();
    rep.bytes = fs::file_size(path);
    log(t.file + ": " + std::to_string(rep.examples) + " rows, " + Fixed(rep.seconds) + " s, " +
        std::to_string(rep.bytes / 1024) + " KiB");
    auto same = std::find_if(summary.models.begin(), summary.models.end(),
                             [&](const ModelReport& r) { return r.file == t.file; });
    if (same != summary.models.end()) {
      rep.seconds += same->seconds;
      *same = std::move(rep);
    } else {
      summary.models.push_back(std::move(rep));
    }
    return base::Status::Ok();
  };
  for (const Task& t : tasks) ECOUTE_RETURN_IF_ERROR(train_one(t));

  // ---- Weak supervision from real French customer tweets (free-fr-tweets,
  // unlabelled): the first-pass models label them, only confident labels
  // are kept (calibrated probability >= kWeakConfidence; a category only
  // on tweets confidently needing a reply), and the French sentiment, the
  // needs-a-reply and the category models are trained again with them.
  {
    auto free_fr = LoadFreeFr(o.shared_data);
    if (!free_fr.ok()) return free_fr.status();
    if (o.quick && free_fr->size() > 300) free_fr->resize(300);
    constexpr float kWeakConfidence = 0.9f;
    auto task_of = [&](const std::string& file) -> Task& {
      return *std::find_if(tasks.begin(), tasks.end(), [&](const Task& t) { return t.file == file; });
    };
    Task& sent = task_of("sentiment-fr.ecm");
    Task& nr = task_of("needs_reply.ecm");
    Task& cat = task_of("category.ecm");
    std::vector<float> p;
    size_t added[3] = {0, 0, 0};
    for (LabeledText& t : *free_fr) {
      t.origin = "free-fr-tweets (weak labels)";
      t.weight = 1;
      const Prepared& f = fz.Get(t);
      trained["sentiment-fr.ecm"]->Predict(f.tokens, f.dense.data(), classify::kDenseSize, &p);
      size_t best = std::max_element(p.begin(), p.end()) - p.begin();
      if (p[best] >= kWeakConfidence) {
        sent.rows.push_back(row(t, false, trained["sentiment-fr.ecm"]->labels()[best]));
        ++added[0];
      }
      const LinearModel& nm = *trained["needs_reply.ecm"];
      nm.Predict(f.care_tokens, f.dense.data(), classify::kDenseSize, &p);
      const float yes = p[nm.LabelIndex("true")];
      if (yes < 1 - kWeakConfidence) {
        nr.rows.push_back(row(t, true, "false"));
        ++added[1];
      } else if (yes >= kWeakConfidence) {
        nr.rows.push_back(row(t, true, "true"));
        ++added[1];
        const LinearModel& cm = *trained["category.ecm"];
        cm.Predict(f.care_tokens, f.dense.data(), classify::kDenseSize, &p);
        best = std::max_element(p.begin(), p.end()) - p.begin();
        if (p[best] >= kWeakConfidence) {
          cat.rows.push_back(row(t, true, cm.labels()[best]));
          ++added[2];
        }
      }
    }
    log("weak labels from " + std::to_string(free_fr->size()) + " free-fr tweets: " + std::to_string(added[0]) +
        " sentiment, " + std::to_string(added[1]) + " needs-a-reply, " + std::to_string(added[2]) + " category");
    for (const Task* t : {&sent, &nr, &cat}) ECOUTE_RETURN_IF_ERROR(train_one(*t));
  }

  // ---- Scores on data the models never trained on, through the product path.
  classify::ClassifierOptions co;
  co.models_dir = o.models_dir;
  co.extra_rules = o.extra_rules;
  auto clf = classify::Classifier::Load(co);
  if (!clf.ok()) return clf.status();
  std::vector<LabeledText> airline_eval;
  for (LabeledText& t : airline_test) airline_eval.push_back(std::move(t));
  summary.evals.emplace_back("customer-care test (hand-written)", Evaluate(**clf, care_test, categories));
  summary.evals.emplace_back("xlmt-sentiment val", Evaluate(**clf, xlmt_val, categories));
  summary.evals.emplace_back("airline tweets, held-out fifth", Evaluate(**clf, airline_eval, categories));
  const std::string parallel = (fs::path(o.care_dir) / "parallel" / "fr-en.jsonl").string();
  if (fs::exists(parallel)) {
    auto rows = LoadLabeledJsonl(parallel);
    if (!rows.ok()) return rows.status();
    summary.evals.emplace_back("French/English parallel set (hand-written)", Evaluate(**clf, *rows, categories));
    summary.parallel = CrossLanguageAgreement(**clf, *rows);
  }
  summary.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  // ---- Model cards.
  for (const ModelReport& rep : summary.models) {
    const std::string card = (fs::path(o.models_dir) / (rep.file.substr(0, rep.file.size() - 4) + ".md")).string();
    std::ofstream out(card);
    out << "# Model card: " << rep.file << "\n\n";
    out << "- Task: `" << rep.task << "`\n- Kind: fastText supervised linear model (word unigrams and bigrams), "
        << "stacked with a logistic-regression calibrator over lexicon signals (AFINN, VADER)\n";
    out << "- Trained: " << o.trained_at << " with `" << o.command << "` (seed " << o.seed << ")\n";
    out << "- Size: " << rep.bytes << " bytes; training time " << Fixed(rep.seconds) << " s\n\n";
    out << "## Training data\n\n| dataset | rows | licence |\n|---|---|---|\n";
    for (const auto& [origin, n] : rep.origins) out << "| " << origin << " | " << n << " | " << Licence(origin) << " |\n";
    bool nc = false;
    for (const auto& [origin, n] : rep.origins) nc = nc || Licence(origin).find("non-commercial") != std::string::npos;
    if (nc) {
      out << "\nThis model was trained on data under a non-commercial licence (CC BY-NC-SA 4.0). "
             "Retrain it on your own labelled data with the same command for other uses.\n";
    }
    out << "\n## Scores (data never used for training)\n\n| eval set | language | n | macro-F1 | accuracy | ECE | key class |\n"
           "|---|---|---|---|---|---|---|\n";
    for (const auto& [name, ev] : summary.evals) {
      auto it = ev.scores.find(rep.task);
      if (it == ev.scores.end()) continue;
      for (const auto& [lang, s] : it->second) {
        if (rep.task == "sentiment") {
          const bool mine = rep.file == "sentiment-" + lang + ".ecm" ||
                            (rep.file == "sentiment-xx.ecm" && lang != "fr" && lang != "en" && lang != "all");
          if (!mine) continue;
        }
        out << "| " << name << " | " << lang << " | " << s.n << " | " << Fixed(s.macro_f1) << " | "
            << Fixed(s.accuracy) << " | " << Fixed(s.ece) << " | " << KeyClass(rep.task, s) << " |\n";
      }
    }
    if (summary.parallel.pairs > 0) out << "\nConsistency: " << FormatAgreement(summary.parallel);
    out << "\nPer-class figures: `ecoute eval` on the same files (see models/README.md).\n";
  }
  return summary;
}

}  // namespace ecoute::train
