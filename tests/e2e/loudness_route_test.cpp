// Who gets a message and how much of it, through the real binary:
// min_priority routing in a group, notice_only profiles, `notify list`,
// `run --priority`, --stream and a flushed message's level.

#include <filesystem>
#include <fstream>
#include <sstream>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

class LoudnessRouteE2E : public E2E {
 protected:
  FakeServer phone, team, priv, pub;
  std::string path;
  void SetUp() override {
    for (auto* s : {&phone, &team, &priv, &pub}) s->set_handler(mattermost_handler());
    path = config("[defaults]\nretries = 0\ntimeout = 5\n\n"
                  "[profiles.phone]\ntype = \"mattermost\"\nwebhook_url = \"" + mattermost_url(phone) +
                  "\"\nmin_priority = \"urgent\"\n\n"
                  "[profiles.team]\ntype = \"mattermost\"\nwebhook_url = \"" + mattermost_url(team) +
                  "\"\n\n[profiles.private]\ntype = \"mattermost\"\nwebhook_url = \"" +
                  mattermost_url(priv) +
                  "\"\n\n[profiles.public]\ntype = \"mattermost\"\nwebhook_url = \"" +
                  mattermost_url(pub) + "\"\nnotice_only = true\n"
                  "urgent_mentions = [\"@here\", \"@channel\"]\n\n"
                  "[groups]\nall = [\"phone\", \"team\"]\n");
  }
  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) {
    args.insert(args.begin(), {"-c", path});
    return notify(std::move(args), std::move(input), {{"XDG_STATE_HOME", state()}});
  }
  static std::string bodies(const FakeServer& s) {
    std::string all;
    for (const auto& r : s.requests()) all += r.body;
    return all;
  }
  std::string spool_bytes() const {
    std::string all;
    if (!fs::exists(spool_dir())) return all;
    for (const auto& e : fs::recursive_directory_iterator(spool_dir())) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      all += ss.str();
    }
    return all;
  }
};

TEST_F(LoudnessRouteE2E, an_urgent_alert_reaches_both_members_and_a_normal_one_only_team) {
  auto urgent = run({"--priority", "urgent", "all", "server down"});
  EXPECT_EQ(urgent.exit_code, 0) << urgent.err;
  EXPECT_EQ(phone.request_count(), 1u);
  EXPECT_EQ(team.request_count(), 1u);

  auto normal = run({"-v", "all", "backup done"});
  EXPECT_EQ(normal.exit_code, 0) << normal.err;
  EXPECT_EQ(phone.request_count(), 1u);
  EXPECT_EQ(team.request_count(), 2u);
  EXPECT_THAT(normal.err, HasSubstr("phone: skipped: priority normal is below its min_priority urgent"));
  EXPECT_THAT(normal.err, Not(HasSubstr("not delivered")));
  EXPECT_EQ(pending(), 0u);
}

