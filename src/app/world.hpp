#pragma once
// Everything the use cases touch outside themselves, as parameters: the
// network, the spool, time, randomness, secrets' sources and where their
// remarks go. The command line builds one; tests build one of fakes.

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "config/loader.hpp"
#include "core/clock.hpp"
#include "core/http.hpp"
#include "core/mask.hpp"
#include "core/random.hpp"
#include "core/stop.hpp"

namespace notify::app {

enum class Level { verbose, info, warning, error };

struct World {
  /// A client kept across calls (--stream keeps its connections); when
  /// null, each call makes one with make_http.
  HttpClient* http = nullptr;
  std::function<std::unique_ptr<HttpClient>()> make_http;
  /// The spool's directory; nullopt when there is no state directory to
  /// put it in.
  std::optional<std::string> spool_dir;
  /// Where alert keys' states live (app/alerts/store.hpp); nullopt: none,
  /// and a keyed message is then sent as an ordinary one, with a warning.
  std::optional<std::string> alerts_dir;
  const Clock* clock = nullptr;   ///< default system_clock()
  Random* random = nullptr;       ///< default os_random()
  Stop stop;
  config::EnvLookup env;
  config::FileReader read_file;
  /// Secrets met while resolving profiles are added here; whoever prints
  /// applies it.
  Masker* masker = nullptr;
  /// Remarks for the user, not yet masked.
  std::function<void(Level, const std::string&)> say;
  /// Reads another profile file: a spooled message goes out with the file
  /// it was sent with. Unset: only the caller's file is known.
  std::function<Result<config::Config>(const std::string& path)> load_config;
  std::function<bool(const std::string& path)> file_exists;
  /// Profiles whose service notes were given already (once per process).
  std::set<std::string>* noted = nullptr;

  const Clock& clock_or_default() const { return clock ? *clock : system_clock(); }
  Random& random_or_default() const { return random ? *random : os_random(); }
  void tell(Level level, const std::string& text) const {
    if (say) say(level, text);
  }
};

}  // namespace notify::app
