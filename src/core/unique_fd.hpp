#pragma once
// A file descriptor closed when it goes out of scope, so that no early
// return or exception leaks one. A descriptor that holds a lock (flock)
// keeps it exactly as long as its owner lives: moving the owner moves the
// lock with it, and only reset() or the destructor lets it go.

#include <unistd.h>

#include <cerrno>
#include <utility>

namespace notify {

class UniqueFd {
 public:
  UniqueFd() = default;
  /// Takes ownership of `fd` (-1 or any negative value: owns nothing).
  explicit UniqueFd(int fd) noexcept : fd_(fd) {}
  UniqueFd(UniqueFd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
  /// Closes what this held, then takes what `other` held.
  UniqueFd& operator=(UniqueFd&& other) noexcept {
    if (this != &other) {
      reset();
      fd_ = std::exchange(other.fd_, -1);
    }
    return *this;
  }
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  ~UniqueFd() { reset(); }

  int get() const noexcept { return fd_; }
  bool valid() const noexcept { return fd_ >= 0; }
  /// Closes the descriptor (if any). errno is left as it was: a failure
  /// that is being reported keeps its cause through the cleanup.
  void reset() noexcept {
    if (fd_ < 0) return;
    const int saved = errno;
    ::close(fd_);  // not retried on EINTR: on Linux the descriptor is gone
    errno = saved;
    fd_ = -1;
  }
  /// Gives the descriptor up without closing it; the caller owns it.
  [[nodiscard]] int release() noexcept { return std::exchange(fd_, -1); }

 private:
  int fd_ = -1;
};

}  // namespace notify
