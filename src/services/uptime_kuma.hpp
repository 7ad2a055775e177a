#pragma once
// Uptime Kuma's push monitor: a dead-man switch fed by GET
// .../api/push/TOKEN?status=up|down&msg=...&ping=MS. A message is one push:
// up, or down for --fail and a failed run; msg its first line.

#include "services/service.hpp"

namespace notify::services {

class UptimeKuma final : public Service {
 public:
  explicit UptimeKuma(const config::Profile& profile);
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::vector<std::string> notes(const Message& message) const override;

  /// Characters of `msg`: one line, as the monitor's list shows it.
  static constexpr std::size_t kLimit = 250;

 private:
  std::string push_url_;  ///< without the query a copied URL carries
  std::size_t limit_;
};

}  // namespace notify::services
