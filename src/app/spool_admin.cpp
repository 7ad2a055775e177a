#include "app/spool_admin.hpp"

#include "spool/spool.hpp"

namespace notify::app {

namespace {

std::optional<std::uint64_t> parse_id(const std::string& word) {
  if (word.empty() || word.size() > 19 || word.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::stoull(word);
}

// A file of that id the spool would not read, if any.
const spool::Refused* refused_id(const spool::Spool::Listing& listing, std::uint64_t id) {
  for (const auto& r : listing.refused)
    if (r.id == id) return &r;
  return nullptr;
}

SpooledMessage spooled(const spool::Listed& e, std::int64_t now) {
  const auto& r = e.record;
  SpooledMessage m;
  m.id = e.id;
  m.failed = e.failed;
  m.created_unix = r.created_unix;
  m.age_seconds = now - r.created_unix;
  m.due_unix = r.due_unix;
  m.due = !e.failed && r.due_unix <= now;
  if (r.summary) m.summary_of = r.summary->key;
  if (r.quiet) m.quiet_hours = r.quiet->window;
  m.profile_file = r.config_path;
  m.damaged = r.damaged;
  m.have.assign(r.have.begin(), r.have.end());
  m.message = r.message;
  for (const auto& t : r.targets) {
    const auto st = r.state.count(t) ? r.state.at(t) : spool::TargetState{};
    m.targets.push_back({t, st.attempts, st.last_error,
                         r.damaged.empty() ? st.last_error : "journal damaged: " + r.damaged});
  }
  return m;
}

// The messages a selection names, each with whether it is in failed/;
// `retry` reaches dead letters only.
Result<std::vector<std::pair<std::uint64_t, bool>>> select(const spool::Spool& sp,
                                                           const spool::Spool::Listing& listing,
                                                           const SpoolSelection& sel, bool retry) {
  std::vector<std::pair<std::uint64_t, bool>> chosen;
  if (sel.all && retry)
    return make_error(ErrorKind::usage, "--all is not an option; use --failed or IDs");
  if ((sel.failed || sel.all) && !sel.ids.empty())
    return make_error(ErrorKind::usage, std::string("give IDs or ") +
                                            (sel.all ? "--all" : "--failed") + ", not both");
  if (sel.failed || sel.all) {
    for (const auto& e : listing.failed) chosen.emplace_back(e.id, true);
    if (sel.all)
      for (const auto& e : listing.pending) chosen.emplace_back(e.id, false);
    return chosen;
  }
  if (sel.ids.empty())
    return make_error(ErrorKind::usage, std::string("give message IDs") +
                                            (retry ? " or --failed" : ", --failed or --all") +
                                            " (see `notify spool`)");
  for (const auto& word : sel.ids) {
    const auto id = parse_id(word);
    if (!id) return make_error(ErrorKind::usage, "'" + word + "' is not a message id");
    bool any = false;
    for (const auto& e : listing.failed)
      if (e.id == *id) chosen.emplace_back(*id, true), any = true;
    if (!retry)
      for (const auto& e : listing.pending)
        if (e.id == *id) chosen.emplace_back(*id, false), any = true;
    if (any) continue;
    if (const auto* r = refused_id(listing, *id); r && (r->failed || !retry))
      return make_error(ErrorKind::io, r->text());
    return make_error(ErrorKind::usage, std::string("no ") + (retry ? "failed " : "") +
                                            "message " + word + " in " + sp.dir());
  }
  return chosen;
}

}  // namespace

std::optional<std::string> spool_dir(const config::EnvLookup& env) {
  return spool::default_dir(env("XDG_STATE_HOME"), env("HOME"));
}

SpoolListing list_spool(const std::string& dir, const Clock& clock) {
  const spool::Spool sp(dir);
  const auto listing = sp.list();
  const auto now = clock.unix_seconds();
  SpoolListing out;
  out.dir = dir;
  for (const auto& r : listing.refused) out.refused.push_back(r.text());
  for (const auto* group : {&listing.pending, &listing.failed})
    for (const auto& e : *group) out.messages.push_back(spooled(e, now));
  return out;
}

SpoolCounts count_spool(const std::string& dir) {
  const auto listing = spool::Spool(dir).list();
  SpoolCounts out;
  for (const auto& e : listing.pending)
    for (const auto& t : e.record.targets) ++out.waiting[t];
  for (const auto& e : listing.failed)
    for (const auto& t : e.record.targets) ++out.failed[t];
  return out;
}

Result<SpooledMessage> show_spooled(const std::string& dir, const std::string& id_word,
                                    const Clock& clock) {
  const auto id = parse_id(id_word);
  if (!id) return make_error(ErrorKind::usage, "'" + id_word + "' is not a message id");
  const spool::Spool sp(dir);
  const auto listing = sp.list();
  for (const auto* group : {&listing.pending, &listing.failed})
    for (const auto& e : *group)
      if (e.id == *id) return spooled(e, clock.unix_seconds());
  if (const auto* r = refused_id(listing, *id)) return make_error(ErrorKind::io, r->text());
  return make_error(ErrorKind::usage, "no message " + std::to_string(*id) + " in " + dir);
}

Result<SpoolChange> drop_spooled(const std::string& dir, const SpoolSelection& selection) {
  const spool::Spool sp(dir);
  auto chosen = select(sp, sp.list(), selection, false);
  if (!chosen) return chosen.error();
  SpoolChange change;
  for (const auto& [id, failed] : *chosen) {
    spool::Journal j;
    std::string why;
    Result<void> r;
    switch (sp.claim(id, failed, j, &why)) {
      case spool::Spool::ClaimStatus::claimed: r = j.remove(); break;
      case spool::Spool::ClaimStatus::gone: continue;
      case spool::Spool::ClaimStatus::busy:
        r = make_error(ErrorKind::io,
                       "message " + std::to_string(id) + " is being delivered right now");
        break;
      case spool::Spool::ClaimStatus::refused:
        r = make_error(ErrorKind::io, sp.path_of(id, failed) + ": " + why + "; left alone");
        break;
    }
    if (r) ++change.done;
    else change.problems.push_back(r.error().message);
  }
  return change;
}

Result<SpoolChange> retry_spooled(const std::string& dir, const SpoolSelection& selection,
                                  const config::Config& config,
                                  const std::function<bool(const std::string&)>& file_exists) {
  const spool::Spool sp(dir);
  auto chosen = select(sp, sp.list(), selection, true);
  if (!chosen) return chosen.error();
  SpoolChange change;
  for (const auto& [id, failed] : *chosen) {
    // The user asked for this message to go out as things are now.
    auto r = sp.retry(id, [&](spool::Record& rec) {
      for (const auto& [dest, identity] : rec.destinations) rec.accept_new.insert(dest);
      if (!rec.config_path.empty() && !file_exists(rec.config_path) &&
          !config.absolute_path.empty())
        rec.config_path = config.absolute_path;
    });
    if (r) ++change.done;
    else change.problems.push_back(r.error().message);
  }
  return change;
}

}  // namespace notify::app
