#include "services/telegram.hpp"

#include "services/json_util.hpp"
#include "services/multipart.hpp"
#include "services/parts.hpp"

namespace notify::services {

namespace {

std::size_t utf16(const std::string& s) {
  return message::length_in(s, message::Unit::utf16);
}

nlohmann::json chat_id_json(const std::string& id) {
  if (!id.empty() && id[0] == '@') return id;
  try {
    return std::stoll(id);
  } catch (...) {
    return id;
  }
}

}  // namespace

// Formatting travels as `entities`, never as parse_mode: the text is sent
// exactly as it is, so no '<' or '_' in a log line can fail entity parsing.
std::vector<HttpRequest> Telegram::build(const Message& m, const BuildContext& ctx) const {
  const std::size_t limit = profile_.max_length.value_or(kLimit);
  std::vector<HttpRequest> out;
  const std::string url = profile_.api_base + "/bot" + profile_.token + "/sendMessage";
  // Files alone: the title becomes the first file's caption, no text post.
  const bool files_only = !m.files.empty() && m.body.empty();
  for (const auto& part : files_only ? std::vector<Part>{}
                                     : make_parts(m, limit, message::Unit::code_points, 1)) {
    std::string text = part.header;
    nlohmann::json entities = nlohmann::json::array();
    if (!part.header.empty()) {
      entities.push_back({{"type", "bold"}, {"offset", 0}, {"length", utf16(part.header)}});
      if (!part.text.empty()) text += '\n';
    }
    const std::size_t body_offset = utf16(text);
    text += part.text;
    if (m.code && !part.text.empty()) {
      nlohmann::json e = {{"type", "pre"}, {"offset", body_offset},
                          {"length", utf16(part.text)}};
      if (!m.code_lang.empty()) e["language"] = m.code_lang;
      entities.push_back(e);
    }
    nlohmann::json j = {{"chat_id", chat_id_json(profile_.chat_id)}, {"text", text}};
    if (!entities.empty()) j["entities"] = entities;
    if (profile_.thread_id) j["message_thread_id"] = *profile_.thread_id;
    if (m.silent) j["disable_notification"] = true;
    // Alerts quote URLs from logs; a preview card of them is noise.
    j["link_preview_options"] = {{"is_disabled", true}};
    out.push_back(HttpRequest{"POST", url, {{"Content-Type", "application/json"}},
                              dump_json(j)});
  }
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    std::vector<FormField> fields = {{"chat_id", profile_.chat_id, "", ""}};
    if (profile_.thread_id) fields.push_back({"message_thread_id", std::to_string(*profile_.thread_id), "", ""});
    if (m.silent) fields.push_back({"disable_notification", "true", "", ""});
    if (files_only && i == 0 && !m.title.empty())
      fields.push_back({"caption", message::split(m.title, 1024, message::Unit::code_points).front(), "", ""});
    fields.push_back({"document", m.files[i].data, m.files[i].name, ""});
    auto mp = encode_multipart(fields, "notify-" + ctx.new_uuid());
    out.push_back(HttpRequest{"POST", profile_.api_base + "/bot" + profile_.token + "/sendDocument",
                              {{"Content-Type", mp.content_type}}, std::move(mp.body)});
  }
  return out;
}

std::optional<HttpRequest> Telegram::plain(const HttpRequest& request) const {
  auto j = parse_json(request.body);
  if (!j.is_object() || !j.contains("entities")) return std::nullopt;
  j.erase("entities");
  HttpRequest r = request;
  r.body = dump_json(j);
  return r;
}

Verdict Telegram::interpret(const HttpResponse& r) const {
  // {"ok":false,"error_code":400,"description":"Bad Request: ...","parameters":{...}}
  auto j = parse_json(r.body);
  if (r.error == TransportError::none && r.status == 200 && j.is_object() &&
      j.value("ok", false))
    return Verdict{Verdict::Kind::delivered, std::nullopt, "", ""};
  std::string desc = json_string(j, "description");
  if (desc.empty() && r.status >= 300) desc = r.body.substr(0, 200);
  Verdict v = generic_verdict(r, desc);
  const nlohmann::json* params = nullptr;
  if (j.is_object() && j.contains("parameters") && j["parameters"].is_object())
    params = &j["parameters"];
  if (v.kind == Verdict::Kind::retry && params && params->contains("retry_after") &&
      (*params)["retry_after"].is_number())
    v.retry_after = std::chrono::milliseconds(
        static_cast<long long>((*params)["retry_after"].get<double>() * 1000.0));
  if (v.kind == Verdict::Kind::delivered && !(j.is_object() && j.value("ok", false))) {
    v.kind = Verdict::Kind::fail;
    v.error = "unexpected reply: " + r.body.substr(0, 200);
  }
  if (v.kind != Verdict::Kind::fail) return v;
  if (desc.find("can't parse entities") != std::string::npos) {
    v.kind = Verdict::Kind::resend_plain;
  } else if (params && params->contains("migrate_to_chat_id")) {
    v.hint = "the group became a supergroup: set chat_id = " +
             (*params)["migrate_to_chat_id"].dump() + " in the profile";
  } else if (desc.find("chat not found") != std::string::npos) {
    v.hint = "run `notify telegram discover` to list the chats this bot can reach";
  } else if (r.status == 401 || r.status == 404) {
    v.hint = "the bot token was rejected; check it with @BotFather";
  } else if (r.status == 403) {
    v.hint = "the bot was blocked, removed from the chat, or may not post there";
  }
  return v;
}

}  // namespace notify::services
