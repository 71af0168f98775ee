// ecoute train | enrich | eval: the understanding models from the command line.
#include <chrono>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>

#include "app/commands.h"
#include "app/result_json.h"
#include "classify/classifier.h"
#include "text/text.h"
#include "train/eval.h"
#include "train/trainer.h"

namespace ecoute::app {
namespace {

namespace fs = std::filesystem;

nlohmann::json ExplanationJson(const classify::Explanation& e) {
  auto items = [](const std::vector<classify::Explanation::Item>& v) {
    nlohmann::json a = nlohmann::json::array();
    for (const auto& i : v) {
      a.push_back({{"feature", i.feature}, {"weight", std::round(i.weight * 1000) / 1000}, {"kind", i.kind}});
    }
    return a;
  };
  return {{"sentiment", items(e.sentiment)},
          {"needs_reply", items(e.needs_reply)},
          {"category", items(e.category)},
          {"severity", items(e.severity)}};
}

double Round3(double v) { return std::round(v * 1000) / 1000; }

std::string Today() {
  std::time_t now = std::time(nullptr);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", std::gmtime(&now));
  return buf;
}

}  // namespace

nlohmann::json ResultJson(const classify::Result& r, bool explain) {
  nlohmann::json j = {{"lang", r.lang},
                      {"sentiment", r.sentiment},
                      {"sentiment_score", Round3(r.sentiment_score)},
                      {"sentiment_polarity", Round3(r.sentiment_polarity)},
                      {"needs_reply", r.needs_reply},
                      {"needs_reply_score", Round3(r.needs_reply_score)},
                      {"category", r.category},
                      {"category_score", Round3(r.category_score)},
                      {"severity", r.severity},
                      {"severity_level", r.severity_level},
                      {"severity_reasons", r.severity_reasons}};
  if (explain) j["explanation"] = ExplanationJson(r.explanation);
  return j;
}

int RunEnrich(const GlobalFlags& global, const EnrichFlags& flags) {
  auto config = LoadConfig(global);
  if (!config.ok()) return Fail(config.status());
  config->understanding.enabled = true;
  auto clf = OpenClassifier(*config);
  if (!clf.ok()) return Fail(clf.status());
  std::ios::sync_with_stdio(false);
  std::string line;
  int64_t n = 0, rejected = 0;
  classify::Result r;
  const int flags_c = flags.explain ? classify::Classifier::kExplain : 0;
  while (std::getline(std::cin, line)) {
    ++n;
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    auto reject = [&](const std::string& why) {
      ++rejected;
      std::cerr << "ecoute: stdin:" << n << ": " << why << "\n";
    };
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object()) {
      reject("not a JSON object");
      continue;
    }
    auto text = j.find("text");
    if (text == j.end() || !text->is_string() || text->get_ref<const std::string&>().empty()) {
      reject("field \"text\": a non-empty string is required");
      continue;
    }
    model::Mention m;
    m.text = text->get<std::string>();
    if (auto t = j.find("title"); t != j.end() && t->is_string()) m.title = t->get<std::string>();
    if (auto ch = j.find("channel"); ch != j.end()) {
      auto parsed = ch->is_string() ? model::ParseChannel(ch->get<std::string>()) : std::nullopt;
      if (!parsed) {
        reject("field \"channel\": unknown channel " + ch->dump());
        continue;
      }
      m.channel = *parsed;
    }
    if (auto l = j.find("lang"); l != j.end() && l->is_string() && !l->get_ref<const std::string&>().empty()) {
      m.language = l->get<std::string>();
      m.language_declared = true;
      m.language_confidence = 1;
    }
    if (auto f = j.find("followers"); f != j.end() && f->is_number_integer()) m.author.followers = f->get<int64_t>();
    text::Analyze(m);
    (*clf)->Classify(m, flags_c, &r);
    j.update(ResultJson(r, flags.explain));
    std::cout << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << '\n';
  }
  std::cout.flush();
  if (rejected > 0) {
    std::cerr << "ecoute: " << rejected << " of " << n << " lines rejected\n";
    return 1;
  }
  return 0;
}

