#pragma once
// Handlers for FakeServer that answer as Gotify, Pushover and a Teams
// Workflows webhook do (shared/reference/services-3.md §5-7), and record
// what each would show, decoded:
//
//   FakePushover pushover;
//   server.set_handler(pushover.handler());
//   ... run notify with api_base = server.base_url() ...
//   EXPECT_EQ(pushover.messages().at(0).message, "disk full");
//
// Safe to read from the test thread while the server runs. Scripted
// replies (server.push_reply) are not recorded.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "support/fake_server.hpp"

namespace notify::test {

// --- Gotify: POST {prefix}/message ------------------------------------------

struct GotifyOptions {
  std::string prefix;                        ///< path prefix of the server ("" or "/gotify")
  std::string token = "AppTokenFake0001";   ///< the application token
  std::string client_token = "ClientTokenFake1";  ///< a client token: 403 on /message
};

struct GotifyMessage {
  long id = 0;
  std::string title, message;
  std::optional<long> priority;  ///< none: the app's default
  std::string content_type;      ///< extras client::display contentType, "" when none
  bool token_in_query = false;   ///< the token came as ?token= (it should not)
};

/// 200 {"id","appid","message","title","priority","extras","date"} to a POST
/// {prefix}/message with the application token (X-Gotify-Key, Authorization:
/// Bearer, or ?token=) and a JSON body whose "message" is a non-empty string.
/// Errors as Gotify's {"error","errorCode","errorDescription"}: no or an
/// unknown token 401, the client token 403, bad JSON or no message 400, other
/// paths 404.
class FakeGotify {
 public:
  explicit FakeGotify(GotifyOptions options = {});
  Handler handler() const;
  std::vector<GotifyMessage> messages() const;
  /// server base + prefix: the profile's `server`.
  std::string server(const FakeServer& server) const;
  struct State;

 private:
  std::shared_ptr<State> state_;
};

/// A Gotify error body with that status.
Reply gotify_error(int status, std::string_view description);

// --- Pushover: POST /1/messages.json -----------------------------------------

struct PushoverOptions {
  std::string token = "azGDORePK8gMaC0QOYAMyEEuzJnyUi";  ///< 30 [A-Za-z0-9]
  std::string user = "uQiRzpo4DXghDmr9QzzfQu27cmVRsG";
  /// Messages accepted before 429 (the monthly quota); 0: no quota.
  std::size_t quota = 0;
};

struct PushoverMessage {
  std::string message, title, device, sound;
  int priority = 0;
  std::optional<long> retry, expire;
  bool html = false, monospace = false;
  std::string attachment_name, attachment, attachment_type;  ///< "" without one
  bool multipart = false;
};

/// 200 {"status":1,"request":UUID} to a POST /1/messages.json, form-encoded or
/// multipart, that Pushover would take: token and user 30 [A-Za-z0-9] and the
/// configured ones, message non-empty and at most 1024 code points, title at
/// most 250, priority -2..2 (2 needs retry >= 30 and expire <= 10800), html
/// and monospace not both, attachment at most 5,242,880 bytes. Refusals are
/// 400 {"status":0,"errors":[...],"<field>":"invalid","request"}; over the
/// quota 429. Every answer carries X-Limit-App-Limit/-Remaining/-Reset.
class FakePushover {
 public:
  explicit FakePushover(PushoverOptions options = {});
  Handler handler() const;
  std::vector<PushoverMessage> messages() const;
  struct State;

 private:
  std::shared_ptr<State> state_;
};

/// A Pushover error with that status: {"status":0,"errors":[error],...}.
Reply pushover_error(int status, std::string_view error, std::string_view invalid_field = "");

// --- Teams Workflows webhook -------------------------------------------------

struct TeamsOptions {
  std::string path = "/workflows/0a1b2c3d4e5f60718293a4b5c6d7e8f9/triggers/manual/paths/invoke";
  std::string sig = "TeamsSigFake0123456789abcdefGHIJ";
  std::size_t limit = 28000;  ///< bytes of a request body
};

struct TeamsBlock {
  std::string text;   ///< as sent (Markdown escapes in place)
  std::string shown;  ///< as a TextBlock shows it: backslash escapes undone
  bool bold = false, large = false, monospace = false, wrap = false;
  /// Unescaped Markdown the TextBlock would render: * _ [ or a list item.
  bool markup = false;
};

struct TeamsCard {
  std::vector<TeamsBlock> blocks;
  std::size_t bytes = 0;   ///< the request body's size
  bool entities = false;   ///< msteams.entities was sent (a mention)
};

/// 202 (empty body) to a POST on options.path with ?sig= options.sig (and
/// api-version, sp, sv) whose body is the message envelope with one Adaptive
/// Card: type AdaptiveCard, body an array, every TextBlock with a non-empty
/// string text. Wrong sig 401, other paths 404, other methods 405, bodies over
/// options.limit 413, malformed cards 400; errors as {"error":{"code","message"}}.
class FakeTeams {
 public:
  explicit FakeTeams(TeamsOptions options = {});
  Handler handler() const;
  std::vector<TeamsCard> cards() const;
  /// The webhook URL: server base + path + ?api-version=1&sp=...&sv=1.0&sig=...
  std::string url(const FakeServer& server) const;
  struct State;

 private:
  std::shared_ptr<State> state_;
};

/// A Workflows error {"error":{"code":code,"message":text}} with that status.
Reply teams_error(int status, std::string_view code, std::string_view text);

}  // namespace notify::test
