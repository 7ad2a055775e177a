#include "app/discover.hpp"

#include "app/catalog.hpp"
#include "services/registry.hpp"
#include "transport/sync.hpp"

namespace notify::app {

std::vector<const config::ServiceDoc*> discoverable() { return catalog().discoverable(); }

std::vector<std::string> profiles_of(const config::Config& config, std::string_view type) {
  std::vector<std::string> out;
  for (const auto& [name, p] : config.profiles)
    if (p.type == type) out.push_back(name);
  return out;
}

Result<std::string> discovery_profile(const config::Config& config,
                                      const config::ServiceDoc& service, const std::string& name) {
  const std::string type(service.schema->type), noun(service.name);
  const std::string in_file = config.path.empty() ? "" : " in " + config.path;
  if (name.empty()) {
    const auto candidates = profiles_of(config, type);
    if (candidates.size() == 1) return candidates.front();
    std::string names;
    for (const auto& n : candidates) names += (names.empty() ? "" : ", ") + n;
    return make_error(ErrorKind::usage,
                      candidates.empty()
                          ? "no " + noun + " profile" + in_file
                          : "several " + noun + " profiles" + in_file + " (" + names + ")");
  }
  const auto it = config.profiles.find(name);
  if (it == config.profiles.end() || it->second.type != type)
    return make_error(ErrorKind::usage, "no " + noun + " profile '" + name + "'" + in_file);
  return name;
}

config::Discovered discover(std::string_view type, const std::string& secret,
                            const std::string& server, int wait_s, const World& world) {
  const auto* service = services::find_service(type);
  if (!service || !service->discovery) return {{}, std::string(type) + " lists no chats", false};
  if (world.masker) world.masker->add(secret);
  const auto& d = *service->discovery;
  std::unique_ptr<HttpClient> own;
  HttpClient* http = world.http;
  if (!http) http = (own = world.make_http()).get();
  RequestOptions ro;
  // Long polling: the server answers by itself after wait_s; the rest is
  // for the network.
  ro.timeout = std::chrono::seconds(wait_s + 15);
  const auto r = perform(*http, d.request(secret, server, wait_s), ro);
  if (r.error != TransportError::none) return {{}, "cannot reach " + server + ": " + r.error_text, false};
  return d.read(r, server);
}

}  // namespace notify::app
