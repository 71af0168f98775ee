#include "text/text.h"

#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <utf8proc.h>

namespace ecoute::text {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// ---------------------------------------------------------------------------
// IsValidUtf8

TEST(IsValidUtf8, AcceptsWellFormed) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("plain ascii that is longer than sixteen bytes"));
  EXPECT_TRUE(IsValidUtf8("Réseau cœur Straße 日本語 😀"));
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF
  EXPECT_TRUE(IsValidUtf8("\xEF\xBF\xBD"));      // U+FFFD
  EXPECT_TRUE(IsValidUtf8(std::string("a\0b", 3)));
}

TEST(IsValidUtf8, RejectsIllFormed) {
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\x80"));                  // lone continuation
  EXPECT_FALSE(IsValidUtf8("\xC3"));                  // truncated
  EXPECT_FALSE(IsValidUtf8("\xE2\x82"));              // truncated
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));              // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));              // overlong
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));          // overlong
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));      // overlong
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));          // surrogate U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));          // surrogate U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));      // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF5\x80\x80\x80"));
  EXPECT_FALSE(IsValidUtf8("\xC3\xA9\xC3"));          // truncated at the end
  // The bad byte is found after an ASCII run read 16 and 8 bytes at a time.
  EXPECT_FALSE(IsValidUtf8("0123456789abcdef01234567\xC3(x"));
}

TEST(IsValidUtf8, AgreesWithUtf8procOnRandomBytes) {
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> len_dist(0, 12);
  const std::vector<unsigned char> alphabet = {'a',  0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF,
                                               0xC0, 0xC2, 0xDF, 0xE0, 0xED, 0xEF, 0xF0, 0xF4,
                                               0xF5, 0xFF};
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  for (int iter = 0; iter < 200000; ++iter) {
    std::string s;
    const int len = len_dist(rng);
    for (int k = 0; k < len; ++k) s.push_back(static_cast<char>(alphabet[pick(rng)]));
    // Reference: utf8proc_iterate over the whole string.
    bool ref = true;
    for (size_t i = 0; i < s.size();) {
      utf8proc_int32_t cp;
      utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                            static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
      if (n <= 0) {
        ref = false;
        break;
      }
      i += static_cast<size_t>(n);
    }
    ASSERT_EQ(IsValidUtf8(s), ref) << "iteration " << iter;
  }
}

// ---------------------------------------------------------------------------
// Fold

struct FoldCase {
  const char* in;
  const char* out;
};

TEST(Fold, GoldenCases) {
  const FoldCase cases[] = {
      {"", ""},
      {"RESEAU", "reseau"},
      {"RÉSEAU", "reseau"},
      {"Réseau", "reseau"},
      {"réseau", "reseau"},
      {"e\xCC\x81t\xC3\xA9", "ete"},  // decomposed and precomposed é
      {"À bientôt, Loïc ÇA VA ?", "a bientot, loic ca va ?"},
      {"Noël, où, naïf, Ÿ", "noel, ou, naif, y"},
      {"cœur", "coeur"},
      {"ŒUVRE", "oeuvre"},
      {"Æsir ex æquo", "aesir ex aequo"},
      {"Straße", "strasse"},
      {"STRASSE", "strasse"},
      {"ẞ", "ss"},
      {"ﬁnance ﬂux", "finance flux"},
      {"l’avion l‘a lʼa l´a", "l'avion l'a l'a l'a"},
      {"l'avion", "l'avion"},
      {"Ｆｒｅｅ　ｂｏｘ", "free box"},   // full-width letters and space
      {"prix\xC2\xA0: 10\xE2\x80\xAF€", "prix : 10 €"},  // NBSP, narrow NBSP
      {"𝐅𝐫𝐞𝐞", "free"},            // mathematical bold
      {"① ²", "1 2"},
      {"İstanbul", "istanbul"},
      {"ΣΊΣΥΦΟΣ", "σισυφοσ"},
      {"Привет, ЁЛКА", "привет, елка"},
      {"😀 Merci 👍🏽 ❤️", "😀 merci 👍🏽 ❤️"},  // emoji, skin tone, VS16 kept
      {"👨‍👩‍👧", "👨‍👩‍👧"},               // ZWJ sequence kept
      {"1️⃣", "1️⃣"},                      // keycap kept
      {"ré\xC2\xADseau", "reseau"},          // soft hyphen removed
      {"x\xE2\x80\x8By", "xy"},              // zero-width space removed
      {"日本語のテキスト", "日本語のテキスト"},
      {"か\xE3\x82\x99", "が"},  // voiced sound mark composes, is not stripped
      {"ｶﾞｽ", "ガス"},           // half-width katakana
      {"नमस्ते दुनिया", "नमस्ते दुनिया"},  // Devanagari vowel signs are kept
      {"مَرْحَبًا", "مرحبا"},                // Arabic harakat are stripped
      {"한국어", "한국어"},
  };
  for (const FoldCase& c : cases) {
    EXPECT_EQ(Fold(c.in), c.out) << "input: " << c.in;
  }
}

