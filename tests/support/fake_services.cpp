#include "support/fake_services.hpp"
#include "support/strings.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <regex>
#include <stdexcept>

namespace notify::test {

using nlohmann::json;

namespace {



std::string content_type(const Recorded& r) { return r.header("content-type").value_or(""); }

// A JSON value as the string a form field would carry (ids may be numbers or strings).
std::string as_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return dump(v);
}

// Request parameters the way Telegram reads them: query, then JSON / form / multipart body.
json request_params(const Recorded& r) {
  json p = json::object();
  for (auto& [k, v] : parse_form(r.query)) p[k] = v;
  const std::string ct = content_type(r);
  if (starts_with_ci(ct, "application/x-www-form-urlencoded")) {
    for (auto& [k, v] : parse_form(r.body)) p[k] = v;
  } else if (starts_with_ci(ct, "multipart/form-data")) {
    for (const auto& part : r.parts) {
      if (part.filename.empty())
        p[part.name] = part.content;
      else
        p[part.name] = json{{"file_name", part.filename}, {"file_size", part.content.size()}};
    }
  } else if (!r.body.empty()) {
    json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return nullptr;
    for (auto& [k, v] : body.items()) p[k] = v;
  }
  return p;
}

Reply with_header(Reply r, std::string name, std::string value) {
  r.headers.emplace_back(std::move(name), std::move(value));
  return r;
}

// --- Mattermost ---------------------------------------------------------------

json mattermost_error(std::string_view id, std::string_view message, int status) {
  static std::atomic<int> counter{0};  // shared by all servers' threads
  return json{{"id", id},
              {"message", message},
              {"detailed_error", ""},
              {"request_id", "fakerequest" + std::to_string(++counter)},
              {"status_code", status}};
}

Reply mattermost_reply(const MattermostOptions& o, const Recorded& r) {
  static const std::regex route("^/hooks/([A-Za-z0-9]+)/?$");
  std::smatch m;
  if (!std::regex_match(r.path, m, route))
    return json_reply(404, dump(mattermost_error("api.context.404.app_error",
                                                 "Sorry, we could not find the page.", 404)));
  if (r.method != "POST")
    return json_reply(405, dump(mattermost_error("api.context.405.app_error",
                                                 "Method Not Allowed", 405)));
  if (!o.hook_id.empty() && m[1] != o.hook_id)
    return json_reply(400, dump(mattermost_error("web.incoming_webhook.invalid.app_error",
                                                 "Invalid webhook.", 400)));
  std::string payload = r.body;
  const std::string ct = content_type(r);
  if (starts_with_ci(ct, "application/x-www-form-urlencoded")) {
    payload.clear();
    for (auto& [k, v] : parse_form(r.body))
      if (k == "payload") payload = v;
  }
  const json body = json::parse(payload, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return json_reply(400, dump(mattermost_error("model.incoming_hook.parse_data.app_error",
                                                 "Unable to parse incoming data.", 400)));
  const bool has_text = body.contains("text") && body["text"].is_string() &&
                        !body["text"].get<std::string>().empty();
  const bool has_attachments = body.contains("attachments") && body["attachments"].is_array() &&
                               !body["attachments"].empty();
  if (!has_text && !has_attachments)
    return json_reply(400, dump(mattermost_error("web.incoming_webhook.text.app_error",
                                                 "No text specified.", 400)));
  return with_header(text_reply(200, "ok"), "X-Request-Id", "fakerequestid0000000000000");
}

// --- Telegram -----------------------------------------------------------------

struct TelegramState {
  TelegramOptions options;
  std::int64_t next_message_id = 18;
  std::map<std::string, std::string> entities;  // by message id: what an edit compares
};

// A parameter that is a JSON object, sent as one (JSON body) or as its text.
json object_param(const json& p, const char* name) {
  if (!p.contains(name)) return json();
  const json& v = p[name];
  if (v.is_object()) return v;
  if (v.is_string()) {
    json parsed = json::parse(v.get<std::string>(), nullptr, false);
    if (parsed.is_object()) return parsed;
  }
  return json::value_t::discarded;
}

json telegram_chat(const std::string& chat_id) {
  char* end = nullptr;
  const long long id = std::strtoll(chat_id.c_str(), &end, 10);
  if (!chat_id.empty() && end != nullptr && *end == '\0') {
    if (id > 0) return json{{"id", id}, {"first_name", "Alice"}, {"type", "private"}};
    if (chat_id.rfind("-100", 0) == 0) return json{{"id", id}, {"title", "Fake"}, {"type", "supergroup"}};
    return json{{"id", id}, {"title", "Fake group"}, {"type", "group"}};
  }
  // "@username": a public channel.
  return json{{"id", -1009876543210LL},
              {"title", "Fake channel"},
              {"username", chat_id.size() > 1 ? chat_id.substr(1) : chat_id},
              {"type", "channel"}};
}

Reply telegram_reply(TelegramState& st, const Recorded& r) {
  static const std::regex route("^/bot([^/]*)/([A-Za-z]+)/?$");
  std::smatch m;
  if (!std::regex_match(r.path, m, route)) return telegram_error(404, "Not Found");
  if (m[1] != st.options.token) return telegram_error(401, "Unauthorized");
  std::string method = m[2];
  std::transform(method.begin(), method.end(), method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });

  if (method == "getme")
    return json_reply(200, dump(json{{"ok", true},
                                     {"result",
                                      {{"id", 7000000001LL},
                                       {"is_bot", true},
                                       {"first_name", "Notify Bot"},
                                       {"username", "notify_example_bot"}}}}));
  if (method == "getupdates") return json_reply(200, st.options.updates_json);
  if (method != "sendmessage" && method != "senddocument" && method != "editmessagetext")
    return telegram_error(404, "Not Found");

  const json p = request_params(r);
  if (p.is_null()) return telegram_error(400, "Bad Request: can't parse JSON object");
  const std::string chat_id = p.contains("chat_id") ? as_text(p["chat_id"]) : "";
  if (chat_id.empty()) return telegram_error(400, "Bad Request: chat_id is empty");
  if (st.options.known_chats && st.options.known_chats->count(chat_id) == 0)
    return telegram_error(400, "Bad Request: chat not found");

  if (p.contains("parse_mode")) {
    std::string mode = as_text(p["parse_mode"]);
    std::transform(mode.begin(), mode.end(), mode.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    if (!mode.empty() && mode != "html" && mode != "markdown" && mode != "markdownv2" &&
        mode != "none")
      return telegram_error(400, "Bad Request: unsupported parse_mode");
  }

  FakeChat& chat = *st.options.chat;
  const std::string entities = p.contains("entities") ? p["entities"].dump() : "";
  if (method == "editmessagetext") {
    if (!p.contains("message_id")) return telegram_error(400, "Bad Request: message identifier is not specified");
    const std::string id = as_text(p["message_id"]);
    const std::string text = p.contains("text") ? as_text(p["text"]) : "";
    if (text.empty()) return telegram_error(400, "Bad Request: message text is empty");
    if (utf8_code_points(text) > 4096) return telegram_error(400, "Bad Request: message is too long");
    const auto now = chat.message(id);
    if (!now) return telegram_error(400, "Bad Request: message to edit not found");
    if (now->text == text && st.entities[id] == entities)
      return telegram_error(400, "Bad Request: message is not modified: specified new message "
                                 "content and reply markup are exactly the same as a current "
                                 "content and reply markup of the message");
    chat.edit(id, text);
    st.entities[id] = entities;
    return json_reply(200, dump(json{{"ok", true},
                                     {"result",
                                      {{"message_id", std::strtoll(id.c_str(), nullptr, 10)},
                                       {"chat", telegram_chat(chat_id)},
                                       {"date", 1767226000},
                                       {"edit_date", 1767226060},
                                       {"text", text}}}}));
  }
  std::string reply_to;
  if (const json reply = object_param(p, "reply_parameters"); !reply.is_null()) {
    if (reply.is_discarded() || !reply.contains("message_id"))
      return telegram_error(400, "Bad Request: can't parse reply parameters JSON object");
    reply_to = as_text(reply["message_id"]);
    if (!chat.message(reply_to) && !reply.value("allow_sending_without_reply", false))
      return telegram_error(400, "Bad Request: message to be replied not found");
  }
  json msg{{"message_id", st.next_message_id++},
           {"from",
            {{"id", 7000000001LL},
             {"is_bot", true},
             {"first_name", "Notify Bot"},
             {"username", "notify_example_bot"}}},
           {"chat", telegram_chat(chat_id)},
           {"date", 1767226000}};
  if (p.contains("message_thread_id")) {
    msg["message_thread_id"] = std::strtoll(as_text(p["message_thread_id"]).c_str(), nullptr, 10);
    msg["is_topic_message"] = true;
  }

  if (method == "sendmessage") {
    const std::string text = p.contains("text") ? as_text(p["text"]) : "";
    if (text.empty()) return telegram_error(400, "Bad Request: message text is empty");
    if (utf8_code_points(text) > 4096) return telegram_error(400, "Bad Request: message is too long");
    msg["text"] = text;
    const std::string id = std::to_string(msg["message_id"].get<std::int64_t>());
    chat.add(id, FakeChat::Message{text, 0, reply_to});
    st.entities[id] = entities;
    if (!reply_to.empty())
      msg["reply_to_message"] = {{"message_id", std::strtoll(reply_to.c_str(), nullptr, 10)},
                                 {"chat", telegram_chat(chat_id)}};
  } else {
    if (!p.contains("document")) return telegram_error(400, "Bad Request: there is no document in the request");
    const json& doc = p["document"];
    msg["document"] = json{{"file_id", "BQACAgIAAxkBAAIBfake"},
                           {"file_unique_id", "AgADfake"},
                           {"file_name", doc.is_object() ? doc.value("file_name", "") : as_text(doc)},
                           {"file_size", doc.is_object() ? doc.value("file_size", 0) : 0}};
    if (p.contains("caption")) {
      const std::string caption = as_text(p["caption"]);
      if (utf8_code_points(caption) > 1024)
        return telegram_error(400, "Bad Request: message caption is too long");
      msg["caption"] = caption;
    }
  }
  return json_reply(200, dump(json{{"ok", true}, {"result", msg}}));
}

// --- LINE -----------------------------------------------------------------------

struct LineAccepted {
  std::string request_id;
  json sent_messages;
};

struct LineState {
  LineOptions options;
  std::uint64_t counter = 0;
  std::map<std::string, LineAccepted> accepted;  // by X-Line-Retry-Key
};

bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (i == 8 || i == 13 || i == 18 || i == 23) {
      if (s[i] != '-') return false;
    } else if (!std::isxdigit(static_cast<unsigned char>(s[i]))) {
      return false;
    }
  }
  return true;
}

