#include "classify/features.h"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <unordered_map>
#include <utility>

// Dense signals (Features::dense), all roughly within [-5, 5]:
//   [0] compound polarity in [-1, 1] (same value as Features::polarity);
//   [1] sum of the positive adjusted valences, capped at 10, divided by 2 -> [0, 5];
//   [2] sum of the negative adjusted valences as a positive number, capped at 10, / 2 -> [0, 5];
//   [3] number of negated positive lexicon words ("pas bon", "not good"), capped at 5;
//   [4] ratio of capital letters among letters, [0, 1] (0 when the text has no letter);
//   [5] number of '!' characters, capped at 4;
//   [6] 1 when the text contains a '?', else 0;
//   [7] sum of emoji and emoticon valences (VADER scale), clamped to [-5, 5].
//
// Marker tokens, appended after the text's tokens (except <elong>, which
// follows its word):
//   <elong>   a word had a letter repeated 3+ times ("soooo" -> "soo" <elong>);
//   <caps>    once, when a word of 3+ letters is all capitals;
//   <allcaps> once, when >= 80% of the (>= 8) letters of the text are capitals;
//   <lex++> / <lex+> / <lex-> / <lex-->  compound >= 0.6 / >= 0.05 / <= -0.05 / <= -0.6;
//   <neglex+> / <neglex->  a negated positive / negative lexicon word was seen;
//   <emoji+> / <emoji->    the emoji/emoticon valence sum is > 0 / < 0.
//
// Scoring follows VADER (Hutto & Gilbert 2014): per-word valence, boosters
// (+-0.293, decaying 1 / 0.95 / 0.9 over the 3 previous words), ALL-CAPS
// emphasis +-0.733 when only some words are in capitals, negation x -0.74,
// "but"/"mais" weighting (0.5 before, 1.5 after the first one), "!" (<= 4 x
// 0.292) and "??" emphasis, compound = x / sqrt(x^2 + 15). Additions: a
// negation scope (next 3 words up to punctuation), French negation and
// boosters, elongation emphasis (+-0.293), emoji valences (hand table below,
// then the VADER emoji descriptions scored with the VADER lexicon).

