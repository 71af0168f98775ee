#include "contacts/identifiers.h"

#include <phonenumbers/phonenumber.pb.h>
#include <phonenumbers/phonenumbermatch.h>
#include <phonenumbers/phonenumbermatcher.h>
#include <phonenumbers/phonenumberutil.h>
#include <utf8proc.h>

#include <algorithm>
#include <array>
#include <regex>
#include <set>
#include <unordered_set>
#include <utility>

#include "text/text.h"

namespace ecoute::contacts {
namespace {

using i18n::phonenumbers::PhoneNumber;
using i18n::phonenumbers::PhoneNumberMatch;
using i18n::phonenumbers::PhoneNumberMatcher;
using i18n::phonenumbers::PhoneNumberUtil;

constexpr std::array<std::string_view, 5> kTypeNames = {"email", "phone", "handle", "customer_number", "order_number"};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsDigit(c) || IsAsciiAlpha(c); }
bool IsHigh(char c) { return static_cast<unsigned char>(c) >= 0x80; }
char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }
char Upper(char c) { return (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c; }

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

// The value as quoted in an error message: at most 80 bytes.
std::string Quote(std::string_view raw) {
  std::string q = "\"";
  if (raw.size() > 80) {
    size_t cut = 80;
    while (cut > 0 && (static_cast<unsigned char>(raw[cut]) & 0xC0) == 0x80) --cut;
    q.append(raw.substr(0, cut));
    q += "...";
  } else {
    q.append(raw);
  }
  q += "\"";
  return q;
}

base::Status Bad(IdentifierType type, std::string_view raw, std::string_view why) {
  std::string m(IdentifierTypeName(type));
  m += ": ";
  m += Quote(raw);
  m += " ";
  m += why;
  return base::Status::InvalidArgument(std::move(m));
}

bool IsEmailLocalChar(char c) {
  if (IsHigh(c)) return true;
  if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return false;
  switch (c) {
    case '(':
    case ')':
    case '<':
    case '>':
    case '[':
    case ']':
    case ':':
    case ';':
    case ',':
    case '@':
    case '\\':
    case '"':
      return false;
    default:
      return true;
  }
}

base::Result<Identifier> NormalizeEmail(std::string_view raw) {
  const IdentifierType t = IdentifierType::kEmail;
  std::string_view s = Trim(raw);
  // "Jean Dupont <jean@example.fr>" keeps the address.
  if (!s.empty() && s.back() == '>') {
    size_t open = s.rfind('<');
    if (open != std::string_view::npos) s = Trim(s.substr(open + 1, s.size() - open - 2));
  }
  if (s.size() >= 7) {
    std::string head;
    for (char c : s.substr(0, 7)) head += Lower(c);
    if (head == "mailto:") s.remove_prefix(7);
  }
  if (s.empty()) return Bad(t, raw, "is empty");
  std::string v;
  v.reserve(s.size());
  for (char c : s) v += Lower(c);
  const size_t at = v.find('@');
  if (at == std::string::npos) return Bad(t, raw, "is not an e-mail address (no '@')");
  if (v.find('@', at + 1) != std::string::npos) return Bad(t, raw, "is not an e-mail address (more than one '@')");
  std::string_view local = std::string_view(v).substr(0, at);
  std::string_view domain = std::string_view(v).substr(at + 1);
  if (local.empty()) return Bad(t, raw, "is not an e-mail address (nothing before '@')");
  if (local.size() > 64) return Bad(t, raw, "is not an e-mail address (local part longer than 64 bytes)");
  for (char c : local)
    if (!IsEmailLocalChar(c)) return Bad(t, raw, "is not an e-mail address (bad character before '@')");
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string_view::npos)
    return Bad(t, raw, "is not an e-mail address (misplaced '.' before '@')");
  if (domain.empty()) return Bad(t, raw, "is not an e-mail address (nothing after '@')");
  if (domain.size() > 253) return Bad(t, raw, "is not an e-mail address (domain longer than 253 bytes)");
  if (domain.find('.') == std::string_view::npos) return Bad(t, raw, "is not an e-mail address (no '.' in the domain)");
  size_t labels = 0;
  std::string_view last;
  for (size_t start = 0; start <= domain.size();) {
    size_t dot = domain.find('.', start);
    if (dot == std::string_view::npos) dot = domain.size();
    std::string_view label = domain.substr(start, dot - start);
    if (label.empty() || label.size() > 63) return Bad(t, raw, "is not an e-mail address (empty or long domain label)");
    if (label.front() == '-' || label.back() == '-')
      return Bad(t, raw, "is not an e-mail address (domain label starts or ends with '-')");
    for (char c : label)
      if (!IsAsciiAlnum(c) && c != '-' && !IsHigh(c))
        return Bad(t, raw, "is not an e-mail address (bad character in the domain)");
    ++labels;
    last = label;
    start = dot + 1;
  }
  if (std::all_of(last.begin(), last.end(), IsDigit))
    return Bad(t, raw, "is not an e-mail address (numeric top-level domain)");
  (void)labels;
  return Identifier{IdentifierType::kEmail, "", std::move(v)};
}

