// Self-tests of the fake SMTP server, driven by libcurl itself: the e-mail
// service will trust this fake, so it must fail and succeed where a real
// server (and libcurl against it) would.

#include <arpa/inet.h>
#include <curl/curl.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/fake_smtp.hpp"
#include "support/mail_codec.hpp"
#include "support/mail_message.hpp"
#include "support/test_pki.hpp"

namespace notify::test {
namespace {

using namespace std::chrono_literals;

const TestPki& pki() {
  static const TestPki instance;  // key generation is the slow part; share it
  return instance;
}

struct Mail {
  std::string url;
  std::string from = "alerts@example.com";
  std::vector<std::string> to{"me@example.com"};
  std::string data = "Subject: hi\r\n\r\nhello\r\n";
  bool require_tls = false;     // CURLUSESSL_ALL
  std::string ca_file;          // "" = the test CA
  std::string user, password;
  std::string login_options;    // e.g. "AUTH=PLAIN"
  bool declare_size = false;    // CURLOPT_INFILESIZE, so MAIL FROM carries SIZE=
  curl_mime* (*mime)(CURL*) = nullptr;  // builds a MIME body instead of data
};

struct Outcome {
  CURLcode code = CURLE_OK;
  long response = 0;  // CURLINFO_RESPONSE_CODE: the last SMTP reply code
};

struct Reader {
  std::string_view rest;
  static size_t read(char* buf, size_t size, size_t n, void* self) {
    auto* r = static_cast<Reader*>(self);
    const size_t len = std::min(size * n, r->rest.size());
    std::copy_n(r->rest.data(), len, buf);
    r->rest.remove_prefix(len);
    return len;
  }
};

Outcome send_mail(const Mail& m) {
  CURL* curl = curl_easy_init();
  curl_slist* rcpts = nullptr;
  for (const auto& r : m.to) rcpts = curl_slist_append(rcpts, ("<" + r + ">").c_str());
  Reader reader{m.data};
  const std::string ca = m.ca_file.empty() ? pki().ca_cert() : m.ca_file;
  const std::string from = "<" + m.from + ">";
  curl_easy_setopt(curl, CURLOPT_URL, m.url.c_str());
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 20L);  // a guard against hangs, not a measurement
  curl_easy_setopt(curl, CURLOPT_NOPROXY, "*");
  curl_easy_setopt(curl, CURLOPT_CAINFO, ca.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts);
  if (m.require_tls) curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
  if (!m.user.empty()) {
    curl_easy_setopt(curl, CURLOPT_USERNAME, m.user.c_str());
    curl_easy_setopt(curl, CURLOPT_PASSWORD, m.password.c_str());
  }
  if (!m.login_options.empty()) curl_easy_setopt(curl, CURLOPT_LOGIN_OPTIONS, m.login_options.c_str());
  curl_mime* mime = m.mime != nullptr ? m.mime(curl) : nullptr;
  if (mime != nullptr) {
    curl_easy_setopt(curl, CURLOPT_MIMEPOST, mime);
  } else {
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, &Reader::read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    if (m.declare_size)
      curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(m.data.size()));
  }
  Outcome out;
  out.code = curl_easy_perform(curl);
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &out.response);
  curl_easy_cleanup(curl);  // sends QUIT
  curl_mime_free(mime);
  curl_slist_free_all(rcpts);
  return out;
}

