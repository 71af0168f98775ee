// Tests of the demo's building blocks: the PRNG, the content compiler and the
// content itself, the text helpers.
#include <gtest/gtest.h>

#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "demo/content.h"
#include "demo/rng.h"
#include "demo/text_style.h"
#include "model/mention.h"

namespace ecoute::demo::internal {
namespace {

TEST(DemoRng, GoldenValuesPinTheAlgorithm) {
  // These values must never change: they are what makes the demo stream the
  // same on every platform. Computed with the reference xoshiro256** seeded
  // through SplitMix64.
  Rng r(42);
  const uint64_t a = r.Next(), b = r.Next(), c = r.Next();
  Rng again(42);
  EXPECT_EQ(again.Next(), a);
  EXPECT_EQ(again.Next(), b);
  EXPECT_EQ(again.Next(), c);
  EXPECT_EQ(a, 0x15780b2e0c2ec716ull) << std::hex << a;
  EXPECT_EQ(b, 0x6104d9866d113a7eull) << std::hex << b;
  EXPECT_EQ(c, 0xae17533239e499a1ull) << std::hex << c;
  EXPECT_NE(Rng(43).Next(), a);
}

TEST(DemoRng, BelowAndRangeStayInBounds) {
  Rng r(7);
  std::vector<int> counts(10, 0);
  for (int i = 0; i < 100'000; ++i) {
    const uint32_t v = r.Below(10);
    ASSERT_LT(v, 10u);
    ++counts[v];
    const int64_t x = r.Range(-3, 3);
    ASSERT_GE(x, -3);
    ASSERT_LE(x, 3);
  }
  for (int c : counts) EXPECT_NEAR(c, 10'000, 500);
  EXPECT_EQ(r.Below(0), 0u);
  EXPECT_EQ(r.Range(5, 5), 5);
}

TEST(DemoRng, ExpQ16HasMeanOneAndIsDeterministic) {
  Rng r(1);
  double sum = 0;
  const int n = 1'000'000;
  for (int i = 0; i < n; ++i) sum += static_cast<double>(ExpQ16(r.Next())) / 65536.0;
  EXPECT_NEAR(sum / n, 1.0, 0.01);
  // -ln(1/2) = ln 2; -ln(2^-64) = 64 ln 2.
  EXPECT_NEAR(static_cast<double>(ExpQ16(1ull << 63)) / 65536.0, 0.693147, 1e-4);
  EXPECT_NEAR(static_cast<double>(ExpQ16(0)) / 65536.0, 44.3614, 1e-3);
  EXPECT_EQ(ExpQ16(0x0123456789abcdefull), ExpQ16(0x0123456789abcdefull));
}

TEST(DemoRng, MulHelpers) {
  EXPECT_EQ(MulHi64(1ull << 63, 4), 2u);
  EXPECT_EQ(MulHi64(~0ull, ~0ull), ~0ull - 1);
  EXPECT_EQ(MulShift16(3ull << 40, 5ull << 20), 15ull << 44);
}

// --- content -----------------------------------------------------------------

bool Has(const Scenario& s, Lang l) { return !s.templates[static_cast<size_t>(l)].empty(); }

TEST(DemoContent, CompilesAndEveryScenarioExistsInBothLanguages) {
  const Content& c = GetContent();
  ASSERT_GT(c.scenarios.size(), 60u);
  for (const Scenario& s : c.scenarios) {
    EXPECT_TRUE(Has(s, Lang::kFr)) << s.id << " has no French template";
    EXPECT_TRUE(Has(s, Lang::kEn)) << s.id << " has no English template";
    EXPECT_GT(s.weight, 0u) << s.id;
    EXPECT_NE(s.brand_mask, 0) << s.id;
  }
  for (const Cue& cue : c.cues) {
    EXPECT_FALSE(cue.templates[0].empty()) << cue.id;
    EXPECT_FALSE(cue.templates[1].empty()) << cue.id;
  }
}

// Walks a sequence and checks that every part it can reach has a template for
// (lang, brand). Records the missing ones as "part@brand/lang".
void CheckSeq(const Content& c, const Seq& seq, Lang lang, int brand, int depth, std::set<std::string>& missing) {
  ASSERT_LT(depth, 12) << "part recursion too deep";
  for (uint32_t i = seq.begin; i < seq.end; ++i) {
    const Node& n = c.nodes[i];
    if (n.kind == Node::Kind::kChoice) {
      for (uint32_t k = 0; k < n.b; ++k) CheckSeq(c, c.alternatives[n.a + k], lang, brand, depth + 1, missing);
    } else if (n.kind == Node::Kind::kPart) {
      const auto& list = c.parts[n.a].by_brand[static_cast<size_t>(lang)][static_cast<size_t>(brand)];
      if (list.empty()) {
        missing.insert(c.parts[n.a].name + "@" + std::to_string(brand) + "/" + (lang == Lang::kFr ? "fr" : "en"));
        continue;
      }
      for (const Template& t : list) CheckSeq(c, t.body, lang, brand, depth + 1, missing);
    }
  }
}

TEST(DemoContent, EveryPartAScenarioUsesExistsForItsBrands) {
  const Content& c = GetContent();
  std::set<std::string> missing;
  for (const Scenario& s : c.scenarios)
    for (Lang l : {Lang::kFr, Lang::kEn})
      for (int b = 0; b < kBrandCount; ++b) {
        if (!(s.brand_mask & (1u << b))) continue;
        for (const Template& t : s.templates[static_cast<size_t>(l)]) {
          CheckSeq(c, t.title, l, b, 0, missing);
          CheckSeq(c, t.body, l, b, 0, missing);
        }
      }
  for (const Cue& cue : c.cues)
    for (Lang l : {Lang::kFr, Lang::kEn})
      for (int b = 0; b < kBrandCount; ++b)
        if (cue.brand_mask & (1u << b))
          for (const Template& t : cue.templates[static_cast<size_t>(l)]) CheckSeq(c, t.body, l, b, 0, missing);
  // Wrapper parts are rendered for every brand.
  for (const Part& p : c.parts) {
    bool wrapper = p.name.starts_with("title_") || p.name.starts_with("email_") || p.name.starts_with("voice_") ||
                   p.name.starts_with("forum_") || p.name.starts_with("review_") || p.name.starts_with("demand_") ||
                   p.name.starts_with("blog_");
    if (!wrapper) continue;
    for (Lang l : {Lang::kFr, Lang::kEn})
      for (int b = 0; b < kBrandCount; ++b) {
        const auto& list = p.by_brand[static_cast<size_t>(l)][static_cast<size_t>(b)];
        if (list.empty()) missing.insert(p.name + "@" + std::to_string(b));
        for (const Template& t : list) CheckSeq(c, t.body, l, b, 0, missing);
      }
  }
  EXPECT_TRUE(missing.empty()) << [&] {
    std::string s;
    for (const std::string& m : missing) s += m + " ";
    return s;
  }();
}

// A scenario of `role` answers a parent of (intent, category) for a brand on
// a channel.
bool Covered(const Content& c, Role role, Intent parent, Category cat, int brand, model::Channel ch) {
  for (const Scenario& s : c.scenarios)
    if (s.role == role && (s.parent_intents & (1u << static_cast<unsigned>(parent))) &&
        (s.parent_categories & (1u << static_cast<unsigned>(cat))) && (s.brand_mask & (1u << brand)) &&
        (s.channel_mask & (1u << static_cast<unsigned>(ch))))
      return true;
  return false;
}

TEST(DemoContent, BrandsCanAnswerEveryThreadOnEveryCareChannel) {
  const Content& c = GetContent();
  using model::Channel;
  for (Channel ch : {Channel::kTwitter, Channel::kFacebook, Channel::kInstagram, Channel::kForum, Channel::kReview,
                     Channel::kEmail, Channel::kChat, Channel::kSms})
    for (int b = 0; b < kBrandCount; ++b) {
      EXPECT_TRUE(Covered(c, Role::kBrand, Intent::kPraise, Category::kNone, b, ch));
      for (int k = 0; k < kCategoryCount - 1; ++k) {
        const Category cat = static_cast<Category>(k);
        EXPECT_TRUE(Covered(c, Role::kBrand, Intent::kComplaint, cat, b, ch)) << k << " " << b;
        EXPECT_TRUE(Covered(c, Role::kBrand, Intent::kQuestion, cat, b, ch)) << k << " " << b;
        EXPECT_TRUE(Covered(c, Role::kBrand, Intent::kReply, cat, b, ch)) << k << " " << b;
        EXPECT_TRUE(Covered(c, Role::kFollowup, Intent::kReply, cat, b, ch)) << k << " " << b;
      }
    }
}

TEST(DemoContent, EveryIntentAndCategoryHasFreshScenarios) {
  const Content& c = GetContent();
  std::set<Intent> intents;
  std::set<Category> categories;
  for (const Scenario& s : c.scenarios) {
    if (s.role != Role::kFresh) continue;
    intents.insert(s.intent);
    categories.insert(s.category);
  }
  EXPECT_EQ(intents.size(), static_cast<size_t>(kIntentCount - 1));  // "reply" only in threads
  EXPECT_EQ(categories.size(), static_cast<size_t>(kCategoryCount));
}

TEST(DemoContent, CompilerExpandsTemplates) {
  Content c = CompileContent({R"(
@part thing
fr: [pomme{fem}|chou{masc}]
en: [apple|cabbage]
@scenario s intent=complaint cat=billing sev=high sent=neg reply=yes w=3 for=bank,airline ch=twitter,email
fr: Ma {thing} est [petit{e}|grand{e}|].||Corps {^@thing}\nfin
en: My {thing}.
)"});
  ASSERT_EQ(c.scenarios.size(), 1u);
  const Scenario& s = c.scenarios[0];
  EXPECT_EQ(s.intent, Intent::kComplaint);
  EXPECT_EQ(s.category, Category::kBilling);
  EXPECT_EQ(s.severity, Severity::kHigh);
  EXPECT_EQ(s.sentiment, Sentiment::kNegative);
  EXPECT_TRUE(s.needs_reply);
  EXPECT_EQ(s.weight, 3u);
  EXPECT_EQ(s.brand_mask, (1 << kAurore) | (1 << kAeroLune));
  EXPECT_EQ(s.channel_mask, (1 << static_cast<int>(model::Channel::kTwitter)) |
                                (1 << static_cast<int>(model::Channel::kEmail)));
  ASSERT_EQ(s.templates[0].size(), 1u);
  EXPECT_FALSE(s.templates[0][0].title.empty());
  EXPECT_TRUE(s.templates[1][0].title.empty());
  const int thing = c.FindPart("thing");
  ASSERT_GE(thing, 0);
  EXPECT_EQ(c.parts[static_cast<size_t>(thing)].by_brand[0][0].size(), 1u);
}

TEST(DemoContentDeathTest, MalformedContentNamesTheLine) {
  EXPECT_DEATH(CompileContent({"@scenario a intent=bogus\n"}), "line 1: unknown intent: bogus");
  EXPECT_DEATH(CompileContent({"@part p\nfr: [a|b\n"}), "line 2: unclosed \\[");
  EXPECT_DEATH(CompileContent({"@part p\nfr: {nope}\n"}), "line 2: unknown slot or part: nope");
  EXPECT_DEATH(CompileContent({"fr: orphan\n"}), "line 1: template outside a block");
  EXPECT_DEATH(CompileContent({"@scenario a intent=praise w=x1\n"}), "line 1: bad number");
}

// --- text helpers --------------------------------------------------------------

TEST(DemoText, CapitalizeAndLowercaseHandleAccents) {
  std::string s = "été";
  CapitalizeAt(s, 0);
  EXPECT_EQ(s, "Été");
  LowercaseAt(s, 0);
  EXPECT_EQ(s, "été");
  s = "œuvre";
  CapitalizeAt(s, 0);
  EXPECT_EQ(s, "Œuvre");
  s = "abc";
  CapitalizeAt(s, 5);  // out of range: no-op
  EXPECT_EQ(s, "abc");
}

TEST(DemoText, UppercaseKeepsUrls) {
  std::string s = "livrée à côté https://x.example/AbC fin";
  UppercaseText(s);
  EXPECT_EQ(s, "LIVRÉE À CÔTÉ https://x.example/AbC FIN");
}

TEST(DemoText, AsciiAndSlug) {
  EXPECT_EQ(AsciiLower("Hélène O'Brien-Œil"), "heleneobrienoeil");
  EXPECT_EQ(Slugify("Colis bloqué à Lyon !", 60), "colis-bloque-a-lyon");
  EXPECT_EQ(Slugify("Très long titre", 6), "tres-l");
}

TEST(DemoText, TidyAndTruncate) {
  std::string s = "  Bonjour  ,  ça va .  \nOui   merci  ";
  Tidy(s);
  EXPECT_EQ(s, "Bonjour, ça va.\nOui merci");
  std::string t = "éééé ééé éééééé";
  TruncateUtf8(t, 10);
  EXPECT_LE(Utf8Length(t), 10u);
  EXPECT_TRUE(t.ends_with("…"));
  EXPECT_EQ(Utf8Length("aé€😀"), 4u);
}

TEST(DemoText, InformalTransformsKeepValidText) {
  Rng r(3);
  std::string s = "Bonjour, pourquoi c'est toujours nul ? Je ne sais pas.";
  Abbreviate(s, Lang::kFr, r, 1000);
  EXPECT_EQ(s, "Bjr, pk c tjrs nul ? Jsp.") << s;
  std::string e = "Please, I still have nothing, thanks";
  Abbreviate(e, Lang::kEn, r, 1000);
  EXPECT_EQ(e, "Pls, I still have nothing, thx");
  std::string n = "C'est nul.";
  EXPECT_TRUE(Elongate(n, Lang::kFr, r));
  EXPECT_EQ(n, "C'est nuuul.");
  Exclaim(n);
  EXPECT_EQ(n, "C'est nuuul!!!");
  std::string w = "le colis arrive demain matin";
  AddTypo(w, r);
  EXPECT_NE(w, "le colis arrive demain matin");
  EXPECT_NEAR(static_cast<double>(w.size()), 28.0, 1.0);
}

}  // namespace
}  // namespace ecoute::demo::internal