std::string UpperRegion(std::string_view region) {
  std::string r;
  for (char c : Trim(region)) r += Upper(c);
  return r;
}

base::Result<Identifier> NormalizePhone(std::string_view raw, std::string_view default_region) {
  const IdentifierType t = IdentifierType::kPhone;
  std::string_view s = Trim(raw);
  if (s.empty()) return Bad(t, raw, "is empty");
  if (s.size() > 64) return Bad(t, raw, "is not a valid phone number (longer than 64 bytes)");
  const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
  PhoneNumber number;
  const std::string region = UpperRegion(default_region);
  if (util.Parse(std::string(s), region, &number) != PhoneNumberUtil::NO_PARSING_ERROR || !util.IsValidNumber(number))
    return Bad(t, raw, "is not a valid phone number");
  std::string e164;
  util.Format(number, PhoneNumberUtil::E164, &e164);
  return Identifier{IdentifierType::kPhone, "", std::move(e164)};
}

base::Result<Identifier> NormalizeHandle(std::string_view raw, std::string_view network) {
  const IdentifierType t = IdentifierType::kHandle;
  std::string net;
  for (char c : Trim(network)) net += Lower(c);
  if (net.empty()) return Bad(t, raw, "needs a network (e.g. \"twitter\")");
  if (net.size() > 32 ||
      !std::all_of(net.begin(), net.end(), [](char c) { return IsAsciiAlnum(c) || c == '_' || c == '-'; }))
    return base::Status::InvalidArgument("handle: network " + Quote(network) + " must be 1-32 of [a-z0-9_-]");
  std::string_view s = Trim(raw);
  if (!s.empty() && s.front() == '@') s.remove_prefix(1);
  if (s.empty()) return Bad(t, raw, "is empty");
  if (s.size() > 128) return Bad(t, raw, "is longer than 128 bytes");
  std::string v;
  v.reserve(s.size());
  for (char c : s) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return Bad(t, raw, "holds a space or control character");
    v += Lower(c);
  }
  if (!text::IsValidUtf8(v)) return Bad(t, raw, "is not valid UTF-8");
  return Identifier{IdentifierType::kHandle, std::move(net), std::move(v)};
}

base::Result<Identifier> NormalizeNumber(IdentifierType t, std::string_view raw) {
  std::string_view s = Trim(raw);
  if (s.empty()) return Bad(t, raw, "is empty");
  if (s.size() > 64) return Bad(t, raw, "is longer than 64 bytes");
  std::string v;
  v.reserve(s.size());
  for (char c : s) {
    char u = Upper(c);
    if (!IsAsciiAlnum(u) && u != '-') return Bad(t, raw, "may hold only letters, digits and '-'");
    v += u;
  }
  return Identifier{t, "", std::move(v)};
}

// ---- extraction ----

struct Span {
  size_t begin = 0;
  size_t end = 0;
};

