// CurlHttpClient carrying an SMTP request to the fake server: the envelope,
// the message bytes, STARTTLS policy, verification and the reply codes the
// e-mail service reads.

#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "support/fake_smtp.hpp"
#include "support/test_pki.hpp"
#include "transport/curl_http_client.hpp"

namespace notify {
namespace {

using namespace std::chrono_literals;
using test::FakeSmtpServer;
using test::SmtpFault;
using test::SmtpStep;

const test::TestPki& pki() {
  static const test::TestPki instance;  // key generation is the slow part; share it
  return instance;
}

constexpr const char* kMessage = "Subject: hi\r\n\r\nhello\r\n.dot line\r\n";

HttpRequest mail_request(const std::string& url) {
  HttpRequest r;
  r.method = "SMTP";
  r.url = url;
  r.body = kMessage;
  r.mail = MailEnvelope{"alerts@example.com", {"me@example.com", "ops@example.com"},
                        "alerts@example.com", "s3cret pass", true};
  return r;
}

HttpResponse send(HttpRequest request, std::string ca_file = pki().ca_cert()) {
  CurlHttpClient client;
  std::optional<HttpResponse> out;
  RequestOptions options;
  options.timeout = 20s;  // a guard against hangs, not a measurement
  options.ca_file = std::move(ca_file);
  client.start(std::move(request), options, [&](HttpResponse r) { out = std::move(r); });
  while (!out) client.poll(1s, -1);
  return *out;
}

FakeSmtpServer::Options tls_server() {
  FakeSmtpServer::Options o;
  o.pki = &pki();
  o.user = "alerts@example.com";
  o.password = "s3cret pass";
  o.require_tls = true;
  return o;
}

TEST(CurlSmtpTest, starttls_with_the_test_ca_delivers_envelope_and_message) {
  FakeSmtpServer server(tls_server());
  const HttpResponse r = send(mail_request(server.url()));
  EXPECT_EQ(r.error, TransportError::none) << r.error_text;
  EXPECT_EQ(r.status, 250);
  EXPECT_EQ(r.body.substr(0, 3), "250");
  ASSERT_EQ(server.message_count(), 1u);
  const auto msg = server.messages()[0];
  EXPECT_EQ(msg.from, "alerts@example.com");
  EXPECT_EQ(msg.recipients, (std::vector<std::string>{"me@example.com", "ops@example.com"}));
  EXPECT_EQ(msg.data, kMessage);  // libcurl stuffed the dot, the server removed it
  EXPECT_TRUE(msg.tls);
  EXPECT_EQ(msg.user, "alerts@example.com");
  EXPECT_NE(msg.mail_params.find("SIZE="), std::string::npos);
}

TEST(CurlSmtpTest, smtps_delivers_over_implicit_tls) {
  FakeSmtpServer::Options o = tls_server();
  o.implicit_tls = true;
  FakeSmtpServer server(o);
  ASSERT_EQ(server.url().rfind("smtps://", 0), 0u);
  const HttpResponse r = send(mail_request(server.url()));
  EXPECT_EQ(r.error, TransportError::none) << r.error_text;
  EXPECT_EQ(r.status, 250);
  ASSERT_EQ(server.message_count(), 1u);
  EXPECT_TRUE(server.messages()[0].tls);
}

TEST(CurlSmtpTest, another_ca_is_refused_and_nothing_is_sent) {
  FakeSmtpServer server(tls_server());
  const HttpResponse r = send(mail_request(server.url()), pki().other_ca_cert());
  EXPECT_EQ(r.error, TransportError::tls);
  EXPECT_NE(r.error_text.find("TLS"), std::string::npos) << r.error_text;
  EXPECT_EQ(server.message_count(), 0u);
  ASSERT_TRUE(server.wait_until_idle(10s));
  EXPECT_EQ(server.tls_failures(), 1u);
}

TEST(CurlSmtpTest, smtps_with_another_ca_is_refused) {
  FakeSmtpServer::Options o = tls_server();
  o.implicit_tls = true;
  FakeSmtpServer server(o);
  const HttpResponse r = send(mail_request(server.url()), pki().other_ca_cert());
  EXPECT_EQ(r.error, TransportError::tls) << r.error_text;
  EXPECT_EQ(server.message_count(), 0u);
}

TEST(CurlSmtpTest, a_server_without_starttls_is_refused_when_tls_is_required) {
  FakeSmtpServer::Options o;
  o.pki = &pki();
  o.starttls = false;
  FakeSmtpServer server(o);
  HttpRequest req = mail_request(server.url());
  req.mail->username.clear();
  const HttpResponse r = send(req);
  EXPECT_EQ(r.error, TransportError::tls);
  EXPECT_NE(r.error_text.find("STARTTLS"), std::string::npos) << r.error_text;
  EXPECT_EQ(server.message_count(), 0u);
  for (const auto& c : server.commands()) EXPECT_NE(c.line.rfind("MAIL", 0), 0u) << c.line;
}

TEST(CurlSmtpTest, a_server_without_starttls_gets_plain_text_when_allowed) {
  FakeSmtpServer::Options o;
  o.starttls = false;
  FakeSmtpServer server(o);
  HttpRequest req = mail_request(server.url());
  req.mail->username.clear();
  req.mail->require_tls = false;
  const HttpResponse r = send(req);
  EXPECT_EQ(r.error, TransportError::none) << r.error_text;
  EXPECT_EQ(r.status, 250);
  ASSERT_EQ(server.message_count(), 1u);
  EXPECT_FALSE(server.messages()[0].tls);
}

TEST(CurlSmtpTest, tls_not_required_still_upgrades_when_offered) {
  FakeSmtpServer server(tls_server());
  HttpRequest req = mail_request(server.url());
  req.mail->require_tls = false;
  const HttpResponse r = send(req);
  EXPECT_EQ(r.error, TransportError::none) << r.error_text;
  ASSERT_EQ(server.message_count(), 1u);
  EXPECT_TRUE(server.messages()[0].tls);
}

TEST(CurlSmtpTest, a_refused_starttls_command_is_a_tls_error) {
  FakeSmtpServer server(tls_server());
  server.push_fault(SmtpFault::reply_at(SmtpStep::starttls, 454, "TLS not available now"));
  const HttpResponse r = send(mail_request(server.url()));
  EXPECT_EQ(r.error, TransportError::tls);
  EXPECT_NE(r.error_text.find("STARTTLS"), std::string::npos) << r.error_text;
  EXPECT_EQ(server.message_count(), 0u);
}

TEST(CurlSmtpTest, a_wrong_password_is_a_535_login_error) {
  FakeSmtpServer server(tls_server());
  HttpRequest req = mail_request(server.url());
  req.mail->password = "wrong password";
  const HttpResponse r = send(req);
  EXPECT_EQ(r.status, 535);
  EXPECT_NE(r.error, TransportError::none);
  EXPECT_NE(r.error_text.find("login"), std::string::npos) << r.error_text;
  EXPECT_EQ(server.message_count(), 0u);
}

TEST(CurlSmtpTest, nothing_listening_is_a_connect_error) {
  int port = 0;
  {
    FakeSmtpServer gone;
    port = gone.port();
  }
  HttpRequest req = mail_request("smtp://127.0.0.1:" + std::to_string(port));
  const HttpResponse r = send(req);
  EXPECT_EQ(r.error, TransportError::connect) << r.error_text;
  EXPECT_EQ(r.status, 0);
}

struct StepReply {
  SmtpStep step;
  int code;
};

class CurlSmtpRepliesTest : public ::testing::TestWithParam<StepReply> {};

TEST_P(CurlSmtpRepliesTest, the_refusing_code_and_text_reach_the_caller) {
  FakeSmtpServer server(tls_server());
  server.push_fault(SmtpFault::reply_at(GetParam().step, GetParam().code, "scripted refusal"));
  const HttpResponse r = send(mail_request(server.url()));
  EXPECT_EQ(r.status, GetParam().code);
  EXPECT_NE(r.error, TransportError::none);
  EXPECT_NE(r.body.find("scripted refusal"), std::string::npos) << r.body;
  EXPECT_EQ(server.message_count(), 0u);
}

INSTANTIATE_TEST_SUITE_P(steps, CurlSmtpRepliesTest,
                         ::testing::Values(StepReply{SmtpStep::mail, 451},
                                           StepReply{SmtpStep::mail, 550},
                                           StepReply{SmtpStep::rcpt, 450},
                                           StepReply{SmtpStep::rcpt, 550},
                                           StepReply{SmtpStep::data, 451},
                                           StepReply{SmtpStep::data, 554},
                                           StepReply{SmtpStep::message, 452},
                                           StepReply{SmtpStep::message, 554}));

TEST(CurlSmtpTest, http_requests_still_refuse_smtp_urls) {
  FakeSmtpServer server;
  HttpRequest req;
  req.url = server.url();
  req.body = "x";
  const HttpResponse r = send(req);
  EXPECT_NE(r.error, TransportError::none);
  EXPECT_EQ(server.connection_count(), 0u);
}

TEST(CurlSmtpTest, mail_requests_refuse_http_urls) {
  HttpRequest req = mail_request("http://127.0.0.1:1/");
  const HttpResponse r = send(req);
  EXPECT_EQ(r.error, TransportError::other) << r.error_text;
}

}  // namespace
}  // namespace notify
