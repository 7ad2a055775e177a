// A status that updates itself, end to end: --edit replaces the key's
// message at the fake (same id) where the service can edit and posts anew
// where it cannot; a gone message is posted anew and remembered; a kill in
// the middle of an edit is completed by a flush; `run --live` leaves one
// message that ends as the report; --reply threads on Telegram.

#include "e2e.hpp"

#include <algorithm>
#include <atomic>
#include <memory>

namespace notify::test {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

class EditE2E : public E2E {
 protected:
  FakeServer mm, tg, dc;
  std::shared_ptr<FakeChat> tg_chat = std::make_shared<FakeChat>();
  std::shared_ptr<FakeChat> dc_chat = std::make_shared<FakeChat>();
  /// While set, Telegram's edits are never answered (nor made): a request in flight.
  std::shared_ptr<std::atomic<bool>> hang_edits = std::make_shared<std::atomic<bool>>(false);
  std::string path;

  void SetUp() override {
    mm.set_handler(mattermost_handler());
    TelegramOptions to;
    to.chat = tg_chat;
    auto telegram = telegram_handler(to);
    tg.set_handler([telegram, hang = hang_edits](const Recorded& r) {
      if (*hang && r.path.find("/editMessageText") != std::string::npos) {
        Reply never = json_reply(200, "{}");
        never.delay = std::chrono::minutes(5);
        return never;
      }
      return telegram(r);
    });
    DiscordOptions dopt;
    dopt.chat = dc_chat;
    dc.set_handler(discord_handler(dopt));
    path = config(four_profiles(mm, tg, mm, dc));
  }

  RunResult send(std::vector<std::string> args, const std::string& text) {
    args.insert(args.begin(), {"-c", path});
    args.push_back(text);
    return notify(args, std::nullopt, {{"XDG_STATE_HOME", state()}});
  }

  static std::string param(const Recorded& r, const char* name) {
    const auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (!j.is_object() || !j.contains(name)) return "";
    return j[name].is_string() ? j[name].get<std::string>() : j[name].dump();
  }
};

TEST_F(EditE2E, telegram_edit_replaces_the_text_of_the_same_message) {
  for (const char* text : {"disk 71%", "disk 72%", "disk 90%"}) {
    const auto r = send({"--key", "disk", "--edit", "me"}, text);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto messages = tg_chat->messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& [id, message] = *messages.begin();
  EXPECT_EQ(message.text, "disk 90%");
  EXPECT_EQ(message.edits, 2);
  const auto requests = tg.requests();
  ASSERT_EQ(requests.size(), 3u);
  EXPECT_THAT(requests[0].path, HasSubstr("/sendMessage"));
  for (std::size_t i = 1; i < 3; ++i) {
    EXPECT_THAT(requests[i].path, HasSubstr("/editMessageText"));
    EXPECT_EQ(param(requests[i], "message_id"), id);
  }
}

TEST_F(EditE2E, verbose_says_an_edit_is_an_edit) {
  ASSERT_EQ(send({"--key", "disk", "--edit", "me"}, "one").exit_code, 0);
  const auto r = send({"-v", "--key", "disk", "--edit", "me"}, "two");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("me: edit part 1/1"));
  EXPECT_THAT(r.err, ::testing::Not(HasSubstr("123456789:TEST-fake-token")));
}

TEST_F(EditE2E, telegram_edit_sends_the_formatting_again) {
  ASSERT_EQ(send({"--key", "log", "--edit", "--code", "me"}, "one").exit_code, 0);
  ASSERT_EQ(send({"--key", "log", "--edit", "--code", "me"}, "two").exit_code, 0);
  const auto requests = tg.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_THAT(param(requests[1], "entities"), HasSubstr("\"pre\""));
}

TEST_F(EditE2E, telegram_edit_with_the_same_text_counts_as_delivered) {
  ASSERT_EQ(send({"--key", "disk", "--edit", "me"}, "disk 71%").exit_code, 0);
  const auto again = send({"--key", "disk", "--edit", "me"}, "disk 71%");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(pending(), 0u);
  EXPECT_EQ(tg_chat->messages().size(), 1u);
}

TEST_F(EditE2E, telegram_message_deleted_is_posted_anew_and_the_new_one_edited_next) {
  ASSERT_EQ(send({"--key", "disk", "--edit", "me"}, "first").exit_code, 0);
  const std::string gone = tg_chat->messages().begin()->first;
  tg_chat->remove(gone);
  const auto anew = send({"--key", "disk", "--edit", "me"}, "second");
  ASSERT_EQ(anew.exit_code, 0) << anew.err;
  auto messages = tg_chat->messages();
  ASSERT_EQ(messages.size(), 1u);
  const std::string now = messages.begin()->first;
  EXPECT_NE(now, gone);
  EXPECT_EQ(messages.begin()->second.text, "second");
  ASSERT_EQ(send({"--key", "disk", "--edit", "me"}, "third").exit_code, 0);
  messages = tg_chat->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages.at(now).text, "third");
}

