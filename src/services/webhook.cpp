#include "services/webhook.hpp"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <climits>

#include "services/parts.hpp"
#include "services/registry.hpp"
#include "services/webhook_template.hpp"

namespace notify::services {

namespace {

std::string webhook_lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

message::Unit webhook_unit(std::string_view word) {
  if (word == "bytes") return message::Unit::bytes;
  if (word == "utf16") return message::Unit::utf16;
  return message::Unit::code_points;
}

// The machine's name for {{host}}; the same for a send and a later flush
// on this host, so the plan's fingerprint holds.
std::string webhook_host() {
  std::array<char, HOST_NAME_MAX + 1> name{};
  if (gethostname(name.data(), name.size() - 1) != 0) return "";
  return name.data();
}

std::string webhook_method_check(std::string_view v) {
  const auto m = webhook_lower(v);
  return m == "post" || m == "put" ? "" : "must be POST or PUT";
}

std::string webhook_unit_check(std::string_view v) {
  return v == "characters" || v == "bytes" || v == "utf16"
             ? ""
             : "must be \"characters\", \"bytes\" or \"utf16\"";
}

std::string webhook_content_type_check(std::string_view v) {
  if (v.empty()) return "must not be empty";
  for (char c : v)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
      return "holds a line break or another control character";
  return "";
}

std::string webhook_body_check(std::string_view v) { return webhook_template_problem(v); }

// A header name is an HTTP token (RFC 9110 5.1); the content type has a
// key of its own, and the length is the transfer's to say.
std::string webhook_header_name_check(std::string_view name) {
  static constexpr std::string_view kTokenSigns = "!#$%&'*+-.^_`|~";
  if (name.empty()) return "must not be empty";
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80)
      if (kTokenSigns.find(c) == std::string_view::npos)
        return "must be letters, digits and !#$%&'*+-.^_`|~ only";
  const auto lower = webhook_lower(name);
  if (lower == "content-type") return "is set by content_type, not in headers";
  if (lower == "content-length" || lower == "transfer-encoding" || lower == "host")
    return "is set by notify itself";
  return "";
}

// One line of an error body: the first, without controls, cut short.
std::string webhook_first_line(const std::string& body) {
  std::string line = body.substr(0, body.find('\n'));
  std::string out;
  for (char c : line)
    if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) out += c;
  constexpr std::size_t kShown = 200;
  if (out.size() > kShown) {
    std::size_t cut = kShown;
    while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
    out = out.substr(0, cut) + "...";
  }
  return out;
}

}  // namespace

Webhook::Webhook(const config::Profile& p)
    : url_(p.secret("url")),
      method_(p.text("method").empty() ? "POST" : p.text("method")),
      content_type_(p.text("content_type").empty() ? "application/json" : p.text("content_type")),
      body_(p.text("body").empty() ? std::string(kDefaultBody) : p.text("body")),
      unit_(webhook_unit(p.text("unit"))),
      limit_(p.max_length.value_or(kLimit)) {
  std::transform(method_.begin(), method_.end(), method_.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  for (const auto& name : p.list("headers")) headers_.emplace_back(name, p.secret("headers." + name));
}

std::size_t Webhook::one_part_text(const Message&) const {
  const auto units = text_budget("", limit_, unit_, 0);
  // The schema counts code points (whatever the profile's unit): a
  // code point is at most 4 bytes, 2 UTF-16 units.
  if (unit_ == message::Unit::bytes) return units / 4;
  return units;
}

std::vector<HttpRequest> Webhook::build(const Message& m, const BuildContext&) const {
  // The title has a placeholder of its own and the part numbers too: only
  // the text is split, and max_length counts it alone, before escaping.
  Message source = m;
  source.title.clear();
  std::string mentions;
  for (const auto& mention : m.urgent_mentions)
    if (!mention.empty()) mentions += (mentions.empty() ? "" : " ") + mention;
  const std::size_t room = mentions.empty() ? 0 : message::length_in(mentions, unit_) + 1;
  const auto parts = make_parts(source, limit_ > 2 * room ? limit_ - room : limit_ / 2, unit_, 0);
  const bool json = webhook_lower(content_type_).find("json") != std::string::npos;
  std::map<std::string, std::string> values = {{"title", m.title},
                                               {"priority", to_string(m.priority)},
                                               {"host", webhook_host()},
                                               {"key", m.key},
                                               {"parts", std::to_string(parts.size())}};
  std::vector<HttpRequest> out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    values["text"] = i == 0 && !mentions.empty()
                         ? (parts[i].text.empty() ? mentions : mentions + "\n" + parts[i].text)
                         : parts[i].text;
    values["part"] = std::to_string(i + 1);
    HttpRequest r{method_, url_, {{"Content-Type", content_type_}}, webhook_fill(body_, values, json)};
    for (const auto& header : headers_) r.headers.push_back(header);
    out.push_back(std::move(r));
  }
  return out;
}