std::string line_request_id(LineState& st) {
  const auto n = static_cast<unsigned long long>(++st.counter);
  char buf[48];
  std::snprintf(buf, sizeof buf, "fake-%08llx-%04llx", n, n * 7919 % 65536);
  return buf;
}

Reply line_json(int status, const json& body, const std::string& request_id) {
  return with_header(json_reply(status, dump(body)), "x-line-request-id", request_id);
}

Reply line_reply(LineState& st, const Recorded& r) {
  const std::string request_id = line_request_id(st);
  const bool push = r.path == "/v2/bot/message/push";
  const bool broadcast = r.path == "/v2/bot/message/broadcast";
  const bool info = r.path == "/v2/bot/info";
  if (!push && !broadcast && !info) return line_json(404, json{{"message", "Not found"}}, request_id);

  if (r.header("authorization").value_or("") != "Bearer " + st.options.token)
    return line_json(401,
                     json{{"message",
                           "Authentication failed. Confirm that the access token in the "
                           "authorization header is valid."}},
                     request_id);
  if (info)
    return line_json(200,
                     json{{"userId", "Ufakebot0000000000000000000000000"},
                          {"basicId", "@123fake"},
                          {"displayName", "Notify Bot"},
                          {"chatMode", "bot"},
                          {"markAsReadMode", "auto"}},
                     request_id);
  if (r.method != "POST") return line_json(405, json{{"message", "Method Not Allowed"}}, request_id);

  const auto retry_key = r.header("x-line-retry-key");
  if (retry_key) {
    if (!is_uuid(*retry_key))
      return line_json(400, json{{"message", "The value for the 'X-Line-Retry-Key' header is invalid"}},
                       request_id);
    if (auto it = st.accepted.find(*retry_key); it != st.accepted.end()) {
      json body{{"message", "The retry key is already accepted"}};
      if (push) body["sentMessages"] = it->second.sent_messages;
      return with_header(line_json(409, body, request_id), "x-line-accepted-request-id",
                         it->second.request_id);
    }
  }

  const json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return line_json(400, json{{"message", "The request body has 1 error(s)"},
                               {"details", json::array({{{"message", "Invalid JSON"}, {"property", ""}}})}},
                     request_id);
  json details = json::array();
  if (push && (!body.contains("to") || !body["to"].is_string() || body["to"].get<std::string>().empty()))
    details.push_back({{"message", "May not be empty"}, {"property", "to"}});
  const json messages = body.value("messages", json());
  if (!messages.is_array() || messages.empty() || messages.size() > 5) {
    details.push_back({{"message", "Size must be between 1 and 5"}, {"property", "messages"}});
  } else {
    static const std::set<std::string> kTypes = {"text",     "image",    "video",   "audio", "location",
                                                 "sticker",  "template", "imagemap", "flex", "textV2"};
    for (std::size_t i = 0; i < messages.size(); ++i) {
      const std::string prefix = "messages[" + std::to_string(i) + "].";
      const json& msg = messages[i];
      const std::string type = msg.is_object() ? msg.value("type", "") : "";
      if (kTypes.count(type) == 0) {
        details.push_back({{"message",
                            "Must be one of the following values: [text, image, video, audio, "
                            "location, sticker, template, imagemap]"},
                           {"property", prefix + "type"}});
        continue;
      }
      if (type != "text" && type != "textV2") continue;
      const json text = msg.value("text", json());
      if (!text.is_string() || text.get<std::string>().empty())
        details.push_back({{"message", "May not be empty"}, {"property", prefix + "text"}});
      else if (utf16_units(text.get<std::string>()) > 5000)
        details.push_back({{"message", "Length must be between 0 and 5000"}, {"property", prefix + "text"}});
    }
  }
  if (!details.empty())
    return line_json(400,
                     json{{"message", "The request body has " + std::to_string(details.size()) + " error(s)"},
                          {"details", details}},
                     request_id);

  json sent = json::array();
  for (std::size_t i = 0; i < messages.size(); ++i)
    sent.push_back({{"id", std::to_string(461230966842064897ULL + st.counter * 10 + i)},
                    {"quoteToken", "fakeQuoteToken-" + std::to_string(st.counter) + "-" + std::to_string(i)}});
  if (retry_key) st.accepted[*retry_key] = LineAccepted{request_id, sent};
  if (broadcast) return line_json(200, json::object(), request_id);
  return line_json(200, json{{"sentMessages", sent}}, request_id);
}

