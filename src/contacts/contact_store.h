// ContactStore: one customer across channels. A directory of contacts
// with typed identifiers (identifiers.h), automatic exact links (a message
// whose author's identifier is known joins that contact), suggested links
// with evidence (identifiers quoted in texts, the same name on another
// channel), reversible audited merges, and one timeline per contact.
// User guide: docs/contacts.md.
//
// Storage: tables prefixed "contact" in the ecoute database file, next to
// the store's (own connection, WAL, busy_timeout 10 s, own schema version
// row in contact_meta). Merges never move rows: a merged contact keeps its
// identifiers and mentions and only gets merged_into set; every read
// resolves to the canonical contact (the end of the merged_into chain) and
// gathers the rows of every contact merged into it. Unmerge clears
// merged_into, so it restores exactly the state before the merge.
//
// Thread-safety: every method may be called from any thread; calls are
// serialised on one connection (a ResolveBatch of 500 mentions holds it
// for a few tens of milliseconds).
//
// Errors: InvalidArgument naming the argument; NotFound naming the id;
// FailedPrecondition when the state forbids it (already merged, already
// decided, already undone); AlreadyExists naming the contact holding an
// identifier; SQLite failures as store::internal::SqliteError maps them
// (Unavailable when the database stays locked past the busy timeout).
// A failing call changes nothing (one transaction per call).
#pragma once

#include <cstdint>
#include <limits>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "base/time.h"
#include "contacts/identifiers.h"
#include "model/mention.h"

namespace ecoute::contacts {

struct ContactOptions {
  // Inference of suggested links from quoted identifiers and names (the
  // per-workspace switch). Off: only exact links (the author's identifier),
  // no text is examined, no suggestion is made.
  bool suggest = true;
  // Region for national phone numbers (authors of calls and SMS, numbers
  // quoted in texts); also used as extract.default_region.
  std::string default_region = "FR";
  // "Same name" suggestions look this many days either side (0..365).
  int name_window_days = 7;
  // Suggestions scoring below this are not made (0..1).
  double min_score = 0.5;
  // Patterns for quoted order and customer numbers; default_region above
  // replaces extract.default_region.
  ExtractOptions extract;
  // E-mail domains of the brand ("brand.fr"): addresses there are never
  // quoted identifiers. Authors of outbound mentions (the brand's own
  // accounts, addresses, numbers) are learned and ignored in quotes too.
  std::vector<std::string> own_email_domains;
};

struct StoredIdentifier {
  Identifier identifier;
  std::string source;              // "author" (a message came from it) | "manual" | "quoted" (a message quoted it)
  bool verified = false;           // author and manual: true; quoted: false
  base::Timestamp first_seen = 0;  // the mention's created_at; the clock's time for manual ones
  int64_t mention_id = 0;          // the mention it was learned from; 0 for manual ones
  int64_t contact_id = 0;          // the contact holding it: the one viewed or one merged into it
};

// The canonical view of a contact: its own fields, with the identifiers,
// mentions and channels of every contact merged into it.
struct Contact {
  int64_t id = 0;
  std::string display_name;
  bool vip = false;  // true when this contact or one merged into it is VIP
  std::string notes;
  int64_t merged_into = 0;                    // always 0 in a view (views are canonical)
  std::vector<StoredIdentifier> identifiers;  // by contact id, then first_seen
  base::Timestamp created_at = 0;
  base::Timestamp updated_at = 0;    // latest change of the contact or of one merged into it
  base::Timestamp last_seen_at = 0;  // newest created_at of its mentions; 0 = none
  int64_t message_count = 0;
  std::vector<std::string> channels;  // channel names, in model::Channel order
  std::vector<int64_t> merged_ids;    // contacts merged into it, directly or by a chain, ascending
  // Get(x) where x is merged into this contact: x; otherwise 0.
  int64_t resolved_from = 0;
};

// What a list shows of a contact (ContactStore::Briefs): its canonical
// view's id, name and VIP flag, and its verified identifiers (author and
// manual ones: those it wrote from or an agent added; quoted ones are
// left out), the canonical contact's own first, then those of the
// contacts merged into it by ascending id, each by first_seen.
struct ContactBrief {
  int64_t id = 0;  // the canonical contact
  std::string display_name;
  bool vip = false;
  std::vector<Identifier> identifiers;
};

// Why a link is suggested. kind: "quoted_email" | "quoted_phone" |
// "quoted_order_number" | "quoted_customer_number" | "same_name" |
// "same_category".
struct Evidence {
  std::string kind;
  std::string detail;      // a sentence: "tweet 1234 quotes jean.dupont@example.fr, an e-mail of contact 7"
  int64_t mention_id = 0;  // the mention that gave it
  std::string value;       // the identifier's value, the folded name or the category
};

struct Suggestion {
  int64_t id = 0;
  // The two contacts the evidence links, as they were when suggested
  // (contact_a < contact_b); Accept merges their canonical contacts.
  int64_t contact_a = 0;
  int64_t contact_b = 0;
  double score = 0;                // 1 - prod(1 - weight) over distinct evidence; see docs/contacts.md
  std::vector<Evidence> evidence;  // in arrival order, at most kMaxEvidence
  std::string state;               // "pending" | "accepted" | "rejected"
  base::Timestamp created_at = 0;
  base::Timestamp updated_at = 0;  // last evidence added or decision
  base::Timestamp decided_at = 0;  // 0 while pending
  std::string decided_by;
};
inline constexpr size_t kMaxEvidence = 20;

struct MergeRecord {
  int64_t id = 0;
  int64_t into = 0;  // canonical at the time of the merge
  int64_t from = 0;  // canonical at the time of the merge; now merged_into = into unless undone
  std::string user;
  std::string reason;
  base::Timestamp at = 0;
  int64_t suggestion_id = 0;      // the accepted suggestion; 0 for a manual merge
  base::Timestamp undone_at = 0;  // 0 while in effect
  std::string undone_by;
};

// One audited event. action: "created" | "identifier_added" |
// "identifier_verified" | "identifier_removed" | "merged" (on the contact
// that absorbed another) | "merged_into" (on the absorbed one) | "unmerged"
// (on both) | "suggestion_accepted" | "suggestion_rejected" (on both
// contacts) | "vip_changed" | "renamed" | "notes_changed".
struct AuditEntry {
  int64_t id = 0;
  int64_t contact_id = 0;
  base::Timestamp at = 0;
  std::string actor;  // the user; "system" for what ResolveBatch did
  std::string action;
  std::string detail;  // a sentence
  int64_t other_contact_id = 0;
  int64_t merge_id = 0;
  int64_t suggestion_id = 0;
};

// One mention of a timeline.
struct TimelineEntry {
  int64_t mention_id = 0;
  int64_t contact_id = 0;  // the contact it belongs to (the one viewed or one merged into it)
  model::Channel channel = model::Channel::kOther;
  base::Timestamp created_at = 0;
};

class ContactStore {
 public:
  static constexpr base::Timestamp kNoBound = std::numeric_limits<base::Timestamp>::max();

