#pragma once
// The network as it is, for the composition root: the command line builds
// its World with this and never names the transport (libcurl) itself.

#include <memory>

#include "core/http.hpp"

namespace notify::app {

/// A client that really sends (libcurl's multi interface). Each call makes
/// a new one; keep it for the connections it reuses.
std::unique_ptr<HttpClient> real_http();

}  // namespace notify::app
