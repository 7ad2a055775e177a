// The e-mail service: the request it builds, how it reads SMTP outcomes, and
// whole deliveries through CurlHttpClient to the fake SMTP server, read back
// with the test-side MIME reader (an implementation independent of src/).

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "services/email.hpp"
#include "services/mail_preview.hpp"
#include "support/fake_smtp.hpp"
#include "support/mail_message.hpp"
#include "support/test_pki.hpp"
#include "transport/curl_http_client.hpp"

namespace notify::services {
namespace {

using namespace std::chrono_literals;
using ::testing::HasSubstr;
using ::testing::Not;
using test::FakeSmtpServer;
using test::SmtpFault;
using test::SmtpStep;

constexpr const char* kPassword = "s3cret pass";

const test::TestPki& pki() {
  static const test::TestPki instance;
  return instance;
}

config::Profile email_profile(const std::string& url) {
  config::Profile p;
  p.name = "mail";
  p.settings["smtp_url"] = url;
  p.settings["username"] = std::string("alerts@example.com");
  p.settings["from"] = std::string("notify <alerts@example.com>");
  p.settings["to"] = std::vector<std::string>{"me@example.com", "Ops Team <ops@example.com>"};
  p.secrets["password"] = kPassword;
  p.ca_file = pki().ca_cert();
  return p;
}

BuildContext email_ctx() {
  BuildContext c;
  c.new_uuid = [] { return std::string("0f1e2d3c-aaaa-bbbb"); };
  c.now_unix = [] { return std::int64_t{1796126400}; };  // 2026-12-01 12:00:00 UTC
  return c;
}

Message email_msg(std::string body, std::string title = "") {
  Message m;
  m.body = std::move(body);
  m.title = std::move(title);
  return m;
}

HttpRequest build_one(const config::Profile& p, const Message& m) {
  const auto reqs = Email(p).build(m, email_ctx());
  EXPECT_EQ(reqs.size(), 1u);
  return reqs.at(0);
}

// --- build ---------------------------------------------------------------------------

TEST(EmailBuildTest, one_smtp_request_with_envelope_and_login) {
  const HttpRequest r = build_one(email_profile("smtp://mail.example.com:587"), email_msg("disk full"));
  EXPECT_EQ(r.method, "SMTP");
  EXPECT_EQ(r.url, "smtp://mail.example.com:587");
  ASSERT_TRUE(r.mail);
  EXPECT_EQ(r.mail->from, "alerts@example.com");
  EXPECT_EQ(r.mail->rcpt, (std::vector<std::string>{"me@example.com", "ops@example.com"}));
  EXPECT_EQ(r.mail->username, "alerts@example.com");
  EXPECT_EQ(r.mail->password, kPassword);
  EXPECT_TRUE(r.mail->require_tls);
  EXPECT_THAT(r.body, Not(HasSubstr(kPassword)));
}

TEST(EmailBuildTest, starttls_false_lifts_the_requirement) {
  auto p = email_profile("smtp://relay.lan:25");
  p.settings["starttls"] = false;
  EXPECT_FALSE(build_one(p, email_msg("x")).mail->require_tls);
}

TEST(EmailBuildTest, headers_date_message_id_and_subject_from_the_title) {
  const auto mail = test::parse_mail(
      build_one(email_profile("smtps://mail.example.com"), email_msg("body text", "Backup done")).body);
  EXPECT_EQ(mail.decoded_header("from"), "\"notify\" <alerts@example.com>");
  EXPECT_EQ(mail.decoded_header("to"), "me@example.com, \"Ops Team\" <ops@example.com>");
  EXPECT_EQ(mail.decoded_header("subject"), "Backup done");
  EXPECT_EQ(mail.header("date"), "Tue, 01 Dec 2026 12:00:00 +0000");
  EXPECT_EQ(mail.header("message-id"), "<0f1e2d3c-aaaa-bbbb@example.com>");
  EXPECT_EQ(mail.header("mime-version"), "1.0");
  ASSERT_EQ(mail.parts.size(), 1u);
  EXPECT_EQ(mail.parts[0].media_type, "text/plain");
  EXPECT_EQ(mail.parts[0].charset, "utf-8");
  EXPECT_EQ(mail.text, "body text");
}

TEST(EmailBuildTest, without_a_title_the_subject_is_the_first_line_shortened) {
  const std::string first(120, 'x');
  const auto mail = test::parse_mail(
      build_one(email_profile("smtps://h"), email_msg("\n  \n" + first + "\nsecond line")).body);
  const std::string subject = mail.decoded_header("subject");
  EXPECT_EQ(subject, std::string(75, 'x') + "...");
}

TEST(EmailBuildTest, code_and_markdown_go_as_written_and_notes_say_so) {
  Message m = email_msg("# Title\n*bold* `x`\n");
  m.markdown = true;
  const Email e(email_profile("smtps://h"));
  EXPECT_EQ(test::parse_mail(build_one(email_profile("smtps://h"), m).body).text, m.body);
  EXPECT_THAT(e.notes(m), ::testing::Contains(HasSubstr("markdown goes as written")));
  Message c = email_msg("  indented\n\tcode\n");
  c.code = true;
  c.code_lang = "log";
  EXPECT_EQ(test::parse_mail(build_one(email_profile("smtps://h"), c).body).text, c.body);
  EXPECT_THAT(e.notes(c), ::testing::Contains(HasSubstr("monospace")));
}

// An e-mail profile's username is its SMTP login, and the message carries
// it as every profile's username (app::message_for): -v must not call that
// an ignored --username. A --username given on the command line is one.
TEST(EmailBuildTest, the_profiles_own_login_is_no_ignored_username) {
  const Email e(email_profile("smtps://h"));
  Message m = email_msg("x");
  m.username = "alerts@example.com";  // the profile's, as message_for copies it
  EXPECT_THAT(e.notes(m), ::testing::Each(::testing::Not(HasSubstr("e-mail ignores"))));
  m.username = "deploy-bot";  // --username deploy-bot
  EXPECT_THAT(e.notes(m), ::testing::Contains(HasSubstr("e-mail ignores")));
}

TEST(EmailBuildTest, never_split_one_part_holds_a_mebibyte) {
  const Email e(email_profile("smtps://h"));
  EXPECT_EQ(e.one_part_text(email_msg("")), 1u << 20);
  const std::string big(300000, 'a');
  EXPECT_EQ(e.build(email_msg(big), email_ctx()).size(), 1u);
}

TEST(EmailBuildTest, the_clock_defaults_to_the_system_time) {
  BuildContext c;
  c.new_uuid = [] { return std::string("u"); };
  const auto reqs = Email(email_profile("smtps://h")).build(email_msg("x"), c);
  const auto mail = test::parse_mail(reqs.at(0).body);
  EXPECT_THAT(mail.header("date").value_or(""), Not(HasSubstr("1970")));
  EXPECT_THAT(mail.header("date").value_or(""), HasSubstr("+0000"));
}

// --- interpret -----------------------------------------------------------------------

HttpResponse smtp_reply(long status, std::string body, TransportError error,
                        std::string error_text = "") {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.error = error;
  r.error_text = std::move(error_text);
  return r;
}

TEST(EmailInterpretTest, a_completed_250_is_delivered) {
  const Email e(email_profile("smtps://h"));
  EXPECT_EQ(e.interpret(smtp_reply(250, "250 2.0.0 queued", TransportError::none)).kind,
            Verdict::Kind::delivered);
}

TEST(EmailInterpretTest, a_250_then_a_dropped_connection_is_retried_not_delivered) {
  const Email e(email_profile("smtps://h"));
  const Verdict v = e.interpret(smtp_reply(250, "250 ok", TransportError::other, "recv failure"));
  EXPECT_EQ(v.kind, Verdict::Kind::retry);
}

TEST(EmailInterpretTest, temporary_4xx_is_retried_with_the_server_words) {
  const Email e(email_profile("smtps://h"));
  const Verdict v = e.interpret(
      smtp_reply(451, "451 4.3.0 Try again later", TransportError::other, "RCPT failed: 451"));
  EXPECT_EQ(v.kind, Verdict::Kind::retry);
  EXPECT_THAT(v.error, HasSubstr("SMTP 451: 4.3.0 Try again later"));
}

struct Refusal {
  long status;
  std::string step;
  std::string hint_word;
};

class EmailRefusalTest : public ::testing::TestWithParam<Refusal> {};

TEST_P(EmailRefusalTest, permanent_5xx_fails_with_a_hint) {
  const Email e(email_profile("smtps://h"));
  const auto& c = GetParam();
  const Verdict v = e.interpret(smtp_reply(
      c.status, std::to_string(c.status) + " 5.0.0 refused", TransportError::other,
      c.step + " failed: " + std::to_string(c.status)));
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.error, HasSubstr("SMTP " + std::to_string(c.status)));
  EXPECT_THAT(v.hint, HasSubstr(c.hint_word));
}

INSTANTIATE_TEST_SUITE_P(codes, EmailRefusalTest,
                         ::testing::Values(Refusal{535, "Authentication", "password"},
                                           Refusal{550, "RCPT", "`to`"},
                                           Refusal{550, "MAIL", "`from`"},
                                           Refusal{552, "MAIL", "too large"},
                                           Refusal{554, "DATA", "policy"}));

TEST(EmailInterpretTest, tls_failures_are_permanent_with_a_hint) {
  const Email e(email_profile("smtps://h"));
  Verdict v = e.interpret(smtp_reply(
      250, "", TransportError::tls,
      "the server did not start TLS (STARTTLS refused or not offered), so nothing was sent"));
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.hint, HasSubstr("smtps://"));
  v = e.interpret(smtp_reply(0, "", TransportError::tls, "TLS with the SMTP server failed"));
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.hint, HasSubstr("ca_file"));
}

