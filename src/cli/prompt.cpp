#include "cli/prompt.hpp"

#include <termios.h>
#include <unistd.h>

#include <csignal>

namespace notify::cli {

namespace {

struct termios g_saved;
int g_saved_fd = -1;

extern "C" void restore_and_exit(int) {
  if (g_saved_fd >= 0) ::tcsetattr(g_saved_fd, TCSANOW, &g_saved);
  const char nl = '\n';
  (void)!::write(2, &nl, 1);
  ::_exit(130);
}

// Echo off for the lifetime of the object; SIGINT/SIGTERM put it back.
class NoEcho {
 public:
  explicit NoEcho(int fd) {
    if (::tcgetattr(fd, &g_saved) != 0) return;
    g_saved_fd = fd;
    struct termios t = g_saved;
    t.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    t.c_lflag |= ECHONL;
    ::tcsetattr(fd, TCSANOW, &t);  // not TCSAFLUSH: typed-ahead input stays
  }
  ~NoEcho() {
    if (g_saved_fd >= 0) ::tcsetattr(g_saved_fd, TCSANOW, &g_saved);
    g_saved_fd = -1;
  }
  NoEcho(const NoEcho&) = delete;
  NoEcho& operator=(const NoEcho&) = delete;
};

}  // namespace

std::optional<std::string> Prompter::read_line() {
  std::string line;
  char c;
  for (;;) {
    ssize_t n = ::read(fd_, &c, 1);
    if (n < 0) {
      if (errno == EINTR) continue;
      return std::nullopt;
    }
    if (n == 0) return line.empty() ? std::nullopt : std::optional<std::string>(line);
    if (c == '\n') break;
    if (c != '\r') line += c;
  }
  while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();
  while (!line.empty() && (line.front() == ' ' || line.front() == '\t')) line.erase(0, 1);
  return line;
}

std::optional<std::string> Prompter::ask(const std::string& question, const std::string& fallback,
                                         bool secret) {
  std::signal(SIGINT, restore_and_exit);
  std::signal(SIGTERM, restore_and_exit);
  out_ << question;
  if (!fallback.empty()) out_ << " [" << fallback << "]";
  out_ << ": " << std::flush;
  std::optional<std::string> line;
  if (secret) {
    NoEcho guard(fd_);
    line = read_line();
  } else {
    line = read_line();
  }
  if (!line) {
    // End of input (Ctrl-D): what follows starts on a line of its own.
    out_ << '\n' << std::flush;
    return std::nullopt;
  }
  return line->empty() ? fallback : *line;
}

bool Prompter::confirm(const std::string& question, bool default_yes) {
  auto a = ask(question + (default_yes ? " [Y/n]" : " [y/N]"));
  if (!a) return false;
  if (a->empty()) return default_yes;
  return (*a)[0] == 'y' || (*a)[0] == 'Y';
}

}  // namespace notify::cli
