#include "cli/deliver.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "app/alerts/store.hpp"
#include "app/attachments.hpp"
#include "app/preview.hpp"
#include "app/profile_file.hpp"
#include "app/spool_admin.hpp"
#include "config/loader.hpp"
#include "message/sanitize.hpp"

namespace notify::cli {

Draft draft_from_options(const SendOptions& o) {
  Draft d;
  d.code = o.code;
  d.code_lang = o.code_lang;
  d.markdown = o.markdown;
  d.silent = o.silent;
  d.priority = o.silent ? std::optional<Priority>(Priority::low) : o.priority;
  d.username = o.username.value_or("");
  d.icon = o.icon.value_or("");
  d.channel = o.channel.value_or("");
  d.max_parts = o.max_parts.value_or(0);
  if (o.fail) d.beat.kind = Beat::Kind::fail;
  return d;
}

app::Overrides overrides_from_options(const SendOptions& o) {
  return app::Overrides{o.timeout_s, o.retries, o.max_parts};
}

std::optional<std::vector<std::string>> command_targets(Session& s) {
  auto names = config::expand_targets(s.config, s.options.send().targets);
  if (!names) {
    s.error(names.error().message);
    return std::nullopt;
  }
  return std::move(*names);
}

Result<void> attach_files(Session& s, const std::vector<std::string>& names, Draft& draft) {
  // Setup's test message sends no options of its own: no files, no group words.
  static const SendOptions none;
  const SendOptions& o = s.options.sending() ? *s.options.sending() : none;
  return app::attach_files(s.config, names, o.targets, o.files,
                           {s.world.readable_size, s.world.read_file}, draft);
}

app::World app_world(Session& s, const StopSignals* signals, HttpClient* shared_http) {
  app::World w;
  w.http = shared_http;
  w.make_http = s.world.make_http;
  w.spool_dir = app::spool_dir(s.world.env);
  w.alerts_dir = app::alerts::alerts_dir(s.world.env);
  if (signals) w.stop = signals->stop();
  w.env = s.world.env;
  w.read_file = s.world.read_file;
  w.masker = &s.masker;
  w.load_config = [&s](const std::string& path) {
    return app::read_profile_file(s.world.read_file, path);
  };
  w.file_exists = s.world.file_exists;
  w.noted = &s.noted_profiles;
  w.say = [&s](app::Level level, const std::string& text) {
    switch (level) {
      case app::Level::verbose: return s.verbose(text);
      case app::Level::info: return s.info(text);
      case app::Level::warning: return s.warning(text);
      case app::Level::error: return s.error(text);
    }
  };
  return w;
}

void print_dry_run(const Session& s, const std::vector<app::DryRun>& runs) {
  for (const auto& run : runs) {
    if (!run.quiet.empty()) {
      s.out("--- " + run.target + ": kept for quiet hours " + run.quiet +
            ", then sent in one digest by the first flush\n");
      continue;
    }
    if (!run.skipped.empty()) {
      s.out("--- " + run.target + ": skipped: " + run.skipped + "\n");
      continue;
    }
    if (!run.files_left_out.empty())
      s.out("--- " + run.target + " (" + run.kind + "): " + left_out_text(run.files_left_out) +
            "\n");
    const auto& reqs = run.requests;
    for (std::size_t i = 0; i < reqs.size(); ++i) {
      const auto& r = reqs[i];
      std::string text = "--- " + run.target + " (" + run.kind + ") request " +
                         std::to_string(i + 1) + "/" + std::to_string(reqs.size()) + "\n";
      if (const auto shown = app::preview(run.kind, r)) {
        s.out(text + *shown + "\n");
        continue;
      }
      text += r.method + " " + r.url + "\n";
      for (const auto& [k, v] : r.headers) text += k + ": " + v + "\n";
      // Uploads can be megabytes of binary: show their start, readably.
      constexpr std::size_t kShown = 2000;
      text += "\n" + (r.body.size() <= kShown
                          ? r.body
                          : message::sanitize(r.body.substr(0, kShown)) + "\n[... " +
                                std::to_string(r.body.size() - kShown) + " more bytes]") + "\n";
      s.out(text);
    }
  }
}

namespace {

nlohmann::json left_out_json(const std::vector<std::pair<std::string, std::string>>& files) {
  auto out = nlohmann::json::array();
  for (const auto& [name, why] : files) out.push_back({{"file", name}, {"reason", why}});
  return out;
}

}  // namespace

std::string left_out_text(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out = "files left out, named in the text instead:";
  for (const auto& [name, why] : files) out += " " + name + " (" + why + ")";
  return out;
}

void report_outcomes(const Session& s, const std::vector<Outcome>& outcomes,
                     bool report_success) {
  for (const auto& oc : outcomes) {
    if (!oc.quiet_hours.empty()) {
      // Not a failure: kept on purpose (-v said so as it happened).
      if (s.options.json)
        s.out(nlohmann::json{{"target", oc.target},
                             {"delivered", false},
                             {"status", "quiet"},
                             {"quiet_hours", oc.quiet_hours},
                             {"due_unix", oc.quiet_until},
                             {"until", oc.quiet_until_local},
                             {"spooled", true},
                             {"spool_id", oc.spool_id}}
                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
              "\n");
      continue;
    }
    if (oc.held > 0) {
      // Not a failure: counted, said by the next message of its key (-v
      // said so as it happened).
      if (s.options.json)
        s.out(nlohmann::json{{"target", oc.target},
                             {"delivered", false},
                             {"status", "held"},
                             {"held", oc.held}}
                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
              "\n");
      continue;
    }
    if (!oc.skipped.empty()) {
      // Not a failure: the profile asked for louder messages only, or a
      // resolve found no trouble.
      if (s.options.json)
        s.out(nlohmann::json{{"target", oc.target},
                             {"delivered", false},
                             {"status", "skipped"},
                             {"skipped", true},
                             {"reason", oc.skipped}}
                  .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
              "\n");
      // `notify test` must not look like a silent success.
      if (report_success) s.info(oc.target + ": skipped: " + oc.skipped);
      else s.verbose(oc.target + ": skipped: " + oc.skipped);
      continue;
    }
    if (s.options.json) {
      nlohmann::json j = {
          {"target", oc.target},
          {"delivered", oc.delivered},
          {"status", oc.delivered ? "delivered"
                     : oc.dead    ? "failed"
                     : oc.spooled ? "spooled"
                                  : "not_delivered"},
          {"via", oc.via.empty() ? nlohmann::json() : nlohmann::json(oc.via)},
          {"fallback_reason",
           oc.fallback_reason.empty() ? nlohmann::json() : nlohmann::json(oc.fallback_reason)},
          {"parts", oc.parts},
          {"parts_sent", oc.parts_sent},
          {"http_status", oc.http_status},
          {"attempts", oc.attempts},
          {"error", oc.error.empty() ? nlohmann::json() : nlohmann::json(oc.error)},
          {"spooled", oc.spooled && !oc.dead},
          {"failed", oc.dead},
          {"spool_id", oc.spool_id.empty() ? nlohmann::json() : nlohmann::json(oc.spool_id)},
          {"files_left_out", left_out_json(oc.files_left_out)}};
      s.out(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    }
    if (oc.delivered) {
      const bool fallback = oc.via != oc.target;
      std::string line = oc.target + ": delivered" +
                         (fallback ? " via fallback '" + oc.via + "'" : "") + " (" +
                         std::to_string(oc.parts) + (oc.parts == 1 ? " part" : " parts") +
                         ", HTTP " + std::to_string(oc.http_status) + ")" +
                         (oc.fallback_reason.empty() ? "" : "; " + oc.fallback_reason);
      if (report_success || fallback) s.info(line);
      else s.verbose(line);
      if (!oc.files_left_out.empty())
        s.verbose(oc.target + ": " + left_out_text(oc.files_left_out));
      continue;
    }
    // The outcome names each profile tried; the first is this target.
    const bool named = oc.error.rfind(oc.target + ": ", 0) == 0;
    s.error(oc.target + ": not delivered: " + oc.error.substr(named ? oc.target.size() + 2 : 0));
    if (!oc.hint.empty()) {
      // A service's hint names a notify command without -c FILE; this run's
      // is added (a hint made here with command_hint() has it already).
      std::string hint = oc.hint;
      for (auto at = hint.find("`notify "); at != std::string::npos;
           at = hint.find("`notify ", at + 1))
        if (hint.compare(at + 8, 3, "-c ") != 0) hint.replace(at + 1, 7, s.command_hint(""));
      s.info("hint: " + hint);
    }
    if (oc.dead)
      s.info(oc.target + ": " + (oc.permanent ? "this will not succeed by retrying; " : "") +
             "the message is kept in the spool's failed/ (id " + oc.spool_id + "): see `" +
             s.command_hint("spool") + "`");
    else if (oc.spooled)
      s.info(oc.target + ": message kept in the spool (id " + oc.spool_id +
             "); `" + s.command_hint("flush") + "` sends it later");
  }
}

void report(const Session& s, const app::SendResult& result, const Draft& draft,
            bool report_success) {
  if (s.options.sending() && s.options.sending()->dry_run) return print_dry_run(s, result.dry_run);
  report_outcomes(s, result.outcomes, report_success);
  if (!result.outcomes.empty() &&
      std::all_of(result.outcomes.begin(), result.outcomes.end(),
                  [](const Outcome& oc) { return !oc.skipped.empty(); }))
    s.verbose("nothing sent: every target skipped the message");
  for (const auto& target : result.lost) {
    const auto it = s.config.profiles.find(target);
    if (it != s.config.profiles.end() && !it->second.spool) {
      s.verbose(target + ": not kept: spooling is off for this profile (spool = false), "
                         "so the message is dropped");
      continue;
    }
    // Last resort: the text goes to stderr, where cron mails it.
    s.error(target + ": could not spool the message (" + result.unspooled_reason +
            "); here it is:\n" + draft.title + (draft.title.empty() ? "" : "\n") + draft.body);
  }
  report_stop(s);
}

void report_stop(const Session& s) {
  static bool said = false;  // --stream reports after every batch
  const int sig = StopSignals::received();
  if (!sig || said) return;
  said = true;
  const char* abbrev = sigabbrev_np(sig);
  s.info(std::string("stopped by ") + (abbrev ? std::string("SIG") + abbrev : std::string("a signal")) +
         ": what was not delivered stays in the spool; `" + s.command_hint("flush") +
         "` sends it");
}

}  // namespace notify::cli
