#include "contacts/contact_store.h"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <set>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "store/sqlite_util.h"
#include "text/text.h"

namespace ecoute::contacts {
namespace {

using store::internal::Db;
using store::internal::Exec;
using store::internal::QueryInt;
using store::internal::ResetOnExit;
using store::internal::StatementCache;
using store::internal::Stmt;

constexpr int64_t kSchemaVersion = 1;
constexpr std::string_view kSystem = "system";
// A name held by more than this many other contacts is too common to be
// evidence of anything.
constexpr size_t kMaxSameName = 10;
constexpr size_t kPhoneCacheSize = 50'000;
constexpr size_t kMaxQuotedPerType = 3;
constexpr int64_t kDayMs = 86'400'000;

constexpr std::string_view kSchemaSql = R"sql(
CREATE TABLE contact_meta (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE contacts (
  id            INTEGER PRIMARY KEY,
  display_name  TEXT NOT NULL,
  name_key      TEXT NOT NULL DEFAULT '',
  vip           INTEGER NOT NULL DEFAULT 0,
  notes         TEXT NOT NULL DEFAULT '',
  merged_into   INTEGER NOT NULL DEFAULT 0,
  created_at    INTEGER NOT NULL,
  updated_at    INTEGER NOT NULL,
  last_seen_at  INTEGER NOT NULL DEFAULT 0,
  message_count INTEGER NOT NULL DEFAULT 0,
  channels      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contacts_by_name ON contacts(name_key) WHERE name_key != '';
CREATE INDEX contacts_merged ON contacts(merged_into) WHERE merged_into != 0;
CREATE TABLE contact_identifiers (
  id         INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL,
  type       TEXT NOT NULL,
  network    TEXT NOT NULL,
  value      TEXT NOT NULL,
  source     TEXT NOT NULL,
  verified   INTEGER NOT NULL,
  first_seen INTEGER NOT NULL,
  mention_id INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX contact_identifiers_key ON contact_identifiers(type, network, value, contact_id);
CREATE UNIQUE INDEX contact_identifiers_verified ON contact_identifiers(type, network, value) WHERE verified = 1;
CREATE INDEX contact_identifiers_by_contact ON contact_identifiers(contact_id);
CREATE INDEX contact_identifiers_by_value ON contact_identifiers(value);
CREATE TABLE contact_mentions (
  mention_id INTEGER PRIMARY KEY,
  contact_id INTEGER NOT NULL,
  channel    INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  category   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contact_mentions_timeline ON contact_mentions(contact_id, created_at, mention_id);
CREATE TABLE contact_suggestions (
  id         INTEGER PRIMARY KEY,
  contact_a  INTEGER NOT NULL,
  contact_b  INTEGER NOT NULL,
  score      REAL NOT NULL,
  evidence   TEXT NOT NULL,
  state      TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  decided_at INTEGER NOT NULL DEFAULT 0,
  decided_by TEXT NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX contact_suggestions_pair ON contact_suggestions(contact_a, contact_b);
CREATE INDEX contact_suggestions_b ON contact_suggestions(contact_b);
CREATE INDEX contact_suggestions_state ON contact_suggestions(state, score);
CREATE TABLE contact_merges (
  id            INTEGER PRIMARY KEY,
  into_id       INTEGER NOT NULL,
  from_id       INTEGER NOT NULL,
  user          TEXT NOT NULL,
  reason        TEXT NOT NULL,
  at            INTEGER NOT NULL,
  suggestion_id INTEGER NOT NULL DEFAULT 0,
  undone_at     INTEGER NOT NULL DEFAULT 0,
  undone_by     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX contact_merges_into ON contact_merges(into_id);
CREATE INDEX contact_merges_from ON contact_merges(from_id);
CREATE TABLE contact_audit (
  id               INTEGER PRIMARY KEY,
  contact_id       INTEGER NOT NULL,
  at               INTEGER NOT NULL,
  actor            TEXT NOT NULL,
  action           TEXT NOT NULL,
  detail           TEXT NOT NULL,
  other_contact_id INTEGER NOT NULL DEFAULT 0,
  merge_id         INTEGER NOT NULL DEFAULT 0,
  suggestion_id    INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX contact_audit_by_contact ON contact_audit(contact_id, id);
CREATE TABLE contact_own_identifiers (
  type    TEXT NOT NULL,
  network TEXT NOT NULL,
  value   TEXT NOT NULL,
  PRIMARY KEY (type, network, value)
) WITHOUT ROWID;
INSERT INTO contact_meta(key, value) VALUES ('schema_version', 1);
)sql";

constexpr std::string_view kIdentCols =
    "id, contact_id, type, network, value, source, verified, first_seen, mention_id";
constexpr std::string_view kContactCols =
    "id, display_name, name_key, vip, notes, merged_into, created_at, updated_at, last_seen_at, message_count, "
    "channels";
constexpr std::string_view kSuggestionCols =
    "id, contact_a, contact_b, score, evidence, state, created_at, updated_at, decided_at, decided_by";
constexpr std::string_view kMergeCols = "id, into_id, from_id, user, reason, at, suggestion_id, undone_at, undone_by";
constexpr std::string_view kAuditCols =
    "id, contact_id, at, actor, action, detail, other_contact_id, merge_id, suggestion_id";

// Binds a copy of `v` (no lifetime to track).
void Bind(Stmt* s, int i, std::string_view v) {
  sqlite3_bind_text(s->get(), i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
}

struct ContactRow {
  int64_t id = 0;
  std::string display_name;
  std::string name_key;
  bool vip = false;
  std::string notes;
  int64_t merged_into = 0;
  base::Timestamp created_at = 0;
  base::Timestamp updated_at = 0;
  base::Timestamp last_seen_at = 0;
  int64_t message_count = 0;
  int64_t channels = 0;
};

ContactRow ReadContact(const Stmt& s) {
  ContactRow r;
  r.id = s.Int(0);
  r.display_name = std::string(s.Text(1));
  r.name_key = std::string(s.Text(2));
  r.vip = s.Int(3) != 0;
  r.notes = std::string(s.Text(4));
  r.merged_into = s.Int(5);
  r.created_at = s.Int(6);
  r.updated_at = s.Int(7);
  r.last_seen_at = s.Int(8);
  r.message_count = s.Int(9);
  r.channels = s.Int(10);
  return r;
}

struct IdentRow {
  int64_t id = 0;
  StoredIdentifier stored;
};

// The contact an identifier change is for (canonical) and every row that
// holds the identifier, whichever contact's.
struct IdentifierEdit {
  int64_t canon = 0;
  std::vector<IdentRow> rows;
};

base::Result<IdentRow> ReadIdent(const Stmt& s) {
  IdentRow r;
  r.id = s.Int(0);
  r.stored.contact_id = s.Int(1);
  auto type = ParseIdentifierType(s.Text(2));
  if (!type)
    return base::Status::Corruption("contacts: identifier " + std::to_string(r.id) + " has unknown type \"" +
                                    std::string(s.Text(2)) + "\"");
  r.stored.identifier.type = *type;
  r.stored.identifier.network = std::string(s.Text(3));
  r.stored.identifier.value = std::string(s.Text(4));
  r.stored.source = std::string(s.Text(5));
  r.stored.verified = s.Int(6) != 0;
  r.stored.first_seen = s.Int(7);
  r.stored.mention_id = s.Int(8);
  return r;
}

// The rows `s` has left, read by ReadIdent.
base::Result<std::vector<IdentRow>> ReadIdents(Stmt& s) {
  std::vector<IdentRow> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) return out;
    ECOUTE_ASSIGN_OR_RETURN(IdentRow r, ReadIdent(s));
    out.push_back(std::move(r));
  }
}

nlohmann::json EvidenceToJson(const std::vector<Evidence>& ev) {
  nlohmann::json a = nlohmann::json::array();
  for (const Evidence& e : ev)
    a.push_back({{"kind", e.kind}, {"detail", e.detail}, {"mention_id", e.mention_id}, {"value", e.value}});
  return a;
}

base::Result<std::vector<Evidence>> EvidenceFromJson(std::string_view text, int64_t suggestion_id) {
  std::vector<Evidence> out;
  try {
    nlohmann::json a = nlohmann::json::parse(text);
    if (!a.is_array()) throw std::runtime_error("not an array");
    for (const auto& e : a) {
      Evidence ev;
      ev.kind = e.at("kind").get<std::string>();
      ev.detail = e.at("detail").get<std::string>();
      ev.mention_id = e.at("mention_id").get<int64_t>();
      ev.value = e.value("value", std::string());
      out.push_back(std::move(ev));
    }
  } catch (const std::exception& ex) {
    return base::Status::Corruption("contacts: suggestion " + std::to_string(suggestion_id) +
                                    ": bad evidence JSON: " + ex.what());
  }
  return out;
}

base::Result<Suggestion> ReadSuggestion(const Stmt& s) {
  Suggestion g;
  g.id = s.Int(0);
  g.contact_a = s.Int(1);
  g.contact_b = s.Int(2);
  g.score = s.Double(3);
  ECOUTE_ASSIGN_OR_RETURN(g.evidence, EvidenceFromJson(s.Text(4), g.id));
  g.state = std::string(s.Text(5));
  g.created_at = s.Int(6);
  g.updated_at = s.Int(7);
  g.decided_at = s.Int(8);
  g.decided_by = std::string(s.Text(9));
  return g;
}

MergeRecord ReadMerge(const Stmt& s) {
  MergeRecord m;
  m.id = s.Int(0);
  m.into = s.Int(1);
  m.from = s.Int(2);
  m.user = std::string(s.Text(3));
  m.reason = std::string(s.Text(4));
  m.at = s.Int(5);
  m.suggestion_id = s.Int(6);
  m.undone_at = s.Int(7);
  m.undone_by = std::string(s.Text(8));
  return m;
}

AuditEntry ReadAudit(const Stmt& s) {
  AuditEntry a;
  a.id = s.Int(0);
  a.contact_id = s.Int(1);
  a.at = s.Int(2);
  a.actor = std::string(s.Text(3));
  a.action = std::string(s.Text(4));
  a.detail = std::string(s.Text(5));
  a.other_contact_id = s.Int(6);
  a.merge_id = s.Int(7);
  a.suggestion_id = s.Int(8);
  return a;
}

// "tweet 12", "call 5", "e-mail 7": how a detail sentence names a mention.
std::string MentionNoun(model::Channel c, int64_t id) {
  std::string_view n;
  switch (c) {
    case model::Channel::kTwitter:
      n = "tweet";
      break;
    case model::Channel::kFacebook:
      n = "Facebook message";
      break;
    case model::Channel::kInstagram:
      n = "Instagram message";
      break;
    case model::Channel::kForum:
      n = "forum post";
      break;
    case model::Channel::kBlog:
      n = "blog post";
      break;
    case model::Channel::kNews:
      n = "article";
      break;
    case model::Channel::kReview:
      n = "review";
      break;
    case model::Channel::kEmail:
      n = "e-mail";
      break;
    case model::Channel::kChat:
      n = "chat message";
      break;
    case model::Channel::kVoice:
      n = "call";
      break;
    case model::Channel::kSms:
      n = "SMS";
      break;
    case model::Channel::kOther:
      n = "message";
      break;
  }
  return std::string(n) + " " + std::to_string(id);
}

// "e-mail", "phone number", ...: how a sentence names an identifier type.
std::string_view TypeLabel(IdentifierType t) {
  switch (t) {
    case IdentifierType::kEmail:
      return "e-mail";
    case IdentifierType::kPhone:
      return "phone number";
    case IdentifierType::kHandle:
      return "handle";
    case IdentifierType::kCustomerNumber:
      return "customer number";
    case IdentifierType::kOrderNumber:
      return "order number";
  }
  return "identifier";
}

// With its article: "an e-mail", "a phone number".
std::string TypeNoun(IdentifierType t) {
  const std::string_view label = TypeLabel(t);
  const bool vowel = label.front() == 'e' || label.front() == 'o';
  return std::string(vowel ? "an " : "a ") + std::string(label);
}

std::string ShownValue(const Identifier& id) {
  return id.type == IdentifierType::kHandle ? "@" + id.value + " (" + id.network + ")" : id.value;
}

std::string QuotedKind(IdentifierType t) { return "quoted_" + std::string(IdentifierTypeName(t)); }

std::string_view TrimView(std::string_view s) {
  while (!s.empty() && static_cast<unsigned char>(s.front()) <= 0x20) s.remove_prefix(1);
  while (!s.empty() && static_cast<unsigned char>(s.back()) <= 0x20) s.remove_suffix(1);
  return s;
}

std::string CutUtf8(std::string_view s, size_t max) {
  if (s.size() <= max) return std::string(s);
  size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) --cut;
  return std::string(s.substr(0, cut));
}

std::string IdList(const std::vector<int64_t>& ids) {
  std::string s;
  for (int64_t id : ids) {
    if (!s.empty()) s += ',';
    s += std::to_string(id);
  }
  return s;
}

base::Status RequireUser(std::string_view user) {
  if (TrimView(user).empty()) return base::Status::InvalidArgument("user: required");
  if (user.size() > 200) return base::Status::InvalidArgument("user: longer than 200 bytes");
  return base::Status::Ok();
}

base::Status CheckLimit(int limit, int max) {
  if (limit < 1 || limit > max)
    return base::Status::InvalidArgument("limit: must be 1.." + std::to_string(max) + ", got " + std::to_string(limit));
  return base::Status::Ok();
}

int64_t SaturatingAdd(int64_t a, int64_t b) {
  int64_t r = 0;
  if (__builtin_add_overflow(a, b, &r))
    return b > 0 ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
  return r;
}

// `ms` >= 0 (within a name window of each other, so no overflow).
std::string DaysApart(int64_t ms) {
  const int64_t days = ms / kDayMs;
  if (days == 0) return "the same day";
  return days == 1 ? "1 day apart" : std::to_string(days) + " days apart";
}

}  // namespace

double EvidenceWeight(std::string_view kind) {
  if (kind == "quoted_email" || kind == "quoted_phone") return 0.9;
  if (kind == "quoted_customer_number") return 0.85;
  if (kind == "quoted_order_number") return 0.8;
  if (kind == "same_name") return 0.5;
  if (kind == "same_category") return 0.3;
  return 0;
}

double ScoreEvidence(std::span<const Evidence> evidence) {
  std::unordered_set<std::string> seen;
  double miss = 1.0;
  for (const Evidence& e : evidence) {
    if (!seen.insert(e.kind + '\n' + e.value).second) continue;
    miss *= 1.0 - EvidenceWeight(e.kind);
  }
  double score = std::round((1.0 - miss) * 1000.0) / 1000.0;
  return std::clamp(score, 0.0, 0.999);
}

struct ContactStore::Impl {
  ContactOptions options;
  const base::Clock* clock = nullptr;
  std::optional<Extractor> extractor;
  std::vector<std::string> own_domains;  // lowercased, without '@'

  std::mutex mu;
  // Guarded by mu. `cache` is declared after `db` so it is destroyed first.
  Db db;
  StatementCache cache;
  std::unordered_map<int64_t, int64_t> parent;                 // merged contact -> the one it is merged into
  std::unordered_map<int64_t, std::vector<int64_t>> children;  // inverse of parent
  std::unordered_set<std::string> own;                         // IdentifierKey of the brand's identifiers
  std::unordered_map<std::string, std::optional<Identifier>> phone_cache;  // caller handle -> its identifier

  // ---- plumbing ----

  base::Result<Stmt*> P(const std::string& sql, std::string_view step) { return cache.Get(db.get(), sql, step); }

  base::Status RunSql(const std::string& sql, std::string_view step) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, P(sql, step));
    ResetOnExit reset(*s);
    return s->Run();
  }

  // Runs `body` in one IMMEDIATE transaction: committed when it returns OK,
  // rolled back otherwise.
  base::Status InTx(const std::function<base::Status()>& body) {
    ECOUTE_RETURN_IF_ERROR(RunSql("BEGIN IMMEDIATE", "contacts: begin"));
    base::Status s = body();
    if (s.ok()) s = RunSql("COMMIT", "contacts: commit");
    if (!s.ok()) {
      if (sqlite3_get_autocommit(db.get()) == 0) (void)RunSql("ROLLBACK", "contacts: rollback");
      return s;
    }
    return base::Status::Ok();
  }

  int64_t Canonical(int64_t id) const {
    for (size_t guard = 0; guard <= parent.size(); ++guard) {
      auto it = parent.find(id);
      if (it == parent.end()) return id;
      id = it->second;
    }
    return id;  // unreachable: Open refuses cycles and merges keep the forest
  }

  // `canon` and every contact merged into it, ascending.
  std::vector<int64_t> Group(int64_t canon) const {
    std::vector<int64_t> out{canon};
    for (size_t i = 0; i < out.size(); ++i) {
      auto it = children.find(out[i]);
      if (it != children.end()) out.insert(out.end(), it->second.begin(), it->second.end());
    }
    std::sort(out.begin(), out.end());
    return out;
  }

  void ApplyMerge(int64_t into, int64_t from) {
    parent[from] = into;
    children[into].push_back(from);
  }

  void ApplyUnmerge(int64_t into, int64_t from) {
    parent.erase(from);
    auto it = children.find(into);
    if (it == children.end()) return;
    std::erase(it->second, from);
    if (it->second.empty()) children.erase(it);
  }

  base::Timestamp Now() const { return clock->Now(); }

  bool IsOwn(const Identifier& id) const {
    if (own.count(IdentifierKey(id)) != 0) return true;
    if (id.type != IdentifierType::kEmail || own_domains.empty()) return false;
    const size_t at = id.value.rfind('@');
    if (at == std::string::npos) return false;
    std::string_view domain = std::string_view(id.value).substr(at + 1);
    for (const std::string& d : own_domains) {
      if (domain == d) return true;
      if (domain.size() > d.size() && domain.ends_with(d) && domain[domain.size() - d.size() - 1] == '.') return true;
    }
    return false;
  }

  // ---- rows ----

  base::Result<std::optional<ContactRow>> LoadContact(int64_t id) {
    ECOUTE_ASSIGN_OR_RETURN(
        Stmt * s, P("SELECT " + std::string(kContactCols) + " FROM contacts WHERE id = ?1", "contacts: load contact"));
    ResetOnExit reset(*s);
    s->BindInt(1, id);
    ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return std::optional<ContactRow>();
    return std::optional<ContactRow>(ReadContact(*s));
  }

  base::Result<ContactRow> RequireContact(int64_t id) {
    if (id <= 0) return base::Status::InvalidArgument("contact id: must be positive, got " + std::to_string(id));
    ECOUTE_ASSIGN_OR_RETURN(std::optional<ContactRow> row, LoadContact(id));
    if (!row) return base::Status::NotFound("contact " + std::to_string(id) + ": no such contact");
    return std::move(*row);
  }

  base::Result<std::vector<IdentRow>> FindIdentifier(const Identifier& id) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, P("SELECT " + std::string(kIdentCols) +
                                            " FROM contact_identifiers WHERE type = ?1 AND network = ?2 AND value = ?3 "
                                            "ORDER BY verified DESC, id",
                                        "contacts: find identifier"));
    ResetOnExit reset(*s);
    s->BindText(1, IdentifierTypeName(id.type));
    s->BindText(2, id.network);
    s->BindText(3, id.value);
    return ReadIdents(*s);
  }

