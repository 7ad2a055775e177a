#include "services/line.hpp"

#include "message/markdown.hpp"
#include "message/split.hpp"
#include "services/json_util.hpp"
#include "services/loudness.hpp"
#include "services/parts.hpp"
#include "services/registry.hpp"

namespace notify::services {

std::vector<HttpRequest> Line::build(const Message& m, const BuildContext& ctx) const {
  const std::size_t limit = limit_;
  // LINE shows plain text only: no code block, no bold; the header is a line.
  // Markdown is rendered to plain text for the same reason.
  // The profile's urgent_mentions, as text: a line before the first part.
  const std::string mentions = mentions_line(m);
  const std::size_t room = mentions.empty() ? 0 : message::length_in(mentions, message::Unit::utf16) + 1;
  auto parts = m.markdown ? make_parts(with_body(m, message::render_markdown(m.body, false).text),
                                       limit, message::Unit::utf16, 1 + room)
                          : make_parts(m, limit, message::Unit::utf16, 1 + room);
  if (!parts.empty() && !mentions.empty()) {
    auto& first = parts.front();
    first.header = first.header.empty() ? mentions : mentions + "\n" + first.header;
  }
  std::vector<HttpRequest> out;
  for (std::size_t i = 0; i < parts.size(); i += kMessagesPerPush) {
    nlohmann::json messages = nlohmann::json::array();
    for (std::size_t k = i; k < parts.size() && k < i + kMessagesPerPush; ++k) {
      std::string text = parts[k].header;
      if (!text.empty() && !parts[k].text.empty()) text += '\n';
      text += parts[k].text;
      messages.push_back({{"type", "text"}, {"text", text}});
    }
    nlohmann::json j = {{"to", profile_.text("to")}, {"messages", messages}};
    if (m.silent) j["notificationDisabled"] = true;
    // One retry key per push, fixed across its retries: LINE answers a
    // repeat of an accepted key with 409 instead of delivering twice.
    out.push_back(HttpRequest{"POST", profile_.text("api_base") + "/v2/bot/message/push",
                              {{"Content-Type", "application/json"},
                               {"Authorization", "Bearer " + profile_.secret("token")},
                               {"X-Line-Retry-Key", ctx.new_uuid()}},
                              dump_json(j)});
  }
  return out;
}

std::size_t Line::one_part_text(const Message& m) const {
  return text_budget(m.title, limit_, message::Unit::utf16, 1);
}

std::vector<std::string> Line::notes(const Message& m) const {
  if (m.priority == Priority::high || m.priority == Priority::urgent)
    return {no_louder_note("LINE", m)};
  return {};
}

Verdict Line::interpret(const HttpResponse& r) const {
  // {"message": "...", "details": [{"message": ..., "property": ...}]}
  auto j = parse_json(r.body);
  if (r.status == 409 && r.header("x-line-accepted-request-id"))
    return Verdict{Verdict::Kind::delivered, std::nullopt, "", ""};
  std::string error = json_string(j, "message");
  if (j.is_object() && j.contains("details") && j["details"].is_array()) {
    for (const auto& d : j["details"]) {
      auto msg = json_string(d, "message");
      auto prop = json_string(d, "property");
      if (!msg.empty()) error += "; " + (prop.empty() ? "" : prop + ": ") + msg;
    }
  }
  if (error.empty() && r.status >= 300) error = body_text(r);
  Verdict v = generic_verdict(r, error);
  if (r.status == 429 && error.find("monthly limit") != std::string::npos) {
    // The quota resets monthly; retrying now only burns time.
    v.kind = Verdict::Kind::fail;
    v.hint = "the LINE channel's monthly message quota is used up";
  } else if (r.status == 401) {
    v.hint = "the channel access token was rejected; issue a new one in the "
             "LINE Developers console";
  } else if (r.status == 400 && error.find("to") != std::string::npos) {
    v.hint = "check 'to': the user must have added the bot as a friend";
  }
  return v;
}

}  // namespace notify::services

namespace notify::services {

namespace {

std::string line_id_check(std::string_view v) {
  if (v.size() == 33 && (v[0] == 'U' || v[0] == 'C' || v[0] == 'R') &&
      v.substr(1).find_first_not_of("0123456789abcdef") == std::string_view::npos)
    return "";
  return "must be a LINE user, group or room id (U, C or R followed by 32 hex digits)";
}

std::unique_ptr<Service> make_line(const config::Profile& p) { return std::make_unique<Line>(p); }

std::string line_destination(const config::Profile& p, const std::string&) {
  return "to " + p.text("to");
}

}  // namespace

const ServiceInfo& line_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"line",
       "LINE Messaging API push",
       {
           {.name = "token", .required = true, .secret = true,
            .prompt = "Channel access token (LINE Developers console)",
            .doc = "the channel access token (secret)"},
           {.name = "to", .required = true, .check = line_id_check,
            .prompt = "User, group or room id to push to",
            .doc = "user, group or room id (U, C or R and 32 hex digits)", .address = true},
           {.name = "api_base", .type = KeyType::url, .fallback = "https://api.line.me",
            .prompt = "Messaging API server", .doc = "Messaging API server", .address = true},
       },
       Line::kLimit,
       Line::kLimit,
       message::Unit::utf16},
      .name = "LINE",
      .destination = line_destination,
      .make = make_line,
      .no_files = "whose push messages cannot carry files",
      .can = "retry keys: never twice",
      .loudness = {.low = {"notificationDisabled", "true"}}};
  return info;
}

}  // namespace notify::services
