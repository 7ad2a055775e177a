#include "os/foreground.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>

namespace notify::os {

bool set_foreground_group(int tty, pid_t pgid) {
  sigset_t ttou, old;
  sigemptyset(&ttou);
  sigaddset(&ttou, SIGTTOU);
  ::pthread_sigmask(SIG_BLOCK, &ttou, &old);
  const bool ok = ::tcsetpgrp(tty, pgid) == 0;
  ::pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return ok;
}

Foreground::Foreground() : tty_(::open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC)) {}

Foreground::~Foreground() { take_back(); }

bool Foreground::ours() const { return tty_.valid() && ::tcgetpgrp(tty_.get()) == ::getpgrp(); }

bool Foreground::group_shared() {
  const pid_t self = ::getpid(), group = ::getpgrp();
  const std::unique_ptr<DIR, int (*)(DIR*)> proc(::opendir("/proc"), ::closedir);
  if (!proc) return false;
  while (const dirent* entry = ::readdir(proc.get())) {
    const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0 || pid == self) continue;
    const std::string path = "/proc/" + std::string(entry->d_name) + "/stat";
    const UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    char buf[512];
    const ssize_t n = fd.valid() ? ::read(fd.get(), buf, sizeof buf - 1) : -1;
    if (n <= 0) continue;  // gone meanwhile
    buf[n] = '\0';
    // "pid (comm) state ppid pgrp ...": comm may hold anything, even ") ".
    const std::string stat(buf);
    const auto close = stat.rfind(')');
    int ppid = 0, pgrp = 0;
    char state = 0;
    if (close != std::string::npos &&
        std::sscanf(stat.c_str() + close + 1, " %c %d %d", &state, &ppid, &pgrp) == 3 &&
        pgrp == group && state != 'Z')
      return true;
  }
  return false;
}

bool Foreground::give_to(pid_t pgid) {
  if (!tty_.valid()) return false;
  // Remembered even when this call fails: the command's child process makes
  // the same call, and may have succeeded and exited already.
  given_to_ = pgid;
  set_foreground_group(tty_.get(), pgid);
  return ::tcgetpgrp(tty_.get()) == pgid;
}

void Foreground::take_back() {
  if (given_to_ <= 0) return;
  if (::tcgetpgrp(tty_.get()) == given_to_) set_foreground_group(tty_.get(), ::getpgrp());
  given_to_ = 0;
}

}  // namespace notify::os
