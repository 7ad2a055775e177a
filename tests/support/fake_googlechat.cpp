#include "support/fake_googlechat.hpp"

#include <map>
#include <mutex>
#include <regex>

#include <nlohmann/json.hpp>

#include "support/strings.hpp"

namespace notify::test {

namespace {

using json = nlohmann::json;

std::size_t googlechat_code_points(std::string_view s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

std::string googlechat_without_zwsp(std::string s) {
  for (auto at = s.find("\u200B"); at != std::string::npos; at = s.find("\u200B", at))
    s.erase(at, 3);
  return s;
}

bool googlechat_word(char c) {
  return static_cast<unsigned char>(c) >= 0x80 || std::isalnum(static_cast<unsigned char>(c));
}

std::vector<std::string> googlechat_mentions(const std::string& text) {
  static const std::regex mention("<users/(all|[0-9]+)>");
  std::vector<std::string> out;
  for (auto it = std::sregex_iterator(text.begin(), text.end(), mention); it != std::sregex_iterator(); ++it)
    out.push_back(it->str());
  return out;
}

std::vector<std::string> googlechat_spans(const std::string& text) {
  std::vector<std::string> out;
  static const std::regex link("<(https?://[^|>\\s]+)\\|([^>]+)>");
  for (auto it = std::sregex_iterator(text.begin(), text.end(), link); it != std::sregex_iterator(); ++it)
    out.push_back(it->str());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '*' && c != '_' && c != '~' && c != '`') continue;
    if (i > 0 && googlechat_word(text[i - 1])) continue;
    if (i + 1 >= text.size() || std::isspace(static_cast<unsigned char>(text[i + 1]))) continue;
    if (text.compare(i + 1, 3, "\u200B") == 0) continue;
    const auto line_end = std::min(text.find('\n', i + 1), text.size());
    for (auto close = text.find(c, i + 2); close < line_end; close = text.find(c, close + 1)) {
      if (std::isspace(static_cast<unsigned char>(text[close - 1]))) continue;
      out.push_back(text.substr(i, close - i + 1));
      i = close;
      break;
    }
  }
  return out;
}

}  // namespace

struct FakeGoogleChat::State {
  GoogleChatOptions options;
  mutable std::mutex mutex;
  std::vector<GoogleChatMessage> messages;
  std::map<std::string, std::size_t> by_request;  // requestId -> index
  std::map<std::string, std::string> threads;     // threadKey -> thread name
  std::size_t repeats = 0;
  std::size_t next_thread = 1;
};

