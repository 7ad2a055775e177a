#pragma once
// Fallback chains as the profile file declares them, checked as a whole.

#include <string>
#include <vector>

#include "config/profile.hpp"

namespace notify::config {

/// Fallback cycles of the file (at least one wherever profiles fall back to
/// each other in a ring; cycles through the same profiles may be named
/// once), each as the profiles in the order they fall back, from the
/// smallest name back to it ({"a", "b", "a"}; a profile that falls back to
/// itself is {"a", "a"}).
/// Sending never loops on one (each profile of a chain is tried once);
/// `notify check` refuses it.
std::vector<std::vector<std::string>> fallback_cycles(const Config& config);

/// "a -> b -> a".
std::string cycle_text(const std::vector<std::string>& cycle);

}  // namespace notify::config
