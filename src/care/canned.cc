#include "care/canned.h"

#include <sqlite3.h>
#include <utf8proc.h>

#include <algorithm>
#include <optional>
#include <set>
#include <utility>

#include "base/ascii.h"
#include "store/sqlite_util.h"
#include "text/text.h"

namespace ecoute::care {
namespace {

using nlohmann::json;
using store::internal::Exec;
using store::internal::Stmt;

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxTitleBytes = 200;
constexpr size_t kMaxLabelBytes = 64;
constexpr size_t kMaxVariantBytes = 20000;
constexpr int kSchemaVersion = 1;

// ------------------------------------------------------------- templates

struct Token {
  bool variable = false;
  std::string text;  // literal text, or the variable's name
  bool has_fallback = false;
  std::string fallback;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsKnownVariable(std::string_view name) {
  const auto& known = KnownTemplateVariables();
  return std::find(known.begin(), known.end(), name) != known.end();
}

std::string KnownList() {
  std::string out;
  for (const std::string& v : KnownTemplateVariables()) {
    if (!out.empty()) out += ", ";
    out += v;
  }
  return out;
}

// Control characters shown as spaces: error messages stay on one line.
std::string Printable(std::string_view s) {
  std::string out(s.substr(0, 80));
  for (char& c : out) {
    const auto u = static_cast<unsigned char>(c);
    if (u < 0x20 || u == 0x7f) c = ' ';
  }
  return out;
}

base::Result<std::vector<Token>> Parse(std::string_view text) {
  std::vector<Token> tokens;
  std::string literal;
  auto flush = [&] {
    if (literal.empty()) return;
    tokens.push_back(Token{false, std::move(literal), false, ""});
    literal.clear();
  };
  size_t i = 0;
  while (i < text.size()) {
    if (text.compare(i, 4, "{{{{") == 0) {
      literal += "{{";
      i += 4;
      continue;
    }
    if (text.compare(i, 2, "{{") != 0) {
      literal += text[i++];
      continue;
    }
    const std::string at = "position " + std::to_string(i) + ": ";
    const size_t close = text.find("}}", i + 2);
    if (close == std::string_view::npos) return base::Status::InvalidArgument(at + "unclosed \"{{\"");
    const std::string_view inner = text.substr(i + 2, close - i - 2);
    if (inner.find("{{") != std::string_view::npos) {
      return base::Status::InvalidArgument(at +
                                           "\"{{\" inside a placeholder (write \"{{{{\" for a literal \"{{\")");
    }
    const size_t bar = inner.find('|');
    const std::string_view name = Trim(inner.substr(0, bar));
    if (name.empty()) return base::Status::InvalidArgument(at + "empty variable name");
    const bool well_formed = std::all_of(name.begin(), name.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '.';
    });
    if (!well_formed) {
      return base::Status::InvalidArgument(at + "invalid variable name \"" + Printable(name) +
                                           "\" (lowercase letters, digits, '_' and '.')");
    }
    if (!IsKnownVariable(name)) {
      return base::Status::InvalidArgument(at + "unknown variable \"" + std::string(name) + "\" (known: " +
                                           KnownList() + ")");
    }
    flush();
    Token t{true, std::string(name), bar != std::string_view::npos, ""};
    if (t.has_fallback) t.fallback = std::string(inner.substr(bar + 1));
    tokens.push_back(std::move(t));
    i = close + 2;
  }
  flush();
  return tokens;
}

std::string FirstWord(std::string_view s) {
  s = Trim(s);
  size_t end = 0;
  while (end < s.size() && s[end] != ' ' && s[end] != '\t' && s[end] != '\n' && s[end] != '\r') ++end;
  return std::string(s.substr(0, end));
}

std::optional<std::string> ValueOf(const RenderVars& vars, const std::string& name) {
  auto get = [&](const std::string& key) -> std::optional<std::string> {
    auto it = vars.values.find(key);
    if (it == vars.values.end() || it->second.empty()) return std::nullopt;
    return it->second;
  };
  if (auto v = get(name)) return v;
  if (name == "contact.first_name" || name == "agent.first_name") {
    const std::string whole = name.substr(0, name.find('.')) + ".name";
    if (auto v = get(whole)) {
      std::string first = FirstWord(*v);
      if (!first.empty()) return first;
    }
  }
  return std::nullopt;
}

// ------------------------------------------------------------ validation

bool IsName(std::string_view s) {
  return !s.empty() && s.size() <= kMaxNameBytes && std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
}

bool IsLanguageKey(std::string_view s) {
  return (s.size() == 2 || s.size() == 3) &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= 'a' && c <= 'z'; });
}

