#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include "base/time_zone.h"

#include <cctype>
#include <filesystem>
#include <initializer_list>
#include <fstream>
#include <set>
#include <sstream>

namespace ecoute::config {
namespace {

using base::Status;

// Error context: the file name, used to format "name:line:col: path: message".
struct Ctx {
  const std::string& name;
  Status Error(const YAML::Node& node, const std::string& path, const std::string& message) const {
    YAML::Mark mark = node.Mark();
    std::string where = name;
    if (mark.line >= 0) where += ":" + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
    return Status::InvalidArgument(where + ": " + path + ": " + message);
  }
};

std::string Join(const std::set<std::string>& keys) {
  std::string out;
  for (const std::string& k : keys) out += (out.empty() ? "" : ", ") + k;
  return out;
}

Status CheckKeys(const Ctx& ctx, const YAML::Node& node, const std::string& path,
                 const std::set<std::string>& allowed) {
  if (!node.IsMap()) return ctx.Error(node, path, "expected a mapping of keys (" + Join(allowed) + ")");
  for (const auto& kv : node) {
    std::string key = kv.first.as<std::string>();
    if (!allowed.count(key))
      return ctx.Error(kv.first, path.empty() ? key : path + "." + key,
                       "unknown key (expected one of: " + Join(allowed) + ")");
  }
  return Status::Ok();
}

template <typename T>
Status Read(const Ctx& ctx, const YAML::Node& parent, const std::string& parent_path, const std::string& key,
            T& out, T min, T max) {
  YAML::Node n = parent[key];
  if (!n) return Status::Ok();
  std::string path = parent_path + "." + key;
  if (!n.IsScalar()) return ctx.Error(n, path, "expected a number");
  T v{};
  if (!YAML::convert<T>::decode(n, v)) return ctx.Error(n, path, "expected a number, got \"" + n.Scalar() + "\"");
  if (v < min || v > max) {
    std::ostringstream msg;
    msg << "must be between " << min << " and " << max << ", got " << n.Scalar();
    return ctx.Error(n, path, msg.str());
  }
  out = v;
  return Status::Ok();
}

Status ReadString(const Ctx& ctx, const YAML::Node& parent, const std::string& parent_path, const std::string& key,
                  std::string& out, const std::set<std::string>& choices = {}) {
  YAML::Node n = parent[key];
  if (!n) return Status::Ok();
  std::string path = parent_path + "." + key;
  if (!n.IsScalar()) return ctx.Error(n, path, "expected a string");
  std::string v = n.Scalar();
  if (!choices.empty() && !choices.count(v))
    return ctx.Error(n, path, "\"" + v + "\" is not one of: " + Join(choices));
  out = v;
  return Status::Ok();
}

Status ReadBool(const Ctx& ctx, const YAML::Node& parent, const std::string& parent_path, const std::string& key,
                bool& out) {
  YAML::Node n = parent[key];
  if (!n) return Status::Ok();
  if (!n.IsScalar() || !YAML::convert<bool>::decode(n, out))
    return ctx.Error(n, parent_path + "." + key, "expected true or false");
  return Status::Ok();
}

bool IsLabelName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char ch : s) {
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '_')) return false;
  }
  return true;
}

