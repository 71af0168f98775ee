// Test-only helpers shared by match_test and engine_test: the loader of
// testdata/*.tsv and the "[key=value;...]text" mention spec of golden.tsv.
#pragma once

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/mention.h"

namespace ecoute::match::test_util {

inline std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == '\t') {
      out.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  out.push_back(cur);
  return out;
}

struct Case {
  int line = 0;
  std::vector<std::string> cols;
};

inline std::vector<Case> ReadTsv(const std::string& name) {
  std::ifstream in(std::string(ECOUTE_SOURCE_DIR) + "/src/match/testdata/" + name);
  EXPECT_TRUE(in.good()) << name;
  std::vector<Case> out;
  std::string line;
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    if (line.empty() || line[0] == '#') continue;
    out.push_back({n, SplitTabs(line)});
  }
  return out;
}

// "[k=v;k=v]text" -> Mention.
inline model::Mention MakeMention(const std::string& spec) {
  model::Mention m;
  std::string rest = spec;
  if (!rest.empty() && rest[0] == '[') {
    size_t close = rest.find(']');
    std::string meta = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    std::stringstream ss(meta);
    std::string kv;
    while (std::getline(ss, kv, ';')) {
      size_t eq = kv.find('=');
      std::string k = kv.substr(0, eq), v = kv.substr(eq + 1);
      if (k == "title")
        m.title = v;
      else if (k == "lang")
        m.language = v;
      else if (k == "channel")
        m.channel = *model::ParseChannel(v);
      else if (k == "author")
        m.author.handle = v;
      else if (k == "url")
        m.url = v;
      else if (k == "urls")
        m.entities.urls.push_back(v);
      else if (k == "country")
        m.country = v;
      else if (k == "followers")
        m.author.followers = std::stoll(v);
      else if (k == "sentiment")
        m.enrichment.sentiment = v;
      else if (k == "category")
        m.enrichment.category = v;
      else if (k == "severity")
        m.enrichment.severity = std::stoi(v);
      else if (k == "level")
        m.enrichment.severity_level = v;
      else if (k == "needs_reply")
        m.enrichment.needs_reply = v == "true";
      else
        ADD_FAILURE() << "unknown metadata key " << k;
    }
  }
  m.text = rest;
  return m;
}

}  // namespace ecoute::match::test_util
