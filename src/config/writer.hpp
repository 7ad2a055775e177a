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
/// replace, an existing [profiles.NAME] table is cut out first; an error
/// when it exists and replace is false, or when it is not written as a
/// [profiles.NAME] header (dotted keys, inline table) and cannot be cut.
Result<std::string> add_profile(std::string_view text, const std::string& name,
                                const std::string& block, bool replace);

}  // namespace notify::config
