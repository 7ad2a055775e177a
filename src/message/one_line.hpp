#pragma once
// Text for one cell of a table: on one line, at most so many code points.

#include <cstddef>
#include <string>

namespace notify::message {

/// `text` with line breaks and tabs as spaces, cut after `max` code points
/// with "…" when longer.
std::string one_line(const std::string& text, std::size_t max);

}  // namespace notify::message
