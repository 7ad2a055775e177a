#include "services/teams.hpp"

#include <algorithm>

#include "message/split.hpp"
#include "services/json_util.hpp"
#include "services/loudness.hpp"
#include "services/parts.hpp"
#include "services/registry.hpp"

namespace notify::services {

namespace {

constexpr auto kTeamsUnit = message::Unit::bytes;

// A request body with no text at all: the envelope every part pays.
nlohmann::json teams_card(nlohmann::json body) {
  return {{"type", "message"},
          {"attachments",
           nlohmann::json::array(
               {{{"contentType", "application/vnd.microsoft.card.adaptive"},
                 {"contentUrl", nullptr},
                 {"content",
                  {{"$schema", "http://adaptivecards.io/schemas/adaptive-card.json"},
                   {"type", "AdaptiveCard"},
                   {"version", "1.2"},
                   {"body", std::move(body)}}}}})}};
}

nlohmann::json teams_blocks(const std::string& title, const std::string& text, bool code) {
  nlohmann::json body = nlohmann::json::array();
  if (!title.empty())
    body.push_back({{"type", "TextBlock"},
                    {"text", title},
                    {"weight", "Bolder"},
                    {"size", "Large"},
                    {"wrap", true}});
  if (!text.empty()) {
    nlohmann::json block = {{"type", "TextBlock"}, {"text", text}, {"wrap", true}};
    if (code) block["fontType"] = "Monospace";
    body.push_back(std::move(block));
  }
  return body;
}

// At most this many bytes of body per byte of text: a backslash is
// escaped for Markdown, then both for JSON.
constexpr std::size_t kTeamsWorstGrowth = 4;

// Bytes of a title before it is cut.
constexpr std::size_t kTeamsMaxTitleBytes = 1024;

}  // namespace

std::string teams_escaped(std::string_view text) {
  std::string out;
  out.reserve(text.size() + text.size() / 8);
  bool line_start = true;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    switch (c) {
      // What the TextBlock subset reads: emphasis, links, and the escape.
      case '\\': case '*': case '_': case '[': case ']':
        out += '\\';
        out += c;
        break;
      case '-': case '+':
        // A list item only at the start of a line.
        if (line_start) out += '\\';
        out += c;
        break;
      case '.':
        // "1. item": a numbered list when only digits precede it on the line.
        {
          std::size_t k = out.size();
          while (k > 0 && out[k - 1] >= '0' && out[k - 1] <= '9') --k;
          const bool digits = k < out.size();
          while (k > 0 && (out[k - 1] == ' ' || out[k - 1] == '\t')) --k;
          const bool numbered = digits && (k == 0 || out[k - 1] == '\n');
          if (numbered) out += '\\';
          out += c;
        }
        break;
      default: out += c;
    }
    line_start = c == '\n' || (line_start && (c == ' ' || c == '\t'));
  }
  return out;
}

Teams::Teams(const config::Profile& p)
    : url_(p.secret("webhook_url")),
      limit_(std::min(p.max_length.value_or(kLimit), kLimit)) {}

std::size_t Teams::one_part_text(const Message& m) const {
  // Whatever the text, it fits when each byte grows to its worst.
  const std::size_t envelope =
      dump_json(teams_card(teams_blocks(m.title + " (10/10)", "x", m.code))).size();
  return limit_ > envelope ? (limit_ - envelope) / kTeamsWorstGrowth : 1;
}

std::vector<HttpRequest> Teams::requests(const Message& m, std::size_t text_limit) const {
  const std::string mentions = mentions_line(m);
  Message source = m;
  source.title.clear();
  const auto parts = make_parts(source, text_limit, kTeamsUnit, 0);
  std::vector<HttpRequest> out;
  for (std::size_t i = 0; i < parts.size(); ++i) {
    std::string title = m.title;
    if (!parts[i].header.empty()) title = title.empty() ? parts[i].header : title + " " + parts[i].header;
    std::string text = m.markdown ? parts[i].text : teams_escaped(parts[i].text);
    // urgent_mentions go as text: a mention needs msteams.entities, which
    // notify never sends, so nothing in a card can notify anyone.
    if (i == 0 && !mentions.empty()) text = text.empty() ? teams_escaped(mentions) : teams_escaped(mentions) + "\n\n" + text;
    if (title.empty() && text.empty()) text = " ";
    out.push_back(HttpRequest{"POST", url_, {{"Content-Type", "application/json"}},
                              dump_json(teams_card(teams_blocks(teams_escaped(title), text, m.code)))});
  }
  return out;
}

