#include "support/fake_services2.hpp"

#include "support/strings.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <regex>

#include "support/fake_services.hpp"
#include "support/mail_codec.hpp"

namespace notify::test {

using nlohmann::json;

namespace {



// The first n code points of UTF-8 text (continuation bytes follow their lead byte).
std::string first_code_points(const std::string& s, std::size_t n) {
  std::size_t count = 0;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80 && count++ == n) return s.substr(0, i);
  }
  return s;
}

bool valid_utf8(std::string_view s) {
  for (std::size_t i = 0; i < s.size();) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (c < 0x80) {
      len = 1;
      cp = c;
    } else if ((c & 0xE0) == 0xC0) {
      len = 2;
      cp = c & 0x1Fu;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3;
      cp = c & 0x0Fu;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4;
      cp = c & 0x07u;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (std::size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3Fu);
    }
    static constexpr std::uint32_t kMin[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMin[len] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
    i += len;
  }
  return true;
}

std::string unescape_slack(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s.substr(i, 5) == "&amp;") {
      out += '&';
      i += 4;
    } else if (s.substr(i, 4) == "&lt;") {
      out += '<';
      i += 3;
    } else if (s.substr(i, 4) == "&gt;") {
      out += '>';
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::vector<std::string> slack_mentions(std::string_view text) {
  static constexpr std::string_view kPrefixes[] = {"<!channel", "<!here", "<!everyone",
                                                   "<!subteam^", "<@", "<#"};
  std::vector<std::string> out;
  for (std::size_t pos = text.find('<'); pos != std::string_view::npos;
       pos = text.find('<', pos + 1)) {
    const auto close = text.find('>', pos);
    if (close == std::string_view::npos) break;
    const std::string_view token = text.substr(pos, close - pos + 1);
    for (const auto prefix : kPrefixes) {
      if (token.substr(0, prefix.size()) != prefix) continue;
      const char next = token.size() > prefix.size() ? token[prefix.size()] : '>';
      // "<!channel>" or "<!channel|label>", but not "<!channelx>"; ids follow "<@" and "<#".
      if (prefix.back() == '@' || prefix.back() == '#' || prefix.back() == '^' || next == '>' ||
          next == '|') {
        out.emplace_back(token);
        break;
      }
    }
  }
  return out;
}

std::string string_member(const json& body, const char* name) {
  const auto it = body.find(name);
  return it != body.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

}  // namespace

// --- Slack ----------------------------------------------------------------------

struct FakeSlack::State {
  SlackOptions options;
  mutable std::mutex mutex;
  std::vector<SlackPost> posts;
};

FakeSlack::FakeSlack(SlackOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

std::vector<SlackPost> FakeSlack::posts() const {
  std::lock_guard lock(state_->mutex);
  return state_->posts;
}

std::string FakeSlack::url(const FakeServer& server) const {
  const std::string& path = state_->options.path;
  return server.base_url() +
         (path.empty() ? "/services/T0FAKE000/B0FAKE000/fakefakefakefakefakefake" : path);
}

Reply slack_error(int status, std::string_view word) { return text_reply(status, std::string(word)); }

Reply slack_429(int retry_after_s) {
  Reply r = text_reply(429, "rate_limited");
  r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

Handler FakeSlack::handler() const {
  return [state = state_](const Recorded& r) -> Reply {
    static const std::regex any_hook("^/services/T[A-Za-z0-9]+/B[A-Za-z0-9]+/[A-Za-z0-9]+/?$");
    const SlackOptions& o = state->options;
    const bool path_ok = o.path.empty() ? std::regex_match(r.path, any_hook) : r.path == o.path;
    if (!path_ok || r.method != "POST") return slack_error(404, "no_service");

    std::string payload = r.body;
    if (starts_with_ci(r.header("content-type").value_or(""), "application/x-www-form-urlencoded")) {
      payload.clear();
      for (auto& [k, v] : parse_form(r.body))
        if (k == "payload") payload = v;
    }
    const json body = json::parse(payload, nullptr, false);
    if (body.is_discarded() || !body.is_object()) return slack_error(400, "invalid_payload");
    if (body.contains("text") && !body["text"].is_string())
      return slack_error(400, "invalid_payload");
    if (o.prohibited) return slack_error(403, "action_prohibited");
    if (o.archived) return slack_error(410, "channel_is_archived");
    const std::string channel = string_member(body, "channel");
    if (!channel.empty() && o.channels && o.channels->count(channel) == 0)
      return slack_error(404, "channel_not_found");
    const std::string text = string_member(body, "text");
    const auto non_empty_array = [&](const char* name) {
      return body.contains(name) && body[name].is_array() && !body[name].empty();
    };
    if (text.empty() && !non_empty_array("blocks") && !non_empty_array("attachments"))
      return slack_error(400, "no_text");

    SlackPost post;
    post.raw_body = r.body;
    post.length = utf8_code_points(text);
    post.truncated = post.length > 40000;
    post.text = post.truncated ? first_code_points(text, 40000) : text;
    post.shown = unescape_slack(post.text);
    post.mentions = slack_mentions(post.text);
    post.link_names = body.contains("link_names") &&
                      (body["link_names"] == true || body["link_names"] == 1 ||
                       body["link_names"] == "1" || body["link_names"] == "true");
    post.username = string_member(body, "username");
    post.icon_emoji = string_member(body, "icon_emoji");
    post.icon_url = string_member(body, "icon_url");
    post.channel = channel;
    {
      std::lock_guard lock(state->mutex);
      state->posts.push_back(std::move(post));
    }
    return text_reply(200, "ok");
  };
}

// --- ntfy ---------------------------------------------------------------------------

struct FakeNtfy::State {
  NtfyOptions options;
  mutable std::mutex mutex;
  std::vector<NtfyMessage> messages;
  std::size_t counter = 0;
};

FakeNtfy::FakeNtfy(NtfyOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

std::vector<NtfyMessage> FakeNtfy::messages() const {
  std::lock_guard lock(state_->mutex);
  return state_->messages;
}

std::string FakeNtfy::topic_url(const FakeServer& server, std::string_view topic) {
  return server.base_url() + "/" + std::string(topic);
}

Reply ntfy_error(int status, int code, std::string_view text) {
  json body{{"code", code}, {"http", status}, {"error", text}};
  if (status == 401 || status == 403) body["link"] = "https://ntfy.sh/docs/publish/#authentication";
  return json_reply(status, dump(body));
}

Reply ntfy_429(std::optional<int> retry_after_s) {
  Reply r = ntfy_error(429, 42901, "limit reached: too many requests, please be nice");
  if (retry_after_s) r.headers.emplace_back("Retry-After", std::to_string(*retry_after_s));
  return r;
}

namespace {

const std::regex& topic_pattern() {
  static const std::regex re("^[-_A-Za-z0-9]{1,64}$");
  return re;
}

// First of these names found as a header (RFC 2047 decoded), else as a query parameter.
std::optional<std::string> ntfy_param(const Recorded& r, std::initializer_list<std::string_view> names) {
  for (const auto name : names)
    if (auto v = r.header(name)) return rfc2047_decode(*v);
  for (const auto name : names)
    if (auto v = r.query_param(lower(name))) return *v;
  return std::nullopt;
}

// 1..5, 0 for "not given", -1 for invalid.
int ntfy_priority(std::string_view text) {
  const std::string p = lower(trim(text));
  if (p.empty()) return 0;
  if (p == "1" || p == "min") return 1;
  if (p == "2" || p == "low") return 2;
  if (p == "3" || p == "default") return 3;
  if (p == "4" || p == "high") return 4;
  if (p == "5" || p == "max" || p == "urgent") return 5;
  return -1;
}

bool ntfy_bool(std::string_view text) {
  const std::string v = lower(trim(text));
  return v == "1" || v == "yes" || v == "true";
}

std::vector<std::string> split_tags(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const auto comma = text.find(',');
    const auto tag = trim(text.substr(0, comma));
    if (!tag.empty()) out.emplace_back(tag);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

// nullopt when the request may publish; else ntfy's answer.
std::optional<Reply> ntfy_auth(const NtfyOptions& o, const Recorded& r) {
  if (o.token.empty()) return std::nullopt;
  const auto auth = r.header("authorization");
  if (!auth) return ntfy_error(403, 40301, "forbidden");
  std::string presented;
  if (starts_with_ci(*auth, "Bearer ")) {
    presented = std::string(trim(std::string_view(*auth).substr(7)));
  } else if (starts_with_ci(*auth, "Basic ")) {
    // An empty user name with the token as password is ntfy's way to pass a token as Basic.
    const auto decoded = base64_decode(trim(std::string_view(*auth).substr(6)));
    if (decoded && decoded->rfind(':', 0) == 0) presented = decoded->substr(1);
  }
  if (presented != o.token) return ntfy_error(401, 40101, "unauthorized");
  return std::nullopt;
}

Reply ntfy_publish(FakeNtfy::State& st, NtfyMessage msg) {
  std::lock_guard lock(st.mutex);
  if (st.options.daily_quota > 0 && st.messages.size() >= st.options.daily_quota)
    return ntfy_error(429, 42908, "limit reached: too many messages");
  const std::size_t n = ++st.counter;
  char id[16];
  std::snprintf(id, sizeof id, "fake%08zu", n);
  msg.id = id;
  const long long time = 1767225600LL + static_cast<long long>(n);  // fixed, for stable output
  json out{{"id", msg.id},       {"time", time},      {"expires", time + 43200},
           {"event", "message"}, {"topic", msg.topic}, {"message", msg.message}};
  if (!msg.title.empty()) out["title"] = msg.title;
  if (msg.priority > 0) out["priority"] = msg.priority;
  if (!msg.tags.empty()) out["tags"] = msg.tags;
  if (!msg.click.empty()) out["click"] = msg.click;
  // A server from 2.16 names the sequence a message replaces.
  if (!msg.sequence_id.empty()) out["sequence_id"] = msg.sequence_id;
  if (msg.markdown) out["content_type"] = "text/markdown";
  if (!msg.filename.empty())
    out["attachment"] = json{{"name", msg.filename}, {"size", msg.attachment.size()},
                             {"expires", time + 10800}};
  st.messages.push_back(std::move(msg));
  return json_reply(200, dump(out));
}

Reply ntfy_json_form(FakeNtfy::State& st, const Recorded& r) {
  const json body = json::parse(r.body, nullptr, false);
  if (body.is_discarded() || !body.is_object())
    return ntfy_error(400, 40017, "invalid request: request body must be message JSON");
  NtfyMessage msg;
  msg.json_form = true;
  msg.method = r.method;
  msg.topic = string_member(body, "topic");
  if (!std::regex_match(msg.topic, topic_pattern()))
    return ntfy_error(400, 40009, "invalid request: topic invalid");
  if (auto denied = ntfy_auth(st.options, r)) return *denied;
  msg.message = string_member(body, "message");
  msg.title = string_member(body, "title");
  msg.click = string_member(body, "click");
  msg.filename = string_member(body, "filename");
  if (body.contains("priority")) {
    const json& p = body["priority"];
    msg.priority = p.is_number_integer() ? p.get<int>() : -1;
    if (msg.priority < 0 || msg.priority > 5)
      return ntfy_error(400, 40007, "invalid priority parameter");
  }
  if (body.contains("tags") && body["tags"].is_array())
    for (const auto& t : body["tags"])
      if (t.is_string()) msg.tags.push_back(t.get<std::string>());
  msg.markdown = body.value("markdown", json(false)) == true;
  if (msg.message.size() > st.options.message_limit)
    return ntfy_error(413, 41301, "attachment too large, or bandwidth limit reached");
  return ntfy_publish(st, std::move(msg));
}

Reply ntfy_reply(FakeNtfy::State& st, const Recorded& r) {
  const bool publish_method = r.method == "POST" || r.method == "PUT";
  if (r.path == "/v1/health" && r.method == "GET") return json_reply(200, R"({"healthy":true})");
  if (r.path == "/" && publish_method) return ntfy_json_form(st, r);
  const std::string topic = r.path.size() > 1 ? r.path.substr(1) : std::string{};
  if (!publish_method || !std::regex_match(topic, topic_pattern()))
    return ntfy_error(404, 40401, "page not found");
  if (auto denied = ntfy_auth(st.options, r)) return *denied;

  NtfyMessage msg;
  msg.topic = topic;
  msg.method = r.method;
  msg.title = ntfy_param(r, {"X-Title", "Title", "t"}).value_or("");
  msg.priority = ntfy_priority(ntfy_param(r, {"X-Priority", "Priority", "prio", "p"}).value_or(""));
  if (msg.priority < 0) return ntfy_error(400, 40007, "invalid priority parameter");
  msg.tags = split_tags(ntfy_param(r, {"X-Tags", "Tags", "Tag", "ta"}).value_or(""));
  msg.markdown = ntfy_bool(ntfy_param(r, {"X-Markdown", "Markdown", "md"}).value_or(""));
  msg.click = ntfy_param(r, {"X-Click", "Click"}).value_or("");
  msg.sequence_id = ntfy_param(r, {"X-Sequence-ID", "Sequence-ID", "SID"}).value_or("");
  msg.filename = ntfy_param(r, {"X-Filename", "Filename", "file", "f"}).value_or("");
  const auto message_param = ntfy_param(r, {"X-Message", "Message", "m"});

  if (!msg.filename.empty()) {
    if (r.body.size() > st.options.attachment_limit)
      return ntfy_error(413, 41301, "attachment too large, or bandwidth limit reached");
    msg.attachment = r.body;
    msg.message = message_param.value_or("You received a file: " + msg.filename);
  } else {
    msg.message = message_param.value_or(r.body);
    if (!valid_utf8(msg.message))
      return ntfy_error(400, 40011, "invalid message: message must be UTF-8 encoded");
    if (msg.message.size() > st.options.message_limit)
      return ntfy_error(413, 41301, "attachment too large, or bandwidth limit reached");
  }
  return ntfy_publish(st, std::move(msg));
}

}  // namespace

Handler FakeNtfy::handler() const {
  return [state = state_](const Recorded& r) { return ntfy_reply(*state, r); };
}

}  // namespace notify::test