// --- Discord --------------------------------------------------------------------

struct DiscordState {
  DiscordOptions options;
  std::uint64_t next_id = 1300000000000000001ULL;
  std::set<std::string> made;  // ids of the messages this webhook made
};

std::vector<std::pair<std::string, std::string>> discord_ratelimit_headers(int remaining) {
  return {{"X-RateLimit-Limit", "5"},
          {"X-RateLimit-Remaining", std::to_string(remaining)},
          {"X-RateLimit-Reset", "1767225601.337"},
          {"X-RateLimit-Reset-After", "1.337"},
          {"X-RateLimit-Bucket", "fakebucket0123456789abcdef"}};
}

Reply discord_json(int status, const json& body) {
  Reply r = json_reply(status, dump(body));
  r.headers = discord_ratelimit_headers(4);
  return r;
}

Reply discord_reply(DiscordState& st, const Recorded& r) {
  static const std::regex route("^/api(?:/v[0-9]+)?/webhooks/([0-9]+)/([^/]+)(?:/messages/([^/]+))?/?$");
  std::smatch m;
  const json not_found{{"message", "404: Not Found"}, {"code", 0}};
  if (!std::regex_match(r.path, m, route)) return json_reply(404, dump(not_found));
  if (!st.options.webhook_id.empty() &&
      (m[1] != st.options.webhook_id || m[2] != st.options.webhook_token))
    return json_reply(404, dump(json{{"message", "Unknown Webhook"}, {"code", 10015}}));
  const bool edit = m[3].matched;
  if (r.method != (edit ? "PATCH" : "POST"))
    return json_reply(405, dump(json{{"message", "405: Method Not Allowed"}, {"code", 0}}));

  json body;
  bool has_files = false;
  if (starts_with_ci(content_type(r), "multipart/form-data")) {
    body = json::object();
    for (const auto& part : r.parts) {
      if (part.name == "payload_json") {
        body = json::parse(part.content, nullptr, false);
      } else if (!part.filename.empty()) {
        has_files = true;
      } else {
        body[part.name] = part.content;
      }
    }
  } else {
    body = json::parse(r.body, nullptr, false);
  }
  if (body.is_discarded() || !body.is_object())
    return discord_json(400, json{{"message", "400: Bad Request"}, {"code", 50109}});

  const std::string content = body.value("content", json("")).is_string()
                                  ? body.value("content", std::string())
                                  : std::string();
  if (utf8_code_points(content) > 2000)
    return discord_json(
        400, json{{"message", "Invalid Form Body"},
                  {"code", 50035},
                  {"errors",
                   {{"content",
                     {{"_errors", json::array({{{"code", "BASE_TYPE_MAX_LENGTH"},
                                                {"message", "Must be 2000 or fewer in length."}}})}}}}}});
  const bool has_embeds = body.contains("embeds") && body["embeds"].is_array() && !body["embeds"].empty();
  if (content.empty() && !has_embeds && !has_files && !body.contains("components") && !body.contains("poll"))
    return discord_json(400, json{{"message", "Cannot send an empty message"}, {"code", 50006}});

  FakeChat& chat = *st.options.chat;
  if (edit) {
    const std::string id = m[3];
    if (!st.made.count(id) || !chat.message(id))
      return discord_json(404, json{{"message", "Unknown Message"}, {"code", 10008}});
    // Only SUPPRESS_EMBEDS may be set on an edit.
    if (body.contains("flags") && (!body["flags"].is_number_integer() || (body["flags"].get<int>() & ~4) != 0))
      return discord_json(400, json{{"message", "Invalid Form Body"}, {"code", 50035}});
    if (body.contains("content")) chat.edit(id, content);
    const auto now = chat.message(id);
    return discord_json(200, json{{"type", 0},
                                  {"id", id},
                                  {"channel_id", r.query_param("thread_id").value_or("1200000000000000001")},
                                  {"webhook_id", std::string(m[1])},
                                  {"content", now ? now->text : content},
                                  {"timestamp", "2026-01-01T00:00:00.000000+00:00"},
                                  {"edited_timestamp", "2026-01-01T00:10:00.000000+00:00"},
                                  {"flags", 0}});
  }
  const std::string wait = r.query_param("wait").value_or("false");
  if (wait != "true" && wait != "True" && wait != "1") {
    Reply rep = discord_json(204, json());
    rep.body.clear();
    return rep;
  }
  const std::string webhook_id = m[1];
  const std::string id = std::to_string(st.next_id++);
  st.made.insert(id);
  chat.add(id, FakeChat::Message{content, 0, ""});
  json msg{{"type", 0},
           {"id", id},
           {"channel_id", r.query_param("thread_id").value_or("1200000000000000001")},
           {"webhook_id", webhook_id},
           {"application_id", nullptr},
           {"author",
            {{"id", webhook_id},
             {"username", body.value("username", json("notify")).is_string() ? body.value("username", std::string("notify")) : "notify"},
             {"avatar", nullptr},
             {"discriminator", "0000"},
             {"bot", true},
             {"global_name", nullptr}}},
           {"content", content},
           {"attachments", json::array()},
           {"embeds", has_embeds ? body["embeds"] : json::array()},
           {"mentions", json::array()},
           {"mention_roles", json::array()},
           {"mention_everyone", false},
           {"pinned", false},
           {"tts", body.value("tts", json(false)).is_boolean() ? body.value("tts", false) : false},
           {"timestamp", "2026-01-01T00:00:00.000000+00:00"},
           {"edited_timestamp", nullptr},
           {"flags", body.value("flags", json(0)).is_number_integer() ? body.value("flags", 0) : 0},
           {"components", json::array()}};
  return discord_json(200, msg);
}

