#include "demo/generator.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "base/check.h"
#include "demo/content.h"
#include "demo/rng.h"
#include "demo/text_style.h"

namespace ecoute::demo {
namespace {

using internal::AuthorKind;
using internal::Category;
using internal::Content;
using internal::Cue;
using internal::Intent;
using internal::Lang;
using internal::Node;
using internal::Role;
using internal::Scenario;
using internal::Seq;
using internal::Sentiment;
using internal::Severity;
using internal::Slot;
using internal::Template;
using internal::AddTypo;
using internal::AsciiLower;
using internal::CapitalizeAt;
using internal::Exclaim;
using internal::LowercaseAt;
using internal::Slugify;
using internal::Tidy;
using internal::TruncateUtf8;
using internal::UppercaseText;
using model::Channel;
using model::Direction;

constexpr int64_t kMsPerMinute = 60'000;
constexpr int64_t kMsPerHour = 3'600'000;
constexpr int64_t kMsPerDay = 86'400'000;
constexpr int64_t kParisOffsetMs = kMsPerHour;  // rhythm in Paris standard time
constexpr int kChannels = model::kChannelCount;
constexpr size_t kRingSize = 256;             // recent messages kept per channel
constexpr size_t kMaxPending = 1 << 14;       // scheduled replies kept at most
constexpr uint64_t kRegularPeople = 3000;     // people who write again and again

constexpr std::array<std::string_view, kChannels> kIdPrefix = {"tw", "fb", "ig", "fo", "bl", "nw",
                                                               "rv", "em", "ch", "vo", "sm", "ot"};

size_t Ch(Channel c) { return static_cast<size_t>(c); }
size_t L(Lang l) { return static_cast<size_t>(l); }
int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }
int64_t FloorMod(int64_t a, int64_t b) { return a - FloorDiv(a, b) * b; }

// ---------------------------------------------------------------------------
// Brands.

enum class RefKind : uint8_t { kTelecom, kParcel, kRetail, kBank, kAirline };

struct BrandInfo {
  DemoBrand pub;
  std::string slug;
  std::string care_en;
  std::string care_name_fr, care_name_en;
  std::string mailbox_fr, mailbox_en;
  std::string ref_prefix;
  RefKind ref_kind;
  uint32_t weight;
  int64_t followers;
};

const std::vector<BrandInfo>& Brands() {
  static const std::vector<BrandInfo> kBrands = [] {
    std::vector<BrandInfo> v;
    auto add = [&](DemoBrand pub, std::string slug, std::string care_en, std::string ref_prefix, RefKind kind,
                   uint32_t weight, int64_t followers) {
      BrandInfo b;
      b.care_name_fr = pub.name + " Assistance";
      b.care_name_en = pub.name + " Support";
      b.mailbox_fr = "service-client@" + slug + ".example";
      b.mailbox_en = "customercare@" + slug + ".example";
      b.pub = std::move(pub);
      b.slug = std::move(slug);
      b.care_en = std::move(care_en);
      b.ref_prefix = std::move(ref_prefix);
      b.ref_kind = kind;
      b.weight = weight;
      b.followers = followers;
      v.push_back(std::move(b));
    };
    add({"Telemax", "Telemax_FR", "TelemaxAssist", "telecom", "brand", "https://telemax.example",
         {"Telemax", "telemax", "TELEMAX", "@Telemax_FR", "#telemax", "#Telemax", "Télémax", "Tele Max",
          "telemaxx", "Telmax"},
         {"Ondine Mobile"}},
        "telemax", "TelemaxHelp", "TX-", RefKind::kTelecom, 28, 412'000);
    add({"Ondine Mobile", "OndineMobile", "Ondine_Aide", "telecom", "competitor", "https://ondine-mobile.example",
         {"Ondine Mobile", "Ondine", "ondine mobile", "ONDINE", "@OndineMobile", "#OndineMobile", "ondine",
          "Ondine Mob", "OndineMobile"},
         {"Telemax"}},
        "ondine-mobile", "OndineHelp", "OM-", RefKind::kTelecom, 11, 187'000);
    add({"Colibri Express", "ColibriExpress", "ColibriExpress_SAV", "parcel delivery", "brand",
         "https://colibri-express.example",
         {"Colibri Express", "Colibri", "colibri express", "COLIBRI EXPRESS", "@ColibriExpress",
          "#colibriexpress", "colibri", "Colibri Expres", "Colibri-Express"},
         {"Pélican Colis", "Hermine Livraison"}},
        "colibri-express", "ColibriExpressHelp", "CX", RefKind::kParcel, 18, 96'000);
    add({"Maison Verte", "MaisonVerte", "MaisonVerte_Aide", "home retail", "brand", "https://maison-verte.example",
         {"Maison Verte", "maison verte", "MAISON VERTE", "@MaisonVerte", "#maisonverte", "MaisonVerte",
          "Maison-Verte", "Maison Vert"},
         {"Atelier Nord", "Bazar Cosy"}},
        "maison-verte", "MaisonVerteHelp", "MV-", RefKind::kRetail, 17, 254'000);
    add({"Banque Aurore", "BanqueAurore", "AuroreSupport", "bank", "brand", "https://banque-aurore.example",
         {"Banque Aurore", "banque aurore", "Aurore", "BANQUE AURORE", "@BanqueAurore", "#BanqueAurore",
          "Bq Aurore", "Aurore Bank", "banqueaurore"},
         {"Crédit Horizon", "Zest Banque"}},
        "banque-aurore", "AuroreBankHelp", "BA-", RefKind::kBank, 14, 131'000);
    add({"AeroLune", "AeroLune", "AeroLune_Help", "airline", "brand", "https://aerolune.example",
         {"AeroLune", "Aerolune", "AEROLUNE", "aerolune", "@AeroLune", "#aerolune", "Aéro Lune", "Aero Lune",
          "AreoLune"},
         {"SkyNova", "Air Brume"}},
        "aerolune", "AeroLuneCare", "", RefKind::kAirline, 12, 348'000);
    return v;
  }();
  return kBrands;
}

// ---------------------------------------------------------------------------
// Word lists extracted from one-choice parts ("first_f", "city_FR"...).

std::vector<std::string> ListOf(const Content& c, std::string_view part, Lang lang) {
  const auto& templates = c.parts[c.PartIndex(part)].by_brand[L(lang)][0];
  std::vector<std::string> out;
  for (const Template& t : templates) {
    for (uint32_t i = t.body.begin; i < t.body.end; ++i) {
      const Node& n = c.nodes[i];
      ECOUTE_CHECK_MSG(n.kind == Node::Kind::kChoice, "list part must be one [a|b|...]: " + std::string(part));
      for (uint32_t k = 0; k < n.b; ++k) {
        const Seq& alt = c.alternatives[n.a + k];
        std::string word;
        for (uint32_t j = alt.begin; j < alt.end; ++j) {
          const Node& tn = c.nodes[j];
          ECOUTE_CHECK_MSG(tn.kind == Node::Kind::kText, "list part must be plain text: " + std::string(part));
          word.append(c.pool, tn.a, tn.b);
        }
        out.push_back(std::move(word));
      }
    }
  }
  return out;
}

constexpr std::array<std::string_view, 7> kCountries = {"FR", "BE", "CH", "CA", "GB", "US", "IE"};
enum CountryIndex : uint8_t { kFR, kBE, kCH, kCA, kGB, kUS, kIE };

struct Lexicon {
  std::array<std::vector<std::string>, 2> first_f, first_m, last, outlets;
  std::array<std::array<std::vector<std::string>, kCountries.size()>, 2> cities;
};

const Lexicon& GetLexicon() {
  static const Lexicon kLex = [] {
    const Content& c = internal::GetContent();
    Lexicon x;
    for (Lang l : {Lang::kFr, Lang::kEn}) {
      x.first_f[L(l)] = ListOf(c, "first_f", l);
      x.first_m[L(l)] = ListOf(c, "first_m", l);
      x.last[L(l)] = ListOf(c, "last", l);
      x.outlets[L(l)] = ListOf(c, "outlet", l);
      for (size_t k = 0; k < kCountries.size(); ++k)
        x.cities[L(l)][k] = ListOf(c, "city_" + std::string(kCountries[k]), l);
    }
    return x;
  }();
  return kLex;
}

// ---------------------------------------------------------------------------
// People.

// A fake person, derived from a key: the same key gives the same name,
// handles, e-mail address and phone number on every channel.
struct Person {
  uint64_t key = 0;
  Lang lang = Lang::kFr;
  bool female = false;
  uint8_t country = kFR;
  std::string first, last, ff, fl;  // ff, fl: ASCII-folded, lower case
  uint8_t handle_style = 0, email_style = 0, domain = 0, display_style = 0;
  uint16_t d2 = 0, d2b = 0, year = 0;
  int64_t followers = 0;
  bool verified = false;

  std::string Full() const;
  std::string Handle() const;  // twitter, instagram, forums, reviews
  std::string FacebookHandle() const;
  std::string Email() const;
  std::string Phone() const;
  std::string Display() const;
};

void AppendPadded(std::string& out, uint64_t v, int width);

// The first letter (code point) of a name.
std::string Initial(const std::string& s) {
  size_t n = 1;
  while (n < s.size() && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) ++n;
  return s.substr(0, n);
}

// Daily rhythm, weight per Paris hour; weekday and weekend days have the same
// total once scaled (see Rhythm()).
constexpr std::array<uint32_t, 24> kWeekdayHours = {18, 10, 6,  4,  4,  6,  14, 30, 48, 58, 62, 66,
                                                    80, 76, 62, 60, 62, 66, 74, 84, 90, 82, 60, 34};
constexpr std::array<uint32_t, 24> kWeekendHours = {24, 14, 8,  5,  4,  4,  7,  14, 26, 44, 60, 70,
                                                    76, 74, 70, 68, 68, 68, 70, 74, 76, 70, 54, 36};

struct Rhythm {
  std::array<uint32_t, 168> weight{};  // by hour of the week, Monday 00:00 Paris = 0
  uint64_t sum = 0;
  uint32_t max = 0;
};

Rhythm MakeRhythm() {
  uint32_t wd_sum = 0, we_sum = 0;
  for (uint32_t w : kWeekdayHours) wd_sum += w;
  for (uint32_t w : kWeekendHours) we_sum += w;
  Rhythm r;
  for (int day = 0; day < 7; ++day) {
    for (int h = 0; h < 24; ++h) {
      const bool weekend = day >= 5;
      const uint32_t w = weekend ? kWeekendHours[h] * wd_sum : kWeekdayHours[h] * we_sum;
      r.weight[static_cast<size_t>(day * 24 + h)] = w;
      r.sum += w;
      r.max = std::max(r.max, w);
    }
  }
  return r;
}

// Hour of the week (Monday 00:00 Paris time = 0) of a UTC timestamp.
int HourOfWeek(base::Timestamp t) {
  const int64_t local = t + kParisOffsetMs;
  const int64_t days = FloorDiv(local, kMsPerDay);
  const int64_t dow = FloorMod(days + 3, 7);  // 1970-01-01 was a Thursday
  const int64_t hour = FloorMod(local, kMsPerDay) / kMsPerHour;
  return static_cast<int>(dow * 24 + hour);
}

// Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
void CivilFromDays(int64_t z, int& y, int& m, int& d) {
  z += 719468;
  const int64_t era = FloorDiv(z, 146097);
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
}

constexpr std::array<std::string_view, 12> kMonthsFr = {"janvier", "février", "mars",      "avril",
                                                        "mai",     "juin",    "juillet",   "août",
                                                        "septembre", "octobre", "novembre", "décembre"};
constexpr std::array<std::string_view, 12> kMonthsEn = {"January", "February", "March",     "April",
                                                        "May",     "June",     "July",      "August",
                                                        "September", "October", "November", "December"};

void AppendInt(std::string& out, int64_t v) { out += std::to_string(v); }

void AppendPadded(std::string& out, uint64_t v, int width) {
  char buf[24];
  int n = 0;
  do {
    buf[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && n < 24);
  for (int i = n; i < width; ++i) out += '0';
  while (n > 0) out += buf[--n];
}

// Thousands grouped: "12 000" (fr) or "12,000" (en).
void AppendGrouped(std::string& out, int64_t v, char sep) {
  std::string digits = std::to_string(v);
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += sep;
    out += digits[i];
  }
}

constexpr std::string_view kCodeChars = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";

// ---------------------------------------------------------------------------
// Labels and drafts.

struct Labels {
  Intent intent = Intent::kChatter;
  Category category = Category::kNone;
  Severity severity = Severity::kNone;
  Sentiment sentiment = Sentiment::kNeutral;
  bool needs_reply = false;
  int scenario = -1;
  int cue = -1;
};

// The labels of scenario `id`, taking the category from `inherited` when the
// scenario says kInherit (replies, quotes and follow-ups keep the topic).
Labels ScenarioLabels(const Scenario& s, int id, Category inherited) {
  Labels l;
  l.intent = s.intent;
  l.category = s.category == Category::kInherit ? inherited : s.category;
  l.severity = s.severity;
  l.sentiment = s.sentiment;
  l.needs_reply = s.needs_reply;
  l.scenario = id;
  return l;
}

struct Recent {
  uint64_t counter = 0;  // 0: empty slot
  uint64_t root = 0;
  bool reshare = false;
  int brand = 0;
  Lang lang = Lang::kFr;
  Labels labels;
  std::string handle, text, url;
};

struct Ring {
  std::array<Recent, kRingSize> entries;
  size_t next = 0;
  size_t filled = 0;
};

enum class EventKind : uint8_t { kBrandReply, kFollowup };

struct Event {
  base::Timestamp due = 0;
  uint64_t seq = 0;
  EventKind kind = EventKind::kBrandReply;
  Channel channel = Channel::kTwitter;
  int brand = 0;
  Lang lang = Lang::kFr;
  int depth = 0;
  uint64_t parent = 0, root = 0;
  Intent parent_intent = Intent::kComplaint;
  Category category = Category::kNone;
  uint64_t customer_key = 0;
  std::string title, ref;
};

struct EventLater {
  bool operator()(const Event& a, const Event& b) const {
    return a.due != b.due ? a.due > b.due : a.seq > b.seq;
  }
};

// Per-channel behaviour.
struct ChannelPlan {
  uint32_t weight;                       // share of fresh messages
  std::array<uint32_t, 6> intents;       // complaint, question, praise, chatter, news, noise
  uint32_t reshare, quote, peer;         // per mille of fresh messages
  uint32_t brand_reply, praise_reply;    // per mille chance the brand answers
  uint32_t followup;                     // per mille chance the customer writes again
  int64_t reply_min, reply_mean;         // brand reply delay, ms
  int64_t follow_min, follow_mean;       // customer follow-up delay, ms
  uint32_t cue;                          // per mille of complaints with a severity cue
  uint32_t demand;                       // per mille of complaints with a demand
};

constexpr int64_t kS = 1000, kM = kMsPerMinute, kH = kMsPerHour;
const std::array<ChannelPlan, kChannels> kPlans = {{
    // twitter
    {30, {34, 12, 12, 20, 6, 16}, 100, 40, 80, 450, 250, 300, 2 * kM, 40 * kM, 1 * kM, 25 * kM, 300, 250},
    // facebook
    {10, {40, 18, 14, 16, 0, 12}, 40, 0, 100, 400, 200, 300, 5 * kM, 2 * kH, 3 * kM, 1 * kH, 300, 250},
    // instagram
    {6, {30, 18, 26, 14, 0, 12}, 0, 0, 60, 350, 300, 250, 10 * kM, 3 * kH, 5 * kM, 2 * kH, 250, 150},
    // forum
    {6, {45, 38, 5, 10, 0, 2}, 0, 0, 350, 250, 100, 250, 30 * kM, 6 * kH, 1 * kH, 8 * kH, 400, 200},
    // blog
    {2, {20, 0, 10, 45, 20, 5}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 400, 200},
    // news
    {3, {0, 0, 0, 0, 100, 0}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
    // review
    {7, {55, 0, 35, 10, 0, 0}, 0, 0, 0, 350, 350, 100, 6 * kH, 36 * kH, 12 * kH, 48 * kH, 350, 200},
    // email
    {12, {55, 27, 8, 0, 0, 10}, 0, 0, 0, 700, 150, 250, 20 * kM, 14 * kH, 30 * kM, 8 * kH, 400, 450},
    // chat
    {9, {44, 46, 10, 0, 0, 0}, 0, 0, 0, 850, 0, 300, 10 * kS, 60 * kS, 5 * kS, 40 * kS, 200, 150},
    // voice
    {9, {62, 38, 0, 0, 0, 0}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 300, 0},
    // sms
    {7, {40, 32, 6, 0, 0, 22}, 0, 0, 0, 450, 0, 350, 2 * kM, 30 * kM, 1 * kM, 20 * kM, 200, 100},
    // other
    {0, {1, 0, 0, 0, 0, 0}, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0},
}};

bool StartsWithGreeting(std::string_view s) {
  for (std::string_view g : {"Bonjour", "Bonsoir", "Salut", "Hi", "Hello", "Hey", "Dear"})
    if (s.size() > g.size() && s.compare(0, g.size(), g) == 0 &&
        (s[g.size()] == ',' || s[g.size()] == ' ' || s[g.size()] == '!'))
      return true;
  return false;
}

bool IsSocial(Channel c) {
  return c == Channel::kTwitter || c == Channel::kFacebook || c == Channel::kInstagram || c == Channel::kSms ||
         c == Channel::kChat;
}

}  // namespace

// ---------------------------------------------------------------------------

base::Status ValidateOptions(const DemoOptions& o) {
  if (std::isnan(o.messages_per_day) || !(o.messages_per_day > 0) || o.messages_per_day > 1e9)
    return base::Status::InvalidArgument("demo.messages_per_day: must be in (0, 1e9], got " +
                                         std::to_string(o.messages_per_day));
  if (std::isnan(o.french_share) || o.french_share < 0 || o.french_share > 1)
    return base::Status::InvalidArgument("demo.french_share: must be in [0, 1], got " +
                                         std::to_string(o.french_share));
  return base::Status::Ok();
}

const std::vector<DemoBrand>& DemoBrands() {
  static const std::vector<DemoBrand> kPublic = [] {
    std::vector<DemoBrand> v;
    for (const BrandInfo& b : Brands()) v.push_back(b.pub);
    return v;
  }();
  return kPublic;
}

const std::vector<DemoQuery>& DemoQueries() {
  static const std::vector<DemoQuery> kQueries = [] {
    std::vector<DemoQuery> v;
    for (const DemoBrand& b : DemoBrands()) {
      std::string id;
      for (char c : b.name) id += c == ' ' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::vector<std::string> seen;
      std::string text;
      auto add = [&](const std::string& spelling) {
        std::string key;
        for (char c : spelling) {
          if (static_cast<unsigned char>(c) >= 0x80) return;  // accented spellings fold onto plain ones
          key += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
        if (std::find(seen.begin(), seen.end(), key) != seen.end()) return;
        seen.push_back(key);
        if (!text.empty()) text += " OR ";
        text += spelling.find(' ') != std::string::npos ? "\"" + spelling + "\"" : spelling;
      };
      add(b.name);
      for (const std::string& s : b.variants) add(s);
      add("@" + b.handle);
      if (!b.care_handle.empty()) add("@" + b.care_handle);
      v.push_back({"brand_" + id, b.kind, text, b.name + ", all the spellings people use"});
    }
    v.push_back({"topic_delivery", "topic",
                 "livraison OR livr* OR colis OR delivery OR delivered OR parcel OR package OR \"pas reçu\" OR "
                 "(retard* NEAR/3 (commande OR colis)) OR (late NEAR/3 (order OR parcel))",
                 "Delivery problems, French and English"});
    v.push_back({"topic_refunds", "topic",
                 "rembours* OR refund* OR \"retour produit\" OR (return* NEAR/2 (item OR order OR product))",
                 "Returns and refunds"});
    v.push_back({"topic_outage", "topic",
                 "(panne OR coupure OR outage OR \"ne marche plus\" OR \"not working\" OR \"plus de réseau\") "
                 "NOT (concours OR giveaway)",
                 "Service outages"});
    v.push_back({"topic_legal", "topic",
                 "avocat OR \"mise en demeure\" OR \"60 millions\" OR lawyer OR \"legal action\" OR "
                 "\"porter plainte\" OR \"small claims\"",
                 "Legal threats"});
    v.push_back({"telemax_delivery", "topic", "@brand_telemax AND (@topic_delivery OR @topic_outage)",
                 "Telemax and a delivery or outage problem (uses other queries by name)"});
    return v;
  }();
  return kQueries;
}

class DemoGenerator::Impl {
 public:
  explicit Impl(DemoOptions o);
  model::Mention Next();
  uint64_t count() const { return count_; }

 private:
  // Rendering context of one message.
  struct Ctx {
    Lang lang = Lang::kFr;
    int brand = 0;
    Channel channel = Channel::kTwitter;
    bool variants = false;  // brand name as people write it
    const Person* author = nullptr;
    const Person* customer = nullptr;
    uint8_t country = kFR;
    base::Timestamp now = 0;
    bool fem = false;
    bool agent_female = false;
    std::string ref, amount, amount2, city, agent, flight, route, competitor, days, hours, n, years, date;
    struct CachedPart {
      bool set = false;
      bool fem = false;
      std::string text;
    };
    std::array<CachedPart, 8> parts;
    void Reset() {
      fem = agent_female = false;
      for (CachedPart& p : parts) p.set = false;
      for (std::string* s : {&ref, &amount, &amount2, &city, &agent, &flight, &route, &competitor, &days, &hours,
                             &n, &years, &date})
        s->clear();
    }
  };

  // What was emitted, for the ring and for scheduling replies.
  struct Emitted {
    Labels labels;
    int brand = 0;
    Lang lang = Lang::kFr;
    uint64_t root = 0;
    uint64_t customer_key = 0;  // the thread's customer (0: none)
    bool person = false;
    bool reshare = false;
    bool outbound = false;
    int depth = 0;
    std::string title;
  };

  // Timeline.
  base::Timestamp NextSlot();
  Channel PickChannel(base::Timestamp t);

  // Content.
  uint32_t Part(std::string_view name) const { return content_.PartIndex(name); }
  void Render(const Seq& seq, std::string& out);
  void RenderPart(uint32_t part, std::string& out);
  void FillSlot(Slot slot, std::string& out);
  const Template& PickTemplate(const Scenario& s);
  int PickFreshScenario(Intent intent, int brand, Channel ch);
  int PickRoleScenario(Role role, Intent parent_intent, Category parent_cat, int brand, Channel ch);
  int PickCue(const Scenario& s, Category cat, int brand);
  std::string_view BrandName();
  void AppendSentence(std::string& out, std::string_view piece);
  void AppendRef();
  void AppendAmount(std::string& out, int64_t lo, int64_t hi);
  void AppendDate(std::string& out, int64_t days_offset);
  void AppendCode(std::string& out, int len);

  // People and accounts.
  uint64_t PickPersonKey(Lang lang);
  void MakePerson(uint64_t key, Person& p);
  void SetPersonAuthor(model::Mention& m, const Person& p);
  void SetBrandAuthor(model::Mention& m, int brand, bool care, Lang lang);

  // Messages.
  void EmitFresh(base::Timestamp t, model::Mention& m, Emitted& e);
  bool EmitReshare(Channel ch, model::Mention& m, Emitted& e);
  bool EmitQuote(Channel ch, model::Mention& m, Emitted& e);
  bool EmitPeer(Channel ch, model::Mention& m, Emitted& e);
  void EmitOriginal(Channel ch, Lang lang, model::Mention& m, Emitted& e);
  void EmitEvent(const Event& ev, model::Mention& m, Emitted& e);
  // Core text of a customer message: scenario, optional cue and demand.
  void ComposeCore(const Scenario& s, const Template& t, Labels& labels, std::string& title, std::string& core,
                   uint32_t cue_per_mille, uint32_t demand_per_mille);
  void ShapeCustomer(model::Mention& m, const Labels& labels, std::string& title, std::string& core,
                     const Person& p);
  void Informal(std::string& text, const Labels& labels, uint32_t abbrev, uint32_t typo, uint32_t caps);
  void SetLabels(model::Mention& m, const Labels& l, Lang lang, int brand);
  void SetEngagement(model::Mention& m);
  std::string NativeId(Channel ch, uint64_t counter) const;
  void SetUrl(model::Mention& m, const std::string& slug_source);
  const Recent* PickRecent(Channel ch, bool (*accept)(const Recent&));

  // Threads.
  void Remember(const model::Mention& m, uint64_t counter, const Emitted& e);
  void Schedule(const model::Mention& m, uint64_t counter, const Emitted& e);
  void Push(Event ev);
  base::Timestamp CareHours(base::Timestamp t);

  DemoOptions options_;
  const Content& content_;
  const Lexicon& lex_;
  Rng rng_;
  Rhythm rhythm_;
  uint64_t gap_q16_ = 0;      // mean gap between candidate slots, ms in Q16
  uint64_t elapsed_q16_ = 0;  // since options_.start, ms in Q16
  uint32_t french_p32_ = 0;
  uint64_t count_ = 0;
  uint64_t seq_ = 0;
  base::Timestamp last_ = 0;
  std::array<uint64_t, kChannels> counters_{};
  std::array<Ring, kChannels> rings_;
  std::vector<Event> pending_;  // min-heap on (due, seq)
  Ctx ctx_;
  Person author_, customer_;
  std::string scratch_, scratch2_;

  // Fresh scenarios by [intent][brand][channel]: indices and cumulative weights.
  struct Pick {
    std::vector<uint16_t> ids;
    std::vector<uint32_t> cum;
  };
  std::vector<Pick> fresh_;
  std::array<std::vector<uint16_t>, 5> by_role_;
  std::vector<int> part_cache_slot_;  // by part index: slot in Ctx::parts, or -1

  // Part indices used by the channel shapes.
  uint32_t p_demand_[internal::kCategoryCount] = {};
  uint32_t p_title_[internal::kCategoryCount] = {};
  uint32_t p_subject_[internal::kCategoryCount] = {};
  uint32_t p_review_title_[5] = {};
  uint32_t p_emoji_neg_, p_emoji_pos_, p_emoji_neu_, p_tag_neg_, p_tag_pos_;
  uint32_t p_forum_open_, p_forum_context_neg_, p_forum_context_q_, p_forum_context_neu_, p_forum_ask_, p_forum_close_;
  uint32_t p_review_neg_, p_review_pos_;
  uint32_t p_email_greet_, p_email_ref_, p_email_close_, p_subject_noise_, p_subject_question_;
  uint32_t p_voice_open_, p_voice_askref_neg_, p_voice_askref_q_, p_voice_giveref_, p_voice_escalate_, p_voice_answer_;
  uint32_t p_voice_neg_, p_voice_ok_, p_voice_close_;
  uint32_t p_blog_title_[3];
  uint32_t p_blog_close_, p_chat_open_, p_sms_open_, p_route_;
};

DemoGenerator::Impl::Impl(DemoOptions o)
    : options_(o), content_(internal::GetContent()), lex_(GetLexicon()), rng_(Mix64(o.seed, 0xDE3011)),
      rhythm_(MakeRhythm()) {
  double per_day = options_.messages_per_day;
  if (std::isnan(per_day) || per_day < 1e-3) per_day = 1e-3;
  if (per_day > 1e9) per_day = 1e9;
  double fr = options_.french_share;
  if (std::isnan(fr)) fr = 0.55;
  fr = std::clamp(fr, 0.0, 1.0);
  options_.messages_per_day = per_day;
  options_.french_share = fr;
  french_p32_ = fr >= 1.0 ? 0xFFFFFFFFu : static_cast<uint32_t>(fr * 4294967296.0);
  const double gap_ms = static_cast<double>(kMsPerDay) * static_cast<double>(rhythm_.sum) /
                        (per_day * 168.0 * static_cast<double>(rhythm_.max));
  gap_q16_ = static_cast<uint64_t>(gap_ms * 65536.0);
  if (gap_q16_ == 0) gap_q16_ = 1;
  last_ = options_.start;

  // Scenario tables.
  fresh_.resize(static_cast<size_t>(internal::kIntentCount * internal::kBrandCount * kChannels));
  for (size_t i = 0; i < content_.scenarios.size(); ++i) {
    const Scenario& s = content_.scenarios[i];
    by_role_[static_cast<size_t>(s.role)].push_back(static_cast<uint16_t>(i));
    if (s.role != Role::kFresh || s.templates[0].empty() || s.templates[1].empty()) continue;
    for (int b = 0; b < internal::kBrandCount; ++b) {
      if (!(s.brand_mask & (1u << b))) continue;
      for (int c = 0; c < kChannels; ++c) {
        if (!(s.channel_mask & (1u << c))) continue;
        Pick& p = fresh_[(static_cast<size_t>(s.intent) * internal::kBrandCount + static_cast<size_t>(b)) *
                             kChannels + static_cast<size_t>(c)];
        p.ids.push_back(static_cast<uint16_t>(i));
        p.cum.push_back((p.cum.empty() ? 0 : p.cum.back()) + s.weight);
      }
    }
  }
  for (int c = 0; c < internal::kCategoryCount; ++c) {
    const std::string cat(internal::CategoryName(static_cast<Category>(c)));
    if (c != static_cast<int>(Category::kNone)) p_demand_[c] = Part("demand_" + cat);
    p_title_[c] = Part("title_" + cat);
    p_subject_[c] = Part("email_subject_" + cat);
  }
  for (int r = 0; r < 5; ++r) p_review_title_[r] = Part("review_title_" + std::to_string(r + 1));
  p_emoji_neg_ = Part("emoji_neg");
  p_emoji_pos_ = Part("emoji_pos");
  p_emoji_neu_ = Part("emoji_neu");
  p_tag_neg_ = Part("tag_neg");
  p_tag_pos_ = Part("tag_pos");
  p_forum_open_ = Part("forum_open");
  p_forum_context_neg_ = Part("forum_context_neg");
  p_forum_context_q_ = Part("forum_context_question");
  p_forum_context_neu_ = Part("forum_context_neutral");
  p_forum_ask_ = Part("forum_ask");
  p_forum_close_ = Part("forum_close");
  p_review_neg_ = Part("review_close_neg");
  p_review_pos_ = Part("review_close_pos");
  p_email_greet_ = Part("email_greet");
  p_email_ref_ = Part("email_ref");
  p_email_close_ = Part("email_close");
  p_subject_noise_ = Part("email_subject_noise");
  p_subject_question_ = Part("email_subject_question");
  p_voice_open_ = Part("voice_open");
  p_voice_askref_neg_ = Part("voice_askref_neg");
  p_voice_askref_q_ = Part("voice_askref_question");
  p_voice_giveref_ = Part("voice_giveref");
  p_voice_escalate_ = Part("voice_escalate");
  p_voice_answer_ = Part("voice_answer");
  p_voice_neg_ = Part("voice_client_neg");
  p_voice_ok_ = Part("voice_client_ok");
  p_voice_close_ = Part("voice_close");
  p_blog_title_[0] = Part("blog_title_neg");
  p_blog_title_[1] = Part("blog_title_neu");
  p_blog_title_[2] = Part("blog_title_pos");
  p_blog_close_ = Part("blog_close");
  p_chat_open_ = Part("chat_open");
  p_sms_open_ = Part("sms_open");
  p_route_ = Part("route");
  part_cache_slot_.assign(content_.parts.size(), -1);
  int next_slot = 0;
  for (std::string_view name : {"item", "product", "myref", "shipref", "yourship", "reflabel", "prodq"})
    part_cache_slot_[Part(name)] = next_slot++;
  pending_.reserve(1024);
}

// ---------------------------------------------------------------------------
// Timeline: a Poisson process thinned by the weekly rhythm; integer only.

base::Timestamp DemoGenerator::Impl::NextSlot() {
  while (true) {
    elapsed_q16_ += MulShift16(gap_q16_, ExpQ16(rng_.Next()));
    const base::Timestamp t = options_.start + static_cast<int64_t>(elapsed_q16_ >> 16);
    const uint32_t w = rhythm_.weight[static_cast<size_t>(HourOfWeek(t))];
    if (static_cast<uint32_t>(MulHi64(rng_.Next(), rhythm_.max)) < w) return t;
  }
}

Channel DemoGenerator::Impl::PickChannel(base::Timestamp t) {
  static const std::array<uint32_t, kChannels> kCum = [] {
    std::array<uint32_t, kChannels> cum{};
    uint32_t acc = 0;
    for (int c = 0; c < kChannels; ++c) cum[static_cast<size_t>(c)] = acc += kPlans[static_cast<size_t>(c)].weight;
    return cum;
  }();
  const int how = HourOfWeek(t);
  const int day = how / 24, hour = how % 24;
  const bool call_centre_open = day < 6 && hour >= 8 && hour < 20;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const uint32_t r = rng_.Below(kCum.back());
    size_t c = 0;
    while (kCum[c] <= r) ++c;
    const Channel ch = static_cast<Channel>(c);
    if (ch == Channel::kVoice && !call_centre_open) continue;
    return ch;
  }
  return Channel::kTwitter;
}

// ---------------------------------------------------------------------------
// Rendering.

void DemoGenerator::Impl::Render(const Seq& seq, std::string& out) {
  for (uint32_t i = seq.begin; i < seq.end; ++i) {
    const Node& n = content_.nodes[i];
    switch (n.kind) {
      case Node::Kind::kText:
        out.append(content_.pool, n.a, n.b);
        break;
      case Node::Kind::kChoice:
        Render(content_.alternatives[n.a + rng_.Below(n.b)], out);
        break;
      case Node::Kind::kSlot: {
        const size_t at = out.size();
        FillSlot(n.slot, out);
        if (n.capitalize) CapitalizeAt(out, at);
        if (n.lowercase) LowercaseAt(out, at);
        break;
      }
      case Node::Kind::kPart: {
        const size_t at = out.size();
        RenderPart(n.a, out);
        if (n.capitalize) CapitalizeAt(out, at);
        if (n.lowercase) LowercaseAt(out, at);
        break;
      }
    }
  }
}

void DemoGenerator::Impl::RenderPart(uint32_t part, std::string& out) {
  const auto& list = content_.parts[part].by_brand[L(ctx_.lang)][static_cast<size_t>(ctx_.brand)];
  if (list.empty()) return;
  // The thing a message is about (item, product, reference) stays the same
  // wherever the message names it again.
  const int slot = part < part_cache_slot_.size() ? part_cache_slot_[part] : -1;
  if (slot >= 0) {
    Ctx::CachedPart& c = ctx_.parts[static_cast<size_t>(slot)];
    if (c.set) {
      out += c.text;
      ctx_.fem = c.fem;
      return;
    }
    const size_t at = out.size();
    Render(list[rng_.Below(static_cast<uint32_t>(list.size()))].body, out);
    c.text.assign(out, at, std::string::npos);
    c.fem = ctx_.fem;
    c.set = true;
    return;
  }
  Render(list[rng_.Below(static_cast<uint32_t>(list.size()))].body, out);
}

std::string_view DemoGenerator::Impl::BrandName() {
  const BrandInfo& b = Brands()[static_cast<size_t>(ctx_.brand)];
  if (ctx_.variants && rng_.Chance(400)) {
    const auto& v = b.pub.variants;
    return v[rng_.Below(static_cast<uint32_t>(v.size()))];
  }
  return b.pub.name;
}

void DemoGenerator::Impl::AppendCode(std::string& out, int len) {
  for (int i = 0; i < len; ++i) out += kCodeChars[rng_.Below(static_cast<uint32_t>(kCodeChars.size()))];
}

void DemoGenerator::Impl::AppendRef() {
  const BrandInfo& b = Brands()[static_cast<size_t>(ctx_.brand)];
  std::string& r = ctx_.ref;
  r = b.ref_prefix;
  switch (b.ref_kind) {
    case RefKind::kTelecom: AppendPadded(r, rng_.Range(10'000'000, 99'999'999), 8); break;
    case RefKind::kParcel:
      AppendPadded(r, rng_.Range(100'000, 999'999), 6);
      AppendPadded(r, rng_.Range(0, 9'999), 4);
      r += "FR";
      break;
    case RefKind::kRetail: AppendPadded(r, rng_.Range(1'000'000, 9'999'999), 7); break;
    case RefKind::kBank: AppendPadded(r, rng_.Range(100'000, 999'999), 6); break;
    case RefKind::kAirline:
      for (int i = 0; i < 6; ++i) r += "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"[rng_.Below(32)];
      break;
  }
}

void DemoGenerator::Impl::AppendAmount(std::string& out, int64_t lo, int64_t hi) {
  const int64_t units = rng_.Range(lo, hi);
  int64_t cents = 0;
  const uint32_t style = rng_.Below(10);
  if (style >= 4 && style < 8) cents = 99;
  else if (style >= 8) cents = rng_.Range(1, 98);
  std::string num;
  const bool comma = ctx_.lang == Lang::kFr && ctx_.country != kCH;
  AppendInt(num, units);
  if (cents != 0) {
    num += comma ? ',' : '.';
    AppendPadded(num, static_cast<uint64_t>(cents), 2);
  }
  switch (ctx_.country) {
    case kFR: case kBE: out += num; out += " €"; break;
    case kCH: out += num; out += " CHF"; break;
    case kCA:
      if (ctx_.lang == Lang::kFr) { out += num; out += " $"; }
      else { out += "$"; out += num; }
      break;
    case kGB: out += "£"; out += num; break;
    case kUS: out += "$"; out += num; break;
    case kIE: out += "€"; out += num; break;
    default: out += num; break;
  }
}

void DemoGenerator::Impl::AppendDate(std::string& out, int64_t days_offset) {
  int y, m, d;
  CivilFromDays(FloorDiv(ctx_.now + kParisOffsetMs, kMsPerDay) + days_offset, y, m, d);
  (void)y;
  if (ctx_.lang == Lang::kFr) {
    if (d == 1) out += "1er";
    else AppendInt(out, d);
    out += ' ';
    out += kMonthsFr[static_cast<size_t>(m - 1)];
  } else if (ctx_.country == kUS || ctx_.country == kCA) {
    out += kMonthsEn[static_cast<size_t>(m - 1)];
    out += ' ';
    AppendInt(out, d);
  } else {
    AppendInt(out, d);
    out += ' ';
    out += kMonthsEn[static_cast<size_t>(m - 1)];
  }
}

void DemoGenerator::Impl::FillSlot(Slot slot, std::string& out) {
  const BrandInfo& b = Brands()[static_cast<size_t>(ctx_.brand)];
  const bool fr = ctx_.lang == Lang::kFr;
  auto cached = [&](std::string& cache, auto&& make) {
    if (cache.empty()) make(cache);
    out += cache;
  };
  switch (slot) {
    case Slot::kBrand: out += BrandName(); break;
    case Slot::kBrandCanon: out += b.pub.name; break;
    case Slot::kHandle: out += b.pub.handle; break;
    case Slot::kCareHandle: out += fr ? b.pub.care_handle : b.care_en; break;
    case Slot::kCompetitor:
      cached(ctx_.competitor, [&](std::string& s) {
        s = b.pub.competitors[rng_.Below(static_cast<uint32_t>(b.pub.competitors.size()))];
      });
      break;
    case Slot::kRef:
      if (ctx_.ref.empty()) AppendRef();
      out += ctx_.ref;
      break;
    case Slot::kAmount:
    case Slot::kAmount2: {
      static constexpr std::array<std::pair<int64_t, int64_t>, 5> kRanges = {
          {{12, 120}, {6, 60}, {25, 1400}, {5, 250}, {40, 900}}};
      const auto range = kRanges[static_cast<size_t>(b.ref_kind)];
      if (slot == Slot::kAmount) {
        cached(ctx_.amount, [&](std::string& s) { AppendAmount(s, range.first + range.first / 2, range.second); });
      } else {
        cached(ctx_.amount2, [&](std::string& s) { AppendAmount(s, range.first / 2 + 1, range.first); });
      }
      break;
    }
    case Slot::kBigAmount: {
      static constexpr std::array<std::string_view, 5> kFr = {"1,5 million d'euros", "2 millions d'euros",
                                                              "3,2 millions d'euros", "12 millions d'euros",
                                                              "750 000 euros"};
      static constexpr std::array<std::string_view, 5> kEn = {"1.5 million", "2 million", "3.2 million",
                                                              "12 million", "750,000"};
      const uint32_t k = rng_.Below(5);
      if (fr) {
        out += kFr[k];
      } else {
        out += ctx_.country == kGB ? "£" : (ctx_.country == kUS || ctx_.country == kCA) ? "$" : "€";
        out += kEn[k];
      }
      break;
    }
    case Slot::kDays: cached(ctx_.days, [&](std::string& s) { AppendInt(s, rng_.Range(2, 21)); }); break;
    case Slot::kHours: cached(ctx_.hours, [&](std::string& s) { AppendInt(s, rng_.Range(2, 9)); }); break;
    case Slot::kN: cached(ctx_.n, [&](std::string& s) { AppendInt(s, rng_.Range(3, 9)); }); break;
    case Slot::kYears: cached(ctx_.years, [&](std::string& s) { AppendInt(s, rng_.Range(2, 15)); }); break;
    case Slot::kDuration: {
      static constexpr std::array<std::string_view, 6> kFr = {"deux semaines", "trois semaines", "un mois",
                                                              "plus d'un mois", "dix jours", "six semaines"};
      static constexpr std::array<std::string_view, 6> kEn = {"two weeks", "three weeks", "a month",
                                                              "over a month", "ten days", "six weeks"};
      const uint32_t k = rng_.Below(7);
      if (k == 6) {
        AppendInt(out, rng_.Range(4, 19));
        out += fr ? " jours" : " days";
      } else {
        out += fr ? kFr[k] : kEn[k];
      }
      break;
    }
    case Slot::kWait: {
      static constexpr std::array<std::string_view, 5> kFr = {"Une heure", "Deux heures", "45 minutes", "1h30",
                                                              "40 minutes"};
      static constexpr std::array<std::string_view, 5> kEn = {"An hour", "Two hours", "45 minutes",
                                                              "An hour and a half", "40 minutes"};
      const size_t at = out.size();
      out += fr ? kFr[rng_.Below(5)] : kEn[rng_.Below(5)];
      if (at > 0 && out[at - 1] != '\n' && !(at >= 2 && (out[at - 2] == '.' || out[at - 2] == '?')))
        LowercaseAt(out, at);
      break;
    }
    case Slot::kCity:
      cached(ctx_.city, [&](std::string& s) {
        const auto& list = lex_.cities[L(ctx_.lang)][ctx_.country];
        const auto& fallback = lex_.cities[L(ctx_.lang)][fr ? kFR : kGB];
        const auto& use = list.empty() ? fallback : list;
        s = use[rng_.Below(static_cast<uint32_t>(use.size()))];
      });
      break;
    case Slot::kDate:
      cached(ctx_.date, [&](std::string& s) { AppendDate(s, -rng_.Range(1, 40)); });
      break;
    case Slot::kFutureDate: AppendDate(out, rng_.Range(3, 30)); break;
    case Slot::kTime: {
      const int64_t h = rng_.Range(8, 17);
      const uint32_t minutes = rng_.Below(4);  // 0, 15, 30 or 0
      if (fr) {
        AppendInt(out, h);
        out += 'h';
        if (minutes == 1) out += "15";
        if (minutes == 2) out += "30";
      } else {
        AppendInt(out, h > 12 ? h - 12 : h);
        if (minutes == 1) out += ":15";
        if (minutes == 2) out += ":30";
        out += h >= 12 ? "pm" : "am";
      }
      break;
    }
    case Slot::kAgent:
    case Slot::kAgentE:
      if (ctx_.agent.empty()) {
        ctx_.agent_female = rng_.Below(2) == 0;
        const auto& list = ctx_.agent_female ? lex_.first_f[L(ctx_.lang)] : lex_.first_m[L(ctx_.lang)];
        ctx_.agent = list[rng_.Below(static_cast<uint32_t>(list.size()))];
      }
      if (slot == Slot::kAgent) out += ctx_.agent;
      else if (ctx_.agent_female && fr) out += 'e';
      break;
    case Slot::kFirst: if (ctx_.customer) out += ctx_.customer->first; break;
    case Slot::kLast: if (ctx_.customer) out += ctx_.customer->last; break;
    case Slot::kName: if (ctx_.customer) out += ctx_.customer->Full(); break;
    case Slot::kE: if (ctx_.fem && fr) out += 'e'; break;
    case Slot::kAE: if (ctx_.author && ctx_.author->female && fr) out += 'e'; break;
    case Slot::kFem: ctx_.fem = true; break;
    case Slot::kMasc: ctx_.fem = false; break;
    case Slot::kFlight:
      cached(ctx_.flight, [&](std::string& s) {
        s = "AL";
        AppendInt(s, rng_.Range(102, 4890));
      });
      break;
    case Slot::kRoute:
      cached(ctx_.route, [&](std::string& s) {
        const Lang keep = ctx_.lang;
        const int brand = ctx_.brand;
        ctx_.brand = 0;  // routes are listed for every brand
        RenderPart(p_route_, s);
        ctx_.brand = brand;
        ctx_.lang = keep;
      });
      break;
    case Slot::kCount: AppendGrouped(out, rng_.Range(2, 80) * 1000, fr ? ' ' : ','); break;
    case Slot::kPercent: {
      const int64_t tenths = rng_.Range(5, 180);
      AppendInt(out, tenths / 10);
      out += fr ? ',' : '.';
      AppendInt(out, tenths % 10);
      out += fr ? " %" : "%";
      break;
    }
    case Slot::kQuarter:
      out += fr ? 'T' : 'Q';
      AppendInt(out, rng_.Range(1, 4));
      break;
    case Slot::kUrl: {
      out += b.pub.website;
      out += "/l/";  // short links
      AppendCode(out, 6);
      break;
    }
    case Slot::kSpamUrl: {
      static constexpr std::array<std::string_view, 6> kHosts = {"bonus-cadeau", "verif-compte", "gain-express",
                                                                 "suivi-colis-info", "secure-login-check",
                                                                 "promo-flash"};
      out += "http://";
      out += kHosts[rng_.Below(6)];
      out += '-';
      AppendInt(out, rng_.Range(10, 99));
      out += ".example/";
      AppendCode(out, 5);
      break;
    }
    case Slot::kDm:
      switch (ctx_.channel) {
        case Channel::kTwitter:
        case Channel::kFacebook:
        case Channel::kInstagram: {
          static constexpr std::array<std::string_view, 3> kFr = {"en MP", "en DM", "en message privé"};
          static constexpr std::array<std::string_view, 3> kEn = {"by DM", "via DM", "in a private message"};
          out += fr ? kFr[rng_.Below(3)] : kEn[rng_.Below(3)];
          break;
        }
        case Channel::kEmail: out += fr ? "par retour de mail" : "by replying to this email"; break;
        case Channel::kChat: out += fr ? "ici" : "here"; break;
        case Channel::kSms: out += fr ? "par SMS" : "by text"; break;
        case Channel::kForum: out += fr ? "en message privé" : "by private message"; break;
        case Channel::kReview: out += fr ? "par mail" : "by email"; break;
        default: out += fr ? "en privé" : "privately"; break;
      }
      break;
  }
}

const Template& DemoGenerator::Impl::PickTemplate(const Scenario& s) {
  const auto& list = s.templates[L(ctx_.lang)];
  return list[rng_.Below(static_cast<uint32_t>(list.size()))];
}

int DemoGenerator::Impl::PickFreshScenario(Intent intent, int brand, Channel ch) {
  const Pick& p = fresh_[(static_cast<size_t>(intent) * internal::kBrandCount + static_cast<size_t>(brand)) *
                             kChannels + Ch(ch)];
  if (p.ids.empty()) return -1;
  const uint32_t r = rng_.Below(p.cum.back());
  size_t i = 0;
  while (p.cum[i] <= r) ++i;
  return p.ids[i];
}

int DemoGenerator::Impl::PickRoleScenario(Role role, Intent parent_intent, Category parent_cat, int brand,
                                          Channel ch) {
  uint32_t total = 0;
  const auto& ids = by_role_[static_cast<size_t>(role)];
  auto ok = [&](const Scenario& s) {
    return (s.parent_intents & (1u << static_cast<unsigned>(parent_intent))) &&
           (s.parent_categories & (1u << static_cast<unsigned>(parent_cat))) && (s.brand_mask & (1u << brand)) &&
           (s.channel_mask & (1u << Ch(ch))) && !s.templates[L(ctx_.lang)].empty();
  };
  for (uint16_t id : ids)
    if (ok(content_.scenarios[id])) total += content_.scenarios[id].weight;
  if (total == 0) return -1;
  uint32_t r = rng_.Below(total);
  for (uint16_t id : ids) {
    const Scenario& s = content_.scenarios[id];
    if (!ok(s)) continue;
    if (r < s.weight) return id;
    r -= s.weight;
  }
  return -1;
}

int DemoGenerator::Impl::PickCue(const Scenario&, Category cat, int brand) {
  uint32_t total = 0;
  auto ok = [&](const Cue& c) {
    return (c.brand_mask & (1u << brand)) && (c.categories & (1u << static_cast<unsigned>(cat))) &&
           !c.templates[L(ctx_.lang)].empty();
  };
  for (const Cue& c : content_.cues)
    if (ok(c)) total += c.weight;
  if (total == 0) return -1;
  uint32_t r = rng_.Below(total);
  for (size_t i = 0; i < content_.cues.size(); ++i) {
    const Cue& c = content_.cues[i];
    if (!ok(c)) continue;
    if (r < c.weight) return static_cast<int>(i);
    r -= c.weight;
  }
  return -1;
}

void DemoGenerator::Impl::AppendSentence(std::string& out, std::string_view piece) {
  if (piece.empty()) return;
  if (!out.empty() && out.back() != ' ' && out.back() != '\n') out += ' ';
  const size_t at = out.size();
  out += piece;
  CapitalizeAt(out, at);
}

// ---------------------------------------------------------------------------
// People and accounts.

uint64_t DemoGenerator::Impl::PickPersonKey(Lang lang) {
  uint64_t index;
  if (rng_.Chance(350)) index = rng_.Below(rng_.Below(kRegularPeople) + 1);  // skewed: a few write a lot
  else index = kRegularPeople + (rng_.Next() >> 24);
  return index * 2 + L(lang) + 2;  // never 0
}

void DemoGenerator::Impl::MakePerson(uint64_t key, Person& p) {
  Rng r(Mix64(options_.seed ^ 0x9E0F1E, key));
  p.key = key;
  p.lang = (key & 1) ? Lang::kEn : Lang::kFr;
  const size_t l = L(p.lang);
  p.female = r.Below(2) == 0;
  const auto& firsts = p.female ? lex_.first_f[l] : lex_.first_m[l];
  p.first = firsts[r.Below(static_cast<uint32_t>(firsts.size()))];
  p.last = lex_.last[l][r.Below(static_cast<uint32_t>(lex_.last[l].size()))];
  p.ff = AsciiLower(p.first);
  p.fl = AsciiLower(p.last);
  const uint32_t cr = r.Below(100);
  if (p.lang == Lang::kFr) p.country = cr < 78 ? kFR : cr < 88 ? kBE : cr < 95 ? kCH : kCA;
  else p.country = cr < 45 ? kGB : cr < 80 ? kUS : cr < 90 ? kIE : kCA;
  p.handle_style = static_cast<uint8_t>(r.Below(8));
  p.email_style = static_cast<uint8_t>(r.Below(5));
  p.domain = static_cast<uint8_t>(r.Below(5));
  p.display_style = static_cast<uint8_t>(r.Below(20));
  p.d2 = static_cast<uint16_t>(r.Below(100));
  p.d2b = static_cast<uint16_t>(r.Below(100));
  p.year = static_cast<uint16_t>(r.Range(70, 105) % 100);
  // Heavy-tailed audience: most under 500, a few influencers and journalists.
  const uint32_t tier = r.Below(1000);
  if (tier < 900) p.followers = static_cast<int64_t>(r.Below(r.Below(600) + 1)) + r.Range(0, 20);
  else if (tier < 985) p.followers = r.Range(500, 20'000);
  else if (tier < 997) p.followers = r.Range(20'000, 100'000);
  else p.followers = r.Range(100'000, 2'000'000);
  p.verified = p.followers >= 100'000 || (p.followers >= 20'000 && r.Below(5) == 0);
}

std::string Person::Full() const {
  std::string s;
  s.reserve(first.size() + last.size() + 1);
  s += first;
  s += ' ';
  s += last;
  return s;
}

std::string Person::Handle() const {
  std::string h;
  switch (handle_style) {
    case 0: h = ff + fl; break;
    case 1: h = ff + "_" + fl; break;
    case 2: h = ff + fl; AppendPadded(h, d2, 2); break;
    case 3: h = ff.substr(0, 1) + fl; break;
    case 4: h = ff + "_" + fl.substr(0, 1); break;
    case 5: h = ff; CapitalizeAt(h, 0); h += '_'; AppendPadded(h, d2, 2); break;
    case 6: h = fl + ff.substr(0, 3); break;
    default: h = ff; AppendPadded(h, year, 2); break;
  }
  if (h.size() > 15) h.resize(15);
  return h;
}

std::string Person::FacebookHandle() const {
  std::string h = ff + "." + fl + ".";
  AppendPadded(h, d2b, 2);
  return h;
}

std::string Person::Email() const {
  static constexpr std::array<std::string_view, 5> kDomainsFr = {"example.com", "mail.example", "boite.example",
                                                                 "example.net", "courriel.example"};
  static constexpr std::array<std::string_view, 5> kDomainsEn = {"example.com", "mail.example", "post.example",
                                                                 "example.org", "example.net"};
  std::string e;
  switch (email_style) {
    case 0: e = ff + "." + fl; break;
    case 1: e = ff.substr(0, 1) + fl; break;
    case 2: e = ff + "." + fl; AppendPadded(e, d2b, 2); break;
    case 3: e = ff + "_" + fl; break;
    default: e = fl + "." + ff; break;
  }
  e += '@';
  e += lang == Lang::kFr ? kDomainsFr[domain] : kDomainsEn[domain];
  return e;
}

// Phone numbers in ranges reserved for fiction.
std::string Person::Phone() const {
  std::string s;
  if (lang == Lang::kFr) {
    s = "+33 6 39 98 ";
    AppendPadded(s, d2, 2);
    s += ' ';
    AppendPadded(s, d2b, 2);
  } else if (country == kGB || country == kIE) {
    s = "+44 7700 900";
    AppendPadded(s, (d2 * 10u + d2b) % 1000u, 3);
  } else {
    s = "+1 202 555 01";
    AppendPadded(s, d2, 2);
  }
  return s;
}

std::string Person::Display() const {
  switch (display_style) {
    case 0: case 1: case 2: case 3: return first + " " + Initial(last) + ".";
    case 4: case 5: return first;
    case 6: return ff + " " + fl;
    case 7: return first + (female ? " 🌸" : " ⚡");
    case 8: case 9: return Initial(first) + ". " + last;
    default: return Full();
  }
}

void DemoGenerator::Impl::SetPersonAuthor(model::Mention& m, const Person& p) {
  switch (m.channel) {
    case Channel::kEmail:
    case Channel::kChat:
      m.author.handle = p.Email();
      m.author.display_name = p.Full();
      break;
    case Channel::kVoice:
    case Channel::kSms:
      m.author.handle = p.Phone();
      m.author.display_name = p.Full();
      break;
    case Channel::kFacebook:
      m.author.handle = p.FacebookHandle();
      m.author.display_name = p.Full();
      break;
    case Channel::kReview:
    case Channel::kForum:
      m.author.handle = p.Handle();
      m.author.display_name = p.first + " " + Initial(p.last) + ".";
      break;
    default:
      m.author.handle = p.Handle();
      m.author.display_name = p.Display();
      break;
  }
  if (m.channel == Channel::kTwitter || m.channel == Channel::kInstagram || m.channel == Channel::kFacebook ||
      m.channel == Channel::kBlog) {
    m.author.followers = p.followers;
    m.author.verified = p.verified;
  }
  m.country = std::string(kCountries[p.country]);
  m.direction = Direction::kInbound;
}

void DemoGenerator::Impl::SetBrandAuthor(model::Mention& m, int brand, bool care, Lang lang) {
  const BrandInfo& b = Brands()[static_cast<size_t>(brand)];
  const bool fr = lang == Lang::kFr;
  switch (m.channel) {
    case Channel::kEmail:
      m.author.handle = fr ? b.mailbox_fr : b.mailbox_en;
      m.author.display_name = (fr ? "Service client " : "Customer Care ") + b.pub.name;
      break;
    case Channel::kChat:
      m.author.handle = b.slug + "-chat";
      m.author.display_name = (ctx_.agent.empty() ? std::string("Agent") : ctx_.agent) + " (" + b.pub.name + ")";
      break;
    case Channel::kSms:
      m.author.handle = AsciiLower(b.pub.name);
      m.author.handle[0] = static_cast<char>(m.author.handle[0] - 32);
      m.author.display_name = b.pub.name;
      break;
    default:
      if (care) {
        m.author.handle = fr ? b.pub.care_handle : b.care_en;
        m.author.display_name = fr ? b.care_name_fr : b.care_name_en;
        m.author.followers = b.followers / 9;
      } else {
        m.author.handle = b.pub.handle;
        m.author.display_name = b.pub.name;
        m.author.followers = b.followers;
      }
      m.author.verified = true;
      break;
  }
  m.direction = Direction::kOutbound;
}

// ---------------------------------------------------------------------------
// Messages.

std::string DemoGenerator::Impl::NativeId(Channel ch, uint64_t counter) const {
  std::string id = "demo-";
  id += kIdPrefix[Ch(ch)];
  id += '-';
  AppendPadded(id, counter, 8);
  return id;
}

void DemoGenerator::Impl::SetLabels(model::Mention& m, const Labels& l, Lang lang, int brand) {
  // Inserted in key order with an end hint: no key comparisons to speak of.
  auto& a = m.attributes;
  auto put = [&a](std::string_view k, std::string_view v) {
    a.emplace_hint(a.end(), std::piecewise_construct, std::forward_as_tuple(k), std::forward_as_tuple(v));
  };
  put("demo.brand", Brands()[static_cast<size_t>(brand)].pub.name);
  put("demo.category", internal::CategoryName(l.category));
  if (l.cue >= 0) put("demo.cue", content_.cues[static_cast<size_t>(l.cue)].id);
  put("demo.intent", internal::IntentName(l.intent));
  put("demo.lang", lang == Lang::kFr ? "fr" : "en");
  put("demo.needs_reply", l.needs_reply ? "true" : "false");
  if (l.scenario >= 0) put("demo.scenario", content_.scenarios[static_cast<size_t>(l.scenario)].id);
  put("demo.sentiment", internal::SentimentName(l.sentiment));
  put("demo.severity", internal::SeverityName(l.severity));
  m.language = "und";
  m.language_confidence = 0;
  m.language_declared = false;
}

void DemoGenerator::Impl::SetEngagement(model::Mention& m) {
  auto& e = m.engagement;
  switch (m.channel) {
    case Channel::kTwitter:
    case Channel::kInstagram: {
      const int64_t f = m.author.followers.value_or(100);
      e.views = f / 4 + rng_.Range(0, f / 2 + 20);
      e.likes = e.views / rng_.Range(30, 400) + (rng_.Chance(300) ? rng_.Range(0, 5) : 0);
      e.reshares = m.channel == Channel::kTwitter ? e.likes / rng_.Range(3, 12) : 0;
      e.replies = rng_.Chance(200) ? rng_.Range(1, 6) : 0;
      break;
    }
    case Channel::kFacebook:
      e.likes = rng_.Chance(400) ? rng_.Range(1, 40) : 0;
      e.reshares = rng_.Chance(50) ? rng_.Range(1, 10) : 0;
      break;
    case Channel::kForum:
    case Channel::kBlog:
    case Channel::kNews:
      e.views = rng_.Range(20, 3000);
      e.replies = rng_.Chance(300) ? rng_.Range(1, 12) : 0;
      break;
    case Channel::kReview:
      e.likes = rng_.Chance(200) ? rng_.Range(1, 15) : 0;  // "helpful" votes
      break;
    default:
      break;
  }
}

void DemoGenerator::Impl::SetUrl(model::Mention& m, const std::string& slug_source) {
  const bool fr = ctx_.lang == Lang::kFr;
  const BrandInfo& b = Brands()[static_cast<size_t>(ctx_.brand)];
  switch (m.channel) {
    case Channel::kTwitter:
      m.url = "https://x.example/" + m.author.handle + "/status/" + m.native_id;
      m.source = "demo:twitter";
      break;
    case Channel::kFacebook:
      m.url = "https://facebook.example/" + b.pub.handle + "/posts/" + m.native_id;
      m.source = "demo:facebook/" + b.pub.handle;
      break;
    case Channel::kInstagram:
      m.url = "https://instagram.example/p/" + m.native_id;
      m.source = "demo:instagram";
      break;
    case Channel::kForum: {
      const std::string host = fr ? "forum.entraide-conso.example" : "forum.consumer-help.example";
      if (m.reply_to.empty()) m.url = "https://" + host + "/t/" + Slugify(slug_source, 60) + "/" + m.native_id;
      else m.url = "https://" + host + "/p/" + m.native_id;
      m.source = "demo:" + host;
      break;
    }
    case Channel::kBlog: {
      std::string date = base::FormatTimestamp(m.created_at);
      m.url = "https://" + AsciiLower(m.author.handle) + ".blog.example/" + date.substr(0, 4) + "/" +
              date.substr(5, 2) + "/" + Slugify(slug_source, 60);
      m.source = "demo:blog";
      break;
    }
    case Channel::kNews:
      m.url = "https://" + m.author.handle + ".example/" + (fr ? "economie/" : "business/") +
              Slugify(slug_source, 60) + "-" + m.native_id.substr(8);
      m.source = "demo:news/" + m.author.handle;
      break;
    case Channel::kReview: {
      const std::string host = fr ? "avis-clients.example" : "customer-reviews.example";
      m.url = "https://" + host + "/" + b.slug + "/" + m.native_id;
      m.source = "demo:" + host;
      break;
    }
    case Channel::kEmail: m.source = "demo:mailbox/" + (fr ? b.mailbox_fr : b.mailbox_en); break;
    case Channel::kChat: m.source = "demo:chat/" + b.slug; break;
    case Channel::kVoice: m.source = "demo:calls/" + b.slug; break;
    case Channel::kSms: m.source = "demo:sms/" + b.slug; break;
    case Channel::kOther: m.source = "demo:other"; break;
  }
}

const Recent* DemoGenerator::Impl::PickRecent(Channel ch, bool (*accept)(const Recent&)) {
  const Ring& ring = rings_[Ch(ch)];
  if (ring.filled == 0) return nullptr;
  for (int attempt = 0; attempt < 8; ++attempt) {
    const Recent& r = ring.entries[rng_.Below(static_cast<uint32_t>(ring.filled))];
    if (r.counter != 0 && accept(r)) return &r;
  }
  return nullptr;
}

void DemoGenerator::Impl::Informal(std::string& text, const Labels& labels, uint32_t abbrev, uint32_t typo,
                                   uint32_t caps) {
  if (rng_.Chance(abbrev)) Abbreviate(text, ctx_.lang, rng_, 600);
  if (rng_.Chance(typo)) AddTypo(text, rng_);
  const bool negative = labels.sentiment == Sentiment::kNegative;
  if (rng_.Chance(negative ? 150 : labels.sentiment == Sentiment::kPositive ? 80 : 20)) Elongate(text, ctx_.lang, rng_);
  if (negative && rng_.Chance(250)) Exclaim(text);
  if (labels.intent == Intent::kComplaint && labels.severity >= Severity::kMedium && rng_.Chance(caps))
    UppercaseText(text);
}

void DemoGenerator::Impl::ComposeCore(const Scenario& s, const Template& t, Labels& labels, std::string& title,
                                      std::string& core, uint32_t cue_per_mille, uint32_t demand_per_mille) {
  title.clear();
  core.clear();
  if (!t.title.empty()) Render(t.title, title);
  Render(t.body, core);
  CapitalizeAt(core, 0);
  if (labels.intent != Intent::kComplaint) return;
  if (s.cues && rng_.Chance(cue_per_mille)) {
    const int cue = PickCue(s, labels.category, ctx_.brand);
    if (cue >= 0) {
      const Cue& c = content_.cues[static_cast<size_t>(cue)];
      scratch2_.clear();
      Render(c.templates[L(ctx_.lang)][rng_.Below(static_cast<uint32_t>(c.templates[L(ctx_.lang)].size()))].body,
             scratch2_);
      if (c.id == "repetition" && rng_.Chance(300)) {
        std::string joined;
        AppendSentence(joined, scratch2_);
        AppendSentence(joined, core);
        core.swap(joined);
      } else {
        AppendSentence(core, scratch2_);
      }
      labels.cue = cue;
      labels.severity = std::max(labels.severity, c.severity);
    }
  }
  if (labels.category != Category::kNone && labels.category != Category::kInherit &&
      rng_.Chance(demand_per_mille)) {
    scratch2_.clear();
    RenderPart(p_demand_[static_cast<size_t>(labels.category)], scratch2_);
    AppendSentence(core, scratch2_);
  }
}

// Wraps a customer's own message (not a reply) in its channel's shape.
void DemoGenerator::Impl::ShapeCustomer(model::Mention& m, const Labels& labels, std::string& title,
                                        std::string& core, const Person& p) {
  const BrandInfo& b = Brands()[static_cast<size_t>(ctx_.brand)];
  const bool fr = ctx_.lang == Lang::kFr;
  const bool asks = labels.intent == Intent::kComplaint || labels.intent == Intent::kQuestion;
  std::string& text = m.text;
  switch (m.channel) {
    case Channel::kTwitter: {
      const uint32_t lead = asks ? 550 : labels.intent == Intent::kPraise ? 400 : 150;
      if (rng_.Chance(lead)) {
        text += '@';
        text += rng_.Chance(350) ? (fr ? b.pub.care_handle : b.care_en) : b.pub.handle;
        text += ' ';
        if (rng_.Chance(300)) LowercaseAt(core, 0);
      }
      text += core;
      if (labels.sentiment == Sentiment::kNegative && rng_.Chance(350)) {
        text += ' ';
        RenderPart(p_emoji_neg_, text);
      } else if (labels.sentiment == Sentiment::kPositive && rng_.Chance(450)) {
        text += ' ';
        RenderPart(p_emoji_pos_, text);
      }
      if (labels.sentiment != Sentiment::kNeutral && rng_.Chance(150)) {
        text += ' ';
        RenderPart(labels.sentiment == Sentiment::kPositive ? p_tag_pos_ : p_tag_neg_, text);
      }
      Informal(text, labels, 450, 120, 250);
      if (rng_.Chance(40)) {
        text += " https://pic.x.example/";
        AppendCode(text, 8);
      }
      TruncateUtf8(text, 280);
      break;
    }
    case Channel::kFacebook:
      text = core;
      if (rng_.Chance(300)) {
        text += ' ';
        RenderPart(labels.sentiment == Sentiment::kNegative  ? p_emoji_neg_
                   : labels.sentiment == Sentiment::kPositive ? p_emoji_pos_
                                                              : p_emoji_neu_,
                   text);
      }
      Informal(text, labels, 200, 80, 100);
      break;
    case Channel::kInstagram:
      text = core;
      if (rng_.Chance(600)) {
        const uint32_t emoji = labels.sentiment == Sentiment::kNegative   ? p_emoji_neg_
                               : labels.sentiment == Sentiment::kPositive ? p_emoji_pos_
                                                                          : p_emoji_neu_;
        text += ' ';
        RenderPart(emoji, text);
        if (rng_.Chance(400)) RenderPart(emoji, text);
      }
      if (rng_.Chance(350)) {
        text += " #";
        text += AsciiLower(b.pub.name);
        if (labels.sentiment != Sentiment::kNeutral) {
          text += ' ';
          RenderPart(labels.sentiment == Sentiment::kPositive ? p_tag_pos_ : p_tag_neg_, text);
        }
      }
      Informal(text, labels, 250, 80, 100);
      break;
    case Channel::kForum: {
      if (labels.intent == Intent::kNoise) {
        m.title = core;
        TruncateUtf8(m.title, 50);
      } else {
        const Category tc = labels.category == Category::kInherit ? Category::kNone : labels.category;
        RenderPart(p_title_[static_cast<size_t>(tc)], m.title);
      }
      if (!StartsWithGreeting(core)) {
        RenderPart(p_forum_open_, text);
        text += "\n\n";
      }
      if (rng_.Chance(500)) {
        RenderPart(labels.intent == Intent::kComplaint  ? p_forum_context_neg_
                   : labels.intent == Intent::kQuestion ? p_forum_context_q_
                                                        : p_forum_context_neu_,
                   text);
        text += ' ';
      }
      AppendSentence(text, core);
      if (labels.intent == Intent::kComplaint) {
        text += "\n\n";
        RenderPart(p_forum_ask_, text);
      }
      text += "\n\n";
      RenderPart(p_forum_close_, text);
      break;
    }
    case Channel::kBlog:
      if (!title.empty()) {
        m.title = title;
        text = core;
      } else {
        if (labels.intent == Intent::kNoise) {
          m.title = core;
          TruncateUtf8(m.title, 60);
        } else {
          RenderPart(p_blog_title_[static_cast<size_t>(labels.sentiment)], m.title);
        }
        if (labels.intent == Intent::kComplaint || labels.intent == Intent::kPraise ||
            labels.intent == Intent::kChatter) {
          RenderPart(labels.intent == Intent::kComplaint ? p_forum_context_neg_ : p_forum_context_neu_, text);
          AppendSentence(text, core);
          text += "\n\n";
          RenderPart(p_blog_close_, text);
        } else {
          text = core;
        }
      }
      break;
    case Channel::kNews:
      m.title = title.empty() ? core.substr(0, 80) : title;
      text = core;
      break;
    case Channel::kReview: {
      int rating;
      if (labels.intent == Intent::kComplaint) {
        rating = labels.severity >= Severity::kHigh ? 1 : rng_.Chance(labels.severity == Severity::kMedium ? 700 : 550) ? 1 : 2;
      } else if (labels.intent == Intent::kPraise) {
        rating = rng_.Chance(750) ? 5 : 4;
      } else {
        rating = labels.sentiment == Sentiment::kNegative ? (rng_.Chance(500) ? 2 : 3)
                 : labels.sentiment == Sentiment::kPositive ? 4
                                                             : 3;
      }
      RenderPart(p_review_title_[rating - 1], m.title);
      text = core;
      if (rating <= 2 && rng_.Chance(500)) {
        text += ' ';
        RenderPart(p_review_neg_, text);
      } else if (rating >= 4 && rng_.Chance(500)) {
        text += ' ';
        RenderPart(p_review_pos_, text);
      }
      m.attributes.emplace("rating", std::string(1, static_cast<char>('0' + rating)));
      break;
    }
    case Channel::kEmail: {
      if (!title.empty()) {
        m.title = title;
      } else if (labels.intent == Intent::kNoise) {
        RenderPart(p_subject_noise_, m.title);
      } else if (labels.intent == Intent::kQuestion) {
        RenderPart(p_subject_question_, m.title);
      } else {
        const Category tc = labels.category == Category::kInherit ? Category::kNone : labels.category;
        RenderPart(p_subject_[static_cast<size_t>(tc)], m.title);
      }
      if (labels.intent != Intent::kNoise) {
        RenderPart(p_email_greet_, text);
        text += "\n\n";
      }
      text += core;
      if (asks && labels.category != Category::kNone && rng_.Chance(700)) {
        text += "\n\n";
        RenderPart(p_email_ref_, text);
      }
      if (labels.intent != Intent::kNoise || !title.empty()) {
        text += "\n\n";
        RenderPart(p_email_close_, text);
        text += '\n';
        text += p.Full();
      }
      break;
    }
    case Channel::kChat:
      if (!StartsWithGreeting(core) && rng_.Chance(450)) {
        RenderPart(p_chat_open_, text);
        if (!text.empty() && text.back() != ' ') text += ' ';
        if (rng_.Chance(800)) LowercaseAt(core, 0);
      }
      text += core;
      Informal(text, labels, 250, 80, 50);
      break;
    case Channel::kVoice: {
      const bool agent_label = rng_.Chance(250);
      FillSlot(Slot::kAgent, scratch_);  // choose the agent
      scratch_.clear();
      const std::string agent = fr ? (agent_label ? "Agent" : ctx_.agent_female ? "Conseillère" : "Conseiller")
                                   : "Agent";
      const std::string client = fr ? "Client" : (rng_.Chance(400) ? "Client" : "Customer");
      const std::string sep = fr ? " : " : ": ";
      auto turn = [&](const std::string& who) {
        if (!text.empty()) text += '\n';
        text += who;
        text += sep;
      };
      turn(agent);
      RenderPart(p_voice_open_, text);
      turn(client);
      if (!StartsWithGreeting(core)) {
        const bool comma = rng_.Chance(500);
        text += fr ? (comma ? "Oui bonjour, " : "Bonjour. ") : (comma ? "Hello, yes. " : "Hi. ");
        if (fr && comma) LowercaseAt(core, 0);
      }
      text += core;
      turn(agent);
      RenderPart(labels.intent == Intent::kComplaint ? p_voice_askref_neg_ : p_voice_askref_q_, text);
      turn(client);
      RenderPart(p_voice_giveref_, text);
      turn(agent);
      RenderPart(labels.intent == Intent::kComplaint ? p_voice_escalate_ : p_voice_answer_, text);
      turn(client);
      RenderPart(labels.intent == Intent::kComplaint && rng_.Chance(500) ? p_voice_neg_ : p_voice_ok_, text);
      turn(agent);
      RenderPart(p_voice_close_, text);
      m.attributes.emplace("call_duration_s", std::to_string(rng_.Range(60, 1500)));
      break;
    }
    case Channel::kSms:
      if (!StartsWithGreeting(core)) RenderPart(p_sms_open_, text);
      if (!text.empty() && rng_.Chance(500)) LowercaseAt(core, 0);
      text += core;
      Informal(text, labels, 600, 100, 150);
      TruncateUtf8(text, 320);
      break;
    case Channel::kOther:
      text = core;
      break;
  }
}

void DemoGenerator::Impl::EmitOriginal(Channel ch, Lang lang, model::Mention& m, Emitted& e) {
  const ChannelPlan& plan = kPlans[Ch(ch)];
  // Brand.
  static const uint32_t kBrandTotal = [] {
    uint32_t t = 0;
    for (const BrandInfo& b : Brands()) t += b.weight;
    return t;
  }();
  int brand = 0;
  {
    uint32_t r = rng_.Below(kBrandTotal);
    while (r >= Brands()[static_cast<size_t>(brand)].weight) r -= Brands()[static_cast<size_t>(brand++)].weight;
  }
  // Intent and scenario.
  int scenario = -1;
  const uint32_t intent_total = [&] {
    uint32_t t = 0;
    for (uint32_t w : plan.intents) t += w;
    return t;
  }();
  for (int attempt = 0; attempt < 6 && scenario < 0; ++attempt) {
    uint32_t r = rng_.Below(intent_total);
    int intent = 0;
    while (r >= plan.intents[static_cast<size_t>(intent)]) r -= plan.intents[static_cast<size_t>(intent++)];
    scenario = PickFreshScenario(static_cast<Intent>(intent), brand, ch);
  }
  if (scenario < 0) scenario = PickFreshScenario(Intent::kComplaint, brand, ch);
  if (scenario < 0) scenario = PickFreshScenario(Intent::kChatter, 0, Channel::kTwitter);
  ECOUTE_CHECK(scenario >= 0);
  const Scenario& s = content_.scenarios[static_cast<size_t>(scenario)];

  ctx_.lang = lang;
  ctx_.brand = brand;
  Labels labels;
  labels.intent = s.intent;
  labels.category = s.category;
  labels.severity = s.severity;
  labels.sentiment = s.sentiment;
  labels.needs_reply = s.needs_reply;
  labels.scenario = scenario;

  e.brand = brand;
  e.lang = lang;
  const Person* person = nullptr;
  bool outlet_author = false;
  if (s.author == AuthorKind::kPerson || (s.author == AuthorKind::kOutlet && ch == Channel::kBlog)) {
    MakePerson(PickPersonKey(lang), author_);
    person = &author_;
    ctx_.country = author_.country;
  } else {
    ctx_.country = lang == Lang::kFr ? kFR : kGB;
    outlet_author = s.author == AuthorKind::kOutlet;
  }
  ctx_.author = person;
  ctx_.customer = person;
  ctx_.variants = IsSocial(ch) || ((ch == Channel::kForum || ch == Channel::kReview) && rng_.Chance(150));
  if (s.author != AuthorKind::kPerson) ctx_.variants = false;

  const Template& t = PickTemplate(s);
  std::string title, core;
  ComposeCore(s, t, labels, title, core, plan.cue, plan.demand);
  if (ch == Channel::kVoice && labels.intent == Intent::kQuestion) labels.needs_reply = false;  // answered in the call

  if (person) {
    SetPersonAuthor(m, *person);
    ShapeCustomer(m, labels, title, core, *person);
    e.person = true;
    e.customer_key = person->key;
  } else if (outlet_author) {
    const auto& outlets = lex_.outlets[L(lang)];
    const std::string& outlet = outlets[rng_.Below(static_cast<uint32_t>(outlets.size()))];
    m.author.handle = Slugify(outlet, 40);
    m.author.handle.erase(std::remove(m.author.handle.begin(), m.author.handle.end(), '-'), m.author.handle.end());
    m.author.display_name = outlet;
    uint64_t h = 1469598103934665603ull;  // FNV-1a: a stable audience per outlet
    for (char c : m.author.handle) h = (h ^ static_cast<unsigned char>(c)) * 1099511628211ull;
    m.author.followers = 40'000 + static_cast<int64_t>(h % 900'000);
    m.author.verified = true;
    m.direction = Direction::kInbound;
    m.country = lang == Lang::kFr ? "FR" : "GB";
    if (ch == Channel::kTwitter) {
      m.text = title.empty() ? core : title;
      m.text += " https://";
      m.text += m.author.handle;
      m.text += ".example/";
      m.text += lang == Lang::kFr ? "economie/" : "business/";
      m.text += Slugify(title.empty() ? core : title, 60);
    } else {
      m.title = title;
      m.text = core;
    }
  } else {
    SetBrandAuthor(m, brand, false, lang);
    if (!title.empty()) m.title = title;
    m.text = core;
    if (ch == Channel::kBlog && m.title.empty()) {
      m.title = core;
      TruncateUtf8(m.title, 60);
    }
    if (ch == Channel::kInstagram && rng_.Chance(600)) {
      m.text += ' ';
      RenderPart(p_emoji_pos_, m.text);
    }
  }
  e.labels = labels;
  e.title = m.title;
  SetLabels(m, labels, lang, brand);
}

bool DemoGenerator::Impl::EmitReshare(Channel ch, model::Mention& m, Emitted& e) {
  const Recent* p = PickRecent(ch, [](const Recent& r) { return !r.reshare && r.counter == r.root; });
  if (!p) return false;
  ctx_.lang = p->lang;
  ctx_.brand = p->brand;
  MakePerson(PickPersonKey(p->lang), author_);
  ctx_.country = author_.country;
  ctx_.author = ctx_.customer = &author_;
  SetPersonAuthor(m, author_);
  m.reshare_of = NativeId(ch, p->counter);
  if (ch == Channel::kTwitter) {
    m.text = "RT @" + p->handle + ": " + p->text;
    TruncateUtf8(m.text, 280);
  } else {
    m.text = p->text;
  }
  Labels l = p->labels;
  l.needs_reply = false;
  e.labels = l;
  e.brand = p->brand;
  e.lang = p->lang;
  e.reshare = true;
  e.person = true;
  e.root = p->root;
  SetLabels(m, l, p->lang, p->brand);
  return true;
}

bool DemoGenerator::Impl::EmitQuote(Channel ch, model::Mention& m, Emitted& e) {
  const Recent* p = PickRecent(ch, [](const Recent& r) { return !r.reshare && r.counter == r.root; });
  if (!p) return false;
  ctx_.lang = p->lang;
  ctx_.brand = p->brand;
  const int id = PickRoleScenario(Role::kQuote, p->labels.intent, p->labels.category, p->brand, ch);
  if (id < 0) return false;
  const Scenario& s = content_.scenarios[static_cast<size_t>(id)];
  MakePerson(PickPersonKey(p->lang), author_);
  ctx_.country = author_.country;
  ctx_.author = ctx_.customer = &author_;
  ctx_.variants = true;
  SetPersonAuthor(m, author_);
  Labels l = ScenarioLabels(s, id, p->labels.category);
  Render(PickTemplate(s).body, m.text);
  CapitalizeAt(m.text, 0);
  Informal(m.text, l, 300, 80, 0);
  m.text += ' ';
  m.text += p->url;
  m.quote_of = NativeId(ch, p->counter);
  e.labels = l;
  e.brand = p->brand;
  e.lang = p->lang;
  e.person = true;
  e.customer_key = author_.key;
  SetLabels(m, l, p->lang, p->brand);
  return true;
}

bool DemoGenerator::Impl::EmitPeer(Channel ch, model::Mention& m, Emitted& e) {
  const Recent* p = PickRecent(ch, [](const Recent& r) { return !r.reshare && r.labels.intent != Intent::kReply; });
  if (!p) return false;
  ctx_.lang = p->lang;
  ctx_.brand = p->brand;
  const int id = PickRoleScenario(Role::kPeer, p->labels.intent, p->labels.category, p->brand, ch);
  if (id < 0) return false;
  const Scenario& s = content_.scenarios[static_cast<size_t>(id)];
  MakePerson(PickPersonKey(p->lang), author_);
  ctx_.country = author_.country;
  ctx_.author = ctx_.customer = &author_;
  ctx_.variants = IsSocial(ch);
  SetPersonAuthor(m, author_);
  Labels l = ScenarioLabels(s, id, p->labels.category);
  std::string body;
  Render(PickTemplate(s).body, body);
  CapitalizeAt(body, 0);
  if (ch == Channel::kTwitter) {
    m.text = "@" + p->handle + " " + body;
    Informal(m.text, l, 450, 120, 0);
    TruncateUtf8(m.text, 280);
  } else if (ch == Channel::kForum) {
    m.text = (rng_.Chance(400) ? "@" + p->handle + " " : std::string()) + body;
  } else {
    m.text = body;
    Informal(m.text, l, 200, 80, 0);
  }
  m.reply_to = NativeId(ch, p->counter);
  m.thread_id = NativeId(ch, p->root);
  e.labels = l;
  e.brand = p->brand;
  e.lang = p->lang;
  e.root = p->root;
  e.person = true;
  e.customer_key = author_.key;
  SetLabels(m, l, p->lang, p->brand);
  return true;
}

void DemoGenerator::Impl::EmitFresh(base::Timestamp t, model::Mention& m, Emitted& e) {
  const Channel ch = PickChannel(t);
  m.channel = ch;
  ctx_.channel = ch;
  const Lang lang = rng_.Chance32(french_p32_) || french_p32_ == 0xFFFFFFFFu ? Lang::kFr : Lang::kEn;
  const ChannelPlan& plan = kPlans[Ch(ch)];
  const uint32_t r = rng_.Below(1000);
  if (r < plan.reshare) {
    if (EmitReshare(ch, m, e)) return;
  } else if (r < plan.reshare + plan.quote) {
    if (EmitQuote(ch, m, e)) return;
  } else if (r < plan.reshare + plan.quote + plan.peer) {
    if (EmitPeer(ch, m, e)) return;
  }
  m = model::Mention();
  m.channel = ch;
  m.created_at = t;
  EmitOriginal(ch, lang, m, e);
}

void DemoGenerator::Impl::EmitEvent(const Event& ev, model::Mention& m, Emitted& e) {
  const Channel ch = ev.channel;
  m.channel = ch;
  ctx_.channel = ch;
  ctx_.lang = ev.lang;
  ctx_.brand = ev.brand;
  ctx_.ref = ev.ref;
  MakePerson(ev.customer_key, customer_);
  ctx_.customer = &customer_;
  ctx_.country = customer_.country;
  const BrandInfo& b = Brands()[static_cast<size_t>(ev.brand)];
  const bool fr = ev.lang == Lang::kFr;
  Labels l;
  std::string body;
  if (ev.kind == EventKind::kBrandReply) {
    ctx_.author = nullptr;
    ctx_.variants = false;
    int id = PickRoleScenario(Role::kBrand, ev.parent_intent, ev.category, ev.brand, ch);
    if (id < 0) id = PickRoleScenario(Role::kBrand, Intent::kComplaint, ev.category, ev.brand, ch);
    ECOUTE_CHECK(id >= 0);
    const Scenario& s = content_.scenarios[static_cast<size_t>(id)];
    l = ScenarioLabels(s, id, ev.category);
    FillSlot(Slot::kAgent, scratch_);  // the signing agent
    scratch_.clear();
    Render(PickTemplate(s).body, body);
    CapitalizeAt(body, 0);
    SetBrandAuthor(m, ev.brand, true, ev.lang);
    switch (ch) {
      case Channel::kTwitter: {
        std::string initials = AsciiLower(ctx_.agent).substr(0, 1);
        initials += static_cast<char>('a' + rng_.Below(26));
        CapitalizeAt(initials, 0);
        CapitalizeAt(initials, 1);
        m.text = "@" + customer_.Handle() + " " + body + " ^" + initials;
        TruncateUtf8(m.text, 280);
        break;
      }
      case Channel::kFacebook:
      case Channel::kInstagram:
        m.text = body + " ^" + ctx_.agent;
        break;
      case Channel::kForum:
        m.text = body + "\n\n" + ctx_.agent + (fr ? ", équipe " : ", ") + b.pub.name + (fr ? "" : " team");
        break;
      case Channel::kReview:
        m.title = fr ? "Réponse de " + b.pub.name : "Response from " + b.pub.name;
        m.text = body + "\n" + (fr ? "L'équipe " + b.pub.name : "The " + b.pub.name + " team");
        break;
      case Channel::kEmail: {
        m.title = "RE: " + ev.title;
        // The template greets by first name; e-mail replies greet formally instead.
        const size_t comma = body.find(", ");
        if (comma != std::string::npos && comma < 40 && body.find(customer_.first) < comma) {
          body.erase(0, comma + 2);
          CapitalizeAt(body, 0);
        }
        std::string greet = fr ? (customer_.female ? "Bonjour Madame " : "Bonjour Monsieur ")
                               : (customer_.female ? "Dear Ms " : "Dear Mr ");
        m.text = greet + customer_.last + ",\n\n" + body + "\n\n" + (fr ? "Cordialement,\n" : "Kind regards,\n") +
                 ctx_.agent + "\n" + (fr ? "Service client " + b.pub.name : b.pub.name + " Customer Care");
        break;
      }
      case Channel::kSms:
        m.text = body + " - " + b.pub.name;
        break;
      default:
        m.text = body;
        break;
    }
    e.outbound = true;
    e.person = false;
  } else {
    ctx_.author = &customer_;
    ctx_.variants = IsSocial(ch);
    int id = PickRoleScenario(Role::kFollowup, Intent::kReply, ev.category, ev.brand, ch);
    ECOUTE_CHECK(id >= 0);
    const Scenario& s = content_.scenarios[static_cast<size_t>(id)];
    l = ScenarioLabels(s, id, ev.category);
    std::string title;
    ComposeCore(s, PickTemplate(s), l, title, body, 250, 0);
    SetPersonAuthor(m, customer_);
    switch (ch) {
      case Channel::kTwitter:
        m.text = "@" + std::string(fr ? b.pub.care_handle : b.care_en) + " " + body;
        Informal(m.text, l, 450, 120, 250);
        TruncateUtf8(m.text, 280);
        break;
      case Channel::kEmail:
        m.title = "RE: " + ev.title;
        m.text = std::string(fr ? "Bonjour,\n\n" : "Hello,\n\n") + body + "\n\n" + customer_.first;
        break;
      case Channel::kForum:
      case Channel::kReview:
        m.text = body;
        break;
      default:
        m.text = body;
        Informal(m.text, l, 300, 80, 100);
        break;
    }
    e.person = true;
  }
  m.reply_to = NativeId(ch, ev.parent);
  m.thread_id = NativeId(ch, ev.root);
  e.labels = l;
  e.brand = ev.brand;
  e.lang = ev.lang;
  e.root = ev.root;
  e.customer_key = ev.customer_key;
  e.depth = ev.depth;
  e.title = ev.title;
  SetLabels(m, l, ev.lang, ev.brand);
}

// ---------------------------------------------------------------------------
// Threads.

void DemoGenerator::Impl::Remember(const model::Mention& m, uint64_t counter, const Emitted& e) {
  Ring& ring = rings_[Ch(m.channel)];
  Recent& r = ring.entries[ring.next];
  ring.next = (ring.next + 1) % kRingSize;
  ring.filled = std::min(ring.filled + 1, kRingSize);
  r.counter = counter;
  r.root = e.root == 0 ? counter : e.root;
  r.reshare = e.reshare;
  r.brand = e.brand;
  r.lang = e.lang;
  r.labels = e.labels;
  r.handle = m.author.handle;
  r.text = m.text;
  r.url = m.url;
}

base::Timestamp DemoGenerator::Impl::CareHours(base::Timestamp t) {
  const int hour = HourOfWeek(t) % 24;
  if (hour >= 8 && hour < 22) return t;
  const int64_t local = t + kParisOffsetMs;
  int64_t morning = FloorDiv(local, kMsPerDay) * kMsPerDay + 8 * kMsPerHour;
  if (hour >= 22) morning += kMsPerDay;
  return morning - kParisOffsetMs + rng_.Range(0, 90) * kMsPerMinute;
}

void DemoGenerator::Impl::Push(Event ev) {
  if (pending_.size() >= kMaxPending) return;
  if (ctx_.ref.empty()) AppendRef();  // one reference for the whole thread
  ev.ref = ctx_.ref;
  ev.seq = ++seq_;
  pending_.push_back(std::move(ev));
  std::push_heap(pending_.begin(), pending_.end(), EventLater());
}

void DemoGenerator::Impl::Schedule(const model::Mention& m, uint64_t counter, const Emitted& e) {
  const ChannelPlan& plan = kPlans[Ch(m.channel)];
  if (e.reshare) return;
  auto delay = [&](int64_t min, int64_t mean) {
    return min + static_cast<int64_t>(MulShift16(static_cast<uint64_t>(mean), ExpQ16(rng_.Next())) >> 16);
  };
  Event ev;
  ev.channel = m.channel;
  ev.brand = e.brand;
  ev.lang = e.lang;
  ev.parent = counter;
  ev.root = e.root == 0 ? counter : e.root;
  ev.customer_key = e.customer_key;
  ev.title = e.title;

  ev.depth = e.depth + 1;
  const int max_depth = m.channel == Channel::kChat ? 6 : 5;
  if (e.depth >= max_depth) return;
  if (!e.outbound && e.person) {
    // The brand answers some customers.
    uint32_t chance = 0;
    if (e.labels.needs_reply) chance = e.depth == 0 ? plan.brand_reply : plan.brand_reply * 4 / 5;
    if (!m.reply_to.empty() && e.depth == 0) chance /= 2;  // someone else's thread
    else if (e.labels.intent == Intent::kPraise && e.depth == 0) chance = plan.praise_reply;
    if (chance == 0 || !rng_.Chance(chance)) return;
    ev.kind = EventKind::kBrandReply;
    ev.parent_intent = e.labels.intent;
    ev.category = e.labels.category;
    ev.due = CareHours(m.created_at + delay(plan.reply_min, plan.reply_mean));
    Push(std::move(ev));
  } else if (e.outbound && e.customer_key != 0 && e.labels.intent == Intent::kReply &&
             e.labels.sentiment != Sentiment::kPositive && e.labels.category != Category::kNone) {
    // The customer writes again.
    if (!rng_.Chance(plan.followup)) return;
    ev.kind = EventKind::kFollowup;
    ev.parent_intent = Intent::kReply;
    ev.category = e.labels.category;
    ev.due = m.created_at + delay(plan.follow_min, plan.follow_mean);
    Push(std::move(ev));
  }
}

model::Mention DemoGenerator::Impl::Next() {
  const base::Timestamp t = NextSlot();
  model::Mention m;
  Emitted e;
  ctx_.Reset();
  ctx_.now = t;
  if (!pending_.empty() && pending_.front().due <= t) {
    std::pop_heap(pending_.begin(), pending_.end(), EventLater());
    Event ev = std::move(pending_.back());
    pending_.pop_back();
    m.created_at = t;
    EmitEvent(ev, m, e);
  } else {
    m.created_at = t;
    EmitFresh(t, m, e);
  }
  m.created_at = std::max(t, last_);
  last_ = m.created_at;
  const uint64_t counter = ++counters_[Ch(m.channel)];
  m.native_id = NativeId(m.channel, counter);
  Tidy(m.text);
  Tidy(m.title);
  if (m.text.empty()) m.text = "…";  // never empty
  SetUrl(m, m.title.empty() ? m.text : m.title);
  SetEngagement(m);
  Remember(m, counter, e);
  Schedule(m, counter, e);
  ++count_;
  return m;
}

DemoGenerator::DemoGenerator(DemoOptions options) : impl_(std::make_unique<Impl>(options)) {}
DemoGenerator::~DemoGenerator() = default;
DemoGenerator::DemoGenerator(DemoGenerator&&) noexcept = default;
DemoGenerator& DemoGenerator::operator=(DemoGenerator&&) noexcept = default;
model::Mention DemoGenerator::Next() { return impl_->Next(); }
uint64_t DemoGenerator::count() const { return impl_->count(); }

}  // namespace ecoute::demo