TEST(Fold, InvalidBytesBecomeReplacementCharacter) {
  const std::string r = "\xEF\xBF\xBD";
  EXPECT_EQ(Fold("a\xFF" "B"), "a" + r + "b");
  EXPECT_EQ(Fold("\xC3"), r);
  EXPECT_EQ(Fold("\xE2\x82" "A"), r + "a");         // maximal subpart: one U+FFFD
  EXPECT_EQ(Fold("\xC0\xAF"), r + r);               // overlong: one per byte
  EXPECT_EQ(Fold("\xED\xA0\x80"), r + r + r);       // surrogate
  EXPECT_EQ(Fold("\xCC\x81\xFF\xCC\x81"), r);       // stray accents dropped
}

TEST(Fold, AppendKeepsExistingContent) {
  std::string out = "prefix:";
  FoldAppend("ABC", out);
  FoldAppend(" Été", out);
  EXPECT_EQ(out, "prefix:abc ete");
}

TEST(Fold, LongAsciiUsesFastPathCorrectly) {
  std::string in;
  std::string expected;
  for (int c = 0; c < 128; ++c) {
    in.push_back(static_cast<char>(c));
    expected.push_back(static_cast<char>((c >= 'A' && c <= 'Z') ? c + 32 : c));
  }
  in += in;
  expected += expected;
  EXPECT_EQ(Fold(in), expected);
}

TEST(Fold, ManyCombiningMarksDoNotBlowUp) {
  std::string in = "a";
  for (int k = 0; k < 10000; ++k) in += "\xE3\x82\x99";  // U+3099, kept, combining
  std::string out = Fold(in);
  EXPECT_TRUE(IsValidUtf8(out));
  EXPECT_GE(out.size(), 3u * 9000);
}

TEST(Fold, RandomBytesNeverCrashAndGiveValidUtf8) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> byte(0, 255);
  std::uniform_int_distribution<int> len(0, 64);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    const int n = len(rng);
    for (int k = 0; k < n; ++k) s.push_back(static_cast<char>(byte(rng)));
    const std::string out = Fold(s);
    ASSERT_TRUE(IsValidUtf8(out)) << "iteration " << iter;
  }
}

