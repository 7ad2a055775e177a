// A message goes only where it was addressed (PRODUCT.md, third edition,
// "Every path keeps its word"): a message sent with -c FILE that had to
// wait is flushed with that file, never with the default file's profile of
// the same name; a file that is gone or a profile that now names another
// destination makes a dead letter, and `notify spool retry ID` sends it to
// the profile as it is now.

#include <sys/stat.h>

#include <filesystem>

#include "e2e.hpp"

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
namespace fs = std::filesystem;

class RoutingE2E : public E2E {
 protected:
  // The default file's tg (chat 111) and another file's tg (chat 222):
  // same profile name, different chats on different servers.
  FakeServer home_tg, other_tg;
  std::string other;

  void SetUp() override {
    home_tg.set_handler(telegram_handler());
    other_tg.set_handler(telegram_handler());
    home.write_file(".config/notify/profiles.toml", tg_file(home_tg, "111"), 0600);
    other = write_other("222");
  }

  static std::string tg_file(const FakeServer& server, const std::string& chat,
                             const std::string& extra = "") {
    return std::string("[defaults]\nretries = 0\ntimeout = 5\n\n[profiles.tg]\ntype = \"telegram\"\n"
                       "token = \"") + kTgToken + "\"\nchat_id = " + chat + "\napi_base = \"" +
           server.base_url() + "\"\n" + extra;
  }
  std::string write_other(const std::string& chat, const std::string& extra = "") {
    return home.write_file("elsewhere/other.toml", tg_file(other_tg, chat, extra), 0600).string();
  }

  // A send through the other file that has to wait: its server fails once.
  void send_that_waits(const std::string& text) {
    other_tg.push_reply(server_error(503));
    auto r = notify({"-c", other, "tg", text});
    ASSERT_EQ(r.exit_code, 1) << r.err;
    ASSERT_EQ(pending(), 1u);
    // Every hint after a send made with -c FILE repeats it.
    EXPECT_THAT(r.err, HasSubstr("`notify -c " + other + " flush`")) << r.err;
    other_tg.reset();
  }

  // The spool where pending() and failed() look.
  RunResult notify(std::vector<std::string> args, std::optional<std::string> input = std::nullopt) {
    return E2E::notify(std::move(args), std::move(input), {{"XDG_STATE_HOME", state()}});
  }

  static std::string chat_of(const Recorded& r) {
    return nlohmann::json::parse(r.body)["chat_id"].dump();
  }
};

