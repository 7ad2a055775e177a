#include "services/matrix.hpp"

#include <algorithm>

#include "core/url.hpp"
#include "message/escape.hpp"
#include "message/fences.hpp"
#include "message/markdown.hpp"
#include "message/markdown_html.hpp"
#include "message/split.hpp"
#include "services/json_util.hpp"
#include "services/loudness.hpp"
#include "services/parts.hpp"
#include "services/registry.hpp"
#include "services/server_wait.hpp"

namespace notify::services {

namespace {

constexpr const char* kMatrixApi = "/_matrix/client/v3";
constexpr std::size_t kMatrixMinLimit = 256;

std::string matrix_room_check(std::string_view v) {
  const auto colon = v.find(':');
  const bool shaped = v.size() >= 4 && v.size() <= 255 && (v[0] == '!' || v[0] == '#') &&
                      colon != std::string_view::npos && colon >= 2 && colon + 1 < v.size() &&
                      std::none_of(v.begin(), v.end(), [](char c) {
                        return static_cast<unsigned char>(c) <= ' ' || c == 0x7f;
                      });
  if (shaped) return "";
  return "must be a room id (!id:server) or a room alias (#alias:server)";
}

std::string matrix_token_check(std::string_view v) {
  if (!v.empty() && v.find_first_of(" \t\r\n") == std::string_view::npos) return "";
  return "must be one word (an access token such as syt_...)";
}

// Who is pinged: nobody from the text (m.mentions is always there, so the
// body's "@room" or "@alice:example.org" triggers no legacy rule), exactly
// the profile's urgent_mentions on an urgent message.
nlohmann::json matrix_mentions(const Message& m) {
  nlohmann::json j = nlohmann::json::object();
  nlohmann::json users = nlohmann::json::array();
  for (const auto& mention : m.urgent_mentions) {
    if (mention == "@room") {
      j["room"] = true;
    } else if (mention.size() > 3 && mention[0] == '@' && mention.find(':') != std::string::npos &&
               users.size() < 100) {
      users.push_back(mention);
    }
  }
  if (!users.empty()) j["user_ids"] = users;
  return j;
}

struct MatrixText {
  std::string body;
  std::string html;  ///< "" when the part needs no formatted_body
};

MatrixText matrix_text(const Message& m, const Part& part, const std::string& mentions) {
  MatrixText out;
  std::string html;
  bool formatted = !part.header.empty();
  if (m.markdown) {
    out.body = message::render_markdown(part.text, false).text;
    html = message::markdown_to_html(part.text);
    formatted = true;
  } else if (m.code) {
    out.body = part.text;
    const bool lang = message::is_code_lang(m.code_lang);
    html = std::string("<pre><code") +
           (lang ? " class=\"language-" + message::html_escape(m.code_lang) + "\"" : "") + ">" +
           message::html_escape(part.text) + "</code></pre>";
    formatted = true;
  } else {
    out.body = part.text;
    html = message::html_text(part.text);
  }
  if (!part.header.empty()) {
    out.body = part.header + "\n" + out.body;
    html = "<b>" + message::html_text(part.header) + "</b><br>" + html;
  }
  if (!mentions.empty()) {
    out.body = mentions + "\n" + out.body;
    html = message::html_text(mentions) + "<br>" + html;
  }
  if (formatted) out.html = std::move(html);
  return out;
}

nlohmann::json matrix_content(const std::string& msgtype, const MatrixText& t,
                              const nlohmann::json& pings) {
  nlohmann::json j = {{"msgtype", msgtype}, {"body", t.body}};
  if (!t.html.empty()) {
    j["format"] = "org.matrix.custom.html";
    j["formatted_body"] = t.html;
  }
  j["m.mentions"] = pings;
  return j;
}

std::vector<Part> matrix_parts(const Message& m, std::size_t limit, std::size_t room) {
  const std::size_t usable = limit > 2 * room ? limit - room : limit / 2;
  const std::size_t fences = m.markdown ? message::fence_repair_room(m.body, usable) : 0;
  auto parts = make_parts(m, usable, message::Unit::bytes, fences);
  if (fences > 0) repair_fences(m.body, parts, fences);
  return parts;
}

}  // namespace

std::size_t Matrix::one_part_text(const Message& m) const {
  const std::size_t fences = m.markdown ? message::max_fence_repair_room(limit_) : 0;
  return text_budget(m.title, limit_, message::Unit::bytes, fences);
}

std::string Matrix::send_url(const std::string& room_id, const std::string& txn) const {
  return profile_.text("homeserver") + kMatrixApi + "/rooms/" + query_encoded(room_id) +
         "/send/m.room.message/" + query_encoded(txn);
}

std::vector<HttpRequest> Matrix::build(const Message& m, const BuildContext& ctx) const {
  // Until the round has asked the server, an alias stands for its room (a
  // --dry-run shows it so); nothing is sent to such a path.
  const std::string room = ctx.lookup.value_or(profile_.text("room"));
  const std::string msgtype = profile_.flag("notice") || m.silent ? "m.notice" : "m.text";
  const std::string mentions = mentions_line(m);
  const nlohmann::json pings = matrix_mentions(m);
  const nlohmann::json none = nlohmann::json::object();
  const std::size_t mention_room = mentions.empty() ? 0 : mentions.size() + 1;
  // Markup and escaping grow a part by up to 6 times (an edit carries it
  // twice): a part whose content is over the budget is cut smaller, the
  // same way every time, so a flush rebuilds the same requests.
  std::size_t limit = limit_;
  std::vector<std::string> bodies;
  for (;;) {
    bodies.clear();
    const auto parts = matrix_parts(m, limit, mention_room);
    std::size_t biggest = 0;
    for (std::size_t i = 0; i < parts.size(); ++i) {
      const MatrixText text = matrix_text(m, parts[i], i == 0 ? mentions : "");
      const nlohmann::json& mention = i == 0 ? pings : none;
      nlohmann::json j = matrix_content(msgtype, text, mention);
      if (i < m.edit_ids.size()) {
        // m.replace: the fallback for clients without edits, the whole new
        // content (mentions included), and always the original event.
        nlohmann::json edit = {{"msgtype", msgtype}, {"body", "* " + text.body}};
        if (!text.html.empty()) {
          edit["format"] = "org.matrix.custom.html";
          edit["formatted_body"] = "* " + text.html;
        }
        edit["m.new_content"] = std::move(j);
        edit["m.relates_to"] = {{"rel_type", "m.replace"}, {"event_id", m.edit_ids[i]}};
        edit["m.mentions"] = mention;
        j = std::move(edit);
      } else if (!m.reply_to.empty()) {
        j["m.relates_to"] = {{"m.in_reply_to", {{"event_id", m.reply_to}}}};
      }
      bodies.push_back(dump_json(j));
      biggest = std::max(biggest, bodies.back().size());
    }
    if (biggest <= kEventBudget || limit <= kMatrixMinLimit) break;
    limit = std::max(kMatrixMinLimit, limit * (kEventBudget * 9 / 10) / biggest);
  }
  std::vector<HttpRequest> out;
  for (auto& body : bodies)
    out.push_back(HttpRequest{"PUT", send_url(room, ctx.new_uuid()),
                              {{"Authorization", "Bearer " + profile_.secret("access_token")},
                               {"Content-Type", "application/json"}},
                              std::move(body)});
  return out;
}

std::string Matrix::message_id(const HttpRequest& request, const HttpResponse& response) const {
  // An edit is named by its original: an edit of an edit is no edit.
  const auto sent = parse_json(request.body);
  if (sent.is_object() && sent.contains("m.relates_to")) {
    const auto& rel = sent["m.relates_to"];
    if (json_string(rel, "rel_type") == "m.replace") return json_string(rel, "event_id");
  }
  return json_string(parse_json(response.body), "event_id");
}

std::optional<HttpRequest> Matrix::lookup(const Message&) const {
  const std::string room = profile_.text("room");
  if (room.empty() || room[0] != '#') return std::nullopt;
  return HttpRequest{"GET",
                     profile_.text("homeserver") + kMatrixApi + "/directory/room/" +
                         query_encoded(room),
                     {{"Authorization", "Bearer " + profile_.secret("access_token")}},
                     "",
                     std::nullopt};
}

LookupAnswer Matrix::read_lookup(const HttpResponse& r) const {
  LookupAnswer a;
  const auto j = parse_json(r.body);
  const std::string room = profile_.text("room");
  if (r.error == TransportError::none && r.status >= 200 && r.status < 300) {
    const std::string id = json_string(j, "room_id");
    if (id.size() > 1 && id[0] == '!') {
      a.value = id;
      return a;
    }
    a.verdict = {Verdict::Kind::fail, std::nullopt,
                 "the homeserver's answer for room alias " + room + " names no room id", ""};
    return a;
  }
  a.verdict = interpret(r);
  if (r.status == 404 || r.status == 400) {
    a.verdict.kind = Verdict::Kind::fail;
    a.verdict.error = "room alias " + room + " is unknown to the homeserver (" +
                      a.verdict.error + ")";
    a.verdict.hint = "check room: an alias is #name:server, as the room's settings show it; "
                     "or give the room id (!id:server)";
  }
  return a;
}

std::vector<std::string> Matrix::notes(const Message& m) const {
  if (m.priority == Priority::high) return {no_louder_note("Matrix", m)};
  if (m.priority == Priority::urgent && m.urgent_mentions.empty())
    return {"Matrix has no louder switch: an urgent message rings only through the mentions "
            "urgent_mentions lists (none in this profile)"};
  return {};
}

Verdict Matrix::interpret(const HttpResponse& r) const {
  // {"errcode": "M_FORBIDDEN", "error": "..."}; 429 may add retry_after_ms.
  const auto j = parse_json(r.body);
  const std::string code = json_string(j, "errcode");
  const std::string said = json_string(j, "error");
  std::string error = code.empty() ? said : said.empty() ? code : code + ": " + said;
  if (error.empty() && r.status >= 300) error = body_text(r);
  Verdict v = generic_verdict(r, error);
  if (code == "M_LIMIT_EXCEEDED" && v.kind == Verdict::Kind::fail) v.kind = Verdict::Kind::retry;
  if (v.kind == Verdict::Kind::retry && !v.retry_after && j.is_object() &&
      j.contains("retry_after_ms") && j["retry_after_ms"].is_number())
    if (auto wait = server_wait(j["retry_after_ms"].get<double>() / 1000.0)) v.retry_after = wait;
  if (v.kind != Verdict::Kind::fail) return v;
  if (r.status == 401 || code == "M_UNKNOWN_TOKEN" || code == "M_MISSING_TOKEN") {
    v.hint = "the homeserver refused access_token: log in again (or make a new token for the "
             "account) and put it in access_token";
  } else if (code == "M_FORBIDDEN") {
    v.hint = "the account is not in that room or may not post there: invite it, join with it, "
             "or check room";
  } else if (code == "M_TOO_LARGE" || r.status == 413) {
    v.hint = "the homeserver takes smaller events: set a smaller max_length";
  } else if (r.status == 404 || code == "M_NOT_FOUND") {
    // An edit of an event that is gone is posted anew; a send fails so.
    v.kind = Verdict::Kind::post_anew;
    v.hint = "check room and homeserver";
  } else if (r.status == 400 && code != "M_NOT_JSON" && code != "M_BAD_JSON") {
    v.kind = Verdict::Kind::post_anew;
  }
  return v;
}

}  // namespace notify::services

