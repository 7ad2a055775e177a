// `notify run` in-process: a scripted command (FakeProcessRunner), a
// scripted HTTP client, the real spool in a temp directory.

#include "app/run.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <csignal>

#include <nlohmann/json.hpp>

#include "app/alerts/state.hpp"
#include "app/alerts/store.hpp"
#include "config/loader.hpp"
#include "message/split.hpp"
#include "services/registry.hpp"
#include "spool/spool.hpp"
#include "support/fake_process.hpp"
#include "support/app_world.hpp"
#include "support/fake_world.hpp"
#include "support/temp_dir.hpp"

namespace notify::app {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::StartsWith;

const char* kRunConfig = R"(
[defaults]
retries = 0

[profiles.ops]
type = "mattermost"
webhook_url = "https://mm.example/hooks/opsopsops"

[profiles.tg]
type = "telegram"
token = "123456:telegram-token"
chat_id = 111111111
api_base = "https://tg.example"

[profiles.push]
type = "ntfy"
server = "https://ntfy.example"
topic = "builds"

[profiles.family]
type = "line"
token = "line-token-123456"
to = "U0123456789abcdef0123456789abcdef"
api_base = "https://line.example"

[profiles.small]
type = "mattermost"
webhook_url = "https://mm.example/hooks/smallsmall"
max_length = 500
)";

class RunTest : public ::testing::Test {
 protected:
  test::TempDir tmp{"notify-run"};
  test::FakeClock clock;
  test::FakeRandom random;
  test::FakeHttpClient http{&clock};
  test::FakeProcessRunner command;
  Masker masker;
  std::vector<std::pair<Level, std::string>> said;
  std::vector<std::pair<int, std::string>> echoed;
  config::Config cfg = *config::parse_config(kRunConfig, "test.toml", services::catalog());

  World world() {
    World w = test::world_in(tmp, http, clock, random);
    w.read_file = [](const std::string&) -> Result<std::string> {
      return make_error(ErrorKind::io, "no files here");
    };
    w.masker = &masker;
    w.say = [this](Level l, const std::string& t) { said.emplace_back(l, t); };
    return w;
  }

  RunRequest request(std::vector<std::string> argv, ReportOn on = ReportOn::failure) {
    RunRequest r;
    r.argv = std::move(argv);
    r.on = on;
    r.targets = std::vector<std::string>{"ops"};
    r.host = "db1";
    r.echo = [this](int stream, std::string_view bytes) { echoed.emplace_back(stream, bytes); };
    return r;
  }

  RunResult run(const RunRequest& r) {
    auto w = world();
    return app::run(cfg, r, command, w);
  }

  std::vector<std::string> texts() const {
    std::vector<std::string> out;
    for (const auto& r : http.sent) out.push_back(nlohmann::json::parse(r.body).at("text"));
    return out;
  }
};

TEST_F(RunTest, a_failure_is_reported_with_its_output_and_its_status_passed_through) {
  command.output = {{1, "to-stdout\n"}, {2, "to-stderr\n"}};
  command.end.exit_code = 3;
  command.end.seconds = 0.5;
  auto r = run(request({"sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"}));
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_EQ(echoed, (std::vector<std::pair<int, std::string>>{{1, "to-stdout\n"},
                                                              {2, "to-stderr\n"}}));
  ASSERT_TRUE(r.report);
  EXPECT_EQ(r.report->title, "sh failed (exit 3, 0.50 s on db1)");
  EXPECT_EQ(r.report->body,
            "$ sh -c 'echo to-stdout; echo to-stderr >&2; exit 3'\nto-stdout\nto-stderr");
  EXPECT_TRUE(r.report->code);
  ASSERT_TRUE(r.sent);
  EXPECT_EQ(r.sent->exit_status, 0);
  ASSERT_EQ(texts().size(), 1u);
  EXPECT_THAT(texts()[0], HasSubstr("to-stdout\nto-stderr\n```"));
  // The report's own delivery does not change the status.
  EXPECT_EQ(command.ran, (std::vector<std::vector<std::string>>{
                             {"sh", "-c", "echo to-stdout; echo to-stderr >&2; exit 3"}}));
}