bool Overlaps(const std::vector<Span>& claimed, size_t b, size_t e) {
  for (const Span& s : claimed)
    if (b < s.end && s.begin < e) return true;
  return false;
}

bool IsExtractLocalChar(char c) {
  return IsAsciiAlnum(c) || c == '.' || c == '_' || c == '%' || c == '+' || c == '-' || c == '\'';
}
bool IsExtractDomainChar(char c) { return IsAsciiAlnum(c) || c == '.' || c == '-'; }

// Characters that may separate the digits of one number ("06 12 34",
// "+33 (0)6", "4711-AB12" is two groups).
bool IsDigitSeparator(char c) {
  return c == ' ' || c == '.' || c == '-' || c == '/' || c == '(' || c == ')' || c == '+';
}

struct DigitGroup {
  size_t begin = 0;  // first digit
  size_t end = 0;    // after the last digit
  int digits = 0;
};

// Maximal runs of digits where consecutive digits are at most two
// separator characters apart.
std::vector<DigitGroup> DigitGroups(std::string_view t) {
  std::vector<DigitGroup> groups;
  size_t i = 0;
  while (i < t.size()) {
    if (!IsDigit(t[i])) {
      ++i;
      continue;
    }
    DigitGroup g{i, i, 0};
    size_t j = i;
    while (j < t.size()) {
      if (IsDigit(t[j])) {
        ++g.digits;
        g.end = ++j;
        continue;
      }
      size_t k = j;
      while (k < t.size() && k - j < 2 && IsDigitSeparator(t[k])) ++k;
      if (k < t.size() && k > j && IsDigit(t[k])) {
        j = k;
        continue;
      }
      break;
    }
    groups.push_back(g);
    i = g.end;
  }
  return groups;
}

bool IsWordByte(char c) { return IsAsciiAlnum(c) || IsHigh(c) || c == '_'; }

// Widens [b, e) to word boundaries (at most `slack` more bytes each side)
// and to UTF-8 character boundaries.
Span Widen(std::string_view t, size_t b, size_t e, size_t slack) {
  size_t lim = b > slack ? b - slack : 0;
  while (b > lim && IsWordByte(t[b - 1])) --b;
  while (b > 0 && (static_cast<unsigned char>(t[b]) & 0xC0) == 0x80) --b;
  lim = std::min(t.size(), e + slack);
  while (e < lim && IsWordByte(t[e])) ++e;
  while (e < t.size() && (static_cast<unsigned char>(t[e]) & 0xC0) == 0x80) ++e;
  return {b, e};
}

std::vector<Span> MergeSpans(std::vector<Span> spans) {
  std::vector<Span> out;
  for (const Span& s : spans) {
    if (!out.empty() && s.begin <= out.back().end) {
      out.back().end = std::max(out.back().end, s.end);
    } else {
      out.push_back(s);
    }
  }
  return out;
}

base::Status CompilePatterns(const std::vector<std::string>& patterns, std::string_view field,
                             std::vector<std::regex>& out) {
  for (size_t i = 0; i < patterns.size(); ++i) {
    const std::string where = std::string(field) + "[" + std::to_string(i) + "]";
    try {
      std::regex re(patterns[i], std::regex::ECMAScript | std::regex::icase | std::regex::optimize);
      if (re.mark_count() != 1)
        return base::Status::InvalidArgument(where + ": pattern " + Quote(patterns[i]) +
                                             " must have exactly one capture group, it has " +
                                             std::to_string(re.mark_count()));
      out.push_back(std::move(re));
    } catch (const std::regex_error& e) {
      return base::Status::InvalidArgument(where + ": pattern " + Quote(patterns[i]) +
                                           " does not compile: " + e.what());
    }
  }
  return base::Status::Ok();
}

}  // namespace

std::string_view IdentifierTypeName(IdentifierType t) { return kTypeNames[static_cast<size_t>(t)]; }