Status ParseUnderstanding(const Ctx& ctx, const YAML::Node& u, UnderstandingConfig& out) {
  const std::string p = "understanding";
  ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, u, p,
                                   {"enabled", "models", "unknown_below", "needs_reply_threshold",
                                    "high_reach_followers", "categories", "rules"}));
  ECOUTE_RETURN_IF_ERROR(ReadBool(ctx, u, p, "enabled", out.enabled));
  ECOUTE_RETURN_IF_ERROR(ReadString(ctx, u, p, "models", out.models));
  ECOUTE_RETURN_IF_ERROR(Read(ctx, u, p, "unknown_below", out.unknown_below, 0.0, 1.0));
  ECOUTE_RETURN_IF_ERROR(Read(ctx, u, p, "needs_reply_threshold", out.needs_reply_threshold, 0.0, 1.0));
  ECOUTE_RETURN_IF_ERROR(Read<int64_t>(ctx, u, p, "high_reach_followers", out.high_reach_followers, 1, INT64_MAX));
  static const std::set<std::string> kDefault = {"delivery", "returns_refunds", "customer_service", "product",
                                                 "billing", "cancellation", "account_technical", "none"};
  std::set<std::string> names;
  if (YAML::Node cs = u["categories"]) {
    if (!cs.IsSequence()) return ctx.Error(cs, p + ".categories", "expected a list of {name, label_en, label_fr, cues, examples}");
    for (size_t i = 0; i < cs.size(); ++i) {
      const YAML::Node n = cs[i];
      const std::string path = p + ".categories[" + std::to_string(i) + "]";
      ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, n, path, {"name", "label_en", "label_fr", "cues", "examples"}));
      CategoryConfig cc;
      if (!n["name"]) return ctx.Error(n, path, "missing key: name");
      ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "name", cc.name));
      if (!IsLabelName(cc.name))
        return ctx.Error(n["name"], path + ".name", "\"" + cc.name + "\" must be 1 to 64 of a-z, 0-9, _");
      if (kDefault.count(cc.name))
        return ctx.Error(n["name"], path + ".name", "\"" + cc.name + "\" is a default category already");
      if (!names.insert(cc.name).second)
        return ctx.Error(n["name"], path + ".name", "\"" + cc.name + "\" is defined twice");
      ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "label_en", cc.label_en));
      ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "label_fr", cc.label_fr));
      ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "cues", cc.cues));
      if (YAML::Node c = n["cues"]) {
        cc.line = c.Mark().line + 1;
        cc.column = c.Mark().column + 1;
      }
      if (YAML::Node ex = n["examples"]) {
        if (!ex.IsSequence()) return ctx.Error(ex, path + ".examples", "expected a list of messages");
        for (size_t k = 0; k < ex.size(); ++k) {
          if (!ex[k].IsScalar() || ex[k].Scalar().empty())
            return ctx.Error(ex[k], path + ".examples[" + std::to_string(k) + "]", "expected a non-empty message");
          cc.examples.push_back(ex[k].Scalar());
        }
      }
      if (cc.label_en.empty()) cc.label_en = cc.name;
      if (cc.label_fr.empty()) cc.label_fr = cc.label_en;
      out.categories.push_back(std::move(cc));
    }
  }
  if (YAML::Node rs = u["rules"]) {
    if (!rs.IsSequence()) return ctx.Error(rs, p + ".rules", "expected a list of {reason|category, lang, query}");
    static const std::set<std::string> kReasons = {"legal_threat", "safety_risk",  "fraud",
                                                   "vulnerable_person", "churn_intent", "insult_anger",
                                                   "repeated_failure", "high_reach"};
    for (size_t i = 0; i < rs.size(); ++i) {
      const YAML::Node n = rs[i];
      const std::string path = p + ".rules[" + std::to_string(i) + "]";
      ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, n, path, {"reason", "category", "lang", "query"}));
      CueRuleConfig rc;
      ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "reason", rc.reason, kReasons));
      ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "category", rc.category));
      ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "lang", rc.lang, {"fr", "en", "*"}));
      if (rc.reason.empty() == rc.category.empty())
        return ctx.Error(n, path, "needs exactly one of: reason, category");
      if (!rc.category.empty() && !kDefault.count(rc.category) && !names.count(rc.category))
        return ctx.Error(n["category"], path + ".category", "\"" + rc.category + "\" is not a category");
      if (!n["query"]) return ctx.Error(n, path, "missing key: query");
      ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "query", rc.query));
      rc.line = n["query"].Mark().line + 1;
      rc.column = n["query"].Mark().column + 1;
      out.rules.push_back(std::move(rc));
    }
  }
  return Status::Ok();
}

