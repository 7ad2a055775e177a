// Commands that read the profile file and send nothing: list and check
// (see app/inspect.hpp); this file prints them.

#include <nlohmann/json.hpp>

#include "app/inspect.hpp"
#include "cli/deliver.hpp"
#include "cli/session.hpp"
#include "core/names.hpp"

namespace notify::cli {

int cmd_list(Session& s) {
  const auto& cfg = s.config;
  const auto listing = app::list_profiles(
      cfg, s.options.list().names ? std::nullopt : app::spool_dir(s.world.env), s.masker);
  if (s.options.list().names) {
    for (const auto& [name, p] : cfg.profiles) s.out(name + "\n");
    for (const auto& [name, g] : cfg.groups) s.out(name + "\n");
    return kExitOk;
  }
  const auto& waiting = listing.spool.waiting;
  const auto& failed = listing.spool.failed;
  auto count = [](const std::map<std::string, int>& counts, const std::string& name) {
    const auto it = counts.find(name);
    return it == counts.end() ? 0 : it->second;
  };
  if (s.options.json) {
    nlohmann::json j = {{"config", cfg.path},
                        {"spooled", waiting},
                        {"failed", failed},
                        {"profiles", nlohmann::json::array()},
                        {"groups", nlohmann::json::object()}};
    for (const auto& p : listing.profiles) {
      j["profiles"].push_back({{"name", p.name},
                               {"type", p.type},
                               {"destination", p.destination},
                               {"fallback", p.fallback},
                               {"priority", to_string(p.priority)},
                               {"min_priority", to_string(p.min_priority)},
                               {"notice_only", p.notice_only},
                               {"urgent_mentions", p.urgent_mentions},
                               {"spooled", count(waiting, p.name)}});
    }
    for (const auto& [name, g] : cfg.groups) j["groups"][name] = g;
    s.out(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return kExitOk;
  }
  std::size_t w = 9;
  std::size_t tw = 12;
  for (const auto& p : listing.profiles) {
    w = std::max(w, p.name.size() + 2);
    tw = std::max(tw, p.type.size() + 2);
  }
  auto pad = [](std::string t, std::size_t n) {
    t.resize(std::max(n, t.size()), ' ');
    return t;
  };
  s.out(pad("PROFILE", w) + pad("TYPE", tw) + "DESTINATION\n");
  for (const auto& p : listing.profiles) {
    std::string line = pad(p.name, w) + pad(p.type, tw) + p.destination;
    if (!p.fallback.empty()) {
      line += "  (fallback:";
      for (const auto& f : p.fallback) line += " " + f;
      line += ")";
    }
    if (!p.loudness.empty()) line += "  [" + p.loudness + "]";
    if (const int n = count(waiting, p.name))
      line += "  [" + std::to_string(n) + " waiting in the spool]";
    if (const int n = count(failed, p.name))
      line += "  [" + std::to_string(n) + " failed: see `" + s.command_hint("spool") + "`]";
    s.out(line + "\n");
  }
  if (!cfg.groups.empty()) {
    s.out("\n" + pad("GROUP", w) + "MEMBERS\n");
    for (const auto& [name, g] : cfg.groups) {
      std::string members;
      for (const auto& m : g) members += (members.empty() ? "" : ", ") + m;
      s.out(pad(name, w) + members + "\n");
    }
  }
  return kExitOk;
}

namespace {

// The verdict is check's output: one line on standard output, whatever
// went to standard error before it.
void verdict(const Session& s, std::size_t problems) {
  const std::string file = s.config.path.empty() ? "notify check" : s.config.path;
  if (problems == 0)
    s.out(file + ": OK (" + count_of(s.config.profiles.size(), "profile", "profiles") + ", " +
          count_of(s.config.groups.size(), "group", "groups") + ")\n");
  else
    s.out(file + ": not valid (" + count_of(problems, "problem", "problems") +
          ", on standard error)\n");
}

}  // namespace

int check_unreadable(Session& s) {
  verdict(s, 1);
  return kExitUsage;
}

int cmd_check(Session& s) {
  const auto report = app::check_profiles(s.config, app_world(s, nullptr));
  for (const auto& problem : report.problems) s.error(problem);
  for (const auto& warning : report.warnings) s.warning(warning);
  verdict(s, report.problems.size());
  return report.problems.empty() ? kExitOk : kExitUsage;
}

}  // namespace notify::cli
