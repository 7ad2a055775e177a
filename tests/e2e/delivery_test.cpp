// Faults a real network and chat server produce, through the real binary:
// retries, Retry-After in each service's form, timeouts, dropped
// connections, LINE's retry key, the spool and flush.

#include <filesystem>
#include <thread>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

class DeliveryE2E : public FourServicesE2E {
 protected:
  std::vector<fs::path> spooled() const {
    std::vector<fs::path> out;
    if (!fs::exists(spool_dir())) return out;
    for (auto& e : fs::directory_iterator(spool_dir()))
      if (e.path().extension() == ".msg") out.push_back(e.path());
    std::sort(out.begin(), out.end());
    return out;
  }
  RunResult run(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) {
    args.insert(args.begin(), {"-c", path});
    return notify(args, input, {{"XDG_STATE_HOME", state()}});
  }
};

TEST_F(DeliveryE2E, each_services_429_form_is_honoured_then_delivered_once) {
  mm.push_reply(mattermost_429(1));
  tg.push_reply(telegram_429(1));
  line.push_reply(line_429());
  dc.push_reply(discord_429(0.3));
  auto r = run({"-v", "--retries", "2", "all", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  for (auto* s : {&mm, &tg, &line, &dc}) EXPECT_EQ(s->request_count(), 2u);
  EXPECT_THAT(r.err, HasSubstr("ops: part 1: HTTP 429"));
  EXPECT_THAT(r.err, HasSubstr("server asked 1000 ms"));  // Retry-After / retry_after
  EXPECT_THAT(r.err, HasSubstr("server asked 300 ms"));   // Discord's float retry_after
  EXPECT_TRUE(spooled().empty());
}

TEST_F(DeliveryE2E, slow_reply_past_timeout_is_retried) {
  Reply slow = json_reply(200, R"({"ok":true,"result":{}})");
  slow.delay = std::chrono::seconds(4);
  tg.push_reply(slow);
  auto r = run({"--timeout", "1", "me", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(tg.request_count(), 2u);
}

TEST_F(DeliveryE2E, dropped_connection_is_retried) {
  dc.push_reply(dropped_reply());
  auto r = run({"-v", "dev", "x"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(dc.request_count(), 2u);
}

TEST_F(DeliveryE2E, line_retry_reuses_the_key_and_409_counts_as_delivered) {
  // The first push is accepted but its reply comes too late: the retry with
  // the same key must be answered 409, and that is a delivery.
  int calls = 0;
  line.set_handler([h = line_handler(), &calls](const Recorded& r) mutable {
    Reply reply = h(r);
    if (++calls == 1) reply.delay = std::chrono::seconds(4);
    return reply;
  });
  auto r = run({"--timeout", "1", "--json", "family", "hello"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto reqs = line.requests();
  ASSERT_EQ(reqs.size(), 2u);
  EXPECT_EQ(reqs[0].header("x-line-retry-key"), reqs[1].header("x-line-retry-key"));
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["delivered"], true);
  EXPECT_EQ(j["http_status"], 409);
  EXPECT_EQ(j["attempts"], 2);
}

TEST_F(DeliveryE2E, undeliverable_message_is_spooled_then_flushed_exactly_once) {
  mm.set_handler([](const Recorded&) { return server_error(503); });
  auto r = run({"--retries", "1", "--json", "ops", "disk /var 91%"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("ops: not delivered"));
  EXPECT_THAT(r.err, HasSubstr("spool"));
  EXPECT_EQ(nlohmann::json::parse(r.out)["spooled"], true);
  auto files = spooled();
  ASSERT_EQ(files.size(), 1u);
  EXPECT_EQ(fs::status(files[0]).permissions() & fs::perms::all, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_EQ(fs::status(spool_dir()).permissions() & fs::perms::all, fs::perms::owner_all);

  auto listed = run({"list"});
  EXPECT_THAT(listed.out, HasSubstr("[1 waiting in the spool]"));

  // Still down: flush keeps it.
  auto again = run({"flush"});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_EQ(spooled().size(), 1u);

  mm.set_handler(mattermost_handler());
  mm.reset();
  auto flushed = run({"flush"});
  EXPECT_EQ(flushed.exit_code, 0) << flushed.err;
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_EQ(texts_of(mm.requests()[0]), std::vector<std::string>{"disk /var 91%"});
  EXPECT_TRUE(spooled().empty());
  auto nothing = run({"flush"});
  EXPECT_EQ(nothing.exit_code, 0);
  EXPECT_EQ(mm.request_count(), 1u);
}

TEST_F(DeliveryE2E, flush_goes_oldest_first_and_filters_by_target) {
  mm.set_handler([](const Recorded&) { return server_error(500); });
  tg.set_handler([](const Recorded&) { return server_error(500); });
  for (std::string m : {"first", "second", "third"})
    EXPECT_EQ(run({"--retries", "0", "ops", m}).exit_code, 1);
  EXPECT_EQ(run({"--retries", "0", "me", "tg"}).exit_code, 1);
  ASSERT_EQ(spooled().size(), 4u);
  mm.set_handler(mattermost_handler());
  mm.reset();
  auto r = run({"flush", "ops"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  auto reqs = mm.requests();
  ASSERT_EQ(reqs.size(), 3u);
  EXPECT_EQ(texts_of(reqs[0])[0], "first");
  EXPECT_EQ(texts_of(reqs[1])[0], "second");
  EXPECT_EQ(texts_of(reqs[2])[0], "third");
  EXPECT_EQ(spooled().size(), 1u);  // the Telegram one waits for its own flush
}

TEST_F(DeliveryE2E, concurrent_flushes_deliver_each_message_once) {
  mm.set_handler([](const Recorded&) { return server_error(500); });
  for (int i = 0; i < 6; ++i)
    ASSERT_EQ(run({"--retries", "0", "ops", "msg " + std::to_string(i)}).exit_code, 1);
  ASSERT_EQ(spooled().size(), 6u);
  mm.set_handler(mattermost_handler());
  mm.set_latency(std::chrono::milliseconds(150));
  mm.reset();
  RunResult a, b, c;
  std::thread ta([&] { a = run({"flush"}); });
  std::thread tb([&] { b = run({"flush"}); });
  std::thread tc([&] { c = run({"flush"}); });
  ta.join();
  tb.join();
  tc.join();
  auto reqs = mm.requests();
  std::set<std::string> texts;
  for (auto& r : reqs) texts.insert(texts_of(r)[0]);
  EXPECT_EQ(reqs.size(), 6u);
  EXPECT_EQ(texts.size(), 6u);
  EXPECT_TRUE(spooled().empty());
}

TEST_F(DeliveryE2E, a_file_that_is_not_a_spool_file_is_reported_and_left_alone) {
  fs::create_directories(spool_dir());
  fs::permissions(spool_dir(), fs::perms::owner_all);
  home.write_file("state/notify/spool/000000000007.msg", "{not json", 0600);
  auto r = run({"flush"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("000000000007.msg: not a notify spool file; left alone"));
  EXPECT_TRUE(fs::exists(spool_dir() + "/000000000007.msg"));
  EXPECT_EQ(mm.request_count(), 0u);
}

TEST_F(DeliveryE2E, a_first_edition_spool_file_is_still_delivered) {
  fs::create_directories(spool_dir());
  fs::permissions(spool_dir(), fs::perms::owner_all);
  home.write_file("state/notify/spool/00000000000000000001-000001-00000000.msg",
                  R"({"version":1,"target":"ops","title":"","body":"from the old spool",)"
                  R"("created_unix":1700000000,"files":[]})",
                  0600);
  auto r = run({"flush"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(mm.request_count(), 1u);
  EXPECT_THAT(texts_of(mm.requests()[0])[0], HasSubstr("from the old spool"));
  EXPECT_TRUE(spooled().empty());
}

TEST_F(DeliveryE2E, spool_off_says_the_message_is_lost) {
  auto cfg = four_profiles(mm, tg, line, dc);
  cfg.insert(cfg.find("[profiles.me]"), "spool = false\n\n");
  path = config(cfg);
  mm.set_handler([](const Recorded&) { return server_error(500); });
  auto r = run({"-v", "--retries", "0", "ops", "x"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("spool = false"));
  EXPECT_TRUE(spooled().empty());
}

TEST_F(DeliveryE2E, unwritable_spool_prints_the_message_to_stderr) {
  mm.set_handler([](const Recorded&) { return server_error(500); });
  home.write_file("state/notify", "a file where the spool directory should be");
  auto r = run({"--retries", "0", "ops", "keep me"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("could not spool"));
  EXPECT_THAT(r.err, HasSubstr("keep me"));
}

}  // namespace
}  // namespace notify::test
