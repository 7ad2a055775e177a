#pragma once
// The controlling terminal while `notify run` runs its command. The command
// has a process group of its own, and only the terminal's foreground group
// may read it and gets Ctrl-C and Ctrl-Z from it: when notify's group is the
// foreground one, the command's group must become it for the run, and
// notify's get it back afterwards, as a shell does for its jobs.

#include <sys/types.h>

#include "core/unique_fd.hpp"

namespace notify::os {

/// tcsetpgrp(tty, pgid) with SIGTTOU blocked, which a process outside the
/// foreground group needs to be allowed to. Async-signal-safe, so the
/// command's child process calls it too. True on success.
bool set_foreground_group(int tty, pid_t pgid);

class Foreground {
 public:
  /// Opens the controlling terminal; without one (cron, CI, systemd)
  /// nothing here does anything.
  Foreground();
  /// Takes the terminal back if it was given away.
  ~Foreground();
  Foreground(const Foreground&) = delete;
  Foreground& operator=(const Foreground&) = delete;

  /// The controlling terminal, -1 when there is none.
  int tty() const { return tty_.get(); }
  /// notify's own process group is the terminal's foreground group.
  bool ours() const;
  /// Another process is in notify's process group: a shell puts a whole
  /// pipeline (`notify run ... | less`) in one group, and the others may
  /// need the terminal as much as the command does.
  static bool group_shared();
  /// Makes pgid the foreground group; true when it is.
  bool give_to(pid_t pgid);
  /// notify's group gets the terminal back if it went to a group with
  /// give_to, unless it has moved on from there (a shell took it).
  void take_back();

 private:
  UniqueFd tty_;
  pid_t given_to_ = 0;
};

}  // namespace notify::os
