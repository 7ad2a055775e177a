#include "cli/prompt.hpp"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstring>

#include "cli/signals.hpp"

namespace notify::cli {

namespace {

// The one TerminalMode in force, for the signal handler: plain data only.
struct termios g_saved;
struct termios g_ours;
int g_fd = -1;
const char* g_farewell = "";
// Only the signals that would leave the terminal broken and are no stop
// request: SIGINT, SIGTERM and SIGHUP are the process's one stop mechanism
// (cli/signals), which the reading loop watches.
constexpr int kSignals[] = {SIGQUIT, SIGTSTP};
struct sigaction g_previous[sizeof kSignals / sizeof kSignals[0]];

void install(void (*handler)(int), int sig) {
  struct sigaction sa {};
  sa.sa_handler = handler;
  sigemptyset(&sa.sa_mask);
  for (int s : kSignals) sigaddset(&sa.sa_mask, s);
  sa.sa_flags = SA_RESTART;
  ::sigaction(sig, &sa, nullptr);
}

extern "C" void on_terminal_signal(int sig) {
  const int saved_errno = errno;
  ::tcsetattr(g_fd, TCSANOW, &g_saved);
  if (sig == SIGTSTP) {
    // Stop as the default action would, the terminal as the shell expects
    // it; once continued, take the mode again.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    sigemptyset(&dfl.sa_mask);
    ::sigaction(SIGTSTP, &dfl, nullptr);
    sigset_t tstp, old;
    sigemptyset(&tstp);
    sigaddset(&tstp, SIGTSTP);
    ::sigprocmask(SIG_UNBLOCK, &tstp, &old);
    ::raise(SIGTSTP);
    ::sigprocmask(SIG_SETMASK, &old, nullptr);
    install(on_terminal_signal, SIGTSTP);
    ::tcsetattr(g_fd, TCSANOW, &g_ours);
    errno = saved_errno;
    return;
  }
  (void)!::write(2, "\n", 1);
  (void)!::write(2, g_farewell, std::strlen(g_farewell));
  ::_exit(128 + sig);
}

std::size_t code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

void trim(std::string& s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || s[i] == '\t')) ++i;
  s.erase(0, i);
}

void erase_char(std::string& line) {
  while (!line.empty() && (static_cast<unsigned char>(line.back()) & 0xC0) == 0x80) line.pop_back();
  if (!line.empty()) line.pop_back();
}

void erase_word(std::string& line) {
  while (!line.empty() && line.back() == ' ') line.pop_back();
  while (!line.empty() && line.back() != ' ') line.pop_back();
}

}  // namespace

TerminalMode::TerminalMode(int fd, const char* farewell) {
  if (g_fd >= 0 || ::tcgetattr(fd, &saved_) != 0) return;
  g_saved = saved_;
  g_ours = saved_;
  // Key by key, no echo, Enter as '\r' (so that a pasted "\r\n" is one line
  // break); Ctrl-C, Ctrl-\ and Ctrl-Z still send their signals.
  g_ours.c_lflag &= ~static_cast<tcflag_t>(ICANON | ECHO | ECHONL);
  g_ours.c_iflag &= ~static_cast<tcflag_t>(ICRNL | INLCR);
  g_ours.c_cc[VMIN] = 1;
  g_ours.c_cc[VTIME] = 0;
  g_fd = fd;
  g_farewell = farewell;
  for (std::size_t i = 0; i < std::size(kSignals); ++i) {
    ::sigaction(kSignals[i], nullptr, &g_previous[i]);
    install(on_terminal_signal, kSignals[i]);
  }
  ::tcsetattr(fd, TCSANOW, &g_ours);  // not TCSAFLUSH: typed-ahead answers stay
  active_ = true;
}

TerminalMode::~TerminalMode() { restore(); }

void TerminalMode::restore() {
  if (!active_) return;
  active_ = false;
  // Signals first: a stop from here on finds the terminal as it was.
  sigset_t all, old;
  sigemptyset(&all);
  for (int s : kSignals) sigaddset(&all, s);
  ::sigprocmask(SIG_BLOCK, &all, &old);
  ::tcsetattr(g_fd, TCSANOW, &saved_);
  for (std::size_t i = 0; i < std::size(kSignals); ++i)
    ::sigaction(kSignals[i], &g_previous[i], nullptr);
  g_fd = -1;
  ::sigprocmask(SIG_SETMASK, &old, nullptr);
}

Prompter::Prompter(int fd, std::ostream& out, const char* farewell)
    : fd_(fd), out_(out), farewell_(farewell), mode_(fd, farewell) {}