namespace ecoute::classify {

void Features::clear() {
  tokens.clear();
  dense.fill(0.f);
  polarity = 0;
  hits.clear();
}

namespace {

constexpr float kBIncr = 0.293f;
constexpr float kBDecr = -0.293f;
constexpr float kCIncr = 0.733f;
constexpr float kNScalar = -0.74f;
constexpr float kAfinnScale = 0.8f;
constexpr int kNegScope = 3;

// Flags of function words.
enum : uint8_t {
  kFlagNegator = 1,       // starts a negation scope
  kFlagNegatorAfterNe = 2,  // negator only after "ne"/"n'" in the clause ("plus", "personne")
  kFlagNe = 4,            // French "ne"
  kFlagBut = 8,           // "but" / "mais"
};

struct Entry {
  float valence = 0;   // VADER scale
  float booster = 0;   // booster/dampener scalar, 0 when none
  uint8_t flags = 0;
};

struct SvHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const noexcept { return std::hash<std::string_view>{}(s); }
};
using EntryMap = std::unordered_map<std::string, Entry, SvHash, std::equal_to<>>;
using ValenceMap = std::unordered_map<std::string, float, SvHash, std::equal_to<>>;

// Hand-made emoji valences (VADER scale). They win over the valences derived
// from the VADER emoji descriptions.
struct HandEmoji {
  char32_t cp;
  float valence;
};
constexpr HandEmoji kHandEmoji[] = {
    {0x1F621, -2.5f},  // 😡
    {0x1F92C, -3.0f},  // 🤬
    {0x1F624, -2.0f},  // 😤
    {0x1F620, -2.5f},  // 😠
    {0x1F612, -1.5f},  // 😒
    {0x1F644, -1.5f},  // 🙄
    {0x1F629, -2.0f},  // 😩
    {0x1F62B, -2.0f},  // 😫
    {0x1F62D, -2.0f},  // 😭
    {0x1F622, -1.8f},  // 😢
    {0x1F61E, -1.8f},  // 😞
    {0x1F44E, -2.0f},  // 👎
    {0x1F4A9, -2.0f},  // 💩
    {0x1F600, 2.0f},   // 😀
    {0x1F603, 2.0f},   // 😃
    {0x1F604, 2.0f},   // 😄
    {0x1F601, 2.0f},   // 😁
    {0x1F60A, 2.0f},   // 😊
    {0x1F642, 1.2f},   // 🙂
    {0x1F60D, 2.8f},   // 😍
    {0x1F970, 2.8f},   // 🥰
    {0x2764, 2.5f},    // ❤️ (U+FE0F is dropped)
    {0x1F44D, 1.8f},   // 👍
    {0x1F44F, 1.5f},   // 👏
    {0x1F64F, 1.0f},   // 🙏
    {0x1F389, 2.0f},   // 🎉
    {0x2728, 1.0f},    // ✨
    {0x1F4AF, 2.0f},   // 💯
    {0x1F643, -0.4f},  // 🙃 mildly mixed (often ironic)
    {0x1F605, -0.2f},  // 😅 mildly mixed
};


// Hand-made French supplement (VADER scale): everyday customer-care words
// that AFINN-fr (a translation of AFINN-en) lacks. `override` entries replace
// AFINN-fr's value where the translation is misleading in French ("cher" is
// "expensive" more than "dear"; colloquial "pas terrible" means "not good",
// so "terrible" is scored as mildly positive to make its negation negative).
struct ExtraWord {
  const char* word;
  float valence;
  bool override;
};
constexpr ExtraWord kFrenchExtra[] = {
    {"nul", -2.4f, false}, {"nulle", -2.4f, false}, {"nuls", -2.4f, false}, {"nulles", -2.4f, false},
    {"naze", -2.0f, false}, {"nase", -2.0f, false}, {"pourri", -2.4f, false}, {"pourrie", -2.4f, false},
    {"content", 1.6f, false}, {"contente", 1.6f, false}, {"contents", 1.6f, false}, {"déçue", -1.6f, false},
    {"déçus", -1.6f, false}, {"déçues", -1.6f, false}, {"décevant", -1.6f, false}, {"décevante", -1.6f, false},
    {"inadmissible", -2.4f, false}, {"inacceptable", -2.4f, false}, {"parfait", 2.4f, false},
    {"parfaite", 2.4f, false}, {"parfaitement", 1.6f, false}, {"top", 2.0f, false}, {"rapide", 1.2f, false},
    {"rapides", 1.2f, false}, {"rapidement", 1.2f, false}, {"lent", -1.2f, false}, {"lente", -1.2f, false},
    {"panne", -1.6f, false}, {"pannes", -1.6f, false}, {"arnaque", -2.4f, false}, {"arnaqué", -2.4f, false},
    {"satisfaite", 1.6f, false}, {"ravi", 2.4f, false}, {"ravie", 2.4f, false}, {"géniale", 2.4f, false},
    {"nickel", 2.0f, false}, {"impeccable", 2.4f, false}, {"efficace", 1.6f, false}, {"sympa", 1.6f, false},
    {"agréable", 1.6f, false}, {"galère", -1.6f, false}, {"honteuse", -2.0f, false},
    {"catastrophe", -2.4f, false}, {"pathétique", -2.4f, false}, {"incompétent", -2.0f, false},
    {"incompétente", -2.0f, false}, {"incompétence", -2.0f, false}, {"minable", -2.4f, false},
    {"dégoûté", -2.0f, false}, {"dégouté", -2.0f, false}, {"dégoûtée", -2.0f, false}, {"furieuse", -2.4f, false},
    {"énervée", -1.6f, false}, {"cassée", -0.8f, false}, {"abîmé", -1.2f, false}, {"abîmée", -1.2f, false},
    {"bien", 1.2f, false}, {"bonne", 2.4f, false}, {"aime", 1.6f, false}, {"adoré", 2.4f, false},
    {"meilleur", 2.0f, false}, {"meilleure", 2.0f, false}, {"magnifique", 2.4f, false},
    {"dommage", -1.2f, false}, {"bof", -0.8f, false}, {"merci", 1.6f, false}, {"mercii", 1.6f, false},
    {"bravo", 2.0f, false}, {"chapeau", 1.2f, false}, {"honte", -2.0f, false}, {"scandale", -2.4f, false},
    {"scandaleuse", -2.4f, false}, {"lamentable", -2.4f, false}, {"horrible", -2.4f, false},
    {"horribles", -2.4f, false}, {"déplorable", -2.4f, false}, {"insupportable", -2.0f, false},
    {"injoignable", -1.6f, false}, {"retard", -1.2f, false}, {"retards", -1.2f, false},
    {"bug", -1.2f, false}, {"bugue", -1.2f, false}, {"beug", -1.2f, false}, {"voleurs", -2.4f, false},
    {"escrocs", -2.4f, false}, {"escroquerie", -2.4f, false}, {"marre", -2.0f, false},
    {"mdr", 1.2f, false}, {"ptdr", 1.2f, false}, {"cool", 1.2f, false}, {"génialissime", 3.0f, false},
    {"terrible", 1.2f, true}, {"cher", -0.8f, true}, {"chère", -0.8f, true}, {"chers", -0.8f, true},
};

struct FunctionWord {
  const char* word;
  float booster;
  uint8_t flags;
};

constexpr FunctionWord kEnglishWords[] = {
    // negators
    {"not", 0, kFlagNegator}, {"no", 0, kFlagNegator}, {"never", 0, kFlagNegator},
    {"nothing", 0, kFlagNegator}, {"nobody", 0, kFlagNegator}, {"none", 0, kFlagNegator},
    {"nowhere", 0, kFlagNegator}, {"neither", 0, kFlagNegator}, {"nor", 0, kFlagNegator},
    {"without", 0, kFlagNegator}, {"cannot", 0, kFlagNegator}, {"aint", 0, kFlagNegator},
    {"dont", 0, kFlagNegator}, {"cant", 0, kFlagNegator}, {"wont", 0, kFlagNegator},
    {"isnt", 0, kFlagNegator}, {"arent", 0, kFlagNegator}, {"wasnt", 0, kFlagNegator},
    {"werent", 0, kFlagNegator}, {"doesnt", 0, kFlagNegator}, {"didnt", 0, kFlagNegator},
    {"hasnt", 0, kFlagNegator}, {"havent", 0, kFlagNegator}, {"hadnt", 0, kFlagNegator},
    {"couldnt", 0, kFlagNegator}, {"shouldnt", 0, kFlagNegator}, {"wouldnt", 0, kFlagNegator},
    {"mustnt", 0, kFlagNegator}, {"neednt", 0, kFlagNegator}, {"rarely", 0, kFlagNegator},
    {"seldom", 0, kFlagNegator}, {"hardly", 0, kFlagNegator}, {"barely", 0, kFlagNegator},
    {"but", 0, kFlagBut},
    // boosters
    {"absolutely", kBIncr, 0}, {"amazingly", kBIncr, 0}, {"awfully", kBIncr, 0},
    {"completely", kBIncr, 0}, {"considerably", kBIncr, 0}, {"decidedly", kBIncr, 0},
    {"deeply", kBIncr, 0}, {"effing", kBIncr, 0}, {"enormously", kBIncr, 0}, {"entirely", kBIncr, 0},
    {"especially", kBIncr, 0}, {"exceptionally", kBIncr, 0}, {"extremely", kBIncr, 0},
    {"fabulously", kBIncr, 0}, {"flipping", kBIncr, 0}, {"freaking", kBIncr, 0},
    {"fricking", kBIncr, 0}, {"frigging", kBIncr, 0}, {"fully", kBIncr, 0}, {"fucking", kBIncr, 0},
    {"greatly", kBIncr, 0}, {"hella", kBIncr, 0}, {"highly", kBIncr, 0}, {"hugely", kBIncr, 0},
    {"incredibly", kBIncr, 0}, {"intensely", kBIncr, 0}, {"majorly", kBIncr, 0}, {"more", kBIncr, 0},
    {"most", kBIncr, 0}, {"particularly", kBIncr, 0}, {"purely", kBIncr, 0}, {"quite", kBIncr, 0},
    {"really", kBIncr, 0}, {"remarkably", kBIncr, 0}, {"so", kBIncr, 0}, {"substantially", kBIncr, 0},
    {"thoroughly", kBIncr, 0}, {"totally", kBIncr, 0}, {"tremendously", kBIncr, 0}, {"uber", kBIncr, 0},
    {"unbelievably", kBIncr, 0}, {"unusually", kBIncr, 0}, {"utterly", kBIncr, 0}, {"very", kBIncr, 0},
    {"too", kBIncr, 0}, {"super", kBIncr, 0}, {"seriously", kBIncr, 0}, {"truly", kBIncr, 0},
    {"insanely", kBIncr, 0}, {"ridiculously", kBIncr, 0}, {"such", kBIncr, 0},
    // dampeners
    {"almost", kBDecr, 0}, {"kinda", kBDecr, 0}, {"kindof", kBDecr, 0}, {"less", kBDecr, 0},
    {"little", kBDecr, 0}, {"marginally", kBDecr, 0}, {"occasionally", kBDecr, 0}, {"partly", kBDecr, 0},
    {"scarcely", kBDecr, 0}, {"slightly", kBDecr, 0}, {"somewhat", kBDecr, 0}, {"sorta", kBDecr, 0},
    {"bit", kBDecr, 0}, {"fairly", kBDecr, 0}, {"rather", kBDecr, 0},
};

constexpr FunctionWord kFrenchWords[] = {
    {"ne", 0, kFlagNegator | kFlagNe}, {"n'", 0, kFlagNegator | kFlagNe}, {"pas", 0, kFlagNegator},
    {"jamais", 0, kFlagNegator}, {"rien", 0, kFlagNegator}, {"aucun", 0, kFlagNegator},
    {"aucune", 0, kFlagNegator}, {"sans", 0, kFlagNegator}, {"ni", 0, kFlagNegator},
    {"non", 0, kFlagNegator}, {"plus", 0, kFlagNegatorAfterNe},
    {"personne", 0, kFlagNegatorAfterNe}, {"guère", 0, kFlagNegatorAfterNe}, {"mais", 0, kFlagBut},
    // boosters
    {"très", kBIncr, 0}, {"tres", kBIncr, 0}, {"trop", kBIncr, 0}, {"vraiment", kBIncr, 0},
    {"tellement", kBIncr, 0}, {"hyper", kBIncr, 0}, {"super", kBIncr, 0}, {"grave", kBIncr, 0},
    {"totalement", kBIncr, 0}, {"absolument", kBIncr, 0}, {"extrêmement", kBIncr, 0},
    {"extremement", kBIncr, 0}, {"complètement", kBIncr, 0}, {"completement", kBIncr, 0},
    {"carrément", kBIncr, 0}, {"carrement", kBIncr, 0}, {"vachement", kBIncr, 0},
    {"franchement", kBIncr, 0}, {"particulièrement", kBIncr, 0}, {"incroyablement", kBIncr, 0},
    {"énormément", kBIncr, 0}, {"enormement", kBIncr, 0}, {"ultra", kBIncr, 0}, {"méga", kBIncr, 0},
    {"mega", kBIncr, 0}, {"archi", kBIncr, 0}, {"sacrément", kBIncr, 0}, {"si", kBIncr, 0},
    {"tout", kBIncr, 0}, {"toujours", kBIncr, 0}, {"entièrement", kBIncr, 0}, {"profondément", kBIncr, 0},
    {"terriblement", kBIncr, 0}, {"horriblement", kBIncr, 0}, {"vrmt", kBIncr, 0}, {"trés", kBIncr, 0},
    // dampeners
    {"peu", kBDecr, 0}, {"assez", kBDecr, 0}, {"plutôt", kBDecr, 0}, {"plutot", kBDecr, 0},
    {"légèrement", kBDecr, 0}, {"legerement", kBDecr, 0}, {"moyennement", kBDecr, 0},
    {"presque", kBDecr, 0}, {"relativement", kBDecr, 0}, {"quelque", kBDecr, 0},
};

// French "dont" and "plus" must not be English negators/boosters; the
// "other" map (unknown language) takes both lists, French first.
bool SkipInOther(std::string_view w) { return w == "dont" || w == "more" || w == "no"; }

std::string FoldAccents(std::string_view s) {
  utf8proc_uint8_t* out = nullptr;
  utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(s.data()),
                                    static_cast<utf8proc_ssize_t>(s.size()), &out,
                                    static_cast<utf8proc_option_t>(UTF8PROC_STABLE | UTF8PROC_COMPOSE |
                                                                   UTF8PROC_STRIPMARK | UTF8PROC_CASEFOLD));
  std::string r;
  if (n >= 0 && out != nullptr) r.assign(reinterpret_cast<char*>(out), static_cast<size_t>(n));
  std::free(out);
  return r;
}

