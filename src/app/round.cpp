#include "app/round.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "app/attachments.hpp"
#include "app/secrets.hpp"
#include "config/loader.hpp"
#include "services/registry.hpp"

namespace notify::app {

namespace {

// Deliveries later than this say when the message was first sent.
constexpr std::int64_t kQueuedNoteAfterSeconds = 300;

std::string fingerprint(const std::vector<HttpRequest>& requests) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;
  };
  for (const auto& r : requests) {
    mix(r.method);
    mix(r.body);
  }
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(h));
  return buf;
}

std::string queued_title(const std::string& title, std::int64_t created, std::int64_t now) {
  const std::time_t c = static_cast<std::time_t>(created), n = static_cast<std::time_t>(now);
  std::tm ct{}, nt{};
  ::gmtime_r(&c, &ct);
  ::gmtime_r(&n, &nt);
  char when[40];
  const bool same_day = ct.tm_year == nt.tm_year && ct.tm_yday == nt.tm_yday;
  std::strftime(when, sizeof when, same_day ? "%H:%M UTC" : "%Y-%m-%d %H:%M UTC", &ct);
  const std::string note = std::string("queued ") + when;
  return title.empty() ? note : title + " (" + note + ")";
}

class Journaller final : public delivery::Observer {
 public:
  Journaller(spool::Journal* journal, const std::vector<std::string>& names)
      : journal_(journal), names_(names) {}
  void part_accepted(std::size_t leg, std::size_t part) override {
    if (journal_) journal_->append(spool::event_part(names_[leg], part));
  }
  void waiting() override {
    // The fast path never waits; once a delivery must wait, the message
    // is worth a trip to the disk.
    if (journal_ && !synced_) journal_->sync();
    synced_ = true;
  }

 private:
  spool::Journal* journal_;
  const std::vector<std::string>& names_;
  bool synced_ = false;
};

// A lookup as the engine sees it: one request, "delivered" when the
// service reads a value from its reply, which is the part's message id.
class LookupService final : public services::Service {
 public:
  explicit LookupService(const services::Service& service) : service_(service) {}
  std::vector<HttpRequest> build(const services::Message&,
                                 const services::BuildContext&) const override {
    return {};
  }
  services::Verdict interpret(const HttpResponse& response) const override {
    auto answer = service_.read_lookup(response);
    if (answer.value) return {services::Verdict::Kind::delivered, std::nullopt, "", ""};
    return answer.verdict;
  }
  std::size_t one_part_text(const services::Message&) const override { return 0; }
  std::string message_id(const HttpRequest&, const HttpResponse& response) const override {
    return service_.read_lookup(response).value.value_or("");
  }

 private:
  const services::Service& service_;
};

// Only a wait is worth a trip to the disk: a lookup is no part.
class LookupSync final : public delivery::Observer {
 public:
  explicit LookupSync(spool::Journal* journal) : journal_(journal) {}
  void waiting() override {
    if (journal_) journal_->sync();
  }

 private:
  spool::Journal* journal_;
};

