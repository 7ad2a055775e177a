#include "support/fake_smtp.hpp"
#include "support/strings.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "support/mail_codec.hpp"
#include "support/test_pki.hpp"

namespace notify::test {

namespace {

std::string upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}


std::string_view trim_blanks(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// "FROM:<a@b> SIZE=1" after the keyword: the address inside <> and what follows.
bool parse_path(std::string_view args, std::string_view keyword, std::string& address,
                std::string& params) {
  if (!starts_with_ci(args, keyword)) return false;
  args = trim_blanks(args.substr(keyword.size()));
  if (args.empty() || args.front() != '<') return false;
  const auto close = args.find('>');
  if (close == std::string_view::npos) return false;
  address = std::string(args.substr(1, close - 1));
  params = std::string(trim_blanks(args.substr(close + 1)));
  return true;
}

std::string generic_text(int code) {
  switch (code) {
    case 421: return "4.3.2 Service not available, closing transmission channel";
    case 450: return "4.2.1 Mailbox temporarily unavailable";
    case 451: return "4.3.0 Local error in processing, try again later";
    case 452: return "4.5.3 Insufficient system storage";
    case 454: return "4.7.0 TLS not available due to temporary reason";
    case 530: return "5.7.0 Authentication required";
    case 535: return "5.7.8 Authentication credentials invalid";
    case 550: return "5.1.1 Mailbox unavailable";
    case 552: return "5.3.4 Message size exceeds fixed limit";
    case 553: return "5.1.3 Mailbox name not allowed";
    case 554: return "5.7.1 Transaction failed";
    default: return "Scripted reply";
  }
}


}  // namespace

SmtpFault SmtpFault::reply_at(SmtpStep step, int code, std::string text) {
  SmtpFault f;
  f.step = step;
  f.code = code;
  f.text = std::move(text);
  return f;
}

SmtpFault SmtpFault::drop_at(SmtpStep step) {
  SmtpFault f;
  f.step = step;
  f.drop = true;
  return f;
}

SmtpFault SmtpFault::delay_at(SmtpStep step, std::chrono::milliseconds delay) {
  SmtpFault f;
  f.step = step;
  f.delay = delay;
  return f;
}

SmtpFault SmtpFault::after(int occurrences) const {
  SmtpFault f = *this;
  f.skip = occurrences;
  return f;
}

struct FakeSmtpServer::SslCtx {
  SSL_CTX* ctx = nullptr;
  ~SslCtx() { SSL_CTX_free(ctx); }
};

// One client socket, plain or TLS, with line-oriented reads.
class FakeSmtpServer::Connection {
 public:
  explicit Connection(int fd) : fd_(fd) {}
  ~Connection() {
    if (ssl_ != nullptr) SSL_free(ssl_);
    ::close(fd_);
  }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  bool tls() const { return ssl_ != nullptr; }

  bool start_tls(SSL_CTX* ctx) {
    buffer_.clear();  // plaintext pipelined before the handshake must not count (CVE-2011-0411)
    ssl_ = SSL_new(ctx);
    if (ssl_ == nullptr || SSL_set_fd(ssl_, fd_) != 1 || SSL_accept(ssl_) != 1) {
      ERR_clear_error();
      if (ssl_ != nullptr) SSL_free(ssl_);
      ssl_ = nullptr;
      return false;
    }
    return true;
  }

