#pragma once
// Writing a profile into an existing profile file as text, so that every
// other byte of the file (comments, order, blank lines) stays as it was.

#include <string>
#include <string_view>
#include <vector>

#include "core/result.hpp"

namespace notify::config {

struct Field {
  std::string key;
  std::string value;
  bool quoted = true;  ///< false for integers and booleans
};

/// "[profiles.NAME]\nkey = \"value\"\n..." with TOML string escaping.
std::string render_profile(const std::string& name, const std::vector<Field>& fields);

/// TOML basic-string literal for s, quotes included.
std::string toml_quote(std::string_view s);

/// A key as TOML reads it back as one key: bare when it can be, quoted
/// otherwise ("my.ops" unquoted would be a table inside a table).
std::string toml_key(std::string_view key);

/// The file text with the block appended (after a blank line). With
/// replace, an existing [profiles.NAME] table is replaced by the block
/// where it stands: from its header to the end of its last key, comments
/// inside included; what follows (blank lines, the comment above the next
/// table) stays. An error when it exists and replace is false.
Result<std::string> add_profile(std::string_view text, const std::string& name,
                                const std::string& block, bool replace);

/// The file text with the table [profiles.NAME] changed in place, every
/// byte not named here kept: each key of `set` that the table has gets its
/// new value where the old one stood (its line's spacing and trailing
/// comment kept); one it lacks takes the line of the first key of `remove`
/// that starts with its name (token for token_file), else goes after the
/// table's last key; each other key of `remove` loses its line. An error
/// when the table is not written as a [profiles.NAME] header (dotted keys,
/// an inline table) or a value cannot be read.
Result<std::string> edit_profile(std::string_view text, const std::string& name,
                                 const std::vector<Field>& set,
                                 const std::vector<std::string>& remove);

}  // namespace notify::config
