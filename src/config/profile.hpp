#pragma once
// Plain data describing what the profile file says, after variable
// expansion and secret-file reads. No I/O, no parsing here.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "config/schema.hpp"
#include "core/daily_window.hpp"
#include "message/priority.hpp"

namespace notify::config {

/// Settings shared by every profile unless it overrides them.
struct Defaults {
  int timeout_s = 10;
  int retries = 3;
  int max_parts = 10;
  bool silent = false;
  bool code = false;
};

/// Where a secret comes from, kept until the secret is needed so that an
/// unset variable only fails the profiles actually used (see loader.hpp).
struct SecretSource {
  std::string field;  ///< the secret key it fills: "token", "webhook_url", ...
  std::string key;    ///< as written: "token", "token_file", ...
  std::string value;  ///< raw text from the file, ${VAR} unexpanded
  bool is_file = false;
  std::string where;  ///< "path:line:col" of the value
  bool url = false;   ///< must be an http(s) URL once resolved
  Check check = nullptr;  ///< the service's rule for the resolved value
  /// The key's declaration, whose rule (value_problem) the resolved value
  /// must pass; null for a source built by hand, which `url` and `check` rule.
  const ServiceSchema* service = nullptr;
  const KeySpec* spec = nullptr;
};

/// One service-specific key's value, as its service declared its type.
using Setting = std::variant<std::string, std::int64_t, bool, std::vector<std::string>>;

struct Profile {
  std::string name;
  std::string where;  ///< "path:line:col" of the [profiles.NAME] table
  std::string type;   ///< the service, as `type = "..."` names it

  // Shared by every service; a service's own keys are in `settings`.
  bool silent = false;  ///< the same as priority = "low"
  std::optional<Priority> priority;     ///< `priority`: the default level
  /// `priority` was written as 1 or "min": low everywhere, and ntfy's own
  /// step below low (ntfy then gets 1).
  bool priority_lowest = false;
  Priority min_priority = Priority::low;  ///< quieter messages skip this profile
  bool notice_only = false;  ///< send a notice of the message, never its text
  /// Mentions added to an urgent message and allowed to notify, in the
  /// service's own syntax ("@here", "<@&ROLE_ID>").
  std::vector<std::string> urgent_mentions;
  bool code = false;
  std::string code_lang;
  std::optional<std::size_t> max_length;

  // Delivery.
  int timeout_s = 10;
  int retries = 3;
  int max_parts = 10;
  std::vector<std::string> fallback;
  std::string ca_file;
  bool spool = true;
  /// `cooldown`: a keyed message goes to this profile at most once per
  /// this many seconds (0: every time).
  std::int64_t cooldown_s = 0;
  /// `quiet_hours`: local time (the process's TZ) when messages below
  /// `quiet_below` are kept in the spool until the window ends, then sent
  /// as one digest; unset: never quiet.
  std::optional<DailyWindow> quiet_hours;
  Priority quiet_below = Priority::urgent;

  /// True when a secret was written literally in the file (not ${VAR} or
  /// *_file): the file's permissions then matter.
  bool literal_secret = false;
  std::vector<SecretSource> secret_sources;
  bool secrets_resolved = false;

  /// The service's own keys (checked against its declaration when read),
  /// by key name: what only that service knows how to use.
  std::map<std::string, Setting, std::less<>> settings;
  /// Resolved secrets by the key they fill ("webhook_url", "token",
  /// "password"); empty until resolve_secrets(). Never print these.
  std::map<std::string, std::string, std::less<>> secrets;

  /// A text setting; empty when unset or of another type.
  std::string text(std::string_view key) const;
  /// An integer setting; nullopt when unset.
  std::optional<std::int64_t> number(std::string_view key) const;
  /// A true/false setting; `otherwise` when unset.
  bool flag(std::string_view key, bool otherwise = false) const;
  /// A list setting (a single text counts as a list of one).
  std::vector<std::string> list(std::string_view key) const;
  /// A resolved secret; empty when unset or not resolved yet.
  const std::string& secret(std::string_view key) const;
};

struct Config {
  std::string path;  ///< where it was read from; empty when none
  /// `path` made absolute when it was read (the spool records it: a flush
  /// may run in another directory); empty when it is not a regular file.
  std::string absolute_path;
  Defaults defaults;
  std::map<std::string, Profile> profiles;
  std::map<std::string, std::vector<std::string>> groups;
  bool has_literal_secret = false;
  /// The services it was read against (parse_config's); nullptr for a
  /// Config made by hand. Their words are commands too.
  const Catalog* catalog = nullptr;
};

}  // namespace notify::config