TEST_F(EditE2E, discord_edit_patches_the_same_message) {
  for (const char* text : {"build 1: running", "build 1: passed"}) {
    const auto r = send({"--key", "build", "--edit", "dev"}, text);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto messages = dc_chat->messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& [id, message] = *messages.begin();
  EXPECT_EQ(message.text, "build 1: passed");
  EXPECT_EQ(message.edits, 1);
  const auto requests = dc.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].method, "PATCH");
  EXPECT_THAT(requests[1].path, ::testing::EndsWith("/messages/" + id));
  // Mentions are parsed again from an edit: none allowed, again.
  EXPECT_THAT(param(requests[1], "allowed_mentions"), HasSubstr("\"parse\":[]"));
}

TEST_F(EditE2E, mattermost_cannot_edit_so_each_message_is_posted_anew) {
  ASSERT_EQ(send({"--key", "disk", "--edit", "ops"}, "disk 71%").exit_code, 0);
  ASSERT_EQ(send({"--key", "disk", "--edit", "ops"}, "disk 72%").exit_code, 0);
  std::vector<std::string> texts;
  for (const auto& r : mm.requests())
    for (auto& t : texts_of(r)) texts.push_back(t);
  EXPECT_EQ(texts, (std::vector<std::string>{"disk 71%", "disk 72%"}));
}

TEST_F(EditE2E, an_edit_is_not_held_back_by_cooldown_a_new_message_is) {
  ASSERT_EQ(send({"--key", "disk", "--edit", "--cooldown", "1h", "me,ops"}, "one").exit_code, 0);
  const auto r = send({"--key", "disk", "--edit", "--cooldown", "1h", "me,ops"}, "two");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(tg_chat->messages().begin()->second.text, "two");
  EXPECT_EQ(mm.request_count(), 1u);  // Mattermost would post anew: held back
}

TEST_F(EditE2E, edit_without_a_key_is_a_usage_error) {
  const auto r = send({"--edit", "me"}, "text");
  EXPECT_EQ(r.exit_code, 2);
  // One line of error, then the usual pointer to --help.
  EXPECT_THAT(r.err, StartsWith("notify: error: --edit needs --key KEY"));
  EXPECT_EQ(r.err.find('\n'), r.err.find("\nTry 'notify --help'"));
  EXPECT_EQ(tg.request_count(), 0u);
}

TEST_F(EditE2E, sigkill_during_an_edit_loses_nothing_a_flush_completes_it) {
  ASSERT_EQ(send({"--key", "disk", "--edit", "me"}, "disk 71%").exit_code, 0);
  const std::string id = tg_chat->messages().begin()->first;
  *hang_edits = true;
  RunOptions o;
  o.isolate(home.path());
  o.set_env("XDG_STATE_HOME", state());
  o.timeout = std::chrono::seconds(60);
  auto child = spawn({NOTIFY_BINARY, "-c", path, "--key", "disk", "--edit", "me", "disk 99%"}, o);
  ASSERT_TRUE(tg.wait_for_requests(2, std::chrono::seconds(20)));
  ASSERT_TRUE(child.signal(SIGKILL));
  (void)child.wait();
  EXPECT_EQ(pending(), 1u);
  *hang_edits = false;
  const auto flushed = notify({"-c", path, "flush"}, std::nullopt, {{"XDG_STATE_HOME", state()}});
  ASSERT_EQ(flushed.exit_code, 0) << flushed.err;
  EXPECT_EQ(pending(), 0u);
  const auto messages = tg_chat->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages.at(id).text, "disk 99%");
  const auto last = tg.requests().back();
  EXPECT_THAT(last.path, HasSubstr("/editMessageText"));
  EXPECT_EQ(param(last, "message_id"), id);
}

TEST_F(EditE2E, a_first_message_delivered_by_a_flush_is_the_one_edited_next) {
  tg.push_reply(server_error(503));
  tg.push_reply(server_error(503));  // retries = 1: both attempts fail
  const auto down = send({"--key", "disk", "--edit", "me"}, "disk 71%");
  EXPECT_EQ(down.exit_code, 1);
  ASSERT_EQ(pending(), 1u);
  const auto flushed = notify({"-c", path, "flush"}, std::nullopt, {{"XDG_STATE_HOME", state()}});
  ASSERT_EQ(flushed.exit_code, 0) << flushed.err;
  ASSERT_EQ(tg_chat->messages().size(), 1u);
  const std::string id = tg_chat->messages().begin()->first;
  ASSERT_EQ(send({"--key", "disk", "--edit", "me"}, "disk 72%").exit_code, 0);
  const auto messages = tg_chat->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_EQ(messages.at(id).text, "disk 72%");
}

