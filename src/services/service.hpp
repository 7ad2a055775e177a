#pragma once
// A chat service turns a message into HTTP requests and reads the replies.
// It never sends: the delivery engine does, through an HttpClient.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "config/profile.hpp"
#include "message/draft.hpp"
#include "core/http.hpp"

namespace notify::services {

using notify::Attachment;
using notify::Beat;

/// The message as the user asked for it, already sanitised, with command-line
/// overrides applied over the profile.
struct Message {
  std::string title;
  std::string body;
  bool code = false;
  std::string code_lang;
  bool markdown = false;  ///< body is CommonMark/GFM (--markdown); never with code
  bool silent = false;  ///< priority == low: the service's no-notification switch
  Priority priority = Priority::normal;
  /// The profile's urgent_mentions when priority is urgent; else empty.
  std::vector<std::string> urgent_mentions;
  std::string username;
  std::string icon_url;
  std::string icon_emoji;
  std::string channel;
  int max_parts = 10;
  std::vector<Attachment> files;
  /// --edit: the ids of the messages this one replaces, one per text part
  /// in order (a service that cannot edit never gets any). A part beyond
  /// them is posted anew.
  std::vector<std::string> edit_ids;
  /// --reply: the id of the message every new part answers; "" for none.
  std::string reply_to;
  /// What a heartbeat service pings (success, failure, a run's start or
  /// end); chat services ignore it.
  Beat beat;
  /// The alert key (--key, or `notify run`'s own); "" for none.
  std::string key;
};

/// What a reply means for delivery.
struct Verdict {
  enum class Kind {
    delivered,     ///< accepted (LINE 409 on a known retry key counts)
    retry,         ///< 429, 5xx, timeout, connection failure
    fail,          ///< permanent: do not retry this request
    resend_plain,  ///< the service could not parse our formatting
    /// An edit the server will not make (the message is gone, or too old
    /// to edit): the message is posted anew instead.
    post_anew,
  };
  Kind kind = Kind::fail;
  std::optional<std::chrono::milliseconds> retry_after;  ///< asked by server
  std::string error;  ///< the service's own words, for the user
  std::string hint;   ///< what to do about it, if we know
};

/// Injected randomness and time, so payload building stays deterministic in tests.
struct BuildContext {
  std::function<std::string()> new_uuid;
  /// Seconds since the epoch for what a message states as its time (an
  /// e-mail's Date); the system clock when empty.
  std::function<std::int64_t()> now_unix = nullptr;
  /// What Service::lookup() learnt from the server (Matrix: the room id of
  /// an alias), journalled with the plan so a flush builds with the same
  /// answer; nullopt when the service asked nothing, or not yet (a
  /// --dry-run, or before the round performs the lookup).
  std::optional<std::string> lookup = std::nullopt;
};

/// What a lookup's reply says: the value the requests need, or why there is
/// none (a retry or a permanent failure, read as a send's reply would be).
struct LookupAnswer {
  std::optional<std::string> value;
  Verdict verdict;
};

class Service {
 public:
  virtual ~Service() = default;
  /// The requests that deliver the message, in the order they must be sent.
  virtual std::vector<HttpRequest> build(const Message& message,
                                         const BuildContext& ctx) const = 0;
  /// Reads one reply (or transport failure) to one of those requests.
  virtual Verdict interpret(const HttpResponse& response) const = 0;
  /// The same request without formatting, if it carried any.
  virtual std::optional<HttpRequest> plain(const HttpRequest& request) const;
  /// The -v warning when plain(request) leaves out something other than
  /// formatting (Mattermost's priority or silent switch); "" for formatting.
  virtual std::string plain_note(const HttpRequest& request) const;
  /// The most body text (in the service's unit) that goes out as one part
  /// of a message shaped like `message` (title, code, markdown), whatever
  /// its body: what --stream fills one message with.
  virtual std::size_t one_part_text(const Message& message) const = 0;
  /// Largest attachment the service takes, in bytes; 0 when it takes none.
  virtual std::size_t max_file_bytes() const { return 0; }
  /// Remarks for -v, e.g. a switch the service does not have.
  virtual std::vector<std::string> notes(const Message& message) const;
  /// The id of the message a delivered text part made or replaced, as a
  /// later --edit or --reply names it; "" when the service gives none (or
  /// the request carried a file).
  virtual std::string message_id(const HttpRequest& /*request*/,
                                 const HttpResponse& /*response*/) const {
    return "";
  }
  /// A request whose answer build() needs (BuildContext::lookup), made once
  /// per message before its parts go out: app/round performs it, journals
  /// the answer and rebuilds with it. nullopt (the default) when the
  /// requests need nothing from the server.
  virtual std::optional<HttpRequest> lookup(const Message& /*message*/) const {
    return std::nullopt;
  }
  /// Reads the reply (or transport failure) to lookup()'s request.
  virtual LookupAnswer read_lookup(const HttpResponse& /*response*/) const { return {}; }
};

/// Longest part the profile's service takes, in its own unit (max_length
/// or the service's limit).
std::size_t part_limit(const config::Profile& profile);

/// The service for a profile whose secrets are resolved.
std::unique_ptr<Service> make_service(const config::Profile& profile);

/// An error reply's body for one line of output: an HTML page (a proxy's)
/// as its status line, other text without controls, cut to 200 characters.
std::string body_text(const HttpResponse& response);

/// Defaults every service shares: 2xx delivered; 429/5xx/transport retried
/// honouring Retry-After; other 4xx fail with `error` (printed without
/// controls); 3xx fail as "the webhook moved", the Location masked.
Verdict generic_verdict(const HttpResponse& response, std::string error);

}  // namespace notify::services
