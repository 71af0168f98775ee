#include "demo/text_style.h"

#include <array>
#include <vector>

namespace ecoute::demo::internal {
namespace {

// ASCII folding of U+00C0..U+00FF.
constexpr std::array<std::string_view, 64> kLatin1Fold = {
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "ss",
    "a", "a", "a", "a", "a", "a", "ae", "c", "e", "e", "e", "e", "i", "i", "i", "i",
    "d", "n", "o", "o", "o", "o", "o", "",  "o", "u", "u", "u", "u", "y", "th", "y"};

bool IsWordByte(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '\'' ||
         c >= 0x80;
}

bool IsAsciiLetter(unsigned char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }

struct Replacement {
  std::string_view from, to;
};

// Order matters: longer phrases first.
constexpr Replacement kFrAbbrev[] = {
    {"s'il vous plaît", "svp"}, {"S'il vous plaît", "Svp"}, {"J'en peux plus", "Jpp"},
    {"j'en peux plus", "jpp"},  {"je ne sais pas", "jsp"},  {"Je ne sais pas", "Jsp"},  {"Ce n'est", "C'est"},
    {"ce n'est", "c'est"},      {"Il n'y a", "Y a"},         {"il n'y a", "y a"},
    {"Je n'ai", "J'ai"},        {"je n'ai", "j'ai"},         {"Je ne peux", "Je peux"},
    {"je ne peux", "je peux"},  {"ne fonctionne", "fonctionne"}, {"ne marche", "marche"},
    {"ne répond", "répond"},    {"n'arrive", "arrive"},      {"n'est pas", "est pas"},
    {"pourquoi", "pk"},         {"Pourquoi", "Pk"},          {"aujourd'hui", "ajd"},
    {"beaucoup", "bcp"},        {"quelqu'un", "qqn"},        {"Quelqu'un", "Qqn"},
    {"rendez-vous", "rdv"},     {"Rendez-vous", "Rdv"},      {"message privé", "mp"},
    {"Je suis", "Jsuis"},       {"je suis", "jsuis"},        {"c'est", "c"},
    {"vraiment", "vrmt"},       {"toujours", "tjrs"},        {"Toujours", "Tjrs"},
    {"quand même", "qd même"},  {"n'importe quoi", "nimp"},  {"N'importe quoi", "Nimp"},
    {"Bonjour", "Bjr"},         {"merci", "mrc"},            {"d'accord", "dac"},
    {"D'accord", "Dac"},        {"tout de suite", "tt de suite"}, {"Sérieusement", "Sérieux"},
    {"parce que", "pcq"},       {"téléphone", "tel"},        {"problème", "pb"},
};
constexpr Replacement kEnAbbrev[] = {
    {"I don't know", "idk"}, {"to be honest", "tbh"},     {"direct message", "DM"},
    {"going to", "gonna"},   {"want to", "wanna"},        {"please", "pls"},
    {"Please", "Pls"},       {"thanks", "thx"},           {"Thanks", "Thx"},
    {"because", "bc"},       {"seriously", "srsly"},      {"Seriously", "Srsly"},
    {"people", "ppl"},       {"tomorrow", "tmrw"},        {"minutes", "mins"},
    {"you", "u"},            {"your", "ur"},              {"Ridiculous", "Ridic"},
    {"customer service", "customer svc"},                 {"about", "abt"},
    {"with", "w/"},          {"message", "msg"},          {"problem", "prob"},
};
constexpr Replacement kFrElong[] = {
    {"nul", "nuuul"},     {"trop", "troooop"},     {"merci", "merciii"},     {"vraiment", "vraaaiment"},
    {"toujours", "toujouuurs"}, {"rien", "riiien"}, {"jamais", "jamaiiis"}, {"Sérieux", "Sérieuuux"},
    {"génial", "géniaaal"}, {"honte", "hooonte"}, {"super", "supeeer"},     {"marre", "maaarre"},
};
constexpr Replacement kEnElong[] = {
    {"so", "sooo"},         {"please", "pleeease"}, {"nothing", "nothiiing"}, {"never", "neverrr"},
    {"still", "stiiill"},   {"thanks", "thaaanks"}, {"seriously", "seriouslyyy"}, {"love", "loooove"},
    {"joke", "jooooke"},    {"fed up", "fed uuup"}, {"great", "greeeat"},       {"Still", "Stiiill"},
};

// Byte offset of the next whole-word occurrence of `w` at or after `from`.
size_t FindWord(const std::string& s, std::string_view w, size_t from) {
  while (true) {
    size_t p = s.find(w, from);
    if (p == std::string::npos) return p;
    bool left_ok = p == 0 || !IsWordByte(static_cast<unsigned char>(s[p - 1]));
    size_t e = p + w.size();
    bool right_ok = e >= s.size() || !IsWordByte(static_cast<unsigned char>(s[e]));
    if (left_ok && right_ok) return p;
    from = p + 1;
  }
}

// Dictionary entries grouped by first byte.
struct DictIndex {
  const Replacement* dict = nullptr;
  std::array<uint8_t, 256> begin{}, count{};
  std::vector<uint8_t> order;
};

DictIndex BuildIndex(const Replacement* dict, size_t n) {
  DictIndex x;
  x.dict = dict;
  for (int c = 0; c < 256; ++c) {
    x.begin[static_cast<size_t>(c)] = static_cast<uint8_t>(x.order.size());
    for (size_t i = 0; i < n; ++i)
      if (static_cast<unsigned char>(dict[i].from[0]) == c) x.order.push_back(static_cast<uint8_t>(i));
    x.count[static_cast<size_t>(c)] = static_cast<uint8_t>(x.order.size() - x.begin[static_cast<size_t>(c)]);
  }
  return x;
}

// One pass over the text: at each word start, the entries starting with that
// byte are tried; each match is replaced with probability per_mille / 1000.
void ApplyAll(std::string& s, const DictIndex& x, Rng& rng, uint32_t per_mille) {
  std::string out;
  size_t copied = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (i > 0 && IsWordByte(static_cast<unsigned char>(s[i - 1]))) continue;
    const unsigned char c = static_cast<unsigned char>(s[i]);
    for (size_t k = x.begin[c], e = k + x.count[c]; k < e; ++k) {
      const Replacement& r = x.dict[x.order[k]];
      const size_t end = i + r.from.size();
      if (s.compare(i, r.from.size(), r.from) != 0) continue;
      if (end < s.size() && IsWordByte(static_cast<unsigned char>(s[end]))) continue;
      if (!rng.Chance(per_mille)) break;
      if (out.empty()) out.reserve(s.size());
      out.append(s, copied, i - copied);
      out += r.to;
      copied = end;
      i = end - 1;
      break;
    }
  }
  if (copied == 0) return;
  out.append(s, copied, std::string::npos);
  s.swap(out);
}

}  // namespace

