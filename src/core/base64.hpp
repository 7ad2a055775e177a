#pragma once
// Standard base64 (RFC 4648, padded): e-mail bodies and attachments, and
// reading them back for a dry run.

#include <optional>
#include <string>
#include <string_view>

namespace notify {

/// Padded base64, one line.
std::string base64_encode(std::string_view bytes);
/// Padded base64 with CR, LF, space and tab skipped; nullopt on any other
/// character outside the alphabet or a length that is not a multiple of 4.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace notify