int RunEval(const GlobalFlags& global, const EvalFlags& flags) {
  auto config = LoadConfig(global);
  if (!config.ok()) return Fail(config.status());
  config->understanding.enabled = true;
  auto clf = OpenClassifier(*config);
  if (!clf.ok()) return Fail(clf.status());
  std::vector<std::string> categories;
  for (const auto& c : TaxonomyFrom(*config)) categories.push_back(c.name);
  for (const std::string& file : flags.files) {
    auto rows = train::LoadLabeledJsonl(file);
    if (!rows.ok()) return Fail(rows.status());
    train::EvalReport rep = train::Evaluate(**clf, *rows, categories);
    std::cout << train::FormatReport(file, rep) << "\n";
    train::Agreement a = train::CrossLanguageAgreement(**clf, *rows);
    if (a.pairs > 0) std::cout << train::FormatAgreement(a) << "\n";
  }
  return 0;
}

int RunTrain(const GlobalFlags& global, const TrainFlags& flags) {
  auto config = LoadConfig(global);
  if (!config.ok()) return Fail(config.status());
  train::TrainOptions o;
  o.shared_data = flags.data;
  o.care_dir = flags.care;
  const classify::ClassifierOptions configured = ClassifierOptionsFrom(*config);
  o.models_dir = flags.out.empty() ? configured.models_dir : flags.out;
  o.seed = flags.seed;
  o.quick = flags.quick;
  o.extra_rules = configured.extra_rules;
  for (const classify::CategoryDef& c : TaxonomyFrom(*config)) {
    o.categories.push_back(c.name);
    for (const std::string& ex : c.examples) {
      train::LabeledText t;
      t.text = ex;
      t.cr = true;
      t.category = c.name;
      t.origin = "taxonomy";
      o.extra.push_back(std::move(t));
    }
  }
  if (flags.corrections) {
    auto extra = LoadCorrections(*config);
    if (!extra.ok()) return Fail(extra.status());
    o.extra.insert(o.extra.end(), extra->begin(), extra->end());
  }
  o.trained_at = Today();
  o.command = "ecoute train" + std::string(flags.quick ? " --quick" : "") + " --seed " + std::to_string(flags.seed);
  o.log = [](const std::string& s) { std::cerr << "train: " << s << "\n"; };
  auto summary = train::TrainAll(o);
  if (!summary.ok()) return Fail(summary.status());
  for (const auto& [name, ev] : summary->evals) {
    std::cout << train::FormatReport(name, ev) << "\n";
  }
  if (summary->parallel.pairs > 0) std::cout << train::FormatAgreement(summary->parallel);
  std::cerr << "train: done in " << static_cast<int>(summary->seconds) << " s; models in " << o.models_dir << "\n";
  return 0;
}

}  // namespace ecoute::app

namespace ecoute::app {

base::Result<std::vector<train::LabeledText>> LoadCorrections(const config::Config& config) {
  std::vector<train::LabeledText> out;
  std::error_code ec;
  if (config.store.path != ":memory:" && !std::filesystem::exists(config.store.path, ec)) return out;
  ECOUTE_ASSIGN_OR_RETURN(auto st, OpenStore(config));
  for (int64_t after = 0;;) {
    ECOUTE_ASSIGN_OR_RETURN(auto page, st->LabelCorrections(after, 1000));
    if (page.empty()) return out;
    for (const store::LabeledMention& l : page) {
      train::LabeledText t;
      t.id = "correction:" + std::to_string(l.mention_id);
      t.text = l.title.empty() ? l.text : l.title + "\n" + l.text;
      t.lang = l.language;
      t.channel = std::string(model::ChannelName(l.channel));
      t.sentiment = l.sentiment;
      t.cr = l.needs_reply;
      t.category = l.category;
      t.severity = l.severity_level;
      t.origin = "correction";
      out.push_back(std::move(t));
    }
    after = page.back().correction_id;
  }
}

}  // namespace ecoute::app
