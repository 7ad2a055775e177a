// E-mail through the real binary against the fake SMTP server: delivery over
// STARTTLS and smtps with the test CA (and refusal without it), long and
// hostile input, 4xx retried and 5xx final, the spool and dead letters,
// fallbacks both ways, attachments, --dry-run, --json, setup and list.

#include <algorithm>
#include <filesystem>

#include "e2e.hpp"
#include "support/fake_smtp.hpp"
#include "support/mail_message.hpp"
#include "support/test_pki.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

constexpr const char* kUser = "alerts@example.com";
constexpr const char* kPassword = "smtp-Pa55-word-xyz";

class EmailE2E : public E2E {
 protected:
  TestPki pki;
  std::unique_ptr<FakeSmtpServer> smtp;
  FakeServer mm;  // a second service for fallbacks

  void SetUp() override {
    mm.set_handler(mattermost_handler());
    start(options());
  }
  FakeSmtpServer::Options options() const {
    FakeSmtpServer::Options o;
    o.pki = &pki;
    o.require_tls = true;
    o.user = kUser;
    o.password = kPassword;
    return o;
  }
  void start(const FakeSmtpServer::Options& o) { smtp = std::make_unique<FakeSmtpServer>(o); }

  /// The `mail` profile (retries = 0, the test CA) with `extra` lines, and an `ops`
  /// Mattermost profile.
  std::string profile(const std::string& extra = "", bool with_ca = true) {
    return config("[profiles.mail]\ntype = \"email\"\nretries = 0\ntimeout = 10\nsmtp_url = \"" +
                  smtp->url() + "\"\nusername = \"" + kUser + "\"\npassword = \"" + kPassword +
                  "\"\nfrom = \"notify <alerts@example.com>\"\n"
                  "to = [\"me@example.com\", \"Ops Team <ops@example.com>\"]\n" +
                  (with_ca ? "ca_file = \"" + pki.ca_cert() + "\"\n" : std::string()) + extra +
                  "\n[profiles.ops]\ntype = \"mattermost\"\nretries = 0\nwebhook_url = \"" +
                  mattermost_url(mm) + "\"\n");
  }
  RunResult run(const std::string& path, std::vector<std::string> args,
                std::optional<std::string> input = std::nullopt,
                std::vector<std::pair<std::string, std::optional<std::string>>> env = {}) {
    args.insert(args.begin(), {"-c", path});
    env.emplace_back("XDG_STATE_HOME", state());
    return notify(std::move(args), std::move(input), std::move(env));
  }
  MailMessage mail(std::size_t i = 0) const { return parse_mail(smtp->messages().at(i).data); }
  static void expect_no_secret(const RunResult& r) {
    EXPECT_THAT(r.out, Not(HasSubstr(kPassword)));
    EXPECT_THAT(r.err, Not(HasSubstr(kPassword)));
  }
};