  bool write(std::string_view s) {
    while (!s.empty()) {
      long n = 0;
      if (ssl_ != nullptr) {
        n = SSL_write(ssl_, s.data(), static_cast<int>(s.size()));
        if (n <= 0) ERR_clear_error();
      } else {
        n = ::send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
      }
      if (n <= 0) return false;
      s.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  /// One line including its "\n" (or what is left at EOF); false at EOF with nothing read.
  bool read_line(std::string& line) {
    for (;;) {
      const auto nl = buffer_.find('\n');
      if (nl != std::string::npos) {
        line = buffer_.substr(0, nl + 1);
        buffer_.erase(0, nl + 1);
        return true;
      }
      char chunk[4096];
      long n = 0;
      if (ssl_ != nullptr) {
        n = SSL_read(ssl_, chunk, sizeof chunk);
        if (n <= 0) ERR_clear_error();
      } else {
        n = ::recv(fd_, chunk, sizeof chunk, 0);
      }
      if (n <= 0) {
        line = std::move(buffer_);
        buffer_.clear();
        return !line.empty();
      }
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
  }

 private:
  int fd_;
  SSL* ssl_ = nullptr;
  std::string buffer_;
};

FakeSmtpServer::FakeSmtpServer(Options options) : options_(std::move(options)) {
  ignore_sigpipe_once();
  const bool wants_tls = options_.implicit_tls || options_.require_tls;
  if (wants_tls && options_.pki == nullptr)
    throw std::invalid_argument("FakeSmtpServer: TLS needs a TestPki");
  if (options_.pki != nullptr) {
    ssl_ = std::make_unique<SslCtx>();
    ssl_->ctx = SSL_CTX_new(TLS_server_method());
    const bool ok =
        ssl_->ctx != nullptr &&
        SSL_CTX_use_certificate_chain_file(ssl_->ctx, options_.pki->server_cert().c_str()) == 1 &&
        SSL_CTX_use_PrivateKey_file(ssl_->ctx, options_.pki->server_key().c_str(),
                                    SSL_FILETYPE_PEM) == 1;
    if (!ok) {
      ERR_clear_error();
      throw std::runtime_error("FakeSmtpServer: cannot load the test certificate");
    }
  }

  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (listen_fd_ < 0 || ::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, 64) != 0 ||
      ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) != 0 ||
      ::pipe2(wake_pipe_, O_CLOEXEC) != 0) {
    if (listen_fd_ >= 0) ::close(listen_fd_);
    throw std::runtime_error("FakeSmtpServer: cannot listen on 127.0.0.1");
  }
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::thread([this] { accept_loop(); });
}

FakeSmtpServer::~FakeSmtpServer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
    for (const int fd : open_fds_) ::shutdown(fd, SHUT_RDWR);
  }
  cv_.notify_all();
  const char byte = 0;
  [[maybe_unused]] const auto n = ::write(wake_pipe_[1], &byte, 1);
  if (acceptor_.joinable()) acceptor_.join();
  for (auto& worker : workers_) worker.join();  // the acceptor no longer adds any
  ::close(listen_fd_);
  ::close(wake_pipe_[0]);
  ::close(wake_pipe_[1]);
}

std::string FakeSmtpServer::url() const {
  return std::string(options_.implicit_tls ? "smtps" : "smtp") + "://127.0.0.1:" +
         std::to_string(port_);
}

void FakeSmtpServer::push_fault(SmtpFault fault) {
  std::lock_guard lock(mutex_);
  faults_.push_back(std::move(fault));
}

std::vector<SmtpMessage> FakeSmtpServer::messages() const {
  std::lock_guard lock(mutex_);
  return messages_;
}

std::size_t FakeSmtpServer::message_count() const {
  std::lock_guard lock(mutex_);
  return messages_.size();
}

bool FakeSmtpServer::wait_for_messages(std::size_t n, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
}

std::vector<SmtpCommand> FakeSmtpServer::commands() const {
  std::lock_guard lock(mutex_);
  return commands_;
}

std::size_t FakeSmtpServer::connection_count() const {
  std::lock_guard lock(mutex_);
  return connections_;
}

std::size_t FakeSmtpServer::tls_failures() const {
  std::lock_guard lock(mutex_);
  return tls_failures_;
}

bool FakeSmtpServer::wait_until_idle(std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return open_fds_.empty(); });
}

void FakeSmtpServer::reset() {
  std::lock_guard lock(mutex_);
  messages_.clear();
  commands_.clear();
  faults_.clear();
}

std::optional<SmtpFault> FakeSmtpServer::take_fault(SmtpStep step) {
  std::lock_guard lock(mutex_);
  const auto it = std::find_if(faults_.begin(), faults_.end(),
                               [&](const SmtpFault& f) { return f.step == step; });
  if (it == faults_.end()) return std::nullopt;
  if (it->skip > 0) {
    --it->skip;
    return std::nullopt;
  }
  SmtpFault fault = std::move(*it);
  faults_.erase(it);
  return fault;
}

bool FakeSmtpServer::sleep_unless_stopping(std::chrono::milliseconds d) {
  std::unique_lock lock(mutex_);
  return !cv_.wait_for(lock, d, [&] { return stopping_; });
}

