#include "config/writer.hpp"

#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "services/registry.hpp"

namespace notify::config {
namespace {

TEST(ConfigWriterTest, quotes_toml_strings) {
  EXPECT_EQ(toml_quote("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
}

TEST(ConfigWriterTest, appends_after_a_blank_line_keeping_the_text) {
  auto out = add_profile("# c\n[defaults]\ntimeout = 5", "x", "[profiles.x]\n", false);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "# c\n[defaults]\ntimeout = 5\n\n[profiles.x]\n");
  EXPECT_EQ(*add_profile("", "x", "[profiles.x]\n", false), "[profiles.x]\n");
}

TEST(ConfigWriterTest, replaces_only_the_named_table_where_it_stands) {
  const std::string text =
      "# top\n[profiles.a]\ntype = \"x\"\n# about b\n[profiles.b]  # note\ntype = \"y\"\n"
      "key = 1\n\n[groups]\nall = [\"a\"]\n";
  EXPECT_FALSE(add_profile(text, "b", "[profiles.b]\n", false));
  auto out = add_profile(text, "b", "[profiles.b]\ntype = \"z\"\n", true);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out,
            "# top\n[profiles.a]\ntype = \"x\"\n# about b\n[profiles.b]\ntype = \"z\"\n"
            "\n[groups]\nall = [\"a\"]\n");
}

TEST(ConfigWriterTest, rendered_profile_parses) {
  // A quote and a backslash in a value must survive the round trip.
  auto block = render_profile("me", {{"type", "telegram"}, {"token", "${TG_\"TOKEN\\}"},
                                     {"chat_id", "-100"}, {"thread_id", "7", false}});
  auto cfg = parse_config(block, "t.toml", services::catalog());
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->profiles.at("me").number("thread_id"), 7);
  EXPECT_EQ(cfg->profiles.at("me").secret_sources[0].value, "${TG_\"TOKEN\\}");
}

}  // namespace
}  // namespace notify::config

namespace notify::config {
namespace {

TEST(ConfigWriterTest, dotted_names_are_quoted_and_read_back_as_one_name) {
  EXPECT_EQ(toml_key("ops"), "ops");
  EXPECT_EQ(toml_key("a-b_c"), "a-b_c");
  EXPECT_EQ(toml_key("my.ops"), "\"my.ops\"");
  auto block = render_profile("my.ops", {{"type", "discord"},
                                         {"webhook_url", "https://d/api/webhooks/1/x"}});
  EXPECT_EQ(block.substr(0, block.find('\n')), "[profiles.\"my.ops\"]");
  auto cfg = parse_config(block, "t.toml", services::catalog());
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->profiles.count("my.ops"), 1u);
  // Replacing finds the quoted table, never a nested [profiles.my.ops].
  auto again = add_profile(block, "my.ops", block, true);
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, block);
  EXPECT_TRUE(add_profile("[profiles.my.ops]\n", "my.ops", block, false));
}

}  // namespace
}  // namespace notify::config

namespace notify::config {
namespace {

const std::string kFile =
    "# my profiles\n"
    "[defaults]\n"
    "timeout = 5   # seconds\n"
    "\n"
    "[profiles.ops]  # the ops channel\n"
    "type = \"mattermost\"\n"
    "webhook_url = \"https://chat.example/hooks/abc\"   # from Integrations\n"
    "# who posts\n"
    "username = 'deploy-bot'\n"
    "retries = 2\n"
    "\n"
    "# the mail profile\n"
    "[profiles.mail]\n"
    "type = \"email\"\n"
    "to = [\n"
    "  \"a@example.com\",  # first [really]\n"
    "  \"b@example.com\",\n"
    "]\n"
    "from = \"\"\"n@example.com\"\"\"\n"
    "smtp_url = \"smtps://mail.example\"\n";

std::string replaced(std::string text, const std::string& from, const std::string& to) {
  const auto at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  return at == std::string::npos ? text : text.replace(at, from.size(), to);
}

TEST(ConfigWriterTest, edit_changes_only_the_values_named_keeping_spacing_and_comments) {
  auto out = edit_profile(kFile, "ops", {{"username", "cron"}, {"retries", "5", false}}, {});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, replaced(replaced(kFile, "username = 'deploy-bot'", "username = \"cron\""),
                           "retries = 2", "retries = 5"));
  EXPECT_TRUE(parse_config(*out, "t.toml", services::catalog()));
}

TEST(ConfigWriterTest, edit_adds_a_key_after_the_last_and_removes_lines_whole) {
  auto out = edit_profile(kFile, "ops", {{"channel", "alerts"}}, {"username"});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, replaced(replaced(kFile, "username = 'deploy-bot'\n", ""), "retries = 2\n",
                           "retries = 2\nchannel = \"alerts\"\n"));
}

TEST(ConfigWriterTest, edit_reads_values_over_several_lines_and_in_triple_quotes) {
  auto out = edit_profile(kFile, "mail", {{"to", "c@example.com"}, {"from", "m@example.com"}}, {});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, replaced(replaced(kFile,
                                    "to = [\n  \"a@example.com\",  # first [really]\n"
                                    "  \"b@example.com\",\n]\n",
                                    "to = \"c@example.com\"\n"),
                           "from = \"\"\"n@example.com\"\"\"", "from = \"m@example.com\""));
  // The last line of the file has no newline: a key added after it gets one.
  auto unended = edit_profile("[profiles.x]\ntype = \"ntfy\"", "x", {{"topic", "t"}}, {});
  ASSERT_TRUE(unended);
  EXPECT_EQ(*unended, "[profiles.x]\ntype = \"ntfy\"\ntopic = \"t\"\n");
}

TEST(ConfigWriterTest, a_new_spelling_takes_the_place_of_the_old) {
  const std::string text =
      "[profiles.me]\ntype = \"telegram\"\ntoken_file = \"/run/tg\"  # systemd\nchat_id = 1\n";
  auto out = edit_profile(text, "me", {{"token", "1:abc"}}, {"token_file"});
  ASSERT_TRUE(out) << out.error().message;
  EXPECT_EQ(*out, "[profiles.me]\ntype = \"telegram\"\ntoken = \"1:abc\"  # systemd\nchat_id = 1\n");
}

TEST(ConfigWriterTest, edit_refuses_a_profile_not_written_as_its_own_table) {
  auto out = edit_profile("[profiles]\nops = { type = \"ntfy\", topic = \"t\" }\n", "ops",
                          {{"topic", "u"}}, {});
  ASSERT_FALSE(out);
  EXPECT_NE(out.error().message.find("not written as a [profiles.ops] table"), std::string::npos);
}

}  // namespace
}  // namespace notify::config