  base::Result<std::vector<IdentRow>> IdentifiersOf(int64_t contact_id) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, P("SELECT " + std::string(kIdentCols) +
                                            " FROM contact_identifiers WHERE contact_id = ?1 ORDER BY first_seen, id",
                                        "contacts: list identifiers"));
    ResetOnExit reset(*s);
    s->BindInt(1, contact_id);
    return ReadIdents(*s);
  }

  base::Status InsertIdentifier(int64_t contact_id, const Identifier& id, std::string_view source, bool verified,
                                base::Timestamp first_seen, int64_t mention_id) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, P("INSERT INTO contact_identifiers(contact_id, type, network, value, source, "
                                        "verified, first_seen, mention_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                        "contacts: insert identifier"));
    ResetOnExit reset(*s);
    s->BindInt(1, contact_id);
    s->BindText(2, IdentifierTypeName(id.type));
    s->BindText(3, id.network);
    s->BindText(4, id.value);
    s->BindText(5, source);
    s->BindInt(6, verified ? 1 : 0);
    s->BindInt(7, first_seen);
    s->BindInt(8, mention_id);
    return s->Run();
  }

  base::Status AddAudit(int64_t contact_id, std::string_view actor, std::string_view action, std::string_view detail,
                        int64_t other = 0, int64_t merge_id = 0, int64_t suggestion_id = 0) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, P("INSERT INTO contact_audit(contact_id, at, actor, action, detail, "
                                        "other_contact_id, merge_id, suggestion_id) "
                                        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                        "contacts: insert audit"));
    ResetOnExit reset(*s);
    s->BindInt(1, contact_id);
    s->BindInt(2, Now());
    Bind(s, 3, actor);
    Bind(s, 4, action);
    Bind(s, 5, detail);
    s->BindInt(6, other);
    s->BindInt(7, merge_id);
    s->BindInt(8, suggestion_id);
    return s->Run();
  }

  // ---- suggestions ----

  // A decided suggestion or an undone merge between any member of the two
  // groups: the pair is never suggested again. Otherwise the id of a
  // pending suggestion between them (0 = none).
  struct PairState {
    bool blocked = false;
    int64_t pending = 0;
  };

  base::Result<PairState> PairStateOf(int64_t x, int64_t y) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * sug,
                            P("SELECT id, state FROM contact_suggestions WHERE contact_a = ?1 AND contact_b = ?2",
                              "contacts: find suggestion"));
    ECOUTE_ASSIGN_OR_RETURN(Stmt * mer, P("SELECT 1 FROM contact_merges WHERE (into_id = ?1 AND from_id = ?2) OR "
                                          "(into_id = ?2 AND from_id = ?1) LIMIT 1",
                                          "contacts: find merge of pair"));
    PairState st;
    const std::vector<int64_t> gx = Group(x);
    const std::vector<int64_t> gy = Group(y);
    for (int64_t a : gx) {
      for (int64_t b : gy) {
        {
          ResetOnExit reset(*sug);
          sug->BindInt(1, std::min(a, b));
          sug->BindInt(2, std::max(a, b));
          ECOUTE_ASSIGN_OR_RETURN(bool row, sug->Step());
          if (row) {
            if (sug->Text(1) != "pending") {
              st.blocked = true;
              return st;
            }
            if (st.pending == 0) st.pending = sug->Int(0);
          }
        }
        {
          ResetOnExit reset(*mer);
          mer->BindInt(1, a);
          mer->BindInt(2, b);
          ECOUTE_ASSIGN_OR_RETURN(bool row, mer->Step());
          if (row) {
            st.blocked = true;
            return st;
          }
        }
      }
    }
    return st;
  }

  // Adds `evidence` to the pending suggestion between canonical contacts x
  // and y, or makes one when the score reaches min_score. Nothing when the
  // pair is blocked.
  base::Status Suggest(int64_t x, int64_t y, const std::vector<Evidence>& evidence) {
    if (x == y || evidence.empty()) return base::Status::Ok();
    ECOUTE_ASSIGN_OR_RETURN(PairState st, PairStateOf(x, y));
    if (st.blocked) return base::Status::Ok();
    const base::Timestamp now = Now();
    if (st.pending != 0) {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * get, P("SELECT evidence FROM contact_suggestions WHERE id = ?1",
                                            "contacts: load suggestion evidence"));
      std::vector<Evidence> all;
      {
        ResetOnExit reset(*get);
        get->BindInt(1, st.pending);
        ECOUTE_ASSIGN_OR_RETURN(bool row, get->Step());
        if (!row) return base::Status::Internal("contacts: suggestion " + std::to_string(st.pending) + " vanished");
        ECOUTE_ASSIGN_OR_RETURN(all, EvidenceFromJson(get->Text(0), st.pending));
      }
      bool changed = false;
      for (const Evidence& e : evidence) {
        if (all.size() >= kMaxEvidence) break;
        const bool dup = std::any_of(all.begin(), all.end(),
                                     [&](const Evidence& o) { return o.kind == e.kind && o.value == e.value; });
        if (dup) continue;
        all.push_back(e);
        changed = true;
      }
      if (!changed) return base::Status::Ok();
      ECOUTE_ASSIGN_OR_RETURN(Stmt * up, P("UPDATE contact_suggestions SET score = ?2, evidence = ?3, updated_at = ?4 "
                                           "WHERE id = ?1",
                                           "contacts: update suggestion"));
      ResetOnExit reset(*up);
      up->BindInt(1, st.pending);
      up->BindDouble(2, ScoreEvidence(all));
      Bind(up, 3, EvidenceToJson(all).dump());
      up->BindInt(4, now);
      return up->Run();
    }
    std::vector<Evidence> all;
    for (const Evidence& e : evidence) {
      if (all.size() >= kMaxEvidence) break;
      if (std::none_of(all.begin(), all.end(),
                       [&](const Evidence& o) { return o.kind == e.kind && o.value == e.value; }))
        all.push_back(e);
    }
    const double score = ScoreEvidence(all);
    if (score < options.min_score) return base::Status::Ok();
    ECOUTE_ASSIGN_OR_RETURN(Stmt * ins,
                            P("INSERT INTO contact_suggestions(contact_a, contact_b, score, evidence, state, "
                              "created_at, updated_at) VALUES (?1, ?2, ?3, ?4, 'pending', ?5, ?5)",
                              "contacts: insert suggestion"));
    ResetOnExit reset(*ins);
    ins->BindInt(1, std::min(x, y));
    ins->BindInt(2, std::max(x, y));
    ins->BindDouble(3, score);
    Bind(ins, 4, EvidenceToJson(all).dump());
    ins->BindInt(5, now);
    return ins->Run();
  }

  // ---- the hot path ----

  // IdentifierFromAuthor, with the phone numbers (slow to parse) of
  // callers remembered.
  std::optional<Identifier> AuthorIdentifier(const model::Mention& m) {
    if (m.channel != model::Channel::kVoice && m.channel != model::Channel::kSms)
      return IdentifierFromAuthor(m, options.default_region);
    auto it = phone_cache.find(m.author.handle);
    if (it != phone_cache.end()) return it->second;
    if (phone_cache.size() >= kPhoneCacheSize) phone_cache.clear();
    std::optional<Identifier> id = IdentifierFromAuthor(m, options.default_region);
    phone_cache.emplace(m.author.handle, id);
    return id;
  }

  struct Counter {
    int64_t count = 0;
    base::Timestamp last = 0;
    int64_t channels = 0;
  };

  base::Result<int64_t> CreateContact(const model::Mention& m, const Identifier& author) {
    std::string_view name = TrimView(m.author.display_name);
    const std::string key = NameKey(name);
    std::string display = CutUtf8(name.empty() ? TrimView(m.author.handle) : name, 200);
    if (!text::IsValidUtf8(display)) display = ShownValue(author);
    const base::Timestamp now = Now();
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, P("INSERT INTO contacts(display_name, name_key, created_at, updated_at) "
                                        "VALUES (?1, ?2, ?3, ?3)",
                                        "contacts: insert contact"));
    {
      ResetOnExit reset(*s);
      s->BindText(1, display);
      s->BindText(2, key);
      s->BindInt(3, now);
      ECOUTE_RETURN_IF_ERROR(s->Run());
    }
    const int64_t id = sqlite3_last_insert_rowid(db.get());
    ECOUTE_RETURN_IF_ERROR(InsertIdentifier(id, author, "author", true, m.created_at, m.id));
    ECOUTE_RETURN_IF_ERROR(
        AddAudit(id, kSystem, "created", "created from " + MentionNoun(m.channel, m.id) + " by " + ShownValue(author)));
    return id;
  }

  // Same folded name on another channel within the window: evidence per
  // other canonical contact.
  base::Status NameEvidence(const model::Mention& m, int64_t owner, int64_t canon,
                            std::map<int64_t, std::vector<Evidence>>& out) {
    const std::string key = NameKey(TrimView(m.author.display_name));
    if (key.empty()) return base::Status::Ok();
    ECOUTE_ASSIGN_OR_RETURN(Stmt * cand,
                            P("SELECT id FROM contacts WHERE name_key = ?1 AND name_key != '' AND id != ?2 LIMIT " +
                                  std::to_string(4 * kMaxSameName + 1),
                              "contacts: same-name candidates"));
    std::vector<int64_t> ids;
    {
      ResetOnExit reset(*cand);
      cand->BindText(1, key);
      cand->BindInt(2, owner);
      std::unordered_set<int64_t> others;
      for (;;) {
        ECOUTE_ASSIGN_OR_RETURN(bool row, cand->Step());
        if (!row) break;
        const int64_t c = cand->Int(0);
        const int64_t cc = Canonical(c);
        if (cc == canon) continue;
        others.insert(cc);
        if (others.size() > kMaxSameName) return base::Status::Ok();  // a common name
        ids.push_back(c);
      }
    }
    if (ids.empty()) return base::Status::Ok();
    ECOUTE_ASSIGN_OR_RETURN(Stmt * win, P("SELECT mention_id, channel, created_at, category FROM contact_mentions "
                                          "WHERE contact_id = ?1 AND created_at BETWEEN ?2 AND ?3 AND channel != ?4 "
                                          "ORDER BY created_at DESC, mention_id DESC LIMIT 50",
                                          "contacts: same-name window"));
    const int64_t window = static_cast<int64_t>(options.name_window_days) * kDayMs;
    const std::string category = m.enrichment.category.value_or("");
    const bool has_category = !category.empty() && category != "none";
    for (int64_t c : ids) {
      const int64_t cc = Canonical(c);
      if (cc == canon) continue;
      ResetOnExit reset(*win);
      win->BindInt(1, c);
      win->BindInt(2, SaturatingAdd(m.created_at, -window));
      win->BindInt(3, SaturatingAdd(m.created_at, window));
      win->BindInt(4, static_cast<int64_t>(m.channel));
      bool found = false;
      bool same_category = false;
      int64_t other_mention = 0;
      int64_t other_channel = 0;
      base::Timestamp other_at = 0;
      for (;;) {
        ECOUTE_ASSIGN_OR_RETURN(bool row, win->Step());
        if (!row) break;
        const bool cat_match = has_category && win->Text(3) == category;
        if (!found || (cat_match && !same_category)) {
          found = true;
          same_category = cat_match;
          other_mention = win->Int(0);
          other_channel = win->Int(1);
          other_at = win->Int(2);
        }
        if (same_category) break;
      }
      if (!found) continue;
      const auto other_ch =
          static_cast<model::Channel>(std::clamp<int64_t>(other_channel, 0, model::kChannelCount - 1));
      std::vector<Evidence>& ev = out[cc];
      ev.push_back({"same_name",
                    "\"" + CutUtf8(TrimView(m.author.display_name), 100) + "\" wrote " + MentionNoun(m.channel, m.id) +
                        " and " + MentionNoun(other_ch, other_mention) + " (contact " + std::to_string(c) + ") " +
                        DaysApart(other_at > m.created_at ? other_at - m.created_at : m.created_at - other_at),
                    m.id, key});
      if (same_category)
        ev.push_back({"same_category",
                      "both are about \"" + category + "\" (" + MentionNoun(m.channel, m.id) + " and " +
                          MentionNoun(other_ch, other_mention) + ")",
                      m.id, category});
    }
    return base::Status::Ok();
  }

  base::Status ResolveOne(const model::Mention& m, int64_t& result, std::unordered_map<int64_t, Counter>& counters,
                          std::vector<std::string>& learned_own) {
    if (m.id <= 0 || static_cast<int>(m.channel) >= model::kChannelCount) return base::Status::Ok();
    const std::optional<Identifier> author = AuthorIdentifier(m);
    if (m.direction == model::Direction::kOutbound) {
      if (!author) return base::Status::Ok();
      std::string key = IdentifierKey(*author);
      if (own.count(key) != 0) return base::Status::Ok();
      ECOUTE_ASSIGN_OR_RETURN(Stmt * s, P("INSERT OR IGNORE INTO contact_own_identifiers(type, network, value) "
                                          "VALUES (?1, ?2, ?3)",
                                          "contacts: learn own identifier"));
      ResetOnExit reset(*s);
      s->BindText(1, IdentifierTypeName(author->type));
      s->BindText(2, author->network);
      s->BindText(3, author->value);
      ECOUTE_RETURN_IF_ERROR(s->Run());
      // Known at once (later mentions of the batch); forgotten again if
      // the batch rolls back.
      own.insert(key);
      learned_own.push_back(std::move(key));
      return base::Status::Ok();
    }
    {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * s, P("SELECT contact_id FROM contact_mentions WHERE mention_id = ?1",
                                          "contacts: find resolved mention"));
      ResetOnExit reset(*s);
      s->BindInt(1, m.id);
      ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
      if (row) {
        result = Canonical(s->Int(0));
        return base::Status::Ok();
      }
    }
    if (!author) return base::Status::Ok();

    ECOUTE_ASSIGN_OR_RETURN(std::vector<IdentRow> rows, FindIdentifier(*author));
    int64_t owner = 0;
    for (const IdentRow& r : rows)
      if (r.stored.verified) owner = r.stored.contact_id;
    const bool created = owner == 0;
    if (created) {
      ECOUTE_ASSIGN_OR_RETURN(owner, CreateContact(m, *author));
    }
    {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * s, P("INSERT INTO contact_mentions(mention_id, contact_id, channel, created_at, "
                                          "category) VALUES (?1, ?2, ?3, ?4, ?5)",
                                          "contacts: record mention"));
      ResetOnExit reset(*s);
      s->BindInt(1, m.id);
      s->BindInt(2, owner);
      s->BindInt(3, static_cast<int64_t>(m.channel));
      s->BindInt(4, m.created_at);
      s->BindText(5, m.enrichment.category ? std::string_view(*m.enrichment.category) : std::string_view(""));
      ECOUTE_RETURN_IF_ERROR(s->Run());
    }
    Counter& counter = counters[owner];
    ++counter.count;
    counter.last = counter.count == 1 ? m.created_at : std::max(counter.last, m.created_at);
    counter.channels |= int64_t{1} << static_cast<int>(m.channel);
    const int64_t canon = Canonical(owner);
    result = canon;
    if (!options.suggest) return base::Status::Ok();

    std::map<int64_t, std::vector<Evidence>> evidence;  // other canonical contact -> evidence
    const std::string noun = MentionNoun(m.channel, m.id);
    if (created) {
      // Contacts that quoted this author's identifier before it wrote.
      for (const IdentRow& r : rows) {
        const int64_t c = Canonical(r.stored.contact_id);
        if (c == canon || author->type == IdentifierType::kHandle) continue;
        evidence[c].push_back({QuotedKind(author->type),
                               noun + " comes from " + ShownValue(*author) + ", which contact " +
                                   std::to_string(r.stored.contact_id) + " quoted in mention " +
                                   std::to_string(r.stored.mention_id),
                               m.id, author->value});
      }
    }
    std::vector<FoundIdentifier> quotes;
    if (!m.title.empty()) quotes = extractor->Extract(m.title);
    for (FoundIdentifier& f : extractor->Extract(m.text)) quotes.push_back(std::move(f));
    // Distinct quoted identifiers per type; a message quoting more than
    // kMaxQuotedPerType of one type (a thread with its CC list, a
    // directory) says nothing about who its author is, for that type.
    std::vector<const Identifier*> kept;
    {
      std::unordered_set<std::string> seen;
      std::array<size_t, 5> per_type{};
      for (const FoundIdentifier& q : quotes) {
        const Identifier& id = q.identifier;
        if (id == *author || IsOwn(id) || !seen.insert(IdentifierKey(id)).second) continue;
        ++per_type[static_cast<size_t>(id.type)];
        kept.push_back(&id);
      }
      std::erase_if(kept,
                    [&](const Identifier* id) { return per_type[static_cast<size_t>(id->type)] > kMaxQuotedPerType; });
    }
    for (const Identifier* quoted : kept) {
      const Identifier& id = *quoted;
      ECOUTE_ASSIGN_OR_RETURN(std::vector<IdentRow> held, FindIdentifier(id));
      if (held.empty()) {
        ECOUTE_RETURN_IF_ERROR(InsertIdentifier(canon, id, "quoted", false, m.created_at, m.id));
        ECOUTE_RETURN_IF_ERROR(
            AddAudit(canon, kSystem, "identifier_added",
                     std::string(TypeLabel(id.type)) + " " + ShownValue(id) + " quoted in " + noun + " (unverified)"));
        continue;
      }
      for (const IdentRow& r : held) {
        const int64_t c = Canonical(r.stored.contact_id);
        if (c == canon) continue;
        std::string detail = noun + " quotes " + ShownValue(id) + ", ";
        if (r.stored.verified) {
          detail += TypeNoun(id.type) + " of contact " + std::to_string(r.stored.contact_id);
        } else {
          detail += "which contact " + std::to_string(r.stored.contact_id) + " quoted in mention " +
                    std::to_string(r.stored.mention_id);
        }
        evidence[c].push_back({QuotedKind(id.type), std::move(detail), m.id, id.value});
      }
    }
    ECOUTE_RETURN_IF_ERROR(NameEvidence(m, owner, canon, evidence));
    for (const auto& [other, ev] : evidence) ECOUTE_RETURN_IF_ERROR(Suggest(canon, other, ev));
    return base::Status::Ok();
  }

  // ---- reads ----

  base::Result<Contact> View(int64_t id) {
    ECOUTE_ASSIGN_OR_RETURN(ContactRow asked, RequireContact(id));
    const int64_t canon = Canonical(id);
    ContactRow head = std::move(asked);
    if (canon != id) {
      ECOUTE_ASSIGN_OR_RETURN(head, RequireContact(canon));
    }
    Contact c;
    c.id = canon;
    c.display_name = head.display_name;
    c.notes = head.notes;
    c.created_at = head.created_at;
    c.resolved_from = canon != id ? id : 0;
    int64_t channels = 0;
    for (int64_t member : Group(canon)) {
      ContactRow row;
      if (member == canon) {
        row = head;
      } else {
        ECOUTE_ASSIGN_OR_RETURN(row, RequireContact(member));
        c.merged_ids.push_back(member);
      }
      c.vip = c.vip || row.vip;
      c.updated_at = std::max(c.updated_at, row.updated_at);
      c.last_seen_at = std::max(c.last_seen_at, row.last_seen_at);
      c.message_count += row.message_count;
      channels |= row.channels;
      ECOUTE_ASSIGN_OR_RETURN(std::vector<IdentRow> ids, IdentifiersOf(member));
      for (IdentRow& r : ids) c.identifiers.push_back(std::move(r.stored));
    }
    for (int i = 0; i < model::kChannelCount; ++i)
      if ((channels >> i) & 1) c.channels.emplace_back(model::ChannelName(static_cast<model::Channel>(i)));
    return c;
  }

  base::Result<MergeRecord> LoadMerge(int64_t merge_id) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, P("SELECT " + std::string(kMergeCols) + " FROM contact_merges WHERE id = ?1",
                                        "contacts: load merge"));
    ResetOnExit reset(*s);
    s->BindInt(1, merge_id);
    ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return base::Status::NotFound("merge " + std::to_string(merge_id) + ": no such merge");
    return ReadMerge(*s);
  }

  // `identifier` normalised, for a change by `user` (InvalidArgument
  // naming what is wrong with either).
  base::Result<Identifier> EditedIdentifier(const Identifier& identifier, std::string_view user) const {
    ECOUTE_RETURN_IF_ERROR(RequireUser(user));
    return NormalizeIdentifier(identifier.type, identifier.value, identifier.network, options.default_region);
  }

  // What a change of contact `id`'s identifier `ident` (normalised) starts
  // from; NotFound without the contact. Under mu.
  base::Result<IdentifierEdit> BeginIdentifierEdit(int64_t id, const Identifier& ident) {
    ECOUTE_RETURN_IF_ERROR(RequireContact(id).status());
    IdentifierEdit e;
    e.canon = Canonical(id);
    ECOUTE_ASSIGN_OR_RETURN(e.rows, FindIdentifier(ident));
    return e;
  }

  base::Result<Suggestion> LoadSuggestion(int64_t suggestion_id) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s,
                            P("SELECT " + std::string(kSuggestionCols) + " FROM contact_suggestions WHERE id = ?1",
                              "contacts: load suggestion"));
    ResetOnExit reset(*s);
    s->BindInt(1, suggestion_id);
    ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
    if (!row) return base::Status::NotFound("suggestion " + std::to_string(suggestion_id) + ": no such suggestion");
    return ReadSuggestion(*s);
  }

  // The suggestion; FailedPrecondition when it is decided already. Under mu.
  base::Result<Suggestion> LoadPendingSuggestion(int64_t suggestion_id) {
    ECOUTE_ASSIGN_OR_RETURN(Suggestion g, LoadSuggestion(suggestion_id));
    if (g.state != "pending")
      return base::Status::FailedPrecondition("suggestion " + std::to_string(suggestion_id) + " is already " +
                                              g.state + " (by " + g.decided_by + ")");
    return g;
  }

  // Records `user`'s decision `state` ("accepted" or "rejected") taken at
  // `at` on a pending suggestion. Inside InTx.
  base::Status DecideSuggestion(int64_t suggestion_id, std::string_view state, base::Timestamp at,
                                std::string_view user) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, P("UPDATE contact_suggestions SET state = ?2, decided_at = ?3, decided_by = ?4, "
                                        "updated_at = ?3 WHERE id = ?1 AND state = 'pending'",
                                        "contacts: decide suggestion"));
    ResetOnExit reset(*s);
    s->BindInt(1, suggestion_id);
    s->BindText(2, state);
    s->BindInt(3, at);
    Bind(s, 4, user);
    return s->Run();
  }

  // Merges canonical `from` into canonical `into` (rows only; the caller
  // applies the maps after the commit).
  base::Result<MergeRecord> MergeRows(int64_t into, int64_t from, std::string_view user, std::string_view reason,
                                      int64_t suggestion_id) {
    MergeRecord rec;
    rec.into = into;
    rec.from = from;
    rec.user = std::string(user);
    rec.reason = std::string(reason);
    rec.at = Now();
    rec.suggestion_id = suggestion_id;
    {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * s,
                              P("INSERT INTO contact_merges(into_id, from_id, user, reason, at, suggestion_id) "
                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                                "contacts: insert merge"));
      ResetOnExit reset(*s);
      s->BindInt(1, into);
      s->BindInt(2, from);
      Bind(s, 3, user);
      Bind(s, 4, reason);
      s->BindInt(5, rec.at);
      s->BindInt(6, suggestion_id);
      ECOUTE_RETURN_IF_ERROR(s->Run());
      rec.id = sqlite3_last_insert_rowid(db.get());
    }
    {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * s, P("UPDATE contacts SET merged_into = ?2 WHERE id = ?1 AND merged_into = 0",
                                          "contacts: set merged_into"));
      ResetOnExit reset(*s);
      s->BindInt(1, from);
      s->BindInt(2, into);
      ECOUTE_RETURN_IF_ERROR(s->Run());
      if (sqlite3_changes(db.get()) != 1)
        return base::Status::Internal("contacts: contact " + std::to_string(from) +
                                      " is not canonical in the database");
    }
    std::string why = reason.empty() ? std::string() : ": " + std::string(reason);
    ECOUTE_RETURN_IF_ERROR(AddAudit(into, user, "merged",
                                    "contact " + std::to_string(from) + " merged into this one" + why, from, rec.id,
                                    suggestion_id));
    ECOUTE_RETURN_IF_ERROR(AddAudit(from, user, "merged_into", "merged into contact " + std::to_string(into) + why,
                                    into, rec.id, suggestion_id));
    return rec;
  }

  base::Result<std::vector<TimelineEntry>> Timeline(int64_t canon, base::Timestamp before, int64_t before_id,
                                                    int limit) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, P("SELECT mention_id, channel, created_at FROM contact_mentions "
                                        "WHERE contact_id = ?1 AND (created_at, mention_id) < (?2, ?3) "
                                        "ORDER BY created_at DESC, mention_id DESC LIMIT ?4",
                                        "contacts: timeline"));
    std::vector<TimelineEntry> all;
    for (int64_t member : Group(canon)) {
      ResetOnExit reset(*s);
      s->BindInt(1, member);
      s->BindInt(2, before);
      s->BindInt(3, before_id > 0 ? before_id : std::numeric_limits<int64_t>::min());
      s->BindInt(4, limit);
      for (;;) {
        ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
        if (!row) break;
        TimelineEntry e;
        e.mention_id = s->Int(0);
        e.contact_id = member;
        e.channel = static_cast<model::Channel>(std::clamp<int64_t>(s->Int(1), 0, model::kChannelCount - 1));
        e.created_at = s->Int(2);
        all.push_back(e);
      }
    }
    std::sort(all.begin(), all.end(), [](const TimelineEntry& a, const TimelineEntry& b) {
      return a.created_at != b.created_at ? a.created_at > b.created_at : a.mention_id > b.mention_id;
    });
    if (all.size() > static_cast<size_t>(limit)) all.resize(static_cast<size_t>(limit));
    return all;
  }

  // ---- open ----

  base::Status InitSchema(const std::string& path) {
    return InTx([&]() -> base::Status {
      ECOUTE_ASSIGN_OR_RETURN(int64_t has_meta,
                              QueryInt(db.get(), "SELECT count(*) FROM sqlite_schema WHERE name = 'contact_meta'",
                                       "contacts: find contact_meta"));
      if (has_meta == 0) return Exec(db.get(), kSchemaSql, "contacts: create schema v1");
      auto version = QueryInt(db.get(), "SELECT value FROM contact_meta WHERE key = 'schema_version'",
                              "contacts: read schema version");
      if (!version.ok()) {
        if (version.status().code() == base::StatusCode::kNotFound)
          return base::Status::Corruption("contacts: \"" + path + "\": contact_meta has no schema_version row");
        return version.status();
      }
      if (*version > kSchemaVersion)
        return base::Status::Corruption("contacts: \"" + path + "\": contacts schema version " +
                                        std::to_string(*version) + " is newer than this build's version " +
                                        std::to_string(kSchemaVersion) + "; use a newer ecoute");
      if (*version < 1)
        return base::Status::Corruption("contacts: \"" + path + "\": contacts schema version " +
                                        std::to_string(*version) + " is invalid");
      return base::Status::Ok();
    });
  }

  base::Status LoadState() {
    {
      ECOUTE_ASSIGN_OR_RETURN(Stmt s,
                              Stmt::Prepare(db.get(), "SELECT id, merged_into FROM contacts WHERE merged_into != 0",
                                            "contacts: load merges"));
      for (;;) {
        ECOUTE_ASSIGN_OR_RETURN(bool row, s.Step());
        if (!row) break;
        ApplyMerge(s.Int(1), s.Int(0));
      }
    }
    // The merged_into links must form a forest.
    for (const auto& [from, into] : parent) {
      int64_t id = from;
      size_t steps = 0;
      while (parent.count(id) != 0) {
        id = parent.at(id);
        if (++steps > parent.size())
          return base::Status::Corruption("contacts: merged_into links of contact " + std::to_string(from) +
                                          " form a cycle");
      }
    }
    ECOUTE_ASSIGN_OR_RETURN(Stmt s, Stmt::Prepare(db.get(), "SELECT type, network, value FROM contact_own_identifiers",
                                                  "contacts: load own identifiers"));
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, s.Step());
      if (!row) break;
      auto type = ParseIdentifierType(s.Text(0));
      if (!type) continue;
      own.insert(IdentifierKey(Identifier{*type, std::string(s.Text(1)), std::string(s.Text(2))}));
    }
    return base::Status::Ok();
  }
};

