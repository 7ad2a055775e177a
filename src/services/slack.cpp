#include "services/slack.hpp"

#include <algorithm>
#include <array>
#include <string_view>

#include "message/escape.hpp"
#include "message/markdown.hpp"
#include "message/split.hpp"
#include "services/json_util.hpp"
#include "services/parts.hpp"
#include "services/registry.hpp"

namespace notify::services {

namespace {

// ``` + newline before, newline + ``` after. Slack takes no language after
// the fence (it would show as the first line of the block), so none is sent.
constexpr std::size_t kCodeOverhead = 8;
// The '*' on each side of the bold header.
constexpr std::size_t kBoldOverhead = 2;

std::size_t overhead(const Message& m) {
  return kBoldOverhead + (m.code ? kCodeOverhead : 0);
}

// "bell", ":bell:" and "bell:" all name the same emoji.
std::string emoji_name(std::string s) {
  if (!s.empty() && s.front() == ':') s.erase(0, 1);
  if (!s.empty() && s.back() == ':') s.pop_back();
  return s;
}

struct ErrorHint {
  std::string_view word;
  std::string_view hint;
};

// The words Slack answers a webhook post with (text/plain), and what the
// user can do about each.
constexpr std::array<ErrorHint, 13> kHints = {{
    {"invalid_payload",
     "Slack could not read the request; a proxy may have changed it (run with -v)"},
    {"no_text", "Slack saw no text in the message; a proxy may have changed the request"},
    {"too_many_attachments",
     "notify sends no attachments; a proxy or relay must have added them"},
    {"user_not_found", "the channel \"@user\" names nobody in this workspace; check channel"},
    {"channel_not_found",
     "the channel does not exist or the webhook may not post there; check channel "
     "(only legacy webhooks can change channel)"},
    {"channel_is_archived",
     "the webhook's channel is archived; unarchive it or create a webhook for another channel"},
    {"action_prohibited",
     "a workspace admin restricted posting there; ask them, or use another channel"},
    {"posting_to_general_channel_denied",
     "only admins may post to this workspace's #general; use another channel"},
    {"no_service",
     "the webhook was removed or the URL is wrong; copy it again from the Slack app's "
     "Incoming Webhooks page"},
    {"no_service_id", "the webhook URL is incomplete; copy it again from Slack"},
    {"no_team", "the workspace in the webhook URL does not exist; copy the URL again"},
    {"team_disabled", "the Slack workspace is disabled; nothing can post to it"},
    {"invalid_token",
     "the webhook's token was revoked; create a new webhook and update the profile"},
}};

// Slack's error body is one lower-case word; anything else (an HTML page of
// a proxy, already shortened by body_text()) is not one of its words.
std::string_view error_word(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  if (text.empty() || text.size() > 64) return {};
  for (char c : text)
    if (!((c >= 'a' && c <= 'z') || c == '_')) return {};
  return text;
}

}  // namespace

std::string slack_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      default: out += c;
    }
  }
  return out;
}

namespace {

// A listed urgent mention as Slack's notifying token: "<!here>", "<@U123>"
// and the like as written, "@here"/"@channel"/"@everyone" (Mattermost's
// spelling) as their token; anything else is only text.
std::string slack_mention(const std::string& mention) {
  for (const char* word : {"here", "channel", "everyone"})
    if (mention == std::string("@") + word) return std::string("<!") + word + ">";
  const bool token = mention.size() > 3 && mention.back() == '>' &&
                     (mention.rfind("<!", 0) == 0 || mention.rfind("<@", 0) == 0) &&
                     mention.find_first_of("<>&", 1) == mention.size() - 1;
  return token ? mention : slack_escaped(mention);
}

}  // namespace

Slack::Slack(const config::Profile& p)
    : webhook_url_(p.secret("webhook_url")),
      username_(p.text("username")),
      icon_emoji_(emoji_name(p.text("icon_emoji"))),
      icon_url_(p.text("icon_url")),
      channel_(p.text("channel")),
      // A larger part could pass Slack's 40,000 cut once escaped.
      limit_(std::min(p.max_length.value_or(kLimit), kLimit)) {}

std::size_t Slack::one_part_text(const Message& m) const {
  return text_budget(m.title, limit_, message::Unit::code_points, overhead(m));
}

