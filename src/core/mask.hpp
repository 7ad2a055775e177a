#pragma once
// Secret masking: every byte notify prints goes through a Masker that knows
// each secret in play, so a token cannot leak through an error message,
// libcurl's text, a URL in --dry-run or -v output.

#include <string>
#include <string_view>
#include <vector>

namespace notify {

class Masker {
 public:
  /// Registers a secret; values shorter than 6 bytes are ignored, since
  /// masking them would garble ordinary text and they protect nothing.
  void add(std::string_view secret);
  /// Registers the secret pieces of a URL (see url_secrets()), so that they
  /// are masked wherever they appear while the host stays readable.
  void add_url(std::string_view url);
  /// Text with every registered secret replaced by "***", and in every URL
  /// of the text the pieces that have a secret's shape whoever wrote them
  /// (see mask_url(), without the unknown-shape rule).
  std::string apply(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;  // longest first
};

/// The pieces of a URL that are secrets: the userinfo ("user:password"),
/// the value of each query parameter named like a secret (token, key,
/// secret, password, sig, signature, access_token, api_key, auth, ...),
/// and the secret path segments of each service: the path after /hooks/
/// (Mattermost), the token after /webhooks/ID/ (Discord), the last of
/// /services/T/B/X (Slack), the token of /bot<TOKEN>/ (Telegram). With
/// `unknown_last_segment`, a path of none of these shapes gives its last
/// non-empty segment (a relay's key). Views into `url`.
std::vector<std::string_view> url_secrets(std::string_view url, bool unknown_last_segment);

/// The URL with each of url_secrets(url, true) replaced by "***": what a
/// person may see of a webhook URL (list, a redirect's Location).
std::string mask_url(std::string_view url);

}  // namespace notify
