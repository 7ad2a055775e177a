#include "cli/deliver.hpp"

#include <chrono>
#include <deque>
#include <set>

#include <nlohmann/json.hpp>

#include "config/loader.hpp"
#include "message/sanitize.hpp"
#include "services/parts.hpp"
#include "services/service.hpp"

namespace notify::cli {

namespace {

using config::Profile;

// A profile with the command line's overrides applied.
Profile effective(const Profile& p, const CliOptions& o) {
  Profile e = p;
  if (o.timeout_s) e.timeout_s = *o.timeout_s;
  if (o.retries) e.retries = *o.retries;
  if (o.max_parts) e.max_parts = *o.max_parts;
  return e;
}

services::Message message_for(const Profile& p, const Draft& d) {
  services::Message m;
  m.title = d.title;
  m.body = d.body;
  // --markdown on the command line wins over a profile's `code = true`.
  m.markdown = d.markdown;
  m.code = !d.markdown && (d.code || p.code);
  m.code_lang = !d.code_lang.empty() ? d.code_lang : p.code_lang;
  m.silent = d.silent || p.silent;
  m.username = d.username.empty() ? p.username : d.username;
  m.channel = d.channel.empty() ? p.channel : d.channel;
  m.icon_url = p.icon_url;
  m.icon_emoji = p.icon_emoji;
  const auto& icon = d.icon;
  if (icon.size() > 2 && icon.front() == ':' && icon.back() == ':') {
    m.icon_emoji = icon.substr(1, icon.size() - 2);
    m.icon_url.clear();
  } else if (!icon.empty()) {
    m.icon_url = icon;
    m.icon_emoji.clear();
  }
  m.max_parts = p.max_parts;
  return m;
}

// Primary then fallbacks, depth first, each profile at most once.
void chain(const config::Config& cfg, const std::string& name, std::vector<std::string>& out,
           std::set<std::string>& seen) {
  if (!seen.insert(name).second) return;
  out.push_back(name);
  for (const auto& f : cfg.profiles.at(name).fallback) chain(cfg, f, out, seen);
}

std::vector<std::string> chain_of(const config::Config& cfg, const std::string& name) {
  std::vector<std::string> c;
  std::set<std::string> seen;
  chain(cfg, name, c, seen);
  return c;
}

// Every profile the targets may reach: each one's chain, in order.
std::vector<std::string> reachable(const config::Config& cfg, const std::vector<std::string>& names) {
  std::vector<std::string> out;
  for (const auto& t : names)
    for (auto& n : chain_of(cfg, t)) out.push_back(std::move(n));
  return out;
}

void print_dry_run(const Session& s, const std::string& target, const Profile& p,
                   const std::vector<HttpRequest>& reqs) {
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    const auto& r = reqs[i];
    std::string text = "--- " + target + " (" + config::to_string(p.kind) + ") request " +
                       std::to_string(i + 1) + "/" + std::to_string(reqs.size()) + "\n";
    text += r.method + " " + r.url + "\n";
    for (const auto& [k, v] : r.headers) text += k + ": " + v + "\n";
    // Uploads can be megabytes of binary: show their start, readably.
    constexpr std::size_t kShown = 2000;
    text += "\n" + (r.body.size() <= kShown ? r.body
                                            : message::sanitize(r.body.substr(0, kShown)) +
                                                  "\n[... " + std::to_string(r.body.size() - kShown) +
                                                  " more bytes]") + "\n";
    s.out(text);
  }
}

std::int64_t now_unix() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Draft draft_from_options(const CliOptions& o) {
  Draft d;
  d.code = o.code;
  d.code_lang = o.code_lang;
  d.markdown = o.markdown;
  d.silent = o.silent;
  d.username = o.username.value_or("");
  d.icon = o.icon.value_or("");
  d.channel = o.channel.value_or("");
  d.files = o.files;
  return d;
}

bool resolve_targets(Session& s, const std::vector<std::string>& names) {
  for (const auto& n : reachable(s.config, names)) {
    if (auto r = s.resolve(s.config.profiles.at(n)); !r) {
      s.error(r.error().message);
      return false;
    }
  }
  return true;
}

std::optional<std::vector<std::string>> command_targets(Session& s) {
  auto names = config::expand_targets(s.config, s.options.targets);
  if (!names) {
    s.error(names.error().message);
    return std::nullopt;
  }
  if (!resolve_targets(s, *names)) return std::nullopt;
  return std::move(*names);
}

std::size_t input_budget(const Session& s, const std::vector<std::string>& names) {
  std::size_t budget = 0;
  for (const auto& n : reachable(s.config, names)) {
    auto p = effective(s.config.profiles.at(n), s.options);
    budget = std::max(budget, services::input_units(p));
  }
  return budget;
}

PartShape strictest_part(const Session& s, const std::vector<std::string>& names,
                         const Draft& draft) {
  PartShape shape{0, 0};
  for (const auto& n : reachable(s.config, names)) {
    auto p = effective(s.config.profiles.at(n), s.options);
    const auto units = services::make_service(p)->one_part_text(message_for(p, draft));
    if (shape.units == 0 || units < shape.units) shape.units = units;
    if (shape.max_parts == 0 || p.max_parts < shape.max_parts) shape.max_parts = p.max_parts;
  }
  shape.max_parts = std::max(shape.max_parts, 1);
  return shape;
}

std::optional<spool::Spool> user_spool(const Session& s) {
  auto dir = spool::default_dir(s.world.env("XDG_STATE_HOME"), s.world.env("HOME"));
  if (!dir) return std::nullopt;
  return spool::Spool(*dir);
}

Result<void> check_files(Session& s, const std::vector<std::string>& names, const Draft& draft) {
  for (const auto& path : draft.files) {
    // Only the size is needed here; the content is read once, when sent.
    auto size = s.world.readable_size(path);
    if (!size) return make_error(ErrorKind::usage, "--file " + path + ": " + size.error().message);
    for (const auto& n : reachable(s.config, names)) {
      const auto& p = s.config.profiles.at(n);
      const auto limit = services::make_service(p)->max_file_bytes();
      if (limit == 0)
        return make_error(ErrorKind::usage,
                          "--file: profile '" + n + "' is " + config::to_string(p.kind) +
                              (p.kind == config::ServiceKind::mattermost
                                   ? ", whose incoming webhooks cannot carry files"
                                   : ", whose push messages cannot carry files"));
      if (*size > limit)
        return make_error(ErrorKind::usage, "--file " + path + ": " +
                                                std::to_string(*size) + " bytes is over " +
                                                config::to_string(p.kind) + "'s limit of " +
                                                std::to_string(limit) + " bytes");
    }
  }
  return {};
}

Delivery deliver_draft(Session& s, const std::vector<std::string>& names, const Draft& draft,
                       bool spool_failures, HttpClient* shared_http,
                       std::function<bool()> stopping) {
  const auto& o = s.options;
  std::vector<services::Attachment> files;
  for (const auto& path : draft.files) {
    auto data = s.world.read_file(path);
    services::Attachment a;
    a.name = path.substr(path.rfind('/') + 1);
    if (data) a.data = std::move(*data);
    else s.error("--file " + path + ": " + data.error().message);
    files.push_back(std::move(a));
  }
  std::deque<Profile> profiles;  // stable addresses for the engine
  services::BuildContext ctx{s.world.new_uuid};
  std::vector<delivery::Plan> plans;
  for (const auto& target : names) {
    delivery::Plan plan;
    plan.target = target;
    for (const auto& n : chain_of(s.config, target)) {
      profiles.push_back(effective(s.config.profiles.at(n), o));
      const Profile& p = profiles.back();
      auto m = message_for(p, draft);
      m.files = files;
      delivery::Leg leg;
      leg.profile = &p;
      leg.service = services::make_service(p);
      leg.requests = leg.service->build(m, ctx);
      // Once per profile and process: a fallback may serve several targets,
      // and --stream delivers many messages.
      if (s.noted_profiles.insert(p.name).second)
        for (const auto& note : leg.service->notes(m)) s.verbose(p.name + ": " + note);
      plan.legs.push_back(std::move(leg));
    }
    plans.push_back(std::move(plan));
  }

  Delivery result;
  if (o.dry_run) {
    // What would be sent first; fallbacks go out only on failure.
    for (const auto& plan : plans)
      print_dry_run(s, plan.target, *plan.legs.front().profile, plan.legs.front().requests);
    return result;
  }

  std::unique_ptr<HttpClient> own_http;
  if (!shared_http) own_http = s.world.make_http();
  HttpClient& http = shared_http ? *shared_http : *own_http;
  delivery::EngineOptions eo;
  eo.random01 = s.world.random01;
  eo.stopping = std::move(stopping);
  if (o.verbose) eo.log = [&s](const std::string& line) { s.verbose(line); };
  result.outcomes = delivery::deliver(plans, http, eo);

  std::optional<spool::Spool> sp;
  for (auto& oc : result.outcomes) {
    if (oc.delivered) continue;
    result.exit_status = kExitNotDelivered;
    if (!spool_failures) continue;
    if (!s.config.profiles.at(oc.target).spool) {
      s.error(oc.target + ": spooling is off for this profile (spool = false); "
                          "the message is lost");
      continue;
    }
    if (!sp) sp = user_spool(s);
    Draft entry = draft;
    entry.target = oc.target;
    entry.created_unix = now_unix();
    entry.last_error = s.masker.apply(oc.error);
    auto written = sp ? sp->add(entry)
                      : Result<std::string>(make_error(
                            ErrorKind::io, "neither XDG_STATE_HOME nor HOME is set"));
    if (written) {
      oc.spooled = true;
    } else {
      // Last resort: the text goes to stderr, where cron mails it.
      s.error(oc.target + ": could not spool the message (" + written.error().message +
              "); here it is:\n" + draft.title + (draft.title.empty() ? "" : "\n") +
              draft.body);
    }
  }
  return result;
}

void report(const Session& s, const std::vector<delivery::Outcome>& outcomes,
            bool report_success) {
  for (const auto& oc : outcomes) {
    if (s.options.json) {
      nlohmann::json j = {
          {"target", oc.target},
          {"delivered", oc.delivered},
          {"via", oc.via.empty() ? nlohmann::json() : nlohmann::json(oc.via)},
          {"parts", oc.parts},
          {"parts_sent", oc.parts_sent},
          {"http_status", oc.http_status},
          {"attempts", oc.attempts},
          {"error", oc.error.empty() ? nlohmann::json() : nlohmann::json(oc.error)},
          {"spooled", oc.spooled}};
      s.out(j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n");
    }
    if (oc.delivered) {
      const bool fallback = oc.via != oc.target;
      std::string line = oc.target + ": delivered" +
                         (fallback ? " via fallback '" + oc.via + "'" : "") + " (" +
                         std::to_string(oc.parts) + (oc.parts == 1 ? " part" : " parts") +
                         ", HTTP " + std::to_string(oc.http_status) + ")";
      if (report_success || fallback) s.info(line);
      else s.verbose(line);
    } else {
      s.error(oc.target + ": not delivered: " + oc.error);
      if (!oc.hint.empty()) s.info("hint: " + oc.hint);
      if (oc.spooled)
        s.info(oc.target + ": message kept in the spool; `notify flush` sends it later");
    }
  }
}

}  // namespace notify::cli
