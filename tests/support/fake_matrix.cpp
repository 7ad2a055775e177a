#include "support/fake_matrix.hpp"

#include <algorithm>
#include <mutex>
#include <set>

#include <nlohmann/json.hpp>

namespace notify::test {

namespace {

using json = nlohmann::json;

constexpr const char* kMatrixSendPrefix = "/_matrix/client/v3/rooms/";
constexpr const char* kMatrixDirectoryPrefix = "/_matrix/client/v3/directory/room/";

std::string matrix_unpct(std::string_view s, bool* ok) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] != '%') {
      out += s[i];
      continue;
    }
    if (i + 2 >= s.size()) {
      *ok = false;
      return out;
    }
    const auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      return -1;
    };
    const int hi = hex(s[i + 1]), lo = hex(s[i + 2]);
    if (hi < 0 || lo < 0) {
      *ok = false;
      return out;
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::string matrix_str(const json& j, const char* key) {
  const auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string{};
}

// msgtype and body strings; format and formatted_body both or neither;
// m.mentions, when there, an object of user_ids (strings) and room (bool).
std::string matrix_content_problem(const json& c) {
  if (!c.is_object()) return "content is not an object";
  if (!c.contains("msgtype") || !c["msgtype"].is_string()) return "msgtype missing";
  if (!c.contains("body") || !c["body"].is_string()) return "body missing";
  if (c.contains("format") != c.contains("formatted_body"))
    return "format and formatted_body go together";
  if (c.contains("format") && (matrix_str(c, "format") != "org.matrix.custom.html" ||
                               !c["formatted_body"].is_string()))
    return "unknown format";
  if (c.contains("m.mentions")) {
    const auto& m = c["m.mentions"];
    if (!m.is_object()) return "m.mentions is not an object";
    if (m.contains("room") && !m["room"].is_boolean()) return "m.mentions.room is not a boolean";
    if (m.contains("user_ids")) {
      if (!m["user_ids"].is_array()) return "m.mentions.user_ids is not an array";
      for (const auto& u : m["user_ids"])
        if (!u.is_string()) return "m.mentions.user_ids holds a non-string";
    }
  }
  return "";
}

}  // namespace

struct FakeMatrix::State {
  MatrixOptions options;
  mutable std::mutex mutex;
  std::vector<MatrixEvent> events;
  std::map<std::string, std::string> txns;  // token + path -> event id
  std::set<std::string> redacted;
  std::size_t lookups = 0;
  std::size_t replays = 0;
  int next = 1;
};

FakeMatrix::FakeMatrix(MatrixOptions options) : state_(std::make_shared<State>()) {
  state_->options = std::move(options);
}

Reply matrix_error(int status, std::string errcode, std::string error) {
  return json_reply(status, json{{"errcode", errcode}, {"error", error}}.dump());
}

Reply matrix_429(long retry_after_ms, int retry_after_s) {
  Reply r = json_reply(429, json{{"errcode", "M_LIMIT_EXCEEDED"},
                                 {"error", "Too Many Requests"},
                                 {"retry_after_ms", retry_after_ms}}
                                .dump());
  if (retry_after_s >= 0) r.headers.emplace_back("Retry-After", std::to_string(retry_after_s));
  return r;
}

std::vector<MatrixEvent> FakeMatrix::events() const {
  std::lock_guard lock(state_->mutex);
  return state_->events;
}

std::vector<MatrixEvent> FakeMatrix::messages() const {
  std::lock_guard lock(state_->mutex);
  std::vector<MatrixEvent> out;
  for (const auto& e : state_->events)
    if (e.replaces.empty()) out.push_back(e);
  return out;
}

std::string FakeMatrix::current_text(const std::string& id) const {
  std::lock_guard lock(state_->mutex);
  std::string out;
  for (const auto& e : state_->events) {
    if (e.event_id == id) out = e.body;
    if (e.replaces == id) out = e.new_body;
  }
  return out;
}

std::string FakeMatrix::current_html(const std::string& id) const {
  std::lock_guard lock(state_->mutex);
  std::string out;
  for (const auto& e : state_->events) {
    if (e.event_id == id) out = e.formatted_body;
    if (e.replaces == id) out = e.new_html;
  }
  return out;
}

std::size_t FakeMatrix::lookups() const {
  std::lock_guard lock(state_->mutex);
  return state_->lookups;
}

std::size_t FakeMatrix::replays() const {
  std::lock_guard lock(state_->mutex);
  return state_->replays;
}

void FakeMatrix::redact(const std::string& id) {
  std::lock_guard lock(state_->mutex);
  state_->redacted.insert(id);
}

