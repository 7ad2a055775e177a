// Every command of the table (cli/table.hpp) reaches its own code: the whole
// program run in-process (cli::run) with a profile file in a TempDir, a fake
// HTTP client and captured output, one command line per command, each
// answered as only that command answers.

#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <sstream>

#include "cli/help.hpp"
#include "cli/run.hpp"
#include "cli/table.hpp"
#include "support/fake_world.hpp"
#include "support/temp_dir.hpp"

namespace notify::cli {
namespace {

namespace fs = std::filesystem;

struct Ran {
  int status = -1;
  std::string out, err;
  std::vector<HttpRequest> sent;
};

class DispatchTest : public ::testing::Test {
 protected:
  DispatchTest() {
    tmp.write_file("p.toml",
                   "[profiles.ops]\ntype = \"mattermost\"\n"
                   "webhook_url = \"https://chat.example.com/hooks/aaaaaaaaaaaaaaaaaaaaaaaaaa\"\n");
    env = {{"NOTIFY_CONFIG", (tmp / "p.toml").string()},
           {"HOME", tmp.path().string()},
           {"XDG_STATE_HOME", (tmp / "state").string()}};
  }

  Ran run_notify(const std::vector<std::string>& args) {
    std::ostringstream out, err;
    std::vector<HttpRequest> sent;
    const int in = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    World w;
    w.in_fd = in;
    w.out = &out;
    w.err = &err;
    w.env = [this](const std::string& name) -> std::optional<std::string> {
      auto it = env.find(name);
      if (it == env.end()) return std::nullopt;
      return it->second;
    };
    w.read_file = [](const std::string& path) -> Result<std::string> {
      std::ifstream f(path);
      if (!f) return make_error(ErrorKind::io, "cannot read " + path);
      std::stringstream text;
      text << f.rdbuf();
      return text.str();
    };
    w.is_terminal = [](int) { return false; };
    w.file_mode = [](const std::string&) -> std::optional<unsigned> { return 0600u; };
    w.file_exists = [](const std::string& path) { return fs::exists(path); };
    w.readable_size = [](const std::string& path) -> Result<std::uint64_t> {
      std::error_code ec;
      const auto size = fs::file_size(path, ec);
      if (ec) return make_error(ErrorKind::io, ec.message());
      return static_cast<std::uint64_t>(size);
    };
    // Each client hands what it was asked to send back to the test.
    struct Recording final : HttpClient {
      explicit Recording(std::vector<HttpRequest>& log) : m_log(log) {}
      ~Recording() override { m_log.insert(m_log.end(), fake.sent.begin(), fake.sent.end()); }
      void start(HttpRequest req, RequestOptions o, Handler done) override {
        fake.start(std::move(req), o, std::move(done));
      }
      std::size_t poll(std::chrono::milliseconds wait, int fd) override { return fake.poll(wait, fd); }
      void cancel_all() override { fake.cancel_all(); }
      test::FakeHttpClient fake;
      std::vector<HttpRequest>& m_log;
    };
    w.make_http = [&sent] { return std::make_unique<Recording>(sent); };
    w.hostname = [] { return std::string("host"); };
    Ran r;
    r.status = run(args, w);
    ::close(in);
    r.out = out.str();
    r.err = err.str();
    r.sent = std::move(sent);
    return r;
  }

  test::TempDir tmp{"notify-dispatch"};
  std::map<std::string, std::string> env;
};

TEST_F(DispatchTest, every_command_of_the_table_runs_its_own_code) {
  std::set<Command> seen;
  auto expect = [&](Command c, const std::vector<std::string>& args,
                    const std::function<void(const Ran&)>& check) {
    seen.insert(c);
    SCOPED_TRACE(std::string(command_spec(c).name));
    check(run_notify(args));
  };
  expect(Command::send, {"ops", "--dry-run", "hi"}, [](const Ran& r) {
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("--- ops (mattermost) request 1/1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("{\"text\":\"hi\"}"), std::string::npos) << r.out;
  });
  expect(Command::test, {"test", "ops", "--dry-run"}, [](const Ran& r) {
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("notify test"), std::string::npos) << r.out;
  });
  expect(Command::flush, {"flush", "nosuch"}, [](const Ran& r) {
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("unknown profile or group 'nosuch'"), std::string::npos) << r.err;
  });
  expect(Command::list, {"list"}, [](const Ran& r) {
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("PROFILE"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("ops"), std::string::npos) << r.out;
  });
  expect(Command::check, {"check"}, [](const Ran& r) {
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find(": OK (1 profile, 0 groups)"), std::string::npos) << r.out;
  });
  expect(Command::spool, {"spool"}, [](const Ran& r) {
    EXPECT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.err.find("the spool is empty"), std::string::npos) << r.err;
  });
  expect(Command::setup, {"setup", "me", "--type", "discord"}, [](const Ran& r) {
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("no terminal to ask for webhook_url: give --webhook-url"),
              std::string::npos)
        << r.err;
  });
  expect(Command::discover,
         {"telegram", "discover", "--token", "123:abc", "--api-base", "http://127.0.0.1:9"},
         [](const Ran& r) {
           EXPECT_NE(r.status, 0);
           ASSERT_EQ(r.sent.size(), 1u) << r.err;
           EXPECT_NE(r.sent[0].url.find("/bot123:abc/getUpdates"), std::string::npos)
               << r.sent[0].url;
         });
  expect(Command::run, {"run", "ops", "--dry-run", "--", "/bin/sh", "-c", "exit 3"},
         [](const Ran& r) {
           EXPECT_EQ(r.status, 3) << r.err;
           EXPECT_NE(r.out.find("sh failed (exit 3"), std::string::npos) << r.out;
         });
  expect(Command::help, {"help"}, [](const Ran& r) {
    EXPECT_EQ(r.status, 0);
    EXPECT_EQ(r.out, help_for(Command::send));
  });
  for (const auto& c : commands()) EXPECT_TRUE(seen.count(c.id)) << "no case for " << c.name;

  auto version = run_notify({"--version"});
  EXPECT_EQ(version.status, 0);
  EXPECT_EQ(version.out.rfind("notify ", 0), 0u) << version.out;
  EXPECT_TRUE(version.sent.empty());
}

}  // namespace
}  // namespace notify::cli