std::string LowerUtf8(std::string_view s) {
  std::string r;
  r.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                          static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
    if (n <= 0) {
      r.push_back(s[i]);
      ++i;
      continue;
    }
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t m = utf8proc_encode_char(utf8proc_tolower(cp), buf);
    r.append(reinterpret_cast<char*>(buf), static_cast<size_t>(m));
    i += static_cast<size_t>(n);
  }
  return r;
}

bool HasSpaceOrEmpty(std::string_view w) { return w.empty() || w.find(' ') != std::string_view::npos; }

bool IsAsciiPunct(unsigned char c) { return c > 0x20 && c < 0x7f && !std::isalnum(c); }

base::Status ReadLines(const std::string& path, std::string* content) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return base::Status::IoError(path + ": cannot open");
  std::ostringstream ss;
  ss << in.rdbuf();
  *content = ss.str();
  return base::Status::Ok();
}

template <typename F>
base::Status ForEachLine(const std::string& path, F&& f) {
  std::string content;
  ECOUTE_RETURN_IF_ERROR(ReadLines(path, &content));
  std::string_view rest(content);
  int number = 0;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (number == 1 && line.size() >= 3 && line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
    if (line.empty()) continue;
    base::Status st = f(line);
    if (!st.ok()) return base::Status::InvalidArgument(path + ":" + std::to_string(number) + ": " + st.message());
  }
  return base::Status::Ok();
}

base::Status ParseFloat(std::string_view s, float* v) {
  const char* b = s.data();
  const char* e = s.data() + s.size();
  if (b != e && *b == '+') ++b;
  auto [p, ec] = std::from_chars(b, e, *v);
  if (ec != std::errc() || p != e || b == e) {
    return base::Status::InvalidArgument("bad number \"" + std::string(s) + "\"");
  }
  return base::Status::Ok();
}

// "word<TAB>score" (AFINN).
base::Status LoadAfinn(const std::string& path, std::vector<std::pair<std::string, float>>* out) {
  return ForEachLine(path, [&](std::string_view line) -> base::Status {
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos) return base::Status::InvalidArgument("expected \"word<TAB>score\"");
    float v = 0;
    ECOUTE_RETURN_IF_ERROR(ParseFloat(line.substr(tab + 1), &v));
    if (v < -5 || v > 5) return base::Status::InvalidArgument("score out of [-5, 5]");
    out->emplace_back(std::string(line.substr(0, tab)), v * kAfinnScale);
    return base::Status::Ok();
  });
}

// "token<TAB>mean<TAB>sd<TAB>[ratings]" (VADER).
base::Status LoadVader(const std::string& path, std::vector<std::pair<std::string, float>>* out) {
  return ForEachLine(path, [&](std::string_view line) -> base::Status {
    size_t t1 = line.find('\t');
    if (t1 == std::string_view::npos) return base::Status::InvalidArgument("expected \"token<TAB>mean<TAB>...\"");
    size_t t2 = line.find('\t', t1 + 1);
    float v = 0;
    ECOUTE_RETURN_IF_ERROR(ParseFloat(line.substr(t1 + 1, t2 == std::string_view::npos ? t2 : t2 - t1 - 1), &v));
    if (v < -4 || v > 4) return base::Status::InvalidArgument("mean out of [-4, 4]");
    out->emplace_back(std::string(line.substr(0, t1)), v);
    return base::Status::Ok();
  });
}

