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

std::string html_text(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '\n': out += "<br>"; break;
      default: out += c;
    }
  }
  return out;
}

std::string html_escape(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default: out += c;
    }
  }
  return out;
}

}  // namespace notify::message