// Names of notifiers and alert rules: [A-Za-z0-9_.-]{1,64}.
bool IsEntityName(const std::string& s) {
  if (s.empty() || s.size() > 64) return false;
  for (char ch : s) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '.' && ch != '-') return false;
  }
  return true;
}

bool IsEnvName(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char ch : s) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  }
  return true;
}

// One '@' with text on both sides: enough to catch a value put in the wrong key.
bool IsPlausibleAddress(const std::string& s) {
  size_t at = s.find('@');
  return at != std::string::npos && at > 0 && at + 1 < s.size() && s.find('@', at + 1) == std::string::npos;
}

// "scheme://host[:port][/...]" with one of `schemes`; a port, when given, is 1..65535.
bool IsUrl(std::string_view v, std::initializer_list<std::string_view> schemes) {
  bool scheme_ok = false;
  for (std::string_view scheme : schemes) {
    if (v.substr(0, scheme.size()) == scheme) {
      v.remove_prefix(scheme.size());
      scheme_ok = true;
      break;
    }
  }
  if (!scheme_ok) return false;
  std::string_view authority = v.substr(0, v.find_first_of("/?#"));
  if (size_t at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  if (authority.empty()) return false;
  size_t host_end = authority.front() == '[' ? authority.find(']') : authority.find(':');
  if (host_end == std::string_view::npos) host_end = authority.size();
  else if (authority.front() == '[') ++host_end;
  std::string_view host = authority.substr(0, host_end), rest = authority.substr(host_end);
  if (host.empty() || host == "[]" || host.find_first_of(" \t") != std::string_view::npos) return false;
  if (host.front() == '[' && host.back() != ']') return false;
  if (rest.empty()) return true;
  if (rest.front() != ':' || rest.size() < 2 || rest.size() > 6) return false;
  int port = 0;
  for (char ch : rest.substr(1)) {
    if (!std::isdigit(static_cast<unsigned char>(ch))) return false;
    port = port * 10 + (ch - '0');
  }
  return port >= 1 && port <= 65535;
}

Status ReadAddress(const Ctx& ctx, const YAML::Node& n, const std::string& path, std::string& out) {
  if (!n.IsScalar() || !IsPlausibleAddress(n.Scalar()))
    return ctx.Error(n, path, "expected an e-mail address (name@domain)");
  out = n.Scalar();
  return Status::Ok();
}

Status ParseNotifier(const Ctx& ctx, const YAML::Node& n, const std::string& path, NotifierConfig& nc) {
  static const std::set<std::string> kWebhook = {"url", "secret", "secret_env", "format"};
  static const std::set<std::string> kEmail = {"smtp_url", "username", "password_env", "starttls", "from", "to"};
  std::set<std::string> allowed = {"name", "type", "max_attempts", "timeout_ms"};
  allowed.insert(kWebhook.begin(), kWebhook.end());
  allowed.insert(kEmail.begin(), kEmail.end());
  ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, n, path, allowed));
  nc.line = n.Mark().line + 1;
  nc.column = n.Mark().column + 1;
  if (!n["name"]) return ctx.Error(n, path, "missing key: name");
  if (!n["type"]) return ctx.Error(n, path, "missing key: type");
  ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "name", nc.name));
  if (!IsEntityName(nc.name))
    return ctx.Error(n["name"], path + ".name", "\"" + nc.name + "\" must be 1 to 64 of A-Z, a-z, 0-9, _, ., -");
  ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "type", nc.type, {"webhook", "email"}));
  const bool webhook = nc.type == "webhook";
  for (const auto& kv : n) {
    std::string key = kv.first.as<std::string>();
    if ((webhook && kEmail.count(key)) || (!webhook && kWebhook.count(key)))
      return ctx.Error(kv.first, path + "." + key, "is not a key of " + nc.type + " notifiers");
  }
  auto env_name = [&](const std::string& key, std::string& out) -> Status {
    ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, key, out));
    if (n[key] && !IsEnvName(out))
      return ctx.Error(n[key], path + "." + key, "\"" + out + "\" is not an environment variable name");
    return Status::Ok();
  };
  if (webhook) {
    if (!n["url"]) return ctx.Error(n, path, "missing key: url (webhook notifiers)");
    ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "url", nc.url));
    if (!IsUrl(nc.url, {"http://", "https://"}))
      return ctx.Error(n["url"], path + ".url", "\"" + nc.url + "\" is not an http:// or https:// URL");
    if (n["secret"] && n["secret_env"])
      return ctx.Error(n["secret_env"], path + ".secret_env", "give secret or secret_env, not both");
    ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "secret", nc.secret));
    ECOUTE_RETURN_IF_ERROR(env_name("secret_env", nc.secret_env));
    ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "format", nc.format, {"json", "slack"}));
  } else {
    if (!n["smtp_url"]) return ctx.Error(n, path, "missing key: smtp_url (email notifiers)");
    if (!n["from"]) return ctx.Error(n, path, "missing key: from (email notifiers)");
    if (!n["to"]) return ctx.Error(n, path, "missing key: to (email notifiers)");
    ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "smtp_url", nc.smtp_url));
    if (!IsUrl(nc.smtp_url, {"smtp://", "smtps://"}))
      return ctx.Error(n["smtp_url"], path + ".smtp_url",
                       "\"" + nc.smtp_url + "\" is not smtp://host:port or smtps://host:port");
    ECOUTE_RETURN_IF_ERROR(ReadString(ctx, n, path, "username", nc.username));
    ECOUTE_RETURN_IF_ERROR(env_name("password_env", nc.password_env));
    ECOUTE_RETURN_IF_ERROR(ReadBool(ctx, n, path, "starttls", nc.starttls));
    if (nc.starttls && nc.smtp_url.rfind("smtps://", 0) == 0)
      return ctx.Error(n["starttls"], path + ".starttls", "is for smtp:// (smtps:// is TLS from the start)");
    ECOUTE_RETURN_IF_ERROR(ReadAddress(ctx, n["from"], path + ".from", nc.from));
    const YAML::Node to = n["to"];
    if (!to.IsSequence() || to.size() == 0)
      return ctx.Error(to, path + ".to", "expected a list of one or more e-mail addresses");
    for (size_t k = 0; k < to.size(); ++k) {
      ECOUTE_RETURN_IF_ERROR(ReadAddress(ctx, to[k], path + ".to[" + std::to_string(k) + "]", nc.to.emplace_back()));
    }
  }
  ECOUTE_RETURN_IF_ERROR(Read(ctx, n, path, "max_attempts", nc.max_attempts, 1, 100));
  ECOUTE_RETURN_IF_ERROR(Read<int64_t>(ctx, n, path, "timeout_ms", nc.timeout_ms, 100, 600'000));
  return Status::Ok();
}

// A plain scalar that is a JSON number (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?).
bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t start = i;
    while (i < s.size() && std::isdigit(static_cast<unsigned char>(s[i]))) ++i;
    return i > start;
  };
  if (i < s.size() && s[i] == '-') ++i;
  if (i < s.size() && s[i] == '0') ++i;
  else if (!digits()) return false;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == s.size();
}

