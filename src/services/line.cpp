#include "services/line.hpp"

#include "message/markdown.hpp"
#include "services/json_util.hpp"
#include "services/parts.hpp"

namespace notify::services {

std::vector<HttpRequest> Line::build(const Message& m, const BuildContext& ctx) const {
  const std::size_t limit = profile_.max_length.value_or(kLimit);
  // LINE shows plain text only: no code block, no bold; the header is a line.
  // Markdown is rendered to plain text for the same reason.
  auto parts = m.markdown ? make_parts(with_body(m, message::render_markdown(m.body, false).text),
                                       limit, message::Unit::utf16, 1)
                          : make_parts(m, limit, message::Unit::utf16, 1);
  std::vector<HttpRequest> out;
  for (std::size_t i = 0; i < parts.size(); i += kMessagesPerPush) {
    nlohmann::json messages = nlohmann::json::array();
    for (std::size_t k = i; k < parts.size() && k < i + kMessagesPerPush; ++k) {
      std::string text = parts[k].header;
      if (!text.empty() && !parts[k].text.empty()) text += '\n';
      text += parts[k].text;
      messages.push_back({{"type", "text"}, {"text", text}});
    }
    nlohmann::json j = {{"to", profile_.to}, {"messages", messages}};
    if (m.silent) j["notificationDisabled"] = true;
    // One retry key per push, fixed across its retries: LINE answers a
    // repeat of an accepted key with 409 instead of delivering twice.
    out.push_back(HttpRequest{"POST", profile_.api_base + "/v2/bot/message/push",
                              {{"Content-Type", "application/json"},
                               {"Authorization", "Bearer " + profile_.token},
                               {"X-Line-Retry-Key", ctx.new_uuid()}},
                              dump_json(j)});
  }
  return out;
}

std::size_t Line::one_part_text(const Message& m) const {
  return text_budget(m.title, profile_.max_length.value_or(kLimit), message::Unit::utf16, 1);
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
