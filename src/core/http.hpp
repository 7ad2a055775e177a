#pragma once
// The one seam between notify and the network, as plain types every layer
// may name: services build HttpRequests and interpret HttpResponses; only an
// HttpClient implementation (transport/) sends.

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace notify {

using Header = std::pair<std::string, std::string>;

/// What an SMTP transfer needs beyond a URL and a body (the whole RFC 5322
/// message): the envelope and the login. Never print `password`.
struct MailEnvelope {
  std::string from;               ///< MAIL FROM address, without <>
  std::vector<std::string> rcpt;  ///< RCPT TO addresses, without <>
  std::string username;           ///< "" = no AUTH
  std::string password;
  /// smtp:// must upgrade with STARTTLS or fail; false still upgrades when
  /// the server offers it (verified), and only then sends in clear.
  bool require_tls = true;
};

struct HttpRequest {
  std::string method = "POST";  ///< "SMTP" when `mail` is set
  std::string url;
  std::vector<Header> headers;
  std::string body;
  /// Set for e-mail: the transfer speaks smtp/smtps, and only then.
  std::optional<MailEnvelope> mail = std::nullopt;
};

/// Why a transfer produced no HTTP status.
enum class TransportError { none, connect, timeout, tls, other };

struct HttpResponse {
  /// The status line's code; 0 when none arrived. Kept when the transfer
  /// then failed: a 2xx whose body stalls was still accepted by the server.
  long status = 0;  ///< SMTP: the last reply code (250 only counts with error == none)
  std::vector<Header> headers;  ///< names lower-cased
  std::string body;  ///< SMTP: the server's last reply, all its lines
  TransportError error = TransportError::none;
  std::string error_text;  ///< libcurl's message; may hold secrets, mask it
  std::int64_t received_unix = 0;  ///< wall clock at the answer (HTTP-date Retry-After)

  /// First header with this (lower-case) name.
  std::optional<std::string> header(std::string_view name) const {
    for (const auto& [k, v] : headers)
      if (k == name) return v;
    return std::nullopt;
  }
};

struct RequestOptions {
  std::chrono::milliseconds timeout{10000};
  std::string ca_file;  ///< extra CA bundle; empty = system default
};

/// Runs any number of transfers concurrently. start() queues one; poll()
/// drives them and calls each handler once, on the calling thread.
class HttpClient {
 public:
  using Handler = std::function<void(HttpResponse)>;
  virtual ~HttpClient() = default;
  virtual void start(HttpRequest request, RequestOptions options,
                     Handler on_done) = 0;
  /// Drives the transfers and calls the handlers of those that finished.
  /// Sleeps (never spins) until one finishes, max_wait passes or wake_fd
  /// (if >= 0) becomes readable, also when no transfer is running.
  /// Returns how many are still running.
  virtual std::size_t poll(std::chrono::milliseconds max_wait, int wake_fd = -1) = 0;
  /// Abandons every running transfer. Their handlers are not called,
  /// except for a transfer whose status line already said 2xx: the server
  /// took that request, so its handler gets the status (and `error` set).
  virtual void cancel_all() = 0;
};

}  // namespace notify
