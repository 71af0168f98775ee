// Tests of the demo stream: determinism, timing, coverage, links, text and
// labels.
#include "demo/generator.h"

#include <gtest/gtest.h>

#include <array>
#include <cctype>
#include <cstdio>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <tuple>
#include <unordered_set>
#include <vector>

#include "model/mention_json.h"

namespace ecoute::demo {
namespace {

using model::Channel;
using model::Mention;

constexpr int64_t kDayMs = 86'400'000;
constexpr int64_t kStart = 1'704'067'200'000;  // 2024-01-01T00:00:00Z, a Monday

DemoOptions Options(uint64_t seed = 42) {
  DemoOptions o;
  o.seed = seed;
  o.start = kStart;
  return o;
}

std::vector<Mention> Generate(const DemoOptions& o, size_t n) {
  DemoGenerator g(o);
  std::vector<Mention> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(g.Next());
  return out;
}

// Shared sample: 20,000 messages with the default options.
const std::vector<Mention>& Sample() {
  static const std::vector<Mention> kSample = Generate(Options(), 20'000);
  return kSample;
}

std::string Attr(const Mention& m, const std::string& key) {
  auto it = m.attributes.find(key);
  return it == m.attributes.end() ? std::string() : it->second;
}

std::string Attr(const Mention* m, const std::string& key) { return Attr(*m, key); }

std::string Where(const Mention& m) {
  return std::string(model::ChannelName(m.channel)) + ":" + m.native_id + " \"" + m.text.substr(0, 80) + "\"";
}

bool ValidUtf8(const std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len;
    uint32_t cp;
    if (c < 0x80) { ++i; continue; }
    if ((c & 0xE0) == 0xC0) { len = 2; cp = c & 0x1F; }
    else if ((c & 0xF0) == 0xE0) { len = 3; cp = c & 0x0F; }
    else if ((c & 0xF8) == 0xF0) { len = 4; cp = c & 0x07; }
    else return false;
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const unsigned char d = static_cast<unsigned char>(s[i + k]);
      if ((d & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (d & 0x3F);
    }
    if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

size_t CodePoints(const std::string& s) {
  size_t n = 0;
  for (char c : s) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

TEST(DemoGenerator, SameSeedSameStream) {
  DemoGenerator a(Options()), b(Options());
  for (int i = 0; i < 10'000; ++i) {
    const std::string x = model::MentionToJsonLine(a.Next());
    const std::string y = model::MentionToJsonLine(b.Next());
    ASSERT_EQ(x, y) << "message " << i;
  }
  EXPECT_EQ(a.count(), 10'000u);
}

TEST(DemoGenerator, DifferentSeedDifferentStream) {
  DemoGenerator a(Options(1)), b(Options(2));
  int same_text = 0, same_time = 0;
  for (int i = 0; i < 1000; ++i) {
    const Mention x = a.Next(), y = b.Next();
    same_text += x.text == y.text;
    same_time += x.created_at == y.created_at;
  }
  EXPECT_LT(same_text, 20);
  EXPECT_LT(same_time, 5);
}

TEST(DemoGenerator, MovedGeneratorContinuesTheStream) {
  DemoGenerator a(Options());
  DemoGenerator ref(Options());
  for (int i = 0; i < 10; ++i) ASSERT_EQ(a.Next().native_id, ref.Next().native_id);
  DemoGenerator moved = std::move(a);
  for (int i = 0; i < 10; ++i) ASSERT_EQ(moved.Next().text, ref.Next().text);
}

TEST(DemoGenerator, TimeIncreasesAndFollowsTheRateOver30Days) {
  for (double per_day : {2000.0, 300.0}) {
    DemoOptions o = Options();
    o.messages_per_day = per_day;
    DemoGenerator g(o);
    int64_t last = kStart, n = 0;
    while (true) {
      const Mention m = g.Next();
      ASSERT_GE(m.created_at, last) << "message " << n << " goes back in time";
      ASSERT_GT(m.created_at, kStart);
      last = m.created_at;
      if (m.created_at >= kStart + 30 * kDayMs) break;
      ++n;
    }
    const double expected = per_day * 30;
    EXPECT_NEAR(static_cast<double>(n), expected, expected * 0.10) << "per_day " << per_day;
  }
}

TEST(DemoGenerator, NightsAreQuieterThanAfternoonsAndWeekendsAreNotEmpty) {
  DemoGenerator g(Options());
  std::array<int, 24> by_hour{};
  std::array<int, 7> by_day{};
  while (true) {
    const Mention m = g.Next();
    if (m.created_at >= kStart + 28 * kDayMs) break;
    const int64_t local = m.created_at + 3'600'000;  // Paris standard time
    ++by_hour[static_cast<size_t>((local / 3'600'000) % 24)];
    ++by_day[static_cast<size_t>(((local / kDayMs) + 3) % 7)];  // Monday = 0
  }
  const int night = by_hour[2] + by_hour[3] + by_hour[4] + by_hour[5];
  const int afternoon = by_hour[14] + by_hour[15] + by_hour[16] + by_hour[17];
  const int evening = by_hour[19] + by_hour[20];
  const int morning = by_hour[9] + by_hour[10];
  EXPECT_LT(night * 5, afternoon) << "night " << night << " afternoon " << afternoon;
  EXPECT_GT(by_hour[12], by_hour[10]) << "lunch peak";
  EXPECT_GT(evening, morning) << "busier evenings";
  for (int d = 0; d < 7; ++d) EXPECT_NEAR(by_day[d], 8000, 800) << "day " << d;
}

TEST(DemoGenerator, EveryChannelIntentCategoryAndSeverityAppears) {
  std::map<std::string, int> channels, intents, categories, severities, sentiments, langs, brands;
  for (const Mention& m : Sample()) {
    ++channels[std::string(model::ChannelName(m.channel))];
    ++intents[Attr(m, "demo.intent")];
    ++categories[Attr(m, "demo.category")];
    ++severities[Attr(m, "demo.severity")];
    ++sentiments[Attr(m, "demo.sentiment")];
    ++langs[Attr(m, "demo.lang")];
    ++brands[Attr(m, "demo.brand")];
  }
  for (const char* c : {"twitter", "facebook", "instagram", "forum", "blog", "news", "review", "email", "chat",
                        "voice", "sms"})
    EXPECT_GT(channels[c], 0) << c;
  EXPECT_EQ(channels.count("other"), 0u);
  for (const char* i : {"complaint", "question", "praise", "chatter", "news", "noise", "reply"})
    EXPECT_GT(intents[i], 0) << i;
  EXPECT_EQ(intents.size(), 7u);
  for (const char* c : {"delivery", "returns_refunds", "customer_service", "product", "billing", "cancellation",
                        "account_technical", "none"})
    EXPECT_GT(categories[c], 0) << c;
  EXPECT_EQ(categories.size(), 8u);
  for (const char* s : {"none", "low", "medium", "high", "critical"}) EXPECT_GT(severities[s], 0) << s;
  EXPECT_EQ(severities.size(), 5u);
  EXPECT_EQ(sentiments.size(), 3u);
  EXPECT_EQ(langs.size(), 2u);
  EXPECT_EQ(brands.size(), DemoBrands().size());
}

TEST(DemoGenerator, EveryMessageCarriesItsLabels) {
  const std::set<std::string> needs = {"true", "false"};
  int needing = 0;
  for (const Mention& m : Sample()) {
    for (const char* k : {"demo.lang", "demo.intent", "demo.category", "demo.needs_reply", "demo.severity",
                          "demo.sentiment", "demo.brand", "demo.scenario"})
      ASSERT_FALSE(Attr(m, k).empty()) << k << " missing on " << Where(m);
    ASSERT_TRUE(needs.count(Attr(m, "demo.needs_reply"))) << Where(m);
    needing += Attr(m, "demo.needs_reply") == "true";
    EXPECT_FALSE(m.language_declared) << Where(m);
    EXPECT_EQ(m.language, "und") << Where(m);
    const std::string intent = Attr(m, "demo.intent");
    const std::string severity = Attr(m, "demo.severity");
    // Coherence between labels.
    if (intent == "complaint") {
      EXPECT_EQ(Attr(m, "demo.sentiment"), "negative") << Where(m);
      EXPECT_NE(severity, "none") << Where(m);
    } else {
      EXPECT_TRUE(severity == "none" || intent == "reply") << Where(m);
    }
    if (intent == "praise") {
      EXPECT_EQ(Attr(m, "demo.sentiment"), "positive") << Where(m);
    }
    if (intent == "news" || intent == "noise" || intent == "praise" || intent == "chatter") {
      EXPECT_EQ(Attr(m, "demo.needs_reply"), "false") << Where(m);
    }
    if (m.direction == model::Direction::kOutbound) {
      EXPECT_EQ(Attr(m, "demo.needs_reply"), "false") << Where(m);
      EXPECT_TRUE(intent == "reply" || intent == "noise") << Where(m);
    }
    if (!m.reshare_of.empty()) {
      EXPECT_EQ(Attr(m, "demo.needs_reply"), "false") << Where(m);
    }
    if (m.channel == Channel::kReview && m.reply_to.empty()) {
      const std::string r = Attr(m, "rating");
      ASSERT_EQ(r.size(), 1u) << Where(m);
      ASSERT_TRUE(r[0] >= '1' && r[0] <= '5') << Where(m);
      if (intent == "complaint") {
        EXPECT_LE(r[0], '2') << Where(m);
      }
      if (intent == "praise") {
        EXPECT_GE(r[0], '4') << Where(m);
      }
    }
  }
  // The inbox has work, but not everything needs a reply.
  const double share = static_cast<double>(needing) / static_cast<double>(Sample().size());
  EXPECT_GT(share, 0.35);
  EXPECT_LT(share, 0.47);
}

TEST(DemoGenerator, LinksPointToEarlierMessagesOfTheSameChannel) {
  std::set<std::pair<Channel, std::string>> seen;
  int replies = 0, reshares = 0, quotes = 0;
  for (const Mention& m : Sample()) {
    for (const std::string* link : {&m.reply_to, &m.reshare_of, &m.quote_of, &m.thread_id}) {
      if (link->empty()) continue;
      EXPECT_TRUE(seen.count({m.channel, *link})) << *link << " is not an earlier message of " << Where(m);
    }
    replies += !m.reply_to.empty();
    reshares += !m.reshare_of.empty();
    quotes += !m.quote_of.empty();
    if (!m.quote_of.empty()) {
      EXPECT_EQ(m.channel, Channel::kTwitter) << Where(m);
    }
    ASSERT_TRUE(seen.insert({m.channel, m.native_id}).second) << "duplicate " << Where(m);
  }
  EXPECT_GT(replies, 2000);
  EXPECT_GT(reshares, 100);
  EXPECT_GT(quotes, 20);
}

TEST(DemoGenerator, BrandsAnswerWithTheirCareAccounts) {
  std::map<std::string, const Mention*> by_id;
  int answered = 0;
  for (const Mention& m : Sample()) {
    by_id[std::string(model::ChannelName(m.channel)) + m.native_id] = &m;
    if (m.direction != model::Direction::kOutbound || m.reply_to.empty()) continue;
    const Mention* parent = by_id[std::string(model::ChannelName(m.channel)) + m.reply_to];
    ASSERT_NE(parent, nullptr);
    EXPECT_EQ(parent->direction, model::Direction::kInbound) << Where(m);
    EXPECT_EQ(Attr(parent, "demo.brand"), Attr(m, "demo.brand")) << Where(m);
    EXPECT_EQ(Attr(parent, "demo.lang"), Attr(m, "demo.lang")) << Where(m);
    EXPECT_GT(m.created_at, parent->created_at) << Where(m);
    if (m.channel == Channel::kTwitter) {
      EXPECT_EQ(m.text.rfind("@" + parent->author.handle + " ", 0), 0u) << Where(m);
    }
    ++answered;
  }
  EXPECT_GT(answered, 2000);
}

TEST(DemoGenerator, TextIsValidUtf8NonEmptyAndShapedByChannel) {
  for (const Mention& m : Sample()) {
    ASSERT_FALSE(m.text.empty()) << Where(m);
    ASSERT_TRUE(ValidUtf8(m.text)) << Where(m);
    ASSERT_TRUE(ValidUtf8(m.title)) << Where(m);
    ASSERT_TRUE(ValidUtf8(m.author.handle)) << Where(m);
    ASSERT_TRUE(ValidUtf8(m.author.display_name)) << Where(m);
    EXPECT_EQ(m.text.find("  "), std::string::npos) << Where(m);
    EXPECT_EQ(m.text.find('{'), std::string::npos) << Where(m);
    EXPECT_EQ(m.text.find('['), std::string::npos) << Where(m);
    EXPECT_NE(m.text.back(), ' ') << Where(m);
    EXPECT_FALSE(m.native_id.empty());
    EXPECT_FALSE(m.author.handle.empty()) << Where(m);
    EXPECT_FALSE(m.source.empty()) << Where(m);
    switch (m.channel) {
      case Channel::kTwitter:
        EXPECT_LE(CodePoints(m.text), 280u) << Where(m);
        EXPECT_EQ(m.native_id.rfind("demo-tw-", 0), 0u);
        EXPECT_EQ(m.url.rfind("https://x.example/", 0), 0u) << m.url;
        break;
      case Channel::kEmail: {
        EXPECT_FALSE(m.title.empty()) << Where(m);
        const size_t at = m.author.handle.find('@');
        ASSERT_NE(at, std::string::npos) << m.author.handle;
        EXPECT_NE(m.author.handle.find('.', at), std::string::npos) << m.author.handle;
        EXPECT_TRUE(m.url.empty());
        break;
      }
      case Channel::kVoice: {
        int agent = 0, client = 0;
        size_t pos = 0;
        while (pos < m.text.size()) {
          size_t end = m.text.find('\n', pos);
          if (end == std::string::npos) end = m.text.size();
          const std::string line = m.text.substr(pos, end - pos);
          for (const char* a : {"Agent: ", "Agent : ", "Conseiller : ", "Conseillère : "})
            agent += line.rfind(a, 0) == 0;
          for (const char* c : {"Client: ", "Client : ", "Customer: "}) client += line.rfind(c, 0) == 0;
          pos = end + 1;
        }
        EXPECT_GE(agent, 2) << m.text;
        EXPECT_GE(client, 2) << m.text;
        EXPECT_FALSE(Attr(m, "call_duration_s").empty());
        break;
      }
      case Channel::kForum:
      case Channel::kBlog:
      case Channel::kNews:
        if (m.reply_to.empty()) {
          EXPECT_FALSE(m.title.empty()) << Where(m);
        }
        EXPECT_FALSE(m.url.empty());
        break;
      case Channel::kReview:
        if (m.reply_to.empty() || m.direction == model::Direction::kOutbound) {
          EXPECT_FALSE(m.title.empty()) << Where(m);
        }
        break;
      default:
        break;
    }
    if (!m.url.empty()) {
      // Every link stays under the reserved .example TLD.
      const size_t host_end = m.url.find('/', 8);
      EXPECT_TRUE(m.url.substr(0, host_end).ends_with(".example")) << m.url;
    }
  }
}

TEST(DemoGenerator, NativeIdsAreUniquePerChannelOverALongRun) {
  DemoOptions o = Options(7);
  o.messages_per_day = 50'000;
  DemoGenerator g(o);
  std::unordered_set<std::string> ids;
  for (int i = 0; i < 100'000; ++i) {
    const Mention m = g.Next();
    ASSERT_TRUE(ids.insert(std::string(model::ChannelName(m.channel)) + "/" + m.native_id).second)
        << m.native_id;
  }
}

TEST(DemoGenerator, FrenchShareFollowsTheOption) {
  for (double share : {0.55, 0.2, 0.9}) {
    DemoOptions o = Options(11);
    o.french_share = share;
    DemoGenerator g(o);
    int fr = 0;
    const int n = 20'000;
    for (int i = 0; i < n; ++i) fr += Attr(g.Next(), "demo.lang") == "fr";
    EXPECT_NEAR(static_cast<double>(fr) / n, share, 0.05) << "french_share " << share;
  }
  DemoOptions all = Options();
  all.french_share = 1.0;
  DemoGenerator g(all);
  for (int i = 0; i < 2000; ++i) ASSERT_EQ(Attr(g.Next(), "demo.lang"), "fr");
}

TEST(DemoGenerator, SameScenarioSameLabelsInBothLanguages) {
  // For messages that start a conversation, (scenario, cue) decides the
  // labels, whatever the language.
  using LabelSet = std::tuple<std::string, std::string, std::string, std::string, std::string>;
  std::map<std::string, std::map<std::string, std::set<LabelSet>>> by_key;  // key -> lang -> labels
  for (const Mention& m : Generate(Options(5), 40'000)) {
    if (!m.reply_to.empty() || !m.reshare_of.empty() || !m.quote_of.empty()) continue;
    if (m.channel == Channel::kVoice) continue;  // questions are answered during the call
    const std::string key = Attr(m, "demo.scenario") + "+" + Attr(m, "demo.cue");
    by_key[key][Attr(m, "demo.lang")].insert({Attr(m, "demo.intent"), Attr(m, "demo.category"),
                                              Attr(m, "demo.severity"), Attr(m, "demo.sentiment"),
                                              Attr(m, "demo.needs_reply")});
  }
  int both = 0;
  for (const auto& [key, langs] : by_key) {
    std::set<LabelSet> all;
    for (const auto& [lang, labels] : langs) all.insert(labels.begin(), labels.end());
    EXPECT_EQ(all.size(), 1u) << key << " has different labels";
    both += langs.size() == 2;
  }
  EXPECT_GT(both, 60);
}

TEST(DemoGenerator, ManyDistinctTexts) {
  DemoGenerator g(Options());
  std::unordered_set<std::string> texts;
  const int n = 100'000;
  for (int i = 0; i < n; ++i) texts.insert(g.Next().text);
  std::printf("distinct texts in the first %d messages: %zu\n", n, texts.size());
  EXPECT_GT(texts.size(), 60'000u);
}

TEST(DemoGenerator, RepeatAuthorsWriteOnSeveralChannels) {
  // Regular customers come back, with the same name, and their e-mail address
  // on e-mail and their handle on social channels.
  std::map<std::string, std::set<Channel>> channels_by_name;
  std::map<std::string, std::set<std::string>> emails_by_name;
  for (const Mention& m : Sample()) {
    if (m.direction != model::Direction::kInbound || m.channel == Channel::kNews) continue;
    if (m.channel == Channel::kEmail) emails_by_name[m.author.display_name].insert(m.author.handle);
    channels_by_name[m.author.display_name].insert(m.channel);
  }
  int multi = 0;
  for (const auto& [name, chans] : channels_by_name) multi += chans.size() >= 3;
  EXPECT_GT(multi, 50);
}

TEST(DemoGenerator, AudienceIsHeavyTailed) {
  int small = 0, big = 0, verified_big = 0, total = 0;
  for (const Mention& m : Generate(Options(9), 60'000)) {
    if (m.channel != Channel::kTwitter || m.direction != model::Direction::kInbound) continue;
    if (!m.author.followers) continue;
    ++total;
    small += *m.author.followers < 500;
    if (*m.author.followers > 100'000) {
      ++big;
      verified_big += m.author.verified;
    }
  }
  ASSERT_GT(total, 5000);
  EXPECT_GT(static_cast<double>(small) / total, 0.8);
  EXPECT_GT(big, 5);
  EXPECT_EQ(verified_big, big);
}

TEST(DemoGenerator, OptionsAreValidatedOrClamped) {
  DemoOptions o;
  EXPECT_TRUE(ValidateOptions(o).ok());
  o.messages_per_day = 0;
  base::Status s = ValidateOptions(o);
  EXPECT_FALSE(s.ok());
  EXPECT_NE(s.message().find("messages_per_day"), std::string::npos);
  o = DemoOptions();
  o.french_share = 1.5;
  s = ValidateOptions(o);
  EXPECT_NE(s.message().find("french_share"), std::string::npos);
  o.messages_per_day = -3;
  o.french_share = std::numeric_limits<double>::quiet_NaN();
  DemoGenerator g(o);  // clamped: still a usable stream
  int64_t last = 0;
  for (int i = 0; i < 100; ++i) {
    const Mention m = g.Next();
    EXPECT_GE(m.created_at, last);
    last = m.created_at;
    EXPECT_FALSE(m.text.empty());
  }
  DemoOptions fast;
  fast.messages_per_day = 1e12;  // clamped to 1e9
  DemoGenerator f(fast);
  for (int i = 0; i < 1000; ++i) EXPECT_FALSE(f.Next().text.empty());
}

TEST(DemoBrands, SixBrandsOneCompetitor) {
  const auto& brands = DemoBrands();
  ASSERT_EQ(brands.size(), 6u);
  std::set<std::string> names, sectors;
  int competitors = 0;
  for (const DemoBrand& b : brands) {
    EXPECT_TRUE(names.insert(b.name).second);
    sectors.insert(b.sector);
    competitors += b.kind == "competitor";
    EXPECT_FALSE(b.handle.empty());
    EXPECT_FALSE(b.variants.empty());
    EXPECT_FALSE(b.competitors.empty());
    EXPECT_TRUE(b.website.ends_with(".example"));
  }
  EXPECT_EQ(competitors, 1);
  EXPECT_EQ(sectors.size(), 5u);
  EXPECT_EQ(brands[0].name, "Telemax");
}

}  // namespace
}  // namespace ecoute::demo

namespace ecoute::demo {
namespace {

// French never says "de le colis" / "à le colis" (it contracts to "du",
// "au"); "de le" stays only before an infinitive, where "le" is a pronoun
// ("de le débloquer"). Regression test for a template that wrote "de le colis".
TEST(DemoGenerator, FrenchContractsDeLeAndALeBeforeNouns) {
  DemoOptions o;
  o.seed = 11;
  o.start = 1700000000000;
  DemoGenerator gen(o);
  int checked = 0;
  for (int i = 0; i < 30000; ++i) {
    model::Mention m = gen.Next();
    if (m.attributes["demo.lang"] != "fr") continue;
    const std::string& t = m.text;
    for (const char* bad : {"de le ", "De le ", "à le ", "À le "}) {
      for (size_t at = t.find(bad); at != std::string::npos; at = t.find(bad, at + 1)) {
        if (at > 0 && std::isalpha(static_cast<unsigned char>(t[at - 1]))) continue;  // "demande le"
        size_t word = at + std::string(bad).size();
        size_t end = t.find_first_of(" .,!?;:\n", word);
        std::string next = t.substr(word, end == std::string::npos ? std::string::npos : end - word);
        bool infinitive = next.size() > 2 && (next.ends_with("er") || next.ends_with("ir") || next.ends_with("re"));
        EXPECT_TRUE(infinitive) << "\"" << bad << next << "\" in: " << t;
        ++checked;
      }
    }
  }
  EXPECT_GT(checked, 0);  // the pronoun use does occur, so the scan ran
}

}  // namespace
}  // namespace ecoute::demo
