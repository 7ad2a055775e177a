#pragma once
// How much of a message is worth reading before sending it: what the
// command line's reader keeps of standard input.

#include <cstddef>
#include <string>
#include <vector>

#include "app/results.hpp"
#include "config/profile.hpp"

namespace notify::app {

/// Largest amount of text worth reading for these targets (code points):
/// what the most generous profile they reach sends, in all its parts.
std::size_t input_budget(const config::Config& config, const std::vector<std::string>& targets,
                         const Overrides& overrides);

}  // namespace notify::app
