#pragma once
#include "services/service.hpp"

namespace notify::services {

/// Gotify: POST {server}/message with an application token.
class Gotify final : public Service {
 public:
  explicit Gotify(const config::Profile& profile);
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::vector<std::string> notes(const Message& message) const override;

  /// Gotify stores any length; a part is cut where a phone still shows it
  /// comfortably (code points), and max_length may raise it to kMaxLimit.
  static constexpr std::size_t kLimit = 16384;
  static constexpr std::size_t kMaxLimit = 65536;
  /// Gotify's priorities as its Android app reads them: 1-3 quiet, 4-7
  /// with sound, 8-10 a heads-up notification.
  static constexpr int kLowPriority = 2;
  static constexpr int kNormalPriority = 5;
  static constexpr int kHighPriority = 8;
  static constexpr int kUrgentPriority = 10;

 private:
  std::string url_;
  std::string token_;
  std::size_t limit_;
};

}  // namespace notify::services
