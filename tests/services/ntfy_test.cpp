// ntfy publish: requests checked against shared/reference/services-2.md
// (pure), then delivered through libcurl to FakeNtfy, which records what
// ntfy would have stored.

#include "services/ntfy.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "message/text_testutil.hpp"
#include "support/fake_server.hpp"
#include "support/fake_services2.hpp"
#include "support/mail_codec.hpp"
#include "transport/curl_http_client.hpp"

namespace notify::services {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;

const std::string kToken = "tk_AgQdq7mVBoFD37zQVN29RhuMzNIz2";

config::Profile ntfy_profile(std::string server = "https://ntfy.example.com/",
                             std::string topic = "alerts-6f1c2b") {
  config::Profile p;
  p.name = "phone";
  if (!server.empty()) p.settings["server"] = std::move(server);
  p.settings["topic"] = std::move(topic);
  return p;
}

Message ntfy_msg(std::string body) {
  Message m;
  m.body = std::move(body);
  return m;
}

BuildContext ntfy_ctx() {
  return BuildContext{[] { return std::string("uuid"); }};
}

std::optional<std::string> ntfy_header(const HttpRequest& r, const std::string& name) {
  for (const auto& [k, v] : r.headers)
    if (k == name) return v;
  return std::nullopt;
}

std::string repeat(const std::string& s, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += s;
  return out;
}

std::string without_white_space(const std::string& s) {
  std::string out;
  for (const char c : s)
    if (c != ' ' && c != '\n' && c != '\t') out += c;
  return out;
}

bool printable_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7E; });
}

// CJK lines with emoji (4 bytes each, one a ZWJ family of 18) and few
// spaces: about 3 bytes a character, so a code-point count would overflow.
std::string cjk_log(int lines) {
  std::string out;
  for (int i = 0; i < lines; ++i) {
    out += "\xE3\x83\xAD\xE3\x82\xB0" + std::to_string(i) + ": " +
           repeat("\xE4\xB8\xAD\xE6\x96\x87", 20) + "\xF0\x9F\x98\x80" +
           "\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7\n";
  }
  return out;
}

// --- build ---------------------------------------------------------------

TEST(NtfyBuildTest, PlainTextIsTheBodyOfOnePostToTheTopic) {
  const auto reqs = Ntfy(ntfy_profile()).build(ntfy_msg("disk /var 91%"), ntfy_ctx());
  ASSERT_EQ(reqs.size(), 1u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].url, "https://ntfy.example.com/alerts-6f1c2b");  // trailing '/' dropped
  EXPECT_EQ(reqs[0].body, "disk /var 91%");
  EXPECT_FALSE(ntfy_header(reqs[0], "X-Title"));
  EXPECT_FALSE(ntfy_header(reqs[0], "X-Priority"));
  EXPECT_FALSE(ntfy_header(reqs[0], "X-Markdown"));
  EXPECT_FALSE(ntfy_header(reqs[0], "Authorization"));

  const auto defaulted = Ntfy(ntfy_profile("")).build(ntfy_msg("x"), ntfy_ctx());
  EXPECT_EQ(defaulted.at(0).url, "https://ntfy.sh/alerts-6f1c2b");
}

TEST(NtfyBuildTest, AsciiTitleGoesAsItIs) {
  auto m = ntfy_msg("done");
  m.title = "backup [nightly]";
  const auto reqs = Ntfy(ntfy_profile()).build(m, ntfy_ctx());
  EXPECT_EQ(ntfy_header(reqs.at(0), "X-Title"), "backup [nightly]");
}