ContactStore::ContactStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
ContactStore::~ContactStore() = default;

const ContactOptions& ContactStore::options() const { return impl_->options; }

base::Result<std::unique_ptr<ContactStore>> ContactStore::Open(const std::string& db_path, ContactOptions options,
                                                               const base::Clock& clock) {
  if (db_path.empty()) return base::Status::InvalidArgument("contacts: empty database path");
  if (options.name_window_days < 0 || options.name_window_days > 365)
    return base::Status::InvalidArgument("contacts: name_window_days must be 0..365, got " +
                                         std::to_string(options.name_window_days));
  if (!(options.min_score >= 0.0 && options.min_score <= 1.0))
    return base::Status::InvalidArgument("contacts: min_score must be in [0, 1], got " +
                                         std::to_string(options.min_score));
  auto impl = std::make_unique<Impl>();
  options.extract.default_region = options.default_region;
  auto extractor = Extractor::Create(options.extract);
  if (!extractor.ok()) return extractor.status().WithPrefix("contacts");
  options.default_region = extractor->options().default_region;  // uppercased
  impl->extractor.emplace(std::move(extractor).value());
  for (const std::string& d : options.own_email_domains) {
    std::string v;
    for (char c : TrimView(d)) v += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    while (!v.empty() && v.front() == '@') v.erase(v.begin());
    if (v.empty() || v.find('.') == std::string::npos || v.find('@') != std::string::npos)
      return base::Status::InvalidArgument("contacts: own_email_domains: \"" + d + "\" is not a domain");
    impl->own_domains.push_back(std::move(v));
  }
  impl->options = std::move(options);
  impl->clock = &clock;

  ECOUTE_ASSIGN_OR_RETURN(impl->db, store::internal::OpenSharedDb(db_path, "contacts", "NORMAL"));
  ECOUTE_RETURN_IF_ERROR(Exec(impl->db.get(),
                              "PRAGMA foreign_keys = OFF;"
                              "PRAGMA temp_store = MEMORY;",
                              "contacts: configure connection"));
  ECOUTE_RETURN_IF_ERROR(impl->InitSchema(db_path));
  ECOUTE_RETURN_IF_ERROR(impl->LoadState());
  spdlog::info("contacts: opened \"{}\" ({} merged contacts, suggestions {})", db_path, impl->parent.size(),
               impl->options.suggest ? "on" : "off");
  return std::unique_ptr<ContactStore>(new ContactStore(std::move(impl)));
}

