#include "core/url.hpp"

#include <algorithm>

namespace notify {

namespace {

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7F; }

bool is_ipv6_char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') ||
         c == ':' || c == '.';
}

// Letters, digits and the few marks a registered name or IPv4 address may
// hold; bytes >= 0x80 pass so that an internationalised name reaches libcurl.
bool is_host_char(char c) {
  const auto b = static_cast<unsigned char>(c);
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '.' || c == '_' || c == '~' || c == '%' || b >= 0x80;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](char c) { return c >= 'A' && c <= 'Z' ? char(c - 'A' + 'a') : c; });
  return out;
}

}  // namespace

std::optional<UrlView> split_url(std::string_view text) {
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  UrlView u;
  u.scheme = text.substr(0, sep);
  std::string_view rest = text.substr(sep + 3);
  const auto auth_end = std::min(rest.find_first_of("/?#"), rest.size());
  std::string_view authority = rest.substr(0, auth_end);
  rest.remove_prefix(auth_end);
  // The last '@' ends the userinfo: a password may hold an unescaped '@'.
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    u.userinfo = authority.substr(0, at);
    u.has_userinfo = true;
    authority.remove_prefix(at + 1);
  }
  std::size_t host_end = authority.size();
  if (!authority.empty() && authority.front() == '[') {
    const auto close = authority.find(']');
    host_end = close == std::string_view::npos ? authority.size() : close + 1;
  } else if (const auto colon = authority.find(':'); colon != std::string_view::npos) {
    host_end = colon;
  }
  u.host = authority.substr(0, host_end);
  if (host_end < authority.size() && authority[host_end] == ':') {
    u.has_port = true;
    u.port = authority.substr(host_end + 1);
  } else if (host_end < authority.size()) {
    // Junk after "]": keep it visible to url_problem() as a port.
    u.has_port = true;
    u.port = authority.substr(host_end);
  }
  const auto hash = rest.find('#');
  if (hash != std::string_view::npos) {
    u.fragment = rest.substr(hash + 1);
    rest = rest.substr(0, hash);
  }
  const auto q = rest.find('?');
  if (q != std::string_view::npos) {
    u.query = rest.substr(q + 1);
    u.has_query = true;
    rest = rest.substr(0, q);
  }
  u.path = rest;
  return u;
}

std::optional<std::string> url_problem(std::string_view text) {
  if (text.empty()) return "is empty";
  for (const char c : text) {
    if (is_control(static_cast<unsigned char>(c)))
      return "holds a control character (a line break or tab?)";
    if (c == ' ') return "holds a space (write it as %20)";
  }
  // C1 controls arrive as UTF-8 C2 80..C2 9F.
  for (std::size_t i = 0; i + 1 < text.size(); ++i)
    if (static_cast<unsigned char>(text[i]) == 0xC2 &&
        static_cast<unsigned char>(text[i + 1]) >= 0x80 &&
        static_cast<unsigned char>(text[i + 1]) <= 0x9F)
      return "holds a control character";
  const auto u = split_url(text);
  if (!u) return "must start with http:// or https://";
  const std::string scheme = lower(u->scheme);
  if (scheme != "http" && scheme != "https")
    return "must start with http:// or https://, not " +
           (scheme.empty() || scheme.size() > 10 ? std::string("another scheme")
                                                 : scheme + "://");
  if (u->host.empty()) return "has no host after " + scheme + "://";
  if (u->host.front() == '[') {
    if (u->host.size() < 2 || u->host.back() != ']')
      return "has an IPv6 address without its closing ']'";
    const auto inner = u->host.substr(1, u->host.size() - 2);
    if (inner.empty() || !std::all_of(inner.begin(), inner.end(), is_ipv6_char))
      return "has a malformed IPv6 address in its host";
  } else if (!std::all_of(u->host.begin(), u->host.end(), is_host_char)) {
    return "has a character a host name cannot hold";
  }
  if (u->has_port) {
    const auto p = u->port;
    if (p.empty()) return "has an empty port after ':'";
    if (p.size() > 5 || !std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return "has a port that is not a number from 1 to 65535";
    const long value = std::stol(std::string(p));
    if (value < 1 || value > 65535) return "has port " + std::to_string(value) + ", outside 1-65535";
  }
  return std::nullopt;
}

std::string query_encoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto b = static_cast<unsigned char>(c);
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[b >> 4];
      out += kHex[b & 15];
    }
  }
  return out;
}

std::string with_query_param(std::string url, std::string_view name, std::string_view value) {
  const auto hash = url.find('#');
  std::string fragment;
  if (hash != std::string::npos) {
    fragment = url.substr(hash);
    url.erase(hash);
  }
  if (url.find('?') == std::string::npos) url += '?';
  else if (url.back() != '?' && url.back() != '&') url += '&';
  url += std::string(name) + "=" + query_encoded(value);
  return url + fragment;
}

}  // namespace notify
