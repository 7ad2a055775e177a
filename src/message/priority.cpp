#include "message/priority.hpp"

#include <cctype>
#include <string>

namespace notify {

const std::vector<PrioritySpelling>& priority_spellings() {
  // ntfy's scale read as levels: 1 and 2 low, 3 normal, 4 high, 5 urgent.
  static const std::vector<PrioritySpelling> spellings = {
      {"low", {Priority::low, false}},      {"normal", {Priority::normal, false}},
      {"high", {Priority::high, false}},    {"urgent", {Priority::urgent, false}},
      {"1", {Priority::low, true}},         {"2", {Priority::low, false}},
      {"3", {Priority::normal, false}},     {"4", {Priority::high, false}},
      {"5", {Priority::urgent, false}},     {"min", {Priority::low, true}},
      {"default", {Priority::normal, false}}, {"max", {Priority::urgent, false}},
  };
  return spellings;
}

std::optional<PriorityReading> read_priority(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  std::string lower(text);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& s : priority_spellings())
    if (s.text == lower) return s.reading;
  return std::nullopt;
}

std::optional<Priority> parse_priority(std::string_view text) {
  if (const auto r = read_priority(text)) return r->level;
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
