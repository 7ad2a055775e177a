#pragma once
// Decoders for what mail and ntfy carry in 7-bit form: base64, quoted-printable
// and RFC 2047 encoded words. Written independently of src/ so that tests
// check the product's encoders against a second implementation.

#include <optional>
#include <string>
#include <string_view>

namespace notify::test {

/// Standard base64 (RFC 4648), padding required; whitespace (line breaks) is skipped.
/// nullopt on any other character or a bad length.
std::optional<std::string> base64_decode(std::string_view text);
/// Standard base64 with padding, no line breaks.
std::string base64_encode(std::string_view bytes);
/// Quoted-printable body (RFC 2045 6.7): "=XX" escapes, soft line breaks "=\r\n" / "=\n"
/// removed. A malformed escape is kept as is (as lenient readers do).
std::string quoted_printable_decode(std::string_view text);
/// Decodes every RFC 2047 encoded word ("=?charset?B|Q?...?=") in a header value; the
/// whitespace between two adjacent encoded words is dropped. The charset is not converted
/// (tests send UTF-8). Words that do not decode are left as they are.
std::string rfc2047_decode(std::string_view value);

}  // namespace notify::test
