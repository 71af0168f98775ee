#include "demo/content.h"

#include <algorithm>
#include <map>
#include <string>

#include "base/check.h"
#include "model/mention.h"

namespace ecoute::demo::internal {
namespace {

constexpr std::array<std::string_view, kIntentCount> kIntentNames = {
    "complaint", "question", "praise", "chatter", "news", "noise", "reply"};
constexpr std::array<std::string_view, kCategoryCount + 1> kCategoryNames = {
    "delivery", "returns_refunds", "customer_service", "product", "billing",
    "cancellation", "account_technical", "none", "inherit"};
constexpr std::array<std::string_view, 5> kSeverityNames = {"none", "low", "medium", "high", "critical"};
constexpr std::array<std::string_view, 3> kSentimentNames = {"negative", "neutral", "positive"};

struct SlotName {
  std::string_view name;
  Slot slot;
};
constexpr SlotName kSlotNames[] = {
    {"brand", Slot::kBrand},       {"Brand", Slot::kBrandCanon},   {"handle", Slot::kHandle},
    {"care", Slot::kCareHandle},   {"competitor", Slot::kCompetitor}, {"ref", Slot::kRef},
    {"amount", Slot::kAmount},     {"amount2", Slot::kAmount2},    {"bigamount", Slot::kBigAmount},
    {"days", Slot::kDays},         {"hours", Slot::kHours},        {"n", Slot::kN},
    {"years", Slot::kYears},       {"duration", Slot::kDuration},  {"wait", Slot::kWait},
    {"city", Slot::kCity},         {"date", Slot::kDate},          {"fdate", Slot::kFutureDate},
    {"time", Slot::kTime},         {"agent", Slot::kAgent},        {"agent_e", Slot::kAgentE},
    {"first", Slot::kFirst},       {"last", Slot::kLast},          {"name", Slot::kName},
    {"e", Slot::kE},               {"ae", Slot::kAE},              {"fem", Slot::kFem},
    {"masc", Slot::kMasc},         {"flight", Slot::kFlight},      {"route", Slot::kRoute},
    {"count", Slot::kCount},       {"percent", Slot::kPercent},    {"quarter", Slot::kQuarter},
    {"url", Slot::kUrl},           {"spamurl", Slot::kSpamUrl},  {"dm", Slot::kDm},
};

[[noreturn]] void Fail(int line, std::string_view what, std::string_view text) {
  std::string msg = "demo content line " + std::to_string(line) + ": " + std::string(what) + ": " +
                    std::string(text.substr(0, 120));
  base::CheckFailed(__FILE__, __LINE__, "demo content is well-formed", msg);
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

std::vector<std::string_view> Split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  size_t start = 0;
  for (size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      std::string_view piece = Trim(s.substr(start, i - start));
      if (!piece.empty()) out.push_back(piece);
      start = i + 1;
    }
  }
  return out;
}

uint8_t BrandMask(std::string_view list, int line) {
  static const std::map<std::string_view, uint8_t> kMasks = {
      {"all", 0x3F},
      {"telecom", (1 << kTelemax) | (1 << kOndine)},
      {"parcel", 1 << kColibri},
      {"retail", 1 << kMaisonVerte},
      {"bank", 1 << kAurore},
      {"airline", 1 << kAeroLune},
      {"telemax", 1 << kTelemax},
      {"ondine", 1 << kOndine},
      {"colibri", 1 << kColibri},
      {"maisonverte", 1 << kMaisonVerte},
      {"aurore", 1 << kAurore},
      {"aerolune", 1 << kAeroLune},
  };
  uint8_t mask = 0;
  for (std::string_view t : Split(list, ',')) {
    auto it = kMasks.find(t);
    if (it == kMasks.end()) Fail(line, "unknown sector or brand", t);
    mask |= it->second;
  }
  return mask;
}

template <size_t N>
int IndexOf(const std::array<std::string_view, N>& names, std::string_view v, int line, std::string_view what) {
  for (size_t i = 0; i < N; ++i)
    if (names[i] == v) return static_cast<int>(i);
  Fail(line, what, v);
}

uint16_t ChannelMask(std::string_view list, int line) {
  if (list == "all") return 0xFFFF;
  uint16_t mask = 0;
  for (std::string_view t : Split(list, ',')) {
    auto c = model::ParseChannel(t);
    if (!c) Fail(line, "unknown channel", t);
    mask |= static_cast<uint16_t>(1u << static_cast<unsigned>(*c));
  }
  return mask;
}

class Compiler {
 public:
  explicit Compiler(Content& c) : c_(c) {}

