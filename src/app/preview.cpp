#include "app/preview.hpp"

#include "services/registry.hpp"

namespace notify::app {

std::optional<std::string> preview(std::string_view kind, const HttpRequest& request) {
  const auto* service = services::find_service(kind);
  if (!service || !service->preview) return std::nullopt;
  return service->preview(request);
}

}  // namespace notify::app