template <class State, class Fn>
Handler stateful(State state, Fn fn) {
  auto shared = std::make_shared<State>(std::move(state));
  return [shared, fn](const Recorded& r) { return fn(*shared, r); };
}

}  // namespace

// Copy of shared/reference/samples/telegram-getUpdates.json (CI has no stable path to it).
const std::string_view kTelegramGetUpdatesJson = R"json({
  "ok": true,
  "result": [
    {
      "update_id": 800000001,
      "message": {
        "message_id": 11,
        "from": { "id": 111111111, "is_bot": false, "first_name": "Alice", "username": "alice_example", "language_code": "en" },
        "chat": { "id": 111111111, "first_name": "Alice", "username": "alice_example", "type": "private" },
        "date": 1767225600,
        "text": "/start",
        "entities": [ { "offset": 0, "length": 6, "type": "bot_command" } ]
      }
    },
    {
      "update_id": 800000002,
      "my_chat_member": {
        "chat": { "id": -4000000001, "title": "Ops Team", "type": "group" },
        "from": { "id": 111111111, "is_bot": false, "first_name": "Alice", "username": "alice_example" },
        "date": 1767225660,
        "old_chat_member": { "user": { "id": 7000000001, "is_bot": true, "first_name": "Notify Bot", "username": "notify_example_bot" }, "status": "left" },
        "new_chat_member": { "user": { "id": 7000000001, "is_bot": true, "first_name": "Notify Bot", "username": "notify_example_bot" }, "status": "member" }
      }
    },
    {
      "update_id": 800000003,
      "message": {
        "message_id": 2,
        "from": { "id": 111111111, "is_bot": false, "first_name": "Alice", "username": "alice_example" },
        "chat": { "id": -4000000001, "title": "Ops Team", "type": "group" },
        "date": 1767225720,
        "text": "hello group"
      }
    },
    {
      "update_id": 800000004,
      "message": {
        "message_id": 345,
        "message_thread_id": 300,
        "is_topic_message": true,
        "from": { "id": 222222222, "is_bot": false, "first_name": "Bob", "username": "bob_example" },
        "chat": { "id": -1001234567890, "title": "Eng Forum", "username": "eng_forum_example", "is_forum": true, "type": "supergroup" },
        "date": 1767225780,
        "reply_to_message": {
          "message_id": 300,
          "message_thread_id": 300,
          "from": { "id": 222222222, "is_bot": false, "first_name": "Bob", "username": "bob_example" },
          "chat": { "id": -1001234567890, "title": "Eng Forum", "username": "eng_forum_example", "is_forum": true, "type": "supergroup" },
          "date": 1767225000,
          "forum_topic_created": { "name": "Alerts", "icon_color": 7322096 },
          "is_topic_message": true
        },
        "text": "posting in the Alerts topic"
      }
    },
    {
      "update_id": 800000005,
      "my_chat_member": {
        "chat": { "id": -1009876543210, "title": "Status Channel", "username": "status_channel_example", "type": "channel" },
        "from": { "id": 111111111, "is_bot": false, "first_name": "Alice", "username": "alice_example" },
        "date": 1767225840,
        "old_chat_member": { "user": { "id": 7000000001, "is_bot": true, "first_name": "Notify Bot", "username": "notify_example_bot" }, "status": "left" },
        "new_chat_member": {
          "user": { "id": 7000000001, "is_bot": true, "first_name": "Notify Bot", "username": "notify_example_bot" },
          "status": "administrator",
          "can_be_edited": false,
          "can_manage_chat": true,
          "can_change_info": false,
          "can_post_messages": true,
          "can_edit_messages": false,
          "can_delete_messages": false,
          "can_invite_users": false,
          "can_restrict_members": true,
          "can_promote_members": false,
          "can_manage_video_chats": false,
          "can_post_stories": false,
          "can_edit_stories": false,
          "can_delete_stories": false,
          "is_anonymous": false
        }
      }
    },
    {
      "update_id": 800000006,
      "channel_post": {
        "message_id": 17,
        "sender_chat": { "id": -1009876543210, "title": "Status Channel", "username": "status_channel_example", "type": "channel" },
        "chat": { "id": -1009876543210, "title": "Status Channel", "username": "status_channel_example", "type": "channel" },
        "date": 1767225900,
        "author_signature": "Alice",
        "text": "deploy finished"
      }
    }
  ]
}
)json";

