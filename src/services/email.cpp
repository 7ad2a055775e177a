#include "services/email.hpp"

#include <algorithm>
#include <ctime>

#include "message/remote.hpp"
#include "core/mask.hpp"
#include "services/loudness.hpp"
#include "services/mail_compose.hpp"
#include "services/mail_preview.hpp"
#include "services/registry.hpp"

namespace notify::services {

namespace {

/// The reply without its code(s), on one line: "5.1.1 No such user".
std::string reply_words(const std::string& reply) {
  std::string out;
  std::size_t start = 0;
  while (start < reply.size()) {
    auto end = reply.find('\n', start);
    if (end == std::string::npos) end = reply.size();
    std::string_view line(reply.data() + start, end - start);
    if (line.size() >= 4 && (line[3] == ' ' || line[3] == '-')) line.remove_prefix(4);
    else if (line.size() == 3) line = {};
    if (!line.empty()) out += (out.empty() ? "" : " ") + std::string(line);
    start = end + 1;
  }
  return message::printable_remote(out.substr(0, 300));
}

std::string refusal_hint(long status, const std::string& step) {
  switch (status) {
    case 530:
      return "the server wants a login first: set username and password in the profile";
    case 534:
    case 535:
      return "check username and password in the profile (some providers want an app "
             "password here)";
    case 550:
    case 551:
    case 553:
      if (step.rfind("MAIL", 0) == 0)
        return "the sender was refused: check `from` (many servers only let a user send "
               "as their own address)";
      return "a recipient was refused: check the addresses in `to`";
    case 552: return "the message is too large for the server: send fewer or smaller files";
    case 554:
      return "the server refused the message (policy or spam filter): check `from` and "
             "the server's log";
    default: return "";
  }
}

}  // namespace

Email::Email(const config::Profile& p)
    : smtp_url_(p.text("smtp_url")),
      username_(p.text("username")),
      password_(p.secret("password")),
      from_(p.text("from")),
      to_(p.list("to")),
      starttls_(p.flag("starttls", true)) {}

std::vector<HttpRequest> Email::build(const Message& m, const BuildContext& ctx) const {
  MailContent c;
  c.from = parse_mailbox(from_);
  for (const auto& t : to_) c.to.push_back(parse_mailbox(t));
  c.subject = mail_subject(m.title, m.body);
  if (c.subject.empty() && !m.files.empty()) c.subject = m.files.front().name;
  // Code and markdown go as written: text/plain has no monospace or markup,
  // and the source reads well as it is.
  // The profile's urgent_mentions, as text: mail has no mentions that notify.
  const std::string mentions = mentions_line(m);
  c.body = mentions.empty() ? m.body : mentions + "\n" + m.body;
  c.files = m.files;
  if (m.silent || m.priority == Priority::low) c.importance = "low";
  else if (m.priority == Priority::high || m.priority == Priority::urgent) c.importance = "high";
  c.date_unix = ctx.now_unix ? ctx.now_unix() : static_cast<std::int64_t>(std::time(nullptr));
  c.random = ctx.new_uuid ? ctx.new_uuid() : "";
  c.in_reply_to = m.reply_to;

  HttpRequest r;
  r.method = "SMTP";
  r.url = smtp_url_;
  r.body = compose_mail(c);
  MailEnvelope envelope;
  envelope.from = c.from.address;
  for (const auto& t : c.to) envelope.rcpt.push_back(t.address);
  envelope.username = username_;
  envelope.password = password_;
  envelope.require_tls = starttls_;
  r.mail = std::move(envelope);
  return {std::move(r)};
}

Verdict Email::interpret(const HttpResponse& r) const {
  Verdict v;
  // A 250 counts only at the end of a transfer that went through: libcurl
  // reports the last reply, and EHLO, MAIL and RCPT are answered 250 too.
  if (r.error == TransportError::none && r.status >= 200 && r.status < 300) {
    v.kind = Verdict::Kind::delivered;
    return v;
  }
  const std::string detail = message::printable_remote(r.error_text);
  if (r.status >= 400 && r.status < 600) {
    const std::string words = reply_words(r.body);
    v.error = "SMTP " + std::to_string(r.status) + (words.empty() ? "" : ": " + words) +
              (detail.empty() ? "" : " (" + detail + ")");
    // SMTP says it itself: 4xx is temporary, 5xx is final.
    v.kind = r.status < 500 ? Verdict::Kind::retry : Verdict::Kind::fail;
    if (v.kind == Verdict::Kind::fail) v.hint = refusal_hint(r.status, detail);
    return v;
  }
  v.error = detail.empty() ? "the SMTP transfer failed" : detail;
  if (r.error == TransportError::tls) {
    v.kind = Verdict::Kind::fail;  // a certificate or a server's TLS setup does not fix itself
    v.hint = detail.find("STARTTLS") != std::string::npos
                 ? "use smtps:// (usually port 465) if the server has it; starttls = false "
                   "in the profile allows sending in clear"
                 : "set ca_file in the profile, or CURL_CA_BUNDLE, for a private CA";
    return v;
  }
  v.kind = Verdict::Kind::retry;  // connect, timeout, a dropped connection
  return v;
}

std::string Email::message_id(const HttpRequest& request, const HttpResponse&) const {
  // The id is notify's own, in the message it sent: what a reply names.
  static constexpr std::string_view kField = "\r\nMessage-ID: ";
  const auto at = request.body.find(kField);
  if (at == std::string::npos) return "";
  const auto from = at + kField.size();
  const auto end = request.body.find("\r\n", from);
  return end == std::string::npos ? "" : request.body.substr(from, end - from);
}

std::vector<std::string> Email::notes(const Message& m) const {
  std::vector<std::string> n;
  if (m.code)
    n.push_back("e-mail is sent as text/plain: --code sends the text as it is, and the "
                "reader's font decides whether it is monospace");
  if (m.markdown) n.push_back("e-mail is sent as text/plain: markdown goes as written");
  if (m.silent)
    n.push_back("e-mail has no silent delivery: it is marked Importance: low, which mail "
                "clients show but do not make quieter");
  if (m.priority == Priority::high || m.priority == Priority::urgent)
    n.push_back(std::string("e-mail marks a ") + to_string(m.priority) +
                " message Importance: high, which mail clients show but which makes no phone "
                "ring more" +
                (m.urgent_mentions.empty() ? "" : "; urgent_mentions are added as text"));
  // The message carries the profile's username, here the SMTP login: only
  // a different one is a --username that e-mail leaves aside.
  const bool own_username = !m.username.empty() && m.username != username_;
  if (own_username || !m.icon_url.empty() || !m.icon_emoji.empty())
    n.push_back("e-mail ignores --username and --icon: the sender is the profile's `from`, "
                "and its username is the SMTP login");
  return n;
}

}  // namespace notify::services