  // Opens (creating its tables if needed) the directory in the ecoute
  // database at `db_path`; ":memory:" gives a private in-memory database
  // (tests). InvalidArgument for bad options (naming the field: a pattern
  // by index, the region, name_window_days, min_score); Corruption when
  // the file is another application's database or its contacts schema is
  // newer than this build's. `clock` must outlive the store.
  static base::Result<std::unique_ptr<ContactStore>> Open(const std::string& db_path, ContactOptions options,
                                                          const base::Clock& clock);
  ~ContactStore();
  ContactStore(const ContactStore&) = delete;
  ContactStore& operator=(const ContactStore&) = delete;

  // The hot path: call with each committed batch. Returns one canonical
  // contact id per mention, in order; 0 for a mention with id <= 0 (or a
  // channel value out of range), an outbound one (its author is learned as
  // the brand's own identifier), or one whose author handle gives no
  // identifier. For each other mention (one transaction for the whole
  // call):
  //  * the author's identifier -> the contact holding it verified, or a new
  //    contact named after the author (display_name, else handle);
  //  * the mention is recorded for that contact (idempotent: a mention id
  //    already recorded returns its contact and changes nothing);
  //  * with `suggest`: identifiers quoted in title and text that another
  //    contact holds make (or add evidence to) a suggestion; unknown ones
  //    are attached to the author's contact as "quoted", unverified (a
  //    message quoting more than 3 of one type is ignored for that type); a new
  //    author whose identifier another contact quoted gets a suggestion,
  //    never an automatic link; the same folded name on another channel
  //    within name_window_days (and the same category) makes one too.
  base::Result<std::vector<int64_t>> ResolveBatch(std::span<const model::Mention> mentions);

  // The canonical view of contact `id` (resolved_from = id when `id` is
  // merged into another). NotFound when there is no such contact.
  base::Result<Contact> Get(int64_t id);

  // The brief of the canonical contact of each of `ids`, keyed by the id
  // asked (several may share one canonical contact); ids <= 0 and ids of
  // no contact are left out. At most kMaxBriefs ids (InvalidArgument
  // "ids: ..." otherwise); two queries whatever their number.
  static constexpr size_t kMaxBriefs = 1000;
  base::Result<std::map<int64_t, ContactBrief>> Briefs(std::span<const int64_t> ids);

