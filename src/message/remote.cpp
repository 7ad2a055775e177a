#include "message/remote.hpp"

#include "message/sanitize.hpp"
#include "message/unicode.hpp"

namespace notify::message {

namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

bool is_bidi_control(char32_t cp) {
  return (cp >= 0x202A && cp <= 0x202E) || (cp >= 0x2066 && cp <= 0x2069);
}

const char* reason(int status) {
  switch (status) {
    case 300: return "Multiple Choices";
    case 301: return "Moved Permanently";
    case 302: return "Found";
    case 303: return "See Other";
    case 307: return "Temporary Redirect";
    case 308: return "Permanent Redirect";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 408: return "Request Timeout";
    case 413: return "Content Too Large";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    case 504: return "Gateway Timeout";
    default: return "";
  }
}

}  // namespace

std::string printable_remote(std::string_view raw) {
  // Escape sequences go whole (no "[2J" left behind), then what remains of
  // the controls one by one.
  const std::string clean = sanitize(raw);
  const std::string_view text = clean;
  std::string out;
  out.reserve(text.size());
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* const end = p + text.size();
  while (p < end) {
    const Decoded d = decode_utf8(p, end);
    const char32_t cp = d.cp;
    if (cp == '\t' || cp == '\n' || cp == '\r') {
      out += ' ';
    } else if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || is_bidi_control(cp)) {
      // dropped
    } else if (cp == 0xFFFD && d.len == 1) {
      out += "\xEF\xBF\xBD";  // an invalid byte
    } else {
      out.append(reinterpret_cast<const char*>(p), d.len);
    }
    p += d.len;
  }
  return out;
}

bool is_html_page(std::string_view content_type, std::string_view body) {
  while (!content_type.empty() && content_type.front() == ' ') content_type.remove_prefix(1);
  if (starts_with_nocase(content_type, "text/html")) return true;
  while (!body.empty() && (body.front() == ' ' || body.front() == '\t' || body.front() == '\n' ||
                           body.front() == '\r'))
    body.remove_prefix(1);
  if (body.starts_with("\xEF\xBB\xBF")) body.remove_prefix(3);  // a BOM
  return starts_with_nocase(body, "<!doctype") || starts_with_nocase(body, "<html");
}

std::string status_line(int status) {
  std::string line = "HTTP " + std::to_string(status);
  if (const char* r = reason(status); *r) {
    line += ' ';
    line += r;
  }
  return line;
}

std::string remote_error_text(int status, std::string_view content_type, std::string_view body,
                              std::size_t max_code_points) {
  if (is_html_page(content_type, body)) return status_line(status);
  std::string clean = printable_remote(body);
  std::size_t cps = 0;
  for (std::size_t i = 0; i < clean.size(); ++i) {
    if ((static_cast<unsigned char>(clean[i]) & 0xC0) == 0x80) continue;
    if (cps++ == max_code_points) {
      clean.resize(i);
      clean += "\u2026";
      break;
    }
  }
  trim_end(clean);
  return clean;
}

}  // namespace notify::message
