#pragma once
// A scriptable in-process ESMTP server on 127.0.0.1 for e-mail tests, speaking
// what libcurl's smtp:// and smtps:// use:
//
//   greeting 220; EHLO (multi-line 250 listing, as configured: STARTTLS, AUTH
//   <mechanisms>, SIZE <max>, 8BITMIME) and HELO; STARTTLS (220, then a TLS
//   handshake with the TestPki server certificate; the session restarts and
//   bytes the client pipelined before the handshake are discarded); AUTH PLAIN
//   and AUTH LOGIN, with or without an initial response (235, or 535 for a wrong
//   user/password, 504 for another mechanism, 501 for bad base64, 503 when
//   already authenticated); MAIL FROM:<a> [params] (552 when SIZE= exceeds the
//   maximum), RCPT TO:<a> (any number), DATA (354, then lines up to "." with
//   one leading dot removed from each line; 250 and the message is recorded, or
//   552 when it exceeds the maximum size); RSET, NOOP, QUIT (221, then close).
//   Out of order commands get 503, unknown ones 500, a second STARTTLS 503.
//
// Policies: with a user configured, MAIL before AUTH gets 530 5.7.0; with
// require_tls, AUTH and MAIL before STARTTLS get 530 5.7.0 and AUTH is only
// advertised once TLS is on (as Postfix's smtpd_tls_auth_only does).
//
// Faults are queued with push_fault() and consumed by the next matching step on
// any connection: answer with a scripted code, drop the connection, or wait
// first. Connections are served by one thread each; the destructor cuts them
// all, so a stuck client never delays a test's end.
//
//   TestPki pki;
//   FakeSmtpServer::Options o;  // GCC 12 warns on partial designated initializers
//   o.pki = &pki, o.user = "u", o.password = "p";
//   FakeSmtpServer smtp(o);
//   smtp.push_fault(SmtpFault::reply_at(SmtpStep::rcpt, 451));
//   ... run notify with smtp_url = smtp.url() and ca_file = pki.ca_cert() ...
//   MailMessage mail = parse_mail(smtp.messages().at(0).data);  // mail_message.hpp
//
// Messages are recorded before the 250 is sent, so they are there when the
// client returns; the outcome of a refused TLS handshake is known only once
// the client hung up (wait_until_idle()).

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

namespace notify::test {

class TestPki;

/// A point in the SMTP dialogue where a fault can be injected.
enum class SmtpStep {
  greeting,  ///< the 220 banner
  ehlo,      ///< EHLO or HELO
  starttls,  ///< the STARTTLS command (before the handshake)
  auth,      ///< the AUTH command's final answer (after any 334 exchange)
  mail,      ///< MAIL FROM
  rcpt,      ///< RCPT TO
  data,      ///< the DATA command (before the 354)
  message,   ///< the answer after the terminating "."
  rset,
  noop,
  quit,
};

/// What happens at the next occurrence of a step.
struct SmtpFault {
  SmtpStep step = SmtpStep::greeting;
  int code = 0;       ///< reply with this code instead of the normal answer; 0 = normal answer
  std::string text;   ///< reply text after the code; "" picks a generic one
  bool drop = false;  ///< close the connection instead of answering
  std::chrono::milliseconds delay{0};  ///< wait this long before answering (or dropping)
  int skip = 0;  ///< let this many occurrences of the step pass first (e.g. 1 = second RCPT)

