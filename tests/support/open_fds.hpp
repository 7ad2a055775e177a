#pragma once
// The descriptors this process has open, each with what it points to: a
// test takes one snapshot before a path and one after, and a leaked
// descriptor shows up in the difference by number and file.

#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>
#include <system_error>

namespace notify::test {

inline std::map<int, std::string> open_fds() {
  namespace fs = std::filesystem;
  // The iterator's own descriptor points here; it is not the test's.
  const std::string own = "/proc/" + std::to_string(::getpid()) + "/fd";
  std::map<int, std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code link_ec;
    const auto target = fs::read_symlink(it->path(), link_ec).string();
    if (link_ec || target == own) continue;
    out[std::stoi(it->path().filename().string())] = target;
  }
  return out;
}

}  // namespace notify::test
