#pragma once
// The few POSIX file operations notify needs, done carefully once: short
// writes and EINTR handled, atomic replacement, private permissions.

#include <string>

#include "core/result.hpp"

namespace notify {

/// Writes all of data to fd; false with errno set on failure.
bool write_all(int fd, const char* data, std::size_t size);
/// Reads fd to EOF into out; false with errno set on failure.
bool read_all(int fd, std::string& out);
/// mkdir -p; directories it creates get mode 0700.
Result<void> make_private_dirs(const std::string& dir);
/// Replaces path with text atomically (temp file in the same directory,
/// fsync, rename, fsync of the directory); the file gets mode 0600 and
/// missing parent directories 0700.
Result<void> write_file_atomically(const std::string& path, const std::string& text);

}  // namespace notify
