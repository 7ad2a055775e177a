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

/// The error when no profile file exists: where notify looked and how to
/// make one (notify setup, or the installed example file).
std::string no_profile_file(const std::vector<std::string>& looked);

}  // namespace notify::cli
