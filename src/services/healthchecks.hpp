#pragma once
// healthchecks.io (or a self-hosted Healthchecks): a dead-man switch, not a
// chat. One ping per message: success, /fail, or a run's /start and /N
// (its exit status), the report as the body with its tail kept.

#include "services/service.hpp"

namespace notify::services {

class Healthchecks final : public Service {
 public:
  explicit Healthchecks(const config::Profile& profile);
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::vector<std::string> notes(const Message& message) const override;
  /// Not a message id: healthchecks answers every ping with the most body
  /// it keeps (Ping-Body-Limit), which `notify run` reads from the answer
  /// to its start ping to size the report of the end ping. "" when absent.
  std::string message_id(const HttpRequest& request,
                         const HttpResponse& response) const override;

  /// What healthchecks.io keeps of a ping's body, in bytes (a self-hosted
  /// server's default is 10,000; it says so in Ping-Body-Limit).
  static constexpr std::size_t kLimit = 100000;

 private:
  std::string ping_url_;
  std::size_t limit_;
};

/// The last `limit` bytes of valid UTF-8 `text`, starting on a line when one
/// starts in the last quarter of the room, else on a character; a text cut
/// so starts with a line saying so. Whole when it fits.
std::string tail_within(std::string_view text, std::size_t limit);

}  // namespace notify::services