FakeGoogleChat::FakeGoogleChat(GoogleChatOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

std::vector<GoogleChatMessage> FakeGoogleChat::messages() const {
  std::lock_guard lock(state_->mutex);
  return state_->messages;
}

std::size_t FakeGoogleChat::repeats() const {
  std::lock_guard lock(state_->mutex);
  return state_->repeats;
}

std::string FakeGoogleChat::url(const FakeServer& server) const {
  const auto& o = state_->options;
  return server.base_url() + "/v1/spaces/" + o.space + "/messages?key=" + o.key +
         "&token=" + o.token;
}

Reply googlechat_error(int code, std::string_view status, std::string_view message) {
  return json_reply(code, dump({{"error", {{"code", code}, {"message", std::string(message)},
                                           {"status", std::string(status)}}}}));
}

Reply googlechat_429(int retry_after_s) {
  Reply r = googlechat_error(429, "RESOURCE_EXHAUSTED",
                             "Resource has been exhausted (e.g. check quota).");
  if (retry_after_s >= 0) r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

Handler FakeGoogleChat::handler() const {
  return [state = state_](const Recorded& r) -> Reply {
    const auto& o = state->options;
    auto answer = [&](Reply reply) {
      reply.delay = o.answer_after;
      return reply;
    };
    static const std::regex path("^/v1/spaces/([A-Za-z0-9_-]+)/messages$");
    std::smatch m;
    if (r.method != "POST" || !std::regex_match(r.path, m, path) || m[1] != o.space)
      return googlechat_error(404, "NOT_FOUND", "Requested entity was not found.");
    if (r.query_param("key").value_or("") != o.key)
      return googlechat_error(400, "INVALID_ARGUMENT",
                              "API key not valid. Please pass a valid API key.");
    if (r.query_param("token").value_or("") != o.token)
      return googlechat_error(401, "UNAUTHENTICATED",
                              "Request had invalid authentication credentials.");
    if (!starts_with_ci(r.header("content-type").value_or(""), "application/json"))
      return googlechat_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    const json body = json::parse(r.body, nullptr, false);
    if (!body.is_object())
      return googlechat_error(400, "INVALID_ARGUMENT", "Invalid JSON payload received.");
    const bool has_text = body.contains("text") && body["text"].is_string() &&
                          !body["text"].get<std::string>().empty();
    const bool has_cards = body.contains("cardsV2") && body["cardsV2"].is_array() &&
                           !body["cardsV2"].empty();
    if (!has_text && !has_cards)
      return googlechat_error(400, "INVALID_ARGUMENT", "Message cannot be empty.");
    const std::string text = has_text ? body["text"].get<std::string>() : "";
    if (googlechat_code_points(text) > 4096)
      return googlechat_error(400, "INVALID_ARGUMENT",
                              "Invalid text: it exceeds the maximum of 4096 characters.");
    if (text.size() + (has_cards ? body["cardsV2"].dump().size() : 0) > 32000)
      return googlechat_error(400, "INVALID_ARGUMENT", "Message exceeds the size limit.");
    std::string key;
    if (body.contains("thread")) {
      if (!body["thread"].is_object())
        return googlechat_error(400, "INVALID_ARGUMENT", "Invalid thread.");
      if (body["thread"].contains("threadKey")) {
        if (!body["thread"]["threadKey"].is_string())
          return googlechat_error(400, "INVALID_ARGUMENT", "Invalid thread key.");
        key = body["thread"]["threadKey"].get<std::string>();
        if (googlechat_code_points(key) > 4000)
          return googlechat_error(400, "INVALID_ARGUMENT", "Thread key is too long.");
      }
    }
    const std::string option =
        r.query_param("messageReplyOption").value_or("MESSAGE_REPLY_OPTION_UNSPECIFIED");
    if (option != "MESSAGE_REPLY_OPTION_UNSPECIFIED" &&
        option != "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD" && option != "REPLY_MESSAGE_OR_FAIL")
      return googlechat_error(400, "INVALID_ARGUMENT",
                              "Invalid value at 'message_reply_option'.");
    const std::string request_id = r.query_param("requestId").value_or("");

    std::lock_guard lock(state->mutex);
    auto reply_with = [&](const GoogleChatMessage& msg) {
      return answer(json_reply(200, dump({{"name", msg.name},
                                          {"text", msg.text},
                                          {"thread", {{"name", msg.thread}}},
                                          {"space", {{"name", "spaces/" + o.space}}}})));
    };
    if (!request_id.empty())
      if (auto it = state->by_request.find(request_id); it != state->by_request.end()) {
        ++state->repeats;
        return reply_with(state->messages[it->second]);
      }
    GoogleChatMessage msg;
    const bool keyed = !key.empty() && option != "MESSAGE_REPLY_OPTION_UNSPECIFIED";
    const auto known = keyed ? state->threads.find(key) : state->threads.end();
    if (option == "REPLY_MESSAGE_OR_FAIL" && known == state->threads.end())
      return googlechat_error(404, "NOT_FOUND", "Thread not found.");
    if (known != state->threads.end()) {
      msg.thread = known->second;
      msg.reply = true;
    } else {
      msg.thread = "spaces/" + o.space + "/threads/t" + std::to_string(state->next_thread++);
      if (keyed) state->threads[key] = msg.thread;
    }
    msg.thread_key = keyed ? key : "";
    msg.request_id = request_id;
    msg.name = "spaces/" + o.space + "/messages/m" + std::to_string(state->messages.size() + 1);
    msg.text = text;
    msg.shown = googlechat_without_zwsp(text);
    msg.length = googlechat_code_points(text);
    msg.mentions = googlechat_mentions(text);
    msg.spans = googlechat_spans(text);
    if (!request_id.empty()) state->by_request[request_id] = state->messages.size();
    state->messages.push_back(msg);
    return reply_with(msg);
  };
}

}  // namespace notify::test
