#include "app/secrets.hpp"

#include "services/registry.hpp"

namespace notify::app {

void learn_url_shapes(Masker& masker) { services::add_url_shapes(masker); }

void learn_secrets(const config::Profile& profile, Masker& masker) {
  services::add_secrets(profile, masker);
}

void learn_variables(const config::Profile& profile, const config::EnvLookup& env,
                     Masker& masker) {
  // A variable inside a longer value ("Bearer ${TOKEN}") is a secret of
  // its own: a server that quotes the token alone must not show it.
  // A whole value, and a URL, are masked as such already (a URL by its
  // shape, which keeps its host readable).
  for (const auto& src : profile.secret_sources) {
    if (src.is_file || src.url) continue;
    if (src.value.size() > 3 && src.value.rfind("${", 0) == 0 &&
        src.value.find('}') == src.value.size() - 1)
      continue;
    for (std::size_t at = src.value.find("${"); at != std::string::npos;
         at = src.value.find("${", at + 2)) {
      const auto end = src.value.find('}', at + 2);
      if (end == std::string::npos) break;
      if (const auto value = env(src.value.substr(at + 2, end - at - 2))) masker.add(*value);
    }
  }
}

Result<void> resolve_profile(config::Profile& profile, const config::EnvLookup& env,
                             const config::FileReader& read_file, Masker& masker) {
  auto r = config::resolve_secrets(profile, env, read_file);
  if (!r) return r;
  services::add_secrets(profile, masker);
  learn_variables(profile, env, masker);
  return {};
}

void learn_all_secrets(config::Config& config, const config::EnvLookup& env,
                       const config::FileReader& read_file, Masker& masker) {
  for (auto& [name, p] : config.profiles)
    if (!resolve_profile(p, env, read_file, masker)) services::add_secrets(p, masker);
}

}  // namespace notify::app
