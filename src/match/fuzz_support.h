// Test-only helpers shared by the match fuzz targets (parser_fuzz.cc,
// engine_fuzz.cc) and their stand-alone driver (fuzz_driver.cc): the
// tolerant "[key=value;...]text" mention spec reader, random query / mention
// generators (the same vocabulary as engine_test), the token dictionary the
// driver's mutator inserts, and a fixed resolver with two named queries.
//
// No GoogleTest and no exceptions here: everything must work inside a
// libFuzzer binary on any bytes.
#pragma once

#include <charconv>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "match/parser.h"
#include "model/mention.h"

namespace ecoute::match::fuzz {

// Generator state of the driver and of the targets' GenerateInput. Drawing
// with `rng() % n` (not std::uniform_int_distribution) keeps a seed's
// sequence the same on every standard library.
using Rng = std::mt19937_64;

// Defined by each fuzz target: a fresh well-formed-ish input for that
// target, drawn from `rng` (the driver mixes these with mutated seeds).
std::string GenerateInput(Rng& rng);

inline size_t Pick(Rng& rng, size_t n) { return n == 0 ? 0 : static_cast<size_t>(rng() % n); }

template <typename T>
const T& PickFrom(Rng& rng, const std::vector<T>& v) {
  return v[Pick(rng, v.size())];
}

// "[k=v;k=v]text" -> Mention, the golden.tsv spec, read tolerantly: any
// bytes give some Mention (unknown keys, bad numbers and channels are
// ignored; no closing ']' means no metadata). Keys: title, lang, channel,
// author, url, urls (entity URLs separated by '|'), country, followers,
// sentiment, category, severity, level, needs_reply.
inline model::Mention ParseMentionSpec(std::string_view spec) {
  model::Mention m;
  std::string_view rest = spec;
  size_t close = rest.find(']');
  if (!rest.empty() && rest[0] == '[' && close != std::string_view::npos) {
    std::string_view meta = rest.substr(1, close - 1);
    rest = rest.substr(close + 1);
    while (!meta.empty()) {
      size_t semi = meta.find(';');
      std::string_view kv = meta.substr(0, semi);
      meta = semi == std::string_view::npos ? std::string_view() : meta.substr(semi + 1);
      size_t eq = kv.find('=');
      if (eq == std::string_view::npos) continue;
      std::string_view k = kv.substr(0, eq);
      std::string_view v = kv.substr(eq + 1);
      auto number = [&](auto& out) {
        return std::from_chars(v.data(), v.data() + v.size(), out).ec == std::errc();
      };
      if (k == "title") {
        m.title = std::string(v);
      } else if (k == "lang") {
        m.language = std::string(v);
      } else if (k == "channel") {
        if (auto c = model::ParseChannel(v)) m.channel = *c;
      } else if (k == "author") {
        m.author.handle = std::string(v);
      } else if (k == "url") {
        m.url = std::string(v);
      } else if (k == "urls") {
        while (true) {
          size_t bar = v.find('|');
          m.entities.urls.emplace_back(v.substr(0, bar));
          if (bar == std::string_view::npos) break;
          v = v.substr(bar + 1);
        }
      } else if (k == "country") {
        m.country = std::string(v);
      } else if (k == "followers") {
        int64_t n = 0;
        if (number(n)) m.author.followers = n;
      } else if (k == "sentiment") {
        m.enrichment.sentiment = std::string(v);
      } else if (k == "category") {
        m.enrichment.category = std::string(v);
      } else if (k == "severity") {
        int n = 0;
        if (number(n)) m.enrichment.severity = n;
      } else if (k == "level") {
        m.enrichment.severity_level = std::string(v);
      } else if (k == "needs_reply") {
        m.enrichment.needs_reply = v == "true";
      }
    }
  }
  m.text = std::string(rest);
  return m;
}

// `s` with control bytes, DEL and backslash written as C escapes (\t, \x0c,
// \\); other bytes (UTF-8 or not) as they are. For failure messages.
inline std::string Escape(std::string_view s) {
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\n') {
      out += "\\n";
    } else if (u < 0x20 || u == 0x7f) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  return out;
}

