#include "core/duration.hpp"

#include <utility>

namespace notify {

namespace {

constexpr std::int64_t kMinute = 60, kHour = 60 * kMinute, kDay = 24 * kHour;

std::int64_t unit_seconds(char unit) {
  switch (unit) {
    case 's': return 1;
    case 'm': return kMinute;
    case 'h': return kHour;
    case 'd': return kDay;
    default: return 0;
  }
}

}  // namespace

Result<std::int64_t> parse_duration(std::string_view text) {
  auto bad = [&] {
    return make_error(ErrorKind::config,
                      "cannot read the duration '" + std::string(text) +
                          "': write a whole number and a unit, like 90s, 30m, 6h or 1d");
  };
  // Nine digits at most: a billion days still fits, so no overflow check.
  if (text.size() < 2 || text.size() > 10) return bad();
  const std::int64_t unit = unit_seconds(text.back());
  if (unit == 0) return bad();
  std::int64_t n = 0;
  for (const char c : text.substr(0, text.size() - 1)) {
    if (c < '0' || c > '9') return bad();
    n = n * 10 + (c - '0');
  }
  return n * unit;
}

std::string duration_text(std::int64_t seconds) {
  for (const auto& [unit, size] : {std::pair{'d', kDay}, {'h', kHour}, {'m', kMinute}})
    if (seconds > 0 && seconds % size == 0) return std::to_string(seconds / size) + unit;
  return std::to_string(seconds) + "s";
}

}  // namespace notify