std::optional<IdentifierType> ParseIdentifierType(std::string_view name) {
  for (size_t i = 0; i < kTypeNames.size(); ++i)
    if (kTypeNames[i] == name) return static_cast<IdentifierType>(i);
  return std::nullopt;
}

std::string IdentifierKey(const Identifier& id) {
  std::string k(IdentifierTypeName(id.type));
  k += ':';
  if (!id.network.empty()) {
    k += id.network;
    k += ':';
  }
  k += id.value;
  return k;
}

base::Result<Identifier> NormalizeIdentifier(IdentifierType type, std::string_view raw, std::string_view network,
                                             std::string_view default_region) {
  switch (type) {
    case IdentifierType::kEmail:
      return NormalizeEmail(raw);
    case IdentifierType::kPhone:
      return NormalizePhone(raw, default_region);
    case IdentifierType::kHandle:
      return NormalizeHandle(raw, network);
    case IdentifierType::kCustomerNumber:
    case IdentifierType::kOrderNumber:
      return NormalizeNumber(type, raw);
  }
  return base::Status::InvalidArgument("identifier: unknown type");
}

std::optional<Identifier> IdentifierFromAuthor(const model::Mention& m, std::string_view default_region) {
  if (Trim(m.author.handle).empty()) return std::nullopt;
  base::Result<Identifier> r = base::Status::Internal("unset");
  switch (m.channel) {
    case model::Channel::kEmail:
      r = NormalizeIdentifier(IdentifierType::kEmail, m.author.handle, "", default_region);
      break;
    case model::Channel::kVoice:
    case model::Channel::kSms:
      r = NormalizeIdentifier(IdentifierType::kPhone, m.author.handle, "", default_region);
      break;
    default:
      r = NormalizeIdentifier(IdentifierType::kHandle, m.author.handle, model::ChannelName(m.channel), default_region);
      break;
  }
  if (!r.ok()) return std::nullopt;
  return std::move(r).value();
}

std::vector<std::string> DefaultOrderPatterns() {
  // The value: 6-20 of [A-Za-z0-9-], starting and ending with a letter or
  // digit, holding a digit (the lookahead), not followed by a word byte.
  return {
      R"((?:\b(?:commandes?|cdes?|cmde?|orders?|achat|purchase)|\bn°|\bno\.|\bnum(?:e|é)ro)(?:\s*(?:n°|no\.?|nr\.?|num(?:e|é)ro|number|de\s+commande|#))?\s*[:=]?\s*#?\s*(?=[A-Za-z-]*[0-9])([A-Za-z0-9][A-Za-z0-9-]{4,18}[A-Za-z0-9])(?![A-Za-z0-9_\x80-\xff]))",
      R"((?:^|[^A-Za-z0-9_&#])#([0-9][0-9-]{4,18}[0-9])(?![A-Za-z0-9_\x80-\xff]))",
  };
}

std::vector<std::string> DefaultCustomerPatterns() {
  return {
      R"(\b(?:n°\s*(?:de\s+)?client|num(?:e|é)ro\s+(?:de\s+)?client|r(?:e|é)f(?:e|é)rence\s+client|client|customer(?:\s+(?:number|no\.?|id|ref(?:erence)?|#))?|account(?:\s+(?:number|no\.?|id|#))?|compte(?:\s+client)?|abonn(?:e|é)|subscriber|membre|member(?:ship)?)(?:\s*(?:n°|no\.?|num(?:e|é)ro|number|id|#))?\s*[:=]?\s*#?\s*(?=[A-Za-z-]*[0-9])([A-Za-z0-9][A-Za-z0-9-]{4,18}[A-Za-z0-9])(?![A-Za-z0-9_\x80-\xff]))",
  };
}

struct Extractor::Patterns {
  std::vector<std::regex> order;
  std::vector<std::regex> customer;
};

