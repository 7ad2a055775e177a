// --file: uploads where the service takes them, a clear error where not.

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;

class FileE2E : public FourServicesE2E {};

TEST_F(FileE2E, telegram_and_discord_upload_after_the_text) {
  std::string data(5000, '\0');
  for (std::size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  auto f = home.write_file("report.bin", data).string();
  auto r = notify({"-c", path, "me,dev", "--file", f, "nightly report"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto tg_reqs = tg.requests();
  ASSERT_EQ(tg_reqs.size(), 2u);
  EXPECT_THAT(tg_reqs[0].path, HasSubstr("/sendMessage"));
  EXPECT_THAT(tg_reqs[1].path, HasSubstr("/sendDocument"));
  bool got = false;
  for (auto& p : tg_reqs[1].parts)
    if (p.name == "document") got = p.filename == "report.bin" && p.content == data;
  EXPECT_TRUE(got) << "the file arrives byte for byte";
  auto dc_reqs = dc.requests();
  ASSERT_EQ(dc_reqs.size(), 2u);
  got = false;
  for (auto& p : dc_reqs[1].parts)
    if (p.name == "files[0]") got = p.filename == "report.bin" && p.content == data;
  EXPECT_TRUE(got);
}

TEST_F(FileE2E, file_alone_from_a_terminal_uses_the_title_as_caption) {
  auto f = home.write_file("log.txt", "line\n").string();
  RunOptions o;
  o.isolate(home.path());
  o.stdin_tty = true;
  o.timeout = std::chrono::seconds(20);
  auto r = run_process({NOTIFY_BINARY, "-c", path, "me", "-t", "backup log", "--file", f}, o);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto reqs = tg.requests();
  ASSERT_EQ(reqs.size(), 1u);
  bool caption = false;
  for (auto& p : reqs[0].parts) caption = caption || (p.name == "caption" && p.content == "backup log");
  EXPECT_TRUE(caption);
}

TEST_F(FileE2E, services_without_uploads_and_oversized_files_are_usage_errors) {
  auto f = home.write_file("small.txt", "x").string();
  auto mm_r = notify({"-c", path, "ops", "--file", f, "x"});
  EXPECT_EQ(mm_r.exit_code, 2);
  EXPECT_THAT(mm_r.err, HasSubstr("cannot carry files"));
  auto line_r = notify({"-c", path, "family", "--file", f, "x"});
  EXPECT_EQ(line_r.exit_code, 2);
  auto big = home.write_file("big.bin", std::string((10u << 20) + 1, 'a')).string();
  auto dc_r = notify({"-c", path, "dev", "--file", big, "x"});
  EXPECT_EQ(dc_r.exit_code, 2);
  EXPECT_THAT(dc_r.err, HasSubstr("over discord's limit"));
  auto missing = notify({"-c", path, "me", "--file", (home / "nope").string(), "x"});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_EQ(mm.request_count() + line.request_count() + dc.request_count() + tg.request_count(), 0u);
}

}  // namespace
}  // namespace notify::test