void AppendJsonString(std::string_view s, std::string& out) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (char ch : s) {
    unsigned char c = static_cast<unsigned char>(ch);
    switch (ch) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xf];
        } else {
          out += ch;
        }
    }
  }
  out += '"';
}

// Appends `node` to `out` as compact JSON, typing plain scalars (AlertRuleConfig).
// The value of the top-level key `string_key`, if given, is written as a string.
Status AppendJson(const Ctx& ctx, const YAML::Node& node, const std::string& path, int depth, std::string& out,
                  const char* string_key = nullptr) {
  if (depth > 32) return ctx.Error(node, path, "nested too deep");
  switch (node.Type()) {
    case YAML::NodeType::Null:
      out += "null";
      return Status::Ok();
    case YAML::NodeType::Scalar: {
      const std::string& v = node.Scalar();
      if (node.Tag() != "?") {  // quoted, block or explicitly tagged: a string
        AppendJsonString(v, out);
      } else if (v == "true" || v == "True" || v == "TRUE") {
        out += "true";
      } else if (v == "false" || v == "False" || v == "FALSE") {
        out += "false";
      } else if (v.empty() || v == "~" || v == "null" || v == "Null" || v == "NULL") {
        out += "null";
      } else if (IsJsonNumber(v)) {
        out += v;
      } else {
        AppendJsonString(v, out);
      }
      return Status::Ok();
    }
    case YAML::NodeType::Sequence:
      out += '[';
      for (size_t i = 0; i < node.size(); ++i) {
        if (i > 0) out += ',';
        ECOUTE_RETURN_IF_ERROR(AppendJson(ctx, node[i], path + "[" + std::to_string(i) + "]", depth + 1, out));
      }
      out += ']';
      return Status::Ok();
    case YAML::NodeType::Map: {
      out += '{';
      std::set<std::string> keys;
      for (const auto& kv : node) {
        if (!kv.first.IsScalar()) return ctx.Error(kv.first, path, "keys must be plain names");
        const std::string key = kv.first.Scalar();
        if (!keys.insert(key).second) return ctx.Error(kv.first, path + "." + key, "is given twice");
        if (keys.size() > 1) out += ',';
        AppendJsonString(key, out);
        out += ':';
        if (string_key != nullptr && key == string_key && kv.second.IsScalar())
          AppendJsonString(kv.second.Scalar(), out);
        else
          ECOUTE_RETURN_IF_ERROR(AppendJson(ctx, kv.second, path + "." + key, depth + 1, out));
      }
      out += '}';
      return Status::Ok();
    }
    case YAML::NodeType::Undefined:
      break;
  }
  return ctx.Error(node, path, "expected a value");
}