// On an alphabet where our rules and utf8proc's STRIPMARK coincide (Latin,
// Greek, Cyrillic, generic combining accents, ligatures, Hangul, emoji),
// Fold must equal utf8proc_map on the whole string. This exercises the
// table, the ASCII path and the cluster re-folding against a reference.
TEST(Fold, MatchesUtf8procOnLatinGreekCyrillicHangul) {
  const std::vector<std::string> alphabet = {
      "a", "E", "z", " ", ".", "1", "é", "É", "è", "ê", "ë", "à", "ç", "Ç", "ô", "ï", "ÿ",
      "\xCC\x81", "\xCC\x80", "\xCC\x82", "\xCC\x88", "\xCC\xA7", "\xCC\xA3", "\xCC\x8A",
      "ß", "ẞ", "ﬁ", "İ", "Σ", "ς", "Ά", "Ω", "Ё", "й", "Å", "K", "ǅ", "Ǆ", "𝐀", "😀",
      "👍", "🏽", "\xE1\x84\x80", "\xE1\x85\xA1", "\xE1\x86\xA8", "가", "각", "ㄱ", "ㅏ",
      "①", "ｆ", "\xEF\xBF\xBD",
  };
  std::mt19937 rng(1234);
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1);
  std::uniform_int_distribution<int> len(0, 12);
  const auto options = static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                                      UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD |
                                                      UTF8PROC_STRIPMARK);
  for (int iter = 0; iter < 20000; ++iter) {
    std::string s;
    const int n = len(rng);
    for (int k = 0; k < n; ++k) s += alphabet[pick(rng)];
    utf8proc_uint8_t* ref_raw = nullptr;
    utf8proc_ssize_t r =
        utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                     static_cast<utf8proc_ssize_t>(s.size()), &ref_raw, options);
    ASSERT_GE(r, 0);
    const std::string ref(reinterpret_cast<const char*>(ref_raw), static_cast<size_t>(r));
    free(ref_raw);  // NOLINT: utf8proc returns malloc'ed memory
    ASSERT_EQ(Fold(s), ref) << "input: " << s;
  }
}

TEST(Fold, IsIdempotent) {
  const char* samples[] = {"RÉSEAU cœur Straße ﬁ", "か\xE3\x82\x99 ｶﾞ", "l’avion 😀",
                           "ΣΊΣΥΦΟΣ ǅ", "a\xFF\xCC\x81"};
  for (const char* s : samples) {
    const std::string once = Fold(s);
    EXPECT_EQ(Fold(once), once) << s;
  }
}

// ---------------------------------------------------------------------------
// ExtractEntities

TEST(ExtractEntities, UrlsWithTrailingPunctuation) {
  model::Entities e = ExtractEntities(
      "voir https://t.co/abc123. et http://free.fr/assistance, puis www.sncf-connect.com! "
      "HTTPS://EXAMPLE.ORG/A?b=1&c=2#frag; (https://fr.wikipedia.org/wiki/Free_(entreprise)) "
      "[https://x.org/a] https://t.co/trunc… “https://quoted.example/q”");
  EXPECT_THAT(e.urls, ElementsAre("https://t.co/abc123", "http://free.fr/assistance",
                                  "www.sncf-connect.com", "HTTPS://EXAMPLE.ORG/A?b=1&c=2#frag",
                                  "https://fr.wikipedia.org/wiki/Free_(entreprise)",
                                  "https://x.org/a", "https://t.co/trunc",
                                  "https://quoted.example/q"));
  EXPECT_THAT(e.hashtags, IsEmpty());  // "#frag" belongs to the URL
}

TEST(ExtractEntities, UrlEdgeCases) {
  EXPECT_THAT(ExtractEntities("http:// et https://").urls, IsEmpty());
  EXPECT_THAT(ExtractEntities("https://...").urls, IsEmpty());
  EXPECT_THAT(ExtractEntities("www.google sans domaine").urls, IsEmpty());
  EXPECT_THAT(ExtractEntities("xhttps://free.fr").urls, IsEmpty());
  EXPECT_THAT(ExtractEntities("contact@www.free.fr").urls, IsEmpty());
  EXPECT_THAT(ExtractEntities("https://fr.wikipedia.org/wiki/Réseau_ferré.").urls,
              ElementsAre("https://fr.wikipedia.org/wiki/Réseau_ferré"));
  EXPECT_THAT(ExtractEntities("lien:https://free.fr/a😀").urls, ElementsAre("https://free.fr/a"));
  EXPECT_THAT(ExtractEntities("<https://free.fr/a>").urls, ElementsAre("https://free.fr/a"));
  // Mentions and hashtags inside a URL are part of it.
  model::Entities e = ExtractEntities("https://medium.com/@user/post#section");
  EXPECT_THAT(e.urls, ElementsAre("https://medium.com/@user/post#section"));
  EXPECT_THAT(e.mentions, IsEmpty());
  EXPECT_THAT(e.hashtags, IsEmpty());
}

