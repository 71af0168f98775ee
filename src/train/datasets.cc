#include "train/datasets.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "ingest/record_reader.h"

namespace ecoute::train {
namespace {

base::Result<std::vector<std::string>> ReadLines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return base::Status::NotFound(path + ": cannot open");
  std::vector<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string Where(const std::string& path, size_t line) { return path + ":" + std::to_string(line); }

const char* XlmtFolder(const std::string& lang) {
  static const std::map<std::string, const char*> kFolders = {
      {"fr", "french"}, {"en", "english"},    {"de", "german"}, {"es", "spanish"},
      {"it", "italian"}, {"pt", "portuguese"}, {"ar", "arabic"}, {"hi", "hindi"}};
  auto it = kFolders.find(lang);
  return it == kFolders.end() ? nullptr : it->second;
}

// Reads a CSV file with a header, calling fn(fields by column name, line).
template <typename Fn>
base::Status ForEachCsv(const std::string& path, Fn fn) {
  auto reader = ingest::CsvReader::Open(path, ',');
  if (!reader.ok()) return reader.status();
  const std::vector<std::string> header = (*reader)->header();
  ingest::RawBatch batch;
  ingest::CsvRow row;
  std::map<std::string, std::string_view> fields;
  while (true) {
    batch.buffer.clear();
    batch.records.clear();
    auto more = (*reader)->Next(batch, 4096, 16 << 20);
    if (!more.ok()) return more.status();
    for (size_t i = 0; i < batch.records.size(); ++i) {
      std::string error;
      const int64_t line = batch.records[i].line;
      if (batch.records[i].flaw != ingest::RecordFlaw::kNone || !row.Parse(batch.record(i), ',', &error)) {
        return base::Status::InvalidArgument(Where(path, line) + ": malformed CSV record " + error);
      }
      fields.clear();
      for (size_t c = 0; c < header.size() && c < row.size(); ++c) fields[header[c]] = row[c];
      base::Status st = fn(fields, line);
      if (!st.ok()) return st;
    }
    if (!*more) break;
  }
  return base::Status::Ok();
}

}  // namespace

base::Result<std::vector<LabeledText>> LoadLabeledJsonl(const std::string& path) {
  auto lines = ReadLines(path);
  if (!lines.ok()) return lines.status();
  std::vector<LabeledText> out;
  for (size_t i = 0; i < lines->size(); ++i) {
    const std::string& line = (*lines)[i];
    if (line.find_first_not_of(" \t") == std::string::npos) continue;
    nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    const std::string at = Where(path, i + 1);
    if (j.is_discarded() || !j.is_object()) return base::Status::InvalidArgument(at + ": not a JSON object");
    LabeledText t;
    auto str = [&](const char* key, bool required, std::string* dst) -> base::Status {
      auto it = j.find(key);
      if (it == j.end() || it->is_null()) {
        return required ? base::Status::InvalidArgument(at + ": field \"" + key + "\" is required")
                        : base::Status::Ok();
      }
      if (!it->is_string()) return base::Status::InvalidArgument(at + ": field \"" + key + "\" must be a string");
      *dst = it->get<std::string>();
      return base::Status::Ok();
    };
    base::Status st = str("text", true, &t.text);
    if (st.ok()) st = str("id", false, &t.id);
    if (st.ok()) st = str("lang", false, &t.lang);
    if (st.ok()) st = str("channel", false, &t.channel);
    if (st.ok()) st = str("split", false, &t.split);
    if (st.ok()) st = str("pair", false, &t.pair);
    std::string v;
    if (st.ok() && (st = str("sentiment", false, &v)).ok() && !v.empty()) {
      if (v != "negative" && v != "neutral" && v != "positive") {
        return base::Status::InvalidArgument(at + ": field \"sentiment\": \"" + v +
                                             "\" is not negative, neutral or positive");
      }
      t.sentiment = v;
    }
    v.clear();
    if (st.ok() && (st = str("category", false, &v)).ok() && !v.empty()) t.category = v;
    v.clear();
    if (st.ok() && (st = str("severity", false, &v)).ok() && !v.empty()) t.severity = v;
    if (!st.ok()) return st;
    if (auto it = j.find("cr"); it != j.end() && !it->is_null()) {
      if (!it->is_boolean()) return base::Status::InvalidArgument(at + ": field \"cr\" must be true or false");
      t.cr = it->get<bool>();
    }
    if (auto it = j.find("reasons"); it != j.end() && it->is_array()) {
      for (const auto& r : *it) {
        if (r.is_string()) t.reasons.push_back(r.get<std::string>());
      }
    }
    if (t.text.empty()) return base::Status::InvalidArgument(at + ": field \"text\" is empty");
    if (t.id.empty()) t.id = at;
    t.origin = path;
    out.push_back(std::move(t));
  }
  return out;
}

base::Result<std::vector<LabeledText>> LoadCare(const std::string& dir, const std::string& lang,
                                                const std::string& split) {
  // <lang>.jsonl, then any <lang>-<part>.jsonl, in name order.
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(dir, ec)) {
    const std::string name = e.path().filename().string();
    if (name == lang + ".jsonl" || (name.rfind(lang + "-", 0) == 0 && e.path().extension() == ".jsonl")) {
      files.push_back(e.path().string());
    }
  }
  if (ec) return base::Status::NotFound(dir + ": " + ec.message());
  std::sort(files.begin(), files.end());
  if (files.empty()) return base::Status::NotFound(dir + "/" + lang + ".jsonl: no such file");
  std::vector<LabeledText> out;
  for (const std::string& path : files) {
    auto all = LoadLabeledJsonl(path);
    if (!all.ok()) return all.status();
    for (LabeledText& t : *all) {
      if (t.split != split) continue;
      if (t.lang.empty()) t.lang = lang;
      t.origin = "customer-care/" + lang;
      out.push_back(std::move(t));
    }
  }
  return out;
}

