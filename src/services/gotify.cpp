#include "services/gotify.hpp"

#include <algorithm>

#include "message/fences.hpp"
#include "message/split.hpp"
#include "services/json_util.hpp"
#include "services/loudness.hpp"
#include "services/markdown_text.hpp"
#include "services/parts.hpp"
#include "services/registry.hpp"

namespace notify::services {

namespace {

constexpr auto kGotifyUnit = message::Unit::code_points;

// Room a part of `m` keeps for its formatting: the code fences, or the
// fence repair a --markdown part may need.
std::size_t gotify_overhead(const Message& m, std::size_t limit, bool whatever_body) {
  if (m.code) return markdown_code_overhead(m.code_lang);
  if (m.markdown)
    return whatever_body ? message::max_fence_repair_room(limit)
                         : message::fence_repair_room(m.body, limit);
  return 0;
}

std::string gotify_title(const std::string& title, const std::string& marker) {
  if (marker.empty()) return title;
  return title.empty() ? marker : title + " " + marker;
}

int gotify_priority(const Message& m) {
  switch (m.silent ? Priority::low : m.priority) {
    case Priority::low: return Gotify::kLowPriority;
    case Priority::normal: return Gotify::kNormalPriority;
    case Priority::high: return Gotify::kHighPriority;
    case Priority::urgent: return Gotify::kUrgentPriority;
  }
  return Gotify::kNormalPriority;
}

}  // namespace

Gotify::Gotify(const config::Profile& p)
    : token_(p.secret("token")),
      limit_(std::min(p.max_length.value_or(kLimit), kMaxLimit)) {
  std::string server = p.text("server");
  while (!server.empty() && server.back() == '/') server.pop_back();
  url_ = server + "/message";
}

std::size_t Gotify::one_part_text(const Message& m) const {
  // The title is a field of its own: it takes nothing from the text.
  return text_budget("", limit_, kGotifyUnit, gotify_overhead(m, limit_, true));
}

std::vector<HttpRequest> Gotify::build(const Message& m, const BuildContext&) const {
  // The text is cut without the title, which goes in "title" with the
  // part's "(i/n)".
  Message escaped = markdown_escaped(m, false);
  escaped.title.clear();
  const std::string mentions = mentions_line(m);
  const std::size_t room = mentions.empty() ? 0 : message::length_in(mentions, kGotifyUnit) + 1;
  const std::size_t limit = limit_ > 2 * room ? limit_ - room : limit_ / 2;
  const std::size_t overhead = gotify_overhead(escaped, limit, false);
  auto parts = make_parts(escaped, limit, kGotifyUnit, overhead);
  if (m.markdown && overhead > 0) repair_fences(escaped.body, parts, overhead);
  if (parts.empty()) parts.push_back(Part{});

  // Plain text is said to be plain: a client that defaults to Markdown
  // must not render piped text. Markdown and code blocks are marked so.
  const bool markdown = m.code || m.markdown;
  const nlohmann::json extras = {
      {"client::display", {{"contentType", markdown ? "text/markdown" : "text/plain"}}}};
  std::vector<HttpRequest> out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string text = m.code ? markdown_code_block(parts[i].text, m.code_lang) : parts[i].text;
    if (i == 0 && !mentions.empty()) text = text.empty() ? mentions : mentions + "\n" + text;
    // Gotify requires a message; a title-only message repeats the title.
    const std::string title = gotify_title(m.title, parts[i].header);
    if (text.empty()) text = title.empty() ? std::string(" ") : title;
    nlohmann::json j = {{"title", title},
                        {"message", text},
                        {"priority", gotify_priority(m)},
                        {"extras", extras}};
    // The token goes in a header, never in the query, so that no URL
    // (in a log, a proxy, an error) carries it.
    out.push_back(HttpRequest{"POST", url_,
                              {{"Content-Type", "application/json"}, {"X-Gotify-Key", token_}},
                              dump_json(j)});
  }
  return out;
}

Verdict Gotify::interpret(const HttpResponse& r) const {
  // {"error":"Unauthorized","errorCode":401,"errorDescription":"..."}
  const auto j = parse_json(r.body);
  std::string error = json_string(j, "errorDescription");
  if (error.empty()) error = json_string(j, "error");
  if (error.empty() && r.status >= 300) error = body_text(r);
  Verdict v = generic_verdict(r, error);
  if (v.kind != Verdict::Kind::fail || r.error != TransportError::none) return v;
  if (r.status == 401 || r.status == 403)
    v.hint = "check token in the profile: an application token (Gotify web UI > Apps), "
             "not a client token";
  else if (r.status == 404 || r.status == 405)
    v.hint = "check server in the profile: the Gotify base URL (with its path prefix, if "
             "any), without /message";
  return v;
}

std::vector<std::string> Gotify::notes(const Message& m) const {
  std::vector<std::string> n;
  if (!m.urgent_mentions.empty())
    n.push_back("Gotify has no mentions: urgent_mentions are added as text; priority " +
                std::to_string(kUrgentPriority) + " is its loudest");
  if (!m.username.empty()) n.push_back("Gotify has no username override; it is not sent");
  if (!m.icon_url.empty() || !m.icon_emoji.empty())
    n.push_back("Gotify shows the application's icon; --icon is not sent");
  if (!m.channel.empty()) n.push_back("Gotify has no channel: the token names the application");
  if (!m.edit_ids.empty() || !m.reply_to.empty())
    n.push_back("Gotify cannot edit or reply with an application token: a new message is sent");
  return n;
}

}  // namespace notify::services

namespace notify::services {

namespace {

std::string gotify_token_check(std::string_view v) {
  if (!v.empty() && v.find_first_of(" \t/?&") == std::string_view::npos) return "";
  return "must be one word (a Gotify application token, e.g. AbCdEf0123456789)";
}

std::unique_ptr<Service> make_gotify(const config::Profile& p) {
  return std::make_unique<Gotify>(p);
}

std::string gotify_destination(const config::Profile& p, const std::string&) {
  return p.text("server");
}

}  // namespace

const ServiceInfo& gotify_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"gotify",
       "Gotify application message",
       {
           {.name = "server", .type = KeyType::url, .required = true,
            .check = config::base_url_check,
            .prompt = "Gotify server URL (with its path prefix, if any)",
            .doc = "the Gotify server's base URL, with its path prefix if any",
            .shapes = {"/**"},
            .address = true},
           {.name = "token", .required = true, .secret = true, .check = gotify_token_check,
            .prompt = "Application token (Gotify web UI > Apps)",
            .doc = "application token, sent as X-Gotify-Key (secret)"},
       },
       Gotify::kLimit,
       Gotify::kMaxLimit,
       message::Unit::code_points},
      .name = "Gotify",
      .destination = gotify_destination,
      .make = make_gotify,
      .no_files = "whose messages carry no files (only a link to one)",
      .can = "markdown",
      .loudness = {.low = {"priority", "2"},
                   .high = {"priority", "8"},
                   .urgent = {"priority", "10"},
                   .note = "normal is priority 5; the Android app makes 1-3 quiet and 8-10 a "
                           "heads-up notification"}};
  return info;
}

}  // namespace notify::services