base::Status CheckLabels(std::string_view field, const std::vector<std::string>& labels) {
  for (size_t i = 0; i < labels.size(); ++i) {
    const std::string at = std::string(field) + "[" + std::to_string(i) + "]: ";
    if (labels[i].empty()) return base::Status::InvalidArgument(at + "empty");
    if (labels[i].size() > kMaxLabelBytes) {
      return base::Status::InvalidArgument(at + "longer than " + std::to_string(kMaxLabelBytes) + " bytes");
    }
    if (!text::IsValidUtf8(labels[i])) return base::Status::InvalidArgument(at + "not valid UTF-8");
  }
  return base::Status::Ok();
}

// ------------------------------------------------------------------ JSON

json TimeOrNull(base::Timestamp t) { return t == 0 ? json(nullptr) : json(base::FormatTimestamp(t)); }

base::Result<std::vector<std::string>> Labels(const json& j, std::string_view field) {
  if (!j.is_array()) return base::Status::InvalidArgument(std::string(field) + ": expected an array of strings");
  std::vector<std::string> out;
  std::set<std::string> seen;
  for (size_t i = 0; i < j.size(); ++i) {
    if (!j[i].is_string()) {
      return base::Status::InvalidArgument(std::string(field) + "[" + std::to_string(i) + "]: expected a string");
    }
    std::string v(Trim(j[i].get_ref<const std::string&>()));
    if (v.empty()) return base::Status::InvalidArgument(std::string(field) + "[" + std::to_string(i) + "]: empty");
    if (seen.insert(v).second) out.push_back(std::move(v));
  }
  return out;
}

base::Result<base::Timestamp> TimeField(const json& j, std::string_view field) {
  if (j.is_null()) return base::Timestamp{0};
  if (!j.is_string()) return base::Status::InvalidArgument(std::string(field) + ": expected an RFC 3339 time or null");
  auto t = base::ParseTimestamp(j.get_ref<const std::string&>());
  if (!t.ok()) return t.status().WithPrefix(field);
  return *t;
}

// ---------------------------------------------------------------- ranking

const std::set<std::string, std::less<>>& StopWords() {
  static const auto* const kStop = new std::set<std::string, std::less<>>{
      // English
      "the", "and", "for", "you", "your", "yours", "are", "was", "were", "with", "this", "that", "these", "those",
      "have", "has", "had", "not", "but", "from", "our", "ours", "all", "can", "will", "just", "what", "when",
      "who", "how", "why", "they", "them", "their", "there", "here", "been", "would", "could", "should", "about",
      "into", "out", "yes", "hello", "thanks", "thank", "please", "dear", "regards", "any", "some", "its",
      "also", "very", "than", "then", "still", "again", "get", "got", "did", "does", "don", "doesn", "didn",
      "cannot",
      // French (folded: no accents)
      "les", "des", "une", "est", "pas", "que", "qui", "quoi", "pour", "dans", "par", "sur", "avec", "vous",
      "nous", "mon", "mes", "ton", "tes", "son", "ses", "votre", "vos", "notre", "nos", "elle", "ils", "elles",
      "mais", "donc", "car", "cette", "ces", "cet", "tout", "tous", "toute", "toutes", "plus", "moins", "tres",
      "bien", "aussi", "comme", "sans", "sous", "leur", "leurs", "ete", "etre", "avoir", "fait", "faire", "suis",
      "etes", "sont", "ont", "avez", "avons", "aux", "bonjour", "bonsoir", "merci", "cordialement", "madame",
      "monsieur", "encore", "deja", "toujours", "jamais", "rien", "quand", "comment", "pourquoi", "alors",
      "apres", "avant", "depuis", "entre", "chez", "lui", "moi", "toi", "eux", "meme", "autre", "autres", "ceci",
      "cela", "celui", "celle", "quel", "quelle", "quels", "quelles", "dont", "via", "oui", "non", "salut",
      "avait", "etait", "peux", "peut", "vais"};
  return *kStop;
}

