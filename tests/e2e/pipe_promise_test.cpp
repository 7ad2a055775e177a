// The pipe never harms the job: a configuration or usage error still reads
// the pipe to its end and hands the message to stderr; `notify run` always
// runs its command; one target's unresolvable secret is that target's
// problem; a title alone is not a message.

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class PipePromiseE2E : public FourServicesE2E {
 protected:
  // Runs a bash pipeline with notify in it; PIPESTATUS shows who exited how.
  RunResult pipeline(const std::string& script,
                     std::vector<std::pair<std::string, std::optional<std::string>>> env = {}) {
    RunOptions o;
    o.isolate(home.path());
    o.set_env("NOTIFY", NOTIFY_BINARY);
    o.set_env("CFG", path);
    o.set_env("XDG_STATE_HOME", (home / "state").string());
    for (auto& [k, v] : env) o.set_env(k, v);
    o.timeout = std::chrono::seconds(60);
    return run_process({"bash", "-c", script}, o);
  }
};

TEST_F(PipePromiseE2E, a_producer_of_200000_lines_is_not_killed_by_a_config_error) {
  for (const std::string broken : {"unknown-target", "bad-toml", "bad-option"}) {
    std::string cmd = "\"$NOTIFY\" -c \"$CFG\" opps -t backup";
    if (broken == "bad-toml") {
      path = config("[profiles.ops\ntype = \"mattermost\"\n");
    } else if (broken == "bad-option") {
      cmd = "\"$NOTIFY\" -c \"$CFG\" ops --timeout never";
    }
    auto r = pipeline("seq 1 200000 | " + cmd + "; echo \"status=${PIPESTATUS[0]} ${PIPESTATUS[1]}\"");
    EXPECT_THAT(r.out, HasSubstr("status=0 2")) << broken << ": the producer exits 0, notify 2\n" << r.err;
    EXPECT_THAT(r.err, HasSubstr("notify: error:")) << broken;
    EXPECT_THAT(r.err, HasSubstr("the message was not sent; here it is:")) << broken;
    EXPECT_THAT(r.err, HasSubstr("\n1\n2\n3\n")) << broken << ": the head";
    EXPECT_THAT(r.err, HasSubstr("\n200000\n")) << broken << ": the tail, where the error is";
    EXPECT_LT(r.err.size(), 200000u) << broken << ": bounded, not the whole input";
    path = config(four_profiles(mm, tg, line, dc));
  }
  EXPECT_EQ(mm.request_count(), 0u);
}

TEST_F(PipePromiseE2E, notify_run_runs_the_command_whatever_is_wrong_with_the_report) {
  for (const std::string args : {"opps", "ops --retries lots", "ops --on sometimes"}) {
    auto r = pipeline("\"$NOTIFY\" -c \"$CFG\" run " + args + " -- sh -c 'echo job ran; exit 3'");
    EXPECT_EQ(r.exit_code, 3) << args << "\n" << r.err;
    EXPECT_EQ(r.out, "job ran\n") << args;
    EXPECT_THAT(r.err, HasSubstr("the report was not sent; here it is")) << args;
  }
  path = config("not toml at all [");
  auto r = pipeline("\"$NOTIFY\" -c \"$CFG\" run ops -- sh -c 'echo job ran; exit 0'");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "job ran\n");
}

TEST_F(PipePromiseE2E, an_unset_variable_in_one_target_or_a_fallback_blocks_no_other_target) {
  auto cfg = four_profiles(mm, tg, line, dc);
  // dev's webhook now comes from a variable cron does not have, and ops
  // falls back to dev.
  const auto dev_url = discord_url(dc);
  cfg.replace(cfg.find(dev_url), dev_url.size(), "${DEV_HOOK}");
  cfg.insert(cfg.find("[profiles.me]"), "fallback = \"dev\"\n\n");
  path = config(cfg);
  auto r = pipeline("\"$NOTIFY\" -c \"$CFG\" all 'power back'");
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(mm.request_count(), 1u);
  EXPECT_EQ(tg.request_count(), 1u);
  EXPECT_EQ(line.request_count(), 1u);
  EXPECT_EQ(dc.request_count(), 0u);
  EXPECT_THAT(r.err, HasSubstr("dev: not delivered"));
  EXPECT_THAT(r.err, HasSubstr("'DEV_HOOK' is not set"));
  EXPECT_THAT(r.err, HasSubstr("kept in the spool"));
  // With the variable back (cron fixed), flush delivers it.
  auto f = pipeline("\"$NOTIFY\" -c \"$CFG\" flush", {{"DEV_HOOK", dev_url}});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(dc.request_count(), 1u);
}

TEST_F(PipePromiseE2E, a_silent_night_sends_nothing_even_with_a_title) {
  auto r = pipeline("printf '' | \"$NOTIFY\" -c \"$CFG\" -q ops -t backup; echo \"status=$?\"");
  EXPECT_THAT(r.out, HasSubstr("status=0"));
  EXPECT_EQ(r.err, "");
  auto blank = pipeline("printf '  \\n\\n' | \"$NOTIFY\" -c \"$CFG\" ops -t backup");
  EXPECT_EQ(blank.exit_code, 0);
  EXPECT_EQ(mm.request_count(), 0u);
}

}  // namespace
}  // namespace notify::test
