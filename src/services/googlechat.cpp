#include "services/googlechat.hpp"

#include <algorithm>

#include "message/escape.hpp"
#include "message/markdown.hpp"
#include "message/split.hpp"
#include "services/json_util.hpp"
#include "services/loudness.hpp"
#include "services/parts.hpp"
#include "services/registry.hpp"

namespace notify::services {

namespace {

constexpr std::string_view kGoogleChatZwsp = "\u200B";
// ``` + newline before, newline + ``` after.
constexpr std::size_t kGoogleChatCodeOverhead = 8;
// The '*' on each side of the bold header.
constexpr std::size_t kGoogleChatBoldOverhead = 2;

std::size_t googlechat_overhead(const Message& m) {
  return kGoogleChatBoldOverhead + (m.code ? kGoogleChatCodeOverhead : 0);
}

bool googlechat_word_byte(char c) {
  const auto u = static_cast<unsigned char>(c);
  // A byte of a non-ASCII character counts as a letter: a span opens only
  // after a space or punctuation.
  return u >= 0x80 || (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool googlechat_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

// The title in bold when nothing in it can end the bold early; a title
// with its own '*' goes as a plain line.
std::string googlechat_header(const std::string& header) {
  if (header.empty()) return "";
  return header.find('*') == std::string::npos ? "*" + header + "*" : header;
}

// What a webhook URL copied from Chat looks like: a key and a token in
// its query, both secrets.
std::string googlechat_url_check(std::string_view url) {
  const auto q = url.find('?');
  const std::string_view query = q == std::string_view::npos ? "" : url.substr(q + 1);
  auto has = [&](std::string_view name) {
    for (std::size_t at = 0; at <= query.size();) {
      const auto end = std::min(query.find('&', at), query.size());
      const auto param = query.substr(at, end - at);
      if (param.size() > name.size() && param.substr(0, name.size()) == name &&
          param[name.size()] == '=')
        return true;
      at = end + 1;
    }
    return false;
  };
  if (!has("key") || !has("token"))
    return "must hold the key=... and token=... Google Chat put in it; copy the whole "
           "webhook URL again";
  return "";
}

}  // namespace

std::string googlechat_escaped(std::string_view text, bool code) {
  const std::string source = code ? message::break_fences(text) : std::string(text);
  std::string out;
  out.reserve(source.size() + source.size() / 16);
  for (std::size_t i = 0; i < source.size(); ++i) {
    const char c = source[i];
    out += c;
    const char next = i + 1 < source.size() ? source[i + 1] : '\0';
    if (c == '<') {
      // <users/all>, <users/123>, <https://x|text>: Chat's tokens start
      // with a letter; "a < b" and "<=" stay as they are.
      if ((next >= 'a' && next <= 'z') || (next >= 'A' && next <= 'Z') || next == '/')
        out += kGoogleChatZwsp;
      continue;
    }
    if (code || !(c == '*' || c == '_' || c == '~' || c == '`')) continue;
    if (i > 0 && googlechat_word_byte(source[i - 1])) continue;
    if (next == '\0' || googlechat_space(next)) continue;
    const auto line_end = std::min(source.find('\n', i + 1), source.size());
    if (source.find(c, i + 1) < line_end) out += kGoogleChatZwsp;
  }
  return out;
}

GoogleChat::GoogleChat(const config::Profile& p)
    : webhook_url_(p.secret("webhook_url")),
      limit_(std::min(p.max_length.value_or(kLimit), kLimit)) {}

std::size_t GoogleChat::one_part_text(const Message& m) const {
  return text_budget(googlechat_escaped(m.title, false), limit_, message::Unit::code_points,
                     googlechat_overhead(m));
}

std::vector<HttpRequest> GoogleChat::build(const Message& m, const BuildContext& ctx) const {
  // Chat markup is not CommonMark (*bold*, <url|text>, no headings or
  // tables): Markdown is sent rendered as plain text rather than misread.
  Message source = m.markdown ? with_body(m, message::render_markdown(m.body, false).text) : m;
  // Escaped before splitting, so that every part counts what it carries.
  source.body = googlechat_escaped(source.body, m.code);
  source.title = googlechat_escaped(m.title, false);
  // The profile's urgent_mentions, the only text not escaped: a line of
  // their own before the first part.
  const std::string mentions = mentions_line(m);
  const std::size_t room =
      mentions.empty() ? 0 : message::length_in(mentions, message::Unit::code_points) + 1;
  const auto parts = make_parts(source, limit_ > 2 * room ? limit_ - room : limit_ / 2,
                                message::Unit::code_points, googlechat_overhead(m));
  std::vector<HttpRequest> out;
  std::string thread_key = m.reply_to;
  const std::string base = webhook_url_ + (webhook_url_.find('?') == std::string::npos ? "?" : "&") +
                           "messageReplyOption=" + std::string(kReplyOption) + "&requestId=";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Part& part = parts[i];
    // Journalled with the plan: a resend after a kill carries the same
    // requestId, and Chat answers it with the message it already made.
    const std::string request_id = ctx.new_uuid();
    // Every message starts a thread of its own key (its parts reply in
    // it), reproducible from the plan: a later --reply names it.
    if (thread_key.empty()) thread_key = "notify-" + request_id;
    std::string body = part.text;
    if (m.code && !body.empty()) body = "```\n" + body + "\n```";
    const std::string header = googlechat_header(part.header);
    std::string text = header.empty() ? body : body.empty() ? header : header + "\n" + body;
    if (i == 0 && !mentions.empty()) text = mentions + "\n" + text;
    const nlohmann::json j = {{"text", text}, {"thread", {{"threadKey", thread_key}}}};
    out.push_back(HttpRequest{"POST", base + request_id,
                              {{"Content-Type", "application/json; charset=UTF-8"}},
                              dump_json(j)});
  }
  return out;
}

std::string GoogleChat::message_id(const HttpRequest& request, const HttpResponse&) const {
  const auto j = parse_json(request.body);
  if (!j.is_object() || !j.contains("thread")) return "";
  return json_string(j["thread"], "threadKey");
}

Verdict GoogleChat::interpret(const HttpResponse& r) const {
  // {"error": {"code": 400, "message": "...", "status": "INVALID_ARGUMENT"}}
  std::string error;
  if (r.status >= 300) {
    const auto j = parse_json(r.body);
    if (j.is_object() && j.contains("error") && j["error"].is_object()) {
      const std::string status = json_string(j["error"], "status");
      const std::string message = json_string(j["error"], "message");
      error = status.empty() ? message : message.empty() ? status : status + ": " + message;
    }
    if (error.empty()) error = body_text(r);
  }
  Verdict v = generic_verdict(r, error);
  if (v.kind != Verdict::Kind::fail || r.status < 400) return v;
  if (r.status == 404)
    v.hint = "the space or its webhook is gone, or webhook_url is wrong; copy it again from "
             "the space's Apps & integrations > Webhooks";
  else if (r.status == 401 || r.status == 403)
    v.hint = "the key or token in webhook_url is refused (the webhook may have been "
             "deleted); copy webhook_url again from the space";
  else
    v.hint = "Google Chat refused the request; check webhook_url (run with -v)";
  return v;
}

std::vector<std::string> GoogleChat::notes(const Message& m) const {
  std::vector<std::string> n;
  if (m.silent) n.push_back("Google Chat webhooks have no silent switch; the message notifies as usual");
  if (m.priority == Priority::high || m.priority == Priority::urgent)
    n.push_back(no_louder_note("Google Chat", m));
  if (m.markdown)
    n.push_back("Google Chat markup is not Markdown; --markdown is sent rendered as plain text");
  return n;
}

}  // namespace notify::services

namespace notify::services {

namespace {

std::unique_ptr<Service> make_googlechat(const config::Profile& p) {
  return std::make_unique<GoogleChat>(p);
}

std::string googlechat_destination(const config::Profile&, const std::string& secret) {
  return secret;
}

}  // namespace

const ServiceInfo& googlechat_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"googlechat",
       "Google Chat space webhook",
       {
           {.name = "webhook_url", .type = KeyType::url, .required = true, .secret = true,
            .check = googlechat_url_check,
            .prompt = "Webhook URL (the space's Apps & integrations > Webhooks)",
            .doc = "the space webhook's URL; its key and token are secrets",
            // The query's key and token are masked; what notify adds is not.
            .shapes = {"/v1/spaces/*SPACE/messages?requestId&messageReplyOption"},
            .address = true},
       },
       GoogleChat::kLimit,
       GoogleChat::kLimit,
       message::Unit::code_points},
      .name = "Google Chat",
      .destination = googlechat_destination,
      .make = make_googlechat,
      .no_files = "whose webhooks cannot upload files",
      .can = "request ids: never twice",
      .loudness = {.mentions_notify = true,
                   .note = "no switch of its own; urgent rings only through urgent_mentions "
                           "such as <users/all>"},
      // Replies through thread.threadKey; a webhook cannot edit.
      .capabilities = {.reply = true}};
  return info;
}

}  // namespace notify::services
