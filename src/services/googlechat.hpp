#pragma once
#include <string>
#include <string_view>

#include "services/service.hpp"

namespace notify::services {

/// Google Chat space webhooks: one JSON `text` per part, in Chat's own
/// markup, threaded by a thread key of notify's (see build()).
class GoogleChat final : public Service {
 public:
  explicit GoogleChat(const config::Profile& profile);
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::vector<std::string> notes(const Message& message) const override;
  /// The thread key the request carried: what a later --reply names.
  std::string message_id(const HttpRequest& request,
                         const HttpResponse& response) const override;

  /// Chat's cap on `text`, in code points.
  static constexpr std::size_t kLimit = 4096;
  /// What notify asks of Chat for every message (query messageReplyOption).
  static constexpr std::string_view kReplyOption = "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD";

 private:
  std::string webhook_url_;
  std::size_t limit_;
};

/// Piped text made inert for Chat markup: a U+200B after every '<' that
/// starts a word (so <users/all>, <users/ID> and <url|text> stay text), and,
/// unless `code` (inside a ``` block nothing renders, but fences are
/// broken), after each '*', '_', '~' or '`' that could open a span: at the
/// start or after a character that is no letter or digit, followed by a
/// non-space, with the same character later on the line.
std::string googlechat_escaped(std::string_view text, bool code);

}  // namespace notify::services
