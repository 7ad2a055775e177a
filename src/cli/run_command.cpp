// run: wrap a command for cron and CI. Its output passes through untouched,
// its exit status is ours, and a message with the tail of its output goes
// out on failure (or always, or on success).

#include <cstring>
#include <sstream>
#include <string_view>

#include "app/process.hpp"
#include "cli/deliver.hpp"
#include "cli/signals.hpp"
#include "config/loader.hpp"
#include "core/files.hpp"
#include "core/shell.hpp"
#include "message/sanitize.hpp"
#include "services/service.hpp"

namespace notify::cli {

namespace {

// Keeps the last `cap` bytes seen, amortised: trims only when twice as big.
class Tail {
 public:
  explicit Tail(std::size_t cap) : cap_(cap) {}
  void add(const char* p, std::size_t n) {
    buf_.append(p, n);
    total_ += n;
    if (buf_.size() > 2 * cap_) buf_.erase(0, buf_.size() - cap_);
  }
  std::string text() const {
    if (buf_.size() <= cap_) return buf_;
    std::string t = buf_.substr(buf_.size() - cap_);
    // Start on a whole line (and so never inside a UTF-8 sequence).
    if (auto nl = t.find('\n'); nl != std::string::npos && nl + 1 < t.size()) t.erase(0, nl + 1);
    return t;
  }
  bool cut() const { return total_ > cap_; }

 private:
  std::size_t cap_;
  std::size_t total_ = 0;
  std::string buf_;
};

struct Finished {
  int exit_code = 0;  // what we exit with: the status, or 128+signal
  std::string how;    // "exit 3", "signal 9 (Killed)"
  bool ok = false;
};

}  // namespace

int cmd_run(Session& s) {
  const auto& o = s.options;
  // A wrong profile file or target must not stop the job itself: the
  // command runs anyway and the report goes to stderr instead.
  std::optional<std::vector<std::string>> names;
  if (!s.config_broken) names = command_targets(s);

  // Room for the output in one part of the smallest service.
  std::size_t cap = 1 << 20;
  if (names)
    for (const auto& n : *names) cap = std::min(cap, services::part_limit(s.config.profiles.at(n)));
  cap = cap > 700 ? cap - 400 : 300;

  Tail tail(cap);
  auto ended = app::system_process_runner().run(o.run_argv, [&](int stream, std::string_view bytes) {
    (void)write_all(stream, bytes.data(), bytes.size());
    tail.add(bytes.data(), bytes.size());
  });
  if (!ended) {
    s.error("run: " + ended.error().message);
    return kExitNotDelivered;
  }
  const int exec_errno = ended->exec_errno;
  const double secs = ended->seconds;

  Finished f;
  if (exec_errno != 0) {
    f.exit_code = exec_errno == ENOENT ? 127 : 126;
    f.how = std::string("could not start: ") + std::strerror(exec_errno);
    s.error("run: " + o.run_argv[0] + ": " + std::strerror(exec_errno));
  } else if (ended->signal != 0) {
    f.exit_code = 128 + ended->signal;
    f.how = "killed by signal " + std::to_string(ended->signal) + " (" + strsignal(ended->signal) + ")";
  } else {
    f.exit_code = ended->exit_code;
    f.how = "exit " + std::to_string(f.exit_code);
    f.ok = f.exit_code == 0;
  }
  const bool notify = o.on == "always" || (o.on == "failure" && !f.ok) || (o.on == "success" && f.ok);
  if (!notify) return f.exit_code;

  std::string cmdline;
  for (const auto& a : o.run_argv) cmdline += (cmdline.empty() ? "" : " ") + shell_quote(a);
  std::ostringstream dur;
  dur.precision(secs < 10 ? 2 : 0);
  dur << std::fixed << secs << " s";
  Draft draft = draft_from_options(o);
  // Good news need not ring: under --on always a success is reported low,
  // and --priority (or the profile's level) is for the failures.
  if (o.on == "always" && f.ok) draft.priority = Priority::low;
  const std::string name = o.run_argv[0].substr(o.run_argv[0].rfind('/') + 1);
  draft.title = message::sanitize(o.title.value_or(name + (f.ok ? " succeeded" : " failed")) +
                                  " (" + f.how + ", " + dur.str() + " on " + s.world.hostname() + ")");
  std::string out = message::sanitize(tail.text());
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  draft.body = message::sanitize("$ " + cmdline) + "\n" +
               (tail.cut() ? "[... earlier output left out ...]\n" : "") +
               (out.empty() ? "(no output)" : out);
  draft.code = true;
  Result<void> files = names ? attach_files(s, *names, draft) : Result<void>();
  if (!names || !files) {
    if (!files) s.error(files.error().message);
    // The job ran; its report still reaches someone: cron mails stderr.
    s.error("run: the report was not sent; here it is:\n" + draft.title + "\n" + draft.body);
    return f.exit_code;
  }
  StopSignals signals;
  auto world = app_world(s, &signals);
  app::SendOptions so;
  so.overrides = overrides_from_options(o);
  so.dry_run = o.dry_run;
  auto result = app::send(s.config, *names, draft, so, world);
  report(s, result, draft, false);
  return f.exit_code;
}

}  // namespace notify::cli
