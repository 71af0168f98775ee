#include "store/store.h"

#include <array>
#include <string>

#include "base/ascii.h"

namespace ecoute::store {
namespace {

using base::EqualsIgnoreAsciiCase;

// A cursor is 17 bytes: a format byte, then created_at and id as big-endian
// int64, written as unpadded base64url (23 characters, safe in a URL query).
constexpr uint8_t kCursorFormat = 1;
constexpr size_t kCursorBytes = 17;
constexpr size_t kCursorChars = 23;  // ceil(17 * 8 / 6)
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

int DecodeChar(char c) {
  if (c >= 'A' && c <= 'Z') return c - 'A';
  if (c >= 'a' && c <= 'z') return c - 'a' + 26;
  if (c >= '0' && c <= '9') return c - '0' + 52;
  if (c == '-') return 62;
  if (c == '_') return 63;
  return -1;
}

void PutInt64(uint8_t* out, int64_t v) {
  auto u = static_cast<uint64_t>(v);
  for (int i = 7; i >= 0; --i) {
    out[i] = static_cast<uint8_t>(u & 0xff);
    u >>= 8;
  }
}

int64_t GetInt64(const uint8_t* in) {
  uint64_t u = 0;
  for (int i = 0; i < 8; ++i) u = (u << 8) | in[i];
  return static_cast<int64_t>(u);
}

// The start of `s` for an error message, non-printable bytes shown as '?'.
std::string Shown(std::string_view s) {
  constexpr size_t kMax = 40;
  std::string out;
  for (char c : s.substr(0, kMax)) out.push_back(c >= 0x20 && c < 0x7f ? c : '?');
  if (s.size() > kMax) out += "...";
  return out;
}

}  // namespace

std::string Cursor::Encode() const {
  std::array<uint8_t, kCursorBytes> bytes{};
  bytes[0] = kCursorFormat;
  PutInt64(&bytes[1], created_at);
  PutInt64(&bytes[9], id);
  std::string out;
  out.reserve(kCursorChars);
  uint32_t acc = 0;
  int bits = 0;
  for (uint8_t b : bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 6) {
      bits -= 6;
      out.push_back(kAlphabet[(acc >> bits) & 0x3f]);
    }
  }
  if (bits > 0) out.push_back(kAlphabet[(acc << (6 - bits)) & 0x3f]);
  return out;
}

base::Result<Cursor> Cursor::Decode(std::string_view s) {
  auto bad = [&](std::string_view why) {
    return base::Status::InvalidArgument("cursor \"" + Shown(s) + "\": " + std::string(why));
  };
  if (s.size() != kCursorChars) return bad("wrong length (expected " + std::to_string(kCursorChars) + " characters)");
  std::array<uint8_t, kCursorBytes> bytes{};
  size_t n = 0;
  uint32_t acc = 0;
  int bits = 0;
  for (char c : s) {
    int v = DecodeChar(c);
    if (v < 0) return bad("invalid character");
    acc = (acc << 6) | static_cast<uint32_t>(v);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      bytes[n++] = static_cast<uint8_t>((acc >> bits) & 0xff);
    }
  }
  if ((acc & ((1u << bits) - 1)) != 0) return bad("not canonical");
  if (bytes[0] != kCursorFormat) return bad("unknown format");
  Cursor c;
  c.created_at = GetInt64(&bytes[1]);
  c.id = GetInt64(&bytes[9]);
  if (c.id < 0) return bad("negative id");
  return c;
}

base::Result<Interval> ParseInterval(std::string_view s) {
  for (Interval i : {Interval::kHour, Interval::kDay, Interval::kWeek})
    if (EqualsIgnoreAsciiCase(s, IntervalName(i))) return i;
  return base::Status::InvalidArgument("interval \"" + Shown(s) + "\": expected hour, day or week");
}

std::string_view IntervalName(Interval i) {
  switch (i) {
    case Interval::kDay: return "day";
    case Interval::kWeek: return "week";
    case Interval::kHour: break;
  }
  return "hour";
}

base::Result<GroupBy> ParseGroupBy(std::string_view s) {
  if (s.empty() || EqualsIgnoreAsciiCase(s, "none")) return GroupBy::kNone;
  if (EqualsIgnoreAsciiCase(s, "language")) return GroupBy::kLanguage;
  if (EqualsIgnoreAsciiCase(s, "severity_level")) return GroupBy::kSeverity;
  for (GroupBy g : {GroupBy::kChannel, GroupBy::kLanguage, GroupBy::kQuery, GroupBy::kSentiment, GroupBy::kCategory,
                    GroupBy::kSeverity, GroupBy::kNeedsReply})
    if (EqualsIgnoreAsciiCase(s, GroupByName(g))) return g;
  return base::Status::InvalidArgument("group_by \"" + Shown(s) +
                                       "\": expected none, channel, lang, query, sentiment, category, severity or "
                                       "needs_reply");
}

std::string_view GroupByName(GroupBy g) {
  switch (g) {
    case GroupBy::kChannel: return "channel";
    case GroupBy::kLanguage: return "lang";
    case GroupBy::kQuery: return "query";
    case GroupBy::kSentiment: return "sentiment";
    case GroupBy::kCategory: return "category";
    case GroupBy::kSeverity: return "severity";
    case GroupBy::kNeedsReply: return "needs_reply";
    case GroupBy::kNone: break;
  }
  return "none";
}

base::Result<AuthorSort> ParseAuthorSort(std::string_view s) {
  for (AuthorSort a : {AuthorSort::kReach, AuthorSort::kMentions})
    if (EqualsIgnoreAsciiCase(s, AuthorSortName(a))) return a;
  return base::Status::InvalidArgument("by \"" + Shown(s) + "\": expected reach or mentions");
}

std::string_view AuthorSortName(AuthorSort s) { return s == AuthorSort::kMentions ? "mentions" : "reach"; }

bool IsSentimentLabel(std::string_view s) { return s == "negative" || s == "neutral" || s == "positive"; }

bool IsSeverityLevel(std::string_view s) {
  return s == "none" || s == "low" || s == "medium" || s == "high" || s == "critical";
}

bool IsCategoryName(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  return true;
}

std::string_view QueryKindName(QueryKind k) {
  switch (k) {
    case QueryKind::kBrand: return "brand";
    case QueryKind::kCompetitor: return "competitor";
    case QueryKind::kTopic: break;
  }
  return "topic";
}

std::optional<QueryKind> ParseQueryKind(std::string_view s) {
  for (QueryKind k : {QueryKind::kBrand, QueryKind::kCompetitor, QueryKind::kTopic})
    if (EqualsIgnoreAsciiCase(s, QueryKindName(k))) return k;
  return std::nullopt;
}

std::string_view AlertStatusName(AlertStatus s) {
  switch (s) {
    case AlertStatus::kAcknowledged: return "acknowledged";
    case AlertStatus::kResolved: return "resolved";
    case AlertStatus::kOpen: break;
  }
  return "open";
}

std::optional<AlertStatus> ParseAlertStatus(std::string_view s) {
  for (AlertStatus a : {AlertStatus::kOpen, AlertStatus::kAcknowledged, AlertStatus::kResolved})
    if (EqualsIgnoreAsciiCase(s, AlertStatusName(a))) return a;
  return std::nullopt;
}

}  // namespace ecoute::store
