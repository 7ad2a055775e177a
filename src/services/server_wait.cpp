#include "services/server_wait.hpp"

#include <cmath>
#include <cstring>
#include <ctime>
#include <string>

namespace notify::services {

std::optional<std::chrono::milliseconds> server_wait(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxServerWaitSeconds)
    return std::nullopt;
  // Rounded up by hand: ceil() was the one libm function notify used, and
  // loading libm costs every run (bench/).
  const double ms = seconds * 1000.0;
  auto whole = static_cast<long long>(ms);
  if (static_cast<double>(whole) < ms) ++whole;
  return std::chrono::milliseconds(whole);
}

namespace {

std::optional<std::int64_t> parse_http_date(const std::string& text) {
  // The three forms RFC 9110 requires a recipient to accept; strptime
  // reads English names in the C locale, which a CLI never changes.
  for (const char* format : {"%a, %d %b %Y %H:%M:%S GMT", "%A, %d-%b-%y %H:%M:%S GMT",
                             "%a %b %e %H:%M:%S %Y"}) {
    std::tm tm{};
    const char* end = ::strptime(text.c_str(), format, &tm);
    if (end && *end == '\0') return static_cast<std::int64_t>(::timegm(&tm));
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::int64_t now_unix) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  if (value.empty() || value.size() > 64) return std::nullopt;
  const std::string text(value);
  if (text.find_first_not_of("0123456789.") == std::string::npos) {
    char* end = nullptr;
    const double secs = std::strtod(text.c_str(), &end);
    if (end != text.c_str() + text.size()) return std::nullopt;
    return server_wait(secs);
  }
  if (text[0] == '-' || text[0] == '+') return std::nullopt;  // negative, or not a date
  const auto date = parse_http_date(text);
  if (!date || now_unix <= 0) return std::nullopt;
  return server_wait(static_cast<double>(*date - now_unix));
}

}  // namespace notify::services