  void Run(const std::vector<std::string_view>& sources) {
    // Pass 1: part names, so that templates may refer to parts defined later.
    for (std::string_view src : sources) {
      for (std::string_view raw : Lines(src)) {
        std::string_view l = Trim(raw);
        if (l.starts_with("@part ")) {
          std::vector<std::string_view> words = Split(l, ' ');
          if (words.size() < 2) Fail(0, "part without a name", l);
          if (c_.FindPart(words[1]) < 0) {
            c_.parts.emplace_back();
            c_.parts.back().name = std::string(words[1]);
          }
        }
      }
    }
    // Pass 2: blocks.
    line_ = 0;
    for (std::string_view src : sources) {
      for (std::string_view raw : Lines(src)) {
        ++line_;
        std::string_view l = Trim(raw);
        if (l.empty() || l[0] == '#') continue;
        if (l[0] == '@') {
          Header(l);
        } else if (l.starts_with("fr:") || l.starts_with("en:")) {
          Lang lang = l[0] == 'f' ? Lang::kFr : Lang::kEn;
          AddTemplate(lang, Trim(l.substr(3)));
        } else {
          Fail(line_, "expected a header (@...) or a template (fr:/en:)", l);
        }
      }
    }
  }

 private:
  enum class BlockKind { kNone, kScenario, kCue, kPart };

  static std::vector<std::string_view> Lines(std::string_view s) {
    std::vector<std::string_view> out;
    size_t start = 0;
    for (size_t i = 0; i <= s.size(); ++i) {
      if (i == s.size() || s[i] == '\n') {
        out.push_back(s.substr(start, i - start));
        start = i + 1;
      }
    }
    return out;
  }

  void Header(std::string_view l) {
    std::vector<std::string_view> words = Split(l, ' ');
    if (words.size() < 2) Fail(line_, "header without a name", l);
    std::string_view kind = words[0];
    std::map<std::string_view, std::string_view> kv;
    for (size_t i = 2; i < words.size(); ++i) {
      size_t eq = words[i].find('=');
      if (eq == std::string_view::npos) Fail(line_, "expected key=value", words[i]);
      kv[words[i].substr(0, eq)] = words[i].substr(eq + 1);
    }
    auto take = [&](std::string_view key) -> std::string_view {
      auto it = kv.find(key);
      if (it == kv.end()) return {};
      std::string_view v = it->second;
      kv.erase(it);
      return v;
    };
    if (kind == "@scenario") {
      block_ = BlockKind::kScenario;
      c_.scenarios.emplace_back();
      Scenario& s = c_.scenarios.back();
      s.id = std::string(words[1]);
      if (c_.FindScenario(s.id) != static_cast<int>(c_.scenarios.size()) - 1)
        Fail(line_, "duplicate scenario id", s.id);
      std::string_view v;
      if (!(v = take("intent")).empty())
        s.intent = static_cast<Intent>(IndexOf(kIntentNames, v, line_, "unknown intent"));
      else
        Fail(line_, "scenario without intent=", l);
      if (!(v = take("cat")).empty())
        s.category = static_cast<Category>(IndexOf(kCategoryNames, v, line_, "unknown category"));
      if (!(v = take("sev")).empty())
        s.severity = static_cast<Severity>(IndexOf(kSeverityNames, v, line_, "unknown severity"));
      if (!(v = take("sent")).empty()) {
        if (v == "neg") s.sentiment = Sentiment::kNegative;
        else if (v == "neu") s.sentiment = Sentiment::kNeutral;
        else if (v == "pos") s.sentiment = Sentiment::kPositive;
        else Fail(line_, "sent= must be neg|neu|pos", v);
      }
      if (!(v = take("reply")).empty()) s.needs_reply = YesNo(v);
      if (!(v = take("cues")).empty()) s.cues = YesNo(v);
      if (!(v = take("w")).empty()) s.weight = Number(v);
      if (!(v = take("for")).empty()) s.brand_mask = BrandMask(v, line_);
      if (!(v = take("ch")).empty()) s.channel_mask = ChannelMask(v, line_);
      if (!(v = take("role")).empty()) {
        static constexpr std::array<std::string_view, 5> kRoles = {"fresh", "brand", "followup", "peer", "quote"};
        s.role = static_cast<Role>(IndexOf(kRoles, v, line_, "unknown role"));
      }
      if (!(v = take("parent")).empty()) {
        s.parent_intents = 0;
        for (std::string_view t : Split(v, ','))
          s.parent_intents |= static_cast<uint8_t>(1u << IndexOf(kIntentNames, t, line_, "unknown intent"));
      }
      if (!(v = take("pcat")).empty()) {
        s.parent_categories = 0;
        for (std::string_view t : Split(v, ','))
          s.parent_categories |=
              static_cast<uint16_t>(1u << IndexOf(kCategoryNames, t, line_, "unknown category"));
      }
      if (!(v = take("author")).empty()) {
        static constexpr std::array<std::string_view, 3> kAuthors = {"person", "brand", "outlet"};
        s.author = static_cast<AuthorKind>(IndexOf(kAuthors, v, line_, "unknown author kind"));
      }
    } else if (kind == "@cue") {
      block_ = BlockKind::kCue;
      c_.cues.emplace_back();
      Cue& cue = c_.cues.back();
      cue.id = std::string(words[1]);
      std::string_view v;
      if (!(v = take("sev")).empty())
        cue.severity = static_cast<Severity>(IndexOf(kSeverityNames, v, line_, "unknown severity"));
      if (!(v = take("w")).empty()) cue.weight = Number(v);
      if (!(v = take("for")).empty()) cue.brand_mask = BrandMask(v, line_);
      if (!(v = take("cats")).empty() && v != "all") {
        cue.categories = 0;
        for (std::string_view t : Split(v, ','))
          cue.categories |= static_cast<uint16_t>(1u << IndexOf(kCategoryNames, t, line_, "unknown category"));
      }
    } else if (kind == "@part") {
      block_ = BlockKind::kPart;
      part_ = static_cast<uint32_t>(c_.FindPart(words[1]));
      part_mask_ = 0x3F;
      std::string_view v;
      if (!(v = take("for")).empty()) part_mask_ = BrandMask(v, line_);
    } else {
      Fail(line_, "unknown header", kind);
    }
    if (!kv.empty()) Fail(line_, "unknown key", kv.begin()->first);
  }

