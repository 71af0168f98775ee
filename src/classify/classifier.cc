#include "classify/classifier.h"

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "classify/labels.h"
#include "classify/linear_model.h"
#include "classify/severity.h"

namespace ecoute::classify {

std::vector<CategoryDef> DefaultTaxonomy() {
  return {
      {"delivery", "Delivery", "Livraison", {}},
      {"returns_refunds", "Returns and refunds", "Retours et remboursements", {}},
      {"customer_service", "Customer service", "Service client", {}},
      {"product", "Product", "Produit", {}},
      {"billing", "Billing", "Facturation", {}},
      {"cancellation", "Cancellation", "Résiliation", {}},
      {"account_technical", "Account and technical", "Compte et technique", {}},
  };
}

void ApplyResult(const Result& r, model::Enrichment* e) {
  e->sentiment = r.sentiment;
  e->sentiment_score = r.sentiment_score;
  e->sentiment_polarity = r.sentiment_polarity;
  e->needs_reply = r.needs_reply;
  e->needs_reply_score = r.needs_reply_score;
  e->category = r.category;
  e->category_score = r.category_score;
  e->severity = r.severity;
  e->severity_level = r.severity_level;
  e->severity_reasons = r.severity_reasons;
}

class Classifier::Impl {
 public:
  ClassifierOptions options;
  std::shared_ptr<const Lexicons> lexicons;
  std::shared_ptr<const RuleSet> rules;
  std::shared_ptr<const LinearModel> sentiment_fr, sentiment_en, sentiment_xx;
  std::shared_ptr<const LinearModel> needs_reply, category, severity;
  int needs_reply_true = -1;
  std::vector<int> severity_level_of;  // severity model label index -> SeverityLevel