bool IsWordChar(utf8proc_int32_t cp) {
  switch (utf8proc_category(cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO:
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ND: return true;
    default: return false;
  }
}

std::set<std::string> Words(std::string_view raw) {
  const std::string folded = text::Fold(raw);
  std::set<std::string> words;
  std::string cur;
  size_t chars = 0;
  bool letter = false;
  auto end_word = [&] {
    if (chars >= 3 && letter && StopWords().count(cur) == 0) words.insert(cur);
    cur.clear();
    chars = 0;
    letter = false;
  };
  const auto* p = reinterpret_cast<const utf8proc_uint8_t*>(folded.data());
  size_t i = 0;
  while (i < folded.size()) {
    utf8proc_int32_t cp = 0;
    utf8proc_ssize_t n = utf8proc_iterate(p + i, static_cast<utf8proc_ssize_t>(folded.size() - i), &cp);
    if (n <= 0) {  // Fold's output is valid UTF-8; be safe anyway
      end_word();
      ++i;
      continue;
    }
    if (IsWordChar(cp)) {
      cur.append(folded, i, static_cast<size_t>(n));
      ++chars;
      if (utf8proc_category(cp) != UTF8PROC_CATEGORY_ND) letter = true;
    } else {
      end_word();
    }
    i += static_cast<size_t>(n);
  }
  end_word();
  return words;
}

// The literal text of a template (placeholders and fallbacks left out).
std::string LiteralText(std::string_view tmpl) {
  auto tokens = Parse(tmpl);
  if (!tokens.ok()) return std::string(tmpl);
  std::string out;
  for (const Token& t : *tokens) {
    if (!t.variable) out += t.text;
    out += ' ';
  }
  return out;
}

bool HasVariantFor(const CannedResponse& r, std::string_view language) {
  if (language.empty()) return false;
  if (r.variants.count(std::string(language)) > 0) return true;
  const std::string norm = text::NormalizeLanguageTag(language);
  return !norm.empty() && r.variants.count(norm) > 0;
}

}  // namespace

// -------------------------------------------------------------- templates

const std::vector<std::string>& KnownTemplateVariables() {
  static const auto* const kKnown =
      new std::vector<std::string>{"contact.name", "contact.first_name", "agent.name",      "agent.first_name",
                                   "case.id",      "brand",              "customer.handle", "message.excerpt"};
  return *kKnown;
}

base::Status CheckTemplate(std::string_view text) {
  auto tokens = Parse(text);
  return tokens.ok() ? base::Status::Ok() : tokens.status();
}

base::Status ValidateCanned(const CannedResponse& r) {
  if (r.name.empty()) return base::Status::InvalidArgument("name: required");
  if (!IsName(r.name)) {
    return base::Status::InvalidArgument("name: \"" + Printable(r.name) +
                                         "\" must be 1 to 64 of a-z, 0-9, '_' and '-'");
  }
  if (r.title.size() > kMaxTitleBytes) {
    return base::Status::InvalidArgument("title: longer than " + std::to_string(kMaxTitleBytes) + " bytes");
  }
  if (!text::IsValidUtf8(r.title)) return base::Status::InvalidArgument("title: not valid UTF-8");
  ECOUTE_RETURN_IF_ERROR(CheckLabels("categories", r.categories));
  ECOUTE_RETURN_IF_ERROR(CheckLabels("tags", r.tags));
  if (r.variants.empty()) return base::Status::InvalidArgument("variants: at least one language variant required");
  for (const auto& [lang, tmpl] : r.variants) {
    const std::string field = "variants." + Printable(lang);
    if (!IsLanguageKey(lang)) {
      return base::Status::InvalidArgument(field + ": the key must be a language code of 2 or 3 lowercase letters");
    }
    if (tmpl.empty()) return base::Status::InvalidArgument(field + ": empty text");
    if (tmpl.size() > kMaxVariantBytes) {
      return base::Status::InvalidArgument(field + ": longer than " + std::to_string(kMaxVariantBytes) + " bytes");
    }
    if (!text::IsValidUtf8(tmpl)) return base::Status::InvalidArgument(field + ": not valid UTF-8");
    base::Status s = CheckTemplate(tmpl);
    if (!s.ok()) return s.WithPrefix(field);
  }
  return base::Status::Ok();
}

