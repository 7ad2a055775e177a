// Which files each profile carries, and the line that names the others.

#include "app/attachments.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace notify::app {
namespace {

using ::testing::HasSubstr;

config::Profile profile(const std::string& type) {
  config::Profile p;
  p.name = "p";
  p.type = type;
  return p;
}

TEST(attachments_test, a_service_that_carries_files_gets_them_all) {
  const std::vector<Attachment> files = {{"a.log", "aaa"}, {"b.png", "bb"}};
  const auto fit = fit_files(profile("telegram"), files);
  ASSERT_EQ(fit.carried.size(), 2u);
  EXPECT_TRUE(fit.left_out.empty());
  EXPECT_EQ(fit.note, "");
}

TEST(attachments_test, a_service_without_files_gets_one_line_naming_them_and_why) {
  const std::vector<Attachment> files = {{"a.log", "aaa"}, {"b.png", "bb"}};
  const auto fit = fit_files(profile("mattermost"), files);
  EXPECT_TRUE(fit.carried.empty());
  EXPECT_EQ(fit.note,
            "Not attached here: a.log, b.png (mattermost, whose incoming webhooks cannot carry "
            "files).");
}

TEST(attachments_test, a_file_over_the_limit_is_left_out_the_others_go) {
  // ntfy.sh takes 2 MiB per file.
  const std::vector<Attachment> files = {{"small.txt", "x"},
                                         {"big.bin", "", (2u << 20) + 1}};
  const auto fit = fit_files(profile("ntfy"), files);
  EXPECT_EQ(fit.carried, std::vector<std::size_t>{0});
  ASSERT_EQ(fit.left_out.size(), 1u);
  EXPECT_EQ(fit.left_out[0].first, "big.bin");
  EXPECT_EQ(fit.note, "Not attached here: big.bin (2097153 bytes, over ntfy's limit of 2097152 bytes).");
}

TEST(attachments_test, a_withheld_file_is_never_carried) {
  const std::vector<Attachment> files = {{"core", "", 10}};
  const auto fit = fit_files(profile("telegram"), files);
  EXPECT_TRUE(fit.carried.empty());
  EXPECT_THAT(fit.note, HasSubstr("core (too large for every target"));
}

TEST(attachments_test, cannot_carry_says_why_or_nothing) {
  EXPECT_EQ(cannot_carry(profile("discord"), 10u << 20), "");
  EXPECT_EQ(cannot_carry(profile("discord"), (10u << 20) + 1),
            "10485761 bytes, over discord's limit of 10485760 bytes");
  EXPECT_EQ(cannot_carry(profile("line"), 1), "line, whose push messages cannot carry files");
}

}  // namespace
}  // namespace notify::app
