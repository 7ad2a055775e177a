#pragma once
// What the services share of --priority: the line of urgent_mentions a
// message starts with, and the -v note of a service that cannot be louder.

#include <string>

#include "message/priority.hpp"
#include "services/service.hpp"

namespace notify::services {

/// The profile's urgent_mentions as one line ("<@&1> @here"), "" when the
/// message carries none (it is not urgent, or the profile lists none).
inline std::string mentions_line(const Message& m) {
  std::string out;
  for (const auto& mention : m.urgent_mentions) {
    if (mention.empty()) continue;
    if (!out.empty()) out += ' ';
    out += mention;
  }
  return out;
}

/// The -v note of a service with no switch louder than normal.
inline std::string no_louder_note(const std::string& service, const Message& m) {
  std::string note = service + " has no louder switch: a " + to_string(m.priority) +
                     " message is sent as a normal one";
  if (!mentions_line(m).empty())
    note += "; urgent_mentions are added as text and cannot make a phone ring more";
  return note;
}

}  // namespace notify::services
