#include "services/service.hpp"

#include <cstdlib>

#include "services/registry.hpp"
#include "services/server_wait.hpp"
#include "core/mask.hpp"
#include "message/remote.hpp"


namespace notify::services {

std::optional<HttpRequest> Service::plain(const HttpRequest&) const {
  return std::nullopt;
}

std::string Service::plain_note(const HttpRequest&) const { return ""; }

std::vector<std::string> Service::notes(const Message&) const { return {}; }

namespace {

const char* transport_words(TransportError e) {
  switch (e) {
    case TransportError::connect: return "could not connect";
    case TransportError::timeout: return "timed out";
    case TransportError::tls: return "TLS verification failed";
    case TransportError::other: return "transfer failed";
    case TransportError::none: break;
  }
  return "transfer failed";
}

}  // namespace

std::string body_text(const HttpResponse& r) {
  return message::remote_error_text(r.status, r.header("content-type").value_or(""), r.body);
}

Verdict generic_verdict(const HttpResponse& r, std::string error) {
  Verdict v;
  // Accepted once the status line says so, even if the body then stalls:
  // sending it again would deliver it twice.
  if (r.status >= 200 && r.status < 300) {
    v.kind = Verdict::Kind::delivered;
    return v;
  }
  if (r.error != TransportError::none) {
    v.error = std::string(transport_words(r.error)) +
              (r.error_text.empty() ? "" : ": " + r.error_text);
    if (r.error == TransportError::tls) {
      // A certificate problem does not fix itself in a second.
      v.kind = Verdict::Kind::fail;
      v.hint = "set ca_file in the profile, or CURL_CA_BUNDLE, for a private CA";
    } else {
      v.kind = Verdict::Kind::retry;
    }
    return v;
  }
  if (r.status >= 300 && r.status < 400) {
    // A moved webhook never comes back by itself; libcurl does not follow
    // redirects, so a POST is never replayed somewhere the user did not name.
    v.kind = Verdict::Kind::fail;
    const auto location = r.header("location");
    v.error = message::status_line(r.status) + ": the webhook moved" +
              (location ? " to " + mask_url(message::printable_remote(*location), all_url_shapes()) : "") +
              "; copy it again";
    v.hint = "copy the webhook URL (or api_base) again from the service into the profile";
    return v;
  }
  // An HTML page was summarised as its status line already.
  error = message::printable_remote(error);
  const std::string status = "HTTP " + std::to_string(r.status);
  v.error = error.empty() ? status : error.rfind(status, 0) == 0 ? error : status + ": " + error;
  if (r.status == 429 || r.status >= 500 || r.status == 408) {
    v.kind = Verdict::Kind::retry;
    if (auto h = r.header("retry-after")) v.retry_after = parse_retry_after(*h, r.received_unix);
  } else {
    v.kind = Verdict::Kind::fail;
    if (r.status == 401 || r.status == 403)
      v.hint = "check the token or webhook URL in the profile";
    else if (r.status == 404)
      v.hint = "check the webhook URL or api_base in the profile";
  }
  return v;
}

}  // namespace notify::services