Handler FakeMatrix::handler() const {
  return [state = state_](const Recorded& r) -> Reply {
    Reply reply = [&]() -> Reply {
      const MatrixOptions& o = state->options;
      if (r.query_param("access_token"))
        return matrix_error(400, "M_UNRECOGNIZED", "access tokens in the query are not supported");
      const auto auth = r.header("authorization");
      if (!auth) return matrix_error(401, "M_MISSING_TOKEN", "Missing access token");
      if (*auth != "Bearer " + o.token)
        return matrix_error(401, "M_UNKNOWN_TOKEN", "Unknown access token");
      std::lock_guard lock(state->mutex);
      bool ok = true;
      if (r.path.rfind(kMatrixDirectoryPrefix, 0) == 0) {
        ++state->lookups;
        if (r.method != "GET") return matrix_error(405, "M_UNRECOGNIZED", "Unrecognized request");
        const std::string raw = r.path.substr(std::string(kMatrixDirectoryPrefix).size());
        const std::string alias = matrix_unpct(raw, &ok);
        if (!ok || raw.find('/') != std::string::npos || alias.size() < 4 || alias[0] != '#' ||
            alias.find(':') == std::string::npos)
          return matrix_error(400, "M_INVALID_PARAM", "Room alias invalid");
        const auto it = o.aliases.find(alias);
        if (it == o.aliases.end()) return matrix_error(404, "M_NOT_FOUND", "Room alias not found");
        return json_reply(200, json{{"room_id", it->second}, {"servers", {"fake.test"}}}.dump());
      }
      if (r.path.rfind(kMatrixSendPrefix, 0) != 0)
        return matrix_error(404, "M_UNRECOGNIZED", "Unrecognized request");
      // {roomId}/send/m.room.message/{txnId}
      const std::string rest = r.path.substr(std::string(kMatrixSendPrefix).size());
      const auto slash = rest.find('/');
      const std::string tail = slash == std::string::npos ? "" : rest.substr(slash);
      const std::string send = "/send/m.room.message/";
      if (slash == std::string::npos || tail.rfind(send, 0) != 0 ||
          tail.size() == send.size() || tail.find('/', send.size()) != std::string::npos)
        return matrix_error(404, "M_UNRECOGNIZED", "Unrecognized request");
      if (r.method != "PUT") return matrix_error(405, "M_UNRECOGNIZED", "Unrecognized request");
      const std::string room = matrix_unpct(rest.substr(0, slash), &ok);
      const std::string txn = matrix_unpct(tail.substr(send.size()), &ok);
      if (!ok || room.size() < 4 || room[0] != '!' || room.find(':') == std::string::npos)
        return matrix_error(400, "M_INVALID_PARAM", "Not a room id");
      if (std::find(o.rooms.begin(), o.rooms.end(), room) == o.rooms.end())
        return matrix_error(403, "M_FORBIDDEN", "User " + o.user + " not in room " + room);
      const std::string key = o.token + " " + r.path;
      if (const auto it = state->txns.find(key); it != state->txns.end()) {
        ++state->replays;
        return json_reply(200, json{{"event_id", it->second}}.dump());
      }
      if (r.body.size() > o.event_limit)
        return matrix_error(413, "M_TOO_LARGE", "event too large");
      const json c = json::parse(r.body, nullptr, false);
      if (c.is_discarded()) return matrix_error(400, "M_NOT_JSON", "Content not JSON.");
      if (auto why = matrix_content_problem(c); !why.empty())
        return matrix_error(400, "M_BAD_JSON", why);
      MatrixEvent e;
      e.room_id = room;
      e.txn_id = txn;
      e.sender = o.user;
      e.msgtype = matrix_str(c, "msgtype");
      e.body = matrix_str(c, "body");
      e.format = matrix_str(c, "format");
      e.formatted_body = matrix_str(c, "formatted_body");
      e.size = r.body.size();
      if (c.contains("m.mentions")) {
        e.has_mentions = true;
        const auto& m = c["m.mentions"];
        e.mentions_room = m.value("room", false);
        if (m.contains("user_ids"))
          for (const auto& u : m["user_ids"]) e.mentioned_users.push_back(u.get<std::string>());
      }
      const auto known = [&](const std::string& id) -> const MatrixEvent* {
        for (const auto& ev : state->events)
          if (ev.event_id == id && ev.room_id == room && !state->redacted.count(id)) return &ev;
        return nullptr;
      };
      if (c.contains("m.relates_to")) {
        const auto& rel = c["m.relates_to"];
        if (!rel.is_object()) return matrix_error(400, "M_BAD_JSON", "m.relates_to");
        if (matrix_str(rel, "rel_type") == "m.replace") {
          const std::string id = matrix_str(rel, "event_id");
          const MatrixEvent* orig = known(id);
          if (!orig) return matrix_error(404, "M_NOT_FOUND", "Event not found");
          if (!orig->replaces.empty() || orig->sender != o.user)
            return matrix_error(400, "M_BAD_JSON", "cannot edit an edit or another's event");
          if (!c.contains("m.new_content"))
            return matrix_error(400, "M_BAD_JSON", "m.replace without m.new_content");
          const auto& nc = c["m.new_content"];
          if (auto why = matrix_content_problem(nc); !why.empty())
            return matrix_error(400, "M_BAD_JSON", "m.new_content: " + why);
          if (e.body.rfind("* ", 0) != 0)
            return matrix_error(400, "M_BAD_JSON", "an edit's fallback body starts with \"* \"");
          e.replaces = id;
          e.new_body = matrix_str(nc, "body");
          e.new_html = matrix_str(nc, "formatted_body");
        } else if (rel.contains("m.in_reply_to")) {
          const std::string id = matrix_str(rel["m.in_reply_to"], "event_id");
          if (!known(id)) return matrix_error(400, "M_BAD_JSON", "reply to an unknown event");
          e.reply_to = id;
        }
      }
      e.event_id = "$" + std::to_string(state->next++) + "fake";
      state->txns[key] = e.event_id;
      state->events.push_back(e);
      return json_reply(200, json{{"event_id", e.event_id}}.dump());
    }();
    reply.delay = state->options.answer_delay;
    return reply;
  };
}

}  // namespace notify::test