// Telegram as --live meets it: every message it makes is id 7.
void answer_like_telegram(test::FakeHttpClient& http) {
  http.respond = [](const HttpRequest& r) {
    HttpResponse out;
    out.status = 200;
    out.body = r.url.find("tg.example") != std::string::npos
                   ? R"({"ok":true,"result":{"message_id":7}})"
                   : "ok";
    return out;
  };
}

TEST_F(RunTest, live_posts_running_before_the_command_and_edits_it_into_the_report) {
  answer_like_telegram(http);
  clock.set_unix(1764583320);  // 2025-12-01 10:02 UTC
  command.exits(2, "stuck\n");
  auto req = request({"check-queue"});
  req.targets = std::vector<std::string>{"tg", "ops"};
  req.live = true;
  std::size_t sent_while_running = 0;
  req.echo = [&](int, std::string_view) { sent_while_running = http.sent.size(); };
  const auto r = run(req);
  EXPECT_EQ(r.exit_status, 2);
  // Mattermost cannot edit: no running message there, only the report.
  EXPECT_EQ(sent_while_running, 1u);
  ASSERT_EQ(http.sent.size(), 3u);
  const auto running = nlohmann::json::parse(http.sent[0].body);
  EXPECT_EQ(running["text"], "running check-queue on db1 since 10:02 UTC");
  EXPECT_EQ(running["disable_notification"], true);
  std::vector<std::string> urls;
  for (std::size_t i = 1; i < 3; ++i) urls.push_back(http.sent[i].url);
  EXPECT_THAT(urls, ::testing::UnorderedElementsAre("https://tg.example/bot123456:telegram-token/editMessageText",
                                                    "https://mm.example/hooks/opsopsops"));
  for (std::size_t i = 1; i < 3; ++i)
    if (http.sent[i].url.find("editMessageText") != std::string::npos) {
      const auto edit = nlohmann::json::parse(http.sent[i].body);
      EXPECT_EQ(edit["message_id"], 7);
      EXPECT_THAT(edit["text"].get<std::string>(), StartsWith("check-queue failed (exit 2"));
    }
}

TEST_F(RunTest, live_edits_its_message_on_a_success_not_asked_for_and_sends_nothing_else) {
  answer_like_telegram(http);
  command.exits(0);
  auto req = request({"true"});
  req.targets = std::vector<std::string>{"tg", "ops"};
  req.live = true;
  const auto r = run(req);
  EXPECT_EQ(r.exit_status, 0);
  ASSERT_EQ(http.sent.size(), 2u);
  EXPECT_THAT(http.sent[1].url, ::testing::EndsWith("/editMessageText"));
  EXPECT_THAT(nlohmann::json::parse(http.sent[1].body)["text"].get<std::string>(),
              StartsWith("true succeeded"));
}

TEST_F(RunTest, a_success_sends_nothing_by_default) {
  command.exits(0, "fine\n");
  auto r = run(request({"true"}));
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_FALSE(r.report);
  EXPECT_FALSE(r.sent);
  EXPECT_TRUE(http.sent.empty());
  EXPECT_EQ(echoed.size(), 1u);
}

TEST_F(RunTest, on_always_reports_a_success_low_and_on_success_skips_a_failure) {
  command.exits(0);
  auto req = request({"/usr/bin/true"}, ReportOn::always);
  req.base.priority = Priority::high;
  auto always = run(req);
  EXPECT_EQ(always.exit_status, 0);
  ASSERT_TRUE(always.report);
  EXPECT_THAT(always.report->title, StartsWith("true succeeded (exit 0, "));
  EXPECT_EQ(always.report->priority, Priority::low);
  EXPECT_EQ(always.report->body, "$ /usr/bin/true\n(no output)");
  EXPECT_EQ(http.sent.size(), 1u);

  command.exits(1);
  auto success = run(request({"false"}, ReportOn::success));
  EXPECT_EQ(success.exit_status, 1);
  EXPECT_FALSE(success.report);
  EXPECT_EQ(http.sent.size(), 1u);

  auto failure = run(request({"false"}, ReportOn::always));
  ASSERT_TRUE(failure.report);
  EXPECT_THAT(failure.report->title, StartsWith("false failed (exit 1, "));
  EXPECT_EQ(failure.report->priority, std::nullopt);  // the profile's level
}