TEST(NtfyBuildTest, NonAsciiTitleTravelsAsEncodedWordsOfWholeCharacters) {
  // 40 CJK characters and emoji: 130 bytes, more than one encoded word holds.
  const std::string title = repeat("\xE5\x82\x99\xE4\xBB\xBD", 20) + " \xF0\x9F\x98\x80 ok";
  auto m = ntfy_msg("done");
  m.title = title;
  const auto value = ntfy_header(Ntfy(ntfy_profile()).build(m, ntfy_ctx()).at(0), "X-Title").value();
  EXPECT_TRUE(printable_ascii(value)) << value;
  EXPECT_EQ(test::rfc2047_decode(value), title);
  std::size_t words = 0;
  for (std::size_t at = 0; at < value.size();) {
    const std::size_t space = std::min(value.find(' ', at), value.size());
    const std::string word = value.substr(at, space - at);
    EXPECT_LE(word.size(), 75u) << word;
    EXPECT_EQ(word.rfind("=?UTF-8?B?", 0), 0u) << word;
    // Each word decodes to valid UTF-8 on its own: no character is split.
    EXPECT_TRUE(message::testing::valid_utf8(test::rfc2047_decode(word))) << word;
    ++words;
    at = space + 1;
  }
  EXPECT_GE(words, 3u);
}

TEST(NtfyBuildTest, TitleThatCouldEndTheHeaderOrLookEncodedIsEncoded) {
  for (const std::string title : {"line one\r\nX-Priority: 5", "=?UTF-8?B?aGk=?="}) {
    auto m = ntfy_msg("done");
    m.title = title;
    const auto value = ntfy_header(Ntfy(ntfy_profile()).build(m, ntfy_ctx()).at(0), "X-Title").value();
    EXPECT_TRUE(printable_ascii(value)) << value;
    EXPECT_NE(value, title);
    EXPECT_EQ(test::rfc2047_decode(value), title);
  }
}

TEST(NtfyBuildTest, IconEmojiIsATagAndIconUrlAnIcon) {
  auto m = ntfy_msg("x");
  m.icon_emoji = "warning";
  m.icon_url = "https://example.com/i.png";
  const auto r = Ntfy(ntfy_profile()).build(m, ntfy_ctx()).at(0);
  EXPECT_EQ(ntfy_header(r, "X-Tags"), "warning");
  EXPECT_EQ(ntfy_header(r, "X-Icon"), "https://example.com/i.png");
  EXPECT_FALSE(ntfy_header(Ntfy(ntfy_profile()).build(ntfy_msg("x"), ntfy_ctx()).at(0), "X-Tags"));
}

TEST(NtfyBuildTest, TheMessagesLevelIsTheHeader) {
  // The profile's `priority` reaches the message as its level (app::level_for).
  auto m = ntfy_msg("x");
  m.priority = Priority::high;
  EXPECT_EQ(ntfy_header(Ntfy(ntfy_profile()).build(m, ntfy_ctx()).at(0), "X-Priority"), "4");
  m.priority = Priority::normal;
  EXPECT_FALSE(ntfy_header(Ntfy(ntfy_profile()).build(m, ntfy_ctx()).at(0), "X-Priority"));
}

TEST(NtfyBuildTest, SilentIsPriorityTwoUnlessTheProfileIsQuieter) {
  auto m = ntfy_msg("backup done");
  m.silent = true;
  auto p = ntfy_profile();
  EXPECT_EQ(ntfy_header(Ntfy(p).build(m, ntfy_ctx()).at(0), "X-Priority"), "2");
  p.priority = Priority::urgent;  // --silent wins over the profile's level
  EXPECT_EQ(ntfy_header(Ntfy(p).build(m, ntfy_ctx()).at(0), "X-Priority"), "2");
  p.priority = Priority::low;  // written as 1 or "min"
  p.priority_lowest = true;
  EXPECT_EQ(ntfy_header(Ntfy(p).build(m, ntfy_ctx()).at(0), "X-Priority"), "1");

  const auto notes = Ntfy(ntfy_profile()).notes(m);
  ASSERT_EQ(notes.size(), 1u);
  EXPECT_THAT(notes[0], HasSubstr("priority 2"));
  EXPECT_TRUE(Ntfy(ntfy_profile()).notes(ntfy_msg("x")).empty());
}