  bool YesNo(std::string_view v) {
    if (v == "yes") return true;
    if (v == "no") return false;
    Fail(line_, "expected yes|no", v);
  }

  uint32_t Number(std::string_view v) {
    uint32_t n = 0;
    if (v.empty() || v.size() > 6) Fail(line_, "bad number", v);
    for (char ch : v) {
      if (ch < '0' || ch > '9') Fail(line_, "bad number", v);
      n = n * 10 + static_cast<uint32_t>(ch - '0');
    }
    return n;
  }

  void AddTemplate(Lang lang, std::string_view text) {
    if (text.empty()) Fail(line_, "empty template", text);
    Template t;
    // Split "title||body" at top level.
    int depth = 0;
    size_t split = std::string_view::npos;
    for (size_t i = 0; i + 1 < text.size(); ++i) {
      if (text[i] == '\\') { ++i; continue; }
      if (text[i] == '[') ++depth;
      if (text[i] == ']') --depth;
      if (depth == 0 && text[i] == '|' && text[i + 1] == '|') { split = i; break; }
    }
    if (split != std::string_view::npos) {
      t.title = Compile(Trim(text.substr(0, split)));
      t.body = Compile(Trim(text.substr(split + 2)));
    } else {
      t.body = Compile(text);
    }
    const size_t l = static_cast<size_t>(lang);
    switch (block_) {
      case BlockKind::kScenario:
        c_.scenarios.back().templates[l].push_back(t);
        break;
      case BlockKind::kCue:
        c_.cues.back().templates[l].push_back(t);
        break;
      case BlockKind::kPart:
        t.brand_mask = part_mask_;
        for (int b = 0; b < kBrandCount; ++b)
          if (part_mask_ & (1u << b)) c_.parts[part_].by_brand[l][static_cast<size_t>(b)].push_back(t);
        break;
      case BlockKind::kNone:
        Fail(line_, "template outside a block", text);
    }
  }

  Seq Compile(std::string_view text) {
    size_t pos = 0;
    std::vector<Node> nodes = ParseSeq(text, pos, false);
    if (pos != text.size()) Fail(line_, "unbalanced ] or stray |", text);
    return Append(nodes);
  }

  Seq Append(const std::vector<Node>& nodes) {
    Seq s;
    s.begin = static_cast<uint32_t>(c_.nodes.size());
    c_.nodes.insert(c_.nodes.end(), nodes.begin(), nodes.end());
    s.end = static_cast<uint32_t>(c_.nodes.size());
    return s;
  }

