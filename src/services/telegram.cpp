#include "services/telegram.hpp"

#include <algorithm>

#include "message/markdown.hpp"
#include "services/json_util.hpp"
#include "services/loudness.hpp"
#include "services/multipart.hpp"
#include "services/parts.hpp"
#include "services/registry.hpp"
#include "services/server_wait.hpp"
#include "services/telegram_updates.hpp"

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

// Telegram applies only the first 100 entities of a message; the rest
// would only lengthen the request.
constexpr std::size_t kMaxEntities = 100;

const char* entity_type(message::Span::Kind kind) {
  using K = message::Span::Kind;
  switch (kind) {
    case K::bold: return "bold";
    case K::italic: return "italic";
    case K::strikethrough: return "strikethrough";
    case K::code: return "code";
    case K::pre: return "pre";
    case K::link: return "text_link";
    case K::blockquote: return "blockquote";
  }
  return "bold";
}

// UTF-16 offset of every byte position of a text.
std::vector<std::size_t> utf16_offsets(const std::string& text) {
  std::vector<std::size_t> at(text.size() + 1, 0);
  std::size_t units = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    at[i] = units;
    const auto b = static_cast<unsigned char>(text[i]);
    if ((b & 0xC0) != 0x80) units += b >= 0xF0 ? 2 : 1;
  }
  at[text.size()] = units;
  return at;
}

// Hands out the markdown spans over each part in turn; parts come in body
// order, so every span is picked up and dropped once.
class SpanCursor {
 public:
  explicit SpanCursor(const std::vector<message::Span>& spans) : spans_(spans) {}

  const std::vector<const message::Span*>& over(std::size_t begin, std::size_t end) {
    while (next_ < spans_.size() && spans_[next_].begin < end) active_.push_back(&spans_[next_++]);
    std::erase_if(active_, [begin](const message::Span* s) { return s->end <= begin; });
    return active_;
  }

 private:
  const std::vector<message::Span>& spans_;
  std::size_t next_ = 0;
  std::vector<const message::Span*> active_;
};

// The spans over a part, cut to it (a span across a cut goes on in the next
// part), as entities; `body_at` is where the part's body starts in `text`.
void add_span_entities(nlohmann::json& entities, SpanCursor& cursor, const Part& part,
                       const std::string& text, std::size_t body_at) {
  if (part.source == std::string::npos) return;
  const std::size_t from = part.source;
  const std::size_t to = part.source_end();
  const auto units = utf16_offsets(text);
  for (const message::Span* s : cursor.over(from, to)) {
    if (entities.size() >= kMaxEntities) return;
    const std::size_t b = std::max(s->begin, from);
    const std::size_t e = std::min(s->end, to);
    if (b >= e) continue;
    const std::size_t offset = units[body_at + part.at + (b - from)];
    nlohmann::json j = {{"type", entity_type(s->kind)},
                        {"offset", offset},
                        {"length", units[body_at + part.at + (e - from)] - offset}};
    if (!s->url.empty()) j["url"] = s->url;
    if (!s->language.empty()) j["language"] = s->language;
    entities.push_back(std::move(j));
  }
}

// Message ids are integers to the Bot API; one notify did not get from it
// goes as the text it is, for the server to refuse.
nlohmann::json message_id_json(const std::string& id) {
  try {
    std::size_t used = 0;
    const long long n = std::stoll(id, &used);
    if (used == id.size()) return n;
  } catch (...) {
  }
  return id;
}

// A reply that stays a message when the first one was deleted.
nlohmann::json reply_json(const std::string& id) {
  return {{"message_id", message_id_json(id)}, {"allow_sending_without_reply", true}};
}

bool has(const std::string& text, const char* sign) {
  return text.find(sign) != std::string::npos;
}

// Telegram turns down a message over its entities as a whole (a text_link
// URL it does not like, their total size), not only when a parse_mode text
// does not parse; the text alone still goes through.
bool entities_refused(const std::string& desc) {
  for (const char* sign : {"can't parse entities", "ENTITIES_TOO_LONG", "MessageEntity",
                           "Bad Request: entity ", "Bad Request: Entity "})
    if (desc.find(sign) != std::string::npos) return true;
  return false;
}

}  // namespace