TEST(ExtractEntities, Mentions) {
  model::Entities e = ExtractEntities(
      "RT @SNCF: merci .@Orange_FR et (@free) @jean.dupont. @bob@mastodon.social @x");
  EXPECT_THAT(e.mentions,
              ElementsAre("SNCF", "Orange_FR", "free", "jean.dupont", "bob@mastodon.social", "x"));
}

TEST(ExtractEntities, MentionEdgeCases) {
  EXPECT_THAT(ExtractEntities("écrire à contact@free.fr ou jean_@sfr.fr").mentions, IsEmpty());
  EXPECT_THAT(ExtractEntities("@ seul, @@double, é@x, #@y").mentions, IsEmpty());
  EXPECT_THAT(ExtractEntities("@réseau n'est pas un compte").mentions, IsEmpty());
  EXPECT_THAT(ExtractEntities("@Free @free @Free").mentions, ElementsAre("Free", "free"));
  EXPECT_THAT(ExtractEntities("@free:").mentions, ElementsAre("free"));
}

TEST(ExtractEntities, Hashtags) {
  model::Entities e = ExtractEntities(
      "#grève #Free_Mobile #2024JO #panne! #日本 #1 #2024 C# &#39; ##x #️⃣ #ok,#bis");
  EXPECT_THAT(e.hashtags, ElementsAre("grève", "Free_Mobile", "2024JO", "panne", "日本", "ok", "bis"));
}

TEST(ExtractEntities, OrderAndKinds) {
  model::Entities e = ExtractEntities("#b @z https://b.org #a @y https://a.org #b");
  EXPECT_THAT(e.urls, ElementsAre("https://b.org", "https://a.org"));
  EXPECT_THAT(e.mentions, ElementsAre("z", "y"));
  EXPECT_THAT(e.hashtags, ElementsAre("b", "a"));
}

TEST(ExtractEntities, ManyDistinctEntities) {
  std::string s;
  for (int k = 0; k < 500; ++k) s += "#tag" + std::to_string(k % 100) + " ";
  model::Entities e = ExtractEntities(s);
  ASSERT_EQ(e.hashtags.size(), 100u);
  EXPECT_EQ(e.hashtags.front(), "tag0");
  EXPECT_EQ(e.hashtags.back(), "tag99");
}

TEST(ExtractEntities, IllFormedUtf8GivesValidEntities) {
  model::Entities e = ExtractEntities("#gr\xC3\xA8ve\xFF @a\xFF https://x.org/\xC3\xA9\xFFz");
  EXPECT_THAT(e.hashtags, ElementsAre("grève"));
  EXPECT_THAT(e.mentions, ElementsAre("a"));
  EXPECT_THAT(e.urls, ElementsAre("https://x.org/é"));
  std::mt19937 rng(3);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int iter = 0; iter < 5000; ++iter) {
    std::string s = "#@ https://";
    for (int k = 0; k < 40; ++k) s.push_back(static_cast<char>(byte(rng)));
    model::Entities r = ExtractEntities(s);
    for (const auto* list : {&r.urls, &r.mentions, &r.hashtags}) {
      for (const std::string& v : *list) ASSERT_TRUE(IsValidUtf8(v)) << "iteration " << iter;
    }
  }
}

// ---------------------------------------------------------------------------
// DetectLanguage

TEST(DetectLanguage, FrenchCustomerMessages) {
  const char* messages[] = {
      "Bonjour, ma commande n'est toujours pas arrivée et personne ne répond au téléphone.",
      "@free ma box ne marche plus depuis ce matin, c'est la troisième fois cette semaine "
      "https://t.co/xyz #panne",
      "Merci au conseiller pour sa patience, le problème de facturation est enfin réglé !",
      "Train supprimé sans prévenir, remboursement toujours pas reçu après deux mois. Inadmissible.",
  };
  for (const char* m : messages) {
    LanguageGuess g = DetectLanguage(m);
    EXPECT_EQ(g.code, "fr") << m;
    EXPECT_TRUE(g.reliable) << m;
    EXPECT_GT(g.confidence, 0.7f) << m;
    EXPECT_LE(g.confidence, 1.0f) << m;
  }
}