Handler mattermost_handler(MattermostOptions options) {
  return [o = std::move(options)](const Recorded& r) { return mattermost_reply(o, r); };
}

std::string mattermost_url(const FakeServer& server, const MattermostOptions& options) {
  return server.base_url() + "/hooks/" + options.hook_id;
}

std::map<std::string, FakeChat::Message> FakeChat::messages() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return messages_;
}

std::optional<FakeChat::Message> FakeChat::message(const std::string& id) const {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = messages_.find(id);
  if (it == messages_.end()) return std::nullopt;
  return it->second;
}

void FakeChat::add(const std::string& id, Message m) {
  std::lock_guard<std::mutex> lock(mutex_);
  messages_[id] = std::move(m);
}

bool FakeChat::edit(const std::string& id, const std::string& text) {
  std::lock_guard<std::mutex> lock(mutex_);
  const auto it = messages_.find(id);
  if (it == messages_.end()) return false;
  it->second.text = text;
  ++it->second.edits;
  return true;
}

void FakeChat::remove(const std::string& id) {
  std::lock_guard<std::mutex> lock(mutex_);
  messages_.erase(id);
}

Handler telegram_handler(TelegramOptions options) {
  if (!options.chat) options.chat = std::make_shared<FakeChat>();
  return stateful(TelegramState{std::move(options), 18, {}}, telegram_reply);
}