// Formatting travels as `entities`, never as parse_mode: the text is sent
// exactly as it is, so no '<' or '_' in a log line can fail entity parsing.
std::vector<HttpRequest> Telegram::build(const Message& m, const BuildContext& ctx) const {
  const std::size_t limit = limit_;
  std::vector<HttpRequest> out;
  const std::string url = profile_.text("api_base") + "/bot" + profile_.secret("token") + "/sendMessage";
  const std::string edit_url =
      profile_.text("api_base") + "/bot" + profile_.secret("token") + "/editMessageText";
  // Files alone: the title becomes the first file's caption, no text post.
  const bool files_only = !m.files.empty() && m.body.empty();
  // Markdown is shown rendered, its formatting as entities like the rest.
  message::Rendered rendered;
  Message shaped;
  if (m.markdown) {
    rendered = message::render_markdown(m.body, true);
    shaped = with_body(m, std::move(rendered.text));
  }
  SpanCursor spans(rendered.spans);
  // The profile's urgent_mentions, as text (an @username there notifies
  // that user in a group): a line of their own before the first part.
  const std::string mentions = mentions_line(m);
  const std::size_t room = mentions.empty() ? 0 : message::length_in(mentions, message::Unit::code_points) + 1;
  const auto parts = files_only ? std::vector<Part>{}
                                : make_parts(m.markdown ? shaped : m, limit,
                                             message::Unit::code_points, 1 + room);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Part& part = parts[i];
    std::string text = i == 0 && !mentions.empty() ? mentions + "\n" : "";
    nlohmann::json entities = nlohmann::json::array();
    if (!part.header.empty()) {
      entities.push_back({{"type", "bold"}, {"offset", utf16(text)}, {"length", utf16(part.header)}});
      text += part.header;
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
    if (m.markdown) add_span_entities(entities, spans, part, text, text.size() - part.text.size());
    nlohmann::json j = {{"chat_id", chat_id_json(profile_.text("chat_id"))}, {"text", text}};
    const bool edit = i < m.edit_ids.size();
    if (edit) j["message_id"] = message_id_json(m.edit_ids[i]);
    // An edit's formatting is not inherited: entities go with every edit.
    if (!entities.empty()) j["entities"] = entities;
    if (!edit) {
      if (auto thread = profile_.number("thread_id")) j["message_thread_id"] = *thread;
      if (m.silent) j["disable_notification"] = true;
      if (!m.reply_to.empty()) j["reply_parameters"] = reply_json(m.reply_to);
    }
    // Alerts quote URLs from logs; a preview card of them is noise.
    j["link_preview_options"] = {{"is_disabled", true}};
    out.push_back(HttpRequest{"POST", edit ? edit_url : url,
                              {{"Content-Type", "application/json"}}, dump_json(j)});
  }
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    std::vector<FormField> fields = {{"chat_id", profile_.text("chat_id"), "", ""}};
    if (auto thread = profile_.number("thread_id")) fields.push_back({"message_thread_id", std::to_string(*thread), "", ""});
    if (m.silent) fields.push_back({"disable_notification", "true", "", ""});
    if (!m.reply_to.empty())
      fields.push_back({"reply_parameters", dump_json(reply_json(m.reply_to)), "", ""});
    if (files_only && i == 0 && !(m.title.empty() && mentions.empty())) {
      const std::string title = m.title.empty() ? "" : message::split(m.title, 1024 > 2 * room ? 1024 - room : 512, message::Unit::code_points).front();
      fields.push_back({"caption", mentions.empty() ? title : title.empty() ? mentions : mentions + "\n" + title, "", ""});
    }
    fields.push_back({"document", m.files[i].data, m.files[i].name, ""});
    auto mp = encode_multipart(fields, "notify-" + ctx.new_uuid());
    out.push_back(HttpRequest{"POST", profile_.text("api_base") + "/bot" + profile_.secret("token") + "/sendDocument",
                              {{"Content-Type", mp.content_type}}, std::move(mp.body)});
  }
  return out;
}

std::size_t Telegram::one_part_text(const Message& m) const {
  // Rendered markdown is never longer than its source.
  return text_budget(m.title, limit_, message::Unit::code_points, 1);
}

std::optional<HttpRequest> Telegram::plain(const HttpRequest& request) const {
  auto j = parse_json(request.body);
  if (!j.is_object() || !j.contains("entities")) return std::nullopt;
  j.erase("entities");
  HttpRequest r = request;
  r.body = dump_json(j);
  return r;
}

std::string Telegram::message_id(const HttpRequest& request, const HttpResponse& response) const {
  const bool edit = request.url.size() >= 16 &&
                    request.url.compare(request.url.size() - 16, 16, "/editMessageText") == 0;
  const bool send = request.url.size() >= 12 &&
                    request.url.compare(request.url.size() - 12, 12, "/sendMessage") == 0;
  if (!edit && !send) return "";  // a file: never a part an edit replaces
  const auto j = parse_json(response.body);
  if (j.is_object() && j.contains("result") && j["result"].is_object() &&
      j["result"].contains("message_id") && j["result"]["message_id"].is_number_integer())
    return std::to_string(j["result"]["message_id"].get<long long>());
  // "Not modified" has no result: the message is the one the edit named.
  if (!edit) return "";
  const auto asked = parse_json(request.body);
  if (!asked.is_object() || !asked.contains("message_id")) return "";
  const auto& id = asked["message_id"];
  return id.is_string() ? id.get<std::string>() : id.dump();
}

std::vector<std::string> Telegram::notes(const Message& m) const {
  if (m.priority == Priority::high || m.priority == Priority::urgent)
    return {no_louder_note("Telegram", m)};
  return {};
}

