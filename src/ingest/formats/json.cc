#include "ingest/formats/json.h"

#include <cmath>

#include "ingest/formats/common.h"

namespace ecoute::ingest::formats {
namespace {

using simdjson::dom::element;
using simdjson::dom::element_type;

// A parser that grew for a huge record is dropped afterwards, so a thread
// does not keep hundreds of MiB for the rest of its life.
constexpr size_t kKeepParserCapacity = size_t{4} << 20;

simdjson::dom::parser& ThreadParser() {
  thread_local simdjson::dom::parser parser;
  if (parser.capacity() > kKeepParserCapacity) parser = simdjson::dom::parser();
  return parser;
}

std::string WrongType(std::string_view expected, const element& v) {
  return "expected " + std::string(expected) + ", got " + std::string(JsonTypeName(v));
}

}  // namespace

bool FieldError::Set(std::string f, std::string r) {
  if (!failed()) {
    field = std::move(f);
    reason = std::move(r);
  }
  return false;
}

std::optional<element> ParseJson(std::string_view record, const Location& where,
                                 std::vector<model::Rejection>& rejects) {
  if (IsBlank(record)) {
    Reject(where, "", "empty record", record, rejects);
    return std::nullopt;
  }
  element root;
  auto error = ThreadParser().parse(record.data(), record.size()).get(root);
  if (error == simdjson::SUCCESS) return root;
  if (error == simdjson::UTF8_ERROR) {
    Reject(where, "", "invalid UTF-8 at byte " + std::to_string(InvalidUtf8Offset(record)), record, rejects);
  } else {
    Reject(where, "", std::string("invalid JSON: ") + simdjson::error_message(error), record, rejects);
  }
  return std::nullopt;
}

std::string_view JsonTypeName(const element& e) {
  switch (e.type()) {
    case element_type::ARRAY: return "array";
    case element_type::OBJECT: return "object";
    case element_type::INT64:
    case element_type::UINT64:
    case element_type::DOUBLE: return "number";
    case element_type::STRING: return "string";
    case element_type::BOOL: return "boolean";
    case element_type::NULL_VALUE: return "null";
  }
  return "value";
}

bool ReadString(const element& v, std::string_view path, std::string& out, FieldError& err) {
  if (v.is_null()) return true;
  std::string_view s;
  if (v.get_string().get(s) != simdjson::SUCCESS) return err.Set(std::string(path), WrongType("a string", v));
  out.assign(s);
  return true;
}

bool ReadId(const element& v, std::string_view path, std::string& out, FieldError& err) {
  switch (v.type()) {
    case element_type::NULL_VALUE: return true;
    case element_type::STRING: out.assign(v.get_string().value_unsafe()); return true;
    case element_type::INT64: out = std::to_string(v.get_int64().value_unsafe()); return true;
    case element_type::UINT64: out = std::to_string(v.get_uint64().value_unsafe()); return true;
    default: return err.Set(std::string(path), WrongType("a string or an integer", v));
  }
}

bool ReadCount(const element& v, std::string_view path, int64_t& out, FieldError& err) {
  int64_t n = 0;
  switch (v.type()) {
    case element_type::NULL_VALUE: return true;
    case element_type::INT64: n = v.get_int64().value_unsafe(); break;
    case element_type::UINT64: return err.Set(std::string(path), "out of range");
    case element_type::DOUBLE: {
      double d = v.get_double().value_unsafe();
      if (d != std::floor(d) || std::fabs(d) > 9e15) return err.Set(std::string(path), "expected an integer, got " + std::to_string(d));
      n = static_cast<int64_t>(d);
      break;
    }
    default: return err.Set(std::string(path), WrongType("an integer", v));
  }
  if (n < 0) return err.Set(std::string(path), "must be >= 0, got " + std::to_string(n));
  out = n;
  return true;
}

bool ReadBool(const element& v, std::string_view path, bool& out, FieldError& err) {
  if (v.is_null()) return true;
  bool b;
  if (v.get_bool().get(b) != simdjson::SUCCESS) return err.Set(std::string(path), WrongType("true or false", v));
  out = b;
  return true;
}

bool ReadDate(const element& v, std::string_view path, base::Timestamp& out, FieldError& err) {
  std::string reason;
  switch (v.type()) {
    case element_type::STRING:
      if (!ParseDate(v.get_string().value_unsafe(), out, reason)) return err.Set(std::string(path), reason);
      return true;
    case element_type::INT64: {
      int64_t n = v.get_int64().value_unsafe();
      if (n < 0) return err.Set(std::string(path), "negative Unix time " + std::to_string(n));
      if (!ParseDate(std::to_string(n), out, reason)) return err.Set(std::string(path), reason);
      return true;
    }
    case element_type::DOUBLE: {
      double d = v.get_double().value_unsafe();
      if (!(d >= 0) || d > 9e15) return err.Set(std::string(path), "Unix time out of range: " + std::to_string(d));
      // Same rule as for digits: 12 digits or more are milliseconds.
      out = static_cast<base::Timestamp>(d >= 1e11 ? std::llround(d) : std::llround(d * 1000));
      return true;
    }
    default: return err.Set(std::string(path), WrongType("a date string or Unix time", v));
  }
}

bool ReadObject(const element& v, std::string_view path, simdjson::dom::object& out, FieldError& err) {
  if (v.get_object().get(out) != simdjson::SUCCESS) return err.Set(std::string(path), WrongType("an object", v));
  return true;
}

std::optional<element> Field(const simdjson::dom::object& obj, std::string_view key) {
  element v;
  if (obj.at_key(key).get(v) != simdjson::SUCCESS || v.is_null()) return std::nullopt;
  return v;
}

}  // namespace ecoute::ingest::formats
