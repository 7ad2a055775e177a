#pragma once
// Making piped text harmless for the markup a service will read it as.

#include <cstddef>
#include <string>
#include <string_view>

namespace notify::message {

/// Makes text safe to place inside a Markdown ``` fence: in every run of 3
/// or more backticks a U+200B (zero-width space) follows each 2nd backtick,
/// except the run's last, so no 3 backticks stay adjacent and the text can
/// neither close the fence nor open a new one. Everything else is unchanged.
std::string break_fences(std::string_view text);

/// Mattermost: turns @channel, @all and @here (any case, not preceded by a
/// word character, followed by a non-word character or the end) into "@",
/// U+200B, word, so they show the same but notify nobody. Word characters
/// are ASCII letters, digits and '_'.
std::string neutralize_mentions(std::string_view text);

/// True when lang is one word of [A-Za-z0-9_+.#-] (1 to 32 characters), the
/// only thing that may follow the opening ``` of a code block: a newline or
/// space there would end the fence line and let the rest be read as markup.
bool is_code_lang(std::string_view lang);

/// Length in UTF-16 code units (what LINE counts).
std::size_t utf16_length(std::string_view utf8);

}  // namespace notify::message
