// Twitter API v2 tweet objects, stream messages and search pages.
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "ingest/formats/common.h"
#include "ingest/formats/formats.h"
#include "ingest/formats/json.h"

namespace ecoute::ingest::formats {
namespace {

using simdjson::dom::array;
using simdjson::dom::element;
using simdjson::dom::object;

// includes.users and includes.places of one message, by id.
struct Includes {
  std::vector<std::pair<std::string_view, size_t>> user_index;  // id -> position in users
  std::vector<object> users;
  std::vector<std::pair<std::string_view, std::string_view>> place_country;  // place id -> country_code

  // Reads the includes object; false with `err` set on a malformed one.
  bool Read(const object& includes, FieldError& err) {
    if (auto u = Field(includes, "users")) {
      array list;
      if (u->get_array().get(list) != simdjson::SUCCESS) {
        return err.Set("includes.users", "expected an array, got " + std::string(JsonTypeName(*u)));
      }
      for (element e : list) {
        object user;
        std::string_view id;
        if (e.get_object().get(user) != simdjson::SUCCESS) continue;
        if (auto idv = Field(user, "id"); idv && idv->get_string().get(id) == simdjson::SUCCESS) {
          user_index.emplace_back(id, users.size());
          users.push_back(user);
        }
      }
    }
    if (auto p = Field(includes, "places")) {
      array list;
      if (p->get_array().get(list) == simdjson::SUCCESS) {
        for (element e : list) {
          object place;
          std::string_view id, cc;
          if (e.get_object().get(place) != simdjson::SUCCESS) continue;
          auto idv = Field(place, "id");
          auto ccv = Field(place, "country_code");
          if (idv && ccv && idv->get_string().get(id) == simdjson::SUCCESS &&
              ccv->get_string().get(cc) == simdjson::SUCCESS) {
            place_country.emplace_back(id, cc);
          }
        }
      }
    }
    return true;
  }

  const object* User(std::string_view id, size_t& position) const {
    for (const auto& [uid, pos] : user_index) {
      if (uid == id) {
        position = pos;
        return &users[pos];
      }
    }
    return nullptr;
  }

