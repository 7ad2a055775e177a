// PRODUCT.md "The first minute", through the real binary: files to a group
// with a service that cannot carry them, `check` that means it, and a
// fallback delivery that says why the first choice failed.

#include <sys/stat.h>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using json = nlohmann::json;

// Lines of --json output, one object per target, by target name.
std::map<std::string, json> by_target(const std::string& out) {
  std::map<std::string, json> m;
  std::size_t at = 0;
  while (at < out.size()) {
    const auto end = out.find('\n', at);
    const auto line = out.substr(at, end == std::string::npos ? std::string::npos : end - at);
    at = end == std::string::npos ? out.size() : end + 1;
    if (line.empty()) continue;
    auto j = json::parse(line, nullptr, false);
    if (j.is_object() && j.contains("target")) m[j["target"].get<std::string>()] = j;
  }
  return m;
}

// The text of the one request a fake got, whatever the service's shape.
std::string only_text(const FakeServer& s) {
  const auto reqs = s.requests();
  if (reqs.size() != 1) return "<" + std::to_string(reqs.size()) + " requests>";
  const auto texts = texts_of(reqs[0]);
  return texts.empty() ? "<no text>" : texts[0];
}

bool carries_file(const Recorded& r, const std::string& field, const std::string& name,
                  const std::string& data) {
  for (const auto& p : r.parts)
    if (p.name == field && p.filename == name && p.content == data) return true;
  return false;
}

// --- Files to several targets -------------------------------------------------

class FilesToGroupsE2E : public FourServicesE2E {
 protected:
  std::string file;
  const std::string data = std::string("report\n") + std::string(3000, 'x');
  void SetUp() override {
    FourServicesE2E::SetUp();
    file = home.write_file("report.txt", data).string();
  }
  RunResult send(std::vector<std::string> args) {
    args.insert(args.begin(), {"-c", path});
    return notify(std::move(args), std::nullopt, {{"XDG_STATE_HOME", state()}});
  }
};

