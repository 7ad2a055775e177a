#pragma once
// How --dry-run shows a request: some services read better as what the
// recipient gets than as HTTP (e-mail: the envelope and the message).

#include <optional>
#include <string>
#include <string_view>

#include "core/http.hpp"

namespace notify::app {

/// The service of type `kind`'s own view of `request`, secrets masked;
/// nullopt when it has none (then show the request as HTTP).
std::optional<std::string> preview(std::string_view kind, const HttpRequest& request);

}  // namespace notify::app