// "emoji<TAB>description" (VADER emoji lexicon).
base::Status LoadEmojiDescriptions(const std::string& path, std::vector<std::pair<std::string, std::string>>* out) {
  return ForEachLine(path, [&](std::string_view line) -> base::Status {
    size_t tab = line.find('\t');
    if (tab == std::string_view::npos || tab == 0 || tab + 1 >= line.size()) {
      return base::Status::InvalidArgument("expected \"emoji<TAB>description\"");
    }
    out->emplace_back(std::string(line.substr(0, tab)), std::string(line.substr(tab + 1)));
    return base::Status::Ok();
  });
}

bool IsEmojiCp(char32_t c) {
  return (c >= 0x1F000 && c <= 0x1FAFF) || (c >= 0x2600 && c <= 0x27BF) || (c >= 0x2300 && c <= 0x23FF) ||
         (c >= 0x2B05 && c <= 0x2B07) || c == 0x2B1B || c == 0x2B1C || c == 0x2B50 || c == 0x2B55 ||
         c == 0x3030 || c == 0x303D || c == 0x3297 || c == 0x3299 || c == 0x2934 || c == 0x2935;
}
// Joiners, variation selectors, skin tones, keycap, tags: skipped.
bool IsEmojiModifier(char32_t c) {
  return c == 0x200D || c == 0xFE0E || c == 0xFE0F || c == 0x20E3 || (c >= 0x1F3FB && c <= 0x1F3FF) ||
         (c >= 0xE0020 && c <= 0xE007F);
}
bool IsRegionalIndicator(char32_t c) { return c >= 0x1F1E6 && c <= 0x1F1FF; }

}  // namespace

class Lexicons::Impl {
 public:
  EntryMap fr, en, other;
  ValenceMap emoticons;  // exact ASCII emoticons (":)", "<3", ":-D")
  std::unordered_map<char32_t, float> emoji;

  const EntryMap& For(std::string_view lang) const {
    if (lang.size() >= 2 && lang[0] == 'f' && lang[1] == 'r' && (lang.size() == 2 || lang[2] == '-' || lang[2] == '_'))
      return fr;
    if (lang.size() >= 2 && lang[0] == 'e' && lang[1] == 'n' && (lang.size() == 2 || lang[2] == '-' || lang[2] == '_'))
      return en;
    return other;
  }
};

Lexicons::Lexicons(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Lexicons::~Lexicons() = default;

float Lexicons::Valence(std::string_view word, std::string_view lang) const {
  const EntryMap& m = impl_->For(lang);
  auto it = m.find(word);
  return it == m.end() ? 0.f : it->second.valence;
}

base::Result<std::shared_ptr<const Lexicons>> Lexicons::Load(const std::string& dir) {
  const std::string base = dir.empty() ? std::string() : (dir.back() == '/' ? dir : dir + "/");
  std::vector<std::pair<std::string, float>> afinn_en, afinn_fr, afinn_emo, vader;
  std::vector<std::pair<std::string, std::string>> emoji_desc;
  ECOUTE_RETURN_IF_ERROR(LoadAfinn(base + "AFINN-en-165.txt", &afinn_en));
  ECOUTE_RETURN_IF_ERROR(LoadAfinn(base + "AFINN-fr-165.txt", &afinn_fr));
  ECOUTE_RETURN_IF_ERROR(LoadAfinn(base + "AFINN-emoticon-8.txt", &afinn_emo));
  ECOUTE_RETURN_IF_ERROR(LoadVader(base + "vader_lexicon.txt", &vader));
  ECOUTE_RETURN_IF_ERROR(LoadEmojiDescriptions(base + "emoji_utf8_lexicon.txt", &emoji_desc));

  auto impl = std::make_unique<Impl>();
  // Word valences; the first entry of a word wins (AFINN-fr lists a few
  // words twice). Multi-word entries are skipped (the scorer is unigram).
  auto add_words = [](EntryMap& m, const std::vector<std::pair<std::string, float>>& list, bool fold_twin) {
    for (const auto& [w, v] : list) {
      if (HasSpaceOrEmpty(w)) continue;
      if (IsAsciiPunct(static_cast<unsigned char>(w[0]))) continue;  // emoticons
      std::string lw = LowerUtf8(w);
      auto [it, inserted] = m.try_emplace(lw);
      if (inserted || it->second.valence == 0) it->second.valence = v;
    }
    if (!fold_twin) return;
    // Unaccented twins ("decu" for "déçu") for texts typed without accents.
    for (const auto& [w, v] : list) {
      if (HasSpaceOrEmpty(w)) continue;
      std::string f = FoldAccents(w);
      if (f.empty()) continue;
      auto [it, inserted] = m.try_emplace(f);
      if (inserted) it->second.valence = v;
    }
  };
  // fr: AFINN-fr; en: VADER, then AFINN-en; other: VADER, AFINN-en, AFINN-fr.
  add_words(impl->fr, afinn_fr, true);
  auto add_extra = [](EntryMap& m, bool allow_override) {
    for (const ExtraWord& x : kFrenchExtra) {
      auto [it, inserted] = m.try_emplace(x.word);
      if (inserted || (x.override && allow_override) || it->second.valence == 0) it->second.valence = x.valence;
      std::string f = FoldAccents(x.word);
      auto [it2, inserted2] = m.try_emplace(f);
      if (inserted2) it2->second.valence = x.valence;
    }
  };
  add_extra(impl->fr, true);
  add_words(impl->en, vader, false);
  add_words(impl->en, afinn_en, false);
  add_words(impl->other, vader, false);
  add_words(impl->other, afinn_en, false);
  add_words(impl->other, afinn_fr, true);
  add_extra(impl->other, false);
  // Letter-leading emoticons ("xD", "xoxo") are words for the tokenizer.
  for (const auto& [w, v] : afinn_emo) {
    if (w.empty() || IsAsciiPunct(static_cast<unsigned char>(w[0])) || !std::isalpha(static_cast<unsigned char>(w[0])))
      continue;
    std::string lw = LowerUtf8(w);
    for (EntryMap* m : {&impl->fr, &impl->en, &impl->other}) {
      auto [it, inserted] = m->try_emplace(lw);
      if (inserted) it->second.valence = v;
    }
  }
  auto add_function_words = [](EntryMap& m, const FunctionWord* b, const FunctionWord* e, bool other) {
    for (const FunctionWord* f = b; f != e; ++f) {
      if (other && SkipInOther(f->word)) continue;
      Entry& en = m[f->word];
      if (en.booster == 0) en.booster = f->booster;
      en.flags |= f->flags;
    }
  };
  add_function_words(impl->fr, std::begin(kFrenchWords), std::end(kFrenchWords), false);
  add_function_words(impl->en, std::begin(kEnglishWords), std::end(kEnglishWords), false);
  add_function_words(impl->other, std::begin(kFrenchWords), std::end(kFrenchWords), true);
  add_function_words(impl->other, std::begin(kEnglishWords), std::end(kEnglishWords), true);

  // Emoticons: AFINN first, then VADER's punctuation-leading tokens.
  for (const auto& [w, v] : afinn_emo) {
    if (!w.empty() && static_cast<unsigned char>(w[0]) < 0x80 && !std::isalpha(static_cast<unsigned char>(w[0])))
      impl->emoticons.try_emplace(w, v);
  }
  for (const auto& [w, v] : vader) {
    if (!w.empty() && w.size() <= 12 && IsAsciiPunct(static_cast<unsigned char>(w[0])) && !HasSpaceOrEmpty(w))
      impl->emoticons.try_emplace(w, v);
  }
  // Emoji: hand table, AFINN's non-ASCII emoticons (♥), then the VADER
  // description words scored with the VADER lexicon (sum, clamped to +-2.5).
  for (const HandEmoji& h : kHandEmoji) impl->emoji.emplace(h.cp, h.valence);
  ValenceMap vader_words;
  for (const auto& [w, v] : vader) vader_words.try_emplace(w, v);
  auto single_cp = [](std::string_view s, char32_t* cp) {
    size_t i = 0;
    int count = 0;
    while (i < s.size()) {
      utf8proc_int32_t c = 0;
      utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                            static_cast<utf8proc_ssize_t>(s.size() - i), &c);
      if (n <= 0) return false;
      i += static_cast<size_t>(n);
      if (IsEmojiModifier(static_cast<char32_t>(c))) continue;
      *cp = static_cast<char32_t>(c);
      ++count;
    }
    return count == 1;
  };
  for (const auto& [w, v] : afinn_emo) {
    char32_t cp = 0;
    if (!w.empty() && static_cast<unsigned char>(w[0]) >= 0x80 && single_cp(w, &cp)) impl->emoji.try_emplace(cp, v);
  }
  for (const auto& [e, desc] : emoji_desc) {
    char32_t cp = 0;
    if (!single_cp(e, &cp) || !IsEmojiCp(cp)) continue;
    float sum = 0;
    std::string_view d(desc);
    while (!d.empty()) {
      size_t sp = d.find_first_of(" -:");
      std::string_view word = d.substr(0, sp);
      d = sp == std::string_view::npos ? std::string_view() : d.substr(sp + 1);
      auto it = vader_words.find(word);
      if (it != vader_words.end()) sum += it->second;
    }
    if (sum != 0) impl->emoji.try_emplace(cp, std::clamp(sum, -2.5f, 2.5f));
  }
  return std::shared_ptr<const Lexicons>(std::make_shared<Lexicons>(std::move(impl)));
}

