#pragma once
#include "services/service.hpp"

namespace notify::services {

class Discord final : public Service {
 public:
  explicit Discord(const config::Profile& profile) : profile_(profile) {}
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;

  /// Webhook content limit in code points.
  static constexpr std::size_t kLimit = 2000;
  /// Message flag SUPPRESS_NOTIFICATIONS (1 << 12).
  static constexpr int kSuppressNotifications = 1 << 12;

 private:
  config::Profile profile_;
};

}  // namespace notify::services