TEST(DetectLanguage, EnglishCustomerMessages) {
  const char* messages[] = {
      "@united my flight was cancelled and nobody at the gate could tell me when the next one "
      "leaves",
      "Hello, my order has not arrived yet and nobody answers the phone. Please call me back.",
      "Thanks for the quick refund, your support team was really helpful today!",
  };
  for (const char* m : messages) {
    LanguageGuess g = DetectLanguage(m);
    EXPECT_EQ(g.code, "en") << m;
    EXPECT_TRUE(g.reliable) << m;
    EXPECT_GT(g.confidence, 0.7f) << m;
  }
}

TEST(DetectLanguage, OtherLanguagesMapToIso6391) {
  EXPECT_EQ(DetectLanguage("Hola, mi pedido todavía no ha llegado y nadie contesta el teléfono").code,
            "es");
  EXPECT_EQ(DetectLanguage("Hallo, meine Bestellung ist noch nicht angekommen und niemand geht ans "
                           "Telefon")
                .code,
            "de");
  EXPECT_EQ(DetectLanguage("Привет, мой заказ еще не пришел, и никто не отвечает на звонки").code,
            "ru");
  EXPECT_EQ(DetectLanguage("注文した商品がまだ届きません。電話しても誰も出ません。").code, "ja");
  EXPECT_EQ(DetectLanguage("שלום, ההזמנה שלי עדיין לא הגיעה ואף אחד לא עונה לטלפון").code, "he");
  EXPECT_EQ(DetectLanguage("我的訂單還沒有到，打電話也沒有人接。請盡快處理，謝謝。").code, "zh");
}

TEST(DetectLanguage, MentionsUrlsAndHashtagSigilsAreIgnored) {
  // Long English handles and URL words would outweigh the short French text.
  const char* text =
      "@the_happy_customer_service_team @best_english_support_ever "
      "https://www.example.com/support/help/customer/english/page merci pour votre aide rapide";
  LanguageGuess g = DetectLanguage(text);
  EXPECT_EQ(g.code, "fr");
  // The hashtag word is kept: here it is all there is.
  EXPECT_EQ(DetectLanguage("#remboursement #retard #train #annulation #grève de la SNCF encore "
                           "aujourd'hui")
                .code,
            "fr");
}

TEST(DetectLanguage, TinyOrEmptyTextIsUnknownOrLowConfidence) {
  for (const char* s : {"", " ", "😀😀😀", "12345 678", "!!!", "@free https://t.co/x"}) {
    LanguageGuess g = DetectLanguage(s);
    EXPECT_EQ(g.code, "und") << s;
    EXPECT_EQ(g.confidence, 0.0f) << s;
    EXPECT_FALSE(g.reliable) << s;
  }
  for (const char* s : {"ok", "merci", "lol", "Bonjour", "wifi ko", "la box"}) {
    LanguageGuess g = DetectLanguage(s);
    EXPECT_LT(g.confidence, 0.5f) << s;
    EXPECT_FALSE(g.reliable) << s;
  }
}

TEST(DetectLanguage, IllFormedUtf8IsSanitised) {
  LanguageGuess g = DetectLanguage(
      "Bonjour \xFF\xFE ma commande n'est toujours pas arriv\xC3 et personne ne r\xE9pond");
  EXPECT_EQ(g.code, "fr");
  std::mt19937 rng(5);
  std::uniform_int_distribution<int> byte(0, 255);
  for (int iter = 0; iter < 2000; ++iter) {
    std::string s;
    for (int k = 0; k < 100; ++k) s.push_back(static_cast<char>(byte(rng)));
    LanguageGuess r = DetectLanguage(s);
    ASSERT_GE(r.confidence, 0.0f);
    ASSERT_LE(r.confidence, 1.0f);
  }
}

