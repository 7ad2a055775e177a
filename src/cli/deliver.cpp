#include "cli/deliver.hpp"

#include <algorithm>
#include <cstring>
#include <filesystem>

#include <nlohmann/json.hpp>

#include "app/attachments.hpp"
#include "config/loader.hpp"
#include "message/sanitize.hpp"
#include "services/registry.hpp"
#include "services/service.hpp"

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

std::optional<spool::Spool> user_spool(const Session& s) {
  auto dir = spool::default_dir(s.world.env("XDG_STATE_HOME"), s.world.env("HOME"));
  if (!dir) return std::nullopt;
  return spool::Spool(*dir);
}

namespace {

// The group of the command line's TARGET words that brought `name` in, if
// it came through one: an error about it must say which group.
std::string group_of(const Session& s, const std::string& name) {
  if (!s.options.sending()) return {};
  std::string_view words = s.options.sending()->targets;
  while (!words.empty()) {
    const auto comma = words.find(',');
    const std::string word(words.substr(0, comma));
    words = comma == std::string_view::npos ? std::string_view() : words.substr(comma + 1);
    const auto g = s.config.groups.find(word);
    if (g != s.config.groups.end() &&
        std::find(g->second.begin(), g->second.end(), name) != g->second.end())
      return word;
  }
  return {};
}

}  // namespace

Result<void> attach_files(Session& s, const std::vector<std::string>& names, Draft& draft) {
  // Whoever may get the files: every profile reached, fallbacks too, but a
  // notice_only one gets a notice and never files.
  std::vector<const config::Profile*> carriers;
  for (const auto& n : app::reachable(s.config, names))
    if (const auto& p = s.config.profiles.at(n); !p.notice_only) carriers.push_back(&p);
  for (const auto& path : s.options.send().files) {
    auto size = s.world.readable_size(path);
    if (!size) return make_error(ErrorKind::usage, "--file " + path + ": " + size.error().message);
    // One target: a file it cannot carry would reach nobody, so it is a
    // mistake to say at once. Several: each gets what it can carry.
    if (names.size() == 1) {
      const auto& p = s.config.profiles.at(names.front());
      const auto group = group_of(s, p.name);
      if (auto why = p.notice_only ? "" : app::cannot_carry(p, *size); !why.empty())
        return make_error(ErrorKind::usage,
                          "--file " + path + ": profile '" + p.name + "'" +
                              (group.empty() ? "" : " (through group '" + group + "')") +
                              " cannot carry it: " + why);
    }
    std::string name = path.substr(path.rfind('/') + 1);
    const bool wanted = std::any_of(carriers.begin(), carriers.end(), [&](const config::Profile* p) {
      return app::cannot_carry(*p, *size).empty();
    });
    if (!wanted) {
      // Too large for all of them: not read into memory nor the spool, only
      // named in each target's text.
      draft.files.push_back(Attachment{std::move(name), {}, *size});
      continue;
    }
    // Read once, now: the spool keeps the content, so a flush never
    // depends on the path (relative to a cwd, or gone by then).
    auto data = s.world.read_file(path);
    if (!data) return make_error(ErrorKind::usage, "--file " + path + ": " + data.error().message);
    draft.files.push_back(Attachment{std::move(name), std::move(*data), std::nullopt});
  }
  return {};
}

Result<config::Config> read_profile_file(const World& world, const std::string& path) {
  auto text = world.read_file(path);
  if (!text)
    return make_error(ErrorKind::config, "cannot read profile file " + path + ": " + text.error().message);
  auto cfg = config::parse_config(*text, path, services::catalog());
  if (!cfg) return cfg;
  std::error_code ec;
  // A pipe (`-c <(gpg -d profiles.toml.gpg)`, /dev/fd/63) cannot be read
  // again by a later flush, and its name may then be another pipe: it is
  // not recorded, and a flush sends such a message with its own file, only
  // where each destination is unchanged.
  if (!std::filesystem::is_regular_file(path, ec)) return cfg;
  // The file itself, links resolved: /dev/stdin redirected from a file
  // names that file, not whatever a later flush has on its stdin.
  const auto canonical = std::filesystem::canonical(path, ec);
  if (!ec) cfg->absolute_path = canonical.string();
  return cfg;
}

app::World app_world(Session& s, const StopSignals* signals, HttpClient* shared_http) {
  app::World w;
  w.http = shared_http;
  w.make_http = s.world.make_http;
  if (auto sp = user_spool(s)) w.spool_dir = sp->dir();
  if (signals) w.stop = signals->stop();
  w.env = s.world.env;
  w.read_file = s.world.read_file;
  w.masker = &s.masker;
  w.load_config = [&s](const std::string& path) { return read_profile_file(s.world, path); };
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
      const auto* service = services::find_service(run.kind);
      if (service && service->preview) {
        s.out(text + service->preview(r) + "\n");
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

void report_outcomes(const Session& s, const std::vector<delivery::Outcome>& outcomes,
                     bool report_success) {
  for (const auto& oc : outcomes) {
    if (!oc.skipped.empty()) {
      // Not a failure: the profile asked for louder messages only.
      if (s.options.json)
        s.out(nlohmann::json{{"target", oc.target},
                             {"delivered", false},
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
                  [](const delivery::Outcome& oc) { return !oc.skipped.empty(); }))
    s.verbose("nothing sent: every target skipped the message for its priority");
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