TEST_F(RunTest, a_signal_that_killed_the_command_is_its_status_and_its_title) {
  command.end.signal = SIGKILL;
  auto r = run(request({"sh", "-c", "kill -9 $$"}));
  EXPECT_EQ(r.exit_status, 128 + 9);
  ASSERT_TRUE(r.report);
  EXPECT_THAT(r.report->title, HasSubstr("sh failed (killed by signal 9 (Killed), "));
}

TEST_F(RunTest, a_command_that_cannot_be_executed_is_127_or_126_said_and_reported) {
  command.end.exec_errno = ENOENT;
  auto missing = run(request({"/nonexistent/cmd"}));
  EXPECT_EQ(missing.exit_status, 127);
  std::vector<std::string> errors;
  for (const auto& [level, text] : said)
    if (level == Level::error) errors.push_back(text);
  EXPECT_EQ(errors, std::vector<std::string>{"run: /nonexistent/cmd: No such file or directory"});
  ASSERT_TRUE(missing.report);
  EXPECT_THAT(missing.report->title,
              HasSubstr("cmd failed (could not start: No such file or directory"));

  command.end.exec_errno = EACCES;
  EXPECT_EQ(run(request({"./script.sh"})).exit_status, 126);
  EXPECT_EQ(http.sent.size(), 2u);
}

TEST_F(RunTest, a_command_that_was_not_started_at_all_is_status_1_and_no_report) {
  command.cannot_start = "pipe: Too many open files";
  auto r = run(request({"make"}));
  EXPECT_EQ(r.exit_status, 1);
  EXPECT_EQ(r.not_run, "pipe: Too many open files");
  EXPECT_FALSE(r.report);
  EXPECT_TRUE(http.sent.empty());
}

TEST_F(RunTest, a_broken_profile_file_still_runs_the_command_and_hands_the_report_back) {
  command.exits(2, "oops\n");
  auto req = request({"make"});
  req.targets = std::nullopt;
  bool attached = false;
  req.attach = [&](Draft&) -> Result<void> { return attached = true, Result<void>(); };
  auto r = run(req);
  EXPECT_EQ(r.exit_status, 2);
  EXPECT_EQ(command.ran.size(), 1u);
  ASSERT_TRUE(r.report);
  EXPECT_EQ(r.report->body, "$ make\noops");
  EXPECT_FALSE(r.sent);
  EXPECT_TRUE(r.unsent_reason.empty());
  EXPECT_FALSE(attached);
  EXPECT_TRUE(http.sent.empty());
}

TEST_F(RunTest, files_are_attached_after_the_command_and_a_bad_one_keeps_the_report_back) {
  auto req = request({"make"});
  bool ran_first = false;
  req.attach = [&](Draft& d) -> Result<void> {
    ran_first = command.ran.size() == 1;
    d.files.push_back(Attachment{"build.log", "log", std::nullopt});
    return {};
  };
  command.exits(1);
  auto ok = run(req);
  EXPECT_TRUE(ran_first);
  ASSERT_TRUE(ok.sent);
  ASSERT_TRUE(ok.report);
  EXPECT_EQ(ok.report->files.size(), 1u);

  req.attach = [](Draft&) -> Result<void> {
    return make_error(ErrorKind::usage, "--file build.log: No such file or directory");
  };
  const auto sent_before = http.sent.size();
  auto bad = run(req);
  EXPECT_EQ(bad.exit_status, 1);
  EXPECT_FALSE(bad.sent);
  EXPECT_EQ(bad.unsent_reason, "--file build.log: No such file or directory");
  ASSERT_TRUE(bad.report);
  EXPECT_EQ(http.sent.size(), sent_before);
}

TEST_F(RunTest, title_replaces_the_name_and_keeps_how_it_ended) {
  command.exits(4);
  auto req = request({"./backup.sh"});
  req.title = "nightly backup";
  auto r = run(req);
  ASSERT_TRUE(r.report);
  EXPECT_THAT(r.report->title, StartsWith("nightly backup (exit 4, "));
  EXPECT_THAT(r.report->title, HasSubstr(" on db1)"));
}

