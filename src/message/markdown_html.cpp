#include "message/markdown_html.hpp"

#include <cstdlib>
#include <memory>

#include "message/cmark.hpp"

namespace notify::message {

std::string markdown_to_html(std::string_view md) {
  // No CMARK_OPT_UNSAFE: raw HTML and dangerous link schemes never render.
  const int options = CMARK_OPT_DEFAULT | CMARK_OPT_HARDBREAKS;
  NodePtr doc = parse_gfm(md, options);
  if (!doc) return html_text(md);
  std::unique_ptr<char, decltype(&std::free)> html(cmark_render_html(doc.get(), options, nullptr),
                                                   &std::free);
  if (!html) return html_text(md);
  std::string out(html.get());
  while (!out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

namespace {

// & < > always; then '"' (an attribute's value) or a line break (text).
std::string html_escaped(std::string_view text, bool quotes, bool breaks) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += quotes ? "&quot;" : "\""; break;
      case '\n': out += breaks ? "<br>" : "\n"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace

std::string html_text(std::string_view text) { return html_escaped(text, false, true); }

std::string html_escape(std::string_view text) { return html_escaped(text, true, false); }

}  // namespace notify::message