namespace {

struct PendingHit {
  std::string word;
  float v0 = 0;        // valence after boosters/elongation, before caps and negation
  float caps = 0;      // signed amount added when only some words are capitals
  bool negated = false;
  bool booster_word = false;  // a booster with its own valence ("super")
  bool dropped = false;
  bool emoji = false;
  int index = 0;       // word index, for "but" weighting
};

struct Scratch {
  std::string lower, single;
  std::vector<PendingHit> hits;
  size_t nhits = 0;
  PendingHit& NewHit() {
    if (nhits == hits.size()) hits.emplace_back();
    PendingHit& h = hits[nhits++];
    h = PendingHit{std::move(h.word)};
    h.word.clear();
    return h;
  }
};

inline bool IsAsciiAlnum(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}
inline bool IsAsciiSpace(unsigned char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

struct Decoded {
  char32_t cp;
  size_t len;
};
inline Decoded Decode(std::string_view s, size_t i) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return {c, 1};
  utf8proc_int32_t cp = 0;
  utf8proc_ssize_t n = utf8proc_iterate(reinterpret_cast<const utf8proc_uint8_t*>(s.data() + i),
                                        static_cast<utf8proc_ssize_t>(s.size() - i), &cp);
  if (n <= 0 || cp < 0) return {0xFFFD, 1};
  return {static_cast<char32_t>(cp), static_cast<size_t>(n)};
}

enum class CpClass : uint8_t { kSpace, kLetterUpper, kLetterLower, kLetterOther, kMark, kDigit, kOther };
inline CpClass Classify(char32_t cp) {
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(cp))) {
    case UTF8PROC_CATEGORY_LU: case UTF8PROC_CATEGORY_LT: return CpClass::kLetterUpper;
    case UTF8PROC_CATEGORY_LL: return CpClass::kLetterLower;
    case UTF8PROC_CATEGORY_LM: case UTF8PROC_CATEGORY_LO: return CpClass::kLetterOther;
    case UTF8PROC_CATEGORY_MN: case UTF8PROC_CATEGORY_MC: case UTF8PROC_CATEGORY_ME: return CpClass::kMark;
    case UTF8PROC_CATEGORY_ND: return CpClass::kDigit;
    case UTF8PROC_CATEGORY_ZS: case UTF8PROC_CATEGORY_ZL: case UTF8PROC_CATEGORY_ZP: return CpClass::kSpace;
    default: return CpClass::kOther;
  }
}
inline bool IsWordClass(CpClass c) { return c != CpClass::kSpace && c != CpClass::kOther; }
inline bool IsApostrophe(char32_t cp) { return cp == '\'' || cp == 0x2019 || cp == 0x02BC; }

bool IsElision(std::string_view raw) {
  if (raw.empty() || raw.size() > 6) return false;
  char buf[8];
  for (size_t i = 0; i < raw.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(raw[i]);
    if (c >= 0x80) return false;
    buf[i] = static_cast<char>(std::tolower(c));
  }
  std::string_view w(buf, raw.size());
  return w == "l" || w == "d" || w == "j" || w == "m" || w == "n" || w == "s" || w == "t" || w == "c" ||
         w == "qu" || w == "jusqu" || w == "lorsqu" || w == "puisqu";
}

inline void AppendCp(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out.push_back(static_cast<char>(cp));
    return;
  }
  utf8proc_uint8_t buf[4];
  utf8proc_ssize_t m = utf8proc_encode_char(static_cast<utf8proc_int32_t>(cp), buf);
  out.append(reinterpret_cast<char*>(buf), static_cast<size_t>(std::max<utf8proc_ssize_t>(m, 0)));
}

class Featurizer {
 public:
  Featurizer(std::string_view text, std::string_view lang, const Lexicons::Impl& lex, Features* out, Scratch* sc)
      : s_(text), lang_(lang), lex_(lex), words_(lex.For(lang)), out_(out), sc_(sc) {
    english_ = (&words_ == &lex.en);
  }

  void Run();

 private:
  void Emit(std::string_view tok) { out_->tokens.emplace_back(tok); }
  void EndClause() {
    neg_left_ = 0;
    ne_seen_ = false;
    boost_[0] = boost_[1] = boost_[2] = Boost{};
  }
  void FlushWord();
  void ProcessWord(std::string_view raw, bool is_elision, bool hashtag_word);
  void ShiftBoost(float scalar, float caps, int hit) {
    boost_[2] = boost_[1];
    boost_[1] = boost_[0];
    boost_[0] = Boost{scalar, caps, hit};
  }
  void AddEmoji(char32_t cp, std::string_view tok);
  void AddEmoticon(std::string_view tok, float v);
  size_t TryUrl(size_t i) const;
  size_t TryMention(size_t i) const;
  size_t TryHashtag(size_t i) const;
  size_t TryEmoticon(size_t i);

