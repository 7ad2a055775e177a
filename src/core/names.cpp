#include "core/names.hpp"

#include <algorithm>

namespace notify {

bool is_command_name(std::string_view word) {
  return std::find(std::begin(kCommandNames), std::end(kCommandNames), word) !=
         std::end(kCommandNames);
}

bool valid_name(std::string_view name) {
  auto word_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           c == '_';
  };
  if (name.empty() || !word_char(name.front())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return word_char(c) || c == '.' || c == '-'; });
}

std::size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t sub = prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, sub});
    }
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::string closest(std::string_view word, const std::vector<std::string_view>& candidates) {
  std::string_view best;
  // A two-letter word is two edits from every other two-letter word.
  std::size_t best_d = std::min<std::size_t>(3, word.size());
  for (auto c : candidates) {
    auto d = edit_distance(word, c);
    if (d < best_d) best_d = d, best = c;
  }
  return std::string(best);
}

std::string count_of(std::size_t n, std::string_view singular, std::string_view plural) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural);
}

}  // namespace notify
