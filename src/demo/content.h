// Internal to the demo module: the text content (scenarios, severity cues,
// reusable parts) compiled from the small template language in
// content_data.cc.
//
// Template language, one template per line:
//   fr: J'attends [toujours|encore] {item} depuis {days} jours.
//   en: Still waiting for {item}, [ordered|promised] {days} days ago.
// [a|b|]      one alternative, chosen uniformly (may nest, may be empty)
// {slot}      a value filled by the generator (brand, amount, date...)
// {^slot}     the same, first letter capitalised ({_slot}: lower-cased); {@part} / {^@part}
//             inserts one template of the named part ({part} works too when
//             no slot has that name)
// title||body a title and a body (news, e-mail noise, blog posts)
// \n          a line break
// Blocks start with a header line:
//   @scenario <id> key=value...   labelled message content
//   @cue <id> key=value...        a severity cue appended to a complaint
//   @part <name> [for=...]        reusable text (vocabulary, wrappers)
// Keys: intent, cat, sev, sent, reply (yes|no), w (weight), for (sectors or
// brand keys), ch (channels), role (fresh|brand|followup|peer|quote),
// parent (intents), pcat (categories), cues (yes|no), author
// (person|brand|outlet), cats (for cues).
//
// The content is ours: a malformed line is a broken invariant and aborts with
// the line number (content_test loads it).
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ecoute::demo::internal {

enum class Lang : uint8_t { kFr = 0, kEn = 1 };
inline constexpr int kLangCount = 2;

enum class Intent : uint8_t { kComplaint, kQuestion, kPraise, kChatter, kNews, kNoise, kReply };
inline constexpr int kIntentCount = 7;
enum class Category : uint8_t {
  kDelivery, kReturnsRefunds, kCustomerService, kProduct, kBilling, kCancellation, kAccountTechnical,
  kNone, kInherit,  // kInherit: take the parent's category (replies)
};
inline constexpr int kCategoryCount = 8;  // without kInherit
enum class Severity : uint8_t { kNone, kLow, kMedium, kHigh, kCritical };
enum class Sentiment : uint8_t { kNegative, kNeutral, kPositive };
enum class Role : uint8_t { kFresh, kBrand, kFollowup, kPeer, kQuote };
enum class AuthorKind : uint8_t { kPerson, kBrand, kOutlet };

std::string_view IntentName(Intent i);
std::string_view CategoryName(Category c);
std::string_view SeverityName(Severity s);
std::string_view SentimentName(Sentiment s);

// Brands in content order; masks below use bit (1 << brand index).
inline constexpr int kBrandCount = 6;
enum BrandIndex : int { kTelemax, kOndine, kColibri, kMaisonVerte, kAurore, kAeroLune };

// Values the renderer fills in.
enum class Slot : uint8_t {
  kBrand,          // brand name as the author writes it (variants on social channels)
  kBrandCanon,     // {Brand}: the canonical name
  kHandle,         // brand's main account, without '@'
  kCareHandle,     // brand's care account, without '@'
  kCompetitor,
  kRef,            // order / tracking / contract / booking reference
  kAmount, kAmount2, kBigAmount,
  kDays, kHours, kN, kYears,
  kDuration,       // days to weeks
  kWait,           // minutes to hours
  kCity, kDate, kFutureDate, kTime,
  kAgent, kAgentE,  // agent first name; "e" when the agent is a woman (fr)
  kFirst, kLast, kName,  // the customer concerned
  kE, kAE,         // "e" after a feminine noun / for a female author (fr)
  kFem, kMasc,     // set the noun gender for {e}; print nothing
  kFlight, kRoute, kCount, kPercent, kQuarter,
  kUrl, kSpamUrl,
  kDm,             // "by DM", "by reply"...: how to write back on this channel
};
inline constexpr int kSlotCount = static_cast<int>(Slot::kDm) + 1;

struct Node {
  enum class Kind : uint8_t { kText, kSlot, kPart, kChoice };
  Kind kind;
  bool capitalize = false;
  bool lowercase = false;
  Slot slot = Slot::kBrand;
  uint32_t a = 0;  // text: offset in pool; part: index; choice: first alt
  uint32_t b = 0;  // text: length; choice: alternative count
};

// A run of nodes [begin, end) in Content::nodes.
struct Seq {
  uint32_t begin = 0, end = 0;
  bool empty() const { return begin == end; }
};

struct Template {
  Seq title;  // empty unless written "title||body"
  Seq body;
  uint8_t brand_mask = 0x3F;
};

struct Scenario {
  std::string id;
  Role role = Role::kFresh;
  Intent intent = Intent::kChatter;
  Category category = Category::kNone;
  Severity severity = Severity::kNone;
  Sentiment sentiment = Sentiment::kNeutral;
  bool needs_reply = false;
  bool cues = false;  // severity cues may be appended
  AuthorKind author = AuthorKind::kPerson;
  uint32_t weight = 10;
  uint8_t brand_mask = 0x3F;
  uint16_t channel_mask = 0xFFFF;
  uint8_t parent_intents = 0xFF;   // bit per Intent
  uint16_t parent_categories = 0xFFFF;  // bit per Category
  std::array<std::vector<Template>, kLangCount> templates;
};

struct Cue {
  std::string id;  // repetition | churn | legal | fraud | safety
  Severity severity = Severity::kMedium;
  uint32_t weight = 10;
  uint8_t brand_mask = 0x3F;
  uint16_t categories = 0xFFFF;
  std::array<std::vector<Template>, kLangCount> templates;
};

struct Part {
  std::string name;
  // Per language and brand: the templates usable for that brand.
  std::array<std::array<std::vector<Template>, kBrandCount>, kLangCount> by_brand;
};

struct Content {
  std::vector<Node> nodes;
  std::vector<Seq> alternatives;  // Node::kChoice alternatives
  std::string pool;               // literal text
  std::vector<Scenario> scenarios;
  std::vector<Cue> cues;
  std::vector<Part> parts;

  // Index of the named part; aborts when missing (a content bug).
  uint32_t PartIndex(std::string_view name) const;
  // -1 when missing.
  int FindPart(std::string_view name) const;
  int FindScenario(std::string_view id) const;
};

// The compiled content, built on first use (thread-safe), never freed.
const Content& GetContent();

// Compiles `text` (the template language above); aborts on error with the
// line. Exposed for tests.
Content CompileContent(const std::vector<std::string_view>& sources);

// The raw sources, defined in content_data.cc.
const std::vector<std::string_view>& ContentSources();

}  // namespace ecoute::demo::internal
