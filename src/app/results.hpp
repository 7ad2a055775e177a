#pragma once
// The words the use cases answer in, for whoever prints them: what became
// of each target (core/outcome.hpp), what a dry run would send, and the
// settings the command line may override. Only core, config and message
// types: the command line reads these without the layers below the app.

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/http.hpp"
#include "core/outcome.hpp"

namespace notify::app {

/// Command-line settings that win over every profile's.
struct Overrides {
  std::optional<int> timeout_s;
  std::optional<int> retries;
  std::optional<int> max_parts;
};

/// The requests a dry run would send first to one target.
struct DryRun {
  std::string target;
  std::string profile;
  std::string kind;
  std::vector<HttpRequest> requests;
  std::string skipped;  ///< why the target would take no part; then no requests
  /// Files this leg cannot carry, each with why (named in its text).
  std::vector<std::pair<std::string, std::string>> files_left_out;
  /// Kept for quiet hours instead: "22:00-07:00 until 07:00"; then no requests.
  std::string quiet;
};

}  // namespace notify::app
