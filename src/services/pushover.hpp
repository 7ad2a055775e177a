#pragma once
#include "services/service.hpp"

namespace notify::services {

/// Pushover: POST {api_base}/1/messages.json, form-encoded (multipart with
/// a file), an application token and a user or group key.
class Pushover final : public Service {
 public:
  explicit Pushover(const config::Profile& profile);
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::vector<std::string> notes(const Message& message) const override;
  std::size_t max_file_bytes() const override { return kFileLimit; }

  static constexpr std::size_t kLimit = 1024;       ///< message, code points
  static constexpr std::size_t kTitleLimit = 250;   ///< title, code points
  static constexpr std::size_t kFileLimit = 5242880;  ///< one attachment
  static constexpr std::int64_t kRetry = 60;     ///< emergency: seconds between repeats
  static constexpr std::int64_t kExpire = 3600;  ///< emergency: seconds it repeats for
  /// Pushover asks for no retry sooner than this after a 5xx or no answer.
  static constexpr int kMinRetrySeconds = 5;

 private:
  std::string url_;
  std::string token_, user_, device_, sound_;
  std::int64_t retry_, expire_;
  std::size_t limit_;
};

}  // namespace notify::services
