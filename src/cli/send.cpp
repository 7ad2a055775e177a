// send and test: the message from words or stdin, to targets.

#include <algorithm>

#include "app/budget.hpp"
#include "cli/deliver.hpp"
#include "cli/input.hpp"
#include "cli/output.hpp"
#include "config/loader.hpp"
#include "message/sanitize.hpp"

namespace notify::cli {

namespace {

int send(Session& s, Draft draft, bool from_stdin, bool is_test) {
  const auto& o = s.options.send();
  auto names = command_targets(s);
  if (!names) {
    if (from_stdin) pass_message_on(s);
    return kExitUsage;
  }
  if (auto files = attach_files(s, *names, draft); !files) {
    s.error(files.error().message);
    if (from_stdin) pass_message_on(s);
    return kExitUsage;
  }

  // Why the --tee copy could not be written; said once the message is sent.
  std::string tee_error;
  // A pipeline that lost its copy of the input failed, even with the
  // message delivered: the contract is exit status 1 and one line.
  auto with_tee = [&](int status) {
    if (tee_error.empty()) return status;
    s.tee_failed(tee_error, "the copy of the input is incomplete (the message was read whole)");
    return std::max<int>(status, kExitOutputFailed);
  };
  // `notify me --file report.pdf` typed at a terminal: the file is the message.
  if (from_stdin && !draft.files.empty() && s.world.is_terminal(s.world.in_fd)) from_stdin = false;
  // From here on a stop signal keeps what was read: reading ends with what
  // the pipe holds, and the message goes to the spool, unsent.
  StopSignals signals;
  // `backup || notify --fail hc` typed or run with a terminal on stdin: a
  // heartbeat's ping is the news, and there is no text to wait for.
  const auto beats = app::heartbeat_targets(s.config, *names);
  if (from_stdin && !beats.empty() && beats.size() == names->size() &&
      s.world.is_terminal(s.world.in_fd))
    from_stdin = false;
  if (from_stdin) {
    if (s.world.is_terminal(s.world.in_fd)) {
      return s.fail(ErrorKind::usage, "no message: give it as words after the target, or pipe it in "
              "(e.g. `df -h | notify " + o.targets + "`)");
    }
    auto text = read_message(s.world.in_fd,
                             app::input_budget(s.config, *names, overrides_from_options(o)),
                             o.tee ? s.world.tee_fd : -1, &tee_error, signals.fd());
    if (!text) {
      s.error(text.error().message);
      return with_tee(kExitNotDelivered);
    }
    draft.body = std::move(*text);
  }
  message::trim_end(draft.body);
  // A title alone is not a message: `backup | notify -t backup ops` on a
  // silent night sends nothing.
  // Without text only the heartbeats hear of it: they ping all the same.
  if (message::is_blank(draft.body) && draft.files.empty() && !beats.empty()) {
    draft.body.clear();
    names->assign(beats.begin(), beats.end());
  } else if (message::is_blank(draft.body) && draft.files.empty()) {
    s.info("nothing to send: the message is empty");
    if (s.options.json)
      for (const auto& t : *names)
        s.out("{\"target\":\"" + t + "\",\"delivered\":false,\"skipped\":\"empty message\"}\n");
    return with_tee(kExitOk);
  }
  auto world = app_world(s, &signals);
  app::SendOptions so;
  so.overrides = overrides_from_options(o);
  so.dry_run = o.dry_run;
  so.journal = !is_test;
  so.alert = {o.key, o.cooldown_s, o.resolve, o.edit, o.reply};
  s.unsent_message = draft.title + (draft.title.empty() ? "" : "\n") + draft.body;
  so.journalled = [&s](bool kept) {
    if (!kept) return;
    s.unsent_message.reset();
    s.message_in_spool = true;
  };
  auto result = app::send(s.config, *names, draft, so, world);
  s.message_in_spool = false;  // delivered, or said where it waits
  report(s, result, draft, is_test);
  return with_tee(result.exit_status);
}

}  // namespace

void pass_message_on(Session& s) {
  pass_message_on(s.world.in_fd, s.world.is_terminal(s.world.in_fd), *s.world.err,
                  StopSignals::fd());
}

int cmd_send(Session& s) {
  const auto& o = s.options.send();
  Draft draft = draft_from_options(o);
  draft.title = message::sanitize(o.title.value_or(""));
  std::string joined;
  for (const auto& w : o.words) joined += (joined.empty() ? "" : " ") + w;
  draft.body = message::sanitize(joined);
  return send(s, std::move(draft), o.words.empty(), false);
}

int cmd_test(Session& s) {
  Draft draft = draft_from_options(s.options.send());
  draft.title = "notify test";
  draft.body = "Test message from notify on " + s.world.hostname() +
               ": if you can read this, the profile works.";
  return send(s, std::move(draft), false, true);
}

}  // namespace notify::cli
