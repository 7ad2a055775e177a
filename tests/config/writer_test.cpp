#include "config/writer.hpp"

#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "services/registry.hpp"

namespace notify::config {
namespace {

TEST(config_writer, quotes_toml_strings) {
  EXPECT_EQ(toml_quote("a\"b\\c\nd\x01"), "\"a\\\"b\\\\c\\nd\\u0001\"");
}

TEST(config_writer, appends_after_a_blank_line_keeping_the_text) {
  auto out = add_profile("# c\n[defaults]\ntimeout = 5", "x", "[profiles.x]\n", false);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out, "# c\n[defaults]\ntimeout = 5\n\n[profiles.x]\n");
  EXPECT_EQ(*add_profile("", "x", "[profiles.x]\n", false), "[profiles.x]\n");
}

TEST(config_writer, replaces_only_the_named_table) {
  const std::string text =
      "# top\n[profiles.a]\ntype = \"x\"\n# about b\n[profiles.b]  # note\ntype = \"y\"\n"
      "key = 1\n\n[groups]\nall = [\"a\"]\n";
  EXPECT_FALSE(add_profile(text, "b", "[profiles.b]\n", false));
  auto out = add_profile(text, "b", "[profiles.b]\ntype = \"z\"\n", true);
  ASSERT_TRUE(out);
  EXPECT_EQ(*out,
            "# top\n[profiles.a]\ntype = \"x\"\n# about b\n[groups]\nall = [\"a\"]\n\n"
            "[profiles.b]\ntype = \"z\"\n");
}

TEST(config_writer, rendered_profile_parses) {
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

TEST(config_writer, dotted_names_are_quoted_and_read_back_as_one_name) {
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