TEST(EmailInterpretTest, connect_failures_are_retried) {
  const Email e(email_profile("smtps://h"));
  const Verdict v = e.interpret(
      smtp_reply(0, "", TransportError::connect, "could not connect to the SMTP server"));
  EXPECT_EQ(v.kind, Verdict::Kind::retry);
  EXPECT_THAT(v.error, HasSubstr("could not connect"));
}

// --- preview -------------------------------------------------------------------------

TEST(EmailPreviewTest, shows_envelope_and_decoded_message_never_the_password) {
  Message m = email_msg("Grüße\n.dot line\n", "Zähler übergelaufen");
  m.files.push_back({"report.txt", "abc"});
  const std::string shown = email_preview(build_one(email_profile("smtp://mail.example.com:587"), m));
  EXPECT_THAT(shown, HasSubstr("SMTP smtp://mail.example.com:587\n"));
  EXPECT_THAT(shown, HasSubstr("STARTTLS required"));
  EXPECT_THAT(shown, HasSubstr("login: alerts@example.com, password ***"));
  EXPECT_THAT(shown, HasSubstr("MAIL FROM:<alerts@example.com>\n"));
  EXPECT_THAT(shown, HasSubstr("RCPT TO:<ops@example.com>\n"));
  EXPECT_THAT(shown, HasSubstr("Subject: Zähler übergelaufen\n"));
  EXPECT_THAT(shown, HasSubstr("\nGrüße\n.dot line\n"));
  EXPECT_THAT(shown, HasSubstr("[attachment: report.txt, 3 bytes]"));
  EXPECT_THAT(shown, Not(HasSubstr(kPassword)));
  EXPECT_THAT(shown, Not(HasSubstr("base64")));
}