void FakeSmtpServer::accept_loop() {
  for (;;) {
    pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {wake_pipe_[0], POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) continue;
    if (fds[1].revents != 0) return;
    if ((fds[0].revents & POLLIN) == 0) continue;
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    std::lock_guard lock(mutex_);
    if (stopping_) {
      ::close(fd);
      return;
    }
    open_fds_.insert(fd);
    const std::size_t number = ++connections_;
    workers_.emplace_back([this, fd, number] { serve(fd, number); });
  }
}

void FakeSmtpServer::serve(int fd, std::size_t number) {
  {
    Connection conn(fd);
    if (options_.implicit_tls && !conn.start_tls(ssl_->ctx)) {
      std::lock_guard lock(mutex_);
      ++tls_failures_;
    } else {
      run_session(conn, number);
    }
    // Leave the set before the descriptor is closed, so the destructor never
    // shuts down a number the system has already handed to someone else.
    {
      std::lock_guard lock(mutex_);
      open_fds_.erase(fd);
    }
    cv_.notify_all();
  }
}

// The SMTP state of one connection; STARTTLS starts it afresh.
struct FakeSmtpServer::Session {
  bool greeted = false;
  std::string user, mechanism;
  bool in_mail = false;
  std::string from, params;
  std::vector<std::string> recipients;

  void reset_transaction() {
    in_mail = false;
    from.clear();
    params.clear();
    recipients.clear();
  }
};

