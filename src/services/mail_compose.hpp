#pragma once
// An RFC 5322 message from notify's text: headers encoded for 7-bit
// transport (RFC 2047), the body and attachments in base64. Pure: the time
// and the randomness come in, bytes go out.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "message/draft.hpp"

namespace notify::services {

/// "Name <a@b>" or "a@b", split; both without controls.
struct Mailbox {
  std::string name;     ///< display name, may be non-ASCII; "" if none
  std::string address;  ///< "local@domain", without <>
};

/// Reads one mailbox as a profile writes it. Control characters (a CR/LF
/// that would start a new header or SMTP command) and <> inside the address
/// are dropped, never passed on.
Mailbox parse_mailbox(std::string_view text);

struct MailContent {
  Mailbox from;
  std::vector<Mailbox> to;
  std::string subject;    ///< UTF-8, any length; controls become spaces
  std::string body;       ///< UTF-8 text, sent byte for byte
  std::vector<Attachment> files;
  std::int64_t date_unix = 0;
  std::string random;     ///< unique per message: Message-ID and MIME boundary
  std::string importance; ///< "low" or "high" (RFC 2156 Importance); "" for none
  /// The Message-ID ("<id@host>") this one answers (In-Reply-To and
  /// References); "" for none. Anything not of that shape is left out.
  std::string in_reply_to;
};

/// The subject of a message: its title, else its first non-blank line,
/// shortened to about 78 characters ("..." marks a cut).
std::string mail_subject(std::string_view title, std::string_view body);

/// The whole message, CRLF line ends, no line over 78 characters except a
/// header holding one long unbreakable address.
std::string compose_mail(const MailContent& content);

/// RFC 5322 date-time in UTC: "Tue, 01 Dec 2026 10:00:00 +0000".
std::string mail_date(std::int64_t unix_seconds);

/// A header value as RFC 2047 encoded words when it needs them (non-ASCII,
/// controls, "=?", or too long for one line), folded; else as is.
/// `used` is how much of the first line the header name already takes.
std::string encode_header_text(std::string_view text, std::size_t used);

/// Base64 (RFC 4648) in lines of 76 characters, each ended by CRLF.
std::string base64_lines(std::string_view bytes);

}  // namespace notify::services