TEST(EmailPreviewTest, long_non_ascii_file_names_read_back_whole) {
  Message m = email_msg("x");
  const std::string name = std::string(70, 'n') + "ä.log";
  m.files.push_back({name, "abcd"});
  EXPECT_THAT(email_preview(build_one(email_profile("smtps://h"), m)),
              HasSubstr("[attachment: " + name + ", 4 bytes]"));
}

TEST(EmailPreviewTest, masks_a_password_written_into_the_url) {
  HttpRequest r = build_one(email_profile("smtps://user:hunter2secret@mail.example.com"), email_msg("x"));
  EXPECT_THAT(email_preview(r), Not(HasSubstr("hunter2secret")));
}

// --- delivery through libcurl to the fake server -----------------------------------------

HttpResponse deliver(const HttpRequest& request, const std::string& ca_file) {
  CurlHttpClient client;
  std::optional<HttpResponse> out;
  RequestOptions options;
  options.timeout = 20s;  // a guard against hangs, not a measurement
  options.ca_file = ca_file;
  client.start(request, options, [&](HttpResponse r) { out = std::move(r); });
  while (!out) client.poll(1s, -1);
  return *out;
}

FakeSmtpServer::Options server_options(bool implicit_tls) {
  FakeSmtpServer::Options o;
  o.pki = &pki();
  o.implicit_tls = implicit_tls;
  o.require_tls = !implicit_tls;
  o.user = "alerts@example.com";
  o.password = kPassword;
  return o;
}

const std::string kTrickyBody =
    "Grüße aus Köln 🎉\n.leading dot\n..two dots\n.\nCRLF kept\r\n" + std::string(1200, 'w') +
    "\n=?UTF-8?B?bm90?= stays literal\nlast line without newline";

class EmailDeliveryTest : public ::testing::TestWithParam<bool> {};