  struct Boost {
    float scalar = 0;
    float caps = 0;  // extra (unsigned) when the booster is in capitals
    int hit = -1;    // pending own-valence hit of the booster word
  };

  std::string_view s_;
  std::string_view lang_;
  const Lexicons::Impl& lex_;
  const EntryMap& words_;
  Features* out_;
  Scratch* sc_;
  bool english_ = false;

  size_t word_begin_ = std::string_view::npos;
  size_t word_end_ = 0;
  int neg_left_ = 0;
  bool ne_seen_ = false;
  Boost boost_[3];
  int word_index_ = 0;
  int but_index_ = -1;
  int letters_ = 0, upper_ = 0;
  int words_with_letters_ = 0, caps_words_ = 0;
  bool caps_marker_ = false;
  int exclamations_ = 0, questions_ = 0;
  bool neg_pos_ = false, neg_neg_ = false;
  int neg_pos_count_ = 0;
  float emoji_sum_ = 0;
};

void Featurizer::FlushWord() {
  if (word_begin_ == std::string_view::npos) return;
  std::string_view raw = s_.substr(word_begin_, word_end_ - word_begin_);
  word_begin_ = std::string_view::npos;
  ProcessWord(raw, false, false);
}

void Featurizer::ProcessWord(std::string_view raw, bool is_elision, bool hashtag_word) {
  std::string& low = sc_->lower;
  std::string& single = sc_->single;
  low.clear();
  single.clear();
  int letters = 0, upper = 0;
  bool digits_only = true, elongated = false;
  char32_t prev = 0;
  int run = 0;
  constexpr int kMaxSqueeze = 8;
  std::pair<size_t, size_t> squeeze[kMaxSqueeze];
  int nsq = 0;
  size_t i = 0;
  while (i < raw.size()) {
    Decoded d = Decode(raw, i);
    i += d.len;
    char32_t lc = d.cp;
    if (d.cp < 0x80) {
      unsigned char c = static_cast<unsigned char>(d.cp);
      if (c >= 'A' && c <= 'Z') {
        ++letters;
        ++upper;
        lc = c + 32;
        digits_only = false;
      } else if (c >= 'a' && c <= 'z') {
        ++letters;
        digits_only = false;
      } else if (c == '\'') {
        digits_only = false;
      } else if (!(c >= '0' && c <= '9') && c != '.' && c != ',') {
        digits_only = false;
      }
    } else {
      if (d.cp == 0x2019 || d.cp == 0x02BC) {
        lc = '\'';
        digits_only = false;
      } else {
        CpClass k = Classify(d.cp);
        if (k == CpClass::kLetterUpper) {
          ++letters;
          ++upper;
          lc = static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(d.cp)));
        } else if (k == CpClass::kLetterLower || k == CpClass::kLetterOther) {
          ++letters;
        }
        if (k != CpClass::kDigit) digits_only = false;
      }
    }
    if (lc == prev) {
      ++run;
    } else {
      prev = lc;
      run = 1;
    }
    if (run >= 3 && letters > 0 && !(lc >= '0' && lc <= '9')) {
      // Squeezed: the third and later repeats are dropped; the second copy
      // is dropped too in the single-letter form.
      if (run == 3) {
        size_t len = lc < 0x80 ? 1 : (lc < 0x800 ? 2 : (lc < 0x10000 ? 3 : 4));
        if (nsq < kMaxSqueeze) squeeze[nsq++] = {low.size() - len, len};
      }
      elongated = true;
      continue;
    }
    AppendCp(lc, low);
  }
  letters_ += letters;
  upper_ += upper;

  if (digits_only && !is_elision) {
    Emit("<num>");
    ++word_index_;
    if (neg_left_ > 0) --neg_left_;
    ShiftBoost(0, 0, -1);
    return;
  }
  const bool all_caps = letters >= 2 && upper == letters;
  if (letters > 0) {
    ++words_with_letters_;
    if (upper == letters && letters >= 1) ++caps_words_;
    if (letters >= 3 && upper == letters) caps_marker_ = true;
  }

  // Single-letter form of the elongated runs ("nuul" -> "nul").
  if (elongated) {
    size_t from = 0;
    for (int q = 0; q < nsq; ++q) {
      single.append(low, from, squeeze[q].first - from);
      from = squeeze[q].first + squeeze[q].second;
    }
    single.append(low, from, std::string::npos);
  }

  // Lookup (lower-cased squeezed form, then the single-letter form).
  const Entry* entry = nullptr;
  auto it = words_.find(std::string_view(low));
  if (it != words_.end()) entry = &it->second;
  if (elongated && (entry == nullptr || (entry->valence == 0 && entry->booster == 0 && entry->flags == 0))) {
    auto it2 = words_.find(std::string_view(single));
    if (it2 != words_.end()) entry = &it2->second;
  }
  uint8_t flags = entry ? entry->flags : 0;
  // English contractions: "don't", "can't", "isn't", "won't"...
  if (!is_elision && low.size() > 3 && low.compare(low.size() - 3, 3, "n't") == 0 &&
      (english_ || &words_ == &lex_.other)) {
    flags |= kFlagNegator;
  }
  if ((flags & kFlagNegatorAfterNe) && ne_seen_) flags |= kFlagNegator;

  // Token.
  const bool negator = (flags & kFlagNegator) != 0;
  const bool in_scope = neg_left_ > 0 && !negator && !is_elision;
  if (in_scope) {
    std::string& t = out_->tokens.emplace_back();
    t.reserve(4 + low.size());
    t.append("neg_").append(low);
  } else {
    Emit(low);
  }
  if (elongated) out_->tokens.emplace_back("<elong>");

  if (is_elision) {
    if (negator) {
      neg_left_ = kNegScope;
      ne_seen_ = true;
    }
    return;
  }
  const int index = word_index_++;
  if (flags & kFlagBut) {
    if (but_index_ < 0) but_index_ = index;
    EndClause();
    return;
  }
  if (negator) {
    if (flags & kFlagNe) ne_seen_ = true;
    neg_left_ = kNegScope;
    ShiftBoost(0, 0, -1);
    return;
  }

  float valence = entry ? entry->valence : 0.f;
  float booster = entry && !hashtag_word ? entry->booster : 0.f;
  const float emph = all_caps ? kCIncr : 0.f;
  int own_hit = -1;
  if (valence != 0) {
    const float sign = valence > 0 ? 1.f : -1.f;
    float v = valence;
    if (elongated) v += sign * kBIncr;
    static constexpr float kDecay[3] = {1.f, 0.95f, 0.9f};
    bool boosted = false;
    for (int k = 0; k < 3; ++k) {
      const Boost& b = boost_[k];
      if (b.scalar == 0) continue;
      float sc = b.scalar * kDecay[k];
      v += sign * sc;
      boosted = true;
      if (b.hit >= 0) sc_->hits[static_cast<size_t>(b.hit)].dropped = true;
    }
    float caps = sign * emph;
    for (int k = 0; k < 3; ++k) {
      if (boost_[k].scalar != 0 && boost_[k].caps != 0) caps += sign * boost_[k].caps * (boost_[k].scalar > 0 ? 1.f : -1.f);
    }
    (void)boosted;
    PendingHit& h = sc_->NewHit();
    h.word.assign(low);
    h.v0 = v;
    h.caps = caps;
    h.negated = neg_left_ > 0;
    h.booster_word = booster != 0;
    h.index = index;
    if (h.negated) {
      if (valence > 0) {
        neg_pos_ = true;
        ++neg_pos_count_;
      } else {
        neg_neg_ = true;
      }
    }
    if (booster != 0) own_hit = static_cast<int>(sc_->nhits - 1);
  }
  if (neg_left_ > 0) --neg_left_;
  ShiftBoost(booster, booster != 0 ? emph : 0.f, own_hit);
}

