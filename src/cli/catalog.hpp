#pragma once
// The services as the command line knows them: their keys and their words
// (config::Catalog), never the services themselves. The one door cli has
// to them, so that where the catalog comes from is one line.

#include "config/schema.hpp"

namespace notify::cli {

const config::Catalog& catalog();

}  // namespace notify::cli
