#pragma once
// Secrets as the command line meets them: resolved from where a profile
// says they are, and taught to the Masker that every printed line passes,
// with the URL shapes each service keeps a secret in.

#include "config/loader.hpp"
#include "config/profile.hpp"
#include "core/mask.hpp"
#include "core/result.hpp"

namespace notify::app {

/// Teaches `masker` the URL shapes with a secret that any service knows:
/// what a URL nobody registered (a redirect's Location) is read with.
void learn_url_shapes(Masker& masker);

/// Teaches `masker` what `profile` holds, resolved or, where not resolved
/// yet, as written out (a ${VAR} or *_file reference holds nothing).
void learn_secrets(const config::Profile& profile, Masker& masker);

/// Resolves the profile's secrets and teaches them to `masker`. The error
/// says which profile and which secret.
Result<void> resolve_profile(config::Profile& profile, const config::EnvLookup& env,
                             const config::FileReader& read_file, Masker& masker);

/// Every secret the profile file can give: each profile resolved where it
/// can be, else what it writes out.
/// Teaches `masker` the value of each ${VAR} a secret of `profile` names,
/// on its own (a server may quote the token of "Bearer ${TOKEN}" alone).
void learn_variables(const config::Profile& profile, const config::EnvLookup& env,
                     Masker& masker);

void learn_all_secrets(config::Config& config, const config::EnvLookup& env,
                       const config::FileReader& read_file, Masker& masker);

}  // namespace notify::app
