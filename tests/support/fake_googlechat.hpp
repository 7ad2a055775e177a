#pragma once
// Google Chat space webhooks as a FakeServer handler
// (shared/reference/services-3.md §8): POST
// /v1/spaces/SPACE/messages?key=KEY&token=TOKEN with a JSON Message. It
// validates as Chat does and records each message as the space shows it,
// with its thread, so tests assert on meaning:
//
//   FakeGoogleChat chat;
//   server.set_handler(chat.handler());
//   ... run notify against chat.url(server) ...
//   EXPECT_EQ(chat.messages().at(0).shown, "*disk*\n91%");
//
// A repeated requestId is answered with the message it made, not a new
// one (counted in repeats()). Errors it does not make itself (429, 5xx)
// are scripted with server.push_reply(googlechat_error(...)).

#include <chrono>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "support/fake_server.hpp"

namespace notify::test {

struct GoogleChatOptions {
  std::string space = "AAAAfakespace";
  std::string key = "AIzaSyFAKEkeyFAKEkey0123456789";
  std::string token = "fAkEtOkEn0123456789abcdefXYZ";
  /// How long a request waits for its answer after the message is made
  /// (what a kill inside a request needs).
  std::chrono::milliseconds answer_after{0};
};

/// One message as the space shows it.
struct GoogleChatMessage {
  std::string name;         ///< "spaces/SPACE/messages/N"
  std::string thread;       ///< "spaces/SPACE/threads/T"
  std::string thread_key;   ///< as sent; "" when none was honoured
  std::string request_id;   ///< as sent; "" when none
  std::string text;         ///< as sent
  std::string shown;        ///< text without the U+200B that only break markup
  std::size_t length = 0;   ///< code points of text
  /// <users/all> and <users/ID> Chat would notify, as found in text.
  std::vector<std::string> mentions;
  /// Spans Chat would render from text: "*bold*", "_x_", "~x~", "`x`", and
  /// links "<url|text>" (a marker at the start or after a non-word
  /// character, followed by a non-space that is not U+200B, and closed on
  /// the same line).
  std::vector<std::string> spans;
  bool reply = false;       ///< joined a thread that existed
};

class FakeGoogleChat {
 public:
  explicit FakeGoogleChat(GoogleChatOptions options = {});
  Handler handler() const;
  std::vector<GoogleChatMessage> messages() const;
  /// Requests answered with an existing message by their requestId.
  std::size_t repeats() const;
  /// server base + the space's webhook path, key and token.
  std::string url(const FakeServer& server) const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

/// Google's error body {"error": {"code", "message", "status"}}.
Reply googlechat_error(int code, std::string_view status, std::string_view message);
/// 429 RESOURCE_EXHAUSTED, with Retry-After when retry_after_s >= 0.
Reply googlechat_429(int retry_after_s);

}  // namespace notify::test
