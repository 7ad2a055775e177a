#include "services/pushover.hpp"

#include <algorithm>
#include <chrono>

#include "core/url.hpp"
#include "message/markdown.hpp"
#include "message/split.hpp"
#include "services/json_util.hpp"
#include "services/loudness.hpp"
#include "services/multipart.hpp"
#include "services/parts.hpp"
#include "services/registry.hpp"

namespace notify::services {

namespace {

constexpr auto kPushoverUnit = message::Unit::code_points;

using PushoverFields = std::vector<std::pair<std::string, std::string>>;

std::string pushover_form(const PushoverFields& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += name + "=" + query_encoded(value);
  }
  return out;
}

// The title with the part's "(i/n)", cut so that the marker survives.
std::string pushover_title(const std::string& title, const std::string& marker) {
  const std::size_t room = marker.empty() ? Pushover::kTitleLimit
                                          : Pushover::kTitleLimit - marker.size() - 1;
  std::string t = title;
  if (message::length_in(t, kPushoverUnit) > room)
    t = message::split(t, room - 1, kPushoverUnit).front() + "\u2026";
  if (marker.empty()) return t;
  return t.empty() ? marker : t + " " + marker;
}

// Pushover shows an attachment as an image; the type is told by the name.
std::string pushover_image_type(const std::string& name) {
  const auto dot = name.rfind('.');
  std::string ext = dot == std::string::npos ? "" : name.substr(dot + 1);
  for (auto& c : ext) c = char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (ext == "png") return "image/png";
  if (ext == "jpg" || ext == "jpeg") return "image/jpeg";
  if (ext == "gif") return "image/gif";
  if (ext == "webp") return "image/webp";
  if (ext == "bmp") return "image/bmp";
  if (ext == "heic") return "image/heic";
  return "application/octet-stream";
}

// The profile key a refused field names (Pushover's answer marks it
// "invalid"), and what to do.
std::string pushover_hint(const nlohmann::json& j) {
  auto invalid = [&](const char* field) { return json_string(j, field) == "invalid"; };
  if (invalid("token"))
    return "check token in the profile: the application's API token (30 letters and digits)";
  if (invalid("user"))
    return "check user in the profile: the user or group key (30 letters and digits)";
  if (invalid("device")) return "check device in the profile: a device name of that user";
  if (invalid("sound")) return "check sound in the profile: one of Pushover's sound names";
  if (invalid("retry")) return "check emergency_retry in the profile (30 or more)";
  if (invalid("expire")) return "check emergency_expire in the profile (10800 at most)";
  if (invalid("attachment")) return "Pushover takes an image of 5 MB at most as attachment";
  return "";
}

}  // namespace

Pushover::Pushover(const config::Profile& p)
    : token_(p.secret("token")),
      user_(p.secret("user")),
      device_(p.text("device")),
      sound_(p.text("sound")),
      retry_(p.number("emergency_retry").value_or(kRetry)),
      expire_(p.number("emergency_expire").value_or(kExpire)),
      limit_(std::min(p.max_length.value_or(kLimit), kLimit)) {
  std::string base = p.text("api_base");
  if (base.empty()) base = "https://api.pushover.net";
  while (!base.empty() && base.back() == '/') base.pop_back();
  url_ = base + "/1/messages.json";
}

std::size_t Pushover::one_part_text(const Message&) const {
  // The title is a field of its own; monospace adds nothing to the text.
  return text_budget("", limit_, kPushoverUnit, 0);
}

