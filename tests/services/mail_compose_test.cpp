// The RFC 5322 composer, read back with the test-side MIME reader and
// decoders (tests/support/mail_*), written independently of src/.

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/base64.hpp"
#include "services/mail_compose.hpp"
#include "support/mail_codec.hpp"
#include "support/mail_message.hpp"

namespace notify::services {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

MailContent content() {
  MailContent c;
  c.from = parse_mailbox("notify <alerts@example.com>");
  c.to = {parse_mailbox("me@example.com")};
  c.subject = "hello";
  c.body = "text\n";
  c.date_unix = 0;
  c.random = "r4nd0m";
  return c;
}

std::vector<std::string> lines_of(const std::string& raw) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start < raw.size()) {
    const auto end = raw.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << "unterminated last line";
    if (end == std::string::npos) break;
    out.push_back(raw.substr(start, end - start));
    start = end + 2;
  }
  return out;
}

TEST(MailComposeTest, crlf_only_and_no_line_over_78_even_for_long_non_ascii_input) {
  MailContent c = content();
  c.from = parse_mailbox("Überwachungssystem des Rechenzentrums Nord (automatisch) <a@example.com>");
  c.to.clear();
  for (int i = 0; i < 12; ++i)
    c.to.push_back(parse_mailbox("Empfänger " + std::to_string(i) + " <r" + std::to_string(i) +
                                 "@example.com>"));
  c.subject = std::string(200, 's') + " ☃ " + std::string(100, 'x');
  c.body = std::string(5000, 'b') + "\n" + std::string(3000, '\xc3') + "\n";
  c.files = {{std::string(90, 'n') + "ä.log", std::string(10000, '\0')}};
  const std::string raw = compose_mail(c);
  for (const auto& line : lines_of(raw)) {
    EXPECT_LE(line.size(), 78u) << line;
    EXPECT_EQ(line.find_first_of("\r\n"), std::string::npos) << line;
  }
  for (const char ch : raw) EXPECT_LT(static_cast<unsigned char>(ch), 0x80) << "8-bit byte";
  const auto mail = test::parse_mail(raw);
  EXPECT_EQ(mail.decoded_header("subject"), c.subject);
  EXPECT_EQ(mail.header_count("to"), 1u);
  EXPECT_THAT(mail.decoded_header("to"), HasSubstr("Empfänger 11 <r11@example.com>"));
  EXPECT_EQ(mail.text, c.body);
  ASSERT_EQ(mail.attachments.size(), 1u);
  EXPECT_EQ(mail.attachments[0].filename, c.files[0].name);
  EXPECT_EQ(mail.attachments[0].body, c.files[0].data);
}

TEST(MailComposeTest, cr_and_lf_in_title_from_and_to_never_start_a_header) {
  MailContent c = content();
  c.subject = mail_subject("alert\r\nBcc: victim@example.org\r\n\r\nforged body", "");
  c.from = parse_mailbox("notify <alerts@example.com>\r\nBcc: victim@example.org");
  c.to = {parse_mailbox("me@example.com\nBcc: victim@example.org"),
          parse_mailbox("x\r\n.\r\nRCPT TO:<victim@example.org>")};
  const std::string raw = compose_mail(c);
  const auto mail = test::parse_mail(raw);
  EXPECT_EQ(mail.header_count("bcc"), 0u);
  EXPECT_EQ(mail.header_count("subject"), 1u);
  EXPECT_THAT(mail.decoded_header("subject"), HasSubstr("alert  Bcc: victim@example.org"));
  EXPECT_EQ(mail.text, "text\n");
  for (const auto& box : c.to) {
    EXPECT_EQ(box.address.find_first_of("\r\n<> "), std::string::npos) << box.address;
  }
  EXPECT_EQ(c.from.address.find_first_of("\r\n<> "), std::string::npos) << c.from.address;
}

TEST(MailComposeTest, date_message_id_and_mime_headers) {
  MailContent c = content();
  c.date_unix = 951782400;  // 2000-02-29, a leap day
  c.random = "a1b2-c3\r\n<x>";
  const auto mail = test::parse_mail(compose_mail(c));
  EXPECT_EQ(mail.header("date"), "Tue, 29 Feb 2000 00:00:00 +0000");
  EXPECT_EQ(mail.header("message-id"), "<a1b2-c3x@example.com>");
  EXPECT_EQ(mail.header("mime-version"), "1.0");
  EXPECT_EQ(mail_date(0), "Thu, 01 Jan 1970 00:00:00 +0000");
}

TEST(MailComposeTest, without_a_domain_the_message_id_still_has_one) {
  MailContent c = content();
  c.from = parse_mailbox("root");
  EXPECT_EQ(test::parse_mail(compose_mail(c)).header("message-id"), "<r4nd0m@notify.invalid>");
}

