#include "message/cmark.hpp"

#include <mutex>

#include <cmark-gfm-core-extensions.h>

namespace notify::message {

namespace {

struct ParserFree {
  void operator()(cmark_parser* p) const { cmark_parser_free(p); }
};

}  // namespace

NodePtr parse_gfm(std::string_view md, int options) {
  // The registry is a global list; deliveries may build on several threads.
  static std::once_flag registered;
  std::call_once(registered, [] { cmark_gfm_core_extensions_ensure_registered(); });
  std::unique_ptr<cmark_parser, ParserFree> parser(cmark_parser_new(options));
  for (const char* name : {"table", "strikethrough", "autolink", "tasklist"}) {
    if (cmark_syntax_extension* ext = cmark_find_syntax_extension(name))
      cmark_parser_attach_syntax_extension(parser.get(), ext);
  }
  cmark_parser_feed(parser.get(), md.data(), md.size());
  return NodePtr(cmark_parser_finish(parser.get()));
}

std::string info_language(std::string_view info) {
  const std::size_t b = info.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  const std::size_t e = info.find_first_of(" \t", b);
  return std::string(info.substr(b, e == std::string_view::npos ? e : e - b));
}

}  // namespace notify::message
