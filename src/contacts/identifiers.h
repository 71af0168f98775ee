// Typed identifiers of a customer (e-mail, phone, network handle, customer
// and order numbers): normalisation to one canonical spelling, the
// identifier a mention's author gives, and extraction of the identifiers a
// text quotes. See docs/contacts.md.
//
// Thread-safety: the free functions are pure and thread-safe; an Extractor
// is immutable after Create() and may be shared by threads.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "model/mention.h"

namespace ecoute::contacts {

enum class IdentifierType : uint8_t { kEmail, kPhone, kHandle, kCustomerNumber, kOrderNumber };

// "email", "phone", "handle", "customer_number", "order_number".
std::string_view IdentifierTypeName(IdentifierType t);
// Inverse of IdentifierTypeName (exact, lowercase).
std::optional<IdentifierType> ParseIdentifierType(std::string_view name);

struct Identifier {
  IdentifierType type = IdentifierType::kEmail;
  std::string network;  // handles only: "twitter", "facebook", ... (a channel name); empty otherwise
  std::string value;    // normalised (NormalizeIdentifier)
  bool operator==(const Identifier&) const = default;
};

// "email:jean@example.fr", "handle:twitter:jdupont": one string per
// identifier, for maps and logs.
std::string IdentifierKey(const Identifier& id);

// Normalises `raw` to the canonical spelling of its type:
//  * email: trimmed, lowercased; "Name <addr>" keeps addr; must be
//    local@domain (one '@', no spaces or control characters, a non-empty
//    local part of at most 64 bytes, a domain of at most 253 bytes with a
//    dot, labels of letters, digits, '-' or non-ASCII, not starting or
//    ending with '-' or '.').
//  * phone: E.164 ("+33612345678") with libphonenumber; national numbers
//    are read in `default_region` (ISO 3166-1 alpha-2, e.g. "FR", "GB").
//    Must be a valid number for its region.
//  * handle: trimmed, without one leading '@', ASCII-lowercased; no
//    whitespace, 1..128 bytes. `network` is required (trimmed, lowercased,
//    [a-z0-9_-]{1,32}, e.g. "twitter").
//  * customer_number / order_number: trimmed, uppercased, [A-Z0-9-] only,
//    1..64 bytes.
// `network` is ignored (the result's is empty) for every type but handle.
// Errors are InvalidArgument naming the type and quoting the value:
// `phone: "12" is not a valid phone number`.
base::Result<Identifier> NormalizeIdentifier(IdentifierType type, std::string_view raw, std::string_view network,
                                             std::string_view default_region = "FR");

// The identifier the author's handle gives: email channel -> email; voice
// and sms -> phone (in `default_region`); any other channel -> handle with
// network = the channel's name. nullopt when the handle is empty or does
// not normalise.
std::optional<Identifier> IdentifierFromAuthor(const model::Mention& m, std::string_view default_region = "FR");

// An identifier quoted in a text.
struct FoundIdentifier {
  Identifier identifier;
  size_t offset = 0;  // byte offset of the matched text in the text given
  size_t length = 0;  // its length in bytes
  std::string text;   // the matched text, as written
};

// The default ECMAScript patterns (case-insensitive, one capture group:
// the value) for French and English texts. Order numbers: "commande",
// "cde", "cmd", "order", "n°" (optionally followed by "n°", "no",
// "numéro", "number", "#", ":") then 6-20 letters, digits or '-' holding
// a digit; and a bare "#" followed by 6-20 digits or '-' (a '#' followed
// by letters is a hashtag). Customer numbers: "n° client", "numéro
// (de) client", "client", "customer (number|no|id)", "account (number|no)",
// "compte (client)", "référence client", "abonné", "subscriber" then the
// same kind of value.
std::vector<std::string> DefaultOrderPatterns();
std::vector<std::string> DefaultCustomerPatterns();

struct ExtractOptions {
  std::string default_region = "FR";  // for national phone numbers
  bool emails = true;
  bool phones = true;
  // ECMAScript regexes, matched case-insensitively, each with exactly one
  // capture group holding the value. A value must normalise (see
  // NormalizeIdentifier) and hold a digit, else the match is ignored.
  std::vector<std::string> order_patterns = DefaultOrderPatterns();
  std::vector<std::string> customer_patterns = DefaultCustomerPatterns();
  // Only the first max_bytes of a text are examined.
  size_t max_bytes = 64 * 1024;
};

// Compiled ExtractOptions.
class Extractor {
 public:
  // InvalidArgument naming the pattern ("order_patterns[2]: ...") when one
  // does not compile or has not exactly one capture group, or naming the
  // region when libphonenumber does not know it.
  static base::Result<Extractor> Create(ExtractOptions options);

  // The identifiers `text` quotes, by offset, each span at most once:
  // e-mail addresses (scanned directly), customer and order numbers (the
  // patterns, customer first: a span claimed by one is not reused), then
  // phone numbers (libphonenumber's PhoneNumberMatcher with leniency VALID,
  // in the default region) that overlap none of those. Patterns and the
  // phone matcher only look at the text around groups of digits (a value
  // always holds one): patterns 48 bytes before and 24 after each group,
  // widened to word boundaries, and they are tried (anchored) where a word
  // or a punctuation mark starts, never inside a word or at a space.
  // Duplicate identifiers are listed once, at their first offset. Invalid UTF-8 is tolerated (no phone number is read
  // from a window holding ill-formed bytes).
  std::vector<FoundIdentifier> Extract(std::string_view text) const;

  const ExtractOptions& options() const { return options_; }

 private:
  struct Patterns;  // the compiled regexes (identifiers.cc)
  ExtractOptions options_;
  std::shared_ptr<const Patterns> patterns_;
};

// Extractor::Create(options) then Extract(text), for one-off uses.
base::Result<std::vector<FoundIdentifier>> ExtractIdentifiers(std::string_view text, const ExtractOptions& options);

// Folds a display name for "same name" comparisons: text::Fold (case,
// accents), then every run of characters other than letters and digits
// becomes one space, trimmed. Empty when the result is too weak to compare
// people by: fewer than two words and fewer than 6 letters, or the name
// holds '@' (an address, not a name).
std::string NameKey(std::string_view display_name);

}  // namespace ecoute::contacts
