#include "match/engine.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/testing_scale.h"
#include "match/golden_loader.h"
#include "match/parser.h"
#include "match/reference_matcher.h"
#include "match/fuzz_support.h"

namespace ecoute::match {
namespace {

using test_util::Case;
using test_util::MakeMention;
using test_util::ReadTsv;

// What ReferenceMatch says for every query, in ascending id order.
std::vector<EngineMatch> ReferenceAll(const std::vector<CompiledQuery>& qs, const model::Mention& m,
                                      const QueryResolver* resolver = nullptr) {
  std::vector<EngineMatch> out;
  for (const CompiledQuery& q : qs) {
    MatchResult r = ReferenceMatch(q.query, m, resolver);
    if (r.matched) out.push_back({q.id, r.spans});
  }
  return out;
}

std::string Describe(const std::vector<EngineMatch>& v, const std::vector<CompiledQuery>& qs) {
  std::string out;
  for (const EngineMatch& e : v) {
    std::string text;
    for (const CompiledQuery& q : qs) {
      if (q.id == e.query_id) text = q.query.text;
    }
    out += "  " + std::to_string(e.query_id) + " [" + text + "] spans";
    for (const MatchSpan& s : e.spans) {
      out += " " + std::string(s.field == MentionField::kTitle ? "T" : "") + std::to_string(s.begin) + "-" +
             std::to_string(s.end);
    }
    out += "\n";
  }
  return out;
}

// `s` with control bytes, '\\' and every byte >= 0x80 written as \xNN, for
// failure messages (the texts hold invalid UTF-8 on purpose).
// Failure messages: control bytes escaped (fuzz_support.h).
std::string Escaped(std::string_view s) { return fuzz::Escape(s); }

std::vector<CompiledQuery> GoldenQueries(std::vector<Case>& cases) {
  cases = ReadTsv("golden.tsv");
  std::vector<CompiledQuery> qs;
  for (const Case& c : cases) {
    auto q = Parse(c.cols[0]);
    EXPECT_TRUE(q.ok()) << c.cols[0];
    if (!q.ok()) continue;
    qs.push_back({c.line, "golden" + std::to_string(c.line), *std::move(q)});
  }
  return qs;
}

TEST(Engine, GoldenDifferentialAllQueriesAtOnce) {
  std::vector<Case> cases;
  std::vector<CompiledQuery> qs = GoldenQueries(cases);
  ASSERT_GE(qs.size(), 80u);
  auto engine = Engine::Build(qs, nullptr);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  EXPECT_EQ((*engine)->size(), qs.size());
  size_t matched_total = 0;
  for (const Case& c : cases) {
    SCOPED_TRACE("golden.tsv:" + std::to_string(c.line) + ": " + c.cols[1]);
    model::Mention m = MakeMention(c.cols[1]);
    std::vector<EngineMatch> want = ReferenceAll(qs, m);
    std::vector<EngineMatch> got = (*engine)->Match(m);
    EXPECT_EQ(got, want) << "engine:\n" << Describe(got, qs) << "reference:\n" << Describe(want, qs);
    // The golden's own query is in the set exactly when expected.
    bool own = false;
    for (const EngineMatch& e : got) own = own || e.query_id == c.line;
    EXPECT_EQ(own, c.cols[2] == "1");
    matched_total += got.size();
  }
  EXPECT_GT(matched_total, cases.size());  // cross-matches happen: the test is not vacuous
}

// ---- random differential ----

// Generators shared with the fuzz targets (fuzz_support.h).
std::string RandomQuery(fuzz::Rng& rng) { return fuzz::RandomQuery(rng); }
model::Mention RandomMention(fuzz::Rng& rng) { return fuzz::ParseMentionSpec(fuzz::RandomMentionSpec(rng)); }

TEST(Engine, RandomDifferential) {
  fuzz::Rng rng(12345);
  std::vector<CompiledQuery> qs;
  int64_t id = 0;
  while (qs.size() < 2000) {
    std::string text = RandomQuery(rng);
    auto q = Parse(text);
    if (!q.ok()) continue;
    id += 1 + static_cast<int64_t>(rng() % 3);
    qs.push_back({id, "r" + std::to_string(id), *std::move(q)});
  }
  // Build from a shuffled order: Build sorts by id.
  std::vector<CompiledQuery> shuffled = qs;
  std::shuffle(shuffled.begin(), shuffled.end(), rng);
  auto engine = Engine::Build(shuffled, nullptr);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  size_t matched = 0;
  int failures = 0;
  for (int64_t i = 0; i < base::TestScale(500) && failures < 5; ++i) {
    model::Mention m = RandomMention(rng);
    std::vector<EngineMatch> want = ReferenceAll(qs, m);
    std::vector<EngineMatch> got = (*engine)->Match(m);
    matched += got.size();
    if (got != want) {
      ++failures;
      ADD_FAILURE() << "title [" << m.title << "] text [" << m.text << "]\nengine:\n"
                    << Describe(got, qs) << "reference:\n"
                    << Describe(want, qs);
    }
  }
  EXPECT_GT(matched, static_cast<size_t>(base::TestScale(5000)));  // non-trivial: many queries match many texts
  EXPECT_GT((*engine)->always_evaluated(), 0u);
  EXPECT_LT((*engine)->always_evaluated(), qs.size() / 2);
}

// Texts from the tokenizer's hard cases (apostrophes, elisions, hashtags,
// mentions, several URLs, accents and ligatures, emoji, invalid UTF-8) and
// queries over them, so the engine's own tokenizer, hit collection and
// evaluation are compared with the reference beyond the word lists above.
TEST(Engine, RandomDifferentialOnUnicodeSoup) {
  const std::vector<std::string> atoms = {
      "avion", "l'avion", "\"l'avion\"~1", "qu'il", "il", "aujourd'hui", "hui", "orange", "{Orange}", "{ORANGE}",
      "'s", "\"orange 's\"", "don't", "#grève", "greve", "#sncf", "@jean.dupont", "@free", "free", "réseau*",
      "r?seau", "r?seau*", "*", "œuvre", "oeuvre", "strasse", "ﬁn", "fin", "Москва", "東京", "2024", "site:free.fr",
      "site:x.org", "site:wikipedia.org", "lang:fr", "mobile", "\"free mobile\"", "free NEAR/2 mobile",
      "avion ONEAR/3 retard", "(avion OR colis) NEAR/1 (retard OR perdu)", "\"colis retard perdu\"~2", "-free",
      "NOT #sncf", "l'", "d'avion", "prud'hommes", "colis", "retard", "perdu"};
  const std::vector<std::string> pieces = {
      "l'", "L’", "d'", "qu'", "QU’", "avion", "Avion", "il", "aujourd'hui", "Aujourd’hui", "Orange", "orange",
      "ORANGE", "Orange's", "orange’s", "'s", "don't", "#grève", "#Greve", "#SNCF", "#2024", "&#x", "@jean.dupont",
      "@Free", "free", "contact@free.fr", "https://mobile.free.fr/offre.", "www.free.fr", "http://x.org/@a#b",
      "https://fr.wikipedia.org/wiki/Free_(entreprise)", "www.google", "réseau", "RÉSEAU", "Re\xcc\x81seaux",
      "rzseau", "œuvre", "Straße", "ﬁn", "Москва", "東京", "2024", "Mobile", "mobile", "colis", "retard", "perdu",
      "prud’hommes", "😡", "👍🏽", "…", "«", "»", ",", ".", "!", "-", "_", "\xff", "\xc3", "\xe2\x80", "\x01",
      "\x02", "\n"};
  fuzz::Rng rng(777);
  std::vector<CompiledQuery> qs;
  int64_t id = 0;
  auto pick = [&](const std::vector<std::string>& v) { return v[rng() % v.size()]; };
  while (qs.size() < 400) {
    std::string text;
    switch (rng() % 4) {
      case 0: text = pick(atoms); break;
      case 1: text = pick(atoms) + " " + pick(atoms); break;
      case 2: text = "(" + pick(atoms) + " OR " + pick(atoms) + ") " + pick(atoms); break;
      default: text = RandomQuery(rng); break;
    }
    auto q = Parse(text);
    if (!q.ok()) continue;
    qs.push_back({++id, "s" + std::to_string(id), *std::move(q)});
  }
  auto engine = Engine::Build(qs, nullptr);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  auto soup = [&](int max_pieces) {
    std::string out;
    int n = 1 + static_cast<int>(rng() % static_cast<unsigned>(max_pieces));
    for (int k = 0; k < n; ++k) {
      out += rng() % 3 == 0 ? pick(fuzz::TextWords()) : pick(pieces);
      if (rng() % 3 != 0) out += ' ';
    }
    return out;
  };
  size_t matched = 0;
  int failures = 0;
  for (int64_t i = 0; i < base::TestScale(1500) && failures < 5; ++i) {
    model::Mention m;
    m.text = soup(30);
    if (rng() % 3 == 0) m.title = soup(6);
    if (rng() % 4 == 0) m.url = "https://www.free.fr/x";
    m.language = rng() % 2 ? "fr" : "en";
    std::vector<EngineMatch> want = ReferenceAll(qs, m);
    std::vector<EngineMatch> got = (*engine)->Match(m);
    matched += got.size();
    if (got != want) {
      ++failures;
      ADD_FAILURE() << "title [" << Escaped(m.title) << "] text [" << Escaped(m.text) << "]\nengine:\n"
                    << Describe(got, qs) << "reference:\n"
                    << Describe(want, qs);
    }
  }
  EXPECT_GT(matched, static_cast<size_t>(base::TestScale(20000)));
}

TEST(Engine, ReferencesAreInlined) {
  QuerySet set;
  ASSERT_TRUE(set.Add("brand", "free OR \"free mobile\" OR @free").ok());
  ASSERT_TRUE(set.Add("issue", "panne OR coupure").ok());
  std::vector<CompiledQuery> qs;
  int64_t id = 1;
  for (const char* text : {"@brand AND @issue", "@brand NOT @issue", "free NEAR/2 @brand", "@issue"}) {
    auto q = Parse(text, &set);
    ASSERT_TRUE(q.ok()) << text;
    qs.push_back({id++, text, *std::move(q)});
  }
  auto engine = Engine::Build(qs, &set);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  for (const char* text : {"free en panne", "merci @free", "coupure", "free mobile ok", "free @brand"}) {
    model::Mention m;
    m.text = text;
    EXPECT_EQ((*engine)->Match(m), ReferenceAll(qs, m, &set)) << text;
  }
  model::Mention m;
  m.text = "free en panne";
  std::vector<EngineMatch> got = (*engine)->Match(m);
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].query_id, 1);
  EXPECT_EQ(got[1].query_id, 4);
}

