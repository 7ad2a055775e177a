#pragma once
#include "services/service.hpp"

namespace notify::services {

class Telegram final : public Service {
 public:
  explicit Telegram(const config::Profile& profile)
      : profile_(profile), limit_(profile.max_length.value_or(kLimit)) {}
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::vector<std::string> notes(const Message& message) const override;
  std::optional<HttpRequest> plain(const HttpRequest& request) const override;
  std::string message_id(const HttpRequest& request,
                         const HttpResponse& response) const override;

  /// sendMessage text limit, code points after entity parsing.
  static constexpr std::size_t kLimit = 4096;

  /// Bot API upload limit (cloud server).
  std::size_t max_file_bytes() const override { return 50u << 20; }

 private:
  config::Profile profile_;
  std::size_t limit_;  ///< one part, in its unit: max_length or kLimit
};

}  // namespace notify::services