namespace notify::services {

namespace {

bool has_control(std::string_view v) {
  return std::any_of(v.begin(), v.end(), [](char c) {
    return static_cast<unsigned char>(c) < 0x20 || c == 0x7f;
  });
}

std::string smtp_url_check(std::string_view v) {
  std::string_view rest;
  if (v.rfind("smtp://", 0) == 0) rest = v.substr(7);
  else if (v.rfind("smtps://", 0) == 0) rest = v.substr(8);
  else return "must start with smtp:// (STARTTLS) or smtps:// (TLS)";
  const auto authority = rest.substr(0, rest.find('/'));
  if (authority.empty() || authority[0] == ':') return "names no server";
  if (authority.find('@') != std::string_view::npos)
    return "must not hold a login: put it in username and password";
  if (has_control(v) || v.find(' ') != std::string_view::npos) return "holds a space or a control";
  return "";
}

std::string address_check(std::string_view v) {
  if (has_control(v)) return "holds a control character";
  const auto box = parse_mailbox(v);
  const auto at = box.address.find('@');
  if (at == std::string::npos || at == 0 || at + 1 == box.address.size() ||
      box.address.find('@', at + 1) != std::string::npos)
    return "must be an address, \"a@example.com\" or \"Name <a@example.com>\"";
  return "";
}

std::unique_ptr<Service> make_email(const config::Profile& p) { return std::make_unique<Email>(p); }

std::string email_destination(const config::Profile& p, const std::string&) {
  const auto to = p.list("to");
  std::string out = "to " + (to.empty() ? std::string("?") : parse_mailbox(to.front()).address);
  if (to.size() > 1) out += ", +" + std::to_string(to.size() - 1);
  return out + " via " + mask_url(p.text("smtp_url"), url_shapes(p, "smtp_url"));
}

}  // namespace

const ServiceInfo& email_service() {
  using config::KeyType;
  static const ServiceInfo info{
      .schema = {"email",
       "e-mail through an SMTP server",
       {
           {.name = "smtp_url", .required = true, .check = smtp_url_check,
            .prompt = "SMTP server URL (smtps://host:465 or smtp://host:587)",
            .doc = "smtps://host[:465] (TLS) or smtp://host[:587] (STARTTLS required)"},
           {.name = "username", .prompt = "Login user (empty for none)",
            .doc = "SMTP login, if the server wants one"},
           {.name = "password", .secret = true, .prompt = "Password",
            .doc = "SMTP password (secret)"},
           {.name = "from", .required = true, .check = address_check,
            .prompt = "From address", .doc = "sender: \"a@b\" or \"Name <a@b>\""},
           {.name = "to", .type = KeyType::list, .required = true, .check = address_check,
            .prompt = "To address", .doc = "recipient, or a list of them", .address = true},
           {.name = "starttls", .type = KeyType::flag,
            .doc = "false lets smtp:// send in clear to a server without STARTTLS "
                   "(default true)"},
       },
       Email::kLimit,
       0,
       message::Unit::code_points},
      .name = "e-mail",
      .destination = email_destination,
      .make = make_email,
      .can = "one message however long",
      .preview = email_preview,
      .loudness = {.low = {"Importance", "low"},
                   .high = {"Importance", "high"},
                   .urgent = {"Importance", "high"},
                   .note = "mail clients show Importance; it makes no phone ring"},
      // In-Reply-To and References name the first message's Message-ID.
      .capabilities = {.reply = true},
      .aliases = {"mail", "e-mail", "smtp"}};
  return info;
}

}  // namespace notify::services