namespace notify::services {

namespace {

std::unique_ptr<Service> make_matrix(const config::Profile& p) {
  return std::make_unique<Matrix>(p);
}

std::string matrix_destination(const config::Profile& p, const std::string&) {
  return p.text("room") + " on " + p.text("homeserver");
}

}  // namespace

const ServiceInfo& matrix_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"matrix",
       "Matrix room (client-server API)",
       {
           {.name = "homeserver", .type = KeyType::url, .required = true,
            .check = config::base_url_check,
            .prompt = "Homeserver URL (https://matrix.example.org)",
            .doc = "the account's homeserver", .address = true},
           {.name = "access_token", .required = true, .secret = true,
            .check = matrix_token_check,
            .prompt = "Access token (a bot account's; Element: Settings > Help & About)",
            .doc = "the account's access token, sent as Bearer (secret)"},
           {.name = "room", .required = true, .check = matrix_room_check,
            .prompt = "Room id (!id:server) or alias (#alias:server)",
            .doc = "room id (!id:server) or alias (#alias:server), resolved once per message",
            .address = true},
           {.name = "notice", .type = KeyType::flag,
            .doc = "send m.notice (shown quieter, for bots) instead of m.text"},
       },
       Matrix::kLimit,
       Matrix::kMaxLimit,
       message::Unit::bytes},
      .name = "Matrix",
      .destination = matrix_destination,
      .make = make_matrix,
      .no_files = "Matrix takes files through its media repository, a second request notify "
                  "does not make",
      .can = "markdown as HTML, transaction ids: never twice",
      .loudness = {.low = {"msgtype", "m.notice"},
                   .mentions_notify = true,
                   .note = "no priority switch: high and urgent go as normal; urgent rings through "
                           "urgent_mentions (\"@room\" is m.mentions.room, \"@user:server\" "
                           "m.mentions.user_ids)"},
      // m.replace edits and m.in_reply_to replies, ids from event_id.
      .capabilities = {.edit = true, .reply = true}};
  return info;
}

}  // namespace notify::services