base::Result<Extractor> Extractor::Create(ExtractOptions options) {
  Extractor x;
  auto patterns = std::make_shared<Patterns>();
  ECOUTE_RETURN_IF_ERROR(CompilePatterns(options.customer_patterns, "customer_patterns", patterns->customer));
  ECOUTE_RETURN_IF_ERROR(CompilePatterns(options.order_patterns, "order_patterns", patterns->order));
  x.patterns_ = std::move(patterns);
  options.default_region = UpperRegion(options.default_region);
  std::set<std::string> regions;
  PhoneNumberUtil::GetInstance()->GetSupportedRegions(&regions);
  if (regions.count(options.default_region) == 0)
    return base::Status::InvalidArgument("default_region: " + Quote(options.default_region) +
                                         " is not a region libphonenumber knows (ISO 3166-1 alpha-2, e.g. \"FR\")");
  x.options_ = std::move(options);
  return x;
}

std::vector<FoundIdentifier> Extractor::Extract(std::string_view text) const {
  std::string_view t = text.substr(0, std::min(text.size(), options_.max_bytes));
  std::vector<FoundIdentifier> found;
  std::vector<Span> claimed;

  // E-mail addresses: around each '@'.
  if (options_.emails) {
    size_t from = 0;
    while (from < t.size()) {
      size_t at = t.find('@', from);
      if (at == std::string_view::npos) break;
      size_t b = at;
      while (b > 0 && IsExtractLocalChar(t[b - 1])) --b;
      while (b < at && (t[b] == '.' || t[b] == '\'')) ++b;
      size_t e = at + 1;
      while (e < t.size() && IsExtractDomainChar(t[e])) ++e;
      while (e > at + 1 && (t[e - 1] == '.' || t[e - 1] == '-')) --e;
      from = at + 1;
      if (b == at || e == at + 1) continue;
      // Part of a longer token ("a@b.c@d"), or glued to a non-ASCII word.
      if ((b > 0 && (t[b - 1] == '@' || IsHigh(t[b - 1]))) || (e < t.size() && (t[e] == '@' || IsHigh(t[e])))) continue;
      auto id = NormalizeEmail(t.substr(b, e - b));
      if (!id.ok()) continue;
      found.push_back({std::move(id).value(), b, e - b, std::string(t.substr(b, e - b))});
      claimed.push_back({b, e});
      from = e;
    }
  }

  const std::vector<DigitGroup> groups = DigitGroups(t);
  if (!groups.empty() && (!patterns_->customer.empty() || !patterns_->order.empty())) {
    // A value holds a digit and has at most 20 bytes, its keyword comes
    // just before: 48 bytes before a group of digits and 24 after cover
    // both.
    std::vector<Span> windows;
    for (const DigitGroup& g : groups)
      windows.push_back(Widen(t, g.begin > 48 ? g.begin - 48 : 0, std::min(t.size(), g.end + 24), 24));
    windows = MergeSpans(std::move(windows));
    // Matches are tried where a word or a punctuation mark starts, not
    // inside words nor at spaces (std::regex_search would try every byte).
    std::vector<size_t> starts;
    for (const Span& w : windows) {
      for (size_t i = w.begin; i < w.end; ++i) {
        const char c = t[i];
        if (IsSpace(c)) continue;
        if (IsWordByte(c) && i > 0 && IsWordByte(t[i - 1])) continue;
        starts.push_back(i);
      }
    }
    auto run = [&](const std::vector<std::regex>& patterns, IdentifierType type) {
      for (const std::regex& re : patterns) {
        for (const Span& w : windows) {
          const char* we = t.data() + w.end;
          auto it = std::lower_bound(starts.begin(), starts.end(), w.begin);
          for (; it != starts.end() && *it < w.end; ++it) {
            const char* from = t.data() + *it;
            auto flags = std::regex_constants::match_continuous;
            if (*it > 0) flags |= std::regex_constants::match_prev_avail;
            std::cmatch match;
            if (!std::regex_search(from, we, match, re, flags)) continue;
            const auto& sub = match[1];
            // Continue after this match, as regex_iterator would.
            const size_t end = static_cast<size_t>(match[0].second - t.data());
            while (it + 1 != starts.end() && *(it + 1) < end) ++it;
            if (!sub.matched || sub.length() == 0) continue;
            std::string_view raw(sub.first, static_cast<size_t>(sub.length()));
            if (std::none_of(raw.begin(), raw.end(), IsDigit)) continue;
            const size_t off = static_cast<size_t>(sub.first - t.data());
            if (Overlaps(claimed, off, off + raw.size())) continue;
            auto id = NormalizeNumber(type, raw);
            if (!id.ok()) continue;
            found.push_back({std::move(id).value(), off, raw.size(), std::string(raw)});
            claimed.push_back({off, off + raw.size()});
          }
        }
      }
    };
    run(patterns_->customer, IdentifierType::kCustomerNumber);
    run(patterns_->order, IdentifierType::kOrderNumber);
  }

  if (options_.phones) {
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    std::vector<Span> windows;
    for (const DigitGroup& g : groups) {
      if (g.digits < 6) continue;
      windows.push_back(Widen(t, g.begin > 8 ? g.begin - 8 : 0, std::min(t.size(), g.end + 8), 16));
    }
    windows = MergeSpans(std::move(windows));
    for (const Span& w : windows) {
      std::string window(t.substr(w.begin, w.end - w.begin));
      if (!text::IsValidUtf8(window)) continue;
      PhoneNumberMatcher matcher(util, window, options_.default_region, PhoneNumberMatcher::VALID, 20);
      while (matcher.HasNext()) {
        PhoneNumberMatch match;
        if (!matcher.Next(&match)) break;
        if (match.start() < 0 || match.length() <= 0) continue;
        const size_t off = w.begin + static_cast<size_t>(match.start());
        const size_t len = static_cast<size_t>(match.length());
        if (off + len > t.size() || Overlaps(claimed, off, off + len)) continue;
        std::string e164;
        util.Format(match.number(), PhoneNumberUtil::E164, &e164);
        found.push_back(
            {Identifier{IdentifierType::kPhone, "", std::move(e164)}, off, len, std::string(t.substr(off, len))});
        claimed.push_back({off, off + len});
      }
    }
  }

  std::stable_sort(found.begin(), found.end(),
                   [](const FoundIdentifier& a, const FoundIdentifier& b) { return a.offset < b.offset; });
  std::vector<FoundIdentifier> unique;
  std::unordered_set<std::string> seen;
  for (FoundIdentifier& f : found)
    if (seen.insert(IdentifierKey(f.identifier)).second) unique.push_back(std::move(f));
  return unique;
}

