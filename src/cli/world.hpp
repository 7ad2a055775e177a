#pragma once
// Everything the program touches outside itself, passed in explicitly so
// the whole command can run in-process in tests.

#include <cstdint>
#include <functional>
#include <iosfwd>
#include <memory>
#include <optional>
#include <string>

#include "config/loader.hpp"
#include "core/http.hpp"

namespace notify::cli {

struct World {
  int in_fd = 0;                ///< message input
  int tee_fd = 1;               ///< where --tee copies input
  std::ostream* out = nullptr;  ///< results (--json, --dry-run, list)
  std::ostream* err = nullptr;  ///< diagnostics
  config::EnvLookup env;
  config::FileReader read_file;
  std::function<bool(int fd)> is_terminal;
  /// Permission bits of a file, nullopt when it cannot be stat'ed.
  std::function<std::optional<unsigned>(const std::string&)> file_mode;
  std::function<bool(const std::string&)> file_exists;
  /// Size of a regular file we may read; an Error (io) saying why not.
  std::function<Result<std::uint64_t>(const std::string&)> readable_size;
  std::function<std::unique_ptr<HttpClient>()> make_http;
  std::function<std::string()> hostname;
};

/// The World of a real process: stdin/stdout/stderr, getenv, the network
/// as app::real_http() makes it.
World real_world();

}  // namespace notify::cli
