// The alert keys' files: where they live, one per key and profile, kept
// across processes, damage reported and taken as empty, and the lock under
// which two deciders with one key send once.

#include "app/alerts/store.hpp"
#include "app/alerts/rules.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <map>
#include <optional>
#include <thread>
#include <vector>

#include "support/temp_dir.hpp"

namespace notify::app::alerts {
namespace {

using ::testing::HasSubstr;
using namespace std::chrono_literals;

constexpr std::int64_t kNow = 1764583320;  // 2025-12-01 10:02 UTC
constexpr std::int64_t kAlertStoreHour = 3600;

config::EnvLookup env_of(std::map<std::string, std::string> vars) {
  return [vars](const std::string& name) -> std::optional<std::string> {
    const auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

TEST(AlertStoreTest, lives_where_the_spool_does) {
  EXPECT_EQ(alerts_dir(env_of({{"XDG_STATE_HOME", "/s"}, {"HOME", "/h"}})), "/s/notify/alerts");
  // A relative XDG_STATE_HOME is ignored, as the spec of XDG says.
  EXPECT_EQ(alerts_dir(env_of({{"XDG_STATE_HOME", "rel"}, {"HOME", "/h"}})),
            "/h/.local/state/notify/alerts");
  EXPECT_EQ(alerts_dir(env_of({{"HOME", "/h"}})), "/h/.local/state/notify/alerts");
  EXPECT_EQ(alerts_dir(env_of({})), std::nullopt);
}

TEST(AlertStoreTest, one_file_per_key_and_profile_named_by_a_hash) {
  const auto a = AlertStore::file_name("disk", "ops");
  EXPECT_EQ(a.size(), 16u);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
  EXPECT_EQ(a, AlertStore::file_name("disk", "ops"));
  EXPECT_NE(a, AlertStore::file_name("disk", "me"));
  EXPECT_NE(a, AlertStore::file_name("disk2", "ops"));
  // The split between profile and key is part of the name.
  EXPECT_NE(AlertStore::file_name("ab", "c"), AlertStore::file_name("b", "ca"));
}

TEST(AlertStoreTest, a_state_saved_is_read_back_by_the_next_open) {
  test::TempDir tmp{"notify-alerts"};
  const AlertStore store((tmp.path() / "alerts").string());
  {
    auto f = store.open("disk", "ops");
    ASSERT_TRUE(f) << f.error().message;
    EXPECT_EQ(f->damage(), "");
    EXPECT_FALSE(f->state().last_sent);
    f->state().last_sent = kNow;
    f->state().held = 3;
    f->state().first_held = kNow + 1;
    f->state().last_held = kNow + 2;
    f->state().last_held_line = "disk \"full\" \xc3\xa9";
    f->state().trouble_since = kNow - 5;
    f->state().alerts = 4;
    f->state().failures = 2;
    ASSERT_TRUE(f->save());
  }
  auto f = store.open("disk", "ops");
  ASSERT_TRUE(f);
  const auto& s = f->state();
  EXPECT_EQ(s.key, "disk");
  EXPECT_EQ(s.profile, "ops");
  EXPECT_EQ(s.last_sent, kNow);
  EXPECT_EQ(s.held, 3);
  EXPECT_EQ(s.first_held, kNow + 1);
  EXPECT_EQ(s.last_held, kNow + 2);
  EXPECT_EQ(s.last_held_line, "disk \"full\" \xc3\xa9");
  EXPECT_EQ(s.trouble_since, kNow - 5);
  EXPECT_EQ(s.alerts, 4);
  EXPECT_EQ(s.failures, 2);
  // Private, like the spool: the key and lines can say what broke.
  EXPECT_EQ(std::filesystem::status(f->path()).permissions() & std::filesystem::perms::all,
            std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  // Another profile's state of the key is its own.
  auto other = store.open("disk", "me");
  ASSERT_TRUE(other);
  EXPECT_FALSE(other->state().last_sent);
}

TEST(AlertStoreTest, a_damaged_file_is_reported_and_read_as_empty) {
  test::TempDir tmp{"notify-alerts"};
  const AlertStore store(tmp.path().string());
  for (const char* junk : {"{\"notify_alert\":1,\"held\":\"three\"}", "not json at all\n",
                           "{\"notify_alert\":1,\"held\":-1}", "{\"notify_alert\":99}", "[1,2]",
                           "{\"notify_alert\":1,\"key\":\"disk\",\"profile\":\"ops\",\"held\":2"}) {
    tmp.write_file(AlertStore::file_name("disk", "ops"), junk);
    auto f = store.open("disk", "ops");
    ASSERT_TRUE(f) << junk;  // never a reason not to send
    EXPECT_THAT(f->damage(), HasSubstr("is damaged")) << junk;
    EXPECT_THAT(f->damage(), HasSubstr(f->path()));
    EXPECT_EQ(f->state().held, 0);
    EXPECT_EQ(f->state().key, "disk");
    EXPECT_EQ(f->state().profile, "ops");
    // Saving heals it.
    ASSERT_TRUE(f->save());
  }
  auto f = store.open("disk", "ops");
  EXPECT_EQ(f->damage(), "");
}

TEST(AlertStoreTest, an_empty_file_is_a_fresh_state_not_damage) {
  test::TempDir tmp{"notify-alerts"};
  tmp.write_file(AlertStore::file_name("disk", "ops"), "");
  auto f = AlertStore(tmp.path().string()).open("disk", "ops");
  ASSERT_TRUE(f);
  EXPECT_EQ(f->damage(), "");
}

TEST(AlertStoreTest, another_keys_state_under_the_same_name_is_taken_as_empty) {
  test::TempDir tmp{"notify-alerts"};
  AlertState theirs;
  theirs.key = "cpu";
  theirs.profile = "ops";
  theirs.held = 5;
  theirs.last_sent = kNow;
  tmp.write_file(AlertStore::file_name("disk", "ops"), encode_state(theirs));
  auto f = AlertStore(tmp.path().string()).open("disk", "ops");
  ASSERT_TRUE(f);
  EXPECT_THAT(f->damage(), HasSubstr("another key"));
  EXPECT_EQ(f->state().held, 0);
  EXPECT_FALSE(f->state().last_sent);
}

TEST(AlertStoreTest, a_directory_that_cannot_be_made_is_an_io_error) {
  test::TempDir tmp{"notify-alerts"};
  tmp.write_file("file", "x");
  const auto f = AlertStore((tmp.path() / "file" / "alerts").string()).open("disk", "ops");
  ASSERT_FALSE(f);
  EXPECT_EQ(f.error().kind, ErrorKind::io);
}

// One decider at a time: the second waits for the first to send and save,
// then reads what it saved (from the file that replaced the one it waited
// on) and holds its message back.
TEST(AlertStoreTest, two_stores_on_one_key_decide_one_after_the_other) {
  test::TempDir tmp{"notify-alerts"};
  const AlertStore one(tmp.path().string()), two(tmp.path().string());
  auto first = one.open("disk", "ops");
  ASSERT_TRUE(first);
  std::optional<AlertFile> held(std::move(*first));

  std::promise<void> waiting;
  auto waits = waiting.get_future();
  auto second = std::async(std::launch::async, [&] {
    auto f = two.open("disk", "ops", [&] { waiting.set_value(); });
    if (!f) return Verdict::nothing;
    const auto d = decide(f->state(), kNow, kAlertStoreHour, false);
    record(f->state(), d, kNow, false, "disk full");
    (void)f->save();
    return d.verdict;
  });
  // The second is blocked on the lock before the first decides: without
  // the lock it would decide on the empty state and send too.
  ASSERT_EQ(waits.wait_for(60s), std::future_status::ready);
  const auto d = decide(held->state(), kNow, kAlertStoreHour, false);
  EXPECT_EQ(d.verdict, Verdict::send);
  record(held->state(), d, kNow, false, "disk full");
  ASSERT_TRUE(held->save());
  held.reset();  // unlocks
  EXPECT_EQ(second.get(), Verdict::hold);

  auto after = one.open("disk", "ops");
  ASSERT_TRUE(after);
  EXPECT_EQ(after->state().held, 1);
  EXPECT_EQ(after->state().alerts, 2);
}

TEST(AlertStoreTest, sixteen_deciders_at_once_send_one) {
  test::TempDir tmp{"notify-alerts"};
  std::atomic<int> sent{0}, held{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i)
    threads.emplace_back([&] {
      auto f = AlertStore(tmp.path().string()).open("disk", "ops");
      if (!f) return;
      const auto d = decide(f->state(), kNow, kAlertStoreHour, false);
      record(f->state(), d, kNow, false, "disk full");
      if (!f->save()) return;
      ++(d.verdict == Verdict::send ? sent : held);
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(sent.load(), 1);
  EXPECT_EQ(held.load(), 15);
}

TEST(AlertStateTest, encodes_to_one_line_and_back) {
  AlertState s;
  s.key = "run:make\nall";
  s.profile = "ops";
  s.last_sent = 5;
  const auto text = encode_state(s);
  EXPECT_EQ(text.find('\n'), text.size() - 1);
  const auto back = decode_state(text);
  ASSERT_TRUE(back);
  EXPECT_EQ(back->key, s.key);
  EXPECT_EQ(back->last_sent, 5);
  EXPECT_FALSE(back->in_trouble());
}

TEST(AlertStateTest, message_ids_and_thread_id_go_and_come_back) {
  AlertState s;
  s.key = "disk";
  s.profile = "me";
  s.message_ids = {"18", "19"};
  s.thread_id = "<a@b>";
  const auto back = decode_state(encode_state(s));
  ASSERT_TRUE(back);
  EXPECT_EQ(back->message_ids, (std::vector<std::string>{"18", "19"}));
  EXPECT_EQ(back->thread_id, "<a@b>");
  // Without them the file is as an earlier notify wrote it.
  s.message_ids.clear();
  s.thread_id.clear();
  EXPECT_EQ(encode_state(s).find("message_ids"), std::string::npos);
}

TEST(AlertStateTest, message_ids_of_the_wrong_type_are_damage) {
  EXPECT_FALSE(decode_state(R"({"notify_alert":1,"key":"k","profile":"p","message_ids":"18"})"));
  EXPECT_FALSE(decode_state(R"({"notify_alert":1,"key":"k","profile":"p","message_ids":[18]})"));
  EXPECT_FALSE(decode_state(R"({"notify_alert":1,"key":"k","profile":"p","thread_id":18})"));
  EXPECT_TRUE(decode_state(R"({"notify_alert":1,"key":"k","profile":"p","message_ids":["18"]})"));
}

}  // namespace
}  // namespace notify::app::alerts