Status ParseRule(const Ctx& ctx, const YAML::Node& n, const std::string& path, AlertRuleConfig& rc) {
  if (!n.IsMap()) return ctx.Error(n, path, "expected a mapping (name, kind, ...: docs/configuration.md)");
  rc.line = n.Mark().line + 1;
  rc.column = n.Mark().column + 1;
  const YAML::Node name = n["name"];
  if (!name) return ctx.Error(n, path, "missing key: name");
  if (!name.IsScalar() || !IsEntityName(name.Scalar()))
    return ctx.Error(name, path + ".name",
                     "\"" + (name.IsScalar() ? name.Scalar() : std::string("...")) +
                         "\" must be 1 to 64 of A-Z, a-z, 0-9, _, ., -");
  rc.name = name.Scalar();
  ECOUTE_RETURN_IF_ERROR(AppendJson(ctx, n, path, 0, rc.json, "name"));  // a name, even when it looks like a number
  for (const auto& kv : n) {
    YAML::Mark mark = kv.second.Mark().line >= 0 ? kv.second.Mark() : kv.first.Mark();
    rc.positions[kv.first.Scalar()] = {mark.line + 1, mark.column + 1};
  }
  return Status::Ok();
}

// Parses a list of entries with a unique `name` each, by `parse(ctx, node, path, entry)`.
template <typename T, typename ParseEntry>
Status ParseNamedList(const Ctx& ctx, const YAML::Node& list, const std::string& path, const std::string& expected,
                      ParseEntry parse, std::vector<T>& out) {
  if (!list) return Status::Ok();
  if (!list.IsSequence()) return ctx.Error(list, path, expected);
  std::set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    const std::string entry_path = path + "[" + std::to_string(i) + "]";
    T entry;
    ECOUTE_RETURN_IF_ERROR(parse(ctx, list[i], entry_path, entry));
    if (!names.insert(entry.name).second)
      return ctx.Error(list[i]["name"], entry_path + ".name", "\"" + entry.name + "\" is defined twice");
    out.push_back(std::move(entry));
  }
  return Status::Ok();
}