  /// Answer `code` (with `text`, or a generic text for the code) at the next `step`.
  static SmtpFault reply_at(SmtpStep step, int code, std::string text = {});
  /// Close the connection at the next `step`, without answering.
  static SmtpFault drop_at(SmtpStep step);
  /// Answer normally at the next `step`, after waiting `delay`.
  static SmtpFault delay_at(SmtpStep step, std::chrono::milliseconds delay);
  /// This fault, applied only after `occurrences` of its step went by normally.
  SmtpFault after(int occurrences) const;
};

/// One message the server accepted (250 after DATA).
struct SmtpMessage {
  std::string from;                     ///< MAIL FROM address, without <>
  std::string mail_params;              ///< MAIL FROM parameters as sent ("SIZE=123"), "" if none
  std::vector<std::string> recipients;  ///< accepted RCPT TO addresses, without <>, in order
  std::string data;       ///< the message as sent, dot-unstuffed, without the final "."
  bool tls = false;       ///< TLS was on when DATA was sent
  std::string user;       ///< authenticated user, "" if the session did not authenticate
  std::string mechanism;  ///< "PLAIN" or "LOGIN" when authenticated
  std::size_t connection = 0;  ///< 1-based number of the connection that carried it
};

/// One command line received (AUTH continuation lines included, message data excluded).
struct SmtpCommand {
  std::size_t connection = 0;  ///< 1-based connection number
  bool tls = false;            ///< TLS was on when it arrived
  std::string line;            ///< without CRLF
};

class FakeSmtpServer {
 public:
  struct Options {
    const TestPki* pki = nullptr;  ///< required for STARTTLS and implicit TLS; must outlive us
    bool implicit_tls = false;     ///< smtps://: TLS handshake before the greeting
    bool starttls = true;          ///< advertise STARTTLS (when pki is set and not implicit)
    bool require_tls = false;      ///< refuse AUTH and MAIL in clear (530)
    std::string user;              ///< "" = no AUTH advertised and none required
    std::string password;
    std::vector<std::string> auth_mechanisms{"PLAIN", "LOGIN"};  ///< advertised, in order
    std::size_t max_size = 10 * 1024 * 1024;  ///< advertised as SIZE; 0 = no SIZE, no limit
    bool eightbitmime = true;                 ///< advertise 8BITMIME
    std::string hostname = "fake-smtp.test";  ///< in the banner and the EHLO reply
  };

  /// Starts listening on 127.0.0.1 (a free port); throws std::runtime_error on failure and
  /// std::invalid_argument when TLS is asked for without a TestPki.
  explicit FakeSmtpServer(Options options);
  FakeSmtpServer() : FakeSmtpServer(Options{}) {}
  /// Cuts every open connection, cutting short any fault delay, and joins all threads.
  ~FakeSmtpServer();
  FakeSmtpServer(const FakeSmtpServer&) = delete;
  FakeSmtpServer& operator=(const FakeSmtpServer&) = delete;

  /// "smtp://127.0.0.1:PORT" or, with implicit_tls, "smtps://127.0.0.1:PORT".
  std::string url() const;
  int port() const { return port_; }

  /// Queues a fault; faults for different steps wait independently, same-step ones in order.
  void push_fault(SmtpFault fault);

  /// Thread-safe copy of the accepted messages, in order.
  std::vector<SmtpMessage> messages() const;
  std::size_t message_count() const;
  /// Waits until at least n messages were accepted; false on timeout.
  bool wait_for_messages(std::size_t n, std::chrono::milliseconds timeout) const;
  /// Every command line received so far, in arrival order.
  std::vector<SmtpCommand> commands() const;
  /// Number of connections accepted so far.
  std::size_t connection_count() const;
  /// Number of TLS handshakes that failed (e.g. the client rejected the certificate). The
  /// server learns of it after the client gave up: wait_until_idle() first.
  std::size_t tls_failures() const;
  /// Waits until every accepted connection has ended (clients hung up); false on timeout.
  bool wait_until_idle(std::chrono::milliseconds timeout) const;
  /// Forgets messages, commands and queued faults (counters stay).
  void reset();

 private:
  struct Session;
  class Connection;
  void accept_loop();
  void serve(int fd, std::size_t number);
  void run_session(Connection& conn, std::size_t number);
  std::optional<SmtpFault> take_fault(SmtpStep step);
  bool sleep_unless_stopping(std::chrono::milliseconds d);

  Options options_;
  int port_ = 0;
  int listen_fd_ = -1;
  int wake_pipe_[2] = {-1, -1};
  struct SslCtx;
  std::unique_ptr<SslCtx> ssl_;
  std::thread acceptor_;

  mutable std::mutex mutex_;  // guards everything below
  mutable std::condition_variable cv_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
  std::set<int> open_fds_;
  std::deque<SmtpFault> faults_;
  std::vector<SmtpMessage> messages_;
  std::vector<SmtpCommand> commands_;
  std::size_t connections_ = 0;
  std::size_t tls_failures_ = 0;
};

}  // namespace notify::test
