#include "core/mask.hpp"

#include <gtest/gtest.h>

namespace notify {
namespace {

// Shapes as services declare them (services/registry.hpp); core knows none.
const UrlShapes kHooks = {"/hooks/#"};
const UrlShapes kDiscord = {"/api/webhooks/*/#?wait&thread_id", "/api/v*/webhooks/*/#?wait&thread_id"};
const UrlShapes kSlack = {"/services/*/*/#", "/triggers/*/*/#"};
const UrlShapes kBareOrigin = {};
const UrlShapes kPublic = {"/**?*"};
const std::string kRelay = "https://relay.example/services/relaySecret987/post";

Masker with_shapes() {
  Masker m;
  for (const auto* shapes : {&kHooks, &kDiscord, &kSlack})
    for (auto s : *shapes) m.add_shape(s);
  m.add_shape("/bot#/*");
  return m;
}

TEST(MaskerTest, masks_tokens_and_webhook_credentials) {
  Masker m = with_shapes();
  m.add("123456:AAH-secret-token");
  m.add_url("https://chat.example.com/hooks/abcdefghijklmnop", kHooks);
  m.add_url("https://discord.com/api/webhooks/1234/discord-token-xyz?wait=true", kDiscord);
  EXPECT_EQ(m.apply("POST https://api.telegram.org/bot123456:AAH-secret-token/sendMessage"),
            "POST https://api.telegram.org/bot***/sendMessage");
  EXPECT_EQ(m.apply("https://chat.example.com/hooks/abcdefghijklmnop"),
            "https://chat.example.com/hooks/***");
  EXPECT_EQ(m.apply("url https://discord.com/api/webhooks/1234/discord-token-xyz?wait=true"),
            "url https://discord.com/api/webhooks/1234/***?wait=true");
}

TEST(MaskerTest, ignores_values_too_short_to_mask_safely) {
  Masker m;
  m.add("abc");
  EXPECT_EQ(m.apply("abc abc"), "abc abc");
}

TEST(MaskerTest, known_shapes_keep_the_host_and_the_segments_that_are_no_secret) {
  const std::tuple<const char*, const UrlShapes*, const char*> shapes[] = {
      {"https://ops:hunter2@chat.example/hooks/abcdefgh", &kHooks,
       "https://***@chat.example/hooks/***"},
      {"https://chat.example/hooks/abc?token=tok-1&x=2", &kHooks,
       "https://chat.example/hooks/***?token=***&x=***"},
      {"https://discord.com/api/webhooks/42/tok-en?wait=true&thread_id=7", &kDiscord,
       "https://discord.com/api/webhooks/42/***?wait=true&thread_id=7"},
      {"https://discord.com/api/v10/webhooks/42/tok-en", &kDiscord,
       "https://discord.com/api/v10/webhooks/42/***"},
      {"https://hooks.slack.com/services/T0/B0/XXXXSECRET", &kSlack,
       "https://hooks.slack.com/services/T0/B0/***"},
      {"https://hooks.slack.com/triggers/T0/123/XXXXSECRET", &kSlack,
       "https://hooks.slack.com/triggers/T0/123/***"},
      {"http://[::1]:8080/hooks/x", &kHooks, "http://[::1]:8080/hooks/***"},
      {"https://api.telegram.org", &kBareOrigin, "https://api.telegram.org"},
      {"http://127.0.0.1:8080/", &kBareOrigin, "http://127.0.0.1:8080/"},
      {"https://cdn.example/icons/bot.png?size=64&X-Amz-Signature=abc", &kPublic,
       "https://cdn.example/icons/bot.png?size=64&X-Amz-Signature=***"},
  };
  for (const auto& [url, known, masked] : shapes) EXPECT_EQ(mask_url(url, *known), masked) << url;
}

TEST(MaskerTest, a_url_of_a_shape_its_service_does_not_know_is_masked_after_the_host) {
  const std::tuple<std::string, const UrlShapes*, const char*> unknown[] = {
      {kRelay, &kHooks, "https://relay.example/***"},
      {kRelay, &kBareOrigin, "https://relay.example/***"},
      {kRelay, &kDiscord, "https://relay.example/***"},
      // A Slack-like path is no Mattermost webhook: its service decides.
      {"https://relay.example/services/T0/B0/slacksecret1", &kHooks, "https://relay.example/***"},
      {"https://relay.example/hooks/abc/extra", &kHooks, "https://relay.example/***"},
      {"http://ops:pw@relay.example:8443/in?chat=1&x=2", &kHooks, "http://***@relay.example:8443/***"},
      {"https://relay.example?relaykey=zzz", &kBareOrigin, "https://relay.example/***"},
      {"https://relay.example/#frag", &kBareOrigin, "https://relay.example/***"},
      {"https://api.telegram.org/prefix", &kBareOrigin, "https://api.telegram.org/***"},
  };
  for (const auto& [url, shapes, masked] : unknown) EXPECT_EQ(mask_url(url, *shapes), masked) << url;
  EXPECT_EQ(mask_url("${HOOK}", kHooks), "${HOOK}");
}

TEST(MaskerTest, a_registered_url_of_unknown_shape_is_masked_as_a_whole_wherever_it_appears) {
  Masker m = with_shapes();
  m.add_url(kRelay, kHooks);
  // As itself, with more path after it (an api_base, a server and its topic),
  // JSON-quoted, in an error quoting its path, or its key alone.
  EXPECT_EQ(m.apply("POST " + kRelay), "POST https://relay.example/***");
  EXPECT_EQ(m.apply(kRelay + "/bot***/sendMessage"), "https://relay.example/***/bot***/sendMessage");
  EXPECT_EQ(m.apply("{\"url\":\"" + kRelay + "\"}"), "{\"url\":\"https://relay.example/***\"}");
  EXPECT_EQ(m.apply("HTTP 404: no route for /services/relaySecret987/post"),
            "HTTP 404: no route for /***");
  EXPECT_EQ(m.apply("unknown key relaySecret987"), "unknown key ***");
  // Ordinary words of its path stay readable elsewhere.
  EXPECT_EQ(m.apply("post to services at relay.example"), "post to services at relay.example");
}

TEST(MaskerTest, a_short_unknown_path_is_still_masked_next_to_its_host) {
  Masker m;
  m.add_url("https://relay.example:8443/k/ab", kBareOrigin);
  EXPECT_EQ(m.apply("to https://relay.example:8443/k/ab now"), "to https://relay.example:8443/*** now");
  m.add_url("https://api.example", kBareOrigin);
  EXPECT_EQ(m.apply("https://api.example/bot***/getMe"), "https://api.example/bot***/getMe");
}

TEST(MaskerTest, registered_url_pieces_are_masked_anywhere_and_unknown_urls_lose_userinfo_and_query_secrets) {
  Masker m = with_shapes();
  m.add_url("https://ops:pa55word-xyz@relay.example/in/relay-key-98765?token=qtoken-123456", kHooks);
  EXPECT_EQ(m.apply("libcurl: Login denied for pa55word-xyz; key relay-key-98765 qtoken-123456"),
            "libcurl: Login denied for ***; key *** ***");
  // Never registered: a redirect's Location or a URL quoted by a service.
  EXPECT_EQ(m.apply("moved to \"https://u:p@new.example/x?a=1&access_token=zz\" now"),
            "moved to \"https://***@new.example/x?a=1&access_token=***\" now");
  EXPECT_EQ(m.apply("see https://new.example/hooks/abc and http://x.example/bot1:Z/getMe"),
            "see https://new.example/hooks/*** and http://x.example/bot***/getMe");
  EXPECT_EQ(m.apply("no url: key=value token"), "no url: key=value token");
  // A link in a message is no secret: its path, query and fragment stay.
  EXPECT_EQ(m.apply("docs: https://example.com/guide/setup?lang=en#step-2"),
            "docs: https://example.com/guide/setup?lang=en#step-2");
}

}  // namespace
}  // namespace notify