base::Result<CannedResponse> CannedFromJson(const json& j) {
  if (!j.is_object()) return base::Status::InvalidArgument("canned response: expected a JSON object");
  static const std::set<std::string, std::less<>> kKeys = {"id",   "name",       "title",      "categories", "tags",
                                                           "variants", "created_at", "updated_at", "updated_by"};
  for (const auto& [key, value] : j.items()) {
    if (kKeys.count(key) == 0) return base::Status::InvalidArgument(Printable(key) + ": unknown field");
  }
  CannedResponse r;
  auto string_field = [&](const char* key, std::string& out) -> base::Status {
    auto it = j.find(key);
    if (it == j.end() || it->is_null()) return base::Status::Ok();
    if (!it->is_string()) return base::Status::InvalidArgument(std::string(key) + ": expected a string");
    out = it->get<std::string>();
    return base::Status::Ok();
  };
  if (auto it = j.find("id"); it != j.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0) {
      return base::Status::InvalidArgument("id: expected a non-negative integer");
    }
    r.id = it->get<int64_t>();
  }
  if (!j.contains("name")) return base::Status::InvalidArgument("name: required");
  ECOUTE_RETURN_IF_ERROR(string_field("name", r.name));
  ECOUTE_RETURN_IF_ERROR(string_field("title", r.title));
  ECOUTE_RETURN_IF_ERROR(string_field("updated_by", r.updated_by));
  if (auto it = j.find("categories"); it != j.end() && !it->is_null()) {
    ECOUTE_ASSIGN_OR_RETURN(r.categories, Labels(*it, "categories"));
  }
  if (auto it = j.find("tags"); it != j.end() && !it->is_null()) {
    ECOUTE_ASSIGN_OR_RETURN(r.tags, Labels(*it, "tags"));
  }
  auto variants = j.find("variants");
  if (variants == j.end() || variants->is_null()) {
    return base::Status::InvalidArgument("variants: at least one language variant required");
  }
  if (!variants->is_object()) {
    return base::Status::InvalidArgument("variants: expected an object of language code -> text");
  }
  for (const auto& [lang, text] : variants->items()) {
    if (!text.is_string()) return base::Status::InvalidArgument("variants." + Printable(lang) + ": expected a string");
    r.variants[lang] = text.get<std::string>();
  }
  if (auto it = j.find("created_at"); it != j.end()) {
    ECOUTE_ASSIGN_OR_RETURN(r.created_at, TimeField(*it, "created_at"));
  }
  if (auto it = j.find("updated_at"); it != j.end()) {
    ECOUTE_ASSIGN_OR_RETURN(r.updated_at, TimeField(*it, "updated_at"));
  }
  ECOUTE_RETURN_IF_ERROR(ValidateCanned(r));
  return r;
}

json ToJson(const CannedResponse& r) {
  json variants = json::object();
  for (const auto& [lang, text] : r.variants) variants[lang] = text;
  return json{{"id", r.id},
              {"name", r.name},
              {"title", r.title},
              {"categories", r.categories},
              {"tags", r.tags},
              {"variants", std::move(variants)},
              {"created_at", TimeOrNull(r.created_at)},
              {"updated_at", TimeOrNull(r.updated_at)},
              {"updated_by", r.updated_by}};
}

// -------------------------------------------------------------- rendering

std::string ChooseVariant(const CannedResponse& r, std::string_view language) {
  if (r.variants.empty()) return "";
  if (!language.empty()) {
    if (r.variants.count(std::string(language)) > 0) return std::string(language);
    const std::string norm = text::NormalizeLanguageTag(language);
    if (!norm.empty() && r.variants.count(norm) > 0) return norm;
  }
  if (r.variants.count("en") > 0) return "en";
  if (r.variants.count("fr") > 0) return "fr";
  return r.variants.begin()->first;
}

base::Result<Rendered> Render(const CannedResponse& r, std::string_view language, const RenderVars& vars) {
  if (r.variants.empty()) {
    return base::Status::InvalidArgument("variants: canned response \"" + Printable(r.name) + "\" has no variant");
  }
  Rendered out;
  out.language = ChooseVariant(r, language);
  auto tokens = Parse(r.variants.at(out.language));
  if (!tokens.ok()) return tokens.status().WithPrefix("variants." + out.language);
  for (const Token& t : *tokens) {
    if (!t.variable) {
      out.text += t.text;
      continue;
    }
    if (auto v = ValueOf(vars, t.text)) {
      out.text += *v;
    } else if (t.has_fallback) {
      out.text += t.fallback;
    } else if (std::find(out.missing.begin(), out.missing.end(), t.text) == out.missing.end()) {
      out.missing.push_back(t.text);
    }
  }
  return out;
}

