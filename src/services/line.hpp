#pragma once
#include "services/service.hpp"

namespace notify::services {

class Line final : public Service {
 public:
  explicit Line(const config::Profile& profile)
      : profile_(profile), limit_(profile.max_length.value_or(kLimit)) {}
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::vector<std::string> notes(const Message& message) const override;

  /// Text message limit in UTF-16 units, and text messages per push.
  static constexpr std::size_t kLimit = 5000;
  static constexpr std::size_t kMessagesPerPush = 5;

 private:
  config::Profile profile_;
  std::size_t limit_;  ///< one part, in its unit: max_length or kLimit
};

}  // namespace notify::services
