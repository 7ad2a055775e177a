// --tee whose standard output fails (a full disk, a pipe whose reader is
// gone): the message is still delivered, then notify exits 1 with one line
// saying so. A plain send and --stream, the real binary under /bin/sh.

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;

class TeeE2E : public FourServicesE2E {
 protected:
  /// Runs a sh script with $NOTIFY (the binary), $CFG (the profile file)
  /// and $T (the home directory, holding `in`, the input).
  RunResult shell(const std::string& script) {
    RunOptions o;
    o.isolate(home.path());
    o.set_env("NOTIFY", NOTIFY_BINARY).set_env("CFG", path).set_env("T", home.path().string());
    o.timeout = std::chrono::seconds(60);
    return run_process({"/bin/sh", "-c", script}, o);
  }

  // stdout on /dev/full, or on a FIFO whose only reader closed before
  // notify was started (so every write fails with EPIPE, no timing).
  static std::string full(const std::string& args) {
    return "exec \"$NOTIFY\" -c \"$CFG\" " + args + " < \"$T/in\" > /dev/full";
  }
  static std::string closed_pipe(const std::string& args) {
    return "mkfifo \"$T/p\"\n"
           "exec 4<>\"$T/p\"\n"  // a reader, so that opening it to write does not block
           "exec 5>\"$T/p\"\n"
           "exec 4<&-\n"         // the only reader is gone
           "exec \"$NOTIFY\" -c \"$CFG\" " + args + " < \"$T/in\" >&5 5>&-\n";
  }

  static void expect_one_tee_line(const RunResult& r, const std::string& why) {
    EXPECT_EQ(r.signal, 0) << "not killed by SIGPIPE";
    EXPECT_EQ(r.exit_code, 1) << r.err;
    const auto lines = lines_of(r.err);
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_THAT(lines[0], HasSubstr("notify: error: --tee: cannot write to standard output: " + why));
  }

  static std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> out;
    std::size_t start = 0;
    for (std::size_t nl; (nl = text.find('\n', start)) != std::string::npos; start = nl + 1)
      out.push_back(text.substr(start, nl - start));
    if (start < text.size()) out.push_back(text.substr(start));
    return out;
  }
};

TEST_F(TeeE2E, a_full_disk_still_delivers_then_exits_1_with_one_line) {
  home.write_file("in", "disk /var 91%\n");
  for (const std::string args : {"--tee ops", "--tee --json ops"}) {
    SCOPED_TRACE(args);
    mm.reset();
    auto r = shell(full(args));
    expect_one_tee_line(r, "No space left on device");
    ASSERT_EQ(mm.request_count(), 1u);
    EXPECT_EQ(texts_of(mm.requests()[0]), std::vector<std::string>{"disk /var 91%"});
  }
}

TEST_F(TeeE2E, a_closed_pipe_still_delivers_then_exits_1_with_one_line) {
  // More than a pipe holds, so the copy would fail wherever it began.
  std::string input;
  for (int i = 0; i < 3000; ++i) input += "build step " + std::to_string(i) + " ok\n";
  home.write_file("in", input);
  auto r = shell(closed_pipe("--tee ops"));
  expect_one_tee_line(r, "Broken pipe");
  ASSERT_GE(mm.request_count(), 1u);
  const auto text = texts_of(mm.requests().back()).at(0);
  EXPECT_THAT(text, HasSubstr("build step 2999 ok"));
}

TEST_F(TeeE2E, a_stream_whose_copy_fails_still_sends_every_line_then_exits_1) {
  home.write_file("in", "deploy started\ndeploy finished\n");
  for (const bool pipe : {false, true}) {
    SCOPED_TRACE(pipe ? "closed pipe" : "/dev/full");
    mm.reset();
    ::unlink((home / "p").c_str());
    auto r = shell(pipe ? closed_pipe("--stream=60 --tee ops") : full("--stream=60 --tee ops"));
    expect_one_tee_line(r, pipe ? "Broken pipe" : "No space left on device");
    ASSERT_EQ(mm.request_count(), 1u);
    EXPECT_EQ(texts_of(mm.requests()[0]),
              std::vector<std::string>{"deploy started\ndeploy finished"});
  }
}

}  // namespace
}  // namespace notify::test