TEST_F(LoudnessRouteE2E, json_reports_a_skipped_target_as_skipped_not_failed) {
  auto r = run({"--json", "all", "backup done"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line;
  int skipped = 0, delivered = 0;
  while (std::getline(lines, line)) {
    auto j = nlohmann::json::parse(line);
    if (j["target"] == "phone") {
      EXPECT_EQ(j["skipped"], true);
      EXPECT_EQ(j["delivered"], false);
      EXPECT_THAT(j["reason"].get<std::string>(), HasSubstr("min_priority urgent"));
      ++skipped;
    } else {
      EXPECT_EQ(j["delivered"], true) << line;
      EXPECT_FALSE(j.contains("skipped")) << line;
      ++delivered;
    }
  }
  EXPECT_EQ(skipped, 1);
  EXPECT_EQ(delivered, 1);
}

TEST_F(LoudnessRouteE2E, every_target_skipped_exits_0_with_a_verbose_note) {
  auto quiet = run({"phone", "backup done"});
  EXPECT_EQ(quiet.exit_code, 0);
  EXPECT_EQ(quiet.err, "");
  auto v = run({"-v", "phone", "backup done"});
  EXPECT_EQ(v.exit_code, 0);
  EXPECT_THAT(v.err, HasSubstr("nothing sent: every target skipped the message"));
  EXPECT_EQ(phone.request_count(), 0u);
  EXPECT_EQ(pending(), 0u);
}

TEST_F(LoudnessRouteE2E, notify_test_says_when_the_profile_skips_its_level) {
  auto r = run({"test", "phone"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_THAT(r.err, HasSubstr("phone: skipped: priority normal is below its min_priority urgent"));
  auto loud = run({"test", "--priority", "urgent", "phone"});
  EXPECT_EQ(loud.exit_code, 0) << loud.err;
  EXPECT_EQ(phone.request_count(), 1u);
}

TEST_F(LoudnessRouteE2E, a_notice_only_profile_never_sees_the_body) {
  auto r = run({"-t", "db alert", "private,public", "password hunter2 leaked"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(bodies(priv), HasSubstr("hunter2"));
  ASSERT_EQ(pub.request_count(), 1u);
  EXPECT_THAT(bodies(pub), Not(HasSubstr("hunter2")));
  EXPECT_THAT(bodies(pub), HasSubstr("db alert"));
  EXPECT_THAT(bodies(pub), HasSubstr("new message (full text: private)"));
}

TEST_F(LoudnessRouteE2E, a_notice_only_profile_never_sees_the_body_in_a_dry_run) {
  auto r = run({"--dry-run", "private,public", "password hunter2 leaked"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  const auto at = r.out.find("--- public");
  ASSERT_NE(at, std::string::npos) << r.out;
  EXPECT_THAT(r.out.substr(0, at), HasSubstr("hunter2"));
  EXPECT_THAT(r.out.substr(at), Not(HasSubstr("hunter2")));
  EXPECT_THAT(r.out.substr(at), HasSubstr("new message (full text: private)"));
  EXPECT_EQ(pub.request_count(), 0u);
}

TEST_F(LoudnessRouteE2E, a_failed_notice_is_spooled_without_the_body) {
  pub.push_reply(server_error(503));
  auto r = run({"private,public", "password hunter2 leaked"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("public: message kept in the spool"));
  ASSERT_EQ(pending(), 1u);
  const auto kept = spool_bytes();
  EXPECT_THAT(kept, HasSubstr("new message (full text: private)"));
  EXPECT_THAT(kept, Not(HasSubstr("hunter2")));
  auto f = run({"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(pub.request_count(), 2u);
  EXPECT_THAT(bodies(pub), Not(HasSubstr("hunter2")));
  EXPECT_EQ(pending(), 0u);
}

TEST_F(LoudnessRouteE2E, list_shows_priority_and_filters) {
  auto r = run({"list"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::istringstream lines(r.out);
  std::string line, phone_line, public_line, team_line;
  while (std::getline(lines, line)) {
    if (line.rfind("phone ", 0) == 0) phone_line = line;
    if (line.rfind("public ", 0) == 0) public_line = line;
    if (line.rfind("team ", 0) == 0) team_line = line;
  }
  EXPECT_THAT(phone_line, HasSubstr("[min_priority urgent]"));
  EXPECT_THAT(public_line, HasSubstr("[notice_only; urgent_mentions: @here @channel]"));
  EXPECT_THAT(team_line, Not(HasSubstr("[")));

  auto j = nlohmann::json::parse(run({"list", "--json"}).out);
  for (const auto& p : j["profiles"]) {
    if (p["name"] == "phone") {
      EXPECT_EQ(p["min_priority"], "urgent");
      EXPECT_EQ(p["priority"], "normal");
      EXPECT_EQ(p["notice_only"], false);
    }
    if (p["name"] == "public") {
      EXPECT_EQ(p["notice_only"], true);
      EXPECT_EQ(p["urgent_mentions"], nlohmann::json::array({"@here", "@channel"}));
    }
  }
}

TEST_F(LoudnessRouteE2E, run_sends_its_report_at_the_given_priority) {
  auto quiet = run({"run", "phone", "--on", "always", "--", "sh", "-c", "exit 3"});
  EXPECT_EQ(quiet.exit_code, 3);
  EXPECT_EQ(phone.request_count(), 0u);
  auto loud = run({"run", "phone", "--on", "always", "--priority", "urgent", "--", "sh", "-c",
                   "echo disk gone; exit 3"});
  EXPECT_EQ(loud.exit_code, 3) << loud.err;
  ASSERT_EQ(phone.request_count(), 1u);
  EXPECT_THAT(bodies(phone), HasSubstr("disk gone"));
  // "failure urgent, success low via --on always": the same line, a success.
  auto fine = run({"run", "all", "--on", "always", "--priority", "urgent", "--", "sh", "-c",
                   "echo all good"});
  EXPECT_EQ(fine.exit_code, 0) << fine.err;
  EXPECT_EQ(phone.request_count(), 1u) << "a success report is low: phone skips it";
  ASSERT_EQ(team.request_count(), 1u);
  const auto report = nlohmann::json::parse(team.requests()[0].body);
  EXPECT_THAT(report["text"].get<std::string>(), HasSubstr("all good"));
  EXPECT_EQ(report.value("silent", false), true);
}

TEST_F(LoudnessRouteE2E, stream_batches_go_at_the_given_priority) {
  auto normal = run({"--stream", "all"}, std::string("line one\nline two\n"));
  EXPECT_EQ(normal.exit_code, 0) << normal.err;
  EXPECT_EQ(phone.request_count(), 0u);
  EXPECT_EQ(team.request_count(), 1u);
  auto urgent = run({"--stream", "--priority", "urgent", "all"}, std::string("line three\n"));
  EXPECT_EQ(urgent.exit_code, 0) << urgent.err;
  ASSERT_EQ(phone.request_count(), 1u);
  EXPECT_THAT(bodies(phone), HasSubstr("line three"));
}

TEST_F(LoudnessRouteE2E, a_flushed_message_keeps_its_level) {
  phone.push_reply(server_error(503));
  auto r = run({"--priority", "urgent", "phone", "server down"});
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(pending(), 1u);
  // A normal message would skip phone: only a kept level delivers it.
  auto f = run({"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(phone.request_count(), 2u);
  EXPECT_THAT(bodies(phone), HasSubstr("server down"));
  EXPECT_EQ(pending(), 0u);
}

}  // namespace
}  // namespace notify::test
