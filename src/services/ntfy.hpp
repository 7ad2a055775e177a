#pragma once
// ntfy publish (ntfy.sh or a self-hosted server): one POST per part to
// {server}/{topic}, the text as the body, everything else in headers;
// one PUT per attached file.

#include <optional>

#include "services/service.hpp"

namespace notify::services {

class Ntfy final : public Service {
 public:
  explicit Ntfy(const config::Profile& profile);
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::size_t max_file_bytes() const override { return kFileLimit; }
  std::vector<std::string> notes(const Message& message) const override;
  std::string message_id(const HttpRequest& request,
                         const HttpResponse& response) const override;

  /// Message body limit in BYTES: ntfy turns a longer body into an
  /// attachment, so every part must stay within it.
  static constexpr std::size_t kLimit = 4096;
  /// ntfy.sh's attachment limit (2 MB; a self-hosted server's default is 15 MB).
  static constexpr std::size_t kFileLimit = 2u << 20;
  /// The quiet priority ("low": no sound or vibration). 1 ("min") would
  /// hide the notification under the fold; --silent asks for quiet, not unseen.
  static constexpr int kSilentPriority = 2;
  /// --priority high ("high": a long vibration burst) and urgent ("max":
  /// its own notification channel, which may break through Do Not Disturb).
  static constexpr int kHighPriority = 4;
  static constexpr int kUrgentPriority = 5;
  static constexpr const char* kDefaultServer = "https://ntfy.sh";

  /// ntfy's own step below low, for a profile whose `priority` is 1 or "min".
  static constexpr int kMinPriority = 1;

  /// The X-Priority a message goes out with; nullopt leaves ntfy's default (3).
  std::optional<int> priority_for(const Message& message) const;

 private:
  std::string topic_url_;  ///< {server}/{topic}
  std::string token_;
  bool lowest_ = false;  ///< the profile's priority is 1 or "min"
  std::size_t limit_;
};

}  // namespace notify::services
