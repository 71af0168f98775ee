// Canned responses of the care inbox: reusable reply templates with
// variables and one text per language, their validation and JSON form,
// rendering for a case, ranking for agent assist, and their SQLite table.
//
// Template syntax (small on purpose):
//   {{name}}            the value of variable `name`
//   {{name|fallback}}   the value, or `fallback` (literal text, up to the
//                       closing "}}") when the variable has no value
//   {{{{                a literal "{{"
// Spaces around the name are ignored ("{{ agent.name }}"); the fallback is
// kept as written. Anything else is literal text, a lone "}}" included.
// Variables (KnownTemplateVariables): contact.name, contact.first_name,
// agent.name, agent.first_name, case.id, brand (the answering account),
// customer.handle, message.excerpt.
//
// Thread-safety: the free functions are pure and thread-safe; CannedStore's
// methods may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "base/time.h"

namespace ecoute::care {

struct CannedResponse {
  int64_t id = 0;           // assigned by CannedStore::Create; 0 = not stored
  std::string name;         // [a-z0-9_-]{1,64}, unique
  std::string title;        // for people; may be empty
  // Incident categories it fits (e.g. "delivery", "billing"), compared
  // case-insensitively; empty = any.
  std::vector<std::string> categories;
  std::vector<std::string> tags;
  // Language code (ISO 639: 2 or 3 lowercase letters, "fr", "en") ->
  // template text. At least one.
  std::map<std::string, std::string> variants;
  base::Timestamp created_at = 0, updated_at = 0;  // set by CannedStore
  std::string updated_by;                          // user login, set by CannedStore
  bool operator==(const CannedResponse&) const = default;
};

// The variables templates may use, in the order of the header comment.
const std::vector<std::string>& KnownTemplateVariables();

// OK when `text` parses. InvalidArgument with the 0-based byte offset of
// the "{{" that opens the faulty placeholder:
//   position 14: unknown variable "contact.nme" (known: contact.name, ...)
//   position 3: unclosed "{{"
//   position 0: empty variable name
//   position 5: invalid variable name "a b" (letters, digits, '_' and '.')
//   position 5: "{{" inside a placeholder (write "{{{{" before it for a literal "{{")
base::Status CheckTemplate(std::string_view text);

// OK when `r` can be stored: the name's pattern, at least one variant,
// variant keys of 2 or 3 lowercase letters, non-empty variant texts of at
// most 20000 bytes that pass CheckTemplate, title of at most 200 bytes,
// categories and tags of 1 to 64 bytes. InvalidArgument naming the field:
// "name: ...", "variants.fr: position 3: unclosed \"{{\"", "tags[2]: empty".
base::Status ValidateCanned(const CannedResponse& r);

// Parses the ToJson form: {"name", "title"?, "categories"?: [..], "tags"?:
// [..], "variants": {"fr": "..."}} plus, optionally, what ToJson adds ("id",
// "created_at", "updated_at" as RFC 3339 or null, "updated_by"). Categories
// and tags are trimmed and de-duplicated (first kept). Unknown keys are
// refused. InvalidArgument naming the field (as ValidateCanned, and
// "categories: expected an array of strings", "colour: unknown field").
base::Result<CannedResponse> CannedFromJson(const nlohmann::json& j);
// {"id", "name", "title", "categories", "tags", "variants", "created_at",
// "updated_at" (RFC 3339, null when 0), "updated_by"}.
nlohmann::json ToJson(const CannedResponse& r);

// Variable name -> value. A variable absent or with an empty value has no
// value. Without one, contact.first_name and agent.first_name fall back to
// the first word of contact.name / agent.name.
struct RenderVars {
  std::map<std::string, std::string> values;
};

struct Rendered {
  std::string language;  // the variant used (a key of `variants`)
  std::string text;
  // Variables that had neither a value nor a fallback, in order of first
  // use, each once: rendered as empty, listed so the UI can warn.
  std::vector<std::string> missing;
  bool operator==(const Rendered&) const = default;
};

// The variant for `language` (ChooseVariant), with its placeholders
// replaced. Values are inserted as they are: a value holding "{{...}}" is
// not expanded again. InvalidArgument when `r` has no variant or its
// template does not parse ("variants.fr: position 3: ...").
base::Result<Rendered> Render(const CannedResponse& r, std::string_view language, const RenderVars& vars);

// The key of r.variants used for `language`: the exact code; else the code
// normalised by text::NormalizeLanguageTag ("fr-FR", "French" -> "fr");
// else "en"; else "fr"; else the first key (alphabetical). Empty when
// there are no variants.
std::string ChooseVariant(const CannedResponse& r, std::string_view language);

struct CannedMatch {
  const CannedResponse* response = nullptr;  // into the span given to RankCanned
  double score = 0;
  // Why, in this order: "fits category delivery" or "fits any category",
  // "has a fr variant", "shares words: colis, livraison" (alphabetical,
  // at most 5 listed).
  std::vector<std::string> reasons;
};

// Agent assist: every response of `responses` scored for a customer
// message, best first (score descending, then name ascending), at most
// `limit` (0 = all). Score = 2 when one of its categories equals
// `category` (case-insensitively), 0.5 when it has no categories (fits
// any), 0 otherwise; + 1 when it has a variant for `language` (exact code
// or normalised tag, no fallback); + 0.75 per distinct word shared by
// `message_text` and the response's title, tags and the variant
// ChooseVariant picks (placeholders left out), counting at most 4 words.
// Words: text::Fold'ed (case and accents folded), split on anything but
// letters and digits, 3 or more characters, not only digits, minus a small
// French/English stop list ("bonjour", "merci", "pour", "the", "your"...).
// The pointers stay valid as long as `responses`' elements.
std::vector<CannedMatch> RankCanned(std::span<const CannedResponse> responses, std::string_view category,
                                    std::string_view language, std::string_view message_text, size_t limit);

// Canned responses in the SQLite database file shared with the rest of
// ecoute: its own connection (WAL, busy_timeout 10 s), table care_canned
// and a one-row table care_canned_schema holding its schema version (1).
// ":memory:" gives a private in-memory database (tests). Opened through
// store::internal::OpenSharedDb: a new file is stamped as an ecoute
// database, a foreign one refused (Corruption). One mutex serialises the
// calls.
class CannedStore {
 public:
  // Creates the tables when missing. IoError when the file cannot be
  // opened, Corruption when it is not SQLite or care_canned_schema holds a
  // version newer than this build's.
  static base::Result<std::unique_ptr<CannedStore>> Open(const std::string& db_path, const base::Clock& clock);