void FakeSmtpServer::run_session(Connection& conn, std::size_t number) {
  Session s;
  const bool can_starttls = options_.starttls && ssl_ && !options_.implicit_tls;
  auto reply = [&](int code, std::string_view text) {
    return conn.write(std::to_string(code) + " " + std::string(text) + "\r\n");
  };

  // Consults the fault queue for a step: nullopt = carry on normally, true = the fault
  // answered and the session goes on, false = the session is over.
  auto fault_at = [&](SmtpStep step) -> std::optional<bool> {
    auto fault = take_fault(step);
    if (!fault) return std::nullopt;
    if (fault->delay.count() > 0 && !sleep_unless_stopping(fault->delay)) return false;
    if (fault->drop) return false;
    if (fault->code == 0) return std::nullopt;
    const bool sent = reply(fault->code, fault->text.empty() ? generic_text(fault->code) : fault->text);
    return sent && fault->code != 421;  // 421 announces the close (RFC 5321 3.8)
  };

  auto record = [&](std::string line) {
    if (!line.empty() && line.back() == '\n') line.pop_back();
    if (!line.empty() && line.back() == '\r') line.pop_back();
    std::lock_guard lock(mutex_);
    commands_.push_back(SmtpCommand{number, conn.tls(), line});
    return line;
  };

  // Reads one AUTH continuation line, decoded; nullopt when the client aborts or hangs up.
  bool hung_up = false;
  auto read_auth_line = [&](std::string& error) -> std::optional<std::string> {
    std::string raw;
    if (!conn.read_line(raw)) {
      hung_up = true;
      return std::nullopt;
    }
    const std::string line = record(raw);
    if (line == "*") {
      error = "501 5.7.0 Authentication aborted";
      return std::nullopt;
    }
    auto decoded = base64_decode(line);
    if (!decoded) error = "501 5.5.2 Cannot decode response";
    return decoded;
  };

  if (fault_at(SmtpStep::greeting)) return;  // a scripted banner ends it
  if (!reply(220, options_.hostname + " ESMTP fake")) return;

  std::string raw;
  while (conn.read_line(raw)) {
    const std::string line = record(raw);
    const auto space = line.find(' ');
    const std::string verb = upper(line.substr(0, space));
    const std::string args =
        space == std::string::npos ? std::string{} : std::string(trim_blanks(line.substr(space + 1)));
    bool ok = true;

    if (verb == "EHLO" || verb == "HELO") {
      if (const auto f = fault_at(SmtpStep::ehlo)) {
        if (!*f) return;
        continue;
      }
      s.reset_transaction();
      s.greeted = true;
      if (verb == "HELO") {
        ok = reply(250, options_.hostname);
      } else {
        std::vector<std::string> lines{options_.hostname + " greets " + args};
        if (can_starttls && !conn.tls()) lines.emplace_back("STARTTLS");
        if (!options_.user.empty() && !options_.auth_mechanisms.empty() &&
            (conn.tls() || !options_.require_tls)) {
          std::string auth = "AUTH";
          for (const auto& m : options_.auth_mechanisms) auth += " " + m;
          lines.push_back(auth);
        }
        if (options_.max_size > 0) lines.push_back("SIZE " + std::to_string(options_.max_size));
        if (options_.eightbitmime) lines.emplace_back("8BITMIME");
        std::string text;
        for (std::size_t i = 0; i < lines.size(); ++i)
          text += "250" + std::string(i + 1 < lines.size() ? "-" : " ") + lines[i] + "\r\n";
        ok = conn.write(text);
      }
    } else if (verb == "STARTTLS") {
      if (!can_starttls) {
        ok = reply(502, "5.5.1 STARTTLS not available");
      } else if (conn.tls()) {
        ok = reply(503, "5.5.1 TLS already active");
      } else if (!args.empty()) {
        ok = reply(501, "5.5.4 Syntax: STARTTLS");
      } else if (const auto f = fault_at(SmtpStep::starttls)) {
        if (!*f) return;
      } else {
        if (!reply(220, "2.0.0 Ready to start TLS")) return;
        if (!conn.start_tls(ssl_->ctx)) {
          std::lock_guard lock(mutex_);
          ++tls_failures_;
          return;
        }
        s = Session{};
      }
    } else if (verb == "AUTH") {
      const auto sp = args.find(' ');
      const std::string mechanism = upper(args.substr(0, sp));
      const std::string initial = sp == std::string::npos ? std::string{} : args.substr(sp + 1);
      const bool offered =
          std::find(options_.auth_mechanisms.begin(), options_.auth_mechanisms.end(), mechanism) !=
          options_.auth_mechanisms.end();
      if (options_.user.empty()) {
        ok = reply(503, "5.5.1 Authentication not enabled");
      } else if (options_.require_tls && !conn.tls()) {
        ok = reply(530, "5.7.0 Must issue a STARTTLS command first");
      } else if (!s.user.empty()) {
        ok = reply(503, "5.5.1 Already authenticated");
      } else if (s.in_mail) {
        ok = reply(503, "5.5.1 AUTH not allowed during a mail transaction");
      } else if (!offered) {
        ok = reply(504, "5.5.4 Unrecognized authentication type");
      } else {
        std::string error, user, password;
        if (mechanism == "PLAIN") {
          std::optional<std::string> blob;
          if (initial.empty()) {
            if (!reply(334, "")) return;
            blob = read_auth_line(error);
          } else {
            blob = initial == "=" ? std::string{} : base64_decode(initial);
            if (!blob) error = "501 5.5.2 Cannot decode response";
          }
          // authzid NUL authcid NUL password
          const auto nul1 = blob ? blob->find('\0') : std::string::npos;
          const auto nul2 = nul1 == std::string::npos ? nul1 : blob->find('\0', nul1 + 1);
          if (blob && nul2 != std::string::npos) {
            user = blob->substr(nul1 + 1, nul2 - nul1 - 1);
            password = blob->substr(nul2 + 1);
          } else if (blob) {
            error = "501 5.5.2 Malformed PLAIN response";
          }
        } else {  // LOGIN
          std::optional<std::string> name;
          if (initial.empty()) {
            if (!reply(334, "VXNlcm5hbWU6")) return;  // "Username:"
            name = read_auth_line(error);
          } else {
            name = base64_decode(initial);
            if (!name) error = "501 5.5.2 Cannot decode response";
          }
          if (name) {
            user = *name;
            if (!reply(334, "UGFzc3dvcmQ6")) return;  // "Password:"
            const auto pass = read_auth_line(error);
            if (pass) password = *pass;
          }
        }
        if (hung_up) return;
        if (!error.empty()) {
          ok = conn.write(error + "\r\n");
        } else if (const auto f = fault_at(SmtpStep::auth)) {
          if (!*f) return;
        } else if (user == options_.user && password == options_.password) {
          s.user = user;
          s.mechanism = mechanism;
          ok = reply(235, "2.7.0 Authentication successful");
        } else {
          ok = reply(535, "5.7.8 Authentication credentials invalid");
        }
      }
    } else if (verb == "MAIL") {
      std::string address, params;
      if (!s.greeted) {
        ok = reply(503, "5.5.1 Send HELO/EHLO first");
      } else if (options_.require_tls && !conn.tls()) {
        ok = reply(530, "5.7.0 Must issue a STARTTLS command first");
      } else if (!options_.user.empty() && s.user.empty()) {
        ok = reply(530, "5.7.0 Authentication required");
      } else if (s.in_mail) {
        ok = reply(503, "5.5.1 Nested MAIL command");
      } else if (!parse_path(args, "FROM:", address, params)) {
        ok = reply(501, "5.5.4 Syntax: MAIL FROM:<address>");
      } else if (const auto f = fault_at(SmtpStep::mail)) {
        if (!*f) return;
      } else {
        std::size_t declared = 0;
        for (std::size_t pos = 0; pos < params.size();) {
          const auto end = params.find(' ', pos);
          const std::string p = params.substr(pos, end == std::string::npos ? end : end - pos);
          if (starts_with_ci(p, "SIZE=")) declared = std::strtoull(p.c_str() + 5, nullptr, 10);
          pos = end == std::string::npos ? params.size() : end + 1;
        }
        if (options_.max_size > 0 && declared > options_.max_size) {
          ok = reply(552, "5.3.4 Message size exceeds fixed limit");
        } else {
          s.in_mail = true;
          s.from = address;
          s.params = params;
          ok = reply(250, "2.1.0 Ok");
        }
      }
    } else if (verb == "RCPT") {
      std::string address, params;
      if (!s.in_mail) {
        ok = reply(503, "5.5.1 Need MAIL command");
      } else if (!parse_path(args, "TO:", address, params) || address.empty()) {
        ok = reply(501, "5.5.4 Syntax: RCPT TO:<address>");
      } else if (const auto f = fault_at(SmtpStep::rcpt)) {
        if (!*f) return;
      } else {
        s.recipients.push_back(address);
        ok = reply(250, "2.1.5 Ok");
      }
    } else if (verb == "DATA") {
      if (!s.in_mail) {
        ok = reply(503, "5.5.1 Need MAIL command");
      } else if (s.recipients.empty()) {
        ok = reply(554, "5.5.1 No valid recipients");
      } else if (const auto f = fault_at(SmtpStep::data)) {
        if (!*f) return;
      } else {
        if (!reply(354, "End data with <CR><LF>.<CR><LF>")) return;
        std::string data, chunk;
        bool complete = false;
        while (conn.read_line(chunk)) {
          if (chunk == ".\r\n" || chunk == ".\n") {
            complete = true;
            break;
          }
          if (chunk.front() == '.') chunk.erase(0, 1);  // RFC 5321 4.5.2 transparency
          data += chunk;
        }
        if (!complete) return;  // the client hung up mid-message: nothing was delivered
        if (const auto end = fault_at(SmtpStep::message)) {
          if (!*end) return;
        } else if (options_.max_size > 0 && data.size() > options_.max_size) {
          ok = reply(552, "5.3.4 Message size exceeds fixed limit");
        } else {
          std::size_t count = 0;
          {
            std::lock_guard lock(mutex_);
            messages_.push_back(SmtpMessage{s.from, s.params, s.recipients, std::move(data),
                                            conn.tls(), s.user, s.mechanism, number});
            count = messages_.size();
          }
          cv_.notify_all();
          char id[32];
          std::snprintf(id, sizeof id, "FAKE%06zu", count);
          ok = reply(250, std::string("2.0.0 Ok: queued as ") + id);
        }
        s.reset_transaction();
      }
    } else if (verb == "RSET") {
      if (const auto f = fault_at(SmtpStep::rset)) {
        if (!*f) return;
      } else {
        s.reset_transaction();
        ok = reply(250, "2.0.0 Ok");
      }
    } else if (verb == "NOOP") {
      if (const auto f = fault_at(SmtpStep::noop)) {
        if (!*f) return;
      } else {
        ok = reply(250, "2.0.0 Ok");
      }
    } else if (verb == "QUIT") {
      if (const auto f = fault_at(SmtpStep::quit)) {
        if (!*f) return;
      } else {
        reply(221, "2.0.0 Bye");
      }
      return;
    } else {
      ok = reply(500, "5.5.2 Error: command not recognized");
    }
    if (!ok) return;
  }
}

}  // namespace notify::test
