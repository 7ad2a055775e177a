// The Matrix service: event contents, transaction ids, the alias lookup,
// sizes and reply reading, checked against ../shared/reference/services-3.md §4.

#include "services/matrix.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "config/schema.hpp"
#include "services/registry.hpp"

namespace notify::services {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

constexpr const char* kMatrixTestToken = "syt_secret_token_0123";

config::Profile matrix_profile(std::string room = "!ops:example.org") {
  config::Profile p;
  p.name = "mx";
  p.type = "matrix";
  p.settings["homeserver"] = std::string("https://matrix.example.org");
  p.settings["room"] = std::move(room);
  p.secrets["access_token"] = kMatrixTestToken;
  return p;
}

Message matrix_msg(std::string body) {
  Message m;
  m.body = std::move(body);
  return m;
}

struct MatrixCounter {
  int n = 0;
  BuildContext ctx() {
    return BuildContext{[this] { return "txn-" + std::to_string(++n); }};
  }
};

std::vector<HttpRequest> matrix_build(const config::Profile& p, const Message& m,
                                      std::optional<std::string> lookup = std::nullopt) {
  MatrixCounter c;
  auto ctx = c.ctx();
  ctx.lookup = std::move(lookup);
  return Matrix(p).build(m, ctx);
}

json matrix_body(const HttpRequest& r) { return json::parse(r.body); }

HttpResponse matrix_reply(long status, std::string body, std::vector<Header> headers = {}) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  r.headers = std::move(headers);
  return r;
}

TEST(MatrixTest, a_part_is_a_put_of_one_event_with_its_own_transaction_id) {
  const auto rs = matrix_build(matrix_profile(), matrix_msg("disk /var 91%"));
  ASSERT_EQ(rs.size(), 1u);
  EXPECT_EQ(rs[0].method, "PUT");
  EXPECT_EQ(rs[0].url,
            "https://matrix.example.org/_matrix/client/v3/rooms/%21ops%3Aexample.org/send/"
            "m.room.message/txn-1");
  EXPECT_THAT(rs[0].headers, ::testing::Contains(Header{"Authorization",
                                                        std::string("Bearer ") + kMatrixTestToken}));
  EXPECT_THAT(rs[0].url, Not(HasSubstr(kMatrixTestToken)));
  const auto j = matrix_body(rs[0]);
  EXPECT_EQ(j["msgtype"], "m.text");
  EXPECT_EQ(j["body"], "disk /var 91%");
  EXPECT_FALSE(j.contains("format"));
  EXPECT_FALSE(j.contains("formatted_body"));
  EXPECT_EQ(j["m.mentions"], json::object());
}

TEST(MatrixTest, the_title_is_bold_on_the_first_line_and_piped_html_never_renders) {
  auto m = matrix_msg("<img src=x onerror=alert(1)> & <b>not bold</b>\nline 2");
  m.title = "backup <i>";
  const auto j = matrix_body(matrix_build(matrix_profile(), m).at(0));
  EXPECT_EQ(j["body"], "backup <i>\n<img src=x onerror=alert(1)> & <b>not bold</b>\nline 2");
  EXPECT_EQ(j["format"], "org.matrix.custom.html");
  EXPECT_EQ(j["formatted_body"],
            "<b>backup &lt;i&gt;</b><br>&lt;img src=x onerror=alert(1)&gt; &amp; "
            "&lt;b&gt;not bold&lt;/b&gt;<br>line 2");
}

TEST(MatrixTest, markdown_is_rendered_to_html_and_its_raw_html_is_left_out) {
  auto m = matrix_msg("**bold** and `code`\n\n<script>alert(1)</script>\n\n[x](javascript:alert(1))");
  m.markdown = true;
  const auto j = matrix_body(matrix_build(matrix_profile(), m).at(0));
  const std::string html = j["formatted_body"];
  EXPECT_THAT(html, HasSubstr("<strong>bold</strong>"));
  EXPECT_THAT(html, HasSubstr("<code>code</code>"));
  EXPECT_THAT(html, Not(HasSubstr("<script")));
  EXPECT_THAT(html, Not(HasSubstr("javascript:")));
  EXPECT_THAT(std::string(j["body"]), HasSubstr("bold and code"));
  EXPECT_THAT(std::string(j["body"]), Not(HasSubstr("**")));
}

TEST(MatrixTest, code_is_a_pre_block_with_its_language_and_escaped_text) {
  auto m = matrix_msg("if (a < b && c) {}\n  next");
  m.code = true;
  m.code_lang = "cpp";
  const auto j = matrix_body(matrix_build(matrix_profile(), m).at(0));
  EXPECT_EQ(j["formatted_body"],
            "<pre><code class=\"language-cpp\">if (a &lt; b &amp;&amp; c) {}\n  next</code></pre>");
  EXPECT_EQ(j["body"], "if (a < b && c) {}\n  next");
}

