// The last resort (issue "The house"): an exception nobody expected ends
// notify with one `notify: internal error: ...` line and status 70, and the
// message a send had read is never lost with it: in the spool, or on stderr.
// The whole command runs in-process with a World whose HTTP client throws
// where a real one never would.

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <stdexcept>

#include "cli/run.hpp"
#include "support/temp_dir.hpp"

namespace notify::cli {
namespace {

constexpr const char* kProfiles =
    "[profiles.ops]\ntype = \"mattermost\"\n"
    "webhook_url = \"https://chat.example/hooks/abcdefghij0123456789\"\n";

class LastResortTest : public ::testing::Test {
 protected:
  test::TempDir home{"notify-last-resort"};
  std::ostringstream out, err;
  std::map<std::string, std::string> env;

  World world() {
    World w;
    w.in_fd = -1;
    w.out = &out;
    w.err = &err;
    w.env = [this](const std::string& k) -> std::optional<std::string> {
      auto it = env.find(k);
      return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    w.read_file = [](const std::string& path) -> Result<std::string> {
      if (path == "p.toml") return std::string(kProfiles);
      return make_error(ErrorKind::io, "no such file");
    };
    w.is_terminal = [](int) { return false; };
    w.file_mode = [](const std::string&) { return std::optional<unsigned>(0600); };
    w.file_exists = [](const std::string& p) { return p == "p.toml"; };
    w.readable_size = [](const std::string&) -> Result<std::uint64_t> {
      return make_error(ErrorKind::io, "no files");
    };
    w.make_http = []() -> std::unique_ptr<HttpClient> {
      throw std::runtime_error("the HTTP client broke");
    };
    w.hostname = [] { return std::string("host"); };
    return w;
  }
};

TEST_F(LastResortTest, an_exception_after_the_journal_says_the_message_is_in_the_spool) {
  env["XDG_STATE_HOME"] = (home.path() / "state").string();
  auto w = world();
  const int status = run({"-c", "p.toml", "ops", "disk full"}, w);
  EXPECT_EQ(status, 70);
  EXPECT_EQ(err.str(),
            "notify: internal error: the HTTP client broke\n"
            "notify: the message is in the spool; `notify -c p.toml flush` sends it\n");
  std::size_t kept = 0;
  for (const auto& e : std::filesystem::directory_iterator(home.path() / "state/notify/spool"))
    kept += e.path().extension() == ".msg";
  EXPECT_EQ(kept, 1u);
}

TEST_F(LastResortTest, without_a_spool_the_message_follows_the_line) {
  auto w = world();  // no HOME, no XDG_STATE_HOME: nowhere to keep it
  const int status = run({"-c", "p.toml", "ops", "disk full"}, w);
  EXPECT_EQ(status, 70);
  EXPECT_NE(err.str().find("notify: internal error: the HTTP client broke\n"), std::string::npos)
      << err.str();
  EXPECT_NE(err.str().find("notify: the message was not sent; here it is:\ndisk full\n"),
            std::string::npos)
      << err.str();
}

}  // namespace
}  // namespace notify::cli
