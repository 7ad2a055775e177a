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
  /// Registers a webhook URL's credential: the Mattermost hook id or the
  /// Discord webhook token, so the host stays readable in output.
  void add_url(std::string_view url);
  /// Text with every registered secret replaced by "***".
  std::string apply(std::string_view text) const;

 private:
  std::vector<std::string> secrets_;  // longest first
};

}  // namespace notify
