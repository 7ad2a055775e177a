#include "services/telegram_updates.hpp"

#include "message/remote.hpp"
#include "services/json_util.hpp"
#include "services/registry.hpp"

namespace notify::services {

namespace {

std::string chat_title(const nlohmann::json& chat) {
  if (auto t = json_string(chat, "title"); !t.empty()) return t;
  std::string name = json_string(chat, "first_name");
  if (auto last = json_string(chat, "last_name"); !last.empty())
    name += (name.empty() ? "" : " ") + last;
  if (auto user = json_string(chat, "username"); !user.empty())
    name += (name.empty() ? "@" : " (@") + user + (name.empty() ? "" : ")");
  return name;
}

std::string id_string(const nlohmann::json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
  if (v.is_string()) return v.get<std::string>();
  return "";
}

}  // namespace

std::optional<std::vector<config::Chat>> parse_updates(const std::string& body) {
  auto j = parse_json(body);
  if (!j.is_object() || !j.value("ok", false) || !j.contains("result") ||
      !j["result"].is_array())
    return std::nullopt;
  std::vector<config::Chat> rows;
  for (const auto& u : j["result"]) {
    if (!u.is_object()) continue;
    const nlohmann::json* item = nullptr;
    bool member = false;
    for (const char* k : {"message", "edited_message", "channel_post", "edited_channel_post"})
      if (u.contains(k) && u[k].is_object()) item = &u[k];
    for (const char* k : {"my_chat_member", "chat_member"})
      if (!item && u.contains(k) && u[k].is_object()) item = &u[k], member = true;
    if (!item || !item->contains("chat") || !(*item)["chat"].is_object()) continue;
    const auto& chat = (*item)["chat"];
    config::Chat row;
    row.id = id_string(chat.value("id", nlohmann::json()));
    if (row.id.empty()) continue;
    row.type = json_string(chat, "type");
    row.title = chat_title(chat);
    if (!member && item->value("is_topic_message", false) &&
        item->contains("message_thread_id") && (*item)["message_thread_id"].is_number_integer())
      row.topic = (*item)["message_thread_id"].get<std::int64_t>();
    if (member) {
      std::string status;
      if (item->contains("new_chat_member") && (*item)["new_chat_member"].is_object())
        status = json_string((*item)["new_chat_member"], "status");
      row.last = "(bot is now " + (status.empty() ? std::string("a member") : status) + ")";
    } else {
      row.last = json_string(*item, "text");
      if (row.last.empty()) row.last = json_string(*item, "caption");
      if (row.last.empty()) row.last = "(no text)";
    }
    bool merged = false;
    for (auto& r : rows) {
      if (r.id == row.id && r.topic == row.topic) {
        r.last = row.last;
        if (!row.title.empty()) r.title = row.title;
        merged = true;
        break;
      }
    }
    if (!merged) rows.push_back(std::move(row));
  }
  return rows;
}

namespace {

HttpRequest updates_request(const std::string& token, const std::string& api_base, int wait_s) {
  HttpRequest req;
  req.method = "GET";
  req.url = api_base + "/bot" + token + "/getUpdates?timeout=" + std::to_string(wait_s);
  return req;
}

config::Discovered read_updates(const HttpResponse& r, const std::string& api_base) {
  auto j = parse_json(r.body);
  // Everything Telegram (or whatever answers at api_base) says is printed
  // without controls, and a proxy's HTML page as its status line.
  const std::string desc =
      j.is_object() && j.contains("description") && j["description"].is_string()
          ? message::printable_remote(j["description"].get<std::string>())
          : message::remote_error_text(static_cast<int>(r.status),
                                       r.header("content-type").value_or(""), r.body);
  config::Discovered out;
  if (r.status == 401 || r.status == 404) {
    out.error = "Telegram rejected the bot token (" + desc +
                "); copy it again from @BotFather (/mybots, API Token)";
    out.secret_rejected = true;
    return out;
  }
  if (r.status == 409) {
    out.error = "a webhook is set on this bot, so Telegram will not answer getUpdates (" + desc +
                "). Remove it with deleteWebhook, e.g. `curl " + api_base +
                "/bot<TOKEN>/deleteWebhook` (whatever receives that webhook stops "
                "getting updates), or give chat_id by hand";
    return out;
  }
  auto rows = parse_updates(r.body);
  if (!rows) {
    out.error = "unexpected reply from getUpdates (HTTP " + std::to_string(r.status) + "): " + desc;
    return out;
  }
  // Chat titles and message texts are anyone's words: a title holding ESC
  // sequences or bidi overrides must not rewrite the table or the terminal.
  for (auto& row : *rows) {
    row.id = message::printable_remote(row.id);
    row.type = message::printable_remote(row.type);
    row.title = message::printable_remote(row.title);
    row.last = message::printable_remote(row.last);
    // A topic can only be chosen in a supergroup (a forum).
    row.topics_possible = !row.topic && row.type == "supergroup";
  }
  out.chats = std::move(*rows);
  return out;
}

// `notify telegram discover --help`, before its options.
constexpr std::string_view kDiscoverAbout =
    R"(Asks Telegram (getUpdates) which chats have written to the bot and prints one
row per chat: chat id, type, title or name, forum topic, last message. It
never marks updates as read. Send the bot a message (or add it to a group
and mention it) first. Without --profile or --token it takes the token of
the only Telegram profile (several: name one). --token - reads the token
from standard input (on a terminal it is asked for, without echo).
)";

}  // namespace

const Discoverer& telegram_discovery() {
  static const Discoverer d{
      .doc = {.summary = "list the chats a Telegram bot can reach",
              .about = kDiscoverAbout,
              .secret_help = "the bot's token",
              .server_help = "the Bot API server",
              .secret_key = "token",
              .server_key = "api_base",
              .chat_key = "chat_id",
              .topic_key = "thread_id",
              .secret_question = "Telegram bot token",
              .offer = "Find the chat id by messaging the bot now?",
              .ask_first = "Send the bot a message in Telegram (in a group: mention it).",
              .waiting = "Waiting for a message to the bot",
              .none_arrived = "no message reached the bot",
              .type_instead =
                  "Type the chat id instead (`notify telegram discover` lists chats later).",
              .none_yet =
                  "no chats yet: Telegram keeps a bot's updates for 24 hours and there are none. "
                  "Send your bot a message (private chat), or add it to a group and send a "
                  "message there (with privacy mode on, a group message must mention the bot "
                  "or be a /command), or make it an admin of a channel; then run this again.",
              .use = "use the CHAT_ID as chat_id (and TOPIC as thread_id) in the profile"},
      .request = updates_request,
      .read = read_updates};
  return d;
}

}  // namespace notify::services