TEST(NtfyBuildTest, MarkdownIsFlaggedAndSentAsWritten) {
  auto m = ntfy_msg("**disk** full on `db1`");
  m.markdown = true;
  const auto r = Ntfy(ntfy_profile()).build(m, ntfy_ctx()).at(0);
  EXPECT_EQ(ntfy_header(r, "X-Markdown"), "yes");
  EXPECT_EQ(r.body, "**disk** full on `db1`");
}

TEST(NtfyBuildTest, CodeIsAFencedBlockWithMarkdownOn) {
  auto m = ntfy_msg("a\n```\nb");
  m.code = true;
  m.code_lang = "log";
  const auto r = Ntfy(ntfy_profile()).build(m, ntfy_ctx()).at(0);
  EXPECT_EQ(ntfy_header(r, "X-Markdown"), "yes");
  EXPECT_EQ(r.body.rfind("```log\n", 0), 0u);
  EXPECT_EQ(r.body.substr(r.body.size() - 4), "\n```");
  // The fence inside the text no longer closes the block early.
  EXPECT_THAT(r.body.substr(7, r.body.size() - 11), Not(HasSubstr("\n```\n")));
}

TEST(NtfyBuildTest, LongCjkAndEmojiTextIsSplitInBytesLosingNothing) {
  const std::string body = cjk_log(120);  // about 17 KB
  ASSERT_GT(body.size(), 4 * Ntfy::kLimit);
  auto m = ntfy_msg(body);
  m.title = "\xE3\x83\xAD\xE3\x82\xB0";
  m.max_parts = 20;
  const auto reqs = Ntfy(ntfy_profile()).build(m, ntfy_ctx());
  ASSERT_GE(reqs.size(), 5u);
  std::string joined;
  for (std::size_t i = 0; i < reqs.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_LE(reqs[i].body.size(), Ntfy::kLimit);
    EXPECT_TRUE(message::testing::valid_utf8(reqs[i].body));
    const std::string marker = "(" + std::to_string(i + 1) + "/" + std::to_string(reqs.size()) + ")";
    EXPECT_EQ(test::rfc2047_decode(ntfy_header(reqs[i], "X-Title").value()),
              "\xE3\x83\xAD\xE3\x82\xB0 " + marker);
    joined += reqs[i].body;
  }
  // Only the line breaks at the cuts are dropped.
  EXPECT_EQ(without_white_space(joined), without_white_space(body));
  EXPECT_GE(joined.size() + reqs.size(), body.size());
}

TEST(NtfyBuildTest, LongMarkdownAndCodeStayWithinTheLimitAfterTheirFences) {
  // A code block with a non-ASCII info string across every cut: the
  // repaired fences count in bytes too.
  auto md = ntfy_msg("```\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x81\xAE\xE8\xA8\x80\xE8\xAA\x9E\n" +
                cjk_log(80) + "```\n");
  md.markdown = true;
  auto code = ntfy_msg(cjk_log(80));
  code.code = true;
  code.code_lang = "log";
  for (const Message& m : {md, code}) {
    const auto reqs = Ntfy(ntfy_profile()).build(m, ntfy_ctx());
    ASSERT_GE(reqs.size(), 3u);
    for (const auto& r : reqs) {
      EXPECT_LE(r.body.size(), Ntfy::kLimit);
      EXPECT_TRUE(message::testing::valid_utf8(r.body));
      EXPECT_EQ(r.body.rfind("```", 0), 0u) << "every part opens its block";
      EXPECT_EQ(ntfy_header(r, "X-Markdown"), "yes");
    }
  }
}

TEST(NtfyBuildTest, OnePartTextIsWhatFitsOnePart) {
  const Ntfy ntfy(ntfy_profile());
  for (const bool code : {false, true}) {
    auto m = ntfy_msg("");
    m.code = code;
    m.code_lang = "sh";
    const std::size_t n = ntfy.one_part_text(m);
    ASSERT_GT(n, 3900u);
    m.body = repeat("a", int(n));
    EXPECT_EQ(ntfy.build(m, ntfy_ctx()).size(), 1u);
    m.body += "a";
    EXPECT_EQ(ntfy.build(m, ntfy_ctx()).size(), 2u);
  }
}