  std::vector<Node> ParseSeq(std::string_view s, size_t& pos, bool inside) {
    std::vector<Node> out;
    std::string lit;
    auto flush = [&] {
      if (lit.empty()) return;
      Node n;
      n.kind = Node::Kind::kText;
      n.a = static_cast<uint32_t>(c_.pool.size());
      n.b = static_cast<uint32_t>(lit.size());
      c_.pool += lit;
      out.push_back(n);
      lit.clear();
    };
    while (pos < s.size()) {
      char ch = s[pos];
      if (ch == ']' || ch == '|') {
        if (!inside) Fail(line_, "] or | outside [...]", s);
        break;
      }
      if (ch == '\\') {
        if (pos + 1 >= s.size()) Fail(line_, "trailing backslash", s);
        lit += s[pos + 1] == 'n' ? '\n' : s[pos + 1];
        pos += 2;
        continue;
      }
      if (ch == '[') {
        flush();
        ++pos;
        std::vector<Seq> alts;
        while (true) {
          std::vector<Node> alt = ParseSeq(s, pos, true);
          alts.push_back(Append(alt));
          if (pos >= s.size()) Fail(line_, "unclosed [", s);
          if (s[pos] == '|') { ++pos; continue; }
          ++pos;  // ']'
          break;
        }
        Node n;
        n.kind = Node::Kind::kChoice;
        n.a = static_cast<uint32_t>(c_.alternatives.size());
        n.b = static_cast<uint32_t>(alts.size());
        c_.alternatives.insert(c_.alternatives.end(), alts.begin(), alts.end());
        out.push_back(n);
        continue;
      }
      if (ch == '{') {
        flush();
        size_t close = s.find('}', pos);
        if (close == std::string_view::npos) Fail(line_, "unclosed {", s);
        std::string_view name = s.substr(pos + 1, close - pos - 1);
        pos = close + 1;
        Node n;
        if (!name.empty() && name[0] == '^') {
          n.capitalize = true;
          name.remove_prefix(1);
        } else if (!name.empty() && name[0] == '_') {
          n.lowercase = true;
          name.remove_prefix(1);
        }
        if (!name.empty() && name[0] == '@') {
          name.remove_prefix(1);
          int p = c_.FindPart(name);
          if (p < 0) Fail(line_, "unknown part", name);
          n.kind = Node::Kind::kPart;
          n.a = static_cast<uint32_t>(p);
        } else {
          n.kind = Node::Kind::kSlot;
          bool found = false;
          for (const SlotName& sn : kSlotNames) {
            if (sn.name == name) {
              n.slot = sn.slot;
              found = true;
              break;
            }
          }
          if (!found) {
            // {item} is short for {@item} when no slot has that name.
            int p = c_.FindPart(name);
            if (p < 0) Fail(line_, "unknown slot or part", name);
            n.kind = Node::Kind::kPart;
            n.a = static_cast<uint32_t>(p);
          }
        }
        out.push_back(n);
        continue;
      }
      if (ch == '}') Fail(line_, "stray }", s);
      lit += ch;
      ++pos;
    }
    flush();
    return out;
  }

  Content& c_;
  int line_ = 0;
  BlockKind block_ = BlockKind::kNone;
  uint32_t part_ = 0;
  uint8_t part_mask_ = 0x3F;
};

}  // namespace

std::string_view IntentName(Intent i) { return kIntentNames[static_cast<size_t>(i)]; }
std::string_view CategoryName(Category c) { return kCategoryNames[static_cast<size_t>(c)]; }
std::string_view SeverityName(Severity s) { return kSeverityNames[static_cast<size_t>(s)]; }
std::string_view SentimentName(Sentiment s) { return kSentimentNames[static_cast<size_t>(s)]; }

int Content::FindPart(std::string_view name) const {
  for (size_t i = 0; i < parts.size(); ++i)
    if (parts[i].name == name) return static_cast<int>(i);
  return -1;
}

uint32_t Content::PartIndex(std::string_view name) const {
  int i = FindPart(name);
  ECOUTE_CHECK_MSG(i >= 0, "demo content has no part named " + std::string(name));
  return static_cast<uint32_t>(i);
}

int Content::FindScenario(std::string_view id) const {
  for (size_t i = 0; i < scenarios.size(); ++i)
    if (scenarios[i].id == id) return static_cast<int>(i);
  return -1;
}

Content CompileContent(const std::vector<std::string_view>& sources) {
  Content c;
  Compiler(c).Run(sources);
  return c;
}

const Content& GetContent() {
  static const Content kContent = CompileContent(ContentSources());
  return kContent;
}

}  // namespace ecoute::demo::internal
