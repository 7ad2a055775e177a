#pragma once
// The spool: messages that could not be delivered, kept on disk until
// `notify flush` delivers them. One file per message and target, written
// atomically (temp file, fsync, rename); flushes lock each file so two of
// them racing can never deliver the same message twice.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"

namespace notify::spool {

/// What is kept: the message as the user gave it, not the HTTP requests, so
/// a flush renders it with the profile as it is then.
struct Entry {
  std::string target;  ///< profile name
  std::string title;
  std::string body;
  bool code = false;
  std::string code_lang;
  bool markdown = false;
  bool silent = false;
  std::string username;
  std::string icon;
  std::string channel;
  std::int64_t created_unix = 0;
  std::string last_error;
  std::vector<std::string> files;  ///< attachment paths, read when sent
};

std::string encode(const Entry& e);
/// nullopt when the text is not a valid spool entry.
std::optional<Entry> decode(const std::string& text);

/// $XDG_STATE_HOME/notify/spool, else $HOME/.local/state/notify/spool.
std::optional<std::string> default_dir(const std::optional<std::string>& xdg_state_home,
                                       const std::optional<std::string>& home);

class Spool {
 public:
  explicit Spool(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }

  /// Writes the entry atomically; returns the file's path.
  Result<std::string> add(const Entry& entry) const;

  /// Spool files, oldest first (names sort by creation time).
  std::vector<std::string> files() const;

  /// Counts waiting messages per target (corrupt files are not counted).
  std::vector<std::pair<std::string, int>> counts() const;

  /// An entry held under an exclusive lock; the lock goes with the object.
  class Claim {
   public:
    Claim() = default;
    Claim(Claim&& other) noexcept;
    Claim& operator=(Claim&& other) noexcept;
    Claim(const Claim&) = delete;
    Claim& operator=(const Claim&) = delete;
    ~Claim();
    const Entry& entry() const { return entry_; }
    const std::string& path() const { return path_; }
    /// Deletes the file (message delivered) while still holding the lock.
    Result<void> remove();

   private:
    friend class Spool;
    int fd_ = -1;
    std::string path_;
    Entry entry_;
  };

  enum class ClaimStatus { claimed, busy, gone, corrupt };
  /// Locks and reads one file. busy: another flush holds it; gone: it was
  /// delivered meanwhile; corrupt: moved to <dir>/corrupt/ (path in *moved_to).
  ClaimStatus claim(const std::string& path, Claim& out, std::string* moved_to) const;

 private:
  std::string dir_;
};

}  // namespace notify::spool
