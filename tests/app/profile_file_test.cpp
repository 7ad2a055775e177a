// The profile file as every command reads it, and --dry-run's view of a
// request through its service.

#include "app/profile_file.hpp"
#include "app/preview.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "support/temp_dir.hpp"

namespace notify::app {
namespace {

namespace fs = std::filesystem;
using ::testing::HasSubstr;
using ::testing::StartsWith;

const char* kProfile = R"(
[profiles.me]
type = "ntfy"
topic = "me-abc"
)";

Result<std::string> read_disk(const std::string& path) {
  std::ifstream in(path);
  if (!in) return make_error(ErrorKind::io, "No such file or directory");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST(ProfileFileTest, a_regular_file_is_recorded_by_its_real_path_for_the_spool) {
  test::TempDir tmp{"notify-profile-file"};
  const auto real = tmp.write_file("real/profiles.toml", kProfile);
  fs::create_symlink(real, tmp / "link.toml");
  const auto cfg = read_profile_file(read_disk, (tmp / "link.toml").string());
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->path, (tmp / "link.toml").string());
  EXPECT_EQ(cfg->absolute_path, fs::canonical(real).string());
  EXPECT_EQ(cfg->profiles.count("me"), 1u);
}

TEST(ProfileFileTest, what_is_no_regular_file_is_read_but_not_recorded) {
  // A pipe (`-c <(gpg -d ...)`) cannot be read again by a later flush.
  const auto cfg = read_profile_file([](const std::string&) -> Result<std::string> {
    return std::string(kProfile);
  }, "/dev/null");
  ASSERT_TRUE(cfg) << cfg.error().message;
  EXPECT_EQ(cfg->absolute_path, "");
}

TEST(ProfileFileTest, an_unreadable_or_invalid_file_is_a_config_error_naming_it) {
  const auto gone = read_profile_file(read_disk, "/nonexistent/profiles.toml");
  ASSERT_FALSE(gone);
  EXPECT_EQ(gone.error().kind, ErrorKind::config);
  EXPECT_EQ(gone.error().message,
            "cannot read profile file /nonexistent/profiles.toml: No such file or directory");
  const auto bad = parse_profile_file("[profiles.me]\ntype = \"pigeon\"\n", "p.toml");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().kind, ErrorKind::config);
  EXPECT_THAT(bad.error().message, StartsWith("p.toml:"));
  EXPECT_THAT(bad.error().message, HasSubstr("pigeon"));
}

TEST(PreviewTest, only_a_service_with_a_view_of_its_own_previews) {
  HttpRequest mail;
  mail.method = "SMTP";
  mail.url = "smtps://mail.example:465";
  mail.mail = MailEnvelope{"from@example.org", {"to@example.org"}, "user", "hunter2hunter2"};
  mail.body = "Subject: hi\r\n\r\nbody\r\n";
  const auto shown = preview("email", mail);
  ASSERT_TRUE(shown);
  EXPECT_THAT(*shown, HasSubstr("to@example.org"));
  EXPECT_THAT(*shown, ::testing::Not(HasSubstr("hunter2hunter2")));
  EXPECT_EQ(preview("mattermost", mail), std::nullopt);
  EXPECT_EQ(preview("pigeon", mail), std::nullopt);
}

}  // namespace
}  // namespace notify::app
