#include "support/mail_message.hpp"

#include "support/strings.hpp"

#include <algorithm>
#include <cctype>

#include "support/mail_codec.hpp"

namespace notify::test {

namespace {

std::optional<std::string> find_header(const MailHeaders& headers, std::string_view name) {
  const std::string key = lower(name);
  for (const auto& [k, v] : headers)
    if (k == key) return v;
  return std::nullopt;
}

// Splits at the first empty line; lines may end in CRLF or LF.
std::pair<std::string_view, std::string_view> split_head(std::string_view raw) {
  std::size_t pos = 0;
  while (pos < raw.size()) {
    const auto nl = raw.find('\n', pos);
    if (nl == std::string_view::npos) return {raw, {}};
    const std::string_view line = raw.substr(pos, nl - pos);
    if (line.empty() || line == "\r") return {raw.substr(0, pos), raw.substr(nl + 1)};
    pos = nl + 1;
  }
  return {raw, {}};
}

MailHeaders parse_headers(std::string_view head) {
  MailHeaders out;
  std::size_t pos = 0;
  while (pos < head.size()) {
    auto nl = head.find('\n', pos);
    if (nl == std::string_view::npos) nl = head.size();
    std::string_view line = head.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    pos = nl + 1;
    if (line.empty()) continue;
    if ((line.front() == ' ' || line.front() == '\t') && !out.empty()) {
      out.back().second += ' ';  // unfolding keeps one space for the line break
      out.back().second += trim(line);
      continue;
    }
    const auto colon = line.find(':');
    if (colon == std::string_view::npos) continue;
    out.emplace_back(lower(trim(line.substr(0, colon))), std::string(trim(line.substr(colon + 1))));
  }
  return out;
}

// The parts between "--boundary" lines; the line break before a delimiter belongs to it.
std::vector<std::string_view> split_multipart(std::string_view body, std::string_view boundary) {
  std::vector<std::string_view> parts;
  const std::string delimiter = "--" + std::string(boundary);
  std::size_t pos = 0;
  std::optional<std::size_t> part_start;
  while (pos <= body.size()) {
    auto nl = body.find('\n', pos);
    if (nl == std::string_view::npos) nl = body.size();
    std::string_view line = body.substr(pos, nl - pos);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.substr(0, delimiter.size()) == delimiter) {
      const std::string_view rest = line.substr(delimiter.size());
      const bool close = rest.substr(0, 2) == "--";
      if (close || trim(rest).empty()) {
        if (part_start) {
          std::size_t end = pos;
          if (end > *part_start && body[end - 1] == '\n') --end;
          if (end > *part_start && body[end - 1] == '\r') --end;
          parts.push_back(body.substr(*part_start, end - *part_start));
        }
        if (close) return parts;
        part_start = nl + 1 <= body.size() ? nl + 1 : body.size();
      }
    }
    if (nl == body.size()) break;
    pos = nl + 1;
  }
  return parts;  // no closing delimiter: what was complete
}

void parse_entity(std::string_view raw, std::vector<MailPart>& out, int depth) {
  auto [head, body] = split_head(raw);
  MailPart part;
  part.headers = parse_headers(head);
  const std::string content_type = part.header("content-type").value_or("text/plain");
  part.media_type = lower(trim(content_type.substr(0, content_type.find(';'))));
  if (part.media_type.empty()) part.media_type = "text/plain";
  part.charset = lower(header_param(content_type, "charset"));

  if (part.media_type.rfind("multipart/", 0) == 0 && depth < 8) {
    const std::string boundary = header_param(content_type, "boundary");
    if (!boundary.empty()) {
      for (const auto child : split_multipart(body, boundary)) parse_entity(child, out, depth + 1);
      return;
    }
  }

  part.transfer_encoding = lower(trim(part.header("content-transfer-encoding").value_or("7bit")));
  const std::string disposition = part.header("content-disposition").value_or("");
  part.filename = header_param(disposition, "filename");
  if (part.filename.empty()) part.filename = header_param(content_type, "name");
  part.filename = rfc2047_decode(part.filename);
  part.attachment = lower(trim(disposition.substr(0, disposition.find(';')))) == "attachment" ||
                    !part.filename.empty();
  part.raw_body = std::string(body);
  if (part.transfer_encoding == "base64") {
    part.body = base64_decode(body).value_or(part.raw_body);
  } else if (part.transfer_encoding == "quoted-printable") {
    part.body = quoted_printable_decode(body);
  } else {
    part.body = part.raw_body;
  }
  out.push_back(std::move(part));
}

}  // namespace

std::optional<std::string> MailPart::header(std::string_view name) const {
  return find_header(headers, name);
}

std::optional<std::string> MailMessage::header(std::string_view name) const {
  return find_header(headers, name);
}

std::size_t MailMessage::header_count(std::string_view name) const {
  const std::string key = lower(name);
  return static_cast<std::size_t>(
      std::count_if(headers.begin(), headers.end(), [&](const auto& h) { return h.first == key; }));
}

std::string MailMessage::decoded_header(std::string_view name) const {
  const auto value = header(name);
  return value ? rfc2047_decode(*value) : std::string{};
}

std::string header_param(std::string_view value, std::string_view name) {
  const std::string key = lower(name);
  std::size_t pos = value.find(';');
  while (pos != std::string_view::npos && pos < value.size()) {
    ++pos;
    const auto eq = value.find('=', pos);
    if (eq == std::string_view::npos) return {};
    const std::string param = lower(trim(value.substr(pos, eq - pos)));
    std::size_t i = eq + 1;
    while (i < value.size() && (value[i] == ' ' || value[i] == '\t')) ++i;
    std::string v;
    if (i < value.size() && value[i] == '"') {
      for (++i; i < value.size() && value[i] != '"'; ++i) {
        if (value[i] == '\\' && i + 1 < value.size()) ++i;
        v += value[i];
      }
      pos = value.find(';', i);
    } else {
      const auto semi = value.find(';', i);
      v = std::string(trim(value.substr(i, semi == std::string_view::npos ? semi : semi - i)));
      pos = semi;
    }
    if (param == key) return v;
  }
  return {};
}

MailMessage parse_mail(std::string_view raw) {
  MailMessage msg;
  msg.headers = parse_headers(split_head(raw).first);
  parse_entity(raw, msg.parts, 0);
  bool have_text = false;
  for (const auto& part : msg.parts) {
    if (part.attachment) {
      msg.attachments.push_back(part);
    } else if (!have_text && part.media_type == "text/plain") {
      msg.text = part.body;
      have_text = true;
    }
  }
  return msg;
}

}  // namespace notify::test
