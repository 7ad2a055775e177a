#include "services/webhook_template.hpp"

#include <array>
#include <cstdint>

namespace notify::services {

namespace {

constexpr std::array<std::string_view, 7> kWebhookPlaceholders = {
    "title", "text", "priority", "host", "key", "part", "parts"};

bool webhook_known(std::string_view name) {
  for (auto known : kWebhookPlaceholders)
    if (known == name) return true;
  return false;
}

// Length of the valid UTF-8 sequence at text[i]; 0 when it is not one
// (overlong, surrogate, beyond U+10FFFF, cut short).
std::size_t webhook_utf8_length(std::string_view text, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
  const unsigned char c = b(i);
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if (c < 0x80) return 1;
  if (c >= 0xC2 && c <= 0xDF) n = 2, cp = c & 0x1F;
  else if (c >= 0xE0 && c <= 0xEF) n = 3, cp = c & 0x0F;
  else if (c >= 0xF0 && c <= 0xF4) n = 4, cp = c & 0x07;
  else return 0;
  if (i + n > text.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (b(i + k) & 0x3F);
  }
  if ((n == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
      (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
    return 0;
  return n;
}

}  // namespace

std::string webhook_placeholder_list() {
  std::string out;
  for (auto name : kWebhookPlaceholders)
    out += (out.empty() ? "" : ", ") + std::string("{{") + std::string(name) + "}}";
  return out;
}

std::string webhook_template_problem(std::string_view body) {
  for (std::size_t at = body.find("{{"); at != std::string_view::npos;) {
    const auto end = body.find("}}", at + 2);
    if (end == std::string_view::npos) return "";
    const auto name = body.substr(at + 2, end - at - 2);
    if (!webhook_known(name)) {
      // The name as written, cut short and without controls: one line.
      std::string shown;
      for (char c : name.substr(0, 40))
        shown += static_cast<unsigned char>(c) < 0x20 ? '?' : c;
      return "names unknown placeholder {{" + shown + (name.size() > 40 ? "..." : "") +
             "}} (known: " + webhook_placeholder_list() + ")";
    }
    at = body.find("{{", end + 2);
  }
  return "";
}

std::string webhook_json_escaped(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(text.size() + 16);
  for (std::size_t i = 0; i < text.size();) {
    const char c = text[i];
    const auto u = static_cast<unsigned char>(c);
    if (u >= 0x80) {
      const std::size_t n = webhook_utf8_length(text, i);
      if (n == 0) {
        out += "\uFFFD";
        ++i;
      } else {
        out.append(text.substr(i, n));
        i += n;
      }
      continue;
    }
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xF];
        } else {
          out += c;
        }
    }
    ++i;
  }
  return out;
}

std::string webhook_fill(std::string_view body, const std::map<std::string, std::string>& values,
                         bool json) {
  std::string out;
  out.reserve(body.size() + 256);
  std::size_t from = 0;
  for (std::size_t at = body.find("{{"); at != std::string_view::npos;) {
    const auto end = body.find("}}", at + 2);
    if (end == std::string_view::npos) break;
    const auto it = values.find(std::string(body.substr(at + 2, end - at - 2)));
    if (it == values.end()) {
      at = body.find("{{", at + 2);
      continue;
    }
    out.append(body.substr(from, at - from));
    out += json ? webhook_json_escaped(it->second) : it->second;
    from = end + 2;
    at = body.find("{{", from);
  }
  out.append(body.substr(from));
  return out;
}

}  // namespace notify::services
