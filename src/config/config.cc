#include "config/config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
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
  if (YAML::Node e = u["enabled"]) {
    if (!e.IsScalar() || !YAML::convert<bool>::decode(e, out.enabled))
      return ctx.Error(e, p + ".enabled", "expected true or false");
  }
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

Status ParseRoot(const Ctx& ctx, const YAML::Node& root, Config& c) {
  if (root.IsNull()) return Status::Ok();  // an empty file: all defaults
  ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, root, "", {"store", "server", "pipeline", "demo", "mappings", "queries", "understanding", "log"}));
  if (YAML::Node s = root["store"]) {
    ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, s, "store", {"path", "synchronous", "read_connections", "cache_mb"}));
    ECOUTE_RETURN_IF_ERROR(ReadString(ctx, s, "store", "path", c.store.path));
    ECOUTE_RETURN_IF_ERROR(ReadString(ctx, s, "store", "synchronous", c.store.synchronous, {"full", "normal"}));
    ECOUTE_RETURN_IF_ERROR(Read(ctx, s, "store", "read_connections", c.store.read_connections, 1, 64));
    ECOUTE_RETURN_IF_ERROR(Read<int64_t>(ctx, s, "store", "cache_mb", c.store.cache_mb, 1, 65536));
  }
  if (YAML::Node s = root["server"]) {
    ECOUTE_RETURN_IF_ERROR(CheckKeys(ctx, s, "server", {"listen", "threads", "max_body_mb"}));
    if (YAML::Node l = s["listen"]) {
      if (!l.IsScalar()) return ctx.Error(l, "server.listen", "expected host:port");
      Status st = ParseListen(l.Scalar(), c.server);
      if (!st.ok()) return ctx.Error(l, "server.listen", st.message());
    }
    ECOUTE_RETURN_IF_ERROR(Read(ctx, s, "server", "threads", c.server.threads, 1, 256));
    ECOUTE_RETURN_IF_ERROR(Read<int64_t>(ctx, s, "server", "max_body_mb", c.server.max_body_mb, 1, 4096));
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
      if (YAML::Node e = q["enabled"]) {
        if (!e.IsScalar() || !YAML::convert<bool>::decode(e, qc.enabled))
          return ctx.Error(e, path + ".enabled", "expected true or false");
      }
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
  resolve(c.understanding.models);
  for (auto& [name, file] : c.mappings) resolve(file);
  return c;
}

}  // namespace ecoute::config