// Performs the round's lookups with the engine (retries, Retry-After, the
// stop signal), rebuilds each answered leg with its answer and journals the
// new plan; a leg whose lookup failed is unavailable, for good when the
// server said so.
void resolve_lookups(Planned& planned, spool::Journal* journal, World& world, HttpClient& http) {
  std::vector<delivery::Leg> legs;
  std::vector<delivery::Plan> plans;
  for (const auto& lk : planned.lookups) {
    const auto& leg = planned.legs[lk.leg];
    delivery::Leg probe;
    probe.profile = leg.profile;
    probe.service = std::make_unique<LookupService>(*leg.service);
    probe.requests = {lk.request};
    plans.push_back({planned.leg_names[lk.leg], {legs.size()}});
    legs.push_back(std::move(probe));
  }
  LookupSync sync(journal);
  delivery::EngineOptions eo;
  eo.random01 = [&world] { return world.random_or_default().unit(); };
  eo.clock = &world.clock_or_default();
  eo.stop = world.stop;
  eo.observer = &sync;
  eo.log = [&world](std::string line) {
    // The engine speaks of parts; a lookup is the one request before them.
    const std::pair<std::string_view, std::string_view> words[] = {
        {": GET part 1/1", ": lookup"},
        {": part 1: delivered", ": lookup answered"},
        {": part 1: ", ": lookup: "}};
    for (const auto& [from, to] : words)
      if (const auto at = line.find(from); at != std::string::npos) {
        line.replace(at, from.size(), to);
        break;
      }
    world.tell(Level::verbose, line);
  };
  const auto answers = delivery::deliver(legs, plans, http, eo);
  for (std::size_t k = 0; k < planned.lookups.size(); ++k) {
    const auto& lk = planned.lookups[k];
    const auto& answer = answers[k];
    auto& leg = planned.legs[lk.leg];
    const std::string& name = planned.leg_names[lk.leg];
    if (!answer.delivered || answer.message_ids.empty() || answer.message_ids[0].empty()) {
      // The engine's words are "NAME: why"; the leg's own are the why.
      std::string why = answer.error;
      if (why.rfind(name + ": ", 0) == 0) why.erase(0, name.size() + 2);
      leg.unavailable = why.empty() ? "no answer to the lookup" : why;
      leg.unavailable_permanent = answer.permanent;
      leg.unavailable_hint = answer.hint;
      continue;
    }
    std::vector<std::string> drawn = lk.uuids;
    std::size_t replayed = 0;
    services::BuildContext ctx;
    ctx.new_uuid = [&] {
      if (replayed < lk.uuids.size()) return lk.uuids[replayed++];
      drawn.push_back(world.random_or_default().uuid4());
      return drawn.back();
    };
    if (lk.created_unix > 0) ctx.now_unix = [&lk] { return lk.created_unix; };
    ctx.lookup = answer.message_ids[0];
    leg.requests = leg.service->build(lk.message, ctx);
    if (!lk.message.edit_ids.empty()) {
      auto fresh = lk.message;
      fresh.edit_ids.clear();
      leg.anew = leg.service->build(fresh, ctx);
      if (leg.anew.size() != leg.requests.size()) leg.anew.clear();
    }
    spool::Plan plan{leg.requests.size(), fingerprint(leg.requests), drawn, lk.message.title,
                     ctx.lookup};
    if (journal) journal->append(spool::event_plan(name, plan));
    leg.first = 0;
  }
}

}  // namespace

