#include "services/markdown_text.hpp"

#include "message/escape.hpp"
#include "message/fences.hpp"
#include "message/split.hpp"

namespace notify::services {

std::string markdown_code_block(const std::string& text, const std::string& lang) {
  return "```" + lang + "\n" + text + "\n```";
}

Message markdown_escaped(const Message& m, bool neutralize) {
  // Before splitting: both add characters, and every part must still fit.
  Message out = m;
  if (m.code) out.body = message::break_fences(out.body);
  if (neutralize) out.body = message::neutralize_mentions(out.body);
  return out;
}

namespace {

std::size_t markdown_overhead(const Message& m, std::size_t fence_room) {
  return (m.code ? markdown_code_overhead(m.code_lang) : 4 /* ** around header */) + fence_room;
}

}  // namespace

std::vector<Part> markdown_parts(const Message& m, std::size_t limit) {
  const std::size_t room = m.markdown ? message::fence_repair_room(m.body, limit) : 0;
  auto parts = make_parts(m, limit, message::Unit::code_points, markdown_overhead(m, room));
  // The user's own markdown: a code block cut in two (or cut into by the
  // note of a capped message) must still render.
  if (room > 0) repair_fences(m.body, parts, room);
  return parts;
}

std::size_t markdown_one_part_text(const Message& m, std::size_t limit) {
  const std::size_t room = m.markdown ? message::max_fence_repair_room(limit) : 0;
  return text_budget(m.title, limit, message::Unit::code_points, markdown_overhead(m, room));
}

}  // namespace notify::services
