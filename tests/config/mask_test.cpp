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

TEST(masker, masks_every_url_shape_and_keeps_the_host) {
  const std::pair<const char*, const char*> shapes[] = {
      {"https://ops:hunter2@chat.example/hooks/abcdefgh", "https://***@chat.example/hooks/***"},
      {"https://relay.example/send?chat=1&token=tok-123456&x=2",
       "https://relay.example/***?chat=1&token=***&x=2"},
      {"https://h.example/p/in?Signature=abc&X-Amz-Credential=c&api_key=k&sig=s&key=v",
       "https://h.example/p/***?Signature=***&X-Amz-Credential=***&api_key=***&sig=***&key=***"},
      {"https://api.telegram.org/bot123:AAH-x/sendMessage",
       "https://api.telegram.org/bot***/sendMessage"},
      {"https://discord.com/api/webhooks/42/tok-en?wait=true",
       "https://discord.com/api/webhooks/42/***?wait=true"},
      {"https://hooks.slack.com/services/T0/B0/XXXXSECRET",
       "https://hooks.slack.com/services/T0/B0/***"},
      {"https://relay.example/notify/relay-key-1/", "https://relay.example/notify/***/"},
      {"http://[::1]:8080/hooks/x", "http://[::1]:8080/hooks/***"},
  };
  for (const auto& [url, masked] : shapes) EXPECT_EQ(mask_url(url), masked) << url;
}

TEST(masker, registered_url_pieces_are_masked_anywhere_and_unknown_urls_lose_userinfo_and_query_secrets) {
  Masker m;
  m.add_url("https://ops:pa55word-xyz@relay.example/in/relay-key-98765?token=qtoken-123456");
  EXPECT_EQ(m.apply("libcurl: Login denied for pa55word-xyz; key relay-key-98765 qtoken-123456"),
            "libcurl: Login denied for ***; key *** ***");
  // Never registered: a redirect's Location or a URL quoted by a service.
  EXPECT_EQ(m.apply("moved to \"https://u:p@new.example/x?a=1&access_token=zz\" now"),
            "moved to \"https://***@new.example/x?a=1&access_token=***\" now");
  EXPECT_EQ(m.apply("see https://new.example/hooks/abc and http://x.example/bot1:Z/getMe"),
            "see https://new.example/hooks/*** and http://x.example/bot***/getMe");
  EXPECT_EQ(m.apply("no url: key=value token"), "no url: key=value token");
}

}  // namespace
}  // namespace notify
