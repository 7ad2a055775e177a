#include "app/secrets.hpp"

#include "services/registry.hpp"

namespace notify::app {

void learn_url_shapes(Masker& masker) { services::add_url_shapes(masker); }

void learn_secrets(const config::Profile& profile, Masker& masker) {
  services::add_secrets(profile, masker);
}

Result<void> resolve_profile(config::Profile& profile, const config::EnvLookup& env,
                             const config::FileReader& read_file, Masker& masker) {
  auto r = config::resolve_secrets(profile, env, read_file);
  if (!r) return r;
  services::add_secrets(profile, masker);
  return {};
}

void learn_all_secrets(config::Config& config, const config::EnvLookup& env,
                       const config::FileReader& read_file, Masker& masker) {
  for (auto& [name, p] : config.profiles)
    if (!resolve_profile(p, env, read_file, masker)) services::add_secrets(p, masker);
}

}  // namespace notify::app