base::Result<std::vector<LabeledText>> LoadXlmt(const std::string& shared, const std::string& lang,
                                                const std::string& split) {
  const char* folder = XlmtFolder(lang);
  if (!folder) return base::Status::InvalidArgument("xlmt-sentiment: no language \"" + lang + "\"");
  const std::string base = shared + "/xlmt-sentiment/" + folder + "/" + split;
  auto texts = ReadLines(base + "_text.txt");
  if (!texts.ok()) return texts.status();
  auto labels = ReadLines(base + "_labels.txt");
  if (!labels.ok()) return labels.status();
  if (texts->size() != labels->size()) {
    return base::Status::InvalidArgument(base + "_labels.txt: " + std::to_string(labels->size()) +
                                         " labels for " + std::to_string(texts->size()) + " texts");
  }
  static const char* kNames[] = {"negative", "neutral", "positive"};
  std::vector<LabeledText> out;
  for (size_t i = 0; i < texts->size(); ++i) {
    const std::string& l = (*labels)[i];
    if (l != "0" && l != "1" && l != "2") {
      return base::Status::InvalidArgument(Where(base + "_labels.txt", i + 1) + ": label \"" + l +
                                           "\" is not 0, 1 or 2");
    }
    if ((*texts)[i].empty()) continue;
    LabeledText t;
    t.id = "xlmt-" + lang + "-" + split + "-" + std::to_string(i + 1);
    t.text = (*texts)[i];
    t.lang = lang;
    t.channel = "twitter";
    t.sentiment = kNames[l[0] - '0'];
    t.origin = std::string("xlmt-sentiment/") + folder;
    out.push_back(std::move(t));
  }
  return out;
}

