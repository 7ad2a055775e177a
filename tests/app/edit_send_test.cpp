// --edit and --reply in-process: a keyed send with a scripted Telegram, the
// real alert states and spool in a temp directory. Which message a send
// replaces or answers, what is remembered, and when nothing is.

#include "app/send.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>
#include <set>

#include "app/alerts/store.hpp"
#include "config/loader.hpp"
#include "services/registry.hpp"
#include "support/app_world.hpp"
#include "support/fake_world.hpp"
#include "support/temp_dir.hpp"

namespace notify::app {
namespace {

using ::testing::ElementsAre;
using ::testing::EndsWith;
using json = nlohmann::json;

const char* kConfig = R"(
[defaults]
retries = 0

[profiles.tg]
type = "telegram"
token = "123:secret"
chat_id = 42
fallback = "ops"

[profiles.ops]
type = "mattermost"
webhook_url = "https://mm.example/hooks/opsopsops"
)";

class EditSendTest : public ::testing::Test {
 protected:
  EditSendTest() {
    clock.set_unix(1764583320);
    http.respond = [this](const HttpRequest& r) {
      HttpResponse out;
      out.status = 200;
      if (r.url.find("mm.example") != std::string::npos) {
        out.body = "ok";
        return out;
      }
      if (telegram_down) {
        out.status = 400;
        out.body = R"({"ok":false,"error_code":400,"description":"Bad Request: chat not found"})";
        return out;
      }
      const auto asked = json::parse(r.body);
      if (r.url.find("/editMessageText") != std::string::npos) {
        const std::string id = asked["message_id"].dump();
        if (gone.count(id)) {
          out.status = 400;
          out.body = R"({"ok":false,"error_code":400,"description":"Bad Request: message to edit not found"})";
          return out;
        }
        out.body = json{{"ok", true}, {"result", {{"message_id", asked["message_id"]}}}}.dump();
        return out;
      }
      out.body = json{{"ok", true}, {"result", {{"message_id", next_id++}}}}.dump();
      return out;
    };
  }

  test::TempDir tmp{"notify-edit-send"};
  test::FakeClock clock;
  test::FakeRandom random;
  test::FakeHttpClient http{&clock};
  Masker masker;
  std::int64_t next_id = 100;
  std::set<std::string> gone;
  bool telegram_down = false;
  config::Config cfg = *config::parse_config(kConfig, "test.toml", services::catalog());