  CannedStore(const CannedStore&) = delete;
  CannedStore& operator=(const CannedStore&) = delete;
  ~CannedStore();

  // All, by name.
  base::Result<std::vector<CannedResponse>> List() const;
  // NotFound "canned response 7 not found" / "canned response \"x\" not found".
  base::Result<CannedResponse> Get(int64_t id) const;
  base::Result<CannedResponse> FindByName(std::string_view name) const;
  // Stores `r` (its id, created_at, updated_at and updated_by are ignored):
  // a new id, created_at = updated_at = now, updated_by = `user`. Returns
  // what was stored. InvalidArgument as ValidateCanned; AlreadyExists
  // "canned response \"x\" already exists".
  base::Result<CannedResponse> Create(CannedResponse r, std::string_view user);
  // Replaces every field of `id` but created_at (kept) and id; updated_at =
  // now, updated_by = `user`. NotFound, InvalidArgument, AlreadyExists (a
  // rename onto another response's name).
  base::Result<CannedResponse> Update(int64_t id, CannedResponse r, std::string_view user);
  // NotFound when absent.
  base::Status Delete(int64_t id);

 private:
  struct Impl;  // the connection and its mutex
  explicit CannedStore(std::unique_ptr<Impl> impl);

  const std::unique_ptr<Impl> impl_;
};

}  // namespace ecoute::care