std::vector<HttpRequest> Pushover::build(const Message& m, const BuildContext& ctx) const {
  // Only plain text is sent: Pushover's html=1 knows a handful of tags, so
  // Markdown goes rendered as plain text, and nothing piped can ever be
  // read as a tag.
  Message source = m.markdown ? with_body(m, message::render_markdown(m.body, false).text) : m;
  source.title.clear();
  const std::string mentions = mentions_line(m);
  const std::size_t room = mentions.empty() ? 0 : message::length_in(mentions, kPushoverUnit) + 1;
  const bool files_only = !m.files.empty() && m.body.empty();
  auto parts = files_only ? std::vector<Part>{}
                          : make_parts(source, limit_ > 2 * room ? limit_ - room : limit_ / 2,
                                       kPushoverUnit, 0);
  if (parts.empty() && m.files.empty()) parts.push_back(Part{});

  PushoverFields common;
  if (!device_.empty()) common.emplace_back("device", device_);
  if (!sound_.empty()) common.emplace_back("sound", sound_);
  // Normal is Pushover's 0, its default: not sent.
  switch (m.silent ? Priority::low : m.priority) {
    case Priority::low: common.emplace_back("priority", "-1"); break;
    case Priority::normal: break;
    case Priority::high: common.emplace_back("priority", "1"); break;
    case Priority::urgent:
      common.emplace_back("priority", "2");
      common.emplace_back("retry", std::to_string(retry_));
      common.emplace_back("expire", std::to_string(expire_));
      break;
  }
  if (m.code) common.emplace_back("monospace", "1");

  std::vector<HttpRequest> out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string text = parts[i].text;
    if (i == 0 && !mentions.empty()) text = text.empty() ? mentions : mentions + "\n" + text;
    const std::string title = pushover_title(m.title, parts[i].header);
    // A message is required: a title-only message says it as the text.
    if (text.empty()) text = title.empty() ? std::string("-") : title;
    PushoverFields fields = {{"token", token_}, {"user", user_}, {"message", text}};
    if (!title.empty()) fields.emplace_back("title", title);
    fields.insert(fields.end(), common.begin(), common.end());
    out.push_back(HttpRequest{"POST", url_,
                              {{"Content-Type", "application/x-www-form-urlencoded"}},
                              pushover_form(fields)});
  }
  // One attachment per message; its text is the file's name.
  for (const auto& file : m.files) {
    std::vector<FormField> fields = {{"token", token_, "", ""},
                                     {"user", user_, "", ""},
                                     {"message", file.name, "", ""}};
    if (const auto title = pushover_title(m.title, ""); !title.empty())
      fields.push_back({"title", title, "", ""});
    for (const auto& [name, value] : common)
      if (name != "monospace") fields.push_back({name, value, "", ""});
    fields.push_back({"attachment", file.data, file.name, pushover_image_type(file.name)});
    auto mp = encode_multipart(fields, "notify-" + ctx.new_uuid());
    out.push_back(HttpRequest{"POST", url_, {{"Content-Type", mp.content_type}},
                              std::move(mp.body)});
  }
  return out;
}

Verdict Pushover::interpret(const HttpResponse& r) const {
  // 200 {"status":1,"request":"..."}; refused: 4xx (or 200) {"status":0,
  // "errors":["..."],"<field>":"invalid","request":"..."}.
  const auto j = parse_json(r.body);
  const bool answered = r.error == TransportError::none && r.status > 0;
  std::string error;
  if (j.is_object() && j.contains("errors") && j["errors"].is_array())
    for (const auto& e : j["errors"])
      if (e.is_string()) error += (error.empty() ? "" : "; ") + e.get<std::string>();
  const bool status_zero = j.is_object() && j.contains("status") && j["status"] != 1;
  if (answered && r.status >= 200 && r.status < 300 && status_zero) {
    Verdict v{Verdict::Kind::fail, std::nullopt,
              "Pushover refused the message" + (error.empty() ? "" : ": " + error),
              pushover_hint(j)};
    return v;
  }
  if (error.empty() && r.status >= 300) error = body_text(r);
  Verdict v = generic_verdict(r, error);
  if (v.kind == Verdict::Kind::delivered) return v;
  if (answered && r.status == 429) {
    // The application's monthly quota: retrying before it resets only
    // burns attempts. The message waits as a dead letter.
    v.kind = Verdict::Kind::fail;
    v.retry_after.reset();
    v.hint = "the Pushover application's monthly message quota is used up; it resets on "
             "the 1st of the month (00:00 US Central): then notify spool retry --failed";
    return v;
  }
  if (v.kind == Verdict::Kind::retry) {
    // Pushover: never sooner than 5 seconds after a 5xx or no answer.
    const std::chrono::milliseconds floor = std::chrono::seconds(kMinRetrySeconds);
    if (!v.retry_after || *v.retry_after < floor) v.retry_after = floor;
    return v;
  }
  if (v.kind == Verdict::Kind::fail && answered) {
    if (auto hint = pushover_hint(j); !hint.empty()) v.hint = hint;
    else if (r.status == 404) v.hint = "check api_base in the profile (https://api.pushover.net)";
  }
  return v;
}

