// simdjson helpers for the JSON decoders: one parser per thread, and typed
// field readers that name the field and the wrong type on error. Internal.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <simdjson.h>

#include "ingest/decoder.h"
#include "model/mention.h"

namespace ecoute::ingest::formats {

// Parses `record` with this thread's parser. On failure appends a rejection
// (invalid UTF-8 with its byte offset, or the JSON error) and returns
// nullopt. The element lives until the next ParseJson() on this thread.
std::optional<simdjson::dom::element> ParseJson(std::string_view record, const Location& where,
                                                std::vector<model::Rejection>& rejects);

// "object", "array", "string", "number", "boolean", "null".
std::string_view JsonTypeName(const simdjson::dom::element& e);

// The first problem found while reading fields.
struct FieldError {
  std::string field;
  std::string reason;
  bool failed() const { return !reason.empty(); }
  // Records a problem unless one is already recorded; returns false.
  bool Set(std::string f, std::string r);
};

// Readers for one field of a JSON object. `path` is the field's name in
// messages. A null value counts as absent. Each returns false (and fills
// `err`) when the value has the wrong type; `out` is left unchanged then and
// when the value is null.
bool ReadString(const simdjson::dom::element& v, std::string_view path, std::string& out, FieldError& err);
// A string, or an integer number written out in decimal.
bool ReadId(const simdjson::dom::element& v, std::string_view path, std::string& out, FieldError& err);
// A non-negative integer (or a number with an integral value).
bool ReadCount(const simdjson::dom::element& v, std::string_view path, int64_t& out, FieldError& err);
bool ReadBool(const simdjson::dom::element& v, std::string_view path, bool& out, FieldError& err);
// A date string base::ParseTimestamp accepts, or Unix time as a number
// (seconds, or milliseconds when 12 digits or more).
bool ReadDate(const simdjson::dom::element& v, std::string_view path, base::Timestamp& out, FieldError& err);
// An object; `out` receives it.
bool ReadObject(const simdjson::dom::element& v, std::string_view path, simdjson::dom::object& out,
                FieldError& err);

// Shortcut: `obj[key]`, or nullopt when absent or null.
std::optional<simdjson::dom::element> Field(const simdjson::dom::object& obj, std::string_view key);

}  // namespace ecoute::ingest::formats