std::string telegram_method_url(const FakeServer& server, std::string_view method,
                                const TelegramOptions& options) {
  return server.base_url() + "/bot" + options.token + "/" + std::string(method);
}

Handler line_handler(LineOptions options) {
  return stateful(LineState{std::move(options), 0, {}}, line_reply);
}

std::string line_push_url(const FakeServer& server) {
  return server.base_url() + "/v2/bot/message/push";
}

Handler discord_handler(DiscordOptions options) {
  if (!options.chat) options.chat = std::make_shared<FakeChat>();
  return stateful(DiscordState{std::move(options), 1300000000000000001ULL, {}}, discord_reply);
}

std::string discord_url(const FakeServer& server, const DiscordOptions& options) {
  return server.base_url() + "/api/webhooks/" + options.webhook_id + "/" + options.webhook_token;
}

Handler service_handler(std::string_view kind) {
  if (kind == "mattermost") return mattermost_handler();
  if (kind == "telegram") return telegram_handler();
  if (kind == "line") return line_handler();
  if (kind == "discord") return discord_handler();
  throw std::invalid_argument("unknown service kind: " + std::string(kind));
}

Reply telegram_error(int code, std::string_view description) {
  return json_reply(code, dump(json{{"ok", false}, {"error_code", code}, {"description", description}}));
}

