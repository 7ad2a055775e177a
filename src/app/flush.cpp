#include "app/flush.hpp"

#include "app/alerts/quiet_hours.hpp"
#include "app/alerts/flushed.hpp"
#include "app/alerts/summary_spool.hpp"
#include "app/round.hpp"
#include "app/stream_journal.hpp"

#include <algorithm>
#include <map>

namespace notify::app {

namespace {

// The profile files spooled messages were sent with, each read once.
class ConfigFiles {
 public:
  ConfigFiles(const config::Config& own, World& world) : own_(own), world_(world) {}

  struct Found {
    const config::Config* config = nullptr;  ///< null: see gone / problem
    bool gone = false;                       ///< the file no longer exists
    std::string problem;                     ///< it exists but cannot be used now
  };

  Found of(const spool::Record& record) {
    const std::string& path = record.config_path;
    // Spools from before the path was recorded go with the caller's file.
    if (path.empty() && own_.path.empty())
      return {nullptr, false, "it names no profile file and there is none to use"};
    if (path.empty() || path == own_.absolute_path) return {&own_, false, {}};
    auto it = cache_.find(path);
    if (it == cache_.end()) it = cache_.emplace(path, load(path)).first;
    return it->second.config ? Found{&*it->second.config, false, {}}
                             : Found{nullptr, it->second.gone, it->second.problem};
  }

 private:
  struct Entry {
    std::optional<config::Config> config;
    bool gone = false;
    std::string problem;
  };
  Entry load(const std::string& path) {
    Entry e;
    if (!world_.load_config || (world_.file_exists && !world_.file_exists(path))) {
      e.gone = world_.load_config != nullptr;
      if (!e.gone) e.problem = "cannot read other profile files here";
      return e;
    }
    auto cfg = world_.load_config(path);
    if (cfg) e.config = std::move(*cfg);
    else e.problem = cfg.error().message;
    return e;
  }

