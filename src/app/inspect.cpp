#include "app/inspect.hpp"

#include "app/catalog.hpp"
#include "app/secrets.hpp"
#include "config/fallbacks.hpp"
#include "services/registry.hpp"

namespace notify::app {

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
  // A table's entries (a webhook's headers) say nothing of where it goes.
  for (const auto& src : p.secret_sources)
    if (!src.spec || src.spec->type != config::KeyType::table) secret = describe_secret(p, src);
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
  // When, beside how loudly: below quiet_below, quiet hours hold messages.
  if (p.quiet_hours)
    said.push_back("quiet_hours " + window_text(*p.quiet_hours) +
                   (p.quiet_below != Priority::urgent
                        ? std::string(" below ") + to_string(p.quiet_below)
                        : std::string()));
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

ProfileListing list_profiles(const config::Config& config,
                             const std::optional<std::string>& spool_dir, Masker& masker) {
  ProfileListing out;
  for (const auto& [name, p] : config.profiles) {
    services::add_secrets(p, masker);
    out.profiles.push_back({name, p.type, destination(p), p.fallback,
                            p.priority ? *p.priority : p.silent ? Priority::low : Priority::normal,
                            p.min_priority, p.notice_only, p.urgent_mentions, loudness(p)});
  }
  if (spool_dir) out.spool = count_spool(*spool_dir);
  return out;
}

CheckReport check_profiles(config::Config& config, const World& world) {
  CheckReport out;
  // A file with no profile sends nothing to anyone, whatever else it holds.
  if (config.profiles.empty())
    out.problems.push_back(config.path +
                           ": no profile in this file (a [profiles.NAME] table with a type); "
                           "`notify setup` writes one");
  Masker scratch;
  Masker& masker = world.masker ? *world.masker : scratch;
  for (auto& [name, p] : config.profiles) {
    if (auto r = resolve_profile(p, world.env, world.read_file, masker); !r)
      out.problems.push_back(r.error().message);
    else if (!p.ca_file.empty() && !world.file_exists(p.ca_file))
      out.problems.push_back(p.where + ": profile '" + name + "': 'ca_file' " + p.ca_file +
                             " does not exist");
  }
  // Sending tries each profile of a chain once, so a cycle never loops; but
  // it is never what was meant (a fallback that is the profile itself).
  for (const auto& cycle : config::fallback_cycles(config)) {
    const auto& first = config.profiles.at(cycle.front());
    out.problems.push_back(first.where + ": profile '" + cycle.front() + "': " +
                           (cycle.size() == 2 ? "falls back to itself"
                                              : "its fallbacks lead back to it") +
                           " (" + config::cycle_text(cycle) + "); a fallback must be another profile");
  }
  if (!out.problems.empty()) return out;
  // Valid, but `notify list` would list the file, not send to "list".
  auto shadowed = [&](const std::string& kind, const std::string& name) {
    if (catalog().is_command_word(name))
      out.warnings.push_back(kind + " '" + name +
                             "' has the name of a command: reach it as `notify send " + name +
                             " ...`");
  };
  for (const auto& [name, p] : config.profiles) shadowed("profile", name);
  for (const auto& [name, g] : config.groups) shadowed("group", name);
  return out;
}

}  // namespace notify::app
