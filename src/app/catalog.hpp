#pragma once
// The services notify can deliver to, as the command line may know them:
// their keys (config::ServiceSchema) and their words (config::ServiceDoc),
// from the registry (services/registry.hpp), which only app and below see.

#include "config/schema.hpp"

namespace notify::app {

const config::Catalog& catalog();

}  // namespace notify::app
