// notify spool: what waits in the spool, and what failed for good (see
// app/spool_admin.hpp); this file prints it.

#include <algorithm>
#include <ctime>

#include <nlohmann/json.hpp>

#include "app/secrets.hpp"
#include "app/spool_admin.hpp"
#include "cli/deliver.hpp"
#include "message/one_line.hpp"

namespace notify::cli {

namespace {

std::string age_text(std::int64_t seconds) {
  if (seconds < 0) seconds = 0;
  if (seconds < 120) return std::to_string(seconds) + "s";
  if (seconds < 7200) return std::to_string(seconds / 60) + "m";
  if (seconds < 172800) return std::to_string(seconds / 3600) + "h";
  return std::to_string(seconds / 86400) + "d";
}

std::string first_line(const Draft& d) {
  const std::string& text = d.title.empty() ? d.body : d.title;
  return message::one_line(text.substr(0, text.find('\n')), 40);
}

// A usage mistake is status 2; a file the spool will not touch, 1.
int status_of(const Error& e) {
  return e.kind == ErrorKind::usage ? kExitUsage : kExitNotDelivered;
}

int list(Session& s, const std::string& dir) {
  const auto listing = app::list_spool(dir, system_clock());
  for (const auto& why : listing.refused) s.warning(why);
  if (s.options.json) {
    nlohmann::json j = nlohmann::json::array();
    for (const auto& m : listing.messages)
      for (const auto& t : m.targets)
        j.push_back({{"id", m.id},
                     {"state", m.failed ? "failed" : "pending"},
                     {"target", t.name},
                     {"created_unix", m.created_unix},
                     {"profile_file", m.profile_file.empty() ? nlohmann::json()
                                                             : nlohmann::json(m.profile_file)},
                     {"age_seconds", m.age_seconds},
                     {"due", m.due},
                     {"due_unix", m.due_unix ? nlohmann::json(m.due_unix) : nlohmann::json()},
                     {"summary_of", m.summary_of.empty() ? nlohmann::json()
                                                         : nlohmann::json(m.summary_of)},
                     {"quiet_hours", m.quiet_hours.empty() ? nlohmann::json()
                                                           : nlohmann::json(m.quiet_hours)},
                     {"attempts", t.attempts},
                     {"last_error", t.reason.empty() ? nlohmann::json() : nlohmann::json(t.reason)},
                     {"first_line", first_line(m.message)}});
    s.out(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return kExitOk;
  }
  if (listing.messages.empty()) {
    s.info("the spool is empty (" + dir + ")");
    return kExitOk;
  }
  auto pad = [](std::string text, std::size_t n) {
    text.resize(std::max(n, text.size() + 1), ' ');
    return text;
  };
  s.out("ID     STATE    TARGET        AGE   DUE     TRIES  LAST ERROR / FIRST LINE\n");
  const std::int64_t now = system_clock().unix_seconds();
  for (const auto& m : listing.messages)
    for (const auto& t : m.targets)
      s.out(pad(std::to_string(m.id), 7) + pad(m.failed ? "failed" : "pending", 9) +
            pad(t.name, 14) + pad(age_text(m.age_seconds), 6) +
            pad(m.failed ? "-" : m.due ? "now" : "in " + age_text(m.due_unix - now), 8) +
            pad(std::to_string(t.attempts), 7) +
            (t.reason.empty() ? "" : message::one_line(t.reason, 60) + " / ") +
            first_line(m.message) + "\n");
  return kExitOk;
}

int show(Session& s, const std::string& dir) {
  if (s.options.spool().ids.size() != 1) {
    return s.fail(ErrorKind::usage, "spool show: give one ID (see `notify spool`)");
  }
  // What a last error or the body may quote is masked like the rest.
  app::learn_all_secrets(s.config, s.world.env, s.world.read_file, s.masker);
  const auto m = app::show_spooled(dir, s.options.spool().ids.front(), system_clock());
  if (!m) {
    s.error("spool show: " + m.error().message);
    return status_of(m.error());
  }
  std::string text =
      "id:       " + std::to_string(m->id) + (m->failed ? " (failed)" : " (pending)") + "\n";
  auto utc = [](std::int64_t unix) {
    char when[40];
    const std::time_t c = static_cast<std::time_t>(unix);
    std::tm tm{};
    ::gmtime_r(&c, &tm);
    std::strftime(when, sizeof when, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return std::string(when);
  };
  text += "created:  " + utc(m->created_unix) + "\n";
  if (!m->failed)
    text += "due:      " + (m->due ? std::string("now") : utc(m->due_unix)) + "\n";
  if (!m->summary_of.empty())
    text += "summary:  of key '" + m->summary_of +
            "' (its text is made when it is sent; dropped if a message of the key goes "
            "out first)\n";
  if (!m->quiet_hours.empty())
    text += "quiet:    held for quiet hours " + m->quiet_hours +
            " (the first flush once it is due sends it with the profile's other held "
            "messages as one digest)\n";
  if (!m->profile_file.empty()) text += "profiles: " + m->profile_file + "\n";
  for (const auto& t : m->targets)
    text += "target:   " + t.name + " (" + std::to_string(t.attempts) + " attempts" +
            (t.last_error.empty() ? "" : "; last error: " + t.last_error) + ")\n";
  if (!m->damaged.empty()) text += "journal:  damaged: " + m->damaged + "\n";
  if (!m->have.empty()) {
    text += "has it:  ";
    for (const auto& h : m->have) text += " " + h;
    text += "\n";
  }
  const auto& d = m->message;
  if (!d.title.empty()) text += "title:    " + d.title + "\n";
  for (const auto& f : d.files)
    text += "file:     " + f.name + " (" + std::to_string(f.data.size()) + " bytes)\n";
  text += "\n" + d.body + "\n";
  s.out(text);
  return kExitOk;
}

int drop_or_retry(Session& s, const std::string& dir, bool retry) {
  const std::string verb = retry ? "retry" : "drop";
  const app::SpoolSelection sel{s.options.spool().ids, s.options.spool().failed, s.options.spool().all};
  auto change = retry ? app::retry_spooled(dir, sel, s.config, s.world.file_exists)
                      : app::drop_spooled(dir, sel);
  if (!change) {
    s.error("spool " + verb + ": " + change.error().message);
    return status_of(change.error());
  }
  for (const auto& why : change->problems) s.error("spool " + verb + ": " + why);
  const int done = change->done;
  s.info(std::string(retry ? "moved back to the queue: " : "dropped: ") + std::to_string(done) +
         (done == 1 ? " message" : " messages") +
         (retry && done ? " (`" + s.command_hint("flush") + "` sends them)" : ""));
  return change->problems.empty() ? kExitOk : kExitNotDelivered;
}

}  // namespace

int cmd_spool(Session& s) {
  const auto dir = app::spool_dir(s.world.env);
  if (!dir) {
    return s.fail(ErrorKind::usage, "no spool: neither XDG_STATE_HOME nor HOME is set");
  }
  switch (s.options.spool().action) {
    case SpoolAction::list: return list(s, *dir);
    case SpoolAction::show: return show(s, *dir);
    case SpoolAction::drop: return drop_or_retry(s, *dir, false);
    case SpoolAction::retry: return drop_or_retry(s, *dir, true);
  }
  return kExitUsage;
}

}  // namespace notify::cli
