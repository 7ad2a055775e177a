// notify run: output passes through, the exit status is the command's, and
// a message goes out according to --on.

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;

class RunE2E : public FourServicesE2E {};

TEST_F(RunE2E, failure_is_reported_with_output_tail_and_status_passed_through) {
  auto r = notify({"-c", path, "run", "ops", "--", "sh", "-c",
                   "echo to-stdout; echo to-stderr >&2; exit 3"});
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_EQ(r.out, "to-stdout\n");
  EXPECT_THAT(r.err, HasSubstr("to-stderr\n"));
  ASSERT_EQ(mm.request_count(), 1u);
  auto text = texts_of(mm.requests()[0])[0];
  EXPECT_THAT(text, HasSubstr("sh failed (exit 3"));
  EXPECT_THAT(text, HasSubstr("```\n$ sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'\n"));
  EXPECT_THAT(text, HasSubstr("to-stdout\nto-stderr\n```"));
}

TEST_F(RunE2E, success_sends_nothing_by_default) {
  auto r = notify({"-c", path, "run", "ops", "--", "sh", "-c", "echo fine"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_EQ(r.out, "fine\n");
  EXPECT_EQ(mm.request_count(), 0u);
}

TEST_F(RunE2E, on_always_and_on_success) {
  auto a = notify({"-c", path, "run", "dev", "--on", "always", "--", "true"});
  EXPECT_EQ(a.exit_code, 0) << a.err;
  ASSERT_EQ(dc.request_count(), 1u);
  EXPECT_THAT(texts_of(dc.requests()[0])[0], HasSubstr("true succeeded (exit 0"));
  auto s = notify({"-c", path, "run", "dev", "--on", "success", "--", "false"});
  EXPECT_EQ(s.exit_code, 1);
  EXPECT_EQ(dc.request_count(), 1u);
}

TEST_F(RunE2E, signal_and_missing_command) {
  auto k = notify({"-c", path, "run", "me", "--", "sh", "-c", "kill -9 $$"});
  EXPECT_EQ(k.exit_code, 128 + 9);
  ASSERT_EQ(tg.request_count(), 1u);
  EXPECT_THAT(texts_of(tg.requests()[0])[0], HasSubstr("killed by signal 9"));
  auto m = notify({"-c", path, "run", "me", "--", "/nonexistent/cmd"});
  EXPECT_EQ(m.exit_code, 127);
  EXPECT_THAT(m.err, HasSubstr("No such file"));
  EXPECT_EQ(tg.request_count(), 2u);
}

TEST_F(RunE2E, long_output_keeps_the_tail) {
  auto r = notify({"-c", path, "run", "dev", "--", "sh", "-c",
                   "i=0; while [ $i -lt 3000 ]; do echo line $i; i=$((i+1)); done; exit 1"});
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(dc.request_count(), 1u);
  auto text = texts_of(dc.requests()[0])[0];
  EXPECT_THAT(text, HasSubstr("line 2999\n```"));
  EXPECT_THAT(text, HasSubstr("earlier output left out"));
}

TEST_F(RunE2E, undeliverable_report_is_spooled_and_status_kept) {
  mm.set_handler([](const Recorded&) { return server_error(500); });
  auto r = notify({"-c", path, "--retries", "0", "run", "ops", "--", "false"}, std::nullopt,
                  {{"XDG_STATE_HOME", (home / "state").string()}});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("spool"));
}

}  // namespace
}  // namespace notify::test