  std::string_view Country(std::string_view place_id) const {
    for (const auto& [pid, cc] : place_country)
      if (pid == place_id) return cc;
    return {};
  }
};

bool ReadUser(const object& user, const std::string& path, model::Author& a, FieldError& err) {
  for (auto [key, value] : user) {
    if (key == "username") {
      ReadString(value, path + ".username", a.handle, err);
    } else if (key == "name") {
      ReadString(value, path + ".name", a.display_name, err);
    } else if (key == "verified") {
      ReadBool(value, path + ".verified", a.verified, err);
    } else if (key == "public_metrics" && !value.is_null()) {
      object metrics;
      if (ReadObject(value, path + ".public_metrics", metrics, err)) {
        if (auto f = Field(metrics, "followers_count")) {
          int64_t n = 0;
          if (ReadCount(*f, path + ".public_metrics.followers_count", n, err)) a.followers = n;
        }
      }
    }
    if (err.failed()) return false;
  }
  return true;
}

void DecodeTweet(const element& tweet, const Includes& inc, const std::string& prefix, std::string_view record,
                 const Location& where, std::vector<model::Mention>& out, std::vector<model::Rejection>& rejects) {
  auto path = [&prefix](std::string_view f) { return prefix + std::string(f); };
  object obj;
  if (tweet.get_object().get(obj) != simdjson::SUCCESS) {
    std::string p = prefix.empty() ? "" : prefix.substr(0, prefix.size() - 1);
    Reject(where, p, "expected a tweet object, got " + std::string(JsonTypeName(tweet)), record, rejects);
    return;
  }
  model::Mention m;
  m.channel = model::Channel::kTwitter;
  FieldError err;
  bool has_date = false;
  std::string author_id, note_text, lang, place_id;
  for (auto [key, value] : obj) {
    if (key == "id") {
      ReadId(value, path("id"), m.native_id, err);
    } else if (key == "text") {
      ReadString(value, path("text"), m.text, err);
    } else if (key == "note_tweet" && !value.is_null()) {
      object note;
      if (ReadObject(value, path("note_tweet"), note, err)) {
        if (auto t = Field(note, "text")) ReadString(*t, path("note_tweet.text"), note_text, err);
      }
    } else if (key == "created_at") {
      has_date = !value.is_null() && ReadDate(value, path("created_at"), m.created_at, err);
    } else if (key == "author_id") {
      ReadId(value, path("author_id"), author_id, err);
    } else if (key == "lang") {
      ReadString(value, path("lang"), lang, err);
    } else if (key == "conversation_id") {
      ReadId(value, path("conversation_id"), m.thread_id, err);
    } else if (key == "referenced_tweets" && !value.is_null()) {
      array refs;
      if (value.get_array().get(refs) != simdjson::SUCCESS) {
        err.Set(path("referenced_tweets"), "expected an array, got " + std::string(JsonTypeName(value)));
      } else {
        size_t i = 0;
        for (element ref : refs) {
          std::string rp = path("referenced_tweets[" + std::to_string(i++) + "]");
          object r;
          if (!ReadObject(ref, rp, r, err)) break;
          std::string type, id;
          if (auto t = Field(r, "type")) ReadString(*t, rp + ".type", type, err);
          if (auto v = Field(r, "id")) ReadId(*v, rp + ".id", id, err);
          if (err.failed()) break;
          if (type == "replied_to") m.reply_to = id;
          else if (type == "retweeted") m.reshare_of = id;
          else if (type == "quoted") m.quote_of = id;
        }
      }
    } else if (key == "public_metrics" && !value.is_null()) {
      object pm;
      if (ReadObject(value, path("public_metrics"), pm, err)) {
        model::Engagement& e = m.engagement;
        for (auto [mk, mv] : pm) {
          if (mk == "like_count") ReadCount(mv, path("public_metrics.like_count"), e.likes, err);
          else if (mk == "retweet_count") ReadCount(mv, path("public_metrics.retweet_count"), e.reshares, err);
          else if (mk == "reply_count") ReadCount(mv, path("public_metrics.reply_count"), e.replies, err);
          else if (mk == "quote_count") ReadCount(mv, path("public_metrics.quote_count"), e.quotes, err);
          else if (mk == "impression_count") ReadCount(mv, path("public_metrics.impression_count"), e.views, err);
          if (err.failed()) break;
        }
      }
    } else if (key == "geo" && !value.is_null()) {
      object geo;
      if (ReadObject(value, path("geo"), geo, err)) {
        if (auto p = Field(geo, "place_id")) ReadString(*p, path("geo.place_id"), place_id, err);
      }
    }
    if (err.failed()) break;
  }
  if (!err.failed() && m.native_id.empty()) err.Set(path("id"), "missing: a tweet needs its id");
  if (!err.failed() && !has_date) {
    err.Set(path("created_at"), "missing: request tweet.fields=created_at");
  }
  std::optional<std::string> code;
  if (!err.failed() && !lang.empty()) {
    code = NormalizeLanguage(lang);
    if (!code) err.Set(path("lang"), "not a language code: " + Quote(lang));
  }
  size_t user_pos = 0;
  const object* user = author_id.empty() ? nullptr : inc.User(author_id, user_pos);
  if (!err.failed() && user != nullptr) {
    ReadUser(*user, "includes.users[" + std::to_string(user_pos) + "]", m.author, err);
  }
  if (err.failed()) {
    Reject(where, err.field, err.reason, record, rejects);
    return;
  }
  if (!note_text.empty()) m.text = std::move(note_text);
  m.text = UnescapeHtml(m.text);
  if (code && *code != "und") {
    m.language = *code;
    m.language_declared = true;
    m.language_confidence = 1.0f;
  }
  bool has_username = !m.author.handle.empty();
  if (!has_username) m.author.handle = author_id;
  m.url = has_username ? "https://twitter.com/" + m.author.handle + "/status/" + m.native_id
                       : "https://twitter.com/i/web/status/" + m.native_id;
  if (!place_id.empty()) {
    std::string_view cc = inc.Country(place_id);
    if (cc.size() == 2) m.country = std::string(cc);
  }
  if (!FinishMention(m, record, where, prefix, rejects, /*utf8_checked=*/true)) return;
  out.push_back(std::move(m));
}

std::string ApiErrorText(const element& errors) {
  array list;
  element first;
  object obj;
  if (errors.get_array().get(list) != simdjson::SUCCESS || list.at(0).get(first) != simdjson::SUCCESS ||
      first.get_object().get(obj) != simdjson::SUCCESS) {
    return "Twitter API error";
  }
  std::string text = "Twitter API error";
  for (std::string_view key : {"title", "detail"}) {
    std::string_view s;
    if (auto v = Field(obj, key); v && v->get_string().get(s) == simdjson::SUCCESS) {
      text += ": ";
      text.append(s.substr(0, 200));
    }
  }
  return text;
}

}  // namespace

bool LooksLikeTwitterV2(const element& root) {
  object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) return false;
  if (Field(obj, "data")) return true;
  auto present = [&obj](std::string_view k) {
    element e;
    return obj.at_key(k).get(e) == simdjson::SUCCESS;
  };
  return present("id") && present("text") && !present("native_id") && !present("channel");
}

