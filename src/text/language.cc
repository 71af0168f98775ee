// Language identification (CLD2) and language-tag normalisation.
#if __has_include(<malloc.h>)
#include <malloc.h>
#endif

#include <algorithm>
#include <array>
#include <climits>
#include <cstdio>  // CLD2's header uses FILE without including it.
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

#include <cld2/public/compact_lang_det.h>
#include <cld2/public/encodings.h>

#include "text/entities.h"
#include "text/entity_sink.h"
#include "text/text.h"
#include "text/utf8_util.h"

namespace ecoute::text {
namespace {

using internal::EntityKind;
using internal::EntityScanner;
using internal::EntitySpan;

// Only the start of long texts is used: a few kilobytes identify a language
// as well as megabytes do, and CLD2's time grows with length.
constexpr size_t kMaxDetectBytes = 16 * 1024;
// Below this many letter bytes (as counted by CLD2) a guess is never
// reported as reliable.
constexpr int kMinReliableBytes = 15;
// Confidence reaches its full value at this many letter bytes.
constexpr double kFullConfidenceBytes = 40.0;

// CLD2 allocates ~175 KB of scratch memory on every call and frees it. With
// glibc's default trim threshold (128 KB) that memory goes back to the
// kernel each time and the next call page-faults it in again, which made
// detection 5x slower (measured: 16 us vs 3 us per tweet). Keeping 1 MiB of
// top padding per arena avoids it.
void KeepAllocatorScratchImpl() {
#if defined(__GLIBC__) && defined(M_TOP_PAD)
  static std::once_flag once;
  std::call_once(once, [] { mallopt(M_TOP_PAD, 1 << 20); });
#endif
}

// Cuts `s` to at most `max` bytes without splitting a UTF-8 sequence.
std::string_view CutAtBoundary(std::string_view s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

// Appends `text` for the detector: URLs and mentions become a space,
// hashtags lose their '#', ill-formed UTF-8 becomes U+FFFD.
void AppendForDetection(std::string_view text, std::string& buf) {
  EntityScanner scanner(text);
  EntitySpan span;
  size_t last = 0;
  while (scanner.Next(&span)) {
    internal::AppendSanitized(text.substr(last, span.begin - last), buf);
    if (span.kind == EntityKind::kHashtag) {
      buf.append(text.substr(span.begin + 1, span.end - span.begin - 1));
    } else {
      buf.push_back(' ');
    }
    last = span.end;
  }
  internal::AppendSanitized(text.substr(last), buf);
}

// CLD2 language code -> ISO 639-1 where one exists (else CLD2's ISO 639-2/3
// code); "und" for unknown and for CLD2's pseudo-languages.
std::string IsoCode(CLD2::Language lang) {
  if (lang == CLD2::UNKNOWN_LANGUAGE || lang == CLD2::TG_UNKNOWN_LANGUAGE) return "und";
  const char* raw = CLD2::LanguageCode(lang);
  if (raw == nullptr || *raw == '\0') return "und";
  std::string_view code(raw);
  if (code.starts_with("xx-") || code.starts_with("zz") || code == "tlh" || code == "un" ||
      code == "xxx") {
    return "und";
  }
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 5> kLegacy = {{
      {"iw", "he"}, {"jw", "jv"}, {"in", "id"}, {"ji", "yi"}, {"mo", "ro"},
  }};
  for (const auto& [from, to] : kLegacy) {
    if (code == from) return std::string(to);
  }
  // "zh-Hant" -> "zh", "sr-ME" -> "sr".
  return std::string(code.substr(0, code.find('-')));
}

LanguageGuess DetectPrepared(const std::string& buf) {
  LanguageGuess guess;
  if (buf.empty()) return guess;
  CLD2::CLDHints hints = {nullptr, nullptr, CLD2::UNKNOWN_ENCODING, CLD2::UNKNOWN_LANGUAGE};
  std::array<CLD2::Language, 3> language3{};
  std::array<int, 3> percent3{};
  std::array<double, 3> score3{};
  int text_bytes = 0;
  bool reliable = false;
  int valid_prefix = 0;
  const int length = static_cast<int>(std::min<size_t>(buf.size(), INT_MAX));
  // The buffer is valid UTF-8 by construction; the checking entry point
  // costs little and keeps CLD2 safe if that ever stops being true.
  CLD2::Language lang = CLD2::ExtDetectLanguageSummaryCheckUTF8(
      buf.data(), length, /*is_plain_text=*/true, &hints, /*flags=*/0, language3.data(),
      percent3.data(), score3.data(), /*resultchunkvector=*/nullptr, &text_bytes, &reliable,
      &valid_prefix);
  guess.code = IsoCode(lang);
  if (guess.code == "und") return guess;
  int percent = 0;
  for (int k = 0; k < 3; ++k) {
    if (language3[k] == lang) percent += percent3[k];
  }
  if (percent == 0) percent = percent3[0];
  const double share = std::clamp(percent / 100.0, 0.0, 1.0);
  const double length_factor = std::min(1.0, text_bytes / kFullConfidenceBytes);
  guess.reliable = reliable && text_bytes >= kMinReliableBytes;
  guess.confidence = static_cast<float>(share * length_factor * (guess.reliable ? 1.0 : 0.5));
  return guess;
}

LanguageGuess DetectParts(std::string_view title, std::string_view text) {
  title = CutAtBoundary(title, kMaxDetectBytes);
  text = CutAtBoundary(text, kMaxDetectBytes - title.size());
  std::string buf;
  buf.reserve(title.size() + text.size() + 1);
  if (!title.empty()) {
    AppendForDetection(title, buf);
    buf.push_back('\n');
  }
  AppendForDetection(text, buf);
  return DetectPrepared(buf);
}

// ---------------------------------------------------------------------------
// Language tags.

// ISO 639-1, plus the withdrawn "bh" (Bihari) that CLD2 still reports.
constexpr std::string_view kIso6391 =
    "aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv "
    "cy da de dv dz ee el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr "
    "ht hu hy hz ia id ie ig ii ik io is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw "
    "ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne ng nl nn no nr nv "
    "ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr "
    "ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi "
    "yo za zh zu ";

bool IsIso6391(std::string_view code) {
  for (size_t k = 0; k + 2 <= kIso6391.size(); k += 3) {
    if (kIso6391.substr(k, 2) == code) return true;
  }
  return false;
}

// Two-letter codes folded onto the code CLD2 reports, so declared and
// detected languages compare equal.
std::string_view CanonicalTwoLetter(std::string_view code) {
  if (code == "iw") return "he";
  if (code == "in") return "id";
  if (code == "ji") return "yi";
  if (code == "jw") return "jv";
  if (code == "mo") return "ro";
  if (code == "nb") return "no";
  return code;
}

// ISO 639-2 (bibliographic and terminology) and common ISO 639-3 codes.
const std::unordered_map<std::string_view, std::string_view>& ThreeLetterCodes() {
  static const std::unordered_map<std::string_view, std::string_view> kCodes = {
      {"eng", "en"}, {"fre", "fr"}, {"fra", "fr"}, {"ger", "de"}, {"deu", "de"},
      {"spa", "es"}, {"ita", "it"}, {"por", "pt"}, {"dut", "nl"}, {"nld", "nl"},
      {"ara", "ar"}, {"arb", "ar"}, {"ary", "ar"}, {"arz", "ar"}, {"apc", "ar"},
      {"ajp", "ar"}, {"acm", "ar"}, {"aeb", "ar"}, {"arq", "ar"}, {"ars", "ar"},
      {"hin", "hi"}, {"jpn", "ja"}, {"chi", "zh"}, {"zho", "zh"}, {"cmn", "zh"},
      {"yue", "zh"}, {"wuu", "zh"}, {"nan", "zh"}, {"hak", "zh"}, {"rus", "ru"},
      {"pol", "pl"}, {"tur", "tr"}, {"swe", "sv"}, {"dan", "da"}, {"nor", "no"},
      {"nob", "no"}, {"nno", "nn"}, {"fin", "fi"}, {"cze", "cs"}, {"ces", "cs"},
      {"gre", "el"}, {"ell", "el"}, {"heb", "he"}, {"kor", "ko"}, {"vie", "vi"},
      {"tha", "th"}, {"ind", "id"}, {"may", "ms"}, {"msa", "ms"}, {"zsm", "ms"},
      {"ukr", "uk"}, {"rum", "ro"}, {"ron", "ro"}, {"hun", "hu"}, {"bul", "bg"},
      {"hrv", "hr"}, {"srp", "sr"}, {"bos", "bs"}, {"slo", "sk"}, {"slk", "sk"},
      {"slv", "sl"}, {"lit", "lt"}, {"lav", "lv"}, {"est", "et"}, {"cat", "ca"},
      {"baq", "eu"}, {"eus", "eu"}, {"glg", "gl"}, {"wel", "cy"}, {"cym", "cy"},
      {"gle", "ga"}, {"ice", "is"}, {"isl", "is"}, {"per", "fa"}, {"fas", "fa"},
      {"pes", "fa"}, {"prs", "fa"}, {"urd", "ur"}, {"ben", "bn"}, {"tam", "ta"},
      {"tel", "te"}, {"mar", "mr"}, {"guj", "gu"}, {"pan", "pa"}, {"kan", "kn"},
      {"mal", "ml"}, {"swa", "sw"}, {"swh", "sw"}, {"afr", "af"}, {"alb", "sq"},
      {"sqi", "sq"}, {"mac", "mk"}, {"mkd", "mk"}, {"arm", "hy"}, {"hye", "hy"},
      {"geo", "ka"}, {"kat", "ka"}, {"aze", "az"}, {"kaz", "kk"}, {"uzb", "uz"},
      {"tgl", "tl"}, {"fil", "tl"}, {"bre", "br"}, {"cos", "co"}, {"oci", "oc"},
      {"ltz", "lb"}, {"mlt", "mt"}, {"epo", "eo"}, {"lat", "la"}, {"bel", "be"},
      {"amh", "am"}, {"som", "so"}, {"hau", "ha"}, {"yor", "yo"}, {"ibo", "ig"},
      {"zul", "zu"}, {"xho", "xh"}, {"nep", "ne"}, {"sin", "si"}, {"khm", "km"},
      {"lao", "lo"}, {"bur", "my"}, {"mya", "my"}, {"mon", "mn"}, {"tib", "bo"},
      {"bod", "bo"}, {"pus", "ps"}, {"kur", "ku"}, {"yid", "yi"}, {"jav", "jv"},
      {"sun", "su"}, {"mlg", "mg"}, {"hat", "ht"}, {"fry", "fy"}, {"gla", "gd"},
      {"fao", "fo"}, {"tat", "tt"}, {"kir", "ky"}, {"tgk", "tg"}, {"tuk", "tk"},
      {"uig", "ug"}, {"snd", "sd"}, {"asm", "as"}, {"ori", "or"}, {"san", "sa"},
      {"que", "qu"}, {"grn", "gn"}, {"roh", "rm"}, {"wol", "wo"}, {"lin", "ln"},
      {"kin", "rw"}, {"sna", "sn"}, {"sot", "st"}, {"tsn", "tn"}, {"tir", "ti"},
      {"orm", "om"}, {"mri", "mi"}, {"mao", "mi"}, {"smo", "sm"}, {"haw", "haw"},
      {"ceb", "ceb"},
  };
  return kCodes;
}

// Language names in English, French, German, Spanish, Italian and the
// language itself. Keys are folded at first use, so "Français", "FRANCAIS"
// and "francais" all match.
const std::unordered_map<std::string, std::string>& LanguageNames() {
  static const std::unordered_map<std::string, std::string> kNames = [] {
    static constexpr std::pair<std::string_view, std::string_view> kRaw[] = {
        {"english", "en"}, {"anglais", "en"}, {"englisch", "en"}, {"inglés", "en"},
        {"inglese", "en"}, {"engels", "en"}, {"inglês", "en"},
        {"french", "fr"}, {"français", "fr"}, {"französisch", "fr"}, {"francés", "fr"},
        {"francese", "fr"}, {"frans", "fr"}, {"francês", "fr"},
        {"german", "de"}, {"deutsch", "de"}, {"allemand", "de"}, {"alemán", "de"},
        {"tedesco", "de"}, {"duits", "de"}, {"alemão", "de"},
        {"spanish", "es"}, {"español", "es"}, {"espagnol", "es"}, {"spanisch", "es"},
        {"spagnolo", "es"}, {"spaans", "es"}, {"castellano", "es"}, {"castilian", "es"},
        {"espanhol", "es"},
        {"italian", "it"}, {"italiano", "it"}, {"italien", "it"}, {"italienisch", "it"},
        {"italiaans", "it"},
        {"portuguese", "pt"}, {"português", "pt"}, {"portugais", "pt"},
        {"portugiesisch", "pt"}, {"portugués", "pt"}, {"portoghese", "pt"},
        {"portugees", "pt"}, {"brazilian portuguese", "pt"},
        {"dutch", "nl"}, {"nederlands", "nl"}, {"néerlandais", "nl"}, {"flemish", "nl"},
        {"flamand", "nl"}, {"vlaams", "nl"}, {"niederländisch", "nl"}, {"neerlandés", "nl"},
        {"olandese", "nl"},
        {"arabic", "ar"}, {"arabe", "ar"}, {"arabisch", "ar"}, {"árabe", "ar"},
        {"arabo", "ar"}, {"العربية", "ar"}, {"عربي", "ar"},
        {"hindi", "hi"}, {"hindou", "hi"}, {"हिन्दी", "hi"}, {"हिंदी", "hi"},
        {"japanese", "ja"}, {"japonais", "ja"}, {"japanisch", "ja"}, {"japonés", "ja"},
        {"giapponese", "ja"}, {"japans", "ja"}, {"日本語", "ja"}, {"nihongo", "ja"},
        {"chinese", "zh"}, {"chinois", "zh"}, {"chinesisch", "zh"}, {"chino", "zh"},
        {"cinese", "zh"}, {"chinees", "zh"}, {"mandarin", "zh"}, {"cantonese", "zh"},
        {"cantonais", "zh"}, {"中文", "zh"}, {"汉语", "zh"}, {"漢語", "zh"},
        {"普通话", "zh"}, {"國語", "zh"},
        {"russian", "ru"}, {"russe", "ru"}, {"russisch", "ru"}, {"ruso", "ru"},
        {"russo", "ru"}, {"русский", "ru"},
        {"polish", "pl"}, {"polonais", "pl"}, {"polski", "pl"},
        {"turkish", "tr"}, {"turc", "tr"}, {"türkçe", "tr"},
        {"swedish", "sv"}, {"suédois", "sv"}, {"svenska", "sv"},
        {"danish", "da"}, {"danois", "da"}, {"dansk", "da"},
        {"norwegian", "no"}, {"norvégien", "no"}, {"norsk", "no"}, {"bokmål", "no"},
        {"nynorsk", "nn"},
        {"finnish", "fi"}, {"finnois", "fi"}, {"suomi", "fi"},
        {"greek", "el"}, {"grec", "el"}, {"ελληνικά", "el"},
        {"hebrew", "he"}, {"hébreu", "he"}, {"עברית", "he"},
        {"korean", "ko"}, {"coréen", "ko"}, {"한국어", "ko"},
        {"vietnamese", "vi"}, {"vietnamien", "vi"}, {"tiếng việt", "vi"},
        {"thai", "th"}, {"thaï", "th"}, {"ไทย", "th"},
        {"indonesian", "id"}, {"indonésien", "id"}, {"bahasa indonesia", "id"},
        {"malay", "ms"}, {"malais", "ms"}, {"bahasa melayu", "ms"},
        {"ukrainian", "uk"}, {"ukrainien", "uk"}, {"українська", "uk"},
        {"czech", "cs"}, {"tchèque", "cs"}, {"čeština", "cs"},
        {"romanian", "ro"}, {"roumain", "ro"}, {"română", "ro"},
        {"hungarian", "hu"}, {"hongrois", "hu"}, {"magyar", "hu"},
        {"catalan", "ca"}, {"català", "ca"},
        {"basque", "eu"}, {"euskara", "eu"},
        {"breton", "br"}, {"brezhoneg", "br"},
        {"corsican", "co"}, {"corse", "co"},
        {"occitan", "oc"},
        {"persian", "fa"}, {"persan", "fa"}, {"farsi", "fa"}, {"فارسی", "fa"},
        {"urdu", "ur"}, {"ourdou", "ur"}, {"اردو", "ur"},
        {"bengali", "bn"}, {"bangla", "bn"}, {"বাংলা", "bn"},
        {"tamil", "ta"}, {"tamoul", "ta"}, {"தமிழ்", "ta"},
        {"swahili", "sw"}, {"kiswahili", "sw"},
    };
    std::unordered_map<std::string, std::string> names;
    for (const auto& [name, code] : kRaw) names.emplace(Fold(name), code);
    return names;
  }();
  return kNames;
}

std::string_view TrimSpaces(std::string_view s) {
  const auto is_space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

void TuneAllocatorForLanguageId() { KeepAllocatorScratchImpl(); }

LanguageGuess DetectLanguage(std::string_view text) { return DetectParts({}, text); }

std::string NormalizeLanguageTag(std::string_view tag) {
  // Tags are short; anything long is not a language tag.
  constexpr size_t kMaxTagBytes = 64;
  tag = TrimSpaces(tag);
  if (tag.empty() || tag.size() > kMaxTagBytes) return "";
  const std::string folded = Fold(tag);
  std::string_view s = folded;
  // "English (US)" -> "english"; "fr_FR.UTF-8" keeps going below.
  s = TrimSpaces(s.substr(0, s.find('(')));
  const auto& names = LanguageNames();
  if (auto it = names.find(std::string(s)); it != names.end()) return it->second;

  const std::string_view primary = s.substr(0, s.find_first_of("-_.@ ,;:/"));
  for (char c : primary) {
    if (c < 'a' || c > 'z') return "";
  }
  if (primary.size() == 2) {
    const std::string_view code = CanonicalTwoLetter(primary);
    if (!IsIso6391(code)) return "";
    return std::string(code);
  }
  if (primary.size() == 3) {
    const auto& codes = ThreeLetterCodes();
    if (auto it = codes.find(primary); it != codes.end()) return std::string(it->second);
    return "";
  }
  if (auto it = names.find(std::string(primary)); it != names.end()) return it->second;
  return "";
}

void Analyze(model::Mention& m) {
  internal::EntitySink sink;
  sink.AddFrom(m.title);
  sink.AddFrom(m.text);
  m.entities = sink.Take();

  if (m.language_declared) {
    std::string code = NormalizeLanguageTag(m.language);
    if (!code.empty()) {
      m.language = std::move(code);
      m.language_confidence = 1;
      return;
    }
    m.language_declared = false;  // unusable tag: detect instead
  }
  LanguageGuess guess = DetectParts(m.title, m.text);
  m.language = std::move(guess.code);
  m.language_confidence = guess.confidence;
}

}  // namespace ecoute::text