TEST_F(EditE2E, a_newer_text_that_gets_through_drops_the_older_edit_kept_in_the_spool) {
  ASSERT_EQ(send({"--key", "disk", "--edit", "me"}, "disk 71%").exit_code, 0);
  tg.push_reply(server_error(503));
  tg.push_reply(server_error(503));
  EXPECT_EQ(send({"--key", "disk", "--edit", "me"}, "disk 80%").exit_code, 1);
  ASSERT_EQ(pending(), 1u);
  ASSERT_EQ(send({"--key", "disk", "--edit", "me"}, "disk 90%").exit_code, 0);
  EXPECT_EQ(pending(), 0u);
  const auto flushed = notify({"-c", path, "flush"}, std::nullopt, {{"XDG_STATE_HOME", state()}});
  EXPECT_EQ(flushed.exit_code, 0) << flushed.err;
  EXPECT_EQ(tg_chat->messages().begin()->second.text, "disk 90%");
}

TEST_F(EditE2E, run_live_on_telegram_leaves_one_message_whose_text_is_the_report) {
  const auto r = notify({"-c", path, "run", "me", "--live", "--on", "always", "--", "sh", "-c",
                         "echo checked"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto requests = tg.requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_THAT(param(requests[0], "text"), StartsWith("running sh -c"));
  EXPECT_THAT(param(requests[0], "text"), HasSubstr(" since "));
  const auto messages = tg_chat->messages();
  ASSERT_EQ(messages.size(), 1u);
  const auto& [id, message] = *messages.begin();
  EXPECT_EQ(param(requests[1], "message_id"), id);
  EXPECT_THAT(message.text, StartsWith("sh succeeded (exit 0"));
  EXPECT_THAT(message.text, HasSubstr("checked"));
}

TEST_F(EditE2E, run_live_edits_its_message_even_when_no_report_was_asked_for) {
  // --on failure and a success: the running message must not stay "running".
  const auto r = notify({"-c", path, "run", "me", "--live", "--", "true"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto messages = tg_chat->messages();
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_THAT(messages.begin()->second.text, StartsWith("true succeeded"));
}

TEST_F(EditE2E, run_live_on_a_service_that_cannot_edit_sends_only_the_report) {
  const auto r = notify({"-c", path, "run", "ops", "--live", "--", "false"});
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(mm.request_count(), 1u);
  const auto texts = texts_of(mm.requests()[0]);
  ASSERT_EQ(texts.size(), 1u);
  EXPECT_THAT(texts[0], HasSubstr("false failed"));
}

TEST_F(EditE2E, telegram_reply_answers_the_keys_first_message) {
  for (const char* text : {"deploy started", "deploy 50%", "deploy done"}) {
    const auto r = send({"--key", "deploy", "--reply", "me"}, text);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  const auto messages = tg_chat->messages();
  ASSERT_EQ(messages.size(), 3u);
  auto it = messages.begin();
  const std::string first = it->first;
  EXPECT_EQ(it->second.reply_to, "");
  for (++it; it != messages.end(); ++it) EXPECT_EQ(it->second.reply_to, first) << it->second.text;
}

TEST_F(EditE2E, help_services_says_who_can_edit_and_reply_as_the_rows_do) {
  const auto json_out = notify({"help", "services", "--json"});
  ASSERT_EQ(json_out.exit_code, 0) << json_out.err;
  const auto j = nlohmann::json::parse(json_out.out, nullptr, false);
  ASSERT_TRUE(j.is_object()) << json_out.out;
  const auto text = notify({"help", "services"}).out;
  for (const auto& service : j["services"]) {
    const std::string type = service["type"];
    const auto& can = service["can"];
    const bool edit = std::find(can.begin(), can.end(), "edit") != can.end();
    const bool reply = std::find(can.begin(), can.end(), "reply") != can.end();
    const auto at = text.find("\n" + type + ": ");
    ASSERT_NE(at, std::string::npos) << type;
    const auto entry = text.substr(at, text.find("\n\n", at + 1) - at);
    EXPECT_THAT(entry, HasSubstr(edit ? "  edit: yes" : "  edit: no")) << type;
    EXPECT_THAT(entry, HasSubstr(reply ? "  reply: yes" : "  reply: no")) << type;
  }
  EXPECT_THAT(text, HasSubstr("telegram: Telegram bot\n  parts: 4096 characters\n  files: yes\n"
                              "  edit: yes"));
}

}  // namespace
}  // namespace notify::test
