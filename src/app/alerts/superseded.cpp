#include "app/alerts/superseded.hpp"

#include <algorithm>

#include "spool/journal.hpp"
#include "spool/spool.hpp"

namespace notify::app::alerts {

namespace {

bool edits(const spool::Record& r, const std::string& target, const std::string& edited_id) {
  const auto a = r.message.anchors.find(target);
  return a != r.message.anchors.end() && !a->second.edit.empty() &&
         a->second.edit.front() == edited_id &&
         std::find(r.targets.begin(), r.targets.end(), target) != r.targets.end();
}

}  // namespace

void drop_superseded_edits(const std::string& target, const std::string& edited_id,
                           std::int64_t sent_at, const World& world) {
  if (!world.spool_dir || edited_id.empty()) return;
  const spool::Spool sp(*world.spool_dir);
  for (const auto& entry : sp.list().pending) {
    if (entry.record.created_unix > sent_at || !edits(entry.record, target, edited_id)) continue;
    spool::Journal j;
    std::string why;
    if (sp.claim(entry.id, false, j, &why) != spool::Spool::ClaimStatus::claimed) continue;
    // Read again under the lock: a flush may have changed it since the listing.
    if (!edits(j.record(), target, edited_id)) continue;
    j.append(spool::event_done(target, ""));
    if (auto settled = j.settle(); !settled) {
      world.tell(Level::warning, "updating the spool: " + settled.error().message);
      continue;
    }
    world.tell(Level::verbose, target + ": message " + std::to_string(entry.id) +
                                   " in the spool was an older text of this one; not sent there");
  }
}

}  // namespace notify::app::alerts