TEST_F(FilesToGroupsE2E, a_group_sends_the_file_where_it_can_and_the_text_with_a_note_elsewhere) {
  auto r = send({"all", "--file", file, "nightly report"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Telegram and Discord: the text, then the file, byte for byte.
  const auto tg_reqs = tg.requests();
  ASSERT_EQ(tg_reqs.size(), 2u);
  EXPECT_EQ(texts_of(tg_reqs[0]), std::vector<std::string>{"nightly report"});
  EXPECT_TRUE(carries_file(tg_reqs[1], "document", "report.txt", data));
  const auto dc_reqs = dc.requests();
  ASSERT_EQ(dc_reqs.size(), 2u);
  EXPECT_TRUE(carries_file(dc_reqs[1], "files[0]", "report.txt", data));
  // Mattermost and LINE: the text and one line naming the file and why.
  for (const FakeServer* s : {&mm, &line}) {
    const auto text = only_text(*s);
    EXPECT_EQ(text.rfind("nightly report\n", 0), 0u) << text;
    const auto note = text.substr(text.find('\n') + 1);
    EXPECT_THAT(note, HasSubstr("Not attached here: report.txt"));
    EXPECT_THAT(note, HasSubstr("cannot carry files"));
    EXPECT_EQ(note.find('\n'), std::string::npos) << "one line: " << note;
    EXPECT_THAT(text, Not(HasSubstr("xxxx"))) << "never the file's content";
  }
  EXPECT_EQ(pending(), 0u);
}

TEST_F(FilesToGroupsE2E, one_target_that_cannot_carry_files_stays_a_usage_error_naming_profile_and_group) {
  auto direct = send({"ops", "--file", file, "x"});
  EXPECT_EQ(direct.exit_code, 2);
  EXPECT_THAT(direct.err, HasSubstr("profile 'ops'"));
  EXPECT_THAT(direct.err, HasSubstr("cannot carry files"));

  path = config(four_profiles(mm, tg, line, dc) + "solo = [\"family\"]\n");
  auto grouped = send({"solo", "--file", file, "x"});
  EXPECT_EQ(grouped.exit_code, 2);
  EXPECT_THAT(grouped.err, HasSubstr("profile 'family'"));
  EXPECT_THAT(grouped.err, HasSubstr("group 'solo'"));
  EXPECT_EQ(mm.request_count() + line.request_count(), 0u);
}

TEST_F(FilesToGroupsE2E, json_and_dry_run_say_per_target_which_files_were_left_out) {
  auto j = send({"--json", "ops,me", "--file", file, "x"});
  EXPECT_EQ(j.exit_code, 0) << j.err;
  auto lines = by_target(j.out);
  ASSERT_EQ(lines.size(), 2u) << j.out;
  ASSERT_EQ(lines["ops"]["files_left_out"].size(), 1u) << j.out;
  EXPECT_EQ(lines["ops"]["files_left_out"][0]["file"], "report.txt");
  EXPECT_THAT(lines["ops"]["files_left_out"][0]["reason"].get<std::string>(),
              HasSubstr("cannot carry files"));
  EXPECT_EQ(lines["me"]["files_left_out"], json::array());
  EXPECT_EQ(lines["ops"]["delivered"], true);

  const auto sent = mm.request_count() + tg.request_count();
  auto dry = send({"--dry-run", "ops,me", "--file", file, "x"});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_THAT(dry.out, HasSubstr("--- ops (mattermost): files left out"));
  EXPECT_THAT(dry.out, HasSubstr("Not attached here: report.txt"));
  EXPECT_THAT(dry.out, Not(HasSubstr("--- me (telegram): files left out")));
  EXPECT_EQ(mm.request_count() + tg.request_count(), sent) << "a dry run sends nothing";
}

TEST_F(FilesToGroupsE2E, a_file_too_big_for_one_target_is_named_there_and_sent_to_the_others) {
  // Over Discord's 10 MiB, within Telegram's 50 MiB.
  const std::string big((10u << 20) + 1, 'a');
  const auto big_file = home.write_file("big.bin", big).string();
  auto r = send({"me,dev", "--file", big_file, "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto tg_reqs = tg.requests();
  ASSERT_EQ(tg_reqs.size(), 2u);
  EXPECT_TRUE(carries_file(tg_reqs[1], "document", "big.bin", big));
  const auto text = only_text(dc);
  EXPECT_THAT(text, HasSubstr("Not attached here: big.bin"));
  EXPECT_THAT(text, HasSubstr("over discord's limit"));
}

TEST_F(FilesToGroupsE2E, a_fallback_that_cannot_carry_files_gets_the_text_and_the_note) {
  auto cfg = four_profiles(mm, tg, line, dc);
  cfg.insert(cfg.find("[groups]"), "fallback = \"family\"\n\n");  // dev's
  path = config(cfg);
  dc.push_reply(server_error(503));
  dc.push_reply(server_error(503));
  auto r = send({"--json", "dev", "--file", file, "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto j = by_target(r.out)["dev"];
  EXPECT_EQ(j["via"], "family");
  ASSERT_EQ(j["files_left_out"].size(), 1u) << r.out;
  EXPECT_THAT(only_text(line), HasSubstr("Not attached here: report.txt"));
}

TEST_F(FilesToGroupsE2E, a_notice_only_member_gets_its_notice_and_is_no_reason_to_refuse) {
  auto cfg = four_profiles(mm, tg, line, dc);
  cfg.insert(cfg.find("[profiles.me]"), "notice_only = true\n\n");  // ops's
  path = config(cfg);
  auto r = send({"ops,me", "--file", file, "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(only_text(mm), "new message (full text: me)");
  const auto tg_reqs = tg.requests();
  ASSERT_EQ(tg_reqs.size(), 2u);
  EXPECT_TRUE(carries_file(tg_reqs[1], "document", "report.txt", data));
}

TEST_F(FilesToGroupsE2E, a_kept_message_is_flushed_the_same_way) {
  auto cfg = four_profiles(mm, tg, line, dc, "retries = 0\ntimeout = 5\n");
  path = config(cfg);
  mm.push_reply(server_error(503));
  auto r = send({"ops,me", "--file", file, "nightly report"});
  EXPECT_EQ(r.exit_code, 1) << r.err;
  EXPECT_EQ(pending(), 1u);
  ASSERT_EQ(tg.request_count(), 2u);

  // The file is gone by the time of the flush: the spool has what is needed.
  std::filesystem::remove(file);
  auto f = notify({"-c", path, "flush"}, std::nullopt, {{"XDG_STATE_HOME", state()}});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(pending(), 0u);
  const auto reqs = mm.requests();
  ASSERT_EQ(reqs.size(), 2u);
  const auto texts = texts_of(reqs[1]);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_THAT(texts[0], HasSubstr("nightly report"));
  EXPECT_THAT(texts[0], HasSubstr("Not attached here: report.txt"));
  EXPECT_EQ(tg.request_count(), 2u) << "Telegram had it all already";
}

TEST_F(FilesToGroupsE2E, a_file_no_target_can_carry_leaves_a_note_everywhere_and_exit_0) {
  auto r = send({"ops,family", "--file", file, "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(only_text(mm), HasSubstr("Not attached here: report.txt"));
  EXPECT_THAT(only_text(line), HasSubstr("Not attached here: report.txt"));
}

// --- check means it -------------------------------------------------------------

class CheckE2E : public E2E {
 protected:
  FakeServer mm, mm2;
  void SetUp() override {
    mm.set_handler(mattermost_handler());
    mm2.set_handler(mattermost_handler());
  }
  RunResult check(const std::string& file) { return notify({"-c", file, "check"}); }
  std::string profile(const std::string& name, const FakeServer& server,
                      const std::string& extra = "") const {
    return "[profiles." + name + "]\ntype = \"mattermost\"\nretries = 0\nwebhook_url = \"" +
           mattermost_url(server) + "\"\n" + extra + "\n";
  }
};

TEST_F(CheckE2E, a_valid_file_gets_its_verdict_on_standard_output) {
  const auto file = config(profile("ops", mm) + "[groups]\nall = [\"ops\"]\n");
  auto r = check(file);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, file + ": OK (1 profile, 1 group)\n");
  EXPECT_EQ(r.err, "");
}

TEST_F(CheckE2E, a_directory_fails_with_a_verdict) {
  const auto dir = (home / "conf.d").string();
  std::filesystem::create_directories(dir);
  auto r = check(dir);
  EXPECT_EQ(r.exit_code, 2) << r.out;
  EXPECT_THAT(r.err, HasSubstr("notify: error: "));
  EXPECT_THAT(r.err, HasSubstr(dir));
  EXPECT_EQ(r.out, dir + ": not valid (1 problem, on standard error)\n");
}

TEST_F(CheckE2E, a_file_without_any_profile_fails_whatever_else_it_holds) {
  const std::pair<const char*, std::string> cases[] = {
      {"empty", ""},
      {"comments only", "# profiles go here\n\n# [profiles.ops]\n"},
      {"defaults only", "[defaults]\ntimeout = 5\n"},
      {"empty profiles table", "[profiles]\n"},
  };
  for (const auto& [what, text] : cases) {
    SCOPED_TRACE(what);
    const auto file = config(text);
    auto r = check(file);
    EXPECT_EQ(r.exit_code, 2) << r.out;
    EXPECT_THAT(r.err, HasSubstr("no profile in this file"));
    EXPECT_THAT(r.out, HasSubstr(file + ": not valid"));
  }
}

TEST_F(CheckE2E, a_fallback_cycle_fails_check_and_a_send_through_it_tries_each_profile_once) {
  const auto direct = config(profile("ops", mm, "fallback = \"ops\""));
  auto d = check(direct);
  EXPECT_EQ(d.exit_code, 2) << d.out;
  EXPECT_THAT(d.err, HasSubstr("profile 'ops': falls back to itself (ops -> ops)"));
  EXPECT_THAT(d.out, HasSubstr("not valid"));

  const auto indirect = config(profile("a", mm, "fallback = \"b\"") +
                               profile("b", mm2, "fallback = [\"c\"]") +
                               profile("c", mm, "fallback = \"a\""));
  auto i = check(indirect);
  EXPECT_EQ(i.exit_code, 2) << i.out;
  EXPECT_THAT(i.err, HasSubstr("profile 'a': its fallbacks lead back to it (a -> b -> c -> a)"));

  // Sending does not refuse the file: each profile of the ring is tried
  // once, and the send ends.
  for (int k = 0; k < 3; ++k) mm.push_reply(server_error(503));
  for (int k = 0; k < 3; ++k) mm2.push_reply(server_error(503));
  auto sent = notify({"-c", indirect, "b", "x"}, std::nullopt, {{"XDG_STATE_HOME", state()}});
  EXPECT_EQ(sent.exit_code, 1) << sent.err;
  EXPECT_EQ(mm2.request_count(), 1u);  // b
  EXPECT_EQ(mm.request_count(), 2u);   // c, then a; never b again
}

// --- A fallback says why --------------------------------------------------------

class FallbackReasonE2E : public FourServicesE2E {
 protected:
  void SetUp() override {
    FourServicesE2E::SetUp();
    auto cfg = four_profiles(mm, tg, line, dc, "retries = 0\ntimeout = 5\n");
    cfg.insert(cfg.find("[profiles.me]"), "fallback = \"me\"\n\n");  // ops's
    path = config(cfg);
  }
};

TEST_F(FallbackReasonE2E, test_verbose_and_json_say_why_the_first_choice_failed) {
  mm.push_reply(server_error(503));
  auto t = notify({"-c", path, "test", "ops"});
  EXPECT_EQ(t.exit_code, 0) << t.err;
  EXPECT_THAT(t.err, HasSubstr("ops: delivered via fallback 'me'"));
  EXPECT_THAT(t.err, HasSubstr("ops failed: HTTP 503"));

  mm.push_reply(server_error(503));
  auto v = notify({"-c", path, "-v", "ops", "x"}, std::nullopt, {{"XDG_STATE_HOME", state()}});
  EXPECT_EQ(v.exit_code, 0) << v.err;
  EXPECT_THAT(v.err, HasSubstr("via fallback 'me'"));
  EXPECT_THAT(v.err, HasSubstr("ops failed: HTTP 503"));

  mm.push_reply(server_error(503));
  auto j = notify({"-c", path, "--json", "ops", "x"}, std::nullopt,
                  {{"XDG_STATE_HOME", state()}});
  EXPECT_EQ(j.exit_code, 0) << j.err;
  auto ops = by_target(j.out)["ops"];
  EXPECT_EQ(ops["via"], "me");
  ASSERT_TRUE(ops["fallback_reason"].is_string()) << j.out;
  EXPECT_THAT(ops["fallback_reason"].get<std::string>(), HasSubstr("ops failed: HTTP 503"));
  EXPECT_THAT(j.out, Not(HasSubstr("testhook1234")));

  // Delivered by the first choice: no reason to give.
  auto ok = notify({"-c", path, "--json", "ops", "x"}, std::nullopt,
                   {{"XDG_STATE_HOME", state()}});
  EXPECT_TRUE(by_target(ok.out)["ops"]["fallback_reason"].is_null()) << ok.out;
}

}  // namespace
}  // namespace notify::test
