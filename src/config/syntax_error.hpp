#pragma once
// A syntax error of the profile file in notify's own words. The TOML
// parser's message only tells which mistake it is; what is shown is said
// here, from the file's own text: where (line and column), what was
// expected, what was found. The parser's phrases never reach the user.

#include <cstddef>
#include <string>
#include <string_view>

namespace notify::config {

struct SyntaxError {
  std::size_t line = 1;    ///< 1-based
  std::size_t column = 1;  ///< 1-based, in characters (code points)
  std::string what;        ///< one line, no position
};

/// Explains the parser's error `description`, reported at line:column of
/// `text`. The position is kept where it points at the mistake, and moved
/// where the parser's is not where a person would look: to the start of a
/// value that is not one, the backslash of a bad escape, the key set twice,
/// the first byte that is not UTF-8, the end of a file that ends too soon.
SyntaxError explain_syntax_error(std::string_view text, std::string_view description,
                                 std::size_t line, std::size_t column);

}  // namespace notify::config