TEST(NtfyBuildTest, FilesArePutAfterTheTextWithFilenameAndTitle) {
  auto p = ntfy_profile();
  p.secrets["token"] = kToken;
  auto m = ntfy_msg("see the files");
  m.title = "nightly";
  const std::string binary("\x00\xFF\x89PNG\r\n", 8);
  m.files = {{"report.txt", "all good\n"}, {"\xE6\x97\xA5\xE5\xBF\x97.png", binary}};
  const auto reqs = Ntfy(p).build(m, ntfy_ctx());
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(reqs[0].method, "POST");
  EXPECT_EQ(reqs[0].body, "see the files");
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_EQ(reqs[i].method, "PUT");
    EXPECT_EQ(reqs[i].url, "https://ntfy.example.com/alerts-6f1c2b");
    EXPECT_EQ(ntfy_header(reqs[i], "X-Title"), "nightly");
    EXPECT_EQ(ntfy_header(reqs[i], "Authorization"), "Bearer " + kToken);
    EXPECT_TRUE(printable_ascii(ntfy_header(reqs[i], "X-Filename").value()));
  }
  EXPECT_EQ(ntfy_header(reqs[1], "X-Filename"), "report.txt");
  EXPECT_EQ(reqs[1].body, "all good\n");
  EXPECT_EQ(test::rfc2047_decode(ntfy_header(reqs[2], "X-Filename").value()),
            "\xE6\x97\xA5\xE5\xBF\x97.png");
  EXPECT_EQ(reqs[2].body, binary);

  m.body.clear();  // files only: no empty text message first
  const auto only = Ntfy(p).build(m, ntfy_ctx());
  ASSERT_EQ(only.size(), 2u);
  EXPECT_EQ(only[0].method, "PUT");
  EXPECT_EQ(Ntfy(p).max_file_bytes(), 2u * 1024 * 1024);
}

TEST(NtfyBuildTest, TokenIsABearerHeaderOnEveryRequest) {
  auto p = ntfy_profile();
  p.secrets["token"] = kToken;
  auto m = ntfy_msg(cjk_log(60));
  const auto reqs = Ntfy(p).build(m, ntfy_ctx());
  ASSERT_GE(reqs.size(), 2u);
  for (const auto& r : reqs) {
    EXPECT_EQ(ntfy_header(r, "Authorization"), "Bearer " + kToken);
    EXPECT_THAT(r.url, Not(HasSubstr(kToken)));
  }
}

// --- interpret -----------------------------------------------------------