// ---------------------------------------------------------------- ranking

std::vector<CannedMatch> RankCanned(std::span<const CannedResponse> responses, std::string_view category,
                                    std::string_view language, std::string_view message_text, size_t limit) {
  const std::set<std::string> message_words = Words(message_text);
  std::vector<CannedMatch> out;
  out.reserve(responses.size());
  for (const CannedResponse& r : responses) {
    CannedMatch m;
    m.response = &r;
    if (r.categories.empty()) {
      m.score += 0.5;
      m.reasons.push_back("fits any category");
    } else if (!category.empty()) {
      for (const std::string& c : r.categories) {
        if (base::EqualsIgnoreAsciiCase(c, category)) {
          m.score += 2.0;
          m.reasons.push_back("fits category " + c);
          break;
        }
      }
    }
    if (HasVariantFor(r, language)) {
      m.score += 1.0;
      m.reasons.push_back("has a " + ChooseVariant(r, language) + " variant");
    }
    if (!message_words.empty()) {
      std::string own = r.title;
      for (const std::string& t : r.tags) own += " " + t;
      const std::string chosen = ChooseVariant(r, language);
      if (!chosen.empty()) own += " " + LiteralText(r.variants.at(chosen));
      std::vector<std::string> shared;
      for (const std::string& w : Words(own)) {
        if (message_words.count(w) > 0) shared.push_back(w);  // std::set: alphabetical
      }
      if (!shared.empty()) {
        m.score += 0.75 * static_cast<double>(std::min<size_t>(shared.size(), 4));
        std::string reason = "shares words: ";
        for (size_t i = 0; i < shared.size() && i < 5; ++i) reason += (i > 0 ? ", " : "") + shared[i];
        m.reasons.push_back(std::move(reason));
      }
    }
    out.push_back(std::move(m));
  }
  std::sort(out.begin(), out.end(), [](const CannedMatch& a, const CannedMatch& b) {
    if (a.score != b.score) return a.score > b.score;
    if (a.response->name != b.response->name) return a.response->name < b.response->name;
    return a.response->id < b.response->id;
  });
  if (limit > 0 && out.size() > limit) out.resize(limit);
  return out;
}

// ------------------------------------------------------------------ store

struct CannedStore::Impl {
  const base::Clock& clock;
  std::mutex mu;
  store::internal::Db db;  // GUARDED_BY(mu)
};

