#pragma once
// Where alert keys' states live ($XDG_STATE_HOME/notify/alerts/, one small
// file per key and profile named by a hash), and the lock that makes two
// notify processes with one key decide one after the other.

#include <functional>
#include <optional>
#include <string>

#include "app/alerts/state.hpp"
#include "config/loader.hpp"
#include "core/result.hpp"

namespace notify::app::alerts {

/// The alerts directory, found as the spool's is: $XDG_STATE_HOME (when
/// absolute) or ~/.local/state, then notify/alerts. nullopt without either.
std::optional<std::string> alerts_dir(const config::EnvLookup& env);

/// One key's state on one profile, locked (flock) for as long as this
/// lives: decide, send and save under one hold.
class AlertFile {
 public:
  AlertFile(AlertFile&& other) noexcept;
  AlertFile& operator=(AlertFile&& other) noexcept;
  AlertFile(const AlertFile&) = delete;
  AlertFile& operator=(const AlertFile&) = delete;
  ~AlertFile();

  AlertState& state() { return state_; }
  const AlertState& state() const { return state_; }
  const std::string& path() const { return path_; }
  /// Set when the file could not be read as a state (it was then taken as
  /// empty): one line saying so, for a warning.
  const std::string& damage() const { return damage_; }
  /// Writes the state atomically; the lock stays held.
  Result<void> save() const;

 private:
  friend class AlertStore;
  AlertFile(int fd, std::string path, AlertState state, std::string damage);
  int fd_ = -1;
  std::string path_;
  AlertState state_;
  std::string damage_;
};

class AlertStore {
 public:
  explicit AlertStore(std::string dir) : dir_(std::move(dir)) {}

  /// Opens and locks the state of `key` on `profile`, waiting while
  /// another process holds it (`waiting`, if set, is called first, once).
  /// A damaged file is read as an empty state (AlertFile::damage says so),
  /// never a reason not to send. Errors: the directory or file cannot be
  /// made or read (ErrorKind::io).
  Result<AlertFile> open(const std::string& key, const std::string& profile,
                         const std::function<void()>& waiting = {}) const;

  /// The file name for a key and profile: 16 hex digits of a hash.
  static std::string file_name(const std::string& key, const std::string& profile);

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace notify::app::alerts