void RecordPositions(const YAML::Node& node, const std::string& path,
                     std::map<std::string, std::pair<int, int>>& out) {
  if (node.Mark().line >= 0) out[path] = {node.Mark().line + 1, node.Mark().column + 1};
  if (node.IsSequence()) {
    for (size_t i = 0; i < node.size(); ++i) RecordPositions(node[i], path + "[" + std::to_string(i) + "]", out);
  } else if (node.IsMap()) {
    for (const auto& kv : node) {
      if (kv.first.IsScalar()) RecordPositions(kv.second, path + "." + kv.first.Scalar(), out);
    }
  }
}

// The care section is interpreted by the care module (care/settings.h);
// here it only becomes JSON, with the place of each node.
Status ParseCare(const Ctx& ctx, const YAML::Node& n, CareConfig& out) {
  if (!n.IsMap()) return ctx.Error(n, "care", "expected a mapping (docs/care.md)");
  ECOUTE_RETURN_IF_ERROR(AppendJson(ctx, n, "care", 0, out.json));
  RecordPositions(n, "care", out.positions);
  return Status::Ok();
}

Status ParseAlerts(const Ctx& ctx, const YAML::Node& a, AlertsConfig& out) {
  const std::string p = "alerts";
  ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, a, p, {"enabled", "time_zone", "max_age_minutes", "notifiers", "rules"}));
  ECOUTE_RETURN_IF_ERROR(ReadBool(ctx, a, p, "enabled", out.enabled));
  ECOUTE_RETURN_IF_ERROR(ReadString(ctx, a, p, "time_zone", out.time_zone));
  if (YAML::Node tz = a["time_zone"]) {
    base::Result<base::TimeZone> zone = base::TimeZone::Load(out.time_zone);
    if (!zone.ok()) return ctx.Error(tz, p + ".time_zone", zone.status().message());
  }
  ECOUTE_RETURN_IF_ERROR(Read(ctx, a, p, "max_age_minutes", out.max_age_minutes, 1, 10080));
  ECOUTE_RETURN_IF_ERROR(ParseNamedList(ctx, a["notifiers"], p + ".notifiers",
                                        "expected a list of {name, type, ...} entries", ParseNotifier, out.notifiers));
  ECOUTE_RETURN_IF_ERROR(
      ParseNamedList(ctx, a["rules"], p + ".rules", "expected a list of rules", ParseRule, out.rules));
  return Status::Ok();
}

