#pragma once
#include <string>
#include <vector>

#include "cli/options.hpp"

namespace notify::cli {

/// Hand-aligned help for a command, fitting 80 columns.
std::string help_for(Command command);

/// `notify help services`: every service of the registry, its keys and
/// limits (what the man page's service table and the completions follow).
std::string services_help();

/// `notify help services --json`: the same registry as data (each service's
/// keys, files, levels, option meanings and capabilities, and the keys
/// every profile takes), which the docs tests derive their claims from.
std::string services_json();

/// `notify help priority`: what each service sends for each level, one row
/// per service type, "no switch" where it has none.
std::string priority_help();

/// The error when no profile file exists: where notify looked and how to
/// make one (notify setup, or the installed example file).
std::string no_profile_file(const std::vector<std::string>& looked);

}  // namespace notify::cli