base::Result<std::vector<int64_t>> ContactStore::ResolveBatch(std::span<const model::Mention> mentions) {
  Impl& d = *impl_;
  std::lock_guard lock(d.mu);
  std::vector<int64_t> out(mentions.size(), 0);
  std::unordered_map<int64_t, Impl::Counter> counters;
  std::vector<std::string> learned_own;
  base::Status s = d.InTx([&]() -> base::Status {
    for (size_t i = 0; i < mentions.size(); ++i) {
      base::Status one = d.ResolveOne(mentions[i], out[i], counters, learned_own);
      if (!one.ok()) return one.WithPrefix("mention " + std::to_string(mentions[i].id));
    }
    if (counters.empty()) return base::Status::Ok();
    ECOUTE_ASSIGN_OR_RETURN(Stmt * up,
                            d.P("UPDATE contacts SET message_count = message_count + ?2, "
                                "last_seen_at = max(last_seen_at, ?3), channels = channels | ?4 WHERE id = ?1",
                                "contacts: count mentions"));
    for (const auto& [id, c] : counters) {
      ResetOnExit reset(*up);
      up->BindInt(1, id);
      up->BindInt(2, c.count);
      up->BindInt(3, c.last);
      up->BindInt(4, c.channels);
      ECOUTE_RETURN_IF_ERROR(up->Run());
    }
    return base::Status::Ok();
  });
  if (!s.ok()) {
    for (const std::string& k : learned_own) d.own.erase(k);
    return s;
  }
  return out;
}