TEST_F(RunTest, long_output_keeps_the_tail_from_a_whole_line_and_says_so) {
  std::string out;
  for (int i = 0; i < 3000; ++i) out += "line " + std::to_string(i) + "\n";
  command.exits(1, out);
  auto r = run(request({"make"}));
  ASSERT_TRUE(r.report);
  EXPECT_THAT(r.report->body, StartsWith("$ make\n[... earlier output left out ...]\nline "));
  EXPECT_THAT(r.report->body, HasSubstr("\nline 2999"));
  EXPECT_THAT(r.report->body, Not(HasSubstr("line 0\n")));
  ASSERT_EQ(texts().size(), 1u);
}

TEST_F(RunTest, an_undelivered_report_is_spooled_and_the_status_kept) {
  http.respond = [](const HttpRequest&) { return test::status_reply(500); };
  command.exits(1);
  auto r = run(request({"false"}));
  EXPECT_EQ(r.exit_status, 1);
  ASSERT_TRUE(r.sent);
  ASSERT_EQ(r.sent->outcomes.size(), 1u);
  EXPECT_TRUE(r.sent->outcomes[0].spooled);
  EXPECT_EQ(spool::Spool((tmp.path() / "spool").string()).list().pending.size(), 1u);
}

TEST_F(RunTest, output_is_sanitised_in_the_report_and_passed_through_untouched) {
  command.exits(1, "\033[31mred\033[0m\r\n");
  auto r = run(request({"make"}));
  EXPECT_EQ(echoed[0].second, "\033[31mred\033[0m\r\n");
  ASSERT_TRUE(r.report);
  EXPECT_EQ(r.report->body, "$ make\nred");
}

// --- The tail fits one part, in the unit the service counts ------------------

// The text one request carries, as the service counts it: Telegram's and
// Mattermost's "text", LINE's first message, ntfy's body.
std::string part_text(const HttpRequest& r) {
  if (r.url.find("ntfy.example") != std::string::npos) return r.body;
  const auto j = nlohmann::json::parse(r.body);
  if (j.contains("messages")) return j["messages"][0]["text"];
  return j["text"];
}

// `n` numbered lines of `line`, the last one numbered n-1.
std::string lines_of(const std::string& line, int n) {
  std::string out;
  for (int i = 0; i < n; ++i) out += line + " " + std::to_string(10000 + i) + "\n";
  return out;
}

struct FitCase {
  std::string target;
  message::Unit unit;
  std::size_t limit;
  std::string line;
};

class RunTailFitsTest : public RunTest, public ::testing::WithParamInterface<FitCase> {};

// As much output as one part holds, and no more: the part is full to within
// a line (the tail starts on a whole one), whatever the characters weigh.
TEST_P(RunTailFitsTest, the_report_is_one_part_filled_with_the_newest_output) {
  const auto& c = GetParam();
  const std::string output = lines_of(c.line, 4000);
  command.exits(1, output);
  auto req = request({"make", "-j2", "all"});
  req.targets = std::vector<std::string>{c.target};
  auto r = run(req);
  ASSERT_TRUE(r.sent);
  ASSERT_EQ(http.sent.size(), 1u) << "the report took more than one part";
  const std::string text = part_text(http.sent[0]);
  const std::size_t line_units = message::length_in(c.line + " 13999\n", c.unit);
  EXPECT_LE(message::length_in(text, c.unit), c.limit);
  EXPECT_GE(message::length_in(text, c.unit), c.limit - 2 * line_units) << text.size();
  // Not EXPECT_THAT: its message would print kilobytes of escaped text.
  EXPECT_NE(text.find(c.line + " 13999"), std::string::npos);
  EXPECT_NE(text.find("[... earlier output left out ...]\n" + c.line), std::string::npos)
      << "the tail starts inside a line";
}

INSTANTIATE_TEST_SUITE_P(
    Units, RunTailFitsTest,
    ::testing::Values(
        // Telegram counts code points: a CJK line is 3 bytes a character.
        FitCase{"tg", message::Unit::code_points, 4096, "ビルド手順を実行中です：モジュール"},
        // ntfy counts bytes.
        FitCase{"push", message::Unit::bytes, 4096, "ビルド手順を実行中です：モジュール"},
        // LINE counts UTF-16 units: an emoji is two.
        FitCase{"family", message::Unit::utf16, 5000, "\U0001F680 deploy step \U0001F4E6 ok"}),
    [](const ::testing::TestParamInfo<FitCase>& param) { return param.param.target; });

