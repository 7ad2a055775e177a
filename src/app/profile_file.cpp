#include "app/profile_file.hpp"

#include <filesystem>

#include "services/registry.hpp"

namespace notify::app {

Result<config::Config> read_profile_file(const config::FileReader& read_file,
                                         const std::string& path) {
  auto text = read_file(path);
  if (!text)
    return make_error(ErrorKind::config,
                      "cannot read profile file " + path + ": " + text.error().message);
  auto cfg = parse_profile_file(*text, path);
  if (!cfg) return cfg;
  std::error_code ec;
  // A pipe (`-c <(gpg -d profiles.toml.gpg)`, /dev/fd/63) cannot be read
  // again by a later flush, and its name may then be another pipe: it is
  // not recorded, and a flush sends such a message with its own file, only
  // where each destination is unchanged.
  if (!std::filesystem::is_regular_file(path, ec)) return cfg;
  // The file itself, links resolved: /dev/stdin redirected from a file
  // names that file, not whatever a later flush has on its stdin.
  const auto canonical = std::filesystem::canonical(path, ec);
  if (!ec) cfg->absolute_path = canonical.string();
  return cfg;
}

Result<config::Config> parse_profile_file(const std::string& text, const std::string& path) {
  return config::parse_config(text, path, services::catalog());
}

}  // namespace notify::app