TEST_F(RoutingE2E, a_message_sent_with_c_is_flushed_through_that_file_not_the_default) {
  send_that_waits("confidential for chat 222");
  auto f = notify({"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(home_tg.request_count(), 0u) << "sent to the default file's tg: another chat";
  ASSERT_EQ(other_tg.request_count(), 1u);
  EXPECT_EQ(chat_of(other_tg.requests()[0]), "222");
  EXPECT_EQ(texts_of(other_tg.requests()[0]), std::vector<std::string>{"confidential for chat 222"});
  EXPECT_EQ(pending(), 0u);
}

TEST_F(RoutingE2E, flush_with_another_c_still_uses_the_file_each_message_was_sent_with) {
  send_that_waits("for 222 again");
  const auto third = home.write_file("third.toml", tg_file(home_tg, "333"), 0600).string();
  auto f = notify({"-c", third, "flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  EXPECT_EQ(home_tg.request_count(), 0u);
  ASSERT_EQ(other_tg.request_count(), 1u);
  EXPECT_EQ(chat_of(other_tg.requests()[0]), "222");
}

TEST_F(RoutingE2E, flush_needs_no_default_file_when_the_messages_name_theirs) {
  send_that_waits("no default file needed");
  fs::remove(home.path() / ".config/notify/profiles.toml");
  auto f = notify({"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  ASSERT_EQ(other_tg.request_count(), 1u);
  EXPECT_EQ(pending(), 0u);
}

TEST_F(RoutingE2E, a_gone_file_makes_a_dead_letter_naming_it_and_retry_sends_with_the_file_it_reads) {
  send_that_waits("the file will be gone");
  fs::remove(other);
  auto f = notify({"flush"});
  EXPECT_EQ(f.exit_code, 1);
  EXPECT_EQ(home_tg.request_count(), 0u) << "a same-named profile of another file got it";
  EXPECT_THAT(f.err, HasSubstr("the profile file " + other));
  EXPECT_THAT(f.err, HasSubstr("is gone"));
  EXPECT_THAT(f.err, HasSubstr("notify spool retry 1"));
  EXPECT_THAT(f.err, Not(HasSubstr("no longer in")));
  EXPECT_EQ(pending(), 0u);
  EXPECT_EQ(failed(), 1u);
  // The exact command it gave, then a flush: the default file's tg now.
  auto retry = notify({"spool", "retry", "1"});
  EXPECT_EQ(retry.exit_code, 0) << retry.err;
  auto again = notify({"flush"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  ASSERT_EQ(home_tg.request_count(), 1u);
  EXPECT_EQ(chat_of(home_tg.requests()[0]), "111");
  EXPECT_EQ(texts_of(home_tg.requests()[0]), std::vector<std::string>{"the file will be gone"});
  EXPECT_EQ(failed(), 0u);
}

TEST_F(RoutingE2E, a_gone_file_and_retry_with_c_sends_with_that_file) {
  send_that_waits("retry with -c");
  fs::remove(other);
  EXPECT_EQ(notify({"flush"}).exit_code, 1);
  const auto fresh = home.write_file("fresh.toml", tg_file(other_tg, "444"), 0600).string();
  EXPECT_EQ(notify({"-c", fresh, "spool", "retry", "1"}).exit_code, 0);
  auto again = notify({"flush"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(home_tg.request_count(), 0u);
  ASSERT_EQ(other_tg.request_count(), 1u);
  EXPECT_EQ(chat_of(other_tg.requests()[0]), "444");
}

TEST_F(RoutingE2E, a_changed_destination_under_the_same_name_is_a_dead_letter_until_retried) {
  send_that_waits("meant for chat 222");
  write_other("333");  // the same profile name now points at another chat
  auto f = notify({"-c", other, "flush"});
  EXPECT_EQ(f.exit_code, 1);
  EXPECT_EQ(other_tg.request_count(), 0u) << "sent to the chat the profile names now";
  EXPECT_THAT(f.err, HasSubstr("now names a different destination"));
  EXPECT_THAT(f.err, HasSubstr("notify spool retry 1"));
  EXPECT_EQ(failed(), 1u);
  auto show = notify({"spool", "show", "1"});
  EXPECT_THAT(show.out, HasSubstr("profiles: " + other));
  EXPECT_THAT(show.out, HasSubstr("now names a different destination"));
  // spool retry accepts the destination as it is now.
  EXPECT_EQ(notify({"spool", "retry", "1"}).exit_code, 0);
  auto again = notify({"flush"});
  EXPECT_EQ(again.exit_code, 0) << again.err;
  ASSERT_EQ(other_tg.request_count(), 1u);
  EXPECT_EQ(chat_of(other_tg.requests()[0]), "333");
  EXPECT_EQ(home_tg.request_count(), 0u);
}

TEST_F(RoutingE2E, a_change_that_keeps_the_destination_still_flushes) {
  send_that_waits("same chat, longer timeout");
  write_other("222", "timeout = 7\nsilent = true\n");
  auto f = notify({"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  ASSERT_EQ(other_tg.request_count(), 1u);
  EXPECT_EQ(chat_of(other_tg.requests()[0]), "222");
}

TEST_F(RoutingE2E, a_split_message_resumes_at_the_same_place_but_never_at_a_moved_one) {
  // 3 parts; the second fails, so one part is delivered and two wait.
  std::string text;
  for (int i = 0; i < 3; ++i) text += std::string(4000, static_cast<char>('a' + i)) + "\n";
  other_tg.push_reply(json_reply(200, R"({"ok":true,"result":{"message_id":1}})"));
  other_tg.push_reply(server_error(503));
  auto r = notify({"-c", other, "tg"}, text);
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ASSERT_EQ(other_tg.request_count(), 2u);
  other_tg.reset();
  write_other("333");
  EXPECT_EQ(notify({"flush"}).exit_code, 1);
  EXPECT_EQ(other_tg.request_count(), 0u) << "parts 2 and 3 went to another chat";
  EXPECT_EQ(notify({"spool", "retry", "1"}).exit_code, 0);
  EXPECT_EQ(notify({"flush"}).exit_code, 0);
  // The new chat has none of it: it gets all three parts.
  ASSERT_EQ(other_tg.request_count(), 3u);
  for (const auto& req : other_tg.requests()) EXPECT_EQ(chat_of(req), "333");
}

TEST_F(RoutingE2E, spool_list_json_names_the_profile_file) {
  send_that_waits("listed");
  auto l = notify({"spool", "list", "--json"});
  ASSERT_EQ(l.exit_code, 0) << l.err;
  auto j = nlohmann::json::parse(l.out);
  ASSERT_EQ(j.size(), 1u);
  EXPECT_EQ(j[0]["profile_file"], other);
}

// `-c <(gpg -d profiles.toml.gpg)`: a pipe cannot be read again by a later
// flush (and its name may be another pipe by then), so the message goes with
// the file the flush reads, and only where each destination is unchanged.
class PipedProfilesE2E : public RoutingE2E {
 protected:
  RunResult send_through_a_pipe(const std::string& profiles, const std::string& text) {
    const auto fifo = (home.path() / "profiles.fifo").string();
    std::filesystem::remove(fifo);
    EXPECT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
    RunOptions o;
    o.isolate(home.path());
    o.set_env("XDG_STATE_HOME", state());
    o.set_env("PROFILES", profiles);
    o.timeout = std::chrono::seconds(30);
    // The writer is a shell beside notify, as bash's process substitution is.
    return run_process({"sh", "-c", "printf '%s' \"$PROFILES\" > \"$0\" & exec \"$1\" -c \"$0\" tg \"$2\"",
                        fifo, NOTIFY_BINARY, text},
                       o);
  }
};

TEST_F(PipedProfilesE2E, a_flush_sends_it_where_the_same_destination_is_named) {
  home_tg.push_reply(server_error(503));
  auto r = send_through_a_pipe(tg_file(home_tg, "111"), "from a pipe");
  ASSERT_EQ(r.exit_code, 1) << r.err;
  ASSERT_EQ(pending(), 1u);
  auto f = notify({"flush"});
  EXPECT_EQ(f.exit_code, 0) << f.err;
  ASSERT_EQ(home_tg.request_count(), 2u);
  EXPECT_EQ(chat_of(home_tg.requests()[1]), "111");
}

TEST_F(PipedProfilesE2E, a_flush_never_sends_it_to_another_destination_of_the_same_name) {
  other_tg.push_reply(server_error(503));
  auto r = send_through_a_pipe(tg_file(other_tg, "222"), "not for chat 111");
  ASSERT_EQ(r.exit_code, 1) << r.err;
  auto f = notify({"flush"});
  EXPECT_EQ(f.exit_code, 1);
  EXPECT_EQ(home_tg.request_count(), 0u) << "sent to the default file's tg: another chat";
  EXPECT_THAT(f.err, HasSubstr("now names a different destination"));
  EXPECT_EQ(failed(), 1u);
}

}  // namespace
}  // namespace notify::test