std::vector<std::string> Pushover::notes(const Message& m) const {
  std::vector<std::string> n;
  if (m.markdown)
    n.push_back("Pushover shows no Markdown: --markdown is sent rendered as plain text");
  if (!m.urgent_mentions.empty())
    n.push_back("Pushover has no mentions: urgent_mentions are added as text");
  if (!m.username.empty()) n.push_back("Pushover has no username override; it is not sent");
  if (!m.icon_url.empty() || !m.icon_emoji.empty())
    n.push_back("Pushover shows the application's icon; --icon is not sent");
  if (!m.channel.empty()) n.push_back("Pushover has no channel: user names who gets it");
  if (m.files.size() > 1)
    n.push_back("Pushover takes one attachment per message: each file goes as its own message");
  return n;
}

}  // namespace notify::services

namespace notify::services {

namespace {

// Pushover's application tokens and user/group keys: 30 letters and digits.
std::string pushover_key_check(std::string_view v) {
  if (v.size() == 30 &&
      std::all_of(v.begin(), v.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      }))
    return "";
  return "must be 30 letters and digits (as pushover.net shows it)";
}

std::unique_ptr<Service> make_pushover(const config::Profile& p) {
  return std::make_unique<Pushover>(p);
}

std::string pushover_destination(const config::Profile& p, const std::string&) {
  const auto device = p.text("device");
  return "user ***" + (device.empty() ? std::string() : " device " + device);
}

}  // namespace

const ServiceInfo& pushover_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"pushover",
       "Pushover message API",
       {
           {.name = "token", .required = true, .secret = true, .check = pushover_key_check,
            .prompt = "Application API token (pushover.net > Your Applications)",
            .doc = "the application's API token (secret)"},
           {.name = "user", .required = true, .secret = true, .check = pushover_key_check,
            .prompt = "User or group key (pushover.net, top of your dashboard)",
            .doc = "user or group key to send to (secret)", .address = true},
           {.name = "api_base", .type = KeyType::url, .fallback = "https://api.pushover.net",
            .check = config::base_url_check,
            .prompt = "Pushover API server", .doc = "Pushover API server", .address = true},
           {.name = "device", .doc = "send only to this device (or a comma list)", .address = true},
           {.name = "sound", .doc = "notification sound name"},
           {.name = "emergency_retry", .type = KeyType::integer, .min = 30, .max = 10800,
            .doc = "urgent: seconds between repeats until acknowledged (30 or more, default 60)"},
           {.name = "emergency_expire", .type = KeyType::integer, .min = 30, .max = 10800,
            .doc = "urgent: seconds the repeats go on (10800 at most, default 3600)"},
       },
       Pushover::kLimit,
       Pushover::kLimit,
       message::Unit::code_points},
      .name = "Pushover",
      .destination = pushover_destination,
      .make = make_pushover,
      .loudness = {.low = {"priority", "-1"},
                   .high = {"priority", "1"},
                   .urgent = {"priority", "2"},
                   .note = "normal is Pushover's 0 (not sent); -1 is quiet; 2 repeats every "
                           "emergency_retry seconds until acknowledged or emergency_expire"}};
  return info;
}

}  // namespace notify::services
