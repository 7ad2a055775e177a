#pragma once
// A message with an alert key: under the key's lock on each target, the
// rules decide whether it goes out now (carrying its line: the count held
// back, or "resolved after ..."), is held back by cooldown, or, a resolve
// with no trouble, has nothing to say; the state then follows what became
// of it. Private to app: send.cpp calls it.

#include <string>
#include <vector>

#include "app/send.hpp"

namespace notify::app::alerts {

/// How a part of the message goes out: send.cpp's plain send.
using SendNow = SendResult (*)(const config::Config&, const std::vector<std::string>&,
                               const Draft&, const SendOptions&, World&);

/// Sends `draft` with `opts.alert.key` to the targets. A held target's
/// outcome has `held` set, a resolve's with nothing to say `skipped`; both
/// leave the exit status 0. A target's window starts once its message is
/// delivered or kept in the spool: one neither (lost, or a dead letter)
/// changes nothing, so the next message is not held back for it.
SendResult send_keyed(const config::Config& config, const std::vector<std::string>& targets,
                      const Draft& draft, const SendOptions& opts, World& world,
                      SendNow send_now);

}  // namespace notify::app::alerts
