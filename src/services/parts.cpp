#include "services/parts.hpp"

#include <algorithm>

#include "message/fences.hpp"
#include "services/registry.hpp"

namespace notify::services {

namespace {

// Keeps a title from eating the whole part: at most a quarter of the limit.
std::string clip_title(const std::string& title, std::size_t limit,
                       message::Unit unit) {
  if (message::length_in(title, unit) <= limit / 4) return title;
  auto pieces = message::split(title, limit / 4 - 1, unit);
  return pieces.empty() ? std::string() : pieces.front() + "\u2026";
}

// Tells each part where its text came from, following cap_parts()'s
// documented layout: head pieces, then the note alone (3 parts or more) or
// in front of the end of the last piece (1 or 2), then tail pieces.
void locate(std::vector<Part>& parts, const std::vector<std::size_t>& offsets,
            std::size_t last_piece_size) {
  const std::size_t n = offsets.size();
  const std::size_t k = parts.size();
  if (k == n) {
    for (std::size_t i = 0; i < k; ++i) parts[i].source = offsets[i];
    return;
  }
  if (k >= 3) {
    const std::size_t head = (k - 1) / 2;
    for (std::size_t i = 0; i < head; ++i) parts[i].source = offsets[i];
    for (std::size_t i = head + 1; i < k; ++i) parts[i].source = offsets[n - (k - i)];
    return;
  }
  if (k == 2) parts[0].source = offsets[0];
  Part& last = parts[k - 1];
  const std::size_t nl = last.text.find('\n');
  if (nl == std::string::npos) return;  // the note took the whole piece
  last.at = nl + 1;
  last.source = offsets[n - 1] + last_piece_size - (last.text.size() - last.at);
}

}  // namespace

std::size_t text_budget(const std::string& title, std::size_t limit, message::Unit unit,
                        std::size_t overhead) {
  const std::string clipped = clip_title(title, limit, unit);
  // Room for " (999/999)" and the newline after the header, whatever n is.
  const std::size_t header_room =
      (clipped.empty() ? 0 : message::length_in(clipped, unit)) + 12;
  return limit > header_room + overhead + 16 ? limit - header_room - overhead : 16;
}

std::vector<Part> make_parts(const Message& m, std::size_t limit,
                             message::Unit unit, std::size_t overhead) {
  const std::string title = clip_title(m.title, limit, unit);
  const std::size_t budget = text_budget(m.title, limit, unit, overhead);

  auto pieces = message::split(m.body, budget, unit);
  const auto offsets = message::piece_offsets(m.body, pieces);
  const std::size_t last_piece_size = pieces.empty() ? 0 : pieces.back().size();
  auto texts = message::cap_parts(m.body, std::move(pieces), std::size_t(std::max(1, m.max_parts)));
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
  locate(parts, offsets, last_piece_size);
  if (parts.empty() && !title.empty()) parts.push_back(Part{title, ""});
  return parts;
}

std::size_t input_units(const config::Profile& p) {
  const bool splits = service_of(p).schema.max_limit > 0;
  return part_limit(p) * (splits ? std::size_t(std::max(1, p.max_parts)) + 1 : 1) + 4096;
}

Message with_body(const Message& m, std::string body) {
  Message out;
  out.title = m.title;
  out.max_parts = m.max_parts;
  out.body = body.empty() ? m.body : std::move(body);
  return out;
}

void repair_fences(const std::string& body, std::vector<Part>& parts, std::size_t room) {
  std::vector<message::Slice> slices;
  std::vector<Part*> located;
  for (auto& part : parts) {
    if (part.source == std::string::npos) continue;
    slices.push_back(message::Slice{part.source, part.source_end()});
    located.push_back(&part);
  }
  const auto repairs = message::repair_fences(body, slices, room);
  for (std::size_t i = 0; i < located.size(); ++i) {
    Part& part = *located[i];
    part.text.insert(part.at, repairs[i].reopen);
    part.text += repairs[i].close;
    part.source = std::string::npos;  // the text no longer matches the body
  }
}

}  // namespace notify::services