namespace {

constexpr const char* kColumns =
    "id, name, title, categories_json, tags_json, variants_json, created_at, updated_at, updated_by";

base::Result<CannedResponse> ReadRow(const Stmt& s) {
  CannedResponse r;
  r.id = s.Int(0);
  r.name = std::string(s.Text(1));
  r.title = std::string(s.Text(2));
  const std::string where = "care_canned row " + std::to_string(r.id) + ": ";
  auto parse = [&](int col, const char* what) -> base::Result<json> {
    json j = json::parse(s.Text(col), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return base::Status::Corruption(where + what + " is not JSON");
    return j;
  };
  ECOUTE_ASSIGN_OR_RETURN(json categories, parse(3, "categories_json"));
  ECOUTE_ASSIGN_OR_RETURN(json tags, parse(4, "tags_json"));
  ECOUTE_ASSIGN_OR_RETURN(json variants, parse(5, "variants_json"));
  try {
    r.categories = categories.get<std::vector<std::string>>();
    r.tags = tags.get<std::vector<std::string>>();
    r.variants = variants.get<std::map<std::string, std::string>>();
  } catch (const json::exception& e) {
    return base::Status::Corruption(where + e.what());
  }
  r.created_at = s.Int(6);
  r.updated_at = s.Int(7);
  r.updated_by = std::string(s.Text(8));
  return r;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

bool IsUniqueViolation(sqlite3* db) { return sqlite3_extended_errcode(db) == SQLITE_CONSTRAINT_UNIQUE; }

base::Status Migrate(sqlite3* db) {
  ECOUTE_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "begin schema"));
  auto body = [&]() -> base::Status {
    ECOUTE_RETURN_IF_ERROR(Exec(db, "CREATE TABLE IF NOT EXISTS care_canned_schema (version INTEGER NOT NULL)",
                                "create care_canned_schema"));
    auto version = store::internal::QueryInt(
        db, "SELECT max(version) FROM care_canned_schema WHERE version IS NOT NULL HAVING count(*) > 0",
        "read care_canned_schema");
    if (version.ok()) {
      if (*version > kSchemaVersion) {
        return base::Status::Corruption("care_canned schema version " + std::to_string(*version) +
                                        " is newer than this build's version " + std::to_string(kSchemaVersion) +
                                        "; use a newer ecoute");
      }
      if (*version == kSchemaVersion) return base::Status::Ok();
      return base::Status::Corruption("care_canned schema version " + std::to_string(*version) +
                                      " is invalid");
    }
    if (version.status().code() != base::StatusCode::kNotFound) return version.status();
    ECOUTE_RETURN_IF_ERROR(Exec(db,
                                "CREATE TABLE care_canned ("
                                " id INTEGER PRIMARY KEY AUTOINCREMENT,"
                                " name TEXT NOT NULL UNIQUE,"
                                " title TEXT NOT NULL,"
                                " categories_json TEXT NOT NULL,"
                                " tags_json TEXT NOT NULL,"
                                " variants_json TEXT NOT NULL,"
                                " created_at INTEGER NOT NULL,"
                                " updated_at INTEGER NOT NULL,"
                                " updated_by TEXT NOT NULL);"
                                "INSERT INTO care_canned_schema (version) VALUES (1);",
                                "create care_canned"));
    return base::Status::Ok();
  };
  base::Status s = body();
  if (!s.ok()) {
    (void)Exec(db, "ROLLBACK", "rollback schema");
    return s;
  }
  return Exec(db, "COMMIT", "commit schema");
}

}  // namespace

CannedStore::CannedStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
CannedStore::~CannedStore() = default;

base::Result<std::unique_ptr<CannedStore>> CannedStore::Open(const std::string& db_path, const base::Clock& clock) {
  const std::string where = "canned: \"" + db_path + "\"";
  ECOUTE_ASSIGN_OR_RETURN(store::internal::Db db, store::internal::OpenSharedDb(db_path, "canned", "FULL"));
  base::Status migrated = Migrate(db.get());
  if (!migrated.ok()) return migrated.WithPrefix(where);
  auto impl = std::unique_ptr<Impl>(new Impl{clock, {}, std::move(db)});
  return std::unique_ptr<CannedStore>(new CannedStore(std::move(impl)));
}

base::Result<std::vector<CannedResponse>> CannedStore::List() const {
  std::lock_guard lock(impl_->mu);
  ECOUTE_ASSIGN_OR_RETURN(Stmt s, Stmt::Prepare(impl_->db.get(),
                                                std::string("SELECT ") + kColumns + " FROM care_canned ORDER BY name",
                                                "list canned responses"));
  std::vector<CannedResponse> out;
  for (;;) {
    ECOUTE_ASSIGN_OR_RETURN(bool row, s.Step());
    if (!row) break;
    ECOUTE_ASSIGN_OR_RETURN(CannedResponse r, ReadRow(s));
    out.push_back(std::move(r));
  }
  return out;
}

base::Result<CannedResponse> CannedStore::Get(int64_t id) const {
  std::lock_guard lock(impl_->mu);
  ECOUTE_ASSIGN_OR_RETURN(Stmt s, Stmt::Prepare(impl_->db.get(),
                                                std::string("SELECT ") + kColumns + " FROM care_canned WHERE id = ?1",
                                                "get canned response"));
  s.BindInt(1, id);
  ECOUTE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return base::Status::NotFound("canned response " + std::to_string(id) + " not found");
  return ReadRow(s);
}

base::Result<CannedResponse> CannedStore::FindByName(std::string_view name) const {
  std::lock_guard lock(impl_->mu);
  ECOUTE_ASSIGN_OR_RETURN(Stmt s,
                          Stmt::Prepare(impl_->db.get(),
                                        std::string("SELECT ") + kColumns + " FROM care_canned WHERE name = ?1",
                                        "find canned response"));
  s.BindText(1, name);
  ECOUTE_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return base::Status::NotFound("canned response \"" + Printable(name) + "\" not found");
  return ReadRow(s);
}

