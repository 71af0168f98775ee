// Status and Result<T>: the error currency of ecoute.
//
// Expected failures (bad input, missing file, I/O error) are returned as a
// [[nodiscard]] Status or Result<T>; exceptions thrown by third-party
// libraries are caught at the module boundary and turned into a Status.
// Broken invariants use ECOUTE_CHECK (base/check.h), never a Status.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "base/check.h"

namespace ecoute::base {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,  // the caller's input is wrong; the message says where
  kNotFound,
  kAlreadyExists,
  kIoError,
  kCorruption,   // stored data or a file we wrote is not what we expect
  kUnavailable,  // try again later (shutting down, queue closed)
  kCancelled,
  kInternal,
  kFailedPrecondition,  // the request is valid but the current state forbids it (e.g. still referenced)
  kUnauthenticated,     // no valid credentials (HTTP 401)
  kPermissionDenied,    // authenticated, but the role does not allow it (HTTP 403)
  kResourceExhausted,   // a rate limit or quota; try again later (HTTP 429)
};

std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  static Status InvalidArgument(std::string m) { return {StatusCode::kInvalidArgument, std::move(m)}; }
  static Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status AlreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status IoError(std::string m) { return {StatusCode::kIoError, std::move(m)}; }
  static Status Corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status Cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
  static Status FailedPrecondition(std::string m) { return {StatusCode::kFailedPrecondition, std::move(m)}; }
  static Status Unauthenticated(std::string m) { return {StatusCode::kUnauthenticated, std::move(m)}; }
  static Status PermissionDenied(std::string m) { return {StatusCode::kPermissionDenied, std::move(m)}; }
  static Status ResourceExhausted(std::string m) { return {StatusCode::kResourceExhausted, std::move(m)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // "invalid_argument: <message>", or "ok".
  std::string ToString() const;

  // Returns a copy whose message is "<prefix>: <message>".
  Status WithPrefix(std::string_view prefix) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// Holds either a T or a non-OK Status. Accessing value() on an error is a
// broken invariant and aborts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    ECOUTE_CHECK(!std::get<Status>(v_).ok());
  }

  bool ok() const { return v_.index() == 0; }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  T& value() & {
    ECOUTE_CHECK_MSG(ok(), status().ToString());
    return std::get<T>(v_);
  }
  const T& value() const& {
    ECOUTE_CHECK_MSG(ok(), status().ToString());
    return std::get<T>(v_);
  }
  T&& value() && {
    ECOUTE_CHECK_MSG(ok(), status().ToString());
    return std::get<T>(std::move(v_));
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace ecoute::base

#define ECOUTE_CONCAT_INNER_(a, b) a##b
#define ECOUTE_CONCAT_(a, b) ECOUTE_CONCAT_INNER_(a, b)

// Returns the Status from the enclosing function if `expr` is not OK.
#define ECOUTE_RETURN_IF_ERROR(expr)                        \
  do {                                                      \
    ::ecoute::base::Status ecoute_status_ = (expr);         \
    if (!ecoute_status_.ok()) return ecoute_status_;        \
  } while (0)

// `lhs` = value of the Result `rexpr`, or return its Status.
#define ECOUTE_ASSIGN_OR_RETURN(lhs, rexpr)                                   \
  auto ECOUTE_CONCAT_(ecoute_result_, __LINE__) = (rexpr);                    \
  if (!ECOUTE_CONCAT_(ecoute_result_, __LINE__).ok())                         \
    return ECOUTE_CONCAT_(ecoute_result_, __LINE__).status();                 \
  lhs = std::move(ECOUTE_CONCAT_(ecoute_result_, __LINE__)).value()