HttpResponse ntfy_reply(long status, std::string body,
                   std::vector<Header> headers = {{"content-type", "application/json"}}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

std::string ntfy_error(int status, int code, const std::string& text) {
  return R"({"code":)" + std::to_string(code) + R"(,"http":)" + std::to_string(status) +
         R"(,"error":")" + text + R"(","link":"https://ntfy.sh/docs/publish/#authentication"})";
}

TEST(NtfyInterpretTest, AStoredMessageIsDelivered) {
  const auto v = Ntfy(ntfy_profile()).interpret(ntfy_reply(
      200, R"({"id":"sPs71M8A2T","time":1767225600,"event":"message","topic":"alerts-6f1c2b","message":"x"})"));
  EXPECT_EQ(v.kind, Verdict::Kind::delivered);
}

TEST(NtfyInterpretTest, ForbiddenAndUnauthorizedPointAtTheToken) {
  auto with_token = ntfy_profile();
  with_token.secrets["token"] = kToken;
  const auto forbidden = ntfy_reply(403, ntfy_error(403, 40301, "forbidden"));
  const auto anonymous = Ntfy(ntfy_profile()).interpret(forbidden);
  EXPECT_EQ(anonymous.kind, Verdict::Kind::fail);
  EXPECT_THAT(anonymous.error, HasSubstr("HTTP 403"));
  EXPECT_THAT(anonymous.error, HasSubstr("forbidden (ntfy 40301)"));
  EXPECT_THAT(anonymous.hint, HasSubstr("set token"));
  const auto denied = Ntfy(with_token).interpret(forbidden);
  EXPECT_THAT(denied.hint, HasSubstr("write access"));
  EXPECT_THAT(denied.error + denied.hint, Not(HasSubstr(kToken)));

  const auto rejected = Ntfy(with_token).interpret(ntfy_reply(401, ntfy_error(401, 40101, "unauthorized")));
  EXPECT_EQ(rejected.kind, Verdict::Kind::fail);
  EXPECT_THAT(rejected.error, HasSubstr("unauthorized (ntfy 40101)"));
  EXPECT_THAT(rejected.hint, HasSubstr("rejected the access token"));
}

TEST(NtfyInterpretTest, OtherClientErrorsFailWithTheirHints) {
  const Ntfy ntfy(ntfy_profile());
  const auto big = ntfy.interpret(
      ntfy_reply(413, ntfy_error(413, 41301, "attachment too large, or bandwidth limit reached")));
  EXPECT_EQ(big.kind, Verdict::Kind::fail);
  EXPECT_THAT(big.hint, HasSubstr("2 MB"));
  const auto prio = ntfy.interpret(ntfy_reply(400, ntfy_error(400, 40007, "invalid priority parameter")));
  EXPECT_EQ(prio.kind, Verdict::Kind::fail);
  EXPECT_THAT(prio.hint, HasSubstr("1 to 5"));
  const auto lost = ntfy.interpret(ntfy_reply(404, ntfy_error(404, 40401, "page not found")));
  EXPECT_EQ(lost.kind, Verdict::Kind::fail);
  EXPECT_THAT(lost.hint, HasSubstr("server"));
  // No hint of our own: ntfy's link says where to read.
  const auto other = ntfy.interpret(ntfy_reply(400, ntfy_error(400, 40004, "invalid delay parameter")));
  EXPECT_EQ(other.hint, "see https://ntfy.sh/docs/publish/#authentication");
}

TEST(NtfyInterpretTest, TooManyRequestsIsRetriedAfterWhatTheServerAsks) {
  const auto v = Ntfy(ntfy_profile()).interpret(
      ntfy_reply(429, ntfy_error(429, 42901, "limit reached: too many requests"),
            {{"content-type", "application/json"}, {"retry-after", "7"}}));
  EXPECT_EQ(v.kind, Verdict::Kind::retry);
  EXPECT_EQ(v.retry_after, std::chrono::milliseconds(7000));
  EXPECT_THAT(v.error, HasSubstr("42901"));
}

TEST(NtfyInterpretTest, DailyQuotasAndAuthFailureLimitsAreNotRetriedNow) {
  const Ntfy ntfy(ntfy_profile());
  for (const int code : {42908, 42905, 42909}) {
    const auto v = ntfy.interpret(ntfy_reply(429, ntfy_error(429, code, "limit reached"),
                                        {{"content-type", "application/json"}, {"retry-after", "5"}}));
    EXPECT_EQ(v.kind, Verdict::Kind::fail) << code;
    EXPECT_FALSE(v.retry_after) << code;
    EXPECT_FALSE(v.hint.empty()) << code;
  }
}

TEST(NtfyInterpretTest, ServerErrorsAreRetriedAndAProxyPageIsItsStatusLine) {
  const Ntfy ntfy(ntfy_profile());
  EXPECT_EQ(ntfy.interpret(ntfy_reply(500, ntfy_error(500, 50001, "internal server error"))).kind,
            Verdict::Kind::retry);
  const auto page = ntfy.interpret(ntfy_reply(
      502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
      {{"content-type", "text/html"}}));
  EXPECT_EQ(page.kind, Verdict::Kind::retry);
  EXPECT_EQ(page.error, "HTTP 502 Bad Gateway");

  // 507 is permanent only as ntfy's UnifiedPush refusal.
  const auto up = ntfy.interpret(ntfy_reply(
      507, ntfy_error(507, 50701, "cannot publish to UnifiedPush topic without previously active subscriber")));
  EXPECT_EQ(up.kind, Verdict::Kind::fail);
  EXPECT_THAT(up.hint, HasSubstr("subscribe"));
  EXPECT_EQ(ntfy.interpret(ntfy_reply(507, "disk full", {{"content-type", "text/plain"}})).kind,
            Verdict::Kind::retry);

  HttpResponse refused;
  refused.error = TransportError::connect;
  EXPECT_EQ(ntfy.interpret(refused).kind, Verdict::Kind::retry);
}

// --- against FakeNtfy, through libcurl ------------------------------------

struct Sent {
  std::vector<Verdict> verdicts;
  std::vector<long> statuses;
};

// Sends each request in order, as the engine does, until one is not delivered.
Sent deliver(const Ntfy& ntfy, const Message& m) {
  CurlHttpClient client;
  Sent sent;
  for (auto& request : ntfy.build(m, ntfy_ctx())) {
    std::optional<HttpResponse> answer;
    client.start(std::move(request), RequestOptions{}, [&](HttpResponse r) { answer = std::move(r); });
    while (!answer) client.poll(1s, -1);  // ends: every transfer has a 10 s timeout
    sent.statuses.push_back(answer->status);
    sent.verdicts.push_back(ntfy.interpret(*answer));
    if (sent.verdicts.back().kind != Verdict::Kind::delivered) break;
  }
  return sent;
}

bool all_delivered(const Sent& s) {
  return std::all_of(s.verdicts.begin(), s.verdicts.end(),
                     [](const Verdict& v) { return v.kind == Verdict::Kind::delivered; });
}

TEST(NtfyFakeTest, ASplitMarkdownMessageArrivesWholeWithItsTitleAndPriority) {
  test::FakeServer server;
  test::FakeNtfy fake;
  server.set_handler(fake.handler());
  auto p = ntfy_profile(server.base_url() + "/", "alerts-6f1c2b");
  const std::string body = cjk_log(100);
  auto m = ntfy_msg(body);
  m.priority = Priority::high;
  m.title = "\xE5\xA4\x9C\xE9\x96\x93\xE3\x83\x90\xE3\x83\x83\xE3\x82\xAF\xE3\x82\xA2\xE3\x83\x83\xE3\x83\x97";
  m.markdown = true;
  m.max_parts = 20;
  const Sent sent = deliver(Ntfy(p), m);
  ASSERT_TRUE(all_delivered(sent)) << sent.verdicts.back().error;

  const auto stored = fake.messages();
  ASSERT_EQ(stored.size(), sent.verdicts.size());
  ASSERT_GE(stored.size(), 4u);
  std::string joined;
  for (std::size_t i = 0; i < stored.size(); ++i) {
    EXPECT_EQ(stored[i].method, "POST");
    EXPECT_EQ(stored[i].topic, "alerts-6f1c2b");
    EXPECT_EQ(stored[i].title, m.title + " (" + std::to_string(i + 1) + "/" +
                                   std::to_string(stored.size()) + ")");
    EXPECT_EQ(stored[i].priority, 4);
    EXPECT_TRUE(stored[i].markdown);
    EXPECT_TRUE(stored[i].filename.empty()) << "a part became an attachment";
    joined += stored[i].message;
  }
  EXPECT_EQ(without_white_space(joined), without_white_space(body));
}

TEST(NtfyFakeTest, TheTokenOpensAProtectedTopic) {
  test::FakeServer server;
  test::NtfyOptions options;
  options.token = kToken;
  test::FakeNtfy fake(options);
  server.set_handler(fake.handler());
  auto p = ntfy_profile(server.base_url(), "ops");

  const Sent anonymous = deliver(Ntfy(p), ntfy_msg("hello"));
  EXPECT_EQ(anonymous.statuses.at(0), 403);
  EXPECT_EQ(anonymous.verdicts.at(0).kind, Verdict::Kind::fail);
  EXPECT_THAT(anonymous.verdicts.at(0).hint, HasSubstr("set token"));

  p.secrets["token"] = "tk_wrongwrongwrongwrongwrongwro";
  const Sent wrong = deliver(Ntfy(p), ntfy_msg("hello"));
  EXPECT_EQ(wrong.statuses.at(0), 401);
  EXPECT_THAT(wrong.verdicts.at(0).hint, HasSubstr("rejected the access token"));
  EXPECT_TRUE(fake.messages().empty());

  p.secrets["token"] = kToken;
  auto m = ntfy_msg("hello");
  m.silent = true;
  ASSERT_TRUE(all_delivered(deliver(Ntfy(p), m)));
  ASSERT_EQ(fake.messages().size(), 1u);
  EXPECT_EQ(fake.messages()[0].message, "hello");
  EXPECT_EQ(fake.messages()[0].priority, 2);
}

TEST(NtfyFakeTest, FilesBecomeAttachmentsNamedAsGiven) {
  test::FakeServer server;
  test::FakeNtfy fake;
  server.set_handler(fake.handler());
  const auto p = ntfy_profile(server.base_url(), "ops");
  auto m = ntfy_msg("nightly report");
  m.title = "backup";
  std::string binary(3000, '\0');
  for (std::size_t i = 0; i < binary.size(); ++i) binary[i] = char(i * 7);
  m.files = {{"\xE6\x97\xA5\xE5\xBF\x97 1.bin", binary}};
  ASSERT_TRUE(all_delivered(deliver(Ntfy(p), m)));

  const auto stored = fake.messages();
  ASSERT_EQ(stored.size(), 2u);
  EXPECT_EQ(stored[0].message, "nightly report");
  EXPECT_EQ(stored[1].method, "PUT");
  EXPECT_EQ(stored[1].filename, "\xE6\x97\xA5\xE5\xBF\x97 1.bin");
  EXPECT_EQ(stored[1].attachment, binary);
  EXPECT_EQ(stored[1].title, "backup");

  // One byte over ntfy.sh's limit is refused, with the limit in the hint.
  m.body.clear();
  m.files = {{"big.bin", std::string(Ntfy(p).max_file_bytes() + 1, 'x')}};
  const Sent big = deliver(Ntfy(p), m);
  EXPECT_EQ(big.statuses.at(0), 413);
  EXPECT_EQ(big.verdicts.at(0).kind, Verdict::Kind::fail);
  EXPECT_THAT(big.verdicts.at(0).hint, HasSubstr("2 MB"));
}

TEST(NtfyFakeTest, RateLimitsAreRetriedAfterRetryAfterAndQuotasAreNot) {
  test::FakeServer server;
  test::NtfyOptions options;
  options.daily_quota = 1;
  test::FakeNtfy fake(options);
  server.set_handler(fake.handler());
  const Ntfy ntfy(ntfy_profile(server.base_url(), "ops"));

  server.push_reply(test::ntfy_429(3));
  const Sent limited = deliver(ntfy, ntfy_msg("one"));
  EXPECT_EQ(limited.verdicts.at(0).kind, Verdict::Kind::retry);
  EXPECT_EQ(limited.verdicts.at(0).retry_after, std::chrono::milliseconds(3000));
  EXPECT_TRUE(fake.messages().empty());

  EXPECT_TRUE(all_delivered(deliver(ntfy, ntfy_msg("one"))));
  const Sent over = deliver(ntfy, ntfy_msg("two"));
  EXPECT_EQ(over.statuses.at(0), 429);
  EXPECT_EQ(over.verdicts.at(0).kind, Verdict::Kind::fail);
  EXPECT_THAT(over.verdicts.at(0).hint, HasSubstr("daily"));
  ASSERT_EQ(fake.messages().size(), 1u);
}

}  // namespace
}  // namespace notify::services
