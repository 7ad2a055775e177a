#pragma once
#include <string>
#include <vector>

#include "cli/world.hpp"

namespace notify::cli {

/// The whole program: parses args (without argv[0]), does the command, and
/// returns the exit status (see core/result.hpp ExitStatus).
int run(const std::vector<std::string>& args, World& world);

}  // namespace notify::cli