// Real tweets (XLM-T validation splits, tests only): most are identified,
// and those identified are almost always right.
TEST(DetectLanguage, PublicTweetDatasets) {
  struct Lang {
    const char* folder;
    const char* code;
  };
  const Lang langs[] = {{"french", "fr"},  {"english", "en"},    {"german", "de"},
                        {"spanish", "es"}, {"italian", "it"},    {"portuguese", "pt"},
                        {"arabic", "ar"}};
  for (const Lang& lang : langs) {
    const std::string path =
        std::string(ECOUTE_SHARED_DATA) + "/xlmt-sentiment/" + lang.folder + "/val_text.txt";
    std::ifstream in(path);
    if (!in) GTEST_SKIP() << "dataset not found: " << path;
    int total = 0, known = 0, right = 0;
    std::string line;
    while (std::getline(in, line)) {
      ++total;
      LanguageGuess g = DetectLanguage(line);
      if (g.code == "und") continue;
      ++known;
      if (g.code == lang.code) ++right;
    }
    ASSERT_GT(total, 100) << path;
    EXPECT_GE(known, total * 8 / 10) << lang.folder << ": identified " << known << "/" << total;
    EXPECT_GE(right, known * 9 / 10) << lang.folder << ": right " << right << "/" << known;
  }
}

// ---------------------------------------------------------------------------
// NormalizeLanguageTag

TEST(NormalizeLanguageTag, Table) {
  const std::pair<const char*, const char*> cases[] = {
      {"fr", "fr"}, {"fr-FR", "fr"}, {"FR", "fr"}, {"fr_CA", "fr"}, {"fre", "fr"},
      {"fra", "fr"}, {"French", "fr"}, {"français", "fr"}, {"FRANÇAIS", "fr"}, {" fr ", "fr"},
      {"fr_FR.UTF-8", "fr"}, {"en", "en"}, {"en-US", "en"}, {"eng", "en"}, {"English", "en"},
      {"English (US)", "en"}, {"anglais", "en"}, {"de-DE", "de"}, {"ger", "de"}, {"deu", "de"},
      {"Deutsch", "de"}, {"German", "de"}, {"es-419", "es"}, {"spa", "es"}, {"Español", "es"},
      {"Spanish", "es"}, {"it", "it"}, {"ita", "it"}, {"Italiano", "it"}, {"pt-BR", "pt"},
      {"por", "pt"}, {"Português", "pt"}, {"nl-BE", "nl"}, {"dut", "nl"}, {"nld", "nl"},
      {"Nederlands", "nl"}, {"Dutch", "nl"}, {"ar", "ar"}, {"ar-MA", "ar"}, {"ara", "ar"},
      {"Arabic", "ar"}, {"العربية", "ar"}, {"hi", "hi"}, {"hin", "hi"}, {"Hindi", "hi"},
      {"हिन्दी", "hi"}, {"ja", "ja"}, {"ja-JP", "ja"}, {"jpn", "ja"}, {"Japanese", "ja"},
      {"日本語", "ja"}, {"zh", "zh"}, {"zh-Hant-TW", "zh"}, {"zh_CN", "zh"}, {"chi", "zh"},
      {"zho", "zh"}, {"cmn", "zh"}, {"Chinese", "zh"}, {"中文", "zh"}, {"ru", "ru"},
      {"ru-RU", "ru"}, {"rus", "ru"}, {"Russian", "ru"}, {"русский", "ru"}, {"iw", "he"},
      {"he-IL", "he"}, {"in", "id"}, {"nb-NO", "no"},
      // Not recognised.
      {"", ""}, {"   ", ""}, {"xx", ""}, {"und", ""}, {"mul", ""}, {"zxx", ""}, {"klingon", ""},
      {"f", ""}, {"12", ""}, {"fr\xFF", ""}, {"qqq-FR", ""},
  };
  for (const auto& [tag, want] : cases) {
    EXPECT_EQ(NormalizeLanguageTag(tag), want) << "tag: \"" << tag << "\"";
  }
  EXPECT_EQ(NormalizeLanguageTag(std::string(1000, 'a')), "");
}