// A line-level client for what libcurl never sends (RSET, NOOP, bad sequences).
class RawClient {
 public:
  explicit RawClient(int port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{10, 0};  // a guard against hangs
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { ::close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }
  void send(std::string_view text) { ::send(fd_, text.data(), text.size(), MSG_NOSIGNAL); }
  /// The full (possibly multi-line) reply, CRLFs kept; "" when the server closed.
  std::string reply() {
    std::string all;
    for (;;) {
      const std::string line = read_line();
      if (line.empty()) return all;
      all += line;
      if (line.size() < 4 || line[3] != '-') return all;
    }
  }
  /// Sends a command line and returns the reply code (0 when the server closed).
  int command(std::string_view line) {
    send(std::string(line) + "\r\n");
    const std::string r = reply();
    return r.size() >= 3 ? std::stoi(r.substr(0, 3)) : 0;
  }

 private:
  std::string read_line() {
    std::string line;
    char c = 0;
    while (::recv(fd_, &c, 1, 0) == 1) {
      line += c;
      if (c == '\n') break;
    }
    return line;
  }
  int fd_ = -1;
  bool connected_ = false;
};

FakeSmtpServer::Options tls_options() {
  FakeSmtpServer::Options o;
  o.pki = &pki();
  o.user = "alerts@example.com";
  o.password = "s3cret pass";
  return o;
}

std::vector<std::string> verbs_in_clear(const FakeSmtpServer& server) {
  std::vector<std::string> out;
  for (const auto& c : server.commands())
    if (!c.tls) out.push_back(c.line.substr(0, c.line.find(' ')));
  return out;
}

TEST(FakeSmtpTest, starttls_with_the_test_ca_delivers_and_records_the_message) {
  FakeSmtpServer server(tls_options());
  Mail m;
  m.url = server.url();
  m.require_tls = true;
  m.user = "alerts@example.com";
  m.password = "s3cret pass";
  m.to = {"me@example.com"};
  const Outcome out = send_mail(m);
  ASSERT_EQ(out.code, CURLE_OK) << curl_easy_strerror(out.code);
  EXPECT_EQ(out.response, 250);

  ASSERT_EQ(server.message_count(), 1u);
  const SmtpMessage msg = server.messages()[0];
  EXPECT_EQ(msg.from, "alerts@example.com");
  EXPECT_EQ(msg.recipients, std::vector<std::string>{"me@example.com"});
  EXPECT_EQ(msg.data, m.data);
  EXPECT_TRUE(msg.tls);
  EXPECT_EQ(msg.user, "alerts@example.com");
  EXPECT_EQ(msg.connection, 1u);
  // Nothing but the greeting dance went over the wire in clear.
  EXPECT_EQ(verbs_in_clear(server), (std::vector<std::string>{"EHLO", "STARTTLS"}));
}

TEST(FakeSmtpTest, starttls_with_another_ca_fails_verification_and_sends_nothing) {
  FakeSmtpServer server(tls_options());
  Mail m;
  m.url = server.url();
  m.require_tls = true;
  m.ca_file = pki().other_ca_cert();
  const Outcome out = send_mail(m);
  EXPECT_EQ(out.code, CURLE_PEER_FAILED_VERIFICATION) << curl_easy_strerror(out.code);
  EXPECT_EQ(server.message_count(), 0u);
  ASSERT_TRUE(server.wait_until_idle(10s));
  EXPECT_EQ(server.tls_failures(), 1u);
  EXPECT_EQ(verbs_in_clear(server), (std::vector<std::string>{"EHLO", "STARTTLS"}));
}

TEST(FakeSmtpTest, a_server_without_starttls_makes_curl_refuse_to_send) {
  FakeSmtpServer::Options o = tls_options();
  o.starttls = false;
  FakeSmtpServer server(o);
  Mail m;
  m.url = server.url();
  m.require_tls = true;
  m.user = o.user;
  m.password = o.password;
  const Outcome out = send_mail(m);
  EXPECT_EQ(out.code, CURLE_USE_SSL_FAILED) << curl_easy_strerror(out.code);
  EXPECT_EQ(server.message_count(), 0u);
  for (const auto& verb : verbs_in_clear(server)) {
    EXPECT_NE(verb, "AUTH");
    EXPECT_NE(verb, "MAIL");
  }
}

TEST(FakeSmtpTest, without_use_ssl_curl_sends_in_clear_when_starttls_is_not_required) {
  FakeSmtpServer server;  // no PKI: plain SMTP, no AUTH
  Mail m;
  m.url = server.url();
  ASSERT_EQ(send_mail(m).code, CURLE_OK);
  ASSERT_EQ(server.message_count(), 1u);
  EXPECT_FALSE(server.messages()[0].tls);
  EXPECT_EQ(server.messages()[0].user, "");
}

TEST(FakeSmtpTest, smtps_is_tls_from_the_first_byte) {
  FakeSmtpServer::Options o = tls_options();
  o.implicit_tls = true;
  FakeSmtpServer server(o);
  EXPECT_EQ(server.url().rfind("smtps://127.0.0.1:", 0), 0u);
  Mail m;
  m.url = server.url();
  m.user = o.user;
  m.password = o.password;
  const Outcome out = send_mail(m);
  ASSERT_EQ(out.code, CURLE_OK) << curl_easy_strerror(out.code);
  ASSERT_EQ(server.message_count(), 1u);
  EXPECT_TRUE(server.messages()[0].tls);
  EXPECT_TRUE(verbs_in_clear(server).empty());
}

TEST(FakeSmtpTest, smtps_with_another_ca_fails_before_any_command) {
  FakeSmtpServer::Options o = tls_options();
  o.implicit_tls = true;
  FakeSmtpServer server(o);
  Mail m;
  m.url = server.url();
  m.ca_file = pki().other_ca_cert();
  EXPECT_EQ(send_mail(m).code, CURLE_PEER_FAILED_VERIFICATION);
  EXPECT_TRUE(server.commands().empty());
  ASSERT_TRUE(server.wait_until_idle(10s));
  EXPECT_EQ(server.tls_failures(), 1u);
}

TEST(FakeSmtpTest, a_wrong_password_is_answered_535) {
  FakeSmtpServer server(tls_options());
  Mail m;
  m.url = server.url();
  m.require_tls = true;
  m.user = "alerts@example.com";
  m.password = "wrong";
  const Outcome out = send_mail(m);
  EXPECT_EQ(out.code, CURLE_LOGIN_DENIED) << curl_easy_strerror(out.code);
  EXPECT_EQ(out.response, 535);
  EXPECT_EQ(server.message_count(), 0u);
}

TEST(FakeSmtpTest, auth_plain_and_auth_login_both_authenticate) {
  for (const std::string mechanism : {"PLAIN", "LOGIN"}) {
    FakeSmtpServer server(tls_options());
    Mail m;
    m.url = server.url();
    m.require_tls = true;
    m.user = "alerts@example.com";
    m.password = "s3cret pass";
    m.login_options = "AUTH=" + mechanism;
    ASSERT_EQ(send_mail(m).code, CURLE_OK) << mechanism;
    ASSERT_EQ(server.message_count(), 1u);
    EXPECT_EQ(server.messages()[0].mechanism, mechanism);
    EXPECT_EQ(server.messages()[0].user, "alerts@example.com");
  }
}

TEST(FakeSmtpTest, mail_without_auth_is_refused_when_a_user_is_configured) {
  FakeSmtpServer server(tls_options());
  Mail m;
  m.url = server.url();
  m.require_tls = true;  // no user given to curl
  const Outcome out = send_mail(m);
  EXPECT_NE(out.code, CURLE_OK);
  EXPECT_EQ(out.response, 530);
  EXPECT_EQ(server.message_count(), 0u);
}

TEST(FakeSmtpTest, several_recipients_are_recorded_in_order) {
  FakeSmtpServer server;
  Mail m;
  m.url = server.url();
  m.to = {"a@example.com", "b@example.org", "c@example.net"};
  ASSERT_EQ(send_mail(m).code, CURLE_OK);
  ASSERT_EQ(server.message_count(), 1u);
  EXPECT_EQ(server.messages()[0].recipients, m.to);
  std::size_t rcpt_commands = 0;
  for (const auto& c : server.commands()) rcpt_commands += c.line.rfind("RCPT TO:", 0) == 0;
  EXPECT_EQ(rcpt_commands, 3u);
}

TEST(FakeSmtpTest, a_scripted_451_at_rcpt_is_curls_error_with_that_code) {
  FakeSmtpServer server;
  server.push_fault(SmtpFault::reply_at(SmtpStep::rcpt, 451));
  Mail m;
  m.url = server.url();
  const Outcome out = send_mail(m);
  EXPECT_NE(out.code, CURLE_OK);
  EXPECT_EQ(out.response, 451);
  EXPECT_EQ(server.message_count(), 0u);
  // The fault was used up: the next attempt goes through.
  EXPECT_EQ(send_mail(m).code, CURLE_OK);
  EXPECT_EQ(server.message_count(), 1u);
}

TEST(FakeSmtpTest, a_scripted_550_at_data_is_curls_error_with_that_code) {
  FakeSmtpServer server;
  server.push_fault(SmtpFault::reply_at(SmtpStep::data, 550, "5.7.1 Rejected for policy"));
  Mail m;
  m.url = server.url();
  const Outcome out = send_mail(m);
  EXPECT_NE(out.code, CURLE_OK);
  EXPECT_EQ(out.response, 550);
  EXPECT_EQ(server.message_count(), 0u);
}

TEST(FakeSmtpTest, a_scripted_554_after_the_data_rejects_the_message) {
  FakeSmtpServer server;
  server.push_fault(SmtpFault::reply_at(SmtpStep::message, 554));
  Mail m;
  m.url = server.url();
  const Outcome out = send_mail(m);
  EXPECT_NE(out.code, CURLE_OK);
  EXPECT_EQ(out.response, 554);
  EXPECT_EQ(server.message_count(), 0u);
}

TEST(FakeSmtpTest, a_421_greeting_fails_the_transfer) {
  FakeSmtpServer server;
  server.push_fault(SmtpFault::reply_at(SmtpStep::greeting, 421));
  Mail m;
  m.url = server.url();
  const Outcome out = send_mail(m);
  EXPECT_NE(out.code, CURLE_OK);
  EXPECT_EQ(out.response, 421);
  EXPECT_EQ(server.message_count(), 0u);
}

TEST(FakeSmtpTest, a_dropped_connection_after_the_data_delivers_nothing) {
  FakeSmtpServer server;
  server.push_fault(SmtpFault::drop_at(SmtpStep::message));
  Mail m;
  m.url = server.url();
  const Outcome out = send_mail(m);
  EXPECT_NE(out.code, CURLE_OK);
  EXPECT_EQ(server.message_count(), 0u);
}

TEST(FakeSmtpTest, a_declared_size_over_the_limit_is_552) {
  FakeSmtpServer::Options o;
  o.max_size = 16;
  FakeSmtpServer server(o);
  Mail m;
  m.url = server.url();
  m.data = std::string(100, 'x') + "\r\n";
  m.declare_size = true;
  const Outcome out = send_mail(m);
  EXPECT_NE(out.code, CURLE_OK);
  EXPECT_EQ(out.response, 552);
  ASSERT_FALSE(server.commands().empty());
  bool declared = false;
  for (const auto& c : server.commands()) declared |= c.line.find("SIZE=102") != std::string::npos;
  EXPECT_TRUE(declared);
}

TEST(FakeSmtpTest, dot_stuffing_round_trips_lines_that_start_with_a_dot) {
  FakeSmtpServer server;
  Mail m;
  m.url = server.url();
  m.data = "Subject: dots\r\n\r\n.\r\n.hidden\r\n..two\r\nend.\r\n";
  ASSERT_EQ(send_mail(m).code, CURLE_OK);
  ASSERT_EQ(server.message_count(), 1u);
  EXPECT_EQ(server.messages()[0].data, m.data);
}

TEST(FakeSmtpTest, connections_are_reused_and_counted) {
  FakeSmtpServer server;
  Mail m;
  m.url = server.url();
  ASSERT_EQ(send_mail(m).code, CURLE_OK);
  ASSERT_EQ(send_mail(m).code, CURLE_OK);
  EXPECT_EQ(server.connection_count(), 2u);  // one easy handle each
  ASSERT_EQ(server.message_count(), 2u);
  EXPECT_EQ(server.messages()[1].connection, 2u);
}

// --- The dialogue at line level ------------------------------------------------

TEST(FakeSmtpTest, ehlo_advertises_what_is_configured) {
  FakeSmtpServer::Options o = tls_options();
  o.auth_mechanisms = {"LOGIN"};
  o.max_size = 1000;
  o.eightbitmime = false;
  FakeSmtpServer server(o);
  RawClient c(server.port());
  ASSERT_TRUE(c.connected());
  EXPECT_EQ(c.reply().substr(0, 4), "220 ");
  c.send("EHLO client.test\r\n");
  const std::string ehlo = c.reply();
  EXPECT_NE(ehlo.find("250-STARTTLS\r\n"), std::string::npos) << ehlo;
  EXPECT_NE(ehlo.find("AUTH LOGIN\r\n"), std::string::npos) << ehlo;
  EXPECT_NE(ehlo.find("SIZE 1000\r\n"), std::string::npos) << ehlo;
  EXPECT_EQ(ehlo.find("8BITMIME"), std::string::npos) << ehlo;
  EXPECT_EQ(ehlo.find("PLAIN"), std::string::npos) << ehlo;
}

TEST(FakeSmtpTest, require_tls_hides_auth_and_refuses_auth_and_mail_in_clear) {
  FakeSmtpServer::Options o = tls_options();
  o.require_tls = true;
  FakeSmtpServer server(o);
  RawClient c(server.port());
  c.reply();
  c.send("EHLO client.test\r\n");
  const std::string ehlo = c.reply();
  EXPECT_NE(ehlo.find("STARTTLS"), std::string::npos);
  EXPECT_EQ(ehlo.find("AUTH"), std::string::npos);
  EXPECT_EQ(c.command("AUTH PLAIN " + base64_encode(std::string("\0alerts@example.com\0s3cret pass", 31))),
            530);
  EXPECT_EQ(c.command("MAIL FROM:<alerts@example.com>"), 530);
  EXPECT_EQ(server.message_count(), 0u);
}

TEST(FakeSmtpTest, commands_out_of_order_and_unknown_are_refused) {
  FakeSmtpServer server;
  RawClient c(server.port());
  c.reply();
  EXPECT_EQ(c.command("MAIL FROM:<a@example.com>"), 503);  // before EHLO
  EXPECT_EQ(c.command("EHLO client.test"), 250);
  EXPECT_EQ(c.command("RCPT TO:<b@example.com>"), 503);  // before MAIL
  EXPECT_EQ(c.command("MAIL FROM:<a@example.com>"), 250);
  EXPECT_EQ(c.command("DATA"), 554);  // no recipient
  EXPECT_EQ(c.command("MAIL FROM:<a@example.com>"), 503);  // nested
  EXPECT_EQ(c.command("VRFY root"), 500);
  EXPECT_EQ(c.command("STARTTLS"), 502);  // no PKI: not offered
  EXPECT_EQ(c.command("AUTH PLAIN"), 503);  // no user: AUTH not enabled
  EXPECT_EQ(c.command("NOOP"), 250);
  EXPECT_EQ(c.command("QUIT"), 221);
  EXPECT_EQ(c.reply(), "");  // closed
}

TEST(FakeSmtpTest, rset_abandons_the_transaction) {
  FakeSmtpServer server;
  RawClient c(server.port());
  c.reply();
  c.command("EHLO client.test");
  EXPECT_EQ(c.command("MAIL FROM:<a@example.com>"), 250);
  EXPECT_EQ(c.command("RCPT TO:<b@example.com>"), 250);
  EXPECT_EQ(c.command("RSET"), 250);
  EXPECT_EQ(c.command("DATA"), 503);
  EXPECT_EQ(c.command("MAIL FROM:<c@example.com>"), 250);
  EXPECT_EQ(c.command("RCPT TO:<d@example.com>"), 250);
  EXPECT_EQ(c.command("DATA"), 354);
  EXPECT_EQ(c.command("line one\r\n..dotted\r\n."), 250);
  ASSERT_EQ(server.message_count(), 1u);
  EXPECT_EQ(server.messages()[0].from, "c@example.com");
  EXPECT_EQ(server.messages()[0].recipients, std::vector<std::string>{"d@example.com"});
  EXPECT_EQ(server.messages()[0].data, "line one\r\n.dotted\r\n");
}

TEST(FakeSmtpTest, auth_login_step_by_step_and_plain_with_a_continuation) {
  FakeSmtpServer::Options o;
  o.user = "u";
  o.password = "p";
  FakeSmtpServer server(o);
  RawClient c(server.port());
  c.reply();
  c.command("EHLO client.test");
  EXPECT_EQ(c.command("AUTH LOGIN"), 334);
  EXPECT_EQ(c.command(base64_encode("u")), 334);
  EXPECT_EQ(c.command(base64_encode("bad")), 535);
  EXPECT_EQ(c.command("AUTH PLAIN"), 334);
  EXPECT_EQ(c.command(base64_encode(std::string("\0u\0p", 4))), 235);
  EXPECT_EQ(c.command("AUTH PLAIN"), 503);  // already authenticated
  EXPECT_EQ(c.command("AUTH CRAM-MD5"), 503);
}

TEST(FakeSmtpTest, a_fault_can_skip_occurrences_and_apply_to_a_later_one) {
  FakeSmtpServer server;
  server.push_fault(SmtpFault::reply_at(SmtpStep::rcpt, 550).after(1));
  RawClient c(server.port());
  c.reply();
  c.command("EHLO client.test");
  c.command("MAIL FROM:<a@example.com>");
  EXPECT_EQ(c.command("RCPT TO:<first@example.com>"), 250);
  EXPECT_EQ(c.command("RCPT TO:<second@example.com>"), 550);
  EXPECT_EQ(c.command("RCPT TO:<third@example.com>"), 250);
  EXPECT_EQ(c.command("DATA"), 354);
  EXPECT_EQ(c.command("x\r\n."), 250);
  ASSERT_EQ(server.message_count(), 1u);
  EXPECT_EQ(server.messages()[0].recipients,
            (std::vector<std::string>{"first@example.com", "third@example.com"}));
}

TEST(FakeSmtpTest, a_dropped_step_closes_without_an_answer) {
  FakeSmtpServer server;
  server.push_fault(SmtpFault::drop_at(SmtpStep::ehlo));
  RawClient c(server.port());
  c.reply();
  EXPECT_EQ(c.command("EHLO client.test"), 0);
}

TEST(FakeSmtpTest, the_destructor_cuts_short_a_pending_delay) {
  std::optional<RawClient> client;
  {
    FakeSmtpServer server;
    server.push_fault(SmtpFault::delay_at(SmtpStep::greeting, std::chrono::hours(1)));
    client.emplace(server.port());
    ASSERT_TRUE(client->connected());
    // Leaving the scope must not wait the hour (the test's own timeout would catch it).
  }
  EXPECT_EQ(client->reply(), "");
}

TEST(FakeSmtpTest, reset_forgets_messages_commands_and_faults) {
  FakeSmtpServer server;
  server.push_fault(SmtpFault::reply_at(SmtpStep::rcpt, 451));
  server.reset();
  Mail m;
  m.url = server.url();
  ASSERT_EQ(send_mail(m).code, CURLE_OK);
  ASSERT_TRUE(server.wait_until_idle(10s));
  server.reset();
  EXPECT_EQ(server.message_count(), 0u);
  EXPECT_TRUE(server.commands().empty());
  EXPECT_EQ(server.connection_count(), 1u);
}

// --- Reading what was sent ---------------------------------------------------------

curl_mime* text_and_attachment(CURL* curl) {
  curl_mime* mime = curl_mime_init(curl);
  curl_mimepart* text = curl_mime_addpart(mime);
  curl_mime_data(text, "Grüße, Zeile eins\r\n.leading dot\r\nlong line " 
                       "with = sign and more text to force a soft break in quoted-printable "
                       "encoding at seventy-six characters\r\n",
                 CURL_ZERO_TERMINATED);
  curl_mime_type(text, "text/plain; charset=utf-8");
  curl_mime_encoder(text, "quoted-printable");
  curl_mimepart* file = curl_mime_addpart(mime);
  static const std::string bytes("\x00\x01\xff binary\r\n.", 13);
  curl_mime_data(file, bytes.data(), bytes.size());
  curl_mime_filename(file, "report.bin");
  curl_mime_type(file, "application/octet-stream");
  curl_mime_encoder(file, "base64");
  return mime;
}

TEST(FakeSmtpTest, a_curl_mime_message_parses_back_to_text_and_attachment) {
  FakeSmtpServer server;
  Mail m;
  m.url = server.url();
  m.mime = &text_and_attachment;
  // Top-level headers go with CURLOPT_HTTPHEADER in real use; a bare MIME body suffices here.
  ASSERT_EQ(send_mail(m).code, CURLE_OK);
  ASSERT_EQ(server.message_count(), 1u);
  const MailMessage mail = parse_mail(server.messages()[0].data);
  EXPECT_EQ(mail.text,
            "Grüße, Zeile eins\r\n.leading dot\r\nlong line with = sign and more text to force a "
            "soft break in quoted-printable encoding at seventy-six characters\r\n");
  ASSERT_EQ(mail.attachments.size(), 1u);
  EXPECT_EQ(mail.attachments[0].filename, "report.bin");
  EXPECT_EQ(mail.attachments[0].media_type, "application/octet-stream");
  EXPECT_EQ(mail.attachments[0].body, std::string("\x00\x01\xff binary\r\n.", 13));
  ASSERT_EQ(mail.parts.size(), 2u);
  EXPECT_EQ(mail.parts[0].transfer_encoding, "quoted-printable");
  EXPECT_EQ(mail.parts[0].charset, "utf-8");
}

TEST(MailMessageTest, headers_unfold_and_decode_rfc2047) {
  const MailMessage mail = parse_mail(
      "From: notify <alerts@example.com>\r\n"
      "Subject: =?UTF-8?B?R3LDvMOfZQ==?=\r\n"
      " =?UTF-8?Q?_aus_K=C3=B6ln?= now\r\n"
      "X-Empty:\r\n"
      "\r\n"
      "body\r\n");
  EXPECT_EQ(mail.header("from"), "notify <alerts@example.com>");
  EXPECT_EQ(mail.decoded_header("Subject"), "Grüße aus Köln now");
  EXPECT_EQ(mail.header_count("subject"), 1u);
  EXPECT_EQ(mail.header("x-empty"), "");
  EXPECT_FALSE(mail.header("date"));
  EXPECT_EQ(mail.text, "body\r\n");
}

TEST(MailMessageTest, multipart_mixed_with_nested_alternative_and_attachments) {
  const MailMessage mail = parse_mail(
      "Content-Type: multipart/mixed; boundary=\"outer\"\r\n"
      "\r\n"
      "preamble\r\n"
      "--outer\r\n"
      "Content-Type: multipart/alternative; boundary=inner\r\n"
      "\r\n"
      "--inner\r\n"
      "Content-Type: text/plain; charset=\"UTF-8\"\r\n"
      "Content-Transfer-Encoding: base64\r\n"
      "\r\n" +
      base64_encode("plain text\n") +
      "\r\n"
      "--inner\r\n"
      "Content-Type: text/html\r\n"
      "\r\n"
      "<p>html</p>\r\n"
      "--inner--\r\n"
      "--outer\r\n"
      "Content-Type: text/plain; name=\"=?UTF-8?Q?r=C3=A9sum=C3=A9.txt?=\"\r\n"
      "Content-Disposition: attachment\r\n"
      "\r\n"
      "attached text\r\n"
      "--outer--\r\n"
      "epilogue\r\n");
  EXPECT_EQ(mail.text, "plain text\n");
  ASSERT_EQ(mail.parts.size(), 3u);
  EXPECT_EQ(mail.parts[1].media_type, "text/html");
  EXPECT_EQ(mail.parts[1].body, "<p>html</p>");
  ASSERT_EQ(mail.attachments.size(), 1u);
  EXPECT_EQ(mail.attachments[0].filename, "résumé.txt");
  EXPECT_EQ(mail.attachments[0].body, "attached text");
}

TEST(MailMessageTest, codecs_undo_their_encodings) {
  EXPECT_EQ(base64_decode("aGVsbG8=\r\nIHdvcmxk"), std::nullopt);  // padding mid-stream
  EXPECT_EQ(base64_decode("aGVs\r\nbG8g"), "hello ");
  EXPECT_EQ(base64_decode("aGVsbG8"), std::nullopt);
  EXPECT_EQ(base64_decode("aGV*"), std::nullopt);
  for (const auto& s : {std::string(), std::string("a"), std::string("ab"), std::string("abc"),
                        std::string("abcd"), std::string("\0\xff", 2)})
    EXPECT_EQ(base64_decode(base64_encode(s)), s);
  EXPECT_EQ(quoted_printable_decode("caf=C3=A9 =3D x=\r\ny=\nz =ZZ"), "café = xyz =ZZ");
  EXPECT_EQ(rfc2047_decode("plain"), "plain");
  EXPECT_EQ(rfc2047_decode("a =?utf-8?q?b_c?= d"), "a b c d");
  EXPECT_EQ(rfc2047_decode("=?UTF-8?B?bm90?= =?UTF-8?B?aWZ5?="), "notify");
  EXPECT_EQ(rfc2047_decode("=?UTF-8?X?bad?="), "=?UTF-8?X?bad?=");
}

}  // namespace
}  // namespace notify::test
