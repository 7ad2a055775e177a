#include "services/telegram_updates.hpp"

#include "services/json_util.hpp"

namespace notify::services {

std::string one_line(const std::string& text, std::size_t max) {
  std::string out;
  std::size_t cps = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(text[i]);
    if ((c & 0xC0) != 0x80) {
      if (cps == max) {
        out += "\u2026";
        return out;
      }
      ++cps;
    }
    out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : text[i];
  }
  return out;
}

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

std::optional<std::vector<ChatRow>> parse_updates(const std::string& body) {
  auto j = parse_json(body);
  if (!j.is_object() || !j.value("ok", false) || !j.contains("result") ||
      !j["result"].is_array())
    return std::nullopt;
  std::vector<ChatRow> rows;
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
    ChatRow row;
    row.chat_id = id_string(chat.value("id", nlohmann::json()));
    if (row.chat_id.empty()) continue;
    row.type = json_string(chat, "type");
    row.title = chat_title(chat);
    if (!member && item->value("is_topic_message", false) &&
        item->contains("message_thread_id") && (*item)["message_thread_id"].is_number_integer())
      row.topic_id = (*item)["message_thread_id"].get<std::int64_t>();
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
      if (r.chat_id == row.chat_id && r.topic_id == row.topic_id) {
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

}  // namespace notify::services
