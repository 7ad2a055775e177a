#pragma once
// The spool: a directory of journals, one file per message, named by a
// sequence number. A message is written here before its first request goes
// out and removed when every target has it, so a process death at any
// moment leaves it delivered or here. Dead letters (permanent failures)
// wait in failed/ until the user retries or drops them. Nothing in the
// directory is trusted: only the user's own regular files, not writable by
// others, of bounded size, are read, and each only once its first line
// says it is a journal (see journal.hpp): junk costs the same small amount
// whatever its size.

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/result.hpp"
#include "core/unique_fd.hpp"
#include "spool/journal.hpp"
#include "spool/record.hpp"

namespace notify::spool {

/// $XDG_STATE_HOME/notify/spool, else $HOME/.local/state/notify/spool.
std::optional<std::string> default_dir(const std::optional<std::string>& xdg_state_home,
                                       const std::optional<std::string>& home);

/// Largest spool file read (attachments included).
inline constexpr std::uint64_t kMaxEntryBytes = 256ull << 20;

/// An exclusive hold on one spooled message: the file stays locked (flock)
/// while the object lives, so no other notify delivers it meanwhile.
/// Move-only: moving it moves the hold; assigning over a held one first
/// lets that one go.
class Journal {
 public:
  bool open() const { return fd_.valid(); }
  const Record& record() const { return record_; }
  const std::string& path() const { return path_; }

  /// Appends an event (see journal.hpp) and applies it to record(). A
  /// failed write is remembered: settle() then rewrites the whole file.
  void append(const std::string& event);
  /// Forces what is written so far to disk (once a delivery has to wait).
  void sync();

  struct Settled {
    std::vector<std::string> pending;  ///< targets still waiting here
    std::vector<std::string> dead;     ///< targets moved to failed/
  };
  /// Ends a delivery round: targets marked dead go to failed/ (fsync'd),
  /// the rest stay (the file rewritten with its events folded in, fsync'd),
  /// and the file is removed when no target is left. Releases the hold.
  Result<Settled> settle();
  /// Deletes the message (dropped), releasing the hold.
  Result<void> remove();
  /// Replaces the file with the record as it stands, its events folded
  /// in, keeping the hold (a long --stream's buffer stays small).
  Result<void> compact();
  /// Changes the record by hand (a due summary given its text) and
  /// rewrites the file with it, keeping the hold; not fsync'd (sync()).
  Result<void> amend(const std::function<void(Record&)>& change);
  /// Bytes appended since the file was last written whole.
  std::size_t appended() const { return appended_; }

 private:
  friend class Spool;
  UniqueFd fd_;  ///< locked (flock) while valid: this is the hold
  std::string path_;
  std::string failed_dir_;
  Record record_;
  bool write_failed_ = false;
  std::size_t appended_ = 0;
};

/// A file in the spool that is not read, and why.
struct Refused {
  std::uint64_t id = 0;
  bool failed = false;  ///< in failed/
  std::string path;
  std::string why;
  std::string text() const { return path + ": " + why + "; left alone"; }
};

/// One file found in the spool.
struct Listed {
  std::uint64_t id = 0;
  bool failed = false;  ///< in failed/
  std::string path;
  Record record;
};

class Spool {
 public:
  explicit Spool(std::string dir) : dir_(std::move(dir)) {}
  const std::string& dir() const { return dir_; }
  std::string failed_dir() const { return dir_ + "/failed"; }

  /// Creates the directory (mode 0700) or checks the existing one: it must
  /// be a directory owned by this user; group/other bits are removed.
  Result<void> prepare() const;
  /// prepare(), then proves files can be created, renamed and removed here.
  Result<void> check_writable() const;

  /// Journal first: gives `record` the next sequence number and writes it,
  /// locked, before anything is sent. Not fsync'd: a process death keeps
  /// the page cache; Journal::sync() forces it once waiting starts.
  Result<Journal> begin(Record& record) const;

  /// Every readable message, pending then failed, each by id. Files that
  /// fail the trust checks or are not journals are in `refused`.
  struct Listing {
    std::vector<Listed> pending;
    std::vector<Listed> failed;
    std::vector<Refused> refused;
  };
  Listing list() const;

  enum class ClaimStatus { claimed, busy, gone, refused };
  /// Locks and reads a pending (or, with `failed`, a dead-letter) message.
  /// busy: another notify holds it; gone: not there (delivered meanwhile);
  /// refused: it failed the trust checks or is not a journal (*why says
  /// how). A torn last line is cut off, so the next event starts a line.
  ClaimStatus claim(std::uint64_t id, bool failed, Journal& out, std::string* why) const;

  /// Moves a dead letter back to the pending queue (merged with the pending
  /// part of the same message, if any), its targets' failure marks cleared,
  /// after `amend` (if any) changed the merged record.
  Result<void> retry(std::uint64_t id,
                     const std::function<void(Record&)>& amend = nullptr) const;

  /// Gives a held message the next sequence number (its file renamed, the
  /// hold kept): what a dead --stream left is newer than its batches.
  Result<void> renumber(Journal& journal) const;

  /// Removes temp files a crashed writer left behind (unlocked, a minute
  /// old) and gives first-edition spool files (named by time) a sequence
  /// number, oldest first, so they are flushed like the rest.
  void tidy() const;

  std::string path_of(std::uint64_t id, bool failed) const;

 private:
  /// The next sequence number; `rescan` also checks the ids on disk.
  Result<std::uint64_t> next_id(bool rescan) const;
  std::string dir_;
};

}  // namespace notify::spool
