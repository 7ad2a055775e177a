#include "services/parts.hpp"

#include <algorithm>

namespace notify::services {

namespace {

// Keeps a title from eating the whole part: at most a quarter of the limit.
std::string clip_title(const std::string& title, std::size_t limit,
                       message::Unit unit) {
  if (message::length_in(title, unit) <= limit / 4) return title;
  auto pieces = message::split(title, limit / 4 - 1, unit);
  return pieces.empty() ? std::string() : pieces.front() + "\u2026";
}

}  // namespace

std::vector<Part> make_parts(const Message& m, std::size_t limit,
                             message::Unit unit, std::size_t overhead) {
  const std::string title = clip_title(m.title, limit, unit);
  // Room for " (999/999)" and the newline after the header, whatever n is.
  const std::size_t header_room =
      (title.empty() ? 0 : message::length_in(title, unit)) + 12;
  const std::size_t budget =
      limit > header_room + overhead + 16 ? limit - header_room - overhead : 16;

  auto texts = message::split(m.body, budget, unit);
  texts = message::cap_parts(std::move(texts),
                             std::size_t(std::max(1, m.max_parts)));
  std::vector<Part> parts;
  parts.reserve(texts.size());
  const std::size_t n = texts.size();
  for (std::size_t i = 0; i < n; ++i) {
    std::string header = title;
    if (n > 1) {
      if (!header.empty()) header += ' ';
      header += "(" + std::to_string(i + 1) + "/" + std::to_string(n) + ")";
    }
    parts.push_back(Part{std::move(header), std::move(texts[i])});
  }
  if (parts.empty() && !title.empty()) parts.push_back(Part{title, ""});
  return parts;
}

}  // namespace notify::services