TEST_F(RunTest, a_long_command_line_and_title_leave_the_tail_less_room_not_a_second_part) {
  const std::string output = lines_of("compiling module", 400);
  command.exits(1, output);
  auto req = request({"sh", "-c", std::string(150, 'x')});
  req.targets = std::vector<std::string>{"small"};
  req.title = "the nightly build of everything";
  auto r = run(req);
  ASSERT_EQ(http.sent.size(), 1u) << part_text(http.sent[0]);
  const std::string text = part_text(http.sent[0]);
  EXPECT_LE(message::length_in(text, message::Unit::code_points), 500u);
  EXPECT_THAT(text, HasSubstr("compiling module 10399"));
  EXPECT_THAT(text, HasSubstr(std::string(150, 'x')));
}

TEST_F(RunTest, the_strictest_target_decides_for_all) {
  // Telegram holds 4096 code points, ntfy 4096 bytes: CJK text is three
  // bytes a character, so ntfy's part is full long before Telegram's.
  command.exits(1, lines_of("ビルド手順", 4000));
  auto req = request({"make"});
  req.targets = std::vector<std::string>{"tg", "push"};
  auto r = run(req);
  ASSERT_EQ(http.sent.size(), 2u);
  const std::string tg = part_text(http.sent[0]), push = part_text(http.sent[1]);
  EXPECT_LE(message::length_in(push, message::Unit::bytes), 4096u);
  EXPECT_LT(message::length_in(tg, message::Unit::code_points), 3000u);
  // The same tail in both.
  const std::string note = "[... earlier output left out ...]\n";
  ASSERT_NE(tg.find(note), std::string::npos);
  ASSERT_NE(push.find(note), std::string::npos);
  EXPECT_EQ(tg.substr(tg.find(note), 100), push.substr(push.find(note), 100));
}

TEST_F(RunTest, escaped_backticks_and_mentions_still_fit) {
  // Mattermost breaks ``` and @channel apart with zero-width spaces.
  command.exits(1, lines_of("```@channel@here``` ``` `", 400));
  auto req = request({"make"});
  req.targets = std::vector<std::string>{"small"};
  run(req);
  ASSERT_EQ(http.sent.size(), 1u);
  EXPECT_LE(message::length_in(part_text(http.sent[0]), message::Unit::code_points), 500u);
}

TEST_F(RunTest, one_line_longer_than_a_part_is_cut_between_characters) {
  std::string line;
  for (int i = 0; i < 600; ++i) line += "é\U0001F469\u200D\U0001F4BB";  // é, then a ZWJ sequence
  command.exits(1, line);
  auto req = request({"make"});
  req.targets = std::vector<std::string>{"small"};
  auto r = run(req);
  ASSERT_EQ(http.sent.size(), 1u);
  ASSERT_TRUE(r.report);
  const std::string& body = r.report->body;
  const auto at = body.find("[... earlier output left out ...]\n");
  ASSERT_NE(at, std::string::npos);
  // It starts with a whole cluster: é, never a lone part of the sequence.
  EXPECT_EQ(body.substr(at + 34, 2), "é");
  EXPECT_LE(message::length_in(part_text(http.sent[0]), message::Unit::code_points), 500u);
}

// --- Keyed by its command line: --after, "resolved", --cooldown, --key ----------

constexpr std::int64_t kRunTen02 = 1764583320;  // 2025-12-01 10:02 UTC

class RunAlertTest : public RunTest {
 protected:
  RunAlertTest() { clock.set_unix(kRunTen02); }

  RunResult fails(RunRequest r) {
    command.output.clear();
    command.exits(3, "disk full\n");
    return run(r);
  }
  RunResult succeeds(RunRequest r) {
    command.output.clear();
    command.exits(0, "all good\n");
    return run(r);
  }
  RunRequest backup(int after = 1, std::optional<std::int64_t> cooldown = std::nullopt) {
    auto r = request({"backup", "--all", "it's"});
    r.after = after;
    r.send.alert.cooldown_s = cooldown;
    return r;
  }
  // The state kept for `key` on ops; nullopt when there is no file.
  std::optional<alerts::AlertState> state_of(const std::string& key) {
    const auto file = tmp.path() / "alerts" / alerts::AlertStore::file_name(key, "ops");
    if (!std::filesystem::exists(file)) return std::nullopt;
    std::ifstream in(file);
    std::stringstream text;
    text << in.rdbuf();
    return alerts::decode_state(text.str());
  }
};

