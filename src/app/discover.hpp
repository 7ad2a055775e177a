#pragma once
// Finding where a service can send: the chats its credentials reach
// (`notify <service> discover`, setup listening for a first message). The
// service does the talking (its registry row's discovery); this asks it
// through the World's HTTP client. The command line prints and prompts.

#include <string>
#include <string_view>
#include <vector>

#include "app/world.hpp"
#include "config/discovery.hpp"
#include "config/profile.hpp"
#include "config/schema.hpp"

namespace notify::app {

/// The services whose chats can be listed, in the catalog's order.
std::vector<const config::ServiceDoc*> discoverable();

/// The profiles of `type` in `config`, by name.
std::vector<std::string> profiles_of(const config::Config& config, std::string_view type);

/// The profile whose secret and server a discovery of `service` uses: the
/// one named `name`, or with `name` empty the only one of its type (of
/// several, none is meant). Errors (usage) in words that a hint how to
/// name one may follow.
Result<std::string> discovery_profile(const config::Config& config,
                                      const config::ServiceDoc& service, const std::string& name);

/// The chats `secret` reaches on the service of `type` (one of
/// discoverable()) at `server`, nothing consumed. With wait_s > 0 the
/// server may hold the question that long, until something arrives. The
/// secret is taught to world.masker first; a transfer with no answer is
/// "cannot reach SERVER: why".
config::Discovered discover(std::string_view type, const std::string& secret,
                            const std::string& server, int wait_s, const World& world);

}  // namespace notify::app
