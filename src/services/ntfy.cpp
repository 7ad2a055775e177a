#include "services/ntfy.hpp"

#include <algorithm>
#include <cstdint>

#include "message/fences.hpp"
#include "message/remote.hpp"
#include "message/split.hpp"
#include "services/encoded_word.hpp"
#include "services/json_util.hpp"
#include "services/markdown_text.hpp"
#include "services/loudness.hpp"
#include "services/parts.hpp"
#include "services/registry.hpp"

namespace notify::services {

namespace {

constexpr auto kBytes = message::Unit::bytes;

// ntfy documents no title limit, but a proxy in front of a self-hosted
// server refuses long header lines (nginx: 8 KiB); 1 KiB of text stays
// well inside that once encoded.
constexpr std::size_t kMaxTitleBytes = 1024;

std::string clipped_title(const std::string& title) {
  if (title.size() <= kMaxTitleBytes) return title;
  return message::split(title, kMaxTitleBytes - 3, kBytes).front() + "\u2026";
}

// Bytes of formatting a part of `m` may carry besides its text. Fence
// repair counts UTF-16 units; a unit is at most 3 bytes, so `room` units
// cost at most 3 * room bytes.
struct Shape {
  std::size_t overhead = 0;   // bytes reserved in each part
  std::size_t fence_room = 0;  // UTF-16 units repair_fences() may add
};

Shape shape_of(const Message& m, std::size_t limit, bool whatever_body) {
  Shape s;
  if (m.code) {
    s.overhead = markdown_code_overhead(m.code_lang);
  } else if (m.markdown) {
    s.fence_room = whatever_body ? message::max_fence_repair_room(limit / 3)
                                 : message::fence_repair_room(m.body, limit / 3);
    s.overhead = 3 * s.fence_room;
  }
  return s;
}

// The body cut in bytes. The title goes in a header, not in the body, so
// the parts are cut without it ("(i/n)" still gets room: it joins the title).
std::vector<Part> text_parts(const Message& m, std::size_t limit) {
  Message escaped = markdown_escaped(m, false);
  escaped.title.clear();
  const Shape s = shape_of(escaped, limit, false);
  auto parts = make_parts(escaped, limit, kBytes, s.overhead);
  // A code block cut in two (or cut into by the note of a capped message)
  // must still render.
  if (s.fence_room > 0) repair_fences(escaped.body, parts, s.fence_room);
  return parts;
}

std::string joined(const std::string& title, const std::string& marker) {
  if (marker.empty()) return title;
  return title.empty() ? marker : title + " " + marker;
}

std::int64_t ntfy_code(const nlohmann::json& j) {
  if (!j.is_object()) return 0;
  const auto it = j.find("code");
  return it != j.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

}  // namespace

Ntfy::Ntfy(const config::Profile& p)
    : token_(p.secret("token")),
      // A longer body would be stored as an attachment: never above kLimit.
      limit_(std::min(p.max_length.value_or(kLimit), kLimit)) {
  std::string server = p.text("server");
  if (server.empty()) server = kDefaultServer;
  while (!server.empty() && server.back() == '/') server.pop_back();
  topic_url_ = server + "/" + p.text("topic");
  lowest_ = p.priority_lowest;
}

std::optional<int> Ntfy::priority_for(const Message& m) const {
  // The level is the message's (--priority, else the profile's); a profile
  // written as 1 or "min" keeps ntfy's step below low for its low messages.
  // silent is priority low, however the message was made.
  switch (m.silent ? Priority::low : m.priority) {
    case Priority::low: return lowest_ ? kMinPriority : kSilentPriority;
    case Priority::normal: return std::nullopt;
    case Priority::high: return kHighPriority;
    case Priority::urgent: return kUrgentPriority;
  }
  return std::nullopt;
}

std::size_t Ntfy::one_part_text(const Message& m) const {
  // The title is a header: it takes nothing from the body.
  return text_budget("", limit_, kBytes, shape_of(m, limit_, true).overhead);
}

std::vector<HttpRequest> Ntfy::build(const Message& m, const BuildContext&) const {
  // What every request of the message carries.
  std::vector<Header> common;
  if (const auto prio = priority_for(m)) common.emplace_back("X-Priority", std::to_string(*prio));
  // An emoji short code as a tag shows as that emoji before the title.
  if (!m.icon_emoji.empty()) common.emplace_back("X-Tags", header_text(m.icon_emoji));
  if (!m.icon_url.empty()) common.emplace_back("X-Icon", header_text(m.icon_url));
  if (!token_.empty()) common.emplace_back("Authorization", "Bearer " + token_);
  const std::string title = clipped_title(m.title);

  std::vector<HttpRequest> out;
  auto add = [&](std::string method, std::vector<Header> headers, std::string body) {
    headers.insert(headers.end(), common.begin(), common.end());
    out.push_back(HttpRequest{std::move(method), topic_url_, std::move(headers), std::move(body)});
  };

  const bool files_only = !m.files.empty() && m.body.empty();
  // The profile's urgent_mentions, as text: a line before the first part.
  const std::string mentions = mentions_line(m);
  const std::size_t room = mentions.empty() ? 0 : mentions.size() + 1;
  auto parts = files_only ? std::vector<Part>{}
                          : text_parts(m, limit_ > 2 * room ? limit_ - room : limit_ / 2);
  if (parts.empty() && m.files.empty() && !(title.empty() && mentions.empty())) parts.push_back(Part{});
  for (std::size_t i = 0; i < parts.size(); ++i) {
    const Part& part = parts[i];
    std::vector<Header> headers{{"Content-Type", "text/plain; charset=utf-8"}};
    // X- names: a bare "Priority" collides with RFC 9218's header, which
    // proxies such as Cloudflare set and ntfy then ignores.
    if (const auto t = joined(title, part.header); !t.empty())
      headers.emplace_back("X-Title", header_text(t));
    if (m.code || m.markdown) headers.emplace_back("X-Markdown", "yes");
    // The same sequence id replaces the notification (servers from 2.16;
    // an older one shows a new one).
    if (i < m.edit_ids.size()) headers.emplace_back("X-Sequence-ID", header_text(m.edit_ids[i]));
    std::string body = m.code ? markdown_code_block(part.text, m.code_lang) : part.text;
    if (i == 0 && !mentions.empty()) body = body.empty() ? mentions : mentions + "\n" + body;
    add("POST", std::move(headers), std::move(body));
  }
  for (const auto& file : m.files) {
    // The body is the file: ntfy stores it as an attachment named by X-Filename.
    std::vector<Header> headers{{"Content-Type", "application/octet-stream"},
                                {"X-Filename", header_text(file.name)}};
    if (!title.empty()) headers.emplace_back("X-Title", header_text(title));
    add("PUT", std::move(headers), file.data);
  }
  return out;
}

Verdict Ntfy::interpret(const HttpResponse& r) const {
  // Errors: {"code": 40301, "http": 403, "error": "forbidden", "link": "..."}.
  const auto j = parse_json(r.body);
  const std::int64_t code = ntfy_code(j);
  std::string error = json_string(j, "error");
  if (!error.empty() && code != 0) error += " (ntfy " + std::to_string(code) + ")";
  if (error.empty() && r.status >= 300) error = body_text(r);
  Verdict v = generic_verdict(r, error);
  if (v.kind == Verdict::Kind::delivered || r.error != TransportError::none) return v;

  switch (r.status) {
    case 400:
      if (code == 40007) v.hint = "priority must be 1 to 5";
      else if (code == 40009 || code == 40010)
        v.hint = "a topic is 1 to 64 letters, digits, '-' or '_', and the server may "
                 "reserve some names; pick another topic";
      else if (code == 40014) v.hint = "this server takes no attachments; send without --file";
      break;
    case 401:
      v.hint = token_.empty()
                   ? "this server wants an access token: set token in the profile"
                   : "the server rejected the access token: check token in the profile "
                     "(ntfy access tokens start with tk_)";
      break;
    case 403:
      v.hint = token_.empty()
                   ? "this topic is protected: set token in the profile to an access token "
                     "with write access to it"
                   : "the token's user may not publish to this topic: grant it write access "
                     "on the server, or use another topic";
      break;
    case 404:
      v.hint = "check server in the profile: the ntfy base URL (e.g. https://ntfy.sh), "
               "without the topic";
      break;
    case 413:
      v.hint = "over the server's limit (ntfy.sh: 4096-byte messages, 2 MB files): send a "
               "smaller file, or lower max_length in the profile";
      break;
    case 429:
      // Quotas that reset once a day: retrying within the minute only
      // burns time (LINE's monthly quota is handled the same way).
      if (code == 42908 || code == 42905) {
        v.kind = Verdict::Kind::fail;
        v.retry_after.reset();
        v.hint = code == 42908
                     ? "the server's daily message quota is used up (ntfy.sh: 250 a day "
                       "without an account); it resets daily: then notify spool retry --failed"
                     : "the server's daily attachment bandwidth is used up; it resets daily: "
                       "then notify spool retry --failed";
      } else if (code == 42909) {
        v.kind = Verdict::Kind::fail;
        v.retry_after.reset();
        v.hint = "too many failed logins from here: check token in the profile, then "
                 "notify spool retry --failed";
      } else if (code == 42904) {
        v.kind = Verdict::Kind::fail;
        v.retry_after.reset();
        v.hint = "the server has as many topics as its admin allows: ask the admin";
      }
      break;
    case 507:
      // ntfy's 50701: a UnifiedPush publish to a topic that has no
      // subscriber; it stays refused until one subscribes. Any other 507
      // (a proxy's full disk) is retried like every 5xx.
      if (code == 50701) {
        v.kind = Verdict::Kind::fail;
        v.retry_after.reset();
        v.hint = "the server takes UnifiedPush messages for this topic only once it has a "
                 "subscriber: subscribe to it, or use another topic";
      }
      break;
    default: break;
  }
  if (v.hint.empty()) {
    const std::string link = message::printable_remote(json_string(j, "link"));
    if (link.rfind("https://", 0) == 0) v.hint = "see " + link;
  }
  return v;
}

std::string Ntfy::message_id(const HttpRequest& request, const HttpResponse& response) const {
  if (request.method != "POST") return "";  // a file (PUT)
  // A replacement answers with the sequence it belongs to; a first message
  // only with its id, which then names the sequence.
  const auto j = parse_json(response.body);
  if (auto seq = json_string(j, "sequence_id"); !seq.empty()) return seq;
  return json_string(j, "id");
}

std::vector<std::string> Ntfy::notes(const Message& m) const {
  std::vector<std::string> n;
  if (m.silent)
    n.push_back("ntfy has no silent switch: the message goes out with priority " +
                std::to_string(*priority_for(m)) +
                " (no sound or vibration; it waits in the notification drawer)");
  if (!m.urgent_mentions.empty())
    n.push_back("ntfy has no mentions: urgent_mentions are added as text and cannot make a "
                "phone ring more (priority 5 is ntfy's loudest)");
  if (!m.username.empty()) n.push_back("ntfy has no username override; it is not sent");
  if (!m.channel.empty()) n.push_back("ntfy has no channel override: the topic is the destination");
  return n;
}

}  // namespace notify::services

namespace notify::services {

namespace {

std::string topic_check(std::string_view v) {
  if (!v.empty() && v.size() <= 64 &&
      v.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-") ==
          std::string_view::npos)
    return "";
  return "must be 1 to 64 letters, digits, '-' or '_' (ntfy's topic rule)";
}

std::string token_check(std::string_view v) {
  if (v.find_first_of(" \t") == std::string_view::npos) return "";
  return "must be one word (ntfy access tokens look like tk_...)";
}

std::unique_ptr<Service> make_ntfy(const config::Profile& p) { return std::make_unique<Ntfy>(p); }

std::string ntfy_destination(const config::Profile& p, const std::string&) {
  return p.text("server") + "/" + p.text("topic");
}

}  // namespace

const ServiceInfo& ntfy_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"ntfy",
       "ntfy publish (ntfy.sh or self-hosted)",
       {
           {.name = "server", .type = KeyType::url, .fallback = Ntfy::kDefaultServer,
            .prompt = "ntfy server", .doc = "the ntfy server", .address = true},
           {.name = "topic", .required = true, .check = topic_check,
            .prompt = "Topic (on ntfy.sh anyone who knows the name can read it: make it hard "
                      "to guess)",
            .doc = "topic to publish to; on a public server, whoever knows it can read it", .address = true},
           {.name = "token", .secret = true, .check = token_check,
            .prompt = "Access token (empty for none)", .doc = "access token, sent as Bearer (secret)"},
       },
       Ntfy::kLimit,
       Ntfy::kLimit,
       message::Unit::bytes},
      .name = "ntfy",
      .destination = ntfy_destination,
      .make = make_ntfy,
      .can = "markdown",
      .loudness = {.low = {"X-Priority", "2"},
                   .high = {"X-Priority", "4"},
                   .urgent = {"X-Priority", "5"},
                   .note = "low is 1 when the profile's own priority is 1 or min; normal is "
                           "ntfy's 3 (no header); 5 rings "
                           "through Do Not Disturb"},
      .options = {.icon = "X-Icon for a URL, X-Tags for an :emoji:"},
      // X-Sequence-ID: a publish with the id of an earlier one replaces it.
      .capabilities = {.edit = true}};
  return info;
}

}  // namespace notify::services
