#pragma once
// What --dry-run shows of an e-mail request, so that a user checks the mail
// without reading base64.

#include <string>

#include "core/http.hpp"

namespace notify::services {

/// The server (URL masked), the TLS policy, the login with the password
/// never shown, the envelope, then the message as the recipient reads it:
/// headers with encoded words decoded, the text decoded, each attachment as
/// its name and size. Reads what compose_mail() writes; a body it cannot
/// decode is shown as transmitted.
std::string email_preview(const HttpRequest& request);

}  // namespace notify::services
