#pragma once
// Markdown text for the services that take Markdown in a JSON body
// (Mattermost, Discord, ntfy): code blocks, fence repair and the room they
// need. Shared helpers, so in a file of their own, not in one service's.

#include <cstddef>
#include <string>
#include <vector>

#include "services/parts.hpp"
#include "services/service.hpp"

namespace notify::services {

/// "```lang\n...\n```"; the text must have gone through markdown_escaped().
std::string markdown_code_block(const std::string& text, const std::string& lang);

/// The message with fences broken (code mode) and, if asked, Mattermost
/// @channel/@all/@here neutralised, ready to split.
Message markdown_escaped(const Message& m, bool neutralize_mentions);

/// Mattermost and Discord: the parts of a markdown_escaped() message, with
/// room for the "**header**" and the code block or, for --markdown, for
/// fence repair.
std::vector<Part> markdown_parts(const Message& escaped, std::size_t limit);

/// Mattermost and Discord: one_part_text(), with the fence repair room a
/// markdown body may need.
std::size_t markdown_one_part_text(const Message& m, std::size_t limit);

/// Chars a markdown code block adds around its text.
inline std::size_t markdown_code_overhead(const std::string& lang) {
  return lang.size() + 8;
}

}  // namespace notify::services
