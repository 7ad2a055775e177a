#pragma once
// From target names to the profiles a message may reach, and each
// profile's view of the message.

#include <optional>
#include <string>
#include <vector>

#include "app/budget.hpp"
#include "app/results.hpp"
#include "config/profile.hpp"
#include "message/draft.hpp"
#include "services/service.hpp"

namespace notify::app {

/// The profile with the overrides applied.
config::Profile effective(const config::Profile& profile, const Overrides& overrides);

/// The target, then its fallbacks depth first, each profile once. Names
/// the file no longer has are left out.
std::vector<std::string> chain_of(const config::Config& config, const std::string& target);

/// Every profile the targets may reach, each once, in order.
std::vector<std::string> reachable(const config::Config& config,
                                   const std::vector<std::string>& targets);

/// The level this profile sends the draft at: --priority, else --silent,
/// else the profile's priority, else its silent, else normal.
Priority level_for(const config::Profile& profile, const Draft& draft);

/// Why this profile takes no part in sending the draft ("priority normal
/// is below its min_priority high"); empty when it takes it.
std::string skip_reason(const config::Profile& profile, const Draft& draft);

/// chain_of for this draft: a profile that skips it is passed over with
/// the fallbacks it would bring (they stand in for it, and it is not
/// failing), so a target that skips it has an empty chain.
std::vector<std::string> chain_of(const config::Config& config, const std::string& target,
                                  const Draft& draft);

/// The targets whose message the spool keeps until delivered: not those
/// with `spool = false`, nor those that skip the draft's level (skipped is
/// not failed, so nothing waits for them).
std::vector<std::string> kept_targets(const config::Config& config,
                                      const std::vector<std::string>& targets, const Draft& draft);

/// The targets whose profiles take the draft's full text: not notice_only,
/// not skipping its level (what a notice names).
std::vector<std::string> full_text_targets(const config::Config& config,
                                           const std::vector<std::string>& targets,
                                           const Draft& draft);

/// What a notice_only profile gets instead of the draft: its title (a
/// notice's title is the draft's), the body "new message" and where the
/// full text went; no files, nothing else of the text.
Draft notice_of(const Draft& draft, const std::vector<std::string>& full_text_at);

/// True when the draft is such a notice already (a spooled notice flushes
/// as written): the journal keeps what notice_of marked.
bool is_notice(const Draft& draft);

/// The message as this profile sends it: the draft's options over the
/// profile's; the files it cannot carry left out and named in a line at
/// the end of the text (fit_files).
services::Message message_for(const config::Profile& profile, const Draft& draft);

/// The least body text one message of any profile these targets reach
/// holds for a draft shaped like this one, in that service's unit, and the
/// smallest max_parts among them (--stream's batch size).
struct PartShape {
  std::size_t units = 0;
  int max_parts = 1;
};
PartShape strictest_part(const config::Config& config, const std::vector<std::string>& targets,
                         const Draft& draft, const Overrides& overrides);

}  // namespace notify::app
