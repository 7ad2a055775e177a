#include "services/discord.hpp"

#include "message/split.hpp"
#include "services/json_util.hpp"
#include "services/markdown_text.hpp"
#include "services/loudness.hpp"
#include "services/multipart.hpp"
#include "services/parts.hpp"
#include "services/registry.hpp"
#include "services/server_wait.hpp"

namespace notify::services {

namespace {

std::string with_query(std::string url, const std::string& param) {
  url += (url.find('?') == std::string::npos ? '?' : '&');
  return url + param;
}

// Who may be pinged: nobody from piped text, exactly the profile's
// urgent_mentions on an urgent message. @here is governed by "everyone".
nlohmann::json allowed_mentions(const Message& m) {
  nlohmann::json parse = nlohmann::json::array();
  nlohmann::json roles = nlohmann::json::array();
  nlohmann::json users = nlohmann::json::array();
  auto id_of = [](const std::string& s, std::size_t from) -> std::string {
    if (s.size() <= from + 1 || s.back() != '>') return "";
    std::string id = s.substr(from, s.size() - from - 1);
    if (id.find_first_not_of("0123456789") != std::string::npos) return "";
    return id;
  };
  for (const auto& mention : m.urgent_mentions) {
    if (mention == "@everyone" || mention == "@here") {
      if (parse.empty()) parse.push_back("everyone");
    } else if (mention.rfind("<@&", 0) == 0) {
      if (auto id = id_of(mention, 3); !id.empty() && roles.size() < 100) roles.push_back(id);
    } else if (mention.rfind("<@!", 0) == 0) {
      if (auto id = id_of(mention, 3); !id.empty() && users.size() < 100) users.push_back(id);
    } else if (mention.rfind("<@", 0) == 0) {
      if (auto id = id_of(mention, 2); !id.empty() && users.size() < 100) users.push_back(id);
    }
  }
  nlohmann::json j = {{"parse", parse}};
  if (!roles.empty()) j["roles"] = roles;
  if (!users.empty()) j["users"] = users;
  return j;
}

}  // namespace

std::size_t Discord::one_part_text(const Message& m) const {
  return markdown_one_part_text(m, limit_);
}

std::vector<HttpRequest> Discord::build(const Message& m, const BuildContext& ctx) const {
  const std::size_t limit = limit_;
  // wait=true makes Discord confirm the message was saved (200 + message)
  // instead of a fire-and-forget 204.
  std::string url = with_query(profile_.secret("webhook_url"), "wait=true");
  if (auto thread = profile_.number("thread_id")) url = with_query(url, "thread_id=" + std::to_string(*thread));
  std::vector<HttpRequest> out;
  // Discord's mentions are blocked by allowed_mentions, not by editing text.
  const Message escaped = markdown_escaped(m, false);
  const bool files_only = !m.files.empty() && m.body.empty();
  // The profile's urgent_mentions: a line of their own before the first part.
  const std::string mentions = mentions_line(m);
  const std::size_t room = mentions.empty() ? 0 : message::length_in(mentions, message::Unit::code_points) + 1;
  // Piped text must never ping: no @everyone/@here, roles or users beyond
  // the listed ones.
  const nlohmann::json allowed = allowed_mentions(m);
  const auto parts = files_only ? std::vector<Part>{}
                                : markdown_parts(escaped, limit > 2 * room ? limit - room : limit / 2);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Part& part = parts[i];
    std::string body = m.code ? markdown_code_block(part.text, m.code_lang) : part.text;
    std::string content = part.header.empty() ? body : "**" + part.header + "**\n" + body;
    if (i == 0 && !mentions.empty()) content = mentions + "\n" + content;
    nlohmann::json j = {{"content", content}, {"allowed_mentions", allowed}};
    if (i < m.edit_ids.size()) {
      // Mentions are parsed again from an edit's content: allowed_mentions
      // goes with it. The sender and the flags are the message's for good.
      out.push_back(HttpRequest{"PATCH", edit_url(m.edit_ids[i]),
                                {{"Content-Type", "application/json"},
                                 {"User-Agent", "DiscordBot (notify, " NOTIFY_VERSION ")"}},
                                dump_json(j)});
      continue;
    }
    if (!m.username.empty()) j["username"] = m.username;
    if (!m.icon_url.empty()) j["avatar_url"] = m.icon_url;
    if (m.silent) j["flags"] = kSuppressNotifications;
    out.push_back(HttpRequest{"POST", url,
                              {{"Content-Type", "application/json"},
                               {"User-Agent", "DiscordBot (notify, " NOTIFY_VERSION ")"}},
                              dump_json(j)});
  }
  for (std::size_t i = 0; i < m.files.size(); ++i) {
    nlohmann::json j = {{"allowed_mentions", allowed}};
    if (files_only && i == 0 && !(m.title.empty() && mentions.empty())) {
      const std::string title = m.title.empty() ? "" : message::split(m.title, kLimit > 2 * room ? kLimit - room : kLimit / 2, message::Unit::code_points).front();
      j["content"] = mentions.empty() ? title : title.empty() ? mentions : mentions + "\n" + title;
    }
    if (!m.username.empty()) j["username"] = m.username;
    if (!m.icon_url.empty()) j["avatar_url"] = m.icon_url;
    if (m.silent) j["flags"] = kSuppressNotifications;
    auto mp = encode_multipart({{"payload_json", dump_json(j), "", ""},
                                {"files[0]", m.files[i].data, m.files[i].name, ""}},
                               "notify-" + ctx.new_uuid());
    out.push_back(HttpRequest{"POST", url,
                              {{"Content-Type", mp.content_type},
                               {"User-Agent", "DiscordBot (notify, " NOTIFY_VERSION ")"}},
                              std::move(mp.body)});
  }
  return out;
}

