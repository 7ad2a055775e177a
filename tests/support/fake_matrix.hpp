#pragma once
// A Matrix homeserver's client-server API, as much as notify uses: room
// message sends (PUT with a transaction id), alias lookups, edits and
// replies. Validates like a homeserver and records what a member of the
// room would see.

#include <chrono>
#include <cstddef>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "support/fake_server.hpp"

namespace notify::test {

struct MatrixOptions {
  std::string token = "syt_bm90aWZ5_fakefakefake_0AbCdE";
  std::string user = "@notify:fake.test";  ///< the token's account
  std::vector<std::string> rooms = {"!ops:fake.test"};  ///< rooms the account is in
  std::map<std::string, std::string> aliases = {{"#ops:fake.test", "!ops:fake.test"}};
  std::size_t event_limit = 65536;  ///< bytes of a content body
  /// Every request is acted on at once and answered this much later.
  std::chrono::milliseconds answer_delay{0};
};

/// One m.room.message event the server made.
struct MatrixEvent {
  std::string event_id;
  std::string room_id;
  std::string txn_id;
  std::string sender;
  std::string msgtype;
  std::string body;
  std::string format;          ///< "" or org.matrix.custom.html
  std::string formatted_body;
  bool has_mentions = false;   ///< m.mentions present
  bool mentions_room = false;  ///< m.mentions.room
  std::vector<std::string> mentioned_users;  ///< m.mentions.user_ids
  std::string replaces;  ///< m.replace: the original's event id
  std::string new_body;  ///< m.replace: m.new_content.body
  std::string new_html;  ///< m.replace: m.new_content.formatted_body
  std::string reply_to;  ///< m.in_reply_to's event id
  std::size_t size = 0;  ///< bytes of the content as sent
};

class FakeMatrix {
 public:
  explicit FakeMatrix(MatrixOptions options = {});
  /// A handler for server.set_handler(); it shares this object's record.
  Handler handler() const;
  /// Every event made, edits included, in order.
  std::vector<MatrixEvent> events() const;
  /// The events that are no edit, in order.
  std::vector<MatrixEvent> messages() const;
  /// What the room shows of an original event now: its latest edit's new
  /// body, or its own body; "" for an unknown id.
  std::string current_text(const std::string& event_id) const;
  std::string current_html(const std::string& event_id) const;
  /// Alias lookups answered (any outcome).
  std::size_t lookups() const;
  /// Sends of a transaction already done: answered with the original event.
  std::size_t replays() const;
  /// Redacts an event: an edit of it is then 404 M_NOT_FOUND.
  void redact(const std::string& event_id);

  struct State;

 private:
  std::shared_ptr<State> state_;
};

/// {"errcode","error"} with this status.
Reply matrix_error(int status, std::string errcode, std::string error);
/// 429 M_LIMIT_EXCEEDED with retry_after_ms and, when retry_after_s >= 0, Retry-After.
Reply matrix_429(long retry_after_ms, int retry_after_s = -1);

}  // namespace notify::test