Verdict Webhook::interpret(const HttpResponse& r) const {
  // Any 2xx is success; 429 and 5xx are retried (Retry-After honoured).
  return generic_verdict(r, r.status >= 300 ? webhook_first_line(r.body) : std::string());
}

std::vector<std::string> Webhook::notes(const Message& m) const {
  std::vector<std::string> n;
  if (m.code || m.markdown)
    n.push_back("a webhook gets the text as written: --code and --markdown change nothing");
  if (m.priority != Priority::normal && body_.find("{{priority}}") == std::string::npos)
    n.push_back("this webhook's body has no {{priority}}: the level reaches nobody");
  return n;
}

std::string webhook_preview(const HttpRequest& r) {
  std::string out = r.method + " " + r.url + "\n";
  for (const auto& [name, value] : r.headers)
    out += name + ": " + (webhook_lower(name) == "content-type" ? value : "***") + "\n";
  return out + "\n" + r.body;
}

}  // namespace notify::services

namespace notify::services {

namespace {

std::unique_ptr<Service> make_webhook(const config::Profile& p) {
  return std::make_unique<Webhook>(p);
}

std::string webhook_profile_destination(const config::Profile& p, const std::string& secret) {
  std::string method = p.text("method").empty() ? "POST" : p.text("method");
  std::transform(method.begin(), method.end(), method.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return method + " " + secret;
}

}  // namespace

const ServiceInfo& webhook_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"webhook",
       "any HTTP endpoint",
       {
           // No shapes: everything after the host is masked.
           {.name = "url", .type = KeyType::url, .required = true, .secret = true,
            .prompt = "Endpoint URL (https://...)",
            .doc = "where the request goes (secret: shown down to its host)",
            .address = true},
           {.name = "method", .fallback = "POST", .check = webhook_method_check,
            .doc = "POST or PUT", .address = true},
           {.name = "headers", .type = KeyType::table, .secret = true,
            .check = webhook_header_name_check,
            .doc = "a table of header = \"value\"; every value a secret (${VAR} allowed), "
                   "never printed"},
           {.name = "content_type", .fallback = "application/json",
            .check = webhook_content_type_check,
            .doc = "the body's Content-Type; with \"json\" in it each value is JSON-escaped"},
           {.name = "body", .fallback = Webhook::kDefaultBody, .check = webhook_body_check,
            .doc = "the body template: {{title}}, {{text}}, {{priority}}, {{host}}, {{key}}, "
                   "{{part}}, {{parts}}"},
           {.name = "unit", .fallback = "characters", .check = webhook_unit_check,
            .doc = "what max_length counts: characters, bytes or utf16"},
       },
       Webhook::kLimit,
       Webhook::kMaxLimit,
       message::Unit::code_points},
      .name = "HTTP webhook",
      .destination = webhook_profile_destination,
      .make = make_webhook,
      .no_files = "which sends its body template only",
      .preview = webhook_preview,
      .loudness = {.note = "no switch of its own: {{priority}} in the body carries the level"}};
  return info;
}

}  // namespace notify::services
