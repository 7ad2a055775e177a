#pragma once
#include "services/service.hpp"

namespace notify::services {

/// Microsoft Teams through a Workflows (Power Automate) webhook: an
/// Adaptive Card in a message envelope.
class Teams final : public Service {
 public:
  explicit Teams(const config::Profile& profile);
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::vector<std::string> notes(const Message& message) const override;

  /// Bytes of one whole request body (Teams' 28 KB message limit).
  static constexpr std::size_t kLimit = 28000;

 private:
  std::vector<HttpRequest> requests(const Message& m, std::size_t text_limit) const;
  std::string url_;
  std::size_t limit_;  ///< bytes of a request body: max_length or kLimit
};

/// Text as an Adaptive Card TextBlock shows it, its Markdown subset
/// (emphasis, links, lists) escaped with backslashes.
std::string teams_escaped(std::string_view text);

}  // namespace notify::services
