#pragma once
// E-mail over SMTP: one message per send, never split, handed to libcurl as
// a complete RFC 5322 message with its envelope.

#include "services/service.hpp"

namespace notify::services {

class Email final : public Service {
 public:
  explicit Email(const config::Profile& profile);
  std::vector<HttpRequest> build(const Message& message,
                                 const BuildContext& ctx) const override;
  Verdict interpret(const HttpResponse& response) const override;
  /// A mail is never split: its whole text is one part.
  std::size_t one_part_text(const Message&) const override { return kLimit; }
  std::size_t max_file_bytes() const override { return kMaxFileBytes; }
  std::vector<std::string> notes(const Message& message) const override;
  std::string message_id(const HttpRequest& request,
                         const HttpResponse& response) const override;

  /// Body text one message carries, in bytes; past it the message is capped.
  static constexpr std::size_t kLimit = 1u << 20;
  /// Per attachment: base64 makes it a third larger, and many servers stop
  /// at 25 MB for the whole message.
  static constexpr std::size_t kMaxFileBytes = 10u << 20;

 private:
  std::string smtp_url_;
  std::string username_;
  std::string password_;
  std::string from_;
  std::vector<std::string> to_;
  bool starttls_ = true;
};

}  // namespace notify::services