base::Result<Contact> ContactStore::Get(int64_t id) {
  std::lock_guard lock(impl_->mu);
  return impl_->View(id);
}

base::Result<std::map<int64_t, ContactBrief>> ContactStore::Briefs(std::span<const int64_t> ids) {
  if (ids.size() > kMaxBriefs)
    return base::Status::InvalidArgument("ids: at most " + std::to_string(kMaxBriefs) + " contacts at a time, got " +
                                         std::to_string(ids.size()));
  Impl& d = *impl_;
  std::lock_guard lock(d.mu);
  std::map<int64_t, int64_t> canon_of;   // asked id -> its canonical contact
  std::map<int64_t, int64_t> member_of;  // every member of those groups -> its canonical contact
  for (int64_t id : ids) {
    if (id <= 0 || canon_of.count(id) != 0) continue;
    const int64_t canon = d.Canonical(id);
    canon_of[id] = canon;
    if (member_of.count(canon) != 0) continue;
    for (int64_t m : d.Group(canon)) member_of[m] = canon;
  }
  std::map<int64_t, ContactBrief> out;
  if (member_of.empty()) return out;
  nlohmann::json members = nlohmann::json::array();
  for (const auto& [m, canon] : member_of) members.push_back(m);
  const std::string members_json = members.dump();

  std::map<int64_t, ContactBrief> by_canon;
  {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, d.P("SELECT id, display_name, vip FROM contacts "
                                          "WHERE id IN (SELECT value FROM json_each(?1))",
                                          "contacts: briefs"));
    ResetOnExit reset(*s);
    Bind(s, 1, members_json);
    std::set<int64_t> vip;
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      const int64_t id = s->Int(0);
      const int64_t canon = member_of.at(id);
      if (s->Int(2) != 0) vip.insert(canon);
      if (id != canon) continue;
      ContactBrief& b = by_canon[canon];
      b.id = canon;
      b.display_name = std::string(s->Text(1));
    }
    for (int64_t canon : vip) {
      auto it = by_canon.find(canon);
      if (it != by_canon.end()) it->second.vip = true;
    }
  }
  {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, d.P("SELECT " + std::string(kIdentCols) +
                                              " FROM contact_identifiers WHERE verified = 1 AND contact_id IN "
                                              "(SELECT value FROM json_each(?1))",
                                          "contacts: brief identifiers"));
    ResetOnExit reset(*s);
    Bind(s, 1, members_json);
    ECOUTE_ASSIGN_OR_RETURN(std::vector<IdentRow> rows, ReadIdents(*s));
    // The canonical contact's own first, then by member id, first_seen, id.
    auto key = [&](const IdentRow& r) {
      const int64_t c = r.stored.contact_id;
      return std::tuple(c != member_of.at(c), c, r.stored.first_seen, r.id);
    };
    std::sort(rows.begin(), rows.end(), [&](const IdentRow& a, const IdentRow& b) { return key(a) < key(b); });
    for (IdentRow& r : rows) {
      auto it = by_canon.find(member_of.at(r.stored.contact_id));
      if (it != by_canon.end()) it->second.identifiers.push_back(std::move(r.stored.identifier));
    }
  }
  for (const auto& [id, canon] : canon_of) {
    auto it = by_canon.find(canon);
    if (it != by_canon.end()) out.emplace(id, it->second);
  }
  return out;
}

