#pragma once
// Names a person types: profile and group names, command names, and the
// "did you mean" that helps when one is misspelt.

#include <string>
#include <string_view>
#include <vector>

namespace notify {

/// The fixed commands, recognised only as the first word that is not an
/// option. A service that can list its chats adds its own word (`notify
/// <type> discover`): config::Catalog::command_words() has them all.
inline constexpr std::string_view kCommandNames[] = {
    "send", "list", "check", "test", "flush", "spool", "setup", "run", "help"};

/// One of kCommandNames.
bool is_command_name(std::string_view word);

/// Profile and group names: [A-Za-z0-9_][A-Za-z0-9_.-]*
bool valid_name(std::string_view name);
inline constexpr const char* kNameRule =
    "a name starts with a letter, digit or '_' and holds only letters, digits, '_', '.' "
    "and '-'";

/// Edit distance, a swap of neighbouring letters counting as one edit.
std::size_t edit_distance(std::string_view a, std::string_view b);

/// The candidate nearest to word when it is near enough to be a slip (one
/// edit per three letters, at least one); "" otherwise.
std::string closest(std::string_view word, const std::vector<std::string_view>& candidates);

/// "1 profile", "2 profiles".
std::string count_of(std::size_t n, std::string_view singular, std::string_view plural);

}  // namespace notify
