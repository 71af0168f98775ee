// Helpers shared by the decoders: rejections, id derivation, strict scalar
// parsing. Internal to the ingest module. All functions are thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/decoder.h"
#include "model/mention.h"

namespace ecoute::ingest::formats {

inline constexpr size_t kMaxNativeIdBytes = 256;

// Appends a Rejection for the record at `where`; `raw` is cut to
// model::kMaxRejectRawBytes on a UTF-8 boundary.
void Reject(const Location& where, std::string_view field, std::string reason, std::string_view raw,
            std::vector<model::Rejection>& rejects);

// Rejects a record its reader flagged; returns true when it did.
bool RejectIfFlawed(std::string_view record, const Location& where, std::vector<model::Rejection>& rejects);

// Offset of the first byte that breaks UTF-8, or npos when `s` is valid.
size_t InvalidUtf8Offset(std::string_view s);

// "h:" + 16 lowercase hex digits of FNV-1a 64 over channel name, author
// handle, created_at (decimal milliseconds) and text, each followed by a
// 0x00 byte. Stable across runs, machines and versions.
std::string DeriveNativeId(const model::Mention& m);

// Checks what every accepted Mention needs and derives native_id when
// empty. Returns false after appending a rejection. `prefix` is prepended to
// field names ("data[2]." for the third tweet of a page). `utf8_checked`:
// the whole record was validated already (JSON), skip the per-field checks.
bool FinishMention(model::Mention& m, std::string_view record, const Location& where, std::string_view prefix,
                   std::vector<model::Rejection>& rejects, bool utf8_checked = false);

// model::ParseChannel / ParseDirection with a fast path for the exact
// lower-case names.
std::optional<model::Channel> ChannelFromName(std::string_view name);
std::optional<model::Direction> DirectionFromName(std::string_view name);

std::string_view TrimSpace(std::string_view s);
bool IsBlank(std::string_view s);  // empty or only ASCII whitespace

// "\"value\"" for messages, cut to 80 bytes.
std::string Quote(std::string_view s);

// An id written as digits with a float tail by pandas ("3.0" -> "3");
// other values unchanged (trimmed).
std::string NormalizeId(std::string_view s);

// A non-negative integer: digits, optionally followed by ".0..." (pandas).
// nullopt on anything else ("12abc", "-3", "1.5", "").
std::optional<int64_t> ParseCount(std::string_view s);

// true/false, 1/0, yes/no, case-insensitive; nullopt otherwise.
std::optional<bool> ParseBool(std::string_view s);

// Language tag -> ISO 639 code ("en-US" -> "en", "FR" -> "fr"; Twitter's
// legacy "in"/"iw" -> "id"/"he"). "und" for undetermined codes (und, zxx,
// mul, and Twitter's q?? codes). nullopt when not a language tag.
std::optional<std::string> NormalizeLanguage(std::string_view tag);

// Decodes &amp; &lt; &gt; &quot; &#39; &apos; (what Twitter escapes).
std::string UnescapeHtml(std::string_view s);

// Parses a date for field `field`; on failure sets `reason`.
bool ParseDate(std::string_view text, base::Timestamp& out, std::string& reason);

}  // namespace ecoute::ingest::formats
