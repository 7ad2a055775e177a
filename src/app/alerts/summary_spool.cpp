#include "app/alerts/summary_spool.hpp"

#include "app/alerts/rules.hpp"
#include "app/alerts/store.hpp"

namespace notify::app::alerts {

void keep_summary(const config::Config& cfg, const std::string& target, AlertState& state,
                  std::int64_t cooldown, const Draft& held, std::int64_t now, const World& world) {
  if (!world.spool_dir || !state.last_sent) return;
  const auto owed = summary(state, cooldown, now);
  if (!owed) return;
  const spool::Spool sp(*world.spool_dir);
  if (state.summary_id) {
    spool::Journal j;
    std::string why;
    switch (sp.claim(state.summary_id, false, j, &why)) {
      case spool::Spool::ClaimStatus::busy:
        return;  // a flush has it: it is the one
      case spool::Spool::ClaimStatus::claimed:
        if (j.record().summary && j.record().summary->key == state.key &&
            j.record().targets == std::vector<std::string>{target}) {
          // Its text (what `spool show` prints) follows the count; the
          // flush that sends it makes it anew anyway.
          (void)j.amend([&](spool::Record& r) { r.message.body = owed->text; });
          return;
        }
        break;
      default:
        break;  // gone (dropped by hand, say): another one
    }
  }
  spool::Record r;
  r.message = held;
  r.message.files.clear();
  r.message.notice = false;
  r.message.body = owed->text;
  r.targets = {target};
  r.created_unix = now;
  r.config_path = cfg.absolute_path;
  r.due_unix = owed->due;
  r.summary = spool::Record::AlertSummary{state.key, cooldown};
  if (auto j = sp.begin(r); !j) {
    world.tell(Level::warning, target + ": cannot keep the summary of key '" + state.key +
                                   "' in the spool (" + j.error().message +
                                   "): the count goes with the key's next message");
    return;
  }
  state.summary_id = r.id;
}

SummaryFate take_summary(spool::Journal& journal, std::int64_t now, bool dry_run,
                         const World& world, std::string* text) {
  const spool::Record& rec = journal.record();
  const std::string id = std::to_string(rec.id);
  if (!rec.summary || rec.targets.size() != 1) return SummaryFate::send;
  const std::string& key = rec.summary->key;
  const std::string& target = rec.targets.front();
  if (!world.alerts_dir) {
    world.tell(Level::warning, "message " + id + " (the summary of key '" + key +
                                   "') waits: there is no state directory to read the key from");
    return SummaryFate::wait;
  }
  auto file = AlertStore(*world.alerts_dir).open(key, target);
  if (!file) {
    world.tell(Level::warning, "message " + id + " (the summary of key '" + key +
                                   "') waits: " + file.error().message);
    return SummaryFate::wait;
  }
  AlertState& state = file->state();
  const auto owed = summary(state, rec.summary->cooldown, now);
  if (!owed || state.summary_id != rec.id) {
    world.tell(Level::verbose, target + ": the summary of key '" + key +
                                   "' is dropped: a message of the key went out since");
    return SummaryFate::drop;
  }
  if (owed->due > now) {
    if (!dry_run) (void)journal.amend([&](spool::Record& r) { r.due_unix = owed->due; });
    return SummaryFate::wait;
  }
  if (text) *text = owed->text;
  if (dry_run) return SummaryFate::send;
  // The journal first: a crash between the two says the count twice (the
  // next message carries it too), never not at all.
  if (auto amended = journal.amend([&](spool::Record& r) {
        r.message.body = owed->text;
        r.created_unix = now;  // made now: not a late delivery, no "queued" note
        r.summary.reset();
        r.due_unix = 0;
      });
      !amended) {
    world.tell(Level::warning, "message " + id + " (the summary of key '" + key +
                                   "') waits: " + amended.error().message);
    return SummaryFate::wait;
  }
  journal.sync();  // on disk before the state says the count was said
  record_summary(state);
  if (auto saved = file->save(); !saved)
    world.tell(Level::warning, target + ": cannot save the state of key '" + key +
                                   "': " + saved.error().message);
  return SummaryFate::send;
}

}  // namespace notify::app::alerts
