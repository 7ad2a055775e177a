#include "message/priority.hpp"

namespace notify {

std::optional<Priority> parse_priority(std::string_view word) {
  if (word == "low") return Priority::low;
  if (word == "normal") return Priority::normal;
  if (word == "high") return Priority::high;
  if (word == "urgent") return Priority::urgent;
  return std::nullopt;
}

const char* to_string(Priority priority) {
  switch (priority) {
    case Priority::low: return "low";
    case Priority::normal: return "normal";
    case Priority::high: return "high";
    case Priority::urgent: return "urgent";
  }
  return "normal";
}

}  // namespace notify
