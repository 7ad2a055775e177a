#include "app/run.hpp"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <sstream>

#include "core/shell.hpp"
#include "message/sanitize.hpp"
#include "services/service.hpp"

namespace notify::app {

namespace {

// Keeps the last `cap` bytes seen, amortised: trims only when twice as big.
class Tail {
 public:
  explicit Tail(std::size_t cap) : cap_(cap) {}
  void add(std::string_view bytes) {
    buf_.append(bytes);
    total_ += bytes.size();
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

// How the command ended, in the report's words.
struct Ending {
  int exit_status = 0;
  std::string how;  // "exit 3", "killed by signal 9 (Killed)"
  bool ok = false;
};

Ending ending_of(const CommandEnd& end) {
  Ending e;
  if (end.exec_errno != 0) {
    e.exit_status = end.exec_errno == ENOENT ? 127 : 126;
    e.how = std::string("could not start: ") + std::strerror(end.exec_errno);
  } else if (end.signal != 0) {
    e.exit_status = 128 + end.signal;
    e.how = "killed by signal " + std::to_string(end.signal) + " (" + strsignal(end.signal) + ")";
  } else {
    e.exit_status = end.exit_code;
    e.how = "exit " + std::to_string(end.exit_code);
    e.ok = end.exit_code == 0;
  }
  return e;
}

bool wanted(ReportOn on, bool ok) {
  switch (on) {
    case ReportOn::always: return true;
    case ReportOn::success: return ok;
    case ReportOn::failure: return !ok;
  }
  return true;
}

std::string duration_text(double seconds) {
  std::ostringstream out;
  out.precision(seconds < 10 ? 2 : 0);
  out << std::fixed << seconds << " s";
  return out.str();
}

// Room for the output in one part of the smallest service.
std::size_t tail_cap(const config::Config& cfg, const std::optional<std::vector<std::string>>& targets) {
  std::size_t cap = 1 << 20;
  if (targets)
    for (const auto& n : *targets) cap = std::min(cap, services::part_limit(cfg.profiles.at(n)));
  return cap > 700 ? cap - 400 : 300;
}

}  // namespace

RunResult run(const config::Config& cfg, const RunRequest& req, ProcessRunner& runner, World& world) {
  RunResult result;
  Tail tail(tail_cap(cfg, req.targets));
  auto ended = runner.run(req.argv, [&](int stream, std::string_view bytes) {
    if (req.echo) req.echo(stream, bytes);
    tail.add(bytes);
  });
  if (!ended) {
    result.exit_status = 1;
    result.not_run = ended.error().message;
    return result;
  }
  const Ending e = ending_of(*ended);
  result.exit_status = e.exit_status;
  if (ended->exec_errno != 0)
    world.tell(Level::error, "run: " + req.argv[0] + ": " + std::strerror(ended->exec_errno));
  if (!wanted(req.on, e.ok)) return result;

  std::string cmdline;
  for (const auto& a : req.argv) cmdline += (cmdline.empty() ? "" : " ") + shell_quote(a);
  Draft draft = req.base;
  // Good news need not ring: under --on always a success is reported low,
  // and --priority (or the profile's level) is for the failures.
  if (req.on == ReportOn::always && e.ok) draft.priority = Priority::low;
  const std::string name = req.argv[0].substr(req.argv[0].rfind('/') + 1);
  draft.title = message::sanitize(req.title.value_or(name + (e.ok ? " succeeded" : " failed")) +
                                  " (" + e.how + ", " + duration_text(ended->seconds) + " on " +
                                  req.host + ")");
  std::string out = message::sanitize(tail.text());
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  draft.body = message::sanitize("$ " + cmdline) + "\n" +
               (tail.cut() ? "[... earlier output left out ...]\n" : "") +
               (out.empty() ? "(no output)" : out);
  draft.code = true;
  if (req.targets && req.attach)
    if (auto files = req.attach(draft); !files) result.unsent_reason = files.error().message;
  result.report = draft;
  if (!req.targets || !result.unsent_reason.empty()) return result;
  result.sent = send(cfg, *req.targets, draft, req.send, world);
  return result;
}

}  // namespace notify::app