TEST(MatrixTest, low_priority_and_the_notice_key_send_m_notice) {
  auto m = matrix_msg("x");
  m.priority = Priority::low;
  m.silent = true;
  EXPECT_EQ(matrix_body(matrix_build(matrix_profile(), m).at(0))["msgtype"], "m.notice");
  auto p = matrix_profile();
  p.settings["notice"] = true;
  EXPECT_EQ(matrix_body(matrix_build(p, matrix_msg("x")).at(0))["msgtype"], "m.notice");
}

TEST(MatrixTest, mentions_in_text_ping_nobody_and_urgent_mentions_ping_exactly_those) {
  const auto quiet = matrix_body(matrix_build(matrix_profile(), matrix_msg("@room @alice:example.org")).at(0));
  EXPECT_EQ(quiet["m.mentions"], json::object());
  auto m = matrix_msg(std::string(20000, 'x'));
  m.priority = Priority::urgent;
  m.urgent_mentions = {"@room", "@alice:example.org"};
  const auto rs = matrix_build(matrix_profile(), m);
  ASSERT_GE(rs.size(), 2u);
  const auto first = matrix_body(rs[0]);
  EXPECT_EQ(first["m.mentions"], (json{{"room", true}, {"user_ids", {"@alice:example.org"}}}));
  EXPECT_EQ(std::string(first["body"]).rfind("@room @alice:example.org\n", 0), 0u);
  for (std::size_t i = 1; i < rs.size(); ++i)
    EXPECT_EQ(matrix_body(rs[i])["m.mentions"], json::object());
}

// The worst text for each mode: every event's content stays within the
// budget, and (plain and code) the parts give back the text. Per byte of
// text, '&' and a newline cost 6 bytes (1 or 2 in body, 5 or 4 in
// formatted_body), '<' 5, '"' and '\\' 4, a 4-byte emoji 8 per 4; an
// edit carries it twice; Markdown's markup more, so those parts are cut
// smaller.
TEST(MatrixTest, worst_case_text_keeps_every_event_under_the_budget) {
  const std::string emoji = "\xF0\x9F\x98\x80";
  std::vector<std::string> worst = {std::string(50000, '<'), std::string(50000, '&'),
                                    std::string(50000, '\n'), std::string(50000, '"'),
                                    std::string(50000, '\\'), std::string(50000, '\t')};
  std::string e;
  for (int i = 0; i < 12500; ++i) e += emoji;
  worst.push_back(e);
  std::string quotes;
  for (int i = 0; i < 20000; ++i) quotes += ">";
  worst.push_back(quotes);
  std::string nested;
  for (int i = 0; i < 10000; ++i) nested += "- ";
  worst.push_back(nested);
  std::size_t largest = 0;
  for (const auto& text : worst) {
    for (int mode = 0; mode < 3; ++mode) {
      for (bool edit : {false, true}) {
        auto m = matrix_msg(text);
        m.title = "t&<";
        m.max_parts = 100;
        m.code = mode == 1;
        m.markdown = mode == 2;
        if (edit) m.edit_ids = std::vector<std::string>(100, "$orig");
        const auto rs = matrix_build(matrix_profile(), m);
        ASSERT_FALSE(rs.empty());
        std::string back;
        for (const auto& r : rs) {
          EXPECT_LE(r.body.size(), Matrix::kEventBudget) << "mode " << mode << " edit " << edit;
          largest = std::max(largest, r.body.size());
          const auto j = matrix_body(r);
          const std::string body = edit ? std::string(j["m.new_content"]["body"]) : std::string(j["body"]);
          back += body.substr(body.find('\n') + 1);
        }
        if (mode != 2) {
          // A cut at white space takes it (no EXPECT_EQ: its diff of 50,000
          // lines would take minutes).
          auto lines_off = [](std::string t) {
            std::erase_if(t, [](char c) { return c == '\n' || c == '\t' || c == ' '; });
            return t;
          };
          EXPECT_TRUE(lines_off(back) == lines_off(text))
              << "mode " << mode << " edit " << edit << ": " << back.size() << " of " << text.size();
        }
      }
    }
  }
  RecordProperty("largest_content_bytes", std::to_string(largest));
  std::printf("matrix worst case: largest event content %zu bytes\n", largest);
}

TEST(MatrixTest, an_edit_is_an_m_replace_of_the_original_with_the_whole_new_content) {
  auto m = matrix_msg("new **text**");
  m.markdown = true;
  m.edit_ids = {"$orig"};
  const auto rs = matrix_build(matrix_profile(), m);
  ASSERT_EQ(rs.size(), 1u);
  const auto j = matrix_body(rs[0]);
  EXPECT_EQ(j["body"], "* new text");
  EXPECT_EQ(j["formatted_body"], "* <p>new <strong>text</strong></p>");
  EXPECT_EQ(j["m.new_content"]["body"], "new text");
  EXPECT_EQ(j["m.new_content"]["m.mentions"], json::object());
  EXPECT_EQ(j["m.relates_to"], (json{{"rel_type", "m.replace"}, {"event_id", "$orig"}}));
  // The id an edit is known by is the original's, never the edit event's.
  EXPECT_EQ(Matrix(matrix_profile()).message_id(rs[0], matrix_reply(200, R"({"event_id":"$edit"})")),
            "$orig");
  const auto plain = matrix_build(matrix_profile(), matrix_msg("x")).at(0);
  EXPECT_EQ(Matrix(matrix_profile()).message_id(plain, matrix_reply(200, R"({"event_id":"$new"})")),
            "$new");
}