Reply telegram_429(int retry_after_s) {
  Reply r = json_reply(429, dump(json{{"ok", false},
                                      {"error_code", 429},
                                      {"description", "Too Many Requests: retry after " +
                                                          std::to_string(retry_after_s)},
                                      {"parameters", {{"retry_after", retry_after_s}}}}));
  return with_header(std::move(r), "Retry-After", std::to_string(retry_after_s));
}

Reply discord_429(double retry_after_s, bool global) {
  Reply r = json_reply(429, dump(json{{"message", "You are being rate limited."},
                                      {"retry_after", retry_after_s},
                                      {"global", global}}));
  const auto whole = static_cast<long long>(std::ceil(retry_after_s));
  r.headers = discord_ratelimit_headers(0);
  r.headers.emplace_back("Retry-After", std::to_string(whole));
  r.headers.emplace_back("X-RateLimit-Scope", global ? "global" : "user");
  if (global) r.headers.emplace_back("X-RateLimit-Global", "true");
  return r;
}

Reply line_429(bool monthly) {
  return with_header(json_reply(429, dump(json{{"message", monthly ? "You have reached your monthly limit."
                                                                   : "The API rate limit has been exceeded. Try again later."}})),
                     "x-line-request-id", "fake-429-request");
}

Reply mattermost_429(int retry_after_s) {
  Reply r = text_reply(429, "limit exceeded\n");
  r.headers = {{"X-RateLimit-Limit", "10"},
               {"X-RateLimit-Remaining", "0"},
               {"X-RateLimit-Reset", std::to_string(retry_after_s)},
               {"Retry-After", std::to_string(retry_after_s)}};
  return r;
}

Reply server_error(int status) {
  static const std::map<int, std::string> kReasons = {{500, "Internal Server Error"},
                                                      {502, "Bad Gateway"},
                                                      {503, "Service Unavailable"},
                                                      {504, "Gateway Time-out"}};
  const auto it = kReasons.find(status);
  const std::string title =
      std::to_string(status) + " " + (it != kReasons.end() ? it->second : std::string("Server Error"));
  Reply r;
  r.status = status;
  r.content_type = "text/html";
  r.body = "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
           "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
  return r;
}

Reply server_error_retry_after(int status, int retry_after_s) {
  return with_header(server_error(status), "Retry-After", std::to_string(retry_after_s));
}

std::size_t utf8_code_points(std::string_view s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

std::size_t utf16_units(std::string_view s) {
  std::size_t n = 0;
  for (char c : s) {
    const auto b = static_cast<unsigned char>(c);
    if ((b & 0xC0) != 0x80) ++n;  // one unit per code point...
    if (b >= 0xF0) ++n;            // ...two for those outside the BMP
  }
  return n;
}

}  // namespace notify::test
