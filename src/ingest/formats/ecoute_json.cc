// ecoute JSON: the shape written by model::MentionToJson.
#include <cctype>
#include <exception>

#include "ingest/formats/common.h"
#include "ingest/formats/formats.h"
#include "ingest/formats/json.h"

namespace ecoute::ingest::formats {
namespace {

using simdjson::dom::element;
using simdjson::dom::object;

const std::string& ChannelList() {
  static const std::string kList = [] {
    std::string s;
    for (int i = 0; i < model::kChannelCount; ++i) {
      if (i > 0) s += ", ";
      s += model::ChannelName(static_cast<model::Channel>(i));
    }
    return s;
  }();
  return kList;
}

bool ReadAuthor(const element& v, model::Author& a, FieldError& err) {
  object obj;
  if (!ReadObject(v, "author", obj, err)) return false;
  for (auto [key, value] : obj) {
    if (key == "handle") {
      ReadId(value, "author.handle", a.handle, err);
    } else if (key == "name") {
      ReadString(value, "author.name", a.display_name, err);
    } else if (key == "followers") {
      int64_t n = -1;
      if (ReadCount(value, "author.followers", n, err) && n >= 0) a.followers = n;
    } else if (key == "verified") {
      ReadBool(value, "author.verified", a.verified, err);
    }
    if (err.failed()) return false;
  }
  return true;
}

bool ReadEngagement(const element& v, model::Engagement& e, FieldError& err) {
  object obj;
  if (!ReadObject(v, "engagement", obj, err)) return false;
  for (auto [key, value] : obj) {
    if (key == "likes") ReadCount(value, "engagement.likes", e.likes, err);
    else if (key == "reshares") ReadCount(value, "engagement.reshares", e.reshares, err);
    else if (key == "replies") ReadCount(value, "engagement.replies", e.replies, err);
    else if (key == "quotes") ReadCount(value, "engagement.quotes", e.quotes, err);
    else if (key == "views") ReadCount(value, "engagement.views", e.views, err);
    if (err.failed()) return false;
  }
  return true;
}

bool ReadAttributes(const element& v, std::map<std::string, std::string>& attrs, FieldError& err) {
  object obj;
  if (!ReadObject(v, "attributes", obj, err)) return false;
  for (auto [key, value] : obj) {
    if (value.is_null()) continue;
    std::string s;
    if (!ReadString(value, "attributes." + std::string(key), s, err)) return false;
    attrs[std::string(key)] = std::move(s);
  }
  return true;
}

}  // namespace

void DecodeEcouteJson(const element& root, std::string_view record, const Location& where,
                      std::vector<model::Mention>& out, std::vector<model::Rejection>& rejects) {
  object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    Reject(where, "", "expected a JSON object, got " + std::string(JsonTypeName(root)), record, rejects);
    return;
  }
  model::Mention m;
  FieldError err;
  bool has_date = false;
  std::optional<std::string> lang;
  std::optional<bool> lang_declared;
  std::optional<double> lang_confidence;
  for (auto [key, value] : obj) {
    if (key == "text") {
      ReadString(value, "text", m.text, err);
    } else if (key == "created_at") {
      has_date = !value.is_null() && ReadDate(value, "created_at", m.created_at, err);
    } else if (key == "channel") {
      std::string s;
      if (ReadString(value, "channel", s, err) && !value.is_null()) {
        if (auto c = ChannelFromName(s)) {
          m.channel = *c;
        } else {
          err.Set("channel", "unknown channel " + Quote(s) + "; expected one of " + ChannelList());
        }
      }
    } else if (key == "native_id") {
      ReadId(value, "native_id", m.native_id, err);
    } else if (key == "source") {
      ReadString(value, "source", m.source, err);
    } else if (key == "url") {
      ReadString(value, "url", m.url, err);
    } else if (key == "title") {
      ReadString(value, "title", m.title, err);
    } else if (key == "author") {
      if (!value.is_null()) ReadAuthor(value, m.author, err);
    } else if (key == "direction") {
      std::string s;
      if (ReadString(value, "direction", s, err) && !s.empty()) {
        if (auto d = DirectionFromName(s)) {
          m.direction = *d;
        } else {
          err.Set("direction", "unknown direction " + Quote(s) + "; expected inbound, outbound or unknown");
        }
      }
    } else if (key == "lang") {
      std::string s;
      if (ReadString(value, "lang", s, err) && !value.is_null()) {
        lang = NormalizeLanguage(s);
        if (!lang) err.Set("lang", "not a language code: " + Quote(s));
      }
    } else if (key == "lang_declared") {
      bool b = false;
      if (ReadBool(value, "lang_declared", b, err) && !value.is_null()) lang_declared = b;
    } else if (key == "lang_confidence") {
      double d;
      if (value.is_null()) {
      } else if (value.get_double().get(d) != simdjson::SUCCESS) {
        err.Set("lang_confidence", "expected a number, got " + std::string(JsonTypeName(value)));
      } else if (d < 0 || d > 1) {
        err.Set("lang_confidence", "must be between 0 and 1");
      } else {
        lang_confidence = d;
      }
    } else if (key == "reply_to") {
      ReadId(value, "reply_to", m.reply_to, err);
    } else if (key == "reshare_of") {
      ReadId(value, "reshare_of", m.reshare_of, err);
    } else if (key == "quote_of") {
      ReadId(value, "quote_of", m.quote_of, err);
    } else if (key == "thread_id") {
      ReadId(value, "thread_id", m.thread_id, err);
    } else if (key == "engagement") {
      if (!value.is_null()) ReadEngagement(value, m.engagement, err);
    } else if (key == "country") {
      std::string s;
      if (ReadString(value, "country", s, err) && !s.empty()) {
        if (s.size() != 2 || !std::isalpha(static_cast<unsigned char>(s[0])) ||
            !std::isalpha(static_cast<unsigned char>(s[1]))) {
          err.Set("country", "expected an ISO 3166-1 alpha-2 code, got " + Quote(s));
        } else {
          for (char& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
          m.country = std::move(s);
        }
      }
    } else if (key == "attributes") {
      if (!value.is_null()) ReadAttributes(value, m.attributes, err);
    }
    if (err.failed()) break;
  }
  if (err.failed()) {
    Reject(where, err.field, err.reason, record, rejects);
    return;
  }
  if (!has_date) {
    Reject(where, "created_at", "missing: created_at is required", record, rejects);
    return;
  }
  if (lang && *lang != "und") {
    m.language = *lang;
    if (lang_declared) {
      m.language_declared = *lang_declared;
      m.language_confidence = *lang_declared ? 1.0f : static_cast<float>(lang_confidence.value_or(0));
    } else if (lang_confidence) {  // written by MentionToJson for a detected language
      m.language_confidence = static_cast<float>(*lang_confidence);
    } else {
      m.language_declared = true;
      m.language_confidence = 1.0f;
    }
  }
  if (!FinishMention(m, record, where, "", rejects, /*utf8_checked=*/true)) return;
  out.push_back(std::move(m));
}

namespace {

class EcouteDecoder : public Decoder {
 public:
  std::string_view name() const override { return "ecoute"; }
  void Decode(std::string_view record, const Location& where, std::vector<model::Mention>& out,
              std::vector<model::Rejection>& rejects) const override {
    try {
      if (RejectIfFlawed(record, where, rejects)) return;
      if (auto root = ParseJson(record, where, rejects)) DecodeEcouteJson(*root, record, where, out, rejects);
    } catch (const std::exception& e) {
      Reject(where, "", std::string("internal error: ") + e.what(), record, rejects);
    }
  }
};

}  // namespace

std::shared_ptr<const Decoder> MakeEcouteDecoder() { return std::make_shared<EcouteDecoder>(); }

}  // namespace ecoute::ingest::formats
