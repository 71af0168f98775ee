// Query-string parsing for the HTTP API: typed accessors that name the
// parameter and the offending value on error.
//
// QueryParams wraps the decoded query parameters of one request (a multimap,
// as cpp-httplib provides them). Each accessor returns the parsed value, or a
// default when the parameter is absent; on a bad value it records an error
// (the first one wins) and returns the default. Callers check error() once
// after reading everything they need. Not thread-safe; one per request.
#pragma once

#include <algorithm>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/time.h"
#include "model/mention.h"

namespace ecoute::api {

// A request error to be sent as {"error":{"code","message","field"}}.
struct ParamError {
  std::string field;    // the query parameter at fault
  std::string message;  // names the parameter and the value
};

// Parses a decimal int64 (optional leading '-') with no spaces or trailing
// bytes; nullopt on anything else or on overflow.
std::optional<int64_t> ParseInt64(std::string_view s);

// Quotes `value` for an error message, cutting it to 100 bytes.
std::string QuoteValue(std::string_view value);

class QueryParams {
 public:
  // `params` must outlive this object.
  explicit QueryParams(const std::multimap<std::string, std::string>& params) : params_(params) {}
  // The same, with CheckKnown(allowed) done.
  QueryParams(const std::multimap<std::string, std::string>& params, const std::vector<std::string>& allowed)
      : params_(params) {
    CheckKnown(allowed);
  }

  // Records an error for the first parameter not in `allowed`.
  void CheckKnown(const std::vector<std::string>& allowed);

  // The last value of `name`, or nullopt when absent. An empty value
  // ("?q=") counts as present and empty.
  std::optional<std::string> String(const std::string& name);

  // An integer in [min, max]; `def` when absent.
  int64_t Int(const std::string& name, int64_t def, int64_t min, int64_t max);

  // Any timestamp shape base::ParseTimestamp accepts.
  std::optional<base::Timestamp> Time(const std::string& name);

  // Comma-separated channel names (model::ParseChannel), from every
  // occurrence of `name` ("channel=a,b&channel=c"). Duplicates removed.
  std::vector<model::Channel> Channels(const std::string& name);

  // Comma-separated language codes: 2 to 8 ASCII letters, optionally with
  // "-" subtags ("en", "und", "zh-hant"), lower-cased. Duplicates removed.
  std::vector<std::string> Languages(const std::string& name);

  // Comma-separated positive integers (ids), from every occurrence of
  // `name`. Duplicates removed, order kept.
  std::vector<int64_t> Ids(const std::string& name);

  // The comma-separated items of every occurrence of `name`, spaces
  // trimmed, empty items dropped, in order (repeats kept).
  std::vector<std::string> ListValues(const std::string& name);

  // "true"/"1" or "false"/"0"; `def` when absent.
  bool Bool(const std::string& name, bool def);

  // The ListValues of `name`, each parsed by `parse` (std::optional<T>
  // parse(const std::string&)), duplicates removed, order kept. The first
  // that does not parse records "<name> must be <choices> (comma-separated),
  // got '<item>'" and ends the list.
  template <typename T, typename Parse>
  std::vector<T> Parsed(const std::string& name, Parse parse, std::string_view choices) {
    std::vector<T> out;
    for (const std::string& item : ListValues(name)) {
      std::optional<T> v = parse(item);
      if (!v) {
        Fail(name, name + " must be " + std::string(choices) + " (comma-separated), got " + QuoteValue(item));
        break;
      }
      if (std::find(out.begin(), out.end(), *v) == out.end()) out.push_back(*v);
    }
    return out;
  }

  // A page of a listing by descending id: "since" and "until" (Time; since
  // not after until), "before_id" (an id, 0 when absent) and "limit" (in
  // [1, max_limit], `default_limit` when absent). Errors are recorded in
  // that order, the since/until order last.
  struct IdPage {
    std::optional<base::Timestamp> since;
    std::optional<base::Timestamp> until;
    int64_t before_id = 0;
    int limit = 0;
  };
  IdPage ReadIdPage(int64_t default_limit, int64_t max_limit);

  // Records `message` as the error for `field` unless one is already set.
  void Fail(std::string field, std::string message);

  const std::optional<ParamError>& error() const { return error_; }

 private:
  const std::multimap<std::string, std::string>& params_;
  std::optional<ParamError> error_;
};

}  // namespace ecoute::api