void CapitalizeAt(std::string& s, size_t at) {
  if (at >= s.size()) return;
  unsigned char c = static_cast<unsigned char>(s[at]);
  if (c >= 'a' && c <= 'z') {
    s[at] = static_cast<char>(c - 32);
  } else if (c == 0xC3 && at + 1 < s.size()) {
    unsigned char d = static_cast<unsigned char>(s[at + 1]);
    if (d >= 0xA0 && d <= 0xBE && d != 0xB7) s[at + 1] = static_cast<char>(d - 0x20);
  } else if (c == 0xC5 && at + 1 < s.size() && static_cast<unsigned char>(s[at + 1]) == 0x93) {
    s[at + 1] = static_cast<char>(0x92);
  }
}

void LowercaseAt(std::string& s, size_t at) {
  if (at >= s.size()) return;
  unsigned char c = static_cast<unsigned char>(s[at]);
  if (c >= 'A' && c <= 'Z') {
    s[at] = static_cast<char>(c + 32);
  } else if (c == 0xC3 && at + 1 < s.size()) {
    unsigned char d = static_cast<unsigned char>(s[at + 1]);
    if (d >= 0x80 && d <= 0x9E && d != 0x97) s[at + 1] = static_cast<char>(d + 0x20);
  } else if (c == 0xC5 && at + 1 < s.size() && static_cast<unsigned char>(s[at + 1]) == 0x92) {
    s[at + 1] = static_cast<char>(0x93);
  }
}

void UppercaseText(std::string& s) {
  size_t i = 0;
  while (i < s.size()) {
    if (s.compare(i, 4, "http") == 0) {
      while (i < s.size() && s[i] != ' ' && s[i] != '\n') ++i;
      continue;
    }
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      CapitalizeAt(s, i);
      ++i;
    } else if (c == 0xC3 || c == 0xC5) {
      CapitalizeAt(s, i);
      i += 2;
    } else {
      ++i;  // continuation or other lead byte: left as is
    }
  }
}

std::string AsciiLower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c >= 'A' && c <= 'Z') out += static_cast<char>(c + 32);
      else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) out += static_cast<char>(c);
    } else if (c == 0xC3 && i + 1 < s.size()) {
      unsigned char d = static_cast<unsigned char>(s[i + 1]);
      if (d >= 0x80 && d <= 0xBF) out += kLatin1Fold[d - 0x80];
      ++i;
    } else if (c == 0xC5 && i + 1 < s.size() &&
               (static_cast<unsigned char>(s[i + 1]) == 0x92 || static_cast<unsigned char>(s[i + 1]) == 0x93)) {
      out += "oe";
      ++i;
    }
  }
  return out;
}

