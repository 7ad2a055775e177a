#include "services/uptime_kuma.hpp"

#include "core/url.hpp"
#include "message/split.hpp"
#include "services/json_util.hpp"
#include "services/registry.hpp"

namespace notify::services {

namespace {

// The first line that says something: the title, else the body's.
std::string kuma_first_line(const Message& m) {
  for (const std::string* text : {&m.title, &m.body}) {
    std::string_view rest = *text;
    while (!rest.empty()) {
      const auto nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl);
      while (!line.empty() && (line.back() == ' ' || line.back() == '\r' || line.back() == '\t'))
        line.remove_suffix(1);
      if (line.find_first_not_of(" \t") != std::string_view::npos) return std::string(line);
      if (nl == std::string_view::npos) break;
      rest.remove_prefix(nl + 1);
    }
  }
  return "";
}

bool kuma_down(const Beat& beat) {
  return beat.kind == Beat::Kind::fail || (beat.kind == Beat::Kind::exit && beat.exit_status != 0);
}

}  // namespace

UptimeKuma::UptimeKuma(const config::Profile& p)
    : push_url_(p.secret("push_url")), limit_(kLimit) {
  if (const auto q = push_url_.find_first_of("?#"); q != std::string::npos) push_url_.erase(q);
  while (!push_url_.empty() && push_url_.back() == '/') push_url_.pop_back();
}

std::size_t UptimeKuma::one_part_text(const Message&) const { return limit_; }

std::vector<HttpRequest> UptimeKuma::build(const Message& m, const BuildContext&) const {
  // A push monitor knows no "started": it only hears how a job ended.
  if (m.beat.kind == Beat::Kind::start) return {};
  std::string msg = kuma_first_line(m);
  if (message::length_in(msg, message::Unit::code_points) > limit_) {
    const std::size_t room = limit_ > 1 ? limit_ - 1 : 1;
    msg = message::split(msg, room, message::Unit::code_points).front() + "\xE2\x80\xA6";
  }
  std::string url = with_query_param(push_url_, "status", kuma_down(m.beat) ? "down" : "up");
  url = with_query_param(url, "msg", msg.empty() ? "OK" : msg);
  if (m.beat.kind == Beat::Kind::exit && m.beat.duration_ms >= 0)
    url = with_query_param(url, "ping", std::to_string(m.beat.duration_ms));
  return {HttpRequest{"GET", url, {}, ""}};
}

std::vector<std::string> UptimeKuma::notes(const Message& m) const {
  std::vector<std::string> out;
  if ((m.priority == Priority::high || m.priority == Priority::urgent) &&
      m.beat.kind == Beat::Kind::success)
    out.push_back("a push has no loudness: --priority " + std::string(to_string(m.priority)) +
                  " still pushes up (--fail pushes down)");
  if (m.body.find('\n') != std::string::npos || !m.files.empty())
    out.push_back("Uptime Kuma keeps one line of a message (msg): the rest is not sent");
  return out;
}

Verdict UptimeKuma::interpret(const HttpResponse& r) const {
  // {"ok": false, "msg": "Monitor not found or not active."}
  const auto j = parse_json(r.body);
  std::string error = json_string(j, "msg");
  if (error.empty() && r.status >= 300) error = body_text(r);
  Verdict v = generic_verdict(r, error);
  if (v.kind == Verdict::Kind::delivered && j.is_object() && j.contains("ok") &&
      j["ok"].is_boolean() && !j["ok"].get<bool>()) {
    v.kind = Verdict::Kind::fail;
    v.error = error.empty() ? "the push was refused" : error;
  }
  if (v.kind == Verdict::Kind::fail && r.status == 404)
    v.hint = "no active push monitor has this push_url: copy it again from the monitor "
             "(a paused monitor refuses pushes)";
  return v;
}

}  // namespace notify::services

namespace notify::services {

namespace {

std::unique_ptr<Service> make_uptime_kuma(const config::Profile& p) {
  return std::make_unique<UptimeKuma>(p);
}

// Without the query a URL copied from Kuma carries (ours replaces it).
std::string kuma_destination(const config::Profile&, const std::string& secret) {
  return secret.substr(0, secret.find('?'));
}

}  // namespace

const ServiceInfo& uptime_kuma_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"uptime_kuma",
       "Uptime Kuma push monitor",
       {
           {.name = "push_url", .type = KeyType::url, .required = true, .secret = true,
            .prompt = "Push URL (the push monitor's URL, .../api/push/TOKEN)",
            .doc = "the push monitor's URL, .../api/push/TOKEN; a query copied with it is "
                   "ignored (secret)",
            .shapes = {"/api/push/#TOKEN?status&msg&ping", "/**/api/push/#TOKEN?status&msg&ping"},
            .address = true},
       },
       UptimeKuma::kLimit,
       0,  // one ping per message, never split
       message::Unit::code_points},
      .name = "Uptime Kuma",
      .destination = kuma_destination,
      .make = make_uptime_kuma,
      .no_files = "whose pushes carry one line of text",
      .can = "pushes up, or down for --fail and a failed run; run's time as ping",
      .loudness = {.note = "a push has no loudness: every level pushes up, only --fail or a "
                           "failed run pushes down"},
      .capabilities = {.heartbeat = true}};
  return info;
}

}  // namespace notify::services