std::vector<HttpRequest> Slack::build(const Message& m, const BuildContext&) const {
  // mrkdwn is not CommonMark (*bold*, <url|text>, no headings or tables):
  // the markdown is shown rendered as plain text rather than misread.
  Message source = m.markdown ? with_body(m, message::render_markdown(m.body, false).text) : m;
  // Before splitting: breaking fences adds characters every part must hold.
  if (m.code) source.body = message::break_fences(source.body);

  // Plain @channel/@here stay as written: Slack links them only with
  // link_names, which is never sent. Escaping after splitting keeps a cut
  // from landing inside an entity.
  std::vector<HttpRequest> out;
  // The profile's urgent_mentions, the only text not escaped: a line of
  // their own before the first part.
  std::string mentions;
  for (const auto& mention : m.urgent_mentions)
    if (!mention.empty()) mentions += (mentions.empty() ? "" : " ") + slack_mention(mention);
  const std::size_t room = mentions.empty() ? 0 : message::length_in(mentions, message::Unit::code_points) + 1;
  const auto parts = make_parts(source, limit_ > 2 * room ? limit_ - room : limit_ / 2,
                                message::Unit::code_points, overhead(m));
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Part& part = parts[i];
    std::string body = slack_escaped(part.text);
    if (m.code && !body.empty()) body = "```\n" + body + "\n```";
    std::string text = part.header.empty() ? body
                       : body.empty()      ? "*" + slack_escaped(part.header) + "*"
                                           : "*" + slack_escaped(part.header) + "*\n" + body;
    if (i == 0 && !mentions.empty()) text = mentions + "\n" + text;
    nlohmann::json j = {{"text", text}};
    const std::string& channel = m.channel.empty() ? channel_ : m.channel;
    if (!channel.empty()) j["channel"] = channel;
    const std::string& username = m.username.empty() ? username_ : m.username;
    if (!username.empty()) j["username"] = username;
    // The message's icon replaces the profile's whichever form each has.
    const bool own_icon = !m.icon_emoji.empty() || !m.icon_url.empty();
    const std::string emoji = own_icon ? emoji_name(m.icon_emoji) : icon_emoji_;
    const std::string& icon_url = own_icon ? m.icon_url : icon_url_;
    if (!emoji.empty()) j["icon_emoji"] = ":" + emoji + ":";
    else if (!icon_url.empty()) j["icon_url"] = icon_url;
    out.push_back(HttpRequest{"POST", webhook_url_, {{"Content-Type", "application/json"}},
                              dump_json(j)});
  }
  return out;
}

Verdict Slack::interpret(const HttpResponse& r) const {
  // 200 "ok"; errors are one text/plain word with 400/403/404/410, 429
  // "rate_limited" with Retry-After (generic_verdict honours it).
  const std::string text = r.status >= 300 ? body_text(r) : std::string();
  Verdict v = generic_verdict(r, text);
  if (v.kind != Verdict::Kind::fail) return v;
  const std::string_view word = error_word(text);
  for (const auto& [known, hint] : kHints)
    if (word == known) v.hint = std::string(hint);
  return v;
}

std::vector<std::string> Slack::notes(const Message& m) const {
  std::vector<std::string> n;
  if (m.silent) n.push_back("Slack webhooks have no silent switch; the message notifies as usual");
  if (m.priority == Priority::high || m.priority == Priority::urgent)
    n.push_back("Slack webhooks have no priority: a " + std::string(to_string(m.priority)) +
                " message is sent as a normal one" +
                (m.urgent_mentions.empty() ? "" : ", with the profile's urgent_mentions"));
  if (!m.username.empty() || !m.icon_emoji.empty() || !m.icon_url.empty() || !m.channel.empty())
    n.push_back("Slack app webhooks ignore username, icon and channel overrides; only legacy "
                "webhooks honour them");
  if (m.markdown)
    n.push_back("Slack's mrkdwn is not Markdown; --markdown is sent rendered as plain text");
  if (!m.files.empty()) n.push_back("Slack webhooks cannot upload files");
  return n;
}

}  // namespace notify::services

namespace notify::services {

namespace {

std::unique_ptr<Service> make_slack(const config::Profile& p) { return std::make_unique<Slack>(p); }

}  // namespace

const ServiceInfo& slack_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"slack",
       "Slack incoming webhook",
       {
           {.name = "webhook_url", .type = KeyType::url, .required = true, .secret = true,
            .prompt = "Slack incoming webhook URL (https://hooks.slack.com/services/...)",
            .doc = "the incoming webhook's URL (secret)",
            // Incoming webhooks, and Workflow Builder's webhook triggers.
            .shapes = {"/services/*T/*B/#SECRET", "/triggers/*T/*ID/#SECRET"},
            .address = true},
           {.name = "username", .prompt = "Post as (legacy webhooks only; empty keeps the app's name)",
            .doc = "sender name (legacy webhooks only)"},
           {.name = "icon_emoji", .doc = "sender icon as an emoji name (legacy webhooks only)"},
           {.name = "icon_url", .type = KeyType::url,
            .doc = "sender icon as an image URL (legacy webhooks only)", .shapes = {"/**?*"}},
           {.name = "channel", .doc = "post to #channel or @user (legacy webhooks only)", .address = true},
       },
       Slack::kLimit,
       Slack::kLimit,
       message::Unit::code_points},
      .name = "Slack",
      .destination = webhook_destination,
      .make = make_slack,
      .no_files = "whose incoming webhooks cannot carry files",
      .loudness = {.mentions_notify = true},
      .options = {.username = "sender name (legacy webhooks only)",
                  .icon = "icon_url or :emoji: (legacy webhooks only)",
                  .channel = "#channel or @user (legacy webhooks only)"}};
  return info;
}

}  // namespace notify::services