  const LinearModel& SentimentFor(std::string_view lang) const {
    if (lang == "fr") return *sentiment_fr;
    if (lang == "en") return *sentiment_en;
    return *sentiment_xx;
  }
};

namespace {

struct Scratch {
  Features features;
  std::vector<CueHit> hits;
  std::vector<float> probs;
};

Scratch& ThreadScratch() {
  thread_local Scratch s;
  return s;
}

int ArgMax(const std::vector<float>& p) {
  return static_cast<int>(std::max_element(p.begin(), p.end()) - p.begin());
}

void AddTokens(const LinearModel& model, const std::vector<std::string>& tokens, int label,
               std::vector<Explanation::Item>* out) {
  for (Contribution& c : model.Explain(tokens, label, 6)) {
    out->push_back({std::move(c.feature), c.weight, "token"});
  }
}

}  // namespace

// The text the models read: title then body.
std::string_view ModelText(const model::Mention& m, std::string* buf) {
  if (m.title.empty()) return m.text;
  buf->assign(m.title);
  buf->append("\n");
  buf->append(m.text);
  return *buf;
}

namespace {

void AppendCueTokens(const std::vector<CueHit>& hits, std::vector<std::string>* out) {
  for (const CueHit& h : hits) {
    std::string& t = out->emplace_back(h.kind == "reason" ? "<reason:" : "<cue:");
    t += h.name;
    t += '>';
  }
}

}  // namespace

void CareTokens(const Features& f, const std::vector<CueHit>& hits, std::vector<std::string>* out) {
  out->assign(f.tokens.begin(), f.tokens.end());
  AppendCueTokens(hits, out);
}

void Classifier::Classify(const model::Mention& m, int flags, Result* out) const {
  const bool explain = flags & kExplain;
  const Impl& im = *impl_;
  Scratch& s = ThreadScratch();
  std::string text_buf;
  const std::string_view text = ModelText(m, &text_buf);
  out->lang = m.language;
  out->explanation = {};
  Featurize(text, m.language, *im.lexicons, &s.features);
  s.hits.clear();
  im.rules->Detect(m, &s.hits);
  const float* dense = s.features.dense.data();

  // Sentiment.
  const LinearModel& sm = im.SentimentFor(m.language);
  sm.Predict(s.features.tokens, dense, kDenseSize, &s.probs);
  const int top = ArgMax(s.probs);
  const int neg = sm.LabelIndex("negative"), pos = sm.LabelIndex("positive");
  const double p_neg = neg >= 0 ? s.probs[neg] : 0;
  out->sentiment_score = s.probs[top];
  out->sentiment = s.probs[top] < im.options.unknown_below ? std::string(kUnknownSentiment) : sm.labels()[top];
  out->sentiment_polarity = (pos >= 0 ? s.probs[pos] : 0) - p_neg;
  if (explain) {
    AddTokens(sm, s.features.tokens, top, &out->explanation.sentiment);
    for (const LexiconHit& h : s.features.hits) {
      out->explanation.sentiment.push_back({(h.negated ? "neg_" : "") + h.word, h.valence, "lexicon"});
    }
  }

  // The care models read the same tokens plus the cue tokens (CareTokens),
  // appended in place: the sentiment model is done with them.
  std::vector<std::string>& care_tokens = s.features.tokens;
  AppendCueTokens(s.hits, &care_tokens);

  // Needs a reply.
  im.needs_reply->Predict(care_tokens, dense, kDenseSize, &s.probs);
  out->needs_reply_score = s.probs[im.needs_reply_true];
  out->needs_reply = out->needs_reply_score >= im.options.needs_reply_threshold;
  if (explain) AddTokens(*im.needs_reply, care_tokens, im.needs_reply_true, &out->explanation.needs_reply);

  // Severity.
  SeverityInput sev;
  sev.needs_reply = out->needs_reply;
  sev.reply_probability = out->needs_reply_score;
  for (const CueHit& h : s.hits) {
    if (h.kind == "reason") sev.reasons.push_back(h.name);
  }
  std::sort(sev.reasons.begin(), sev.reasons.end());
  sev.reasons.erase(std::unique(sev.reasons.begin(), sev.reasons.end()), sev.reasons.end());
  im.severity->Predict(care_tokens, dense, kDenseSize, &s.probs);
  for (size_t i = 0; i < s.probs.size(); ++i) sev.level_probs[im.severity_level_of[i]] = s.probs[i];
  const SeverityOutput so = ScoreSeverity(sev);
  out->severity = so.score;
  out->severity_level = std::string(SeverityLevelName(so.level));
  out->severity_reasons = so.level == SeverityLevel::kNone ? std::vector<std::string>{} : sev.reasons;
  if (explain) {
    for (const auto& [what, points] : so.parts) {
      out->explanation.severity.push_back({what, static_cast<float>(points), "signal"});
    }
    for (const CueHit& h : s.hits) {
      if (h.kind == "reason") out->explanation.severity.push_back({h.name + ": " + h.evidence, 0, "rule"});
    }
  }

  // A critical incident always needs a reply, whatever the reply stage said
  // (recall of critical first).
  if (so.level == SeverityLevel::kCritical && !out->needs_reply) {
    out->needs_reply = true;
    if (explain) out->explanation.needs_reply.push_back({"severity critical", 1, "rule"});
  }

  // Category, only for customer-service matters.
  out->category = std::string(kNoCategory);
  out->category_score = 0;
  out->best_category.clear();
  if (!out->needs_reply && !(flags & kAlwaysCategory)) return;
  im.category->Predict(care_tokens, dense, kDenseSize, &s.probs);
  const int c = ArgMax(s.probs);
  out->best_category = im.category->labels()[c];
  if (out->needs_reply) {
    out->category = out->best_category;
    out->category_score = s.probs[c];
    if (explain) {
      AddTokens(*im.category, care_tokens, c, &out->explanation.category);
      for (const CueHit& h : s.hits) {
        if (h.kind == "category" && h.name == out->category) {
          out->explanation.category.push_back({h.evidence, 1, "rule"});
        }
      }
    }
  }
}

void Classifier::Enrich(std::span<model::Mention> batch) const {
  Result r;
  for (model::Mention& m : batch) {
    Classify(m, 0, &r);
    ApplyResult(r, &m.enrichment);
  }
}

namespace {

base::Result<std::shared_ptr<const LinearModel>> LoadTask(const std::string& dir, const std::string& file,
                                                          std::string_view task) {
  const std::string path = (std::filesystem::path(dir) / file).string();
  auto model = LinearModel::Load(path);
  if (!model.ok()) return model.status();
  if ((*model)->task() != task) {
    return base::Status::InvalidArgument(path + ": model for task \"" + (*model)->task() + "\", expected \"" +
                                         std::string(task) + "\"");
  }
  return model;
}

}  // namespace

base::Result<std::shared_ptr<const Classifier>> Classifier::Load(const ClassifierOptions& options) {
  auto impl = std::make_unique<Impl>();
  impl->options = options;
  const std::string& dir = options.models_dir;
  auto lex = Lexicons::Load((std::filesystem::path(dir) / "lexicons").string());
  if (!lex.ok()) return lex.status();
  impl->lexicons = *lex;
  std::vector<CueRule> rules = DefaultRules();
  rules.insert(rules.end(), options.extra_rules.begin(), options.extra_rules.end());
  auto rs = RuleSet::Build(std::move(rules), options.rules);
  if (!rs.ok()) return rs.status();
  impl->rules = *rs;
  struct Slot {
    std::shared_ptr<const LinearModel>* model;
    const char* file;
    const char* task;
  };
  const Slot slots[] = {
      {&impl->sentiment_fr, "sentiment-fr.ecm", "sentiment"},
      {&impl->sentiment_en, "sentiment-en.ecm", "sentiment"},
      {&impl->sentiment_xx, "sentiment-xx.ecm", "sentiment"},
      {&impl->needs_reply, "needs_reply.ecm", "needs_reply"},
      {&impl->category, "category.ecm", "category"},
      {&impl->severity, "severity.ecm", "severity"},
  };
  for (const Slot& slot : slots) {
    auto m = LoadTask(dir, slot.file, slot.task);
    if (!m.ok()) return m.status();
    *slot.model = *m;
  }
  for (const std::string& label : impl->severity->labels()) {
    auto level = ParseSeverityLevel(label);
    if (!level) return base::Status::InvalidArgument(dir + "/severity.ecm: label \"" + label + "\" is not a severity level");
    impl->severity_level_of.push_back(static_cast<int>(*level));
  }
  impl->needs_reply_true = impl->needs_reply->LabelIndex("true");
  if (impl->needs_reply_true < 0) {
    return base::Status::InvalidArgument(dir + "/needs_reply.ecm: no label \"true\"");
  }
  return std::shared_ptr<const Classifier>(std::make_shared<Classifier>(std::move(impl)));
}

Classifier::Classifier(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Classifier::~Classifier() = default;

}  // namespace ecoute::classify
