#include "services/healthchecks.hpp"

#include <algorithm>
#include <charconv>

#include "core/url.hpp"
#include "services/registry.hpp"

namespace notify::services {

namespace {

constexpr std::string_view kCutNote = "[earlier output left out]\n";

bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// What a ping's URL ends with: the check's URL, then the event.
std::string hc_suffix(const Beat& beat) {
  switch (beat.kind) {
    case Beat::Kind::success: return "";
    case Beat::Kind::fail: return "/fail";
    case Beat::Kind::start: return "/start";
    case Beat::Kind::exit: return "/" + std::to_string(std::clamp(beat.exit_status, 0, 255));
  }
  return "";
}

// The check's own URL: notify adds /start, /fail or /N and ?rid= itself, so
// a URL that already ends in one would turn every ping into that one.
std::string ping_url_check(std::string_view url) {
  if (const auto q = url.find('?'); q != std::string_view::npos) {
    const std::string_view query = url.substr(q + 1);
    if (query.rfind("rid=", 0) == 0 || query.find("&rid=") != std::string_view::npos)
      return "must not carry rid=: notify sets one per run";
    url = url.substr(0, q);
  }
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  const auto last = url.substr(url.rfind('/') + 1);
  const bool status = !last.empty() && last.size() <= 3 &&
                      last.find_first_not_of("0123456789") == std::string_view::npos;
  if (last == "start" || last == "fail" || last == "log" || status)
    return "must be the check's own URL, without /" + std::string(last) +
           ": notify adds /start, /fail or the exit status itself";
  return "";
}

}  // namespace

std::string tail_within(std::string_view text, std::size_t limit) {
  if (text.size() <= limit) return std::string(text);
  if (limit <= kCutNote.size()) return "";
  const std::size_t room = limit - kCutNote.size();
  std::size_t start = text.size() - room;
  while (start < text.size() && is_continuation(text[start])) ++start;
  // A whole first line reads better, when it costs little.
  if (const auto nl = text.find('\n', start); nl != std::string_view::npos && nl + 1 < text.size() &&
                                              nl - start < room / 4)
    start = nl + 1;
  return std::string(kCutNote) + std::string(text.substr(start));
}

Healthchecks::Healthchecks(const config::Profile& p)
    : ping_url_(p.secret("ping_url")), limit_(kLimit) {
  while (!ping_url_.empty() && ping_url_.back() == '/') ping_url_.pop_back();
}

std::size_t Healthchecks::one_part_text(const Message& m) const {
  const std::size_t title = m.title.empty() ? 0 : m.title.size() + 1;
  return limit_ > title ? limit_ - title : 1;
}

std::vector<HttpRequest> Healthchecks::build(const Message& m, const BuildContext&) const {
  std::string url = ping_url_;
  std::string query;
  if (const auto q = url.find('?'); q != std::string::npos) {
    query = url.substr(q);
    url.erase(q);
  }
  url += hc_suffix(m.beat) + query;
  if (!m.beat.run_id.empty()) url = with_query_param(url, "rid", m.beat.run_id);
  std::string body;
  if (m.beat.kind != Beat::Kind::start) {
    body = m.title;
    if (!m.body.empty()) body += (body.empty() ? "" : "\n") + m.body;
    const std::size_t limit = m.beat.body_limit > 0 ? std::min(limit_, m.beat.body_limit) : limit_;
    body = tail_within(body, limit);
  }
  return {HttpRequest{"POST", url, {{"Content-Type", "text/plain; charset=utf-8"}}, std::move(body)}};
}

std::string Healthchecks::message_id(const HttpRequest&, const HttpResponse& r) const {
  const auto limit = r.header("ping-body-limit");
  if (!limit) return "";
  std::size_t n = 0;
  const auto* end = limit->data() + limit->size();
  if (std::from_chars(limit->data(), end, n).ptr != end || n == 0) return "";
  return std::to_string(n);
}

std::vector<std::string> Healthchecks::notes(const Message& m) const {
  if ((m.priority == Priority::high || m.priority == Priority::urgent) &&
      m.beat.kind == Beat::Kind::success)
    return {"a heartbeat has no loudness: --priority " + std::string(to_string(m.priority)) +
            " still pings success (--fail pings failure)"};
  return {};
}

Verdict Healthchecks::interpret(const HttpResponse& r) const {
  Verdict v = generic_verdict(r, r.status >= 300 ? body_text(r) : "");
  if (v.kind != Verdict::Kind::fail) return v;
  if (r.status == 404)
    v.hint = "no check has this ping_url: copy it again from the check's page (a deleted "
             "check, or a slug URL without ?create=1)";
  else if (r.status == 409)
    v.hint = "several checks have this slug: use the check's UUID URL as ping_url";
  else if (r.status == 400)
    v.hint = "the server refused the ping's URL: check ping_url in the profile";
  return v;
}

}  // namespace notify::services

namespace notify::services {

namespace {

std::unique_ptr<Service> make_healthchecks(const config::Profile& p) {
  return std::make_unique<Healthchecks>(p);
}

std::string healthchecks_destination(const config::Profile&, const std::string& secret) {
  return secret;
}

}  // namespace

const ServiceInfo& healthchecks_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"healthchecks",
       "healthchecks.io ping (hosted or self-hosted)",
       {
           {.name = "ping_url", .type = KeyType::url, .required = true, .secret = true,
            .check = ping_url_check,
            .prompt = "Ping URL (the check's URL, e.g. https://hc-ping.com/UUID)",
            .doc = "the check's ping URL: hc-ping.com/UUID, a slug URL with its ping key, or "
                   "a self-hosted server's (secret)",
            // No shape: a UUID, a ping key and slug, a self-hosted prefix
            // hold no word to anchor one on (a bare "/#" would mask every
            // stranger's URL), so all after the host is masked.
            .address = true},
       },
       Healthchecks::kLimit,
       0,  // one ping per message, never split
       message::Unit::bytes},
      .name = "healthchecks.io",
      .destination = healthchecks_destination,
      .make = make_healthchecks,
      .no_files = "whose pings carry text only",
      .can = "pings success, /fail, run's /start and exit status (rid per run)",
      .loudness = {.note = "a ping has no loudness: every level pings success, only --fail or "
                           "a run's exit status fails"},
      .capabilities = {.heartbeat = true, .heartbeat_start = true}};
  return info;
}

}  // namespace notify::services