base::Result<CannedResponse> CannedStore::Create(CannedResponse r, std::string_view user) {
  ECOUTE_RETURN_IF_ERROR(ValidateCanned(r));
  std::lock_guard lock(impl_->mu);
  sqlite3* db = impl_->db.get();
  r.created_at = r.updated_at = impl_->clock.Now();
  r.updated_by = std::string(user);
  const std::string categories = Dump(json(r.categories)), tags = Dump(json(r.tags)),
                    variants = Dump(json(r.variants));
  ECOUTE_ASSIGN_OR_RETURN(Stmt s, Stmt::Prepare(db,
                                                "INSERT INTO care_canned (name, title, categories_json, tags_json, "
                                                "variants_json, created_at, updated_at, updated_by) "
                                                "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                                                "insert canned response"));
  s.BindText(1, r.name);
  s.BindText(2, r.title);
  s.BindText(3, categories);
  s.BindText(4, tags);
  s.BindText(5, variants);
  s.BindInt(6, r.created_at);
  s.BindInt(7, r.updated_at);
  s.BindText(8, r.updated_by);
  base::Status done = s.Run();
  if (!done.ok()) {
    if (IsUniqueViolation(db)) return base::Status::AlreadyExists("canned response \"" + r.name + "\" already exists");
    return done;
  }
  r.id = sqlite3_last_insert_rowid(db);
  return r;
}

base::Result<CannedResponse> CannedStore::Update(int64_t id, CannedResponse r, std::string_view user) {
  ECOUTE_RETURN_IF_ERROR(ValidateCanned(r));
  std::lock_guard lock(impl_->mu);
  sqlite3* db = impl_->db.get();
  ECOUTE_RETURN_IF_ERROR(Exec(db, "BEGIN IMMEDIATE", "begin canned update"));
  auto body = [&]() -> base::Result<CannedResponse> {
    ECOUTE_ASSIGN_OR_RETURN(Stmt get, Stmt::Prepare(db, "SELECT created_at FROM care_canned WHERE id = ?1",
                                                    "read canned response"));
    get.BindInt(1, id);
    ECOUTE_ASSIGN_OR_RETURN(bool row, get.Step());
    if (!row) return base::Status::NotFound("canned response " + std::to_string(id) + " not found");
    r.id = id;
    r.created_at = get.Int(0);
    r.updated_at = impl_->clock.Now();
    r.updated_by = std::string(user);
    const std::string categories = Dump(json(r.categories)), tags = Dump(json(r.tags)),
                      variants = Dump(json(r.variants));
    ECOUTE_ASSIGN_OR_RETURN(Stmt s, Stmt::Prepare(db,
                                                  "UPDATE care_canned SET name = ?2, title = ?3, categories_json = ?4, "
                                                  "tags_json = ?5, variants_json = ?6, updated_at = ?7, "
                                                  "updated_by = ?8 WHERE id = ?1",
                                                  "update canned response"));
    s.BindInt(1, id);
    s.BindText(2, r.name);
    s.BindText(3, r.title);
    s.BindText(4, categories);
    s.BindText(5, tags);
    s.BindText(6, variants);
    s.BindInt(7, r.updated_at);
    s.BindText(8, r.updated_by);
    base::Status done = s.Run();
    if (!done.ok()) {
      if (IsUniqueViolation(db)) {
        return base::Status::AlreadyExists("canned response \"" + r.name + "\" already exists");
      }
      return done;
    }
    return r;
  };
  auto result = body();
  if (!result.ok()) {
    (void)Exec(db, "ROLLBACK", "rollback canned update");
    return result;
  }
  ECOUTE_RETURN_IF_ERROR(Exec(db, "COMMIT", "commit canned update"));
  return result;
}

base::Status CannedStore::Delete(int64_t id) {
  std::lock_guard lock(impl_->mu);
  sqlite3* db = impl_->db.get();
  ECOUTE_ASSIGN_OR_RETURN(Stmt s, Stmt::Prepare(db, "DELETE FROM care_canned WHERE id = ?1", "delete canned response"));
  s.BindInt(1, id);
  ECOUTE_RETURN_IF_ERROR(s.Run());
  if (sqlite3_changes(db) == 0) return base::Status::NotFound("canned response " + std::to_string(id) + " not found");
  return base::Status::Ok();
}

}  // namespace ecoute::care
