#include "services/mail_compose.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>

#include "core/base64.hpp"
#include "message/unicode.hpp"
#include "services/encoded_word.hpp"

namespace notify::services {

namespace {

constexpr std::size_t kLineWidth = 78;
// Raw bytes per encoded word: 40 bytes are 56 base64 characters, and with
// "=?UTF-8?B?" and "?=" a word stays under 75 characters (RFC 2047 5).
constexpr std::size_t kWordBytes = 40;
constexpr std::size_t kSubjectCodePoints = 78;
constexpr std::size_t kFilenameBytes = 150;

bool is_control(unsigned char c) { return c < 0x20 || c == 0x7f; }

std::string controls_to_spaces(std::string_view text) {
  std::string out(text);
  for (auto& c : out)
    if (is_control(static_cast<unsigned char>(c))) c = ' ';
  return out;
}

std::string_view trim(std::string_view s) {
  const auto b = s.find_first_not_of(" \t");
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

/// Byte length of the longest prefix of `text` of at most `max` bytes that
/// ends on a code point boundary (at least one code point).
std::size_t utf8_prefix(std::string_view text, std::size_t max) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const auto* end = p + text.size();
  std::size_t n = 0;
  while (n < text.size()) {
    const std::size_t len = message::decode_utf8(p + n, end).len;
    if (n + len > max && n > 0) break;
    n += len;
  }
  return n;
}


// Longest display name or file name kept as one quoted string; longer ones
// are encoded, so that they can fold.
constexpr std::size_t kQuotedMax = 60;

std::vector<std::string> encoded_word_list(std::string_view text) {
  std::vector<std::string> words;
  while (!text.empty()) {
    const std::size_t n = utf8_prefix(text, kWordBytes);
    words.push_back("=?UTF-8?B?" + base64_encode(text.substr(0, n)) + "?=");
    text.remove_prefix(n);
  }
  return words;
}

/// Atoms joined by single spaces, folded before an atom that would pass the
/// line width. The fold's whitespace between two encoded words is not part
/// of the text (RFC 2047 6.2).
std::string fold(const std::vector<std::string>& atoms, std::size_t used) {
  std::string out;
  std::size_t line = used;
  for (std::size_t i = 0; i < atoms.size(); ++i) {
    if (i > 0) {
      if (line + 1 + atoms[i].size() > kLineWidth) {
        out += "\r\n";
        line = 0;
      }
      out += ' ';
      ++line;
    }
    out += atoms[i];
    line += atoms[i].size();
  }
  return out;
}

std::string encoded_words(std::string_view text, std::size_t used) {
  return fold(encoded_word_list(text), used);
}

std::string quoted_string(std::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + '"';
}

std::vector<std::string> mailbox_atoms(const Mailbox& m) {
  std::vector<std::string> atoms;
  if (!m.name.empty()) {
    if (plain_header_text(m.name) && m.name.size() <= kQuotedMax) atoms.push_back(quoted_string(m.name));
    else atoms = encoded_word_list(m.name);
  }
  atoms.push_back(m.name.empty() ? m.address : "<" + m.address + ">");
  return atoms;
}

std::string address_header(std::string_view field, const std::vector<Mailbox>& boxes) {
  std::vector<std::string> atoms;
  for (std::size_t i = 0; i < boxes.size(); ++i) {
    auto more = mailbox_atoms(boxes[i]);
    if (i + 1 < boxes.size()) more.back() += ',';
    atoms.insert(atoms.end(), more.begin(), more.end());
  }
  return std::string(field) + ": " + fold(atoms, field.size() + 2) + "\r\n";
}

std::string token(std::string_view text, std::string_view allowed_extra) {
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= '0' && u <= '9') || (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') ||
        allowed_extra.find(c) != std::string_view::npos)
      out += c;
  }
  return out;
}

