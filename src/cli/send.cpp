// The send path: targets → profiles (with fallbacks) → requests → engine.

#include <deque>
#include <set>

#include <nlohmann/json.hpp>

#include "cli/input.hpp"
#include "cli/session.hpp"
#include "config/loader.hpp"
#include "delivery/engine.hpp"
#include "message/sanitize.hpp"
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

services::Message message_for(const Profile& p, const CliOptions& o,
                              const std::string& title, const std::string& body) {
  services::Message m;
  m.title = title;
  m.body = body;
  m.code = o.code || p.code;
  m.code_lang = !o.code_lang.empty() ? o.code_lang : p.code_lang;
  m.silent = o.silent || p.silent;
  m.username = o.username.value_or(p.username);
  m.channel = o.channel.value_or(p.channel);
  m.icon_url = p.icon_url;
  m.icon_emoji = p.icon_emoji;
  if (o.icon) {
    const auto& icon = *o.icon;
    if (icon.size() > 2 && icon.front() == ':' && icon.back() == ':') {
      m.icon_emoji = icon.substr(1, icon.size() - 2);
      m.icon_url.clear();
    } else {
      m.icon_url = icon;
      m.icon_emoji.clear();
    }
  }
  m.max_parts = p.max_parts;
  return m;
}

// Primary then fallbacks, depth first, each profile at most once.
void chain(const config::Config& cfg, const std::string& name,
           std::vector<std::string>& out, std::set<std::string>& seen) {
  if (!seen.insert(name).second) return;
  out.push_back(name);
  for (const auto& f : cfg.profiles.at(name).fallback) chain(cfg, f, out, seen);
}

void print_dry_run(const Session& s, const std::string& target, const Profile& p,
                   const std::vector<HttpRequest>& reqs) {
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    const auto& r = reqs[i];
    std::string text = "--- " + target + (target == p.name ? "" : " via " + p.name) +
                       " (" + config::to_string(p.kind) + ") request " +
                       std::to_string(i + 1) + "/" + std::to_string(reqs.size()) + "\n";
    text += r.method + " " + r.url + "\n";
    for (const auto& [k, v] : r.headers) text += k + ": " + v + "\n";
    text += "\n" + r.body + "\n";
    s.out(text);
  }
}

nlohmann::json outcome_json(const delivery::Outcome& o, const Masker& m) {
  nlohmann::json j = {{"target", o.target},
                      {"delivered", o.delivered},
                      {"via", o.via.empty() ? nlohmann::json() : nlohmann::json(o.via)},
                      {"parts", o.parts},
                      {"parts_sent", o.parts_sent},
                      {"http_status", o.http_status},
                      {"attempts", o.attempts},
                      {"error", o.error.empty() ? nlohmann::json() : nlohmann::json(m.apply(o.error))},
                      {"spooled", o.spooled}};
  return j;
}

struct SendRequest {
  std::string title;
  std::optional<std::string> body;  // nullopt: read standard input
};