base::Result<std::vector<Contact>> ContactStore::Search(std::string_view query, int limit) {
  Impl& d = *impl_;
  ECOUTE_RETURN_IF_ERROR(CheckLimit(limit, 100));
  const std::string_view q = TrimView(query);
  if (q.empty()) return base::Status::InvalidArgument("query: empty");
  if (q.size() > 256) return base::Status::InvalidArgument("query: longer than 256 bytes");
  std::lock_guard lock(d.mu);
  std::vector<int64_t> hits;
  std::unordered_set<int64_t> seen;
  auto add = [&](int64_t contact) {
    const int64_t c = d.Canonical(contact);
    if (static_cast<int>(hits.size()) < limit && seen.insert(c).second) hits.push_back(c);
  };
  // Exact identifiers.
  std::vector<Identifier> exact;
  if (q.find('@') != std::string_view::npos && q.front() != '@') {
    auto e = NormalizeIdentifier(IdentifierType::kEmail, q, "", d.options.default_region);
    if (e.ok()) exact.push_back(std::move(e).value());
  }
  if (std::count_if(q.begin(), q.end(), [](char c) { return c >= '0' && c <= '9'; }) >= 6) {
    auto p = NormalizeIdentifier(IdentifierType::kPhone, q, "", d.options.default_region);
    if (p.ok()) exact.push_back(std::move(p).value());
  }
  for (IdentifierType t : {IdentifierType::kCustomerNumber, IdentifierType::kOrderNumber}) {
    auto n = NormalizeIdentifier(t, q, "", d.options.default_region);
    if (n.ok() && std::any_of(n->value.begin(), n->value.end(), [](char c) { return c >= '0' && c <= '9'; }))
      exact.push_back(std::move(n).value());
  }
  for (const Identifier& id : exact) {
    ECOUTE_ASSIGN_OR_RETURN(std::vector<IdentRow> rows, d.FindIdentifier(id));
    for (const IdentRow& r : rows) add(r.stored.contact_id);
  }
  if (q.front() == '@' && q.size() > 1) {
    std::string handle;
    for (char c : q.substr(1)) handle += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, d.P("SELECT contact_id FROM contact_identifiers WHERE type = 'handle' AND "
                                          "value = ?1 ORDER BY verified DESC, id LIMIT 100",
                                          "contacts: search handle"));
    ResetOnExit reset(*s);
    Bind(s, 1, handle);
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      add(s->Int(0));
    }
  }
  // Names and identifier values containing the query.
  auto escape_like = [](std::string_view v) {
    std::string out = "%";
    for (char c : v) {
      if (c == '%' || c == '_' || c == '\\') out += '\\';
      out += c;
    }
    out += '%';
    return out;
  };
  // Names are stored as NameKey gives them ("jean dupont" for "Jéan-Dupont");
  // a query too short for a key is matched folded.
  std::string folded = NameKey(q);
  if (folded.empty()) folded = text::Fold(q);
  if (static_cast<int>(hits.size()) < limit) {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s,
                            d.P("SELECT id FROM contacts WHERE name_key LIKE ?1 ESCAPE '\\' "
                                "OR display_name LIKE ?2 ESCAPE '\\' ORDER BY last_seen_at DESC, id DESC LIMIT ?3",
                                "contacts: search names"));
    ResetOnExit reset(*s);
    Bind(s, 1, escape_like(folded));
    Bind(s, 2, escape_like(q));
    s->BindInt(3, limit * 4);
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      add(s->Int(0));
    }
  }
  if (static_cast<int>(hits.size()) < limit) {
    std::string lower;
    for (char c : q.front() == '@' ? q.substr(1) : q)
      lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s, d.P("SELECT contact_id FROM contact_identifiers WHERE value LIKE ?1 ESCAPE '\\' "
                                          "ORDER BY verified DESC, id DESC LIMIT ?2",
                                          "contacts: search identifiers"));
    ResetOnExit reset(*s);
    Bind(s, 1, escape_like(lower));
    s->BindInt(2, limit * 4);
    for (;;) {
      ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
      if (!row) break;
      add(s->Int(0));
    }
  }
  std::vector<Contact> out;
  for (int64_t id : hits) {
    ECOUTE_ASSIGN_OR_RETURN(Contact c, d.View(id));
    out.push_back(std::move(c));
  }
  return out;
}