/// The name as a recipient's mail program should save it: no directory, no
/// controls or quoting characters, not empty, not hidden, not endless.
std::string safe_filename(std::string_view name) {
  const auto slash = name.find_last_of("/\\");
  if (slash != std::string_view::npos) name.remove_prefix(slash + 1);
  std::string out;
  for (const char c : name) {
    const auto u = static_cast<unsigned char>(c);
    out += is_control(u) || c == '"' || c == '\\' || c == '/' ? '_' : c;
  }
  while (!out.empty() && (out.front() == '.' || out.front() == ' ')) out.erase(0, 1);
  out.resize(utf8_prefix(out, kFilenameBytes));
  return out.empty() ? "attachment" : out;
}

std::string percent_encoded(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (token(std::string_view(&c, 1), "!#$&+-.^_`|~").size() == 1) {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 15];
    }
  }
  return out;
}

std::string text_part_headers() {
  return "Content-Type: text/plain; charset=UTF-8\r\n"
         "Content-Transfer-Encoding: base64\r\n";
}

/// RFC 2231 extended value, split in continuations that fit a line and never
/// split a %XX escape: "filename*0*=UTF-8''...;\r\n filename*1*=...".
std::string extended_param(std::string_view param, std::string_view text) {
  constexpr std::size_t kChunk = 50;
  const std::string all = percent_encoded(text);
  std::vector<std::string> chunks;
  for (std::size_t at = 0; at < all.size();) {
    std::size_t n = std::min(kChunk, all.size() - at);
    if (at + n < all.size()) {
      if (all[at + n - 1] == '%') n -= 1;
      else if (all[at + n - 2] == '%') n -= 2;
    }
    chunks.push_back(all.substr(at, n));
    at += n;
  }
  if (chunks.size() == 1) return std::string(param) + "*=UTF-8''" + chunks[0];
  std::string out;
  for (std::size_t i = 0; i < chunks.size(); ++i)
    out += (i ? ";\r\n " : "") + std::string(param) + "*" + std::to_string(i) + "*=" +
           (i ? "" : "UTF-8''") + chunks[i];
  return out;
}

std::string attachment_part(const Attachment& file) {
  const std::string name = safe_filename(file.name);
  std::string head = "Content-Type: application/octet-stream;\r\n name=";
  std::string disposition = "Content-Disposition: attachment;\r\n ";
  if (plain_header_text(name) && name.size() <= kQuotedMax) {
    head += quoted_string(name);
    disposition += "filename=" + quoted_string(name);
  } else {
    // RFC 2231 for readers that follow the standard, encoded words in
    // name= for the many that only read that.
    head += "\"" + encoded_words(name, 7) + "\"";
    disposition += extended_param("filename", name);
  }
  return head + "\r\n" + disposition + "\r\n" +
         "Content-Transfer-Encoding: base64\r\n\r\n" + base64_lines(file.data);
}

}  // namespace

Mailbox parse_mailbox(std::string_view text) {
  std::string clean;
  for (const char c : text)
    if (!is_control(static_cast<unsigned char>(c))) clean += c;
  std::string_view s = trim(clean);
  Mailbox m;
  const auto open = s.rfind('<');
  if (open == std::string_view::npos) {
    m.address = std::string(s);
  } else {
    std::string_view name = trim(s.substr(0, open));
    if (name.size() >= 2 && name.front() == '"' && name.back() == '"')
      name = name.substr(1, name.size() - 2);
    m.name = std::string(name);
    const auto close = s.find('>', open);
    m.address = std::string(s.substr(open + 1, close == std::string_view::npos ? close : close - open - 1));
  }
  std::string address;
  for (const char c : m.address)
    if (c != '<' && c != '>' && c != ' ' && c != '\t') address += c;
  m.address = std::move(address);
  return m;
}

