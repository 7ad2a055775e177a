#include "cli/catalog.hpp"

#include "app/catalog.hpp"

namespace notify::cli {

const config::Catalog& catalog() { return app::catalog(); }

}  // namespace notify::cli