base::Result<int64_t> ContactStore::ContactOf(int64_t mention_id) {
  Impl& d = *impl_;
  std::lock_guard lock(d.mu);
  ECOUTE_ASSIGN_OR_RETURN(Stmt * s, d.P("SELECT contact_id FROM contact_mentions WHERE mention_id = ?1",
                                        "contacts: find resolved mention"));
  ResetOnExit reset(*s);
  s->BindInt(1, mention_id);
  ECOUTE_ASSIGN_OR_RETURN(bool row, s->Step());
  if (!row) return base::Status::NotFound("mention " + std::to_string(mention_id) + ": not resolved to a contact");
  return d.Canonical(s->Int(0));
}

base::Result<std::vector<TimelineEntry>> ContactStore::MentionIds(int64_t id, base::Timestamp before_created_at,
                                                                  int limit, int64_t before_mention_id) {
  Impl& d = *impl_;
  ECOUTE_RETURN_IF_ERROR(CheckLimit(limit, 1000));
  std::lock_guard lock(d.mu);
  ECOUTE_RETURN_IF_ERROR(d.RequireContact(id).status());
  return d.Timeline(d.Canonical(id), before_created_at, before_mention_id, limit);
}

base::Result<Contact> ContactStore::Update(int64_t id, std::optional<std::string> display_name, std::optional<bool> vip,
                                           std::optional<std::string> notes, std::string_view user) {
  Impl& d = *impl_;
  ECOUTE_RETURN_IF_ERROR(RequireUser(user));
  std::string name;
  if (display_name) {
    name = std::string(TrimView(*display_name));
    if (name.empty()) return base::Status::InvalidArgument("display_name: empty");
    if (name.size() > 200) return base::Status::InvalidArgument("display_name: longer than 200 bytes");
    if (!text::IsValidUtf8(name)) return base::Status::InvalidArgument("display_name: not valid UTF-8");
  }
  if (notes) {
    if (notes->size() > 10'000) return base::Status::InvalidArgument("notes: longer than 10000 bytes");
    if (!text::IsValidUtf8(*notes)) return base::Status::InvalidArgument("notes: not valid UTF-8");
  }
  std::lock_guard lock(d.mu);
  ECOUTE_RETURN_IF_ERROR(d.RequireContact(id).status());
  const int64_t canon = d.Canonical(id);
  ECOUTE_ASSIGN_OR_RETURN(ContactRow head, d.RequireContact(canon));
  ECOUTE_RETURN_IF_ERROR(d.InTx([&]() -> base::Status {
    const base::Timestamp now = d.Now();
    if (display_name && name != head.display_name) {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * s, d.P("UPDATE contacts SET display_name = ?2, name_key = ?3, updated_at = ?4 "
                                            "WHERE id = ?1",
                                            "contacts: rename"));
      ResetOnExit reset(*s);
      s->BindInt(1, canon);
      Bind(s, 2, name);
      Bind(s, 3, NameKey(name));
      s->BindInt(4, now);
      ECOUTE_RETURN_IF_ERROR(s->Run());
      ECOUTE_RETURN_IF_ERROR(
          d.AddAudit(canon, user, "renamed", "renamed from \"" + head.display_name + "\" to \"" + name + "\""));
    }
    if (vip) {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * s, d.P("UPDATE contacts SET vip = ?2, updated_at = ?3 WHERE id = ?1 AND vip != ?2",
                                            "contacts: set vip"));
      // VIP of the view is any member's: clearing it clears every member.
      std::vector<int64_t> targets = *vip ? std::vector<int64_t>{canon} : d.Group(canon);
      for (int64_t member : targets) {
        ResetOnExit reset(*s);
        s->BindInt(1, member);
        s->BindInt(2, *vip ? 1 : 0);
        s->BindInt(3, now);
        ECOUTE_RETURN_IF_ERROR(s->Run());
        if (sqlite3_changes(d.db.get()) == 1)
          ECOUTE_RETURN_IF_ERROR(d.AddAudit(member, user, "vip_changed", *vip ? "marked VIP" : "VIP mark removed"));
      }
    }
    if (notes && *notes != head.notes) {
      ECOUTE_ASSIGN_OR_RETURN(
          Stmt * s, d.P("UPDATE contacts SET notes = ?2, updated_at = ?3 WHERE id = ?1", "contacts: set notes"));
      ResetOnExit reset(*s);
      s->BindInt(1, canon);
      Bind(s, 2, *notes);
      s->BindInt(3, now);
      ECOUTE_RETURN_IF_ERROR(s->Run());
      ECOUTE_RETURN_IF_ERROR(
          d.AddAudit(canon, user, "notes_changed", "notes changed (" + std::to_string(notes->size()) + " bytes)"));
    }
    return base::Status::Ok();
  }));
  return d.View(canon);
}

base::Result<Contact> ContactStore::AddIdentifier(int64_t id, const Identifier& identifier, std::string_view user) {
  Impl& d = *impl_;
  ECOUTE_ASSIGN_OR_RETURN(Identifier ident, d.EditedIdentifier(identifier, user));
  std::lock_guard lock(d.mu);
  ECOUTE_ASSIGN_OR_RETURN(IdentifierEdit edit, d.BeginIdentifierEdit(id, ident));
  const IdentRow* mine = nullptr;
  for (const IdentRow& r : edit.rows) {
    const int64_t c = d.Canonical(r.stored.contact_id);
    if (r.stored.verified && c != edit.canon)
      return base::Status::AlreadyExists(std::string(TypeLabel(ident.type)) + " " + ShownValue(ident) +
                                         " belongs to contact " + std::to_string(c) +
                                         "; merge the two contacts instead");
    if (c == edit.canon) mine = &r;
  }
  if (mine != nullptr && mine->stored.verified) return d.View(edit.canon);
  ECOUTE_RETURN_IF_ERROR(d.InTx([&]() -> base::Status {
    if (mine != nullptr) {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * s,
                              d.P("UPDATE contact_identifiers SET verified = 1, source = 'manual' WHERE id = ?1",
                                  "contacts: verify identifier"));
      ResetOnExit reset(*s);
      s->BindInt(1, mine->id);
      ECOUTE_RETURN_IF_ERROR(s->Run());
      return d.AddAudit(mine->stored.contact_id, user, "identifier_verified",
                        std::string(TypeLabel(ident.type)) + " " + ShownValue(ident) + " verified");
    }
    ECOUTE_RETURN_IF_ERROR(d.InsertIdentifier(edit.canon, ident, "manual", true, d.Now(), 0));
    return d.AddAudit(edit.canon, user, "identifier_added",
                      std::string(TypeLabel(ident.type)) + " " + ShownValue(ident) + " added");
  }));
  return d.View(edit.canon);
}

base::Result<Contact> ContactStore::RemoveIdentifier(int64_t id, const Identifier& identifier, std::string_view user) {
  Impl& d = *impl_;
  ECOUTE_ASSIGN_OR_RETURN(Identifier ident, d.EditedIdentifier(identifier, user));
  std::lock_guard lock(d.mu);
  ECOUTE_ASSIGN_OR_RETURN(IdentifierEdit edit, d.BeginIdentifierEdit(id, ident));
  const IdentRow* mine = nullptr;
  for (const IdentRow& r : edit.rows)
    if (d.Canonical(r.stored.contact_id) == edit.canon) mine = &r;
  if (mine == nullptr)
    return base::Status::NotFound("contact " + std::to_string(edit.canon) + " has no " +
                                  std::string(TypeLabel(ident.type)) + " " + ShownValue(ident));
  ECOUTE_RETURN_IF_ERROR(d.InTx([&]() -> base::Status {
    ECOUTE_ASSIGN_OR_RETURN(Stmt * s,
                            d.P("DELETE FROM contact_identifiers WHERE id = ?1", "contacts: remove identifier"));
    ResetOnExit reset(*s);
    s->BindInt(1, mine->id);
    ECOUTE_RETURN_IF_ERROR(s->Run());
    return d.AddAudit(
        mine->stored.contact_id, user, "identifier_removed",
        std::string(TypeLabel(ident.type)) + " " + ShownValue(ident) + " removed (" + mine->stored.source + ")");
  }));
  return d.View(edit.canon);
}

base::Result<std::vector<Suggestion>> ContactStore::Suggestions(int64_t contact_id, std::string_view state, int limit) {
  Impl& d = *impl_;
  ECOUTE_RETURN_IF_ERROR(CheckLimit(limit, 1000));
  if (!state.empty() && state != "pending" && state != "accepted" && state != "rejected")
    return base::Status::InvalidArgument("state: must be pending, accepted, rejected or empty, got \"" +
                                         std::string(state) + "\"");
  std::lock_guard lock(d.mu);
  std::string sql = "SELECT " + std::string(kSuggestionCols) + " FROM contact_suggestions WHERE 1";
  if (contact_id != 0) {
    ECOUTE_RETURN_IF_ERROR(d.RequireContact(contact_id).status());
    const std::string ids = IdList(d.Group(d.Canonical(contact_id)));
    sql += " AND id IN (SELECT id FROM contact_suggestions WHERE contact_a IN (" + ids +
           ") UNION ALL SELECT id FROM contact_suggestions WHERE contact_b IN (" + ids + "))";
  }
  // "+state" keeps the planner on the contact indexes when a contact is given.
  if (!state.empty()) sql += contact_id != 0 ? " AND +state = ?1" : " AND state = ?1";
  sql += state == "pending" ? " ORDER BY score DESC, id DESC" : " ORDER BY id DESC";
  ECOUTE_ASSIGN_OR_RETURN(Stmt s, Stmt::Prepare(d.db.get(), sql, "contacts: list suggestions"));
  if (!state.empty()) s.BindText(1, state);
  std::vector<Suggestion> out;
  while (static_cast<int>(out.size()) < limit) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ECOUTE_ASSIGN_OR_RETURN(Suggestion g, ReadSuggestion(s));
    if (g.state == "pending" && d.Canonical(g.contact_a) == d.Canonical(g.contact_b)) continue;
    out.push_back(std::move(g));
  }
  return out;
}

