#pragma once
// The process's one stop-signal mechanism. SIGTERM, SIGINT and SIGHUP ask
// notify to finish up: the handler notes the signal and makes a pipe
// readable, and whoever waits (the delivery engine, a prompt, the reading of
// a profile file) polls that pipe; a second stop signal, of any of the three,
// ends the process at once. While `notify run`'s command runs, the same
// handler passes each stop signal on to the command's process group instead
// (systemd and CI runners signal only the main process), and notify stays
// to report how the command ended.

#include <sys/types.h>

namespace notify::stop_signals {

/// Installs the handler and its wake-up pipe, once per process (main does it
/// first thing, so that no stop goes unseen). A stop signal ignored when
/// notify started (`nohup`, a shell's `&`) stays ignored.
void install();

/// The stop signal received, 0 if none.
int received();
/// Readable at the stop signal (for poll), and stays readable; -1 without
/// a pipe.
int fd();

/// From now on stop signals go to process group `group` (0: they stop notify
/// again, as before). A signal the terminal sent to its foreground group is
/// not passed on when that group is the command's (`terminal_given`): it
/// had it already, and a second interrupt means "abort now" to many tools.
/// A command left stopped is continued after the signal (`command_stopped`).
void forward_to(pid_t group);
void terminal_given(bool given);
void command_stopped(bool stopped);

/// Whether `sig` was ignored before install() (nohup, a shell's `&`): a
/// command notify starts inherits that, as it would without notify.
bool was_ignored(int sig);

}  // namespace notify::stop_signals