Status ParseRoot(const Ctx& ctx, const YAML::Node& root, Config& c) {
  if (root.IsNull()) return Status::Ok();  // an empty file: all defaults
  ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, root, "",
                                   {"store", "server", "pipeline", "demo", "mappings", "queries", "understanding",
                                    "alerts", "care", "auth", "log"}));
  if (YAML::Node s = root["store"]) {
    ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, s, "store", {"path", "synchronous", "read_connections", "cache_mb"}));
    ECOUTE_RETURN_IF_ERROR(ReadString(ctx, s, "store", "path", c.store.path));
    ECOUTE_RETURN_IF_ERROR(ReadString(ctx, s, "store", "synchronous", c.store.synchronous, {"full", "normal"}));
    ECOUTE_RETURN_IF_ERROR(Read(ctx, s, "store", "read_connections", c.store.read_connections, 1, 64));
    ECOUTE_RETURN_IF_ERROR(Read<int64_t>(ctx, s, "store", "cache_mb", c.store.cache_mb, 1, 65536));
  }
  if (YAML::Node s = root["server"]) {
    ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, s, "server", {"listen", "threads", "max_body_mb", "web_root"}));
    if (YAML::Node l = s["listen"]) {
      if (!l.IsScalar()) return ctx.Error(l, "server.listen", "expected host:port");
      Status st = ParseListen(l.Scalar(), c.server);
      if (!st.ok()) return ctx.Error(l, "server.listen", st.message());
    }
    ECOUTE_RETURN_IF_ERROR(Read(ctx, s, "server", "threads", c.server.threads, 1, 256));
    ECOUTE_RETURN_IF_ERROR(Read<int64_t>(ctx, s, "server", "max_body_mb", c.server.max_body_mb, 1, 4096));
    ECOUTE_RETURN_IF_ERROR(ReadString(ctx, s, "server", "web_root", c.server.web_root));
    if (YAML::Node w = s["web_root"]; w && c.server.web_root.empty())
      return ctx.Error(w, "server.web_root", "expected a directory (leave the key out for the built-in web app)");
  }
  if (YAML::Node s = root["pipeline"]) {
    ECOUTE_RETURN_IF_ERROR(CheckKeys(
        ctx, s, "pipeline", {"workers", "queue_batches", "commit_records", "commit_interval_ms", "batch_records"}));
    ECOUTE_RETURN_IF_ERROR(Read(ctx, s, "pipeline", "workers", c.pipeline.workers, 0, 64));
    ECOUTE_RETURN_IF_ERROR(Read(ctx, s, "pipeline", "queue_batches", c.pipeline.queue_batches, 1, 1024));
    ECOUTE_RETURN_IF_ERROR(Read(ctx, s, "pipeline", "commit_records", c.pipeline.commit_records, 1, 1'000'000));
    ECOUTE_RETURN_IF_ERROR(Read(ctx, s, "pipeline", "commit_interval_ms", c.pipeline.commit_interval_ms, 1, 10'000));
    ECOUTE_RETURN_IF_ERROR(Read(ctx, s, "pipeline", "batch_records", c.pipeline.batch_records, 1, 100'000));
  }
  if (YAML::Node s = root["demo"]) {
    ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, s, "demo", {"seed", "backlog_days", "messages_per_day", "live_per_minute"}));
    ECOUTE_RETURN_IF_ERROR(Read<uint64_t>(ctx, s, "demo", "seed", c.demo.seed, 0, UINT64_MAX));
    ECOUTE_RETURN_IF_ERROR(Read(ctx, s, "demo", "backlog_days", c.demo.backlog_days, 0, 3650));
    ECOUTE_RETURN_IF_ERROR(Read(ctx, s, "demo", "messages_per_day", c.demo.messages_per_day, 0.0, 1e8));
    ECOUTE_RETURN_IF_ERROR(Read(ctx, s, "demo", "live_per_minute", c.demo.live_per_minute, 0.0, 1e6));
  }
  if (YAML::Node m = root["mappings"]) {
    if (!m.IsMap()) return ctx.Error(m, "mappings", "expected name: file.yaml pairs");
    for (const auto& kv : m) {
      std::string name = kv.first.as<std::string>();
      if (!kv.second.IsScalar()) return ctx.Error(kv.second, "mappings." + name, "expected a file path");
      c.mappings[name] = kv.second.Scalar();
    }
  }
  if (YAML::Node qs = root["queries"]) {
    if (!qs.IsSequence()) return ctx.Error(qs, "queries", "expected a list of {name, kind, query} entries");
    std::set<std::string> names;
    for (size_t i = 0; i < qs.size(); ++i) {
      const YAML::Node q = qs[i];
      const std::string path = "queries[" + std::to_string(i) + "]";
      ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, q, path, {"name", "kind", "query", "description", "enabled"}));
      QueryConfig qc;
      if (!q["name"]) return ctx.Error(q, path, "missing key: name");
      if (!q["query"]) return ctx.Error(q, path, "missing key: query");
      ECOUTE_RETURN_IF_ERROR(ReadString(ctx, q, path, "name", qc.name));
      ECOUTE_RETURN_IF_ERROR(ReadString(ctx, q, path, "kind", qc.kind, {"brand", "competitor", "topic"}));
      ECOUTE_RETURN_IF_ERROR(ReadString(ctx, q, path, "query", qc.query));
      ECOUTE_RETURN_IF_ERROR(ReadString(ctx, q, path, "description", qc.description));
      ECOUTE_RETURN_IF_ERROR(ReadBool(ctx, q, path, "enabled", qc.enabled));
      if (!names.insert(qc.name).second)
        return ctx.Error(q["name"], path + ".name", "\"" + qc.name + "\" is defined twice");
      YAML::Mark mark = q["query"].Mark();
      qc.line = mark.line + 1;
      qc.column = mark.column + 1;
      c.queries.push_back(std::move(qc));
    }
  }
  if (YAML::Node u = root["understanding"]) {
    ECOUTE_RETURN_IF_ERROR(ParseUnderstanding(ctx, u, c.understanding));
  }
  if (YAML::Node care = root["care"]) {
    ECOUTE_RETURN_IF_ERROR(ParseCare(ctx, care, c.care));
  }
  if (YAML::Node a = root["alerts"]) {
    ECOUTE_RETURN_IF_ERROR(ParseAlerts(ctx, a, c.alerts));
  }
  if (YAML::Node a = root["auth"]) {
    const std::string p = "auth";
    ECOUTE_RETURN_IF_ERROR(
        CheckKeys(ctx, a, p, {"session_idle_hours", "session_max_days", "secure_cookies", "login_max_failures"}));
    ECOUTE_RETURN_IF_ERROR(Read(ctx, a, p, "session_idle_hours", c.auth.session_idle_hours, 1, 720));
    ECOUTE_RETURN_IF_ERROR(Read(ctx, a, p, "session_max_days", c.auth.session_max_days, 1, 365));
    ECOUTE_RETURN_IF_ERROR(ReadBool(ctx, a, p, "secure_cookies", c.auth.secure_cookies));
    ECOUTE_RETURN_IF_ERROR(Read(ctx, a, p, "login_max_failures", c.auth.login_max_failures, 1, 1000));
    if (int64_t{c.auth.session_idle_hours} > int64_t{c.auth.session_max_days} * 24)
      return ctx.Error(a["session_idle_hours"], p + ".session_idle_hours",
                       "must not exceed session_max_days (" + std::to_string(c.auth.session_max_days) + " days)");
  }
  if (YAML::Node l = root["log"]) {
    ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, l, "log", {"level"}));
    ECOUTE_RETURN_IF_ERROR(
        ReadString(ctx, l, "log", "level", c.log_level, {"trace", "debug", "info", "warn", "error"}));
  }
  return Status::Ok();
}

}  // namespace