TEST_P(EmailDeliveryTest, the_recipient_reads_exactly_what_was_sent) {
  FakeSmtpServer server(server_options(GetParam()));
  const auto p = email_profile(server.url());
  const Email e(p);
  Message m = email_msg(kTrickyBody, "Ärger im Netz: ☃ 雪");
  m.files.push_back({"report.bin", std::string("\x00\x01\xff binary\r\n.\r\n", 15)});
  m.files.push_back({"../../résumé \"final\".txt", "text attachment\n"});
  const HttpResponse r = deliver(e.build(m, email_ctx()).at(0), p.ca_file);
  const Verdict v = e.interpret(r);
  ASSERT_EQ(v.kind, Verdict::Kind::delivered) << v.error;

  ASSERT_EQ(server.message_count(), 1u);
  const auto sent = server.messages()[0];
  EXPECT_TRUE(sent.tls);
  EXPECT_EQ(sent.user, "alerts@example.com");
  EXPECT_EQ(sent.from, "alerts@example.com");
  EXPECT_EQ(sent.recipients, (std::vector<std::string>{"me@example.com", "ops@example.com"}));
  const auto mail = test::parse_mail(sent.data);
  EXPECT_EQ(mail.decoded_header("subject"), "Ärger im Netz: ☃ 雪");
  EXPECT_EQ(mail.header_count("subject"), 1u);
  EXPECT_EQ(mail.text, kTrickyBody);
  ASSERT_EQ(mail.attachments.size(), 2u);
  EXPECT_EQ(mail.attachments[0].filename, "report.bin");
  EXPECT_EQ(mail.attachments[0].body, std::string("\x00\x01\xff binary\r\n.\r\n", 15));
  EXPECT_EQ(mail.attachments[1].filename, "résumé _final_.txt");
  EXPECT_EQ(mail.attachments[1].body, "text attachment\n");
}

INSTANTIATE_TEST_SUITE_P(tls, EmailDeliveryTest, ::testing::Values(false, true),
                         [](const auto& p) { return p.param ? "smtps" : "starttls"; });

TEST(EmailDeliveryFaultsTest, a_4xx_at_rcpt_is_retried_and_nothing_is_accepted) {
  FakeSmtpServer server(server_options(false));
  server.push_fault(SmtpFault::reply_at(SmtpStep::rcpt, 451, "4.3.0 mailbox busy").after(1));
  const auto p = email_profile(server.url());
  const Email e(p);
  const Verdict v = e.interpret(deliver(e.build(email_msg("x"), email_ctx()).at(0), p.ca_file));
  EXPECT_EQ(v.kind, Verdict::Kind::retry);
  EXPECT_THAT(v.error, HasSubstr("451"));
  EXPECT_THAT(v.error, HasSubstr("mailbox busy"));
  EXPECT_EQ(server.message_count(), 0u);
}

TEST(EmailDeliveryFaultsTest, a_5xx_after_the_data_fails_for_good) {
  FakeSmtpServer server(server_options(false));
  server.push_fault(SmtpFault::reply_at(SmtpStep::message, 554, "5.7.1 rejected as spam"));
  const auto p = email_profile(server.url());
  const Email e(p);
  const Verdict v = e.interpret(deliver(e.build(email_msg("x"), email_ctx()).at(0), p.ca_file));
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.error, HasSubstr("554"));
  EXPECT_THAT(v.error, HasSubstr("rejected as spam"));
  EXPECT_THAT(v.hint, HasSubstr("policy"));
}

TEST(EmailDeliveryFaultsTest, a_wrong_password_fails_with_the_credentials_hint) {
  FakeSmtpServer server(server_options(false));
  auto p = email_profile(server.url());
  p.secrets["password"] = "not the password";
  const Email e(p);
  const Verdict v = e.interpret(deliver(e.build(email_msg("x"), email_ctx()).at(0), p.ca_file));
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.hint, HasSubstr("password"));
  EXPECT_THAT(v.error + v.hint, Not(HasSubstr("not the password")));
}

TEST(EmailDeliveryFaultsTest, tls_is_refused_without_the_test_ca) {
  FakeSmtpServer server(server_options(false));
  const auto p = email_profile(server.url());
  const Email e(p);
  const Verdict v = e.interpret(deliver(e.build(email_msg("x"), email_ctx()).at(0), pki().other_ca_cert()));
  EXPECT_EQ(v.kind, Verdict::Kind::fail);
  EXPECT_THAT(v.hint, HasSubstr("ca_file"));
  EXPECT_EQ(server.message_count(), 0u);
}

}  // namespace
}  // namespace notify::services
