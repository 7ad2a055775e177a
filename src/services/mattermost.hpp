#pragma once
#include <optional>

#include <nlohmann/json.hpp>

#include "services/service.hpp"

namespace notify::services {

class Mattermost final : public Service {
 public:
  explicit Mattermost(const config::Profile& profile)
      : profile_(profile), limit_(profile.max_length.value_or(kLimit)) {}
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::vector<std::string> notes(const Message& message) const override;
  /// The request without its priority and silent switch, when it carried
  /// either.
  std::optional<HttpRequest> plain(const HttpRequest& request) const override;
  std::string plain_note(const HttpRequest& request) const override;

  /// Mattermost's default post limit (16383 code points) on current servers.
  static constexpr std::size_t kLimit = 16383;

 private:
  /// The webhook's "priority" object for a high or urgent message.
  std::optional<nlohmann::json> priority_json(const Message& message) const;
  config::Profile profile_;
  std::size_t limit_;  ///< one part, in its unit: max_length or kLimit
};

}  // namespace notify::services