TEST_F(RunAlertTest, the_key_is_run_and_the_command_line_as_a_shell_shows_it) {
  auto r = fails(backup());
  EXPECT_EQ(r.exit_status, 3);
  ASSERT_EQ(texts().size(), 1u);
  const auto state = state_of("run:backup --all 'it'\\''s'");
  ASSERT_TRUE(state) << "no state under the command line's key";
  EXPECT_EQ(state->key, "run:backup --all 'it'\\''s'");
  EXPECT_TRUE(state->in_trouble());
  EXPECT_EQ(state->alerts, 1);
  // Another command line is another key: not held back by this one's window.
  auto other = request({"backup", "--home"});
  other.send.alert.cooldown_s = 3600;
  r = fails(backup(1, 3600));
  EXPECT_EQ(r.sent->outcomes[0].held, 1);
  r = fails(other);
  EXPECT_TRUE(r.sent->outcomes[0].delivered);
  EXPECT_EQ(texts().size(), 2u);
}

TEST_F(RunAlertTest, after_3_a_fail_fail_ok_sends_nothing_and_leaves_nothing_to_resolve) {
  auto r = fails(backup(3));
  EXPECT_EQ(r.exit_status, 3);
  ASSERT_TRUE(r.sent);
  ASSERT_EQ(r.sent->outcomes.size(), 1u);
  EXPECT_EQ(r.sent->outcomes[0].skipped,
            "failure 1 of 3 in a row: reported from the 3rd on");
  EXPECT_EQ(r.sent->exit_status, 0);
  r = fails(backup(3));
  EXPECT_EQ(r.exit_status, 3);
  EXPECT_THAT(r.sent->outcomes[0].skipped, HasSubstr("failure 2 of 3"));
  r = succeeds(backup(3));
  EXPECT_EQ(r.exit_status, 0);
  EXPECT_FALSE(r.sent) << "failures never reported leave nothing to resolve";
  EXPECT_FALSE(r.report);
  EXPECT_TRUE(http.sent.empty());
  // The success reset the count: two more failures are still below three.
  fails(backup(3));
  fails(backup(3));
  EXPECT_TRUE(http.sent.empty());
  r = fails(backup(3));
  EXPECT_TRUE(r.sent->outcomes[0].delivered);
  ASSERT_EQ(texts().size(), 1u);
  EXPECT_THAT(texts()[0], HasSubstr("disk full"));
}

TEST_F(RunAlertTest, after_2_the_second_failure_in_a_row_is_reported) {
  auto r = fails(backup(2));
  EXPECT_TRUE(http.sent.empty());
  r = fails(backup(2));
  EXPECT_EQ(r.exit_status, 3);
  ASSERT_TRUE(r.sent);
  EXPECT_TRUE(r.sent->outcomes[0].delivered);
  ASSERT_EQ(texts().size(), 1u);
  EXPECT_THAT(texts()[0], HasSubstr("backup failed (exit 3"));
  // And the third, and on: every failure from the Nth in a row.
  fails(backup(2));
  EXPECT_EQ(texts().size(), 2u);
}

TEST_F(RunAlertTest, the_first_success_after_failure_reports_says_resolved_even_on_failure) {
  fails(backup());
  clock.advance(std::chrono::minutes(5));
  fails(backup());
  clock.advance(std::chrono::minutes(5));
  auto r = succeeds(backup());  // --on failure, the default
  EXPECT_EQ(r.exit_status, 0);
  ASSERT_TRUE(r.sent);
  EXPECT_TRUE(r.sent->outcomes[0].delivered);
  auto t = texts();
  ASSERT_EQ(t.size(), 3u);
  EXPECT_THAT(t[2], HasSubstr("resolved after 2 alerts since 10:02 UTC\n$ backup --all"));
  EXPECT_THAT(t[2], HasSubstr("backup succeeded (exit 0"));
  EXPECT_THAT(t[2], HasSubstr("all good"));
  // Resolved once: the next success says nothing again.
  r = succeeds(backup());
  EXPECT_FALSE(r.sent);
  EXPECT_EQ(texts().size(), 3u);
  EXPECT_FALSE(state_of("run:backup --all 'it'\\''s'")->in_trouble());
}

