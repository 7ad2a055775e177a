#pragma once
// Slack incoming webhooks: one mrkdwn `text` per part, every character of
// piped text shown as written and none of it able to notify anyone.

#include "services/service.hpp"

namespace notify::services {

class Slack final : public Service {
 public:
  explicit Slack(const config::Profile& profile);
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::vector<std::string> notes(const Message& message) const override;

  /// Characters (code points, as shown) of one message that Slack renders
  /// in full; it cuts only at 40,000, which even an all-'&' part escaped to
  /// five times its length stays well under.
  static constexpr std::size_t kLimit = 4000;

 private:
  std::string webhook_url_;
  std::string username_;
  std::string icon_emoji_;  ///< without surrounding colons
  std::string icon_url_;
  std::string channel_;
  std::size_t limit_;
};

/// Text as Slack requires it in `text`: & < > as &amp; &lt; &gt;, so that no
/// <!channel>, <@U...> or <#C...> token can be formed from piped input.
std::string slack_escaped(std::string_view text);

}  // namespace notify::services
