// Commands that read the profile file and send nothing: list and check.

#include <nlohmann/json.hpp>

#include "cli/session.hpp"
#include "cli/deliver.hpp"
#include "config/fallbacks.hpp"
#include "config/loader.hpp"
#include "core/names.hpp"
#include "services/registry.hpp"

namespace notify::cli {

namespace {

// How a secret is shown: references as written (they hold no secret),
// literal URLs as far as their service's shapes allow.
std::string describe_secret(const config::Profile& p, const config::SecretSource& src) {
  if (src.is_file) return src.key + "=" + src.value;
  if (src.value.find("${") != std::string::npos) return src.value;
  if (!src.url) return "***";
  return mask_url(src.value, services::url_shapes(p, src.field));
}

std::string destination(const config::Profile& p) {
  std::string secret;
  for (const auto& src : p.secret_sources) secret = describe_secret(p, src);
  return services::service_of(p).destination(p, secret);
}

// The loudness keys worth a word: only what differs from the defaults.
std::string loudness(const config::Profile& p) {
  std::vector<std::string> said;
  if (p.priority)
    said.push_back(std::string("priority ") + to_string(*p.priority) +
                   (p.priority_lowest ? " (1, min)" : ""));
  else if (p.silent) said.push_back("priority low");
  if (p.min_priority != Priority::low)
    said.push_back(std::string("min_priority ") + to_string(p.min_priority));
  if (p.notice_only) said.push_back("notice_only");
  if (!p.urgent_mentions.empty()) {
    std::string m = "urgent_mentions:";
    for (const auto& u : p.urgent_mentions) m += " " + u;
    said.push_back(m);
  }
  std::string out;
  for (const auto& w : said) out += (out.empty() ? "" : "; ") + w;
  return out;
}

}  // namespace

int cmd_list(Session& s) {
  const auto& cfg = s.config;
  // A destination may show a server URL (ntfy's server, a relay): masked on
  // the way out like everything else, without resolving any secret.
  for (const auto& [name, p] : cfg.profiles) services::add_secrets(p, s.masker);
  if (s.options.list().names) {
    for (const auto& [name, p] : cfg.profiles) s.out(name + "\n");
    for (const auto& [name, g] : cfg.groups) s.out(name + "\n");
    return kExitOk;
  }
  std::map<std::string, int> waiting, failed;
  if (auto sp = user_spool(s)) {
    const auto listing = sp->list();
    for (const auto& e : listing.pending)
      for (const auto& t : e.record.targets) ++waiting[t];
    for (const auto& e : listing.failed)
      for (const auto& t : e.record.targets) ++failed[t];
  }
  if (s.options.json) {
    nlohmann::json j = {{"config", cfg.path},
                        {"spooled", waiting},
                        {"failed", failed},
                        {"profiles", nlohmann::json::array()},
                        {"groups", nlohmann::json::object()}};
    for (const auto& [name, p] : cfg.profiles) {
      j["profiles"].push_back({{"name", name},
                               {"type", p.type},
                               {"destination", destination(p)},
                               {"fallback", p.fallback},
                               {"priority", to_string(p.priority ? *p.priority
                                                      : p.silent ? Priority::low
                                                                 : Priority::normal)},
                               {"min_priority", to_string(p.min_priority)},
                               {"notice_only", p.notice_only},
                               {"urgent_mentions", p.urgent_mentions},
                               {"spooled", waiting.count(name) ? waiting[name] : 0}});
    }
    for (const auto& [name, g] : cfg.groups) j["groups"][name] = g;
    s.out(j.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    return kExitOk;
  }
  std::size_t w = 9;
  for (const auto& [name, p] : cfg.profiles) w = std::max(w, name.size() + 2);
  auto pad = [](std::string t, std::size_t n) {
    t.resize(std::max(n, t.size()), ' ');
    return t;
  };
  s.out(pad("PROFILE", w) + pad("TYPE", 12) + "DESTINATION\n");
  for (const auto& [name, p] : cfg.profiles) {
    std::string line = pad(name, w) + pad(p.type, 12) + destination(p);
    if (!p.fallback.empty()) {
      line += "  (fallback:";
      for (const auto& f : p.fallback) line += " " + f;
      line += ")";
    }
    if (const auto loud = loudness(p); !loud.empty()) line += "  [" + loud + "]";
    if (waiting.count(name))
      line += "  [" + std::to_string(waiting[name]) + " waiting in the spool]";
    if (failed.count(name))
      line += "  [" + std::to_string(failed[name]) + " failed: see `" + s.command_hint("spool") + "`]";
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
void verdict(const Session& s, int problems) {
  const std::string file = s.config.path.empty() ? "notify check" : s.config.path;
  if (problems == 0)
    s.out(file + ": OK (" + count_of(s.config.profiles.size(), "profile", "profiles") + ", " +
          count_of(s.config.groups.size(), "group", "groups") + ")\n");
  else
    s.out(file + ": not valid (" + count_of(std::size_t(problems), "problem", "problems") +
          ", on standard error)\n");
}

}  // namespace

int check_unreadable(Session& s) {
  verdict(s, 1);
  return kExitUsage;
}

int cmd_check(Session& s) {
  int problems = 0;
  // A file with no profile sends nothing to anyone, whatever else it holds.
  if (s.config.profiles.empty()) {
    s.error(s.config.path + ": no profile in this file (a [profiles.NAME] table with a type); "
            "`notify setup` writes one");
    ++problems;
  }
  for (auto& [name, p] : s.config.profiles) {
    if (auto r = s.resolve(p); !r) {
      s.error(r.error().message);
      ++problems;
    } else if (!p.ca_file.empty() && !s.world.file_exists(p.ca_file)) {
      s.error(p.where + ": profile '" + name + "': 'ca_file' " + p.ca_file +
              " does not exist");
      ++problems;
    }
  }
  // Sending tries each profile of a chain once, so a cycle never loops; but
  // it is never what was meant (a fallback that is the profile itself).
  for (const auto& cycle : config::fallback_cycles(s.config)) {
    const auto& first = s.config.profiles.at(cycle.front());
    s.error(first.where + ": profile '" + cycle.front() + "': " +
            (cycle.size() == 2 ? "falls back to itself"
                               : "its fallbacks lead back to it") +
            " (" + config::cycle_text(cycle) + "); a fallback must be another profile");
    ++problems;
  }
  if (problems) {
    verdict(s, problems);
    return kExitUsage;
  }
  // Valid, but `notify list` would list the file, not send to "list".
  auto shadowed = [&](const std::string& kind, const std::string& name) {
    if (is_command_name(name))
      s.warning(kind + " '" + name + "' has the name of a command: reach it as `notify send " +
                name + " ...`");
  };
  for (const auto& [name, p] : s.config.profiles) shadowed("profile", name);
  for (const auto& [name, g] : s.config.groups) shadowed("group", name);
  verdict(s, 0);
  return kExitOk;
}

}  // namespace notify::cli
