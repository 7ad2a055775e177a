#pragma once
#include "services/service.hpp"

namespace notify::services {

class Discord final : public Service {
 public:
  explicit Discord(const config::Profile& profile)
      : profile_(profile), limit_(profile.max_length.value_or(kLimit)) {}
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::vector<std::string> notes(const Message& message) const override;
  std::string message_id(const HttpRequest& request,
                         const HttpResponse& response) const override;

  /// Webhook content limit in code points.
  static constexpr std::size_t kLimit = 2000;
  /// Message flag SUPPRESS_NOTIFICATIONS (1 << 12).
  static constexpr int kSuppressNotifications = 1 << 12;

  /// Webhook upload limit of a server without boosts.
  std::size_t max_file_bytes() const override { return 10u << 20; }

 private:
  std::string edit_url(const std::string& id) const;
  config::Profile profile_;
  std::size_t limit_;  ///< one part, in its unit: max_length or kLimit
};

}  // namespace notify::services