  SendResult send(const std::string& body, AlertOptions alert, std::vector<std::string> to = {"tg"}) {
    World w = test::world_in(tmp, http, clock, random);
    w.masker = &masker;
    w.say = [](Level, const std::string&) {};
    Draft d;
    d.body = body;
    SendOptions o;
    o.alert = std::move(alert);
    return app::send(cfg, to, d, o, w);
  }
  alerts::AlertState state(const std::string& key, const std::string& profile = "tg") {
    return alerts::AlertStore((tmp.path() / "alerts").string()).open(key, profile)->state();
  }
  static AlertOptions edit(const std::string& key) { return {key, std::nullopt, false, true, false}; }
  static AlertOptions reply(const std::string& key) { return {key, std::nullopt, false, false, true}; }
};

TEST_F(EditSendTest, the_second_message_of_a_key_edits_the_first) {
  ASSERT_TRUE(send("disk 71%", edit("disk")).outcomes.at(0).delivered);
  EXPECT_THAT(state("disk").message_ids, ElementsAre("100"));
  ASSERT_TRUE(send("disk 72%", edit("disk")).outcomes.at(0).delivered);
  ASSERT_EQ(http.sent.size(), 2u);
  EXPECT_THAT(http.sent[1].url, EndsWith("/editMessageText"));
  EXPECT_EQ(json::parse(http.sent[1].body)["message_id"], 100);
  EXPECT_THAT(state("disk").message_ids, ElementsAre("100"));
}

TEST_F(EditSendTest, without_edit_a_key_remembers_nothing_and_posts_anew) {
  send("disk 71%", {"disk", std::nullopt, false});
  send("disk 72%", {"disk", std::nullopt, false});
  EXPECT_THAT(http.sent[1].url, EndsWith("/sendMessage"));
  EXPECT_TRUE(state("disk").message_ids.empty());
}

TEST_F(EditSendTest, a_gone_message_is_posted_anew_and_the_new_one_remembered) {
  send("one", edit("disk"));
  gone.insert("100");
  ASSERT_TRUE(send("two", edit("disk")).outcomes.at(0).delivered);
  ASSERT_EQ(http.sent.size(), 3u);
  EXPECT_THAT(http.sent[1].url, EndsWith("/editMessageText"));
  EXPECT_THAT(http.sent[2].url, EndsWith("/sendMessage"));
  EXPECT_THAT(state("disk").message_ids, ElementsAre("101"));
}

TEST_F(EditSendTest, a_fallbacks_message_is_never_remembered_as_the_targets) {
  telegram_down = true;
  const auto r = send("one", edit("disk"));
  ASSERT_TRUE(r.outcomes.at(0).delivered);
  EXPECT_EQ(r.outcomes.at(0).via, "ops");
  EXPECT_TRUE(state("disk").message_ids.empty());
}

TEST_F(EditSendTest, a_shorter_text_keeps_the_later_parts_remembered) {
  send(std::string(5000, 'x'), edit("log"));  // two parts: 100, 101
  EXPECT_THAT(state("log").message_ids, ElementsAre("100", "101"));
  send("short", edit("log"));
  ASSERT_EQ(http.sent.size(), 3u);
  EXPECT_EQ(json::parse(http.sent[2].body)["message_id"], 100);
  EXPECT_THAT(state("log").message_ids, ElementsAre("100", "101"));
}

TEST_F(EditSendTest, reply_answers_the_keys_first_message_and_keeps_it) {
  send("started", reply("deploy"));
  send("half", reply("deploy"));
  send("done", reply("deploy"));
  ASSERT_EQ(http.sent.size(), 3u);
  EXPECT_FALSE(json::parse(http.sent[0].body).contains("reply_parameters"));
  for (std::size_t i = 1; i < 3; ++i)
    EXPECT_EQ(json::parse(http.sent[i].body)["reply_parameters"]["message_id"], 100) << i;
  EXPECT_EQ(state("deploy").thread_id, "100");
}

TEST_F(EditSendTest, the_edit_is_journalled_with_its_message) {
  send("one", edit("disk"));
  // A server error keeps it in the spool: the journal says what it edits,
  // so a flush edits the same message.
  http.respond = [](const HttpRequest&) {
    HttpResponse r;
    r.status = 503;
    return r;
  };
  send("two", edit("disk"));
  std::string journal;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path() / "spool"))
    if (e.path().extension() == ".msg") {
      std::ifstream in(e.path());
      journal.assign(std::istreambuf_iterator<char>(in), {});
    }
  const auto at = journal.find(R"("anchors":{"tg":{)");
  ASSERT_NE(at, std::string::npos) << journal;
  const auto anchor = journal.substr(at, journal.find('}', at) - at);
  EXPECT_THAT(anchor, ::testing::HasSubstr(R"("edit":["100"])"));
  EXPECT_THAT(anchor, ::testing::HasSubstr(R"("key":"disk")"));
  EXPECT_THAT(anchor, ::testing::HasSubstr(R"("keep_ids":true)"));
}

TEST_F(EditSendTest, a_newer_text_delivered_drops_the_older_one_kept_in_the_spool) {
  send("one", edit("disk"));
  auto telegram = http.respond;
  http.respond = [](const HttpRequest&) {
    HttpResponse r;
    r.status = 503;
    return r;
  };
  EXPECT_TRUE(send("two", edit("disk")).outcomes.at(0).spooled);
  auto kept = [&] {
    std::size_t n = 0;
    for (const auto& e : std::filesystem::directory_iterator(tmp.path() / "spool"))
      n += e.path().extension() == ".msg";
    return n;
  };
  ASSERT_EQ(kept(), 1u);
  http.respond = telegram;
  clock.advance(std::chrono::minutes(10));
  ASSERT_TRUE(send("three", edit("disk")).outcomes.at(0).delivered);
  // A flush would have put "two" back over "three".
  EXPECT_EQ(kept(), 0u);
}

TEST_F(EditSendTest, an_older_text_of_another_message_stays_in_the_spool) {
  send("one", edit("disk"));
  send("other", edit("load"));  // id 101
  http.respond = [](const HttpRequest&) {
    HttpResponse r;
    r.status = 503;
    return r;
  };
  EXPECT_TRUE(send("load two", edit("load")).outcomes.at(0).spooled);
  http.respond = [](const HttpRequest& r) {
    HttpResponse out;
    out.status = 200;
    out.body = json{{"ok", true}, {"result", {{"message_id", json::parse(r.body)["message_id"]}}}}.dump();
    return out;
  };
  clock.advance(std::chrono::minutes(10));
  ASSERT_TRUE(send("disk two", edit("disk")).outcomes.at(0).delivered);
  std::size_t n = 0;
  for (const auto& e : std::filesystem::directory_iterator(tmp.path() / "spool"))
    n += e.path().extension() == ".msg";
  EXPECT_EQ(n, 1u);
}

}  // namespace
}  // namespace notify::app