// PATCH .../webhooks/{id}/{token}/messages/{message id}: only a message this
// webhook made, in its thread when it is in one.
std::string Discord::edit_url(const std::string& id) const {
  std::string base = profile_.secret("webhook_url");
  std::string query;
  if (const auto q = base.find('?'); q != std::string::npos) {
    query = base.substr(q + 1);
    base.erase(q);
  }
  while (!base.empty() && base.back() == '/') base.pop_back();
  std::string url = base + "/messages/" + id;
  if (!query.empty()) url += "?" + query;
  if (auto thread = profile_.number("thread_id")) url = with_query(url, "thread_id=" + std::to_string(*thread));
  return url;
}

std::string Discord::message_id(const HttpRequest& request, const HttpResponse& response) const {
  // A file's message is never a part an edit replaces.
  for (const auto& [name, value] : request.headers)
    if (name == "Content-Type" && value.rfind("multipart/", 0) == 0) return "";
  const auto j = parse_json(response.body);
  return json_string(j, "id");
}

std::vector<std::string> Discord::notes(const Message& m) const {
  if (m.priority == Priority::high) return {no_louder_note("Discord", m)};
  if (m.priority == Priority::urgent && m.urgent_mentions.empty())
    return {"Discord has no louder switch: an urgent message rings only through the mentions "
            "urgent_mentions lists (none in this profile)"};
  return {};
}

Verdict Discord::interpret(const HttpResponse& r) const {
  // {"code": 50035, "message": "Invalid Form Body", "errors": {...}}
  // 429: {"message": ..., "retry_after": 1.5, "global": false}
  auto j = parse_json(r.body);
  std::string error = json_string(j, "message");
  if (j.is_object() && j.contains("errors")) error += " " + j["errors"].dump().substr(0, 300);
  if (error.empty() && r.status >= 300) error = body_text(r);
  Verdict v = generic_verdict(r, error);
  if (v.kind == Verdict::Kind::retry && j.is_object() && j.contains("retry_after") &&
      j["retry_after"].is_number())
    if (auto wait = server_wait(j["retry_after"].get<double>())) v.retry_after = wait;
  // 10008 Unknown Message (deleted), 30046 too many edits of a message
  // older than an hour: the edit cannot be made, a new message can.
  if (const auto code = j.is_object() && j.contains("code") && j["code"].is_number_integer()
                            ? j["code"].get<long long>()
                            : 0;
      v.kind == Verdict::Kind::fail && (code == 10008 || code == 30046)) {
    v.kind = Verdict::Kind::post_anew;
    return v;
  }
  if (v.kind == Verdict::Kind::fail && r.status == 404)
    v.hint = "the webhook was deleted or the URL is wrong; copy it again from "
             "the channel's Integrations > Webhooks";
  return v;
}

}  // namespace notify::services

namespace notify::services {

namespace {

std::unique_ptr<Service> make_discord(const config::Profile& p) {
  return std::make_unique<Discord>(p);
}

std::string discord_destination(const config::Profile& p, const std::string& secret) {
  const auto thread = p.number("thread_id");
  return secret + (thread ? " thread " + std::to_string(*thread) : "");
}

}  // namespace

const ServiceInfo& discord_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"discord",
       "Discord webhook",
       {
           {.name = "webhook_url", .type = KeyType::url, .required = true, .secret = true,
            .prompt = "Webhook URL (channel settings > Integrations > Webhooks)",
            .doc = "the webhook's URL (secret)",
            // As copied from Discord, or with an API version; the query is
            // what notify adds itself.
            .shapes = {"/api/webhooks/*ID/#TOKEN?wait&thread_id",
                       "/api/v*N/webhooks/*ID/#TOKEN?wait&thread_id"},
            .address = true},
           {.name = "username", .prompt = "Sender name", .doc = "sender name"},
           {.name = "avatar_url", .type = KeyType::url, .prompt = "Avatar URL",
            .doc = "sender avatar", .stored_as = "icon_url", .shapes = {"/**?*"}},
           {.name = "thread_id", .type = KeyType::integer, .min = 1, .max = INT64_MAX,
            .doc = "thread (or forum post) to post in", .address = true},
       },
       Discord::kLimit,
       Discord::kLimit,
       message::Unit::code_points},
      .name = "Discord",
      .destination = discord_destination,
      .make = make_discord,
      .request_shapes = {"/api/webhooks/*ID/#TOKEN/messages/*MESSAGE?thread_id",
                         "/api/v*N/webhooks/*ID/#TOKEN/messages/*MESSAGE?thread_id"},
      .loudness = {.low = {"flags", "4096"},
                   .mentions_notify = true,
                   .note = "flags 4096 is SUPPRESS_NOTIFICATIONS; urgent rings only through "
                           "urgent_mentions (a role made loud on the phone)"},
      .options = {.username = "sender name", .icon = "avatar_url (a URL; :emoji: is ignored)"},
      // A webhook edits the messages it made (ids from ?wait=true); it
      // cannot reply in a plain channel.
      .capabilities = {.edit = true}};
  return info;
}

}  // namespace notify::services