void Featurizer::AddEmoji(char32_t cp, std::string_view tok) {
  Emit(tok);
  auto it = lex_.emoji.find(cp);
  if (it == lex_.emoji.end()) return;
  emoji_sum_ += it->second;
  PendingHit& h = sc_->NewHit();
  h.word.assign(tok);
  h.v0 = it->second;
  h.emoji = true;
  h.index = word_index_;
}

void Featurizer::AddEmoticon(std::string_view tok, float v) {
  Emit(tok);
  emoji_sum_ += v;
  PendingHit& h = sc_->NewHit();
  h.word.assign(tok);
  h.v0 = v;
  h.emoji = true;
  h.index = word_index_;
}

size_t Featurizer::TryUrl(size_t i) const {
  std::string_view r = s_.substr(i);
  auto starts = [&](std::string_view p) {
    if (r.size() < p.size()) return false;
    for (size_t k = 0; k < p.size(); ++k)
      if (std::tolower(static_cast<unsigned char>(r[k])) != p[k]) return false;
    return true;
  };
  size_t plen = 0;
  if (starts("https://")) plen = 8;
  else if (starts("http://")) plen = 7;
  else if (starts("www.")) plen = 4;
  else return 0;
  size_t j = i + plen;
  if (j >= s_.size() || IsAsciiSpace(static_cast<unsigned char>(s_[j]))) return 0;
  while (j < s_.size()) {
    unsigned char c = static_cast<unsigned char>(s_[j]);
    if (IsAsciiSpace(c) || c >= 0x80 || c == '<' || c == '>' || c == '"' || c == '`') break;
    ++j;
  }
  return j - i;
}

size_t Featurizer::TryMention(size_t i) const {
  if (i > 0) {
    unsigned char p = static_cast<unsigned char>(s_[i - 1]);
    if (IsAsciiAlnum(p) || p == '_' || p == '.' || p == '@' || p >= 0x80) return 0;
  }
  size_t j = i + 1;
  while (j < s_.size()) {
    unsigned char c = static_cast<unsigned char>(s_[j]);
    if (IsAsciiAlnum(c) || c == '_') {
      ++j;
    } else if (c == '.' && j + 1 < s_.size() && j > i + 1 &&
               (IsAsciiAlnum(static_cast<unsigned char>(s_[j + 1])) || s_[j + 1] == '_')) {
      ++j;
    } else {
      break;
    }
  }
  return j > i + 1 ? j - i : 0;
}

size_t Featurizer::TryHashtag(size_t i) const {
  if (i > 0) {
    unsigned char p = static_cast<unsigned char>(s_[i - 1]);
    if (IsAsciiAlnum(p) || p == '_' || p == '&') return 0;
  }
  size_t j = i + 1;
  bool letter = false;
  while (j < s_.size()) {
    Decoded d = Decode(s_, j);
    if (d.cp < 0x80) {
      unsigned char c = static_cast<unsigned char>(d.cp);
      if (!(IsAsciiAlnum(c) || c == '_')) break;
      if (!(c >= '0' && c <= '9') && c != '_') letter = true;
    } else {
      CpClass k = Classify(d.cp);
      if (!IsWordClass(k)) break;
      if (k != CpClass::kDigit && k != CpClass::kMark) letter = true;
    }
    j += d.len;
  }
  return letter ? j - i : 0;
}

// At the start of a whitespace-separated chunk: an ASCII emoticon spanning
// the whole chunk (optionally followed by . , ! ?).
size_t Featurizer::TryEmoticon(size_t i) {
  size_t j = i;
  while (j < s_.size() && !IsAsciiSpace(static_cast<unsigned char>(s_[j])) && j - i <= 13) ++j;
  if (j - i < 2 || j - i > 12) return 0;
  if (j < s_.size() && !IsAsciiSpace(static_cast<unsigned char>(s_[j]))) return 0;
  std::string_view chunk = s_.substr(i, j - i);
  auto it = lex_.emoticons.find(chunk);
  if (it == lex_.emoticons.end()) return 0;
  AddEmoticon(chunk, it->second);
  return chunk.size();
}

