#pragma once
// A small reader for the messages FakeSmtpServer records: header fields, the
// text/plain body with its transfer encoding undone, and multipart/mixed
// attachments. Enough to check what a recipient would read; not a full MIME
// parser (no nested message/rfc822, no charset conversion).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace notify::test {

/// Header fields in order: names lower-cased, values unfolded and trimmed, still encoded.
using MailHeaders = std::vector<std::pair<std::string, std::string>>;

/// One leaf MIME part (or the whole message when it is not multipart).
struct MailPart {
  MailHeaders headers;
  std::string media_type;  ///< lower-cased "type/subtype" of Content-Type; "text/plain" if absent
  std::string charset;     ///< Content-Type charset parameter, lower-cased; "" if absent
  std::string transfer_encoding;  ///< lower-cased Content-Transfer-Encoding; "7bit" if absent
  std::string filename;  ///< Content-Disposition filename (else Content-Type name), RFC 2047 decoded
  bool attachment = false;  ///< Content-Disposition: attachment, or a filename is given
  std::string raw_body;     ///< as transmitted (CRLF kept)
  std::string body;         ///< transfer encoding undone (base64 / quoted-printable)

  /// First header with this name (case-insensitive), raw.
  std::optional<std::string> header(std::string_view name) const;
};

struct MailMessage {
  MailHeaders headers;       ///< top-level header fields
  std::vector<MailPart> parts;  ///< leaf parts in order (one for a single-part message)
  std::string text;          ///< body of the first non-attachment text/plain part, decoded
  std::vector<MailPart> attachments;  ///< parts marked as attachments, in order

  /// First top-level header with this name (case-insensitive), raw (still RFC 2047 encoded).
  std::optional<std::string> header(std::string_view name) const;
  /// Number of top-level headers with this name (e.g. to check a single Subject).
  std::size_t header_count(std::string_view name) const;
  /// The header with RFC 2047 encoded words decoded (what a mail reader shows); "" if absent.
  std::string decoded_header(std::string_view name) const;
};

/// Parses a raw RFC 5322 message as recorded (CRLF or LF line ends). Never throws; a part it
/// cannot make sense of is kept with body == raw_body.
MailMessage parse_mail(std::string_view raw);

/// The value of parameter `name` in a structured header value ("text/plain; charset=utf-8"),
/// unquoted; "" if absent.
std::string header_param(std::string_view value, std::string_view name);

}  // namespace notify::test