// Human-readable dump of what ParseMentionSpec read, for failure messages.
inline std::string DescribeMention(const model::Mention& m) {
  std::string out = "title [" + Escape(m.title) + "] text [" + Escape(m.text) + "] lang [" + Escape(m.language) +
                    "] channel [" + std::string(model::ChannelName(m.channel)) + "] author [" +
                    Escape(m.author.handle) + "] url [" + Escape(m.url) + "] urls [";
  for (const std::string& u : m.entities.urls) out += Escape(u) + "|";
  out += "] country [" + Escape(m.country) + "]";
  if (m.author.followers) out += " followers " + std::to_string(*m.author.followers);
  if (m.enrichment.sentiment) out += " sentiment [" + Escape(*m.enrichment.sentiment) + "]";
  if (m.enrichment.category) out += " category [" + Escape(*m.enrichment.category) + "]";
  if (m.enrichment.severity) out += " severity " + std::to_string(*m.enrichment.severity);
  if (m.enrichment.severity_level) out += " level [" + Escape(*m.enrichment.severity_level) + "]";
  if (m.enrichment.needs_reply) out += std::string(" needs_reply ") + (*m.enrichment.needs_reply ? "true" : "false");
  return out;
}

// Prints "<target>: <what>" and the details to stderr, then aborts (the
// driver / libFuzzer save the input).
[[noreturn]] inline void Fail(std::string_view target, std::string_view what, const std::string& details) {
  std::fprintf(stderr, "\n%.*s: FAILED: %.*s\n%s\n", static_cast<int>(target.size()), target.data(),
               static_cast<int>(what.size()), what.data(), details.c_str());
  std::fflush(stderr);
  std::abort();
}

// A resolver knowing "brand" and "issue" (so "@brand" / "@issue" become
// references when a target parses with it). Built once, then only read.
inline const QuerySet& FixedQuerySet() {
  static const QuerySet* set = [] {
    auto* s = new QuerySet;
    if (!s->Add("brand", "free OR \"free mobile\" OR @free").ok() ||
        !s->Add("issue", "panne OR coupure OR #panne OR retard NEAR/2 livraison").ok()) {
      std::abort();
    }
    return s;
  }();
  return *set;
}

// ---- random generation (also engine_test.cc's) ----

inline const std::vector<std::string>& QueryAtoms() {
  static const std::vector<std::string> v = {
      "colis", "perdu", "réseau", "reseau", "RÉSEAU", "livraison", "livr*", "c?lis", "c?lis*", "?olis", "re*",
      "{Orange}", "orange", "#greve", "greve", "@free", "free", "mobile", "panne", "retard", "œuvre", "oeuvre",
      "\"pix mania\"", "\"colis perdu\"", "\"free panne\"~2", "\"colis perdu retard\"~1", "l'avion", "avion",
      "{Free Mobile}", "lang:fr", "lang:en", "channel:twitter", "followers:>100", "site:free.fr",
      "sentiment:negative", "2024", "Москва", "don't", "saint-denis", "#SNCF", "sncf", "*", "@brand", "@issue",
      "author:freemobile", "country:FR", "category:livraison", "severity:>=high", "severity:<50",
      "needs_reply:true", "\"#greve sncf\"", "\"@free panne\"", "\"c?lis perdu\"", "\"livr* retard\"",
      "{orange}", "qu'il", "Orange's", "\"l'avion\"~1", "aujourd'hui", "x"};
  return v;
}

inline const std::vector<std::string>& NearOperands() {
  static const std::vector<std::string> v = {
      "colis", "perdu", "free", "panne", "livr*", "\"pix mania\"", "(colis OR paquet)", "retard", "#greve",
      "c?lis", "@free", "{Orange}", "l'avion", "(free NEAR/1 mobile)"};
  return v;
}

inline const std::vector<std::string>& TextWords() {
  static const std::vector<std::string> v = {
      "colis", "Colis", "COLIS", "perdu", "réseau", "RESEAU", "reseaux", "livraison", "livre", "délivrance",
      "clis", "colisx", "colissimo", "Orange", "orange", "ORANGE", "#grève", "#greve", "#livraisongratuite",
      "grève", "@Free", "@free", "free", "Free", "Mobile", "mobile", "panne", "retard", "œuvre", "pix", "Pix",
      "mania", "Mania", "l'avion", "l’avion", "avion", "2024", "Москва", "Москве", "don't", "Saint-Denis",
      "#SNCF", "sncf", "paquet", "😡", ",", ".", "!", "https://www.free.fr/x", "re", "recolis", "a", "x",
      "qu'il", "colis!", "Orange's", "#panne", "coupure", "@brand", "brand", "www.notfree.fr", "aujourd'hui",
      "\xff", "e\xcc\x81", "ﬁn", "\n"};
  return v;
}