TEST_F(EmailE2E, delivers_over_starttls_with_the_test_ca) {
  auto r = run(profile(), {"mail", "--title", "Disk full ☃ Grüße", "/var is at 91%"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_no_secret(r);
  ASSERT_EQ(smtp->message_count(), 1u);
  const auto sent = smtp->messages()[0];
  EXPECT_TRUE(sent.tls);
  EXPECT_EQ(sent.user, kUser);
  EXPECT_EQ(sent.from, "alerts@example.com");
  EXPECT_EQ(sent.recipients, (std::vector<std::string>{"me@example.com", "ops@example.com"}));
  const auto m = mail();
  EXPECT_EQ(m.decoded_header("subject"), "Disk full ☃ Grüße");
  const auto raw = m.header("subject").value_or("");
  EXPECT_TRUE(std::all_of(raw.begin(), raw.end(), [](char c) { return c > 0 && c < 0x7f; }))
      << "non-ASCII goes as RFC 2047 encoded words: " << raw;
  EXPECT_EQ(m.text, "/var is at 91%");
  EXPECT_TRUE(m.header("date").has_value());
  EXPECT_TRUE(m.header("message-id").has_value());
}

TEST_F(EmailE2E, reply_threads_the_keys_mails_under_the_first_ones_message_id) {
  const auto path = profile();
  for (const char* text : {"backup started", "backup 50%", "backup done"}) {
    const auto r = run(path, {"--key", "backup", "--reply", "mail", text});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ASSERT_EQ(smtp->message_count(), 3u);
  const auto first = mail(0).header("message-id").value_or("");
  ASSERT_FALSE(first.empty());
  EXPECT_FALSE(mail(0).header("in-reply-to").has_value());
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(mail(i).header("in-reply-to").value_or(""), first) << i;
    EXPECT_EQ(mail(i).header("references").value_or(""), first) << i;
    EXPECT_NE(mail(i).header("message-id").value_or(""), first) << i;
  }
}

TEST_F(EmailE2E, delivers_over_smtps_with_the_test_ca) {
  auto o = options();
  o.implicit_tls = true;
  start(o);
  auto r = run(profile(), {"mail"}, std::string("over implicit tls\n"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(smtp->message_count(), 1u);
  EXPECT_TRUE(smtp->messages()[0].tls);
  EXPECT_EQ(mail().text, "over implicit tls") << "the final newline of the input is no part of it";
}

TEST_F(EmailE2E, curl_ca_bundle_works_like_ca_file) {
  auto r = run(profile("", false), {"mail", "x"}, std::nullopt,
               {{"CURL_CA_BUNDLE", pki.ca_cert()}});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(smtp->message_count(), 1u);
}

TEST_F(EmailE2E, starttls_without_the_ca_is_refused_and_nothing_is_sent) {
  auto r = run(profile("", false), {"mail", "secret report"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("TLS"));
  EXPECT_THAT(r.err, HasSubstr("ca_file"));
  expect_no_secret(r);
  auto other = run(profile("", false), {"mail", "x"}, std::nullopt,
                   {{"CURL_CA_BUNDLE", pki.other_ca_cert()}});
  EXPECT_EQ(other.exit_code, 1);
  EXPECT_EQ(smtp->message_count(), 0u);
  // Nothing went in clear: the only command before the handshake is EHLO/STARTTLS.
  for (const auto& c : smtp->commands()) {
    EXPECT_THAT(c.line, Not(HasSubstr("AUTH")));
    EXPECT_THAT(c.line, Not(HasSubstr("MAIL")));
  }
  EXPECT_EQ(failed(), 2u) << "a certificate does not fix itself: dead letters";
}

TEST_F(EmailE2E, smtps_without_the_ca_is_refused) {
  auto o = options();
  o.implicit_tls = true;
  start(o);
  auto r = run(profile("", false), {"mail", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("ca_file"));
  EXPECT_TRUE(smtp->wait_until_idle(10s));
  EXPECT_TRUE(smtp->commands().empty());
  EXPECT_EQ(smtp->message_count(), 0u);
}

TEST_F(EmailE2E, a_server_without_starttls_gets_nothing_unless_the_profile_allows_clear_text) {
  FakeSmtpServer::Options o;  // no TLS, no login
  start(o);
  auto p = config("[profiles.mail]\ntype = \"email\"\nretries = 0\nsmtp_url = \"" + smtp->url() +
                  "\"\nfrom = \"a@example.com\"\nto = \"b@example.com\"\n");
  auto r = run(p, {"mail", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("smtps://"));
  EXPECT_EQ(smtp->message_count(), 0u);

  auto clear = config("[profiles.mail]\ntype = \"email\"\nretries = 0\nstarttls = false\n"
                      "smtp_url = \"" + smtp->url() +
                      "\"\nfrom = \"a@example.com\"\nto = \"b@example.com\"\n");
  auto ok = run(clear, {"mail", "x"});
  EXPECT_EQ(ok.exit_code, 0) << ok.err;
  ASSERT_EQ(smtp->message_count(), 1u);
  EXPECT_FALSE(smtp->messages()[0].tls);
}

TEST_F(EmailE2E, long_input_is_one_message_never_split) {
  std::string body;
  for (int i = 0; body.size() < 300 * 1024; ++i)
    body += "line " + std::to_string(i) + " Grüße " + std::string(80, 'x') + "\n";
  auto r = run(profile(), {"mail"}, body);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(smtp->message_count(), 1u);
  const auto text = mail().text;
  EXPECT_EQ(text.size() + 1, body.size());
  EXPECT_TRUE(text + "\n" == body) << "the whole text, in order, in one message";
  const auto subject = mail().decoded_header("subject");
  EXPECT_EQ(subject.rfind("line 0 Grüße xxx", 0), 0u) << subject;
  EXPECT_LT(subject.size(), body.find('\n')) << "the first line, shortened";
}

TEST_F(EmailE2E, hostile_text_cannot_add_headers_recipients_or_end_the_data) {
  const std::string title = "alert\r\nBcc: evil@example.com\r\nX-Injected: 1";
  const std::string body =
      ".\r\nMAIL FROM:<evil@example.com>\r\n.\n..two dots\nFrom the start\n"
      "@channel <!here> @all =?UTF-8?B?ZXZpbA==?= <b>not html</b>\n";
  auto r = run(profile(), {"mail", "--title", title}, body);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(smtp->message_count(), 1u);
  const auto sent = smtp->messages()[0];
  EXPECT_EQ(sent.recipients, (std::vector<std::string>{"me@example.com", "ops@example.com"}));
  const auto m = mail();
  EXPECT_FALSE(m.header("bcc").has_value());
  EXPECT_FALSE(m.header("x-injected").has_value());
  EXPECT_EQ(m.header_count("subject"), 1u);
  EXPECT_THAT(m.decoded_header("subject"), HasSubstr("alert"));
  EXPECT_THAT(m.decoded_header("subject"), Not(HasSubstr("\n")));
  // Line ends arrive normalised to LF (as for every service), the rest as written.
  EXPECT_EQ(m.text,
            ".\nMAIL FROM:<evil@example.com>\n.\n..two dots\nFrom the start\n"
            "@channel <!here> @all =?UTF-8?B?ZXZpbA==?= <b>not html</b>");
}

TEST_F(EmailE2E, a_4xx_is_retried_and_delivers_once) {
  smtp->push_fault(SmtpFault::reply_at(SmtpStep::rcpt, 451, "4.3.0 mailbox busy"));
  auto r = run(profile(), {"--retries", "2", "-v", "mail", "again"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("451"));
  EXPECT_EQ(smtp->message_count(), 1u);
  EXPECT_EQ(smtp->connection_count(), 2u);
  EXPECT_EQ(pending(), 0u);
}

TEST_F(EmailE2E, a_connection_dropped_after_the_data_is_retried) {
  smtp->push_fault(SmtpFault::drop_at(SmtpStep::message));
  auto r = run(profile(), {"--retries", "1", "mail", "dropped once"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(smtp->message_count(), 1u);
  EXPECT_EQ(mail().text, "dropped once");
}

TEST_F(EmailE2E, a_temporary_failure_is_spooled_and_a_flush_delivers_it_once) {
  for (int i = 0; i < 3; ++i) smtp->push_fault(SmtpFault::reply_at(SmtpStep::greeting, 421));
  auto r = run(profile(), {"--retries", "2", "mail", "--title", "kept", "keep me"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("421"));
  EXPECT_THAT(r.err, HasSubstr("spool"));
  expect_no_secret(r);
  EXPECT_EQ(smtp->connection_count(), 3u);
  EXPECT_EQ(pending(), 1u);
  EXPECT_EQ(smtp->message_count(), 0u);

  auto f = run(profile(), {"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  expect_no_secret(f);
  ASSERT_EQ(smtp->message_count(), 1u);
  EXPECT_EQ(mail().text, "keep me");
  EXPECT_EQ(mail().decoded_header("subject"), "kept");
  EXPECT_EQ(pending(), 0u);
  EXPECT_EQ(run(profile(), {"flush"}).exit_code, 0);
  EXPECT_EQ(smtp->message_count(), 1u) << "delivered once";
}

TEST_F(EmailE2E, a_spooled_mail_keeps_its_attachment_not_its_path) {
  smtp->push_fault(SmtpFault::reply_at(SmtpStep::greeting, 421));
  TempDir work{"notify-cwd"};
  work.write_file("report.txt", "nightly numbers\n");
  RunOptions o;
  o.isolate(home.path());
  o.set_env("XDG_STATE_HOME", state());
  o.cwd = work.path();
  o.timeout = 60s;
  const auto path = profile();
  auto r = run_process({NOTIFY_BINARY, "-c", path, "mail", "--file", "report.txt", "see attached"}, o);
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(pending(), 1u);
  std::filesystem::remove(work.path() / "report.txt");
  auto f = run(path, {"flush"});  // another cwd, and the file is gone anyway
  EXPECT_EQ(f.exit_code, 0) << f.err;
  ASSERT_EQ(smtp->message_count(), 1u);
  ASSERT_EQ(mail().attachments.size(), 1u);
  EXPECT_EQ(mail().attachments[0].filename, "report.txt");
  EXPECT_EQ(mail().attachments[0].body, "nightly numbers\n");
  EXPECT_EQ(mail().text, "see attached");
  EXPECT_EQ(pending(), 0u);
}

TEST_F(EmailE2E, a_5xx_is_final_a_dead_letter_not_retried) {
  smtp->push_fault(SmtpFault::reply_at(SmtpStep::message, 554, "5.7.1 rejected as spam"));
  auto r = run(profile(), {"--retries", "3", "mail", "buy now"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("554"));
  EXPECT_THAT(r.err, HasSubstr("rejected as spam"));
  EXPECT_THAT(r.err, HasSubstr("policy"));
  EXPECT_EQ(smtp->connection_count(), 1u);
  EXPECT_EQ(pending(), 0u);
  EXPECT_EQ(failed(), 1u);
  auto listed = run(profile(), {"spool"});
  EXPECT_THAT(listed.out, HasSubstr("buy now"));
  expect_no_secret(listed);
  EXPECT_EQ(run(profile(), {"flush"}).exit_code, 0);
  EXPECT_EQ(smtp->connection_count(), 1u) << "flush leaves dead letters alone";
}

TEST_F(EmailE2E, a_refused_recipient_names_the_to_key) {
  smtp->push_fault(SmtpFault::reply_at(SmtpStep::rcpt, 550, "5.1.1 No such user").after(1));
  auto r = run(profile(), {"mail", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("550"));
  EXPECT_THAT(r.err, HasSubstr("No such user"));
  EXPECT_THAT(r.err, HasSubstr("`to`"));
  EXPECT_EQ(smtp->message_count(), 0u);
}

TEST_F(EmailE2E, a_wrong_password_is_final_and_never_shown) {
  auto p = config("[profiles.mail]\ntype = \"email\"\nretries = 2\nsmtp_url = \"" + smtp->url() +
                  "\"\nusername = \"" + kUser + "\"\npassword = \"wrong-" + kPassword +
                  "\"\nfrom = \"alerts@example.com\"\nto = \"me@example.com\"\nca_file = \"" +
                  pki.ca_cert() + "\"\n");
  auto r = run(p, {"mail", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("535"));
  EXPECT_THAT(r.err, HasSubstr("password"));
  expect_no_secret(r);
  EXPECT_EQ(smtp->connection_count(), 1u);
  EXPECT_EQ(failed(), 1u);
}

TEST_F(EmailE2E, attachments_arrive_whole_and_an_oversized_mail_is_refused_with_a_hint) {
  TempDir work{"notify-cwd"};
  const std::string binary("\x00\x01\xff\r\n.\r\nend", 11);
  work.write_file("report.csv", "host,disk\nweb1,91%\n");
  work.write_file("dump.bin", binary);
  RunOptions o;
  o.isolate(home.path());
  o.set_env("XDG_STATE_HOME", state());
  o.cwd = work.path();
  o.timeout = 60s;
  const auto path = profile();
  auto r = run_process({NOTIFY_BINARY, "-c", path, "mail", "--file", "report.csv", "--file",
                        "dump.bin", "nightly numbers"},
                       o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(smtp->message_count(), 1u);
  const auto m = mail();
  EXPECT_EQ(m.text, "nightly numbers");
  ASSERT_EQ(m.attachments.size(), 2u);
  EXPECT_EQ(m.attachments[0].filename, "report.csv");
  EXPECT_EQ(m.attachments[0].body, "host,disk\nweb1,91%\n");
  EXPECT_EQ(m.attachments[1].filename, "dump.bin");
  EXPECT_EQ(m.attachments[1].body, binary);

  auto small = options();
  small.max_size = 4096;
  start(small);
  work.write_file("big.log", std::string(8192, 'z'));
  auto big = run_process({NOTIFY_BINARY, "-c", profile(), "mail", "--file", "big.log", "x"}, o);
  EXPECT_EQ(big.exit_code, 1);
  EXPECT_THAT(big.err, HasSubstr("552"));
  EXPECT_THAT(big.err, HasSubstr("smaller files"));
  EXPECT_EQ(smtp->message_count(), 0u);
}

TEST_F(EmailE2E, dry_run_shows_the_mail_and_masks_the_password) {
  TempDir work{"notify-cwd"};
  work.write_file("report.csv", "a,b\n");
  RunOptions o;
  o.isolate(home.path());
  o.cwd = work.path();
  o.timeout = 60s;
  auto r = run_process({NOTIFY_BINARY, "-c", profile(), "--dry-run", "mail", "--title", "Grüße",
                        "--file", "report.csv", "body text ☃"},
                       o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  expect_no_secret(r);
  EXPECT_THAT(r.out, HasSubstr("me@example.com"));
  EXPECT_THAT(r.out, HasSubstr("Grüße")) << "decoded, as the recipient reads it";
  EXPECT_THAT(r.out, HasSubstr("body text ☃"));
  EXPECT_THAT(r.out, HasSubstr("report.csv"));
  EXPECT_EQ(smtp->connection_count(), 0u);
}

TEST_F(EmailE2E, json_reports_delivery_and_failure) {
  auto r = run(profile(), {"--json", "mail", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["delivered"], true);
  EXPECT_EQ(j["target"], "mail");

  smtp->push_fault(SmtpFault::reply_at(SmtpStep::message, 554));
  auto bad = run(profile(), {"--json", "mail", "x"});
  EXPECT_EQ(bad.exit_code, 1);
  auto k = nlohmann::json::parse(bad.out);
  EXPECT_EQ(k["delivered"], false);
  EXPECT_THAT(k.dump(), HasSubstr("554"));
  expect_no_secret(bad);
}

TEST_F(EmailE2E, a_failing_mail_falls_back_to_another_profile) {
  smtp->push_fault(SmtpFault::reply_at(SmtpStep::message, 554));
  auto r = run(profile("fallback = \"ops\"\n"), {"--json", "mail", "via the team"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("via fallback 'ops'"));
  EXPECT_EQ(nlohmann::json::parse(r.out)["via"], "ops");
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_EQ(texts_of(mm.requests()[0]), std::vector<std::string>{"via the team"});
}

TEST_F(EmailE2E, a_failing_profile_falls_back_to_mail) {
  mm.push_reply(server_error(503));
  profile();  // ops comes last: the appended key is its own
  auto cfg = config(home.read_file("profiles.toml") + "fallback = \"mail\"\n");
  auto r = run(cfg, {"ops", "--title", "from chat", "to the inbox"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("via fallback 'mail'"));
  ASSERT_EQ(smtp->message_count(), 1u);
  EXPECT_EQ(mail().text, "to the inbox");
}

TEST_F(EmailE2E, setup_writes_a_profile_that_delivers_and_list_masks_the_password) {
  const std::vector<std::pair<std::string, std::optional<std::string>>> env = {
      {"XDG_CONFIG_HOME", (home / "cfg").string()},
      {"XDG_STATE_HOME", state()},
      {"CURL_CA_BUNDLE", pki.ca_cert()}};
  auto s = notify({"setup", "inbox", "--type", "email", "--smtp-url", smtp->url(), "--username",
                   kUser, "--password", "-", "--from", "notify <alerts@example.com>", "--to",
                   "me@example.com", "--yes"},
                  std::string(kPassword) + "\n", env);
  EXPECT_EQ(s.exit_code, 0) << s.err;
  expect_no_secret(s);
  auto sent = notify({"inbox", "set up and working"}, std::nullopt, env);
  EXPECT_EQ(sent.exit_code, 0) << sent.err;
  ASSERT_EQ(smtp->message_count(), 1u);
  EXPECT_EQ(smtp->messages()[0].user, kUser);
  EXPECT_EQ(mail().text, "set up and working");

  auto listed = notify({"list"}, std::nullopt, env);
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  EXPECT_THAT(listed.out, HasSubstr("inbox"));
  EXPECT_THAT(listed.out, HasSubstr("me@example.com"));
  expect_no_secret(listed);
  auto json = notify({"list", "--json"}, std::nullopt, env);
  EXPECT_EQ(json.exit_code, 0) << json.err;
  expect_no_secret(json);
}

}  // namespace
}  // namespace notify::test