Status ParseListen(std::string_view listen, ServerConfig& server) {
  std::string text(listen);
  std::string host = server.host, port_text = text;
  size_t colon = text.rfind(':');
  if (colon != std::string::npos) {
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
    if (host.empty()) host = "0.0.0.0";
  }
  int port = -1;
  try {
    size_t used = 0;
    port = std::stoi(port_text, &used);
    if (used != port_text.size()) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535)
    return Status::InvalidArgument("\"" + text + "\" is not host:port with a port from 0 to 65535");
  server.host = host;
  server.port = port;
  return Status::Ok();
}

base::Result<Config> Parse(std::string_view yaml, const std::string& name) {
  Config c;
  Ctx ctx{name};
  try {
    YAML::Node root = YAML::Load(std::string(yaml));
    ECOUTE_RETURN_IF_ERROR(ParseRoot(ctx, root, c));
  } catch (const YAML::Exception& e) {
    std::string where = name;
    if (e.mark.line >= 0) where += ":" + std::to_string(e.mark.line + 1) + ":" + std::to_string(e.mark.column + 1);
    return Status::InvalidArgument(where + ": " + e.msg);
  }
  c.source_path = name;
  return c;
}

base::Result<Config> Load(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::NotFound("cannot read configuration file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  ECOUTE_ASSIGN_OR_RETURN(Config c, Parse(ss.str(), path));
  namespace fs = std::filesystem;
  fs::path dir = fs::path(path).parent_path();
  auto resolve = [&](std::string& p) {
    if (!p.empty() && p != ":memory:" && fs::path(p).is_relative()) p = (dir / p).lexically_normal().string();
  };
  resolve(c.store.path);
  resolve(c.server.web_root);
  resolve(c.understanding.models);
  for (auto& [name, file] : c.mappings) resolve(file);
  return c;
}

}  // namespace ecoute::config
