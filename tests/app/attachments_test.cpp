// Which files each profile carries, and the line that names the others.

#include "app/attachments.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "app/profile_file.hpp"

namespace notify::app {
namespace {

using ::testing::HasSubstr;

config::Profile attachments_profile(const std::string& type) {
  config::Profile p;
  p.name = "p";
  p.type = type;
  return p;
}

TEST(AttachmentsTest, a_service_that_carries_files_gets_them_all) {
  const std::vector<Attachment> files = {{"a.log", "aaa"}, {"b.png", "bb"}};
  const auto fit = fit_files(attachments_profile("telegram"), files);
  ASSERT_EQ(fit.carried.size(), 2u);
  EXPECT_TRUE(fit.left_out.empty());
  EXPECT_EQ(fit.note, "");
}

TEST(AttachmentsTest, a_service_without_files_gets_one_line_naming_them_and_why) {
  const std::vector<Attachment> files = {{"a.log", "aaa"}, {"b.png", "bb"}};
  const auto fit = fit_files(attachments_profile("mattermost"), files);
  EXPECT_TRUE(fit.carried.empty());
  EXPECT_EQ(fit.note,
            "Not attached here: a.log, b.png (mattermost, whose incoming webhooks cannot carry "
            "files).");
}

TEST(AttachmentsTest, a_file_over_the_limit_is_left_out_the_others_go) {
  // ntfy.sh takes 2 MiB per file.
  const std::vector<Attachment> files = {{"small.txt", "x"},
                                         {"big.bin", "", (2u << 20) + 1}};
  const auto fit = fit_files(attachments_profile("ntfy"), files);
  EXPECT_EQ(fit.carried, std::vector<std::size_t>{0});
  ASSERT_EQ(fit.left_out.size(), 1u);
  EXPECT_EQ(fit.left_out[0].first, "big.bin");
  EXPECT_EQ(fit.note, "Not attached here: big.bin (2097153 bytes, over ntfy's limit of 2097152 bytes).");
}

TEST(AttachmentsTest, a_withheld_file_is_never_carried) {
  const std::vector<Attachment> files = {{"core", "", 10}};
  const auto fit = fit_files(attachments_profile("telegram"), files);
  EXPECT_TRUE(fit.carried.empty());
  EXPECT_THAT(fit.note, HasSubstr("core (too large for every target"));
}

TEST(AttachmentsTest, cannot_carry_says_why_or_nothing) {
  EXPECT_EQ(cannot_carry(attachments_profile("discord"), 10u << 20), "");
  EXPECT_EQ(cannot_carry(attachments_profile("discord"), (10u << 20) + 1),
            "10485761 bytes, over discord's limit of 10485760 bytes");
  EXPECT_EQ(cannot_carry(attachments_profile("line"), 1), "line, whose push messages cannot carry files");
}

// --file through a FileSource of sizes and contents, every read counted.
class AttachFilesTest : public ::testing::Test {
 protected:
  std::map<std::string, std::uint64_t> sizes;
  std::vector<std::string> reads;
  config::Config cfg = *parse_profile_file(R"(
[profiles.ops]
type = "mattermost"
webhook_url = "https://mm.example/hooks/opsopsops"

[profiles.phone]
type = "ntfy"
topic = "phone-abc"

[profiles.pager]
type = "ntfy"
topic = "pager-abc"
notice_only = true

[groups]
team = ["ops", "phone"]
)", "test.toml");

  FileSource source() {
    return {[this](const std::string& path) -> Result<std::uint64_t> {
              const auto it = sizes.find(path);
              if (it == sizes.end()) return make_error(ErrorKind::io, "No such file or directory");
              return it->second;
            },
            [this](const std::string& path) -> Result<std::string> {
              reads.push_back(path);
              return std::string(sizes.at(path), 'x');
            }};
  }
  Result<void> attach(const std::vector<std::string>& targets, std::string_view words,
                      const std::vector<std::string>& paths, Draft& draft) {
    return attach_files(cfg, targets, words, paths, source(), draft);
  }
};

TEST_F(AttachFilesTest, each_file_is_read_once_into_the_draft_by_its_base_name) {
  sizes["/var/log/app.log"] = 5;
  Draft d;
  ASSERT_TRUE(attach({"phone"}, "phone", {"/var/log/app.log"}, d));
  ASSERT_EQ(d.files.size(), 1u);
  EXPECT_EQ(d.files[0].name, "app.log");
  EXPECT_EQ(d.files[0].data, "xxxxx");
  EXPECT_EQ(reads, std::vector<std::string>{"/var/log/app.log"});
}

TEST_F(AttachFilesTest, a_file_that_cannot_be_read_is_a_usage_error_naming_it) {
  Draft d;
  const auto r = attach({"phone"}, "phone", {"gone.txt"}, d);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().kind, ErrorKind::usage);
  EXPECT_EQ(r.error().message, "--file gone.txt: No such file or directory");
}

TEST_F(AttachFilesTest, one_target_that_cannot_carry_it_says_so_and_which_group_brought_it) {
  sizes["a.png"] = 3;
  Draft d;
  const auto r = attach({"ops"}, "team", {"a.png"}, d);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message,
            "--file a.png: profile 'ops' (through group 'team') cannot carry it: mattermost, "
            "whose incoming webhooks cannot carry files");
  EXPECT_TRUE(reads.empty());
}

TEST_F(AttachFilesTest, of_several_targets_each_gets_what_it_can_carry) {
  sizes["a.png"] = 3;
  Draft d;
  ASSERT_TRUE(attach({"ops", "phone"}, "team", {"a.png"}, d));
  ASSERT_EQ(d.files.size(), 1u);
  EXPECT_EQ(d.files[0].data, "xxx");
}

TEST_F(AttachFilesTest, a_file_too_large_for_every_target_is_named_never_read) {
  sizes["core"] = (2u << 20) + 1;  // over ntfy's 2 MiB
  Draft d;
  ASSERT_TRUE(attach({"ops", "phone"}, "ops,phone", {"core"}, d));
  ASSERT_EQ(d.files.size(), 1u);
  EXPECT_EQ(d.files[0].name, "core");
  EXPECT_EQ(d.files[0].withheld_size, (2u << 20) + 1);
  EXPECT_TRUE(reads.empty());
}

TEST_F(AttachFilesTest, a_notice_only_target_takes_no_files_and_wants_none) {
  sizes["a.png"] = 3;
  Draft d;
  ASSERT_TRUE(attach({"pager"}, "pager", {"a.png"}, d));
  ASSERT_EQ(d.files.size(), 1u);
  EXPECT_TRUE(d.files[0].withheld_size);
  EXPECT_TRUE(reads.empty());
}

}  // namespace
}  // namespace notify::app
