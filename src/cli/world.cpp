#include "cli/world.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <iostream>

#include "app/real_http.hpp"
#include "cli/signals.hpp"

namespace notify::cli {

namespace {

// A profile file may be a pipe (`-c <(decrypt profiles.toml.gpg)`) whose
// writer takes its time: reading it must give way to a stop signal.
Result<std::string> read_file_or_stop(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return make_error(ErrorKind::io, std::strerror(errno));
  std::string text;
  std::string problem;
  struct stat st {};
  if (::fstat(fd, &st) != 0) problem = std::strerror(errno);
  else if (S_ISDIR(st.st_mode)) problem = std::strerror(EISDIR);
  // A FIFO opened without blocking reads as empty until its writer
  // comes: wait for data (or the writer's end) before each read.
  const bool wait_first = problem.empty() && !S_ISREG(st.st_mode);
  char buf[65536];
  while (problem.empty()) {
    if (wait_first) {
      pollfd fds[2] = {{fd, POLLIN, 0}, {StopSignals::fd(), POLLIN, 0}};
      if (::poll(fds, fds[1].fd >= 0 ? 2 : 1, -1) < 0) {
        if (errno != EINTR) problem = std::strerror(errno);
        continue;
      }
      if (fds[1].revents & POLLIN) {
        problem = "interrupted by a stop signal";
        break;
      }
    }
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      text.append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n == 0) break;
    if (errno != EINTR && errno != EAGAIN) problem = std::strerror(errno);
  }
  ::close(fd);
  if (!problem.empty()) return make_error(ErrorKind::io, problem);
  return text;
}

}  // namespace

World real_world() {
  World w;
  w.out = &std::cout;
  w.err = &std::cerr;
  w.env = [](const std::string& name) -> std::optional<std::string> {
    const char* v = std::getenv(name.c_str());
    if (v) return std::string(v);
    // `env -i` (and some service managers) start us without HOME; the
    // password database still knows it, and the spool and the profile
    // file live under it.
    if (name == "HOME")
      if (const passwd* pw = ::getpwuid(::geteuid()); pw && pw->pw_dir && *pw->pw_dir)
        return std::string(pw->pw_dir);
    return std::nullopt;
  };
  w.read_file = read_file_or_stop;
  w.is_terminal = [](int fd) { return ::isatty(fd) == 1; };
  w.file_mode = [](const std::string& path) -> std::optional<unsigned> {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    return static_cast<unsigned>(st.st_mode & 07777);
  };
  w.file_exists = [](const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
  };
  w.readable_size = [](const std::string& path) -> Result<std::uint64_t> {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0 || ::access(path.c_str(), R_OK) != 0)
      return make_error(ErrorKind::io, std::strerror(errno));
    if (!S_ISREG(st.st_mode)) return make_error(ErrorKind::io, "not a regular file");
    return static_cast<std::uint64_t>(st.st_size);
  };
  w.make_http = app::real_http;
  w.hostname = [] {
    char buf[256] = {};
    if (::gethostname(buf, sizeof buf - 1) != 0) return std::string("localhost");
    return std::string(buf);
  };
  return w;
}

}  // namespace notify::cli
