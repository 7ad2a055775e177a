#pragma once
// The commands that read the profile file and send nothing: what `notify
// list` shows of each profile (its destination masked) and what `notify
// check` finds wrong. The command line prints both.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "app/spool_admin.hpp"
#include "app/world.hpp"
#include "config/profile.hpp"
#include "core/mask.hpp"

namespace notify::app {

/// One profile as `notify list` shows it.
struct ProfileRow {
  std::string name;
  std::string type;
  /// Where it sends: a secret's reference as written (it holds no secret),
  /// a literal URL masked as far as its service's shapes allow, else ***.
  std::string destination;
  std::vector<std::string> fallback;
  Priority priority = Priority::normal;  ///< the level it sends at unless told
  Priority min_priority = Priority::low;
  bool notice_only = false;
  std::vector<std::string> urgent_mentions;
  /// The loudness keys that differ from the defaults, and the quiet hours,
  /// in words ("priority low; min_priority high; quiet_hours 22:00-07:00");
  /// "" when none do.
  std::string loudness;
};

struct ProfileListing {
  std::vector<ProfileRow> profiles;  ///< by name
  /// Messages in the spool by target (empty without a spool directory).
  SpoolCounts spool;
};

/// The profiles of `config`, each resolving nothing; `masker` learns what
/// they hold written out (a server URL, a literal secret), so a destination
/// is masked on its way out too.
ProfileListing list_profiles(const config::Config& config,
                             const std::optional<std::string>& spool_dir, Masker& masker);

/// What `notify check` finds.
struct CheckReport {
  /// Each problem in one line, in the order of the file's profiles: no
  /// profile at all, a secret that does not resolve, a missing ca_file, a
  /// fallback cycle. Empty: the file is valid.
  std::vector<std::string> problems;
  /// Only for a valid file: names that a command shadows.
  std::vector<std::string> warnings;
};

/// Checks `config` through `world` (env, read_file, file_exists); each
/// secret resolved is taught to world.masker.
CheckReport check_profiles(config::Config& config, const World& world);

}  // namespace notify::app