int send(Session& s, const SendRequest& req, bool report_success) {
  const auto& o = s.options;
  auto names = config::expand_targets(s.config, o.targets);
  if (!names) {
    s.error(names.error().message);
    return kExitUsage;
  }
  // Resolve every profile a target may reach before reading or sending
  // anything: a configuration error must send nothing.
  std::vector<std::vector<std::string>> chains;
  std::deque<Profile> profiles;
  std::map<std::string, const Profile*> by_name;
  for (const auto& t : *names) {
    std::vector<std::string> c;
    std::set<std::string> seen;
    chain(s.config, t, c, seen);
    for (const auto& n : c) {
      if (by_name.count(n)) continue;
      auto& p = s.config.profiles.at(n);
      if (auto r = s.resolve(p); !r) {
        s.error(r.error().message);
        return kExitUsage;
      }
      profiles.push_back(effective(p, o));
      by_name[n] = &profiles.back();
    }
    chains.push_back(std::move(c));
  }

  std::string body;
  if (req.body) {
    body = *req.body;
  } else {
    if (s.world.is_terminal(s.world.in_fd)) {
      s.error("no message: give it as words after the target, or pipe it in "
              "(e.g. `df -h | notify " + o.targets + "`)");
      return kExitUsage;
    }
    std::size_t budget = 0;
    for (const auto& p : profiles)
      budget = std::max(budget, services::part_limit(p) * std::size_t(p.max_parts));
    std::string tee_warning;
    auto text = read_message(s.world.in_fd, budget + 4096, o.tee ? s.world.tee_fd : -1,
                             &tee_warning);
    if (!tee_warning.empty()) s.warning(tee_warning);
    if (!text) {
      s.error(text.error().message);
      return kExitNotDelivered;
    }
    body = std::move(*text);
  }
  // `printf 'x\n'` and `echo x` mean "x": the final newline is not content.
  while (!body.empty() && (body.back() == '\n' || body.back() == ' ' || body.back() == '\t'))
    body.pop_back();
  if (message::is_blank(body) && message::is_blank(req.title)) {
    s.info("nothing to send: the message is empty");
    if (o.json)
      for (const auto& t : *names)
        s.out(nlohmann::json({{"target", t}, {"delivered", false}, {"skipped", "empty message"}})
                  .dump() + "\n");
    return kExitOk;
  }

  services::BuildContext ctx{s.world.new_uuid};
  std::vector<delivery::Plan> plans;
  for (std::size_t i = 0; i < names->size(); ++i) {
    delivery::Plan plan;
    plan.target = (*names)[i];
    for (const auto& n : chains[i]) {
      const Profile* p = by_name.at(n);
      auto m = message_for(*p, o, req.title, body);
      delivery::Leg leg;
      leg.profile = p;
      leg.service = services::make_service(*p);
      leg.requests = leg.service->build(m, ctx);
      for (const auto& note : leg.service->notes(m)) s.verbose(p->name + ": " + note);
      plan.legs.push_back(std::move(leg));
    }
    plans.push_back(std::move(plan));
  }

  if (o.dry_run) {
    // The primary leg is what would be sent; fallbacks only on failure.
    for (const auto& plan : plans)
      print_dry_run(s, plan.target, *plan.legs.front().profile, plan.legs.front().requests);
    return kExitOk;
  }

  auto http = s.world.make_http();
  delivery::EngineOptions eo;
  eo.random01 = s.world.random01;
  if (o.verbose) eo.log = [&s](const std::string& line) { s.verbose(line); };
  auto outcomes = delivery::deliver(plans, *http, eo);

  int status = kExitOk;
  for (auto& oc : outcomes) {
    if (!oc.delivered) status = kExitNotDelivered;
    if (o.json) {
      s.out(outcome_json(oc, s.masker).dump(-1, ' ', false,
                                            nlohmann::json::error_handler_t::replace) + "\n");
    }
    if (oc.delivered) {
      std::string line = oc.target + ": delivered" +
                         (oc.via != oc.target ? " via fallback '" + oc.via + "'" : "") +
                         " (" + std::to_string(oc.parts) +
                         (oc.parts == 1 ? " part" : " parts") + ", HTTP " +
                         std::to_string(oc.http_status) + ")";
      if (report_success) s.info(line);
      else s.verbose(line);
      if (oc.via != oc.target && !report_success) s.warning(oc.target + ": delivered via fallback '" + oc.via + "'");
    } else {
      s.error(oc.target + ": not delivered: " + oc.error);
      if (!oc.hint.empty()) s.info("hint: " + oc.hint);
    }
  }
  return status;
}

}  // namespace

int cmd_send(Session& s) {
  SendRequest req;
  req.title = message::sanitize(s.options.title.value_or(""));
  if (!s.options.words.empty()) {
    std::string joined;
    for (const auto& w : s.options.words) joined += (joined.empty() ? "" : " ") + w;
    req.body = message::sanitize(joined);
  }
  return send(s, req, false);
}

int cmd_test(Session& s) {
  SendRequest req;
  req.title = "notify test";
  req.body = "Test message from notify on " + s.world.hostname() +
             ": if you can read this, the profile works.";
  return send(s, req, true);
}

}  // namespace notify::cli