void Featurizer::Run() {
  const size_t n = s_.size();
  size_t i = 0;
  bool chunk_start = true;
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s_[i]);
    if (c < 0x80) {
      if (IsAsciiSpace(c)) {
        FlushWord();
        if (c == '\n') EndClause();
        chunk_start = true;
        ++i;
        continue;
      }
      const bool was_chunk_start = chunk_start;
      chunk_start = false;
      if (IsAsciiAlnum(c)) {
        if (word_begin_ == std::string_view::npos) {
          if ((c == 'h' || c == 'H' || c == 'w' || c == 'W')) {
            size_t u = TryUrl(i);
            if (u > 0) {
              Emit("<url>");
              ++word_index_;
              i += u;
              continue;
            }
          }
          word_begin_ = i;
        }
        ++i;
        word_end_ = i;
        continue;
      }
      if (word_begin_ != std::string_view::npos) {
        // Inside a word: apostrophes and number separators.
        if (c == '\'' && i + 1 < n) {
          Decoded nx = Decode(s_, i + 1);
          CpClass k = nx.cp < 0x80 ? (IsAsciiAlnum(static_cast<unsigned char>(nx.cp)) ? CpClass::kLetterLower
                                                                                      : CpClass::kOther)
                                   : Classify(nx.cp);
          if (IsWordClass(k)) {
            std::string_view raw = s_.substr(word_begin_, i - word_begin_);
            if (!english_ && IsElision(raw)) {
              const size_t wb = word_begin_;
              word_begin_ = std::string_view::npos;
              ProcessWord(s_.substr(wb, i + 1 - wb), true, false);
              ++i;
              continue;
            }
            ++i;
            word_end_ = i;
            continue;
          }
        }
        if ((c == '.' || c == ',') && i + 1 < n && s_[i + 1] >= '0' && s_[i + 1] <= '9' &&
            s_[word_end_ - 1] >= '0' && s_[word_end_ - 1] <= '9') {
          ++i;
          word_end_ = i;
          continue;
        }
      }
      FlushWord();
      if (was_chunk_start && c != '#' && c != '@' && c != '!' && c != '?') {
        size_t e = TryEmoticon(i);
        if (e > 0) {
          i += e;
          continue;
        }
      }
      switch (c) {
        case '!':
        case '?': {
          int ex = 0, q = 0;
          while (i < n && (s_[i] == '!' || s_[i] == '?')) {
            if (s_[i] == '!') ++ex;
            else ++q;
            ++i;
          }
          exclamations_ += ex;
          questions_ += q;
          if (ex > 0 && q > 0) Emit("?!");
          else if (ex >= 2) Emit("!!");
          else if (ex == 1) Emit("!");
          else Emit("?");
          EndClause();
          continue;
        }
        case '@': {
          size_t m = TryMention(i);
          if (m > 0) {
            Emit("<user>");
            ++word_index_;
            i += m;
            continue;
          }
          break;
        }
        case '#': {
          size_t h = TryHashtag(i);
          if (h > 0) {
            Emit("<hashtag>");
            ProcessWord(s_.substr(i + 1, h - 1), false, true);
            i += h;
            continue;
          }
          break;
        }
        case '.': case ',': case ';': case ':': case '(': case ')': case '[': case ']':
          EndClause();
          break;
        default:
          break;
      }
      ++i;
      continue;
    }
    // Non-ASCII.
    Decoded d = Decode(s_, i);
    const bool was_chunk_start = chunk_start;
    chunk_start = false;
    (void)was_chunk_start;
    if (IsApostrophe(d.cp)) {
      if (word_begin_ != std::string_view::npos && i + d.len < n) {
        Decoded nx = Decode(s_, i + d.len);
        CpClass k = nx.cp < 0x80 ? (IsAsciiAlnum(static_cast<unsigned char>(nx.cp)) ? CpClass::kLetterLower
                                                                                    : CpClass::kOther)
                                 : Classify(nx.cp);
        if (IsWordClass(k)) {
          std::string_view raw = s_.substr(word_begin_, i - word_begin_);
          if (!english_ && IsElision(raw)) {
            const size_t wb = word_begin_;
            word_begin_ = std::string_view::npos;
            ProcessWord(s_.substr(wb, i + d.len - wb), true, false);
            i += d.len;
            continue;
          }
          i += d.len;
          word_end_ = i;
          continue;
        }
      }
      FlushWord();
      i += d.len;
      continue;
    }
    if (IsEmojiCp(d.cp) || IsRegionalIndicator(d.cp)) {
      FlushWord();
      if (IsRegionalIndicator(d.cp) && i + d.len < n) {
        Decoded d2 = Decode(s_, i + d.len);
        if (IsRegionalIndicator(d2.cp)) {
          Emit(s_.substr(i, d.len + d2.len));
          i += d.len + d2.len;
          continue;
        }
      }
      AddEmoji(d.cp, s_.substr(i, d.len));
      i += d.len;
      continue;
    }
    if (IsEmojiModifier(d.cp)) {
      i += d.len;
      continue;
    }
    CpClass k = Classify(d.cp);
    if (IsWordClass(k)) {
      if (word_begin_ == std::string_view::npos) word_begin_ = i;
      i += d.len;
      word_end_ = i;
      continue;
    }
    FlushWord();
    if (k == CpClass::kSpace || d.cp == 0x0085) {
      chunk_start = true;
      if (d.cp == 0x2028 || d.cp == 0x2029 || d.cp == 0x0085) EndClause();
    } else if (d.cp == 0x2026 || d.cp == 0x00A1 || d.cp == 0x00BF) {  // … ¡ ¿
      EndClause();
    }
    i += d.len;
  }
  FlushWord();

  // Scoring.
  const bool cap_diff = caps_words_ > 0 && caps_words_ < words_with_letters_;
  float sum = 0, pos = 0, neg = 0;
  out_->hits.reserve(sc_->nhits);
  for (size_t h = 0; h < sc_->nhits; ++h) {
    PendingHit& p = sc_->hits[h];
    if (p.dropped) continue;
    float v = p.v0;
    if (cap_diff) v += p.caps;
    if (p.negated) v *= kNScalar;
    if (but_index_ >= 0) {
      if (p.index < but_index_) v *= 0.5f;
      else if (p.index > but_index_ || (p.emoji && p.index >= but_index_)) v *= 1.5f;
    }
    sum += v;
    if (v > 0) pos += v;
    else neg -= v;
    out_->hits.push_back(LexiconHit{p.word, v, p.negated});
  }
  if (sum != 0) {
    float emph = static_cast<float>(std::min(exclamations_, 4)) * 0.292f;
    if (questions_ > 1) emph += questions_ <= 3 ? static_cast<float>(questions_) * 0.18f : 0.96f;
    sum += sum > 0 ? emph : -emph;
  }
  float compound = sum / std::sqrt(sum * sum + 15.f);
  compound = std::clamp(compound, -1.f, 1.f);
  out_->polarity = compound;

  auto& dn = out_->dense;
  dn[0] = compound;
  dn[1] = std::min(pos, 10.f) / 2.f;
  dn[2] = std::min(neg, 10.f) / 2.f;
  dn[3] = static_cast<float>(std::min(neg_pos_count_, 5));
  dn[4] = letters_ > 0 ? static_cast<float>(upper_) / static_cast<float>(letters_) : 0.f;
  dn[5] = static_cast<float>(std::min(exclamations_, 4));
  dn[6] = questions_ > 0 ? 1.f : 0.f;
  dn[7] = std::clamp(emoji_sum_, -5.f, 5.f);

  if (caps_marker_) Emit("<caps>");
  if (letters_ >= 8 && static_cast<float>(upper_) >= 0.8f * static_cast<float>(letters_)) Emit("<allcaps>");
  if (compound >= 0.6f) Emit("<lex++>");
  else if (compound >= 0.05f) Emit("<lex+>");
  else if (compound <= -0.6f) Emit("<lex-->");
  else if (compound <= -0.05f) Emit("<lex->");
  if (neg_pos_) Emit("<neglex+>");
  if (neg_neg_) Emit("<neglex->");
  if (emoji_sum_ > 0) Emit("<emoji+>");
  else if (emoji_sum_ < 0) Emit("<emoji->");
}

}  // namespace

void Featurize(std::string_view text, std::string_view lang, const Lexicons& lex, Features* out) {
  out->clear();
  thread_local Scratch scratch;
  scratch.nhits = 0;
  Featurizer f(text, lang, *lex.impl_, out, &scratch);
  f.Run();
}

}  // namespace ecoute::classify