std::string mail_subject(std::string_view title, std::string_view body) {
  if (!trim(controls_to_spaces(title)).empty()) return std::string(trim(controls_to_spaces(title)));
  std::string_view rest = body;
  std::string line;
  while (!rest.empty() && line.empty()) {
    const auto nl = rest.find('\n');
    line = std::string(trim(controls_to_spaces(rest.substr(0, nl))));
    rest = nl == std::string_view::npos ? std::string_view{} : rest.substr(nl + 1);
  }
  // Count code points: a subject of CJK text is cut where a reader sees it.
  const auto* p = reinterpret_cast<const unsigned char*>(line.data());
  const auto* end = p + line.size();
  std::size_t bytes = 0, count = 0, cut = 0;
  while (bytes < line.size()) {
    if (count == kSubjectCodePoints - 3) cut = bytes;
    bytes += message::decode_utf8(p + bytes, end).len;
    ++count;
  }
  if (count > kSubjectCodePoints) line = std::string(trim(line.substr(0, cut))) + "...";
  return line;
}

std::string mail_date(std::int64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  // strftime's %a/%b follow the locale; RFC 5322 wants the English names.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

std::string encode_header_text(std::string_view text, std::size_t used) {
  const std::string clean = controls_to_spaces(text);
  if (plain_header_text(clean) && used + clean.size() <= kLineWidth) return clean;
  return encoded_words(clean, used);
}

std::string base64_lines(std::string_view bytes) {
  const std::string all = base64_encode(bytes);
  std::string out;
  out.reserve(all.size() + all.size() / 76 * 2 + 2);
  for (std::size_t i = 0; i < all.size(); i += 76) out += all.substr(i, 76) + "\r\n";
  return out;
}

namespace {

// "<left@right>" with nothing in it that could end the header or the id.
bool is_message_id(std::string_view id) {
  if (id.size() < 5 || id.size() > 250 || id.front() != '<' || id.back() != '>') return false;
  const auto inner = id.substr(1, id.size() - 2);
  const auto at = inner.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == inner.size()) return false;
  for (const char c : inner)
    if (c <= ' ' || c == '<' || c == '>' || c == 0x7f) return false;
  return true;
}

}  // namespace

std::string compose_mail(const MailContent& c) {
  const std::string random = token(c.random, "-._");
  const auto at = c.from.address.rfind('@');
  std::string domain = at == std::string::npos ? "" : token(c.from.address.substr(at + 1), "-.");
  if (domain.empty()) domain = "notify.invalid";

  std::string out = address_header("From", {c.from});
  out += address_header("To", c.to);
  out += "Subject: " + encode_header_text(c.subject, 9) + "\r\n";
  out += "Date: " + mail_date(c.date_unix) + "\r\n";
  out += "Message-ID: <" + (random.empty() ? "notify" : random) + "@" + domain + ">\r\n";
  // The first message of a key is the thread's root: References is its id
  // alone, as RFC 5322 3.6.4 has it for an answer to a message without one.
  if (is_message_id(c.in_reply_to))
    out += "In-Reply-To: " + c.in_reply_to + "\r\nReferences: " + c.in_reply_to + "\r\n";
  // What mail clients show as the message's importance (Outlook's flag);
  // only these two words, so nothing else can reach the header block.
  if (c.importance == "low" || c.importance == "high")
    out += "Importance: " + c.importance + "\r\n";
  out += "MIME-Version: 1.0\r\n";
  if (c.files.empty()) {
    out += text_part_headers() + "\r\n" + base64_lines(c.body);
    return out;
  }
  // Base64 never holds '=' followed by '_': the boundary cannot occur in a part.
  const std::string boundary = "=_notify_" + random;
  out += "Content-Type: multipart/mixed;\r\n boundary=\"" + boundary + "\"\r\n\r\n";
  out += "This is a MIME message.\r\n";
  if (!c.body.empty())
    out += "--" + boundary + "\r\n" + text_part_headers() + "\r\n" + base64_lines(c.body);
  for (const auto& file : c.files) out += "--" + boundary + "\r\n" + attachment_part(file);
  out += "--" + boundary + "--\r\n";
  return out;
}

}  // namespace notify::services
