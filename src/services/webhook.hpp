#pragma once
#include <string>
#include <utility>
#include <vector>

#include "message/split.hpp"
#include "services/service.hpp"

namespace notify::services {

/// Any HTTP endpoint: the profile's `body` template filled per part, sent
/// with its method, content type and headers.
class Webhook final : public Service {
 public:
  explicit Webhook(const config::Profile& profile);
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::vector<std::string> notes(const Message& message) const override;

  /// Default part size, in the profile's unit.
  static constexpr std::size_t kLimit = 4000;
  /// The most max_length may ask for.
  static constexpr std::size_t kMaxLimit = 100000;
  static constexpr std::string_view kDefaultBody =
      R"({"title": "{{title}}", "text": "{{text}}"})";

 private:
  std::string url_;
  std::string method_;
  std::string content_type_;
  std::string body_;
  std::vector<std::pair<std::string, std::string>> headers_;
  message::Unit unit_;
  std::size_t limit_;
};

/// --dry-run's view of a webhook request: every header but Content-Type
/// shown as "***" (all of them may be secrets, whatever their length).
std::string webhook_preview(const HttpRequest& request);

}  // namespace notify::services
