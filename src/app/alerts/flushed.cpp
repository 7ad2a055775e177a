#include "app/alerts/flushed.hpp"

#include "app/alerts/rules.hpp"
#include "app/alerts/store.hpp"

namespace notify::app::alerts {

void remember_flushed(const Draft& message, const std::vector<Outcome>& outcomes,
                      const World& world) {
  if (!world.alerts_dir) return;
  const AlertStore store(*world.alerts_dir);
  for (const auto& oc : outcomes) {
    const auto a = message.anchors.find(oc.target);
    if (a == message.anchors.end() || a->second.key.empty() || !oc.delivered ||
        oc.via != oc.target || !(a->second.keep_ids || a->second.keep_thread))
      continue;
    auto file = store.open(a->second.key, oc.target);
    if (!file) {
      world.tell(Level::warning, oc.target + ": cannot keep the message of key '" +
                                     a->second.key + "': " + file.error().message);
      continue;
    }
    if (!file->damage().empty()) world.tell(Level::warning, file->damage());
    remember(file->state(), a->second.keep_ids, a->second.keep_thread, oc.message_ids, true);
    if (auto saved = file->save(); !saved)
      world.tell(Level::warning, oc.target + ": cannot save the state of key '" + a->second.key +
                                     "': " + saved.error().message);
  }
}

}  // namespace notify::app::alerts
