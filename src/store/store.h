// Store: durable home of mentions, rejects and rollups.
//
// One interface, several back ends: the embedded SQLite one (sqlite_store.h)
// is the default; a PostgreSQL one will implement the same contract.
//
// Threading: Write() is for one writer thread at a time (the pipeline's
// writer); every read method is thread-safe and may run concurrently with
// Write() (readers see the last committed state).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "model/mention.h"

namespace ecoute::store {

enum class WriteOutcome : uint8_t {
  kInserted,   // a new (channel, native_id)
  kUpdated,    // known key, content changed: the stored record was replaced
  kDuplicate,  // known key, same content: nothing changed
};

struct WriteSummary {
  int64_t inserted = 0;
  int64_t updated = 0;
  int64_t duplicates = 0;
  int64_t rejected = 0;
};

// Position in a newest-first listing; opaque to clients as a string.
struct Cursor {
  base::Timestamp created_at = 0;
  int64_t id = 0;
  std::string Encode() const;
  static base::Result<Cursor> Decode(std::string_view s);  // InvalidArgument if malformed
};

struct MentionFilter {
  std::string text;  // full-text words, case- and accent-insensitive, all must occur; empty = any
  std::optional<base::Timestamp> from;  // created_at >= from
  std::optional<base::Timestamp> to;    // created_at < to
  std::vector<model::Channel> channels;  // any of; empty = all
  std::vector<std::string> languages;    // any of; empty = all
  std::string author;                    // author handle, exact, case-insensitive
  std::string thread_id;                 // exact; empty = any
  std::optional<Cursor> after;           // continue after this position
  int limit = 50;                        // 1..1000
};

struct MentionPage {
  std::vector<model::Mention> items;  // newest first (created_at desc, id desc)
  std::optional<Cursor> next;         // set when more may follow
};

enum class Interval : uint8_t { kHour, kDay, kWeek };
base::Result<Interval> ParseInterval(std::string_view s);  // "hour" | "day" | "week"
std::string_view IntervalName(Interval i);

enum class GroupBy : uint8_t { kNone, kChannel, kLanguage };
base::Result<GroupBy> ParseGroupBy(std::string_view s);  // "" | "none" | "channel" | "lang"

struct VolumeQuery {
  base::Timestamp from = 0;  // inclusive, floored to the hour
  base::Timestamp to = 0;    // exclusive
  Interval interval = Interval::kHour;
  GroupBy group_by = GroupBy::kNone;
  std::vector<model::Channel> channels;
  std::vector<std::string> languages;
};

struct VolumePoint {
  base::Timestamp bucket = 0;  // start of the interval (UTC)
  std::string group;           // channel or language name; empty for kNone
  int64_t count = 0;
};

struct StoredReject {
  int64_t id = 0;
  base::Timestamp received_at = 0;
  model::Rejection rejection;
};

struct StoreCounts {
  int64_t mentions = 0;
  int64_t rejects = 0;
  int64_t threads = 0;
  uint64_t bytes = 0;  // on-disk size of the database, WAL included
};

class Store {
 public:
  virtual ~Store() = default;

  // Writes `mentions` and `rejects` in one transaction: when it returns OK
  // everything is committed (durable per the back end's sync setting);
  // otherwise nothing is. Upserts by (channel, native_id): a new key is
  // inserted, a changed record replaces the stored one, an identical one is
  // a duplicate. Sets each mention's `id`, and its `thread_id` when empty
  // (the root of its reply chain as far as known; re-linked when a missing
  // parent arrives later). Maintains the full-text index and hourly rollups.
  // `outcomes` receives one entry per mention. Writer thread only.
  virtual base::Result<WriteSummary> Write(std::span<model::Mention> mentions,
                                           std::span<const model::Rejection> rejects,
                                           std::vector<WriteOutcome>* outcomes) = 0;

  virtual base::Result<MentionPage> Search(const MentionFilter& filter) const = 0;
  virtual base::Result<std::optional<model::Mention>> Get(int64_t id) const = 0;
  virtual base::Result<std::vector<VolumePoint>> Volume(const VolumeQuery& query) const = 0;
  // Newest first; `before_id` 0 = from the newest.
  virtual base::Result<std::vector<StoredReject>> Rejects(int limit, int64_t before_id) const = 0;
  virtual base::Result<StoreCounts> Counts() const = 0;
};

}  // namespace ecoute::store