TEST(MailComposeTest, a_literal_encoded_word_in_the_subject_stays_literal) {
  MailContent c = content();
  c.subject = "price =?UTF-8?B?bm90?= today";
  EXPECT_EQ(test::parse_mail(compose_mail(c)).decoded_header("subject"), c.subject);
}

TEST(MailComposeTest, short_ascii_subjects_and_names_stay_readable) {
  const std::string raw = compose_mail(content());
  EXPECT_THAT(raw, HasSubstr("\r\nSubject: hello\r\n"));
  EXPECT_THAT(raw, HasSubstr("From: \"notify\" <alerts@example.com>\r\n"));
}

TEST(MailComposeTest, attachments_are_multipart_mixed_with_safe_names) {
  MailContent c = content();
  c.files = {{"résumé.pdf", "pdf bytes"}, {"../../etc/passwd", "x"}, {".hidden\r\n", "y"},
             {"", "z"}, {"a\"b\\c.txt", "w"}};
  const std::string raw = compose_mail(c);
  EXPECT_THAT(raw, HasSubstr("filename*=UTF-8''r%C3%A9sum%C3%A9.pdf"));
  const auto mail = test::parse_mail(raw);
  EXPECT_EQ(test::header_param(mail.header("content-type").value_or(""), "boundary"),
            "=_notify_r4nd0m");
  EXPECT_EQ(mail.text, "text\n");
  ASSERT_EQ(mail.attachments.size(), 5u);
  EXPECT_EQ(mail.attachments[0].filename, "résumé.pdf");
  EXPECT_EQ(mail.attachments[0].body, "pdf bytes");
  EXPECT_EQ(mail.attachments[1].filename, "passwd");
  EXPECT_EQ(mail.attachments[2].filename, "hidden__");
  EXPECT_EQ(mail.attachments[3].filename, "attachment");
  EXPECT_EQ(mail.attachments[4].filename, "c.txt");
  for (const auto& a : mail.attachments) EXPECT_EQ(a.transfer_encoding, "base64");
}

TEST(MailComposeTest, files_without_text_have_no_text_part) {
  MailContent c = content();
  c.body.clear();
  c.files = {{"a.txt", "a"}};
  const auto mail = test::parse_mail(compose_mail(c));
  EXPECT_EQ(mail.parts.size(), 1u);
  EXPECT_EQ(mail.attachments.size(), 1u);
}

TEST(MailSubjectTest, the_title_wins_else_the_first_non_blank_line) {
  EXPECT_EQ(mail_subject("Backup", "body"), "Backup");
  EXPECT_EQ(mail_subject("  ", "\n \n  first line  \nsecond"), "first line");
  EXPECT_EQ(mail_subject("", ""), "");
  EXPECT_EQ(mail_subject("", std::string(78, 'a')), std::string(78, 'a'));
}

TEST(MailSubjectTest, long_lines_are_cut_in_code_points) {
  std::string snow;
  for (int i = 0; i < 100; ++i) snow += "雪";
  std::string expected;
  for (int i = 0; i < 75; ++i) expected += "雪";
  EXPECT_EQ(mail_subject("", snow), expected + "...");
}

TEST(MailMailboxTest, names_quotes_and_bare_addresses) {
  auto m = parse_mailbox("  \"Ops Team\" <ops@example.com> ");
  EXPECT_EQ(m.name, "Ops Team");
  EXPECT_EQ(m.address, "ops@example.com");
  m = parse_mailbox("me@example.com");
  EXPECT_EQ(m.name, "");
  EXPECT_EQ(m.address, "me@example.com");
  m = parse_mailbox("Zoë <z@example.com");
  EXPECT_EQ(m.name, "Zoë");
  EXPECT_EQ(m.address, "z@example.com");
}

TEST(MailBase64Test, agrees_with_the_test_decoder_and_rejects_garbage) {
  for (const std::string& s : {std::string(), std::string("a"), std::string("ab"),
                              std::string("abc"), std::string("\0\xff\x10", 3)}) {
    EXPECT_EQ(test::base64_decode(base64_encode(s)), s);
    EXPECT_EQ(base64_decode(test::base64_encode(s)), s);
  }
  EXPECT_EQ(base64_decode("aGVs\r\nbG8g"), "hello ");
  EXPECT_EQ(base64_decode("aGVsbG8"), std::nullopt);
  EXPECT_EQ(base64_decode("aGV*"), std::nullopt);
  EXPECT_EQ(base64_decode("aA==aGVs"), std::nullopt);
  const std::string lines = base64_lines(std::string(100, 'x'));
  EXPECT_EQ(lines.substr(76, 2), "\r\n");
  EXPECT_EQ(test::base64_decode(lines), std::string(100, 'x'));
}

}  // namespace
}  // namespace notify::services