// A random query of the engine_test grammar (parses most of the time).
inline std::string RandomQuery(Rng& rng, int depth = 0) {
  size_t r = Pick(rng, 10);
  if (depth >= 3 || r < 3) return PickFrom(rng, QueryAtoms());
  switch (r) {
    case 3:
      return RandomQuery(rng, depth + 1) + " AND " + RandomQuery(rng, depth + 1);
    case 4:
      return "(" + RandomQuery(rng, depth + 1) + " OR " + RandomQuery(rng, depth + 1) + ")";
    case 5:
      return RandomQuery(rng, depth + 1) + " NOT " + PickFrom(rng, QueryAtoms());
    case 6:
      return PickFrom(rng, NearOperands()) + (Pick(rng, 2) ? " NEAR/" : " ONEAR/") + std::to_string(Pick(rng, 4)) +
             " " + PickFrom(rng, NearOperands());
    case 7:
      return "-" + PickFrom(rng, QueryAtoms()) + " " + RandomQuery(rng, depth + 1);
    case 8:
      return "NOT (" + RandomQuery(rng, depth + 1) + ")";
    default:
      return RandomQuery(rng, depth + 1) + " " + RandomQuery(rng, depth + 1);
  }
}

// Random words of TextWords() joined by spaces.
inline std::string RandomWords(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) {
    if (i > 0) s += ' ';
    s += PickFrom(rng, TextWords());
  }
  return s;
}

// A random "[k=v;...]text" spec (ParseMentionSpec's format).
inline std::string RandomMentionSpec(Rng& rng) {
  std::vector<std::string> meta;
  auto maybe = [&](const char* key, const std::vector<std::string>& values) {
    if (Pick(rng, 4) == 0) meta.push_back(std::string(key) + "=" + PickFrom(rng, values));
  };
  if (Pick(rng, 4) == 0) meta.push_back("title=" + RandomWords(rng, 1 + static_cast<int>(Pick(rng, 4))));
  maybe("lang", {"fr", "en", "und", "de"});
  maybe("channel", {"twitter", "forum", "email", "voice"});
  maybe("author", {"freemobile", "FreeMobile", "x"});
  maybe("url", {"https://assistance.free.fr/x", "https://notfree.fr/", "http://www.free.fr"});
  maybe("urls", {"http://mobile.free.fr", "https://a.fr|https://free.fr/y"});
  maybe("country", {"FR", "fr", "BE"});
  maybe("followers", {"0", "100", "101", "1000", "1200", "5"});
  maybe("sentiment", {"negative", "positive", "neutral"});
  maybe("category", {"Livraison", "réseau"});
  maybe("severity", {"0", "49", "50", "100"});
  maybe("level", {"low", "medium", "high", "critical"});
  maybe("needs_reply", {"true", "false"});
  std::string out;
  if (!meta.empty()) {
    out = "[";
    for (size_t i = 0; i < meta.size(); ++i) out += (i ? ";" : "") + meta[i];
    out += "]";
  }
  return out + RandomWords(rng, 1 + static_cast<int>(Pick(rng, 12)));
}

// Fragments the driver's mutator inserts: operators, keywords, fields,
// quotes, parentheses, accents, emoji, broken UTF-8, separators of the
// engine input format.
inline const std::vector<std::string>& MutationTokens() {
  static const std::vector<std::string> v = {
      " AND ", " OR ", " NOT ", "AND", "OR", "NOT", "and", "or", "not", "near", "-", "(", ")", "\"", "{", "}",
      "NEAR/", "ONEAR/", "NEAR/0", "NEAR/1", "NEAR/1000", "NEAR/1001", " NEAR/3 ", " ONEAR/2 ", "NEAR", "~", "~0",
      "~2", "~1000", "*", "?", ":", ":>", ":>=", ":<", ":<=", ":=", "lang:", "channel:", "author:", "site:",
      "country:", "followers:", "sentiment:", "category:", "severity:", "needs_reply:", "lang2:", "@", "#", "'",
      "’", "ʼ", "l'", "qu'", "aujourd'hui", "'s", "é", "É", "œ", "Œ", "ß", "ﬁ", "İ", "ǅ", "e\xcc\x81", "😀",
      "👍🏽", "\xff", "\xc3", "\xe2\x80", "\xf0\x9f", "\xed\xa0\x80", "\xc0\xaf", std::string("\0", 1), "\t", "\n",
      " ", "  ", "www.", "https://", "http://x.fr/", ".fr", "@brand", "@issue", "@free", "#greve", "livr*",
      "[lang=fr]", "[title=", "[followers=1000;channel=twitter]", "followers=", ";", "]", "=", "|", "東京",
      "Москва", "0", "100", "99999999999999999999", "-1", "2147483648", "high", "critical", "true", "\\",
      "_", ".", ",", "colis", "free", "panne", "\"pix mania\"", "{Orange}", "c?lis", "??", "**"};
  return v;
}

}  // namespace ecoute::match::fuzz