TEST(MatrixTest, a_reply_points_every_new_part_at_the_first_message) {
  auto m = matrix_msg("done");
  m.reply_to = "$first";
  const auto j = matrix_body(matrix_build(matrix_profile(), m).at(0));
  EXPECT_EQ(j["m.relates_to"], (json{{"m.in_reply_to", {{"event_id", "$first"}}}}));
}

TEST(MatrixTest, replies_are_read_as_the_errcode_says) {
  const Matrix mx(matrix_profile());
  EXPECT_EQ(mx.interpret(matrix_reply(200, R"({"event_id":"$1"})")).kind, Verdict::Kind::delivered);
  const auto header = mx.interpret(matrix_reply(
      429, R"({"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":9000})",
      {{"retry-after", "2"}}));
  EXPECT_EQ(header.kind, Verdict::Kind::retry);
  EXPECT_EQ(header.retry_after, std::chrono::milliseconds(2000));
  const auto ms = mx.interpret(matrix_reply(
      429, R"({"errcode":"M_LIMIT_EXCEEDED","error":"Too Many Requests","retry_after_ms":1500})"));
  EXPECT_EQ(ms.retry_after, std::chrono::milliseconds(1500));
  const auto token = mx.interpret(matrix_reply(401, R"({"errcode":"M_UNKNOWN_TOKEN","error":"Unknown access token"})"));
  EXPECT_EQ(token.kind, Verdict::Kind::fail);
  EXPECT_THAT(token.error, HasSubstr("M_UNKNOWN_TOKEN"));
  EXPECT_THAT(token.hint, HasSubstr("access_token"));
  const auto room = mx.interpret(matrix_reply(403, R"({"errcode":"M_FORBIDDEN","error":"not in room"})"));
  EXPECT_EQ(room.kind, Verdict::Kind::fail);
  EXPECT_THAT(room.hint, HasSubstr("room"));
  EXPECT_EQ(mx.interpret(matrix_reply(404, R"({"errcode":"M_NOT_FOUND","error":"gone"})")).kind,
            Verdict::Kind::post_anew);
  EXPECT_EQ(mx.interpret(matrix_reply(413, R"({"errcode":"M_TOO_LARGE","error":"big"})")).kind,
            Verdict::Kind::fail);
  EXPECT_EQ(mx.interpret(matrix_reply(502, "<html>bad gateway</html>")).kind, Verdict::Kind::retry);
}

TEST(MatrixTest, only_an_alias_is_looked_up_and_its_answer_addresses_the_parts) {
  EXPECT_FALSE(Matrix(matrix_profile()).lookup(matrix_msg("x")));
  const Matrix mx(matrix_profile("#ops:example.org"));
  const auto ask = mx.lookup(matrix_msg("x"));
  ASSERT_TRUE(ask);
  EXPECT_EQ(ask->method, "GET");
  EXPECT_EQ(ask->url, "https://matrix.example.org/_matrix/client/v3/directory/room/%23ops%3Aexample.org");
  const auto found = mx.read_lookup(matrix_reply(200, R"({"room_id":"!abc:example.org","servers":[]})"));
  EXPECT_EQ(found.value, "!abc:example.org");
  const auto unknown = mx.read_lookup(matrix_reply(404, R"({"errcode":"M_NOT_FOUND","error":"Room alias not found"})"));
  EXPECT_FALSE(unknown.value);
  EXPECT_EQ(unknown.verdict.kind, Verdict::Kind::fail);
  EXPECT_THAT(unknown.verdict.hint, HasSubstr("room"));
  EXPECT_THAT(unknown.verdict.error, HasSubstr("#ops:example.org"));
  EXPECT_EQ(mx.read_lookup(matrix_reply(503, "")).verdict.kind, Verdict::Kind::retry);
  const auto rs = matrix_build(matrix_profile("#ops:example.org"), matrix_msg("x"), "!abc:example.org");
  EXPECT_THAT(rs.at(0).url, HasSubstr("/rooms/%21abc%3Aexample.org/send/"));
}

TEST(MatrixTest, room_is_checked_at_load_naming_both_shapes) {
  const auto* row = find_service("matrix");
  ASSERT_NE(row, nullptr);
  const auto* room = row->schema.key("room");
  for (const char* good : {"!abc:example.org", "#ops:example.org", "#a:b"})
    EXPECT_EQ(config::value_problem(row->schema, *room, good), "") << good;
  for (const char* bad : {"ops", "#ops", "!:x", "@alice:example.org", "#a b:c", ""}) {
    const auto why = config::value_problem(row->schema, *room, bad);
    EXPECT_THAT(why, HasSubstr("!id:server")) << bad;
    EXPECT_THAT(why, HasSubstr("#alias:server")) << bad;
  }
}

}  // namespace
}  // namespace notify::services
