#include "model/mention.h"

#include <array>
#include <cctype>

namespace ecoute::model {
namespace {
constexpr std::array<std::string_view, kChannelCount> kChannelNames = {
    "twitter", "facebook", "instagram", "forum", "blog", "news",
    "review",  "email",    "chat",      "voice", "sms",  "other"};

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}
}  // namespace

std::string_view ChannelName(Channel c) { return kChannelNames[static_cast<size_t>(c)]; }

std::optional<Channel> ParseChannel(std::string_view name) {
  for (size_t i = 0; i < kChannelNames.size(); ++i)
    if (EqualsIgnoreCase(name, kChannelNames[i])) return static_cast<Channel>(i);
  static constexpr std::pair<std::string_view, Channel> kAliases[] = {
      {"x", Channel::kTwitter},   {"tweet", Channel::kTwitter}, {"mail", Channel::kEmail},
      {"e-mail", Channel::kEmail}, {"phone", Channel::kVoice},  {"call", Channel::kVoice},
  };
  for (const auto& [alias, c] : kAliases)
    if (EqualsIgnoreCase(name, alias)) return c;
  return std::nullopt;
}

std::string_view DirectionName(Direction d) {
  switch (d) {
    case Direction::kInbound: return "inbound";
    case Direction::kOutbound: return "outbound";
    case Direction::kUnknown: break;
  }
  return "unknown";
}

std::optional<Direction> ParseDirection(std::string_view name) {
  for (Direction d : {Direction::kUnknown, Direction::kInbound, Direction::kOutbound})
    if (EqualsIgnoreCase(name, DirectionName(d))) return d;
  return std::nullopt;
}

}  // namespace ecoute::model