bool Prompter::wait_for_input() {
  for (;;) {
    if (StopSignals::stopped()) return false;
    pollfd p[2] = {{fd_, POLLIN, 0}, {StopSignals::fd(), POLLIN, 0}};
    const nfds_t n = p[1].fd >= 0 ? 2 : 1;
    const int r = ::poll(p, n, -1);
    if (r < 0 && errno == EINTR) continue;  // the loop's first line sees a stop
    if (r < 0) return true;                 // let read() say what is wrong
    if (n == 2 && p[1].revents != 0) return false;
    return true;
  }
}

void Prompter::end_at_stop() {
  mode_.restore();
  out_ << std::flush;
  const std::string said = std::string("\n") + farewell_;
  (void)!::write(2, said.data(), said.size());
  // As a stop signal's default action would: nothing after a question
  // is half done, and nothing was written.
  ::_exit(128 + StopSignals::received());
}

void Prompter::show(const std::string& want) {
  if (want == shown_) return;
  if (want.compare(0, shown_.size(), shown_) == 0) {
    out_ << want.substr(shown_.size());
  } else {
    for (std::size_t i = code_points(shown_); i > 0; --i) out_ << "\b \b";
    out_ << want;
  }
  shown_ = want;
  out_ << std::flush;
}

std::optional<std::string> Prompter::read_plain() {
  std::string line;
  char c;
  for (;;) {
    if (!wait_for_input()) end_at_stop();
    const ssize_t n = ::read(fd_, &c, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return line.empty() ? std::nullopt : std::optional<std::string>(line);
    if (c == '\n') return line;
    if (c != '\r') line += c;
  }
}

std::optional<std::string> Prompter::read_keys(bool secret, const Hide& hide) {
  const auto& cc = mode_.saved().c_cc;
  std::string line;
  shown_.clear();
  for (;;) {
    if (pending_.empty()) {
      char buf[512];
      if (!wait_for_input()) end_at_stop();
      const ssize_t n = ::read(fd_, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n <= 0) {  // the terminal hung up, or an end of input typed before key-by-key mode
        out_ << '\n' << std::flush;
        return std::nullopt;
      }
      pending_.assign(buf, static_cast<std::size_t>(n));
    }
    bool done = false, eof = false;
    std::size_t i = 0;
    for (; i < pending_.size() && !done && !eof; ++i) {
      const unsigned char c = static_cast<unsigned char>(pending_[i]);
      if (escape_ == 1) {  // after ESC: CSI, SS3, or one character
        escape_ = c == '[' ? 2 : c == 'O' ? 3 : 0;
      } else if (escape_ == 2) {  // CSI: parameters up to a final byte
        if (c >= 0x40 && c <= 0x7E) escape_ = 0;
      } else if (escape_ == 3) {
        escape_ = 0;
      } else if (c == '\r' || c == '\n') {
        done = true;
        if (c == '\r' && i + 1 < pending_.size() && pending_[i + 1] == '\n') ++i;
      } else if (c == cc[VEOF] || c == 0) {
        // Ctrl-D anywhere in the line ends the wizard; so does the mark
        // (a NUL) that one typed before this mode leaves in the input.
        eof = true;
      } else if (c == cc[VERASE] || c == 0x7F || c == 0x08) {
        erase_char(line);
      } else if (c == cc[VKILL]) {
        line.clear();
      } else if (c == cc[VWERASE]) {
        erase_word(line);
      } else if (c == 0x1B) {
        escape_ = 1;
      } else if (c >= 0x20) {
        line += static_cast<char>(c);
      }
    }
    pending_.erase(0, i);
    const bool hidden = secret || (hide && hide(line));
    show(hidden ? (line.empty() ? std::string()
                                : "(" + std::to_string(code_points(line)) + " characters, hidden)")
                : line);
    if (eof) {
      out_ << '\n' << std::flush;
      return std::nullopt;
    }
    if (done) {
      out_ << '\n' << std::flush;
      // A secret pasted twice: the second copy must not land, visible, in
      // the next question.
      if (hidden) {
        pending_.clear();
        ::tcflush(fd_, TCIFLUSH);
      }
      trim(line);
      return line;
    }
  }
}

std::optional<std::string> Prompter::ask(const std::string& question, bool secret,
                                         const Hide& hide) {
  out_ << question << ": " << std::flush;
  auto line = mode_.active() ? read_keys(secret, hide) : read_plain();
  if (!line) {
    if (!mode_.active()) out_ << '\n' << std::flush;
    return std::nullopt;
  }
  if (!mode_.active()) trim(*line);
  return line;
}

std::optional<bool> Prompter::confirm(const std::string& question, bool default_yes) {
  for (;;) {
    auto a = ask(question + (default_yes ? " [Y/n]" : " [y/N]"));
    if (!a) return std::nullopt;
    std::string word = *a;
    for (auto& c : word)
      if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (word.empty()) return default_yes;
    if (word == "y" || word == "yes") return true;
    if (word == "n" || word == "no") return false;
    out_ << "  answer y (yes) or n (no)\n";
  }
}

}  // namespace notify::cli