Planned plan_round(const config::Config& cfg, spool::Record& record, spool::Journal* journal,
                   const RoundOptions& opts, World& world) {
  Planned out;
  const Draft& draft = record.message;
  std::vector<std::string> live;
  for (const auto& t : record.targets) {
    if (!opts.only.empty() && std::find(opts.only.begin(), opts.only.end(), t) == opts.only.end())
      continue;
    if (const auto it = cfg.profiles.find(t); it != cfg.profiles.end()) {
      // Judged with the profile as it is now: a flush honours a
      // min_priority raised since the message was kept.
      if (auto why = skip_reason(it->second, draft); !why.empty()) {
        delivery::Outcome skipped;
        skipped.target = t;
        skipped.skipped = std::move(why);
        out.settled.push_back(std::move(skipped));
        continue;
      }
      live.push_back(t);
      continue;
    }
    delivery::Outcome gone;
    gone.target = t;
    gone.error = "profile '" + t + "' is no longer in " + (cfg.path.empty() ? "the profile file" : cfg.path);
    gone.permanent = true;
    out.settled.push_back(std::move(gone));
  }
  // A notice names where the full text went: the message's other targets
  // that take it whole.
  const auto full_text_at = full_text_targets(cfg, record.targets, draft);
  const bool draft_is_notice = is_notice(draft);
  std::vector<std::string> destinations;
  {
    std::set<std::string> seen;
    for (const auto& t : live)
      for (auto& n : chain_of(cfg, t, draft))
        if (seen.insert(n).second) destinations.push_back(std::move(n));
  }
  const auto now = world.clock_or_default().unix_seconds();
  std::map<std::string, std::size_t> index;
  std::set<std::string> moved;  // destinations that now point elsewhere
  for (const auto& name : destinations) {
    delivery::Leg leg;
    out.profiles.push_back(effective(cfg.profiles.at(name), opts.overrides));
    config::Profile& p = out.profiles.back();
    leg.profile = &p;
    index[name] = out.legs.size();
    out.leg_names.push_back(name);
    if (auto r = config::resolve_secrets(p, world.env, world.read_file); !r) {
      // Only this profile waits for its secret; the others go ahead.
      leg.unavailable = r.error().message;
      leg.service = services::make_service(p);
      out.legs.push_back(std::move(leg));
      continue;
    }
    // Services copy the profile: made once its secrets are in.
    leg.service = services::make_service(p);
    if (world.masker) {
      services::add_secrets(p, *world.masker);
      learn_variables(p, world.env, *world.masker);
    }
    // A message goes only where it was addressed: a profile that now names
    // another chat, webhook or recipient gets it only if `spool retry`
    // said so, and then whole.
    const std::string identity = services::destination_identity(p);
    if (const auto it = record.destinations.find(name);
        it != record.destinations.end() && it->second != identity) {
      if (!record.accept_new.count(name)) {
        moved.insert(name);
        leg.unavailable = "now names a different destination";
        out.legs.push_back(std::move(leg));
        continue;
      }
      // Accepted by `spool retry`: the new place has none of it yet.
      record.plans.erase(name);
      record.accepted.erase(name);
      record.have.erase(name);
    }
    if (!record.destinations.count(name) || record.destinations.at(name) != identity ||
        record.accept_new.count(name)) {
      if (journal) journal->append(spool::event_destination(name, identity));
      record.destinations[name] = identity;
      record.accept_new.erase(name);
    }
    // Whether it is a target or a fallback, a notice_only profile's
    // requests never hold the text.
    std::optional<Draft> notice;
    if (p.notice_only && !draft_is_notice) notice = notice_of(draft, full_text_at);
    const Draft& sent = notice ? *notice : draft;
    auto m = message_for(p, sent);
    if (auto fit = fit_files(p, sent.files); !fit.left_out.empty())
      out.files_left_out[name] = std::move(fit.left_out);
    const std::size_t accepted = record.accepted.count(name) ? record.accepted.at(name) : 0;
    const spool::Plan* stored = record.plans.count(name) ? &record.plans.at(name) : nullptr;
    if (stored && accepted > 0 && stored->title)
      m.title = *stored->title;  // its first parts went out with this title
    else if (record.created_unix > 0 && now - record.created_unix > kQueuedNoteAfterSeconds)
      m.title = queued_title(m.title, record.created_unix, now);
    std::vector<std::string> drawn;
    std::size_t replayed = 0;
    services::BuildContext ctx;
    ctx.new_uuid = [&] {
      // The same random values as the first time give the same requests,
      // and above all the same LINE retry keys.
      if (stored && replayed < stored->uuids.size()) return stored->uuids[replayed++];
      drawn.push_back(world.random_or_default().uuid4());
      return drawn.back();
    };
    // A mail's Date is when the message was first sent: a flush rebuilds
    // the same message (and the same fingerprint).
    if (record.created_unix > 0) ctx.now_unix = [&record] { return record.created_unix; };
    // A lookup answered before is used again: the message goes where it
    // was first addressed, with no second question to the server.
    auto asks = leg.service->lookup(m);
    if (asks && stored && stored->lookup) ctx.lookup = stored->lookup;
    leg.requests = leg.service->build(m, ctx);
    // Built here, not when an edit is refused: a flush rebuilds it with
    // the same random values.
    if (!m.edit_ids.empty()) {
      auto fresh = m;
      fresh.edit_ids.clear();
      leg.anew = leg.service->build(fresh, ctx);
      if (leg.anew.size() != leg.requests.size()) leg.anew.clear();
    }
    const std::string fp = fingerprint(leg.requests);
    if (stored && stored->fingerprint == fp && stored->parts == leg.requests.size()) {
      leg.first = accepted;
    } else {
      if (stored && accepted > 0)
        world.tell(Level::warning, name + ": the profile changed since " + std::to_string(accepted) +
                                       " part(s) of this message were delivered; sending it whole");
      spool::Plan plan{leg.requests.size(), fp, {}, m.title, ctx.lookup};
      if (stored) plan.uuids.assign(stored->uuids.begin(), stored->uuids.begin() + long(replayed));
      plan.uuids.insert(plan.uuids.end(), drawn.begin(), drawn.end());
      if (journal) journal->append(spool::event_plan(name, plan));
      record.plans[name] = plan;
      record.accepted.erase(name);
    }
    leg.already_has = record.have.count(name) > 0;
    if (asks && !ctx.lookup && !leg.already_has && !opts.dry_run)
      out.lookups.push_back({out.legs.size(), std::move(*asks), m, record.plans.at(name).uuids,
                             record.created_unix});
    // Once per profile and process: a fallback may serve several targets,
    // and --stream delivers many messages.
    if (!world.noted || world.noted->insert(name).second)
      for (const auto& note : leg.service->notes(m)) world.tell(Level::verbose, name + ": " + note);
    out.legs.push_back(std::move(leg));
  }
  for (const auto& t : live) {
    const auto chain = chain_of(cfg, t, draft);
    const auto changed = std::find_if(chain.begin(), chain.end(),
                                      [&](const std::string& n) { return moved.count(n) > 0; });
    if (changed != chain.end()) {
      delivery::Outcome dead;
      dead.target = t;
      dead.error = "profile '" + *changed + "'" + (*changed == t ? "" : " (a fallback)") + " in " +
                   (cfg.absolute_path.empty() ? cfg.path : cfg.absolute_path) + " now names a different destination than when message " +
                   std::to_string(record.id) + " was sent, so it was not sent; to send it to '" +
                   *changed + "' as it is now: notify spool retry " + std::to_string(record.id);
      dead.permanent = true;
      out.settled.push_back(std::move(dead));
      continue;
    }
    delivery::Plan plan;
    plan.target = t;
    for (const auto& n : chain) plan.legs.push_back(index.at(n));
    out.plans.push_back(std::move(plan));
  }
  return out;
}

