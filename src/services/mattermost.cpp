#include "services/mattermost.hpp"

#include "message/escape.hpp"
#include "message/fences.hpp"
#include "message/split.hpp"
#include "services/json_util.hpp"
#include "services/markdown_text.hpp"
#include "services/loudness.hpp"
#include "services/parts.hpp"
#include "services/registry.hpp"

namespace notify::services {

std::size_t Mattermost::one_part_text(const Message& m) const {
  return markdown_one_part_text(m, limit_);
}

std::vector<HttpRequest> Mattermost::build(const Message& m, const BuildContext&) const {
  const std::size_t limit = limit_;
  std::vector<HttpRequest> out;
  // The profile's urgent_mentions go on a line of their own before the first
  // part, added after the neutraliser: they notify, piped ones never do.
  const std::string mentions = mentions_line(m);
  const std::size_t room = mentions.empty() ? 0 : message::length_in(mentions, message::Unit::code_points) + 1;
  const Message escaped = markdown_escaped(m, !profile_.flag("mentions"));
  const auto parts = markdown_parts(escaped, limit > 2 * room ? limit - room : limit / 2);
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Part& part = parts[i];
    std::string body = m.code ? markdown_code_block(part.text, m.code_lang) : part.text;
    std::string text = part.header.empty() ? body : "**" + part.header + "**\n" + body;
    if (i == 0 && !mentions.empty()) text = mentions + "\n" + text;
    nlohmann::json j = {{"text", text}};
    // One ring per message: only the first part carries the priority.
    if (i == 0) {
      if (auto priority = priority_json(m)) j["priority"] = std::move(*priority);
    }
    if (!m.channel.empty()) j["channel"] = m.channel;
    if (!m.username.empty()) j["username"] = m.username;
    if (!m.icon_emoji.empty()) j["icon_emoji"] = m.icon_emoji;
    else if (!m.icon_url.empty()) j["icon_url"] = m.icon_url;
    // Honoured since Mattermost 11.10; older servers ignore unknown keys.
    if (m.silent) j["silent"] = true;
    out.push_back(HttpRequest{"POST", profile_.secret("webhook_url"),
                              {{"Content-Type", "application/json"}},
                              dump_json(j)});
  }
  return out;
}

std::optional<nlohmann::json> Mattermost::priority_json(const Message& m) const {
  // Webhooks take it since server 9.9; "" (standard) is left out, as a
  // priority object is refused by servers that do not know it.
  if (m.priority == Priority::high) return nlohmann::json{{"priority", "important"}};
  if (m.priority != Priority::urgent) return std::nullopt;
  nlohmann::json j = {{"priority", "urgent"}};
  if (profile_.flag("requested_ack")) j["requested_ack"] = true;
  return j;
}

std::optional<HttpRequest> Mattermost::plain(const HttpRequest& request) const {
  auto j = parse_json(request.body);
  if (!j.is_object() || (!j.contains("priority") && !j.contains("silent"))) return std::nullopt;
  j.erase("priority");
  j.erase("silent");
  HttpRequest r = request;
  r.body = dump_json(j);
  return r;
}

std::string Mattermost::plain_note(const HttpRequest& request) const {
  const auto j = parse_json(request.body);
  const bool priority = j.is_object() && j.contains("priority");
  const bool silent = j.is_object() && j.contains("silent");
  if (priority && silent)
    return "the Mattermost server refused the message priority or the silent switch; sending it "
           "once more without either";
  if (silent)
    return "the Mattermost server refused the silent switch (it is older than 11.10, or a relay "
           "in front of it does not know it); sending it once more without silent, so it "
           "notifies as usual";
  return "the Mattermost server refused the message priority (it is turned off, or the server "
         "is older than 9.9); sending it once more without priority";
}