std::vector<HttpRequest> Teams::build(const Message& given, const BuildContext&) const {
  // A title is a heading: a long one is cut, so that it never takes the
  // room of the text.
  Message m = given;
  if (m.title.size() > kTeamsMaxTitleBytes)
    m.title = message::split(m.title, kTeamsMaxTitleBytes - 3, kTeamsUnit).front() + "\u2026";
  // The limit is on the whole body, after Markdown and JSON escaping, which
  // a text's bytes cannot tell in advance: cut, measure, and cut smaller
  // until every request fits. The worst case (every byte a backslash)
  // always fits, so this ends.
  const std::size_t envelope =
      dump_json(teams_card(teams_blocks(teams_escaped(m.title + " (99/99)"), "", m.code))).size() +
      64 + 4 * mentions_line(m).size();
  const std::size_t floor = limit_ > envelope ? (limit_ - envelope) / kTeamsWorstGrowth : 1;
  std::size_t text_limit = std::max(limit_ > envelope ? limit_ - envelope : 1, floor);
  for (;;) {
    auto out = requests(m, text_limit);
    std::size_t largest = 0;
    for (const auto& r : out) largest = std::max(largest, r.body.size());
    if (largest <= limit_ || text_limit <= floor) return out;
    // Shrink by the overshoot, a little more, so few rounds are needed.
    const std::size_t smaller = text_limit * limit_ / largest;
    text_limit = std::max(floor, smaller > 16 ? smaller - 16 : 1);
  }
}

Verdict Teams::interpret(const HttpResponse& r) const {
  // A Workflows trigger answers 202 with no body; its errors are Azure's
  // {"error":{"code":"...","message":"..."}}.
  const auto j = parse_json(r.body);
  std::string error;
  if (j.is_object() && j.contains("error") && j["error"].is_object()) {
    const auto code = json_string(j["error"], "code");
    error = json_string(j["error"], "message");
    if (!code.empty()) error = error.empty() ? code : code + ": " + error;
  }
  if (error.empty() && r.status >= 300) error = body_text(r);
  Verdict v = generic_verdict(r, error);
  if (v.kind != Verdict::Kind::fail || r.error != TransportError::none) return v;
  if (r.status == 401 || r.status == 403)
    v.hint = "the workflow refused the URL's signature: copy webhook_url again from the "
             "workflow's \"When a Teams webhook request is received\" trigger";
  else if (r.status == 404)
    v.hint = "the workflow is gone or turned off: check it in Teams (Workflows) and copy "
             "webhook_url again";
  else if (r.status == 413)
    v.hint = "the card is over the workflow's size limit: lower max_length in the profile";
  return v;
}

std::vector<std::string> Teams::notes(const Message& m) const {
  std::vector<std::string> n;
  if (m.priority != Priority::normal || m.silent)
    n.push_back("Teams workflows have no priority or silent switch: a " +
                std::string(to_string(m.silent ? Priority::low : m.priority)) +
                " message is sent as a normal one" +
                (m.urgent_mentions.empty() ? "" : "; urgent_mentions are added as text"));
  if (!m.username.empty() || !m.icon_url.empty() || !m.icon_emoji.empty() || !m.channel.empty())
    n.push_back("Teams workflows post as the flow's owner to its channel: username, icon and "
                "channel are not sent");
  n.push_back("a Teams workflow answers 202 when it takes the request; whether it posted the "
              "card shows only in the flow's run history");
  return n;
}

}  // namespace notify::services

namespace notify::services {

namespace {

// The Office 365 connectors' URLs: retired by Microsoft.
std::string teams_url_check(std::string_view v) {
  auto host_start = v.find("://");
  host_start = host_start == std::string_view::npos ? 0 : host_start + 3;
  auto host = v.substr(host_start, v.find_first_of("/?:#", host_start) - host_start);
  if (const auto at = host.rfind('@'); at != std::string_view::npos) host.remove_prefix(at + 1);
  std::string h(host);
  for (auto& c : h) c = char(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (h.ends_with("webhook.office.com") || h == "outlook.office.com" ||
      h == "outlook.office365.com")
    return "is an Office 365 connector URL, which Microsoft retired: in Teams create a "
           "Workflows webhook (the channel's ... > Workflows > \"Send webhook alerts to a "
           "channel\") and use its URL";
  return "";
}

std::unique_ptr<Service> make_teams(const config::Profile& p) { return std::make_unique<Teams>(p); }

}  // namespace

const ServiceInfo& teams_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"teams",
       "Microsoft Teams Workflows webhook",
       {
           {.name = "webhook_url", .type = KeyType::url, .required = true, .secret = true,
            .check = teams_url_check,
            .prompt = "Workflows webhook URL (Teams: channel ... > Workflows > \"Send webhook "
                      "alerts to a channel\")",
            .doc = "the Workflows webhook's URL; its sig= is the secret (secret)",
            // *.logic.azure.com:443 and *.environment.api.powerplatform.com;
            // the workflow id is masked too, and sig= (not listed) always.
            .shapes = {"/workflows/#ID/triggers/*/paths/invoke?api-version&sp&sv",
                       "/powerautomate/automations/direct/workflows/#ID/triggers/*/paths/"
                       "invoke?api-version&sp&sv"},
            .address = true},
       },
       Teams::kLimit,
       Teams::kLimit,
       message::Unit::bytes},
      .name = "Teams",
      .destination = webhook_destination,
      .make = make_teams,
      .no_files = "whose workflow webhooks take a card, not files",
      .can = "adaptive cards; a part is a whole request"};
  return info;
}

}  // namespace notify::services