namespace notify {
namespace {

// The rule the loader and setup check a URL by is the one masking reads.
TEST(UrlShapesTest, a_url_fits_its_shapes_by_path_and_an_error_names_them_by_path) {
  const UrlShapes subpath = {"/##/hooks/#ID"};
  const UrlShapes discord = {"/api/webhooks/*ID/#TOKEN?wait&thread_id",
                             "/api/v*N/webhooks/*ID/#TOKEN?wait&thread_id"};
  EXPECT_TRUE(fits_shapes("https://chat.example/hooks/abc", subpath));
  EXPECT_TRUE(fits_shapes("https://chat.example/mattermost/hooks/abc/", subpath));
  EXPECT_FALSE(fits_shapes("https://chat.example/hooks/", subpath));
  EXPECT_FALSE(fits_shapes("https://chat.example/hooks/abc/extra", subpath));
  EXPECT_FALSE(fits_shapes("https://discord.com/api/webhooks/1/tok", subpath));
  EXPECT_TRUE(fits_shapes("https://discord.com/api/v10/webhooks/1/tok?wait=true", discord));
  EXPECT_FALSE(fits_shapes("https://discord.com/api/webhooks/1", discord));
  EXPECT_TRUE(fits_shapes("https://anything.example/at/all", {}));
  EXPECT_EQ(shapes_for_people(subpath), ".../hooks/ID");
  EXPECT_EQ(shapes_for_people(discord), "/api/webhooks/ID/TOKEN or /api/vN/webhooks/ID/TOKEN");
  EXPECT_EQ(shapes_for_people({"/services/*/*/#"}), "/services/X/X/X");
}

TEST(UrlShapesTest, a_sub_path_is_masked_in_the_url_and_on_its_own_only_when_key_like) {
  const UrlShapes subpath = {"/##/hooks/#ID"};
  EXPECT_EQ(mask_url("https://h.example/mattermost/hooks/abcdefgh", subpath),
            "https://h.example/***/hooks/***");
  Masker m;
  m.add_shape(subpath[0]);
  m.add_url("https://h.example/mattermost/hooks/abcdefgh", subpath);
  m.add_url("https://relay.example/relaySecret987/hooks/abcdefgh", subpath);
  EXPECT_EQ(m.apply("type mattermost, relay key relaySecret987"),
            "type mattermost, relay key ***");
  EXPECT_EQ(m.apply("see https://other.example/x/hooks/zzzzzz"),
            "see https://other.example/***/hooks/***");
}

}  // namespace
}  // namespace notify