base::Result<std::vector<FoundIdentifier>> ExtractIdentifiers(std::string_view text, const ExtractOptions& options) {
  ECOUTE_ASSIGN_OR_RETURN(Extractor x, Extractor::Create(options));
  return x.Extract(text);
}

std::string NameKey(std::string_view display_name) {
  if (display_name.find('@') != std::string_view::npos) return "";
  const std::string folded = text::Fold(display_name);  // always valid UTF-8
  std::string key;
  int words = 0;
  int letters = 0;
  bool in_word = false;
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(folded.data());
  for (size_t i = 0; i < folded.size();) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t len = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(folded.size() - i), &cp);
    if (len <= 0) {
      ++i;
      in_word = false;
      continue;
    }
    const utf8proc_category_t cat = utf8proc_category(cp);
    const bool letter = cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
    const bool mark = cat >= UTF8PROC_CATEGORY_MN && cat <= UTF8PROC_CATEGORY_ME;
    const bool digit = cat == UTF8PROC_CATEGORY_ND;
    if (letter || digit || (mark && in_word)) {
      if (!in_word) {
        if (!key.empty()) key += ' ';
        ++words;
        in_word = true;
      }
      key.append(folded, i, static_cast<size_t>(len));
      if (letter) ++letters;
    } else {
      in_word = false;
    }
    i += static_cast<size_t>(len);
  }
  if (letters == 0 || (words < 2 && letters < 6)) return "";
  return key;
}

}  // namespace ecoute::contacts