std::string Slugify(std::string_view s, size_t max_len) {
  std::string out;
  bool dash = false;
  size_t i = 0;
  while (i < s.size() && out.size() < max_len) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    std::string folded = AsciiLower(s.substr(i, len));
    i += len;
    if (folded.empty()) {
      dash = !out.empty();
      continue;
    }
    if (dash) out += '-';
    dash = false;
    out += folded;
  }
  if (out.size() > max_len) out.resize(max_len);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out;
}

size_t Utf8Length(std::string_view s) {
  size_t n = 0;
  for (char ch : s)
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  return n;
}

void TruncateUtf8(std::string& s, size_t max_cp) {
  if (max_cp < 2 || Utf8Length(s) <= max_cp) return;
  // Byte offset where code point number (max_cp - 1) starts.
  size_t cp = 0, cut = s.size();
  for (size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) {
      if (cp == max_cp - 1) {
        cut = i;
        break;
      }
      ++cp;
    }
  }
  size_t space = s.rfind(' ', cut);
  if (space != std::string::npos && space + 40 > cut && space > 0) cut = space;
  s.resize(cut);
  while (!s.empty() && (s.back() == ' ' || s.back() == ',' || s.back() == '\n')) s.pop_back();
  s += "…";
}

void Tidy(std::string& s) {
  size_t w = 0;
  for (size_t r = 0; r < s.size(); ++r) {
    const char c = s[r];
    if (c == ' ') {
      if (w == 0 || s[w - 1] == ' ' || s[w - 1] == '\n') continue;  // leading or repeated
    } else if (c == ',' || c == '.' || c == '\n') {
      while (w > 0 && s[w - 1] == ' ') --w;  // no space before these
    }
    s[w++] = c;
  }
  while (w > 0 && (s[w - 1] == ' ' || s[w - 1] == '\n')) --w;
  s.resize(w);
}

void Abbreviate(std::string& s, Lang lang, Rng& rng, uint32_t per_mille) {
  static const DictIndex kFr = BuildIndex(kFrAbbrev, std::size(kFrAbbrev));
  static const DictIndex kEn = BuildIndex(kEnAbbrev, std::size(kEnAbbrev));
  ApplyAll(s, lang == Lang::kFr ? kFr : kEn, rng, per_mille);
}

void AddTypo(std::string& s, Rng& rng) {
  if (s.size() < 6) return;
  size_t start = rng.Below(static_cast<uint32_t>(s.size()));
  for (int pass = 0; pass < 2; ++pass) {
    size_t i = pass == 0 ? start : 0;
    size_t end = pass == 0 ? s.size() : start;
    while (i < end) {
      // Find a run of ASCII letters that is a whole word outside URLs and handles.
      if (!IsAsciiLetter(static_cast<unsigned char>(s[i]))) {
        ++i;
        continue;
      }
      size_t b = i;
      while (i < s.size() && IsAsciiLetter(static_cast<unsigned char>(s[i]))) ++i;
      size_t len = i - b;
      bool whole = (b == 0 || s[b - 1] == ' ') &&
                   (i >= s.size() || s[i] == ' ' || s[i] == ',' || s[i] == '.' || s[i] == '!' || s[i] == '?');
      if (!whole || len < 5) continue;
      size_t k = b + 1 + rng.Below(static_cast<uint32_t>(len - 2));  // 1..len-2
      switch (rng.Below(3)) {
        case 0: std::swap(s[k], s[k + 1]); break;
        case 1: s.erase(k, 1); break;
        default: s.insert(k, 1, s[k]); break;
      }
      return;
    }
  }
}

bool Elongate(std::string& s, Lang lang, Rng& rng) {
  const Replacement* dict = lang == Lang::kFr ? kFrElong : kEnElong;
  const size_t n = lang == Lang::kFr ? std::size(kFrElong) : std::size(kEnElong);
  size_t first = rng.Below(static_cast<uint32_t>(n));
  for (size_t k = 0; k < n; ++k) {
    const Replacement& r = dict[(first + k) % n];
    size_t p = FindWord(s, r.from, 0);
    if (p != std::string::npos) {
      s.replace(p, r.from.size(), r.to);
      return true;
    }
  }
  return false;
}

void Exclaim(std::string& s) {
  size_t e = s.size();
  while (e > 0 && s[e - 1] == ' ') --e;
  if (e == 0) return;
  char last = s[e - 1];
  if (last == '.' || last == '!') {
    s.replace(e - 1, 1, "!!!");
  } else if (last == '?') {
    s.replace(e - 1, 1, "?!");
  } else if (IsAsciiLetter(static_cast<unsigned char>(last))) {
    s.insert(e, "!!!");
  }
}

}  // namespace ecoute::demo::internal