  const config::Config& own_;
  World& world_;
  std::map<std::string, Entry> cache_;
};

// A journal that contradicts its record cannot say what was delivered:
// the whole message becomes a dead letter, never a delivered one, and
// `notify spool retry` decides to send again what it does not prove.
Result<void> bury_damaged(spool::Journal& journal, std::uint64_t id, FlushResult& result) {
  const std::string reason = "journal damaged: " + journal.record().damaged;
  const auto targets = journal.record().targets;
  for (const auto& t : targets) {
    auto state = journal.record().state.count(t) ? journal.record().state.at(t)
                                                 : spool::TargetState{};
    state.last_error = reason;
    state.dead = true;
    journal.append(spool::event_failed(t, state));
  }
  auto settled = journal.settle();
  if (!settled) return make_error(ErrorKind::io, settled.error().message);
  for (const auto& t : targets) {
    delivery::Outcome oc;
    oc.target = t;
    oc.error = reason;
    oc.spooled = true;
    oc.dead = true;
    oc.spool_id = std::to_string(id);
    ++result.dead;
    result.items.push_back({id, std::move(oc), true});
  }
  return {};
}

}  // namespace

Result<FlushResult> flush(const config::Config& cfg, const FlushOptions& opts, World& world) {
  if (!world.spool_dir)
    return make_error(ErrorKind::io, "no spool: neither XDG_STATE_HOME nor HOME is set");
  const spool::Spool sp(*world.spool_dir);
  // Never send what could not be marked done afterwards.
  if (auto w = sp.check_writable(); !w)
    return make_error(ErrorKind::io, w.error().message + "; nothing was sent");
  sp.tidy();

  // One client for the whole flush: its connections (and TLS sessions) are
  // reused from one spooled message to the next.
  std::unique_ptr<HttpClient> own_http;
  struct Restore {
    World& w;
    HttpClient* before;
    ~Restore() { w.http = before; }
  } restore{world, world.http};
  if (!world.http && world.make_http) {
    own_http = world.make_http();
    world.http = own_http.get();
  }

  FlushResult result;
  ConfigFiles files(cfg, world);
  auto listing = sp.list();
  for (const auto& r : listing.refused) result.refused.push_back(r.text());
  // A target whose message could not go now keeps its later ones back too:
  // they must arrive in order.
  std::set<std::string> held_back;
  auto wanted = [&](const std::string& t) { return !opts.only || opts.only->count(t); };
  // What a dead --stream had read is newer than the batches it had cut.
  std::stable_partition(listing.pending.begin(), listing.pending.end(),
                        [](const spool::Listed& e) { return !e.record.stream_open; });
  const std::int64_t now = world.clock_or_default().unix_seconds();
  // Held messages a digest already holds: a flush died between writing the
  // digest and removing them. And those this flush puts in one.
  std::set<std::uint64_t> digested;
  for (const auto* list : {&listing.pending, &listing.failed})
    for (const auto& e : *list) digested.insert(e.record.digest_of.begin(), e.record.digest_of.end());
  const std::set<std::uint64_t> in_old_digest = digested;
  // A dead --stream tells the batch it was cutting when it died by its tag
  // in the spool (stream_leftover): such a batch held for quiet hours stays
  // as it is until that stream is sealed, or it would be read as lost and
  // sent twice. The next flush puts it in the digest.
  std::set<std::string> cutting;
  for (const auto& e : listing.pending)
    if (e.record.stream_open && e.record.taking)
      cutting.insert(std::to_string(e.id) + ":" + std::to_string(e.record.taking->seq));
  std::set<std::uint64_t> not_yet;
  for (const auto& e : listing.pending)
    if (e.record.quiet && !e.record.batch_of.empty() && cutting.count(e.record.batch_of))
      not_yet.insert(e.id);
  for (const auto& entry : listing.pending) {
    if (not_yet.count(entry.id)) {
      for (const auto& t : entry.record.targets)
        if (wanted(t)) ++result.not_due;
      continue;
    }
    if (digested.count(entry.id)) {
      if (!opts.dry_run && in_old_digest.count(entry.id)) {
        spool::Journal held;
        std::string why;
        if (sp.claim(entry.id, false, held, &why) == spool::Spool::ClaimStatus::claimed &&
            held.record().quiet)
          (void)held.remove();
      }
      continue;
    }
    if (entry.record.due_unix > now) {
      // Not due yet: left untouched, and nothing of its targets waits
      // behind it (it is not late, it is for later).
      for (const auto& t : entry.record.targets)
        if (wanted(t)) ++result.not_due;
      continue;
    }
    if (world.stop.requested && world.stop.requested()) {
      result.stopped = true;
      for (const auto& t : entry.record.targets)
        if (wanted(t)) ++result.left;
      continue;
    }
    spool::Journal journal;
    std::string why;
    switch (sp.claim(entry.id, false, journal, &why)) {
      case spool::Spool::ClaimStatus::gone:
        continue;
      case spool::Spool::ClaimStatus::refused:
        result.refused.push_back(entry.path + ": " + why + "; left alone");
        continue;
      case spool::Spool::ClaimStatus::busy:
        // Being sent or flushed by another notify right now. A running
        // --stream's buffer is not a message yet: nothing waits behind it.
        if (entry.record.stream_open) continue;
        world.tell(Level::verbose, "message " + std::to_string(entry.id) +
                                       " is being delivered by another notify; skipped");
        for (const auto& t : entry.record.targets) held_back.insert(t);
        continue;
      case spool::Spool::ClaimStatus::claimed:
        break;
    }
    if (!journal.record().damaged.empty()) {
      if (!std::any_of(journal.record().targets.begin(), journal.record().targets.end(), wanted))
        continue;
      if (opts.dry_run) {
        world.tell(Level::warning, "message " + std::to_string(entry.id) + ": journal damaged: " +
                                       journal.record().damaged +
                                       "; a flush makes it a dead letter");
        continue;
      }
      if (auto dead = bury_damaged(journal, entry.id, result); !dead) return dead.error();
      continue;
    }
    if (journal.record().stream_open) {
      // A --stream that died: what it had read and not yet sent.
      const auto leftover = stream_leftover(sp, journal.record());
      if (!leftover) {
        if (!opts.dry_run) (void)journal.remove();
        continue;
      }
      if (opts.dry_run) {
        spool::Record sealed = journal.record();
        sealed.stream_open = false;
        sealed.message.body = *leftover;
        journal = spool::Journal();  // the dry run changes nothing
        RoundOptions ro;
        ro.overrides = opts.overrides;
        ro.dry_run = true;
        const auto file = files.of(sealed);
        if (file.config)
          for (auto& d : dry_runs(plan_round(*file.config, sealed, nullptr, ro, world)))
            result.dry_run.push_back(std::move(d));
        continue;
      }
      if (auto r = sp.renumber(journal); !r) return make_error(ErrorKind::io, r.error().message);
      journal.append(spool::event_stream_seal(*leftover));
    }
    spool::Record record = journal.record();
    RoundOptions ro;
    ro.overrides = opts.overrides;
    ro.dry_run = opts.dry_run;
    for (const auto& t : record.targets) {
      if (!wanted(t)) continue;
      if (held_back.count(t)) {
        ++result.left;
        continue;
      }
      ro.only.push_back(t);
    }
    if (ro.only.empty()) continue;
    if (record.summary) {
      std::string text;
      switch (alerts::take_summary(journal, now, opts.dry_run, world, &text)) {
        case alerts::SummaryFate::drop:
          if (!opts.dry_run) (void)journal.remove();
          continue;
        case alerts::SummaryFate::wait:
          result.not_due += static_cast<int>(ro.only.size());
          continue;
        case alerts::SummaryFate::send:
          if (opts.dry_run) record.message.body = text;
          else record = journal.record();
          break;
      }
      // A summary is news arriving now: in its profile's quiet hours it
      // waits for the digest like any other message.
      const auto file = files.of(record);
      const auto profile = file.config ? file.config->profiles.find(ro.only.front())
                                       : std::map<std::string, config::Profile>::const_iterator();
      if (file.config && profile != file.config->profiles.end() && ro.only.size() == 1) {
        if (const auto hold =
                alerts::quiet_hold(profile->second, record.message, now, world.clock_or_default())) {
          if (opts.dry_run) {
            DryRun d;
            d.target = d.profile = ro.only.front();
            d.kind = profile->second.type;
            d.quiet = alerts::hold_text(*hold);
            result.dry_run.push_back(std::move(d));
          } else {
            (void)journal.amend([&](spool::Record& r) {
              r.quiet = spool::Record::QuietHold{hold->window};
              r.due_unix = hold->until;
              r.created_unix = now;
            });
          }
          ++result.not_due;
          continue;
        }
      }
    }
    if (alerts::digestible(record)) {
      // The first of a profile's held messages due: all of them as one.
      const auto file = files.of(record);
      const config::Profile* profile = nullptr;
      if (file.config)
        if (const auto p = file.config->profiles.find(record.targets.front());
            p != file.config->profiles.end())
          profile = &p->second;
      std::set<std::uint64_t> skip = digested;
      skip.insert(not_yet.begin(), not_yet.end());
      auto digest = alerts::make_digest(sp, std::move(journal), listing.pending, skip, profile, now,
                                        opts.dry_run, world);
      if (!digest) {
        world.tell(Level::warning, "the messages held for " + record.targets.front() +
                                       "'s quiet hours wait: their digest cannot be written (" +
                                       digest.error().message + ")");
        for (const auto& t : ro.only) {
          ++result.left;
          held_back.insert(t);
        }
        continue;
      }
      digested.insert(digest->ids.begin(), digest->ids.end());
      world.tell(Level::verbose,
                 record.targets.front() + ": " + std::to_string(digest->ids.size()) +
                     (digest->ids.size() == 1 ? " message" : " messages") +
                     " held for quiet hours go as one digest" +
                     (opts.dry_run ? "" : " (spool id " + std::to_string(digest->record.id) + ")"));
      journal = std::move(digest->journal);
      record = std::move(digest->record);
    }
    const auto file = files.of(record);
    if (!file.config && !file.gone) {
      // Being edited, say: not a reason to give the message up.
      world.tell(Level::warning, "message " + std::to_string(record.id) + " waits: its profile file" +
                                     (record.config_path.empty() ? "" : " " + record.config_path) +
                                     " cannot be used now (" + file.problem + ")");
      for (const auto& t : ro.only) {
        ++result.left;
        held_back.insert(t);
      }
      continue;
    }
    Planned planned;
    if (file.gone) {
      // Another file's same-named profile may be another chat: never that.
      for (const auto& t : ro.only) {
        delivery::Outcome dead;
        dead.target = t;
        const auto id = std::to_string(record.id);
        dead.error = "the profile file " + record.config_path + " that message " + id +
                     " was sent with is gone, so it was not sent; `notify spool retry " + id +
                     "` sends it to profile '" + t + "' of the profile file that command reads "
                     "(add -c FILE for another)";
        dead.permanent = true;
        planned.settled.push_back(std::move(dead));
      }
    } else {
      planned = plan_round(*file.config, record, opts.dry_run ? nullptr : &journal, ro, world);
    }
    if (opts.dry_run) {
      for (auto& d : dry_runs(planned)) result.dry_run.push_back(std::move(d));
      continue;
    }
    auto round = run_round(planned, &journal, world);
    auto settled = journal.settle();
    if (!settled) return make_error(ErrorKind::io, settled.error().message);
    alerts::remember_flushed(record.message, round.outcomes, world);
    for (auto& oc : round.outcomes) {
      const auto& dead = settled->dead;
      if (!oc.skipped.empty()) {
        // The profile now takes only louder messages: done with, not kept.
      } else if (oc.delivered) {
        ++result.delivered;
      } else {
        oc.spooled = true;
        oc.spool_id = std::to_string(record.id);
        oc.dead = std::find(dead.begin(), dead.end(), oc.target) != dead.end();
        if (oc.dead) {
          ++result.dead;
        } else {
          ++result.left;
          held_back.insert(oc.target);
        }
      }
      if (oc.stopped) result.stopped = true;
      result.items.push_back({record.id, std::move(oc), false});
    }
  }
  result.exit_status = (result.left || result.dead) ? 1 : 0;
  return result;
}

}  // namespace notify::app