TEST_F(RunAlertTest, the_resolve_is_subject_to_no_cooldown_and_a_success_asked_for_is_no_trouble) {
  auto r = fails(backup(1, 3600));
  clock.advance(std::chrono::minutes(1));
  r = succeeds(backup(1, 3600));  // inside the hour: a resolve is never held
  EXPECT_TRUE(r.sent->outcomes[0].delivered);
  ASSERT_EQ(texts().size(), 2u);
  EXPECT_THAT(texts()[1], HasSubstr("resolved after 1 alert since 10:02 UTC"));

  // --on always: a success goes as it is and puts the key in no trouble.
  succeeds(backup(1, 3600));
  EXPECT_EQ(texts().size(), 2u) << "--on failure: nothing to say";
  auto always = backup(1, 3600);
  always.on = ReportOn::always;
  succeeds(always);
  succeeds(always);
  ASSERT_EQ(texts().size(), 4u);
  EXPECT_THAT(texts()[3], Not(HasSubstr("resolved")));
  EXPECT_FALSE(state_of("run:backup --all 'it'\\''s'")->in_trouble());
}

TEST_F(RunAlertTest, a_held_report_is_counted_not_a_failure_and_resolved_with_the_count) {
  auto r = fails(backup(1, 3600));
  EXPECT_TRUE(r.sent->outcomes[0].delivered);
  clock.advance(std::chrono::minutes(5));
  r = fails(backup(1, 3600));
  EXPECT_EQ(r.exit_status, 3) << "the command's own";
  ASSERT_TRUE(r.sent);
  EXPECT_EQ(r.sent->exit_status, 0);
  EXPECT_EQ(r.sent->outcomes[0].held, 1);
  EXPECT_EQ(texts().size(), 1u);
  clock.advance(std::chrono::minutes(5));
  r = succeeds(backup(1, 3600));
  ASSERT_EQ(texts().size(), 2u);
  EXPECT_THAT(texts()[1], HasSubstr("resolved after 2 alerts since 10:02 UTC"));
}

TEST_F(RunAlertTest, a_key_given_is_the_key_whatever_the_command) {
  auto first = request({"backup", "--db"});
  first.send.alert.key = "nightly";
  first.send.alert.cooldown_s = 3600;
  fails(first);
  auto second = request({"backup", "--files"});
  second.send.alert.key = "nightly";
  second.send.alert.cooldown_s = 3600;
  auto r = fails(second);
  EXPECT_EQ(r.sent->outcomes[0].held, 1) << "one key: one window";
  EXPECT_TRUE(state_of("nightly"));
  EXPECT_FALSE(state_of("run:backup --db"));
  r = succeeds(second);
  ASSERT_EQ(texts().size(), 2u);
  EXPECT_THAT(texts()[1], HasSubstr("resolved after 2 alerts"));
}

TEST_F(RunAlertTest, without_a_state_directory_a_plain_run_reports_as_before_and_warns_of_nothing) {
  auto w = world();
  w.alerts_dir.reset();
  command.exits(3, "disk full\n");
  auto r = app::run(cfg, backup(), command, w);
  EXPECT_TRUE(r.sent->outcomes[0].delivered);
  command.output.clear();
  command.exits(0, "all good\n");
  r = app::run(cfg, backup(), command, w);
  EXPECT_FALSE(r.sent);
  EXPECT_EQ(texts().size(), 1u);
  for (const auto& [level, text] : said) EXPECT_NE(level, Level::warning) << text;
  // Asked for (--cooldown, --after, --key): the warning says nothing is kept.
  command.output.clear();
  command.exits(3, "disk full\n");
  r = app::run(cfg, backup(2), command, w);
  EXPECT_TRUE(r.sent->outcomes[0].delivered) << "nothing counted: every failure goes";
  const auto warned = std::find_if(said.begin(), said.end(), [](const auto& s) {
    return s.first == Level::warning && s.second.find("cannot keep the state") != std::string::npos;
  });
  EXPECT_NE(warned, said.end());
}

TEST_F(RunAlertTest, a_dry_run_keeps_no_state) {
  auto r = backup();
  r.send.dry_run = true;
  fails(r);
  EXPECT_FALSE(state_of("run:backup --all 'it'\\''s'"));
  EXPECT_TRUE(http.sent.empty());
}

}  // namespace
}  // namespace notify::app
