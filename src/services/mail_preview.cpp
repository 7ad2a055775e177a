#include "services/mail_preview.hpp"

#include <cctype>
#include <optional>
#include <utility>
#include <vector>

#include "core/base64.hpp"
#include "core/mask.hpp"
#include "message/remote.hpp"

namespace notify::services {

namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct Entity {
  Fields fields;
  std::string body;
};

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Entity split_entity(std::string_view raw) {
  Entity e;
  const auto blank = raw.find("\r\n\r\n");
  const std::string_view head = raw.substr(0, blank);
  e.body = blank == std::string_view::npos ? "" : std::string(raw.substr(blank + 4));
  std::size_t start = 0;
  while (start < head.size()) {
    auto end = head.find("\r\n", start);
    if (end == std::string_view::npos) end = head.size();
    const std::string_view line = head.substr(start, end - start);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !e.fields.empty()) {
      e.fields.back().second += line;  // unfolding drops only the CRLF
    } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      e.fields.emplace_back(std::string(line.substr(0, colon)), std::string(value));
    }
    start = end + 2;
  }
  return e;
}

std::string field(const Entity& e, std::string_view name) {
  for (const auto& [k, v] : e.fields)
    if (lower(k) == name) return v;
  return "";
}

std::string param(std::string_view value, std::string_view name) {
  const std::string l = lower(value);
  const auto at = l.find(std::string(name) + "=");
  if (at == std::string::npos) return "";
  std::string_view v = value.substr(at + name.size() + 1);
  if (!v.empty() && v.front() == '"') {
    v.remove_prefix(1);
    return std::string(v.substr(0, v.find('"')));
  }
  return std::string(v.substr(0, v.find(';')));
}

/// Encoded words ("=?UTF-8?B?...?=", "=?...?Q?...?=") decoded; the space
/// between two of them dropped, as RFC 2047 says.
std::string decode_words(std::string_view v) {
  std::string out, pending_space;
  bool last_was_word = false;
  while (!v.empty()) {
    if (v.substr(0, 2) == "=?") {
      const auto q1 = v.find('?', 2);
      const auto q2 = q1 == std::string_view::npos ? q1 : v.find('?', q1 + 1);
      const auto end = q2 == std::string_view::npos ? q2 : v.find("?=", q2 + 1);
      if (end != std::string_view::npos) {
        const char enc = static_cast<char>(std::toupper(static_cast<unsigned char>(v[q1 + 1])));
        const std::string_view text = v.substr(q2 + 1, end - q2 - 1);
        std::optional<std::string> decoded;
        if (enc == 'B') {
          decoded = base64_decode(text);
        } else if (enc == 'Q') {
          std::string q;
          for (std::size_t i = 0; i < text.size(); ++i) {
            if (text[i] == '_') q += ' ';
            else if (text[i] == '=' && i + 2 < text.size() && std::isxdigit(static_cast<unsigned char>(text[i + 1])) &&
                     std::isxdigit(static_cast<unsigned char>(text[i + 2]))) {
              q += static_cast<char>(std::stoi(std::string(text.substr(i + 1, 2)), nullptr, 16));
              i += 2;
            } else q += text[i];
          }
          decoded = q;
        }
        if (decoded) {
          if (!last_was_word) out += pending_space;
          pending_space.clear();
          out += *decoded;
          last_was_word = true;
          v.remove_prefix(end + 2);
          continue;
        }
      }
    }
    if (v.front() == ' ' || v.front() == '\t') {
      pending_space += v.front();
    } else {
      out += pending_space;
      pending_space.clear();
      out += v.front();
      last_was_word = false;
    }
    v.remove_prefix(1);
  }
  return out + pending_space;
}

std::string decoded_body(const Entity& e) {
  if (lower(field(e, "content-transfer-encoding")) == "base64")
    if (auto d = base64_decode(e.body)) return *d;
  return e.body;
}

std::string percent_decoded(std::string_view s) {
  std::string out;
  for (std::size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && std::isxdigit(static_cast<unsigned char>(s[i + 1])) &&
        std::isxdigit(static_cast<unsigned char>(s[i + 2]))) {
      out += static_cast<char>(std::stoi(std::string(s.substr(i + 1, 2)), nullptr, 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

std::string attachment_name(const Entity& e) {
  const std::string disposition = field(e, "content-disposition");
  std::string ext = param(disposition, "filename*");
  for (int i = 0; ext.empty() || i > 0; ++i) {  // RFC 2231 continuations
    const std::string piece = param(disposition, "filename*" + std::to_string(i) + "*");
    if (piece.empty()) break;
    ext += piece;
  }
  if (!ext.empty()) {
    const auto quote = ext.find("''");
    return percent_decoded(quote == std::string::npos ? ext : ext.substr(quote + 2));
  }
  if (std::string name = param(disposition, "filename"); !name.empty()) return name;
  return decode_words(param(field(e, "content-type"), "name"));
}

std::string show_entity(const Entity& e) {
  const std::string type = field(e, "content-type");
  if (lower(type).rfind("multipart/", 0) == 0) {
    const std::string delimiter = "--" + param(type, "boundary");
    std::string out;
    std::string_view rest = e.body;
    std::vector<std::string_view> parts;
    for (auto at = rest.find(delimiter); at != std::string_view::npos;) {
      const auto from = at + delimiter.size();
      if (rest.substr(from, 2) == "--") break;
      auto next = rest.find("\r\n" + delimiter, from);
      const auto start = from + 2;  // past the CRLF ending the delimiter line
      parts.push_back(rest.substr(start, next == std::string_view::npos ? next : next + 2 - start));
      at = next == std::string_view::npos ? next : next + 2;
    }
    for (const auto part : parts) out += show_entity(split_entity(part));
    return out;
  }
  if (lower(field(e, "content-disposition")).rfind("attachment", 0) == 0) {
    const std::string data = decoded_body(e);
    return "[attachment: " + message::printable_remote(attachment_name(e)) + ", " +
           std::to_string(data.size()) + " bytes]\n";
  }
  std::string text = decoded_body(e);
  if (!text.empty() && text.back() != '\n') text += '\n';
  return text;
}

}  // namespace

std::string email_preview(const HttpRequest& request) {
  // smtp_url declares no shape: a server, nothing after its host.
  std::string out = "SMTP " + mask_url(request.url, {}) + "\n";
  if (request.mail) {
    const MailEnvelope& m = *request.mail;
    const bool implicit = lower(request.url).rfind("smtps://", 0) == 0;
    out += std::string("TLS: ") +
           (implicit        ? "from the start (smtps)"
            : m.require_tls ? "STARTTLS required"
                            : "STARTTLS when offered, else in clear") + "\n";
    // The password is never shown, not even its length.
    out += m.username.empty() ? "login: none\n" : "login: " + m.username + ", password ***\n";
    out += "MAIL FROM:<" + m.from + ">\n";
    for (const auto& r : m.rcpt) out += "RCPT TO:<" + r + ">\n";
  }
  out += "\n";
  const Entity top = split_entity(request.body);
  for (const auto& [k, v] : top.fields) {
    const std::string name = lower(k);
    if (name == "mime-version" || name.rfind("content-", 0) == 0) continue;
    out += k + ": " + decode_words(v) + "\n";
  }
  out += "\n" + show_entity(top);
  return out;
}

}  // namespace notify::services
