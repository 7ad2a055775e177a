#include "support/fake_services3_a.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <nlohmann/json.hpp>

namespace notify::test {

using nlohmann::json;

namespace {

std::size_t services3a_code_points(std::string_view s) {
  return std::size_t(std::count_if(s.begin(), s.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

bool services3a_key(std::string_view s) {
  return s.size() == 30 && std::all_of(s.begin(), s.end(), [](char c) {
           return std::isalnum(static_cast<unsigned char>(c)) != 0;
         });
}

std::optional<long> services3a_number(std::string_view s) {
  if (s.empty()) return std::nullopt;
  try {
    std::size_t used = 0;
    const long v = std::stol(std::string(s), &used);
    if (used != s.size()) return std::nullopt;
    return v;
  } catch (...) {
    return std::nullopt;
  }
}

}  // namespace

// --- Gotify ---------------------------------------------------------------------

struct FakeGotify::State {
  GotifyOptions options;
  mutable std::mutex mutex;
  std::vector<GotifyMessage> messages;
  long next_id = 1;
};

Reply gotify_error(int status, std::string_view description) {
  const char* text = status == 400 ? "Bad Request"
                     : status == 401 ? "Unauthorized"
                     : status == 403 ? "Forbidden"
                     : status == 404 ? "Not Found"
                                     : "Internal Server Error";
  return json_reply(status, json{{"error", text}, {"errorCode", status},
                                 {"errorDescription", description}}.dump());
}

FakeGotify::FakeGotify(GotifyOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

std::vector<GotifyMessage> FakeGotify::messages() const {
  std::lock_guard lock(state_->mutex);
  return state_->messages;
}

std::string FakeGotify::server(const FakeServer& server) const {
  return server.base_url() + state_->options.prefix;
}

Handler FakeGotify::handler() const {
  auto state = state_;
  return [state](const Recorded& r) -> Reply {
    const auto& o = state->options;
    if (r.method != "POST" || r.path != o.prefix + "/message")
      return gotify_error(404, "page not found");
    // Gotify's order: ?token=, X-Gotify-Key, Authorization: Bearer.
    std::optional<std::string> token = r.query_param("token");
    const bool in_query = token.has_value();
    if (!token) token = r.header("x-gotify-key");
    if (!token)
      if (auto auth = r.header("authorization"); auth && auth->rfind("Bearer ", 0) == 0)
        token = auth->substr(7);
    if (token && *token == o.client_token)
      return gotify_error(403, "you are not allowed to access this api");
    if (!token || *token != o.token)
      return gotify_error(401, "you need to provide a valid access token or user credentials to "
                               "access this api");
    const auto body = json::parse(r.body, nullptr, false);
    if (!body.is_object()) return gotify_error(400, "invalid character in JSON body");
    const auto msg = body.find("message");
    if (msg == body.end() || !msg->is_string() || msg->get<std::string>().empty())
      return gotify_error(400, "Field 'message' is required");
    GotifyMessage m;
    m.message = *msg;
    m.token_in_query = in_query;
    if (auto t = body.find("title"); t != body.end()) {
      if (!t->is_string()) return gotify_error(400, "Field 'title' must be a string");
      m.title = *t;
    }
    if (auto p = body.find("priority"); p != body.end()) {
      if (!p->is_number_integer()) return gotify_error(400, "Field 'priority' must be a number");
      m.priority = p->get<long>();
    }
    if (auto e = body.find("extras"); e != body.end()) {
      if (!e->is_object()) return gotify_error(400, "Field 'extras' must be an object");
      if (auto d = e->find("client::display"); d != e->end() && d->is_object())
        if (auto ct = d->find("contentType"); ct != d->end() && ct->is_string()) m.content_type = *ct;
    }
    std::lock_guard lock(state->mutex);
    m.id = state->next_id++;
    state->messages.push_back(m);
    json answer = {{"id", m.id}, {"appid", 1}, {"message", m.message}, {"title", m.title},
                   {"priority", m.priority.value_or(0)}, {"date", "2026-12-07T10:00:00Z"}};
    if (body.contains("extras")) answer["extras"] = body["extras"];
    return json_reply(200, answer.dump());
  };
}

// --- Pushover -------------------------------------------------------------------

struct FakePushover::State {
  PushoverOptions options;
  mutable std::mutex mutex;
  std::vector<PushoverMessage> messages;
  std::size_t accepted = 0;
  std::size_t requests = 0;
};

Reply pushover_error(int status, std::string_view error, std::string_view invalid_field) {
  json j = {{"status", 0}, {"errors", json::array({error})},
            {"request", "5042853c-402d-4a18-abcb-168734a801de"}};
  if (!invalid_field.empty()) j[std::string(invalid_field)] = "invalid";
  return json_reply(status, j.dump());
}

FakePushover::FakePushover(PushoverOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

std::vector<PushoverMessage> FakePushover::messages() const {
  std::lock_guard lock(state_->mutex);
  return state_->messages;
}

Handler FakePushover::handler() const {
  auto state = state_;
  return [state](const Recorded& r) -> Reply {
    std::lock_guard lock(state->mutex);
    const auto& o = state->options;
    const std::size_t monthly = o.quota == 0 ? 10000 : o.quota;
    auto with_limits = [&](Reply reply) {
      reply.headers.emplace_back("X-Limit-App-Limit", std::to_string(monthly));
      reply.headers.emplace_back(
          "X-Limit-App-Remaining",
          std::to_string(monthly > state->accepted ? monthly - state->accepted : 0));
      reply.headers.emplace_back("X-Limit-App-Reset", "1798761600");
      return reply;
    };
    if (r.method != "POST" || r.path != "/1/messages.json")
      return with_limits(pushover_error(404, "not found"));
    // Fields from the form, or from the multipart parts.
    std::vector<std::pair<std::string, std::string>> fields;
    PushoverMessage m;
    if (!r.parts.empty()) {
      m.multipart = true;
      for (const auto& p : r.parts) {
        if (p.name == "attachment") {
          m.attachment_name = p.filename;
          m.attachment = p.content;
          m.attachment_type = p.content_type;
        } else {
          fields.emplace_back(p.name, p.content);
        }
      }
    } else {
      fields = parse_form(r.body);
    }
    auto field = [&](std::string_view name) -> std::optional<std::string> {
      for (const auto& [k, v] : fields)
        if (k == name) return v;
      return std::nullopt;
    };
    const auto token = field("token").value_or("");
    if (!services3a_key(token) || token != o.token)
      return with_limits(pushover_error(400, "application token is invalid, see https://pushover.net/api", "token"));
    const auto user = field("user").value_or("");
    if (!services3a_key(user) || user != o.user)
      return with_limits(pushover_error(400, "user identifier is not a valid user, group, or subscribed user key, see https://pushover.net/api#identifiers", "user"));
    if (o.quota > 0 && state->accepted >= o.quota) {
      auto reply = pushover_error(429, "application has exceeded its monthly message limit");
      return with_limits(reply);
    }
    m.message = field("message").value_or("");
    if (m.message.empty()) return with_limits(pushover_error(400, "message cannot be blank", "message"));
    if (services3a_code_points(m.message) > 1024)
      return with_limits(pushover_error(400, "message is too long, must be no more than 1024 characters", "message"));
    m.title = field("title").value_or("");
    if (services3a_code_points(m.title) > 250)
      return with_limits(pushover_error(400, "title is too long, must be no more than 250 characters", "title"));
    if (auto p = field("priority")) {
      const auto v = services3a_number(*p);
      if (!v || *v < -2 || *v > 2)
        return with_limits(pushover_error(400, "priority is invalid", "priority"));
      m.priority = int(*v);
    }
    if (auto v = field("retry")) m.retry = services3a_number(*v);
    if (auto v = field("expire")) m.expire = services3a_number(*v);
    if (m.priority == 2) {
      if (!m.retry || *m.retry < 30)
        return with_limits(pushover_error(400, "retry is invalid, must be at least 30 seconds", "retry"));
      if (!m.expire || *m.expire > 10800)
        return with_limits(pushover_error(400, "expire is invalid, must be no more than 10800 seconds", "expire"));
    }
    m.html = field("html").value_or("") == "1";
    m.monospace = field("monospace").value_or("") == "1";
    if (m.html && m.monospace)
      return with_limits(pushover_error(400, "html and monospace are mutually exclusive", "monospace"));
    if (m.attachment.size() > 5242880)
      return with_limits(pushover_error(400, "attachment size is too large, must be no more than 5242880 bytes", "attachment"));
    m.device = field("device").value_or("");
    m.sound = field("sound").value_or("");
    ++state->accepted;
    state->messages.push_back(m);
    json answer = {{"status", 1}, {"request", "e460545a-8e75-4a0a-9c3c-" + std::to_string(100000000000 + state->accepted)}};
    if (m.priority == 2) answer["receipt"] = "rLqVuqTRh62UzxtmqiaLzQmVcPgiCy";
    return with_limits(json_reply(200, answer.dump()));
  };
}

// --- Teams ----------------------------------------------------------------------

struct FakeTeams::State {
  TeamsOptions options;
  mutable std::mutex mutex;
  std::vector<TeamsCard> cards;
};

Reply teams_error(int status, std::string_view code, std::string_view text) {
  return json_reply(status, json{{"error", {{"code", code}, {"message", text}}}}.dump());
}

FakeTeams::FakeTeams(TeamsOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

std::vector<TeamsCard> FakeTeams::cards() const {
  std::lock_guard lock(state_->mutex);
  return state_->cards;
}

std::string FakeTeams::url(const FakeServer& server) const {
  return server.base_url() + state_->options.path +
         "?api-version=1&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig=" + state_->options.sig;
}

namespace {

// A TextBlock's text as shown: a backslash before ASCII punctuation is
// dropped (CommonMark's escape), and whether Markdown would render.
TeamsBlock teams_shown(std::string text) {
  TeamsBlock b;
  b.text = text;
  bool line_start = true;
  std::string digits;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '\\' && i + 1 < text.size() && std::ispunct(static_cast<unsigned char>(text[i + 1]))) {
      b.shown += text[++i];
      line_start = false;
      digits.clear();
      continue;
    }
    if (c == '*' || c == '_' || c == '[') b.markup = true;
    if (line_start && (c == '-' || c == '+') && i + 1 < text.size() && text[i + 1] == ' ')
      b.markup = true;
    if (c == '.' && !digits.empty() && i + 1 < text.size() && text[i + 1] == ' ') b.markup = true;
    digits = (std::isdigit(static_cast<unsigned char>(c)) && (line_start || !digits.empty()))
                 ? digits + c : std::string();
    b.shown += c;
    line_start = c == '\n' || (line_start && c == ' ');
  }
  return b;
}

}  // namespace

Handler FakeTeams::handler() const {
  auto state = state_;
  return [state](const Recorded& r) -> Reply {
    const auto& o = state->options;
    if (r.path != o.path) return teams_error(404, "WorkflowNotFound", "The workflow was not found.");
    if (r.method != "POST")
      return teams_error(405, "TriggerRequestMethodNotValid", "The HTTP method is not allowed.");
    if (r.query_param("sig").value_or("") != o.sig)
      return teams_error(401, "DirectApiAuthorizationRequired",
                         "The request must be authenticated only by Shared Access scheme.");
    if (r.body.size() > o.limit)
      return teams_error(413, "MessageTooLarge", "The message is larger than 28 KB.");
    const auto j = json::parse(r.body, nullptr, false);
    auto bad = [](std::string why) { return teams_error(400, "InvalidCard", why); };
    if (!j.is_object() || j.value("type", "") != "message") return bad("not a message envelope");
    const auto atts = j.find("attachments");
    if (atts == j.end() || !atts->is_array() || atts->empty()) return bad("no attachments");
    const auto& att = (*atts)[0];
    if (!att.is_object() || att.value("contentType", "") != "application/vnd.microsoft.card.adaptive")
      return bad("attachment is not an Adaptive Card");
    const auto content = att.find("content");
    if (content == att.end() || !content->is_object() ||
        content->value("type", "") != "AdaptiveCard")
      return bad("content is not of type AdaptiveCard");
    const auto body = content->find("body");
    if (body == content->end() || !body->is_array()) return bad("card body is not an array");
    TeamsCard card;
    card.bytes = r.body.size();
    card.entities = content->contains("msteams") && (*content)["msteams"].contains("entities");
    for (const auto& el : *body) {
      if (!el.is_object() || el.value("type", "") != "TextBlock") return bad("unknown element");
      const auto text = el.find("text");
      if (text == el.end() || !text->is_string() || text->get<std::string>().empty())
        return bad("TextBlock without text");
      TeamsBlock b = teams_shown(*text);
      b.bold = el.value("weight", "") == "Bolder";
      b.large = el.value("size", "") == "Large";
      b.monospace = el.value("fontType", "") == "Monospace";
      b.wrap = el.value("wrap", false);
      card.blocks.push_back(std::move(b));
    }
    std::lock_guard lock(state->mutex);
    state->cards.push_back(std::move(card));
    Reply reply = text_reply(202, "");
    return reply;
  };
}

}  // namespace notify::test
