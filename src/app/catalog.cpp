#include "app/catalog.hpp"

#include "services/registry.hpp"

namespace notify::app {

const config::Catalog& catalog() { return services::catalog(); }

}  // namespace notify::app
