#include "core/mask.hpp"

#include <gtest/gtest.h>

namespace notify {
namespace {

TEST(masker, masks_tokens_and_webhook_credentials) {
  Masker m;
  m.add("123456:AAH-secret-token");
  m.add_url("https://chat.example.com/hooks/abcdefghijklmnop");
  m.add_url("https://discord.com/api/webhooks/1234/discord-token-xyz?wait=true");
  EXPECT_EQ(m.apply("POST https://api.telegram.org/bot123456:AAH-secret-token/sendMessage"),
            "POST https://api.telegram.org/bot***/sendMessage");
  EXPECT_EQ(m.apply("https://chat.example.com/hooks/abcdefghijklmnop"),
            "https://chat.example.com/hooks/***");
  EXPECT_EQ(m.apply("url https://discord.com/api/webhooks/1234/discord-token-xyz?wait=true"),
            "url https://discord.com/api/webhooks/1234/***?wait=true");
}

TEST(masker, ignores_values_too_short_to_mask_safely) {
  Masker m;
  m.add("abc");
  EXPECT_EQ(m.apply("abc abc"), "abc abc");
}

}  // namespace
}  // namespace notify
