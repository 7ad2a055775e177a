// TOML syntax errors in notify's words: every common mistake at its line
// and column, explained, and not one of the parser's own phrases.

#include "config/syntax_error.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "config/loader.hpp"
#include "services/registry.hpp"
#include "support/toml_mistakes.hpp"

namespace notify::config {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

TEST(SyntaxErrorTest, every_common_mistake_is_explained_at_its_line_and_column) {
  for (const auto& m : test::toml_mistakes()) {
    SCOPED_TRACE(m.name);
    auto r = parse_config(m.text, "/etc/p.toml", services::catalog());
    ASSERT_FALSE(r.has_value());
    EXPECT_EQ(r.error().kind, ErrorKind::config);
    const std::string& msg = r.error().message;
    EXPECT_THAT(msg, StartsWith("/etc/p.toml:" + std::string(m.where) + ": ")) << msg;
    EXPECT_THAT(msg, HasSubstr(m.says)) << msg;
    EXPECT_EQ(msg.find('\n'), std::string::npos) << msg;
    for (const auto& phrase : test::toml_library_phrases())
      EXPECT_THAT(msg, Not(HasSubstr(phrase))) << msg;
  }
}

TEST(SyntaxErrorTest, a_phrase_it_does_not_know_is_never_passed_on) {
  const auto e = explain_syntax_error("[a]\nx = 1\n", "Error while parsing gizmo: flux capacitor "
                                                     "overloaded, saw 'x'", 2, 5);
  EXPECT_EQ(e.line, 2u);
  EXPECT_EQ(e.column, 5u);
  EXPECT_THAT(e.what, Not(HasSubstr("flux")));
  EXPECT_THAT(e.what, Not(HasSubstr("gizmo")));
  EXPECT_THAT(e.what, HasSubstr("not valid TOML"));
}

TEST(SyntaxErrorTest, columns_count_characters_not_bytes) {
  // "é" is two bytes; the parser and notify both count it as one column.
  auto r = parse_config("[profiles.ops]\nusername = \"é\" x\n", "/p.toml", services::catalog());
  ASSERT_FALSE(r.has_value());
  EXPECT_THAT(r.error().message, StartsWith("/p.toml:2:16: ")) << r.error().message;
}

}  // namespace
}  // namespace notify::config