TEST(Engine, ThreadedUseOfTwoEngines) {
  std::vector<Case> cases;
  std::vector<CompiledQuery> qs = GoldenQueries(cases);
  auto a = Engine::Build(qs, nullptr);
  std::vector<CompiledQuery> half(qs.begin(), qs.begin() + static_cast<std::ptrdiff_t>(qs.size() / 2));
  auto b = Engine::Build(half, nullptr);
  ASSERT_TRUE(a.ok() && b.ok());
  std::vector<model::Mention> texts;
  for (const Case& c : cases) texts.push_back(MakeMention(c.cols[1]));
  std::vector<std::vector<EngineMatch>> want_a, want_b;
  for (const model::Mention& m : texts) {
    want_a.push_back((*a)->Match(m));
    want_b.push_back((*b)->Match(m));
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 20; ++round) {
        for (size_t i = 0; i < texts.size(); ++i) {
          size_t k = (i * 7 + static_cast<size_t>(t) * 13 + static_cast<size_t>(round)) % texts.size();
          if ((*a)->Match(texts[k]) != want_a[k]) ++mismatches[static_cast<size_t>(t)];
          if ((*b)->Match(texts[k]) != want_b[k]) ++mismatches[static_cast<size_t>(t)];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(mismatches[static_cast<size_t>(t)], 0) << "thread " << t;
  // Engine b is a strict subset in queries: every match of b is a match of a.
  for (size_t i = 0; i < texts.size(); ++i) {
    for (const EngineMatch& e : want_b[i]) {
      EXPECT_NE(std::find(want_a[i].begin(), want_a[i].end(), e), want_a[i].end());
    }
  }
}

TEST(Engine, ErrorsNameTheQuery) {
  QuerySet set;
  ASSERT_TRUE(set.Add("a", "x OR @b").ok());
  ASSERT_TRUE(set.Add("b", "y").ok());
  auto qa = Parse("colis AND @a", &set);
  ASSERT_TRUE(qa.ok());
  // Unknown reference: the resolver given to Build does not know "a".
  QuerySet other;
  auto r1 = Engine::Build({{7, "brand_watch", *qa}}, &other);
  ASSERT_FALSE(r1.ok());
  EXPECT_EQ(r1.status().code(), base::StatusCode::kInvalidArgument);
  EXPECT_NE(r1.status().message().find("query 7 \"brand_watch\": unknown query \"a\""), std::string::npos)
      << r1.status().ToString();
  // Malformed tree (not produced by Parse).
  CompiledQuery bad{9, "broken", {}};
  bad.query.root.kind = NodeKind::kNot;
  auto r2 = Engine::Build({{1, "ok", *Parse("colis")}, bad}, nullptr);
  ASSERT_FALSE(r2.ok());
  EXPECT_NE(r2.status().message().find("query 9 \"broken\""), std::string::npos) << r2.status().ToString();
  // Duplicate ids.
  auto r3 = Engine::Build({{3, "one", *Parse("a")}, {3, "two", *Parse("b")}}, nullptr);
  ASSERT_FALSE(r3.ok());
  EXPECT_NE(r3.status().message().find("query 3"), std::string::npos) << r3.status().ToString();
  // Cycle built behind the parser's back.
  QuerySet cyc;
  ASSERT_TRUE(cyc.Add("p", "x").ok());
  ASSERT_TRUE(cyc.Add("q", "@p").ok());
  auto rq = Parse("@q", &cyc);
  ASSERT_TRUE(rq.ok());
  struct Loop : QueryResolver {
    Query q;
    const Query* Find(std::string_view name) const override { return name == "q" ? &q : nullptr; }
  } loop;
  loop.q = *Parse("free OR @q", &cyc);
  auto r4 = Engine::Build({{5, "loopy", *rq}}, &loop);
  ASSERT_FALSE(r4.ok());
  EXPECT_NE(r4.status().message().find("query 5 \"loopy\": reference cycle"), std::string::npos)
      << r4.status().ToString();
}

TEST(Engine, EmptyEngineAndEmptyText) {
  auto e = Engine::Build({}, nullptr);
  ASSERT_TRUE(e.ok());
  model::Mention m;
  m.text = "colis";
  EXPECT_TRUE((*e)->Match(m).empty());
  auto e2 = Engine::Build({{1, "not", *Parse("NOT colis")}, {2, "w", *Parse("colis")}}, nullptr);
  ASSERT_TRUE(e2.ok());
  m.text = "";
  std::vector<EngineMatch> got = (*e2)->Match(m);
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].query_id, 1);
  m.text = std::string("\x01\x02 colis \xff\x01", 11);
  EXPECT_EQ((*e2)->Match(m), (std::vector<EngineMatch>{{2, {{MentionField::kText, 3, 8}}}}));
}

}  // namespace
}  // namespace ecoute::match
