#pragma once
// The profile file as every command reads it: parsed against the services
// notify knows, and (a regular file) its absolute path recorded for the
// spool, so that a flush sends with the same file.

#include <string>

#include "config/loader.hpp"
#include "config/profile.hpp"
#include "core/result.hpp"

namespace notify::app {

/// Reads and checks the profile file at `path`. The error (config) says
/// which file and why.
Result<config::Config> read_profile_file(const config::FileReader& read_file,
                                         const std::string& path);

/// Parses `text` as the profile file at `path` (nothing read).
Result<config::Config> parse_profile_file(const std::string& text, const std::string& path);

}  // namespace notify::app
