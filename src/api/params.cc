#include "api/params.h"

#include <algorithm>
#include <charconv>
#include <limits>

namespace ecoute::api {

std::optional<int64_t> ParseInt64(std::string_view s) {
  if (s.empty()) return std::nullopt;
  int64_t v = 0;
  const char* end = s.data() + s.size();
  auto [ptr, ec] = std::from_chars(s.data(), end, v);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return v;
}

std::string QuoteValue(std::string_view value) {
  constexpr size_t kMax = 100;
  std::string out = "'";
  if (value.size() > kMax) {
    // Do not cut a UTF-8 sequence in half.
    size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(value[n]) & 0xC0) == 0x80) --n;
    out.append(value.substr(0, n));
    out += "...";
  } else {
    out.append(value);
  }
  out += "'";
  return out;
}

void QueryParams::Fail(std::string field, std::string message) {
  if (!error_) error_ = ParamError{std::move(field), std::move(message)};
}

void QueryParams::CheckKnown(const std::vector<std::string>& allowed) {
  for (const auto& [name, value] : params_) {
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      std::string known;
      for (const auto& a : allowed) known += (known.empty() ? "" : ", ") + a;
      Fail(name, "unknown parameter " + QuoteValue(name) +
                     (known.empty() ? std::string(" (this route takes none)") : " (known: " + known + ")"));
      return;
    }
  }
}

std::optional<std::string> QueryParams::String(const std::string& name) {
  auto [lo, hi] = params_.equal_range(name);
  if (lo == hi) return std::nullopt;
  return std::prev(hi)->second;
}

int64_t QueryParams::Int(const std::string& name, int64_t def, int64_t min, int64_t max) {
  std::optional<std::string> s = String(name);
  if (!s) return def;
  std::optional<int64_t> v = ParseInt64(*s);
  if (!v) {
    Fail(name, name + " must be an integer, got " + QuoteValue(*s));
    return def;
  }
  if (*v < min || *v > max) {
    Fail(name, name + " must be in " + std::to_string(min) + ".." + std::to_string(max) + ", got " + QuoteValue(*s));
    return def;
  }
  return *v;
}

std::optional<base::Timestamp> QueryParams::Time(const std::string& name) {
  std::optional<std::string> s = String(name);
  if (!s) return std::nullopt;
  base::Result<base::Timestamp> t = base::ParseTimestamp(*s);
  if (!t.ok()) {
    Fail(name, name + " is not a timestamp: " + QuoteValue(*s) +
                   " (use RFC 3339 such as 2024-03-01T12:00:00Z, a date, or Unix seconds)");
    return std::nullopt;
  }
  return *t;
}

std::vector<std::string> QueryParams::ListValues(const std::string& name) {
  std::vector<std::string> out;
  auto [lo, hi] = params_.equal_range(name);
  for (auto it = lo; it != hi; ++it) {
    std::string_view rest = it->second;
    while (true) {
      size_t comma = rest.find(',');
      std::string_view item = rest.substr(0, comma);
      while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
      while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
      if (!item.empty()) out.emplace_back(item);
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  return out;
}

std::vector<model::Channel> QueryParams::Channels(const std::string& name) {
  std::vector<model::Channel> out;
  for (const std::string& item : ListValues(name)) {
    std::optional<model::Channel> c = model::ParseChannel(item);
    if (!c) {
      std::string known;
      for (int i = 0; i < model::kChannelCount; ++i) {
        known += (i ? ", " : "");
        known += model::ChannelName(static_cast<model::Channel>(i));
      }
      Fail(name, name + " has an unknown channel " + QuoteValue(item) + " (known: " + known + ")");
      return {};
    }
    if (std::find(out.begin(), out.end(), *c) == out.end()) out.push_back(*c);
  }
  return out;
}

std::vector<int64_t> QueryParams::Ids(const std::string& name) {
  std::vector<int64_t> out;
  for (const std::string& item : ListValues(name)) {
    std::optional<int64_t> id = ParseInt64(item);
    if (!id || *id <= 0) {
      Fail(name, name + " must be positive integer ids separated by commas, got " + QuoteValue(item));
      return {};
    }
    if (std::find(out.begin(), out.end(), *id) == out.end()) out.push_back(*id);
  }
  return out;
}

bool QueryParams::Bool(const std::string& name, bool def) {
  std::optional<std::string> v = String(name);
  if (!v) return def;
  if (*v == "true" || *v == "1" || v->empty()) return true;
  if (*v == "false" || *v == "0") return false;
  Fail(name, name + " must be true or false, got " + QuoteValue(*v));
  return def;
}

QueryParams::IdPage QueryParams::ReadIdPage(int64_t default_limit, int64_t max_limit) {
  IdPage page;
  page.since = Time("since");
  page.until = Time("until");
  page.before_id = Int("before_id", 0, 1, std::numeric_limits<int64_t>::max());
  page.limit = static_cast<int>(Int("limit", default_limit, 1, max_limit));
  if (page.since && page.until && *page.since > *page.until)
    Fail("since", "since (" + base::FormatTimestamp(*page.since) + ") is after until (" +
                      base::FormatTimestamp(*page.until) + ")");
  return page;
}

namespace {

bool IsAsciiAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
bool IsAsciiAlnum(char c) { return IsAsciiAlpha(c) || (c >= '0' && c <= '9'); }

// "en", "und", "zh-hant", "pt-br": a 2..8 letter primary tag, then subtags
// of 1..8 letters or digits.
bool IsLanguageTag(std::string_view s) {
  size_t dash = s.find('-');
  std::string_view primary = s.substr(0, dash);
  if (primary.size() < 2 || primary.size() > 8) return false;
  if (!std::all_of(primary.begin(), primary.end(), IsAsciiAlpha)) return false;
  while (dash != std::string_view::npos) {
    s.remove_prefix(dash + 1);
    dash = s.find('-');
    std::string_view sub = s.substr(0, dash);
    if (sub.empty() || sub.size() > 8 || !std::all_of(sub.begin(), sub.end(), IsAsciiAlnum)) return false;
  }
  return true;
}

}  // namespace

std::vector<std::string> QueryParams::Languages(const std::string& name) {
  std::vector<std::string> out;
  for (std::string item : ListValues(name)) {
    if (!IsLanguageTag(item)) {
      Fail(name, name + " has an invalid language code " + QuoteValue(item) +
                     " (use ISO 639-1 codes such as en, fr, or und)");
      return {};
    }
    std::transform(item.begin(), item.end(), item.begin(),
                   [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(std::move(item));
  }
  return out;
}

}  // namespace ecoute::api
