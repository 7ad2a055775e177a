#pragma once
// The one door to cmark-gfm: a parse with GitHub's extensions attached,
// and owning pointers for what it hands out.

#include <memory>
#include <string>
#include <string_view>

#include <cmark-gfm.h>

namespace notify::message {

struct NodeFree {
  void operator()(cmark_node* n) const { cmark_node_free(n); }
};
struct IterFree {
  void operator()(cmark_iter* i) const { cmark_iter_free(i); }
};
using NodePtr = std::unique_ptr<cmark_node, NodeFree>;
using IterPtr = std::unique_ptr<cmark_iter, IterFree>;

/// The document tree of `md` with the table, strikethrough, autolink and
/// tasklist extensions; `options` are CMARK_OPT_* flags.
NodePtr parse_gfm(std::string_view md, int options);

/// The language of a fenced code block: the first word of its info string.
std::string info_language(std::string_view info);

}  // namespace notify::message