std::vector<DryRun> dry_runs(const Planned& planned) {
  std::vector<DryRun> out;
  for (const auto& plan : planned.plans) {
    // A target none of whose profiles can send (an unset ${VAR}) says why,
    // as a send would, instead of vanishing from the preview.
    const bool none = std::all_of(plan.legs.begin(), plan.legs.end(),
                                  [&](std::size_t l) { return !planned.legs[l].unavailable.empty(); });
    if (none && !plan.legs.empty()) {
      const auto& first = planned.legs[plan.legs.front()];
      out.push_back(DryRun{plan.target, first.profile->name, first.profile->type, {},
                           "would not be sent: " + first.unavailable, {}, {}});
      continue;
    }
    for (const auto l : plan.legs) {
      const auto& leg = planned.legs[l];
      if (!leg.unavailable.empty()) continue;
      DryRun run{plan.target, leg.profile->name, leg.profile->type, leg.requests, {}, {}, {}};
      if (const auto it = planned.files_left_out.find(leg.profile->name);
          it != planned.files_left_out.end())
        run.files_left_out = it->second;
      out.push_back(std::move(run));
      break;
    }
  }
  for (const auto& oc : planned.settled)
    if (!oc.skipped.empty()) out.push_back(DryRun{oc.target, "", "", {}, oc.skipped, {}, {}});
  return out;
}

RoundResult run_round(Planned& planned, spool::Journal* journal, World& world) {
  RoundResult result;
  std::vector<delivery::Outcome> outcomes;
  if (!planned.plans.empty()) {
    std::unique_ptr<HttpClient> own;
    if (!world.http) own = world.make_http();
    HttpClient& http = world.http ? *world.http : *own;
    if (!planned.lookups.empty()) resolve_lookups(planned, journal, world, http);
    Journaller journaller(journal, planned.leg_names);
    delivery::EngineOptions eo;
    eo.random01 = [&world] { return world.random_or_default().unit(); };
    eo.clock = &world.clock_or_default();
    eo.stop = world.stop;
    eo.observer = &journaller;
    eo.log = [&world](const std::string& line) { world.tell(Level::verbose, line); };
    outcomes = delivery::deliver(planned.legs, planned.plans, http, eo);
  }
  for (auto& oc : planned.settled) outcomes.push_back(std::move(oc));
  for (auto& oc : outcomes) {
    // What the profile that has the message (or would have had it) left out.
    if (const auto it = planned.files_left_out.find(oc.delivered ? oc.via : oc.target);
        it != planned.files_left_out.end() && oc.skipped.empty())
      oc.files_left_out = it->second;
    if (world.masker) {
      oc.error = world.masker->apply(oc.error);
      oc.fallback_reason = world.masker->apply(oc.fallback_reason);
    }
    if (!journal) continue;
    // A target the journal does not keep (spool = false, or skipped when
    // sent) has no line in it: a line naming it would contradict the record.
    const auto& kept = journal->record().targets;
    if (std::find(kept.begin(), kept.end(), oc.target) == kept.end()) continue;
    if (!oc.skipped.empty()) {
      // Kept for a target that now skips it (a flush): done with, not failed.
      journal->append(spool::event_done(oc.target, ""));
      continue;
    }
    if (oc.delivered) {
      journal->append(spool::event_done(oc.target, oc.via));
      continue;
    }
    auto state = journal->record().state.count(oc.target) ? journal->record().state.at(oc.target)
                                                          : spool::TargetState{};
    state.attempts += oc.attempts;
    state.last_error = oc.error;
    state.dead = oc.permanent;
    journal->append(spool::event_failed(oc.target, state));
  }
  result.outcomes = std::move(outcomes);
  return result;
}

}  // namespace notify::app
