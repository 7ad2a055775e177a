// run: wrap a command for cron and CI (app/run.hpp). Here: the request from
// the options, the command's output passed through to ours, the outcome
// printed, and the command's exit status as ours.

#include "app/run.hpp"
#include "cli/deliver.hpp"
#include "cli/signals.hpp"
#include "core/files.hpp"

namespace notify::cli {

int cmd_run(Session& s) {
  const auto& o = s.options.run();
  app::RunRequest req;
  req.argv = o.argv;
  req.on = o.on == "always"    ? app::ReportOn::always
           : o.on == "success" ? app::ReportOn::success
                               : app::ReportOn::failure;
  // A wrong profile file or target must not stop the job itself: the
  // command runs anyway and the report goes to stderr instead.
  if (!s.config_broken) req.targets = command_targets(s);
  req.base = draft_from_options(o.send);
  req.title = o.send.title;
  req.host = s.world.hostname();
  req.send.overrides = overrides_from_options(o.send);
  req.send.dry_run = o.send.dry_run;
  // No --key: app::run keys the report by the command line.
  req.send.alert.key = o.send.key;
  req.send.alert.cooldown_s = o.send.cooldown_s;
  req.send.alert.edit = o.send.edit;
  req.send.alert.reply = o.send.reply;
  req.live = o.live;
  req.after = o.after;
  req.echo = [](int stream, std::string_view bytes) {
    (void)write_all(stream, bytes.data(), bytes.size());
  };
  req.attach = [&s, &req](Draft& draft) { return attach_files(s, *req.targets, draft); };

  StopSignals signals;
  auto world = app_world(s, &signals);
  const auto ran = app::run(s.config, req, app::system_process_runner(), world);
  if (ran.stopped_before_start) return stopped_early(s, "before the command was started");
  if (ran.not_run) {
    return s.fail(ErrorKind::io, "run: " + *ran.not_run);
  }
  if (ran.sent) {
    report(s, *ran.sent, *ran.report, false);
  } else if (ran.report) {
    if (!ran.unsent_reason.empty()) s.error(ran.unsent_reason);
    // The job ran; its report still reaches someone: cron mails stderr.
    s.error("run: the report was not sent; here it is:\n" + ran.report->title + "\n" +
            ran.report->body);
  }
  return ran.exit_status;
}

}  // namespace notify::cli
