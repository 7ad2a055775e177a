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
  // Optimal string alignment: a swap of two neighbours ("lsit") is one edit.
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string closest(std::string_view word, const std::vector<std::string_view>& candidates) {
  // One slip per three letters: "opz" is ops, "nope" is not.
  const std::size_t allowed = std::max<std::size_t>(1, word.size() / 3);
  std::string_view best;
  std::size_t best_d = allowed + 1;
  for (auto c : candidates) {
    auto d = edit_distance(word, c);
    if (d < best_d && d < word.size()) best_d = d, best = c;
  }
  return std::string(best);
}

std::string count_of(std::size_t n, std::string_view singular, std::string_view plural) {
  return std::to_string(n) + " " + std::string(n == 1 ? singular : plural);
}

}  // namespace notify
