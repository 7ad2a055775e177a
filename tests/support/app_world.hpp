#pragma once
// The World an in-process use-case test hands the application layer: the
// given fakes, the spool and the alert state under the test's temporary
// directory, and an empty environment. The caller adds what its test
// watches (say, masker, read_file).

#include <optional>
#include <string>

#include "app/world.hpp"
#include "support/temp_dir.hpp"

namespace notify::test {

inline app::World world_in(const TempDir& tmp, HttpClient& http, const Clock& clock, Random& random) {
  app::World w;
  w.http = &http;
  w.spool_dir = (tmp.path() / "spool").string();
  w.alerts_dir = (tmp.path() / "alerts").string();
  w.clock = &clock;
  w.random = &random;
  w.env = [](const std::string&) -> std::optional<std::string> { return std::nullopt; };
  return w;
}

}  // namespace notify::test
