#pragma once
// Reading http(s) URLs from the profile file: one strict check when a URL is
// loaded, and a lenient split that masking uses on any text.

#include <optional>
#include <string>
#include <string_view>

namespace notify {

/// The pieces of "scheme://userinfo@host:port/path?query#fragment", as views
/// into the text. has_userinfo/has_port tell an empty piece from a missing one.
struct UrlView {
  std::string_view scheme;     ///< without "://"
  std::string_view userinfo;   ///< without the '@'
  std::string_view host;       ///< "[::1]" keeps its brackets
  std::string_view port;       ///< without the ':'
  std::string_view path;       ///< from its '/', may be empty
  std::string_view query;      ///< without the '?'
  std::string_view fragment;   ///< without the '#'
  bool has_userinfo = false;
  bool has_port = false;
  bool has_query = false;
};

/// Splits text that starts with "scheme://" at its delimiters; nullopt when
/// there is no "://". Never checks the pieces: see url_problem().
std::optional<UrlView> split_url(std::string_view text);

/// Why text is not a URL notify can send to, or nullopt when it is: the
/// scheme must be http or https, the host non-empty (an IPv6 literal in
/// closed brackets), the port 1-65535, and no byte may be a space or a
/// control character (CR and LF included). The reason never quotes the
/// text, which may hold a secret.
std::optional<std::string> url_problem(std::string_view text);

/// `text` as one query value (RFC 3986): every byte but the unreserved
/// letters, digits and "-._~" as %XX.
std::string query_encoded(std::string_view text);

/// `url` with `name=value` (the value query_encoded) added to its query.
std::string with_query_param(std::string url, std::string_view name, std::string_view value);

}  // namespace notify
