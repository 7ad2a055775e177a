#include "support/subprocess.hpp"

#include <fcntl.h>
#include <poll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <system_error>
#include <thread>

extern char** environ;

namespace notify::test {

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// Owns one file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() { reset(); }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    if (this != &o) {
      reset();
      fd_ = o.release();
    }
    return *this;
  }
  int get() const { return fd_; }
  int release() {
    const int fd = fd_;
    fd_ = -1;
    return fd;
  }
  void reset() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
};

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) throw_errno("pipe2");
  return Pipe{Fd(fds[0]), Fd(fds[1])};
}

std::vector<std::string> build_env(const RunOptions& o) {
  std::vector<std::string> env;
  if (!o.clear_env)
    for (char** e = environ; *e != nullptr; ++e) env.emplace_back(*e);
  for (const auto& [name, value] : o.env) {
    const std::string prefix = name + "=";
    std::erase_if(env, [&](const std::string& kv) { return kv.rfind(prefix, 0) == 0; });
    if (value) env.push_back(prefix + *value);
  }
  return env;
}

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  out.reserve(v.size() + 1);
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Between fork and exec only async-signal-safe calls are allowed.
[[noreturn]] void exec_child(char* const* argv, char* const* envp, const char* cwd, int in_fd,
                             int out_fd, int err_fd, bool tty, int errpipe, unsigned closed) {
  if (tty) {
    ::setsid();
    ::ioctl(in_fd, TIOCSCTTY, 0);
  } else {
    ::setpgid(0, 0);
  }
  if (::dup2(in_fd, 0) < 0 || ::dup2(out_fd, 1) < 0 || ::dup2(err_fd, 2) < 0) goto fail;
  for (int fd = 0; fd <= 2; ++fd)
    if (closed & (1u << fd)) ::close(fd);
  // Undo what the test process changed: ignored SIGPIPE, blocked signals.
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGCHLD}) ::signal(sig, SIG_DFL);
  {
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
  }
  if (cwd != nullptr && ::chdir(cwd) != 0) goto fail;
  if (std::strchr(argv[0], '/') != nullptr)
    ::execve(argv[0], argv, envp);
  else
    ::execvpe(argv[0], argv, envp);
fail : {
  const int e = errno;
  [[maybe_unused]] auto n = ::write(errpipe, &e, sizeof e);
  ::_exit(127);
}
}

void set_nonblocking(int fd) {
  const int flags = ::fcntl(fd, F_GETFL);
  ::fcntl(fd, F_SETFL, flags | O_NONBLOCK);
}

// Appends what is readable; returns false at EOF or on a hard error.
bool drain(int fd, std::string* sink) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n > 0) {
      if (sink != nullptr) sink->append(buf, static_cast<std::size_t>(n));
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) return true;
    return false;  // EOF, or EIO from a pty whose slave side is gone
  }
}

}  // namespace

RunOptions& RunOptions::set_env(std::string name, std::optional<std::string> value) {
  env.emplace_back(std::move(name), std::move(value));
  return *this;
}

RunOptions& RunOptions::isolate(const std::filesystem::path& home) {
  for (char** e = environ; *e != nullptr; ++e) {
    const std::string kv = *e;
    if (kv.rfind("NOTIFY_", 0) == 0) set_env(kv.substr(0, kv.find('=')), std::nullopt);
  }
  std::vector<std::string> earlier;  // NOTIFY_* set by this RunOptions so far
  for (const auto& [name, value] : env)
    if (name.rfind("NOTIFY_", 0) == 0 && value) earlier.push_back(name);
  for (auto& name : earlier) set_env(std::move(name), std::nullopt);
  for (const char* v : {"NOTIFY_CONFIG", "http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                        "all_proxy", "ALL_PROXY", "no_proxy", "NO_PROXY", "CURL_CA_BUNDLE",
                        "SSL_CERT_FILE", "SSL_CERT_DIR"})
    set_env(v, std::nullopt);
  set_env("HOME", home.string());
  set_env("XDG_CONFIG_HOME", (home / ".config").string());
  set_env("XDG_STATE_HOME", (home / ".local/state").string());
  set_env("XDG_CACHE_HOME", (home / ".cache").string());
  set_env("XDG_DATA_HOME", (home / ".local/share").string());
  return *this;
}

