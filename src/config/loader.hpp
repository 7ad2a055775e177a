#pragma once
// Reading the profile file: path lookup, TOML parsing and validation, and
// secret resolution. Every error names file:line:col and the field.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/profile.hpp"
#include "config/schema.hpp"
#include "core/result.hpp"

namespace notify::config {

/// Environment lookup; nullopt when the variable is unset.
using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
/// Reads a whole file; an Error (kind io) when it cannot.
using FileReader = std::function<Result<std::string>(const std::string&)>;

/// Lookup order: --config, $NOTIFY_CONFIG, $XDG_CONFIG_HOME/notify/profiles.toml
/// (default ~/.config/...), /etc/notify/profiles.toml. Returns the candidates
/// in order; the caller takes the first that exists. An explicit --config or
/// $NOTIFY_CONFIG is the only candidate, so a typo is an error, not a
/// silent fall-through to another file.
std::vector<std::string> config_candidates(
    const std::optional<std::string>& flag, const EnvLookup& env);

/// Parses and validates the structure of the whole file (syntax, keys,
/// types, required fields, group members, fallbacks). Secrets stay
/// unresolved; see resolve_secrets(). `catalog` holds the services known
/// (services::catalog() in the program).
Result<Config> parse_config(std::string_view text, const std::string& path,
                            const Catalog& catalog);

/// Expands ${VAR} and reads *_file secrets of one profile. Done only for the
/// profiles a command uses, so a variable missing from cron's environment
/// for one profile does not stop the others; `notify check` resolves all.
Result<void> resolve_secrets(Profile& profile, const EnvLookup& env,
                             const FileReader& read_file);

/// Expands every ${VAR} in text; error names the first unset variable.
Result<std::string> expand_vars(std::string_view text, const EnvLookup& env);

/// Names of profiles a target list expands to (groups flattened, order kept,
/// duplicates removed). Unknown names give a usage error listing known ones.
Result<std::vector<std::string>> expand_targets(const Config& config,
                                                std::string_view targets);

}  // namespace notify::config
