#pragma once
// JSON helpers shared by the services. Text is sanitised before it gets here,
// but dumping with error_handler_t::replace means a stray invalid byte can
// never turn into an exception halfway through a delivery.

#include <string>

#include <nlohmann/json.hpp>

#include "services/parts.hpp"
#include "services/service.hpp"

namespace notify::services {

/// j.dump(-1, ' ', false, replace), byte for byte (the spool fingerprints
/// request bodies), with a fast path for the strings: a request carries up
/// to a whole part of text, which nlohmann escapes one byte at a time.
std::string dump_json(const nlohmann::json& j);

/// Parses a reply body; a discarded (null) value when it is not JSON.
inline nlohmann::json parse_json(const std::string& body) {
  return nlohmann::json::parse(body, nullptr, false);
}

/// A string member of a JSON object, or "" when absent or not a string.
inline std::string json_string(const nlohmann::json& j, const char* key) {
  if (j.is_object()) {
    auto it = j.find(key);
    if (it != j.end() && it->is_string()) return it->get<std::string>();
  }
  return "";
}

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
