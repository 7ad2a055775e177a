// --markdown end to end: one CommonMark report to all four fake services,
// each getting what it can show; the flag survives the spool.

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class MarkdownE2E : public FourServicesE2E {};

const std::string kReport =
    "# Disk report\n"
    "\n"
    "**/var** is at *91%*; see [the runbook](https://wiki.example.com/disk).\n"
    "\n"
    "- one\n"
    "- two\n"
    "\n"
    "```sh\n"
    "df -h\n"
    "```\n";

// Byte offset of a UTF-16 offset into UTF-8 text (entities count UTF-16).
std::size_t byte_at(const std::string& text, std::size_t units) {
  std::size_t i = 0;
  while (i < text.size() && units > 0) {
    const auto c = static_cast<unsigned char>(text[i]);
    const std::size_t len = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
    units -= std::min<std::size_t>(units, len == 4 ? 2 : 1);
    i += len;
  }
  return i;
}

// The text an entity covers.
std::string covered(const nlohmann::json& body, const nlohmann::json& entity) {
  const std::string text = body["text"];
  const std::size_t begin = byte_at(text, entity["offset"].get<std::size_t>());
  const std::size_t end =
      byte_at(text, entity["offset"].get<std::size_t>() + entity["length"].get<std::size_t>());
  return text.substr(begin, end - begin);
}

const nlohmann::json* find_entity(const nlohmann::json& body, const std::string& type,
                                  const std::string& text) {
  if (!body.contains("entities")) return nullptr;
  for (const auto& e : body["entities"])
    if (e["type"] == type && covered(body, e) == text) return &e;
  return nullptr;
}

TEST_F(MarkdownE2E, each_service_gets_what_it_can_show) {
  auto r = notify({"-c", path, "--markdown", "all"}, kReport);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string as_written = kReport.substr(0, kReport.size() - 1);

  // Mattermost and Discord render Markdown themselves.
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_EQ(texts_of(mm.requests()[0]), std::vector<std::string>{as_written});
  ASSERT_EQ(dc.request_count(), 1u);
  EXPECT_EQ(texts_of(dc.requests()[0]), std::vector<std::string>{as_written});

  // Telegram: rendered text plus entities, never parse_mode.
  ASSERT_EQ(tg.request_count(), 1u);
  auto body = nlohmann::json::parse(tg.requests()[0].body);
  EXPECT_FALSE(body.contains("parse_mode"));
  const std::string text = body["text"];
  EXPECT_THAT(text, Not(HasSubstr("**")));
  EXPECT_THAT(text, Not(HasSubstr("](")));
  EXPECT_THAT(text, Not(HasSubstr("```")));
  EXPECT_TRUE(find_entity(body, "bold", "Disk report")) << body.dump();
  EXPECT_TRUE(find_entity(body, "bold", "/var")) << body.dump();
  EXPECT_TRUE(find_entity(body, "italic", "91%")) << body.dump();
  auto link = find_entity(body, "text_link", "the runbook");
  ASSERT_TRUE(link) << body.dump();
  EXPECT_EQ((*link)["url"], "https://wiki.example.com/disk");
  auto pre = find_entity(body, "pre", "df -h");
  ASSERT_TRUE(pre) << body.dump();
  EXPECT_EQ((*pre)["language"], "sh");
  EXPECT_THAT(text, HasSubstr("\xE2\x80\xA2 one\n\xE2\x80\xA2 two"));

  // LINE: readable plain text, the link's address kept.
  ASSERT_EQ(line.request_count(), 1u);
  auto line_text = texts_of(line.requests()[0]);
  ASSERT_EQ(line_text.size(), 1u);
  EXPECT_THAT(line_text[0], HasSubstr("/var is at 91%; see the runbook (https://wiki.example.com/disk)."));
  EXPECT_THAT(line_text[0], HasSubstr("\xE2\x80\xA2 one\n\xE2\x80\xA2 two"));
  EXPECT_THAT(line_text[0], HasSubstr("df -h"));
  EXPECT_THAT(line_text[0], Not(HasSubstr("**")));
  EXPECT_THAT(line_text[0], Not(HasSubstr("#")));
}

TEST_F(MarkdownE2E, html_in_the_input_reaches_telegram_as_written) {
  auto r = notify({"-c", path, "--markdown", "me"}, "a <b>not bold</b> & 1 < 2 in_snake_case\n");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(tg.request_count(), 1u);
  auto body = nlohmann::json::parse(tg.requests()[0].body);
  EXPECT_EQ(body["text"], "a <b>not bold</b> & 1 < 2 in_snake_case");
  EXPECT_FALSE(body.contains("parse_mode"));
}

TEST_F(MarkdownE2E, a_spooled_markdown_message_is_still_markdown_when_flushed) {
  tg.set_handler([](const Recorded&) { return server_error(503); });
  auto failed = notify({"-c", path, "--retries", "0", "--markdown", "me"}, "**urgent**\n");
  ASSERT_EQ(failed.exit_code, 1) << failed.err;
  tg.set_handler(telegram_handler());
  tg.reset();
  auto flushed = notify({"-c", path, "flush"});
  ASSERT_EQ(flushed.exit_code, 0) << flushed.err;
  ASSERT_EQ(tg.request_count(), 1u);
  auto body = nlohmann::json::parse(tg.requests()[0].body);
  EXPECT_EQ(body["text"], "urgent");
  EXPECT_TRUE(find_entity(body, "bold", "urgent")) << body.dump();
}

TEST_F(MarkdownE2E, markdown_with_code_is_a_usage_error) {
  auto r = notify({"-c", path, "--markdown", "--code", "me"}, "x\n");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("--markdown and --code exclude each other"));
  // notify run still runs its command (the pipe's promise); the report's
  // wrong option is reported instead of the report.
  auto run = notify({"-c", path, "run", "me", "--markdown", "--", "sh", "-c", "exit 4"});
  EXPECT_EQ(run.exit_code, 4);
  EXPECT_THAT(run.err, HasSubstr("--markdown"));
  EXPECT_THAT(run.err, HasSubstr("the report was not sent"));
  EXPECT_EQ(tg.request_count(), 0u);
}

TEST_F(MarkdownE2E, stream_renders_each_batch) {
  RunOptions o;
  o.isolate(home.path());
  o.set_env("NOTIFY", NOTIFY_BINARY).set_env("CFG", path);
  auto r = run_process({"sh", "-c",
                        "{ printf '**first**\\n'; sleep 2; printf '*second*\\n'; } | "
                        "\"$NOTIFY\" -c \"$CFG\" --stream=1 --markdown me"},
                       o);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(tg.request_count(), 2u);
  auto first = nlohmann::json::parse(tg.requests()[0].body);
  auto second = nlohmann::json::parse(tg.requests()[1].body);
  EXPECT_TRUE(find_entity(first, "bold", "first")) << first.dump();
  EXPECT_TRUE(find_entity(second, "italic", "second")) << second.dump();
}

}  // namespace
}  // namespace notify::test