void DecodeTwitterV2Json(const element& root, std::string_view record, const Location& where,
                         std::vector<model::Mention>& out, std::vector<model::Rejection>& rejects) {
  object obj;
  if (root.get_object().get(obj) != simdjson::SUCCESS) {
    Reject(where, "", "expected a JSON object, got " + std::string(JsonTypeName(root)), record, rejects);
    return;
  }
  auto data = Field(obj, "data");
  if (!data) {
    if (auto errors = Field(obj, "errors")) {
      Reject(where, "errors", ApiErrorText(*errors), record, rejects);
      return;
    }
    element ignored;
    if (obj.at_key("meta").get(ignored) == simdjson::SUCCESS && obj.at_key("id").get(ignored) != simdjson::SUCCESS) {
      return;  // an empty search page
    }
    DecodeTweet(root, Includes{}, "", record, where, out, rejects);
    return;
  }
  Includes inc;
  if (auto includes = Field(obj, "includes")) {
    FieldError err;
    object io;
    if (!ReadObject(*includes, "includes", io, err) || !inc.Read(io, err)) {
      Reject(where, err.field, err.reason, record, rejects);
      return;
    }
  }
  array tweets;
  if (data->get_array().get(tweets) == simdjson::SUCCESS) {
    size_t i = 0;
    for (element t : tweets) DecodeTweet(t, inc, "data[" + std::to_string(i++) + "].", record, where, out, rejects);
  } else {
    DecodeTweet(*data, inc, "data.", record, where, out, rejects);
  }
}

namespace {

class TwitterV2Decoder : public Decoder {
 public:
  std::string_view name() const override { return "twitter_v2"; }
  void Decode(std::string_view record, const Location& where, std::vector<model::Mention>& out,
              std::vector<model::Rejection>& rejects) const override {
    try {
      if (RejectIfFlawed(record, where, rejects)) return;
      if (auto root = ParseJson(record, where, rejects)) DecodeTwitterV2Json(*root, record, where, out, rejects);
    } catch (const std::exception& e) {
      Reject(where, "", std::string("internal error: ") + e.what(), record, rejects);
    }
  }
};

class AutoJsonDecoder : public Decoder {
 public:
  std::string_view name() const override { return "json"; }
  void Decode(std::string_view record, const Location& where, std::vector<model::Mention>& out,
              std::vector<model::Rejection>& rejects) const override {
    try {
      if (RejectIfFlawed(record, where, rejects)) return;
      auto root = ParseJson(record, where, rejects);
      if (!root) return;
      if (LooksLikeTwitterV2(*root)) {
        DecodeTwitterV2Json(*root, record, where, out, rejects);
      } else {
        DecodeEcouteJson(*root, record, where, out, rejects);
      }
    } catch (const std::exception& e) {
      Reject(where, "", std::string("internal error: ") + e.what(), record, rejects);
    }
  }
};

}  // namespace

std::shared_ptr<const Decoder> MakeTwitterV2Decoder() { return std::make_shared<TwitterV2Decoder>(); }
std::shared_ptr<const Decoder> MakeAutoJsonDecoder() { return std::make_shared<AutoJsonDecoder>(); }

}  // namespace ecoute::ingest::formats
