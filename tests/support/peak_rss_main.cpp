// peak_rss FILE PROGRAM [ARG]...: runs PROGRAM, writes its peak resident
// set size in KiB (wait4's ru_maxrss) to FILE and exits as PROGRAM did.
//
// A process started straight from the test binary carries, in ru_maxrss,
// the test process's own image that fork(2) copied before exec. Forked
// from this small program instead, PROGRAM's figure is its own. Kept free
// of the project's sanitizer flags so that its image stays small.

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: peak_rss FILE PROGRAM [ARG]...\n");
    return 126;
  }
  const pid_t pid = ::fork();
  if (pid < 0) return 126;
  if (pid == 0) {
    ::execvp(argv[2], argv + 2);
    std::perror(argv[2]);
    ::_exit(127);
  }
  int status = 0;
  rusage usage{};
  while (::wait4(pid, &status, 0, &usage) < 0)
    if (errno != EINTR) return 126;
  if (std::FILE* f = std::fopen(argv[1], "w")) {
    std::fprintf(f, "%ld\n", usage.ru_maxrss);
    std::fclose(f);
  }
  if (WIFSIGNALED(status)) {
    std::signal(WTERMSIG(status), SIG_DFL);
    ::raise(WTERMSIG(status));
    return 128 + WTERMSIG(status);
  }
  return WEXITSTATUS(status);
}