  // Canonical contacts matching `query` (limit 1..100): identifiers first
  // (an e-mail, a phone number in default_region, "@handle" on any network,
  // a customer or order number; exact), then names (case and accents
  // folded) and identifier values containing it.
  base::Result<std::vector<Contact>> Search(std::string_view query, int limit = 20);

  // The canonical contact of a resolved mention; NotFound if never resolved.
  base::Result<int64_t> ContactOf(int64_t mention_id);

  // The timeline of contact `id` and of every contact merged into it,
  // newest first (created_at, then mention_id, descending): entries with
  // created_at < before_created_at, or, when before_mention_id > 0,
  // (created_at, mention_id) < (before_created_at, before_mention_id), so
  // the last entry of a page continues the listing exactly. limit 1..1000.
  base::Result<std::vector<TimelineEntry>> MentionIds(int64_t id, base::Timestamp before_created_at = kNoBound,
                                                      int limit = 50, int64_t before_mention_id = 0);

  // Changes the canonical contact's fields (unset = unchanged). The name is
  // trimmed, 1..200 bytes of valid UTF-8; notes at most 10,000 bytes; vip
  // false also clears it on the contacts merged into it. Audited for
  // `user` (required). Returns the new view.
  base::Result<Contact> Update(int64_t id, std::optional<std::string> display_name, std::optional<bool> vip,
                               std::optional<std::string> notes, std::string_view user);

  // Adds a manual, verified identifier (normalised again with
  // default_region) to the canonical contact of `id`. AlreadyExists naming
  // the other contact when another contact holds it verified (merge them
  // instead); a quoted copy in the same contact becomes verified; one it
  // already holds verified is a no-op. Returns the new view.
  base::Result<Contact> AddIdentifier(int64_t id, const Identifier& identifier, std::string_view user);
  // Removes `identifier` from the canonical contact of `id` or the contact
  // merged into it that holds it; NotFound when none does. Later messages
  // from it make a new contact. Returns the new view.
  base::Result<Contact> RemoveIdentifier(int64_t id, const Identifier& identifier, std::string_view user);

  // Suggestions involving the canonical contact of `contact_id` (any
  // contact merged into it included), or all when 0; state "pending",
  // "accepted", "rejected" or "" (any). Pending ones whose two contacts
  // have become one since are left out. Pending: highest score first;
  // otherwise newest first. limit 1..1000.
  base::Result<std::vector<Suggestion>> Suggestions(int64_t contact_id = 0, std::string_view state = "pending",
                                                    int limit = 50);
  // Accepts a pending suggestion: merges the higher canonical id into the
  // lower (the older contact). FailedPrecondition when it is not pending
  // or its contacts are already one.
  base::Result<MergeRecord> Accept(int64_t suggestion_id, std::string_view user);
  // Rejects a pending suggestion: that pair (and any pair of the contacts
  // merged into them) is never suggested again.
  base::Result<Suggestion> Reject(int64_t suggestion_id, std::string_view user);

  // Merges the canonical contact of `from_id` into that of `into_id`.
  // InvalidArgument when they are the same id; FailedPrecondition when they
  // are already one contact. Any pending suggestion between them stays
  // pending (and is hidden while they are one).
  base::Result<MergeRecord> Merge(int64_t into_id, int64_t from_id, std::string_view user, std::string_view reason);
  // Undoes merge `merge_id`: its `from` contact is canonical again, with
  // its own identifiers and mentions (and the contacts merged into it);
  // what the canonical contact learned after the merge stays with it.
  // Works in any order along chains. FailedPrecondition if already undone.
  base::Result<MergeRecord> Unmerge(int64_t merge_id, std::string_view user);
  // Merges (in effect or undone) into or from the canonical contact of
  // `contact_id` or any contact merged into it, newest first.
  base::Result<std::vector<MergeRecord>> Merges(int64_t contact_id);

  // The audit trail of the canonical contact of `contact_id` and of the
  // contacts merged into it, oldest first, at most `limit` (1..10,000)
  // newest entries.
  base::Result<std::vector<AuditEntry>> Audit(int64_t contact_id, int limit = 1000);

  const ContactOptions& options() const;

 private:
  struct Impl;
  explicit ContactStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Weight of one piece of evidence of `kind` (0 for an unknown kind):
// quoted_email 0.9, quoted_phone 0.9, quoted_customer_number 0.85,
// quoted_order_number 0.8, same_name 0.5, same_category 0.3.
double EvidenceWeight(std::string_view kind);
// 1 - prod(1 - weight) over the distinct (kind, value) pairs of
// `evidence`, rounded to 3 decimals: same name 0.5, same name and
// category 0.65, a quoted e-mail 0.9, a quoted order number and the same
// name 0.9.
double ScoreEvidence(std::span<const Evidence> evidence);

}  // namespace ecoute::contacts