struct Child::State {
  std::vector<std::string> argv;
  RunOptions options;
  pid_t pid = -1;
  Fd parent_in, master, out, err, errpipe;

  std::mutex mutex;  // orders signal() against reaping: a reaped pid may be reused
  bool reaped = false;
  int status = 0;
  rusage usage{};

  std::string peak_rss_file;  // where the peak_rss helper writes (own_peak_rss)

  RunResult result;
  std::thread pump;
  bool waited = false;

  // stderr as it arrives, for wait_for_err() (result.err is the pump's own).
  std::mutex seen_mutex;
  std::condition_variable seen_changed;
  std::string err_seen;
  std::size_t err_cursor = 0;
  bool pump_done = false;

  // True once the child is reaped (collecting status and rusage then).
  bool try_reap() {
    std::lock_guard lock(mutex);
    if (reaped) return true;
    pid_t r;
    do r = ::wait4(pid, &status, WNOHANG, &usage);
    while (r < 0 && errno == EINTR);
    if (r == pid) reaped = true;
    return reaped;
  }

  // SIGKILL to the child's process group (grandchildren too) unless already reaped.
  void kill_all() {
    std::lock_guard lock(mutex);
    if (reaped) return;
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
  }

  void run_pump();
};

void Child::State::run_pump() {
  const std::string empty;
  const std::string& input = options.stdin_data ? *options.stdin_data : empty;
  std::size_t written = 0;
  Fd* input_fd = options.stdin_tty ? &master : &parent_in;
  if (input_fd->get() >= 0) set_nonblocking(input_fd->get());
  if (master.get() >= 0) set_nonblocking(master.get());
  set_nonblocking(out.get());
  set_nonblocking(err.get());
  if (parent_in.get() >= 0 && input.empty()) parent_in.reset();

  const auto deadline = Clock::now() + options.timeout;
  std::optional<Clock::time_point> give_up;  // stop waiting for EOF after this
  bool out_open = true, err_open = true, master_open = master.get() >= 0;

  while (out_open || err_open) {
    std::vector<pollfd> fds;
    if (out_open) fds.push_back({out.get(), POLLIN, 0});
    if (err_open) fds.push_back({err.get(), POLLIN, 0});
    if (master_open) fds.push_back({master.get(), POLLIN, 0});
    const bool want_write = input_fd->get() >= 0 && written < input.size();
    if (want_write) fds.push_back({input_fd->get(), POLLOUT, 0});

    const auto now = Clock::now();
    // Once the child is gone, a grandchild may still hold the pipes: wait a little, not forever.
    const bool is_reaped = try_reap();
    if (is_reaped && !give_up) give_up = now + std::chrono::seconds(1);
    if (!is_reaped && !result.timed_out && now >= deadline) {
      result.timed_out = true;
      kill_all();
      give_up = now + std::chrono::seconds(2);
    }
    if (give_up && now >= *give_up) break;
    auto until = give_up ? *give_up : deadline;
    if (!is_reaped) until = std::min(until, now + std::chrono::milliseconds(50));
    const auto wait_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(until - now).count() + 1;

    const int n = ::poll(fds.data(), fds.size(), static_cast<int>(std::max<long long>(wait_ms, 0)));
    if (n < 0 && errno != EINTR) throw_errno("poll");
    if (n <= 0) continue;
    for (const auto& p : fds) {
      if (p.revents == 0) continue;
      if (p.fd == out.get()) {
        out_open = drain(p.fd, &result.out);
      } else if (p.fd == err.get()) {
        const std::size_t before = result.err.size();
        err_open = drain(p.fd, &result.err);
        {
          std::lock_guard lock(seen_mutex);
          err_seen.append(result.err, before, std::string::npos);
        }
        seen_changed.notify_all();
      } else if (master_open && p.fd == master.get() && (p.revents & POLLOUT) == 0) {
        master_open = drain(p.fd, &result.terminal);  // terminal echo
      } else if (p.fd == input_fd->get()) {
        if ((p.revents & (POLLERR | POLLHUP)) != 0 && input_fd == &parent_in) {
          parent_in.reset();  // the child closed its stdin early
          continue;
        }
        const ssize_t w = ::write(p.fd, input.data() + written, input.size() - written);
        if (w > 0) written += static_cast<std::size_t>(w);
        else if (w < 0 && errno != EAGAIN && errno != EINTR) written = input.size();
        if (written >= input.size() && input_fd == &parent_in) parent_in.reset();  // EOF
      }
    }
  }
  parent_in.reset();

  // The pipes are closed (or abandoned after a kill); the child may still be on its way out.
  // Polling keeps signal() free to run meanwhile and the timeout in force.
  while (!try_reap()) {
    if (Clock::now() >= deadline || give_up) {
      if (!result.timed_out && Clock::now() >= deadline) result.timed_out = true;
      kill_all();
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  {
    std::lock_guard lock(mutex);  // type() may be writing to it
    if (master.get() >= 0) {
      drain(master.get(), &result.terminal);
      termios t{};
      if (::tcgetattr(master.get(), &t) == 0) result.terminal_lflag = t.c_lflag;
    }
    master.reset();
  }
  {
    std::lock_guard lock(seen_mutex);
    pump_done = true;
  }
  seen_changed.notify_all();

  int exec_errno = 0;
  if (::read(errpipe.get(), &exec_errno, sizeof exec_errno) ==
      static_cast<ssize_t>(sizeof exec_errno)) {
    result.err += "run_process: cannot execute " + argv[0] + ": " + std::strerror(exec_errno) + "\n";
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  const auto seconds = [](const timeval& t) {
    return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) / 1e6;
  };
  result.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  result.max_rss_kib = usage.ru_maxrss;
  if (!peak_rss_file.empty()) {
    if (std::FILE* f = std::fopen(peak_rss_file.c_str(), "r")) {
      long kib = 0;
      result.max_rss_kib = std::fscanf(f, "%ld", &kib) == 1 ? kib : 0;
      std::fclose(f);
    } else {
      result.max_rss_kib = 0;
    }
    ::unlink(peak_rss_file.c_str());
  }
}

Child::Child(std::unique_ptr<State> state) : state_(std::move(state)) {}
Child::Child(Child&&) noexcept = default;
Child& Child::operator=(Child&& o) noexcept {
  if (this != &o) {
    abandon();
    state_ = std::move(o.state_);
  }
  return *this;
}

Child::~Child() { abandon(); }

void Child::abandon() noexcept {
  if (!state_ || state_->waited) return;
  state_->kill_all();
  if (state_->pump.joinable()) state_->pump.join();
}

pid_t Child::pid() const { return state_->pid; }

bool Child::signal(int sig) {
  std::lock_guard lock(state_->mutex);
  if (state_->reaped) return false;
  return ::kill(state_->pid, sig) == 0;
}

bool Child::type(const std::string& bytes) {
  std::lock_guard lock(state_->mutex);
  if (state_->reaped || state_->master.get() < 0) return false;
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(state_->master.get(), bytes.data() + done, bytes.size() - done);
    if (n > 0) done += static_cast<std::size_t>(n);
    else if (n < 0 && errno != EINTR && errno != EAGAIN) return false;
  }
  return true;
}

bool Child::wait_for_err(const std::string& text, std::chrono::milliseconds timeout) {
  std::unique_lock lock(state_->seen_mutex);
  bool hit = false;
  state_->seen_changed.wait_for(lock, timeout, [&] {
    const auto at = state_->err_seen.find(text, state_->err_cursor);
    if (at != std::string::npos) {
      state_->err_cursor = at + text.size();
      hit = true;
    }
    return hit || state_->pump_done;
  });
  return hit;
}

RunResult Child::wait() {
  if (state_->waited) throw std::logic_error("Child::wait called twice");
  state_->waited = true;
  if (state_->pump.joinable()) state_->pump.join();
  return std::move(state_->result);
}

Child spawn(const std::vector<std::string>& argv_in, const RunOptions& options) {
  if (argv_in.empty()) throw std::invalid_argument("spawn: empty argv");
  static std::once_flag once;  // a child that stops reading stdin must not kill us
  std::call_once(once, [] { std::signal(SIGPIPE, SIG_IGN); });

  auto st = std::make_unique<Child::State>();
  st->argv = argv_in;
  st->options = options;
  std::vector<std::string> argv_store = argv_in;
  if (options.own_peak_rss) {
    char name[] = "/tmp/notify-peak-rss-XXXXXX";
    const int fd = ::mkstemp(name);
    if (fd < 0) throw_errno("mkstemp");
    ::close(fd);
    st->peak_rss_file = name;
    argv_store.insert(argv_store.begin(), {PEAK_RSS_BINARY, name});
  }
  std::vector<std::string> env_store = build_env(options);
  std::vector<char*> argv = c_strings(argv_store);
  std::vector<char*> envp = c_strings(env_store);
  const std::string cwd = options.cwd.string();

  Pipe out = make_pipe(), err = make_pipe(), errpipe = make_pipe();
  Fd child_in;
  if (options.stdin_tty) {
    st->master = Fd(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (st->master.get() < 0) throw_errno("posix_openpt");
    if (::grantpt(st->master.get()) != 0 || ::unlockpt(st->master.get()) != 0)
      throw_errno("grantpt");
    char name[128];
    if (::ptsname_r(st->master.get(), name, sizeof name) != 0) throw_errno("ptsname_r");
    child_in = Fd(::open(name, O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (child_in.get() < 0) throw_errno("open pty slave");
  } else if (options.stdin_data) {
    Pipe in = make_pipe();
    child_in = std::move(in.read);
    st->parent_in = std::move(in.write);
  } else {
    child_in = Fd(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    if (child_in.get() < 0) throw_errno("open /dev/null");
  }

  unsigned closed = 0;
  for (int fd : options.closed_fds)
    if (fd >= 0 && fd <= 2) closed |= 1u << fd;
  // vfork: the child borrows this process's memory until it execs, instead
  // of a copy of its page tables. Under ASan this test process maps
  // hundreds of megabytes, and copying them for each of the suite's
  // thousands of children was most of its system time. exec_child only
  // reads what it is given (it is written for that: async-signal-safe).
  const pid_t pid = ::vfork();
  if (pid < 0) throw_errno("vfork");
  if (pid == 0)
    exec_child(argv.data(), envp.data(), cwd.empty() ? nullptr : cwd.c_str(), child_in.get(),
               out.write.get(), err.write.get(), options.stdin_tty, errpipe.write.get(), closed);

  st->pid = pid;
  st->out = std::move(out.read);
  st->err = std::move(err.read);
  st->errpipe = std::move(errpipe.read);
  // The write ends (and child_in) close here, so EOF reaches us when the child is done.
  Child::State* raw = st.get();
  st->pump = std::thread([raw] {
    try {
      raw->run_pump();
    } catch (const std::exception& e) {  // a thread must not throw: report it, end the child
      raw->result.err += std::string("run_process: ") + e.what() + "\n";
      raw->kill_all();
      while (!raw->try_reap()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  return Child(std::move(st));
}

RunResult run_process(const std::vector<std::string>& argv, const RunOptions& options) {
  return spawn(argv, options).wait();
}

}  // namespace notify::test
