#pragma once
// Quiet hours (PRODUCT.md "The right alert, once"): in a profile's window
// of local time, a message below its quiet_below is kept in the spool, due
// when the window ends, instead of going out; the first flush after that
// sends all of the profile's held messages as one digest. Private to app:
// send.cpp and flush.cpp call it.

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "app/world.hpp"
#include "config/profile.hpp"
#include "core/result.hpp"
#include "message/draft.hpp"
#include "spool/spool.hpp"

namespace notify::app::alerts {

struct QuietHold {
  std::string window;       ///< "22:00-07:00"
  std::int64_t until = 0;   ///< when it ends (unix seconds)
  std::string until_local;  ///< the local clock then: "07:00"
};

/// Whether `profile` keeps `draft` for its quiet hours at `now`: it has a
/// window, `now` is inside it (core/daily_window.hpp: local time by
/// `clock`), and the level it would send the draft at (level_for) is below
/// its quiet_below. nullopt: the message goes now.
std::optional<QuietHold> quiet_hold(const config::Profile& profile, const Draft& draft,
                                    std::int64_t now, const Clock& clock);

/// "22:00-07:00 until 07:00": what -v, --dry-run and `spool show` say.
std::string hold_text(const QuietHold& hold);

/// Keeps `draft` in the spool for `target` alone, due at the hold's end,
/// marked as held for quiet hours (`batch_of`: a --stream's batch, as
/// send records it). Returns the id it waits under.
Result<std::uint64_t> keep_for_quiet_hours(const config::Config& config, const std::string& target,
                                           const Draft& draft, const QuietHold& hold,
                                           const std::string& batch_of, std::int64_t now,
                                           const World& world);

/// One digest of held messages, in the order they were held: "N messages
/// held during quiet hours 22:00-07:00:", then each one after its local
/// time ("[23:12] " and its title, or the first line of its text). As loud
/// as the loudest of them on `profile` (when known), markdown when all
/// are, a notice when all are notices.
Draft digest_draft(const std::vector<spool::Record>& held, const config::Profile* profile,
                   std::int64_t now, const Clock& clock);

/// The held messages a flush makes one digest of.
struct Digest {
  spool::Record record;    ///< the digest; in the spool (journal) unless a dry run
  spool::Journal journal;  ///< held: the flush sends it
  std::vector<std::uint64_t> ids;  ///< the held messages it replaced
};

/// A flush claimed `first`, a message held for quiet hours and now due:
/// claims the other held messages of its target in `pending` that are due
/// by `now`, sent with the same profile file and carrying no files (one
/// another notify holds is left for the next flush), and journals their
/// digest, fsync'd, before removing them. With `dry_run` nothing is
/// written or removed. `profile`: the target's profile as the flush sends
/// with it (nullptr when its file cannot be used). Errors: the digest
/// cannot be written (the held messages then stay as they are).
Result<Digest> make_digest(const spool::Spool& spool, spool::Journal first,
                           const std::vector<spool::Listed>& pending,
                           const std::set<std::uint64_t>& skip, const config::Profile* profile,
                           std::int64_t now, bool dry_run, const World& world);

/// Whether a spooled message is a held one a digest takes.
bool digestible(const spool::Record& record);

}  // namespace notify::app::alerts