// ---------------------------------------------------------------------------
// Analyze

model::Mention MakeMention(std::string title, std::string text) {
  model::Mention m;
  m.title = std::move(title);
  m.text = std::move(text);
  return m;
}

TEST(Analyze, DetectsLanguageAndEntitiesFromTitleAndText) {
  model::Mention m = MakeMention(
      "Panne #Freebox chez @free",
      "Bonjour, depuis ce matin plus d'internet ni de télévision, voir https://free.fr/status "
      "#Freebox #panne @free_1337");
  Analyze(m);
  EXPECT_EQ(m.language, "fr");
  EXPECT_GT(m.language_confidence, 0.7f);
  EXPECT_FALSE(m.language_declared);
  EXPECT_THAT(m.entities.urls, ElementsAre("https://free.fr/status"));
  EXPECT_THAT(m.entities.mentions, ElementsAre("free", "free_1337"));
  EXPECT_THAT(m.entities.hashtags, ElementsAre("Freebox", "panne"));
}

TEST(Analyze, TitleContributesToLanguage) {
  model::Mention m = MakeMention(
      "Impossible de joindre le service client depuis trois jours malgré mes relances", "ok");
  Analyze(m);
  EXPECT_EQ(m.language, "fr");
}

TEST(Analyze, DeclaredLanguageTakesPrecedence) {
  model::Mention m = MakeMention("", "Hello, my order has not arrived yet and nobody answers.");
  m.language = "fr-FR";
  m.language_declared = true;
  Analyze(m);
  EXPECT_EQ(m.language, "fr");
  EXPECT_EQ(m.language_confidence, 1.0f);
  EXPECT_TRUE(m.language_declared);
}

TEST(Analyze, UnusableDeclaredTagFallsBackToDetection) {
  model::Mention m = MakeMention("", "Hello, my order has not arrived yet and nobody answers.");
  m.language = "klingon-ish";
  m.language_declared = true;
  Analyze(m);
  EXPECT_EQ(m.language, "en");
  EXPECT_FALSE(m.language_declared);
  EXPECT_GT(m.language_confidence, 0.5f);
}

TEST(Analyze, UndeclaredLanguageIsOverwritten) {
  model::Mention m = MakeMention("", "ok");
  m.language = "fr";  // not declared: a stale value is replaced
  Analyze(m);
  EXPECT_EQ(m.language, "und");
  EXPECT_EQ(m.language_confidence, 0.0f);
}

TEST(Analyze, ReplacesPreviousEntities) {
  model::Mention m = MakeMention("", "#nouveau");
  m.entities.hashtags = {"ancien"};
  Analyze(m);
  EXPECT_THAT(m.entities.hashtags, ElementsAre("nouveau"));
}

// ---------------------------------------------------------------------------
// Thread safety: concurrent calls give the same results as sequential ones.

TEST(Concurrency, ParallelCallsAgree) {
  const std::vector<std::string> inputs = {
      "RÉSEAU cœur l’avion 😀 か\xE3\x82\x99 #grève @SNCF https://t.co/x",
      "Bonjour, ma commande n'est toujours pas arrivée et personne ne répond au téléphone.",
      "Hello, my order has not arrived yet and nobody answers the phone. Please call me back.",
  };
  std::vector<std::string> folded;
  std::vector<std::string> languages;
  for (const std::string& s : inputs) {
    folded.push_back(Fold(s));
    languages.push_back(DetectLanguage(s).code);
  }
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < mismatches.size(); ++t) {
    threads.emplace_back([&, t] {
      for (int iter = 0; iter < 300; ++iter) {
        for (size_t k = 0; k < inputs.size(); ++k) {
          if (Fold(inputs[k]) != folded[k]) ++mismatches[t];
          if (DetectLanguage(inputs[k]).code != languages[k]) ++mismatches[t];
        }
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (size_t t = 0; t < mismatches.size(); ++t) EXPECT_EQ(mismatches[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace ecoute::text
