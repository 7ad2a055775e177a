#pragma once
#include "services/service.hpp"

namespace notify::services {

/// Matrix client-server API: one m.room.message event per part, sent with
/// PUT and a transaction id drawn from BuildContext::new_uuid (journalled,
/// so a resend after a kill is the same transaction and no duplicate).
class Matrix final : public Service {
 public:
  explicit Matrix(const config::Profile& profile)
      : profile_(profile), limit_(profile.max_length.value_or(kLimit)) {}
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  std::size_t one_part_text(const Message& message) const override;
  std::vector<std::string> notes(const Message& message) const override;
  std::string message_id(const HttpRequest& request,
                         const HttpResponse& response) const override;
  std::optional<HttpRequest> lookup(const Message& message) const override;
  LookupAnswer read_lookup(const HttpResponse& response) const override;

  /// One part's text, in UTF-8 bytes. Its event (body, formatted_body,
  /// JSON escaping) is at most about 6 times that: 48 KB.
  static constexpr std::size_t kLimit = 8000;
  static constexpr std::size_t kMaxLimit = 30000;
  /// The most one request's content may hold; a part whose event would be
  /// larger (Markdown heavy with markup, an edit, which carries its text
  /// twice) is cut smaller. The server's limit, 65,536 bytes, counts the
  /// whole event with its envelope and signatures.
  static constexpr std::size_t kEventBudget = 60000;

 private:
  std::string send_url(const std::string& room_id, const std::string& txn) const;
  config::Profile profile_;
  std::size_t limit_;
};

}  // namespace notify::services
