#pragma once
// Cutting a message into the parts one service will accept, with the
// "(i/n)" marker and title each part carries.

#include <cstddef>
#include <string>
#include <vector>

#include "message/split.hpp"
#include "services/service.hpp"

namespace notify::services {

struct Part {
  std::string header;  ///< "title (2/3)", "(2/3)", "title" or empty
  std::string text;    ///< the body slice, unformatted
};

/// Splits message.body so that header + `overhead` units of formatting +
/// text fits `limit` units, caps the count at message.max_parts (head and
/// tail kept) and numbers the parts when there is more than one.
std::vector<Part> make_parts(const Message& message, std::size_t limit,
                             message::Unit unit, std::size_t overhead);

}  // namespace notify::services