base::Result<MergeRecord> ContactStore::Accept(int64_t suggestion_id, std::string_view user) {
  Impl& d = *impl_;
  ECOUTE_RETURN_IF_ERROR(RequireUser(user));
  std::lock_guard lock(d.mu);
  ECOUTE_ASSIGN_OR_RETURN(Suggestion g, d.LoadPendingSuggestion(suggestion_id));
  const int64_t ca = d.Canonical(g.contact_a);
  const int64_t cb = d.Canonical(g.contact_b);
  if (ca == cb)
    return base::Status::FailedPrecondition("suggestion " + std::to_string(suggestion_id) + ": contacts " +
                                            std::to_string(g.contact_a) + " and " + std::to_string(g.contact_b) +
                                            " are already one contact (" + std::to_string(ca) + ")");
  const int64_t into = std::min(ca, cb);
  const int64_t from = std::max(ca, cb);
  MergeRecord rec;
  ECOUTE_RETURN_IF_ERROR(d.InTx([&]() -> base::Status {
    std::string kinds;
    for (const Evidence& e : g.evidence)
      if (kinds.find(e.kind) == std::string::npos) kinds += (kinds.empty() ? "" : ", ") + e.kind;
    ECOUTE_ASSIGN_OR_RETURN(
        rec, d.MergeRows(into, from, user, "suggestion " + std::to_string(suggestion_id) + " (" + kinds + ")",
                         suggestion_id));
    ECOUTE_RETURN_IF_ERROR(d.DecideSuggestion(suggestion_id, "accepted", rec.at, user));
    const std::string detail = "suggestion " + std::to_string(suggestion_id) + " accepted (score " +
                               std::to_string(static_cast<int>(std::lround(g.score * 100))) + "%)";
    ECOUTE_RETURN_IF_ERROR(d.AddAudit(into, user, "suggestion_accepted", detail, from, rec.id, suggestion_id));
    return d.AddAudit(from, user, "suggestion_accepted", detail, into, rec.id, suggestion_id);
  }));
  d.ApplyMerge(into, from);
  return rec;
}

base::Result<Suggestion> ContactStore::Reject(int64_t suggestion_id, std::string_view user) {
  Impl& d = *impl_;
  ECOUTE_RETURN_IF_ERROR(RequireUser(user));
  std::lock_guard lock(d.mu);
  ECOUTE_ASSIGN_OR_RETURN(Suggestion g, d.LoadPendingSuggestion(suggestion_id));
  const base::Timestamp now = d.Now();
  ECOUTE_RETURN_IF_ERROR(d.InTx([&]() -> base::Status {
    ECOUTE_RETURN_IF_ERROR(d.DecideSuggestion(suggestion_id, "rejected", now, user));
    const std::string detail = "suggestion " + std::to_string(suggestion_id) + " rejected: contacts " +
                               std::to_string(g.contact_a) + " and " + std::to_string(g.contact_b) +
                               " are not to be suggested again";
    ECOUTE_RETURN_IF_ERROR(d.AddAudit(g.contact_a, user, "suggestion_rejected", detail, g.contact_b, 0, suggestion_id));
    return d.AddAudit(g.contact_b, user, "suggestion_rejected", detail, g.contact_a, 0, suggestion_id);
  }));
  return d.LoadSuggestion(suggestion_id);
}

base::Result<MergeRecord> ContactStore::Merge(int64_t into_id, int64_t from_id, std::string_view user,
                                              std::string_view reason) {
  Impl& d = *impl_;
  ECOUTE_RETURN_IF_ERROR(RequireUser(user));
  if (reason.size() > 1000) return base::Status::InvalidArgument("reason: longer than 1000 bytes");
  if (into_id == from_id)
    return base::Status::InvalidArgument("merge: into and from are the same contact " + std::to_string(into_id));
  std::lock_guard lock(d.mu);
  ECOUTE_RETURN_IF_ERROR(d.RequireContact(into_id).status());
  ECOUTE_RETURN_IF_ERROR(d.RequireContact(from_id).status());
  const int64_t into = d.Canonical(into_id);
  const int64_t from = d.Canonical(from_id);
  if (into == from)
    return base::Status::FailedPrecondition("merge: contacts " + std::to_string(into_id) + " and " +
                                            std::to_string(from_id) + " are already one contact (" +
                                            std::to_string(into) + ")");
  MergeRecord rec;
  ECOUTE_RETURN_IF_ERROR(d.InTx([&]() -> base::Status {
    ECOUTE_ASSIGN_OR_RETURN(rec, d.MergeRows(into, from, user, reason, 0));
    return base::Status::Ok();
  }));
  d.ApplyMerge(into, from);
  return rec;
}

base::Result<MergeRecord> ContactStore::Unmerge(int64_t merge_id, std::string_view user) {
  Impl& d = *impl_;
  ECOUTE_RETURN_IF_ERROR(RequireUser(user));
  std::lock_guard lock(d.mu);
  ECOUTE_ASSIGN_OR_RETURN(MergeRecord rec, d.LoadMerge(merge_id));
  if (rec.undone_at != 0)
    return base::Status::FailedPrecondition("merge " + std::to_string(merge_id) + " was already undone by " +
                                            rec.undone_by);
  auto it = d.parent.find(rec.from);
  if (it == d.parent.end() || it->second != rec.into)
    return base::Status::Corruption("contacts: merge " + std::to_string(merge_id) + " is in effect but contact " +
                                    std::to_string(rec.from) + " is not merged into " + std::to_string(rec.into));
  const base::Timestamp now = d.Now();
  ECOUTE_RETURN_IF_ERROR(d.InTx([&]() -> base::Status {
    {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * s, d.P("UPDATE contacts SET merged_into = 0 WHERE id = ?1 AND merged_into = ?2",
                                            "contacts: clear merged_into"));
      ResetOnExit reset(*s);
      s->BindInt(1, rec.from);
      s->BindInt(2, rec.into);
      ECOUTE_RETURN_IF_ERROR(s->Run());
      if (sqlite3_changes(d.db.get()) != 1)
        return base::Status::Corruption("contacts: contact " + std::to_string(rec.from) + " is not merged into " +
                                        std::to_string(rec.into) + " in the database");
    }
    {
      ECOUTE_ASSIGN_OR_RETURN(Stmt * s, d.P("UPDATE contact_merges SET undone_at = ?2, undone_by = ?3 WHERE id = ?1",
                                            "contacts: undo merge"));
      ResetOnExit reset(*s);
      s->BindInt(1, merge_id);
      s->BindInt(2, now);
      Bind(s, 3, user);
      ECOUTE_RETURN_IF_ERROR(s->Run());
    }
    ECOUTE_RETURN_IF_ERROR(d.AddAudit(
        rec.into, user, "unmerged",
        "contact " + std::to_string(rec.from) + " separated again (merge " + std::to_string(merge_id) + " undone)",
        rec.from, merge_id, rec.suggestion_id));
    return d.AddAudit(
        rec.from, user, "unmerged",
        "separated from contact " + std::to_string(rec.into) + " (merge " + std::to_string(merge_id) + " undone)",
        rec.into, merge_id, rec.suggestion_id);
  }));
  d.ApplyUnmerge(rec.into, rec.from);
  rec.undone_at = now;
  rec.undone_by = std::string(user);
  return rec;
}

base::Result<std::vector<MergeRecord>> ContactStore::Merges(int64_t contact_id) {
  Impl& d = *impl_;
  std::lock_guard lock(d.mu);
  ECOUTE_RETURN_IF_ERROR(d.RequireContact(contact_id).status());
  const std::string ids = IdList(d.Group(d.Canonical(contact_id)));
  ECOUTE_ASSIGN_OR_RETURN(
      Stmt s, Stmt::Prepare(d.db.get(),
                            "SELECT " + std::string(kMergeCols) + " FROM contact_merges WHERE into_id IN (" + ids +
                                ") OR from_id IN (" + ids + ") ORDER BY id DESC",
                            "contacts: list merges"));
  std::vector<MergeRecord> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadMerge(s));
  }
  return out;
}

base::Result<std::vector<AuditEntry>> ContactStore::Audit(int64_t contact_id, int limit) {
  Impl& d = *impl_;
  ECOUTE_RETURN_IF_ERROR(CheckLimit(limit, 10'000));
  std::lock_guard lock(d.mu);
  ECOUTE_RETURN_IF_ERROR(d.RequireContact(contact_id).status());
  const std::string ids = IdList(d.Group(d.Canonical(contact_id)));
  ECOUTE_ASSIGN_OR_RETURN(
      Stmt s, Stmt::Prepare(d.db.get(),
                            "SELECT " + std::string(kAuditCols) + " FROM contact_audit WHERE contact_id IN (" + ids +
                                ") ORDER BY id DESC LIMIT ?1",
                            "contacts: list audit"));
  s.BindInt(1, limit);
  std::vector<AuditEntry> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    out.push_back(ReadAudit(s));
  }
  std::reverse(out.begin(), out.end());
  return out;
}

}  // namespace ecoute::contacts
