// --stream: `tail -f log | notify --stream ops` (app/stream.hpp). Here: the
// checks of the command line, standard input as the stream's input, and
// each batch's outcome printed.

#include <cerrno>
#include <cstring>

#include "app/stream.hpp"
#include "cli/deliver.hpp"
#include "cli/input.hpp"
#include "cli/signals.hpp"
#include "message/sanitize.hpp"

namespace notify::cli {

int cmd_stream(Session& s) {
  auto names = command_targets(s);
  if (!names) {
    pass_message_on(s);
    return kExitUsage;
  }
  if (s.world.is_terminal(s.world.in_fd)) {
    return s.fail(ErrorKind::usage, "--stream reads standard input, which is a terminal: pipe something in "
            "(e.g. `tail -f app.log | notify --stream " + s.options.send().targets + "`)");
  }
  StopSignals signals;
  if (signals.fd() < 0) {
    return s.fail(ErrorKind::io, std::string("--stream: cannot create a pipe: ") + std::strerror(errno));
  }
  FdStreamInput input(s.world.in_fd, s.options.send().tee ? s.world.tee_fd : -1, signals.fd(),
                      system_clock());
  if (!input.ready()) {
    return s.fail(ErrorKind::io, std::string("--stream: cannot create a pipe: ") + std::strerror(errno));
  }
  app::StreamRequest req;
  req.targets = std::move(*names);
  req.base = draft_from_options(s.options.send());
  req.base.title = message::sanitize(s.options.send().title.value_or(""));
  req.send.overrides = overrides_from_options(s.options.send());
  req.send.dry_run = s.options.send().dry_run;
  req.interval = std::chrono::seconds(s.options.send().stream_s.value_or(kDefaultStreamSeconds));
  req.input = &input;
  req.batch_sent = [&s](const app::SendResult& result, const Draft& d) { report(s, result, d, false); };
  req.tee_failed = [&s](const std::string& why) {
    s.tee_failed(why, "the copy stops here; the input is still read and sent");
  };
  req.stop_cause = [] { return std::string(strsignal(StopSignals::received())); };
  auto world = app_world(s, &signals);
  return app::stream(s.config, req, world).exit_status;
}

}  // namespace notify::cli