Verdict Telegram::interpret(const HttpResponse& r) const {
  // {"ok":false,"error_code":400,"description":"Bad Request: ...","parameters":{...}}
  auto j = parse_json(r.body);
  if (r.status == 200 && ((j.is_object() && j.value("ok", false)) ||
                           r.error != TransportError::none))
    return Verdict{Verdict::Kind::delivered, std::nullopt, "", ""};
  std::string desc = json_string(j, "description");
  if (desc.empty() && r.status >= 300) desc = body_text(r);
  Verdict v = generic_verdict(r, desc);
  // An edit that changes nothing is an edit made: the text is already there.
  if (has(desc, "message is not modified"))
    return Verdict{Verdict::Kind::delivered, std::nullopt, "", ""};
  if (r.status == 400 && (has(desc, "message to edit not found") ||
                          has(desc, "message can't be edited") ||
                          has(desc, "MESSAGE_ID_INVALID")))
    return Verdict{Verdict::Kind::post_anew, std::nullopt, desc, ""};
  const nlohmann::json* params = nullptr;
  if (j.is_object() && j.contains("parameters") && j["parameters"].is_object())
    params = &j["parameters"];
  if (v.kind == Verdict::Kind::retry && params && params->contains("retry_after") &&
      (*params)["retry_after"].is_number())
    if (auto wait = server_wait((*params)["retry_after"].get<double>())) v.retry_after = wait;
  if (v.kind == Verdict::Kind::delivered && !(j.is_object() && j.value("ok", false))) {
    v.kind = Verdict::Kind::fail;
    v.error = "unexpected reply: " + body_text(r);
  }
  if (v.kind != Verdict::Kind::fail) return v;
  if (entities_refused(desc)) {
    v.kind = Verdict::Kind::resend_plain;
  } else if (params && params->contains("migrate_to_chat_id")) {
    v.hint = "the group became a supergroup: set chat_id = " +
             (*params)["migrate_to_chat_id"].dump() + " in the profile";
  } else if (desc.find("chat not found") != std::string::npos) {
    // With the profile named, the hint works whatever else the file holds.
    v.hint = "run `notify telegram discover" +
             (profile_.name.empty() ? std::string() : " --profile " + profile_.name) +
             "` to list the chats this bot can reach";
  } else if (r.status == 401 || r.status == 404) {
    v.hint = "the bot token was rejected; check it with @BotFather";
  } else if (r.status == 403) {
    v.hint = "the bot was blocked, removed from the chat, or may not post there";
  }
  return v;
}

}  // namespace notify::services

namespace notify::services {

namespace {

bool all_of_chars(std::string_view s, std::string_view set) {
  return !s.empty() && s.find_first_not_of(set) == std::string_view::npos;
}

std::string token_check(std::string_view v) {
  const auto colon = v.find(':');
  if (colon == std::string_view::npos || !all_of_chars(v.substr(0, colon), "0123456789") ||
      !all_of_chars(v.substr(colon + 1),
                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"))
    return "must be a bot token from @BotFather: digits, a colon, then the secret "
           "(123456:ABC-def...)";
  return "";
}

std::string chat_id_check(std::string_view v) {
  if (v.size() > 1 && v[0] == '@') return "";
  const auto digits = !v.empty() && v[0] == '-' ? v.substr(1) : v;
  if (digits.size() <= 20 && all_of_chars(digits, "0123456789")) return "";
  return "must be a numeric chat id or \"@channelname\"";
}

std::unique_ptr<Service> make_telegram(const config::Profile& p) {
  return std::make_unique<Telegram>(p);
}

std::string telegram_destination(const config::Profile& p, const std::string&) {
  const auto thread = p.number("thread_id");
  return "chat " + p.text("chat_id") + (thread ? " topic " + std::to_string(*thread) : "");
}

}  // namespace

const ServiceInfo& telegram_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"telegram",
       "Telegram bot",
       {
           {.name = "token", .required = true, .secret = true, .check = token_check,
            .prompt = "Bot token from @BotFather", .doc = "the bot's token (secret)"},
           {.name = "chat_id", .type = KeyType::id, .required = true, .check = chat_id_check,
            .prompt = "Chat id (number or @channelname)",
            .doc = "chat to post to: a number or @channelname", .address = true},
           {.name = "thread_id", .type = KeyType::integer, .min = 1, .max = INT64_MAX,
            .prompt = "Forum topic id (empty: none)", .doc = "forum topic to post in", .address = true},
           {.name = "api_base", .type = KeyType::url, .fallback = "https://api.telegram.org",
            .prompt = "Bot API server", .doc = "Bot API server", .address = true},
       },
       Telegram::kLimit,
       Telegram::kLimit,
       message::Unit::code_points},
      .name = "Telegram",
      .destination = telegram_destination,
      .make = make_telegram,
      .can = "markdown as entities, forum topics",
      .request_shapes = {"/bot#/*"},
      .loudness = {.low = {"disable_notification", "true"}},
      // editMessageText and reply_parameters, with the bot's token alone.
      .capabilities = {.edit = true, .reply = true},
      .aliases = {"tg"},
      .discovery = &telegram_discovery()};
  return info;
}

}  // namespace notify::services
