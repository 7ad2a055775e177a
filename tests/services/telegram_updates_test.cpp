#include "services/telegram_updates.hpp"

#include <gtest/gtest.h>

namespace notify::services {
namespace {

TEST(TelegramUpdatesTest, rows_per_chat_and_topic_with_latest_message) {
  auto rows = parse_updates(R"({"ok":true,"result":[
    {"update_id":1,"message":{"chat":{"id":5,"type":"private","first_name":"Al","username":"al"},"text":"hi"}},
    {"update_id":2,"message":{"chat":{"id":5,"type":"private","first_name":"Al"},"text":"again\nand"}},
    {"update_id":3,"message":{"chat":{"id":-100,"type":"supergroup","title":"F","is_forum":true},
                              "is_topic_message":true,"message_thread_id":9,"caption":"pic"}},
    {"update_id":4,"channel_post":{"chat":{"id":-200,"type":"channel","title":"C"},"text":"post"}},
    {"update_id":5,"my_chat_member":{"chat":{"id":-300,"type":"group","title":"G"},
                                     "new_chat_member":{"status":"administrator"}}},
    {"update_id":6,"callback_query":{"id":"x"}}
  ]})");
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 4u);
  EXPECT_EQ((*rows)[0].id, "5");
  EXPECT_EQ((*rows)[0].title, "Al");
  EXPECT_EQ((*rows)[0].last, "again\nand");
  EXPECT_EQ((*rows)[1].topic, 9);
  EXPECT_EQ((*rows)[1].last, "pic");
  EXPECT_EQ((*rows)[2].type, "channel");
  EXPECT_EQ((*rows)[3].last, "(bot is now administrator)");
  EXPECT_FALSE(parse_updates(R"({"ok":false})"));
  EXPECT_FALSE(parse_updates("not json"));
}

}  // namespace
}  // namespace notify::services
