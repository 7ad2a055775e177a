#pragma once
// Service-flavoured default handlers for FakeServer, answering with the reply
// shapes documented in shared/reference (services.md and samples/). Install one
// with server.set_handler(telegram_handler()); script errors with push_reply().
// Each handler keeps its own state (message counters, LINE retry keys); handlers
// are called one at a time by FakeServer, so they are not thread-safe themselves.

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "support/fake_server.hpp"

namespace notify::test {

// --- What a chat holds ------------------------------------------------------

/// The messages a fake service with ids (Telegram, Discord) made, as a
/// person in the chat would see them now: shared between the handler,
/// which keeps it, and the test, which reads snapshots.
class FakeChat {
 public:
  struct Message {
    std::string text;      ///< as it reads now (after every edit)
    int edits = 0;         ///< edits made to it
    std::string reply_to;  ///< the id of the message it answers; "" for none
  };
  /// Every message so far, by id.
  std::map<std::string, Message> messages() const;
  /// The message with this id, if there is one.
  std::optional<Message> message(const std::string& id) const;

  // The handler's side.
  void add(const std::string& id, Message m);
  /// False when there is no such message.
  bool edit(const std::string& id, const std::string& text);
  /// Deletes it, as a person in the chat would.
  void remove(const std::string& id);

 private:
  mutable std::mutex mutex_;
  std::map<std::string, Message> messages_;
};

// --- Mattermost: POST /hooks/{id} --------------------------------------------

struct MattermostOptions {
  std::string hook_id = "testhook1234";  ///< "" accepts any id; others get 400 invalid webhook
};
/// 200 text/plain "ok"; 400 AppError JSON for an unknown hook, unparseable body, or no
/// text/attachments. Accepts JSON bodies and form-encoded `payload=`.
Handler mattermost_handler(MattermostOptions options = {});
/// server base + "/hooks/" + hook_id.
std::string mattermost_url(const FakeServer& server, const MattermostOptions& options = {});

// --- Telegram: /bot{token}/{method} ------------------------------------------

/// Body of the sample getUpdates reply (private chat 111111111, group -4000000001, forum
/// supergroup -1001234567890 topic 300, channel -1009876543210 @status_channel_example).
extern const std::string_view kTelegramGetUpdatesJson;

struct TelegramOptions {
  std::string token = "123456789:TEST-fake-token";  ///< any other token gets 401
  /// Chat ids (as strings, e.g. "111111111", "@chan") sendMessage accepts; nullopt = all.
  std::optional<std::set<std::string>> known_chats;
  std::string updates_json = std::string(kTelegramGetUpdatesJson);  ///< getUpdates reply body
  /// Where the text messages sent, edited and answered are kept (sendMessage,
  /// editMessageText, reply_parameters); one is made when none is given.
  std::shared_ptr<FakeChat> chat;
};
/// sendMessage/sendDocument → 200 {"ok":true,"result":Message} echoing chat_id, text/caption
/// (raw, markup not parsed), message_thread_id; getMe; getUpdates → updates_json.
/// editMessageText → 200 with the edited Message; 400 "message to edit not found" for an id
/// the chat does not have, 400 "message is not modified" for the same text and entities.
/// reply_parameters: 400 "message to be replied not found" unless that message exists or
/// allow_sending_without_reply is true. Parameters
/// may come as JSON, form-urlencoded, multipart or query. Errors: 401 wrong token, 400 chat
/// not found / empty text / text over 4096 code points / bad parse_mode, 404 unknown method.
Handler telegram_handler(TelegramOptions options = {});
/// server base (the api_base for the tool); methods live at base + "/bot" + token + "/METHOD".
std::string telegram_method_url(const FakeServer& server, std::string_view method,
                                const TelegramOptions& options = {});

// --- LINE Messaging API: POST /v2/bot/message/{push,broadcast} ---------------

struct LineOptions {
  std::string token = "line-test-channel-token";  ///< expected "Authorization: Bearer <token>"
};
/// 200 {"sentMessages":[...]} (broadcast: {}) with x-line-request-id; 401 on a wrong token;
/// 400 validation errors (1..5 messages, text 1..5000 UTF-16 units, bad X-Line-Retry-Key);
/// a repeated X-Line-Retry-Key of an accepted request → 409 with x-line-accepted-request-id.
/// Only requests this handler answered with 200 count as accepted (not scripted replies).
Handler line_handler(LineOptions options = {});
/// server base + "/v2/bot/message/push".
std::string line_push_url(const FakeServer& server);

// --- Discord: POST /api[/vN]/webhooks/{id}/{token} ----------------------------

struct DiscordOptions {
  std::string webhook_id = "1100000000000000001";  ///< "" accepts any id/token pair
  std::string webhook_token = "test-webhook-token";
  /// Where the messages made and edited are kept; one is made when none is given.
  std::shared_ptr<FakeChat> chat;
};
/// PATCH .../messages/{id} → 200 the edited Message (content, edited_timestamp); 404
/// (10008) Unknown Message for an id this webhook did not make; flags other than
/// SUPPRESS_EMBEDS (4) → 400 (50035).
/// ?wait=true → 200 Message JSON echoing content/flags; else 204. 404 Unknown Webhook for
/// other ids/tokens; 400 (50035) content over 2000 code points; 400 (50006) empty message.
/// Accepts JSON or multipart with payload_json and files[n]. Success carries X-RateLimit-*.
Handler discord_handler(DiscordOptions options = {});
/// server base + "/api/webhooks/" + id + "/" + token.
std::string discord_url(const FakeServer& server, const DiscordOptions& options = {});

/// The handler for "mattermost", "telegram", "line" or "discord" with default options;
/// throws std::invalid_argument for anything else.
Handler service_handler(std::string_view kind);

// --- Error replies in each service's form ------------------------------------

/// 429 {"ok":false,"error_code":429,"description":"Too Many Requests: retry after N",
/// "parameters":{"retry_after":N}} plus Retry-After: N.
Reply telegram_429(int retry_after_s);
/// Any Telegram error envelope, e.g. telegram_error(403, "Forbidden: bot was blocked by the user").
Reply telegram_error(int code, std::string_view description);
/// 429 {"message":"You are being rate limited.","retry_after":S,"global":G} plus Retry-After
/// (S rounded up) and X-RateLimit-* headers.
Reply discord_429(double retry_after_s, bool global = false);
/// 429 rate-limit (or, if monthly, monthly-quota) message, without Retry-After, as LINE does.
Reply line_429(bool monthly = false);
/// 429 text/plain "limit exceeded" with Retry-After and X-RateLimit-* headers.
Reply mattermost_429(int retry_after_s);
/// A 5xx (500, 502, 503, 504...) as a reverse proxy would send it: short text/html page.
Reply server_error(int status = 503);
/// Like server_error, with a Retry-After header (seconds).
Reply server_error_retry_after(int status, int retry_after_s);

/// Number of Unicode code points in UTF-8 text (invalid bytes count as one each).
std::size_t utf8_code_points(std::string_view s);
/// Number of UTF-16 code units the UTF-8 text would take.
std::size_t utf16_units(std::string_view s);

}  // namespace notify::test
