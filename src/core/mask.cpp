#include "core/mask.hpp"

#include <algorithm>

namespace notify {

void Masker::add(std::string_view secret) {
  if (secret.size() < 6) return;
  std::string s(secret);
  if (std::find(secrets_.begin(), secrets_.end(), s) != secrets_.end()) return;
  secrets_.push_back(std::move(s));
  std::stable_sort(secrets_.begin(), secrets_.end(),
                   [](const auto& a, const auto& b) { return a.size() > b.size(); });
}

void Masker::add_url(std::string_view url) {
  auto scheme = url.find("://");
  if (scheme == std::string_view::npos) return add(url);
  auto path_start = url.find('/', scheme + 3);
  if (path_start == std::string_view::npos) return;
  auto path = url.substr(path_start);
  path = path.substr(0, path.find_first_of("?#"));
  // The credential is the path after /hooks/ (Mattermost) or the last segment
  // after /webhooks/ID/ (Discord); mask both the tail and each long segment.
  for (std::string_view marker : {"/hooks/", "/webhooks/"}) {
    auto m = path.find(marker);
    if (m == std::string_view::npos) continue;
    auto rest = path.substr(m + marker.size());
    if (marker == std::string_view("/webhooks/")) {
      auto slash = rest.find('/');
      if (slash != std::string_view::npos) rest = rest.substr(slash + 1);
    }
    while (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
    add(rest);
    return;
  }
  // Unknown shape (a proxy, a relay): mask the last path segment.
  auto last = path.rfind('/');
  if (last != std::string_view::npos) add(path.substr(last + 1));
}

std::string Masker::apply(std::string_view text) const {
  std::string out(text);
  for (const auto& s : secrets_) {
    std::size_t pos = 0;
    while ((pos = out.find(s, pos)) != std::string::npos) {
      out.replace(pos, s.size(), "***");
      pos += 3;
    }
  }
  return out;
}

}  // namespace notify