Verdict Mattermost::interpret(const HttpResponse& r) const {
  // Errors are AppError JSON: {"id": ..., "message": ..., "detailed_error": ...}.
  auto j = parse_json(r.body);
  std::string error = json_string(j, "message");
  auto detail = json_string(j, "detailed_error");
  if (!detail.empty()) error += " (" + detail + ")";
  if (error.empty() && r.status >= 300) error = body_text(r);
  Verdict v = generic_verdict(r, error);
  if (v.kind == Verdict::Kind::fail && r.status == 400 &&
      json_string(j, "id") == "web.incoming_webhook.invalid.app_error")
    v.hint = "the webhook was deleted or the URL is wrong; copy it again from "
             "Integrations > Incoming Webhooks";
  if (v.kind == Verdict::Kind::fail && r.status == 403)
    v.hint = "the webhook is locked to its channel, or cannot post to that channel";
  // A server that does not take message priority (turned off, or before
  // 9.9; requested_ack without a licence is 501) or the silent switch
  // answers 400, 403 or 501 with no telling id: a request that carried
  // either goes once more without them (plain()); one that did not fails
  // as it would have.
  const bool deleted_hook = json_string(j, "id") == "web.incoming_webhook.invalid.app_error";
  if (r.error == TransportError::none && !deleted_hook &&
      (r.status == 400 || r.status == 403 || r.status == 501)) {
    v.kind = Verdict::Kind::resend_plain;
    v.retry_after.reset();
  }
  return v;
}

std::vector<std::string> Mattermost::notes(const Message& m) const {
  std::vector<std::string> n;
  if (m.silent)
    n.push_back("Mattermost servers before 11.10 have no silent switch; they post "
                "with normal notifications, and one that refuses it gets the message once "
                "more without it");
  if (m.priority == Priority::high || m.priority == Priority::urgent)
    n.push_back(std::string("message priority \"") +
                (m.priority == Priority::high ? "important" : "urgent") +
                "\" needs Mattermost 9.9 or later with message priority on; a server that "
                "refuses it gets the message once more without it");
  if (m.priority == Priority::urgent && profile_.flag("requested_ack"))
    n.push_back("requested_ack needs a Mattermost Professional licence");
  if (!m.username.empty() || !m.icon_url.empty() || !m.icon_emoji.empty())
    n.push_back("username/icon overrides need EnablePostUsernameOverride / "
                "EnablePostIconOverride on the Mattermost server");
  return n;
}

}  // namespace notify::services

namespace notify::services {

namespace {

std::unique_ptr<Service> make_mattermost(const config::Profile& p) {
  return std::make_unique<Mattermost>(p);
}

}  // namespace

const ServiceInfo& mattermost_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"mattermost",
       "Mattermost incoming webhook",
       {
           {.name = "webhook_url", .type = KeyType::url, .required = true, .secret = true,
            .prompt = "Incoming webhook URL (Integrations > Incoming Webhooks)",
            .doc = "the incoming webhook's URL (secret)",
            // A self-hosted server may live under a sub-path (/mattermost/hooks/ID);
            // it is masked too, as it may be a relay's key.
            .shapes = {"/##/hooks/#ID"},
            .address = true},
           {.name = "channel", .prompt = "Channel name (empty: the webhook's own)",
            .doc = "post to this channel instead of the webhook's own", .address = true},
           {.name = "username", .prompt = "Sender name (needs EnablePostUsernameOverride)",
            .doc = "sender name (server needs EnablePostUsernameOverride)"},
           {.name = "icon_url", .type = KeyType::url,
            .prompt = "Sender icon URL (needs EnablePostIconOverride)",
            .doc = "sender icon (server needs EnablePostIconOverride)", .shapes = {"/**?*"}},
           {.name = "icon_emoji", .doc = "sender icon as an emoji name"},
           {.name = "mentions", .type = KeyType::flag,
            .doc = "let @channel, @all and @here in the text notify (default false)"},
           {.name = "requested_ack", .type = KeyType::flag,
            .doc = "urgent messages ask each reader to acknowledge them (server 9.9+, "
                   "Professional licence; default false)"},
       },
       Mattermost::kLimit,
       65535,
       message::Unit::code_points},
      .name = "Mattermost",
      .destination = webhook_destination,
      .make = make_mattermost,
      .no_files = "whose incoming webhooks cannot carry files",
      .loudness = {.low = {"silent", "true"},
                   .high = {"priority", "important"},
                   .urgent = {"priority", "urgent"},
                   .mentions_notify = true,
                   .note = "silent needs server 11.10+ and priority 9.9+ (a server that refuses "
                           "either gets the message once more without it); urgent also asks "
                           "for an acknowledgement with requested_ack = true"},
      .options = {.username = "sender name (server needs EnablePostUsernameOverride)",
                  .icon = "icon_url, or :emoji: as icon_emoji (server needs "
                          "EnablePostIconOverride)",
                  .channel = "channel name, or @user for a direct message"},
      .aliases = {"mm"}};
  return info;
}

}  // namespace notify::services
