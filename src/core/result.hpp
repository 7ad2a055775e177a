#pragma once
// Result<T>: the value-or-error return type of all core code. It mirrors the
// member names of std::expected so it can be swapped for it under C++23.

#include <string>
#include <utility>
#include <variant>

namespace notify {

/// What went wrong, coarse enough to choose an exit status from (the one
/// table: exit_status() below).
enum class ErrorKind {
  usage,     ///< bad command line; exit 2
  config,    ///< bad profile file, variable or secret file; exit 2
  delivery,  ///< a target could not be reached or refused the message; exit 1
  io,        ///< a local file or stream failed; exit 1
  stopped,   ///< a stop signal cut the work short; exit 1
  internal,  ///< a bug: an exception nobody expected; exit 70
};

struct Error {
  ErrorKind kind = ErrorKind::usage;
  std::string message;
};

inline Error make_error(ErrorKind kind, std::string message) {
  return Error{kind, std::move(message)};
}

template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool has_value() const { return v_.index() == 0; }
  explicit operator bool() const { return has_value(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : ok_(false), error_(std::move(error)) {}  // NOLINT
  bool has_value() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  bool ok_ = true;
  Error error_;
};

/// Process exit statuses; public API, documented in notify(1).
enum ExitStatus : int {
  kExitOk = 0,          ///< every target delivered, or nothing to send
  kExitNotDelivered = 1,///< at least one target failed (message spooled)
  kExitUsage = 2,       ///< usage or configuration error; nothing sent
  kExitInternal = 70,   ///< an internal error (sysexits' EX_SOFTWARE)
};

/// The exit status for each kind of error: the one place they are chosen.
constexpr int exit_status(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::usage:
    case ErrorKind::config: return kExitUsage;
    case ErrorKind::delivery:
    case ErrorKind::io:
    case ErrorKind::stopped: return kExitNotDelivered;
    case ErrorKind::internal: return kExitInternal;
  }
  return kExitInternal;
}

}  // namespace notify
