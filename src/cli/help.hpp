#pragma once
#include <string>

#include "cli/options.hpp"

namespace notify::cli {

/// Hand-aligned help for a command, fitting 80 columns.
std::string help_for(Command command);

}  // namespace notify::cli