base::Result<std::vector<LabeledText>> LoadAirline(const std::string& shared, const std::string& split) {
  // negativereason -> category (only reasons that are clearly one category).
  static const std::map<std::string, std::string> kCategory = {
      {"Late Flight", "delivery"},
      {"Cancelled Flight", "delivery"},
      {"Lost Luggage", "delivery"},
      {"Customer Service Issue", "customer_service"},
      {"Flight Attendant Complaints", "customer_service"},
      {"longlines", "customer_service"},
      {"Damaged Luggage", "product"},
      {"Flight Booking Problems", "account_technical"},
  };
  const std::string path = shared + "/airline-tweets/Tweets.csv";
  std::vector<LabeledText> out;
  const bool want_test = split == "test";
  std::map<std::string, bool> seen;
  base::Status st = ForEachCsv(path, [&](const auto& f, int64_t line) -> base::Status {
    auto get = [&](const char* k) -> std::string {
      auto it = f.find(k);
      return it == f.end() ? std::string() : std::string(it->second);
    };
    const std::string id = get("tweet_id");
    if (id.empty() || seen[id]) return base::Status::Ok();  // the file repeats some ids
    seen[id] = true;
    // Held-out fifth by the id's last digits (ids are not sequential per airline).
    const bool is_test = std::stoull(id.substr(id.size() > 6 ? id.size() - 6 : 0)) % 5 == 0;
    if (is_test != want_test) return base::Status::Ok();
    const std::string s = get("airline_sentiment");
    if (s != "negative" && s != "neutral" && s != "positive") {
      return base::Status::InvalidArgument(Where(path, line) + ": airline_sentiment \"" + s + "\"");
    }
    LabeledText t;
    t.id = "airline-" + id;
    t.text = get("text");
    t.lang = "en";
    t.channel = "twitter";
    t.sentiment = s;
    auto cat = kCategory.find(get("negativereason"));
    if (s == "negative" && cat != kCategory.end()) {
      t.cr = true;
      t.category = cat->second;
    }
    t.origin = "airline-tweets";
    if (!t.text.empty()) out.push_back(std::move(t));
    return base::Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

base::Result<std::vector<LabeledText>> LoadTvReviews(const std::string& shared, const std::string& split) {
  const std::string path = shared + "/french-tv-reviews/" + split + ".tsv";
  auto lines = ReadLines(path);
  if (!lines.ok()) return lines.status();
  std::vector<LabeledText> out;
  for (size_t i = 0; i < lines->size(); ++i) {
    const std::string& line = (*lines)[i];
    if (line.empty()) continue;
    const size_t tab = line.find('\t');
    if (tab == std::string::npos || (line.compare(0, tab, "0") != 0 && line.compare(0, tab, "1") != 0)) {
      return base::Status::InvalidArgument(Where(path, i + 1) + ": expected \"0|1<TAB>text\"");
    }
    LabeledText t;
    t.id = "tv-" + split + "-" + std::to_string(i + 1);
    t.text = line.substr(tab + 1);
    t.lang = "fr";
    t.channel = "review";
    t.sentiment = line[0] == '1' ? "positive" : "negative";
    t.origin = "french-tv-reviews";
    out.push_back(std::move(t));
  }
  return out;
}

base::Result<std::vector<LabeledText>> LoadTwcsInbound(const std::string& shared, size_t limit) {
  const std::string path = shared + "/twcs/spotifycares-inbound/support_requests.csv";
  std::vector<LabeledText> out;
  base::Status st = ForEachCsv(path, [&](const auto& f, int64_t) -> base::Status {
    if (out.size() >= limit) return base::Status::Ok();
    auto it = f.find("text");
    auto in = f.find("inbound");
    if (it == f.end() || in == f.end() || in->second != "True" || it->second.empty()) return base::Status::Ok();
    LabeledText t;
    t.id = "twcs-" + std::to_string(out.size() + 1);
    t.text = std::string(it->second);
    t.lang = "en";
    t.channel = "twitter";
    t.cr = true;
    t.origin = "twcs/spotifycares-inbound";
    out.push_back(std::move(t));
    return base::Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

base::Result<std::vector<LabeledText>> LoadFreeFr(const std::string& shared) {
  const std::string path = shared + "/free-fr-tweets/free_tweets.csv";
  std::vector<LabeledText> out;
  base::Status st = ForEachCsv(path, [&](const auto& f, int64_t) -> base::Status {
    auto it = f.find("text");
    auto id = f.find("tweet_id");
    if (it == f.end() || it->second.empty()) return base::Status::Ok();
    LabeledText t;
    t.id = "free-" + (id == f.end() ? std::to_string(out.size()) : std::string(id->second));
    t.text = std::string(it->second);
    t.lang = "fr";
    t.channel = "twitter";
    t.origin = "free-fr-tweets";
    out.push_back(std::move(t));
    return base::Status::Ok();
  });
  if (!st.ok()) return st;
  return out;
}

}  // namespace ecoute::train
