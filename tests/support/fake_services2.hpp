#pragma once
// Handlers for FakeServer that answer as the second-edition HTTP services do
// (shared/reference/services-2.md): Slack incoming webhooks and ntfy publish.
// Unlike fake_services.hpp, each fake is an object that also records what the
// service would have shown, decoded, so tests assert on meaning rather than on
// request bytes:
//
//   FakeSlack slack;
//   server.set_handler(slack.handler());
//   ... run notify against slack.url(server) ...
//   EXPECT_EQ(slack.posts().at(0).shown, "a < b");
//
// Both are safe to read from the test thread while the server runs. Errors the
// handlers do not produce on their own (rate limits, outages) are scripted with
// server.push_reply(slack_error(...)) / ntfy_error(...); scripted replies are
// not recorded as posts or messages.

#include <cstddef>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "support/fake_server.hpp"

namespace notify::test {

// --- Slack incoming webhooks: POST /services/T.../B.../XXXX -------------------

struct SlackOptions {
  /// The hook's path; "" accepts any /services/T*/B*/* path.
  std::string path = "/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX";
  /// Channels a legacy webhook may post to via "channel"; nullopt = any.
  std::optional<std::set<std::string>> channels;
  bool archived = false;    ///< the hook's channel is archived: 410 channel_is_archived
  bool prohibited = false;  ///< workspace forbids posting: 403 action_prohibited
};

/// One post as Slack would show it.
struct SlackPost {
  std::string raw_body;  ///< the request body as sent
  std::string text;      ///< "text" as sent (mrkdwn, entities still escaped), truncated
  std::string shown;     ///< text with &amp; &lt; &gt; turned back into & < >
  std::size_t length = 0;  ///< code points of the text as sent (before truncation)
  bool truncated = false;  ///< text was over 40,000 code points and was cut
  /// Notifying tokens Slack would act on, as found in the raw text, e.g. "<!channel>",
  /// "<!here>", "<!everyone>", "<@U123>", "<#C123>", "<!subteam^S1>".
  std::vector<std::string> mentions;
  bool link_names = false;  ///< "link_names" was set (plain @channel would notify)
  std::string username, icon_emoji, icon_url, channel;  ///< overrides as sent, "" if none
};

/// Answers 200 text/plain "ok" to a POST with a JSON object body (or form-encoded `payload=`)
/// carrying a non-empty "text" (or "blocks"/"attachments"). Errors, all text/plain words:
/// unknown path or non-POST → 404 no_service; unparseable body → 400 invalid_payload; no text →
/// 400 no_text; "channel" not in options.channels → 404 channel_not_found; archived → 410
/// channel_is_archived; prohibited → 403 action_prohibited. Text over 40,000 code points is
/// accepted and cut to 40,000 (what Slack shows; where Slack cuts inside an entity is not known).
class FakeSlack {
 public:
  explicit FakeSlack(SlackOptions options = {});
  /// A handler for server.set_handler(); it shares this object's record.
  Handler handler() const;
  /// Posts answered 200 by the handler, in order.
  std::vector<SlackPost> posts() const;
  /// server base + options.path (or a made-up hook path when options.path is "").
  std::string url(const FakeServer& server) const;

  struct State;

 private:
  std::shared_ptr<State> state_;
};

/// A Slack error: text/plain body `word` with this status (e.g. 404, "channel_not_found").
Reply slack_error(int status, std::string_view word);
/// 429 text/plain "rate_limited" with Retry-After: seconds.
Reply slack_429(int retry_after_s);

// --- ntfy: POST/PUT {server}/{topic}, or the JSON form at the root -----------

struct NtfyOptions {
  /// Access token; when set, "Authorization: Bearer <token>" (or Basic with an empty user and
  /// the token as password) is required: none → 403 (40301), another → 401 (40101).
  std::string token;
  std::size_t message_limit = 4096;            ///< bytes of a message body
  std::size_t attachment_limit = 2 * 1024 * 1024;  ///< bytes of an attachment (ntfy.sh)
  std::size_t daily_quota = 0;  ///< messages accepted before 429 (42908); 0 = no quota
};

/// One published message as ntfy stored it.
struct NtfyMessage {
  std::string id;      ///< as answered, "fake" + a counter
  std::string topic;
  std::string message;
  std::string title;   ///< RFC 2047 decoded
  int priority = 0;    ///< 1..5; 0 when none was given (ntfy then means 3)
  std::vector<std::string> tags;  ///< RFC 2047 decoded, split at commas, trimmed
  bool markdown = false;
  std::string click;
  std::string filename;    ///< attachment name, "" when no attachment
  std::string attachment;  ///< attachment bytes
  bool json_form = false;  ///< published with the JSON body at the server root
  std::string method;      ///< "POST" or "PUT"
  /// X-Sequence-ID (Sequence-ID, SID): the earlier message's id it replaces (2.16); "" for none.
  std::string sequence_id;
};

/// POST/PUT /{topic} (topic [-_A-Za-z0-9]{1,64}): the body is the message; parameters from
/// X-Title/Title/t, X-Priority/Priority/prio/p (1-5, min, low, default, high, max, urgent),
/// X-Tags/Tags/tag/ta, X-Markdown/Markdown/md (yes, true, 1), X-Click/Click, X-Sequence-ID/
/// Sequence-ID/SID (answered back as "sequence_id", as servers from 2.16 do), X-Filename/
/// Filename/file/f, X-Message/Message/m, in headers (RFC 2047 values decoded) or the query.
/// With a filename the body is an attachment and the message comes from X-Message (default
/// "You received a file: NAME"). POST / takes the JSON form {"topic","message","title",
/// "priority","tags","markdown","click","filename"}.
/// 200 JSON {"id","time","expires","event":"message","topic","message"[,"title","priority",
/// "tags","click","content_type":"text/markdown","attachment":{"name","size"}]}.
/// Errors are ntfy's JSON {"code","http","error","link"?}: 401 40101 / 403 40301 (auth),
/// 400 40007 bad priority, 400 40011 body not UTF-8 (no filename), 400 40017 bad JSON form,
/// 400 40009 bad topic in the JSON form, 404 40401 other paths or methods, 413 41301 message
/// over message_limit (real ntfy would turn it into an attachment; the fake refuses, so a
/// missing split shows) or attachment over attachment_limit, 429 42908 over daily_quota.
class FakeNtfy {
 public:
  explicit FakeNtfy(NtfyOptions options = {});
  Handler handler() const;
  /// Messages answered 200 by the handler, in order.
  std::vector<NtfyMessage> messages() const;
  /// server base + "/" + topic.
  static std::string topic_url(const FakeServer& server, std::string_view topic);

  struct State;

 private:
  std::shared_ptr<State> state_;
};

/// An ntfy error body {"code":code,"http":status,"error":text} with that status.
Reply ntfy_error(int status, int code, std::string_view text);
/// 429 {"code":42901,"http":429,"error":"limit reached: too many requests, please be nice",...},
/// with Retry-After when retry_after_s is given (whether ntfy sends one was not verified).
Reply ntfy_429(std::optional<int> retry_after_s = std::nullopt);

}  // namespace notify::test
